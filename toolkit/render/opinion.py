"""推荐意见: the docxtpl template (templates/推荐单位用/推荐意见.docx), the blank one clerks may type into, and each
unit's rendered opinion, laid out as an official document (GB/T 9704-2012) ready to print and stamp.

Layout and its sources (GB/T 9704-2012 《党政机关公文格式》):

- §7.2 版头 is not used: the opinion is an enclosure the unit forwards, not a 发文 with 发文字号.
- §7.3.1 标题: 2号方正小标宋简体, centred (the Title style, see docx_style); worded as 《党政机关公文处理工作条例》
  第九条 has a 标题: 发文机关名称 + 事由 + 文种 — '<unit>关于推荐<campaign title>的意见'.
- §7.3.2 主送机关: under the title after one blank line, flush left, ending with a full-width colon — the
  campaign's issuer (河北省工业和信息化厅：).
- §7.3.3 正文: 3号仿宋_GB2312, each paragraph 首行缩进二字; the applications in a table (§7.4 表格: 横排, 表头
  repeated on each page — ECMA-376 §17.4.49 tblHeader).
- §7.3.5.1 加盖印章的公文: 成文日期 右空四字; 发文机关署名 centred over the 成文日期; the seal pressed over both,
  its top within one line of the text — so the 署名 carries no label ("推荐单位：") and there is no signature line;
  the space above the 署名 holds "（加盖公章）" for the clerk.
- §7.5 页码: in the footer (docx_style.add_page_numbers).

The draft banner (red, at the top) names each reason the opinion must not be stamped yet (UnitStatus.draft_reasons),
one per line; the 成文日期 is UnitStatus.opinion_date, else "    年  月  日" for the unit to fill in by hand.
"""
from __future__ import annotations

import datetime as dt
import functools
import io
import itertools
import math
import re
import unicodedata
from pathlib import Path

from docx.enum.style import WD_STYLE_TYPE
from docx.enum.table import WD_CELL_VERTICAL_ALIGNMENT, WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Emu, Pt, RGBColor
from docxtpl import DocxTemplate

from ..campaign import Campaign
from ..keys import INDUSTRY, REGION
from ..model import OUTPUT_OPINION, OUTPUT_PROPERTY, Assembled, UnitView
from ..normalize import clean_text
from . import RenderContext, unit_documents
from .docx_style import (
    BODY_FONT,
    LINE_PITCH,
    FIXED_TIME,
    HEADING_FONT,
    SIZE_2,
    SIZE_3,
    TEXT_WIDTH,
    add_paragraph,
    mark_output,
    new_document,
    set_column_widths,
    set_core,
    set_font,
)

COLUMNS = (("推荐顺序", "rank"), ("申报单位", "enterprise"), ("标杆名称", "name"), ("所在地区", "region"),
           ("所属行业", "industry"))
DEFAULT_OPINION = ("经审核，以上企业具有独立法人资格，近三年连续保持盈利，在诚信、质量、安全、环保等方面无违法行为和"
                   "不良记录，申报材料真实、完整，符合申报条件。同意按以上顺序推荐。")
NO_APPLICATIONS = "本单位暂无符合条件的推荐项目。"
DRAFT_MARK = "【草稿，请勿盖章】"
SEAL_HINT = "（加盖公章）"
BLANK_DATE = "\u3000\u3000年\u3000月\u3000日"  # "    年  月  日" in full-width spaces (same width in 仿宋_GB2312, and in any CJK font)
TABLE_FONT_SIZE = 12.0  # 小四: five columns of names on a 156 mm line
TABLE_LINE = Pt(18)
CELL_PADDING = Pt(2 * 5.4 + 2)  # Table Grid's left and right cell margins (108 twips each) and a little slack

# paragraph styles the renderer finds the 署名 block by (a template edited in Word keeps them)
SIGNATURE_STYLE = "发文机关署名"
DATE_STYLE = "成文日期"
SEAL_STYLE = "印章位置"
DATE_RIGHT_CHARS = 4  # 右空四字 (GB/T 9704-2012 §7.3.5.1)


# ---------------------------------------------------------------- text widths (CJK-aware)

def text_em(text: str) -> float:
    """Width of ``text`` in ems of its font size: full-width (CJK, full-width forms) 1, everything else ½ —
    the metrics of 仿宋_GB2312 / 黑体, whose Latin letters and digits are half-width (Unicode UAX #11 East Asian
    Width: W and F are wide)."""
    return sum(1.0 if unicodedata.east_asian_width(ch) in ("W", "F") else 0.5 for ch in text)


