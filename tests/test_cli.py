"""The command line as a scheduler or a clerk uses it: real subprocesses, exit codes, Chinese output."""
from __future__ import annotations

import json
import os
import re
import socket
import subprocess
import sys
import time
from pathlib import Path

import openpyxl
import pytest
from conftest import ROOT, run_cli


def test_check_planted_mistake_exits_1_with_chinese_message(demo_run):
    inbox, _, _, _ = demo_run
    bad = next((inbox / "保定市工业和信息化局").rglob("*申请表.xlsx"))
    # find the one with a loss year
    for candidate in (inbox / "保定市工业和信息化局").rglob("*申请表.xlsx"):
        proc = run_cli("check", candidate)
        if proc.returncode == 1:
            bad = candidate
            break
    proc = run_cli("check", bad)
    assert proc.returncode == 1
    assert "不满足近三年连续盈利条件" in proc.stdout
    assert "2019年利润总额不大于0" in proc.stdout
    assert "申请表 D15 单元格" in proc.stdout  # the cell to fix


def test_check_clean_file_exits_0(make_form, make_summary, tmp_path):
    form = make_form(tmp_path / "a.xlsx")
    summary = make_summary(tmp_path / "b.docx")
    proc = run_cli("check", "--show-fields", form, summary)
    assert proc.returncode == 0, proc.stdout
    assert "未发现问题" in proc.stdout
    assert "申报单位：河北华信精密机械有限公司  ［申请表 B3 单元格］" in proc.stdout
    assert "企业概况：" in proc.stdout and "字" in proc.stdout


def test_show_fields_prints_what_was_typed_for_an_invalid_value_and_every_form(tmp_path):
    """--show-fields shows an unreadable value as typed, marked 无效 (it printed nothing while the error quoted
    it), and every enterprise's form in a workbook of several (it listed the first only)."""
    import openpyxl

    import workbook_builders as B

    wb = openpyxl.Workbook()
    wb.remove(wb.active)
    for title, enterprise, mail in (("甲", "石家庄甲机械有限公司", "张伟（同上）"), ("乙", "石家庄乙机械有限公司", "li@yi.com")):
        B.put(wb.create_sheet(title), B.form_cells({"申报单位": enterprise, "电子邮箱": mail}))
    wb.save(tmp_path / "两家企业-申请表.xlsx")
    proc = run_cli("check", "--show-fields", "两家企业-申请表.xlsx", cwd=tmp_path)
    assert "电子邮箱：张伟（同上）（无效）  ［甲 B8 单元格］" in proc.stdout, proc.stdout
    assert "申请表栏目（第1份，共2份：石家庄甲机械有限公司）" in proc.stdout
    assert "申请表栏目（第2份，共2份：石家庄乙机械有限公司）" in proc.stdout and "电子邮箱：li@yi.com" in proc.stdout


def test_check_missing_file_is_usage_error(tmp_path):
    proc = run_cli("check", tmp_path / "nope.xlsx")
    assert proc.returncode == 2
    assert "找不到文件" in proc.stderr


def test_batch_bad_inbox_exits_2(tmp_path):
    proc = run_cli("batch", "--inbox", tmp_path / "missing", "--outbox", tmp_path / "out")
    assert proc.returncode == 2
    assert "收件箱文件夹不存在" in proc.stderr


def test_batch_bad_campaign_exits_2(tmp_path):
    bad = tmp_path / "c.toml"
    bad.write_text("id = 1\n[[units]]\n", encoding="utf-8")
    (tmp_path / "in").mkdir()
    proc = run_cli("batch", "--inbox", tmp_path / "in", "--outbox", tmp_path / "out", "--campaign", bad)
    assert proc.returncode == 2 and "活动配置文件" in proc.stderr


