"""What a shared drive does to the inbox, with real folders and real runs: a folder that cannot be opened is not a
withdrawal, a link that loops is not walked forty times, a file replaced by one of the same size and time is read,
a file unreadable once is read when it can be, and the operating system's errors are said in Chinese."""
from __future__ import annotations

import errno
import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest
from conftest import ROOT, permissions_bind

from toolkit.campaign import load_campaign
from toolkit.errors import ToolkitError, os_reason
from toolkit.pipeline import run

FIRMS = ("河北华信精密机械有限公司", "河北恒达轴承有限公司")


def _inbox(tmp_path, make_form, make_summary) -> Path:
    """Two units with one application each: 保定 and 石家庄."""
    for folder, region, firm in (("保定", "保定市", FIRMS[0]), ("石家庄", "石家庄市", FIRMS[1])):
        name = f"{firm}实施六西格玛设计的经验"
        make_form(tmp_path / "inbox" / folder / "1-申请表.xlsx", 申报单位=firm, 标杆名称=name, 所在地区=region)
        make_summary(tmp_path / "inbox" / folder / "1-总结材料.docx", enterprise=firm, name=name)
    return tmp_path / "inbox"


def _summary(out: Path) -> dict:
    return json.loads((out / "latest" / "summary.json").read_text(encoding="utf-8"))


def _statuses(out: Path) -> dict:
    return {a["enterprise"]: a["status"] for a in _summary(out)["applications"]}


def _batch(inbox: Path, out: Path) -> subprocess.CompletedProcess:
    """`run.py batch` in a process that file permissions bind: as root (CI), through setpriv without the
    capabilities that override them (util-linux; skipped where it is missing)."""
    cmd = [*permissions_bind(), sys.executable, str(ROOT / "run.py"), "batch", "--inbox", str(inbox), "--outbox",
           str(out), "--settle", "0", "--deadline", "2099-12-31"]
    return subprocess.run(cmd, capture_output=True, text=True, encoding="utf-8", timeout=600, cwd=ROOT)


def test_a_folder_that_cannot_be_opened_is_not_a_withdrawal(tmp_path, make_form, make_summary):
    """A unit's folder the share will not list (permissions changed, a share error): its applications stay as
    last read and the run says which folder it could not open — before, all of them became 已撤回, silently."""
    inbox = _inbox(tmp_path, make_form, make_summary)
    out = tmp_path / "out"
    assert _batch(inbox, out).returncode == 0
    first = _statuses(out)
    assert first == {FIRMS[0]: "通过", FIRMS[1]: "通过"}
    (inbox / "保定").chmod(0)
    try:
        done = _batch(inbox, out)
    finally:
        (inbox / "保定").chmod(0o755)
    assert done.returncode == 0, done.stderr
    assert _statuses(out) == first
    assert "文件夹“保定”无法打开" in done.stdout and "不当作撤回" in done.stdout, done.stdout
    assert "文件夹“保定”无法打开（没有访问权限）" in done.stdout, done.stdout  # what the system said, not a guess
    assert not [f for f in _summary(out)["files"] if f["status"] == "removed"]
    # said where the officer looks too, and again by the next run while the folder stays shut
    assert any("文件夹“保定”无法打开" in n for n in _summary(out)["notices"])
    assert "注意：文件夹“保定”无法打开" in (out / "latest" / "index.html").read_text(encoding="utf-8")
    (inbox / "保定").chmod(0)
    try:
        still = _batch(inbox, out)
    finally:
        (inbox / "保定").chmod(0o755)
    assert "文件夹“保定”无法打开" in still.stdout and _statuses(out) == first
    again = _batch(inbox, out)  # readable again: as before, nothing withdrawn
    assert again.returncode == 0 and _statuses(out) == first and "无法打开" not in again.stdout
    assert _summary(out)["notices"] == []


