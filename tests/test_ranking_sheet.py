"""The 推荐排序表 the toolkit writes for each unit: what the clerk fills in it comes back as typed — the order and the
推荐意见's 成文日期 (one cell above the table, pre-filled again from the unit's last sheet; a 成文日期 column of a
sheet made by hand is read too), and a date that cannot be used is a warning, never dropped silently."""
from __future__ import annotations

import dataclasses
import datetime as dt
import json
import re
from pathlib import Path

import openpyxl
import pytest
from test_withdrawal import DAY, FIRMS, UNIT, _opinion_text, _unit

from toolkit.pipeline import run

SHEET = f"{UNIT}-推荐排序表.xlsx"


def _rows(path) -> tuple[list, list, list]:
    """(the 成文日期 row, the header row, data rows) of a sheet the toolkit wrote (title and note above them)."""
    rows = [list(r) for r in openpyxl.load_workbook(path).worksheets[0].iter_rows(values_only=True)]
    return rows[2], rows[3], [r for r in rows[4:] if any(v not in (None, "") for v in r)]


def _sheet_warnings(out: Path) -> list[str]:
    summary = json.loads((out / "latest" / "summary.json").read_text(encoding="utf-8"))
    return [i["message"] for f in summary["files"] if f["file"].endswith("推荐排序表.xlsx") for i in f["issues"]]


def _first_run(tmp_path, make_form, make_summary, campaign, firms=FIRMS[:2]) -> tuple[Path, Path]:
    unit = _unit(tmp_path, make_form, make_summary, firms)
    run(tmp_path / "inbox", tmp_path / "out", campaign, settle=0, workers=1, now=DAY)
    return unit, tmp_path / "out" / "latest" / "推荐排序表" / SHEET


def _again(tmp_path, campaign) -> None:
    run(tmp_path / "inbox", tmp_path / "out", campaign, settle=0, workers=1, now=DAY + dt.timedelta(hours=1))


@pytest.mark.parametrize("typed", ["2021年9月18日", dt.datetime(2021, 9, 18), "2021-09-18", "2021.9.18"],
                         ids=["text", "date cell", "iso text", "dotted"])
def test_the_date_typed_in_the_generated_sheet_dates_the_opinion_and_is_kept(tmp_path, make_form, make_summary,
                                                                           campaign, typed):
    unit, generated = _first_run(tmp_path, make_form, make_summary, campaign)
    date_row, header, rows = _rows(generated)
    assert date_row[:3] == ["成文日期", None, None] and "不填则在推荐意见上手写" in date_row[3]
    assert header[:2] == ["推荐顺序", "申报单位"] and [r[1] for r in rows] == FIRMS[:2]

    wb = openpyxl.load_workbook(generated)  # the clerk: reverse the order, date the opinion, save, drop it back
    ws = wb.worksheets[0]
    ws.cell(5, 1, 2)
    ws.cell(6, 1, 1)
    ws.cell(3, 3, typed)
    wb.save(unit / "推荐排序表.xlsx")
    _again(tmp_path, campaign)

    text = _opinion_text(tmp_path / "out")
    assert "2021年9月18日" in text and text.index(FIRMS[1]) < text.index(FIRMS[0])
    [warning] = _sheet_warnings(tmp_path / "out")  # (not about the date: the files' 1-, 2- say the other order)
    assert warning.startswith("推荐排序表的推荐顺序与文件名（或所在文件夹名）开头的序号不一致") and "已按推荐排序表排序" in warning
    date_row, _header, rows = _rows(tmp_path / "out" / "latest" / "推荐排序表" / SHEET)
    assert date_row[2] == "2021年9月18日" and [(r[0], r[1]) for r in rows] == [(1, FIRMS[1]), (2, FIRMS[0])]


def test_a_date_that_is_not_one_is_a_warning_naming_the_cell(tmp_path, make_form, make_summary, campaign):
    unit, generated = _first_run(tmp_path, make_form, make_summary, campaign)
    wb = openpyxl.load_workbook(generated)
    wb.worksheets[0].cell(3, 3, "9月20日")
    wb.worksheets[0].cell(5, 1, 1)
    wb.worksheets[0].cell(6, 1, 2)
    wb.save(unit / "推荐排序表.xlsx")
    _again(tmp_path, campaign)
    [warning] = _sheet_warnings(tmp_path / "out")
    assert "“成文日期”填写的“9月20日”不是有效的日期" in warning and "C3 单元格" in warning
    assert "9月20日" not in _opinion_text(tmp_path / "out")


