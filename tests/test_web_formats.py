"""Disguised documents read by content (toolkit.extract.web via documents.extract_web): Word/Excel web pages,
single-file web pages (MHT) and Word 2003 XML, whatever their suffix, in the encodings Chinese Office writes."""
from __future__ import annotations

from html import escape

import pytest

from conftest import GOOD_VALUES, run_cli, soffice
from toolkit.extract import legacy, web
from toolkit.extract import sniff as S
from toolkit.extract.documents import from_docx
from toolkit.extract.registry import extract
from toolkit.wordcount import count_words
from toolkit.model import FORM, SUMMARY
from word_builders import excel_html, mht, word_html, wordml

SUMMARY_TEXT = "本公司推行六西格玛设计，成效显著。镕铖精工。"  # 镕 and 铖 are outside GB2312: Word still labels it gb2312
OVERVIEW = "河北华信精密机械有限公司成立于1998年，现有员工1300人。"
PUSH = "公司成立六西格玛推进办公室，设黑带12名、绿带85名。"
EFFECT = "质量损失率由2.1%降至0.8%。"

WORD_BODY = (
    "<p class=MsoTitle><b>2021年河北省工业企业质量标杆总结材料</b></p>\n"
    "<h1>一、质量标杆名称</h1>\n<p class=MsoNormal>河北华信精密机械有限公司实施六西格玛设计的经验</p>\n"
    "<p class=MsoListParagraph style='mso-list:l0 level1 lfo1'><![if !supportLists]><span>二、<span "
    "style='font:7.0pt \"Times New Roman\"'>&nbsp;&nbsp; </span></span><![endif]><b>摘要</b></p>\n"
    f"<p class=MsoNormal>{SUMMARY_TEXT[:10]}\r\n{SUMMARY_TEXT[10:]}<o:p></o:p></p>\n"
    "<p class=MsoNormal style='mso-outline-level:1'><b><span>三、企业概况</span></b></p>\n"
    f"<p class=MsoNormal>{OVERVIEW}</p><p class=MsoNormal style='display:none'>隐藏的文字</p>\n"
    "<p><b>四、管理方法（技术）的推进和应用情况</b></p>\n"
    f"<p>{PUSH}</p>\n<table border=1><tr><td rowspan=2>指标</td><td colspan=2>年度</td></tr>"
    "<tr><td>2019</td><td>2020</td></tr></table>\n"
    "<p><b>五、管理方法（技术）的实施效果</b></p>\n"
    f"<p>{EFFECT}<!--[if gte vml 1]><v:shape><v:imagedata src=x.png/></v:shape><![endif]-->"
    "<![if !vml]><img src=x.png><![endif]></p>\n"
)


def _assert_summary(extracted) -> None:
    assert extracted.kind == SUMMARY, extracted.issues
    found = extracted.summary.sections
    assert list(found) == ["质量标杆名称", "摘要", "企业概况", "管理方法（技术）的推进和应用情况", "管理方法（技术）的实施效果"]
    assert found["摘要"].text == SUMMARY_TEXT and found["摘要"].chars == count_words(SUMMARY_TEXT)
    assert found["企业概况"].text == OVERVIEW  # the hidden paragraph is not shown
    assert found["管理方法（技术）的推进和应用情况"].tables == 1
    assert found["管理方法（技术）的实施效果"].images == 1  # the VML copy of the picture is not counted again


ENCODED_PAGES = [
    ("gb2312 meta", lambda: word_html(WORD_BODY, charset="gb2312").encode("gb18030")),
    ("gbk meta", lambda: word_html(WORD_BODY, charset="gbk").encode("gbk")),
    ("utf-8 meta", lambda: word_html(WORD_BODY, charset="utf-8").encode("utf-8")),
    ("nothing declared, GB18030 bytes", lambda: word_html(WORD_BODY, charset="").replace(
        "<meta http-equiv=Content-Type content=\"text/html; charset=\">", "").encode("gb18030")),
]


@pytest.mark.parametrize("make", [e[1] for e in ENCODED_PAGES], ids=[e[0] for e in ENCODED_PAGES])
@pytest.mark.parametrize("name", ["1-华信-总结材料.doc", "1-华信-总结材料.htm"])
def test_word_web_page_read_natively(make, name, campaign, monkeypatch):
    monkeypatch.setattr(legacy, "soffice_path", lambda: None)  # no LibreOffice: the reading is our own
    _assert_summary(extract(make(), name, campaign))


