"""省级汇总表.xlsx: the register the province forwards to its leaders, then the sheets its staff work from.

Sheets, in order:

1. 推荐汇总表 — for leaders: only the recommended (通过) applications, in 附件2 unit order then the unit's
   推荐顺序, numbered 1…n (values, not formulas), a 合计 row (how many, and the sums of the money columns in
   万元), the columns a leader reads and nothing else; A3 landscape, one page wide, header repeated, "第 n 页
   共 m 页" in the footer. The layout follows the tables of provincial notices (标题, 单位：万元 on the right
   above the table, 序号 first, 合计 last).
2. 全部申报 — every application with its status (已撤回 with when), main problems, received time, versions.
3. 推荐单位情况 — each unit's quota, what it sent, how it fared, what it still has to handle, its stamped
   推荐意见 (an outdated stamp said as such), with a 合计 row.
4. 问题清单 — every problem once, grouped by unit in 附件2 order, errors first; the issue code last (hidden).
5. 统计 — totals by kind of unit (市级 / 省级协会), then by region, industry, size class and status.
6. 申报明细 — every field of every application, in the 申请表's order (摘要 after 标杆名称, wrapped in a column wide
   enough for its limit), then the yearly figures.
7. 文件清单 — every file seen, by unit in 附件2 order.

Money is in 万元 as the 申请表 states it; counts are integers; times are China time.
"""
from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import xlsxwriter

from ..clock import display_time
from ..keys import INDUSTRY, REGION
from ..messages import display_field, display_location
from ..messages import title as issue_title
from ..model import (
    ERROR,
    KIND_LABELS,
    OUTPUT_PROPERTY,
    OUTPUT_REGISTER,
    PASSED,
    SEVERITY_LABELS,
    WITHDRAWN,
    Application,
    Assembled,
    UnitStatus,
)
from . import REGISTER, RenderContext
from .kept import KeptParts, kept_parts, kept_text
from .row_groups import KeptRows, RowGroup, write_grouped_table
from .xlsx_rows import NUMBER, RowSplice
from .xlsx_style import (
    FOOTER,
    LINE_HEIGHT,
    MAX_LINES,
    PADDING,
    PAPER_POINTS,
    PRINT_SCALE,
    WIDE_UNITS,
    Column,
    formats,
    header_need,
    header_text,
    page_units,
    printed_points,
    row_height,
    text_units,
    write_table,
)
from .xlsx_style import print_setup as _print_setup

__all__ = ["FILE_STATUS", "REGISTER", "SHEETS", "row_height", "statistics", "write", "write_register"]

FILE_STATUS = {"current": "有效", "superseded": "已被新版本替代", "ignored": "临时文件（忽略）", "pending": "正在复制，下次汇总时读取", "unassigned": "未归属推荐单位",
               "rejected": "无法读取或识别", "late-version": "截止后收到的修改版（不予受理）",
               "removed": "已从本单位文件夹移出", "set-aside": "在撤回、作废或旧版文件夹中（不参加汇总）",
               "misplaced": "文件名写的是其他推荐单位（未采用）",
               "unpacked": "压缩包（其中的文件已解压放入，不再读取）"}

LEADERS = "推荐汇总表"
ALL = "全部申报"
UNITS = "推荐单位情况"
ISSUES = "问题清单"
STATS = "统计"
DETAIL = "申报明细"
FILES = "文件清单"
SHEETS = (LEADERS, ALL, UNITS, ISSUES, STATS, DETAIL, FILES)

A3, A4 = 8, 9  # xlsxwriter paper sizes
LANDSCAPE = True


def print_setup(ws, **options) -> None:
    """xlsx_style.print_setup with the register's footer, "第 n 页 共 m 页"."""
    _print_setup(ws, footer=FOOTER, **options)


LONG_TEXT = 100  # text fields allowing more characters than this (摘要) get a wide column in 申报明细
LONG_TEXT_CAP = 90.0  # … at most this wide (column units: about 44 CJK characters a line)
NO_UNIT = "（未归属推荐单位）"


def write(result: Assembled, folder: Path, context: RenderContext) -> list[Path]:
    """省级汇总表.xlsx at the top of the run folder; each unit's rows kept (kept.kept_parts) under the unit's
    content key (``context.unit_keys``) for the next run."""
    kept = kept_parts(context, "register")
    write_register(folder / REGISTER, result, kept=kept, unit_keys=context.unit_keys, statistics=context.shared)
    kept.save()
    return [folder / REGISTER]


def write_register(target, result: Assembled, *, kept: KeptParts | None = None, unit_keys: dict | None = None,
                   statistics: Callable[[], dict] | None = None) -> None:
    """Every sheet of the register into ``target`` (a path or a binary file object).

    constant_memory keeps a national roll-up (tens of thousands of rows) small: each sheet is written row by
    row, top to bottom. The tables' data rows are written by xlsx_rows.RowSplice (the same cells as xlsxwriter
    writes, several times faster) into the package xlsxwriter made of everything else. The tables listing
    applications, problems and files are made of one group of rows per unit (row_groups): a unit whose content
    key (``unit_keys``: unit -> render.unit_keys' key) is unchanged since ``kept`` kept its rows gives them as
    kept, without being looked at again, while their row heights hold at the table's column widths (row_groups:
    widths as when they were made, or none of their texts wraps in a column whose width changed). ``kept`` is
    not saved here (KeptParts.save). ``statistics()`` gives the 统计 sheet's tables (statistics_tables of
    ``result``, computed here when not given), asked for once every other sheet is written (a run's child gets
    them from the run's process or its helper while it writes the rest: render.Output.shared).
    """
    import io

    splice = RowSplice()
    rows = KeptRows(kept or KeptParts(None))
    groups = _Groups(result, rows, unit_keys or {})
    package = io.BytesIO()
    wb = xlsxwriter.Workbook(package, {"strings_to_formulas": False, "strings_to_urls": False,
                                       "strings_to_numbers": False, "constant_memory": True})
    wb.set_properties({"title": f"{result.campaign.title}省级汇总表", "author": "质量标杆推荐工具"})
    wb.set_custom_property(OUTPUT_PROPERTY, OUTPUT_REGISTER)
    f = formats(wb)
    _leaders_sheet(wb, f, result, splice, groups)
    _all_sheet(wb, f, result, splice, groups)
    _units_sheet(wb, f, result, splice)
    _issues_sheet(wb, f, result, splice, groups)
    stats = wb.add_worksheet(STATS)  # (in its place; written last: constant_memory orders rows within a sheet)
    _detail_sheet(wb, f, result, splice, groups)
    _files_sheet(wb, f, result, splice, groups)
    _stats_sheet(wb, stats, f, result, statistics() if statistics is not None else statistics_tables(result))
    wb.close()
    splice.finish(package.getvalue(), target)
    rows.keep()


