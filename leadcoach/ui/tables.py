"""Small tables beside the charts, drawn as plain HTML tables.

Not st.dataframe: its data grid is 1.6 MB of code for the browser to load before the page
is complete. Not Markdown either: the browser's Markdown parser took up to half a second
of a first load for the coach's hundred-row table (issue 8's first loads), where the same
rows as HTML are inserted at once. Screen readers read either kind row by row.
"""

from __future__ import annotations

import html
from collections.abc import Collection, Mapping

import pandas as pd
import streamlit as st

from leadcoach.platform.i18n import _
from leadcoach.reporting import vocabulary

MISSING = vocabulary.EMPTY
STYLE_CLASS = "lc-table"
MORE_CLASS = "lc-more"
PHONE_MAX_PX = 640  # Streamlit's own small-screen breakpoint
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
    f" .{MORE_CLASS} {{ display: none; }}"
    # A phone (390 px): text cells wrap and padding shrinks so a table's key figures fit
    # the width; columns marked minor step aside, with a note saying where they are.
    f" @media (max-width: {PHONE_MAX_PX}px) {{"
    f" .{STYLE_CLASS} {{ font-size: 0.8125rem; }}"
    f" .{STYLE_CLASS} th, .{STYLE_CLASS} td {{ padding: 0.25rem 0.4rem; }}"
    # Text wraps between words; a word is broken only when it cannot fit a line by itself.
    # ("anywhere" let the table squeeze a column below its longest word: "Operati|onal".)
    f" .{STYLE_CLASS} td {{ white-space: normal; overflow-wrap: break-word; min-width: 3rem; }}"
    # Numbers never break (no spaces in them); a phrase in a figure's place may.
    f" .{STYLE_CLASS} td.num {{ overflow-wrap: normal; min-width: 0; }}"
    f" .{STYLE_CLASS} .minor {{ display: none; }}"
    f" .{MORE_CLASS} {{ display: block; font-size: 0.8125rem; margin: 0.25rem 0 0; }}"
    # The assessment's answer scales: one column on a phone, never wrapped 3+2+1.
    ' [class*="st-key-answer_"] [role="radiogroup"],'
    ' [class*="st-key-rating_"] [role="radiogroup"]'
    " { flex-direction: column; flex-wrap: nowrap; align-items: flex-start; gap: 0.25rem; }"
    " }"
)


def _is_number(column: pd.Series) -> bool:
    return pd.api.types.is_numeric_dtype(column) and not pd.api.types.is_bool_dtype(column)


def table_html(
    frame: pd.DataFrame,
    labels: Mapping[str, str] | None = None,
    formats: Mapping[str, str] | None = None,
    minor: Collection[str] = (),
    name: str | None = None,
) -> str:
    """The frame as an HTML table: columns under their labels (when none are given, every
    column but ids under its header from leadcoach.reporting.vocabulary), numbers
    right-aligned and formatted with the column's format spec ("+.1f"), every value in its
    people-facing form (vocabulary.people_frame) and escaped (names and notes are the
    users' own). The `minor` columns are left out on a phone's narrow screen.

    A wide table scrolls sideways in its own box, so it takes keyboard focus (tabindex) and
    has a name, by which a screen reader announces it (WCAG 2.1 2.1.1, axe-core's
    scrollable-region-focusable): `name`, or its first columns' labels."""
    if labels is None:
        labels = {column: vocabulary.header(column) for column in vocabulary.shown_columns(frame)}
    columns = list(labels)
    shown = vocabulary.people_frame(frame, labels, formats)
    classes = [
        " ".join(
            name
            for name, wanted in (("num", _is_number(frame[column])), ("minor", column in minor))
            if wanted
        )
        for column in labels
    ]
    kinds = [f' class="{names}"' if names else "" for names in classes]
    header = "".join(
        f'<th scope="col"{kind}>{html.escape(str(label))}</th>'
        for label, kind in zip(shown.columns, kinds, strict=True)
    )
    rows = "".join(
        "<tr>"
        + "".join(
            f"<td{kind}>{html.escape(text)}</td>" for text, kind in zip(row, kinds, strict=True)
        )
        + "</tr>"
        for row in shown.itertuples(index=False)
    )
    hidden = [str(labels[column]) for column in labels if column in minor]
    more = (
        f'<p class="{MORE_CLASS}">'
        + html.escape(_("On a wider screen: {columns}.").format(columns=", ".join(hidden)))
        + "</p>"
        if hidden
        else ""
    )
    if name is None:
        first = [str(labels[column]) for column in columns[:3]]
        name = (
            _("Table: {columns} and more") if len(columns) > 3 else _("Table: {columns}")
        ).format(columns=", ".join(first))
    return (
        f'<table class="{STYLE_CLASS}" tabindex="0" aria-label="{html.escape(name)}">'
        f"<thead><tr>{header}</tr></thead><tbody>{rows}</tbody></table>{more}"
    )


def grid(
    frame: pd.DataFrame,
    labels: Mapping[str, str] | None = None,
    formats: Mapping[str, str] | None = None,
    **options: object,
) -> None:
    """A long table people scroll and search (st.dataframe), in its people-facing form:
    headers from the vocabulary, no None or NaN (vocabulary.people_frame); full number
    columns stay numbers, so they align and sort as numbers."""
    shown = vocabulary.people_frame(frame, labels, formats, keep_numbers=True)
    st.dataframe(shown, hide_index=True, **options)


def show(
    frame: pd.DataFrame,
    labels: Mapping[str, str] | None = None,
    formats: Mapping[str, str] | None = None,
    minor: Collection[str] = (),
    name: str | None = None,
) -> None:
    """Draw the frame as a table (see table_html)."""
    st.html(table_html(frame, labels, formats, minor, name))
