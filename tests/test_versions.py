"""Re-submissions: the newest version wins, older ones stay listed, first-seen times are kept across runs."""
from __future__ import annotations

import datetime as dt
import json

from toolkit.campaign import load_campaign
from toolkit.pipeline import run

T0 = dt.datetime(2021, 9, 10, 9, 0, tzinfo=dt.timezone(dt.timedelta(hours=8)))


def _summary(out):
    return json.loads((out / "latest" / "summary.json").read_text(encoding="utf-8"))


def test_resubmission_supersedes_and_keeps_history(tmp_path, make_form, make_summary):
    campaign = load_campaign()
    inbox, out = tmp_path / "inbox", tmp_path / "outbox"
    make_form(inbox / "保定" / "1-申请表.xlsx")
    make_summary(inbox / "保定" / "1-总结材料.docx")
    make_form(inbox / "保定" / "2-申请表.xlsx", 申报单位="保定天威仪表有限公司",
              标杆名称="保定天威仪表有限公司推行精益生产的经验")
    make_summary(inbox / "保定" / "2-总结材料.docx", enterprise="保定天威仪表有限公司",
                 name="保定天威仪表有限公司推行精益生产的经验")
    first = run(inbox, out, campaign, now=T0, settle=0)
    s1 = _summary(out)
    times1 = {f["file"]: f["first_seen"] for f in s1["files"]}
    assert first.parsed == 4 and s1["applications"][0]["versions"] == 1

    # a corrected form arrives later as a new file for the same enterprise
    later = T0 + dt.timedelta(days=2)
    make_form(inbox / "保定" / "1-申请表（修改版）.xlsx", 联系人="李娜")
    second = run(inbox, out, campaign, now=later, settle=0)
    s2 = _summary(out)
    assert second.parsed == 1 and second.cached == 4  # unchanged files are not parsed again
    app = next(a for a in s2["applications"] if a["enterprise"] == "河北华信精密机械有限公司")
    assert app["files"][0] == "保定/1-申请表（修改版）.xlsx"
    assert app["fields"]["联系人"] == "李娜"
    assert app["versions"] == 2
    assert app["superseded_files"] == ["保定/1-申请表.xlsx"]
    import openpyxl
    rows = list(openpyxl.load_workbook(out / "latest" / "省级汇总表.xlsx", read_only=True)["全部申报"].iter_rows(
        values_only=True))
    header = [(name or "").replace("\n", "") for name in rows[1]]  # (headers break where they read well)
    row = next(r for r in rows[2:] if r[header.index("申报单位")] == "河北华信精密机械有限公司")
    assert row[header.index("版本数")] == 2 and row[header.index("状态")] == "通过"
    files = {f["file"]: f for f in s2["files"]}
    assert files["保定/1-申请表.xlsx"]["status"] == "superseded"
    assert files["保定/1-申请表（修改版）.xlsx"]["status"] == "current"
    for path, seen in times1.items():
        assert files[path]["first_seen"] == seen, path  # untouched files keep their received time
    assert files["保定/1-申请表（修改版）.xlsx"]["first_seen"] == later.isoformat(timespec="seconds")
    assert len(s2["applications"]) == 2

    # the same path overwritten: the journal remembers both versions
    make_form(inbox / "保定" / "2-申请表.xlsx", 申报单位="保定天威仪表有限公司", 联系人="赵磊",
              标杆名称="保定天威仪表有限公司推行精益生产的经验")
    run(inbox, out, campaign, now=later + dt.timedelta(days=1), settle=0)
    s3 = _summary(out)
    app2 = next(a for a in s3["applications"] if a["enterprise"] == "保定天威仪表有限公司")
    assert app2["fields"]["联系人"] == "赵磊" and app2["versions"] == 2
    assert len(list((out / "runs").iterdir())) == 3
    assert (out / "latest").resolve().name == sorted(p.name for p in (out / "runs").iterdir())[-1]


def test_first_run_uses_file_time_and_late_files_are_flagged(tmp_path, make_form, make_summary):
    import os
    campaign = load_campaign()
    inbox, out = tmp_path / "inbox", tmp_path / "outbox"
    a = make_form(inbox / "沧州" / "申请表.xlsx")
    b = make_summary(inbox / "沧州" / "总结材料.docx")
    before = dt.datetime(2021, 9, 19, 12, 0, tzinfo=dt.timezone(dt.timedelta(hours=8))).timestamp()
    for p in (a, b):
        os.utime(p, (before, before))
    run(inbox, out, campaign, now=T0 + dt.timedelta(days=30), settle=0)
    [app] = _summary(out)["applications"]
    assert app["status"] == "通过" and app["received_at"].startswith("2021-09-19")
    # a file that arrives after the deadline on a later run is late
    make_form(inbox / "沧州" / "2-申请表.xlsx", 申报单位="沧州新元装备有限公司", 标杆名称="沧州新元装备有限公司实施精益的经验")
    run(inbox, out, campaign, now=T0 + dt.timedelta(days=31), settle=0)
    apps = {x["enterprise"]: x for x in _summary(out)["applications"]}
    late = apps["沧州新元装备有限公司"]
    assert late["status"] == "逾期"
    assert any(i["code"] == "deadline.late" and "逾期不再受理" in i["message"] for i in late["issues"])
    assert apps["河北华信精密机械有限公司"]["status"] == "通过"