def test_batch_lock_held_exits_3(tmp_path):
    (tmp_path / "in").mkdir()
    state = tmp_path / "out" / ".state"
    state.mkdir(parents=True)
    (state / "run.lock").write_text(json.dumps({"pid": os.getpid(), "host": socket.gethostname(),
                                                "started": "now"}), encoding="utf-8")
    proc = run_cli("batch", "--inbox", tmp_path / "in", "--outbox", tmp_path / "out", "--settle", "0")
    assert proc.returncode == 3
    assert "另一个运行正在进行" in proc.stderr


def test_stale_lock_is_taken_over(tmp_path):
    (tmp_path / "in").mkdir()
    state = tmp_path / "out" / ".state"
    state.mkdir(parents=True)
    lock = state / "run.lock"
    lock.write_text(json.dumps({"pid": 999999, "host": "other-pc", "started": "yesterday"}), encoding="utf-8")
    old = time.time() - 3600
    os.utime(lock, (old, old))
    proc = run_cli("batch", "--inbox", tmp_path / "in", "--outbox", tmp_path / "out", "--settle", "0")
    assert proc.returncode == 0, proc.stderr
    assert not lock.exists()


def test_batch_deadline_override_and_rerun_unchanged(tmp_path, make_form, make_summary):
    inbox = tmp_path / "inbox"
    make_form(inbox / "石家庄" / "1-申请表.xlsx")
    make_summary(inbox / "石家庄" / "1-总结材料.docx")
    out = tmp_path / "out"
    proc = run_cli("batch", "--inbox", inbox, "--outbox", out, "--settle", "0", "--deadline", "2099-12-31")
    assert proc.returncode == 0, proc.stderr
    summary = json.loads((out / "latest" / "summary.json").read_text(encoding="utf-8"))
    assert summary["deadline"] == "2099-12-31"
    [app] = summary["applications"]
    assert app["unit"] == "石家庄市工业和信息化局" and app["status"] == "通过" and app["rank"] == 1
    proc2 = run_cli("batch", "--inbox", inbox, "--outbox", out, "--settle", "0", "--deadline", "2099-12-31")
    assert proc2.returncode == 0 and "无变化" in proc2.stdout
    assert len(list((out / "runs").iterdir())) == 1
    # the default deadline has passed for a file first seen today: 逾期
    proc3 = run_cli("batch", "--inbox", inbox, "--outbox", out, "--settle", "0")
    summary = json.loads((out / "latest" / "summary.json").read_text(encoding="utf-8"))
    assert proc3.returncode == 0 and summary["applications"][0]["status"] == "逾期"


ARGPARSE_ENGLISH = ("usage", "options", "positional arguments", "show this help", "error:", "the following",
                    "invalid choice", "unrecognized", "expected one argument", "FILE", "DIR", "SECONDS", "DATETIME")


@pytest.mark.parametrize("command", ["demo", "batch", "watch", "check", "templates"])
def test_every_command_has_help(command):
    proc = run_cli(command, "--help")
    assert proc.returncode == 0 and len(proc.stdout) > 100
    assert any("\u4e00" <= ch <= "\u9fff" for ch in proc.stdout)
    assert proc.stdout.startswith(f"用法：run.py {command} ") and "显示本帮助并退出" in proc.stdout
    assert not [word for word in ARGPARSE_ENGLISH if word in proc.stdout]


@pytest.mark.parametrize(("args", "said"), [
    (["bogus"], "“bogus”不是可用的命令或选项值，可用的有：demo、batch、watch、check、templates\n"),
    (["check"], "缺少必需的参数：文件"),
    (["batch", "--settle", "abc"], "--settle 的值“abc”不是有效的数"),
    (["batch", "--inbox"], "--inbox 后面需要写一个值"),
    (["batch", "--force=1"], "--force 不需要值（写了“1”）"),
    (["batch", "--nope"], "无法识别的参数：--nope"),
])
def test_command_line_mistakes_are_told_in_chinese(args, said):
    """argparse's own messages, as a clerk who mistypes a command sees them: in Chinese, with how to see the
    usage, exit code 2 — no English word of argparse's."""
    proc = run_cli(*args)
    assert proc.returncode == 2
    assert f"错误：{said}" in proc.stderr and "查看用法" in proc.stderr and proc.stderr.startswith("用法：run.py")
    assert not [word for word in ARGPARSE_ENGLISH if word in proc.stderr]


