"""省级汇总表.xlsx as leaders and staff read it, on the demo: the 推荐汇总表 first (only 通过, numbered, a 合计
row, no time in the title), the working sheets after it, widths that show every number, and print lengths
measured by converting each sheet to PDF with LibreOffice."""
from __future__ import annotations

import math
import re
import subprocess
from pathlib import Path

import openpyxl
import pytest
from conftest import soffice
from hypothesis import given, settings
from hypothesis import strategies as st
from openpyxl.utils import get_column_letter

from toolkit.campaign import load_campaign

SHEETS = ["推荐汇总表", "全部申报", "推荐单位情况", "问题清单", "统计", "申报明细", "文件清单"]
# print lengths for the demo (63 applications, 51 通过, 26 units, ~50 problems), every sheet printed at
# xlsx_style.PRINT_SCALE or more; 申报明细's rows are as tall as their 摘要 (about 170 字: 4-5 lines in its column)
MAX_PAGES = {"推荐汇总表": 3, "申报明细": 36, "问题清单": 20}


@pytest.fixture(scope="module")
def register(demo_run):
    _, outbox, summary, _ = demo_run
    path = outbox / "latest" / "省级汇总表.xlsx"
    return path, openpyxl.load_workbook(path), summary


def _passed_in_order(summary) -> list[dict]:
    """The 通过 applications in 附件2 unit order, then rank (what the leaders' sheet must list)."""
    order = {u.name: i for i, u in enumerate(load_campaign().units)}
    passed = [a for a in summary["applications"] if a["status"] == "通过"]
    return sorted(passed, key=lambda a: (order[a["unit"]], a["rank"] if a["rank"] is not None else 999))


def _table(ws, header_row: int) -> tuple[dict, list[tuple]]:
    rows = list(ws.iter_rows(min_row=header_row, values_only=True))
    return {name.replace("\n", ""): i for i, name in enumerate(rows[0]) if name}, rows[1:]  # (headers break)


def test_leaders_sheet_numbers_each_application_as_its_opinion_does(register):
    """The 推荐汇总表's 推荐顺序 and enterprise of every recommended application are those of its unit's 推荐意见
    table, where a higher-ranked application needing correction or ineligible leaves a gap in the ranks."""
    import docx

    path, wb, summary = register
    col, rows = _table(wb.worksheets[0], 3)
    on_sheet: dict[str, list] = {}
    for row in rows[:-1]:
        on_sheet.setdefault(row[col["推荐单位"]], []).append((row[col["推荐顺序"]], row[col["申报单位"]]))
    gaps = 0
    for unit, listed in on_sheet.items():
        opinion = docx.Document(str(path.parent / "推荐意见" / f"{unit}-推荐意见.docx"))
        table = next(t for t in opinion.tables if re.sub(r"\s", "", t.rows[0].cells[0].text) == "推荐顺序")
        in_opinion = [(int(r.cells[0].text), r.cells[1].text) for r in table.rows[1:] if r.cells[1].text.strip()]
        assert listed == in_opinion, unit
        ranks = sorted(a["rank"] for a in summary["applications"] if a["unit"] == unit and a["status"] == "通过")
        gaps += ranks != list(range(1, len(ranks) + 1))
    assert gaps >= 1  # the demo has a unit whose recommended ranks are not 1..n


def test_sheet_order(register):
    _, wb, _ = register
    assert wb.sheetnames == SHEETS


