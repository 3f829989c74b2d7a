"""The 申请表 and the 推荐排序表 from a grid: by the template's defined names, else by labels.

Works on ``grid.Workbook``/``grid.Sheet`` only, so the same code reads .xlsx, .xls, .ods and the
table of a Word 申请书.
"""
from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, replace

from ..campaign import Campaign, FieldSpec
from ..keys import BENCHMARK, ENTERPRISE
from ..messages import make_issue
from ..model import (
    RANKING,
    STATUSES,
    WARNING,
    WITHDRAWN,
    Extracted,
    FormData,
    Issue,
    RankingRow,
    Value,
)
from ..normalize import (
    Parsed,
    chinese_count,
    clean_text,
    compact,
    has_xml_illegal,
    normalize_label,
    normalize_name,
    official_date,
    official_day,
    one_line,
    plain_number,
    to_email,
    to_headcount,
    to_number,
    to_phone,
    to_text,
)
from .grid import MAX_ROWS, Sheet, Workbook, parse_cell_ref
from .numfmt import unit_factor

_PARSERS = {"text": to_text, "phone": to_phone, "mobile": to_phone, "email": to_email,
            "money": to_number, "number": to_number, "count": to_headcount, "choice": to_text}
NOTE_CONTROL = "含有无法保存的控制字符，已删除"
ONE_LINE_KEYS = (ENTERPRISE, BENCHMARK)  # the names the 推荐意见, the register and summary.json print on one line
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
    value = parsed.value
    if spec.key in ONE_LINE_KEYS and isinstance(value, str):
        value = one_line(value)  # a name broken over lines to fit its box is one name in every document
    return Value(value=value, text=parsed.text, location=location, ok=parsed.ok,
                 empty=parsed.empty, note=note)


def _xml_warnings(values: dict, file: str) -> list[Issue]:
    out = []
    for key, v in values.items():
        if v.note == NOTE_CONTROL or (isinstance(v.text, str) and has_xml_illegal(v.text)):
            out.append(make_issue("field.invalid", file=file, location=v.location, field=key, severity=WARNING,
                                  value=clean_text(v.text), reason="中含有无法保存的控制字符，已删除",
                                  fix="请检查该单元格内容。"))
    return out


# ---------------------------------------------------------------- defined names

def _names_into(book: Workbook, sheet: Sheet) -> dict:
    """Defined names that point into ``sheet``: its own sheet-scoped names (a copied sheet's twins) first, then
    workbook-scoped names that point there."""
    out = {name: target for name, target in book.names.items() if target[0] == sheet.name}
    out.update({name: target for (name, scope), target in book.local_names.items()
                if scope == sheet.name and target[0] == sheet.name})
    return out


