"""A Word document's content -> 总结材料 / Word 申请书 / unrecognised. Never raises on bad input."""
from __future__ import annotations

import re
from dataclasses import replace

from ..campaign import Campaign
from ..keys import BENCHMARK, ENTERPRISE, SECTION_NAME
from ..messages import file_problem, make_issue
from ..model import (
    APPLICATION_DOC,
    ATTACHMENT,
    OPINION_SCAN,
    OTHER,
    SUMMARY,
    WARNING,
    Extracted,
)
from ..normalize import normalize_name
from . import sniff as S
from .docx import (
    guidance_sections,
    read_docx,
    read_sections,
    table_sheet,
    template_guidance_left,
)
from .form import (
    finish_form,
    form_by_labels,
    label_table,
    match_label,
    ranking_extracted,
)
from .grid import Workbook
from .opc import Package
from .own import NEVER_READ, own_output
from .safety import UnsafeFile
from .sniff import Sniffed


def extract_document(data: bytes | Package, sniffed: Sniffed, name: str, campaign: Campaign, file: str) -> Extracted:
    """A Word document read natively (no conversion): 总结材料, Word 申请书, file.unrecognized, or one of
    our own outputs dropped back (an attachment, not read). ``data``: the file's bytes, or its package already
    open (closed here).

    Parts it imports that could not be read (an RTF chunk without LibreOffice) are reported as warnings.
    """
    try:
        with data if isinstance(data, Package) else Package(data) as package:  # its main part parsed once, for both
            if own_output(package, campaign.opinion_keyword) in NEVER_READ:
                return Extracted(kind=ATTACHMENT)  # our own output dropped back: listed, never read
            content = read_docx(package)
    except UnsafeFile as exc:
        return file_problem("file.unreadable", file, reason=str(exc))
    except KeyError:
        return file_problem("file.unreadable", file, reason="缺少正文部分（word/document.xml）")
    return _with_notes(from_docx(content, name, campaign, file), content.notes, file)


def _with_notes(extracted: Extracted, notes: list, file: str) -> Extracted:
    if not notes:
        return extracted
    extra = tuple(make_issue("file.unsupported", file=file, location="整个文件", severity=WARNING,
                             reason=f"{note}。",
                             fix="请用 Word 打开该文件核对内容是否完整，然后另存为 Word 文档(*.docx)后重新提交。")
                  for note in dict.fromkeys(notes))
    return replace(extracted, issues=tuple(extracted.issues) + extra)


_DOCUMENT_STEPS = "请用 Word 或 WPS 文字打开该文件 → 文件 → 另存为 → 保存类型选“Word 文档(*.docx)” → 保存，再提交新保存的 .docx 文件。"
_WORKBOOK_STEPS = "请用 Excel 或 WPS 表格打开该文件 → 文件 → 另存为 → 保存类型选“Excel 工作簿(*.xlsx)” → 保存，再提交新保存的 .xlsx 文件。"
_LO_SUFFIX = {S.HTML: "html", S.MHT: "mht", S.WORDML: "xml"}


def extract_web(data: bytes, sniffed: Sniffed, name: str, campaign: Campaign, file: str) -> Extracted:
    """An HTML page, web archive (MHT) or Word 2003 XML file, whatever its suffix, read natively.

    The content decides what it is (ProgId / Office namespaces; the suffix only as a tie-break): a Word
    page becomes document blocks read like a .docx (:func:`from_docx`), an Excel page a grid workbook
    read like a spreadsheet (:func:`.workbooks.from_workbook`). LibreOffice is only the fallback when the
    native reading finds nothing; a file that still cannot be read gets file.unreadable naming its real
    format and the re-save steps. A web page not written by Office that mentions nothing of the campaign
    (a saved error page) is file.unsupported.
    """
    from .web import FORMAT_NAMES, read_web
    from .workbooks import from_workbook

    ext = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    if sniffed.type == S.HTML and (not re.search(r"\.(docx?|wps|html?|xlsx?|et|mht)$", name.lower()) or (
            sniffed.detail != "office" and not _mentions_campaign(data, campaign))):
        return file_problem("file.unsupported", file,
                            reason="这是网页文件（HTML），不是 Word/Excel 文件，内容也不像申请表或总结材料。"
                                   "请用 Word/Excel 打开原文件后另存为 .docx/.xlsx。")
    page = read_web(data, sniffed.type, name)
    if page.workbook is not None and any(sheet.rows for sheet in page.workbook.sheets):
        return from_workbook(page.workbook, name, campaign, file)
    if page.document is not None and any(b.text.strip() or b.kind == "tbl" for b in page.document.blocks):
        return _with_notes(from_docx(page.document, name, campaign, file), page.document.notes, file)
    converted = _libreoffice(data, sniffed.type, "xlsx" if page.is_workbook else "docx")
    if converted is not None:
        from . import registry

        target = "xlsx" if page.is_workbook else "docx"
        return registry.extract(converted, f"{name}.{target}", campaign, file=file)
    fmt = FORMAT_NAMES.get(sniffed.type, "网页")
    shown_as = f"（扩展名为 .{ext}）" if ext else ""
    return file_problem("file.unreadable", file,
                        reason=f"这个文件实际是{fmt}格式{shown_as}，工具没有从中读出任何内容",
                        fix=_WORKBOOK_STEPS if page.is_workbook else _DOCUMENT_STEPS)