@pytest.mark.parametrize("codec", ["utf-16", "utf-16-le"])
def test_utf16_word_page(codec, campaign, monkeypatch):
    """Word's "Unicode" web pages (UTF-16, with or without a BOM) are sniffed and read like the others."""
    monkeypatch.setattr(legacy, "soffice_path", lambda: None)
    data = word_html(WORD_BODY, charset="unicode").encode(codec)
    assert S.sniff(data, "总结材料.doc").type == S.HTML
    page = web.read_web(data, S.HTML, "总结材料.doc")
    _assert_summary(from_docx(page.document, "1-华信-总结材料.doc", campaign, "1-华信-总结材料.doc"))
    _assert_summary(extract(data, "1-华信-总结材料.doc", campaign))


@pytest.mark.parametrize("transfer, charset, codec", [("quoted-printable", "gb2312", "gb18030"),
                                                      ("base64", "utf-8", "utf-8")])
def test_mht_saved_as_doc(transfer, charset, codec, campaign, monkeypatch):
    monkeypatch.setattr(legacy, "soffice_path", lambda: None)
    page = word_html(WORD_BODY, charset=charset).encode(codec)
    data = mht([("file:///C:/D3F0/1-总结材料.htm", "text/html", page, charset),
                ("file:///C:/D3F0/1-总结材料.files/image001.png", "image/png", b"\x89PNG\r\n", "")], transfer=transfer)
    assert S.sniff(data, "a.doc").type == S.MHT
    _assert_summary(extract(data, "1-华信-总结材料.doc", campaign))


WORDML_STYLES = ('<w:style w:type="paragraph" w:default="on" w:styleId="a"><w:name w:val="Normal"/></w:style>'
                 '<w:style w:type="paragraph" w:styleId="1"><w:name w:val="heading 1"/><w:basedOn w:val="a"/>'
                 '<w:pPr><w:outlineLvl w:val="0"/></w:pPr><w:rPr><w:b/></w:rPr></w:style>')


def _ml_p(text: str, *, heading: bool = False) -> str:
    ppr = '<w:pPr><w:pStyle w:val="1"/></w:pPr>' if heading else ""
    return f"<w:p>{ppr}<w:r><w:t>{escape(text)}</w:t></w:r></w:p>"


WORDML_BODY = (
    _ml_p("2021年总结材料") + _ml_p("一、质量标杆名称", heading=True) + _ml_p("河北华信精密机械有限公司实施六西格玛设计的经验")
    + _ml_p("摘要", heading=True)
    + "<w:p><w:r><w:t>" + SUMMARY_TEXT[:10] + "</w:t></w:r>"
    + '<aml:annotation aml:id="1" w:type="Word.Deletion"><aml:content><w:r><w:delText>删掉的话</w:delText></w:r>'
      "</aml:content></aml:annotation>"
    + '<aml:annotation aml:id="2" w:type="Word.Insertion"><aml:content><w:r><w:t>' + SUMMARY_TEXT[10:]
    + "</w:t></w:r></aml:content></aml:annotation></w:p>"
    + '<aml:annotation aml:id="3" w:type="Word.Comment"><aml:content><w:p><w:r><w:t>审阅意见：请补充数据</w:t></w:r>'
      "</w:p></aml:content></aml:annotation>"
    + "<wx:sub-section>" + _ml_p("三、企业概况", heading=True) + _ml_p(OVERVIEW) + "</wx:sub-section>"
    + '<w:p><w:pPr><w:listPr><w:ilvl w:val="0"/><w:ilfo w:val="1"/></w:listPr></w:pPr><w:r><w:t>推进和应用情况</w:t>'
      "</w:r></w:p>" + _ml_p(PUSH)
    + '<w:tbl><w:tr><w:tc><w:tcPr><w:vmerge w:val="restart"/></w:tcPr>' + _ml_p("指标") + "</w:tc><w:tc>"
    + _ml_p("2020") + "</w:tc></w:tr><w:tr><w:tc><w:tcPr><w:vmerge/></w:tcPr><w:p/></w:tc><w:tc>" + _ml_p("99.3%")
    + "</w:tc></w:tr></w:tbl>"
    + _ml_p("五、管理方法（技术）的实施效果", heading=True)
    + "<w:p><w:r><w:t>" + EFFECT + "</w:t></w:r><w:r><w:pict><v:shape><v:imagedata src=\"wordml://1.png\"/>"
      "</v:shape></w:pict></w:r></w:p>"
)


