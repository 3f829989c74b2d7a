"""Number formats: what a spreadsheet *shows* for a stored number.

Only the parts that change the figure a clerk reads are interpreted:

* date/time formats (ECMA-376 Part 1 §18.8.30 numFmt, built-in ids §18.8.31; [MS-XLS] 2.4.126 Format) — the
  serial number is a date;
* scaling — each ',' right after the last digit placeholder divides by 1000 (``#,##0,`` ``0.00,,``);
* WPS's "单位：万元" trick — a literal '.' between digit placeholders (``0"."0,"万元"``, ``0!.0,"万元"``,
  ``0\\.0000``) moves the last k digits behind a dot that is only text, i.e. divides by 10**k;
* a unit written as literal text in the format (``"万元"``, ``"元"``, ``"千元"``).

The functions are pure and cached by format code.
"""
from __future__ import annotations

import datetime as dt
import functools
import re
from dataclasses import dataclass

# ECMA-376 §18.8.31 built-in formats that are dates/times (27-36 and 50-58 are the CJK locales' dates)
BUILTIN_DATE_IDS = frozenset({*range(14, 23), *range(27, 37), *range(45, 48), *range(50, 59)})

# unit written in a format's literal text -> factor that turns the shown figure into 万元
_UNIT_FACTORS = (("亿元", 10000.0), ("万元", 1.0), ("千元", 0.1), ("百元", 0.01), ("元", 0.0001))


@dataclass(frozen=True)
class Shown:
    """How a format shows a number: ``shown = stored * scale``; ``unit`` the unit written in the format ('' if none);
    ``date`` True for date/time formats."""

    scale: float = 1.0
    unit: str = ""
    date: bool = False

    @property
    def plain(self) -> bool:
        return self.scale == 1.0 and not self.unit and not self.date


PLAIN = Shown()


def _tokens(section: str) -> list[tuple[str, str]]:
    """(kind, text) tokens of one format section: 'lit' literal text, 'digit', 'dot', 'comma', 'other'."""
    out = []
    i, n = 0, len(section)
    while i < n:
        ch = section[i]
        if ch == '"':
            j = section.find('"', i + 1)
            j = n if j == -1 else j
            out.append(("lit", section[i + 1:j]))
            i = j + 1
        elif ch in "\\!" and i + 1 < n:  # '!' escapes a character in WPS/Excel format codes as '\' does
            out.append(("lit", section[i + 1]))
            i += 2
        elif ch == "[":
            j = section.find("]", i + 1)
            j = n if j == -1 else j
            out.append(("bracket", section[i + 1:j]))
            i = j + 1
        elif ch in "_*" and i + 1 < n:  # '_x' pads with the width of x, '*x' fills with x: no figure change
            i += 2
        elif ch in "0#?":
            out.append(("digit", ch))
            i += 1
        elif ch == ".":
            out.append(("dot", ch))
            i += 1
        elif ch == ",":
            out.append(("comma", ch))
            i += 1
        else:
            out.append(("other", ch))
            i += 1
    return out


def _first_section(code: str) -> str:
    """The section for positive numbers (sections are split by ';' outside quotes)."""
    depth_quote = False
    for i, ch in enumerate(code):
        if ch == '"':
            depth_quote = not depth_quote
        elif ch == ";" and not depth_quote and (i == 0 or code[i - 1] not in "\\!"):
            return code[:i]
    return code


_DATE_LETTERS = re.compile(r"[yYmMdDhHsSeE]|上午|下午|AM/PM|A/P", re.I)


@functools.lru_cache(maxsize=512)
def shown(code: str | None, builtin_id: int | None = None) -> Shown:
    """How the format ``code`` (or the built-in ``builtin_id`` when ``code`` is None) shows a number."""
    if code is None:
        return Shown(date=True) if builtin_id in BUILTIN_DATE_IDS else PLAIN
    section = _first_section(code)
    tokens = _tokens(section)
    if not tokens or code.strip().lower() == "general":
        return PLAIN
    plain_text = "".join(t for kind, t in tokens if kind == "other")
    if _DATE_LETTERS.search(plain_text) and not any(kind == "digit" for kind, _ in tokens):
        return Shown(date=True)
    literal = "".join(t for kind, t in tokens if kind == "lit")
    unit = next((u for u, _f in _UNIT_FACTORS if u in literal), "")
    if not unit and "万" in literal:
        unit = "万元"
    digits = [i for i, (kind, _t) in enumerate(tokens) if kind == "digit"]
    if not digits:
        return Shown(unit=unit) if unit else PLAIN
    scale = 1.0
    last = digits[-1]
    j = last + 1
    while j < len(tokens) and tokens[j][0] == "comma":  # trailing commas: /1000 each
        scale /= 1000.0
        j += 1
    has_dot = any(kind == "dot" for kind, _ in tokens[:last + 1])
    if not has_dot:
        # a literal '.' between digit placeholders: the digits after it are only shown behind a dot
        lit_dots = [i for i in range(digits[0], last) if tokens[i] == ("lit", ".")]
        if lit_dots:
            k = sum(1 for i in digits if i > lit_dots[-1])
            scale /= 10.0 ** k
    return Shown(scale=scale, unit=unit)


def unit_factor(unit: str) -> float | None:
    """Factor that turns a figure written in ``unit`` into 万元; None when ``unit`` is no money unit."""
    return next((f for u, f in _UNIT_FACTORS if u == unit), None)


def excel_date(serial: float, *, date1904: bool = False) -> dt.datetime | dt.date | None:
    """The date/time a serial number stands for (1900 system with Excel's phantom 29 Feb 1900, or 1904)."""
    try:
        if date1904:
            base = dt.datetime(1904, 1, 1)
        else:
            base = dt.datetime(1899, 12, 31) if serial < 60 else dt.datetime(1899, 12, 30)
        value = base + dt.timedelta(days=float(serial))
    except (OverflowError, ValueError, TypeError):
        return None
    return value.date() if float(serial).is_integer() else value


def excel_serial(value: dt.date | dt.datetime) -> float:
    """The 1900-system serial number of a date/time (for formulas that compute with dates)."""
    if not isinstance(value, dt.datetime):
        value = dt.datetime(value.year, value.month, value.day)
    delta = value - dt.datetime(1899, 12, 30)
    serial = delta.days + delta.seconds / 86400
    return float(serial if serial >= 61 else serial - 1)
