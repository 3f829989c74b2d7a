"""watch: real observers on real folders, and `run.py watch` as a real process that never goes deaf.

No timed assertions: each test waits generously for a result to appear, then asserts on the result.
"""
from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from conftest import LATEST_LOSSES, ROOT, latest_files, permissions_bind, remove_from_latest

from toolkit.campaign import load_campaign
from toolkit.pipeline import run
from toolkit.watch import InboxWatcher, _EventHints, inbox_listing, watch

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="POSIX signals and folder removal semantics")


# -- helpers ------------------------------------------------------------------------------------------------

def wait_for(predicate, timeout: float = 40.0, interval: float = 0.1):
    """Poll ``predicate`` until it returns something truthy (returned) or ``timeout`` seconds pass (None)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(interval)
    return None


class WatchProcess:
    """`python run.py watch …` in a subprocess, its stdout and stderr (the log) written to files; ``verbose``: with
    -v (the watcher's debug lines: each rescan that found nothing to do, each probe of a missing inbox); ``wrap``:
    a command prefix (permissions_bind)."""

    def __init__(self, base: Path, inbox: Path, outbox: Path, *options: str, verbose: bool = False,
                 wrap: list[str] | tuple = ()):
        self.out, self.err = base / "watch.stdout", base / "watch.stderr"
        self.outbox = outbox
        cmd = [*wrap, sys.executable, str(ROOT / "run.py"), *(["-v"] if verbose else []), "watch", "--inbox",
               str(inbox), "--outbox", str(outbox), "--deadline", "2099-12-31", "--settle", "0.5", *options]
        env = {**os.environ, "PYTHONUNBUFFERED": "1"}
        with open(self.out, "wb") as out, open(self.err, "wb") as err:
            self.proc = subprocess.Popen(cmd, cwd=ROOT, stdout=out, stderr=err, env=env)

    def log(self) -> str:
        return self.err.read_text(encoding="utf-8", errors="replace")

    def stdout(self) -> str:
        return self.out.read_text(encoding="utf-8", errors="replace")

    def runs_started(self) -> int:
        return self.log().count("开始汇总")

    def applications(self) -> list | None:
        try:
            return json.loads((self.outbox / "latest" / "summary.json").read_text(encoding="utf-8"))["applications"]
        except (OSError, ValueError):
            return None

    def wait_log(self, text: str, timeout: float = 40.0) -> bool:
        return bool(wait_for(lambda: text in self.log() or self.proc.poll() is not None, timeout)) \
            and text in self.log()

    def wait_apps(self, n: int, timeout: float = 40.0) -> list | None:
        """Wait until latest/summary.json lists ``n`` applications; return them (None on timeout)."""
        found = wait_for(lambda: (apps := self.applications()) is not None and len(apps) == n and [apps], timeout)
        return found[0] if found else None

    def signal(self, signum: int = signal.SIGTERM, timeout: float = 60.0) -> int:
        if self.proc.poll() is None:
            self.proc.send_signal(signum)
        return self.proc.wait(timeout=timeout)

    def kill(self) -> None:
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait(timeout=10)


@pytest.fixture
def watch_process(tmp_path):
    started = []

    def start(*options: str, **kwargs) -> WatchProcess:
        inbox, outbox = tmp_path / "inbox", tmp_path / "outbox"
        process = WatchProcess(tmp_path, inbox, outbox, *options, **kwargs)
        started.append(process)
        return process

    yield start
    for process in started:
        process.kill()


@pytest.fixture
def make_pair(tmp_path, make_form, make_summary):
    """Build a 申请表 + 总结材料 pair for enterprise ``i`` in a staging folder; return the two files."""
    def make(i: int = 0) -> list[Path]:
        enterprise = f"河北测试{i:02d}号精密机械有限公司"
        name = f"{enterprise}实施六西格玛设计的经验"
        folder = tmp_path / "staging" / f"{i:02d}"
        form = make_form(folder / f"{enterprise}-申请表.xlsx", 申报单位=enterprise, 标杆名称=name)
        summary = make_summary(folder / f"{enterprise}-总结材料.docx", enterprise=enterprise, name=name)
        return [form, summary]
    return make


def copy_in(files: list[Path], folder: Path) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    for f in files:
        shutil.copy2(f, folder / f.name)


def assert_clean_outbox(outbox: Path) -> None:
    """latest/ is a complete run: it resolves to a finished run folder; no half-written run, no lock left."""
    latest = outbox / "latest"
    assert (latest / "summary.json").is_file()
    if latest.is_symlink():
        assert latest.resolve().parent == (outbox / "runs").resolve()
    assert not list((outbox / "runs").glob(".*.partial"))
    assert not [p for p in outbox.iterdir() if p.name.startswith(".latest")]
    assert not (outbox / ".state" / "run.lock").exists()


# -- the library: a real observer on a real folder ----------------------------------------------------------

@pytest.mark.parametrize("poll", [None, 0.5], ids=["events", "polling"])
def test_watch_reruns_on_new_file(tmp_path, make_form, make_summary, poll):
    campaign = load_campaign().with_deadline("2099-12-31")
    inbox, out = tmp_path / "inbox", tmp_path / "outbox"
    (inbox / "衡水").mkdir(parents=True)
    runs = []
    stop = threading.Event()

    def once():
        report = run(inbox, out, campaign, settle=0.2)
        runs.append(len(report.summary["applications"]))

    thread = threading.Thread(target=watch, args=(inbox, once), kwargs={"poll": poll, "quiet": 0.5, "stop": stop},
                              daemon=True)
    thread.start()
    deadline = time.time() + 20
    while not runs and time.time() < deadline:
        time.sleep(0.1)
    assert runs == [0]
    make_form(inbox / "衡水" / "申请表.xlsx")
    make_summary(inbox / "衡水" / "总结材料.docx")
    deadline = time.time() + 30
    while (not runs or runs[-1] != 1) and time.time() < deadline:
        time.sleep(0.2)
    stop.set()
    thread.join(timeout=15)
    assert runs[-1] == 1
    summary = json.loads((out / "latest" / "summary.json").read_text(encoding="utf-8"))
    assert summary["applications"][0]["unit"] == "衡水市工业和信息化局"


def test_batch_and_watch_give_identical_outputs(tmp_path, make_form, make_summary):
    campaign = load_campaign().with_deadline("2099-12-31")
    inbox = tmp_path / "inbox"
    make_form(inbox / "辛集" / "申请表.xlsx")
    make_summary(inbox / "辛集" / "总结材料.docx")
    a = run(inbox, tmp_path / "out-batch", campaign, settle=0)
    stop = threading.Event()
    results = []

    def once():
        results.append(run(inbox, tmp_path / "out-watch", campaign, settle=0))
        stop.set()

    watch(inbox, once, poll=0.5, stop=stop)
    b = results[0]
    strip = lambda s: {k: v for k, v in s.items() if k != "generated_at"}
    assert strip(a.summary) == strip(b.summary)


def test_watch_retries_when_another_run_holds_the_lock(tmp_path, make_form, make_summary):
    """A change seen while the lock is held is not lost: watch tries again until it can run."""
    from toolkit.errors import LockHeld
    from toolkit.journal import RunLock

    campaign = load_campaign().with_deadline("2099-12-31")
    inbox, out = tmp_path / "inbox", tmp_path / "outbox"
    (inbox / "承德").mkdir(parents=True)
    held = RunLock(out / ".state").acquire()
    attempts, stop = [], threading.Event()

    def once():
        try:
            report = run(inbox, out, campaign, settle=0)
        except LockHeld:
            attempts.append("locked")
            return False
        attempts.append(len(report.summary["applications"]))
        return True

    thread = threading.Thread(target=watch, args=(inbox, once),
                              kwargs={"poll": 0.5, "quiet": 0.3, "stop": stop, "retry": 0.5}, daemon=True)
    thread.start()
    time.sleep(1.0)
    make_form(inbox / "承德" / "申请表.xlsx")
    make_summary(inbox / "承德" / "总结材料.docx")
    time.sleep(2.0)
    assert "locked" in attempts and 1 not in attempts
    held.release()
    deadline = time.time() + 20
    while 1 not in attempts and time.time() < deadline:
        time.sleep(0.2)
    stop.set()
    thread.join(timeout=15)
    assert 1 in attempts, attempts


class Recorder:
    """A stand-in for the pipeline: each call records the inbox's file names as it finds them."""

    def __init__(self, inbox: Path):
        self.inbox = inbox
        self.seen: list[set[str]] = []

    def __call__(self) -> bool:
        self.seen.append({p.name for p in self.inbox.rglob("*") if p.is_file()})
        return True


def start_watcher(inbox: Path, **options) -> tuple[InboxWatcher, Recorder, threading.Thread]:
    recorder = Recorder(inbox)
    watcher = InboxWatcher(inbox, recorder, **options)
    thread = threading.Thread(target=watcher.run, daemon=True)
    thread.start()
    assert wait_for(lambda: recorder.seen, 20), "no first run"
    return watcher, recorder, thread


def _stop_dispatch_thread(observer):
    observer.stop()


def _kill_emitter(observer):
    emitter = next(iter(observer.emitters))

    def broken(timeout):
        raise RuntimeError("injected emitter failure")

    emitter.queue_events = broken  # the emitter's thread raises on its next loop and dies
    (Path(emitter.watch.path) / "邢台" / "trigger.txt").write_bytes(b"")  # a native emitter loops on an event


@pytest.mark.filterwarnings("ignore::pytest.PytestUnhandledThreadExceptionWarning")
@pytest.mark.parametrize("poll", [None, 0.3], ids=["events", "polling"])
@pytest.mark.parametrize("inject", [_stop_dispatch_thread, _kill_emitter], ids=["observer-stopped", "emitter-raised"])
def test_a_dead_observer_is_restarted_and_hears_new_files(tmp_path, poll, inject):
    inbox = tmp_path / "inbox"
    (inbox / "邢台").mkdir(parents=True)
    # rescan an hour away: only the restarted observer's events can bring the new file in
    watcher, recorder, thread = start_watcher(inbox, poll=poll, quiet=0.3, rescan=3600, liveness=0.2)
    first = watcher.observer
    inject(first)
    assert wait_for(lambda: watcher.observer is not None and watcher.observer is not first, 20), \
        "the dead observer was not replaced"
    assert watcher.restarts == 1 and watcher.observer.is_alive()
    (inbox / "邢台" / "新文件.xlsx").write_bytes(b"x")
    seen = wait_for(lambda: any("新文件.xlsx" in s for s in recorder.seen), 20)
    watcher.stop.set()
    thread.join(timeout=15)
    assert seen, recorder.seen
    assert not thread.is_alive()


@pytest.mark.parametrize("poll", [None, 0.3], ids=["events", "polling"])
def test_reading_the_inbox_is_no_change_but_every_kind_of_change_is(tmp_path, poll, monkeypatch):
    """Runs list every folder and read files: that alone starts no run (the native observer is not even told of
    it); a file rewritten in place, touched, renamed, moved out or deleted each starts one."""
    inbox = tmp_path / "inbox"
    (inbox / "保定" / "甲").mkdir(parents=True)
    for name in ("a.xlsx", "b.docx", "c.xlsx", "d.xlsx"):
        (inbox / "保定" / "甲" / name).write_bytes(b"x" * 100)
    outside = tmp_path / "withdrawn"
    outside.mkdir()
    delivered = []  # every event the observer hands over, ignored ones included
    hear = _EventHints.on_any_event
    monkeypatch.setattr(_EventHints, "on_any_event", lambda self, event: (delivered.append(event.event_type),
                                                                          hear(self, event)))
    watcher, recorder, thread = start_watcher(inbox, poll=poll, quiet=0.3, rescan=3600)
    try:
        for _ in range(20):  # what a run does to the inbox: list it, open and read its files
            for path in inbox.rglob("*"):
                if path.is_file():
                    path.read_bytes()
        time.sleep(1.5)  # far beyond the quiet period: a run would have started
        assert len(recorder.seen) == 1, recorder.seen
        assert not {"opened", "closed_no_write"} & set(delivered), delivered
        changes = [lambda: (inbox / "保定" / "甲" / "a.xlsx").write_bytes(b"y" * 100),  # rewritten in place
                   lambda: os.utime(inbox / "保定" / "甲" / "b.docx", (1, 1)),  # touched (attributes only)
                   lambda: (inbox / "保定" / "甲" / "c.xlsx").rename(inbox / "保定" / "甲" / "c2.xlsx"),
                   lambda: shutil.move(inbox / "保定" / "甲" / "d.xlsx", outside / "d.xlsx"),  # withdrawn
                   lambda: (inbox / "保定" / "甲" / "c2.xlsx").unlink()]
        for n, change in enumerate(changes, start=2):
            change()
            assert wait_for(lambda n=n: len(recorder.seen) >= n, 20), (n, recorder.seen)
    finally:
        watcher.stop.set()
        thread.join(timeout=15)


def test_a_burst_is_coalesced_and_a_trickle_still_runs(tmp_path):
    inbox = tmp_path / "inbox"
    (inbox / "保定").mkdir(parents=True)
    watcher, recorder, thread = start_watcher(inbox, quiet=1.0, max_delay=2.0, rescan=3600)
    for i in range(30):  # a copy of 30 files at once
        (inbox / "保定" / f"burst-{i:02d}.xlsx").write_bytes(b"x" * 1000)
    assert wait_for(lambda: any(len(s) == 30 for s in recorder.seen), 20), recorder.seen
    time.sleep(1.5)  # any late run would show up meanwhile
    burst_runs = len(recorder.seen) - 1
    # a continuous trickle (a file every 0.2 s for 5 s) never gives a quiet second: max_delay still runs it
    for i in range(25):
        (inbox / "保定" / f"trickle-{i:02d}.xlsx").write_bytes(b"x")
        time.sleep(0.2)
    during_trickle = len(recorder.seen) - 1 - burst_runs
    watcher.stop.set()
    thread.join(timeout=15)
    assert 1 <= burst_runs <= 2, recorder.seen
    assert during_trickle >= 1


def test_listing_is_none_when_the_inbox_is_gone(tmp_path):
    inbox = tmp_path / "inbox"
    (inbox / "唐山").mkdir(parents=True)
    (inbox / "唐山" / "a.xlsx").write_bytes(b"1")
    listing = inbox_listing(inbox)
    assert {entry[0] for entry in listing} == {"唐山/a.xlsx"}
    (inbox / "唐山" / "a.xlsx").write_bytes(b"12")
    assert inbox_listing(inbox) != listing
    shutil.rmtree(inbox)
    assert inbox_listing(inbox) is None


# -- `run.py watch` as a real process ---------------------------------------------------------------------

def _remove(inbox: Path, how: str, tmp_path: Path) -> None:
    if how == "rmtree":
        shutil.rmtree(inbox)
    else:
        inbox.rename(tmp_path / "inbox-away")


def _restore(inbox: Path, how: str, tmp_path: Path) -> None:
    if how == "rmtree":
        (inbox / "衡水").mkdir(parents=True)  # a new, empty folder in its place
    else:
        (tmp_path / "inbox-away").rename(inbox)


@pytest.mark.parametrize("poll", [[], ["--poll", "1"]], ids=["events", "polling"])
def test_cli_watch_hears_new_files_after_the_inbox_is_removed_and_restored(tmp_path, watch_process, make_pair,
                                                                           poll):
    """The bug this kills: after the inbox folder went away and came back, new files went unseen until a
    restart. Rescans are an hour apart here, so only a re-established observer can see the new files."""
    inbox = tmp_path / "inbox"
    (inbox / "衡水").mkdir(parents=True)
    w = watch_process(*poll, "--rescan", "3600")
    assert w.wait_apps(0) == [], w.log()
    for i, how in enumerate(["rmtree", "rename"], start=1):
        stopped_before = w.log().count("收件箱暂时无法访问")
        _remove(inbox, how, tmp_path)
        assert wait_for(lambda n=stopped_before: w.log().count("收件箱暂时无法访问") > n), w.log()
        restored_before = w.log().count("收件箱已恢复")
        _restore(inbox, how, tmp_path)
        assert wait_for(lambda n=restored_before: w.log().count("收件箱已恢复") > n), w.log()
        copy_in(make_pair(i), inbox / "衡水")
        apps = w.wait_apps(i)
        assert apps, (how, w.applications(), w.log())
        assert {a["unit"] for a in apps} == {"衡水市工业和信息化局"}
    assert w.log().count("收件箱暂时无法访问") == 2  # once per disappearance, not once per probe
    assert w.signal(signal.SIGTERM) == 0, w.log()
    assert "已停止监视" in w.log()
    assert_clean_outbox(w.outbox)


def test_cli_watch_rescan_catches_what_events_miss(tmp_path, watch_process, make_pair):
    """A polling observer that looks only once an hour stands for a share that sends no events."""
    inbox = tmp_path / "inbox"
    (inbox / "沧州").mkdir(parents=True)
    w = watch_process("--poll", "3600", "--rescan", "1")
    assert w.wait_apps(0) == [], w.log()
    copy_in(make_pair(), inbox / "沧州")
    assert w.wait_apps(1), w.log()
    assert "定期全面检查发现" in w.log()
    assert w.signal() == 0


@pytest.mark.parametrize("lost", LATEST_LOSSES)
def test_cli_watch_publishes_again_what_was_deleted_of_latest(tmp_path, watch_process, make_pair, lost):
    """The inbox unchanged, a clerk deletes outbox/latest/ or part of it (the register, the 回执 folder, the status
    page, one unit's 回执 or page or folder): the watcher's periodic rescan sees it, says what is missing and runs,
    so latest/ holds every file it held before; then it rests — its next rescans start nothing. Before, it ran only
    when the inbox changed: latest/ stayed as the clerk left it for as long as the watcher ran."""
    copy_in(make_pair(), tmp_path / "inbox" / "沧州")
    w = watch_process("--rescan", "1", verbose=True)
    assert w.wait_apps(1), w.log()
    published = latest_files(w.outbox)
    assert {"省级汇总表.xlsx", "index.html", "回执/沧州市工业和信息化局-回执.xlsx"} <= set(published), published
    runs = w.runs_started()
    removed = remove_from_latest(w.outbox, lost)
    assert wait_for(lambda: latest_files(w.outbox) == published, 60), (latest_files(w.outbox), w.log())
    missing = "latest" if lost.startswith("latest") else f"latest/{removed}"
    assert f"定期全面检查发现输出文件夹缺少 {missing}" in w.log(), w.log()
    rested = w.log().count("定期全面检查：收件箱无变化")
    assert wait_for(lambda: w.log().count("定期全面检查：收件箱无变化") >= rested + 2), w.log()
    assert w.runs_started() == runs + 1, w.log()
    assert w.signal() == 0, w.log()
    assert_clean_outbox(w.outbox)


def _probes_refused(w: WatchProcess) -> int:
    return w.log().count("收件箱仍无法访问（没有访问权限）")


@pytest.mark.parametrize("poll", [[], ["--poll", "1"]], ids=["events", "polling"])
def test_cli_watch_waits_for_an_inbox_it_may_not_list(tmp_path, watch_process, make_pair, poll):
    """The inbox folder made unreadable (permissions changed on the share: chmod 000, the watcher bound by them):
    said once, with the system's reason, and probed with back-off until it can be listed — before, a folder merely
    there counted as back: '暂时无法访问' and a false '已恢复' every second for as long as it lasted. Listable again,
    it is back once, watched again (a new pair is heard)."""
    inbox = tmp_path / "inbox"
    (inbox / "衡水").mkdir(parents=True)
    w = watch_process(*poll, "--rescan", "1", verbose=True, wrap=permissions_bind())
    assert w.wait_apps(0) == [], w.log()
    inbox.chmod(0)
    try:
        assert w.wait_log(f"收件箱暂时无法访问：{inbox}（没有访问权限）"), w.log()
        assert wait_for(lambda: _probes_refused(w) >= 3), w.log()  # at the back-off's 1, 2 and 4 seconds
        assert w.log().count("收件箱暂时无法访问") == 1 and "收件箱已恢复" not in w.log(), w.log()
    finally:
        inbox.chmod(0o755)
    assert w.wait_log("收件箱已恢复", timeout=90), w.log()
    copy_in(make_pair(1), inbox / "衡水")
    assert w.wait_apps(1, timeout=60), w.log()
    assert w.log().count("收件箱暂时无法访问") == 1 and w.log().count("收件箱已恢复") == 1, w.log()
    assert w.signal() == 0, w.log()
    assert_clean_outbox(w.outbox)


def test_cli_watch_started_on_an_inbox_it_may_not_list_runs_once_it_can(tmp_path, watch_process, make_pair):
    """A watcher started while the inbox cannot be listed runs nothing (no empty result published), says why
    once, and makes its first run when the folder can be listed."""
    inbox = tmp_path / "inbox"
    copy_in(make_pair(), inbox / "衡水")
    inbox.chmod(0)
    try:
        w = watch_process("--rescan", "1", verbose=True, wrap=permissions_bind())
        assert w.wait_log(f"收件箱暂时无法访问：{inbox}（没有访问权限）"), w.log()
        assert wait_for(lambda: _probes_refused(w) >= 2), w.log()
        assert "开始汇总" not in w.log() and "收件箱已恢复" not in w.log(), w.log()
        assert not (w.outbox / "latest").exists()
    finally:
        inbox.chmod(0o755)
    assert w.wait_apps(1, timeout=90), w.log()
    assert w.log().count("收件箱暂时无法访问") == 1 and w.log().count("收件箱已恢复") == 1, w.log()
    assert w.signal() == 0, w.log()
    assert_clean_outbox(w.outbox)


def test_cli_watch_burst_of_30_files_gives_at_most_two_runs(tmp_path, watch_process, make_pair):
    from toolkit.campaign import load_campaign

    inbox = tmp_path / "inbox"
    inbox.mkdir()
    units = [u.name for u in load_campaign().units]
    pairs = [(make_pair(i), inbox / units[i]) for i in range(15)]  # built before the copy: 30 files
    w = watch_process("--rescan", "3600")
    assert w.wait_apps(0) == [], w.log()
    before = w.runs_started()
    for files, folder in pairs:
        copy_in(files, folder)
    assert w.wait_apps(15, timeout=60), w.log()
    time.sleep(4)  # quiet period and more: a straggling third run would have started by now
    runs = w.runs_started() - before
    assert w.signal() == 0
    assert 1 <= runs <= 2, w.log()


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGINT], ids=["SIGTERM", "SIGINT"])
def test_cli_watch_stops_cleanly_after_the_current_run(tmp_path, watch_process, make_pair, signum):
    """A stop request during a run lets the run finish and publish; then exit 0 with a Chinese line."""
    inbox = tmp_path / "inbox"
    (inbox / "廊坊").mkdir(parents=True)
    w = watch_process("--rescan", "3600", "--quiet", "0.5")
    assert w.wait_apps(0) == [], w.log()
    copy_in(make_pair(), inbox / "廊坊")
    assert wait_for(lambda: w.runs_started() >= 2, 30, interval=0.02), w.log()
    code = w.signal(signum)  # most likely mid-run: the run has just started
    log = w.log()
    assert code == 0, log
    assert "收到停止请求" in log and "已停止监视" in log
    assert log.index("收到停止请求") < log.index("已停止监视")  # the notice first (it was logged by a racing thread)
    assert ("再按一次 Ctrl+C" in log) == (signum == signal.SIGINT)  # a SIGTERM is no Ctrl+C
    assert w.stdout().count("汇总完成") == 2  # the interrupted run went to the end
    assert len(w.applications()) == 1
    assert_clean_outbox(w.outbox)


