"""``run.py templates``: the blank forms handed to enterprises and units (templates/ is committed)."""
from __future__ import annotations

import io
import zipfile
from pathlib import Path

from .campaign import Campaign
from .render.forms import write_form, write_summary
from .render.opinion import build_opinion_template
from .render.ranking_sheet import write_ranking_sheet

FORM = "申请表.xlsx"
SUMMARY = "总结材料.docx"
OPINION = "推荐意见.docx"
RANKING = "推荐排序表.xlsx"


def write_templates(out: Path, campaign: Campaign) -> list[Path]:
    out.mkdir(parents=True, exist_ok=True)
    write_form(str(out / FORM), campaign)
    write_summary(str(out / SUMMARY), campaign)
    (out / OPINION).write_bytes(build_opinion_template(campaign))
    write_ranking_sheet(str(out / RANKING), campaign, "", [])
    paths = [out / FORM, out / SUMMARY, out / OPINION, out / RANKING]
    for path in paths:
        freeze_zip(path)
    return paths


def freeze_zip(path: Path) -> None:
    """Rewrite an Office file's zip with fixed member times, so regenerating templates/ gives identical bytes."""
    src = io.BytesIO(path.read_bytes())
    out = io.BytesIO()
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            fixed = zipfile.ZipInfo(info.filename, date_time=(2021, 8, 1, 0, 0, 0))
            fixed.compress_type = zipfile.ZIP_DEFLATED
            fixed.external_attr = 0o600 << 16
            zout.writestr(fixed, zin.read(info.filename))
    path.write_bytes(out.getvalue())
