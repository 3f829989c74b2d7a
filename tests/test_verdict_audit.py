"""What a verdict audit and a newcomer's try found said nowhere, now said: a branch applying (the notice asks for
独立法人资格), one enterprise's 申请表 sent again under another 标杆名称 (taken as a new version), a stamped
推荐意见 naming another unit (not this unit's), counts that add up the same in the console, the quota message and
the 回执, and a command started in the wrong folder (where it looked, what to do; no outbox made there)."""
from __future__ import annotations

import datetime as dt
import json

import docx
import openpyxl
import pytest
from conftest import run_cli

from toolkit.campaign import CHINA_TZ
from toolkit.demo import MINIMAL_PDF
from toolkit.pipeline import run
from toolkit.report import end_of_run

DAY = dt.datetime(2021, 9, 10, 10, 0, tzinfo=CHINA_TZ)
UNIT = "唐山市工业和信息化局"


def _summary(out) -> dict:
    return json.loads((out / "latest" / "summary.json").read_text(encoding="utf-8"))


def _pair(folder, make_form, make_summary, firm: str, stem: str = "", name: str = "", **fields):
    name = name or f"{firm}推行精益生产的经验"
    make_form(folder / f"{stem or firm}-申请表.xlsx", 申报单位=firm, 标杆名称=name, **{"所在地区": "唐山市", **fields})
    make_summary(folder / f"{stem or firm}-总结材料.docx", enterprise=firm, name=name)


@pytest.mark.parametrize("firm, branch", [
    ("唐山华信精密机械有限公司石家庄分公司", "分公司"), ("唐山钢铁集团第二分厂", "分厂"),
    ("唐山华信机械有限公司（唐山分公司）", "分公司"), ("唐山华信商贸有限公司迁安分店", "分店"),
    ("唐山华信机械有限公司北京办事处", "办事处"), ("唐山华信机械有限公司唐山分公司（原唐山机械厂）", "分公司"),
    ("唐山华信精密机械有限公司", ""), ("唐山分厂路机械有限公司", ""), ("唐山华信机械有限公司（原唐山钢厂第二分厂）", ""),
])
def test_a_branch_applying_is_not_eligible(tmp_path, make_form, make_summary, campaign, firm, branch):
    """The notice's 申报条件 1 asks for 独立法人资格, which a branch (分公司, 分厂 … — names reserved for branches) has
    not: 不符合申报条件, with the branch word and where to write the legal person's name, and it is not on the
    推荐意见, which certifies '以上企业具有独立法人资格'. (A hint before: the application stayed 通过 and was listed
    on a final 推荐意见 to stamp.) A former name in brackets, a place called 分厂路, are no branch."""
    _pair(tmp_path / "inbox" / "唐山", make_form, make_summary, firm, stem="甲")
    _pair(tmp_path / "inbox" / "唐山", make_form, make_summary, "唐山德隆钢铁有限公司", stem="乙")
    run(tmp_path / "inbox", tmp_path / "out", campaign, settle=0, workers=1, now=DAY)
    [app] = [a for a in _summary(tmp_path / "out")["applications"] if a["enterprise"] == firm]
    said = [i for i in app["issues"] if i["code"] == "eligibility.branch"]
    opinion = docx.Document(str(tmp_path / "out" / "latest" / "推荐意见" / f"{UNIT}-推荐意见.docx"))
    listed = [c.text for t in opinion.tables for r in t.rows for c in r.cells]
    if branch:
        [issue] = said
        assert issue["severity"] == "error" and app["status"] == "不符合申报条件", app
        assert f"（{branch}）" in issue["message"] and "独立法人资格" in issue["message"]
        assert issue["location"] == "申请表!B3" and "申请表 B3 单元格" in issue["message"], issue
        assert firm not in listed and "唐山德隆钢铁有限公司" in listed
    else:
        assert not said and app["status"] == "通过" and firm in listed, app["issues"]


