"""Ranking within a unit: 推荐排序表 beats file-name prefixes beats receipt order (rank.missing, rank.conflict)."""
from __future__ import annotations

import bisect
import functools
import re
from dataclasses import dataclass, replace

from ..campaign import Campaign, Unit
from ..clock import instant
from ..messages import make_issue
from ..model import WARNING, Application, RankingRow
from ..names import (
    legal_forms_agree,
    same_enterprise,
    same_name,
    same_stem,
    strip_company_suffix,
)
from ..normalize import normalize_filename, normalize_name
from .deadline import received_late

_PREFIX = re.compile(r"^\s*(?:第\s*(\d{1,3})\s*[名位项]|[(（\[【](\d{1,3})[)）\]】]|(\d{1,3})\s*[-_.、．\s])")
_CN_PREFIX = re.compile(r"^\s*第([一二三四五六七八九十])[名位项]")
_CN = "一二三四五六七八九十"


@functools.lru_cache(maxsize=1 << 16)
def prefix_rank(name: str) -> int | None:
    """'1-…', '01_…', '第1名…', '(2)…' -> the number, whatever the width or variant of digits, dashes and
    brackets ('１－…', '1—…', '【2】…'; see normalize_filename)."""
    name = normalize_filename(name)
    m = _PREFIX.match(name)
    if m:
        return int(m.group(1) or m.group(2) or m.group(3))
    m = _CN_PREFIX.match(name)
    return _CN.index(m.group(1)) + 1 if m else None


def _app_prefix(app: Application) -> int | None:
    for f in app.files:
        n = prefix_rank(f.name)
        if n is not None:
            return n
    for f in app.files:
        if f.subfolder:
            n = prefix_rank(f.subfolder.split("/")[0])
            if n is not None:
                return n
    return None


def _row_matches(row: RankingRow, apps: list[Application]) -> list[Application]:
    """The applications a 推荐排序表 row names: the same 申报单位 as written (normalised); else the same with another
    spelling of its legal form or none (names.same_stem: '…机械公司' names '…机械有限公司', '河北钢铁集团有限公司' does
    not name '河北钢铁股份有限公司' — a row naming a company that did not apply is an error, never another's rank); else,
    a row without 申报单位, the same 标杆名称; else a short name part of exactly one 申报单位 (_short_name_match)."""
    row_ent = normalize_name(row.enterprise)
    if row_ent:
        named = [(a, normalize_name(a.enterprise)) for a in apps]
        exact = [a for a, ent in named if ent == row_ent]
        if exact:
            return exact
        stripped = [a for a, ent in named if same_stem(ent, row_ent)]
        if stripped:
            return stripped
    elif row.benchmark_name:
        titled = [a for a in apps if same_name(row.benchmark_name, a.benchmark_name)]
        if titled:
            return titled
    return _short_name_match(row, apps)


def _short_name_match(row: RankingRow, apps: list[Application]) -> list[Application]:
    """A clerk's short name ('立信电子' for '石家庄立信电子科技有限公司'): the only application it is part of."""
    written = normalize_name(row.enterprise)
    short = strip_company_suffix(written)
    if len(short) < 2:
        return []
    hits = [a for a in apps if short in (ent := normalize_name(a.enterprise)) and legal_forms_agree(written, ent)]
    return hits if len(hits) == 1 else []


def first_file(app: Application) -> str:
    return app.files[0].path if app.files else ""


@dataclass(frozen=True)
class Ranked:
    """One application's place in its unit's order: rank 1..n, where the order came from, and the
    rank.missing / rank.conflict issues about it."""

    app: Application
    rank: int | None  # None for an application the unit withdrew
    source: str  # 推荐排序表 | 文件名序号 | 收到顺序 | 已撤回
    issues: tuple = ()
    withdrawn: bool = False


@dataclass(frozen=True)
class Ranking:
    """A unit's applications in ranking order, and the issues about the ranking sheet itself."""

    order: tuple  # Ranked, rank 1 first, withdrawn applications last
    source: str  # where the unit's order came from ('' when it has no application)
    sheet_issues: tuple = ()


