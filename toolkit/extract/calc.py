"""Formulas computed the way Excel/WPS compute them on opening a workbook, with the `formulas` package.

Used only for the cells that need it (a formula without a stored result, or a workbook that asks for a full
recalculation on load, ECMA-376 Part 1 §18.2.2 calcPr@fullCalcOnLoad). Each formula is parsed and compiled once
(cached by its text); its inputs — cells and ranges, on this or another sheet, and defined names — are taken from
the workbook's own (bounded) grids, formula inputs computed first. Nothing is executed but the formula functions
of the engine: no macros, no external links, no network.
"""
from __future__ import annotations

import functools
import logging
import re

from .grid import MAX_COLS, MAX_ROWS, parse_cell_ref, parse_range

log = logging.getLogger(__name__)

NO_RESULT = "是公式，但文件中没有计算结果，本工具也无法计算（请用 Excel/WPS 打开后保存一次，或直接填写数值）"
CIRCULAR = "是循环引用的公式，无法计算（请改为直接填写数值）"
EXTERNAL = "是公式，引用了其他文件，无法计算（请直接填写数值）"  # '[财务.xlsx]利润表'!C30, Excel's '[1]利润表'!C30


class FormulaError(Exception):
    """A formula the engine cannot compute; ``reason`` is Chinese, to follow the formula in a message."""

    def __init__(self, reason: str = NO_RESULT):
        super().__init__(reason)
        self.reason = reason


@functools.lru_cache(maxsize=2048)
def _compiled(text: str):
    import formulas

    logging.getLogger("schedula").setLevel(logging.CRITICAL)  # the engine logs every failed function loudly
    return formulas.Parser().ast("=" + text.lstrip("="))[1].compile()


_INPUT = re.compile(r"^(?:(?P<sheet>'(?:[^']|'')+'|[^!]+)!)?(?P<ref>.+)$")
_WHOLE_COLS = re.compile(r"^\$?([A-Z]{1,3}):\$?([A-Z]{1,3})$")
_WHOLE_ROWS = re.compile(r"^\$?(\d+):\$?(\d+)$")


class Calculator:
    """Computes formula cells of one workbook.

    ``cells``: sheet name -> {(r, c): value}; ``formulas``: sheet name -> {(r, c): formula text without '='};
    ``names``: defined name -> (sheet, r, c); ``saved``: sheet name -> {(r, c): the result a formula cell was saved
    with}. Values are Python values (float, str, bool, date); results the same. A formula reading another workbook
    gives its saved result, as Excel shows it until the links are updated (Data > Edit Links), and the formulas
    reading that cell compute from it.
    """

    def __init__(self, cells: dict, formulas: dict, names: dict, saved: dict | None = None):
        self.cells = cells
        self.formulas = formulas
        self.saved = saved or {}
        self.names = {k.upper(): v for k, v in names.items()}
        self._sheet_by_upper = {name.upper(): name for name in cells}
        self._done: dict = {}
        self._busy: set = set()

    def value(self, sheet: str, r: int, c: int):
        """The value of a cell, its formula computed when it has one. Raises FormulaError."""
        key = (sheet, r, c)
        if key in self._done:
            result = self._done[key]
            if isinstance(result, FormulaError):
                raise result
            return result
        text = self.formulas.get(sheet, {}).get((r, c))
        if text is None:
            return self.cells.get(sheet, {}).get((r, c))
        if key in self._busy:
            raise FormulaError(CIRCULAR)
        self._busy.add(key)
        try:
            result = self._compute(sheet, text)
        except FormulaError as exc:
            result = self.saved.get(sheet, {}).get((r, c)) if exc.reason == EXTERNAL else None
            if result is None:
                self._done[key] = exc
                raise
        finally:
            self._busy.discard(key)
        self._done[key] = result
        return result

    def _compute(self, sheet: str, text: str):
        try:
            func = _compiled(text)
        except Exception as exc:  # the engine's parser rejects what it does not know
            log.debug("formula %r not parsed: %s", text, exc)
            raise FormulaError() from exc
        args = [self._input(sheet, name) for name in func.inputs]
        try:
            result = func(*args)
        except FormulaError:
            raise
        except Exception as exc:  # an unsupported function, a type the engine refuses
            log.debug("formula %r not computed: %s", text, exc)
            raise FormulaError() from exc
        return _plain(result)

    def _input(self, sheet: str, name: str):
        import numpy as np
        import schedula as sh

        m = _INPUT.match(name)
        target, ref = sheet, name
        if m and m.group("sheet"):
            raw = m.group("sheet")
            raw = raw[1:-1].replace("''", "'") if raw.startswith("'") else raw
            target = self._sheet_by_upper.get(raw.upper())
            if target is None:
                raise FormulaError(EXTERNAL if "[" in raw else "是公式，引用了不存在的工作表，无法计算（请直接填写数值）")
            ref = m.group("ref")
        if ref.upper() in self.names and "!" not in name:
            target, r, c = self.names[ref.upper()]
            rect = (r, c, r, c)
        else:
            rect = self._rect(ref)
        if rect is None:
            raise FormulaError()
        r0, c0, r1, c1 = rect
        r1, c1 = min(r1, MAX_ROWS - 1), min(c1, MAX_COLS - 1)  # nothing is kept beyond the bounded grid
        if r0 == r1 and c0 == c1:
            v = self.value(target, r0, c0)
            return sh.EMPTY if v is None else _engine_value(v)
        rows = []
        for r in range(r0, max(r1, r0) + 1):
            rows.append([_or_empty(self.value(target, r, c)) for c in range(c0, max(c1, c0) + 1)])
        return np.array(rows, dtype=object)

    @staticmethod
    def _rect(ref: str):
        ref = ref.upper().replace("$", "")
        m = _WHOLE_COLS.match(ref)
        if m:
            a, b = parse_cell_ref(m.group(1) + "1")[1], parse_cell_ref(m.group(2) + "1")[1]
            return 0, min(a, b), MAX_ROWS - 1, max(a, b)
        m = _WHOLE_ROWS.match(ref)
        if m:
            return int(m.group(1)) - 1, 0, int(m.group(2)) - 1, MAX_COLS - 1
        return parse_range(ref)


def _engine_value(v):
    import datetime as dt

    if isinstance(v, (dt.datetime, dt.date)):
        from .numfmt import excel_serial

        return excel_serial(v)
    return v


def _or_empty(v):
    import schedula as sh

    return sh.EMPTY if v is None else _engine_value(v)


def _plain(result):
    """A Python value from the engine's result (a 0-d or 1x1 array); FormulaError for an Excel error value; 0.0 for
    a reference to an empty cell, as Excel shows it."""
    import numpy as np
    from formulas.tokens.operand import XlError

    value = np.asarray(result, dtype=object).ravel()
    value = value[0] if value.size else None
    if isinstance(value, XlError):
        raise FormulaError(f"是公式，计算结果是错误值 {value}（请检查公式引用的单元格，或直接填写数值）")
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, int) and not isinstance(value, bool):
        value = float(value)
    if value is None or type(value).__name__ == "Token":
        # the engine's EMPTY: a formula naming an empty cell ('=Z99', '=利润表!C30' left blank). Excel and WPS show
        # 0 in the formula's cell and save 0 as its result (a formula's value is never an empty cell), so it reads 0
        # as it does from a file Excel saved, not as a cell left blank (未填写)
        return 0.0
    return value
