"""Sign-ins kept across a reload of the browser, until the idle timeout.

Streamlit starts a new session, with empty session state, whenever the browser reloads
the page, so a sign-in held only there ends with every reload. A kept sign-in is a
random token (256 bits, `secrets.token_urlsafe`) that the browser holds in a cookie and
sends when the page loads again; the server keeps only the token's SHA-256 hash, the person
and the time of their last activity, so a copy of the server's memory signs no one in.
Signing out and the idle timeout end it.

The records live in the app server's memory, not in the database: a reload reaches the
server it left (several servers need session affinity anyway, see the README), and a
restart of the server ends every kept sign-in, after which the person signs in again and
carries on where they were: their answers are in the database.
"""

from __future__ import annotations

import hashlib
import secrets
import threading
from dataclasses import dataclass


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


@dataclass
class _Record:
    person_id: int
    last_activity: float  # seconds since the epoch


class SignIns:
    """Kept sign-ins of one database's people; shared by every session of the server."""

    def __init__(self, max_entries: int = 100_000):
        self._records: dict[str, _Record] = {}
        self._lock = threading.Lock()
        self._max = max_entries

    def start(self, person_id: int, *, now: float, idle_seconds: float) -> str:
        """Keep a new sign-in of this person; the token for the browser to hold."""
        token = secrets.token_urlsafe(32)
        with self._lock:
            self._drop_idle(now, idle_seconds)
            if len(self._records) >= self._max:  # the least recently started goes first
                self._records.pop(next(iter(self._records)))
            self._records[_hash(token)] = _Record(person_id, now)
        return token

    def resume(self, token: str, *, now: float, idle_seconds: float) -> int | None:
        """The person whose kept sign-in this token is, if it was active within the idle
        time (that counts as activity); None for an unknown, ended or idle one."""
        key = _hash(token)
        with self._lock:
            record = self._records.get(key)
            if record is None:
                return None
            if now - record.last_activity > idle_seconds:
                del self._records[key]
                return None
            record.last_activity = now
            return record.person_id

    def touch(self, token: str, *, now: float) -> None:
        """Record activity under this sign-in (each page run of the signed-in person)."""
        with self._lock:
            record = self._records.get(_hash(token))
            if record is not None:
                record.last_activity = max(record.last_activity, now)

    def end(self, token: str) -> None:
        """End this kept sign-in (signing out, or an idle expiry seen by the page)."""
        with self._lock:
            self._records.pop(_hash(token), None)

    def __len__(self) -> int:
        with self._lock:
            return len(self._records)

    def _drop_idle(self, now: float, idle_seconds: float) -> None:
        for key in [k for k, r in self._records.items() if now - r.last_activity > idle_seconds]:
            del self._records[key]
