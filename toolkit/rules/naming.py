"""标杆名称: length (as Word counts) and the (企业)+(方法)+(经验) pattern."""
from __future__ import annotations

from typing import Iterator

from ..campaign import Campaign
from ..keys import BENCHMARK, SECTION_NAME
from ..messages import make_issue
from ..model import Application, Issue
from ..names import bare_name, strip_company_suffix
from ..normalize import normalize_name
from ..wordcount import count_words


def name_location(app: Application) -> tuple[str, str]:
    if app.form and app.form.text("标杆名称"):
        return app.form_file.path if app.form_file else "", app.form.fields[BENCHMARK].location
    if app.summary and SECTION_NAME in app.summary.sections:
        return app.summary_file.path if app.summary_file else "", app.summary.sections[SECTION_NAME].location
    return "", ""


def check_name(app: Application, campaign: Campaign) -> Iterator[Issue]:
    name = app.benchmark_name
    if not name:
        return
    file, location = name_location(app)
    count = count_words(name)
    if count > campaign.name_limit:
        yield make_issue("name.too-long", file=file, location=location, field=BENCHMARK, count=count,
                         limit=campaign.name_limit, example=campaign.name_example)
    reason = pattern_problem(name, app.enterprise, campaign.name_suffix)
    if reason:
        yield make_issue("name.pattern", file=file, location=location, field=BENCHMARK, name=name,
                         reason=reason, example=campaign.name_example)


def pattern_problem(name: str, enterprise: str, suffix: str) -> str:
    """'' when the name reads (企业)+(方法)+(经验); otherwise what is off, in Chinese."""
    norm = bare_name(name)  # (quotes, title marks and closing punctuation around a name are not part of it)
    problems = []
    ent = normalize_name(enterprise)
    if ent:
        starts = {ent, strip_company_suffix(ent)}
        if not any(s and norm.startswith(s) for s in starts):
            problems.append(f"没有以企业名称“{enterprise}”开头")
    if suffix and not norm.endswith(normalize_name(suffix)):
        problems.append(f"没有以“{suffix}”结尾")
    return "，".join(problems)
