"""The 总结材料's five section headings as enterprises really write them: worded otherwise than the notice
(的 left out, 与 for 和, their method named in the brackets, 实施成效), numbered sub-headings inside a section that
repeat a later section's words, and headings in bold run straight into their text. Each is a real .docx written
with python-docx (and one Word web page) and read back; what is checked is the 字数 each section gets — text
charged to the wrong section is a wrong verdict (超过字数 / 缺少章节), not a cosmetic slip."""
from __future__ import annotations

import io

import pytest
from docx import Document

from toolkit.extract.docx import read_docx, read_sections
from toolkit.extract.registry import extract
from toolkit.model import ATTACHMENT, OPINION_SCAN, SUMMARY, Application
from toolkit.wordcount import count_words

NAME = "河北华远钢管实施六西格玛设计的经验"
BODIES = [NAME, "本公司推行六西格玛设计。" * 8, "河北华远钢管有限公司成立于1998年。" * 6,
          "公司成立推进办公室，培养黑带12名。" * 40, "质量损失率由2.1%降至0.8%。" * 20]
KEYS = ["质量标杆名称", "摘要", "企业概况", "管理方法（技术）的推进和应用情况", "管理方法（技术）的实施效果"]
NOTICE = ["一、质量标杆名称", "二、摘要", "三、企业概况", "四、管理方法（技术）的推进和应用情况", "五、管理方法（技术）的实施效果"]


def _docx(doc) -> bytes:
    buffer = io.BytesIO()
    doc.save(buffer)
    return buffer.getvalue()


def _document(headings, *, how: str = "bold", bodies=BODIES):
    """A 总结材料 (a python-docx Document, to add to) with ``headings`` over ``bodies``, each heading a paragraph of
    its own: in bold, in Word's Heading 1 style, or in plain text (numbered by its own text)."""
    doc = Document()
    for heading, body in zip(headings, bodies):
        if how == "heading style":
            doc.add_heading(heading, level=1)
        else:
            doc.add_paragraph().add_run(heading).bold = how == "bold"
        doc.add_paragraph(body)
    return doc


def _summary(headings, *, how: str = "bold", bodies=BODIES) -> bytes:
    """_document's 总结材料 as the bytes of its .docx."""
    return _docx(_document(headings, how=how, bodies=bodies))


def _counts(data: bytes, campaign) -> dict:
    sections = read_sections(read_docx(data).blocks, campaign).sections
    return {key: sections[key].chars if key in sections else None for key in KEYS}


EXPECTED = {key: count_words(body) for key, body in zip(KEYS, BODIES)}

VARIANTS = {
    "no 的": ["四、管理方法(技术)推进和应用情况", "五、管理方法(技术)实施效果"],
    "与 for 和": ["四、管理方法（技术）的推进与应用情况", "五、管理方法（技术）的实施效果"],
    "order of the words": ["四、管理方法（技术）的应用和推进情况", "五、管理方法（技术）的实施效果"],
    "method in the brackets": ["四、管理方法（六西格玛设计）的推进和应用情况", "五、管理方法（六西格玛设计）的实施效果"],
    "method named": ["四、六西格玛设计方法的推进和应用情况", "五、六西格玛设计方法的实施效果"],
    "实施成效": ["四、管理方法（技术）的推进和应用情况", "五、管理方法（技术）的实施成效"],
    "管理技术": ["四、管理技术推进及应用情况", "五、管理技术实施效果"],
    "with the limit note": ["四、管理方法（技术）推进和应用情况（8000字以内）", "五、管理方法（技术）实施效果（2000字以内）"],
}
OVERVIEWS = {"企业基本概况": "三、企业基本概况", "企业概况介绍": "三、企业概况介绍", "企业概况及发展历程": "三、企业概况及发展历程",
             "内容摘要": "二、内容摘要"}


@pytest.mark.parametrize("how", ["bold", "heading style", "numbered text"])
@pytest.mark.parametrize("variant", list(VARIANTS))
def test_sections_4_and_5_worded_otherwise(variant, how, campaign):
    headings = NOTICE[:3] + VARIANTS[variant]
    if how == "heading style":  # (Word's Heading 1, no number typed)
        headings = [h.split("、", 1)[1] for h in headings]
    assert _counts(_summary(headings, how=how), campaign) == EXPECTED


@pytest.mark.parametrize("variant", list(OVERVIEWS))
def test_sections_2_and_3_worded_otherwise(variant, campaign):
    heading = OVERVIEWS[variant]
    headings = [heading if h[:2] == heading[:2] else h for h in NOTICE]
    assert _counts(_summary(headings), campaign) == EXPECTED


@pytest.mark.parametrize("paragraph", [
    "实施效果显著，质量损失率下降。",  # a sentence, in bold
    "质量目标", "企业文化", "管理方法", "（一）推进目标", "应用效果", "组织机构", "2019年",
])
def test_a_bold_line_of_other_words_is_no_heading(paragraph, campaign):
    """Bold or numbered lines inside section 4 that only share a word or two with a heading stay its text."""
    doc = Document()
    for heading, body in zip(NOTICE, BODIES):
        doc.add_paragraph().add_run(heading).bold = True
        doc.add_paragraph(body)
        if heading.startswith("四"):
            doc.add_paragraph().add_run(paragraph).bold = True
            doc.add_paragraph("补充说明。")
    counts = _counts(_docx(doc), campaign)
    four = KEYS[3]
    assert counts == {**EXPECTED, four: EXPECTED[four] + count_words(paragraph) + count_words("补充说明。")}


