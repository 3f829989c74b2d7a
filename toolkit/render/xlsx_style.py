"""Shared xlsxwriter formats, column widths from content, and the one guard that keeps untrusted text from
becoming a formula.

Widths and heights are estimated, since neither xlsxwriter nor LibreOffice autofits when it opens a file: a
column's width is measured in Excel's units (the width of a digit of the workbook's default font); a CJK or
other full-width character of our 10-point 宋体 takes about 2 of them, a Latin letter or digit about 1.1
(``text_units``). A column is as wide as its widest value plus padding, capped for text (which then wraps);
a number is never capped, so Excel never shows ##### for it.
"""
from __future__ import annotations

import functools
import math
import re
from dataclasses import dataclass

from ..normalize import clean_text

FONT = "宋体"
HEADER_BG = "#DDEBF7"

WIDE_UNITS = 2.0  # a CJK / full-width character, in column-width units
NARROW_UNITS = 1.1  # a Latin letter, digit or half-width punctuation
PADDING = 1.5  # a cell's inner margins, in column-width units
LINE_HEIGHT = 14.5  # points per wrapped line of 10-point text (Noto CJK, LibreOffice's 宋体, is tall)
MAX_LINES = 12  # the most lines a row of a table is made tall for (row_heights); longer texts are cut off in view

# number formats: what people read (money in 万元 with two decimals, counts as integers)
MONEY = "#,##0.00"
COUNT = "0"
ITEMS = '0"项"'  # a count of applications in a total row
STAMPED = '"已收到 "0" 个"'  # how many units sent a stamped opinion


def safe_text(value) -> str:
    """Text as text: XML-illegal characters dropped (xlsxwriter's write_string never makes a formula)."""
    return clean_text(value)


def formats(wb) -> dict:
    base = {"font_name": FONT, "font_size": 10, "valign": "vcenter"}
    border = {**base, "border": 1}
    return {
        "title": wb.add_format({**base, "bold": True, "font_size": 16, "align": "center"}),
        "subtitle": wb.add_format({**base, "font_size": 10, "italic": True, "font_color": "#595959"}),
        "unit_note": wb.add_format({**base, "font_size": 10, "align": "right"}),
        "header": wb.add_format({**border, "bold": True, "bg_color": HEADER_BG, "align": "center",
                                 "text_wrap": True}),
        "label": wb.add_format({**border, "bold": True, "bg_color": "#F2F2F2", "align": "center",
                                "text_wrap": True, "locked": True}),
        "total_money": wb.add_format({**border, "bold": True, "bg_color": "#F2F2F2", "num_format": MONEY}),
        "total_count": wb.add_format({**border, "bold": True, "bg_color": "#F2F2F2", "align": "center",
                                      "num_format": COUNT}),
        "total_text": wb.add_format({**border, "bold": True, "bg_color": "#F2F2F2", "text_wrap": True}),
        "total_label": wb.add_format({**border, "bold": True, "bg_color": "#F2F2F2", "align": "center"}),
        "total_items": wb.add_format({**border, "bold": True, "bg_color": "#F2F2F2", "align": "center",
                                      "num_format": ITEMS}),
        "total_stamped": wb.add_format({**border, "bold": True, "bg_color": "#F2F2F2", "align": "center",
                                        "num_format": STAMPED}),
        "cell": wb.add_format({**border, "text_wrap": True}),
        "cell_center": wb.add_format({**border, "align": "center", "text_wrap": True}),
        "input": wb.add_format({**border, "text_wrap": True, "locked": False}),
        "input_money": wb.add_format({**border, "num_format": MONEY, "locked": False}),
        "input_count": wb.add_format({**border, "num_format": COUNT, "locked": False}),
        "input_text": wb.add_format({**border, "num_format": "@", "locked": False}),
        "money": wb.add_format({**border, "num_format": MONEY}),
        "count": wb.add_format({**border, "num_format": COUNT, "align": "center"}),
        "error": wb.add_format({**border, "font_color": "#C00000", "text_wrap": True}),
        "warning": wb.add_format({**border, "font_color": "#9C5700", "text_wrap": True}),
        "ok": wb.add_format({**border, "font_color": "#006100", "align": "center", "text_wrap": True}),
        "bad": wb.add_format({**border, "font_color": "#C00000", "align": "center", "bold": True,
                              "text_wrap": True}),
        "note": wb.add_format({**base, "font_color": "#595959", "text_wrap": True}),
        "wrap": wb.add_format({**base, "text_wrap": True}),
    }


