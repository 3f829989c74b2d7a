"""省级汇总表.xlsx: 汇总表, 推荐单位情况, 问题清单, 统计 — formatted for people, printable."""
from __future__ import annotations

from pathlib import Path

import xlsxwriter

from ..clock import display_time
from ..keys import INDUSTRY, REGION
from ..messages import title as issue_title
from ..model import (
    ERROR,
    KIND_LABELS,
    OUTPUT_PROPERTY,
    OUTPUT_REGISTER,
    PASSED,
    SEVERITY_LABELS,
    Assembled,
)
from . import RenderContext
from .xlsx_style import formats, print_setup, write_cell, write_header

FILE_STATUS = {"current": "有效", "superseded": "已被新版本替代", "ignored": "临时文件（忽略）", "pending": "正在复制，下次运行时读取", "unassigned": "未归属推荐单位",
               "rejected": "无法读取或识别", "late-version": "截止后收到的修改版（不予受理）"}


def register_columns(result: Assembled) -> list[tuple[str, int]]:
    """汇总表: what the province reads and prints (landscape, one page wide)."""
    c = result.campaign
    cols = [("序号", 5), ("推荐单位", 20), ("推荐顺序", 6), ("申报单位", 24), ("标杆名称", 32), ("所在地区", 9),
            ("所属行业", 18), ("企业规模", 7)]
    cols += [(f"{year}年利润总额（万元）", 10) for year in c.base_years]
    cols += [(f"{c.latest_year}年营业收入（万元）", 11), ("状态", 10), ("主要问题", 28), ("收到时间", 16), ("版本数", 6)]
    return cols


def register_rows(result: Assembled) -> list[list]:
    """The 汇总表's data rows, one per application (shared with tests and summary checks)."""
    c = result.campaign
    rows = []
    for n, app in enumerate(result.applications, start=1):
        row = [n, app.unit, app.rank, app.enterprise, app.benchmark_name, app.field_text(REGION),
               app.field_text(INDUSTRY), app.size_class]
        row += [app.form.number("利润总额", year) if app.form else None for year in c.base_years]
        main = app.form.number("主营业收入", c.latest_year) if app.form else None
        other = app.form.number("其他业务收入", c.latest_year) if app.form else None
        row.append(None if main is None else main + (other or 0.0))
        errors = [i for i in app.issues if i.severity == ERROR]
        warnings = [i for i in app.issues if i.severity != ERROR]
        main_issue = "；".join(dict.fromkeys(issue_title(i.code) for i in errors)) or \
            "；".join(dict.fromkeys(issue_title(i.code) for i in warnings))
        row += [app.status, main_issue, display_time(app.received_at), app.versions]
        rows.append(row)
    return rows


def detail_columns(result: Assembled) -> list[tuple[str, int]]:
    """申报明细: every field of every application, for filtering and further analysis."""
    c = result.campaign
    cols = [("序号", 5), ("推荐单位", 22), ("推荐顺序", 6), ("申报单位", 26)]
    cols += [(spec.key, 30 if spec.key in ("标杆名称", "摘要", "通讯地址") else 14) for spec in c.fields
             if spec.key != "申报单位"]
    cols += [("行业大类", 22), ("企业规模", 8)]
    for spec in c.yearly:
        for year in c.base_years:
            cols.append((f"{year}年{spec.key}（{spec.unit}）", 12))
    cols += [("错误数", 7), ("提示数", 7), ("版本数", 7), ("文件", 50)]
    return cols


def detail_rows(result: Assembled) -> list[list]:
    c = result.campaign
    rows = []
    for n, app in enumerate(result.applications, start=1):
        industry = c.industry_by_code(app.industry_code) if app.industry_code else None
        row = [n, app.unit, app.rank, app.enterprise]
        row += [app.field_text(spec.key) for spec in c.fields if spec.key != "申报单位"]
        row += [industry.label if industry else "", app.size_class]
        for spec in c.yearly:
            for year in c.base_years:
                row.append(app.form.number(spec.key, year) if app.form else None)
        errors = len(app.errors)
        row += [errors, len(app.issues) - errors, app.versions, "\n".join(f.path for f in app.files)]
        rows.append(row)
    return rows


