"""How a unit's folder becomes applications: unit folders, second projects, ranking sheets, templates left in."""
from __future__ import annotations

import json

import openpyxl
import pytest

from toolkit.campaign import load_campaign
from toolkit.units import resolve_unit
from toolkit.pipeline import run

CAMPAIGN = load_campaign().with_deadline("2099-12-31")


@pytest.mark.parametrize("folder, unit", [
    ("石家庄", "石家庄市工业和信息化局"), ("01-石家庄市工信局（报送）", "石家庄市工业和信息化局"),
    ("03 张家口", "张家口市工业和信息化局"), ("冶金", "河北省冶金行业协会"), ("冶金协会", "河北省冶金行业协会"),
    ("河北省质量协会（报送材料）", "河北省质量协会"), ("质量文化协会", "河北省质量文化协会"), ("雄安新区", "雄安新区改革发展局"),
    ("河北省质量", None), ("其他材料", None), ("质量", None),
    # associations as clerks write them: 工业 for 行业 or left out, 与 / 和 left out, a short form of a word
    ("河北省建材工业协会", "河北省建筑材料工业协会"), ("河北省纺织服装行业协会", "河北省纺织与服装行业协会"),
    ("河北省石油化学工业协会", "河北省石油和化学工业协会"), ("河北省机械工业协会", "河北省机械行业协会"),
    ("食品行业协会", "河北省食品工业协会"), ("河北省轻工业协会", "河北省轻工行业协会"),
    ("河北省信息产业协会", "河北省信息产业与信息化协会"),
    ("河北省质量管理协会", None),  # another word, not a spelling: not guessed
])
def test_unit_from_folder(folder, unit):
    found = resolve_unit(folder, CAMPAIGN)
    assert (found.name if found else None) == unit


def _summary(out):
    return json.loads((out / "latest" / "summary.json").read_text(encoding="utf-8"))


def test_ambiguous_folder_names_the_candidates(tmp_path, make_form):
    make_form(tmp_path / "inbox" / "河北省质量" / "申请表.xlsx")
    run(tmp_path / "inbox", tmp_path / "out", CAMPAIGN, settle=0)
    [f] = _summary(tmp_path / "out")["files"]
    [issue] = [i for i in f["issues"] if i["code"] == "unit.unknown"]
    assert "河北省质量协会" in issue["message"] and "河北省质量文化协会" in issue["message"]


def test_second_project_of_one_enterprise_is_a_duplicate_not_a_version(tmp_path, make_form, make_summary):
    unit = tmp_path / "inbox" / "机械协会"
    make_form(unit / "1 华信" / "申请表.xlsx")
    make_summary(unit / "1 华信" / "总结材料.docx")
    other = "河北华信精密机械有限公司推行精益生产的经验"
    make_form(unit / "2 华信（第二项）" / "申请表.xlsx", 标杆名称=other)
    make_summary(unit / "2 华信（第二项）" / "总结材料.docx", name=other)
    run(tmp_path / "inbox", tmp_path / "out", CAMPAIGN, settle=0)
    apps = _summary(tmp_path / "out")["applications"]
    assert len(apps) == 2
    assert all(any(i["code"] == "duplicate.enterprise" for i in a["issues"]) for a in apps)
    assert {a["benchmark_name"] for a in apps} == {"河北华信精密机械有限公司实施六西格玛设计的经验", other}


def test_corrected_name_in_same_folder_is_a_new_version(tmp_path, make_form, make_summary):
    unit = tmp_path / "inbox" / "沧州"
    make_form(unit / "申请表.xlsx", 标杆名称="河北华信精密机械有限公司以客户为中心全面实施六西格玛设计提升产品可靠性与一致性的经验")
    make_summary(unit / "总结材料.docx")
    run(tmp_path / "inbox", tmp_path / "out", CAMPAIGN, settle=0)
    make_form(unit / "申请表（修改版）.xlsx")
    run(tmp_path / "inbox", tmp_path / "out", CAMPAIGN, settle=0)
    [app] = _summary(tmp_path / "out")["applications"]
    assert app["versions"] == 2 and app["status"] == "通过", app["issues"]


@pytest.mark.parametrize("first, second, title2, where, versions", [
    ("邯郸钢铁集团有限贵任公司", "邯郸钢铁集团有限责任公司", None, "1-邯钢申请表（修改）.xlsx", True),  # a typo put right
    ("邯郸钢铁集团有限公司", "邯郸钢铁集团股份有限公司", None, "1-邯钢申请表（修改）.xlsx", True),  # legal form completed
    ("邯郸钢铁集团有限公司", "邯郸新兴铸管有限公司", None, "1-邯钢申请表（修改）.xlsx", False),  # another enterprise
    # both corrected under the same number, the same contacts: the 回执's name.pattern hint followed (a 标杆名称
    # changed is said: duplicate.enterprise, a hint); another project of one enterprise would be a second application
    ("邯郸钢铁集团有限贵任公司", "邯郸钢铁集团有限责任公司", "邯郸钢铁集团有限责任公司推行精益生产的经验",
     "1-邯钢申请表（修改）.xlsx", True),
    ("邯郸钢铁集团第一分公司", "邯郸钢铁集团第二分公司", None, "2-邯钢二分申请表.xlsx", False),  # another number
    ("邯郸钢铁集团第一分公司", "邯郸钢铁集团第二分公司", None, "二分/1-邯钢申请表.xlsx", False),  # another sub-folder
], ids=["typo corrected", "legal form completed", "another enterprise", "name and title corrected",
        "branch under another number", "branch in a sub-folder"])
def test_a_corrected_enterprise_name_is_a_new_version(tmp_path, make_form, make_summary, first, second, title2, where,
                                                      versions):
    """A resubmitted 申请表 with its 申报单位 corrected, the old file left in the folder: the same application in a
    new version, under the corrected name (before: two applications, the old one without its 总结材料, both
    ranked 第1位 — both 需补正). Another enterprise's name, another 标杆名称, or a name nearly alike in another
    place (a branch's form under another number or in its own sub-folder) is not taken for a correction."""
    import time

    unit = tmp_path / "inbox" / "邯郸"
    title = "邯郸钢铁集团有限责任公司实施模拟市场核算的经验"
    make_form(unit / "1-邯钢申请表.xlsx", 申报单位=first, 标杆名称=title, 所在地区="邯郸市")
    make_summary(unit / "1-邯钢总结材料.docx", enterprise="邯郸钢铁集团有限责任公司", name=title)
    run(tmp_path / "inbox", tmp_path / "out", CAMPAIGN, settle=0)
    time.sleep(0.05)
    make_form(unit / where, 申报单位=second, 标杆名称=title2 or title, 所在地区="邯郸市")
    run(tmp_path / "inbox", tmp_path / "out", CAMPAIGN, settle=0)
    summary = _summary(tmp_path / "out")
    apps = summary["applications"]
    if versions:
        [app] = apps
        assert app["enterprise"] == second and app["versions"] == 2, app["issues"]
        # (a new 标杆名称 in the 申请表 only: its 总结材料 still has the old one — the mismatch to correct)
        errors = [i["code"] for i in app["issues"] if i["severity"] == "error"]
        assert errors == (["mismatch"] if title2 else []) and app["status"] == ("需补正" if title2 else "通过"), errors
        assert app["files"][0].endswith("（修改）.xlsx") and app["superseded_files"] == ["邯郸/1-邯钢申请表.xlsx"]
    else:
        assert len(apps) == 2 and {a["enterprise"] for a in apps} == {first, second}
        assert all(not a["superseded_files"] for a in apps)


