"""What a 推荐排序表 says, read as the clerk meant it: a 撤回 word said not to happen ('保留，不撤回') withdraws
nothing, a 是否撤回 column answered 是 withdraws, '0' typed as text is no rank, two companies of one stem with
different legal forms are two rows, not one listed twice — and a sheet received after the deadline changes no
order (the notice: 逾期不再受理)."""
from __future__ import annotations

import datetime as dt
import io

import openpyxl
import pytest
from test_withdrawal import DAY, FIRMS, _name, _summary, _unit

from toolkit.extract.registry import extract
from toolkit.pipeline import run


def _sheet_bytes(header: list, rows: list) -> bytes:
    wb = openpyxl.Workbook()
    wb.active.append(header)
    for row in rows:
        wb.active.append(row)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def _sheet(path, header: list, rows: list) -> None:
    path.write_bytes(_sheet_bytes(header, rows))


def _read(campaign, header, rows):
    ex = extract(_sheet_bytes(header, rows), "推荐排序表.xlsx", campaign, file="推荐排序表.xlsx")
    return [(r.enterprise, r.rank, r.withdrawn) for r in ex.ranking]


@pytest.mark.parametrize("note, withdrawn", [
    ("撤回", True), ("企业申请撤回", True), ("已撤销", True), ("不再推荐", True), ("企业主动放弃", True),
    ("保留，不撤回", False), ("未撤回", False), ("无需撤销", False), ("撤回：否", False), ("撤回 否", False),
    ("", False), ("重点推荐", False),
    # a word after 撤回 that begins the reason, not an answer
    ("撤回 不参加本次推荐", True), ("企业放弃 无法按时补正材料", True), ("企业申请退出，不再申报", True),
])
def test_a_note_withdraws_only_when_it_says_so(campaign, note, withdrawn):
    rows = _read(campaign, ["推荐顺序", "申报单位", "备注"], [[1, "甲公司", note], [2, "乙公司", ""]])
    assert rows == [("甲公司", None if withdrawn else 1, withdrawn), ("乙公司", 2, False)]


@pytest.mark.parametrize("header", ["是否撤回", "是否撤回（是/否）", "撤回"])
@pytest.mark.parametrize("answer, withdrawn", [("是", True), ("√", True), ("Y", True), ("撤回", True),
                                               ("否", False), ("不撤回", False), ("", False), (None, False)])
def test_a_withdraw_column_answered_yes_withdraws(campaign, header, answer, withdrawn):
    rows = _read(campaign, ["推荐顺序", "申报单位", header], [[1, "甲公司", answer], [2, "乙公司", "否"]])
    assert rows == [("甲公司", None if withdrawn else 1, withdrawn), ("乙公司", 2, False)]


@pytest.mark.parametrize("header, answer", [("是否撤回", "是企业生产经营原因"), ("是否撤回", "是否"),
                                            ("撤回原因", "是企业原因"), ("撤回说明", "√ 见附件")])
def test_a_sentence_or_a_reason_column_is_no_yes(campaign, header, answer):
    """Only a yes and nothing more answers a 是否撤回 column; a column for the reason of a withdrawal answers none."""
    rows = _read(campaign, ["推荐顺序", "申报单位", header], [[1, "甲公司", answer]])
    assert rows == [("甲公司", 1, False)]


@pytest.mark.parametrize("written, applied", [("冀中能源集团", "冀中能源集团有限责任公司"),
                                              ("冀中能源集团有限公司", "冀中能源集团有限责任公司"),
                                              ("河北津西钢铁集团", "河北津西钢铁集团股份有限公司"),
                                              ("河北津西钢铁股份有限公司", "河北津西钢铁集团股份有限公司")])
def test_a_group_written_short_names_its_company(tmp_path, make_form, make_summary, campaign, written, applied):
    """'冀中能源集团' for '冀中能源集团有限责任公司': one company (集团 within the other's marks; 责任 tells nothing
    apart) — the row ranks it, no rank.conflict."""
    unit = _four_firms(tmp_path, make_form, make_summary, campaign, [applied, FIRMS[1]])
    wb = openpyxl.Workbook()
    for row in (["推荐顺序", "申报单位"], [1, FIRMS[1]], [2, written]):
        wb.active.append(row)
    wb.save(unit / "推荐排序表.xlsx")
    run(tmp_path / "inbox", tmp_path / "out", campaign, settle=0, workers=1, now=DAY + dt.timedelta(hours=1))
    assert _statuses(tmp_path / "out") == {FIRMS[1]: (1, "通过"), applied: (2, "通过")}
    summary = _summary(tmp_path / "out")
    [sheet] = [f for f in summary["files"] if f["file"].endswith("推荐排序表.xlsx")]
    assert not [i for i in sheet["issues"] if i["severity"] == "error"], sheet["issues"]


