"""AppTest of the KPI pages (issue 23) on the demo: the supervisor's KPI charts with the
plan's targets, the coach's teams with XmR limits, HR's 'did it help' section and import."""

from __future__ import annotations

import json
from datetime import date, timedelta

import pytest

from leadcoach.platform.config import Settings
from leadcoach.platform.db import make_engine, session_scope
from leadcoach.platform.models import Cohort, CohortRound
from tests.ui.conftest import app_signed_in_as, open_tab, shown_tables
from tests.ui.test_supervisor import open_page, own_demo, texts  # noqa: F401 (a fixture)

REVIEW = "pages/hr/review.py"


def _specs(at) -> list[dict]:
    return [json.loads(chart.proto.spec) for chart in at.get("vega_lite_chart")]


def test_supervisor_sees_kpis_with_targets_on_the_growth_time_axis(demo_url, monkeypatch):
    at = app_signed_in_as(demo_url, "Maria Santos", monkeypatch).run()
    at.switch_page("pages/supervisor/team_numbers.py").run()
    assert not at.exception, at.exception
    assert at.title[0].value == "Team numbers"
    at.multiselect[0].set_value(["Service level"]).run()
    specs = _specs(at)
    assert len(specs) == 2  # Service level, then skill growth
    kpi, growth = specs
    layers = json.dumps(kpi)
    assert "strokeDash" in layers and "Plan target" in layers  # the targets drawn
    # The same time axis: both charts share the x domain.
    domain = kpi["layer"][0]["encoding"]["x"]["scale"]["domain"]
    assert growth["encoding"]["x"]["scale"]["domain"] == domain
    assert "The new billing product launches" in " ".join(str(m.value) for m in at.markdown)


def test_coach_sees_teams_with_process_behaviour_limits(demo_url, monkeypatch):
    at = app_signed_in_as(demo_url, "Daniel Reyes", monkeypatch).run()
    at.switch_page("pages/coach/teams_numbers.py").run()
    assert not at.exception, at.exception
    assert "2.66" in " ".join(c.value for c in at.caption)
    specs = _specs(at)
    # One chart per coached team (Daniel Reyes coaches the Manila vendor teams), each
    # as wide as its column: a faceted chart of fixed width ran over the tables beside it.
    titles = [spec["title"]["text"] for spec in specs]
    assert len(titles) >= 2 and len(set(titles)) == len(titles)
    assert {"Manila Tech Support", "Manila Billing"} <= set(titles)
    for spec in specs:
        assert "facet" not in spec and spec["autosize"]["type"] == "fit-x"
        assert "upper" in json.dumps(spec) and "lower" in json.dumps(spec)
    # The skill growth beside the team numbers tells skills apart by dash as well as colour.
    at = app_signed_in_as(demo_url, "Maria Santos", monkeypatch).run()
    at.switch_page("pages/supervisor/team_numbers.py").run()
    assert "strokeDash" in _specs(at)[-1]["encoding"]


def test_hr_sees_did_it_help_in_its_own_tab_with_caveats_and_a_table_beside_the_chart(
    demo_url, monkeypatch
):
    at = open_page(demo_url, "Helen Okafor", REVIEW, monkeypatch)
    # Not computed, nor drawn, under another view of the review (issue 23).
    assert "Did the programme help the teams?" not in [h.value for h in at.header]
    open_tab(at, "view", "Team numbers")
    assert not at.exception, at.exception
    assert "Did the programme help the teams?" in [h.value for h in at.header]
    warnings = " ".join(w.value for w in at.warning)
    assert "not proof" in warnings
    tables = shown_tables(at)
    changes = next(t for t in tables if "Cohort's teams did" in t.columns)
    assert {"Measure", "Difference", "95% CI", "Cohort's teams", "Comparison teams"} <= set(
        changes.columns
    )
    # The chart of one measure's months, and the same months in the table beside it.
    assert len(at.get("vega_lite_chart")) == 1
    months = next(t for t in tables if {"Month", "Group", "Teams"} <= set(t.columns))
    assert (months["Teams"] >= 3).all() and len(months) > 0
    assert "None" not in texts(at) and "nan" not in texts(at).lower().split()


def test_a_cohort_without_months_after_it_says_why_there_are_no_figures(
    own_demo,  # noqa: F811
    monkeypatch,
):
    with session_scope(make_engine(Settings(database_url=own_demo))) as session:
        cohort = Cohort(name="Winter intake", start_date=date.today())
        session.add(cohort)
        session.flush()
        session.add(CohortRound(cohort_id=cohort.id, name="Baseline", opens_on=date.today(),
                                closes_on=date.today() + timedelta(days=14)))  # fmt: skip
        cohort_id = cohort.id
    at = open_page(own_demo, "Helen Okafor", REVIEW, monkeypatch)
    at.selectbox(key="review_cohort").set_value(cohort_id).run()
    open_tab(at, "view", "Team numbers")
    assert not at.exception, at.exception
    assert "Did the programme help the teams?" in [h.value for h in at.header]
    assert "no 'after' yet" in " ".join(i.value for i in at.info)
    assert not at.warning and not at.get("vega_lite_chart")  # no caveats without figures
    at.switch_page("pages/hr/kpi_import.py").run()
    assert not at.exception, at.exception
    assert at.title[0].value == "Import team KPIs"


def _in(demo_url, name: str, page: str, code: str, monkeypatch):
    at = app_signed_in_as(demo_url, name, monkeypatch)
    at.session_state["_language_choice"] = code
    at.run()
    at.switch_page(page).run()
    assert not at.exception, at.exception
    return at


@pytest.mark.parametrize("code", ["es", "fr"])
def test_kpi_charts_and_measures_read_in_the_pages_language(demo_url, code, monkeypatch):
    """Issue 25: the months on the KPI charts' axes and tooltips are the language's (Vega's
    time locale from Babel), and a built-in measure is named in the language; the English
    names are gone from the page."""
    from leadcoach.platform import i18n
    from leadcoach.programmes import kpis
    from tests.ui.test_chart_specs import months_are_the_languages

    at = _in(demo_url, "Maria Santos", "pages/supervisor/team_numbers.py", code, monkeypatch)
    specs = _specs(at)
    assert len(specs) >= 2
    assert all(months_are_the_languages(spec, code) for spec in specs)
    with i18n.using(code):
        names = {e["name"]: i18n.gettext(e["name"]) for e in kpis.built_in_catalogue()}
    assert all(shown != english for english, shown in names.items())
    chosen = at.multiselect[0]
    assert chosen.options and set(chosen.options) <= set(names.values())
    assert not set(chosen.options) & set(names)
    coach = _in(demo_url, "Daniel Reyes", "pages/coach/teams_numbers.py", code, monkeypatch)
    assert all(months_are_the_languages(spec, code) for spec in _specs(coach))
    assert coach.selectbox(key="kpi_coach_measure").value in names.values()
