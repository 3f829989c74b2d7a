"""duplicate.enterprise: the same enterprise recommended twice, within or across units."""
from __future__ import annotations

from ..keys import ENTERPRISE
from ..messages import make_issue
from ..model import WARNING, Application, Issue
from ..names import same_enterprise, strip_company_suffix
from ..normalize import normalize_name


def duplicate_issues(candidates: list[Application]) -> dict[int, Issue]:
    """duplicate.enterprise for each application whose enterprise is also recommended elsewhere (same or another
    unit), keyed by id(app). ``candidates`` are the applications that are accepted at all (assembly leaves out the
    late ones: a late application does not make another one a duplicate); each names the others' unit and rank.

    A copy placed beyond its unit's quota (``over_quota``, 超出名额; SPEC §5: the quota is applied in rank order) or
    not eligible (``ineligible``, 不符合申报条件) is not recommended: it is told of the others (an error, beside its
    own), but an application whose only other copies are such gets a warning naming them, not an error — it stays
    通过.
    """
    # bucket by the name without legal suffix, then confirm pairs precisely (股份 vs 集团 are different)
    buckets: dict[str, list[Application]] = {}
    for app in candidates:
        if app.form is not None and normalize_name(app.form.text(ENTERPRISE)):
            buckets.setdefault(strip_company_suffix(normalize_name(app.enterprise)), []).append(app)
    out = {}
    for same in buckets.values():
        if len(same) == 1:
            continue
        for app in same:
            others = [o for o in same if o is not app and same_enterprise(o.enterprise, app.enterprise)]
            if not others:
                continue
            counted = others if _not_recommended(app) else [o for o in others if not _not_recommended(o)]
            out[id(app)] = _duplicate(app, counted) if counted else _unrecommended_copies(app, others)
    return out


def _duplicate(app: Application, others: list[Application]) -> Issue:
    """The error on ``app``: its enterprise is recommended by ``others`` too."""
    names = "、".join(f"{o.unit}推荐的{_placed(o)}" for o in others)
    units = [u for u in dict.fromkeys(o.unit for o in others) if u != app.unit]
    # (the same unit twice: its own choice; another unit: agree with it — named as a unit, not a rank)
    fix = (None if units else "同一企业只能申报一项，请本单位确定保留哪一项，另一项在推荐排序表中写“撤回”，"
                              "或把它的文件移出本单位文件夹。")
    return make_issue("duplicate.enterprise", file=app.form_file.path if app.form_file else "", location="申报单位",
                      field="申报单位", enterprise=app.enterprise, other=names, units="、".join(units), fix=fix)


def _placed(app: Application) -> str:
    """Where ``app`` stands in its unit's order, as a message names it: '第2位', or '一项' when it has no rank."""
    return f"第{app.rank}位" if app.rank else "一项"


def _not_recommended(app: Application) -> bool:
    """Whether ``app`` is, whatever else it lacks, never recommended as it stands: beyond its unit's quota or not
    eligible."""
    return app.over_quota or app.ineligible


def _unrecommended_copies(app: Application, copies: list[Application]) -> Issue:
    """The warning on ``app``: its enterprise is also in ``copies``, none recommended (beyond a quota, or not
    eligible), so not a duplicate as they stand."""
    names = "、".join(f"{o.unit}报送的{_placed(o)}（{'超出名额' if o.over_quota else '不符合申报条件'}）" for o in copies)
    own = all(o.unit == app.unit for o in copies)
    fix = ("如本单位调整推荐顺序或改正后使该项得到推荐，两项将成为重复推荐，请只保留一项。" if own else
           "对方调整推荐顺序或改正后使该项得到推荐时，将成为重复推荐，请与对方确认由哪个单位推荐。")
    return make_issue("duplicate.enterprise", severity=WARNING, file=app.form_file.path if app.form_file else "",
                      location="申报单位", field="申报单位",
                      message=f"企业“{app.enterprise}”另见{names}，未计入推荐，本项不算重复推荐。", fix=fix)
