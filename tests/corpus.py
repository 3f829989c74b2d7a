"""A real-client corpus built in code: what enterprises really send.

- 申请表 in the enterprises' own layouts, written with openpyxl (not our template, no defined names):
  ``attachment`` (like 附件1, after a 填表说明 sheet), ``vertical`` (labels as a header row, years down
  rows), ``colon`` ('label：value' in one cell, spaced labels, synonyms), ``messy`` (numbers and phones as
  typed text, numbered labels, 其中：主营业务收入) and ``split`` (facts and yearly figures on two sheets).
- A Word 申请书 laid out like 附件1 (cover lines, the 申请表 table with merged cells, the 总结材料 after it).
- A Word 申请书 whose 申请表 is split in two tables.
- 总结材料 .docx variants: numbering 1. / 一、 / （一） / heading styles / bold lines / Word list numbering,
  headings with and without their limits, a typed table of contents, content in tables and text boxes,
  images, and a 总结材料 laid out as one big table.
- LibreOffice conversions of each (xlsx re-saved, xls, ods; doc, odt), done in batches with a private profile.
- Hostile and unreadable files.

Every builder returns the expected, normalised values so that tests compare what extraction found.
"""
from __future__ import annotations

import io
import os
import struct
import subprocess
import tempfile
import zipfile
import zlib
from dataclasses import dataclass, field
from pathlib import Path

from toolkit.extract.legacy import soffice_path
from toolkit.wordcount import count_words

YEARS = (2018, 2019, 2020)

EXCEL_LAYOUTS = ("attachment", "vertical", "colon", "messy", "split")
EXCEL_FORMATS = ("xlsx", "xlsx-lo", "xls", "ods")
DOC_NAMES = ("application", "application-split", "summary-dot", "summary-cn", "summary-paren", "summary-heading",
             "summary-bold", "summary-list", "summary-table")
DOC_FORMATS = ("docx", "doc", "odt")
LO_FORMATS = {"xlsx-lo", "xls", "ods", "doc", "odt"}

# soffice --convert-to targets: our format name -> (suffix, filter)
_LO_TARGETS = {
    "xlsx-lo": ("xlsx", "xlsx:Calc MS Excel 2007 XML"),
    "xls": ("xls", "xls:MS Excel 97"),
    "ods": ("ods", "ods:calc8"),
    "doc": ("doc", "doc:MS Word 97"),
    "odt": ("odt", "odt:writer8"),
}


# ---------------------------------------------------------------- expected values


@dataclass
class FormCase:
    """One 申请表 (or 申请书) file and what extraction must find in it."""

    name: str
    path: Path
    fields: dict = field(default_factory=dict)  # key -> expected normalised value (None = empty)
    yearly: dict = field(default_factory=dict)  # key -> {year: value}
    locations: dict = field(default_factory=dict)  # key or (key, year) -> 'sheet!A1' (Excel originals)
    kind: str = "form"
    sections: dict = field(default_factory=dict)  # 申请书: key -> (字数, images, tables)

    @property
    def expected_count(self) -> int:
        return len(self.fields) + sum(len(v) for v in self.yearly.values()) + len(self.sections)


@dataclass
class DocCase:
    """One 总结材料 and the sections extraction must find: key -> (字数, images, tables)."""

    name: str
    path: Path
    sections: dict
    kind: str = "summary"

    @property
    def expected_count(self) -> int:
        return len(self.sections)


def cell_ref(row: int, col: int) -> str:
    """1-based (row, col) -> 'A1'."""
    letters = ""
    while col:
        col, rem = divmod(col - 1, 26)
        letters = chr(65 + rem) + letters
    return f"{letters}{row}"


class _SheetWriter:
    """openpyxl sheet plus the expected values and where they were written."""

    def __init__(self, ws, case: FormCase):
        self.ws = ws
        self.case = case

    def put(self, row: int, col: int, value, *, to_col: int | None = None, to_row: int | None = None):
        self.ws.cell(row=row, column=col, value=value)
        if to_col or to_row:
            self.ws.merge_cells(start_row=row, start_column=col, end_row=to_row or row, end_column=to_col or col)

    def value(self, key: str, row: int, col: int, written, expected, *, year: int | None = None,
              to_col: int | None = None, loc: tuple[int, int] | None = None):
        """Write a field's value and record what extraction must return, and where."""
        if written is not None:
            self.put(row, col, written, to_col=to_col)
        elif to_col:
            self.ws.merge_cells(start_row=row, start_column=col, end_row=row, end_column=to_col)
        where = f"{self.ws.title}!{cell_ref(*(loc or (row, col)))}"
        if year is None:
            self.case.fields[key] = expected
            self.case.locations[key] = where
        else:
            self.case.yearly.setdefault(key, {})[year] = expected
            self.case.locations[(key, year)] = where


def _new_book():
    from openpyxl import Workbook

    wb = Workbook()
    return wb, wb.active


def _style(ws, widths: dict):
    for col, width in widths.items():
        ws.column_dimensions[col].width = width


ABSTRACT_A = ("公司自2016年起导入精益生产管理，以价值流分析为主线，建立“现场改善—标准作业—持续改进”三级推进体系，"
              "近三年产品一次合格率由98.2%提升到99.6%，生产周期缩短35%。")


def build_attachment(folder: Path) -> FormCase:
    """Like 附件1: title row, blank row, label column A, merged value cells, 基本情况 with years across."""
    case = FormCase("attachment", folder / "attachment-石家庄四药-申请表.xlsx")
    wb, notes = _new_book()
    notes.title = "填表说明"  # before the form, with 'label：hint' lines that must not be read as values
    for r, line in enumerate(["填表说明", "1. 申报单位：须与营业执照上的名称一致，并加盖公章。",
                              "2. 标杆名称：按（企业）+（典型方法技术）+（经验）命名，40字以内。",
                              "3. 联系人：填写负责申报工作的人员。", "4. 金额单位为万元，从业人员单位为人。"], start=1):
        notes.cell(row=r, column=1, value=line)
    ws = wb.create_sheet("申请表")
    wb.active = 1
    w = _SheetWriter(ws, case)
    _style(ws, {"A": 14, "B": 20, "C": 14, "D": 14, "E": 14, "F": 18})
    w.put(1, 1, "河北省工业企业质量标杆申请书", to_col=6)
    w.put(3, 1, "一、申请表")
    w.put(4, 1, "申报单位（盖章）")
    w.value("申报单位", 4, 2, "石家庄四药有限公司", "石家庄四药有限公司", to_col=6)
    w.put(5, 1, "所属行业")
    w.value("所属行业", 5, 2, "医药制造业", "医药制造业", to_col=3)
    w.put(5, 4, "所在地区")
    w.value("所在地区", 5, 5, "石家庄市", "石家庄市", to_col=6)
    w.put(6, 1, "标杆名称（40字以内）")
    w.value("标杆名称", 6, 2, "石家庄四药有限公司实施精益生产管理的经验", "石家庄四药有限公司实施精益生产管理的经验", to_col=6)
    w.put(7, 1, "   摘 要")
    w.value("摘要", 7, 2, ABSTRACT_A, ABSTRACT_A, to_col=6)
    w.put(8, 1, "*联系人")
    w.value("联系人", 8, 2, "王志强", "王志强")
    w.put(8, 3, "电话")
    w.value("电话", 8, 4, "0311-85321234", "0311-85321234")
    w.put(8, 5, "手机")
    w.value("手机", 8, 6, 13803112345, "13803112345")  # typed into a General cell: a number
    w.put(9, 1, "电子邮箱")
    w.value("电子邮箱", 9, 2, "wangzq@sz4y.com.cn", "wangzq@sz4y.com.cn", to_col=3)
    w.put(9, 4, "传真")
    w.value("传真", 9, 5, "0311-85321235", "0311-85321235", to_col=6)
    w.put(10, 1, "通讯地址")
    w.value("通讯地址", 10, 2, "石家庄市长安区中山东路288号", "石家庄市长安区中山东路288号", to_col=6)
    w.put(11, 1, "基本情况", to_row=16)
    w.put(11, 2, "         年度")
    for i, year in enumerate(YEARS):
        w.put(11, 3 + i, year)
    figures = [
        ("资产总额", "资产总额（万元）", (125000.5, 131200, 142356.78)),
        ("主营业收入", "主营业收入(万元）", (86500, 91230.4, 98765)),
        ("其他业务收入", "其他业务收入(万元）", (1200, 980.5, 1500)),
        ("利润总额", "利润总额（万元）", (9800.25, 10350, 11820)),
        ("从业人员", "从业人员（人）", (2860, 2915, 3020)),
    ]
    for j, (key, label, values) in enumerate(figures):
        r = 12 + j
        w.put(r, 2, label)
        for i, (year, v) in enumerate(zip(YEARS, values)):
            w.value(key, r, 3 + i, v, float(v), year=year)
    w.put(18, 1, "填表说明：1. 申报单位须与营业执照一致；2. 标杆名称按（企业）+（典型方法技术）+（经验）命名；"
                 "3. 金额单位为万元。", to_col=6)
    wb.save(case.path)
    return case


