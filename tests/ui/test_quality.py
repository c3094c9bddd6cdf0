"""AppTest: the instrument quality page for HR and admins, and nobody else."""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta
from datetime import time as clock

import pandas as pd
import pytest
from sqlmodel import select
from streamlit.testing.v1 import AppTest

from leadcoach.measurement import dif, quality
from leadcoach.people.access import NO_ACCESS, load_viewer
from leadcoach.platform.config import Settings
from leadcoach.platform.db import make_engine, migrate, session_scope
from leadcoach.platform.errors import AccessDenied
from leadcoach.platform.models import Person
from leadcoach.reporting import vocabulary
from leadcoach.ui.text import md
from tests.test_quality import REVERSED_BY_MISTAKE, build_sample
from tests.ui.conftest import APP, person_id, table_with
from tests.ui.test_supervisor import charts, current_instrument, open_page, texts

QUALITY = "pages/hr/quality.py"


@pytest.fixture(scope="module")
def sample_url(tmp_path_factory) -> tuple[str, int]:
    """A SQLite database where 35 simulated supervisors submitted last week; (url, HR id)."""
    url = f"sqlite:///{tmp_path_factory.mktemp('quality') / 'quality.db'}"
    settings = Settings(database_url=url)
    migrate(settings)
    engine = make_engine(settings)
    last_week = datetime.combine(datetime.now(UTC).date() - timedelta(days=7), clock(9), UTC)
    org, _people, _given = build_sample(engine, current_instrument(), 35, start=last_week)
    engine.dispose()
    return url, org.hr


def open_as(url: str, viewer_id: int, monkeypatch) -> AppTest:
    monkeypatch.setenv("LEADCOACH_DATABASE_URL", url)
    at = AppTest.from_file(APP, default_timeout=60)
    at.session_state["_auth_person_id"] = viewer_id
    at.session_state["_auth_last_activity"] = time.time()
    at.run()
    at.switch_page(QUALITY).run()
    assert not at.exception, at.exception
    return at


@pytest.mark.parametrize("name", ["Helen Okafor", "Alex Morgan"])
def test_the_demo_has_enough_people_and_shows_the_translation_check(demo_url, monkeypatch, name):
    """Issue 25: the demo's Manila (English) and Cairo (Arabic) teams are large enough for
    the quality figures and the DIF check, which finds the statement built to show DIF."""
    at = open_page(demo_url, name, QUALITY, monkeypatch)
    assert at.title[0].value == "Instrument quality"
    assert "Translated statements: do they measure the same thing?" in [
        h.value for h in at.subheader
    ]
    flagged = [w.value for w in at.warning if "works differently in Arabic" in w.value]
    assert len(flagged) == 1 and flagged[0].startswith("**MOT2**")
    assert at.checkbox(key="quality_set_aside_MOT2").value is False
    # More people than statements: the page leads with R psych's exploratory omega and shows
    # the skills model beside it, and says which method it used.
    omegas = {m.label: float(m.value) for m in at.metric if m.label.startswith("Omega")}
    assert set(omegas) == {"Omega hierarchical", "Omega total",
                           "Omega hierarchical, skills as groups"}  # fmt: skip
    assert 0 <= omegas["Omega hierarchical"] <= omegas["Omega total"] <= 1
    (method,) = [c.value for c in at.caption if c.value.startswith("Method:")]
    # One group factor per skill with enough ratings (too few demo supervisors manage remote
    # agents for the remote-work skill).
    factors = len(current_instrument().skills) - 1
    assert method.startswith(
        f"Method: exploratory, as R psych's omega computes it: {factors} group factors, one per "
        "skill with enough ratings"
    )
    assert "The factors follow the skills for " in method


def test_enough_submissions_show_the_chart_and_both_tables(sample_url, monkeypatch):
    url, hr = sample_url
    at = open_as(url, hr, monkeypatch)
    assert at.metric[0].value == "35"
    assert [s.value for s in at.subheader] == [
        "One general factor?",
        "Reliability per skill",
        "Statements",
        "Translated statements: do they measure the same thing?",  # issue 25
    ]
    # Everyone answered in English: the translation check says why it has nothing to show.
    assert any("No translation can be checked yet" in i.value for i in at.info)
    omega_h, omega_t = (m for m in at.metric if m.label.startswith("Omega"))
    assert (omega_h.label, omega_t.label) == ("Omega hierarchical", "Omega total")
    assert 0 < float(omega_h.value) <= float(omega_t.value) <= 1
    # 35 people and more statements: no exploratory fit; the page says so and why.
    (method,) = [c.value for c in at.caption if c.value.startswith("Method:")]
    # 11: only half the 35 manage remote agents, too few for the remote-work skill.
    assert method.startswith("Method: the statements of each of the 11 skills with enough")
    shown = method.replace("\\", "")  # as read: without Markdown's escapes
    assert "the exploratory model was not fitted: 35 people answered" in shown
    (chart,) = charts(at)
    assert '"rule"' in chart.proto.spec and "0.7" in chart.proto.spec
    skills = at.dataframe[0].value
    assert len(skills) == 12 and {"Alpha", "Omega", "Status"} <= set(skills.columns)
    assert {"Alpha 95% CI", "Omega 95% CI", "Lambda 6", "Measures one thing",
            "Statements for 0.80", "At the top score"} <= set(skills.columns)  # fmt: skip
    pln = skills.set_index("Skill").loc[current_instrument().skill("PLN").name]
    low, high = (float(x) for x in pln["Omega 95% CI"].split("\u2013"))
    assert low <= float(pln["Omega"]) <= high and pln["Measures one thing"] == "yes"
    com = skills.set_index("Skill").loc[current_instrument().skill("COM").name]
    assert com["Status"] == "Below 0.70"
    items = at.dataframe[1].value.set_index("Statement")
    assert items.loc[REVERSED_BY_MISTAKE, "Flag"] == quality.KEYING_ERROR
    assert len(items) == sum(len(s.items) for s in current_instrument().skills)
    scale = [point.label for point in current_instrument().scale.points]
    # Shown as whole percentages ("12%"): the five add up to 100% within rounding.
    shares = items[scale].apply(
        lambda column: pd.to_numeric(column.astype(str).str.rstrip("%"), errors="coerce") / 100
    )
    shares = shares.dropna()
    assert len(shares) and (shares.sum(axis=1) - 1).abs().max() <= 0.03
    page_text = texts(at)
    assert "Corrected item-total r" in page_text and "Alpha" in page_text and "omega" in page_text
    assert "scoring key is provisional" in page_text

    at.toggle(key="quality_only_flagged").set_value(True).run()
    flagged = at.dataframe[1].value
    assert (
        REVERSED_BY_MISTAKE in set(flagged["Statement"])
        and (flagged["Flag"] != vocabulary.EMPTY).all()
    )

    # A period before anyone submitted: the page refuses rather than showing numbers.
    long_ago = datetime.now(UTC).date() - timedelta(days=300)
    at.date_input(key="quality_period").set_value((long_ago, long_ago + timedelta(days=10)))
    at.run()
    assert md("No one submitted a self-assessment in this period") in at.info[0].value
    assert len(at.dataframe) == 0


