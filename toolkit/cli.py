"""Command line: demo, batch, watch, check, templates. Thin: parse options, call one function, map exit codes.

Exit codes: 0 run completed (whatever the submissions' state); 1 `check` found errors;
2 usage or configuration error; 3 another run holds the lock; 130 interrupted (Ctrl+C); 143 terminated (SIGTERM
to a batch run: Terminated).
"""
from __future__ import annotations

import argparse
import logging
import os
import re
import sys
from pathlib import Path

from . import __version__
from .campaign import Campaign, load_campaign
from .errors import (
    ConfigError,
    LockHeld,
    ToolkitError,
    disk_full,
    missing_inbox,
    os_error_path,
    os_error_place,
    os_reason,
)

log = logging.getLogger("toolkit")

DESCRIPTION = "河北省工业企业质量标杆推荐工作工具：校验申请表和总结材料，汇总生成省级汇总表、推荐意见、回执。"


def _campaign(args) -> Campaign:
    campaign = load_campaign(getattr(args, "campaign", None))
    if getattr(args, "deadline", None):
        campaign = campaign.with_deadline(args.deadline)
    return campaign


class _ChineseHelpFormatter(argparse.HelpFormatter):
    """argparse's help with its own word in Chinese ('用法：' for 'usage: '); the options' help is written in
    Chinese where they are added."""

    def add_usage(self, usage, actions, groups, prefix=None):
        return super().add_usage(usage, actions, groups, "用法：" if prefix is None else prefix)


# argparse's error messages (Python 3.11-3.13 wording) -> what a clerk reads; anything else is shown after
# "命令行参数有误：" as argparse wrote it
_PARSE_ERRORS = (
    (re.compile(r"the following arguments are required: (.+)"), "缺少必需的参数：{0}"),
    (re.compile(r"argument .*?: invalid choice: '?(.*?)'? \(choose from (.*)\)"), "“{0}”不是可用的命令或选项值，可用的有：{1}"),
    (re.compile(r"unrecognized arguments: (.+)"), "无法识别的参数：{0}"),
    (re.compile(r"argument (\S+?)(?:/\S+)?: expected one argument"), "{0} 后面需要写一个值"),
    (re.compile(r"argument (\S+?)(?:/\S+)?: invalid \w+ value: '(.*)'"), "{0} 的值“{1}”不是有效的数"),
    (re.compile(r"argument (\S+?)(?:/\S+)?: ignored explicit argument '(.*)'"), "{0} 不需要值（写了“{1}”）"),
)


