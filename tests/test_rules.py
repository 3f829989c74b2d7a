"""Every SPEC §6 issue code: a case that triggers it and a near-miss that must not.

Applications are built in code (FormData/SummaryData with realistic Values made by the extractor's own
parser); unit-level codes go through ``assemble``; file-level codes through the extractor registry with
small crafted bytes.
"""
from __future__ import annotations

import hashlib
import io
import re
from dataclasses import replace
from unittest import mock

import openpyxl
import pytest
from conftest import ole, zip_of

from toolkit.assemble import assemble
from toolkit.campaign import load_campaign
from toolkit.extract.form import parse_value
from toolkit.extract.registry import extract
from toolkit.messages import CATALOGUE, display_location, make_issue
from toolkit.model import (
    ERROR,
    FORM,
    INELIGIBLE,
    LATE,
    NEEDS_FIX,
    OVER_QUOTA,
    PASSED,
    RANKING,
    SUMMARY,
    WARNING,
    Application,
    Extracted,
    FileVersion,
    FormData,
    RankingRow,
    Section,
    SummaryData,
    status_of,
)
from toolkit.render.forms import write_form
from toolkit.validate import RULES, validate
from toolkit.wordcount import count_words

CAMPAIGN = load_campaign()
SJZ = "石家庄市工业和信息化局"  # city, quota 3
YEJIN = "河北省冶金行业协会"  # association, quota 2
YEARS = (2018, 2019, 2020)

# SPEC §6 as the README's 问题代码 table carries it (the project's copy of the contract; region.other added there),
# hard-coded on purpose: a code added to or dropped from the catalogue must be a change of that table.
SPEC_CODES = {
    "file.unreadable", "file.encrypted", "file.unsupported", "file.unrecognized", "unit.unknown",
    "pair.missing-summary", "pair.missing-form", "field.missing", "field.invalid", "name.too-long",
    "name.pattern", "section.missing", "section.too-long", "mismatch", "eligibility.unprofitable",
    "finance.suspicious", "quota.exceeded", "rank.missing", "rank.conflict", "duplicate.enterprise",
    "deadline.late", "region.other", "section.too-short", "section.guidance", "eligibility.branch", "version.resaved",
    "rank.gap", "section.repeated",
}

# ---------------------------------------------------------------------------------------------------
# a good application, and builders that change one thing in it
# ---------------------------------------------------------------------------------------------------

ENTERPRISE = "石家庄华北精工机械有限公司"
NAME = "石家庄华北精工机械实施六西格玛设计的经验"
DROP = object()  # remove the field / section altogether

GOOD_FIELDS = {
    "申报单位": ENTERPRISE, "所属行业": "C34 通用设备制造业", "所在地区": "石家庄市", "标杆名称": NAME,
    "摘要": "公司以六西格玛设计为主线，构建了质量管理体系。", "联系人": "王晓明",
    "电话": "0311-87803218", "手机": "15003116043", "电子邮箱": "wangxm@hbjg.com.cn", "传真": "0311-87803219",
    "通讯地址": "河北省石家庄市高新区黄河大道136号",
}
GOOD_YEARLY = {
    "资产总额": {2018: 52000, 2019: 56000, 2020: 61000},
    "主营业收入": {2018: 45000, 2019: 48000, 2020: 52000},
    "其他业务收入": {2018: 1200, 2019: 1300, 2020: 1500},
    "利润总额": {2018: 3200, 2019: 3500, 2020: 4100},
    "从业人员": {2018: 1150, 2019: 1180, 2020: 1210},
}
GOOD_SECTIONS = {
    "质量标杆名称": NAME,
    "摘要": "本文介绍公司推进六西格玛设计的做法与成效。" * 5,
    "企业概况": f"企业名称：{ENTERPRISE}，成立于1998年，主要生产精密减速机。",
    "管理方法（技术）的推进和应用情况": "一、推进目标。二、组织保障。三、实施过程。" * 20,
    "管理方法（技术）的实施效果": "产品一次交检合格率由96.2%提高到99.5%。" * 10,
}
YEAR_COLUMN = {2018: "C", 2019: "D", 2020: "E"}


def make_form(fields: dict | None = None, yearly: dict | None = None) -> FormData:
    """The good 申请表 with ``fields`` / ``yearly`` overrides (raw cell values, DROP to remove)."""
    values = {**GOOD_FIELDS, **(fields or {})}
    form_fields = {}
    for row, spec in enumerate(CAMPAIGN.fields, start=3):
        raw = values.get(spec.key)
        if raw is not DROP:
            form_fields[spec.key] = parse_value(spec, raw, f"申请表!B{row}")
    per_year = {key: dict(v) for key, v in GOOD_YEARLY.items()}
    for key, changes in (yearly or {}).items():
        per_year[key].update(changes)
    form_yearly = {}
    for row, spec in enumerate(CAMPAIGN.yearly, start=16):
        form_yearly[spec.key] = {year: parse_value(spec, raw, f"申请表!{YEAR_COLUMN[year]}{row}")
                                 for year, raw in per_year[spec.key].items() if raw is not DROP}
    return FormData(fields=form_fields, yearly=form_yearly, source="defined-names")


def make_section(key: str, text: str, *, chars: int | None = None, tables: int = 0, images: int = 0) -> Section:
    return Section(key=key, title=key, text=text, chars=count_words(text) if chars is None else chars,
                   tables=tables, images=images, location=f"总结材料“{key}”部分")


def make_summary(sections: dict | None = None) -> SummaryData:
    texts = {**GOOD_SECTIONS, **(sections or {})}
    built = {}
    for key, text in texts.items():
        if text is DROP:
            continue
        built[key] = text if isinstance(text, Section) else make_section(key, text)
    return SummaryData(sections=built, title=texts.get("质量标杆名称", ""))


def file_version(path: str, *, unit: str = SJZ, first_seen: str = "2021-09-10T10:00:00+08:00") -> FileVersion:
    folder = path.split("/")[0] if "/" in path else ""
    return FileVersion(path=path, unit=unit, folder=folder, sha256=hashlib.sha256(path.encode()).hexdigest(),
                       size=1024, mtime=0.0, first_seen=first_seen)


def make_app(*, fields=None, yearly=None, sections=None, enterprise: str | None = None,
             name: str | None = None) -> Application:
    """The good application; ``name`` sets 标杆名称 in both the form and the summary."""
    if name is not None:
        fields = {**(fields or {}), "标杆名称": name}
        sections = {**(sections or {}), "质量标杆名称": name}
    form = make_form(fields, yearly)
    summary = make_summary(sections)
    return Application(unit=SJZ, enterprise=enterprise if enterprise is not None else form.text("申报单位"),
                       form=form, summary=summary, benchmark_name=form.text("标杆名称") or summary.benchmark_name,
                       form_file=file_version("石家庄/1-申请表.xlsx"), summary_file=file_version("石家庄/1-总结材料.docx"))


def unit_rule_issues(unit: str, region: str) -> list:
    """Every application rule's issues for the good application sent by ``unit``, its 所在地区 ``region``."""
    return list(validate(replace(make_app(fields={"所在地区": region}), unit=unit), CAMPAIGN).issues)


def rule_issues(**changes) -> list:
    """Every application rule's issues for the good application with ``changes``."""
    app = make_app(**changes)
    return list(validate(app, CAMPAIGN).issues)


# ---- unit level: assemble() over constructed file versions ----

def form_file(path: str, enterprise: str, *, name: str | None = None, unit: str = SJZ,
              first_seen: str = "2021-09-10T10:00:00+08:00") -> tuple:
    form = make_form({"申报单位": enterprise, "标杆名称": name or _name_for(enterprise)})
    return file_version(path, unit=unit, first_seen=first_seen), Extracted(kind=FORM, form=form)


def summary_file(path: str, enterprise: str, *, name: str | None = None, unit: str = SJZ,
                 first_seen: str = "2021-09-10T10:00:00+08:00") -> tuple:
    summary = make_summary({"质量标杆名称": name or _name_for(enterprise),
                            "企业概况": f"企业名称：{enterprise}，成立于2001年，主要生产精密减速机。"})
    return file_version(path, unit=unit, first_seen=first_seen), Extracted(kind=SUMMARY, summary=summary)


def ranking_file(path: str, rows: list[tuple], *, unit: str = SJZ) -> tuple:
    ranking = tuple(RankingRow(rank=rank, enterprise=ent, benchmark_name="", location=f"推荐排序表!B{i + 3}")
                    for i, (rank, ent) in enumerate(rows))
    return file_version(path, unit=unit), Extracted(kind=RANKING, ranking=ranking)


def _resaved(file: tuple) -> tuple:
    """``file`` (a FileVersion and what it held) as the second version of its path: saved again."""
    import dataclasses

    return dataclasses.replace(file[0], revisions=2), file[1]


def application_files(folder: str, prefix: str, enterprise: str, *, unit: str = SJZ,
                      first_seen: str = "2021-09-10T10:00:00+08:00") -> list[tuple]:
    """申请表 + 总结材料 of one enterprise in ``folder``, file names starting with ``prefix``."""
    return [form_file(f"{folder}/{prefix}{enterprise}-申请表.xlsx", enterprise, unit=unit, first_seen=first_seen),
            summary_file(f"{folder}/{prefix}{enterprise}-总结材料.docx", enterprise, unit=unit,
                         first_seen=first_seen)]


def scan_file(path: str, *, unit: str = SJZ) -> tuple:
    """A PDF/image beside the pairs, as the registry reads it (an attachment until assembly places it)."""
    return file_version(path, unit=unit), extract(b"%PDF-1.4\n%%EOF", path.rsplit("/", 1)[-1], CAMPAIGN)


def _name_for(enterprise: str) -> str:
    return f"{enterprise.removesuffix('有限公司')}实施精益生产的经验"


def run(*files: tuple):
    versions = [fv for fv, _ in files]
    extracted = {fv.path: ex for fv, ex in files}
    return assemble(CAMPAIGN, versions, extracted, generated_at="2021-09-21T09:00:00+08:00")


def unit_issues(*files: tuple) -> list:
    return run(*files).issues


ENTERPRISES = ["石家庄华北精工机械有限公司", "石家庄恒信制药有限公司", "石家庄新华纺织有限公司",
               "石家庄宏达电气有限公司"]