def test_different_dates_in_a_column_are_a_warning_and_date_nothing(tmp_path, make_form, make_summary, campaign):
    """A sheet made by hand with a 成文日期 column: one date is the unit's, different ones are named in a warning and
    none of them goes on the 推荐意见 (nor the one in the 成文日期 cell above, had there been one)."""
    unit, _generated = _first_run(tmp_path, make_form, make_summary, campaign)
    wb = openpyxl.Workbook()
    wb.active.title = "推荐排序表"
    wb.active.append(["推荐顺序", "申报单位", "成文日期"])
    wb.active.append([1, FIRMS[0], "2021年9月18日"])
    wb.active.append([2, FIRMS[1], "2021/9/25"])
    wb.save(unit / "推荐排序表.xlsx")
    _again(tmp_path, campaign)
    [warning] = _sheet_warnings(tmp_path / "out")
    assert ("是不同的日期（推荐排序表 C2 单元格为“2021年9月18日”、推荐排序表 C3 单元格为“2021年9月25日”），"
            "推荐意见的成文日期暂不填写") in warning and "只保留一个成文日期" in warning
    text = _opinion_text(tmp_path / "out")
    assert "2021年9月18日" not in text and "2021年9月25日" not in text

    wb.active["C3"] = "2021年9月18日"  # the same date twice is one date
    wb.save(unit / "推荐排序表.xlsx")
    run(tmp_path / "inbox", tmp_path / "out", campaign, settle=0, workers=1, now=DAY + dt.timedelta(hours=2))
    assert _sheet_warnings(tmp_path / "out") == [] and "2021年9月18日" in _opinion_text(tmp_path / "out")


@pytest.mark.parametrize("under, warned", [("2021年9月20日", True), ("2021-09-18", False)],
                         ids=["different", "the same date"])
def test_a_date_under_the_table_is_weighed_with_the_one_above(tmp_path, make_form, make_summary, campaign, under,
                                                              warned):
    """The generated sheet's 成文日期 cell filled and a 落款 row added under the table with another date: a warning
    naming both cells, and neither on the 推荐意见 — not the one above taken and the other dropped silently. The
    same date written twice is one date."""
    unit, generated = _first_run(tmp_path, make_form, make_summary, campaign)
    wb = openpyxl.load_workbook(generated)
    ws = wb.worksheets[0]
    ws.cell(3, 3, "2021年9月18日")
    ws.cell(5, 1, 1)
    ws.cell(6, 1, 2)
    ws.cell(8, 1, "成文日期")
    ws.cell(8, 2, under)
    wb.save(unit / "推荐排序表.xlsx")
    _again(tmp_path, campaign)
    warnings = _sheet_warnings(tmp_path / "out")
    text = _opinion_text(tmp_path / "out")
    if warned:
        [warning] = warnings
        assert ("是不同的日期（推荐排序表 C3 单元格为“2021年9月18日”、推荐排序表 B8 单元格为“2021年9月20日”）"
                in warning)
        assert "2021年9月18日" not in text and "2021年9月20日" not in text
    else:
        assert warnings == [] and "2021年9月18日" in text


@pytest.mark.parametrize("typed, warned", [
    ("2022年9月18日", "晚于报送截止日期（2021年9月20日）"), ("2021-09-21", "晚于报送截止日期（2021年9月20日）"),
    ("2021年9月20日", ""), (dt.datetime(2020, 9, 19), "比报送截止日期（2021年9月20日）早一年以上"),
    ("二〇二〇年九月二十日", ""), ("2012.9.18", "比报送截止日期（2021年9月20日）早一年以上")],
    ids=["next year", "a day late", "the deadline", "a year and a day early", "a year early", "digits swapped"])
