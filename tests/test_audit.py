"""Every run leaves one line in outbox/logs/runs.jsonl — published, unchanged, lock held — and summary.json
names its run's host, user and version; the README's cron line runs as written."""
from __future__ import annotations

import json
import os
import re
import shlex
import signal
import subprocess
import sys
import time

import pytest

from conftest import ROOT, run_cli
from toolkit.journal import LOCK_NAME, RunLock


def _lines(outbox):
    return [json.loads(line) for line in (outbox / "logs" / "runs.jsonl").read_text(encoding="utf-8").splitlines()]


def test_one_line_per_run_whatever_its_end(tmp_path, make_form, make_summary):
    inbox, outbox = tmp_path / "inbox", tmp_path / "outbox"
    make_form(inbox / "衡水" / "申请表.xlsx")
    make_summary(inbox / "衡水" / "总结材料.docx")
    args = ("batch", "--inbox", inbox, "--outbox", outbox, "--settle", "0", "--deadline", "2099-12-31")
    assert run_cli(*args).returncode == 0
    assert run_cli(*args).returncode == 0  # unchanged
    with RunLock(outbox / ".state"):
        held = run_cli(*args)
    assert held.returncode == 3
    lines = _lines(outbox)
    assert [(line["outcome"], line["exit_code"]) for line in lines] == [("published", 0), ("unchanged", 0),
                                                                       ("lock-held", 3)]
    first = lines[0]
    for key in ("started", "ended", "seconds", "host", "user", "pid", "version", "campaign", "command"):
        assert key in first, key
    assert first["applications"] == 1 and first["statuses"] == {"通过": 1} and first["campaign"] == "hebei-2021"
    # where a run's time went, step by step (the benchmark's scaling table reads them); an unchanged run did none
    assert set(first["phases"]) == {"discover", "extract", "assemble", "render"}
    assert all(0 <= seconds <= first["seconds"] for seconds in first["phases"].values())
    assert lines[1]["phases"] == {}
    assert lines[2]["error"] and "另一个运行" in lines[2]["error"]
    summary = json.loads((outbox / "latest" / "summary.json").read_text(encoding="utf-8"))
    assert summary["run"]["host"] == first["host"] and summary["run"]["version"] == first["version"]


def test_a_configuration_error_is_logged_too(tmp_path):
    outbox = tmp_path / "outbox"
    (tmp_path / "inbox").mkdir()
    proc = run_cli("batch", "--inbox", tmp_path / "inbox", "--outbox", outbox, "--templates", tmp_path / "无此文件夹")
    assert proc.returncode == 2
    [line] = _lines(outbox)
    assert line["outcome"] == "error" and line["exit_code"] == 2 and "推荐意见" in line["error"]


def _readme_block(title: str) -> str:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    section = text[text.index(title):]
    return re.search(r"```(?:\w+)?\n(.*?)\n```", section, re.S).group(1)


def test_the_readme_cron_line_runs_as_written(tmp_path, make_form, make_summary):
    """The crontab line from the README, with its paths substituted, run by a shell as cron would run it."""
    line = next(ln for ln in _readme_block("计划任务示例").splitlines() if ln.startswith("*/"))
    schedule, command = line.split(None, 5)[:5], line.split(None, 5)[5]
    assert schedule == ["*/10", "*", "*", "*", "*"]
    share = tmp_path / "共享盘"
    make_form(share / "inbox" / "廊坊" / "申请表.xlsx")
    make_summary(share / "inbox" / "廊坊" / "总结材料.docx")
    command = (command.replace("/opt/zlbg", str(ROOT)).replace("/mnt/share", str(share))
               .replace("/opt/zlbg/.venv/bin/python", os.sys.executable))
    command = re.sub(r"\S*/bin/python\b", shlex.quote(os.sys.executable), command)
    proc = subprocess.run(["/bin/sh", "-c", command], capture_output=True, text=True, timeout=600,
                          env={"PATH": "/usr/bin:/bin", "HOME": str(tmp_path), "LANG": "C.UTF-8"})
    assert proc.returncode == 0, proc.stderr
    summary = json.loads((share / "outbox" / "latest" / "summary.json").read_text(encoding="utf-8"))
    assert [a["unit"] for a in summary["applications"]] == ["廊坊市工业和信息化局"]
    log = share / "outbox" / "logs" / "cron.log"
    assert "汇总完成" in log.read_text(encoding="utf-8")
    assert len(_lines(share / "outbox")) == 1


