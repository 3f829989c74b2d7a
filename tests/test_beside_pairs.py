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


@pytest.mark.parametrize("suffix", ["xlsx", "xls", "et", "ods", "docx", "doc", "wps", "odt", "rtf", "XLSX"])
@pytest.mark.parametrize("data, said", [(PDF, "PDF 文件"), (PNG, "图片"), (JPG, "图片")])
def test_a_scan_under_an_office_suffix_is_said_to_be_one(campaign, suffix, data, said):
    """A PDF or a picture named as a workbook or a document ('申请表.xlsx' that is a scan, a printed PDF or a
    screenshot renamed) is not what its name promises: file.unsupported saying what it is and how to send it —
    before, an attachment no one was told of (the hostile-files audit). A 推荐意见 so named stays a stamped scan."""
    got = extract(data, f"1-华信-申请表.{suffix}", campaign, file=f"{UNIT}/1-华信-申请表.{suffix}")
    [issue] = got.issues
    assert (issue.code, issue.severity) == ("file.unsupported", "error")
    assert f"文件扩展名是 .{suffix.lower()}，但内容是{said}" in issue.message and "改为 ." in issue.message, issue.message
    assert extract(data, f"推荐意见.{suffix}", campaign).kind == "opinion-scan"


def test_a_form_sent_as_a_renamed_scan_is_named_where_the_form_is_missing(tmp_path, make_form, make_summary,
                                                                            campaign):
    """A pair whose 申请表.xlsx is a PDF: the file has its error, and the application's missing 申请表 names it
    (the clerk is led from the application to the file); nothing is lost: the file is in the receipt's list."""
    unit = tmp_path / "inbox" / UNIT
    make_summary(unit / "1-华信-总结材料.docx", enterprise="河北华信精密机械有限公司",
                 name="河北华信精密机械有限公司实施六西格玛设计的经验")
    (unit / "1-华信-申请表.xlsx").write_bytes(PDF)
    s = _batch(tmp_path, campaign)
    [issue] = {f["file"]: f for f in s["files"]}[f"{UNIT}/1-华信-申请表.xlsx"]["issues"]
    assert issue["code"] == "file.unsupported" and "内容是PDF 文件" in issue["message"]
    [app] = s["applications"]
    [missing] = [i for i in app["issues"] if i["code"] == "pair.missing-form"]
    assert "“1-华信-申请表.xlsx”" in missing["message"], missing["message"]
    assert app["status"] != "通过"


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


def _received_files(out):
    """The 回执's list of received files: {file: kind as the clerk reads it}."""
    import openpyxl

    sheet = openpyxl.load_workbook(out / "latest" / "回执" / f"{UNIT}-回执.xlsx")["收到的文件"]
    return {row[0]: row[1] for row in sheet.iter_rows(min_row=2, values_only=True) if row[0]}