def _longest_line_em(text: str) -> float:
    return max((text_em(line) for line in text.splitlines()), default=0.0)


UNBREAKABLE_EM = 6.0  # values this short (张家口市, 雄安新区, a rank) are never broken across lines
LONGEST_WORD_EM = 10.0  # a Latin word up to this wide ('INTERNATIONAL') is given a column it fits in
# marks a line never starts with (closing brackets and punctuation) or ends with (opening brackets): GB/T 15834-2011
# 标点符号用法, as Word's and LibreOffice's line breaking for Chinese (kinsoku) keep them
_NO_LINE_START = frozenset("）)]」』】〕〉》，。、；：？！,.;:?!%”’·…")
_NO_LINE_END = frozenset("（([「『【〔〈《“‘")
_WORD = re.compile(r"[^\s\u2e80-\u9fff\uf900-\ufaff\uff00-\uffef\u3000-\u303f]+")


@functools.lru_cache(maxsize=1 << 14)
def line_pieces(text: str) -> tuple[float, ...]:
    """The widths in ems of the pieces one line of ``text`` breaks between, as Word and LibreOffice break Chinese:
    after any CJK character and at spaces (a space is a piece), never within a run of Latin letters and digits (a
    word; measured generously, 0.7 em a capital and 0.6 em another, for the fonts a reader may put in place of
    仿宋_GB2312), never before a closing mark nor after an opening one (_NO_LINE_START, _NO_LINE_END)."""
    pieces: list[list] = []  # [width, glued to the next]
    at = 0
    while at < len(text):
        m = _WORD.match(text, at) if text[at] not in _NO_LINE_START | _NO_LINE_END else None
        if m:
            piece, at = sum(0.7 if ch.isupper() else 0.6 for ch in m.group()), m.end()
            chars = m.group()
        else:
            piece, chars, at = text_em(text[at]), text[at], at + 1
        if chars[0] in _NO_LINE_START and pieces and not chars.isspace():
            pieces[-1][0] += piece
        elif pieces and pieces[-1][1]:
            pieces[-1][0] += piece
            pieces[-1][1] = chars[-1] in _NO_LINE_END
        else:
            pieces.append([piece, chars[-1] in _NO_LINE_END])
    return tuple(width for width, _ in pieces)  # (kept: column_widths asks of each text at many widths)


def wrapped_lines(text: str, width: float, *, indent: float = 0.0) -> int:
    """How many lines ``text`` takes in a column ``width`` ems wide (line_pieces filled greedily, as Word and
    LibreOffice fill lines; a piece wider than the column is broken where it must be; each of the text's own
    lines at least one; ``indent``: ems the first line starts in, 首行缩进)."""
    return _wrap(text, width, indent)[0]


def _wrap(text: str, width: float, indent: float = 0.0) -> tuple[int, float]:
    """(lines, the last line's width in ems) of ``text`` in a column ``width`` ems wide (wrapped_lines)."""
    if width <= 0:
        return max(1, len(text)), 0.0
    total, used = 0, 0.0
    for n, line in enumerate(text.split("\n")):
        lines, used = 1, (indent if n == 0 else 0.0)
        for piece in line_pieces(line):
            if used and used + piece > width + 1e-9:
                lines, used = lines + 1, 0.0
            if piece > width + 1e-9:
                more = math.ceil(piece / width - 1e-9) - 1
                lines, used = lines + more, piece - more * width
            else:
                used += piece
        total += lines
    return total, used


