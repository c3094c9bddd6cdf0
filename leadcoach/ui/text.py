"""Showing user-provided text safely in Streamlit's Markdown, and small tables as Markdown."""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from datetime import date

import pandas as pd

# Every character CommonMark (and Streamlit's extensions: $ for maths, ~ for strikethrough,
# : for emoji and icons) may treat as markup; a backslash makes each literal.
_MARKDOWN_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|<>~$:&])")
MISSING = "–"


def md(text: object) -> str:
    """Escape text so Markdown shows it exactly as typed (names, notes, goals)."""
    return _MARKDOWN_SPECIAL.sub(r"\\\1", str(text))


def _cell(value: object, spec: str | None) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)) or value is pd.NaT:
        return MISSING
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, int | float | date):
        # Digits, signs, points and separators are plain text inside a table cell.
        return format(value, spec or "")
    return md(" ".join(str(value).splitlines()))  # a line break would end the table row


def markdown_table(
    frame: pd.DataFrame,
    labels: Mapping[str, str] | None = None,
    formats: Mapping[str, str] | None = None,
) -> str:
    """The frame as a Markdown table: columns under their labels (all columns when none are
    given), numbers right-aligned and formatted with the column's format spec ("+.1f").

    Small tables beside a chart are drawn this way rather than with st.dataframe: a plain
    HTML table that screen readers read row by row, and no 1.6 MB data-grid code for the
    browser to load before the page is complete (see issue 8's first loads)."""
    labels = dict(labels) if labels is not None else {column: column for column in frame}
    formats = formats or {}
    columns = list(labels)
    aligns = [
        "---:" if pd.api.types.is_numeric_dtype(frame[column])
        and not pd.api.types.is_bool_dtype(frame[column]) else "---"
        for column in columns
    ]  # fmt: skip
    lines = [
        "| " + " | ".join(md(labels[column]) for column in columns) + " |",
        "| " + " | ".join(aligns) + " |",
    ]
    values = [frame[column].tolist() for column in columns]
    specs = [formats.get(column) for column in columns]
    for row in zip(*values, strict=True):
        lines.append("| " + " | ".join(_cell(v, s) for v, s in zip(row, specs, strict=True)) + " |")
    return "\n".join(lines)
