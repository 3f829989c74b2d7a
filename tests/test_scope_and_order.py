"""Verdicts an independent audit found wrong or silent, each through a real batch over real files:

- a 所在地区 outside the province is an error (the application is not recommended), a place in it written
  without its city a hint, a named region nothing;
- a 所属行业 that maps to no 大类 is a hint saying why 企业规模 is blank;
- an order the unit gave for only some applications leaves the 推荐意见 a draft naming the others;
- an application withdrawn by removing its files keeps its size class, industry code and region.
"""
from __future__ import annotations

import datetime as dt
import json

import docx
import openpyxl
import pytest
from conftest import GOOD_VALUES, good_sections, run_cli
from workbook_builders import ranking_sheet

from toolkit.campaign import CHINA_TZ
from toolkit.pipeline import run
from toolkit.render.forms import write_form, write_summary

DAY = dt.datetime(2021, 9, 10, 10, 0, tzinfo=CHINA_TZ)


def _summary(out) -> dict:
    return json.loads((out / "latest" / "summary.json").read_text(encoding="utf-8"))


def _pair(unit_folder, make_form, make_summary, firm: str, prefix: str = "", **fields):
    name = f"{firm.removesuffix('有限公司')}推行精益生产的经验"
    make_form(unit_folder / f"{prefix}{firm}-申请表.xlsx", 申报单位=firm, 标杆名称=name, **fields)
    make_summary(unit_folder / f"{prefix}{firm}-总结材料.docx", enterprise=firm, name=name)


def _field_issues(app: dict, field: str) -> list[tuple[str, str]]:
    return [(i["code"], i["severity"]) for i in app["issues"] if i["field"] == field]


# what a 所在地区 typed in the 申请表 gives: (severity of field.invalid or None, the application's status)
REGIONS = {
    "北京市": ("error", "需补正"),
    "天津市滨海新区": ("error", "需补正"),
    "中国山东省济南市": ("error", "需补正"),
    "广西壮族自治区南宁市": ("error", "需补正"),
    "内蒙古包头市": ("error", "需补正"),
    "河南省郑州市": ("error", "需补正"),
    "迁安市": ("warning", "通过"),  # a county-level city of 唐山, written without it
    "河北省": ("warning", "通过"),
    "河北省唐山市迁安市": (None, "通过"),
    "石家庄市天津路": (None, "通过"),  # a street named after another place, in a named region
    "雄安": (None, "通过"),
}
# what a 所属行业 gives: (a field.invalid warning on it, the size class is determined)
INDUSTRIES = {
    "装备制造": (True, False),
    "F51 批发业": (True, False),
    "机械": (True, False),
    "C31 黑色金属冶炼和压延加工业": (False, True),
    "钢铁": (False, True),
    "31": (False, True),
    "专用设备制造": (False, True),  # the 大类's name without its last 业
    "C-38": (False, True),
    "有色金属矿采选": (False, True),
    "C3411 金属结构制造": (True, False),  # (GB/T 4754-2017: 3411 is 锅炉及辅助设备制造, 金属结构制造 3311)
    "C3418 原动设备": (True, True),  # (no such 小类: its 大类 C34 taken, and said)
}


@pytest.fixture(scope="module")
def scoped(tmp_path_factory, campaign):
    """One batch: each region variant in an association of its own, each industry variant in a city of its own
    (its 所在地区 that city's, so no other rule speaks)."""
    base = tmp_path_factory.mktemp("scope")
    associations = [u for u in campaign.units if u.kind != "city"]
    cities = [u for u in campaign.units if u.kind == "city"]
    firms = {}
    for n, (written, unit) in enumerate(zip(REGIONS, associations)):
        firms[written] = firm = f"河北恒{'甲乙丙丁戊己庚辛壬癸子丑'[n]}机械有限公司"
        _write(base / "inbox" / unit.name, firm, campaign, 所在地区=written)
    for n, (written, unit) in enumerate(zip(INDUSTRIES, cities)):
        firms[written] = firm = f"河北瑞{'甲乙丙丁戊己庚辛壬癸子丑'[n]}科技有限公司"
        region = campaign.unit_region(unit.name)
        _write(base / "inbox" / unit.name, firm, campaign, 所在地区=region, 所属行业=written)
    run(base / "inbox", base / "out", campaign, settle=0, workers=1, now=DAY)
    apps = {a["enterprise"]: a for a in _summary(base / "out")["applications"]}
    return base, firms, apps