# the number format of each numeric style above (column widths are computed from the text a cell shows)
NUMBER_FORMATS = {"money": MONEY, "count": COUNT, "input_money": MONEY, "input_count": COUNT,
                  "total_money": MONEY, "total_count": COUNT, "total_items": ITEMS, "total_stamped": STAMPED}


def write_cell(ws, row: int, col: int, value, fmt=None) -> None:
    """Numbers as numbers, everything else as a string (never a formula, whatever it starts with); a number Excel
    cannot hold (NaN, infinity) as a blank cell."""
    if isinstance(value, bool):
        ws.write_boolean(row, col, value, fmt)
    elif isinstance(value, (int, float)) and math.isfinite(value):
        ws.write_number(row, col, value, fmt)
    elif value is None or value == "" or isinstance(value, (int, float)):
        ws.write_blank(row, col, None, fmt)
    else:
        ws.write_string(row, col, safe_text(value), fmt)


FOOTER = "&C第 &P 页 共 &N 页"  # the register's page numbers
LEGACY_FOOTER = "&C第 &P 页，共 &N 页"  # what the 申请表 template and other outputs print (templates/ stay byte-identical)


A4_LANDSCAPE, A4_PORTRAIT = (9, True), (9, False)  # (paper, landscape) as print_setup takes them


def print_setup(ws, *, landscape: bool = True, header_rows: tuple[int, int] | None = (0, 0),
                fit_width: bool = True, paper: int = 9, footer: str = LEGACY_FOOTER) -> None:
    """Paper (9 = A4, 8 = A3), orientation, narrow margins, the header rows repeated on every page, one page
    wide unless ``fit_width`` is False, and page numbers in the footer."""
    ws.set_paper(paper)
    if landscape:
        ws.set_landscape()
    else:
        ws.set_portrait()
    ws.set_margins(left=0.5, right=0.5, top=0.6, bottom=0.6)
    if header_rows is not None:
        ws.repeat_rows(*header_rows)
    if fit_width:
        ws.fit_to_pages(1, 0)
    ws.set_footer(footer)


def write_header(ws, f: dict, row: int, columns) -> None:
    """A table's header row: bold, shaded, each header broken where it reads well (header_text), as tall as its
    most lines, and each column's width (``columns``: (name, width))."""
    lines = 1
    for col, (name, width) in enumerate(columns):
        text = header_text(name, width)
        lines = max(lines, text.count("\n") + 1)
        ws.write_string(row, col, text, f["header"])
        ws.set_column(col, col, width)
    ws.set_row(row, max(32, LINE_HEIGHT * lines + 6))


def fitted(columns, page: tuple[int, bool]) -> list[tuple[str, float]]:
    """(name, width) columns of a table whose widths are set by hand, fitted to ``page`` (fit_widths):
    ``columns`` are (name, width, floor) — floor None for a column that keeps its width (numbers, times, short
    values), else the narrowest its wrapping text may be made."""
    widths = fit_widths([w for _, w, _ in columns], [floor for *_, floor in columns],
                        page_units(page, len(columns)))
    return [(name, w) for (name, *_), w in zip(columns, widths)]


def titled_sheet(ws, f: dict, *, title: str, note: str, width: int, note_height: int = 30) -> None:
    """Row 1 a title across the table, row 2 an explanatory note (both merged)."""
    ws.merge_range(0, 0, 0, width - 1, title, f["title"])
    ws.set_row(0, 28)
    ws.merge_range(1, 0, 1, width - 1, note, f["note"])
    ws.set_row(1, note_height)


# ---- widths and heights from content ----

# the East Asian Wide and Fullwidth blocks (what unicodedata.east_asian_width calls W/F), for counting in one pass
_WIDE = re.compile("[\u1100-\u115f\u2e80-\u303e\u3041-\u33ff\u3400-\u4dbf\u4e00-\u9fff\ua000-\ua4cf"
                   "\uac00-\ud7a3\uf900-\ufaff\ufe30-\ufe4f\uff00-\uff60\uffe0-\uffe6\U00020000-\U0003fffd]")


