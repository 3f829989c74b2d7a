"""Spliced table rows (toolkit.render.xlsx_rows) give the workbook xlsxwriter would have written cell by cell:
the same values, types, styles, row heights and used range, read back with openpyxl and python-calamine, and
the same text when LibreOffice converts both; the register written both ways is the same cell for cell."""
from __future__ import annotations

import io
import re
import subprocess
import zipfile
from pathlib import Path

import openpyxl
import pytest
import xlsxwriter
from conftest import soffice
from hypothesis import given, settings
from hypothesis import strategies as st

from toolkit.campaign import load_campaign
from toolkit.demo import write_demo_inbox
from toolkit.pipeline import run
from toolkit.render import register as register_module
from toolkit.render.xlsx_rows import MAX_STRING, RowSplice, row_height_attribute
from toolkit.render.xlsx_style import Column, formats, write_table

COLUMNS = [Column("序号", "count", minimum=5), Column("名称", cap=30), Column("金额（万元）", "money"),
           Column("状态", "center", cap=10), Column("说明", cap=40), Column("隐藏", cap=12, hidden=True)]


def _awkward_rows() -> list[list]:
    """Values real registers carry and the ones that trip writers: markup, Excel's own _xHHHH_ escapes, carriage
    returns, line breaks, leading and trailing spaces inside text, characters above U+FFFF, text over Excel's
    32,767-unit limit (cut inside an emoji pair), huge and tiny numbers, booleans, blanks, NaN and infinity."""
    over = "质" * (MAX_STRING - 1) + "😀" + "尾"
    rows = [
        [1, "河北华信精密机械有限公司", 12345.67, "通过", "正常", "a"],
        [2, 'A&B <公司> "引号" \'单引号\'', 0.1 + 0.2, "需补正", "第一行\n第二行\n第三行", ""],
        [3, "_x0041_ 看似 Excel 转义", 1e-7, "通过", "回车\r换行", None],
        [4, "前后有空格的 文本 ", -1.5, "已撤回", "  缩进\n第二行 ", "h"],
        [5, "𠀀𠀁 扩展区汉字与😀", 12345678901234567890, True, False, "x"],
        [6, over, float("nan"), "", None, "y"],
        [7, "=SUM(A1:A3)", float("inf"), "+1", "@cmd", "z"],
        [8, "非法字符\x01\x0b在此", 2 ** 53 + 1, "通过", "制表\t符", "w"],
        [9, "长文本" * 60, 0, "通过", "摘要" * 200, "v"],
        [1.0, "1", 1, "1", 1.0, True],  # equal as keys (1 == 1.0 == True), written as a float, text, int, bool
        [-0.0, 1, 0.0, True, 1, 1.0],
    ]
    return rows


def _style(r: int, c: int, value) -> str | None:
    if c == 3:
        return "ok" if value == "通过" else "bad"
    if c == 4 and r % 2:
        return "warning"
    return None


def _workbook(path: Path, rows: list[list], *, splice: bool, total: bool = True) -> None:
    """A constant_memory workbook with a titled table (header, rows, total) and a second table below it."""
    package = io.BytesIO()
    wb = xlsxwriter.Workbook(package, {"strings_to_formulas": False, "strings_to_urls": False,
                                       "strings_to_numbers": False, "constant_memory": True})
    f = formats(wb)
    rows_splice = RowSplice() if splice else None
    ws = wb.add_worksheet("表一")
    ws.merge_range(0, 0, 0, len(COLUMNS) - 1, "标题", f["title"])
    write_table(ws, f, top=1, columns=COLUMNS, rows=rows, styles=_style, splice=rows_splice,
                total=["合计", "", 99.5, "", "", ""] if total else None)
    ws.autofilter(1, 0, len(rows) + 1, len(COLUMNS) - 1)
    other = wb.add_worksheet("表二")
    write_table(other, f, top=0, columns=COLUMNS[:3], rows=[row[:3] for row in rows], splice=rows_splice)
    wb.close()
    if rows_splice is None:
        path.write_bytes(package.getvalue())
    else:
        rows_splice.finish(package.getvalue(), path)


def _cells(path: Path) -> dict:
    """Every cell's value and look, every row's height and the used range, per sheet (openpyxl)."""
    wb = openpyxl.load_workbook(path)
    out = {}
    for ws in wb.worksheets:
        cells = {}
        for row in ws.iter_rows():
            for cell in row:
                if cell.value is None and not cell.has_style:
                    continue
                cells[cell.coordinate] = (cell.value, cell.data_type, cell.number_format, cell.font.b,
                                          cell.font.color.rgb if cell.font.color else None, cell.fill.fgColor.rgb,
                                          cell.alignment.horizontal, cell.alignment.wrap_text,
                                          cell.border.left.style)
        heights = {r: d.height for r, d in ws.row_dimensions.items() if d.height is not None}
        out[ws.title] = (cells, heights, ws.dimensions, ws.auto_filter.ref)
    return out


