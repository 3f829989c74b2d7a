"""A spreadsheet's bytes -> 申请表(s) / 推荐排序表 / unrecognised. Never raises on bad input."""
from __future__ import annotations

import logging

from ..campaign import Campaign
from ..messages import file_problem
from ..model import ATTACHMENT, FORM, RANKING, Extracted
from .form import read_forms, read_ranking
from .grid import Workbook, read_workbook
from .opc import Package
from .own import own_workbook_output
from .safety import UnsafeFile
from .sniff import Sniffed

log = logging.getLogger(__name__)


def extract_workbook(data: bytes | Package, sniffed: Sniffed, name: str, campaign: Campaign, file: str) -> Extracted:
    """A spreadsheet read natively (no conversion): its 申请表(s), ranking sheet, or an issue.

    ``sniffed.type`` is one of sniff.NATIVE_SPREADSHEETS; ``data`` the file's bytes, or for an .xlsx/.xlsm its
    package already open. A password to open gives file.encrypted, a damaged
    file file.unreadable; nothing raises.
    """
    from .xls import Encrypted

    try:
        book = read_workbook(data, sniffed.type)
    except Encrypted:
        return file_problem("file.encrypted", file)
    except UnsafeFile as exc:
        return file_problem("file.unreadable", file, reason=str(exc))
    except Exception:  # a damaged file: the reader's own exception
        log.debug("workbook not read: %s", file, exc_info=True)
        return file_problem("file.unreadable", file, reason="文件已损坏或格式不正确")  # the exception's name is in the debug log
    return from_workbook(book, name, campaign, file)


def from_workbook(book: Workbook, name: str, campaign: Campaign, file: str) -> Extracted:
    """What a workbook (already read into grids) holds.

    Our own 回执 or 省级汇总表 (known by its sheets, whatever program saved it again): kind=ATTACHMENT.
    A 申请表: Extracted(kind=FORM, form=forms[0], forms=every enterprise's form in sheet order, issues=their
    warnings); a 推荐排序表: kind=RANKING; otherwise file.unrecognized.
    """
    if own_workbook_output(sheet.name for sheet in book.sheets) is not None:
        return Extracted(kind=ATTACHMENT)  # our 回执 or 省级汇总表 saved again as .xls/.ods: listed, never read
    ranking_named = campaign.ranking_file in name
    if ranking_named and (ranking := _ranking(book, file)) is not None:
        return ranking
    forms = read_forms(book, campaign, file)
    if forms:
        issues = tuple(issue for form in forms for issue in form.warnings)
        return Extracted(kind=FORM, form=forms[0], forms=tuple(forms), issues=issues)
    if (ranking := _ranking(book, file)) is not None:
        return ranking
    return file_problem("file.unrecognized", file,
                        reason="（未找到“申报单位”“标杆名称”等栏目）")


def _ranking(book: Workbook, file: str) -> Extracted | None:
    """A 推荐排序表 (form.read_ranking: its rows, its 成文日期 cells and where, its warnings), or None."""
    sheet = read_ranking(book, file)
    if sheet is None:
        return None
    rows, dates, warnings = sheet
    return Extracted(kind=RANKING, ranking=tuple(rows), ranking_dates=tuple(dates), issues=tuple(warnings))
