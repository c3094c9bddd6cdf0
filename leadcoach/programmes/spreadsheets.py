"""Uploaded tables: a CSV or XLSX file read into rows of text cells, for the roster import
(leadcoach.programmes.roster) and the KPI import (leadcoach.programmes.kpis).

Both imports read a file the same way, so a file that cannot be read gets the same message
in both, and a fix to the reading (an encoding, a damaged workbook) reaches both:

- `read_sheet` turns the bytes into records (lists of cells as read, the header first);
  a problem of the file as a whole (empty, not UTF-8, UTF-16, binary, an old spreadsheet
  format, not a readable workbook, a broken CSV quote) is recorded on the result, never
  raised. A workbook's later sheets are not read; a warning names those that hold something.
- `match_headers` finds the known columns in the header row, whatever their case, spacing
  or separator, and reports a column named twice.
- `RowProblem` is one problem with its spreadsheet row and column, said as
  'Row 4, column "value": ...'.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from itertools import islice
from pathlib import PurePath
from typing import Any

from leadcoach.platform.i18n import N_, _, ngettext
from leadcoach.platform.validation import visible

# git's test for a binary file (buffer_is_binary in xdiff-interface.c): a null byte among
# the first 8,000 bytes. Used only where the bytes are not UTF-8 text or the header row
# holds one, so that one stray null character in a cell is reported on its row.
BINARY_SNIFF = 8_000
# Messages are texts of the catalog (issue 25), put in the reader's language when made.
SAVE_AS_UTF8 = N_(
    'Save it as UTF-8 and import it again (in Excel: File > Save As > "CSV UTF-8 '
    '(Comma delimited)"; in LibreOffice tick "Edit filter settings" and pick Unicode (UTF-8)).'
)
NOT_TEXT = N_(
    "This file is not a text (CSV) file: it holds binary data, as an image, a PDF, a damaged "
    "file or a file saved as UTF-16 do. Save the list from Excel as .xlsx, or as CSV UTF-8."
)
NOT_A_WORKBOOK = N_(
    "This file is not a readable Excel workbook (.xlsx): it is damaged (for example cut "
    "short while copying) or another kind of file with an .xlsx name. Open it in Excel and "
    "save it again as .xlsx, or save it as CSV UTF-8."
)
OLD_SPREADSHEET = N_("This kind of spreadsheet cannot be read: save it as .xlsx or as CSV UTF-8.")


@dataclass(frozen=True)
class RowProblem:
    """One problem: row 1 is the header, 2 the first data row, 0 the file as a whole."""

    row: int
    column: str  # the column's name as the rules spell it ("" when no single column)
    message: str  # what is wrong, without the location

    def __str__(self) -> str:
        if self.row and self.column:
            return _('Row {row}, column "{column}": {message}').format(
                row=self.row, column=self.column, message=self.message
            )
        if self.row:
            return _("Row {row}: {message}").format(row=self.row, message=self.message)
        return self.message


@dataclass(frozen=True)
class Sheet:
    """A file as read: its kind ("csv" or "xlsx"), its records (the header first, cells as
    read, at most max_rows + 2 of them so that "too many" can be told), and warnings; or,
    in `problem`, what stopped it from being read (then `records` is empty)."""

    kind: str
    records: list[list[str]]
    warnings: tuple[str, ...] = ()
    problem: RowProblem | None = None


def file_name(filename: str, default: str) -> str:
    """The uploaded file's own name (no folders), control characters made visible."""
    return visible(PurePath(filename or default).name)


def _refused(kind: str, message: str, row: int = 0) -> Sheet:
    return Sheet(kind, [], problem=RowProblem(row, "", message))


def read_sheet(data: bytes, filename: str, *, max_rows: int, empty_message: str) -> Sheet:
    """Read a CSV (UTF-8; comma, semicolon or tab) or the first sheet of an XLSX; never
    raises on content. Reading stops two records past max_rows (the header and one more)."""
    suffix = PurePath(filename).suffix.lower()
    if data.startswith(b"PK\x03\x04") or suffix in (".xlsx", ".xlsm"):
        return _read_xlsx(data, max_rows, empty_message)
    if data.startswith(b"\xd0\xcf\x11\xe0") or suffix in (".xls", ".ods", ".numbers"):
        return _refused("csv", _(OLD_SPREADSHEET))
    return _read_csv(data, max_rows, empty_message)


def _read_csv(data: bytes, max_rows: int, empty_message: str) -> Sheet:
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return _refused("csv", _("The file is saved as UTF-16.") + " " + _(SAVE_AS_UTF8))
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        if b"\x00" in data[:BINARY_SNIFF]:
            return _refused("csv", _(NOT_TEXT))
        line = data.count(b"\n", 0, error.start) + 1
        byte = data[error.start]
        return _refused(
            "csv",
            _(
                "the file is not saved as UTF-8 (wrong encoding): byte 0x{byte} at position "
                "{position} of the file cannot be read."
            ).format(byte=f"{byte:02X}", position=error.start + 1)
            + " "
            + _(SAVE_AS_UTF8),
            row=line,
        )
    if not text.strip():
        return _refused("csv", empty_message)
    header_line = text.split("\n", 1)[0]
    if "\x00" in header_line:  # column names never hold one: UTF-16 without its mark, or binary
        return _refused("csv", _(NOT_TEXT))
    counts = {delimiter: header_line.count(delimiter) for delimiter in (",", ";", "\t")}
    delimiter = max(counts, key=lambda d: (counts[d], d == ","))
    records: list[list[str]] = []
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        for record in islice(reader, max_rows + 2):
            records.append(record)
    except csv.Error as error:
        return _refused(
            "csv",
            _("This row cannot be read as CSV ({error}). Check for a stray quote mark.").format(
                error=error
            ),
            row=len(records) + 1,
        )
    return Sheet("csv", records)


