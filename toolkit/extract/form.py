"""The 申请表 and the 推荐排序表 from a grid: by the template's defined names, else by labels.

Works on ``grid.Workbook``/``grid.Sheet`` only, so the same code reads .xlsx, .xls, .ods and the
table of a Word 申请书.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from ..campaign import Campaign, FieldSpec
from ..model import WARNING, FormData, Issue, RankingRow, Value
from ..normalize import Parsed, has_xml_illegal, normalize_label, to_email, to_number, to_phone, to_text
from .grid import Sheet, Workbook

_PARSERS = {"text": to_text, "phone": to_phone, "mobile": to_phone, "email": to_email,
            "number": to_number, "count": to_number}
NOTE_CONTROL = "含有无法保存的控制字符，已删除"
# a stamp hint left in a value cell: '（加盖公章）' '(盖章)' '（单位公章）'
_STAMP = re.compile(r"[（(]\s*(?:加盖|盖)?\s*(?:单位|企业)?\s*(?:公章|印章|章)\s*(?:处)?\s*[)）]")


def parse_value(spec: FieldSpec, raw, location: str) -> Value:
    parsed: Parsed = _PARSERS.get(spec.type, to_text)(raw)
    control = isinstance(raw, str) and has_xml_illegal(raw)
    if spec.type == "text" and isinstance(raw, str) and _STAMP.search(raw):
        # '河北某某有限公司（加盖公章）': the hint left from 附件1 is not part of the value
        value = to_text(re.sub(r"\s*\n\s*", " ", _STAMP.sub("", raw))).value
        return Value(value=value, text=parsed.text, location=location, ok=True, empty=value is None,
                     note=NOTE_CONTROL if control else "")
    note = parsed.note or (NOTE_CONTROL if control and parsed.ok else "")
    return Value(value=parsed.value, text=parsed.text, location=location, ok=parsed.ok,
                 empty=parsed.empty, note=note)


def _xml_warnings(values: dict, file: str) -> list[Issue]:
    out = []
    for key, v in values.items():
        if v.note == NOTE_CONTROL or (isinstance(v.text, str) and has_xml_illegal(v.text)):
            out.append(Issue("field.invalid", WARNING, file, v.location, key,
                             f"“{key}”中含有无法保存的控制字符，已删除；请检查该单元格内容。"))
    return out


# ---------------------------------------------------------------- defined names

def form_by_defined_names(book: Workbook, campaign: Campaign) -> FormData | None:
    """Fields from the template's defined names; None when the workbook is not our template."""
    if not book.names:
        return None
    wanted = [f.defined_name() for f in campaign.fields]
    if sum(1 for n in wanted if n in book.names) < max(3, len(wanted) // 2):
        return None
    fields: dict = {}
    yearly: dict = {}

    def cell(name):
        sheet_name, r, c = book.names[name]
        sheet = book.sheet(sheet_name)
        if sheet is None:
            return None, f"{sheet_name}!{name}"
        return sheet.value(r, c), sheet.location(r, c)

    for spec in campaign.fields:
        if spec.defined_name() in book.names:
            raw, loc = cell(spec.defined_name())
            fields[spec.key] = parse_value(spec, raw, loc)
    for spec in campaign.yearly:
        per_year = {}
        for year in campaign.base_years:
            name = spec.defined_name(year)
            if name in book.names:
                raw, loc = cell(name)
                per_year[year] = parse_value(spec, raw, loc)
        yearly[spec.key] = per_year
    return FormData(fields=fields, yearly=yearly, source="defined-names")


# ---------------------------------------------------------------- labels

_YEAR = re.compile(r"^\s*((?:19|20)\d{2})\s*(?:年度?|年末)?\s*$")
# what people put around a label: a leading number ('1、' '(1)' '一、' '①'), a required mark ('*'),
# '其中：' before a sub-item, a trailing note in brackets ('（盖章）' '（40字以内）' '（全称）') and a
# trailing 名称/全称 ('申报单位名称').
# Matched on normalize_label() output (NFKC: ASCII brackets and colons, no spaces, '①' -> '1').
_LEAD = re.compile(r"^(?:[*※★]+|\d{1,2}[、.)]?(?=\D)|\(\d{1,2}\)|[一二三四五六七八九十]{1,3}[、.]"
                   r"|\([一二三四五六七八九十]{1,3}\)|其中[:]?|含[:])")
_TRAIL = re.compile(r"(?:\([^()]{1,24}\)|[*※]+|(?<=..)(?:名称|全称))$")
_INLINE = re.compile(r"^\s*([^:：\n]{1,24}?)\s*[:：]\s*(.*)$", re.S)


def _year_of(value) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, (int, float)) and float(value).is_integer() and 1990 <= value <= 2100:
        return int(value)
    if isinstance(value, str):
        m = _YEAR.match(value.replace("　", " "))
        if m:
            return int(m.group(1))
    return None