def form_by_defined_names(book: Workbook, campaign: Campaign, *, names: dict | None = None) -> FormData | None:
    """Fields from the template's defined names; None when the workbook is not our template.

    ``names`` (defined name -> (sheet, row, col)) overrides the workbook-scoped names, e.g. one sheet's names.
    """
    names = book.names if names is None else names
    if not names or not any(book.sheet(sheet_name) is not None for sheet_name, _r, _c in names.values()):
        return None  # (names into sheets the workbook does not have — its sheet list damaged —: nothing is there)
    wanted = [f.defined_name() for f in campaign.fields]
    if sum(1 for n in wanted if n in names) < max(3, len(wanted) // 2):
        return None
    fields: dict = {}
    yearly: dict = {}

    def cell(name):
        sheet_name, r, c = names[name]
        sheet = book.sheet(sheet_name)
        if sheet is None:
            return None, f"{sheet_name}!{name}"
        return sheet.value(r, c), sheet.location(r, c)

    named = {(sheet_name, r, c) for sheet_name, r, c in names.values()}
    for spec in campaign.fields:
        if spec.defined_name() in names:
            raw, loc = cell(spec.defined_name())
            if _blank(raw):
                raw, loc = _typed_beside(book, names[spec.defined_name()], named, campaign) or (raw, loc)
            fields[spec.key] = parse_value(spec, raw, loc)
    yearly_cells = [names[name] for spec in campaign.yearly for year in campaign.base_years
                    if (name := spec.defined_name(year)) in names]
    for spec in campaign.yearly:
        per_year = {}
        for year in campaign.base_years:
            name = spec.defined_name(year)
            if name in names:
                raw, loc = cell(name)
                per_year[year] = parse_value(spec, raw, loc)
        blank = [year for year, v in per_year.items() if v.empty]
        if blank:  # (the rightmost year left blank: what is typed one column too far right is its figure)
            year = max(blank, key=lambda y: names[spec.defined_name(y)][2])
            stray = _figures_astray(book, names[spec.defined_name(year)], yearly_cells, campaign)
            if stray:
                per_year[year] = replace(per_year[year], note=stray)
        yearly[spec.key] = per_year
    return FormData(fields=fields, yearly=yearly, source="defined-names")


def _figures_astray(book: Workbook, target: tuple, yearly_cells: list, campaign: Campaign) -> str:
    """The sentence a field.missing adds for an empty yearly cell of the template (``target``: sheet, row,
    col) when its row holds something right of the yearly table's last year column, in a column the table's year
    header leaves blank (not read: no year is over it) — a figure typed one cell too far right, as the template's
    row invites ('利润总额' of 2020 typed in F15, E15 left empty): the clerk is told where it is (the fix says
    where it goes).
    ``yearly_cells``: (sheet, row, col) of every yearly defined name. '' when there is nothing there."""
    sheet_name, r, _c = target
    sheet = book.sheet(sheet_name)
    if sheet is None:
        return ""
    on_sheet = [(rr, cc) for name, rr, cc in yearly_cells if name == sheet_name]
    last = max(cc for _rr, cc in on_sheet)
    header = min(rr for rr, _cc in on_sheet) - 1  # the row of the year headers, above the table's first row
    table = label_table(campaign)
    found = []
    for cc in range(last + 1, min(sheet.width, last + 4)):
        if sheet.anchor(r, cc) != (r, cc) or (header >= 0 and not _blank(sheet.value(header, cc))):
            continue  # (a merged box of the row's value, or a column with a header of its own: 2021, 备注)
        value = sheet.value(r, cc)
        if _blank(value) or match_label(value, table)[0] is not None:
            continue
        found.append(f"{sheet.location(r, cc).rsplit('!', 1)[-1]}单元格填有“{clean_text(value)[:20]}”")
    if not found:
        return ""
    return f"同一行右边的{'、'.join(found)}，那一列上方没有年份，不会被读取（是否填错了位置？）。"


def _typed_beside(book: Workbook, target: tuple, named: set, campaign: Campaign) -> tuple | None:
    """(value, location) typed beside an empty named cell — its merged value box undone and the value typed into
    another cell of it ('标杆名称' typed in C5 once B5:F5 was unmerged) —: the one filled cell right of it in its row,
    within the form's table (up to the rightmost column a defined name of the sheet points at) and before any label
    or other named cell; None when there is none, or several (a label of the enterprise's own and its value)."""
    sheet_name, r, c = target
    sheet = book.sheet(sheet_name)
    if sheet is None:
        return None
    right = max(cc for name, _r, cc in named if name == sheet_name)
    table = label_table(campaign)
    filled = []
    for cc in range(c + 1, right + 1):
        if (sheet_name, r, cc) in named:
            break
        value = sheet.value(r, cc)
        if _blank(value):
            continue
        if match_label(value, table)[0] is not None:
            break
        filled.append((value, sheet.location(r, cc)))
    return filled[0] if len(filled) == 1 else None


# ---------------------------------------------------------------- labels

# a year header as written: '2018' '2018年' '2018年度' '2018年末' '2018年底' and year-end dates
# '2018年12月31日' '2018.12.31' '2018-12-31' '2018/12/31' '2018年12月'
_YEAR = re.compile(r"^\s*((?:19|20)\d{2})\s*(?:年度?|年末|年底|年\s*\d{1,2}\s*月(?:\s*\d{1,2}\s*日)?"
                   r"|[-./]\s*\d{1,2}\s*[-./]\s*\d{1,2}|[-./]\s*\d{1,2})?\s*$")
# what people put around a label: a leading number ('1、' '(1)' '一、' '①'), a required mark ('*'),
# '其中：' before a sub-item, a trailing note in brackets ('（盖章）' '（40字以内）' '（全称）') and a
# trailing 名称/全称 ('申报单位名称').
# Matched on normalize_label() output (NFKC: ASCII brackets and colons, no spaces, '①' -> '1').
_LEAD = re.compile(r"^(?:[*※★]+|\d{1,2}[、.)]?(?=\D)|\(\d{1,2}\)|[一二三四五六七八九十]{1,3}[、.]"
                   r"|\([一二三四五六七八九十]{1,3}\)|其中[:]?|含[:])")
_TRAIL = re.compile(r"(?:\([^()]{1,24}\)|[*※]+|(?<=..)(?:名称|全称))$")
_INLINE = re.compile(r"^\s*([^:：\n]{1,24}?)\s*[:：]\s*(.*)$", re.S)


def _year_of(value) -> int | None:
    """The year a header cell names: a number 1990-2100, a year written as text, or a date cell (a balance-sheet
    date such as 2018-12-31, shown as '2018年' by a yyyy"年" format)."""
    if isinstance(value, bool):
        return None
    if isinstance(value, (dt.date, dt.datetime)):
        return value.year if 1990 <= value.year <= 2100 else None
    if isinstance(value, (int, float)) and float(value).is_integer() and 1990 <= value <= 2100:
        return int(value)
    if isinstance(value, str):
        m = _YEAR.match(value.replace("　", " "))
        if m:
            return int(m.group(1))
    return None


_LABEL_TABLES: dict[int, tuple] = {}  # id(campaign) -> (campaign, table): built once per campaign object


def label_table(campaign: Campaign) -> dict:
    """Normalised label -> (field, rank); rank 0 is the field's own key, then its synonyms in order
    (ranks step by 2: a label matched only after dropping numbering or a note adds 1). Built once per campaign
    (a reader worker reads thousands of forms with the same campaign); do not modify the returned dict."""
    kept = _LABEL_TABLES.get(id(campaign))
    if kept is not None and kept[0] is campaign:
        return kept[1]
    table: dict = {}
    for spec in (*campaign.fields, *campaign.yearly):
        for rank, label in enumerate(spec.labels):
            table.setdefault(normalize_label(label), (spec, 2 * rank))
    _LABEL_TABLES[id(campaign)] = (campaign, table)
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
    """Keep ``cells`` ({year: (raw, row, col)}) for ``key`` in ``found`` when no row is kept yet, or when they
    beat the kept row's: a row holding figures beats an empty one (the template's row left above the
    enterprise's pasted table), then the label's own wording beats a synonym (``rank``)."""
    order = (_no_figures(cells), rank)
    if key not in found or order < (_no_figures(found[key][1]), found[key][0]):
        found[key] = (rank, cells)


def _no_figures(cells: dict) -> bool:
    return all(_blank(raw) for raw, _r, _c in cells.values())


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


def form_by_labels(book: Workbook, campaign: Campaign, *, max_sheets: int = 3,
                   prefer: str = "") -> FormData | None:
    """Fields found by their labels in the first visible sheets; None when fewer than three are found.

    Sheets are ranked by how many fields they label, so a 填表说明 sheet before the form does not win
    (the sheet named ``prefer`` comes first whatever its count); within a sheet a written value beats an empty
    one, and the field's own label beats a synonym.
    """
    table = label_table(campaign)
    sheets = [s for s in book.sheets if not s.hidden][:max_sheets]
    scanned = []
    for order, sheet in enumerate(sheets):
        scalars = _scalar_candidates(sheet, table)
        block = _year_block(sheet, campaign, table)
        score = len(scalars) + len(block)
        scanned.append((sheet.name != prefer if prefer else False, -score, order, sheet, scalars, block))
    scanned.sort(key=lambda item: item[:3])
    fields: dict = {}
    yearly_cells: dict = {}
    for _preferred, _score, _order, sheet, scalars, block in scanned:
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
    """The workbook's 申请表 (the first of ``read_forms``), None when it holds none."""
    forms = read_forms(book, campaign, file)
    return forms[0] if forms else None


def _written(form: FormData) -> int:
    """How many fields and yearly figures hold a value."""
    values = [*form.fields.values(), *(v for per in form.yearly.values() for v in per.values())]
    return sum(1 for v in values if not v.empty and (v.value is not None or not v.ok))


def _sheet_form(book: Workbook, sheet: Sheet, campaign: Campaign) -> FormData | None:
    """The form on one sheet: by the defined names that point into it, else by its labels — also when the names
    no longer point at their fields (_names_astray: rows inserted or deleted by a program that does not move
    defined names), then with a warning; a field whose name points at a row or cell labelled otherwise (a block
    of rows pasted in another order, a row inserted above it) is read by its label, with a warning naming it."""
    names = _names_into(book, sheet)
    form = form_by_defined_names(book, campaign, names=names) if names else None
    if form is not None:
        stale, astray = _names_astray(sheet, names, campaign)
        unfilled = [spec for spec in _unfilled(form, campaign) if spec not in astray]
        if stale or astray or unfilled:
            by_labels = form_by_labels(Workbook(sheets=[sheet]), campaign, max_sheets=1)
            if by_labels is not None and stale:
                return replace(by_labels, warnings=(_names_warning(sheet, "各栏目", "（可能用其他软件插入或删除过行），"
                                                                                 "已按栏目名称读取"),))
            if by_labels is not None:
                form = _read_by_labels(form, by_labels, astray, sheet, unfilled=unfilled)
    if form is None:
        form = form_by_labels(Workbook(sheets=[sheet]), campaign, max_sheets=1)
    return form


def _names_warning(sheet: Sheet, fields: str, how: str) -> Issue:
    """The warning that ``fields`` of ``sheet`` were read by their labels, the template's defined names (its hidden
    markers of where each field is) pointing elsewhere; ``how`` says what happened and what was read."""
    return make_issue("field.invalid", location=f"{sheet.name}工作表", field="申请表模板", severity=WARNING,
                      value=fields, message=f"“{sheet.name}”工作表中{fields}的位置与模板中隐藏的栏目定位错位了{how}。",
                      fix="请核对回执中读到的各栏目内容；如有读错，请在省厅下发的空白申请表模板中重新填写。")


def _unfilled(form: FormData, campaign: Campaign) -> list:
    """The required fields and the yearly figures whose defined names point at empty cells (a yearly figure: every
    year's): rows inserted or deleted, or the figures pasted a few rows off, may leave the names on an empty row
    while the labelled row holds them (_read_by_labels takes them from there)."""
    out = [spec for spec in campaign.fields if spec.required and (v := form.fields.get(spec.key)) is not None
           and v.empty]
    for spec in campaign.yearly:
        per_year = form.yearly.get(spec.key) or {}
        if per_year and all(v.empty for v in per_year.values()):
            out.append(spec)
    return out


def _read_by_labels(form: FormData, by_labels: FormData, astray: list, sheet: Sheet, *,
                    unfilled: list = ()) -> FormData:
    """``form`` (read by defined names) with each field of ``astray`` — whose name points at a cell labelled
    otherwise — taken from ``by_labels`` where its label is found elsewhere (a yearly figure: every year, from
    its labelled row), and likewise each field of ``unfilled`` (its named cells empty) where its labelled cells
    hold something; a warning naming those fields and where they were read; ``form`` itself when labels find
    none of them elsewhere."""
    fields, yearly, moved = dict(form.fields), dict(form.yearly), []
    order = {key: n for n, key in enumerate((*form.fields, *form.yearly))}  # (the campaign's order)
    for spec in sorted((*astray, *unfilled), key=lambda spec: order.get(spec.key, len(order))):
        filled_only = spec not in astray
        if spec.yearly:
            labelled, named = by_labels.yearly.get(spec.key) or {}, form.yearly.get(spec.key) or {}
            where = [v.location for v in labelled.values()]
            if filled_only and all(v.empty for v in labelled.values()):
                continue
            if where and where != [v.location for v in named.values()]:
                yearly[spec.key] = labelled
                moved.append((spec.key, _row_of(where[0])))
        else:
            labelled, named = by_labels.fields.get(spec.key), form.fields.get(spec.key)
            if filled_only and (labelled is None or labelled.empty or not _same_column(labelled, named)):
                continue  # (a note under the table, '摘要：不超过500字', is not the 摘要 the form left empty)
            if labelled is not None and (named is None or labelled.location != named.location):
                fields[spec.key] = labelled
                moved.append((spec.key, labelled.location.rsplit("!", 1)[-1]))
    if not moved:
        return form
    read = "、".join(f"{key}（{where}）" for key, where in moved)
    return replace(form, fields=fields, yearly=yearly, warnings=(*form.warnings, _names_warning(
        sheet, "、".join(f"“{key}”" for key, _ in moved), f"（可能复制粘贴或插入过行），已按栏目名称读取：{read}")))


def _same_column(value, other) -> bool:
    """Whether two cell values stand in the same column (rows inserted or deleted shift a field down or up its
    column; a text elsewhere on the sheet is something else)."""
    cells = [parse_cell_ref(v.location.rsplit("!", 1)[-1]) if v is not None else None for v in (value, other)]
    return None not in cells and cells[0][1] == cells[1][1]


def _row_of(location: str) -> str:
    """'第14行' for a cell location such as '基本情况!C14'."""
    m = re.search(r"(\d+)$", location)
    return f"第{m.group(1)}行" if m else location


def _names_astray(sheet: Sheet, names: dict, campaign: Campaign) -> tuple[bool, list]:
    """(stale, astray): whether the template's defined names point at other fields than their own, and the
    fields whose name points at a cell not labelled as theirs. For each named field's cell (a yearly figure's
    first year: a row each), the nearest label to its left in its row (match_label) — the field's own in the
    template — is compared with the field. Stale: at least two, and at least half of those with a label, naming
    another field (a row inserted above them by openpyxl or POI, which do not move names, shifts every name by a
    row). Astray: the nearest label names another field, or the nearest text to the left is no field's label
    (a row '其中：出口收入' inserted above 利润总额, or the enterprise's own rows pasted in another order); a yearly
    field is astray, and counts as naming another field, when a year's name points into a column headed by
    another year (_years_astray: columns inserted before 2018 the same way)."""
    table = label_table(campaign)
    specs = {spec.defined_name(): spec for spec in campaign.fields}
    specs.update({spec.defined_name(campaign.base_years[0]): spec for spec in campaign.yearly})  # (a row each)
    labelled = other = 0
    astray = []
    for name, (_sheet_name, r, c) in names.items():
        spec = specs.get(name)
        if spec is None:
            continue
        first_text = True
        for cc in range(c - 1, -1, -1):
            value = sheet.value(r, cc)
            found, _rank = match_label(value, table)
            if found is not None:
                labelled += 1
                other += found.key != spec.key
                if found.key != spec.key and first_text:
                    astray.append(spec)
                break
            if first_text and isinstance(value, str) and value.strip():
                first_text = False
                astray.append(spec)
    shifted = _years_astray(sheet, names, campaign)
    astray += [spec for spec in shifted if spec not in astray]
    other += len(shifted)
    labelled += len(shifted)
    return other >= 2 and 2 * other >= labelled, astray


def _years_astray(sheet: Sheet, names: dict, campaign: Campaign) -> list:
    """The yearly fields one of whose defined names points into a column headed by another year (columns inserted
    or deleted by a program that does not move defined names: the 2018 name on a column headed 2016). A year's
    column header is the nearest cell naming a year within the ten rows above the topmost cell its names point at
    (the table's first row of figures): above a lower row the cells are figures, and one of 2,000 万元 is no
    year — taken for one, it read a sound form a second time by its labels."""
    top: dict[int, tuple[int, int]] = {}  # year -> (row, column) of the topmost cell a name of that year points at
    for spec in campaign.yearly:
        for year in campaign.base_years:
            target = names.get(spec.defined_name(year))
            if target is not None and (year not in top or target[1] < top[year][0]):
                top[year] = (target[1], target[2])
    wrong = set()
    for year, (r, c) in top.items():
        headed = next((y for rr in range(r - 1, max(-1, r - 11), -1)
                       if (y := _year_of(sheet.value(rr, c))) is not None), None)
        if headed is not None and headed != year:
            wrong.add(year)
    return [spec for spec in campaign.yearly if any(spec.defined_name(year) in names for year in wrong)]


def read_forms(book: Workbook, campaign: Campaign, file: str = "") -> list[FormData]:
    """Every enterprise's 申请表 in the workbook, in sheet order (usually one).

    Each visible worksheet is read alone (hidden ones only when no visible sheet holds a form). Sheets with a
    filled form naming different 申报单位 give one FormData each. When several sheets hold the same enterprise's
    form, or a blank original sits beside a filled copy (a copied template sheet, whose defined names are
    duplicated as sheet-scoped names), the filled one is read — the sheet that opens first when it is filled — and
    a warning says which sheet was read. Values are as the sheet shows them (see ``_as_shown``).
    """
    candidates = []
    for hidden in (False, True):  # hidden sheets only when no visible sheet holds a form
        for order, sheet in enumerate(s for s in book.sheets if s.hidden == hidden):
            form = _sheet_form(book, sheet, campaign)
            if form is not None:
                candidates.append((order, sheet, form, _written(form)))
        if candidates:
            break
    # a filled form: most of what the fullest sheet holds (a 填表说明 sheet echoing some labels is not one)
    top = max((c[3] for c in candidates), default=0)
    filled = [c for c in candidates if c[3] >= max(3, 0.6 * top)]
    groups: dict = {}
    for cand in filled:
        groups.setdefault(normalize_name(cand[2].text("申报单位")), []).append(cand)
    named = {k: v for k, v in groups.items() if k}
    notes = _notes_by_location(book)
    if len(named) >= 2:  # several enterprises' forms, one per sheet
        chosen = sorted((_best(group, book.active) for group in named.values()), key=lambda c: c[0])
        forms = [_finish(c[2], campaign, file, notes, book) for c in chosen]
        left = [c for c in candidates if all(c[1] is not k[1] for k in chosen)]
        if left:  # nothing ignored silently: a sheet that looks like a form but was not read as one
            forms[0] = replace(forms[0], warnings=(*forms[0].warnings, *(_unread_sheet(c, file) for c in left)))
        return forms
    if filled:
        best = _best(filled, book.active)
        form = best[2]
        scanned = [s for s in book.sheets if not s.hidden][:3]  # the sheets form_by_labels reads
        if form.source == "labels" and any(s is not best[1] for s in scanned):  # others may add what it lacks
            whole = form_by_labels(book, campaign, prefer=best[1].name)
            form = replace(whole, warnings=form.warnings) if whole is not None else form
    else:
        form = form_by_defined_names(book, campaign) or form_by_labels(book, campaign)
        best = None
        if form is None:
            return []
    extra = []
    if best is not None and len(candidates) > 1:
        others = "、".join(f"“{c[1].name}”" for c in candidates if c[1] is not best[1])
        extra.append(make_issue(
            "field.invalid", file=file, location=f"{best[1].name}工作表", field="申请表工作表", severity=WARNING,
            value=best[1].name, message=f"工作簿中有{len(candidates)}个申请表工作表（另有{others}），已读取填写了内容的"
                                        f"“{best[1].name}”工作表。",
            fix="如要提交的是另一个工作表，请删除多余的申请表工作表后重新提交。"))
    return [_finish(form, campaign, file, notes, book, extra)]


def _unread_sheet(candidate, file: str):
    """A warning for a sheet that holds a form-like layout not read as an application."""
    _order, sheet, form, written = candidate
    enterprise = form.text("申报单位")
    why = (f"申报单位为“{enterprise}”，与其他工作表重复，已读取内容更完整的工作表" if enterprise
           else f"只填写了{written}项且没有填写申报单位")
    return make_issue(
        "field.invalid", file=file, location=f"{sheet.name}工作表", field="申请表工作表", severity=WARNING,
        value=sheet.name, message=f"“{sheet.name}”工作表像是申请表，但{why}，没有作为一项申报读取。",
        fix="如果它是另一家企业的申请表，请填写完整（含申报单位）后重新提交；否则请删除该工作表。")


def _best(group: list, active: str):
    """The sheet to read among several holding a form: the one that opens first, else the fullest, else the first."""
    return min(group, key=lambda c: (c[1].name != active, -c[3], c[0]))


def finish_form(form: FormData, campaign: Campaign, file: str, book: Workbook) -> FormData:
    """A form read from ``book``'s cells as its values are meant (_as_shown: money typed with its unit or labelled
    in 元 / 亿元 in 万元, with a warning naming the cell; characters XML cannot hold noted) — for a form read from
    something other than a workbook's sheets (a Word 申请书's table: documents.from_docx), as read_forms does
    for a workbook's."""
    return _finish(form, campaign, file, {}, book)


def _finish(form: FormData, campaign: Campaign, file: str, notes: dict, book: Workbook,
            extra: list = ()) -> FormData:
    fields, yearly, unit_warnings = _as_shown(form, campaign, file, notes, book)
    warnings = [*extra, *(replace(w, file=file) for w in form.warnings), *_xml_warnings(fields, file),
                *unit_warnings]
    return FormData(fields=fields, yearly=yearly, source=form.source, warnings=tuple(warnings))


# ---------------------------------------------------------------- values as the sheet shows them

_UNIT_IN_LABEL = re.compile(r"(?:[（(]\s*(?:单位\s*[:：]\s*)?|单位\s*[:：]\s*)(亿元|万元|千元|百元|元)\s*[)）]?")


def _notes_by_location(book: Workbook) -> dict:
    """Location text ('申请表!C12') -> (sheet, r, c, CellNote) for every cell a reader annotated."""
    out = {}
    for sheet in book.sheets:
        for (r, c), note in sheet.notes.items():
            out[sheet.location(r, c)] = (sheet, r, c, note)
    return out


def _row_unit(sheet: Sheet, r: int, c: int) -> str:
    """The money unit the row's label gives ('资产总额（元）' -> '元'), '' when none; cells left of column c."""
    for cc in range(c - 1, -1, -1):
        v = sheet.value(r, cc)
        if isinstance(v, str):
            m = _UNIT_IN_LABEL.search(v)
            if m:
                return m.group(1)
    return ""


def _as_shown(form: FormData, campaign: Campaign, file: str, notes: dict, book: Workbook):
    """(fields, yearly, warnings): formulas without a result become field.invalid values; money figures in 万元 —
    a number format that scales or labels the unit, or a row label in 元, converts the figure to 万元 with a
    warning naming the cell (ECMA-376 Part 1 §18.8.31 numFmt)."""
    warnings = []

    def problem(v: Value) -> Value:
        hit = notes.get(v.location)
        if hit is not None and hit[3].problem:
            return Value(value=None, text=hit[3].formula, location=v.location, ok=False, empty=False,
                         note=hit[3].problem)
        return v

    fields = {key: problem(v) for key, v in form.fields.items()}
    specs = {spec.key: spec for spec in campaign.yearly}
    yearly = {}
    for key, per_year in form.yearly.items():
        spec = specs.get(key)
        out = {}
        for year, v in per_year.items():
            v = problem(v)
            if v.ok and isinstance(v.value, (int, float)) and spec is not None:
                v = _in_unit(v, spec, year, notes, book, file, warnings)
            out[year] = v
        yearly[key] = out
    return fields, yearly, warnings


_TYPED_UNIT = re.compile(r"\d\s*(亿元|万元|千元|百元|元|亿|万)$")  # a money unit typed after the figure


def _in_unit(v: Value, spec, year: int, notes: dict, book: Workbook, file: str, warnings: list) -> Value:
    hit = notes.get(v.location)
    note = hit[3] if hit else None
    cell = book.cell_at(v.location)
    label_unit = _row_unit(cell[0], cell[1], cell[2]) if cell else ""
    money = spec.unit == "万元"
    # the unit typed with the figure ('520,000,000元', '3.8亿元') first, then the number format's, then the label's
    typed = _TYPED_UNIT.search(normalize_label(v.text)) if money and isinstance(v.text, str) else None
    typed_unit = {"亿": "亿元", "万": "万元"}.get(typed.group(1), typed.group(1)) if typed else ""
    unit = typed_unit or (note.unit if note is not None and note.unit else "") or (label_unit if money else "")
    factor = unit_factor(unit) if money and unit else 1.0
    factor = 1.0 if factor is None else factor
    scaled = note is not None and note.scaled
    if factor == 1.0 and not scaled:
        return v
    value = round(v.value * factor, 6)
    how = []
    if note is not None and (note.scaled or note.unit):
        how.append(f"单元格中存的是{plain_number(note.stored)}，数字格式把它显示为“{note.shown}”")
    if unit and unit != "万元" and money:
        how.append(f"填写的“{v.text}”单位是“{unit}”" if typed_unit else f"金额单位是“{unit}”而不是“万元”")
    # the catalogue's fix names the cell ("请核对申请表 C15 单元格的数据"), so the reason need not
    reason = f"{year}年{spec.key}：{'，'.join(how)}，已按{plain_number(value)}{spec.unit or ''}读取。"
    warnings.append(make_issue("finance.suspicious", file=file, location=v.location, field=f"{year}年{spec.key}",
                               severity=WARNING, reason=reason))
    return Value(value=value, text=v.text, location=v.location, ok=True, empty=False, note=v.note)


# ---------------------------------------------------------------- ranking sheet

_RANK_HEADERS = ("推荐顺序", "排序", "推荐排序", "序号", "排名", "顺序")


# a rank as clerks type it, after NFKC (normalize.compact: '１', '①' and '⑴' are '1', '(1)'): '1', '第1名', '1.',
# '1、', '(1)', '【1】', '1st', '2nd', 'No.1', '#1', 'Top1' — the number; '第一', '一', '十二', '第二十名' in words
_RANK_TEXT = re.compile(r"(?:no\.?|#|top)?[(\[【〔]?第?(\d+|[一二三四五六七八九十]{1,3})[)\]】〕]?"
                        r"(?:st|nd|rd|th|[名位项个.、,，])?", re.IGNORECASE)


def _rank_number(value) -> int | None:
    """A 推荐顺序 cell -> the rank it gives (1, 2, …), or None: blank, 0 or below, a fraction, or not a rank
    (_RANK_TEXT: '1', '第2名', '3.', '(1)', '①', '1st', 'No.2', '第一', '十二'; full-width forms read as their
    ASCII ones)."""
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, (int, float)):
        return int(value) if float(value).is_integer() and value > 0 else None
    m = _RANK_TEXT.fullmatch(compact(str(value)))
    number = (int(m.group(1)) if m.group(1).isdigit() else chinese_count(m.group(1))) if m else None
    return number or None  # ('0' typed as text is no rank, as the number 0 is not)


