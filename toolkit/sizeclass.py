"""Size class (大型/中型/小型/微型) per 工信部联企业〔2011〕300号, from the latest base year's figures."""
from __future__ import annotations

from .campaign import Campaign
from .model import FormData

CLASSES = ("大型", "中型", "小型", "微型")


def size_class(form: FormData | None, campaign: Campaign) -> tuple[str, str]:
    """(size class, industry code); '' where the industry cannot be mapped or a figure is missing."""
    if form is None:
        return "", ""
    industry = campaign.map_industry(form.text("所属行业"))
    if industry is None:
        return "", ""
    group = campaign.size_group(industry)
    if group is None:
        return "", industry.code
    year = campaign.latest_year
    main = form.number("主营业收入", year)
    figures = {"employees": form.number("从业人员", year),
               "revenue": None if main is None else main + (form.number("其他业务收入", year) or 0.0),
               "assets": form.number("资产总额", year)}
    for name, bounds in (("大型", group.large), ("中型", group.medium), ("小型", group.small)):
        if any(figures[k] is None for k in bounds):
            return "", industry.code
        if all(figures[k] >= v for k, v in bounds.items()):
            return name, industry.code
    return "微型", industry.code
