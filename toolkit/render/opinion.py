"""推荐意见: the docxtpl template (templates/推荐意见.docx) and each unit's rendered opinion, ready to stamp."""
from __future__ import annotations

import datetime as dt
import io
from pathlib import Path

from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt, RGBColor
from docxtpl import DocxTemplate

from ..campaign import Campaign
from ..keys import INDUSTRY, REGION
from ..model import OUTPUT_OPINION, Assembled, UnitView
from ..normalize import clean_text
from . import RenderContext, safe_filename
from .docx_style import (
    BODY_FONT,
    HEADING_FONT,
    add_paragraph,
    mark_output,
    new_document,
    set_core,
    set_font,
)

COLUMNS = (("推荐顺序", "rank", 1.9), ("申报单位", "enterprise", 4.0), ("标杆名称", "name", 5.0),
           ("所在地区", "region", 1.7), ("所属行业", "industry", 3.0))
DEFAULT_OPINION = ("经审核，以上企业具有独立法人资格，近三年连续保持盈利，在诚信、质量、安全、环保等方面无违法行为和"
                   "不良记录，申报材料真实、完整，符合申报条件。同意按以上顺序推荐。")


def _cell_text(cell, text: str, *, bold: bool = False, size: float = 10.5, align=WD_ALIGN_PARAGRAPH.CENTER) -> None:
    cell.text = ""
    p = cell.paragraphs[0]
    p.alignment = align
    p.paragraph_format.first_line_indent = None
    p.paragraph_format.line_spacing = Pt(18)
    run = p.add_run(text)
    set_font(run, HEADING_FONT if bold else BODY_FONT, size, bold=False)


def _stamp_block(doc) -> None:
    """Signature and stamp lines on the right half of the page, kept together with the opinion."""
    lines = ["推荐单位：{{ unit }}", "（加盖公章）", "负责人签字：____________", "{{ date }}"]
    for i, text in enumerate(lines):
        p = doc.add_paragraph()
        p.paragraph_format.left_indent = Cm(7.0)
        p.paragraph_format.first_line_indent = None
        p.paragraph_format.keep_with_next = i < len(lines) - 1
        p.paragraph_format.line_spacing = Pt(22)
        p.alignment = WD_ALIGN_PARAGRAPH.CENTER
        run = p.add_run(text)
        set_font(run, BODY_FONT, 14)


def _fix_widths(table, widths_cm: list[float]) -> None:
    """Column widths that Word, WPS and LibreOffice all honour: fixed layout, grid and every cell."""
    table.autofit = False
    tbl_pr = table._tbl.tblPr
    layout = OxmlElement("w:tblLayout")
    layout.set(qn("w:type"), "fixed")
    tbl_pr.append(layout)
    grid = table._tbl.tblGrid
    for col, width in zip(grid.findall(qn("w:gridCol")), widths_cm):
        col.set(qn("w:w"), str(int(Cm(width).twips)))
    for row in table.rows:
        for cell, width in zip(row.cells, widths_cm):
            cell.width = Cm(width)


def build_opinion_template(campaign: Campaign) -> bytes:
    """The docxtpl template: placeholders unit, apps (rank, enterprise, name, region, industry), opinion, date."""
    doc = new_document()
    set_core(doc, title=f"{campaign.title}推荐意见", author=campaign.issuer)
    add_paragraph(doc, "{%p if draft %}", indent=False)
    p = add_paragraph(doc, "【草稿，请勿盖章】{{ draft }}", indent=False, size=12, bold=True)
    p.runs[0].font.color.rgb = RGBColor(0xC0, 0x00, 0x00)
    add_paragraph(doc, "{%p endif %}", indent=False)
    p = doc.add_paragraph(style="Title")
    p.add_run(f"{campaign.title}推荐意见")
    add_paragraph(doc, "推荐单位：{{ unit }}", indent=False, size=14)
    add_paragraph(doc, f"根据《{campaign.issuer}关于推荐{campaign.title}的通知》（{campaign.notice}）要求，"
                       "我单位对申报材料进行了初审，现按推荐顺序推荐以下{{ count }}项：", size=14)
    table = doc.add_table(rows=4, cols=len(COLUMNS))
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    for i, (header, key, width) in enumerate(COLUMNS):
        _cell_text(table.rows[0].cells[i], header, bold=True)
        table.rows[0].cells[i].width = Cm(width)
        _cell_text(table.rows[2].cells[i], f"{{{{ a.{key} }}}}",
                   align=WD_ALIGN_PARAGRAPH.CENTER if key in ("rank", "region") else WD_ALIGN_PARAGRAPH.LEFT)
        table.rows[2].cells[i].width = Cm(width)
    _cell_text(table.rows[1].cells[0], "{%tr for a in apps %}")
    _cell_text(table.rows[3].cells[0], "{%tr endfor %}")
    _repeat_header(table.rows[0])
    _fix_widths(table, [w for _, _, w in COLUMNS])
    add_paragraph(doc, "")
    p = add_paragraph(doc, "推荐意见：", indent=False, font=HEADING_FONT, size=14)
    p.paragraph_format.keep_with_next = True
    p = add_paragraph(doc, "{{ opinion }}", size=14)
    p.paragraph_format.keep_with_next = True  # the opinion and the stamp are never on different pages
    _stamp_block(doc)
    buf = io.BytesIO()
    doc.save(buf)
    return buf.getvalue()


def _repeat_header(row) -> None:
    tr_pr = row._tr.get_or_add_trPr()
    el = OxmlElement("w:tblHeader")
    el.set(qn("w:val"), "true")
    tr_pr.append(el)


def chinese_date(day: dt.date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


def render_opinion(target, campaign: Campaign, view: UnitView, *, date: dt.date, template: bytes,
                   opinion: str = DEFAULT_OPINION) -> None:
    """The unit's 推荐意见 from the docxtpl ``template`` (templates/推荐意见.docx): the applications assembly
    listed, numbered 1..k in ranking order, and the red draft line when assembly says it is not final.

    Template variables: unit, apps (rank, enterprise, name, region, industry), count, opinion, draft, date.
    """
    tpl = DocxTemplate(io.BytesIO(template))
    rows = [{"rank": n, "enterprise": clean_text(a.enterprise), "name": clean_text(a.benchmark_name),
             "region": clean_text(a.field_text(REGION)), "industry": clean_text(a.field_text(INDUSTRY))}
            for n, a in enumerate(view.listed_in_opinion, start=1)]
    tpl.render({"unit": clean_text(view.status.unit), "apps": rows, "count": len(rows),
                "opinion": opinion if rows else "本单位暂无符合条件的推荐项目。",
                "draft": view.status.opinion_draft, "date": chinese_date(date)}, autoescape=True)
    mark_output(tpl.docx, OUTPUT_OPINION)
    tpl.save(target)


def write(result: Assembled, folder: Path, context: RenderContext) -> list[Path]:
    """推荐意见/<unit>-推荐意见.docx for every unit that sent an application."""
    out = []
    (folder / "推荐意见").mkdir(parents=True, exist_ok=True)
    for unit, view in result.by_unit.items():
        if view.applications:
            target = folder / "推荐意见" / f"{safe_filename(unit)}-推荐意见.docx"
            render_opinion(target, result.campaign, view, date=context.today, template=context.opinion_template)
            out.append(target)
    return out
