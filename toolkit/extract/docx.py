"""Word .docx: the 总结材料's sections, and the 申请表 table of a Word 申请书.

Reads word/document.xml with lxml (no entities, no network), so text boxes, content controls and
tables are all seen; the only module that knows WordprocessingML.
"""
from __future__ import annotations

import hashlib
import io
import re
import zipfile
from dataclasses import dataclass, field

from ..campaign import Campaign, SectionSpec
from ..model import Section, SummaryData
from ..normalize import clean_text, normalize_name
from .grid import Sheet
from .safety import check_zip, parse_xml
from .wordcount import count_words

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
MC = "http://schemas.openxmlformats.org/markup-compatibility/2006"
_w = lambda tag: f"{{{W}}}{tag}"  # noqa: E731

P, TBL, SDT, SDT_CONTENT, T, TAB, BR, CR = (_w(t) for t in ("p", "tbl", "sdt", "sdtContent", "t", "tab", "br", "cr"))
TXBX = _w("txbxContent")
FALLBACK = f"{{{MC}}}Fallback"
IMAGE_TAGS = {"{http://schemas.openxmlformats.org/drawingml/2006/picture}pic",
              "{urn:schemas-microsoft-com:vml}imagedata"}


@dataclass
class Block:
    kind: str  # "p" | "tbl"
    text: str = ""
    style: str = ""
    heading_level: int | None = None
    bold: bool = False
    numbered: bool = False
    images: int = 0
    rows: list = field(default_factory=list)  # tbl: list of rows of (text, span, vmerge)
    row_images: list = field(default_factory=list)  # tbl: images in each row
    index: int = 0  # tbl: 1-based table number


@dataclass
class DocxContent:
    blocks: list

    @property
    def tables(self) -> list[Block]:
        return [b for b in self.blocks if b.kind == "tbl"]


_STYLE_CACHE: dict[bytes, dict] = {}  # styles.xml digest -> resolved styles (documents share templates)


def _styles(zf: zipfile.ZipFile) -> dict:
    """styleId -> (name, outline level or None, bold, numbered), following basedOn chains."""
    try:
        xml = zf.read("word/styles.xml")
    except KeyError:
        return {}
    digest = hashlib.sha1(xml).digest()
    cached = _STYLE_CACHE.get(digest)
    if cached is None:
        cached = _parse_styles(xml)
        if len(_STYLE_CACHE) > 256:
            _STYLE_CACHE.clear()
        _STYLE_CACHE[digest] = cached
    return cached


def _parse_styles(xml: bytes) -> dict:
    root = parse_xml(xml)
    raw = {}
    default = ""
    for st in root.iter(_w("style")):
        sid = st.get(_w("styleId"), "")
        if st.get(_w("type")) == "paragraph" and st.get(_w("default")) in ("1", "true", "on"):
            default = default or sid
        name_el = st.find(_w("name"))
        name = name_el.get(_w("val"), "") if name_el is not None else sid
        lvl = st.find(f"{_w('pPr')}/{_w('outlineLvl')}")
        bold = st.find(f"{_w('rPr')}/{_w('b')}")
        num = st.find(f"{_w('pPr')}/{_w('numPr')}")
        based = st.find(_w("basedOn"))
        raw[sid] = (name,
                    int(lvl.get(_w("val"), "9")) if lvl is not None and (lvl.get(_w("val")) or "").isdigit() else None,
                    None if bold is None else bold.get(_w("val"), "1") not in ("0", "false"),
                    None if num is None else _num_on(num),
                    based.get(_w("val"), "") if based is not None else "")

    def resolve(sid: str, depth: int = 0):
        name, outline, bold, numbered, based = raw[sid]
        if based in raw and based != sid and depth < 10:
            _n, b_outline, b_bold, b_numbered = resolve(based, depth + 1)
            outline = b_outline if outline is None else outline
            bold = b_bold if bold is None else bold
            numbered = b_numbered if numbered is None else numbered
        return name, outline, bool(bold), bool(numbered)

    out = {sid: resolve(sid) for sid in raw}
    if default in out:
        out[""] = out[default]  # paragraphs without a pStyle have the default paragraph style
    return out


