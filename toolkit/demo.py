"""``run.py demo``: a realistic sample inbox for all 26 units — mostly valid, with the typical mistakes.

The planted mistakes are listed in PLANTED (unit, enterprise, expected code) so tests can check each one.
"""
from __future__ import annotations

import datetime as dt
import os
import random
import shutil
from dataclasses import replace
from pathlib import Path

from .campaign import CHINA_TZ, Campaign
from .discover import DEMO_MARKER, OWN_FILES
from .errors import ConfigError
from .render.forms import write_form, write_summary
from .render.ranking_sheet import write_ranking_sheet

METHODS = ["六西格玛设计", "精益生产管理", "卓越绩效模式", "全面质量管理", "质量功能展开", "数字化质量追溯",
           "统计过程控制", "全员生产维护", "QC小组活动", "零缺陷管理", "失效模式与影响分析", "质量成本管理",
           "可靠性工程", "供应链质量协同", "工业互联网质量管控", "首席质量官制度"]
WORDS = ["华信", "恒泰", "宏达", "精诚", "瑞丰", "冀东", "中诚", "鼎盛", "新元", "隆基", "天威", "博远", "同创",
         "盛华", "金石", "长城", "燕赵", "太行", "渤海", "德隆", "凯盛", "永安", "嘉禾", "晨光", "远航", "明泰"]
TRADES = [("精密机械", "C34 通用设备制造业"), ("钢铁", "C31 黑色金属冶炼和压延加工业"), ("药业", "C27 医药制造业"),
          ("食品", "C14 食品制造业"), ("化工", "C26 化学原料和化学制品制造业"), ("汽车零部件", "C36 汽车制造业"),
          ("电子科技", "C39 计算机、通信和其他电子设备制造业"), ("纺织", "C17 纺织业"), ("玻璃", "C30 非金属矿物制品业"),
          ("电气", "C38 电气机械和器材制造业"), ("软件", "I65 软件和信息技术服务业"), ("装备", "C35 专用设备制造业"),
          ("仪表", "C40 仪器仪表制造业"), ("塑胶", "C29 橡胶和塑料制品业"), ("造纸", "C22 造纸和纸制品业")]
UNIT_TRADES = {"河北省冶金行业协会": ["钢铁"], "河北省建筑材料工业协会": ["玻璃"], "河北省石油和化学工业协会": ["化工"],
               "河北省机械行业协会": ["精密机械", "装备"], "河北省纺织与服装行业协会": ["纺织"],
               "河北省食品工业协会": ["食品"], "河北省轻工行业协会": ["造纸", "塑胶"], "河北省医药行业协会": ["药业"],
               "河北省信息产业与信息化协会": ["软件", "电子科技"]}
AREA = {"石家庄市": "0311", "唐山市": "0315", "秦皇岛市": "0335", "邯郸市": "0310", "邢台市": "0319", "保定市": "0312",
        "张家口市": "0313", "承德市": "0314", "沧州市": "0317", "廊坊市": "0316", "衡水市": "0318", "定州市": "0312",
        "辛集市": "0311", "雄安新区": "0312"}

# (unit, position in that unit's list, expected code) — what the demo plants on purpose
PLANTED = [
    ("唐山市工业和信息化局", 4, "quota.exceeded"),
    ("保定市工业和信息化局", 2, "eligibility.unprofitable"),
    ("沧州市工业和信息化局", 1, "name.too-long"),
    ("邯郸市工业和信息化局", 2, "section.missing"),
    ("衡水市工业和信息化局", 1, "section.too-long"),
    ("河北省食品工业协会", 1, "pair.missing-summary"),
    ("邢台市工业和信息化局", 2, "mismatch"),
    ("廊坊市工业和信息化局", 3, "field.invalid"),
    ("承德市工业和信息化局", 1, "field.missing"),
    ("秦皇岛市工业和信息化局", 3, "deadline.late"),
    ("河北省机械行业协会", 1, "duplicate.enterprise"),
    ("石家庄市工业和信息化局", 1, "duplicate.enterprise"),  # the other side of the duplicate
    ("定州市工业和信息化局", 1, "name.pattern"),
]
PLANTED_FILES = [("其他材料/补充说明.xlsx", "unit.unknown"), ("张家口/3-张家口燕赵食品有限公司-申请表.xlsx", "file.unreadable")]


