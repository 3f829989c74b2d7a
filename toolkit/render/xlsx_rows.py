"""The data rows of large tables, written as SpreadsheetML text and put into an xlsxwriter workbook once it closes.

xlsxwriter writes a cell in about 5 µs of Python (argument checks, a cell object, then its XML); a national
register has millions of cells, and its rows are the longest part of a run that re-renders after one new file.
Here a table's rows become the same ``<row>``/``<c>`` elements xlsxwriter writes in constant_memory mode (inline
strings, the same number text, escapes and row heights) at well under 1 µs a cell, and everything else — the
header, totals, column widths, merged cells, filters, print setup, styles, charts, the package — stays
xlsxwriter's.

How: instead of the rows, ``write_table`` writes one marker row through xlsxwriter, a cell per cell format the
rows use, each holding a marker text (a random token of the RowSplice, the table's number and the format's).
After ``Workbook.close()``, ``RowSplice.finish`` reads the package, learns each format's style index (the ``s``
attribute xlsxwriter gave the marker cell), replaces the marker row by the table's rows and widens the sheet's
``<dimension>`` to them; the other parts are copied unchanged.
The workbook must be in constant_memory mode (inline strings, rows written in order): the markers are then in
the worksheet's own XML.

Grouped tables (render.row_groups, ``RowSplice.add_groups``) hand over their rows already as XML, one GroupRows a
group, made by ``row_templates`` with the row numbers and 序号 left open (control characters, which never occur
literally in cell XML) and kept between runs; ``finish`` gives them the workbook's style indexes and their
place, as bytes.
"""
from __future__ import annotations

import io
import math
import re
import uuid
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field

from xlsxwriter.utility import xl_col_to_name

from .xlsx_style import safe_text

MARK = "\ue000"  # a private-use character opening each marker (submissions may hold it too: 造字, GBK 0xAAA1)
MAX_STRING = 32767  # Excel's longest cell text; xlsxwriter cuts longer strings to this too
# zlib level of the spliced package: the register of 10,000 applications (61 MB of XML) compresses in 0.27 s to
# 7.5 MB at 3, against 0.60 s to 6.4 MB at zlib's default 6 (xlsxwriter's); every reader inflates either alike
COMPRESSION = 3

# what xlsxwriter does to cell text (its worksheet and xmlwriter modules): a literal _xHHHH_ gets its underscore
# escaped, control characters become _xHHHH_, and & < > become entities
_ESCAPED_ESCAPE = re.compile("(_x[0-9a-fA-F]{4}_)")
_CONTROL = re.compile(r"([\x00-\x08\x0b-\x1f])")
_XML_SPECIAL = re.compile("[&<>]")
_EDGE_SPACE = re.compile(r"^\s|\s$")
# anything in a text that safe_text, the cut or the escapes above would change: without it a text is its own XML
_NOT_PLAIN = re.compile("[\x00-\x1f&<>\ud800-\udfff\ufffe\uffff]|_x|^\\s|\\s$")


def cell_text(value: str) -> str:
    """``value`` (already safe_text'ed) as the body of an inline string's ``<t>``, as xlsxwriter writes it."""
    if "_x" in value:
        value = _ESCAPED_ESCAPE.sub(r"_x005F\1", value)
    if _CONTROL.search(value):
        value = _CONTROL.sub(lambda m: f"_x{ord(m.group(1)):04X}_", value)
    value = value.replace("\ufffe", "_xFFFE_").replace("\uffff", "_xFFFF_")
    if _XML_SPECIAL.search(value):
        value = value.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return value


def row_height_attribute(points: float) -> str:
    """A row height in points as xlsxwriter writes it: rounded to whole pixels (4/3 pixel a point), then back."""
    return f"{0.75 * int(points * 4.0 / 3.0 + 0.5):.16g}"


@dataclass
class _Table:
    """One table's rows waiting for the package: values, each cell's format (an index into ``formats``), heights."""

    number: int
    first_row: int  # 0-based worksheet row of the first data row
    rows: list
    formats: list  # distinct xlsxwriter Format objects, in marker order
    cell_formats: list  # per row: a tuple of indexes into ``formats``, one per column
    heights: list  # per row, in points
    columns: int
    blobs: list | None = None  # a grouped table (add_groups): its groups' GroupRows, in order
    count: int = 0  # a grouped table's rows

    @property
    def size(self) -> int:
        return self.count if self.blobs is not None else len(self.rows)

    @property
    def last_row(self) -> int:
        return self.first_row + self.size - 1


