"""Normalisation of raw form cell values (numbers, phones, e-mails, labels, names).

Every function here is pure: it takes a raw cell value as produced by a
spreadsheet/document reader (str, int, float, Decimal, datetime, None ...) and
returns a normalised value without side effects.  The parsers return a
:class:`Parsed` record so that callers can keep the original text for messages
while working with the normalised value.

Only the standard library is used.
"""

from __future__ import annotations

import datetime
import functools
import math
import numbers
import re
import unicodedata
from dataclasses import dataclass
from decimal import Decimal

__all__ = [
    "Parsed",
    "PLACEHOLDERS",
    "EXCEL_ERRORS",
    "clean_text",
    "has_xml_illegal",
    "is_placeholder",
    "to_text",
    "to_number",
    "to_int_count",
    "to_phone",
    "phone_kind",
    "to_email",
    "compact",
    "normalize_label",
    "normalize_name",
    "from_excel_date",
    "plain_number",
    "official_date",
]


@dataclass(frozen=True)
class Parsed:
    """Result of parsing one cell value."""

    raw: object  # the original cell value as given
    text: str  # the original as (stripped) display text; '' for None
    value: object  # normalised value; None when empty or invalid
    ok: bool  # False when raw was non-empty but could not be parsed
    empty: bool  # True when nothing (or only a placeholder) was written
    note: str = ""  # optional Chinese hint


# ---------------------------------------------------------------------------
# Notes (Chinese hints shown to users)
# ---------------------------------------------------------------------------

NOTE_NOT_NUMBER = "不是数字"
NOTE_EXCEL_ERROR = "单元格是错误值"
NOTE_DATE_NOT_NUMBER = "是日期而不是数字"
NOTE_TIME_NOT_NUMBER = "是时间而不是数字"
NOTE_NOT_FINITE = "不是有效的数字"
NOTE_PERCENT = "不能使用百分号，请填写数值"
NOTE_GROUPING = "千分位分隔符位置不对"
NOTE_NOT_WHOLE = "不是整数"
NOTE_MONEY_NOT_COUNT = "是金额而不是人数"
NOTE_BAD_PHONE = "不是有效的电话号码"
NOTE_NO_AREA_CODE = "缺少区号"
NOTE_PHONE_AS_NUMBER = "电话号码被保存成了数字，区号开头的0已丢失，请改为文本格式重新填写"
NOTE_PHONE_SCIENTIFIC = "是科学计数法显示的数字，号码的后几位已经丢失，请把单元格设为文本格式后重新填写完整号码"
NOTE_BAD_EMAIL = "不是有效的电子邮箱"

# ---------------------------------------------------------------------------
# Text basics
# ---------------------------------------------------------------------------

# Characters that XML 1.0 cannot hold: C0 controls except TAB/LF/CR,
# lone surrogates and the non-characters U+FFFE / U+FFFF.
_XML_ILLEGAL_RE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")

# Invisible characters removed when building comparison keys.
_INVISIBLE_RE = re.compile("[\u200b\u200c\u200d\u2060\ufeff]")
_WS_RE = re.compile(r"\s+")

PLACEHOLDERS = frozenset(
    {"—", "-", "--", "——", "/", "／", "无", "空", "N/A", "n/a", "无数据"}
)
_PLACEHOLDERS_FOLDED = frozenset(unicodedata.normalize("NFKC", p).casefold() for p in PLACEHOLDERS)
# Runs of dash-like characters only ('-', '---', '——', '－－', '–' ...).
_DASH_ONLY_RE = re.compile("[-\u2010-\u2015\u2212\u2500\u2501\uff0d\ufe58\ufe63]+")

EXCEL_ERRORS = frozenset(
    {"#DIV/0!", "#VALUE!", "#REF!", "#N/A", "#NAME?", "#NUM!", "#NULL!", "#GETTING_DATA", "#SPILL!", "#CALC!"}
)

_ASCII_LOWER = str.maketrans("ABCDEFGHIJKLMNOPQRSTUVWXYZ", "abcdefghijklmnopqrstuvwxyz")


