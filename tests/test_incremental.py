"""A run re-renders only the units whose documents changed; the others' are the last run's, byte for byte."""
from __future__ import annotations

import datetime as dt
import json
import shutil

import docx
from conftest import ROOT

from toolkit.campaign import CHINA_TZ
from toolkit.pipeline import run

DAY = dt.datetime(2021, 9, 10, 10, 0, tzinfo=CHINA_TZ)
ADDED = "本单位已对申报材料的真实性进行了核实。"
UNITS = {"石家庄": "石家庄市工业和信息化局", "保定": "保定市工业和信息化局", "冶金协会": "河北省冶金行业协会"}


def _inbox(tmp_path, make_form, make_summary):
    for folder in UNITS:
        firm = f"河北{folder}示范制造有限公司"
        make_form(tmp_path / "inbox" / folder / "1-申请表.xlsx", 申报单位=firm, 标杆名称=f"{firm}推行精益生产的经验")
        make_summary(tmp_path / "inbox" / folder / "1-总结材料.docx", enterprise=firm, name=f"{firm}推行精益生产的经验")


def _docs(out, unit):
    latest = out / "latest"
    return {kind: (latest / kind / f"{unit}-{kind}{suffix}").read_bytes()
            for kind, suffix in (("回执", ".xlsx"), ("推荐意见", ".docx"), ("推荐排序表", ".xlsx"))}


def test_only_the_changed_unit_is_rendered_again(tmp_path, make_form, make_summary, campaign):
    _inbox(tmp_path, make_form, make_summary)
    out = tmp_path / "out"
    run(tmp_path / "inbox", out, campaign, settle=0, workers=1, now=DAY)
    before = {unit: _docs(out, unit) for unit in UNITS.values()}
    firm = "河北保定示范制造有限公司"
    make_form(tmp_path / "inbox" / "保定" / "1-申请表.xlsx", 申报单位=firm, 标杆名称=f"{firm}推行精益生产的经验",
              电话="0312-5551234")
    report = run(tmp_path / "inbox", out, campaign, settle=0, workers=1, now=DAY + dt.timedelta(hours=1))
    after = {unit: _docs(out, unit) for unit in UNITS.values()}
    assert after["保定市工业和信息化局"]["回执"] != before["保定市工业和信息化局"]["回执"]
    for unit in ("石家庄市工业和信息化局", "河北省冶金行业协会"):
        assert after[unit] == before[unit], unit  # reused, not rendered again
    # the per-unit folders hold the same documents as the province's folders
    for unit in UNITS.values():
        assert (out / "latest" / "单位" / unit / f"{unit}-回执.xlsx").read_bytes() == after[unit]["回执"]
    # and the result is what a cold run over the same inbox gives
    cold = tmp_path / "cold"
    run(tmp_path / "inbox", cold, campaign, settle=0, workers=1, now=DAY + dt.timedelta(hours=1))
    strip = lambda s: {k: v for k, v in s.items() if k not in ("generated_at", "run")}  # noqa: E731
    incremental = json.loads((out / "latest" / "summary.json").read_text(encoding="utf-8"))
    fresh = json.loads((cold / "latest" / "summary.json").read_text(encoding="utf-8"))
    for data in (incremental, fresh):
        for app in data["applications"]:
            app.pop("received_at"), app.pop("versions")
        for f in data["files"]:
            f.pop("first_seen")
    assert strip(incremental) == strip(fresh)
    assert report.run_folder is not None


def test_forced_and_template_changed_runs_render_everything(tmp_path, make_form, make_summary, campaign):
    _inbox(tmp_path, make_form, make_summary)
    out, templates = tmp_path / "out", tmp_path / "templates"
    shutil.copytree(ROOT / "templates", templates)
    run(tmp_path / "inbox", out, campaign, settle=0, workers=1, now=DAY, templates=templates)
    before = {unit: _docs(out, unit) for unit in UNITS.values()}
    # nothing changed: the next day's run publishes nothing new
    assert run(tmp_path / "inbox", out, campaign, settle=0, workers=1, now=DAY + dt.timedelta(days=1),
               templates=templates).unchanged
    assert {unit: _docs(out, unit) for unit in UNITS.values()} == before
    # forced: every unit's documents are written again (their generation time changed)
    run(tmp_path / "inbox", out, campaign, settle=0, workers=1, now=DAY + dt.timedelta(days=1), force=True,
        templates=templates)
    forced = {unit: _docs(out, unit) for unit in UNITS.values()}
    for unit in UNITS.values():
        assert forced[unit]["回执"] != before[unit]["回执"], unit
        assert forced[unit]["推荐意见"] != before[unit]["推荐意见"], unit
    # the opinion template edited in Word: every unit's opinion is rendered from it, without forcing
    opinion = templates / "推荐单位用" / "推荐意见.docx"
    document = docx.Document(str(opinion))
    document.add_paragraph(ADDED)
    document.save(str(opinion))
    run(tmp_path / "inbox", out, campaign, settle=0, workers=1, now=DAY + dt.timedelta(days=2), templates=templates)
    for unit in UNITS.values():
        text = [p.text for p in docx.Document(str(out / "latest" / "推荐意见" / f"{unit}-推荐意见.docx")).paragraphs]
        assert ADDED in text, unit
