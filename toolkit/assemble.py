"""From extracted files to applications: pair, version, validate, rank, quota, duplicates, deadline, status."""
from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field, replace

from .campaign import Campaign
from .discover import unit_candidates
from .messages import make_issue
from .model import (APPLICATION_DOC, ATTACHMENT, ERROR, FORM, INELIGIBLE, LATE, NEEDS_FIX, OPINION_SCAN, OVER_QUOTA, PASSED,
                    RANKING, SUMMARY, WARNING, Application, Extracted, FileVersion, Issue)
from .names import contains_enterprise, enterprise_named_in
from .normalize import normalize_filename, normalize_name
from .rules.contacts import check_contacts
from .rules.fields import check_fields
from .rules.eligibility import check_eligibility
from .rules.finance import check_finance
from .rules.naming import check_name
from .rules.pairing import check_mismatch
from .rules.deadline import check_deadline, late_edit_warning
from .rules.duplicates import check_duplicates
from .rules.quota import apply_quota
from .rules.ranking import prefix_rank, rank_unit
from .rules.sections import check_sections
from .sizeclass import size_class

APP_RULES = (check_fields, check_contacts, check_name, check_sections, check_mismatch, check_eligibility,
             check_finance)


@dataclass
class FileEntry:
    version: FileVersion
    kind: str
    issues: list = field(default_factory=list)
    status: str = "current"  # current | superseded | ignored | unassigned
    enterprise: str = ""


@dataclass
class UnitStatus:
    unit: str
    kind: str
    quota: int
    received: int = 0
    passed: int = 0
    over_quota: int = 0
    late: int = 0
    ineligible: int = 0
    needs_fix: int = 0
    stamped_opinion: bool = False
    opinion_outdated: bool = False  # the stamped scan came before the unit's latest submission
    opinion_files: list = field(default_factory=list)
    rank_source: str = ""
    order: int = 0


@dataclass
class Assembled:
    campaign: Campaign
    generated_at: str
    applications: list  # Application, in 附件2 unit order then rank
    units: list  # UnitStatus in 附件2 order
    files: list  # FileEntry, by path
    ignored: list = field(default_factory=list)  # FileVersion of temp/lock files seen
    pending: list = field(default_factory=list)  # FileVersion of files still being copied (read next run)

    def issue_rows(self):
        """(unit, enterprise, issue) for every issue once: applications' first, then file-level ones.

        File entries repeat their applications' issues (same objects), so identity tells them apart.
        """
        seen = set()
        for app in self.applications:
            for issue in app.issues:
                if id(issue) not in seen:
                    seen.add(id(issue))
                    yield app.unit, app.enterprise, issue
        for entry in self.files:
            for issue in entry.issues:
                if id(issue) not in seen:
                    seen.add(id(issue))
                    yield entry.version.unit, entry.enterprise, issue

    @property
    def issues(self) -> list[Issue]:
        return [issue for _, _, issue in self.issue_rows()]


def _pair_evidence(summary_fv: FileVersion, summary_ex: Extracted, form_fv: FileVersion,
                   form_ex: Extracted) -> tuple[int, int]:
    """(content evidence, placement evidence) that a 总结材料 belongs with a 申请表.

    Content: the same 标杆名称, the enterprise named at the start of the name, in 企业概况 or in the file
    name. Placement (same sub-folder, same rank prefix) only breaks ties or pairs what content cannot.
    """
    form = form_ex.form
    enterprise = form.text("申报单位")
    s = summary_ex.summary
    content = 0
    bname = s.benchmark_name
    if bname and form.text("标杆名称") and normalize_name(bname) == normalize_name(form.text("标杆名称")):
        content += 4
    if bname and contains_enterprise(bname[: len(enterprise) + 4], enterprise):
        content += 3
    overview = s.sections.get("企业概况")
    if overview and contains_enterprise(overview.text, enterprise):
        content += 3
    if contains_enterprise(summary_fv.name, enterprise):
        content += 2
    placement = 0
    if summary_fv.subfolder and summary_fv.subfolder == form_fv.subfolder:
        placement += 2
    p1, p2 = prefix_rank(summary_fv.name), prefix_rank(form_fv.name)
    if p1 is not None and p1 == p2:
        placement += 1
    return content, placement


