"""推荐排序表 as clerks really make them: ranks typed in their own words, rows that are no application, sheets of
their own making (a Word table, 标杆名称 only) — each read as the clerk meant it, or told, never dropped unseen."""
from __future__ import annotations

import datetime as dt

import openpyxl
import pytest
from conftest import run_cli
from test_ranking_words import _read, _statuses
from test_withdrawal import DAY, FIRMS, UNIT, _opinion_text, _summary, _unit

from toolkit.pipeline import run


def _again(tmp_path, campaign, hours: int = 1) -> None:
    run(tmp_path / "inbox", tmp_path / "out", campaign, settle=0, workers=1, now=DAY + dt.timedelta(hours=hours))


def _sheet(path, rows: list) -> None:
    wb = openpyxl.Workbook()
    for row in rows:
        wb.active.append(row)
    wb.save(path)


def _unit_status(out) -> dict:
    [unit] = [u for u in _summary(out)["units"] if u["unit"] == UNIT]
    return unit


@pytest.mark.parametrize("typed, rank", [
    ("1st", 1), ("2nd", 2), ("3RD", 3), ("4th", 4), ("No.2", 2), ("no2", 2), ("#3", 3), ("Top1", 1),
    ("1.", 1), ("2、", 2), ("(3)", 3), ("（２）", 2), ("【1】", 1), ("①", 1), ("⑵", 2), ("１", 1),
    ("第一", 1), ("第2", 2), ("十", 10), ("十二", 12), ("第二十一名", 21), ("第3名", 3), ("一", 1),
    ("1.5", None), ("十一十", None), ("0th", None), ("第〇名", None),
])
def test_a_rank_typed_as_clerks_do_is_read(campaign, typed, rank):
    assert _read(campaign, ["推荐顺序", "申报单位"], [[typed, "甲公司"]]) == [("甲公司", rank, False)]


def test_ranks_written_as_ordinals_order_the_unit(tmp_path, make_form, make_summary, campaign):
    """'1st' … '4th' (and the like) in the 推荐顺序 of a sheet made by hand: the unit's order, not receipt order with
    '未找到推荐排序表' (before, a sheet none of whose ranks was read was taken for one that gives no order)."""
    unit = _unit(tmp_path, make_form, make_summary)
    run(tmp_path / "inbox", tmp_path / "out", campaign, settle=0, workers=1, now=DAY)
    _sheet(unit / "推荐排序表.xlsx", [["推荐顺序", "申报单位"], ["4th", FIRMS[0]], ["No.3", FIRMS[1]], ["第二", FIRMS[2]],
                                   ["①", FIRMS[3]]])
    _again(tmp_path, campaign)
    assert _statuses(tmp_path / "out") == {FIRMS[3]: (1, "通过"), FIRMS[2]: (2, "通过"), FIRMS[1]: (3, "通过"),
                                           FIRMS[0]: (4, "超出名额")}
    text = _opinion_text(tmp_path / "out")
    assert text.index(FIRMS[3]) < text.index(FIRMS[2]) < text.index(FIRMS[1]) and FIRMS[0] not in text
    assert {a["rank_source"] for a in _summary(tmp_path / "out")["applications"]} == {"推荐排序表"}


@pytest.mark.parametrize("typed", ["√", "A", "优先", "★"])
@pytest.mark.parametrize("everywhere", [True, False], ids=["every row", "one row"])
def test_a_rank_that_is_no_number_is_told_not_taken_for_a_blank(tmp_path, make_form, make_summary, campaign, typed,
                                                                 everywhere):
    """A 推荐顺序 typed that is no rank ('√' in every row, as a tick for 'recommended'): each row is a rank.conflict
    quoting what was typed, the 推荐意见 a draft — before, a sheet with no rank read was taken for no order at all
    and the unit silently ordered by its files' names."""
    unit = _unit(tmp_path, make_form, make_summary)
    run(tmp_path / "inbox", tmp_path / "out", campaign, settle=0, workers=1, now=DAY)
    ranks = [typed] * 4 if everywhere else [1, typed, 2, 3]
    _sheet(unit / "推荐排序表.xlsx", [["推荐顺序", "申报单位"], *([r, f] for r, f in zip(ranks, FIRMS))])
    _again(tmp_path, campaign)
    apps = {a["enterprise"]: a for a in _summary(tmp_path / "out")["applications"]}
    told = [f for f, r in zip(FIRMS, ranks) if r == typed]
    for firm in told:
        [issue] = [i for i in apps[firm]["issues"] if i["code"] == "rank.conflict"]
        assert issue["severity"] == "error" and f"推荐顺序填写的是“{typed}”，不是名次数字" in issue["message"]
    assert not [i for f in FIRMS if f not in told for i in apps[f]["issues"] if i["code"] == "rank.conflict"]
    if everywhere:  # (the three given a rank are the unit's word; the one told of goes last, beyond the quota)
        assert not _unit_status(tmp_path / "out")["opinion_final"]

    done = run_cli("check", "--show-fields", unit / "推荐排序表.xlsx")
    assert done.returncode == 1 and f"“{typed}”（不是名次数字）" in done.stdout, done.stdout
    assert f"推荐顺序填写的是“{typed}”" in done.stdout


