"""A 总结材料 as a newcomer leaves it: headings kept with nothing under them are sections there and empty (not
'未找到该标题', not a 目录); the template's guidance left in is said and not counted; a section of a few 字 is
too thin for the notice's 内容详实 and said so (a warning)."""
from __future__ import annotations

import docx
import pytest

from toolkit.extract.registry import extract
from toolkit.render.forms import GUIDANCE

HEADINGS = ["1. 质量标杆名称", "2. 摘要", "3. 企业概况", "4. 管理方法（技术）的推进和应用情况", "5. 管理方法（技术）的实施效果"]
NAME = "石家庄宏图电子科技有限公司实施质量功能展开的经验"
FULL = {"2. 摘要": "摘要内容。" * 20, "3. 企业概况": "企业概况内容。" * 20,
        "4. 管理方法（技术）的推进和应用情况": "推进情况。" * 200, "5. 管理方法（技术）的实施效果": "实施效果。" * 60}


def _document(tmp_path, body: list[tuple[str, str]], name="总结材料.docx"):
    """A .docx of (style, text) paragraphs."""
    d = docx.Document()
    for style, text in body:
        d.add_paragraph(text, style=style)
    path = tmp_path / name
    d.save(path)
    return path


def _read(path, campaign):
    return extract(path.read_bytes(), path.name, campaign, file=path.name)


def _issues(ex) -> list[tuple[str, str]]:
    return [(i.code, i.field) for i in ex.issues]


def _section_issues(ex, campaign):
    from toolkit.model import Application
    from toolkit.rules.sections import check_sections

    return [(i.code, i.field, i.message) for i in check_sections(Application(unit="", enterprise="", benchmark_name="",
                                                                             summary=ex.summary), campaign)]


@pytest.mark.parametrize("filled", [0, 1], ids=["nothing filled", "only the name filled"])
def test_headings_left_without_text_are_empty_sections_not_missing(tmp_path, campaign, filled):
    body = [("Title", "2021年河北省工业企业质量标杆总结材料")]
    for n, heading in enumerate(HEADINGS):
        body.append(("Heading 1", heading))
        if n < filled:
            body.append(("Normal", NAME))
    ex = _read(_document(tmp_path, body), campaign)
    assert ex.kind == "summary" and set(ex.summary.sections) >= {h.split(" ", 1)[1] for h in HEADINGS}
    found = _section_issues(ex, campaign)
    assert [f for c, f, _m in found if c == "section.missing"] == [h.split(" ", 1)[1] for h in HEADINGS[filled:]]
    assert all("只有标题，没有内容" in m and "未找到" not in m for c, _f, m in found if c == "section.missing")
    if filled:
        assert ex.summary.benchmark_name == NAME


def test_a_typed_contents_list_is_still_no_section(tmp_path, campaign):
    """The same run of bare headings followed by the body headed again: a 目录, whose lines start nothing."""
    body = [("Title", "总结材料"), *[("Normal", h) for h in HEADINGS], ("Heading 1", HEADINGS[0]), ("Normal", NAME)]
    for heading in HEADINGS[1:]:
        body += [("Heading 1", heading), ("Normal", FULL[heading])]
    ex = _read(_document(tmp_path, body), campaign)
    assert ex.summary.benchmark_name == NAME
    assert not [c for c, _f, _m in _section_issues(ex, campaign) if c != "name.pattern"]


@pytest.mark.parametrize("placement", ["own paragraph", "before the text in its paragraph"])
def test_template_guidance_left_in_is_said_and_not_counted(tmp_path, campaign, placement):
    body = [("Title", "总结材料")]
    for heading in HEADINGS:
        key = heading.split(" ", 1)[1]
        guidance = "（" + GUIDANCE.get(key, "").format(example=campaign.name_example) + "填写时请删除本段说明。）"
        text = NAME if heading == HEADINGS[0] else FULL[heading]
        body.append(("Heading 1", heading))
        body += ([("Normal", guidance), ("Normal", text)] if placement == "own paragraph"
                 else [("Normal", guidance + text)])
    ex = _read(_document(tmp_path, body), campaign)
    assert ex.summary.benchmark_name == NAME  # (before, the name ran to 78 字 with the guidance before it)
    assert ex.summary.sections["摘要"].chars == 100
    [issue] = [i for i in ex.issues if i.code == "section.guidance"]
    assert issue.severity == "warning" and "仍有5段模板的填写说明" in issue.message and "填写时请删除本段说明" in issue.message
    assert not [c for c, _f, _m in _section_issues(ex, campaign) if c not in ("name.pattern",)]


