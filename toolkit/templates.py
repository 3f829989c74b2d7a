"""``run.py templates``: the blank forms handed out (templates/ is committed).

templates/ holds what enterprises receive — 申请表.xlsx, 申请书.docx (附件1 in Word), 总结材料.docx — and, apart in
推荐单位用/, what only the recommending units use: 推荐意见.docx (the docxtpl template opinions are rendered from),
空白推荐意见.docx (for a clerk who prefers to type) and 推荐排序表.xlsx. Sending the folder's top to enterprises
never sends them the units' documents.
"""
from __future__ import annotations

import io
import zipfile
from pathlib import Path

from .campaign import Campaign
from .errors import ConfigError

# the renderers (python-docx, docxtpl, xlsxwriter) are imported where templates are written: a run that finds
# nothing changed only reads the opinion template's bytes, and should not pay for importing them

FORM = "申请表.xlsx"
APPLICATION = "申请书.docx"
SUMMARY = "总结材料.docx"
UNITS_FOLDER = "推荐单位用"
OPINION = "推荐意见.docx"
BLANK_OPINION = "空白推荐意见.docx"
RANKING = "推荐排序表.xlsx"

# every file `run.py templates` writes, relative to the output folder, in the order written
FILES = (FORM, APPLICATION, SUMMARY, f"{UNITS_FOLDER}/{OPINION}", f"{UNITS_FOLDER}/{BLANK_OPINION}",
         f"{UNITS_FOLDER}/{RANKING}")


def write_templates(out: Path, campaign: Campaign) -> list[Path]:
    """Write every template into ``out`` (and ``out``/推荐单位用/), byte for byte the same on every run."""
    from .render.forms import write_application, write_form, write_summary
    from .render.opinion import build_blank_opinion, build_opinion_template
    from .render.ranking_sheet import write_ranking_sheet

    out = Path(out)
    units = out / UNITS_FOLDER
    units.mkdir(parents=True, exist_ok=True)
    write_form(str(out / FORM), campaign)
    write_application(str(out / APPLICATION), campaign)
    write_summary(str(out / SUMMARY), campaign)
    (units / OPINION).write_bytes(build_opinion_template(campaign))
    (units / BLANK_OPINION).write_bytes(build_blank_opinion(campaign))
    write_ranking_sheet(str(units / RANKING), campaign, "", [])
    paths = [out / name for name in FILES]
    for path in paths:
        freeze_zip(path)
    return paths


PROJECT_TEMPLATES = Path(__file__).resolve().parents[1] / "templates"


def opinion_template_path(folder: Path) -> Path | None:
    """The 推荐意见 template in a templates folder: 推荐单位用/推荐意见.docx, else 推荐意见.docx at the folder's top
    (the layout before the units' templates had a folder of their own); None when neither exists."""
    for path in (Path(folder) / UNITS_FOLDER / OPINION, Path(folder) / OPINION):
        if path.is_file():
            return path
    return None


def default_templates_folder(inbox: Path) -> Path | None:
    """Where opinions are rendered from when no --templates is given: templates/ beside the inbox (SPEC §3's
    share layout), else the toolkit's own committed templates/, else None (the built-in default)."""
    for folder in (Path(inbox).resolve().parent / "templates", PROJECT_TEMPLATES):
        if opinion_template_path(folder) is not None:
            return folder
    return None


def opinion_template(folder: Path | None, campaign: Campaign, *, check: bool = True) -> bytes:
    """The docxtpl 推荐意见 template in ``folder`` (bytes); the built-in one when ``folder`` is None.

    Raises ConfigError (exit 2) with a Chinese message when the folder has no 推荐意见.docx (in 推荐单位用/ or at its
    top), or the file is not a Word document whose placeholders docxtpl can read — a province or unit edits it in
    Word, and must be told at once rather than find opinions missing.
    """
    if folder is None:
        from .render.opinion import build_opinion_template

        return build_opinion_template(campaign)
    path = opinion_template_path(folder)
    if path is None:
        raise ConfigError(f"模板文件夹 {folder} 中没有推荐意见模板（{UNITS_FOLDER}/{OPINION} 或 {OPINION}）。"
                          f"请放入该文件，或运行 python run.py templates --out {folder} 生成默认模板。")
    data = path.read_bytes()
    if check:
        check_opinion_template(data, path)
    return data


def check_opinion_template(data: bytes, path: Path | str = OPINION) -> None:
    """Raise ConfigError (Chinese) unless ``data`` is a Word document whose placeholders docxtpl can read."""
    from docxtpl import DocxTemplate
    from jinja2 import TemplateError

    try:
        DocxTemplate(io.BytesIO(data)).get_undeclared_template_variables()
    except Exception as exc:  # noqa: BLE001 - any failure means the template cannot be used
        why = ("占位符（如 {{ unit }}、{%tr for a in apps %}）写错了" if isinstance(exc, TemplateError)
               else "文件不是 Word 文档（.docx），或已损坏")
        raise ConfigError(f"推荐意见模板 {path} 无法使用：{why}。请用 Word 修改后另存为 .docx，"
                          f"或运行 python run.py templates 重新生成。") from exc


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