SUB_HEADINGS = {
    "（四）实施效果": "（四）实施效果",
    "4.4 实施效果": "4.4 实施效果",
    "the whole key": "（四）管理方法（技术）的实施效果",
    "worded otherwise": "（四）阶段性实施效果",
}


@pytest.mark.parametrize("sub", list(SUB_HEADINGS))
@pytest.mark.parametrize("longer", [False, True], ids=["section 5 short", "sub-section longer than section 5"])
def test_a_sub_heading_inside_section_4_is_not_section_5(sub, longer, campaign):
    """Section 4 with sub-headings （一）…（四）, the last one in section 5's words: section 5 is the paragraph
    numbered 五、 as the document's headings are, whatever follows each — so a long section 4 is over its limit
    and a short section 5 is not (before, the longer text after the sub-heading made it section 5)."""
    sub_body = "阶段性成效：一次交检合格率提升。" * (400 if longer else 20)
    doc = Document()
    for heading, body in zip(NOTICE, BODIES):
        doc.add_paragraph().add_run(heading).bold = True
        if heading.startswith("四"):
            for n, title in enumerate(("（一）推进目标", "（二）组织保障", "（三）实施过程")):
                doc.add_paragraph().add_run(title).bold = True
                doc.add_paragraph(body)
            doc.add_paragraph().add_run(SUB_HEADINGS[sub]).bold = True
            doc.add_paragraph(sub_body)
        else:
            doc.add_paragraph(body)
    counts = _counts(_docx(doc), campaign)
    four = (3 * EXPECTED[KEYS[3]] + sum(count_words(t) for t in ("（一）推进目标", "（二）组织保障", "（三）实施过程"))
            + count_words(SUB_HEADINGS[sub]) + count_words(sub_body))
    assert counts == {**EXPECTED, KEYS[3]: four}
    assert (counts[KEYS[3]] > 8000) == longer


def test_unnumbered_headings_and_a_short_synonym_sub_heading(campaign):
    """Headings in bold without numbers, and a bold '实施效果' inside section 4: the full heading later is
    section 5 (the notice's words rather than a short synonym)."""
    doc = Document()
    for heading, body in zip(NOTICE, BODIES):
        doc.add_paragraph().add_run(heading.split("、", 1)[1]).bold = True
        doc.add_paragraph(body)
        if heading.startswith("四"):
            doc.add_paragraph().add_run("实施效果").bold = True
            doc.add_paragraph("阶段成效。" * 300)
    counts = _counts(_docx(doc), campaign)
    assert counts[KEYS[4]] == EXPECTED[KEYS[4]]
    assert counts[KEYS[3]] == EXPECTED[KEYS[3]] + count_words("实施效果") + count_words("阶段成效。" * 300)


@pytest.mark.parametrize("separator", ["", "\u3000", " ", "\t"], ids=["nothing", "ideographic space", "space", "tab"])
def test_a_bold_heading_run_into_its_text(separator, campaign):
    """'**二、摘要**本公司……': the heading in bold, its text in the same paragraph without a '：' — long texts
    (sections 4 and 5) included. Before, the file was not recognised as a 总结材料 at all."""
    doc = Document()
    for heading, body in zip(NOTICE, BODIES):
        paragraph = doc.add_paragraph()
        paragraph.add_run(heading).bold = True
        paragraph.add_run(separator + body)
    data = _docx(doc)
    assert _counts(data, campaign) == EXPECTED
    extracted = extract(data, "总结材料.docx", campaign)
    assert extracted.kind == SUMMARY and extracted.summary.sections["摘要"].text == BODIES[1]


@pytest.mark.parametrize("separator", ["\u3000", " "])
def test_a_numbered_heading_set_apart_by_a_space(separator, campaign):
    """'二、摘要　本公司……' typed in one plain paragraph: the number and the space set the heading apart."""
    doc = Document()
    for heading, body in zip(NOTICE, BODIES):
        doc.add_paragraph(heading + separator + body)
    assert _counts(_docx(doc), campaign) == EXPECTED


def test_a_plain_sentence_starting_with_the_words_stays_text(campaign):
    """Not bold, not numbered, no '：': '摘要如下本公司…' and '企业概况方面…' are sentences, as before."""
    doc = Document()
    for heading, body in zip(NOTICE, BODIES):
        doc.add_paragraph().add_run(heading).bold = True
        doc.add_paragraph(body)
    doc.add_paragraph("实施效果 显著，" + "质量损失率下降。" * 40)
    counts = _counts(_docx(doc), campaign)
    assert counts[KEYS[4]] == EXPECTED[KEYS[4]] + count_words("实施效果 显著，" + "质量损失率下降。" * 40)


