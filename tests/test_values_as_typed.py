"""Values as the enterprise typed them reach summary.json and the register whatever invisible characters or lists
they carry (real 申请表 workbooks written by openpyxl and xlsxwriter, `run.py batch` in a subprocess)."""
from __future__ import annotations

import json
from pathlib import Path

import openpyxl

from tests.conftest import GOOD_VALUES, ROOT, good_sections, run_cli
from toolkit.render.forms import write_summary

# where the shipped template keeps each value (templates/申请表.xlsx)
CELL = {"申报单位": "B3", "标杆名称": "B5", "联系人": "B7", "电话": "D7", "手机": "F7", "传真": "E8", "电子邮箱": "B8"}
ROW = {"资产总额": 12, "主营业收入": 13, "其他业务收入": 14, "利润总额": 15, "从业人员": 16}
COL = {2018: "C", 2019: "D", 2020: "E"}
ZW = ("\u200b", "\ufeff", "\u2060", "\u200c", "\u200d")  # zero-width space, BOM, word joiner, (non-)joiners


def _template_form(path: Path, enterprise: str, cells: dict) -> None:
    """The shipped template filled in with openpyxl, ``cells`` {field or (field, year): raw value} over the good
    values."""
    wb = openpyxl.load_workbook(ROOT / "templates" / "申请表.xlsx")
    ws = wb["申请表"]
    values = dict(GOOD_VALUES, 申报单位=enterprise, 标杆名称=f"{enterprise}实施六西格玛设计的经验")
    for ref, key in (("B4", "所属行业"), ("E4", "所在地区"), ("B6", "摘要"),
                     ("B9", "通讯地址"), *((v, k) for k, v in CELL.items())):
        ws[ref] = values[key] or None
    for key, row in ROW.items():
        for year, col in COL.items():
            ws[f"{col}{row}"] = values[key][year]
    for key, raw in cells.items():
        ws[CELL[key] if isinstance(key, str) else f"{COL[key[1]]}{ROW[key[0]]}"] = raw
    path.parent.mkdir(parents=True, exist_ok=True)
    wb.save(path)


def _xlsxwriter_form(path: Path, enterprise: str, campaign, cells: dict) -> None:
    """The template as `run.py templates` writes it (xlsxwriter), text typed into number cells."""
    from toolkit.render.forms import write_form

    values = {k: (dict(v) if isinstance(v, dict) else v) for k, v in GOOD_VALUES.items()}
    values.update(申报单位=enterprise, 标杆名称=f"{enterprise}实施六西格玛设计的经验")
    for key, raw in cells.items():
        if isinstance(key, str):
            values[key] = raw
        else:
            values[key[0]][key[1]] = raw
    path.parent.mkdir(parents=True, exist_ok=True)
    write_form(str(path), campaign, values)


def _pair(unit_dir: Path, enterprise: str, campaign, cells: dict, writer: str) -> None:
    form = unit_dir / f"{enterprise}-申请表.xlsx"
    if writer == "openpyxl":
        _template_form(form, enterprise, cells)
    else:
        _xlsxwriter_form(form, enterprise, campaign, cells)
    name = f"{enterprise}实施六西格玛设计的经验"
    write_summary(str(unit_dir / f"{enterprise}-总结材料.docx"), campaign, good_sections(name, enterprise),
                  enterprise=enterprise)


def _batch(tmp_path: Path) -> tuple[dict, dict]:
    proc = run_cli("batch", "--inbox", tmp_path / "inbox", "--outbox", tmp_path / "out", "--deadline", "2099-01-01")
    assert proc.returncode == 0, proc.stderr
    latest = tmp_path / "out" / "latest"
    summary = json.loads((latest / "summary.json").read_text(encoding="utf-8"))
    ws = openpyxl.load_workbook(latest / "省级汇总表.xlsx")["申报明细"]
    header = [str(c.value or "").replace("\n", "") for c in ws[1]]
    detail = {}
    for row in ws.iter_rows(min_row=2, values_only=True):
        if row[3]:
            detail[row[3]] = dict(zip(header, row))
    return {a["enterprise"]: a for a in summary["applications"]}, detail