OTHERS = None  # the group after the units': files (and their problems) no unit claims


class _Groups:
    """The register's row groups: one per unit in 附件2 order, then OTHERS; each unit's share of the result
    (Assembled.by_unit) and its content key."""

    def __init__(self, result: Assembled, kept: KeptRows, unit_keys: dict):
        self.result, self.kept, self.unit_keys = result, kept, unit_keys
        self.views = result.by_unit
        self.order = [u.unit for u in result.units]

    def key(self, unit: str | None, extra: str = "") -> str | None:
        """The group's content key: the unit's key (and ``extra``: what else its rows are made from, as text),
        None for OTHERS or a unit without a key."""
        if unit is OTHERS or unit not in self.unit_keys:
            return None
        if not extra:
            return f"{unit}\0{self.unit_keys[unit]}"
        import hashlib

        digest = hashlib.sha256(extra.encode("utf-8", "surrogatepass")).hexdigest()
        return f"{unit}\0{self.unit_keys[unit]}\0{digest}"

    def of_applications(self, rows_of) -> list[RowGroup]:
        """A group per unit of ``rows_of(applications)`` -> (rows, style_rows)."""
        return [RowGroup(self.key(unit), lambda unit=unit: rows_of(self.views[unit].applications))
                for unit in self.order]

    def write(self, ws, f, splice, *, table: str, **options) -> tuple[list[float], int]:
        return write_grouped_table(ws, f, table=table, splice=splice, kept=self.kept, **options)


def _in_column_styles(columns: list[Column], make_rows):
    """A RowGroup build from ``make_rows(source)`` (-> rows): the rows, each cell in its column's style."""
    names = [column.style for column in columns]

    def rows_of(source):
        rows = make_rows(source)
        return rows, [names] * len(rows)

    return rows_of


def _title(ws, f, text: str, width: int, *, row: int = 0) -> None:
    ws.set_row(row, 30)
    ws.merge_range(row, 0, row, width - 1, text, f["title"])


def _revenue(app: Application, year: int) -> float | None:
    """营业收入 of ``year`` in 万元: 主营业收入 plus 其他业务收入 (None when the 主营业收入 is missing)."""
    if app.form is None:
        return None
    main = app.form.number("主营业收入", year)
    other = app.form.number("其他业务收入", year)
    return None if main is None else round(main + (other or 0.0), 2)


def _profit(app: Application, year: int) -> float | None:
    return app.form.number("利润总额", year) if app.form else None


def _region(app: Application) -> str:
    """The campaign's region (石家庄市) when assembly recognised one, else what was written."""
    written = app.field_text(REGION)
    return app.region if app.region and app.region != "未填写" else written


# ---- 1. 推荐汇总表 (for leaders) ----

def recommended(applications) -> list[Application]:
    """The applications among ``applications`` that a unit recommends and the province received in order (status
    通过), in their order (``result.applications``: 附件2 unit order, then each unit's 推荐顺序)."""
    return [a for a in applications if a.status == PASSED]


def leaders_columns(result: Assembled) -> list[Column]:
    """The lean set a leader reads; money of the latest base year in 万元 (the unit is said above the table)."""
    year = result.campaign.latest_year
    return [Column("序号", "count", minimum=5), Column("推荐单位", cap=28), Column("推荐顺序", "count", minimum=5),
            Column("申报单位", cap=32), Column("标杆名称", cap=2 * result.campaign.name_limit + 2),
            Column("所在地区", "center", cap=12), Column("所属行业", cap=40), Column("企业规模", "center", cap=8),
            Column(f"{year}年营业收入", "money"), Column(f"{year}年利润总额", "money"), Column("备注", cap=30)]


def leaders_note(u: UnitStatus) -> str:
    """What a leader must know of a recommended application's unit before forwarding it: its 推荐意见 is still a
    draft (its order not yet given by the unit — only the order received in, which the opinion numbers too — or
    something left to handle), or its stamped 推荐意见 has not come or is in doubt; '' when it is done."""
    if u.draft_reasons:
        return "推荐意见尚为草稿（" + ("推荐顺序未经推荐单位确认，暂按收到先后排列" if u.rank_source == "收到顺序"
                                     else "推荐单位尚有问题待处理") + "）"
    if not u.stamped_opinion:
        return "盖章推荐意见未收到"
    return "盖章推荐意见需核对" if u.stamp_in_doubt else ""


