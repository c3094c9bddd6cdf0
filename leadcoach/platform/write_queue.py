"""First come, first served turns at SQLite's single write lock, for the threads of a process."""

from __future__ import annotations

import threading
from collections import deque


class WriteQueue:
    """A lock that hands itself to the longest waiter, with a timeout.

    SQLite lets one writer at a time commit. A writer that finds the lock taken does not
    queue: its busy handler sleeps and tries again, backing off to 100 ms between tries
    (sqliteDefaultBusyCallback in SQLite's main.c), so writers arriving later, which try
    every few milliseconds, keep getting in first. Under a steady stream of saves one
    writer can be passed over until its busy timeout runs out ("database is locked"), which
    is what a busy machine showed. Here a waiter sleeps on its own lock and the one leaving
    wakes the first in line, so a writer waits only for the writers ahead of it.
    """

    def __init__(self) -> None:
        self._mutex = threading.Lock()
        self._waiters: deque[threading.Lock] = deque()
        self._held = False

    def acquire(self, timeout: float) -> bool:
        """Wait for this caller's turn, at most `timeout` seconds; False when it did not come."""
        with self._mutex:
            if not self._held:
                self._held = True
                return True
            turn = threading.Lock()
            turn.acquire()
            self._waiters.append(turn)
        if turn.acquire(timeout=max(timeout, 0)):
            return True  # handed over by release(): the queue is ours
        with self._mutex:
            if turn in self._waiters:
                self._waiters.remove(turn)
                return False
        # release() handed the turn over just as the wait ran out: take it rather than lose it.
        return True

    def release(self) -> None:
        """End this turn: the next waiter in line gets it, or the queue becomes free."""
        with self._mutex:
            if self._waiters:
                self._waiters.popleft().release()
            else:
                self._held = False

    @property
    def waiting(self) -> int:
        """How many callers are waiting for a turn (the holder not counted)."""
        with self._mutex:
            return len(self._waiters)
