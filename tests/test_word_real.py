"""toolkit.extract.docx reads a .docx as Word shows it: revisions accepted, every text once, Strict namespaces,
the main part found by relationship, altChunk parts, list numbers from numbering.xml; 字数 on that text."""
from __future__ import annotations

import io
import zipfile
import zlib

import pytest
from docx import Document

from conftest import soffice
from toolkit.extract import legacy
from toolkit.extract.docx import format_number, read_docx, read_sections
from toolkit.extract.registry import extract
from toolkit.wordcount import count_words
from toolkit.model import SUMMARY, WARNING
from word_builders import (W, bold_p, cell, complex_field, deleted, ins, move_from, move_to, mht, numbering, p,
                           package, row, run, sdt, simple_field, style, table, textbox_alternate, textbox_vml,
                           word_html)

SUMMARY_TEXT = "本公司推行六西格玛设计，成效显著。"
OVERVIEW = "河北华信精密机械有限公司成立于1998年，现有员工1300人。"
EFFECT = "实施以来质量损失率由2.1%降至0.8%，新产品开发周期缩短30%。"


def paragraphs(data: bytes) -> list[str]:
    return [b.shown for b in read_docx(data).blocks if b.kind == "p" and b.shown]


def sections(data: bytes, campaign) -> dict:
    return read_sections(read_docx(data).blocks, campaign).sections


def three_sections(overview_body: str) -> str:
    """摘要, 企业概况 (whose content is ``overview_body``), 实施效果, as bold headings."""
    return (bold_p("一、摘要") + p(SUMMARY_TEXT) + bold_p("二、企业概况") + overview_body
            + bold_p("三、管理方法（技术）的实施效果") + p(EFFECT))


# ---------------------------------------------------------------- 1. revisions (ECMA-376 Part 1 §17.13)

REVISIONS = [
    ("insertion kept, deletion dropped", p("保留", deleted("删除了"), ins(run("新增"))), ["保留新增"]),
    ("moved paragraph: shown where it was moved to",
     p(move_from("移走的段落"), mark="moveFrom") + p("原有段落") + p(move_to("移走的段落")),
     ["原有段落", "移走的段落"]),
    ("paragraph deleted with its mark", p(deleted("整段删除"), mark="del") + p("下一段"), ["下一段"]),
    ("deleted paragraph mark joins the next paragraph", p("前半句，", mark="del") + p("后半句。"), ["前半句，后半句。"]),
    ("inserted paragraph", p(ins(run("新加的一段")), mark="ins"), ["新加的一段"]),
    ("revisions in a table cell and a deleted row",
     table(row(cell(p("表头", deleted("旧"), ins(run("新"))))), row(cell(p("删除的行")), deleted_row=True),
           row(cell(p("保留的行"))))
     + p("后文"), ["表头新", "保留的行", "后文"]),
    ("revisions in a text box", p("正文", textbox_alternate([]).replace("<w:txbxContent></w:txbxContent>",
                                                                     "<w:txbxContent>" + p("框内", deleted("删"), ins(run("增")))
                                                                     + "</w:txbxContent>")),
     ["正文", "框内增"]),
]


@pytest.mark.parametrize("body, expected", [r[1:] for r in REVISIONS], ids=[r[0] for r in REVISIONS])
def test_revisions_accepted(body, expected):
    data = package(body)
    blocks = read_docx(data).blocks
    texts = [b.shown for b in blocks if b.kind == "p" and b.shown]
    for tbl in (b for b in blocks if b.kind == "tbl"):
        texts[0:0] = [c[0] for r in tbl.rows for c in r]
    assert sorted(texts) == sorted(expected)


def test_moved_paragraph_counts_in_the_section_it_moved_to(campaign):
    moved = "建立了覆盖设计、工艺、制造全过程的质量数据平台。"
    body = (bold_p("一、摘要") + p(SUMMARY_TEXT) + p(move_from(moved), mark="moveFrom")
            + bold_p("二、企业概况") + p(OVERVIEW) + p(move_to(moved)))
    found = sections(package(body), campaign)
    assert found["摘要"].text == SUMMARY_TEXT and found["摘要"].chars == count_words(SUMMARY_TEXT)
    assert found["企业概况"].text == f"{OVERVIEW}\n{moved}"
    assert found["企业概况"].chars == count_words(OVERVIEW + moved)