def leaders_rows(result: Assembled, applications) -> list[list]:
    """One row per recommended application among ``applications`` (each unit's in its order), its 序号
    xlsx_rows.NUMBER and its 推荐顺序 the number its unit's 推荐意见 gives it: its place among the unit's
    recommended ones (render.opinion numbers them so), not its rank among all the unit sent — an application
    ranked 3rd after a 2nd that must be corrected is 2nd on the opinion that is stamped, and on this sheet."""
    c = result.campaign
    year = c.latest_year
    rows, place = [], {}
    notes = {u.unit: leaders_note(u) for u in result.units}
    for a in recommended(applications):
        place[a.unit] = place.get(a.unit, 0) + 1
        rows.append([NUMBER, a.unit, place[a.unit], a.enterprise, a.benchmark_name, _region(a),
                     c.industry_text(a.field_text(INDUSTRY)), a.size_class, _revenue(a, year), _profit(a, year),
                     notes.get(a.unit, "")])
    return rows


def _money_sum(values) -> float:
    return round(sum(v for v in values if isinstance(v, (int, float))), 2)


def _leaders_money(result: Assembled, groups: _Groups) -> list:
    """[营业收入, 利润总额] of the latest year (万元, None when missing) of each recommended application, in their
    order: each unit's kept (kept_text, under its group key) — a unit kept since the last run is not asked for its
    applications' 申请表 (a kept decision's are decoded only when read: cache._Details)."""
    import json

    year = result.campaign.latest_year

    def made(unit: str) -> str:
        return json.dumps([[_revenue(a, year), _profit(a, year)] for a in recommended(groups.views[unit].applications)])

    out = []
    for unit in groups.order:
        key = groups.key(unit)
        out += json.loads(kept_text(groups.kept.parts, None if key is None else ("leaders money", key),
                                    lambda unit=unit: made(unit)))
    return out


def _leaders_sheet(wb, f, result: Assembled, splice: RowSplice | None, groups: _Groups) -> None:
    ws = wb.add_worksheet(LEADERS)
    columns = leaders_columns(result)
    money = _leaders_money(result, groups)
    total = ["合计", "", "", len(money), "", "", "", "", _money_sum(m[0] for m in money),
             _money_sum(m[1] for m in money), ""]
    _title(ws, f, f"{result.campaign.title}推荐汇总表", len(columns))
    ws.set_row(1, 18)
    ws.merge_range(1, 0, 1, len(columns) - 1, "金额单位：万元", f["unit_note"])
    rows_of = _in_column_styles(columns, lambda applications: leaders_rows(result, applications))
    _, count = groups.write(ws, f, splice, table=LEADERS, top=2, columns=columns, page=(A3, LANDSCAPE),
                            groups=groups.of_applications(rows_of),
                            style_names=("count", "cell", "cell_center", "money"), total=total,
                            total_styles={0: "total_text", 3: "total_items"}, total_label_span=3)
    if not count:
        ws.merge_range(3 + 1, 0, 3 + 1, len(columns) - 1, "尚无通过审核的推荐项目。", f["cell"])
    ws.freeze_panes(3, 0)
    # no autofilter here: the 合计 row holds values, which a filter would leave stale (filter on 全部申报)
    print_setup(ws, landscape=True, header_rows=(2, 2), paper=A3)
    ws.center_horizontally()


# ---- 2. 全部申报 ----

def all_columns(result: Assembled) -> list[Column]:
    c = result.campaign
    cols = [Column("序号", "count", minimum=5), Column("推荐单位", cap=22), Column("推荐顺序", "count", minimum=5),
            Column("申报单位", cap=26), Column("标杆名称", cap=36), Column("所在地区", "center", cap=10),
            Column("所属行业", cap=18), Column("企业规模", "center", cap=8)]
    cols += [Column(f"{year}年利润总额（万元）", "money") for year in c.base_years]
    cols += [Column(f"{c.latest_year}年营业收入（万元）", "money"), Column("状态", "center", cap=10),
             Column("主要问题", cap=30), Column("收到时间", "center", cap=17), Column("版本数", "count")]
    return cols


def main_problem(app: Application) -> str:
    """What a reader needs first: a withdrawal and when, else the kinds of error, else the kinds of hint."""
    if app.status == WITHDRAWN:
        when = display_time(app.withdrawn_at)
        return f"推荐单位已撤回（{when}收到撤回）" if when else "推荐单位已撤回"
    errors = [i for i in app.issues if i.severity == ERROR]
    hints = [i for i in app.issues if i.severity != ERROR]
    return "；".join(dict.fromkeys(issue_title(i.code, i.severity) for i in errors or hints))


def all_rows(result: Assembled, applications) -> list[list]:
    """One row per application of ``applications``, its 序号 xlsx_rows.NUMBER."""
    c = result.campaign
    rows = []
    for app in applications:
        row = [NUMBER, app.unit, app.rank, app.enterprise, app.benchmark_name, _region(app),
               c.industry_text(app.field_text(INDUSTRY)), app.size_class]
        row += [_profit(app, year) for year in c.base_years]
        row += [_revenue(app, c.latest_year), app.status, main_problem(app), display_time(app.received_at),
                app.versions]
        rows.append(row)
    return rows


def _status_style(value) -> str:
    return "ok" if value == PASSED else "cell_center" if value == WITHDRAWN else "bad"