def _prefixes_disagree(apps: list[Application], given: dict[int, int], placed: dict[int, str],
                       prefixes: dict[int, int | None], sheet_file: str) -> list:
    """A rank.conflict 提示 on the 推荐排序表 when the order it gives ``apps`` (those it ranks; none withdrawn)
    differs from the one their file-name prefixes ('1-', '第2名', a '3-' sub-folder: ``prefixes``) give: the sheet
    wins (SPEC §4 step 5), and the clerk is told so instead of one of two orders being dropped without a word.
    Orders are compared, not numbers (a sheet saying 1, 2 and files '2-', '3-' agree). The applications named are
    those placed otherwise: all but the longest run the two orders share (one application moved from first to
    last is that one, not the others that moved up a place). [] when they agree or fewer than two have both."""
    both = [a for a in apps if id(a) in given and prefixes[id(a)] is not None]
    by_sheet = sorted(both, key=lambda a: (given[id(a)], prefixes[id(a)]))
    kept = _longest_rising([prefixes[id(a)] for a in by_sheet])
    moved = [a for n, a in enumerate(by_sheet) if n not in kept]
    if not moved:
        return []
    shown = "；".join(f"“{a.enterprise}”排序表中为第{given[id(a)]}位、文件名序号为{prefixes[id(a)]}" for a in moved[:3])
    more = f"等{len(moved)}项" if len(moved) > 3 else ""
    return [make_issue("rank.conflict", severity=WARNING, file=sheet_file, location=placed[id(moved[0])],
                       field="推荐顺序",
                       reason=f"推荐排序表的推荐顺序与文件名（或所在文件夹名）开头的序号不一致（{shown}{more}），已按推荐排序表排序。",
                       fix="请确认本单位的推荐顺序：以推荐排序表为准的，推荐顺序无需改动，但本提示会一直显示，直到把文件名开头的序号"
                           "改成与排序表一致；以文件名序号为准的，请改正推荐排序表后放回本单位文件夹。")]


def _renumbered(ranked: list, given: dict[int, int], accounted: set, placed: dict[int, str], sheet_file: str, *,
                by_sheet: bool, in_folder: frozenset = frozenset(), unnumbered: int = 0):
    """A rank.gap 提示 when the ranks a unit gave (``given``: id(app) -> rank, from its 推荐排序表 when ``by_sheet``,
    else from its files' name prefixes) leave out a number below the highest (1, 3: no 2) that no withdrawn
    application or row naming no application held (``accounted``): the order is kept and numbered 1, 2, 3 … (SPEC
    §4 step 5), so the 推荐意见 the unit stamps numbers them otherwise than the unit did — the clerk is told which
    now stand where, and that a missing number may be an enterprise left out. ``ranked``: the unit's Ranked, in
    order; ``in_folder``: id(app) of those whose number is their sub-folder's ('3-恒达轴承/申请表.xlsx'), not a file
    name's — the clerk is sent to the folder's name. The issue (on the sheet's row of the first application
    renumbered, or on its file's or folder's name), or None when no number is left out — or no more numbers than
    the sheet lists applications without a rank that take no place (``unnumbered``: 不符合申报条件 or late, left
    blank on purpose: the 1, 3 of a sheet whose 2nd row is such an application leaves out no enterprise)."""
    if not given:
        return None
    gaps = sorted(set(range(1, max(given.values()) + 1)) - set(given.values()) - accounted)
    moved = [r for r in ranked if id(r.app) in given and given[id(r.app)] != r.rank]
    if len(gaps) <= unnumbered or not moved:
        return None
    numbers = "、".join(map(str, gaps[:5]))
    missing = (f"没有第{numbers}位" if by_sheet else f"没有序号{numbers}") + (
        f"等{len(gaps)}个{'名次' if by_sheet else '序号'}" if len(gaps) > 5 else "")
    shown = "、".join(f"“{r.app.enterprise}”由第{given[id(r.app)]}位改为第{r.rank}位" for r in moved[:3])
    more = f"等{len(moved)}项" if len(moved) > 3 else ""
    folders = {id(r.app) in in_folder for r in ranked if id(r.app) in given}
    named = "文件夹名" if folders == {True} else "文件名（或所在文件夹名）" if True in folders else "文件名"
    where = "推荐排序表中的推荐顺序" if by_sheet else f"{named}开头的序号"
    first = moved[0].app
    return make_issue("rank.gap", file=sheet_file if by_sheet else first_file(first),
                      location=placed.get(id(first), "推荐排序表") if by_sheet
                      else "文件夹名" if id(first) in in_folder else "文件名", field="推荐顺序",
                      reason=f"{where}不连续（{missing}），已按先后顺序重新编号：{shown}{more}。",
                      fix=None if by_sheet else "请核对是否漏报了企业；没有漏报的，推荐意见按重新编号后的顺序排列，"
                                                f"如需消除本提示，请把{named}开头的序号改为连续的 1、2、3…。")


