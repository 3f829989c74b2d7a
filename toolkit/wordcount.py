"""字数 as Microsoft Word counts it for Chinese documents (审阅 → 字数统计, the "字数" figure).

Each CJK character and each CJK/full-width punctuation mark counts 1; each run of other
non-space characters (Latin letters, digits, ASCII punctuation attached to them) counts 1.
Invisible format characters (zero-width space/joiners, word joiner, byte-order mark, soft hyphen) are
not shown, so they neither count nor split a word. The text given must be the text Word shows —
revisions accepted, field results, text boxes once, no list numbers — as toolkit.extract.docx reads it.
"""
from __future__ import annotations

import re

_CJK = (
    "\u2e80-\u2fdf"  # radicals
    "\u3001-\u303f"  # CJK symbols and punctuation (not U+3000, the ideographic space)
    "\u3040-\u30ff"  # kana
    "\u3100-\u312f\u31a0-\u31bf"  # bopomofo
    "\u3200-\u33ff"  # enclosed CJK, compatibility
    "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"  # ideographs
    "\ufe30-\ufe4f"  # CJK compatibility forms
    "\uff01-\uffef"  # full-width forms
    "\u2018\u2019\u201c\u201d\u2026\u2014\u00b7"  # quotes, ellipsis, dash, middle dot used in Chinese text
    "\U00020000-\U0003134f"  # extension ideographs
)
_OTHER_RUN = re.compile(f"[^\\s{_CJK}]+")
_INVISIBLE_CHARS = "\u200b\u200c\u200d\u2060\ufeff\u00ad"
_INVISIBLE_RE = re.compile(f"[{_INVISIBLE_CHARS}]")
_INVISIBLE = dict.fromkeys(map(ord, _INVISIBLE_CHARS))


def count_words(text: str) -> int:
    """Return Word's 字数 for ``text`` (a str; None or '' give 0). Never raises.

    Each CJK character counts 1 and each run of other non-space characters counts 1 (a CJK character ends a
    run as a space does). Counted without building a blanked copy of the text: the runs are found in the text
    itself, and the CJK characters are the non-space characters outside them (str.split and the pattern's
    ``\\s`` agree on what a space is: both are str.isspace). A 总结材料's 11,000 characters: 0.36 ms, against
    1.1 ms blanking each CJK character by regex first.
    """
    if not text:
        return 0
    if _INVISIBLE_RE.search(text):
        text = text.translate(_INVISIBLE)
    runs = _OTHER_RUN.findall(text)
    non_space = sum(map(len, text.split()))
    return non_space - sum(map(len, runs)) + len(runs)
