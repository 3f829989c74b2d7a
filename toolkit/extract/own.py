"""The toolkit's own outputs dropped back into the inbox: recognised by their mark, else by their content.

Every document the toolkit writes carries the custom document property ``model.OUTPUT_PROPERTY`` naming the
output (Word: 文件 → 信息 → 属性 → 高级属性 → 自定义; kept by Word, Excel, WPS and LibreOffice when they re-save).
Outputs written before the mark existed, or by a program that dropped it, are recognised by content: a
推荐意见 by its keyword or its title ('…关于推荐…的意见') at the start and its stamp area and ranking table, a 回执
or 省级汇总表 by the sheets the toolkit gives them.

The other files of a run folder carry the same mark in their own way: a status page (index.html) a
``<meta name="generator" content="质量标杆推荐工具生成">``, summary.json a field ``"generator"`` among its first
lines, a PDF of a 推荐意见 or 回执 (--pdf) the mark among its keywords (LibreOffice copies the document's keywords
into the PDF's document information). Pages and summaries written before the mark existed are known by their title
('… — 推荐汇总状态') and their first fields. A PDF is ours only as LibreOffice wrote it — one revision: a PDF
that was stamped electronically (an incremental update) or written again by another program is the unit's, and
counts as a stamped scan when its name says so.
"""
from __future__ import annotations

import re

from ..model import (
    OUTPUT_OPINION,
    OUTPUT_PDF,
    OUTPUT_PROPERTY,
    OUTPUT_RECEIPT,
    OUTPUT_REGISTER,
    OUTPUT_STATUS_PAGE,
    OUTPUT_SUMMARY,
)
from .opc import Package
from .safety import UnsafeFile

# our outputs that, dropped back into the inbox, are listed but never read as a form or a summary
NEVER_READ = frozenset({OUTPUT_OPINION, OUTPUT_RECEIPT, OUTPUT_REGISTER, OUTPUT_STATUS_PAGE, OUTPUT_SUMMARY,
                        OUTPUT_PDF})

_RECEIPT_SHEETS = {"申报情况", "问题及修改方法", "收到的文件"}
_REGISTER_SHEETS = {"推荐单位情况", "问题清单"}  # (its 3rd and 4th sheets: a reader keeping the first six sees both)
_OPINION_MARKS = ("加盖公章", "推荐顺序", "申报单位", "标杆名称")
_TITLE = re.compile(r"关于推荐.{1,60}?的意见")  # an opinion's title: 发文机关名称 + 事由 + 文种


def own_output(data: bytes | Package, keyword: str = OUTPUT_OPINION) -> str | None:
    """Which of our outputs a file is (model.OUTPUT_*), or None for anything else: an .xlsx/.docx, a status page,
    summary.json or a PDF of ours.

    ``data`` is the whole file, or its package already open (whose main part is then parsed once for this
    and for the reader); ``keyword`` is the campaign's name for the opinion (推荐意见). Never raises: a
    damaged package is simply not ours.
    """
    try:
        if isinstance(data, Package):
            return _own_output(data, keyword)
        if not data.startswith((b"PK\x03\x04", b"PK\x05\x06")):
            return own_plain_output(data)
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
        return own_workbook_output(el.get("name", "") for el in root.iter("{*}sheet"))
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


def own_workbook_output(sheet_names) -> str | None:
    """OUTPUT_RECEIPT or OUTPUT_REGISTER when a workbook's sheet names are those the toolkit gives its 回执 or its
    省级汇总表, else None. The names survive whatever program saved the workbook again (Excel 97-2003 .xls,
    LibreOffice .ods, WPS), where the custom document property may not be read or may be dropped."""
    sheets = set(sheet_names)
    if _RECEIPT_SHEETS <= sheets:
        return OUTPUT_RECEIPT
    if _REGISTER_SHEETS <= sheets:
        return OUTPUT_REGISTER
    return None


_MARK = OUTPUT_PROPERTY.encode()
_META = re.compile(rb"<meta\b[^>]*>", re.IGNORECASE)
_GENERATOR = re.compile(rb"""\bname\s*=\s*["']?generator\b""", re.IGNORECASE)
_PAGE_TITLE = re.compile(r"<title>[^<]{0,300}— 推荐汇总状态</title>")  # (status_page._document, before the mark)
_SUMMARY_MARK = re.compile(rb'"generator"\s*:\s*"' + re.escape(_MARK))
_SUMMARY_FIELDS = (b'"campaign":', b'"generated_at":', b'"deadline":')  # summary.json's first lines, before the mark
_PDF_MARKS = (OUTPUT_PROPERTY.encode("utf-16-be").hex().upper().encode(),  # <FEFF…> hex string (LibreOffice)
              OUTPUT_PROPERTY.encode("utf-16-be").hex().encode(),
              OUTPUT_PROPERTY.encode("utf-16-be"),  # a literal string (…)
              _MARK)  # XMP metadata (UTF-8)
_PDF_PRODUCER = ("LibreOffice".encode("utf-16-be").hex().upper().encode(), b"LibreOffice")


def own_plain_output(data: bytes) -> str | None:
    """Which of our outputs a file that is no Office package is: a status page (model.OUTPUT_STATUS_PAGE),
    summary.json (OUTPUT_SUMMARY), a PDF LibreOffice made of a 推荐意见 or 回执 (OUTPUT_PDF); None for anything
    else — an enterprise's web page or a stamped scan among them. Reads only the head of a page or summary."""
    if data.startswith(b"%PDF"):
        return OUTPUT_PDF if _own_pdf(data) else None
    head = data[:16384].lstrip(b"\xef\xbb\xbf \t\r\n")
    if head.startswith(b"{"):
        if _SUMMARY_MARK.search(head) or all(field in head for field in _SUMMARY_FIELDS):
            return OUTPUT_SUMMARY
        return None
    if head[:1] == b"<":
        if any(_MARK in tag and _GENERATOR.search(tag) for tag in _META.findall(head)):
            return OUTPUT_STATUS_PAGE
        if _PAGE_TITLE.search(head.decode("utf-8", "ignore")):
            return OUTPUT_STATUS_PAGE
    return None


def _own_pdf(data: bytes) -> bool:
    """A PDF as LibreOffice wrote it from one of our documents: our mark in its document information or metadata,
    LibreOffice its producer, and one revision (a single cross-reference section: nothing added since)."""
    return (data.count(b"startxref") == 1 and any(mark in data for mark in _PDF_MARKS)
            and any(producer in data for producer in _PDF_PRODUCER))
