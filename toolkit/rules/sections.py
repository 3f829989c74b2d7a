"""总结材料: every required section present, each within its limit and not far too thin (附件1 二（一）: 40, 500,
500, 8000, 2000 字以内; 要求内容详实)."""
from __future__ import annotations

from typing import Iterator

from ..campaign import Campaign
from ..keys import SECTION_NAME
from ..messages import make_issue
from ..model import Application, Issue


def check_sections(app: Application, campaign: Campaign) -> Iterator[Issue]:
    summary = app.summary
    if summary is None:
        return
    file = app.summary_file.path if app.summary_file else ""
    for spec in campaign.sections:
        section = summary.sections.get(spec.key)
        # no 字数 (Word counts every visible character; the text itself is not kept past reading), no image, no table
        if section is None or (spec.required and not section.chars and not section.images and not section.tables):
            if spec.required:
                state = "缺失（未找到该标题）" if section is None else "只有标题，没有内容"
                yield make_issue("section.missing", file=file,
                                 location=(section.location if section else "") or f"总结材料“{spec.key}”部分",
                                 field=spec.key, section=spec.key, state=state,
                                 heading=f"{spec.number}. {spec.heading}")
            continue
        if spec.key == SECTION_NAME:
            continue  # its length is name.too-long's (rules/naming.py), reported once
        if spec.limit and section.chars > spec.limit:
            yield make_issue("section.too-long", file=file, location=section.location, field=spec.key,
                             section=spec.key, count=section.chars, limit=spec.limit)
        elif spec.minimum and section.chars < spec.minimum and not section.images:
            yield make_issue("section.too-short", file=file, location=section.location, field=spec.key,
                             section=spec.key, count=section.chars, minimum=spec.minimum)