@pytest.mark.parametrize("name", ["1-华信-总结材料.doc", "1-华信-总结材料.xml"])
def test_word_2003_xml_read_natively(name, campaign, monkeypatch):
    monkeypatch.setattr(legacy, "soffice_path", lambda: None)
    data = wordml(WORDML_BODY, WORDML_STYLES)
    assert S.sniff(data, name).type == S.WORDML
    extracted = extract(data, name, campaign)
    _assert_summary(extracted)
    assert "审阅意见" not in extracted.summary.sections["摘要"].text
    table = web.wordml_content(data).tables[0]
    assert [[c[2] for c in r] for r in table.rows] == [["restart", None], ["continue", None]]


# ---------------------------------------------------------------- Excel web pages -> workbook


def _td(text, span: int = 1) -> str:
    return f"<td{f' colspan={span}' if span > 1 else ''}>{escape(str(text))}</td>"


def form_table(values: dict = GOOD_VALUES, *, thousands: bool = False) -> str:
    """The 申请表 laid out like 附件1, as Excel writes it into a web page."""
    years = (2018, 2019, 2020)

    def number(v):
        return f"{v:,.2f}" if thousands and isinstance(v, float) else str(v)
    rows = [_td("2021年河北省工业企业质量标杆申请表", 6), _td("申报单位") + _td(values["申报单位"], 5),
            _td("所属行业") + _td(values["所属行业"], 2) + _td("所在地区") + _td(values["所在地区"], 2),
            _td("标杆名称") + _td(values["标杆名称"], 5), _td("摘  要") + _td(values["摘要"], 5),
            _td("联系人") + _td(values["联系人"]) + _td("电话") + _td(values["电话"]) + _td("手机") + _td(values["手机"]),
            _td("电子邮箱") + _td(values["电子邮箱"], 2) + _td("传真") + _td(values["传真"], 2),
            _td("通讯地址") + _td(values["通讯地址"], 5),
            "<td rowspan=6>基本情况</td>" + _td("年度") + "".join(_td(y) for y in years) + _td("")]
    labels = {"资产总额": "资产总额（万元）", "主营业收入": "主营业收入（万元）", "其他业务收入": "其他业务收入（万元）",
              "利润总额": "利润总额（万元）", "从业人员": "从业人员（人）"}
    for key, label in labels.items():
        rows.append(_td(label) + "".join(_td(number(values[key][y])) for y in years) + _td(""))
    return "<table border=1>" + "".join(f"<tr>{r}</tr>" for r in rows) + "</table>"


@pytest.mark.parametrize("name", ["1-华信-申请表.xls", "1-华信-申请表.doc", "申请表.htm"])
@pytest.mark.parametrize("charset, codec", [("utf-8", "utf-8"), ("gb2312", "gb18030")])
def test_excel_web_page_is_a_workbook_whatever_its_suffix(name, charset, codec, campaign, monkeypatch):
    monkeypatch.setattr(legacy, "soffice_path", lambda: None)
    data = excel_html([form_table(thousands=True)], ["申请表"], charset=charset).encode(codec)
    extracted = extract(data, name, campaign)
    assert extracted.kind == FORM, extracted.issues
    assert extracted.form.text("申报单位") == GOOD_VALUES["申报单位"]
    assert extracted.form.text("电话") == GOOD_VALUES["电话"]


def test_excel_page_grid_merges_and_sheet_names():
    second = "<table><tr><td>排序</td><td>申报单位</td></tr><tr><td>1</td><td>甲公司</td></tr></table>"
    page = web.read_web(excel_html([form_table(), second], ["申请表", "排序"]).encode("utf-8"), S.HTML, "a.xls")
    assert page.is_workbook and [s.name for s in page.workbook.sheets] == ["申请表", "排序"]
    sheet = page.workbook.sheets[0]
    assert (0, 0, 0, 5) in sheet.merged and (8, 0, 13, 0) in sheet.merged  # colspan 6; rowspan 6
    assert sheet.value(1, 1) == GOOD_VALUES["申报单位"] and sheet.value(12, 0) == "基本情况"
    assert sheet.value(12, 4) == "3650.25"  # 利润总额 2020, text as shown beside the spanned 基本情况 column
    assert page.workbook.sheets[1].rows == [["排序", "申报单位"], ["1", "甲公司"]]


