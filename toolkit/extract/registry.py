"""Pick the extractor for a file by its content and return what it holds. Never raises on bad input."""
from __future__ import annotations

import hashlib
import logging
import re
import zipfile
from dataclasses import replace

from ..campaign import Campaign
from ..messages import ARCHIVE_FIX, file_problem
from ..model import ATTACHMENT, OPINION_SCAN, Extracted
from . import sniff as S
from .documents import extract_document, extract_web
from .legacy import ConversionFailed, convert, soffice_path
from .opc import Package
from .own import NEVER_READ, own_output
from .safety import UnsafeFile
from .workbooks import extract_workbook

log = logging.getLogger(__name__)

_LEGACY_TARGET = {S.DOC: "docx", S.WPS: "docx", S.ODT: "docx", S.RTF: "docx", S.ET: "xlsx", S.FODT: "docx",
                  S.FODS: "xlsx"}
_SUFFIX = {S.DOC: "doc", S.WPS: "wps", S.ODT: "odt", S.RTF: "rtf", S.ET: "et", S.FODT: "fodt", S.FODS: "fods"}
_FORMAT_NAMES = {S.FODT: "LibreOffice 平面 XML 文档", S.FODS: "LibreOffice 平面 XML 表格", S.ET: "WPS 表格"}


def extract(data: bytes, name: str, campaign: Campaign, *, file: str = "") -> Extracted:
    """What one file holds. ``name`` is the file name (for tie-breaks), ``file`` the path for messages."""
    file = file or name
    try:
        return _extract(data, name, campaign, file)
    except Exception as exc:  # a bad file must never stop the run
        log.debug("extract failed for %s", file, exc_info=True)
        if "password" in str(exc).lower() or "encrypt" in str(exc).lower():
            return file_problem("file.encrypted", file)
        return file_problem("file.unreadable", file, reason="文件已损坏或格式不正确")  # the exception is in the debug log, not for the clerk


_ARCHIVE_NOISE = re.compile(r"(^|/)(__MACOSX/|\.ds_store$|thumbs\.db$|desktop\.ini$|~\$|\.~lock\.)", re.I)


def archive_members(package: Package | None) -> tuple[tuple[str, str], ...]:
    """The files a zip archive holds, as (name without its folders, SHA-256 of its content — hex, as
    FileVersion.sha256), folders and what an OS adds (__MACOSX, .DS_Store, Thumbs.db, lock files) left out. A
    name stored without the UTF-8 flag is decoded as GBK, as Chinese Windows' own zip tool writes it (zipfile
    reads it as code page 437). Members are read in pieces (the archive passed the zip-bomb checks when it was
    opened: safety.open_zip). () for a zip that did not open, or a member that cannot be read."""
    if package is None:
        return ()
    out = []
    try:
        for info in package.zip_file.infolist():
            name = info.filename
            if not info.flag_bits & 0x800:
                try:
                    name = name.encode("cp437").decode("gbk")
                except (UnicodeEncodeError, UnicodeDecodeError):
                    pass
            if info.is_dir() or _ARCHIVE_NOISE.search(name):
                continue
            digest = hashlib.sha256()
            with package.zip_file.open(info) as member:
                for chunk in iter(lambda: member.read(1 << 20), b""):
                    digest.update(chunk)
            out.append((name.rsplit("/", 1)[-1], digest.hexdigest()))
    except (OSError, RuntimeError, ValueError, EOFError, zipfile.BadZipFile, NotImplementedError):
        return ()  # (an encrypted or damaged member: the archive stays an error)
    return tuple(out)


def _zip_package(data: bytes) -> Package | None:
    """``data`` open as a zip package when it is a zip that opens safely, else None: the sniffer and the reader
    then share one open of the zip (0.12 ms of the 1.8 ms a file takes to read). A zip that does not open is
    opened again by each, which report it as before."""
    if not data.startswith((b"PK\x03\x04", b"PK\x05\x06")):
        return None
    try:
        return Package(data)
    except UnsafeFile:
        return None


def _extract(data: bytes, name: str, campaign: Campaign, file: str) -> Extracted:
    package = _zip_package(data)
    try:
        return _extract_kind(data, package, name, campaign, file)
    finally:
        if package is not None:
            package.close()