def _display(raw: object) -> str:
    """str() of a value; integral floats lose their trailing '.0'."""
    if raw is None:
        return ""
    text = str(raw)
    if isinstance(raw, float) and text.endswith(".0"):
        text = text[:-2]
    return text


def clean_text(s: object) -> str:
    """Display text of ``s`` without XML-illegal characters, stripped.

    ``None`` gives ''.  Integral floats are shown without a trailing '.0'
    (as in :attr:`Parsed.text`); everything else is ``str(s)`` kept exactly
    (no width conversion).
    """
    return _XML_ILLEGAL_RE.sub("", _display(s)).strip()


def has_xml_illegal(s: str) -> bool:
    """True when ``s`` contains a character that XML 1.0 cannot hold."""
    return _XML_ILLEGAL_RE.search(s) is not None


def is_placeholder(text: str) -> bool:
    """True for a cleaned text that means "nothing written" ('', '无', '—', 'N/A' ...), also with zero-width
    characters around it or alone (a cell Excel shows as empty or as '无')."""
    text = _INVISIBLE_RE.sub("", text).strip()
    if not text:
        return True
    if text in PLACEHOLDERS or _DASH_ONLY_RE.fullmatch(text):
        return True
    folded = unicodedata.normalize("NFKC", text).strip().casefold()
    return folded in _PLACEHOLDERS_FOLDED or bool(_DASH_ONLY_RE.fullmatch(folded))


def _empty(raw: object, text: str) -> Parsed:
    return Parsed(raw=raw, text=text, value=None, ok=True, empty=True)


def _bad(raw: object, text: str, note: str) -> Parsed:
    return Parsed(raw=raw, text=text, value=None, ok=False, empty=False, note=note)


def to_text(raw: object) -> Parsed:
    """Plain text: value is :func:`clean_text` of raw without zero-width characters (a zero-width space, BOM, word
    joiner pasted from a web page, WeChat or a PDF: invisible in Excel, but copied with the name from the register
    into another system, or searched for there, '华\u200b信' is not '华信'), or None when empty/placeholder (also
    when only such characters are left, which Excel shows as an empty cell). ``text``: as typed, for messages."""
    text = clean_text(raw)
    if is_placeholder(text):
        return _empty(raw, text)
    return Parsed(raw=raw, text=text, value=_INVISIBLE_RE.sub("", text).strip(), ok=True, empty=False)


# ---------------------------------------------------------------------------
# Numbers
# ---------------------------------------------------------------------------

# Minus signs that NFKC does not fold to '-'.
_MINUS_TRANS = str.maketrans({"\u2212": "-", "\u2010": "-", "\u2011": "-", "\u2012": "-", "\u2013": "-"})
# Unit suffixes, longest first ('万元' before '元' and '万'). A money unit other than 万元 is converted where the
# figure is read as money (extract.form._in_unit): here the number is only read.
_NUMBER_UNITS = ("亿元", "万元", "千元", "百元", "元", "亿", "万", "人", "名", "个")
_INT_PART = r"[0-9]{1,3}(?:,[0-9]{3})+|[0-9]{1,3}(?: [0-9]{3})+|[0-9]+"
_NUMBER_BODY_RE = re.compile(
    rf"(?:(?:{_INT_PART})(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?"
)
# Loosely "digits with separators": used only to choose a better hint.
_LOOSE_GROUPED_RE = re.compile(r"[0-9][0-9, ]*[0-9](?:\.[0-9]*)?")