def _generated(tmp_path, make_form, make_summary, campaign):
    """A unit of four, run once: (its folder, the toolkit's 推荐排序表 for it, opened for the clerk to edit)."""
    unit = _unit(tmp_path, make_form, make_summary)
    run(tmp_path / "inbox", tmp_path / "out", campaign, settle=0, workers=1, now=DAY)
    book = openpyxl.load_workbook(tmp_path / "out" / "latest" / "推荐排序表" / f"{UNIT}-推荐排序表.xlsx")
    return unit, book


def _issues(out, code: str) -> list:
    summary = _summary(out)
    return [i for f in summary["files"] for i in f["issues"] if i["code"] == code] + [
        i for a in summary["applications"] for i in a["issues"] if i["code"] == code]


@pytest.mark.parametrize("status_typed", ["撤回", "不再推荐", "企业申请撤回", "已撤回"])
@pytest.mark.parametrize("note", ["取消推荐", "企业不参加了", "撤回"])
def test_withdrawn_in_the_generated_sheet_s_status_or_note_with_its_rank_kept(tmp_path, make_form, make_summary,
                                                                           campaign, status_typed, note):
    """The toolkit's sheet, the clerk typing 撤回 over '通过' in 当前状态 of the first row, and a 撤回 word in 备注 of
    the second with its 2 left: both withdrawn, the other two ranked 1 and 2 — with no rank.gap hint (the numbers
    were freed by withdrawing, not left out). Before, the 当前状态 cell was not read (the first stayed 通过, in the
    quota) and the kept 2 was told '没有第2位'. Dropped back again as generated, the order stands."""
    unit, book = _generated(tmp_path, make_form, make_summary, campaign)
    ws = book.worksheets[0]
    header = [c.value for c in ws[4]]
    status_col, note_col = header.index("当前状态") + 1, header.index("备注") + 1
    assert [ws.cell(r, 2).value for r in range(5, 9)] == FIRMS and ws.cell(6, 1).value == 2
    ws.cell(5, status_col, status_typed)
    ws.cell(6, note_col, note)
    book.save(unit / "推荐排序表.xlsx")
    _again(tmp_path, campaign)
    out = tmp_path / "out"
    assert _statuses(out) == {FIRMS[0]: (None, "已撤回"), FIRMS[1]: (None, "已撤回"), FIRMS[2]: (1, "通过"),
                              FIRMS[3]: (2, "通过")}
    assert _issues(out, "rank.gap") == [] and _issues(out, "rank.conflict") == []
    text = _opinion_text(out)
    assert FIRMS[0] not in text and FIRMS[1] not in text and text.index(FIRMS[2]) < text.index(FIRMS[3])

    regenerated = out / "latest" / "推荐排序表" / f"{UNIT}-推荐排序表.xlsx"
    (unit / "推荐排序表.xlsx").write_bytes(regenerated.read_bytes())
    _again(tmp_path, campaign, hours=2)
    assert _statuses(out) == {FIRMS[0]: (None, "已撤回"), FIRMS[1]: (None, "已撤回"), FIRMS[2]: (1, "通过"),
                              FIRMS[3]: (2, "通过")}