def test_a_word_web_page_with_headings_worded_otherwise(campaign):
    """The same reading for a 总结材料 saved as a web page from Word (another reader, the same headings)."""
    paragraphs = "".join(f"<p><b>{h}</b></p><p>{b}</p>" for h, b in zip(
        NOTICE[:3] + VARIANTS["method named"], BODIES))
    page = ('<html xmlns:w="urn:schemas-microsoft-com:office:word"><head><meta charset="utf-8">'
            f'<meta name="ProgId" content="Word.Document"></head><body>{paragraphs}</body></html>').encode()
    extracted = extract(page, "总结材料.htm", campaign)
    assert extracted.kind == SUMMARY, extracted.issues
    assert {k: s.chars for k, s in extracted.summary.sections.items()} == EXPECTED


def test_a_typed_table_of_contents_still_gives_way_to_the_text(campaign):
    doc = Document()
    for heading in NOTICE:
        doc.add_paragraph(heading)
    for heading, body in zip(NOTICE[:3] + VARIANTS["no 的"], BODIES):
        doc.add_paragraph().add_run(heading).bold = True
        doc.add_paragraph(body)
    assert _counts(_docx(doc), campaign) == EXPECTED


# ---------------------------------------------------------------- what a Word document is, when no heading is found


def _pictures_only(pages: int = 2, *, in_table: bool = False) -> bytes:
    """A .docx of scanned pages pasted in: pictures, no text (in paragraphs, or in a table's cells)."""
    from corpus import tiny_png
    from docx.shared import Cm

    doc = Document()
    for _ in range(pages):
        run = (doc.add_table(rows=1, cols=1).cell(0, 0).paragraphs[0] if in_table else doc.add_paragraph()).add_run()
        run.add_picture(io.BytesIO(tiny_png(40, 60)), width=Cm(15))
    return _docx(doc)


@pytest.mark.parametrize("in_table", [False, True], ids=["in paragraphs", "in a table"])
@pytest.mark.parametrize("name, kind", [("总结材料（盖章扫描件）.docx", ATTACHMENT), ("证书.docx", ATTACHMENT),
                                        ("推荐意见（盖章）.docx", OPINION_SCAN)])
def test_a_scan_pasted_into_word_is_read_as_a_scan(name, kind, in_table, campaign):
    """Pictures and no text: a scan, as a PDF or JPG of it would be — by its name a stamped 推荐意见 or an
    application's attachment — never 'not a 申请表 or 总结材料, delete it'."""
    extracted = extract(_pictures_only(in_table=in_table), name, campaign)
    assert (extracted.kind, extracted.issues) == (kind, ())


def test_a_stamped_opinion_pasted_into_word_counts_as_received(tmp_path, make_form, make_summary, campaign):
    """A run over a unit folder with a stamped 推荐意见 and an enterprise's stamped 总结材料 each pasted into Word as
    pictures: the opinion counts as received, the scan is the application's attachment, nothing is an error."""
    import datetime as dt
    import json

    from toolkit.clock import CHINA_TZ
    from toolkit.pipeline import run

    unit = tmp_path / "inbox" / "石家庄"
    make_form(unit / "1-企业" / "申请表.xlsx")
    make_summary(unit / "1-企业" / "总结材料.docx")
    (unit / "1-企业" / "总结材料（盖章扫描件）.docx").write_bytes(_pictures_only())
    (unit / "石家庄市工业和信息化局推荐意见（盖章）.docx").write_bytes(_pictures_only(1))
    run(tmp_path / "inbox", tmp_path / "out", campaign, settle=0, workers=1,
        now=dt.datetime(2021, 9, 15, 9, 0, tzinfo=CHINA_TZ))
    summary = json.loads((tmp_path / "out" / "latest" / "summary.json").read_text(encoding="utf-8"))
    [unit_status] = [u for u in summary["units"] if u["unit"] == "石家庄市工业和信息化局"]
    assert unit_status["stamped_opinion"] and unit_status["opinion_final"], unit_status
    [app] = summary["applications"]
    assert app["status"] == "通过" and app["attachments"] == ["石家庄/1-企业/总结材料（盖章扫描件）.docx"]
    assert all(not f["issues"] for f in summary["files"]), summary["files"]


def test_a_summary_named_so_without_any_heading_reports_each_section_missing(campaign):
    """Text under headings none of which can be recognised, in a file named 总结材料: a 总结材料 whose five
    sections are reported missing (what to add, each), not a file 'to delete'; named otherwise, unrecognised."""
    doc = Document()
    for body in BODIES:
        doc.add_paragraph(body)
    data = _docx(doc)
    extracted = extract(data, "河北华远钢管-总结材料.docx", campaign)
    assert extracted.kind == SUMMARY and extracted.summary.sections == {}
    from toolkit.rules.sections import check_sections
    missing = [i.field for i in check_sections(Application(unit="", enterprise="", summary=extracted.summary),
                                               campaign)]
    assert missing == KEYS
    assert [i.code for i in extract(data, "情况说明.docx", campaign).issues] == ["file.unrecognized"]


# ---------------------------------------------------------------- what must not be taken for a section's start