def test_a_date_outside_the_campaign_is_a_warning_and_still_printed(tmp_path, make_form, make_summary, campaign,
                                                                    typed, warned):
    """A 成文日期 after the deadline's day (the notice: opinions are sent 9月20日前) or more than a year before it
    — a slipped year, most often — is a warning naming the cell; the date is the unit's and goes on the 推荐意见
    as written, for the clerk to check before stamping."""
    unit, generated = _first_run(tmp_path, make_form, make_summary, campaign)
    wb = openpyxl.load_workbook(generated)
    wb.worksheets[0].cell(3, 3, typed)
    wb.save(unit / "推荐排序表.xlsx")
    _again(tmp_path, campaign)
    warnings = _sheet_warnings(tmp_path / "out")
    if warned:
        [warning] = warnings
        assert warned in warning and "C3 单元格" in warning and "成文日期" in warning
    else:
        assert warnings == []
    from toolkit.normalize import official_date
    assert official_date(typed) in _opinion_text(tmp_path / "out")


def test_the_campaign_date_is_not_written_into_the_sheet(tmp_path, make_form, make_summary, campaign):
    """A 成文日期 every unit's opinion carries (the campaign's) is not copied into the units' sheets: a sheet then
    holds only what its unit typed, and a later change of the campaign's date reaches every unit."""
    dated = dataclasses.replace(campaign, opinion_date="2021年9月20日")
    _unit(tmp_path, make_form, make_summary, FIRMS[:1])
    run(tmp_path / "inbox", tmp_path / "out", dated, settle=0, workers=1, now=DAY)
    assert "2021年9月20日" in _opinion_text(tmp_path / "out")
    date_row, _header, rows = _rows(tmp_path / "out" / "latest" / "推荐排序表" / SHEET)
    assert date_row[2] is None and [r[1] for r in rows] == [FIRMS[0]]


def test_the_blank_template_has_the_date_cell():
    date_row, header, rows = _rows(Path(__file__).resolve().parents[1] / "templates" / "推荐单位用" / "推荐排序表.xlsx")
    assert date_row[0] == "成文日期" and header[:3] == ["推荐顺序", "申报单位", "标杆名称"] and rows == []


@pytest.mark.parametrize("above, below, dates", [
    ([["成文日期：2021年9月18日"]], [], [("2021年9月18日", "推荐排序表!A1")]),
    ([["落款日期", dt.datetime(2021, 9, 18)]], [], [("2021年9月18日", "推荐排序表!B1")]),
    ([["推荐意见日期", "2021-9-18", "说明：不填则手写"]], [], [("2021-9-18", "推荐排序表!B1")]),
    ([["成文日期（推荐意见落款）", "二〇二一年九月十八日"]], [], [("二〇二一年九月十八日", "推荐排序表!B1")]),
    ([["成文日期", None, "说明：不填则手写"]], [], []),
    ([], [["成文日期", "2021年9月18日"]], [("2021年9月18日", "推荐排序表!B5")]),
    ([["成文日期", "2021年9月18日"]], [["落款日期：2021年9月20日"]],
     [("2021年9月18日", "推荐排序表!B1"), ("2021年9月20日", "推荐排序表!A6")]),
    ([["成文日期", None]], [["成文日期", None], ["成文日期", dt.date(2021, 9, 20)]],
     [("2021年9月20日", "推荐排序表!B8")]),
    ([["（推荐单位）推荐排序表"]], [], [])],
    ids=["in one cell", "date cell", "text", "label with a note", "left empty", "under the table",
         "above and under", "empty label above and under", "none"])
def test_the_date_cell_of_a_hand_made_sheet(above, below, dates, campaign):
    """A 成文日期 above the table — in the label's own cell after '：', or in the cell right of the label (a hint
    further right is not taken for it) — and in 落款 rows under it (not applications): the sheet's dates, each
    with where it is, kept apart from its rows (assemble.opinion_date takes one or warns of different ones)."""
    import io

    from toolkit.extract.registry import extract

    wb = openpyxl.Workbook()
    wb.active.title = "推荐排序表"
    for row in above:
        wb.active.append(row)
    wb.active.append(["推荐顺序", "申报单位", "标杆名称"])
    wb.active.append([1, FIRMS[0], ""])
    wb.active.append([2, FIRMS[1], ""])
    for row in below:
        wb.active.append([None])
        wb.active.append(row)
    buffer = io.BytesIO()
    wb.save(buffer)
    ex = extract(buffer.getvalue(), "推荐排序表.xlsx", campaign)
    assert [(r.enterprise, r.date_written) for r in ex.ranking] == [(FIRMS[0], ""), (FIRMS[1], "")]
    assert list(ex.ranking_dates) == dates


