"""Spreadsheets read as Excel/WPS show them, whatever kind of file carries them (real files built in code)."""
from __future__ import annotations

import datetime as dt
import struct

import pytest

import workbook_builders as B
from toolkit.campaign import load_campaign
from toolkit.extract import sniff as S
from toolkit.extract.grid import MAX_ROWS, read_workbook
from toolkit.extract.numfmt import shown
from toolkit.extract.registry import extract
from toolkit.model import FORM

CAMPAIGN = load_campaign()
PROFIT = (3100.0, 3300.0, 3650.25)


def _figures(ex, key):
    return tuple(ex.form.yearly[key][y].value for y in B.YEARS)


def _codes(ex):
    return sorted(i.code for i in ex.issues)


# ---------------------------------------------------------------- no allocation by what a file claims

@pytest.mark.parametrize("stray", ["XFD1048576", "A1048576", "XFD1", "AN401"])
def test_stray_far_cell_is_ignored_and_the_form_read(stray):
    wb = B.form_workbook()
    wb["申请表"][stray] = "草稿"
    ex = extract(B.save(wb), "申请表.xlsx", CAMPAIGN)
    assert ex.kind == FORM
    assert ex.form.text("申报单位") == B.ENTERPRISE
    assert _figures(ex, "利润总额") == PROFIT
    book = read_workbook(B.save(wb), S.XLSX)
    assert book.sheets[0].height <= MAX_ROWS


@pytest.mark.parametrize("cell", [(65535, 255), (65535, 0), (0, 255)])
def test_xls_stray_far_cell_is_read_sparsely(cell):
    cells = B.form_cells()
    cells[cell] = "备注"
    ex = extract(B.xls_bytes({"申请表": cells}), "申请表.xls", CAMPAIGN)
    assert _figures(ex, "利润总额") == PROFIT
    assert ex.form.fields["电话"].location == "申请表!D7"


# ---------------------------------------------------------------- formulas

def _formula_form(cached: str | None, *, full_calc: bool = True) -> bytes:
    wb = B.form_workbook()
    ws = wb["申请表"]
    for col, yuan in zip("CDE", (31000000, 33000000, 36502500)):
        ws[f"{col}15"] = f"=ROUND({yuan}/10000,2)"
    ws["C12"] = "=SUM(C13:C14)*0+52000"  # a range input
    data = B.save(wb)

    def edit(xml):
        if cached is not None:
            xml = __import__("re").sub(r"(<f>[^<]*</f>)(<v\s*/>|<v></v>)?", rf"\1<v>{cached}</v>", xml)
        return xml
    data = B.edit_part(data, "xl/worksheets/sheet1.xml", edit)
    if not full_calc:
        data = B.edit_part(data, "xl/workbook.xml", lambda x: x.replace(' fullCalcOnLoad="1"', ""))
    return data


@pytest.mark.parametrize("cached", [None, "0", "999"])
def test_formulas_are_computed_when_the_workbook_recalculates_on_open(cached):
    ex = extract(_formula_form(cached), "申请表.xlsx", CAMPAIGN)
    assert _figures(ex, "利润总额") == PROFIT
    assert ex.form.yearly["资产总额"][2018].value == 52000.0


def test_cached_results_of_a_calculated_workbook_are_shown_as_stored():
    # saved by a spreadsheet program (calcId, no fullCalcOnLoad): the stored result is what Excel shows
    ex = extract(_formula_form("1234.5", full_calc=False), "申请表.xlsx", CAMPAIGN)
    assert _figures(ex, "利润总额") == (1234.5,) * 3


def test_formula_across_sheets_and_with_shared_formula_is_computed():
    wb = B.form_workbook()
    data_ws = wb.create_sheet("数据")
    data_ws["A1"], data_ws["A2"], data_ws["A3"] = 31000000, 33000000, 36502500
    for i, col in enumerate("CDE"):
        wb["申请表"][f"{col}15"] = f"=ROUND(数据!A{i + 1}/10000,2)"
    ex = extract(B.save(wb), "申请表.xlsx", CAMPAIGN)
    assert _figures(ex, "利润总额") == PROFIT
    assert len(ex.all_forms) == 1


@pytest.mark.parametrize("formula", ["=NOSUCHFUNCTION(1)", "=C15", "=[1]Sheet1!A1"])
def test_uncomputable_formula_is_an_error_naming_the_cell_not_a_missing_value(tmp_path, formula):
    from toolkit.rules.fields import check_fields
    from toolkit.model import Application

    wb = B.form_workbook()
    wb["申请表"]["C15"] = formula
    ex = extract(B.save(wb), "申请表.xlsx", CAMPAIGN)
    v = ex.form.yearly["利润总额"][2018]
    assert not v.ok and v.value is None and v.location == "申请表!C15"
    issues = list(check_fields(Application(unit="u", enterprise="e", form=ex.form), CAMPAIGN))
    mine = [i for i in issues if i.location == "申请表!C15"]
    assert [i.code for i in mine] == ["field.invalid"]
    assert "公式" in mine[0].message


# ---------------------------------------------------------------- number formats and units

@pytest.mark.parametrize("code, scale, unit, date", [
    ('0"."0,"万元"', 1e-4, "万元", False),
    ('0!.0,"万元"', 1e-4, "万元", False),
    ("0\\.0000", 1e-4, "", False),
    ("#,##0,", 1e-3, "", False),
    ("#,##0.00,,", 1e-6, "", False),
    ('#,##0.00"元"', 1.0, "元", False),
    ('yyyy"年"', 1.0, "", True),
    ("yyyy/m/d", 1.0, "", True),
    ("#,##0.00", 1.0, "", False),
    ("0.00E+00", 1.0, "", False),
    ("General", 1.0, "", False),
])
def test_number_format_scale_unit_and_dates(code, scale, unit, date):
    fmt = shown(code)
    assert fmt.scale == pytest.approx(scale) and fmt.unit == unit and fmt.date == date


@pytest.mark.parametrize("code", ['0"."0,"万元"', '0!.0,"万元"', "0\\.0000"])
def test_wps_wan_yuan_format_gives_the_figure_shown_with_a_warning(code):
    wb = B.form_workbook()
    ws = wb["申请表"]
    for i, col in enumerate("CDE"):
        ws[f"{col}15"] = PROFIT[i] * 10000
        ws[f"{col}15"].number_format = code
    ex = extract(B.save(wb), "申请表.xlsx", CAMPAIGN)
    assert _figures(ex, "利润总额") == pytest.approx(PROFIT)
    warned = {i.location for i in ex.issues if i.code == "finance.suspicious" and i.severity == "warning"}
    assert warned == {"申请表!C15", "申请表!D15", "申请表!E15"}


