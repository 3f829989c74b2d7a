"""Publishing without symlinks (a share mounted from Windows): latest/ is never absent or half-written, and a file
held open by Excel is retried, then left with the new one beside it and a line saying so."""
from __future__ import annotations

import datetime as dt
import json
import os
import threading
import time
import zipfile

import pytest
from conftest import LATEST_LOSSES

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


@pytest.mark.parametrize("lost", LATEST_LOSSES)
def test_a_batch_run_publishes_again_what_was_deleted_of_latest(tmp_path, make_form, make_summary, lost):
    """A clerk deletes outbox/latest/ or part of it while the inbox stays as it was: the next `batch` (a real
    subprocess) publishes every output again — the same files as before, each unit's documents whole — where it
    used to say '收件箱无变化，沿用上次结果' and leave latest/ as the clerk left it; the run after it has nothing to do.
    (A unit whose 推荐意见 were deleted through latest/'s link is not taken as kept from that run folder.)"""
    from conftest import latest_files, remove_from_latest, run_cli

    inbox, out = tmp_path / "inbox", tmp_path / "out"
    for folder, firm in (("保定", "河北华信精密机械有限公司"), ("石家庄", "河北恒达轴承有限公司")):
        name = f"{firm}实施六西格玛设计的经验"
        make_form(inbox / folder / "1-申请表.xlsx", 申报单位=firm, 标杆名称=name)
        make_summary(inbox / folder / "1-总结材料.docx", enterprise=firm, name=name)
    args = ["batch", "--inbox", inbox, "--outbox", out, "--settle", "0", "--deadline", "2099-12-31"]
    first = run_cli(*args)
    assert first.returncode == 0, first.stderr
    published = latest_files(out)
    assert {"省级汇总表.xlsx", "index.html", "summary.json"} <= set(published)
    assert {f"{kind}/{unit}-{kind}{suffix}" for unit in ("保定市工业和信息化局", "石家庄市工业和信息化局")
            for kind, suffix in (("回执", ".xlsx"), ("推荐意见", ".docx"))} <= set(published), published
    removed = remove_from_latest(out, lost)
    assert latest_files(out) != published
    again = run_cli(*args)
    assert again.returncode == 0, again.stderr
    assert "汇总完成" in again.stdout and "收件箱无变化" not in again.stdout, again.stdout
    # and why, without -v: what was missing (latest/ emptied: its top entries, the first three named)
    said = {"latest": "最新结果（latest）不在了", "": "最新结果（latest）中缺少“index.html”、“summary.json”、“单位”等"}
    assert said.get(removed, f"最新结果（latest）中缺少“{removed}”（可能被误删），本次已重新生成全部输出") in again.stdout, (
        removed, again.stdout)
    assert latest_files(out) == published
    latest = out / "latest"
    for rel in published:
        if rel.endswith((".xlsx", ".docx")):
            with zipfile.ZipFile(latest / rel) as package:
                assert package.testzip() is None, rel
    assert len(_summary(out)["applications"]) == 2
    then = run_cli(*args)
    assert then.returncode == 0 and "收件箱无变化" in then.stdout, then.stdout


def test_what_latest_lacks_is_named_from_the_last_runs_outputs(tmp_path):
    """missing_outputs (the check both `batch` and a watcher's rescan make): the names the last run kept in
    last_run.json, a stat each; latest/ gone is said as such; a last_run.json written before the names were kept
    checks summary.json alone, as runs did then."""
    from toolkit.pipeline import missing_outputs
    from toolkit.publish import output_entries

    outbox, state = tmp_path / "out", tmp_path / "state"
    state.mkdir()
    assert missing_outputs(outbox, state) == ["latest"]
    (outbox / "latest" / "回执").mkdir(parents=True)
    (outbox / "latest" / "summary.json").write_text("{}", encoding="utf-8")
    assert missing_outputs(outbox, state) == []  # nothing recorded: summary.json
    kept = {"outputs": ["index.html", "summary.json", "回执", "省级汇总表.xlsx"]}
    (state / "last_run.json").write_text(json.dumps(kept), encoding="utf-8")
    assert missing_outputs(outbox, state) == ["latest/index.html", "latest/省级汇总表.xlsx"]
    (outbox / "latest" / "index.html").write_text("", encoding="utf-8")
    (outbox / "latest" / "省级汇总表.xlsx").write_bytes(b"")
    assert missing_outputs(outbox, state) == []
    assert missing_outputs(outbox, last={"outputs": ["推荐意见"]}) == ["latest/推荐意见"]
    # as runs keep them now: every folder and file (publish.output_entries), a folder gone named alone
    run = tmp_path / "run"
    for rel in ("回执/保定市工业和信息化局-回执.xlsx", "回执/石家庄市工业和信息化局-回执.xlsx", "单位/保定市工业和信息化局/index.html",
                "推荐意见/保定市工业和信息化局-推荐意见.docx", "summary.json"):
        (run / rel).parent.mkdir(parents=True, exist_ok=True)
        (run / rel).write_bytes(b"x")
    entries = output_entries(run)
    assert entries == ["summary.json", "单位", "单位/保定市工业和信息化局", "单位/保定市工业和信息化局/index.html", "回执",
                       "回执/保定市工业和信息化局-回执.xlsx", "回执/石家庄市工业和信息化局-回执.xlsx", "推荐意见",
                       "推荐意见/保定市工业和信息化局-推荐意见.docx"]  # (in code point order: 单 回 推)
    (outbox / "latest" / "回执" / "石家庄市工业和信息化局-回执.xlsx").write_bytes(b"x")
    assert missing_outputs(outbox, last={"outputs": entries}) == [
        "latest/单位", "latest/回执/保定市工业和信息化局-回执.xlsx", "latest/推荐意见"]
