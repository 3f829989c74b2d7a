"""duplicate.enterprise: the same enterprise recommended twice, within or across units."""
from __future__ import annotations

from ..messages import make_issue
from ..model import Application
from ..names import same_enterprise, strip_company_suffix
from ..normalize import normalize_name


def check_duplicates(applications: list[Application]) -> None:
    # a late application is not accepted at all, so it does not make another one a duplicate
    candidates = [a for a in applications if a.form is not None and normalize_name(a.form.text("申报单位"))
                  and not any(i.code == "deadline.late" for i in a.issues)]
    # bucket by the name without legal suffix, then confirm pairs precisely (股份 vs 集团 are different)
    buckets: dict[str, list[Application]] = {}
    for app in candidates:
        buckets.setdefault(strip_company_suffix(normalize_name(app.enterprise)), []).append(app)
    for same in buckets.values():
        for app in same:
            others = [o for o in same if o is not app and same_enterprise(o.enterprise, app.enterprise)]
            if not others:
                continue
            names = "、".join(f"{o.unit}推荐的第{o.rank}位" for o in others)
            app.issues.append(make_issue("duplicate.enterprise", file=app.form_file.path if app.form_file else "",
                                         location="申报单位", field="申报单位", enterprise=app.enterprise,
                                         other=names))