def test_thousands_scaling_format_shows_thousands():
    wb = B.form_workbook()
    wb["申请表"]["C12"] = 52000000.0
    wb["申请表"]["C12"].number_format = "#,##0,"
    ex = extract(B.save(wb), "申请表.xlsx", CAMPAIGN)
    assert ex.form.yearly["资产总额"][2018].value == pytest.approx(52000.0)
    assert any(i.location == "申请表!C12" and i.severity == "warning" for i in ex.issues)


@pytest.mark.parametrize("label", ["利润总额（元）", "利润总额(元)", "利润总额（单位：元）"])
def test_label_in_yuan_converts_to_wan_yuan_with_a_warning(label):
    cells = B.form_cells(yearly={"利润总额": (label, tuple(v * 10000 for v in PROFIT))})
    ex = extract(B.save(B.form_workbook(cells)), "申请表.xlsx", CAMPAIGN)
    assert _figures(ex, "利润总额") == pytest.approx(PROFIT)
    assert _figures(ex, "资产总额") == (52000.0, 56000.0, 61000.5)  # rows in 万元 untouched
    assert sum(1 for i in ex.issues if i.code == "finance.suspicious") == 3


# ---------------------------------------------------------------- years written as dates

@pytest.mark.parametrize("header", [
    lambda y: dt.date(y, 12, 31), lambda y: dt.datetime(y, 12, 31), lambda y: f"{y}年12月31日",
    lambda y: f"{y}.12.31", lambda y: f"{y}-12-31", lambda y: f"{y}/12/31", lambda y: f"{y}年度",
    lambda y: f"{y}年末", lambda y: f"{y}年底", lambda y: f"{y}年",
])
def test_year_headers_written_as_dates(header):
    wb = B.form_workbook(B.form_cells(year_header=header))
    for col in "CDE":
        wb["申请表"][f"{col}11"].number_format = 'yyyy"年"'
    ex = extract(B.save(wb), "申请表.xlsx", CAMPAIGN)
    for key, (_label, values) in B.YEARLY.items():
        assert _figures(ex, key) == tuple(float(v) for v in values), key


# ---------------------------------------------------------------- several sheets

def _named_template(filled_copy: bool, *, active_copy: bool = True) -> bytes:
    """A workbook with defined names on a blank original and sheet-scoped twins on a (filled) copy."""
    from openpyxl.workbook.defined_name import DefinedName

    empty = {k: v for k, v in B.form_cells().items() if isinstance(v, str) and k[1] in (0,) or k[0] in (0, 10)
             or (k[1] == 1 and k[0] >= 11)}
    wb = B.form_workbook(empty)
    ids = {"申报单位": "enterprise", "所属行业": "industry", "所在地区": "region", "标杆名称": "benchmark_name",
           "摘要": "abstract", "联系人": "contact", "电话": "phone", "手机": "mobile", "电子邮箱": "email",
           "传真": "fax", "通讯地址": "address"}
    spec_ids = {f.key: f.id for f in CAMPAIGN.fields}
    cells = {"申报单位": "B3", "所属行业": "B4", "所在地区": "E4", "标杆名称": "B5", "摘要": "B6", "联系人": "B7",
             "电话": "D7", "手机": "F7", "电子邮箱": "B8", "传真": "E8", "通讯地址": "B9"}
    copy = wb.copy_worksheet(wb["申请表"])
    copy.title = "申请表 (2)"
    if filled_copy:
        B.put(copy, B.form_cells())
    for key, ref in cells.items():
        name = spec_ids.get(key, ids[key])
        wb.defined_names[name] = DefinedName(name, attr_text=f"'申请表'!${ref[0]}${ref[1:]}")
        copy.defined_names[name] = DefinedName(name, attr_text=f"'申请表 (2)'!${ref[0]}${ref[1:]}")
    for spec in CAMPAIGN.yearly:
        row = 12 + [f.key for f in CAMPAIGN.yearly].index(spec.key)
        for i, year in enumerate(B.YEARS):
            name = spec.defined_name(year)
            col = "CDE"[i]
            wb.defined_names[name] = DefinedName(name, attr_text=f"'申请表'!${col}${row}")
            copy.defined_names[name] = DefinedName(name, attr_text=f"'申请表 (2)'!${col}${row}")
    wb.active = 1 if active_copy else 0
    return B.save(wb)


@pytest.mark.parametrize("active_copy", [True, False])
def test_filled_copy_of_the_template_sheet_is_read_with_a_warning(active_copy):
    ex = extract(_named_template(True, active_copy=active_copy), "申请表.xlsx", CAMPAIGN)
    assert ex.form.source == "defined-names"
    assert ex.form.text("申报单位") == B.ENTERPRISE
    assert ex.form.fields["电话"].location == "申请表 (2)!D7"
    assert _figures(ex, "利润总额") == PROFIT
    notes = [i for i in ex.issues if i.field == "申请表工作表"]
    assert len(notes) == 1 and notes[0].severity == "warning" and "申请表 (2)" in notes[0].message


def test_two_enterprises_one_workbook_give_two_forms_in_sheet_order():
    wb = B.form_workbook(title="恒瑞")
    other = wb.create_sheet("冀安")
    second = {"申报单位": "石家庄冀安电气设备有限公司", "电话": "0311-85550011"}
    B.put(other, B.form_cells(fields=second, yearly={"利润总额": ("利润总额（万元）", (980.0, 1120.0, 1265.5))}))
    ex = extract(B.save(wb), "申请表.xlsx", CAMPAIGN)
    assert [f.text("申报单位") for f in ex.forms] == [B.ENTERPRISE, "石家庄冀安电气设备有限公司"]
    assert ex.form is ex.forms[0]
    assert ex.forms[1].fields["电话"].location == "冀安!D7"
    assert ex.forms[1].number("利润总额", 2020) == 1265.5
    assert ex.forms[0].number("利润总额", 2020) == 3650.25


def test_same_enterprise_on_two_sheets_gives_one_form():
    wb = B.form_workbook()
    B.put(wb.create_sheet("申请表 (2)"), B.form_cells())
    ex = extract(B.save(wb), "申请表.xlsx", CAMPAIGN)
    assert len(ex.all_forms) == 1
    assert any(i.field == "申请表工作表" for i in ex.issues)