def _parse_number_text(text: str) -> tuple[float | None, str]:
    """Parse a cleaned, non-placeholder string. Returns (value, note)."""
    s = _INVISIBLE_RE.sub("", unicodedata.normalize("NFKC", text)).translate(_MINUS_TRANS)
    s = _WS_RE.sub(" ", s).strip()
    if "%" in s or "‰" in s:
        return None, NOTE_PERCENT
    negative = False
    seen_sign = seen_unit = seen_currency = False
    while s:
        unit = next((u for u in _NUMBER_UNITS if s.endswith(u)), None)
        if unit is not None and not seen_unit:
            seen_unit = True
            s = s[: -len(unit)].strip()
            continue
        if len(s) >= 2 and s[0] == "(" and s[-1] == ")" and not seen_sign:
            seen_sign = negative = True
            s = s[1:-1].strip()
            continue
        if s[0] == "¥" and not seen_currency:
            seen_currency = True
            s = s[1:].strip()
            continue
        if s[0] in "+-△" and not seen_sign:
            seen_sign = True
            negative = s[0] != "+"
            s = s[1:].strip()
            continue
        break
    if not _NUMBER_BODY_RE.fullmatch(s):
        if _LOOSE_GROUPED_RE.fullmatch(s):
            return None, NOTE_GROUPING
        return None, NOTE_NOT_NUMBER
    value = float(s.replace(",", "").replace(" ", ""))
    if not math.isfinite(value):
        return None, NOTE_NOT_FINITE
    if negative:
        value = -value
    return value + 0.0, ""  # + 0.0 turns -0.0 into 0.0


def to_number(raw: object) -> Parsed:
    """Parse a numeric cell (amounts in 万元, counts ...). value is a float."""
    text = clean_text(raw)
    if raw is None:
        return _empty(raw, text)
    if isinstance(raw, bool):
        return _bad(raw, text, NOTE_NOT_NUMBER)
    if isinstance(raw, (datetime.datetime, datetime.date)):
        return _bad(raw, text, NOTE_DATE_NOT_NUMBER)
    if isinstance(raw, datetime.time):
        return _bad(raw, text, NOTE_TIME_NOT_NUMBER)
    if isinstance(raw, (numbers.Real, Decimal)):
        try:
            value = float(raw)
        except (OverflowError, ValueError):
            return _bad(raw, text, NOTE_NOT_FINITE)
        if not math.isfinite(value):
            return _bad(raw, text, NOTE_NOT_FINITE)
        return Parsed(raw=raw, text=text, value=value + 0.0, ok=True, empty=False)
    if is_placeholder(text):
        return _empty(raw, text)
    if unicodedata.normalize("NFKC", text).upper() in EXCEL_ERRORS:
        return _bad(raw, text, NOTE_EXCEL_ERROR)
    value, note = _parse_number_text(text)
    if value is None:
        return _bad(raw, text, note)
    return Parsed(raw=raw, text=text, value=value, ok=True, empty=False)


_COUNT_SCALE = re.compile(r"(亿|万)(?:人|名|个)?$")
_MONEY_UNIT = re.compile(r"(?:亿元|万元|千元|百元|元)$")


def to_headcount(raw: object) -> Parsed:
    """A number of people (从业人员) as :func:`to_number` reads it, with 万/亿 as the multipliers they are
    ('1.2万人' -> 12,000; to_number drops a unit word and kept 1.2) and a money unit ('1200元') not a count."""
    if not isinstance(raw, str):
        return to_number(raw)
    text = compact(raw)
    if _MONEY_UNIT.search(text):
        parsed = to_number(raw)
        return _bad(raw, parsed.text, NOTE_MONEY_NOT_COUNT) if parsed.ok and parsed.value is not None else parsed
    m = _COUNT_SCALE.search(text)
    scaled = to_number(text[:m.start()]) if m else None
    if scaled is None or not scaled.ok or scaled.value is None:
        return to_number(raw)
    value = round(scaled.value * (1e8 if m.group(1) == "亿" else 1e4), 6)
    return Parsed(raw=raw, text=clean_text(raw), value=value, ok=True, empty=False)


def to_int_count(raw: object) -> Parsed:
    """Like :func:`to_number`; a non-whole value keeps ok=True but gets note '不是整数'."""
    parsed = to_number(raw)
    if parsed.ok and parsed.value is not None and not float(parsed.value).is_integer():
        return Parsed(
            raw=parsed.raw, text=parsed.text, value=parsed.value, ok=True, empty=False, note=NOTE_NOT_WHOLE
        )
    return parsed


# ---------------------------------------------------------------------------
# Phone numbers
# ---------------------------------------------------------------------------