def _num_on(num_pr) -> bool:
    """A numPr that numbers the paragraph (numId 0 switches numbering off)."""
    num_id = num_pr.find(_w("numId"))
    return num_id is None or num_id.get(_w("val"), "0") != "0"


def _heading_level(name: str, outline: int | None) -> int | None:
    low = name.lower().replace(" ", "")
    m = re.match(r"(?:heading|标题)(\d)", low)
    if m:
        return int(m.group(1))
    if low == "title" or low == "标题":
        return 0
    if outline is not None and outline < 9:
        return outline + 1
    return None


class _Reader:
    def __init__(self, styles: dict):
        self.styles = styles
        self.blocks: list[Block] = []
        self.table_count = 0

    def walk_body(self, parent) -> None:
        for child in parent:
            if child.tag == P:
                self.paragraph(child)
            elif child.tag == TBL:
                self.table(child)
            elif child.tag in (SDT, SDT_CONTENT) or child.tag.endswith("}customXml") or child.tag.endswith("}smartTag"):
                self.walk_body(child if child.tag != SDT else (child.find(SDT_CONTENT) if child.find(SDT_CONTENT) is not None else []))

    def _text_of(self, el, parts: list, boxes: list, counts: dict, bold_runs: list) -> None:
        for child in el:
            tag = child.tag
            if tag == FALLBACK:
                continue
            if tag == TXBX:
                boxes.append(child)
                continue
            if tag == T:
                parts.append(child.text or "")
            elif tag == TAB:
                parts.append("\t")
            elif tag in (BR, CR):
                parts.append("\n")
            elif tag in IMAGE_TAGS:
                counts["images"] += 1
            elif tag == _w("r"):
                rpr = child.find(_w("rPr"))
                b = rpr.find(_w("b")) if rpr is not None else None
                has_text = any((t.text or "").strip() for t in child.iter(T))
                if has_text:
                    bold_runs.append(None if b is None else b.get(_w("val"), "1") not in ("0", "false"))
                self._text_of(child, parts, boxes, counts, bold_runs)
            elif tag == P:  # a paragraph nested where it should not be
                self._text_of(child, parts, boxes, counts, bold_runs)
            else:
                self._text_of(child, parts, boxes, counts, bold_runs)

    def paragraph(self, p) -> None:
        parts: list = []
        boxes: list = []
        counts = {"images": 0}
        bold_runs: list = []
        self._text_of(p, parts, boxes, counts, bold_runs)
        ppr = p.find(_w("pPr"))
        style_id = ""
        outline = None
        numbered = False
        if ppr is not None:
            ps = ppr.find(_w("pStyle"))
            style_id = ps.get(_w("val"), "") if ps is not None else ""
            ol = ppr.find(_w("outlineLvl"))
            outline = int(ol.get(_w("val"), "9")) if ol is not None and (ol.get(_w("val")) or "").isdigit() else None
            num_pr = ppr.find(_w("numPr"))
            numbered = num_pr is not None and _num_on(num_pr)
        name, style_outline, style_bold, style_numbered = self.styles.get(style_id, (style_id, None, False, False))
        if ppr is None or ppr.find(_w("numPr")) is None:
            numbered = style_numbered
        level = _heading_level(name, outline if outline is not None else style_outline)
        bold = bool(bold_runs) and all(b is True or (b is None and style_bold) for b in bold_runs)
        self.blocks.append(Block("p", clean_text("".join(parts)).strip("\n") if parts else "", style=name,
                                 heading_level=level, bold=bold, numbered=numbered, images=counts["images"]))
        for box in boxes:
            self.walk_body(box)

    def table(self, tbl) -> None:
        self.table_count += 1
        rows = []
        row_images = []
        images = 0
        for tr in tbl.findall(_w("tr")):
            row = []
            before = images
            for tc in tr.findall(_w("tc")):
                tcpr = tc.find(_w("tcPr"))
                span = 1
                vmerge = None
                if tcpr is not None:
                    gs = tcpr.find(_w("gridSpan"))
                    if gs is not None and (gs.get(_w("val")) or "").isdigit():
                        span = max(1, min(int(gs.get(_w("val"))), 40))
                    vm = tcpr.find(_w("vMerge"))
                    if vm is not None:
                        vmerge = vm.get(_w("val"), "continue")
                texts = []
                for p in tc.iter(P):
                    parts: list = []
                    counts = {"images": 0}
                    self._text_of(p, parts, [], counts, [])
                    images += counts["images"]
                    texts.append("".join(parts))
                row.append((clean_text("\n".join(texts)).strip(), span, vmerge))
            rows.append(row)
            row_images.append(images - before)
        self.blocks.append(Block("tbl", text="\n".join("\t".join(c[0] for c in r) for r in rows),
                                 rows=rows, row_images=row_images, images=images, index=self.table_count))