def _write(folder, firm, campaign, **fields):
    name = f"{firm.removesuffix('有限公司')}推行精益生产的经验"
    values = {k: (dict(v) if isinstance(v, dict) else v) for k, v in GOOD_VALUES.items()}
    values.update(申报单位=firm, 标杆名称=name, **fields)
    folder.mkdir(parents=True, exist_ok=True)
    write_form(str(folder / f"1-{firm}-申请表.xlsx"), campaign, values)
    write_summary(str(folder / f"1-{firm}-总结材料.docx"), campaign, good_sections(name, firm), enterprise=firm)


@pytest.mark.parametrize("written", list(REGIONS))
def test_a_region_outside_the_province_is_an_error(scoped, written):
    _base, firms, apps = scoped
    app = apps[firms[written]]
    severity, status = REGIONS[written]
    issues = _field_issues(app, "所在地区")
    assert issues == ([("field.invalid", severity)] if severity else []), app["issues"]
    assert app["status"] == status
    if severity == "error":
        [issue] = [i for i in app["issues"] if i["field"] == "所在地区"]
        assert "不在本次推荐的地区范围内" in issue["message"] and written in issue["message"]


def test_an_outside_region_is_kept_out_of_the_opinion_and_the_leaders_sheet(scoped, campaign):
    base, firms, apps = scoped
    firm = firms["北京市"]
    unit = apps[firm]["unit"]
    opinion = docx.Document(str(base / "out" / "latest" / "推荐意见" / f"{unit}-推荐意见.docx"))
    assert firm not in [c.text for t in opinion.tables for r in t.rows for c in r.cells]
    banner = "\n".join(p.text for p in opinion.paragraphs)
    assert "草稿" in banner and "需补正" in banner and firm in banner  # named as the one to correct
    ws = openpyxl.load_workbook(base / "out" / "latest" / "省级汇总表.xlsx")["推荐汇总表"]
    assert firm not in [c for row in ws.iter_rows(values_only=True) for c in row]


@pytest.mark.parametrize("written", list(INDUSTRIES))
def test_an_industry_that_maps_to_no_division_says_why_the_size_is_blank(scoped, written):
    _base, firms, apps = scoped
    app = apps[firms[written]]
    hint, sized = INDUSTRIES[written]
    assert _field_issues(app, "所属行业") == ([("field.invalid", "warning")] if hint else []), app["issues"]
    assert bool(app["size_class"]) is sized and bool(app["industry_code"]) is sized
    assert app["status"] == "通过"
    if hint and not sized:
        [issue] = [i for i in app["issues"] if i["field"] == "所属行业"]
        assert "企业规模无法判定" in issue["message"] and "下拉列表" in issue["message"]
    elif hint:  # a code the standard does not have: the 大类 it starts with is taken, and that is said
        [issue] = [i for i in app["issues"] if i["field"] == "所属行业"]
        assert "不是国民经济行业分类（GB/T 4754-2017）中的代码" in issue["message"], issue["message"]
        assert f"已按C{app['industry_code']}" in issue["message"] and "企业规模无法判定" not in issue["message"]


@pytest.mark.parametrize("written, code", [
    ("专用设备制造", "35"), ("化学原料和化学制品制造", "26"), ("纺织服装、服饰", "18"), ("C-38", "38"), ("c－38", "38"),
    ("有色金属矿采选", "09"), ("石油、煤炭及其他燃料加工", "25"), ("3130", "31"), ("钢铁", "31"),
    ("装备制造", None), ("机械", None),
])
def test_industries_as_enterprises_write_them(campaign, written, code):
    """The 大类 a 所属行业 names: its code with a dash or a 小类's digits, its name without the last 业; a whole name
    is preferred to a word it contains ('有色金属矿采选' is B09, not 有色金属's C32). Ambiguous words map to none."""
    found = campaign.map_industry(written)
    assert (found.code if found else None) == code


@pytest.mark.parametrize("written, said", [
    ("C39 仪器仪表制造业", "行业代码C39是“计算机、通信和其他电子设备制造业”，与所写的名称不一致"),
    ("信息传输、软件和信息技术服务业", "对应不到国民经济行业分类"),
    ("通信电缆制造", "对应不到国民经济行业分类"),
    ("C3411 金属结构制造", "行业代码C3411是“锅炉及辅助设备制造”，而“金属结构制造”的代码是C3311，两者不一致"),
    ("3311 锅炉及辅助设备制造业", "行业代码C3311是“金属结构制造”，而“锅炉及辅助设备制造”的代码是C3411，两者不一致"),
])
def test_check_says_why_an_industry_is_not_mapped(tmp_path, make_form, written, said):
    """`run.py check` of a form whose 所属行业 maps to no 大类 warns, saying why (a code and a name that disagree);
    the form's size class is left blank rather than guessed (1,500 people and 50,000 万元 are 大型 in 65 but 中型
    in 63/64)."""
    form = make_form(tmp_path / "申请表.xlsx", 所属行业=written)
    done = run_cli("check", "--show-fields", form)
    assert done.returncode == 0, done.stdout + done.stderr
    assert said in done.stdout and "企业规模无法判定" in done.stdout, done.stdout