def test_leaders_sheet_lists_exactly_the_recommended_applications(register):
    _, wb, summary = register
    ws = wb.worksheets[0]
    assert ws.title == "推荐汇总表"
    title = ws["A1"].value
    assert title == "2021年河北省工业企业质量标杆推荐汇总表"
    assert not re.search(r"\d{1,2}:\d{2}|生成|截至", title), title  # no time stamp
    col, rows = _table(ws, 3)
    assert list(col) == ["序号", "推荐单位", "推荐顺序", "申报单位", "标杆名称", "所在地区", "所属行业", "企业规模",
                         "2020年营业收入", "2020年利润总额", "备注"]
    expected = _passed_in_order(summary)
    units = {u["unit"]: u for u in summary["units"]}
    data, total = rows[:-1], rows[-1]
    assert len(data) == len(expected) == 51
    assert [r[col["序号"]] for r in data] == list(range(1, len(expected) + 1))  # values, not a formula
    # 推荐顺序 is the number the unit's 推荐意见 gives: the place among its recommended ones (the demo has units
    # whose 2nd must be corrected or is ineligible, so ranks and these numbers differ there)
    place: dict[str, int] = {}
    for row, app in zip(data, expected):
        place[app["unit"]] = place.get(app["unit"], 0) + 1
        assert (row[col["推荐单位"]], row[col["推荐顺序"]], row[col["申报单位"]], row[col["标杆名称"]]) == \
            (app["unit"], place[app["unit"]], app["enterprise"], app["benchmark_name"])
        fields = app["fields"]
        revenue = fields["主营业收入"]["2020"] + (fields["其他业务收入"].get("2020") or 0.0)
        assert row[col["2020年营业收入"]] == pytest.approx(revenue)
        assert row[col["2020年利润总额"]] == pytest.approx(fields["利润总额"]["2020"])
        # an order a leader must not take as given: the unit's 推荐意见 is a draft, its order only the order
        # received in (the demo has such units), or its stamp is not in yet
        unit = units[app["unit"]]
        note = row[col["备注"]] or ""
        if not unit["opinion_final"]:
            assert note.startswith("推荐意见尚为草稿") and (("未经推荐单位确认" in note)
                                                            == (unit["rank_source"] == "收到顺序")), (unit, note)
        else:
            doubt = unit["opinion_outdated"] or unit["opinion_late"]
            assert note == ("盖章推荐意见未收到" if not unit["stamped_opinion"] else "盖章推荐意见需核对" if doubt
                            else ""), (unit, note)
    assert {units[a["unit"]]["rank_source"] for a in expected if not units[a["unit"]]["opinion_final"]} >= {"收到顺序"}
    assert total[0] == "合计"
    assert total[col["申报单位"]] == len(expected)
    assert total[col["2020年利润总额"]] == pytest.approx(sum(a["fields"]["利润总额"]["2020"] for a in expected))
    assert total[col["2020年营业收入"]] == pytest.approx(sum(r[col["2020年营业收入"]] for r in data))
    headers = " ".join(col)
    for staff_only in ("状态", "问题", "收到时间", "版本数", "代码", "文件"):
        assert staff_only not in headers


def test_leaders_sheet_prints_landscape_with_page_numbers(register):
    _, wb, _ = register
    ws = wb["推荐汇总表"]
    assert ws.page_setup.orientation == "landscape"
    assert int(ws.page_setup.paperSize) in (8, 9)  # A3, A4
    assert ws.sheet_properties.pageSetUpPr.fitToPage
    assert ws.page_setup.fitToWidth in (None, 1) and ws.page_setup.fitToHeight == 0  # one page wide (1: default)
    assert ws.print_title_rows == "$3:$3"
    assert "第 &P 页 共 &N 页" in ws.oddFooter.center.text
    assert ws.freeze_panes == "A4"


def test_all_applications_sheet_keeps_every_status(register):
    _, wb, summary = register
    ws = wb["全部申报"]
    col, rows = _table(ws, 2)
    assert len(rows) == len(summary["applications"])
    for row, app in zip(rows, summary["applications"]):
        assert (row[col["推荐单位"]], row[col["申报单位"]], row[col["状态"]]) == \
            (app["unit"], app["enterprise"], app["status"])
    assert ws.auto_filter.ref and ws.auto_filter.ref.startswith("A2:")
    assert ws.print_title_rows == "$2:$2"


