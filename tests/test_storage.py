"""Storage: migrations, autosave, one-shot submit, constraints; on SQLite and PostgreSQL."""

from __future__ import annotations

import importlib
from datetime import date, datetime

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import insert, inspect, text
from sqlalchemy.exc import IntegrityError
from sqlmodel import SQLModel, select

from leadcoach.assessment import responses
from leadcoach.instrument import instruments, scoring
from leadcoach.people import profile
from leadcoach.platform import data_version
from leadcoach.platform.config import Settings
from leadcoach.platform.db import make_engine, migrate, pending_migrations, session_scope
from leadcoach.platform.errors import AlreadySubmitted, InvalidInput
from leadcoach.platform.models import Answer, AssessmentDraft, SkillScore, Submission
from tests.factories import build_org

_0012 = importlib.import_module("leadcoach.migrations.versions.0012_data_version_languages")
FIGURE_COLUMNS, OWN_SETTINGS = _0012.FIGURE_COLUMNS, _0012.OWN_SETTINGS

EXPECTED_TABLES = {
    "team",
    "person",
    "teamcoach",
    "account",
    "instrument",
    "assessmentdraft",
    "answer",
    "submission",
    "skillscore",
    "auditevent",
    "cohort",
    "cohortmember",
    "cohortround",
    "dataversion",
}


def test_migrations_create_every_table_and_match_the_models(engine):
    assert set(inspect(engine).get_table_names()) >= EXPECTED_TABLES
    with engine.connect() as connection:
        diff = compare_metadata(MigrationContext.configure(connection), SQLModel.metadata)
    assert diff == [], f"models and migrations drifted: {diff}"
    assert not pending_migrations(engine)


def test_sqlite_connections_use_wal_foreign_keys_and_busy_timeout(sqlite_settings):
    engine = make_engine(sqlite_settings)
    with engine.connect() as connection:
        assert connection.execute(text("PRAGMA journal_mode")).scalar() == "wal"
        assert connection.execute(text("PRAGMA foreign_keys")).scalar() == 1
        assert connection.execute(text("PRAGMA busy_timeout")).scalar() == 5000


def _start(engine, instrument):
    with session_scope(engine) as session:
        org = build_org(session)
        viewer = org.viewer(session, org.sup_a1)
        draft_id = responses.open_draft(session=session, viewer=viewer, instrument=instrument)
    return org, draft_id


def _answer_all(engine, org, draft_id, instrument, value=4):
    with session_scope(engine) as session:
        viewer = org.viewer(session, org.sup_a1)
        state = responses.load_draft(session=session, viewer=viewer, draft_id=draft_id)
        for _, item in instrument.items_for(state.tags):
            responses.save_answer(
                session=session, viewer=viewer, draft_id=draft_id, item_id=item.id, value=value
            )
        for _, scenario in instrument.scenarios_for(state.tags):
            for option in scenario.options:
                responses.save_answer(
                    session=session,
                    viewer=viewer,
                    draft_id=draft_id,
                    item_id=scenario.id,
                    option_id=option.id,
                    value=option.key,
                )


def test_each_answer_is_saved_at_once_and_survives_a_restart(settings, engine, instrument):
    org, draft_id = _start(engine, instrument)
    with session_scope(engine) as session:
        viewer = org.viewer(session, org.sup_a1)
        responses.save_answer(
            session=session, viewer=viewer, draft_id=draft_id, item_id="DEC1", value=2
        )
    with session_scope(engine) as session:
        viewer = org.viewer(session, org.sup_a1)
        responses.save_answer(
            session=session, viewer=viewer, draft_id=draft_id, item_id="DEC1", value=5
        )
        responses.save_answer(
            session=session, viewer=viewer, draft_id=draft_id, item_id="COM2", value=None
        )
    engine.dispose()
    restarted = make_engine(settings)  # a new process would build a new engine like this
    with session_scope(restarted) as session:
        viewer = org.viewer(session, org.sup_a1)
        assert (
            responses.current_draft_id(session=session, viewer=viewer, person_id=org.sup_a1)
            == draft_id
        )
        state = responses.load_draft(session=session, viewer=viewer, draft_id=draft_id)
        count = len(session.exec(select(Answer).where(Answer.draft_id == draft_id)).all())
    assert state.item_answers == {"DEC1": 5, "COM2": None}
    assert count == 2
    restarted.dispose()


