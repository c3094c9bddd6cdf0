"""Small tables beside the charts, drawn as plain HTML tables.

Not st.dataframe: its data grid is 1.6 MB of code for the browser to load before the page
is complete. Not Markdown either: the browser's Markdown parser took up to half a second
of a first load for the coach's hundred-row table (issue 8's first loads), where the same
rows as HTML are inserted at once. Screen readers read either kind row by row.
"""

from __future__ import annotations

import html
import math
from collections.abc import Mapping
from datetime import date

import pandas as pd
import streamlit as st

MISSING = "–"
STYLE_CLASS = "lc-table"
# Streamlit styles only its own Markdown tables; app.py puts these rules on every page.
# Rows stay on one line and a wide table scrolls sideways in its own box, so a phone's
# page does not widen; long column labels wrap instead.
CSS = (
    f".{STYLE_CLASS} {{ display: block; max-width: 100%; overflow-x: auto; "
    "border-collapse: collapse; font-size: 0.875rem; margin: 0; } "
    f".{STYLE_CLASS} th, .{STYLE_CLASS} td {{ border: 1px solid rgba(128, 128, 128, 0.3); "
    "padding: 0.25rem 0.75rem; text-align: left; vertical-align: top; } "
    f".{STYLE_CLASS} th {{ font-weight: 600; vertical-align: bottom; }} "
    f".{STYLE_CLASS} td {{ white-space: nowrap; }} "
    f".{STYLE_CLASS} .num {{ text-align: right; font-variant-numeric: tabular-nums; }}"
)


def _text(value: object, spec: str | None) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)) or value is pd.NaT:
        return MISSING
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, int | float | date):
        return format(value, spec or "")
    return " ".join(str(value).splitlines())


def _is_number(column: pd.Series) -> bool:
    return pd.api.types.is_numeric_dtype(column) and not pd.api.types.is_bool_dtype(column)


def table_html(
    frame: pd.DataFrame,
    labels: Mapping[str, str] | None = None,
    formats: Mapping[str, str] | None = None,
    name: str | None = None,
) -> str:
    """The frame as an HTML table: columns under their labels (all columns when none are
    given), numbers right-aligned and formatted with the column's format spec ("+.1f"),
    every text escaped (names and notes are the users' own).

    A wide table scrolls sideways in its own box, so it takes keyboard focus (tabindex) and
    has a name, by which a screen reader announces it (WCAG 2.1 2.1.1, axe-core's
    scrollable-region-focusable): `name`, or its first columns' labels."""
    labels = dict(labels) if labels is not None else {column: column for column in frame}
    formats = formats or {}
    columns = list(labels)
    kinds = [' class="num"' if _is_number(frame[column]) else "" for column in columns]
    header = "".join(
        f'<th scope="col"{kind}>{html.escape(str(labels[column]))}</th>'
        for column, kind in zip(columns, kinds, strict=True)
    )
    values = [frame[column].tolist() for column in columns]
    specs = [formats.get(column) for column in columns]
    rows = "".join(
        "<tr>"
        + "".join(
            f"<td{kind}>{html.escape(_text(value, spec))}</td>"
            for value, spec, kind in zip(row, specs, kinds, strict=True)
        )
        + "</tr>"
        for row in zip(*values, strict=True)
    )
    if name is None:
        shown = [str(labels[column]) for column in columns[:3]]
        name = "Table: " + ", ".join(shown) + (" and more" if len(columns) > 3 else "")
    return (
        f'<table class="{STYLE_CLASS}" tabindex="0" aria-label="{html.escape(name)}">'
        f"<thead><tr>{header}</tr></thead><tbody>{rows}</tbody></table>"
    )


def show(
    frame: pd.DataFrame,
    labels: Mapping[str, str] | None = None,
    formats: Mapping[str, str] | None = None,
    name: str | None = None,
) -> None:
    """Draw the frame as a table (see table_html)."""
    st.html(table_html(frame, labels, formats, name))