def unit_apps(count: int, *, prefixes: bool = True, folder: str = "石家庄", unit: str = SJZ) -> list[tuple]:
    files = []
    for i, ent in enumerate(ENTERPRISES[:count], start=1):
        files += application_files(folder, f"{i}-" if prefixes else "", ent, unit=unit,
                                   first_seen=f"2021-09-1{i}T10:00:00+08:00")
    return files


# ---- file level: the extractor registry over crafted bytes ----

def file_issues(data: bytes, name: str) -> list:
    return list(extract(data, name, CAMPAIGN).issues)


def summary_headed_again_bytes(*, again: str) -> bytes:
    """The good 总结材料 as a .docx, numbered '一、' …, with a further paragraph ``again`` (and a text under it) after the
    企业概况: '四、摘要' heads the 摘要 again; '（一）摘要的来源' is a sub-heading of the 企业概况."""
    import docx

    document = docx.Document()
    for n, (key, text) in enumerate(GOOD_SECTIONS.items()):
        document.add_paragraph(f"{'一二三四五六七'[n]}、{key}")
        document.add_paragraph(text)
        if key == "企业概况":
            document.add_paragraph(again)
            document.add_paragraph("本公司推行六西格玛设计，成效显著。")
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def summary_docx_bytes(*, guidance: bool) -> bytes:
    """The good 总结材料 as a .docx, each section's text after a bracketed note: the template's guidance (ending
    '填写时请删除本段说明。') or the enterprise's own."""
    import docx

    document = docx.Document()
    for n, (key, text) in enumerate(GOOD_SECTIONS.items(), start=1):
        document.add_paragraph(f"{n}. {key}", style="Heading 1")
        note = "（请按通知要求填写本部分。填写时请删除本段说明。）" if guidance else "（本部分数据截至2020年底。）"
        document.add_paragraph(note + text if key == "摘要" else note)
        if key != "摘要":
            document.add_paragraph(text)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def xlsx_bytes(rows: list[list]) -> bytes:
    wb = openpyxl.Workbook()
    for row in rows:
        wb.active.append(row)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def filled_form_bytes() -> bytes:
    out = io.BytesIO()
    write_form(out, CAMPAIGN, {**GOOD_FIELDS, **{k: dict(v) for k, v in GOOD_YEARLY.items()}})
    return out.getvalue()


def without_libreoffice(fn):
    def wrapped():
        with mock.patch("toolkit.extract.registry.soffice_path", return_value=None):
            return fn()
    return wrapped


def long_name(chars: int) -> str:
    """A name of exactly ``chars`` 字 that starts with the enterprise and ends with 经验."""
    head, tail = "石家庄华北精工机械实施", "的经验"
    return head + "质" * (chars - len(head) - len(tail)) + tail


NAME_WITH_LATIN = "石家庄华北精工机械基于ISO9001和IATF16949质量管理体系实施六西格玛设计的经验"

# ---------------------------------------------------------------------------------------------------
# the table: (code, description, builder, expect_present)
# ---------------------------------------------------------------------------------------------------

