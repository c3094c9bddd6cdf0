"""AppTest of the KPI pages (issue 23) on the demo: the supervisor's KPI charts with the
plan's targets, the coach's teams with XmR limits, HR's 'did it help' section and import."""

from __future__ import annotations

import json

from tests.ui.conftest import app_signed_in_as


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
    spec = json.dumps(_specs(at)[0])
    assert "facet" in spec and "upper" in spec and "lower" in spec


def test_hr_sees_did_it_help_with_caveats_and_no_small_groups(demo_url, monkeypatch):
    at = app_signed_in_as(demo_url, "Helen Okafor", monkeypatch).run()
    at.switch_page("pages/hr/review.py").run()
    assert not at.exception, at.exception
    assert "Did the programme help the teams?" in [h.value for h in at.header]
    warnings = " ".join(w.value for w in at.warning)
    assert "not proof" in warnings
    at.switch_page("pages/hr/kpi_import.py").run()
    assert not at.exception, at.exception
    assert at.title[0].value == "Import team KPIs"


def test_the_printable_cohort_report_has_the_did_it_help_section(demo_url, monkeypatch):
    at = app_signed_in_as(demo_url, "Helen Okafor", monkeypatch).run()
    at.switch_page("pages/hr/review.py").run()
    assert not at.exception, at.exception
    from leadcoach.ui import kpi_pages

    changes = kpi_pages.pd.DataFrame(
        {"measure": ["Service level"], "better": ["higher"], "difference": [1.234],
         "n_cohort_teams": [4], "n_comparison_teams": [6], "direction": ["better"],
         "suppressed": [False]}
    )  # fmt: skip
    heading, note, _, table = kpi_pages.report_section(changes)
    assert heading == "Did the programme help the teams?" and "not proof" in note
    assert list(table.iloc[0]) == ["Service level", "Higher", "+1.23", "4", "6", "Better"]
