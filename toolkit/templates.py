"""``run.py templates``: the blank forms handed to enterprises and units (templates/ is committed)."""
from __future__ import annotations

from pathlib import Path

from .campaign import Campaign
from .render.forms import write_form, write_summary
from .render.opinion import build_opinion_template
from .render.ranking_sheet import write_ranking_sheet

FORM = "申请表.xlsx"
SUMMARY = "总结材料.docx"
OPINION = "推荐意见.docx"
RANKING = "推荐排序表.xlsx"


def write_templates(out: Path, campaign: Campaign) -> list[Path]:
    out.mkdir(parents=True, exist_ok=True)
    write_form(str(out / FORM), campaign)
    write_summary(str(out / SUMMARY), campaign)
    (out / OPINION).write_bytes(build_opinion_template(campaign))
    write_ranking_sheet(str(out / RANKING), campaign, "", [])
    return [out / FORM, out / SUMMARY, out / OPINION, out / RANKING]