def test_a_file_unreadable_once_is_read_when_it_can_be(tmp_path, make_form, make_summary):
    """A new file the share will not let us read (no permission, or open in Excel on the server) is reported in
    Chinese as such, not as damaged; once readable with the same size, time and id, the next run reads it —
    before, that run said '收件箱无变化' and the file stayed unreadable until something else changed."""
    inbox = _inbox(tmp_path, make_form, make_summary)
    then = time.time() - 3600
    for path in inbox.rglob("*.*"):  # (sent an hour ago: a listing the next run may take as unchanged)
        os.utime(path, (then, then))
    out = tmp_path / "out"
    form = inbox / "保定" / "1-申请表.xlsx"
    form.chmod(0)
    try:
        assert _batch(inbox, out).returncode == 0
    finally:
        form.chmod(0o644)
    [entry] = [f for f in _summary(out)["files"] if f["file"] == "保定/1-申请表.xlsx"]
    [issue] = entry["issues"]
    assert issue["code"] == "file.unreadable" and "没有访问权限" in issue["message"], issue
    assert "Permission" not in issue["message"] and "另存为" not in issue["message"]
    done = _batch(inbox, out)
    assert done.returncode == 0 and "收件箱无变化" not in done.stdout
    assert _statuses(out)[FIRMS[0]] == "通过"


def test_a_link_back_into_the_inbox_is_not_walked_again(tmp_path, make_form, make_summary, campaign):
    """A link inside a unit's folder pointing back up (a loop) listed the inbox forty levels deep: 6,000 files,
    every application a duplicate of itself, and phantom withdrawals after the link was removed. It is not walked,
    and the run says so; a unit's folder kept elsewhere on the server and linked into the inbox is walked, once."""
    inbox = _inbox(tmp_path, make_form, make_summary)
    (inbox / "保定" / "回到上级").symlink_to("..")
    elsewhere = tmp_path / "别处" / "邢台"
    make_form(elsewhere / "1-申请表.xlsx", 申报单位="河北邢钢科技有限公司", 标杆名称="河北邢钢科技有限公司推行精益生产的经验",
              所在地区="邢台市")
    make_summary(elsewhere / "1-总结材料.docx", enterprise="河北邢钢科技有限公司", name="河北邢钢科技有限公司推行精益生产的经验")
    (inbox / "邢台").symlink_to(elsewhere, target_is_directory=True)
    (inbox / "石家庄" / "同上").symlink_to(elsewhere, target_is_directory=True)  # the same folder again: once
    out = tmp_path / "out"
    campaign = campaign.with_deadline("2099-12-31")
    report = run(inbox, out, campaign, settle=0, workers=1)
    summary = _summary(out)
    assert sorted(f["file"] for f in summary["files"]) == sorted(
        [f"{u}/1-{k}" for u in ("保定", "石家庄", "邢台") for k in ("申请表.xlsx", "总结材料.docx")])
    assert {a["status"] for a in summary["applications"]} == {"通过"} and len(summary["applications"]) == 3
    assert any("“保定/回到上级”与收件箱本身是同一个文件夹" in n for n in report.notices), report.notices
    assert any("“石家庄/同上”与“邢台”是同一个文件夹" in n for n in report.notices), report.notices
    (inbox / "保定" / "回到上级").unlink()
    run(inbox, out, campaign, settle=0, workers=1)
    assert not [f for f in _summary(out)["files"] if f["status"] == "removed"]


def test_a_file_replaced_by_one_of_the_same_size_and_time_is_read(tmp_path, make_form, make_summary, campaign):
    """A copy tool that keeps modification times, saving beside and renaming over: the new bytes have the old
    size and time, but another file id — read, not taken for the old version (which it was, run after run)."""
    inbox = _inbox(tmp_path, make_form, make_summary)
    scan = inbox / "保定" / "1-推荐意见.pdf"
    scan.write_bytes(b"%PDF-1.4\n" + b"A" * 500 + b"\n%%EOF\n")
    out = tmp_path / "out"
    run(inbox, out, campaign, settle=0, workers=1)
    old = next(f["sha256"] for f in _summary(out)["files"] if f["file"] == "保定/1-推荐意见.pdf")
    st = scan.stat()
    beside = scan.with_name("新.tmp")
    beside.write_bytes(b"%PDF-1.4\n" + b"B" * 500 + b"\n%%EOF\n")
    os.utime(beside, ns=(st.st_atime_ns, st.st_mtime_ns))
    beside.replace(scan)
    assert (scan.stat().st_size, scan.stat().st_mtime_ns) == (st.st_size, st.st_mtime_ns)
    run(inbox, out, campaign, settle=0, workers=1)
    new = next(f["sha256"] for f in _summary(out)["files"] if f["file"] == "保定/1-推荐意见.pdf")
    assert new != old