ABSTRACT_B = "以炼钢工序为突破口推行全面质量管理，构建质量数据平台，实现关键工序质量在线监控与追溯。"


def build_vertical(folder: Path) -> FormCase:
    """Labels as a header row with the values in the row below; years down rows."""
    case = FormCase("vertical", folder / "vertical-唐山钢铁-申请表.xlsx")
    wb, ws = _new_book()
    ws.title = "Sheet1"
    wb.create_sheet("Sheet2")
    wb.create_sheet("Sheet3")
    w = _SheetWriter(ws, case)
    w.put(1, 1, "2021年河北省工业企业质量标杆申请表", to_col=11)
    headers = ["*企业名称", "*所属行业", "*所在地区", "*质量标杆名称", "内容摘要（300字以内）", "*联系人", "联系电话",
               "手机号码", "*电子邮件", "传真号码", "*通信地址"]
    values = [
        ("申报单位", "唐山钢铁集团有限责任公司", "唐山钢铁集团有限责任公司"),
        ("所属行业", "黑色金属冶炼和压延加工业", "黑色金属冶炼和压延加工业"),
        ("所在地区", "唐山市", "唐山市"),
        ("标杆名称", "唐山钢铁集团有限责任公司推行全面质量管理的经验", "唐山钢铁集团有限责任公司推行全面质量管理的经验"),
        ("摘要", ABSTRACT_B, ABSTRACT_B),
        ("联系人", "赵红梅", "赵红梅"),
        ("电话", "0315-2701234", "0315-2701234"),
        ("手机", "13932512345", "13932512345"),
        ("电子邮箱", "zhaohm@tangsteel.com", "zhaohm@tangsteel.com"),
        ("传真", "0315-2701235", "0315-2701235"),
        ("通讯地址", "唐山市路北区滨河路9号", "唐山市路北区滨河路9号"),
    ]
    for c, (header, (key, written, expected)) in enumerate(zip(headers, values), start=1):
        w.put(3, c, header, to_row=4)  # header cells two rows high, values below them
        w.value(key, 5, c, written, expected)
    w.put(6, 1, "企业基本情况（近三年）")
    block = [("资产总额", "资产总额（万元）"), ("主营业收入", "主营业务收入（万元）"),
             ("其他业务收入", "其他业务收入（万元）"), ("利润总额", "利润总额（万元）"), ("从业人员", "从业人员（人）")]
    figures = {
        2018: (5630000, 4512300.5, 35600, 120345.6, 32100),
        2019: (5712000, 4633100, 36800.25, 132100, 31850),
        2020: (5890500.75, 4720500, 40100, 145230.5, 31500),
    }
    w.put(7, 1, "年度")
    for c, (_key, label) in enumerate(block, start=2):
        w.put(7, c, label)
    for r, year in enumerate(YEARS, start=8):
        w.put(r, 1, year)
        for c, ((key, _label), v) in enumerate(zip(block, figures[year]), start=2):
            w.value(key, r, c, v, float(v), year=year)
    _style(ws, {"A": 26, "D": 30, "E": 40, "K": 26})
    wb.save(case.path)
    return case


ABSTRACT_C = ("围绕客户需求开展质量功能展开（QFD），将顾客声音转化为设计和工艺要求，建立从订单评审、工艺设计到"
              "出厂检验的质量屋矩阵，新产品开发周期缩短30%，客户满意度连续三年保持在95分以上。")


def build_colon(folder: Path) -> FormCase:
    """'label：value' in one cell for some fields, labels with spaces, synonyms, years as '2018年'."""
    case = FormCase("colon", folder / "colon-敬业钢铁-申请表.xlsx")
    wb, ws = _new_book()
    ws.title = "质量标杆申请表"
    w = _SheetWriter(ws, case)
    _style(ws, {"A": 22, "B": 16, "C": 16, "D": 16, "E": 16, "F": 16})
    w.put(1, 1, "质量标杆申请表", to_col=6)
    w.put(2, 1, "企业名称：河北敬业钢铁有限公司", to_col=6)
    case.fields["申报单位"], case.locations["申报单位"] = "河北敬业钢铁有限公司", f"{ws.title}!A2"
    w.put(3, 1, "所属行业：黑色金属冶炼和压延加工业", to_col=3)
    case.fields["所属行业"], case.locations["所属行业"] = "黑色金属冶炼和压延加工业", f"{ws.title}!A3"
    w.put(3, 4, "所属地区：石家庄市", to_col=6)
    case.fields["所在地区"], case.locations["所在地区"] = "石家庄市", f"{ws.title}!D3"
    w.put(4, 1, "标杆名称")
    w.value("标杆名称", 4, 2, "河北敬业钢铁有限公司应用质量功能展开的经验", "河北敬业钢铁有限公司应用质量功能展开的经验",
            to_col=6)
    w.put(5, 1, f"摘    要：{ABSTRACT_C}", to_col=6)  # long text after the label in the same cell
    case.fields["摘要"], case.locations["摘要"] = ABSTRACT_C, f"{ws.title}!A5"
    w.put(6, 1, "联 系 人：李明", to_col=2)
    case.fields["联系人"], case.locations["联系人"] = "李明", f"{ws.title}!A6"
    w.put(6, 3, "电  话：0311-82345678", to_col=4)
    case.fields["电话"], case.locations["电话"] = "0311-82345678", f"{ws.title}!C6"
    w.put(6, 5, "联系手机：139 3311 2345", to_col=6)  # not a known label: the 手机 cell is inline below
    w.put(7, 1, "邮箱：liming@jingye.com", to_col=3)
    case.fields["电子邮箱"], case.locations["电子邮箱"] = "liming@jingye.com", f"{ws.title}!A7"
    w.put(7, 4, "传真：", to_col=6)  # left empty: the label cell itself is where to write it
    case.fields["传真"], case.locations["传真"] = None, f"{ws.title}!D7"
    w.put(8, 1, "手机号码：139 3311 2345", to_col=3)
    case.fields["手机"], case.locations["手机"] = "13933112345", f"{ws.title}!A8"
    w.put(8, 4, "通讯地址：石家庄市平山县南甸镇", to_col=6)
    case.fields["通讯地址"], case.locations["通讯地址"] = "石家庄市平山县南甸镇", f"{ws.title}!D8"
    w.put(10, 1, "主要经济指标", to_col=6)
    w.put(11, 1, "指标")
    for i, year in enumerate(YEARS):
        w.put(11, 2 + i, f"{year}年")
    block = [("资产总额", "资产总额(万元)", (3256000, 3380000.5, 3521000)),
             ("主营业收入", "主营业务收入（万元）", (6530000, 6812000, 7045000.8)),
             ("其他业务收入", "其它业务收入（万元）", (52000, 48600, 51230)),
             ("利润总额", "利润总额（万元）", (210500, 231800.6, 256300)),
             ("从业人员", "从业人员数（人）", (22800, 23150, 23400))]
    for j, (key, label, values) in enumerate(block):
        r = 12 + j
        w.put(r, 1, label)
        for i, (year, v) in enumerate(zip(YEARS, values)):
            w.value(key, r, 2 + i, v, float(v), year=year)
    wb.save(case.path)
    return case