@pytest.mark.parametrize("kind, rel, body", [
    ("macrosheets", "http://schemas.microsoft.com/office/2006/relationships/xlMacrosheet",
     '<xm:macrosheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
     'xmlns:xm="http://schemas.microsoft.com/office/excel/2006/main"><sheetData><row r="1"><c r="A1" t="str">'
     '<f>GET.CELL(7,申请表!B3)</f><v>General</v></c></row></sheetData></xm:macrosheet>'),
    ("dialogsheets", "http://schemas.openxmlformats.org/officeDocument/2006/relationships/dialogsheet",
     '<dialogsheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"/>'),
    ("chartsheets", "http://schemas.openxmlformats.org/officeDocument/2006/relationships/chartsheet",
     '<chartsheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"/>'),
])
@pytest.mark.parametrize("first", [True, False])
def test_macro_dialog_and_chart_sheets_do_not_stop_the_form(kind, rel, body, first):
    members = B.zip_members(B.save(B.form_workbook()))
    members[f"xl/{kind}/sheet1.xml"] = body.encode()
    members["xl/_rels/workbook.xml.rels"] = members["xl/_rels/workbook.xml.rels"].replace(
        b"</Relationships>", f'<Relationship Id="rIdX" Type="{rel}" Target="{kind}/sheet1.xml"/></Relationships>'.encode())
    extra = ('<sheet xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships" name="宏1" '
             'sheetId="9" r:id="rIdX"/>').encode()
    wbxml = members["xl/workbook.xml"]
    members["xl/workbook.xml"] = wbxml.replace(b"<sheets>", b"<sheets>" + extra) if first else \
        wbxml.replace(b"</sheets>", extra + b"</sheets>")
    ex = extract(B.zip_bytes(members), "申请表.xlsm", CAMPAIGN)
    assert ex.kind == FORM and _figures(ex, "利润总额") == PROFIT


# ---------------------------------------------------------------- packages: root parts, Strict

def test_xlsx_with_parts_at_the_root_of_the_zip():
    members = {}
    for name, data in B.zip_members(B.save(B.form_workbook())).items():
        new = name[3:] if name.startswith("xl/") else name
        if name.endswith(".rels") or name in ("[Content_Types].xml", "xl/workbook.xml"):
            data = data.replace(b'="/xl/', b'="/').replace(b'Target="xl/', b'Target="')
        members[new] = data
    data = B.zip_bytes(members)
    assert S.sniff(data, "a.xlsx").type == S.XLSX
    ex = extract(data, "申请表.xlsx", CAMPAIGN)
    assert ex.form.text("申报单位") == B.ENTERPRISE and _figures(ex, "利润总额") == PROFIT


def test_strict_open_xml_xlsx_reads_like_transitional():
    pairs = [("http://schemas.openxmlformats.org/officeDocument/2006/relationships",
              "http://purl.oclc.org/ooxml/officeDocument/relationships"),
             ("http://schemas.openxmlformats.org/spreadsheetml/2006/main",
              "http://purl.oclc.org/ooxml/spreadsheetml/main")]
    members = B.zip_members(B.save(B.form_workbook()))
    for name, data in members.items():
        if name.endswith((".xml", ".rels")):
            for old, new in pairs:
                data = data.replace(old.encode(), new.encode())
            members[name] = data
    ex = extract(B.zip_bytes(members), "申请表.xlsx", CAMPAIGN)
    assert ex.form.text("申报单位") == B.ENTERPRISE and _figures(ex, "利润总额") == PROFIT


# ---------------------------------------------------------------- .xls of every kind

def _bare_stream(bof: bytes, cells: dict, *, dimensions: bool = False) -> bytes:
    out = [bof, B.rec(0x0042, struct.pack("<H", 936))]
    if dimensions:
        out.append(B.rec(0x0200, struct.pack("<HHHHH", 0, 16, 0, 6, 0)))
    for (r, c), v in sorted(cells.items()):
        if isinstance(v, str):
            raw = v.encode("gbk")
            out.append(B.rec(0x0204, struct.pack("<HHHH", r, c, 0, len(raw)) + raw))
        else:
            out.append(B.rec(0x0203, struct.pack("<HHHd", r, c, 0, v)))
    return b"".join(out) + B.EOF


@pytest.mark.parametrize("bof, dims", [
    (B.rec(0x0809, struct.pack("<HHHH", 0, 0x10, 0, 0)), False),  # web export (BIFF5/8 BOF)
    (B.rec(0x0409, struct.pack("<HHH", 0, 0x10, 0x10D3)), True),  # Excel 4.0 worksheet
    (B.rec(0x0209, struct.pack("<HH", 0, 0x10)), True),  # Excel 3.0 worksheet
])
def test_bare_biff_streams_are_read_natively(bof, dims):
    data = _bare_stream(bof, B.form_cells(), dimensions=dims)
    assert S.sniff(data, "申请表.xls").type == S.XLS
    ex = extract(data, "申请表.xls", CAMPAIGN)
    assert ex.form.text("申报单位") == B.ENTERPRISE and _figures(ex, "利润总额") == PROFIT


def _with_records_after_bof(stream: bytes, records: bytes) -> bytes:
    bof, rest = stream[:20], stream[20:]
    shift, fixed, pos = len(records), bytearray(), 0
    while pos < len(rest):
        rid, n = struct.unpack_from("<HH", rest, pos)
        body = bytearray(rest[pos + 4:pos + 4 + n])
        if rid == 0x0085:
            struct.pack_into("<I", body, 0, struct.unpack_from("<I", body)[0] + shift)
        fixed += rest[pos:pos + 4] + body
        pos += 4 + n
    return bof + records + bytes(fixed)


FILEPASS_RC4 = B.rec(0x002F, struct.pack("<HHH", 1, 1, 1) + bytes(48))


@pytest.mark.parametrize("before", [b"", B.rec(0x0086), B.rec(0x0086) + B.rec(0x005C, bytes(112)),
                                    B.rec(0x00E1, b"\xb0\x04") + B.rec(0x005B, bytes(8))])
def test_encrypted_xls_is_file_encrypted_wherever_filepass_sits(before):
    stream = _with_records_after_bof(B.biff8_workbook_stream({"申请表": B.form_cells()}), before + FILEPASS_RC4)
    data = B.cfb({"Workbook": stream})
    ex = extract(data, "申请表.xls", CAMPAIGN)
    assert _codes(ex) == ["file.encrypted"]


def test_biff5_xor_obfuscated_book_is_file_encrypted():
    bof5 = B.rec(0x0809, struct.pack("<HHHH", 0x0500, 0x0005, 0x1F4B, 0x07CD))
    stream = bof5 + B.rec(0x002F, struct.pack("<HH", 0x7A14, 0xAF83)) + B.rec(0x0042, b"\xa8\x03") + B.EOF
    assert _codes(extract(B.cfb({"Book": stream}), "申请表.xls", CAMPAIGN)) == ["file.encrypted"]
    assert _codes(extract(stream, "申请表.xls", CAMPAIGN)) == ["file.encrypted"]  # bare, too


def test_filepass_in_a_sheet_substream_is_not_encryption():
    from toolkit.extract.sniff import biff_encrypted

    stream = B.biff8_workbook_stream({"申请表": {(0, 0): "x"}})
    assert not biff_encrypted(stream)
    assert biff_encrypted(_with_records_after_bof(stream, FILEPASS_RC4))