def _longest_rising(values: list[int]) -> set[int]:
    """The positions of a longest non-decreasing run (not necessarily contiguous) of ``values`` (patience
    sorting, O(n log n)): the places two orders agree on."""
    tails: list[int] = []  # tails[k]: position of the smallest last value of a run of length k + 1
    tail_values: list[int] = []  # values[tails[k]], kept sorted for bisect
    before: list[int | None] = []
    for n, value in enumerate(values):
        k = bisect.bisect_right(tail_values, value)
        before.append(tails[k - 1] if k else None)
        if k == len(tails):
            tails.append(n)
            tail_values.append(value)
        else:
            tails[k], tail_values[k] = n, value
    kept, at = set(), tails[-1] if tails else None
    while at is not None:
        kept.add(at)
        at = before[at]
    return kept


# how to fix two applications given one rank by their files' names (the catalogue's fix is about the sheet)
_RENAME_FILES = ("请修改文件名开头的序号（如“1-”“2-”），使本单位每个申报项目的序号各不相同（同一项目的申请表和总结材料用同一序号）；"
                 "也可以提交推荐排序表写明推荐顺序。")
# how to place an application a unit's 推荐排序表 leaves out: the sheet decides, so a file-name prefix (the catalogue's
# other way) would only order it among the left-out ones and the hint would stay
_FILL_SHEET = ("本单位已提交推荐排序表，推荐顺序以排序表为准，文件名前的序号不能代替：请在推荐排序表中填写该项目的推荐顺序"
               "（汇总结果中本单位的“本单位-推荐排序表.xlsx”已列出该项目，与回执放在一起），或写“撤回”，然后放回本单位文件夹。")


def _no_rank(label: str, typed: str = "") -> str:
    """Why a row naming ``label`` gives no rank: its 推荐顺序 blank, or ``typed`` there and not a number."""
    if typed:
        return f"推荐排序表中“{label}”的推荐顺序填写的是“{typed}”，不是名次数字（应为 1、2、3…），未能读取。"
    return f"推荐排序表中“{label}”的推荐顺序未填写或不是数字。"


def gives_order(row: RankingRow) -> bool:
    """Whether a 推荐排序表 row says something of the unit's order: a rank, or a 推荐顺序 typed that is not one
    ('√': to be told, never taken for a blank)."""
    return row.rank is not None or bool(row.rank_text)


def _same_rank(names: list[str], rank: int) -> str:
    return "、".join(f"“{name}”" for name in names) + f"的推荐顺序都是第{rank}位。"


def _listed_twice(name: str, first: int, second: int) -> str:
    return f"“{name}”在推荐排序表中出现了两次（第{first}位和第{second}位），已按第{first}位处理。"


def _same_listed(a: str, b: str) -> bool:
    """Whether two rows of a 推荐排序表 name one enterprise as a run would match them to its applications: the
    same name, one with a legal-form suffix the other lacks or another spelling of it (names.same_stem), or a short
    name within the full one."""
    na, nb = normalize_name(a), normalize_name(b)
    short, long_ = sorted((na, nb), key=len)
    return (na == nb or same_enterprise(a, b) or same_stem(na, nb)
            or (len(short) >= 4 and short in long_))