def label_table(campaign: Campaign) -> dict:
    """Normalised label -> (field, rank); rank 0 is the field's own key, then its synonyms in order
    (ranks step by 2: a label matched only after dropping numbering or a note adds 1)."""
    table: dict = {}
    for spec in (*campaign.fields, *campaign.yearly):
        for rank, label in enumerate(spec.labels):
            table.setdefault(normalize_label(label), (spec, 2 * rank))
    return table


def match_label(text, table: dict, *, yearly: bool | None = None) -> tuple[FieldSpec | None, int]:
    """(field, rank) when ``text`` is a label, tolerating numbering, '*', '其中：' and bracketed notes."""
    if not isinstance(text, str) or not text.strip() or len(text) > 40:
        return None, 0
    level = [normalize_label(text)]
    seen = set(level)
    for depth in range(4):
        for norm in level:
            hit = table.get(norm)
            if hit is not None and (yearly is None or hit[0].yearly == yearly):
                return hit[0], hit[1] + (1 if depth else 0)
        shorter = []
        for norm in level:
            for variant in (_LEAD.sub("", norm, count=1), _TRAIL.sub("", norm, count=1)):
                variant = variant.strip(":")
                if variant and variant not in seen:
                    seen.add(variant)
                    shorter.append(variant)
        if not shorter:
            break
        level = shorter
    return None, 0


@dataclass
class _Label:
    spec: FieldSpec
    rank: int
    inline: str | None  # the value written after 'label：' in the same cell; None when there is none
    colon: bool  # the cell ends with a colon: the value belongs in this very cell


def _label_of(value, table: dict) -> _Label | None:
    """The scalar field a cell labels, possibly 'label：value' in one cell (the value may be long)."""
    if not isinstance(value, str) or not value.strip():
        return None
    spec, rank = match_label(value, table, yearly=False)
    if spec is not None:
        return _Label(spec, rank, None, value.rstrip().endswith((":", "："))) if not spec.yearly else None
    m = _INLINE.match(value)
    if m and m.group(2).strip():
        spec, rank = match_label(m.group(1), table, yearly=False)
        if spec is not None:
            return _Label(spec, rank, m.group(2).strip(), False)
    return None


def _is_label(value, table: dict) -> bool:
    if _label_of(value, table) is not None:
        return True
    spec, _ = match_label(value, table, yearly=True)
    return spec is not None