@pytest.mark.parametrize("storage", ["MBD0004A2C1", "ObjectPool"])
def test_xls_with_an_embedded_word_document_is_a_workbook(storage):
    word = {"WordDocument": struct.pack("<HH", 0xA5EC, 0x00C1) + bytes(4092), "1Table": bytes(4096)}
    tree = {"Workbook": B.biff8_workbook_stream({"申请表": B.form_cells()})}
    tree[storage] = {"_1234": word} if storage == "ObjectPool" else word
    data = B.cfb(tree)
    assert S.sniff(data, "申请表.xls").type == S.XLS
    ex = extract(data, "申请表.xls", CAMPAIGN)
    assert ex.form.text("申报单位") == B.ENTERPRISE and _figures(ex, "利润总额") == PROFIT


def test_word_document_in_a_compound_file_is_still_a_doc():
    data = B.cfb({"WordDocument": struct.pack("<HH", 0xA5EC, 0x00C1) + bytes(4092), "1Table": bytes(4096)})
    assert S.sniff(data, "a.doc").type == S.DOC


# ---------------------------------------------------------------- SpreadsheetML (Excel 2003 XML)

def test_spreadsheetml_with_index_and_merges():
    ns = 'xmlns="urn:schemas-microsoft-com:office:spreadsheet" xmlns:ss="urn:schemas-microsoft-com:office:spreadsheet"'
    rows = []
    by_row: dict = {}
    for (r, c), v in B.form_cells().items():
        by_row.setdefault(r, []).append((c, v))
    for r in sorted(by_row):
        cells = []
        for c, v in sorted(by_row[r]):
            kind = "String" if isinstance(v, str) else "Number"
            merge = ' ss:MergeAcross="4"' if (r, c) in ((2, 1), (4, 1)) else ""
            cells.append(f'<Cell ss:Index="{c + 1}"{merge}><Data ss:Type="{kind}">{v}</Data></Cell>')
        rows.append(f'<Row ss:Index="{r + 1}">{"".join(cells)}</Row>')
    xml = (f'<?xml version="1.0"?><?mso-application progid="Excel.Sheet"?><Workbook {ns}>'
           f'<Worksheet ss:Name="申请表"><Table>{"".join(rows)}</Table></Worksheet></Workbook>').encode()
    assert S.sniff(xml, "申请表.xls").type == S.SPREADSHEETML
    ex = extract(xml, "申请表.xls", CAMPAIGN)
    assert ex.form.text("申报单位") == B.ENTERPRISE and _figures(ex, "利润总额") == PROFIT
    assert ex.form.fields["电话"].location == "申请表!D7"


@pytest.mark.parametrize("third", [
    {"申报单位": "", "电话": "0311-85550099"},  # a third form with no 申报单位
    {"申报单位": B.ENTERPRISE, "电话": "0311-86660009"},  # the first enterprise again, less complete
])
def test_a_third_form_like_sheet_not_read_is_named(third):
    """A sheet that looks like a form but is not read as an application is a warning naming the sheet, in a sentence
    of its own: it read '“申请表工作表”填写的“草稿”：这个工作表像是申请表……', as if a field held the sheet's name,
    and its fix ended without a full stop."""
    wb = B.form_workbook(title="恒瑞")
    B.put(wb.create_sheet("冀安"), B.form_cells(fields={"申报单位": "石家庄冀安电气设备有限公司"}))
    sparse = wb.create_sheet("草稿")
    cells = B.form_cells(fields=third)
    B.put(sparse, {(r, c): value for (r, c), value in cells.items() if r <= 6})  # the scalar block only
    ex = extract(B.save(wb), "申请表.xlsx", CAMPAIGN)
    assert [f.text("申报单位") for f in ex.forms] == [B.ENTERPRISE, "石家庄冀安电气设备有限公司"]
    [note] = [i for i in ex.issues if i.location == "草稿工作表"]
    assert note.severity == "warning" and "没有作为一项申报读取" in note.message
    assert note.message.startswith("“草稿”工作表像是申请表，但") and "填写的" not in note.message
    assert note.message.endswith("否则请删除该工作表。")


def test_cells_rows_and_merges_inside_an_extension_are_not_the_sheets():
    """An extension (extLst) of another schema may hold elements named c, row or mergeCell: they are not the
    worksheet's cells — one used to overwrite the 申报单位 with 99 and add a merge."""
    members = B.zip_members(B.save(B.form_workbook()))
    ext = ('<extLst><ext uri="{78C0D931-6437-407d-A8EE-F0AAD7539E65}" '
           'xmlns:q="http://schemas.microsoft.com/office/spreadsheetml/2009/9/main">'
           '<q:sheetData><q:row r="3"><q:c r="B3" t="n"><q:v>99</q:v></q:c></q:row></q:sheetData>'
           '<q:mergeCells><q:mergeCell ref="A1:F20"/></q:mergeCells></ext></extLst>')
    sheet = members["xl/worksheets/sheet1.xml"].decode("utf-8")
    members["xl/worksheets/sheet1.xml"] = sheet.replace("</worksheet>", ext + "</worksheet>").encode("utf-8")
    data = B.zip_bytes(members)
    plain = read_workbook(B.save(B.form_workbook()), S.XLSX).sheets[0]
    extended = read_workbook(data, S.XLSX).sheets[0]
    assert extended.rows == plain.rows and extended.merged == plain.merged
    ex = extract(data, "申请表.xlsx", CAMPAIGN)
    assert ex.form.text("申报单位") == B.ENTERPRISE



# ---- labels of an enterprise's own table ----

def _own_table(relabel: dict) -> bytes:
    """The complete form (workbook_builders) with some labels written otherwise: {(row, col): label}."""
    cells = B.form_cells()
    cells.update(relabel)
    return B.save(B.form_workbook(cells))


@pytest.mark.parametrize("cell, label, key, expected", [
    ((3, 3), "所在地市", "所在地区", B.FIELDS["所在地区"]), ((3, 3), "所属地市", "所在地区", B.FIELDS["所在地区"]),
    ((5, 0), "经验摘要", "摘要", B.FIELDS["摘要"]), ((11, 1), "资产总计（万元）", "资产总额", 52000.0),
    ((14, 1), "利润总计（万元）", "利润总额", 3100.0),
])
def test_everyday_labels_of_an_own_table(cell, label, key, expected):
    """Labels enterprises write on a table of their own (所在地市, 经验摘要, the balance sheet's 资产总计) read as the
    notice's fields, with no issue (before: “未填写”, the value right beside the label)."""
    from toolkit.model import Application
    from toolkit.validate import validate

    ex = extract(_own_table({cell: label}), "申请表.xlsx", CAMPAIGN)
    assert ex.kind == FORM
    got = ex.form.fields[key].value if key in ex.form.fields else ex.form.yearly[key][2018].value
    assert got == expected
    app = Application(unit="", enterprise=ex.form.text("申报单位"), form=ex.form)
    assert not [i for i in validate(app, CAMPAIGN).issues if i.code.startswith("field.")]