def test_check_says_a_class_code_the_standard_lacks(tmp_path, make_form):
    """`run.py check`: a 所属行业 whose 小类 code GB/T 4754-2017 does not have ('C3418': 341 has 3411-3415 and 3419)
    is a hint naming its 大类, which is taken (the size class is judged: no '企业规模无法判定')."""
    form = make_form(tmp_path / "申请表.xlsx", 所属行业="C3418 原动设备制造")
    done = run_cli("check", form)
    assert done.returncode == 0, done.stdout + done.stderr
    assert ("行业代码C3418不是国民经济行业分类（GB/T 4754-2017）中的代码（C34 通用设备制造业下没有这个中类或小类），"
            "已按C34 通用设备制造业统计") in done.stdout, done.stdout
    assert "企业规模无法判定" not in done.stdout


def test_check_refuses_a_form_from_another_province(tmp_path, make_form):
    form = make_form(tmp_path / "申请表.xlsx", 所在地区="北京市朝阳区")
    done = run_cli("check", form)
    assert done.returncode == 1, done.stdout + done.stderr
    assert "所在地区" in done.stdout and "北京市" in done.stdout and "不在本次推荐的地区范围内" in done.stdout


# ---- an order given for some applications only ----

UNIT = "秦皇岛市工业和信息化局"
FIRMS = ["秦皇岛华信精密机械有限公司", "秦皇岛恒达轴承有限公司", "秦皇岛诚天机械有限公司"]


def _unit_status(out) -> dict:
    return next(u for u in _summary(out)["units"] if u["unit"] == UNIT)


def _opinion(out) -> str:
    document = docx.Document(str(out / "latest" / "推荐意见" / f"{UNIT}-推荐意见.docx"))
    return "\n".join(p.text for p in document.paragraphs)


@pytest.mark.parametrize("how", ["sheet lists two", "two files numbered"])
def test_an_order_given_for_some_applications_leaves_the_opinion_a_draft(tmp_path, make_form, make_summary,
                                                                         campaign, how):
    folder = tmp_path / "inbox" / "秦皇岛"
    numbered = how == "two files numbered"
    for n, firm in enumerate(FIRMS, start=1):
        _pair(folder, make_form, make_summary, firm, prefix=f"{n}-" if numbered and n < 3 else "",
              所在地区="秦皇岛市")
    if not numbered:
        ranking_sheet(folder / "推荐排序表.xlsx", [[1, FIRMS[1], "", ""], [2, FIRMS[0], "", ""]])
    run(tmp_path / "inbox", tmp_path / "out", campaign, settle=0, workers=1, now=DAY)
    apps = {a["enterprise"]: a for a in _summary(tmp_path / "out")["applications"]}
    assert apps[FIRMS[2]]["rank"] == 3 and apps[FIRMS[2]]["rank_source"] == "收到顺序"
    assert [a["status"] for a in apps.values()] == ["通过"] * 3
    unit = _unit_status(tmp_path / "out")
    assert not unit["opinion_final"]
    [reason] = unit["draft_reasons"]
    assert FIRMS[2] in reason and FIRMS[0] not in reason and FIRMS[1] not in reason
    assert ("未列入推荐排序表" if not numbered else "文件名前没有序号") in reason
    text = _opinion(tmp_path / "out")
    assert "草稿" in text and FIRMS[2] in text


@pytest.mark.parametrize("how", ["sheet lists all", "all files numbered", "one application"])
def test_an_order_given_for_all_gives_a_final_opinion(tmp_path, make_form, make_summary, campaign, how):
    folder = tmp_path / "inbox" / "秦皇岛"
    firms = FIRMS[:1] if how == "one application" else FIRMS
    for n, firm in enumerate(firms, start=1):
        _pair(folder, make_form, make_summary, firm, prefix=f"{n}-" if how == "all files numbered" else "",
              所在地区="秦皇岛市")
    if how == "sheet lists all":
        ranking_sheet(folder / "推荐排序表.xlsx", [[1, FIRMS[2], "", ""], [2, FIRMS[0], "", ""],
                                               [3, FIRMS[1], "", ""]])
    run(tmp_path / "inbox", tmp_path / "out", campaign, settle=0, workers=1, now=DAY)
    unit = _unit_status(tmp_path / "out")
    assert unit["opinion_final"], unit["draft_reasons"]
    assert "草稿" not in _opinion(tmp_path / "out")