def _blank(value) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _value_beside(sheet: Sheet, r: int, c: int, table: dict, *, colon: bool = False) -> tuple[object, int, int]:
    """The value cell for a label at (r, c): to the right, else below (a header row of labels).

    When nothing is written, the location is where the value should go: the cell to the right, or
    the label cell itself for 'label：' with nothing beside it.
    """
    c_next = sheet.merge_end_col(r, c) + 1
    right = sheet.value(r, c_next) if c_next < sheet.width else None
    right_is_label = _is_label(right, table)
    if not _blank(right) and not right_is_label:
        return (right, *sheet.anchor(r, c_next))
    if _blank(right):  # a gap column between label and value
        cc = sheet.merge_end_col(r, c_next) + 1
        for _ in range(2):
            if cc >= sheet.width:
                break
            v = sheet.value(r, cc)
            if not _blank(v):
                if not _is_label(v, table) and _year_of(v) is None:
                    return (v, *sheet.anchor(r, cc))
                break
            cc = sheet.merge_end_col(r, cc) + 1
    rest_empty = all(_blank(sheet.value(r, cc)) for cc in range(c_next, sheet.width))
    # an empty merged box right of the label is where the value goes: empty, not "look below"
    right_is_box = c_next < sheet.width and sheet.merge_end_col(r, c_next) > c_next
    rb = sheet.merge_end_row(r, c) + 1
    if right_is_label or (rest_empty and not right_is_box):
        v = sheet.value(rb, c)
        below_anchor = sheet.anchor(rb, c)
        # the cell below must be this column's own (not a wide value box of the next row's label)
        if not _blank(v) and not _is_label(v, table) and not colon and below_anchor[1] == c:
            return (v, *below_anchor)
    if colon:
        return (None, *sheet.anchor(r, c))
    if c_next < sheet.width and not right_is_label:
        return (None, *sheet.anchor(r, c_next))
    return (None, *sheet.anchor(rb, c))


def _header_years(sheet: Sheet, r: int, years: set) -> dict:
    cols: dict = {}
    for c in range(len(sheet.rows[r])):
        if sheet.anchor(r, c) != (r, c):
            continue
        y = _year_of(sheet.raw(r, c))
        if y in years and y not in cols:
            cols[y] = c
    return cols


def _better(found: dict, key: str, rank: int, cells: dict) -> None:
    if key not in found or rank < found[key][0]:
        found[key] = (rank, cells)


def _year_block(sheet: Sheet, campaign: Campaign, table: dict) -> dict:
    """{field key: (rank, {year: (raw, row, col)})} from blocks headed by years across or down."""
    years = set(campaign.base_years)
    out: dict = {}
    # years across a row: labels in a column left of the first year, in the rows below the header
    headers = [(r, cols) for r in range(sheet.height) if len(cols := _header_years(sheet, r, years)) >= 2]
    for i, (r, cols) in enumerate(headers):
        stop = headers[i + 1][0] if i + 1 < len(headers) else sheet.height
        for rr in range(r + 1, min(stop, r + 30)):
            for c in range(min(cols.values())):
                spec, rank = match_label(sheet.value(rr, c), table, yearly=True)
                if spec is not None:
                    _better(out, spec.key, rank, {y: (sheet.value(rr, col), rr, col) for y, col in cols.items()})
                    break
    if out:
        return out
    # years down a column: labels in a header row above the first year, right of the year column
    for c in range(sheet.width):
        rows = {}
        for r in range(sheet.height):
            y = _year_of(sheet.value(r, c)) if sheet.anchor(r, c) == (r, c) else None
            if y in years and y not in rows:
                rows[y] = r
        if len(rows) >= 2:
            for rr in range(max(0, min(rows.values()) - 5), min(rows.values())):
                for cc in range(c + 1, sheet.width):
                    spec, rank = match_label(sheet.value(rr, cc), table, yearly=True)
                    if spec is not None:
                        _better(out, spec.key, rank, {y: (sheet.value(row, cc), row, cc) for y, row in rows.items()})
            if out:
                return out
    return out


def _scalar_candidates(sheet: Sheet, table: dict) -> dict:
    """{field key: [(priority, Value)]} for every label of a scalar field on the sheet."""
    found: dict = {}
    order = 0
    for r in range(sheet.height):
        for c in range(len(sheet.rows[r])):
            if sheet.anchor(r, c) != (r, c):
                continue
            label = _label_of(sheet.raw(r, c), table)
            if label is None:
                continue
            spec = label.spec
            if label.inline is not None:
                value = parse_value(spec, label.inline, sheet.location(r, c))
            else:
                raw, vr, vc = _value_beside(sheet, r, c, table, colon=label.colon)
                value = parse_value(spec, raw, sheet.location(vr, vc))
            order += 1
            found.setdefault(spec.key, []).append(((value.empty, label.rank, order), value))
    return found