@pytest.mark.parametrize("started_as", ["/srv/zlbg/.venv/bin/zlbg", r"C:\zlbg\.venv\Scripts\zlbg.exe"])
def test_the_installed_command_names_itself(started_as, monkeypatch, capsys):
    """Started as `zlbg` (in any folder, where there is no run.py), the usage line, --version and the way to see
    the help name zlbg — they said 'run.py' and '运行 python run.py -h'."""
    from toolkit.cli import build_parser

    monkeypatch.setattr("sys.argv", [started_as, "bacth"])
    with pytest.raises(SystemExit) as leaving:
        build_parser().parse_args(["bacth"])
    err = capsys.readouterr().err
    assert leaving.value.code == 2 and err.startswith("用法：zlbg ") and "（运行 zlbg -h 查看用法）" in err
    assert "run.py" not in err
    with pytest.raises(SystemExit):
        build_parser().parse_args(["check"])
    assert "（运行 zlbg check -h 查看用法）" in capsys.readouterr().err
    with pytest.raises(SystemExit):
        build_parser().parse_args(["--version"])
    assert capsys.readouterr().out.startswith("zlbg ")


def test_check_on_a_folder_says_to_name_its_files(tmp_path):
    proc = run_cli("check", tmp_path)
    assert proc.returncode == 2
    assert f"“{tmp_path}”是文件夹：请写出其中要检查的文件" in proc.stderr and "找不到文件" not in proc.stderr


def test_untrusted_text_stays_text(tmp_path, make_form, make_summary):
    inbox = tmp_path / "inbox"
    evil = "=HYPERLINK(\"http://x\",\"点我\")"
    make_form(inbox / "唐山" / "申请表.xlsx", 申报单位=evil, 标杆名称="@SUM(1+1)<b>&\x07经验", 联系人="+cmd|' /C calc'!A0")
    make_summary(inbox / "唐山" / "总结材料.docx", enterprise=evil, name="-1+1 & <x> 经验")
    out = tmp_path / "out"
    proc = run_cli("batch", "--inbox", inbox, "--outbox", out, "--settle", "0", "--deadline", "2099-01-01")
    assert proc.returncode == 0, proc.stderr
    latest = out / "latest"
    for path in [latest / "省级汇总表.xlsx", *(latest / "回执").glob("*.xlsx"), *(latest / "推荐排序表").glob("*.xlsx")]:
        wb = openpyxl.load_workbook(path)
        for ws in wb.worksheets:
            for row in ws.iter_rows():
                for cell in row:
                    assert cell.data_type != "f", (path.name, ws.title, cell.coordinate, cell.value)
    wb = openpyxl.load_workbook(latest / "省级汇总表.xlsx")
    values = [c.value for row in wb["全部申报"].iter_rows() for c in row]
    assert evil in values
    from docx import Document
    doc = Document(next((latest / "推荐意见").glob("*.docx")))
    text = "\n".join([p.text for p in doc.paragraphs] + [c.text for t in doc.tables for r in t.rows for c in r.cells])
    assert evil in text  # listed, or named in the draft note, as plain text


@pytest.mark.parametrize("content, expected", [
    ("quota = -1", "名额（quota）必须是正整数"),
    ('kind = "town"', "类别（kind）只能是 city 或 association"),
    ('quota = "五"', "名额、年份须为整数"),
])
def test_bad_campaign_values_are_refused_in_chinese(tmp_path, content, expected):
    from conftest import ROOT
    text = (ROOT / "toolkit" / "campaigns" / "hebei-2021.toml").read_text(encoding="utf-8")
    key = content.split(" =")[0]
    first_unit = text.index("[[units]]")
    line_start = text.index(f"\n{key} =", first_unit) + 1
    line_end = text.index("\n", line_start)
    bad = tmp_path / "c.toml"
    bad.write_text(text[:line_start] + content + text[line_end:], encoding="utf-8")
    (tmp_path / "in").mkdir()
    proc = run_cli("batch", "--inbox", tmp_path / "in", "--outbox", tmp_path / "out", "--campaign", bad)
    assert proc.returncode == 2 and expected in proc.stderr, proc.stderr