CASES = [
    # -- file.unreadable
    ("file.unreadable", "empty .xlsx (0 bytes)", lambda: file_issues(b"", "申请表.xlsx"), True),
    ("file.unreadable", "truncated .docx (zip header only)",
     lambda: file_issues(b"PK\x03\x04" + b"\x00" * 40, "总结材料.docx"), True),
    ("file.unreadable", "a well-formed filled 申请表", lambda: file_issues(filled_form_bytes(), "申请表.xlsx"), False),
    # -- file.encrypted
    ("file.encrypted", "password-protected .xlsx (OLE with EncryptionInfo)",
     lambda: file_issues(ole("EncryptionInfo", "EncryptedPackage"), "申请表.xlsx"), True),
    ("file.encrypted", "plain OLE container without encryption streams",
     lambda: file_issues(ole("Contents"), "数据.bin"), False),
    # -- file.unsupported
    ("file.unsupported", "a zip archive that is not an office file",
     lambda: file_issues(zip_of({"a.txt": "hello"}), "材料.zip"), True),
    ("file.unsupported", "a PDF 申请表 of an enterprise with no application",
     lambda: unit_issues(*application_files("石家庄", "1-", ENTERPRISES[0]),
                         *application_files("石家庄", "2-", ENTERPRISES[1]),
                         scan_file("石家庄/3-冀东水泥-申请表.pdf")), True),
    ("file.unsupported", "a PDF scan of the 申请书 beside its own pair (an attachment)",
     lambda: unit_issues(*application_files("石家庄", "1-", ENTERPRISES[0]),
                         *application_files("石家庄", "2-", ENTERPRISES[1]),
                         scan_file("石家庄/1-申请书（盖章扫描件）.pdf")), False),
    ("file.unsupported", ".doc when LibreOffice is not installed",
     without_libreoffice(lambda: file_issues(ole("WordDocument"), "总结材料.doc")), True),
    ("file.unsupported", "a PDF scan of the 推荐意见 (stamped opinion, expected)",
     lambda: file_issues(b"%PDF-1.4\n%%EOF", "推荐意见.pdf"), False),
    ("file.unsupported", "a PDF of supporting evidence (证实性材料)",
     lambda: file_issues(b"%PDF-1.4\n%%EOF", "质量奖证书.pdf"), False),
    # -- file.unrecognized
    ("file.unrecognized", "a readable workbook holding neither form nor ranking",
     lambda: file_issues(xlsx_bytes([["产品", "价格"], ["螺栓", 3]]), "报价单.xlsx"), True),
    ("file.unrecognized", "the filled 申请表 template", lambda: file_issues(filled_form_bytes(), "申请表.xlsx"), False),
    # -- unit.unknown
    ("unit.unknown", "folder that matches no unit",
     lambda: unit_issues(form_file("北京/申请表.xlsx", ENTERPRISE, unit="")), True),
    ("unit.unknown", "file at the inbox root",
     lambda: unit_issues(form_file("申请表.xlsx", ENTERPRISE, unit="")), True),
    ("unit.unknown", "file in a resolved unit folder",
     lambda: unit_issues(*application_files("石家庄", "1-", ENTERPRISE)), False),
    # -- pair.missing-summary / pair.missing-form
    ("pair.missing-summary", "申请表 alone",
     lambda: unit_issues(form_file("石家庄/1-申请表.xlsx", ENTERPRISE)), True),
    ("pair.missing-summary", "申请表 with its 总结材料 (names written differently)",
     lambda: unit_issues(form_file("石家庄/1-申请表.xlsx", ENTERPRISE, name=NAME),
                         summary_file("石家庄/1-总结.docx", ENTERPRISE, name=" 石家庄华北精工机械实施六西格玛设计的经验 ")),
     False),
    ("pair.missing-form", "总结材料 alone",
     lambda: unit_issues(summary_file("石家庄/1-总结材料.docx", ENTERPRISE)), True),
    ("pair.missing-form", "总结材料 with its 申请表",
     lambda: unit_issues(*application_files("石家庄", "1-", ENTERPRISE)), False),
    # -- field.missing
    ("field.missing", "申报单位 empty", lambda: rule_issues(fields={"申报单位": None}), True),
    ("field.missing", "申报单位 written as a placeholder '无'", lambda: rule_issues(fields={"申报单位": "无"}), True),
    ("field.missing", "电子邮箱 absent from the form", lambda: rule_issues(fields={"电子邮箱": DROP}), True),
    ("field.missing", "2019 利润总额 empty", lambda: rule_issues(yearly={"利润总额": {2019: None}}), True),
    ("field.missing", "2020 从业人员 not given at all", lambda: rule_issues(yearly={"从业人员": {2020: DROP}}), True),
    ("field.missing", "both 电话 and 手机 empty", lambda: rule_issues(fields={"电话": None, "手机": "—"}), True),
    ("field.missing", "电话 empty but 手机 given", lambda: rule_issues(fields={"电话": None}), False),
    ("field.missing", "手机 empty but 电话 given", lambda: rule_issues(fields={"手机": ""}), False),
    ("field.missing", "optional 传真 and 其他业务收入 empty",
     lambda: rule_issues(fields={"传真": "无"}, yearly={"其他业务收入": {2018: None, 2019: "-", 2020: None}}), False),
    # -- field.invalid
    ("field.invalid", "电话 without area code", lambda: rule_issues(fields={"电话": "87803218"}), True),
    ("field.invalid", "电话 with a 6-digit local number", lambda: rule_issues(fields={"电话": "0311-878032"}), True),
    ("field.invalid", "电话 saved as a number (leading 0 lost)", lambda: rule_issues(fields={"电话": 31187803218}),
     True),
    ("field.invalid", "手机 with 10 digits", lambda: rule_issues(fields={"手机": "1500311604"}), True),
    ("field.invalid", "手机 starting 12", lambda: rule_issues(fields={"手机": "12003116043"}), True),
    ("field.invalid", "手机 holding a landline", lambda: rule_issues(fields={"手机": "0311-87803218"}), True),
    ("field.invalid", "传真 holding a mobile", lambda: rule_issues(fields={"传真": "15003116043"}), True),
    ("field.invalid", "电子邮箱 without @", lambda: rule_issues(fields={"电子邮箱": "wangxm#hbjg.com.cn"}), True),
    ("field.invalid", "电子邮箱 without a domain suffix", lambda: rule_issues(fields={"电子邮箱": "wangxm@hbjg"}), True),
    ("field.invalid", "资产总额 written as words", lambda: rule_issues(yearly={"资产总额": {2019: "约五亿元"}}), True),
    ("field.invalid", "利润总额 as a percentage", lambda: rule_issues(yearly={"利润总额": {2020: "8%"}}), True),
    ("field.invalid", "所在地区 outside the campaign", lambda: rule_issues(fields={"所在地区": "北京市"}), True),
    ("field.invalid", "电话 written with brackets and spaces",
     lambda: rule_issues(fields={"电话": "（0311）8780 3218"}), False),
    ("field.invalid", "电话 with +86 and an extension",
     lambda: rule_issues(fields={"电话": "+86 311 87803218 转 123"}), False),
    ("field.invalid", "电话 with a 3-digit area code and 8 digits", lambda: rule_issues(fields={"电话": "010-62345678"}),
     False),
    ("field.invalid", "电话 with a 4-digit area code and 7 digits", lambda: rule_issues(fields={"电话": "0312-2345678"}),
     False),
    ("field.invalid", "电话 with a full-width dash as in the notice",
     lambda: rule_issues(fields={"电话": "0311—87803218"}), False),
    ("field.invalid", "手机 written in groups with +86", lambda: rule_issues(fields={"手机": "+86 150 0311 6043"}),
     False),
    ("field.invalid", "电子邮箱 in upper case with spaces", lambda: rule_issues(fields={"电子邮箱": " WangXM@HBJG.com.cn "}),
     False),
    ("field.invalid", "money with thousands separators and 万元",
     lambda: rule_issues(yearly={"资产总额": {2020: "61,000万元"}}), False),
    ("field.invalid", "所在地区 written with province and district",
     lambda: rule_issues(fields={"所在地区": "河北省石家庄市鹿泉区"}), False),
    ("field.invalid", "所在地区 雄安 without 新区", lambda: rule_issues(fields={"所在地区": "雄安"}), False),
    # -- name.too-long
    ("name.too-long", "41 字", lambda: rule_issues(name=long_name(41)), True),
    ("name.too-long", "exactly 40 字", lambda: rule_issues(name=long_name(40)), False),
    ("name.too-long", f"{len(NAME_WITH_LATIN)} characters but {count_words(NAME_WITH_LATIN)} 字 as Word counts",
     lambda: rule_issues(name=NAME_WITH_LATIN), False),
    # -- name.pattern
    ("name.pattern", "does not start with the enterprise", lambda: rule_issues(name="实施六西格玛设计的经验"), True),
    ("name.pattern", "does not end with 经验", lambda: rule_issues(name="石家庄华北精工机械实施六西格玛设计的做法"), True),
    ("name.pattern", "starts with another enterprise",
     lambda: rule_issues(name="河北钢铁集团实施六西格玛设计的经验"), True),
    ("name.pattern", "starts with the full enterprise name",
     lambda: rule_issues(name="石家庄华北精工机械有限公司实施六西格玛设计的经验"), False),
    ("name.pattern", "starts with the name without 有限公司", lambda: rule_issues(name=NAME), False),
    ("name.pattern", "group enterprise named without 集团有限公司",
     lambda: rule_issues(fields={"申报单位": "河北钢铁集团有限公司"}, name="河北钢铁实施六西格玛设计的经验"), False),
    ("name.pattern", "股份有限公司 named without its suffix",
     lambda: rule_issues(fields={"申报单位": "河北 钢铁股份有限公司"}, name="河北钢铁实施六西格玛设计的经验"), False),
    ("name.pattern", "wrapped in quotes with a full stop",
     lambda: rule_issues(name="“石家庄华北精工机械实施六西格玛设计的经验”。"), False),
    ("name.pattern", "in title marks", lambda: rule_issues(name="《石家庄华北精工机械实施六西格玛设计的经验》"), False),
    ("name.pattern", "in black lenticular brackets and quotes",
     lambda: rule_issues(name="【“石家庄华北精工机械实施六西格玛设计的经验”】"), False),
    # (a blank 申报单位 is field.missing; the name is not told to start with the placeholder shown for it)
    ("name.pattern", "申报单位 left blank", lambda: unit_issues(
        form_file("石家庄/1-申请表.xlsx", "", name="实施六西格玛设计的经验")), False),
    ("name.pattern", "申报单位 left blank, not ending with 经验", lambda: unit_issues(
        form_file("石家庄/1-申请表.xlsx", "", name="实施六西格玛设计的做法")), True),
    ("name.pattern", "a 总结材料 alone naming no enterprise", lambda: unit_issues(
        summary_file("石家庄/1-总结材料.docx", "", name="实施六西格玛设计的经验")), False),
    ("name.pattern", "in title marks, not ending with 经验",
     lambda: rule_issues(name="《石家庄华北精工机械实施六西格玛设计的做法》"), True),
    # -- section.missing
    ("section.missing", "企业概况 absent", lambda: rule_issues(sections={"企业概况": DROP}), True),
    ("section.missing", "实施效果 heading present but empty",
     lambda: rule_issues(sections={"管理方法（技术）的实施效果": "  "}), True),
    ("section.missing", "optional 证实性材料 absent (as in the good application)", lambda: rule_issues(), False),
    ("section.missing", "实施效果 given as a table only",
     lambda: rule_issues(sections={"管理方法（技术）的实施效果": make_section("管理方法（技术）的实施效果", "", chars=0,
                                                                         tables=1)}), False),
    # -- section.too-long
    ("section.too-long", "摘要 of 501 字", lambda: rule_issues(sections={"摘要": "质" * 501}), True),
    ("section.too-long", "推进和应用情况 of 8001 字",
     lambda: rule_issues(sections={"管理方法（技术）的推进和应用情况": "质" * 8001}), True),
    ("section.too-long", "摘要 of exactly 500 字", lambda: rule_issues(sections={"摘要": "质" * 500}), False),
    ("section.too-long", "企业概况 of 900 characters that Word counts as 300 字",
     lambda: rule_issues(sections={"企业概况": "质 ab " * 150}), False),
    # -- section.too-short
    ("section.too-short", "推进和应用情况 of 6 字", lambda: rule_issues(
        sections={"管理方法（技术）的推进和应用情况": "按照标准做。"}), True),
    ("section.too-short", "企业概况 of exactly 30 字", lambda: rule_issues(sections={"企业概况": "质" * 30}), False),
    ("section.too-short", "实施效果 of a few 字 beside a chart", lambda: rule_issues(
        sections={"管理方法（技术）的实施效果": make_section("管理方法（技术）的实施效果", "见图。", chars=3, images=1)}),
     False),
    # -- section.guidance
    ("section.guidance", "the template's guidance kept above each section's text",
     lambda: file_issues(summary_docx_bytes(guidance=True), "总结材料.docx"), True),
    ("section.guidance", "a note in brackets of the enterprise's own",
     lambda: file_issues(summary_docx_bytes(guidance=False), "总结材料.docx"), False),
    # -- section.repeated
    ("section.repeated", "摘要 headed again after the 企业概况",
     lambda: file_issues(summary_headed_again_bytes(again="四、摘要"), "总结材料.docx"), True),
    ("section.repeated", "a sub-heading of the 企业概况 with the 摘要's word in it",
     lambda: file_issues(summary_headed_again_bytes(again="（一）摘要的来源"), "总结材料.docx"), False),
    # -- mismatch
    ("mismatch", "标杆名称 differs", lambda: rule_issues(
        sections={"质量标杆名称": "石家庄华北精工机械实施精益生产的经验"}), True),
    ("mismatch", "申报单位 differs from the enterprise named in 企业概况", lambda: rule_issues(
        sections={"企业概况": "企业名称：石家庄华北重工机械有限公司，成立于1998年。"}), True),
    ("mismatch", "标杆名称 in title marks in the 总结材料", lambda: rule_issues(
        sections={"质量标杆名称": "《石家庄华北精工机械实施六西格玛设计的经验》"}), False),
    ("mismatch", "标杆名称 in title marks, but another name", lambda: rule_issues(
        sections={"质量标杆名称": "《石家庄华北精工机械实施精益生产的经验》"}), True),
    ("mismatch", "标杆名称 differs only in spaces, bracket width", lambda: rule_issues(
        fields={"标杆名称": "河北 钢铁（集团）实施六西格玛设计的经验"},
        sections={"质量标杆名称": "河北钢铁(集团)实施六西格玛设计的经验"}), False),
    ("mismatch", "申报单位 differs only in spaces and bracket width", lambda: rule_issues(
        fields={"申报单位": "河北钢铁(集团)有限公司"},
        sections={"企业概况": "企业名称：河北 钢铁（集团）有限公司 成立于1958年，是大型钢铁企业。"}), False),
    ("mismatch", "企业概况 writes the name with a space before the bracket", lambda: rule_issues(
        fields={"申报单位": "河北钢铁(集团)有限公司"},
        sections={"企业概况": "企业名称：河北钢铁 （集团）有限公司\n公司成立于1958年。"}), False),
    ("mismatch", "申报单位 differs only in full/half-width letters", lambda: rule_issues(
        fields={"申报单位": "河北ABC精工有限公司"}, sections={"企业概况": "企业名称：河北ＡＢＣ精工有限公司。"}), False),
    ("mismatch", "企业概况 names the enterprise without 有限公司", lambda: rule_issues(
        fields={"申报单位": "河北钢铁集团有限公司"}, sections={"企业概况": "企业名称：河北钢铁集团，成立于2008年。"}),
     False),
    # -- eligibility.unprofitable
    ("eligibility.unprofitable", "a loss in 2019", lambda: rule_issues(yearly={"利润总额": {2019: -120}}), True),
    ("eligibility.unprofitable", "zero profit in 2020", lambda: rule_issues(yearly={"利润总额": {2020: 0}}), True),
    ("eligibility.unprofitable", "a loss written in brackets", lambda: rule_issues(yearly={"利润总额": {2018: "(35.5)"}}),
     True),
    ("eligibility.unprofitable", "a small profit every year",
     lambda: rule_issues(yearly={"利润总额": {2018: 0.01, 2019: 0.5, 2020: 1}}), False),
    ("eligibility.unprofitable", "profit missing for a year (field.missing, not ineligible)",
     lambda: rule_issues(yearly={"利润总额": {2019: None}}), False),
    # -- eligibility.branch
    ("eligibility.branch", "a 分公司", lambda: rule_issues(fields={"申报单位": "石家庄华北精工机械有限公司正定分公司"}), True),
    ("eligibility.branch", "a 分厂 in full-width brackets",
     lambda: rule_issues(fields={"申报单位": "石家庄华北精工机械有限公司（第二分厂）"}), True),
    ("eligibility.branch", "a 办事处", lambda: rule_issues(fields={"申报单位": "石家庄华北精工机械有限公司北京办事处"}), True),
    ("eligibility.branch", "a former name in brackets",
     lambda: rule_issues(fields={"申报单位": "石家庄华北精工机械有限公司（原石家庄机床厂第二分厂）"}), False),
    ("eligibility.branch", "分厂 inside a street name", lambda: rule_issues(fields={"申报单位": "石家庄分厂路机械有限公司"}),
     False),
    *(("eligibility.branch", f"a {word}", lambda name=name: rule_issues(fields={"申报单位": name}), True)
      for word, name in (
        ("分院", "河北省机械科学研究设计院有限公司唐山分院"), ("支行", "中国工商银行股份有限公司石家庄裕华支行"),
        ("工程处", "中铁十八局集团有限公司第五工程处"), ("项目部", "河北建工集团有限责任公司雄安项目部"),
        ("事业部", "长城汽车股份有限公司哈弗事业部"), ("车间", "河北钢铁集团有限公司第一炼钢车间"),
        ("分所", "河北省计量监督检测研究院有限公司沧州分所"))),
    *(("eligibility.branch", f"{word} inside a name", lambda name=name: rule_issues(fields={"申报单位": name}), False)
      for word, name in (("车间", "河北车间设备制造有限公司"), ("经营部", "石家庄市新华区华信五金经营部"),
                         ("分院", "石家庄分院街机械有限公司"))),
    # -- finance.suspicious
    ("finance.suspicious", "profit above revenue", lambda: rule_issues(yearly={"利润总额": {2020: 60000}}), True),
    ("finance.suspicious", "negative other revenue (no minimum in the campaign)",
     lambda: rule_issues(yearly={"其他业务收入": {2019: -50}}), True),
    ("field.invalid", "negative assets (the campaign sets minimum = 0)",
     lambda: rule_issues(yearly={"资产总额": {2019: -56000}}), True),
    ("field.invalid", "negative revenue (the campaign sets minimum = 0)",
     lambda: rule_issues(yearly={"主营业收入": {2018: -45000}}), True),
    ("finance.suspicious", "negative assets are the fields rule's error, not a second warning",
     lambda: [i for i in rule_issues(yearly={"资产总额": {2019: -56000}}) if "负数" in i.message], False),
    ("finance.suspicious", "employees not a whole number", lambda: rule_issues(yearly={"从业人员": {2020: 1210.5}}),
     True),
    ("finance.suspicious", "assets jump more than tenfold (yuan instead of 万元)",
     lambda: rule_issues(yearly={"资产总额": {2020: 561000}}), True),
    ("finance.suspicious", "employees fall more than tenfold", lambda: rule_issues(yearly={"从业人员": {2019: 117}}),
     True),
    ("finance.suspicious", "profit equal to revenue (主营 + 其他)",
     lambda: rule_issues(yearly={"主营业收入": {2018: 3000, 2019: 3300, 2020: 2600}}), False),
    ("finance.suspicious", "a figure growing exactly tenfold",
     lambda: rule_issues(yearly={"利润总额": {2018: 350, 2019: 3500, 2020: 4100}}), False),
    ("finance.suspicious", "employees written with 人", lambda: rule_issues(yearly={"从业人员": {2020: "1210人"}}), False),
    # exactly tenfold written with decimals (11.3 / 1.13 is 10.000000000000002 in binary floating point)
    ("finance.suspicious", "a profit growing exactly tenfold, with decimals", lambda: [i for i in rule_issues(
        yearly={"利润总额": {2018: 1.13, 2019: 11.3, 2020: 12}}) if "10倍" in i.message], False),
    ("finance.suspicious", "a revenue growing exactly tenfold, with decimals", lambda: [i for i in rule_issues(
        yearly={"主营业收入": {2018: 2000.09, 2019: 20000.9, 2020: 21000}}) if "10倍" in i.message], False),
    ("finance.suspicious", "a profit growing a little more than tenfold, with decimals", lambda: [i for i in rule_issues(
        yearly={"利润总额": {2018: 1.13, 2019: 11.31, 2020: 12}}) if "10倍" in i.message], True),
    # a figure 10,000 times too small: 营业收入 typed in 亿元 ('5.35' for 5.35 亿), every year, so no tenfold jump
    ("finance.suspicious", "营业收入 in 亿元: 1,210 people with 5.35 万元", lambda: [i for i in rule_issues(
        yearly={"主营业收入": {2018: 4.5, 2019: 4.8, 2020: 5.2}, "其他业务收入": {2018: 0.1, 2019: 0.1, 2020: 0.15},
                "利润总额": {2018: 0.3, 2019: 0.35, 2020: 0.4}, "资产总额": {2018: 5.2, 2019: 5.6, 2020: 6.1}})
        if "偏低" in i.message], True),
    ("finance.suspicious", "one 营业收入 in 亿元 is not also blamed as a profit or assets in 元",
     lambda: [i for i in rule_issues(yearly={"主营业收入": {2018: 4.5, 2019: 4.8, 2020: 5.2},
                                           "其他业务收入": {2018: 0, 2019: 0, 2020: 0}})
              if "偏低" not in i.message and "10倍" not in i.message], False),
    ("finance.suspicious", "营业收入 of 8 万元 and no head-count", lambda: [i for i in rule_issues(
        yearly={"主营业收入": {2018: 7, 2019: 7.5, 2020: 8}, "其他业务收入": {2018: 0, 2019: 0, 2020: 0},
                "利润总额": {2018: 1, 2019: 1, 2020: 1}, "从业人员": dict.fromkeys((2018, 2019, 2020), DROP)})
        if "偏低" in i.message], True),
    ("finance.suspicious", "a workshop of 12 people with 15 万元 of 营业收入 a person", lambda: rule_issues(
        yearly={"主营业收入": {2018: 160, 2019: 170, 2020: 180}, "其他业务收入": {2018: 0, 2019: 0, 2020: 0},
                "利润总额": {2018: 10, 2019: 11, 2020: 12}, "资产总额": {2018: 200, 2019: 210, 2020: 220},
                "从业人员": {2018: 12, 2019: 12, 2020: 12}}), False),
    ("finance.suspicious", "no one employed beside a revenue", lambda: [i for i in rule_issues(
        yearly={"从业人员": {2018: 0, 2019: 0, 2020: 0}}) if "从业人员为0" in i.message], True),
    # -- region.other
    ("region.other", "a city's unit sends an enterprise of another city", lambda: rule_issues(fields={"所在地区": "保定市"}),
     True),
    ("region.other", "another city written with its district",
     lambda: rule_issues(fields={"所在地区": "河北省保定市竞秀区"}), True),
    ("region.other", "the unit's city written without 市", lambda: rule_issues(fields={"所在地区": "石家庄"}), False),
    ("region.other", "the unit's city with its district", lambda: rule_issues(fields={"所在地区": "石家庄市鹿泉区"}), False),
    ("region.other", "石家庄's bureau, 石家庄市辛集市 (辛集 has its own bureau)",
     lambda: rule_issues(fields={"所在地区": "石家庄市辛集市"}), True),
    ("region.other", "定州's bureau, 定州市（保定代管）", lambda: unit_rule_issues("定州市工业和信息化局", "定州市（保定代管）"),
     False),
    ("region.other", "an association recommends across the province",
     lambda: unit_rule_issues(YEJIN, "保定市"), False),
    ("region.other", "no region of the campaign named (field.invalid's)",
     lambda: rule_issues(fields={"所在地区": "北京市"}), False),
    ("region.other", "辛集's bureau, the enterprise wrote the prefecture (石家庄市)",
     lambda: unit_rule_issues("辛集市工业和信息化局", "石家庄市"), True),
    ("region.other", "辛集's bureau, 石家庄市辛集市", lambda: unit_rule_issues("辛集市工业和信息化局", "石家庄市辛集市"), False),
    ("region.other", "定州's bureau, 定州市", lambda: unit_rule_issues("定州市工业和信息化局", "定州市"), False),
    ("region.other", "雄安's bureau, 雄安新区容城县", lambda: unit_rule_issues("雄安新区改革发展局", "雄安新区容城县"), False),
    ("region.other", "雄安's bureau, 保定市", lambda: unit_rule_issues("雄安新区改革发展局", "保定市"), True),
    # -- quota.exceeded
    ("quota.exceeded", "a city unit recommends 4 (quota 3)", lambda: unit_issues(*unit_apps(4)), True),
    ("quota.exceeded", "an association recommends 3 (quota 2)",
     lambda: unit_issues(*unit_apps(3, folder="冶金协会", unit=YEJIN)), True),
    ("quota.exceeded", "a city unit recommends exactly 3", lambda: unit_issues(*unit_apps(3)), False),
    ("quota.exceeded", "an association recommends exactly 2",
     lambda: unit_issues(*unit_apps(2, folder="冶金协会", unit=YEJIN)), False),
    ("quota.exceeded", "3 applications plus a superseded resubmission",
     lambda: unit_issues(*unit_apps(3), form_file("石家庄/1-石家庄华北精工机械有限公司-申请表（修改）.xlsx", ENTERPRISE,
                                                  first_seen="2021-09-15T10:00:00+08:00")), False),
    # -- rank.missing
    ("rank.missing", "no ranking sheet and no numbered file names", lambda: unit_issues(*unit_apps(2, prefixes=False)),
     True),
    ("rank.missing", "ranking sheet leaves one application out", lambda: unit_issues(
        *unit_apps(2, prefixes=False), ranking_file("石家庄/推荐排序表.xlsx", [(1, ENTERPRISES[1])])), True),
    ("rank.missing", "numbered file names", lambda: unit_issues(*unit_apps(3)), False),
    ("rank.missing", "ranking sheet lists every application", lambda: unit_issues(
        *unit_apps(2, prefixes=False),
        ranking_file("石家庄/推荐排序表.xlsx", [(1, ENTERPRISES[1]), (2, "石家庄华北精工机械 有限公司")])), False),
    # -- rank.conflict
    ("rank.conflict", "two files numbered 1", lambda: unit_issues(
        *application_files("石家庄", "1-", ENTERPRISES[0]), *application_files("石家庄", "1-", ENTERPRISES[1])), True),
    ("rank.conflict", "ranking sheet gives two applications rank 1", lambda: unit_issues(
        *unit_apps(2, prefixes=False),
        ranking_file("石家庄/推荐排序表.xlsx", [(1, ENTERPRISES[0]), (1, ENTERPRISES[1])])), True),
    ("rank.conflict", "ranking row names no application", lambda: unit_issues(
        *unit_apps(2, prefixes=False),
        ranking_file("石家庄/推荐排序表.xlsx", [(1, ENTERPRISES[0]), (2, ENTERPRISES[1]), (3, "石家庄不存在有限公司")])),
     True),
    ("rank.conflict", "ranking row without a rank", lambda: unit_issues(
        *unit_apps(2, prefixes=False),
        ranking_file("石家庄/推荐排序表.xlsx", [(1, ENTERPRISES[0]), (None, ENTERPRISES[1])])), True),
    ("rank.conflict", "one enterprise listed twice with different ranks", lambda: unit_issues(
        *unit_apps(2, prefixes=False),
        ranking_file("石家庄/推荐排序表.xlsx", [(1, ENTERPRISES[0]), (2, ENTERPRISES[1]), (3, ENTERPRISES[0])])), True),
    ("rank.conflict", "distinct numbers with gaps (1, 3)", lambda: unit_issues(
        *application_files("石家庄", "1-", ENTERPRISES[0]), *application_files("石家庄", "3-", ENTERPRISES[1])), False),
    ("rank.conflict", "the same rank in two different units", lambda: unit_issues(
        *application_files("石家庄", "1-", ENTERPRISES[0]),
        *application_files("冶金协会", "1-", ENTERPRISES[1], unit=YEJIN)), False),
    ("rank.conflict", "ranking sheet names enterprises with brackets/width differences", lambda: unit_issues(
        *application_files("石家庄", "", "河北钢铁(集团)有限公司"), *application_files("石家庄", "", ENTERPRISES[1]),
        ranking_file("石家庄/推荐排序表.xlsx", [(1, ENTERPRISES[1]), (2, "河北 钢铁（集团）有限公司")])), False),
    # -- rank.gap
    ("rank.gap", "numbered file names 1-, 3-", lambda: unit_issues(
        *application_files("石家庄", "1-", ENTERPRISES[0]), *application_files("石家庄", "3-", ENTERPRISES[1])), True),
    ("rank.gap", "ranking sheet 1, 3", lambda: unit_issues(
        *unit_apps(2, prefixes=False), ranking_file("石家庄/推荐排序表.xlsx", [(1, ENTERPRISES[0]), (3, ENTERPRISES[1])])),
     True),
    ("rank.gap", "ranking sheet starting at 2", lambda: unit_issues(
        *unit_apps(2, prefixes=False), ranking_file("石家庄/推荐排序表.xlsx", [(2, ENTERPRISES[0]), (3, ENTERPRISES[1])])),
     True),
    ("rank.gap", "numbered file names 1-, 2-, 3-", lambda: unit_issues(*unit_apps(3)), False),
    ("rank.gap", "the missing rank is on a row naming no application (an error of its own)", lambda: unit_issues(
        *unit_apps(2, prefixes=False),
        ranking_file("石家庄/推荐排序表.xlsx", [(1, ENTERPRISES[0]), (2, "石家庄不存在有限公司"), (3, ENTERPRISES[1])])),
     False),
    ("rank.gap", "ranks 1, 1, 3: given twice (an error of its own)", lambda: unit_issues(
        *unit_apps(3, prefixes=False), ranking_file("石家庄/推荐排序表.xlsx", [(1, ENTERPRISES[0]), (1, ENTERPRISES[1]),
                                                                            (3, ENTERPRISES[2])])), False),
    # -- duplicate.enterprise
    ("duplicate.enterprise", "same enterprise recommended by two units", lambda: unit_issues(
        *application_files("石家庄", "1-", ENTERPRISE),
        *application_files("冶金协会", "1-", "石家庄华北精工机械 有限公司", unit=YEJIN)), True),
    ("duplicate.enterprise", "same enterprise twice in one unit, one without 有限公司", lambda: unit_issues(
        *application_files("石家庄", "1-", "河北钢铁集团有限公司"), *application_files("石家庄", "2-", "河北钢铁集团")),
     True),
    ("duplicate.enterprise", "two different enterprises in two units", lambda: unit_issues(
        *application_files("石家庄", "1-", ENTERPRISES[0]),
        *application_files("冶金协会", "1-", ENTERPRISES[1], unit=YEJIN)), False),
    ("duplicate.enterprise", "a resubmission in the same unit supersedes the first", lambda: unit_issues(
        *application_files("石家庄", "1-", ENTERPRISE),
        form_file("石家庄/1-申请表（第二版）.xlsx", ENTERPRISE, first_seen="2021-09-15T10:00:00+08:00")), False),
    pytest.param("duplicate.enterprise", "different legal entities sharing a stem (股份 vs 集团)", lambda: unit_issues(
        *application_files("石家庄", "1-", "河北钢铁股份有限公司"),
        *application_files("冶金协会", "1-", "河北钢铁集团有限公司", unit=YEJIN)), False),
    # -- version.resaved
    ("version.resaved", "the old draft saved again after its correction", lambda: unit_issues(
        summary_file(f"石家庄/1-{ENTERPRISE}-总结材料.docx", ENTERPRISE),
        form_file(f"石家庄/1-{ENTERPRISE}-申请表（修改版）.xlsx", ENTERPRISE, first_seen="2021-09-12T10:00:00+08:00"),
        _resaved(form_file(f"石家庄/1-{ENTERPRISE}-申请表.xlsx", ENTERPRISE, first_seen="2021-09-14T10:00:00+08:00"))),
     True),
    ("version.resaved", "the correction saved again", lambda: unit_issues(
        summary_file(f"石家庄/1-{ENTERPRISE}-总结材料.docx", ENTERPRISE),
        form_file(f"石家庄/1-{ENTERPRISE}-申请表.xlsx", ENTERPRISE, first_seen="2021-09-12T10:00:00+08:00"),
        _resaved(form_file(f"石家庄/1-{ENTERPRISE}-申请表（修改版）.xlsx", ENTERPRISE,
                           first_seen="2021-09-14T10:00:00+08:00"))), False),
    # -- deadline.late
    ("deadline.late", "first seen the morning after the deadline", lambda: unit_issues(
        *application_files("石家庄", "1-", ENTERPRISE, first_seen="2021-09-21T08:00:00+08:00")), True),
    ("deadline.late", "first seen at 16:00 UTC on the 20th (00:00 China time on the 21st)", lambda: unit_issues(
        *application_files("石家庄", "1-", ENTERPRISE, first_seen="2021-09-20T16:00:00+00:00")), True),
    ("deadline.late", "first seen at 23:59:59 China time on the deadline day", lambda: unit_issues(
        *application_files("石家庄", "1-", ENTERPRISE, first_seen="2021-09-20T23:59:59+08:00")), False),
    ("deadline.late", "first seen at 15:59:59 UTC on the 20th", lambda: unit_issues(
        *application_files("石家庄", "1-", ENTERPRISE, first_seen="2021-09-20T15:59:59+00:00")), False),
]


