"""Quiet hours in each person's own time zone: when an email may be sent to them."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError


def zone(name: str | None, default: str) -> ZoneInfo:
    """The person's time zone, or the organisation's default when none (or an unknown one)
    is on their profile."""
    try:
        return ZoneInfo(name) if name else ZoneInfo(default)
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo(default)


def is_quiet(local: time, start: time, end: time) -> bool:
    """Whether a local time of day falls in the quiet hours [start, end).

    The usual window runs over midnight (20:00 to 08:00); equal ends mean no quiet hours."""
    if start == end:
        return False
    if start > end:
        return local >= start or local < end
    return start <= local < end


def first_allowed(moment: datetime, tz: ZoneInfo, start: time, end: time) -> datetime:
    """The first moment at or after `moment` (aware) outside the quiet hours in `tz`, in UTC."""
    local = moment.astimezone(tz)
    if not is_quiet(local.time(), start, end):
        return moment.astimezone(UTC)
    # The quiet hours end at `end` today (before midnight's end) or tomorrow.
    day = local.date() if local.time() < end else local.date() + timedelta(days=1)
    allowed = datetime.combine(day, end, tzinfo=tz)
    # A daylight-saving jump can make that wall time fall inside the quiet hours' edge;
    # normalising through UTC gives the real instant the clock shows `end` or later.
    return allowed.astimezone(UTC)
