"""templates/ equals what `run.py templates` generates; a filled template extracts back exactly."""
from __future__ import annotations

from pathlib import Path

import openpyxl
import pytest
from docx import Document

from conftest import ROOT, run_cli
from toolkit.extract.registry import extract
from toolkit.templates import FILES, write_templates


def xlsx_content(path: Path) -> dict:
    wb = openpyxl.load_workbook(path)
    out = {"names": sorted((n, d.attr_text) for n, d in wb.defined_names.items())}
    for ws in wb.worksheets:
        out[ws.title] = {
            "cells": [[c.value for c in row] for row in ws.iter_rows()],
            "merged": sorted(str(r) for r in ws.merged_cells.ranges),
            "validations": sorted((str(v.sqref), v.type, v.formula1, v.prompt) for v in ws.data_validations.dataValidation),
            "state": ws.sheet_state, "protected": ws.protection.sheet,
        }
    return out


def docx_content(path: Path) -> list:
    doc = Document(path)
    paras = [(p.style.name, p.text) for p in doc.paragraphs]
    tables = [[[c.text for c in r.cells] for r in t.rows] for t in doc.tables]
    return [paras, tables]


def _files(folder: Path) -> list[str]:
    return sorted(p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_file())


def test_committed_templates_equal_generated(tmp_path, campaign):
    write_templates(tmp_path, campaign)
    committed = ROOT / "templates"
    assert _files(committed) == sorted(FILES), "templates/ holds exactly what `python run.py templates` writes"
    for name in FILES:
        if name.endswith(".xlsx"):
            assert xlsx_content(tmp_path / name) == xlsx_content(committed / name), name
        else:
            assert docx_content(tmp_path / name) == docx_content(committed / name), name
    for name in FILES:
        assert (tmp_path / name).read_bytes() == (committed / name).read_bytes(), f"{name}: run `python run.py templates`"


def test_templates_command(tmp_path):
    proc = run_cli("templates", "--out", tmp_path / "t")
    assert proc.returncode == 0, proc.stderr
    assert _files(tmp_path / "t") == sorted(["申请表.xlsx", "申请书.docx", "总结材料.docx", "推荐单位用/推荐意见.docx",
                                             "推荐单位用/空白推荐意见.docx", "推荐单位用/推荐排序表.xlsx"])


def test_enterprises_get_no_unit_documents():
    """What is handed to enterprises (the folder's top) holds no opinion or ranking sheet; the units' are apart."""
    top = sorted(p.name for p in (ROOT / "templates").iterdir() if p.is_file())
    assert top == ["总结材料.docx", "申请书.docx", "申请表.xlsx"]
    assert not any("推荐" in name for name in top)


def test_form_template_features(campaign):
    wb = openpyxl.load_workbook(ROOT / "templates" / "申请表.xlsx")
    ws = wb["申请表"]
    names = dict(wb.defined_names.items())
    for spec in campaign.fields:
        assert spec.defined_name() in names and names[spec.defined_name()].hidden
        assert spec.key in names and not names[spec.key].hidden  # the Name Box shows 申报单位
        assert names[spec.key].attr_text == names[spec.defined_name()].attr_text
    for spec in campaign.yearly:
        for year in campaign.base_years:
            assert spec.defined_name(year) in names
            assert names[f"{spec.key}_{year}"].attr_text == names[spec.defined_name(year)].attr_text
    kinds = {v.type for v in ws.data_validations.dataValidation}
    assert {"list", "decimal", "whole"} <= kinds
    lists = [v for v in ws.data_validations.dataValidation if v.type == "list"]
    assert any("代码表" in v.formula1 for v in lists)
    money = [v for v in ws.data_validations.dataValidation if v.type == "decimal"]
    assert money and all(v.prompt and "万元" in v.prompt for v in money)
    by_cell = {str(v.sqref): v for v in ws.data_validations.dataValidation}
    for spec in campaign.yearly:
        if spec.type != "money":
            continue
        for year in campaign.base_years:
            v = by_cell[next(names[spec.defined_name(year)].destinations)[1].replace("$", "")]
            negative_allowed = float(v.formula1) < 0
            assert negative_allowed == (spec.minimum is None), (spec.key, v.formula1)
            assert ("亏损填负数" in v.prompt) == ("eligibility" in spec.rules), (spec.key, v.prompt)
    assert "&P" in ws.oddFooter.center.text  # page numbers when printed
    assert ws.protection.sheet
    assert wb["代码表"].sheet_state == "hidden"
    assert ws["A3"].protection.locked and not ws["B3"].protection.locked