@pytest.mark.parametrize("code, words", [(errno.ENOSPC, "磁盘空间已满"), (errno.EACCES, "没有访问权限"),
                                         (errno.EXDEV, "不同的磁盘之间"),
                                         (errno.ENOENT, "找不到文件或文件夹"), (errno.EIO, "读写出错"),
                                         (errno.ESTALE, "共享盘连接已失效"), (9999, "系统错误，代码 9999")])
def test_operating_system_errors_are_said_in_chinese(code, words):
    exc = OSError(code, os.strerror(code) if code != 9999 else "Unknown error", "/共享盘/outbox/回执/a.xlsx")
    assert words in os_reason(exc)
    assert exc.strerror not in os_reason(exc) and "Errno" not in os_reason(exc)


def test_the_watcher_logs_a_failed_run_in_chinese():
    from toolkit.watch import _failure

    full = _failure(OSError(errno.ENOSPC, "No space left on device", "/共享盘/outbox/回执/a.xlsx"))
    assert full == "磁盘空间已满：/共享盘/outbox/回执/a.xlsx"
    assert _failure(ToolkitError("收件箱文件夹不存在")) == "收件箱文件夹不存在"
    said = _failure(KeyError("x"))
    assert "程序内部出错" in said and "技术人员" in said and "KeyError" not in said


def test_a_full_disk_names_the_file_that_could_not_be_written():
    """A copy (shutil.copyfile) or a rename that fails for a full disk names its source first and its target second:
    the target is what could not be written — the source may be a sound file of the published run. Other errors
    name the first (a source that cannot be read)."""
    from toolkit.watch import _failure

    source, target = "/共享盘/outbox/runs/20210901-100000/回执/a.xlsx", "/共享盘/outbox/runs/.20210902-100000.partial/回执/a.xlsx"
    full = OSError(errno.ENOSPC, "No space left on device", source, None, target)
    assert _failure(full) == f"磁盘空间已满：{target}"
    denied = OSError(errno.EACCES, "Permission denied", source, None, target)
    assert _failure(denied).endswith(f"：{source}")


def test_a_lock_being_taken_is_named_so(tmp_path):
    """Two runs starting together: the lock file is there, its holder not yet written — said so, and what it means
    if it stays so (a crash), not '未知'."""
    from toolkit.journal import RunLock

    lock = RunLock(tmp_path)
    lock.path.parent.mkdir(parents=True, exist_ok=True)
    lock.path.write_text("", encoding="utf-8")
    assert lock.holder().startswith("刚刚开始") and "10 秒后仍是如此" in lock.holder() and "自动清除" in lock.holder()


def _pdf(body: bytes) -> bytes:
    return b"%PDF-1.4\n" + body + b"\n%%EOF\n"


