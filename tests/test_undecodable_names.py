"""File and folder names that are not UTF-8 (a zip made on Chinese Windows and unpacked on Linux keeps GBK names):
read, recorded and shown under a readable name, never a crash."""
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


def test_gbk_names_are_decoded_and_undecodable_bytes_escaped(tmp_path, make_form, make_summary, campaign):
    inbox, out = tmp_path / "inbox", tmp_path / "out"
    inbox.mkdir()
    unit = os.path.join(_raw(inbox), "唐山".encode("gbk"))  # the unit folder itself in GBK
    os.mkdir(unit)
    firm = "唐山华信精密机械有限公司"
    name = "唐山华信精密机械推行精益生产的经验"
    form = make_form(tmp_path / "staging" / "form.xlsx", 申报单位=firm, 标杆名称=name, 所在地区="唐山市")
    summary = make_summary(tmp_path / "staging" / "summary.docx", enterprise=firm, name=name)
    shutil.copy(_raw(form), os.path.join(unit, "1-申请表.xlsx".encode("gbk")))
    shutil.copy(_raw(summary), os.path.join(unit, "1-总结材料.docx".encode()))
    other = make_form(tmp_path / "staging" / "other.xlsx", 申报单位="唐山恒达轴承有限公司", 标杆名称="唐山恒达轴承的经验")
    shutil.copy(_raw(other), os.path.join(unit, b"2-\xff\xfe.xlsx"))  # neither UTF-8 nor GB18030
    note = tmp_path / "staging" / "note.txt"
    note.write_text("补充说明", encoding="utf-8")
    shutil.copy(_raw(note), os.path.join(unit, "3-说明.txt".encode()))
    shutil.copy(_raw(note), os.path.join(unit, "3-说明.txt".encode("gbk")))  # the same name, in GBK: both kept
    listed = [rel for rel, _abspath, _st in scan_inbox(inbox)]
    assert "唐山/1-申请表.xlsx" in listed and "唐山/1-总结材料.docx" in listed
    assert "唐山/2-\\xff\\xfe.xlsx" in listed
    # its GBK twin keeps its bytes, escaped where they are not UTF-8 (CB B5 happens to be UTF-8 for "˵")
    assert "唐山/3-说明.txt" in listed and "唐山/3-˵\\xc3\\xf7.txt" in listed
    assert len(listed) == len(set(listed)) == 5

    first = run(inbox, out, campaign, settle=0, workers=1, now=DAY)
    apps = [a for a in first.result.applications if a.unit == "唐山市工业和信息化局"]
    by_form = {a.form_file.path: a for a in apps if a.form_file}
    assert by_form["唐山/1-申请表.xlsx"].summary_file.path == "唐山/1-总结材料.docx"  # read, named, paired
    assert by_form["唐山/2-\\xff\\xfe.xlsx"].enterprise == "唐山恒达轴承有限公司"  # read under its escaped name
    data = json.loads((out / "latest" / "summary.json").read_text(encoding="utf-8"))
    assert {f["file"] for f in data["files"]} >= {"唐山/1-申请表.xlsx", "唐山/2-\\xff\\xfe.xlsx", "唐山/3-˵\\xc3\\xf7.txt"}
    assert any("2-\\xff\\xfe.xlsx" in page.read_text(encoding="utf-8") for page in (out / "latest").rglob("*.html"))
    again = run(inbox, out, campaign, settle=0, workers=1, now=DAY + dt.timedelta(hours=1))
    assert again.unchanged


@pytest.mark.parametrize(("raw", "siblings", "expected"), [
    ("申请表.xlsx".encode("gbk"), set(), "申请表.xlsx"),
    ("河北省冶金行业协会".encode("gb18030"), set(), "河北省冶金行业协会"),
    (b"\xff\xfe.xlsx", set(), "\\xff\\xfe.xlsx"),
    ("申请表.xlsx".encode("gbk"), {"申请表.xlsx"}, "\\xc9\\xea\\xc7\\xeb\\xb1\\xed.xlsx"),  # a sibling has it
    ("申请表.xlsx".encode(), set(), "申请表.xlsx"),  # UTF-8: as it is
])
def test_shown_name(raw, siblings, expected):
    assert shown_name(os.fsdecode(raw), siblings) == expected