# ---------------------------------------------------------------- 2. every text once

BOX = ["框内文字一。", "框内文字二。"]
ONCE = [
    ("text box: DrawingML choice and VML fallback are one box", p("见下框。", textbox_alternate(BOX)),
     "见下框。\n框内文字一。\n框内文字二。"),
    ("bare VML text box", p("见下框。", textbox_vml(BOX)), "见下框。\n框内文字一。\n框内文字二。"),
    ("text box in a table cell", table(row(cell(p("单元格", textbox_alternate(["格中框"]))))),
     "单元格\n格中框"),
    ("block content control", sdt(p("控件中的文字。")), "控件中的文字。"),
    ("run content control", p("前文", sdt(run("控件内")), "后文"), "前文控件内后文"),
    ("cell content control", table(f"<w:tr>{sdt(cell(p('格中控件')))}{cell(p('普通格'))}</w:tr>"), "格中控件\t普通格"),
    ("row content control", table(sdt(row(cell(p("整行控件"))))), "整行控件"),
    ("placeholder of an empty content control is not text", p("已填") + sdt(p("单击或点击此处输入文字。"), placeholder=True),
     "已填"),
    ("simple field: result kept", p("共", simple_field("NUMPAGES", "12"), "页"), "共12页"),
    ("complex field: instruction dropped, result kept",
     p("见", complex_field('HYPERLINK "http://example.cn/a b"', "公司网站"), "。"), "见公司网站。"),
    ("nested field inside an instruction is not shown",
     p(complex_field("IF 1 = 1 ", "是").replace('<w:r><w:fldChar w:fldCharType="separate"/>',
                                               complex_field("PAGE", "7") + '<w:r><w:fldChar w:fldCharType="separate"/>', 1)),
     "是"),
    ("smart tag, custom XML and hyperlink wrappers",
     p('<w:smartTag w:uri="urn:x" w:element="place">' + run("石家庄") + "</w:smartTag>",
       '<w:customXml w:element="x">' + run("高新区") + "</w:customXml>",
       '<w:hyperlink r:id="rIdNone">' + run("示例路") + "</w:hyperlink>"), "石家庄高新区示例路"),
    ("nested table inside a content table", table(row(cell(p("外层"), table(row(cell(p("内层一")), cell(p("内层二"))))))),
     "外层\n内层一\t内层二"),
]


@pytest.mark.parametrize("content, expected", [r[1:] for r in ONCE], ids=[r[0] for r in ONCE])
def test_every_text_counted_once(content, expected, campaign):
    section = sections(package(three_sections(content)), campaign)["企业概况"]
    assert section.text == expected
    assert section.chars == count_words(expected)


def test_layout_table_with_headings_inside_its_cells(campaign):
    """The whole 总结材料 typed inside one table cell: headings are paragraphs of that cell."""
    inner = (bold_p("一、摘要") + p(SUMMARY_TEXT) + bold_p("二、企业概况") + p(OVERVIEW)
             + bold_p("三、管理方法（技术）的实施效果") + p(EFFECT))
    found = sections(package(p("总结材料") + table(row(cell(inner)))), campaign)
    assert [found[k].text for k in ("摘要", "企业概况", "管理方法（技术）的实施效果")] == [SUMMARY_TEXT, OVERVIEW, EFFECT]


def test_heading_framed_in_a_one_cell_table(campaign):
    body = (table(row(cell(p("一、摘要")))) + p(SUMMARY_TEXT) + table(row(cell(p("二、企业概况")))) + p(OVERVIEW))
    found = sections(package(body), campaign)
    assert (found["摘要"].text, found["企业概况"].text) == (SUMMARY_TEXT, OVERVIEW)
    assert found["企业概况"].tables == 0


# ---------------------------------------------------------------- 3. Strict Open XML, 4. main part by relationship

STYLES = (style("Normal", "Normal") + style("Heading1", "heading 1", outline=0, bold=True)
          + style("ListHeading", "List Heading", num=("2", 0), based_on="Normal"))
