"""A copy onto the share that pauses midway (a slow link) is left for a later run, not read half-written and
reported damaged: a recent zip package without its end, or a recent empty file, is pending; an old one is damaged
and reported as such. Real files, real batch runs, a real watcher."""
from __future__ import annotations

import json
import os
import threading
import time

import pytest

from toolkit import discover
from toolkit.pipeline import run
from toolkit.watch import AGAIN, InboxWatcher

FIRM = "河北华信精密机械有限公司"


def _summary(out) -> dict:
    return json.loads((out / "latest" / "summary.json").read_text(encoding="utf-8"))


def _entry(summary: dict, name: str) -> dict:
    return next(f for f in summary["files"] if f["file"].endswith(name))


def _pair(tmp_path, make_form, make_summary) -> tuple:
    folder = tmp_path / "inbox" / "石家庄"
    form = make_form(folder / "1-申请表.xlsx", 所在地区="石家庄市")
    summary = make_summary(folder / "1-总结材料.docx")
    return folder, form, summary


def _age(path, seconds: float) -> None:
    then = time.time() - seconds
    os.utime(path, (then, then))


@pytest.mark.parametrize("name, cut", [("1-总结材料.docx", 0.5), ("1-申请表.xlsx", 0.8), ("1-总结材料.docx", 0.0)],
                         ids=["docx half copied", "xlsx most of it copied", "empty so far"])
def test_a_copy_paused_midway_is_pending_then_read_when_done(tmp_path, make_form, make_summary, campaign, name,
                                                            cut):
    campaign = campaign.with_deadline("2099-12-31")  # (the files are received now)
    folder, *_ = _pair(tmp_path, make_form, make_summary)
    whole = (folder / name).read_bytes()
    (folder / name).write_bytes(whole[:int(len(whole) * cut)])
    _age(folder / name, 10)  # the copy paused 10 s ago: stable by its time (settle), not by its content
    run(tmp_path / "inbox", tmp_path / "out", campaign, settle=2, workers=1)
    summary = _summary(tmp_path / "out")
    assert _entry(summary, name)["status"] == "pending" and _entry(summary, name)["issues"] == []
    assert not [f for f in summary["files"] if f["status"] == "rejected"]  # not '文件已损坏', no resubmission asked
    (folder / name).write_bytes(whole)  # the copy goes on and ends
    _age(folder / name, 10)
    run(tmp_path / "inbox", tmp_path / "out", campaign, settle=2, workers=1)
    summary = _summary(tmp_path / "out")
    [app] = summary["applications"]
    assert app["status"] == "通过" and _entry(summary, name)["status"] == "current"