# what says a unit withdraws an application in a 推荐排序表's 推荐顺序, 备注, 说明 or 状态 cell, as clerks write it
# ('撤回', '取消推荐', '企业不参加了', '不报了' …), longest first (the regex takes the first alternative that matches)
_WITHDRAW_WORDS = (
    "不再推荐", "不再申报", "不再参加", "不再参评", "不再报送", "不再参与",
    "取消推荐", "取消申报", "取消参评", "取消报送", "取消资格", "暂不推荐", "暂不申报", "暂不参加", "不予推荐",
    "停止推荐", "停止申报", "终止推荐", "终止申报", "申请退出", "自愿退出",
    "不参加", "不参与", "不参评", "不参选", "不申报", "不报送", "不报了", "不推荐", "不报",
    "撤回", "撤销", "撤下", "撤掉", "撤出", "撤除", "撤报", "退出", "放弃", "弃权", "取消")
_WITHDRAWN = re.compile("|".join(sorted(_WITHDRAW_WORDS, key=len, reverse=True)))
# a 撤回 word said not to happen: '不撤回', '保留，未撤销', '无需撤回', '不取消' (before it), '撤回：否' (after it)
_NOT_BEFORE = re.compile(r"(?:不|未|无需|无须|不需|不必|勿|没有|没|并非|不是)\s*$")
_NOT_AFTER = re.compile(r"[：:\s]*[否无不]\s*(?:$|[，,。；;）)])")  # '撤回：否' — not '撤回 不参加本次推荐'
_YES_AFTER = re.compile(r"[：:\s]*[是√✓]\s*(?:$|[，,。；;）)])")  # '是否撤回：是'
# a withdrawal undone: '取消撤回', '撤销退出', '放弃撤回' — the verb right before another 撤回 word takes it back
_UNDOING = ("取消", "撤销", "放弃")
# a withdrawal not decided: '可能撤回', '拟撤回', '是否撤回' (right before it), '如不能补正则撤回' (a condition in its
# clause), '撤回待定', '撤回？' (after it)
_HEDGE_BEFORE = re.compile(r"(?:可能|或许|也许|或将|考虑|拟|准备|打算|计划|想|是否|或)(?:要|将|会|申请)?\s*$")
_CONDITION = re.compile(r"如果|如需|若需|假如|万一|如(?![期实下上此何今])|若")
_HEDGE_AFTER = re.compile(r"待定|待议|再定|未定|待确认|尚未确定|不确定|[？?]")
# a withdrawal taken back in the same cell: '已撤回，现恢复推荐'
_RESTORED = re.compile(r"恢复|重新推荐|重新申报|继续推荐|继续申报|继续参加")
# words that sound like taking an application out but are none of the above: '暂缓', '删除', '作废', bare '撤'
_UNSURE = re.compile(r"暂缓|缓报|缓推|删除|删掉|去掉|划掉|作废|不要了|搁置|撤(?![回销下掉出除报])")
_CLAUSE_START = re.compile(r"[，,。；;、]")
# a bare verb (撤回, 取消, 撤销, 放弃 …) may take an object: the application ('撤回该企业', '取消其推荐资格', '撤回申报
# 材料') or a file or part of it ('撤回原申请表，以修改版为准', '取消了附件3', '撤下旧版材料') — the latter withdraws nothing
_BARE_VERBS = frozenset(("撤回", "撤销", "撤下", "撤掉", "撤出", "撤除", "撤报", "退出", "放弃", "取消"))
_OBJECT = re.compile(r"(?:了|掉|的)*([^，,。；;、（(）)【】\[\]!！?？\s]*)")
_PART = re.compile(r"附件|扫描|证明|证书|图片|照片|附表|页|章节|部分|名称|数据|字样|签字|盖章|印章|照")
_FILE = re.compile(r"材料|文件|申请表|申请书|总结|表格|版|稿|word|excel|pdf|xlsx?|docx?", re.IGNORECASE)
_EARLIER = re.compile(r"原|旧|老|之前|前一|上一|上次|重复|多余|错|第一|初|草")
_THE_APPLICATION = re.compile(r"^(?:本|该|此|其|这)|企业|公司|厂|集团|项目|申报|推荐|资格|参评|评选|名额|标杆|全部|所有")
# a withdrawal that speaks of versions ('撤回，以修改版为准'): a file replaced, maybe not the application withdrawn
_VERSIONS = re.compile(r"修改版|修订版|更正版|新版|最新版|替换|为准")