def _fill_template_with_openpyxl(target: Path, campaign, values: dict) -> None:
    """What an enterprise does: open the template in a spreadsheet program and type into the named cells (found by
    the Chinese names the Name Box shows)."""
    wb = openpyxl.load_workbook(ROOT / "templates" / "申请表.xlsx")
    names = dict(wb.defined_names.items())

    def put(name, value):
        sheet, ref = next(names[name].destinations)
        wb[sheet][ref.replace("$", "")] = value

    for spec in campaign.fields:
        if spec.key in values:
            put(spec.key, values[spec.key])
    for spec in campaign.yearly:
        for year, v in values.get(spec.key, {}).items():
            put(f"{spec.key}_{year}", v)
    wb.save(target)


TYPED = {
    "申报单位": "河北冀东＆恒泰(集团)有限公司", "所属行业": "C31 黑色金属冶炼和压延加工业", "所在地区": "唐山市",
    "标杆名称": "河北冀东恒泰集团实施<精益>生产的经验", "摘要": "第一行\n第二行 with English & 数字123",
    "联系人": "王芳", "电话": "0315-2345678", "手机": "13912345678", "电子邮箱": "wf@example.com",
    "传真": "0315-2345679", "通讯地址": "唐山市路北区=建设路1号",
    "资产总额": {2018: 1234.5, 2019: 2345.25, 2020: 3456.0},
    "主营业收入": {2018: 1000.0, 2019: 1100.0, 2020: 1200.0},
    "其他业务收入": {2018: 0.0, 2019: 10.5, 2020: 20.0},
    "利润总额": {2018: 12.5, 2019: 13.0, 2020: 14.75},
    "从业人员": {2018: 321, 2019: 322, 2020: 330},
}


def test_filled_template_extracts_exactly(tmp_path, campaign):
    target = tmp_path / "filled.xlsx"
    _fill_template_with_openpyxl(target, campaign, TYPED)
    ex = extract(target.read_bytes(), target.name, campaign)
    assert ex.kind == "form" and ex.form.source == "defined-names"
    for spec in campaign.fields:
        assert ex.form.fields[spec.key].value == TYPED[spec.key], spec.key
        assert ex.form.fields[spec.key].location.startswith("申请表!")
    for spec in campaign.yearly:
        got = {y: v.value for y, v in ex.form.yearly[spec.key].items()}
        assert got == TYPED[spec.key], spec.key
    assert not ex.issues


@pytest.mark.parametrize("key", ["申报单位", "标杆名称", "摘要", "通讯地址", "联系人"])
def test_blank_template_reads_as_empty(campaign, key):
    ex = extract((ROOT / "templates" / "申请表.xlsx").read_bytes(), "申请表.xlsx", campaign)
    assert ex.kind == "form"
    assert ex.form.fields[key].value is None


def test_check_reports_defined_names_on_a_filled_template(tmp_path, campaign):
    """`python run.py check --show-fields` on a filled template: read by the template's defined names."""
    target = tmp_path / "filled.xlsx"
    _fill_template_with_openpyxl(target, campaign, TYPED)
    proc = run_cli("check", "--show-fields", target)
    assert "读取方式：模板定义名称" in proc.stdout, proc.stdout + proc.stderr
    assert "唐山市" in proc.stdout


def test_abstract_box_holds_500_characters(campaign):
    """The 摘要 box is tall enough to show and print the longest 摘要 allowed (wrapped, one row)."""
    from toolkit.render.forms import COLUMN_WIDTHS

    wb = openpyxl.load_workbook(ROOT / "templates" / "申请表.xlsx")
    ws = wb["申请表"]
    sheet, ref = next(dict(wb.defined_names.items())["摘要"].destinations)
    cell = ws[ref.replace("$", "")]
    assert cell.alignment.wrap_text
    spec = campaign.field_spec("摘要")
    merged = next(r for r in ws.merged_cells.ranges if cell.coordinate in r)
    width_chars = sum(COLUMN_WIDTHS[c - 1] for c in range(merged.min_col, merged.max_col + 1))
    per_line = width_chars * 7 / (10 * 96 / 72)  # CJK characters of 宋体 10 pt per line
    lines = ws.row_dimensions[cell.row].height / 13.5
    assert lines * per_line >= spec.max_length * 1.1


# ---------------------------------------------------------------- 申请书.docx