def test_a_stamped_scan_copied_halfway_is_not_yet_received(tmp_path, make_form, make_summary, campaign):
    """A 推荐意见 scan (PDF) half copied: pending, so the unit's stamped opinion is not counted received from half a
    file; complete, it is."""
    from toolkit.demo import MINIMAL_PDF

    campaign = campaign.with_deadline("2099-12-31")
    folder, *_ = _pair(tmp_path, make_form, make_summary)
    scan = folder / "石家庄推荐意见（盖章）.pdf"
    assert MINIMAL_PDF.endswith(b"%%EOF\n")
    whole = MINIMAL_PDF[:-6] + b"%" + b"0" * 4096 + b"\n%%EOF\n"  # (a long comment stands for a scan's image data)
    scan.write_bytes(whole[:len(whole) // 2])
    _age(scan, 10)
    run(tmp_path / "inbox", tmp_path / "out", campaign, settle=2, workers=1)
    result = _summary(tmp_path / "out")
    assert _entry(result, ".pdf")["status"] == "pending"
    assert not next(u for u in result["units"] if u["unit"] == "石家庄市工业和信息化局")["stamped_opinion"]
    scan.write_bytes(whole)
    _age(scan, 10)
    run(tmp_path / "inbox", tmp_path / "out", campaign, settle=2, workers=1)
    assert next(u for u in _summary(tmp_path / "out")["units"] if u["unit"] == "石家庄市工业和信息化局")["stamped_opinion"]


@pytest.mark.parametrize("cut", [0.5, 0.0], ids=["truncated", "empty"])
def test_an_old_truncated_or_empty_file_is_reported_damaged(tmp_path, make_form, make_summary, campaign, cut):
    folder, *_ = _pair(tmp_path, make_form, make_summary)
    whole = (folder / "1-总结材料.docx").read_bytes()
    (folder / "1-总结材料.docx").write_bytes(whole[:int(len(whole) * cut)])
    _age(folder / "1-总结材料.docx", discover.STALLED + 60)
    run(tmp_path / "inbox", tmp_path / "out", campaign, settle=2, workers=1)
    entry = _entry(_summary(tmp_path / "out"), "1-总结材料.docx")
    assert entry["status"] == "rejected" and [i["code"] for i in entry["issues"]] == ["file.unreadable"]


def test_a_copy_left_pending_is_read_by_a_later_run_even_unchanged(tmp_path, make_form, make_summary, campaign,
                                                                   monkeypatch):
    """A copy abandoned midway: the run that left it pending does not record the inbox as seen, so a later run
    (a scheduler's next batch) reads it once it is old enough — and reports it damaged — though nothing changed."""
    folder, *_ = _pair(tmp_path, make_form, make_summary)
    whole = (folder / "1-总结材料.docx").read_bytes()
    (folder / "1-总结材料.docx").write_bytes(whole[:len(whole) // 2])
    for path in folder.iterdir():  # (no file young: the listing alone would say the inbox is as it was)
        _age(path, 10)
    run(tmp_path / "inbox", tmp_path / "out", campaign, settle=2, workers=1)
    assert _entry(_summary(tmp_path / "out"), "1-总结材料.docx")["status"] == "pending"
    monkeypatch.setattr(discover, "STALLED", 5.0)  # (time passes: the paused copy is now older than the window)
    report = run(tmp_path / "inbox", tmp_path / "out", campaign, settle=2, workers=1)
    assert not report.unchanged
    assert _entry(_summary(tmp_path / "out"), "1-总结材料.docx")["status"] == "rejected"


def test_a_watcher_runs_again_after_a_run_that_left_a_file_pending(tmp_path):
    """run_once returning AGAIN: the next periodic rescan runs again though the inbox did not change (True: it
    does not)."""
    inbox = tmp_path / "inbox"
    (inbox / "石家庄").mkdir(parents=True)
    (inbox / "石家庄" / "a.xlsx").write_bytes(b"x")
    answers, calls = [AGAIN, AGAIN, True], []

    def run_once():
        calls.append(time.monotonic())
        return answers[min(len(calls), len(answers)) - 1]

    watcher = InboxWatcher(inbox, run_once, poll=0.2, quiet=0.1, rescan=0.5)
    thread = threading.Thread(target=watcher.run, daemon=True)
    thread.start()
    time.sleep(4.0)
    watcher.stop.set()
    thread.join(timeout=15)
    assert len(calls) == 3, calls  # the first run, two more for the AGAINs, then none: nothing changed


def test_a_file_dated_far_ahead_of_the_clock_is_read_not_left_waiting(tmp_path, make_form, make_summary, campaign):
    """Modification times an hour ahead (an archive unpacked with its dates, a server clock far off) are no copy
    under way: whole files are read at once; an empty one (as a copy under way would be) waits until it has been
    seen the same for STALLED seconds, then is reported — before, such files were young forever and a watcher
    re-ran at every rescan."""
    import datetime as dt

    from toolkit.campaign import CHINA_TZ

    campaign = campaign.with_deadline("2099-12-31")
    folder, form, summary = _pair(tmp_path, make_form, make_summary)
    (folder / "2-总结材料.docx").write_bytes(b"")
    for path in folder.iterdir():
        _age(path, -3600)
    start = dt.datetime.now(CHINA_TZ)
    run(tmp_path / "inbox", tmp_path / "out", campaign, settle=2, workers=1, now=start)
    result = _summary(tmp_path / "out")
    assert _entry(result, "1-总结材料.docx")["status"] == "current" and _entry(result, "1-申请表.xlsx")["status"] == "current"
    assert _entry(result, "2-总结材料.docx")["status"] == "pending"
    later = start + dt.timedelta(seconds=discover.STALLED + 1)
    run(tmp_path / "inbox", tmp_path / "out", campaign, settle=2, workers=1, now=later)
    result = _summary(tmp_path / "out")
    assert _entry(result, "2-总结材料.docx")["status"] == "rejected"
    assert not [f for f in result["files"] if f["status"] == "pending"]


@pytest.mark.parametrize("ahead", [600, 86400], ids=["ten minutes ahead", "a day ahead"])
def test_a_copy_dated_far_ahead_is_pending_while_it_grows(tmp_path, make_form, make_summary, campaign, ahead):
    """The watcher audit's case 3: a share whose clock runs ten minutes (or a day) ahead dates every write of a
    slow copy ahead; each run saw a truncated package no longer 'recent' and reported it damaged ('请重新报送').
    Now it is pending while it grows, and read whole when the copy ends."""
    import datetime as dt

    from toolkit.campaign import CHINA_TZ

    campaign = campaign.with_deadline("2099-12-31")
    folder, _form, summary = _pair(tmp_path, make_form, make_summary)
    whole = summary.read_bytes()
    start = dt.datetime.now(CHINA_TZ)
    for n, part in enumerate((0.3, 0.6, 1.0)):
        summary.write_bytes(whole[:int(len(whole) * part)])
        _age(summary, -ahead)
        run(tmp_path / "inbox", tmp_path / "out", campaign, settle=2, workers=1,
            now=start + dt.timedelta(seconds=60 * n))
        entry = _entry(_summary(tmp_path / "out"), "1-总结材料.docx")
        assert entry["status"] == ("current" if part == 1.0 else "pending"), (part, entry)
    [app] = _summary(tmp_path / "out")["applications"]
    assert app["status"] == "通过"


# ---------------------------------------------------------------- compound files (.xls, .doc), and receipt times

def _legacy_pair(tmp_path, make_form, make_summary, campaign) -> tuple:
    """A pair saved by LibreOffice as Excel 97-2003 .xls and Word 97-2003 .doc (compound files), as older offices
    send them: (folder, the .xls, the .doc)."""
    import subprocess

    from conftest import soffice

    if soffice() is None:
        pytest.skip("LibreOffice (soffice) not installed: cannot write .xls/.doc")
    _folder, form, summary = _pair(tmp_path / "made", make_form, make_summary)
    out = tmp_path / "legacy"
    for source, target in ((form, "xls:MS Excel 97"), (summary, "doc:MS Word 97")):
        subprocess.run([soffice(), f"-env:UserInstallation={(tmp_path / 'profile').as_uri()}", "--headless",
                        "--convert-to", target, "--outdir", str(out), str(source)],
                       capture_output=True, timeout=300, check=True)
    inbox = tmp_path / "inbox" / "石家庄"
    inbox.mkdir(parents=True)
    xls, doc = inbox / "1-申请表.xls", inbox / "1-总结材料.doc"
    xls.write_bytes((out / "1-申请表.xls").read_bytes())
    doc.write_bytes((out / "1-总结材料.doc").read_bytes())
    return inbox, xls, doc


@pytest.mark.parametrize("which", ["xls", "doc"])
def test_a_compound_file_copied_halfway_is_pending(tmp_path, make_form, make_summary, campaign, which):
    """An .xls or .doc whose copy paused midway ends before the sectors its allocation table uses: left for a
    later run — before, it was read and reported '文件已损坏'; and read when whole."""
    campaign = campaign.with_deadline("2099-12-31")
    _folder, xls, doc = _legacy_pair(tmp_path, make_form, make_summary, campaign)
    path = xls if which == "xls" else doc
    whole = path.read_bytes()
    path.write_bytes(whole[:len(whole) // 2])
    _age(path, 10)
    run(tmp_path / "inbox", tmp_path / "out", campaign, settle=2, workers=1)
    summary = _summary(tmp_path / "out")
    assert _entry(summary, path.name)["status"] == "pending" and _entry(summary, path.name)["issues"] == []
    path.write_bytes(whole)
    _age(path, 10)
    run(tmp_path / "inbox", tmp_path / "out", campaign, settle=2, workers=1)
    summary = _summary(tmp_path / "out")
    assert _entry(summary, path.name)["status"] == "current"
    assert [a["status"] for a in summary["applications"]] == ["通过"]


def test_a_copy_under_way_at_the_deadline_is_received_when_it_began(tmp_path, make_form, make_summary, campaign):
    """A copy seen paused before the deadline (left pending) and finished after it was received when first seen:
    on time — before, its receipt was the run that found it whole, and the application was 逾期."""
    import datetime as dt

    from toolkit.clock import CHINA_TZ

    campaign = campaign.with_deadline("2021-09-20")
    folder, *_ = _pair(tmp_path, make_form, make_summary)
    whole = (folder / "1-总结材料.docx").read_bytes()
    (folder / "1-总结材料.docx").write_bytes(whole[:len(whole) // 2])
    before = dt.datetime(2021, 9, 20, 23, 50, tzinfo=CHINA_TZ)
    run(tmp_path / "inbox", tmp_path / "out", campaign, settle=2, workers=1, now=before, max_wait=0.5)
    assert _entry(_summary(tmp_path / "out"), "1-总结材料.docx")["status"] == "pending"
    (folder / "1-总结材料.docx").write_bytes(whole)
    _age(folder / "1-总结材料.docx", 10)
    run(tmp_path / "inbox", tmp_path / "out", campaign, settle=2, workers=1, now=before + dt.timedelta(hours=1))
    [app] = _summary(tmp_path / "out")["applications"]
    assert app["status"] == "通过", app["issues"]
    assert app["received_at"].startswith("2021-09-20T23:50")


def test_a_half_copy_read_before_the_deadline_is_continued_by_the_whole_file(tmp_path, make_form, make_summary,
                                                                           campaign):
    """A copy that paused long enough to be read half-written (an old modification time: the share's clock behind)
    before the deadline, and finished after it: the whole file continues the half's bytes, so it was received when
    the half was — before, the broken half stayed the version of record ('仍按截止前收到的版本处理') and the
    complete form was never read."""
    import datetime as dt

    from toolkit.clock import CHINA_TZ

    campaign = campaign.with_deadline("2021-09-20")
    _folder, form, _summary_file = _pair(tmp_path, make_form, make_summary)
    whole = form.read_bytes()
    form.write_bytes(whole[:len(whole) // 2])
    _age(form, 3600)  # (not recent: read as it is)
    before = dt.datetime(2021, 9, 20, 22, 0, tzinfo=CHINA_TZ)
    run(tmp_path / "inbox", tmp_path / "out", campaign, settle=2, workers=1, now=before)
    assert _entry(_summary(tmp_path / "out"), "1-申请表.xlsx")["status"] == "rejected"
    with open(form, "ab") as fh:  # the copy goes on from where it paused
        fh.write(whole[len(whole) // 2:])
    _age(form, 1800)
    run(tmp_path / "inbox", tmp_path / "out", campaign, settle=2, workers=1, now=before + dt.timedelta(days=1))
    summary = _summary(tmp_path / "out")
    [app] = summary["applications"]
    assert app["status"] == "通过", app["issues"]
    assert _entry(summary, "1-申请表.xlsx")["status"] == "current"
    assert not [i for f in summary["files"] for i in f["issues"] if i["code"] == "deadline.late"]


@pytest.mark.parametrize("name", ["1-申请表.xlsx", "1-总结材料.docx"])
@pytest.mark.parametrize("cached", [True, False], ids=["its result cached", "the cache cleared"])
def test_a_new_version_copied_over_a_file_leaves_the_old_one_standing(tmp_path, make_form, make_summary, campaign,
                                                                     name, cached):
    """The audit's case 15: a corrected file copied over one read before, paused midway, is left for a later run —
    and meanwhile the version read before stands (the application stays 通过, not '未找到对应的申请表'), taken from
    the extraction cache, never read half-written; the 回执 and the unit's page list the file being copied. With
    the cache cleared the old version cannot be had: the application is told its file is missing, as before.
    When the copy ends, the new version is read."""
    import openpyxl

    campaign = campaign.with_deadline("2099-12-31")
    folder, *_ = _pair(tmp_path, make_form, make_summary)
    run(tmp_path / "inbox", tmp_path / "out", campaign, settle=2, workers=1)
    [app] = _summary(tmp_path / "out")["applications"]
    assert app["status"] == "通过"
    new = tmp_path / "new" / name
    if name.endswith(".xlsx"):
        make_form(new, 所在地区="石家庄市", 联系人="孙丽")
    else:
        make_summary(new, 企业概况=f"{FIRM}成立于2001年，现有员工1300人。" * 5)
    whole = new.read_bytes()
    (folder / name).write_bytes(whole[:len(whole) // 2])
    _age(folder / name, 10)
    if not cached:
        for path in (tmp_path / "out" / ".state" / "cache").glob("*.jsonl"):
            path.unlink()
    run(tmp_path / "inbox", tmp_path / "out", campaign, settle=2, workers=1)
    summary = _summary(tmp_path / "out")
    [app] = summary["applications"]
    states = sorted(f["status"] for f in summary["files"] if f["file"].endswith(name))
    if cached:
        assert app["status"] == "通过" and app["versions"] == 1, app
        assert states == ["current", "pending"]
    else:
        assert app["status"] == "需补正" and states == ["pending"]
    receipt = openpyxl.load_workbook(tmp_path / "out" / "latest" / "回执" / "石家庄市工业和信息化局-回执.xlsx")
    listed = [(r[0], r[2]) for r in receipt["收到的文件"].iter_rows(min_row=2, values_only=True)]
    assert (f"石家庄/{name}", "正在复制，下次汇总时读取") in listed
    page = next((tmp_path / "out" / "latest" / "单位").glob("石家庄*/index.html")).read_text(encoding="utf-8")
    assert "正在复制，下次汇总时读取" in page
    (folder / name).write_bytes(whole)  # the copy ends
    _age(folder / name, 10)
    run(tmp_path / "inbox", tmp_path / "out", campaign, settle=2, workers=1)
    summary = _summary(tmp_path / "out")
    [app] = summary["applications"]
    assert app["status"] == "通过" and [f["status"] for f in summary["files"]] == ["current", "current"]
    assert app["versions"] == 2