_YES = re.compile(r"(?:是|√|✓|✔|☑|y|yes)[。.！!]?", re.IGNORECASE)  # a yes and nothing more ('是企业原因' is none)


def _withdrawal(value) -> bool | None:
    """What a 推荐顺序, 备注, 说明 or 状态 cell says of withdrawing the application: True — it withdraws (撤回, 撤销,
    退出, 放弃, 不再推荐, 取消推荐, 取消, 不参加, 企业不参加了, 不申报, 不报了 …); False — it says nothing of it, or
    says not to ('保留，不撤回', '撤回：否', '不取消', '取消撤回', '恢复推荐'); None — it has a word that may mean
    withdrawing and is not taken as one: hedged ('可能撤回', '如不能补正则撤回', '撤回待定', '是否撤回'), taken back
    in the same cell ('已撤回，现恢复推荐'), only sounding like it ('暂缓', '删除', '作废'), a bare 撤回 word taking
    something else than the application ('撤回第2名', _object_of) or speaking of versions ('撤回，以修改版为准'). A
    bare word taking a file or part of it ('撤回原申请表', '取消了附件3') says nothing of the application."""
    if not isinstance(value, str) or not value.strip():
        return False
    matches = list(_WITHDRAWN.finditer(value))
    said, firm, unsure, undone = False, False, False, set()  # firm: said by a word with its object
    for n, m in enumerate(matches):
        if n in undone:
            continue
        following = matches[n + 1] if n + 1 < len(matches) else None
        if m.group() in _UNDOING and following is not None and following.start() == m.end():
            undone.add(n + 1)  # '取消撤回': the withdrawal is taken back
            continue
        before = value[:m.start()]
        if _NOT_BEFORE.search(before[-4:]) or _NOT_AFTER.match(value, m.end()):
            continue
        clause = before[max((c.end() for c in _CLAUSE_START.finditer(before)), default=0):]
        if _YES_AFTER.match(value, m.end()):
            said = firm = True  # '是否撤回：是'
        elif _HEDGE_BEFORE.search(before) or _CONDITION.search(clause) or _HEDGE_AFTER.search(value, m.end()):
            unsure = True
        elif m.group() in _BARE_VERBS and (taken := _object_of(value, m.end())) is not True:
            unsure = unsure or taken is None  # a file of it withdrawn ('撤回原申请表'): nothing said of the application
        else:
            said, firm = True, firm or m.group() not in _BARE_VERBS
    restored = _RESTORED.search(value) is not None or (said and not firm and _VERSIONS.search(value) is not None)
    if said and not restored:
        return True
    if said or unsure or (not undone and not restored and _UNSURE.search(value)):
        return None
    return False