def test_a_form_sent_again_under_another_benchmark_name_is_said(tmp_path, make_form, make_summary, campaign):
    """Same enterprise, same folder, no rank prefixes or sub-folders: the later 申请表 is a new version (as before),
    and the earlier one's other 标杆名称 is now a warning instead of silence; the same name sent twice is not."""
    unit = tmp_path / "inbox" / "唐山"
    firm = "唐山华信精密机械有限公司"
    first, second = f"{firm}推行六西格玛的经验", f"{firm}推行精益生产的经验"
    make_form(unit / "申请表.xlsx", 申报单位=firm, 标杆名称=first, 所在地区="唐山市")
    run(tmp_path / "inbox", tmp_path / "out", campaign, settle=0, workers=1, now=DAY)
    make_form(unit / "申请表（新）.xlsx", 申报单位=firm, 标杆名称=second, 所在地区="唐山市")
    make_form(unit / "申请表（新）副本.xlsx", 申报单位=firm, 标杆名称=second, 所在地区="唐山市")
    make_summary(unit / "总结材料.docx", enterprise=firm, name=second)
    run(tmp_path / "inbox", tmp_path / "out", campaign, settle=0, workers=1, now=DAY + dt.timedelta(hours=1))
    [app] = _summary(tmp_path / "out")["applications"]
    assert app["benchmark_name"] == second
    said = [i for i in app["issues"] if i["code"] == "duplicate.enterprise"]
    assert len(said) == 1 and said[0]["severity"] == "warning", app["issues"]
    assert first in said[0]["message"] and second in said[0]["message"] and "申请表.xlsx" in said[0]["message"]


@pytest.mark.parametrize("scan, counted", [
    ("唐山市工业和信息化局推荐意见（盖章）.pdf", False), ("冶金协会推荐意见（盖章）.pdf", False),
    ("推荐意见（盖章）.pdf", True), ("石家庄市工业和信息化局推荐意见（盖章）.pdf", True),
    ("石家庄市工信局推荐意见（含唐山市企业）.pdf", True),
    ("关于推荐唐山市德龙钢铁有限公司的推荐意见.pdf", True),  # an enterprise's city, not 唐山's bureau
])
def test_a_stamped_opinion_naming_another_unit_is_not_this_units(tmp_path, make_form, make_summary, campaign, scan,
                                                                 counted):
    folder = tmp_path / "inbox" / "石家庄"
    _pair(folder, make_form, make_summary, "石家庄华信精密机械有限公司", 所在地区="石家庄市")
    (folder / scan).write_bytes(MINIMAL_PDF)
    run(tmp_path / "inbox", tmp_path / "out", campaign, settle=0, workers=1, now=DAY)
    summary = _summary(tmp_path / "out")
    [unit] = [u for u in summary["units"] if u["unit"] == "石家庄市工业和信息化局"]
    assert unit["stamped_opinion"] is counted
    [entry] = [f for f in summary["files"] if f["file"].endswith(scan)]
    warned = [i for i in entry["issues"] if "不是本单位" in i["message"]]
    assert bool(warned) is not counted
    if warned:
        assert warned[0]["severity"] == "warning" and "放错了文件夹" in warned[0]["message"]


