"""A 申请表 and a 总结材料 whose names differ a little are one application with a mismatch error — never two halves
each taking a quota place and pushing a complete application over the quota; a copy of a unit folder adds no
application; files moved into a sub-folder withdraw nothing; an application that takes no place may be left
without a rank in the 推荐排序表 without an error."""
from __future__ import annotations

import datetime as dt
import json
import shutil

import openpyxl
import pytest

from toolkit.campaign import CHINA_TZ
from toolkit.pipeline import run

DAY = dt.datetime(2021, 9, 10, 10, 0, tzinfo=CHINA_TZ)
UNIT = "唐山市工业和信息化局"


def _run(tmp_path, campaign, hours=0):
    run(tmp_path / "inbox", tmp_path / "out", campaign, settle=0, workers=1, now=DAY + dt.timedelta(hours=hours))
    return json.loads((tmp_path / "out" / "latest" / "summary.json").read_text(encoding="utf-8"))


def _apps(summary) -> dict:
    return {a["enterprise"]: a for a in summary["applications"] if a["unit"] == UNIT}


def _codes(app) -> set:
    return {i["code"] for i in app["issues"]}


# (申请表's 申报单位 and 标杆名称, 总结材料's enterprise and 标杆名称): names as two people type them
SLIGHTLY_OFF = [
    (("唐山华美家具有限公司", "唐山华美家具有限公司实施精益生产的经验"),
     ("唐山县华美家具有限责任公司", "唐山县华美家具有限责任公司实施精益生产管理的经验")),
    (("唐山市金鼎钢木家具有限公司", "唐山市金鼎钢木家具有限公司推行卓越绩效的经验"),
     ("金鼎钢木家具公司", "金鼎钢木家具公司推行卓越绩效模式的经验")),
]
EXACT = ("唐山新奥燃气设备有限公司", "唐山新奥燃气设备有限公司实施六西格玛的经验")


def _folder_of_three(unit, make_form, make_summary, names=("申请表.xlsx", "总结材料.docx")):
    """Three pairs in one folder, named as downloads are ('申请表.xlsx', '申请表(1).xlsx' …), two slightly off."""
    pairs = [*SLIGHTLY_OFF[:1], (EXACT, EXACT), *SLIGHTLY_OFF[1:]]
    for n, ((firm, title), (s_firm, s_title)) in enumerate(pairs):
        tail = f"({n})" if n else ""
        form, summary = (name.replace(".", f"{tail}.") for name in names)
        make_form(unit / form, 申报单位=firm, 标杆名称=title, 所在地区="唐山市")
        make_summary(unit / summary, enterprise=s_firm, name=s_title)


@pytest.mark.parametrize("names", [("申请表.xlsx", "总结材料.docx"), ("企业表格.xlsx", "经验材料.docx")])
def test_names_slightly_off_pair_as_one_application_with_a_mismatch(tmp_path, make_form, make_summary, campaign,
                                                                    names):
    _folder_of_three(tmp_path / "inbox" / "唐山", make_form, make_summary, names)
    apps = _apps(_run(tmp_path, campaign))
    assert set(apps) == {SLIGHTLY_OFF[0][0][0], EXACT[0], SLIGHTLY_OFF[1][0][0]}
    assert apps[EXACT[0]]["status"] == "通过"
    for (firm, _title), _summary in SLIGHTLY_OFF:
        app = apps[firm]
        assert app["status"] == "需补正" and "mismatch" in _codes(app), app["issues"]
        assert not _codes(app) & {"pair.missing-form", "pair.missing-summary", "quota.exceeded"}
        assert len(app["files"]) == 2


def test_a_summary_like_two_forms_is_left_unpaired(tmp_path, make_form, make_summary, campaign):
    """Two forms its 标杆名称 is about as like: the summary pairs with neither (a guess would be a wrong verdict)."""
    unit = tmp_path / "inbox" / "唐山"
    make_form(unit / "申请表.xlsx", 申报单位="唐山华信精密机械有限公司", 标杆名称="唐山华信精密机械有限公司推行精益生产的经验",
              所在地区="唐山市")
    make_form(unit / "申请表(1).xlsx", 申报单位="唐山华信精密铸造有限公司", 标杆名称="唐山华信精密铸造有限公司推行精益生产的经验",
              所在地区="唐山市")
    make_summary(unit / "总结材料.docx", enterprise="华信精密公司", name="华信精密公司推行精益生产的经验")
    apps = _apps(_run(tmp_path, campaign))
    assert len(apps) == 3
    assert sorted("pair.missing-summary" in _codes(a) for a in apps.values()) == [False, True, True]
    assert sum("pair.missing-form" in _codes(a) for a in apps.values()) == 1