def _libreoffice(data: bytes, real_type: str, target: str) -> bytes | None:
    """The file converted by LibreOffice to ``target``, or None (not installed, or it failed)."""
    from .legacy import ConversionFailed, convert, soffice_path

    if soffice_path() is None or real_type not in _LO_SUFFIX:
        return None
    try:
        return convert(data, _LO_SUFFIX[real_type], target)
    except (ConversionFailed, OSError):
        return None


def _mentions_campaign(data: bytes, campaign: Campaign) -> bool:
    """Whether an HTML file not written by Office mentions at least two of the form's labels or section names."""
    words = {s.key for s in campaign.sections} | {f.key for f in (*campaign.fields, *campaign.yearly)}
    for encoding in ("utf-8", "gb18030"):
        text = data[:2_000_000].decode(encoding, errors="ignore")
        if sum(1 for w in words if w in text) >= 2:
            return True
    return False


def _table_labels(block, table: dict, *, yearly: bool) -> set:
    return {spec.key for row in block.rows for text, _span, _vm in row
            for spec in [match_label(text, table, yearly=yearly)[0]] if spec is not None}


def _application_tables(content, campaign: Campaign) -> list:
    """The 申请表 table of a Word 申请书, and the tables right after it that continue it (a table split in
    two, the 基本情况 block on its own) — those holding yearly labels."""
    table = label_table(campaign)
    tables = content.tables
    for i, block in enumerate(tables):
        if len(_table_labels(block, table, yearly=False)) >= 4:
            found = [block]
            for nxt in tables[i + 1:i + 3]:
                if _table_labels(nxt, table, yearly=True):
                    found.append(nxt)
                else:
                    break
            return found
    return []


_COVER = {ENTERPRISE: ("申请单位", ENTERPRISE, "企业名称"), BENCHMARK: ("标杆名称", SECTION_NAME)}


def _cover_mismatches(blocks, form, file: str):
    """The 申请书's cover ('申  请  单  位：…', '标  杆  名  称：…') against its 申请表 table: warn if they differ."""
    for block in blocks:
        if block.kind != "p" or "：" not in block.text and ":" not in block.text:
            continue
        label, _, value = block.text.replace(":", "：").partition("：")
        label = "".join(label.split())
        value = value.strip().strip("_＿ ").strip()
        for key, labels in _COVER.items():
            table_value = form.text(key)
            if label in labels and value and table_value and normalize_name(value) != normalize_name(table_value):
                yield make_issue("mismatch", file=file, location="申请书封面", field=key, severity=WARNING,
                                 form_side="申请书封面", other_side="申请书的申请表", form_value=value,
                                 summary_value=table_value)


def _guidance_left(blocks: list, file: str, summary=None) -> tuple:
    """section.guidance (a warning) when the template's guidance paragraphs are still in a 总结材料 — not counted
    as its text (docx.without_template_guidance), but forwarded to the province as they are —, naming the sections
    of ``summary`` (read from ``blocks``) they are in, so the clerk knows where to delete them."""
    left = template_guidance_left(blocks)
    if not left:
        return ()
    first = left[0]
    excerpt = first if len(first) <= 30 else f"{first[:12]}……{first[-12:]}"
    keys = guidance_sections(blocks, summary)
    where = "".join(f"“{key}”" for key in keys[:3]) + (f"等{len(keys)}个部分" if len(keys) > 3 else "部分") if keys else ""
    return (make_issue("section.guidance", file=file, location=f"总结材料“{keys[0]}”部分" if len(keys) == 1 else "总结材料",
                       excerpt=excerpt, paragraphs=len(left), where=where),)