def _all_sheet(wb, f, result: Assembled, splice: RowSplice | None, groups: _Groups) -> None:
    ws = wb.add_worksheet(ALL)
    columns = all_columns(result)
    count = len(result.applications)
    status_col = [col.name for col in columns].index("状态")
    _title(ws, f, f"{result.campaign.title}全部申报情况（共{count}项，生成于{display_time(result.generated_at)}）",
           len(columns))
    names = [column.style for column in columns]
    by_status = {}  # status -> the row's style names

    def rows_of(applications):
        rows = all_rows(result, applications)
        style_rows = []
        for row in rows:
            status = row[status_col]
            if status not in by_status:
                by_status[status] = [*names[:status_col], _status_style(status), *names[status_col + 1:]]
            style_rows.append(by_status[status])
        return rows, style_rows

    groups.write(ws, f, splice, table=ALL, top=1, columns=columns, groups=groups.of_applications(rows_of),
                 style_names=("count", "cell", "cell_center", "money", "ok", "bad"), page=(A3, LANDSCAPE))
    ws.freeze_panes(2, 4)
    ws.autofilter(1, 0, max(2, count + 1), len(columns) - 1)
    print_setup(ws, landscape=True, header_rows=(1, 1), paper=A3)


# ---- 3. 推荐单位情况 ----

UNIT_COUNTS = ("quota", "received", "passed", "over_quota", "late", "ineligible", "needs_fix", "withdrawn",
               "file_errors", "to_handle")


def opinion_state(u: UnitStatus) -> str:
    """The stamped 推荐意见 as the province reads it."""
    if not u.stamped_opinion:
        return "未收到"
    if u.opinion_outdated:  # (the receipt's words, shorter)
        return "已收到，需核对（早于最新材料，必要时重新盖章）"
    if u.opinion_late:
        return "已收到，需核对（截止时间后收到）"
    return "已收到，需核对（推荐意见仍是草稿，处理后需重新盖章）" if u.draft_reasons else "已收到"


def _kind_label(result: Assembled, u: UnitStatus) -> str:
    """市级 / 省级协会: the campaign's label of the unit's kind (campaign.Unit.kind_label)."""
    unit = result.campaign.unit(u.unit)
    return unit.kind_label if unit else u.kind


def _unit_note(u: UnitStatus) -> str:
    notes = ["未报送"] if u.received == 0 else (["超出名额"] if u.over_quota else [])
    if u.stamped_opinion and u.opinion_outdated:
        notes.append("盖章推荐意见早于最新报送的材料，请核对推荐顺序是否仍一致")
    elif u.stamped_opinion and u.opinion_late:
        notes.append("盖章推荐意见在截止时间后才收到")
    elif u.stamp_in_doubt:
        notes.append("已收到盖章推荐意见，但推荐意见仍是草稿，盖章件不能作为正式推荐意见")
    return "；".join(notes)


def _units_sheet(wb, f, result: Assembled, splice: RowSplice | None = None) -> None:
    ws = wb.add_worksheet(UNITS)
    columns = [Column("序号", "count", minimum=5), Column("推荐单位", cap=28), Column("类别", "center", cap=10),
               Column("名额", "count"), Column("收到", "count"), Column("通过", "count"), Column("超出名额", "count"),
               Column("逾期", "count"), Column("不符合申报条件", "count"), Column("需补正", "count"),
               Column("已撤回", "count"), Column("文件错误", "count"), Column("还需处理", "count"),
               Column("盖章推荐意见", "center", cap=20), Column("排序依据", "center", cap=14), Column("情况", cap=30)]
    rows = []
    for u in result.units:
        rows.append([u.order, u.unit, _kind_label(result, u), *(getattr(u, k) for k in UNIT_COUNTS),
                     opinion_state(u), u.rank_source, _unit_note(u)])
    sent = sum(1 for u in result.units if u.received)
    stamped = sum(1 for u in result.units if u.stamped_opinion)
    outdated = sum(1 for u in result.units if u.stamp_in_doubt)
    total = ["", "合计", f"{len(result.units)}个单位", *(sum(getattr(u, k) for u in result.units) for k in UNIT_COUNTS),
             stamped, "", f"已报送 {sent}/{len(result.units)} 个单位" + (f"；{outdated} 个单位需核对（必要时重新盖章）" if outdated else "")]
    _title(ws, f, f"{result.campaign.title}推荐单位报送情况（截至{display_time(result.generated_at)}）", len(columns))
    stamp_col = 13

    def style(r, c, v):
        if c == stamp_col:
            return "ok" if v == "已收到" else "bad"
        if c == 12 and v:  # 还需处理
            return "bad"
        return None

    write_table(ws, f, splice=splice, top=1, columns=columns, rows=rows, styles=style, total=total,
                total_styles={2: "total_text", stamp_col: "total_stamped"}, page=(A3, LANDSCAPE))
    ws.freeze_panes(2, 2)
    ws.autofilter(1, 0, max(2, len(rows) + 1), len(columns) - 1)
    # A3: sixteen columns of every unit's counts do not print legibly on A4 (xlsx_style.PRINT_SCALE)
    print_setup(ws, landscape=True, header_rows=(1, 1), paper=A3)


# ---- 4. 问题清单 ----

def issue_table(result: Assembled) -> list[tuple]:
    """(unit, enterprise, issue) for every problem once, grouped by unit in 附件2 order (files no unit claims
    last), errors before hints within a unit, and the same hint about the same place said once."""
    return [row for _, rows in _issue_groups(result) for row in rows]


def _issue_groups(result: Assembled, views: dict | None = None) -> list[tuple]:
    """(unit or OTHERS, its issue_table rows) for each unit in 附件2 order, then OTHERS (files no unit claims);
    ``views``: result.by_unit when at hand."""
    views = result.by_unit if views is None else views
    others = [(unit, enterprise, issue) for unit, enterprise, issue in result.issue_rows() if unit not in views]
    groups = [(unit, _said_once([(unit, enterprise, issue) for enterprise, issue in view.issues]))
              for unit, view in views.items()]
    return [*groups, (OTHERS, _said_once(others))]