@pytest.mark.parametrize("form_firm, summary_firm", [
    ("唐山三友化工有限公司", "唐山三友化纤有限公司"),  # alike (0.83), two companies
    ("唐山华美家具有限公司", "唐山华美家居有限公司"),
])
def test_two_companies_alike_are_not_paired(tmp_path, make_form, make_summary, campaign, form_firm, summary_firm):
    unit = tmp_path / "inbox" / "唐山"
    make_form(unit / "申请表.xlsx", 申报单位=form_firm, 标杆名称=f"{form_firm}推行精益生产的经验", 所在地区="唐山市")
    make_summary(unit / "总结材料.docx", enterprise=summary_firm, name=f"{summary_firm}实施卓越绩效模式的经验")
    apps = _apps(_run(tmp_path, campaign))
    assert len(apps) == 2 and all(_codes(a) & {"pair.missing-form", "pair.missing-summary"} for a in apps.values())


def test_copies_of_a_summary_without_its_form_are_one_application(tmp_path, make_form, make_summary, campaign):
    """A 总结材料 whose 申请表 is missing, copied into a unit folder and its copy: one application (缺少申请表), not
    two."""
    unit = tmp_path / "inbox" / "唐山"
    make_summary(unit / "华信" / "总结材料.docx", enterprise="唐山华信精密机械有限公司",
                 name="唐山华信精密机械有限公司推行精益生产的经验")
    (tmp_path / "inbox" / "唐山 - 副本").mkdir()
    shutil.copy2(unit / "华信" / "总结材料.docx", tmp_path / "inbox" / "唐山 - 副本" / "华信总结材料.docx")
    [app] = _run(tmp_path, campaign)["applications"]
    assert "pair.missing-form" in _codes(app)


def test_copies_of_an_unpaired_summary_beside_a_pair_are_one_application(tmp_path, make_form, make_summary,
                                                                         campaign):
    """A folder holding one pair and a 总结材料 without its 申请表, copied beside itself ('备份'): two
    applications (the pair, and one 缺少申请表), not three."""
    unit = tmp_path / "inbox" / "唐山"
    firm, other = "唐山华信精密机械有限公司", "唐山恒达轴承有限公司"
    make_form(unit / "材料" / f"{firm}申请表.xlsx", 申报单位=firm, 标杆名称=f"{firm}实施六西格玛的经验", 所在地区="唐山市")
    make_summary(unit / "材料" / f"{firm}总结材料.docx", enterprise=firm, name=f"{firm}实施六西格玛的经验")
    make_summary(unit / "材料" / f"{other}总结材料.docx", enterprise=other, name=f"{other}推行精益生产的经验")
    shutil.copytree(unit / "材料", unit / "备份")  # (a copy under another folder name)
    summary = _run(tmp_path, campaign)
    assert sorted(a["enterprise"] for a in summary["applications"]) == sorted([firm, other])
    apps = _apps(summary)
    assert "pair.missing-form" in _codes(apps[other]) and apps[firm]["status"] == "通过"


def test_an_unlike_summary_stays_unpaired(tmp_path, make_form, make_summary, campaign):
    unit = tmp_path / "inbox" / "唐山"
    make_form(unit / "申请表.xlsx", 申报单位="唐山华信精密机械有限公司", 标杆名称="唐山华信精密机械有限公司推行精益生产的经验",
              所在地区="唐山市")
    make_summary(unit / "总结材料.docx", enterprise="唐山开滦煤矿机械有限公司", name="唐山开滦煤矿机械有限公司质量信息化的经验")
    # the naming rule's words alike, the enterprises not ('…有限公司实施质量…管理的经验')
    make_form(unit / "申请表(1).xlsx", 申报单位="长城汽车股份有限公司", 标杆名称="长城汽车股份有限公司实施质量链管理的经验",
              所在地区="唐山市")
    make_summary(unit / "总结材料(1).docx", enterprise="河北华药集团有限公司", name="河北华药集团有限公司实施质量风险管理的经验")
    apps = _apps(_run(tmp_path, campaign))
    assert len(apps) == 4 and all(_codes(a) & {"pair.missing-form", "pair.missing-summary"} for a in apps.values())