LISTS = numbering(("1", "10", [("chineseCounting", "%1、"), ("chineseCounting", "（%2）")]),
                  ("2", "20", [("decimal", "%1.")]))
RICH_BODY = (p("2021年总结材料", style="Heading1")
             + p("摘要", num=("1", 0)) + p(SUMMARY_TEXT, "（", simple_field("PAGE", "1"), "）")
             + p("企业概况", num=("1", 0)) + p("概况", num=("1", 1)) + p(OVERVIEW, textbox_alternate(["框中一句。"]))
             + p("实施效果", style="Heading1") + p("保留", deleted("删"), ins(run("新增"))))


@pytest.mark.parametrize("variant", [{}, {"strict": True}, {"main": "word/document2.xml"},
                                     {"main": "content/body.xml", "strict": True}],
                         ids=["transitional", "strict", "word-for-the-web", "strict-elsewhere"])
def test_strict_and_renamed_main_part_read_as_transitional(variant, campaign):
    data = package(RICH_BODY, styles=STYLES, numbering_xml=LISTS, **variant)
    found = sections(data, campaign)
    assert found["摘要"].title == "一、摘要" and found["摘要"].text == SUMMARY_TEXT + "（1）"
    assert found["企业概况"].title == "二、企业概况"
    assert found["企业概况"].text == f"概况\n{OVERVIEW}\n框中一句。"  # "（一）" is Word's list number, not text
    assert found["管理方法（技术）的实施效果"].text == "保留新增"
    blocks = read_docx(data).blocks
    assert [b.num_label for b in blocks if b.numbered] == ["一、", "二、", "（一）"]
    assert blocks[0].heading_level == 1


def test_word_for_the_web_document_through_the_registry(campaign):
    body = three_sections(p(OVERVIEW)) + bold_p("四、管理方法（技术）的推进和应用情况") + p("推进情况。" * 20)
    extracted = extract(package(body, main="word/document2.xml"), "总结材料.docx", campaign)
    assert extracted.kind == SUMMARY and not extracted.issues
    assert extracted.summary.sections["企业概况"].text == OVERVIEW


# ---------------------------------------------------------------- 5. altChunk

CHUNK_HTML = ("<html><head><meta charset='gb2312'></head><body><h2>二、企业概况</h2><p>" + OVERVIEW + "</p>"
              "<p><b>三、管理方法（技术）的实施效果</b></p><p>" + EFFECT + "</p></body></html>")


def _chunk_doc(name: str, data: bytes) -> bytes:
    body = (bold_p("一、摘要") + p(SUMMARY_TEXT) + '<w:altChunk r:id="rIdChunk"/>'
            + bold_p("四、管理方法（技术）的推进和应用情况") + p("推进情况。"))
    return package(body, chunks={"rIdChunk": (name, data)})


def _nested_docx() -> bytes:
    doc = Document()
    doc.add_paragraph().add_run("二、企业概况").bold = True
    doc.add_paragraph(OVERVIEW)
    doc.add_paragraph("三、管理方法（技术）的实施效果", style="Heading 1")
    doc.add_paragraph(EFFECT)
    buf = io.BytesIO()
    doc.save(buf)
    return buf.getvalue()


CHUNKS = [
    ("html gb2312", "afchunk1.htm", CHUNK_HTML.encode("gbk")),
    ("html utf-8 fragment", "chunk.html", CHUNK_HTML.replace("gb2312", "utf-8").encode("utf-8")),
    ("mht quoted-printable", "afchunk.mht",
     mht([("file:///C:/x/chunk.htm", "text/html", word_html(CHUNK_HTML.split("<body>")[1].split("</body>")[0],
                                                              charset="gb2312").encode("gbk"), "gb2312")])),
    ("nested docx", "afchunk.docx", _nested_docx()),
    ("plain text utf-16", "afchunk.txt",
     f"二、企业概况\n{OVERVIEW}\n三、管理方法（技术）的实施效果\n{EFFECT}\n".encode("utf-16")),
]


