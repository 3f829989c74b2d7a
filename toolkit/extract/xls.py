"""Excel 97-2003 and older workbooks (.xls: BIFF2-BIFF8, in an OLE2 compound file or as a bare record stream)
read with xlrd into bounded grids.

xlrd reads the "Workbook"/"Book" stream of a compound file, and a bare BIFF stream (the "导出Excel" of web
systems, Excel 2.x-4.0 worksheets) when the bytes start with a BOF record ([MS-XLS] 2.4.21 BOF, 0x0809; BIFF2-4
0x0009/0x0209/0x0409). Rows are read ragged (``ragged_rows=True``): a stray value in IV65536 costs one short row,
not a 65536 x 256 grid. A FILEPASS record ([MS-XLS] 2.4.117: RC4 or XOR obfuscation) means a password to open:
``Encrypted`` is raised.
"""
from __future__ import annotations

from .grid import (
    MAX_COLS,
    MAX_ROWS,
    Sheet,
    Workbook,
    clip_merged,
    rows_from_cells,
    scaled_figure,
)
from .numfmt import excel_date, shown


class Encrypted(Exception):
    """The workbook has a password to open (FILEPASS)."""


def read_xls(data: bytes, *, max_sheets: int = 6) -> Workbook:
    """A BIFF workbook as a Workbook. Raises Encrypted, or xlrd's XLRDError/CompDocError for damaged files."""
    import xlrd

    try:
        book = xlrd.open_workbook(file_contents=data, ragged_rows=True, formatting_info=True, on_demand=True,
                                  logfile=_Quiet())
    except xlrd.XLRDError as exc:
        if "encrypt" in str(exc).lower():
            raise Encrypted() from exc
        if "formatting_info" in str(exc) or "not supported" in str(exc).lower():
            book = xlrd.open_workbook(file_contents=data, ragged_rows=True, on_demand=True, logfile=_Quiet())
        else:
            raise
    try:
        return _book(book, max_sheets)
    finally:
        book.release_resources()


class _Quiet:
    def write(self, _text):  # xlrd prints warnings about odd records; they are of no use to a clerk
        return 0


def _book(book, max_sheets: int) -> Workbook:
    import xlrd

    sheets = []
    names = {}
    for index in range(min(book.nsheets, max_sheets)):
        sh = book.sheet_by_index(index)
        cells, notes = {}, {}
        for r in range(min(sh.nrows, MAX_ROWS)):
            row_types = sh.row_types(r)
            row_values = sh.row_values(r)
            for c in range(min(len(row_values), MAX_COLS)):
                ctype, value = row_types[c], row_values[c]
                if ctype in (xlrd.XL_CELL_EMPTY, xlrd.XL_CELL_BLANK):
                    continue
                if ctype == xlrd.XL_CELL_TEXT:
                    if value != "":
                        cells[(r, c)] = value
                elif ctype == xlrd.XL_CELL_BOOLEAN:
                    cells[(r, c)] = bool(value)
                elif ctype == xlrd.XL_CELL_ERROR:
                    cells[(r, c)] = xlrd.error_text_from_code.get(value, "#VALUE!")
                elif ctype == xlrd.XL_CELL_DATE:
                    cells[(r, c)] = excel_date(value, date1904=book.datemode == 1) or value
                else:
                    cells[(r, c)] = _number(book, sh, r, c, float(value), notes)
        merged = [(r0, c0, r1 - 1, c1 - 1) for r0, r1, c0, c1 in getattr(sh, "merged_cells", [])]
        hidden = getattr(sh, "visibility", 0) != 0
        sheets.append(Sheet(name=sh.name, rows=rows_from_cells(cells), merged=clip_merged(merged), hidden=hidden,
                            notes=notes))
        book.unload_sheet(index)
    for nobj in getattr(book, "name_obj_list", []):
        try:
            if nobj.builtin or nobj.macro or not nobj.result or nobj.result.kind != xlrd.oREF:
                continue
            ref = nobj.result.value[0]
            sheet_name = book.sheet_names()[ref.shtxlo]
            target = (sheet_name, ref.rowxlo, ref.colxlo)
        except (AttributeError, IndexError, TypeError):
            continue
        if nobj.scope in (-1, -2, None):
            names.setdefault(nobj.name, target)
    active = ""
    return Workbook(sheets=sheets, names=names, active=active, unread=list(book.sheet_names()[max_sheets:]))


def _number(book, sh, r: int, c: int, value: float, notes: dict):
    """A number as its format shows it (scaling commas, WPS 万元), with a CellNote when it changed."""
    try:
        xf = book.xf_list[sh.cell_xf_index(r, c)]
        code = book.format_map[xf.format_key].format_str
    except (AttributeError, IndexError, KeyError):
        return value
    fmt = shown(code)
    if fmt.plain or fmt.date:
        return value
    result, notes[(r, c)] = scaled_figure(value, fmt)
    return result