@dataclass
class RowSplice:
    """Collects tables' rows while a constant_memory workbook is written (``add``), then writes the package with
    the rows in place (``finish``). One RowSplice per workbook."""

    tables: list = field(default_factory=list)
    token: str = field(default_factory=lambda: f"{MARK}{uuid.uuid4().hex}")  # no submitted text holds it

    @property
    def _marker_cell(self) -> re.Pattern:
        """A whole marker cell as xlsxwriter writes it: (style index or None, table number, format number)."""
        return re.compile(r'<c r="[A-Z]+\d+"(?: s="(\d+)")? t="inlineStr"><is><t>' + re.escape(self.token)
                          + r":(\d+):(\d+)" + MARK + "</t></is></c>")

    def add(self, ws, top: int, rows: list, cell_formats: list, formats: list, heights: list) -> bool:
        """Take ``rows`` (lists of cell values) for worksheet rows ``top`` + 1 … and write their marker row
        through xlsxwriter. ``formats``: the distinct Format objects the cells use; ``cell_formats``: per row a
        tuple of indexes into it. False (nothing written) when the rows cannot be spliced — more formats than
        columns for the marker row — and the caller writes them through xlsxwriter instead."""
        columns = max((len(row) for row in rows), default=0)
        if not rows or len(formats) > columns:
            return False
        table = _Table(number=len(self.tables), first_row=top + 1, rows=rows, formats=formats,
                       cell_formats=cell_formats, heights=heights, columns=columns)
        for j, fmt in enumerate(formats):
            ws.write_string(table.first_row, j, f"{self.token}:{table.number}:{j}{MARK}", fmt)
        self.tables.append(table)
        return True

    def add_groups(self, ws, top: int, blobs: list, count: int, formats: list, columns: int) -> bool:
        """Like ``add``, for rows already made into XML: ``blobs`` (GroupRows) in order, ``count`` rows in all,
        their styles those of ``formats`` by place. False when they cannot be spliced."""
        if not count or len(formats) > columns:
            return False
        table = _Table(number=len(self.tables), first_row=top + 1, rows=[], formats=formats, cell_formats=[],
                       heights=[], columns=columns, blobs=blobs, count=count)
        for j, fmt in enumerate(formats):
            ws.write_string(table.first_row, j, f"{self.token}:{table.number}:{j}{MARK}", fmt)
        self.tables.append(table)
        return True

    def finish(self, package: bytes, target) -> None:
        """Write ``package`` (the closed workbook's bytes) to ``target`` (a path or a binary file object) with
        every table's rows in place of its marker row. A worksheet with rows to put in is written as a stream,
        ROWS_PER_PIECE rows at a time: a national register's rows are never one string (as text they took
        hundreds of MB). Raises RuntimeError when a marker is missing (the workbook was not in constant_memory
        mode)."""
        pending = {t.number: t for t in self.tables}
        with zipfile.ZipFile(io.BytesIO(package)) as source, \
                zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED, compresslevel=COMPRESSION) as out:
            for info in source.infolist():
                body = source.read(info)
                if info.filename.startswith("xl/worksheets/") and self.token.encode("utf-8") in body:
                    with out.open(info.filename, "w") as part:
                        for piece in self._spliced(body.decode("utf-8"), pending):
                            part.write(piece if piece.__class__ is bytes else piece.encode("utf-8"))
                else:
                    out.writestr(info, body, compress_type=zipfile.ZIP_DEFLATED, compresslevel=COMPRESSION)
        if pending:
            raise RuntimeError(f"marker rows not found for tables {sorted(pending)} (constant_memory off?)")

    def _spliced(self, xml: str, pending: dict) -> Iterator[str | bytes]:
        """This worksheet's XML in pieces (text, or UTF-8 for a grouped table's rows), each marker row replaced
        by its table's rows and the used range widened to them (the dimension comes before the rows)."""
        marker, at, spans = self._marker_cell, 0, []
        while (m := marker.search(xml, at)) is not None:
            table = pending.pop(int(m.group(2)))
            start = xml.rfind("<row ", 0, m.start())
            end = xml.index("</row>", m.end()) + len("</row>")
            styles = {int(j): s or "0" for s, n, j in marker.findall(xml, start, end) if int(n) == table.number}
            spans.append((start, end, table, [styles[j] for j in range(len(table.formats))]))
            at = end
        last = max((table.last_row for _, _, table, _ in spans), default=0)
        done = spans[0][0] if spans else len(xml)
        yield _widen_dimension(xml[:done], last)
        for start, end, table, styles in spans:
            yield xml[done:start]
            yield from _rows_xml(table, styles)
            done = end
        yield xml[done:]


