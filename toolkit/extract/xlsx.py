"""Office Open XML workbooks (.xlsx/.xlsm, transitional and Strict) read sparsely into bounded grids.

Parts are found through the package's relationships (opc.Package), as Excel finds them, so parts at unusual
places and Strict Open XML (ECMA-376 / ISO/IEC 29500 Strict namespaces) read alike. Each worksheet part is
streamed with lxml iterparse and only cells inside MAX_ROWS x MAX_COLS are kept: a sheet whose dimension claims
XFD1048576 because of one stray cell costs no more than the cells it really has.

Values are those Excel/WPS show:
* shared strings / inline strings without phonetic runs (ECMA-376 §18.4);
* numbers through their number format (numfmt.py: dates, scaling commas, WPS "单位：万元");
* formulas computed (calc.py) when the workbook recalculates on open — calcPr@fullCalcOnLoad="1", a formula
  with no cached <v>, or a file no spreadsheet program saved (no calcPr@calcId and an app.xml Application that is
  not Microsoft Excel) — else their cached result.
Chart sheets, dialog sheets and Excel 4.0 macro sheets hold no form and are listed in ``Workbook.skipped``.
"""
from __future__ import annotations

import datetime as dt
import functools
import logging
import re

from lxml import etree

from .grid import (
    MAX_COLS,
    MAX_ROWS,
    CellNote,
    Sheet,
    Workbook,
    cell_name,
    clip_merged,
    parse_cell_ref,
    parse_range,
    rows_from_cells,
    scaled_figure,
)
from .numfmt import PLAIN, Shown, excel_date, shown
from .opc import Package
from .safety import UnsafeFile, iterparse_xml

log = logging.getLogger(__name__)

_SKIPPED_KINDS = {"chartsheet": "图表", "dialogsheet": "对话框", "xlMacrosheet": "宏表", "xlIntlMacrosheet": "宏表"}


def _local(tag) -> str:
    return tag.rpartition("}")[2] if isinstance(tag, str) else ""


@functools.lru_cache(maxsize=65536)
def _cell_ref(ref: str) -> tuple[int, int] | None:
    """parse_cell_ref, kept for the cell references that forms of one layout repeat ('B3', 'D12')."""
    return parse_cell_ref(ref)


def _rel_id(el) -> str:
    """The r:id of an element, whatever the relationships namespace (transitional or strict)."""
    for key, value in el.attrib.items():
        if key.startswith("{") and key.endswith("}id") and "relationships" in key:
            return value
    return ""


_XSTRING_ESCAPE = re.compile(r"_x([0-9A-Fa-f]{4})_")


def unescape(text: str) -> str:
    """ST_Xstring escapes (ECMA-376 Part 1 §22.9.2.19): '_x0007_' -> U+0007, '_x005F_' -> '_'."""
    return _XSTRING_ESCAPE.sub(lambda m: chr(int(m.group(1), 16)), text) if "_x" in text else text


def _text_of(si) -> str:
    """Text of a string item (<si>/<is>): its <t> and rich-text runs' <t>, not phonetic runs (<rPh>)."""
    parts = []
    for child in si:
        name = _local(child.tag)
        if name == "t":
            parts.append(child.text or "")
        elif name == "r":
            parts.extend(t.text or "" for t in child if _local(t.tag) == "t")
    return unescape("".join(parts))


def _truthy(value: str | None) -> bool:
    return (value or "").strip().lower() in ("1", "true", "on")


class _Styles:
    """cellXfs index -> how its number format shows a number."""

    def __init__(self, pkg: Package, part: str | None):
        self.by_xf: list = []
        if part is None:
            return
        root = pkg.xml(part)
        codes = {}
        for el in root.iter("{*}numFmt"):
            try:
                codes[int(el.get("numFmtId", ""))] = el.get("formatCode", "")
            except ValueError:
                continue
        for xfs in root.iter("{*}cellXfs"):
            for xf in xfs:
                try:
                    fid = int(xf.get("numFmtId", "0"))
                except ValueError:
                    fid = 0
                self.by_xf.append(shown(codes.get(fid), fid))
            break

    def of(self, s: str | None) -> Shown:
        if not s:
            return self.by_xf[0] if self.by_xf else PLAIN
        try:
            return self.by_xf[int(s)]
        except (ValueError, IndexError):
            return PLAIN


