"""Small organisations built through the core's own functions, for tests."""

from __future__ import annotations

from dataclasses import dataclass

from sqlmodel import Session

from leadcoach.assessment import responses
from leadcoach.people import accounts
from leadcoach.people.access import Viewer, load_viewer
from leadcoach.platform.db import session_scope
from leadcoach.platform.models import Person, Role, Team, TeamCoach

PASSWORD = "correct horse battery"
# Hashing is deliberately slow (argon2id); tests share one hash of PASSWORD.
PASSWORD_HASH = accounts.hash_password(PASSWORD)


@dataclass
class Org:
    """Two teams; a coach of team A only; supervisors in both; HR and an admin."""

    team_a: int
    team_b: int
    coach_a: int
    sup_a1: int
    sup_a2: int
    sup_b1: int
    hr: int
    admin: int

    def viewer(self, session: Session, person_id: int) -> Viewer:
        return load_viewer(session=session, person_id=person_id)


def add_person(
    session: Session, name: str, role: Role, team_id: int | None = None, **profile
) -> int:
    person = accounts.create_person_with_account(
        session=session,
        name=name,
        email=f"{name.lower().replace(' ', '.')}@test.example",
        role=role,
        password=PASSWORD,
        team_id=team_id,
        password_hash=PASSWORD_HASH,
    )
    for key, value in profile.items():
        setattr(person, key, value)
    session.add(person)
    session.flush()
    return person.id


def build_org(session: Session) -> Org:
    team_a = Team(name="Team A", site="Leeds")
    team_b = Team(name="Team B", site="Manila", vendor="Horizon BPO")
    session.add_all([team_a, team_b])
    session.flush()
    coach_a = add_person(session, "Coach A", Role.COACH)
    session.add(TeamCoach(team_id=team_a.id, coach_id=coach_a))
    org = Org(
        team_a=team_a.id,
        team_b=team_b.id,
        coach_a=coach_a,
        sup_a1=add_person(session, "Sup A One", Role.SUPERVISOR, team_a.id),
        sup_a2=add_person(session, "Sup A Two", Role.SUPERVISOR, team_a.id, oversees_vendor=True),
        sup_b1=add_person(session, "Sup B One", Role.SUPERVISOR, team_b.id),
        hr=add_person(session, "Helen HR", Role.HR),
        admin=add_person(session, "Ada Admin", Role.ADMIN),
    )
    session.flush()
    return org


def person(session: Session, person_id: int) -> Person:
    return session.get(Person, person_id)


def keyed_answers(instrument, keyed: dict[str, int], default: int = 3, tags=frozenset()):
    """Answers giving each skill (by id prefix) the keyed value; reverse items get 6 - value.

    A keyed value v scores 100 x (v - 1) / 4: 1 -> 0, 2 -> 25, 3 -> 50, 4 -> 75, 5 -> 100.
    """
    result = {}
    for skill, item in instrument.items_for(frozenset(tags)):
        value = keyed.get(skill.id, default)
        result[item.id] = 6 - value if item.reverse else value
    return result


def submit(engine, person_id: int, instrument, answers: dict[str, int | None], when) -> None:
    """Take and submit a self-assessment as this person, dated `when`."""
    with session_scope(engine) as session:
        me = load_viewer(session=session, person_id=person_id)
        draft_id = responses.open_draft(session=session, viewer=me, instrument=instrument)
        for item_id, value in answers.items():
            responses.save_answer(
                session=session, viewer=me, draft_id=draft_id, item_id=item_id, value=value
            )
        responses.submit_assessment(session=session, viewer=me, draft_id=draft_id, at=when)
