"""Spreadsheets (.xlsx/.xlsm/.xls/.ods/SpreadsheetML) and Word tables as plain grids of values.

``read_workbook`` dispatches to the format readers (xlsx.py, xls.py, spreadsheetml.py; python-calamine for
.ods). Every reader is sparse and bounded: only the first MAX_ROWS x MAX_COLS cells are kept, whatever range a
file claims. Macros are never run; formulas are computed only by the formula engine (calc.py).
"""
from __future__ import annotations

import io
import re
import zipfile
from dataclasses import dataclass, field

from ..normalize import plain_number
from .safety import check_zip, parse_xml

MAX_ROWS = 400  # a 申请表 or ranking sheet is small; a huge sheet is read only this far
MAX_COLS = 40


@dataclass
class Sheet:
    name: str
    rows: list  # list of lists of values (None for empty), 0-based
    merged: list = field(default_factory=list)  # (r0, c0, r1, c1) inclusive, 0-based
    label: str = ""  # how locations name this sheet ('' = use name)
    hidden: bool = False
    # (r, c) -> CellNote: what the reader knows about a cell beyond its value (a number format that changed the
    # figure, a formula that could not be computed)
    notes: dict = field(default_factory=dict)

    def __post_init__(self):
        self._owner = {}
        for r0, c0, r1, c1 in self.merged:
            for r in range(r0, min(r1, MAX_ROWS) + 1):
                for c in range(c0, min(c1, MAX_COLS) + 1):
                    self._owner[(r, c)] = (r0, c0)

    @property
    def height(self) -> int:
        return len(self.rows)

    @property
    def width(self) -> int:
        return max((len(r) for r in self.rows), default=0)

    def raw(self, r: int, c: int):
        if 0 <= r < len(self.rows) and 0 <= c < len(self.rows[r]):
            return self.rows[r][c]
        return None

    def value(self, r: int, c: int):
        """The value shown at (r, c): a merged range shows its top-left cell."""
        r0, c0 = self._owner.get((r, c), (r, c))
        return self.raw(r0, c0)

    def anchor(self, r: int, c: int) -> tuple[int, int]:
        return self._owner.get((r, c), (r, c))

    def merge_end_col(self, r: int, c: int) -> int:
        r0, c0 = self.anchor(r, c)
        for mr0, mc0, mr1, mc1 in self.merged:
            if (mr0, mc0) == (r0, c0):
                return mc1
        return c

    def merge_end_row(self, r: int, c: int) -> int:
        r0, c0 = self.anchor(r, c)
        for mr0, mc0, mr1, mc1 in self.merged:
            if (mr0, mc0) == (r0, c0):
                return mr1
        return r

    def location(self, r: int, c: int) -> str:
        """Where (r, c) is, as its reader finds it: 'sheet!B7' in a workbook; in a Word table (a sheet with a label)
        '<label>第12行第5列', the column counted as Word counts a row's cells — a cell spanning grid columns
        (gridSpan) is one, whatever the hidden grid under the table (before, the 5th cell read '第7列')."""
        if self.label:
            return f"{self.label}第{r + 1}行第{self.cell_number(r, c)}列"
        return f"{self.name}!{cell_name(r, c)}"

    def cell_number(self, r: int, c: int) -> int:
        """1-based: the place in row ``r`` of the cell that covers grid column ``c``, a merged cell counted once."""
        return len({self.anchor(r, cc)[1] for cc in range(c + 1)})


@dataclass(frozen=True)
class CellNote:
    """Why a cell's value is not simply what was stored.

    ``stored``: the number in the file; ``shown``: the text the format displays; ``unit``: the unit written in
    the format ('万元', '元', …, '' when none); ``problem``: a reason the value could not be read (a formula
    without a result), Chinese, to go after the value in a field.invalid message.
    """

    stored: object = None
    shown: str = ""
    unit: str = ""
    scaled: bool = False
    problem: str = ""
    formula: str = ""


def scaled_figure(number: float, fmt) -> tuple[float, CellNote]:
    """The figure a scaling or unit-labelled number format (numfmt.Shown) shows for ``number``, and the note
    that records the stored number beside it."""
    value = number * fmt.scale
    return value, CellNote(stored=number, unit=fmt.unit, scaled=fmt.scale != 1.0,
                           shown=f"{plain_number(value)}{fmt.unit}")