def _row(case):
    return case.values if hasattr(case, "values") else case


def _case_id(case) -> str:
    code, description, _, present = _row(case)
    return f"{code}:{'hit' if present else 'near-miss'}:{description}"


@pytest.mark.parametrize("code, description, builder, expect_present", CASES, ids=[_case_id(c) for c in CASES])
def test_rule(code, description, builder, expect_present):
    issues = builder()
    found = [i for i in issues if i.code == code]
    assert bool(found) == expect_present, [(i.code, i.message) for i in (found or issues)]
    for issue in found:
        assert_actionable(issue)


_PLACEHOLDER = re.compile(r"\{[A-Za-z_][A-Za-z0-9_]*\}")
_CJK = re.compile(r"[\u4e00-\u9fff]")


def assert_actionable(issue) -> None:
    """A clerk can act on it: Chinese, no template left, says where, ends with how to fix it."""
    assert issue.severity in (ERROR, WARNING)
    assert not _PLACEHOLDER.search(issue.message), issue.message
    assert _CJK.search(issue.message), issue.message
    assert issue.fix and issue.message.endswith(issue.fix), issue.message
    what = issue.message[: -len(issue.fix)]
    assert what.endswith(("。", "！", "？")), f"the message should be a sentence before the fix: {issue.message}"
    assert issue.location, f"no location: {issue}"