def _newest(items: list[tuple[FileVersion, Extracted]]) -> tuple:
    return max(items, key=lambda it: (dt.datetime.fromisoformat(it[0].first_seen), it[0].mtime, it[0].path))


def assemble(campaign: Campaign, versions: list[FileVersion], extracted: dict, *, generated_at: str,
             ignored: list | None = None, pending: list | None = None) -> Assembled:
    """``extracted`` maps a file's inbox path to its Extracted."""
    entries = {fv.path: FileEntry(version=fv, kind=extracted[fv.path].kind,
                                  issues=list(extracted[fv.path].issues)) for fv in versions}
    for entry in entries.values():
        if any(i.is_error and i.code.startswith("file.") for i in entry.issues):
            entry.status = "rejected"
    units = [UnitStatus(unit=u.name, kind=u.kind, quota=u.quota, order=u.order) for u in campaign.units]
    unit_status = {u.unit: u for u in units}
    by_unit: dict[str, list[FileVersion]] = {}
    for fv in versions:
        if not fv.unit:
            candidates = unit_candidates(fv.folder, campaign) if fv.folder else []
            if len(candidates) > 1:
                reason = f"文件夹“{fv.folder}”可能指{'、'.join(candidates)}，无法确定是哪一个。"
            elif fv.folder:
                reason = f"文件夹“{fv.folder}”不是任何推荐单位的名称或简称。"
            else:
                reason = "文件直接放在收件箱根目录，没有放在推荐单位的文件夹中。"
            entries[fv.path].issues.append(make_issue("unit.unknown", file=fv.path, location=fv.folder or "收件箱",
                                                      reason=reason))
            entries[fv.path].status = "unassigned"
            continue
        by_unit.setdefault(fv.unit, []).append(fv)

    applications: list[Application] = []
    for unit in campaign.units:
        files = by_unit.get(unit.name, [])
        apps, ranking_files = _unit_applications(campaign, files, extracted, entries)
        status = unit_status[unit.name]
        scans = [fv for fv in files if extracted[fv.path].kind == OPINION_SCAN]
        status.opinion_files = [fv.path for fv in scans]
        status.stamped_opinion = bool(scans)
        for app in apps:
            for rule in APP_RULES:
                app.issues.extend(rule(app, campaign))
            app.size_class, app.industry_code = size_class(app.form, campaign)
        sheet, sheet_file = None, ""
        # a ranking sheet with no rank filled in (e.g. the blank template dropped back) ranks nothing
        usable = [(fv, ex) for fv, ex in ranking_files if any(r.rank is not None for r in ex.ranking)]
        if usable:
            newest = _newest(usable)
            sheet, sheet_file = newest[1].ranking, newest[0].path
            for fv, _ in usable:
                if fv.path != sheet_file:
                    entries[fv.path].status = "superseded"
        ordered, sheet_issues = rank_unit(apps, unit, campaign, sheet=sheet, sheet_file=sheet_file)
        if sheet_file:
            entries[sheet_file].issues.extend(sheet_issues)
        status.rank_source = "推荐排序表" if sheet is not None else (ordered[0].rank_source if ordered else "")
        _point_to_rejected_files(ordered, [entries[fv.path] for fv in files if entries[fv.path].status == "rejected"])
        _attach_scans(ordered, [fv for fv in files if extracted[fv.path].kind == ATTACHMENT], entries,
                      has_opinion_scan=bool(scans), campaign=campaign)
        check_deadline(ordered, campaign)
        apply_quota(ordered, unit)
        applications.extend(ordered)
        if scans and ordered:
            newest_scan = max(dt.datetime.fromisoformat(fv.first_seen) for fv in scans)
            inputs = [f for a in ordered for f in a.files] + [fv for fv, _ in usable]  # applications and order
            newest_input = max(dt.datetime.fromisoformat(f.first_seen) for f in inputs)
            status.opinion_outdated = newest_input > newest_scan

    check_duplicates(applications)
    for app in applications:
        app.status = status_of(app)
        u = unit_status[app.unit]
        u.received += 1
        u.passed += app.status == PASSED
        u.over_quota += app.status == OVER_QUOTA
        u.late += app.status == LATE
        u.ineligible += app.status == INELIGIBLE
        u.needs_fix += app.status == NEEDS_FIX
        for fv in app.files:
            entries[fv.path].enterprise = app.enterprise
        own = {fv.path for fv in app.files}
        for issue in app.issues:  # each issue also on the entry of the file it names (own files, ranking sheet)
            entry = entries.get(issue.file)
            if entry is not None and (issue.file in own or entry.kind == RANKING) and issue not in entry.issues:
                entry.issues.append(issue)
    return Assembled(campaign=campaign, generated_at=generated_at, applications=applications, units=units,
                     files=sorted(entries.values(), key=lambda e: e.version.path), ignored=list(ignored or []),
                     pending=list(pending or []))