@pytest.mark.parametrize("name, data", [c[1:] for c in CHUNKS], ids=[c[0] for c in CHUNKS])
def test_altchunk_read_in_place(name, data, campaign):
    found = sections(_chunk_doc(name, data), campaign)
    assert list(found) == ["摘要", "企业概况", "管理方法（技术）的实施效果", "管理方法（技术）的推进和应用情况"]
    assert found["企业概况"].text == OVERVIEW and found["企业概况"].chars == count_words(OVERVIEW)
    assert found["管理方法（技术）的实施效果"].text == EFFECT


RTF = (r"{\rtf1\ansi\ansicpg936\deff0{\fonttbl{\f0\fnil\fcharset134 SimSun;}}\f0 "
       + "".join(f"\\u{ord(ch)}?" if ord(ch) > 127 else ch for ch in "二、企业概况") + r"\par "
       + "".join(f"\\u{ord(ch)}?" if ord(ch) > 127 else ch for ch in OVERVIEW) + r"\par }").encode("ascii")


@pytest.mark.skipif(soffice() is None, reason="LibreOffice not installed")
def test_rtf_altchunk_converted(campaign):
    found = sections(_chunk_doc("afchunk.rtf", RTF), campaign)
    assert found["企业概况"].text == OVERVIEW


def test_rtf_altchunk_without_libreoffice_is_reported(monkeypatch, campaign):
    monkeypatch.setattr(legacy, "soffice_path", lambda: None)
    data = _chunk_doc("afchunk.rtf", RTF)
    content = read_docx(data)
    assert any("RTF" in note and "LibreOffice" in note for note in content.notes)
    extracted = extract(data, "总结材料.docx", campaign)
    warnings = [i for i in extracted.issues if i.code == "file.unsupported"]
    assert len(warnings) == 1 and warnings[0].severity == WARNING and "RTF" in warnings[0].message


# ---------------------------------------------------------------- 6. headings whatever their form

def test_numbering_from_a_style_and_levels_restart():
    lists = numbering(("3", "30", [("decimal", "%1."), ("decimal", "%1.%2"), ("decimalEnclosedCircle", "%3")]))
    styles = style("Normal", "Normal") + style("H", "My Heading", num=("3", 0))
    body = (p("甲", style="H") + p("乙", num=("3", 1)) + p("丙", num=("3", 1)) + p("丁", num=("3", 2))
            + p("戊", style="H") + p("己", num=("3", 1)))
    blocks = read_docx(package(body, styles=styles, numbering_xml=lists)).blocks
    assert [b.shown for b in blocks] == ["1.甲", "1.1乙", "1.2丙", "①丁", "2.戊", "2.1己"]
    assert [b.text for b in blocks] == ["甲", "乙", "丙", "丁", "戊", "己"]  # list numbers are not text (nor 字数)


def _with_crc_of(other: bytes, data: bytes, free: range) -> bytes:
    """``data`` with some of the letters at positions ``free`` (all 'a' to begin with) turned into 'b' so that its
    CRC-32 equals ``other``'s (same length): CRC-32 is linear over GF(2) for a fixed length, so the switches to
    make are found by Gaussian elimination of what each one does to the CRC."""
    assert len(other) == len(data)
    zero = zlib.crc32(bytes(len(data)))
    basis: dict[int, tuple[int, frozenset]] = {}  # top bit -> (CRC change, positions switched for it)
    for i in free:
        change = bytearray(len(data))
        change[i] = ord("a") ^ ord("b")
        vector, switched = zlib.crc32(bytes(change)) ^ zero, frozenset({i})
        while vector:
            top = vector.bit_length() - 1
            if top not in basis:
                basis[top] = (vector, switched)
                break
            vector, switched = vector ^ basis[top][0], switched ^ basis[top][1]
    wanted, switched = zlib.crc32(other) ^ zlib.crc32(data), frozenset()
    while wanted:
        vector, positions = basis[wanted.bit_length() - 1]
        wanted, switched = wanted ^ vector, switched ^ positions
    out = bytearray(data)
    for i in switched:
        out[i] ^= ord("a") ^ ord("b")
    assert zlib.crc32(bytes(out)) == zlib.crc32(other) and bytes(out) != other
    return bytes(out)


def _styles_part(heading_name: str, filler: str) -> bytes:
    return (f'<w:styles xmlns:w="{W}">' + style("Normal", "Normal") + style("H", heading_name)
            + style(filler, "unused") + "</w:styles>").encode()