def _region_of(unit: str, campaign: Campaign, rng: random.Random) -> str:
    """A city's unit's own region (Campaign.unit_region: its enterprises are of that city); any for the others."""
    return campaign.unit_region(unit) or rng.choice(campaign.regions)


def _paragraphs(text: str, n: int) -> list[str]:
    return [text] * n


def _summary_sections(ent: str, method: str, name: str, trade: str, rng: random.Random, *,
                      long_effect: bool = False) -> dict:
    abstract = (f"{ent}自引入{method}以来，围绕产品质量提升和过程能力改进，建立了覆盖研发、采购、制造和服务全过程的"
                f"质量管理体系。通过组织保障、制度建设和数据驱动，关键质量特性的过程能力指数由1.0提升至1.5以上，"
                f"一次交检合格率提高{rng.randint(3, 9)}个百分点，质量损失率下降{rng.randint(20, 45)}%。该经验获得行业协会和用户的广泛认可。")
    overview = (f"{ent}成立于{rng.randint(1985, 2010)}年，是一家以{trade}为主业的民营企业，现有员工{rng.randint(300, 2000)}人，"
                f"主要产品销往全国二十多个省市并出口东南亚。公司坚持“质量第一、用户至上”的理念，先后获得省政府质量奖提名奖、"
                f"省级企业技术中心等荣誉，通过ISO 9001、ISO 14001和ISO 45001体系认证。")
    steps = []
    for i, stage in enumerate(["组织保障", "制度建设", "人才培养", "项目推进", "数字化支撑", "持续改进"], start=1):
        steps.append(f"（{i}）{stage}。公司围绕{method}的推进，在{stage}方面制定了年度目标和实施计划，明确各部门职责，"
                     f"建立月度评审和季度考核机制。通过典型项目示范，形成了可复制、可推广的做法，"
                     f"累计完成改进项目{rng.randint(20, 90)}项，创造直接经济效益{rng.randint(300, 3000)}万元。")
    effect = (f"实施{method}以来，公司主要质量指标持续向好：产品一次交检合格率由{rng.randint(90, 95)}%提升至"
              f"{rng.randint(97, 99)}%，顾客投诉率下降{rng.randint(30, 60)}%，质量损失率下降至0.{rng.randint(3, 9)}%，"
              f"主要指标优于行业平均水平，与标杆企业差距明显缩小。近三年累计减少质量损失{rng.randint(200, 900)}万元，"
              f"新增发明专利{rng.randint(3, 12)}项，主导或参与制定标准{rng.randint(1, 5)}项，培养内部讲师和骨干"
              f"{rng.randint(30, 120)}人，形成了全员参与质量改进的良好氛围。")
    if long_effect:
        effect = effect * 25
    return {"质量标杆名称": name, "摘要": abstract, "企业概况": overview,
            "管理方法（技术）的推进和应用情况": steps, "管理方法（技术）的实施效果": effect,
            "证实性材料": "获奖证书、专利证书等证实性材料见附件。"}


def _form_values(ent, industry, region, name, rng: random.Random, *, abstract: str) -> dict:
    base_rev = rng.uniform(8000, 90000)
    employees = rng.randint(150, 2500)
    values = {"申报单位": ent, "所属行业": industry, "所在地区": region, "标杆名称": name, "摘要": abstract,
              "联系人": rng.choice(["张伟", "王芳", "李娜", "刘洋", "陈静", "赵磊", "孙丽", "周强"]),
              "电话": f"{AREA.get(region, '0311')}-{rng.randint(2000000, 8999999) if region in ('定州市',) else rng.randint(60000000, 89999999)}",
              "手机": f"1{rng.choice('3589')}{rng.randint(100000000, 999999999)}",
              "电子邮箱": f"zlbg{rng.randint(100, 999)}@{rng.choice(['163.com', 'qq.com', 'sina.com'])}",
              "传真": "", "通讯地址": f"河北省{region}{rng.choice(['高新区', '经开区', '工业园区'])}{rng.randint(1, 300)}号"}
    values.update(yearly_figures(rng, base_rev, employees))
    return values