@functools.lru_cache(maxsize=1 << 18)  # a national register's distinct names and paths fit
def _line_units(line: str) -> float:
    wide = _WIDE.subn("", line)[1]
    return wide * WIDE_UNITS + (len(line) - wide) * NARROW_UNITS


def text_units(text) -> float:
    """The width of the longest line of ``text`` in column units (2 per CJK or other wide/full-width character, else 1.1; CJK counted by block, in
    one regex pass per line, and cached: registers repeat the same unit names and statuses thousands of times)."""
    return max((_line_units(line) for line in str(text).split("\n")), default=0.0)


def longest_word_units(text) -> float:
    """The widest run a wrapped cell cannot break (a Latin word or number; CJK breaks anywhere)."""
    words = re.findall(r"[A-Za-z0-9@._\-+/:,#%]+", str(text))
    return max((text_units(w) for w in words), default=0.0)


def shown(value, num_format: str = "") -> str:
    """The text a cell shows: a number under one of our formats ('#,##0.00', '0', '0"项"' …), else the text.

    Quoted parts of the format are literal text; the first run of 0 # , . is the number, with as many decimals
    as zeros after the point and thousands separators when it has a comma.
    """
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return "" if value is None else str(value)
    parsed = _parse_number_format(num_format or "General")
    if parsed is None:
        return f"{value:g}" if isinstance(value, float) else str(value)
    before, spec, after = parsed
    return f"{before}{value:{spec}}{after}"


@functools.lru_cache(maxsize=64)
def _parse_number_format(num_format: str) -> tuple[str, str, str] | None:
    """(literal text before the number, its Python format spec, text after) for ``shown``; None when the format has
    no number part. Parsed once per format: a register shows tens of thousands of numbers in a handful of formats."""
    out, spec = [], None
    for part in re.split(r'("[^"]*")', num_format):
        if part.startswith('"'):
            out.append(part[1:-1])
            continue
        m = re.search(r"[0#][0#,]*(\.[0#]+)?", part)
        if m and spec is None:
            decimals = len(m.group(1)) - 1 if m.group(1) else 0
            spec = f"{',' if ',' in m.group(0) else ''}.{decimals}f"
            out.append(part[:m.start()])
            before = "".join(out)
            out = [part[m.end():]]
        else:
            out.append(part)
    return None if spec is None else (before, spec, "".join(out))


@dataclass(frozen=True)
class Column:
    """A column of a table: its header, what it holds and how wide it may grow.

    kind: text (wraps, capped at ``cap``) | center (short text, centred) | money (万元, #,##0.00) | count
    (integers); numbers are never capped. ``hidden`` columns are grouped (outline level 1) and collapsed:
    out of view and off the printout, one click on "+" away.
    """

    name: str
    kind: str = "text"
    cap: float = 40.0
    minimum: float = 4.0
    hidden: bool = False

    @property
    def number_format(self) -> str:
        return MONEY if self.kind == "money" else COUNT if self.kind == "count" else ""

    @property
    def style(self) -> str:
        return {"money": "money", "count": "count", "center": "cell_center"}.get(self.kind, "cell")


def header_lines(name: str) -> int:
    """How many lines a header may take: one for a short one (推荐顺序), two, three for a long one."""
    units = text_units(name)
    return 1 if units <= 10 else 2 if units <= 30 else 3


# the words headers end or begin with: a header breaks between them where it can ('盖章' / '推荐意见')
HEADER_WORDS = frozenset({"推荐", "意见", "盖章", "顺序", "单位", "时间", "名称", "条件", "方法", "情况", "类别", "依据", "处理", "规模", "收入",
                          "总额", "人员", "状态", "文件", "错误", "提示", "问题", "修改", "说明", "收到", "首次", "申报", "地区", "行业", "大类",
                          "企业", "标杆", "版本", "名额", "撤回", "需补正", "补正"})
_UNBROKEN = re.compile(r"[A-Za-z0-9@._\-+/:,#%]")  # a header never breaks between two of these (a word, a year)


