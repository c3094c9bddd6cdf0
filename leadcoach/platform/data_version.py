"""The data version: what caches of organisation-wide figures check before they reuse one.

Migration 0005 keeps one `dataversion` row and database triggers that bump its counter
whenever a submission is added or removed; migration 0006 adds any change of a person, a
team, a cohort, its members or its rounds. Reading it is one primary-key lookup; the
figures it guards (everyone's latest scores, the organisation review, cohort reviews) take
hundreds of milliseconds to recompute with 10,000 supervisors.

A person's own settings do not move it (migration 0012): switching the interface language
in the app would otherwise recompute every one of those figures for the person who switched
(issue 25). A change of language moves a counter of its own, which the figures broken down
by the members' language (cohort reviews) read as well (`with_languages`).
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Hashable
from typing import Generic, TypeVar

from sqlalchemy import update
from sqlmodel import Session, select

from leadcoach.platform.models import DataVersion


def current(session: Session) -> tuple[str, int, int]:
    """(database, lineage, counter): equal only when read from the same data."""
    row = session.exec(select(DataVersion.lineage, DataVersion.counter)).one()
    return (str(session.get_bind().url), row[0], row[1])


def with_languages(session: Session) -> tuple[str, int, int, int]:
    """`current` and the count of language changes: for figures that show people's
    languages (a cohort review's breakdown by language)."""
    row = session.exec(
        select(DataVersion.lineage, DataVersion.counter, DataVersion.languages)
    ).one()
    return (str(session.get_bind().url), row[0], row[1], row[2])


def bump(session: Session) -> None:
    """Move the data version on, in the caller's transaction: for a change no trigger sees.
    The KPI import calls it once per import rather than a trigger per value, which on
    SQLite (row-level triggers only) tripled the cost of inserting 144,000 values."""
    session.execute(
        update(DataVersion).where(DataVersion.id == 1).values(counter=DataVersion.counter + 1)
    )


T = TypeVar("T")


class VersionedCache(Generic[T]):
    """Values computed once per key, where the key holds the data version (`current`), so
    a change to the data makes the next read compute afresh. Bounded: past `max_entries`
    the oldest goes first. Shared by threads (a Streamlit session each); two may compute
    the same missing value at once, and the last one kept wins, as both are equal."""

    def __init__(self, max_entries: int):
        self._entries: dict[Hashable, T] = {}
        self._lock = threading.Lock()
        self._max = max_entries

    def get(self, key: Hashable, compute: Callable[[], T]) -> T:
        with self._lock:
            if key in self._entries:
                return self._entries[key]
        value = compute()  # outside the lock: one slow computation blocks no other read
        with self._lock:
            if len(self._entries) >= self._max:
                self._entries.pop(next(iter(self._entries)))
            self._entries[key] = value
        return value

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()