SISTER = {"资产总额": {2018: 81000.0, 2019: 83500.0, 2020: 90200.0},
          "主营业收入": {2018: 66000.0, 2019: 68100.0, 2020: 70300.0}}  # another company's figures


@pytest.mark.parametrize("where, changed, versions", [
    ("1-申请表（修改版）.xlsx", {}, True),  # the audit's case: same number, same figures
    ("华信/申请表（修改版）.xlsx", {}, True),  # the enterprise's own sub-folder
    ("华信/申请表（修改版）.xlsx", {"电话": "0311-86001111", "手机": "13903110000"}, True),  # contacts changed too
    ("华信/申请表（修改版）.xlsx", SISTER, False),  # a sister company in the group's sub-folder, one group office's
    ("1-申请表（修改版）.xlsx", SISTER, False),  # contacts: other figures under one number are two applications
    ("2-申请表.xlsx", {}, False),  # another number
    ("申请表（修改版）.xlsx", {}, False),  # no number, no sub-folder: nothing places them together
], ids=["same number", "same sub-folder", "contacts changed", "sister company", "other figures", "another number",
        "not placed"])
def test_a_form_correcting_both_names_is_a_new_version(tmp_path, make_form, make_summary, where, changed, versions):
    """An enterprise follows the name.pattern hint — 标杆名称 to begin with its name — and corrects a typo in its
    申报单位 too ('华新' for '华信'); the clerk saves the new pair beside the old one under the same number (or in the
    enterprise's sub-folder). One application in its new version, the change said; before, two applications, both
    第1位 (需补正), pushing the unit's third to 超出名额. Told apart: other figures (two companies of a group alike in
    name, filled in by the group's office with one set of contacts — a review merged 三友化工 and 三友化纤 when a
    shared contact was the test), another number, and forms not placed together at all."""
    import time

    unit = tmp_path / "inbox" / "石家庄"
    old_firm, firm = "河北华新精密机械有限公司", "河北华信精密机械有限公司"
    old_title, title = "华新公司六西格玛经验", "河北华信精密机械有限公司实施六西格玛设计的经验"
    first = "华信/申请表.xlsx" if where.startswith("华信/") else "1-申请表.xlsx" if where[0] in "12" else "申请表.xlsx"
    make_form(unit / first, 申报单位=old_firm, 标杆名称=old_title)
    make_summary(unit / first.replace("申请表", "总结材料").replace(".xlsx", ".docx"), enterprise=old_firm,
                 name=old_title)
    for n, other in ((3, "石家庄天元药业有限公司"), (4, "石家庄联合重工有限公司")):
        make_form(unit / f"{n}-{other}-申请表.xlsx", 申报单位=other, 标杆名称=f"{other}推行精益生产的经验")
        make_summary(unit / f"{n}-{other}-总结材料.docx", enterprise=other, name=f"{other}推行精益生产的经验")
    run(tmp_path / "inbox", tmp_path / "out", CAMPAIGN, settle=0)
    time.sleep(0.05)
    make_form(unit / where, 申报单位=firm, 标杆名称=title, **changed)
    make_summary(unit / where.replace("申请表", "总结材料").replace(".xlsx", ".docx"), enterprise=firm, name=title)
    run(tmp_path / "inbox", tmp_path / "out", CAMPAIGN, settle=0)
    apps = {a["enterprise"]: a for a in _summary(tmp_path / "out")["applications"]}
    if versions:
        assert set(apps) == {firm, "石家庄天元药业有限公司", "石家庄联合重工有限公司"}, list(apps)
        assert {a["status"] for a in apps.values()} == {"通过"}, [a["issues"] for a in apps.values()]
        app = apps[firm]
        assert app["benchmark_name"] == title and app["versions"] == 2 and len(app["superseded_files"]) == 2
        [said] = [i for i in app["issues"] if i["code"] == "duplicate.enterprise"]
        assert said["severity"] == "warning" and f"申报单位由“{old_firm}”改为“{firm}”" in said["message"], said
    else:
        assert {old_firm, firm} <= set(apps) and len(apps) == 4, list(apps)


def test_ranking_sheet_with_short_names(tmp_path, make_form, make_summary):
    unit = tmp_path / "inbox" / "石家庄"
    names = ["石家庄立信电子科技有限公司", "石家庄恒泰玻璃有限公司", "石家庄瑞丰造纸有限公司"]
    for n, ent in enumerate(names, start=1):
        title = f"{ent}实施精益生产的经验"
        make_form(unit / f"{ent}-申请表.xlsx", 申报单位=ent, 标杆名称=title)
        make_summary(unit / f"{ent}-总结材料.docx", enterprise=ent, name=title)
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["序号", "企业名称"])
    for rank, short in ((1, "瑞丰造纸"), (2, "立信电子"), (3, "恒泰玻璃")):
        ws.append([rank, short])
    wb.save(unit / "推荐排序表.xlsx")
    run(tmp_path / "inbox", tmp_path / "out", CAMPAIGN, settle=0)
    s = _summary(tmp_path / "out")
    order = [a["enterprise"] for a in sorted(s["applications"], key=lambda a: a["rank"])]
    assert order == [names[2], names[0], names[1]]
    assert all(a["status"] == "通过" for a in s["applications"])
    assert not [i for f in s["files"] for i in f["issues"] if i["code"] == "rank.conflict"]


def test_template_guidance_left_in_is_not_content(tmp_path, campaign):
    from toolkit.extract.registry import extract
    from toolkit.render.forms import write_summary

    path = tmp_path / "s.docx"
    write_summary(str(path), campaign)  # the blank template: headings and guidance only
    ex = extract(path.read_bytes(), path.name, campaign)
    assert ex.kind == "summary"
    assert all(s.chars == 0 for s in ex.summary.sections.values())


