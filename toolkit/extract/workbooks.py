"""A spreadsheet's bytes -> 申请表(s) / 推荐排序表 / unrecognised. Never raises on bad input."""
from __future__ import annotations

import logging

from ..campaign import Campaign
from ..messages import file_problem, make_issue
from ..model import ATTACHMENT, FORM, WARNING, Extracted
from .form import ranking_extracted, read_forms
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
    if ranking_named and (ranking := ranking_extracted(book, file)) is not None:
        return ranking
    forms = read_forms(book, campaign, file)
    if forms:
        issues = tuple(issue for form in forms for issue in form.warnings) + _unread_sheets(book, file)
        return Extracted(kind=FORM, form=forms[0], forms=tuple(forms), issues=issues)
    if (ranking := ranking_extracted(book, file)) is not None:
        return ranking
    return file_problem("file.unrecognized", file,
                        reason="（未找到“申报单位”“标杆名称”等栏目）")


def _unread_sheets(book: Workbook, file: str) -> tuple:
    """A warning (field.invalid, titled 填写内容请核对) naming the worksheets of a workbook of 申请表 that were not
    read: the readers stop after a few worksheets (grid.read_workbook's max_sheets), and a workbook holding one
    enterprise's form a sheet may hold more — a form beyond them would be left out of the 汇总 with no word; ()
    when none is left."""
    if not book.unread:
        return ()
    shown = "”“".join(book.unread[:5]) + ("”等" if len(book.unread) > 5 else "”")
    return (make_issue(  # (as a sheet that looks like a form and is not read: form._unread_sheet)
        "field.invalid", file=file, location="工作表", field="申请表工作表", severity=WARNING,
        message=f"这个工作簿有{len(book.sheets) + len(book.unread)}个工作表，只读取了前{len(book.sheets)}个；"
                f"“{shown}{len(book.unread)}个工作表未读取，其中的申请表不会列入汇总。",
        fix=f"每个工作簿请不超过{len(book.sheets)}个工作表：把其余企业的申请表另存为单独的文件，放入本单位文件夹。"),)