def _with_toc(*, page_numbers: bool, toc=NOTICE, body_headings=tuple(KEYS), title: bool = True) -> bytes:
    """A 总结材料 with a typed, numbered 目录 above a body whose headings are bold and unnumbered."""
    doc = Document()
    if title:
        doc.add_paragraph().add_run(NAME).bold = True
    doc.add_paragraph().add_run("目录").bold = True
    for n, line in enumerate(toc, start=1):
        doc.add_paragraph(line + (f"\t{n}" if page_numbers else ""))
    for key, body in zip(KEYS, BODIES):
        if key in body_headings:
            doc.add_paragraph().add_run(key).bold = True
            doc.add_paragraph(body)
    return _docx(doc)


@pytest.mark.parametrize("page_numbers", [True, False], ids=["page numbers", "no page numbers"])
@pytest.mark.parametrize("toc", [NOTICE, NOTICE + ["六、证实性材料"]], ids=["five lines", "listing 证实性材料 too"])
def test_a_numbered_table_of_contents_above_unnumbered_headings(page_numbers, toc, campaign):
    """The 目录's numbered lines are not the sections, even when they list a section the body lacks (the
    证实性材料 sent as separate files) — before, its numbering became 'the document's' and each line a section."""
    assert _counts(_with_toc(page_numbers=page_numbers, toc=toc), campaign) == EXPECTED


def test_the_name_only_as_the_title_is_a_missing_section_not_the_table_of_contents(campaign):
    """No 质量标杆名称 heading in the body (the name is only the title): that section is missing — not made of the
    目录's lines, whose first line would then be read as the 标杆名称."""
    counts = _counts(_with_toc(page_numbers=True, body_headings=KEYS[1:]), campaign)
    assert counts == {**EXPECTED, KEYS[0]: None}


@pytest.mark.parametrize("stand_in", [
    ("b", "（三）阶段性实施效果"), ("b", "3. 实施效果评价"), ("run-in", "实施效果"), ("p", "1. 实施效果：" + "成效显著。" * 50),
    ("b", "4.4 实施效果"),
], ids=["other-kind sub-heading", "numbered point", "bold lead phrase", "long numbered point", "4.4 sub-heading"])
def test_a_missing_heading_stays_missing(stand_in, campaign):
    """Section 5's heading left out: what is inside section 4 and reads a little like it never stands in for it
    — the section is reported missing, as it is (before, a sub-heading or a bold phrase quietly became it)."""
    how, text = stand_in
    doc = _document(NOTICE[:4])
    paragraph = doc.add_paragraph()
    if how == "run-in":
        paragraph.add_run(text).bold = True
        paragraph.add_run("明显，质量损失率下降。")
    else:
        paragraph.add_run(text).bold = how == "b"
    doc.add_paragraph(BODIES[4])
    counts = _counts(_docx(doc), campaign)
    assert counts[KEYS[4]] is None and counts[KEYS[3]] > EXPECTED[KEYS[3]]


def test_a_short_loose_phrase_is_no_heading(campaign):
    """'（1）推进情况：…' inside 摘要 shares four characters with 推进和应用情况: too few to tell by characters."""
    doc = Document()
    for heading, body in zip(NOTICE, BODIES):
        doc.add_paragraph().add_run(heading).bold = True
        doc.add_paragraph(body)
        if heading.startswith("二"):
            doc.add_paragraph().add_run("（1）推进情况：按计划推进。").bold = True
    counts = _counts(_docx(doc), campaign)
    assert counts[KEYS[3]] == EXPECTED[KEYS[3]] and counts[KEYS[1]] > EXPECTED[KEYS[1]]


@pytest.mark.parametrize("heading", ["十十、摘要", "（二十十）摘要", "第十十部分 摘要", "第1十部分 摘要", "⑩摘要", "Ⅱ、摘要"])
def test_a_mistyped_number_before_a_heading_is_read(heading, campaign):
    """A mistyped Chinese number ('十十') made the whole file unreadable: it is a heading like any other."""
    headings = [heading if h.startswith("二") else h for h in NOTICE]
    assert _counts(_summary(headings), campaign) == EXPECTED


def _unnumbered(headings, extra_after: dict) -> bytes:
    """Bold unnumbered ``headings`` over BODIES, with paragraphs added after the body of the section at an index
    (``extra_after``: index -> [(text, bold)])."""
    doc = Document()
    for n, (heading, body) in enumerate(zip(headings, BODIES)):
        if heading:
            doc.add_paragraph().add_run(heading).bold = True
        doc.add_paragraph(body)
        for text, bold in extra_after.get(n, ()):
            doc.add_paragraph().add_run(text).bold = bold
    return _docx(doc)


def test_four_characters_in_common_are_too_few_to_make_a_heading(campaign):
    """Unnumbered headings, section 4's left out, and a bold '推进情况' in 摘要 — four characters of 推进和应用情况:
    section 4 stays missing rather than starting inside 摘要."""
    headings = [h.split("、", 1)[1] for h in NOTICE]
    headings[3] = ""
    counts = _counts(_unnumbered(headings, {1: [("推进情况", True), ("按计划推进。", False)]}), campaign)
    assert counts[KEYS[3]] is None and counts[KEYS[1]] == EXPECTED[KEYS[1]] + count_words("推进情况按计划推进。")