def test_a_sheet_giving_only_the_date_dates_the_opinion(tmp_path, make_form, make_summary, campaign):
    """The blank template with only its 成文日期 filled (the order comes from the files' 1-/2- prefixes): the date
    is the unit's, though the sheet gives no order."""
    unit, _generated = _first_run(tmp_path, make_form, make_summary, campaign)
    wb = openpyxl.load_workbook(Path(__file__).resolve().parents[1] / "templates" / "推荐单位用" / "推荐排序表.xlsx")
    wb.worksheets[0].cell(3, 3, "2021年9月18日")
    wb.save(unit / "推荐排序表.xlsx")
    _again(tmp_path, campaign)
    text = _opinion_text(tmp_path / "out")
    assert "2021年9月18日" in text and text.index(FIRMS[0]) < text.index(FIRMS[1])
    assert _sheet_warnings(tmp_path / "out") == []


def test_the_generated_sheet_dropped_back_keeps_a_withdrawal(tmp_path, make_form, make_summary, campaign):
    """A withdrawn application's row says 撤回 in the sheet the toolkit writes: dropped back as it is (only its
    成文日期 filled), it keeps the application withdrawn — it used to come back without a rank, taking a quota place
    again, with a rank conflict."""
    unit = _unit(tmp_path, make_form, make_summary, FIRMS)
    wb = openpyxl.Workbook()
    wb.active.append(["推荐顺序", "申报单位", "备注"])
    for rank, firm in (("1", FIRMS[0]), ("撤回", FIRMS[1]), ("2", FIRMS[2]), ("3", FIRMS[3])):
        wb.active.append([rank, firm, ""])
    wb.save(unit / "推荐排序表.xlsx")
    out = tmp_path / "out"
    run(tmp_path / "inbox", out, campaign, settle=0, workers=1, now=DAY)

    def statuses():
        summary = json.loads((out / "latest" / "summary.json").read_text(encoding="utf-8"))
        return {a["enterprise"]: (a["status"], a["rank"]) for a in summary["applications"]}

    before = statuses()
    assert before[FIRMS[1]] == ("已撤回", None)
    generated = out / "latest" / "推荐排序表" / SHEET
    _date_row, _header, rows = _rows(generated)
    assert [(r[0], r[1]) for r in rows] == [(1, FIRMS[0]), (2, FIRMS[2]), (3, FIRMS[3]), ("撤回", FIRMS[1])]
    wb = openpyxl.load_workbook(generated)
    wb.worksheets[0].cell(3, 3, "2021年9月18日")
    wb.save(unit / "推荐排序表.xlsx")
    _again(tmp_path, campaign)
    assert statuses() == before and _sheet_warnings(out) == []
    assert "2021年9月18日" in _opinion_text(out) and FIRMS[1] not in _opinion_text(out)


