"""The register's rows kept per unit between runs (render.row_groups, render.kept): a register written with kept
rows is the register written afresh, part for part, whatever changed — one unit's rows, the widths every unit's
rows were made at, a kept file torn or lost."""
from __future__ import annotations

import dataclasses
import datetime as dt
import pickle
import re
import zipfile

import pytest

from toolkit.demo import write_demo_inbox
from toolkit.model import evolve
from toolkit.pipeline import run
from toolkit.render import RenderContext, unit_keys
from toolkit.render import register as register_module
from toolkit.render.kept import KeptParts
from toolkit.render.xlsx_rows import RowSplice

CONTEXT = RenderContext(today=dt.date(2021, 9, 20), opinion_template=b"")


@pytest.fixture(scope="module")
def demo_result(tmp_path_factory, campaign):
    base = tmp_path_factory.mktemp("groups")
    info = write_demo_inbox(base / "inbox", base / "outbox", campaign)
    result = run(base / "inbox", base / "outbox", campaign, settle=0, force=True, now=info["now"]).result
    assert len(result.applications) > 50 and any(not e.version.unit for e in result.files)  # and one no unit claims
    return result


def _parts(path) -> dict:
    """Every part of a workbook package but its creation time."""
    with zipfile.ZipFile(path) as z:
        return {name: z.read(name) for name in z.namelist() if name != "docProps/core.xml"}


def _write(path, result, kept: KeptParts | None = None):
    register_module.write_register(path, result, kept=kept, unit_keys=unit_keys(result, CONTEXT))
    if kept is not None:
        kept.save()
    return _parts(path)


def _changed(result, unit: str, enterprise: str):
    """``result`` with the first application of ``unit`` renamed (its unit's content key changes with it)."""
    target = next(a for a in result.applications if a.unit == unit)
    apps = tuple(evolve(a, enterprise=enterprise) if a is target else a for a in result.applications)
    return dataclasses.replace(result, applications=apps)


def test_kept_rows_give_the_register_written_afresh(demo_result, tmp_path):
    fresh = _write(tmp_path / "fresh.xlsx", demo_result)
    kept = KeptParts(tmp_path / "kept", "salt")
    assert _write(tmp_path / "first.xlsx", demo_result, kept) == fresh
    files = {p.name for p in (tmp_path / "kept").iterdir()}
    assert kept.hits == 0 and kept.made == files and len(files) > 26 * 3  # each unit's rows in 全部申报, 问题清单 …
    again = KeptParts(tmp_path / "kept", "salt")
    assert _write(tmp_path / "again.xlsx", demo_result, again) == fresh
    assert again.hits == len(files) and not again.made  # every kept group taken, none made again or rewritten


@pytest.mark.parametrize("enterprise", ["保定新名称精密机械有限公司", "一个名称很长很长的企业" * 6],
                         ids=["same widths", "wider columns"])
def test_one_units_change_gives_the_register_written_afresh(demo_result, tmp_path, enterprise):
    """One unit's content changed: its rows are made again, the other units' rows are taken as kept — with
    columns as wide as before, and with a wider 申报单位 column (a name that wraps even at its cap)."""
    _write(tmp_path / "first.xlsx", demo_result, KeptParts(tmp_path / "kept", "salt"))
    changed = _changed(demo_result, "保定市工业和信息化局", enterprise)
    kept = KeptParts(tmp_path / "kept", "salt")
    incremental = _write(tmp_path / "incremental.xlsx", changed, kept)
    assert incremental == _write(tmp_path / "fresh.xlsx", changed)
    assert incremental != _write(tmp_path / "before.xlsx", demo_result)
    assert enterprise.encode() in incremental["xl/worksheets/sheet2.xml"]
    # only the changed unit's groups (全部申报, 问题清单, 申报明细, 文件清单; 推荐汇总表 when it lists it, with
    # its money for the 合计): a wider column leaves the others' rows, whose texts there take one line at both
    # widths, as they were
    assert 4 <= len(kept.made) <= 6


