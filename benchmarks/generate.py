"""Synthetic inboxes for benchmarks/bench_batch.py: N application pairs (申请表 + 总结材料) over the campaign's units.

Each application is planned in the parent process (unique enterprise name, unit, layout, receipt time) and
written by a process pool. The 申请表 comes in one of these layouts:

- ``template``      the official form, written by toolkit.render.forms.write_form (defined names);
- ``retyped``       re-typed by an enterprise with openpyxl: a merged title row, labels in column A, values in B
                    (merged B:E), synonyms for labels, years across a header row;
- ``vertical``      labels as a header row with the values below, years down the rows;
- ``xls-retyped``,  the two layouts above as Excel 97-2003 .xls. LibreOffice converts one template per layout
  ``xls-vertical``  once (cached on disk); each application's .xls is that template with its enterprise name,
                    region and money figures substituted byte for byte (same-length UTF-16 strings, 8-byte
                    doubles), so the enterprise name of an .xls application always has 12 characters, its
                    region 3 and its trade is steel. An .xls position in a city whose region has another length
                    (石家庄市, 张家口市, 秦皇岛市, 雄安新区), and every .xls position when LibreOffice is absent,
                    gets the .xlsx layout instead (at N=1,000: 7.5 % .xls).

The 总结材料 (.docx) has the five sections at about 11,000 characters (摘要 and 企业概况 about 480 characters,
推进和应用情况 about 7,900, 实施效果 about 1,950, each under its 字数 limit), headings in one of
six styles (the official template, 一、 bold lines, 1. plain lines, （一） with the name inline, Word heading
styles, bold lines without numbers) and, except in the template style, one or two tables. The template style
is toolkit.render.forms.write_summary; the others are WordprocessingML (the XML python-docx writes for
paragraphs, headings, bold runs and tables) put into a blank python-docx package, to keep generation short.

Figures are plausible: revenue 3,000-90,000 万元, profit 4-12 % of it (always > 0).
"""
from __future__ import annotations

import datetime as dt
import hashlib
import io
import os
import random
import shutil
import struct
import subprocess
import tempfile
import time
import zipfile
from collections import Counter
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from xml.sax.saxutils import escape

from toolkit.demo import yearly_figures  # noqa: E402
from toolkit.campaign import Campaign, load_campaign
from toolkit.render.forms import write_form, write_summary

# 20 positions, repeated: 55 % template, 20 % retyped, 15 % vertical, 10 % .xls (when possible). The first
# six positions hold every layout, so a run of six applications exercises all of them.
FORM_LAYOUT_CYCLE = ("template", "retyped", "vertical", "xls-retyped", "template", "xls-vertical",
                     "template", "retyped", "template", "vertical", "template", "template", "retyped",
                     "template", "vertical", "template", "retyped", "template", "template", "template")
XLS_FALLBACK = {"xls-retyped": "retyped", "xls-vertical": "vertical"}
SUMMARY_STYLES = ("template", "chinese-numbers", "arabic-numbers", "parenthesised", "heading-styles", "bold-lines")

FIRST_WORDS = ("华信", "恒泰", "宏达", "精诚", "瑞丰", "冀东", "中诚", "鼎盛", "新元", "隆基", "天威", "博远", "同创",
               "盛华", "金石", "长城", "燕赵", "太行", "渤海", "德隆", "凯盛", "永安", "嘉禾", "晨光", "远航", "明泰")
SECOND_WORDS = ("中元", "恒信", "兴业", "宏图", "华通", "科达", "正泰", "联创", "建元", "广汇", "海川", "金桥", "安泰",
                "丰源", "泰和", "荣盛", "通达", "众诚", "创新", "立德", "万方", "升华", "利民", "东方", "北辰", "天成",
                "华美", "信达", "弘毅", "振兴", "同力", "卓越", "启明", "润泽", "九州", "新兴", "康达", "永盛", "安达",
                "佳和")
TRADES = {"精密机械": "C34 通用设备制造业", "钢铁": "C31 黑色金属冶炼和压延加工业", "药业": "C27 医药制造业",
          "食品": "C14 食品制造业", "化工": "C26 化学原料和化学制品制造业", "汽车零部件": "C36 汽车制造业",
          "电子科技": "C39 计算机、通信和其他电子设备制造业", "纺织": "C17 纺织业", "玻璃": "C30 非金属矿物制品业",
          "电气": "C38 电气机械和器材制造业", "软件": "I65 软件和信息技术服务业", "装备": "C35 专用设备制造业",
          "仪表": "C40 仪器仪表制造业", "塑胶": "C29 橡胶和塑料制品业", "造纸": "C22 造纸和纸制品业"}
UNIT_TRADES = {"河北省冶金行业协会": ("钢铁",), "河北省建筑材料工业协会": ("玻璃",), "河北省石油和化学工业协会": ("化工",),
               "河北省机械行业协会": ("精密机械", "装备"), "河北省纺织与服装行业协会": ("纺织",),
               "河北省食品工业协会": ("食品",), "河北省轻工行业协会": ("造纸", "塑胶"), "河北省医药行业协会": ("药业",),
               "河北省信息产业与信息化协会": ("软件", "电子科技")}