@pytest.mark.parametrize("status", ["通过", "超出名额", "需补正"])
def test_the_status_the_toolkit_wrote_withdraws_nothing(tmp_path, make_form, make_summary, campaign, status):
    """当前状态 as the toolkit wrote it, or another of its statuses typed there, is no word of the clerk's: the
    order the sheet gives stands and nothing is withdrawn."""
    unit, book = _generated(tmp_path, make_form, make_summary, campaign)
    ws = book.worksheets[0]
    status_col = [c.value for c in ws[4]].index("当前状态") + 1
    for r, rank in zip(range(5, 9), (4, 3, 2, 1)):
        ws.cell(r, 1, rank)
        ws.cell(r, status_col, status)
    book.save(unit / "推荐排序表.xlsx")
    _again(tmp_path, campaign)
    assert _statuses(tmp_path / "out") == {FIRMS[3]: (1, "通过"), FIRMS[2]: (2, "通过"), FIRMS[1]: (3, "通过"),
                                           FIRMS[0]: (4, "超出名额")}


@pytest.mark.parametrize("withdrawn_at", [1, 2, 3])
def test_a_hand_made_sheet_s_withdrawn_row_keeps_its_number_without_a_gap_hint(tmp_path, make_form, make_summary,
                                                                              campaign, withdrawn_at):
    unit = _unit(tmp_path, make_form, make_summary)
    run(tmp_path / "inbox", tmp_path / "out", campaign, settle=0, workers=1, now=DAY)
    rows = [[n, firm, "企业申请撤回" if n == withdrawn_at else ""] for n, firm in enumerate(FIRMS, start=1)]
    _sheet(unit / "推荐排序表.xlsx", [["序号", "企业名称", "备注"], *rows])
    _again(tmp_path, campaign)
    kept = [f for n, f in enumerate(FIRMS, start=1) if n != withdrawn_at]
    assert _statuses(tmp_path / "out") == {FIRMS[withdrawn_at - 1]: (None, "已撤回"),
                                           **{f: (n, "通过") for n, f in enumerate(kept, start=1)}}
    assert _issues(tmp_path / "out", "rank.gap") == []


TYPO = "唐山华新精密机械有限公司"  # 华信 mistyped


@pytest.mark.parametrize("rows", [
    [[1, FIRMS[1], ""], [2, FIRMS[2], ""], [3, FIRMS[3], ""], ["撤回", TYPO, ""]],  # 撤回 as the rank
    [[1, FIRMS[1], ""], [2, FIRMS[2], ""], [3, FIRMS[3], ""], [4, TYPO, "企业申请撤回"]],  # in 备注, its number kept
    [[None, TYPO, "不再推荐"]],  # a sheet that only withdraws
    [[None, "华新精密", "撤回"]],  # a short name matching no application
], ids=["rank cell", "note", "withdraws only", "short name"])
def test_a_withdrawal_naming_no_application_is_told(tmp_path, make_form, make_summary, campaign, rows):
    """A row marked 撤回 whose name matches none of the unit's applications (a typo: 华新 for 华信): an error on the
    sheet saying nothing was withdrawn, the 推荐意见 a draft — before, the row was passed over without a word and
    the application the unit meant to withdraw stayed 通过, in the quota."""
    unit = _unit(tmp_path, make_form, make_summary)
    run(tmp_path / "inbox", tmp_path / "out", campaign, settle=0, workers=1, now=DAY)
    _sheet(unit / "推荐排序表.xlsx", [["推荐顺序", "企业名称", "备注"], *rows])
    _again(tmp_path, campaign)
    out = tmp_path / "out"
    [issue] = [i for i in _issues(out, "rank.conflict") if "没有撤回任何项目" in i["message"]]
    assert issue["severity"] == "error" and issue["file"].endswith("推荐排序表.xlsx")
    assert f"写明撤回的“{rows[-1][1]}”没有对应的申报材料" in issue["message"] and "完全一致" in issue["message"]
    assert _statuses(out)[FIRMS[0]][1] != "已撤回"
    unit_status = _unit_status(out)
    assert not unit_status["opinion_final"] and unit_status["withdrawn"] == 0


def test_a_withdrawal_naming_its_application_is_no_error(tmp_path, make_form, make_summary, campaign):
    unit = _unit(tmp_path, make_form, make_summary)
    run(tmp_path / "inbox", tmp_path / "out", campaign, settle=0, workers=1, now=DAY)
    _sheet(unit / "推荐排序表.xlsx", [["推荐顺序", "企业名称"], ["撤回", "华信精密机械"], [1, FIRMS[1]], [2, FIRMS[2]],
                                   [3, FIRMS[3]]])
    _again(tmp_path, campaign)
    assert _statuses(tmp_path / "out")[FIRMS[0]] == (None, "已撤回")
    assert _issues(tmp_path / "out", "rank.conflict") == []
