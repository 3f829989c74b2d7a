"""Lines of a 推荐排序表 that list no application — a signature or contact line, '以下空白', a section note, a total, a
note — are passed over: each was 'no materials for this enterprise' (rank.conflict), an error that made the unit's
推荐意见 a draft over what clerks put under every table they make."""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import openpyxl
import pytest
from conftest import ROOT
from test_rules import ENTERPRISES, SJZ, file_version, run, unit_apps

from toolkit.extract.registry import extract

BASE = [[1, ENTERPRISES[0], "", ""], [2, ENTERPRISES[1], "", ""]]
SIGNATURE = "经办人：张三    联系电话：0311-87803218"


def _sheet(tmp_path: Path, campaign, rows: list, merge: str | None = None) -> tuple:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["推荐顺序", "申报单位", "标杆名称", "备注"])
    for row in rows:
        ws.append(row)
    if merge:
        ws.merge_cells(merge)
    path = tmp_path / "推荐排序表.xlsx"
    wb.save(path)
    return file_version("石家庄/推荐排序表.xlsx"), extract(path.read_bytes(), path.name, campaign)


@pytest.mark.parametrize("rows, merge", [
    (BASE + [[None, SIGNATURE, None, None]], None),
    (BASE + [[SIGNATURE, None, None, None]], "A4:D4"),  # typed across the table, merged
    (BASE + [[None, "填表人：李四", None, "2021年9月18日"]], None),
    (BASE + [[None, "推荐单位（盖章）：石家庄市工业和信息化局", None, None]], None),
    (BASE + [[None, "以下空白", None, None]], None),
    (BASE + [[None, "以下无正文", None, None]], None),
    ([BASE[0], [None, "（以下为补报）", None, None], BASE[1]], None),
    ([BASE[0], [None, "【补报项目】", None, None], BASE[1]], None),
    (BASE + [["合计", "2项", None, None]], None),
    (BASE + [["注：", "按推荐顺序填写", None, None]], None),
    (BASE + [["说明", "企业名称须与营业执照一致", None, None]], None),
], ids=["signature", "signature merged across", "填表人 and a date", "盖章 line", "以下空白", "以下无正文", "补报 note",
        "bracketed note", "合计", "注", "说明"])
def test_lines_of_the_form_list_no_application(tmp_path, campaign, rows, merge):
    result = run(*unit_apps(2, prefixes=False), _sheet(tmp_path, campaign, rows, merge))
    assert [(a.rank, a.enterprise, a.status) for a in result.applications] == [
        (1, ENTERPRISES[0], "通过"), (2, ENTERPRISES[1], "通过")]
    assert not [i for i in result.issues if i.code.startswith("rank.")], result.issues
    [unit] = [u for u in result.units if u.unit == SJZ]
    assert unit.draft_reasons == () and unit.sheet_errors == 0


@pytest.mark.parametrize("row, code", [
    ([None, "石家庄不存在机械有限公司", None, None], "rank.conflict"),  # an enterprise that did not apply, unranked
    ([3, "石家庄不存在机械有限公司", None, None], "rank.conflict"),  # ranked
    ([3, "申报单位：石家庄不存在机械有限公司", None, None], "rank.conflict"),  # a ranked row is an entry, colon or not
    ([3, "（石家庄不存在机械有限公司）", None, None], "rank.conflict"),
])
def test_entries_are_still_entries(tmp_path, campaign, row, code):
    """Near misses: an enterprise named without a rank, and any ranked row, whatever its name cell holds."""
    result = run(*unit_apps(2, prefixes=False), _sheet(tmp_path, campaign, BASE + [row]))
    assert [i.code for i in result.issues if i.code.startswith("rank.")] == [code]


def test_a_withdrawing_row_is_still_read(tmp_path, campaign):
    """'撤回' in 推荐顺序 beside a name: an entry withdrawing it, whatever else the row holds."""
    rows = [[1, ENTERPRISES[0], "", ""], ["撤回", ENTERPRISES[1], "", "经办人：张三"], [SIGNATURE, None, None, None]]
    result = run(*unit_apps(2, prefixes=False), _sheet(tmp_path, campaign, rows, "A4:D4"))
    assert [(a.rank, a.status) for a in result.applications] == [(1, "通过"), (None, "已撤回")]


FIRMS = ["石家庄华信精密机械有限公司", "石家庄恒达轴承有限公司"]


def two_pairs(tmp_path: Path, make_form, make_summary) -> Path:
    """A 石家庄 folder with FIRMS' 申请表 and 总结材料 (no order given); returns the folder."""
    unit = tmp_path / "inbox" / "石家庄"
    for firm in FIRMS:
        name = f"{firm.removesuffix('有限公司')}推行精益生产的经验"
        make_form(unit / f"{firm}-申请表.xlsx", 申报单位=firm, 标杆名称=name, 所在地区="石家庄市")
        make_summary(unit / f"{firm}-总结材料.docx", enterprise=firm, name=name)
    return unit


def batch_ranked_in_reverse(tmp_path: Path) -> None:
    """``run.py batch`` over tmp_path/inbox; asserts the unit's order is FIRMS reversed, both 通过, and its 推荐意见
    final (no draft reason)."""
    out = tmp_path / "out"
    subprocess.run([sys.executable, str(ROOT / "run.py"), "batch", "--inbox", str(tmp_path / "inbox"), "--outbox",
                    str(out), "--settle", "0", "--deadline", "2099-12-31"], check=True, capture_output=True,
                   timeout=300)
    summary = json.loads((out / "latest" / "summary.json").read_text(encoding="utf-8"))
    assert [(a["rank"], a["enterprise"], a["status"]) for a in summary["applications"]] == [
        (1, FIRMS[1], "通过"), (2, FIRMS[0], "通过")]
    [unit_summary] = [u for u in summary["units"] if u["unit"] == "石家庄市工业和信息化局"]
    assert unit_summary["opinion_final"] and not unit_summary["draft_reasons"], unit_summary


def test_a_batch_gives_a_final_opinion(tmp_path, make_form, make_summary):
    """A real run: a unit's sheet with a signature line and '以下空白' under its entries gives a 推荐意见 to stamp."""
    unit = two_pairs(tmp_path, make_form, make_summary)
    wb = openpyxl.Workbook()
    for row in (["推荐顺序", "申报单位", "标杆名称", "备注"], [1, FIRMS[1]], [2, FIRMS[0]], [None, "以下空白"],
                [None, SIGNATURE]):
        wb.active.append(row)
    wb.save(unit / "推荐排序表.xlsx")
    batch_ranked_in_reverse(tmp_path)
