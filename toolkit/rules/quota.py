"""quota.exceeded: applications ranked beyond the unit's quota (3 for cities, 2 for associations; 附件2)."""
from __future__ import annotations

from ..campaign import Unit
from ..messages import make_issue
from ..model import Application, Issue
from .ranking import first_file


def quota_issues(counted: list[Application], unit: Unit) -> dict[int, Issue]:
    """quota.exceeded for each application of ``counted`` placed beyond ``unit.quota``, keyed by id(app).

    ``counted`` is the unit's applications that take a place, in ranking order: assembly leaves out those that
    can never be recommended (逾期, 不符合申报条件), since the notice limits how many are recommended.
    """
    out = {}
    for position, a in enumerate(counted, start=1):
        if position > unit.quota:
            file = a.form_file.path if a.form_file else first_file(a)
            out[id(a)] = make_issue("quota.exceeded", file=file, location="推荐顺序", field="推荐顺序",
                                    received=len(counted), quota=unit.quota, rank=a.rank, enterprise=a.enterprise)
    return out