def test_an_unordered_application_that_cannot_pass_keeps_the_opinion_final(tmp_path, make_form, make_summary,
                                                                           campaign):
    """Only applications that take a place in the order count: one left out of the sheet but unprofitable is
    not the unit's to place."""
    folder = tmp_path / "inbox" / "秦皇岛"
    for n, firm in enumerate(FIRMS[:2], start=1):
        _pair(folder, make_form, make_summary, firm, prefix=f"{n}-", 所在地区="秦皇岛市")
    _pair(folder, make_form, make_summary, FIRMS[2], 所在地区="秦皇岛市",
          利润总额={2018: -10.0, 2019: 300.0, 2020: 400.0})
    run(tmp_path / "inbox", tmp_path / "out", campaign, settle=0, workers=1, now=DAY)
    apps = {a["enterprise"]: a for a in _summary(tmp_path / "out")["applications"]}
    assert apps[FIRMS[2]]["status"] == "不符合申报条件"
    assert _unit_status(tmp_path / "out")["opinion_final"]


# ---- withdrawn by removing the files ----

def test_an_application_withdrawn_by_removal_keeps_what_its_form_gives(tmp_path, make_form, make_summary, campaign):
    folder = tmp_path / "inbox" / "衡水"
    for n, firm in enumerate(["衡水鑫天机械有限公司", "衡水恒达轴承有限公司"], start=1):
        _pair(folder, make_form, make_summary, firm, prefix=f"{n}-", 所在地区="衡水市",
              从业人员={2018: 480, 2019: 490, 2020: 500}, 主营业收入={2018: 19000.0, 2019: 19500.0, 2020: 20000.0},
              其他业务收入={2018: 400.0, 2019: 450.0, 2020: 500.0})
    run(tmp_path / "inbox", tmp_path / "out", campaign, settle=0, workers=1, now=DAY)
    before = {a["enterprise"]: a for a in _summary(tmp_path / "out")["applications"]}["衡水鑫天机械有限公司"]
    assert (before["size_class"], before["industry_code"]) == ("中型", "34")
    for path in folder.glob("1-*"):
        path.unlink()
    run(tmp_path / "inbox", tmp_path / "out", campaign, settle=0, workers=1, now=DAY + dt.timedelta(days=1))
    after = {a["enterprise"]: a for a in _summary(tmp_path / "out")["applications"]}["衡水鑫天机械有限公司"]
    assert after["status"] == "已撤回"
    assert (after["size_class"], after["industry_code"]) == ("中型", "34")
    wb = openpyxl.load_workbook(tmp_path / "out" / "latest" / "省级汇总表.xlsx")
    stats = [row for row in wb["统计"].iter_rows(values_only=True)]
    labels = [row[0] for row in stats if row and row[0]]
    assert "未填写" not in labels and "无法判定" not in labels and "未能识别行业" not in labels, labels


@pytest.mark.parametrize("written, shown", [("C34", "C34 通用设备制造业"), ("3130", "C31 黑色金属冶炼和压延加工业"),
                                            ("汽车零部件制造", "汽车零部件制造"), ("C36 汽车制造业", "C36 汽车制造业")])
def test_a_bare_industry_code_is_shown_with_its_name_on_what_is_stamped(tmp_path, make_form, make_summary, campaign,
                                                                         written, shown):
    """所属行业 written as a code and nothing more is printed as its 大类's label on the 推荐意见, the 推荐汇总表 and
    the 推荐排序表 (a bare 'C34' on a document to stamp means nothing to its reader); words are printed as written."""
    unit = "唐山市工业和信息化局"
    _pair(tmp_path / "inbox" / "唐山", make_form, make_summary, "唐山华信精密机械有限公司", 所属行业=written)
    run(tmp_path / "inbox", tmp_path / "out", campaign, settle=0, workers=1, now=DAY)
    latest = tmp_path / "out" / "latest"
    opinion = docx.Document(str(latest / "推荐意见" / f"{unit}-推荐意见.docx"))
    cells = [c.text for t in opinion.tables for r in t.rows for c in r.cells]
    assert shown in cells and (written == shown or written not in cells), cells
    leaders = openpyxl.load_workbook(latest / "省级汇总表.xlsx")["推荐汇总表"]
    assert shown in [v for row in leaders.iter_rows(values_only=True) for v in row]
    sheet = openpyxl.load_workbook(latest / "推荐排序表" / f"{unit}-推荐排序表.xlsx").worksheets[0]
    assert shown in [v for row in sheet.iter_rows(values_only=True) for v in row]
    app = _summary(tmp_path / "out")["applications"][0]
    assert app["fields"]["所属行业"] == written  # (summary.json keeps what was written)