@pytest.mark.parametrize("in_subfolders", [False, True], ids=["pairs in the unit folder", "each in its own folder"])
def test_a_copy_of_the_unit_folder_adds_no_application(tmp_path, make_form, make_summary, campaign, in_subfolders):
    unit = tmp_path / "inbox" / "唐山"
    for n, ((firm, title), (s_firm, s_title)) in enumerate([*SLIGHTLY_OFF, (EXACT, EXACT)]):
        folder = unit / f"企业{n}" if in_subfolders else unit
        make_form(folder / f"{firm}-申请表.xlsx", 申报单位=firm, 标杆名称=title, 所在地区="唐山市")
        make_summary(folder / f"{n}材料.docx", enterprise=s_firm, name=s_title)
    before = _apps(_run(tmp_path, campaign))
    shutil.copytree(unit, tmp_path / "inbox" / "唐山 - 副本")
    summary = _run(tmp_path, campaign, hours=1)
    after = _apps(summary)
    assert set(after) == set(before) and len(summary["applications"]) == 3
    assert {k: a["status"] for k, a in after.items()} == {k: a["status"] for k, a in before.items()}
    assert not any(_codes(a) & {"pair.missing-form", "pair.missing-summary", "quota.exceeded"} for a in after.values())


def test_a_pair_moved_into_a_subfolder_withdraws_nothing(tmp_path, make_form, make_summary, campaign):
    unit = tmp_path / "inbox" / "唐山"
    _folder_of_three(unit, make_form, make_summary)
    _run(tmp_path, campaign)
    (unit / "华美").mkdir()
    for name in ("申请表.xlsx", "总结材料.docx"):
        shutil.move(unit / name, unit / "华美" / name)
    summary = _run(tmp_path, campaign, hours=1)
    apps = _apps(summary)
    assert len(apps) == 3 and "已撤回" not in {a["status"] for a in apps.values()}
    assert len(apps[SLIGHTLY_OFF[0][0][0]]["files"]) == 2


@pytest.mark.parametrize("ineligible_row", [[None, "唐山亏损机械有限公司"], ["", "唐山亏损机械有限公司"]])
def test_an_application_taking_no_place_may_be_left_without_a_rank(tmp_path, make_form, make_summary, campaign,
                                                                   ineligible_row):
    """The clerk leaves the 不符合申报条件 one unnumbered: no rank.conflict, no '未列入推荐排序表' hint (it is
    listed); the others keep their ranks."""
    unit = tmp_path / "inbox" / "唐山"
    firms = ["唐山甲机械有限公司", "唐山乙机械有限公司", "唐山亏损机械有限公司"]
    for firm in firms:
        extra = {"利润总额": {2018: 50, 2019: -120, 2020: 70}} if "亏损" in firm else {}
        make_form(unit / f"{firm}-申请表.xlsx", 申报单位=firm, 标杆名称=f"{firm}推行精益生产的经验", 所在地区="唐山市",
                  **extra)
        make_summary(unit / f"{firm}-总结材料.docx", enterprise=firm, name=f"{firm}推行精益生产的经验")
    wb = openpyxl.Workbook()
    for row in (["推荐顺序", "申报单位"], [2, firms[0]], [1, firms[1]], ineligible_row):
        wb.active.append(row)
    wb.save(unit / "推荐排序表.xlsx")
    summary = _run(tmp_path, campaign)
    apps = _apps(summary)
    assert apps[firms[2]]["status"] == "不符合申报条件", apps[firms[2]]["issues"]
    assert not _codes(apps[firms[2]]) & {"rank.conflict", "rank.missing"}, apps[firms[2]]["issues"]
    assert [(apps[f]["rank"], apps[f]["status"]) for f in firms[:2]] == [(2, "通过"), (1, "通过")]
    [sheet] = [f for f in summary["files"] if f["file"].endswith("推荐排序表.xlsx")]
    assert not [i for i in sheet["issues"] if i["severity"] == "error"]


def test_a_summary_moved_beside_its_form_is_paired_not_withdrawn(tmp_path, make_form, make_summary, campaign):
    """A 总结材料 that names nothing of its enterprise, first loose in the unit folder (an application of its own,
    without 申请表), then moved by the clerk into the sub-folder of its 申请表: paired there by placement, and the
    loose one's disappearance is no withdrawal (its bytes are still in the unit's folder)."""
    unit = tmp_path / "inbox" / "唐山"
    make_form(unit / "华信" / "申请表.xlsx", 申报单位="唐山华信精密机械有限公司", 标杆名称="唐山华信精密机械有限公司推行精益生产的经验",
              所在地区="唐山市")
    make_summary(unit / "经验材料.docx", enterprise="本企业", name="推行全面质量管理的做法")
    before = _apps(_run(tmp_path, campaign))
    assert len(before) == 2
    shutil.move(unit / "经验材料.docx", unit / "华信" / "经验材料.docx")
    after = _apps(_run(tmp_path, campaign, hours=1))
    assert list(after) == ["唐山华信精密机械有限公司"], {k: a["status"] for k, a in after.items()}
    assert len(after["唐山华信精密机械有限公司"]["files"]) == 2
