"""单位/<unit>/: each unit's own documents in a folder of its own, so share permissions can give a unit its folder.

Province-wide files (省级汇总表, summary.json, the status page) stay at the top of the run folder; the top-level
回执/, 推荐意见/ and 推荐排序表/ folders keep every unit's documents for the province. The per-unit folder holds copies
(not links: a link would share the top-level file's permissions) of that unit's documents and nothing of any
other unit. Registered after the documents it copies (the status pages come after it).
"""
from __future__ import annotations

import shutil
from pathlib import Path

from ..model import Assembled
from . import RenderContext, existing_documents, safe_filename

UNITS = "单位"


def unit_folder(folder: Path, unit: str) -> Path:
    """The folder of ``unit``'s own documents inside a run folder."""
    return folder / UNITS / safe_filename(unit)


def write(result: Assembled, folder: Path, context: RenderContext) -> list[Path]:
    """Copy each unit's documents (回执, 推荐意见 and its PDF, 推荐排序表, files named after the unit) into 单位/<unit>/."""
    out = []
    for unit in result.by_unit:
        target = unit_folder(folder, unit)
        target.mkdir(parents=True, exist_ok=True)
        for source in existing_documents(folder, unit):  # exactly this unit's names: '<unit>-回执.xlsx' …
            shutil.copyfile(source, target / source.name)
            out.append(target / source.name)
    return out