# ---------------------------------------------------------------------------------------------------
# the table is complete
# ---------------------------------------------------------------------------------------------------

def test_cases_cover_spec_and_catalogue():
    codes = {_row(c)[0] for c in CASES}
    assert codes == SPEC_CODES
    assert set(CATALOGUE) == SPEC_CODES


@pytest.mark.parametrize("code", sorted(SPEC_CODES))
def test_every_code_has_a_hit_and_a_near_miss(code):
    kinds = {_row(c)[3] for c in CASES if _row(c)[0] == code}
    assert kinds == {True, False}


def test_good_application_has_no_issue():
    assert [(i.code, i.field, i.message) for i in rule_issues()] == []


def test_good_unit_has_no_issue():
    result = run(*unit_apps(3))
    assert [(i.code, i.message) for i in result.issues] == []
    assert [a.status for a in result.applications] == [PASSED] * 3


# ---------------------------------------------------------------------------------------------------
# what the messages say
# ---------------------------------------------------------------------------------------------------

def test_unprofitable_names_each_loss_year():
    issues = [i for i in rule_issues(yearly={"利润总额": {2018: -5, 2019: 10, 2020: 0}})
              if i.code == "eligibility.unprofitable"]
    assert len(issues) == 1
    message = issues[0].message
    assert "2018" in message and "2020" in message and "2019" not in message
    assert "申请表!C19" in issues[0].location and "申请表!E19" in issues[0].location


def test_contacts_missing_names_both_fields():
    [issue] = [i for i in rule_issues(fields={"电话": None, "手机": None}) if i.code == "field.missing"]
    assert "电话" in issue.field and "手机" in issue.field