def test_campaign_in_gbk_gets_an_encoding_hint(tmp_path):
    bad = tmp_path / "c.toml"
    bad.write_bytes('title = "活动"\n'.encode("gbk"))
    (tmp_path / "in").mkdir()
    proc = run_cli("batch", "--inbox", tmp_path / "in", "--outbox", tmp_path / "out", "--campaign", bad)
    assert proc.returncode == 2 and "UTF-8" in proc.stderr and "Traceback" not in proc.stderr


def test_outbox_that_is_a_file_is_a_clear_error(tmp_path):
    (tmp_path / "in").mkdir()
    (tmp_path / "out").write_text("x", encoding="utf-8")
    proc = run_cli("batch", "--inbox", tmp_path / "in", "--outbox", tmp_path / "out")
    assert proc.returncode == 2 and "Traceback" not in proc.stderr and "错误" in proc.stderr


_PROGRAM = """
import atexit, sys, threading, time
from pathlib import Path
marker = Path(sys.argv[1])
atexit.register(print, "exit handler ran")  # (printed after the console was flushed by the program's end)
{before}
def late():
    time.sleep(1)
    marker.write_text("thread ended", encoding="utf-8")
threading.Thread(target=late).start()  # not a daemon: waited for at the end
from toolkit.cli import run_as_program
sys.argv = ["run.py", *sys.argv[2:]]
print("start")  # (held in the console's buffer: a pipe is not a terminal)
run_as_program()
"""


@pytest.mark.parametrize("hooks", ["CPython's", "absent"])
def test_a_program_leaves_as_python_would_with_its_code_output_threads_and_exit_handlers(tmp_path, make_form,
                                                                                            make_summary, hooks):
    """run.py leaves by os._exit after what Python's own exit does, or by sys.exit where CPython's hooks are
    missing: either way the exit code, every line printed (the exit handlers' too), a thread that is not a
    daemon run to its end and the run's log line are there — for a published run and for a usage error; and a
    console that cannot be written (a full disk) makes a successful run's exit code 120, as Python's does."""
    inbox, out = tmp_path / "inbox", tmp_path / "out"
    make_form(inbox / "石家庄" / "1-申请表.xlsx")
    make_summary(inbox / "石家庄" / "1-总结材料.docx")
    buffered = {k: v for k, v in os.environ.items() if k != "PYTHONUNBUFFERED"}  # (a console as a scheduler has it)
    before = "del atexit._run_exitfuncs" if hooks == "absent" else ""
    program = _PROGRAM.format(before=before)
    batch = ["batch", "--inbox", inbox, "--outbox", out, "--settle", "0", "--deadline", "2099-12-31"]
    for args, code in ((batch, 0), ([], 2)):
        marker = tmp_path / f"thread-{code}.txt"
        proc = subprocess.run([sys.executable, "-c", program, marker, *map(str, args)], check=False, cwd=ROOT,
                              capture_output=True, text=True, encoding="utf-8", timeout=600, env=buffered)
        assert proc.returncode == code, proc.stderr
        lines = proc.stdout.splitlines()
        assert lines[0] == "start" and lines[-1] == "exit handler ran"
        assert marker.read_text(encoding="utf-8") == "thread ended"
        if code == 0:
            assert lines[-2].startswith("输出：")
            [line] = (out / "logs" / "runs.jsonl").read_text(encoding="utf-8").splitlines()
            assert json.loads(line)["outcome"] == "published"
        else:
            assert "batch" in proc.stdout  # the help printed for a missing command
    if hooks == "CPython's" and Path("/dev/full").exists():  # (the program is run.py itself)
        with open("/dev/full", "w") as full:
            proc = subprocess.run([sys.executable, str(ROOT / "run.py"), *map(str, batch)], check=False, cwd=ROOT,
                                  stdout=full, stderr=subprocess.PIPE, timeout=600, env=buffered)
        assert proc.returncode == 120, proc.stderr