def _object_of(value: str, end: int) -> bool | None:
    """What a bare 撤回 word (_BARE_VERBS) ending at ``end`` of ``value`` takes, from the rest of its clause: True —
    nothing, or the application ('撤回', '撤回（企业要求）', '撤回该企业', '退出本次评选'); False — a file or part of it
    ('撤回原申请表', '取消了附件3', '撤下旧版材料'); None — something else ('撤回申请表', '撤回第2名'), not taken."""
    taken = _OBJECT.match(value, end).group(1)
    if not taken:
        return True
    if _PART.search(taken) or (_FILE.search(taken) and _EARLIER.search(taken)):
        return False
    return True if _THE_APPLICATION.search(taken) else None


def _says_withdrawn(value) -> bool:
    """Whether a 推荐顺序, 备注, 说明 or 状态 cell says the unit withdraws the application (``_withdrawal``)."""
    return _withdrawal(value) is True


def _unsure_withdrawal(column: str, text: str, *, enterprise: str, file: str, location: str) -> Issue:
    """The warning on a cell (under ``column``, holding ``text``) of a 推荐排序表 that may mean withdrawing
    ``enterprise`` and was not taken as 撤回."""
    return make_issue("field.invalid", file=file, location=location, field=column, severity=WARNING, value=text,
                      reason=f"未按撤回处理（不能确定是否要撤回“{enterprise}”），该项目仍按推荐顺序汇总",
                      fix=f"如要撤回“{enterprise}”，请在它的“推荐顺序”栏写“撤回”；不撤回的，可删去这几个字或忽略本提示。")