@pytest.mark.parametrize("changes, field", [
    ({"fields": {"申报单位": None}}, "申报单位"),
    ({"yearly": {"利润总额": {2019: None}}}, "2019年利润总额"),
    ({"fields": {"电子邮箱": "wangxm#hbjg"}}, "电子邮箱"),
    ({"yearly": {"资产总额": {2020: "约六亿"}}}, "2020年资产总额"),
])
def test_field_issues_name_the_field_and_cell(changes, field):
    issues = [i for i in rule_issues(**changes) if i.code.startswith("field.")]
    assert [i.field for i in issues] == [field]
    assert issues[0].location.startswith("申请表!")
    assert field in issues[0].message and display_location(issues[0].location) in issues[0].message
    assert "!" not in issues[0].message


@pytest.mark.parametrize("sections, state", [
    ({"企业概况": DROP}, "未找到"),
    ({"企业概况": ""}, "只有标题"),
    ({"企业概况": " \u3000\n\t "}, "只有标题"),  # blanks, the ideographic space included
    ({"企业概况": "\u200b\u2060\ufeff"}, "只有标题"),  # zero-width characters: Word shows nothing, counts 0 字
    # the texts are dropped as files are read (pipeline.read_file): the 字数 decides, not the text kept
    ({"企业概况": make_section("企业概况", "", chars=0)}, "只有标题"),
])
def test_section_missing_says_absent_or_empty(sections, state):
    [issue] = [i for i in rule_issues(sections=sections) if i.code == "section.missing"]
    assert state in issue.message and "3. 企业概况（500字以内）" in issue.message


@pytest.mark.parametrize("section", [
    make_section("企业概况", "", chars=120),  # its text dropped when the file was read: 120 字 were there
    make_section("企业概况", "", chars=0, tables=1),
    make_section("企业概况", "A"),
    make_section("企业概况", "\u200b有"),
])
def test_a_section_with_words_or_a_table_is_not_empty(section):
    assert not [i for i in rule_issues(sections={"企业概况": section}) if i.code == "section.missing"]


@pytest.mark.parametrize("yearly, expected, unexpected", [
    ({"资产总额": {2020: 561000000}}, "561000000万元", "e+"),  # yuan typed into a 万元 cell
    ({"其他业务收入": {2018: -45000}}, "2018年其他业务收入为负数（-45000万元）", "大于营业收入"),
    ({"从业人员": {2020: 1210.5}}, "2020年从业人员（1210.5人）不是整数", "万元"),
    ({"从业人员": {2019: 110}}, "从业人员从2018年的1150人变为2019年的110人", "元/万元"),
    ({"利润总额": {2020: 60000}}, "2020年利润总额（60000万元）大于营业收入", "e+"),
])
def test_finance_messages(yearly, expected, unexpected):
    # what is wrong, without the catalogue's fix text
    said = [i.message[: -len(i.fix)] for i in rule_issues(yearly=yearly) if i.code == "finance.suspicious"]
    assert any(expected in w for w in said), said
    assert not any(unexpected in w for w in said), said


def test_late_message_shows_china_time():
    result = run(*application_files("石家庄", "1-", ENTERPRISE, first_seen="2021-09-20T16:30:00+00:00"))
    [issue, *_] = [i for i in result.issues if i.code == "deadline.late"]
    assert "2021年9月21日 0:30" in issue.message


def test_section_too_long_gives_count_and_limit():
    [issue] = [i for i in rule_issues(sections={"摘要": "质" * 520}) if i.code == "section.too-long"]
    assert "520" in issue.message and "500" in issue.message and "摘要" in issue.message


def test_name_too_long_gives_count_and_limit():
    [issue] = [i for i in rule_issues(name=long_name(43)) if i.code == "name.too-long"]
    assert "43" in issue.message and "40" in issue.message


def test_mismatch_shows_both_values():
    [issue] = [i for i in rule_issues(sections={"质量标杆名称": "石家庄华北精工机械推行精益生产的经验"})
               if i.code == "mismatch"]
    assert NAME in issue.message and "推行精益生产" in issue.message and issue.field == "标杆名称"


def test_duplicate_names_the_other_unit_on_both_sides():
    result = run(*application_files("石家庄", "1-", ENTERPRISE),
                 *application_files("冶金协会", "2-", ENTERPRISE, unit=YEJIN))
    by_unit = {a.unit: [i for i in a.issues if i.code == "duplicate.enterprise"] for a in result.applications}
    assert YEJIN in by_unit[SJZ][0].message
    assert SJZ in by_unit[YEJIN][0].message


def test_quota_message_names_the_application_over_quota():
    result = run(*unit_apps(4))
    over = [a for a in result.applications if any(i.code == "quota.exceeded" for i in a.issues)]
    assert [a.enterprise for a in over] == [ENTERPRISES[3]]
    [issue] = [i for i in over[0].issues if i.code == "quota.exceeded"]
    assert ENTERPRISES[3] in issue.message and "3项" in issue.message and "第4位" in issue.message


# ---------------------------------------------------------------------------------------------------
# ranking: 推荐排序表 beats file-name prefixes beats receipt order; the quota in rank order
# ---------------------------------------------------------------------------------------------------

def _order(result, unit=SJZ):
    return [(a.rank, a.enterprise, a.rank_source) for a in result.applications if a.unit == unit]


def test_ranking_sheet_beats_prefixes():
    result = run(*unit_apps(3), ranking_file("石家庄/推荐排序表.xlsx",
                                             [(1, ENTERPRISES[2]), (2, ENTERPRISES[0]), (3, ENTERPRISES[1])]))
    assert _order(result) == [(1, ENTERPRISES[2], "推荐排序表"), (2, ENTERPRISES[0], "推荐排序表"),
                              (3, ENTERPRISES[1], "推荐排序表")]
    [hint] = [i for i in result.issues if i.code.startswith("rank.")]  # the files' 1-, 2-, 3- said otherwise
    assert (hint.code, hint.severity, hint.file, hint.location) == ("rank.conflict", WARNING, "石家庄/推荐排序表.xlsx",
                                                                    "推荐排序表!B3")
    assert "已按推荐排序表排序" in hint.message


def _prefix_hints(result) -> list:
    return [i for i in result.issues if i.code == "rank.conflict" and "文件名开头的序号" in i.message]


@pytest.mark.parametrize("names, sheet, moved", [
    (["1-", "2-", "3-"], [2, 1, 3], [1]),  # two swapped: one of them is named, the third not
    (["2-", "3-", "4-"], [1, 2, 3], []),  # the same order in other numbers
    (["1-", "", ""], [3, 1, 2], []),  # one prefix: no order to compare
    (["第一名-", "第二名-", "第三名-"], [1, 3, 2], [2]),
    (["(1)", "（2）", "【3】"], [3, 2, 1], [1, 2]),
    (["3-", "2-", "1-"], [1, 2, 3], [0, 1]),
    (["1-", "2-", "3-", "4-"], [4, 1, 2, 3], [0]),  # the first moved to last: that one only
], ids=["swapped", "same order", "one prefix", "chinese", "brackets", "reversed files", "first to last"])
def test_file_prefixes_the_sheet_overrules_are_a_hint(names, sheet, moved):
    """File-name prefixes saying another order than the 推荐排序表: the sheet's order stands and a 提示 on the sheet
    names the applications placed otherwise — all but the longest run both orders share — with the rank and the
    prefix as typed; never dropped without a word."""
    files = [f for i, (prefix, ent) in enumerate(zip(names, ENTERPRISES))
             for f in application_files("石家庄", prefix, ent, first_seen=f"2021-09-1{i + 1}T10:00:00+08:00")]
    rows = sorted(zip(sheet, ENTERPRISES))
    result = run(*files, ranking_file("石家庄/推荐排序表.xlsx", rows))
    assert [e for _, e, _ in _order(result)] == [e for _, e in rows]
    hints = _prefix_hints(result)
    assert [i.severity for i in hints] == [WARNING] * bool(moved)
    for n, ent in enumerate(ENTERPRISES[:len(names)]):
        assert any(f"“{ent}”排序表中为第{sheet[n]}位" in i.message for i in hints) == (n in moved), (n, hints)
    [unit] = [u for u in result.units if u.unit == SJZ]
    assert unit.sheet_errors == 0 and not unit.draft_reasons  # a hint: the 推荐意见 is not a draft for it


MANY = [f"石家庄{w}机械有限公司" for w in "甲乙丙丁戊己"]


def test_prefixes_in_sub_folder_names_and_many_moved():
    """Prefixes on the enterprises' sub-folders ('1-甲/申请表.xlsx') count as the files' own, and the hint says
    so; more than three applications placed otherwise are named three and counted."""
    files = [f for i, ent in enumerate(MANY, start=1)
             for f in application_files(f"石家庄/{i}-{ent[3]}", "", ent, first_seen=f"2021-09-1{i}T10:00:00+08:00")]
    result = run(*files, ranking_file("石家庄/推荐排序表.xlsx", list(zip(range(6, 0, -1), MANY))))
    assert [e for _, e, _ in _order(result)] == MANY[::-1]
    [hint] = _prefix_hints(result)
    assert hint.message.count("排序表中为第") == 3 and "等5项" in hint.message and "所在文件夹名" in hint.message


def test_a_withdrawn_application_is_not_in_the_prefix_hint():
    """A row ranking an application last (its files say '1-') and a later row withdrawing it: it has no place,
    so its file name's prefix contradicts nothing."""
    files = unit_apps(3)
    result = run(*files, ranking_file("石家庄/推荐排序表.xlsx", [(2, ENTERPRISES[0]), (1, ENTERPRISES[1]),
                                                                  (3, ENTERPRISES[2])]))
    assert _prefix_hints(result)  # (the swap alone is hinted)
    rows = (RankingRow(rank=3, enterprise=ENTERPRISES[0], benchmark_name="", location="推荐排序表!B3"),
            RankingRow(rank=1, enterprise=ENTERPRISES[1], benchmark_name="", location="推荐排序表!B4"),
            RankingRow(rank=2, enterprise=ENTERPRISES[2], benchmark_name="", location="推荐排序表!B5"),
            RankingRow(rank=None, enterprise=ENTERPRISES[0], benchmark_name="", location="推荐排序表!B6",
                       withdrawn=True))
    sheet = (file_version("石家庄/推荐排序表.xlsx"), Extracted(kind=RANKING, ranking=rows))
    result = run(*files, sheet)
    assert [(r, e) for r, e, _ in _order(result)] == [(1, ENTERPRISES[1]), (2, ENTERPRISES[2]), (None, ENTERPRISES[0])]
    assert _prefix_hints(result) == []


