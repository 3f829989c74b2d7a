"""mismatch: the 申请表 and the 总结材料 must agree on 申报单位 and 标杆名称."""
from __future__ import annotations

import re
from typing import Iterator

from ..campaign import Campaign
from ..messages import make_issue
from ..model import Application, Issue, SummaryData
from ..normalize import normalize_name, strip_company_suffix

_NAMED = re.compile(r"(?:企业名称|单位名称|公司名称|申报单位|申请单位)\s*[:：]\s*([^\n，。,；;：:]{2,80})")
_COMPANY_END = re.compile(r"有限责任公司|有限公司|公司|[(（]集团[)）]|集团|厂")
# every kind of bracket compares as ( ); wrapping quotes and closing punctuation are not part of a name
_BRACKETS = str.maketrans({"[": "(", "【": "(", "〔": "(", "［": "(", "]": ")", "】": ")", "〕": ")", "］": ")"})
_WRAPPING = "\"'《》〈〉「」『』<>.。;；,，"


def comparison_key(text: str) -> str:
    """What two spellings of one name share: no spaces, one width, one kind of bracket, no wrapping quotes."""
    return normalize_name(text).translate(_BRACKETS).strip(_WRAPPING)


def same_name(a: str, b: str) -> bool:
    return comparison_key(a) == comparison_key(b)


def same_enterprise(a: str, b: str) -> bool:
    """Equal names, or one is the other plus a legal-form suffix ('河北钢铁集团' and '河北钢铁集团有限公司')."""
    ka, kb = comparison_key(a), comparison_key(b)
    if ka == kb:
        return True
    short, long_ = sorted((ka, kb), key=len)
    return long_.startswith(short) and strip_company_suffix(long_) == strip_company_suffix(short)


def enterprise_named_in(summary: SummaryData) -> str:
    """The enterprise a 总结材料 names explicitly ('企业名称：…' in 企业概况), or ''."""
    for key in ("企业概况", "摘要"):
        section = summary.sections.get(key)
        if section:
            m = _NAMED.search(section.text)
            if m:
                return _cut_name(m.group(1))
    return ""


def _cut_name(written: str) -> str:
    """'河北 钢铁（集团）有限公司 成立于1958年' -> '河北 钢铁（集团）有限公司'; without a legal form, up to a space."""
    ends = [m.end() for m in _COMPANY_END.finditer(written)]
    if ends:
        return written[:ends[-1]].strip()
    words = written.split()
    return words[0] if words else ""


def check_mismatch(app: Application, campaign: Campaign) -> Iterator[Issue]:
    if app.form is None or app.summary is None:
        return
    same_file = (app.form_file is not None and app.summary_file is not None
                 and app.form_file.path == app.summary_file.path)
    # the location is the 申请表's cell, so the issue names the 申请表's file (the message quotes both)
    summary_file = app.form_file.path if app.form_file else (app.summary_file.path if app.summary_file else "")
    form_name = app.form.text("标杆名称")
    summary_name = app.summary.benchmark_name
    if form_name and summary_name and not same_name(form_name, summary_name):
        loc = app.form.fields.get("标杆名称")
        yield make_issue("mismatch", file=summary_file, location=loc.location if loc else "", field="标杆名称",
                         form_side="申请表", other_side="总结材料", form_value=form_name, summary_value=summary_name)
    named = enterprise_named_in(app.summary)
    form_ent = app.form.text("申报单位")
    if named and form_ent and not same_file and not same_enterprise(named, form_ent):
        loc = app.form.fields.get("申报单位")
        yield make_issue("mismatch", file=summary_file, location=loc.location if loc else "", field="申报单位",
                         form_side="申请表", other_side="总结材料", form_value=form_ent, summary_value=named)
