"""Withdrawal is a status, not a disappearance: 撤回 in the ranking sheet, or the files removed."""
from __future__ import annotations

import datetime as dt
import json
import shutil

import docx
import openpyxl
import pytest
from workbook_builders import ranking_sheet

from toolkit.campaign import CHINA_TZ
from toolkit.pipeline import run

UNIT = "唐山市工业和信息化局"
FIRMS = ["唐山华信精密机械有限公司", "唐山恒达轴承有限公司", "唐山冀东水泥装备有限公司", "唐山开滦机械有限公司"]
DAY = dt.datetime(2021, 9, 10, 10, 0, tzinfo=CHINA_TZ)


def _name(firm: str) -> str:
    return f"{firm.removesuffix('有限公司')}推行精益生产的经验"


def _unit(tmp_path, make_form, make_summary, firms=FIRMS):
    unit = tmp_path / "inbox" / "唐山"
    for n, firm in enumerate(firms, start=1):
        make_form(unit / f"{n}-{firm}-申请表.xlsx", 申报单位=firm, 标杆名称=_name(firm), 所在地区="唐山市")
        make_summary(unit / f"{n}-{firm}-总结材料.docx", enterprise=firm, name=_name(firm))
    return unit


def _summary(out):
    return json.loads((out / "latest" / "summary.json").read_text(encoding="utf-8"))


def _opinion_text(out):
    document = docx.Document(str(out / "latest" / "推荐意见" / f"{UNIT}-推荐意见.docx"))
    return "\n".join([p.text for p in document.paragraphs]
                     + [c.text for t in document.tables for r in t.rows for c in r.cells])


def _receipt_text(out):
    wb = openpyxl.load_workbook(out / "latest" / "回执" / f"{UNIT}-回执.xlsx")
    return "\n".join(str(v) for ws in wb.worksheets for row in ws.iter_rows(values_only=True) for v in row if v)


def _assert_withdrawn(out, firm, *, not_errors=("rank.conflict",)):
    summary = _summary(out)
    apps = {a["enterprise"]: a for a in summary["applications"]}
    assert apps[firm]["status"] == "已撤回" and apps[firm]["withdrawn_at"], apps[firm]
    assert apps[firm]["rank"] is None
    others = [a for name, a in apps.items() if name != firm]
    assert [a["status"] for a in others] == ["通过"] * 3  # the withdrawn one takes no quota place
    [unit] = [u for u in summary["units"] if u["unit"] == UNIT]
    assert (unit["received"], unit["passed"], unit["over_quota"], unit["withdrawn"]) == (4, 3, 0, 1)
    codes = [i["code"] for a in summary["applications"] for i in a["issues"] if i["severity"] == "error"]
    codes += [i["code"] for f in summary["files"] for i in f["issues"] if i["severity"] == "error"]
    assert not set(codes) & set(not_errors), codes
    assert firm not in _opinion_text(out)
    receipt = _receipt_text(out)
    assert firm in receipt and "已撤回" in receipt
    register = openpyxl.load_workbook(out / "latest" / "省级汇总表.xlsx")
    cells = [str(v) for ws in register.worksheets for row in ws.iter_rows(values_only=True) for v in row if v]
    assert firm in cells and "已撤回" in cells


def test_withdrawn_in_the_ranking_sheet(tmp_path, make_form, make_summary, campaign):
    unit = _unit(tmp_path, make_form, make_summary)
    run(tmp_path / "inbox", tmp_path / "out", campaign, settle=0, workers=1, now=DAY)
    assert [a["status"] for a in _summary(tmp_path / "out")["applications"]].count("超出名额") == 1
    ranking_sheet(unit / "推荐排序表.xlsx", [[1, FIRMS[0], _name(FIRMS[0]), ""], ["撤回", FIRMS[1], "", "企业主动撤回"],
                                        [2, FIRMS[2], "", ""], [3, FIRMS[3], "", ""]])
    run(tmp_path / "inbox", tmp_path / "out", campaign, settle=0, workers=1, now=DAY + dt.timedelta(days=1))
    _assert_withdrawn(tmp_path / "out", FIRMS[1])
    apps = {a["enterprise"]: a for a in _summary(tmp_path / "out")["applications"]}
    assert apps[FIRMS[1]]["withdrawn_at"].startswith("2021-09-11")
    assert [apps[f]["rank"] for f in (FIRMS[0], FIRMS[2], FIRMS[3])] == [1, 2, 3]


