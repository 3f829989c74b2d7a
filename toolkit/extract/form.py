"""The 申请表 and the 推荐排序表 from a grid: by the template's defined names, else by labels.

Works on ``grid.Workbook``/``grid.Sheet`` only, so the same code reads .xlsx, .xls, .ods and the
table of a Word 申请书.
"""
from __future__ import annotations

import datetime as dt
import re

from ..campaign import Campaign, FieldSpec, label_index
from ..model import ERROR, WARNING, FormData, Issue, RankingRow, Value
from ..normalize import Parsed, has_xml_illegal, normalize_label, to_email, to_number, to_phone, to_text
from .grid import Sheet, Workbook

_PARSERS = {"text": to_text, "phone": to_phone, "mobile": to_phone, "email": to_email,
            "number": to_number, "count": to_number}


def parse_value(spec: FieldSpec, raw, location: str) -> Value:
    parsed: Parsed = _PARSERS.get(spec.type, to_text)(raw)
    return Value(value=parsed.value, text=parsed.text, location=location, ok=parsed.ok,
                 empty=parsed.empty, note=parsed.note)


def _xml_warnings(values: dict, file: str) -> list[Issue]:
    out = []
    for key, v in values.items():
        if isinstance(v.text, str) and has_xml_illegal(v.text):
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


def _label_of(value, index: dict) -> tuple[FieldSpec | None, str]:
    """(field, inline value) when a cell is a label, possibly 'label：value' in one cell."""
    if not isinstance(value, str) or not value.strip() or len(value) > 60:
        return None, ""
    spec = index.get(normalize_label(value))
    if spec is not None:
        return spec, ""
    m = re.match(r"^\s*([^:：]{1,20})[:：]\s*(.+)$", value, re.S)
    if m:
        spec = index.get(normalize_label(m.group(1)))
        if spec is not None and not spec.yearly:
            return spec, m.group(2).strip()
    return None, ""


def _is_label(value, index: dict) -> bool:
    return _label_of(value, index)[0] is not None


def _blank(value) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _value_beside(sheet: Sheet, r: int, c: int, index: dict) -> tuple[object, int, int]:
    """The value cell for a label at (r, c): to the right, else below (a header row of labels)."""
    c_next = sheet.merge_end_col(r, c) + 1
    right = sheet.value(r, c_next) if c_next < sheet.width else None
    right_is_label = _is_label(right, index)
    if not _blank(right) and not right_is_label:
        return (right, *sheet.anchor(r, c_next))
    if _blank(right):  # a gap column between label and value
        cc = sheet.merge_end_col(r, c_next) + 1
        for _ in range(2):
            if cc >= sheet.width:
                break
            v = sheet.value(r, cc)
            if not _blank(v):
                if not _is_label(v, index) and _year_of(v) is None:
                    return (v, *sheet.anchor(r, cc))
                break
            cc = sheet.merge_end_col(r, cc) + 1
    rest_empty = all(_blank(sheet.value(r, cc)) for cc in range(c_next, sheet.width))
    rb = sheet.merge_end_row(r, c) + 1
    if right_is_label or rest_empty:
        v = sheet.value(rb, c)
        if not _blank(v) and not _is_label(v, index):
            return (v, *sheet.anchor(rb, c))
    if c_next < sheet.width and not right_is_label:
        return (None, *sheet.anchor(r, c_next))
    return (None, *sheet.anchor(rb, c))


def _year_block(sheet: Sheet, campaign: Campaign, index: dict) -> dict:
    """{field key: {year: (raw, row, col)}} from a block headed by years across or down."""
    years = set(campaign.base_years)
    out: dict = {}
    # years across a row
    for r in range(sheet.height):
        cols = {}
        for c in range(sheet.width):
            y = _year_of(sheet.raw(r, c))
            if y in years and y not in cols:
                cols[y] = c
        if len(cols) >= 2:
            for rr in range(r + 1, min(sheet.height, r + 30)):
                for c in range(min(cols.values())):
                    spec = index.get(normalize_label(str(sheet.value(rr, c) or "")))
                    if spec is not None and spec.yearly and spec.key not in out:
                        out[spec.key] = {y: (sheet.value(rr, col), rr, col) for y, col in cols.items()}
                        break
            if out:
                return out
    # years down a column
    for c in range(sheet.width):
        rows = {}
        for r in range(sheet.height):
            y = _year_of(sheet.raw(r, c))
            if y in years and y not in rows:
                rows[y] = r
        if len(rows) >= 2:
            for rr in range(min(rows.values())):
                for cc in range(c + 1, sheet.width):
                    spec = index.get(normalize_label(str(sheet.value(rr, cc) or "")))
                    if spec is not None and spec.yearly and spec.key not in out:
                        out[spec.key] = {y: (sheet.value(row, cc), row, cc) for y, row in rows.items()}
            if out:
                return out
    return out


def form_by_labels(book: Workbook, campaign: Campaign, *, max_sheets: int = 3) -> FormData | None:
    """Fields found by their labels anywhere in the first visible sheets; None when none is found."""
    index = label_index(campaign)
    scalar_index = {k: v for k, v in index.items() if not v.yearly}
    fields: dict = {}
    yearly_cells: dict = {}
    sheets = [s for s in book.sheets if not s.hidden][:max_sheets]
    for sheet in sheets:
        for r in range(sheet.height):
            for c in range(len(sheet.rows[r])):
                if sheet.anchor(r, c) != (r, c):
                    continue
                spec, inline = _label_of(sheet.raw(r, c), scalar_index)
                if spec is None or spec.key in fields:
                    continue
                if inline:
                    fields[spec.key] = parse_value(spec, inline, sheet.location(r, c))
                    continue
                raw, vr, vc = _value_beside(sheet, r, c, index)
                fields[spec.key] = parse_value(spec, raw, sheet.location(vr, vc))
        for key, cells in _year_block(sheet, campaign, index).items():
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


def looks_like_form(book: Workbook, campaign: Campaign) -> bool:
    return read_form(book, campaign) is not None


def excel_date(value) -> dt.date | None:
    return value if isinstance(value, dt.date) else None
