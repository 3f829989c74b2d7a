"""Web and XML documents that Word/Excel open whatever their suffix, read natively.

* HTML ("网页", a .doc or .xls that is a web page; Word/Excel/WPS "另存为网页"), parsed with lxml.html;
* MHT web archives ("单个文件网页", RFC 2557 multipart/related), unpacked with the stdlib email package;
* Word 2003 XML (WordML) and Word 2007+ flat XML (Flat OPC), read by the WordprocessingML reader of
  :mod:`.docx` after their namespaces are mapped;
* the parts a .docx imports with ``w:altChunk`` (HTML, MHT, RTF, a nested .docx, plain text).

A document comes out as the same :class:`~.docx.DocxContent` a .docx gives; an Excel web page as a grid
:class:`~.grid.Workbook` (one sheet per worksheet or table, colspan/rowspan as merged ranges, values as
the text Excel shows). Whether a page is a document or a workbook is decided by its content (ProgId,
Office namespaces), the suffix only breaking ties.
"""
from __future__ import annotations

import email
import email.policy
import posixpath
import re
from dataclasses import dataclass, field

import lxml.html
from lxml import etree

from ..normalize import clean_text
from . import sniff as S
from .docx import (
    Block,
    DocxContent,
    Numbering,
    W,
    _heading_level,
    _parse_styles,
    read_body,
    read_docx,
    to_transitional,
)
from .grid import MAX_COLS, MAX_ROWS, Sheet, Workbook
from .opc import relationships_of, rels_name
from .safety import UnsafeFile, parse_xml

MAX_SPAN = 40
MAX_TABLE_ROWS = 2000

# ---------------------------------------------------------------- encodings

_CODECS = {"gb2312": "gb18030", "gbk": "gb18030", "x-gbk": "gb18030", "gb_2312-80": "gb18030", "cp936": "gb18030",
           "windows-936": "gb18030", "chinese": "gb18030", "csgb2312": "gb18030", "x-cp20936": "gb18030",
           "unicode": "utf-16", "utf-16": "utf-16", "ucs-2": "utf-16", "big5": "big5hkscs"}
_DECLARED = re.compile(rb"""(?:charset|encoding)\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)""", re.I)


def _codec(label: str) -> str | None:
    import codecs

    label = (label or "").strip().strip("\"'").lower()
    if not label:
        return None
    label = _CODECS.get(label, label)
    try:
        return codecs.lookup(label).name
    except LookupError:
        return None


def decode_text(data: bytes, declared: str = "") -> str:
    """Text of a web page's bytes: BOM first, then the declared charset (MIME header, <meta charset>,
    XML declaration; GB2312/GBK read as their superset GB18030, as browsers do), else UTF-8, else GB18030."""
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8", errors="replace")
    if data[:2] in (b"\xff\xfe", b"\xfe\xff"):
        return data.decode("utf-16", errors="replace")
    head = data[:4096]
    if len(head) >= 4 and head[1:2] == b"\x00" and head[3:4] == b"\x00" and head[0:1] == b"<":
        return data.decode("utf-16-le", errors="replace")  # UTF-16 without a BOM, as some exporters write
    if len(head) >= 4 and head[0:1] == b"\x00" and head[1:2] == b"<":
        return data.decode("utf-16-be", errors="replace")
    codec = _codec(declared)
    if codec is None:
        m = _DECLARED.search(head)
        codec = _codec(m.group(1).decode("ascii", "replace")) if m else None
    if codec is not None and not codec.startswith("utf-16"):
        return data.decode(codec, errors="replace")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return data.decode("gb18030", errors="replace")


def parse_html(text: str):
    """An lxml.html document tree of ``text`` (comments kept: Office keeps its workbook notes in them).

    Raises ValueError when there is no markup at all."""
    parser = lxml.html.HTMLParser(encoding="utf-8", remove_blank_text=False, no_network=True)
    try:
        return lxml.html.document_fromstring(text.encode("utf-8", errors="replace"), parser=parser)
    except (etree.ParserError, etree.XMLSyntaxError) as exc:
        raise ValueError(str(exc)) from exc


# ---------------------------------------------------------------- HTML -> blocks

_BLOCK_TAGS = {"p", "div", "li", "ul", "ol", "blockquote", "pre", "center", "section", "article", "header",
               "footer", "main", "nav", "aside", "dl", "dt", "dd", "address", "hr", "form", "fieldset",
               "figure", "figcaption", "body", "html", "caption", "h1", "h2", "h3", "h4", "h5", "h6"}