ABSTRACT_D = "推行“一键追溯”质量管理，依托MES系统实现从铁矿石到成品卷的全流程数据贯通。"


def build_messy(folder: Path) -> FormCase:
    """Numbers and phones typed as text in every way people do; a hidden old sheet first."""
    case = FormCase("messy", folder / "messy-河钢集团-申请表.xlsx")
    wb, old = _new_book()
    old.title = "旧版"
    old["A1"] = "申报单位"
    old["B1"] = "旧企业名称（不应读取）"
    old["A2"] = "标杆名称"
    old["B2"] = "旧名称"
    old["A3"] = "联系人"
    old["B3"] = "旧联系人"
    old.sheet_state = "hidden"
    ws = wb.create_sheet("申请表 (2)")
    wb.active = 1
    w = _SheetWriter(ws, case)
    _style(ws, {"A": 10, "B": 10, "C": 20, "D": 14, "E": 18, "F": 18})
    w.put(1, 1, "附件1：河北省工业企业质量标杆申请表", to_col=6)
    w.put(2, 1, "填报单位（盖章）：                    填报日期：2021年9月8日", to_col=6)
    w.put(3, 1, "申报单位：", to_col=2)
    w.value("申报单位", 3, 3, "  河钢集团有限公司 ", "河钢集团有限公司", to_col=6)
    w.put(4, 1, "所属行业", to_col=2)
    w.value("所属行业", 4, 3, "C31 黑色金属冶炼和压延加工业", "C31 黑色金属冶炼和压延加工业", to_col=6)
    w.put(5, 1, "所在地区", to_col=2)
    w.value("所在地区", 5, 3, "邯郸市", "邯郸市", to_col=6)
    w.put(6, 1, "标杆名称", to_col=2)
    w.value("标杆名称", 6, 3, "河钢集团有限公司推行一键追溯质量管理的经验", "河钢集团有限公司推行一键追溯质量管理的经验",
            to_col=6)
    w.put(7, 1, "摘要", to_col=2)
    w.value("摘要", 7, 3, ABSTRACT_D, ABSTRACT_D, to_col=6)
    w.put(8, 1, "联系人", to_col=2)
    w.value("联系人", 8, 3, "张伟", "张伟")
    w.put(8, 4, "电  话")
    w.value("电话", 8, 5, "(0311) 8780 3218", "0311-87803218", to_col=6)
    w.put(9, 1, "手机", to_col=2)
    w.value("手机", 9, 3, "+86 150 0311 6043", "15003116043")
    w.put(9, 4, "传真")
    w.value("传真", 9, 5, "0311—87803219", "0311-87803219", to_col=6)
    w.put(10, 1, "电子邮箱", to_col=2)
    w.value("电子邮箱", 10, 3, "zhangwei＠hbisco.com", "zhangwei@hbisco.com", to_col=6)
    w.put(11, 1, "通讯地址", to_col=2)
    w.value("通讯地址", 11, 3, "石家庄市体育南大街385号", "石家庄市体育南大街385号", to_col=6)
    w.put(13, 1, "基本情况", to_col=2)
    w.put(13, 3, "2018年")
    w.put(13, 4, "2019年")
    w.put(13, 5, "2020年度")
    w.put(13, 6, "单位：万元、人")
    block = [
        ("资产总额", "1.资产总额\n（万元）", ("1,234,567.8", "1,301,200", "1,356,000.5"), (1234567.8, 1301200.0, 1356000.5)),
        (None, "2.营业收入(万元)", ("3,000万元", "3,087.5", "3,200.5"), (None, None, None)),
        ("主营业收入", "其中：主营业务收入(万元)", ("3000万元", "3,100", " 3200.5 "), (3000.0, 3100.0, 3200.5)),
        ("其他业务收入", "其他业务收入(万元)", ("—", "(12.5)", "０"), (None, -12.5, 0.0)),
        ("利润总额", "利润总额(万元)", ("１２３", "1,234.5", "456.7"), (123.0, 1234.5, 456.7)),
        ("从业人员", "从业人员\n(人)", ("1,050", "１０８０人", 1100), (1050.0, 1080.0, 1100.0)),
    ]
    for j, (key, label, written, expected) in enumerate(block):
        r = 14 + j
        w.put(r, 1, label, to_col=2)
        for i, (year, raw, exp) in enumerate(zip(YEARS, written, expected)):
            if key is None:
                w.put(r, 3 + i, raw)
            else:
                w.value(key, r, 3 + i, raw, exp, year=year)
    wb.save(case.path)
    return case


def build_split(folder: Path) -> FormCase:
    """Basic facts on one sheet (numbered labels), the yearly figures on another with a unit column."""
    case = FormCase("split", folder / "split-长城汽车-申请表.xlsx")
    wb, ws = _new_book()
    ws.title = "企业基本信息"
    w = _SheetWriter(ws, case)
    _style(ws, {"A": 18, "B": 50})
    w.put(1, 1, "一、企业基本信息", to_col=2)
    rows = [
        ("申报单位", "1、申报单位名称", "长城汽车股份有限公司", "长城汽车股份有限公司"),
        ("所属行业", "2、所属行业（大类）", "汽车制造业", "汽车制造业"),
        ("所在地区", "3、所在地区", "保定市", "保定市"),
        ("标杆名称", "4、质量标杆名称", "长城汽车股份有限公司实施质量链管理的经验", "长城汽车股份有限公司实施质量链管理的经验"),
        ("摘要", "5、摘要", "以质量链管理贯通研发、采购、制造和服务，整车百台缺陷数下降40%。",
         "以质量链管理贯通研发、采购、制造和服务，整车百台缺陷数下降40%。"),
        ("联系人", "6、联系人", "孙立新", "孙立新"),
        ("电话", "7、办公电话", "0312-2196543", "0312-2196543"),
        ("手机", "8、手机", "18603121234", "18603121234"),
        ("电子邮箱", "9、电子邮箱", "sunlx@gwm.cn", "sunlx@gwm.cn"),
        ("传真", "10、传真", None, None),
        ("通讯地址", "11、通讯地址", "保定市朝阳南大街2266号", "保定市朝阳南大街2266号"),
    ]
    for r, (key, label, written, expected) in enumerate(rows, start=2):
        w.put(r, 1, label)
        w.value(key, r, 2, written, expected)
    fin = wb.create_sheet("近三年经营情况")
    w = _SheetWriter(fin, case)
    w.put(1, 1, "二、近三年经营情况", to_col=5)
    for c, head in enumerate(["指标", "单位", "2018年", "2019年", "2020年"], start=1):
        w.put(2, c, head)
    block = [("资产总额", "资产总额", "万元", (9853200, 11254800.5, 15432100)),
             ("主营业收入", "主营业务收入", "万元", (9688500, 9394100, 10030800.25)),
             ("其他业务收入", "其他业务收入", "万元", (301200, 285600, 354000)),
             ("利润总额", "利润总额", "万元", (600100, 522500, 632400)),
             ("从业人员", "从业人员", "人", (63000, 59600, 62400))]
    for j, (key, label, unit, values) in enumerate(block):
        r = 3 + j
        w.put(r, 1, label)
        w.put(r, 2, unit)
        for i, (year, v) in enumerate(zip(YEARS, values)):
            w.value(key, r, 3 + i, v, float(v), year=year)
    notes = wb.create_sheet("填表说明")
    notes["A1"] = "联系人：请填写熟悉申报材料的人员；手机：请填写11位手机号。"
    wb.save(case.path)
    return case


EXCEL_BUILDERS = {"attachment": build_attachment, "vertical": build_vertical, "colon": build_colon,
                  "messy": build_messy, "split": build_split}


# ---------------------------------------------------------------- Word


def tiny_png(width: int = 2, height: int = 2) -> bytes:
    """A valid RGB PNG of the given size (red pixels)."""
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    raw = b"".join(b"\x00" + b"\xff\x00\x00" * width for _ in range(height))
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b""))