@pytest.mark.parametrize("own", [True, False])
def test_another_units_ranking_sheet_and_stamp_in_a_units_folder_are_not_its_own(tmp_path, make_form, make_summary,
                                                                                  campaign, own):
    """A clerk saves 保定's 推荐排序表 (downloaded from the province's outputs) and 保定's stamped scan into his own
    folder, beside his own sheet (or without one): neither is taken as his — his order stands (or the file names'
    order), no '没有对应的申报材料' errors for 保定's enterprises, his opinion final — and each file is named with the
    unit its name gives ('保定市工业和信息化局'; before, another unit's sheet replaced his own, and with two scans the
    message named no unit at all)."""
    unit, folder = "石家庄市工业和信息化局", tmp_path / "inbox" / "石家庄"
    firms = ("石家庄华信精密机械有限公司", "石家庄天元药业有限公司")
    for n, firm in enumerate(firms, start=1):
        _pair(folder, make_form, make_summary, firm, stem=f"{n}-{firm}", 所在地区="石家庄市")
    other = openpyxl.Workbook()
    other.active.append(["推荐顺序", "申报单位", "标杆名称"])
    other.active.append([1, "保定天威仪表有限公司", "保定天威仪表有限公司推行精益生产的经验"])
    other.save(folder / "保定市工业和信息化局-推荐排序表.xlsx")
    (folder / "保定市工业和信息化局推荐意见（盖章）.pdf").write_bytes(MINIMAL_PDF)
    if own:
        mine = openpyxl.Workbook()
        mine.active.append(["推荐顺序", "申报单位"])
        mine.active.append([1, firms[1]])
        mine.active.append([2, firms[0]])
        mine.save(folder / f"{unit}-推荐排序表.xlsx")
        (folder / f"{unit}推荐意见（盖章）.pdf").write_bytes(MINIMAL_PDF)
    run(tmp_path / "inbox", tmp_path / "out", campaign, settle=0, workers=1, now=DAY)
    summary = _summary(tmp_path / "out")
    order = [a["enterprise"] for a in sorted(summary["applications"], key=lambda a: a["rank"])]
    assert order == ([firms[1], firms[0]] if own else list(firms))
    assert all(a["status"] == "通过" and not a["issues"] for a in summary["applications"]), summary["applications"]
    [status] = [u for u in summary["units"] if u["unit"] == unit]
    assert status["stamped_opinion"] is own and status["rank_source"] == ("推荐排序表" if own else "文件名序号")
    receipt = openpyxl.load_workbook(tmp_path / "out" / "latest" / "回执" / f"{unit}-回执.xlsx")
    states = {r[0]: r[2] for ws in receipt.worksheets for r in ws.iter_rows(values_only=True) if r and r[0]}
    for name in ("保定市工业和信息化局-推荐排序表.xlsx", "保定市工业和信息化局推荐意见（盖章）.pdf"):
        [entry] = [f for f in summary["files"] if f["file"] == f"石家庄/{name}"]
        [issue] = entry["issues"]
        assert issue["severity"] == "warning" and "写的是“保定市工业和信息化局”，不是本单位" in issue["message"], issue
        # (not listed as 有效 beside that hint: the clerk sees it was not used)
        assert entry["status"] == "misplaced" and states[f"石家庄/{name}"] == "文件名写的是其他推荐单位（未采用）"


@pytest.mark.parametrize("name, folder_unit, other", [
    # the unit's own association spelled as clerks write it, another unit named for the enterprises it covers
    ("河北省纺织服装行业协会推荐排序表（含石家庄市工信局推荐企业）.xlsx", "河北省纺织与服装行业协会", ""),
    ("河北省建材工业协会推荐意见.pdf", "河北省建筑材料工业协会", ""),
    ("唐山推荐排序表（含冶金协会会员企业）.xlsx", "唐山市工业和信息化局", ""),
    ("推荐排序表（保定市工信局推荐的企业）.xlsx", "石家庄市工业和信息化局", ""),
    ("关于推荐唐山市德龙钢铁有限公司的推荐意见.pdf", "河北省冶金行业协会", ""),
    ("推荐意见（盖章）.pdf", "河北省冶金行业协会", ""),
    # another unit as the sender, however spelled
    ("冶金协会推荐意见（盖章）.pdf", "唐山市工业和信息化局", "冶金协会"),
    ("保定市工业和信息化局-推荐排序表.xlsx", "石家庄市工业和信息化局", "保定市工业和信息化局"),
    ("河北省建材工业协会推荐意见.pdf", "河北省冶金行业协会", "河北省建筑材料工业协会"),
    ("河北省纺织服装行业协会-推荐排序表.xlsx", "石家庄市工业和信息化局", "河北省纺织与服装行业协会"),
    ("河北省质量文化协会推荐意见.pdf", "河北省质量协会", "河北省质量文化协会"),
    ("河北省质量协会推荐意见.pdf", "河北省质量文化协会", "河北省质量协会"),
])
def test_a_file_names_another_unit_only_as_its_sender(campaign, name, folder_unit, other):
    """Which other unit a ranking sheet's or stamped scan's file name gives as its sender (it is then not the folder's
    unit's): the folder's own unit however its association is spelled names none, nor a unit written for the
    enterprises it covers ('含…推荐企业', '…会员企业')."""
    from toolkit.assemble import _other_unit_named

    assert _other_unit_named(name, campaign.unit(folder_unit), campaign) == other