_MOBILE_RE = re.compile(r"1[3-9][0-9]{9}")
_AREA_RE = re.compile(r"010|02[0-9]|0[3-9][0-9]{2}")
_LOCAL_RE = re.compile(r"[2-9][0-9]{6,7}")
_LANDLINE_VALUE_RE = re.compile(r"(?:010|02[0-9]|0[3-9][0-9]{2})-[2-9][0-9]{6,7}(?:-[0-9]{1,6})?")
# Separators between several numbers in one cell (after NFKC).
_PHONE_LIST_SEP_RE = re.compile(r"[、,;/|\n]|或")
# Explicit extension marker at the end: 'ext 12', 'ext.12', '转12', '分机12', 'x12', '(转12)'.
_PHONE_EXT_RE = re.compile(r"\(?\s*(?:extension|ext\.?|分机号?|转|x)\s*:?\s*([0-9]{1,6})\s*\)?\s*$")
_PHONE_CC_RE = re.compile(r"^\(?\s*(?:\+\s*86|0086)\s*\)?[\s\-]*")
_PHONE_BARE_CC_RE = re.compile(r"^86[\s\-]+")
# Characters allowed in the main part: digits, spaces, dashes, brackets, dots.
_PHONE_MAIN_RE = re.compile("[0-9\\s\\-\u2010-\u2015\u2212().]*")


_SCIENTIFIC_RE = re.compile(r"([0-9])(?:\.([0-9]+))?e\+?([0-9]{1,2})")


def _parse_phone(s: str) -> tuple[str | None, str]:
    """Parse one (NFKC, single-number) phone string. Returns (value, note).

    A number shown in scientific notation and copied or saved as text (Excel shows a long number typed into a
    General cell so: '1.38E+10'; a CSV export or a copy keeps only what is shown) is read when every digit is
    there ('1.5003116043E+10' -> '15003116043'); else its last digits are lost (NOTE_PHONE_SCIENTIFIC)."""
    s = s.strip().translate(_ASCII_LOWER)
    m = _SCIENTIFIC_RE.fullmatch(s)
    if m:
        digits = m.group(1) + (m.group(2) or "")
        places = int(m.group(3)) + 1
        if len(digits) < places:
            return None, NOTE_PHONE_SCIENTIFIC
        if len(digits) > places:
            return None, NOTE_BAD_PHONE
        s = digits
    ext: str | None = None
    m = _PHONE_EXT_RE.search(s)
    if m and m.start() > 0:
        ext = m.group(1)
        s = s[: m.start()].strip()
    country_code = False
    m = _PHONE_CC_RE.match(s)
    if m:
        country_code = True
        s = s[m.end():]
    else:
        m = _PHONE_BARE_CC_RE.match(s)
        if m and len(re.sub(r"[^0-9]", "", s[m.end():])) >= 10:
            country_code = True
            s = s[m.end():]
    if not _PHONE_MAIN_RE.fullmatch(s):
        return None, NOTE_BAD_PHONE
    groups = re.findall(r"[0-9]+", s)
    digits = "".join(groups)
    if not digits:
        return None, NOTE_BAD_PHONE
    if not country_code and len(digits) == 13 and digits.startswith("86") and _MOBILE_RE.fullmatch(digits[2:]):
        digits = digits[2:]
        groups = [digits]
    if _MOBILE_RE.fullmatch(digits):
        return (digits, "") if ext is None else (None, NOTE_BAD_PHONE)
    if country_code and not digits.startswith("0"):
        # International notation drops the trunk '0' of the area code.
        digits = "0" + digits
        groups = ["0" + groups[0]] + groups[1:]
    if not digits.startswith("0"):
        # A local number without area code (optionally with a trailing extension group).
        without_ext = "".join(groups[:-1]) if len(groups) > 1 and len(groups[-1]) <= 6 else digits
        if _LOCAL_RE.fullmatch(digits) or _LOCAL_RE.fullmatch(without_ext):
            return None, NOTE_NO_AREA_CODE
        return None, NOTE_BAD_PHONE
    area_len = 3 if digits[1] in "12" else 4
    area = digits[:area_len]
    if not _AREA_RE.fullmatch(area):
        return None, NOTE_BAD_PHONE
    local = digits[area_len:]
    if ext is None and len(local) > 8 and len(groups) >= 2:
        # '0311-87803218-123': the last group is an extension after a full number.
        split = len(digits) - len(groups[-1])
        if area_len + 7 <= split <= area_len + 8 and len(groups[-1]) <= 6:
            local, ext = digits[area_len:split], groups[-1]
    if not _LOCAL_RE.fullmatch(local):
        return None, NOTE_BAD_PHONE
    value = f"{area}-{local}"
    if ext:
        value += f"-{ext}"
    return value, ""