def test_a_torn_foreign_or_lost_part_is_made_again(demo_result, tmp_path):
    """Damaged kept rows — torn, not JSON, a head of another shape, rows of another table (a valid file whose head
    says so: fewer columns, fewer styles, fewer rows than it holds), lost — are made again, and kept again."""
    fresh = _write(tmp_path / "fresh.xlsx", demo_result)
    folder = tmp_path / "kept"
    _write(tmp_path / "first.xlsx", demo_result, KeptParts(folder, "salt"))
    every = sorted(folder.iterdir())
    heads = KeptParts(folder, "salt")
    paths = [path for path in every if "needs" in heads.get(path.name)[0]]  # groups' rows (not money texts)
    paths[0].write_bytes(paths[0].read_bytes()[:-40])  # torn: shorter than its head says
    paths[1].write_bytes(b"not json\n<row/>")
    paths[3].unlink()
    parts = KeptParts(folder, "salt")
    for path in every:  # (each one asked for: a KeptParts saved deletes the parts it was not asked for)
        parts.get(path.name)
    parts.put(paths[2].name, {"needs": 1, "count": "x"}, b"<row/>")  # a whole file, its head of another shape
    for path, change in zip(paths[4:8], ("needs", "styles", "count", "widths")):
        head, body = parts.get(path.name)
        head[change] = head[change][:-1] if isinstance(head[change], list) else head[change] - 1
        parts.put(path.name, head, body)  # a valid file: its envelope's length and CRC-32 are right
    parts.save()
    kept = KeptParts(folder, "salt")
    assert _write(tmp_path / "again.xlsx", demo_result, kept) == fresh
    assert kept.made == {path.name for path in paths[:8]}  # the eight made again (and only they), kept again
    third = KeptParts(folder, "salt")
    assert _write(tmp_path / "third.xlsx", demo_result, third) == fresh
    assert third.hits == len(every) and len(list(folder.iterdir())) == len(every)  # all made again, all taken


def test_parts_no_run_used_are_deleted_and_another_salt_uses_none(demo_result, tmp_path):
    folder = tmp_path / "kept"
    _write(tmp_path / "first.xlsx", demo_result, KeptParts(folder, "salt"))
    stray = folder / ("0" * 40 + ".part")
    stray.write_bytes(b"{}\n")
    before = {p.name for p in folder.iterdir()}
    other = KeptParts(folder, "other code")
    _write(tmp_path / "other.xlsx", demo_result, other)
    assert other.hits == 0
    after = {p.name for p in folder.iterdir()}
    assert not (before & after) and stray.name not in after


def test_without_a_splice_the_grouped_tables_are_written_cell_by_cell(demo_result, tmp_path, monkeypatch):
    """The fallback (RowSplice declines): the rows written through xlsxwriter are the spliced ones."""
    from test_xlsx_rows import _cells

    _write(tmp_path / "spliced.xlsx", demo_result, KeptParts(tmp_path / "kept", "salt"))
    monkeypatch.setattr(RowSplice, "add", lambda *args, **kwargs: False)
    monkeypatch.setattr(RowSplice, "add_groups", lambda *args, **kwargs: False)
    kept = KeptParts(tmp_path / "kept", "salt")
    _write(tmp_path / "reference.xlsx", demo_result, kept)
    assert _cells(tmp_path / "spliced.xlsx") == _cells(tmp_path / "reference.xlsx")


def test_rows_kept_with_other_style_indexes_are_restyled(demo_result, tmp_path):
    """Rows kept from a workbook whose formats had other style indexes (another order of first use) are given
    this workbook's: the register is the one written afresh, and the rows are kept again as restyled."""
    import re

    fresh = _write(tmp_path / "fresh.xlsx", demo_result)
    folder = tmp_path / "kept"
    _write(tmp_path / "first.xlsx", demo_result, KeptParts(folder, "salt"))
    parts = KeptParts(folder, "salt")
    for path in sorted(folder.iterdir()):
        head, body = parts.get(path.name)
        if "needs" not in head:  # (a unit's money for the 合计, kept as text)
            continue
        assert body.count(b'" s="') > 0
        head["styles"] = [str(int(s) + 100) for s in head["styles"]]
        body = re.sub(rb'\x00" s="(\d+)"', lambda m: b'\x00" s="' + str(int(m.group(1)) + 100).encode() + b'"', body)
        parts.put(path.name, head, body)
    parts.save()
    kept = KeptParts(folder, "salt")
    assert _write(tmp_path / "again.xlsx", demo_result, kept) == fresh
    assert kept.hits == len(list(folder.iterdir()))
    restyled = KeptParts(folder, "salt")
    assert all(int(restyled.get(p.name)[0]["styles"][0]) < 100 for p in folder.iterdir()
               if "needs" in restyled.get(p.name)[0])  # kept again, restyled