REGISTER = "省级汇总表.xlsx"


def write(result: Assembled, folder: Path, context: RenderContext) -> list[Path]:
    """省级汇总表.xlsx at the top of the run folder."""
    write_register(folder / REGISTER, result)
    return [folder / REGISTER]


def write_register(target, result: Assembled) -> None:
    wb = xlsxwriter.Workbook(target, {"strings_to_formulas": False, "strings_to_urls": False,
                                      "strings_to_numbers": False})
    wb.set_properties({"title": f"{result.campaign.title}省级汇总表", "author": "质量标杆推荐工具"})
    wb.set_custom_property(OUTPUT_PROPERTY, OUTPUT_REGISTER)
    f = formats(wb)
    _summary_sheet(wb, f, result)
    _units_sheet(wb, f, result)
    _issues_sheet(wb, f, result)
    _stats_sheet(wb, f, result)
    _detail_sheet(wb, f, result)
    _files_sheet(wb, f, result)
    wb.close()


def _summary_sheet(wb, f, result: Assembled) -> None:
    ws = wb.add_worksheet("汇总表")
    cols = register_columns(result)
    write_header(ws, f, 1, cols)
    status_col = [n for n, _ in cols].index("状态")
    money_cols = {i for i, (n, _) in enumerate(cols) if "万元" in n}
    count_cols = {i for i, (n, _) in enumerate(cols) if "（人）" in n or n in ("序号", "推荐顺序", "错误数", "提示数", "版本数")}
    ws.merge_range(0, 0, 0, len(cols) - 1, f"{result.campaign.title}申报汇总表（共{len(result.applications)}项，"
                   f"生成于{display_time(result.generated_at)}）", f["title"])
    ws.set_row(0, 26)
    widths = [w for _, w in cols]
    for r, row in enumerate(register_rows(result), start=2):
        ws.set_row(r, row_height(row, widths))
        for c, value in enumerate(row):
            fmt = f["money"] if c in money_cols else f["count"] if c in count_cols else f["cell"]
            if c == status_col:
                fmt = f["ok"] if value == PASSED else f["bad"]
            write_cell(ws, r, c, value, fmt)
    ws.freeze_panes(2, 4)
    ws.autofilter(1, 0, max(2, len(result.applications) + 1), len(cols) - 1)
    print_setup(ws, landscape=True, header_rows=(1, 1), paper=8)  # A3: a register of 16 columns stays legible