# the toolkit's own 推荐排序表 (render.ranking_sheet) has a 当前状态 column holding the status it last gave each
# application, and 备注 '材料已移出' beside an application withdrawn by moving its files out
_STATUS_HEADER = "当前状态"
_OWN_STATUSES = frozenset(STATUSES)
_FILES_MOVED_OUT = "材料已移出"


def _status_typed(value, note) -> object:
    """A 当前状态 cell of the toolkit's own 推荐排序表 as the clerk's word: '' when it holds a status the toolkit wrote
    ('通过', '超出名额' …; '已撤回' beside 备注 '材料已移出', which files sent again must not stay withdrawn by), else
    the cell — a 撤回 typed over '通过' withdraws as one in 备注 does."""
    text = to_text(value).value if isinstance(value, str) else value
    if text in _OWN_STATUSES and (text != WITHDRAWN or to_text(note).value == _FILES_MOVED_OUT):
        return ""
    return value


def _answers_withdrawn(value) -> bool:
    """Whether a cell of a 是否撤回 column answers yes: 是 (√, ✓, Y, yes, TRUE), or says 撤回 as _says_withdrawn reads
    it; 否, 不, blank and anything else do not withdraw."""
    if value is True:
        return True
    text = (to_text(value).value or "").strip() if isinstance(value, str) else ""
    return bool(_YES.fullmatch(text)) or _says_withdrawn(text)


