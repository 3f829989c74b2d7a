"""Every template of the issue catalogue renders to Chinese a clerk can act on."""
from __future__ import annotations

import re
import string

import pytest
from conftest import ROOT

from toolkit.messages import CATALOGUE, make_issue, title
from toolkit.model import ERROR, WARNING

# SPEC §6 severities, as the README's 问题代码 table carries them (region.other added there)
SPEC_SEVERITY = {
    "file.unreadable": ERROR, "file.encrypted": ERROR, "file.unsupported": ERROR, "file.unrecognized": ERROR,
    "unit.unknown": ERROR, "pair.missing-summary": ERROR, "pair.missing-form": ERROR, "field.missing": ERROR,
    "field.invalid": ERROR, "name.too-long": ERROR, "name.pattern": WARNING, "section.missing": ERROR,
    "section.too-long": ERROR, "mismatch": ERROR, "eligibility.unprofitable": ERROR, "finance.suspicious": WARNING,
    "eligibility.branch": ERROR,
    "quota.exceeded": ERROR, "rank.missing": WARNING, "rank.conflict": ERROR, "duplicate.enterprise": ERROR,
    "deadline.late": ERROR, "region.other": WARNING, "section.too-short": WARNING, "section.guidance": WARNING,
    "section.repeated": WARNING,
    "version.resaved": WARNING, "rank.gap": WARNING,
}

# a sample for every placeholder any template uses ("reason" is a caller's full sentence)
SAMPLES = {
    "reason": "文件夹“北京”不是任何推荐单位的名称或简称。", "enterprise": "石家庄华北精工机械有限公司",
    "name": "石家庄华北精工机械实施六西格玛设计的经验", "field": "2019年利润总额", "value": "约五亿",
    "hint": "填写数字，单位按栏目要求（万元），不要写文字", "count": 43, "limit": 40,
    "example": "××公司实施六西格玛设计的经验", "section": "摘要", "state": "只有标题，没有内容", "heading": "2. 摘要（500字以内）",
    "form_side": "申请表", "other_side": "总结材料",
    "form_value": "甲公司实施六西格玛的经验", "summary_value": "甲公司实施精益生产的经验", "years": "2018、2020", "word": "分公司",
    "values": "2018年 -5 万元；2020年 0 万元", "received": 4, "quota": 3, "rank": 4,
    "other": "河北省冶金行业协会推荐的第1位", "received_at": "2021年09月21日 08:00", "deadline": "2021年09月20日 23:59",
    "written": "保定市", "unit": "唐山市工业和信息化局", "region": "唐山市", "units": "河北省冶金行业协会",
    "minimum": 300, "paragraphs": 5, "excerpt": "（用一句话概括典型经验……填写时请删除本段说明。）",
    "length": "在申请表和总结材料中都是43字", "both": "都", "same": "，两处改成同一个名称", "pick": "从下拉列表中选择",
    "where": "“企业概况”部分", "times": 2, "titles": "二、摘要”“四、摘要",
}
LOCATION = "申请表!B3"
_CJK = re.compile(r"[\u4e00-\u9fff]")


def placeholders(template: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(template) if name}


def test_catalogue_matches_spec():
    assert set(CATALOGUE) == set(SPEC_SEVERITY)


def test_samples_cover_every_placeholder():
    used = set().union(*(placeholders(t.message) | placeholders(t.fix) for t in CATALOGUE.values()))
    assert used - {"file", "location"} <= set(SAMPLES), used - set(SAMPLES)


@pytest.mark.parametrize("code", sorted(CATALOGUE))
def test_template_renders(code):
    template = CATALOGUE[code]
    values = {k: SAMPLES[k] for k in placeholders(template.message) | placeholders(template.fix)
              if k not in ("file", "location", "field")}
    issue = make_issue(code, file="石家庄/1-申请表.xlsx", location=LOCATION, field=SAMPLES["field"], **values)
    assert issue.code == code
    assert issue.severity == SPEC_SEVERITY[code]
    assert not re.search(r"\{[^{}]*\}", issue.message), issue.message
    assert _CJK.search(issue.message) and _CJK.search(title(code))
    assert issue.fix and issue.message.endswith(issue.fix)
    assert issue.message[: -len(issue.fix)].endswith("。"), "what is wrong, as a sentence, then how to fix it"
    assert issue.fix.endswith("。")
    assert (issue.file, issue.location, issue.field) == ("石家庄/1-申请表.xlsx", LOCATION, SAMPLES["field"])
    # what went wrong is about the sample: every value given shows up in the text
    for value in values.values():
        assert str(value) in issue.message