@pytest.fixture(scope="module")
def both(tmp_path_factory) -> tuple[Path, Path]:
    folder = tmp_path_factory.mktemp("splice")
    spliced, reference = folder / "spliced.xlsx", folder / "reference.xlsx"
    _workbook(spliced, _awkward_rows(), splice=True)
    _workbook(reference, _awkward_rows(), splice=False)
    return spliced, reference


def test_spliced_rows_read_back_as_xlsxwriter_wrote_them(both):
    spliced, reference = both
    got, expected = _cells(spliced), _cells(reference)
    assert got == expected
    cells, heights, dimension, _ = got["表一"]
    assert dimension == "A1:F14"  # title, header, 11 rows, total
    assert cells["B3"][0] == "河北华信精密机械有限公司" and cells["C3"][0] == 12345.67
    assert cells["B4"][0] == 'A&B <公司> "引号" \'单引号\''
    assert cells["B5"][0] == "_x005F_x0041_ 看似 Excel 转义"  # escaped as Excel does (openpyxl does not unescape)
    assert cells["D7"][0] is True and cells["E7"][0] is False
    assert len(cells["B8"][0].encode("utf-16-le")) // 2 <= MAX_STRING  # cut, never inside the emoji
    assert cells["C8"][0] is None and cells["C9"][0] is None  # NaN and infinity: blank, styled cells
    assert cells["B9"][0] == "=SUM(A1:A3)" and cells["B9"][1] == "s"  # text, never a formula
    assert cells["B10"][0] == "非法字符在此"
    assert heights[6] > heights[3]  # three lines of text: a taller row
    # 1.0, "1", 1, True: equal as keys, each written as itself (row 12), -0.0 and 0.0 as numbers (row 13)
    assert [cells[f"{c}12"][1] for c in "ABCDEF"] == ["n", "s", "n", "s", "n", "b"]
    assert [cells[f"{c}12"][0] for c in "ABCF"] == [1, "1", 1, True] and cells["D12"][0] == "1"
    assert [cells[f"{c}13"][1] for c in "ABCD"] == ["n", "n", "n", "b"] and cells["A13"][0] == 0
    assert got["表二"][2] == "A1:C12"
    # readers that trust the stored used range (openpyxl's and calamine's figures above count cells instead)
    assert _stored_dimensions(spliced) == _stored_dimensions(reference) == ["A1:F14", "A1:C12"]


def _stored_dimensions(path: Path) -> list[str]:
    """Each worksheet's <dimension ref>, as written in the package."""
    import re

    with zipfile.ZipFile(path) as z:
        names = sorted(n for n in z.namelist() if n.startswith("xl/worksheets/sheet"))
        return [re.search(r'<dimension ref="([^"]+)"', z.read(n).decode("utf-8")).group(1) for n in names]


def test_every_part_of_the_spliced_package_is_compressed(both):
    spliced, reference = both
    with zipfile.ZipFile(spliced) as z, zipfile.ZipFile(reference) as ref:
        assert sorted(z.namelist()) == sorted(ref.namelist())
        for info in z.infolist():
            assert info.compress_type == zipfile.ZIP_DEFLATED, info.filename
            assert z.testzip() is None
        sheets = [i for i in z.infolist() if i.filename.startswith("xl/worksheets/sheet")]
        assert sum(i.compress_size for i in sheets) * 2 < sum(i.file_size for i in sheets)


def test_calamine_reads_the_same_values(both):
    from python_calamine import CalamineWorkbook

    spliced, reference = both
    for name in ("表一", "表二"):
        a = CalamineWorkbook.from_path(str(spliced)).get_sheet_by_name(name).to_python()
        b = CalamineWorkbook.from_path(str(reference)).get_sheet_by_name(name).to_python()
        assert a == b
        assert len(a) == (14 if name == "表一" else 12)
    rows = CalamineWorkbook.from_path(str(spliced)).get_sheet_by_name("表一").to_python()
    assert rows[4][1] == "_x0041_ 看似 Excel 转义"  # what Excel shows: the literal text, not "A"
    assert rows[4][4] == "回车\r换行"  # a carriage return kept (written as _x000D_, as Excel does)
    assert rows[7][1] == "质" * (MAX_STRING - 1)  # the emoji would pass the limit: cut before it


