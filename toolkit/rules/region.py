"""region.other: an application a city's recommending unit sent from an enterprise whose 所在地区 is another city.

The notice addresses 各市（含定州、辛集市）工业和信息化局、雄安新区改革发展局 and 省有关协会 (附件2 lists them): a city's
bureau recommends enterprises of its own city, an association (协会) enterprises of the whole province. An
enterprise of another city in a city's list is most often a 所在地区 picked wrongly — an enterprise of 定州 or 辛集
writing the prefecture it lies in (保定市, 石家庄市), one of 雄县 writing 保定市 — sometimes a file dropped into the
wrong unit's folder: a warning (提示) for the unit to check, deciding nothing.
"""
from __future__ import annotations

from collections.abc import Iterator

from ..campaign import Campaign
from ..keys import REGION
from ..messages import make_issue
from ..model import Application, Issue
from .fields import pick_verb


def check_region(app: Application, campaign: Campaign) -> Iterator[Issue]:
    """region.other when ``app``'s unit is a city's (Unit.kind 'city') and the region its 所在地区 names — the most
    specific, Campaign.region_of, the one the 统计 sheet counts it under — is another than the unit's own
    (Campaign.unit_region): '保定市', '河北省保定市竞秀区' under 唐山's bureau; '石家庄市辛集市' under 石家庄's (辛集 has
    its own bureau). Nothing for associations, for a 所在地区 naming no region (field.invalid says so) or a unit
    whose region is unknown."""
    unit = campaign.unit(app.unit)
    if unit is None or unit.kind != "city" or app.form is None:
        return
    written = app.form.text(REGION)
    own = campaign.unit_region(unit.name)
    named = campaign.region_of(written) if written and own else ""  # (the text itself when it names no region)
    if named in campaign.regions and named != own:
        value = app.form.fields.get(REGION)
        yield make_issue("region.other", file=app.form_file.path if app.form_file else "",
                         location=value.location if value else "", field=REGION, written=written, unit=unit.name,
                         region=own, pick=pick_verb(app.form))
