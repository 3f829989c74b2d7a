"""finance.suspicious: figures that are probably mistyped (profit above revenue, negatives, tenfold jumps, 元 typed
where 万元 is asked, 亿元 typed where 万元 is asked, no one employed)."""
from __future__ import annotations

from typing import Iterator

from ..campaign import Campaign
from ..keys import ASSETS, EMPLOYEES, MAIN_REVENUE, OTHER_REVENUE, PROFIT
from ..messages import make_issue
from ..model import Application, Issue
from ..normalize import plain_number


# a figure in 元 where 万元 is asked is 10,000 times too big: per person employed, industrial enterprises report
# tens to hundreds of 万元 of assets and revenue (河钢集团: about 4,000 亿元 of revenue, 100,000 people — 400 万元 a
# person; a wind farm of 18 people with 40 亿元 of assets, 2 亿元 a person); 100,000 万元 (10 亿元) a person is past
# them, while any of them typed in 元 is far past it (20 万元 a person becomes 200,000) — and so is a figure of
# 1 万亿元 when the form gives no 从业人员 to divide by. 其他业务收入 is a side line: ten times the 主营业收入 is a
# figure in 元 (or the two swapped). A profit in 元 below the limit shows as a profit above the revenue.
PER_EMPLOYEE_LIMIT = 100_000  # 万元 per person
# and the other way: a figure 10,000 times too small (typed in 亿元, '2.3' for 2.3 亿) — an enterprise's revenue
# pays at least its people's wages (Hebei's lowest monthly wage is about 1,900 元: over 2 万元 a person a year), so
# under 1 万元 of 营业收入 a person is past any of them; with no head-count, under 10 万元 of 营业收入 in a year is
# no enterprise a 质量标杆 could come from
PER_EMPLOYEE_FLOOR = 1  # 万元 of 营业收入 per person
REVENUE_FLOOR = 10  # 万元
MIN_EMPLOYEES = 10  # fewer people: no per-person check
ABSOLUTE_LIMIT = 100_000_000  # 万元
OTHER_REVENUE_TIMES = 10


def _more_than(a: float, b: float, times: float) -> bool:
    """Whether ``a`` is more than ``times`` × ``b`` (b > 0) as the figures are written: 11.3 is exactly 10 × 1.13,
    though 11.3 / 1.13 is 10.000000000000002 in binary floating point — a tolerance of one part in 10⁹ keeps
    'more than tenfold' (SPEC §6) from firing on an exact tenfold written with decimals."""
    return a > b * times * (1 + 1e-9)


def _has_minimum(campaign: Campaign, key: str) -> bool:
    spec = campaign.field_spec(key)
    return spec is not None and spec.minimum is not None and spec.minimum >= 0


