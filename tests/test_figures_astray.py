"""A yearly figure typed one cell too far right of the 申请表 template's table is pointed at, not only its empty
cell: '“2020年利润总额”未填写' said of E15 while F15 held the figure sent the clerk looking at a cell they had filled,
as far as they could see."""
from __future__ import annotations

import json
import subprocess
import sys

import openpyxl
import pytest
from conftest import ROOT, soffice

from toolkit.extract.registry import extract
from toolkit.pipeline import check_files


def _cells(path):
    """{defined name: (sheet title, coordinate)} of the template's names."""
    wb = openpyxl.load_workbook(path)
    out = {}
    for name, dn in wb.defined_names.items():
        (title, ref), = dn.destinations
        out[name] = (title, ref.replace("$", ""))
    return out


def _right_of(ref: str, step: int = 1) -> str:
    col = "".join(ch for ch in ref if ch.isalpha())
    row = ref[len(col):]
    return f"{openpyxl.utils.get_column_letter(openpyxl.utils.column_index_from_string(col) + step)}{row}"


def _form(tmp_path, make_form, edits: dict, *, name: str = "申请表.xlsx"):
    """The filled template with ``edits`` ({coordinate or defined name: value}) applied by openpyxl."""
    path = make_form(tmp_path / name)
    names = _cells(path)
    wb = openpyxl.load_workbook(path)
    for where, value in edits.items():
        title, ref = names.get(where, (None, where))
        (wb[title] if title else wb.worksheets[0])[ref] = value
    wb.save(path)
    return path, names


def _missing(path, campaign, field: str):
    [(_, _ex, report)] = check_files([path], campaign)
    return [i for i in report.issues if i.code == "field.missing" and i.field == field]


@pytest.mark.parametrize("year_name, typed", [
    ("利润总额_2020", 520), ("主营业收入_2019", "800万元"), ("从业人员_2018", 1250), ("资产总额_2020", "５２０００"),
])
def test_a_figure_one_cell_right_of_its_empty_year_cell_is_pointed_at(tmp_path, make_form, campaign, year_name,
                                                                       typed):
    key, year = year_name.split("_")
    names = _cells(make_form(tmp_path / "blank.xlsx"))
    _title, cell = names[year_name]
    # the figure typed one cell right of the table (the other years filled): for 2018/2019 that is right of 2020
    stray = _right_of(names[f"{key}_2020"][1])
    path, _ = _form(tmp_path, make_form, {year_name: None, stray: typed})
    [issue] = _missing(path, campaign, f"{year}年{key}")
    assert issue.location.endswith(f"!{cell}")
    shown = str(typed)
    assert f"同一行右边的{stray}单元格填有“{shown}”，那一列上方没有年份，不会被读取" in issue.message, issue.message
    assert issue.message.endswith(issue.fix)


def test_two_cells_right_and_the_rightmost_blank_year(tmp_path, make_form, campaign):
    """2018 and 2020 left blank, the figure two cells right of the table: said once, on 2020 (the rightmost blank,
    whose figure a shifted row would be); 2018 is missing without it."""
    names = _cells(make_form(tmp_path / "blank.xlsx"))
    stray = _right_of(names["利润总额_2020"][1], 2)
    path, _ = _form(tmp_path, make_form, {"利润总额_2018": None, "利润总额_2020": None, stray: 3650})
    [y2018] = _missing(path, campaign, "2018年利润总额")
    [y2020] = _missing(path, campaign, "2020年利润总额")
    assert "同一行右边" not in y2018.message
    assert f"{stray}单元格填有“3650”" in y2020.message


@pytest.mark.parametrize("case", ["filled", "headed column", "label", "nothing", "other row"])
def test_nothing_astray_is_said_otherwise(tmp_path, make_form, campaign, case):
    """No note when the year cell is filled (a figure right of it is a remark of the enterprise's), when the
    column has a header of its own (a 2021 column added), when what is there is a label, when nothing is there,
    or when the figure is in another row."""
    names = _cells(make_form(tmp_path / "blank.xlsx"))
    cell = names["利润总额_2020"][1]
    stray = _right_of(cell)
    header = _right_of(names["利润总额_2020"][1]).rstrip("0123456789") + str(
        min(int("".join(ch for ch in ref if ch.isdigit())) for name, (_t, ref) in names.items()
            if name.endswith("_2018")) - 1)
    edits = {"filled": {stray: 520}, "headed column": {"利润总额_2020": None, header: 2021, stray: 520},
             "label": {"利润总额_2020": None, stray: "利润总额"}, "nothing": {"利润总额_2020": None},
             "other row": {"利润总额_2020": None, _right_of(names["资产总额_2020"][1]): 520}}[case]
    path, _ = _form(tmp_path, make_form, edits)
    found = _missing(path, campaign, "2020年利润总额")
    assert len(found) == (0 if case == "filled" else 1)
    assert all("同一行右边" not in i.message for i in found)


@pytest.mark.parametrize("suffix", ["ods", "xls"])
def test_through_libreoffice(tmp_path, make_form, campaign, suffix):
    """The template re-saved by LibreOffice as .ods and .xls (its defined names kept) says the same."""
    office = soffice()
    if office is None:
        pytest.skip("LibreOffice (soffice) is not installed")
    names = _cells(make_form(tmp_path / "blank.xlsx"))
    stray = _right_of(names["利润总额_2020"][1])
    path, _ = _form(tmp_path, make_form, {"利润总额_2020": None, stray: 520})
    out = tmp_path / "lo"
    subprocess.run([office, "--headless", "--convert-to", suffix, "--outdir", str(out), str(path)],
                   check=True, capture_output=True, timeout=180)
    converted = out / f"申请表.{suffix}"
    ex = extract(converted.read_bytes(), converted.name, campaign)
    assert ex.form is not None and ex.form.source == "defined-names"
    [(_, _ex, report)] = check_files([converted], campaign)
    [issue] = [i for i in report.issues if i.code == "field.missing" and i.field == "2020年利润总额"]
    assert f"{stray}单元格填有“520”" in issue.message


def test_said_in_a_batch_and_by_check(tmp_path, make_form, campaign, make_summary):
    """A real batch: summary.json's issue carries the note; run.py check prints it."""
    names = _cells(make_form(tmp_path / "blank.xlsx"))
    stray = _right_of(names["利润总额_2020"][1])
    unit = tmp_path / "inbox" / "石家庄"
    unit.mkdir(parents=True)
    path, _ = _form(unit, make_form, {"利润总额_2020": None, stray: 520}, name="1-河北华信精密机械有限公司-申请表.xlsx")
    make_summary(unit / "1-河北华信精密机械有限公司-总结材料.docx")
    out = tmp_path / "out"
    subprocess.run([sys.executable, str(ROOT / "run.py"), "batch", "--inbox", str(tmp_path / "inbox"), "--outbox",
                    str(out), "--settle", "0"], check=True, capture_output=True, timeout=300)
    summary = json.loads((out / "latest" / "summary.json").read_text(encoding="utf-8"))
    messages = [i["message"] for a in summary["applications"] for i in a["issues"] if i["code"] == "field.missing"]
    assert any(f"{stray}单元格填有“520”" in m for m in messages), messages
    shown = subprocess.run([sys.executable, str(ROOT / "run.py"), "check", str(path)], check=False,
                           capture_output=True, text=True, timeout=120)
    assert f"同一行右边的{stray}单元格填有“520”" in shown.stdout
