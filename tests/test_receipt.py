"""回执 that hide nothing: the headline counts everything still to handle (an unreadable file included), problems are
grouped by application with errors before hints, every cell is in a clerk's words, one date form, every page titled."""
from __future__ import annotations

import datetime as dt
import re

import openpyxl
from workbook_builders import ranking_sheet

from toolkit.campaign import CHINA_TZ
from toolkit.pipeline import run
from toolkit.render.receipt import clerk_time

EARLY = dt.datetime(2021, 9, 1, 10, 0, tzinfo=CHINA_TZ)  # well before the deadline: nothing is late
CELL_SYNTAX = re.compile(r"!\$?[A-Z]{1,3}\$?\d+")
MACHINE_WORDS = ("outbox", "latest", "templates", "运行", ".state", "run.py")
OTHER_DATE_FORMS = (re.compile(r"\d{4}-\d{1,2}-\d{1,2}"), re.compile(r"\d{4}年0\d月"), re.compile(r"月0\d日"),
                    re.compile(r"日 ?0\d:\d\d"), re.compile(r"\d:\d\d:\d\d"))
CLERK_TIME = re.compile(r"^\d{4}年[1-9]\d?月[1-9]\d?日 (1?\d|2[0-3]):[0-5]\d$")


def _cells(path) -> dict[str, list[list]]:
    wb = openpyxl.load_workbook(path)
    return {ws.title: [list(row) for row in ws.iter_rows(values_only=True)] for ws in wb.worksheets}


def _headline(sheets: dict) -> dict[str, str]:
    """The first sheet's label -> text rows above the application table."""
    out = {}
    for row in sheets["申报情况"][2:]:
        if row[0] == "推荐顺序":
            break
        if row[0] and len(row) > 2 and row[2]:
            out[row[0]] = row[2]
    return out


def _groups(rows: list[list]) -> list[tuple[str, list[str]]]:
    """(group heading, levels of its issue rows) from the 问题及修改方法 sheet."""
    groups: list[tuple[str, list[str]]] = []
    for row in rows[1:]:
        if isinstance(row[0], int):
            groups[-1][1].append(row[2])
        elif row[0]:
            groups.append((row[0], []))
    return groups


def test_clerk_time_is_one_form_in_china_time():
    assert clerk_time("2021-09-21T01:59:00+00:00") == "2021年9月21日 9:59"
    assert clerk_time("2021-09-20T23:59:59+08:00") == "2021年9月20日 23:59"
    assert clerk_time(dt.datetime(2021, 10, 5, 9, 5)) == "2021年10月5日 9:05"  # naive: China time
    assert clerk_time("") == ""



def test_messages_carry_the_clerk_date_form_from_their_source(campaign):
    """Dates are written into messages in the one form at the source (clock.human_time), so nothing rewrites
    them on the way to the 回执 or the status page."""
    from toolkit.model import FileVersion
    from toolkit.rules.deadline import late_edit_warning

    fv = FileVersion(path="石家庄/申请表.xlsx", unit="", folder="石家庄", sha256="", size=0, mtime=0,
                     first_seen="2021-09-21T00:59:00+00:00")
    issue = late_edit_warning(fv, campaign, standing="截止前收到的版本仍然有效")
    assert "2021年9月21日 8:59" in issue.message and "2021年9月20日 23:59" in issue.message
    assert not any(form.search(issue.message) for form in OTHER_DATE_FORMS), issue.message