@pytest.mark.parametrize("typed, rank", [("0", None), ("第0名", None), (0, None), ("00", None), ("1", 1),
                                         ("第2位", 2), ("三", 3), (4.0, 4), (-1, None), ("-1", None)])
def test_zero_or_below_is_no_rank_however_typed(campaign, typed, rank):
    assert _read(campaign, ["推荐顺序", "申报单位"], [[typed, "甲公司"]]) == [("甲公司", rank, False)]


def _four_firms(tmp_path, make_form, make_summary, campaign, firms=FIRMS):
    unit = _unit(tmp_path, make_form, make_summary, firms)
    run(tmp_path / "inbox", tmp_path / "out", campaign, settle=0, workers=1, now=DAY)
    return unit


def _statuses(out) -> dict:
    return {a["enterprise"]: (a["rank"], a["status"]) for a in _summary(out)["applications"]}


def test_the_withdraw_column_of_a_sheet_takes_an_application_out_of_the_quota(tmp_path, make_form, make_summary,
                                                                             campaign):
    unit = _four_firms(tmp_path, make_form, make_summary, campaign)
    wb = openpyxl.Workbook()
    wb.active.append(["推荐顺序", "申报单位", "是否撤回", "备注"])
    for row in ([1, FIRMS[0], "否", "保留，不撤回"], [2, FIRMS[1], "是", ""], [3, FIRMS[2], "否", ""],
                [4, FIRMS[3], "否", ""]):
        wb.active.append(row)
    wb.save(unit / "推荐排序表.xlsx")
    run(tmp_path / "inbox", tmp_path / "out", campaign, settle=0, workers=1, now=DAY + dt.timedelta(hours=1))
    assert _statuses(tmp_path / "out") == {FIRMS[0]: (1, "通过"), FIRMS[1]: (None, "已撤回"), FIRMS[2]: (2, "通过"),
                                           FIRMS[3]: (3, "通过")}


STEM_FIRMS = ["唐山河钢股份有限公司", "唐山河钢集团有限公司"]


@pytest.mark.parametrize("order", [(1, 2), (2, 1)])
def test_two_companies_of_one_stem_are_ranked_apart(tmp_path, make_form, make_summary, campaign, order):
    """'唐山河钢股份有限公司' and '唐山河钢集团有限公司' both apply: each row names its own company (before, each row
    matched both, and both got two rank.conflict errors)."""
    unit = _four_firms(tmp_path, make_form, make_summary, campaign, STEM_FIRMS)
    wb = openpyxl.Workbook()
    wb.active.append(["推荐顺序", "申报单位"])
    wb.active.append([order[0], STEM_FIRMS[0]])
    wb.active.append([order[1], STEM_FIRMS[1]])
    wb.save(unit / "推荐排序表.xlsx")
    run(tmp_path / "inbox", tmp_path / "out", campaign, settle=0, workers=1, now=DAY + dt.timedelta(hours=1))
    assert _statuses(tmp_path / "out") == {STEM_FIRMS[0]: (order[0], "通过"), STEM_FIRMS[1]: (order[1], "通过")}


def test_a_row_naming_another_legal_form_of_the_stem_is_not_that_application(tmp_path, make_form, make_summary,
                                                                             campaign):
    """Only the 股份 company applied; a row naming the 集团 company of the same stem is a row without an application
    (an error the clerk sees), not a second rank of the 股份 company; '…有限公司' written '…公司' still matches."""
    unit = _four_firms(tmp_path, make_form, make_summary, campaign, [STEM_FIRMS[0], FIRMS[1]])
    wb = openpyxl.Workbook()
    wb.active.append(["推荐顺序", "申报单位"])
    for row in ([1, STEM_FIRMS[1]], [2, FIRMS[1].replace("有限公司", "公司")], [3, STEM_FIRMS[0]]):
        wb.active.append(row)
    wb.save(unit / "推荐排序表.xlsx")
    run(tmp_path / "inbox", tmp_path / "out", campaign, settle=0, workers=1, now=DAY + dt.timedelta(hours=1))
    summary = _summary(tmp_path / "out")
    assert _statuses(tmp_path / "out") == {STEM_FIRMS[0]: (2, "通过"), FIRMS[1]: (1, "通过")}
    [sheet] = [f for f in summary["files"] if f["file"].endswith("推荐排序表.xlsx")]
    [error] = [i for i in sheet["issues"] if i["severity"] == "error"]  # (and a hint: the files' prefixes disagree)
    assert error["code"] == "rank.conflict" and f"“{STEM_FIRMS[1]}”没有对应的申报材料" in error["message"]


