"""python-docx helpers for official-document style (GB/T 9704 page, 仿宋 body, 黑体 headings)."""
from __future__ import annotations

import datetime as dt

from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from docx.shared import Cm, Pt, RGBColor

from ..normalize import clean_text

BODY_FONT = "仿宋_GB2312"
BODY_FALLBACK = "仿宋"
TITLE_FONT = "方正小标宋简体"
HEADING_FONT = "黑体"
FIXED_TIME = dt.datetime(2021, 8, 1, 9, 0, 0)

_ALIGN = {"center": WD_ALIGN_PARAGRAPH.CENTER, "right": WD_ALIGN_PARAGRAPH.RIGHT,
          "left": WD_ALIGN_PARAGRAPH.LEFT, "justify": WD_ALIGN_PARAGRAPH.JUSTIFY}


def set_font(run_or_style, name: str, size: float | None = None, *, bold: bool | None = None) -> None:
    font = run_or_style.font
    font.name = name
    rpr = run_or_style.element.get_or_add_rPr()
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = rpr.makeelement(qn("w:rFonts"), {})
        rpr.append(fonts)
    for attr in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
        fonts.set(qn(attr), name)
    if size:
        font.size = Pt(size)
    if bold is not None:
        font.bold = bold


def new_document():
    doc = Document()
    section = doc.sections[0]
    section.page_height, section.page_width = Cm(29.7), Cm(21.0)
    section.top_margin, section.bottom_margin = Cm(3.7), Cm(3.5)
    section.left_margin, section.right_margin = Cm(2.8), Cm(2.6)
    normal = doc.styles["Normal"]
    set_font(normal, BODY_FONT, 16)  # 三号
    normal.paragraph_format.line_spacing = Pt(28)
    for level, size in ((1, 16), (2, 16)):
        style = doc.styles[f"Heading {level}"]
        set_font(style, HEADING_FONT if level == 1 else "楷体_GB2312", size, bold=False)
        style.font.color.rgb = RGBColor(0, 0, 0)
        style.paragraph_format.space_before = Pt(6)
        style.paragraph_format.space_after = Pt(6)
    title = doc.styles["Title"]
    set_font(title, TITLE_FONT, 22, bold=False)  # 二号
    title.font.color.rgb = RGBColor(0, 0, 0)
    title.paragraph_format.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _remove_title_border(title)
    return doc


def _remove_title_border(style) -> None:
    ppr = style.element.find(qn("w:pPr"))
    if ppr is not None:
        for bdr in ppr.findall(qn("w:pBdr")):
            ppr.remove(bdr)


_CUSTOM_PROPERTIES = "application/vnd.openxmlformats-officedocument.custom-properties+xml"


def mark_output(doc, value: str) -> None:
    """Give a python-docx Document the custom property model.OUTPUT_PROPERTY = ``value`` (docProps/custom.xml,
    ECMA-376 Part 1 §22.3), so the document is recognised as ours if it is dropped back into the inbox.
    Replaces a custom-properties part the document already has (e.g. from a template)."""
    from xml.sax.saxutils import escape, quoteattr

    from docx.opc.constants import RELATIONSHIP_TYPE as RT
    from docx.opc.packuri import PackURI
    from docx.opc.part import Part

    from ..model import OUTPUT_PROPERTY

    xml = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
           '<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/custom-properties" '
           'xmlns:vt="http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes">'
           f'<property fmtid="{{D5CDD505-2E9C-101B-9397-08002B2CF9AE}}" pid="2" name={quoteattr(OUTPUT_PROPERTY)}>'
           f'<vt:lpwstr>{escape(value)}</vt:lpwstr></property></Properties>').encode("utf-8")
    package = doc.part.package
    for rel in package.rels.values():
        if rel.reltype == RT.CUSTOM_PROPERTIES and not rel.is_external:
            rel.target_part._blob = xml
            return
    part = Part(PackURI("/docProps/custom.xml"), _CUSTOM_PROPERTIES, xml, package)
    package.relate_to(part, RT.CUSTOM_PROPERTIES)


def set_core(doc, *, title: str, author: str) -> None:
    props = doc.core_properties
    props.title = clean_text(title)
    props.author = clean_text(author)
    props.last_modified_by = clean_text(author)
    props.created = FIXED_TIME
    props.modified = FIXED_TIME
    props.revision = 1


def add_heading(doc, text: str, *, level: int = 1):
    p = doc.add_paragraph(style="Title" if level == 0 else f"Heading {level}")
    p.add_run(clean_text(text))
    return p


def add_paragraph(doc, text: str, *, align: str | None = None, italic: bool = False, bold: bool = False,
                  indent: bool = True, size: float | None = None, font: str | None = None):
    p = doc.add_paragraph()
    run = p.add_run(clean_text(text))
    if italic:
        run.italic = True
        run.font.color.rgb = RGBColor(0x59, 0x59, 0x59)
    if bold:
        run.bold = True
    if font or size:
        set_font(run, font or BODY_FONT, size)
    if align:
        p.alignment = _ALIGN[align]
    elif indent:
        p.paragraph_format.first_line_indent = Pt(32)
    return p
