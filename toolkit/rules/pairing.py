"""mismatch: the 申请表 and the 总结材料 must agree on 申报单位 and 标杆名称."""
from __future__ import annotations

from typing import Iterator

from ..campaign import Campaign
from ..keys import BENCHMARK, ENTERPRISE, SECTION_ABSTRACT, SECTION_OVERVIEW
from ..messages import make_issue
from ..model import Application, Issue
from ..names import enterprise_named_in, same_enterprise, same_name
from ..normalize import normalize_name


def check_mismatch(app: Application, campaign: Campaign) -> Iterator[Issue]:
    if app.form is None or app.summary is None:
        return
    same_file = _one_file(app)
    # the location is the 申请表's cell, so the issue names the 申请表's file (the message quotes both)
    summary_file = app.form_file.path if app.form_file else (app.summary_file.path if app.summary_file else "")
    form_name = app.form.text("标杆名称")
    summary_name = app.summary.benchmark_name
    if form_name and summary_name and not same_name(form_name, summary_name):
        loc = app.form.fields.get("标杆名称")
        yield make_issue("mismatch", file=summary_file, location=loc.location if loc else "", field=BENCHMARK,
                         form_side="申请表", other_side="总结材料", form_value=form_name, summary_value=summary_name)
    named = enterprise_named_in(app.summary)
    form_ent = app.form.text("申报单位")
    if named and form_ent and not same_file and not same_enterprise(named, form_ent):
        loc = app.form.fields.get("申报单位")
        yield make_issue("mismatch", file=summary_file, location=loc.location if loc else "", field=ENTERPRISE,
                         form_side="申请表", other_side="总结材料", form_value=form_ent, summary_value=named)


def compared_fields(app: Application) -> tuple[str, ...]:
    """Which of 申报单位 and 标杆名称 the 申请表 and the 总结材料 of ``app`` can be said to agree or not on: the
    标杆名称 when both give one (check_mismatch compares them); the 申报单位 when the 总结材料 names an enterprise
    ('企业名称：…' in its 企业概况 or 摘要: check_mismatch compares it) or writes the 申请表's there in full, legal
    form included ('河北华信精密机械有限公司成立于1998年'; not its stem: '河北华信精密机械有限公司' is not '…股份有限公司').
    () without a 申请表 and a 总结材料 in two files. What `check` says agrees is only
    what was compared: a 总结材料 that names no enterprise leaves 申报单位 unchecked."""
    if app.form is None or app.summary is None or _one_file(app):
        return ()
    compared = []
    enterprise = app.form.text(ENTERPRISE)
    told = " ".join(app.summary.sections[key].text for key in (SECTION_OVERVIEW, SECTION_ABSTRACT)
                    if key in app.summary.sections)
    if enterprise and (enterprise_named_in(app.summary) or normalize_name(enterprise) in normalize_name(told)):
        compared.append(ENTERPRISE)
    if app.form.text(BENCHMARK) and app.summary.benchmark_name:
        compared.append(BENCHMARK)
    return tuple(compared)


def _one_file(app: Application) -> bool:
    """Whether the 申请表 and the 总结材料 of ``app`` are one file (a Word 申请书 holding both)."""
    return app.form_file is not None and app.summary_file is not None and app.form_file.path == app.summary_file.path
