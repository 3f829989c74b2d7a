"""Enterprise names as people write them: one home for comparing, shortening and finding them.

Used by the rules (mismatch, duplicates, naming, ranking) and by assembly (pairing, attachments), so that
'河北 钢铁（集团）有限公司', '河北钢铁(集团)有限公司' and '河北钢铁集团' compare the way a clerk would.
"""
from __future__ import annotations

import re

from .keys import SECTION_ABSTRACT, SECTION_OVERVIEW
from .model import SummaryData
from .normalize import normalize_name

_UNNAMED, _UNKNOWN = "（未填写申报单位：", "（未知企业："  # the placeholders' openings (unnamed_form, unknown_enterprise)


def unnamed_form(file_name: str) -> str:
    """What an application stands under when its 申请表 leaves 申报单位 blank: '（未填写申报单位：1-申请表.xlsx）'."""
    return f"{_UNNAMED}{file_name}）"


def unknown_enterprise(file_name: str) -> str:
    """What an application of a 总结材料 alone that names no enterprise stands under: '（未知企业：总结材料.docx）'."""
    return f"{_UNKNOWN}{file_name}）"


def stands_for_no_name(enterprise: str) -> bool:
    """Whether ``enterprise`` (Application.enterprise) is what unnamed_form or unknown_enterprise made, not a
    name anyone wrote: no rule is to compare a name with it."""
    return enterprise.startswith((_UNNAMED, _UNKNOWN)) and enterprise.endswith("）")


_COMPANY_SUFFIXES = ("集团有限公司", "有限责任公司", "股份有限公司", "有限公司", "(集团)", "集团", "公司", "厂")


def strip_company_suffix(name_norm: str) -> str:
    """Remove legal-form suffixes repeatedly from a normalize_name() output
    ('河北钢铁(集团)有限公司' -> '河北钢铁'); returns the input unchanged when
    stripping would leave nothing, so it never returns '' for a non-empty input."""
    current = name_norm
    changed = True
    while changed:
        changed = False
        for suffix in _COMPANY_SUFFIXES:
            if current.endswith(suffix):
                current = current[: -len(suffix)]
                changed = True
                break
    # A name made only of suffixes ('有限公司', '集团公司') is returned unchanged.
    return current or name_norm


# the words of a legal form that tell two companies of one stem apart ('河北钢铁股份有限公司' is not '河北钢铁集团有限
# 公司'); '有限', '公司', '厂' alone do not ('…机械公司' is how a clerk shortens '…机械有限公司')
_FORM_MARKS = ("股份", "集团", "责任")


def _form_marks(name_norm: str) -> frozenset:
    suffix = name_norm[len(strip_company_suffix(name_norm)):]
    return frozenset(mark for mark in _FORM_MARKS if mark in suffix)


def same_stem(a_norm: str, b_norm: str) -> bool:
    """Whether two normalize_name() outputs are one enterprise written with another legal form or none: equal once
    strip_company_suffix takes the form off, and not two forms that name different companies (legal_forms_agree).
    '河北华信精密机械有限公司' and '河北华信精密机械公司' -> True; '河北钢铁股份有限公司' and '河北钢铁集团有限公司' -> False."""
    if not a_norm or not b_norm or strip_company_suffix(a_norm) != strip_company_suffix(b_norm):
        return False
    return legal_forms_agree(a_norm, b_norm)


def legal_forms_agree(a_norm: str, b_norm: str) -> bool:
    """False when two normalize_name() outputs end in legal forms that name different companies — a 股份有限公司 and
    a 集团有限公司 (or 有限责任公司) of one stem —, True otherwise: the same form, one without a form or a mark, or
    one form's marks within the other's ('冀中能源集团' for '冀中能源集团有限责任公司', '津西钢铁集团' for
    '津西钢铁集团股份有限公司'); 责任 tells nothing apart ('有限责任公司' is how '有限公司' is also written)."""
    marks_a, marks_b = _form_marks(a_norm) - {"责任"}, _form_marks(b_norm) - {"责任"}
    return not marks_a or not marks_b or marks_a <= marks_b or marks_b <= marks_a


_NAMED = re.compile(r"(?:企业名称|单位名称|公司名称|申报单位|申请单位)\s*[:：]\s*([^\n，。,；;：:]{2,80})")
_COMPANY_END = re.compile(r"有限责任公司|有限公司|公司|[(（]集团[)）]|集团|厂")
# every kind of bracket compares as ( ); wrapping quotes and closing punctuation are not part of a name
_BRACKETS = str.maketrans({"[": "(", "【": "(", "〔": "(", "［": "(", "]": ")", "】": ")", "〕": ")", "］": ")"})
_WRAPPING = "\"'《》〈〉「」『』<>.。!！;；,，"


def comparison_key(text: str) -> str:
    """What two spellings of one name share: no spaces, one width, one kind of bracket, no wrapping quotes."""
    return bare_name(text).translate(_BRACKETS)


def bare_name(text: str) -> str:
    """normalize_name(text) without what wraps a name as people quote it: quotes, title marks and closing
    punctuation ('“…经验”。'), and brackets around the whole of it ('《…经验》', '【…】': normalize_name makes them
    '( )'), kept when they are part of it ('(集团)' at its end is not around it)."""
    name = normalize_name(text).strip(_WRAPPING)
    while name[:1] == "(" and name[-1:] == ")" and _closes_at_end(name):
        name = name[1:-1].strip(_WRAPPING)
    return name


def _closes_at_end(name: str) -> bool:
    """Whether the '(' opening ``name`` is closed by its last character (not earlier: '(a)b(c)' is not wrapped)."""
    depth = 0
    for n, c in enumerate(name):
        depth += (c == "(") - (c == ")")
        if depth == 0:
            return n == len(name) - 1
    return False


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
    for key in (SECTION_OVERVIEW, SECTION_ABSTRACT):
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


def contains_enterprise(text: str, enterprise: str) -> bool:
    """Whether ``text`` names ``enterprise``: its full name, or its name without the legal form (≥ 4
    characters), compared as normalize_name() keys.
    """
    ent = normalize_name(enterprise)
    if not ent:
        return False
    if enterprise in text:  # written as is: no need to normalise the text (0.2 ms for a 企业概况). The mappings
        return True  # of normalize_name are per character, except NFKC joining a combining mark that follows
    text_n = normalize_name(text)
    short = strip_company_suffix(ent)
    return ent in text_n or (len(short) >= 4 and short in text_n)