@dataclass
class Workbook:
    sheets: list  # Sheet
    names: dict = field(default_factory=dict)  # defined name -> (sheet name, row, col); workbook-scoped first
    # (defined name, sheet name of its scope) -> (sheet name, row, col) for sheet-scoped (localSheetId) names
    local_names: dict = field(default_factory=dict)
    active: str = ""  # the sheet that opens first (activeTab), '' when unknown
    skipped: list = field(default_factory=list)  # (sheet name, kind) of sheets that hold no cells (chart, macro…)
    unread: list = field(default_factory=list)  # names of the worksheets beyond the readers' max_sheets, not read

    def sheet(self, name: str) -> Sheet | None:
        return next((s for s in self.sheets if s.name == name), None)

    def cell_at(self, location: str) -> tuple[Sheet, int, int] | None:
        """(sheet, row, col), 0-based, of a location Sheet.location wrote — 'sheet!B7', or '<label>第9行第4列' for a
        sheet with a label (a Word table) —; None when no sheet of this workbook has it."""
        if "!" in location:
            name, ref = location.rsplit("!", 1)
            sheet, cell = self.sheet(name), parse_cell_ref(ref)
            return (sheet, *cell) if sheet is not None and cell else None
        m = _LABELLED_CELL.search(location)
        if m is None:
            return None
        r = int(m.group(1)) - 1
        for sheet in self.sheets:
            if sheet.label and location.startswith(sheet.label):
                c = next((c for c in range(sheet.width) if sheet.location(r, c) == location), None)
                if c is not None:
                    return sheet, r, c
        return None


_LABELLED_CELL = re.compile(r"第(\d+)行第(\d+)列$")  # the end of Sheet.location for a sheet with a label


def column_letter(c: int) -> str:
    out = ""
    c += 1
    while c:
        c, rem = divmod(c - 1, 26)
        out = chr(65 + rem) + out
    return out


def cell_name(r: int, c: int) -> str:
    return f"{column_letter(c)}{r + 1}"


_REF = re.compile(r"^\$?([A-Z]{1,3})\$?(\d+)")


def parse_cell_ref(ref: str) -> tuple[int, int] | None:
    m = _REF.match(ref.upper())
    if not m:
        return None
    col = 0
    for ch in m.group(1):
        col = col * 26 + ord(ch) - 64
    return int(m.group(2)) - 1, col - 1


_TABLE_NS = "urn:oasis:names:tc:opendocument:xmlns:table:1.0"
_t = lambda tag: f"{{{_TABLE_NS}}}{tag}"  # noqa: E731


def _ods_names(root) -> dict:
    out = {}
    for el in root.iter(_t("named-range")):
        name = el.get(_t("name"), "")
        addr = el.get(_t("cell-range-address"), "")
        addr = addr.split(":")[0].lstrip("$")
        if "." not in addr:
            continue
        sheet, ref = addr.rsplit(".", 1)
        sheet = sheet.strip("'").lstrip("$")
        cell = parse_cell_ref(ref.replace("$", ""))
        if cell:
            out.setdefault(name, (sheet, *cell))
    return out


def _int_attr(el, name: str) -> int:
    value = el.get(_t(name), "1")
    return int(value) if value.isdigit() else 1


def _ods_merged(root) -> dict:
    """Sheet name -> merged ranges (r0, c0, r1, c1), from table:number-columns/rows-spanned.

    calamine does not report merged cells of .ods files; repeated rows and columns are counted, not expanded.
    """
    out: dict = {}
    for table in root.iter(_t("table")):
        merged = []
        r = 0
        for row in table.iter(_t("table-row")):
            if r >= MAX_ROWS:
                break
            c = 0
            for cell in row:
                if cell.tag not in (_t("table-cell"), _t("covered-table-cell")):
                    continue
                if c >= MAX_COLS:
                    break
                cols, rows = _int_attr(cell, "number-columns-spanned"), _int_attr(cell, "number-rows-spanned")
                if cell.tag == _t("table-cell") and (cols > 1 or rows > 1):
                    merged.append((r, c, r + rows - 1, c + cols - 1))
                c += _int_attr(cell, "number-columns-repeated")
            r += _int_attr(row, "number-rows-repeated")
        out[table.get(_t("name"), "")] = merged
    return out