def to_phone(raw: object) -> Parsed:
    """Parse a phone cell.

    value: 11 digits for a mobile ('15003116043'); 'AREA-NUMBER' or
    'AREA-NUMBER-EXT' for a landline ('0311-87803218', '0311-87803218-123').
    With several numbers in one cell ('、', ',', ';', '/', '或', a line break between them) the first one decides
    whether the cell is valid and every one is kept, normalised, joined by '、' ('0311-87803218、15003116043'; a
    later one that cannot be read alone as typed), so no number typed is lost from the register.
    """
    text = clean_text(raw)
    if raw is None:
        return _empty(raw, text)
    if isinstance(raw, bool):
        return _bad(raw, text, NOTE_BAD_PHONE)
    if isinstance(raw, (numbers.Real, Decimal)):
        # Excel stored the phone as a number: only digits survive, a leading 0 is lost.
        try:
            number = float(raw)
        except (OverflowError, ValueError):
            return _bad(raw, text, NOTE_BAD_PHONE)
        if not math.isfinite(number) or number < 0 or not number.is_integer():
            return _bad(raw, text, NOTE_BAD_PHONE)
        digits = str(int(raw)) if isinstance(raw, numbers.Integral) else str(int(Decimal(str(raw))))
        value, note = _parse_phone(digits)
        if value is None:
            if _parse_phone("0" + digits)[0] is not None and not digits.startswith("1"):
                note = NOTE_PHONE_AS_NUMBER
            return _bad(raw, text, note)
        return Parsed(raw=raw, text=text, value=value, ok=True, empty=False)
    if is_placeholder(text):
        return _empty(raw, text)
    s = _INVISIBLE_RE.sub("", unicodedata.normalize("NFKC", text))
    parts = [p.strip() for p in _PHONE_LIST_SEP_RE.split(s) if p.strip()]
    if not parts:
        return _bad(raw, text, NOTE_BAD_PHONE)
    value, note = _parse_phone(parts[0])
    if value is None:
        return _bad(raw, text, note)
    return Parsed(raw=raw, text=text, value=_listed(value, parts[1:], _next_phone), ok=True,
                  empty=False)


LIST_SEP = "、"  # between the several numbers or addresses of one cell in a value


def _next_phone(part: str, previous: str) -> str | None:
    """One of several numbers in a phone cell, normalised: read alone (_parse_phone), else as people shorten the
    numbers after a landline — its last digits only ('0311-87803218/19': 0311-87803219) or the number without the
    area code ('0311-87803218/87803219': the same area code meant); None when it is none of these."""
    value = _parse_phone(part)[0]
    if value is not None:
        return value
    m = re.fullmatch(r"(\d+)-(\d+)", previous)
    digits = re.sub(r"[\s-]", "", part)
    if m is None or not digits.isdigit():
        return None
    area, number = m.groups()
    if len(digits) < len(number) and len(digits) <= 4:  # '/19', '/219': the last digits changed
        return f"{area}-{number[:-len(digits)]}{digits}"
    if len(digits) == len(number) and digits[0] in "23456789":  # a local number of the same length
        return f"{area}-{digits}"
    return None


def _listed(first: str, rest: list[str], parse) -> str:
    """``first`` and the cell's other entries in the order typed, each normalised by ``parse(entry, the value
    before it)`` or, when it cannot read it, kept as typed; repeats once, and placeholders ('无', '—') not at
    all."""
    values = [first]
    for part in rest:
        if is_placeholder(part):
            continue
        v = parse(part, values[-1]) or part
        if v not in values:
            values.append(v)
    return LIST_SEP.join(values)