def yearly_figures(rng: random.Random, revenue: float, employees: int, years=(2018, 2019, 2020)) -> dict:
    """Plausible 基本情况 figures (万元, 人) growing 8 % a year from ``revenue``: key -> {year: value}.
    Shared by the demo and the benchmark generator."""
    yearly: dict = {"资产总额": {}, "主营业收入": {}, "其他业务收入": {}, "利润总额": {}, "从业人员": {}}
    for i, year in enumerate(years):
        rev = round(revenue * (1 + 0.08 * i), 2)
        yearly["资产总额"][year] = round(rev * rng.uniform(1.1, 1.8), 2)
        yearly["主营业收入"][year] = rev
        yearly["其他业务收入"][year] = round(rev * rng.uniform(0.01, 0.05), 2)
        yearly["利润总额"][year] = round(rev * rng.uniform(0.04, 0.12), 2)
        yearly["从业人员"][year] = employees + 20 * i
    return yearly


MINIMAL_PDF = (b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
               b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 595 842]>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n")


def _prepare(inbox: Path, outbox: Path) -> None:
    for folder in (inbox, outbox):
        if folder.exists() and any(p.name.lower() not in OWN_FILES for p in folder.iterdir()):
            if not (folder / DEMO_MARKER).exists():
                raise ConfigError(f"{folder} 不是空文件夹，也不是以前生成的示例；为避免覆盖真实材料，请用 --inbox/--outbox 指定其他文件夹")
            for p in folder.iterdir():
                if p.name in (".gitkeep",):
                    continue
                shutil.rmtree(p) if p.is_dir() and not p.is_symlink() else p.unlink()
        folder.mkdir(parents=True, exist_ok=True)
        (folder / DEMO_MARKER).write_text("示例数据，可删除。\n", encoding="utf-8")