@pytest.mark.parametrize("earlier", [True, False], ids=["an on-time sheet before it", "file-name prefixes only"])
def test_a_sheet_received_after_the_deadline_changes_no_order(tmp_path, make_form, make_summary, campaign, earlier):
    """A new 推荐排序表 under another name after the deadline, putting the 4th first: the on-time order stands (the
    sheet's, else the file names' 1- 2- 3- 4-), the late sheet is a late version with a warning saying so."""
    unit = _four_firms(tmp_path, make_form, make_summary, campaign)
    if earlier:
        _sheet(unit / "推荐排序表.xlsx", ["推荐顺序", "申报单位"], [[n, firm] for n, firm in enumerate(FIRMS, start=1)])
        run(tmp_path / "inbox", tmp_path / "out", campaign, settle=0, workers=1, now=DAY + dt.timedelta(hours=1))
    wb = openpyxl.Workbook()
    wb.active.append(["推荐顺序", "申报单位"])
    for n, firm in enumerate([FIRMS[3], *FIRMS[:3]], start=1):
        wb.active.append([n, firm])
    wb.save(unit / "推荐排序表（修改）.xlsx")
    late = campaign.deadline + dt.timedelta(days=2)
    run(tmp_path / "inbox", tmp_path / "out", campaign, settle=0, workers=1, now=late)
    summary = _summary(tmp_path / "out")
    assert _statuses(tmp_path / "out") == {FIRMS[0]: (1, "通过"), FIRMS[1]: (2, "通过"), FIRMS[2]: (3, "通过"),
                                           FIRMS[3]: (4, "超出名额")}
    [late_sheet] = [f for f in summary["files"] if f["file"].endswith("推荐排序表（修改）.xlsx")]
    [warning] = late_sheet["issues"]
    assert warning["code"] == "deadline.late" and warning["severity"] == "warning"
    assert ("截止前收到的推荐排序表仍然有效" if earlier else "推荐顺序仍按截止前收到的材料确定") in warning["message"]
    assert _name(FIRMS[3]) not in [a["benchmark_name"] for a in summary["applications"] if a["status"] == "通过"]


def test_a_late_sheet_orders_a_unit_whose_applications_are_all_late(tmp_path, make_form, make_summary, campaign):
    """Every application of the unit came after the deadline (a run years later without --deadline): there is no
    on-time order to keep, and the unit's sheet orders its applications as sent."""
    unit = _unit(tmp_path, make_form, make_summary, FIRMS[:2])
    wb = openpyxl.Workbook()
    wb.active.append(["推荐顺序", "申报单位"])
    wb.active.append([1, FIRMS[1]])
    wb.active.append([2, FIRMS[0]])
    wb.save(unit / "推荐排序表（修改）.xlsx")
    late = campaign.deadline + dt.timedelta(days=2)
    run(tmp_path / "inbox", tmp_path / "out", campaign, settle=0, workers=1, now=late)
    summary = _summary(tmp_path / "out")
    assert _statuses(tmp_path / "out") == {FIRMS[0]: (2, "逾期"), FIRMS[1]: (1, "逾期")}
    [sheet] = [f for f in summary["files"] if f["file"].endswith("推荐排序表（修改）.xlsx")]
    assert sheet["status"] == "current" and "deadline.late" not in {i["code"] for i in sheet["issues"]}