def sheet_issues(rows: tuple, sheet_file: str) -> list:
    """What a 推荐排序表 says wrong on its own, before it meets the unit's applications (``run.py check`` of the
    sheet; a run finds the same on the applications it names, in rank_unit): a named row whose 推荐顺序 is blank or
    not a number, one enterprise listed twice with different ranks, one rank given to two enterprises
    (rank.conflict, errors; rows naming one enterprise are told apart as a run matches them: _same_listed) — a row
    marked 撤回 needs no rank. [] when the sheet only withdraws (a run orders the rest as without a sheet)."""
    named = [r for r in rows if (r.enterprise or r.benchmark_name) and not r.withdrawn]
    if not any(gives_order(r) for r in named):
        return []
    label = lambda r: r.enterprise or r.benchmark_name  # noqa: E731
    out = [make_issue("rank.conflict", file=sheet_file, location=r.location, field="推荐顺序",
                      reason=_no_rank(label(r), r.rank_text)) for r in named if r.rank is None]
    firsts: list = []  # the first row of each enterprise with a rank
    for r in (r for r in named if r.rank is not None):
        first = next((f for f in firsts if _same_listed(label(f), label(r))), None)
        if first is None:
            firsts.append(r)
        elif first.rank != r.rank:
            out.append(make_issue("rank.conflict", file=sheet_file, location=r.location, field="推荐顺序",
                                  reason=_listed_twice(label(first), first.rank, r.rank)))
    by_rank: dict[int, list] = {}
    for f in firsts:
        by_rank.setdefault(f.rank, []).append(f)
    for rank, same in by_rank.items():
        if len(same) > 1:
            out.append(make_issue("rank.conflict", file=sheet_file, location=same[1].location, field="推荐顺序",
                                  reason=_same_rank([label(f) for f in same], rank)))
    return out


def _withdraws_nothing(row: RankingRow, sheet_file: str):
    """rank.conflict on a 推荐排序表 row marked 撤回 that names no application of the unit (nor one whose files it
    removed): a name mistyped ('唐山华新…' for '唐山华信…') would leave the application the unit means to withdraw
    in the order and the quota, so the clerk is told nothing was withdrawn."""
    label = row.enterprise or row.benchmark_name
    return make_issue("rank.conflict", file=sheet_file, location=row.location, field="推荐顺序",
                      reason=f"推荐排序表中写明撤回的“{label}”没有对应的申报材料（与本单位各申请表中的申报单位、标杆名称都对不上），"
                             "没有撤回任何项目。",
                      fix=f"请核对“{label}”的名称：要撤回的，请把名称改成与该企业申请表中的申报单位完全一致；"
                          "该企业的材料本来就没有报送的，请删去这一行。改好后放回本单位文件夹。")


def _takes_no_place(app: Application, campaign: Campaign) -> bool:
    """Whether an application can take no quota place whatever its rank: 不符合申报条件 (validation has said so), or
    late (a file first seen after the deadline: rules.deadline.received_late)."""
    return app.ineligible or any(received_late(fv, campaign) for fv in app.files)


