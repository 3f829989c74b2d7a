"""Withdrawn or old material a clerk keeps in a sub-folder of the unit's own folder ('已撤回（备查）', '作废', '旧版',
'old'): listed in the 回执, never read as the unit's submissions — moving an application's files there withdraws it,
as moving them out of the unit's folder does (the quota message's advice, SPEC §6 撤回)."""
from __future__ import annotations

import datetime as dt
import json
import shutil

import openpyxl
import pytest

from toolkit.campaign import CHINA_TZ
from toolkit.pipeline import run
from toolkit.units import set_aside_folder

DAY = dt.datetime(2021, 9, 10, 10, 0, tzinfo=CHINA_TZ)
UNIT = "石家庄市工业和信息化局"
FIRMS = ["石家庄华信精密机械有限公司", "石家庄天元药业有限公司", "石家庄联合重工有限公司", "石家庄四药有限公司"]


@pytest.mark.parametrize("path, aside", [
    ("石家庄/已撤回（备查）/2-申请表.xlsx", "已撤回（备查）"),
    ("石家庄/撤回/2-申请表.xlsx", "撤回"),
    ("石家庄/作废材料/x.docx", "作废材料"),
    ("石家庄/2-天元/旧版/2-申请表.xlsx", "旧版"),  # below an enterprise's own sub-folder too
    ("石家庄/old/a.docx", "old"),
    ("石家庄/ＯＬＤ/a.docx", "ＯＬＤ"),  # full-width, as typed
    ("石家庄/backup_0915/a.docx", "backup_0915"),
    ("石家庄/（备查）/a.xlsx", "（备查）"),
    ("石家庄/01-不再推荐/a.xlsx", "01-不再推荐"),
    ("石家庄/企业不参加/a.xlsx", "企业不参加"),
    ("石家庄/历史版本/a.xlsx", "历史版本"),
    ("石家庄/a.xlsx", ""),
    ("石家庄/2-天元/a.xlsx", ""),
    ("已撤回/a.xlsx", ""),  # a top-level folder is a unit's folder (or no unit's), never a set-aside one
    ("石家庄/备查材料/a.pdf", ""),  # the evidence an application is checked against
    ("石家庄/证实性材料（备查）/a.pdf", ""),
    ("石家庄/不撤回/a.xlsx", ""),
    ("石家庄/Golden/a.docx", ""),
    ("石家庄/企业历史沿革/a.pdf", ""),
    # what a review found: withdrawal folders missed before, and folders holding current material set aside
    *[(f"石家庄/{name}/a.xlsx", name) for name in ("放弃申报", "退出", "已撤", "撤出", "不申报", "不报", "已取消",
                                                   "不予推荐", "撤稿", "弃报")],
    *[(f"石家庄/{name}/a.xlsx", "") for name in ("新版（替换旧版）", "重新提交（原版作废）", "修改后（已删除旧文件）",
                                                 "正式版（旧版已删）", "撤回后重新提交", "原撤回项目（恢复申报）",
                                                 "已恢复（原撤回）", "2-河北过期食品处理有限公司", "河北Old Town有限公司",
                                                 "1-无效专利整改项目")],
])
def test_which_sub_folders_set_their_files_aside(path, aside):
    assert set_aside_folder(path) == aside


def _pair(folder, make_form, make_summary, n: int, firm: str) -> None:
    name = f"{firm.removesuffix('有限公司')}推行精益生产的经验"
    make_form(folder / f"{n}-{firm}-申请表.xlsx", 申报单位=firm, 标杆名称=name)
    make_summary(folder / f"{n}-{firm}-总结材料.docx", enterprise=firm, name=name)


def _result(out) -> tuple[dict, dict]:
    summary = json.loads((out / "latest" / "summary.json").read_text(encoding="utf-8"))
    return ({a["enterprise"]: a["status"] for a in summary["applications"]},
            {f["file"]: f for f in summary["files"]})


def _receipt_states(out) -> dict:
    wb = openpyxl.load_workbook(out / "latest" / "回执" / f"{UNIT}-回执.xlsx")
    rows = [r for ws in wb.worksheets for r in ws.iter_rows(values_only=True) if r and r[0]]
    return {r[0]: r[2] for r in rows if isinstance(r[0], str) and r[0].startswith("石家庄/")}


