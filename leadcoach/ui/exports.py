"""Every download button of the app: tables, charts and printable pages.

This is the only module that calls Streamlit's download_button (tests/ui/test_downloads.py
checks every page and ui module). A table is handed over as a table, never as bytes, and
becomes a file only through `leadcoach.reporting.exports.table_file`, which neutralises
cells a spreadsheet would run as formulas; `file_download` refuses spreadsheet files, so a
CSV cannot be offered around that step.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import PurePath
from typing import Any

import altair as alt
import pandas as pd
import streamlit as st

from leadcoach.reporting import charts
from leadcoach.reporting import exports as files

ICON = ":material/download:"
# Files a spreadsheet opens as a table: they must be built by table_download.
SPREADSHEET_SUFFIXES = (".csv", ".tsv", ".txt", ".xlsx", ".xlsm", ".xls", ".ods")


def table_download(
    label: str,
    table: pd.DataFrame | Callable[[], pd.DataFrame],
    file_name: str,
    *,
    kind: str = "csv",
    sheet: str = "Scores",
    where: Any = st,
    key: str | None = None,
    on_click: str | Callable[..., None] = "ignore",
    args: tuple[Any, ...] | None = None,
    icon: str = ICON,
    people_headers: bool = True,
) -> None:
    """A button that downloads the table (or what `table()` returns, built only when
    clicked) as a CSV or XLSX file, neutralised by reporting.exports.table_file; its headers
    are the people-facing ones unless `people_headers` is False (a file to be read back)."""
    mime = files.TABLE_FORMATS[kind]

    def data() -> bytes:
        frame = table() if callable(table) else table
        return files.table_file(frame, kind, sheet, people_headers=people_headers)

    where.download_button(
        label, data, file_name, mime, icon=icon, key=key, on_click=on_click, args=args
    )


def workbook_download(
    label: str,
    tables: Callable[[], dict[str, pd.DataFrame]],
    file_name: str,
    *,
    where: Any = st,
    key: str | None = None,
    on_click: str | Callable[..., None] = "ignore",
    args: tuple[Any, ...] | None = None,
    icon: str = ICON,
) -> None:
    """A button that downloads several tables (what `tables()` returns, built only when
    clicked) as one XLSX workbook, a sheet each, through reporting.exports.workbook."""
    where.download_button(
        label, lambda: files.workbook(tables()), file_name, files.TABLE_FORMATS["xlsx"],
        icon=icon, key=key, on_click=on_click, args=args,
    )  # fmt: skip


def file_download(
    label: str,
    data: bytes | Callable[[], bytes],
    file_name: str,
    mime: str,
    *,
    where: Any = st,
    key: str | None = None,
    on_click: str | Callable[..., None] = "ignore",
    args: tuple[Any, ...] | None = None,
    icon: str = ICON,
) -> None:
    """A button that downloads a file that is not a table: a chart (SVG, PNG) or a
    printable page (HTML). Spreadsheet files are refused: use table_download."""
    if mime in files.TABLE_FORMATS.values() or PurePath(file_name).suffix.lower() in (
        SPREADSHEET_SUFFIXES
    ):
        raise ValueError(f"{file_name}: a table is offered with table_download, not file_download")
    where.download_button(
        label, data, file_name, mime, icon=icon, key=key, on_click=on_click, args=args
    )


def downloads(table: pd.DataFrame, chart: Callable[[], alt.TopLevelMixin], name: str) -> None:
    """CSV of the table, and the chart (`chart()` makes it) as SVG and PNG; drawn only when
    asked for."""
    csv, svg, png = st.columns(3)
    table_download("Table (CSV)", table, f"{name}.csv", where=csv, key=f"{name}_csv")
    # Callables run only when clicked, so drawing the chart costs nothing until then.
    file_download(
        "Chart (SVG)", lambda: charts.as_svg(chart()), f"{name}.svg", "image/svg+xml",
        where=svg, key=f"{name}_svg",
    )  # fmt: skip
    file_download(
        "Chart (PNG)", lambda: charts.as_png(chart()), f"{name}.png", "image/png",
        where=png, key=f"{name}_png",
    )  # fmt: skip