def column_widths(columns: list[list[str]], available: float, *, size: float = TABLE_FONT_SIZE,
                  padding: float = CELL_PADDING.pt) -> list[float]:
    """Widths in points for table columns from their texts (the header first), adding up to ``available``. Each
    column has a minimum (its longest short value whole, its header in two lines, its longest Latin word up to
    LONGEST_WORD_EM, otherwise 2 characters) and a maximum (its longest text on one line). All maxima when they
    fit; else the fewest lines any row needs (wrapped_lines): for 1, 2, 3 … lines, each column the narrowest that
    holds every value of it in that many lines (with no character alone on a last line, when that fits too), the
    first count whose columns fit — a 40-字 标杆名称 beside a long 申报单位 in three lines each rather than one in
    five beside the other in two, never a word cut. The space left goes first to the headers, when all of them then
    fit on one line, then to the columns in proportion to what each lacks of its maximum (as CSS 2.1 §17.5.2.2
    sizes an automatic table, which this was before), a column its share left one character alone on a last line
    taking a little more (_tidied)."""
    mins, maxs, values_of = [], [], []
    for texts in columns:
        header, values = (texts[0] if texts else ""), texts[1:]
        natural = max([_longest_line_em(t) for t in texts] + [1.0])
        short = [_longest_line_em(v) for v in values if _longest_line_em(v) <= UNBREAKABLE_EM]
        words = [w for v in values for w in line_pieces(v) if w <= LONGEST_WORD_EM]
        minimum = max([math.ceil(text_em(header) / 2), *short, min(natural, 2.0), *words])
        mins.append(minimum)
        maxs.append(max(natural, minimum))
        values_of.append(values)

    def points(ems: list[float]) -> list[float]:
        return [w * size + padding for w in ems]

    if sum(points(maxs)) <= available:
        extra = available - sum(points(maxs))
        return [w + extra * w / sum(points(maxs)) for w in points(maxs)]
    if sum(points(mins)) >= available:
        return [w * available / sum(points(mins)) for w in points(mins)]
    widths = mins
    for lines, tidy in itertools.product(range(1, 16), (True, False)):
        needed = [_narrowest(values, lines, low, high, tidy=tidy) for values, low, high in zip(values_of, mins, maxs)]
        if sum(points(needed)) <= available:
            widths = needed
            break
    room = available - sum(points(widths))
    # the header row on one line when every header then fits (a line less, worth the width where rows do not gain)
    headers = [text_em(texts[0]) if texts else 0.0 for texts in columns]
    short_of = [max(0.0, h - w) for h, w in zip(headers, widths)]
    if 0 < sum(short_of) * size <= room:
        widths = [w + s for w, s in zip(widths, short_of)]
        room -= sum(short_of) * size
    lack = [mx - w for w, mx in zip(widths, maxs)]
    shares = lack if sum(lack) > 0 else widths
    shared = [w + room / size * share / sum(shares) for w, share in zip(widths, shares)]
    return points(_tidied(shared, values_of))


def _alone(value: str, width: float) -> bool:
    """Whether ``value`` in ``width`` ems leaves one character alone on its last line."""
    count, last = _wrap(value, width)
    return count > 1 and last <= 1.0


def _tidied(widths: list[float], values_of: list[list[str]]) -> list[float]:
    """``widths`` (ems) with a column whose share of the room left one character alone on a last line ('C34 通用
    设备制造' / '业') widened by up to 2 ems, taken from the widest column where no row grows taller."""
    widths = list(widths)
    rows = max((len(v) for v in values_of), default=0)

    def heights(ws: list[float]) -> list[int]:
        return [max((wrapped_lines(vs[r], w) for vs, w in zip(values_of, ws) if r < len(vs)), default=1)
                for r in range(rows)]

    for c, values in enumerate(values_of):
        donor = max(range(len(widths)), key=widths.__getitem__)
        if donor == c or not any(_alone(v, widths[c]) for v in values):
            continue
        before = heights(widths)
        for extra in (0.25 * k for k in range(1, 9)):
            trial = list(widths)
            trial[c] += extra
            trial[donor] -= extra
            if not any(_alone(v, trial[c]) for v in values) and all(map(int.__le__, heights(trial), before)):
                widths = trial
                break
    return widths


def _narrowest(values: list[str], lines: int, low: float, high: float, *, tidy: bool = False) -> float:
    """The narrowest width in ems, from ``low`` up in half ems (``high`` at most), that holds every one of
    ``values`` in ``lines`` lines or fewer; ``tidy``: none of them leaving one character alone on its last line
    ('C36 汽车制造' / '业')."""
    def fits(value: str, width: float) -> bool:
        return wrapped_lines(value, width) <= lines and not (tidy and _alone(value, width))

    width = low
    while width < high and not all(fits(v, width) for v in values):
        width += 0.5
    return min(width, high)


# ---------------------------------------------------------------- table XML

def _cell_text(cell, text: str, *, header: bool = False, align=WD_ALIGN_PARAGRAPH.CENTER) -> None:
    cell.text = ""
    p = cell.paragraphs[0]
    p.alignment = align
    fmt = p.paragraph_format
    fmt.first_line_indent = None
    fmt.line_spacing = TABLE_LINE
    fmt.space_before = fmt.space_after = Pt(0)
    run = p.add_run(text)
    set_font(run, HEADING_FONT if header else BODY_FONT, TABLE_FONT_SIZE, bold=False)
    cell.vertical_alignment = WD_CELL_VERTICAL_ALIGNMENT.CENTER


def _row_property(row, tag: str) -> None:
    """A row property (ECMA-376 §17.4.82 trPr: its children are a choice, any order): tblHeader, cantSplit."""
    tr_pr = row._tr.get_or_add_trPr()
    if tr_pr.find(qn(tag)) is None:
        el = OxmlElement(tag)
        tr_pr.append(el)