def phone_kind(value: object) -> str:
    """'mobile' | 'landline' | '' for a phone value (normalised or raw)."""
    if not isinstance(value, str) or not value:
        return ""
    value = value.split(LIST_SEP)[0]  # several numbers: the first one's kind, as to_phone reads the cell
    if not (_MOBILE_RE.fullmatch(value) or _LANDLINE_VALUE_RE.fullmatch(value)):
        parsed = to_phone(value)
        if not parsed.ok or parsed.value is None:
            return ""
        value = parsed.value
    if _MOBILE_RE.fullmatch(value):
        return "mobile"
    if _LANDLINE_VALUE_RE.fullmatch(value):
        return "landline"
    return ""


# ---------------------------------------------------------------------------
# E-mail
# ---------------------------------------------------------------------------

_ATOM = r"[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+"
_EMAIL_RE = re.compile(
    rf"(?P<local>{_ATOM}(?:\.{_ATOM})*)@"
    r"(?P<domain>(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+[A-Za-z]{2,63})"
)
_EMAIL_LIST_SEP_RE = re.compile(r"[;,、]")
_MAILTO_RE = re.compile(r"^mailto:", re.IGNORECASE)


def to_email(raw: object) -> Parsed:
    """Parse an e-mail cell; value is 'local@domain' with the domain lower-cased. Several addresses in one cell
    (';', ',', '、' between them): the first one decides whether the cell is valid and all are kept, joined by '、'
    as :func:`to_phone` keeps several numbers."""
    text = clean_text(raw)
    if raw is None or is_placeholder(text):
        return _empty(raw, text)
    s = unicodedata.normalize("NFKC", text)
    s = _WS_RE.sub("", _INVISIBLE_RE.sub("", s)).replace("。", ".")
    s = _MAILTO_RE.sub("", s)
    parts = [p for p in _EMAIL_LIST_SEP_RE.split(s) if p]
    value = _email(parts[0]) if parts else None
    if value is None:
        return _bad(raw, text, NOTE_BAD_EMAIL)
    return Parsed(raw=raw, text=text, value=_listed(value, parts[1:], lambda part, _previous: _email(part)), ok=True,
                  empty=False)


def _email(s: str) -> str | None:
    m = _EMAIL_RE.fullmatch(s)
    if not m or len(m.group("local")) > 64 or len(s) > 254:
        return None
    return f"{m.group('local')}@{m.group('domain').lower()}"


# ---------------------------------------------------------------------------
# Labels and names
# ---------------------------------------------------------------------------

# Units that may appear in brackets after a label (matched after NFKC + ASCII lower-case).
_LABEL_UNITS = (
    "万元人民币", "亿元", "万元", "千元", "元", "万美元", "美元",
    "人次", "人", "名", "个百分点", "百分点", "个", "项", "件", "次", "家", "台", "套", "批",
    "小时", "年", "月", "日", "天", "岁", "分", "h",
    "%", "‰",
    "万吨", "吨标准煤", "吨标煤", "吨", "tce", "t", "千克", "公斤", "kg",
    "万平方米", "平方米", "m2", "立方米", "m3", "米", "m", "亩",
    "万千瓦时", "千瓦时", "kwh", "度",
)
_UNIT_ALT = "|".join(re.escape(u) for u in _LABEL_UNITS)
_LABEL_UNIT_RE = re.compile(
    rf"[(\[【〔](?:单位:?)?(?:{_UNIT_ALT})(?:[/、,](?:{_UNIT_ALT}))*[)\]】〕]"
)


_LINE_BREAK_RE = re.compile(r"[ \t\u00a0\u3000]*[\r\n\u2028\u2029\v\f]+[\s\u00a0\u3000]*")
_WORD_CHAR_RE = re.compile(r"[A-Za-z0-9]")


def one_line(text: str) -> str:
    """A name typed over several lines of a cell (Alt+Enter to fit a narrow box, a soft line break in Word) on one
    line, as it is written in a document: the break and the spaces around it dropped between Chinese characters
    ('河北恒瑞精工\n机械有限公司' -> '河北恒瑞精工机械有限公司'), one space between two Latin letters or digits
    ('ABC\nGroup' -> 'ABC Group')."""
    def join(m: re.Match) -> str:
        before, after = text[m.start() - 1:m.start()], text[m.end():m.end() + 1]
        return " " if _WORD_CHAR_RE.match(before) and _WORD_CHAR_RE.match(after) else ""
    return _LINE_BREAK_RE.sub(join, text).strip()


