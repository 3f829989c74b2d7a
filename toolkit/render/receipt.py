"""回执: per unit, a receipt that hides nothing — where the unit stands, what it still has to do, and every
problem with the file and cell/section to fix, in a clerk's words.

Input: the assembled result (toolkit.model.Assembled; each unit's UnitView: status, applications in rank order,
file entries, (enterprise, issue) rows). Output: 回执/<unit>-回执.xlsx for every unit of the campaign (xlsxwriter).

Sheets:
- 申报情况 (first, printed first): a headline sentence, then the details — the unit; 收到 / 通过 / 需补正 / 不符合申报条件 / 超出名额 / 逾期 / 已撤回;
  还需处理 N 项 (UnitStatus.to_handle: applications to correct, files in the unit's folder that could not be
  read or recognised, and its 推荐排序表 when it has errors, each named); the stamped opinion's state; whether
  the 推荐意见 is final or a draft (each draft reason); deadline and times — then one row per application
  (withdrawn ones as 已撤回 with when).
- 问题及修改方法: problems grouped by application in rank order (errors before hints), then the unit's file-level
  problems (files that belong to no application: unreadable, unrecognised, a ranking sheet's conflicts).
- 收到的文件: every file the unit sent, what it was read as, its state.

Every printed page carries "<unit>回执" at the top and its page number at the bottom. Every time is China time in
one form, 2021年9月21日 9:59 (``clerk_time``); locations read "申请表 B7 单元格" (messages.display_location).
"""
from __future__ import annotations

import datetime as dt
from pathlib import Path

import xlsxwriter

from ..clock import CHINA_TZ, human_time
from ..messages import display_field, display_location
from ..messages import title as issue_title
from ..model import (
    ERROR,
    INELIGIBLE,
    KIND_LABELS,
    LATE,
    NEEDS_FIX,
    OUTPUT_PROPERTY,
    OUTPUT_RECEIPT,
    OVER_QUOTA,
    PASSED,
    RANKING,
    SEVERITY_LABELS,
    WITHDRAWN,
    Assembled,
    UnitStatus,
    UnitView,
)
from . import RenderContext, unit_documents
from .register import FILE_STATUS, row_height
from .xlsx_rows import RowSplice
from .xlsx_style import (
    A4_LANDSCAPE,
    fitted,
    formats,
    print_setup,
    write_cell,
    write_header,
)

RECEIPTS = "回执"
OVERVIEW = "申报情况"  # the first sheet: headline, then one row per application
REJECTED = "rejected"  # FileEntry.status of a file that could not be read or recognised (counted in file_errors)
# a file's state as the clerk reads it (the register's words, and every state a FileEntry can have)
FILE_STATES = FILE_STATUS


# ---- one date form for people ------------------------------------------------------------------------------

def clerk_time(value) -> str:
    """A time as clerks read it (clock.human_time, China time): '2021-09-21T09:59:00+08:00' (ISO string or
    datetime) -> '2021年9月21日 9:59'; a naive time is taken as China time; '' for ''/None."""
    if not value:
        return ""
    t = value if isinstance(value, dt.datetime) else dt.datetime.fromisoformat(str(value))
    return human_time((t if t.tzinfo else t.replace(tzinfo=CHINA_TZ)).isoformat())


# ---- what the headline says ----------------------------------------------------------------------------------

def opinion_state(status: UnitStatus) -> str:
    """The stamped 推荐意见's state in words: 未收到 / 已收到 / 已收到但需核对 (older than the latest material, or
    stamped while the unit's 推荐意见 is still a draft)."""
    if not status.stamped_opinion:
        return "未收到"
    if status.opinion_outdated:
        return "已收到，但早于最新报送的材料或推荐排序表，请核对推荐顺序，必要时重新盖章后报送"
    if status.opinion_late:
        return "已收到，但在截止时间后才收到（通知要求逾期不再受理），是否受理由省厅决定"
    if status.draft_reasons:
        return "已收到，但本单位的推荐意见目前仍是草稿（原因见下），盖章件不能作为正式推荐意见；处理后请按新生成的正式稿重新盖章报送"
    return "已收到"


