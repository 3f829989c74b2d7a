"""The blank (or demo-filled) forms handed to enterprises: 申请表.xlsx, 申请书.docx (附件1 in Word), 总结材料.docx."""
from __future__ import annotations

import datetime as dt
import math
import re

import xlsxwriter
from docx.enum.table import (
    WD_CELL_VERTICAL_ALIGNMENT,
    WD_ROW_HEIGHT_RULE,
    WD_TABLE_ALIGNMENT,
)
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK
from docx.shared import Cm, Pt
from xlsxwriter.utility import xl_rowcol_to_cell

from ..campaign import Campaign
from ..keys import BENCHMARK
from .docx_style import (
    BODY_FONT,
    HEADING_FONT,
    SIZE_3,
    add_heading,
    add_paragraph,
    new_document,
    set_column_widths,
    set_core,
    set_font,
)
from .xlsx_style import formats, print_setup, write_cell

FORM_SHEET = "申请表"
LISTS_SHEET = "代码表"
FIXED_TIME = dt.datetime(2021, 8, 1, 9, 0, 0)


def write_form(target, campaign: Campaign, values: dict | None = None) -> None:
    """Write the 申请表 (附件1 一、申请表) with a defined name on every value cell.

    ``values``: field key -> value, and yearly key -> {year: value}. None writes the blank template.
    """
    values = values or {}
    wb = xlsxwriter.Workbook(target, {"strings_to_formulas": False, "strings_to_urls": False,
                                      "strings_to_numbers": False})
    wb.set_properties({"title": f"{campaign.title}申请表", "author": campaign.issuer, "created": FIXED_TIME,
                       "comments": "请勿修改栏目名称；在白色单元格中填写。"})
    f = formats(wb)
    ws = wb.add_worksheet(FORM_SHEET)
    lists = wb.add_worksheet(LISTS_SHEET)
    ws.activate()
    for col, width in enumerate(COLUMN_WIDTHS):
        ws.set_column(col, col, width)
    ws.merge_range("A1:F1", f"{campaign.title}申请表", f["title"])
    ws.set_row(0, 30)
    ws.merge_range("A2:F2", "说明：请在白色单元格中填写，栏目名称不可修改；金额单位为万元，从业人员单位为人。", f["note"])
    label = f["label"]
    row = 2  # row index of the first field row (Excel row 3)
    for group in _field_rows(campaign):
        for spec, (label_col, first_col, last_col) in zip(group, _SLOTS[len(group)]):
            ws.write(row, label_col, spec.template_label, label)
            fmt = f["input_text"] if spec.type in ("phone", "mobile") else f["input"]
            if last_col > first_col:
                ws.merge_range(row, first_col, row, last_col, None, fmt)
            write_cell(ws, row, first_col, values.get(spec.key), fmt)
            _define_names(wb, spec, None, f"='{FORM_SHEET}'!{xl_rowcol_to_cell(row, first_col, True, True)}")
            _validation(ws, row, first_col, spec, campaign)
        widths = [_slot_width(first, last) for _, first, last in _SLOTS[len(group)]]
        ws.set_row(row, max([_box_height(s, w) for s, w in zip(group, widths)] or [22]))
        row += 1
    # yearly block: 基本情况
    years = list(campaign.base_years)
    top = row + 1  # row index of the year header, after one blank row (Excel row 11 in 附件1)
    ws.merge_range(top, 0, top + len(campaign.yearly), 0, "基本情况", label)
    ws.write(top, 1, "年度", label)
    for i, year in enumerate(years):
        ws.write_number(top, 2 + i, year, label)
    for j, spec in enumerate(campaign.yearly, start=1):
        r = top + j
        ws.write(r, 1, spec.template_label, label)
        ws.set_row(r, 20)
        fmt = f["input_count"] if spec.type == "count" else f["input_money"]
        for i, year in enumerate(years):
            c = 2 + i
            write_cell(ws, r, c, (values.get(spec.key) or {}).get(year), fmt)
            _define_names(wb, spec, year, f"='{FORM_SHEET}'!{xl_rowcol_to_cell(r, c, True, True)}")
            _yearly_validation(ws, r, c, spec, year)
    last = top + len(campaign.yearly)
    ws.merge_range(last + 2, 0, last + 2, 5, "填表说明：1. 申报单位须与营业执照一致；2. 标杆名称按（企业）+（典型方法技术）+（经验）命名，"
                   f"{campaign.name_limit}字以内，如“{campaign.name_example}”；3. 近三年须连续盈利（利润总额大于0）。", f["note"])
    ws.set_row(last + 2, 45)
    # drop-down lists on a hidden sheet
    lists.write(0, 0, "所在地区")
    lists.write(0, 1, "所属行业")
    for i, region in enumerate(campaign.regions, start=1):
        lists.write_string(i, 0, region)
    for i, ind in enumerate(campaign.industries, start=1):
        lists.write_string(i, 1, ind.label)
    lists.hide()
    ws.protect("", {"format_cells": True, "format_columns": True, "format_rows": True, "select_locked_cells": True,
                    "select_unlocked_cells": True})
    print_setup(ws, landscape=False, header_rows=None)
    ws.print_area(0, 0, last + 2, 5)
    wb.close()


