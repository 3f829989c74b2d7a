"""mismatch: the 申请表 and the 总结材料 must agree on 申报单位 and 标杆名称."""
from __future__ import annotations

import re
from typing import Iterator

from ..campaign import Campaign
from ..messages import make_issue
from ..model import Application, Issue, SummaryData
from ..normalize import normalize_name

_NAMED = re.compile(r"(?:企业名称|单位名称|公司名称|申报单位|申请单位)\s*[:：]\s*([^\s，。,；;：:]{4,60})")


def enterprise_named_in(summary: SummaryData) -> str:
    """The enterprise a 总结材料 names explicitly ('企业名称：…' in 企业概况), or ''."""
    for key in ("企业概况", "摘要"):
        section = summary.sections.get(key)
        if section:
            m = _NAMED.search(section.text)
            if m:
                return m.group(1).strip()
    return ""


def check_mismatch(app: Application, campaign: Campaign) -> Iterator[Issue]:
    if app.form is None or app.summary is None:
        return
    if app.form_file is not None and app.summary_file is not None and app.form_file.path == app.summary_file.path:
        same_file = True
    else:
        same_file = False
    form_name = app.form.text("标杆名称")
    summary_name = app.summary.benchmark_name
    loc = app.form.fields.get("标杆名称")
    if form_name and summary_name and normalize_name(form_name) != normalize_name(summary_name):
        yield make_issue("mismatch", file=app.summary_file.path if app.summary_file else "",
                         location=loc.location if loc else "", field="标杆名称", form_value=form_name,
                         summary_value=summary_name)
    named = enterprise_named_in(app.summary)
    form_ent = app.form.text("申报单位")
    if named and form_ent and not same_file and normalize_name(named) != normalize_name(form_ent):
        loc = app.form.fields.get("申报单位")
        yield make_issue("mismatch", file=app.summary_file.path if app.summary_file else "",
                         location=loc.location if loc else "", field="申报单位", form_value=form_ent,
                         summary_value=named)