def test_errors_in_the_ranking_sheet_make_the_opinion_a_draft_and_are_to_handle(tmp_path, make_form, make_summary,
                                                                                  campaign):
    """A 推荐排序表 naming an enterprise that sent nothing (rank.conflict, an error): the unit's order may not be
    what it means, so the 推荐意见 is a draft saying why and the sheet is one of the things still to handle — the
    receipt, the status page and summary.json said 还需处理 0 项 and a final 推荐意见."""
    unit, _generated = _first_run(tmp_path, make_form, make_summary, campaign)
    wb = openpyxl.Workbook()
    wb.active.title = "推荐排序表"
    wb.active.append(["推荐顺序", "申报单位"])
    for rank, firm in ((1, FIRMS[0]), (2, FIRMS[1]), (3, "唐山不存在科技有限公司")):
        wb.active.append([rank, firm])
    wb.save(unit / "推荐排序表.xlsx")
    _again(tmp_path, campaign)
    out = tmp_path / "out"
    summary = json.loads((out / "latest" / "summary.json").read_text(encoding="utf-8"))
    [status] = [u for u in summary["units"] if u["unit"] == UNIT]
    assert status["to_handle"] == 1
    text = _opinion_text(out)
    assert "草稿" in text and "本单位的推荐排序表有1处错误（推荐顺序有冲突）" in text
    receipt = openpyxl.load_workbook(out / "latest" / "回执" / f"{UNIT}-回执.xlsx")
    cells = "\n".join(str(v) for row in receipt.worksheets[0].iter_rows(values_only=True) for v in row if v)
    assert "还需处理 1 项：推荐排序表有错误：“唐山/推荐排序表.xlsx”：推荐顺序有冲突（1 处）" in cells

    wb.active.append([1, FIRMS[1]])  # and a rank given twice: the receipt counts as the draft reason does
    wb.active["A3"] = 1
    wb.save(unit / "推荐排序表.xlsx")
    run(tmp_path / "inbox", out, campaign, settle=0, workers=1, now=DAY + dt.timedelta(hours=2))
    reason = re.search(r"本单位的推荐排序表有(\d+)处错误", _opinion_text(out)).group(1)
    receipt = openpyxl.load_workbook(out / "latest" / "回执" / f"{UNIT}-回执.xlsx")
    cells = "\n".join(str(v) for row in receipt.worksheets[0].iter_rows(values_only=True) for v in row if v)
    assert f"推荐顺序有冲突（{reason} 处）" in cells


def _template_sheet_dated(tmp_path: Path, date: str) -> None:
    """The blank 推荐排序表 template with its 成文日期 cell and one row filled, saved in ``tmp_path``."""
    wb = openpyxl.load_workbook(Path(__file__).resolve().parents[1] / "templates" / "推荐单位用" / "推荐排序表.xlsx")
    wb.worksheets[0].cell(3, 3, date)
    wb.worksheets[0].cell(5, 1, 1)
    wb.worksheets[0].cell(5, 2, FIRMS[0])
    wb.save(tmp_path / "推荐排序表.xlsx")


def test_check_of_a_ranking_sheet_reports_its_date_as_a_run_does(tmp_path):
    """`check 推荐排序表.xlsx` says what a run will say of its 成文日期 (it said 未发现问题 of '2021年9月31日')."""
    from conftest import run_cli

    _template_sheet_dated(tmp_path, "2021年9月31日")
    proc = run_cli("check", "推荐排序表.xlsx", cwd=tmp_path)
    assert "识别为：推荐排序表 —— 有提示" in proc.stdout and proc.returncode == 0, proc.stdout
    assert "“成文日期”填写的“2021年9月31日”不是有效的日期" in proc.stdout and "C3 单元格" in proc.stdout


def test_check_judges_the_date_by_the_deadline_given(tmp_path):
    """`check --deadline` as `batch --deadline`: a 成文日期 after the notice's deadline but before an extended one
    is no longer a warning (before, check always judged by the campaign's deadline)."""
    from conftest import run_cli

    _template_sheet_dated(tmp_path, "2021年9月25日")
    proc = run_cli("check", "推荐排序表.xlsx", cwd=tmp_path)
    assert "晚于报送截止日期（2021年9月20日），推荐意见已按此日期填写" in proc.stdout, proc.stdout
    proc = run_cli("check", "--deadline", "2021-10-08", "推荐排序表.xlsx", cwd=tmp_path)
    assert "成文日期" not in proc.stdout and "未发现问题" in proc.stdout and proc.returncode == 0, proc.stdout