@pytest.mark.parametrize("cell, label, key, shown", [
    ((3, 3), "区域", "所在地区", "“所在地区”未填写。申请表中没有找到“所在地区”这一栏（也可写作“所属地区”、“地区”、“所在地”）"),
    ((11, 1), "总资产规模（万元）", "2018年资产总额", "“2018年资产总额”未填写。申请表中没有找到“资产总额”这一栏"),
])
def test_a_field_under_an_unknown_label_is_said_not_found(cell, label, key, shown):
    """A label the toolkit does not know: field.missing says the row or cell was not found and how to name it,
    not only “未填写” (the clerk sees the value filled in); a blank cell under a known label stays “未填写”."""
    from toolkit.model import Application
    from toolkit.validate import validate

    ex = extract(_own_table({cell: label}), "申请表.xlsx", CAMPAIGN)
    app = Application(unit="", enterprise=ex.form.text("申报单位"), form=ex.form)
    [issue] = [i for i in validate(app, CAMPAIGN).issues if i.code == "field.missing" and i.field == key]
    assert issue.message.startswith(shown) and "请把栏目名称改为" in issue.message

    blank = B.form_cells()
    blank[(3, 4)] = None
    ex = extract(B.save(B.form_workbook(blank)), "申请表.xlsx", CAMPAIGN)
    app = Application(unit="", enterprise=ex.form.text("申报单位"), form=ex.form)
    [issue] = [i for i in validate(app, CAMPAIGN).issues if i.code == "field.missing" and i.field == "所在地区"]
    assert "没有找到" not in issue.message and issue.message.startswith("“所在地区”未填写。")


# ---- formulas that read another workbook ----

def _with_formula(formula: str, cached: str | None, more: dict = ()) -> bytes:
    """The complete form with 2018年利润总额 (C15) a formula, saved as openpyxl saves (Excel recalculates such a
    file on open), its result ``cached`` in <v> as Excel writes it (None: no result saved); ``more``: other cells
    ({(row, col): value or formula}, 0-based)."""
    import re

    cells = B.form_cells()
    cells[(14, 2)] = formula
    cells.update(more)
    data = B.save(B.form_workbook(cells))
    if cached is None:
        return data

    def add_value(xml: str) -> str:
        out = re.sub(r'(<c r="C15"[^>]*>\s*<f>[^<]*</f>)\s*(?:<v\s*/>|<v>\s*</v>)?',
                     lambda m: f"{m.group(1)}<v>{cached}</v>", xml, count=1)
        assert out != xml
        return out

    return B.edit_part(data, "xl/worksheets/sheet1.xml", add_value)


@pytest.mark.parametrize("formula", ["='D:\\财务\\[财务报表2020.xlsx]利润表'!$C$30", "=[1]利润表!$C$30",
                                     "=ROUND([1]利润表!$C$30,0)"], ids=["path", "Excel's link index", "in a function"])
def test_a_formula_reading_another_workbook_gives_its_saved_result(formula):
    """A figure linked from another workbook (the finance department's): what Excel shows until its links are
    updated, the result saved with the file — not an error asking for a number the clerk sees on screen."""
    ex = extract(_with_formula(formula, "2900"), "申请表.xlsx", CAMPAIGN)
    assert ex.form.yearly["利润总额"][2018].value == 2900.0 and ex.form.yearly["利润总额"][2018].ok


def test_formulas_reading_a_linked_figure_compute_from_its_saved_result():
    """2019年利润总额 (D15) '=C15+100' where C15 reads another workbook: computed from C15's saved result (Excel
    shows 3000) — the saved result stands in for the link inside the calculation, not only in its own cell."""
    ex = extract(_with_formula("=[1]利润表!$C$30", "2900", {(14, 3): "=C15+100"}), "申请表.xlsx", CAMPAIGN)
    assert [ex.form.yearly["利润总额"][y].value for y in (2018, 2019)] == [2900.0, 3000.0]


def test_a_formula_reading_another_workbook_without_a_saved_result_is_said_so():
    ex = extract(_with_formula("='[财务报表2020.xlsx]利润表'!$C$30", None), "申请表.xlsx", CAMPAIGN)
    value = ex.form.yearly["利润总额"][2018]
    assert not value.ok and "引用了其他文件" in value.note


def test_a_formula_on_a_missing_sheet_is_not_taken_from_its_saved_result():
    """A sheet of this workbook that is not there (deleted): Excel recalculating on open shows #REF!, so the saved
    result is not taken."""
    ex = extract(_with_formula("=财务!B2", "2900"), "申请表.xlsx", CAMPAIGN)
    value = ex.form.yearly["利润总额"][2018]
    assert not value.ok and "不存在的工作表" in value.note


# ---- the template's defined names moved off their fields ----

def _template_with_names_moved(tmp_path, make_form, rows: int, only: tuple = ()) -> bytes:
    """A filled 申请表 template whose defined names point ``rows`` rows lower than their fields (``only``: just
    these names), as after a program that does not move names deleted a row above them."""
    import re

    path = make_form(tmp_path / "申请表.xlsx")

    def move(xml: str) -> str:
        def shifted(m):
            if only and m.group(1) not in only:
                return m.group(0)
            return re.sub(r"\$(\d+)", lambda n: f"${int(n.group(1)) + rows}", m.group(0))
        return re.sub(r'<definedName name="([^"]+)"[^>]*>[^<]*</definedName>', shifted, xml)

    return B.edit_part(path.read_bytes(), "xl/workbook.xml", move)


def test_names_moved_off_their_fields_are_not_trusted(tmp_path, make_form):
    """Every defined name a row off its field (a tool deleted a row without moving names): the form is read by
    its labels, the values are right, and a warning says the names disagreed — before, each field took the next
    field's value (申报单位 from 所属行业's row) and the errors that followed named the wrong cells."""
    from conftest import GOOD_VALUES

    ex = extract(_template_with_names_moved(tmp_path, make_form, 1), "申请表.xlsx", CAMPAIGN)
    assert ex.form.source == "labels"
    assert ex.form.text("申报单位") == GOOD_VALUES["申报单位"] and ex.form.text("标杆名称") == GOOD_VALUES["标杆名称"]
    assert ex.form.yearly["利润总额"][2018].value == float(GOOD_VALUES["利润总额"][2018])
    [warning] = [i for i in ex.issues if i.field == "申请表模板"]
    assert warning.severity == "warning" and "错位" in warning.message and warning.file == "申请表.xlsx"