FIRM_A, FIRM_B = "河北华信精密机械有限公司", "唐山恒达轴承有限公司"


def test_check_of_a_pair_cross_checks_it_as_a_batch_run_does(make_form, make_summary, tmp_path):
    """`check 申请表 总结材料` checks the two as one application: a 标杆名称 that differs between them is an error
    there, as in the batch run, not only after submitting. Paths are shown as given."""
    make_form(tmp_path / "申请表.xlsx", 申报单位=FIRM_A, 标杆名称="推行六西格玛设计的经验")
    make_summary(tmp_path / "总结材料.docx", enterprise=FIRM_A, name="推行精益生产的经验")
    proc = run_cli("check", "申请表.xlsx", "总结材料.docx", cwd=tmp_path)
    assert proc.returncode == 1, proc.stdout
    assert "【申请表.xlsx 与 总结材料.docx】作为同一项申报核对 —— 两份材料不一致（见下）" in proc.stdout
    assert "推行六西格玛设计的经验" in proc.stdout and "推行精益生产的经验" in proc.stdout
    assert "申请表 B" in proc.stdout and "错误 1 条" in proc.stdout

    make_summary(tmp_path / "总结材料2.docx", enterprise=FIRM_A, name="推行六西格玛设计的经验")
    proc = run_cli("check", "申请表.xlsx", "总结材料2.docx", cwd=tmp_path)
    assert proc.returncode == 0, proc.stdout
    assert "【申请表.xlsx 与 总结材料2.docx】作为同一项申报核对 —— 申报单位、标杆名称一致" in proc.stdout


@pytest.mark.parametrize("overview, agreed", [
    ("企业名称：河北华信精密机械有限公司。公司成立于1998年。", "申报单位、标杆名称一致"),  # named: compared
    (f"{FIRM_A}成立于1998年，主要生产精密减速机。", "申报单位、标杆名称一致"),  # written in full
    ("本公司成立于1998年，主要生产精密减速机。",
     "标杆名称一致（总结材料的企业概况、摘要中没有写出与申请表相同的企业名称，申报单位未能比对）"),
    # its stem only, another legal form: not the same enterprise for certain, and not said to be
    ("河北华信精密机械股份有限公司成立于1998年。", "标杆名称一致（总结材料的企业概况、摘要中没有写出与申请表相同的企业名称，申报单位未能比对）"),
])
def test_check_says_agreed_only_what_it_compared(make_form, make_summary, tmp_path, overview, agreed):
    """`check 申请表 总结材料` says the two agree only on what it compared (the clerk-messages audit: it said
    '申报单位、标杆名称一致' of a 总结材料 that named no enterprise, when only the 标杆名称 had been compared)."""
    name = f"{FIRM_A.removesuffix('有限公司')}推行六西格玛设计的经验"
    make_form(tmp_path / "申请表.xlsx", 申报单位=FIRM_A, 标杆名称=name)
    make_summary(tmp_path / "总结材料.docx", enterprise=FIRM_A, name=name, 企业概况=overview * 3,
                 摘要="本公司推行六西格玛设计。" * 8)
    proc = run_cli("check", "申请表.xlsx", "总结材料.docx", cwd=tmp_path)
    assert f"【申请表.xlsx 与 总结材料.docx】作为同一项申报核对 —— {agreed}\n" in proc.stdout, proc.stdout


@pytest.mark.parametrize("compared, said", [
    (("申报单位", "标杆名称"), "申报单位、标杆名称一致"),
    (("申报单位",), "申报单位一致（有一份材料没有写标杆名称，标杆名称未能比对）"),
    ((), "申报单位、标杆名称都未能比对（总结材料的企业概况、摘要中没有写出与申请表相同的企业名称；有一份材料没有写标杆名称）"),
])
def test_what_a_pair_agrees_on_is_said_once(compared, said):
    """The pair's verdict names what agrees and, once each, why the rest was not compared (the review: nothing
    compared read '都未能比对（…申报单位未能比对）（…）')."""
    from toolkit.report import _agreed

    assert _agreed(compared) == said