def counts_text(status: UnitStatus) -> str:
    """'名额 3 项；收到 3 项：通过 2 项、需补正 1 项、…、已撤回 0 项' (every status, zeros included)."""
    return (f"名额 {status.quota} 项；收到 {status.received} 项：通过 {status.passed} 项、需补正 {status.needs_fix} 项、"
            f"超出名额 {status.over_quota} 项、逾期 {status.late} 项、已撤回 {status.withdrawn} 项、"
            f"不符合申报条件 {status.ineligible} 项")


def rejected_files(view: UnitView) -> list:
    """The unit's files that could not be read or recognised (UnitStatus.file_errors counts them)."""
    return [e for e in view.files if e.status == REJECTED]


def to_handle_items(view: UnitView) -> list[str]:
    """What the unit still has to do, one line each: every application to correct, every file with an error."""
    items = [f"申报需补正：{a.enterprise or '（未写申报单位）'}（{_rank_text(a)}，错误 {len(a.errors)} 条）"
             for a in view.applications if a.status == NEEDS_FIX]
    for e in rejected_files(view):
        first = next((i for i in e.issues if i.is_error), None)
        why = f"：{issue_title(first.code, first.severity)}" if first else ""
        items.append(f"文件有错误：“{e.version.path}”{why}")
    if view.status.sheet_errors:  # one item (UnitStatus.to_handle counts the sheet once), its own errors counted
        sheet, first = next((e, i) for e in view.files if e.kind == RANKING and e.status == "current"
                            for i in e.issues if i.is_error)
        items.append(f"推荐排序表有错误：“{sheet.version.path}”：{issue_title(first.code, first.severity)}"
                     f"（{view.status.sheet_errors} 处）")
    return items


def to_handle_text(view: UnitView) -> str:
    """'还需处理 2 项：…；…' or a line saying nothing is left (the count is UnitStatus.to_handle)."""
    items = to_handle_items(view)
    if not view.status.to_handle and not items:
        return f"还需处理 0 项：{nothing_to_handle(view, where='“问题及修改方法”')}"
    return f"还需处理 {view.status.to_handle} 项：" + "；".join(items) + "。详见“问题及修改方法”。"


def nothing_to_handle(view: UnitView, *, where: str) -> str:
    """The sentence said of a unit with nothing left to handle (to_handle_items empty): nothing sent yet; no error
    to correct; or, with applications 不符合申报条件, that they are not in the 推荐意见 and how to have them judged
    again (``where``: where their problems and fixes are listed — the 回执's sheet, the unit page's table)."""
    if not view.status.received and not view.files:
        return "本单位尚未报送申报材料。"
    # an application 不符合申报条件 keeps its errors (listed with their fixes): 'no error to correct' read as if they
    # were gone, and the 申报条件 error itself may be a figure typed wrong
    ineligible = [a.enterprise or "（未写申报单位）" for a in view.applications if a.status == INELIGIBLE]
    if ineligible:
        return (f"没有需补正的申报；{len(ineligible)} 项不符合申报条件（{'、'.join(ineligible)}），不列入推荐意见，"
                f"如是填写错误造成的，请按{where}改正后重新报送。")
    return "本单位的申报材料没有需要修改的错误。"


def headline(view: UnitView) -> str:
    """The receipt's first line: the unit, what it sent and how it fared, what is left, the opinion's state."""
    s = view.status
    if not s.received:
        sent = "尚未报送申报材料"
    else:
        sent = (f"收到 {s.received} 项，通过 {s.passed} 项、需补正 {s.needs_fix} 项、超出名额 {s.over_quota} 项、"
                f"逾期 {s.late} 项、" + (f"不符合申报条件 {s.ineligible} 项、" if s.ineligible else "")
                + f"已撤回 {s.withdrawn} 项")
    opinion = ("" if not s.received else "；推荐意见为草稿，请勿盖章" if s.draft_reasons
               else "；推荐意见为正式稿，可盖章")
    return f"{s.unit}：{sent}；还需处理 {s.to_handle} 项；盖章推荐意见{opinion_state(s)}{opinion}。"


def opinion_text(status: UnitStatus) -> str:
    """Whether the unit's 推荐意见 is final (ready to print and stamp) or a draft, with each reason."""
    if not status.received:
        return "本单位尚未报送申报材料，未生成推荐意见。"
    if status.draft_reasons:
        reasons = "".join(f"{n}. {r}" for n, r in enumerate(status.draft_reasons, start=1))
        return f"草稿，请勿盖章。原因：{reasons}"
    return "正式稿：可打印“推荐意见”，签字盖章后扫描放回本单位文件夹。"