def test_zero_width_characters_are_not_errors(tmp_path, campaign):
    """A zero-width space or BOM pasted with a figure or a phone number (from web pages, WeChat, PDFs) is invisible
    in Excel: the value is read as shown, not called '不是数字' / '不是有效的电话号码' quoting what looks right; a
    cell holding nothing but such a character is empty (field.missing), as it looks."""
    cases = {
        "河北甲零宽机械有限公司": ("openpyxl", {("主营业收入", 2018): "41000\u200b", ("利润总额", 2019): "\ufeff3,300",
                                      ("资产总额", 2020): "61000.5\u2060", ("从业人员", 2018): "1200\u200b人",
                                      "电话": "0311-87803218\u200b", "手机": "\u200b15003116043",
                                      "传真": "\u20600311-87803219"}),
        "河北乙零宽机械有限公司": ("xlsxwriter", {("主营业收入", 2018): "41\u200c000", ("利润总额", 2019): "3300\u200d",
                                        ("从业人员", 2020): "\ufeff1300", "电话": "\ufeff0311-87803218",
                                        "手机": "150\u200b0311\u200b6043", ("其他业务收入", 2018): "\u200b"}),
        "河北丙零宽机械有限公司": ("openpyxl", {"联系人": "\u200b", "电话": "\u200b", "手机": "\ufeff"}),
    }
    units = ["石家庄市工业和信息化局", "唐山市工业和信息化局", "河北省机械行业协会"]
    for (enterprise, (writer, cells)), unit in zip(cases.items(), units):
        _pair(tmp_path / "inbox" / unit, enterprise, campaign, cells, writer)
    apps, detail = _batch(tmp_path)

    for enterprise in ("河北甲零宽机械有限公司", "河北乙零宽机械有限公司"):
        app = apps[enterprise]
        assert not [i for i in app["issues"] if i["code"].startswith("field.")], app["issues"]
        assert app["status"] == "通过"
        f = app["fields"]
        assert (f["主营业收入"]["2018"], f["利润总额"]["2019"]) == (41000.0, 3300.0)
        assert (f["电话"], f["手机"]) == ("0311-87803218", "15003116043")
        row = detail[enterprise]
        assert (row["2018年主营业收入（万元）"], row["2019年利润总额（万元）"]) == (41000, 3300)
        assert (row["电话"], row["手机"]) == ("0311-87803218", "15003116043")
    a = apps["河北甲零宽机械有限公司"]["fields"]
    assert (a["资产总额"]["2020"], a["从业人员"]["2018"], a["传真"]) == (61000.5, 1200, "0311-87803219")
    b = apps["河北乙零宽机械有限公司"]["fields"]
    assert (b["从业人员"]["2020"], b["其他业务收入"]["2018"]) == (1300, None)

    empty = apps["河北丙零宽机械有限公司"]
    missing = sorted(i["field"] for i in empty["issues"] if i["code"] == "field.missing")
    assert missing == ["电话/手机", "联系人"], empty["issues"]
    assert not [i for i in empty["issues"] if i["code"] == "field.invalid"]


def test_zero_width_characters_in_a_ranking_sheet(tmp_path, campaign):
    """The 推荐顺序 and 成文日期 of a unit's 推荐排序表 read through a zero-width space as well."""
    unit = tmp_path / "inbox" / "沧州市工业和信息化局"
    for enterprise in ("河北甲排序机械有限公司", "河北乙排序机械有限公司"):
        _pair(unit, enterprise, campaign, {}, "openpyxl")
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["成文日期", "2021年9月18日\u200b"])
    ws.append(["推荐顺序", "申报单位", "标杆名称"])
    ws.append(["2\u200b", "河北甲排序机械有限公司", "河北甲排序机械有限公司实施六西格玛设计的经验"])
    ws.append(["\ufeff1", "河北乙排序机械有限公司", "河北乙排序机械有限公司实施六西格玛设计的经验"])
    wb.save(unit / "推荐排序表.xlsx")
    apps, _ = _batch(tmp_path)
    assert {e: (a["rank"], a["rank_source"]) for e, a in apps.items()} == {
        "河北甲排序机械有限公司": (2, "推荐排序表"), "河北乙排序机械有限公司": (1, "推荐排序表")}
    assert not [i for a in apps.values() for i in a["issues"] if i["code"].startswith("rank.")]
    import docx
    opinion = docx.Document(tmp_path / "out" / "latest" / "推荐意见" / "沧州市工业和信息化局-推荐意见.docx")
    assert "2021年9月18日" in "\n".join(p.text for p in opinion.paragraphs)