@pytest.mark.parametrize("earlier", [True, False], ids=["an on-time sheet before it", "file-name prefixes only"])
def test_a_late_sheet_still_withdraws(tmp_path, make_form, make_summary, campaign, earlier):
    """A unit answering the quota warning after the deadline with a sheet marking one application 撤回: the order in
    time stands, the withdrawal is taken (a unit may always take an application back), the warning says both."""
    unit = _four_firms(tmp_path, make_form, make_summary, campaign)
    if earlier:
        _sheet(unit / "推荐排序表.xlsx", ["推荐顺序", "申报单位"], [[n, firm] for n, firm in enumerate(FIRMS, start=1)])
        run(tmp_path / "inbox", tmp_path / "out", campaign, settle=0, workers=1, now=DAY + dt.timedelta(hours=1))
    wb = openpyxl.Workbook()
    wb.active.append(["推荐顺序", "申报单位", "备注"])
    for row in ([1, FIRMS[3], ""], ["撤回", FIRMS[1], "企业主动撤回"], [2, FIRMS[0], ""], [3, FIRMS[2], ""]):
        wb.active.append(row)
    wb.save(unit / "推荐排序表（修改）.xlsx")
    late = campaign.deadline + dt.timedelta(days=1)
    run(tmp_path / "inbox", tmp_path / "out", campaign, settle=0, workers=1, now=late)
    assert _statuses(tmp_path / "out") == {FIRMS[0]: (1, "通过"), FIRMS[1]: (None, "已撤回"), FIRMS[2]: (2, "通过"),
                                           FIRMS[3]: (3, "通过")}
    summary = _summary(tmp_path / "out")
    [late_sheet] = [f for f in summary["files"] if f["file"].endswith("推荐排序表（修改）.xlsx")]
    [warning] = [i for i in late_sheet["issues"] if i["code"] == "deadline.late"]
    assert "其中写明撤回的项目已按撤回处理" in warning["message"]
    [withdrawn] = [a for a in summary["applications"] if a["enterprise"] == FIRMS[1]]
    assert withdrawn["withdrawn_at"] > campaign.deadline.isoformat()


# how clerks write that an application is withdrawn, and what is not one: True withdraws, False says nothing of it
# (or says not to), None may mean it and is not taken — a warning says so and how to withdraw
WITHDRAWAL_WORDS = [
    ("取消推荐", True), ("取消", True), ("取消申报", True), ("企业取消申报资格", True), ("不参加", True),
    ("企业不参加了", True), ("不参与本次评选", True), ("退出", True), ("企业自愿退出", True), ("不申报", True),
    ("不报了", True), ("企业因故不报", True), ("不再申报", True), ("暂不推荐", True), ("不予推荐", True),
    ("不推荐", True), ("停止推荐", True), ("撤下", True), ("弃权", True), ("已撤回", True),
    ("是否撤回：是", True), ("考虑到企业实际情况撤回", True), ("因企业未如期补正，撤回", True),
    ("企业不参加了，撤回", True), ("取消推荐（企业要求）", True),
    # negated, or a withdrawal undone: known phrases, no warning
    ("不取消", False), ("未取消推荐", False), ("不退出", False), ("取消撤回", False), ("已取消撤回，继续推荐", False),
    ("撤销撤回", False), ("放弃撤回", False), ("撤销退出", False), ("取消不推荐", False), ("无需取消", False),
    ("并非撤回", False), ("没有撤回", False), ("是否撤回：否", False), ("恢复推荐", False), ("继续推荐", False),
    ("保留", False), ("重点推荐", False), ("材料已移出", False), ("推荐顺序有冲突（重复或未填写），请填写", False),
    ("参加", False), ("同意推荐", False),
    # a bare 撤回 word taking a file or a part of the application, not the application: no warning
    ("撤回原申请表，以修改版为准", False), ("取消了附件3", False), ("撤下旧版材料", False), ("撤销原第2名的盖章页", False),
    ("取消重复上传的总结材料", False), ("撤回企业旧版材料", False), ("放弃原标杆名称", False), ("撤掉多余的证明", False),
    ("已取消附件中的照片", False),
    # … or the application itself
    ("撤回该企业", True), ("取消其推荐资格", True), ("退出本次评选", True), ("撤回申报材料", True), ("撤回全部材料", True),
    ("材料撤回", True), ("取消了", True), ("企业要求取消", True), ("撤回（企业要求）", True), ("放弃本项目", True),
    ("取消推荐，以新版排序为准", True),
    # not sure: left as it was, with a warning
    ("可能撤回", None), ("拟撤回", None), ("企业考虑退出", None), ("或将放弃", None), ("是否撤回", None),
    ("如不能按时补正则撤回", None), ("若企业不参加则取消", None), ("撤回待定", None), ("撤回？", None),
    ("取消推荐?", None), ("已撤回，现恢复推荐", None), ("撤回后重新申报", None), ("暂缓", None), ("删除", None),
    ("作废", None), ("已撤", None), ("企业不要了", None), ("搁置", None),
    ("撤回第2名", None), ("撤回申请表", None), ("撤回，改用修改版", None), ("撤回，以新版为准", None),
]