def test_a_decimal_numbered_sub_heading_is_not_a_section_of_unnumbered_headings(campaign):
    """Unnumbered headings, section 5's worded otherwise ('管理方法的实施成效'), and a sub-heading '4.4 实施效果'
    in section 4: section 5 starts at its own heading (4.4 is a place within section 4)."""
    headings = [h.split("、", 1)[1] for h in NOTICE]
    headings[4] = "管理方法的实施成效"
    extra = {3: [("4.4 实施效果", True), ("阶段成效。" * 30, False)]}
    counts = _counts(_unnumbered(headings, extra), campaign)
    assert counts[KEYS[4]] == EXPECTED[KEYS[4]]


@pytest.mark.parametrize("where", ["own paragraph", "after the heading's colon"])
def test_a_name_wrapped_by_a_soft_line_break_is_one_name(where, campaign):
    """A long 标杆名称 wrapped by hand with Shift+Enter: one name (it was read as its first line, a false mismatch
    with the 申请表 and a 'not ending with 经验' hint)."""
    doc = Document()
    heading = doc.add_paragraph()
    heading.add_run(NOTICE[0] + ("：" if where == "after the heading's colon" else "")).bold = True
    name = heading if where == "after the heading's colon" else doc.add_paragraph()
    name.add_run("河北华远钢管").add_break()
    name.add_run("实施六西格玛设计的经验")
    for h, body in zip(NOTICE[1:], BODIES[1:]):
        doc.add_paragraph().add_run(h).bold = True
        doc.add_paragraph(body)
    summary = read_sections(read_docx(_docx(doc)).blocks, campaign)
    assert summary.benchmark_name == NAME



def _name_on_lines(lines: list[str], *, inline: bool = False, blank: bool = False) -> bytes:
    """A 总结材料 whose 质量标杆名称 is typed over several paragraphs (Enter pressed to wrap it, centred): the first
    after the heading's '：' with ``inline``, an empty paragraph between the lines with ``blank``."""
    doc = Document()
    heading = doc.add_paragraph()
    heading.add_run(NOTICE[0] + ("：" + lines[0] if inline else "")).bold = True
    for n, line in enumerate(lines[1:] if inline else lines):
        if blank and n:
            doc.add_paragraph()
        doc.add_paragraph(line).alignment = 1
    for h, body in zip(NOTICE[1:], BODIES[1:]):
        doc.add_paragraph().add_run(h).bold = True
        doc.add_paragraph(body)
    return _docx(doc)


NAME_LINES = {
    "two lines": (["河北华远钢管", "实施六西格玛设计的经验"], {}),
    "three lines": (["河北华远钢管", "实施六西格玛设计", "的经验"], {}),
    "after the heading's colon": (["河北华远钢管", "实施六西格玛设计的经验"], {"inline": True}),
    "an empty paragraph between": (["河北华远钢管实施", "六西格玛设计的经验"], {"blank": True}),
    "quoted": (["“河北华远钢管", "实施六西格玛设计的经验”"], {}),
}


@pytest.mark.parametrize("variant", list(NAME_LINES))
def test_a_name_wrapped_over_paragraphs_is_one_name(variant, campaign):
    """A long 标杆名称 wrapped by hand with Enter (two or three paragraphs, centred): one name — it was read as its
    first line ('河北华远钢管'), so run.py check said it did not end with 经验 and, beside the 申请表, that the two
    names differ (an error on a correct application). Its 字数 is the whole name's."""
    lines, how = NAME_LINES[variant]
    summary = read_sections(read_docx(_name_on_lines(lines, **how)).blocks, campaign)
    assert summary.benchmark_name in (NAME, f"“{NAME}”")
    assert summary.sections[KEYS[0]].chars == count_words("".join(lines))
    assert _counts(_name_on_lines(lines, **how), campaign) | {KEYS[0]: EXPECTED[KEYS[0]]} == EXPECTED


@pytest.mark.parametrize("second", ["——以六西格玛设计全面提升钢管质量", "本公司推行六西格玛设计，成效显著。",
                                    "（申报单位：河北华远钢管有限公司）"])
def test_a_line_after_a_finished_name_is_not_part_of_it(second, campaign):
    """After a name that ends as a name ends (…的经验), a subtitle or a note is not part of the name; after an unfinished
    one, a sentence is not either."""
    summary = read_sections(read_docx(_name_on_lines([NAME, second])).blocks, campaign)
    assert summary.benchmark_name == NAME
    unfinished = read_sections(read_docx(_name_on_lines(["河北华远钢管六西格玛设计", "本公司推行六西格玛设计，成效显著。"])).blocks,
                               campaign)
    assert unfinished.benchmark_name == "河北华远钢管六西格玛设计"