def test_a_superseded_sheet_gives_no_date(tmp_path, make_form, make_summary, campaign):
    """A sheet replaced by a newer one (its order no longer counts) does not date the 推荐意见 either."""
    unit, _generated = _first_run(tmp_path, make_form, make_summary, campaign)
    for name, date, order in (("推荐排序表.xlsx", "2021年9月18日", (FIRMS[0], FIRMS[1])),
                              ("推荐排序表-修改.xlsx", None, (FIRMS[1], FIRMS[0]))):
        wb = openpyxl.Workbook()
        wb.active.append(["成文日期", date])
        wb.active.append(["推荐顺序", "申报单位"])
        for rank, firm in enumerate(order, start=1):
            wb.active.append([rank, firm])
        wb.save(unit / name)
        _again(tmp_path, campaign) if date else run(tmp_path / "inbox", tmp_path / "out", campaign, settle=0,
                                                     workers=1, now=DAY + dt.timedelta(hours=2))
    text = _opinion_text(tmp_path / "out")
    assert "2021年9月18日" not in text and text.index(FIRMS[1]) < text.index(FIRMS[0])


def test_an_application_withdrawn_by_moving_its_files_is_not_withdrawn_by_the_sheet(tmp_path, make_form,
                                                                                   make_summary, campaign):
    """The generated sheet writes 撤回 only for withdrawals made in a sheet: an application whose files were moved
    out has no rank and a note, so the sheet dropped back does not withdraw it unseen when its files come back."""
    unit, _generated = _first_run(tmp_path, make_form, make_summary, campaign)
    moved = tmp_path / "moved"
    moved.mkdir()
    for path in unit.glob(f"2-{FIRMS[1]}-*"):
        path.rename(moved / path.name)
    _again(tmp_path, campaign)
    generated = tmp_path / "out" / "latest" / "推荐排序表" / SHEET
    _date_row, _header, rows = _rows(generated)
    assert [(r[0], r[1], r[6]) for r in rows] == [(1, FIRMS[0], None), (None, FIRMS[1], "材料已移出")]



def test_show_fields_of_a_ranking_sheet_says_withdrawn_and_blank_in_words(tmp_path):
    """`check --show-fields 推荐排序表.xlsx`: a withdrawn row reads 撤回, a row without a rank 未填顺序 — not 'None'."""
    from conftest import run_cli

    wb = openpyxl.Workbook()
    wb.active.title = "推荐排序表"
    for row in (["推荐顺序", "申报单位"], [1, FIRMS[0]], ["撤回", FIRMS[1]], [None, FIRMS[2]]):
        wb.active.append(row)
    wb.save(tmp_path / "推荐排序表.xlsx")
    proc = run_cli("check", "--show-fields", "推荐排序表.xlsx", cwd=tmp_path)
    assert f"推荐排序：1 {FIRMS[0]}；撤回 {FIRMS[1]}；未填顺序 {FIRMS[2]}" in proc.stdout, proc.stdout
    assert "None" not in proc.stdout


@pytest.mark.parametrize("rows, expected", [
    ([[1, "甲公司"], [1, "乙公司"], [2, "丙公司"]], ["“甲公司”、“乙公司”的推荐顺序都是第1位"]),
    ([[1, "甲公司"], [None, "乙公司"], [2, "丙公司"]], ["“乙公司”的推荐顺序未填写或不是数字"]),
    ([[1, "甲公司"], ["第二", "乙公司"], ["撤回", "丙公司"]], []),
    ([[None, "甲公司", "撤回"], [None, "乙公司"]], []),  # withdraws only: the rest ordered as without a sheet
    ([[1, "河北华信精密机械有限公司"], [1, "河北华信精密机械公司"]], []),  # one enterprise, as a run matches it
    ([[1, "石家庄立信电子科技有限公司"], [1, "立信电子"]], []),  # its short name
    ([[1, "甲公司"], [2, "甲公司"]], ["“甲公司”在推荐排序表中出现了两次（第1位和第2位）"]),
    ([[1, "甲公司"], [1, "甲公司"], [1, "乙公司"]], ["“甲公司”、“乙公司”的推荐顺序都是第1位"]),
], ids=["one rank twice", "a rank left blank", "ranks and a withdrawal", "withdrawal only", "with and without 有限",
        "a short name", "listed twice", "named once in the message"])