_DATE_LABELS = ("成文日期", "推荐意见日期", "落款日期")


def _written_date(value) -> str:
    """A 成文日期 cell as the clerk wrote it ('' when empty): a date cell in GB/T 9704 form, text as typed."""
    return official_date(value) if isinstance(value, (dt.date, dt.datetime)) else (to_text(value).value or "")


def _date_label(text) -> tuple[bool, str]:
    """(whether a cell is a 成文日期 label — 成文日期, 推荐意见日期, 落款日期, with a bracketed note after it or not —,
    the date written after its '：' in the same cell, or '')."""
    if not isinstance(text, str):
        return False, ""
    label, _sep, rest = text.strip().replace(":", "：").partition("：")
    return normalize_label(re.sub(r"[（(][^）)]*[）)]\s*$", "", label)) in _DATE_LABELS, rest.strip()


def _date_in_row(sheet, r: int, columns: range) -> tuple[str, str] | None:
    """(the date as written, its location) in row ``r`` when one of ``columns`` holds a 成文日期 label: after its
    '：', else in the cell right of it (past the label's merged cells), else — that cell empty — a date typed over
    the hint beyond it, or a short text with a figure typed there ('9月18日': a date opinion_date then warns on);
    the hint itself (a sentence naming an example date) is not taken; ('', '') for a label whose value cell is
    empty; None for a row without a label."""
    for c in columns:
        is_label, after = _date_label(sheet.value(r, c))
        if not is_label or sheet.anchor(r, c) != (r, c):
            continue
        if after:
            return after, sheet.location(r, c)
        cells = [cc for cc in range(c + 1, sheet.width) if sheet.anchor(r, cc) == (r, cc)]  # (past merged cells)
        if not cells:
            return "", ""
        written = _written_date(sheet.value(r, cells[0]))
        if written:
            return written, sheet.location(r, cells[0])
        # the value cell left empty and a date typed over the hint beside it ('推荐意见的落款日期，如…'): taken when
        # it is a date and nothing more — the hint itself, which names an example date, is not
        beside = sheet.value(r, cells[1]) if len(cells) > 1 else None
        typed = isinstance(beside, str) and len(beside.strip()) <= 20 and re.search(r"\d", beside) is not None
        if official_day(beside) is not None or typed:  # (a short text with a figure: a date, or one to warn on)
            return _written_date(beside), sheet.location(r, cells[1])
        return "", ""
    return None


def _sheet_date(sheet, header_row: int) -> tuple[str, str]:
    """(the date as written, its location) of the 成文日期 cell above a 推荐排序表's header row; ('', '') when there
    is none."""
    for r in range(header_row):
        found = _date_in_row(sheet, r, range(sheet.width))
        if found is not None:
            return found
    return "", ""


def _rows_beyond(sheet: Sheet, file: str, rank_col: int) -> Issue:
    """rank.missing, a warning on a 推荐排序表 filled down to the last row read (grid.MAX_ROWS: a worksheet is read
    that far): rows below it are not read, and the applications they list are told they are not in the sheet —
    this says why. (A unit's sheet lists its applications, a few; the toolkit's own lists every one it sent.)"""
    return make_issue("rank.missing", file=file, location=sheet.location(MAX_ROWS - 1, rank_col), field="推荐顺序",
                      severity=WARNING,
                      message=f"推荐排序表只读取到第{MAX_ROWS}行，下面如果还有行，其中的项目按未列入推荐排序表处理。",
                      fix=f"推荐排序表只需列出本单位报送的项目，请删去已撤回或多余的行，使表格不超过{MAX_ROWS}行。")


# rows of a 推荐排序表 that list no application — what clerks put under or between the entries: a signature or
# contact line ('经办人：张三 联系电话：…', '推荐单位（盖章）：…', '注：…'), a filler ('以下空白', '（以下为补报）'), a
# total ('合计 | 3项')
_LABELLED_LINE = re.compile(r"^[^：:，,。；;]{1,16}[：:]")  # a label and its colon first: no enterprise's name has one
_FILLER = re.compile(r"^(?:以下(?:空白|无.{0,4}|为.{0,8}|略)|[（(【\[〔][^）)】\]〕]*[）)】\]〕])$")
_TOTALS = frozenset(("合计", "总计", "小计", "共计", "注", "说明", "备注", "附注"))