def test_an_unreadable_file_is_in_the_headline(tmp_path, make_form, make_summary, campaign):
    """A unit whose applications all pass but whose folder holds a file that cannot be read still has something
    to handle: the headline says so and names the file; the problem list has it beside the applications."""
    unit = tmp_path / "inbox" / "张家口"
    make_form(unit / "1-华信-申请表.xlsx")
    make_summary(unit / "1-华信-总结材料.docx")
    (unit / "2-燕赵食品-申请表.xlsx").write_bytes(b"PK\x03\x04" + b"\x00" * 300)  # a zip cut short
    report = run(tmp_path / "inbox", tmp_path / "out", campaign, settle=0, workers=1, now=EARLY)
    [app] = [a for a in report.summary["applications"] if a["unit"] == "张家口市工业和信息化局"]
    assert app["status"] == "通过"
    sheets = _cells(tmp_path / "out" / "latest" / "回执" / "张家口市工业和信息化局-回执.xlsx")
    head = _headline(sheets)
    assert head["推荐单位"] == "张家口市工业和信息化局"
    assert "收到 1 项：通过 1 项、需补正 0 项、超出名额 0 项、逾期 0 项、已撤回 0 项" in head["申报情况"]
    todo = re.match(r"还需处理 (\d+) 项", head["还需处理"])
    assert todo and int(todo.group(1)) >= 1, head["还需处理"]
    assert "2-燕赵食品-申请表.xlsx" in head["还需处理"]
    assert head["推荐意见"].startswith("草稿，请勿盖章") and "无法读取" in head["推荐意见"]
    assert head["盖章推荐意见"] == "未收到"
    groups = _groups(sheets["问题及修改方法"])
    assert groups[0][0].startswith("第1位") and "河北华信精密机械有限公司" in groups[0][0]
    assert "未计入上列申报的文件" in groups[-1][0] and groups[-1][1] == ["错误"]
    file_rows = [r for r in sheets["问题及修改方法"] if r[4] and "2-燕赵食品-申请表.xlsx" in str(r[4])]
    assert file_rows and file_rows[0][3] == "文件无法读取" and file_rows[0][5] == "整个文件"
    top = sheets["申报情况"][1][0]
    assert top.startswith("张家口市工业和信息化局：收到 1 项，通过 1 项") and "还需处理 1 项" in top
    assert "推荐意见为草稿，请勿盖章" in top


def test_withdrawn_applications_show_when(tmp_path, make_form, make_summary, campaign):
    unit = tmp_path / "inbox" / "唐山"
    firms = ["唐山华信精密机械有限公司", "唐山恒达轴承有限公司"]
    for n, firm in enumerate(firms, start=1):
        name = f"{firm.removesuffix('有限公司')}推行精益生产的经验"
        make_form(unit / f"{n}-{firm}-申请表.xlsx", 申报单位=firm, 标杆名称=name, 所在地区="唐山市")
        make_summary(unit / f"{n}-{firm}-总结材料.docx", enterprise=firm, name=name)
    ranking_sheet(unit / "推荐排序表.xlsx", [[1, firms[0], "", ""], [2, firms[1], "", "撤回"]])
    run(tmp_path / "inbox", tmp_path / "out", campaign, settle=0, workers=1, now=EARLY)
    sheets = _cells(tmp_path / "out" / "latest" / "回执" / "唐山市工业和信息化局-回执.xlsx")
    assert "已撤回 1 项" in _headline(sheets)["申报情况"]
    rows = {r[1]: r for r in sheets["申报情况"] if r[1] in firms}
    assert rows[firms[1]][3] == "已撤回"
    assert rows[firms[1]][8].startswith("2021年9月1日 10:00撤回"), rows[firms[1]]
    assert rows[firms[0]][3] == "通过"


def test_errors_come_before_hints_within_each_application(demo_run):
    _, outbox, _, _ = demo_run
    mixed = 0
    for path in sorted((outbox / "latest" / "回执").glob("*-回执.xlsx")):
        for heading, levels in _groups(_cells(path)["问题及修改方法"]):
            assert levels == sorted(levels, key=lambda level: level != "错误"), (path.name, heading, levels)
            mixed += "错误" in levels and "提示" in levels
    assert mixed, "the demo should have an application with both errors and hints"