def _section(doc, rec, heading: str, key: str, texts, *, bold: bool = False) -> None:
    """A heading (a bold line or a plain numbered one) and its paragraphs, recorded as section ``key``."""
    if bold:
        _bold_paragraph(doc, heading)
    else:
        doc.add_paragraph(heading)
    rec.start(key)
    _body(doc, rec, texts)


def _body(doc, rec, texts) -> None:
    """Plain paragraphs of a section, recorded as its expected text."""
    for t in texts:
        doc.add_paragraph(t)
        rec.text(t)


def _bold_paragraph(doc, text: str, *, size: int | None = None):
    p = doc.add_paragraph()
    run = p.add_run(text)
    run.bold = True
    if size:
        from docx.shared import Pt

        run.font.size = Pt(size)
    return p


def _add_picture(doc):
    from docx.shared import Cm

    doc.add_picture(io.BytesIO(tiny_png()), width=Cm(3))


_TEXTBOX = """<w:r xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"
  xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006"
  xmlns:wp="http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing"
  xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main"
  xmlns:wps="http://schemas.microsoft.com/office/word/2010/wordprocessingShape"
  xmlns:v="urn:schemas-microsoft-com:vml">
<mc:AlternateContent><mc:Choice Requires="wps"><w:drawing>
<wp:anchor distT="0" distB="0" distL="114300" distR="114300" simplePos="0" relativeHeight="251659264"
  behindDoc="0" locked="0" layoutInCell="1" allowOverlap="1">
<wp:simplePos x="0" y="0"/><wp:positionH relativeFrom="column"><wp:posOffset>0</wp:posOffset></wp:positionH>
<wp:positionV relativeFrom="paragraph"><wp:posOffset>0</wp:posOffset></wp:positionV>
<wp:extent cx="5000000" cy="900000"/><wp:effectExtent l="0" t="0" r="0" b="0"/><wp:wrapTopAndBottom/>
<wp:docPr id="{id}" name="文本框 {id}"/><wp:cNvGraphicFramePr/>
<a:graphic><a:graphicData uri="http://schemas.microsoft.com/office/word/2010/wordprocessingShape">
<wps:wsp><wps:cNvSpPr txBox="1"/><wps:spPr><a:xfrm><a:off x="0" y="0"/><a:ext cx="5000000" cy="900000"/></a:xfrm>
<a:prstGeom prst="rect"><a:avLst/></a:prstGeom></wps:spPr>
<wps:txbx><w:txbxContent>{paras}</w:txbxContent></wps:txbx>
<wps:bodyPr rot="0" vert="horz" wrap="square" lIns="91440" tIns="45720" rIns="91440" bIns="45720" anchor="t"/>
</wps:wsp></a:graphicData></a:graphic></wp:anchor></w:drawing></mc:Choice>
<mc:Fallback><w:pict><v:shape id="TextBox{id}" type="#_x0000_t202" style="width:393.7pt;height:70.9pt">
<v:textbox><w:txbxContent>{paras}</w:txbxContent></v:textbox></v:shape></w:pict></mc:Fallback>
</mc:AlternateContent></w:r>"""


def add_textbox(paragraph, texts: list[str], shape_id: int) -> None:
    """A Word 2010+ text box (drawingML with a VML fallback, as Word writes it) anchored in ``paragraph``."""
    from xml.sax.saxutils import escape

    from docx.oxml import parse_xml

    paras = "".join(f"<w:p><w:r><w:t xml:space=\"preserve\">{escape(t)}</w:t></w:r></w:p>" for t in texts)
    paragraph._p.append(parse_xml(_TEXTBOX.replace("{paras}", paras).replace("{id}", str(shape_id))))


def _add_table(doc, rows: list[list[str]]):
    table = doc.add_table(rows=len(rows), cols=len(rows[0]))
    table.style = "Table Grid"
    for r, row in enumerate(rows):
        for c, text in enumerate(row):
            table.cell(r, c).text = text
    return table


class _SectionRecorder:
    """Expected 字数/images/tables per section while a document is written."""

    def __init__(self):
        self.sections: dict = {}
        self.current = None

    def start(self, key: str, inline: str = ""):
        self.current = key
        self.sections[key] = [count_words(inline), 0, 0]

    def text(self, *texts: str):
        for t in texts:
            self.sections[self.current][0] += count_words(t)

    def image(self, n: int = 1):
        self.sections[self.current][1] += n

    def table(self, rows: list[list[str]]):
        self.sections[self.current][2] += 1
        self.text(*(t for row in rows for t in row))

    def result(self) -> dict:
        return {k: tuple(v) for k, v in self.sections.items()}


# Section content shared by the documents (each document uses its own heading style).
CONTENT = {
    "摘要": ["公司以质量风险管理为主线，建立覆盖研发、采购、生产和销售的风险识别与控制体系。",
           "2020年产品抽检合格率100%，客户投诉率下降62%，相关经验获评河北省质量管理优秀成果。"],
    "企业概况": ["公司始建于1958年，是国家重点医药生产企业，现有员工4200人，占地面积86万平方米。",
             "主要产品包括抗生素原料药、制剂和生物制品，年销售收入98亿元。"],
    "推进": ["（一）建立质量风险管理组织", "成立由总经理任组长的质量风险管理领导小组，设立风险管理办公室。",
           "（二）开展风险识别与评估", "运用FMEA方法对32个关键工序开展风险评估，识别高风险项目15项。"],
    "效果": ["通过三年推进，产品一次合格率由97.5%提升到99.3%，质量损失率下降41%。",
           "经济效益方面，累计降低质量成本2860万元。"],
    "证实": ["1. 河北省质量管理优秀成果一等奖证书", "2. 发明专利证书（ZL 2019 1 0123456.7）"],
}
TABLE_ROWS = [["指标", "2018年", "2020年"], ["一次合格率", "97.5%", "99.3%"], ["质量损失率", "1.2%", "0.7%"]]


def _title(doc, text: str):
    doc.add_heading(text, level=0)


def build_summary_dot(folder: Path) -> DocCase:
    """Headings '1. 质量标杆名称（40字以内）' as plain paragraphs; a table in section 4."""
    from docx import Document

    rec = _SectionRecorder()
    doc = Document()
    _title(doc, "2021年河北省工业企业质量标杆总结材料")
    doc.add_paragraph("申报单位：华北制药集团有限责任公司")
    doc.add_paragraph("1. 质量标杆名称（40字以内）")
    rec.start("质量标杆名称")
    name = "华北制药集团有限责任公司实施质量风险管理的经验"
    doc.add_paragraph(name)
    rec.text(name)
    _section(doc, rec, "2. 摘要（500字以内）", "摘要", CONTENT["摘要"])
    _section(doc, rec, "3. 企业概况（500字以内）", "企业概况", CONTENT["企业概况"])
    _section(doc, rec, "4. 管理方法（技术）的推进和应用情况（8000字以内）", "管理方法（技术）的推进和应用情况", CONTENT["推进"])
    _add_table(doc, TABLE_ROWS)
    rec.table(TABLE_ROWS)
    _section(doc, rec, "5. 管理方法（技术）的实施效果（2000字以内）", "管理方法（技术）的实施效果", CONTENT["效果"])
    path = folder / "summary-dot-华北制药-总结材料.docx"
    doc.save(path)
    return DocCase("summary-dot", path, rec.result())