def _read_xlsx(data: bytes, max_rows: int, empty_message: str) -> Sheet:
    # Imported here so that reading a CSV does not need openpyxl's start-up time.
    from openpyxl import load_workbook

    values: list[tuple[Any, ...]] = []
    titles: list[str] = []
    others: list[str] = []  # titles of the later sheets that hold something
    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        try:
            sheets = workbook.worksheets
            titles = [sheet.title for sheet in sheets]
            if sheets:
                values.extend(islice(sheets[0].iter_rows(values_only=True), max_rows + 2))
            others = [sheet.title for sheet in sheets[1:] if _holds_anything(sheet)]
        finally:
            workbook.close()
    # Any failure of the workbook parser on these untrusted bytes means the same thing to
    # the person importing: the file cannot be read. Seen: BadZipFile, KeyError (a zip
    # without the workbook's parts), zlib.error, ParseError (XML cut short or junk, even
    # while reading rows) and ValueError; a traceback must never be the answer.
    except Exception:
        return _refused("xlsx", _(NOT_A_WORKBOOK))
    if not titles:
        return _refused("xlsx", empty_message)
    warnings = ()
    if others:
        ignored = _(" and ").join(f"'{visible(title)}'" for title in others)
        warnings = (
            ngettext(
                "Only the first sheet, '{first}', was read; sheet {ignored} was ignored.",
                "Only the first sheet, '{first}', was read; sheets {ignored} were ignored.",
                len(others),
            ).format(first=visible(titles[0]), ignored=ignored),
        )
    return Sheet("xlsx", [[cell_text(value) for value in row] for row in values], warnings)


def _holds_anything(sheet: Any) -> bool:
    """True when a worksheet has a cell with a value (its stored size can be wrong)."""
    return any(
        value not in (None, "") for row in sheet.iter_rows(values_only=True) for value in row
    )


def cell_text(value: Any) -> str:
    """A workbook cell as the text a CSV would hold; dates become YYYY-MM-DD."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        if value.time() == datetime.min.time():
            return value.date().isoformat()
        return value.isoformat(sep=" ")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def header_key(header: str) -> str:
    """'Start Date ' -> 'start_date': case, outer spaces, inner spaces and dashes don't matter."""
    return re.sub(r"[\s\-]+", "_", header.strip().lower())


def match_headers(
    headers: Sequence[str], columns: Sequence[str]
) -> tuple[dict[str, int], list[RowProblem], list[str]]:
    """The position of each known column in the header row, a problem for each column named
    twice (the first one is used), and the headers that name no known column."""
    index: dict[str, int] = {}
    problems: list[RowProblem] = []
    ignored: list[str] = []
    for position, header in enumerate(headers):
        key = header_key(header)
        if key in columns:
            if key in index:
                problems.append(
                    RowProblem(
                        1,
                        key,
                        _(
                            "this column appears twice (columns {first} and {second}); keep one."
                        ).format(first=index[key] + 1, second=position + 1),
                    )
                )
            else:
                index[key] = position
        elif header:
            ignored.append(header)
    return index, problems, ignored


def missing_columns(
    headers: Sequence[str], index: dict[str, int], required: Sequence[str], needs: str
) -> list[RowProblem]:
    """A problem for each required column the header row lacks; `needs` says which the
    first row must name (e.g. "name, email and role")."""
    found = ", ".join(f'"{visible(h)}"' for h in headers if h) or _("none")
    return [
        RowProblem(
            1,
            column,
            _(
                'the file has no "{column}" column. The first row must name the columns '
                "{needs} (found: {found})."
            ).format(column=column, needs=needs, found=found),
        )
        for column in required
        if column not in index
    ]


def shifted_row(number: int, cells: int, width: int, example: str = "") -> RowProblem:
    """A CSV row with more cells than the header names: a value holding the separator."""
    return RowProblem(
        number,
        "",
        _(
            "this row has {cells} cells but the first row names only {width} columns. A value "
            "holding the separator{example} must be inside double quotes."
        ).format(cells=cells, width=width, example=example),
    )


def quoted(value: str, limit: int = 60) -> str:
    """A cell's value quoted for a message, shortened when long, control characters shown."""
    value = visible(value)
    if len(value) > limit:
        value = value[: limit - 1] + "…"
    return f'"{value}"'


def plural(count: int, noun: str) -> str:
    """'1 row', '1,200 rows'."""
    return f"{count:,} {noun}" if count == 1 else f"{count:,} {noun}s"