def test_headlines_agree_with_summary(demo_run):
    _, outbox, summary, _ = demo_run
    for unit in summary["units"]:
        sheets = _cells(outbox / "latest" / "回执" / f"{unit['unit']}-回执.xlsx")
        head = _headline(sheets)
        assert head["推荐单位"] == unit["unit"]
        assert (f"收到 {unit['received']} 项：通过 {unit['passed']} 项、需补正 {unit['needs_fix']} 项、"
                f"超出名额 {unit['over_quota']} 项、逾期 {unit['late']} 项、已撤回 {unit['withdrawn']} 项") in head["申报情况"]
        assert head["还需处理"].startswith(f"还需处理 {unit['to_handle']} 项"), (unit["unit"], head["还需处理"])
        if unit["draft_reasons"]:
            assert head["推荐意见"].startswith("草稿，请勿盖章")
            assert all(reason in head["推荐意见"] for reason in unit["draft_reasons"])
        else:
            assert head["推荐意见"].startswith(("正式稿", "本单位尚未报送"))
        assert head["盖章推荐意见"].startswith("已收到" if unit["stamped_opinion"] else "未收到")
    zhangjiakou = _headline(_cells(outbox / "latest" / "回执" / "张家口市工业和信息化局-回执.xlsx"))
    assert "3-张家口燕赵食品有限公司-申请表.xlsx" in zhangjiakou["还需处理"]  # the demo's unreadable file


def test_every_receipt_speaks_a_clerks_words(demo_run):
    """No 'sheet!B7', no machine folder, nothing telling a clerk to run anything, one date form, pages titled."""
    _, outbox, summary, _ = demo_run
    receipts = sorted((outbox / "latest" / "回执").glob("*-回执.xlsx"))
    assert len(receipts) == len(summary["units"]) == 26
    times = 0
    for path in receipts:
        unit = path.name.removesuffix("-回执.xlsx")
        wb = openpyxl.load_workbook(path)
        assert wb.sheetnames == ["申报情况", "问题及修改方法", "收到的文件"]
        for ws in wb.worksheets:
            assert ws.oddHeader.center.text == f"{unit}回执", (path.name, ws.title)
            assert "&P" in ws.oddFooter.center.text
            for row in ws.iter_rows(values_only=True):
                for value in row:
                    if not isinstance(value, str):
                        continue
                    assert not CELL_SYNTAX.search(value), (path.name, ws.title, value)
                    for word in MACHINE_WORDS:
                        assert word not in value, (path.name, ws.title, word, value)
                    for form in OTHER_DATE_FORMS:
                        assert not form.search(value), (path.name, ws.title, value)
                    if re.fullmatch(r"\d{4}年.*\d:\d\d", value):
                        assert CLERK_TIME.match(value), value
                        times += 1
    assert times > 50  # received and first-seen times are cells of their own


def test_location_column_reads_as_a_clerk_reads_it(demo_run):
    """The demo's 承德 form leaves 联系人 (申请表!B7) empty: the receipt says 申请表 B7 单元格."""
    _, outbox, _, _ = demo_run
    rows = _cells(outbox / "latest" / "回执" / "承德市工业和信息化局-回执.xlsx")["问题及修改方法"]
    located = [(row[3], row[5], row[6]) for row in rows[1:] if isinstance(row[0], int)]
    assert ("必填项未填写", "申请表 B7 单元格", "联系人") in located, located


def test_nothing_left_to_handle_says_why_and_a_draft_without_a_table_says_so(tmp_path, make_form, make_summary,
                                                                              campaign):
    """A unit that sent nothing is not told its materials have no errors; a unit whose only application must be
    corrected is not told it is left out of a table its draft 推荐意见 does not print — and one with another that
    passed still is."""
    import json

    day = dt.datetime(2021, 9, 10, 10, 0, tzinfo=CHINA_TZ)
    firms = {"唐山": ["唐山华信精密机械有限公司"], "保定": ["保定华信精密机械有限公司", "保定恒达轴承有限公司"]}
    for folder, names in firms.items():
        for n, firm in enumerate(names, start=1):
            name = f"{firm.removesuffix('有限公司')}推行精益生产的经验"
            make_form(tmp_path / "inbox" / folder / f"{n}-{firm}-申请表.xlsx", 申报单位=firm, 标杆名称=name)
            make_summary(tmp_path / "inbox" / folder / f"{n}-{firm}-总结材料.docx", enterprise=firm, name=name,
                         drop=("企业概况",) if n == 1 else ())
    run(tmp_path / "inbox", tmp_path / "out", campaign, settle=0, workers=1, now=day)
    latest = tmp_path / "out" / "latest"
    units = {u["unit"]: u for u in json.loads((latest / "summary.json").read_text(encoding="utf-8"))["units"]}
    tangshan, baoding = units["唐山市工业和信息化局"], units["保定市工业和信息化局"]
    assert (tangshan["passed"], baoding["passed"]) == (0, 1)
    assert "本单位尚有1项申报需补正（唐山华信精密机械有限公司），补正前不列入推荐意见。" in tangshan["draft_reasons"]
    assert "本单位尚有1项申报需补正（保定华信精密机械有限公司），未列入下表。" in baoding["draft_reasons"]
    silent = _cells(latest / "回执" / "承德市工业和信息化局-回执.xlsx")
    text = "\n".join(str(v) for rows in silent.values() for row in rows for v in row if v)
    assert "还需处理 0 项：本单位尚未报送申报材料。" in text and "没有需要修改的错误" not in text
    sent = _cells(latest / "回执" / "保定市工业和信息化局-回执.xlsx")
    assert "还需处理 1 项" in "\n".join(str(v) for rows in sent.values() for row in rows for v in row if v)