def _said_once(rows: list[tuple]) -> list[tuple]:
    """(unit, enterprise, issue) rows of one group: each problem once (the same unit, enterprise, severity, code,
    place and message), errors first, else in the order given. The same words about two enterprises are two
    problems — a 推荐排序表 giving two of them rank 1 says so on each — as summary.json and the 回执 count them."""
    seen, out = set(), []
    for n, (unit, enterprise, issue) in enumerate(rows):
        key = (unit, enterprise, issue.severity, issue.code, issue.file, issue.location, issue.message)
        if key not in seen:
            seen.add(key)
            out.append((issue.severity != ERROR, n, unit, enterprise, issue))
    out.sort(key=lambda r: r[:2])
    return [(unit, enterprise, issue) for *_, unit, enterprise, issue in out]


ISSUE_LOOK_COLUMNS = (3, 4, 8)  # 级别, 问题类型, 说明及修改方法: red for an error, brown for a hint


def _issues_sheet(wb, f, result: Assembled, splice: RowSplice | None, groups: _Groups) -> None:
    ws = wb.add_worksheet(ISSUES)
    columns = [Column("序号", "count", minimum=5), Column("推荐单位", cap=22), Column("申报单位", cap=24),
               Column("级别", "center", minimum=6), Column("问题类型", cap=18), Column("文件", cap=40),
               Column("位置", cap=22), Column("栏目", cap=14), Column("说明及修改方法", cap=70),
               Column("代码", cap=24, hidden=True)]
    names = [column.style for column in columns]
    looks = {severity: [look if c in ISSUE_LOOK_COLUMNS else name for c, name in enumerate(names)]
             for severity, look in ((True, "error"), (False, "warning"))}
    table = _issue_groups(result, groups.views)
    errors = sum(1 for _, rows in table for *_, i in rows if i.severity == ERROR)
    count = sum(len(rows) for _, rows in table)
    _title(ws, f, f"问题清单（错误 {errors} 条、提示 {count - errors} 条）", len(columns) - 1)

    def rows_of(rows):
        return ([[NUMBER, unit or NO_UNIT, enterprise, SEVERITY_LABELS.get(i.severity, i.severity),
                  issue_title(i.code, i.severity), i.file, display_location(i.location), display_field(i), i.message,
                  i.code]
                 for unit, enterprise, i in rows],
                [looks[i.severity == ERROR] for *_, i in rows])

    row_groups = [RowGroup(groups.key(unit), lambda rows=rows: rows_of(rows)) for unit, rows in table]
    groups.write(ws, f, splice, table=ISSUES, top=1, columns=columns, groups=row_groups,
                 style_names=("count", "cell", "cell_center", "error", "warning"), page=(A3, LANDSCAPE))
    if not count:
        ws.merge_range(2, 0, 2, len(columns) - 2, "未发现问题。", f["ok"])
    ws.freeze_panes(2, 0)
    ws.autofilter(1, 0, max(2, count + 1), len(columns) - 1)
    print_setup(ws, landscape=True, header_rows=(1, 1), paper=A3)


# ---- 5. 统计 ----

_LAST = ("未填写", "未能识别行业", "无法判定")


def _statistics_columns(result: Assembled) -> dict:
    """The columns ``statistics`` groups: per application its region, industry, size class and status, and
    whether it passed."""
    c = result.campaign
    apps = result.applications
    return {
        "按所在地区": [a.region or "未填写" for a in apps],
        "按行业大类": [c.industry_by_code(a.industry_code).label if a.industry_code else "未能识别行业" for a in apps],
        "按企业规模": [a.size_class or "无法判定" for a in apps],
        "按状态": [a.status for a in apps],
        "通过": [a.status == PASSED for a in apps],
    }


def statistics(result: Assembled) -> list:
    """The 统计 tables: for each dimension (region, industry, size class, status) a DataFrame indexed by the
    dimension's value with columns 项数 and 通过, sorted by count (unknown values last). Grouping keys are
    assembly's (Application.region, industry_code, size_class, status)."""
    return _statistics_of(_statistics_columns(result))


def _statistics_of(columns: dict) -> list:
    import pandas as pd

    frame = pd.DataFrame(columns)
    out = []
    for dimension in ("按所在地区", "按行业大类", "按企业规模", "按状态"):
        table = frame.groupby(dimension).agg(项数=("通过", "size"), 通过=("通过", "sum"))
        table["last"] = table.index.isin(_LAST)
        table = table.reset_index().sort_values(["last", "项数", dimension], ascending=[True, False, True])
        out.append((dimension, table.set_index(dimension)[["项数", "通过"]]))
    return out


KIND_COLUMNS = ("单位数", "已报送", "名额", "收到", "通过", "需补正", "还需处理", "盖章推荐意见")


def statistics_tables(result: Assembled) -> dict:
    """What the 统计 sheet shows, as plain data (sent by pickle to a child that has not imported pandas):
    {"tables": [(dimension, [(value, 项数, 通过) …]) …] (``statistics``, in its order), "kinds": [(kind label,
    [count per KIND_COLUMNS]) …] (``unit_kinds``)}; counts are ints."""
    return _tables_of(_statistics_columns(result), _kind_columns(result))


def _tables_of(columns: dict, kind_columns: dict) -> dict:
    """statistics_tables from the columns they group (_statistics_columns, _kind_columns)."""
    tables = [(dimension, [(str(value), int(row["项数"]), int(row["通过"])) for value, row in table.iterrows()])
              for dimension, table in _statistics_of(columns)]
    kinds = [(str(label), [int(row[name]) for name in KIND_COLUMNS])
             for label, row in _unit_kinds_of(kind_columns).iterrows()]
    return {"tables": tables, "kinds": kinds}


