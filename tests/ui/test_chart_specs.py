"""Charts drawn from cached specs (leadcoach.ui.chart_specs) are the elements that
st.altair_chart draws, and a second draw of the same input does not build the chart."""

from __future__ import annotations

import json
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
