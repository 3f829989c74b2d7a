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
    previous: Path | None = None  # the last run's folder, whose unchanged units' documents are reused
    previous_keys: dict = field(default_factory=dict)  # unit -> content key of its documents in ``previous``
    unit_keys: dict = field(default_factory=dict)  # unit -> content key of its documents in this run (unit_keys())
    reuse: frozenset = frozenset()  # units whose documents were copied from ``previous`` (set by render_all)

    def renders(self, unit: str) -> bool:
        """Whether the per-unit documents of ``unit`` are written in this run (not reused)."""
        return unit not in self.reuse


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


UNIT_DOCUMENTS = ("回执", "推荐意见", "推荐排序表")  # the per-unit documents, each in a folder of that name
DOCUMENT_SUFFIXES = (".xlsx", ".docx", ".pdf")


def document_path(folder: Path, unit: str, kind: str, suffix: str) -> Path:
    """Where ``unit``'s ``kind`` document (回执, 推荐意见 …) is in a run folder: <kind>/<unit>-<kind><suffix>."""
    return folder / kind / f"{safe_filename(unit)}-{kind}{suffix}"


def existing_documents(folder: Path, unit: str) -> list[Path]:
    """``unit``'s per-unit documents present in ``folder`` (every kind, every suffix, PDFs included)."""
    paths = (document_path(folder, unit, kind, suffix) for kind in UNIT_DOCUMENTS for suffix in DOCUMENT_SUFFIXES)
    return [path for path in paths if path.is_file()]


def unit_documents(result: Assembled, folder: Path, context: RenderContext, kind: str, suffix: str, *,
                   every_unit: bool = False):
    """(unit, UnitView, target path) for each unit whose ``kind`` document (回执, 推荐意见 …) this run writes:
    units with applications (or ``every_unit``), except those reused from the last run. Creates the folder."""
    (folder / kind).mkdir(parents=True, exist_ok=True)
    for unit, view in result.by_unit.items():
        if context.renders(unit) and (every_unit or view.applications):
            yield unit, view, document_path(folder, unit, kind, suffix)


def unit_keys(result: Assembled, context: RenderContext) -> dict[str, str]:
    """Unit -> a digest of everything its per-unit documents are made from (its status, applications, files and
    issues; the opinion template; whether PDFs are asked for; the toolkit's version). Equal keys mean equal
    documents, so a run reuses the last run's documents of every unit whose key did not change."""
    import hashlib

    from .. import __version__

    template = hashlib.sha256(context.opinion_template).hexdigest()
    keys = {}
    for unit, view in result.by_unit.items():
        h = hashlib.sha256(f"{__version__}\0{template}\0{context.pdf}\0".encode())
        h.update(repr((view.status, view.applications, view.files, view.issues)).encode("utf-8", "replace"))
        keys[unit] = h.hexdigest()
    return keys


def _reuse_unchanged(folder: Path, keys: dict, context: RenderContext) -> frozenset:
    """Copy the last run's documents of units whose key is unchanged; return those units."""
    import shutil

    if context.previous is None or not context.previous.is_dir():
        return frozenset()
    reused = set()
    for unit, key in keys.items():
        if context.previous_keys.get(unit) != key:
            continue
        sources = existing_documents(context.previous, unit)
        if not any(s.parent.name == "回执" and s.suffix == ".xlsx" for s in sources):
            continue  # nothing to reuse: render it
        for source in sources:
            target = folder / source.parent.name / source.name
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(source, target)
        reused.add(unit)
    return frozenset(reused)


def render_all(folder: Path, result: Assembled, context: RenderContext) -> list[Path]:
    """Every registered output of ``result`` into ``folder``; returns the files written. The per-unit documents
    of units whose key (``context.unit_keys``) equals the previous run's (``context.previous_keys``) are copied
    from ``context.previous`` instead of rendered (``context.reuse``)."""
    import dataclasses

    folder.mkdir(parents=True, exist_ok=True)
    context = dataclasses.replace(context, reuse=_reuse_unchanged(folder, context.unit_keys, context))
    written: list[Path] = []
    for output in outputs():
        written.extend(output.write(result, folder, context))
    return written