@functools.lru_cache(maxsize=1024)
def header_split(name: str, lines: int = 0) -> tuple[str, ...]:
    """``name`` in ``lines`` lines (default header_lines), broken where a reader expects: before a bracket
    ('2018年利润总额' / '（万元）'), else after a year ('2020年' / '营业收入'), else as evenly as the characters
    allow with the shorter line first ('不符合' / '申报条件'); never within a Latin word or number, never after an
    opening or before a closing bracket or punctuation."""
    lines = lines or header_lines(name)
    if lines <= 1 or len(name) < 2:
        return (name,)
    cuts = [i for i in range(1, len(name))
            if not (_UNBROKEN.match(name[i - 1]) and _UNBROKEN.match(name[i]))
            and name[i - 1] not in "（(“《" and name[i] not in "）)”》，、。：；"]
    if not cuts:
        return (name,)
    words = [i for i in cuts if name[i:i + 2] in HEADER_WORDS or name[i - 2:i] in HEADER_WORDS]
    classes = ([i for i in cuts if name[i] in "（("],  # before a bracket
               [i for i in cuts if name[i - 1] == "年" and name[i - 2:i - 1].isdigit()],  # after a year
               words, cuts)

    def score(i: int) -> tuple:
        head, rest = name[:i], name[i:]
        widest = max(text_units(head), *map(text_units, header_split(rest, lines - 1)))
        return (widest, text_units(head) > text_units(rest))

    # the first kind of break that leaves no line more than half as wide again as the evenest break's
    even = score(min(cuts, key=score))[0]
    best = next(min(kind, key=score) for kind in classes if kind and score(min(kind, key=score))[0] <= 1.5 * even)
    return (name[:best], *header_split(name[best:], lines - 1))


HEADER_MOST_LINES = 3


def header_need(name: str, room: float = 0.0) -> float:
    """How wide a column must be for its header ``name``, in column units: its widest line (header_split) plus
    padding, in header_lines lines — or in more (up to HEADER_MOST_LINES) when that fits the header within
    ``room``, the width the column's values ask anyway ('2018年' / '利润总额' / '（万元）' over a money column)."""
    needs = [max(map(text_units, lines)) + PADDING for lines in _header_splits(name, header_lines(name))]
    return next((need for need in needs if need <= room), needs[0])


def _header_splits(name: str, least: int) -> list[tuple[str, ...]]:
    """``name`` in ``least`` lines (header_split), then in each more line up to HEADER_MOST_LINES that still reads
    well: only a header wider than four CJK characters breaks more, and never into a line of one character
    ('需' / '补正')."""
    splits = [header_split(name, least)]
    if text_units(name) > 4 * WIDE_UNITS:
        for n in range(least + 1, HEADER_MOST_LINES + 1):
            lines = header_split(name, n)
            if len(lines) == n and min(map(len, lines)) >= 2:
                splits.append(lines)
    return splits


def header_text(name: str, width: float) -> str:
    """What a header cell holds in a column ``width`` units wide: ``name`` when it fits one line, else its lines
    (header_split, as few as fit the width) joined by line breaks, so that Excel, WPS and LibreOffice break it in
    the same sensible place instead of wherever the column's edge falls ('2018年利润总额（' / '万元）')."""
    if text_units(name) + PADDING <= width or "\n" in name:
        return name
    splits = _header_splits(name, max(2, header_lines(name)))
    lines = next((lines for lines in splits if max(map(text_units, lines)) + PADDING <= width), splits[0])
    return "\n".join(lines)


# ---- fitting the paper ----

# the printable width between print_setup's margins (half an inch each side), in points, by (paper, landscape)
PAPER_POINTS = {(9, True): 769.9, (9, False): 523.3, (8, True): 1118.6, (8, False): 769.9}
# LibreOffice prints a column ``w`` units wide as 7w + 5 points at 100 % (Excel as 5.25w + 3.75: larger on paper)
POINTS_PER_UNIT, POINTS_PER_COLUMN = 7.0, 5.0
# the scale a one-page-wide sheet is made to print at or above: its 10-point text 8.5 points (LibreOffice may
# print a little smaller than its column widths say: 0.79 for 0.82 measured on the register's 文件清单)
PRINT_SCALE = 0.85
TEXT_FLOOR = 8.0  # the narrowest a wrapping text column is made to fit the paper (four CJK characters a line)


def printed_points(widths) -> float:
    """How wide columns of ``widths`` print at 100 % (LibreOffice), in points."""
    return sum(POINTS_PER_UNIT * w + POINTS_PER_COLUMN for w in widths)