def test_units_sheet_totals_match_summary(register):
    _, wb, summary = register
    ws = wb["推荐单位情况"]
    assert "推荐单位报送情况" in ws["A1"].value
    col, rows = _table(ws, 2)
    units, total = rows[:-1], rows[-1]
    assert [r[col["推荐单位"]] for r in units] == [u["unit"] for u in summary["units"]]
    assert total[col["推荐单位"]] == "合计"
    names = {"名额": "quota", "收到": "received", "通过": "passed", "超出名额": "over_quota", "逾期": "late",
             "不符合申报条件": "ineligible", "需补正": "needs_fix", "已撤回": "withdrawn", "文件错误": "file_errors",
             "还需处理": "to_handle"}
    for header, key in names.items():
        assert total[col[header]] == sum(u[key] for u in summary["units"]), header
        for row, unit in zip(units, summary["units"]):
            assert row[col[header]] == unit[key], (unit["unit"], header)
    assert total[col["盖章推荐意见"]] == sum(u["stamped_opinion"] for u in summary["units"])
    for row, unit in zip(units, summary["units"]):
        state = row[col["盖章推荐意见"]]
        if not unit["stamped_opinion"]:
            assert state == "未收到"
        elif unit["opinion_outdated"]:
            assert state == "已收到，需核对（早于最新材料，必要时重新盖章）"  # as the receipt and index.html
        elif not unit["opinion_final"]:  # stamped while the 推荐意见 is a draft
            assert state == "已收到，需核对（推荐意见仍是草稿，处理后需重新盖章）"
        else:
            assert state == "已收到"


def test_issues_sheet_groups_by_unit_with_errors_first(register):
    _, wb, summary = register
    ws = wb["问题清单"]
    col, rows = _table(ws, 2)
    last = max(col.values())
    assert col["代码"] == last  # the English code only in the last column, out of view
    assert ws.column_dimensions[get_column_letter(last + 1)].hidden
    codes = {i["code"] for a in summary["applications"] for i in a["issues"]}
    codes |= {i["code"] for f in summary["files"] for i in f["issues"]}
    for row in rows:
        assert row[last] in codes
        assert all(row[c] not in codes for c in range(last)), row  # no code in view
        assert "!" not in (row[col["位置"]] or ""), row  # 申请表 B7 单元格, never 申请表!B7
    order = [u["unit"] for u in summary["units"]] + ["（未归属推荐单位）"]
    positions = [order.index(r[col["推荐单位"]]) for r in rows]
    assert positions == sorted(positions), "grouped by unit in 附件2 order"
    for unit in order:
        levels = [r[col["级别"]] for r in rows if r[col["推荐单位"]] == unit]
        assert levels == sorted(levels, key=lambda s: s != "错误"), (unit, levels)
    unreadable = next(r for r in rows if r[last] == "file.unreadable")
    assert unreadable[col["推荐单位"]] == "张家口市工业和信息化局"  # a file's problem beside its unit
    assert unreadable[col["问题类型"]] == "文件无法读取"


def test_statistics_have_a_breakdown_by_kind_of_unit(register):
    _, wb, summary = register
    rows = list(wb["统计"].iter_rows(values_only=True))
    start = next(i for i, r in enumerate(rows) if r[0] == "按推荐单位类别")
    header = [(name or "").replace("\n", "") for name in rows[start]]  # (headers break)
    kinds = {r[0]: r for r in rows[start + 1:start + 4]}
    assert set(kinds) == {"市级", "省级协会", "合计"}
    units = summary["units"]
    assert kinds["合计"][header.index("单位数")] == len(units)
    assert kinds["市级"][header.index("单位数")] == sum(u["kind"] == "city" for u in units)
    assert kinds["合计"][header.index("通过")] == sum(u["passed"] for u in units)
    assert kinds["合计"][header.index("盖章推荐意见")] == sum(u["stamped_opinion"] for u in units)


def test_statistics_by_region_are_summary_regions_counted(register):
    """summary.json gives each application's region as 统计 groups it (what 所在地区 names: '河北省石家庄市鹿泉区' ->
    石家庄市, the outputs audit's note: a system reading summary.json could not reproduce 统计): counted, they are
    the 按所在地区 table."""
    from collections import Counter

    _, wb, summary = register
    rows = list(wb["统计"].iter_rows(values_only=True))
    start = next(i for i, r in enumerate(rows) if r[0] == "按所在地区")
    table = {}
    for r in rows[start + 1:]:
        if r[0] == "合计" or r[0] is None:
            break
        table[r[0]] = (r[1], r[2])
    apps = summary["applications"]
    assert table == {region: (n, sum(a["status"] == "通过" for a in apps if a["region"] == region))
                     for region, n in Counter(a["region"] for a in apps).items()}