def test_an_ineligible_application_is_not_called_nothing_to_correct(tmp_path, make_form, make_summary, campaign):
    """A unit whose one application is 不符合申报条件 (a loss in 2019) and has a wrong 电话 too: nothing is left to
    补正, but its 回执 said '本单位的申报材料没有需要修改的错误' above the errors it lists — and the loss may be a
    figure typed wrong. It now names the application and says to correct it if so."""
    day = dt.datetime(2021, 9, 10, 10, 0, tzinfo=CHINA_TZ)
    unit = tmp_path / "inbox" / "沧州"
    firm, name = "沧州恒信管道装备有限公司", "沧州恒信管道装备有限公司实施精益生产管理的经验"
    make_form(unit / "1-申请表.xlsx", 申报单位=firm, 标杆名称=name, 所在地区="沧州市", 电话="0317-123",
              利润总额={2018: 3100.0, 2019: -350.0, 2020: 3650.25})
    make_summary(unit / "1-总结材料.docx", enterprise=firm, name=name)
    run(tmp_path / "inbox", tmp_path / "out", campaign, settle=0, workers=1, now=day)
    cells = _cells(tmp_path / "out" / "latest" / "回执" / "沧州市工业和信息化局-回执.xlsx")
    text = "\n".join(str(v) for rows in cells.values() for row in rows for v in row if v)
    assert "不符合申报条件" in text and "电话" in text  # (the errors are listed)
    assert "没有需要修改的错误" not in text
    assert f"1 项不符合申报条件（{firm}），不列入推荐意见，如是填写错误造成的，请按“问题及修改方法”改正后重新报送" in text


def test_a_field_that_only_repeats_the_location_is_not_shown_twice(demo_run):
    """A quota issue is at 推荐顺序 about 推荐顺序: the 位置 column says it, the 栏目 column is left empty (a newcomer
    read 推荐顺序 / 推荐顺序), in the 回执 and in the register's 问题清单."""
    import openpyxl

    _, outbox, summary, _ = demo_run
    [unit] = {a["unit"] for a in summary["applications"] if a["status"] == "超出名额"}
    receipt = openpyxl.load_workbook(outbox / "latest" / "回执" / f"{unit}-回执.xlsx")
    rows = [r for r in receipt["问题及修改方法"].iter_rows(values_only=True) if r[3] == "超出推荐名额"]
    assert rows and all(r[5] == "推荐顺序" and r[6] in (None, "") for r in rows), rows
    register = openpyxl.load_workbook(outbox / "latest" / "省级汇总表.xlsx", read_only=True)
    header, *lines = [r for r in register["问题清单"].iter_rows(values_only=True) if any(r)][1:]
    col = {(name or "").replace("\n", ""): i for i, name in enumerate(header)}  # (headers break)
    quota = [r for r in lines if r[col["问题类型"]] == "超出推荐名额"]
    assert quota and all(r[col["位置"]] == "推荐顺序" and r[col["栏目"]] in (None, "") for r in quota), quota


