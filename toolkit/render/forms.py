"""The blank (or demo-filled) 申请表.xlsx and 总结材料.docx handed to enterprises."""
from __future__ import annotations

import datetime as dt

import xlsxwriter
from xlsxwriter.utility import xl_cell_to_rowcol, xl_rowcol_to_cell

from ..campaign import Campaign
from .docx_style import add_heading, add_paragraph, new_document, set_core
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
    ws.set_column("A:A", 14)
    ws.set_column("B:B", 18)
    ws.set_column("C:C", 16)
    ws.set_column("D:D", 16)
    ws.set_column("E:E", 16)
    ws.set_column("F:F", 18)
    ws.merge_range("A1:F1", f"{campaign.title}申请表", f["title"])
    ws.set_row(0, 30)
    ws.merge_range("A2:F2", "说明：请在白色单元格中填写，栏目名称不可修改；金额单位为万元，从业人员单位为人。", f["note"])
    fields = {s.key: s for s in campaign.fields}

    def val(key):
        return values.get(key)

    def name_cell(spec_key, cell):
        row, col = xl_cell_to_rowcol(cell)
        wb.define_name(fields[spec_key].defined_name(), f"='{FORM_SHEET}'!{xl_rowcol_to_cell(row, col, True, True)}")

    def text_input(key, first, last=None, fmt=None):
        fmt = fmt or f["input"]
        if last:
            ws.merge_range(f"{first}:{last}", None, fmt)
        write_cell(ws, *xl_cell_to_rowcol(first), val(key), fmt)
        name_cell(key, first)

    label = f["label"]
    ws.write("A3", "申报单位", label)
    text_input("申报单位", "B3", "F3")
    ws.write("A4", "所属行业", label)
    text_input("所属行业", "B4", "C4")
    ws.write("D4", "所在地区", label)
    text_input("所在地区", "E4", "F4")
    ws.write("A5", "标杆名称", label)
    text_input("标杆名称", "B5", "F5")
    ws.write("A6", "摘  要", label)
    text_input("摘要", "B6", "F6")
    ws.set_row(5, 120)
    ws.write("A7", "联系人", label)
    text_input("联系人", "B7")
    ws.write("C7", "电话", label)
    text_input("电话", "D7", fmt=f["input_text"])
    ws.write("E7", "手机", label)
    text_input("手机", "F7", fmt=f["input_text"])
    ws.write("A8", "电子邮箱", label)
    text_input("电子邮箱", "B8", "C8")
    ws.write("D8", "传真", label)
    text_input("传真", "E8", "F8", fmt=f["input_text"])
    ws.write("A9", "通讯地址", label)
    text_input("通讯地址", "B9", "F9")
    for r in (2, 3, 4, 6, 7, 8):
        ws.set_row(r, 22)
    # yearly block: 基本情况
    years = list(campaign.base_years)
    top = 10  # row index of the year header (Excel row 11)
    ws.merge_range(top, 0, top + len(campaign.yearly), 0, "基本情况", label)
    ws.write(top, 1, "年度", label)
    for i, year in enumerate(years):
        ws.write_number(top, 2 + i, year, label)
    for j, spec in enumerate(campaign.yearly, start=1):
        r = top + j
        ws.write(r, 1, spec.display, label)
        ws.set_row(r, 20)
        fmt = f["input_count"] if spec.type == "count" else f["input_money"]
        for i, year in enumerate(years):
            c = 2 + i
            write_cell(ws, r, c, (val(spec.key) or {}).get(year), fmt)
            wb.define_name(spec.defined_name(year), f"='{FORM_SHEET}'!{xl_rowcol_to_cell(r, c, True, True)}")
            if spec.type == "count":
                ws.data_validation(r, c, r, c, {
                    "validate": "integer", "criteria": ">=", "value": 0, "input_title": spec.key,
                    "input_message": f"{year}年{spec.key}，单位：人，填整数。", "error_type": "warning",
                    "error_message": "从业人员应为不小于0的整数。"})
            else:
                ws.data_validation(r, c, r, c, {
                    "validate": "decimal", "criteria": "between", "minimum": -1e9, "maximum": 1e9,
                    "input_title": spec.key, "input_message": f"{year}年{spec.key}，单位：万元，填数字（亏损填负数）。",
                    "error_type": "warning", "error_message": "请填写数字，单位为万元。"})
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
    ws.data_validation("E4", {"validate": "list", "source": f"='{LISTS_SHEET}'!$A$2:$A${len(campaign.regions) + 1}",
                              "input_title": "所在地区", "input_message": "从下拉列表中选择所在地区。",
                              "error_type": "warning", "error_message": "请从下拉列表中选择。"})
    ws.data_validation("B4", {"validate": "list",
                              "source": f"='{LISTS_SHEET}'!$B$2:$B${len(campaign.industries) + 1}",
                              "input_title": "所属行业", "input_message": "按国民经济行业分类（GB/T 4754-2017）大类选择。",
                              "error_type": "information", "error_message": "建议从下拉列表中选择行业大类。"})
    ws.data_validation("B5", {"validate": "length", "criteria": "<=", "value": campaign.name_limit,
                              "input_title": "标杆名称", "input_message": f"{campaign.name_limit}字以内，以“经验”结尾。",
                              "error_type": "warning", "error_message": f"标杆名称不超过{campaign.name_limit}字。"})
    ws.protect("", {"format_cells": True, "format_columns": True, "format_rows": True, "select_locked_cells": True,
                    "select_unlocked_cells": True})
    print_setup(ws, landscape=False, header_rows=None)
    ws.print_area(0, 0, last + 2, 5)
    wb.close()


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
