"""deadline.late: received_at is when the toolkit first saw a file version (kept in the journal)."""
from __future__ import annotations

import datetime as dt

from ..campaign import Campaign
from ..clock import human_time
from ..messages import make_issue
from ..model import WARNING, Application, FileVersion, Issue


def check_deadline(applications: list[Application], campaign: Campaign) -> None:
    """deadline.late on every file of an application first seen after the (possibly overridden) deadline."""
    deadline = campaign.deadline
    for app in applications:
        for fv in app.files:
            if dt.datetime.fromisoformat(fv.first_seen) > deadline:
                app.issues.append(make_issue("deadline.late", file=fv.path, location="收到时间", field="收到时间",
                                             name=fv.name, received_at=human_time(fv.first_seen),
                                             deadline=human_time(deadline.isoformat())))


def late_edit_warning(fv: FileVersion, campaign: Campaign, *, standing: str) -> Issue:
    """deadline.late as a warning on a correction received after the deadline, when an on-time version stands.

    ``standing`` says which version still counts, for the clerk.
    """
    return make_issue("deadline.late", file=fv.path, location="收到时间", field="收到时间", name=fv.name,
                      received_at=human_time(fv.first_seen), deadline=human_time(campaign.deadline.isoformat()),
                      severity=WARNING,
                      fix=f"截止后的修改不予受理，{standing}；如确有特殊情况，请联系省厅。")