def kept_statistics(result: Assembled, context: RenderContext):
    """The register's shared part (render.Output.shared): statistics_tables of ``result`` (lists for tuples),
    kept between runs (kept.kept_text, in the context's 'statistics' parts) under a digest of everything they
    count — each application's region, industry, size class and status, each unit's counts. Kept: the tables (a
    run after a file that changed none of them imports no pandas); else a helper.Job computing and keeping them
    from those columns alone (the run's helper imported pandas while the run read and decided)."""
    import hashlib
    import json

    from .helper import Job

    columns, kinds = _statistics_columns(result), _kind_columns(result)
    digest = hashlib.sha256(repr((columns, kinds)).encode("utf-8", "surrogatepass")).hexdigest()
    kept = kept_parts(context, "statistics")
    part = kept.get(kept.name("statistics", digest))
    if part is not None:
        try:
            tables = json.loads(part[1])
            kept.save()
            return tables
        except ValueError:
            pass
    folder = context.kept_parts / "statistics" if context.kept_parts is not None else None
    return Job(_kept_tables, (folder, context.kept_salt, digest, columns, kinds))


def _kept_tables(folder, salt: str, digest: str, columns: dict, kind_columns: dict) -> dict:
    """_tables_of the columns (lists for tuples), kept in ``folder`` under ``digest`` (kept_statistics's job)."""
    import json

    kept = KeptParts(folder, salt)
    text = kept_text(kept, ("statistics", digest), lambda: json.dumps(_tables_of(columns, kind_columns),
                                                                      ensure_ascii=False))
    kept.save()
    return json.loads(text)


def _kind_columns(result: Assembled) -> dict:
    """The columns ``unit_kinds`` groups: per unit its kind's label and counts."""
    units = result.units
    return {
        "类别": [_kind_label(result, u) for u in units],
        "已报送": [u.received > 0 for u in units],
        "名额": [u.quota for u in units], "收到": [u.received for u in units],
        "通过": [u.passed for u in units], "需补正": [u.needs_fix for u in units],
        "还需处理": [u.to_handle for u in units],
        "盖章推荐意见": [u.stamped_opinion for u in units],
    }


def unit_kinds(result: Assembled):
    """By kind of unit (市级, 省级协会): a DataFrame indexed by the kind's label with KIND_COLUMNS, a group-by
    over ``result.units`` (UnitStatus.kind)."""
    return _unit_kinds_of(_kind_columns(result))


def _unit_kinds_of(columns: dict):
    import pandas as pd

    frame = pd.DataFrame(columns)
    table = frame.groupby("类别", sort=False).agg(
        单位数=("名额", "size"), 已报送=("已报送", "sum"), 名额=("名额", "sum"), 收到=("收到", "sum"),
        通过=("通过", "sum"), 需补正=("需补正", "sum"), 还需处理=("还需处理", "sum"), 盖章推荐意见=("盖章推荐意见", "sum"))
    return table[list(KIND_COLUMNS)]


STATS_PAGE = (A4, False)  # 统计 prints on A4 portrait, its charts under their tables within the columns printed


def stats_widths(labels: list[str]) -> list[float]:
    """The 统计 sheet's column widths: the labels' column (wrapping a long 行业 name), then one per KIND_COLUMNS
    count, as narrow as its header in up to three lines — together within STATS_PAGE at PRINT_SCALE."""
    counts = [header_need(name, 7.5) for name in KIND_COLUMNS]
    room = page_units(STATS_PAGE, 1 + len(counts)) - sum(counts)
    first = max(12.0, min(room, max(map(text_units, labels), default=0.0) + PADDING))
    return [round(first, 1), *counts]


# the printable height of STATS_PAGE between print_setup's margins (0.6 in each), in points at 100 %
STATS_PAGE_POINTS = 841.9 - 2 * 0.6 * 72
DEFAULT_ROW = 15.0  # points: a row without set_row (xlsxwriter's default, 20 px)
PAGE_SLACK = 0.95  # of a page filled at most: LibreOffice's rows print a little taller than their height says


class StatsPages:
    """Where the 统计 sheet's pages break: a block (a table, a chart) that does not fit in what is left of the
    page starts a new one, so that no chart is cut in two and no table leaves its header on the page before.
    Heights are the sheet's points; the page holds STATS_PAGE_POINTS at the scale the sheet's one-page-wide
    fitting prints it (``widths``' printed_points against the paper's width), less PAGE_SLACK."""

    def __init__(self, widths: list[float]):
        scale = min(1.0, PAPER_POINTS[STATS_PAGE] / printed_points(widths))
        self.room = STATS_PAGE_POINTS * PAGE_SLACK / scale
        self.used = 0.0
        self.breaks: list[int] = []  # zero-based rows a page starts at (xlsxwriter set_h_pagebreaks)

    def place(self, row: int, *heights: float) -> None:
        """A block starting at ``row`` and as tall as ``heights`` together (points): a new page before it when it
        does not fit in what is left of this one (a block taller than a page starts one and runs over)."""
        height = sum(heights)
        if self.used and self.used + height > self.room:
            self.breaks.append(row)
            self.used = 0.0
        self.used += height