def build_summary_cn(folder: Path) -> DocCase:
    """Bold headings '一、质量标杆名称' without limits; 企业概况 written in a text box."""
    from docx import Document

    rec = _SectionRecorder()
    doc = Document()
    _bold_paragraph(doc, "河北敬业钢铁有限公司质量标杆总结材料", size=16)
    doc.add_paragraph("目  录")  # a table of contents typed by hand: the same headings, no content
    for line in ("一、质量标杆名称", "二、摘要", "三、企业概况", "四、管理方法（技术）的推进和应用情况",
                 "五、管理方法（技术）的实施效果", "六、证实性材料"):
        doc.add_paragraph(line)
    doc.add_paragraph("正  文")
    _bold_paragraph(doc, "一、质量标杆名称")
    rec.start("质量标杆名称")
    name = "河北敬业钢铁有限公司应用质量功能展开的经验"
    doc.add_paragraph(name)
    rec.text(name)
    _section(doc, rec, "二、摘要", "摘要", CONTENT["摘要"], bold=True)
    _bold_paragraph(doc, "三、企业概况")
    rec.start("企业概况")
    lead = "企业基本情况见下框。"
    p = doc.add_paragraph(lead)
    rec.text(lead)
    add_textbox(p, CONTENT["企业概况"], 1)
    rec.text(*CONTENT["企业概况"])
    _section(doc, rec, "四、管理方法（技术）的推进和应用情况", "管理方法（技术）的推进和应用情况", CONTENT["推进"], bold=True)
    _section(doc, rec, "五、管理方法（技术）的实施效果", "管理方法（技术）的实施效果", CONTENT["效果"], bold=True)
    _section(doc, rec, "六、证实性材料", "证实性材料", CONTENT["证实"], bold=True)
    path = folder / "summary-cn-敬业钢铁-总结材料.docx"
    doc.save(path)
    return DocCase("summary-cn", path, rec.result())


def build_summary_paren(folder: Path) -> DocCase:
    """'（一）质量标杆名称：…' with the name inline, synonyms, two images in 实施效果."""
    from docx import Document

    rec = _SectionRecorder()
    doc = Document()
    _title(doc, "总结材料")
    name = "唐山钢铁集团有限责任公司推行全面质量管理的经验"
    doc.add_paragraph(f"（一）质量标杆名称：{name}")
    rec.start("质量标杆名称", inline=name)
    _section(doc, rec, "（二）摘要（500字以内）", "摘要", CONTENT["摘要"])
    _section(doc, rec, "（三）企业概况（500字以内）", "企业概况", CONTENT["企业概况"])
    _section(doc, rec, "（四）管理方法的推进和应用情况", "管理方法（技术）的推进和应用情况", CONTENT["推进"])
    _section(doc, rec, "（五）管理方法的实施效果（2000字以内）", "管理方法（技术）的实施效果", CONTENT["效果"])
    _add_picture(doc)
    rec.image()
    caption = "图1 近三年一次合格率"
    doc.add_paragraph(caption)
    rec.text(caption)
    _add_picture(doc)
    rec.image()
    path = folder / "summary-paren-唐山钢铁-总结材料.docx"
    doc.save(path)
    return DocCase("summary-paren", path, rec.result())


def build_summary_heading(folder: Path) -> DocCase:
    """Heading 1 styles, no numbers, no limits; an image in 推进, a table in 实施效果, 证实性材料."""
    from docx import Document

    rec = _SectionRecorder()
    doc = Document()
    _title(doc, "石家庄四药有限公司总结材料")
    doc.add_paragraph("目录")
    for i, line in enumerate(("质量标杆名称", "摘要", "企业概况", "管理方法（技术）的推进和应用情况",
                              "管理方法（技术）的实施效果", "证实性材料"), start=1):
        doc.add_paragraph(f"{line}\t{i}")
    doc.add_heading("质量标杆名称", level=1)
    rec.start("质量标杆名称")
    name = "石家庄四药有限公司实施精益生产管理的经验"
    doc.add_paragraph(name)
    rec.text(name)
    doc.add_heading("摘要", level=1)
    rec.start("摘要")
    _body(doc, rec, CONTENT["摘要"])
    doc.add_heading("企业概况", level=1)
    rec.start("企业概况")
    _body(doc, rec, CONTENT["企业概况"])
    doc.add_heading("管理方法（技术）的推进和应用情况", level=1)
    rec.start("管理方法（技术）的推进和应用情况")
    for t in CONTENT["推进"][:2]:
        doc.add_paragraph(t)
        rec.text(t)
    _add_picture(doc)
    rec.image()
    for t in CONTENT["推进"][2:]:
        doc.add_heading(t, level=2) if t.startswith("（") else doc.add_paragraph(t)
        rec.text(t)
    doc.add_heading("管理方法（技术）的实施效果", level=1)
    rec.start("管理方法（技术）的实施效果")
    _body(doc, rec, CONTENT["效果"])
    _add_table(doc, TABLE_ROWS)
    rec.table(TABLE_ROWS)
    doc.add_heading("证实性材料", level=1)
    rec.start("证实性材料")
    _body(doc, rec, CONTENT["证实"])
    path = folder / "summary-heading-石家庄四药-总结材料.docx"
    doc.save(path)
    return DocCase("summary-heading", path, rec.result())


def build_summary_bold(folder: Path) -> DocCase:
    """Bold single-line headings without numbers, with and without limits, synonyms; bold sub-heads inside."""
    from docx import Document

    rec = _SectionRecorder()
    doc = Document()
    _bold_paragraph(doc, "河钢集团有限公司总结材料", size=18)
    _bold_paragraph(doc, "质量标杆名称（40字以内）")
    rec.start("质量标杆名称")
    name = "河钢集团有限公司推行一键追溯质量管理的经验"
    doc.add_paragraph(name)
    rec.text(name)
    _section(doc, rec, "摘要（500字以内）", "摘要", CONTENT["摘要"], bold=True)
    _section(doc, rec, "企业简介", "企业概况", CONTENT["企业概况"], bold=True)
    _bold_paragraph(doc, "管理技术的推进和应用情况（8000字以内）")
    rec.start("管理方法（技术）的推进和应用情况")
    for t in CONTENT["推进"]:
        if t.startswith("（"):
            _bold_paragraph(doc, t)
        else:
            doc.add_paragraph(t)
        rec.text(t)
    _section(doc, rec, "实施效果", "管理方法（技术）的实施效果", CONTENT["效果"], bold=True)
    path = folder / "summary-bold-河钢集团-总结材料.docx"
    doc.save(path)
    return DocCase("summary-bold", path, rec.result())


def build_summary_list(folder: Path) -> DocCase:
    """Headings numbered by Word itself (the 'List Number' style, numbering defined in the style), synonyms."""
    from docx import Document

    rec = _SectionRecorder()
    doc = Document()
    _title(doc, "长城汽车股份有限公司质量标杆总结材料")
    doc.add_paragraph("质量标杆名称（40字以内）", style="List Number")
    rec.start("质量标杆名称")
    name = "长城汽车股份有限公司实施质量链管理的经验"
    doc.add_paragraph(name)
    rec.text(name)
    doc.add_paragraph("摘要", style="List Number")
    rec.start("摘要")
    _body(doc, rec, CONTENT["摘要"])
    doc.add_paragraph("企业简介", style="List Number")
    rec.start("企业概况")
    _body(doc, rec, CONTENT["企业概况"])
    doc.add_paragraph("推进和应用情况", style="List Number")
    rec.start("管理方法（技术）的推进和应用情况")
    _body(doc, rec, CONTENT["推进"])
    doc.add_paragraph("实施效果", style="List Number")
    rec.start("管理方法（技术）的实施效果")
    _body(doc, rec, CONTENT["效果"])
    path = folder / "summary-list-长城汽车-总结材料.docx"
    doc.save(path)
    return DocCase("summary-list", path, rec.result())


def add_content_control(doc, texts: list[str]) -> None:
    """A block-level content control (w:sdt) holding paragraphs, as templates with fill-in boxes have.

    Not used in the LibreOffice matrix: LibreOffice 7 turns content controls into form fields whose
    text it duplicates when saving .doc, so such a .doc is not what Word users send.
    """
    from xml.sax.saxutils import escape

    from docx.oxml import parse_xml

    paras = "".join(f"<w:p><w:r><w:t>{escape(t)}</w:t></w:r></w:p>" for t in texts)
    sdt = parse_xml('<w:sdt xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">'
                    '<w:sdtPr><w:alias w:val="企业概况"/></w:sdtPr>'
                    f'<w:sdtContent>{paras}</w:sdtContent></w:sdt>')
    doc.element.body.insert(len(doc.element.body) - 1, sdt)  # before the final sectPr