_SKIP_TAGS = {"head", "script", "style", "title", "xml", "noscript", "template", "iframe", "object", "select",
              "button", "o:documentproperties", "w:worddocument"}
_SPACES = re.compile(r"[ \t\r\n\f]+")
_CJK = "\u2e80-\u9fff\uf900-\ufaff\ufe30-\ufe4f\uff00-\uffef"
_CJK_GAP = re.compile(f"(?<=[{_CJK}]) (?=[{_CJK}])")


def _css(el) -> dict:
    """The element's inline style declarations, property -> value (lower case)."""
    style = el.get("style")
    if not style:
        return {}
    out = {}
    for decl in style.split(";"):
        prop, _, value = decl.partition(":")
        if value:
            out[prop.strip().lower()] = value.strip().lower()
    return out


def _hidden(el, css: dict) -> bool:
    return css.get("display") == "none" or css.get("mso-hide") == "all" or el.get("hidden") is not None


_MARGINS = ("header", "footer")  # running heads and feet: not text of the document (Word's 字数 leaves them out)


def _page_margin(el, tag: str, css: dict) -> bool:
    """Whether ``el`` is a page's running header or footer as office suites save them in a web page: Word's
    ``style='mso-element:footer'`` blocks (in its header file, or inline), LibreOffice's ``<div title="footer">``.
    An HTML5 <header>/<footer> is content (a web editor's title block), not a page margin."""
    return css.get("mso-element") in _MARGINS or (tag == "div" and (el.get("title") or "").lower() in _MARGINS)


def _bold_of(tag: str, css: dict, inherited: bool) -> bool:
    weight = css.get("font-weight")
    if weight:
        return weight in ("bold", "bolder") or (weight.isdigit() and int(weight) >= 600)
    return inherited or tag in ("b", "strong")


@dataclass
class _Para:
    pieces: list = field(default_factory=list)  # (text, bold)
    images: int = 0