def test_libreoffice_shows_the_same_text(both, tmp_path):
    office = soffice()
    if office is None:
        pytest.skip("LibreOffice (soffice) is not installed")
    texts = []
    for path in both:
        out = tmp_path / path.stem
        out.mkdir()
        subprocess.run([office, "--headless", "--convert-to", "csv:Text - txt - csv (StarCalc):44,34,76,1,,0,false,true",
                        "--outdir", str(out), str(path)], check=True, capture_output=True, timeout=180)
        texts.append((out / f"{path.stem}.csv").read_text(encoding="utf-8"))
    assert texts[0] == texts[1]
    assert "河北华信精密机械有限公司" in texts[0] and "12,345.67" in texts[0]


def test_row_height_attribute_rounds_to_whole_pixels_as_xlsxwriter_does():
    assert row_height_attribute(30) == "30"
    assert row_height_attribute(14.5 * 3 + 4) == "47.25"
    assert row_height_attribute(18.5) == "18.75"


def test_more_formats_than_columns_falls_back_to_xlsxwriter(tmp_path):
    """A two-column table whose cells use three formats has no room for its marker row: xlsxwriter writes it."""
    columns = [Column("名称", cap=20), Column("状态", "center", cap=10)]
    rows = [["甲", "通过"], ["乙", "需补正"], ["丙", "已撤回"]]

    def style(r, c, v):
        return {"通过": "ok", "需补正": "bad", "已撤回": "warning"}[v] if c == 1 else None

    paths = []
    for splice in (RowSplice(), None):
        package = io.BytesIO()
        wb = xlsxwriter.Workbook(package, {"constant_memory": True})
        f = formats(wb)
        write_table(wb.add_worksheet("表"), f, top=0, columns=columns, rows=rows, styles=style, splice=splice)
        wb.close()
        path = tmp_path / f"{splice is not None}.xlsx"
        if splice is None:
            path.write_bytes(package.getvalue())
        else:
            assert splice.tables == []  # nothing taken
            splice.finish(package.getvalue(), path)
        paths.append(path)
    assert _cells(paths[0]) == _cells(paths[1])


def test_a_workbook_not_in_constant_memory_mode_is_refused(tmp_path):
    package = io.BytesIO()
    wb = xlsxwriter.Workbook(package)  # shared strings: the marker is not in the worksheet's XML
    f = formats(wb)
    splice = RowSplice()
    write_table(wb.add_worksheet("表"), f, top=0, columns=COLUMNS, rows=_awkward_rows()[:2], splice=splice)
    wb.close()
    with pytest.raises(RuntimeError):
        splice.finish(package.getvalue(), tmp_path / "x.xlsx")


def test_register_spliced_equals_register_written_cell_by_cell(tmp_path, monkeypatch):
    """The demo's register (seven sheets, totals, filters, charts) written with spliced rows and written through
    xlsxwriter alone: the same cells, looks, heights and used ranges; the same package parts."""
    campaign = load_campaign()
    info = write_demo_inbox(tmp_path / "inbox", tmp_path / "outbox", campaign)
    result = run(tmp_path / "inbox", tmp_path / "outbox", campaign, settle=0, force=True, now=info["now"]).result
    assert len(result.applications) > 50
    spliced, reference = tmp_path / "spliced.xlsx", tmp_path / "reference.xlsx"
    register_module.write_register(spliced, result)
    monkeypatch.setattr(RowSplice, "add", lambda *args, **kwargs: False)
    monkeypatch.setattr(RowSplice, "add_groups", lambda *args, **kwargs: False)
    register_module.write_register(reference, result)
    assert _cells(spliced) == _cells(reference)
    with zipfile.ZipFile(spliced) as a, zipfile.ZipFile(reference) as b:
        assert a.namelist() == b.namelist()
        assert a.read("xl/workbook.xml") == b.read("xl/workbook.xml")  # defined names, print titles


def test_submitted_text_holding_the_marker_character_is_written_as_text(tmp_path):
    """U+E000 (the first self-made character, 造字; GBK 0xAAA1) in spliced cells and in a sheet written by
    xlsxwriter alone: never taken for a marker; the workbook equals the one xlsxwriter writes cell by cell."""
    rows = [[1, "某\ue000公司", 1.0, "通过", "\ue0001:0\ue000", "x"], [2, "乙", -0.0, "通过", "\ue000", "y"]]
    paths = []
    for splice in (RowSplice(), None):
        package = io.BytesIO()
        wb = xlsxwriter.Workbook(package, {"constant_memory": True, "strings_to_numbers": False})
        f = formats(wb)
        ws = wb.add_worksheet("表")
        write_table(ws, f, top=0, columns=COLUMNS, rows=rows, styles=_style, splice=splice)
        plain = wb.add_worksheet("说明")
        plain.write_string(0, 0, "\ue000造字\ue000", f["cell"])
        wb.close()
        path = tmp_path / f"{splice is not None}.xlsx"
        if splice is None:
            path.write_bytes(package.getvalue())
        else:
            splice.finish(package.getvalue(), path)
        paths.append(path)
    assert _cells(paths[0]) == _cells(paths[1])
    cells = _cells(paths[0])["表"][0]
    assert cells["B2"][0] == "某\ue000公司" and cells["E2"][0] == "\ue0001:0\ue000"
    assert _cells(paths[0])["说明"][0]["A1"][0] == "\ue000造字\ue000"
    with zipfile.ZipFile(paths[0]) as a, zipfile.ZipFile(paths[1]) as b:
        sheet = "xl/worksheets/sheet1.xml"
        assert b"<v>-0</v>" in a.read(sheet) and b"<v>-0</v>" in b.read(sheet)  # as xlsxwriter writes -0.0


