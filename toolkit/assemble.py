"""Assembly: from the extracted files to the run's result, with every unit-level decision in one place.

For each unit, in 附件2 order, in this order (each step reads the typed results of the ones before):
  1. versions — the forms, summaries and ranking sheets the unit sent; of several versions the newest counts,
     unless it came after the deadline and an on-time one exists (the late one is a ``late-version``);
  2. pairing — each 总结材料 with its 申请表, on content first, placement second: candidate applications;
  3. validation — every rule of toolkit.validate on each application; its size class (工信部联企业〔2011〕300号)
     and the campaign region its 所在地区 names;
  4. ranking — 推荐排序表 (the newest received by the deadline: a later one is a ``late-version``), else
     file-name prefixes, else receipt order (rules.ranking);
  5. attachments — scans and dropped-back outputs placed with their application;
  6. deadline — applications received after the deadline are ``late`` (rules.deadline);
  7. quota — beyond the quota in rank order, among applications that take a place (not late, not ineligible);
then over all units:
  8. duplicates — the same enterprise recommended twice, among applications not late (rules.duplicates);
  9. status (model.status_of), ``listed_in_opinion``, unit counts, and each issue on the file it names.
"""
from __future__ import annotations

import datetime as dt
import difflib
import re
from dataclasses import dataclass, field

from .campaign import Campaign
from .clock import human_time, instant
from .keys import BENCHMARK, ENTERPRISE, REGION, SECTION_OVERVIEW
from .messages import ARCHIVE_FIX, display_location, make_issue
from .messages import title as issue_title
from .model import (
    APPLICATION_DOC,
    ATTACHMENT,
    FORM,
    INELIGIBLE,
    LATE,
    NEEDS_FIX,
    OPINION_SCAN,
    OVER_QUOTA,
    PASSED,
    RANKING,
    SUMMARY,
    WARNING,
    WITHDRAWN,
    Application,
    Assembled,
    DecidedUnit,
    Extracted,
    FileEntry,
    FileVersion,
    Issue,
    UnitStatus,
    evolve,
    status_of,
)
from .names import (
    comparison_key,
    contains_enterprise,
    enterprise_named_in,
    legal_forms_agree,
    same_name,
    strip_company_suffix,
    unknown_enterprise,
    unnamed_form,
)
from .normalize import normalize_filename, normalize_name, official_date, official_day
from .rules.deadline import late_edit_warning, late_issues, late_warning, received_late
from .rules.duplicates import duplicate_issues
from .rules.quota import quota_issues
from .rules.ranking import gives_order, prefix_rank, rank_unit
from .sizeclass import size_class
from .units import likely_unit, set_aside_folder, unit_candidates, unit_core
from .validate import validate


@dataclass
class _Entry:
    """A file entry while assembly decides about it (frozen into model.FileEntry at the end)."""

    version: FileVersion
    kind: str
    issues: list = field(default_factory=list)
    status: str = "current"
    enterprise: str = ""

    def supersede(self) -> None:
        """Mark the file as an older version a newer one replaces: what reading it found does not stand (a hint on
        it would be counted and listed, and no correction of the file could clear it — the newcomer's try)."""
        self.status, self.issues = "superseded", []

    def freeze(self) -> FileEntry:
        return FileEntry(version=self.version, kind=self.kind, issues=tuple(self.issues), status=self.status,
                         enterprise=self.enterprise)


def assemble(campaign: Campaign, versions: list[FileVersion], extracted: dict, *, generated_at: str,
             ignored: list | None = None, pending: list | None = None, removed: list | None = None,
             memo: UnitMemo | None = None, decided: dict | None = None, notices: tuple = ()) -> Assembled:
    """The run's result from its file versions and what each file yielded (``extracted``: inbox path ->
    Extracted). Pure: nothing is read or written. Units, applications and files come out in 附件2 order.

    ``removed`` are files gone from the inbox (their last versions, with ``removed_at``): an application all of
    whose files were removed, and that no file in the inbox continues, was withdrawn by the unit (已撤回).
    ``memo`` (a long-lived process: watch, ``UNIT_MEMO``) keeps each unit's steps 1-7 for the next call.
    ``notices``: what the run noticed about the share (Chinese sentences: a folder it could not open …), carried
    into the result for summary.json and the status page.
    ``decided`` (unit name -> model.DecidedUnit): units whose steps 1-7 are given — the caller vouches that their
    files are the ones these were decided from (cache.UnitRecords) — and whose files ``extracted`` need not hold;
    every unit decided here is added to it.

    The applications carry their 总结材料's sections without the long texts the checks read
    (``SummaryData.without_texts``): no output shows them, and at national scale they are most of the memory.
    """
    removed = list(removed or ())
    given = {} if decided is None else decided
    entries: dict[str, _Entry] = {}
    for fv in versions:
        if fv.unit not in given:
            ex = extracted[fv.path]
            entries[fv.path] = entry = _Entry(version=fv, kind=ex.kind, issues=list(ex.issues))
            if any(i.is_error and i.code.startswith("file.") for i in entry.issues):
                entry.status = "rejected"
    for fv in removed:
        if fv.unit not in given:
            entries[fv.path] = _Entry(version=fv, kind=extracted[fv.path].kind, status="removed")
    by_unit: dict[str, list[FileVersion]] = {}
    for fv in versions:
        if fv.unit:
            by_unit.setdefault(fv.unit, []).append(fv)
        else:
            entries[fv.path].issues.append(_unknown_unit(fv, campaign))
            entries[fv.path].status = "unassigned"

    ordered_all: list[Application] = []
    unit_facts: dict[str, dict] = {}
    for unit in campaign.units:
        files, gone = by_unit.get(unit.name, []), [fv for fv in removed if fv.unit == unit.name]
        kept = given.get(unit.name)
        if kept is None:
            kept = _decided_unit(campaign, unit, files, extracted, entries, gone, memo)
            if decided is not None:
                decided[unit.name] = kept
        ordered, facts = _restore(kept, {fv.path: fv for fv in (*files, *gone)}, entries)
        ordered_all.extend(ordered)
        unit_facts[unit.name] = facts

    # 8. duplicates, among applications that are accepted at all
    dup = duplicate_issues([a for a in ordered_all if not a.late and not a.withdrawn])
    ordered_all = [evolve(a, issues=a.issues + (dup[id(a)],)) if id(a) in dup else a for a in ordered_all]
    # 9. status, what the opinion lists, unit counts, issues on the files they name
    applications = []
    for a in ordered_all:
        status = status_of(a)
        applications.append(evolve(a, status=status, listed_in_opinion=status == PASSED))
    unit_applications: dict[str, list[Application]] = {unit.name: [] for unit in campaign.units}
    for a in applications:
        unit_applications[a.unit].append(a)
    units = tuple(_unit_status(unit, unit_applications[unit.name], unit_facts[unit.name], campaign)
                  for unit in campaign.units)
    for app in applications:
        own = app.files
        for fv in own:
            entries[fv.path].enterprise = app.enterprise
        own = {fv.path for fv in own}
        for issue in app.issues:  # each issue also on the entry of the file it names (own files, ranking sheet)
            entry = entries.get(issue.file)
            if entry is not None and (issue.file in own or entry.kind == RANKING) and issue not in entry.issues:
                entry.issues.append(issue)
    return Assembled(campaign=campaign, generated_at=generated_at, applications=tuple(applications), units=units,
                     files=tuple(e.freeze() for e in sorted(entries.values(), key=lambda e: e.version.path)),
                     ignored=tuple(ignored or ()), pending=tuple(pending or ()), notices=tuple(notices))