# where the label and the value box of each field of a row go, by how many fields share the row (columns A-F)
_SLOTS = {1: [(0, 1, 5)], 2: [(0, 1, 2), (3, 4, 5)], 3: [(0, 1, 1), (2, 3, 3), (4, 5, 5)]}
COLUMN_WIDTHS = (14, 18, 16, 16, 16, 18)  # columns A-F, in Excel's character units


def _slot_width(first: int, last: int) -> float:
    """The width (Excel character units) of a value box spanning columns ``first``..``last``."""
    return sum(COLUMN_WIDTHS[first:last + 1])


FONT_PT = 10.0  # xlsx_style's 宋体 10
LINE_PT = 13.5  # one line of 10 pt text in a row


def _box_height(spec, width_chars: float) -> float:
    """A value box's row height (points) that shows, and prints, the longest text its limit allows: the campaign's
    ``height``, or more when ``max_length`` 字 need it. An Excel character unit is about 7 px and a 10 pt CJK
    character 13⅓ px (96 dpi), so a box ``width_chars`` wide holds width×7/13.3 characters a line; a quarter more
    lines for punctuation pushed to the next line and paragraph breaks. Excel's limit is 409 pt."""
    height = spec.height or 22.0
    if spec.max_length > 60:
        per_line = max(1, int(width_chars * 7 / (FONT_PT * 96 / 72)) - 1)
        lines = math.ceil(spec.max_length / per_line * 1.25) + 1
        height = max(height, lines * LINE_PT)
    return min(height, 409.0)


_INVALID_NAME = re.compile(r"[^\w.]", re.UNICODE)


def chinese_name(spec, year: int | None = None) -> str:
    """The field's defined name as people read it in the Name Box: its key (申报单位, 利润总额_2018), characters Excel
    does not allow in a name (spaces, brackets) replaced by '_' (ECMA-376 Part 1 §18.2.5 definedName)."""
    key = _INVALID_NAME.sub("_", spec.key)
    return f"{key}_{year}" if year is not None else key


def _define_names(wb, spec, year: int | None, ref: str) -> None:
    """Two names for the value cell: the campaign's id (``FieldSpec.defined_name``, what extraction reads), hidden
    so that the Name Box and Name Manager show the Chinese one (ECMA-376 Part 1 §18.2.5: hidden="1" names are not
    shown in the user interface), and the Chinese name."""
    wb.define_name(spec.defined_name(year), ref)
    wb.defined_names[-1][3] = True  # xlsxwriter's [name, sheet index, formula, hidden]
    chinese = chinese_name(spec, year)
    if chinese != spec.defined_name(year):
        wb.define_name(chinese, ref)


