"""回执: per unit, each application's status and every problem with the file and cell/section to fix."""
from __future__ import annotations

from pathlib import Path

import xlsxwriter

from ..clock import display_time
from ..messages import title as issue_title
from ..model import (
    ERROR,
    KIND_LABELS,
    OUTPUT_PROPERTY,
    OUTPUT_RECEIPT,
    PASSED,
    SEVERITY_LABELS,
    Assembled,
    UnitStatus,
)
from . import RenderContext, safe_filename
from .register import FILE_STATUS, row_height
from .xlsx_style import formats, print_setup, titled_sheet, write_cell, write_header


def write_receipt(target, result: Assembled, status: UnitStatus, *, apps: list, files: list, issues: list) -> None:
    """The unit's 回执 from its applications, file entries and (enterprise, issue) rows."""
    c = result.campaign
    wb = xlsxwriter.Workbook(target, {"strings_to_formulas": False, "strings_to_urls": False,
                                      "strings_to_numbers": False})
    wb.set_properties({"title": f"{status.unit}回执", "author": "质量标杆推荐工具"})
    wb.set_custom_property(OUTPUT_PROPERTY, OUTPUT_RECEIPT)
    f = formats(wb)
    ws = wb.add_worksheet("申报情况")
    cols = [("推荐顺序", 8), ("申报单位", 30), ("标杆名称", 40), ("状态", 12), ("错误", 8), ("提示", 8),
            ("企业规模", 10), ("收到时间", 20), ("文件", 50)]
    summary = (f"名额 {status.quota} 项；收到 {status.received} 项，其中通过 {status.passed} 项、超出名额 {status.over_quota} 项、"
               f"逾期 {status.late} 项、不符合申报条件 {status.ineligible} 项、需补正 {status.needs_fix} 项；"
               f"盖章推荐意见：{_opinion_state(status)}。截止时间：{c.deadline_text}。"
               f"生成时间：{display_time(result.generated_at)}。")
    titled_sheet(ws, f, title=f"{c.title} — {status.unit}回执", note=summary, width=len(cols), note_height=36)
    write_header(ws, f, 2, cols)
    for r, a in enumerate(apps, start=3):
        values = [a.rank, a.enterprise, a.benchmark_name, a.status, len(a.errors), len(a.issues) - len(a.errors),
                  a.size_class, display_time(a.received_at), "\n".join(x.path for x in a.files)]
        ws.set_row(r, row_height(values, [w for _, w in cols]))
        for col, v in enumerate(values):
            fmt = f["cell"]
            if col == 3:
                fmt = f["ok"] if v == PASSED else f["bad"]
            write_cell(ws, r, col, v, fmt)
    if not apps:
        ws.merge_range(3, 0, 3, len(cols) - 1, "本单位尚未报送申报材料。", f["cell"])
    ws.freeze_panes(3, 0)
    print_setup(ws, landscape=True, header_rows=(2, 2))

    ws2 = wb.add_worksheet("问题及修改方法")
    cols2 = [("序号", 5), ("申报单位", 20), ("级别", 5), ("问题", 14), ("文件", 28), ("位置", 16), ("栏目", 12),
             ("说明", 40), ("修改方法", 40)]
    write_header(ws2, f, 0, cols2)
    r = 0
    for r, (enterprise, issue) in enumerate(issues, start=1):
        fmt = f["error"] if issue.severity == ERROR else f["warning"]
        values = [r, enterprise, SEVERITY_LABELS.get(issue.severity, issue.severity), issue_title(issue.code),
                  issue.file, issue.location, issue.field, issue.problem, issue.fix]
        ws2.set_row(r, row_height(values, [w for _, w in cols2]))
        for col, v in enumerate(values):
            write_cell(ws2, r, col, v, fmt if col in (2, 3, 7, 8) else f["cell"])
    if r == 0:
        ws2.merge_range(1, 0, 1, len(cols2) - 1, "未发现问题。", f["ok"])
    ws2.freeze_panes(1, 0)
    ws2.autofilter(0, 0, max(r, 1), len(cols2) - 1)
    print_setup(ws2, landscape=True, header_rows=(0, 0))

    ws3 = wb.add_worksheet("收到的文件")
    cols3 = [("文件", 56), ("类型", 14), ("状态", 16), ("申报单位", 26), ("首次收到时间", 20)]
    write_header(ws3, f, 0, cols3)
    for r, e in enumerate(files, start=1):
        for col, v in enumerate([e.version.path, KIND_LABELS.get(e.kind, e.kind), FILE_STATUS.get(e.status, e.status),
                                 e.enterprise, display_time(e.version.first_seen)]):
            write_cell(ws3, r, col, v, f["cell"])
    print_setup(ws3, landscape=True, header_rows=(0, 0))
    wb.close()


def _opinion_state(status: UnitStatus) -> str:
    if not status.stamped_opinion:
        return "未收到"
    if status.opinion_outdated:
        return "已收到，但早于最新报送的材料或推荐排序表，请核对推荐顺序，必要时重新生成推荐意见盖章后报送"
    return "已收到"


def write(result: Assembled, folder: Path, context: RenderContext) -> list[Path]:
    """回执/<unit>-回执.xlsx for every unit, whether or not it sent anything."""
    out = []
    (folder / "回执").mkdir(parents=True, exist_ok=True)
    for unit, view in result.by_unit.items():
        target = folder / "回执" / f"{safe_filename(unit)}-回执.xlsx"
        write_receipt(target, result, view.status, apps=view.applications, files=view.files, issues=view.issues)
        out.append(target)
    return out