def test_a_copied_output_folder_is_attachments_only(tmp_path, make_form, make_summary, campaign):
    """The clerk copies his unit's folder of outputs (回执, 推荐意见, 推荐排序表 and the status page index.html), and
    all of latest/ (summary.json, index.html and every unit's page), back into his folder, some renamed: nothing of
    it is an error, the pages and the summary are attachments listed in the 回执 like the documents, and the
    opinion stays final (SPEC §4.2)."""
    import shutil

    unit = tmp_path / "inbox" / UNIT
    _two_pairs(unit, make_form, make_summary)
    first = _batch(tmp_path, campaign)
    assert first["units"][0]["draft_reasons"] == []
    latest = tmp_path / "out" / "latest"
    shutil.copytree(latest / "单位" / UNIT, unit / "回执下载")
    shutil.copytree(latest, unit / "全部结果")
    (unit / "状态.htm").write_bytes((latest / "index.html").read_bytes())  # renamed copies: known by content
    (unit / "结果.txt").write_bytes((latest / "summary.json").read_bytes())
    second = _batch(tmp_path, campaign)
    copied = [f for f in second["files"] if f["file"] != f"{UNIT}/推荐排序表.xlsx"
              and not f["file"].startswith((f"{UNIT}/1-", f"{UNIT}/2-"))]
    pages = [f for f in copied if f["file"].endswith((".html", ".htm"))]
    assert len(pages) == 1 + 1 + 1 + len(campaign.units)  # 回执下载, 全部结果 and each unit's page there, 状态.htm
    assert [f for f in copied if f["issues"]] == []
    ranking_sheets = {f["file"] for f in copied if f["kind"] == "ranking"}  # (meant to come back: read as the order)
    assert {f["kind"] for f in copied if f["file"] not in ranking_sheets} == {"attachment"}
    for name in (f"{UNIT}/回执下载/index.html", f"{UNIT}/全部结果/index.html", f"{UNIT}/全部结果/summary.json",
                 f"{UNIT}/状态.htm", f"{UNIT}/结果.txt"):
        assert {f["file"]: f["kind"] for f in copied}[name] == "attachment", name
    assert [a["status"] for a in second["applications"]] == ["通过", "通过"]
    [status] = [u for u in second["units"] if u["unit"] == UNIT]
    assert status["file_errors"] == 0 and status["to_handle"] == 0 and status["draft_reasons"] == []
    listed = _received_files(tmp_path / "out")
    for name in (f"{UNIT}/回执下载/index.html", f"{UNIT}/全部结果/summary.json", f"{UNIT}/结果.txt"):
        assert listed[name] == "附件（扫描件、本工具生成的文件）", name


def test_pages_and_summary_carry_the_mark_and_are_known_without_it(tmp_path, make_form, make_summary, campaign):
    unit = tmp_path / "inbox" / UNIT
    _pair(unit, make_form, make_summary)
    _batch(tmp_path, campaign)
    latest = tmp_path / "out" / "latest"
    index, page = (latest / "index.html").read_bytes(), (latest / "单位" / UNIT / "index.html").read_bytes()
    summary = (latest / "summary.json").read_bytes()
    assert '<meta name="generator" content="质量标杆推荐工具生成">' in index.decode()
    assert json.loads(summary)["generator"] == "质量标杆推荐工具生成"
    assert own_output(index) == own_output(page) == "状态页"
    assert own_output(summary) == "summary.json"
    # written before the mark existed: a page by its title, a summary by its first fields
    unmarked = re.sub(rb'<meta name="generator"[^>]*>', b"", index)
    assert b"generator" not in unmarked and own_output(unmarked) == "状态页"
    assert own_output(re.sub(rb'\n "generator": [^\n]*', b"", summary)) == "summary.json"
    # the mark says it, not the name
    for data in (index, unmarked, summary):
        assert extract(data, "1-华信-申请表.xls", campaign).kind == "attachment"
    # others' pages and JSON are not ours
    assert own_output('<html><head><meta name="generator" content="Microsoft Excel 15"><title>推荐汇总状态</title>'
                      "</head><body></body></html>".encode()) is None
    assert own_output(b'{"campaign": "hebei-2021"}') is None


def test_an_enterprises_web_page_form_is_still_a_form(campaign, monkeypatch):
    """An 申请表 saved as a web page (.xls that is HTML) by Excel — which names itself in a generator meta of its
    own — or by a browser is read as a form, not taken for a status page of ours."""
    from test_web_formats import form_table
    from word_builders import excel_html

    from toolkit.extract import legacy

    monkeypatch.setattr(legacy, "soffice_path", lambda: None)
    page = excel_html([form_table()], ["申请表"])
    marked = page.replace("<meta name=ProgId content=Excel.Sheet>",
                          '<meta name=ProgId content=Excel.Sheet><meta name=Generator content="Microsoft Excel 15">')
    assert marked != page
    for data in (page, marked, page.replace("</head>", "<title>推荐汇总状态</title></head>")):
        assert own_output(data.encode()) is None
        extracted = extract(data.encode(), "1-华信-申请表.xls", campaign)
        assert extracted.kind == "form", extracted.issues
        assert extracted.form.text("申报单位") == "河北华信精密机械有限公司"