def test_every_number_and_address_typed_in_one_cell_reaches_the_register(tmp_path, campaign):
    """Two phone numbers or e-mail addresses in one cell (the office and the duty phone, a line break or '、'
    between them) all reach summary.json and the register's 申报明细, normalised, in the order typed; only the
    first one was kept before, the others lost without a word. The first still decides the verdict."""
    cases = {
        "河北甲双号机械有限公司": ("openpyxl", {
            "电话": "0311-87803218、0311-87803219", "手机": "138 0000 0000\n139 0000 0000",
            "传真": "0311-87803220/87803221/22", "电子邮箱": "zhangwei@163.com; LI@QQ.COM"},
            {"电话": "0311-87803218、0311-87803219", "手机": "13800000000、13900000000",
             "传真": "0311-87803220、0311-87803221、0311-87803222", "电子邮箱": "zhangwei@163.com、LI@qq.com"}),
        "河北乙双号机械有限公司": ("xlsxwriter", {
            "电话": "（0311）8780 3218 或 150-0311-6043", "手机": "15003116043，15003116043",
            "电子邮箱": "zhangwei＠163.com，无"},
            {"电话": "0311-87803218、15003116043", "手机": "15003116043", "电子邮箱": "zhangwei@163.com"}),
        "河北丙双号机械有限公司": ("openpyxl", {"电话": "15003116043\n0311-87803218", "手机": "0311-87803219、13800000000"},
                            {"电话": "15003116043、0311-87803218", "手机": "0311-87803219、13800000000"}),
    }
    units = ["邯郸市工业和信息化局", "河北省质量协会", "雄安新区改革发展局"]
    for (enterprise, (writer, cells, _)), unit in zip(cases.items(), units):
        _pair(tmp_path / "inbox" / unit, enterprise, campaign, cells, writer)
    apps, detail = _batch(tmp_path)
    for enterprise, (_, _, expected) in cases.items():
        fields = {k: apps[enterprise]["fields"][k] for k in expected}
        assert fields == expected
        assert {k: detail[enterprise][k] for k in expected} == expected
    assert apps["河北甲双号机械有限公司"]["status"] == apps["河北乙双号机械有限公司"]["status"] == "通过"
    # the first number decides: a mobile first in 电话 is the usual warning, a landline first in 手机 an error
    third = [(i["code"], i["severity"], i["field"]) for i in apps["河北丙双号机械有限公司"]["issues"]
             if i["code"].startswith("field.")]
    assert sorted(third) == [("field.invalid", "error", "手机"), ("field.invalid", "warning", "电话")]


def _xlsxwriter_formula_form(path: Path, enterprise: str, formula: str) -> None:
    """A 申请表 laid out by labels, written by xlsxwriter as an online system exports one: 2020年利润总额 a formula
    with the result xlsxwriter stores by default (0), the workbook asking for recalculation on open."""
    import xlsxwriter

    from tests.workbook_builders import form_cells

    wb = xlsxwriter.Workbook(str(path))
    ws = wb.add_worksheet("申请表")
    wb.add_worksheet("利润表").write(0, 0, "利润表")
    for (r, c), v in form_cells({"申报单位": enterprise, "标杆名称": f"{enterprise}实施六西格玛设计的经验"}).items():
        if (r, c) == (14, 4):
            ws.write_formula(r, c, formula)
        else:
            ws.write(r, c, v)
    wb.close()