def _unit_applications(campaign: Campaign, files: list[FileVersion], extracted: dict, entries: dict):
    forms: list[tuple[FileVersion, Extracted]] = []
    summaries: list[tuple[FileVersion, Extracted]] = []
    rankings: list[tuple[FileVersion, Extracted]] = []
    for fv in files:
        ex = extracted[fv.path]
        if ex.kind in (FORM, APPLICATION_DOC) and ex.form is not None:
            # a workbook holding several enterprises' forms (one per sheet) is one application per form;
            # the file's own findings go with its first form only
            for n, form in enumerate(ex.all_forms):
                forms.append((fv, replace(ex, form=form, forms=(), issues=ex.issues if n == 0 else ())))
        if ex.kind == SUMMARY and ex.summary is not None:
            summaries.append((fv, ex))
        if ex.kind == RANKING:
            rankings.append((fv, ex))
    # group forms by enterprise; a later form is a new version of the same application unless it is
    # clearly a second project (another 标杆名称 in another sub-folder or under another rank prefix)
    groups: dict[str, dict] = {}
    for fv, ex in sorted(forms, key=lambda it: (dt.datetime.fromisoformat(it[0].first_seen), it[0].path)):
        name = ex.form.text("申报单位")
        base = normalize_name(name) or f"?{fv.path}"
        key = base
        n = 1
        while key in groups and _second_project(groups[key]["forms"][-1], (fv, ex)):
            n += 1
            key = f"{base}#{n}"
        g = groups.setdefault(key, {"enterprise": name or f"（未填写申报单位：{fv.name}）", "forms": [],
                                    "summaries": []})
        g["forms"].append((fv, ex))
        if ex.kind == APPLICATION_DOC and ex.summary is not None:
            g["summaries"].append((fv, ex))
    # pass 1: pair on content evidence; candidates are the forms with the same 标杆名称, else every form
    by_name: dict[str, list] = {}
    for key, g in groups.items():
        for ffv, fex in g["forms"]:
            bname = normalize_name(fex.form.text("标杆名称"))
            if bname:
                by_name.setdefault(bname, []).append((key, ffv, fex))
    unpaired = []
    for fv, ex in summaries:
        candidates = by_name.get(normalize_name(ex.summary.benchmark_name), [])
        if not candidates:
            candidates = [(key, ffv, fex) for key, g in groups.items() for ffv, fex in g["forms"]]
        best_key, best = None, (0, 0)
        for key, ffv, fex in candidates:
            evidence = _pair_evidence(fv, ex, ffv, fex)
            if evidence[0] >= 2 and evidence > best:
                best_key, best = key, evidence
        if best_key is None:
            unpaired.append((fv, ex))
        else:
            groups[best_key]["summaries"].append((fv, ex))
    # pass 2: by placement alone, only onto the one form of that sub-folder / rank prefix still without a
    # summary, and never when the summary names another enterprise
    for fv, ex in unpaired:
        named = enterprise_named_in(ex.summary)
        options = {key for key, g in groups.items() if not g["summaries"] and g["forms"]
                   for ffv, fex in g["forms"] if _pair_evidence(fv, ex, ffv, fex)[1] >= 1
                   and (not named or normalize_name(named) == normalize_name(fex.form.text("申报单位")))}
        if len(options) == 1:
            groups[options.pop()]["summaries"].append((fv, ex))
            continue
        bname = normalize_name(ex.summary.benchmark_name)
        key = f"?summary:{fv.subfolder}:{bname}" if bname else f"?summary:{fv.path}"
        groups.setdefault(key, {"enterprise": _enterprise_from_summary(ex, fv), "forms": [], "summaries": []})
        groups[key]["summaries"].append((fv, ex))
    apps = []
    for key, g in groups.items():
        unit = files[0].unit
        app = Application(unit=unit, enterprise=g["enterprise"])
        late_versions = []
        if g["forms"]:
            fv, ex = _current(g["forms"], campaign)
            app.form_file, app.form = fv, ex.form
            late_versions += [f for f, _ in g["forms"] if _is_late(f, campaign) and not _is_late(fv, campaign)]
        if g["summaries"]:
            fv, ex = _current(g["summaries"], campaign)
            app.summary_file, app.summary = fv, ex.summary
            late_versions += [f for f, _ in g["summaries"] if _is_late(f, campaign) and not _is_late(fv, campaign)]
        current = {f.path for f in app.files}
        seen: set = set()
        for f, _ in (*g["forms"], *g["summaries"]):
            if f.path not in current and f.path not in seen:
                seen.add(f.path)
                app.superseded.append(f)
        late_versions = list({f.path: f for f in late_versions if f.path not in current}.values())
        app.versions = max(sum(f.revisions for f, _ in g["forms"]), sum(f.revisions for f, _ in g["summaries"]), 1)
        for fv in app.superseded:
            entries[fv.path].status = "superseded"
            entries[fv.path].enterprise = app.enterprise
        for fv in late_versions:  # a correction sent after the deadline is not accepted; the on-time one stands
            entries[fv.path].status = "late-version"
            entries[fv.path].issues.append(late_edit_warning(fv, campaign, standing="截止前收到的版本仍然有效"))
        read = {id(fex): fex for f, fex in (*g["forms"], *g["summaries"]) if f.path in current}
        for fex in read.values():  # what reading the files found (dropped characters, cover vs table …)
            app.issues.extend(i for i in fex.issues if i not in app.issues)
        app.benchmark_name = (app.form.text("标杆名称") if app.form else "") or (
            app.summary.benchmark_name if app.summary else "")
        if app.form is not None and app.summary is None:
            app.issues.append(make_issue("pair.missing-summary", file=app.form_file.path, location="总结材料",
                                         enterprise=app.enterprise))
        if app.summary is not None and app.form is None:
            app.issues.append(make_issue("pair.missing-form", file=app.summary_file.path, location="申请表",
                                         name=app.benchmark_name or app.summary_file.name))
        apps.append(app)
    return apps, rankings