def test_names_on_their_fields_are_read_as_names(tmp_path, make_form):
    """The template as filled: read by its names, no warning."""
    ex = extract(_template_with_names_moved(tmp_path, make_form, 0), "申请表.xlsx", CAMPAIGN)
    assert ex.form.source == "defined-names" and not [i for i in ex.issues if i.field == "申请表模板"]


def test_one_name_off_its_field_is_read_by_its_label(tmp_path, make_form):
    """A single name a row off (传真's pointing at the 通讯地址 row): no shift of the sheet, the other fields
    are read by their names — and 传真 by its label, with a warning naming it (it took 通讯地址's row before)."""
    from conftest import GOOD_VALUES

    path = make_form(tmp_path / "申请表.xlsx", 传真="0311-87803219")
    # (both of 传真's names, 'fax' and '传真', point at E8)
    data = B.edit_part(path.read_bytes(), "xl/workbook.xml", lambda xml: xml.replace("$E$8<", "$E$9<"))
    ex = extract(data, "申请表.xlsx", CAMPAIGN)
    assert ex.form.source == "defined-names"
    assert ex.form.text("传真") == "0311-87803219" and ex.form.fields["传真"].location.endswith("E8")
    assert ex.form.text("通讯地址") == GOOD_VALUES["通讯地址"]
    [warning] = [i for i in ex.issues if i.field == "申请表模板"]
    assert warning.severity == "warning" and "传真（E8）" in warning.message and "错位" in warning.message


# the template's 基本情况 rows (12-16), and the enterprise's own block pasted over them in another order
_TEMPLATE_ROWS = ["资产总额", "主营业收入", "其他业务收入", "利润总额", "从业人员"]


def _form_with_rows(tmp_path, make_form, rows: list[tuple[str, tuple]], *, insert_at: int | None = None) -> bytes:
    """A filled 申请表 template (openpyxl keeps its defined names where they were) whose 基本情况 rows from row 12
    are ``rows`` — (label, values for 2018-2020) — as pasted by the enterprise; with ``insert_at``, a row is
    inserted there first (openpyxl moves cells, not names, as POI and online editors do)."""
    import openpyxl

    path = make_form(tmp_path / "申请表.xlsx")
    wb = openpyxl.load_workbook(path)
    ws = wb["申请表"]
    if insert_at is not None:
        ws.insert_rows(insert_at)
    for r, (label, values) in enumerate(rows, start=12):
        ws.cell(r, 2, label)
        for c, value in enumerate(values, start=3):
            ws.cell(r, c, value)
    wb.save(path)
    return path.read_bytes()


LOSS = (-1500.0, 2500.0, 2900.0)  # a loss in 2018: not eligible
OTHER_REVENUE = (1200.0, 1300.0, 1500.0)


@pytest.mark.parametrize("rows, insert_at, moved", [
    ([("资产总额（万元）", (52000, 56000, 61000)), ("主营业收入（万元）", (38000, 41000, 45000)),
      ("利润总额（万元）", LOSS), ("其他业务收入（万元）", OTHER_REVENUE), ("从业人员（人）", (860, 880, 910))],
     None, ["其他业务收入", "利润总额"]),
    ([("从业人员", (860, 880, 910)), ("利润总额", LOSS), ("资产总额", (52000, 56000, 61000)),
      ("主营业务收入", (38000, 41000, 45000)), ("其他业务收入", OTHER_REVENUE)], None, _TEMPLATE_ROWS),
    ([("资产总额（万元）", (52000, 56000, 61000)), ("主营业收入（万元）", (38000, 41000, 45000)),
      ("其他业务收入（万元）", OTHER_REVENUE), ("其中：出口收入（万元）", (800, 900, 1000)), ("利润总额（万元）", LOSS),
      ("从业人员（人）", (860, 880, 910))], 15, ["利润总额", "从业人员"]),
], ids=["two rows swapped", "all rows in another order", "a row inserted above 利润总额"])
def test_yearly_rows_the_names_no_longer_point_at_are_read_by_their_labels(tmp_path, make_form, rows, insert_at,
                                                                           moved):
    """The 基本情况 block pasted in the enterprise's own order, or a row inserted above 利润总额 by a program that
    does not move names: each figure is read from the row its label names — the 2018 loss is found (before,
    利润总额 was read from another row, positive, and the application passed) — and a warning names the fields
    read by their labels."""
    ex = extract(_form_with_rows(tmp_path, make_form, rows, insert_at=insert_at), "申请表.xlsx", CAMPAIGN)
    got = {key: tuple(ex.form.yearly[key][y].value for y in (2018, 2019, 2020)) for key in _TEMPLATE_ROWS}
    assert got["利润总额"] == LOSS and got["其他业务收入"] == OTHER_REVENUE
    assert got["从业人员"] == (860, 880, 910) and got["资产总额"] == (52000, 56000, 61000)
    [warning] = [i for i in ex.issues if i.field == "申请表模板"]
    assert warning.severity == "warning"
    assert [key for key in _TEMPLATE_ROWS if f"{key}（第" in warning.message] == sorted(moved, key=_TEMPLATE_ROWS.index)


def _template_edited(tmp_path, make_form, edit) -> bytes:
    """A filled 申请表 template edited by ``edit(ws)`` with openpyxl, which moves cells but not defined names (as
    POI and online editors do): the names stay on the template's rows."""
    import openpyxl

    path = make_form(tmp_path / "申请表.xlsx")
    wb = openpyxl.load_workbook(path)
    edit(wb["申请表"])
    wb.save(path)
    return path.read_bytes()


def _rows_moved(ws, at: int, n: int) -> None:
    """``n`` rows inserted at row ``at`` (``n`` < 0: deleted from there) as Excel does it — merged ranges below
    moved, a range across the place stretched or shrunk — but the defined names left where they were."""
    from openpyxl.worksheet.cell_range import CellRange

    merged = [CellRange(str(r)) for r in ws.merged_cells.ranges]
    for cells in merged:
        ws.unmerge_cells(cells.coord)
    ws.insert_rows(at, n) if n > 0 else ws.delete_rows(at, -n)
    for cells in merged:
        first, last = (r + n if r >= at else r for r in (cells.min_row, cells.max_row))
        ws.merge_cells(start_row=first, end_row=last, start_column=cells.min_col, end_column=cells.max_col)


def _paste_two_rows_low(ws) -> None:
    """The enterprise's 基本情况 table (its own header row and five rows) pasted two rows below the template's,
    leaving the template's header and its 资产总额 row, empty, above it."""
    for cells in [str(r) for r in ws.merged_cells.ranges if r.min_row >= 11]:
        ws.unmerge_cells(cells)
    block = [[ws.cell(r, c).value for c in range(1, 6)] for r in range(11, 17)]
    for r in range(12, 17):
        for c in range(1, 6):
            if c >= 3 or r >= 13:
                ws.cell(r, c).value = None
    for i, row in enumerate(block):
        for c, value in enumerate(row, start=1):
            ws.cell(13 + i, c).value = value