def _fill_application(path: Path, out: Path, values: dict, years: tuple) -> None:
    """What an enterprise does in Word: type each value into the cell right of its label."""
    doc = Document(path)
    [table] = doc.tables
    labels = {}
    for row in table.rows:
        cells = []
        for cell in row.cells:
            if not cells or cell._tc is not cells[-1]._tc:
                cells.append(cell)
        texts = ["".join(c.text.split()) for c in cells]
        if texts[1:2] == ["年度"]:
            continue
        for i, text in enumerate(texts):
            labels[text] = cells[i + 1:]
    for key, value in values.items():
        target = next(cells for label, cells in labels.items() if label.startswith(key))
        if isinstance(value, dict):
            for cell, year in zip(target, years):
                cell.paragraphs[0].add_run(str(value[year]))
        else:
            target[0].paragraphs[0].insert_paragraph_before(str(value))
    doc.save(out)


def test_application_doc_template_extracts_back(tmp_path, campaign):
    path = ROOT / "templates" / "申请书.docx"
    doc = Document(path)
    text = "\n".join(p.text for p in doc.paragraphs)
    for words in ("申  请  单  位：", "标  杆  名  称：", "推  荐  单  位：", "申  报  日  期：", "承  诺  书"):
        assert words in text
    filled = tmp_path / "申请书.docx"
    values = {k: v for k, v in TYPED.items() if k != "摘要"}
    values["摘要"] = "本公司推行精益生产。"
    _fill_application(path, filled, values, campaign.base_years)
    ex = extract(filled.read_bytes(), filled.name, campaign)
    assert ex.kind == "application-doc" and ex.form.source == "docx-table"
    for key, value in values.items():
        if isinstance(value, dict):
            got = {y: v.value for y, v in ex.form.yearly[key].items()}
            assert got == {y: float(v) for y, v in value.items()}, key
        else:
            assert ex.form.fields[key].value == value, key
    blank = extract(path.read_bytes(), path.name, campaign)
    assert blank.kind == "application-doc"
    assert all(blank.form.fields[k].value is None for k in ("申报单位", "标杆名称", "摘要"))


@pytest.mark.parametrize("typed, expected", [
    ("5.2亿元", 52000.0), ("5.2亿", 52000.0), ("５．２亿元", 52000.0), ("520,000,000元", 52000.0),
    ("0.21亿元", 2100.0), ("52000万元", 52000.0), ("52000", 52000.0), ("（元）520000000", 52000.0),
], ids=["亿元", "亿", "full-width", "元 with commas", "0.21亿元", "万元 typed", "plain", "row labelled in 元"])
def test_money_typed_with_its_unit_in_the_word_application(tmp_path, campaign, typed, expected):
    """资产总额 typed in the Word 申请书 with its unit, or under a row label saying 元, is read in 万元 as in the
    Excel 申请表 (before, '5.2亿元' was 5.2 万元 and '520,000,000元' 520,000,000 万元 — 10,000 times off in the
    register and the size class), with a hint naming the cell; a figure in 万元 says nothing."""
    path = ROOT / "templates" / "申请书.docx"
    filled = tmp_path / "申请书.docx"
    values = {k: v for k, v in TYPED.items() if k != "摘要"}
    labelled = typed.startswith("（元）")
    values["资产总额"] = {**TYPED["资产总额"], 2018: typed.removeprefix("（元）")}
    _fill_application(path, filled, values, campaign.base_years)
    if labelled:  # the row's label says 元
        doc = Document(filled)
        cell = next(c for row in doc.tables[0].rows for c in row.cells if c.text.startswith("资产总额"))
        cell.paragraphs[0].runs[0].text = "资产总额（元）"
        for run in cell.paragraphs[0].runs[1:]:
            run.text = ""
        doc.save(filled)
    ex = extract(filled.read_bytes(), filled.name, campaign)
    value = ex.form.yearly["资产总额"][2018]
    assert value.value == expected
    hints = [i for i in ex.issues if i.code == "finance.suspicious" and i.field == "2018年资产总额"]
    if typed in ("52000", "52000万元"):
        assert not hints
    else:
        [hint] = hints
        assert hint.location == value.location and "万元读取" in hint.message and hint.file == "申请书.docx"


@pytest.mark.parametrize("name", ["总结材料.docx", "申请书.docx", "推荐单位用/推荐意见.docx"])
def test_word_templates_have_page_numbers(name):
    doc = Document(ROOT / "templates" / name)
    footer = doc.sections[0].footer._element.xml
    assert "PAGE" in footer and "—" in footer