@given(st.text(alphabet=st.sampled_from(["a", " ", "\u3000", "质", "&", "<", "_", "x", "0", "4", "1", "\n", "\t",
                                         "\x01", "\ufffe", "😀", "\ud800"]), max_size=12))
@settings(max_examples=400, deadline=None)
def test_a_plain_text_cell_is_written_as_the_general_path_writes_it(text):
    """The shortcut for text with nothing to drop, cut or escape gives the XML of the general path."""
    from toolkit.render import xlsx_rows

    fast = xlsx_rows._cell_tail(text)
    everything = re.compile("")  # matches every text: the general path
    original, xlsx_rows._NOT_PLAIN = xlsx_rows._NOT_PLAIN, everything
    try:
        general = xlsx_rows._cell_tail(text)
    finally:
        xlsx_rows._NOT_PLAIN = original
    assert fast == general


def test_rows_streamed_a_few_at_a_time_give_the_same_workbook(tmp_path, both, monkeypatch):
    """A worksheet is written as a stream of pieces of rows (ROWS_PER_PIECE); pieces of 1, 2 and 5 rows, which
    split the tables anywhere, give the cells xlsxwriter writes."""
    from toolkit.render import xlsx_rows

    _, reference = both
    expected = _cells(reference)
    for rows in (1, 2, 5):
        monkeypatch.setattr(xlsx_rows, "ROWS_PER_PIECE", rows)
        path = tmp_path / f"pieces-{rows}.xlsx"
        _workbook(path, _awkward_rows(), splice=True)
        assert _cells(path) == expected
        assert _stored_dimensions(path) == _stored_dimensions(reference)


def test_receipts_spliced_equal_receipts_written_cell_by_cell(tmp_path, monkeypatch):
    """Every demo unit's 回执 (overview, problems grouped by application under merged headings, files) written with
    spliced rows and written through xlsxwriter alone: the same cells, looks, heights, merges and widths."""
    from toolkit.render import receipt

    campaign = load_campaign()
    info = write_demo_inbox(tmp_path / "inbox", tmp_path / "outbox", campaign)
    result = run(tmp_path / "inbox", tmp_path / "outbox", campaign, settle=0, force=True, now=info["now"]).result
    views = result.by_unit
    assert sum(len(v.issues) for v in views.values()) > 20
    assert any(e.status == "rejected" for v in views.values() for e in v.files)  # the 错误 look in 收到的文件

    def write_all(folder: Path) -> None:
        folder.mkdir()
        for unit, view in views.items():
            receipt.write_receipt(str(folder / f"{unit}.xlsx"), result, view)

    write_all(tmp_path / "spliced")
    monkeypatch.setattr(RowSplice, "add", lambda *args, **kwargs: False)
    write_all(tmp_path / "reference")

    def layout(path: Path) -> list:
        wb = openpyxl.load_workbook(path)
        return [(ws.title, sorted(map(str, ws.merged_cells.ranges)),
                 {k: d.width for k, d in ws.column_dimensions.items()}, ws.print_title_rows, ws.freeze_panes)
                for ws in wb.worksheets]

    looks = set()
    for unit, view in views.items():
        spliced, reference = tmp_path / "spliced" / f"{unit}.xlsx", tmp_path / "reference" / f"{unit}.xlsx"
        assert _cells(spliced) == _cells(reference), unit
        assert layout(spliced) == layout(reference), unit
        cells = _cells(spliced)
        for r, entry in enumerate(view.files, start=2):  # 收到的文件: an unreadable file's 状态 in red, bold
            looks.add((entry.status == "rejected", cells["收到的文件"][0][f"C{r}"][3:5]))
        overview = cells["申报情况"][0]
        for coordinate, (value, *look) in overview.items():
            if coordinate.startswith("D") and value in ("通过", "需补正", "超出名额"):
                looks.add((value, tuple(look[2:4])))
    assert {look for rejected, look in looks if rejected is True} == {(True, "FFC00000")}
    assert all(look[0] is False and look[1] != "FFC00000" for rejected, look in looks if rejected is False)
    assert ("通过", (False, "FF006100")) in looks and ("需补正", (True, "FFC00000")) in looks