class UnitMemo:
    """Steps 1-7 of the units a long-lived process (watch) assembled last, by unit: a unit whose file versions
    and extracted results are the same objects as last time (the extraction cache keeps decoded results per
    process) is not decided again. Keys hold references to what they name, so an object id is never reused
    while its entry lives. ``hits`` and ``misses`` count units."""

    def __init__(self):
        self.entries: dict = {}
        self.hits = 0
        self.misses = 0

    @staticmethod
    def key(campaign: Campaign, files: list, removed: list, extracted: dict) -> tuple:
        refs = tuple(extracted[fv.path] for fv in (*files, *removed))
        return (id(campaign), tuple(files), tuple(removed), tuple(map(id, refs))), (campaign, refs)


UNIT_MEMO = UnitMemo()


def _decided_unit(campaign: Campaign, unit, files: list[FileVersion], extracted: dict, entries: dict,
                  removed: list[FileVersion], memo: UnitMemo | None) -> DecidedUnit:
    """Steps 1-7 for one unit (memoised in ``memo`` when given)."""
    if memo is None:
        return _decide_unit(campaign, unit, files, extracted, entries, removed)
    key, refs = UnitMemo.key(campaign, files, removed, extracted)
    kept = memo.entries.get(unit.name)
    if kept is not None and kept["key"] == key:
        memo.hits += 1
        return kept["decided"]
    memo.misses += 1
    found = _decide_unit(campaign, unit, files, extracted, entries, removed)
    memo.entries[unit.name] = {"key": key, "refs": refs, "decided": found}
    return found


def _restore(decided: DecidedUnit, versions: dict, entries: dict) -> tuple[list[Application], dict]:
    """A decided unit's applications and the facts its UnitStatus is made from; its file entries (``versions``:
    path -> the unit's FileVersion, removed ones included) set to what deciding left them."""
    for path, kind, status, issues, enterprise in decided.files:
        entries[path] = _Entry(version=versions[path], kind=kind, issues=list(issues), status=status,
                               enterprise=enterprise)
    sheet_errors = [(path, issue) for path, kind, status, issues, _enterprise in decided.files
                    if kind == RANKING and status == "current" for issue in issues if issue.is_error]
    return list(decided.ordered), {"scans": list(decided.scans), "ordered_sheets": list(decided.ranking_sheets),
                                   "rank_source": decided.rank_source, "date": decided.date,
                                   "rejected": [entries[path] for path in decided.rejected],
                                   "sheet_errors": sheet_errors}


def _decide_unit(campaign: Campaign, unit, files: list[FileVersion], extracted: dict, entries: dict,
                 removed: list[FileVersion]) -> DecidedUnit:
    """Steps 1-7 (see the module's docstring) for one unit; ``entries`` of its files get their status and issues."""
    listed, aside = files, {fv.path for fv in files if set_aside_folder(fv.path)}
    for path in aside:  # withdrawn or old material kept in a sub-folder ('已撤回（备查）'): listed, nothing else
        entries[path].status, entries[path].issues = "set-aside", []
    files = [fv for fv in files if fv.path not in aside]
    _unpacked_archives(files, extracted, entries)
    rejected = [entries[fv.path] for fv in files if entries[fv.path].status == "rejected"]
    # 1-2. versions and pairing
    candidates, ranking_files = _unit_applications(campaign, files, extracted, entries, rejected)
    # 3. validation and size class
    checked = []
    for app in candidates:
        found = validate(app, campaign)
        checked.append(evolve(app, issues=app.issues + found.issues, ineligible=found.ineligible,
                              **_derived(app, campaign)))
    # 4. ranking: the newest ranking sheet with a rank or a withdrawal in it (the blank template dropped back says
    # nothing; a sheet withdrawing a unit's only application has no rank left). One received after the deadline does
    # not reorder (the notice: 逾期不再受理) when an application came in time: the on-time sheet stands, else the
    # order the on-time files give (a unit all of whose applications are late has no order in time to keep) — but
    # what it withdraws is withdrawn (a unit may always take an application back: SPEC §6, 撤回)
    sheet, sheet_file = None, ""
    for fv, ex in list(ranking_files):
        other = _other_unit_named(fv.name, unit, campaign)
        if not other:
            continue
        ranking_files.remove((fv, ex))  # (another unit's sheet, saved into this unit's folder: not this unit's order)
        entries[fv.path].status = "misplaced"
        entries[fv.path].issues.append(_wrong_folder(fv, other, "推荐排序表", "推荐顺序"))
    usable = [(fv, ex) for fv, ex in ranking_files if any(gives_order(r) or r.withdrawn for r in ex.ranking)]
    in_time = any(not any(received_late(f, campaign) for f in app.files) for app in checked)
    on_time = [it for it in usable if not (in_time and received_late(it[0], campaign))]
    late_withdrawals: list = []  # (the late sheet, its 撤回 rows)
    for fv, ex in usable:
        if in_time and received_late(fv, campaign):
            rows = tuple(r for r in ex.ranking if r.withdrawn)
            if rows:
                late_withdrawals.append((fv, rows))
            entries[fv.path].status = "late-version"
            entries[fv.path].issues.append(late_edit_warning(
                fv, campaign, standing=("截止前收到的推荐排序表仍然有效" if on_time
                                        else "推荐顺序仍按截止前收到的材料确定（文件名中的序号，或收到的先后）")
                + ("；其中写明撤回的项目已按撤回处理" if rows else "")))
    usable = on_time
    if usable:
        newest = _newest(usable)
        sheet, sheet_file = newest[1].ranking, newest[0].path
        for fv, _ in usable:
            if fv.path != sheet_file:
                entries[fv.path].supersede()
        # sheets first seen together (dropped in at once: '推荐排序表.xlsx', '推荐排序表(1).xlsx') that order otherwise:
        # the newest by modification time is taken, and the clerk told which
        together = [fv.name for fv, ex in usable if fv.path != sheet_file and fv.first_seen == newest[0].first_seen
                    and _ranked(ex.ranking) != _ranked(sheet)]
        if together:
            entries[sheet_file].issues.append(make_issue(
                "rank.conflict", file=sheet_file, location="推荐排序表", severity=WARNING,
                message=f"同时收到了几份推荐顺序不同的推荐排序表（“{newest[0].name}”和“{'”“'.join(together)}”），"
                        f"已按修改时间最晚的“{newest[0].name}”排序。",
                fix="请确认以哪一份为准，并把其他几份移出本单位文件夹（或放入“已撤回”子文件夹）。"))
    withdrawn_at = next((fv.first_seen for fv, _ in usable if fv.path == sheet_file), "")
    if late_withdrawals:
        sheet = (*(sheet or ()), *(r for _fv, rows in late_withdrawals for r in rows))
        withdrawn_at = max(fv.first_seen for fv, _rows in late_withdrawals)
        sheet_file = sheet_file or late_withdrawals[-1][0].path
    gone = _withdrawn_by_removal(campaign, removed, extracted, checked, present={fv.sha256 for fv in files})
    ranking = rank_unit(checked, unit, campaign, sheet=sheet, sheet_file=sheet_file, gone=gone)
    if sheet_file:
        entries[sheet_file].issues.extend(ranking.sheet_issues)
    ordered = [evolve(r.app, rank=r.rank, rank_source=r.source, issues=r.app.issues + r.issues,
                       withdrawn=r.withdrawn, withdrawn_at=withdrawn_at if r.withdrawn else "")
               for r in ranking.order]
    ordered += gone
    # 5. attachments
    scans = [fv for fv in files if extracted[fv.path].kind == OPINION_SCAN]
    for fv in list(scans):
        other = _other_unit_named(fv.name, unit, campaign)
        if not other:
            continue
        scans.remove(fv)  # (not this unit's stamped opinion: a file in the wrong folder)
        entries[fv.path].status = "misplaced"
        entries[fv.path].issues.append(_wrong_folder(fv, other, "盖章推荐意见", "盖章推荐意见"))
    for fv in scans:
        if received_late(fv, campaign):  # (the notice: 推荐意见（盖章）… 逾期不再受理; the province decides)
            entries[fv.path].issues.append(late_warning(fv, campaign, fix="是否受理由省厅决定；如确有特殊情况，请联系省厅。"))
    ordered = _attach_scans(ordered, [fv for fv in files if extracted[fv.path].kind == ATTACHMENT], entries,
                            has_opinion_scan=bool(scans), campaign=campaign)
    # 6. deadline
    ordered = [evolve(a, issues=a.issues + late, late=bool(late))
               for a in ordered for late in [late_issues(a, campaign)]]
    # 7. quota, among those that take a place
    over = quota_issues([a for a in ordered if not a.late and not a.ineligible and not a.withdrawn], unit)
    ordered = [evolve(a, issues=a.issues + (over[id(a)],), over_quota=True) if id(a) in over else a
               for a in ordered]
    # the 成文日期: the ranking sheet's, else the newest sheet giving one (a blank template with the date only)
    dated = [(fv, ex) for fv, ex in ranking_files if entries[fv.path].status not in ("superseded", "late-version")
             and (ex.ranking_dates or any(r.date_written for r in ex.ranking))]  # not a sheet a newer one replaced
    source = next(((fv, ex) for fv, ex in dated if fv.path == sheet_file), None) or (_newest(dated) if dated else None)
    date, date_issues = opinion_date(source[1] if source else None, source[0].path if source else "", campaign)
    if source:
        entries[source[0].path].issues.extend(date_issues)
    paths = [fv.path for fv in (*listed, *removed)]
    # the 总结材料's section texts were for the checks above: nothing after them reads them (nor the records)
    ordered = [evolve(a, summary=a.summary.without_texts()) if a.summary else a for a in ordered]
    return DecidedUnit(ordered=tuple(ordered), files=tuple((p, entries[p].kind, entries[p].status,
                                                            tuple(entries[p].issues), entries[p].enterprise)
                                                           for p in paths),
                       scans=tuple(scans), ranking_sheets=tuple(usable), rank_source=ranking.source,
                       rejected=tuple(e.version.path for e in rejected), date=date)