def test_a_duplicate_answer_row_is_impossible(engine, instrument):
    _, draft_id = _start(engine, instrument)
    row = {"draft_id": draft_id, "item_id": "DEC1", "option_id": "", "value": 3}
    with pytest.raises(IntegrityError), session_scope(engine) as session:
        session.execute(insert(Answer), [row, row])


def test_a_second_open_draft_for_a_person_is_impossible(engine, instrument):
    org, draft_id = _start(engine, instrument)
    with session_scope(engine) as session:
        viewer = org.viewer(session, org.sup_a1)
        again = responses.open_draft(session=session, viewer=viewer, instrument=instrument)
        assert again == draft_id
        frozen = session.get(AssessmentDraft, draft_id).instrument_id
    with pytest.raises(IntegrityError), session_scope(engine) as session:
        session.add(AssessmentDraft(person_id=org.sup_a1, instrument_id=frozen, option_seed=1))


def test_bad_answers_are_refused_with_a_clear_message(engine, instrument):
    org, draft_id = _start(engine, instrument)
    cases = [
        ({"item_id": "DEC1", "value": 6}, "Statement DEC1: choose 1 to 5"),
        ({"item_id": "NOPE", "value": 3}, "Statement 'NOPE' is not part"),
        # DEL3 is tagged vendor: sup_a1 does not oversee a vendor, so it is not theirs.
        ({"item_id": "DEL3", "value": 3}, "Statement 'DEL3' is not part"),
        ({"item_id": "SJT-DEC-1", "option_id": "z", "value": 3}, "there is no option 'z'"),
        ({"item_id": "SJT-DEC-1", "option_id": "a", "value": 5}, "rate it from 1 to 4"),
    ]
    for arguments, message in cases:
        with pytest.raises(InvalidInput, match=message), session_scope(engine) as session:
            viewer = org.viewer(session, org.sup_a1)
            responses.save_answer(session=session, viewer=viewer, draft_id=draft_id, **arguments)
    with session_scope(engine) as session:
        assert session.exec(select(Answer)).all() == []


def test_submit_writes_the_submission_and_its_scores_once(engine, instrument):
    org, draft_id = _start(engine, instrument)
    _answer_all(engine, org, draft_id, instrument, value=4)
    with session_scope(engine) as session:
        viewer = org.viewer(session, org.sup_a1)
        submission = responses.submit_assessment(session=session, viewer=viewer, draft_id=draft_id)
        submission_id = submission.id
    with session_scope(engine) as session:
        scores = session.exec(
            select(SkillScore).where(SkillScore.submission_id == submission_id)
        ).all()
        submission = session.get(Submission, submission_id)
    # sup_a1 has no remote/vendor tags: REM is left out, 11 skills are scored.
    assert len(scores) == 11 and "REM" not in {s.skill_id for s in scores}
    del_score = next(s for s in scores if s.skill_id == "DEL")
    assert (del_score.answered, del_score.applicable) == (4, 4)
    # All 4s: normal items give 4, reverse-keyed ones 6 - 4 = 2, so DEC = mean(4,4,4,4,2,2).
    dec = next(s for s in scores if s.skill_id == "DEC")
    assert dec.score == pytest.approx(scoring.pomp((4 * 4 + 2 * 2) / 6))
    assert submission.scenario_score == pytest.approx(100.0)  # rated every option at its key
    assert submission.scenario_key_version == instrument.scenario_key_version

    with pytest.raises(AlreadySubmitted), session_scope(engine) as session:
        viewer = org.viewer(session, org.sup_a1)
        responses.submit_assessment(session=session, viewer=viewer, draft_id=draft_id)
    with pytest.raises(AlreadySubmitted), session_scope(engine) as session:
        viewer = org.viewer(session, org.sup_a1)
        responses.save_answer(
            session=session, viewer=viewer, draft_id=draft_id, item_id="DEC1", value=1
        )
    with pytest.raises(IntegrityError), session_scope(engine) as session:
        # Even bypassing the core, the database refuses a second submission of one draft.
        session.add(
            Submission(
                draft_id=draft_id,
                person_id=org.sup_a1,
                rater_id=org.sup_a1,
                instrument_id=submission.instrument_id,
                scenario_key_version="x",
            )
        )


