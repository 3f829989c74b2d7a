"""Guards against zip bombs and hostile XML before a library opens a file."""
from __future__ import annotations

import io
import logging
import zipfile

from lxml import etree

log = logging.getLogger(__name__)

MAX_UNCOMPRESSED = 300 * 1024 * 1024  # all members together
MAX_MEMBER = 150 * 1024 * 1024
MAX_RATIO = 200  # uncompressed / compressed for a large member


class UnsafeFile(Exception):
    """The file is a zip or XML bomb, or its container is damaged."""


def check_zip(data: bytes) -> None:
    """Raise UnsafeFile when ``data`` is not a zip, a damaged one, or a zip bomb (see ``open_zip``)."""
    open_zip(data).close()


def open_zip(data: bytes) -> zipfile.ZipFile:
    """``data`` as an open ZipFile once its directory has been checked: no member inflating to more than
    MAX_MEMBER, none over 10 MB with a compression ratio over MAX_RATIO, not more than MAX_UNCOMPRESSED in all.
    Raises UnsafeFile otherwise, or when the container is damaged (members are CRC-checked when read; those
    never read, such as images, do not matter). One open for the check and the reading: a package opened
    twice cost 4 % of reading a 总结材料."""
    try:
        zf = zipfile.ZipFile(io.BytesIO(data))
    except zipfile.BadZipFile as exc:  # the library's English detail goes to the debug log, not to the clerk
        log.debug("damaged zip: %s", exc)
        raise UnsafeFile("文件结构损坏（可能复制中断或未保存完整）") from exc
    except (OSError, EOFError, ValueError, NotImplementedError) as exc:
        log.debug("unreadable zip: %s", exc)
        raise UnsafeFile("文件结构损坏，无法解开") from exc
    reason = _bomb(zf.infolist())
    if reason:
        zf.close()
        raise UnsafeFile(reason)
    return zf


def _bomb(infos: list) -> str:
    """Why a zip directory looks like a zip bomb (in Chinese), or '' when it does not."""
    total = 0
    for info in infos:
        total += info.file_size
        if info.file_size > MAX_MEMBER:
            log.debug("zip member %s inflates to %d bytes", info.filename, info.file_size)
            return "文件中的内容解压后过大（疑似压缩炸弹）"
        if info.file_size > 10 * 1024 * 1024 and info.compress_size \
                and info.file_size / info.compress_size > MAX_RATIO:
            log.debug("zip member %s has a ratio of %.0f", info.filename, info.file_size / info.compress_size)
            return "文件中的内容压缩比异常（疑似压缩炸弹）"
    return "解压后总大小过大（疑似压缩炸弹）" if total > MAX_UNCOMPRESSED else ""


def xml_parser() -> etree.XMLParser:
    """An lxml parser that resolves no entities, fetches nothing and refuses huge trees."""
    return etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False, load_dtd=False,
                           remove_comments=True)


def _refuse_declarations(data: bytes) -> None:
    if b"<!ENTITY" in data or b"<!DOCTYPE" in data:
        raise UnsafeFile("XML 中含有实体声明（不安全）")


def iterparse_xml(data: bytes, tags: tuple[str, ...] | None = None):
    """lxml's iterparse over ``data`` ('end' events) with the same guards as ``parse_xml``: for parts read as a
    stream (worksheets), so that a sheet reaching XFD1048576 is never built as one tree. ``tags`` ('{*}c' …):
    only the ends of those elements are seen (the others are still parsed, and kept under them)."""
    _refuse_declarations(data)
    return etree.iterparse(io.BytesIO(data), events=("end",), tag=tags, resolve_entities=False, no_network=True,
                           load_dtd=False, huge_tree=False, remove_comments=True)


def parse_xml(data: bytes) -> etree._Element:
    """A part parsed with no entities, no network and no huge trees. Raises UnsafeFile (Chinese reason)."""
    _refuse_declarations(data)
    try:
        return etree.fromstring(data, parser=xml_parser())
    except etree.XMLSyntaxError as exc:
        log.debug("broken XML: %s", exc)
        raise UnsafeFile("文件内部的内容结构损坏") from exc