def opinion_date(sheet: Extracted | None, sheet_file: str, campaign: Campaign) -> tuple[str, list]:
    """(the 成文日期 a unit's 推荐排序表 gives its 推荐意见, warnings on it): the one date it gives — its 成文日期 cells
    (Extracted.ranking_dates: above the table, a 落款 row under it) and its rows' 成文日期 column,
    extract.form.read_ranking — else the campaign's ('' leaves it for the unit to write). field.invalid warnings on
    the sheet: a 成文日期 that is not a date ('9月20日', '2021年9月31日'); different dates in one sheet (none of them
    is taken: the campaign's; never one silently); the one date after the deadline's day (the notice: opinions are
    sent 9月20日前) or more than a year before it (another year's) — taken as written, the unit checks it."""
    if sheet is None:
        return campaign.opinion_date, []
    written = [*sheet.ranking_dates, *((row.date_written, row.date_location) for row in sheet.ranking
                                       if row.date_written)]
    invalid: dict[str, str] = {}  # location -> as written
    dates: dict[dt.date, str] = {}  # day -> where it is first written
    for text, where in written:
        day = official_day(text)
        if day:
            dates.setdefault(day, where)
        else:
            invalid.setdefault(where, text)
    issues = [make_issue("field.invalid", file=sheet_file, location=where, field="成文日期", severity=WARNING,
                         value=text, reason="不是有效的日期",
                         hint="写成“2021年9月18日”的形式（年、月、日都要有，且是实际存在的日期），不填则在推荐意见上手写")
              for where, text in invalid.items()]
    if len(dates) > 1:
        shown = "、".join(f"{display_location(where)}为“{official_date(day)}”" for day, where in dates.items())
        used = f"推荐意见使用活动统一的成文日期“{campaign.opinion_date}”" if campaign.opinion_date else "推荐意见的成文日期暂不填写"
        issues.append(make_issue("field.invalid", file=sheet_file, location=next(iter(dates.values())),
                                 field="成文日期", severity=WARNING, value="、".join(map(official_date, dates)),
                                 reason=f"是不同的日期（{shown}），{used}", hint="只保留一个成文日期"))
        return campaign.opinion_date, issues
    for day, where in dates.items():
        issues += _date_out_of_campaign(day, where, sheet_file, campaign)
    return (official_date(next(iter(dates))) if dates else campaign.opinion_date), issues


def _date_out_of_campaign(written: dt.date, where: str, sheet_file: str, campaign: Campaign) -> list:
    """A field.invalid warning when ``written`` (a 成文日期's day) falls after the campaign's deadline
    day — the notice has opinions sent 9月20日前, so a later 成文日期 is a slip (2022 for 2021) or a late opinion —
    or more than a year before it (another year's campaign); [] otherwise. The date stays on the 推荐意见 (it
    is the unit's own): the warning says so."""
    deadline = campaign.deadline_day
    due = official_date(deadline)
    year_before = (deadline.replace(year=deadline.year - 1) if (deadline.month, deadline.day) != (2, 29)
                   else dt.date(deadline.year - 1, 2, 28))
    if written > deadline:
        reason, hint = f"晚于报送截止日期（{due}）", f"核对年、月、日，推荐意见应在{due}前成文并报送"
    elif written < year_before:
        reason, hint = f"比报送截止日期（{due}）早一年以上", f"核对年份（本次推荐的截止日期是{due}）"
    else:
        return []
    return [make_issue("field.invalid", file=sheet_file, location=where, field="成文日期", severity=WARNING,
                       value=official_date(written), reason=f"{reason}，推荐意见已按此日期填写，盖章前请核对",
                       hint=hint)]


def _withdrawn_by_removal(campaign: Campaign, removed: list[FileVersion], extracted: dict,
                          current: list[Application], *, present: set = frozenset()) -> list[Application]:
    """Applications whose files were all removed from the unit's folder (as the quota message advises), and that
    no file still in the inbox continues (a renamed or replaced file is not a withdrawal; nor one whose file is in
    the unit's folders still with the same content — ``present``, SHA-256 digests —: moved into a sub-folder, paired
    anew): 已撤回, with when."""
    if not removed:
        return []
    ghosts = pair_files(campaign, removed, extracted)
    names = {normalize_name(a.enterprise) for a in current}
    titles = {comparison_key(a.benchmark_name) for a in current if a.benchmark_name}
    out = []
    for ghost in ghosts:
        if normalize_name(ghost.enterprise) in names or comparison_key(ghost.benchmark_name) in titles:
            continue
        if any(f.sha256 in present for f in ghost.files):
            continue
        at = max((f.removed_at for f in ghost.files), default="")
        out.append(evolve(ghost, issues=(), withdrawn=True, withdrawn_at=at, rank=None, rank_source="已撤回",
                          **_derived(ghost, campaign)))
    return out


