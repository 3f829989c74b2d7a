"""File and folder names that are not UTF-8 (a zip made on Chinese Windows and unpacked on Linux keeps GBK names):
read, recorded and shown under a readable name that depends on the name alone, never a crash."""
from __future__ import annotations

import datetime as dt
import json
import os
import shutil

import pytest

from toolkit.campaign import CHINA_TZ
from toolkit.discover import scan_inbox, shown_name
from toolkit.pipeline import run

DAY = dt.datetime(2021, 9, 10, 10, 0, tzinfo=CHINA_TZ)

pytestmark = pytest.mark.skipif(os.name == "nt", reason="Windows file names are always Unicode")


def _raw(path) -> bytes:
    return os.fsencode(path)


def _listed(inbox) -> list[str]:
    return [rel for rel, _abspath, _st in scan_inbox(inbox)]


@pytest.fixture
def staged(tmp_path, make_form, make_summary):
    firm = "唐山华信精密机械有限公司"
    name = "唐山华信精密机械推行精益生产的经验"
    form = make_form(tmp_path / "staging" / "form.xlsx", 申报单位=firm, 标杆名称=name, 所在地区="唐山市")
    summary = make_summary(tmp_path / "staging" / "summary.docx", enterprise=firm, name=name)
    other = make_form(tmp_path / "staging" / "other.xlsx", 申报单位="唐山恒达轴承有限公司", 标杆名称="唐山恒达轴承的经验")
    note = tmp_path / "staging" / "note.txt"
    note.write_text("补充说明", encoding="utf-8")
    return {"form": _raw(form), "summary": _raw(summary), "other": _raw(other), "note": _raw(note)}


def test_gbk_names_are_decoded_and_undecodable_bytes_escaped(tmp_path, staged, campaign):
    inbox, out = tmp_path / "inbox", tmp_path / "out"
    inbox.mkdir()
    unit = os.path.join(_raw(inbox), "唐山".encode("gbk"))  # the unit folder itself in GBK
    os.mkdir(unit)
    shutil.copy(staged["form"], os.path.join(unit, "1-申请表.xlsx".encode("gbk")))
    shutil.copy(staged["summary"], os.path.join(unit, "1-总结材料.docx".encode()))
    shutil.copy(staged["other"], os.path.join(unit, b"2-\xff\xfe.xlsx"))  # neither UTF-8 nor GB18030
    shutil.copy(staged["note"], os.path.join(unit, "3-说明.txt".encode()))
    shutil.copy(staged["note"], os.path.join(unit, "3-说明.txt".encode("gbk")))  # the same name in GBK: both kept
    shutil.copy(staged["note"], os.path.join(unit, "4-唐山华信-补充".encode() + b"\xe8\xa1.txt"))  # UTF-8, cut
    listed = _listed(inbox)
    assert listed == ["唐山/1-总结材料.docx", "唐山/1-申请表（原名乱码）.xlsx", "唐山/2-\\xff\\xfe.xlsx",
                      "唐山/3-说明.txt", "唐山/3-说明（原名乱码）.txt", "唐山/4-唐山华信-补充\\xe8\\xa1.txt"]

    first = run(inbox, out, campaign, settle=0, workers=1, now=DAY)
    apps = [a for a in first.result.applications if a.unit == "唐山市工业和信息化局"]
    by_form = {a.form_file.path: a for a in apps if a.form_file}
    assert by_form["唐山/1-申请表（原名乱码）.xlsx"].summary_file.path == "唐山/1-总结材料.docx"  # read, named, paired
    assert by_form["唐山/2-\\xff\\xfe.xlsx"].enterprise == "唐山恒达轴承有限公司"  # read under its escaped name
    data = json.loads((out / "latest" / "summary.json").read_text(encoding="utf-8"))
    assert {f["file"] for f in data["files"]} == set(listed)
    assert any("2-\\xff\\xfe.xlsx" in page.read_text(encoding="utf-8") for page in (out / "latest").rglob("*.html"))
    again = run(inbox, out, campaign, settle=0, workers=1, now=DAY + dt.timedelta(hours=1))
    assert again.unchanged