def ods_content(data: bytes) -> tuple[dict, dict]:
    """(named ranges, merged ranges per sheet) of an .ods."""
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        root = parse_xml(zf.read("content.xml"))
    return _ods_names(root), _ods_merged(root)


def read_workbook(data, real_type: str, *, max_sheets: int = 6) -> Workbook:
    """Read a spreadsheet's worksheets as bounded grids (MAX_ROWS x MAX_COLS).

    ``real_type`` is the sniffed type (sniff.XLSX/XLSM/XLS/ODS/SPREADSHEETML); ``data`` the file's bytes, or for
    an .xlsx/.xlsm its opc.Package already open. Raises UnsafeFile (bombs, hostile
    XML), xls.Encrypted (a password to open), or the underlying reader's exceptions for damaged files.
    """
    if real_type in ("xlsx", "xlsm"):
        from .xlsx import read_xlsx

        return read_xlsx(data, max_sheets=max_sheets)
    if real_type == "xls":
        from .xls import read_xls

        return read_xls(data, max_sheets=max_sheets)
    if real_type == "spreadsheetml":
        from .spreadsheetml import read_spreadsheetml

        return read_spreadsheetml(data, max_sheets=max_sheets)
    return _read_ods(data, max_sheets=max_sheets)


def _read_ods(data: bytes, *, max_sheets: int) -> Workbook:
    """An .ods through python-calamine (values) and content.xml (names, merged cells)."""
    from python_calamine import CalamineWorkbook

    check_zip(data)
    try:
        names, ods_merged = ods_content(data)
    except KeyError:
        names, ods_merged = {}, {}
    book = CalamineWorkbook.from_filelike(io.BytesIO(data))
    sheets = []
    try:
        meta = {m.name: m for m in book.sheets_metadata}
        for name in book.sheet_names[:max_sheets]:
            visible = getattr(meta.get(name), "visible", None)
            sheet = book.get_sheet_by_name(name)
            rows = [[None if v == "" else v for v in row[:MAX_COLS]]
                    for row in sheet.to_python(skip_empty_area=False, nrows=MAX_ROWS)]
            merged = []
            for rng in (sheet.merged_cell_ranges or []):
                (r0, c0), (r1, c1) = rng
                merged.append((r0, c0, r1, c1))
            if not merged and name in ods_merged:
                merged = ods_merged[name]
            hidden = visible is not None and str(visible).rsplit(".", 1)[-1].lower() != "visible"
            sheets.append(Sheet(name=name, rows=rows, merged=merged, hidden=hidden))
        unread = list(book.sheet_names[max_sheets:])
    finally:
        book.close()
    return Workbook(sheets=sheets, names=names, unread=unread)


def rows_from_cells(cells: dict) -> list:
    """Dense rows (lists, None for empty) from sparse {(r, c): value}, cells beyond MAX_ROWS/MAX_COLS dropped."""
    height = max((r for r, c in cells if r < MAX_ROWS and c < MAX_COLS), default=-1) + 1
    rows: list = [[] for _ in range(height)]
    for (r, c), v in cells.items():
        if r < MAX_ROWS and c < MAX_COLS and v is not None:
            row = rows[r]
            if len(row) <= c:
                row.extend([None] * (c + 1 - len(row)))
            row[c] = v
    return rows


def clip_merged(merged) -> list:
    """Merged ranges that start inside the bounded grid, their ends clipped to it."""
    return [(r0, c0, min(r1, MAX_ROWS - 1), min(c1, MAX_COLS - 1)) for r0, c0, r1, c1 in merged
            if r0 < MAX_ROWS and c0 < MAX_COLS and r1 >= r0 and c1 >= c0]


def parse_range(ref: str) -> tuple[int, int, int, int] | None:
    """'B3:F3' -> (2, 1, 2, 5); 'B3' -> (2, 1, 2, 1); None when not an A1 reference."""
    parts = ref.replace("$", "").split(":")
    a = parse_cell_ref(parts[0])
    b = parse_cell_ref(parts[-1])
    if a is None or b is None:
        return None
    return min(a[0], b[0]), min(a[1], b[1]), max(a[0], b[0]), max(a[1], b[1])
