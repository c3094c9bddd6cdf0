"""Erasing a person: everything about and by them goes, in one transaction, and only then."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import event, func, text
from sqlmodel import SQLModel, select

from leadcoach.assessment import responses
from leadcoach.coaching import notes, plans
from leadcoach.people import accounts, erasure
from leadcoach.platform import db
from leadcoach.platform.db import make_engine, session_scope
from leadcoach.platform.errors import AccessDenied, InvalidInput, NotFound
from leadcoach.platform.models import (
    Account,
    Answer,
    AssessmentDraft,
    AuditEvent,
    CoachingNote,
    CohortMember,
    DevelopmentGoal,
    GoalAction,
    GoalCheckIn,
    Person,
    PlanComment,
    Role,
    SkillScore,
    Submission,
    TeamCoach,
)
from leadcoach.programmes import cohorts
from tests.factories import PASSWORD, add_person, build_org, keyed_answers, submit

TODAY = date(2026, 11, 2)


@pytest.fixture
def org(engine):
    with session_scope(engine) as session:
        return build_org(session)


def _goal(engine, org, instrument, person_id) -> int:
    with session_scope(engine) as session:
        return plans.add_goal(
            session=session,
            viewer=org.viewer(session, person_id),
            instrument=instrument,
            skill_id="DEC",
            specific="Decide on outage actions within 10 minutes",
            measure="Incident log",
            target_date=TODAY + timedelta(days=90),
            actions=[("Write an outage playbook", None)],
            today=TODAY,
        )


@pytest.fixture
def full_org(engine, org, instrument):
    """Every kind of data for sup_a1 and sup_a2, with coach_a commenting and writing notes."""
    answers = keyed_answers(instrument, {})
    for person_id in (org.sup_a1, org.sup_a2):
        submit(engine, person_id, instrument, answers, datetime(2026, 1, 5, tzinfo=UTC))
        with session_scope(engine) as session:
            me = org.viewer(session, person_id)
            draft_id = responses.open_draft(session=session, viewer=me, instrument=instrument)
            item_id = next(iter(answers))
            responses.save_answer(
                session=session, viewer=me, draft_id=draft_id, item_id=item_id, value=4
            )
    goals = {pid: _goal(engine, org, instrument, pid) for pid in (org.sup_a1, org.sup_a2)}
    with session_scope(engine) as session:
        for person_id, goal_id in goals.items():
            me = org.viewer(session, person_id)
            plans.record_check_in(session=session, viewer=me, goal_id=goal_id, progress=30)
            plans.add_comment(session=session, viewer=me, goal_id=goal_id, text="My own note")
        coach = org.viewer(session, org.coach_a)
        for person_id, goal_id in goals.items():
            plans.add_comment(session=session, viewer=coach, goal_id=goal_id, text="Well done")
            notes.add_note(session=session, viewer=coach, person_id=person_id, text="Note")
        hr = org.viewer(session, org.hr)
        cohort_id = cohorts.create_cohort(
            session=session, viewer=hr, name="Intake", start_date=TODAY, description=""
        )
        cohorts.add_members(
            session=session, viewer=hr, cohort_id=cohort_id, person_ids=[org.sup_a1, org.sup_a2]
        )
    # Sign-ins leave audit events with the person as actor and their email as subject.
    with session_scope(engine) as session:
        accounts.authenticate(session=session, email="sup.a.one@test.example", password=PASSWORD)
    return goals


def _count(session, model, *where) -> int:
    return session.exec(select(func.count()).select_from(model).where(*where)).one()


def _erase(engine, org, viewer_id, person_id, confirm):
    with session_scope(engine) as session:
        return erasure.erase_person(
            session=session,
            viewer=org.viewer(session, viewer_id),
            person_id=person_id,
            confirm_name=confirm,
        )


def test_erasing_a_supervisor_removes_all_their_data_and_nobody_elses(engine, org, full_org):
    goals = full_org
    report = _erase(engine, org, org.hr, org.sup_a1, "  sup a  ONE ")
    assert report.counts["people"] == 1
    assert report.counts["submissions"] == 1
    assert report.counts["drafts"] == 2  # the submitted one and the open one
    assert report.counts["plan_comments"] == 2  # their own and the coach's, on their goal
    assert report.counts["coaching_notes"] == 1
    with session_scope(engine) as session:
        me = org.sup_a1
        assert session.get(Person, me) is None
        assert _count(session, Account, Account.person_id == me) == 0
        assert _count(session, AssessmentDraft, AssessmentDraft.person_id == me) == 0
        assert _count(session, Submission, Submission.person_id == me) == 0
        assert _count(session, DevelopmentGoal, DevelopmentGoal.person_id == me) == 0
        assert _count(session, CoachingNote, CoachingNote.person_id == me) == 0
        assert _count(session, CohortMember, CohortMember.person_id == me) == 0
        assert _count(session, GoalAction, GoalAction.goal_id == goals[me]) == 0
        assert _count(session, GoalCheckIn, GoalCheckIn.goal_id == goals[me]) == 0
        assert _count(session, PlanComment, PlanComment.goal_id == goals[me]) == 0
        # Sup A Two keeps everything: one submission with scores, two drafts, answers, goal.
        other = org.sup_a2
        assert _count(session, Submission, Submission.person_id == other) == 1
        assert _count(session, SkillScore) > 0
        assert _count(session, AssessmentDraft) == 2
        assert _count(session, Answer) > 0
        assert _count(session, PlanComment) == 2
        assert _count(session, CoachingNote) == 1
        assert _count(session, CohortMember) == 1
        assert _count(session, GoalAction) == 1


def test_erasing_a_coach_removes_what_they_wrote_about_others(engine, org, full_org):
    report = _erase(engine, org, org.admin, org.coach_a, "Coach A")
    assert report.counts["coached_teams"] == 1
    assert report.counts["coaching_notes"] == 2
    assert report.counts["plan_comments"] == 2
    with session_scope(engine) as session:
        assert _count(session, TeamCoach) == 0
        assert _count(session, CoachingNote) == 0
        # The supervisors' goals stay, with their own comments only.
        assert _count(session, DevelopmentGoal) == 2
        assert set(session.exec(select(PlanComment.text)).all()) == {"My own note"}


def test_the_audit_log_keeps_events_but_forgets_who_the_person_was(engine, org, full_org):
    _erase(engine, org, org.hr, org.sup_a1, "Sup A One")
    with session_scope(engine) as session:
        events = session.exec(select(AuditEvent).order_by(AuditEvent.id)).all()
    assert all(e.actor_id != org.sup_a1 for e in events)
    text = json.dumps([(e.subject, e.detail) for e in events])
    assert "sup.a.one" not in text and "Sup A One" not in text
    signed_in = [e for e in events if e.action == "sign_in"]
    assert signed_in and signed_in[0].actor_id is None
    assert signed_in[0].subject == erasure.ERASED_SUBJECT
    erased = events[-1]
    assert erased.action == "person_erased"
    assert erased.actor_id == org.hr
    assert erased.subject == f"person {org.sup_a1}"
    detail = json.loads(erased.detail)
    assert detail["people"] == 1 and detail["submissions"] == 1
    # Events about other people keep their subjects.
    assert any(e.subject.startswith("cohort ") for e in events)


@pytest.mark.parametrize("role", ["sup_a1", "coach_a"])
def test_only_hr_and_admins_erase(engine, org, role):
    with pytest.raises(AccessDenied):
        _erase(engine, org, getattr(org, role), org.sup_b1, "Sup B One")


def test_nobody_erases_themselves(engine, org):
    with pytest.raises(AccessDenied, match="cannot erase yourself"):
        _erase(engine, org, org.hr, org.hr, "Helen HR")


def test_the_typed_name_must_match_and_nothing_is_erased_otherwise(engine, org, full_org):
    with pytest.raises(InvalidInput, match="does not match"):
        _erase(engine, org, org.hr, org.sup_a1, "Sup A Two")
    with session_scope(engine) as session:
        assert session.get(Person, org.sup_a1) is not None
        assert _count(session, Submission) == 2


def test_unknown_people_and_the_last_admin_are_refused(engine, org):
    with pytest.raises(NotFound):
        _erase(engine, org, org.hr, 99999, "Nobody")
    with pytest.raises(InvalidInput, match="last admin"):
        _erase(engine, org, org.hr, org.admin, "Ada Admin")


def test_a_failure_midway_leaves_everything_in_place(engine, org, full_org, monkeypatch):
    def broken(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(erasure.audit, "record", broken)
    with pytest.raises(RuntimeError):
        _erase(engine, org, org.hr, org.sup_a1, "Sup A One")
    with session_scope(engine) as session:
        assert session.get(Person, org.sup_a1) is not None
        assert _count(session, Submission) == 2
        assert _count(session, PlanComment) == 4


def _references_to(table_name: str) -> set[tuple[str, str]]:
    found = set()
    for table in SQLModel.metadata.sorted_tables:
        for key in table.foreign_keys:
            if key.column.table.name == table_name:
                found.add((table.name, key.parent.name))
    return found


def test_every_reference_to_a_person_is_handled():
    """Fails when a table referencing person.id is added without teaching erasure about it."""
    unhandled = _references_to("person") - set(erasure.PERSON_REFERENCES)
    assert not unhandled, (
        f"erase_person does not handle {sorted(unhandled)}: delete or anonymise those rows in "
        "leadcoach/erasure.py and list them in PERSON_REFERENCES"
    )
    stale = set(erasure.PERSON_REFERENCES) - _references_to("person")
    assert not stale, f"PERSON_REFERENCES lists columns that no longer exist: {sorted(stale)}"


def test_every_reference_to_a_deleted_row_is_handled():
    """Rows deleted with the person (drafts, goals, ...) must take their dependants along."""
    deleted = {t for (t, _), how in erasure.PERSON_REFERENCES.items() if how == "delete"}
    deleted |= {t for (t, _), how in erasure.DEPENDENT_REFERENCES.items() if how == "delete"}
    needed = set()
    for table in deleted:
        needed |= _references_to(table)
    unhandled = needed - set(erasure.DEPENDENT_REFERENCES) - set(erasure.PERSON_REFERENCES)
    assert not unhandled, (
        f"erase_person deletes rows that {sorted(unhandled)} point at: handle them in "
        "leadcoach/erasure.py and list them in DEPENDENT_REFERENCES"
    )


# Distinctive words of one person's data: none occurs anywhere else in a LeadCoach database.
SECRETS = {
    "name": "Quillfeather",
    "email": "zebediah.quillfeather@test.example",
    "goal": "Xylophone playbook for outages",
    "action": "Rehearse the marmalade drill",
    "check-in and comment": "Periwinkle progress so far",
    "coach's note": "Talked through the tangerine incident",
}


def _file_bytes(sqlite_settings) -> dict[str, bytes]:
    """The raw bytes of the database's main file and its -wal file (empty when absent)."""
    path = sqlite_settings.database_url.split("///", 1)[1]
    files = {}
    for suffix in ("", "-wal"):
        try:
            with open(path + suffix, "rb") as file:
                files[path.rsplit("/", 1)[-1] + suffix] = file.read()
        except FileNotFoundError:
            files[path.rsplit("/", 1)[-1] + suffix] = b""
    return files