def _lists_no_application(name: str, raw_rank) -> bool:
    """Whether a 推荐排序表 row whose 推荐顺序 gives no rank (``raw_rank`` as read) and whose 申报单位 cell holds
    ``name`` is a line of the form rather than an entry: a signature or contact line, a filler or a section note, a
    total or a note (in either cell) — not an enterprise that did not apply (rank.conflict, which drafts the unit's
    推荐意见). A row with a rank, or whose 推荐顺序 says 撤回, is an entry whatever its name cell holds."""
    if _rank_number(raw_rank) is not None or _withdrawal(raw_rank):
        return False
    texts = [compact(name), compact(raw_rank) if isinstance(raw_rank, str) else ""]
    return any(t and (_LABELLED_LINE.match(t) or _FILLER.match(t) or t.rstrip("：:") in _TOTALS) for t in texts)


def read_ranking(book: Workbook, file: str = "") -> tuple[list[RankingRow], list[tuple[str, str]], list[Issue]] | None:
    """A 推荐排序表: (its rows, its 成文日期 cells: (as written, where) each, the one above the table first, then
    each 落款 row's under it, warnings on it); None when no header row with 推荐顺序 (or 序号, 排名 …) and 申报单位
    (or 企业名称 …; else 标杆名称: a sheet naming the benchmarks only, each row matched by it) is found.

    Lines of the form that list no application (a signature or contact line, '以下空白', '合计':
    _lists_no_application) are passed over. A row whose 推荐顺序, 备注, 说明 or 状态 says 撤回 (撤销, 退出, 放弃,
    不再推荐, 取消推荐, 不参加 …; not '不撤回', '取消撤回': _withdrawal), or whose 是否撤回 column answers 是
    (_answers_withdrawn), is marked withdrawn; a row that is not, whose cell has a word that may mean withdrawing
    ('可能撤回', '暂缓', '删除'), gets a warning (in ``file``) that it was not taken as 撤回 and how to withdraw.
    The date the unit's 推荐意见 carries comes from the 成文日期 cell above the table (``_sheet_date``, what the
    toolkit's sheet has), a 落款 row under it or, in a sheet made by hand, a 成文日期 column (each row's own, in the
    row): all are kept, for assemble.opinion_date to take the one date or warn of different ones.
    """
    for sheet in [s for s in book.sheets if not s.hidden][:3]:
        for r in range(min(sheet.height, 15)):
            header = {normalize_label(str(v)): c for c, v in enumerate(sheet.rows[r]) if isinstance(v, str)}
            rank_col = next((header[h] for h in _RANK_HEADERS if h in header), None)
            name_col = next((header[h] for h in ("申报单位", "企业名称", "申请单位", "单位名称") if h in header), None)
            title_col = next((header[h] for h in ("标杆名称", "质量标杆名称") if h in header), None)
            if rank_col is None or (name_col is None and title_col is None):
                continue
            # the column naming the applications: 申报单位, else 标杆名称 (a sheet listing the benchmarks only)
            key_col = name_col if name_col is not None else title_col
            note_cols = [header[h] for h in ("备注", "说明", "状态") if h in header]
            status_col = header.get(_STATUS_HEADER)
            # a column asking whether to withdraw ('是否撤回', '撤回（是/否）'): a yes there withdraws
            answer_cols = [c for h, c in header.items() if _WITHDRAWN.search(h) and c not in (rank_col, key_col)]
            date_col = next((header[h] for h in _DATE_LABELS if h in header), None)  # not 日期: 收到日期 …
            above = _sheet_date(sheet, r)
            dates = [above] if above[0] else []
            rows, warnings = [], []
            for rr in range(r + 1, sheet.height):
                name = (to_text(sheet.value(rr, name_col)).value or "") if name_col is not None else ""
                title = (to_text(sheet.value(rr, title_col)).value or "") if title_col is not None else ""
                label = name if name_col is not None else title
                raw_rank = sheet.value(rr, rank_col)
                if not label and raw_rank in (None, ""):
                    continue
                below = _date_in_row(sheet, rr, range(min(rank_col, key_col), max(rank_col, key_col) + 1))
                if below is not None:  # a 落款 row under the table ('成文日期 | 2021年9月18日'): not an application
                    if below[0]:
                        dates.append(below)
                    continue
                if _lists_no_application(label, raw_rank):  # ('经办人：张三', '以下空白', '合计')
                    continue
                said = {c: _withdrawal(sheet.value(rr, c)) for c in (rank_col, *note_cols)}
                if status_col is not None:  # (the toolkit's sheet: a 撤回 typed over the status it wrote)
                    note = sheet.value(rr, header["备注"]) if "备注" in header else None
                    said[status_col] = _withdrawal(_status_typed(sheet.value(rr, status_col), note))
                withdrawn = True in said.values() or any(_answers_withdrawn(sheet.value(rr, c)) for c in answer_cols)
                if not withdrawn:
                    warnings.extend(_unsure_withdrawal(str(sheet.value(r, c)).strip(), str(sheet.value(rr, c)).strip(),
                                                       enterprise=label, file=file, location=sheet.location(rr, c))
                                    for c, says in said.items() if says is None)
                written = _written_date(sheet.value(rr, date_col)) if date_col is not None else ""
                number = _rank_number(raw_rank)
                rank = None if withdrawn else number
                # a rank typed that is no number ('√', 'A'): kept as typed, for the run to tell (never a blank);
                # a placeholder ('/', '—', '无') is a blank
                shown = to_text(raw_rank)
                typed = "" if withdrawn or rank is not None or shown.empty else shown.text.strip()
                rows.append(RankingRow(rank=rank, enterprise=name, benchmark_name=title or "",
                                       location=sheet.location(rr, rank_col), withdrawn=withdrawn, date_written=written,
                                       date_location=sheet.location(rr, date_col) if written else "", rank_text=typed,
                                       held=number if withdrawn else None))
            if sheet.height >= MAX_ROWS and any(sheet.value(MAX_ROWS - 1, c) not in (None, "")
                                                for c in (rank_col, key_col)):
                warnings.append(_rows_beyond(sheet, file, rank_col))
            return rows, dates, warnings
    return None


def ranking_extracted(book: Workbook, file: str = "") -> Extracted | None:
    """A 推荐排序表 read from ``book`` (read_ranking: its rows, its 成文日期 cells and where, its warnings) as what a
    file holds — a workbook, or a Word document's tables as sheets —, or None when it holds none."""
    sheet = read_ranking(book, file)
    if sheet is None:
        return None
    rows, dates, warnings = sheet
    return Extracted(kind=RANKING, ranking=tuple(rows), ranking_dates=tuple(dates), issues=tuple(warnings))
