"""deadline.late: received_at is when the toolkit first saw a file version (kept in the journal)."""
from __future__ import annotations

import datetime as dt

from ..campaign import Campaign
from ..clock import human_time
from ..messages import make_issue
from ..model import WARNING, Application, FileVersion, Issue


def received_late(fv: FileVersion, campaign: Campaign) -> bool:
    """Whether a file version was first seen after the campaign's deadline (逾期不再受理, the notice's closing clause;
    ``campaign.deadline`` may be overridden with --deadline)."""
    return dt.datetime.fromisoformat(fv.first_seen) > campaign.deadline


def late_issues(app: Application, campaign: Campaign) -> tuple[Issue, ...]:
    """deadline.late (error) for each file of ``app`` first seen after the deadline (逾期不再受理, the notice's
    closing clause); () when the application came in time. ``campaign.deadline`` may be overridden (--deadline)."""
    deadline = campaign.deadline
    return tuple(make_issue("deadline.late", file=fv.path, location="收到时间", field="收到时间", name=fv.name,
                            received_at=human_time(fv.first_seen), deadline=human_time(deadline.isoformat()))
                 for fv in app.files if received_late(fv, campaign))


def late_warning(fv: FileVersion, campaign: Campaign, *, fix: str) -> Issue:
    """deadline.late as a warning on a file version first seen after the deadline that takes nothing from an
    application (a correction beside an on-time version, a stamped 推荐意见), ``fix`` telling the clerk what follows."""
    return make_issue("deadline.late", file=fv.path, location="收到时间", field="收到时间", name=fv.name,
                      received_at=human_time(fv.first_seen), deadline=human_time(campaign.deadline.isoformat()),
                      severity=WARNING, fix=fix)


def late_edit_warning(fv: FileVersion, campaign: Campaign, *, standing: str) -> Issue:
    """deadline.late as a warning on a correction received after the deadline, when an on-time version stands.

    ``standing`` says which version still counts, for the clerk.
    """
    return late_warning(fv, campaign, fix=f"截止后的修改不予受理，{standing}；如确有特殊情况，请联系省厅。")
