"""The status page: index.html at the top of the run folder, and a page per unit in 单位/<unit>/index.html.

Input: the assembled result, the run folder as written so far (links are made only to files that exist there,
but for the 省级汇总表, which the run writes before it publishes, possibly still being written by its child) and
RenderContext.generated_at (ISO, China time). Output: one self-contained HTML file each — inline CSS, no network
assets, no script — readable in any browser from the share (file://) and printable (@media print).

index.html: the time left to the deadline as of generation, province-wide totals, a tile per unit in 附件2 order
(收到, 通过, 需补正, 超出名额, 逾期, 已撤回, 不符合申报条件, 还需处理; the stamped opinion yes / no / needs checking;
when the unit's latest file arrived; what it still has to do: each application to correct, each file with an error
and the 推荐意见's draft reasons; links to its 回执, 推荐意见, their PDFs and its own page), then every problem grouped
by unit and application, errors first. Tiles carry data-* attributes with the counts (the same figures as
summary.json's units) so scripts and tests can read them.

单位/<unit>/index.html: the same for one unit only (nothing of any other unit), linking to the copies beside it
(./<unit>-回执.xlsx …), so a unit can be sent its own folder. unit_folders only copies files named <unit>-*, so it
never overwrites this page; it is written after them (registered after 单位文件夹).

Untrusted text (enterprise names, file names, messages) is always escaped (html.escape); hrefs are relative with
every path segment percent-encoded (UTF-8), which browsers resolve on file:// shares as on web servers.
"""
from __future__ import annotations

import datetime as dt
import html
from collections import Counter
from pathlib import Path
from urllib.parse import quote

from ..messages import display_location
from ..messages import title as issue_title
from ..model import (
    ERROR,
    INELIGIBLE,
    KIND_LABELS,
    LATE,
    NEEDS_FIX,
    OUTPUT_PROPERTY,
    OVER_QUOTA,
    PASSED,
    SEVERITY_LABELS,
    WITHDRAWN,
    Assembled,
    UnitView,
)
from . import REGISTER, RenderContext, document_path
from .kept import KeptParts, kept_bytes, kept_parts
from .pdf import missing_note
from .receipt import (
    FILE_STATES,
    REJECTED,
    app_note,
    clerk_time,
    errors_first,
    grouped_problems,
    last_received,
    nothing_to_handle,
    opinion_state,
    to_handle_items,
)
from .unit_folders import UNITS, unit_folder

INDEX = "index.html"

# (data attribute / UnitStatus attribute, label) of the counts on a tile, in reading order
COUNTS = (("received", "收到"), ("passed", "通过"), ("needs_fix", "需补正"), ("over_quota", "超出名额"),
          ("late", "逾期"), ("withdrawn", "已撤回"), ("ineligible", "不符合条件"), ("to_handle", "还需处理"))


def esc(value) -> str:
    """Text for HTML content or a quoted attribute: &, <, >, " and ' escaped."""
    return html.escape("" if value is None else str(value), quote=True)


def href(*segments: str) -> str:
    """A relative link from path segments, each percent-encoded as UTF-8 ('回执', 'x-回执.xlsx' ->
    '%E5%9B%9E%E6%89%A7/x-%E5%9B%9E%E6%89%A7.xlsx'); browsers decode it to the file's name on file:// too."""
    return "/".join(quote(segment, safe="") for segment in segments)


