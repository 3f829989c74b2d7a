"""A 推荐排序表 a unit made in Word — a table in a .docx (or .doc/.odt) named so, or titled so above the table — gives
the unit's order as the Excel one does; it was 'file.unrecognized' (…也不是推荐排序表) and the order was the
receipt's. A table of 序号 and 单位名称 in a document that does not say it is a ranking orders nothing."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import docx
import pytest
from conftest import ROOT, soffice
from test_ranking_furniture import FIRMS, batch_ranked_in_reverse, two_pairs
from test_rules import ENTERPRISES, SJZ, file_version, run, unit_apps

from toolkit.extract.registry import extract


def _document(path: Path, rows: list, *, title: str = "", header=("推荐顺序", "申报单位", "标杆名称", "备注"),
              after: str = "经办人：张三    联系电话：0311-87803218") -> Path:
    d = docx.Document()
    if title:
        d.add_paragraph(title)
    table = d.add_table(rows=1, cols=len(header))
    for cell, text in zip(table.rows[0].cells, header):
        cell.text = text
    for row in rows:
        cells = table.add_row().cells
        for cell, value in zip(cells, row):
            cell.text = "" if value is None else str(value)
    if after:
        d.add_paragraph(after)
    path.parent.mkdir(parents=True, exist_ok=True)
    d.save(path)
    return path


def _read(path: Path, campaign, rel: str = "石家庄/推荐排序表.docx") -> tuple:
    return file_version(rel), extract(path.read_bytes(), path.name, campaign)


@pytest.mark.parametrize("name, title", [
    ("推荐排序表.docx", ""), ("石家庄市推荐顺序.docx", ""), ("附件2.docx", "石家庄市工业企业质量标杆推荐排序表"),
    ("排序.docx", "推荐名单"),
])
def test_a_word_ranking_orders_the_unit(tmp_path, campaign, name, title):
    path = _document(tmp_path / name, [[1, ENTERPRISES[1], "", ""], [2, ENTERPRISES[0], "", ""]], title=title)
    fv, ex = _read(path, campaign)
    assert ex.kind == "ranking", ex
    result = run(*unit_apps(2, prefixes=False), (fv, ex))
    assert [(a.rank, a.enterprise, a.rank_source) for a in result.applications] == [
        (1, ENTERPRISES[1], "推荐排序表"), (2, ENTERPRISES[0], "推荐排序表")]
    assert not [i for i in result.issues if i.code.startswith(("rank.", "file."))], result.issues
    [unit] = [u for u in result.units if u.unit == SJZ]
    assert unit.draft_reasons == ()


def test_a_word_ranking_withdraws_and_says_where(tmp_path, campaign):
    """序号 / 企业名称 / 备注 as clerks head it: 撤回 in 备注 withdraws; a row naming no application is told at its
    table's cell."""
    path = _document(tmp_path / "推荐排序表.docx", [[1, ENTERPRISES[0], None, None], [2, ENTERPRISES[1], None, "企业申请撤回"],
                                                [3, "石家庄不存在机械有限公司", None, None]],
                     header=("序号", "企业名称", "标杆名称", "备注"))
    result = run(*unit_apps(2, prefixes=False), _read(path, campaign))
    assert [(a.rank, a.status) for a in result.applications] == [(1, "通过"), (None, "已撤回")]
    [conflict] = [i for i in result.issues if i.code == "rank.conflict"]
    assert conflict.location == "推荐排序表（第1个表格）第4行第1列"


@pytest.mark.parametrize("name, title, header", [
    ("附件清单.docx", "附件清单", ("序号", "单位名称", "材料名称")),
    ("说明.docx", "情况说明", ("序号", "企业名称", "标杆名称")),
])
def test_a_table_that_is_no_ranking_orders_nothing(tmp_path, campaign, name, title, header):
    """A list of attachments or enterprises in a document that does not say it is a ranking: not read as one."""
    path = _document(tmp_path / name, [[1, ENTERPRISES[1], "营业执照"], [2, ENTERPRISES[0], "证书"]], title=title,
                     header=header)
    fv, ex = _read(path, campaign, rel=f"石家庄/{name}")
    assert ex.kind != "ranking"
    result = run(*unit_apps(2), (fv, ex))
    assert [(a.rank, a.enterprise, a.rank_source) for a in result.applications] == [
        (1, ENTERPRISES[0], "文件名序号"), (2, ENTERPRISES[1], "文件名序号")]


@pytest.mark.parametrize("suffix", ["odt", "doc"])
def test_saved_by_libreoffice(tmp_path, campaign, suffix):
    if soffice() is None:
        pytest.skip("LibreOffice (soffice) is not installed")
    path = _document(tmp_path / "推荐排序表.docx", [[1, ENTERPRISES[1], "", ""], [2, ENTERPRISES[0], "", ""]])
    subprocess.run([soffice(), "--headless", "--convert-to", suffix, "--outdir", str(tmp_path / "lo"), str(path)],
                   check=True, capture_output=True, timeout=180)
    converted = tmp_path / "lo" / f"推荐排序表.{suffix}"
    ex = extract(converted.read_bytes(), converted.name, campaign)
    assert ex.kind == "ranking" and [(r.rank, r.enterprise) for r in ex.ranking] == [
        (1, ENTERPRISES[1]), (2, ENTERPRISES[0])]


def test_a_batch_and_check(tmp_path, make_form, make_summary):
    """A real run: the Word sheet's order reaches summary.json and the 推荐意见 is final; `run.py check` says what
    the file was read as."""
    unit = two_pairs(tmp_path, make_form, make_summary)
    sheet = _document(unit / "推荐排序表.docx", [[1, FIRMS[1], "", ""], [2, FIRMS[0], "", ""]], title="推荐排序表")
    batch_ranked_in_reverse(tmp_path)
    shown = subprocess.run([sys.executable, str(ROOT / "run.py"), "check", str(sheet)], capture_output=True,
                           text=True, timeout=120, check=False)
    assert "识别为：推荐排序表" in shown.stdout, shown.stdout


@pytest.mark.parametrize("kind", ["xlsx", "docx"])
def test_a_sheet_naming_the_benchmarks_only(tmp_path, campaign, kind):
    """序号 | 标杆名称 | 备注, no column of enterprises (a unit listing what it recommends): each row matched by its
    标杆名称, as the rules match a row without 申报单位; it was file.unrecognized."""
    import openpyxl
    from test_rules import _name_for

    rows = [[1, _name_for(ENTERPRISES[1]), None], [2, _name_for(ENTERPRISES[0]), None]]
    header = ("序号", "标杆名称", "备注")
    if kind == "docx":
        path = _document(tmp_path / "推荐排序表.docx", rows, header=header)
    else:
        wb = openpyxl.Workbook()
        for row in (header, *rows, [None, "以下空白", None]):
            wb.active.append(list(row))
        path = tmp_path / "推荐排序表.xlsx"
        wb.save(path)
    fv, ex = _read(path, campaign, rel=f"石家庄/{path.name}")
    assert ex.kind == "ranking", ex
    result = run(*unit_apps(2, prefixes=False), (fv, ex))
    assert [(a.rank, a.enterprise, a.rank_source) for a in result.applications] == [
        (1, ENTERPRISES[1], "推荐排序表"), (2, ENTERPRISES[0], "推荐排序表")]
    assert not [i for i in result.issues if i.code.startswith(("rank.", "file."))], result.issues
