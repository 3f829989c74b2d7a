"""quota.exceeded: applications ranked beyond the unit's quota (3 for cities, 2 for associations)."""
from __future__ import annotations

from ..campaign import Unit
from ..messages import make_issue
from ..model import Application
from .ranking import first_file


def apply_quota(ordered: list[Application], unit: Unit) -> None:
    """quota.exceeded on applications ranked beyond the quota.

    Applications that cannot be recommended anyway (逾期, 不符合申报条件) take no place in the quota:
    the notice limits how many are recommended, and those never will be.
    """
    counted = [a for a in ordered if not any(i.is_error and (i.code == "deadline.late" or
                                                             i.code.startswith("eligibility."))
                                             for i in a.issues)]
    for position, a in enumerate(counted, start=1):
        if position > unit.quota:
            file = a.form_file.path if a.form_file else first_file(a)
            a.issues.append(make_issue("quota.exceeded", file=file, location="推荐顺序", field="推荐顺序",
                                       received=len(counted), quota=unit.quota, rank=a.rank,
                                       enterprise=a.enterprise))