def test_a_formula_naming_an_empty_cell_reads_0_as_excel_shows_it(tmp_path, campaign):
    """'=Z99' or '=利润表!C30' with that cell left blank shows 0 in Excel and WPS, and Excel saves 0 as its result;
    the toolkit computing it (a file written by openpyxl, xlsxwriter or LibreOffice, recalculated on open) said
    '未填写' (需补正) instead, so the same form got another verdict than the one its figures give. Now it reads 0:
    2020年利润总额 0 is 不符合申报条件, pointing at the cell, whichever program saved the file."""
    forms = {
        "河北甲空引用机械有限公司": lambda p: _template_form(p, "河北甲空引用机械有限公司", {("利润总额", 2020): "=Z99"}),
        "河北乙空引用机械有限公司": lambda p: (_template_form(p, "河北乙空引用机械有限公司", {("利润总额", 2020): "=利润表!C30"}),
                                    _add_sheet(p, "利润表")),
        "河北丙空引用机械有限公司": lambda p: _xlsxwriter_formula_form(p, "河北丙空引用机械有限公司", "=利润表!$C$30"),
        "河北丁空引用机械有限公司": lambda p: _xlsxwriter_formula_form(p, "河北丁空引用机械有限公司", "=IF(1>0,Z99,1)+Z98"),
    }
    units = ["承德市工业和信息化局", "张家口市工业和信息化局", "河北省冶金行业协会", "河北省医药行业协会"]
    for (enterprise, build), unit in zip(forms.items(), units):
        d = tmp_path / "inbox" / unit
        _pair(d, enterprise, campaign, {}, "openpyxl")
        build(d / f"{enterprise}-申请表.xlsx")
    from tests.conftest import soffice
    if soffice():  # the first form as LibreOffice saves it (result 0 stored, no calcId: recalculated on reading)
        import subprocess
        src = tmp_path / "lo" / "河北戊空引用机械有限公司-申请表.xlsx"
        _template_form(src, "河北戊空引用机械有限公司", {("利润总额", 2020): "=Z99"})
        subprocess.run([soffice(), "--headless", "--convert-to", "xlsx", "--outdir", str(tmp_path / "lo" / "out"),
                        str(src)], capture_output=True, timeout=300, check=True)
        d = tmp_path / "inbox" / "河北省食品工业协会"
        _pair(d, "河北戊空引用机械有限公司", campaign, {}, "openpyxl")
        (d / src.name).write_bytes((tmp_path / "lo" / "out" / src.name).read_bytes())
        forms["河北戊空引用机械有限公司"] = None
    apps, detail = _batch(tmp_path)
    for enterprise in forms:
        app = apps[enterprise]
        assert app["fields"]["利润总额"]["2020"] == 0.0, enterprise
        assert detail[enterprise]["2020年利润总额（万元）"] == 0
        assert app["status"] == "不符合申报条件", enterprise
        codes = [(i["code"], i["location"]) for i in app["issues"] if i["severity"] == "error"]
        assert codes == [("eligibility.unprofitable", "申请表!E15")], (enterprise, app["issues"])


def _add_sheet(path: Path, title: str) -> None:
    wb = openpyxl.load_workbook(path)
    wb.create_sheet(title)["A1"] = title
    wb.save(path)