def test_cli_watch_stopped_while_idle_says_so_before_it_stops(tmp_path, watch_process):
    """Idle, the watcher used to end (已停止监视) before the thread announcing the request logged it."""
    (tmp_path / "inbox" / "廊坊").mkdir(parents=True)
    w = watch_process("--rescan", "3600", "--quiet", "0.5")
    assert w.wait_apps(0) == [], w.log()
    code = w.signal(signal.SIGTERM)
    log = w.log()
    assert code == 0, log
    assert "收到停止请求（SIGTERM），当前汇总完成后停止监视……" in log and "再按一次" not in log
    assert log.index("收到停止请求") < log.index("已停止监视"), log


def test_listing_sees_a_file_replaced_by_one_of_the_same_size_and_time(tmp_path):
    """The watcher's rescans compare listings: a file saved beside and renamed over, keeping the old size and
    time (a copy tool that keeps times), has another file id — a change, where size and time alone saw none."""
    inbox = tmp_path / "inbox"
    (inbox / "唐山").mkdir(parents=True)
    path = inbox / "唐山" / "a.pdf"
    path.write_bytes(b"%PDF-1.4 A")
    listing = inbox_listing(inbox)
    st = path.stat()
    beside = inbox / "唐山" / "b.tmp"
    beside.write_bytes(b"%PDF-1.4 B")
    os.utime(beside, ns=(st.st_atime_ns, st.st_mtime_ns))
    beside.replace(path)
    assert (path.stat().st_size, path.stat().st_mtime_ns) == (st.st_size, st.st_mtime_ns)
    assert inbox_listing(inbox) != listing


