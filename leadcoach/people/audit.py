"""The audit log: who did what, when. Events never hold answers or scores."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

import pandas as pd
from sqlmodel import Session, col, select

from leadcoach.people.access import Action, Viewer, require
from leadcoach.platform.errors import InvalidInput
from leadcoach.platform.i18n import _
from leadcoach.platform.models import AuditEvent, Person

EVENT_COLUMNS = ["id", "at", "action", "actor_id", "actor", "subject", "detail"]
MAX_EVENTS = 10_000  # one page of the log; narrow the filters to see older events


def record(
    session: Session, actor_id: int | None, action: str, subject: str = "", **detail: Any
) -> None:
    """Add an audit event to the session's transaction."""
    session.add(
        AuditEvent(
            actor_id=actor_id,
            action=action,
            subject=subject[:200],
            detail=json.dumps(detail, sort_keys=True, default=str) if detail else "",
        )
    )


def _moment(value: date | datetime, *, end: bool) -> datetime:
    """A bound of a range: a date covers its whole day (UTC); naive times are read as UTC."""
    if isinstance(value, datetime):
        return value if value.tzinfo else value.replace(tzinfo=UTC)
    day = datetime.combine(value, time.min, tzinfo=UTC)
    return day + timedelta(days=1) if end else day


def events(
    *,
    session: Session,
    viewer: Viewer,
    action: str | None = None,
    actor_id: int | None = None,
    since: date | datetime | None = None,
    until: date | datetime | None = None,
    limit: int = 1000,
) -> pd.DataFrame:
    """Audit events, newest first, with the actor's name (admins only).

    `since` and `until` are inclusive; a date stands for its whole day in UTC. The actor
    is empty for sign-in failures of unknown emails and for people since erased.
    """
    require(viewer, Action.READ_AUDIT)
    if not 1 <= limit <= MAX_EVENTS:
        raise InvalidInput(
            _("Limit: show between 1 and {max_events} events.").format(max_events=MAX_EVENTS)
        )
    query = select(
        AuditEvent.id,
        AuditEvent.at,
        AuditEvent.action,
        AuditEvent.actor_id,
        Person.name,
        AuditEvent.subject,
        AuditEvent.detail,
    ).join(Person, Person.id == AuditEvent.actor_id, isouter=True)
    if action:
        query = query.where(AuditEvent.action == action)
    if actor_id is not None:
        query = query.where(AuditEvent.actor_id == actor_id)
    if since is not None:
        query = query.where(AuditEvent.at >= _moment(since, end=False))
    if isinstance(until, datetime):
        query = query.where(AuditEvent.at <= _moment(until, end=True))
    elif until is not None:  # a date: up to, not including, the next midnight
        query = query.where(AuditEvent.at < _moment(until, end=True))
    rows = session.exec(
        query.order_by(col(AuditEvent.at).desc(), col(AuditEvent.id).desc()).limit(limit)
    ).all()
    frame = pd.DataFrame(rows, columns=EVENT_COLUMNS)
    frame["at"] = pd.to_datetime(frame["at"], utc=True)
    frame["actor_id"] = frame["actor_id"].astype("Int64")
    return frame


def action_names(*, session: Session, viewer: Viewer) -> list[str]:
    """Every kind of event the log holds, for the page's filter (admins only)."""
    require(viewer, Action.READ_AUDIT)
    return sorted(session.exec(select(AuditEvent.action).distinct()).all())


def actors(*, session: Session, viewer: Viewer) -> pd.DataFrame:
    """The people who appear as actors in the log (person_id, name), by name (admins only)."""
    require(viewer, Action.READ_AUDIT)
    rows = session.exec(
        select(Person.id, Person.name)
        .where(col(Person.id).in_(select(AuditEvent.actor_id).distinct()))
        .order_by(Person.name, Person.id)
    ).all()
    return pd.DataFrame(rows, columns=["person_id", "name"])
