"""A spreadsheet's bytes -> 申请表 / 推荐排序表 / unrecognised. Never raises on bad input."""
from __future__ import annotations

from ..campaign import Campaign
from ..messages import make_issue
from ..model import FORM, OTHER, RANKING, Extracted
from .form import read_form, read_ranking
from .grid import Workbook, read_workbook
from .safety import UnsafeFile
from .sniff import Sniffed


def extract_workbook(data: bytes, sniffed: Sniffed, name: str, campaign: Campaign, file: str) -> Extracted:
    """A spreadsheet read natively (no conversion): its 申请表, ranking sheet, or file.unrecognized."""
    try:
        book = read_workbook(data, sniffed.type)
    except UnsafeFile as exc:
        return Extracted(kind=OTHER, issues=(make_issue("file.unreadable", file=file, location="整个文件",
                                                        reason=str(exc)),))
    return from_workbook(book, name, campaign, file)


def from_workbook(book: Workbook, name: str, campaign: Campaign, file: str) -> Extracted:
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