def _secure_delete_off_by_default(dbapi_connection, _record) -> None:
    dbapi_connection.execute("PRAGMA secure_delete=OFF")


def _readable(files: dict[str, bytes]) -> list[str]:
    return [
        f"{kind} in {name}"
        for kind, secret in SECRETS.items()
        for name, data in files.items()
        if secret.encode() in data
    ]


def test_nothing_erased_can_be_read_from_the_sqlite_files(sqlite_settings, instrument):
    engine = make_engine(sqlite_settings)
    # SQLite leaves deleted rows in place unless built with SQLITE_SECURE_DELETE (Debian's
    # is; many are not): start each connection with it off, as such a build would.
    event.listen(engine, "connect", _secure_delete_off_by_default, insert=True)
    try:
        with session_scope(engine) as session:
            org = build_org(session)
            person_id = add_person(session, "Zebediah Quillfeather", Role.SUPERVISOR, org.team_a)
        when = datetime(2026, 1, 5, tzinfo=UTC)
        submit(engine, person_id, instrument, keyed_answers(instrument, {}), when)
        with session_scope(engine) as session:
            goal_id = plans.add_goal(
                session=session, viewer=org.viewer(session, person_id), instrument=instrument,
                skill_id="DEC", specific=SECRETS["goal"], measure="Incident log",
                target_date=TODAY + timedelta(days=90),
                actions=[(SECRETS["action"], None)], today=TODAY,
            )  # fmt: skip
        # Older data has long reached the main file (SQLite checkpoints as the -wal grows);
        # the newest is still only in the -wal file.
        assert db.checkpoint_wal(engine)
        with session_scope(engine) as session:
            me = org.viewer(session, person_id)
            plans.record_check_in(session=session, viewer=me, goal_id=goal_id, progress=30)
            plans.add_comment(
                session=session, viewer=me, goal_id=goal_id, text=SECRETS["check-in and comment"]
            )
            coach = org.viewer(session, org.coach_a)
            notes.add_note(
                session=session, viewer=coach, person_id=person_id, text=SECRETS["coach's note"]
            )
        with session_scope(engine) as session:
            accounts.authenticate(session=session, email=SECRETS["email"], password=PASSWORD)
        # The test can see them: every secret is in the files before the erasure, in both.
        before = _readable(_file_bytes(sqlite_settings))
        assert {entry.split(" in ")[0] for entry in before} == set(SECRETS)
        assert {entry.split(" in ")[1] for entry in before} == {"leadcoach.db", "leadcoach.db-wal"}

        _erase(engine, org, org.hr, person_id, "Zebediah Quillfeather")
        # Read while the app's connections stay open, as on a running server.
        assert _readable(_file_bytes(sqlite_settings)) == [], "erased data is still readable"
        with engine.connect() as connection:
            assert connection.execute(text("PRAGMA integrity_check")).scalar() == "ok"
            assert connection.execute(text("PRAGMA secure_delete")).scalar() == 1
    finally:
        engine.dispose()