# what _SheetReader.read looks at: in SpreadsheetML's namespaces (Transitional, Strict) or none — not elements of
# the same local name that another schema's extension (extLst: x14, x15 …) may hold, which once overwrote cells
_SHEET_NAMESPACES = ("http://schemas.openxmlformats.org/spreadsheetml/2006/main",
                     "http://purl.oclc.org/ooxml/spreadsheetml/main")
_SHEET_TAGS = tuple(f"{{{ns}}}{name}" if ns else name for name in ("c", "row", "mergeCell", "sheetView")
                    for ns in (*_SHEET_NAMESPACES, ""))


class _SheetReader:
    """One worksheet part -> sparse cells, formulas, notes, merged ranges, view state."""

    def __init__(self, strings: list, styles: _Styles, date1904: bool, recalc_all: bool):
        self.strings, self.styles, self.date1904, self.recalc_all = strings, styles, date1904, recalc_all
        self.cells: dict = {}
        self.formulas: dict = {}  # (r, c) -> formula text, for cells to compute
        self.cell_format: dict = {}  # (r, c) -> Shown, for computed cells
        self.saved: dict = {}  # (r, c) -> the result a formula to compute was saved with (its <v>, as stored)
        self.notes: dict = {}
        self.merged: list = []
        self.selected = False

    def read(self, data: bytes) -> None:
        shared: dict = {}  # shared formula si -> (text, r, c)
        row_index, col_index, row_el = -1, -1, None
        try:
            for _event, el in iterparse_xml(data, _SHEET_TAGS):
                name = _local(el.tag)
                if name == "c":
                    parent = el.getparent()
                    if parent is not row_el:
                        row_el = parent
                        r_attr = parent.get("r") if parent is not None else None
                        row_index = int(r_attr) - 1 if r_attr and r_attr.isdigit() else row_index + 1
                        col_index = -1
                    ref = el.get("r")
                    ref = _cell_ref(ref) if ref else None
                    r, c = (ref if ref else (row_index, col_index + 1))
                    col_index = c
                    if r < MAX_ROWS and c < MAX_COLS:
                        self._cell(el, r, c, shared)
                    else:  # outside the grid, but a shared formula's master still defines the cells inside
                        self._remember_shared(el, r, c, shared)
                elif name == "row":
                    r_attr = el.get("r")
                    if r_attr and r_attr.isdigit():
                        row_index = int(r_attr) - 1
                    elif row_el is not el:
                        row_index += 1  # an empty row without r
                    row_el = None
                    el.clear()
                    while el.getprevious() is not None:
                        del el.getparent()[0]
                elif name == "mergeCell":
                    rect = parse_range(el.get("ref", ""))
                    if rect:
                        self.merged.append(rect)
                elif name == "sheetView":
                    self.selected = self.selected or _truthy(el.get("tabSelected"))
        except etree.XMLSyntaxError as exc:
            log.debug("worksheet XML not parsed: %s", exc)  # the parser's English detail is for the log only
            raise UnsafeFile("工作表内容已损坏（文件内部结构不完整）") from exc

    @staticmethod
    def _remember_shared(el, r, c, shared):
        f = el.find("{*}f")
        if f is not None and f.get("t") == "shared" and f.text and f.get("si") is not None:
            shared[f.get("si")] = (f.text, r, c)

    def _cell(self, el, r: int, c: int, shared: dict) -> None:
        t = el.get("t", "n")
        v_el = f_el = is_el = None
        for child in el:  # one pass over the few children (v, f, is) rather than a wildcard find for each
            name = _local(child.tag)
            if name == "v":
                v_el = v_el if v_el is not None else child
            elif name == "f":
                f_el = f_el if f_el is not None else child
            elif name == "is":
                is_el = is_el if is_el is not None else child
        v = v_el.text if v_el is not None else None
        fmt = self.styles.of(el.get("s"))
        value = stored = None
        if t == "s":
            try:
                value = self.strings[int(v)] if v is not None else None
            except (ValueError, IndexError):
                value = None
        elif t == "inlineStr":
            value = _text_of(is_el) if is_el is not None else None
        elif t in ("str", "e"):
            value = unescape(v) if v else v
        elif t == "b":
            value = v in ("1", "true") if v is not None else None
        elif t == "d":
            try:
                value = dt.datetime.fromisoformat(v) if v else None
            except ValueError:
                value = v
        elif v is not None:
            try:
                stored = float(v)
                value = self._number(stored, fmt, r, c)
            except ValueError:
                value = v
        if f_el is not None:
            text = self._formula_text(f_el, r, c, shared)
            if text and (self.recalc_all or v_el is None or (v is None and t != "inlineStr")):
                self.formulas[(r, c)] = text
                self.cell_format[(r, c)] = fmt
                if value is not None and value != "":  # (the number as stored: computed results are formatted)
                    self.saved[(r, c)] = stored if stored is not None else value
                self.notes.pop((r, c), None)
                return
        if value is not None and value != "":
            self.cells[(r, c)] = value

    @staticmethod
    def _formula_text(f_el, r: int, c: int, shared: dict) -> str:
        text = f_el.text or ""
        if f_el.get("t") == "shared" and f_el.get("si") is not None:
            si = f_el.get("si")
            if text:
                shared[si] = (text, r, c)
            elif si in shared:
                from openpyxl.formula.translate import Translator, TranslatorError

                master, mr, mc = shared[si]
                try:
                    text = Translator("=" + master, origin=cell_name(mr, mc)).translate_formula(cell_name(r, c))
                except (TranslatorError, ValueError):
                    return ""
        return text.lstrip("=")

    def _number(self, number: float, fmt: Shown, r: int, c: int):
        if fmt.plain:
            return number
        if fmt.date:
            return excel_date(number, date1904=self.date1904) or number
        value, self.notes[(r, c)] = scaled_figure(number, fmt)
        return value