def build_summary_table(folder: Path) -> DocCase:
    """The whole 总结材料 in one two-column table: headings on the left (or a full-width row above the content)."""
    from docx import Document

    rec = _SectionRecorder()
    doc = Document()
    _bold_paragraph(doc, "河北省工业企业质量标杆总结材料", size=16)
    doc.add_paragraph("申报单位：河北华药集团有限公司")
    table = doc.add_table(rows=7, cols=2)
    table.style = "Table Grid"

    def row(r, heading, key, texts, inline=None):
        table.cell(r, 0).text = heading
        cell = table.cell(r, 1)
        cell.text = texts[0]
        for t in texts[1:]:
            cell.add_paragraph(t)
        rec.start(key)
        rec.text(*texts)

    name = "河北华药集团有限公司实施质量风险管理的经验"
    row(0, "质量标杆名称（40字以内）", "质量标杆名称", [name])
    row(1, "摘要（500字以内）", "摘要", CONTENT["摘要"])
    row(2, "企业概况（500字以内）", "企业概况", CONTENT["企业概况"])
    head = _merge(table, 3, 0, 3, 1)
    head.text = "管理方法（技术）的推进和应用情况（8000字以内）"
    body = _merge(table, 4, 0, 4, 1)
    body.text = CONTENT["推进"][0]
    for t in CONTENT["推进"][1:]:
        body.add_paragraph(t)
    body.add_paragraph().add_run().add_picture(io.BytesIO(tiny_png()))
    rec.start("管理方法（技术）的推进和应用情况")
    rec.text(*CONTENT["推进"])
    rec.image()
    row(5, "管理方法（技术）的实施效果（2000字以内）", "管理方法（技术）的实施效果", CONTENT["效果"])
    row(6, "证实性材料（选择性提供）", "证实性材料", CONTENT["证实"])
    doc.add_paragraph()  # Word always ends a document with a paragraph (LibreOffice drops a final table without it)
    path = folder / "summary-table-华药集团-总结材料.docx"
    doc.save(path)
    return DocCase("summary-table", path, rec.result())


def _merge(table, r0, c0, r1, c1):
    return table.cell(r0, c0).merge(table.cell(r1, c1))


def build_application(folder: Path) -> FormCase:
    """A Word 申请书 laid out like 附件1: cover, 承诺书, the 申请表 table (merged cells), then 总结材料."""
    from docx import Document

    case = FormCase("application", folder / "application-华北制药-申请书.docx", kind="application-doc")
    doc = Document()
    title = doc.add_paragraph()
    title.add_run("河北省工业企业质量标杆申请书").bold = True
    name = "华北制药集团有限责任公司"
    bench = "华北制药集团有限责任公司实施质量风险管理的经验"
    for line in (f"申  请  单  位：{name}", f"标  杆  名  称：{bench}", "所  属  地  区：石家庄市",
                 "申  报  日  期：2021年9月10日"):
        doc.add_paragraph(line)
    doc.add_paragraph("承  诺  书")
    doc.add_paragraph("本企业愿意对此次关于2021年河北省工业企业质量标杆活动所提交的项目申报材料的真实性负责。")
    doc.add_paragraph("企业名称（公章）：")
    doc.add_paragraph("一、 申请表")
    table = doc.add_table(rows=13, cols=6)
    table.style = "Table Grid"
    fields = case.fields

    def label(r, c, text):
        table.cell(r, c).text = text

    def value(r, c, key, text, expected, to_c=None):
        cell = _merge(table, r, c, r, to_c) if to_c else table.cell(r, c)
        cell.text = text
        fields[key] = expected

    label(0, 0, "申报单位")
    value(0, 1, "申报单位", name, name, to_c=5)
    table.cell(0, 1).add_paragraph("（加盖公章）")
    label(1, 0, "所属行业")
    value(1, 1, "所属行业", "医药制造业", "医药制造业", to_c=2)
    label(1, 3, "所在地区")
    value(1, 4, "所在地区", "石家庄市", "石家庄市", to_c=5)
    label(2, 0, "标杆名称")
    value(2, 1, "标杆名称", bench, bench, to_c=5)
    label(3, 0, "   摘 要")
    value(3, 1, "摘要", CONTENT["摘要"][0], CONTENT["摘要"][0], to_c=5)
    label(4, 0, "联系人")
    value(4, 1, "联系人", "刘建华", "刘建华")
    label(4, 2, "电话")
    value(4, 3, "电话", "0311-85992345", "0311-85992345")
    label(4, 4, "手机")
    value(4, 5, "手机", "135 3312 6789", "13533126789")
    label(5, 0, "电子邮箱")
    value(5, 1, "电子邮箱", "liujh@ncpc.com", "liujh@ncpc.com", to_c=2)
    label(5, 3, "传真")
    value(5, 4, "传真", "0311-85992346", "0311-85992346", to_c=5)
    label(6, 0, "通讯地址")
    value(6, 1, "通讯地址", "石家庄市和平东路388号", "石家庄市和平东路388号", to_c=5)
    _merge(table, 7, 0, 12, 0).text = "基本情况"
    table.cell(7, 1).text = "         年度"
    for i, year in enumerate(YEARS):
        (_merge(table, 7, 4, 7, 5) if i == 2 else table.cell(7, 2 + i)).text = str(year)
    block = [("资产总额", "资产总额（万元）", ("2,356,000", "2,410,500.5", "2,498,000")),
             ("主营业收入", "主营业收入(万元）", ("1210000", "1285600", "1356000.8")),
             ("其他业务收入", "其他业务收入(万元）", ("23000", "21500", "25600")),
             ("利润总额", "利润总额（万元）", ("35600", "41200.5", "48900")),
             ("从业人员", "从业人员（人）", ("12500", "12380", "12260"))]
    for j, (key, text, values) in enumerate(block):
        r = 8 + j
        table.cell(r, 1).text = text
        for i, (year, v) in enumerate(zip(YEARS, values)):
            (_merge(table, r, 4, r, 5) if i == 2 else table.cell(r, 2 + i)).text = v
            case.yearly.setdefault(key, {})[year] = float(v.replace(",", ""))
    rec = _SectionRecorder()
    doc.add_paragraph("二、需提供的申报材料")
    doc.add_paragraph("（一）总结材料")
    doc.add_paragraph("1．质量标杆名称（40字以内）")
    rec.start("质量标杆名称")
    doc.add_paragraph(bench)
    rec.text(bench)
    _section(doc, rec, "二、摘要（500字以内）", "摘要", CONTENT["摘要"], bold=True)
    doc.add_heading("（三）企业概况", level=2)
    rec.start("企业概况")
    _body(doc, rec, CONTENT["企业概况"])
    _add_table(doc, TABLE_ROWS)
    rec.table(TABLE_ROWS)
    doc.add_heading("4 管理方法（技术）的推进和应用情况（8000字以内）", level=3)
    rec.start("管理方法（技术）的推进和应用情况")
    _body(doc, rec, CONTENT["推进"])
    _add_picture(doc)
    rec.image()
    _section(doc, rec, "5、管理方法（技术）的实施效果（2000字以内）", "管理方法（技术）的实施效果", CONTENT["效果"])
    _section(doc, rec, "（二）证实性材料内容（选择性提供）", "证实性材料", CONTENT["证实"])
    case.sections = rec.result()
    doc.save(case.path)
    return case


