"""标杆名称 over the notice's 40 字, wherever it is written: the 申请表's field and the 总结材料's 质量标杆名称 section
(附件1) each carry the limit, so the error names every place that is over it — both, when the enterprise wrote
the same long name in both (shortening one only would make them disagree on the next run)."""
from __future__ import annotations

import datetime as dt
import json

import openpyxl
import pytest
from conftest import run_cli

from toolkit.campaign import CHINA_TZ
from toolkit.pipeline import run

UNIT = "石家庄市工业和信息化局"
ENTERPRISE = "河北华信精密机械有限公司"
LONG = f"{ENTERPRISE}以客户需求为导向全面实施六西格玛设计与数字化质量管控深度融合提升产品可靠性的经验"  # 52 字
LONGER = f"{ENTERPRISE}以客户需求为导向全面实施六西格玛设计与数字化质量管控深度融合持续提升产品可靠性的经验"  # 54 字
SHORT = f"{ENTERPRISE}实施六西格玛设计的经验"
DAY = dt.datetime(2021, 9, 10, 10, 0, tzinfo=CHINA_TZ)
BOTH = "申请表 B5 单元格、总结材料“质量标杆名称”部分"


def _issues(tmp_path, campaign, hours=0):
    run(tmp_path / "inbox", tmp_path / "out", campaign, settle=0, workers=1, now=DAY + dt.timedelta(hours=hours))
    summary = json.loads((tmp_path / "out" / "latest" / "summary.json").read_text(encoding="utf-8"))
    [app] = summary["applications"]
    return [i for i in app["issues"] if i["code"] in ("name.too-long", "mismatch")]


def _receipt(tmp_path) -> str:
    wb = openpyxl.load_workbook(tmp_path / "out" / "latest" / "回执" / f"{UNIT}-回执.xlsx")
    return "\n".join(str(v) for v in (c for row in wb["问题及修改方法"].iter_rows(values_only=True) for c in row) if v)


def _pair(tmp_path, make_form, make_summary, form_name, summary_name, prefix="1-华信"):
    unit = tmp_path / "inbox" / UNIT
    make_form(unit / f"{prefix}-申请表.xlsx", 标杆名称=form_name)
    make_summary(unit / f"{prefix}-总结材料.docx", name=summary_name)
    return unit


def test_a_long_name_in_both_is_to_be_shortened_in_both_alike(tmp_path, make_form, make_summary, campaign):
    """The audit's case: the same 51-字 name in B5 and in the 质量标杆名称 section. One error names both places and
    says to make them one name; shortening B5 alone leaves the summary's (and a mismatch); both shortened, none."""
    unit = _pair(tmp_path, make_form, make_summary, LONG, LONG)
    [issue] = _issues(tmp_path, campaign)
    assert (issue["code"], issue["severity"], issue["file"]) == ("name.too-long", "error", f"{UNIT}/1-华信-申请表.xlsx")
    assert issue["location"] == "申请表!B5、总结材料“质量标杆名称”部分"
    assert issue["message"].startswith("标杆名称在申请表和总结材料中都是52字，超过40字的限制。")
    assert f"请将{BOTH}的标杆名称都精简到40字以内，两处改成同一个名称" in issue["message"]
    assert f"请将{BOTH}的标杆名称都精简到40字以内" in _receipt(tmp_path)
    # the clerk shortens B5 only: the 总结材料's is still too long (and now they disagree)
    make_form(unit / "1-华信-申请表.xlsx", 标杆名称=SHORT)
    issues = _issues(tmp_path, campaign, hours=1)
    too_long = [i for i in issues if i["code"] == "name.too-long"]
    assert [i["code"] for i in issues] == ["name.too-long", "mismatch"]
    [issue] = too_long
    assert (issue["file"], issue["location"]) == (f"{UNIT}/1-华信-总结材料.docx", "总结材料“质量标杆名称”部分")
    assert "请将总结材料“质量标杆名称”部分的标杆名称精简到40字以内，与申请表中的标杆名称一致" in issue["message"]
    assert "申请表 B5" not in issue["message"]
    make_summary(unit / "1-华信-总结材料.docx", name=SHORT)
    assert _issues(tmp_path, campaign, hours=2) == []


@pytest.mark.parametrize("form_name, summary_name, file, location, says", [
    (LONG, SHORT, "1-华信-申请表.xlsx", "申请表!B5",
     "标杆名称共52字，超过40字的限制。请将申请表 B5 单元格的标杆名称精简到40字以内，与总结材料中的标杆名称一致"),
    (SHORT, LONG, "1-华信-总结材料.docx", "总结材料“质量标杆名称”部分",
     "标杆名称共52字，超过40字的限制。请将总结材料“质量标杆名称”部分的标杆名称精简到40字以内，与申请表中的标杆名称一致"),
    (LONG, LONGER, "1-华信-申请表.xlsx", "申请表!B5、总结材料“质量标杆名称”部分",
     f"标杆名称在申请表中共52字、在总结材料中共54字，超过40字的限制。请将{BOTH}的标杆名称都精简到40字以内，两处改成同一个名称"),
], ids=["the form's only", "the summary's only", "both, of different lengths"])
def test_the_error_names_each_place_that_is_too_long(tmp_path, make_form, make_summary, campaign, form_name,
                                                     summary_name, file, location, says):
    _pair(tmp_path, make_form, make_summary, form_name, summary_name)
    [issue] = [i for i in _issues(tmp_path, campaign) if i["code"] == "name.too-long"]
    assert (issue["file"], issue["location"]) == (f"{UNIT}/{file}", location)
    assert issue["message"].startswith(says), issue["message"]


def test_a_form_alone_or_a_summary_alone_names_itself(tmp_path, make_form, make_summary, campaign):
    """Without the other document (its pair.missing-* error aside) the one place there is is named, as before."""
    unit = tmp_path / "inbox" / UNIT
    make_form(unit / "1-华信-申请表.xlsx", 标杆名称=LONG)
    [issue] = _issues(tmp_path, campaign)
    assert issue["location"] == "申请表!B5"
    assert issue["message"].startswith("标杆名称共52字，超过40字的限制。请将申请表 B5 单元格的标杆名称精简到40字以内，命名规则")


def test_check_of_the_pair_says_to_shorten_both(tmp_path, make_form, make_summary):
    """`check` of both files: each file's own error, and the pair's — both places, one name — under a verdict that
    says the two agree (they do) and still have an error."""
    _pair(tmp_path, make_form, make_summary, LONG, LONG, prefix="华信")
    proc = run_cli("check", "华信-申请表.xlsx", "华信-总结材料.docx", cwd=tmp_path / "inbox" / UNIT)
    assert proc.returncode == 1
    assert "作为同一项申报核对 —— 申报单位、标杆名称一致，作为一项申报还有错误（见下）" in proc.stdout, proc.stdout
    assert f"［{BOTH}］ 标杆名称在申请表和总结材料中都是52字" in proc.stdout
    assert "标杆名称超过字数限制（name.too-long）［申请表 B5 单元格］" in proc.stdout  # (the 申请表's own error)