def test_files_sheet_in_unit_order_without_hashes_in_view(register):
    _, wb, summary = register
    ws = wb["文件清单"]
    col, rows = _table(ws, 2)
    order = [u["unit"] for u in summary["units"]] + ["（未归属推荐单位）"]
    positions = [order.index(r[col["推荐单位"]]) for r in rows]
    assert positions == sorted(positions)
    assert col["SHA-256"] == max(col.values())
    assert ws.column_dimensions[get_column_letter(col["SHA-256"] + 1)].hidden


def test_detail_sheet_holds_every_field_with_the_abstract_wrapped(register):
    """申报明细 is every field of each application (README): the 摘要 (附件1, ≤500 字) too, after 标杆名称 as in the
    申请表, whole, in a wrapping column wide enough that an abstract at its limit fits the row's lines."""
    from toolkit.render.xlsx_style import LINE_HEIGHT, MAX_LINES, lines_needed

    _, wb, summary = register
    ws = wb["申报明细"]
    col, rows = _table(ws, 1)
    assert "文件" not in col
    assert list(col)[:4] == ["序号", "推荐单位", "推荐顺序", "申报单位"]
    fields = [spec.key for spec in load_campaign().fields if spec.key != "申报单位"]
    assert list(col)[4:4 + len(fields)] == fields  # the 申请表's order: 摘要 right after 标杆名称
    assert col["摘要"] == col["标杆名称"] + 1
    abstracts = [a["fields"].get("摘要") or None for a in summary["applications"]]
    assert [row[col["摘要"]] for row in rows] == abstracts and sum(map(bool, abstracts)) > 50
    width = _widths(ws)[col["摘要"] + 1]
    assert 60 <= width <= 90 and lines_needed("摘" * 500, width) <= MAX_LINES
    for r, abstract in enumerate(abstracts, start=2):
        cell = ws.cell(row=r, column=col["摘要"] + 1)
        assert cell.alignment.wrap_text
        if abstract:  # tall enough for the wrapped text
            assert ws.row_dimensions[r].height >= LINE_HEIGHT * lines_needed(abstract, width), (r, abstract)


# ---- widths: no ##### ----

def _shown(value: float, fmt: str) -> str:
    """What Excel shows for ``value`` under the simple formats the register uses (0, #,##0.00, 0"项" …)."""
    literal = "".join(re.findall(r'"([^"]*)"', fmt))
    core = re.sub(r'"[^"]*"', "", fmt)
    if core in ("General", ""):
        return f"{value:g}" + literal
    decimals = len(core.split(".")[1]) if "." in core else 0
    return f"{value:{',' if ',' in core else ''}.{decimals}f}" + literal


def _units(text: str) -> float:
    import unicodedata

    return sum(2.0 if unicodedata.east_asian_width(ch) in ("W", "F") else 1.1 for ch in text)


def _widths(ws) -> dict[int, float]:
    out = {}
    for dim in ws.column_dimensions.values():
        if dim.width:
            for c in range(dim.min, dim.max + 1):
                out[c] = dim.width
    return out


def test_every_number_fits_its_column(register):
    """Excel shows ##### when a number is wider than its column: each numeric cell's text (as formatted) must
    fit, counting a digit as 1.1 units and a CJK character as 2, plus one unit of margin."""
    _, wb, _ = register
    checked = 0
    for ws in wb.worksheets:
        if ws.title == "统计":
            continue  # fixed widths beside its charts, small integers
        widths = _widths(ws)
        merged = {(c, r) for rng in ws.merged_cells.ranges for r in range(rng.min_row, rng.max_row + 1)
                  for c in range(rng.min_col, rng.max_col + 1)}
        for row in ws.iter_rows():
            for cell in row:
                if isinstance(cell.value, (int, float)) and not isinstance(cell.value, bool) \
                        and (cell.column, cell.row) not in merged:
                    need = _units(_shown(cell.value, cell.number_format)) + 1.0
                    assert widths.get(cell.column, 8.43) >= need, (ws.title, cell.coordinate, cell.value,
                                                                   cell.number_format, widths.get(cell.column))
                    checked += 1
    assert checked > 500