# -- memory over a long session ---------------------------------------------------------------------------------

def _change(inbox: Path, step: str, make_form, make_summary) -> None:
    """One kind of change a watcher's session brings (each a run that reads, decides and writes)."""
    firm = f"河北{step}示范制造有限公司"
    if step == "新的一对":
        make_form(inbox / "衡水" / "2-申请表.xlsx", 申报单位=firm, 标杆名称=f"{firm}推行精益生产的经验")
        make_summary(inbox / "衡水" / "2-总结材料.docx", enterprise=firm, name=f"{firm}推行精益生产的经验")
    elif step == "另一单位":
        make_form(inbox / "保定" / "1-申请表.xlsx", 申报单位=firm, 标杆名称=f"{firm}推行精益生产的经验")
        make_summary(inbox / "保定" / "1-总结材料.docx", enterprise=firm, name=f"{firm}推行精益生产的经验")
    elif step == "改正的总结材料":
        make_summary(inbox / "衡水" / "2-总结材料.docx", enterprise="河北新的一对示范制造有限公司",
                     name="河北新的一对示范制造有限公司推行六西格玛的经验")
    elif step == "改名":
        os.rename(inbox / "保定" / "1-申请表.xlsx", inbox / "保定" / "1-申请表（修改）.xlsx")
    elif step == "删除":
        (inbox / "衡水" / "2-申请表.xlsx").unlink()
    elif step == "放回的回执":
        shutil.copyfile(next((inbox.parent / "outbox" / "latest" / "回执").glob("*.xlsx")), inbox / "衡水" / "回执.xlsx")