def _pdf(info: bytes, *, revisions: int = 1) -> bytes:
    """A small PDF with the document information ``info``, as written once (or updated ``revisions`` - 1 times)."""
    body = (b"%PDF-1.4\n1 0 obj\n<</Type/Catalog>>\nendobj\n2 0 obj\n<<" + info + b">>\nendobj\n"
            b"xref\n0 3\ntrailer\n<</Root 1 0 R/Info 2 0 R>>\nstartxref\n60\n%%EOF\n")
    for _ in range(revisions - 1):  # an incremental update (an electronic seal, a signature) adds a section
        body += b"3 0 obj\n<</Type/Sig>>\nendobj\nxref\n0 1\ntrailer\n<</Root 1 0 R/Prev 60>>\nstartxref\n200\n%%EOF\n"
    return body


def _hex(text: str) -> bytes:
    return b"<FEFF" + text.encode("utf-16-be").hex().upper().encode() + b">"


@pytest.mark.parametrize("info, revisions, ours", [
    (b"/Keywords" + _hex("推荐意见;草稿;质量标杆推荐工具生成") + b"/Producer" + _hex("LibreOffice 7.4"), 1, True),
    (b"/Keywords" + _hex("回执;质量标杆推荐工具生成") + b"/Producer(LibreOffice 24.2)", 1, True),
    # stamped electronically afterwards: the unit's own document now
    (b"/Keywords" + _hex("推荐意见;正式稿;质量标杆推荐工具生成") + b"/Producer" + _hex("LibreOffice 7.4"), 2, False),
    # written again by another program, or never ours
    (b"/Keywords" + _hex("推荐意见;正式稿;质量标杆推荐工具生成") + b"/Producer(Foxit PDF Editor)", 1, False),
    (b"/Keywords" + _hex("推荐意见") + b"/Producer" + _hex("LibreOffice 7.4"), 1, False),
    (b"/Producer(Canon iR-ADV C5535)", 1, False),
])
def test_a_pdf_is_ours_only_as_libreoffice_wrote_it(tmp_path, make_form, make_summary, campaign, info, revisions,
                                                     ours):
    data = _pdf(info, revisions=revisions)
    assert own_output(data) == ("PDF" if ours else None)
    unit = tmp_path / "inbox" / UNIT
    _pair(unit, make_form, make_summary)
    (unit / f"{UNIT}-推荐意见.pdf").write_bytes(data)
    s = _batch(tmp_path, campaign)
    entry = {f["file"]: f for f in s["files"]}[f"{UNIT}/{UNIT}-推荐意见.pdf"]
    assert entry["kind"] == ("attachment" if ours else "opinion-scan")
    assert s["units"][0]["stamped_opinion"] is not ours


@pytest.mark.skipif(soffice() is None, reason="LibreOffice (soffice) not installed; .ci/run installs it")
def test_our_pdfs_dropped_back_are_no_stamped_opinion(tmp_path, make_form, make_summary, campaign):
    """--pdf writes a PDF of each 推荐意见 and 回执: copied back (the unit folder as the clerk received it), the
    unstamped 推荐意见.pdf is an attachment, not the stamped opinion its name would make it."""
    import shutil

    unit = tmp_path / "inbox" / UNIT
    _pair(unit, make_form, make_summary)
    run(tmp_path / "inbox", tmp_path / "out", campaign, settle=0, workers=1, now=ON_TIME, pdf=True)
    shutil.copytree(tmp_path / "out" / "latest" / "单位" / UNIT, unit / "下载")
    for name in (f"{UNIT}-推荐意见.pdf", f"{UNIT}-回执.pdf"):  # the mark is their keyword
        assert own_output((unit / "下载" / name).read_bytes()) == "PDF", name
    s = _batch(tmp_path, campaign)
    files = {f["file"]: f for f in s["files"]}
    for name in (f"{UNIT}-推荐意见.pdf", f"{UNIT}-回执.pdf"):
        entry = files[f"{UNIT}/下载/{name}"]
        assert entry["kind"] == "attachment" and entry["issues"] == [], name
    assert s["units"][0]["stamped_opinion"] is False and s["units"][0]["draft_reasons"] == []