def _simple_tables(doc) -> list:
    """The opinion's simple tables (no merged cells, every row a cell per grid column), as a run of the template
    leaves them: (python-docx Table, its cells' texts by column, the header first)."""
    found = []
    for table in doc.tables:
        tbl = table._tbl
        if tbl.xpath(".//w:gridSpan | .//w:vMerge"):
            continue
        n = len(tbl.tblGrid.findall(qn("w:gridCol")))
        rows = [tr.tc_lst for tr in tbl.tr_lst]
        if not rows or any(len(tcs) != n for tcs in rows):
            continue
        found.append((table, [["".join(t.text or "" for t in tcs[c].iter(qn("w:t"))) for tcs in rows]
                              for c in range(n)]))
    return found


# how an opinion that would run onto a second page is tightened, in order, until it fits one (GB/T 9704-2012 §7.3.5.4:
# 当公文排版后所剩空白处不能容下印章或签发人签名章、成文日期时，可以采取调整行距、字距的措施解决): the table in 五号
# (10.5 pt on 15.75 pt lines) instead of 小四, then the body's lines 26, 24 and 22 pt apart instead of 28 (§5.2.4's 22
# lines a page). (table font size, its line pitch, the body's line pitch) in points.
_TIGHTER = ((TABLE_FONT_SIZE, TABLE_LINE.pt, LINE_PITCH.pt), (10.5, 15.75, LINE_PITCH.pt), (10.5, 15.75, 26.0),
            (10.5, 15.75, 24.0), (10.5, 15.75, 22.0))


def _fit_page(doc) -> None:
    """Size each simple table of the rendered opinion from its contents across the 版心 (column_widths) and, when
    the opinion would not fit one page as it is (``estimated_height``) and a tighter layout (_TIGHTER) makes it fit,
    set the first such: the table's font size and line pitch, the body's line pitch. An opinion that fits in
    none stays as the template lays it out (its opinion and 署名 kept together on the next page)."""
    section = doc.sections[0]
    available = Emu(section.page_width - section.left_margin - section.right_margin).pt
    page = Emu(section.page_height - section.top_margin - section.bottom_margin).pt
    tables = _simple_tables(doc)
    chosen = _TIGHTER[0]
    for tier in _TIGHTER:
        if estimated_height(doc, tables, available, *tier) <= page:
            chosen = tier
            break
    size, table_line, pitch = chosen
    for table, columns in tables:
        widths = column_widths(columns, available, size=size)
        set_column_widths(table, widths)
        if chosen != _TIGHTER[0]:
            for p in (p for row in table.rows for cell in row.cells for p in cell.paragraphs):
                p.paragraph_format.line_spacing = Pt(table_line)
                for run in p.runs:
                    run.font.size = Pt(size)
        _break_headers(table, widths, size)
    if pitch != LINE_PITCH.pt:
        for p in doc.paragraphs:
            if _line_spacing(p) == LINE_PITCH.pt:
                p.paragraph_format.line_spacing = Pt(pitch)


def _break_headers(table, widths: list[float], size: float) -> None:
    """A header wider than its column broken in the middle with a line break ('推荐\n顺序', '所在\n地区'), not
    wherever the column ends ('所在地\n区')."""
    for cell, width in zip(table.rows[0].cells, widths):
        p = cell.paragraphs[0]
        text = p.text
        if "\n" not in text and len(text) > 2 and text_em(text) * size > width - CELL_PADDING.pt + 0.01:
            _break_at(p, math.ceil(len(text) / 2))


def _line_spacing(p) -> float | None:
    """A paragraph's exact line pitch in points (its own, else its style's or a style it is based on), None for
    a multiple or none."""
    spacing = p.paragraph_format.line_spacing
    style = p.style
    while spacing is None and style is not None:
        spacing, style = style.paragraph_format.line_spacing, style.base_style
    return spacing.pt if hasattr(spacing, "pt") else None


def _spacing(p, name: str) -> float:
    value = getattr(p.paragraph_format, name)
    style = p.style
    while value is None and style is not None:
        value, style = getattr(style.paragraph_format, name), style.base_style
    return value.pt if value is not None else 0.0


