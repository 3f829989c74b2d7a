"""Files beside a pair that are not a form or a summary: the toolkit's own outputs dropped back, stamped scans
of the 申请书 and 证实性材料. Attachments of their application, never read as a form, never an error."""
from __future__ import annotations

import datetime as dt
import json
import re

import pytest
from conftest import soffice
from workbook_builders import zip_bytes, zip_members

from toolkit.campaign import CHINA_TZ
from toolkit.extract.own import own_output
from toolkit.extract.registry import extract
from toolkit.pipeline import run

UNIT = "石家庄市工业和信息化局"
ON_TIME = dt.datetime(2021, 9, 1, 10, 0, tzinfo=CHINA_TZ)
PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
JPG = b"\xff\xd8\xff\xe0" + b"\x00" * 64


def _summary(out):
    return json.loads((out / "latest" / "summary.json").read_text(encoding="utf-8"))


def _batch(tmp_path, campaign):
    run(tmp_path / "inbox", tmp_path / "out", campaign, settle=0, workers=1, now=ON_TIME)
    return _summary(tmp_path / "out")


def _pair(unit, make_form, make_summary, prefix="1-华信", **form):
    make_form(unit / f"{prefix}-申请表.xlsx", **form)
    enterprise = form.get("申报单位", "河北华信精密机械有限公司")
    make_summary(unit / f"{prefix}-总结材料.docx", enterprise=enterprise,
                 name=form.get("标杆名称", "河北华信精密机械有限公司实施六西格玛设计的经验"))


def _without_mark(data: bytes) -> bytes:
    """The same package without docProps/custom.xml: as a program that drops custom properties saves it."""
    members = zip_members(data)
    del members["docProps/custom.xml"]
    members["_rels/.rels"] = re.sub(rb"<Relationship [^>]*custom-properties[^>]*/>", b"", members["_rels/.rels"])
    members["[Content_Types].xml"] = re.sub(rb'<Override [^>]*PartName="/docProps/custom.xml"[^>]*/>', b"",
                                            members["[Content_Types].xml"])
    return zip_bytes(members)


def _two_pairs(unit, make_form, make_summary, *, first="1-华信"):
    """华信's pair (under ``first``) and 恒达's, in one unit folder."""
    _pair(unit, make_form, make_summary, prefix=first)
    _pair(unit, make_form, make_summary, prefix="2-恒达", 申报单位="河北恒达轴承有限公司",
          标杆名称="河北恒达轴承有限公司推行精益生产的经验")


def test_outputs_dropped_back_under_any_name_are_attachments(tmp_path, make_form, make_summary, campaign):
    unit = tmp_path / "inbox" / UNIT
    _pair(unit, make_form, make_summary)
    first = _batch(tmp_path, campaign)
    assert [a["status"] for a in first["applications"]] == ["通过"]
    latest = tmp_path / "out" / "latest"
    opinion = (latest / "推荐意见" / f"{UNIT}-推荐意见.docx").read_bytes()
    receipt = (latest / "回执" / f"{UNIT}-回执.xlsx").read_bytes()
    register = (latest / "省级汇总表.xlsx").read_bytes()
    # renamed as clerks do, some with the mark removed (read by content)
    (unit / "1-华信-申请书.docx").write_bytes(opinion)  # a name that says 申请书
    (unit / "总结材料（定稿）.docx").write_bytes(_without_mark(opinion))
    (unit / "华信-申请表.xlsx").write_bytes(receipt)
    (unit / "汇总.xlsx").write_bytes(_without_mark(register))
    (unit / "回执副本.xlsx").write_bytes(_without_mark(receipt))
    second = _batch(tmp_path, campaign)
    files = {f["file"].split("/")[-1]: f for f in second["files"]}
    for name in ("1-华信-申请书.docx", "总结材料（定稿）.docx", "华信-申请表.xlsx", "汇总.xlsx", "回执副本.xlsx"):
        assert files[name]["kind"] == "attachment", name
        assert files[name]["issues"] == [], name
    [app] = second["applications"]
    assert app["status"] == "通过" and app["fields"]["利润总额"]["2020"] == 3650.25
    assert sorted(app["files"]) == [f"{UNIT}/1-华信-总结材料.docx", f"{UNIT}/1-华信-申请表.xlsx"]


def test_own_output_marks_are_read(tmp_path, make_form, make_summary, campaign):
    unit = tmp_path / "inbox" / UNIT
    _pair(unit, make_form, make_summary)
    _batch(tmp_path, campaign)
    latest = tmp_path / "out" / "latest"
    assert own_output((latest / "推荐意见" / f"{UNIT}-推荐意见.docx").read_bytes()) == "推荐意见"
    assert own_output((latest / "回执" / f"{UNIT}-回执.xlsx").read_bytes()) == "回执"
    assert own_output((latest / "省级汇总表.xlsx").read_bytes()) == "省级汇总表"
    ranking = (latest / "推荐排序表" / f"{UNIT}-推荐排序表.xlsx").read_bytes()
    assert own_output(ranking) == "推荐排序表"
    # the ranking sheet is meant to come back: it is still read as the unit's ranking
    assert extract(ranking, "推荐排序表.xlsx", campaign).kind == "ranking"
    # an enterprise's own documents are not ours
    assert own_output((unit / "1-华信-申请表.xlsx").read_bytes()) is None
    assert own_output((unit / "1-华信-总结材料.docx").read_bytes()) is None