def read_docx(data: bytes) -> DocxContent:
    """Blocks of a .docx in reading order. Raises UnsafeFile / KeyError / zipfile errors on bad files."""
    check_zip(data)
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        root = parse_xml(zf.read("word/document.xml"))
        styles = _styles(zf)
    body = root.find(_w("body"))
    reader = _Reader(styles)
    if body is not None:
        reader.walk_body(body)
    return DocxContent(blocks=reader.blocks)


def table_sheet(block: Block, label: str) -> Sheet:
    """A Word table as a grid, with gridSpan and vMerge as merged ranges."""
    rows_out: list = []
    merged: list = []
    open_vmerge: dict = {}  # column -> index into merged
    for r, row in enumerate(block.rows):
        out_row: list = []
        c = 0
        for text, span, vmerge in row:
            if vmerge == "continue" and c in open_vmerge:
                idx = open_vmerge[c]
                r0, c0, _r1, c1 = merged[idx]
                merged[idx] = (r0, c0, r, c1)
                out_row.extend([None] * span)
            else:
                out_row.append(text or None)
                out_row.extend([None] * (span - 1))
                if span > 1 or vmerge == "restart":
                    merged.append((r, c, r, c + span - 1))
                    if vmerge == "restart":
                        open_vmerge[c] = len(merged) - 1
                    else:
                        open_vmerge.pop(c, None)
                else:
                    open_vmerge.pop(c, None)
            c += span
        rows_out.append(out_row)
    return Sheet(name=label, rows=rows_out, merged=merged, label=label)


# ---------------------------------------------------------------- sections

_NUMBERING = re.compile(
    r"^\s*(?:第[一二三四五六七八九十\d]+(?:部分|章|节|项)?[、.．:：\s]*"
    r"|[（(]\s*[一二三四五六七八九十\d]+\s*[)）][、.．]?"
    r"|[一二三四五六七八九十]+\s*[、.．:：]"
    r"|\d+(?:\.\d+)*\s*[、.．:：)）]?(?=\D)"
    r"|[①②③④⑤⑥⑦⑧⑨⑩]"
    r"|[ⅠⅡⅢⅣⅤⅥⅦⅧⅨⅩ]+\s*[、.．])\s*"
)
_LIMIT = re.compile(r"^\s*[（(][^()（）]{0,20}(?:字|以内|提供|可选|选填)[^()（）]{0,10}[）)]")


def _section_keys(spec: SectionSpec) -> list[str]:
    keys = [normalize_name(k) for k in (spec.key, *spec.synonyms)]
    return sorted(keys, key=len, reverse=True)


def match_heading(block: Block, campaign: Campaign) -> tuple[SectionSpec | None, str]:
    """(section, inline text after the heading) when a paragraph is one of the sections' headings."""
    text = block.text.strip()
    if not text or len(text) > 200:
        return None, ""
    stripped = _NUMBERING.sub("", text, count=1)
    had_number = stripped != text or block.numbered
    norm = normalize_name(stripped)
    for spec in campaign.sections:
        for key in _section_keys(spec):
            if not norm.startswith(key):
                continue
            # find where the key ends in the original (spaces removed by normalisation)
            consumed, i = 0, 0
            while i < len(stripped) and consumed < len(key):
                if not stripped[i].isspace():
                    consumed += 1
                i += 1
            rest = stripped[i:]
            rest = _LIMIT.sub("", rest, count=1).strip()
            inline = ""
            if rest:
                if rest[0] in ":：":
                    inline = rest[1:].strip()
                else:
                    continue  # a sentence that merely starts with the words
            strong = block.heading_level is not None or block.bold or had_number
            short_key = key != normalize_name(spec.key) and len(key) <= 4
            if not strong and (short_key or inline or len(norm) > len(key) + 12):
                continue
            return spec, inline
    return None, ""