ROWS_PER_PIECE = 2_000  # rows of XML joined into one piece of a streamed worksheet


def _rows_xml(table: _Table, styles: list[str]) -> Iterator[str | bytes]:
    """The table's rows as xlsxwriter writes them in constant_memory mode, ROWS_PER_PIECE rows a piece."""
    if table.blobs is not None:
        yield from _stitched(table, styles)
        return
    letters = [xl_col_to_name(c) for c in range(table.columns)]
    tails: dict = {}  # text or int -> the cell's XML after its style: registers repeat names, statuses, counts
    out: list = []
    append = out.append
    converted: dict = {}  # a row's format indexes (tuples shared between rows) -> their style indexes
    for offset, (row, indexes, height) in enumerate(zip(table.rows, table.cell_formats, table.heights)):
        if offset and offset % ROWS_PER_PIECE == 0:
            yield "".join(out)
            out.clear()
        row_styles = converted.get(indexes)
        if row_styles is None:
            row_styles = converted[indexes] = [styles[i] for i in indexes]
        _row_xml(append, str(table.first_row + offset + 1), letters, row, row_styles, height, tails)
    yield "".join(out)


def _row_xml(append, r: str, letters: list, row: list, styles: list, height: float, tails: dict) -> None:
    """One ``<row>`` (number ``r``, cells styled ``styles``) as xlsxwriter writes it in constant_memory mode, by
    ``append``; ``tails`` caches cells' XML after their style by value (strings and ints)."""
    append(f'<row r="{r}" ht="{row_height_attribute(height)}" customHeight="1">')
    for letter, value, style in zip(letters, row, styles):
        cls = value.__class__
        if cls is str or cls is int:  # never equal as keys ("1" != 1; True and 1.0 are not cached)
            tail = tails.get(value)
            if tail is None:
                tail = tails[value] = _cell_tail(value)
        elif cls is float and value - value == 0.0:  # finite (inf - inf and NaN - NaN are NaN): most are distinct
            tail = f"><v>{value:.16G}</v></c>"
        elif value is NUMBER:
            tail = NUMBER_TAIL
        else:
            tail = _cell_tail(value)
        append(f'<c r="{letter}{r}" s="{style}"{tail}')
    append("</row>")


# Row templates: a group's rows as XML before their place in the sheet is known. Control characters never occur
# literally in cell XML (cell_text writes them as _xHHHH_), so these stand for what a template leaves open.
ROW = "\x00"  # the row number (in <row r> and every cell reference)


class _Number:
    """The value of a template's 序号 cell (NUMBER): written as NUMBER_VALUE, the row's place put in later."""

    def __repr__(self) -> str:
        return "NUMBER"


NUMBER = _Number()
NUMBER_VALUE = "\x01"  # the 序号 of the row: its place among the table's data rows, from 1
NUMBER_TAIL = f"><v>{NUMBER_VALUE}</v></c>"
STYLE = "\x02"  # STYLE + k + '"': the style index of the table's k-th format (RowSplice.add_groups)
ROW_END = "\x03"  # between rows


def row_templates(rows: list, style_rows: list, heights: list, styles: dict, columns: int) -> str:
    """``rows`` as one template text: rows apart by ROW_END, row numbers ROW, NUMBER cells NUMBER_VALUE, each
    cell's style ``styles[name]`` (``style_rows``: per row a list of style names; ``styles``: name -> STYLE k for
    the table's k-th format, or a style index). GroupRows holds it until RowSplice.finish knows the rows' place
    and the workbook's style indexes."""
    letters = [xl_col_to_name(c) for c in range(columns)]
    tails: dict = {}
    converted: dict = {}
    out: list = []
    append = out.append
    for row, names, height in zip(rows, style_rows, heights):
        row_styles = converted.get(id(names))
        if row_styles is None:
            row_styles = converted[id(names)] = [styles[name] for name in names]
        _row_xml(append, ROW, letters, row, row_styles, height, tails)
        append(ROW_END)
    if out:
        out.pop()
    return "".join(out)


