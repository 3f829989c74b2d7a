"""Builders of real Word packages and web documents for the Word-reading tests, written byte by byte.

``package()`` writes a complete .docx zip (content types, package and part relationships) around a body of
WordprocessingML, with optional styles, numbering, altChunk parts, a main part under another name, or the
Strict namespaces. The HTML/MHT/WordML builders write what Word and Excel write when they save as a web page,
a single-file web page or Word 2003 XML.
"""
from __future__ import annotations

import base64
import io
import quopri
import zipfile
from xml.sax.saxutils import escape

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
R = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
RELS = "http://schemas.openxmlformats.org/package/2006/relationships"
TYPE = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
STRICT = {
    W: "http://purl.oclc.org/ooxml/wordprocessingml/main",
    R: "http://purl.oclc.org/ooxml/officeDocument/relationships",
    TYPE: "http://purl.oclc.org/ooxml/officeDocument/relationships",
}
NS = (f'xmlns:w="{W}" xmlns:r="{R}" '
      'xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006" '
      'xmlns:wps="http://schemas.microsoft.com/office/word/2010/wordprocessingShape" '
      'xmlns:wp="http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing" '
      'xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main" '
      'xmlns:v="urn:schemas-microsoft-com:vml" mc:Ignorable=""')
REV = 'w:author="经办人" w:date="2021-09-10T09:00:00Z"'


# ---------------------------------------------------------------- WordprocessingML pieces

def t(text: str) -> str:
    return f'<w:t xml:space="preserve">{escape(text)}</w:t>'


def run(text: str, *, bold: bool = False) -> str:
    rpr = "<w:rPr><w:b/></w:rPr>" if bold else ""
    return f"<w:r>{rpr}{t(text)}</w:r>"


def p(*content: str, style: str = "", num: tuple | None = None, mark: str = "") -> str:
    """A paragraph of runs (plain strings become runs); ``num`` = (numId, ilvl); ``mark`` = 'del' /
    'moveFrom' / 'ins' marks the paragraph mark as a revision."""
    ppr = ""
    if style or num or mark:
        ppr = "<w:pPr>"
        if style:
            ppr += f'<w:pStyle w:val="{style}"/>'
        if num:
            ppr += f'<w:numPr><w:ilvl w:val="{num[1]}"/><w:numId w:val="{num[0]}"/></w:numPr>'
        if mark:
            ppr += f'<w:rPr><w:{mark} w:id="900" {REV}/></w:rPr>'
        ppr += "</w:pPr>"
    body = "".join(c if c.startswith("<") else run(c) for c in content)
    return f"<w:p>{ppr}{body}</w:p>"


def bold_p(text: str) -> str:
    return p(run(text, bold=True))


def ins(*runs: str) -> str:
    return f'<w:ins w:id="1" {REV}>{"".join(runs)}</w:ins>'


def deleted(text: str) -> str:
    return f'<w:del w:id="2" {REV}><w:r><w:delText xml:space="preserve">{escape(text)}</w:delText></w:r></w:del>'


def move_from(text: str) -> str:
    return (f'<w:moveFromRangeStart w:id="3" w:name="m1" {REV}/><w:moveFrom w:id="4" {REV}>{run(text)}</w:moveFrom>'
            '<w:moveFromRangeEnd w:id="3"/>')


def move_to(text: str) -> str:
    return (f'<w:moveToRangeStart w:id="5" w:name="m1" {REV}/><w:moveTo w:id="6" {REV}>{run(text)}</w:moveTo>'
            '<w:moveToRangeEnd w:id="5"/>')


def complex_field(instruction: str, result: str) -> str:
    return ('<w:r><w:fldChar w:fldCharType="begin"/></w:r>'
            f'<w:r><w:instrText xml:space="preserve">{escape(instruction)}</w:instrText></w:r>'
            '<w:r><w:fldChar w:fldCharType="separate"/></w:r>'
            f'{run(result)}<w:r><w:fldChar w:fldCharType="end"/></w:r>')


def simple_field(instruction: str, result: str) -> str:
    return f'<w:fldSimple w:instr="{escape(instruction)}">{run(result)}</w:fldSimple>'


def sdt(content: str, *, placeholder: bool = False) -> str:
    pr = "<w:sdtPr><w:showingPlcHdr/></w:sdtPr>" if placeholder else '<w:sdtPr><w:alias w:val="填写"/></w:sdtPr>'
    return f"<w:sdt>{pr}<w:sdtContent>{content}</w:sdtContent></w:sdt>"


def _box_paras(texts: list[str]) -> str:
    return "".join(p(x) for x in texts)