@pytest.mark.parametrize("edit, moved", [
    (lambda ws: _rows_moved(ws, 10, 1), _TEMPLATE_ROWS),  # a blank row above the table: names a row high
    (lambda ws: _rows_moved(ws, 10, 2), _TEMPLATE_ROWS),  # two: 资产总额's names on the table's header row
    (lambda ws: _rows_moved(ws, 10, 3), _TEMPLATE_ROWS),  # three: 资产总额's and 主营业收入's on blank rows
    (lambda ws: _rows_moved(ws, 14, 1), ["其他业务收入", "利润总额", "从业人员"]),  # a blank row in the table
    (lambda ws: _rows_moved(ws, 10, -1), _TEMPLATE_ROWS),  # a row deleted above: 从业人员's below the table
    (_paste_two_rows_low, _TEMPLATE_ROWS),
], ids=["a row above", "two rows above", "three rows above", "a row inside", "a row deleted above",
        "pasted two rows low"])
def test_fields_whose_names_point_at_empty_cells_are_read_by_their_labels(tmp_path, make_form, edit, moved):
    """A field whose defined names point at empty cells while its label names a row or cell that holds it is
    read from there, with a warning naming where — before, '2018年资产总额未填写' at an empty C12 while the
    figures stood two rows lower, and the application needed correcting for nothing."""
    from conftest import GOOD_VALUES

    ex = extract(_template_edited(tmp_path, make_form, edit), "申请表.xlsx", CAMPAIGN)
    for key in _TEMPLATE_ROWS:
        assert {y: ex.form.yearly[key][y].value for y in (2018, 2019, 2020)} == {
            y: float(v) for y, v in GOOD_VALUES[key].items()}, key
    assert ex.form.text("申报单位") == GOOD_VALUES["申报单位"]
    assert not [i for i in ex.issues if i.is_error], [i.message for i in ex.issues if i.is_error]
    [warning] = [i for i in ex.issues if i.field == "申请表模板"]
    assert warning.severity == "warning" and "错位" in warning.message
    if ex.form.source == "defined-names":  # (not every name shifted: the others still read by their names)
        named = [key for key in ("申报单位", *_TEMPLATE_ROWS) if f"“{key}”" in warning.message]
        assert named == moved, warning.message


def test_a_note_under_the_table_is_not_the_field_left_empty(tmp_path, make_form):
    """摘要 left empty, and a guidance line '摘要：不超过500字' under the table: 摘要 is missing at its own cell — the
    note, labelled like the field but in another column, is not taken for it (nor the error made a hint)."""
    def edit(ws):
        ws["B6"] = None
        ws["A19"] = "摘要：不超过500字，概括主要做法和成效"

    ex = extract(_template_edited(tmp_path, make_form, edit), "申请表.xlsx", CAMPAIGN)
    assert ex.form.fields["摘要"].empty and ex.form.fields["摘要"].location.endswith("B6")
    assert not [i for i in ex.issues if i.field == "申请表模板"]


@pytest.mark.parametrize("empty", ["资产总额", "联系人", "传真"])
def test_a_field_left_empty_stays_empty(tmp_path, make_form, empty):
    """Names where they belong and a field left empty: no other cell is taken for it, and no warning — a required
    field is missing at its own cell, an optional one (传真) is simply empty."""
    if empty == "资产总额":
        ex = extract(make_form(tmp_path / "申请表.xlsx", 资产总额={2018: None, 2019: None, 2020: None}).read_bytes(),
                     "申请表.xlsx", CAMPAIGN)
        assert all(v.empty and v.location.endswith(f"{col}12") for v, col in zip(
            ex.form.yearly["资产总额"].values(), "CDE"))
    else:
        ex = extract(make_form(tmp_path / "申请表.xlsx", **{empty: ""}).read_bytes(), "申请表.xlsx", CAMPAIGN)
        assert ex.form.fields[empty].empty
    assert ex.form.source == "defined-names"
    assert not [i for i in ex.issues if i.field == "申请表模板"]


def test_a_pasted_loss_is_found_by_the_checks(tmp_path, make_form, make_summary):
    """Through `check` (a real subprocess): the loss read from its labelled row makes the form ineligible."""
    from conftest import run_cli

    data = _form_with_rows(tmp_path, make_form, [
        ("资产总额（万元）", (52000, 56000, 61000)), ("主营业收入（万元）", (38000, 41000, 45000)),
        ("利润总额（万元）", LOSS), ("其他业务收入（万元）", OTHER_REVENUE), ("从业人员（人）", (860, 880, 910))])
    form = tmp_path / "pasted" / "申请表.xlsx"
    form.parent.mkdir()
    form.write_bytes(data)
    done = run_cli("check", form)
    assert done.returncode == 1 and "不满足近三年连续盈利条件" in done.stdout and "C14" in done.stdout, done.stdout


# ---- money typed with its unit ----

@pytest.mark.parametrize("typed, label, expected, warned", [
    ("520,000,000元", "资产总额（万元）", 52000.0, True), ("3.8亿元", "资产总额（万元）", 38000.0, True),
    ("3.8亿", "资产总额（万元）", 38000.0, True), ("５，２００千元", "资产总额（万元）", 520.0, True),
    ("2100万元", "资产总额（万元）", 2100.0, False), ("2100 万", "资产总额（万元）", 2100.0, False),
    ("2100万元", "资产总额（元）", 2100.0, False),  # the unit typed with the figure beats the label's
    ("21000000", "资产总额（元）", 2100.0, True),
], ids=["元", "亿元", "亿", "千元 full-width", "万元", "万", "万元 under a 元 label", "元 label"])
def test_money_typed_with_its_unit_is_read_in_wanyuan(typed, label, expected, warned):
    """A figure typed as text with its unit ('520,000,000元', '3.8亿元') is converted to 万元 with a hint naming
    what was typed — before, '520,000,000元' was read as 520,000,000 万元 and '3.8亿元' was not a number."""
    cells = B.form_cells()
    cells[(11, 1)] = label
    cells[(11, 2)] = typed
    ex = extract(B.save(B.form_workbook(cells)), "申请表.xlsx", CAMPAIGN)
    value = ex.form.yearly["资产总额"][2018]
    assert (value.ok, value.value) == (True, expected)
    hints = [i for i in ex.issues if i.code == "finance.suspicious" and i.location.endswith("C12")]
    assert bool(hints) == warned
    if warned and not typed.isdigit():
        assert f"填写的“{typed}”单位是" in hints[0].message


@pytest.mark.parametrize("typed, expected, ok", [("1.2万人", 12000.0, True), ("1.2万", 12000.0, True),
                                                 ("1300人", 1300.0, True), ("1200元", None, False)])