def test_a_units_sheet_with_its_name_spelled_otherwise_is_its_order(tmp_path, make_form, make_summary, campaign):
    """The last review's case: 纺织与服装's own sheet, named '河北省纺织服装行业协会推荐排序表（含石家庄市工信局推荐
    企业）', orders its applications (it was taken as 石家庄's, misplaced, and the file names' order stood)."""
    folder = tmp_path / "inbox" / "纺织服装协会"
    firms = ("河北宏润纺织有限公司", "石家庄常山纺织股份有限公司")
    for firm in firms:
        _pair(folder, make_form, make_summary, firm)
    wb = openpyxl.Workbook()
    wb.active.append(["推荐顺序", "申报单位"])
    wb.active.append([1, firms[1]])
    wb.active.append([2, firms[0]])
    sheet = "河北省纺织服装行业协会推荐排序表（含石家庄市工信局推荐企业）.xlsx"
    wb.save(folder / sheet)
    run(tmp_path / "inbox", tmp_path / "out", campaign, settle=0, workers=1, now=DAY)
    summary = _summary(tmp_path / "out")
    apps = sorted((a for a in summary["applications"]), key=lambda a: a["rank"])
    assert [a["enterprise"] for a in apps] == [firms[1], firms[0]]
    [status] = [u for u in summary["units"] if u["unit"] == "河北省纺织与服装行业协会"]
    assert status["rank_source"] == "推荐排序表"
    [entry] = [f for f in summary["files"] if f["file"].endswith(sheet)]
    assert entry["status"] == "current" and not entry["issues"], entry


@pytest.mark.parametrize("second, said", [("reversed", True), ("same", False), ("next run", False)])
def test_ranking_sheets_dropped_in_together_with_other_orders_are_said(tmp_path, make_form, make_summary, campaign,
                                                                       second, said):
    """'推荐排序表.xlsx' and '推荐排序表(1).xlsx' first seen in one run, ordering the two applications the other way
    round: the later modified one is taken (as before) and now said, with both names; the same order twice, or a
    sheet sent in a later run (a new version), says nothing."""
    import os

    unit, folder = "石家庄市工业和信息化局", tmp_path / "inbox" / "石家庄"
    firms = ("石家庄华信精密机械有限公司", "石家庄天元药业有限公司")
    for firm in firms:
        _pair(folder, make_form, make_summary, firm, 所在地区="石家庄市")

    def sheet(name: str, order) -> None:
        wb = openpyxl.Workbook()
        wb.active.append(["推荐顺序", "申报单位"])
        for n, firm in enumerate(order, start=1):
            wb.active.append([n, firm])
        wb.save(folder / name)

    sheet("推荐排序表.xlsx", firms)
    if second == "next run":
        run(tmp_path / "inbox", tmp_path / "out", campaign, settle=0, workers=1, now=DAY)
    sheet("推荐排序表(1).xlsx", firms[::-1] if second != "same" else firms)
    os.utime(folder / "推荐排序表(1).xlsx", (1631260800, 1631260800))  # (2021-09-10 16:00: modified last)
    os.utime(folder / "推荐排序表.xlsx", (1631253600, 1631253600))
    run(tmp_path / "inbox", tmp_path / "out", campaign, settle=0, workers=1, now=DAY + dt.timedelta(hours=1))
    summary = _summary(tmp_path / "out")
    taken = firms[::-1] if second != "same" else firms
    assert [a["enterprise"] for a in sorted(summary["applications"], key=lambda a: a["rank"])] == list(taken)
    [entry] = [f for f in summary["files"] if f["file"] == "石家庄/推荐排序表(1).xlsx"]
    warned = [i for i in entry["issues"] if "同时收到了几份推荐顺序不同的推荐排序表" in i["message"]]
    assert bool(warned) is said, entry["issues"]
    if said:
        assert warned[0]["severity"] == "warning" and "“推荐排序表.xlsx”" in warned[0]["message"]
        receipt = openpyxl.load_workbook(tmp_path / "out" / "latest" / "回执" / f"{unit}-回执.xlsx")
        texts = [v for ws in receipt.worksheets for row in ws.iter_rows(values_only=True) for v in row if v]
        assert any("已按修改时间最晚的“推荐排序表(1).xlsx”排序" in str(t) for t in texts)