def test_headers_are_not_clipped(register):
    """A header wraps; its column is at least as wide as its longest unbreakable word and its row tall enough."""
    _, wb, _ = register
    for ws, header_row in ((wb["推荐汇总表"], 3), (wb["全部申报"], 2), (wb["推荐单位情况"], 2), (wb["问题清单"], 2),
                           (wb["申报明细"], 1), (wb["文件清单"], 2)):
        widths = _widths(ws)
        height = ws.row_dimensions[header_row].height
        for cell in next(ws.iter_rows(min_row=header_row, max_row=header_row)):
            if not cell.value or ws.column_dimensions[get_column_letter(cell.column)].hidden:
                continue
            width = widths[cell.column]
            words = re.findall(r"[A-Za-z0-9@._\-]+", cell.value)
            assert all(_units(w) + 1 <= width for w in words), (ws.title, cell.value, width)
            lines = math.ceil(_units(cell.value) / (width - 1))
            assert height >= 13 * lines, (ws.title, cell.value, width, height)


# ---- print lengths, measured with LibreOffice ----

def _pdf_pages(pdf: Path) -> int:
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True).stdout
    return int(re.search(r"Pages:\s+(\d+)", info).group(1))


@pytest.fixture(scope="module")
def sheet_pdfs(register, tmp_path_factory):
    """Each sheet alone in a workbook (openpyxl drops the others; print setup kept), converted to PDF."""
    if soffice() is None:
        pytest.skip("LibreOffice (soffice) not installed: print lengths cannot be measured")
    path, _, _ = register
    out = tmp_path_factory.mktemp("register-pdf")
    files = []
    for name in MAX_PAGES:
        wb = openpyxl.load_workbook(path)
        for other in wb.sheetnames:
            if other != name:
                del wb[other]
        files.append(out / f"{name}.xlsx")
        wb.save(files[-1])
    profile = (out / "profile").as_uri()
    proc = subprocess.run([soffice(), f"-env:UserInstallation={profile}", "--headless", "--norestore",
                           "--convert-to", "pdf", "--outdir", str(out), *map(str, files)],
                          capture_output=True, text=True, timeout=600, check=False)
    assert proc.returncode == 0, proc.stderr
    return {name: out / f"{name}.pdf" for name in MAX_PAGES}


@pytest.mark.parametrize("sheet", list(MAX_PAGES))
def test_sheet_prints_in_a_bounded_number_of_pages(sheet_pdfs, sheet):
    pages = _pdf_pages(sheet_pdfs[sheet])
    assert 1 <= pages <= MAX_PAGES[sheet], (sheet, pages)


def test_leaders_sheet_pdf_reads_as_a_register(sheet_pdfs):
    pdf = sheet_pdfs["推荐汇总表"]
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True,
                          check=True).stdout
    first = text.split("\f")[0]
    assert "2021年河北省工业企业质量标杆推荐汇总表" in first and "金额单位：万元" in first
    assert re.search(r"第\s*1\s*页\s*共\s*\d+\s*页", first)
    pages = text.count("\f") or 1
    assert text.count("序号") == pages  # the header row repeated on every page
    assert "合计" in text and "51项" in text
    assert "需补正" not in text and "逾期" not in text
    assert "A3" in subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True).stdout
    png = pdf.with_suffix("")
    subprocess.run(["pdftoppm", "-png", "-r", "60", "-f", "1", "-l", "1", str(pdf), str(png)], check=True)
    assert list(pdf.parent.glob(f"{png.name}*.png"))


# ---- the pieces, without the demo ----

def test_withdrawn_application_says_when():
    from toolkit.model import WITHDRAWN, Application
    from toolkit.render.register import main_problem

    app = Application(unit="唐山市工业和信息化局", enterprise="唐山甲有限公司", status=WITHDRAWN, withdrawn=True,
                      withdrawn_at="2021-09-18T10:00:00+08:00")
    assert main_problem(app) == "推荐单位已撤回（2021-09-18 10:00收到撤回）"