def compact(s: object) -> str:
    """``s`` as patterns and keys see it: clean_text, NFKC (full-width forms folded), no whitespace or invisible
    characters; case kept ('９１１３ 0100ma' -> '91130100ma')."""
    s = unicodedata.normalize("NFKC", clean_text(s))
    return _WS_RE.sub("", _INVISIBLE_RE.sub("", s))


def normalize_label(s: object) -> str:
    """Key for matching form labels: '主营业收入(万元）' -> '主营业收入', ' 电 话：' -> '电话'."""
    s = compact(s).translate(_ASCII_LOWER)
    s = s.rstrip(":")
    s = _LABEL_UNIT_RE.sub("", s)
    return s.rstrip(":")


_QUOTE_TRANS = str.maketrans(
    {
        "\u201c": '"', "\u201d": '"', "\u201e": '"', "\u201f": '"', "\u301d": '"', "\u301e": '"',
        "\u2018": "'", "\u2019": "'", "\u201a": "'", "\u201b": "'",
    }
)
_NAME_DOTS_RE = re.compile("[\u00b7\u2022\u2027\u2219\u30fb]")
# dashes and brackets that NFKC leaves alone but people type for '-' and '(' ')' (IME variants, Word's
# autocorrect of '-' to an en/em dash, 【】 and 〔〕 from Chinese input methods)
_VARIANT_TRANS = str.maketrans({
    **{ch: "-" for ch in "\u2010\u2011\u2012\u2013\u2014\u2015\u2212\u2e3a\u2e3b\u30fc\u2500\u301c\uff5e"},
    **{ch: "(" for ch in "\u3010\u3014\u3016\u3008\u300a\u300c\u300e\u3018\u301a"},
    **{ch: ")" for ch in "\u3011\u3015\u3017\u3009\u300b\u300d\u300f\u3019\u301b"},
})


def normalize_filename(name: str) -> str:
    """A file or folder name as typed, normalised the way values are before anything is read from it.

    NFKC (full-width digits, letters and punctuation: '１－恒瑞' -> '1-恒瑞'), variant dashes ('1—恒瑞',
    '1–恒瑞', '1ー恒瑞') to '-', variant brackets ('【2】', '〔2〕') to '(' ')', invisible characters dropped,
    runs of spaces (the ideographic space too) to one, no spaces at either end or before the suffix
    ('申请表 .xlsx'). Used for unit folders, rank prefixes and enterprise names read from names.
    """
    s = unicodedata.normalize("NFKC", name).translate(_VARIANT_TRANS)
    s = _WS_RE.sub(" ", _INVISIBLE_RE.sub("", s)).strip()
    return re.sub(r"\s+(\.[A-Za-z0-9]{1,5})$", r"\1", s)


def normalize_name(s: object) -> str:
    """Key for comparing enterprise names: '河北 钢铁（集团）有限公司' -> '河北钢铁(集团)有限公司'.

    Cached: names are compared again and again while pairing (short names in a large cache, the paragraphs a
    name is looked for in — a 企业概况 of up to 500 字 — in a small one)."""
    if isinstance(s, str):
        if len(s) <= 200:
            return _normalize_name_cached(s)
        if len(s) <= 4000:
            return _normalize_text_cached(s)
    return _normalize_name(s)


@functools.lru_cache(maxsize=1 << 16)
def _normalize_name_cached(s: str) -> str:
    return _normalize_name(s)


@functools.lru_cache(maxsize=1024)
def _normalize_text_cached(s: str) -> str:
    return _normalize_name(s)


def _normalize_name(s: object) -> str:
    s = compact(s).translate(_QUOTE_TRANS).translate(_VARIANT_TRANS)
    s = _NAME_DOTS_RE.sub("", s)
    return s.translate(_ASCII_LOWER)




# ---------------------------------------------------------------------------
# Dates
# ---------------------------------------------------------------------------