def test_a_page_naming_no_sheet_is_named_after_its_file(tmp_path, monkeypatch):
    """A table-only page (LibreOffice's 'save as web page', a web system's export) names no worksheet: Excel and
    WPS open it as one sheet named after the file, and a message points there — '1-华信-申请表 B2 单元格', not
    'Sheet1 B2 单元格', a tab the clerk never sees."""
    monkeypatch.setattr(legacy, "soffice_path", lambda: None)
    blank = dict(GOOD_VALUES, 申报单位="")
    page = f"<html><body>{form_table(blank)}<table><tr><td>附注</td></tr></table></body></html>".encode()
    read = web.read_web(page, S.HTML, "唐山市工业和信息化局/1-华信-申请表.xls")
    assert [s.name for s in read.workbook.sheets] == ["1-华信-申请表", "表格2"]
    form = tmp_path / "1-华信-申请表.xls"
    form.write_bytes(page)
    out = run_cli("check", form).stdout  # (a real subprocess)
    [missing] = [line for line in out.splitlines() if "field.missing" in line]
    assert "［1-华信-申请表 B2 单元格］" in missing and "请在1-华信-申请表 B2 单元格填写“申报单位”" in missing, out
    assert "Sheet" not in out
    long = web.read_web(page, S.HTML, "某某某某某某某某某某某某某某某某某某某某有限公司[改]-申请表（最终版）.xls")
    assert len(long.workbook.sheets[0].name) == 31 and "[" not in long.workbook.sheets[0].name


def test_excel_mht_with_one_part_per_sheet(campaign, monkeypatch):
    monkeypatch.setattr(legacy, "soffice_path", lambda: None)
    main = ('<html xmlns:x="urn:schemas-microsoft-com:office:excel"><head><meta name=ProgId content=Excel.Sheet>'
            '<!--[if gte mso 9]><xml><x:ExcelWorkbook><x:ExcelWorksheets><x:ExcelWorksheet><x:Name>说明</x:Name>'
            '<x:WorksheetSource HRef="申请表.files/sheet001.htm"/></x:ExcelWorksheet><x:ExcelWorksheet>'
            '<x:Name>申请表</x:Name><x:WorksheetSource HRef="申请表.files/sheet002.htm"/></x:ExcelWorksheet>'
            '</x:ExcelWorksheets></x:ExcelWorkbook></xml><![endif]--></head><frameset><frame src="x"></frameset>'
            '</html>')
    note = "<html><body><table><tr><td>填表说明：请如实填写。</td></tr></table></body></html>"
    sheet = f"<html><body>{form_table()}</body></html>"
    tabs = "<html><body><table><tr><td><a href=sheet001.htm>说明</a></td></tr></table></body></html>"
    data = mht([("file:///C:/x/申请表.htm", "text/html", main.encode("gbk"), "gb2312"),
                ("file:///C:/x/申请表.files/sheet001.htm", "text/html", note.encode("gbk"), "gb2312"),
                ("file:///C:/x/申请表.files/sheet002.htm", "text/html", sheet.encode("gbk"), "gb2312"),
                ("file:///C:/x/申请表.files/tabstrip.htm", "text/html", tabs.encode("gbk"), "gb2312")])
    page = web.read_web(data, S.MHT, "申请表.xls")
    assert [s.name for s in page.workbook.sheets] == ["说明", "申请表"]
    extracted = extract(data, "1-华信-申请表.xls", campaign)
    assert extracted.kind == FORM and extracted.form.text("申报单位") == GOOD_VALUES["申报单位"]


def test_word_page_named_xls_is_a_document(campaign, monkeypatch):
    monkeypatch.setattr(legacy, "soffice_path", lambda: None)
    _assert_summary(extract(word_html(WORD_BODY).encode("utf-8"), "1-华信-总结材料.xls", campaign))


# ---------------------------------------------------------------- page headers and footers are not text

PAGE_MARGINS = [
    ("Word footer", "", "<div style='mso-element:footer' id=f1><p class=MsoFooter align=center>— 1 —</p></div>"),
    ("Word header", "", ("<div style='mso-element:header' id=h1><p class=MsoHeader>河北华信精密机械有限公司总结材料</p>"
                         "</div>")),  # (inline after the body, where Word's single-file pages keep it)
    ("LibreOffice footer", "", ('<div title="footer"><p align="right">— <sdfield type=PAGE subtype=RANDOM '
                                'format=PAGE>1</sdfield> —</p></div>')),
    ("LibreOffice header and footer", '<div title="header"><p>河北华信精密机械有限公司</p></div>',
     '<div title="Footer"><p>第 1 页</p></div>'),
]


