"""eligibility.unprofitable: 利润总额 > 0 in every base year (近三年连续保持盈利)."""
from __future__ import annotations

from typing import Iterator

from ..campaign import Campaign
from ..keys import PROFIT
from ..messages import make_issue
from ..model import Application, Issue
from ..normalize import plain_number


def check_eligibility(app: Application, campaign: Campaign) -> Iterator[Issue]:
    form = app.form
    if form is None:
        return
    per_year = form.yearly.get("利润总额", {})
    bad = [(y, form.number("利润总额", y)) for y in campaign.base_years
           if form.number("利润总额", y) is not None and form.number("利润总额", y) <= 0]
    if bad:
        first = per_year[bad[0][0]]
        yield make_issue("eligibility.unprofitable", file=app.form_file.path if app.form_file else "",
                         location="、".join(per_year[y].location for y, _ in bad) or first.location,
                         field=PROFIT, years="、".join(str(y) for y, _ in bad),
                         values="；".join(f"{y}年 {plain_number(v)} 万元" for y, v in bad))
