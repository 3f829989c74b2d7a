"""Excel packages damaged inside (toolkit.extract.xlsx, toolkit.extract.form): what a clerk is told is what Excel
would say of the file, and never a machine name."""
from __future__ import annotations

import io
import re
import zipfile

import pytest

from toolkit.pipeline import read_file


def _rezipped(data: bytes, change) -> bytes:
    """``data``'s parts through ``change(name, body)`` (None drops the part), zipped again."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            body = change(info.filename, src.read(info.filename))
            if body is not None:
                dst.writestr(info.filename, body)
    return out.getvalue()


def _read(tmp_path, data: bytes, campaign):
    path = tmp_path / "1-申请表.xlsx"
    path.write_bytes(data)
    return read_file(str(path), "保定/1-申请表.xlsx", campaign)


def test_a_workbook_whose_sheets_cannot_be_found_is_damaged(tmp_path, make_form, campaign):
    """Without xl/_rels/workbook.xml.rels (a damaged copy, a hand-made zip) no listed sheet can be found: Excel
    refuses the file. It was read as a template with every field empty — 21 field.missing located
    '申请表!enterprise', an English key, in each message — and is now one file.unreadable."""
    data = make_form(tmp_path / "src" / "申请表.xlsx").read_bytes()
    ex = _read(tmp_path, _rezipped(data, lambda name, body: None if name == "xl/_rels/workbook.xml.rels" else body),
               campaign)
    assert [i.code for i in ex.issues] == ["file.unreadable"], ex.issues
    assert "找不到其中的工作表" in ex.issues[0].message


def test_a_form_whose_own_sheet_is_gone_names_no_field_by_its_key(tmp_path, make_form, campaign):
    """The 申请表 sheet's part lost while the hidden 代码表 is there: the template's defined names point into a
    sheet that cannot be read. It was read as a template with every field empty — 21 field.missing at
    '申请表!enterprise', '申请表!assets_2018' … (English keys in the clerk's message) —; the names are not taken."""
    data = make_form(tmp_path / "src" / "申请表.xlsx").read_bytes()
    ex = _read(tmp_path, _rezipped(data, lambda name, body: None if name == "xl/worksheets/sheet1.xml" else body),
               campaign)
    assert ex.form is None or ex.form.source != "defined-names", ex.form
    assert ex.issues and not [i for i in ex.issues if re.search(r"![a-z_0-9]+$", i.location)], ex.issues


def _with_a_part_twice(data: bytes, part: str, other: bytes, *, spelled=None) -> bytes:
    """``data`` with ``part`` written a second time (``other``'s bytes, under ``spelled`` when given: another
    case), as a tool that appends to a zip instead of replacing leaves it."""
    import warnings

    out = io.BytesIO(data)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # (zipfile warns of the duplicate name: the point here)
        with zipfile.ZipFile(out, "a") as package:
            package.writestr(spelled or part, other)
    return out.getvalue()


@pytest.mark.parametrize("kind", ["申请表", "总结材料"])
@pytest.mark.parametrize("spelled", [None, "upper"])
def test_a_package_with_a_part_twice_is_damaged(tmp_path, make_form, make_summary, campaign, kind, spelled):
    """A package holding one part twice (the workbook's or the document's main part; the second an empty
    template's, or the same name in capitals — part names are case-insensitive, ECMA-376-2 §9.1.1.1): Excel and
    Word refuse it, and which copy a reader takes is a guess. It was read silently, the last copy winning (21
    field.missing for a form); it is file.unreadable now."""
    if kind == "申请表":
        data, part = make_form(tmp_path / "src" / "申请表.xlsx").read_bytes(), "xl/worksheets/sheet1.xml"
        other = make_form(tmp_path / "src" / "空.xlsx", 申报单位="").read_bytes()
    else:
        data, part = make_summary(tmp_path / "src" / "总结材料.docx").read_bytes(), "word/document.xml"
        other = make_summary(tmp_path / "src" / "空.docx", enterprise="河北恒达轴承有限公司").read_bytes()
    with zipfile.ZipFile(io.BytesIO(other)) as source:
        body = source.read(part)
    damaged = _with_a_part_twice(data, part, body, spelled=part.upper() if spelled else None)
    path = tmp_path / f"1-{kind}.{'xlsx' if kind == '申请表' else 'docx'}"
    path.write_bytes(damaged)
    ex = read_file(str(path), f"保定/{path.name}", campaign)
    assert [i.code for i in ex.issues] == ["file.unreadable"], ex.issues
    assert "同一部分出现了两次" in ex.issues[0].message