@pytest.mark.parametrize("head, foot", [m[1:] for m in PAGE_MARGINS], ids=[m[0] for m in PAGE_MARGINS])
def test_page_headers_and_footers_of_a_web_page_are_not_counted(head, foot, campaign, monkeypatch):
    """A 总结材料 saved as a web page keeps its page header and footer as blocks of the page (LibreOffice: <div
    title="footer">; Word: mso-element:footer): not text of the document, as Word's 字数 leaves them out —
    before, '— 1 —' was counted into the last section (2003 字 of a section Word counts 2000)."""
    monkeypatch.setattr(legacy, "soffice_path", lambda: None)
    page = word_html(head + WORD_BODY + foot).encode("utf-8")
    _assert_summary(extract(page, "1-华信-总结材料.doc", campaign))
    assert extract(page, "1-华信-总结材料.doc", campaign).summary.sections["管理方法（技术）的实施效果"].text == EFFECT


def test_an_html5_footer_is_content(campaign, monkeypatch):
    """<footer> in a page a web editor wrote is part of what it says, and is counted."""
    monkeypatch.setattr(legacy, "soffice_path", lambda: None)
    page = word_html(WORD_BODY + "<footer><p>以上数据经第三方审核。</p></footer>").encode("utf-8")
    effect = extract(page, "1-华信-总结材料.doc", campaign).summary.sections["管理方法（技术）的实施效果"]
    assert effect.text == EFFECT + "\n以上数据经第三方审核。"


@pytest.mark.skipif(soffice() is None, reason="LibreOffice (soffice) not installed: cannot save a web page")
def test_a_summary_saved_as_a_web_page_by_libreoffice_counts_as_its_docx(tmp_path, campaign, make_summary):
    """A 总结材料 with a page header and a page-number footer, saved by LibreOffice as a web page and named .doc
    (as enterprises send it): every section's 字数 as in the .docx."""
    import subprocess

    import docx

    path = make_summary(tmp_path / "1-华信-总结材料.docx")
    document = docx.Document(str(path))
    section = document.sections[0]
    section.header.paragraphs[0].text = "河北华信精密机械有限公司"
    section.footer.paragraphs[0].text = "— 1 —"
    document.save(str(path))
    out = tmp_path / "html"
    subprocess.run([soffice(), f"-env:UserInstallation={(tmp_path / 'profile').as_uri()}", "--headless",
                    "--convert-to", "html:HTML (StarWriter)", "--outdir", str(out), str(path)],
                   capture_output=True, timeout=300, check=True)
    page = (out / "1-华信-总结材料.html").read_bytes()
    assert b'title="footer"' in page and b'title="header"' in page  # (how LibreOffice saves them)
    as_doc = extract(page, "1-华信-总结材料.doc", campaign).summary.sections
    as_docx = extract(path.read_bytes(), path.name, campaign).summary.sections
    assert {k: s.chars for k, s in as_doc.items()} == {k: s.chars for k, s in as_docx.items()}


# ---------------------------------------------------------------- what cannot be read: the real format and the steps

UNREADABLE = [
    ("mht without a page", mht([("file:///C:/x/a.png", "image/png", b"\x89PNG", "")]), "1-总结材料.doc",
     "单个文件网页", "Word 文档(*.docx)"),
    ("damaged Word 2003 XML", b'<?xml version="1.0"?><?mso-application progid="Word.Document"?><w:wordDocument '
                              b'xmlns:w="http://schemas.microsoft.com/office/word/2003/wordml"><w:body><w:p>',
     "1-总结材料.doc", "Word 2003 XML", "Word 文档(*.docx)"),
    ("Excel page without a table", excel_html([], ["申请表"]).encode("utf-8"), "1-申请表.xls", "网页（HTML）",
     "Excel 工作簿(*.xlsx)"),
]


@pytest.mark.parametrize("data, name, fmt, steps", [u[1:] for u in UNREADABLE], ids=[u[0] for u in UNREADABLE])
def test_unreadable_web_file_names_its_format_and_the_resave_steps(data, name, fmt, steps, campaign, monkeypatch):
    monkeypatch.setattr(legacy, "soffice_path", lambda: None)
    extracted = extract(data, name, campaign)
    assert [i.code for i in extracted.issues] == ["file.unreadable"]
    message = extracted.issues[0].message
    assert fmt in message and "另存为" in message and steps in message


def test_decode_text_encodings():
    text = "质量标杆镕"
    assert web.decode_text(f'<meta charset="gb2312">{text}'.encode("gb18030")).endswith(text)
    assert web.decode_text(text.encode("gbk"), "GBK") == text
    assert web.decode_text("\ufeff".encode("utf-8") + text.encode("utf-8")) == text
    assert web.decode_text(f"<p>{text}</p>".encode("utf-16-le")) == f"<p>{text}</p>"  # no BOM
    assert web.decode_text(text.encode("gb18030")) == text  # nothing declared, not UTF-8