def rank_unit(apps: list[Application], unit: Unit, campaign: Campaign, *, sheet: tuple | None,
              sheet_file: str = "", gone: list[Application] = ()) -> Ranking:
    """The unit's order (SPEC §4 step 5): its 推荐排序表 if it sent one, else file-name prefixes ('1-', '01_',
    '第1名'), else receipt order with rank.missing. Ranks are 1..n with no gaps; duplicates and rows naming no
    application are rank.conflict — except rows naming an application the unit withdrew (``gone``: its files
    were removed) or marking one 撤回, and a blank rank for an application that takes no place
    (不符合申报条件, late: _takes_no_place), which is placed after the ranked ones without a word. A sheet that
    gives no rank but marks applications 撤回 (a unit withdrawing its only application, or one of several it ranks
    by file name) withdraws them; the others are ordered as without a sheet. Applications a sheet leaves out come
    after those it ranks, by their file-name prefixes, then by receipt; file-name prefixes that say another order
    than the sheet are a hint on it (_prefixes_disagree).
    A pure function: ``apps`` are not changed.
    """
    sheet_issues: list = []
    extra: dict[int, list] = {id(a): [] for a in apps}
    withdrawn: set[int] = set()
    by_receipt = sorted(apps, key=lambda a: (instant(a.received_at), first_file(a)))
    receipt_position = {id(a): n for n, a in enumerate(by_receipt)}
    given: dict[int, int] = {}  # id(app) -> given rank
    placed: dict[int, str] = {}  # id(app) -> the sheet's row giving its rank
    prefixes = {id(a): _app_prefix(a) for a in apps}  # id(app) -> its files' (or sub-folder's) rank prefix
    unranked_reason = ""  # why an application without a given rank is placed where it is
    # ranks given to what the unit withdrew, or to a row naming no application (an error of its own): the gaps they
    # leave are not told of (_renumbered)
    accounted: set[int | None] = set()
    left_blank: set[int] = set()  # listed in the sheet without a rank, and taking no place: not to be told of
    no_rank: set[int] = set()  # listed in the sheet without a rank (told so): not 'not listed' as well
    withdraws_only = sheet is not None and not any(gives_order(row) for row in sheet)
    if withdraws_only:
        for row in sheet:
            if row.withdrawn and (row.enterprise or row.benchmark_name):
                match = _row_matches(row, apps)
                withdrawn.update(id(a) for a in match)
                if not match and not _row_matches(row, gone):
                    sheet_issues.append(_withdraws_nothing(row, sheet_file))
        sheet = None
    if sheet is not None:
        source = "推荐排序表"
        unranked_reason = "未列入推荐排序表，已按收到先后排在已排序项目之后"
        rows = [r for r in sheet if r.enterprise or r.benchmark_name]
        for row in rows:
            label = row.enterprise or row.benchmark_name
            match = _row_matches(row, apps)
            if row.withdrawn:  # withdrawn by the unit: no place in the order, and no error if its files are gone
                withdrawn.update(id(a) for a in match)
                if not match and not _row_matches(row, gone):
                    sheet_issues.append(_withdraws_nothing(row, sheet_file))
                accounted.update((row.rank, row.held))  # (its number kept beside a 撤回 note: freed, not left out)
                continue
            if not match and _row_matches(row, gone):
                accounted.add(row.rank)
                continue  # the unit withdrew it by removing its files: the old sheet may still name it
            if not match:
                sheet_issues.append(make_issue("rank.conflict", file=sheet_file, location=row.location, field="推荐顺序",
                                               reason=f"推荐排序表中的“{label}”没有对应的申报材料（申请表中的申报单位"
                                                      f"与排序表不一致，或该企业的材料未提交）。"))
                accounted.add(row.rank)
                continue
            if row.rank is None:
                for a in match:
                    if _takes_no_place(a, campaign) and not row.rank_text:  # (a clerk leaves what cannot be
                        left_blank.add(id(a))  # recommended unnumbered)
                        continue
                    extra[id(a)].append(make_issue("rank.conflict", file=sheet_file, location=row.location,
                                                   field="推荐顺序", reason=_no_rank(label, row.rank_text)))
                    no_rank.add(id(a))
                continue
            for a in match:
                if id(a) in given and given[id(a)] != row.rank:
                    accounted.add(row.rank)  # (a rank of its second row: not a number left out, an error already)
                    extra[id(a)].append(make_issue("rank.conflict", file=sheet_file, location=row.location,
                                               field="推荐顺序", reason=_listed_twice(a.enterprise, given[id(a)],
                                                                                     row.rank)))
                given.setdefault(id(a), row.rank)
                placed.setdefault(id(a), row.location)
        sheet_issues += _prefixes_disagree([a for a in apps if id(a) not in withdrawn], given, placed, prefixes,
                                           sheet_file)
    else:
        if any(prefixes[id(a)] is not None for a in apps if id(a) not in withdrawn):
            source = "文件名序号"
            unranked_reason = "的文件名没有序号，已排在有序号的项目之后"
            given = {id(a): prefixes[id(a)] for a in apps if id(a) not in withdrawn and prefixes[id(a)] is not None}
            accounted = {prefixes[id(a)] for a in apps if id(a) in withdrawn} | {_app_prefix(a) for a in gone}
            sheet_file = ""  # (what to fix is a file's name)
        else:
            source = "收到顺序"
            unranked_reason = ("：推荐排序表中没有填写推荐顺序，已按收到文件的先后顺序排序" if withdraws_only
                               else "：未找到推荐排序表或带序号的文件名，已按收到文件的先后顺序排序")
    # duplicate ranks
    seen: dict[int, list] = {}
    for a in apps:
        if id(a) in given:
            seen.setdefault(given[id(a)], []).append(a)
    for rank, same in seen.items():
        if len(same) > 1:
            for a in same:  # (each at the sheet's row that gives its rank, where the clerk writes another)
                extra[id(a)].append(make_issue("rank.conflict", file=sheet_file or first_file(a),
                                           location=placed.get(id(a), "推荐排序表") if sheet is not None else "文件名",
                                           field="推荐顺序",
                                           reason=_same_rank([a.enterprise for a in same], rank),
                                           fix=None if sheet is not None else _RENAME_FILES))
    kept = [a for a in apps if id(a) not in withdrawn]
    # given ranks first; then those the sheet leaves out by their file-name prefixes (a sheet listing only
    # some), then by receipt
    numbered = {id(a): prefixes[id(a)] for a in kept if sheet is not None and id(a) not in given
                and prefixes[id(a)] is not None}
    order = sorted(kept, key=lambda a: (0 if id(a) in given else 1, given.get(id(a), 0),
                                        numbered.get(id(a), float("inf")), receipt_position[id(a)]))
    ranked = []
    for position, a in enumerate(order, start=1):
        if id(a) not in given and id(a) not in left_blank and id(a) not in no_rank:
            reason = (f"未列入推荐排序表，已按文件名序号（{numbered[id(a)]}）排在已排序项目之后" if id(a) in numbered
                      else unranked_reason)
            extra[id(a)].append(make_issue("rank.missing", file=sheet_file or first_file(a),
                                           location="文件名" if source == "文件名序号" else "推荐排序表",
                                           field="推荐顺序",
                                           reason=f"“{a.enterprise}”{reason}（现为第{position}位）。",
                                           fix=_FILL_SHEET if sheet is not None else None))
        ranked.append(Ranked(app=a, rank=position, source=(source if id(a) in given else "文件名序号"
                                                           if id(a) in numbered else "收到顺序"),
                             issues=tuple(extra[id(a)])))
    in_folder = frozenset(id(a) for a in apps if prefixes[id(a)] is not None
                          and all(prefix_rank(f.name) is None for f in a.files))  # (numbered by its sub-folder)
    twice = any(len(same) > 1 for same in seen.values())  # (ranks given twice: an error already, no gap told)
    gap = None if twice else _renumbered(ranked, given, accounted, placed, sheet_file, by_sheet=sheet is not None,
                                         in_folder=in_folder, unnumbered=len(left_blank))
    if gap is not None and sheet is not None:
        sheet_issues.append(gap)
    elif gap is not None:  # told on the first application renumbered: its file's (or folder's) name is what to fix
        n = next(n for n, r in enumerate(ranked) if id(r.app) in given and given[id(r.app)] != r.rank)
        ranked[n] = replace(ranked[n], issues=(*ranked[n].issues, gap))
    unit_source = source if sheet is not None else (ranked[0].source if ranked else "")
    for a in apps:  # withdrawn ones last, without a rank
        if id(a) in withdrawn:
            ranked.append(Ranked(app=a, rank=None, source="已撤回", issues=tuple(extra[id(a)]), withdrawn=True))
    return Ranking(order=tuple(ranked), source=unit_source, sheet_issues=tuple(sheet_issues))
