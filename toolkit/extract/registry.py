"""Pick the extractor for a file by its content and return what it holds. Never raises on bad input."""
from __future__ import annotations

import logging
import re

from ..campaign import Campaign, label_index
from ..messages import make_issue
from ..model import (APPLICATION_DOC, FORM, OPINION_SCAN, OTHER, RANKING, SUMMARY, Extracted)
from ..normalize import normalize_label
from . import sniff as S
from .docx import read_docx, read_sections, table_sheet
from .form import form_by_labels, read_form, read_ranking
from .grid import Workbook, read_workbook
from .legacy import ConversionFailed, convert, soffice_path
from .safety import UnsafeFile

log = logging.getLogger(__name__)

EXTRACTOR_VERSION = "1"

_LEGACY_TARGET = {S.DOC: "docx", S.WPS: "docx", S.ODT: "docx", S.RTF: "docx", S.HTML: "docx", S.ET: "xlsx"}
_SUFFIX = {S.DOC: "doc", S.WPS: "wps", S.ODT: "odt", S.RTF: "rtf", S.HTML: "html", S.ET: "et"}


def _unreadable(file: str, reason: str) -> Extracted:
    return Extracted(kind=OTHER, issues=(make_issue("file.unreadable", file=file, location="整个文件",
                                                    reason=reason),))


def _unsupported(file: str, reason: str) -> Extracted:
    return Extracted(kind=OTHER, issues=(make_issue("file.unsupported", file=file, location="整个文件",
                                                    reason=reason),))


def extract(data: bytes, name: str, campaign: Campaign, *, file: str = "") -> Extracted:
    """What one file holds. ``name`` is the file name (for tie-breaks), ``file`` the path for messages."""
    file = file or name
    try:
        return _extract(data, name, campaign, file)
    except Exception as exc:  # a bad file must never stop the run
        log.debug("extract failed for %s", file, exc_info=True)
        if "password" in str(exc).lower() or "encrypt" in str(exc).lower():
            return Extracted(kind=OTHER, issues=(make_issue("file.encrypted", file=file, location="整个文件"),))
        return _unreadable(file, f"文件已损坏或格式不正确（{type(exc).__name__}）")


def _extract(data: bytes, name: str, campaign: Campaign, file: str) -> Extracted:
    sniffed = S.sniff(data, name)
    kind = sniffed.type
    lower = name.lower()
    if kind == S.EMPTY:
        return _unreadable(file, "文件是空的（0 字节），可能未保存完整或复制中断")
    if kind == S.ENCRYPTED:
        return Extracted(kind=OTHER, issues=(make_issue("file.encrypted", file=file, location="整个文件"),))
    if kind in (S.XLSX, S.XLSM, S.XLS, S.ODS):
        try:
            book = read_workbook(data, kind)
        except UnsafeFile as exc:
            return _unreadable(file, str(exc))
        return _from_workbook(book, name, campaign, file)
    if kind == S.DOCX:
        try:
            content = read_docx(data)
        except UnsafeFile as exc:
            return _unreadable(file, str(exc))
        except KeyError:
            return _unreadable(file, "缺少正文部分（word/document.xml）")
        return _from_docx(content, name, campaign, file)
    if kind in _LEGACY_TARGET:
        if kind == S.HTML and not re.search(r"\.(docx?|wps|html?|xlsx?|et|mht)$", lower):
            return _unsupported(file, "这是网页文件，不是 Word/Excel 文件。")
        if soffice_path() is None:
            return _unsupported(file, f"本机未安装 LibreOffice，无法读取 .{_SUFFIX[kind]} 格式"
                                      f"（{'Word 97-2003/WPS 文字' if _LEGACY_TARGET[kind] == 'docx' else 'WPS 表格'}）。")
        target = _LEGACY_TARGET[kind]
        if kind == S.HTML and re.search(r"\.(xlsx?|et)$", lower):
            target = "xlsx"
        try:
            converted = convert(data, _SUFFIX[kind], target)
        except (ConversionFailed, OSError) as exc:
            return _unreadable(file, f"格式转换失败：{exc}")
        result = _extract(converted, f"{name}.{target}", campaign, file)
        return result
    if kind in (S.PDF, S.IMAGE):
        if campaign.opinion_keyword in name:
            return Extracted(kind=OPINION_SCAN)
        if re.search("申请表|申请书|总结材料|总结|排序", name):
            return _unsupported(file, "PDF/图片格式无法读取填写的内容（扫描件只能作为证实性材料）。")
        return Extracted(kind=OTHER)  # supporting material (证实性材料): kept and listed, not read
    if kind == S.ZIP:
        return _unsupported(file, "这是压缩包，工具不会解压。请解压后把其中的文件放入本单位文件夹。")
    if sniffed.detail == "xlsb":
        return _unsupported(file, "Excel 二进制工作簿（.xlsb）无法读取。")
    if sniffed.detail == "damaged-zip" or re.search(r"\.(xlsx|xlsm|docx)$", lower):
        return _unreadable(file, "文件已损坏或不完整（可能复制中断或未保存完整）")
    if kind == S.TEXT:
        return _unsupported(file, "这是纯文本文件，不是申请表或总结材料。")
    return _unsupported(file, "无法识别的文件类型。")


def _from_workbook(book: Workbook, name: str, campaign: Campaign, file: str) -> Extracted:
    ranking_named = campaign.ranking_file in name
    if ranking_named:
        rows = read_ranking(book)
        if rows is not None:
            return Extracted(kind=RANKING, ranking=tuple(rows))
    form = read_form(book, campaign, file)
    if form is not None:
        return Extracted(kind=FORM, form=form, issues=form.warnings)
    rows = read_ranking(book)
    if rows is not None:
        return Extracted(kind=RANKING, ranking=tuple(rows))
    return Extracted(kind=OTHER, issues=(make_issue("file.unrecognized", file=file, location="整个文件",
                                                    reason="（未找到“申报单位”“标杆名称”等栏目）"),))


def _application_table(content, campaign: Campaign):
    index = {k: v for k, v in label_index(campaign).items() if not v.yearly}
    for block in content.tables:
        labels = {index[normalize_label(c[0])].key for row in block.rows for c in row
                  if c[0] and normalize_label(c[0]) in index}
        if len(labels) >= 4:
            return block
    return None


def _from_docx(content, name: str, campaign: Campaign, file: str) -> Extracted:
    table = _application_table(content, campaign)
    if table is not None:
        sheet = table_sheet(table, label=f"申请表（第{table.index}个表格）")
        form = form_by_labels(Workbook(sheets=[sheet]), campaign)
        after = content.blocks[content.blocks.index(table) + 1:]
        summary = read_sections(after, campaign)
        if len(summary.sections) < 2:
            summary = None
        if form is not None:
            return Extracted(kind=APPLICATION_DOC, form=form, summary=summary)
    summary = read_sections(content.blocks, campaign)
    if len(summary.sections) >= 2 or (summary.sections and "总结" in name):
        return Extracted(kind=SUMMARY, summary=summary)
    if campaign.opinion_keyword in name:
        return Extracted(kind=OTHER)  # an unstamped opinion dropped back: listed, not an error
    return Extracted(kind=OTHER, issues=(make_issue("file.unrecognized", file=file, location="整个文件",
                                                    reason="（未找到“质量标杆名称”“摘要”“企业概况”等章节标题）"),))

