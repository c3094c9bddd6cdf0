"""Charts drawn from cached specs (leadcoach.ui.chart_specs) are the elements that
st.altair_chart draws, and a second draw of the same input does not build the chart."""

from __future__ import annotations

import json
import re
from unittest import mock

import pytest
from streamlit.testing.v1 import AppTest

from leadcoach.ui import chart_specs
from tests.test_chart_design import _contrast


def _script() -> None:
    import pandas as pd
    import streamlit as st

    from leadcoach.reporting import charts
    from leadcoach.ui import chart_specs

    profile = pd.DataFrame(
        {"skill": ["Decisions", "Motivation"], "score": [62.0, 48.5],
         "previous": [55.0, None], "change": [7.0, None]}
    )  # fmt: skip
    chosen = st.session_state.get("width", None)
    st.altair_chart(chart_specs.readable(charts.profile_chart(profile)), width=chosen)
    chart_specs.draw(charts.profile_chart, profile, width=chosen)


@pytest.mark.parametrize("width", [None, "content"])
def test_a_cached_spec_draws_what_st_altair_chart_draws(width):
    at = AppTest.from_function(_script)
    at.session_state["width"] = width
    at.run(timeout=30)
    assert not at.exception
    direct, cached = at.get("vega_lite_chart")
    assert cached.proto == direct.proto
    assert len(direct.proto.datasets) == 1  # the data travels as an Arrow dataset


def test_a_second_draw_of_the_same_input_reuses_the_spec():
    at = AppTest.from_function(_script)
    at.run(timeout=30)
    convert = chart_specs._convert_altair_to_vega_lite_spec
    with mock.patch.object(
        chart_specs, "_convert_altair_to_vega_lite_spec", wraps=convert
    ) as built:
        at.run(timeout=30)
    assert not at.exception and len(at.get("vega_lite_chart")) == 2
    assert built.call_count == 0


def test_axis_and_legend_text_is_drawn_dark_enough_to_read():
    at = AppTest.from_function(_script)
    at.run(timeout=30)
    spec = json.loads(at.get("vega_lite_chart")[1].proto.spec)
    for part in ("axis", "legend"):
        assert spec["config"][part]["labelColor"] == chart_specs.CHART_TEXT
        assert spec["config"][part]["titleColor"] == chart_specs.CHART_TEXT
    assert _contrast(chart_specs.CHART_TEXT) >= 4.5


# --- issue 25: every time axis and tooltip in the page's language ---------------------------

ENGLISH_MONTH = re.compile(r"\b(Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)\b")


def _time_charts() -> dict[str, tuple]:
    """Every chart builder with a time axis, and a small input for it."""
    import pandas as pd

    from leadcoach.reporting import charts, kpi_charts

    months = pd.to_datetime(["2026-01-01", "2026-02-01", "2026-03-01", "2026-04-01"])
    at = pd.to_datetime(["2026-01-15", "2026-03-20"])
    skills = pd.DataFrame({"submitted_at": at.tz_localize("UTC"), "skill": "Decisions",
                           "score": [50.0, 60.0]})  # fmt: skip
    values = pd.DataFrame({"measure": "Attrition", "period": months,
                           "value": [1.5, 2.0, 1234.5, 3.0], "target": None})  # fmt: skip
    xmr = values.assign(team="Cairo", centre=2.0, lower=1.0, upper=3.0,
                        signal=[False, False, True, False])  # fmt: skip
    monthly = values.assign(group="cohort", suppressed=False)
    rounds = pd.DataFrame({"round": ["2026 Q1", "2026 Q2"], "round_start": months[[0, 3]],
                           "skill": "Decisions", "n": 6, "mean": [50.0, 55.0], "q1": 40.0,
                           "q3": 60.0, "min": 20.0, "max": 90.0})  # fmt: skip
    return {
        "growth": (charts.growth_chart, skills),
        "overall": (charts.overall_chart, skills.rename(columns={"score": "overall_index"})),
        "team_growth": (charts.team_growth_chart, rounds, "Decisions"),
        "kpi": (kpi_charts.kpi_chart, values, "Attrition", skills, months[0], months[-1]),
        "kpi_skills": (kpi_charts.skills_chart, skills, skills, months[0], months[-1]),
        "xmr": (kpi_charts.xmr_chart, xmr, "Attrition", "Cairo"),
        "cohort_monthly": (kpi_charts.cohort_monthly_chart, monthly, "Attrition", months[1]),
    }


def months_are_the_languages(spec: dict, code: str) -> bool:
    """Whether a drawn chart with a time field writes its months (axes and tooltips, both
    formatted by Vega in the browser) with the language's month names."""
    from leadcoach.reporting import charts

    if '"temporal"' not in json.dumps(spec, default=str) or code == "en":
        return True
    return spec.get("config", {}).get("locale") == charts.vega_locale(code)


@pytest.mark.parametrize("code", ["ar", "es", "fr"])
@pytest.mark.parametrize("name", list(_time_charts()))
def test_every_time_axis_names_its_months_in_the_readers_language(name, code):
    """Drawn (the spec st.vega_lite_chart gets) and downloaded (SVG, as Vega draws it): the
    month labels are the language's (Babel, CLDR), none is English."""
    from babel import Locale
    from babel.dates import get_month_names

    from leadcoach.platform import i18n
    from leadcoach.reporting import charts

    build, *args = _time_charts()[name]
    with i18n.using(code):
        spec = chart_specs._spec(build.__module__, build.__name__, tuple(args), {}, code)
        chart = chart_specs._built(code, build.__module__, build.__name__, tuple(args), {})
    assert months_are_the_languages(spec, code)
    texts = re.findall(r"<text[^>]*>([^<]*)</text>", charts.as_svg(chart).decode())
    assert not [t for t in texts if ENGLISH_MONTH.search(t)], texts
    if name == "team_growth":  # quarters: "T1 2026", "الربع الأول 2026"
        quarter = Locale.parse(code).quarters["format"]["abbreviated"][1]
        assert f"{quarter} 2026" in texts, texts
    else:
        short = set(get_month_names("abbreviated", locale=code).values())
        assert any(t.split(" ")[0] in short for t in texts), texts
