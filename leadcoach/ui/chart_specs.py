"""Charts drawn from Vega-Lite specs cached per chart builder and input.

st.altair_chart converts its chart to Vega-Lite on every rerun, and Altair validates the
whole spec against the Vega-Lite JSON schema as it does: with building the chart, 10-60 ms
per chart, most of a warm page's script time. A spec depends only on the builder in
leadcoach.reporting.charts and its inputs, so it is converted once per distinct input (by whichever
session asks first) and later reruns draw the stored spec.
"""

from __future__ import annotations

import functools
import importlib
from collections.abc import Callable

import altair as alt
import streamlit as st

# Private, but the very conversion st.altair_chart runs (Streamlit's theme handling and
# its Arrow datasets); Streamlit is pinned, and tests/ui/test_chart_specs.py checks the
# drawn element is the one st.altair_chart would draw.
from streamlit.elements.vega_charts import _convert_altair_to_vega_lite_spec

from leadcoach.platform import i18n
from leadcoach.platform.languages import SOURCE
from leadcoach.reporting import charts, vocabulary

# Streamlit's chart theme draws axis and legend text in a light grey (#808495, 3.8:1 on
# white; WCAG 2.1 1.4.3 asks 4.5:1); its own text colour is 12.6:1.
CHART_TEXT = "#31333F"


def readable(chart: alt.TopLevelMixin) -> alt.TopLevelMixin:
    """The chart with its axis and legend text in the page's text colour."""
    return chart.configure_axis(labelColor=CHART_TEXT, titleColor=CHART_TEXT).configure_legend(
        labelColor=CHART_TEXT, titleColor=CHART_TEXT
    )


def _builder(module: str, name: str) -> Callable[..., alt.TopLevelMixin]:
    return getattr(importlib.import_module(module), name)


@st.cache_data(max_entries=1000, show_spinner=False)
def _spec(module: str, name: str, args: tuple, kwargs: dict, language: str = SOURCE) -> dict:
    # Keyed on the language too (issue 25): titles, axes and direction differ per language.
    with i18n.using(language):
        return _convert_altair_to_vega_lite_spec(readable(_built(language, module, name, args,
                                                                 kwargs)))  # fmt: skip


def _built(language: str, module: str, name: str, args: tuple, kwargs: dict) -> alt.TopLevelMixin:
    """The chart in the language, with its months and numbers (charts.localised) and its
    skills' names (vocabulary.in_language): the one place every drawn or downloaded chart
    gets them."""
    with i18n.using(language):
        # The skills named in the language: the core's frames carry the source's names.
        args, kwargs = vocabulary.in_language(args), vocabulary.in_language(kwargs)
        return charts.localised(_builder(module, name)(*args, **kwargs))


def draw(
    build: Callable[..., alt.TopLevelMixin], *args, width=None, **kwargs
) -> Callable[[], alt.TopLevelMixin]:
    """Draw `build(*args, **kwargs)` as st.altair_chart(readable(chart), width=width) would
    (readable: axis and legend text dark enough to read); `build`
    is a chart builder of the core (a module-level function, found again by its name).
    Returns a maker of the chart itself, for downloads."""
    module, name = build.__module__, build.__name__
    if not module.startswith("leadcoach.") or _builder(module, name) is not build:
        raise ValueError(f"{name} is not a chart builder of the leadcoach core")
    language = i18n.current()
    st.vega_lite_chart(spec=_spec(module, name, args, kwargs, language), width=width)
    # A download is made when clicked, maybe outside this rerun: in the language drawn now.
    return functools.partial(_built, language, module, name, args, kwargs)
