"""region.other: an application a city's recommending unit sent from an enterprise whose 所在地区 is another city.

The notice addresses 各市（含定州、辛集市）工业和信息化局、雄安新区改革发展局 and 省有关协会 (附件2 lists them): a city's
bureau recommends enterprises of its own city, an association (协会) enterprises of the whole province. An
enterprise of another city in a city's list is most often a 所在地区 picked wrongly from the drop-down, sometimes
a file dropped into the wrong unit's folder — a warning (提示), for the unit to check; it decides nothing.
"""
from __future__ import annotations

import functools
from collections.abc import Iterator

from ..campaign import Campaign
from ..keys import REGION
from ..messages import make_issue
from ..model import Application, Issue
from ..normalize import normalize_name


def check_region(app: Application, campaign: Campaign) -> Iterator[Issue]:
    """region.other when ``app``'s unit is a city's (Unit.kind 'city') whose region (the campaign's regions, found
    in the unit's name: 唐山市工业和信息化局 -> 唐山市, 雄安新区改革发展局 -> 雄安新区) the 申请表's 所在地区 does not name,
    while it names another of the campaign's regions ('保定市', '河北省保定市竞秀区'). Nothing for associations, for
    a 所在地区 naming no region (field.invalid says so) or when the unit's region is unknown."""
    unit = campaign.unit(app.unit)
    if unit is None or unit.kind != "city" or app.form is None or not campaign.regions:
        return
    value = app.form.fields.get(REGION)
    written = app.form.text(REGION)
    own = unit_region(unit.name, campaign.regions)
    if not written or own is None:
        return
    named = regions_named(written, campaign.regions)
    if named and own not in named:
        yield make_issue("region.other", file=app.form_file.path if app.form_file else "",
                         location=value.location if value else "", field=REGION, written=written, unit=unit.name,
                         region=own)


def known_region(written: str, regions: tuple[str, ...]) -> bool:
    """'石家庄' / '河北省石家庄市鹿泉区' / '雄安' name a region of the campaign."""
    return bool(regions_named(written, regions))


def regions_named(written: str, regions: tuple[str, ...]) -> tuple[str, ...]:
    """The campaign's regions that ``written`` names, by their stem (the name without 市 / 新区): '保定市定州市' names
    保定市 and 定州市."""
    text = normalize_name(written)
    return tuple(region for stem, region in _stems(regions) if stem in text)


@functools.lru_cache(maxsize=256)
def unit_region(unit_name: str, regions: tuple[str, ...]) -> str | None:
    """The region a recommending unit's name carries (the longest stem found: 辛集市 rather than 集), or None."""
    name = normalize_name(unit_name)
    found = [(len(stem), region) for stem, region in _stems(regions) if stem in name]
    return max(found)[1] if found else None


@functools.lru_cache(maxsize=64)
def _stems(regions: tuple[str, ...]) -> tuple[tuple[str, str], ...]:
    """(stem, region) for each region: its name without 市 / 新区, normalised; empty stems left out."""
    pairs = ((normalize_name(r).removesuffix("新区").removesuffix("市"), r) for r in regions)
    return tuple(sorted((stem, region) for stem, region in pairs if stem))
