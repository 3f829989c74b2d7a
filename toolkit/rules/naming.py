"""标杆名称: length (as Word counts) and the (企业)+(方法)+(经验) pattern."""
from __future__ import annotations

from typing import Iterator

from ..campaign import Campaign
from ..keys import BENCHMARK, SECTION_NAME
from ..messages import make_issue
from ..model import Application, Issue
from ..names import bare_name, stands_for_no_name, strip_company_suffix
from ..normalize import normalize_name
from ..wordcount import count_words


def name_places(app: Application) -> list[tuple[str, str, str, str]]:
    """Every place the application writes its 标杆名称, as (document — 申请表 or 总结材料 —, the name, file,
    location): the 申请表's field, then the 总结材料's 质量标杆名称 section; a place left empty is not one."""
    places = []
    if app.form and app.form.text(BENCHMARK):
        places.append(("申请表", app.form.text(BENCHMARK), app.form_file.path if app.form_file else "",
                       app.form.fields[BENCHMARK].location))
    if app.summary and app.summary.benchmark_name and SECTION_NAME in app.summary.sections:
        places.append(("总结材料", app.summary.benchmark_name, app.summary_file.path if app.summary_file else "",
                       app.summary.sections[SECTION_NAME].location))
    return places


def check_name(app: Application, campaign: Campaign) -> Iterator[Issue]:
    """name.too-long where the 标杆名称 is over the limit — in the 申请表, the 总结材料 or both (the notice's limit is on
    each: 附件1's 质量标杆名称 and the form's field), one issue naming every place to shorten; name.pattern when the
    name does not read (企业)+(方法)+(经验)."""
    name = app.benchmark_name
    if not name:
        return
    places = name_places(app)
    file, location = places[0][2:] if places else ("", "")  # (where the name is said: the 申请表 first)
    counted = [(place, count_words(written), where_file, where) for place, written, where_file, where in places]
    over = [c for c in counted if c[1] > campaign.name_limit]
    if over:
        yield _too_long(over, [c for c in counted if c not in over], campaign)
    # an application whose 申报单位 is blank (field.missing says so) or, of a 总结材料 alone, not found stands under a
    # placeholder ('（未填写申报单位：…）'), which no name is to start with
    reason = pattern_problem(name, "" if stands_for_no_name(app.enterprise) else app.enterprise, campaign.name_suffix)
    if reason:
        yield make_issue("name.pattern", file=file, location=location, field=BENCHMARK, name=name,
                         reason=reason, example=campaign.name_example)


def _too_long(over: list, within: list, campaign: Campaign) -> Issue:
    """name.too-long for the places ``over`` the limit ((document, count, file, location) each), the others
    ``within`` it: when both the 申请表 and the 总结材料 carry a long name, the one issue says to shorten both to
    one and the same name (shortening one only would make them disagree: a mismatch on the next run)."""
    counts = {count for _place, count, _file, _where in over}
    if len(over) == 1:
        length = f"共{over[0][1]}字"
    elif len(counts) == 1:
        length = f"在{'和'.join(p[0] for p in over)}中都是{over[0][1]}字"
    else:
        length = "、".join(f"在{place}中共{count}字" for place, count, _file, _where in over)
    if len(over) > 1:
        same = "，两处改成同一个名称"
    else:
        same = f"，与{within[0][0]}中的标杆名称一致" if within else ""
    return make_issue("name.too-long", file=over[0][2], location="、".join(p[3] for p in over), field=BENCHMARK,
                      length=length, both="都" if len(over) > 1 else "", same=same, limit=campaign.name_limit,
                      example=campaign.name_example)


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