def test_a_copy_removed_before_it_finished_gives_its_time_to_no_later_file(tmp_path, make_form, make_summary,
                                                                           campaign):
    """A half copy seen under way before the deadline, then removed; a whole file put there after the deadline is
    late — before, it took the removed copy's time and passed."""
    import datetime as dt

    from toolkit.clock import CHINA_TZ

    campaign = campaign.with_deadline("2021-09-20")
    inbox = _inbox(tmp_path, make_form, make_summary)
    summary_file = inbox / "保定" / "1-总结材料.docx"
    whole = summary_file.read_bytes()
    summary_file.write_bytes(whole[:len(whole) // 2])
    out = tmp_path / "out"
    before = dt.datetime(2021, 9, 10, 10, 0, tzinfo=CHINA_TZ)
    run(inbox, out, campaign, settle=2, workers=1, now=before, max_wait=0.5)
    assert next(f for f in _summary(out)["files"] if f["file"] == "保定/1-总结材料.docx")["status"] == "pending"
    summary_file.unlink()
    run(inbox, out, campaign, settle=2, workers=1, now=before + dt.timedelta(days=1))
    summary_file.write_bytes(whole)
    then = time.time() - 10
    os.utime(summary_file, (then, then))
    run(inbox, out, campaign, settle=2, workers=1, now=dt.datetime(2021, 9, 25, 10, 0, tzinfo=CHINA_TZ))
    assert _statuses(out)[FIRMS[0]] == "逾期"


def test_a_file_that_grew_after_the_deadline_is_no_copy_under_way(tmp_path, make_form, make_summary, campaign):
    """A whole file (a stamped PDF, ending %%EOF) added to after the deadline — Acrobat saves by appending — is a new
    version received then, not the continuation of a copy that paused: its earlier version stays the one of
    record (a late correction), as for any file changed after the deadline."""
    import datetime as dt

    from toolkit.clock import CHINA_TZ

    campaign = campaign.with_deadline("2021-09-20")
    inbox = _inbox(tmp_path, make_form, make_summary)
    scan = inbox / "保定" / "保定市工业和信息化局推荐意见.pdf"
    scan.write_bytes(_pdf(b"A" * 400))
    then = time.time() - 3600
    os.utime(scan, (then, then))
    out = tmp_path / "out"
    run(inbox, out, campaign, settle=2, workers=1, now=dt.datetime(2021, 9, 19, 10, 0, tzinfo=CHINA_TZ))
    first = next(f for f in _summary(out)["files"] if f["file"].endswith("推荐意见.pdf"))
    with open(scan, "ab") as fh:
        fh.write(b"1 0 obj\n<< /Annot >>\nendobj\n%%EOF\n")
    os.utime(scan, (then + 60, then + 60))
    run(inbox, out, campaign, settle=2, workers=1, now=dt.datetime(2021, 9, 25, 10, 0, tzinfo=CHINA_TZ))
    [entry] = [f for f in _summary(out)["files"] if f["file"].endswith("推荐意见.pdf")]
    assert [i["code"] for i in entry["issues"]] == ["deadline.late"], entry  # (the version of the 19th kept)
    assert entry["sha256"] == first["sha256"]


def test_a_unit_folder_gone_as_a_whole_is_said(tmp_path, make_form, make_summary, campaign):
    """A whole unit folder gone at once (moved out, deleted by mistake, a share being restored folder by folder):
    its applications are withdrawn as before, and the run says which folder went, with how many files — on the
    console, in summary.json and on the status page — instead of the withdrawals passing unseen."""
    inbox = _inbox(tmp_path, make_form, make_summary)
    out = tmp_path / "out"
    campaign = campaign.with_deadline("2099-12-31")
    run(inbox, out, campaign, settle=0, workers=1)
    shutil.move(str(inbox / "保定"), str(tmp_path / "保定"))
    report = run(inbox, out, campaign, settle=0, workers=1)
    assert _statuses(out)[FIRMS[0]] == "已撤回"
    said = [n for n in report.notices if "文件夹“保定”连同其中的 2 个文件都不在收件箱中了" in n]
    assert said and said == [n for n in _summary(out)["notices"] if "保定" in n]
    assert "放回后重新汇总" in (out / "latest" / "index.html").read_text(encoding="utf-8")
    (inbox / "石家庄" / "1-总结材料.docx").unlink()  # one file of a folder still there: a withdrawal, not said so
    report = run(inbox, out, campaign, settle=0, workers=1)
    assert not [n for n in report.notices if "石家庄" in n]


def test_a_unit_folder_renamed_is_not_said_gone(tmp_path, make_form, make_summary, campaign):
    """A unit's folder renamed ('保定' to '保定市工信局'): its files are where they were, under another name — no
    sentence about a folder gone, and its applications stay as they were."""
    inbox = _inbox(tmp_path, make_form, make_summary)
    out = tmp_path / "out"
    campaign = campaign.with_deadline("2099-12-31")
    run(inbox, out, campaign, settle=0, workers=1)
    (inbox / "保定").rename(inbox / "保定市工信局")
    report = run(inbox, out, campaign, settle=0, workers=1)
    assert _statuses(out)[FIRMS[0]] == "通过"
    assert not [n for n in report.notices if "不在收件箱中了" in n]


@pytest.mark.parametrize("code, said", [(errno.EACCES, "没有访问权限"), (errno.EIO, "读写出错（磁盘或共享盘故障）"),
                                        (errno.ENOENT, "找不到文件或文件夹")])
def test_a_folder_that_cannot_be_listed_is_said_with_the_systems_reason(tmp_path, monkeypatch, campaign, code, said):
    """scan_inbox keeps why a folder could not be listed, and discover's notice quotes it (before: always the guess
    '没有访问权限，或共享盘出错'); a folder refused is refused as a folder (not '…或文件正被其他程序打开占用')."""
    from toolkit import discover as D
    from toolkit.journal import Journal

    (tmp_path / "inbox" / "保定").mkdir(parents=True)
    (tmp_path / "inbox" / "唐山").mkdir()
    real = os.scandir

    def scandir(path):
        if os.fspath(path).endswith("保定"):
            raise OSError(code, os.strerror(code))
        return real(path)

    monkeypatch.setattr(D.os, "scandir", scandir)
    scanned = D.scan_inbox(tmp_path / "inbox")
    assert scanned.unlisted == ["保定/"] and scanned.reasons == {"保定/": said}
    journal = Journal.load(tmp_path / "state")
    D.discover(tmp_path / "inbox", campaign, journal, settle=0, scanned=scanned)
    assert journal.problems == [f"文件夹“保定”无法打开（{said}）；请检查该文件夹的权限后重新汇总。"], journal.problems


@pytest.mark.parametrize("leftover", ["D3A5F800", ".~1-总结材料.docx", "1-申请表.xlsx~", ".nfs0000000001a2b3c4",
                                      "1-申请表.xlsx.bak", "自动恢复 1-总结材料.asd"])
def test_office_and_share_leftovers_never_stand_for_the_real_file(tmp_path, make_form, make_summary, leftover):
    """The audit's case 5: what Excel leaves while it saves ('D3A5F800'), WPS's and editors' backups, a file an
    NFS share keeps while one is deleted open — each a whole 申请表 or 总结材料 by its content, newer than the real
    one — are temporary files (临时文件（忽略）): never read, never the current version; the real files stand."""
    inbox = _inbox(tmp_path, make_form, make_summary)
    folder = inbox / "保定"
    source = "1-申请表.xlsx" if leftover.startswith(("D3", "1-申请表", ".nfs")) else "1-总结材料.docx"
    other = f"{FIRMS[0]}推行精益生产的经验"  # (what a later save holds: another name, had it been read)
    if source.endswith(".xlsx"):
        make_form(tmp_path / "other" / source, 申报单位=FIRMS[0], 标杆名称=other, 所在地区="保定市")
    else:
        make_summary(tmp_path / "other" / source, enterprise=FIRMS[0], name=other)
    shutil.copyfile(tmp_path / "other" / source, folder / leftover)
    run(inbox, tmp_path / "out", load_campaign().with_deadline("2099-12-31"), settle=0, workers=1)
    summary = _summary(tmp_path / "out")
    [app] = [a for a in summary["applications"] if a["enterprise"] == FIRMS[0]]
    assert app["status"] == "通过" and app["benchmark_name"] == f"{FIRMS[0]}实施六西格玛设计的经验", app
    entries = {f["file"]: f["status"] for f in summary["files"] if f["file"].startswith("保定/")}
    assert entries == {"保定/1-申请表.xlsx": "current", "保定/1-总结材料.docx": "current", f"保定/{leftover}": "ignored"}


def test_a_file_replaced_while_the_run_reads_it_is_read_again_next_run(tmp_path, make_form, make_summary):
    """The watcher audit's case 4: a 申请表 replaced by another enterprise's while the run read it. What was read is
    not the version discovery hashed: not cached under that hash (before, the other enterprise's data stood for the
    file, even after its own bytes were back and with --force), not used — the file is left for the next run, as a
    file being copied is — and the next run reads what is there."""
    from reader_faults import REPLACEMENTS, read_after_replacing

    campaign = load_campaign().with_deadline("2099-12-31")
    inbox = _inbox(tmp_path, make_form, make_summary)
    own = (inbox / "保定" / "1-申请表.xlsx").read_bytes()
    intruder = "廊坊华信药业有限公司"
    make_form(tmp_path / REPLACEMENTS / "保定" / "1-申请表.xlsx", 申报单位=intruder, 标杆名称=f"{intruder}推行精益生产的经验",
              所在地区="廊坊市")
    run(inbox, tmp_path / "out", campaign, settle=0, workers=1, reader=read_after_replacing)
    summary = _summary(tmp_path / "out")
    [entry] = [f for f in summary["files"] if f["file"] == "保定/1-申请表.xlsx"]
    assert entry["status"] == "pending"
    assert intruder not in {a["enterprise"] for a in summary["applications"]}
    run(inbox, tmp_path / "out", campaign, settle=0, workers=1)  # what is there now: the other enterprise's
    assert intruder in {a["enterprise"] for a in _summary(tmp_path / "out")["applications"]}
    (inbox / "保定" / "1-申请表.xlsx").write_bytes(own)  # its own bytes back (the hash of the first run)
    run(inbox, tmp_path / "out", campaign, settle=0, workers=1)
    summary = _summary(tmp_path / "out")
    assert {a["enterprise"] for a in summary["applications"]} == set(FIRMS)
    assert all(a["status"] == "通过" for a in summary["applications"]), summary["applications"]


def test_links_out_of_the_inbox_and_special_files_are_listed_never_opened(tmp_path, make_form, make_summary,
                                                                         campaign):
    """A link inside a unit's folder to a file or folder elsewhere on the server was followed (a link to /etc
    listed 1,000 system files in a unit's 回执, hashed, and a form kept elsewhere was read as the unit's); a link to
    nothing or to itself was left out of every listing; a pipe (FIFO) hung the run for good, holding the lock. Each
    is listed, unopened, with file.unreadable saying what it is; the unit's own applications are as before."""
    import signal

    inbox = _inbox(tmp_path, make_form, make_summary)
    elsewhere = tmp_path / "别处"
    make_form(elsewhere / "申请表.xlsx", 申报单位="河北邢钢科技有限公司", 标杆名称="河北邢钢科技有限公司推行精益生产的经验",
              所在地区="邢台市")
    unit = inbox / "保定"
    (unit / "2-外部-申请表.xlsx").symlink_to(elsewhere / "申请表.xlsx")
    (unit / "外部文件夹").symlink_to(elsewhere, target_is_directory=True)
    (unit / "3-断链-申请表.xlsx").symlink_to(tmp_path / "没有这个文件.xlsx")
    (unit / "4-自环-申请表.xlsx").symlink_to("4-自环-申请表.xlsx")
    os.mkfifo(unit / "5-管道-申请表.xlsx")
    os.utime(unit / "5-管道-申请表.xlsx", (time.time() - 86400,) * 2)  # (an old one: not a copy under way)
    out = tmp_path / "out"
    previous = signal.signal(signal.SIGALRM, lambda *_: pytest.fail("the run hung on the pipe"))
    signal.alarm(120)
    try:
        run(inbox, out, campaign.with_deadline("2099-12-31"), settle=0, workers=1)
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)  # (no handler of this test left for later ones)
    summary = _summary(out)
    said = {f["file"]: (f["status"], [(i["code"], i["message"]) for i in f["issues"]]) for f in summary["files"]}
    words = {"2-外部-申请表.xlsx": "指向收件箱以外的位置", "外部文件夹": "指向收件箱以外的位置",
             "3-断链-申请表.xlsx": "指向的文件或文件夹已不存在", "4-自环-申请表.xlsx": "指向自己",
             "5-管道-申请表.xlsx": "不是普通文件"}
    for name, word in words.items():
        status, issues = said[f"保定/{name}"]
        assert status == "rejected" and len(issues) == 1 and issues[0][0] == "file.unreadable", (name, issues)
        assert word in issues[0][1] and "复制到本单位文件夹" in issues[0][1], (name, issues)
    assert not [f for f in said if f.startswith("保定/外部文件夹/")]
    assert _statuses(out) == {FIRMS[0]: "通过", FIRMS[1]: "通过"}  # the form elsewhere was not read


def test_an_entry_never_read_keeps_the_time_it_was_first_listed(tmp_path, make_form, make_summary, campaign):
    """A link to nothing or a pipe (and a file that cannot be read) has no version to carry its receipt time: it was
    taken as each run's time, so its 收到时间 moved on at every run (and, after the deadline, read as late). It is
    the time it was first listed, run after run (the review of the links change)."""
    import datetime as dt

    from toolkit.campaign import CHINA_TZ

    inbox = _inbox(tmp_path, make_form, make_summary)
    unit = inbox / "保定"
    (unit / "3-断链-申请表.xlsx").symlink_to(tmp_path / "没有这个文件.xlsx")
    os.mkfifo(unit / "5-管道-申请表.xlsx")
    os.utime(unit / "5-管道-申请表.xlsx", (time.time() - 86400,) * 2)
    deadline = campaign.with_deadline("2021-09-20")
    first = dt.datetime(2021, 9, 10, 9, 0, tzinfo=CHINA_TZ)
    seen = []
    # (a file without read permission takes the same path, _listed_since; as root, as CI runs, none can be made)
    for now in (first, first + dt.timedelta(days=3), first + dt.timedelta(days=20)):
        run(inbox, tmp_path / "out", deadline, settle=0, workers=1, now=now)
        files = {f["file"]: f for f in _summary(tmp_path / "out")["files"]}
        seen.append({name: files[f"保定/{name}"]["first_seen"] for name in ("3-断链-申请表.xlsx", "5-管道-申请表.xlsx")})
    assert seen[0]["3-断链-申请表.xlsx"].startswith("2021-09-10T09:00"), seen[0]
    assert seen[0] == seen[1] == seen[2], seen
    assert _statuses(tmp_path / "out") == {FIRMS[0]: "通过", FIRMS[1]: "通过"}


def test_check_reads_a_pipe_or_a_looping_link_as_a_bad_file(tmp_path):
    """`check` on a pipe said the file did not exist, and on a link to itself stopped with a traceback: each is a
    file that cannot be read, said in Chinese (exit 1), at once."""
    os.mkfifo(tmp_path / "管道-申请表.xlsx")
    (tmp_path / "自环-申请表.xlsx").symlink_to("自环-申请表.xlsx")
    for name, word in (("管道-申请表.xlsx", "不是普通文件"), ("自环-申请表.xlsx", "指向自己")):
        done = subprocess.run([sys.executable, str(ROOT / "run.py"), "check", str(tmp_path / name)], cwd=ROOT,
                              capture_output=True, text=True, encoding="utf-8", timeout=120, check=False)
        assert done.returncode == 1 and word in done.stdout and "文件无法读取（file.unreadable）" in done.stdout, done
        assert "Traceback" not in done.stderr and "找不到文件" not in done.stdout + done.stderr


def test_a_plain_file_costs_refusal_one_call(tmp_path, monkeypatch):
    """discover.refusal is asked of every file a reader reads (pipeline.read_file): 20,000 at national scale, on a
    share where each call is a network round trip. A plain file or folder is let through on one lstat — it took an
    lstat (os.path.islink) and a stat — while a link, a pipe and a broken link are still told apart."""
    from toolkit import discover

    (tmp_path / "申请表.xlsx").write_bytes(b"x")
    (tmp_path / "断链.xlsx").symlink_to(tmp_path / "没有这个文件.xlsx")
    os.mkfifo(tmp_path / "管道.xlsx")
    calls = []
    stat_, lstat_ = os.stat, os.lstat
    monkeypatch.setattr(os, "stat", lambda *a, **k: calls.append("stat") or stat_(*a, **k))
    monkeypatch.setattr(os, "lstat", lambda *a, **k: calls.append("lstat") or lstat_(*a, **k))
    for plain in (tmp_path / "申请表.xlsx", tmp_path):
        calls.clear()
        assert discover.refusal(str(plain)) == ""
        assert calls == ["lstat"], (plain, calls)
    assert "已不存在" in discover.refusal(str(tmp_path / "断链.xlsx"))
    assert "不是普通文件" in discover.refusal(str(tmp_path / "管道.xlsx"))