def test_a_watcher_run_leaves_no_garbage_for_the_next(tmp_path, make_form, make_summary, monkeypatch):
    """A watcher's runs pause the collector and hand the run's objects back into the oldest generation, where
    CPython's own collections hardly look: each run's cycles (documents read and written) stayed, about 4 MB a
    run (a 13-minute soak: 150 MB to 770 MB). Each watch run ends with nothing left for a collection to find,
    whatever the change it read."""
    import gc

    from toolkit import assemble as assembly
    from toolkit import cli, pipeline
    from toolkit.cache import ExtractCache

    monkeypatch.setattr(ExtractCache, "DECODED", {})
    monkeypatch.setattr(assembly, "UNIT_MEMO", assembly.UnitMemo())
    monkeypatch.setattr(pipeline, "_PRIMED", set())
    monkeypatch.setattr(pipeline, "_KEPT_POOLS", {})
    campaign = load_campaign().with_deadline("2099-12-31")
    inbox, out = tmp_path / "inbox", tmp_path / "outbox"
    make_form(inbox / "衡水" / "1-申请表.xlsx")
    make_summary(inbox / "衡水" / "1-总结材料.docx")
    left = {}
    gc.collect()
    try:
        for step in ("首次", "新的一对", "另一单位", "改正的总结材料", "改名", "删除", "放回的回执", "没有变化"):
            _change(inbox, step, make_form, make_summary)
            cli.run_and_report(inbox, out, campaign, settle=0, command="watch")
            left[step] = gc.collect()
    finally:
        for pool in pipeline._KEPT_POOLS.values():
            pool.close()
    assert all(n < 50 for n in left.values()), left
    summary = json.loads((out / "latest" / "summary.json").read_text(encoding="utf-8"))
    assert {a["enterprise"] for a in summary["applications"]} >= {"河北另一单位示范制造有限公司"}


