"""The 推荐排序表 the toolkit writes for each unit: what the clerk fills in it comes back as typed — the order and the
推荐意见's 成文日期 (a column of its own, pre-filled again from the unit's last sheet)."""
from __future__ import annotations

import datetime as dt

import openpyxl
import pytest
from test_withdrawal import DAY, FIRMS, UNIT, _opinion_text, _unit

from toolkit.pipeline import run

SHEET = f"{UNIT}-推荐排序表.xlsx"


def _rows(path) -> tuple[list, list]:
    """(header row, data rows) of a generated 推荐排序表 (title and note above the header)."""
    rows = [list(r) for r in openpyxl.load_workbook(path).worksheets[0].iter_rows(values_only=True)]
    return rows[2], [r for r in rows[3:] if any(v not in (None, "") for v in r)]


@pytest.mark.parametrize("typed", ["2021年9月18日", dt.datetime(2021, 9, 18), "2021-09-18"],
                         ids=["text", "date cell", "iso text"])
def test_the_date_typed_in_the_generated_sheet_dates_the_opinion_and_is_kept(tmp_path, make_form, make_summary,
                                                                           campaign, typed):
    unit = _unit(tmp_path, make_form, make_summary, FIRMS[:2])
    out = tmp_path / "out"
    run(tmp_path / "inbox", out, campaign, settle=0, workers=1, now=DAY)
    generated = out / "latest" / "推荐排序表" / SHEET
    header, rows = _rows(generated)
    assert header[-1] == "成文日期" and [r[1] for r in rows] == FIRMS[:2] and all(r[-1] is None for r in rows)
    assert "成文日期" in openpyxl.load_workbook(generated).worksheets[0]["A2"].value  # the note says what to type

    wb = openpyxl.load_workbook(generated)  # the clerk: reverse the order, date the opinion, save, drop it back
    ws = wb.worksheets[0]
    ws.cell(4, 1, 2)
    ws.cell(5, 1, 1)
    ws.cell(5, len(header), typed)
    wb.save(unit / "推荐排序表.xlsx")
    run(tmp_path / "inbox", out, campaign, settle=0, workers=1, now=DAY + dt.timedelta(hours=1))

    text = _opinion_text(out)
    assert "2021年9月18日" in text and text.index(FIRMS[1]) < text.index(FIRMS[0])
    _header, rows = _rows(out / "latest" / "推荐排序表" / SHEET)
    assert [(r[0], r[1], r[-1]) for r in rows] == [(1, FIRMS[1], "2021年9月18日"), (2, FIRMS[0], None)]


def test_the_campaign_date_is_not_written_into_the_sheet(tmp_path, make_form, make_summary, campaign):
    """A 成文日期 every unit's opinion carries (the campaign's) is not copied into the units' sheets: a sheet then
    holds only what its unit typed, and a later change of the campaign's date reaches every unit."""
    import dataclasses

    _unit(tmp_path, make_form, make_summary, FIRMS[:1])
    dated = dataclasses.replace(campaign, opinion_date="2021年9月20日")
    run(tmp_path / "inbox", tmp_path / "out", dated, settle=0, workers=1, now=DAY)
    assert "2021年9月20日" in _opinion_text(tmp_path / "out")
    _header, rows = _rows(tmp_path / "out" / "latest" / "推荐排序表" / SHEET)
    assert [(r[1], r[-1]) for r in rows] == [(FIRMS[0], None)]


def test_the_blank_template_has_the_date_column():
    from pathlib import Path

    header, rows = _rows(Path(__file__).resolve().parents[1] / "templates" / "推荐单位用" / "推荐排序表.xlsx")
    assert header[:3] == ["推荐顺序", "申报单位", "标杆名称"] and header[-1] == "成文日期" and rows == []
