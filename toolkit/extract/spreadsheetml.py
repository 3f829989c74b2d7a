"""Excel 2003 XML workbooks (SpreadsheetML, urn:schemas-microsoft-com:office:spreadsheet) into bounded grids.

Rows and cells follow the XML Spreadsheet Reference: ss:Index skips to a 1-based row/column, ss:MergeAcross /
ss:MergeDown span a cell over its neighbours (the following cell starts after the span), Data@ss:Type is
String / Number / Boolean / DateTime / Error. Named ranges (Names/NamedRange@ss:RefersTo, R1C1 notation) become
defined names. Parsed with the hardened parser (no DTD, no entities).
"""
from __future__ import annotations

import datetime as dt
import re

from .grid import MAX_COLS, MAX_ROWS, Sheet, Workbook, clip_merged, rows_from_cells
from .safety import parse_xml

SS = "urn:schemas-microsoft-com:office:spreadsheet"


def _a(el, name: str, default: str | None = None) -> str | None:
    return el.get(f"{{{SS}}}{name}", default)


def _int(text: str | None, default: int = 0) -> int:
    try:
        return int(text) if text is not None else default
    except ValueError:
        return default


def _data(cell):
    data = next((ch for ch in cell if isinstance(ch.tag, str) and ch.tag.rpartition("}")[2] == "Data"), None)
    if data is None:
        return None
    text = "".join(data.itertext())
    kind = _a(data, "Type", "String")
    if kind == "Number":
        try:
            return float(text)
        except ValueError:
            return text or None
    if kind == "Boolean":
        return text.strip() in ("1", "true")
    if kind == "DateTime":
        try:
            value = dt.datetime.fromisoformat(text.strip()[:19])
        except ValueError:
            return text or None
        return value.date() if value.time() == dt.time() else value
    return text if text != "" else None


_R1C1 = re.compile(r"^=?(?:'?(?P<sheet>[^'!]+)'?!)?R(?P<r>\d+)C(?P<c>\d+)", re.I)


def read_spreadsheetml(data: bytes, *, max_sheets: int = 6) -> Workbook:
    """A SpreadsheetML workbook as a Workbook. Raises UnsafeFile for hostile or damaged XML."""
    root = parse_xml(data)
    sheets, names, local_names = [], {}, {}
    active = ""
    unread = []
    for ws in root.iter(f"{{{SS}}}Worksheet"):
        if len(sheets) >= max_sheets:
            unread.append(_a(ws, "Name", f"Sheet{len(sheets) + len(unread) + 1}"))
            continue
        name = _a(ws, "Name", f"Sheet{len(sheets) + 1}")
        cells, merged = {}, []
        table = ws.find(f"{{{SS}}}Table")
        r = -1
        for row in (table.iterfind(f"{{{SS}}}Row") if table is not None else ()):
            r = _int(_a(row, "Index"), r + 2) - 1
            if r >= MAX_ROWS:
                break
            c = -1
            for cell in row.iterfind(f"{{{SS}}}Cell"):
                c = _int(_a(cell, "Index"), c + 2) - 1
                across, down = _int(_a(cell, "MergeAcross")), _int(_a(cell, "MergeDown"))
                if c < MAX_COLS:
                    value = _data(cell)
                    if value is not None:
                        cells[(r, c)] = value
                    if across or down:
                        merged.append((r, c, r + down, c + across))
                c += across
        options = ws.find(f"{{{SS.replace('spreadsheet', 'excel')}}}WorksheetOptions")
        hidden = False
        if options is not None:
            for child in options:
                local = child.tag.rpartition("}")[2] if isinstance(child.tag, str) else ""
                if local == "Selected" and not active:
                    active = name
                if local == "Visible" and (child.text or "").strip().startswith("SheetHidden"):
                    hidden = True
        for nr in ws.iter(f"{{{SS}}}NamedRange"):
            target = _target(_a(nr, "RefersTo", ""), name)
            if target:
                local_names.setdefault((_a(nr, "Name", ""), name), target)
        sheets.append(Sheet(name=name, rows=rows_from_cells(cells), merged=clip_merged(merged), hidden=hidden))
    names_el = root.find(f"{{{SS}}}Names")
    for nr in (names_el.iterfind(f"{{{SS}}}NamedRange") if names_el is not None else ()):
        target = _target(_a(nr, "RefersTo", ""), "")
        if target:
            names.setdefault(_a(nr, "Name", ""), target)
    return Workbook(sheets=sheets, names=names, local_names=local_names, active=active, unread=unread)


def _target(refers: str, default_sheet: str):
    m = _R1C1.match(refers or "")
    if not m:
        return None
    sheet = m.group("sheet") or default_sheet
    return (sheet, int(m.group("r")) - 1, int(m.group("c")) - 1) if sheet else None