@pytest.mark.parametrize("code", sorted(code for code, t in CATALOGUE.items() if "{location}" in t.message + t.fix))
def test_location_is_in_the_text(code):
    issue = make_issue(code, location=LOCATION, **SAMPLES)
    assert "申请表 B3 单元格" in issue.message and "!" not in issue.message


def test_missing_location_reads_naturally():
    issue = make_issue("field.missing", field="申报单位")
    assert "{" not in issue.message and "相应位置" in issue.message


def test_unknown_placeholder_stays_visible_instead_of_raising():
    issue = make_issue("mismatch", field="标杆名称", location=LOCATION)
    assert "{form_value}" in issue.message


def test_severity_can_be_softened():
    issue = make_issue("field.invalid", severity=WARNING, location=LOCATION, **SAMPLES)
    assert issue.severity == WARNING and not issue.is_error


def test_title_of_unknown_code_is_the_code():
    assert title("no.such-code") == "no.such-code"


def test_a_warning_is_titled_as_something_to_check():
    """A field.invalid warning (an amount converted to 万元, fields read by their labels, a county without its
    city) is titled 填写内容请核对 — nothing in it is invalid; its errors keep 填写内容无效. A code without a
    hint title keeps its title whatever the severity."""
    assert title("field.invalid", WARNING) == "填写内容请核对"
    assert title("field.invalid", ERROR) == title("field.invalid") == "填写内容无效"
    # a duplicate.enterprise warning (the other copy is not recommended; a resubmission re-titled) is not one
    assert title("duplicate.enterprise", WARNING) == "同一企业另有报送，请核对"
    assert title("duplicate.enterprise", ERROR) == title("duplicate.enterprise") == "同一企业重复推荐"
    assert title("finance.suspicious", WARNING) == CATALOGUE["finance.suspicious"].title
    assert title("no.such-code", WARNING) == "no.such-code"


def test_check_titles_a_field_invalid_warning_as_one_to_check(tmp_path, make_form):
    """Through `check` (a real subprocess): a 所在地区 written as its county is a hint titled 填写内容请核对, an
    e-mail address without @ an error titled 填写内容无效."""
    from conftest import run_cli

    form = make_form(tmp_path / "1-申请表.xlsx", 所在地区="正定县", 电子邮箱="zhangwei.example.com")
    out = run_cli("check", form).stdout
    [hint] = [line for line in out.splitlines() if "所在地区" in line and "field.invalid" in line]
    [error] = [line for line in out.splitlines() if "电子邮箱" in line and "field.invalid" in line]
    assert hint.strip().startswith("提示｜填写内容请核对（field.invalid）"), hint
    assert error.strip().startswith("错误｜填写内容无效（field.invalid）"), error


def test_a_message_given_replaces_the_catalogues():
    issue = make_issue("field.invalid", location="申请表工作表", field="申请表模板", severity=WARNING,
                       message="“申请表”工作表中“传真”的位置与模板中隐藏的栏目定位错位了。", fix="请核对。")
    assert issue.message == "“申请表”工作表中“传真”的位置与模板中隐藏的栏目定位错位了。请核对。"
    assert "填写的" not in issue.message


def _listed_field_issues(extracted, campaign, unit: str) -> list:
    from toolkit.model import Application
    from toolkit.validate import validate

    app = Application(unit=unit, enterprise=extracted.form.text("申报单位"), benchmark_name="", form=extracted.form)
    return [i for i in validate(app, campaign).issues if i.field in ("所在地区", "所属行业")]