def test_erasing_checkpoints_only_once_committed(sqlite_settings, monkeypatch):
    """A refused or rolled-back erasure leaves the files alone (no checkpoint at all)."""
    checkpoints = []
    monkeypatch.setattr(db, "checkpoint_wal", lambda engine: checkpoints.append(engine))
    engine = make_engine(sqlite_settings)
    try:
        with session_scope(engine) as session:
            org = build_org(session)
        with pytest.raises(RuntimeError), session_scope(engine) as session:
            erasure.erase_person(
                session=session, viewer=org.viewer(session, org.hr),
                person_id=org.sup_a1, confirm_name="Sup A One",
            )  # fmt: skip
            raise RuntimeError("the page failed before the commit")
        assert checkpoints == []
        with session_scope(engine) as session:
            assert session.get(Person, org.sup_a1) is not None
        _erase(engine, org, org.hr, org.sup_a1, "Sup A One")
        assert checkpoints == [engine]
    finally:
        engine.dispose()


def test_the_report_names_what_went_in_plain_words(engine, org, full_org):
    report = _erase(engine, org, org.hr, org.sup_a1, "Sup A One")
    assert report.described() == (
        f"1 sign-in account, 1 submitted assessment, {report.counts['answers']} answers, "
        "1 development goal, 2 comments on development plans, 1 coaching note and 1 cohort "
        "membership"
    )
    # A person with nothing stored but themselves: nothing to list.
    assert erasure.ErasureReport(1, {"people": 1, "accounts": 0}).described() == ""
    assert erasure.ErasureReport(1, {"accounts": 1}).described() == "1 sign-in account"
    two = erasure.ErasureReport(1, {"accounts": 1, "goals": 2}).described()
    assert two == "1 sign-in account and 2 development goals"