def last_received(view: UnitView) -> str:
    """When the unit's most recent file was first seen (ISO), '' when it sent nothing."""
    times = [e.version.first_seen for e in view.files if e.version.first_seen]
    return max(times, key=dt.datetime.fromisoformat) if times else ""


def _rank_text(app) -> str:
    return f"第{app.rank}位" if app.rank else "未排序"


def app_note(app) -> str:
    """A line beside an application's status: when it was withdrawn, or why it does not count."""
    if app.status == WITHDRAWN:
        when = clerk_time(app.withdrawn_at)
        return (f"{when}撤回" if when else "已撤回") + "，不占名额，不列入推荐意见。"
    if app.status == LATE:
        return "截止后收到，不予受理。"
    if app.status == OVER_QUOTA:
        return "超出本单位推荐名额，不列入推荐意见。"
    if app.status == INELIGIBLE:
        return "不满足申报条件，不列入推荐意见。"
    if app.status == NEEDS_FIX:
        return "请按“问题及修改方法”修改后重新报送。"
    return "已列入推荐意见。" if app.listed_in_opinion else ""


def errors_first(issues) -> list:
    """Issues with errors before hints, each kind in its original order."""
    return sorted(issues, key=lambda i: 0 if i.severity == ERROR else 1)


def grouped_problems(view: UnitView) -> list[tuple[object, list]]:
    """(application, its issues errors first) for every application in rank order, then (None, file-level issues
    errors first) for the unit's problems that belong to no application (when there are any)."""
    own = {id(i) for a in view.applications for i in a.issues}
    groups: list[tuple[object, list]] = [(a, errors_first(a.issues)) for a in view.applications]
    loose = errors_first([issue for _, issue in view.issues if id(issue) not in own])
    if loose:
        groups.append((None, loose))
    return groups


# ---- the workbook ----------------------------------------------------------------------------------------------

def _header_text(unit: str) -> str:
    return "&C" + unit.replace("&", "&&") + "回执"


def _print(ws, unit: str, *, header_rows) -> None:
    print_setup(ws, landscape=True, header_rows=header_rows)
    ws.set_header(_header_text(unit), {"margin": 0.3})
    ws.set_footer("&C第 &P 页，共 &N 页", {"margin": 0.3})


def write_receipt(target, result: Assembled, view: UnitView) -> None:
    """The unit's 回执 (see the module docstring) into ``target`` (a path or a binary file object).

    Written row by row (constant_memory), the tables' rows by xlsx_rows.RowSplice (the same cells xlsxwriter
    writes): a unit of a national roll-up sends hundreds of applications, and cell by cell its 回执 took seconds."""
    import io

    status = view.status
    splice = RowSplice()
    package = io.BytesIO()
    wb = xlsxwriter.Workbook(package, {"strings_to_formulas": False, "strings_to_urls": False,
                                       "strings_to_numbers": False, "constant_memory": True})
    # (the keyword is the mark a PDF of it (--pdf) keeps: LibreOffice copies the keywords, not custom properties)
    wb.set_properties({"title": f"{status.unit}回执", "author": "质量标杆推荐工具",
                       "keywords": f"{OUTPUT_RECEIPT};{OUTPUT_PROPERTY}"})
    wb.set_custom_property(OUTPUT_PROPERTY, OUTPUT_RECEIPT)
    f = formats(wb)
    f["headline"] = wb.add_format({"font_name": "宋体", "font_size": 12, "bold": True, "valign": "vcenter",
                                   "text_wrap": True, "border": 1})
    f["todo"] = wb.add_format({"font_name": "宋体", "font_size": 11, "bold": True, "valign": "vcenter",
                               "text_wrap": True, "border": 1, "font_color": "#C00000"})
    f["done"] = wb.add_format({"font_name": "宋体", "font_size": 11, "bold": True, "valign": "vcenter",
                               "text_wrap": True, "border": 1, "font_color": "#006100"})
    f["group"] = wb.add_format({"font_name": "宋体", "font_size": 10, "bold": True, "valign": "vcenter",
                                "text_wrap": True, "border": 1, "bg_color": "#F2F2F2"})
    f["muted"] = wb.add_format({"font_name": "宋体", "font_size": 10, "valign": "vcenter", "border": 1,
                                "font_color": "#595959", "align": "center"})
    _overview_sheet(wb, f, result, view, splice)
    _problem_sheet(wb, f, view, splice)
    _files_sheet(wb, f, view, splice)
    wb.close()
    splice.finish(package.getvalue(), target)


