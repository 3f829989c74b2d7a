"""Tables made of groups of rows (a register's units), each group's rows kept between runs as worksheet XML.

A national register has tens of thousands of rows; after one new file only one unit's rows differ. A grouped
table (``write_grouped_table``) asks each group for its rows only when its kept XML cannot serve: a group's
content key (the unit's content key: equal keys, equal rows) names what it kept (kept.KeptParts) — its rows as
worksheet XML with their row numbers and 序号 left open (xlsx_rows.GroupRows, with the style indexes of the
workbook they were made for) and what its values ask of each column's width (xlsx_style.column_needs). The
table's widths come from all groups' needs; kept rows serve while their heights hold at the table's widths (the
widths they were made at, or other widths at which none of their texts in a changed column wraps). The sheet
written is the one ``write_table`` writes from all the groups' rows (tests/test_row_groups.py compares them).
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from .kept import KeptParts
from .xlsx_rows import ROW_END, STYLE, GroupRows, row_templates
from .xlsx_style import (
    Column,
    column_needs,
    fit_columns,
    line_units,
    row_heights,
    table_header,
    text_units,
    total_row,
    total_style_names,
    width_of,
    write_cell,
)


@dataclass(frozen=True)
class RowGroup:
    """A group of a table's rows (one unit's): ``key`` its content key (equal keys give equal rows; None: never
    kept), ``build()`` its rows — (rows, style_rows): lists of cell values (a numbered table's first cell
    xlsx_rows.NUMBER) and, per row, a list of style names (formats' names in xlsx_style.formats)."""

    key: str | None
    build: Callable[[], tuple[list, list]]


@dataclass
class _Kept:
    """What a group kept: its needs per column, its row count, the widths its rows were made at, the rows, and per
    column the width of its widest text (text_units; LINE_BREAK: a text with a line break; None: not kept)."""

    needs: list
    count: int
    widths: list
    rows: GroupRows
    longest: list | None = None

    def heights_hold(self, widths: list, shown: list) -> bool:
        """Whether the rows' heights, made at ``self.widths``, are the heights at ``widths`` (``shown``: the
        (column, width) pairs row_heights reads): in every shown column whose width differs, none of the group's
        texts wraps at either width — each has no line break and fits one line (line_units) at both, so the
        column asks one line of every row at both (after one longer 申报单位 name widens its column, every other
        unit's rows stay as they were)."""
        if self.widths == widths:
            return True
        if self.longest is None:
            return False
        for c, width in shown:
            if self.widths[c] != width:
                n = self.longest[c]
                if n == LINE_BREAK or n > line_units(width) or n > line_units(self.widths[c]):
                    return False
        return True


LINE_BREAK = -1.0  # _Kept.longest of a column with a text holding a line break


def widest_texts(rows: list, columns: int) -> list[float]:
    """Per column of ``rows`` (lists of cell values), the width of its widest text in column units (text_units),
    LINE_BREAK when a text has a line break (0: no text). Each distinct text is measured once."""
    out = [0.0] * columns
    for c in range(columns):
        texts = {row[c] for row in rows if isinstance(row[c], str)}
        if any("\n" in text for text in texts):
            out[c] = LINE_BREAK
        elif texts:
            out[c] = max(map(text_units, texts))
    return out


@dataclass
class KeptRows:
    """The rows a workbook's grouped tables keep in ``parts`` (a KeptParts): ``keep()``, once the workbook is
    finished (RowSplice.finish gives each group's rows their style indexes), puts the groups whose rows were
    made or restyled in this run."""

    parts: KeptParts
    to_put: list = field(default_factory=list)  # (name, head, GroupRows, made in this run)

    def get(self, name: str, columns: int, styles: int) -> _Kept | None:
        """The group kept as ``name`` for a table of ``columns`` columns and ``styles`` style names, or None (not
        kept, or not a group's rows of such a table)."""
        part = self.parts.get(name)
        if part is None:
            return None
        head, body = part
        try:
            longest = head.get("longest")
            kept = _Kept(needs=[(float(text), float(number)) for text, number in head["needs"]],
                         count=int(head["count"]), widths=[float(w) for w in head["widths"]],
                         rows=GroupRows(body, [str(int(s)) for s in head["styles"]]),
                         longest=None if longest is None else [float(n) for n in longest])
        except (KeyError, TypeError, ValueError):
            return None
        if (len(kept.needs) != columns or len(kept.widths) != columns or len(kept.rows.styles) != styles
                or (kept.longest is not None and len(kept.longest) != columns)
                or kept.count < 1 or body.count(ROW_END.encode()) != kept.count - 1):
            return None  # another table's, or torn
        self.to_put.append((name, head, kept.rows, False))  # kept again if restyled for this workbook
        return kept

    def made(self, name: str, head: dict, rows: GroupRows) -> None:
        """Keep ``rows``, made in this run, as ``name`` (with ``head``) once they have their style indexes."""
        self.to_put.append((name, head, rows, True))

    def keep(self) -> None:
        """Put the groups made or restyled in this run into ``parts`` (after RowSplice.finish)."""
        for name, head, rows, made in self.to_put:
            if (made or rows.changed) and rows.styles is not None:
                self.parts.put(name, {**head, "styles": rows.styles}, rows.body)


@dataclass
class _Part:
    """A group on its way into the table: the name it is kept under, what it kept, or its rows once built."""

    group: RowGroup
    name: str | None
    kept: _Kept | None = None
    rows: list | None = None
    style_rows: list | None = None
    needs: list = field(default_factory=list)

    def build(self) -> None:
        if self.rows is None:
            self.rows, self.style_rows = self.group.build()

    @property
    def count(self) -> int:
        return len(self.rows) if self.rows is not None else self.kept.count


def write_grouped_table(ws, f: dict, *, table: str, top: int, columns: list[Column], groups: list[RowGroup],
                        style_names: tuple, numbered: bool = True, total: list | None = None,
                        total_styles: dict | None = None, total_label_span: int = 1, splice=None,
                        kept: KeptRows | None = None, page: tuple[int, bool] | None = None) -> tuple[list[float], int]:
    """xlsx_style.write_table for a table whose rows come in ``groups``: the header at row ``top``, the groups'
    rows in order, the optional ``total`` row (``total_styles``, ``total_label_span`` as in write_table).
    ``numbered``: the first column is 序号, 1 … n over the whole table (groups give xlsx_rows.NUMBER there).
    ``style_names``: every style name a cell may have (templates number styles by their place here). ``table``:
    the table's name among the workbook's grouped tables (a part of the names in ``kept``). Returns (widths in
    column units, data rows). Rows go through ``splice`` (xlsx_rows.RowSplice) as XML, kept in ``kept`` (whose
    ``keep()`` the caller calls once the splice is finished); without a splice (or when it declines) every group
    is built and its cells written through xlsxwriter. ``page``: the widths fitted to it (xlsx_style.fit_columns)."""
    kept = kept or KeptRows(KeptParts(None))
    parts = []
    for group in groups:
        name = kept.parts.name("rows", table, group.key, style_names, columns) if group.key is not None else None
        found = kept.get(name, len(columns), len(style_names)) if name is not None and splice is not None else None
        part = _Part(group, name, kept=found)
        if part.kept is not None:
            part.needs = part.kept.needs
        else:
            part.build()
            values = zip(*part.rows) if part.rows else [()] * len(columns)
            part.needs = [(0.0, 0.0) if numbered and c == 0 else column_needs(column, column_values)
                          for c, (column, column_values) in enumerate(zip(columns, values))]
        parts.append(part)
    count = sum(part.count for part in parts)
    total_style = total_style_names(columns, total, total_styles)
    widths = []
    for c, column in enumerate(columns):
        needs = [part.needs[c] for part in parts if part.count]
        if numbered and c == 0 and count:
            needs.append(column_needs(column, [1, count]))
        if total is not None:
            needs.append(column_needs(column, (), others=[(total[c], total_style[c])]))
        widths.append(width_of(column, needs))
    widths = fit_columns(columns, widths, page)
    table_header(ws, f, top, columns, widths)
    shown = [(c, w) for c, (col, w) in enumerate(zip(columns, widths)) if not col.hidden]
    templates = _templates(parts, widths, shown, style_names, kept) if splice is not None else []
    count = sum(part.count for part in parts)  # (rows made again count as made)
    formats = [f[name] for name in style_names]
    if splice is None or not splice.add_groups(ws, top, templates, count, formats, len(columns)):
        _cells(ws, f, top, parts, numbered, shown)
    if total is not None:
        total_row(ws, f, top + 1 + count, columns, widths, total, total_style, total_label_span)
    return widths, count


def _templates(parts: list[_Part], widths: list, shown: list, style_names: tuple, kept: KeptRows) -> list[GroupRows]:
    """Each group's rows as XML: the kept ones when their heights hold at these widths (_Kept.heights_hold), else
    made now (and kept) — with the style indexes the kept ones have (those of the last run's workbook, which this
    one's almost always equal), else with the styles left open."""
    given = next((part.kept.rows.styles for part in parts if part.kept is not None), None)
    styles = dict(zip(style_names, given)) if given else {name: f"{STYLE}{k}" for k, name in enumerate(style_names)}
    templates = []
    for part in parts:
        if part.kept is not None and part.kept.heights_hold(widths, shown):
            templates.append(part.kept.rows)
            continue
        part.build()
        if not part.rows:
            continue
        rows = GroupRows(row_templates(part.rows, part.style_rows, row_heights(part.rows, shown), styles,
                                       len(widths)).encode("utf-8"), given)
        templates.append(rows)
        if part.name is not None:
            kept.made(part.name, {"needs": [list(n) for n in part.needs], "count": len(part.rows), "widths": widths,
                                  "longest": widest_texts(part.rows, len(widths))}, rows)
    return templates


def _cells(ws, f: dict, top: int, parts: list[_Part], numbered: bool, shown: list) -> None:
    """Every group's rows written cell by cell through xlsxwriter (no splice)."""
    r = top
    for part in parts:
        part.build()
        for row, names, height in zip(part.rows, part.style_rows, row_heights(part.rows, shown)):
            r += 1
            ws.set_row(r, height)
            for c, (name, value) in enumerate(zip(names, row)):
                write_cell(ws, r, c, r - top if numbered and c == 0 else value, f[name])