def test_a_name_typed_over_two_lines_of_its_cell_is_one_name_everywhere(tmp_path, campaign):
    """申报单位 and 标杆名称 broken with Alt+Enter to fit the template's box reached summary.json, the register, the
    推荐意见 the unit stamps and the 回执 with the line break inside the name. They are one line now: between
    Chinese characters the break goes, between Latin words it is a space."""
    enterprises = {"河北甲折行机械有限公司": ("河北甲折行\n机械有限公司", "河北甲折行机械有限公司\n实施六西格玛设计的经验"),
                   "河北乙折行ABC Group有限公司": ("河北乙折行ABC\r\nGroup有限公司",
                                            "河北乙折行ABC Group有限公司实施\u3000\n六西格玛设计的经验"),
                   "河北丙折行机械有限公司": ("河北丙折行机械\n\n有限公司", "河北丙折行机械有限公司实施\n六西格玛\n设计的经验")}
    writers = ["openpyxl", "xlsxwriter", "xls"]
    units = ["保定市工业和信息化局", "衡水市工业和信息化局", "河北省轻工行业协会"]
    for (enterprise, (typed, name)), writer, unit in zip(enterprises.items(), writers, units):
        d = tmp_path / "inbox" / unit
        cells = {"申报单位": typed, "标杆名称": name}
        _pair(d, enterprise, campaign, cells, "xlsxwriter" if writer == "xlsxwriter" else "openpyxl")
        form = d / f"{enterprise}-申请表.xlsx"
        if writer == "xls":
            from tests.conftest import soffice
            if not soffice():
                continue
            import subprocess
            subprocess.run([soffice(), "--headless", "--convert-to", "xls", "--outdir", str(tmp_path / "xls"),
                            str(form)], capture_output=True, timeout=300, check=True)
            form.unlink()
            (d / f"{enterprise}-申请表.xls").write_bytes((tmp_path / "xls" / f"{enterprise}-申请表.xls").read_bytes())
    apps, detail = _batch(tmp_path)
    latest = tmp_path / "out" / "latest"
    import docx
    for enterprise, unit in zip(enterprises, units):
        name = f"{enterprise}实施六西格玛设计的经验"
        app = apps[enterprise]
        assert (app["enterprise"], app["benchmark_name"], app["status"]) == (enterprise, name, "通过")
        assert (app["fields"]["申报单位"], app["fields"]["标杆名称"]) == (enterprise, name)
        assert (detail[enterprise]["申报单位"], detail[enterprise]["标杆名称"]) == (enterprise, name)
        leaders = openpyxl.load_workbook(latest / "省级汇总表.xlsx")["推荐汇总表"]
        assert [enterprise, name] in [[r[3], r[4]] for r in leaders.iter_rows(values_only=True)]
        opinion = docx.Document(latest / "推荐意见" / f"{unit}-推荐意见.docx")
        rows = [[c.text for c in r.cells] for t in opinion.tables for r in t.rows]
        assert [enterprise, name] in [r[1:3] for r in rows], rows
        receipt = openpyxl.load_workbook(latest / "回执" / f"{unit}-回执.xlsx")["申报情况"]
        assert [enterprise, name] in [list(r[1:3]) for r in receipt.iter_rows(values_only=True)]


def test_zero_width_characters_inside_names_and_texts_are_not_passed_on(tmp_path, campaign):
    """A zero-width space or BOM inside 申报单位, 标杆名称, 联系人 or 通讯地址 (pasted from a web page) is invisible,
    but the register's 申报单位 copied into another system, or searched for there ('华信'), carried it: the values
    in summary.json, the register, the 推荐意见 and the 回执 are the names as seen; the verdict as without it."""
    enterprise = "河北丁零宽机械有限公司"
    name = f"{enterprise}实施六西格玛设计的经验"
    unit = "邢台市工业和信息化局"
    cells = {"申报单位": "河北丁\u200b零宽机械有限公司\ufeff", "标杆名称": f"\u2060{enterprise}实施六西格玛\u200b设计的经验",
             "联系人": "张\u200b伟"}
    _pair(tmp_path / "inbox" / unit, enterprise, campaign, cells, "openpyxl")
    other = "河北戊零宽机械有限公司"
    _pair(tmp_path / "inbox" / "沧州市工业和信息化局", other, campaign,
          {"申报单位": f"{other}\u200c", "联系人": "\ufeff李娜"}, "xlsxwriter")
    apps, detail = _batch(tmp_path)
    latest = tmp_path / "out" / "latest"
    seen = []
    for firm, contact in ((enterprise, "张伟"), (other, "李娜")):
        app = apps[firm]
        assert app["status"] == "通过", app["issues"]
        assert (app["enterprise"], app["fields"]["申报单位"], app["fields"]["联系人"]) == (firm, firm, contact)
        seen += [app["benchmark_name"], *detail[firm].values()]
    assert apps[enterprise]["benchmark_name"] == name and apps[enterprise]["fields"]["标杆名称"] == name
    import docx
    opinion = docx.Document(latest / "推荐意见" / f"{unit}-推荐意见.docx")
    seen += [c.text for t in opinion.tables for r in t.rows for c in r.cells]
    receipt = openpyxl.load_workbook(latest / "回执" / f"{unit}-回执.xlsx")
    seen += [v for ws in receipt.worksheets for row in ws.iter_rows(values_only=True) for v in row]
    leaders = openpyxl.load_workbook(latest / "省级汇总表.xlsx")["推荐汇总表"]
    seen += [v for row in leaders.iter_rows(values_only=True) for v in row]
    assert enterprise in seen and name in seen
    assert not [v for v in seen if isinstance(v, str) and any(z in v for z in ZW)]