def page_units(page: tuple[int, bool], columns: int, *, scale: float = PRINT_SCALE) -> float:
    """How many column units ``columns`` columns may take in all on ``page`` ((paper, landscape): (9, True) A4
    landscape, (8, True) A3 landscape …) for a sheet fitted to the page's width to print at ``scale`` or more."""
    return (PAPER_POINTS[page] / scale - POINTS_PER_COLUMN * columns) / POINTS_PER_UNIT


def fit_widths(widths: list[float], floors: list[float | None], budget: float) -> list[float]:
    """``widths`` made to fit ``budget`` units in all: the columns with a floor (text that wraps; None: a column
    that keeps its width — numbers, short centred values) narrowed, the widest first, to one common width, never
    below their floor; unchanged when they fit already (or as narrow as their floors allow when nothing fits)."""
    if sum(widths) <= budget:
        return widths
    fixed = sum(w for w, floor in zip(widths, floors) if floor is None)

    def at(level: float) -> list[float]:
        return [w if floor is None else max(min(floor, w), min(w, level)) for w, floor in zip(widths, floors)]

    low, high = 0.0, max(widths)
    for _ in range(40):  # the common width, by bisection (the sum grows with it)
        mid = (low + high) / 2
        low, high = (mid, high) if sum(at(mid)) - fixed <= budget - fixed else (low, mid)
    return [round(w, 1) for w in at(low)]


def fit_columns(columns: list[Column], widths: list[float], page: tuple[int, bool] | None) -> list[float]:
    """A table's widths fitted to ``page`` (fit_widths; None: left as they are): its text columns wrap in narrower
    widths (never below TEXT_FLOOR, their minimum or what their header needs) so that the sheet, one page wide,
    prints its text at PRINT_SCALE or more; hidden columns neither print nor change."""
    if page is None:
        return widths
    shown = [(c, w) for c, (col, w) in enumerate(zip(columns, widths)) if not col.hidden]
    floors = [max(TEXT_FLOOR, columns[c].minimum, header_need(columns[c].name)) if columns[c].kind == "text" else None
              for c, _ in shown]
    fitted = fit_widths([w for _, w in shown], floors, page_units(page, len(shown)))
    out = list(widths)
    for (c, _), w in zip(shown, fitted):
        out[c] = w
    return out


def column_width(column: Column, values, *, others=(), formats: dict | None = None) -> float:
    """A column's width from its values (as shown) and its header, in column units.

    ``values`` are the cell values in the column's own format; ``others`` (value, style) pairs for cells in
    another (a total shown as '51项'; ``formats`` maps style names to number formats, default NUMBER_FORMATS).
    Text is capped at ``column.cap`` and wraps; numbers (and the header's longest unbreakable word) are never
    cut, so no ##### and no clipped header; the header may wrap (``header_lines``).
    """
    return width_of(column, [column_needs(column, values, others=others, formats=formats)])


def column_needs(column: Column, values, *, others=(), formats: dict | None = None) -> tuple[float, float]:
    """What ``values`` (and ``others``, as in column_width) ask of the column, in column units: (the widest text
    plus padding, at least ``column.cap`` once any text reaches it; the widest number as shown plus padding).
    Needs of parts of a column combine by taking the larger of each (width_of), so a table's width can be had
    from its parts' needs without measuring their values again (the register keeps each unit's)."""
    formats = NUMBER_FORMATS if formats is None else formats
    text_need, number_need = 0.0, 0.0
    # each distinct value measured once: a register repeats unit names, statuses and counts thousands of times
    # (the type is part of the key: 1, 1.0 and True are equal in a set but shown differently); the set is
    # built at C speed, a register column has 10,000 values or more
    own = column.style
    distinct = {(cls, value, own) for cls, value in set(zip(map(type, values), values))}
    distinct.update((type(value), value, style) for value, style in others)
    numbers: dict = {}  # style -> its numbers
    for cls, value, style in distinct:
        if value is None or value == "":
            continue
        if isinstance(value, (int, float)) and cls is not bool:
            numbers.setdefault(style, []).append(value)
        elif text_need < column.cap:  # once text fills the cap no other text can change the width
            # (a value's longest unbreakable word is part of one of its lines: never wider than text_units)
            text_need = max(text_need, text_units(value) + PADDING)
    for style, values_shown in numbers.items():
        number_format = formats.get(style, "")
        for value in _widest_candidates(values_shown, number_format):
            number_need = max(number_need, text_units(shown(value, number_format)) + PADDING)
    return text_need, number_need