class _HtmlReader:
    """Paragraphs and tables of an HTML body in reading order, as :class:`~.docx.Block`s."""

    def __init__(self):
        self.table_count = 0

    def blocks(self, root) -> list[Block]:
        body = root.find("body")
        if body is None:
            body = root
        out: list[Block] = []
        para = _Para()
        self._walk(body, out, para, bold=False, props={})
        self._flush(out, para, {})
        return out

    def _text(self, para: _Para, text: str | None, bold: bool) -> None:
        if text:  # source line breaks are white space; only <br> breaks a line
            para.pieces.append((_SPACES.sub(" ", text), bold))

    def _flush(self, out: list, para: _Para, props: dict) -> None:
        if not para.pieces and not para.images:
            return
        text = "".join(t for t, _b in para.pieces)
        lines = [_CJK_GAP.sub("", _SPACES.sub(" ", line)).strip() for line in text.split("\n")]  # "\n" = <br>
        text = clean_text("\n".join(line for line in lines)).strip("\n").strip()
        if not text and not para.images:  # white space between tags: not a paragraph
            para.pieces.clear()
            return
        bolds = [b for t, b in para.pieces if t.strip()]
        prefix = []
        for piece, is_bold in para.pieces:
            if piece.strip() and not is_bold:
                break
            prefix.append(piece)
        style = props.get("style", "")
        level = props.get("level")
        if level is None:
            level = _heading_level(style, props.get("outline"))
        out.append(Block("p", text, style=style, heading_level=level, bold=bool(bolds) and all(bolds),
                         numbered=props.get("numbered", False), images=para.images,
                         num_level=props.get("num_level"),
                         bold_prefix="" if all(bolds) else _SPACES.sub(" ", "".join(prefix)).strip()))
        para.pieces.clear()
        para.images = 0

    def _props(self, el, tag: str, css: dict, inherited: dict) -> dict:
        props = dict(inherited)
        if len(tag) == 2 and tag[0] == "h" and tag[1] in "123456":
            props["level"] = int(tag[1])
        cls = (el.get("class") or "").strip()
        if cls.lower() == "msotitle":
            props["style"] = "Title"
        outline = css.get("mso-outline-level")
        if outline and outline.isdigit():
            props["outline"] = int(outline) - 1
        mso_list = css.get("mso-list", "")
        m = re.search(r"level(\d)", mso_list)
        if m and "ignore" not in mso_list:
            props["numbered"] = True
            props["num_level"] = int(m.group(1)) - 1
        if tag == "li":
            props["numbered"] = True
            props["num_level"] = 0
        return props

    def _walk(self, el, out: list, para: _Para, *, bold: bool, props: dict) -> None:
        self._text(para, el.text, bold)
        for child in el:
            tag = child.tag
            if not isinstance(tag, str):  # comment or processing instruction
                self._text(para, child.tail, bold)
                continue
            tag = tag.lower()
            css = _css(child)
            if tag in _SKIP_TAGS or _hidden(child, css) or _page_margin(child, tag, css):
                pass
            elif tag == "table":
                self._flush(out, para, props)
                out.append(self.table(child, top=True))
            elif tag in _BLOCK_TAGS:
                self._flush(out, para, props)
                inner = self._props(child, tag, css, {} if tag not in ("li",) else props)
                self._walk(child, out, para, bold=_bold_of(tag, css, bold), props=inner)
                self._flush(out, para, inner)
            elif tag == "br":
                para.pieces.append(("\n", bold))
            elif tag == "img":
                para.images += 1
            else:  # inline: span, b, a, font, o:p, ...
                self._walk(child, out, para, bold=_bold_of(tag, css, bold), props=props)
            self._text(para, child.tail, bold)

    def _cell_blocks(self, cell) -> list[Block]:
        out: list[Block] = []
        para = _Para()
        self._walk(cell, out, para, bold=cell.tag == "th", props={})
        self._flush(out, para, {})
        return out

    def table(self, table, *, top: bool) -> Block:
        if top:
            self.table_count += 1
        rows, cells, row_images = [], [], []
        pending: dict = {}  # column -> [rows still covered, colspan]
        for tr in table_rows(table):
            row, row_cells = [], []
            col = 0
            images = 0
            tds = iter(table_cells(tr))
            while True:
                if col in pending:
                    col = _covered(row, row_cells, pending, col)
                    continue
                td = next(tds, None)
                if td is None:
                    break
                colspan, rowspan = spans(td)
                blocks = self._cell_blocks(td)
                images += sum(b.images for b in blocks)
                text = clean_text("\n".join(b.shown for b in blocks)).strip()
                row.append((text, colspan, "restart" if rowspan > 1 else None))
                row_cells.append(blocks)
                if rowspan > 1:
                    pending[col] = [rowspan - 1, colspan]
                col += colspan
            for c in sorted(k for k in pending if k >= col):  # rows spanned below the last cell
                row.extend([("", 1, None)] * (c - col))
                row_cells.extend([[] for _ in range(c - col)])
                col = _covered(row, row_cells, pending, c)
            rows.append(row)
            cells.append(row_cells)
            row_images.append(images)
            if len(rows) >= MAX_TABLE_ROWS:
                break
        return Block("tbl", text="\n".join("\t".join(c[0] for c in r) for r in rows), rows=rows,
                     row_images=row_images, images=sum(row_images), index=self.table_count if top else 0,
                     cells=cells)


def _covered(row: list, row_cells: list, pending: dict, col: int) -> int:
    """Put the cell that a rowspan above covers at ``col`` into the row; return the column after it."""
    left, span = pending[col]
    row.append(("", span, "continue"))
    row_cells.append([])
    if left <= 1:
        del pending[col]
    else:
        pending[col][0] = left - 1
    return col + span


def table_rows(table) -> list:
    """The table's own rows (through thead/tbody/tfoot, not those of tables nested in its cells)."""
    out = []
    for child in table:
        tag = child.tag.lower() if isinstance(child.tag, str) else ""
        if tag == "tr":
            out.append(child)
        elif tag in ("thead", "tbody", "tfoot"):
            out.extend(c for c in child if isinstance(c.tag, str) and c.tag.lower() == "tr")
    return out


def table_cells(tr) -> list:
    return [c for c in tr if isinstance(c.tag, str) and c.tag.lower() in ("td", "th")]


def spans(td) -> tuple[int, int]:
    """(colspan, rowspan) of a cell, each 1..MAX_SPAN."""
    def one(name: str) -> int:
        value = (td.get(name) or "1").strip()
        return max(1, min(int(value), MAX_SPAN)) if value.isdigit() else 1
    return one("colspan"), one("rowspan")


def html_content(root) -> DocxContent:
    """A parsed HTML page as document blocks (paragraphs, h1–h6 / bold headings, tables)."""
    return DocxContent(blocks=_HtmlReader().blocks(root))


# ---------------------------------------------------------------- HTML -> workbook