def _recalculates(root, pkg: Package) -> bool:
    """Whether Excel/WPS recompute every formula on opening: calcPr@fullCalcOnLoad, or no spreadsheet program
    ever calculated the file (no calcPr@calcId and an Application in app.xml that is not Microsoft Excel)."""
    calc = next(root.iter("{*}calcPr"), None)
    if calc is not None and _truthy(calc.get("fullCalcOnLoad")):
        return True
    if calc is not None and calc.get("calcId"):
        return False
    app = ""
    part = _related(pkg, pkg.relationships(""), "extended-properties", "extendedProperties")  # transitional, strict
    if part is not None:
        el = next(pkg.xml(part).iter("{*}Application"), None)
        app = (el.text or "") if el is not None else ""
    return "microsoft excel" not in app.lower() or "openpyxl" in app.lower()


def _related(pkg: Package, rels, *types: str) -> str | None:
    """The first internal, existing part among relationships ``rels`` whose type is one of ``types``."""
    return next((r.target for r in rels if r.type in types and not r.external and pkg.has(r.target)), None)


def _split_ref(text: str) -> tuple[str, str] | None:
    text = (text or "").strip().lstrip("=")
    if "!" not in text or "," in text:  # multi-area names are not field cells
        return None
    sheet, ref = text.rsplit("!", 1)
    sheet = sheet.strip()
    if sheet.startswith("'") and sheet.endswith("'"):
        sheet = sheet[1:-1].replace("''", "'")
    return sheet, ref


def read_xlsx(data: bytes | Package, *, max_sheets: int = 6) -> Workbook:
    """An .xlsx/.xlsm as a Workbook of bounded grids.

    Reads at most ``max_sheets`` worksheets (sheets of other kinds are skipped and do not count). Raises UnsafeFile
    for zip/XML bombs and damaged XML, KeyError when the package has no workbook part. ``data`` is the file's
    bytes or its package already open (the extractor opens it once to ask whether it is one of our outputs, whose
    check parses the workbook part this reader then reuses).
    """
    if isinstance(data, Package):
        return _read_package(data, max_sheets)
    with Package(data) as pkg:
        return _read_package(pkg, max_sheets)