def _extract_kind(data: bytes, package: Package | None, name: str, campaign: Campaign, file: str) -> Extracted:
    """What ``data`` holds, by the type its content has; ``package``: ``data`` already open as a zip, or None."""
    sniffed = S.sniff(data, name, package=package)
    kind = sniffed.type
    lower = name.lower()
    if kind == S.EMPTY:
        return file_problem("file.unreadable", file, reason="文件是空的（0 字节），可能未保存完整或复制中断",
                            fix="空文件无法打开：请从原文件重新复制一份放入本单位文件夹（或请企业重新发送），替换这个空文件。")
    if kind == S.ENCRYPTED:
        return file_problem("file.encrypted", file)
    # our own outputs dropped back are listed, never read: asked of the package the reader then reads (a .docx
    # by extract_document)
    if kind in (S.XLSX, S.XLSM):
        try:
            with package if package is not None else Package(data) as opened:
                if own_output(opened, campaign.opinion_keyword) in NEVER_READ:
                    return Extracted(kind=ATTACHMENT)
                return extract_workbook(opened, sniffed, name, campaign, file)
        except UnsafeFile as exc:
            return file_problem("file.unreadable", file, reason=str(exc))
    if kind in (S.HTML, S.TEXT, S.PDF) and own_output(data, campaign.opinion_keyword) in NEVER_READ:
        return Extracted(kind=ATTACHMENT)  # a status page, summary.json or PDF of ours (before a PDF's name counts)
    if kind in S.NATIVE_SPREADSHEETS:
        return extract_workbook(data, sniffed, name, campaign, file)
    if kind in S.NATIVE_DOCUMENTS:
        return extract_document(package if package is not None else data, sniffed, name, campaign, file)
    if kind in (S.MHT, S.WORDML, S.HTML):
        return extract_web(data, sniffed, name, campaign, file)
    if kind in _LEGACY_TARGET:
        if soffice_path() is None:
            shown = _FORMAT_NAMES.get(kind, "Word 97-2003/WPS 文字")
            return file_problem("file.unsupported", file, reason=f"本机未安装 LibreOffice，无法读取 .{_SUFFIX[kind]} 格式"
                                      f"（{shown}）。")
        target = _LEGACY_TARGET[kind]
        try:
            converted = convert(data, _SUFFIX[kind], target)
        except (ConversionFailed, OSError) as exc:
            return file_problem("file.unreadable", file, reason=f"格式转换失败：{exc}")
        result = _extract(converted, f"{name}.{target}", campaign, file)
        return result
    if kind in (S.PDF, S.IMAGE):
        if campaign.opinion_keyword in name:
            return Extracted(kind=OPINION_SCAN)
        office = re.search(r"\.(xlsx|xlsm|xls|et|ods|docx|docm|doc|wps|odt|rtf)$", lower)
        if office:  # a scan or a printed PDF renamed: not what its name promises, and no attachment to pass unseen
            what, suffix = ("PDF 文件", ".pdf") if kind == S.PDF else ("图片", ".jpg 或 .png")
            return file_problem("file.unsupported", file,
                                reason=f"文件扩展名是 .{office.group(1)}，但内容是{what}（可能是扫描件、打印成的 PDF "
                                       "或截图改了扩展名），不是 Excel 或 Word 文件。",
                                fix="申请表、总结材料请提交 Excel/Word 原文件（.xlsx、.docx）；如果这是盖章扫描件，"
                                    f"请把扩展名改为 {suffix} 后再放入本单位文件夹。")
        # a stamped scan of the 申请书, 证实性材料: kept and listed with its application (assembly decides)
        return Extracted(kind=ATTACHMENT)
    if kind == S.ZIP:
        if re.search(r"\.(xlsx|xlsm|docx|docm|ods|odt)$", lower):
            return file_problem("file.unreadable", file, reason=f"文件扩展名是 .{lower.rsplit('.', 1)[-1]}，但内容不是 Office 文档（是普通压缩包），"
                                     "可能是改了扩展名或文件已损坏")
        problem = file_problem("file.unsupported", file, reason="这是压缩包，工具不会解压。", fix=ARCHIVE_FIX)
        return replace(problem, archive=archive_members(package))
    if sniffed.detail == "xlsb":
        return file_problem("file.unsupported", file, reason="Excel 二进制工作簿（.xlsb）无法读取。")
    if sniffed.detail == "damaged-zip" or re.search(r"\.(xlsx|xlsm|docx)$", lower):
        return file_problem("file.unreadable", file, reason="文件已损坏或不完整（可能复制中断或未保存完整）")
    if kind == S.TEXT:
        return file_problem("file.unsupported", file, reason="这是纯文本文件，不是申请表或总结材料。")
    return file_problem("file.unsupported", file, reason="无法识别的文件类型。")