def _table(ws, splice: RowSplice, top: int, rows: list, row_formats: list, widths: list) -> None:
    """Data rows below row ``top``, each ``row_height`` tall for ``widths``: spliced (``splice``), or cell by cell
    when they cannot be. ``row_formats``: per row, each cell's xlsxwriter Format."""
    heights = [row_height(values, widths) for values in rows]
    order: dict = {}
    indexes = [tuple(order.setdefault(id(fmt), (len(order), fmt))[0] for fmt in fmts) for fmts in row_formats]
    formats = [fmt for _, fmt in sorted(order.values(), key=lambda item: item[0])]
    if splice.add(ws, top, rows, indexes, formats, heights):
        return
    for r, (values, fmts, height) in enumerate(zip(rows, row_formats, heights), start=top + 1):
        ws.set_row(r, height)
        for col, (v, fmt) in enumerate(zip(values, fmts)):
            write_cell(ws, r, col, v, fmt)


def _overview_sheet(wb, f: dict, result: Assembled, view: UnitView, splice: RowSplice) -> None:
    c, status = result.campaign, view.status
    ws = wb.add_worksheet(OVERVIEW)
    cols = fitted([("推荐顺序", 9.5, None), ("申报单位", 28, 12), ("标杆名称", 34, 12), ("状态", 10, None),
                   ("错误", 6, None), ("提示", 6, None), ("企业规模", 9.5, None), ("收到时间", 14, None),
                   ("说明", 30, 10), ("文件", 40, 12)], A4_LANDSCAPE)  # (收到时间 wraps before the hour)
    width = len(cols)
    for col, (_, w) in enumerate(cols):
        ws.set_column(col, col, w)
    ws.merge_range(0, 0, 0, width - 1, f"{c.title} — {status.unit}回执", f["title"])
    ws.set_row(0, 28)
    latest = last_received(view)
    handle = to_handle_text(view)
    head = headline(view)
    ws.merge_range(1, 0, 1, width - 1, "", f["todo"] if status.to_handle or status.draft_reasons else f["done"])
    write_cell(ws, 1, 0, head, f["todo"] if status.to_handle or status.draft_reasons else f["done"])
    ws.set_row(1, row_height([head], [sum(w for _, w in cols)], line=18))
    rows = [
        ("推荐单位", status.unit, f["headline"]),
        ("申报情况", counts_text(status), f["headline"]),
        ("还需处理", handle, f["todo"] if status.to_handle else f["done"]),
        ("盖章推荐意见", opinion_state(status), f["cell"] if status.stamped_opinion and not status.stamp_in_doubt
         else f["todo"]),
        ("推荐意见", opinion_text(status), f["todo"] if status.draft_reasons else f["cell"]),
        ("时间", (f"截止时间：{clerk_time(c.deadline)}；最近收到本单位材料：{clerk_time(latest) or '未收到'}；"
                  f"本回执内容更新于：{clerk_time(result.generated_at)}。"), f["cell"]),
    ]
    r = 2
    for label, text, fmt in rows:
        ws.merge_range(r, 0, r, 1, label, f["label"])
        ws.merge_range(r, 2, r, width - 1, "", fmt)
        write_cell(ws, r, 2, text, fmt)
        ws.set_row(r, row_height([text], [sum(w for _, w in cols[2:])], line=16))
        r += 1
    r += 1
    header = r
    write_header(ws, f, header, cols)
    rows, row_formats = [], []
    for a in view.applications:
        rows.append([a.rank, a.enterprise, a.benchmark_name, a.status, len(a.errors), len(a.issues) - len(a.errors),
                     a.size_class, clerk_time(a.received_at), app_note(a), "\n".join(x.path for x in a.files)])
        state = f["ok"] if a.status == PASSED else f["muted"] if a.status == WITHDRAWN else f["bad"]
        row_formats.append([f["cell"]] * 3 + [state] + [f["cell"]] * 6)
    _table(ws, splice, r, rows, row_formats, [w for _, w in cols])
    r += len(rows)
    if not view.applications:
        r += 1
        ws.merge_range(r, 0, r, width - 1, "本单位尚未报送申报材料。", f["cell"])
    ws.freeze_panes(header + 1, 0)
    _print(ws, status.unit, header_rows=(header, header))