def test_our_opinion_pdf_renamed_as_stamped_is_told_it_is_unstamped(tmp_path, make_form, make_summary, campaign):
    """Our 推荐意见.pdf (--pdf) put back as '…推荐意见（盖章）.pdf' in a unit of two applications: the hint said its
    name had no '推荐意见' and asked to name it '本单位-推荐意见（盖章）.pdf' — as it was named. It now says the file
    is the toolkit's unstamped 推荐意见 and how to send a stamped one."""
    import shutil

    unit = tmp_path / "inbox" / UNIT
    _two_pairs(unit, make_form, make_summary)
    run(tmp_path / "inbox", tmp_path / "out", campaign, settle=0, workers=1, now=ON_TIME, pdf=True)
    shutil.copy(tmp_path / "out" / "latest" / "推荐意见" / f"{UNIT}-推荐意见.pdf", unit / f"{UNIT}-推荐意见（盖章）.pdf")
    s = _batch(tmp_path, campaign)
    entry = {f["file"]: f for f in s["files"]}[f"{UNIT}/{UNIT}-推荐意见（盖章）.pdf"]
    [hint] = entry["issues"]
    assert entry["kind"] == "attachment" and hint["severity"] == "warning"
    said = hint["message"]  # (what is wrong, then how to fix it)
    assert "本工具生成的推荐意见，没有盖章" in said and "签字盖章后扫描" in said
    assert "没有“推荐意见”" not in said and "请在文件名中加上" not in said
    assert s["units"][0]["stamped_opinion"] is False


needs_lo = pytest.mark.skipif(soffice() is None, reason="LibreOffice (soffice) not installed; .ci/run installs it")


@needs_lo
def test_outputs_saved_again_as_xls_or_ods_are_attachments(tmp_path, make_form, make_summary, campaign):
    """The 回执 and 省级汇总表 opened in LibreOffice (or Excel) and saved as .ods or Excel 97-2003 .xls, then put back:
    attachments, never a 推荐排序表 that overrides the unit's own (the 回执 lists every application beside its
    推荐顺序) nor a 申请表 with errors. The unit's edited ranking sheet still sets the order."""
    from toolkit.extract.legacy import convert

    unit = tmp_path / "inbox" / UNIT
    _two_pairs(unit, make_form, make_summary)
    first = _batch(tmp_path, campaign)
    assert {a["enterprise"]: a["rank"] for a in first["applications"]} == {
        "河北华信精密机械有限公司": 1, "河北恒达轴承有限公司": 2}
    latest = tmp_path / "out" / "latest"
    ranking = latest / "推荐排序表" / f"{UNIT}-推荐排序表.xlsx"
    import openpyxl
    book = openpyxl.load_workbook(ranking)
    sheet = book.worksheets[0]
    for row in sheet.iter_rows():
        names = [c.value for c in row]
        if "河北华信精密机械有限公司" in names:
            row[0].value = 2
        if "河北恒达轴承有限公司" in names:
            row[0].value = 1
    book.save(unit / f"{UNIT}-推荐排序表.xlsx")
    receipt = (latest / "回执" / f"{UNIT}-回执.xlsx").read_bytes()
    register = (latest / "省级汇总表.xlsx").read_bytes()
    saved = {f"{UNIT}-回执.ods": convert(receipt, "xlsx", "ods"), "回执（另存）.xls": convert(receipt, "xlsx", "xls"),
             "省级汇总表.ods": convert(register, "xlsx", "ods"), "省级汇总表.xls": convert(register, "xlsx", "xls")}
    for name, data in saved.items():
        (unit / name).write_bytes(data)
    second = _batch(tmp_path, campaign)
    files = {f["file"].split("/")[-1]: f for f in second["files"]}
    for name in saved:
        assert files[name]["kind"] == "attachment", (name, files[name])
        assert files[name]["issues"] == [], name
    assert files[f"{UNIT}-推荐排序表.xlsx"]["status"] == "current"
    assert {a["enterprise"]: (a["rank"], a["status"]) for a in second["applications"]} == {
        "河北华信精密机械有限公司": (2, "通过"), "河北恒达轴承有限公司": (1, "通过")}