class _Parser(argparse.ArgumentParser):
    """An ArgumentParser whose help and errors are in Chinese: the groups' titles (参数, 选项), -h's help, and
    argparse's error messages translated (_PARSE_ERRORS), each ending with how to see the usage. Exit code 2,
    as argparse's."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("formatter_class", _ChineseHelpFormatter)
        kwargs["add_help"] = False
        super().__init__(*args, **kwargs)
        self._positionals.title = "参数"
        self._optionals.title = "选项"
        self.add_argument("-h", "--help", action="help", help="显示本帮助并退出")

    def error(self, message: str):
        for pattern, chinese in _PARSE_ERRORS:
            found = pattern.fullmatch(message)
            if found:
                groups = found.groups()
                if "choose from" in pattern.pattern:  # Python's list ('demo', 'batch', …) as a clerk writes one
                    groups = (groups[0], "、".join(choice.strip().strip("'") for choice in groups[1].split(",")))
                message = chinese.format(*groups)
                break
        else:
            message = f"命令行参数有误：{message}"
        self.print_usage(sys.stderr)
        runner = self.prog if self.prog.startswith("zlbg") else f"python {self.prog}"
        self.exit(2, f"错误：{message}\n（运行 {runner} -h 查看用法）\n")


def _add_run_options(p: argparse.ArgumentParser) -> None:
    p.add_argument("--inbox", default="inbox", metavar="文件夹", help="收件箱文件夹（每个推荐单位一个子文件夹），默认 inbox")
    p.add_argument("--outbox", default="outbox", metavar="文件夹", help="输出文件夹，默认 outbox（结果在 outbox/latest）")
    p.add_argument("--campaign", metavar="文件", help="活动配置文件（.toml），默认为 2021 年河北省质量标杆")
    p.add_argument("--deadline", metavar="时间", help="覆盖截止时间，如 2021-09-30 或 2021-09-30T17:00")
    p.add_argument("--settle", type=float, default=2.0, metavar="秒数",
                   help="文件最近修改不足该秒数时先等待其写完（默认 2 秒）")
    p.add_argument("--force", action="store_true", help="即使收件箱没有变化也重新生成全部输出")
    p.add_argument("--templates", metavar="文件夹",
                   help="推荐意见模板所在文件夹（其中的“推荐意见.docx”可以用 Word 修改）；"
                        "默认使用收件箱旁边的 templates 文件夹，没有时用本工具自带的模板")
    p.add_argument("--state-dir", metavar="文件夹",
                   help="状态文件（收到记录、缓存、运行锁）放在哪里，默认 outbox/.state；共享盘较慢时可放在本机磁盘")
    p.add_argument("--pdf", action="store_true",
                   help="同时为每份推荐意见和回执生成 PDF（需要安装 LibreOffice；没有时给出提示，汇总照常完成）")
    p.add_argument("--keep-runs", type=int, metavar="次数",
                   help="输出文件夹的 runs 中只保留最近几次汇总的结果，较早的删除（默认全部保留；长期运行的 watch 建议设置，"
                        "以免占满磁盘）")


def _program_name() -> str:
    """The name the clerk started the tool by, for the usage line, --version and how to see the help: 'zlbg' (the
    command installed with the package, used in any folder: zlbg, zlbg.exe, zlbg-script.py), else 'run.py'."""
    started_as = re.split(r"[\\/]", sys.argv[0] if sys.argv else "")[-1]
    return "zlbg" if started_as.lower().startswith("zlbg") else "run.py"


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog=_program_name(), description=DESCRIPTION)
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}", help="显示版本号并退出")
    parser.add_argument("-v", "--verbose", action="store_true", help="显示详细日志")
    sub = parser.add_subparsers(dest="command", metavar="命令")

    p = sub.add_parser("demo", help="生成示例收件箱（26 个推荐单位，含正确和有问题的材料）并处理，新用户先运行它",
                       description="生成示例收件箱并运行一次汇总。")
    p.add_argument("--inbox", default="inbox", metavar="文件夹", help="示例收件箱写到哪里，默认 inbox")
    p.add_argument("--outbox", default="outbox", metavar="文件夹", help="输出文件夹，默认 outbox")

    p = sub.add_parser("batch", help="处理一次收件箱（供计划任务调用）", description="处理一次收件箱并生成全部输出。")
    _add_run_options(p)

    p = sub.add_parser("watch", help="持续监视收件箱，有变化就重新汇总", description="持续监视收件箱。")
    _add_run_options(p)
    p.add_argument("--poll", type=float, metavar="秒数",
                   help="用轮询方式每隔该秒数检查一次（网络共享盘上文件事件不可靠时使用）")
    p.add_argument("--rescan", type=float, default=60.0, metavar="秒数",
                   help="每隔该秒数全面检查一次收件箱（文件名、大小、修改时间），有变化就汇总，"
                        "弥补漏掉的文件事件（默认 60 秒）")
    p.add_argument("--quiet", type=float, default=2.0, metavar="秒数",
                   help="收件箱连续该秒数没有新变化后才开始汇总，一次复制很多文件只汇总一两次（默认 2 秒）")

    p = sub.add_parser("check", help="检查单个文件（申请表/总结材料/申请书），有错误时退出码为 1",
                       description="推荐单位报送前自查单个文件。")
    p.add_argument("files", nargs="+", metavar="文件", help="要检查的文件")
    p.add_argument("--campaign", metavar="文件", help="活动配置文件（.toml）")
    p.add_argument("--show-fields", action="store_true", help="列出读取到的各栏目内容及其位置")
    p.add_argument("--deadline", metavar="时间", help="按延长后的截止时间核对推荐排序表的成文日期，如 2021-09-30（与汇总时一致）")

    p = sub.add_parser("templates", help="生成空白模板（申请表、申请书、总结材料；推荐单位用的推荐意见、空白推荐意见、推荐排序表）",
                       description="生成发给企业和推荐单位的空白模板。")
    p.add_argument("--out", default="templates", metavar="文件夹", help="输出文件夹，默认 templates")
    p.add_argument("--campaign", metavar="文件", help="活动配置文件（.toml）")
    return parser


def main(argv: list[str] | None = None) -> int:
    _utf8_console()
    parser = build_parser()
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.DEBUG if args.verbose else logging.WARNING,
                        format="%(levelname)s %(name)s: %(message)s")
    if not args.command:
        parser.print_help()
        return 2
    try:
        if args.command == "templates":
            return cmd_templates(args)
        if args.command == "check":
            return cmd_check(args)
        if args.command == "batch":
            return cmd_batch(args)
        if args.command == "watch":
            return cmd_watch(args)
        if args.command == "demo":
            return cmd_demo(args)
    except LockHeld as exc:
        print(f"错误：{exc}请稍后再试。", file=sys.stderr)
        return exc.exit_code
    except ToolkitError as exc:
        print(f"错误：{exc}", file=sys.stderr)
        return exc.exit_code
    except Terminated:
        print("已终止（收到终止信号）。", file=sys.stderr)
        return 143
    except KeyboardInterrupt:
        print("已中断。", file=sys.stderr)
        return 130
    except OSError as exc:
        log.debug("environment error", exc_info=True)
        print(f"错误：{os_failure(exc, outbox=getattr(args, 'outbox', None), state=getattr(args, 'state_dir', None))}",
              file=sys.stderr)
        return 2
    return 2


def os_failure(exc: OSError, *, outbox=None, state=None) -> str:
    """What an operating-system error that stopped a run means and what to do (in Chinese), for the console and
    the run's line in runs.jsonl: the file or folder it names (errors.os_error_path), why, and — for a full disk —
    which disk to clean (_full_disk)."""
    said = f"无法访问文件或文件夹{os_error_place(exc)}（{os_reason(exc)}）。"
    if not disk_full(exc):
        return said + "请检查路径和权限。"
    unchanged = "已有的汇总结果没有改动。"
    outbox_advice = ("请清理输出文件夹所在磁盘的空间（每次汇总的结果另存在输出文件夹的“runs”文件夹中，较早的可以删除）后重试；"
                     + unchanged)
    if outbox is None:
        return said + "请清理磁盘空间后重试；" + unchanged
    from .pipeline import state_dir

    outbox = Path(outbox)
    state = Path(state) if state else state_dir(outbox)
    full = _full_disk(exc, outbox, state)
    if full is outbox:
        return said + outbox_advice
    if full is state:
        return said + f"状态文件夹“{state}”（--state-dir）所在的磁盘已满，请清理该磁盘的空间后重试；" + unchanged
    if full is not None:
        return said + f"请清理“{full}”所在磁盘的空间后重试；" + unchanged
    return (said + f"请清理输出文件夹“{outbox}”或状态文件夹“{state}”（--state-dir）所在磁盘的空间后重试；"
            + unchanged)


def _full_disk(exc: OSError, outbox: Path, state: Path):
    """Which folder's disk a disk-full error is on: ``outbox`` when it is the outbox's disk, ``state`` when the
    state folder's (--state-dir on another disk), else the folder of the file the error names; where the error
    names none (a write to an open file), the one of the two with no room left (os.statvfs); None when unknown."""
    import os

    def device(path: Path):
        for folder in (path, *path.parents):  # (the error's file may be gone: a temporary one removed)
            try:
                return os.stat(folder).st_dev
            except OSError:
                continue
        return None

    named = os_error_path(exc)
    if named:
        dev = device(Path(named))
        if dev is not None and dev == device(outbox):
            return outbox
        if dev is not None and dev == device(state):
            return state
        return Path(named).parent
    for folder in (state, outbox) if device(state) != device(outbox) else (outbox,):
        try:
            st = os.statvfs(folder)
        except (OSError, AttributeError):  # (Windows has no statvfs)
            continue
        if st.f_bavail * st.f_frsize < 1024 * 1024:
            return folder
    return None


def _utf8_console() -> None:
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.reconfigure(errors="replace")
        except (AttributeError, ValueError):
            pass


def cmd_templates(args) -> int:
    from .templates import write_templates

    paths = write_templates(Path(args.out), load_campaign(args.campaign))
    for p in paths:
        print(f"已生成 {p}")
    return 0


class _Progress:
    """A tqdm bar on stderr when there are more than a handful of files and stderr is a terminal."""

    def __init__(self):
        self.bar = None

    def __call__(self, done: int, total: int) -> None:
        if total <= 5:
            return
        if self.bar is None:
            from tqdm import tqdm

            self.bar = tqdm(total=total, desc="读取文件", unit="个", disable=None, file=sys.stderr, leave=False)
        self.bar.n = done
        self.bar.refresh()

    def close(self) -> None:
        if self.bar is not None:
            self.bar.close()


def run_and_report(inbox: Path, outbox: Path, campaign: Campaign, *, settle: float = 2.0, force: bool = False,
                   now=None, templates: str | None = None, pdf: bool = False, state: str | None = None,
                   command: str = "batch", keep_runs: int | None = None) -> int:
    """One run with a progress bar and the end-of-run summary; every run, whatever its end (published,
    unchanged, lock held, configuration error, a full disk or another operating-system error, Ctrl+C or SIGTERM:
    outcome "interrupted"), leaves one line in outbox/logs/runs.jsonl — except a run started where neither the
    inbox nor the outbox is (a wrong folder: no outbox is made there for its line), and one whose line cannot be
    written (the log's own disk full)."""
    import time

    from .audit import append_run
    from .clock import now_iso
    from .pipeline import run
    from .report import end_of_run

    started, clock = now_iso(), time.perf_counter()
    record = {"command": command, "started": started, "inbox": str(inbox), "campaign": campaign.id,
              "deadline": campaign.deadline.isoformat()}
    progress = _Progress()

    def ended(**fields) -> dict:  # the run's line in runs.jsonl, whatever its end
        return {**record, "ended": now_iso(), "seconds": round(time.perf_counter() - clock, 3), **fields}

    _LAST_REPORT.clear()  # (the last run's result is not held while this one runs)
    try:
        report = run(inbox, outbox, campaign, progress=progress, settle=settle, force=force, now=now,
                     templates=Path(templates) if templates else None, pdf=pdf, state=Path(state) if state else None,
                     keep_workers=command == "watch", keep_runs=keep_runs)
    except KeyboardInterrupt as exc:  # Ctrl+C, a scheduler's stop (Terminated): logged, then raised on
        if Path(inbox).is_dir() or Path(outbox).is_dir():
            stopped = isinstance(exc, Terminated)
            append_run(outbox, ended(exit_code=143 if stopped else 130, outcome="interrupted",
                                     error=f"运行被{'终止（收到终止信号）' if stopped else '中断（Ctrl+C）'}，"
                                           "已有的汇总结果是最近一次完成的运行生成的"))
        raise
    except Exception as exc:  # (logged, then raised on: main says it, a watcher retries)
        if Path(inbox).is_dir() or Path(outbox).is_dir():  # (not a log folder made where a wrong start pointed)
            if isinstance(exc, ToolkitError):
                code, said = exc.exit_code, str(exc)
            elif isinstance(exc, OSError):  # a full disk, a share gone: what main prints (exit 2)
                code, said = 2, os_failure(exc, outbox=outbox, state=state)
            else:  # a bug: Python's exit code for an uncaught exception
                code, said = 1, f"程序内部出错（{type(exc).__name__}）"
            append_run(outbox, ended(exit_code=code, outcome="lock-held" if isinstance(exc, LockHeld) else "error",
                                     error=said))
        raise
    finally:
        progress.close()
    brief = report.brief  # the run's headline figures; an unchanged run has last run's (no summary.json read)
    _LAST_BRIEF.clear()
    _LAST_BRIEF.update(brief)
    append_run(outbox, ended(exit_code=0, outcome="unchanged" if report.unchanged else "published",
                             run_folder=report.run_folder.name if report.run_folder else "",
                             files=report.files, parsed=report.parsed, applications=brief.get("applications", 0),
                             statuses=brief.get("statuses", {}), errors=brief.get("errors", 0),
                             warnings=brief.get("warnings", 0), notices=report.notices,
                             # seconds of the run's steps (discover, extract, assemble, render); none when unchanged
                             phases={name: round(seconds, 3) for name, seconds in report.timings.items()}))
    print(end_of_run(report, campaign, inbox=inbox, outbox=outbox))
    if command != "watch":  # (a watcher's next run would hold two results at once)
        _LAST_REPORT[:] = [report]
    return 0


# The last batch run's report (its result, a national run's millions of objects), held here until the process ends:
# freed at the end of run_and_report it cost 0.05 s of a one-file run at 10,000 applications, for a program that
# leaves the moment after (run_as_program).
_LAST_REPORT: list = []
_LAST_BRIEF: dict = {}  # the last run's headline figures (run_brief): a watcher asks whether it left files pending


def _keep_runs(args) -> int | None:
    if args.keep_runs is not None and args.keep_runs < 1:
        raise ConfigError(f"--keep-runs 必须是 1 或更大的整数（现在是 {args.keep_runs}）")
    return args.keep_runs


class Terminated(KeyboardInterrupt):
    """A batch run stopped by SIGTERM (cron's or a service manager's time limit, ``kill``): raised where the run is,
    as Ctrl+C's KeyboardInterrupt is, so it ends as one interrupted — its lock released, its workers stopped, one
    line in runs.jsonl (outcome "interrupted", exit code 143 = 128 + SIGTERM, the shell's convention)."""


def cmd_batch(args) -> int:
    import signal

    def on_term(signum, frame):
        signal.signal(signal.SIGTERM, signal.SIG_DFL)  # a second one ends the process at once
        raise Terminated

    try:
        previous = signal.signal(signal.SIGTERM, on_term)
    except (ValueError, AttributeError):  # not the main thread (called from a test)
        previous = None
    try:
        return run_and_report(Path(args.inbox), Path(args.outbox), _campaign(args), settle=args.settle,
                              force=args.force, templates=args.templates, pdf=args.pdf, state=args.state_dir,
                              keep_runs=_keep_runs(args))
    finally:
        if previous is not None:
            signal.signal(signal.SIGTERM, previous)


def cmd_watch(args) -> int:
    """Watch the inbox until Ctrl+C or SIGTERM; a stop request takes effect after the current run (exit 0)."""
    import datetime as dt
    import signal
    import threading

    from .clock import CHINA_TZ
    from .discover import InboxUnavailable
    from .pipeline import missing_outputs, state_dir
    from .watch import AGAIN, UNAVAILABLE, watch

    campaign = _campaign(args)
    inbox, outbox = Path(args.inbox), Path(args.outbox)
    keep_runs = _keep_runs(args)
    for name, value in (("--poll", args.poll), ("--rescan", args.rescan), ("--quiet", args.quiet)):
        if value is not None and value <= 0:
            raise ConfigError(f"{name} 必须是大于 0 的秒数（现在是 {value:g}）")
    if not inbox.is_dir():
        raise missing_inbox(inbox)

    # a long-lived process: every log line carries its time, in China time (the clerks' time)
    formatter = logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s" if args.verbose
                                  else "%(asctime)s %(message)s", "%Y-%m-%d %H:%M:%S")
    formatter.converter = lambda secs: dt.datetime.fromtimestamp(secs, CHINA_TZ).timetuple()
    for handler in logging.getLogger().handlers:
        handler.setFormatter(formatter)
    logging.getLogger("toolkit.watch").setLevel(logging.DEBUG if args.verbose else logging.INFO)
    # watchdog's own notices are English and, at debug level, one line per file event (thousands per run): ours
    # say what matters in Chinese (an observer that stops hearing is found by the rescans). Its errors too — an
    # observer stopped while an event came in logs 'InotifyEmitter.queue_events() called when the thread is
    # inactive' at ERROR — reach a clerk's console only with -v
    logging.getLogger("watchdog").setLevel(logging.WARNING if args.verbose else logging.CRITICAL)

    state = Path(args.state_dir) if args.state_dir else state_dir(outbox)
    # the receipt records (journal) this watcher's runs keep: once they were there, a run never starts without
    # them — it would start a new journal where they were, taking each file's modification time as its received
    # time, and the journal that comes back would lack what was seen meanwhile
    state_seen = [state.is_dir()]
    state_gone_said = [False]

    def once() -> bool | str:  # True, AGAIN, UNAVAILABLE or False (watch.InboxWatcher)
        if state_seen[0] and not state.is_dir():  # (the outbox's share not mounted, the folder moved or deleted)
            if not state_gone_said[0]:
                log.warning("收到记录所在的文件夹 %s 不见了（共享盘可能没有连接好，或文件夹被移动、删除）。为免收到时间和"
                            "是否逾期算错，暂停汇总，它恢复后自动继续；确要从头开始的，请重新启动 watch。", state)
                state_gone_said[0] = True
            return False
        if state_gone_said[0]:
            logging.getLogger("toolkit.watch").info("收到记录所在的文件夹已恢复：%s，继续汇总。", state)
            state_gone_said[0] = False
        try:
            run_and_report(inbox, outbox, campaign, settle=args.settle, templates=args.templates, pdf=args.pdf,
                           state=args.state_dir, command="watch", keep_runs=keep_runs)
        except LockHeld as exc:
            log.warning("本次跳过：%s将自动重试。", exc)
            return False
        except InboxUnavailable as exc:  # empty where files were (a share not mounted): waited for, said once
            log.warning("本次未运行：%s", exc)
            return UNAVAILABLE
        except ToolkitError as exc:
            log.warning("本次未运行：%s", exc)
            return False
        finally:
            sys.stdout.flush()
            state_seen[0] = state_seen[0] or state.is_dir()
        return AGAIN if _LAST_BRIEF.get("pending") else True

    stop = threading.Event()
    announced = threading.Event()  # the request has been logged: the watcher's last line comes after it
    received: list[str] = []

    def on_signal(signum, frame):
        if stop.is_set() and signum == signal.SIGINT:
            raise KeyboardInterrupt  # a second Ctrl+C: stop now
        received.append("Ctrl+C" if signum == signal.SIGINT else signal.Signals(signum).name)
        stop.set()  # only this: the handler may interrupt a run, which must go on undisturbed

    def announce():  # logged from a thread of its own, never from inside the signal handler
        stop.wait()
        if received:
            again = "（再按一次 Ctrl+C 立即中断）" if received[0] == "Ctrl+C" else ""
            log.warning("收到停止请求（%s），当前汇总完成后停止监视……%s", received[0], again)
        announced.set()

    previous = {}
    try:
        for sig in (signal.SIGINT, signal.SIGTERM):
            previous[sig] = signal.signal(sig, on_signal)
    except ValueError:  # not the main thread (called from a test): stop with Ctrl+C as usual
        pass
    threading.Thread(target=announce, name="zlbg-stop-notice", daemon=True).start()
    try:
        watch(inbox, once, poll=args.poll, rescan=args.rescan, quiet=args.quiet, stop=stop, announced=announced,
              outputs_missing=lambda: missing_outputs(outbox, Path(args.state_dir) if args.state_dir else None))
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)
        stop.set()
    return 0