def textbox_alternate(texts: list[str]) -> str:
    """A run holding a Word 2010+ text box: DrawingML wps:txbx in mc:Choice, the same box as VML in mc:Fallback."""
    paras = _box_paras(texts)
    return ('<w:r><mc:AlternateContent><mc:Choice Requires="wps"><w:drawing><wp:anchor><a:graphic><a:graphicData>'
            f'<wps:wsp><wps:txbx><w:txbxContent>{paras}</w:txbxContent></wps:txbx></wps:wsp>'
            '</a:graphicData></a:graphic></wp:anchor></w:drawing></mc:Choice>'
            f'<mc:Fallback><w:pict><v:shape><v:textbox><w:txbxContent>{paras}</w:txbxContent></v:textbox></v:shape>'
            '</w:pict></mc:Fallback></mc:AlternateContent></w:r>')


def textbox_vml(texts: list[str]) -> str:
    """A run holding a bare VML text box (Word 2003 and WPS write these without AlternateContent)."""
    return (f'<w:r><w:pict><v:shape><v:textbox><w:txbxContent>{_box_paras(texts)}</w:txbxContent></v:textbox>'
            '</v:shape></w:pict></w:r>')


def cell(*content: str, span: int = 1, vmerge: str = "") -> str:
    pr = ""
    if span > 1 or vmerge:
        pr = "<w:tcPr>" + (f'<w:gridSpan w:val="{span}"/>' if span > 1 else "") + (
            f'<w:vMerge w:val="{vmerge}"/>' if vmerge == "restart" else ("<w:vMerge/>" if vmerge else "")) + "</w:tcPr>"
    body = "".join(content) or "<w:p/>"
    return f"<w:tc>{pr}{body}</w:tc>"


def row(*cells: str, deleted_row: bool = False) -> str:
    pr = f'<w:trPr><w:del w:id="7" {REV}/></w:trPr>' if deleted_row else ""
    return f"<w:tr>{pr}{''.join(cells)}</w:tr>"


def table(*rows: str) -> str:
    return f"<w:tbl><w:tblPr/><w:tblGrid/>{''.join(rows)}</w:tbl>"


def style(style_id: str, name: str, *, outline: int | None = None, bold: bool = False,
          num: tuple | None = None, based_on: str = "") -> str:
    ppr = ""
    if outline is not None or num:
        ppr = "<w:pPr>" + (f'<w:numPr><w:ilvl w:val="{num[1]}"/><w:numId w:val="{num[0]}"/></w:numPr>' if num else "") \
            + (f'<w:outlineLvl w:val="{outline}"/>' if outline is not None else "") + "</w:pPr>"
    return (f'<w:style w:type="paragraph" w:styleId="{style_id}"><w:name w:val="{name}"/>'
            + (f'<w:basedOn w:val="{based_on}"/>' if based_on else "") + ppr
            + ("<w:rPr><w:b/></w:rPr>" if bold else "") + "</w:style>")


def numbering(*lists: tuple) -> str:
    """numbering.xml: each list is (numId, abstractId, [(numFmt, lvlText), ...] per level from 0)."""
    abstracts, nums = [], []
    for num_id, abstract_id, levels in lists:
        lvls = "".join(f'<w:lvl w:ilvl="{i}"><w:start w:val="1"/><w:numFmt w:val="{fmt}"/><w:lvlText w:val="{text}"/>'
                       '</w:lvl>' for i, (fmt, text) in enumerate(levels))
        abstracts.append(f'<w:abstractNum w:abstractNumId="{abstract_id}">{lvls}</w:abstractNum>')
        nums.append(f'<w:num w:numId="{num_id}"><w:abstractNumId w:val="{abstract_id}"/></w:num>')
    return f'<w:numbering xmlns:w="{W}">{"".join(abstracts)}{"".join(nums)}</w:numbering>'


# ---------------------------------------------------------------- packages

def package(body: str, *, styles: str | None = None, numbering_xml: str | None = None,
            chunks: dict | None = None, main: str = "word/document.xml", strict: bool = False) -> bytes:
    """A .docx: ``body`` inside w:document/w:body; ``chunks`` = {rId: (part name under word/, bytes)} imported
    by w:altChunk; ``main`` the main part's name; ``strict`` writes the ISO/IEC 29500 Strict namespaces."""
    folder, base = main.rsplit("/", 1)
    document = f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<w:document {NS}><w:body>{body}' \
               '<w:sectPr/></w:body></w:document>'
    rels = []
    overrides = [f'<Override PartName="/{main}" ContentType="application/vnd.openxmlformats-officedocument.'
                 'wordprocessingml.document.main+xml"/>']
    parts: dict = {}
    if styles is not None:
        parts[f"{folder}/styles.xml"] = f'<w:styles xmlns:w="{W}">{styles}</w:styles>'
        rels.append(("rIdStyles", f"{TYPE}/styles", "styles.xml"))
    if numbering_xml is not None:
        parts[f"{folder}/numbering.xml"] = numbering_xml
        rels.append(("rIdNumbering", f"{TYPE}/numbering", "numbering.xml"))
    for rid, (name, data) in (chunks or {}).items():
        parts[f"{folder}/{name}"] = data
        rels.append((rid, f"{TYPE}/aFChunk", name))
    part_rels = "".join(f'<Relationship Id="{i}" Type="{ty}" Target="{tg}"/>' for i, ty, tg in rels)
    members = {
        "[Content_Types].xml": '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
                               '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.'
                               'relationships+xml"/><Default Extension="xml" ContentType="application/xml"/>'
                               '<Default Extension="htm" ContentType="text/html"/>'
                               f'{"".join(overrides)}</Types>',
        "_rels/.rels": f'<Relationships xmlns="{RELS}"><Relationship Id="rId1" Type="{TYPE}/officeDocument" '
                       f'Target="{main}"/></Relationships>',
        main: document,
        f"{folder}/_rels/{base}.rels": f'<Relationships xmlns="{RELS}">{part_rels}</Relationships>',
        **parts,
    }
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in members.items():
            if strict and isinstance(data, str) and (name.endswith(".xml") or name.endswith(".rels")):
                for old, new in STRICT.items():
                    data = data.replace(old, new)
                if name == main:
                    data = data.replace("<w:document ", '<w:document w:conformance="strict" ', 1)
            zf.writestr(name, data if isinstance(data, bytes) else data.encode("utf-8"))
    return buf.getvalue()


