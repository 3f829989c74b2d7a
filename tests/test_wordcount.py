"""字数 as Word counts it: hand-counted examples, and the fast count against the rule's plain statement."""
from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from toolkit.wordcount import _CJK, _INVISIBLE_CHARS, count_words

_ONE_CJK = re.compile(f"[{_CJK}]")
_OTHER_RUN = re.compile(f"[^\\s{_CJK}]+")


def rule(text: str) -> int:
    """The rule as stated: drop invisible characters, count each CJK character, blank it out, then count each
    remaining run of non-space characters."""
    text = "".join(c for c in text if c not in _INVISIBLE_CHARS)
    rest, cjk = _ONE_CJK.subn(" ", text)
    return cjk + len(_OTHER_RUN.findall(rest))


@pytest.mark.parametrize(("text", "expected"), [
    ("", 0),
    ("质量标杆", 4),
    ("2020年营业收入1300万元", 1 + 5 + 1 + 2),  # "2020" 年营业收入 "1300" 万元
    ("ISO 9001:2015认证", 2 + 2),
    ("质量\u3000标杆", 4),  # the ideographic space separates, counts nothing
    ("“六西格玛”管理……", 10),  # Chinese quotes and the ellipsis count 1 each
    ("abc\tdef\nghi\x1cjkl", 4),  # tabs, line breaks and the file separator Python calls a space
    ("e-mail：info@example.com", 1 + 1 + 1),  # the full-width colon is CJK punctuation
    ("\U00020000\U0003134f x", 3),  # extension ideographs
    ("\ud800abc 质", 2),  # a lone surrogate (a damaged file) is part of a word
    ("infor\u00admation\u200b \ufeff", 1),
])
def test_hand_counted(text, expected):
    assert count_words(text) == expected == rule(text)


_ALPHABET = st.sampled_from(
    ["质", "量", "、", "。", "ア", "ㄅ", "㈠", "豈", "︰", "Ａ", "，", "“", "”", "…", "—", "·", "\U00020001",
     "a", "Z", "9", "-", "@", ".", "é", "\u0301", "\ud800",
     " ", "\t", "\n", "\r", "\x0b", "\x0c", "\x1c", "\x1f", "\x85", "\xa0", "\u2003", "\u2028", "\u3000",
     *_INVISIBLE_CHARS])


@settings(max_examples=600, deadline=None)
@given(st.lists(_ALPHABET, max_size=60).map("".join))
def test_fast_count_equals_the_rule(text):
    assert count_words(text) == rule(text)