def test_stamped_opinion_older_than_latest_submission_is_flagged(tmp_path, make_form, make_summary):
    import datetime as dt

    from toolkit.demo import MINIMAL_PDF

    unit = tmp_path / "inbox" / "廊坊"
    make_form(unit / "1-申请表.xlsx")
    make_summary(unit / "1-总结材料.docx")
    (unit / "廊坊推荐意见（盖章）.pdf").write_bytes(MINIMAL_PDF)
    t0 = dt.datetime(2021, 9, 15, 9, 0, tzinfo=dt.timezone(dt.timedelta(hours=8)))
    run(tmp_path / "inbox", tmp_path / "out", CAMPAIGN, settle=0, now=t0)
    [u] = [u for u in _summary(tmp_path / "out")["units"] if u["unit"] == "廊坊市工业和信息化局"]
    assert u["stamped_opinion"] and not u["opinion_outdated"]
    ent = "廊坊恒泰软件有限公司"
    make_form(unit / "2-申请表.xlsx", 申报单位=ent, 标杆名称=f"{ent}实施精益生产的经验")
    make_summary(unit / "2-总结材料.docx", enterprise=ent, name=f"{ent}实施精益生产的经验")
    run(tmp_path / "inbox", tmp_path / "out", CAMPAIGN, settle=0, now=t0 + dt.timedelta(days=1))
    [u] = [u for u in _summary(tmp_path / "out")["units"] if u["unit"] == "廊坊市工业和信息化局"]
    assert u["stamped_opinion"] and u["opinion_outdated"]
    wb = openpyxl.load_workbook(tmp_path / "out" / "latest" / "省级汇总表.xlsx", read_only=True)
    row = next(r for r in wb["推荐单位情况"].iter_rows(values_only=True) if r[1] == "廊坊市工业和信息化局")
    assert "请核对推荐顺序" in row[-1]


def test_a_late_application_does_not_make_an_on_time_one_a_duplicate(tmp_path, make_form, make_summary):
    import datetime as dt

    campaign = load_campaign()  # deadline 2021-09-20
    china = dt.timezone(dt.timedelta(hours=8))
    inbox = tmp_path / "inbox"
    make_form(inbox / "唐山" / "申请表.xlsx")
    make_summary(inbox / "唐山" / "总结材料.docx")
    run(inbox, tmp_path / "out", campaign, settle=0, now=dt.datetime(2021, 9, 18, 9, tzinfo=china))
    make_form(inbox / "冶金协会" / "申请表.xlsx")
    make_summary(inbox / "冶金协会" / "总结材料.docx")
    run(inbox, tmp_path / "out", campaign, settle=0, now=dt.datetime(2021, 9, 25, 9, tzinfo=china))
    apps = {a["unit"]: a for a in _summary(tmp_path / "out")["applications"]}
    assert apps["河北省冶金行业协会"]["status"] == "逾期"
    assert apps["唐山市工业和信息化局"]["status"] == "通过", apps["唐山市工业和信息化局"]["issues"]


def _applications(folder, make_form, make_summary, firms):
    """A unit's applications, one sub-folder each, ranked by prefix in the order of ``firms`` (名称, 标杆名称 method)."""
    for rank, (firm, method) in enumerate(firms, start=1):
        name = f"{firm}{method}的经验"
        make_form(folder / f"{rank}-{firm}" / "申请表.xlsx", 申报单位=firm, 标杆名称=name)
        make_summary(folder / f"{rank}-{firm}" / "总结材料.docx", enterprise=firm, name=name)


SHARED = "河北华信精密机械有限公司"


@pytest.mark.parametrize("where", ["another unit", "the same unit"])
def test_a_copy_beyond_the_quota_does_not_make_a_recommended_one_a_duplicate(tmp_path, make_form, make_summary,
                                                                             where):
    """A unit's copy of an enterprise placed beyond its quota (超出名额) is not recommended: the copy within a quota
    stays 通过, with a warning naming the other copy; the copy beyond the quota is told of it (an error)."""
    inbox = tmp_path / "inbox"
    if where == "another unit":
        _applications(inbox / "唐山", make_form, make_summary, [(SHARED, "实施六西格玛设计")])
        _applications(inbox / "冶金协会", make_form, make_summary, [
            ("河北钢铁集团有限公司", "推行精益生产"), ("唐山瑞丰钢铁有限公司", "推行卓越绩效"), (SHARED, "推行精益生产")])
        kept, beyond = ("唐山市工业和信息化局", 1), ("河北省冶金行业协会", 3)
    else:
        _applications(inbox / "唐山", make_form, make_summary, [
            (SHARED, "实施六西格玛设计"), ("唐山三友化工股份有限公司", "推行精益生产"),
            ("唐山瑞丰钢铁有限公司", "推行卓越绩效"), (SHARED, "推行精益生产")])
        kept, beyond = ("唐山市工业和信息化局", 1), ("唐山市工业和信息化局", 4)
    run(inbox, tmp_path / "out", CAMPAIGN, settle=0)
    apps = {(a["unit"], a["rank"]): a for a in _summary(tmp_path / "out")["applications"]}
    ok, over = apps[kept], apps[beyond]
    assert ok["enterprise"] == over["enterprise"] == SHARED
    assert ok["status"] == "通过", ok["issues"]
    [hint] = [i for i in ok["issues"] if i["code"] == "duplicate.enterprise"]
    assert hint["severity"] == "warning"
    assert f"另见{beyond[0]}报送的第{beyond[1]}位（超出名额），未计入推荐，本项不算重复推荐" in hint["message"]
    assert over["status"] == "超出名额"
    [error] = [i for i in over["issues"] if i["code"] == "duplicate.enterprise"]
    assert error["severity"] == "error" and f"{kept[0]}推荐的第{kept[1]}位" in error["message"]
    # the register's 问题清单 titles the hint as one to check, not as a duplicate (its text says it is none)
    sheet = openpyxl.load_workbook(tmp_path / "out" / "latest" / "省级汇总表.xlsx", read_only=True)["问题清单"]
    titles = {(row[1], row[3]): row[4] for row in sheet.iter_rows(values_only=True)
              if row[-1] == "duplicate.enterprise"}
    assert titles == {(kept[0], "提示"): "同一企业另有报送，请核对", (beyond[0], "错误"): "同一企业重复推荐"}, titles


def test_an_ineligible_copy_does_not_make_an_eligible_one_a_duplicate(tmp_path, make_form, make_summary):
    """The audit's case 6b: 石家庄's copy of an enterprise is 不符合申报条件 (a loss in 2019); 机械协会's copy stays
    通过, with a warning naming the ineligible one; the ineligible copy is told of the recommended one."""
    inbox = tmp_path / "inbox"
    name = f"{SHARED}推行精益生产的经验"
    loss = {"利润总额": {2018: 3100.0, 2019: -5.0, 2020: 3650.25}}
    make_form(inbox / "石家庄" / "申请表.xlsx", 申报单位=SHARED, 标杆名称=name, **loss)
    make_summary(inbox / "石家庄" / "总结材料.docx", enterprise=SHARED, name=name)
    _applications(inbox / "机械协会", make_form, make_summary, [(SHARED, "实施六西格玛设计")])
    run(inbox, tmp_path / "out", CAMPAIGN, settle=0)
    apps = {a["unit"]: a for a in _summary(tmp_path / "out")["applications"]}
    kept, out = apps["河北省机械行业协会"], apps["石家庄市工业和信息化局"]
    assert out["status"] == "不符合申报条件" and kept["status"] == "通过", kept["issues"]
    [hint] = [i for i in kept["issues"] if i["code"] == "duplicate.enterprise"]
    assert hint["severity"] == "warning" and "石家庄市工业和信息化局报送的第1位（不符合申报条件），未计入推荐" in hint["message"]
    [error] = [i for i in out["issues"] if i["code"] == "duplicate.enterprise"]
    assert error["severity"] == "error" and "河北省机械行业协会推荐的第1位" in error["message"]