def test_withdrawn_in_a_note_column_with_its_rank_kept(tmp_path, make_form, make_summary, campaign):
    unit = _unit(tmp_path, make_form, make_summary)
    ranking_sheet(unit / "推荐排序表.xlsx", [[1, FIRMS[0], "", ""], [2, FIRMS[1], "", "撤回"], [3, FIRMS[2], "", ""],
                                        [4, FIRMS[3], "", ""]])
    run(tmp_path / "inbox", tmp_path / "out", campaign, settle=0, workers=1, now=DAY)
    _assert_withdrawn(tmp_path / "out", FIRMS[1])


def test_withdrawn_by_removing_the_files(tmp_path, make_form, make_summary, campaign):
    unit = _unit(tmp_path, make_form, make_summary)
    ranking_sheet(unit / "推荐排序表.xlsx", [[i + 1, firm, "", ""] for i, firm in enumerate(FIRMS)])
    run(tmp_path / "inbox", tmp_path / "out", campaign, settle=0, workers=1, now=DAY)
    assert {a["enterprise"]: a["status"] for a in _summary(tmp_path / "out")["applications"]}[FIRMS[3]] == "超出名额"
    kept = tmp_path / "移出的材料"  # as the over-quota message advises: moved out, kept elsewhere
    kept.mkdir()
    for path in unit.glob(f"4-{FIRMS[3]}-*"):
        shutil.move(str(path), kept / path.name)
    # the old ranking sheet still names it with rank 4: not an error
    run(tmp_path / "inbox", tmp_path / "out", campaign, settle=0, workers=1, now=DAY + dt.timedelta(days=2))
    _assert_withdrawn(tmp_path / "out", FIRMS[3])
    files = {f["file"]: f for f in _summary(tmp_path / "out")["files"]}
    assert files[f"唐山/4-{FIRMS[3]}-申请表.xlsx"]["status"] == "removed"
    apps = {a["enterprise"]: a for a in _summary(tmp_path / "out")["applications"]}
    assert apps[FIRMS[3]]["withdrawn_at"].startswith("2021-09-12")


def test_a_number_freed_by_removed_files_is_no_gap(tmp_path, make_form, make_summary, campaign):
    """Files numbered 1- to 4-, the 2- pair moved out (a withdrawal): 3- and 4- move up to 2 and 3 without a
    rank.gap hint — the unit withdrew the second. Its files' number freed nothing while they were there: a 1-, 3-,
    4- unit that never had a 2- is told."""
    unit = _unit(tmp_path, make_form, make_summary)
    run(tmp_path / "inbox", tmp_path / "out", campaign, settle=0, workers=1, now=DAY)
    kept = tmp_path / "移出的材料"
    kept.mkdir()
    for path in unit.glob(f"2-{FIRMS[1]}-*"):
        shutil.move(str(path), kept / path.name)
    run(tmp_path / "inbox", tmp_path / "out", campaign, settle=0, workers=1, now=DAY + dt.timedelta(days=1))
    apps = {a["enterprise"]: a for a in _summary(tmp_path / "out")["applications"]}
    assert [apps[f]["rank"] for f in FIRMS] == [1, None, 2, 3]
    codes = [i["code"] for a in apps.values() for i in a["issues"]]
    assert "rank.gap" not in codes, codes
    other = tmp_path / "other"
    unit = other / "inbox" / "唐山"
    for n, firm in zip((1, 3, 4), (FIRMS[0], FIRMS[2], FIRMS[3])):
        make_form(unit / f"{n}-{firm}-申请表.xlsx", 申报单位=firm, 标杆名称=_name(firm), 所在地区="唐山市")
        make_summary(unit / f"{n}-{firm}-总结材料.docx", enterprise=firm, name=_name(firm))
    run(other / "inbox", other / "out", campaign, settle=0, workers=1, now=DAY)
    apps = {a["enterprise"]: a for a in _summary(other / "out")["applications"]}
    assert [apps[f]["rank"] for f in (FIRMS[0], FIRMS[2], FIRMS[3])] == [1, 2, 3]
    [gap] = [i for i in apps[FIRMS[2]]["issues"] if i["code"] == "rank.gap"]
    assert "没有序号2" in gap["message"] and f"“{FIRMS[2]}”由第3位改为第2位" in gap["message"]