def form_by_labels(book: Workbook, campaign: Campaign, *, max_sheets: int = 3) -> FormData | None:
    """Fields found by their labels in the first visible sheets; None when fewer than three are found.

    Sheets are ranked by how many fields they label, so a 填表说明 sheet before the form does not win;
    within a sheet a written value beats an empty one, and the field's own label beats a synonym.
    """
    table = label_table(campaign)
    sheets = [s for s in book.sheets if not s.hidden][:max_sheets]
    scanned = []
    for order, sheet in enumerate(sheets):
        scalars = _scalar_candidates(sheet, table)
        block = _year_block(sheet, campaign, table)
        score = len(scalars) + len(block)
        scanned.append((-score, order, sheet, scalars, block))
    scanned.sort(key=lambda item: item[:2])
    fields: dict = {}
    yearly_cells: dict = {}
    for _score, _order, sheet, scalars, block in scanned:
        for key, candidates in scalars.items():
            if key not in fields:
                fields[key] = min(candidates, key=lambda item: item[0])[1]
        for key, (_rank, cells) in block.items():
            yearly_cells.setdefault(key, (sheet, cells))
    if len(fields) < 3:
        return None
    yearly = {}
    for spec in campaign.yearly:
        if spec.key in yearly_cells:
            sheet, cells = yearly_cells[spec.key]
            yearly[spec.key] = {y: parse_value(spec, raw, sheet.location(r, c)) for y, (raw, r, c) in cells.items()}
        else:
            yearly[spec.key] = {}
    return FormData(fields=fields, yearly=yearly, source="labels")


def read_form(book: Workbook, campaign: Campaign, file: str = "") -> FormData | None:
    form = form_by_defined_names(book, campaign) or form_by_labels(book, campaign)
    if form is None:
        return None
    warnings = _xml_warnings(form.fields, file)
    return FormData(fields=form.fields, yearly=form.yearly, source=form.source, warnings=tuple(warnings))


# ---------------------------------------------------------------- ranking sheet

_RANK_HEADERS = ("推荐顺序", "排序", "推荐排序", "序号", "排名", "顺序")


def _rank_number(value) -> int | None:
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, (int, float)):
        return int(value) if float(value).is_integer() and value > 0 else None
    text = str(value).strip()
    m = re.fullmatch(r"第?\s*(\d+)\s*[名位项]?", to_text(text).value or "")
    if m:
        return int(m.group(1))
    cn = "一二三四五六七八九十"
    m = re.fullmatch(r"第?([一二三四五六七八九十])[名位项]?", text)
    return cn.index(m.group(1)) + 1 if m else None


def read_ranking(book: Workbook) -> list[RankingRow] | None:
    """Rows of a 推荐排序表: None when no header row with 推荐顺序 and 申报单位 is found."""
    for sheet in [s for s in book.sheets if not s.hidden][:3]:
        for r in range(min(sheet.height, 15)):
            header = {normalize_label(str(v)): c for c, v in enumerate(sheet.rows[r]) if isinstance(v, str)}
            rank_col = next((header[h] for h in _RANK_HEADERS if h in header), None)
            name_col = next((header[h] for h in ("申报单位", "企业名称", "申请单位", "单位名称") if h in header), None)
            if rank_col is None or name_col is None:
                continue
            title_col = next((header[h] for h in ("标杆名称", "质量标杆名称") if h in header), None)
            rows = []
            for rr in range(r + 1, sheet.height):
                name = to_text(sheet.value(rr, name_col)).value or ""
                raw_rank = sheet.value(rr, rank_col)
                if not name and raw_rank in (None, ""):
                    continue
                title = to_text(sheet.value(rr, title_col)).value if title_col is not None else ""
                rows.append(RankingRow(rank=_rank_number(raw_rank), enterprise=name, benchmark_name=title or "",
                                       location=sheet.location(rr, rank_col)))
            return rows
    return None