def test_a_duplicate_within_quotas_names_only_the_recommended_copies(tmp_path, make_form, make_summary):
    """An enterprise recommended by two units within their quotas and sent by a third beyond its quota: the two are
    duplicates of each other (errors), naming each other and not the copy beyond the quota."""
    inbox = tmp_path / "inbox"
    _applications(inbox / "唐山", make_form, make_summary, [(SHARED, "实施六西格玛设计")])
    _applications(inbox / "机械协会", make_form, make_summary, [(SHARED, "推行精益生产")])
    _applications(inbox / "冶金协会", make_form, make_summary, [
        ("河北钢铁集团有限公司", "推行精益生产"), ("唐山瑞丰钢铁有限公司", "推行卓越绩效"), (SHARED, "推行卓越绩效")])
    run(inbox, tmp_path / "out", CAMPAIGN, settle=0)
    apps = {a["unit"]: a for a in _summary(tmp_path / "out")["applications"] if a["enterprise"] == SHARED}
    for unit, other in (("唐山市工业和信息化局", "河北省机械行业协会"), ("河北省机械行业协会", "唐山市工业和信息化局")):
        [error] = [i for i in apps[unit]["issues"] if i["code"] == "duplicate.enterprise"]
        assert error["severity"] == "error" and apps[unit]["status"] == "需补正"
        assert f"另见{other}推荐的第1位。" in error["message"] and "冶金" not in error["message"]
    [error] = [i for i in apps["河北省冶金行业协会"]["issues"] if i["code"] == "duplicate.enterprise"]
    assert "唐山市工业和信息化局推荐的第1位、河北省机械行业协会推荐的第1位" in error["message"]


def test_a_correction_after_the_deadline_leaves_the_on_time_version_standing(tmp_path, make_form, make_summary):
    import datetime as dt

    campaign = load_campaign()
    china = dt.timezone(dt.timedelta(hours=8))
    inbox = tmp_path / "inbox"
    make_form(inbox / "衡水" / "申请表.xlsx")
    make_summary(inbox / "衡水" / "总结材料.docx")
    run(inbox, tmp_path / "out", campaign, settle=0, now=dt.datetime(2021, 9, 18, 9, tzinfo=china))
    make_form(inbox / "衡水" / "申请表（修改版）.xlsx", 联系人="孙丽")
    run(inbox, tmp_path / "out", campaign, settle=0, now=dt.datetime(2021, 9, 22, 9, tzinfo=china))
    s = _summary(tmp_path / "out")
    [app] = s["applications"]
    assert app["status"] == "通过" and app["fields"]["联系人"] == "张伟"
    files = {f["file"]: f for f in s["files"]}
    late = files["衡水/申请表（修改版）.xlsx"]
    assert late["status"] == "late-version"
    assert [i["code"] for i in late["issues"]] == ["deadline.late"] and "不予受理" in late["issues"][0]["message"]


@pytest.mark.parametrize("revenue, expect", [(213000000.0, True), (47000.0, False), (9000000.0, False)])
def test_amounts_written_in_yuan_get_a_hint(tmp_path, make_form, campaign, revenue, expect):
    from toolkit.pipeline import check_files

    form = make_form(tmp_path / "f.xlsx", 主营业收入={2018: revenue, 2019: revenue, 2020: revenue},
                     资产总额={2018: revenue * 1.2, 2019: revenue * 1.2, 2020: revenue * 1.2},
                     利润总额={2018: revenue * 0.05, 2019: revenue * 0.05, 2020: revenue * 0.05})
    [(_, _, report)] = check_files([form], campaign)
    issues = report.issues
    hinted = [i for i in issues if i.code == "finance.suspicious" and "按“元”" in i.message]
    assert bool(hinted) == expect, [i.message for i in issues]


# ---- regressions found in review ----

def test_a_summary_without_its_form_does_not_take_a_neighbours_place(tmp_path, make_form, make_summary):
    folder = tmp_path / "inbox" / "石家庄" / "报送材料"
    make_form(folder / "甲-申请表.xlsx")
    make_summary(folder / "甲-总结材料.docx")
    other = "石家庄博远玻璃有限公司"
    make_summary(folder / "总结材料.docx", enterprise=other, name=f"{other}实施精益生产的经验",
                 企业概况=f"企业名称：{other}。成立于2001年。")
    run(tmp_path / "inbox", tmp_path / "out", CAMPAIGN, settle=0)
    apps = {a["enterprise"]: a for a in _summary(tmp_path / "out")["applications"]}
    assert apps["河北华信精密机械有限公司"]["status"] == "通过", apps["河北华信精密机械有限公司"]["issues"]
    assert [i["code"] for i in apps[other]["issues"] if i["severity"] == "error"] == ["pair.missing-form"]


def test_placement_pairs_a_summary_whose_name_differs(tmp_path, make_form, make_summary):
    folder = tmp_path / "inbox" / "保定" / "1 华信"
    make_form(folder / "申请表.xlsx")
    make_summary(folder / "总结材料.docx", enterprise="某公司", name="质量提升的做法和经验", 企业概况="本公司成立于1998年。")
    run(tmp_path / "inbox", tmp_path / "out", CAMPAIGN, settle=0)
    [app] = _summary(tmp_path / "out")["applications"]
    assert {i["code"] for i in app["issues"] if i["severity"] == "error"} == {"mismatch"}


def test_renaming_a_file_after_the_deadline_keeps_its_received_time(tmp_path, make_form, make_summary):
    import datetime as dt
    import os

    campaign = load_campaign()
    china = dt.timezone(dt.timedelta(hours=8))
    unit = tmp_path / "inbox" / "邢台"
    make_form(unit / "申请表.xlsx")
    make_summary(unit / "总结材料.docx")
    run(tmp_path / "inbox", tmp_path / "out", campaign, settle=0, now=dt.datetime(2021, 9, 15, 9, tzinfo=china))
    os.rename(unit / "申请表.xlsx", unit / "1-申请表.xlsx")  # as our rank.missing hint advises
    os.rename(unit / "总结材料.docx", unit / "1-总结材料.docx")
    run(tmp_path / "inbox", tmp_path / "out", campaign, settle=0, now=dt.datetime(2021, 9, 22, 9, tzinfo=china))
    [app] = _summary(tmp_path / "out")["applications"]
    assert app["status"] == "通过" and app["received_at"].startswith("2021-09-15"), app["issues"]


def test_changing_any_campaign_setting_reruns(tmp_path, make_form, make_summary):
    from dataclasses import replace

    make_form(tmp_path / "inbox" / "石家庄" / "申请表.xlsx")
    make_summary(tmp_path / "inbox" / "石家庄" / "总结材料.docx")
    first = run(tmp_path / "inbox", tmp_path / "out", CAMPAIGN, settle=0)
    again = run(tmp_path / "inbox", tmp_path / "out", CAMPAIGN, settle=0)
    stricter = run(tmp_path / "inbox", tmp_path / "out", replace(CAMPAIGN, name_limit=10), settle=0)
    assert not first.unchanged and again.unchanged and not stricter.unchanged
    [app] = stricter.summary["applications"]
    assert any(i["code"] == "name.too-long" for i in app["issues"])