def _worksheet_names(root) -> list[tuple[str, str]]:
    """(name, source href) of each worksheet Excel lists in its <x:ExcelWorkbook> note (a conditional comment)."""
    out = []
    for comment in root.iter(etree.Comment):
        text = comment.text or ""
        if "excelworksheet" not in text.lower():
            continue
        start = text.find("<")
        try:
            note = lxml.html.fragment_fromstring(text[start:], create_parent="div")
        except (etree.ParserError, etree.XMLSyntaxError, ValueError):
            continue
        for ws in note.iter("x:excelworksheet"):
            name = ws.find("x:name")
            source = ws.find("x:worksheetsource")
            out.append(((name.text_content() if name is not None else "").strip(),
                        (source.get("href") or "") if source is not None else ""))
    return out


def table_sheet_of(table, name: str) -> Sheet:
    """An HTML table as a grid: values as the text shown, colspan/rowspan as merged ranges."""
    reader = _HtmlReader()
    grid: dict = {}
    merged = []
    taken: set = set()
    height = 0
    for r, tr in enumerate(table_rows(table)[:MAX_ROWS]):
        c = 0
        for td in table_cells(tr):
            while (r, c) in taken:
                c += 1
            colspan, rowspan = spans(td)
            if c < MAX_COLS:
                text = clean_text("\n".join(b.shown for b in reader._cell_blocks(td))).strip()
                grid[(r, c)] = text or None
                if colspan > 1 or rowspan > 1:
                    merged.append((r, c, r + rowspan - 1, c + colspan - 1))
            for dr in range(rowspan):
                for dc in range(colspan):
                    taken.add((r + dr, c + dc))
            c += colspan
        height = r + 1
    width = min(MAX_COLS, max((c for _r, c in grid), default=-1) + 1)
    rows = [[grid.get((r, c)) for c in range(width)] for r in range(height)]
    return Sheet(name=name, rows=rows, merged=merged)


def _top_tables(root) -> list:
    body = root.find("body")
    tables = []
    for table in (body if body is not None else root).iter("table"):
        if not any(a.tag == "table" for a in table.iterancestors()):
            tables.append(table)
    return tables


def html_sheets(root, names: list[str], file: str = "") -> list[Sheet]:
    """The sheets of an Excel web page: one per top-level table, named from Excel's worksheet list; a page that
    names none (LibreOffice's, a web system's export) is one sheet to Excel and WPS, which name it after the file
    ``file`` (its stem, 31 characters at most, as a tab holds): the first table's sheet is so named, so that a
    message's '1-申请表 B7 单元格' is the tab the clerk sees (not 'Sheet1'); later ones 表格2, 表格3 …"""
    stem = re.sub(r"[\\/?*:\[\]]", "_", posixpath.basename(file.replace("\\", "/")).rsplit(".", 1)[0])[:31]
    sheets = []
    for i, table in enumerate(_top_tables(root)):
        name = names[i] if i < len(names) and names[i] else (
            stem if not sheets and stem else f"表格{len(sheets) + 1}")
        sheet = table_sheet_of(table, name)
        if sheet.rows:
            sheets.append(sheet)
    return sheets


# ---------------------------------------------------------------- document or workbook?

_WORKBOOK_SUFFIXES = (".xls", ".xlsx", ".xlsm", ".et", ".ett", ".csv")


def _progid(root) -> str:
    for meta in root.iter("meta"):
        if (meta.get("name") or "").strip().lower() == "progid":
            return (meta.get("content") or "").strip().lower()
    return ""


def is_workbook_page(root, text: str, name: str) -> bool:
    """Whether a web page is an Excel workbook: ProgId, then Office namespaces, then the suffix."""
    progid = _progid(root)
    if progid.startswith("excel."):
        return True
    if progid.startswith("word."):
        return False
    head = text[:20000].lower()
    excel = "urn:schemas-microsoft-com:office:excel" in head or "x:excelworkbook" in head
    word = "urn:schemas-microsoft-com:office:word" in head or "w:worddocument" in head
    if excel != word:
        return excel
    return _named_as_workbook(name)


def _named_as_workbook(name: str) -> bool:
    return name.lower().endswith(_WORKBOOK_SUFFIXES)


# ---------------------------------------------------------------- MHT (RFC 2557)


@dataclass(frozen=True)
class MimePart:
    location: str
    content_type: str
    data: bytes
    charset: str = ""