def test_issue_table_puts_errors_first_and_says_a_hint_once(campaign):
    from toolkit.model import (
        Application,
        Assembled,
        FileEntry,
        FileVersion,
        Issue,
        UnitStatus,
    )
    from toolkit.render.register import issue_table

    hint = Issue("rank.missing", "warning", file="唐山/a.xlsx", location="推荐排序表", message="未给出推荐顺序。")
    error = Issue("field.missing", "error", file="唐山/a.xlsx", location="申请表!B7", message="“联系人”未填写。")
    stray = Issue("unit.unknown", "error", file="其他/x.xlsx", message="无法确定推荐单位。")
    apps = (Application(unit="唐山市工业和信息化局", enterprise="甲", issues=(hint,)),
            Application(unit="唐山市工业和信息化局", enterprise="甲", issues=(hint.at(), error)),
            Application(unit="石家庄市工业和信息化局", enterprise="乙", issues=(hint.at(file="石家庄/b.xlsx"),)))
    files = (FileEntry(FileVersion("其他/x.xlsx", "", "其他", "0" * 64, 1, 0.0, ""), "other", (stray,)),)
    units = tuple(UnitStatus(u.name, u.kind, u.quota, order=i) for i, u in enumerate(campaign.units, start=1))
    result = Assembled(campaign=campaign, generated_at="2021-09-21T10:00:00+08:00", applications=apps,
                       units=units, files=files)
    rows = [(unit, issue.code) for unit, _, issue in issue_table(result)]
    assert rows == [("石家庄市工业和信息化局", "rank.missing"), ("唐山市工业和信息化局", "field.missing"),
                    ("唐山市工业和信息化局", "rank.missing"), ("", "unit.unknown")]


@pytest.mark.parametrize("value, fmt, text", [
    (1234567.891, "#,##0.00", "1,234,567.89"), (51, '0"项"', "51项"), (13, '"已收到 "0" 个"', "已收到 13 个"),
    (7, "0", "7"), (2.5, "", "2.5"),
])
def test_shown_is_what_excel_displays(value, fmt, text):
    from toolkit.render.xlsx_style import shown

    assert shown(value, fmt) == text


def test_column_width_caps_text_never_numbers():
    from toolkit.render.xlsx_style import Column, column_width, text_units

    assert text_units("河北") == 4.0 and text_units("AB") == pytest.approx(2.2)
    assert column_width(Column("标杆名称", cap=20), ["很长的名称" * 10]) == 20
    money = Column("营业收入", "money", cap=5)
    assert column_width(money, [123456789.0]) >= text_units("123,456,789.00")
    assert column_width(Column("SHA-256", cap=4), []) >= text_units("SHA-256")  # a header word is never cut


def _width_measuring_every_value(column, values, others=()) -> float:
    """column_width as first written: every distinct value shown and measured."""
    from toolkit.render.xlsx_style import (
        NUMBER_FORMATS,
        PADDING,
        header_need,
        longest_word_units,
        shown,
        text_units,
    )

    text_need = number_need = 0.0
    items = [(v, column.style) for v in values] + list(others)
    for _, value, style in {(type(v), v, s) for v, s in items}:
        if value is None or value == "":
            continue
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            number_need = max(number_need, text_units(shown(value, NUMBER_FORMATS.get(style, ""))) + PADDING)
        else:
            text_need = max(text_need, text_units(value) + PADDING, longest_word_units(value) + PADDING)
    values_need = max(column.minimum, min(column.cap, text_need), number_need)
    return round(max(values_need, header_need(column.name, values_need)), 1)  # (the header as xlsx_style breaks it)


_TEXTS = st.text(alphabet=st.sampled_from(list("河北公司质量标杆ABCxyz019@._-/ \n，（）ＡＢ")), max_size=60)


@given(values=st.lists(_TEXTS, max_size=30), cap=st.sampled_from([6.0, 20.0, 40.0, 200.0]))
@settings(max_examples=300, deadline=None)
def test_column_width_of_texts_equals_measuring_every_value(values, cap):
    """Text is measured by its widest line alone: a value's longest unbreakable word (an e-mail address, a long
    number) lies within one of its lines, so it never needs more — the same width as also measuring each word."""
    from toolkit.render.xlsx_style import (
        Column,
        column_width,
        longest_word_units,
        text_units,
    )

    column = Column("联系人及邮箱", cap=cap)
    assert column_width(column, values) == _width_measuring_every_value(column, values)
    for value in values:
        assert longest_word_units(value) <= text_units(value)


