"""toolkit.extract.docx: blocks of a .docx, the 总结材料's sections and the 申请书's table."""
from __future__ import annotations

import io
import zipfile

import pytest
from docx import Document
from hypothesis import given, settings
from hypothesis import strategies as st

from conftest import soffice
from corpus import CONTENT, add_content_control, add_textbox, tiny_png
from toolkit.extract.docx import Block, match_heading, read_docx, read_sections, table_sheet
from toolkit.extract.registry import extract
from toolkit.extract.safety import UnsafeFile
from toolkit.wordcount import count_words
from toolkit.model import APPLICATION_DOC, SUMMARY

W_NS = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'


def docx_bytes(doc) -> bytes:
    buf = io.BytesIO()
    doc.save(buf)
    return buf.getvalue()


def raw_docx(body: str, styles: str | None = None) -> bytes:
    """A minimal .docx whose body is ``body`` (WordprocessingML without the w: namespace declaration)."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        zf.writestr("[Content_Types].xml", "<Types/>")
        zf.writestr("word/document.xml", f"<w:document {W_NS}><w:body>{body}</w:body></w:document>")
        if styles is not None:
            zf.writestr("word/styles.xml", f"<w:styles {W_NS}>{styles}</w:styles>")
    return buf.getvalue()


def p(text: str, *, bold: bool = False, style: str = "") -> str:
    ppr = f'<w:pPr><w:pStyle w:val="{style}"/></w:pPr>' if style else ""
    rpr = "<w:rPr><w:b/></w:rPr>" if bold else ""
    return f"<w:p>{ppr}<w:r>{rpr}<w:t xml:space=\"preserve\">{text}</w:t></w:r></w:p>"


def sections_of(data: bytes, campaign) -> dict:
    return {k: s for k, s in read_sections(read_docx(data).blocks, campaign).sections.items()}


# ---------------------------------------------------------------- headings


HEADINGS = [
    ("1. 质量标杆名称（40字以内）", "质量标杆名称"),
    ("1．质量标杆名称", "质量标杆名称"),
    ("一、摘要（500字以内）", "摘要"),
    ("（三）企业概况", "企业概况"),
    ("(3) 企业概况（500字以内）", "企业概况"),
    ("三、企 业 概 况", "企业概况"),
    ("4 管理方法（技术）的推进和应用情况（8000字以内）", "管理方法（技术）的推进和应用情况"),
    ("四、管理方法的推进和应用情况", "管理方法（技术）的推进和应用情况"),
    ("5、管理方法（技术）的实施效果（2000字以内）", "管理方法（技术）的实施效果"),
    ("第五部分 管理方法（技术）的实施效果", "管理方法（技术）的实施效果"),
    ("⑤管理方法(技术)的实施效果", "管理方法（技术）的实施效果"),
    ("（二）证实性材料内容（选择性提供）", "证实性材料"),
]


@pytest.mark.parametrize("text, key", HEADINGS)
def test_numbered_headings(text, key, campaign):
    spec, inline = match_heading(Block("p", text=text), campaign)
    assert spec is not None and spec.key == key and inline == ""


@pytest.mark.parametrize("text", ["摘要如下：本公司……", "企业概况方面，公司始建于1958年。", "实施效果显著，质量损失率下降。",
                                  "（一）建立质量风险管理组织", "质量标杆名称应体现典型经验的特征"])
def test_sentences_are_not_headings(text, campaign):
    assert match_heading(Block("p", text=text), campaign)[0] is None


def test_short_synonym_needs_a_strong_heading(campaign):
    assert match_heading(Block("p", text="实施效果"), campaign)[0] is None
    assert match_heading(Block("p", text="实施效果", bold=True), campaign)[0].key == "管理方法（技术）的实施效果"
    assert match_heading(Block("p", text="实施效果", numbered=True), campaign)[0].key == "管理方法（技术）的实施效果"


def test_heading_with_inline_content(campaign):
    spec, inline = match_heading(Block("p", text="（一）质量标杆名称：某公司实施六西格玛设计的经验"), campaign)
    assert spec.key == "质量标杆名称" and inline == "某公司实施六西格玛设计的经验"


def test_numbering_defined_in_a_style_counts(campaign):
    """'List Number' numbers its paragraphs from the style (no numPr on the paragraph)."""
    doc = Document()
    doc.add_paragraph("企业简介", style="List Number")
    doc.add_paragraph("公司始建于1958年。")
    doc.add_paragraph("实施效果", style="List Number")
    doc.add_paragraph("质量损失率下降41%。")
    found = sections_of(docx_bytes(doc), campaign)
    assert list(found) == ["企业概况", "管理方法（技术）的实施效果"]


def test_style_inheritance_and_default_style(campaign):
    styles = ('<w:style w:type="paragraph" w:default="1" w:styleId="a"><w:name w:val="Normal"/></w:style>'
              '<w:style w:type="paragraph" w:styleId="Base"><w:name w:val="我的标题基础"/>'
              '<w:rPr><w:b/></w:rPr></w:style>'
              '<w:style w:type="paragraph" w:styleId="Mine"><w:name w:val="我的标题"/>'
              '<w:basedOn w:val="Base"/></w:style>')
    body = p("摘要", style="Mine") + p("正文一。") + p("实施效果", style="Mine") + p("正文二。")
    found = sections_of(raw_docx(body, styles), campaign)
    assert list(found) == ["摘要", "管理方法（技术）的实施效果"]


def test_heading_styles_in_chinese_word(campaign):
    styles = '<w:style w:type="paragraph" w:styleId="1"><w:name w:val="heading 1"/></w:style>'
    body = p("企业简介", style="1") + p("公司始建于1958年。") + p("实施效果", style="1") + p("成效。")
    assert list(sections_of(raw_docx(body, styles), campaign)) == ["企业概况", "管理方法（技术）的实施效果"]


# ---------------------------------------------------------------- content and 字数


def test_typed_table_of_contents_is_not_the_sections(campaign):
    doc = Document()
    doc.add_paragraph("目  录")
    for line in ("一、质量标杆名称", "二、摘要", "三、企业概况"):
        doc.add_paragraph(line)
    doc.add_paragraph("正文")
    doc.add_paragraph("一、质量标杆名称")
    doc.add_paragraph("某公司实施六西格玛设计的经验")
    doc.add_paragraph("二、摘要")
    doc.add_paragraph(CONTENT["摘要"][0])
    doc.add_paragraph("三、企业概况")
    doc.add_paragraph(CONTENT["企业概况"][0])
    found = sections_of(docx_bytes(doc), campaign)
    assert found["质量标杆名称"].text == "某公司实施六西格玛设计的经验"
    assert found["摘要"].chars == count_words(CONTENT["摘要"][0])
    assert found["企业概况"].text == CONTENT["企业概况"][0]


def test_text_box_counted_once(campaign):
    """Word writes a text box twice (drawingML and a VML fallback): its text counts once."""
    doc = Document()
    doc.add_paragraph("企业概况", style="Heading 1")
    add_textbox(doc.add_paragraph("见下框。"), ["框内文字一。", "框内文字二。"], 7)
    section = sections_of(docx_bytes(doc), campaign)["企业概况"]
    assert section.chars == count_words("见下框。框内文字一。框内文字二。")


FOOTNOTE_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"


def with_notes(data: bytes, notes: dict[str, str], refs: dict[str, str]) -> bytes:
    """``data`` (a python-docx .docx) with a footnote (``kind`` 'footnote') or endnote ('endnote') of text
    notes[kind] whose reference mark follows the run holding refs[kind], as Word writes them (separator notes
    -1 and 0 included)."""
    members = {}
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        for info in zf.infolist():
            raw = zf.read(info.filename)
            members[info.filename] = raw.decode("utf-8") if info.filename.endswith((".xml", ".rels")) else raw
    body = members["word/document.xml"]
    for kind, anchor in refs.items():
        end = body.index("</w:r>", body.index(anchor)) + len("</w:r>")
        body = body[:end] + f'<w:r><w:{kind}Reference w:id="1"/></w:r>' + body[end:]
        separators = "".join(f'<w:{kind} w:type="{t}" w:id="{i}"><w:p><w:r><w:separator/></w:r></w:p></w:{kind}>'
                             for i, t in ((-1, "separator"), (0, "continuationSeparator")))
        members[f"word/{kind}s.xml"] = (
            f'<w:{kind}s xmlns:w="{FOOTNOTE_NS}">{separators}<w:{kind} w:id="1"><w:p><w:r><w:{kind}Ref/></w:r>'
            f'<w:r><w:t xml:space="preserve"> {notes[kind]}</w:t></w:r></w:p></w:{kind}></w:{kind}s>')
        members["word/_rels/document.xml.rels"] = members["word/_rels/document.xml.rels"].replace(
            "</Relationships>", f'<Relationship Id="rId{kind}" Type="http://schemas.openxmlformats.org/officeDocument'
            f'/2006/relationships/{kind}s" Target="{kind}s.xml"/></Relationships>')
        members["[Content_Types].xml"] = members["[Content_Types].xml"].replace(
            "</Types>", f'<Override PartName="/word/{kind}s.xml" ContentType="application/vnd.openxmlformats-'
            f'officedocument.wordprocessingml.{kind}s+xml"/></Types>')
    members["word/document.xml"] = body
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        for name, text in members.items():
            zf.writestr(name, text)
    return buf.getvalue()


def _noted_summary() -> tuple[bytes, dict]:
    """A 总结材料 whose 摘要 has a footnote and whose 实施效果 has an endnote; the 字数 Word counts per section."""
    doc = Document()
    texts = {"摘要": "公司导入六西格玛设计，合格率由97.1%提升到99.3%。", "企业概况": "公司成立于2003年，位于石家庄市。",
             "管理方法（技术）的实施效果": "开发周期缩短30%，质量损失率降至0.8%。"}
    for key, text in texts.items():
        doc.add_paragraph(key, style="Heading 1")
        doc.add_paragraph(text)
    notes = {"footnote": "数据来源：公司质量部2020年度质量报告", "endnote": "经第三方机构审计"}
    data = with_notes(docx_bytes(doc), notes, {"footnote": "97.1%", "endnote": "缩短30%"})
    want = {"摘要": count_words(texts["摘要"] + notes["footnote"]), "企业概况": count_words(texts["企业概况"]),
            "管理方法（技术）的实施效果": count_words(texts["管理方法（技术）的实施效果"] + notes["endnote"])}
    return data, want


def test_footnotes_and_endnotes_count_in_the_section_of_their_mark(campaign):
    """Word's 字数 counts footnotes and endnotes (字数统计 → 包括文本框、脚注和尾注, on by default, the same box that
    counts text boxes): a note counts in the section that holds its reference mark; separators count nothing."""
    data, want = _noted_summary()
    found = sections_of(data, campaign)
    assert {key: found[key].chars for key in want} == want


@pytest.mark.skipif(soffice() is None, reason="LibreOffice (soffice) not installed; .ci/run installs it")
@pytest.mark.parametrize("suffix", ["odt", "doc"])
def test_footnotes_of_a_document_saved_by_libreoffice_count(campaign, suffix):
    """The same 总结材料 saved by LibreOffice Writer as .odt / .doc (read through LibreOffice's .docx): the notes
    still count in their sections."""
    from toolkit.extract.legacy import convert

    data, want = _noted_summary()
    saved = convert(data, "docx", suffix)
    ex = extract(saved, f"总结材料.{suffix}", campaign)
    assert ex.kind == SUMMARY, ex.issues
    assert {key: ex.summary.sections[key].chars for key in want} == want


def test_content_control_and_images(campaign):
    doc = Document()
    doc.add_paragraph("企业概况", style="Heading 1")
    add_content_control(doc, ["控件中的文字。"])
    doc.add_paragraph("实施效果", style="Heading 1")
    doc.add_picture(io.BytesIO(tiny_png()))
    doc.add_paragraph("图1 说明")
    found = sections_of(docx_bytes(doc), campaign)
    assert found["企业概况"].text == "控件中的文字。"
    assert (found["管理方法（技术）的实施效果"].images, found["管理方法（技术）的实施效果"].chars) == (1, 4)


def test_tracked_changes_count_what_is_shown(campaign):
    body = (p("摘要", bold=True)
            + "<w:p><w:r><w:t>保留</w:t></w:r><w:del w:id=\"1\" w:author=\"a\"><w:r><w:delText>删除了</w:delText>"
              "</w:r></w:del><w:ins w:id=\"2\" w:author=\"a\"><w:r><w:t>新增</w:t></w:r></w:ins></w:p>")
    assert sections_of(raw_docx(body), campaign)["摘要"].text == "保留新增"


def test_layout_table_sections(campaign):
    """The whole 总结材料 in a table: headings in the first column, or a full-width row above the content."""
    doc = Document()
    table = doc.add_table(rows=4, cols=2)
    table.cell(0, 0).text = "摘要（500字以内）"
    table.cell(0, 1).text = "摘要正文。"
    table.cell(1, 0).text = "企业概况"
    table.cell(1, 1).text = "概况正文。"
    table.cell(2, 0).merge(table.cell(2, 1)).text = "管理方法（技术）的实施效果"
    body = table.cell(3, 0).merge(table.cell(3, 1))
    body.text = "效果正文。"
    body.add_paragraph().add_run().add_picture(io.BytesIO(tiny_png()))
    doc.add_paragraph()
    found = sections_of(docx_bytes(doc), campaign)
    assert {k: (s.text, s.images, s.tables) for k, s in found.items()} == {
        "摘要": ("摘要正文。", 0, 0), "企业概况": ("概况正文。", 0, 0),
        "管理方法（技术）的实施效果": ("效果正文。", 1, 0)}


def test_a_content_table_stays_in_its_section(campaign):
    doc = Document()
    doc.add_paragraph("实施效果", style="Heading 1")
    table = doc.add_table(rows=2, cols=2)
    for r, row in enumerate([["指标", "2020年"], ["合格率", "99.3%"]]):
        for c, text in enumerate(row):
            table.cell(r, c).text = text
    section = sections_of(docx_bytes(doc), campaign)["管理方法（技术）的实施效果"]
    assert (section.tables, section.chars) == (1, count_words("指标 2020年 合格率 99.3%"))


# ---------------------------------------------------------------- the 申请书 table


def test_table_sheet_merges():
    doc = Document()
    table = doc.add_table(rows=3, cols=3)
    table.cell(0, 0).text = "申报单位"
    table.cell(0, 1).merge(table.cell(0, 2)).text = "某公司"
    table.cell(1, 0).merge(table.cell(2, 0)).text = "基本情况"
    table.cell(1, 1).text = "年度"
    content = read_docx(docx_bytes(doc))
    sheet = table_sheet(content.tables[0], label="申请表（第1个表格）")
    assert sheet.value(0, 2) == "某公司" and sheet.anchor(0, 2) == (0, 1)
    assert sheet.value(2, 0) == "基本情况" and sheet.anchor(2, 0) == (1, 0)
    assert sheet.location(0, 1) == "申请表（第1个表格）第1行第2列"


def test_a_word_table_cell_is_numbered_as_word_counts_a_rows_cells():
    """A cell's column in a message is its place among the row's cells as the clerk counts them in Word — a merged
    cell (gridSpan) once — not its place on the hidden grid: the 5th cell of a row whose 2nd spans three grid
    columns is '第5列' (before, '第7列'); the location reads back to the cell."""
    from toolkit.extract.grid import Workbook

    doc = Document()
    table = doc.add_table(rows=2, cols=7)
    row = table.rows[0].cells
    row[0].text = "2020年利润总额"
    row[1].merge(row[3]).text = "说明"
    for c, text in ((4, "甲"), (5, "乙"), (6, "-5")):
        row[c].text = text
    table.cell(1, 0).merge(table.cell(1, 6)).text = "一个跨整行的单元格"
    sheet = table_sheet(read_docx(docx_bytes(doc)).tables[0], label="申请表（第1个表格）")
    places = [sheet.location(0, c).removeprefix("申请表（第1个表格）") for c in range(7)]
    assert places == ["第1行第1列", "第1行第2列", "第1行第2列", "第1行第2列", "第1行第3列", "第1行第4列", "第1行第5列"]
    assert sheet.location(1, 6) == "申请表（第1个表格）第2行第1列"
    book = Workbook(sheets=[sheet])
    assert book.cell_at("申请表（第1个表格）第1行第5列") == (sheet, 0, 6)
    assert book.cell_at("申请表（第1个表格）第1行第2列")[1:] in ((0, 1), (0, 2), (0, 3))
    assert book.cell_at("申请表（第1个表格）第1行第6列") is None


def test_application_doc_stamp_hint_and_source(campaign):
    doc = Document()
    table = doc.add_table(rows=5, cols=2)
    for r, (label, value) in enumerate([("申报单位", "某某有限公司\n（加盖公章）"), ("所属行业", "医药制造业"),
                                        ("所在地区", "石家庄市"), ("标杆名称", "某某有限公司实施精益生产的经验"),
                                        ("联系人", "张三")]):
        table.cell(r, 0).text = label
        table.cell(r, 1).text = value
    doc.add_paragraph()
    extracted = extract(docx_bytes(doc), "申请书.docx", campaign)
    assert extracted.kind == APPLICATION_DOC and extracted.form.source == "docx-table"
    assert extracted.form.fields["申报单位"].value == "某某有限公司"
    assert extracted.form.fields["申报单位"].text == "某某有限公司\n（加盖公章）"


def test_summary_kind(campaign):
    doc = Document()
    for key in ("摘要", "企业概况"):
        doc.add_paragraph(key, style="Heading 1")
        doc.add_paragraph("正文。")
    assert extract(docx_bytes(doc), "总结材料.docx", campaign).kind == SUMMARY


# ---------------------------------------------------------------- hostile XML


@pytest.mark.parametrize("part", ["word/document.xml", "word/styles.xml"])
def test_doctype_anywhere_is_refused(part):
    late = "<!--" + "x" * 5000 + "-->"
    xml = f'<?xml version="1.0"?>{late}<!DOCTYPE d [<!ENTITY a "aa">]><w:document {W_NS}><w:body/></w:document>'
    members = {"word/document.xml": f"<w:document {W_NS}><w:body/></w:document>", part: xml}
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        for name, data in members.items():
            zf.writestr(name, data)
    with pytest.raises(UnsafeFile):
        read_docx(buf.getvalue())


def test_application_cover_that_disagrees_with_its_table_is_flagged(tmp_path):
    from docx import Document

    from corpus import build_application
    from toolkit.campaign import load_campaign
    from toolkit.extract.registry import extract

    campaign = load_campaign()
    case = build_application(tmp_path)
    clean = extract(case.path.read_bytes(), case.path.name, campaign)
    assert clean.kind == "application-doc" and not [i for i in clean.issues if i.code == "mismatch"]
    doc = Document(case.path)
    cover = next(p for p in doc.paragraphs if p.text.startswith("标  杆  名  称："))
    for run in cover.runs[1:]:
        run.text = ""
    cover.runs[0].text = "标  杆  名  称：华北制药集团有限责任公司推行六西格玛的经验"
    changed = tmp_path / "changed.docx"
    doc.save(changed)
    ex = extract(changed.read_bytes(), changed.name, campaign)
    [issue] = [i for i in ex.issues if i.code == "mismatch"]
    assert issue.severity == "warning" and issue.location == "申请书封面" and issue.field == "标杆名称"
    assert "推行六西格玛的经验" in issue.message


_WORD_PIECES = st.text(alphabet=st.sampled_from(["质", "量", "，", "。", "A", "b", "7", "-", " ", "\u3000", "\n", "\t",
                                                 "\u200b", "\u00ad", "（", "“", "😀", "𠀀"]), max_size=15)


@given(parts=st.lists(_WORD_PIECES, max_size=8))
@settings(max_examples=500, deadline=None)
def test_the_count_of_texts_joined_by_line_breaks_is_the_sum_of_their_counts(parts):
    """What read_sections relies on to count each block once: a line break ends a word, so Word's 字数 of a
    section (its blocks joined by line breaks) is the sum of its blocks' counts."""
    assert count_words("\n".join(parts)) == sum(count_words(p) for p in parts)


@given(paragraphs=st.lists(_WORD_PIECES.filter(lambda t: "\n" not in t), min_size=1, max_size=6),
       tables=st.integers(min_value=0, max_value=2))
@settings(max_examples=40, deadline=None)
def test_a_sections_count_is_the_count_of_its_text(campaign, paragraphs, tables):
    """Each section's 字数 equals Word's count of the section's text as read (paragraphs, tables, the inline
    text after a heading), for a real document written by python-docx."""
    doc = Document()
    doc.add_paragraph("质量标杆名称：河北某公司推行精益生产的经验", style="Heading 1")
    doc.add_paragraph("摘要", style="Heading 1")
    for text in paragraphs:
        doc.add_paragraph(text)
    for _ in range(tables):
        table = doc.add_table(rows=1, cols=2)
        table.cell(0, 0).text, table.cell(0, 1).text = paragraphs[0], "合格率 99.3%"
    doc.add_paragraph("企业概况：河北某公司成立于1998年。", style="Heading 1")
    buffer = io.BytesIO()
    doc.save(buffer)
    summary = extract(buffer.getvalue(), "总结材料.docx", campaign, file="总结材料.docx").summary
    assert {"摘要", "企业概况"} <= set(summary.sections)
    for section in summary.sections.values():
        assert section.chars == count_words(section.text), section