def mht_parts(data: bytes) -> list[MimePart]:
    """The parts of a web archive, bodies decoded (quoted-printable, base64), in file order.

    Raises ValueError when ``data`` is not a multipart MIME message."""
    msg = email.message_from_bytes(data, policy=email.policy.compat32)
    if not msg.is_multipart():
        raise ValueError("not a multipart message")
    out = []
    for part in msg.walk():
        if part.is_multipart():
            continue
        body = part.get_payload(decode=True) or b""
        out.append(MimePart(location=str(part.get("Content-Location") or "").strip(),
                            content_type=part.get_content_type(), data=body,
                            charset=part.get_content_charset() or ""))
    return out


def _html_parts(parts: list[MimePart]) -> list[MimePart]:
    return [p for p in parts if p.content_type in ("text/html", "application/xhtml+xml")
            and not p.location.lower().endswith("tabstrip.htm")]


# ---------------------------------------------------------------- WordML (Word 2003 XML) and Flat OPC

WORDML = "http://schemas.microsoft.com/office/word/2003/wordml"
AUX_HINT = "http://schemas.microsoft.com/office/word/2003/auxHint"
AML = "http://schemas.microsoft.com/aml/2001/core"
PKG = "http://schemas.microsoft.com/office/2006/xmlPackage"
_WORDML_RENAMES = {"listPr": "numPr", "ilfo": "numId", "vmerge": "vMerge", "hlink": "hyperlink"}


def wordml_content(data: bytes) -> DocxContent:
    """A Word 2003 XML document (or a Word 2007+ flat XML package) as document blocks.

    WordML differs from WordprocessingML in its namespace, a few names (listPr, vmerge) and its
    wrappers (wx:sect, aml:annotation for revisions and comments); they are mapped, then the .docx
    reader walks the body. Raises UnsafeFile for damaged or hostile XML, ValueError when it is neither.
    """
    root = parse_xml(data)
    if root.tag == f"{{{PKG}}}package":
        return _flat_opc(root)
    if root.tag != f"{{{WORDML}}}wordDocument":
        raise ValueError("not a Word XML document")
    for ann in list(root.iter(f"{{{AML}}}annotation")):
        kind = ann.get(f"{{{WORDML}}}type", "")
        if kind == "Word.Deletion" or kind.startswith("Word.Comment"):
            parent = ann.getparent()
            if parent is not None:
                parent.remove(ann)
    etree.strip_tags(root, f"{{{AUX_HINT}}}sect", f"{{{AUX_HINT}}}sub-section", f"{{{AML}}}annotation",
                     f"{{{AML}}}content")
    to_transitional(root, {WORDML: W})
    for el in root.iter():
        if isinstance(el.tag, str) and el.tag.startswith(f"{{{W}}}"):
            local = el.tag[len(W) + 2:]
            if local in _WORDML_RENAMES:
                el.tag = f"{{{W}}}{_WORDML_RENAMES[local]}"
    styles_el = root.find(f"{{{W}}}styles")
    styles = _parse_styles(styles_el) if styles_el is not None else {}
    return read_body(root, styles=styles)


def _flat_opc(root) -> DocxContent:
    parts = {}
    for part in root.iter(f"{{{PKG}}}part"):
        xml_data = part.find(f"{{{PKG}}}xmlData")
        if xml_data is not None and len(xml_data):
            parts[part.get(f"{{{PKG}}}name", "").lstrip("/")] = xml_data[0]

    def related(source: str, rel_type: str) -> str | None:
        rels = parts.get(rels_name(source))
        return None if rels is None else next(
            (r.target for r in relationships_of(rels, source) if r.type == rel_type), None)

    main = related("", "officeDocument") or "word/document.xml"
    doc = parts.get(main)
    if doc is None:
        raise ValueError("no main part")
    styles_el = parts.get(related(main, "styles") or "")
    numbering_el = parts.get(related(main, "numbering") or "")
    for el in (doc, styles_el, numbering_el):
        if el is not None:
            to_transitional(el)
    return read_body(doc, styles=_parse_styles(styles_el) if styles_el is not None else {},
                     numbering=Numbering(numbering_el) if numbering_el is not None else None)


# ---------------------------------------------------------------- one entry point


FORMAT_NAMES = {S.HTML: "网页（HTML）", S.MHT: "单个文件网页（MHT 网页存档）", S.WORDML: "Word 2003 XML 文档"}


@dataclass
class WebContent:
    """What a web/XML file holds: a document, a workbook, or neither (``document`` and ``workbook`` None)."""
    is_workbook: bool = False
    document: DocxContent | None = None
    workbook: Workbook | None = None