def _unpacked_archives(files: list[FileVersion], extracted: dict, entries: dict) -> None:
    """A zip archive in a unit's folder each of whose files is in the unit's folders with the same content (same
    SHA-256: unpacked, as its file.unsupported asks) is no longer an error: its entry is 'unpacked', listed and not
    read; the clerk who unpacked it need not also delete it. One some of whose files are there names those not
    found — a file edited after unpacking is not its copy, and the message says the archive may then be deleted.
    Contents, not names: enterprises keep the template's names ('申请表.xlsx'), so a name says nothing."""
    archives = [fv for fv in files if extracted[fv.path].archive and entries[fv.path].status == "rejected"]
    if not archives:
        return
    contents = {fv.sha256 for fv in files if not extracted[fv.path].archive}
    for fv in archives:
        members = extracted[fv.path].archive
        entry = entries[fv.path]
        missing = [name for name, digest in members if digest not in contents]
        others = [i for i in entry.issues if i.code != "file.unsupported"]  # (its 'this is an archive' said anew)
        if not missing:
            entry.status, entry.issues = "unpacked", others
        elif len(missing) < len(members):
            listed = "、".join(f"“{name}”" for name in missing[:3]) + ("等" if len(missing) > 3 else "")
            entry.issues = others + [make_issue(
                "file.unsupported", file=fv.path, location="整个文件",
                fix=ARCHIVE_FIX + "已解压后又修改过其中文件的，可以直接删除压缩包。",
                reason=f"这是压缩包，工具不会解压。其中有{len(missing)}个文件在本单位文件夹中没有内容相同的文件：{listed}。")]


def _derived(app: Application, campaign: Campaign) -> dict:
    """What an application's 申请表 gives beside its fields, as evolve() keywords: its size class and industry
    code (sizeclass.size_class) and the region its 所在地区 names (Campaign.region_of) — for every application,
    withdrawn ones included (they stay in the register and its 统计 as what they were)."""
    size, industry = size_class(app.form, campaign)
    return {"size_class": size, "industry_code": industry, "region": campaign.region_of(app.field_text(REGION))}


def _unknown_unit(fv: FileVersion, campaign: Campaign):
    candidates = unit_candidates(fv.folder, campaign) if fv.folder else []
    if len(candidates) > 1:
        reason = f"文件夹“{fv.folder}”可能指{'、'.join(candidates)}，无法确定是哪一个。"
    elif fv.folder:
        meant = likely_unit(fv.folder, campaign)
        reason = f"文件夹“{fv.folder}”不是任何推荐单位的名称或简称" + (f"（是不是“{meant}”？）。" if meant else "。")
    else:
        reason = "文件直接放在收件箱根目录，没有放在推荐单位的文件夹中。"
    return make_issue("unit.unknown", file=fv.path, location=fv.folder or "收件箱", reason=reason)


def _unit_status(unit, apps: list[Application], facts: dict, campaign: Campaign) -> UnitStatus:
    scans, usable = facts["scans"], facts["ordered_sheets"]
    outdated = False
    if scans and apps:
        newest_scan = max(instant(fv.first_seen) for fv in scans)
        # when the applications and the order last changed: a file received or removed (an application withdrawn
        # by moving its files out), a ranking sheet received, an application withdrawn (whatever the route) — not
        # what came after the deadline and was not accepted (an application 逾期, a late version: 逾期不再受理)
        accepted = [f for a in apps if not a.late for f in a.files if not received_late(f, campaign)]
        changes = [f.first_seen for f in accepted] + [f.removed_at for a in apps for f in a.files]
        changes += [fv.first_seen for fv, _ in usable] + [a.withdrawn_at for a in apps]
        outdated = max(map(instant, changes)) > newest_scan
    count = lambda status: sum(1 for a in apps if a.status == status)  # noqa: E731
    reasons = _draft_reasons(apps, facts["rejected"], facts["rank_source"], facts["sheet_errors"])
    return UnitStatus(unit=unit.name, kind=unit.kind, quota=unit.quota, order=unit.order, received=len(apps),
                      passed=count(PASSED), over_quota=count(OVER_QUOTA), late=count(LATE),
                      ineligible=count(INELIGIBLE), needs_fix=count(NEEDS_FIX), withdrawn=count(WITHDRAWN),
                      file_errors=len(facts["rejected"]), sheet_errors=len(facts["sheet_errors"]),
                      stamped_opinion=bool(scans),
                      opinion_outdated=outdated, opinion_files=tuple(fv.path for fv in scans),
                      opinion_late=bool(scans) and all(received_late(fv, campaign) for fv in scans),
                      rank_source=facts["rank_source"], draft_reasons=reasons,
                      opinion_draft="".join(reasons) + ("请按回执处理后重新汇总，生成正式推荐意见后再盖章。" if reasons else ""),
                      opinion_date=facts["date"])


def _draft_reasons(apps: list[Application], rejected: list, rank_source: str,
                   sheet_errors: list) -> tuple[str, ...]:
    """Why the unit's 推荐意见 must not be stamped yet, one sentence each for the clerk (() when it is final):
    applications still to be corrected (需补正), files in its folder that could not be read or recognised, errors
    in the 推荐排序表 its order comes from (``sheet_errors``: (path, Issue)), an order the unit did not give
    (receipt order, with two or more applications to order: for all of them, or for those its 推荐排序表 leaves
    out or whose files have no number when others' have — SPEC §4 step 7), or nothing passed."""
    reasons = []
    waiting = [a for a in apps if a.status == NEEDS_FIX]
    if waiting:
        names = "、".join(a.enterprise for a in waiting[:3]) + ("等" if len(waiting) > 3 else "")
        listed = any(a.listed_in_opinion for a in apps)  # (with none, the opinion prints no table)
        reasons.append(f"本单位尚有{len(waiting)}项申报需补正（{names}），"
                       + ("未列入下表。" if listed else "补正前不列入推荐意见。"))
    if rejected:
        names = "、".join(f"“{e.version.name}”" for e in rejected[:3]) + ("等" if len(rejected) > 3 else "")
        reasons.append(f"本单位文件夹中有{len(rejected)}个文件无法读取或识别（{names}），其中可能有需要推荐的材料。")
    if sheet_errors:
        titles = "、".join(dict.fromkeys(issue_title(issue.code, issue.severity) for _path, issue in sheet_errors))
        reasons.append(f"本单位的推荐排序表有{len(sheet_errors)}处错误（{titles}），推荐顺序可能不是本单位想要的。")
    ordered = [a for a in apps if not a.withdrawn and not a.late and not a.ineligible]
    by_receipt = [a for a in ordered if a.rank_source == "收到顺序"]
    if len(ordered) >= 2 and rank_source == "收到顺序":
        reasons.append("推荐顺序是按收到材料的先后排列的，本单位尚未给出推荐顺序（请填写推荐排序表，"
                       "或在文件名前加序号）。")
    elif len(ordered) >= 2 and by_receipt:  # an order given for some: where the others go is not the unit's word
        names = "、".join(f"“{a.enterprise}”" for a in by_receipt[:3]) + ("等" if len(by_receipt) > 3 else "")
        sheet = rank_source == "推荐排序表"
        reasons.append(f"{names}{'未列入推荐排序表' if sheet else '的文件名前没有序号'}，其推荐顺序是按收到材料的先后排的"
                       f"（排在其他项目之后），不是本单位给出的（请{'在推荐排序表中填写' if sheet else '在文件名前加序号写明'}"
                       "全部项目的推荐顺序）。")
    if not reasons and not any(a.listed_in_opinion for a in apps):
        reasons.append("本单位目前没有通过审核的申报项目，请查看回执。")
    return tuple(reasons)