def test_check_of_several_pairs_pairs_them_as_a_run_would(make_form, make_summary, tmp_path):
    """Files given in any order pair as the files of one unit's folder do: by enterprise, in sub-folders that
    repeat file names (told apart by their paths); a summary of a third enterprise is named as without a partner;
    forms alone are not a pairing question."""
    for folder, firm, name in (("甲", FIRM_A, "推行精益生产的经验"), ("乙", FIRM_B, "推行零缺陷管理的经验")):
        make_form(tmp_path / folder / "申请表.xlsx", 申报单位=firm, 标杆名称=f"{firm[:4]}推行精益生产的经验")
        make_summary(tmp_path / folder / "总结材料.docx", enterprise=firm, name=f"{firm[:4]}{name}")
    proc = run_cli("check", "乙/总结材料.docx", "甲/申请表.xlsx", "甲/总结材料.docx", "乙/申请表.xlsx", cwd=tmp_path)
    assert proc.returncode == 1, proc.stdout
    assert "【甲/申请表.xlsx 与 甲/总结材料.docx】作为同一项申报核对 —— 申报单位、标杆名称一致" in proc.stdout
    assert "【乙/申请表.xlsx 与 乙/总结材料.docx】作为同一项申报核对 —— 两份材料不一致（见下）" in proc.stdout
    assert "未能与另一份材料配对" not in proc.stdout

    make_summary(tmp_path / "丙-总结材料.docx", enterprise="承德华北化工有限公司", name="承德华北推行卓越绩效的经验")
    proc = run_cli("check", "甲/申请表.xlsx", "丙-总结材料.docx", "乙/申请表.xlsx", cwd=tmp_path)
    assert "作为同一项申报核对" not in proc.stdout and proc.returncode == 0, proc.stdout  # a hint: single files
    assert "【未能配对】甲/申请表.xlsx、丙-总结材料.docx、乙/申请表.xlsx —— 有提示" in proc.stdout
    assert "汇总时会报“缺少总结材料”或“缺少申请表”" in proc.stdout
    proc = run_cli("check", "甲/申请表.xlsx", "乙/申请表.xlsx", tmp_path / "甲" / "申请表.xlsx", cwd=tmp_path)
    assert "配对" not in proc.stdout and proc.returncode == 0, proc.stdout
    assert proc.stdout.count("【甲/申请表.xlsx】") == 1 and "共检查 2 个文件" in proc.stdout  # given twice, checked once


def test_check_of_two_versions_of_a_summary_takes_the_newest_whatever_the_order(make_form, make_summary, tmp_path):
    """Two 总结材料 of one enterprise: as in a run, the newer (here, modified later) is the one that counts, whichever
    order they are given in; the older is named as not checked."""
    make_form(tmp_path / "申请表.xlsx", 申报单位=FIRM_A, 标杆名称="河北华信推行精益生产的经验")
    old = make_summary(tmp_path / "总结材料-旧.docx", enterprise=FIRM_A, name="河北华信推行六西格玛的经验")
    new = make_summary(tmp_path / "总结材料-新.docx", enterprise=FIRM_A, name="河北华信推行精益生产的经验")
    os.utime(old, (1_600_000_000, 1_600_000_000))
    os.utime(new, (1_600_086_400, 1_600_086_400))
    for order in (("总结材料-旧.docx", "总结材料-新.docx"), ("总结材料-新.docx", "总结材料-旧.docx")):
        proc = run_cli("check", "申请表.xlsx", *order, cwd=tmp_path)
        assert proc.returncode == 0, proc.stdout
        assert "【申请表.xlsx 与 总结材料-新.docx】作为同一项申报核对 —— 申报单位、标杆名称一致" in proc.stdout
        assert "其他版本未参加核对（以修改时间最晚的为准；汇总时以最后收到的为准）：总结材料-旧.docx" in proc.stdout