def check_finance(app: Application, campaign: Campaign) -> Iterator[Issue]:
    form = app.form
    if form is None:
        return
    file = app.form_file.path if app.form_file else ""

    def loc(key, year):
        v = form.yearly.get(key, {}).get(year)
        return v.location if v else "申请表“基本情况”"

    def suspicious(key, year, reason):
        return make_issue("finance.suspicious", file=file, location=loc(key, year), field=f"{year}年{key}",
                          reason=reason)

    for year in campaign.base_years:
        negative = False
        for key in ("资产总额", MAIN_REVENUE, OTHER_REVENUE):
            value = form.number(key, year)
            if value is not None and value < 0:
                negative = True
                if not _has_minimum(campaign, key):  # else fields.py reports it as an error
                    yield suspicious(key, year, f"{year}年{key}为负数（{plain_number(value)}万元）。")
        profit = form.number("利润总额", year)
        main = form.number("主营业收入", year)
        revenue = None if main is None else main + (form.number("其他业务收入", year) or 0.0)
        employees = form.number("从业人员", year)
        if employees is not None and employees < 0:
            if not _has_minimum(campaign, EMPLOYEES):
                yield suspicious("从业人员", year, f"{year}年从业人员为负数（{plain_number(employees)}人）。")
        elif employees is not None and not float(employees).is_integer():
            yield suspicious("从业人员", year, f"{year}年从业人员（{plain_number(employees)}人）不是整数。")
        # per person only with a head-count that is one (a mistyped 从业人员 is not blamed on every amount) and not a
        # handful (a holding or wind-power company of a dozen people holds billions)
        people = employees if employees and employees >= MIN_EMPLOYEES and float(employees).is_integer() else None
        in_yuan = set()  # amounts of this year already said to be in 元: no second hint on the same mistake
        for key in (ASSETS, MAIN_REVENUE, OTHER_REVENUE, PROFIT):  # each figure on its own: each cell is named
            value = form.number(key, year)
            if value is None or value <= 0:
                continue
            if key == OTHER_REVENUE and main and main > 0 and _more_than(value, main, OTHER_REVENUE_TIMES):
                reason = (f"{year}年其他业务收入（{plain_number(value)}万元）是主营业收入（{plain_number(main)}万元）的"
                          f"{plain_number(round(value / main))}倍")
            elif people and value / people > PER_EMPLOYEE_LIMIT:
                reason = (f"{year}年{key}（{plain_number(value)}万元）折合每名从业人员"
                          f"{plain_number(round(value / people))}万元，明显偏高")
            elif not employees and value > ABSOLUTE_LIMIT:
                reason = f"{year}年{key}（{plain_number(value)}万元）超过一万亿元，明显偏高"
            else:
                continue
            in_yuan.add(key)
            yield suspicious(key, year, f"{reason}，金额可能按“元”而不是“万元”填写。")
        # a revenue said to be in 亿元 is not blamed again below as a profit above it or assets 200 times it
        counted = revenue is not None and revenue > 0 and MAIN_REVENUE not in in_yuan
        per_person_low = counted and bool(people) and revenue / people < PER_EMPLOYEE_FLOOR
        too_small = per_person_low or (counted and not people and revenue < REVENUE_FLOOR)
        if too_small:
            if per_person_low:
                yield suspicious(MAIN_REVENUE, year, f"{year}年营业收入（主营业收入加其他业务收入，{plain_number(revenue)}"
                                                     f"万元）折合每名从业人员只有{plain_number(round(revenue / people, 4))}"
                                                     "万元，明显偏低，金额可能按“亿元”填写或少写了位数。")
            else:
                yield suspicious(MAIN_REVENUE, year, f"{year}年营业收入（主营业收入加其他业务收入）只有"
                                                     f"{plain_number(revenue)}万元，明显偏低，金额可能按“亿元”填写或少写了位数。")
        if employees == 0 and revenue:
            yield suspicious(EMPLOYEES, year, f"{year}年从业人员为0，而营业收入为{plain_number(revenue)}万元，请确认人数。")
        if (not negative and not too_small and PROFIT not in in_yuan and profit is not None and revenue is not None
                and profit > revenue and profit > 0):
            yield suspicious("利润总额", year, f"{year}年利润总额（{plain_number(profit)}万元）大于营业收入"
                                             f"（主营业收入加其他业务收入，{plain_number(revenue)}万元），"
                                             f"金额可能按“元”而不是“万元”填写。")
        assets = form.number("资产总额", year)
        if (not too_small and not in_yuan & {ASSETS, MAIN_REVENUE, OTHER_REVENUE} and assets and revenue and assets > 0
                and revenue > 0
                and _more_than(max(assets, revenue), min(assets, revenue), 200)):
            key = MAIN_REVENUE if revenue > assets else ASSETS
            yield suspicious(key, year, f"{year}年资产总额（{plain_number(assets)}万元）与营业收入"
                                        f"（{plain_number(revenue)}万元）相差200倍以上，可能有一项按“元”填写。")
    years = sorted(campaign.base_years)
    for key in ("资产总额", MAIN_REVENUE, PROFIT, EMPLOYEES):
        unit, cause = ("人", "请确认人数") if key == EMPLOYEES else ("万元", "可能是单位（元/万元）填写不一致")
        for a, b in zip(years, years[1:]):
            x, y = form.number(key, a), form.number(key, b)
            if x is None or y is None or x <= 0 or y <= 0:
                continue
            if _more_than(max(x, y), min(x, y), 10):
                yield suspicious(key, b, f"{key}从{a}年的{plain_number(x)}{unit}变为{b}年的{plain_number(y)}{unit}，"
                                         f"变化超过10倍，{cause}。")