def test_a_headcount_typed_with_wan(typed, expected, ok):
    """从业人员 typed '1.2万人' is 12,000 people (it was read as 1.2), and a figure in 元 is not a headcount."""
    cells = B.form_cells()
    cells[(15, 2)] = typed
    ex = extract(B.save(B.form_workbook(cells)), "申请表.xlsx", CAMPAIGN)
    value = ex.form.yearly["从业人员"][2018]
    assert (value.ok, value.value) == (ok, expected)
    if not ok:
        assert value.note == "是金额而不是人数"


@pytest.mark.parametrize("moved_to", ["C5", "E5", "F5"])
def test_a_value_typed_beside_its_unmerged_box_is_read(tmp_path, make_form, moved_to):
    """The 标杆名称's box B5:F5 unmerged and the name typed into another cell of it: read from there (before,
    '标杆名称未填写' while the name stood in the row)."""
    import openpyxl

    from conftest import GOOD_VALUES

    path = make_form(tmp_path / "申请表.xlsx")
    wb = openpyxl.load_workbook(path)
    ws = wb["申请表"]
    ws.unmerge_cells("B5:F5")
    ws["B5"], ws[moved_to] = None, GOOD_VALUES["标杆名称"]
    wb.save(path)
    ex = extract(path.read_bytes(), "申请表.xlsx", CAMPAIGN)
    value = ex.form.fields["标杆名称"]
    assert value.value == GOOD_VALUES["标杆名称"] and value.location.endswith(moved_to)


@pytest.mark.parametrize("field, empty_cell", [("联系人", "B7"), ("电子邮箱", "B8"), ("所属行业", "B4")])
def test_an_empty_field_does_not_take_the_next_fields_value(tmp_path, make_form, field, empty_cell):
    """An empty field whose row goes on with another field's label and value (联系人 | 电话 …) stays empty: only
    a cell before any label is its own."""
    import openpyxl

    path = make_form(tmp_path / "申请表.xlsx")
    wb = openpyxl.load_workbook(path)
    wb["申请表"][empty_cell] = None
    wb.save(path)
    ex = extract(path.read_bytes(), "申请表.xlsx", CAMPAIGN)
    assert ex.form.fields[field].value is None


@pytest.mark.parametrize("cells", [
    {"H5": "（40字以内）"},  # a note outside the form's table
    {"E5": "统一社会信用代码", "F5": "91130100MA0000000X"},  # the enterprise's own label and its value
], ids=["note outside the table", "a label and a value of its own"])
def test_an_empty_name_does_not_take_a_note_or_another_label(tmp_path, make_form, cells):
    """Only the one filled cell within the form's table is taken for an empty field: a note beyond the table, or
    a label of the enterprise's own with its value, leaves 标杆名称 missing (an error, as it is)."""
    import openpyxl

    path = make_form(tmp_path / "申请表.xlsx")
    wb = openpyxl.load_workbook(path)
    ws = wb["申请表"]
    ws.unmerge_cells("B5:F5")
    ws["B5"] = None
    for ref, value in cells.items():
        ws[ref] = value
    wb.save(path)
    ex = extract(path.read_bytes(), "申请表.xlsx", CAMPAIGN)
    assert ex.form.fields["标杆名称"].value is None


def _columns_moved(ws, at: int, n: int) -> None:
    """``n`` columns inserted at column ``at`` as Excel does it — merged ranges right of it moved, a range across
    it stretched — but the defined names left where they were (openpyxl, POI, online editors)."""
    from openpyxl.worksheet.cell_range import CellRange

    merged = [CellRange(str(r)) for r in ws.merged_cells.ranges]
    for cells in merged:
        ws.unmerge_cells(cells.coord)
    ws.insert_cols(at, n)
    for cells in merged:
        first = cells.min_col + n if cells.min_col >= at else cells.min_col
        last = cells.max_col + n if cells.max_col >= at else cells.max_col
        ws.merge_cells(start_row=cells.min_row, end_row=cells.max_row, start_column=first, end_column=last)


@pytest.mark.parametrize("years", [(2016, 2017), (2017,)], ids=["two years before 2018", "one year before 2018"])
def test_year_columns_the_names_no_longer_point_at_are_read_under_their_years(tmp_path, make_form, years):
    """Columns for earlier years inserted before 2018 by a program that does not move the template's defined
    names: the 2018 name now points into the 2016 (or 2017) column. Each figure is read under the column its year
    heads — before, the 2016 figure was read as 2018's and 2020's was never read — with a warning that the form
    was read by its labels."""
    def edit(ws):
        _columns_moved(ws, 3, len(years))
        for i, year in enumerate(years):
            ws.cell(11, 3 + i, year)
            for r in range(12, 17):
                ws.cell(r, 3 + i, -1.0)  # (a loss: read as 2018's, it would be a wrong verdict too)

    ex = extract(_template_edited(tmp_path, make_form, edit), "申请表.xlsx", CAMPAIGN)
    good = extract(make_form(tmp_path / "good.xlsx").read_bytes(), "申请表.xlsx", CAMPAIGN)
    for key in _TEMPLATE_ROWS:
        assert {y: ex.form.yearly[key][y].value for y in (2018, 2019, 2020)} == {
            y: good.form.yearly[key][y].value for y in (2018, 2019, 2020)}, key
    assert ex.form.yearly["利润总额"][2018].location.endswith(f"{'CDEFG'[len(years)]}15")
    assert any(i.field == "申请表模板" and i.severity == "warning" for i in ex.issues)


def test_figures_that_look_like_years_are_no_year_headers(tmp_path, make_form, monkeypatch):
    """Figures between 1990 and 2100 (2,000 万元, 2,019 people) above a yearly row were taken for its column's year
    header: the form's fields read as astray, and the sound form read a second time by its labels (the review of
    583a96a). The header is looked for above the table's first row of figures only; the form is read by its names
    alone, as before, and its figures are as written."""
    from toolkit.extract import form as F

    path = make_form(tmp_path / "申请表.xlsx", 资产总额={2018: 2020.0, 2019: 1995.0, 2020: 2100.0},
                     主营业收入={2018: 2019.0, 2019: 2018.0, 2020: 1999.0}, 从业人员={2018: 2016, 2019: 2017, 2020: 2018})
    calls = []
    by_labels = F.form_by_labels
    monkeypatch.setattr(F, "form_by_labels", lambda *a, **k: calls.append(1) or by_labels(*a, **k))
    ex = extract(path.read_bytes(), "申请表.xlsx", CAMPAIGN)
    assert calls == [] and not ex.issues, ex.issues
    assert {y: ex.form.yearly["主营业收入"][y].value for y in (2018, 2019, 2020)} == {2018: 2019.0, 2019: 2018.0,
                                                                                   2020: 1999.0}
    assert ex.form.yearly["从业人员"][2020].value == 2018