def test_ranks_from_sub_folder_names_with_a_gap_send_the_clerk_to_the_folders(tmp_path, make_form, make_summary,
                                                                               campaign):
    """Each pair in a sub-folder numbered '1-…', '3-…' (its files' names unnumbered): the rank.gap hint names the
    folders' names, where the numbers are — it said '文件名开头的序号' and to renumber the files, which have none."""
    unit = tmp_path / "inbox" / "唐山"
    for n, firm in zip((1, 3), FIRMS):
        make_form(unit / f"{n}-{firm}" / "申请表.xlsx", 申报单位=firm, 标杆名称=_name(firm), 所在地区="唐山市")
        make_summary(unit / f"{n}-{firm}" / "总结材料.docx", enterprise=firm, name=_name(firm))
    run(tmp_path / "inbox", tmp_path / "out", campaign, settle=0, workers=1, now=DAY)
    apps = {a["enterprise"]: a for a in _summary(tmp_path / "out")["applications"]}
    assert [apps[f]["rank"] for f in FIRMS[:2]] == [1, 2]
    [gap] = [i for i in apps[FIRMS[1]]["issues"] if i["code"] == "rank.gap"]
    assert gap["location"] == "文件夹名" and gap["file"] == f"唐山/3-{FIRMS[1]}/申请表.xlsx"
    assert gap["message"].startswith("文件夹名开头的序号不连续（没有序号2）"), gap["message"]
    assert "请把文件夹名开头的序号改为连续的" in gap["message"] and "文件名开头" not in gap["message"]


def test_a_rank_of_a_row_listing_an_enterprise_again_is_no_gap(tmp_path, make_form, make_summary, campaign):
    """A 推荐排序表 listing the first enterprise at 1 and again at 2, the second at 3: the second row is an error of its
    own (rank.conflict, '出现了两次'); its 2 is not a number left out, so no rank.gap hint saying '没有第2位' and asking
    whether an enterprise was left out."""
    unit = _unit(tmp_path, make_form, make_summary, FIRMS[:2])
    for path in unit.iterdir():
        path.rename(unit / path.name.split("-", 1)[1])  # (unnumbered files: the sheet alone gives the order)
    ranking_sheet(unit / "推荐排序表.xlsx", [[1, FIRMS[0], "", ""], [2, FIRMS[0], "", ""], [3, FIRMS[1], "", ""]])
    run(tmp_path / "inbox", tmp_path / "out", campaign, settle=0, workers=1, now=DAY)
    summary = _summary(tmp_path / "out")
    apps = {a["enterprise"]: a for a in summary["applications"]}
    assert [apps[f]["rank"] for f in FIRMS[:2]] == [1, 2]
    issues = [i for f in summary["files"] for i in f["issues"]] + [i for a in apps.values() for i in a["issues"]]
    assert any(i["code"] == "rank.conflict" and "出现了两次" in i["message"] for i in issues), issues
    assert not [i for i in issues if i["code"] == "rank.gap"], issues