def build_application_split(folder: Path) -> FormCase:
    """A Word 申请书 whose 申请表 was split in two tables (contact facts, then 基本情况 with years across)."""
    from docx import Document

    case = FormCase("application-split", folder / "application-split-晨光生物-申请书.docx", kind="application-doc")
    doc = Document()
    _title(doc, "河北省工业企业质量标杆申请书")
    doc.add_paragraph("一、申请表")
    name = "晨光生物科技集团股份有限公司"
    bench = "晨光生物科技集团股份有限公司推行全员质量改进的经验"
    facts = [("申报单位", name, name), ("所属行业", "农副食品加工业", "农副食品加工业"), ("所在地区", "邯郸市", "邯郸市"),
             ("标杆名称", bench, bench), ("摘要", CONTENT["摘要"][1], CONTENT["摘要"][1]),
             ("联系人", "周丽", "周丽"), ("电话", "0310-4022345", "0310-4022345"), ("手机", "15831012345", "15831012345"),
             ("电子邮箱", "zhouli@chenguang.com.cn", "zhouli@chenguang.com.cn"), ("传真", "无", None),
             ("通讯地址", "邯郸市曲周县晨光路1号", "邯郸市曲周县晨光路1号")]
    table = doc.add_table(rows=len(facts), cols=2)
    table.style = "Table Grid"
    for r, (key, written, expected) in enumerate(facts):
        table.cell(r, 0).text = key
        table.cell(r, 1).text = written
        case.fields[key] = expected
    doc.add_paragraph("基本情况（单位：万元、人）")
    block = [("资产总额", "资产总额", ("856000", "923000.5", "1012000")),
             ("主营业收入", "主营业务收入", ("428000", "476500", "532100.4")),
             ("其他业务收入", "其他业务收入", ("5600", "6100", "6850")),
             ("利润总额", "利润总额", ("28600", "31200", "38400.5")),
             ("从业人员", "从业人员", ("3650", "3720", "3810"))]
    years = doc.add_table(rows=len(block) + 1, cols=4)
    years.style = "Table Grid"
    for i, head in enumerate(["项目", "2018年", "2019年", "2020年"]):
        years.cell(0, i).text = head
    for j, (key, label, values) in enumerate(block, start=1):
        years.cell(j, 0).text = label
        for i, (year, v) in enumerate(zip(YEARS, values), start=1):
            years.cell(j, i).text = v
            case.yearly.setdefault(key, {})[year] = float(v)
    rec = _SectionRecorder()
    doc.add_paragraph("二、总结材料")
    for heading, key, texts in (("（一）质量标杆名称", "质量标杆名称", [bench]),
                                ("（二）摘要", "摘要", CONTENT["摘要"]),
                                ("（三）企业概况", "企业概况", CONTENT["企业概况"]),
                                ("（四）管理方法（技术）的推进和应用情况", "管理方法（技术）的推进和应用情况", CONTENT["推进"]),
                                ("（五）管理方法（技术）的实施效果", "管理方法（技术）的实施效果", CONTENT["效果"])):
        _bold_paragraph(doc, heading)
        rec.start(key)
        for t in texts:
            doc.add_paragraph(t)
            rec.text(t)
    case.sections = rec.result()
    doc.save(case.path)
    return case


DOC_BUILDERS = {"application": build_application, "application-split": build_application_split,
                "summary-list": build_summary_list, "summary-table": build_summary_table, "summary-dot": build_summary_dot,
                "summary-cn": build_summary_cn, "summary-paren": build_summary_paren,
                "summary-heading": build_summary_heading, "summary-bold": build_summary_bold}


# ---------------------------------------------------------------- LibreOffice


def soffice_available() -> bool:
    return soffice_path() is not None


class LibreOffice:
    """soffice --headless with a private profile (so it never collides with a running office)."""

    def __init__(self, root: Path, *, timeout: int = 240):
        self.soffice = soffice_path()
        self.profile = root / "lo-profile"
        self.timeout = timeout

    def _run(self, args: list[str]) -> subprocess.CompletedProcess:
        cmd = [self.soffice, f"-env:UserInstallation={self.profile.as_uri()}", "--headless", "--invisible",
               "--norestore", "--nolockcheck", *args]
        env = {**os.environ, "HOME": str(self.profile.parent)}
        return subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=self.timeout,
                              check=False, env=env)

    def convert(self, sources: list[Path], fmt: str, out_dir: Path) -> dict:
        """Convert ``sources`` in one soffice call; return {source: converted path} for those converted."""
        suffix, filt = _LO_TARGETS[fmt]
        out_dir.mkdir(parents=True, exist_ok=True)
        if sources:
            self._run(["--convert-to", filt, "--outdir", str(out_dir), *map(str, sources)])
        out = {}
        for src in sources:
            target = out_dir / f"{src.stem}.{suffix}"
            if target.exists() and target.stat().st_size:
                out[src] = target
        return out

    def save_with_password(self, source: Path, target: Path, *, filter_name: str = "MS Excel 97",
                           password: str = "123") -> bool:
        """Save ``source`` password-protected through a Basic macro in the private profile."""
        module = self.profile / "user" / "basic" / "Standard" / "Module1.xba"
        if not module.exists():
            return False
        module.write_text(_ENCRYPT_MACRO.replace("{filter}", filter_name).replace("{password}", password),
                          encoding="utf-8")
        self._run([f'macro:///Standard.Module1.SaveEncrypted("{source}","{target}")'])
        return target.exists() and target.stat().st_size > 0


_ENCRYPT_MACRO = """<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE script:module PUBLIC "-//OpenOffice.org//DTD OfficeDocument 1.0//EN" "module.dtd">
<script:module xmlns:script="http://openoffice.org/2000/script" script:name="Module1" script:language="StarBasic">
Sub SaveEncrypted(src As String, dst As String)
  Dim load(0) As New com.sun.star.beans.PropertyValue
  load(0).Name = &quot;Hidden&quot;
  load(0).Value = True
  doc = StarDesktop.loadComponentFromURL(ConvertToURL(src), &quot;_blank&quot;, 0, load())
  Dim store(1) As New com.sun.star.beans.PropertyValue
  store(0).Name = &quot;FilterName&quot;
  store(0).Value = &quot;{filter}&quot;
  store(1).Name = &quot;Password&quot;
  store(1).Value = &quot;{password}&quot;
  doc.storeToURL(ConvertToURL(dst), store())
  doc.close(True)
End Sub
</script:module>
"""


# ---------------------------------------------------------------- the corpus


@dataclass
class Corpus:
    root: Path
    forms: dict  # (layout, fmt) -> FormCase
    docs: dict  # (name, fmt) -> FormCase | DocCase
    hostile: dict  # name -> (path, expected code)
    lo_error: str = ""


def _with_path(case, path: Path):
    from dataclasses import replace

    return replace(case, path=path)


def build_corpus(root: Path, *, libreoffice: bool = True) -> Corpus:
    """Write every corpus file under ``root``; LibreOffice conversions only when ``libreoffice``."""
    originals = root / "originals"
    originals.mkdir(parents=True, exist_ok=True)
    forms = {(layout, "xlsx"): EXCEL_BUILDERS[layout](originals) for layout in EXCEL_LAYOUTS}
    docs = {(name, "docx"): DOC_BUILDERS[name](originals) for name in DOC_NAMES}
    hostile = build_hostile(root / "hostile")
    corpus = Corpus(root=root, forms=forms, docs=docs, hostile=hostile)
    if libreoffice and soffice_available():
        lo = LibreOffice(root)
        try:
            for fmt in ("xlsx-lo", "xls", "ods"):
                sources = {forms[(layout, "xlsx")].path: layout for layout in EXCEL_LAYOUTS}
                done = lo.convert(list(sources), fmt, root / fmt)
                for src, out in done.items():
                    forms[(sources[src], fmt)] = _with_path(forms[(sources[src], "xlsx")], out)
            for fmt in ("doc", "odt"):
                sources = {docs[(name, "docx")].path: name for name in DOC_NAMES}
                done = lo.convert(list(sources), fmt, root / fmt)
                for src, out in done.items():
                    docs[(sources[src], fmt)] = _with_path(docs[(sources[src], "docx")], out)
            encrypted = root / "hostile" / "加密-申请表.xls"
            if lo.save_with_password(forms[("attachment", "xlsx")].path, encrypted):
                hostile[encrypted.name] = (encrypted, "file.encrypted")
            encrypted = root / "hostile" / "加密-总结材料.doc"
            if lo.save_with_password(docs[("summary-dot", "docx")].path, encrypted, filter_name="MS Word 97"):
                hostile[encrypted.name] = (encrypted, "file.encrypted")
        except (OSError, subprocess.SubprocessError) as exc:
            corpus.lo_error = f"{type(exc).__name__}: {exc}"
    return corpus