def test_a_name_stays_the_same_when_a_twin_appears_beside_it(tmp_path, staged, campaign):
    """A Windows user who sees the GBK folder garbled on the share makes a proper 唐山 folder and copies the form
    into it: the GBK folder's files keep their names and histories (no withdrawal, no removed file, no version taken
    over by the copy), and the copy joins the same unit as a later file of the same application."""
    inbox, out = tmp_path / "inbox", tmp_path / "out"
    inbox.mkdir()
    gbk = os.path.join(_raw(inbox), "唐山".encode("gbk"))
    os.mkdir(gbk)
    shutil.copy(staged["form"], os.path.join(gbk, "1-申请表.xlsx".encode("gbk")))
    shutil.copy(staged["summary"], os.path.join(gbk, "1-总结材料.docx".encode("gbk")))
    first = run(inbox, out, campaign, settle=0, workers=1, now=DAY).result
    before = [(e.version.path, e.status) for e in first.files]
    (inbox / "唐山").mkdir()  # the UTF-8 twin of the folder
    shutil.copy(staged["form"], _raw(inbox / "唐山" / "1-申请表.xlsx"))  # and of a file in it, same bytes
    second = run(inbox, out, campaign, settle=0, workers=1, now=DAY + dt.timedelta(days=1)).result
    after = {e.version.path: e for e in second.files}
    assert before == [("唐山/1-总结材料（原名乱码）.docx", "current"), ("唐山/1-申请表（原名乱码）.xlsx", "current")]
    assert after["唐山/1-总结材料（原名乱码）.docx"].status == "current"
    assert after["唐山/1-申请表（原名乱码）.xlsx"].status == "superseded"  # by the later copy, a version of its own
    assert all(e.version.revisions == 1 for e in second.files)
    assert not [e for e in second.files if e.status == "removed"]
    copy = after["唐山/1-申请表.xlsx"]
    assert copy.version.unit == "唐山市工业和信息化局" and copy.status == "current"
    assert [(a.enterprise, a.withdrawn) for a in second.applications if a.unit == "唐山市工业和信息化局"] == [
        ("唐山华信精密机械有限公司", False)]


def test_names_shown_alike_get_stable_tags_and_none_is_lost(tmp_path, staged, campaign):
    """Two names can still be shown alike (a name typed with a literal '\\xff'): each file keeps a path of its own,
    the same run after run."""
    inbox, out = tmp_path / "inbox", tmp_path / "out"
    folder = inbox / "唐山"
    folder.mkdir(parents=True)
    for raw in (b"x-\xff.txt", b"x-\\xff.txt"):
        shutil.copy(staged["note"], os.path.join(_raw(folder), raw))
    listed = _listed(inbox)
    assert len(listed) == len(set(listed)) == 2 and "唐山/x-\\xff.txt" in listed  # the UTF-8 one keeps its name
    assert _listed(inbox) == listed
    first = run(inbox, out, campaign, settle=0, workers=1, now=DAY)
    assert sorted(e.version.path for e in first.result.files) == sorted(listed)
    assert run(inbox, out, campaign, settle=0, workers=1, now=DAY + dt.timedelta(hours=1)).unchanged


@pytest.mark.parametrize(("raw", "folder", "expected"), [
    ("申请表.xlsx".encode("gbk"), False, "申请表（原名乱码）.xlsx"),
    ("河北省冶金行业协会".encode("gb18030"), True, "河北省冶金行业协会"),
    ("轻工协会".encode("gbk"), True, "轻工协会"),  # its GBK bytes hold a valid UTF-8 'Ṥ': still GBK
    ("说明".encode("gbk"), False, "说明（原名乱码）"),
    (b"\xff\xfe.xlsx", False, "\\xff\\xfe.xlsx"),
    ("1-唐山华信-申请".encode() + b"\xe8\xa1.xlsx", False, "1-唐山华信-申请\\xe8\\xa1.xlsx"),  # UTF-8 cut short
    ("申请表.xlsx".encode(), False, "申请表.xlsx"),  # UTF-8: as it is
])
def test_shown_name(raw, folder, expected):
    assert shown_name(os.fsdecode(raw), folder=folder) == expected
