"""The notice's 申报条件 the data can show: eligibility.unprofitable, 利润总额 > 0 in every base year (近三年连续保持
盈利); eligibility.branch, the 申报单位 is a branch's name (独立法人资格)."""
from __future__ import annotations

import re
from typing import Iterator

from ..campaign import Campaign
from ..keys import ENTERPRISE, PROFIT
from ..messages import make_issue
from ..model import Application, Issue
from ..normalize import normalize_name, plain_number

# a branch's name, as the 营业执照 of branches end: 企业名称登记管理规定 reserves 分公司, 分厂, 分店 for a branch
# (分支机构), named after the enterprise it belongs to ('河北××有限公司石家庄分公司', '××钢铁公司第二分厂'), which has no
# 独立法人资格 (公司法: 分公司不具有法人资格); 办事处, 营业部, 分部, 分中心, 分院, 分所, a bank's 分行, 支行 and 分理处,
# a builder's 工程处 and 项目部 are branches' names too, and a 事业部 or 车间 is a part of its company with no
# registration of its own. A bracket after it is the branch written beside its company ('××有限公司（唐山分公司）'); a
# former name in brackets is none. (经营部, 门市部 are left: many are registered businesses of their own.)
_BRANCH = re.compile(r"(分公司|分厂|分店|分部|办事处|营业部|分中心|分院|分所|分行|支行|分理处|工程处|项目部|事业部|车间)"
                     r"\)?(?:\([^()]*\))?$")
_FORMER_NAME = re.compile(r"\((?:原|曾用名|原名)[^()]*\)$")  # '…有限公司（原××分厂）'


def branch_word(enterprise: str) -> str:
    """The branch word (分公司, 分厂 …) an enterprise's name ends with — a branch, without 独立法人资格 — or ''."""
    found = _BRANCH.search(_FORMER_NAME.sub("", normalize_name(enterprise)))
    return found.group(1) if found else ""


def check_eligibility(app: Application, campaign: Campaign) -> Iterator[Issue]:
    """The eligibility errors of ``app``'s 申请表 (none without one): eligibility.branch when its 申报单位 is a branch's
    name (the notice's 申报条件 1: 具有独立法人资格), eligibility.unprofitable when a base year's 利润总额 is not above 0
    (申报条件: 近三年连续保持盈利). Each makes the application 不符合申报条件 (validate.RULES)."""
    form = app.form
    if form is None:
        return
    enterprise = form.fields.get(ENTERPRISE)
    word = branch_word(str(enterprise.value)) if enterprise is not None and not enterprise.empty else ""
    if word:
        yield make_issue("eligibility.branch", file=app.form_file.path if app.form_file else "",
                         location=enterprise.location, field=ENTERPRISE, enterprise=enterprise.text, word=word)
    per_year = form.yearly.get("利润总额", {})
    bad = [(y, form.number("利润总额", y)) for y in campaign.base_years
           if form.number("利润总额", y) is not None and form.number("利润总额", y) <= 0]
    if bad:
        first = per_year[bad[0][0]]
        yield make_issue("eligibility.unprofitable", file=app.form_file.path if app.form_file else "",
                         location="、".join(per_year[y].location for y, _ in bad) or first.location,
                         field=PROFIT, years="、".join(str(y) for y, _ in bad),
                         values="；".join(f"{y}年 {plain_number(v)} 万元" for y, v in bad))