def width_of(column: Column, needs) -> float:
    """The column's width from the needs (column_needs) of all its parts: the widest text capped at
    ``column.cap``, the widest number, the header (wrapped to ``header_lines``) and ``column.minimum``."""
    text_need = max((text for text, _ in needs), default=0.0)
    number_need = max((number for _, number in needs), default=0.0)
    values = max(column.minimum, min(column.cap, text_need), number_need)
    width = max(values, header_need(column.name, values))
    return round(width, 1)


def _widest_candidates(numbers: list, number_format: str) -> list:
    """The numbers among which the widest as shown under ``number_format`` is: under a format with a fixed
    number of decimals ('#,##0.00', '0"项"') the shown text only grows with the magnitude, so the largest and the
    smallest finite number (a minus sign) are enough, with any non-finite; under General every number counts."""
    if _parse_number_format(number_format or "General") is None:
        return numbers
    finite, odd = [], []
    for n in numbers:
        (finite if n.__class__ is int or math.isfinite(n) else odd).append(n)
    return ([max(finite), min(finite)] if finite else []) + odd


@functools.lru_cache(maxsize=1 << 18)  # a national register's distinct names and paths fit
def lines_needed(text, width: float) -> int:
    """How many lines ``text`` wraps to in a column ``width`` units wide (explicit line breaks included); cached,
    since every row of a register asks it again for the same unit names and statuses."""
    usable = line_units(width)
    return sum(max(1, math.ceil(text_units(line) / usable)) for line in str(text).split("\n"))


LINE_MARGIN = 0.5  # of a column's width, what its cell margins take from a line of wrapped text, in column units


def line_units(width: float) -> float:
    """How wide a text (text_units) one line of a column ``width`` units wide holds (lines_needed): the width less
    the cell's margins. (Excel gives a line about 1.05 × width - 0.15 units of text as text_units counts it, a CJK
    character 13⅓ pixels of the 7 a unit has; LibreOffice 1.4 × width: a line estimated to fit does.)"""
    return max(1.0, width - LINE_MARGIN)


def row_height(values: list, widths: list[float], *, line: float = 14.0, max_lines: int = 8) -> float:
    """A row tall enough for its wrapped text, in points (xlsxwriter cannot autofit; LibreOffice does not
    either). Only strings wrap; numbers stay on one line. ``line``: points per line (write_table passes
    LINE_HEIGHT); at most ``max_lines`` lines."""
    lines = 1
    for value, width in zip(values, widths):
        if isinstance(value, str) and value:
            lines = max(lines, lines_needed(value, width))
    return line * min(lines, max_lines) + 4


def set_columns(ws, columns: list[Column], widths: list[float]) -> None:
    """Each column's width; hidden columns grouped and collapsed."""
    for c, (column, width) in enumerate(zip(columns, widths)):
        if column.hidden:
            ws.set_column(c, c, width, None, {"hidden": True, "level": 1})
        else:
            ws.set_column(c, c, width)


def write_table(ws, f: dict, *, top: int, columns: list[Column], rows: list[list], styles=None,
                total: list | None = None, total_styles: dict | None = None, total_label_span: int = 1,
                splice=None, page: tuple[int, bool] | None = None) -> list[float]:
    """A table at row ``top``: header, one row per list in ``rows``, then an optional ``total`` row (shaded,
    bold); widths from content, heights from wrapped text. ``styles(r, c, value)`` may name a format for a
    cell (else the column's); ``total_styles`` maps a column to the total cell's format name (else total_money,
    total_count or total_text by the column's kind); the total's first ``total_label_span`` cells are merged
    for its label ('合计'). Returns the widths. Writes rows in order, so it works in
    xlsxwriter's constant_memory mode. ``splice`` (an xlsx_rows.RowSplice, in a constant_memory workbook):
    the data rows are written by it after the workbook closes — the same cells, several times faster. ``page``
    ((paper, landscape), as print_setup is given): the widths fitted to it (fit_columns).
    """
    total_style = total_style_names(columns, total, total_styles)
    widths = []
    for c, values in enumerate(zip(*rows) if rows else [()] * len(columns)):
        others = [(total[c], total_style[c])] if total is not None else ()
        widths.append(column_width(columns[c], values, others=others))
    widths = fit_columns(columns, widths, page)
    table_header(ws, f, top, columns, widths)
    heights = row_heights(rows, [(c, w) for c, (col, w) in enumerate(zip(columns, widths)) if not col.hidden])
    names = [column.style for column in columns]
    cell_styles = ([[styles(r, c, value) or names[c] for c, value in enumerate(row)]
                    for r, row in enumerate(rows, start=top + 1)] if styles else [names] * len(rows))
    if not (splice and _spliced(ws, f, splice, top, rows, cell_styles, heights)):
        for r, (row, row_styles, height) in enumerate(zip(rows, cell_styles, heights), start=top + 1):
            ws.set_row(r, height)
            for c, (name, value) in enumerate(zip(row_styles, row)):
                write_cell(ws, r, c, value, f[name])
    if total is not None:
        total_row(ws, f, top + 1 + len(rows), columns, widths, total, total_style, total_label_span)
    return widths


