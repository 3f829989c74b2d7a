"""field.missing / field.invalid for the 申请表's fields and yearly figures."""
from __future__ import annotations

from typing import Iterator

from ..campaign import Campaign
from ..keys import REGION
from ..messages import make_issue
from ..model import WARNING, Application, Issue
from ..normalize import normalize_name

_HINTS = {"number": "填写数字，单位按栏目要求（万元），不要写文字", "count": "填写人数（整数）",
          "email": "填写有效的电子邮箱，如 name@example.com", "phone": "填写带区号的电话号码，如 0311-87803218",
          "text": "按要求填写"}


def check_fields(app: Application, campaign: Campaign) -> Iterator[Issue]:
    form = app.form
    if form is None:
        return
    file = app.form_file.path if app.form_file else ""
    for spec in campaign.fields:
        if spec.type == "phone":
            continue  # contacts.py
        v = form.fields.get(spec.key)
        if v is None or v.empty or v.value in (None, ""):
            if spec.required and (v is None or v.ok):
                yield make_issue("field.missing", file=file, location=v.location if v else "申请表", field=spec.key)
            if v is not None and not v.ok:
                yield _invalid(spec, v, file)
            continue
        if not v.ok:
            yield _invalid(spec, v, file)
        elif spec.key == REGION and campaign.regions and not _known_region(str(v.value), campaign.regions):
            yield make_issue("field.invalid", file=file, location=v.location, field=spec.key, severity=WARNING,
                             value=v.text, reason="不是本次活动范围内的地区",
                             hint=f"从下拉列表中选择所在的市，如“{campaign.regions[0]}”")
    for spec in campaign.yearly:
        per_year = form.yearly.get(spec.key, {})
        for year in campaign.base_years:
            v = per_year.get(year)
            label = f"{year}年{spec.key}"
            if v is not None and not v.ok:
                yield _invalid(spec, v, file, label=label)
            elif (v is None or v.empty) and spec.required:
                yield make_issue("field.missing", file=file, location=v.location if v else "申请表“基本情况”",
                                 field=label)
            # a count that is not a whole number is finance.suspicious (finance.py)


def _invalid(spec, v, file: str, *, label: str | None = None) -> Issue:
    return make_issue("field.invalid", file=file, location=v.location, field=label or spec.key,
                      value=v.text, reason=v.note or "格式不正确", hint=_HINTS.get(spec.type, "按要求填写"))


def _known_region(written: str, regions: tuple) -> bool:
    """'石家庄' / '河北省石家庄市鹿泉区' / '雄安' name a region of the campaign."""
    text = normalize_name(written)
    stems = {normalize_name(r).removesuffix("新区").removesuffix("市") for r in regions}
    return any(stem and stem in text for stem in stems)