def _read_package(pkg: Package, max_sheets: int) -> Workbook:
    wb_part = pkg.main_part("xl/workbook.xml")
    if wb_part is None:
        raise KeyError("workbook")
    root = pkg.xml(wb_part)
    rels = {r.id: r for r in pkg.relationships(wb_part)}  # the workbook's _rels, parsed once
    strings_part = _related(pkg, rels.values(), "sharedStrings")
    strings = [_text_of(si) for si in pkg.xml(strings_part) if _local(si.tag) == "si"] if strings_part else []
    styles = _Styles(pkg, _related(pkg, rels.values(), "styles"))
    pr = next(root.iter("{*}workbookPr"), None)
    date1904 = pr is not None and _truthy(pr.get("date1904"))
    recalc_all = _recalculates(root, pkg)
    view = next(root.iter("{*}workbookView"), None)
    try:
        active_tab = int(view.get("activeTab", "0")) if view is not None else 0
    except ValueError:
        active_tab = 0

    all_sheets = []  # (name, state, kind, part)
    for el in root.iter("{*}sheet"):
        rel = rels.get(_rel_id(el))
        kind = rel.type if rel is not None else ""
        all_sheets.append((el.get("name", ""), el.get("state", "visible"), kind,
                           rel.target if rel is not None and not rel.external else None))
    sheets, skipped, readers, unread = [], [], {}, []
    selected = ""
    for name, state, kind, part in all_sheets:
        if kind != "worksheet":
            skipped.append((name, _SKIPPED_KINDS.get(kind, kind or "未知")))
            continue
        if part is None or not pkg.has(part):
            continue
        if len(readers) >= max_sheets:
            unread.append(name)
            continue
        reader = _SheetReader(strings, styles, date1904, recalc_all)
        reader.read(pkg.read(part))
        readers[name] = reader
        if reader.selected and not selected:
            selected = name
    lost = [name for name, _state, kind, part in all_sheets
            if kind in ("", "worksheet") and (part is None or not pkg.has(part))]
    if lost and not readers:  # listed sheets, none of them there: Excel refuses such a file as damaged too
        raise UnsafeFile("文件内部结构损坏，找不到其中的工作表（文件不完整）")
    active = all_sheets[active_tab][0] if 0 <= active_tab < len(all_sheets) else ""
    if active not in readers:
        active = selected

    names, local_names = _defined_names(root, [s[0] for s in all_sheets])
    if any(reader.formulas for reader in readers.values()):
        _compute(readers, names)
    for name, state, *_rest in all_sheets:
        reader = readers.get(name)
        if reader is None:
            continue
        sheets.append(Sheet(name=name, rows=rows_from_cells(reader.cells), merged=clip_merged(reader.merged),
                            hidden=state in ("hidden", "veryHidden"), notes=reader.notes))
    return Workbook(sheets=sheets, names=names, local_names=local_names, active=active, skipped=skipped,
                    unread=unread)


def _defined_names(root, sheet_names: list) -> tuple[dict, dict]:
    """(workbook-scoped names, sheet-scoped names) -> (sheet, row, col) of single-cell/first-cell targets."""
    names, local = {}, {}
    for el in root.iter("{*}definedName"):
        name = el.get("name", "")
        if name.startswith("_xlnm") or _truthy(el.get("hidden")) and name.startswith("_"):
            continue
        parsed = _split_ref(el.text or "")
        cell = parse_cell_ref(parsed[1].split(":")[0].replace("$", "")) if parsed else None
        if not parsed or cell is None:
            continue
        target = (parsed[0], *cell)
        scope = el.get("localSheetId")
        if scope is not None and scope.isdigit() and int(scope) < len(sheet_names):
            local.setdefault((name, sheet_names[int(scope)]), target)
        else:
            names.setdefault(name, target)
    return names, local


def _compute(readers: dict, names: dict) -> None:
    """Compute every formula cell kept in the grids; a formula that cannot be computed gets a CellNote problem."""
    from .calc import Calculator, FormulaError

    calc = Calculator({n: r.cells for n, r in readers.items()}, {n: r.formulas for n, r in readers.items()}, names,
                      saved={n: r.saved for n, r in readers.items()})
    for name, reader in readers.items():
        for (r, c), text in list(reader.formulas.items()):
            try:
                value = calc.value(name, r, c)
            except FormulaError as exc:
                reader.notes[(r, c)] = CellNote(problem=exc.reason, formula="=" + text)
                continue
            fmt = reader.cell_format.get((r, c), PLAIN)
            if isinstance(value, float) and not fmt.plain:
                value = reader._number(value, fmt, r, c)
            if value is not None and value != "":
                reader.cells[(r, c)] = value
    for reader in readers.values():
        reader.formulas.clear()