_EXCEL_MAX_SERIAL = 2958465  # 9999-12-31


def from_excel_date(raw: object) -> datetime.date | None:
    """Date of an Excel serial number (1900 date system) or a datetime/date; else None.

    Serial 1 is 1900-01-01; serial 60 is Excel's fictitious 1900-02-29 (None).
    The time-of-day fraction is dropped.
    """
    if isinstance(raw, datetime.datetime):
        return raw.date()
    if isinstance(raw, datetime.date):
        return raw
    if isinstance(raw, bool) or not isinstance(raw, (numbers.Real, Decimal)):
        return None
    try:
        serial = float(raw)
    except (OverflowError, ValueError):
        return None
    if not math.isfinite(serial) or serial < 1 or serial >= _EXCEL_MAX_SERIAL + 1:
        return None
    days = int(serial)
    if days == 60:
        return None
    if days < 60:
        return datetime.date(1899, 12, 31) + datetime.timedelta(days=days)
    return datetime.date(1899, 12, 30) + datetime.timedelta(days=days)


def plain_number(value) -> str:
    """A figure as a clerk writes it: 1234567.8 -> '1234567.8', 561000.0 -> '561000', -0.01 -> '-0.01' (never
    scientific notation such as 5.61e+05; at most 6 decimals). Anything else as str()."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return str(value)
    if float(value).is_integer():
        return str(int(value))
    return f"{value:.6f}".rstrip("0").rstrip(".")


_CN_DATE_DIGITS = {c: i for i, c in enumerate("〇一二三四五六七八九")} | {"零": 0, "○": 0, "Ｏ": 0}
_NUMERIC_DATE = re.compile(r"(\d{4})\s*[-./年]\s*(\d{1,2})\s*[-./月]\s*(\d{1,2})\s*日?(?:\s+\d{1,2}:\d{2}(?::\d{2})?)?")
_CHINESE_DATE = re.compile(r"([〇○Ｏ零一二三四五六七八九]{4})\s*年\s*([一二三四五六七八九十]{1,3})\s*月\s*([一二三四五六七八九十]{1,3})\s*日")


def chinese_count(text: str) -> int | None:
    """一 -> 1, 十 -> 10, 十八 -> 18, 二十 -> 20, 三十一 -> 31 (a month or a day written in Chinese, a heading's
    number); None for anything else ('十十', '一二')."""
    tens, _, ones = text.partition("十")
    if "十" not in text:
        return _CN_DATE_DIGITS.get(text) if len(text) == 1 else None
    high = 1 if not tens else _CN_DATE_DIGITS.get(tens) if len(tens) == 1 else None
    low = 0 if not ones else _CN_DATE_DIGITS.get(ones) if len(ones) == 1 else None
    return None if high is None or low is None else high * 10 + low


def official_date(value: object) -> str:
    """A date as a 成文日期 is written (GB/T 9704-2012 §7.3.5.2: '2021年9月18日', Arabic numerals, no leading zeros)
    from a date cell or text: 2021-09-18, 2021.9.18, 2021/9/18, 2021年09月18日, 2021-09-18 00:00:00, or the
    traditional 二〇二一年九月十八日; '' when it is no date that exists ('9月20日', '2021年9月31日')."""
    day = official_day(value)
    return f"{day.year}年{day.month}月{day.day}日" if day else ""


def official_day(value: object) -> datetime.date | None:
    """The day a 成文日期 names, read as official_date reads it (a date cell, or text in any of its forms); None
    when it names none."""
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    text = to_text(value).value or ""  # (without zero-width characters, stripped)
    m = _NUMERIC_DATE.fullmatch(text)
    if m:
        year, month, day = int(m.group(1)), int(m.group(2)), int(m.group(3))
    else:
        m = _CHINESE_DATE.fullmatch(text)
        if not m:
            return None
        year = int("".join(str(_CN_DATE_DIGITS[c]) for c in m.group(1)))
        month, day = chinese_count(m.group(2)), chinese_count(m.group(3))
        if month is None or day is None:
            return None
    try:
        return datetime.date(year, month, day)
    except ValueError:
        return None
