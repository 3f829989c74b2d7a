"""templates/ equals what `run.py templates` generates; a filled template extracts back exactly."""
from __future__ import annotations

from pathlib import Path

import openpyxl
import pytest
from docx import Document

from conftest import ROOT, run_cli
from toolkit.extract.registry import extract
from toolkit.templates import write_templates


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


def test_committed_templates_equal_generated(tmp_path, campaign):
    write_templates(tmp_path, campaign)
    committed = ROOT / "templates"
    for name in ("申请表.xlsx", "推荐排序表.xlsx"):
        assert xlsx_content(tmp_path / name) == xlsx_content(committed / name), name
    for name in ("总结材料.docx", "推荐意见.docx"):
        assert docx_content(tmp_path / name) == docx_content(committed / name), name
    for name in ("申请表.xlsx", "推荐排序表.xlsx", "总结材料.docx", "推荐意见.docx"):
        assert (tmp_path / name).read_bytes() == (committed / name).read_bytes(), f"{name}: run `python run.py templates`"


def test_templates_command(tmp_path):
    proc = run_cli("templates", "--out", tmp_path / "t")
    assert proc.returncode == 0, proc.stderr
    assert sorted(p.name for p in (tmp_path / "t").iterdir()) == sorted(
        ["申请表.xlsx", "总结材料.docx", "推荐意见.docx", "推荐排序表.xlsx"])


def test_form_template_features(campaign):
    wb = openpyxl.load_workbook(ROOT / "templates" / "申请表.xlsx")
    ws = wb["申请表"]
    names = dict(wb.defined_names.items())
    for spec in campaign.fields:
        assert spec.defined_name() in names
    for spec in campaign.yearly:
        for year in campaign.base_years:
            assert spec.defined_name(year) in names
    kinds = {v.type for v in ws.data_validations.dataValidation}
    assert {"list", "decimal", "whole"} <= kinds
    lists = [v for v in ws.data_validations.dataValidation if v.type == "list"]
    assert any("代码表" in v.formula1 for v in lists)
    money = [v for v in ws.data_validations.dataValidation if v.type == "decimal"]
    assert money and all(v.prompt and "万元" in v.prompt for v in money)
    assert ws.protection.sheet
    assert wb["代码表"].sheet_state == "hidden"
    assert ws["A3"].protection.locked and not ws["B3"].protection.locked


def _fill_template_with_openpyxl(target: Path, campaign, values: dict) -> None:
    """What an enterprise does: open the template in a spreadsheet program and type into the named cells."""
    wb = openpyxl.load_workbook(ROOT / "templates" / "申请表.xlsx")
    names = dict(wb.defined_names.items())

    def put(name, value):
        sheet, ref = next(names[name].destinations)
        wb[sheet][ref.replace("$", "")] = value

    for spec in campaign.fields:
        if spec.key in values:
            put(spec.defined_name(), values[spec.key])
    for spec in campaign.yearly:
        for year, v in values.get(spec.key, {}).items():
            put(spec.defined_name(year), v)
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