# ---------------------------------------------------------------- web pages

WORD_HEAD = ('<html xmlns:v="urn:schemas-microsoft-com:vml" xmlns:o="urn:schemas-microsoft-com:office:office" '
             'xmlns:w="urn:schemas-microsoft-com:office:word" xmlns="http://www.w3.org/TR/REC-html40">'
             '<head><meta http-equiv=Content-Type content="text/html; charset={charset}">'
             '<meta name=ProgId content=Word.Document><meta name=Generator content="Microsoft Word 15">'
             '<title>总结材料</title></head>')
EXCEL_HEAD = ('<html xmlns:o="urn:schemas-microsoft-com:office:office" xmlns:x="urn:schemas-microsoft-com:office:excel" '
              'xmlns="http://www.w3.org/TR/REC-html40"><head><meta http-equiv=Content-Type content="text/html; '
              'charset={charset}"><meta name=ProgId content=Excel.Sheet>'
              '<!--[if gte mso 9]><xml><x:ExcelWorkbook><x:ExcelWorksheets>{sheets}</x:ExcelWorksheets>'
              '</x:ExcelWorkbook></xml><![endif]--></head>')


def word_html(body: str, *, charset: str = "utf-8") -> str:
    """A page as Word writes it when saving as 网页 (ProgId Word.Document)."""
    return WORD_HEAD.format(charset=charset) + f"<body lang=ZH-CN><div class=WordSection1>\n{body}\n</div></body></html>"


def excel_html(tables: list[str], sheet_names: list[str], *, charset: str = "utf-8") -> str:
    """A page as Excel writes it (ProgId Excel.Sheet, the worksheet list in a conditional comment)."""
    sheets = "".join(f"<x:ExcelWorksheet><x:Name>{n}</x:Name></x:ExcelWorksheet>" for n in sheet_names)
    return EXCEL_HEAD.format(charset=charset, sheets=sheets) + "<body>" + "".join(tables) + "</body></html>"


def mht(parts: list[tuple[str, str, bytes, str]], *, transfer: str = "quoted-printable") -> bytes:
    """A web archive (multipart/related): parts are (location, content type, bytes, charset); Chinese Word
    writes the part locations (file names) in GBK, unencoded."""
    boundary = "----=_NextPart_01D7A1B2.3C4D5E60"
    out = [f'MIME-Version: 1.0\r\nContent-Type: multipart/related; boundary="{boundary}"\r\n\r\n'
           "此文档为“单个文件网页”。\r\n\r\n".encode("gbk")]
    for location, ctype, data, charset in parts:
        if transfer == "base64":
            body = base64.encodebytes(data)
        else:
            body = quopri.encodestring(data)
        cs = f'; charset="{charset}"' if charset else ""
        out.append(f"--{boundary}\r\nContent-Location: {location}\r\nContent-Transfer-Encoding: {transfer}\r\n"
                   f"Content-Type: {ctype}{cs}\r\n\r\n".encode("gbk") + body.replace(b"\n", b"\r\n") + b"\r\n")
    out.append(f"--{boundary}--\r\n".encode("ascii"))
    return b"".join(out)


WORDML_NS = ('xmlns:w="http://schemas.microsoft.com/office/word/2003/wordml" '
             'xmlns:wx="http://schemas.microsoft.com/office/word/2003/auxHint" '
             'xmlns:aml="http://schemas.microsoft.com/aml/2001/core" '
             'xmlns:v="urn:schemas-microsoft-com:vml"')


def wordml(body: str, styles: str = "") -> bytes:
    """A Word 2003 XML document (WordML) as Word writes it: processing instruction, wx:sect wrapper."""
    return ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<?mso-application progid="Word.Document"?>\n'
            f'<w:wordDocument {WORDML_NS}><w:styles>{styles}</w:styles><w:body><wx:sect>{body}</wx:sect>'
            '</w:body></w:wordDocument>').encode("utf-8")