_NUMBERS = st.one_of(st.integers(min_value=-10 ** 15, max_value=10 ** 15),
                     st.floats(allow_nan=True, allow_infinity=True, width=64),
                     st.floats(min_value=-1e12, max_value=1e12), st.booleans(), st.none(),
                     st.sampled_from(["", "合计", "51项", "-"]))


@given(values=st.lists(_NUMBERS, max_size=40),
       kind=st.sampled_from(["money", "count", "text", "center"]),
       total=st.one_of(st.none(), st.tuples(_NUMBERS, st.sampled_from(["total_money", "total_count", "total_text"]))))
@settings(max_examples=300, deadline=None)
def test_column_width_of_numbers_equals_measuring_every_value(values, kind, total):
    """The widest number is found among the largest and smallest under a format with fixed decimals (and every
    one under General): the same width as showing and measuring each value."""
    from toolkit.render.xlsx_style import Column, column_width

    column = Column("金额（万元）", kind, cap=12)
    others = [total] if total is not None else []
    assert column_width(column, values, others=others) == _width_measuring_every_value(column, values, others)


@given(rows=st.lists(st.lists(st.one_of(st.text(alphabet="河北ab \n-ＡＢ，", max_size=60), st.integers(), st.none()),
                              min_size=4, max_size=4), max_size=20),
       widths=st.lists(st.floats(min_value=4, max_value=40), min_size=4, max_size=4),
       hidden=st.lists(st.booleans(), min_size=4, max_size=4))
@settings(max_examples=500, deadline=None)
def test_a_tables_row_heights_are_row_height_of_each_row(rows, widths, hidden):
    """write_table's heights (one loop over the table) equal row_height of each row with hidden columns blanked —
    texts short enough to fit on one line whatever their characters are not measured there, and long ones,
    full-width ones and ones with line breaks are."""
    from toolkit.render.xlsx_style import LINE_HEIGHT, row_height, row_heights

    shown = [(c, w) for c, (w, h) in enumerate(zip(widths, hidden)) if not h]
    blanked = [0.0 if h else w for w, h in zip(widths, hidden)]
    expected = [row_height([None if h else v for v, h in zip(row, hidden)], blanked, line=LINE_HEIGHT, max_lines=12)
                for row in rows]
    assert row_heights(rows, shown) == expected


def test_one_ranking_sheet_error_about_two_enterprises_is_listed_for_each(tmp_path, campaign, make_form, make_summary):
    """A 推荐排序表 giving two applications rank 1 puts the same rank.conflict on each: the 问题清单 lists both
    enterprises and its title counts what summary.json counts — before, the two identical sentences were said once,
    one enterprise short of the 回执, the console and summary.json."""
    import json

    from workbook_builders import ranking_sheet

    from toolkit.pipeline import run

    folder = tmp_path / "inbox" / "衡水"
    names = {}
    for n, enterprise in enumerate(("衡水丙丁机械有限公司", "衡水飞龙化工有限公司"), start=1):
        names[enterprise] = f"{enterprise}实施六西格玛设计的经验"
        make_form(folder / f"{n}-申请表.xlsx", 申报单位=enterprise, 标杆名称=names[enterprise], 所在地区="衡水市")
        make_summary(folder / f"{n}-总结材料.docx", enterprise=enterprise, name=names[enterprise])
    ranking_sheet(folder / "推荐排序表.xlsx", [[1, e, name, ""] for e, name in names.items()])
    run(tmp_path / "inbox", tmp_path / "out", campaign, settle=0, workers=1)
    summary = json.loads((tmp_path / "out" / "latest" / "summary.json").read_text(encoding="utf-8"))
    conflicts = sorted(a["enterprise"] for a in summary["applications"]
                       for i in a["issues"] if i["code"] == "rank.conflict")
    assert conflicts == sorted(names)
    ws = openpyxl.load_workbook(tmp_path / "out" / "latest" / "省级汇总表.xlsx")["问题清单"]
    rows = list(ws.iter_rows(min_row=3, values_only=True))
    listed = sorted(row[2] for row in rows if row[9] == "rank.conflict")
    assert listed == sorted(names)
    counts = summary["counts"]
    assert ws["A1"].value.endswith(f"（错误 {counts['errors']} 条、提示 {counts['warnings']} 条）"), ws["A1"].value