def test_check_finds_what_a_ranking_sheet_says_wrong_on_its_own(tmp_path, rows, expected):
    """`run.py check` of a 推荐排序表 (a real subprocess) reports one rank given twice or a rank left blank, as a run
    would once the sheet meets the applications (before, '未发现问题' and exit 0 for ranks 1, 1, 2)."""
    from conftest import run_cli
    from workbook_builders import ranking_sheet

    path = tmp_path / "定州-推荐排序表.xlsx"
    ranking_sheet(path, [[r[0], r[1], "", r[2] if len(r) > 2 else ""] for r in rows])  # 推荐顺序, 申报单位, 标杆名称, 备注
    done = run_cli("check", path)
    assert ("推荐顺序有冲突" in done.stdout) is bool(expected), done.stdout
    for text in expected:
        assert text in done.stdout, done.stdout
    assert done.returncode == (1 if expected else 0), done.stdout


@pytest.mark.parametrize("typed, dated", [
    ("2021年9月18日", True), (dt.datetime(2021, 9, 18), True), ("2021.9.18", True),
    (None, False),  # the hint left as it is: its example date is no 成文日期
    ("尽快报送", False),  # words, not a date
    ("9月18日", "warned"),  # a date without its year: taken, and warned on as one typed in the date cell is
], ids=["text over the hint", "a date cell over the hint", "dotted", "hint untouched", "words", "no year"])
def test_a_date_typed_over_the_hint_beside_the_date_cell_dates_the_opinion(tmp_path, make_form, make_summary,
                                                                          campaign, typed, dated):
    """The clerk typed the 成文日期 into the hint beside the empty date cell (D3, over '推荐意见的落款日期，如
    2021年9月18日…'): it dates the opinion (before: a blank date and no word); the hint itself never does."""
    unit, generated = _first_run(tmp_path, make_form, make_summary, campaign)
    wb = openpyxl.load_workbook(generated)
    ws = wb.worksheets[0]
    assert ws.cell(3, 3).value in (None, "") and "如 2021年9月18日" in ws.cell(3, 4).value
    if typed is not None:
        ws.cell(3, 4, typed)
    wb.save(unit / "推荐排序表.xlsx")
    _again(tmp_path, campaign)
    text = _opinion_text(tmp_path / "out")
    assert ("2021年9月18日" in text) is (dated is True)
    warned = [m for m in _sheet_warnings(tmp_path / "out") if "成文日期" in m]
    assert bool(warned) is (dated == "warned"), warned


@pytest.mark.parametrize("given", [(1, 1), (1, None)], ids=["one rank twice", "a row without a rank"])
def test_an_order_given_in_conflict_is_left_for_the_clerk_in_the_generated_sheet(tmp_path, make_form, make_summary,
                                                                                  campaign, given):
    """A 推荐排序表 giving two applications rank 1 (or naming one without a rank): the sheet the toolkit writes back
    leaves their 推荐顺序 blank with a note, so that dropped back as it is the conflict is still one — it came back
    pre-filled 1 and 2, the run's tie-break, and a clerk returning it settled the unit's order unseen."""
    from test_withdrawal import _name

    unit = tmp_path / "inbox" / "唐山"
    for firm in FIRMS[:2]:  # (file names without a rank: no order but the sheet's)
        make_form(unit / f"{firm}-申请表.xlsx", 申报单位=firm, 标杆名称=_name(firm), 所在地区="唐山市")
        make_summary(unit / f"{firm}-总结材料.docx", enterprise=firm, name=_name(firm))
    wb = openpyxl.Workbook()
    wb.active.append(["推荐顺序", "申报单位"])
    for rank, firm in zip(given, FIRMS[:2]):
        wb.active.append([rank, firm])
    wb.save(unit / "推荐排序表.xlsx")
    _again(tmp_path, campaign)
    out = tmp_path / "out"

    def conflicts(code: str = "rank.conflict"):
        summary = json.loads((out / "latest" / "summary.json").read_text(encoding="utf-8"))
        return sorted(a["enterprise"] for a in summary["applications"] for i in a["issues"] if i["code"] == code)

    in_conflict = conflicts()
    assert in_conflict and set(in_conflict) <= set(FIRMS[:2])
    _date_row, _header, rows = _rows(out / "latest" / "推荐排序表" / SHEET)
    by_firm = {r[1]: r for r in rows}
    for firm in FIRMS[:2]:
        if firm in in_conflict:
            assert by_firm[firm][0] is None and by_firm[firm][6] == "推荐顺序有冲突（重复或未填写），请填写"
        else:
            assert by_firm[firm][0] == 1 and by_firm[firm][6] is None
    (out / "latest" / "推荐排序表" / SHEET).replace(unit / "推荐排序表.xlsx")  # dropped back as it is
    run(tmp_path / "inbox", out, campaign, settle=0, workers=1, now=DAY + dt.timedelta(hours=2))
    # still in conflict (a row without a rank), or, no rank left in the sheet, ordered by receipt with a hint
    # saying so: a draft either way, never a final order the unit did not give
    assert (conflicts() == in_conflict) if len(in_conflict) < 2 else (conflicts("rank.missing") == in_conflict)
    assert "草稿" in _opinion_text(out)