def _unmount(inbox: Path, how: str, away: Path) -> None:
    """The share goes: its mount point stays as an empty folder (``emptied``), or an empty folder is made where
    it was (``remounted-empty``: a new folder, another identity), or only its folders stay (``folders-left``)."""
    away.mkdir()
    if how == "emptied":
        for child in list(inbox.iterdir()):
            child.rename(away / child.name)
    elif how == "folders-left":
        for child in list((inbox / "衡水").iterdir()):
            child.rename(away / child.name)
    else:
        inbox.rename(away / "inbox")
        inbox.mkdir()


def _mount_again(inbox: Path, how: str, away: Path) -> None:
    if how in ("emptied", "folders-left"):
        for child in list(away.iterdir()):
            child.rename((inbox if how == "emptied" else inbox / "衡水") / child.name)
    else:
        inbox.rmdir()
        (away / "inbox").rename(inbox)


@pytest.mark.parametrize("how, poll", [("emptied", []), ("emptied", ["--poll", "1"]), ("remounted-empty", []),
                                       ("folders-left", [])],
                         ids=["emptied-events", "emptied-polling", "remounted-empty", "folders-left"])
def test_cli_watch_waits_for_a_share_that_left_an_empty_inbox(tmp_path, watch_process, make_pair, how, poll):
    """A share that unmounts leaves its mount point, an empty folder. The run refuses an inbox emptied of every
    file it held (so as not to withdraw them all); the watcher ran and refused it again at every rescan — a
    warning and a runs.jsonl error line each time, for as long as the share was away (every 5 s in the soak;
    a weekend's outage, tens of thousands of lines). Now it is said once, probed with back-off, and back once
    the folder holds something: then rescanned and watched, nothing withdrawn."""
    inbox, away = tmp_path / "inbox", tmp_path / "away"
    copy_in(make_pair(1), inbox / "衡水")
    w = watch_process(*poll, "--rescan", "1", verbose=True)
    assert w.wait_apps(1), w.log()
    _unmount(inbox, how, away)
    try:
        assert w.wait_log(f"收件箱暂时无法访问：{inbox}（文件夹是空的，但上次汇总时其中有文件）"), w.log()
        assert wait_for(lambda: w.log().count("收件箱仍无法访问（文件夹是空的") >= 3), w.log()  # 1, 2, 4 s
    finally:
        _mount_again(inbox, how, away)
    assert w.wait_log("收件箱已恢复", timeout=90), w.log()
    copy_in(make_pair(2), inbox / "衡水")
    apps = w.wait_apps(2, timeout=60)
    assert apps and {a["status"] for a in apps} != {"已撤回"} and not [a for a in apps if a["withdrawn_at"]], apps
    log = w.log()
    assert log.count("是空的，但上次运行时其中有 2 个文件") == 1, log  # the run's reason, said once
    assert log.count("收件箱暂时无法访问") == 1 and log.count("收件箱已恢复") == 1, log
    assert w.signal() == 0, log
    lines = [json.loads(x) for x in (w.outbox / "logs" / "runs.jsonl").read_text(encoding="utf-8").splitlines()]
    assert [x["outcome"] for x in lines].count("error") == 1, lines
    assert_clean_outbox(w.outbox)


