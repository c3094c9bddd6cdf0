"""The data version: what caches of organisation-wide figures check before they reuse one.

Migration 0005 keeps one `dataversion` row and database triggers that bump its counter
whenever a submission is added or removed; migration 0006 adds any change of a person, a
team, a cohort, its members or its rounds. Reading it is one primary-key lookup; the
figures it guards (everyone's latest scores, the organisation review, cohort reviews) take
hundreds of milliseconds to recompute with 10,000 supervisors.
"""

from __future__ import annotations

from sqlmodel import Session, select

from leadcoach.models import DataVersion


def current(session: Session) -> tuple[str, int, int]:
    """(database, lineage, counter): equal only when read from the same data."""
    row = session.exec(select(DataVersion.lineage, DataVersion.counter)).one()
    return (str(session.get_bind().url), row[0], row[1])
