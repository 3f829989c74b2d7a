"""field.missing / field.invalid for the 申请表's fields and yearly figures."""
from __future__ import annotations

import functools
import re
from typing import Iterator

from ..campaign import Campaign
from ..messages import make_issue
from ..model import WARNING, Application, Issue
from ..normalize import compact, normalize_name
from ..wordcount import count_words

_HINTS = {"money": "填写数字，单位按栏目要求（万元），不要写文字", "count": "填写人数（整数）",
          "email": "填写有效的电子邮箱，如 name@example.com", "phone": "填写带区号的电话号码，如 0311-87803218",
          "mobile": "填写 11 位手机号码", "text": "按要求填写", "choice": "从下拉列表中选择"}

# how a value of a listed field (所在地区, 所属行业, a field with choices) is entered: the template's 申请表 (read by its
# defined names) has drop-down lists; a Word 申请书 or a form of the enterprise's own making has none
_FROM_LIST = "从下拉列表中选择"
_TYPED = "填写"


def pick_verb(form) -> str:
    """How the clerk enters a listed value in ``form`` (a FormData, or None): '从下拉列表中选择' in the template's
    申请表, whose listed fields have drop-down lists; '填写' in a Word 申请书 or a form the enterprise made itself,
    which have none — advice to pick from a list that is not there cannot be followed."""
    return _FROM_LIST if form is not None and form.source == "defined-names" else _TYPED


def check_fields(app: Application, campaign: Campaign) -> Iterator[Issue]:
    """field.missing / field.invalid for every field the campaign file lists, by its type and limits: required,
    max_length (字, as Word counts), pattern, minimum/maximum, choices. Phones and mobiles are contacts.py's."""
    form = app.form
    if form is None:
        return
    file = app.form_file.path if app.form_file else ""
    for spec in campaign.fields:
        if spec.type in ("phone", "mobile"):
            continue  # contacts.py
        v = form.fields.get(spec.key)
        if v is None or v.empty or v.value in (None, ""):
            if spec.required and (v is None or v.ok):
                yield make_issue("field.missing", file=file, location=v.location if v else "申请表", field=spec.key,
                                 note="" if v else _not_found(spec))
            if v is not None and not v.ok:
                yield _invalid(spec, v, file)
            continue
        if not v.ok:
            yield _invalid(spec, v, file, pick=pick_verb(form))
        elif spec.choices_from == "regions" and campaign.regions and not campaign.regions_named(str(v.value)):
            yield _unknown_region(spec, v, file, campaign, pick=pick_verb(form))
        elif spec.choices_from == "industries" and campaign.industries and (
                (unmapped := campaign.map_industry(str(v.value)) is None)
                or campaign.industry_class_problem(str(v.value))):
            yield _industry_problem(spec, v, file, campaign, unmapped=unmapped, pick=pick_verb(form))
        elif _has_limits(spec):
            yield from _limits(spec, v, file, pick=pick_verb(form))
    for spec in campaign.yearly:
        per_year = form.yearly.get(spec.key, {})
        for year in campaign.base_years:
            v = per_year.get(year)
            label = f"{year}年{spec.key}"
            if v is not None and not v.ok:
                yield _invalid(spec, v, file, label=label)
            elif (v is None or v.empty) and spec.required:
                yield make_issue("field.missing", file=file, location=v.location if v else "申请表“基本情况”",
                                 field=label, note=(v.note if v is not None else "") if per_year else _not_found(spec))
            elif v is not None and not v.empty and _has_limits(spec):
                yield from _limits(spec, v, file, label=label)
            # a count that is not a whole number is finance.suspicious (finance.py)


def _industry_problem(spec, v, file: str, campaign: Campaign, *, unmapped: bool, pick: str = _FROM_LIST) -> Issue:
    """field.invalid, a warning, for a 所属行业 whose GB/T 4754-2017 大类 cannot be told (``unmapped``: the size
    class cannot be judged, 统计 lists it as 未能识别行业) — a code and a name that disagree, or words naming no
    大类 —, or whose 中类 or 小类 code the standard does not have (its 大类 taken: campaign.industry_class_problem).
    ``pick``: how the form takes a listed value (pick_verb)."""
    written = str(v.value)
    example = next((i for i in campaign.industries if i.section == "C"), campaign.industries[0]).label
    problem = campaign.industry_class_problem(written)
    coded = campaign.industry_code_written(written)
    if not unmapped:
        return make_issue("field.invalid", file=file, location=v.location, field=spec.key, severity=WARNING,
                          value=v.text, reason=f"中，{problem}", hint="核对行业代码，写成国民经济行业分类中的代码和名称")
    if problem:  # a 中类 / 小类 code followed by another class's name
        why = f"中，{problem}（按国民经济行业分类 GB/T 4754-2017），"
    elif coded:
        why = (f"中，行业代码{coded.section}{coded.code}是“{coded.name}”，与所写的名称不一致（按国民经济行业分类 GB/T "
               "4754-2017；2002年版的代码不同），")
    else:
        why = "对应不到国民经济行业分类（GB/T 4754-2017）中本次所列的某一个行业大类，"
    return make_issue("field.invalid", file=file, location=v.location, field=spec.key, severity=WARNING,
                      value=v.text, reason=why + "企业规模无法判定，统计时列为“未能识别行业”",
                      hint=f"{pick}行业大类，如“{example}”")