def test_a_rank_given_twice_names_each_row_s_cell_and_the_fix_clears_it(tmp_path, make_form, make_summary, campaign):
    """Two applications given rank 1 in a 推荐排序表: each one's rank.conflict is located at the cell of its own row
    ('推荐排序表 A2 单元格', as Excel shows the sheet) — it said only '推荐排序表', where every other problem of a sheet
    names its cell. Writing another rank in the cell named (the message's fix) clears the conflict."""
    unit, _generated = _first_run(tmp_path, make_form, make_summary, campaign)
    wb = openpyxl.Workbook()
    wb.active.title = "推荐排序表"
    wb.active.append(["推荐顺序", "申报单位"])
    for firm in FIRMS[:2]:
        wb.active.append([1, firm])
    wb.save(unit / "推荐排序表.xlsx")
    _again(tmp_path, campaign)
    out = tmp_path / "out"
    summary = json.loads((out / "latest" / "summary.json").read_text(encoding="utf-8"))
    where = {a["enterprise"]: i["location"] for a in summary["applications"] for i in a["issues"]
             if i["code"] == "rank.conflict"}
    assert where == {FIRMS[0]: "推荐排序表!A2", FIRMS[1]: "推荐排序表!A3"}
    receipt = openpyxl.load_workbook(out / "latest" / "回执" / f"{UNIT}-回执.xlsx")
    shown = [row for row in receipt["问题及修改方法"].iter_rows(values_only=True) if "推荐顺序有冲突" in row]
    assert sorted(row[5] for row in shown) == ["推荐排序表 A2 单元格", "推荐排序表 A3 单元格"]

    wb.active["A3"] = 2  # the clerk writes another rank in the cell named
    wb.save(unit / "推荐排序表.xlsx")
    run(tmp_path / "inbox", out, campaign, settle=0, workers=1, now=DAY + dt.timedelta(hours=2))
    summary = json.loads((out / "latest" / "summary.json").read_text(encoding="utf-8"))
    assert not [i for a in summary["applications"] for i in a["issues"] if i["code"] == "rank.conflict"]


@pytest.mark.parametrize("rows, warned", [(150, False), (398, False), (399, True), (700, True)])
def test_a_sheet_filled_past_the_rows_read_says_so(campaign, rows, warned):
    """A 推荐排序表 is read down to its 400th row (grid.MAX_ROWS): one filled to that row or past it (the
    toolkit's own sheet of a unit with hundreds of applications, a sheet with rows pasted far down) warns that rows
    below are not read — the applications they list are otherwise told, with no reason, that the sheet leaves them
    out (the pathological-sizes audit). A sheet ending above it says nothing of it."""
    import io

    from toolkit.extract.registry import extract

    wb = openpyxl.Workbook()
    wb.active.title = "推荐排序表"
    wb.active.append(["推荐顺序", "申报单位", "标杆名称"])
    for n in range(1, rows + 1):
        wb.active.append([n, f"河北恒{n}机械有限公司", ""])
    buffer = io.BytesIO()
    wb.save(buffer)
    ex = extract(buffer.getvalue(), "推荐排序表.xlsx", campaign)
    assert len(ex.ranking) == min(rows, 399)
    said = [i for i in ex.issues if i.code == "rank.missing"]
    assert bool(said) is warned, ex.issues
    if warned:
        assert said[0].location == "推荐排序表!A400" and "只读取到第400行" in said[0].message, said[0]