def test_styles_and_lists_shared_by_documents_are_each_documents_own():
    """Documents of one template share their styles and numbering parts (parsed once per process): each is still
    read with its own parts — a part with the same length and CRC-32 but other bytes (the zip directories then
    agree) is not taken for the first — and each document numbers its lists from the start."""
    lists = numbering(("1", "10", [("chineseCounting", "%1、")]))
    body = p("甲", style="H") + p("乙", num=("1", 0)) + p("丙", num=("1", 0))
    filler = "Z" + "a" * 64
    first = _styles_part("heading 1", filler)
    at = first.index(filler.encode()) + 1
    second = _with_crc_of(first, _styles_part("heading 2", filler), range(at, at + 64))
    for styles, level in ((first, 1), (second, 2), (first, 1)):
        data = package(body, styles=styles.decode()[len(f'<w:styles xmlns:w="{W}">'):-len("</w:styles>")],
                       numbering_xml=lists)
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            assert zf.getinfo("word/styles.xml").CRC == zlib.crc32(first)
        blocks = read_docx(data).blocks
        assert blocks[0].heading_level == level
        assert [b.shown for b in blocks[1:]] == ["一、乙", "二、丙"]


def test_outline_level_set_on_the_paragraph_itself_makes_a_heading():
    """Word's 段落 → 大纲级别 on the paragraph itself (w:pPr/w:outlineLvl, no heading style): level 0 is a first-level
    heading, 9 is body text; the first w:outlineLvl counts, wherever it sits among the paragraph's properties."""
    def outlined(text: str, *levels: int) -> str:
        props = "".join(f'<w:outlineLvl w:val="{level}"/>' for level in levels)
        return f'<w:p><w:pPr><w:jc w:val="left"/>{props}<w:ind w:firstLine="420"/></w:pPr>{run(text)}</w:p>'

    body = outlined("一级", 0) + p("正文") + outlined("二级", 1, 0) + outlined("正文级别", 9)
    blocks = read_docx(package(body)).blocks
    assert [(b.text, b.heading_level) for b in blocks] == [("一级", 1), ("正文", None), ("二级", 2), ("正文级别", None)]


@pytest.mark.parametrize("n, fmt, shown", [
    (1, "chineseCounting", "一"), (10, "chineseCounting", "十"), (11, "chineseCountingThousand", "十一"),
    (20, "chineseCounting", "二十"), (105, "chineseCounting", "一百零五"), (2, "chineseLegalSimplified", "贰"),
    (3, "decimalEnclosedCircle", "③"), (15, "decimalEnclosedCircle", "⑮"), (21, "decimalEnclosedCircle", "21"),
    (4, "upperRoman", "IV"), (27, "lowerLetter", "aa"),
    (1, "ideographTraditional", "甲"), (12, "decimalFullWidth", "１２"), (5, "decimal", "5"), (7, "none", "")])
def test_list_number_formats(n, fmt, shown):
    assert format_number(n, fmt) == shown


def test_numbered_level0_heading_without_number_definitions(campaign):
    """numPr pointing at a list numbering.xml lacks: the paragraph is still known as a numbered item."""
    body = p("摘要", num=("9", 0)) + p(SUMMARY_TEXT) + p("企业概况", num=("9", 0)) + p(OVERVIEW)
    found = sections(package(body), campaign)
    assert (found["摘要"].text, found["企业概况"].text) == (SUMMARY_TEXT, OVERVIEW)


@pytest.mark.parametrize("heading", ["二、摘要：", "2. 摘要（500字以内）：", "摘要："])
def test_label_and_content_in_one_paragraph(heading, campaign):
    body = p(run(heading, bold=True), SUMMARY_TEXT) + p("补充一句。") + bold_p("三、企业概况") + p(OVERVIEW)
    found = sections(package(body), campaign)
    assert found["摘要"].text == f"{SUMMARY_TEXT}\n补充一句。"
    assert found["摘要"].chars == count_words(SUMMARY_TEXT + "补充一句。")


# ---------------------------------------------------------------- 8. 字数 on the text Word shows

def test_word_count_ignores_invisible_characters():
    assert count_words("infor\u00admation 质量\u200b标杆") == 1 + 4
    assert count_words("\ufeff") == 0 and count_words("") == 0