@pytest.mark.parametrize("where", ["outbox", "state-dir"])
def test_cli_watch_does_not_start_a_new_journal_when_its_own_went_away(tmp_path, watch_process, make_pair, where):
    """The outbox's share not mounted (or the folder moved away) while the inbox stays: the watcher's next run
    made a new outbox there with a new journal, without a word — a new journal takes each file's modification
    time as its received time (a file received late but copied keeping its old time counts as on time), and the
    journal that comes back lacks what was seen meanwhile (first seen only when it is back: maybe 逾期). Now it
    says so once, runs nothing (no folder made, no runs.jsonl line) and carries on with the same journal once the
    folder is back: the first pair keeps its received time."""
    inbox, outbox, state = tmp_path / "inbox", tmp_path / "outbox", tmp_path / "state"
    held = tmp_path / "away"
    copy_in(make_pair(1), inbox / "衡水")
    w = watch_process("--rescan", "1", *(["--state-dir", str(state)] if where == "state-dir" else []))
    [first] = w.wait_apps(1)
    gone = outbox if where == "outbox" else state
    runs_log = outbox / "logs" / "runs.jsonl"
    assert wait_for(lambda: runs_log.is_file() and runs_log.read_text(encoding="utf-8").count("\n") >= 1)
    lines_before = runs_log.read_text(encoding="utf-8").count("\n")
    gone.rename(held)
    copy_in(make_pair(2), inbox / "衡水")
    try:
        assert w.wait_log("收到记录所在的文件夹"), w.log()
        tried = w.runs_started()
        assert wait_for(lambda: w.runs_started() >= tried + 3), w.log()  # rescans go on, and refuse again
        assert not gone.exists(), sorted(p.name for p in tmp_path.iterdir())
        assert w.log().count("不见了") == 1, w.log()
    finally:
        held.rename(gone)
    apps = w.wait_apps(2, timeout=60)
    assert apps, w.log()
    assert [a["received_at"] for a in apps if a["enterprise"] == first["enterprise"]] == [first["received_at"]]
    assert "收到记录所在的文件夹已恢复" in w.log(), w.log()
    assert w.signal() == 0, w.log()
    lines = runs_log.read_text(encoding="utf-8").splitlines()
    assert all(json.loads(x)["outcome"] != "error" for x in lines[lines_before:]), lines
    assert_clean_outbox(outbox) if where == "outbox" else None