def test_a_grouped_table_is_the_table_write_table_writes_from_all_rows(demo_result, tmp_path):
    """Each grouped sheet of the register (推荐汇总表, 全部申报, 问题清单, 申报明细, 文件清单) holds the same XML as the
    sheet xlsx_style.write_table writes from all its groups' rows numbered 1 … n, with the same styles."""
    import io

    import xlsxwriter
    from test_xlsx_rows import _cells

    from toolkit.render import row_groups
    from toolkit.render.xlsx_rows import NUMBER
    from toolkit.render.xlsx_style import write_table

    tables: dict = {}
    original = row_groups.write_grouped_table

    def spy(ws, f, **options):
        tables[options["table"]] = options
        return original(ws, f, **options)

    grouped = _write(tmp_path / "grouped.xlsx", demo_result, KeptParts(tmp_path / "kept", "salt"))
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(register_module, "write_grouped_table", spy)
        assert _write(tmp_path / "again.xlsx", demo_result, KeptParts(tmp_path / "kept", "salt")) == grouped
    assert set(tables) == {"推荐汇总表", "全部申报", "问题清单", "申报明细", "文件清单"}
    sheets = {name: n for n, name in enumerate(register_module.SHEETS, start=1)}
    for name, options in tables.items():
        rows, styles = [], []
        for group in options["groups"]:
            group_rows, group_styles = group.build()
            rows += [[len(rows) + n if value is NUMBER else value for value in row]
                     for n, row in enumerate(group_rows, start=1)]
            styles += group_styles
        package = io.BytesIO()
        wb = xlsxwriter.Workbook(package, {"constant_memory": True, "strings_to_formulas": False,
                                           "strings_to_urls": False, "strings_to_numbers": False})
        f = register_module.formats(wb)
        splice = RowSplice()
        for sheet in register_module.SHEETS[:sheets[name]]:  # the same sheet number, the table at the same place
            ws = wb.add_worksheet(sheet)
        top = options["top"]
        write_table(ws, f, splice=splice, top=top, columns=options["columns"], rows=rows,
                    styles=lambda r, c, v, top=top, styles=styles: styles[r - top - 1][c], total=options.get("total"),
                    total_styles=options.get("total_styles"), total_label_span=options.get("total_label_span", 1),
                    page=options.get("page"))
        wb.close()
        splice.finish(package.getvalue(), tmp_path / f"{name}.xlsx")
        expected = _parts(tmp_path / f"{name}.xlsx")[f"xl/worksheets/sheet{sheets[name]}.xml"]
        got = grouped[f"xl/worksheets/sheet{sheets[name]}.xml"]
        assert _rows_of(got, top) == _rows_of(expected, top), name
        looks = _cells(tmp_path / "grouped.xlsx")[name][0], _cells(tmp_path / f"{name}.xlsx")[name][0]
        below = [{ref: look for ref, look in cells.items() if int(ref.lstrip("ABCDEFGHIJKLMNOPQRSTUVWXYZ")) > top}
                 for cells in looks]
        assert below[0] == below[1] and len(below[0]) >= len(rows), name  # values, types, formats, fonts, fills


def _rows_of(sheet: bytes, top: int) -> list:
    """The <row> elements of a worksheet's XML from the table's header (0-based row ``top``) down, their cells'
    style indexes left out (the two workbooks number their formats in their own orders), and the column widths."""
    import re

    found = re.finditer(rb'<row r="(\d+)"[^>]*>.*?</row>', sheet, re.DOTALL)
    rows = [m.group(0) for m in found if int(m.group(1)) > top]
    assert rows
    return [re.sub(rb' s="\d+"', b"", row) for row in rows] + re.findall(rb"<col [^>]*>", sheet)