@pytest.mark.parametrize("aside", ["已撤回（备查）", "作废", "old", "2-天元/旧版"])
def test_moving_an_application_into_a_set_aside_folder_withdraws_it(tmp_path, make_form, make_summary, campaign,
                                                                     aside):
    """Four applications, quota three: the fourth is 超出名额. The clerk moves the second's files into a set-aside
    sub-folder of the unit's folder: it is 已撤回, the fourth takes its place, the moved files are listed (回执,
    summary.json) as set aside with no problem of their own."""
    inbox, out = tmp_path / "inbox", tmp_path / "out"
    folder = inbox / "石家庄"
    for n, firm in enumerate(FIRMS, start=1):
        _pair(folder, make_form, make_summary, n, firm)
    run(inbox, out, campaign, settle=0, workers=1, now=DAY)
    statuses, _ = _result(out)
    assert statuses[FIRMS[1]] == "通过" and statuses[FIRMS[3]] == "超出名额"

    target = folder / aside
    target.mkdir(parents=True)
    for path in folder.glob(f"2-{FIRMS[1]}-*"):
        shutil.move(path, target / path.name)
    run(inbox, out, campaign, settle=0, workers=1, now=DAY + dt.timedelta(days=1))
    statuses, files = _result(out)
    assert statuses == {FIRMS[0]: "通过", FIRMS[1]: "已撤回", FIRMS[2]: "通过", FIRMS[3]: "通过"}, statuses
    moved = [f for path, f in files.items() if path.startswith(f"石家庄/{aside}/")]
    assert len(moved) == 2 and all(f["status"] == "set-aside" and not f["issues"] for f in moved), moved
    states = _receipt_states(out)
    assert {states[f"石家庄/{aside}/{p.name}"] for p in target.iterdir()} == {"在撤回、作废或旧版文件夹中（不参加汇总）"}

    # moved back: the application is as it was (received when it first came), the fourth over quota again
    for path in list(target.iterdir()):
        shutil.move(path, folder / path.name)
    run(inbox, out, campaign, settle=0, workers=1, now=DAY + dt.timedelta(days=2))
    statuses, files = _result(out)
    assert statuses[FIRMS[1]] == "通过" and statuses[FIRMS[3]] == "超出名额", statuses
    assert files[f"石家庄/2-{FIRMS[1]}-申请表.xlsx"]["first_seen"].startswith("2021-09-10")


def test_material_set_aside_from_the_start_is_only_listed(tmp_path, make_form, make_summary, campaign):
    """A unit whose set-aside folder holds an old pair, a stamped scan and a broken file when the first run comes:
    one application (the current pair), no error for the set-aside files, no second application, no stamp."""
    inbox, out = tmp_path / "inbox", tmp_path / "out"
    folder = inbox / "石家庄"
    _pair(folder, make_form, make_summary, 1, FIRMS[0])
    _pair(folder / "作废", make_form, make_summary, 2, FIRMS[1])
    (folder / "作废" / f"{UNIT}推荐意见（盖章）.pdf").write_bytes(b"%PDF-1.4\n%%EOF\n")
    (folder / "作废" / "坏文件-申请表.xlsx").write_bytes(b"not a workbook")
    run(inbox, out, campaign, settle=0, workers=1, now=DAY)
    statuses, files = _result(out)
    assert statuses == {FIRMS[0]: "通过"}, statuses
    aside = {path: f for path, f in files.items() if path.startswith("石家庄/作废/")}
    assert len(aside) == 4 and all(f["status"] == "set-aside" and not f["issues"] for f in aside.values()), aside
    summary = json.loads((out / "latest" / "summary.json").read_text(encoding="utf-8"))
    unit = next(u for u in summary["units"] if u["unit"] == UNIT)
    assert not unit["stamped_opinion"] and unit["opinion_final"], unit


def test_evidence_in_a_sub_folder_named_for_checking_stays_with_its_application(tmp_path, make_form, make_summary,
                                                                                 campaign):
    """'证实性材料（备查）' is the evidence an application is checked against, not material set aside: its scan is
    the application's attachment; a '不撤回' folder's pair is an application."""
    inbox, out = tmp_path / "inbox", tmp_path / "out"
    folder = inbox / "石家庄"
    _pair(folder, make_form, make_summary, 1, FIRMS[0])
    evidence = folder / "证实性材料（备查）" / f"1-{FIRMS[0]}-获奖证书.pdf"
    evidence.parent.mkdir()
    evidence.write_bytes(b"%PDF-1.4\n%%EOF\n")
    _pair(folder / "不撤回", make_form, make_summary, 2, FIRMS[1])
    run(inbox, out, campaign, settle=0, workers=1, now=DAY)
    statuses, files = _result(out)
    assert statuses == {FIRMS[0]: "通过", FIRMS[1]: "通过"}, statuses
    entry = files[f"石家庄/证实性材料（备查）/1-{FIRMS[0]}-获奖证书.pdf"]
    assert entry["status"] == "current" and entry["kind"] == "attachment" and entry["enterprise"] == FIRMS[0], entry