def read_web(data: bytes, real_type: str, name: str) -> WebContent:
    """Read an HTML page, MHT archive or WordML file (``real_type`` from :mod:`.sniff`) natively.

    Never raises on bad input: a file that cannot be parsed comes back with neither a document nor a
    workbook, and ``is_workbook`` says which the file was meant to be (for the re-save advice).
    """
    try:
        if real_type == S.WORDML:
            return WebContent(document=wordml_content(data))
        if real_type == S.MHT:
            return _read_mht(data, name)
        text = decode_text(data)
        root = parse_html(text)
        if is_workbook_page(root, text, name):
            names = [n for n, _h in _worksheet_names(root)]
            return WebContent(is_workbook=True, workbook=Workbook(sheets=html_sheets(root, names, name)))
        return WebContent(document=html_content(root))
    except (UnsafeFile, ValueError, LookupError, etree.LxmlError, UnicodeError):
        return WebContent(is_workbook=_named_as_workbook(name))


def _read_mht(data: bytes, name: str) -> WebContent:
    parts = _html_parts(mht_parts(data))
    if not parts:
        return WebContent(is_workbook=_named_as_workbook(name))
    pages = []
    for part in parts:
        text = decode_text(part.data, part.charset)
        try:
            pages.append((part, text, parse_html(text)))
        except ValueError:
            continue
    if not pages:
        return WebContent(is_workbook=_named_as_workbook(name))
    main_part, main_text, main_root = pages[0]
    if not is_workbook_page(main_root, main_text, name):
        return WebContent(document=html_content(main_root))
    listed = _worksheet_names(main_root)
    by_source = {posixpath.basename(href.replace("\\", "/")).lower(): n for n, href in listed if href}
    sheets = []
    for part, _text, root in pages:
        base = posixpath.basename(part.location.replace("\\", "/")).lower()
        names = [by_source[base]] if base in by_source else [
            n for n, _h in (listed if part is main_part else _worksheet_names(root))]
        sheets.extend(html_sheets(root, names, name if not sheets else ""))
    return WebContent(is_workbook=True, workbook=Workbook(sheets=sheets))


# ---------------------------------------------------------------- altChunk parts


def chunk_blocks(data: bytes, target: str, *, depth: int, notes: list) -> list[Block]:
    """Blocks of a part imported by ``w:altChunk`` (ECMA-376 Part 1 §17.17.2), read by its content:
    HTML and MHT natively, a nested .docx recursively, RTF through LibreOffice, plain text line by line.
    Problems are appended to ``notes`` (Chinese) rather than raised."""
    lower = target.lower()
    sniffed = S.sniff(data, target)
    try:
        if sniffed.type in (S.DOCX, S.ZIP) or lower.endswith((".docx", ".docm", ".dotx")):
            content = read_docx(data, depth=depth)
            notes.extend(content.notes)
            return content.blocks
        if sniffed.type == S.MHT or lower.endswith((".mht", ".mhtml")):
            page = _read_mht(data, target)
            return page.document.blocks if page.document is not None else []
        if sniffed.type == S.WORDML:
            return wordml_content(data).blocks
        if sniffed.type == S.HTML or lower.endswith((".htm", ".html", ".xhtml")):
            return html_content(parse_html(decode_text(data))).blocks
        if sniffed.type == S.RTF or lower.endswith(".rtf"):
            return _rtf_blocks(data, depth, notes)
        if sniffed.type == S.TEXT or lower.endswith(".txt"):
            text = decode_text(data)
            return [Block("p", clean_text(line)) for line in text.splitlines() if line.strip()]
    except (UnsafeFile, ValueError, KeyError, etree.LxmlError):
        notes.append("文档中有一段从其他文件插入的内容已损坏，这段内容未能读取")
        return []
    notes.append("文档中有一段从其他文件插入的内容格式无法识别，这段内容未能读取")
    return []


def _rtf_blocks(data: bytes, depth: int, notes: list) -> list[Block]:
    from .legacy import ConversionFailed, convert, soffice_path

    if soffice_path() is None:
        notes.append("文档中有一段以 RTF 格式嵌入的内容，本机未安装 LibreOffice，这段内容未能读取")
        return []
    try:
        converted = convert(data, "rtf", "docx")
    except (ConversionFailed, OSError):
        notes.append("文档中有一段以 RTF 格式嵌入的内容，LibreOffice 转换失败，这段内容未能读取")
        return []
    content = read_docx(converted, depth=depth)
    notes.extend(content.notes)
    return content.blocks