def _stats_sheet(wb, ws, f, result: Assembled, shown: dict) -> None:
    """The 统计 sheet ``ws`` from ``shown`` (statistics_tables): counts by kind of unit with their total, then
    each dimension's table with its total and, under it, a chart as wide as the printed columns. A table or a
    chart that does not fit in what is left of a page starts the next (StatsPages)."""
    tables, kinds = shown["tables"], shown["kinds"]
    labels = [value for _, rows in tables for value, *_ in rows] + ["合计", *(label for label, _ in kinds)]
    widths = stats_widths(labels)
    for c, width in enumerate(widths):
        ws.set_column(c, c, width)
    columns = len(widths)
    pages = StatsPages(widths)
    chart_width = int(sum(7 * w + 5 for w in widths))  # pixels (xlsxwriter's default font): the printed columns
    apps = result.applications
    passed = sum(1 for a in apps if a.status == PASSED)
    title = f"{result.campaign.title}申报情况统计（共{len(apps)}项，其中通过{passed}项）"
    title_height = row_height([title], [sum(widths)], line=24.0)
    ws.set_row(0, title_height)
    ws.merge_range(0, 0, 0, columns - 1, title, f["title"])
    # by kind of unit, with its total
    row = 2
    heads = [header_text(name, width) for name, width in zip(("按推荐单位类别", *KIND_COLUMNS), widths)]
    head_height = LINE_HEIGHT * max(text.count("\n") + 1 for text in heads) + 6
    ws.set_row(row, head_height)
    pages.place(0, title_height, DEFAULT_ROW, head_height, DEFAULT_ROW * (len(kinds) + 3))
    for c, text in enumerate(heads):
        ws.write_string(row, c, text, f["header"])
    for label, values in kinds:
        row += 1
        ws.write_string(row, 0, label, f["cell"])
        for c, value in enumerate(values, start=1):
            ws.write_number(row, c, value, f["count"])
    row += 1
    ws.write_string(row, 0, "合计", f["total_text"])
    for c in range(1, len(KIND_COLUMNS) + 1):
        ws.write_number(row, c, sum(values[c - 1] for _, values in kinds), f["total_count"])
    row += 3
    for idx, (name, rows) in enumerate(tables):
        ws.write_string(row, 0, name, f["header"])
        ws.write_string(row, 1, "项数", f["header"])
        ws.write_string(row, 2, "通过", f["header"])
        heights = [row_height([value], widths[:1], line=LINE_HEIGHT) for value, *_ in rows]
        items = len(rows)
        chart_height = max(240, 22 * items + 80)  # pixels
        chart_rows = -(-chart_height // 20) + 2 if items else 0  # default rows are 20 px: no overlap with the next
        table = [DEFAULT_ROW, *heights, DEFAULT_ROW * 2]  # header, items, total and the blank row under it
        if sum(table) + DEFAULT_ROW * chart_rows <= pages.room:
            pages.place(row, *table, DEFAULT_ROW * chart_rows)  # the table with its chart, on one page
        else:  # (taller than a page: the chart under the table where it fits, else on the next page)
            pages.place(row, *table[:-1])
            if items:  # (from the blank row above it: LibreOffice draws a chart that starts a page on the one before)
                pages.place(row + items + 2, DEFAULT_ROW * (chart_rows + 1))
        for i, (value, count, passing) in enumerate(rows, start=1):
            ws.set_row(row + i, heights[i - 1])
            ws.write_string(row + i, 0, value, f["cell"])
            ws.write_number(row + i, 1, count, f["count"])
            ws.write_number(row + i, 2, passing, f["count"])
        ws.write_string(row + items + 1, 0, "合计", f["total_text"])
        ws.write_number(row + items + 1, 1, sum(count for _, count, _ in rows), f["total_count"])
        ws.write_number(row + items + 1, 2, sum(passing for *_, passing in rows), f["total_count"])
        row += items + 3
        if items:
            chart = wb.add_chart({"type": "pie" if idx >= 2 else "bar"})
            chart.add_series({"name": name, "categories": [STATS, row - items - 2, 0, row - 3, 0],
                              "values": [STATS, row - items - 2, 1, row - 3, 1],
                              "data_labels": {"value": True}})
            chart.set_title({"name": f"{name}统计"})
            chart.set_legend({"none": idx < 2})
            chart.set_size({"width": chart_width, "height": chart_height})
            ws.insert_chart(row, 0, chart)  # under its table, from column A: never beyond the printed columns
            row += chart_rows
    print_setup(ws, landscape=False, header_rows=None)
    if pages.breaks:
        ws.set_h_pagebreaks(pages.breaks)


# ---- 6. 申报明细 ----

def detail_fields(result: Assembled) -> list:
    """The campaign's scalar fields shown in 申报明细, in the 申请表's order: all but 申报单位 (already in front)."""
    return [spec for spec in result.campaign.fields if spec.key != "申报单位"]


def detail_cap(spec, name_limit: int) -> float:
    """How wide a field's column in 申报明细 may grow: the 标杆名称 on one line; a long text (摘要, ≤500 字) wide
    enough that a text at its limit wraps into the rows' most lines (MAX_LINES), up to LONG_TEXT_CAP; others 40."""
    if spec.key == "标杆名称":
        return 2 * name_limit + 2
    if spec.type == "text" and spec.max_length > LONG_TEXT:
        return min(LONG_TEXT_CAP, -(-spec.max_length // MAX_LINES) * WIDE_UNITS + PADDING)
    return 40


def detail_columns(result: Assembled) -> list[Column]:
    """申报明细: every field of every application, for filtering and further analysis."""
    c = result.campaign
    cols = [Column("序号", "count", minimum=5), Column("推荐单位", cap=24), Column("推荐顺序", "count", minimum=5),
            Column("申报单位", cap=30)]
    cols += [Column(spec.key, cap=detail_cap(spec, c.name_limit)) for spec in detail_fields(result)]
    cols += [Column("行业大类", cap=40), Column("企业规模", "center", cap=8)]
    for spec in c.yearly:
        kind = "money" if spec.type == "money" else "count"
        for year in c.base_years:
            cols.append(Column(f"{year}年{spec.key}（{spec.unit}）" if spec.unit else f"{year}年{spec.key}", kind))
    cols += [Column("状态", "center", cap=10), Column("错误数", "count"), Column("提示数", "count"),
             Column("版本数", "count")]
    return cols


def detail_rows(result: Assembled, applications) -> list[list]:
    """One row per application of ``applications``, its 序号 xlsx_rows.NUMBER."""
    c = result.campaign
    fields = detail_fields(result)
    rows = []
    for app in applications:
        industry = c.industry_by_code(app.industry_code) if app.industry_code else None
        row = [NUMBER, app.unit, app.rank, app.enterprise]
        row += [app.field_text(spec.key) for spec in fields]
        row += [industry.label if industry else "", app.size_class]
        for spec in c.yearly:
            for year in c.base_years:
                row.append(app.form.number(spec.key, year) if app.form else None)
        errors = len(app.errors)
        row += [app.status, errors, len(app.issues) - errors, app.versions]
        rows.append(row)
    return rows


def _detail_sheet(wb, f, result: Assembled, splice: RowSplice | None, groups: _Groups) -> None:
    ws = wb.add_worksheet(DETAIL)
    columns = detail_columns(result)
    rows_of = _in_column_styles(columns, lambda applications: detail_rows(result, applications))
    widths, _ = groups.write(ws, f, splice, table=DETAIL, top=0, columns=columns,
                             groups=groups.of_applications(rows_of),
                             style_names=("count", "cell", "cell_center", "money"))
    ws.freeze_panes(1, 4)
    ws.autofilter(0, 0, max(1, len(result.applications)), len(columns) - 1)
    print_setup(ws, landscape=True, header_rows=(0, 0), fit_width=False, paper=A3)
    ws.repeat_columns(0, 3)  # every printed page says which application a figure belongs to
    ws.fit_to_pages(detail_pages_wide(widths, repeated=4), 0)
    ws.print_across()  # the fields of the first applications first, then the next ones


def detail_pages_wide(widths: list[float], *, repeated: int) -> int:
    """How many pages wide 申报明细 prints: its columns after the ``repeated`` ones (printed on every page)
    spread over A3 landscape pages at xlsx_style.PRINT_SCALE, with a fifth of slack, since a column never splits
    across pages; printing scales to fit that many pages, so wide text columns do not leave half-empty pages."""
    import math

    page = PAPER_POINTS[(A3, LANDSCAPE)] / PRINT_SCALE
    head, rest = printed_points(widths[:repeated]), printed_points(widths[repeated:])
    return max(1, math.ceil(1.2 * rest / max(1.0, page - head)))


# ---- 7. 文件清单 ----

def file_rows(entries: list, ignored: list, pending: list) -> list[list]:
    """One row per file: FileEntry ``entries``, temp files ``ignored`` and files still being copied ``pending``
    (FileVersion), by path; the 序号 xlsx_rows.NUMBER."""
    rows = []
    for e in entries:
        v = e.version
        rows.append((v.path, [v.unit or NO_UNIT, v.path, KIND_LABELS.get(e.kind, e.kind),
                              FILE_STATUS.get(e.status, e.status), e.enterprise, display_time(v.first_seen),
                              sum(1 for i in e.issues if i.severity == ERROR), v.sha256]))
    for fv in ignored:
        rows.append((fv.path, [fv.unit or NO_UNIT, fv.path, "临时文件", FILE_STATUS["ignored"], "", "", 0, fv.sha256]))
    for fv in pending:
        rows.append((fv.path, [fv.unit or NO_UNIT, fv.path, "", FILE_STATUS["pending"], "", "", 0, ""]))
    rows.sort(key=lambda r: r[0])
    return [[NUMBER, *row] for _, row in rows]


def _files_sheet(wb, f, result: Assembled, splice: RowSplice | None, groups: _Groups) -> None:
    """Every file seen, by unit in 附件2 order (files no unit claims last), then path."""
    ws = wb.add_worksheet(FILES)
    columns = [Column("序号", "count", minimum=5), Column("推荐单位", cap=22), Column("文件", cap=56),
               Column("类型", "center", cap=14), Column("状态", "center", cap=16), Column("申报单位", cap=24),
               Column("首次收到时间", "center", cap=17), Column("错误数", "count"),
               Column("SHA-256", cap=12, hidden=True)]
    views = groups.views
    of: dict = {}  # unit (OTHERS for none of the units) -> ([FileEntry], [ignored], [pending])
    for unit in groups.order:
        of[unit] = (views[unit].files, [], [])
    of[OTHERS] = ([e for e in result.files if e.version.unit not in views], [], [])
    for index, versions in ((1, result.ignored), (2, result.pending)):
        for fv in versions:
            of[fv.unit if fv.unit in views else OTHERS][index].append(fv)
    count = sum(len(e) + len(i) + len(p) for e, i, p in of.values())
    _title(ws, f, f"收到的文件（共{count}个）", len(columns) - 1)

    rows_of = _in_column_styles(columns, lambda unit: file_rows(*of[unit]))
    # a unit's temporary and still-copying files are not part of its content key: their rows are, in its group's
    row_groups = [RowGroup(groups.key(unit, repr(file_rows([], *of[unit][1:]))), lambda unit=unit: rows_of(unit))
                  for unit in of]
    groups.write(ws, f, splice, table=FILES, top=1, columns=columns, groups=row_groups,
                 style_names=("count", "cell", "cell_center"), page=(A4, LANDSCAPE))
    ws.freeze_panes(2, 0)
    ws.autofilter(1, 0, max(2, count + 1), len(columns) - 1)
    print_setup(ws, landscape=True, header_rows=(1, 1), paper=A4)

