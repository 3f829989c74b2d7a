"""Rendering as a step: every output is one module with one function from the assembled result to files.

A new output is one module with ``write(result, folder, context) -> list[Path]`` plus one line in ``OUTPUTS``;
publishing (toolkit.publish) only writes the run folder and switches latest/.
"""
from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

from ..model import Assembled


@dataclass(frozen=True)
class RenderContext:
    """What outputs need beside the result: the day documents are dated (China time), the opinion template
    (a docxtpl .docx, bytes) and summary.json's content, built once by the pipeline."""

    today: dt.date
    opinion_template: bytes
    summary: dict = field(default_factory=dict)
    pdf: bool = False  # also write a PDF beside each 推荐意见 and 回执 (LibreOffice; --pdf)
    generated_at: str = ""  # ISO, China time


@dataclass(frozen=True)
class Output:
    """One output: what people call it, and the function writing it into a run folder."""

    name: str
    write: Callable[[Assembled, Path, RenderContext], list]


def safe_filename(name: str) -> str:
    """A unit or enterprise name usable as a file name on Windows and Linux shares."""
    return re.sub(r'[\\/:*?"<>|\x00-\x1f]', "_", name).strip() or "未命名"


def outputs() -> tuple[Output, ...]:
    """The registered outputs, in the order they are written."""
    from . import (
        opinion,
        pdf,
        ranking_sheet,
        receipt,
        register,
        status_page,
        summary,
        unit_folders,
    )

    return (Output("省级汇总表", register.write), Output("回执", receipt.write), Output("推荐意见", opinion.write),
            Output("推荐排序表", ranking_sheet.write), Output("summary.json", summary.write),
            Output("PDF", pdf.write),  # after 回执 and 推荐意见 (beside which it writes), before the unit folders
            Output("单位文件夹", unit_folders.write),  # copies each unit's documents (PDFs included)
            Output("状态页", status_page.write))  # last: it links to everything above, 单位/<unit>/ copies included


def render_all(folder: Path, result: Assembled, context: RenderContext) -> list[Path]:
    """Every registered output of ``result`` into ``folder``; returns the files written."""
    folder.mkdir(parents=True, exist_ok=True)
    written: list[Path] = []
    for output in outputs():
        written.extend(output.write(result, folder, context))
    return written