def test_a_rank_left_blank_for_an_application_that_cannot_be_recommended_is_no_gap(tmp_path, make_form,
                                                                                    make_summary, campaign):
    """A 推荐排序表 ranking 1 and 3 with, between them, an application 不符合申报条件 (利润总额 below 0) left without a
    rank: the clerk left it blank on purpose (it takes no place), so no rank.gap hint asks whether an enterprise
    was left out; a sheet ranking 1 and 3 with no such row still gets it."""
    unit = _unit(tmp_path, make_form, make_summary, FIRMS[:3])
    make_form(unit / f"2-{FIRMS[1]}-申请表.xlsx", 申报单位=FIRMS[1], 标杆名称=_name(FIRMS[1]), 所在地区="唐山市",
              利润总额={2018: -500.0, 2019: 3300.0, 2020: 3650.25})
    rows = [[1, FIRMS[0], "", ""], [None, FIRMS[1], "", ""], [3, FIRMS[2], "", ""]]
    ranking_sheet(unit / "推荐排序表.xlsx", rows)
    run(tmp_path / "inbox", tmp_path / "out", campaign, settle=0, workers=1, now=DAY)
    summary = _summary(tmp_path / "out")
    apps = {a["enterprise"]: a for a in summary["applications"]}
    assert apps[FIRMS[1]]["status"] == "不符合申报条件"
    assert [apps[f]["rank"] for f in FIRMS[:3]] == [1, 3, 2]
    issues = [i for f in summary["files"] for i in f["issues"]] + [i for a in apps.values() for i in a["issues"]]
    assert not [i for i in issues if i["code"] in ("rank.gap", "rank.conflict")], issues
    ranking_sheet(unit / "推荐排序表.xlsx", [rows[0], rows[2]])  # (the same ranks, the blank row gone: told)
    run(tmp_path / "inbox", tmp_path / "out", campaign, settle=0, workers=1, now=DAY + dt.timedelta(hours=1))
    summary = _summary(tmp_path / "out")
    [gap] = [i for f in summary["files"] for i in f["issues"] if i["code"] == "rank.gap"]
    assert "没有第2位" in gap["message"], gap


def test_a_renamed_file_is_not_a_withdrawal(tmp_path, make_form, make_summary, campaign):
    unit = _unit(tmp_path, make_form, make_summary, FIRMS[:2])
    run(tmp_path / "inbox", tmp_path / "out", campaign, settle=0, workers=1, now=DAY)
    (unit / f"2-{FIRMS[1]}-申请表.xlsx").rename(unit / f"2-{FIRMS[1]}-申请表（修改）.xlsx")
    run(tmp_path / "inbox", tmp_path / "out", campaign, settle=0, workers=1, now=DAY + dt.timedelta(days=1))
    statuses = [(a["enterprise"], a["status"]) for a in _summary(tmp_path / "out")["applications"]]
    assert statuses == [(FIRMS[0], "通过"), (FIRMS[1], "通过")]


def test_an_empty_inbox_after_a_full_one_is_not_a_mass_withdrawal(tmp_path, make_form, make_summary, campaign):
    import pytest

    from toolkit.discover import InboxUnavailable

    unit = _unit(tmp_path, make_form, make_summary, FIRMS[:2])
    run(tmp_path / "inbox", tmp_path / "out", campaign, settle=0, workers=1, now=DAY)
    before = (tmp_path / "out" / "latest" / "summary.json").read_text(encoding="utf-8")
    shutil.rmtree(unit)  # an unmounted share shows an empty folder
    with pytest.raises(InboxUnavailable) as raised:
        run(tmp_path / "inbox", tmp_path / "out", campaign, settle=0, workers=1, now=DAY)
    assert "共享盘" in str(raised.value)
    assert (tmp_path / "out" / "latest" / "summary.json").read_text(encoding="utf-8") == before