def repeated_sections(summary, file: str) -> tuple:
    """section.repeated (a warning) for each section of ``summary`` (a SummaryData) headed more than once
    (docx.read_sections: '二、摘要' … '四、摘要'): its text under every heading is counted as that section's — not the
    section's before the further heading — and the clerk is told where to delete the copy."""
    if summary is None:
        return ()
    return tuple(make_issue("section.repeated", file=file, location=s.location, field=s.key, section=s.key,
                            times=1 + len(s.repeated.splitlines()),
                            titles="”“".join([s.title, *s.repeated.splitlines()]), count=s.chars)
                 for s in summary.sections.values() if s.repeated)


def _summary_warnings(blocks: list, file: str, summary) -> tuple:
    """The warnings a 总结材料 read from ``blocks`` carries: the template's guidance left in it, sections headed twice."""
    return _guidance_left(blocks, file, summary) + repeated_sections(summary, file)


def from_docx(content, name: str, campaign: Campaign, file: str) -> Extracted:
    """What a Word document (or a Word web page) is, from its blocks (DocxContent): a Word 申请书 (the form's
    table, and the 总结材料 after it), a 总结材料 (two section headings or more; one, or none but text, in a file
    named so), a scan pasted into Word (pictures and no text: read as a PDF or picture is, an OPINION_SCAN when
    named 推荐意见, else an ATTACHMENT), an unstamped 推荐意见 dropped back (OTHER), else file.unrecognized."""
    has_text = any(b.text.strip() for b in content.blocks)
    if not has_text and any(b.images or any(b.row_images) for b in content.blocks):
        return Extracted(kind=OPINION_SCAN if campaign.opinion_keyword in name else ATTACHMENT)
    tables = _application_tables(content, campaign)
    if tables:
        sheets = [table_sheet(t, label=f"申请表（第{t.index}个表格）") for t in tables]
        book = Workbook(sheets=sheets)
        form = form_by_labels(book, campaign, max_sheets=len(sheets))
        after = content.blocks[content.blocks.index(tables[-1]) + 1:]
        summary = read_sections(after, campaign)
        if len(summary.sections) < 2:
            summary = None
        if form is not None:
            form = finish_form(replace(form, source="docx-table"), campaign, file, book)
            before = content.blocks[:content.blocks.index(tables[0])]
            issues = (*form.warnings, *_cover_mismatches(before, form, file))
            if summary is not None:
                issues += _summary_warnings(after, file, summary)
            return Extracted(kind=APPLICATION_DOC, form=form, summary=summary, issues=issues)
    summary = read_sections(content.blocks, campaign)
    if len(summary.sections) >= 2 or (summary.sections and "总结" in name):
        return Extracted(kind=SUMMARY, summary=summary, issues=_summary_warnings(content.blocks, file, summary))
    if "总结材料" in normalize_name(name) and has_text:
        # named as the notice names it, with text, but no heading found: a 总结材料 whose every section is
        # reported missing (what to add, section by section), not a file to delete
        return Extracted(kind=SUMMARY, summary=summary)
    if campaign.opinion_keyword in name:
        return Extracted(kind=OTHER)  # an unstamped opinion dropped back: listed, not an error
    ranking = _ranking_tables(content, name, campaign, file)
    if ranking is not None:
        return ranking
    return file_problem("file.unrecognized", file,
                        reason="（未找到“质量标杆名称”“摘要”“企业概况”等章节标题）")


_RANKING_WORDS = ("排序", "推荐顺序")  # a Word 推荐排序表 says what it is: in its file name or above its table


def _ranking_tables(content, name: str, campaign: Campaign, file: str) -> Extracted | None:
    """A 推荐排序表 a unit made in Word: its tables read as a workbook's sheets are (form.read_ranking: a header row
    with 推荐顺序 or 序号 and 申报单位 or 企业名称 …), when the file's name or the text above its first table says it
    is one ('推荐排序表', '推荐顺序', '排序') — a table of 序号 and 单位名称 elsewhere (a list of attachments, of
    members) orders nothing. None when it is not one."""
    tables = content.tables
    if not tables:
        return None
    above = "".join(b.text for b in content.blocks[:content.blocks.index(tables[0])] if b.kind == "p")
    said = normalize_name(name) + normalize_name(above)
    if not any(word in said for word in (campaign.ranking_file, *_RANKING_WORDS)):
        return None
    book = Workbook(sheets=[table_sheet(t, label=f"推荐排序表（第{t.index}个表格）") for t in tables])
    return ranking_extracted(book, file)