def test_a_receipt_says_when_its_content_last_changed(tmp_path, make_form, make_summary, campaign):
    """The outputs audit's case 13: a run that changes only 石家庄 reuses 保定's 回执 of the run before — it says
    '本回执内容更新于' that run's time (true of a reused receipt; '本回执生成于' read as this run's and disagreed
    with the status page beside it), and 石家庄's this run's time."""
    campaign = campaign.with_deadline("2099-12-31")
    for folder, region, firm in (("保定", "保定市", "保定华信精密机械有限公司"), ("石家庄", "石家庄市", "石家庄恒达轴承有限公司")):
        name = f"{firm}实施六西格玛设计的经验"
        make_form(tmp_path / "inbox" / folder / "1-申请表.xlsx", 申报单位=firm, 标杆名称=name, 所在地区=region)
        make_summary(tmp_path / "inbox" / folder / "1-总结材料.docx", enterprise=firm, name=name)
    first, second = (dt.datetime(2021, 9, 1, 10, 0, tzinfo=CHINA_TZ), dt.datetime(2021, 9, 2, 15, 30, tzinfo=CHINA_TZ))
    run(tmp_path / "inbox", tmp_path / "out", campaign, settle=0, workers=1, now=first)
    make_form(tmp_path / "inbox" / "石家庄" / "1-申请表.xlsx", 申报单位="石家庄恒达轴承有限公司",
              标杆名称="石家庄恒达轴承有限公司实施六西格玛设计的经验", 所在地区="石家庄市", 联系人="孙丽")
    run(tmp_path / "inbox", tmp_path / "out", campaign, settle=0, workers=1, now=second)

    def said(unit: str) -> str:
        wb = openpyxl.load_workbook(tmp_path / "out" / "latest" / "回执" / f"{unit}-回执.xlsx")
        text = " ".join(str(v) for row in wb["申报情况"].iter_rows(values_only=True) for v in row if v)
        assert "生成于" not in text
        return re.search(r"本回执内容更新于：([^。]+)。", text).group(1)

    assert said("保定市工业和信息化局") == clerk_time(first.isoformat())
    assert said("石家庄市工业和信息化局") == clerk_time(second.isoformat())


def test_a_correction_after_the_deadline_is_not_said_to_belong_to_no_application(tmp_path, make_form, make_summary,
                                                                                  campaign):
    """A corrected 申请表 received after the deadline, beside the on-time version that stands: its deadline.late
    warning names the enterprise, yet the group holding it was headed '本单位文件夹中不属于上列申报的文件问题' in the
    回执 (and likewise on the unit's status page) — it does belong to an application listed above; it is not
    counted in it. The heading says so ('未计入上列申报的文件'), wherever the file-level group is shown."""
    unit = tmp_path / "inbox" / "张家口"
    make_form(unit / "1-华信-申请表.xlsx", 所在地区="张家口市")
    make_summary(unit / "1-华信-总结材料.docx")
    run(tmp_path / "inbox", tmp_path / "out", campaign, settle=0, workers=1, now=EARLY)
    make_form(unit / "1-华信-申请表（修改版）.xlsx", 所在地区="张家口市", 电话="0313-1234567")
    after = dt.datetime(2021, 9, 22, 10, 0, tzinfo=CHINA_TZ)
    run(tmp_path / "inbox", tmp_path / "out", campaign, settle=0, workers=1, now=after)
    latest = tmp_path / "out" / "latest"
    name = "张家口市工业和信息化局"
    groups = _groups(_cells(latest / "回执" / f"{name}-回执.xlsx")["问题及修改方法"])
    assert groups[-1][0].startswith("本单位文件夹中未计入上列申报的文件问题（1 条）") and groups[-1][1] == ["提示"]
    page = (latest / "单位" / name / "index.html").read_text(encoding="utf-8")
    assert "本单位文件夹中未计入上列申报的文件" in page and "截止后的修改不予受理" in page
    for text in (page, "\n".join(g[0] for g in groups)):
        assert "不属于上列申报" not in text