@pytest.mark.parametrize("verbose", [False, True])
def test_cli_watch_keeps_watchdogs_english_errors_off_the_console(tmp_path, verbose):
    """watchdog logs in English at ERROR when an observer is stopped while an event comes in ('InotifyEmitter.
    queue_events() called when the thread is inactive', seen in a soak): a clerk's console shows the watcher's
    Chinese lines only; with -v (for whoever looks into it) it is shown. A real `run.py watch` whose watchdog logger
    is made to log that line once the watcher is up."""
    inbox, outbox = tmp_path / "inbox", tmp_path / "outbox"
    (inbox / "石家庄").mkdir(parents=True)
    english = "InotifyEmitter.queue_events() called when the thread is inactive"
    script = (
        "import logging, runpy, sys, threading, time\n"
        "def later():\n"
        "    time.sleep(3)\n"
        f"    logging.getLogger('watchdog.observers.inotify_buffer').error({english!r})\n"
        "threading.Thread(target=later, daemon=True).start()\n"
        f"sys.argv = ['run.py', *{['-v'] if verbose else []!r}, 'watch', '--inbox', {str(inbox)!r}, '--outbox', "
        f"{str(outbox)!r}, '--settle', '0.5']\n"
        f"runpy.run_path({str(ROOT / 'run.py')!r}, run_name='__main__')\n")
    err = tmp_path / "watch.stderr"
    with open(err, "wb") as stderr:
        proc = subprocess.Popen([sys.executable, "-c", script], cwd=ROOT, stdout=subprocess.DEVNULL, stderr=stderr,
                                env={**os.environ, "PYTHONUNBUFFERED": "1"})
    try:
        assert wait_for(lambda: "开始监视" in err.read_text(encoding="utf-8", errors="replace"), 60)
        time.sleep(5)  # (the line is logged 3 s after start)
        assert proc.poll() is None
    finally:
        proc.send_signal(signal.SIGTERM)
        proc.wait(timeout=60)
    assert (english in err.read_text(encoding="utf-8", errors="replace")) == verbose
