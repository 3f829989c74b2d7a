"""The console's end of run comes from the run's brief (pipeline.run_brief), computed from the result: it must say what
summary.json says, without the run keeping or reading back a national-size summary."""
from __future__ import annotations

import datetime as dt
import json

from toolkit.campaign import CHINA_TZ
from toolkit.pipeline import SHOWN, run, run_brief
from toolkit.report import end_of_run

NOW = dt.datetime(2021, 9, 1, 10, 0, tzinfo=CHINA_TZ)


def _from_summary(summary: dict) -> dict:
    """The figures as the console computed them from summary.json before the brief held them (the reference)."""
    apps, files = summary["applications"], summary["files"]
    in_apps = {(i["code"], i["file"], i["location"], i["message"]) for a in apps for i in a["issues"]}
    file_only = [i for f in files for i in f["issues"]
                 if (i["code"], i["file"], i["location"], i["message"]) not in in_apps]
    app_issues = [i for a in apps for i in a["issues"]]
    statuses: dict = {}
    for a in apps:
        statuses[a["status"]] = statuses.get(a["status"], 0) + 1
    # (what takes a place: the count the quota message gives, not all the unit sent)
    over = [[u["unit"], u["received"] - u["late"] - u["ineligible"] - u["withdrawn"], u["quota"]]
            for u in summary["units"] if u["over_quota"]]
    pending = [f["file"] for f in files if f["status"] == "pending"]
    unassigned = [f["file"] for f in files if f["status"] == "unassigned"]
    return {"applications": len(apps), "statuses": statuses,
            "submitted": sum(1 for u in summary["units"] if u["received"]), "units": len(summary["units"]),
            "stamped": sum(1 for u in summary["units"] if u["stamped_opinion"]),
            "errors": summary["counts"]["errors"], "warnings": summary["counts"]["warnings"],
            "application_errors": sum(1 for i in app_issues if i["severity"] == "error"),
            "application_warnings": sum(1 for i in app_issues if i["severity"] != "error"),
            "file_errors": sum(1 for i in file_only if i["severity"] == "error"),
            "file_warnings": sum(1 for i in file_only if i["severity"] != "error"),
            "ignored": sum(1 for f in files if f["status"] == "ignored"),
            "over_quota": len(over), "over_quota_shown": over[:SHOWN],
            "pending": len(pending), "pending_shown": pending[:SHOWN],
            "unassigned": len(unassigned), "unassigned_shown": unassigned[:SHOWN]}


def test_brief_says_what_summary_json_says(tmp_path, make_form, make_summary, campaign):
    inbox = tmp_path / "inbox"
    for n in range(1, 5):  # 石家庄 over its quota of 3
        firm = f"河北石家庄第{n}示范制造有限公司"
        make_form(inbox / "石家庄" / f"{n}-申请表.xlsx", 申报单位=firm, 标杆名称=f"{firm}推行精益生产的经验")
        make_summary(inbox / "石家庄" / f"{n}-总结材料.docx", enterprise=firm, name=f"{firm}推行精益生产的经验")
    for n in range(1, 8):  # 8 units over quota: more than the console names
        folder = ("唐山", "秦皇岛", "邯郸", "邢台", "保定", "张家口", "承德")[n - 1]
        for k in range(4):
            firm = f"河北{folder}第{k}制造有限公司"
            make_form(inbox / folder / f"{k}-申请表.xlsx", 申报单位=firm, 标杆名称=f"{firm}推行精益生产的经验")
    firm = "河北沧州示范制造有限公司"
    make_form(inbox / "沧州" / "1-申请表.xlsx", 申报单位=firm, 标杆名称=f"{firm}推行精益生产的经验")
    (inbox / "沧州" / "2-总结材料.docx").write_bytes(b"PK\x03\x04 not a document")  # a file-only error
    (inbox / "沧州" / "~$1-申请表.xlsx").write_bytes(b"owner file")  # Office's lock file: ignored
    make_form(inbox / "不认识的单位" / "1-申请表.xlsx", 申报单位="河北某公司")  # no such unit: unassigned

    report = run(inbox, tmp_path / "out", campaign, settle=0, workers=1, now=NOW)
    assert report.summary_data is None  # the run keeps no summary
    summary = json.loads((report.latest / "summary.json").read_text(encoding="utf-8"))
    expected = _from_summary(summary)
    assert report.brief == run_brief(report.result) == expected
    assert expected["over_quota"] == 8 and len(expected["over_quota_shown"]) == SHOWN
    assert expected["ignored"] == 1 and expected["unassigned"] == 1 and expected["file_errors"] >= 1
    assert expected["application_errors"] > 0
    every = report.result.issues  # the counts' one source (Assembled.severity_counts), counted here again
    assert (expected["errors"], expected["warnings"]) == (sum(i.severity == "error" for i in every),
                                                          sum(i.severity == "warning" for i in every))

    text = end_of_run(report, campaign, inbox=inbox, outbox=tmp_path / "out")
    assert "另有临时文件 1 个已忽略" in text
    assert (f"问题：申报项目错误 {expected['application_errors']} 条、提示 {expected['application_warnings']} 条；"
            f"其他文件问题：错误 {expected['file_errors']} 条、提示 {expected['file_warnings']} 条") in text
    assert "超出名额的推荐单位 8 个：石家庄市工业和信息化局（占名额的申报 4 项，名额 3 项）、" in text and "……" in text
    assert "未归属推荐单位的文件 1 个：不认识的单位/1-申请表.xlsx" in text
    assert report.summary_data is None  # printing read nothing back

    again = run(inbox, tmp_path / "out", campaign, settle=0, workers=1, now=NOW)
    assert again.unchanged and again.brief == expected  # kept in last_run.json


def test_an_unchanged_run_without_a_kept_brief_shows_no_made_up_figures(tmp_path, campaign):
    """State written before briefs were kept gives an unchanged run no figures: the console says where they are
    instead of printing zeros."""
    from toolkit.pipeline import RunReport

    report = RunReport(run_folder=None, latest=tmp_path / "latest", files=12, unchanged=True, brief={})
    text = end_of_run(report, campaign, inbox=tmp_path / "inbox", outbox=tmp_path / "out")
    assert "收件箱无变化" in text and "共 0 项" not in text and "各项数字见上次结果" in text
    kept = RunReport(run_folder=None, latest=tmp_path / "latest", files=12, unchanged=True,
                     brief={"applications": 3, "statuses": {"通过": 3}, "submitted": 1, "units": 26, "stamped": 0})
    assert "申报：共 3 项，通过 3" in end_of_run(kept, campaign, inbox=tmp_path / "inbox", outbox=tmp_path / "out")