def cmd_check(args) -> int:
    from .discover import is_temporary
    from .pipeline import check_files, check_pairs
    from .report import check_report

    campaign = _campaign(args)
    paths = [Path(f) for f in args.files]
    for p in [p for p in paths if is_temporary(p.name)]:
        print(f"【{p}】这是 Office/WPS 打开文件时产生的临时（锁定）文件，不是报送材料，已跳过；汇总时也会自动忽略。")
    paths = [p for p in paths if not is_temporary(p.name)]
    folders = [p for p in paths if p.is_dir()]
    if folders:
        raise ConfigError("“" + "、".join(str(p) for p in folders) + "”是文件夹：请写出其中要检查的文件"
                          "（可以一次写多个，如 申请表.xlsx 总结材料.docx）。")
    missing = [p for p in paths if not p.exists() and not p.is_symlink()]  # (a pipe or a broken link: read, reported)
    if missing:
        raise ConfigError("找不到文件：" + "、".join(str(p) for p in missing))
    first: dict = {}
    for p in paths:  # a file given twice (another spelling of its path included) is checked once
        first.setdefault(os.path.realpath(p), p)  # (never raises: a link round in a loop is read, and reported)
    paths = list(first.values())
    results = check_files(paths, campaign)
    pairs, unpaired = check_pairs(results, campaign)
    text, has_errors = check_report(results, campaign, show_fields=args.show_fields, pairs=pairs, unpaired=unpaired)
    print(text)
    return 1 if has_errors else 0