@pytest.mark.parametrize("column", ["备注", "说明", "状态"])
@pytest.mark.parametrize("note, withdrawn", WITHDRAWAL_WORDS)
def test_every_way_a_clerk_writes_a_withdrawal(campaign, column, note, withdrawn):
    """A 备注 (说明, 状态) that says the application is withdrawn, in any of the words clerks use, withdraws it; one
    that says not to, or undoes a withdrawal, does not; one that may mean it and is not sure is not taken, with a
    warning on its cell saying so and how to withdraw (撤回 in the 推荐顺序 column)."""
    ex = extract(_sheet_bytes(["推荐顺序", "申报单位", column], [[1, "甲公司", note], [2, "乙公司", ""]]),
                 "推荐排序表.xlsx", campaign, file="唐山/推荐排序表.xlsx")
    rows = [(r.enterprise, r.rank, r.withdrawn) for r in ex.ranking]
    assert rows == [("甲公司", None if withdrawn else 1, bool(withdrawn)), ("乙公司", 2, False)]
    if withdrawn is None:
        [warning] = ex.issues
        assert (warning.code, warning.severity, warning.file, warning.location, warning.field) == (
            "field.invalid", "warning", "唐山/推荐排序表.xlsx", "Sheet!C2", column)
        assert f"“{column}”填写的“{note}”未按撤回处理" in warning.message
        assert "如要撤回“甲公司”，请在它的“推荐顺序”栏写“撤回”" in warning.message
    else:
        assert ex.issues == ()


@pytest.mark.parametrize("rank, withdrawn", [("取消推荐", True), ("不参加", True), ("不报了", True), ("不撤回", False),
                                             ("暂缓", None), ("可能撤回", None)])
def test_the_rank_cell_says_it_as_the_note_does(campaign, rank, withdrawn):
    ex = extract(_sheet_bytes(["推荐顺序", "申报单位"], [[rank, "甲公司"], [1, "乙公司"]]), "推荐排序表.xlsx", campaign)
    assert [(r.enterprise, r.withdrawn) for r in ex.ranking] == [("甲公司", bool(withdrawn)), ("乙公司", False)]
    assert [(i.location, i.field) for i in ex.issues] == ([("Sheet!A2", "推荐顺序")] if withdrawn is None else [])


def test_the_units_words_for_withdrawing_reach_every_output(tmp_path, make_form, make_summary, campaign):
    """The audit's case: a sheet whose 备注 say '取消推荐' and '企业不参加了' withdraws those two (已撤回, out of the
    opinion); '可能放弃' leaves the fourth as it was, and the 回执 says why, in Chinese, at its cell."""
    from test_withdrawal import UNIT, _opinion_text, _receipt_text

    unit = _four_firms(tmp_path, make_form, make_summary, campaign)
    _sheet(unit / "推荐排序表.xlsx", ["推荐顺序", "申报单位", "备注"],
           [[1, FIRMS[0], None], [2, FIRMS[1], "取消推荐"], [3, FIRMS[2], "企业不参加了"], [4, FIRMS[3], "可能放弃"]])
    run(tmp_path / "inbox", tmp_path / "out", campaign, settle=0, workers=1, now=DAY + dt.timedelta(hours=1))
    assert _statuses(tmp_path / "out") == {FIRMS[0]: (1, "通过"), FIRMS[1]: (None, "已撤回"),
                                           FIRMS[2]: (None, "已撤回"), FIRMS[3]: (2, "通过")}
    opinion = _opinion_text(tmp_path / "out")
    assert FIRMS[0] in opinion and FIRMS[3] in opinion and FIRMS[1] not in opinion and FIRMS[2] not in opinion
    [sheet] = [f for f in _summary(tmp_path / "out")["files"] if f["file"].endswith("推荐排序表.xlsx")]
    [warning] = sheet["issues"]
    assert (warning["code"], warning["severity"], warning["location"]) == ("field.invalid", "warning", "Sheet!C5")
    receipt = _receipt_text(tmp_path / "out")
    assert f"“备注”填写的“可能放弃”未按撤回处理（不能确定是否要撤回“{FIRMS[3]}”）" in receipt
    assert "Sheet C5 单元格" in receipt and "field.invalid" not in receipt
    assert UNIT in receipt