def test_word_count_of_a_section_is_of_the_shown_text(campaign):
    body = three_sections(p("公司", deleted("原有九百人"), ins(run("现有1300人")), complex_field("PAGE", "3"),
                            textbox_alternate(["框内五个字"])))
    section = sections(package(body), campaign)["企业概况"]
    assert section.text == "公司现有1300人3\n框内五个字"
    assert section.chars == 2 + 2 + 1 + 1 + 1 + 5  # 公司 现有 1300 人 3 框内五个字


# ---------------------------------------------------------------- list numbers a code page lost

@pytest.mark.parametrize("written, shown", [("%1?", "%1、"), ("?%1?", "（%1）"), ("%1.%2?", "%1.%2、"),
                                            ("%1、", "%1、"), ("第%1部分", "第%1部分"), ("%1.", "%1."), ("", "")])
def test_a_level_text_with_lost_punctuation_is_restored(written, shown):
    from toolkit.extract.docx import level_text

    assert level_text(written) == shown


_HEADINGS = ("质量标杆名称（40字以内）", "摘要（500字以内）", "企业概况（500字以内）",
             "管理方法（技术）的推进和应用情况（8000字以内）", "管理方法（技术）的实施效果（2000字以内）")


def _auto_numbered(level_text: str, fmt: str = "chineseCountingThousand") -> bytes:
    """A 总结材料 whose five headings are plain paragraphs numbered by a list ('一、' from Word's 编号 button)
    whose level text is ``level_text``."""
    texts = ("河北华信精密机械有限公司实施六西格玛设计的经验", SUMMARY_TEXT, OVERVIEW, "推进情况。" * 20, EFFECT)
    body = "".join(p(heading, num=("1", 0)) + p(text) for heading, text in zip(_HEADINGS, texts))
    return package(body, numbering_xml=numbering(("1", "10", [(fmt, level_text)])))


@pytest.mark.parametrize("written, title", [("%1?", "一、摘要（500字以内）"), ("?%1?", "（一）摘要（500字以内）")])
def test_headings_numbered_with_a_lost_separator_are_found(written, title, campaign):
    """'一?质量标杆名称…' — the '、' of an automatic number lost to a code page (LibreOffice's RTF export) — is
    read '一、…': before, all five sections were missing."""
    found = sections(_auto_numbered(written), campaign)
    assert list(found) == ["质量标杆名称", "摘要", "企业概况", "管理方法（技术）的推进和应用情况", "管理方法（技术）的实施效果"]
    assert found["摘要"].title == title.replace("一", "二", 1) and found["摘要"].text == SUMMARY_TEXT


@pytest.mark.skipif(soffice() is None, reason="LibreOffice (soffice) not installed: cannot write or read RTF")
def test_an_rtf_saved_by_libreoffice_with_automatic_numbers_is_read(tmp_path, campaign):
    """The whole chain: a .docx numbered '一、' by a list, saved as RTF by LibreOffice (which writes the level text
    '%1?'), then sent as .rtf and read through LibreOffice: every section found, as from the .docx."""
    import subprocess

    source = tmp_path / "1-华信-总结材料.docx"
    source.write_bytes(_auto_numbered("%1、"))
    subprocess.run([soffice(), f"-env:UserInstallation={(tmp_path / 'profile').as_uri()}", "--headless",
                    "--convert-to", "rtf", "--outdir", str(tmp_path / "rtf"), str(source)],
                   capture_output=True, timeout=300, check=True)
    rtf = (tmp_path / "rtf" / "1-华信-总结材料.rtf").read_bytes()
    assert b"\\leveltext" in rtf and b"\\'3f" in rtf  # (the lost 、 as LibreOffice writes it)
    from_rtf = extract(rtf, "1-华信-总结材料.rtf", campaign)
    from_docx = extract(source.read_bytes(), source.name, campaign)
    assert from_rtf.kind == SUMMARY and not [i for i in from_rtf.issues if i.is_error], from_rtf.issues
    assert {k: s.chars for k, s in from_rtf.summary.sections.items()} == {
        k: s.chars for k, s in from_docx.summary.sections.items()}