def test_killed_run_leaves_latest_complete(tmp_path, make_form, make_summary, monkeypatch):
    """A run that dies while writing outputs never changes latest/, and the next run cleans up after it."""
    import toolkit.render.receipt as receipt

    campaign = load_campaign().with_deadline("2099-12-31")
    inbox, out = tmp_path / "inbox", tmp_path / "outbox"
    make_form(inbox / "邯郸" / "申请表.xlsx")
    make_summary(inbox / "邯郸" / "总结材料.docx")
    run(inbox, out, campaign, settle=0)
    before = (out / "latest" / "summary.json").read_text(encoding="utf-8")
    make_form(inbox / "邯郸" / "2-申请表.xlsx", 申报单位="邯郸金石药业有限公司", 标杆名称="邯郸金石药业有限公司实施QC小组活动的经验")

    def boom(*args, **kwargs):
        raise KeyboardInterrupt("killed")

    monkeypatch.setattr(receipt, "write_receipt", boom)
    try:
        run(inbox, out, campaign, settle=0, force=True)
    except KeyboardInterrupt:
        pass
    assert (out / "latest" / "summary.json").read_text(encoding="utf-8") == before
    assert list((out / "runs").glob(".*.partial"))
    assert not (out / ".state" / "run.lock").exists()
    monkeypatch.undo()
    import os
    import time
    for leftover in (out / "runs").glob(".*.partial"):  # the killed run was long ago
        os.utime(leftover, (time.time() - 7200, time.time() - 7200))
    run(inbox, out, campaign, settle=0)
    assert not list((out / "runs").glob(".*.partial"))
    assert len(_summary(out)["applications"]) == 2


def test_file_resaved_after_the_deadline_keeps_its_on_time_version(tmp_path, make_form, make_summary):
    """Excel may re-save a file just by opening it: an edit after the deadline must not make it 逾期."""
    campaign = load_campaign()  # deadline 2021-09-20
    inbox, out = tmp_path / "inbox", tmp_path / "outbox"
    make_form(inbox / "唐山" / "申请表.xlsx")
    make_summary(inbox / "唐山" / "总结材料.docx")
    run(inbox, out, campaign, now=T0, settle=0)  # read on 2021-09-10
    make_form(inbox / "唐山" / "申请表.xlsx", 联系人="改过的人")  # overwritten in place after the deadline
    run(inbox, out, campaign, now=T0 + dt.timedelta(days=15), settle=0)
    [app] = _summary(out)["applications"]
    assert app["status"] == "通过" and app["fields"]["联系人"] == "张伟"
    assert app["received_at"].startswith("2021-09-10")
    late = [i for i in app["issues"] if i["code"] == "deadline.late"]
    assert late and late[0]["severity"] == "warning" and "不予受理" in late[0]["message"]


def _renamed(tmp_path, make_form, make_summary, before: str, after: str, *, into: str = "") -> dict:
    """A pair received on 2021-09-10 in folder ``before``; after the deadline the folder is renamed ``after`` (the
    files moved into ``into`` inside it, when given), bytes unchanged: the application as the second run sees
    it."""
    campaign = load_campaign()  # deadline 2021-09-20
    inbox, out = tmp_path / "inbox", tmp_path / "outbox"
    make_form(inbox / before / "1-申请表.xlsx", 所在地区="廊坊市")
    make_summary(inbox / before / "1-总结材料.docx")
    run(inbox, out, campaign, now=T0, settle=0)
    target = inbox / after / into
    target.mkdir(parents=True, exist_ok=True)
    for path in sorted((inbox / before).iterdir()):
        path.rename(target / path.name)
    (inbox / before).rmdir()
    run(inbox, out, campaign, now=T0 + dt.timedelta(days=15), settle=0)
    return _summary(out)


