"""The access policy, decided below the pages: own data, coached teams, everyone."""

from __future__ import annotations

import pytest

from leadcoach.people import people
from leadcoach.people.access import Action, allowed, person_for
from leadcoach.platform.db import session_scope
from leadcoach.platform.errors import AccessDenied
from leadcoach.platform.models import Person
from tests.factories import build_org


@pytest.fixture
def org(engine):
    with session_scope(engine) as session:
        return build_org(session)


def _can_read(engine, org, viewer_id, subject_id) -> bool:
    with session_scope(engine) as session:
        viewer = org.viewer(session, viewer_id)
        return allowed(viewer, Action.READ_RESULTS, session.get(Person, subject_id))


def test_who_reads_whose_results(engine, org):
    expected = {
        (org.sup_a1, org.sup_a1): True,
        (org.sup_a1, org.sup_a2): False,
        (org.sup_a1, org.sup_b1): False,
        (org.coach_a, org.sup_a1): True,
        (org.coach_a, org.sup_a2): True,
        (org.coach_a, org.sup_b1): False,  # team B is not theirs to coach
        (org.hr, org.sup_b1): True,
        (org.admin, org.sup_a1): True,
    }
    actual = {pair: _can_read(engine, org, *pair) for pair in expected}
    assert actual == expected


def test_a_refused_read_raises_access_denied(engine, org):
    with pytest.raises(AccessDenied), session_scope(engine) as session:
        coach = org.viewer(session, org.coach_a)
        person_for(session=session, viewer=coach, action=Action.READ_RESULTS, person_id=org.sup_b1)


def test_lists_show_only_visible_people(engine, org):
    with session_scope(engine) as session:
        names = {
            viewer_id: set(
                people.people_overview(session=session, viewer=org.viewer(session, viewer_id))[
                    "name"
                ]
            )
            for viewer_id in (org.sup_a1, org.coach_a, org.hr)
        }
    assert names[org.sup_a1] == {"Sup A One"}
    assert names[org.coach_a] == {"Sup A One", "Sup A Two"}
    assert names[org.hr] == {"Sup A One", "Sup A Two", "Sup B One"}


def test_only_admins_manage_accounts(engine, org):
    with session_scope(engine) as session:
        assert len(people.accounts_overview(session=session, viewer=org.viewer(session, org.admin)))
        for viewer_id in (org.sup_a1, org.coach_a, org.hr):
            with pytest.raises(AccessDenied):
                people.accounts_overview(session=session, viewer=org.viewer(session, viewer_id))
