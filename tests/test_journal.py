"""The journal is append-only JSON lines, fsync'd: a run killed mid-append leaves a torn last line, which the
next run skips and reports, and the run completes."""
from __future__ import annotations

import json
import signal
import subprocess
import sys
import textwrap

from toolkit.journal import Journal
from toolkit.pipeline import run, state_dir
from toolkit.report import end_of_run


def test_sigkill_during_an_append_leaves_a_torn_line_that_the_next_run_reports(tmp_path, make_form, make_summary,
                                                                               campaign):
    inbox, out = tmp_path / "inbox", tmp_path / "out"
    make_form(inbox / "沧州" / "1-申请表.xlsx")
    make_summary(inbox / "沧州" / "1-总结材料.docx")
    run(inbox, out, campaign, settle=0, workers=1)
    journal = state_dir(out) / "journal.jsonl"
    good = journal.read_bytes()
    # a process appending an event is killed with SIGKILL in the middle of its line
    script = textwrap.dedent(f"""
        import os, signal
        with open({str(journal)!r}, "ab") as fh:
            fh.write(b'{{"op":"version","path":"\\u6ca7\\u5dde/2-\\u7533\\u8bf7\\u8868.xlsx","sha256":"ab')
            fh.flush()
            os.fsync(fh.fileno())
            os.kill(os.getpid(), signal.SIGKILL)
    """)
    proc = subprocess.run([sys.executable, "-c", script], timeout=60)
    assert proc.returncode == -signal.SIGKILL
    assert journal.read_bytes().startswith(good) and not journal.read_bytes().endswith(b"\n")

    loaded = Journal.load(state_dir(out))
    assert len(loaded.problems) == 1 and "不完整" in loaded.problems[0] and "中断" in loaded.problems[0]
    assert loaded.present() == {"沧州/1-申请表.xlsx", "沧州/1-总结材料.docx"}

    make_form(inbox / "沧州" / "2-申请表.xlsx", 申报单位="沧州明珠塑料有限公司", 标杆名称="沧州明珠塑料有限公司推行精益生产的经验")
    report = run(inbox, out, campaign, settle=0, workers=1)
    assert report.run_folder is not None
    assert any("不完整" in n for n in report.notices)
    assert "注意：状态记录第" in end_of_run(report, campaign, inbox=inbox, outbox=out)
    summary = json.loads((out / "latest" / "summary.json").read_text(encoding="utf-8"))
    assert {f["file"] for f in summary["files"]} == {"沧州/1-申请表.xlsx", "沧州/1-总结材料.docx", "沧州/2-申请表.xlsx"}
    # the torn line is gone once the next events are appended: later runs load a clean journal
    assert journal.read_bytes().startswith(good)
    assert all(_parses(line) for line in journal.read_bytes().split(b"\n") if line.strip())
    assert Journal.load(state_dir(out)).problems == []


def _parses(line: bytes) -> bool:
    try:
        json.loads(line)
        return True
    except ValueError:
        return False


def test_a_journal_of_the_earlier_format_is_carried_over(tmp_path, make_form, campaign):
    inbox, out = tmp_path / "inbox", tmp_path / "out"
    make_form(inbox / "沧州" / "1-申请表.xlsx")
    state = state_dir(out)
    state.mkdir(parents=True)
    legacy = {"files": {"沧州/1-申请表.xlsx": {"versions": [
        {"sha256": "0" * 64, "size": 1, "mtime": 0.0, "first_seen": "2021-09-01T10:00:00+08:00"}]}}}
    (state / "journal.json").write_text(json.dumps(legacy), encoding="utf-8")
    run(inbox, out, campaign, settle=0, workers=1)
    versions = Journal.load(state).versions("沧州/1-申请表.xlsx")
    assert versions[0]["first_seen"] == "2021-09-01T10:00:00+08:00" and len(versions) == 2