def write_demo_inbox(inbox: Path, outbox: Path, campaign: Campaign) -> dict:
    """Write the sample inbox; returns counts and the simulated time of the run."""
    _prepare(inbox, outbox)
    rng = random.Random(2021)
    deadline = campaign.deadline
    planted = {(u, n): code for u, n, code in PLANTED}
    used_words = set()
    files: list[tuple[Path, dt.datetime]] = []
    apps = 0
    shared_enterprise = None
    for u_index, unit in enumerate(campaign.units):
        count = {"city": 3, "association": 2}[unit.kind]
        if unit.name == "唐山市工业和信息化局":
            count = 4
        if unit.kind == "association" and u_index % 3 == 0:
            count = 1
        region_default = _region_of(unit.name, campaign, rng)
        folder_name = unit.aliases[0] if u_index % 4 == 1 and unit.aliases else unit.name
        folder = inbox / folder_name
        folder.mkdir(parents=True, exist_ok=True)
        ranking_rows = []
        style = u_index % 3  # 0: prefixes, 1: ranking sheet, 2: sub-folders without order
        for n in range(1, count + 1):
            code = planted.get((unit.name, n))
            trades = UNIT_TRADES.get(unit.name) or [t for t, _ in TRADES]
            trade = rng.choice(trades)
            industry = dict(TRADES)[trade]
            word = rng.choice([w for w in WORDS if w not in used_words] or WORDS)
            used_words.add(word)
            region = region_default if unit.kind == "city" else rng.choice(campaign.regions)
            city = region.replace("市", "") if region != "雄安新区" else "雄安"
            ent = f"{city}{word}{trade}有限公司"
            if code == "duplicate.enterprise" and shared_enterprise:
                ent, industry, region = shared_enterprise
            if unit.name == "石家庄市工业和信息化局" and n == 1:
                shared_enterprise = (ent, "C34 通用设备制造业", region)
                industry = "C34 通用设备制造业"
            method = rng.choice(METHODS)
            name = f"{ent}实施{method}的经验"
            if code == "name.too-long":
                name = f"{ent}以客户需求为导向全面实施{method}与数字化质量管控深度融合提升产品可靠性的经验"
            if code == "name.pattern":
                name = f"{method}在{trade}生产中的应用"
            sections = _summary_sections(ent, method, name, trade, rng, long_effect=code == "section.too-long")
            if code == "section.missing":
                del sections["企业概况"]
            values = _form_values(ent, industry, region, name, rng, abstract=sections["摘要"])
            if code == "eligibility.unprofitable":
                values["利润总额"][2019] = -356.8
            if code == "field.invalid":
                values["资产总额"][2020] = "约一亿元"
            if code == "field.missing":
                values["联系人"] = ""
            if code == "mismatch":
                sections["质量标杆名称"] = f"{ent}推行{method}提升质量的经验"
            prefix = f"{n}-" if style == 0 else ""
            target = folder / (ent if style == 2 else "")
            target.mkdir(parents=True, exist_ok=True)
            form_path = target / f"{prefix}{ent}-申请表.xlsx"
            write_form(str(form_path), campaign, values)
            received = deadline - dt.timedelta(days=rng.randint(1, 15), hours=rng.randint(0, 8))
            if code == "deadline.late":
                received = deadline + dt.timedelta(hours=9)
            files.append((form_path, received))
            if code != "pair.missing-summary":
                summary_path = target / f"{prefix}{ent}-总结材料.docx"
                write_summary(str(summary_path), campaign, sections, enterprise=ent)
                files.append((summary_path, received))
            ranking_rows.append((n, ent, name))
            apps += 1
        if style == 1:
            from .model import Application

            ranked = []
            for n, ent, name in ranking_rows:
                a = Application(unit=unit.name, enterprise=ent, benchmark_name=name, rank=n)
                ranked.append(a)
            ranked.reverse() if unit.kind == "association" else None
            ranked = [replace(a, rank=i) for i, a in enumerate(ranked, start=1)]
            path = folder / f"{campaign.ranking_file}.xlsx"
            write_ranking_sheet(str(path), campaign, unit.name, ranked)
            files.append((path, deadline - dt.timedelta(days=1)))
        if u_index % 2 == 0 and unit.name != "承德市工业和信息化局":
            scan = folder / f"{unit.name}推荐意见（盖章）.pdf"
            scan.write_bytes(MINIMAL_PDF)
            files.append((scan, deadline - dt.timedelta(hours=30)))
    # files that must be reported but never crash the run
    other = inbox / "其他材料"
    other.mkdir(exist_ok=True)
    stray = other / "补充说明.xlsx"
    write_form(str(stray), campaign, {"申报单位": "某某公司"})
    files.append((stray, deadline - dt.timedelta(days=2)))
    broken = inbox / "张家口" / "3-张家口燕赵食品有限公司-申请表.xlsx"
    broken.parent.mkdir(exist_ok=True)
    broken.write_bytes(b"PK\x03\x04" + os.urandom(64))
    files.append((broken, deadline - dt.timedelta(days=3)))
    lock = inbox / campaign.units[0].name / "~$正在编辑.xlsx"
    lock.write_bytes(b"\x00" * 162)
    files.append((lock, deadline - dt.timedelta(days=3)))
    for path, when in files:
        ts = when.timestamp()
        os.utime(path, (ts, ts))
    now = (deadline + dt.timedelta(hours=10)).astimezone(CHINA_TZ)
    return {"units": len(campaign.units), "applications": apps, "files": len(files), "now": now}