def test_blank_ranking_sheet_does_not_override_prefixes(tmp_path, make_form, make_summary):
    import shutil

    from conftest import ROOT

    unit = tmp_path / "inbox" / "廊坊"
    for n, ent in ((1, "廊坊甲科技有限公司"), (2, "廊坊乙科技有限公司")):
        make_form(unit / f"{n}-{ent}-申请表.xlsx", 申报单位=ent, 标杆名称=f"{ent}实施精益生产的经验")
        make_summary(unit / f"{n}-{ent}-总结材料.docx", enterprise=ent, name=f"{ent}实施精益生产的经验")
    shutil.copy(ROOT / "templates" / "推荐单位用" / "推荐排序表.xlsx", unit / "推荐排序表.xlsx")
    run(tmp_path / "inbox", tmp_path / "out", CAMPAIGN, settle=0)
    s = _summary(tmp_path / "out")
    assert [a["enterprise"] for a in sorted(s["applications"], key=lambda a: a["rank"])] == [
        "廊坊甲科技有限公司", "廊坊乙科技有限公司"]
    assert next(u for u in s["units"] if u["unit"] == "廊坊市工业和信息化局")["rank_source"] == "文件名序号"


def test_summaries_without_forms_stay_separate(tmp_path, make_summary):
    for sub in ("甲", "乙"):
        make_summary(tmp_path / "inbox" / "石家庄" / sub / "总结材料.docx", drop=("质量标杆名称",),
                     enterprise=f"石家庄{sub}公司", 企业概况=f"企业名称：石家庄{sub}公司。")
    run(tmp_path / "inbox", tmp_path / "out", CAMPAIGN, settle=0)
    s = _summary(tmp_path / "out")
    assert len(s["applications"]) == 2
    assert all(f["status"] == "current" for f in s["files"])


def test_forms_without_enterprise_are_not_duplicates(tmp_path, make_form):
    make_form(tmp_path / "inbox" / "保定" / "申请表.xlsx", 申报单位="")
    make_form(tmp_path / "inbox" / "沧州" / "申请表.xlsx", 申报单位="")
    run(tmp_path / "inbox", tmp_path / "out", CAMPAIGN, settle=0)
    codes = {i["code"] for a in _summary(tmp_path / "out")["applications"] for i in a["issues"]}
    assert "field.missing" in codes and "duplicate.enterprise" not in codes


def test_ranking_sheet_problems_are_listed_on_the_sheet(tmp_path, make_form, make_summary):
    unit = tmp_path / "inbox" / "唐山"
    make_form(unit / "申请表.xlsx")
    make_summary(unit / "总结材料.docx")
    wb = openpyxl.Workbook()
    wb.active.append(["推荐顺序", "申报单位"])
    wb.active.append([1, "河北华信精密机械有限公司"])
    wb.active.append([1, "河北华信精密机械有限公司"])
    wb.active.append([2, "不存在的公司"])
    wb.save(unit / "推荐排序表.xlsx")
    run(tmp_path / "inbox", tmp_path / "out", CAMPAIGN, settle=0)
    files = {f["file"]: f for f in _summary(tmp_path / "out")["files"]}
    codes = [i["code"] for i in files["唐山/推荐排序表.xlsx"]["issues"]]
    assert codes and set(codes) == {"rank.conflict"}


def test_size_bound_typo_in_campaign_is_a_config_error(tmp_path):
    from conftest import run_cli, ROOT

    text = (ROOT / "toolkit" / "campaigns" / "hebei-2021.toml").read_text(encoding="utf-8")
    bad = tmp_path / "c.toml"
    bad.write_text(text.replace("large = { employees = 1000, revenue = 40000 }",
                                "large = { staff = 1000, revenue = 40000 }"), encoding="utf-8")
    (tmp_path / "in").mkdir()
    proc = run_cli("batch", "--inbox", tmp_path / "in", "--outbox", tmp_path / "out", "--campaign", bad)
    assert proc.returncode == 2 and "企业规模" in proc.stderr and "Traceback" not in proc.stderr


def test_huge_files_are_listed_without_being_loaded(tmp_path, monkeypatch):
    from toolkit.workers import Limits

    unit = tmp_path / "inbox" / "唐山"
    unit.mkdir(parents=True)
    (unit / "证实性材料-获奖证书.pdf").write_bytes(b"%PDF-1.4\n" + b"0" * 4000)
    (unit / "唐山推荐意见（盖章）.pdf").write_bytes(b"%PDF-1.4\n" + b"0" * 4000)
    (unit / "总结材料.docx").write_bytes(b"PK\x03\x04" + b"0" * 9000)
    run(tmp_path / "inbox", tmp_path / "out", CAMPAIGN, settle=0, workers=1,
        limits=Limits(head_only_above=1000, max_document=5000))
    s = _summary(tmp_path / "out")
    files = {f["file"]: f for f in s["files"]}
    assert files["唐山/证实性材料-获奖证书.pdf"]["issues"] == []
    assert files["唐山/唐山推荐意见（盖章）.pdf"]["kind"] == "opinion-scan"
    assert [i["code"] for i in files["唐山/总结材料.docx"]["issues"]] == ["file.unsupported"]
    assert "文件太大" in files["唐山/总结材料.docx"]["issues"][0]["message"]


def test_missing_form_points_to_the_units_unreadable_file(tmp_path, make_summary):
    unit = tmp_path / "inbox" / "雄安"
    make_summary(unit / "雄安绿建新材料总结材料.docx", enterprise="雄安绿建新材料有限公司",
                 name="雄安绿建新材料有限公司实施精益生产的经验")
    (unit / "雄安绿建新材料申请表.xlsx").write_bytes(b"PK\x03\x04" + b"\x00" * 100)  # damaged
    run(tmp_path / "inbox", tmp_path / "out", CAMPAIGN, settle=0)
    [app] = _summary(tmp_path / "out")["applications"]
    [issue] = [i for i in app["issues"] if i["code"] == "pair.missing-form"]
    assert "雄安绿建新材料申请表.xlsx" in issue["message"]


