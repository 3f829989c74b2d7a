"""Time as the campaign reads it: China time (+08:00) whatever the machine's zone.

The notice's deadline (2021-09-20) is China time, and every time a clerk or officer reads — received, generated,
first seen — is shown in China time. Stored times are ISO 8601 strings with their offset.
"""
from __future__ import annotations

import datetime as dt

CHINA_TZ = dt.timezone(dt.timedelta(hours=8))


def china_now() -> dt.datetime:
    """The current time, as an aware datetime in China time."""
    return dt.datetime.now().astimezone(CHINA_TZ)


def now_iso(now: dt.datetime | None = None) -> str:
    """``now`` (default: the current time) as an ISO string in China time, to the second."""
    return (now or dt.datetime.now().astimezone()).astimezone(CHINA_TZ).isoformat(timespec="seconds")


def display_time(iso: str, *, seconds: bool = False) -> str:
    """'2021-09-18T10:30:00+08:00' -> '2021-09-18 10:30' (China time), for tables; '' for ''."""
    if not iso:
        return ""
    t = dt.datetime.fromisoformat(iso).astimezone(CHINA_TZ)
    # formatted by hand: strftime takes 25 us here, and a national register shows tens of thousands of times
    shown = f"{t.year:04d}-{t.month:02d}-{t.day:02d} {t.hour:02d}:{t.minute:02d}"
    return f"{shown}:{t.second:02d}" if seconds else shown


def human_time(iso: str) -> str:
    """'2021-09-21T09:59:00+08:00' -> '2021年9月21日 9:59' (China time): the one form clerks read in messages,
    回执 and pages ('' for '')."""
    if not iso:
        return ""
    t = dt.datetime.fromisoformat(iso).astimezone(CHINA_TZ)
    return f"{t.year}年{t.month}月{t.day}日 {t.hour}:{t.minute:02d}"


def instant(iso: str) -> dt.datetime:
    """An ISO time as an aware datetime; '' is the earliest possible time (sorts first)."""
    return dt.datetime.fromisoformat(iso) if iso else dt.datetime.min.replace(tzinfo=dt.timezone.utc)