def _field_rows(campaign: Campaign) -> list[list]:
    """The campaign's fields grouped into template rows: fields with the same ``row`` share one (at most three
    to a row), in the order the campaign file lists them; a field without ``row`` has a row of its own."""
    groups: dict = {}
    for n, spec in enumerate(campaign.fields):
        groups.setdefault(spec.row or f"own-{n}", []).append(spec)
    rows = []
    for group in groups.values():
        rows.extend(group[i:i + 3] for i in range(0, len(group), 3))
    return rows


def _validation(ws, row: int, col: int, spec, campaign: Campaign) -> None:
    """The data validation and input message of a field's value box, from its type and limits."""
    if spec.choices_from == "regions" and campaign.regions:
        ws.data_validation(row, col, row, col, {
            "validate": "list", "source": f"='{LISTS_SHEET}'!$A$2:$A${len(campaign.regions) + 1}",
            "input_title": spec.key, "input_message": f"从下拉列表中选择{spec.key}。", "error_type": "warning",
            "error_message": "请从下拉列表中选择。"})
    elif spec.choices_from == "industries" and campaign.industries:
        ws.data_validation(row, col, row, col, {
            "validate": "list", "source": f"='{LISTS_SHEET}'!$B$2:$B${len(campaign.industries) + 1}",
            "input_title": spec.key, "input_message": "按国民经济行业分类（GB/T 4754-2017）大类选择。",
            "error_type": "information", "error_message": "建议从下拉列表中选择行业大类。"})
    elif spec.choices:
        ws.data_validation(row, col, row, col, {
            "validate": "list", "source": list(spec.choices), "input_title": spec.key,
            "input_message": f"从下拉列表中选择{spec.key}。", "error_type": "warning",
            "error_message": "请从下拉列表中选择。"})
    elif spec.key == BENCHMARK:
        ws.data_validation(row, col, row, col, {
            "validate": "length", "criteria": "<=", "value": campaign.name_limit, "input_title": spec.key,
            "input_message": f"{campaign.name_limit}字以内，以“{campaign.name_suffix}”结尾。",
            "error_type": "warning", "error_message": f"{spec.key}不超过{campaign.name_limit}字。"})
    elif spec.max_length:
        ws.data_validation(row, col, row, col, {
            "validate": "length", "criteria": "<=", "value": spec.max_length, "input_title": spec.key,
            "input_message": f"{spec.max_length}字以内。" + (f"{spec.pattern_hint}。" if spec.pattern_hint else ""),
            "error_type": "warning", "error_message": f"{spec.key}不超过{spec.max_length}字。"})
    elif spec.pattern_hint:
        ws.data_validation(row, col, row, col, {
            "validate": "any", "input_title": spec.key, "input_message": f"{spec.pattern_hint}。"})


def _yearly_validation(ws, r: int, c: int, spec, year: int) -> None:
    """Numbers only, within the field's minimum/maximum; the input message says the unit and what may be negative."""
    if spec.type == "count":
        ws.data_validation(r, c, r, c, {
            "validate": "integer", "criteria": ">=", "value": int(spec.minimum or 0), "input_title": spec.key,
            "input_message": f"{year}年{spec.key}，单位：{spec.unit or '人'}，填整数。", "error_type": "warning",
            "error_message": f"{spec.key}应为不小于{int(spec.minimum or 0)}的整数。"})
        return
    low = -1e9 if spec.minimum is None else spec.minimum
    high = 1e9 if spec.maximum is None else spec.maximum
    if spec.minimum is not None:
        sign = "（不能为负数）"
    else:
        sign = "（亏损填负数）" if "eligibility" in spec.rules else "（可填负数）"
    ws.data_validation(r, c, r, c, {
        "validate": "decimal", "criteria": "between", "minimum": low, "maximum": high, "input_title": spec.key,
        "input_message": f"{year}年{spec.key}，单位：{spec.unit or '万元'}，填数字{sign}。",
        "error_type": "warning", "error_message": f"请填写数字，单位为{spec.unit or '万元'}。"})