def test_state_can_live_on_local_disk(tmp_path, make_form, campaign):
    inbox, out, local = tmp_path / "inbox", tmp_path / "out", tmp_path / "本机状态"
    make_form(inbox / "沧州" / "1-申请表.xlsx")
    run(inbox, out, campaign, settle=0, workers=1, state=local)
    assert (local / "journal.jsonl").exists() and not (out / ".state").exists()
    assert run(inbox, out, campaign, settle=0, workers=1, state=local).unchanged


def test_a_moved_file_keeps_its_first_time_and_the_index_is_kept_not_rebuilt(tmp_path, monkeypatch):
    """Bytes seen before in the same unit folder keep the time they were first received, under any new name;
    the (folder, content) index is built once and kept up to date, never rebuilt per recorded version (a cold
    national run records tens of thousands: rebuilding per version made discovery quadratic)."""
    journal = Journal.load(tmp_path)
    builds = []
    index_version = Journal._index_version

    def counted(self, rel, version):
        builds.append(rel)
        index_version(self, rel, version)

    monkeypatch.setattr(Journal, "_index_version", counted)
    t = [f"2021-09-0{d}T10:00:00+08:00" for d in range(1, 6)]
    journal.record("石家庄/1-申请表.xlsx", sha256="a" * 64, size=1, mtime=1.0, seen=t[1])
    for n in range(200):  # many other files: each indexed once, when recorded
        journal.record(f"保定/{n}-申请表.xlsx", sha256=f"{n:064d}", size=1, mtime=1.0, seen=t[2])
    assert len(builds) <= 202
    # the same bytes under a new name in the same folder: received when first seen
    moved = journal.record("石家庄/改名-申请表.xlsx", sha256="a" * 64, size=1, mtime=2.0, seen=t[4])
    assert moved["first_seen"] == t[1]
    # in another unit's folder the same bytes are a new receipt
    other = journal.record("唐山/1-申请表.xlsx", sha256="a" * 64, size=1, mtime=2.0, seen=t[3])
    assert other["first_seen"] == t[3]
    # an earlier time recorded later (a journal replayed) lowers the folder's first time
    journal.record("唐山/2-申请表.xlsx", sha256="b" * 64, size=1, mtime=2.0, seen=t[3])
    journal.record("唐山/旧-申请表.xlsx", sha256="a" * 64, size=1, mtime=2.0, seen=t[2])
    assert journal.first_seen_elsewhere("唐山/新-申请表.xlsx", "a" * 64) == t[2]
    journal.save()
    again = Journal.load(tmp_path)  # rebuilt from the saved lines: the same answers
    assert again.first_seen_elsewhere("石家庄/x.xlsx", "a" * 64) == t[1]
    assert again.first_seen_elsewhere("唐山/x.xlsx", "a" * 64) == t[2]


def test_a_damaged_line_in_the_middle_is_reported_and_the_rest_is_kept(tmp_path):
    """The journal is decoded in one call when every line is whole; a damaged line anywhere makes it replay line
    by line, reporting that line and keeping every other event."""
    journal = Journal.load(tmp_path)
    for n in range(3):
        journal.record(f"保定/{n}-申请表.xlsx", sha256=f"{n:064d}", size=n, mtime=1.0, seen="2021-09-01T10:00:00+08:00")
    journal.save()
    path = tmp_path / "journal.jsonl"
    lines = path.read_bytes().splitlines(keepends=True)
    path.write_bytes(lines[0] + b'{"op": "version", "path": \n' + b"".join(lines[1:]))
    again = Journal.load(tmp_path)
    assert [p for p in again.problems if "第 2 行" in p and "记录损坏" in p]
    assert sorted(again.present()) == [f"保定/{n}-申请表.xlsx" for n in range(3)]
    whole = Journal.load(tmp_path.parent / "nothing-here")  # no journal: a first run, no problems
    assert whole.fresh and not whole.problems