def test_a_renamed_form_received_late_is_no_new_version_and_not_said_to_be(tmp_path, make_form, make_summary,
                                                                            campaign):
    """The re-titled 申请表 came after the deadline: the on-time one counts (a late-version), and no warning tells
    the clerk the later one counts and to delete the old one (which would delete the one that counts)."""
    unit = tmp_path / "inbox" / "唐山"
    firm = "唐山华信精密机械有限公司"
    first, second = f"{firm}推行六西格玛的经验", f"{firm}推行精益生产的经验"
    make_form(unit / "申请表.xlsx", 申报单位=firm, 标杆名称=first, 所在地区="唐山市")
    make_summary(unit / "总结材料.docx", enterprise=firm, name=first)
    run(tmp_path / "inbox", tmp_path / "out", campaign, settle=0, workers=1, now=DAY)
    make_form(unit / "申请表（新）.xlsx", 申报单位=firm, 标杆名称=second, 所在地区="唐山市")
    late = campaign.deadline + dt.timedelta(days=1)
    run(tmp_path / "inbox", tmp_path / "out", campaign, settle=0, workers=1, now=late)
    summary = _summary(tmp_path / "out")
    [app] = summary["applications"]
    assert app["benchmark_name"] == first and app["status"] == "通过"
    assert not [i for i in app["issues"] if i["code"] == "duplicate.enterprise"], app["issues"]
    [late] = [f for f in summary["files"] if f["file"].endswith("申请表（新）.xlsx")]
    assert late["status"] == "late-version"


def test_counts_agree_in_the_console_the_quota_message_and_the_receipt(tmp_path, make_form, make_summary, campaign):
    """Five applications, one 不符合申报条件: four take a place, quota 3 — the console says 占名额的申报 4 项 as the quota
    message says 共4项 (before: '（5/3）'), and the 回执's first line counts the 不符合申报条件 one."""
    unit = tmp_path / "inbox" / "唐山"
    for n in range(1, 6):
        extra = {"利润总额": {2018: 50, 2019: -120, 2020: 70}} if n == 5 else {}
        _pair(unit, make_form, make_summary, f"唐山第{n}机械有限公司", stem=f"{n}-第{n}", **extra)
    report = run(tmp_path / "inbox", tmp_path / "out", campaign, settle=0, workers=1, now=DAY)
    summary = _summary(tmp_path / "out")
    assert sorted(a["status"] for a in summary["applications"]) == ["不符合申报条件", "超出名额", "通过", "通过", "通过"]
    [over] = [i for a in summary["applications"] for i in a["issues"] if i["code"] == "quota.exceeded"]
    assert "本单位可推荐的申报共4项，名额为3项" in over["message"]
    text = end_of_run(report, campaign, inbox=tmp_path / "inbox", outbox=tmp_path / "out")
    assert f"超出名额的推荐单位 1 个：{UNIT}（占名额的申报 4 项，名额 3 项）" in text, text
    receipt = openpyxl.load_workbook(tmp_path / "out" / "latest" / "回执" / f"{UNIT}-回执.xlsx").worksheets[0]
    top = next(v for row in receipt.iter_rows(values_only=True) for v in row if isinstance(v, str) and "收到" in v)
    assert "收到 5 项，通过 3 项、需补正 0 项、超出名额 1 项、逾期 0 项、不符合申报条件 1 项、已撤回 0 项" in top, top


@pytest.mark.parametrize("command", ["batch", "watch"])
def test_a_command_started_in_the_wrong_folder_says_where_it_looked(tmp_path, command):
    done = run_cli(command, cwd=tmp_path, timeout=120)
    assert done.returncode == 2, done.stdout + done.stderr
    said = done.stdout + done.stderr
    assert f"收件箱文件夹不存在：{tmp_path / 'inbox'}" in said and str(tmp_path) in said and "--inbox" in said, said
    assert "Traceback" not in said
    assert not (tmp_path / "outbox").exists()  # no log folder made where a wrong start pointed
