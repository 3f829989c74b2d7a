"""A workbook holding more worksheets than the readers read (grid.read_workbook's max_sheets) is never cut short
in silence: the 申请表 beyond them are named in a warning, so no enterprise leaves the 汇总 without a word."""
from __future__ import annotations

import openpyxl
import pytest

from toolkit.extract.registry import extract


def _book(tmp_path, make_form, sheets: int):
    """A workbook of ``sheets`` enterprises' 申请表, one a sheet (the template's sheet copied, another enterprise's
    name written in)."""
    path = make_form(tmp_path / "one.xlsx")
    wb = openpyxl.load_workbook(path)
    for k in range(1, sheets):
        copy = wb.copy_worksheet(wb["申请表"])
        copy.title = f"申请表{k}"
        for row in copy.iter_rows():
            for cell in row:
                if isinstance(cell.value, str) and "河北华信" in cell.value:
                    cell.value = cell.value.replace("河北华信", f"河北第{k}")
    wb.remove(wb["代码表"])
    wb.save(tmp_path / "all.xlsx")
    return (tmp_path / "all.xlsx").read_bytes()


def _unread_warnings(ex) -> list:
    """The warnings on sheets not read: field.invalid (titled 填写内容请核对, as a form-like sheet not read is), not
    file.unrecognized — titled 无法识别的文件 on a workbook read as 申请表 (the review of 2783f25)."""
    unread = [i for i in ex.issues if i.location == "工作表"]
    assert all(i.code == "field.invalid" and i.field == "申请表工作表" for i in unread), unread
    return unread


@pytest.mark.parametrize("sheets", [3, 6])
def test_a_workbook_read_whole_says_nothing(tmp_path, make_form, campaign, sheets):
    ex = extract(_book(tmp_path, make_form, sheets), "申请表.xlsx", campaign, file="石家庄/申请表.xlsx")
    assert len(ex.all_forms) == sheets and _unread_warnings(ex) == []


@pytest.mark.parametrize("sheets", [7, 40])
def test_forms_beyond_the_sheets_read_are_named(tmp_path, make_form, campaign, sheets):
    ex = extract(_book(tmp_path, make_form, sheets), "申请表.xlsx", campaign, file="石家庄/申请表.xlsx")
    (warning,) = _unread_warnings(ex)
    assert warning.severity == "warning" and f"这个工作簿有{sheets}个工作表，只读取了前6个" in warning.message
    assert f"{sheets - 6}个工作表未读取" in warning.message and "“申请表6”" in warning.message