def total_style_names(columns: list[Column], total: list | None, total_styles: dict | None) -> list[str]:
    """Each cell of a table's total row: its style name, ``total_styles``' for its column (column index ->
    name), else total_money, total_count or total_text by the column's kind; [] without a total."""
    if total is None:
        return []
    by_kind = {"money": "total_money", "count": "total_count"}
    return [(total_styles or {}).get(c) or by_kind.get(column.kind, "total_text") for c, column in enumerate(columns)]


def table_header(ws, f: dict, top: int, columns: list[Column], widths: list[float]) -> None:
    """A table's column widths (set_columns) and its header row at ``top``, tall enough for the longest
    wrapped header."""
    set_columns(ws, columns, widths)
    texts = [header_text(col.name, w) for col, w in zip(columns, widths)]
    head = max(lines_needed(text, w) for text, w in zip(texts, widths))
    ws.set_row(top, LINE_HEIGHT * head + 6)
    for c, text in enumerate(texts):
        ws.write_string(top, c, text, f["header"])


def total_row(ws, f: dict, r: int, columns: list[Column], widths: list[float], total: list, total_style: list,
              total_label_span: int = 1) -> None:
    """A table's total row at row ``r``: shaded and bold (``total_style``: total_style_names), its first
    ``total_label_span`` cells merged for the label (合计); as tall as its wrapped text in the shown columns."""
    shown_widths = [0.0 if col.hidden else w for col, w in zip(columns, widths)]  # hidden: no say in heights
    ws.set_row(r, row_height(total, shown_widths, line=LINE_HEIGHT))
    for c, value in enumerate(total):
        if c == 0 and total_label_span > 1:
            ws.merge_range(r, 0, r, total_label_span - 1, safe_text(value), f["total_label"])
        elif c >= total_label_span or c == 0:
            write_cell(ws, r, c, value, f[total_style[c]])


def row_heights(rows: list, shown: list[tuple[int, float]], max_lines: int = MAX_LINES) -> list[float]:
    """Each row's height, as row_height gives it (LINE_HEIGHT a line, at most ``max_lines``), from its text in the
    ``shown`` columns ((index, width) pairs; hidden columns have no say) — one loop for a table's rows."""
    # a text of at most ``fits`` characters and no line break takes one line whatever its characters (each is at
    # most WIDE_UNITS wide): most cells of a register, answered without measuring them
    columns = [(c, width, int(line_units(width) // max(WIDE_UNITS, NARROW_UNITS))) for c, width in shown]
    heights = []
    for row in rows:
        lines = 1
        for c, width, fits in columns:
            value = row[c]
            if isinstance(value, str) and (len(value) > fits or "\n" in value):
                lines = max(lines, lines_needed(value, width))
        heights.append(LINE_HEIGHT * min(lines, max_lines) + 4)
    return heights


def _spliced(ws, f: dict, splice, top: int, rows: list, cell_styles: list, heights: list) -> bool:
    """Hand the rows to ``splice`` (formats by index, each distinct row of style names converted once)."""
    order: dict = {}
    converted: dict = {}
    indexes = []
    for row_styles in cell_styles:
        key = id(row_styles)
        if key not in converted:
            converted[key] = tuple(order.setdefault(name, len(order)) for name in row_styles)
        indexes.append(converted[key])
    return splice.add(ws, top, rows, indexes, [f[name] for name in order], heights)