METHODS = ("六西格玛设计", "精益生产管理", "卓越绩效模式", "全面质量管理", "质量功能展开", "数字化质量追溯",
           "统计过程控制", "全员生产维护", "QC小组活动", "零缺陷管理", "失效模式与影响分析", "质量成本管理",
           "可靠性工程", "供应链质量协同", "工业互联网质量管控", "首席质量官制度")
CONTACTS = ("张伟", "王芳", "李娜", "刘洋", "陈静", "赵磊", "孙丽", "周强", "吴敏", "郑浩")
AREA_CODES = {"石家庄市": "0311", "唐山市": "0315", "秦皇岛市": "0335", "邯郸市": "0310", "邢台市": "0319",
              "保定市": "0312", "张家口市": "0313", "承德市": "0314", "沧州市": "0317", "廊坊市": "0316",
              "衡水市": "0318", "定州市": "0312", "辛集市": "0311", "雄安新区": "0312"}
RECEIPT_START = dt.datetime(2021, 8, 20, 9, 0, tzinfo=dt.timezone(dt.timedelta(hours=8)))
RECEIPT_SPAN = dt.timedelta(days=30)

# .xls templates: placeholders replaced byte for byte in each copy
XLS_TRADE = "钢铁"
XLS_METHOD = "全面质量管理"
XLS_ENTERPRISE_TOKEN = "甲乙丙丁戊己庚辛壬癸子丑"  # 12 characters, as every .xls application's enterprise name
XLS_REGION_TOKEN = "寅卯辰"  # 3 characters, as 唐山市
XLS_TEMPLATE_VERSION = "1"
SECTION_TARGETS = {"摘要": 495, "企业概况": 495, "管理方法（技术）的推进和应用情况": 7950, "管理方法（技术）的实施效果": 1990}
MONEY_FIELDS = ("资产总额", "主营业收入", "其他业务收入", "利润总额")


def count_words(text: str) -> int:
    """An upper bound of Word's 字数: every non-space character counts 1 (Word counts a run of Latin letters or
    digits as 1), so text kept under a limit by this count is under it as Word counts too."""
    return len("".join(text.split()))


@dataclass(frozen=True)
class PlannedApplication:
    """One application to write: who, where in the inbox, in which layout, received when."""

    index: int
    unit: str
    folder: str  # inbox-relative folder of both files
    enterprise: str
    region: str
    industry: str
    trade: str
    method: str
    form_layout: str
    summary_style: str
    rank_prefix: str  # '' or e.g. '3-'
    received: float  # epoch seconds, given to both files as their modification time

    @property
    def benchmark_name(self) -> str:
        return f"{self.enterprise}实施{self.method}的经验"

    @property
    def form_name(self) -> str:
        suffix = ".xls" if self.form_layout.startswith("xls-") else ".xlsx"
        return f"{self.rank_prefix}{self.enterprise}-申请表{suffix}"

    @property
    def summary_name(self) -> str:
        return f"{self.rank_prefix}{self.enterprise}-总结材料.docx"


@dataclass
class GeneratedInbox:
    """What generate_inbox wrote and where the benchmark's later phases take their files from."""

    inbox: Path
    applications: list[PlannedApplication]
    extras: list[PlannedApplication]  # the pairs the 'one added' phase copies in, one a run
    extras_files: list[list[Path]]  # their files: staging/added/<k>/ + each file's relative path in the inbox
    changed: PlannedApplication  # the application whose 总结材料 the 'one changed' phase replaces
    replacement_summary: Path  # the different, valid 总结材料 for it (staging folder)
    seconds: float = 0.0
    xls_templates_seconds: float = 0.0
    xls_note: str = ""
    form_layouts: dict = field(default_factory=dict)
    summary_styles: dict = field(default_factory=dict)
    files: int = 0
    bytes: int = 0


# ---------------------------------------------------------------- planning

def _place(region: str) -> str:
    return region[:-1] if region.endswith("市") else region[:2]


def _unit_region(unit_name: str, campaign: Campaign) -> str | None:
    for region in campaign.regions:
        if unit_name.startswith(_place(region)):
            return region
    return None


def _folder_of(unit, u_index: int) -> str:
    """Every fourth unit's folder is named by an alias, as units name their own folders."""
    return unit.aliases[0] if u_index % 4 == 1 and unit.aliases else unit.name


def _unit_cycle(campaign: Campaign) -> list[int]:
    """Unit indexes in the order applications are dealt: cities and associations alternating, then the cities
    again (a city receives twice as many applications as an association)."""
    cities = [i for i, u in enumerate(campaign.units) if u.kind == "city"]
    others = [i for i, u in enumerate(campaign.units) if u.kind != "city"]
    cycle = []
    for i in range(max(len(cities), len(others))):
        cycle.extend(cities[i:i + 1] + others[i:i + 1])
    return cycle + cities


