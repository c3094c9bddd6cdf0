"""Download buttons for a table and its chart, side by side."""

from __future__ import annotations

from collections.abc import Callable

import altair as alt
import pandas as pd
import streamlit as st

from leadcoach.reporting import charts


def downloads(table: pd.DataFrame, chart: Callable[[], alt.TopLevelMixin], name: str) -> None:
    """CSV of the table, and the chart (`chart()` makes it) as SVG and PNG; drawn only when
    asked for."""
    csv, svg, png = st.columns(3)
    csv.download_button(
        "Table (CSV)", table.to_csv(index=False).encode("utf-8"), f"{name}.csv", "text/csv",
        icon=":material/download:", key=f"{name}_csv", on_click="ignore",
    )  # fmt: skip
    # Callables run only when clicked, so drawing the chart costs nothing until then.
    svg.download_button(
        "Chart (SVG)", lambda: charts.as_svg(chart()), f"{name}.svg", "image/svg+xml",
        icon=":material/download:", key=f"{name}_svg", on_click="ignore",
    )  # fmt: skip
    png.download_button(
        "Chart (PNG)", lambda: charts.as_png(chart()), f"{name}.png", "image/png",
        icon=":material/download:", key=f"{name}_png", on_click="ignore",
    )  # fmt: skip