def test_new_order_after_stamping_marks_the_stamped_opinion_outdated(tmp_path, make_form, make_summary):
    import datetime as dt

    from toolkit.demo import MINIMAL_PDF

    unit = tmp_path / "inbox" / "秦皇岛"
    for n, ent in ((1, "秦皇岛甲科技有限公司"), (2, "秦皇岛乙科技有限公司")):
        make_form(unit / f"{n}-{ent}-申请表.xlsx", 申报单位=ent, 标杆名称=f"{ent}实施精益生产的经验")
        make_summary(unit / f"{n}-{ent}-总结材料.docx", enterprise=ent, name=f"{ent}实施精益生产的经验")
    (unit / "秦皇岛推荐意见（盖章）.pdf").write_bytes(MINIMAL_PDF)
    t0 = dt.datetime(2021, 9, 15, 9, 0, tzinfo=dt.timezone(dt.timedelta(hours=8)))
    run(tmp_path / "inbox", tmp_path / "out", CAMPAIGN, settle=0, now=t0)
    wb = openpyxl.Workbook()
    wb.active.append(["推荐顺序", "申报单位"])
    wb.active.append([1, "秦皇岛乙科技有限公司"])
    wb.active.append([2, "秦皇岛甲科技有限公司"])
    wb.save(unit / "推荐排序表.xlsx")
    run(tmp_path / "inbox", tmp_path / "out", CAMPAIGN, settle=0, now=t0 + dt.timedelta(hours=5))
    [u] = [u for u in _summary(tmp_path / "out")["units"] if u["unit"] == "秦皇岛市工业和信息化局"]
    assert u["stamped_opinion"] and u["opinion_outdated"] and u["rank_source"] == "推荐排序表"
    receipt = openpyxl.load_workbook(tmp_path / "out" / "latest" / "回执" / "秦皇岛市工业和信息化局-回执.xlsx")
    assert "请核对推荐顺序" in receipt["申报情况"]["A2"].value
    register = openpyxl.load_workbook(tmp_path / "out" / "latest" / "省级汇总表.xlsx", read_only=True)
    cells = [v for row in register["推荐单位情况"].iter_rows(values_only=True) for v in row if isinstance(v, str)]
    assert "已收到，需核对（早于最新材料，必要时重新盖章）" in cells  # the words of the receipt and the status page
    assert "已收到，需核对" in (tmp_path / "out" / "latest" / "index.html").read_text(encoding="utf-8")


@pytest.mark.parametrize("withdraw", ["delete", "set-aside", "sheet"])
def test_a_withdrawal_after_stamping_marks_the_stamped_opinion_outdated(tmp_path, make_form, make_summary, withdraw):
    """Three applications, a stamped scan of the final opinion listing them; then the unit withdraws one — by
    deleting its files, by moving them into an '已撤回' sub-folder, or by a 推荐排序表 — the stamp lists an
    application no longer recommended: 需核对, in summary.json, the register and the receipt. (Before, a withdrawal
    by removing files left the stamp '已收到' as if it were still the opinion to forward.)"""
    import datetime as dt
    import shutil

    from toolkit.demo import MINIMAL_PDF

    unit = tmp_path / "inbox" / "秦皇岛"
    firms = ("秦皇岛甲科技有限公司", "秦皇岛乙科技有限公司", "秦皇岛丙科技有限公司")
    for n, ent in enumerate(firms, start=1):
        make_form(unit / f"{n}-{ent}-申请表.xlsx", 申报单位=ent, 标杆名称=f"{ent}实施精益生产的经验", 所在地区="秦皇岛市")
        make_summary(unit / f"{n}-{ent}-总结材料.docx", enterprise=ent, name=f"{ent}实施精益生产的经验")
    t0 = dt.datetime(2021, 9, 15, 9, 0, tzinfo=dt.timezone(dt.timedelta(hours=8)))
    run(tmp_path / "inbox", tmp_path / "out", CAMPAIGN, settle=0, now=t0)
    (unit / "秦皇岛推荐意见（盖章）.pdf").write_bytes(MINIMAL_PDF)
    run(tmp_path / "inbox", tmp_path / "out", CAMPAIGN, settle=0, now=t0 + dt.timedelta(hours=2))
    [u] = [u for u in _summary(tmp_path / "out")["units"] if u["unit"] == "秦皇岛市工业和信息化局"]
    assert u["stamped_opinion"] and not u["opinion_outdated"] and u["opinion_final"], u
    if withdraw == "sheet":
        wb = openpyxl.Workbook()
        wb.active.append(["推荐顺序", "申报单位", "备注"])
        for n, ent in enumerate(firms, start=1):
            wb.active.append([n, ent, "撤回" if n == 2 else None])
        wb.save(unit / "推荐排序表.xlsx")
    else:
        (unit / "已撤回").mkdir()
        for path in unit.glob(f"2-{firms[1]}-*"):
            path.unlink() if withdraw == "delete" else shutil.move(path, unit / "已撤回" / path.name)
    run(tmp_path / "inbox", tmp_path / "out", CAMPAIGN, settle=0, now=t0 + dt.timedelta(hours=5))
    summary = _summary(tmp_path / "out")
    assert {a["enterprise"]: a["status"] for a in summary["applications"]}[firms[1]] == "已撤回"
    [u] = [u for u in summary["units"] if u["unit"] == "秦皇岛市工业和信息化局"]
    assert u["stamped_opinion"] and u["opinion_outdated"], u
    receipt = openpyxl.load_workbook(tmp_path / "out" / "latest" / "回执" / "秦皇岛市工业和信息化局-回执.xlsx")
    assert "请核对推荐顺序" in receipt["申报情况"]["A2"].value
    register = openpyxl.load_workbook(tmp_path / "out" / "latest" / "省级汇总表.xlsx", read_only=True)
    row = next(r for r in register["推荐单位情况"].iter_rows(values_only=True) if r[1] == "秦皇岛市工业和信息化局")
    assert "已收到，需核对（早于最新材料，必要时重新盖章）" in row, row


@pytest.mark.parametrize("when, late", [("2021-09-20T17:00:00+08:00", False), ("2021-09-21T09:00:00+08:00", True)])
def test_a_stamped_opinion_received_after_the_deadline_is_in_doubt(tmp_path, make_form, make_summary, when, late):
    """The notice: 推荐意见（盖章）… by the deadline, 逾期不再受理. A stamped scan first seen after it (the
    applications came in time) is received but in doubt — a deadline.late hint on the scan, '截止时间后收到' in the
    receipt and the register, the status page's 需核对 — and one in time is simply received."""
    import datetime as dt

    from toolkit.campaign import load_campaign
    from toolkit.demo import MINIMAL_PDF

    campaign = load_campaign().with_deadline("2021-09-20")
    unit = tmp_path / "inbox" / "秦皇岛"
    ent = "秦皇岛甲科技有限公司"
    make_form(unit / f"1-{ent}-申请表.xlsx", 申报单位=ent, 标杆名称=f"{ent}实施精益生产的经验", 所在地区="秦皇岛市")
    make_summary(unit / f"1-{ent}-总结材料.docx", enterprise=ent, name=f"{ent}实施精益生产的经验")
    start = dt.datetime.fromisoformat("2021-09-15T09:00+08:00")
    run(tmp_path / "inbox", tmp_path / "out", campaign, settle=0, now=start)
    (unit / "秦皇岛推荐意见（盖章）.pdf").write_bytes(MINIMAL_PDF)
    run(tmp_path / "inbox", tmp_path / "out", campaign, settle=0, now=dt.datetime.fromisoformat(when))
    summary = _summary(tmp_path / "out")
    [u] = [u for u in summary["units"] if u["unit"] == "秦皇岛市工业和信息化局"]
    assert u["stamped_opinion"] and u["opinion_late"] == late and not u["opinion_outdated"], u
    [scan] = [f for f in summary["files"] if f["file"].endswith(".pdf")]
    assert [(i["code"], i["severity"]) for i in scan["issues"]] == ([("deadline.late", "warning")] if late else [])
    assert {a["status"] for a in summary["applications"]} == {"通过"}
    receipt = openpyxl.load_workbook(tmp_path / "out" / "latest" / "回执" / "秦皇岛市工业和信息化局-回执.xlsx")
    assert ("截止时间后才收到" in receipt["申报情况"]["A2"].value) == late
    register = openpyxl.load_workbook(tmp_path / "out" / "latest" / "省级汇总表.xlsx", read_only=True)
    row = next(r for r in register["推荐单位情况"].iter_rows(values_only=True) if r[1] == "秦皇岛市工业和信息化局")
    assert ("已收到，需核对（截止时间后收到）" if late else "已收到") in row, row
    page = (tmp_path / "out" / "latest" / "index.html").read_text(encoding="utf-8")
    assert ('data-stamped="outdated"' in page) == late