def test_a_name_on_two_lines_beside_its_form_in_run_py_check(tmp_path, make_form):
    """run.py check (a real subprocess) of a 申请表 and a 总结材料 whose name is on two lines: no mismatch, no naming
    hint; a name of 46 字 on two lines of 23 is over the 40 字 limit (it was not said: only the first line counted)."""
    from conftest import run_cli
    enterprise = "河北华远钢管有限公司"
    form = make_form(tmp_path / "ok" / "申请表.xlsx", 申报单位=enterprise, 标杆名称=NAME)
    summary = tmp_path / "ok" / "总结材料.docx"
    summary.write_bytes(_name_on_lines(["河北华远钢管", "实施六西格玛设计的经验"]))
    out = run_cli("check", form, summary).stdout
    assert "不一致" not in out and "命名规则" not in out and "识别为：总结材料" in out, out
    long_name = "河北华远钢管有限公司在无缝钢管全流程生产中系统推行六西格玛设计和精益生产方法提升产品一致性的经验"
    lines = [long_name[:23], long_name[23:]]
    form = make_form(tmp_path / "long" / "申请表.xlsx", 申报单位=enterprise, 标杆名称=long_name)
    summary = tmp_path / "long" / "总结材料.docx"
    summary.write_bytes(_name_on_lines(lines))
    out = run_cli("check", form, summary).stdout
    assert "标杆名称超过字数限制" in out and f"{count_words(long_name)}字" in out and "不一致" not in out, out

@pytest.mark.parametrize("second", ["2021年9月", "申报单位：河北华远钢管有限公司", "——以无缝钢管生产为例"])
def test_a_short_line_after_a_name_not_ending_in_jingyan_is_not_joined_to_it(second, tmp_path, make_form):
    """run.py check (a real subprocess) of a 申请表 and a 总结材料 whose 标杆名称 does not end with 经验 (a naming hint)
    and has a short line under it (a date, the 申报单位, a subtitle): the name is its first line, as in the 申请表 —
    it was read as the two lines joined ('…六西格玛设计2021年9月'), a mismatch error on an application whose two
    names agree. Lines that end with 经验 once joined are still one name (test_a_name_wrapped_over_paragraphs_…)."""
    from conftest import run_cli
    name = "河北华远钢管实施六西格玛设计"
    form = make_form(tmp_path / "申请表.xlsx", 申报单位="河北华远钢管有限公司", 标杆名称=name)
    summary = tmp_path / "总结材料.docx"
    summary.write_bytes(_name_on_lines([name, second]))
    out = run_cli("check", form, summary).stdout
    assert "识别为：总结材料" in out and "不一致" not in out, out
    assert f"标杆名称“{name}”没有以“经验”结尾" in out and f"“{name}{second}" not in out, out


# ---- headings in the enterprise's own words, found by their place ----

OWN_WORDS = {
    "主要做法 / 取得成效": ["四、主要做法", "五、取得成效"],
    "具体做法 / 主要成效": ["四、具体做法", "五、主要成效"],
    "any words, numbered in place": ["四、我们是怎样推进的", "五、效益分析"],
    "section 4 only": ["四、精益之路", "五、管理方法（技术）的实施效果"],
    "section 5 only": ["四、管理方法（技术）的推进和应用情况", "五、回顾与展望"],
}


@pytest.mark.parametrize("how", ["bold", "numbered text", "heading style"])
@pytest.mark.parametrize("variant", list(OWN_WORDS))
def test_sections_in_own_words_numbered_in_their_place(variant, how, campaign):
    """'四、主要做法' and '五、取得成效' (or any words) after 一、二、三、 headings worded as the notice words
    them: the fourth and fifth sections, by their place in the document's own numbering — before, 企业概况 ran on
    over both (over its 500 字) and both were reported missing. In Word's Heading 1 style the number is typed."""
    assert _counts(_summary(NOTICE[:3] + OWN_WORDS[variant], how=how), campaign) == EXPECTED


@pytest.mark.parametrize("paragraph", [
    "四、推进目标",  # numbered 四 after section 4: not the fifth's place
    "（四）效益分析",  # another kind of numbering
    "五、效益分析：质量损失率下降。",  # text after a '：' — a point with its text, not a heading on its own
    "五、公司在推进中取得了显著成效，质量损失率大幅下降。",  # a sentence
])
def test_a_numbered_line_out_of_place_or_of_another_kind_is_no_heading(paragraph, campaign):
    """Only a heading on its own, numbered in the usual kind with a missing section's place and lying where that
    section belongs, is taken by its place; otherwise section 5 stays missing (or is the one worded so)."""
    doc = _document(NOTICE[:4])
    doc.add_paragraph().add_run(paragraph).bold = True
    doc.add_paragraph(BODIES[4])
    counts = _counts(_docx(doc), campaign)
    if paragraph.startswith("四、"):  # (two 四、: neither is section 5's place)
        assert counts[KEYS[4]] is None
    else:
        assert counts[KEYS[4]] is None and counts[KEYS[3]] > EXPECTED[KEYS[3]]


