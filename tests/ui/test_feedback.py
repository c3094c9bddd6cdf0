"""AppTest: the 360 report pages (issue 22, items 6 and 7) on a copy of the demo database
with closed feedback rounds: the supervisor's report, the coach's person tab and team
heatmap with others, HR's cohort tab. A group of two is never shown anywhere."""

from __future__ import annotations

import sqlite3
from datetime import date

import pytest
from sqlmodel import select

from leadcoach.demo import email_for
from leadcoach.instrument import bank
from leadcoach.platform.config import Settings
from leadcoach.platform.db import make_engine, session_scope
from leadcoach.platform.models import Cohort, CohortMember, Person
from tests.test_feedback_reports import add_round
from tests.ui.conftest import app_signed_in_as, open_tab, shown_tables


@pytest.fixture(scope="module")
def feedback_url(demo_url, tmp_path_factory) -> str:
    """The demo database with two more closed rounds for Ana Lima, the later one the latest
    (two peers: hidden)."""
    source = demo_url.removeprefix("sqlite:///")
    copy = tmp_path_factory.mktemp("feedback") / "feedback.db"
    # SQLite's backup API: a plain file copy would miss what is still in the WAL file.
    with sqlite3.connect(source) as original, sqlite3.connect(copy) as target:
        original.backup(target)
    url = f"sqlite:///{copy}"
    settings = Settings(database_url=url)
    instrument = bank.load_bank(settings.assessments_dir).current(settings.instrument_id)
    with session_scope(make_engine(settings)) as session:
        ana = session.exec(select(Person.id).where(Person.email == email_for("Ana Lima"))).one()
        add_round(session, instrument, ana, {"self": [4], "direct_report": [4, 4, 4]},
                  closes=date(2026, 10, 20))  # fmt: skip
        add_round(
            session, instrument, ana,
            {"self": [5], "manager": [4], "peer": [1, 1], "direct_report": [2, 3, 3]},
            keep="Keeps the huddles short", closes=date(2026, 11, 1),
        )  # fmt: skip
    return url


def _all_text(at) -> str:
    parts = [str(e.value) for e in (*at.markdown, *at.caption, *at.info, *at.subheader)]
    parts += [frame.to_csv() for frame in shown_tables(at)]
    return "\n".join(parts)


def test_supervisor_sees_the_report_without_the_small_group(feedback_url, monkeypatch):
    at = app_signed_in_as(feedback_url, "Ana Lima", monkeypatch).run()
    at.switch_page("pages/supervisor/feedback_report.py").run()
    assert not at.exception, at.exception
    assert at.title[0].value == "Feedback from others"
    text = _all_text(at)
    assert "Direct reports" in text and "Manager" in text and "All others" in text
    assert "Peers" in text  # named only as too few to show
    tables = shown_tables(at)
    groups_shown = {g for t in tables if "Group" in t.columns for g in t["Group"]}
    assert "Peers" not in groups_shown
    assert "Keeps the huddles short" in text
    for word in ("None", "nan", "NaN", "direct_report", "<NA>"):
        assert word not in text.replace("Not enough people", "")


def test_coach_sees_the_person_tab_and_others_on_the_heatmap(feedback_url, monkeypatch):
    at = app_signed_in_as(feedback_url, "Priya Shah", monkeypatch).run()
    at.switch_page("pages/coach/team.py").run()
    assert not at.exception, at.exception
    at.toggle(key="coach_team_others").set_value(True).run()
    assert not at.exception, at.exception
    table = next(t for t in shown_tables(at) if "All others" in t.columns)
    assert "Ana Lima" in set(table["Person"])
    assert "Sam Torres" not in set(table["Person"])  # Priya does not coach Sam's team
    at.switch_page("pages/coach/person.py").run()
    assert not at.exception, at.exception


def test_hr_sees_the_cohort_tab_and_no_single_report(feedback_url, monkeypatch):
    with session_scope(make_engine(Settings(database_url=feedback_url))) as session:
        cohort = session.exec(select(Cohort)).first()
        assert cohort is not None
        members = session.exec(
            select(CohortMember.person_id).where(CohortMember.cohort_id == cohort.id)
        ).all()
        assert members
    at = app_signed_in_as(feedback_url, "Helen Okafor", monkeypatch).run()
    at.switch_page("pages/hr/review.py").run()
    open_tab(at, "view", "Feedback from others")
    assert not at.exception, at.exception
