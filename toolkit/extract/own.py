"""The toolkit's own outputs dropped back into the inbox: recognised by their mark, else by their content.

Every document the toolkit writes carries the custom document property ``model.OUTPUT_PROPERTY`` naming the
output (Word: 文件 → 信息 → 属性 → 高级属性 → 自定义; kept by Word, Excel, WPS and LibreOffice when they re-save).
Outputs written before the mark existed, or by a program that dropped it, are recognised by content: a
推荐意见 by its keyword or its title ('…关于推荐…的意见') at the start and its stamp area and ranking table, a 回执
or 省级汇总表 by the sheets the toolkit gives them.
"""
from __future__ import annotations

import re

from ..model import OUTPUT_OPINION, OUTPUT_PROPERTY, OUTPUT_RECEIPT, OUTPUT_REGISTER
from .opc import Package
from .safety import UnsafeFile

# our outputs that, dropped back into the inbox, are listed but never read as a form or a summary
NEVER_READ = frozenset({OUTPUT_OPINION, OUTPUT_RECEIPT, OUTPUT_REGISTER})

_RECEIPT_SHEETS = {"申报情况", "问题及修改方法", "收到的文件"}
_REGISTER_SHEETS = {"推荐单位情况", "问题清单", "文件清单"}
_OPINION_MARKS = ("加盖公章", "推荐顺序", "申报单位", "标杆名称")
_TITLE = re.compile(r"关于推荐.{1,60}?的意见")  # an opinion's title: 发文机关名称 + 事由 + 文种


def own_output(data: bytes | Package, keyword: str = OUTPUT_OPINION) -> str | None:
    """Which of our outputs an .xlsx/.docx is (model.OUTPUT_*), or None for anything else.

    ``data`` is the whole file, or its package already open (whose main part is then parsed once for this
    and for the reader); ``keyword`` is the campaign's name for the opinion (推荐意见). Never raises: a
    damaged package is simply not ours.
    """
    try:
        if isinstance(data, Package):
            return _own_output(data, keyword)
        with Package(data) as pkg:
            return _own_output(pkg, keyword)
    except (UnsafeFile, KeyError, OSError, ValueError):
        return None


def _own_output(pkg: Package, keyword: str) -> str | None:
    mark = pkg.custom_properties().get(OUTPUT_PROPERTY)
    if mark:
        return mark
    main = pkg.main_part("word/document.xml", "xl/workbook.xml")
    if main is None:
        return None
    root = pkg.xml(main, keep=True)
    if root.tag.endswith("}workbook"):
        sheets = {el.get("name", "") for el in root.iter("{*}sheet")}
        if _RECEIPT_SHEETS <= sheets:
            return OUTPUT_RECEIPT
        if _REGISTER_SHEETS <= sheets:
            return OUTPUT_REGISTER
        return None
    if root.tag.endswith("}document"):
        # the keyword within the first 400 characters, then every mark anywhere: a 总结材料's 11,000 characters
        # are joined only when it opens like an opinion
        texts = (t.text or "" for t in root.iter("{*}t"))
        head, length = [], 0
        for piece in texts:
            head.append(piece)
            length += len(piece)
            if length >= 400:
                break
        opening = "".join(head)[:400]
        if keyword not in opening and not _TITLE.search(opening):  # ('<unit>关于推荐…的意见': the title since 4898fdc)
            return None
        text = "".join(head) + "".join(texts)
        if all(mark in text for mark in _OPINION_MARKS):
            return OUTPUT_OPINION
    return None