def estimated_height(doc, tables: list, available: float, table_size: float, table_line: float,
                     pitch: float) -> float:
    """About how tall, in points, the body of ``doc`` is with its simple ``tables`` (_simple_tables) in
    ``table_size`` on ``table_line`` pt lines and the paragraphs set LINE_PITCH apart set ``pitch`` apart: each
    paragraph's lines (wrapped_lines over the 版心 ``available`` pt wide, less its indents, in its font size) times
    its line pitch (a multiple or none: 1.3 times its size), with the space before and after it; each table's rows
    (their tallest cell at column_widths' widths) and borders. An estimate, not Word's layout."""
    heights = {id(table._tbl): _table_height(columns, available, table_size, table_line)
               for table, columns in tables}
    total = 0.0
    paragraphs = {id(p._p): p for p in doc.paragraphs}
    for child in doc.element.body.iterchildren():
        if id(child) in heights:
            total += heights[id(child)]
            continue
        p = paragraphs.get(id(child))
        if p is None:
            continue
        size = _font_size(p, SIZE_3)
        spacing = _line_spacing(p)
        spacing = pitch if spacing == LINE_PITCH.pt else spacing or size * 1.3
        fmt = p.paragraph_format
        width = available - (fmt.left_indent.pt if fmt.left_indent else 0) - (
            fmt.right_indent.pt if fmt.right_indent else 0)
        indent = fmt.first_line_indent.pt if fmt.first_line_indent else 0.0
        lines = wrapped_lines(p.text, width / size, indent=indent / size)
        total += lines * spacing + _spacing(p, "space_before") + _spacing(p, "space_after")
    return total


def _table_height(columns: list[list[str]], available: float, size: float, line: float) -> float:
    widths = column_widths(columns, available, size=size)
    rows = len(columns[0]) if columns else 0
    ems = [(w - CELL_PADDING.pt) / size for w in widths]
    return sum(max(wrapped_lines(col[r], em) for col, em in zip(columns, ems)) * line + 1.0 for r in range(rows))


# ---------------------------------------------------------------- the 署名 block

def _paragraph_style(doc, name: str, *, right_chars: float = 0.0):
    """A paragraph style of the 署名 block: right-aligned, no first-line indent, kept with the next paragraph."""
    style = doc.styles.add_style(name, WD_STYLE_TYPE.PARAGRAPH)
    style.base_style = doc.styles["Normal"]
    style.quick_style = True
    fmt = style.paragraph_format
    fmt.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    fmt.first_line_indent = Pt(0)
    fmt.right_indent = Pt(right_chars * SIZE_3)
    fmt.keep_with_next = True
    return style


def paragraphs_by_style(doc, names) -> dict[str, list]:
    """Style name -> the body paragraphs of ``doc`` in that paragraph style, for each of ``names`` (python-docx
    Paragraphs, in document order; a name the document lacks gets []). Each paragraph's style is read from its
    w:pStyle id (none, or one no paragraph style has: the default paragraph style), ids resolved to names in one
    walk over the styles — Word may give a style an id other than its name when it saves an edited template.
    Asking each Paragraph for .style looks the style up in styles.xml every time: a third of a 推荐意见's
    rendering."""
    wanted = set(names)
    names_by_id: dict = {}
    paragraph_ids = set()
    for style in doc.styles:
        if style.type == WD_STYLE_TYPE.PARAGRAPH:
            paragraph_ids.add(style.style_id)
            if style.name in wanted and style.name not in names_by_id.values():  # the first, as styles[name]
                names_by_id[style.style_id] = style.name
    default = doc.styles.default(WD_STYLE_TYPE.PARAGRAPH)
    default_id = default.style_id if default is not None else None
    found: dict[str, list] = {name: [] for name in names}
    for p in doc.paragraphs:
        style_id = p._p.style  # w:pPr/w:pStyle/@w:val, None when the paragraph has none
        # none, or an id no paragraph style has: the default paragraph style, as Word (and python-docx) take it
        name = names_by_id.get(style_id if style_id in paragraph_ids else default_id)
        if name is not None:
            found[name].append(p)
    return found


def _align_signature(doc) -> None:
    """Centre the 署名 and the seal hint over the 成文日期 (GB/T 9704-2012 §7.3.5.1): right indents computed from
    the rendered texts' widths (the date stays 右空四字, as its style says)."""
    by_style = paragraphs_by_style(doc, (DATE_STYLE, SIGNATURE_STYLE, SEAL_STYLE))
    dates = by_style[DATE_STYLE]
    if not dates:
        return
    date = dates[-1]
    date_right = (date.paragraph_format.right_indent or date.style.paragraph_format.right_indent or Pt(0)).pt
    size = SIZE_3
    centre = date_right + text_em(date.text) * size / 2  # the date's centre, from the right margin
    for p in by_style[SIGNATURE_STYLE] + by_style[SEAL_STYLE]:
        width = text_em(p.text) * size
        p.paragraph_format.right_indent = Pt(max(0.0, centre - width / 2))