def test_applications_a_sheet_leaves_out_follow_by_their_prefixes():
    """A sheet naming only some applications: the others come after them by their files' prefixes (then by
    receipt), and rank.missing says so — not by receipt alone, which put file '1-' last and over quota."""
    files = [f for i, ent in enumerate(ENTERPRISES[:4])
             for f in application_files("石家庄", f"{i + 1}-", ent, first_seen=f"2021-09-1{4 - i}T10:00:00+08:00")]
    result = run(*files, ranking_file("石家庄/推荐排序表.xlsx", [(1, ENTERPRISES[3]), (2, ENTERPRISES[2])]))
    assert _order(result) == [(1, ENTERPRISES[3], "推荐排序表"), (2, ENTERPRISES[2], "推荐排序表"),
                              (3, ENTERPRISES[0], "文件名序号"), (4, ENTERPRISES[1], "文件名序号")]
    missing = [i.message for i in result.issues if i.code == "rank.missing"]
    assert any(f"“{ENTERPRISES[0]}”未列入推荐排序表，已按文件名序号（1）排在已排序项目之后（现为第3位）" in m for m in missing)


@pytest.mark.parametrize("prefixes", [True, False])
def test_left_out_of_a_sheet_is_told_to_fill_the_sheet_not_to_number_files(prefixes):
    """An application the unit's 推荐排序表 leaves out: its rank.missing says to give it a rank in the sheet.
    Numbering its files' names (the catalogue's other way) would not make the hint go away — the sheet decides —
    and a clerk whose files were already numbered ('3-…') was told to number them."""
    result = run(*unit_apps(2, prefixes=prefixes), ranking_file("石家庄/推荐排序表.xlsx", [(1, ENTERPRISES[1])]))
    [hint] = [i for i in result.issues if i.code == "rank.missing"]
    assert hint.message.startswith(f"“{ENTERPRISES[0]}”未列入推荐排序表")
    assert "在推荐排序表中填写该项目的推荐顺序" in hint.fix and "文件名前加序号" not in hint.fix
    # without a sheet, numbering the files' names is still a way
    [*hints] = [i for i in run(*unit_apps(2, prefixes=False)).issues if i.code == "rank.missing"]
    assert hints and all("文件名前加序号" in i.fix for i in hints)


@pytest.mark.parametrize("prefixes", [True, False])
def test_a_row_without_a_rank_is_one_error_not_also_not_listed(prefixes):
    """A sheet row naming an application without a 推荐顺序 (the toolkit's own sheet leaves an application withdrawn
    by moving its files blank — '材料已移出' — and the files come back): one rank.conflict error there, saying to
    fill it in; not also a rank.missing hint saying the application is not in the sheet (it is: the two
    contradicted each other on one row)."""
    files = unit_apps(2, prefixes=prefixes)
    result = run(*files, ranking_file("石家庄/推荐排序表.xlsx", [(1, ENTERPRISES[0]), (None, ENTERPRISES[1])]))
    [app] = [a for a in result.applications if a.enterprise == ENTERPRISES[1]]
    assert [(i.code, i.severity) for i in app.issues if i.field == "推荐顺序"] == [("rank.conflict", "error")], \
        app.issues
    assert "推荐顺序未填写" in next(i.message for i in app.issues if i.code == "rank.conflict")


def _gap_hints(result) -> list:
    return [i for i in result.issues if i.code == "rank.gap"]


@pytest.mark.parametrize("ranks, missing, moved", [
    ([1, 3], "没有第2位", [(1, 3, 2)]),
    ([2, 3, 4], "没有第1位", [(0, 2, 1), (1, 3, 2), (2, 4, 3)]),
    ([1, 2, 5, 9], "没有第3、4、6、7、8位", [(2, 5, 3), (3, 9, 4)]),
    ([3, 1, 12], "没有第2、4、5、6、7位等9个名次", [(0, 3, 2), (2, 12, 3)]),
], ids=["1 3", "from 2", "two gaps", "many missing"])
def test_a_ranking_sheet_with_gaps_is_renumbered_and_said(ranks, missing, moved):
    """A 推荐排序表 whose ranks leave numbers out (1, 3): the order stands, numbered 1, 2, 3 … (the 推荐意见 numbers
    them so), and one 提示 on the sheet's row of the first application renumbered says which number is missing and
    which application now stands where — a missing number may be an enterprise the clerk left out. Before, the
    stamped 推荐意见 said 第2位 of an enterprise the unit's sheet ranked 3rd without a word."""
    count = len(ranks)
    rows = list(zip(ranks, ENTERPRISES[:count]))
    result = run(*unit_apps(count, prefixes=False), ranking_file("石家庄/推荐排序表.xlsx", rows))
    expected = [e for _, e in sorted(rows)]
    assert [(r, e) for r, e, _ in _order(result)] == list(enumerate(expected, start=1))
    [hint] = _gap_hints(result)
    assert (hint.severity, hint.file, hint.field) == (WARNING, "石家庄/推荐排序表.xlsx", "推荐顺序")
    first = ENTERPRISES[moved[0][0]]
    assert hint.location == f"推荐排序表!B{ENTERPRISES.index(first) + 3}"
    assert f"推荐排序表中的推荐顺序不连续（{missing}），已按先后顺序重新编号：" in hint.message
    for n, given, now in moved:
        assert f"“{ENTERPRISES[n]}”由第{given}位改为第{now}位" in hint.message
    assert "漏列" in hint.fix
    assert_actionable(hint)
    # said of the sheet (listed with its file), not of an application
    assert [e.version.path for e in result.files if hint in e.issues] == ["石家庄/推荐排序表.xlsx"]
    assert not any(hint in a.issues for a in result.applications)
    [unit] = [u for u in result.units if u.unit == SJZ]
    assert unit.sheet_errors == 0 and not unit.draft_reasons  # a hint: the 推荐意见 is not a draft for it


def test_file_name_numbers_with_gaps_are_said_on_the_first_renumbered():
    """Without a sheet, file names numbered 1-, 3-, 4-: the hint is on the first application renumbered, at its
    file's name, saying to number the files 1, 2, 3 to make it go away."""
    files = [f for prefix, ent in zip(("1-", "3-", "4-"), ENTERPRISES)
             for f in application_files("石家庄", prefix, ent)]
    result = run(*files)
    assert [(r, e) for r, e, _ in _order(result)] == list(enumerate(ENTERPRISES[:3], start=1))
    [hint] = _gap_hints(result)
    assert (hint.file, hint.location) == (f"石家庄/3-{ENTERPRISES[1]}-申请表.xlsx", "文件名")
    assert "文件名开头的序号不连续（没有序号2）" in hint.message
    assert f"“{ENTERPRISES[1]}”由第3位改为第2位、“{ENTERPRISES[2]}”由第4位改为第3位" in hint.message
    assert "序号改为连续的" in hint.fix
    [app] = [a for a in result.applications if a.enterprise == ENTERPRISES[1]]
    assert hint in app.issues
    assert_actionable(hint)


@pytest.mark.parametrize("withdrawn_rank", [2, None])
def test_a_rank_a_withdrawn_row_held_is_no_gap(withdrawn_rank):
    """1, 2 (撤回), 3: the unit withdrew its second, the third moving up is what it asked for — no hint. A 撤回 row
    without a rank leaves no number out either."""
    files = unit_apps(3, prefixes=False)
    rows = (RankingRow(rank=1, enterprise=ENTERPRISES[0], benchmark_name="", location="推荐排序表!B3"),
            RankingRow(rank=withdrawn_rank, enterprise=ENTERPRISES[1], benchmark_name="", location="推荐排序表!B4",
                       withdrawn=True),
            RankingRow(rank=3 if withdrawn_rank else 2, enterprise=ENTERPRISES[2], benchmark_name="",
                       location="推荐排序表!B5"))
    result = run(*files, (file_version("石家庄/推荐排序表.xlsx"), Extracted(kind=RANKING, ranking=rows)))
    assert [(r, e) for r, e, _ in _order(result)] == [(1, ENTERPRISES[0]), (2, ENTERPRISES[2]), (None, ENTERPRISES[1])]
    assert _gap_hints(result) == []


def test_summaries_pair_by_a_name_in_title_marks():
    """Two 申请表 and two 总结材料 in one folder, nothing but the 标杆名称 to pair them by, each summary writing it
    in 《》: paired by the name as with it bare (before, the marks made them two unpaired summaries)."""
    files = []
    for n, (ent, method) in enumerate(zip(ENTERPRISES[:2], ("六西格玛设计", "精益生产"))):
        name = f"企业推行{method}的经验"  # (not starting with the enterprise: the name is the only evidence)
        files.append(form_file(f"石家庄/申请表{n + 1}.xlsx", ent, name=name))
        summary = make_summary({"质量标杆名称": f"《{name}》", "企业概况": "成立于2001年，现有员工300人。"})
        files.append((file_version(f"石家庄/材料{n + 1}.docx"), Extracted(kind=SUMMARY, summary=summary)))
    result = run(*files)
    assert sorted((a.enterprise, a.summary_file.path) for a in result.applications) == [
        (ENTERPRISES[0], "石家庄/材料1.docx"), (ENTERPRISES[1], "石家庄/材料2.docx")]
    assert not [i for i in result.issues if i.code.startswith(("pair.", "mismatch"))]


def test_prefixes_beat_receipt_order():
    files = (application_files("石家庄", "2-", ENTERPRISES[0], first_seen="2021-09-01T10:00:00+08:00")
             + application_files("石家庄", "1-", ENTERPRISES[1], first_seen="2021-09-05T10:00:00+08:00"))
    result = run(*files)
    assert _order(result) == [(1, ENTERPRISES[1], "文件名序号"), (2, ENTERPRISES[0], "文件名序号")]


@pytest.mark.parametrize("name, rank", [
    ("1-企业-申请表.xlsx", 1), ("01_企业.xlsx", 1), ("第2名 企业.xlsx", 2), ("第三名-企业.docx", 3),
    ("(2)企业.xlsx", 2), ("（3）企业.xlsx", 3), ("【1】企业.docx", 1), ("10、企业.docx", 10), ("2.企业.docx", 2),
    ("2021-企业申请表.xlsx", None), ("2021年申请表.xlsx", None), ("企业-1.xlsx", None), ("(2021)企业.xlsx", None),
])
def test_prefix_rank(name, rank):
    from toolkit.rules.ranking import prefix_rank

    assert prefix_rank(name) == rank