GUIDANCE = {
    "质量标杆名称": "命名规则：（企业）+（典型方法技术）+（经验）。如：{example}。",
    "摘要": "简要介绍应用的管理方法（技术）、推进情况、主要成果、特色亮点，以及该经验所获得的评价或认可。",
    "企业概况": "企业名称，法人，企业性质，创建时间，历史沿革；所属行业，行业代码；地理位置，面积；主要业务范围，"
            "主要产品和服务；生产经营情况；企业文化；资源状况；社会责任；荣获的相关荣誉等。",
    "管理方法（技术）的推进和应用情况": "介绍企业推进管理方法（技术）的过程、做法等，重点体现实施要点、特色亮点。"
                              "成果的核心内容要通过具体数据、图表等方式展现，必要时适当举例。",
    "管理方法（技术）的实施效果": "以定量与定性相结合，展示与典型经验相关的绩效结果，如经济效益、管理效益、社会效益等。"
                        "可提供近三年的相关指标数据，及适时与竞争对手和标杆对比情况。",
    "证实性材料": "可提供组织在所在行业处于领先地位的资料证明；与经验相关的获奖证书、专利证书及其他证实性材料等。",
}


def write_summary(target, campaign: Campaign, sections: dict | None = None, *, enterprise: str = "") -> None:
    """The 总结材料: the sections' headings with their limits; guidance text (template) or content (demo)."""
    doc = new_document()
    set_core(doc, title=f"{campaign.title}总结材料", author=enterprise or campaign.issuer)
    add_heading(doc, f"{campaign.title}总结材料", level=0)
    if enterprise:
        add_paragraph(doc, f"申报单位：{enterprise}", align="center")
    for spec in campaign.sections:
        if sections is not None and spec.key not in sections:
            continue
        add_heading(doc, f"{spec.number}. {spec.heading}", level=1)
        if sections is None:
            add_paragraph(doc, "（" + GUIDANCE.get(spec.key, "").format(example=campaign.name_example)
                          + "填写时请删除本段说明。）", italic=True)
        else:
            content = sections[spec.key]
            for para in (content if isinstance(content, list) else [content]):
                add_paragraph(doc, para)
    doc.save(target)


# ---------------------------------------------------------------- 申请书.docx (附件1 in Word)

COVER_LINES = (("申  请  单  位", ""), ("标  杆  名  称", ""), ("所  属  地  区", ""), ("推  荐  单  位", ""),
               ("申  报  日  期", "        年    月    日"))
# the 申请表 table's grid (cm, 156 mm 版心): the six columns of the fields' rows (label, value, label, value, label,
# value — the last value split in two) and the 基本情况 block (基本情况, a label over two columns, three years of
# 2.8 cm each: the third column and the split last one make the middle year)
_GRID_CM = (2.4, 2.8, 2.0, 2.8, 2.0, 0.8, 2.8)
_FIELD_GRID = {0: (0, 0), 1: (1, 1), 2: (2, 2), 3: (3, 3), 4: (4, 4), 5: (5, 6)}  # column A-F -> grid columns
_YEAR_GRID = ((3, 3), (4, 5), (6, 6))
TABLE_PT = 12.0  # 小四 in the table
STAMP_HINT = "（加盖公章）"


def _table_cell(cell, text: str, *, align=WD_ALIGN_PARAGRAPH.CENTER, font: str = BODY_FONT) -> None:
    cell.text = ""
    p = cell.paragraphs[0]
    p.alignment = align
    p.paragraph_format.first_line_indent = None
    p.paragraph_format.line_spacing = Pt(20)
    if text:
        set_font(p.add_run(text), font, TABLE_PT)
    cell.vertical_alignment = WD_CELL_VERTICAL_ALIGNMENT.CENTER


def _span(table, row: int, grid: tuple[int, int]):
    first, last = grid
    cell = table.cell(row, first)
    return cell.merge(table.cell(row, last)) if last > first else cell