def test_a_failing_submit_writes_nothing(engine, instrument, monkeypatch):
    org, draft_id = _start(engine, instrument)
    _answer_all(engine, org, draft_id, instrument)

    def broken_skill_score(**kwargs):
        raise RuntimeError("disk full while writing skill scores")

    monkeypatch.setattr(responses, "SkillScore", broken_skill_score)
    with pytest.raises(RuntimeError), session_scope(engine) as session:
        viewer = org.viewer(session, org.sup_a1)
        responses.submit_assessment(session=session, viewer=viewer, draft_id=draft_id)
    with session_scope(engine) as session:
        assert session.exec(select(Submission)).all() == []
        assert session.exec(select(SkillScore)).all() == []
        assert session.get(AssessmentDraft, draft_id).submitted_at is None
        assert len(session.exec(select(Answer)).all()) > 0


def test_a_used_instrument_version_is_frozen(engine, instrument):
    org, draft_id = _start(engine, instrument)
    _answer_all(engine, org, draft_id, instrument)
    with session_scope(engine) as session:
        viewer = org.viewer(session, org.sup_a1)
        submission = responses.submit_assessment(session=session, viewer=viewer, draft_id=draft_id)
        frozen_id = submission.instrument_id
    changed_skill = instrument.skills[0].model_copy(update={"name": "Renamed skill"})
    changed = instrument.model_copy(update={"skills": (changed_skill, *instrument.skills[1:])})
    with pytest.raises(InvalidInput, match="new version number"), session_scope(engine) as s:
        instruments.freeze(session=s, instrument=changed)
    bumped = changed.model_copy(update={"version": "1.0.1"})
    with session_scope(engine) as session:
        new_row = instruments.freeze(session=session, instrument=bumped)
        assert new_row.id != frozen_id
        old = instruments.frozen_definition(session=session, instrument_row_id=frozen_id)
    assert old.skills[0].name == instrument.skills[0].name
    assert old.content_hash() == instrument.content_hash()


def test_answers_of_another_person_cannot_be_read_or_written(engine, instrument):
    from leadcoach.platform.errors import AccessDenied

    org, draft_id = _start(engine, instrument)
    with pytest.raises(AccessDenied), session_scope(engine) as session:
        other = org.viewer(session, org.sup_b1)
        responses.load_draft(session=session, viewer=other, draft_id=draft_id)
    with pytest.raises(AccessDenied), session_scope(engine) as session:
        other = org.viewer(session, org.sup_a2)  # same team, still not theirs
        responses.save_answer(
            session=session, viewer=other, draft_id=draft_id, item_id="DEC1", value=3
        )
    with session_scope(engine) as session:
        coach = org.viewer(session, org.coach_a)  # may read, never answer for them
        assert responses.load_draft(session=session, viewer=coach, draft_id=draft_id)
    with pytest.raises(AccessDenied), session_scope(engine) as session:
        coach = org.viewer(session, org.coach_a)
        responses.save_answer(
            session=session, viewer=coach, draft_id=draft_id, item_id="DEC1", value=3
        )
    with pytest.raises(AccessDenied), session_scope(engine) as session:
        coach = org.viewer(session, org.coach_a)
        responses.submit_assessment(session=session, viewer=coach, draft_id=draft_id)


