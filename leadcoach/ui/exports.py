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

from leadcoach.people.access import Viewer
from leadcoach.platform import i18n
from leadcoach.platform.i18n import _
from leadcoach.reporting import batch, charts, cohort_report, person_report, vocabulary, workbook
from leadcoach.reporting import exports as files
from leadcoach.ui import context

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
    if callable(data):  # made when clicked, maybe outside this rerun: in the page's language
        data = _in_language(i18n.current(), data)
    where.download_button(
        label, data, file_name, mime, icon=icon, key=key, on_click=on_click, args=args
    )


def _in_language(language: str, make: Callable[[], bytes]) -> Callable[[], bytes]:
    def made() -> bytes:
        with i18n.using(language):
            return make()

    return made


def downloads(
    table: pd.DataFrame | Callable[[], pd.DataFrame],
    chart: Callable[[], alt.TopLevelMixin],
    name: str,
) -> None:
    """CSV of the table (or of what `table()` returns), and the chart (`chart()` makes it)
    as SVG and PNG; each built only when asked for."""
    csv, svg, png = st.columns(3)
    table_download(_("Table (CSV)"), table, f"{name}.csv", where=csv, key=f"{name}_csv")
    # Callables run only when clicked, so drawing the chart costs nothing until then.
    file_download(
        _("Chart (SVG)"), lambda: charts.as_svg(chart()), f"{name}.svg", "image/svg+xml",
        where=svg, key=f"{name}_svg",
    )  # fmt: skip
    file_download(
        _("Chart (PNG)"), lambda: charts.as_png(chart()), f"{name}.png", "image/png",
        where=png, key=f"{name}_png",
    )  # fmt: skip


# --- issue 24: reports people keep --------------------------------------------------------
# The PDF reports, the cohort workbook and the ZIP of every member's report. Each is built
# (and access-checked and audited) by the core in leadcoach.reporting only when its button
# is pressed; a page never builds a report's bytes itself.

PDF = "application/pdf"
ZIP = "application/zip"
PDF_ICON = ":material/picture_as_pdf:"


def report_inputs(session) -> person_report.Inputs:
    """The shared inputs of personal reports, from the app's cached figures."""
    current = context.settings()
    return person_report.Inputs(
        instrument=context.instrument(),
        tips=context.tips(),
        thresholds=context.change_thresholds(),
        norm_sample=context.norm_sample(session),
        min_norm_group=current.min_norm_group,
        min_group=current.min_group_size,
        min_raters=current.min_raters,
        translations=context.questionnaire_translations(),
    )


def person_report_download(
    viewer: Viewer, person_id: int, person_name: str, *, label: str, where: Any = st
) -> None:
    """A button that downloads a person's report as a PDF (built, checked and audited by
    reporting.person_report.download when pressed)."""

    def data() -> bytes:
        with context.db() as session:
            return person_report.download(
                session=session, viewer=viewer, person_id=person_id, inputs=report_inputs(session)
            )

    file_download(
        label, data, person_report.file_name(person_name), PDF, where=where,
        key=f"person_report_{person_id}", icon=PDF_ICON,
    )  # fmt: skip


def cohort_report_download(
    viewer: Viewer, cohort_id: int, review, stem: str, *, label: str, where: Any = st
) -> None:
    """A button that downloads the cohort report as a PDF (reporting.cohort_report)."""

    def data() -> bytes:
        with context.db() as session:
            return cohort_report.build(
                session=session, viewer=viewer, cohort_id=cohort_id, review=review,
                thresholds=context.change_thresholds(),
                min_group=context.settings().min_group_size, instrument=context.instrument(),
                translations=context.questionnaire_translations(),
            )  # fmt: skip

    file_download(
        label, data, f"{stem}-report.pdf", PDF, where=where, key=f"cohort_pdf_{cohort_id}",
        icon=PDF_ICON,
    )  # fmt: skip


def cohort_workbook_download(
    viewer: Viewer, cohort_id: int, review, stem: str, *, label: str, where: Any = st
) -> None:
    """A button that downloads the cohort workbook (reporting.workbook, which neutralises
    formula-looking text in every cell as table_file does)."""

    def data() -> bytes:
        with context.db() as session:
            return workbook.build(
                session=session, viewer=viewer, cohort_id=cohort_id, review=review,
                instrument=context.instrument(), thresholds=context.change_thresholds(),
                min_group=context.settings().min_group_size,
                translations=context.questionnaire_translations(),
            )  # fmt: skip

    where.download_button(  # made when clicked, maybe outside this rerun: in its language
        label, _in_language(i18n.current(), data), f"{stem}.xlsx", files.TABLE_FORMATS["xlsx"],
        icon=ICON,
        key=f"cohort_xlsx_{cohort_id}",
    )  # fmt: skip


def cohort_zip_download(
    viewer: Viewer,
    cohort_id: int,
    cohort_name: str,
    *,
    label: str,
    save_label: str,
    where: Any = st,
) -> None:
    """Make every member's report, with a progress bar, then offer the ZIP. The ZIP is
    kept in the session (one per cohort) until another cohort's is made."""
    key = f"cohort_zip_{cohort_id}"
    if where.button(label, key=f"{key}_make", icon=":material/folder_zip:"):
        starting = vocabulary.report_words()["batch_progress"].format(done=0, total=0)
        bar = where.progress(0.0, text=starting)

        def progress(done: int, total: int) -> None:
            text = vocabulary.report_words()["batch_progress"].format(done=done, total=total)
            bar.progress(done / total if total else 1.0, text=text)

        with context.shown_errors(), context.db() as session:
            st.session_state["report_zip"] = (
                cohort_id,
                batch.cohort_zip(
                    session=session, viewer=viewer, cohort_id=cohort_id,
                    inputs=report_inputs(session), progress=progress,
                ),
            )  # fmt: skip
        bar.empty()
    kept = st.session_state.get("report_zip")
    if kept and kept[0] == cohort_id:
        file_download(
            save_label, kept[1], batch.zip_name(cohort_name), ZIP,
            where=where, key=f"{key}_save", icon=":material/download:",
        )  # fmt: skip