# ---------------------------------------------------------------- the 标题 across lines

# ends of words within the 事由 a line may end at: a year, a place, a noun a campaign's name is built of, or
# before a conjunction ('2021年', '河北省', '…质量标杆', '…企业' / '和专精特新…')
_TITLE_BREAKS = re.compile(r"\d+年度?|[省市区县](?![级域场内])|企业|标杆|项目|工作|(?<![以参])(?=[和与及])")
_NAME_BREAKS = re.compile(r"[省市区县会局厅]")  # and within a 发文机关名称 longer than a line ('…联合会', '河北省')


def title_lines(text: str, capacity: float) -> list[str]:
    """``text`` (a 标题: 发文机关名称 + 关于推荐 + 事由 + 的意见) as the lines it is printed on when longer than
    ``capacity`` ems (text_em), or [text] when it fits or cannot be broken well. GB/T 9704-2012 §7.3.1: a title
    breaks between words (词意完整), its lines of even length (梯形 or 菱形) — here it breaks after the
    发文机关名称 + '关于推荐' (preferred), before '关于', or in the 事由 after a year, a place or a noun such names
    are made of ('2021年', '河北省', '企业', '标杆') or before a conjunction (和, 与, 及); within the 发文机关名称
    (after '省', '会', '局' …) only when the name alone is longer than a line; never within a word, in as few
    lines as fit (at most three), of the least width."""
    if text_em(text) <= capacity:
        return [text]
    about = text.find("关于")
    if about <= 0:
        return [text]
    preferred = text.find("关于推荐", about)
    preferred = preferred + 4 if preferred >= 0 else -1
    start = max(preferred, about + 2)  # the 事由 begins here
    in_name = {m.end() for m in _NAME_BREAKS.finditer(text, 0, about)} - {about}
    points = {about, start} | {m.end() for m in _TITLE_BREAKS.finditer(text, start)} | in_name
    points = sorted(p for p in points if 2 <= p <= len(text) - 4)  # never a line of one character, nor '…的意见'
    for count in (1, 2):
        best = None
        for cut in itertools.combinations(points, count):
            edges = (0, *cut, len(text))
            lines = [text[a:b] for a, b in itertools.pairwise(edges)]
            if any(text_em(line) > capacity for line in lines):
                continue
            score = (bool(in_name.intersection(cut)), preferred not in cut, max(map(text_em, lines)))
            if best is None or score < best[0]:
                best = (score, lines)
        if best is not None:
            return best[1]
    return [text]


def _title_paragraph(doc, unit: str):
    """The rendered 标题: the first body paragraph that reads '<unit>关于…的意见', or None (a template whose title
    says something else)."""
    for p in doc.paragraphs[:12]:
        text = p.text.strip()
        if text.startswith(unit) and "关于" in text and text.endswith("的意见"):
            return p
    return None


def _font_size(paragraph, default: float = SIZE_2) -> float:
    """The size in points a paragraph's text is set in: its first run's, else its style's (and the styles it is
    based on), else ``default``."""
    runs = [r for r in paragraph.runs if r.text]
    if runs and runs[0].font.size:
        return runs[0].font.size.pt
    style = paragraph.style
    while style is not None:
        if style.font.size:
            return style.font.size.pt
        style = style.base_style
    return default


def _break_title(doc, unit: str) -> None:
    """Break the rendered 标题 between words (title_lines) with line breaks (w:br) where it is longer than a line
    of the 版心 at its size — left alone, Word and LibreOffice wrap it at any character ('…2021年河' / '北省…').
    A title the template already breaks (a w:br in it) is left as the template has it."""
    p = _title_paragraph(doc, unit)
    if p is None or p._p.find(".//" + qn("w:br")) is not None:
        return
    section = doc.sections[0]
    fmt = p.paragraph_format
    width = Emu(section.page_width - section.left_margin - section.right_margin
                - (fmt.left_indent or 0) - (fmt.right_indent or 0)).pt
    text = p.text
    lead = len(text) - len(text.lstrip())
    lines = title_lines(text.strip(), width / _font_size(p))
    offsets, at = [], lead
    for line in lines[:-1]:
        at += len(line)
        offsets.append(at)
    for offset in reversed(offsets):
        _break_at(p, offset)