def test_a_batch_where_everything_is_late_says_how_to_give_another_deadline(make_form, make_summary, tmp_path):
    """Rehearsing the 2021 campaign today makes every application 逾期 under the notice's deadline: the console says
    so and names --deadline; with a deadline given, the applications are judged and the hint is gone."""
    unit = tmp_path / "inbox" / "唐山"
    make_form(unit / "1-申请表.xlsx")
    make_summary(unit / "1-总结材料.docx")
    late = run_cli("batch", "--inbox", tmp_path / "inbox", "--outbox", tmp_path / "out", "--settle", "0")
    assert late.returncode == 0, late.stderr
    assert "申报：共 1 项，逾期 1" in late.stdout
    assert "全部申报都是截止时间（2021-09-20）以后收到的" in late.stdout and "--deadline" in late.stdout
    suggested = re.search(r"如 --deadline (\d{4}-\d{2}-\d{2})", late.stdout).group(1)  # the rehearsal's example
    unchanged = run_cli("batch", "--inbox", tmp_path / "inbox", "--outbox", tmp_path / "out", "--settle", "0")
    assert "无变化" in unchanged.stdout and "--deadline" not in unchanged.stdout  # said once, not every quiet run
    judged = run_cli("batch", "--inbox", tmp_path / "inbox", "--outbox", tmp_path / "out", "--settle", "0",
                     "--deadline", suggested)
    assert judged.returncode == 0, judged.stderr
    assert "逾期" not in judged.stdout and "--deadline" not in judged.stdout


def test_check_pairs_as_a_run_what_only_their_folder_ties(make_form, make_summary, tmp_path):
    """Two files in one folder whose content ties them only weakly (the 总结材料 says 本公司 and a 标杆名称 without
    the enterprise): a run pairs them in an enterprise's sub-folder, and so does check — reporting the mismatch."""
    make_form(tmp_path / "华信" / "申请表.xlsx", 申报单位=FIRM_A, 标杆名称="河北华信实施六西格玛设计的经验")
    make_summary(tmp_path / "华信" / "总结材料.docx", enterprise="本公司", name="实施精益生产的经验")
    proc = run_cli("check", "华信/申请表.xlsx", "华信/总结材料.docx", cwd=tmp_path)
    assert "【华信/申请表.xlsx 与 华信/总结材料.docx】作为同一项申报核对 —— 两份材料不一致（见下）" in proc.stdout
    assert proc.returncode == 1


def test_check_pairs_a_word_application_with_its_summary(make_summary, tmp_path):
    """A Word 申请书 (its 申请表 table, then its 总结材料) and a later 总结材料 beside it are one application, as in a
    run: the later 总结材料 is checked against the 申请书's table."""
    from corpus import build_application_split

    case = build_application_split(tmp_path)
    make_summary(tmp_path / "晨光-总结材料.docx", enterprise="晨光生物科技集团股份有限公司", name="晨光生物推行精益生产的经验")
    proc = run_cli("check", case.path.name, "晨光-总结材料.docx", cwd=tmp_path)
    assert f"【{case.path.name} 与 晨光-总结材料.docx】作为同一项申报核对 —— 两份材料不一致（见下）" in proc.stdout
    assert "晨光生物推行精益生产的经验" in proc.stdout and proc.returncode == 1



@pytest.mark.parametrize("statuses, hinted", [({"逾期": 5, "已撤回": 1}, True), ({"逾期": 2}, True),
                                              ({"逾期": 5, "通过": 1}, False), ({"已撤回": 2}, False), ({}, False)])