def _point_to_rejected_files(apps: list[Application], rejected: list[FileEntry]) -> None:
    """A missing 申请表/总结材料 may be the unit's unreadable file (encrypted, damaged): say so."""
    if not rejected:
        return
    for app in apps:
        for n, issue in enumerate(app.issues):
            if issue.code not in ("pair.missing-form", "pair.missing-summary"):
                continue
            mine = [e for e in rejected if contains_enterprise(e.version.name, app.enterprise)
                    or (e.version.subfolder and any(e.version.subfolder == f.subfolder for f in app.files))]
            names = "、".join(f"“{e.version.name}”" for e in (mine or rejected)[:3])
            hint = f"（本单位另有无法读取的文件{names}，可能就是这份材料，请按该文件的提示处理。）"
            app.issues[n] = issue.at(message=issue.message + hint)


_FORM_WORDS = re.compile("申请表|申请书|总结材料")
_STAMP_WORDS = re.compile("盖章|公章|签章|扫描")


def _attach_scans(apps: list[Application], attachments: list[FileVersion], entries: dict, *,
                  has_opinion_scan: bool, campaign: Campaign) -> None:
    """Give each scan (PDF/image) or dropped-back output its application: the enterprise named in the file
    name, the same sub-folder or the same rank prefix; the only application when a unit has one.

    A scan of a 申请表/总结材料 that belongs to no application is an error (its content cannot be read);
    a stamped scan that belongs to none, in a unit with no 推荐意见 scan, gets a hint to rename it.
    """
    for fv in attachments:
        if entries[fv.path].issues:
            continue
        scored = []
        for app in apps:
            score = 4 * contains_enterprise(fv.name, app.enterprise)
            score += 2 * any(fv.subfolder and fv.subfolder == f.subfolder for f in app.files)
            prefix = prefix_rank(fv.name)
            score += prefix is not None and any(prefix_rank(f.name) == prefix for f in app.files)
            if score:
                scored.append((score, app))
        best = [app for score, app in scored if score == max(s for s, _ in scored)] if scored else []
        owner = best[0] if len(best) == 1 else (apps[0] if len(apps) == 1 and not scored else None)
        if owner is not None:
            owner.attachments.append(fv)
            entries[fv.path].enterprise = owner.enterprise
            continue
        name = normalize_filename(fv.name)
        if _FORM_WORDS.search(name):
            entries[fv.path].issues.append(make_issue(
                "file.unsupported", file=fv.path, location="整个文件",
                reason="这是扫描件（PDF/图片），无法读取其中填写的内容，也找不到它所属的申报材料。",
                fix="扫描件只能作为附件；请同时提交可编辑的申请表（.xlsx）和总结材料（.docx），"
                    "扫描件文件名中写明企业名称。"))
        elif _STAMP_WORDS.search(name) and not has_opinion_scan:
            entries[fv.path].issues.append(make_issue(
                "file.unrecognized", file=fv.path, location="文件名", severity=WARNING,
                reason=f"（这是盖章扫描件，但文件名中没有“{campaign.opinion_keyword}”，也没有写明企业名称）",
                fix=f"如果这是盖章的{campaign.opinion_keyword}，请在文件名中加上“{campaign.opinion_keyword}”"
                    f"（如“本单位-{campaign.opinion_keyword}（盖章）.pdf”）；如果是某个企业的附件，请在文件名中写明企业名称。"))