@dataclass
class GroupRows:
    """A group's rows as UTF-8 XML with their row numbers and 序号 left open (ROW, NUMBER_VALUE; rows apart by
    ROW_END), and their cells' style indexes either left open as well (``styles`` None: STYLE k for the table's
    k-th format, as row_templates writes them) or as they were in the workbook they were made for (``styles``:
    the style index of each of the table's formats there). RowSplice.finish makes them the table's style indexes
    in this workbook (``restyle``), setting ``changed`` when it had to rewrite them."""

    body: bytes
    styles: list | None = None
    changed: bool = False

    def restyle(self, styles: list[str]) -> bytes:
        """The body with the style indexes ``styles`` (kept as the new body)."""
        if self.styles == styles:
            return self.body
        if self.styles is None:
            body = self.body
            for k, style in enumerate(styles):  # (a pass per format at C speed: faster than one with a callback)
                body = body.replace(f'{STYLE}{k}"'.encode(), f'{style}"'.encode())
        else:  # made for a workbook whose formats had other indexes: each cell's index by its format's place
            new = {old.encode(): style.encode() for old, style in zip(self.styles, styles)}
            body = _GIVEN_STYLE.sub(lambda m: b'\x00" s="' + new[m.group(1)] + b'"', self.body)
        self.body, self.styles, self.changed = body, list(styles), True
        return body


_GIVEN_STYLE = re.compile(b'\x00" s="(\\d+)"')  # a cell's style right after its reference (the row left open)


def _stitched(table: _Table, styles: list[str]) -> Iterator[bytes]:
    """A grouped table's rows (UTF-8) from its groups' GroupRows: styles, then row numbers and 序号 put in.
    Bytes throughout: a national register's kept rows are read, stitched and compressed without being decoded
    (twice as fast as text)."""
    r = table.first_row
    out: list = []
    row_mark, number_mark, row_end = ROW.encode(), NUMBER_VALUE.encode(), ROW_END.encode()
    for group in table.blobs:
        blob = group.restyle(styles)
        if not blob:
            continue
        for row in blob.split(row_end):
            r += 1
            out.append(row.replace(row_mark, b"%d" % r).replace(number_mark, b"%d" % (r - table.first_row)))
            if len(out) == ROWS_PER_PIECE:
                yield b"".join(out)
                out.clear()
    yield b"".join(out)


def _cell_tail(value) -> str:
    """A cell's XML after its reference and style, as xlsxwriter's write_cell writes ``value`` (see
    xlsx_style.write_cell): a boolean, a number, a blank (None, '', or a number Excel cannot hold: NaN,
    infinity), else text (safe_text'ed, cut to Excel's limit, escaped)."""
    if isinstance(value, bool):
        return f' t="b"><v>{int(value)}</v></c>'
    if isinstance(value, (int, float)) and math.isfinite(value):
        return f"><v>{value:.16G}</v></c>"
    if value is None or value == "" or isinstance(value, (int, float)):
        return "/>"
    if value.__class__ is str and len(value) <= MAX_STRING // 2 and _NOT_PLAIN.search(value) is None:
        return f' t="inlineStr"><is><t>{value}</t></is></c>'  # most texts: nothing to drop, cut or escape
    text = _cut(safe_text(value))
    space = ' xml:space="preserve"' if _EDGE_SPACE.search(text) else ""
    return f' t="inlineStr"><is><t{space}>{cell_text(text)}</t></is></c>'


def _cut(text: str) -> str:
    """``text`` cut to Excel's limit of MAX_STRING UTF-16 units, never inside a character (as xlsxwriter does)."""
    if len(text) <= MAX_STRING // 2:
        return text
    units = 0
    for index, char in enumerate(text):
        units += 2 if ord(char) > 0xFFFF else 1
        if units > MAX_STRING:
            return text[:index]
    return text


_DIMENSION = re.compile(r'<dimension ref="([A-Z]+)(\d+)(?::([A-Z]+)(\d+))?"/>')


def _widen_dimension(xml: str, last_row: int) -> str:
    """The worksheet's used range made to reach ``last_row`` (0-based) when the spliced rows end below it."""
    m = _DIMENSION.search(xml)
    if m is None:
        return xml
    first_col, first_row, end_col, end_row = m.group(1), m.group(2), m.group(3) or m.group(1), m.group(4) or m.group(2)
    if last_row + 1 <= int(end_row):
        return xml
    return f'{xml[:m.start()]}<dimension ref="{first_col}{first_row}:{end_col}{last_row + 1}"/>{xml[m.end():]}'