def _pair_evidence(summary_fv: FileVersion, summary_ex: Extracted, form_fv: FileVersion,
                   form_ex: Extracted) -> tuple[int, int]:
    """(content evidence, placement evidence) that a 总结材料 belongs with a 申请表.

    Content: the same 标杆名称, the enterprise named at the start of the name, in 企业概况 or in the file
    name. Placement (same sub-folder, same rank prefix) only breaks ties or pairs what content cannot.
    """
    form = form_ex.form
    enterprise = form.text(ENTERPRISE)
    s = summary_ex.summary
    content = 0
    bname = s.benchmark_name
    if bname and form.text(BENCHMARK) and same_name(bname, form.text(BENCHMARK)):
        content += 4
    if bname and contains_enterprise(bname[: len(enterprise) + 4], enterprise):
        content += 3
    overview = s.sections.get(SECTION_OVERVIEW)
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


def _distinct_candidates(candidates: list) -> list:
    """``candidates`` ((group key, 申请表's FileVersion, Extracted), in order) without each one _pair_evidence cannot
    tell from an earlier one of its group: the same 申报单位 and 标杆名称 as written, the same sub-folder and rank
    prefix give the same evidence with every 总结材料. Pairing keeps the first of equal evidence, so no pairing
    changes; a form's versions ('申请表(1).xlsx' … '(50)') are one candidate, not fifty for each 总结材料 (50 versions
    of a pair were 2,500 comparisons, 800 were 640,000: 13 s)."""
    seen: set = set()
    distinct = []
    for item in candidates:
        key, ffv, fex = item
        told_by = (key, fex.form.text(ENTERPRISE), fex.form.text(BENCHMARK), ffv.subfolder, prefix_rank(ffv.name))
        if told_by not in seen:
            seen.add(told_by)
            distinct.append(item)
    return distinct


def _ranked(rows) -> list:
    """A ranking sheet's order as it decides: (rank, enterprise as a key, withdrawn) of each row, by rank."""
    return sorted((r.rank or 0, normalize_name(r.enterprise), r.withdrawn) for r in rows)


def _newest(items: list[tuple[FileVersion, Extracted]]) -> tuple:
    return max(items, key=lambda it: (dt.datetime.fromisoformat(it[0].first_seen), it[0].mtime, it[0].path))


def pair_files(campaign: Campaign, files: list[FileVersion], extracted: dict) -> list[Application]:
    """The applications ``files`` (with what each held, ``extracted``: path -> Extracted) make as one unit's folder
    does in a run (steps 1-2: forms grouped by enterprise, versions, each 总结材料 paired by content, then by
    sub-folder or rank prefix), before validation and the unit's decisions: what `check` cross-checks. Each
    application's form_file / summary_file is the version that counts, ``superseded`` the others."""
    scratch = {fv.path: _Entry(version=fv, kind=extracted[fv.path].kind) for fv in files}
    return _unit_applications(campaign, files, extracted, scratch, [])[0]