def test_template_guidance_left_in_names_the_sections_it_is_in(tmp_path, campaign):
    """section.guidance says under which headings the guidance is left — it said only '总结材料中仍有1段', and the
    clerk had to read the whole document for it; several sections are named (more than three: the first three
    and how many). Deleting the guidance paragraph (its fix) leaves nothing to say."""
    def body_with(guided: tuple) -> list:
        body = [("Title", "总结材料")]
        for heading in HEADINGS:
            key = heading.split(" ", 1)[1]
            body.append(("Heading 1", heading))
            if key in guided:
                body.append(("Normal", "（" + GUIDANCE[key].format(example=campaign.name_example) + "填写时请删除本段说明。）"))
            body.append(("Normal", NAME if heading == HEADINGS[0] else FULL[heading]))
        return body

    keys = [h.split(" ", 1)[1] for h in HEADINGS]
    ex = _read(_document(tmp_path, body_with((keys[2],))), campaign)
    [issue] = [i for i in ex.issues if i.code == "section.guidance"]
    assert issue.location == f"总结材料“{keys[2]}”部分"
    assert issue.message.startswith(f"总结材料“{keys[2]}”部分中仍有1段模板的填写说明")
    ex = _read(_document(tmp_path, body_with((keys[1], keys[3]))), campaign)
    [issue] = [i for i in ex.issues if i.code == "section.guidance"]
    assert issue.location == "总结材料" and f"总结材料“{keys[1]}”“{keys[3]}”部分中仍有2段" in issue.message
    ex = _read(_document(tmp_path, body_with(tuple(keys))), campaign)
    [issue] = [i for i in ex.issues if i.code == "section.guidance"]
    assert f"“{keys[0]}”“{keys[1]}”“{keys[2]}”等{len(keys)}个部分中仍有{len(keys)}段" in issue.message
    ex = _read(_document(tmp_path, body_with(())), campaign)
    assert "section.guidance" not in [i.code for i in ex.issues]


def test_a_summary_without_guidance_says_nothing_of_it(tmp_path, campaign):
    body = [("Title", "总结材料"), ("Heading 1", HEADINGS[0]), ("Normal", NAME)]
    for heading in HEADINGS[1:]:
        body += [("Heading 1", heading), ("Normal", "（注：本节数据来自企业年报，填写时已核对。）" + FULL[heading])]
    ex = _read(_document(tmp_path, body), campaign)
    assert "section.guidance" not in [i.code for i in ex.issues]


@pytest.mark.parametrize("section, chars, thin", [
    ("4. 管理方法（技术）的推进和应用情况", 6, True), ("4. 管理方法（技术）的推进和应用情况", 299, True),
    ("4. 管理方法（技术）的推进和应用情况", 300, False), ("5. 管理方法（技术）的实施效果", 20, True),
    ("2. 摘要", 12, True), ("2. 摘要", 30, False), ("3. 企业概况", 29, True), ("3. 企业概况", 30, False),
])
def test_a_section_of_a_few_characters_is_too_thin(tmp_path, campaign, section, chars, thin):
    body = [("Title", "总结材料"), ("Heading 1", HEADINGS[0]), ("Normal", NAME)]
    for heading in HEADINGS[1:]:
        body += [("Heading 1", heading), ("Normal", "好" * chars if heading == section else FULL[heading])]
    ex = _read(_document(tmp_path, body), campaign)
    key = section.split(" ", 1)[1]
    found = [(c, f, m) for c, f, m in _section_issues(ex, campaign) if c == "section.too-short"]
    assert [f for _c, f, _m in found] == ([key] if thin else [])
    if thin:
        assert f"只有{chars}字" in found[0][2] and "内容详实" in found[0][2]