# ---- widths that change between runs (a table of its own, each run's sheet against write_table's) ----

def _table_sheet(path, columns: list, groups: list, kept: KeptParts | None) -> bytes:
    """The worksheet XML of a workbook holding one table: ``groups`` ((key, rows) pairs, rows of cell values,
    the first cell xlsx_rows.NUMBER) through write_grouped_table with ``kept``, or, ``kept`` None, all their rows
    numbered 1 … n through xlsx_style.write_table."""
    import io

    import xlsxwriter

    from toolkit.render.row_groups import KeptRows, RowGroup, write_grouped_table
    from toolkit.render.xlsx_rows import NUMBER
    from toolkit.render.xlsx_style import formats, write_table

    package = io.BytesIO()
    wb = xlsxwriter.Workbook(package, {"constant_memory": True, "strings_to_formulas": False,
                                       "strings_to_urls": False, "strings_to_numbers": False})
    f = formats(wb)
    ws = wb.add_worksheet("表")
    splice = RowSplice()
    names = [column.style for column in columns]
    if kept is None:
        rows = [row for _key, group in groups for row in group]
        rows = [[n if value is NUMBER else value for value in row] for n, row in enumerate(rows, start=1)]
        write_table(ws, f, splice=splice, top=0, columns=columns, rows=rows, styles=lambda r, c, v: names[c])
    else:
        keep = KeptRows(kept)
        write_grouped_table(ws, f, table="表", top=0, columns=columns, style_names=STYLE_NAMES,
                            groups=[RowGroup(key, lambda rows=rows: (rows, [names] * len(rows)))
                                    for key, rows in groups], splice=splice, kept=keep)
    wb.close()
    splice.finish(package.getvalue(), path)
    if kept is not None:
        keep.keep()
        kept.save()
    return _parts(path)["xl/worksheets/sheet1.xml"]


STYLE_NAMES = ("count", "cell")
LONG = "甲企业名称更长一些的有限公司"  # 14 characters: wider than the name column's cap (16 units), wraps there


@pytest.mark.parametrize(("first", "then", "b_name", "remade"), [
    # a longer name widens the column: B's names take one line at both widths: B's rows kept
    ("甲企业", LONG, "乙企业有限公司", {"A"}),
    # the column narrows again: the same
    (LONG, "甲企业", "乙企业有限公司", {"A"}),
    # a number wider than the text column's cap widens it past the cap: B's name (9 characters), wrapped at the
    # cap, takes one line at the new width — B's rows are made again (their heights change)
    ("甲企业", 123456789012345678, "乙企业有限责任公司", {"A", "B"}),
    # B's name has a line break: its rows are made again whenever the column's width changes
    ("甲企业", LONG, "乙企业\n有限公司", {"A", "B"}),
], ids=["wider", "narrower", "past the cap", "line break"])
def test_kept_rows_serve_at_other_widths_only_when_their_heights_hold(tmp_path, first, then, b_name, remade):
    """Kept rows made at other column widths serve when none of their texts wraps in a changed column at either
    width; else they are made again. Each run's sheet is write_table's from all the rows."""
    from toolkit.render.xlsx_rows import NUMBER
    from toolkit.render.xlsx_style import Column

    columns = [Column("序号", "count", minimum=5), Column("企业名称", cap=16), Column("备注", cap=30)]

    def groups(a_value) -> list:
        return [(f"A{a_value}", [[NUMBER, a_value, "备注"], [NUMBER, "甲二", ""]]),
                ("B", [[NUMBER, b_name, "很短"], [NUMBER, "乙二", "另一条备注"]])]

    folder = tmp_path / "kept"
    sheets = []
    for n, value in enumerate((first, then)):
        kept = KeptParts(folder, "salt")
        got = _table_sheet(tmp_path / f"grouped{n}.xlsx", columns, groups(value), kept)
        sheets.append(_table_sheet(tmp_path / f"fresh{n}.xlsx", columns, groups(value), None))
        assert _rows_of(got, 0) == _rows_of(sheets[-1], 0)
    assert re.findall(rb"<col [^>]*>", sheets[0]) != re.findall(rb"<col [^>]*>", sheets[1])  # widths changed
    names = {kept.name("rows", "表", key, STYLE_NAMES, columns): key[0] for key in ("B", f"A{then}")}
    assert {names[name] for name in kept.made} == remade


