"""推荐意见: the docxtpl template (templates/推荐意见.docx) and each unit's rendered opinion, ready to stamp."""
from __future__ import annotations

import datetime as dt
import io

from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt, RGBColor
from docxtpl import DocxTemplate

from ..campaign import Campaign
from ..model import NEEDS_FIX, OUTPUT_OPINION, PASSED, Application
from ..normalize import clean_text
from .docx_style import BODY_FONT, HEADING_FONT, add_paragraph, mark_output, new_document, set_core, set_font

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


def recommended(apps: list[Application]) -> list[Application]:
    """The applications a unit's opinion lists: those that passed every check, in ranking order."""
    return [a for a in sorted(apps, key=lambda a: a.rank or 0) if a.status == PASSED]


def pending(apps: list[Application]) -> list[Application]:
    """Applications that could still be recommended once corrected (需补正)."""
    return [a for a in sorted(apps, key=lambda a: a.rank or 0) if a.status == NEEDS_FIX]


def draft_note(apps: list[Application]) -> str:
    """'' when the opinion is ready to stamp; otherwise why not, for the clerk (printed in red on top)."""
    waiting = pending(apps)
    if waiting:
        names = "、".join(a.enterprise for a in waiting[:3]) + ("等" if len(waiting) > 3 else "")
        return (f"本单位尚有{len(waiting)}项申报需补正（{names}），未列入下表。"
                f"请按回执修改后重新运行，生成正式推荐意见后再盖章。")
    if not recommended(apps):
        return "本单位目前没有通过审核的申报项目，请查看回执。"
    return ""


def render_opinion(target, campaign: Campaign, unit: str, apps: list[Application], *, date: dt.date,
                   template: bytes | None = None, opinion: str = DEFAULT_OPINION) -> None:
    """Render ``unit``'s opinion from all its applications: the passed ones in order, a draft note if any wait."""
    tpl = DocxTemplate(io.BytesIO(template or build_opinion_template(campaign)))
    listed = recommended(apps)
    rows = [{"rank": n, "enterprise": clean_text(a.enterprise), "name": clean_text(a.benchmark_name),
             "region": clean_text(a.field_text("所在地区")), "industry": clean_text(a.field_text("所属行业"))}
            for n, a in enumerate(listed, start=1)]
    tpl.render({"unit": clean_text(unit), "apps": rows, "count": len(rows),
                "opinion": opinion if rows else "本单位暂无符合条件的推荐项目。",
                "draft": draft_note(apps), "date": chinese_date(date)}, autoescape=True)
    mark_output(tpl.docx, OUTPUT_OPINION)
    tpl.save(target)