def _layout_table(block: Block, campaign: Campaign) -> list[Block] | None:
    """A table used as the page layout (headings in its first column or in full-width rows) as paragraphs.

    None when fewer than two rows start with a section heading: then it is content (a table in a section).
    """
    out: list[Block] = []
    headings = 0
    for r, row in enumerate(block.rows):
        texts = [text for text, _span, vmerge in row if text and vmerge != "continue"]
        images = block.row_images[r] if r < len(block.row_images) else 0
        if not texts:
            if images:
                out.append(Block("p", images=images))
            continue
        spec, _inline = match_heading(Block("p", text=texts[0], bold=True), campaign)
        if spec is not None:
            headings += 1
            out.append(Block("p", text=texts[0], bold=True))
            rest = "\n".join(texts[1:])
            if rest or images:
                out.append(Block("p", text=rest, images=images))
        else:
            out.append(Block("p", text="\n".join(texts), images=images))
    return out if headings >= 2 else None


def _expand_layout_tables(blocks: list[Block], campaign: Campaign) -> list[Block]:
    out: list[Block] = []
    for block in blocks:
        expanded = _layout_table(block, campaign) if block.kind == "tbl" else None
        out.extend(expanded if expanded is not None else [block])
    return out


def _weight(block: Block) -> int:
    return count_words(block.text) + block.images + (1 if block.kind == "tbl" else 0)


def _chosen_headings(blocks: list[Block], campaign: Campaign) -> dict:
    """Block index -> (section, inline text) for the heading that starts each section.

    A heading written twice (a table of contents typed before the text, a heading repeated in a
    running title) starts its section where the most content follows it.
    """
    marks = []
    for i, block in enumerate(blocks):
        if block.kind == "p":
            spec, inline = match_heading(block, campaign)
            if spec is not None:
                marks.append((i, spec, inline))
    best: dict = {}
    for j, (i, spec, inline) in enumerate(marks):
        end = marks[j + 1][0] if j + 1 < len(marks) else len(blocks)
        weight = count_words(inline) + sum(_weight(b) for b in blocks[i + 1:end])
        if spec.key not in best or weight > best[spec.key][0]:
            best[spec.key] = (weight, i, spec, inline)
    return {i: (spec, inline) for _w, i, spec, inline in best.values()}


_GUIDANCE = re.compile(r"^\s*[（(].*填写时请删除本段说明[。.]?\s*[）)]\s*$", re.S)


def is_template_guidance(text: str) -> bool:
    """The guidance paragraphs of templates/总结材料.docx, left in by mistake: not the enterprise's text."""
    return bool(_GUIDANCE.match(text))


def read_sections(blocks: list[Block], campaign: Campaign) -> SummaryData:
    blocks = _expand_layout_tables(blocks, campaign)
    starts = _chosen_headings(blocks, campaign)
    found: dict = {}
    current = None
    title = ""
    acc: dict = {}
    for i, block in enumerate(blocks):
        if i in starts:
            spec, inline = starts[i]
            current = spec.key
            acc[current] = {"title": block.text.strip(), "texts": [inline] if inline else [],
                            "images": block.images, "tables": 0}
            continue
        if current is None:
            if block.kind == "p" and block.text.strip() and not title:
                title = block.text.strip()
            continue
        if block.kind == "p":
            if block.text and not is_template_guidance(block.text):
                acc[current]["texts"].append(block.text)
            acc[current]["images"] += block.images
        else:
            acc[current]["texts"].append(block.text)
            acc[current]["tables"] += 1
            acc[current]["images"] += block.images
    for key, a in acc.items():
        text = "\n".join(t for t in a["texts"] if t is not None)
        found[key] = Section(key=key, title=a["title"], text=text, chars=count_words(text),
                             images=a["images"], tables=a["tables"], location=f"总结材料“{key}”部分")
    return SummaryData(sections=found, title=title)