def test_receipt_order_last_with_a_warning_each():
    files = (application_files("石家庄", "", ENTERPRISES[0], first_seen="2021-09-05T10:00:00+08:00")
             + application_files("石家庄", "", ENTERPRISES[1], first_seen="2021-09-01T10:00:00+08:00"))
    result = run(*files)
    assert _order(result) == [(1, ENTERPRISES[1], "收到顺序"), (2, ENTERPRISES[0], "收到顺序")]
    missing = [i for i in result.issues if i.code == "rank.missing"]
    assert len(missing) == 2 and all("第" in i.message for i in missing)


def test_quota_applied_in_rank_order_not_receipt_order():
    # the first received is ranked last by the sheet: it, not the last received, is over quota
    result = run(*unit_apps(4), ranking_file("石家庄/推荐排序表.xlsx", [
        (1, ENTERPRISES[1]), (2, ENTERPRISES[2]), (3, ENTERPRISES[3]), (4, ENTERPRISES[0])]))
    statuses = {a.enterprise: a.status for a in result.applications}
    assert statuses == {ENTERPRISES[1]: PASSED, ENTERPRISES[2]: PASSED, ENTERPRISES[3]: PASSED,
                        ENTERPRISES[0]: OVER_QUOTA}
    [unit] = [u for u in result.units if u.unit == SJZ]
    assert (unit.received, unit.passed, unit.over_quota) == (4, 3, 1)


def test_one_rank_given_twice_says_where_to_fix_it():
    """Two applications with the same rank: by file names, the advice is to renumber the files (not the sheet a
    unit ranking by file names may not have); by the sheet, to fix the sheet."""
    files = (application_files("石家庄", "1-", ENTERPRISES[0]) + application_files("石家庄", "1-", ENTERPRISES[1]))
    conflicts = [i for i in run(*files).issues if i.code == "rank.conflict"]
    assert len(conflicts) == 2 and all(i.location == "文件名" for i in conflicts)
    assert all("修改文件名开头的序号" in i.fix and "推荐排序表中为每个" not in i.fix for i in conflicts)
    sheet = ranking_file("石家庄/推荐排序表.xlsx", [(1, ENTERPRISES[0]), (1, ENTERPRISES[1])])
    conflicts = [i for i in run(*unit_apps(2), sheet).issues if i.code == "rank.conflict"]
    assert conflicts and all("推荐排序表中为每个申报项目填写唯一的推荐顺序" in i.fix for i in conflicts)


def test_an_empty_file_is_to_be_sent_again_not_re_saved():
    [issue] = file_issues(b"", "1-石家庄华北精工机械有限公司-总结材料.docx")
    assert issue.code == "file.unreadable" and "0 字节" in issue.message
    assert "重新复制" in issue.fix and "另存为" not in issue.fix


def test_unmatched_ranking_row_is_reported_on_the_sheet_file():
    result = run(*unit_apps(1, prefixes=False), ranking_file("石家庄/推荐排序表.xlsx",
                                                             [(1, ENTERPRISES[0]), (2, "石家庄不存在有限公司")]))
    [entry] = [f for f in result.files if f.version.path == "石家庄/推荐排序表.xlsx"]
    [issue] = entry.issues
    assert issue.code == "rank.conflict" and "石家庄不存在有限公司" in issue.message
    assert issue.location == "推荐排序表!B4"


# ---------------------------------------------------------------------------------------------------
# status precedence: 逾期 > 不符合申报条件 > 超出名额 > 需补正 > 通过
# ---------------------------------------------------------------------------------------------------

def _issue(code: str, severity: str | None = None):
    return make_issue(code, severity=severity, location="申请表!B3")


@pytest.mark.parametrize("codes, status", [
    ([], PASSED),
    (["name.pattern", "finance.suspicious", "rank.missing"], PASSED),  # warnings only
    (["field.invalid:warning"], PASSED),
    (["field.missing"], NEEDS_FIX),
    (["quota.exceeded"], OVER_QUOTA),
    (["quota.exceeded", "field.missing", "mismatch"], OVER_QUOTA),
    (["eligibility.unprofitable", "quota.exceeded", "field.missing"], INELIGIBLE),
    (["deadline.late", "eligibility.unprofitable", "quota.exceeded", "field.missing"], LATE),
    (["deadline.late"], LATE),
    (["duplicate.enterprise", "rank.conflict"], NEEDS_FIX),
])
def test_status_precedence(codes, status):
    """The status comes from the typed decisions assembly makes (late, ineligible, over quota) and any error."""
    issues = tuple(_issue(name, severity or None) for name, _, severity in (c.partition(":") for c in codes))
    decided = {"deadline.late": "late", "eligibility.unprofitable": "ineligible", "quota.exceeded": "over_quota"}
    flags = {decided[i.code]: True for i in issues if i.code in decided and i.is_error}
    app = Application(unit=SJZ, enterprise=ENTERPRISE, issues=issues, **flags)
    assert status_of(app) == status


def test_rules_declare_the_codes_they_yield():
    """Every registered rule yields only the codes it declares, and each declared code is yielded by its rule on one
    of two bad applications (so the check is never over rules that yield nothing)."""
    declared = {code for rule in RULES for code in rule.codes}
    assert {"field.missing", "field.invalid", "name.too-long", "name.pattern", "section.missing", "section.too-long",
            "section.too-short", "mismatch", "eligibility.unprofitable", "eligibility.branch", "finance.suspicious",
            "region.other"} == declared
    bad = [make_app(fields={"电话": "abc", "电子邮箱": "x", "所在地区": "保定市", "申报单位": "石家庄华北精工机械有限公司正定分公司"},
                    yearly={"利润总额": {2019: -5.0, 2020: 60000}},
                    sections={"摘要": "很长。" * 400, "企业概况": "企业名称：石家庄华北重工机械有限公司，成立于1998年。",
                              "管理方法（技术）的实施效果": "效果好。"},
                    name="某某经验" * 20),
           make_app(fields={"申报单位": "", "联系人": "", "电话": "", "手机": ""}, sections={"企业概况": DROP})]
    for rule in RULES:
        yielded = {i.code for app in bad for i in rule.check(app, CAMPAIGN)}
        assert yielded == set(rule.codes), (rule.name, sorted(yielded), sorted(rule.codes))


def test_late_and_unprofitable_is_late_and_takes_no_quota_place():
    files = [*unit_apps(4)]
    late_fv, late_ex = files[0]
    late_form = make_form({"申报单位": ENTERPRISES[0], "标杆名称": _name_for(ENTERPRISES[0])},
                          {"利润总额": {2019: -1.0}})
    files[0] = (file_version(late_fv.path, first_seen="2021-09-25T10:00:00+08:00"),
                Extracted(kind=FORM, form=late_form))
    result = run(*files)
    by_name = {a.enterprise: a for a in result.applications}
    first = by_name[ENTERPRISES[0]]
    assert (first.status, first.late, first.ineligible) == (LATE, True, True)
    assert [a.status for a in result.applications if a.enterprise != ENTERPRISES[0]] == [PASSED] * 3
    assert not any(a.over_quota for a in result.applications)

def test_validation_report_counts_and_flattens():
    """validate() gives a Report: valid, counts by code and severity, and a flat list tests can assert on."""
    report = validate(make_app(fields={"电子邮箱": "x"}, yearly={"利润总额": {2019: -5.0}}), CAMPAIGN).report
    assert not report.valid
    assert report.counts() == {"field.invalid": 1, "eligibility.unprofitable": 1}
    assert report.severities() == {"error": 2, "warning": 0}
    assert sorted(report.flatten("code", "field")) == [["eligibility.unprofitable", "利润总额"],
                                                       ["field.invalid", "电子邮箱"]]
    assert validate(make_app(), CAMPAIGN).report.valid


def test_a_duplicate_across_units_asks_to_agree_with_the_other_unit():
    issues = [i for i in unit_issues(*application_files("石家庄", "1-", ENTERPRISE),
                                     *application_files("冶金协会", "2-", ENTERPRISE, unit=YEJIN))
              if i.code == "duplicate.enterprise"]
    assert len(issues) == 2
    mine = next(i for i in issues if i.file.startswith("石家庄/"))
    assert f"另见{YEJIN}推荐的第1位" in mine.message
    assert mine.fix == f"同一企业只能申报一项，请与{YEJIN}协商保留一项。"  # a unit to agree with, not a rank


def test_a_duplicate_within_one_unit_is_the_units_own_choice():
    issues = [i for i in unit_issues(*application_files("石家庄", "1-", "河北钢铁集团有限公司"),
                                     *application_files("石家庄", "2-", "河北钢铁集团"))
              if i.code == "duplicate.enterprise"]
    assert len(issues) == 2
    assert all("本单位确定保留哪一项" in i.fix and "协商" not in i.fix for i in issues)


@pytest.mark.parametrize("folder, meant", [
    ("沧洲市工信局", "沧州市工业和信息化局"), ("河北省治金行业协会", "河北省冶金行业协会"), ("邯单市工信局", "邯郸市工业和信息化局"),
    ("石家装市工业和信息化局", "石家庄市工业和信息化局"), ("河北省质量协汇", "河北省质量协会"),
    ("北京", ""), ("其他材料", ""), ("沧洲", ""),  # (nothing close, or too short to tell)
])
def test_a_mistyped_unit_folder_is_asked_about(folder, meant):
    """A folder naming no unit for a character mistyped ('沧洲市工信局') is asked '是不是“沧州市工业和信息化局”？' — it
    was only told it names none (the newcomer's try); the file stays unassigned until the folder is renamed."""
    [issue] = [i for i in unit_issues(form_file(f"{folder}/申请表.xlsx", ENTERPRISE, unit="")) if i.code == "unit.unknown"]
    assert f"文件夹“{folder}”不是任何推荐单位的名称或简称" in issue.message
    assert (f"（是不是“{meant}”？）" in issue.message) if meant else ("是不是" not in issue.message), issue.message