def _problem_sheet(wb, f: dict, view: UnitView, splice: RowSplice) -> None:
    ws = wb.add_worksheet("问题及修改方法")
    cols = fitted([("序号", 5.5, None), ("申报单位", 18, 10), ("级别", 6, None), ("问题", 14, 10), ("文件", 28, 10),
                   ("位置", 16, 10), ("栏目", 12, 8), ("说明", 40, 12), ("修改方法", 40, 12)], A4_LANDSCAPE)
    width = len(cols)
    write_header(ws, f, 0, cols)
    r, n = 0, 0
    enterprise_of = {id(issue): enterprise for enterprise, issue in view.issues}
    for app, issues in grouped_problems(view):
        r += 1
        if app is None:
            head = f"本单位文件夹中未计入上列申报的文件问题（{len(issues)} 条）"
        else:
            errors = sum(1 for i in issues if i.severity == ERROR)
            head = (f"{_rank_text(app)}　{app.enterprise or '（未写申报单位）'}　{app.benchmark_name}　"
                    f"状态：{app.status}　错误 {errors} 条、提示 {len(issues) - errors} 条")
        ws.merge_range(r, 0, r, width - 1, "", f["group"])
        write_cell(ws, r, 0, head, f["group"])
        ws.set_row(r, row_height([head], [sum(w for _, w in cols)]))
        if not issues:
            r += 1
            ws.merge_range(r, 0, r, width - 1, "未发现问题。", f["ok"])
            continue
        rows, row_formats = [], []
        for issue in issues:
            n += 1
            fmt = f["error"] if issue.severity == ERROR else f["warning"]
            rows.append([n, app.enterprise if app is not None else enterprise_of.get(id(issue), ""),
                         SEVERITY_LABELS.get(issue.severity, issue.severity), issue_title(issue.code, issue.severity),
                         issue.file, display_location(issue.location), display_field(issue), issue.problem, issue.fix])
            row_formats.append([fmt if col in (2, 3, 7, 8) else f["cell"] for col in range(width)])
        _table(ws, splice, r, rows, row_formats, [w for _, w in cols])
        r += len(rows)
    if r == 0:
        ws.merge_range(1, 0, 1, width - 1, "本单位尚未报送申报材料，未发现问题。", f["ok"])
    ws.freeze_panes(1, 0)
    _print(ws, view.status.unit, header_rows=(0, 0))


def _files_sheet(wb, f: dict, view: UnitView, splice: RowSplice) -> None:
    ws = wb.add_worksheet("收到的文件")
    cols = fitted([("文件", 50, 16), ("类型", 16, 10), ("状态", 18, 10), ("申报单位", 26, 12), ("首次收到时间", 14, None),
                   ("错误", 6, None), ("提示", 6, None)], A4_LANDSCAPE)
    write_header(ws, f, 0, cols)
    rows, row_formats = [], []
    for e in view.files:
        errors = sum(1 for i in e.issues if i.severity == ERROR)
        rows.append([e.version.path, KIND_LABELS.get(e.kind, e.kind), FILE_STATES.get(e.status, e.status), e.enterprise,
                     clerk_time(e.version.first_seen), errors, len(e.issues) - errors])
        row_formats.append([f["cell"], f["cell"], f["bad"] if e.status == REJECTED else f["cell"], *[f["cell"]] * 4])
    for fv in view.pending:  # (a new version copied over a file read before: that one is listed above, and stands)
        rows.append([fv.path, "", FILE_STATES["pending"], "", "", 0, 0])
        row_formats.append([f["cell"]] * 7)
    _table(ws, splice, 0, rows, row_formats, [w for _, w in cols])
    if not view.files and not view.pending:
        ws.merge_range(1, 0, 1, len(cols) - 1, "未收到本单位的文件。", f["cell"])
    ws.freeze_panes(1, 0)
    _print(ws, view.status.unit, header_rows=(0, 0))


def write(result: Assembled, folder: Path, context: RenderContext) -> list[Path]:
    """回执/<unit>-回执.xlsx for every unit, whether or not it sent anything."""
    out = []
    for _unit, view, target in unit_documents(result, folder, context, RECEIPTS, ".xlsx", every_unit=True):
        write_receipt(str(target), result, view)
        out.append(target)
    return out
