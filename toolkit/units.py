"""Which recommending unit a folder of the inbox belongs to: its full name, an alias, or an unambiguous part.

Folder names are read as typed (full-width digits, variant dashes and brackets, stray spaces, a leading
number such as '01-'), the way values are (toolkit.normalize).
"""
from __future__ import annotations

import re

from .campaign import Campaign, Unit
from .normalize import normalize_filename, normalize_name


def _folder_key(folder: str) -> str:
    text = normalize_name(normalize_filename(folder))
    text = re.sub(r"^\d+[-_.、]*", "", text)  # '01-石家庄', '０１－石家庄' -> '石家庄'
    text = re.sub(r"^\(\d+\)", "", text)  # '(1)石家庄', '【1】石家庄'
    return text


def unit_candidates(folder: str, campaign: Campaign) -> list[str]:
    """Units a folder name may mean: it contains one of a unit's names, or is part of one (≥ 2 characters)."""
    key = _folder_key(folder)
    if not key:
        return []
    hits = []
    for unit in campaign.units:
        for name in (unit.name, *unit.aliases):
            n = normalize_name(name)
            if (len(n) >= 2 and n in key) or (len(key) >= 2 and key in n):
                hits.append(unit.name)
                break
    return hits


def resolve_unit(folder: str, campaign: Campaign) -> Unit | None:
    """The unit a folder name means: exact name or alias, else the only unit it names unambiguously."""
    key = _folder_key(folder)
    if not key:
        return None
    for unit in campaign.units:
        if key in {normalize_name(n) for n in (unit.name, *unit.aliases)}:
            return unit
    # the folder contains a unit's name or alias ('01-石家庄市工信局（报送）')
    containing = {unit.name for unit in campaign.units
                  for n in (unit.name, *unit.aliases) if len(normalize_name(n)) >= 2 and normalize_name(n) in key}
    if len(containing) == 1:
        return campaign.unit(containing.pop())
    if containing:
        return None
    # the folder is part of exactly one unit's name ('冶金' -> 河北省冶金行业协会)
    candidates = unit_candidates(folder, campaign)
    if len(candidates) == 1:
        return campaign.unit(candidates[0])
    # the same name but for the words associations' names vary in ('河北省建材工业协会' for 建筑材料工业协会's alias
    # 建材协会, '纺织服装行业协会' for 纺织与服装行业协会)
    core = unit_core(key)
    same = {unit.name for unit in campaign.units for n in (unit.name, *unit.aliases) if core and unit_core(n) == core}
    return campaign.unit(same.pop()) if len(same) == 1 else None


def likely_unit(folder: str, campaign: Campaign) -> str:
    """The unit a folder name that names none (resolve_unit: None) was most likely meant to name — a character
    mistyped or swapped ('沧洲市工信局' for 沧州市工信局, '河北省治金行业协会') —, for a message to ask '是不是…？'; ''
    when no unit's name or alias is close (difflib ratio ≥ 0.75, the two strings in common characters) or two
    units are about as close (within 0.05). Never decides: a file stays unassigned until the folder is renamed."""
    import difflib

    key = _folder_key(folder)
    if len(key) < 2:
        return ""
    best: dict[str, float] = {}
    for unit in campaign.units:
        for name in (unit.name, *unit.aliases):
            ratio = difflib.SequenceMatcher(None, key, normalize_name(name)).ratio()
            best[unit.name] = max(best.get(unit.name, 0.0), ratio)
    ranked = sorted(best.items(), key=lambda item: -item[1])
    if not ranked or ranked[0][1] < 0.75 or (len(ranked) > 1 and ranked[0][1] - ranked[1][1] < 0.05):
        return ""
    return ranked[0][0]


_VARYING = re.compile(r"河北省|河北|^省|行业|工业|产业|[与和及、]")


def unit_core(name: str) -> str:
    """A unit's name without the words its spellings vary in (河北省, 行业, 工业, 产业, 与, 和, 及), for comparing an
    association's name as a clerk writes it: '河北省纺织服装行业协会' and '纺织与服装行业协会' -> '纺织服装协会'."""
    return _VARYING.sub("", normalize_name(name))


# the sub-folders of a unit's folder whose names say that what is in them is no longer submitted: a clerk following
# the quota message (移出本单位文件夹，另存备查) often keeps withdrawn or old material in the unit's own folder, in
# '已撤回（备查）', '作废', '旧版', 'old' … (a bare '备查' only as the whole name: '备查材料' and '证实性材料（备查）'
# are the evidence an application is checked against, which stays with it)
_SET_ASIDE = re.compile(r"撤回|撤销|撤下|撤出|撤稿|已撤|作废|废弃|弃用|弃报|放弃|退出|不推荐|不再推荐|不予推荐|不参加|取消|"
                        r"不报|不申报|旧版|旧稿|旧文件|历史版本|待删|已删|删除|^另存备查$|^留存备查$|^备查$|^存档$|^归档$|"
                        r"^备份$|(?<![a-z])(?:old|backup|bak|archived?|obsolete|withdrawn)(?![a-z])", re.IGNORECASE)
# what the folder holds now, whatever it says of what it replaced ('新版（替换旧版）', '撤回后重新提交', '已恢复（原撤回）'),
# or an enterprise's own folder whose name has such a word ('2-河北老旧版画有限公司', '河北Old Town有限公司')
_NOT_SET_ASIDE = re.compile(r"不撤回|未撤回|不作废|未作废|不删除|恢复|重新|新版|替换|修改后|正式|最终|定稿|"
                            r"有限|公司|集团|厂", re.IGNORECASE)


def set_aside_folder(path: str) -> str:
    """The sub-folder, as written, that puts the file at ``path`` (inbox-relative, '/'-separated:
    '<unit folder>/…/<file>') aside — one below the unit's folder whose name says its files are withdrawn, void or
    old ('已撤回（备查）', '作废材料', '旧版', 'old'; read as typed: full-width letters, brackets and a leading
    number allowed) — or '' when the file is in no such folder. Its files stay listed and are not read as the
    unit's submissions (SPEC §6: 撤回 by moving an application's files out of the unit's folder)."""
    for part in path.split("/")[1:-1]:
        name = re.sub(r"^[\d\s\-_.、()（）【】\[\]]+|[()（）【】\[\]\s]+$", "", normalize_filename(part))
        words = re.sub(r"[()（）【】\[\]\s]", "", name)
        if (_SET_ASIDE.search(name) or _SET_ASIDE.search(words)) and not _NOT_SET_ASIDE.search(words):
            return part
    return ""