def test_the_all_late_hint_leaves_withdrawn_applications_aside(statuses, hinted, tmp_path):
    """Every application 逾期 but one the unit withdrew is still a run where the deadline is the question."""
    from types import SimpleNamespace

    from toolkit.campaign import load_campaign
    from toolkit.report import end_of_run

    report = SimpleNamespace(unchanged=False, files=6, parsed=6, cached=0, seconds=1.0, notices=(),
                             brief={"applications": sum(statuses.values()), "statuses": statuses})
    text = end_of_run(report, load_campaign(), inbox=tmp_path / "inbox", outbox=tmp_path / "out")
    assert ("--deadline" in text) == hinted


def test_check_pairing_edge_cases(make_form, make_summary, tmp_path, monkeypatch, campaign):
    """A complete Word 申请书 is never 'without a partner'; a path with '..' pairs as the plain one; files on
    different drives (no common folder) keep their own names apart."""
    from corpus import build_application

    from toolkit import pipeline

    complete = build_application(tmp_path).path
    make_summary(tmp_path / "唐山恒达-总结材料.docx", enterprise=FIRM_B, name="唐山恒达推行精益生产的经验")
    proc = run_cli("check", complete.name, "唐山恒达-总结材料.docx", cwd=tmp_path)
    assert "【未能配对】唐山恒达-总结材料.docx —— 有提示" in proc.stdout, proc.stdout

    make_form(tmp_path / "华信" / "申请表.xlsx", 申报单位=FIRM_A, 标杆名称="河北华信实施六西格玛设计的经验")
    make_summary(tmp_path / "华信" / "总结材料.docx", enterprise=FIRM_A, name="河北华信实施精益生产的经验")
    proc = run_cli("check", "申请表.xlsx", "../华信/总结材料.docx", cwd=tmp_path / "华信")
    assert "作为同一项申报核对 —— 两份材料不一致（见下）" in proc.stdout and proc.returncode == 1, proc.stdout

    paths = [make_form(tmp_path / "D" / "甲" / "申请表.xlsx", 申报单位=FIRM_A),
             make_form(tmp_path / "E" / "乙" / "申请表.xlsx", 申报单位=FIRM_B, 标杆名称="唐山恒达推行精益生产的经验"),
             make_summary(tmp_path / "E" / "乙" / "总结材料.docx", enterprise=FIRM_B, name="唐山恒达推行精益生产的经验")]

    def no_common(_paths):
        raise ValueError("different drives")

    monkeypatch.setattr(pipeline.os.path, "commonpath", no_common)
    pairs, unpaired = pipeline.check_pairs(pipeline.check_files(paths, campaign), campaign)
    assert [(f.parent.name, s.parent.name) for f, s, _report, _older, _compared in pairs] == [("乙", "乙")]
    assert unpaired == [paths[0]]


def test_an_inbox_given_one_folder_too_deep_is_said(tmp_path, make_form, make_summary):
    """`batch --inbox 共享盘/inbox/沧州` (a unit's folder given as the inbox): every file is at the inbox's top and
    no unit's; the end of the run says the inbox looks like 沧州's folder and names the folder to give — it said
    only, of each file, that it is not in a unit's folder (the newcomer's try). The right inbox says nothing."""
    unit = tmp_path / "共享盘" / "inbox" / "沧州"
    make_form(unit / "1-申请表.xlsx", 所在地区="沧州市")
    make_summary(unit / "1-总结材料.docx")
    args = ["--outbox", tmp_path / "out", "--settle", "0", "--deadline", "2099-12-31"]
    proc = run_cli("batch", "--inbox", unit, *args)
    assert proc.returncode == 0, proc.stderr
    said = "像是推荐单位“沧州市工业和信息化局”的文件夹，直接放在其中的文件都归不到推荐单位：--inbox 应写它的上一级文件夹"
    assert said in proc.stdout and f"即“{unit.parent}”" in proc.stdout, proc.stdout
    again = run_cli("batch", "--inbox", unit, *args)  # (said again by a run that finds nothing changed)
    assert said in again.stdout, again.stdout
    right = run_cli("batch", "--inbox", unit.parent, "--outbox", tmp_path / "out2", *args[2:])
    assert right.returncode == 0 and "像是推荐单位" not in right.stdout, right.stdout