def _unit_applications(campaign: Campaign, files: list[FileVersion], extracted: dict, entries: dict,
                       rejected: list) -> tuple[list[Application], list]:
    """Steps 1-2 for one unit: (candidate applications with the issues reading and pairing found, the unit's
    ranking sheets as (FileVersion, Extracted)). Marks superseded and late versions on ``entries``."""
    forms: list[tuple[FileVersion, Extracted]] = []
    summaries: list[tuple[FileVersion, Extracted]] = []
    rankings: list[tuple[FileVersion, Extracted]] = []
    for fv in files:
        ex = extracted[fv.path]
        if ex.kind in (FORM, APPLICATION_DOC) and ex.form is not None:
            # a workbook holding several enterprises' forms (one per sheet) is one application per form;
            # the file's own findings go with its first form only
            for n, form in enumerate(ex.all_forms):
                forms.append((fv, evolve(ex, form=form, forms=(), issues=ex.issues if n == 0 else ())))
        if ex.kind == SUMMARY and ex.summary is not None:
            summaries.append((fv, ex))
        if ex.kind == RANKING:
            rankings.append((fv, ex))
    # group forms by enterprise; a later form is a new version of the same application unless it is
    # clearly a second project (another 标杆名称 in another sub-folder or under another rank prefix)
    groups: dict[str, dict] = {}
    titled: dict[str, list[str]] = {}  # 标杆名称 (comparison_key) -> the groups whose forms have it
    placed: dict[tuple, list[str]] = {}  # (sub-folder, rank prefix) of a form, either given -> the groups there
    for fv, ex in sorted(forms, key=lambda it: (dt.datetime.fromisoformat(it[0].first_seen), it[0].path)):
        name = ex.form.text(ENTERPRISE)
        base = normalize_name(name) or f"?{fv.path}"
        title = comparison_key(ex.form.text(BENCHMARK))
        place = (fv.subfolder, prefix_rank(fv.name))
        if base not in groups:  # a 申报单位 corrected in a later version (the earlier one is listed as superseded):
            # one with the same 标杆名称, else — both corrected, as the 回执's name.pattern hint asks — one in the same
            # sub-folder under the same rank prefix (a placed form: one of the two given)
            corrected = _corrected_name([(k, groups[k]) for k in titled[title]], fv, ex) if title in titled else None
            if corrected is None and place != ("", None):
                corrected = _corrected_name([(k, groups[k]) for k in placed.get(place, ())], fv, ex, figures=True)
            base = corrected or base
        key = base
        n = 1
        while key in groups and _second_project(groups[key]["forms"][-1], (fv, ex)):
            n += 1
            key = f"{base}#{n}"
        g = groups.setdefault(key, {"enterprise": name or unnamed_form(fv.name), "forms": [],
                                    "summaries": [], "retitled": []})
        if g["forms"] and (before := g["forms"][-1])[0].path != fv.path:
            earlier = comparison_key(before[1].form.text(BENCHMARK))
            if earlier and title and earlier != title:  # a new version with another 标杆名称: said, not silent
                g["retitled"].append((before, (fv, ex)))
        g["forms"].append((fv, ex))
        if title and key not in titled.setdefault(title, []):
            titled[title].append(key)
        if place != ("", None) and key not in placed.setdefault(place, []):
            placed[place].append(key)
        if ex.kind == APPLICATION_DOC and ex.summary is not None:
            g["summaries"].append((fv, ex))
    # pass 1: pair on content evidence; candidates are the forms with the same 标杆名称, else every form
    by_name: dict[str, list] = {}
    for key, g in groups.items():
        for ffv, fex in g["forms"]:
            bname = comparison_key(fex.form.text(BENCHMARK))
            if bname:
                by_name.setdefault(bname, []).append((key, ffv, fex))
    by_name = {bname: _distinct_candidates(found) for bname, found in by_name.items()}
    # where else a summary's form may be found without scanning every form of the unit (a national unit has
    # hundreds): by the enterprise it names or starts its 标杆名称 with, by sub-folder, by rank prefix
    by_enterprise: dict[str, list] = {}
    by_place: dict[tuple, list] = {}
    for key, g in groups.items():
        for item in g["forms"]:
            ffv, fex = item[0], item[1]
            name = normalize_name(fex.form.text(ENTERPRISE))
            for k in {name, strip_company_suffix(name)} - {""}:
                by_enterprise.setdefault(k, []).append((key, ffv, fex))
            if ffv.subfolder:
                by_place.setdefault(("dir", ffv.subfolder), []).append((key, ffv, fex))
            prefix = prefix_rank(ffv.name)
            if prefix is not None:
                by_place.setdefault(("rank", prefix), []).append((key, ffv, fex))

    def likely_forms(fv, ex) -> list:
        found = []
        for named in (enterprise_named_in(ex.summary), _enterprise_from_summary(ex, fv)):
            n = normalize_name(named)
            found += by_enterprise.get(n, []) + by_enterprise.get(strip_company_suffix(n), [])
        found += by_place.get(("dir", fv.subfolder), []) if fv.subfolder else []
        found += by_place.get(("rank", prefix_rank(fv.name)), [])
        return _distinct_candidates(list({id(item[2]): item for item in found}.values()))

    every_form: list = []  # (made once, when a summary first needs it)
    unpaired = []
    for fv, ex in summaries:
        candidates = by_name.get(comparison_key(ex.summary.benchmark_name), []) or likely_forms(fv, ex)
        if not candidates:
            every_form = every_form or _distinct_candidates(
                [(key, ffv, fex) for key, g in groups.items() for ffv, fex in g["forms"]])
            candidates = every_form
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
    left = []
    for fv, ex in unpaired:
        named = enterprise_named_in(ex.summary)
        placed = _distinct_candidates((by_place.get(("dir", fv.subfolder), []) if fv.subfolder else []) + by_place.get(
            ("rank", prefix_rank(fv.name)), []))  # placement evidence needs the same sub-folder or rank prefix
        options = {key for key, ffv, fex in placed if not groups[key]["summaries"]
                   and _pair_evidence(fv, ex, ffv, fex)[1] >= 1
                   and (not named or normalize_name(named) == normalize_name(fex.form.text(ENTERPRISE)))}
        if len(options) == 1:
            groups[options.pop()]["summaries"].append((fv, ex))
        else:
            left.append((fv, ex))
    # pass 3: what is left, by likeness — a 总结材料 whose names differ a little from its 申请表's ('香河县华美家具有限
    # 责任公司' for '香河华美家具有限公司') is that application, told apart by the mismatch rule, not two halves
    # each taking a quota place
    for (fv, ex), key in _pairs_by_likeness(left, groups):
        groups[key]["summaries"].append((fv, ex))
    # then a copy of a 总结材料 paired (a unit folder copied beside itself: the same bytes) is a version of it
    paired = {id(ex): key for key, g in groups.items() for _fv, ex in g["summaries"]}
    by_digest = {sfv.sha256: key for key, g in groups.items() for sfv, _ in g["summaries"] if sfv.sha256}
    for fv, ex in (item for item in left if id(item[1]) not in paired):
        if fv.sha256 in by_digest:
            groups[by_digest[fv.sha256]]["summaries"].append((fv, ex))
            continue
        bname = comparison_key(ex.summary.benchmark_name)
        key = f"?summary:{fv.subfolder}:{bname}" if bname else f"?summary:{fv.path}"
        groups.setdefault(key, {"enterprise": _enterprise_from_summary(ex, fv), "forms": [], "summaries": [],
                                "retitled": []})
        groups[key]["summaries"].append((fv, ex))
        if fv.sha256:
            by_digest.setdefault(fv.sha256, key)  # (its copy elsewhere in the unit's folders joins it)
    apps = []
    for key, g in groups.items():
        unit = files[0].unit
        enterprise = g["enterprise"]
        late_versions = []
        form_file = form = summary_file = summary = None
        if g["forms"]:
            form_file, ex = _current(g["forms"], campaign)
            form = ex.form
            # the 申报单位 as the newest 申请表 writes it (a typo corrected: _corrected_name)
            enterprise = form.text(ENTERPRISE) or enterprise
            late_versions += [f for f, _ in g["forms"]
                              if received_late(f, campaign) and not received_late(form_file, campaign)]
        if g["summaries"]:
            summary_file, ex = _current(g["summaries"], campaign)
            summary = ex.summary
            late_versions += [f for f, _ in g["summaries"]
                              if received_late(f, campaign) and not received_late(summary_file, campaign)]
        current = {f.path for f in (form_file, summary_file) if f is not None}
        superseded: list = []
        listed = set(current)  # (a path's first version, once: a set, for a file sent hundreds of times)
        for f, _ in (*g["forms"], *g["summaries"]):
            if f.path not in listed:
                listed.add(f.path)
                superseded.append(f)
        late_versions = list({f.path: f for f in late_versions if f.path not in current}.values())
        versions = max(sum(f.revisions for f, _ in g["forms"]), sum(f.revisions for f, _ in g["summaries"]), 1)
        for fv in superseded:
            entries[fv.path].supersede()
            entries[fv.path].enterprise = enterprise
        for fv in late_versions:  # a correction sent after the deadline is not accepted; the on-time one stands
            entries[fv.path].status = "late-version"
            entries[fv.path].issues.append(late_edit_warning(fv, campaign, standing="截止前收到的版本仍然有效"))
        issues: list = []
        read = {id(fex): fex for f, fex in (*g["forms"], *g["summaries"]) if f.path in current}
        for fex in read.values():  # what reading the files found (dropped characters, cover vs table …)
            issues.extend(i for i in fex.issues if i not in issues)
        benchmark = (form.text(BENCHMARK) if form else "") or (summary.benchmark_name if summary else "")
        app = Application(unit=unit, enterprise=enterprise, benchmark_name=benchmark, form_file=form_file,
                          form=form, summary_file=summary_file, summary=summary, versions=versions,
                          superseded=tuple(superseded))
        # a 标杆名称 changed on the way to the form that counts (not one sent late, which does not count), said once
        retitled = [(old, new) for old, new in g["retitled"] if form is not None
                    and comparison_key(new[1].form.text(BENCHMARK)) == comparison_key(form.text(BENCHMARK))]
        if retitled:
            (old_fv, old_ex), (new_fv, new_ex) = retitled[0]
            issues.append(_retitled(enterprise, old_fv, old_ex, new_fv, new_ex))
        issues += [hint for current, kind, side in ((form_file, "申请表", g["forms"]), (summary_file, "总结材料",
                                                                                              g["summaries"]))
                   if (hint := _resaved(current, [f for f, _ in side], kind, campaign)) is not None]
        if form is not None and summary is None:
            issues.append(make_issue("pair.missing-summary", file=form_file.path, location="总结材料",
                                     enterprise=enterprise, note=_rejected_note(app, rejected)))
        if summary is not None and form is None:
            issues.append(make_issue("pair.missing-form", file=summary_file.path, location="申请表",
                                     name=benchmark or summary_file.name, note=_rejected_note(app, rejected)))
        apps.append(evolve(app, issues=tuple(issues)))
    return apps, rankings