def _is_late(fv: FileVersion, campaign: Campaign) -> bool:
    return dt.datetime.fromisoformat(fv.first_seen) > campaign.deadline


def _current(items: list[tuple[FileVersion, Extracted]], campaign: Campaign) -> tuple:
    """The version that counts: the newest, unless it came after the deadline and an on-time one exists."""
    on_time = [it for it in items if not _is_late(it[0], campaign)]
    return _newest(on_time or items)


def _second_project(earlier: tuple, later: tuple) -> bool:
    (fv1, ex1), (fv2, ex2) = earlier, later
    name1, name2 = normalize_name(ex1.form.text("标杆名称")), normalize_name(ex2.form.text("标杆名称"))
    if not name1 or not name2 or name1 == name2:
        return False
    other_folder = fv1.subfolder != fv2.subfolder and bool(fv1.subfolder) and bool(fv2.subfolder)
    p1, p2 = prefix_rank(fv1.name), prefix_rank(fv2.name)
    other_rank = p1 is not None and p2 is not None and p1 != p2
    return other_folder or other_rank


def _enterprise_from_summary(ex: Extracted, fv: FileVersion) -> str:
    named = enterprise_named_in(ex.summary)
    if named:
        return named
    bname = ex.summary.benchmark_name
    for marker in ("公司", "集团", "厂"):
        if marker in bname:
            return bname[: bname.index(marker) + len(marker)]
    return f"（未知企业：{fv.name}）"


def status_of(app: Application) -> str:
    codes = [i.code for i in app.issues if i.severity == ERROR]
    if not codes:
        return PASSED
    if "deadline.late" in codes:
        return LATE
    if any(c.startswith("eligibility.") for c in codes):
        return INELIGIBLE
    if "quota.exceeded" in codes:
        return OVER_QUOTA
    return NEEDS_FIX