def test_the_readme_schtasks_command_names_the_batch_run():
    block = _readme_block("计划任务示例")
    schtasks = next(ln for ln in block.splitlines() if ln.lower().startswith("schtasks"))
    assert "/Create" in schtasks and "run.py batch" in schtasks and "/SC MINUTE" in schtasks
    unit = (ROOT / "deploy" / "zlbg-watch.service").read_text(encoding="utf-8")
    assert "run.py watch" in unit and "Restart=on-failure" in unit


def test_the_service_unit_command_parses_and_keeps_few_run_folders():
    """deploy/zlbg-watch.service's ExecStart is a command line the toolkit accepts as written, and it bounds
    outbox/runs (--keep-runs): a watcher publishes at every change, and a national run folder is ~95 MB."""
    from toolkit.cli import build_parser

    unit = (ROOT / "deploy" / "zlbg-watch.service").read_text(encoding="utf-8").replace("\\\n", " ")
    [command] = [line.split("=", 1)[1] for line in unit.splitlines() if line.startswith("ExecStart=")]
    args = build_parser().parse_args(shlex.split(command)[2:])  # (after the python and run.py)
    assert args.command == "watch" and args.keep_runs and args.keep_runs >= 1, args


def test_a_run_stopped_by_the_operating_system_is_logged_too(tmp_path, make_form, make_summary):
    """A run that fails on a file it cannot write (here outbox/runs is a file, not a folder; on a full disk alike)
    exits 2 and still leaves its line, with what the clerk was told."""
    inbox, outbox = tmp_path / "inbox", tmp_path / "outbox"
    make_form(inbox / "衡水" / "申请表.xlsx")
    make_summary(inbox / "衡水" / "总结材料.docx")
    outbox.mkdir()
    (outbox / "runs").write_text("not a folder", encoding="utf-8")
    proc = run_cli("batch", "--inbox", inbox, "--outbox", outbox, "--settle", "0", "--deadline", "2099-12-31")
    assert proc.returncode == 2 and "无法访问文件或文件夹" in proc.stderr
    [line] = _lines(outbox)
    assert (line["outcome"], line["exit_code"]) == ("error", 2)
    assert line["error"] in proc.stderr and str(outbox / "runs") in line["error"]


@pytest.mark.parametrize("how", ["Ctrl+C", "SIGTERM"])
def test_an_interrupted_run_is_logged_and_frees_the_lock(tmp_path, make_form, make_summary, how):
    """A batch run stopped midway — Ctrl+C (SIGINT) or a scheduler's time limit (SIGTERM) — leaves its line in
    runs.jsonl (outcome "interrupted", exit code 130 or 143, said in Chinese), releases its lock and publishes
    nothing; the next run publishes. The run is stopped while it waits for files just written to settle."""
    inbox, outbox = tmp_path / "inbox", tmp_path / "outbox"
    make_form(inbox / "衡水" / "申请表.xlsx")
    make_summary(inbox / "衡水" / "总结材料.docx")
    args = ["batch", "--inbox", inbox, "--outbox", outbox, "--deadline", "2099-12-31"]
    # run.py with Ctrl+C taken as a terminal gives it: a shell's background job (as a CI runner may start the
    # tests) ignores SIGINT, and a child inherits that
    with_ctrl_c = ("import runpy, signal, sys; signal.signal(signal.SIGINT, signal.default_int_handler); "
                   "sys.argv = sys.argv[1:]; runpy.run_path(sys.argv[0], run_name='__main__')")
    command = [sys.executable, "-c", with_ctrl_c, str(ROOT / "run.py"), *map(str, args), "--settle", "60"]
    proc = subprocess.Popen(command, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            encoding="utf-8")
    lock = outbox / ".state" / LOCK_NAME
    deadline = time.monotonic() + 60
    while not lock.exists() and proc.poll() is None and time.monotonic() < deadline:
        time.sleep(0.02)
    assert lock.exists(), proc.communicate(timeout=60)
    time.sleep(0.3)  # (the run is waiting for the new files: 60 s of settling asked)
    proc.send_signal(signal.SIGINT if how == "Ctrl+C" else signal.SIGTERM)
    out, err = proc.communicate(timeout=60)
    assert proc.returncode == (130 if how == "Ctrl+C" else 143), (out, err)
    assert ("已中断" if how == "Ctrl+C" else "已终止") in err and "Traceback" not in err, err
    [line] = _lines(outbox)
    assert (line["outcome"], line["exit_code"]) == ("interrupted", proc.returncode), line
    assert how in line["error"] or "终止信号" in line["error"], line
    assert not lock.exists() and not (outbox / "latest").exists()
    assert run_cli(*args, "--settle", "0").returncode == 0
    assert [line["outcome"] for line in _lines(outbox)] == ["interrupted", "published"]