# a file name saying it is the corrected version ('申请表（修改版）', '总结材料-更正', '最终版', 'v2'); not a download's
# '(1)', which says nothing of what is in it
_CORRECTED_NAME = re.compile(r"修改|修订|更正|改正|补正|新版|最新|最终|终稿|定稿|第[二三四五六2-6]版|(?<![a-z])v\d", re.IGNORECASE)


def _resaved(current: FileVersion | None, versions: list[FileVersion], kind: str, campaign: Campaign) -> Issue | None:
    """version.resaved, a warning, when the version that counts (``current``, the newest of ``versions``: one
    application's 申请表 or 总结材料) is a file saved again (a second version of its path) whose name says nothing
    of a correction, and another of them received before it is named as the corrected one ('1-申请表.xlsx' opened
    and saved after '1-申请表（修改版）.xlsx' was sent): the newest counts, as the notice's versions do, but a
    clerk who only re-saved the old draft overrides the correction with no word."""
    if current is None or current.revisions < 2 or _CORRECTED_NAME.search(current.name):
        return None
    named = [fv for fv in versions if fv.path != current.path and _CORRECTED_NAME.search(fv.name)
             and instant(fv.first_seen) < instant(current.first_seen) and not received_late(fv, campaign)]
    if not named:
        return None
    other = max(named, key=lambda fv: instant(fv.first_seen))
    return make_issue("version.resaved", file=current.path, location=kind, name=current.name, other=other.name,
                      received_at=human_time(current.first_seen))


LIKENESS = 0.85  # difflib ratio of two 申报单位 (legal forms taken off) from which they may be one enterprise's
# ('香河县华美家具' / '香河华美家具' 0.92; '唐山三友化纤' / '唐山三友化工', two companies, 0.83)
_LIKENESS_MARGIN = 0.1  # the likeliest form must be this much likelier than the next, or the summary stays unpaired


def _pairs_by_likeness(summaries: list[tuple[FileVersion, Extracted]], groups: dict) -> list[tuple[tuple, str]]:
    """Pairs ((summary's FileVersion, Extracted), group key) of the 总结材料 content and placement could not pair
    with the groups whose 申请表 have no 总结材料 yet, in the same sub-folder (or both in none), by the enterprise
    each names, legal forms taken off: one part of the other (≥ 4 字: '金鼎钢木家具' of '霸州市金鼎钢木家具'), else
    alike (difflib ratio ≥ LIKENESS: '香河县华美家具' and '香河华美家具'), never two legal forms that name different
    companies (names.legal_forms_agree: a 股份 company is not its 集团's). The 标杆名称 are not compared: most of
    their words are the naming rule's ('…有限公司实施…管理的经验'). Each summary goes to its likeliest form, only
    when no other form comes within _LIKENESS_MARGIN; each form takes one summary, the likeliest pair first. The
    pair's differences are then the mismatch rule's errors, as `check` of the two files says."""
    open_forms = [(key, g["forms"][-1]) for key, g in groups.items() if g["forms"] and not g["summaries"]]
    scored = []
    for item in summaries:
        fv, ex = item
        named = enterprise_named_in(ex.summary) or _enterprise_from_summary(ex, fv)
        written = normalize_name(named) if not named.startswith("（") else ""
        stem = strip_company_suffix(written)
        likes = []
        for key, (ffv, fex) in open_forms:
            form_name = normalize_name(fex.form.text(ENTERPRISE))
            form_stem = strip_company_suffix(form_name)
            if (ffv.subfolder != fv.subfolder or len(stem) < 2 or len(form_stem) < 2
                    or not legal_forms_agree(written, form_name)):  # (a 股份 company is not its 集团's)
                continue
            short, long_ = sorted((stem, form_stem), key=len)
            if len(short) >= 4 and short in long_:
                ratio = 1.0
            else:  # (the cheap upper bounds first: a unit's folder may hold hundreds of forms)
                alike = difflib.SequenceMatcher(None, stem, form_stem)
                ratio = alike.ratio() if alike.real_quick_ratio() >= LIKENESS and alike.quick_ratio() >= LIKENESS \
                    else 0.0
            if ratio >= LIKENESS:
                likes.append((ratio, key))
        likes.sort(reverse=True)
        if likes and (len(likes) == 1 or likes[0][0] - likes[1][0] >= _LIKENESS_MARGIN):
            scored.append((likes[0][0], item, likes[0][1]))
    out, taken = [], set()
    for _ratio, item, key in sorted(scored, key=lambda it: -it[0]):
        if key not in taken:
            taken.add(key)
            out.append((item, key))
    return out


def _wrong_folder(fv: FileVersion, other: str, kind: str, taken_as: str) -> Issue:
    """file.unrecognized, a warning: the unit's ``kind`` of file (盖章推荐意见, 推荐排序表) whose name names ``other``
    unit (_other_unit_named) — not taken as this unit's ``taken_as``; where to put it."""
    return make_issue("file.unrecognized", file=fv.path, location="文件名", severity=WARNING,
                      message=f"这份{kind}的文件名中写的是“{other}”，不是本单位，未作为本单位的{taken_as}。",
                      fix=f"请核对是否放错了文件夹：本单位的{kind}请在文件名中写本单位名称；“{other}”的请放入该单位的文件夹。")


def _other_unit_named(name: str, unit, campaign: Campaign) -> str:
    """The name of another unit — as written in the file's ``name``: its full name or an alias that names an office
    or association ('唐山市工信局', '冶金协会'), never a bare place ('关于推荐唐山市德龙钢铁有限公司的推荐意见' names
    an enterprise's city, not 唐山's bureau) — when the file's name names no unit of ``unit``'s; '' otherwise.
    ``unit``'s own name counts however its association is spelled ('河北省纺织服装行业协会' for 河北省纺织与服装行业协会:
    units.unit_core), and another unit named for the enterprises it covers ('（含石家庄市工信局推荐企业）', '冶金协会会员
    企业') names no sender."""
    text = normalize_name(name)
    core = unit_core(text)

    def named(u, text: str = text, spelled=normalize_name) -> str:
        return next((n for n in (u.name, *u.aliases) if _UNIT_WORDS.search(n)
                     and any(not _DESCRIBING.match(text, m.end()) and not _INCLUDING.search(text, 0, m.start())
                             for m in re.finditer(re.escape(spelled(n)), text))), "")

    if named(unit) or named(unit, core, unit_core) or any(len(n) >= 3 and normalize_name(n) in text
                                                         for n in unit.aliases):
        return ""
    others = [u for u in campaign.units if u.name != unit.name]
    return next((found for u in others if (found := named(u))), "") or next(
        (u.name for u in others if named(u, core, unit_core)), "")


_DESCRIBING = re.compile(r"(?:的)?(?:会员|推荐的?企业|推荐企业|所属企业|企业)")  # '冶金协会会员企业', '…工信局推荐企业'
_INCLUDING = re.compile(r"(?:含|包括|包含)$")  # '（含石家庄市工信局…）'
_UNIT_WORDS = re.compile(r"工信局|工业和信息化局|改革发展局|协会|促进会|质协")