def write_application(target, campaign: Campaign) -> None:
    """The blank 申请书 laid out like 附件1: cover (申请单位, 标杆名称, 所属地区, 推荐单位, 申报日期), 承诺书, and the
    申请表 as a Word table with the template's labels (toolkit.extract reads it back by those labels: kind
    application-doc). The 总结材料 is a document of its own (总结材料.docx)."""

    doc = new_document()
    set_core(doc, title=f"{campaign.title}申请书", author=campaign.issuer, subject=campaign.title,
             description=f"{campaign.notice} 附件1：申请书（封面、承诺书、申请表）。")
    for _ in range(3):
        doc.add_paragraph()
    add_heading(doc, f"{campaign.title}申请书", level=0)
    for _ in range(4):
        doc.add_paragraph()
    for label, blank in COVER_LINES:
        p = doc.add_paragraph()
        p.paragraph_format.left_indent = Cm(2.5)
        p.paragraph_format.line_spacing = Pt(40)
        set_font(p.add_run(f"{label}："), HEADING_FONT, SIZE_3)
        fill = p.add_run(blank or "\u3000" * 14)
        set_font(fill, BODY_FONT, SIZE_3)
        fill.underline = True
    doc.add_paragraph().add_run().add_break(WD_BREAK.PAGE)

    add_heading(doc, "承  诺  书", level=0)
    doc.add_paragraph()
    add_paragraph(doc, f"本企业愿意对此次关于{campaign.title}活动所提交的项目申报材料的真实性负责。愿意进一步总结提炼"
                       "实践经验，积极参与质量标杆学习实践交流活动，并为与其他企业分享创造条件，为提升我省质量管理水平做出贡献。")
    for _ in range(2):
        doc.add_paragraph()
    for text in ("企业名称（公章）：", "签    字：", "年    月    日"):
        p = add_paragraph(doc, text, indent=False)
        p.paragraph_format.left_indent = Cm(7.0)
        p.paragraph_format.line_spacing = Pt(40)
    doc.add_paragraph().add_run().add_break(WD_BREAK.PAGE)

    add_heading(doc, "一、申请表", level=1)
    rows = _field_rows(campaign)
    years = list(campaign.base_years)
    table = doc.add_table(rows=len(rows) + 1 + len(campaign.yearly), cols=len(_GRID_CM))
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    set_column_widths(table, [Cm(w).pt for w in _GRID_CM])
    for r, group in enumerate(rows):
        for spec, (label_col, first_col, last_col) in zip(group, _SLOTS[len(group)]):
            _table_cell(_span(table, r, _FIELD_GRID[label_col]), spec.template_label)
            grid = (_FIELD_GRID[first_col][0], _FIELD_GRID[last_col][1])
            value = _span(table, r, grid)
            _table_cell(value, STAMP_HINT if spec.key == "申报单位" else "",
                        align=WD_ALIGN_PARAGRAPH.RIGHT if spec.key == "申报单位" else WD_ALIGN_PARAGRAPH.LEFT)
        tall = max((spec.max_length for spec in group), default=0) > 60
        row = table.rows[r]
        row.height_rule = WD_ROW_HEIGHT_RULE.AT_LEAST
        row.height = Pt(8 * 20 + 8) if tall else Pt(28)
    top = len(rows)
    block = table.cell(top, 0).merge(table.cell(top + len(campaign.yearly), 0))
    _table_cell(block, "基本情况")
    _table_cell(_span(table, top, (1, 2)), "年度")
    for grid, year in zip(_YEAR_GRID, years):
        _table_cell(_span(table, top, grid), str(year))
    for j, spec in enumerate(campaign.yearly, start=1):
        _table_cell(_span(table, top + j, (1, 2)), spec.template_label)
        for grid in _YEAR_GRID[:len(years)]:
            _table_cell(_span(table, top + j, grid), "", align=WD_ALIGN_PARAGRAPH.RIGHT)
    for row in table.rows[top:]:
        row.height_rule = WD_ROW_HEIGHT_RULE.AT_LEAST
        row.height = Pt(28)
    note = add_paragraph(doc, "注：金额单位为万元，从业人员单位为人，近三年利润总额均应大于0；标杆名称按（企业）+（典型方法技术）"
                              f"+（经验）命名，{campaign.name_limit}字以内。", indent=False, size=12)
    note.paragraph_format.space_before = Pt(6)
    doc.save(target)