def _break_at(paragraph, offset: int) -> None:
    """A line break (w:br) before character ``offset`` of ``paragraph``'s text, within the run that holds it."""
    seen = 0
    for t in paragraph._p.iter(qn("w:t")):
        text = t.text or ""
        if seen + len(text) >= offset:
            cut = offset - seen
            t.text = text[:cut]
            rest = OxmlElement("w:t")
            rest.text = text[cut:]
            rest.set(qn("xml:space"), "preserve")
            t.set(qn("xml:space"), "preserve")
            br = OxmlElement("w:br")
            t.addnext(br)
            br.addnext(rest)
            return
        seen += len(text)


# ---------------------------------------------------------------- the template

def _red(paragraph, size: float, *, bold: bool = False, font: str = BODY_FONT):
    for run in paragraph.runs:
        set_font(run, font, size, bold=bold)
        run.font.color.rgb = RGBColor(0xC0, 0x00, 0x00)
    return paragraph


def _control(doc, text: str):
    """A docxtpl control paragraph ({%p … %}): removed when rendered."""
    return add_paragraph(doc, text, indent=False)


def build_opinion_template(campaign: Campaign) -> bytes:
    """The docxtpl template (a Word document people may edit): placeholders unit, apps (rank, enterprise, name,
    region, industry), count, opinion, draft_reasons (and draft, their joined text), date."""
    doc = new_document()
    set_core(doc, title=f"{campaign.title}推荐意见（模板）", author=campaign.issuer, subject=campaign.title,
             description=f"{campaign.notice}；推荐单位的推荐意见模板（docxtpl）。")
    _control(doc, "{%p if draft_reasons %}")
    _red(add_paragraph(doc, DRAFT_MARK, indent=False), SIZE_3, bold=True, font=HEADING_FONT)
    _control(doc, "{%p for reason in draft_reasons %}")
    reason = _red(add_paragraph(doc, "{{ reason }}", indent=False), 12)
    reason.paragraph_format.line_spacing = Pt(18)
    _control(doc, "{%p endfor %}")
    _control(doc, "{%p endif %}")
    title = doc.add_paragraph(style="Title")
    title.add_run(f"{{{{ unit }}}}关于推荐{campaign.title}的意见")
    doc.add_paragraph()  # §7.3.2: 主送机关 under the title after one blank line
    add_paragraph(doc, f"{campaign.issuer}：", indent=False)
    add_paragraph(doc, f"根据《{campaign.issuer}关于推荐{campaign.title}的通知》（{campaign.notice}）要求，我单位对"
                       "申报材料进行了初审{% if count %}，现按推荐顺序推荐以下{{ count }}项：{% else %}。{% endif %}")
    _control(doc, "{%p if count %}")
    _apps_table(doc)
    _control(doc, "{%p endif %}")
    p = add_paragraph(doc, "{{ opinion }}")
    p.paragraph_format.space_before = Pt(6)
    p.paragraph_format.keep_with_next = True  # the opinion and the 署名 are never on different pages
    blank = doc.add_paragraph()
    blank.paragraph_format.keep_with_next = True
    seal = doc.add_paragraph(SEAL_HINT, style=_paragraph_style(doc, SEAL_STYLE))
    seal.runs[0].font.color.rgb = RGBColor(0x80, 0x80, 0x80)
    doc.add_paragraph("{{ unit }}", style=_paragraph_style(doc, SIGNATURE_STYLE))
    date_style = _paragraph_style(doc, DATE_STYLE, right_chars=DATE_RIGHT_CHARS)
    date_style.paragraph_format.keep_with_next = False
    doc.add_paragraph("{{ date }}", style=date_style)
    buf = io.BytesIO()
    doc.save(buf)
    return buf.getvalue()


def _apps_table(doc):
    """Header row (repeated on every page), the docxtpl loop rows, one row per application (never split)."""
    table = doc.add_table(rows=4, cols=len(COLUMNS))
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    for i, (header, key) in enumerate(COLUMNS):
        _cell_text(table.rows[0].cells[i], header, header=True)
        _cell_text(table.rows[2].cells[i], f"{{{{ a.{key} }}}}",
                   align=WD_ALIGN_PARAGRAPH.CENTER if key in ("rank", "region") else WD_ALIGN_PARAGRAPH.LEFT)
    _cell_text(table.rows[1].cells[0], "{%tr for a in apps %}")
    _cell_text(table.rows[3].cells[0], "{%tr endfor %}")
    _row_property(table.rows[0], "w:tblHeader")
    _row_property(table.rows[2], "w:cantSplit")
    sample = [[h, *(["河北省某某有限公司"] if k == "enterprise" else ["某某公司实施某某方法的经验"] if k == "name"
                    else ["张家口市"] if k == "region" else ["C34 通用设备制造业"] if k == "industry" else ["1"])]
              for h, k in COLUMNS]
    set_column_widths(table, column_widths(sample, Emu(TEXT_WIDTH).pt))
    return table