def _retitled(enterprise: str, old_fv: FileVersion, old_ex: Extracted, new_fv: FileVersion,
              new_ex: Extracted) -> Issue:
    """duplicate.enterprise, a warning: one enterprise's 申请表 sent twice under other file names with different
    标杆名称 and nothing telling two projects apart (another sub-folder, another rank prefix: _second_project) —
    taken as a new version of one application (the later counts), which a clerk who meant two projects must
    hear of (the notice: one project an enterprise)."""
    old_name, new_name = old_ex.form.text(ENTERPRISE), new_ex.form.text(ENTERPRISE)
    renamed = f"（申报单位由“{old_name}”改为“{new_name}”）" if normalize_name(old_name) != normalize_name(new_name) else ""
    return make_issue(
        "duplicate.enterprise", file=new_fv.path, location=new_ex.form.fields[BENCHMARK].location
        if BENCHMARK in new_ex.form.fields else "申请表", field=BENCHMARK, severity=WARNING,
        message=(f"企业“{enterprise}”先后报送了两份标杆名称不同的申请表：“{old_fv.name}”为“{old_ex.form.text(BENCHMARK)}”，"
                 f"“{new_fv.name}”为“{new_ex.form.text(BENCHMARK)}”{renamed}，已按同一项申报的新版本处理（以后收到的为准）。"),
        fix="同一企业只能申报一项；如果是改了标杆名称，可忽略本提示，并删除旧版本；如果是两个项目，请与企业商定保留一项。")


def _rejected_note(app: Application, rejected: list) -> str:
    """A missing 申请表/总结材料 may be the unit's unreadable file (encrypted, damaged): a sentence naming it."""
    if not rejected:
        return ""
    mine = [e for e in rejected if contains_enterprise(e.version.name, app.enterprise)
            or (e.version.subfolder and any(e.version.subfolder == f.subfolder for f in app.files))]
    names = "、".join(f"“{e.version.name}”" for e in (mine or rejected)[:3])
    return f"（本单位另有无法读取的文件{names}，可能就是这份材料，请按该文件的提示处理。）"


_FORM_WORDS = re.compile("申请表|申请书|总结材料")
_STAMP_WORDS = re.compile("盖章|公章|签章|扫描")


def _attach_scans(apps: list[Application], attachments: list[FileVersion], entries: dict, *,
                  has_opinion_scan: bool, campaign: Campaign) -> list[Application]:
    """Give each scan (PDF/image) or dropped-back output its application: the enterprise named in the file
    name, the same sub-folder or the same rank prefix; the only application when a unit has one.

    A scan of a 申请表/总结材料 that belongs to no application is an error (its content cannot be read);
    a stamped scan that belongs to none, in a unit with no 推荐意见 scan, gets a hint to rename it.
    Returns ``apps`` with their attachments.
    """
    owned: dict[int, list] = {id(a): [] for a in apps}
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
            owned[id(owner)].append(fv)
            entries[fv.path].enterprise = owner.enterprise
            continue
        name = normalize_filename(fv.name)
        if _FORM_WORDS.search(name):
            entries[fv.path].issues.append(make_issue(
                "file.unsupported", file=fv.path, location="整个文件",
                reason="这是扫描件（PDF/图片），无法读取其中填写的内容，也找不到它所属的申报材料。",
                fix="扫描件只能作为附件；请同时提交可编辑的申请表（.xlsx）和总结材料（.docx），"
                    "扫描件文件名中写明企业名称。"))
        elif _STAMP_WORDS.search(name) and not has_opinion_scan and campaign.opinion_keyword in name:
            # named a stamped 推荐意见 yet not read as one: our own unstamped output (extract.own), renamed
            entries[fv.path].issues.append(make_issue(
                "file.unrecognized", file=fv.path, location="整个文件", severity=WARNING,
                message=f"“{fv.name}”是本工具生成的{campaign.opinion_keyword}，没有盖章，不算盖章{campaign.opinion_keyword}"
                        "（文件名写了“盖章”也不算）。",
                fix=f"请打印{campaign.opinion_keyword}，签字盖章后扫描（PDF/JPG/PNG），或加盖电子印章，再放回本单位文件夹，"
                    f"文件名含“{campaign.opinion_keyword}”；这个未盖章的文件可以删除。"))
        elif _STAMP_WORDS.search(name) and not has_opinion_scan:
            entries[fv.path].issues.append(make_issue(
                "file.unrecognized", file=fv.path, location="文件名", severity=WARNING,
                reason=f"（这是盖章扫描件，但文件名中没有“{campaign.opinion_keyword}”，也没有写明企业名称）",
                fix=f"如果这是盖章的{campaign.opinion_keyword}，请在文件名中加上“{campaign.opinion_keyword}”"
                    f"（如“本单位-{campaign.opinion_keyword}（盖章）.pdf”）；如果是某个企业的附件，请在文件名中写明企业名称。"))
    return [evolve(a, attachments=a.attachments + tuple(owned[id(a)])) if owned[id(a)] else a for a in apps]


def _current(items: list[tuple[FileVersion, Extracted]], campaign: Campaign) -> tuple:
    """The version that counts: the newest, unless it came after the deadline and an on-time one exists."""
    on_time = [it for it in items if not received_late(it[0], campaign)]
    return _newest(on_time or items)


def _corrected_name(candidates: list[tuple[str, dict]], fv: FileVersion, ex: Extracted, *,
                    figures: bool = False) -> str | None:
    """The key of the group (among ``candidates``: (key, group), those with ``ex``'s 标杆名称) whose latest 申请表
    ``ex`` — one whose 申报单位 no earlier one has — corrects: a 申报单位 spelt nearly alike (a typo put right:
    '有限贵任公司' -> '有限责任公司'; difflib's ratio ≥ 0.85) in the same place — the same sub-folder (or none) and the
    same rank prefix (or none) in its file name: an enterprise's branch in its own sub-folder or under another
    number is another application. ``figures``: the 标杆名称 may differ too (the 回执's name.pattern hint asks to
    correct both), so the enterprise's figures are asked to be the same as well (_same_figures) — two companies of
    one group alike in name ('唐山三友化工股份有限公司', '唐山三友化纤股份有限公司'), filled in by one group office
    with its contacts, in the group's sub-folder, are two applications. None when none or several fit."""
    name = normalize_name(ex.form.text(ENTERPRISE))
    if len(name) < 4:
        return None
    fits = []
    for key, g in candidates:
        last_fv, last = g["forms"][-1]
        other = normalize_name(last.form.text(ENTERPRISE))
        if (last_fv.subfolder == fv.subfolder and prefix_rank(last_fv.name) == prefix_rank(fv.name)
                and len(other) >= 4 and difflib.SequenceMatcher(None, name, other).ratio() >= 0.85
                and (not figures or _same_figures(last.form, ex.form))):
            fits.append(key)
    return fits[0] if len(fits) == 1 else None


def _same_figures(a, b) -> bool:
    """Whether two 申请表 (FormData) give one enterprise's figures: at least three yearly values (资产总额, 主营业收入,
    利润总额 …, in 万元) written in both, and every value written in both the same."""
    both = [(x.value, b.yearly[key][year].value) for key, per_year in a.yearly.items()
            for year, x in per_year.items() if key in b.yearly and year in b.yearly[key]
            and isinstance(x.value, (int, float)) and isinstance(b.yearly[key][year].value, (int, float))]
    return len(both) >= 3 and all(abs(x - y) < 0.005 for x, y in both)


def _second_project(earlier: tuple, later: tuple) -> bool:
    (fv1, ex1), (fv2, ex2) = earlier, later
    name1, name2 = comparison_key(ex1.form.text(BENCHMARK)), comparison_key(ex2.form.text(BENCHMARK))
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
    return unknown_enterprise(fv.name)