def test_kept_units_forms_are_not_read_for_the_register(demo_result, tmp_path):
    """With every unit's rows kept, writing the register reads no application's 申请表 or 总结材料 (a kept decision's
    are decoded only when read): the register from a result whose forms and summaries fail when read is the one
    written afresh — the 推荐汇总表's 合计 of money included (each unit's kept beside its rows)."""
    import openpyxl

    from toolkit.model import FormData, SummaryData

    class Unreadable(FormData):
        def __getattribute__(self, name):
            raise AssertionError(f"申请表 read: {name}")

    class UnreadableSummary(SummaryData):
        def __getattribute__(self, name):
            raise AssertionError(f"总结材料 read: {name}")

    fresh = _write(tmp_path / "fresh.xlsx", demo_result)
    _write(tmp_path / "first.xlsx", demo_result, KeptParts(tmp_path / "kept", "salt"))
    trap_form, trap_summary = object.__new__(Unreadable), object.__new__(UnreadableSummary)
    trapped = dataclasses.replace(demo_result, applications=tuple(
        evolve(a, form=trap_form if a.form is not None else None,
               summary=trap_summary if a.summary is not None else None) for a in demo_result.applications))
    register_module.write_register(tmp_path / "kept.xlsx", trapped, kept=KeptParts(tmp_path / "kept", "salt"),
                                   unit_keys=unit_keys(demo_result, CONTEXT), statistics=lambda: register_module.
                                   statistics_tables(demo_result))
    assert _parts(tmp_path / "kept.xlsx") == fresh
    year = demo_result.campaign.latest_year
    leaders = register_module.recommended(demo_result.applications)
    sheet = openpyxl.load_workbook(tmp_path / "kept.xlsx")[register_module.LEADERS]
    total = next(row for row in sheet.iter_rows(values_only=True) if row[0] == "合计")
    assert len(leaders) >= 10 and total[3] == len(leaders)
    assert total[8:10] == (register_module._money_sum(register_module._revenue(a, year) for a in leaders),
                           register_module._money_sum(register_module._profit(a, year) for a in leaders))
    assert total[8] > 0


def test_statistics_are_kept_while_what_they_count_is_unchanged(demo_result, tmp_path, monkeypatch):
    """register.kept_statistics: without kept tables, a job (for the run's helper) computing and keeping them
    from the columns they group; with them, the tables, no pandas; an application's status changed: a job
    again, which counts it."""
    import json

    from toolkit.render.helper import Job

    context = dataclasses.replace(CONTEXT, kept_parts=tmp_path / "parts", kept_salt="salt")
    computed = register_module.statistics_tables(demo_result)
    job = register_module.kept_statistics(demo_result, context)
    assert isinstance(job, Job)
    job = pickle.loads(pickle.dumps(job))  # (as the helper gets it)
    first = job()
    assert first == json.loads(json.dumps(computed, ensure_ascii=False))

    def grouping(*args, **kwargs):
        raise AssertionError("grouped again")

    monkeypatch.setattr(register_module, "_tables_of", grouping)
    assert register_module.kept_statistics(demo_result, context) == first  # kept: no job, no grouping
    passed = next(a for a in demo_result.applications if a.status == "通过")
    changed = dataclasses.replace(demo_result, applications=tuple(
        evolve(a, status="需补正") if a is passed else a for a in demo_result.applications))
    again = register_module.kept_statistics(changed, context)
    assert isinstance(again, Job)
    monkeypatch.undo()
    again = again()
    status, before = ({v: c for v, c, _ in next(rows for name, rows in tables["tables"] if name == "按状态")}
                      for tables in (again, first))
    assert status["通过"] == before["通过"] - 1 and status.get("需补正", 0) == before.get("需补正", 0) + 1