@pytest.mark.parametrize("after", ["a late version", "a late application", "both", "an on-time correction"])
def test_material_not_accepted_does_not_outdate_a_stamp(tmp_path, make_form, make_summary, after):
    """The audit's case 8: a stamped 推荐意见 received before the deadline stays simply received (已收到, nothing to
    re-stamp) when what came after it is not accepted — a corrected 申请表 after the deadline (a late version, the
    on-time one stands) or a third application 逾期; a correction before the deadline still outdates it."""
    import datetime as dt

    from toolkit.campaign import load_campaign
    from toolkit.demo import MINIMAL_PDF

    campaign = load_campaign().with_deadline("2021-09-20")
    china = dt.timezone(dt.timedelta(hours=8))
    unit = tmp_path / "inbox" / "唐山"
    firms = ("唐山华信精密机械有限公司", "唐山恒泰精密机械有限公司", "唐山宏达精密机械有限公司")

    def pair(n: int, method: str = "实施六西格玛设计") -> None:
        name = f"{firms[n - 1]}{method}的经验"
        make_form(unit / f"{n}-申请表.xlsx", 申报单位=firms[n - 1], 标杆名称=name, 所在地区="唐山市")
        make_summary(unit / f"{n}-总结材料.docx", enterprise=firms[n - 1], name=name)

    pair(1)
    pair(2)
    run(tmp_path / "inbox", tmp_path / "out", campaign, settle=0, now=dt.datetime(2021, 9, 10, 9, tzinfo=china))
    (unit / "唐山市工业和信息化局推荐意见（盖章）.pdf").write_bytes(MINIMAL_PDF)
    run(tmp_path / "inbox", tmp_path / "out", campaign, settle=0, now=dt.datetime(2021, 9, 15, 9, tzinfo=china))
    if after in ("a late version", "both", "an on-time correction"):
        make_form(unit / "1-申请表.xlsx", 申报单位=firms[0], 标杆名称=f"{firms[0]}实施六西格玛设计的经验",
                  所在地区="唐山市", 联系人="孙丽")
    if after in ("a late application", "both"):
        pair(3)
    later = dt.datetime(2021, 9, 18 if after == "an on-time correction" else 25, 9, tzinfo=china)
    run(tmp_path / "inbox", tmp_path / "out", campaign, settle=0, now=later)
    summary = _summary(tmp_path / "out")
    [u] = [u for u in summary["units"] if u["unit"] == "唐山市工业和信息化局"]
    outdated = after == "an on-time correction"
    assert u["stamped_opinion"] and u["opinion_outdated"] is outdated, u
    assert [a["status"] for a in summary["applications"] if a["enterprise"] != firms[2]] == ["通过", "通过"]
    register = openpyxl.load_workbook(tmp_path / "out" / "latest" / "省级汇总表.xlsx", read_only=True)
    row = next(r for r in register["推荐单位情况"].iter_rows(values_only=True) if r[1] == "唐山市工业和信息化局")
    assert ("已收到，需核对（早于最新材料，必要时重新盖章）" if outdated else "已收到") in row, row


def test_a_stamp_on_a_draft_opinion_is_received_but_in_doubt(tmp_path, make_form, make_summary):
    """Two applications without an order given (receipt order: the 推荐意见 is a draft) and a stamped scan: the
    scan is received, but the receipt, the register and the status page say the stamp is on a draft — before,
    '已收到' with nothing more, as if the unit's opinion were done."""
    import datetime as dt

    from toolkit.demo import MINIMAL_PDF

    unit = tmp_path / "inbox" / "秦皇岛"
    for ent in ("秦皇岛甲科技有限公司", "秦皇岛乙科技有限公司"):
        make_form(unit / f"{ent}-申请表.xlsx", 申报单位=ent, 标杆名称=f"{ent}实施精益生产的经验", 所在地区="秦皇岛市")
        make_summary(unit / f"{ent}-总结材料.docx", enterprise=ent, name=f"{ent}实施精益生产的经验")
    (unit / "秦皇岛推荐意见（盖章）.pdf").write_bytes(MINIMAL_PDF)
    t0 = dt.datetime(2021, 9, 15, 9, 0, tzinfo=dt.timezone(dt.timedelta(hours=8)))
    run(tmp_path / "inbox", tmp_path / "out", CAMPAIGN, settle=0, now=t0)
    [u] = [u for u in _summary(tmp_path / "out")["units"] if u["unit"] == "秦皇岛市工业和信息化局"]
    assert u["stamped_opinion"] and not u["opinion_outdated"] and not u["opinion_final"]
    receipt = openpyxl.load_workbook(tmp_path / "out" / "latest" / "回执" / "秦皇岛市工业和信息化局-回执.xlsx")
    texts = [v for row in receipt["申报情况"].iter_rows(values_only=True) for v in row if isinstance(v, str)]
    assert any("推荐意见目前仍是草稿" in t and "重新盖章" in t for t in texts), texts
    register = openpyxl.load_workbook(tmp_path / "out" / "latest" / "省级汇总表.xlsx", read_only=True)
    row = next(r for r in register["推荐单位情况"].iter_rows(values_only=True) if r[1] == "秦皇岛市工业和信息化局")
    assert "已收到，需核对（推荐意见仍是草稿，处理后需重新盖章）" in row and "盖章件不能作为正式推荐意见" in row[-1]
    from lxml import html

    dom = html.fromstring((tmp_path / "out" / "latest" / "index.html").read_bytes())
    [tile] = dom.xpath('//article[@data-unit="秦皇岛市工业和信息化局"]')
    assert tile.get("data-stamped") == "outdated" and "已收到，需核对" in tile.text_content()


def test_a_file_that_cannot_be_read_is_listed_not_dropped(tmp_path, make_form, monkeypatch):
    import toolkit.discover as discover

    make_form(tmp_path / "inbox" / "承德" / "申请表.xlsx")
    locked = tmp_path / "inbox" / "承德" / "被占用的总结材料.docx"
    locked.write_bytes(b"x")
    real = discover._sha256

    def sha_or_locked(path):
        if path.name == locked.name:
            raise PermissionError(13, "Permission denied", str(path))
        return real(path)

    monkeypatch.setattr(discover, "_sha256", sha_or_locked)
    run(tmp_path / "inbox", tmp_path / "out", CAMPAIGN, settle=0, workers=1)
    files = {f["file"]: f for f in _summary(tmp_path / "out")["files"]}
    assert "承德/被占用的总结材料.docx" in files
    assert files["承德/被占用的总结材料.docx"]["unit"] == "承德市工业和信息化局"