def test_temporary_and_lock_files_are_recognised_by_name():
    from toolkit.discover import is_temporary

    for name in ("~$申请表.xlsx", ".~lock.申请表.xlsx#", "~WRL0001.tmp", "~wrd1234.tmp", "总结材料.docx.part",
                 "下载.crdownload", "._总结材料.docx", "Thumbs.db", "desktop.ini", "申请表.TMP",
                 # Excel's save in progress, WPS's and editors' backups, an NFS or Samba deleted-open file (the audit's
                 # case 5: each displaced the real file as its newer version)
                 "D3A5F800", "0A1B2C3D", ".~3-总结材料.docx", "1-申请表.xlsx~", "申请表的备份.wbk", "备份 申请表.xlk",
                 "自动恢复 总结材料.asd", "申请表.xlsx.bak", "总结材料.docx.wpsbak", ".nfs0000000001a2b3c4",
                 ".smbdeleteAAA0d1b2"):
        assert is_temporary(name), name
    for name in ("申请表.xlsx", "1-总结材料.docx", "~申请表.xlsx", "part.docx", "temp报告.docx", "申请表$.xlsx",
                 "D3A5F800.xlsx", "12345678.docx", "2021年申报.docx", ".nfs说明.docx", "bak.docx", "附件~1.pdf"):
        assert not is_temporary(name), name


def test_file_ids_decide_only_where_the_system_gives_them(tmp_path):
    """known(): a version of an older journal (no file id) is taken by size and time and learns its id without
    hashing; a different id then means another file; id 0 (Windows' listings, some network drives) leaves size
    and time to decide, as before."""
    (tmp_path / "journal.jsonl").write_text(json.dumps(  # a line an older toolkit wrote: no file id
        {"op": "version", "path": "保定/a.pdf", "sha256": "a" * 64, "size": 10, "mtime": 5.0,
         "first_seen": "2021-09-01T10:00:00+08:00"}, ensure_ascii=False) + "\n", encoding="utf-8")
    journal = Journal.load(tmp_path)
    assert journal.known("保定/a.pdf", 10, 5.0, 77) is not None
    assert journal._pending == [{"op": "ino", "path": "保定/a.pdf", "ino": 77}]
    assert journal.known("保定/a.pdf", 10, 5.0, 77) is not None and len(journal._pending) == 1
    assert journal.known("保定/a.pdf", 10, 5.0, 78) is None  # another file of the same size and time
    assert journal.known("保定/a.pdf", 10, 5.0, 0) is not None  # no id given: size and time
    assert journal.known("保定/a.pdf", 11, 5.0, 77) is None
    journal.save()
    again = Journal.load(tmp_path)  # (the id was kept)
    assert again.known("保定/a.pdf", 10, 5.0, 78) is None and again.known("保定/a.pdf", 10, 5.0, 77) is not None


def test_a_copy_seen_under_way_counts_only_for_the_same_copy(tmp_path):
    """copy_started(): the time a copy was seen under way is its receipt only for that copy — same file id, no
    shorter, within hours, and not after the path was seen empty of it (unobserve_missing)."""
    journal = Journal(tmp_path / "journal.jsonl")
    journal.observe("保定/a.docx", "2021-09-20T23:50:00+08:00", 1000, 7)
    journal.observe("保定/a.docx", "2021-09-21T00:10:00+08:00", 1500, 7)  # (the first observation counts)
    seen = "2021-09-21T00:30:00+08:00"
    assert journal.copy_started("保定/a.docx", 2000, 7, seen) == "2021-09-20T23:50:00+08:00"
    assert journal.copy_started("保定/a.docx", 900, 7, seen) is None  # shorter: not the copy seen
    assert journal.copy_started("保定/a.docx", 2000, 8, seen) is None  # another file
    assert journal.copy_started("保定/a.docx", 2000, 7, "2021-09-22T00:30:00+08:00") is None  # a day later
    journal.unobserve_missing({"保定/b.docx"})  # the copy was removed before it finished
    assert journal.copy_started("保定/a.docx", 2000, 7, seen) is None
    journal.save()
    assert Journal.load(tmp_path).copy_started("保定/a.docx", 2000, 7, seen) is None