def row_height(values: list, widths: list[int], *, line: float = 14.0) -> float:
    """A row tall enough for its wrapped text (xlsxwriter cannot autofit; LibreOffice does not either)."""
    lines = 1
    for value, width in zip(values, widths):
        if isinstance(value, str) and value:
            units = sum(2 if ord(ch) > 0x2E7F else 1 for ch in value)  # CJK is two columns wide
            lines = max(lines, -(-units // max(1, int(width * 0.95))), value.count("\n") + 1)
    return line * min(lines, 8) + 4


def _detail_sheet(wb, f, result: Assembled) -> None:
    ws = wb.add_worksheet("申报明细")
    cols = detail_columns(result)
    write_header(ws, f, 0, cols)
    money_cols = {i for i, (n, _) in enumerate(cols) if "万元" in n}
    count_cols = {i for i, (n, _) in enumerate(cols) if "（人）" in n}
    widths = [w for _, w in cols]
    for r, row in enumerate(detail_rows(result), start=1):
        ws.set_row(r, row_height(row, widths))
        for c, value in enumerate(row):
            fmt = f["money"] if c in money_cols else f["count"] if c in count_cols else f["cell"]
            write_cell(ws, r, c, value, fmt)
    ws.freeze_panes(1, 4)
    ws.autofilter(0, 0, max(1, len(result.applications)), len(cols) - 1)
    print_setup(ws, landscape=True, header_rows=(0, 0), fit_width=False, paper=8)
    ws.repeat_columns(0, 3)  # every printed page says which application a figure belongs to


def _units_sheet(wb, f, result: Assembled) -> None:
    ws = wb.add_worksheet("推荐单位情况")
    cols = [("序号", 6), ("推荐单位", 28), ("类别", 10), ("名额", 8), ("收到", 8), ("通过", 8), ("超出名额", 10),
            ("逾期", 8), ("不符合申报条件", 14), ("需补正", 8), ("盖章推荐意见", 14), ("排序依据", 14), ("情况", 30)]
    write_header(ws, f, 0, cols)
    for r, u in enumerate(result.units, start=1):
        unit = result.campaign.unit(u.unit)
        notes = ["未报送"] if u.received == 0 else (["超出名额"] if u.over_quota else [])
        if u.opinion_outdated:
            notes.append("盖章推荐意见早于最新报送的材料，请核对推荐顺序是否仍一致")
        note = "；".join(notes)
        values = [u.order, u.unit, unit.kind_label if unit else u.kind, u.quota, u.received, u.passed, u.over_quota,
                  u.late, u.ineligible, u.needs_fix, "已收到" if u.stamped_opinion else "未收到", u.rank_source, note]
        ws.set_row(r, row_height(values, [w for _, w in cols]))
        for c, v in enumerate(values):
            fmt = f["cell_center"] if c not in (1, 12) else f["cell"]
            if c == 10:
                fmt = f["ok"] if u.stamped_opinion else f["bad"]
            write_cell(ws, r, c, v, fmt)
    total = len(result.units) + 1
    ws.write_string(total, 1, "合计", f["label"])
    for c in range(3, 10):
        ws.write_number(total, c, sum([u.quota, u.received, u.passed, u.over_quota, u.late, u.ineligible,
                                       u.needs_fix][c - 3] for u in result.units), f["label"])
    ws.freeze_panes(1, 2)
    ws.autofilter(0, 0, len(result.units), len(cols) - 1)
    print_setup(ws, landscape=True, header_rows=(0, 0))


def _issues_sheet(wb, f, result: Assembled) -> None:
    ws = wb.add_worksheet("问题清单")
    cols = [("序号", 6), ("推荐单位", 24), ("申报单位", 26), ("级别", 6), ("问题", 18), ("代码", 22), ("文件", 40),
            ("位置", 22), ("栏目", 14), ("说明及修改方法", 70)]
    write_header(ws, f, 0, cols)
    r = 0
    for unit, enterprise, issue in result.issue_rows():
        r += 1
        fmt = f["error"] if issue.severity == ERROR else f["warning"]
        values = [r, unit, enterprise, SEVERITY_LABELS.get(issue.severity, issue.severity), issue_title(issue.code),
                  issue.code, issue.file, issue.location, issue.field, issue.message]
        ws.set_row(r, row_height(values, [w for _, w in cols]))
        for c, v in enumerate(values):
            write_cell(ws, r, c, v, fmt if c in (3, 4, 9) else f["cell"])
    ws.freeze_panes(1, 0)
    ws.autofilter(0, 0, max(r, 1), len(cols) - 1)
    print_setup(ws, landscape=True, header_rows=(0, 0), paper=8)


_LAST = ("未填写", "未能识别行业", "无法判定")


def statistics(result: Assembled) -> list:
    """The 统计 tables: for each dimension (region, industry, size class, status) a DataFrame indexed by the
    dimension's value with columns 项数 and 通过, sorted by count (unknown values last). Grouping keys are
    assembly's (Application.region, industry_code, size_class, status)."""
    import pandas as pd

    c = result.campaign
    frame = pd.DataFrame({
        "按所在地区": [a.region or "未填写" for a in result.applications],
        "按行业大类": [c.industry_by_code(a.industry_code).label if a.industry_code else "未能识别行业"
                  for a in result.applications],
        "按企业规模": [a.size_class or "无法判定" for a in result.applications],
        "按状态": [a.status for a in result.applications],
        "通过": [a.status == PASSED for a in result.applications],
    })
    out = []
    for dimension in ("按所在地区", "按行业大类", "按企业规模", "按状态"):
        table = frame.groupby(dimension).agg(项数=("通过", "size"), 通过=("通过", "sum"))
        table["last"] = table.index.isin(_LAST)
        table = table.reset_index().sort_values(["last", "项数", dimension], ascending=[True, False, True])
        out.append((dimension, table.set_index(dimension)[["项数", "通过"]]))
    return out


def _stats_sheet(wb, f, result: Assembled) -> None:
    ws = wb.add_worksheet("统计")
    ws.set_column(0, 0, 34)
    ws.set_column(1, 3, 10)
    c = result.campaign
    ws.merge_range(0, 0, 0, 3, f"{c.title}申报情况统计（共{len(result.applications)}项）", f["title"])
    row = 2
    for idx, (name, table) in enumerate(statistics(result)):
        ws.write_string(row, 0, name, f["header"])
        ws.write_string(row, 1, "项数", f["header"])
        ws.write_string(row, 2, "通过", f["header"])
        for i, (key, values) in enumerate(table.iterrows(), start=1):
            ws.write_string(row + i, 0, str(key), f["cell"])
            ws.write_number(row + i, 1, int(values["项数"]), f["count"])
            ws.write_number(row + i, 2, int(values["通过"]), f["count"])
        items = len(table)
        if items:
            chart = wb.add_chart({"type": "pie" if idx >= 2 else "bar"})
            chart.add_series({"name": name, "categories": ["统计", row + 1, 0, row + items, 0],
                              "values": ["统计", row + 1, 1, row + items, 1],
                              "data_labels": {"value": True}})
            chart.set_title({"name": f"{name}统计"})
            chart.set_legend({"none": idx < 2})
            height = max(240, 22 * items + 80)
            chart.set_size({"width": 520, "height": height})
            ws.insert_chart(row, 4, chart)
        else:
            height = 0
        row += max(items + 3, -(-height // 20) + 2)  # default rows are 20 px: charts never overlap
    print_setup(ws, landscape=False, header_rows=None)


def _files_sheet(wb, f, result: Assembled) -> None:
    ws = wb.add_worksheet("文件清单")
    cols = [("序号", 6), ("文件", 56), ("推荐单位", 24), ("类型", 14), ("状态", 16), ("申报单位", 26),
            ("首次收到时间", 20), ("错误数", 8), ("SHA-256", 20)]
    write_header(ws, f, 0, cols)
    r = 0
    for e in result.files:
        r += 1
        v = e.version
        values = [r, v.path, v.unit, KIND_LABELS.get(e.kind, e.kind), FILE_STATUS.get(e.status, e.status), e.enterprise,
                  display_time(v.first_seen), sum(1 for i in e.issues if i.severity == ERROR), v.sha256[:16]]
        ws.set_row(r, row_height(values, [w for _, w in cols]))
        for c, val in enumerate(values):
            write_cell(ws, r, c, val, f["cell"])
    for fv in result.ignored:
        r += 1
        for c, val in enumerate([r, fv.path, fv.unit, "临时文件", FILE_STATUS["ignored"], "", "", 0, fv.sha256[:16]]):
            write_cell(ws, r, c, val, f["cell"])
    for fv in result.pending:
        r += 1
        for c, val in enumerate([r, fv.path, fv.unit, "", FILE_STATUS["pending"], "", "", 0, ""]):
            write_cell(ws, r, c, val, f["cell"])
    ws.freeze_panes(1, 0)
    ws.autofilter(0, 0, max(r, 1), len(cols) - 1)
    print_setup(ws, landscape=True, header_rows=(0, 0))