@pytest.mark.parametrize("region, code, severity", [
    ("正定县", "field.invalid", WARNING), ("北京市朝阳区", "field.invalid", ERROR), ("保定市", "region.other", WARNING),
], ids=["county", "outside the province", "another city"])
def test_no_drop_down_list_is_named_where_there_is_none(tmp_path, campaign, make_form, region, code, severity):
    """The template's 申请表 has drop-down lists for 所在地区 and 所属行业, and the advice says to pick from them; a
    Word 申请书 (a table in a document) has none, and the same problem there says to write the value — before, it
    told the clerk to pick '从下拉列表中选择' in a Word table that has no list. Both read back from real files."""
    from docx import Document
    from test_templates import _fill_application

    from toolkit.extract.registry import extract

    values = {"申报单位": "唐山华信精密机械有限公司", "所属行业": "C3411 金属结构制造", "所在地区": region,
              "标杆名称": "唐山华信精密机械有限公司实施六西格玛设计的经验"}
    word = tmp_path / "申请书.docx"
    _fill_application(ROOT / "templates" / "申请书.docx", word, values, campaign.base_years)
    assert Document(word).tables  # (a real document, read back below)
    excel = make_form(tmp_path / "申请表.xlsx", **values)
    seen = {}
    for path in (word, excel):
        extracted = extract(path.read_bytes(), path.name, campaign)
        issues = _listed_field_issues(extracted, campaign, "唐山市工业和信息化局")
        [region_issue] = [i for i in issues if i.field == "所在地区" and i.code == code]
        [industry] = [i for i in issues if i.field == "所属行业"]
        assert region_issue.severity == severity
        seen[path.suffix] = (region_issue.message, industry.message)
    for text in seen[".docx"]:
        assert "下拉列表" not in text and "填写" in text, text
    for text in seen[".xlsx"]:
        assert "从下拉列表中选择" in text, text


def _literal_end(node) -> str | None:
    """The text a string expression ends with when the source says it ('…。', f'…{x}…。', a + '…。'), else None."""
    import ast

    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    if isinstance(node, ast.JoinedStr) and node.values and isinstance(node.values[-1], ast.Constant):
        return node.values[-1].value
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
        return _literal_end(node.right)
    return None


def _issue_texts_in_source():
    """(where, keyword, code, the literal end) of every text the toolkit's code hands make_issue & co. beside the
    catalogue: a fix or message replacing the catalogue's, a reason or hint filling its placeholder."""
    import ast

    for path in sorted((ROOT / "toolkit").rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.Call):
                continue
            name = getattr(node.func, "id", getattr(node.func, "attr", ""))
            if name not in ("make_issue", "file_problem", "late_warning", "late_edit_warning"):
                continue
            code = node.args[0].value if node.args and isinstance(node.args[0], ast.Constant) else None
            for kw in node.keywords:
                end = _literal_end(kw.value)
                if kw.arg in ("fix", "message", "reason", "hint") and end:
                    yield f"{path.relative_to(ROOT)}:{node.lineno}", kw.arg, code, end


def test_every_text_given_beside_the_catalogue_ends_as_a_sentence_once():
    """A fix or message the code writes instead of the catalogue's is a sentence ending in '。' (one ended
    '…否则请删除该工作表' with nothing after it); a reason or hint that the catalogue's template follows with '。'
    does not end in '。' itself (that would print '。。'), and one the template shows alone (its whole message,
    as '{reason}') does."""
    found = list(_issue_texts_in_source())
    assert len(found) > 30
    bad = []
    for where, keyword, code, end in found:
        if keyword in ("fix", "message"):
            ok = end.endswith("。")
        else:
            template = CATALOGUE.get(code)
            if template is None:
                continue
            part = next((t for t in (template.message, template.fix) if "{" + keyword + "}" in t), None)
            if part is None:
                continue
            after = part.split("{" + keyword + "}", 1)[1][:1]  # ('' : the sentence ends with it)
            ok = not end.endswith("。") if after == "。" else (end.endswith("。") if after == "" else True)
        if not ok:
            bad.append((where, keyword, end[-12:]))
    assert not bad, bad
