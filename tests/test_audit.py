"""The audit log: recorded in the caller's transaction, read by admins only, filterable."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from sqlmodel import select

from leadcoach.people import audit
from leadcoach.platform.db import session_scope
from leadcoach.platform.errors import AccessDenied, InvalidInput
from leadcoach.platform.models import AuditEvent
from leadcoach.reporting import exports
from tests.factories import build_org


@pytest.fixture
def org(engine):
    with session_scope(engine) as session:
        org = build_org(session)
        stamps = [
            (datetime(2026, 3, 1, 9, 0, tzinfo=UTC), org.admin, "person_created", "a@x.example"),
            (datetime(2026, 3, 2, 23, 59, tzinfo=UTC), org.sup_a1, "sign_in", "s@x.example"),
            (datetime(2026, 3, 3, 0, 0, tzinfo=UTC), None, "sign_in_failed", "=HYPERLINK()"),
            (datetime(2026, 3, 4, 12, 0, tzinfo=UTC), org.sup_a1, "sign_in", "s@x.example"),
        ]
        for at, actor, action, subject in stamps:
            session.add(AuditEvent(at=at, actor_id=actor, action=action, subject=subject))
    return org


def _events(engine, org, viewer_id=None, **filters):
    with session_scope(engine) as session:
        viewer = org.viewer(session, org.admin if viewer_id is None else viewer_id)
        return audit.events(session=session, viewer=viewer, **filters)


def test_events_are_newest_first_with_actor_names(engine, org):
    frame = _events(engine, org)
    assert list(frame.columns) == audit.EVENT_COLUMNS
    assert list(frame["action"]) == ["sign_in", "sign_in_failed", "sign_in", "person_created"]
    assert list(frame["actor"].fillna("")) == ["Sup A One", "", "Sup A One", "Ada Admin"]
    assert frame["at"].is_monotonic_decreasing
    assert str(frame["at"].dt.tz) == "UTC"


def test_events_filter_by_action_actor_and_dates(engine, org):
    assert len(_events(engine, org, action="sign_in")) == 2
    assert set(_events(engine, org, actor_id=org.admin)["action"]) == {"person_created"}
    # Dates are whole days, both ends included.
    days = _events(engine, org, since=date(2026, 3, 2), until=date(2026, 3, 3))
    assert list(days["action"]) == ["sign_in_failed", "sign_in"]
    moment = _events(engine, org, until=datetime(2026, 3, 3, 0, 0, tzinfo=UTC))
    assert list(moment["action"]) == ["sign_in_failed", "sign_in", "person_created"]
    assert len(_events(engine, org, limit=1)) == 1
    assert _events(engine, org, action="no_such_action").empty


def test_a_limit_out_of_range_is_refused(engine, org):
    with pytest.raises(InvalidInput, match="Limit"):
        _events(engine, org, limit=0)


def test_only_admins_read_the_log(engine, org):
    for viewer_id in (org.sup_a1, org.coach_a, org.hr):
        with pytest.raises(AccessDenied), session_scope(engine) as session:
            viewer = org.viewer(session, viewer_id)
            audit.events(session=session, viewer=viewer)
        with pytest.raises(AccessDenied), session_scope(engine) as session:
            audit.action_names(session=session, viewer=org.viewer(session, viewer_id))
        with pytest.raises(AccessDenied), session_scope(engine) as session:
            audit.actors(session=session, viewer=org.viewer(session, viewer_id))


def test_filter_choices_list_actions_and_actors(engine, org):
    with session_scope(engine) as session:
        admin = org.viewer(session, org.admin)
        names = audit.action_names(session=session, viewer=admin)
        people = audit.actors(session=session, viewer=admin)
    assert names == ["person_created", "sign_in", "sign_in_failed"]
    assert list(people["name"]) == ["Ada Admin", "Sup A One"]


def test_the_csv_export_neutralises_formulas(engine, org):
    csv = exports.to_csv(_events(engine, org)).decode("utf-8-sig")
    assert "'=HYPERLINK()" in csv
    assert "\n=HYPERLINK" not in csv and ",=HYPERLINK" not in csv


def test_record_joins_the_callers_transaction(engine, org):
    with pytest.raises(RuntimeError), session_scope(engine) as session:
        audit.record(session, org.admin, "never_kept", "x", reason="rolled back")
        raise RuntimeError("the caller failed")
    with session_scope(engine) as session:
        assert session.exec(select(AuditEvent).where(AuditEvent.action == "never_kept")).all() == []