def cmd_demo(args) -> int:
    from .demo import write_demo_inbox

    campaign = load_campaign()
    inbox, outbox = Path(args.inbox), Path(args.outbox)
    info = write_demo_inbox(inbox, outbox, campaign)
    print(f"已生成示例收件箱：{inbox}（{info['units']} 个推荐单位，{info['applications']} 项申报，{info['files']} 个文件）")
    code = run_and_report(inbox, outbox, campaign, settle=0, force=True, now=info["now"])
    print(f"\n请打开 {outbox / 'latest' / 'index.html'}（状态页），或查看 {outbox / 'latest'} 中的省级汇总表.xlsx、推荐意见、回执、推荐排序表和各单位文件夹")
    return code


def run_as_program() -> None:
    """``main`` as a program's entry (run.py, python -m toolkit.cli), leaving with its exit code the way CPython's
    finalization does — threads that are not daemons waited for (with the exit hooks concurrent.futures registers:
    threading._shutdown), the exit handlers run (atexit: logging's shutdown, multiprocessing's finalizers), the
    console flushed (a flush that fails makes the exit code 120, as Python's own exit does) — then os._exit, which
    skips freeing every object one by one (a batch run's result is held till then: _LAST_REPORT). At 10,000
    applications that took 0.08 s from the last line printed to the end of the process, now 0.03 s. Where those
    two hooks of CPython's are missing, or ``main`` gave no int: sys.exit, the collector told first to skip what
    exists (gc.freeze: its collection on the way out walked a national run's objects for nothing)."""
    import atexit
    import gc
    import os
    import threading

    code = main()
    gc.freeze()
    wait_for_threads = getattr(threading, "_shutdown", None)  # (both what Py_FinalizeEx calls, in this order)
    run_exit_handlers = getattr(atexit, "_run_exitfuncs", None)
    if wait_for_threads is None or run_exit_handlers is None or code.__class__ is not int:
        sys.exit(code)
    wait_for_threads()
    run_exit_handlers()
    for stream in (sys.stdout, sys.stderr):
        try:
            if stream is not None and not stream.closed:
                stream.flush()
        except (OSError, ValueError):  # a full disk, a pipe closed by its reader
            code = 120
    os._exit(code)


if __name__ == "__main__":
    run_as_program()
