"""推荐排序表: a pre-filled ranking sheet the clerk edits and drops back into the unit's folder."""
from __future__ import annotations

from pathlib import Path

import xlsxwriter

from ..campaign import Campaign
from ..model import OUTPUT_PROPERTY, OUTPUT_RANKING, Application, Assembled
from . import RenderContext, unit_documents
from .forms import FIXED_TIME
from .xlsx_style import (
    A4_LANDSCAPE,
    LINE_HEIGHT,
    fitted,
    formats,
    print_setup,
    row_height,
    titled_sheet,
    write_cell,
    write_header,
)

# (header, width, floor: None keeps the width, else the narrowest its wrapping text may be to fit A4 landscape)
HEADERS = tuple(fitted([("推荐顺序", 10, None), ("申报单位", 34, 16), ("标杆名称", 44, 20), ("所在地区", 11, None),
                        ("所属行业", 24, 14), ("当前状态", 11, None), ("备注", 24, 12)], A4_LANDSCAPE))
DATE_ROW, HEADER_ROW = 2, 3  # the 成文日期 cell's row (extract.form.read_ranking reads it), the table's header row
DATE_LABEL = "成文日期"
WITHDRAW = "撤回"  # what the 推荐顺序 of a withdrawn application says (extract.form.read_ranking reads it back)
CONFLICT_NOTE = "推荐顺序有冲突（重复或未填写），请填写"


def write_ranking_sheet(target, campaign: Campaign, unit: str, apps: list[Application], date: str = "") -> None:
    """A unit's 推荐排序表 at ``target`` (a path or a file object): title, a note on how to fill it, the 成文日期 cell
    (the 推荐意见's date, one for the unit, GB/T 9704-2012 §7.3.5.2 '2021年9月18日'), then one row per application in
    ``apps`` (rank — 撤回 for a withdrawn one, blank for one whose rank the unit gave in conflict (rank.conflict) —,
    enterprise, 标杆名称, 所在地区, 所属行业, status, 备注) and blank rows
    to add more; ``unit`` '' writes the blank template. ``date``: the 成文日期 the unit gave, written in its cell
    for the clerk to keep."""
    wb = xlsxwriter.Workbook(target, {"strings_to_formulas": False, "strings_to_urls": False,
                                      "strings_to_numbers": False})
    props = {"title": f"{campaign.title}{campaign.ranking_file}", "author": "质量标杆推荐工具"}
    if not unit:  # the blank template: a fixed date so that templates/ regenerates byte for byte
        props["created"] = FIXED_TIME
    wb.set_properties(props)
    wb.set_custom_property(OUTPUT_PROPERTY, OUTPUT_RANKING)
    f = formats(wb)
    ws = wb.add_worksheet(campaign.ranking_file)
    quota = campaign.unit(unit).quota if campaign.unit(unit) else None
    most = f"（本单位最多推荐{quota}项）" if quota else ""
    note = (f"说明：在“推荐顺序”列填写 1、2、3…{most}；不再推荐的项目在“推荐顺序”或“备注”栏写“撤回”；"
            f"保存后放回本单位文件夹，文件名保留“{campaign.ranking_file}”。")
    width = len(HEADERS)
    titled_sheet(ws, f, title=f"{unit or '（推荐单位）'}{campaign.ranking_file}", note=note, width=width,
                 note_height=max(30, row_height([note], [sum(w for _, w in HEADERS)], line=LINE_HEIGHT)))
    ws.merge_range(DATE_ROW, 0, DATE_ROW, 1, DATE_LABEL, f["label"])
    write_cell(ws, DATE_ROW, 2, date, f["cell"])
    ws.merge_range(DATE_ROW, 3, DATE_ROW, width - 1, "推荐意见的落款日期，如 2021年9月18日；不填则在推荐意见上手写。",
                   f["note"])
    ws.data_validation(DATE_ROW, 2, DATE_ROW, 2, {"validate": "any", "input_title": DATE_LABEL,
                                                  "input_message": "推荐意见的落款日期，如 2021年9月18日。"})
    write_header(ws, f, HEADER_ROW, HEADERS)
    first = HEADER_ROW + 1
    for r, app in enumerate(apps, start=first):
        # withdrawn in a sheet: 撤回 again, so the sheet dropped back keeps it withdrawn; withdrawn by moving its
        # files out: no rank and a note, so that files sent again are not withdrawn by this sheet unseen
        removed = app.withdrawn and any(f.removed_at for f in app.files)
        # an order the unit gave in conflict (one rank twice, a row without one): left blank for the clerk to
        # decide — the place the run chose to break the tie, dropped back unchanged, would settle it unseen
        conflict = not app.withdrawn and any(i.code == "rank.conflict" and i.is_error for i in app.issues)
        rank = WITHDRAW if app.withdrawn and not removed else "" if conflict else app.rank
        note = "材料已移出" if removed else CONFLICT_NOTE if conflict else ""
        values = [rank, app.enterprise, app.benchmark_name, app.field_text("所在地区"),
                  campaign.industry_text(app.field_text("所属行业")),
                  app.status, note]
        ws.set_row(r, row_height(values, [w for _, w in HEADERS], line=LINE_HEIGHT))
        for c, v in enumerate(values):
            write_cell(ws, r, c, v, f["cell_center"] if c == 0 else f["cell"])
    last = max(first + len(apps) - 1, first + 4)
    for r in range(first + len(apps), last + 1):
        for c in range(width):
            ws.write_blank(r, c, None, f["cell"])
    ws.data_validation(first, 0, last, 0, {"validate": "any", "input_title": "推荐顺序",  # 撤回 is typed here too
                                           "input_message": "填写 1、2、3…，不要重复；不再推荐的写“撤回”。"})
    ws.freeze_panes(first, 0)
    print_setup(ws, landscape=True, header_rows=(HEADER_ROW, HEADER_ROW))
    wb.close()


def write(result: Assembled, folder: Path, context: RenderContext) -> list[Path]:
    """推荐排序表/<unit>-推荐排序表.xlsx, pre-filled with the current order, for every unit that sent an application;
    the 成文日期 the unit gave in its own 推荐排序表 (not the campaign's, which needs no repeating) is kept in it."""
    out = []
    for unit, view, target in unit_documents(result, folder, context, "推荐排序表", ".xlsx"):
        date = view.status.opinion_date
        write_ranking_sheet(target, result.campaign, unit, view.applications,
                            date if date != result.campaign.opinion_date else "")
        out.append(target)
    return out