def test_a_list_numbered_like_the_sections_inside_section_4_is_not_section_5(campaign):
    """Section 4 holds points numbered 一、 to 五、 as the sections are, and section 5 is left out: its '五、强化过程
    控制' is a point of section 4 (the list restarts at 一、), not section 5 — which stays missing, as it is."""
    doc = _document(NOTICE[:4])
    for point in ("一、建立组织体系", "二、完善制度", "三、培养人才", "四、推行工具", "五、强化过程控制"):
        doc.add_paragraph().add_run(point).bold = True
        doc.add_paragraph("具体做法。" * 10)
    counts = _counts(_docx(doc), campaign)
    assert counts[KEYS[4]] is None and counts[KEYS[3]] > EXPECTED[KEYS[3]]


def test_two_paragraphs_numbered_for_a_missing_section_are_not_guessed_between(campaign):
    """Two '五、' lines where section 5 belongs: which starts it cannot be told, so it stays missing."""
    doc = _document(NOTICE[:4])
    for heading in ("五、效益分析", "五、社会效益"):
        doc.add_paragraph().add_run(heading).bold = True
        doc.add_paragraph(BODIES[4])
    assert _counts(_docx(doc), campaign)[KEYS[4]] is None


@pytest.mark.parametrize("heading", ["三、公司概况", "三、公司简介", "三、公司基本情况"])
def test_the_overview_as_a_company_writes_it(heading, campaign):
    headings = NOTICE[:2] + [heading] + NOTICE[3:]
    assert _counts(_summary(headings, how="numbered text"), campaign) == EXPECTED


@pytest.mark.parametrize("line, name", [
    (f"质量标杆名称：{NAME}", NAME),
    (f"标杆名称: {NAME}", NAME),
    (f"1. 质量标杆名称：{NAME}", NAME),
    (f"质量标杆名称 ： {NAME}", NAME),
    (f"名称：{NAME}", f"名称：{NAME}"),  # not the section's label: kept as written
    (f"{NAME}：以数据驱动质量改进", f"{NAME}：以数据驱动质量改进"),  # a colon inside the name itself
])
def test_the_heading_repeated_as_a_label_before_the_name_is_no_part_of_it(line, name, campaign):
    """Under '一、质量标杆名称' the enterprise wrote '质量标杆名称：…经验' (as a form's cell is filled): the name is
    what follows the label — before, the label made it differ from the 申请表's (mismatch) and counted in its 字数."""
    doc = Document()
    doc.add_paragraph().add_run(NOTICE[0]).bold = True
    doc.add_paragraph(line)
    for heading, body in zip(NOTICE[1:], BODIES[1:]):
        doc.add_paragraph().add_run(heading).bold = True
        doc.add_paragraph(body)
    summary = read_sections(read_docx(_docx(doc)).blocks, campaign)
    section = summary.sections[KEYS[0]]
    assert section.text == name and section.chars == count_words(name)


CN_PLACES = "一二三四五"
LATIN_ROMAN = ["I", "II", "III", "IV", "V"]
NUMBER_FORMS = {
    "一）": lambda n: f"{CN_PLACES[n]}）", "一)": lambda n: f"{CN_PLACES[n]})", "一 (space)": lambda n: f"{CN_PLACES[n]} ",
    "一　(ideographic space)": lambda n: f"{CN_PLACES[n]}\u3000", "壹、 (大写)": lambda n: "壹贰叁肆伍"[n] + "、",
    "【一】": lambda n: f"【{CN_PLACES[n]}】", "〔一〕": lambda n: f"〔{CN_PLACES[n]}〕", "[1]": lambda n: f"[{n + 1}]",
    "⑴": lambda n: "⑴⑵⑶⑷⑸"[n], "㈠": lambda n: "㈠㈡㈢㈣㈤"[n], "⒈": lambda n: "⒈⒉⒊⒋⒌"[n],
    "Part 1": lambda n: f"Part {n + 1} ", "PART 1:": lambda n: f"PART {n + 1}: ",
    "Part I.": lambda n: f"Part {LATIN_ROMAN[n]}. ",
    "Chapter 1": lambda n: f"Chapter {n + 1} ", "A.": lambda n: "ABCDE"[n] + ". ", "B、": lambda n: "ABCDE"[n] + "、",
    "(a)": lambda n: f"({'abcde'[n]})", "I.": lambda n: LATIN_ROMAN[n] + ". ", "IV、": lambda n: LATIN_ROMAN[n] + "、",
}


@pytest.mark.parametrize("how", ["plain", "bold"])
@pytest.mark.parametrize("form", NUMBER_FORMS)
def test_headings_numbered_in_any_typed_form_are_found(form, how, campaign):
    """Headings numbered '一）', '一 ', '壹、', '【一】', '⑴', '㈠', '⒈', 'Part 1', 'A.', 'II.' (each a form Word's 编号 or a
    keyboard gives) were not seen: with every heading so numbered, plain text, the whole 总结材料 was 'not a 总结材料'
    (file.unrecognized), the application without one. Each section is found, with its 字数, and placed by its number."""
    headings = [NUMBER_FORMS[form](n) + key for n, key in enumerate(KEYS)]
    data = _summary(headings, how="bold" if how == "bold" else "numbered text")
    assert _counts(data, campaign) == EXPECTED
    extracted = extract(data, "材料.docx", campaign, file="材料.docx")
    assert extracted.kind == SUMMARY and not extracted.issues