@pytest.mark.parametrize("row", [["撤回", FIRMS[0], "", ""], [1, FIRMS[0], "", "撤回"]], ids=["in-rank", "in-note"])
def test_a_units_only_application_withdrawn_in_the_ranking_sheet(tmp_path, make_form, make_summary, campaign, row):
    """A sheet withdrawing the unit's only application has no rank left in it: it is still the unit's sheet (it was
    dropped as if blank, silently), so the application is 已撤回 and no longer a duplicate of another unit's."""
    unit = _unit(tmp_path, make_form, make_summary, firms=FIRMS[:1])
    other = tmp_path / "inbox" / "邯郸"
    make_form(other / f"{FIRMS[0]}-申请表.xlsx", 申报单位=FIRMS[0], 标杆名称=_name(FIRMS[0]), 所在地区="唐山市")
    make_summary(other / f"{FIRMS[0]}-总结材料.docx", enterprise=FIRMS[0], name=_name(FIRMS[0]))
    run(tmp_path / "inbox", tmp_path / "out", campaign, settle=0, workers=1, now=DAY)
    codes = {a["unit"]: [i["code"] for i in a["issues"]] for a in _summary(tmp_path / "out")["applications"]}
    assert all("duplicate.enterprise" in c for c in codes.values()) and len(codes) == 2
    ranking_sheet(unit / "推荐排序表.xlsx", [row])
    run(tmp_path / "inbox", tmp_path / "out", campaign, settle=0, workers=1, now=DAY + dt.timedelta(days=1))
    summary = _summary(tmp_path / "out")
    apps = {a["unit"]: a for a in summary["applications"]}
    assert apps[UNIT]["status"] == "已撤回" and apps[UNIT]["withdrawn_at"].startswith("2021-09-11")
    assert apps["邯郸市工业和信息化局"]["status"] == "通过"
    assert not [i for i in apps["邯郸市工业和信息化局"]["issues"] if i["code"] == "duplicate.enterprise"]
    [sheet] = [f for f in summary["files"] if f["file"] == "唐山/推荐排序表.xlsx"]
    assert sheet["status"] == "current" and not sheet["issues"]
    assert "已撤回" in _receipt_text(tmp_path / "out") and FIRMS[0] not in _opinion_text(tmp_path / "out")


def test_a_sheet_that_only_withdraws_leaves_the_order_to_file_names(tmp_path, make_form, make_summary, campaign):
    """A sheet that marks one application 撤回 and gives no rank (the others ranked by their files' '1-' prefixes):
    the one is withdrawn, the others keep their order by file name, without a rank problem."""
    unit = _unit(tmp_path, make_form, make_summary)
    ranking_sheet(unit / "推荐排序表.xlsx", [["", FIRMS[0], "", ""], ["撤回", FIRMS[1], "", ""]])
    run(tmp_path / "inbox", tmp_path / "out", campaign, settle=0, workers=1, now=DAY)
    _assert_withdrawn(tmp_path / "out", FIRMS[1], not_errors=("rank.conflict", "rank.missing"))
    apps = {a["enterprise"]: a for a in _summary(tmp_path / "out")["applications"]}
    assert [(apps[f]["rank"], apps[f]["rank_source"]) for f in (FIRMS[0], FIRMS[2], FIRMS[3])] == [
        (1, "文件名序号"), (2, "文件名序号"), (3, "文件名序号")]
    assert not [i for a in apps.values() for i in a["issues"] if i["code"].startswith("rank.")]


def test_a_sheet_that_only_withdraws_without_file_name_ranks(tmp_path, make_form, make_summary, campaign):
    """Without file-name prefixes the others are in receipt order, each told to fill in the sheet's 推荐顺序 —
    not that no sheet was found."""
    unit = tmp_path / "inbox" / "唐山"
    for firm in FIRMS[:3]:
        make_form(unit / f"{firm}-申请表.xlsx", 申报单位=firm, 标杆名称=_name(firm), 所在地区="唐山市")
        make_summary(unit / f"{firm}-总结材料.docx", enterprise=firm, name=_name(firm))
    ranking_sheet(unit / "推荐排序表.xlsx", [["撤回", FIRMS[1], "", ""]])
    run(tmp_path / "inbox", tmp_path / "out", campaign, settle=0, workers=1, now=DAY)
    apps = {a["enterprise"]: a for a in _summary(tmp_path / "out")["applications"]}
    assert apps[FIRMS[1]]["status"] == "已撤回"
    for firm in (FIRMS[0], FIRMS[2]):
        [missing] = [i for i in apps[firm]["issues"] if i["code"] == "rank.missing"]
        assert "推荐排序表中没有填写推荐顺序" in missing["message"] and "未找到推荐排序表" not in missing["message"]
        assert missing["file"] == "唐山/推荐排序表.xlsx"
    assert sorted(apps[f]["rank"] for f in (FIRMS[0], FIRMS[2])) == [1, 2]
