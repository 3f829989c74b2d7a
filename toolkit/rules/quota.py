"""quota.exceeded: applications ranked beyond the unit's quota (3 for cities, 2 for associations)."""
from __future__ import annotations

from ..campaign import Unit
from ..messages import make_issue
from ..model import Application
from .ranking import first_file


def apply_quota(ordered: list[Application], unit: Unit) -> None:
    received = len(ordered)
    for a in ordered:
        if a.rank is not None and a.rank > unit.quota:
            file = a.form_file.path if a.form_file else first_file(a)
            a.issues.append(make_issue("quota.exceeded", file=file, location="推荐顺序", field="推荐顺序",
                                       received=received, quota=unit.quota, rank=a.rank, enterprise=a.enterprise))