@pytest.mark.parametrize("name", ["Ana Lima", "Priya Shah"])
def test_supervisors_and_coaches_cannot_open_it(demo_url, monkeypatch, name):
    monkeypatch.setenv("LEADCOACH_DATABASE_URL", demo_url)
    at = AppTest.from_file(APP, default_timeout=60)
    at.session_state["_auth_person_id"] = person_id(demo_url, name)
    at.session_state["_auth_last_activity"] = time.time()
    at.run()
    with pytest.raises(ValueError, match="Could not find a navigation page"):
        at.switch_page(QUALITY)

    # Run the page file directly, as a crafted request would: the core refuses.
    page = AppTest.from_file(str(APP).replace("app.py", QUALITY), default_timeout=60)
    page.session_state["_auth_person_id"] = person_id(demo_url, name)
    page.session_state["_auth_last_activity"] = time.time()
    page.run()
    assert [e.value for e in page.error] == [NO_ACCESS]
    assert not page.dataframe and not charts(page) and not page.metric
    with session_scope(make_engine(Settings(database_url=demo_url))) as session:
        viewer = load_viewer(session=session, person_id=person_id(demo_url, name))
        with pytest.raises(AccessDenied):
            quality.quality_report(
                session=session, viewer=viewer, instrument=current_instrument(), min_sample=30
            )


def test_a_supervisor_sees_each_score_with_its_likely_range(sample_url, monkeypatch):
    url, _hr = sample_url
    with session_scope(make_engine(Settings(database_url=url))) as session:
        supervisor = session.exec(select(Person.id).where(Person.name == "Sim 3")).one()
    monkeypatch.setenv("LEADCOACH_DATABASE_URL", url)
    at = AppTest.from_file(APP, default_timeout=60)
    at.session_state["_auth_person_id"] = supervisor
    at.session_state["_auth_last_activity"] = time.time()
    at.run()
    at.switch_page("pages/supervisor/results.py").run()
    assert not at.exception, at.exception
    table = table_with(at, "Likely range (90%)")
    ranges = table.set_index("Skill")["Likely range (90%)"].fillna("")
    pln = current_instrument().skill("PLN").name
    low, high = (float(x) for x in ranges[pln].split("\u2013"))
    score = table.set_index("Skill").loc[pln, "Score"]
    assert low < score < high
    percentiles = table_with(at, "Likely percentile range").set_index("Skill")
    p_low, p_high = (
        float(x) for x in percentiles.loc[pln, "Likely percentile range"].split("\u2013")
    )
    assert p_low <= percentiles.loc[pln, "Percentile"] <= p_high
    # The remote skill has 18 raters: no range, and the page says why.
    assert (
        "cannot be judged yet" in texts(at)
        or ranges.get(current_instrument().skill("REM").name, "") == ""
    )


def test_hr_leaves_a_flagged_statement_out_of_cross_language_comparisons(demo_url, monkeypatch):
    at = open_page(demo_url, "Helen Okafor", QUALITY, monkeypatch)
    try:
        at.checkbox(key="quality_set_aside_MOT2").check().run()
        assert not at.exception, at.exception
        assert at.checkbox(key="quality_set_aside_MOT2").value is True
        with session_scope(make_engine(Settings(database_url=demo_url))) as session:
            instrument = current_instrument()
            assert dif.set_aside_items(session, instrument) == ("MOT2",)
            assert "set aside 1 statement" in dif.pooling_note(session, instrument)
        at.run()  # a fresh rerun reads the stored choice back
        assert at.checkbox(key="quality_set_aside_MOT2").value is True
    finally:
        at.checkbox(key="quality_set_aside_MOT2").uncheck().run()
    with session_scope(make_engine(Settings(database_url=demo_url))) as session:
        assert dif.set_aside_items(session, current_instrument()) == ()