def test_an_unchanged_run_does_not_rewrite_the_journal(tmp_path, make_form):
    make_form(tmp_path / "inbox" / "承德" / "申请表.xlsx")
    run(tmp_path / "inbox", tmp_path / "out", CAMPAIGN, settle=0)
    journal = tmp_path / "out" / ".state" / "journal.jsonl"
    before = journal.stat().st_mtime_ns
    assert run(tmp_path / "inbox", tmp_path / "out", CAMPAIGN, settle=0).unchanged
    assert journal.stat().st_mtime_ns == before


@pytest.mark.parametrize("key", ["资产总额", "主营业收入", "其他业务收入", "利润总额"])
def test_each_amount_written_in_yuan_is_named_by_its_cell(tmp_path, make_form, campaign, key):
    """Any one figure typed in 元 (the others in 万元) gets a hint on its own cells, per year: a newcomer's try fixed
    the revenue the only hint named and 资产总额 in 元 was never questioned."""
    from toolkit.pipeline import check_files

    good = {"资产总额": 52000.0, "主营业收入": 45000.0, "其他业务收入": 1200.0, "利润总额": 3200.0}
    form = make_form(tmp_path / "f.xlsx", **{key: {year: good[key] * 10000 for year in (2018, 2019, 2020)}})
    [(_, _, report)] = check_files([form], campaign)
    hinted = [i for i in report.issues if i.code == "finance.suspicious" and i.message.startswith(f"{i.field}（")
              and "按“元”而不是“万元”填写" in i.message]
    assert {i.field for i in hinted} == {f"{year}年{key}" for year in (2018, 2019, 2020)}, [i.message for i in hinted]


@pytest.mark.parametrize("changes, hinted", [
    ({"资产总额": {y: 520_000_000.0 for y in (2018, 2019, 2020)}}, {"资产总额": 3}),  # one hint a year, not two
    ({"从业人员": {2018: 1.3, 2019: 1.3, 2020: 1.3}}, {}),  # the head-count is wrong, not the amounts
    ({"资产总额": {y: 3_000_000.0 for y in (2018, 2019, 2020)},  # a holding company: 300 亿元, 120 people
      "从业人员": {2018: 120, 2019: 120, 2020: 120}}, {}),
    ({"资产总额": {y: 400_000.0 for y in (2018, 2019, 2020)},  # a wind farm: 40 亿元, 18 people
      "从业人员": {2018: 18, 2019: 18, 2020: 18}}, {}),
    ({"主营业收入": {y: 40_000_000.0 for y in (2018, 2019, 2020)},  # 河钢-size: 4,000 亿元, 100,000 people
      "资产总额": {y: 50_000_000.0 for y in (2018, 2019, 2020)}, "从业人员": {2018: 100_000, 2019: 100_000, 2020: 100_000},
      "利润总额": {y: 500_000.0 for y in (2018, 2019, 2020)}}, {})])
def test_amounts_in_yuan_one_hint_for_one_mistake_none_for_real_giants(tmp_path, make_form, campaign, changes, hinted):
    from toolkit.pipeline import check_files

    [(_, _, report)] = check_files([make_form(tmp_path / "f.xlsx", **changes)], campaign)
    yuan = [i for i in report.issues if i.code == "finance.suspicious" and "按“元”" in i.message]
    counts = {}
    for issue in yuan:
        key = issue.field[5:]  # '2018年资产总额' -> '资产总额'
        counts[key] = counts.get(key, 0) + 1
    assert counts == hinted, [i.message for i in yuan]



@pytest.mark.parametrize("then", ["old draft saved again", "correction saved again", "a new plain-named file",
                                  "old summary saved again"])
def test_an_old_draft_saved_after_its_correction_is_said(tmp_path, make_form, make_summary, then):
    """The clerk's-week audit's W5: '1-申请表.xlsx', then '1-申请表（修改版）.xlsx', then the old draft opened and
    saved again — the newest counts (as before), and now a version.resaved hint on the application says the
    correction was not taken and how to take it. Saving the correction again, or a first file of another name,
    says nothing; a 总结材料 likewise."""
    import datetime as dt

    china = dt.timezone(dt.timedelta(hours=8))
    unit = tmp_path / "inbox" / "沧州"
    corrected_form = "1-申请表（修改版）.xlsx" if then != "old summary saved again" else None
    make_form(unit / "1-申请表.xlsx", 所在地区="沧州市")
    make_summary(unit / "1-总结材料.docx")
    run(tmp_path / "inbox", tmp_path / "out", CAMPAIGN, settle=0, now=dt.datetime(2021, 9, 10, 9, tzinfo=china))
    if then == "a new plain-named file":
        make_form(unit / "1-申请表（修改版）.xlsx", 所在地区="沧州市", 联系人="孙丽")
    elif corrected_form:
        make_form(unit / corrected_form, 所在地区="沧州市", 联系人="孙丽")
    else:
        make_summary(unit / "1-总结材料（修改版）.docx", 企业概况="河北华信精密机械有限公司成立于2001年。" * 5)
    run(tmp_path / "inbox", tmp_path / "out", CAMPAIGN, settle=0, now=dt.datetime(2021, 9, 11, 9, tzinfo=china))
    if then == "old draft saved again":
        make_form(unit / "1-申请表.xlsx", 所在地区="沧州市", 电话="0317-2088888")
    elif then == "correction saved again":
        make_form(unit / corrected_form, 所在地区="沧州市", 联系人="孙丽", 电话="0317-2088888")
    elif then == "a new plain-named file":
        make_form(unit / "1-申请表-沧州.xlsx", 所在地区="沧州市", 电话="0317-2088888")
    else:
        make_summary(unit / "1-总结材料.docx", 企业概况="河北华信精密机械有限公司成立于1998年，是专业企业。" * 5)
    run(tmp_path / "inbox", tmp_path / "out", CAMPAIGN, settle=0, now=dt.datetime(2021, 9, 12, 9, tzinfo=china))
    [app] = _summary(tmp_path / "out")["applications"]
    hints = [i for i in app["issues"] if i["code"] == "version.resaved"]
    if then in ("old draft saved again", "old summary saved again"):
        kind, name = ("申请表", "1-申请表.xlsx") if then == "old draft saved again" else ("总结材料", "1-总结材料.docx")
        other = "1-申请表（修改版）.xlsx" if kind == "申请表" else "1-总结材料（修改版）.docx"
        [hint] = hints
        assert hint["severity"] == "warning" and hint["file"] == f"沧州/{name}" and hint["location"] == kind
        assert f"“{name}”在“{other}”之后又被修改保存（2021年" in hint["message"]
        assert f"如应以“{other}”为准，请把“{name}”移出本单位文件夹或删除后重新汇总" in hint["message"]
        assert app["status"] == "通过"
    else:
        assert hints == [], hints