@pytest.mark.parametrize("form", ["一）", "Part 1", "壹、 (大写)", "⑴"])
def test_a_section_numbered_in_its_place_is_found_however_worded(form, campaign):
    """Numbered in a form of its own ('四）主要做法', 'Part 5 取得成效'), a section worded otherwise is found by its place,
    as '四、主要做法' is; its neighbours keep their 字数."""
    headings = [NUMBER_FORMS[form](n) + key for n, key in enumerate(KEYS)]
    headings[3] = NUMBER_FORMS[form](3) + "主要做法"
    headings[4] = NUMBER_FORMS[form](4) + "取得成效"
    assert _counts(_summary(headings, how="numbered text"), campaign) == EXPECTED


@pytest.mark.parametrize("paragraph", ["A. 摘要写法是先概括方法，再写成果。", "一 摘要部分写了，但是放在后面。", "Part 2 of the plan",
                                       "I. 企业概况方面，公司始建于1958年。"])
def test_a_sentence_after_a_typed_number_stays_text(paragraph, campaign):
    """A numbered sentence that starts with a heading's words is text of the section it is in, not a heading."""
    doc = _document(NOTICE, how="numbered text")
    doc.add_paragraph(paragraph)
    counts = _counts(_docx(doc), campaign)
    assert counts[KEYS[4]] == EXPECTED[KEYS[4]] + count_words(paragraph)
    assert {k: v for k, v in counts.items() if k != KEYS[4]} == {k: v for k, v in EXPECTED.items() if k != KEYS[4]}


def test_a_summary_numbered_part_1_passes_run_py_check(tmp_path):
    """run.py check reads a 总结材料 whose headings are 'Part 1 质量标杆名称' … and one numbered '一）摘要' … as a
    总结材料 with every section, in a real subprocess."""
    from conftest import run_cli
    for form in ("Part 1", "一）"):
        path = tmp_path / f"总结材料{form.replace(' ', '')}.docx"
        path.write_bytes(_summary([NUMBER_FORMS[form](n) + key for n, key in enumerate(KEYS)], how="numbered text"))
        out = run_cli("check", path).stdout
        assert "识别为：总结材料" in out and "无法识别" not in out and "缺少章节" not in out, out


AGAIN = {"after the 企业概况": (["一", "二", "三", "摘要", "四", "五"], "four"),
         "at the end": (["一", "二", "三", "四", "五", "摘要"], "six"),
         "straight after": (["一", "二", "摘要", "三", "四", "五"], "three")}


@pytest.mark.parametrize("how", ["numbered text", "bold", "heading style"])
@pytest.mark.parametrize("where", list(AGAIN))
def test_a_section_headed_again_keeps_its_text_and_is_reported(where, how, campaign, tmp_path):
    """A 摘要 pasted twice under a second '×、摘要' heading: its text was charged to the section before the copy (the
    企业概况 grew by the whole 摘要 — too long where it is not) or, at the end, the copy was taken for the 证实性材料.
    Now both copies count as the 摘要 (the 字数 Word shows of all its text), every other section keeps its own, and
    section.repeated names both headings."""
    order, _ = AGAIN[where]
    cn = iter("一二三四五六七")
    headings, bodies = [], []
    for part in order:
        n = "一二三四五".index(part) if part != "摘要" else 1
        headings.append(f"{next(cn)}、{KEYS[n]}")
        bodies.append(BODIES[n])
    data = _summary(headings, how=how, bodies=bodies)
    counts = _counts(data, campaign)
    assert counts == EXPECTED | {KEYS[1]: 2 * EXPECTED[KEYS[1]]}
    extracted = extract(data, "总结材料.docx", campaign, file="总结材料.docx")
    assert "证实性材料" not in extracted.summary.sections
    repeated = [i for i in extracted.issues if i.code == "section.repeated"]
    assert len(repeated) == 1 and repeated[0].location == "总结材料“摘要”部分"
    assert "出现了2次" in repeated[0].message and f"合计{2 * EXPECTED[KEYS[1]]}字" in repeated[0].message


def test_a_section_headed_again_in_run_py_check(tmp_path):
    """run.py check (a real subprocess) says the 摘要 is headed twice, in Chinese, and no 企业概况 over its limit."""
    from conftest import run_cli
    bodies = list(BODIES)
    bodies[1] = "本公司推行六西格玛设计。" * 30  # 360 字: twice is over 500, the 企业概况 with it would be too
    bodies[2] = "河北华远钢管有限公司成立于1998年。" * 20
    headings = ["一、" + KEYS[0], "二、摘要", "三、企业概况", "四、摘要", "五、" + KEYS[3], "六、" + KEYS[4]]
    path = tmp_path / "总结材料.docx"
    path.write_bytes(_summary(headings, how="numbered text", bodies=[bodies[i] for i in (0, 1, 2, 1, 3, 4)]))
    out = run_cli("check", path).stdout
    assert "章节标题重复" in out and "“二、摘要”“四、摘要”" in out and f"“摘要”部分共{2 * count_words(bodies[1])}字" in out, out
    assert "“企业概况”部分共" not in out, out