def time_left(deadline: dt.datetime, now_iso: str) -> str:
    """'距截止还有 3 天 5 小时' (or '… 5 小时 12 分钟', '… 12 分钟') from ``now_iso`` (generation time), or '已截止'."""
    now = dt.datetime.fromisoformat(now_iso) if now_iso else dt.datetime.now().astimezone()
    left = deadline - now
    if left.total_seconds() <= 0:
        return "已截止"
    minutes = int(left.total_seconds() // 60)
    days, rest = divmod(minutes, 24 * 60)
    hours, minutes = divmod(rest, 60)
    if days:
        return f"距截止还有 {days} 天 {hours} 小时"
    if hours:
        return f"距截止还有 {hours} 小时 {minutes} 分钟"
    return f"距截止还有 {max(minutes, 1)} 分钟"


def stamped_key(status) -> str:
    """'yes' / 'no' / 'outdated' for the unit's stamped 推荐意见 (data-stamped); 'outdated' is any stamp in doubt
    (UnitStatus.stamp_in_doubt: older than the latest material, or stamped while the opinion is a draft)."""
    if not status.stamped_opinion:
        return "no"
    return "outdated" if status.stamp_in_doubt else "yes"


STAMPED_LABELS = {"yes": "已收到", "no": "未收到", "outdated": "已收到，需核对"}

CSS = """
:root{--ok:#1e7a34;--bad:#b3261e;--warn:#8a5300;--muted:#5f6368;--line:#d0d7de;--bg:#f6f8fa}
*{box-sizing:border-box}
body{margin:0;font-family:"Noto Sans CJK SC","Source Han Sans SC","Microsoft YaHei","PingFang SC","SimSun",sans-serif;
 font-size:14px;line-height:1.5;color:#1f2328;background:#fff}
header.page{padding:16px 24px;border-bottom:1px solid var(--line);background:var(--bg)}
h1{font-size:22px;margin:0 0 6px}
h2{font-size:18px;margin:24px 0 10px;padding-bottom:4px;border-bottom:2px solid var(--line)}
h3{font-size:15px;margin:0 0 6px}
main{padding:0 24px 24px}
.meta{margin:2px 0;color:var(--muted)}
.deadline{font-weight:bold;color:var(--warn)}
.deadline.closed{color:var(--bad)}
.note{margin:6px 0;padding:6px 10px;border-left:4px solid var(--warn);background:#fff8e6}
.tiles{display:grid;grid-template-columns:repeat(auto-fill,minmax(290px,1fr));gap:12px}
.tiles.single{grid-template-columns:minmax(290px,600px)}
.tile{border:1px solid var(--line);border-left:6px solid var(--muted);border-radius:6px;padding:10px 12px;
 background:#fff;break-inside:avoid;page-break-inside:avoid}
.tile.ok{border-left-color:var(--ok)}
.tile.todo{border-left-color:var(--bad)}
.tile.none{border-left-color:#aaa;background:#fafafa}
.tile .order{display:inline-block;min-width:1.6em;color:var(--muted);font-weight:normal}
.counts{display:grid;grid-template-columns:repeat(4,1fr);gap:4px;margin:6px 0}
.counts div{border:1px solid var(--line);border-radius:4px;text-align:center;padding:2px 0}
.counts b{display:block;font-size:18px}
.counts span{font-size:12px;color:var(--muted)}
.counts .alert b{color:var(--bad)}
.line{margin:3px 0}
.yes{color:var(--ok);font-weight:bold}.no,.outdated{color:var(--bad);font-weight:bold}
.todo-list{margin:4px 0 4px 1.2em;padding:0}
.reasons{margin:2px 0 4px 1.4em;padding:0;font-size:12px;color:var(--muted)}
.done{color:var(--ok)}
.links a{display:inline-block;margin:2px 8px 2px 0}
table{border-collapse:collapse;width:100%;margin:6px 0 14px}
th,td{border:1px solid var(--line);padding:4px 6px;vertical-align:top;text-align:left}
th{background:var(--bg);white-space:nowrap}
tr.group td{background:#eef2f6;font-weight:bold}
td.error{color:var(--bad)}td.warning{color:var(--warn)}
td.status-ok{color:var(--ok);font-weight:bold}td.status-bad{color:var(--bad);font-weight:bold}
td.status-muted{color:var(--muted)}
.num{text-align:right;white-space:nowrap}
.path{word-break:break-all}
td.loc{min-width:8em}
footer{padding:12px 24px;color:var(--muted);border-top:1px solid var(--line)}
@media screen and (max-width:640px){
 header.page{padding:12px}
 main{padding:0 12px 16px}
 table.stack thead{display:none}
 table.stack,table.stack tbody,table.stack tr,table.stack td{display:block;width:100%}
 table.stack tr{border:1px solid var(--line);border-radius:4px;margin:0 0 8px}
 table.stack td{border:0;border-top:1px solid #eef0f2;text-align:left;white-space:normal;min-width:0}
 table.stack tr td:first-child{border-top:0}
 table.stack td:empty{display:none}
 table.stack td[data-label]::before{content:attr(data-label) "：";font-weight:bold;color:var(--muted)}
}
@media print{
 @page{size:A4;margin:12mm}
 body{font-size:9pt;line-height:1.35}
 header.page{background:none;padding:0 0 6px}
 main{padding:0}
 .tiles,.tiles.single{grid-template-columns:repeat(3,1fr);gap:5px}
 .tile{padding:4px 6px}
 .counts b{font-size:12pt}
 .counts span,.reasons{font-size:7.5pt}
 a{color:inherit;text-decoration:none}
 table{page-break-inside:auto}
 tr{break-inside:avoid;page-break-inside:avoid}
 thead{display:table-header-group}
 h2{break-after:avoid;page-break-after:avoid}
}
"""


def _document(title: str, *body: str | bytes) -> bytes:
    """A page in UTF-8, its body the pieces ``body`` (text, or kept parts in UTF-8 written as they are:
    kept.kept_bytes)."""
    head = ("<!DOCTYPE html>\n<html lang=\"zh-CN\">\n<head>\n<meta charset=\"utf-8\">\n"
            "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
            f"<meta name=\"generator\" content=\"{OUTPUT_PROPERTY}\">\n"  # (own.py knows it back in the inbox)
            f"<title>{esc(title)}</title>\n<style>{CSS}</style>\n</head>\n<body>\n")
    return b"".join([head.encode(), *(p if p.__class__ is bytes else p.encode() for p in body),
                     b"\n</body>\n</html>\n"])


def _header(result: Assembled, context: RenderContext, heading: str, extra: str = "") -> str:
    c = result.campaign
    generated = context.generated_at or result.generated_at
    left = time_left(c.deadline, generated)
    return (f'<header class="page">\n<h1>{esc(heading)}</h1>\n'
            f'<p class="meta">截止时间：{esc(clerk_time(c.deadline))}　'
            f'<span class="deadline{" closed" if left == "已截止" else ""}" id="deadline">{esc(left)}</span>'
            f'（按本页生成时间计算）</p>\n'
            f'<p class="meta">本页生成于：{esc(clerk_time(generated))}（北京时间）</p>\n{extra}</header>\n')


def _link(label: str, target: Path, *segments: str) -> str:
    """An <a> to ``segments`` (relative to the page) when ``target`` exists, else ''."""
    return f'<a href="{esc(href(*segments))}">{esc(label)}</a>' if target.is_file() else ""


# (label, kind, suffix) of the documents a tile links to, in the order shown
DOCUMENT_LINKS = (("回执（Excel）", "回执", ".xlsx"), ("回执（PDF）", "回执", ".pdf"), ("推荐意见（Word）", "推荐意见", ".docx"),
                  ("推荐意见（PDF）", "推荐意见", ".pdf"), ("推荐排序表（Excel）", "推荐排序表", ".xlsx"))


def _documents(folder: Path, unit: str, *, here: bool) -> list[tuple[str, Path, tuple[str, ...]]]:
    """(label, file on disk, href segments) of a unit's documents: from the top page (here=False) the province-wide
    folders 回执/ and 推荐意见/; from the unit's own page (here=True) the copies beside it."""
    docs = [(label, document_path(folder, unit, kind, suffix)) for label, kind, suffix in DOCUMENT_LINKS]
    if here:
        return [(label, unit_folder(folder, unit) / path.name, (path.name,)) for label, path in docs]
    return [(label, path, (path.parent.name, path.name)) for label, path in docs]


# where a unit's problems and their fixes are listed: on its page, and on index.html
_PROBLEMS_HERE, _PROBLEMS = "本页“问题及修改方法”", "本页下方“问题清单”"


def _tile(folder: Path, view: UnitView, *, here: bool, with_unit_page: bool) -> str:
    """One unit's tile: counts, stamped opinion, latest receipt, what is left to do, links."""
    s = view.status
    stamped = stamped_key(s)
    opinion = "none" if not s.received else ("draft" if s.draft_reasons else "final")
    state = "none" if not s.received else ("todo" if s.to_handle or s.draft_reasons or stamped != "yes" else "ok")
    attrs = " ".join(f'data-{key.replace("_", "-")}="{getattr(s, key)}"' for key, _ in COUNTS)
    counts = "".join(
        f'<div class="{"alert" if key in ("needs_fix", "to_handle", "late", "over_quota") and getattr(s, key) else ""}"'
        f' data-count="{key.replace("_", "-")}"><b>{getattr(s, key)}</b><span>{esc(label)}</span></div>'
        for key, label in COUNTS)
    latest = clerk_time(last_received(view))
    todo = [esc(item) for item in to_handle_items(view)]
    if not s.received:
        todo.append("尚未报送申报材料。")
    # nothing left: said as the 回执 says it (an application 不符合申报条件 is not 'nothing', and may be a typing slip)
    done = esc(nothing_to_handle(view, where=_PROBLEMS_HERE if here else _PROBLEMS))
    todo_html = ("<ul class=\"todo-list\">" + "".join(f"<li>{t}</li>" for t in todo) + "</ul>" if todo
                 else f'<p class="line done">{done}</p>')
    if not s.received:
        opinion_html = '<p class="line">推荐意见：未生成（尚未报送）</p>'
    elif s.draft_reasons:
        opinion_html = ('<p class="line">推荐意见：<span class="no">草稿，请勿盖章</span></p><ol class="reasons">'
                        + "".join(f"<li>{esc(reason)}</li>" for reason in s.draft_reasons) + "</ol>")
    else:
        opinion_html = '<p class="line">推荐意见：<span class="yes">正式稿，可盖章</span></p>'
    stamped_html = esc(STAMPED_LABELS[stamped])
    if stamped == "outdated":
        stamped_html += f'<br><small>{esc(opinion_state(s))}</small>'
    links = [_link(label, target, *segments) for label, target, segments in _documents(folder, s.unit, here=here)]
    if with_unit_page:
        page = unit_folder(folder, s.unit) / INDEX
        links.append(_link("本单位页面", page, UNITS, page.parent.name, INDEX))
    links_html = " ".join(link for link in links if link)
    return (f'<article class="tile {state}" id="unit-{s.order:02d}" data-unit="{esc(s.unit)}" data-quota="{s.quota}"'
            f' {attrs} data-file-errors="{s.file_errors}" data-stamped="{stamped}" data-opinion="{opinion}">\n'
            f'<h3><span class="order">{s.order}</span>{esc(s.unit)}</h3>\n'
            f'<p class="line">名额 {s.quota} 项</p>\n<div class="counts">{counts}</div>\n'
            f'<p class="line">最近收到材料：{esc(latest or "未收到")}</p>\n'
            f'<p class="line"><b>还需处理 {s.to_handle} 项</b></p>\n{todo_html}\n{opinion_html}\n'
            f'<p class="line">盖章推荐意见：<span class="{stamped}">{stamped_html}</span></p>\n'
            f'<p class="line links">{links_html or "（暂无文件）"}</p>\n</article>\n')


def _problem_rows(view: UnitView, *, with_empty: bool) -> tuple[str, int, int]:
    """Table rows of a unit's problems grouped by application (errors first), then its file-level problems;
    returns (rows, errors, hints)."""
    rows, errors, hints = [], 0, 0
    for app, issues in grouped_problems(view):
        if not issues and not with_empty:
            continue
        if app is None:
            head = "本单位文件夹中未计入上列申报的文件"
        else:
            rank = f"第{app.rank}位" if app.rank else "未排序"
            head = f"{rank}　{app.enterprise or '（未写申报单位）'}　{app.benchmark_name}　状态：{app.status}"
        rows.append(f'<tr class="group"><td colspan="6">{esc(head)}</td></tr>')
        if not issues:
            rows.append('<tr><td colspan="6" class="done">未发现问题。</td></tr>')
        for issue in issues:
            is_error = issue.severity == ERROR
            errors += is_error
            hints += not is_error
            rows.append(_issue_row(issue, issue.file))
    return "\n".join(rows), errors, hints


def _row(head: tuple[str, ...], *cells: tuple[str, str], attrs: str = "") -> str:
    """A table row: each cell (css class, text) labelled with its column's name in ``head`` (data-label), which a
    phone-wide screen shows before the text when the table is stacked (CSS: one block a row, no header row)."""
    tds = "".join(f'<td{_class(css)} data-label="{esc(label)}">{esc(text)}</td>'
                  for label, (css, text) in zip(head, cells))
    return f"<tr{attrs}>{tds}</tr>"


def _class(css: str) -> str:
    return f' class="{css}"' if css else ""


def _table(head: tuple[str, ...], rows: str) -> str:
    """A table whose header row names ``head`` over ``rows``, stacked on a phone-wide screen (table.stack)."""
    return ('<table class="stack"><thead><tr>' + "".join(f"<th>{esc(name)}</th>" for name in head)
            + f"</tr></thead><tbody>{rows}</tbody></table>")


PROBLEM_HEAD = ("级别", "问题", "文件", "位置", "说明", "修改方法")


def _issue_row(issue, file: str) -> str:
    """One problem as a row under PROBLEM_HEAD: level, title, file, location, what is wrong, how to fix it."""
    css = "error" if issue.severity == ERROR else "warning"
    return _row(PROBLEM_HEAD, (css, SEVERITY_LABELS.get(issue.severity, issue.severity)),
                (css, issue_title(issue.code, issue.severity)), ("path", file),
                ("loc", display_location(issue.location)), ("", issue.problem), ("", issue.fix))


def _status_class(status: str) -> str:
    return "status-ok" if status == PASSED else "status-muted" if status == WITHDRAWN else "status-bad"


def _applications_table(view: UnitView) -> str:
    if not view.applications:
        return "<p>本单位尚未报送申报材料。</p>"
    rows = "".join(
        _row(APPLICATIONS_HEAD, ("num", a.rank or ""), ("", a.enterprise), ("", a.benchmark_name),
             (_status_class(a.status), a.status), ("num", len(a.errors)), ("num", len(a.issues) - len(a.errors)),
             ("", clerk_time(a.received_at)), ("", app_note(a)),
             attrs=f' data-enterprise="{esc(a.enterprise)}" data-status="{esc(a.status)}"')
        for a in view.applications)
    return _table(APPLICATIONS_HEAD, rows)


APPLICATIONS_HEAD = ("推荐顺序", "申报单位", "标杆名称", "状态", "错误", "提示", "收到时间", "说明")
FILES_HEAD = ("文件", "类型", "状态", "申报单位", "首次收到时间")


def _files_table(view: UnitView) -> str:
    if not view.files and not view.pending:
        return "<p>未收到本单位的文件。</p>"
    rows = "".join(
        _row(FILES_HEAD, ("path", e.version.path), ("", KIND_LABELS.get(e.kind, e.kind)),
             ("status-bad" if e.status == REJECTED else "", FILE_STATES.get(e.status, e.status)),
             ("", e.enterprise), ("", clerk_time(e.version.first_seen))) for e in view.files)
    rows += "".join(_row(FILES_HEAD, ("path", fv.path), ("", ""), ("", FILE_STATES["pending"]), ("", ""), ("", ""))
                    for fv in view.pending)
    return _table(FILES_HEAD, rows)


def render_unit_page(result: Assembled, folder: Path, context: RenderContext, view: UnitView, *,
                     note: str | None = None, kept: KeptParts | None = None) -> bytes:
    """The HTML (UTF-8) of 单位/<unit>/index.html: this unit only, links to the copies beside the page. ``note``: the
    sentence about missing PDFs (pdf.missing_note, read from the run folder when not given). ``kept``: where the
    page's tables (made from the unit's content only) are kept under its content key (``context.unit_keys``)."""
    s = view.status
    note = missing_note(folder, context) if note is None else note
    extra = f'<p class="note">{esc(note)}</p>\n' if note else ""
    return _document(f"{s.unit} — 推荐汇总状态",
                     _header(result, context, f"{result.campaign.title} — {s.unit}", extra)
                     + "<main>\n<h2>本单位情况</h2>\n<div class=\"tiles single\">\n"
                     + _tile(folder, view, here=True, with_unit_page=False) + "</div>\n",
                     kept_bytes(kept or KeptParts(None), context.part_key("unit page", s.unit),
                                lambda: _unit_tables(view)),
                     "\n</main>\n<footer>本页由质量标杆推荐工具生成，只含本单位的情况；详细内容见本文件夹中的回执。</footer>")


def _unit_tables(view: UnitView) -> str:
    """A unit page's tables: its applications, its problems and its files."""
    rows, errors, hints = _problem_rows(view, with_empty=True)
    return ("<h2>申报情况</h2>\n" + _applications_table(view)
            + f'<h2>问题及修改方法（错误 {errors} 条、提示 {hints} 条）</h2>\n'
            + (_table(PROBLEM_HEAD, rows) + "\n" if rows else "<p>未发现问题。</p>\n")
            + "<h2>收到的文件</h2>\n" + _files_table(view))


def _totals(result: Assembled) -> str:
    units = result.units
    apps = result.applications
    count = Counter(a.status for a in apps)
    sent = sum(1 for u in units if u.received)
    statuses = "、".join(f"{label} {count[status]}" for status, label in
                        ((PASSED, "通过"), (NEEDS_FIX, "需补正"), (OVER_QUOTA, "超出名额"), (LATE, "逾期"),
                         (WITHDRAWN, "已撤回"), (INELIGIBLE, "不符合申报条件")))
    stamped = sum(1 for u in units if u.stamped_opinion)
    to_handle = sum(u.to_handle for u in units)
    line = (f'<p class="meta" id="totals" data-applications="{len(apps)}">推荐单位 {len(units)} 个，已报送 {sent} 个；'
            f'申报 {len(apps)} 项：{esc(statuses)}；盖章推荐意见已收到 {stamped} 个；各单位还需处理合计 {to_handle} 项。</p>\n')
    if result.pending:
        line += f'<p class="meta">另有 {len(result.pending)} 个文件正在复制，下次汇总时读取。</p>\n'
    for notice in result.notices:  # (a folder of the share that could not be opened …)
        line += f'<p class="meta notice">注意：{esc(notice)}</p>\n'
    return line


def _unassigned(result: Assembled) -> str:
    """Problems of files outside every unit's folder (unit.unknown …), which no unit page shows."""
    units = {u.unit for u in result.units}
    rows = []
    for entry in result.files:
        if entry.version.unit in units:
            continue
        rows.extend(_issue_row(issue, issue.file or entry.version.path) for issue in errors_first(entry.issues))
    if not rows:
        return ""
    return (f'<section class="unit-problems" id="problems-unassigned"><h3>未归属推荐单位的文件</h3>'
            f"{_table(PROBLEM_HEAD, ''.join(rows))}</section>\n")


def _unit_problems(u, view: UnitView) -> str:
    """The index's section of a unit's problems ('' when it has none)."""
    rows, errors, hints = _problem_rows(view, with_empty=False)
    if not rows:
        return ""
    return (f'<section class="unit-problems" id="problems-{u.order:02d}" data-unit="{esc(u.unit)}">'
            f'<h3>{esc(u.unit)}（错误 {errors} 条、提示 {hints} 条）</h3>'
            f"{_table(PROBLEM_HEAD, rows)}</section>\n")


def render_index(result: Assembled, folder: Path, context: RenderContext, *, note: str | None = None,
                 kept: KeptParts | None = None) -> bytes:
    """The HTML (UTF-8) of the run folder's index.html (see the module docstring); ``note`` and ``kept`` as for
    render_unit_page (each unit's problems kept)."""
    c = result.campaign
    note = missing_note(folder, context) if note is None else note
    # (the register is linked whether or not it is there yet: its child writes it meanwhile, and a run whose child
    # fails writes it again before it publishes)
    links = " ".join(link for link in (f'<a href="{esc(href(REGISTER))}">省级汇总表（Excel）</a>',
                                       _link("summary.json", folder / "summary.json", "summary.json")) if link)
    extra = _totals(result) + (f'<p class="note" id="pdf-note">{esc(note)}</p>\n' if note else "")
    extra += f'<p class="meta links">{links}</p>\n' if links else ""
    views = result.by_unit
    tiles = "".join(_tile(folder, views[u.unit], here=False, with_unit_page=True) for u in result.units)
    kept = kept or KeptParts(None)
    problems = [kept_bytes(kept, context.part_key("index problems", u.unit),
                           lambda u=u: _unit_problems(u, views[u.unit])) for u in result.units]
    problems.append(_unassigned(result).encode())
    return _document(f"{c.title} — 推荐汇总状态",
                     _header(result, context, f"{c.title} — 推荐汇总状态", extra)
                     + f'<main>\n<h2>各推荐单位（{len(result.units)} 个，按附件2顺序）</h2>\n<div class="tiles">\n{tiles}</div>\n'
                     + "<h2>问题清单（按推荐单位，错误在前）</h2>\n",
                     *(problems if any(problems) else ["<p>未发现问题。</p>\n"]),
                     "</main>\n<footer>本页由质量标杆推荐工具生成。各单位的详细情况见其回执；单位/ 文件夹中是各单位自己的文件和页面。"
                     "</footer>")


def write_unit_pages(result: Assembled, folder: Path, context: RenderContext) -> list[Path]:
    """单位/<unit>/index.html for every unit: they link to the unit's own documents only, so they are written
    while the province-wide register (a background output) is still being written; returns the pages."""
    out = []
    note = missing_note(folder, context)  # lists 回执/ and 推荐意见/: once, not once per unit
    kept = kept_parts(context, "unit pages")
    for unit, view in result.by_unit.items():
        target = unit_folder(folder, unit) / INDEX
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(render_unit_page(result, folder, context, view, note=note, kept=kept))
        out.append(target)
    kept.save()
    return out


def write_index(result: Assembled, folder: Path, context: RenderContext) -> list[Path]:
    """index.html at the top of ``folder``, linking to every output (the register included: it is written while
    the register's child may still be writing it); returns [the page]."""
    index = folder / INDEX
    kept = kept_parts(context, "index")
    index.write_bytes(render_index(result, folder, context, kept=kept))
    kept.save()
    return [index]