def test_renaming_a_unit_folder_after_the_deadline_keeps_the_receipt_time(tmp_path, make_form, make_summary):
    """A clerk renames '廊坊' to the unit's full name after the deadline: the same bytes for the same unit keep
    the time they were first received (they were 逾期 before: the receipt time was kept per folder name only)."""
    summary = _renamed(tmp_path, make_form, make_summary, "廊坊", "廊坊市工业和信息化局")
    [app] = [a for a in summary["applications"] if a["status"] != "已撤回"]
    assert app["status"] == "通过" and app["received_at"].startswith("2021-09-10")
    assert not [i for i in app["issues"] if i["code"] == "deadline.late"]
    assert app["unit"] == "廊坊市工业和信息化局" and app["files"][0].startswith("廊坊市工业和信息化局/")


def test_moving_into_a_renamed_unit_folders_subfolder_keeps_the_receipt_time(tmp_path, make_form, make_summary):
    summary = _renamed(tmp_path, make_form, make_summary, "廊坊市工信局", "08-廊坊", into="河北华信精密机械")
    [app] = [a for a in summary["applications"] if a["status"] != "已撤回"]
    assert app["status"] == "通过" and app["received_at"].startswith("2021-09-10")


def test_files_moved_to_another_units_folder_after_the_deadline_are_a_late_receipt(tmp_path, make_form,
                                                                                    make_summary):
    """The same bytes in another unit's folder are that unit's submission, received when they arrived there."""
    summary = _renamed(tmp_path, make_form, make_summary, "廊坊", "衡水")
    [app] = [a for a in summary["applications"] if a["unit"] == "衡水市工业和信息化局"]
    assert app["status"] == "逾期" and app["received_at"].startswith("2021-09-25")


def test_a_file_dropped_at_the_inbox_root_and_moved_into_a_unit_after_the_deadline_is_late(tmp_path, make_form,
                                                                                            make_summary):
    """A file at the inbox's root belongs to no unit, whatever its name says ('保定-申请表.xlsx'): moved into
    保定's folder after the deadline, it is 保定's receipt then (its root name is no unit folder)."""
    campaign = load_campaign()
    inbox, out = tmp_path / "inbox", tmp_path / "outbox"
    make_form(inbox / "保定-申请表.xlsx", 所在地区="保定市")
    make_summary(inbox / "保定-总结材料.docx")
    run(inbox, out, campaign, now=T0, settle=0)
    (inbox / "保定").mkdir()
    for name in ("保定-申请表.xlsx", "保定-总结材料.docx"):
        (inbox / name).rename(inbox / "保定" / name)
    run(inbox, out, campaign, now=T0 + dt.timedelta(days=15), settle=0)
    [app] = [a for a in _summary(out)["applications"] if a["unit"] == "保定市工业和信息化局"]
    assert app["status"] == "逾期" and app["received_at"].startswith("2021-09-25")


def test_what_an_older_version_said_is_not_counted(tmp_path, make_form, make_summary):
    """A 总结材料 with the template's guidance left in (a hint), then corrected under another name: the newer one
    counts, and the older one's hint is no longer listed nor counted — it was, in the 回执, the 问题清单 and the
    console's '其他文件问题：提示 1 条', and no correction could clear it (the newcomer's try). Likewise an older
    推荐排序表's warnings (an undecided '可能撤回')."""
    import openpyxl

    campaign = load_campaign()
    inbox, out = tmp_path / "inbox", tmp_path / "outbox"
    make_form(inbox / "石家庄" / "1-申请表.xlsx")
    make_summary(inbox / "石家庄" / "1-总结材料.docx",
                 摘要="（摘要不超过500字，简要介绍标杆的主要内容。填写时请删除本段说明。）本公司推行六西格玛设计，成效显著。" * 2)
    sheet = openpyxl.Workbook()
    sheet.active.append(["推荐顺序", "申报单位", "备注"])
    sheet.active.append([1, "河北华信精密机械有限公司", "可能撤回"])
    sheet.save(inbox / "石家庄" / "推荐排序表.xlsx")
    run(inbox, out, campaign, now=T0, settle=0)
    before = {f["file"]: [i["code"] for i in f["issues"]] for f in _summary(out)["files"]}
    assert "section.guidance" in before["石家庄/1-总结材料.docx"] and before["石家庄/推荐排序表.xlsx"], before
    make_summary(inbox / "石家庄" / "1-总结材料（修改版）.docx")
    sheet.active["C2"] = ""
    sheet.save(inbox / "石家庄" / "推荐排序表（新）.xlsx")
    run(inbox, out, campaign, now=T0 + dt.timedelta(days=1), settle=0)
    s = _summary(out)
    files = {f["file"]: f for f in s["files"]}
    for old in ("石家庄/1-总结材料.docx", "石家庄/推荐排序表.xlsx"):
        assert files[old]["status"] == "superseded" and files[old]["issues"] == [], files[old]
    assert s["counts"]["warnings"] == 0, s["counts"]
    [app] = s["applications"]
    assert app["status"] == "通过" and not app["issues"], app["issues"]
