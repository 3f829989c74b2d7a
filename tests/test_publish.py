"""Publishing without symlinks (a share mounted from Windows): latest/ is never absent or half-written, and a file
held open by Excel is retried, then left with the new one beside it and a line saying so."""
from __future__ import annotations

import datetime as dt
import json
import os
import threading
import time

import pytest

import toolkit.publish as publish
from toolkit.campaign import CHINA_TZ
from toolkit.pipeline import run

DAY = dt.datetime(2021, 9, 10, 10, 0, tzinfo=CHINA_TZ)


@pytest.fixture
def no_symlinks(monkeypatch):
    def refuse(*args, **kwargs):
        raise OSError(1, "symbolic links are not supported here")
    monkeypatch.setattr(os, "symlink", refuse)
    monkeypatch.setattr(publish, "RETRY_DELAYS", (0.05, 0.05))


def _summary(out):
    return json.loads((out / "latest" / "summary.json").read_text(encoding="utf-8"))


def test_latest_is_a_folder_updated_file_by_file(tmp_path, make_form, make_summary, campaign, no_symlinks):
    inbox, out = tmp_path / "inbox", tmp_path / "out"
    make_form(inbox / "秦皇岛" / "1-申请表.xlsx")
    make_summary(inbox / "秦皇岛" / "1-总结材料.docx")
    run(inbox, out, campaign, settle=0, workers=1, now=DAY)
    latest = out / "latest"
    assert latest.is_dir() and not latest.is_symlink()
    assert len(_summary(out)["applications"]) == 1
    make_form(inbox / "秦皇岛" / "2-申请表.xlsx", 申报单位="秦皇岛耀华玻璃有限公司", 标杆名称="秦皇岛耀华玻璃有限公司推行精益生产的经验")

    problems: list = []  # what a reader polling latest/ saw go wrong while the switch happened
    reads = []
    polling, switched, stop = threading.Event(), threading.Event(), threading.Event()

    def reader():
        while not stop.is_set():
            try:
                reads.append(json.loads((latest / "summary.json").read_text(encoding="utf-8")))
                if len(reads[-1]["applications"]) == 2:
                    switched.set()
            except (OSError, ValueError) as exc:  # absent, not a folder, half-written
                problems.append(repr(exc))
            polling.set()
            time.sleep(0.001)

    thread = threading.Thread(target=reader)
    thread.start()
    try:
        assert polling.wait(30), "the reader never read latest/"
        run(inbox, out, campaign, settle=0, workers=1, now=DAY + dt.timedelta(hours=1))
        assert switched.wait(30), "the reader never saw the new summary"
    finally:
        stop.set()
        thread.join()
    assert not problems, problems[:5]
    assert reads and len(reads[0]["applications"]) == 1
    assert len(_summary(out)["applications"]) == 2
    run_folder = sorted((out / "runs").iterdir())[-1]
    files = lambda root: sorted(str(p.relative_to(root)) for p in root.rglob("*") if p.is_file())  # noqa: E731
    assert files(latest) == files(run_folder)
    assert not list(latest.rglob(".*.tmp"))


def test_a_file_held_open_is_retried_then_written_beside(tmp_path, make_form, make_summary, campaign, no_symlinks,
                                                          monkeypatch):
    inbox, out = tmp_path / "inbox", tmp_path / "out"
    make_form(inbox / "秦皇岛" / "1-申请表.xlsx")
    make_summary(inbox / "秦皇岛" / "1-总结材料.docx")
    run(inbox, out, campaign, settle=0, workers=1, now=DAY)
    register = out / "latest" / "省级汇总表.xlsx"
    before = register.read_bytes()
    real_replace = os.replace
    attempts = []

    def locked(src, dst):  # Excel on Windows holds the register open: replacing it is refused
        if str(dst) == str(register):
            attempts.append(dst)
            raise PermissionError(13, "The process cannot access the file because it is being used", str(dst))
        return real_replace(src, dst)

    monkeypatch.setattr(os, "replace", locked)
    make_form(inbox / "秦皇岛" / "2-申请表.xlsx", 申报单位="秦皇岛耀华玻璃有限公司", 标杆名称="秦皇岛耀华玻璃有限公司推行精益生产的经验")
    report = run(inbox, out, campaign, settle=0, workers=1, now=DAY + dt.timedelta(hours=1))
    assert len(attempts) == 3  # the first try and two retries
    assert register.read_bytes() == before
    beside = out / "latest" / "省级汇总表（新）.xlsx"
    assert beside.exists() and beside.read_bytes() != before
    assert any("省级汇总表（新）.xlsx" in n and "Excel" in n for n in report.notices)
    assert len(_summary(out)["applications"]) == 2  # everything else switched

    monkeypatch.setattr(os, "replace", real_replace)  # closed in Excel: the next run replaces it
    run(inbox, out, campaign, settle=0, workers=1, now=DAY + dt.timedelta(hours=2), force=True)
    assert register.read_bytes() != before


def test_keep_runs_keeps_only_the_newest_run_folders(tmp_path, make_form, make_summary):
    """`batch --keep-runs 2` (a real subprocess, three forced runs): outbox/runs holds the two newest run folders,
    latest/ shows the newest; without the option every run is kept (SPEC §3); 0 is refused in Chinese."""
    import json

    from conftest import run_cli

    folder = tmp_path / "inbox" / "保定"
    make_form(folder / "1-申请表.xlsx")
    make_summary(folder / "1-总结材料.docx")
    args = ["batch", "--inbox", tmp_path / "inbox", "--outbox", tmp_path / "out", "--settle", "0", "--force"]
    for _ in range(3):
        assert run_cli(*args).returncode == 0
    runs = tmp_path / "out" / "runs"
    assert len([p for p in runs.iterdir() if not p.name.startswith(".")]) == 3
    assert run_cli(*args, "--keep-runs", "2").returncode == 0
    kept = sorted(p.name for p in runs.iterdir() if not p.name.startswith("."))
    assert len(kept) == 2
    assert (tmp_path / "out" / "latest").resolve().name == kept[-1]
    assert json.loads((tmp_path / "out" / "latest" / "summary.json").read_text(encoding="utf-8"))["applications"]
    refused = run_cli(*args, "--keep-runs", "0")
    assert refused.returncode == 2 and "--keep-runs 必须是 1 或更大的整数" in refused.stderr
    assert len([p for p in runs.iterdir() if not p.name.startswith(".")]) == 2


def test_prune_runs_orders_runs_of_one_second_and_leaves_other_folders(tmp_path):
    """Runs named within one second (-2 … -10) are ordered by number, not as text; folders not named as runs
    (a clerk's 备份) and unfinished ones (.partial) are never removed."""
    from toolkit.publish import prune_runs

    names = ["20261202-071800", "20261202-071800-2", "20261202-071800-10", "20261202-071801", "备份", ".a.partial"]
    for name in names:
        (tmp_path / "runs" / name).mkdir(parents=True)
    removed = prune_runs(tmp_path, 2, keep=tmp_path / "runs" / "20261202-071801")
    assert sorted(p.name for p in removed) == ["20261202-071800", "20261202-071800-2"]
    assert sorted(p.name for p in (tmp_path / "runs").iterdir()) == sorted(
        ["20261202-071800-10", "20261202-071801", "备份", ".a.partial"])