def build_blank_opinion(campaign: Campaign) -> bytes:
    """空白推荐意见.docx: the template rendered without data — empty rows up to the largest quota, the 署名 and
    成文日期 left for the clerk who prefers to type the opinion in Word."""
    quota = max((u.quota for u in campaign.units), default=3)
    tpl = DocxTemplate(io.BytesIO(build_opinion_template(campaign)))
    rows = [{"rank": n, "enterprise": "", "name": "", "region": "", "industry": ""} for n in range(1, quota + 1)]
    tpl.render({"unit": "（推荐单位全称）", "apps": rows, "count": "  ", "opinion": DEFAULT_OPINION,
                "draft_reasons": [], "draft": "", "date": BLANK_DATE}, autoescape=True)
    doc = tpl.docx
    _fit_blank_table(doc)
    _break_title(doc, "（推荐单位全称）")
    _align_signature(doc)
    set_core(doc, title=f"{campaign.title}推荐意见（空白）", author=campaign.issuer, subject=campaign.title,
             description=f"{campaign.notice}；推荐单位手工填写的空白推荐意见。")
    buf = io.BytesIO()
    doc.save(buf)
    return buf.getvalue()


def _fit_blank_table(doc) -> None:
    """Blank rows: the widths of a typical filled table, and two lines' height to write in."""
    for table in doc.tables:
        for row in table.rows[1:]:
            row.height = Pt(2 * TABLE_LINE.pt + 6)


# ---------------------------------------------------------------- rendering

def _generated(context_time: str) -> dt.datetime:
    try:
        return dt.datetime.fromisoformat(context_time)
    except (TypeError, ValueError):
        return FIXED_TIME


def render_opinion(target, campaign: Campaign, view: UnitView, *, template: bytes, generated_at: str = "",
                   date: str | None = None, opinion: str = DEFAULT_OPINION) -> None:
    """The unit's 推荐意见 from the docxtpl ``template``: the applications assembly listed, numbered 1..k in ranking
    order, the red draft banner with each reason while assembly says it is not final, the 成文日期 assembly chose
    (``date`` overrides it; '' leaves "    年  月  日"). Then the table's columns are sized from what they hold,
    the 署名 centred over the date, and the core properties name the unit and the generation time.

    Template variables: unit, apps (rank, enterprise, name, region, industry), count, opinion, draft_reasons,
    draft (the reasons joined: templates edited before draft_reasons existed), date.
    """
    status = view.status
    tpl = DocxTemplate(io.BytesIO(template))
    rows = [{"rank": n, "enterprise": clean_text(a.enterprise), "name": clean_text(a.benchmark_name),
             "region": clean_text(a.field_text(REGION)),
             "industry": clean_text(campaign.industry_text(a.field_text(INDUSTRY)))}
            for n, a in enumerate(view.listed_in_opinion, start=1)]
    reasons = [clean_text(r) for r in status.draft_reasons] or ([clean_text(status.opinion_draft)]
                                                                if status.opinion_draft else [])
    written = status.opinion_date if date is None else date
    tpl.render({"unit": clean_text(status.unit), "apps": rows, "count": len(rows),
                "opinion": opinion if rows else NO_APPLICATIONS, "draft_reasons": reasons,
                "draft": "".join(reasons), "date": clean_text(written) or BLANK_DATE}, autoescape=True)
    doc = tpl.docx
    _fit_page(doc)
    _break_title(doc, clean_text(status.unit))
    _align_signature(doc)
    state = "草稿" if reasons else "正式稿"
    set_core(doc, title=f"{clean_text(status.unit)}关于推荐{campaign.title}的意见", author=clean_text(status.unit),
             when=_generated(generated_at), subject=campaign.title,
             keywords=f"{campaign.opinion_keyword};{state};{OUTPUT_PROPERTY}",
             description=f"{campaign.notice}；{state}；生成时间 {generated_at or '未记录'}；"
                         f"推荐 {len(rows)} 项。")
    mark_output(doc, OUTPUT_OPINION)  # (and the keyword above: the mark a PDF of it (--pdf) keeps)
    doc.save(target)


def write(result: Assembled, folder: Path, context: RenderContext) -> list[Path]:
    """推荐意见/<unit>-推荐意见.docx for every unit that sent an application."""
    out = []
    for _unit, view, target in unit_documents(result, folder, context, "推荐意见", ".docx"):
        render_opinion(target, result.campaign, view, template=context.opinion_template,
                       generated_at=context.generated_at or result.generated_at)
        out.append(target)
    return out