def _unknown_region(spec, v, file: str, campaign: Campaign, *, pick: str = _FROM_LIST) -> Issue:
    """field.invalid for a 所在地区 naming none of the campaign's regions: an error when it names a place outside
    the province (the notice is the province's: its cities and associations recommend the province's
    enterprises), else a warning — a county or district written without its city is most often still in it.
    ``pick``: how the form takes a listed value (pick_verb)."""
    outside = campaign.outside_region_named(str(v.value))
    if outside:
        return make_issue("field.invalid", file=file, location=v.location, field=spec.key, value=v.text,
                          reason=f"是{outside}，不在本次推荐的地区范围内（本次只受理本省企业的申报）",
                          hint=f"核对企业所在地区，{pick}所在的市，如“{campaign.regions[0]}”；"
                               "企业确实在外省的，不能由本单位推荐")
    return make_issue("field.invalid", file=file, location=v.location, field=spec.key, severity=WARNING,
                      value=v.text, reason="没有写明是" + ("下拉列表中的" if pick == _FROM_LIST else "") + "哪个市（地区）",
                      hint=f"{pick}所在的市，如“{campaign.regions[0]}”")


def _not_found(spec) -> str:
    """The sentence a field.missing adds when the 申请表 has no cell labelled for the field at all (a table of the
    enterprise's own making, labelled otherwise): it may be filled under another label, not left blank."""
    others = "、".join(f"“{label}”" for label in spec.labels[1:4])
    also = f"（也可写作{others}）" if others else ""
    return (f"申请表中没有找到“{spec.key}”这一栏{also}：如果已经填写，请把栏目名称改为“{spec.key}”，"
            "或改用省厅下发的申请表模板。")


def _has_limits(spec) -> bool:
    """Whether the campaign file sets any limit ``_limits`` checks on this field (most yearly figures have none)."""
    return bool(spec.max_length or spec.pattern or spec.choices
                or (spec.numeric and (spec.minimum is not None or spec.maximum is not None)))


def _limits(spec, v, file: str, *, label: str | None = None, pick: str = _FROM_LIST) -> Iterator[Issue]:
    """The limits the campaign file sets on a filled-in field (field.invalid, error); ``pick``: how the form takes
    a listed value (pick_verb)."""
    name = label or spec.key
    text = "" if v.value is None else str(v.value)
    if spec.max_length and isinstance(v.value, str) and count_words(text) > spec.max_length:
        yield make_issue("field.invalid", file=file, location=v.location, field=name, value=_short(v.text),
                         reason=f"共{count_words(text)}字，超过{spec.max_length}字的限制",
                         hint=f"精简到{spec.max_length}字以内")
    if spec.pattern and isinstance(v.value, str) and not re.fullmatch(spec.pattern, compact(text)):
        yield make_issue("field.invalid", file=file, location=v.location, field=name, value=_short(v.text),
                         reason="格式不正确", hint=spec.pattern_hint or _HINTS.get(spec.type, "按要求填写"))
    if spec.choices and normalize_name(text) not in _choice_keys(spec.choices):
        yield make_issue("field.invalid", file=file, location=v.location, field=name, value=_short(v.text),
                         reason="不是可选的内容", hint=f"{pick}以下之一：" + "、".join(spec.choices))
    if spec.numeric and isinstance(v.value, (int, float)):
        unit = spec.unit or ("人" if spec.type == "count" else "万元")
        if spec.minimum is not None and v.value < spec.minimum:
            yield make_issue("field.invalid", file=file, location=v.location, field=name, value=v.text,
                             reason=f"小于{_number(spec.minimum)}{unit}", hint=f"填写不小于{_number(spec.minimum)}的数")
        if spec.maximum is not None and v.value > spec.maximum:
            yield make_issue("field.invalid", file=file, location=v.location, field=name, value=v.text,
                             reason=f"大于{_number(spec.maximum)}{unit}", hint=f"填写不大于{_number(spec.maximum)}的数")


def _short(text: str) -> str:
    return text if len(text) <= 30 else text[:30] + "…"


def _number(x: float) -> str:
    return str(int(x)) if float(x).is_integer() else str(x)


def _invalid(spec, v, file: str, *, label: str | None = None, pick: str = _FROM_LIST) -> Issue:
    hint = pick if spec.type == "choice" else _HINTS.get(spec.type, "按要求填写")
    return make_issue("field.invalid", file=file, location=v.location, field=label or spec.key,
                      value=v.text, reason=v.note or "格式不正确", hint=hint)


@functools.lru_cache(maxsize=256)
def _choice_keys(choices: tuple[str, ...]) -> frozenset[str]:
    """The choices as normalize_name keys (once per campaign field, not once per application)."""
    return frozenset(normalize_name(c) for c in choices)
