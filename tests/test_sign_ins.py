"""Sign-ins kept across reloads: a random token for the browser, only its hash kept here."""

from __future__ import annotations

import hashlib

from leadcoach.people.sign_ins import SignIns

IDLE = 30 * 60.0


def test_a_kept_sign_in_resumes_within_the_idle_time_and_counts_as_activity():
    kept = SignIns()
    token = kept.start(7, now=1000.0, idle_seconds=IDLE)
    assert len(token) >= 43, "256 random bits"
    assert kept.resume(token, now=1000.0 + IDLE - 1, idle_seconds=IDLE) == 7
    # Resuming (a reload) and each page run (touch) move the idle clock on.
    kept.touch(token, now=1000.0 + 2 * IDLE - 2)
    assert kept.resume(token, now=1000.0 + 3 * IDLE - 3, idle_seconds=IDLE) == 7


def test_an_idle_ended_or_unknown_token_signs_no_one_in():
    kept = SignIns()
    idle = kept.start(1, now=0.0, idle_seconds=IDLE)
    assert kept.resume(idle, now=IDLE + 1, idle_seconds=IDLE) is None
    assert kept.resume(idle, now=IDLE + 2, idle_seconds=IDLE) is None, "gone once idle"
    ended = kept.start(2, now=0.0, idle_seconds=IDLE)
    kept.end(ended)
    assert kept.resume(ended, now=1.0, idle_seconds=IDLE) is None
    assert kept.resume("a guess", now=1.0, idle_seconds=IDLE) is None
    other = kept.start(3, now=0.0, idle_seconds=IDLE)
    assert kept.resume(other[:-1], now=1.0, idle_seconds=IDLE) is None


def test_only_a_hash_of_the_token_is_kept_and_idle_ones_are_dropped():
    kept = SignIns()
    token = kept.start(5, now=0.0, idle_seconds=IDLE)
    assert token not in kept._records
    assert hashlib.sha256(token.encode()).hexdigest() in kept._records
    assert token not in repr(kept._records)
    # Each new sign-in drops those idle for longer than the timeout.
    kept.start(6, now=IDLE + 1, idle_seconds=IDLE)
    assert len(kept) == 1


def test_past_the_bound_the_oldest_kept_sign_in_goes_first():
    kept = SignIns(max_entries=2)
    first = kept.start(1, now=0.0, idle_seconds=IDLE)
    second = kept.start(2, now=1.0, idle_seconds=IDLE)
    kept.start(3, now=2.0, idle_seconds=IDLE)
    assert kept.resume(first, now=3.0, idle_seconds=IDLE) is None
    assert kept.resume(second, now=3.0, idle_seconds=IDLE) == 2