def plan_applications(n: int, campaign: Campaign, *, xls_possible: bool, seed: int = 2021,
                      spread: int | None = None) -> list[PlannedApplication]:
    """``n`` applications with unique enterprise names, spread over every unit of ``campaign``, received one after
    another over RECEIPT_SPAN as if there were ``spread`` (default ``n``) — the first ones are the same plans,
    whatever ``n`` (the later ones only add to the random draws).

    Units whose index is divisible by 3 give their order by file-name prefixes ('1-', '2-', ...); every fifth
    unit puts each enterprise in a sub-folder of its own; the others leave the order to receipt time.
    """
    rng = random.Random(seed)
    units = campaign.units
    cycle = _unit_cycle(campaign)
    three_char_regions = [r for r in campaign.regions if len(r) == 3]
    used: set[str] = set()
    per_unit: Counter = Counter()
    plans = []
    for i in range(n):
        u_index = cycle[i % len(cycle)]
        unit = units[u_index]
        layout = FORM_LAYOUT_CYCLE[i % len(FORM_LAYOUT_CYCLE)]
        home = _unit_region(unit.name, campaign)
        if layout.startswith("xls-") and (not xls_possible or (home is not None and len(home) != 3)):
            layout = XLS_FALLBACK[layout]
        if layout.startswith("xls-"):
            region = home or rng.choice(three_char_regions)
            trade, method = XLS_TRADE, XLS_METHOD
        else:
            region = home or rng.choice(campaign.regions)
            trade = rng.choice(UNIT_TRADES.get(unit.name) or tuple(TRADES))
            method = rng.choice(METHODS)
        while True:
            enterprise = f"{_place(region)}{rng.choice(FIRST_WORDS)}{rng.choice(SECOND_WORDS)}{trade}有限公司"
            if enterprise not in used:
                break
        used.add(enterprise)
        per_unit[u_index] += 1
        folder = _folder_of(unit, u_index)
        if u_index % 5 == 2:
            folder = f"{folder}/{enterprise}"
        received = RECEIPT_START + RECEIPT_SPAN * (i / max(spread or n, 1))
        plans.append(PlannedApplication(
            index=i, unit=unit.name, folder=folder, enterprise=enterprise, region=region, industry=TRADES[trade],
            trade=trade, method=method, form_layout=layout,
            summary_style=SUMMARY_STYLES[(i * 5 + i // len(SUMMARY_STYLES)) % len(SUMMARY_STYLES)],
            rank_prefix=f"{per_unit[u_index]}-" if u_index % 3 == 0 else "", received=received.timestamp()))
    return plans


# ---------------------------------------------------------------- 申请表

def form_values(plan: PlannedApplication) -> dict:
    """Field key -> value and yearly key -> {year: value}, as toolkit.render.forms.write_form takes them."""
    rng = random.Random(plan.index * 7919 + 17)
    revenue = rng.uniform(3000, 90000)
    employees = rng.randint(150, 2500)
    area = AREA_CODES.get(plan.region, "0311")
    values = {"申报单位": plan.enterprise, "所属行业": plan.industry, "所在地区": plan.region,
              "标杆名称": plan.benchmark_name,
              "摘要": f"{plan.enterprise}以{plan.method}为主线，建立覆盖研发、采购、制造和服务全过程的质量管理体系，"
                    f"一次交检合格率提高{rng.randint(3, 9)}个百分点，质量损失率下降{rng.randint(20, 45)}%。",
              "联系人": rng.choice(CONTACTS), "电话": f"{area}-{rng.randint(60000000, 89999999)}",
              "手机": f"1{rng.choice('3589')}{rng.randint(100000000, 999999999)}",
              "电子邮箱": f"zlbg{plan.index}@{rng.choice(['163.com', 'qq.com', 'sina.com'])}", "传真": "",
              "通讯地址": f"河北省{plan.region}{rng.choice(['高新区', '经开区', '工业园区'])}{rng.randint(1, 300)}号"}
    values.update(yearly_figures(rng, revenue, employees))
    return values


_TITLE = "2021年河北省工业企业质量标杆申请表"
_RETYPED_LABELS = (  # (key, label variants) for column A of the re-typed form
    ("申报单位", ("企业名称", "申报单位", "申报单位名称")), ("所属行业", ("所属行业", "行业类别")),
    ("所在地区", ("所在地区", "所属地区")), ("标杆名称", ("质量标杆名称", "标杆名称")), ("摘要", ("内容摘要", "摘  要")),
    ("联系人", ("联系人", "联 系 人")), ("电话", ("联系电话", "办公电话")), ("手机", ("手机号码", "手机")),
    ("电子邮箱", ("电子邮箱", "邮箱")), ("传真", ("传真",)), ("通讯地址", ("通信地址", "通讯地址")))
_YEARLY_LABELS = (("资产总额", ("资产总额（万元）", "总资产(万元)")), ("主营业收入", ("主营业务收入（万元）", "营业收入（万元）")),
                  ("其他业务收入", ("其他业务收入（万元）", "其它业务收入(万元)")), ("利润总额", ("利润总额（万元）", "利润总额(万元)")),
                  ("从业人员", ("从业人员（人）", "从业人数（人）")))


def _openpyxl_book():
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font

    wb = Workbook()
    return wb, wb.active, Font(bold=True, size=14), Alignment(wrap_text=True, vertical="center")


def write_retyped_form(path: Path, values: dict, *, variant: int) -> None:
    """A form an enterprise typed in its own layout: title row, labels in A, values in B:E, years across."""
    wb, ws, bold, wrap = _openpyxl_book()
    ws.title = ("Sheet1", "申请表", "质量标杆申请表")[variant % 3]
    ws.column_dimensions["A"].width = 22
    for col in "BCDE":
        ws.column_dimensions[col].width = 18
    ws["A1"] = _TITLE
    ws["A1"].font = bold
    ws.merge_cells("A1:E1")
    ws["A2"] = "填报日期：2021年9月"
    ws.merge_cells("A2:E2")
    row = 3
    for key, labels in _RETYPED_LABELS:
        ws.cell(row, 1, labels[variant % len(labels)])
        ws.cell(row, 2, values.get(key) or None).alignment = wrap
        ws.merge_cells(start_row=row, start_column=2, end_row=row, end_column=5)
        row += 1
    row += 1
    ws.cell(row, 1, "近三年主要经济指标")
    ws.merge_cells(start_row=row, start_column=1, end_row=row, end_column=5)
    row += 1
    ws.cell(row, 1, "指标")
    for c, year in enumerate((2018, 2019, 2020), start=2):
        ws.cell(row, c, f"{year}年" if variant % 2 else year)
    for key, labels in _YEARLY_LABELS:
        row += 1
        ws.cell(row, 1, labels[variant % len(labels)])
        for c, year in enumerate((2018, 2019, 2020), start=2):
            ws.cell(row, c, values[key][year])
    wb.save(path)


def write_vertical_form(path: Path, values: dict, *, variant: int) -> None:
    """Labels as a header row (two rows high) with the values below; the yearly figures with years down rows."""
    wb, ws, bold, wrap = _openpyxl_book()
    ws.title = "Sheet1"
    ws["A1"] = _TITLE
    ws["A1"].font = bold
    ws.merge_cells("A1:K1")
    for c, (key, labels) in enumerate(_RETYPED_LABELS, start=1):
        ws.cell(3, c, labels[(variant + 1) % len(labels)]).alignment = wrap
        ws.merge_cells(start_row=3, start_column=c, end_row=4, end_column=c)
        ws.cell(5, c, values.get(key) or None).alignment = wrap
    ws.column_dimensions["E"].width = 40
    ws.cell(7, 1, "企业基本情况（近三年）")
    ws.cell(8, 1, "年度")
    for c, (key, labels) in enumerate(_YEARLY_LABELS, start=2):
        ws.cell(8, c, labels[variant % len(labels)])
    for r, year in enumerate((2018, 2019, 2020), start=9):
        ws.cell(r, 1, year)
        for c, (key, _labels) in enumerate(_YEARLY_LABELS, start=2):
            ws.cell(r, c, values[key][year])
    wb.save(path)


# ---------------------------------------------------------------- .xls templates

def _xls_sentinel(key: str, year: int) -> float:
    """A money figure no other cell holds, with a full mantissa (so it is stored as an 8-byte NUMBER record)."""
    return 71234.567890123 + MONEY_FIELDS.index(key) * 1111.111111 + (year - 2018) * 11.011011


def _xls_template_values() -> dict:
    plan = PlannedApplication(index=0, unit="", folder="", enterprise=XLS_ENTERPRISE_TOKEN, region=XLS_REGION_TOKEN,
                              industry=TRADES[XLS_TRADE], trade=XLS_TRADE, method=XLS_METHOD, form_layout="",
                              summary_style="", rank_prefix="", received=0.0)
    values = form_values(plan)
    values["电子邮箱"] = "zlbg-xls@163.com"
    for key in MONEY_FIELDS:
        values[key] = {year: _xls_sentinel(key, year) for year in (2018, 2019, 2020)}
    return values


@dataclass(frozen=True)
class XlsTemplate:
    layout: str
    data: bytes


def _soffice() -> str | None:
    return shutil.which("soffice") or shutil.which("libreoffice")


def build_xls_templates(cache_dir: Path) -> tuple[dict, str]:
    """{layout: XlsTemplate} converted by LibreOffice once and cached in ``cache_dir``; and a note saying how.

    Returns ({}, reason) when LibreOffice is absent or a converted file does not hold each placeholder where
    byte substitution can reach it.
    """
    values = _xls_template_values()
    key = hashlib.sha256(repr((XLS_TEMPLATE_VERSION, sorted(values.items(), key=str))).encode()).hexdigest()[:16]
    cache_dir.mkdir(parents=True, exist_ok=True)
    wanted = {layout: cache_dir / f"{layout}-{key}.xls" for layout in ("xls-retyped", "xls-vertical")}
    note = "cached"
    if not all(p.exists() for p in wanted.values()):
        soffice = _soffice()
        if soffice is None:
            return {}, "LibreOffice not installed: .xls layouts written as .xlsx"
        with tempfile.TemporaryDirectory(prefix="zlbg-bench-xls-") as tmp:
            sources = []
            for layout in wanted:
                src = Path(tmp) / f"{layout}-{key}.xlsx"
                writer = write_retyped_form if layout == "xls-retyped" else write_vertical_form
                writer(src, values, variant=0)
                sources.append(src)
            profile = Path(tmp) / "profile"
            subprocess.run([soffice, f"-env:UserInstallation={profile.as_uri()}", "--headless", "--norestore",
                            "--nolockcheck", "--convert-to", "xls", "--outdir", str(cache_dir), *map(str, sources)],
                           stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, timeout=300, check=False,
                           env={**os.environ, "HOME": tmp})
        note = "converted by LibreOffice"
    templates = {}
    for layout, path in wanted.items():
        if not path.exists():
            return {}, f"LibreOffice did not convert {path.name}: .xls layouts written as .xlsx"
        data = path.read_bytes()
        problem = _placeholder_problem(data)
        if problem:
            return {}, f"{path.name}: {problem}; .xls layouts written as .xlsx"
        templates[layout] = XlsTemplate(layout, data)
    return templates, note


def _placeholder_problem(data: bytes) -> str:
    if data.count(XLS_ENTERPRISE_TOKEN.encode("utf-16-le")) < 2:
        return "enterprise placeholder not found as contiguous UTF-16 text"
    if data.count(XLS_REGION_TOKEN.encode("utf-16-le")) < 1:
        return "region placeholder not found"
    for key in MONEY_FIELDS:
        for year in (2018, 2019, 2020):
            if data.count(struct.pack("<d", _xls_sentinel(key, year))) != 1:
                return f"{key} {year} not stored once as an 8-byte number"
    return ""


def instantiate_xls(template: XlsTemplate, values: dict) -> bytes:
    """The template with this application's enterprise name, region and money figures."""
    enterprise, region = values["申报单位"], values["所在地区"]
    if len(enterprise) != len(XLS_ENTERPRISE_TOKEN) or len(region) != len(XLS_REGION_TOKEN):
        raise ValueError(f"an .xls application needs a {len(XLS_ENTERPRISE_TOKEN)}-character name and a "
                         f"{len(XLS_REGION_TOKEN)}-character region: {enterprise} {region}")
    data = template.data.replace(XLS_ENTERPRISE_TOKEN.encode("utf-16-le"), enterprise.encode("utf-16-le"))
    data = data.replace(XLS_REGION_TOKEN.encode("utf-16-le"), region.encode("utf-16-le"))
    for key in MONEY_FIELDS:
        for year in (2018, 2019, 2020):
            data = data.replace(struct.pack("<d", _xls_sentinel(key, year)), struct.pack("<d", values[key][year]))
    return data


# ---------------------------------------------------------------- 总结材料

_ABSTRACT = (
    "{ent}自{year}年引入{method}以来，围绕产品质量提升和过程能力改进，建立了覆盖研发、采购、制造和服务全过程的质量管理体系。",
    "通过组织保障、制度建设和数据驱动，关键质量特性的过程能力指数由1.0提升至{cpk}以上，一次交检合格率提高{p}个百分点。",
    "公司将{method}与信息化建设深度融合，构建了质量数据采集、分析和改进的闭环机制，质量损失率下降{q}%。",
    "该经验形成了可复制、可推广的做法，先后获得行业协会和用户的广泛认可，被评为省级质量管理优秀成果。",
    "近三年公司累计开展改进项目{k}项，创造直接经济效益{m}万元，顾客满意度连续三年保持在{s}分以上。",
)
_OVERVIEW = (
    "{ent}成立于{year}年，是一家以{trade}为主业的企业，现有员工{staff}人，占地面积{area}万平方米。",
    "公司主要产品销往全国二十多个省市并出口东南亚、中东和欧洲市场，年销售收入{m}万元。",
    "公司坚持“质量第一、用户至上”的理念，先后获得省政府质量奖提名奖、省级企业技术中心、省级专精特新企业等荣誉。",
    "公司通过ISO 9001、ISO 14001和ISO 45001体系认证，建有省级工程技术研究中心和检测中心。",
    "公司积极履行社会责任，连续多年被评为纳税信用A级企业和劳动关系和谐企业。",
)
_STAGES = ("组织保障", "制度建设", "人才培养", "项目推进", "数字化支撑", "持续改进", "供应链协同", "文化建设")
_PROGRESS = (
    "公司围绕{method}的推进，在{stage}方面制定了年度目标和实施计划，明确各部门职责，建立月度评审和季度考核机制。",
    "成立由总经理任组长的推进领导小组，下设推进办公室，各事业部设立专职推进员{k}名，形成三级推进网络。",
    "通过典型项目示范，形成了可复制、可推广的做法，累计完成改进项目{k}项，创造直接经济效益{m}万元。",
    "在{stage}过程中，公司运用数据分析工具识别关键质量特性{k}项，对其中{p}项开展专项攻关，过程能力指数由{c1}提升至{c2}。",
    "公司建立了覆盖原材料进厂、过程控制和成品出厂的质量数据平台，实时采集{k}个关键参数，异常响应时间缩短{q}%。",
    "推进过程中坚持问题导向，针对顾客反馈的{p}类主要问题，组织跨部门团队开展根本原因分析，制定并落实纠正措施。",
    "公司每年组织{method}专题培训{k}期，累计培训员工{staff}人次，培养内部讲师{p}名，形成了人人参与改进的良好氛围。",
    "通过与高校和科研院所合作，公司将{method}与工艺创新相结合，开发新工艺{p}项，获得授权专利{k}项。",
    "公司将{method}的要求纳入绩效考核体系，考核结果与部门和个人的薪酬挂钩，保证了各项措施落到实处。",
    "在供应商管理方面，公司对{k}家主要供应商开展质量能力评价和帮扶，来料批次合格率由{r1}%提升至{r2}%。",
)
_EFFECT = (
    "实施{method}以来，公司主要质量指标持续向好：产品一次交检合格率由{r1}%提升至{r2}%，顾客投诉率下降{q}%。",
    "质量损失率下降至0.{p}%，主要指标优于行业平均水平，与标杆企业差距明显缩小。",
    "经济效益方面，近三年累计降低质量成本{m}万元，新产品贡献率提高{p}个百分点，利润总额年均增长{q}%。",
    "管理效益方面，形成管理制度和作业标准{k}项，质量管理体系运行的有效性显著提高，内部审核不符合项减少{q}%。",
    "社会效益方面，公司的做法在行业内交流推广{p}次，带动上下游{k}家企业提升质量管理水平，获得用户和社会的广泛好评。",
)


def _fill(template: str, plan: PlannedApplication, rng: random.Random, stage: str = "") -> str:
    return template.format(ent=plan.enterprise, method=plan.method, trade=plan.trade, stage=stage,
                           year=rng.randint(1985, 2012), cpk=f"1.{rng.randint(33, 67)}", p=rng.randint(2, 9),
                           q=rng.randint(15, 60), k=rng.randint(12, 96), m=rng.randint(300, 9000),
                           s=rng.randint(90, 98), staff=rng.randint(300, 3000), area=rng.randint(5, 80),
                           c1=f"0.{rng.randint(80, 99)}", c2=f"1.{rng.randint(33, 67)}", r1=rng.randint(88, 95),
                           r2=rng.randint(96, 99))


def _paragraphs_to(target: int, pool: tuple, plan: PlannedApplication, rng: random.Random, *,
                   sentences_per_paragraph: int = 4, stage_cycle: tuple = ("",)) -> list[str]:
    """Paragraphs of sentences from ``pool`` until Word's 字数 reaches about ``target`` (never over it)."""
    paragraphs, total, current = [], 0, ""
    while True:
        stage = stage_cycle[len(paragraphs) % len(stage_cycle)]
        sentence = _fill(rng.choice(pool), plan, rng, stage=stage)
        words = count_words(sentence)
        if total + words > target:  # the shortest sentence that still fits, if any
            fitting = [s for s in (_fill(t, plan, rng, stage=stage) for t in pool) if total + count_words(s) <= target]
            if not fitting:
                break
            sentence = min(fitting, key=count_words)
            words = count_words(sentence)
        current += sentence
        total += words
        if current and (len(current) > 60 * sentences_per_paragraph):
            paragraphs.append(current)
            current = ""
    if current:
        paragraphs.append(current)
    return paragraphs


def _progress_table(rng: random.Random) -> list[list[str]]:
    rows = [["序号", "改进项目", "完成时间", "效益（万元）"]]
    for i in range(1, 7):
        rows.append([str(i), f"{rng.choice(_STAGES)}改进项目", f"{rng.randint(2018, 2020)}年{rng.randint(1, 12)}月",
                     f"{rng.randint(20, 900)}"])
    return rows


def _effect_table(rng: random.Random) -> list[list[str]]:
    rows = [["指标", "2018年", "2019年", "2020年"]]
    for label in ("一次交检合格率（%）", "质量损失率（%）", "顾客满意度（分）", "来料批次合格率（%）"):
        rows.append([label, *(f"{rng.uniform(85, 99.5):.1f}" for _ in range(3))])
    return rows


def summary_content(plan: PlannedApplication, *, variant: int = 0) -> dict:
    """Section key -> list of paragraphs, plus 'tables' -> {section key: rows}; ``variant`` changes the text."""
    rng = random.Random(plan.index * 104729 + variant * 7 + 1)
    with_tables = plan.summary_style != "template"
    tables = {}
    if with_tables:
        tables["管理方法（技术）的推进和应用情况"] = _progress_table(rng)
        if plan.index % 2:
            tables["管理方法（技术）的实施效果"] = _effect_table(rng)
    content = {"质量标杆名称": [plan.benchmark_name]}
    for key, pool in (("摘要", _ABSTRACT), ("企业概况", _OVERVIEW)):
        content[key] = _paragraphs_to(SECTION_TARGETS[key], pool, plan, rng, sentences_per_paragraph=3)
    progress_key = "管理方法（技术）的推进和应用情况"
    table_words = sum(count_words(cell) for row in tables.get(progress_key, []) for cell in row)
    per_stage = (SECTION_TARGETS[progress_key] - table_words - 60) // 6
    progress = []
    for n, stage in enumerate(_STAGES[:6]):
        progress.append(f"（{'一二三四五六'[n]}）{stage}")
        progress.extend(_paragraphs_to(per_stage, _PROGRESS, plan, rng, stage_cycle=(stage,)))
    content[progress_key] = progress
    effect_key = "管理方法（技术）的实施效果"
    table_words = sum(count_words(cell) for row in tables.get(effect_key, []) for cell in row)
    content[effect_key] = _paragraphs_to(SECTION_TARGETS[effect_key] - table_words, _EFFECT, plan, rng)
    content["tables"] = tables
    return content


_CN_NUMBERS = "一二三四五六七八九十"
_BOLD_LINE_HEADINGS = {"质量标杆名称": "质量标杆名称（40字以内）", "摘要": "摘要", "企业概况": "企业简介",
                       "管理方法（技术）的推进和应用情况": "管理方法（技术）的推进和应用情况", "管理方法（技术）的实施效果": "实施效果"}


class _WordBody:
    """A Word body written as WordprocessingML text into a blank python-docx package (the same XML python-docx
    writes for add_paragraph/add_heading/add_table, without building its object tree: several times faster)."""

    _skeleton: dict | None = None  # part name -> bytes of a blank python-docx document, made once per process

    def __init__(self):
        self.xml: list[str] = []

    def paragraph(self, text: str, *, style: str = "", bold: bool = False) -> None:
        ppr = f'<w:pPr><w:pStyle w:val="{style}"/></w:pPr>' if style else ""
        rpr = "<w:rPr><w:b/></w:rPr>" if bold else ""
        self.xml.append(f'<w:p>{ppr}<w:r>{rpr}<w:t xml:space="preserve">{escape(text)}</w:t></w:r></w:p>')

    def table(self, rows: list[list[str]]) -> None:
        width = 8640 // len(rows[0])
        cell = (f'<w:tc><w:tcPr><w:tcW w:type="dxa" w:w="{width}"/></w:tcPr>'
                '<w:p><w:r><w:t xml:space="preserve">{}</w:t></w:r></w:p></w:tc>')
        self.xml.append('<w:tbl><w:tblPr><w:tblStyle w:val="TableGrid"/><w:tblW w:type="auto" w:w="0"/>'
                        '<w:tblLook w:firstColumn="1" w:firstRow="1" w:lastColumn="0" w:lastRow="0" w:noHBand="0" '
                        'w:noVBand="1" w:val="04A0"/></w:tblPr><w:tblGrid>'
                        + f'<w:gridCol w:w="{width}"/>' * len(rows[0]) + "</w:tblGrid>"
                        + "".join("<w:tr>" + "".join(cell.format(escape(t)) for t in row) + "</w:tr>" for row in rows)
                        + "</w:tbl>")

    @classmethod
    def _parts(cls) -> dict:
        if cls._skeleton is None:
            from docx import Document

            buf = io.BytesIO()
            Document().save(buf)
            with zipfile.ZipFile(buf) as zf:
                cls._skeleton = {name: zf.read(name) for name in zf.namelist()}
        return cls._skeleton

    def save(self, path: Path, *, author: str) -> None:
        parts = dict(self._parts())
        document = parts["word/document.xml"].decode("utf-8")
        head, rest = document.split("<w:body>", 1)
        sect = rest[rest.index("<w:sectPr"):]
        parts["word/document.xml"] = (head + "<w:body>" + "".join(self.xml) + sect).encode("utf-8")
        parts["docProps/core.xml"] = parts["docProps/core.xml"].replace(
            b"<dc:creator>python-docx</dc:creator>", f"<dc:creator>{escape(author)}</dc:creator>".encode())
        with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
            for name, data in parts.items():
                zf.writestr(name, data)


def write_summary_document(path: Path, plan: PlannedApplication, campaign: Campaign, *, variant: int = 0) -> None:
    """The 总结材料 of ``plan`` in its heading style; ``variant`` gives another valid text for the same enterprise."""
    content = summary_content(plan, variant=variant)
    sections = [s for s in campaign.sections if s.key in content]
    if plan.summary_style == "template":
        write_summary(str(path), campaign, {k: v for k, v in content.items() if k != "tables"},
                      enterprise=plan.enterprise)
        return
    doc = _WordBody()
    style = plan.summary_style
    if style in ("heading-styles", "arabic-numbers"):
        doc.paragraph(f"{campaign.title}总结材料", style="Title")
    else:
        doc.paragraph(f"{plan.enterprise}质量标杆总结材料", bold=True)
    doc.paragraph(f"申报单位：{plan.enterprise}")
    for n, spec in enumerate(sections):
        paragraphs = list(content[spec.key])
        if style == "chinese-numbers":
            doc.paragraph(f"{_CN_NUMBERS[n]}、{spec.heading}", bold=True)
        elif style == "arabic-numbers":
            doc.paragraph(f"{spec.number}. {spec.heading}")
        elif style == "parenthesised":
            if spec.key == "质量标杆名称":
                doc.paragraph(f"（{_CN_NUMBERS[n]}）{spec.key}：{paragraphs.pop(0)}")
            else:
                doc.paragraph(f"（{_CN_NUMBERS[n]}）{spec.heading}")
        elif style == "heading-styles":
            doc.paragraph(spec.key, style="Heading1")
        else:  # bold-lines
            doc.paragraph(_BOLD_LINE_HEADINGS[spec.key], bold=True)
        for text in paragraphs:
            if text.startswith("（") and style == "heading-styles":
                doc.paragraph(text, style="Heading2")
            else:
                doc.paragraph(text, bold=text.startswith("（") and style == "bold-lines")
        rows = content["tables"].get(spec.key)
        if rows:
            doc.table(rows)
    doc.save(path, author=plan.enterprise)


# ---------------------------------------------------------------- writing

_WORKER: dict = {}


def _init_worker(xls_templates: dict) -> None:
    _WORKER["campaign"] = load_campaign()
    _WORKER["xls"] = xls_templates


def write_form_file(path: Path, plan: PlannedApplication, campaign: Campaign, xls_templates: dict) -> None:
    values = form_values(plan)
    layout = plan.form_layout
    if layout == "template":
        write_form(str(path), campaign, values)
    elif layout == "retyped":
        write_retyped_form(path, values, variant=plan.index // len(FORM_LAYOUT_CYCLE))
    elif layout == "vertical":
        write_vertical_form(path, values, variant=plan.index // len(FORM_LAYOUT_CYCLE))
    else:
        path.write_bytes(instantiate_xls(xls_templates[layout], values))


def write_application(plan: PlannedApplication, root: Path, campaign: Campaign, xls_templates: dict) -> list[Path]:
    """Write the pair of ``plan`` under ``root``; both files get the plan's receipt time as modification time."""
    folder = root / plan.folder
    folder.mkdir(parents=True, exist_ok=True)
    form, summary = folder / plan.form_name, folder / plan.summary_name
    write_form_file(form, plan, campaign, xls_templates)
    write_summary_document(summary, plan, campaign)
    for path in (form, summary):
        os.utime(path, (plan.received, plan.received))
    return [form, summary]


def _write_job(job: tuple[PlannedApplication, str]) -> int:
    plan, root = job
    paths = write_application(plan, Path(root), _WORKER["campaign"], _WORKER["xls"])
    return sum(p.stat().st_size for p in paths)


def generate_inbox(inbox: Path, staging: Path, n: int, *, workers: int, cache_dir: Path,
                   extras: int = 1) -> GeneratedInbox:
    """Write ``n`` pairs into ``inbox`` (created, must not exist) and, under ``staging``, ``extras`` more pairs
    (staging/added/<k>/, each in the folder it takes in the inbox) and a replacement 总结材料 for the later
    phases. The inbox is the same whatever ``extras``."""
    started = time.perf_counter()
    campaign = load_campaign()
    xls_started = time.perf_counter()
    xls_templates, xls_note = build_xls_templates(cache_dir)
    xls_seconds = time.perf_counter() - xls_started
    plans = plan_applications(n + extras, campaign, xls_possible=bool(xls_templates), spread=n + 1)
    applications, extra_plans = plans[:n], plans[n:]
    inbox.mkdir(parents=True)
    staging.mkdir(parents=True, exist_ok=True)
    jobs = [(plan, str(inbox)) for plan in applications]
    total_bytes = 0
    if workers > 1 and n > 8:
        with ProcessPoolExecutor(max_workers=workers, initializer=_init_worker, initargs=(xls_templates,)) as pool:
            total_bytes = sum(pool.map(_write_job, jobs, chunksize=max(1, min(50, n // (workers * 8)))))
    else:
        _init_worker(xls_templates)
        total_bytes = sum(map(_write_job, jobs))
    extras_files = [write_application(plan, staging / "added" / str(k), campaign, xls_templates)
                    for k, plan in enumerate(extra_plans)]
    prefixed = [p for p in applications if p.rank_prefix] or applications
    changed = prefixed[len(prefixed) // 2]
    replacement = staging / "changed" / changed.summary_name
    replacement.parent.mkdir(parents=True, exist_ok=True)
    write_summary_document(replacement, changed, campaign, variant=1)
    return GeneratedInbox(
        inbox=inbox, applications=applications, extras=extra_plans, extras_files=extras_files, changed=changed,
        replacement_summary=replacement, seconds=time.perf_counter() - started, xls_templates_seconds=xls_seconds,
        xls_note=xls_note, form_layouts=dict(Counter(p.form_layout for p in applications)),
        summary_styles=dict(Counter(p.summary_style for p in applications)), files=2 * n, bytes=total_bytes)


def describe(plan: PlannedApplication) -> dict:
    """The plan as JSON-ready values."""
    return {"index": plan.index, "unit": plan.unit, "enterprise": plan.enterprise,
            "benchmark_name": plan.benchmark_name, "form": f"{plan.folder}/{plan.form_name}",
            "summary": f"{plan.folder}/{plan.summary_name}", "form_layout": plan.form_layout,
            "summary_style": plan.summary_style}