@pytest.mark.skipif(soffice() is None, reason="LibreOffice (soffice) not installed; .ci/run installs it")
def test_opinion_resaved_by_libreoffice_is_still_ours(tmp_path, make_form, make_summary, campaign):
    from toolkit.extract.legacy import convert

    unit = tmp_path / "inbox" / UNIT
    _pair(unit, make_form, make_summary)
    _batch(tmp_path, campaign)
    opinion = (tmp_path / "out" / "latest" / "推荐意见" / f"{UNIT}-推荐意见.docx").read_bytes()
    resaved = convert(convert(opinion, "docx", "odt"), "odt", "docx")
    assert own_output(resaved) == "推荐意见"
    assert extract(resaved, "申请书.docx", campaign).kind == "attachment"


@pytest.mark.parametrize("name, data", [
    ("1-华信-申请书（盖章扫描件）.pdf", PDF),
    ("1-华信-承诺书盖章.jpg", JPG),
    ("河北华信精密机械有限公司-证实性材料-获奖证书.png", PNG),
    ("华信/申请书扫描件.pdf", PDF),  # in the pair's own sub-folder
])
def test_scans_beside_a_pair_are_attachments_of_it(tmp_path, make_form, make_summary, campaign, name, data):
    unit = tmp_path / "inbox" / UNIT
    _two_pairs(unit, make_form, make_summary, first="华信/1-华信" if name.startswith("华信/") else "1-华信")
    (unit / name).parent.mkdir(parents=True, exist_ok=True)
    (unit / name).write_bytes(data)
    s = _batch(tmp_path, campaign)
    files = {f["file"]: f for f in s["files"]}
    scan = files[f"{UNIT}/{name}"]
    assert scan["kind"] == "attachment" and scan["issues"] == []
    assert scan["enterprise"] == "河北华信精密机械有限公司"
    apps = {a["enterprise"]: a for a in s["applications"]}
    assert apps["河北华信精密机械有限公司"]["attachments"] == [f"{UNIT}/{name}"]
    assert apps["河北华信精密机械有限公司"]["status"] == "通过"
    assert apps["河北恒达轴承有限公司"]["attachments"] == []
    receipt = tmp_path / "out" / "latest" / "回执" / f"{UNIT}-回执.xlsx"
    import openpyxl

    listed = [row[0] for row in openpyxl.load_workbook(receipt)["收到的文件"].iter_rows(min_row=2, values_only=True)]
    assert f"{UNIT}/{name}" in listed


def test_scan_of_a_form_with_no_application_is_an_error(tmp_path, make_form, make_summary, campaign):
    unit = tmp_path / "inbox" / UNIT
    _two_pairs(unit, make_form, make_summary)
    (unit / "3-冀东-申请表.pdf").write_bytes(PDF)
    s = _batch(tmp_path, campaign)
    [issue] = {f["file"]: f for f in s["files"]}[f"{UNIT}/3-冀东-申请表.pdf"]["issues"]
    assert issue["code"] == "file.unsupported" and issue["severity"] == "error"
    assert "扫描件" in issue["message"] and ".xlsx" in issue["message"]


def test_stamped_scan_without_the_keyword_gets_a_rename_hint(tmp_path, make_form, make_summary, campaign):
    unit = tmp_path / "inbox" / UNIT
    _two_pairs(unit, make_form, make_summary)
    (unit / "市工信局盖章件.pdf").write_bytes(PDF)
    s = _batch(tmp_path, campaign)
    [issue] = {f["file"]: f for f in s["files"]}[f"{UNIT}/市工信局盖章件.pdf"]["issues"]
    assert issue["severity"] == "warning" and "推荐意见" in issue["message"]
    assert all(a["status"] == "通过" for a in s["applications"])
    # once the unit has its opinion scan, an unnamed stamped scan is only an attachment
    (unit / f"{UNIT}推荐意见（盖章）.pdf").write_bytes(PDF)
    s = _batch(tmp_path, campaign)
    files = {f["file"]: f for f in s["files"]}
    assert files[f"{UNIT}/市工信局盖章件.pdf"]["issues"] == []
    assert files[f"{UNIT}/{UNIT}推荐意见（盖章）.pdf"]["kind"] == "opinion-scan"


@pytest.mark.parametrize("pieces, ours", [
    (["推荐意见", "加盖公章", "推荐顺序", "申报单位", "标杆名称"], True),
    (["甲" * 390, "推荐", "意见", "加盖公章 推荐顺序 申报单位 标杆名称"], True),  # keyword split over runs, ends by 400
    (["甲" * 397, "推荐意见", "加盖公章 推荐顺序 申报单位 标杆名称"], False),  # keyword crosses the 400th character
    (["甲" * 500, "推荐意见", "加盖公章 推荐顺序 申报单位 标杆名称"], False),  # keyword only later: a 总结材料 quoting it
    (["推荐意见", "加盖公章", "推荐顺序", "申报单位"], False),  # a mark missing
    (["推荐意见"] + ["乙" * 300] * 40 + ["加盖公章 推荐顺序 申报单位 标杆名称"], True),  # marks far down the page
])
def test_an_unmarked_opinion_is_recognised_by_its_text(tmp_path, pieces, ours):
    """Without the toolkit's document property a 推荐意见 is known by its text: the campaign's keyword within the
    first 400 characters and every mark of the stamp area and table anywhere (own.py), however Word split the
    text into runs."""
    import io

    from docx import Document

    doc = Document()
    paragraph = doc.add_paragraph()
    for piece in pieces:
        paragraph.add_run(piece)
    buffer = io.BytesIO()
    doc.save(buffer)
    assert own_output(buffer.getvalue()) == ("推荐意见" if ours else None)