# ---------------------------------------------------------------- hostile and unreadable files


_CONTENT_TYPES_DOCX = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
                       '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
                       '<Default Extension="xml" ContentType="application/xml"/>'
                       '<Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-'
                       'officedocument.wordprocessingml.document.main+xml"/></Types>')
_LAUGHS = ('<?xml version="1.0" encoding="UTF-8"?>\n'
           '<!DOCTYPE lolz [<!ENTITY lol "lol">'
           + "".join(f'<!ENTITY lol{i} "{("&lol" + (str(i - 1) if i > 1 else "") + ";") * 10}">' for i in range(1, 10))
           + ']>\n<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">'
             '<w:body><w:p><w:r><w:t>&lol9;</w:t></w:r></w:p></w:body></w:document>')


def fake_encrypted_ooxml() -> bytes:
    """An OLE compound file holding the streams of an encrypted .xlsx (as sniff.py detects it)."""
    names = b"".join(n.encode("utf-16-le").ljust(64, b"\x00") for n in ("Root Entry", "EncryptionInfo",
                                                                         "EncryptedPackage"))
    return b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 504 + names + os.urandom(2048)


def build_hostile(folder: Path) -> dict:
    """name -> (path, expected file-level issue code)."""
    folder.mkdir(parents=True, exist_ok=True)
    out = {}
    good_xlsx = io.BytesIO()
    from openpyxl import Workbook

    wb = Workbook()
    wb.active["A1"] = "申报单位"
    wb.active["B1"] = "某公司"
    wb.save(good_xlsx)
    data = good_xlsx.getvalue()

    def write(name: str, content: bytes, code: str):
        path = folder / name
        path.write_bytes(content)
        out[name] = (path, code)

    write("空文件-申请表.xlsx", b"", "file.unreadable")
    write("截断-申请表.xlsx", data[: len(data) // 2], "file.unreadable")
    write("乱码-总结材料.docx", bytes((i * 197 + 13) % 256 for i in range(4096)), "file.unreadable")
    zip_buf = io.BytesIO()
    with zipfile.ZipFile(zip_buf, "w") as zf:
        zf.writestr("照片/说明.txt", "这是一个普通压缩包")
    write("不是表格-申请表.xlsx", zip_buf.getvalue(), "file.unreadable")
    write("材料打包.zip", zip_buf.getvalue(), "file.unsupported")
    write("网页-申请书.doc", "<!DOCTYPE html><html><head><meta charset=\"utf-8\"><title>404</title></head>"
                          "<body><h1>页面不存在</h1></body></html>".encode("utf-8"), "file.unsupported")
    write("加密-申请表.xlsx", fake_encrypted_ooxml(), "file.encrypted")
    # zip bomb: one member that inflates to 160 MB with a ratio of about 1000
    bomb = folder / "炸弹-申请表.xlsx"
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("[Content_Types].xml", "<Types/>")
        zf.writestr("xl/workbook.xml", "<workbook/>")
        with zf.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as member:
            chunk = b"\x00" * (1 << 20)
            for _ in range(160):
                member.write(chunk)
    out[bomb.name] = (bomb, "file.unreadable")
    write("实体炸弹-总结材料.docx", _zip_bytes({"[Content_Types].xml": _CONTENT_TYPES_DOCX,
                                              "word/document.xml": _LAUGHS}), "file.unreadable")
    sheet_laughs = _LAUGHS.replace("w:document", "worksheet").replace(
        "<w:body><w:p><w:r><w:t>&lol9;</w:t></w:r></w:p></w:body>",
        '<sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>&lol9;</t></is></c></row></sheetData>')
    write("实体炸弹-申请表.xlsx", _replace_member(data, "xl/worksheets/sheet1.xml", sheet_laughs), "file.unreadable")
    write("实体炸弹2-申请表.xlsx", _replace_member(data, "xl/workbook.xml", _LAUGHS), "file.unreadable")
    late = "<!--" + "填充" * 3000 + "-->\n"
    write("实体炸弹2-总结材料.docx", _zip_bytes({"[Content_Types].xml": _CONTENT_TYPES_DOCX,
                                               "word/document.xml": _LAUGHS.replace("\n", "\n" + late, 1)}),
          "file.unreadable")
    return out


def _replace_member(data: bytes, member: str, content: str) -> bytes:
    """The zip ``data`` with one member's content replaced."""
    src = zipfile.ZipFile(io.BytesIO(data))
    return _zip_bytes({name: (content if name == member else src.read(name)) for name in src.namelist()})


def _zip_bytes(members: dict) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in members.items():
            zf.writestr(name, data)
    return buf.getvalue()


def build_to_tempdir() -> Corpus:
    """Build the whole corpus in a new temporary folder (for trying it by hand)."""
    return build_corpus(Path(tempfile.mkdtemp(prefix="zlbg-corpus-")))


__all__ = ["EXCEL_LAYOUTS", "EXCEL_FORMATS", "DOC_NAMES", "DOC_FORMATS", "LO_FORMATS", "YEARS", "Corpus",
           "FormCase", "DocCase", "build_corpus", "build_hostile", "soffice_available", "tiny_png", "LibreOffice"]


# ---------------------------------------------------------------- comparing what extraction found


def _close(got, want) -> bool:
    if isinstance(want, float) and isinstance(got, (int, float)) and not isinstance(got, bool):
        return abs(got - want) <= 1e-6 * max(1.0, abs(want))
    return got == want


def compare_form(case: FormCase, extracted, *, exact_locations: bool) -> tuple[list[str], int]:
    """(problems, number of expected values found equal and with a location)."""
    problems: list[str] = []
    ok = 0
    if extracted.kind != case.kind:
        problems.append(f"识别为 {extracted.kind}，应为 {case.kind}（{[i.message for i in extracted.issues]}）")
    form = extracted.form
    if form is None:
        return problems + ["未读取到申请表"], 0
    wanted = [(key, None, want) for key, want in case.fields.items()]
    wanted += [(key, year, want) for key, per in case.yearly.items() for year, want in per.items()]
    for key, year, want in wanted:
        value = form.fields.get(key) if year is None else form.yearly.get(key, {}).get(year)
        name = key if year is None else f"{key}[{year}]"
        got = None if value is None else value.value
        if value is None or not _close(got, want):
            problems.append(f"{name}: 读到 {got!r}，应为 {want!r}" + (f"（{value.location}）" if value else ""))
            continue
        where = case.locations.get(key if year is None else (key, year))
        if not value.location:
            problems.append(f"{name}: 没有位置")
        elif exact_locations and where and value.location != where:
            problems.append(f"{name}: 位置 {value.location}，应为 {where}")
        elif not exact_locations and case.kind == "application-doc" and "表格" not in value.location:
            problems.append(f"{name}: 位置 {value.location} 不是表格单元格")
        else:
            ok += 1
    if case.sections:
        more, found = compare_sections(case.sections, extracted.summary)
        problems += more
        ok += found
    return problems, ok


def compare_sections(expected: dict, summary) -> tuple[list[str], int]:
    """Sections: key -> (字数, images, tables) as expected; no section found that should not be."""
    if summary is None:
        return ["未读取到总结材料章节"], 0
    problems: list[str] = []
    ok = 0
    for key, want in expected.items():
        section = summary.sections.get(key)
        if section is None:
            problems.append(f"章节“{key}”未找到")
            continue
        got = (section.chars, section.images, section.tables)
        if got != tuple(want):
            problems.append(f"章节“{key}”: (字数, 图片, 表格) = {got}，应为 {tuple(want)}；正文：{section.text[:200]!r}")
        elif not section.location:
            problems.append(f"章节“{key}”: 没有位置")
        else:
            ok += 1
    extra = sorted(set(summary.sections) - set(expected))
    if extra:
        problems.append(f"多出章节：{extra}")
    return problems, ok