def test_the_data_version_moves_with_what_cached_figures_are_computed_from(engine, instrument):
    def version():
        with session_scope(engine) as session:
            return data_version.current(session)

    def changed_by(*statements: str, **values) -> bool:
        before = version()
        with session_scope(engine) as session:
            for statement in statements:
                session.execute(text(statement), values)
        return version() != before

    empty = version()
    org, draft_id = _start(engine, instrument)
    with_people = version()
    assert with_people != empty  # people were added
    _answer_all(engine, org, draft_id, instrument)
    assert version() == with_people  # answers alone change no cached figure
    with session_scope(engine) as session:
        viewer = org.viewer(session, org.sup_a1)
        responses.submit_assessment(session=session, viewer=viewer, draft_id=draft_id)
    assert version() != with_people
    # Names show in cohort reviews; teams and sites decide breakdowns and norm groups.
    person, team = org.sup_a1, org.team_b
    assert changed_by("UPDATE person SET name = 'Sup A Renamed' WHERE id = :p", p=person)
    assert changed_by("UPDATE person SET team_id = :t WHERE id = :p", p=person, t=team)
    assert changed_by("UPDATE team SET site = 'Elsewhere' WHERE id = :t", t=team)
    assert changed_by(
        "INSERT INTO cohort (name, start_date, description) VALUES ('Intake', '2026-01-05', '')"
    )
    assert changed_by(
        "INSERT INTO cohortmember (cohort_id, person_id) "
        "SELECT id, :p FROM cohort WHERE name = 'Intake'",
        p=person,
    )
    assert changed_by(
        "INSERT INTO cohortround (cohort_id, name, opens_on, closes_on) "
        "SELECT id, 'Baseline', '2026-01-05', '2026-01-19' FROM cohort WHERE name = 'Intake'"
    )
    assert changed_by("UPDATE cohortround SET closes_on = '2026-01-26'")
    assert changed_by("DELETE FROM cohortround", "DELETE FROM cohortmember")
    assert changed_by("DELETE FROM skillscore", "DELETE FROM submission")
    # Each statement on its own bumps it too (a bulk change bumps once on PostgreSQL).
    assert changed_by("DELETE FROM cohort")


def test_a_persons_own_settings_leave_cached_figures_alone(engine, instrument):
    """Issue 25: switching language in the app must not recompute every organisation-wide
    figure (migration 0012). Every other column of a person still moves the data version;
    a change of language moves its own count, which the language breakdowns read."""
    org, _ = _start(engine, instrument)

    def versions():
        with session_scope(engine) as session:
            return data_version.current(session), data_version.with_languages(session)[3]

    def after(column: str, value) -> tuple[bool, bool]:
        before, languages_before = versions()
        with session_scope(engine) as session:
            update = text(f"UPDATE person SET {column} = :v WHERE id = :p")
            session.execute(update, {"v": value, "p": org.sup_a1})
        now, languages_now = versions()
        return now != before, languages_now != languages_before

    with session_scope(engine) as session:
        viewer = org.viewer(session, org.sup_a1)
        before, languages_before = versions()
        assert profile.set_language(session=session, viewer=viewer, language="ar")
    now, languages_now = versions()
    assert now == before and languages_now != languages_before
    assert after("language", "es") == (False, True)
    assert after("time_zone", "Africa/Cairo") == (False, False)
    values = {"name": "Renamed", "email": "renamed@example.com", "role": "coach",
              "team_id": org.team_b, "site": "Cairo", "vendor": "Acme",
              "start_date": date(2026, 1, 5), "manages_remote": True, "oversees_vendor": True,
              "created_at": datetime(2026, 1, 5, 9)}  # fmt: skip
    columns = {column["name"] for column in inspect(engine).get_columns("person")}
    # A new column of person must be named in migration 0012's lists (and here).
    assert columns == {"id", *values, *OWN_SETTINGS}
    assert set(FIGURE_COLUMNS) == {"id", *values}
    for column, value in values.items():
        assert after(column, value) == (True, False), column


def test_two_databases_never_share_a_data_version(tmp_path):
    versions = []
    for name in ("one.db", "two.db"):
        settings = Settings(database_url=f"sqlite:///{tmp_path / name}")
        migrate(settings)
        engine = make_engine(settings)
        with session_scope(engine) as session:
            versions.append(data_version.current(session)[1:])  # without the address
        engine.dispose()
    assert versions[0] != versions[1]  # a random lineage tells them apart


def test_a_versioned_cache_computes_once_per_key_and_drops_the_oldest_first():
    cache = data_version.VersionedCache(max_entries=2)
    computed = []

    def value(key):
        return cache.get(key, lambda: computed.append(key) or f"value {key}")

    assert [value("a"), value("a"), value("b")] == ["value a", "value a", "value b"]
    assert computed == ["a", "b"]
    value("c")  # a third key: "a", the oldest, goes
    value("b")
    value("a")
    assert computed == ["a", "b", "c", "a"]
    cache.clear()
    value("c")
    assert computed[-1] == "c"
