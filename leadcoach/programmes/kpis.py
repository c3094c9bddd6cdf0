"""Team measures (issue 23): the KPI catalogue and the import of teams' monthly values.

The catalogue is data: the built-in contact-centre measures of kpi_catalogue.yaml, written
into the kpidefinition table on first use, plus HR's own (`add_definition`).

The import follows the roster import (leadcoach.programmes.roster) step for step:

- `read_kpi_file` turns a CSV (UTF-8; comma, semicolon or tab) or XLSX into rows of text
  cells; problems of the file as a whole are recorded on it, never raised.
- `validate_kpi_file` checks every row (team, period, measure, value, contacts) against the
  catalogue and the database, and returns the clean rows and every problem with its row
  and column.
- `import_kpis` writes the clean rows in the caller's transaction: "all_or_nothing"
  writes nothing while any row has a problem, "clean_rows" writes the clean rows and hands
  back the others with a `problem` column.

Rules a user may ask about:

- A period is a month written YYYY-MM (2025-03); a workbook's date cell on the month's first
  day counts too. 03/2025, March 2025 or 2025-3 are refused: one form, so no month is
  misread.
- A file's values replace what LeadCoach holds for the same team and month: measures of
  that team and month that the file no longer gives are removed. Other teams and months
  are untouched. Each replaced month is recorded in the audit log.
- Importing the same file again changes nothing (and says so).
- The same team, month and measure twice with the same value is harmless; with different
  values both rows are refused, as LeadCoach cannot know which one is right.
- A value must lie in the measure's range (a CSAT of 130% or an AHT of -5 s is refused).
  A percent may be written with its % sign. A decimal comma (4,5) is refused with a hint.
- One file holds at most MAX_ROWS values.
"""

from __future__ import annotations

import csv
import io
import math
import re
from dataclasses import dataclass, field
from datetime import date
from functools import cache
from pathlib import Path, PurePath
from typing import Any

import pandas as pd
import yaml
from sqlalchemy import bindparam, delete, update
from sqlmodel import Session, select

from leadcoach.people.access import Action, Viewer, require
from leadcoach.people.audit import record
from leadcoach.platform import i18n
from leadcoach.platform.errors import InvalidInput
from leadcoach.platform.models import KpiDefinition, KpiValue, Team
from leadcoach.platform.validation import clean_text, forbidden_character, visible
from leadcoach.programmes.roster import (
    BINARY_SNIFF,
    NOT_A_WORKBOOK,
    NOT_TEXT,
    SAVE_AS_UTF8,
    RosterProblem,
    _cell_text,
    _header_key,
    _shown,
)

CATALOGUE_FILE = Path(__file__).with_name("kpi_catalogue.yaml")
UNITS = ("seconds", "percent", "count", "score")
COMBINES = ("weighted_mean", "sum", "rate")
MODES = ("all_or_nothing", "clean_rows")
COLUMNS = ("team", "period", "measure", "value", "contacts")
REQUIRED_COLUMNS = ("team", "period", "measure", "value")
# 400 teams x 36 months x 10 measures is 144,000 values (the cohort-10k workload); a file
# above this is most likely a whole history by day or by agent, which LeadCoach does not take.
MAX_ROWS = 150_000
UNIT_WORDS = {"seconds": "s", "percent": "%", "count": "", "score": ""}
KpiProblem = RosterProblem  # the same row-and-column message, "Row 4, column "value": ..."
_MONTH = re.compile(r"^(\d{4})-(\d{2})$")
_FIRST_DAY = re.compile(r"^(\d{4})-(\d{2})-01(?: 00:00:00)?$")
_NUMBER = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$")
_DECIMAL_COMMA = re.compile(r"^[+-]?\d+,\d+%?$")
PERIOD_HINT = i18n.N_(
    "write the month as YYYY-MM (for example 2025-03); forms such as 03/2025, March 2025 "
    "or 2025-3 are not accepted, so no month is misread."
)
_TOO_MANY_ROWS = i18n.N_(
    "The file has more than {most} values; one import takes at most {most}. "
    "Export one value per team, month and measure (not per day or per agent), or split the "
    "file by month; each file is checked whole and importing it again changes nothing."
)
TOO_MANY_ROWS = _TOO_MANY_ROWS.format(most=f"{MAX_ROWS:,}")  # as English reads it
_EMPTY_FILE = i18n.N_(
    "The file is empty. Put the column names (team, period, measure, value, contacts) in the "
    "first row and one value on each row below."
)


# --- the catalogue ------------------------------------------------------------------------


@dataclass(frozen=True)
class Measure:
    """A measure as the views use it (plain values, never an ORM row)."""

    id: int
    key: str
    name: str
    unit: str
    higher_is_better: bool
    min_value: float
    max_value: float
    combine: str
    description: str
    built_in: bool

    @property
    def label(self) -> str:
        """The name with its unit, e.g. 'Average handle time (s)'."""
        unit = UNIT_WORDS.get(self.unit, "")
        return f"{self.name} ({unit})" if unit else self.name


@cache
def built_in_catalogue() -> tuple[dict[str, Any], ...]:
    """The built-in measures as written in kpi_catalogue.yaml, checked."""
    data = yaml.safe_load(CATALOGUE_FILE.read_text(encoding="utf-8"))
    measures = tuple(data["measures"])
    for entry in measures:
        if entry["unit"] not in UNITS or entry["combine"] not in COMBINES:
            raise ValueError(f"kpi_catalogue.yaml: {entry['key']} has an unknown unit or combine")
        if entry["better"] not in ("higher", "lower") or not entry["max"] > entry["min"]:
            raise ValueError(f"kpi_catalogue.yaml: {entry['key']} has a bad direction or range")
    return measures


def ensure_catalogue(session: Session) -> None:
    """Write the built-in measures that the table does not hold yet (by key); idempotent,
    and never changes a definition already there."""
    known = set(session.exec(select(KpiDefinition.key)).all())
    names = {name.casefold() for name in session.exec(select(KpiDefinition.name)).all()}
    for entry in built_in_catalogue():
        if entry["key"] in known or entry["name"].casefold() in names:
            continue
        session.add(
            KpiDefinition(
                key=entry["key"],
                name=entry["name"],
                unit=entry["unit"],
                higher_is_better=entry["better"] == "higher",
                min_value=float(entry["min"]),
                max_value=float(entry["max"]),
                combine=entry["combine"],
                description=entry.get("description", ""),
                built_in=True,
            )
        )
    session.flush()


def measures(session: Session) -> dict[int, Measure]:
    """Every defined measure by id, in the catalogue's order (built-in first, then by name)."""
    ensure_catalogue(session)
    order = {entry["key"]: i for i, entry in enumerate(built_in_catalogue())}
    rows = sorted(
        session.exec(select(KpiDefinition)).all(),
        key=lambda d: (order.get(d.key, len(order)), d.name.casefold()),
    )
    return {
        row.id: Measure(
            row.id,
            row.key,
            row.name,
            row.unit,
            row.higher_is_better,
            row.min_value,
            row.max_value,
            row.combine,
            row.description,
            row.built_in,
        )
        for row in rows
    }


def catalogue(*, session: Session, viewer: Viewer) -> pd.DataFrame:
    """The catalogue as a table for the README's readers and the admin page."""
    require(viewer, Action.MANAGE_KPIS)
    rows = [
        {
            "measure": m.name,
            "key": m.key,
            "unit": m.unit,
            "better": "higher" if m.higher_is_better else "lower",
            "valid_from": m.min_value,
            "valid_to": m.max_value,
            "combine": m.combine,
            "description": m.description,
        }
        for m in measures(session).values()
    ]
    return pd.DataFrame(rows)


_KEY = re.compile(r"^[a-z][a-z0-9_]{1,39}$")


def add_definition(
    *,
    session: Session,
    viewer: Viewer,
    key: str,
    name: str,
    unit: str,
    higher_is_better: bool,
    min_value: float,
    max_value: float,
    combine: str,
    description: str = "",
) -> int:
    """HR adds a measure of their own; returns its id. Refused with a clear message when the
    key or name is taken, the unit or combination unknown or the range empty."""
    require(viewer, Action.MANAGE_KPIS)
    ensure_catalogue(session)
    key = (key or "").strip().lower()
    if not _KEY.match(key):
        raise InvalidInput(
            i18n.gettext(
                "The key must be 2 to 40 lower-case letters, digits or underscores, starting "
                "with a letter (for example hold_time); got {key}."
            ).format(key=_shown(key))
        )
    name = clean_text(name, "Name", 120, one_line=True)
    if unit not in UNITS:
        raise InvalidInput(i18n.gettext("Unit: use one of {units}.").format(units=", ".join(UNITS)))
    if combine not in COMBINES:
        raise InvalidInput(
            i18n.gettext("How teams combine: use one of {combines}.").format(
                combines=", ".join(COMBINES)
            )
        )
    if not (math.isfinite(min_value) and math.isfinite(max_value) and max_value > min_value):
        raise InvalidInput(
            i18n.gettext("The valid range needs a lowest value below its highest value.")
        )
    for existing in measures(session).values():
        if existing.key == key or existing.name.casefold() == name.casefold():
            raise InvalidInput(
                i18n.gettext("A measure called {name} already exists.").format(
                    name=_shown(existing.name)
                )
            )
    definition = KpiDefinition(
        key=key,
        name=name,
        unit=unit,
        higher_is_better=bool(higher_is_better),
        min_value=float(min_value),
        max_value=float(max_value),
        combine=combine,
        description=clean_text(description, "Description", 500, required=False),
    )
    session.add(definition)
    session.flush()
    record(session, viewer.person_id, "kpi_measure_added", subject=name, key=key)
    return definition.id


# --- reading ------------------------------------------------------------------------------


@dataclass(frozen=True)
class KpiFile:
    """A parsed KPI file: rows of trimmed cells in COLUMNS order; file-wide problems."""

    filename: str
    kind: str
    headers: tuple[str, ...] = ()
    rows: tuple[tuple[int, tuple[str, ...]], ...] = ()  # (spreadsheet row, cells)
    raw: tuple[tuple[str, ...], ...] = ()  # the rows as read, for the rejected-rows table
    problems: tuple[KpiProblem, ...] = ()
    missing_columns: tuple[str, ...] = ()
    ignored_columns: tuple[str, ...] = ()
    warnings: tuple[str, ...] = ()


def _file_problem(filename: str, kind: str, message: str, row: int = 0) -> KpiFile:
    return KpiFile(filename, kind, problems=(KpiProblem(row, "", message),))


def read_kpi_file(data: bytes, filename: str) -> KpiFile:
    """Parse a CSV or XLSX file of KPI values; never raises on content."""
    filename = visible(PurePath(filename or "kpis").name)
    suffix = PurePath(filename).suffix.lower()
    if data.startswith(b"PK\x03\x04") or suffix in (".xlsx", ".xlsm"):
        return _read_xlsx(data, filename)
    if data.startswith(b"\xd0\xcf\x11\xe0") or suffix in (".xls", ".ods", ".numbers"):
        return _file_problem(
            filename,
            "csv",
            i18n.gettext(
                "This kind of spreadsheet cannot be read: save it as .xlsx or as CSV UTF-8."
            ),
        )
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return _file_problem(
            filename,
            "csv",
            i18n.gettext("The file is saved as UTF-16. {save_as_utf8}").format(
                save_as_utf8=i18n.gettext(SAVE_AS_UTF8)
            ),
        )
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        if b"\x00" in data[:BINARY_SNIFF]:
            return _file_problem(filename, "csv", i18n.gettext(NOT_TEXT))
        line = data.count(b"\n", 0, error.start) + 1
        return _file_problem(
            filename,
            "csv",
            i18n.gettext(
                "the file is not saved as UTF-8 (wrong encoding): byte 0x{data:02X} at "
                "position {value} cannot be read. {save_as_utf8}"
            ).format(
                data=data[error.start],
                value=error.start + 1,
                save_as_utf8=i18n.gettext(SAVE_AS_UTF8),
            ),
            row=line,
        )
    if not text.strip():
        return _file_problem(filename, "csv", i18n.gettext(_EMPTY_FILE))
    header_line = text.split("\n", 1)[0]
    if "\x00" in header_line:
        return _file_problem(filename, "csv", i18n.gettext(NOT_TEXT))
    counts = {delimiter: header_line.count(delimiter) for delimiter in (",", ";", "\t")}
    delimiter = max(counts, key=lambda d: (counts[d], d == ","))
    records: list[list[str]] = []
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        for record_ in reader:
            records.append(record_)
            if len(records) > MAX_ROWS + 1:
                break
    except csv.Error as error:
        return _file_problem(
            filename,
            "csv",
            i18n.gettext(
                "This row cannot be read as CSV ({error}). Check for a stray quote mark."
            ).format(error=error),
            row=len(records) + 1,
        )
    return _build(filename, "csv", records)


def _read_xlsx(data: bytes, filename: str) -> KpiFile:
    from openpyxl import load_workbook

    values: list[tuple[Any, ...]] = []
    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        try:
            sheets = workbook.worksheets
            if sheets:
                for row in sheets[0].iter_rows(values_only=True):
                    values.append(row)
                    if len(values) > MAX_ROWS + 1:
                        break
            others = [sheet.title for sheet in sheets[1:]]
        finally:
            workbook.close()
    # As for the roster: any failure of the parser on these bytes means "cannot be read".
    except Exception:
        return _file_problem(filename, "xlsx", i18n.gettext(NOT_A_WORKBOOK))
    warnings = ()
    if others:
        warnings = (i18n.gettext("Only the first sheet was read; the others were ignored."),)
    records = [[_cell_text(value) for value in row] for row in values]
    return _build(filename, "xlsx", records, warnings)


def _build(
    filename: str, kind: str, records: list[list[str]], warnings: tuple[str, ...] = ()
) -> KpiFile:
    while records and not any(cell.strip() for cell in records[-1]):
        records.pop()
    if not records:
        return _file_problem(filename, kind, i18n.gettext(_EMPTY_FILE))
    headers = tuple(cell.strip() for cell in records[0])
    problems: list[KpiProblem] = []
    index: dict[str, int] = {}
    ignored = []
    for position, header in enumerate(headers):
        key = _header_key(header)
        if key in COLUMNS:
            if key in index:
                problems.append(
                    KpiProblem(
                        1,
                        key,
                        i18n.gettext(
                            "this column appears twice (columns {value} and {value2}); keep one."
                        ).format(value=index[key] + 1, value2=position + 1),
                    )
                )
            else:
                index[key] = position
        elif header:
            ignored.append(header)
    missing = tuple(column for column in REQUIRED_COLUMNS if column not in index)
    if missing:
        found = ", ".join(f'"{visible(h)}"' for h in headers if h) or "none"
        for column in missing:
            problems.append(
                KpiProblem(
                    1,
                    column,
                    i18n.gettext(
                        'the file has no "{column}" column. The first row must name the '
                        "columns team, period, measure and value (contacts is optional; "
                        "found: {found})."
                    ).format(column=column, found=found),
                )
            )
    if len(records) - 1 > MAX_ROWS:
        problems.append(
            KpiProblem(
                0, "", i18n.gettext(_TOO_MANY_ROWS).format(most=i18n.formatted(MAX_ROWS, ","))
            )
        )
        return KpiFile(filename, kind, headers, problems=tuple(problems), warnings=warnings)
    positions = [index.get(column) for column in COLUMNS]
    width = len(headers)
    rows = []
    raw = []
    for number, cells in enumerate(records[1:], start=2):
        if not any(cells):
            continue
        if kind == "csv" and len(cells) > width:
            problems.append(
                KpiProblem(
                    number,
                    "",
                    i18n.gettext(
                        "this row has {cells} cells but the first row names only {width} "
                        "columns. A value holding the separator must be inside double quotes."
                    ).format(cells=len(cells), width=width),
                )
            )
        rows.append(
            (
                number,
                tuple(
                    cells[p].strip() if p is not None and p < len(cells) else "" for p in positions
                ),
            )
        )
        raw.append(tuple(cells))
    if not rows and not problems:
        problems.append(
            KpiProblem(
                0, "", i18n.gettext("The file has a header row but no values: add one on each row.")
            )
        )
    return KpiFile(
        filename,
        kind,
        headers,
        tuple(rows),
        tuple(raw),
        tuple(problems),
        missing,
        tuple(ignored),
        warnings,
    )


# --- checking -----------------------------------------------------------------------------


@dataclass(frozen=True)
class KpiEntry:
    row: int
    team_id: int
    period: date
    kpi_id: int
    value: float
    contacts: int | None


@dataclass(frozen=True)
class KpiCheck:
    """The outcome of checking a whole file before anything is written."""

    file: KpiFile
    entries: tuple[KpiEntry, ...]
    problems: tuple[KpiProblem, ...]
    rejected_row_numbers: tuple[int, ...]

    @property
    def ok(self) -> bool:
        return not self.problems

    def messages(self) -> list[str]:
        return [str(problem) for problem in self.problems]

    def summary(self) -> str:
        if not self.file.rows and self.problems:
            return str(self.problems[0])
        ready = _plural(len(self.entries), "value")
        rejected = len(self.rejected_row_numbers)
        if not self.problems:
            return i18n.gettext("{ready} ready to import, no problems.").format(ready=ready)
        if not rejected:
            return i18n.gettext("{ready} ready; {problems} in the file.").format(
                ready=ready, problems=_plural(len(self.problems), "problem")
            )
        return i18n.gettext("{ready} ready, {rows} with problems.").format(
            ready=ready, rows=_plural(rejected, "row")
        )


def _plural(count: int, noun: str) -> str:
    """ "1 value", "3 rows", by the language's plural rule (issue 25)."""
    forms = {
        "value": i18n.ngettext("{count} value", "{count} values", count),
        "row": i18n.ngettext("{count} row", "{count} rows", count),
        "problem": i18n.ngettext("{count} problem", "{count} problems", count),
    }
    return forms[noun].format(count=i18n.formatted(count, ","))


def parse_period(raw: str) -> date | None:
    """A month from YYYY-MM (or a date on the month's first day, as a workbook gives it)."""
    match = _MONTH.match(raw) or _FIRST_DAY.match(raw)
    if not match:
        return None
    year, month = int(match.group(1)), int(match.group(2))
    if not 1 <= month <= 12 or not 1900 <= year <= 2999:
        return None
    return date(year, month, 1)


def _number(raw: str) -> float | None:
    text = raw.replace("\u202f", "").replace(" ", "")
    if text.endswith("%"):
        text = text[:-1]
    if not _NUMBER.match(text):
        return None
    value = float(text)
    return value if math.isfinite(value) else None


def _range_text(measure: Measure) -> str:
    unit = UNIT_WORDS.get(measure.unit, "")
    low, high = f"{measure.min_value:g}", f"{measure.max_value:g}"
    return i18n.gettext("{low} to {high}").format(low=low, high=high) + (
        (" " + unit) if unit == "s" else unit
    )


def validate_kpi_file(*, session: Session, viewer: Viewer, file: KpiFile) -> KpiCheck:
    """Check every row against the catalogue and the teams; writes nothing."""
    require(viewer, Action.MANAGE_KPIS)
    problems: list[KpiProblem] = list(file.problems)
    if any(problem.row in (0, 1) for problem in problems):
        return KpiCheck(file, (), _sorted(problems), tuple(row for row, _ in file.rows))
    teams = {name.casefold(): team_id for team_id, name in session.exec(select(Team.id, Team.name))}
    by_id = measures(session)
    by_name: dict[str, Measure] = {}
    for measure in by_id.values():
        by_name[measure.key.casefold()] = measure
        by_name[measure.name.casefold()] = measure
    shifted = {problem.row for problem in file.problems}
    entries: dict[int, KpiEntry] = {}
    seen: dict[tuple[int, date, int], KpiEntry] = {}
    conflicted: set[int] = set()
    unknown_team: dict[str, int] = {}
    bad_rows: set[int] = set()
    for number, cells in file.rows:
        if number in shifted:
            continue
        team_cell, period_cell, measure_cell, value_cell, contacts_cell = cells
        row_problems: list[KpiProblem] = []

        def problem(column: str, message: str, number: int = number, out=row_problems) -> None:
            out.append(KpiProblem(number, column, message))

        # str.isprintable is False for every control (Cc) and surrogate (Cs) character that
        # forbidden_character refuses (and for a few harmless ones): the precise check, and
        # its message, only for the rare row that fails this C-speed one.
        if not "".join(cells).isprintable():
            for column, cell in zip(COLUMNS, cells, strict=True):
                found = forbidden_character(cell, one_line=True)
                if found is not None:
                    problem(
                        column,
                        i18n.gettext("this cell holds {found}; remove it.").format(found=found),
                    )
        if row_problems:
            problems.extend(row_problems)
            bad_rows.add(number)
            continue
        team_id = teams.get(team_cell.casefold()) if team_cell else None
        if not team_cell:
            problem(
                "team",
                i18n.gettext("the team is empty; give the team's name as LeadCoach knows it."),
            )
        elif team_id is None:
            first = unknown_team.setdefault(team_cell.casefold(), number)
            again = i18n.gettext(" (as on row {row})").format(row=first) if first != number else ""
            problem(
                "team",
                i18n.gettext(
                    "there is no team {team_cell} in LeadCoach{again}. Check the spelling, or"
                    " add the team through the roster import first."
                ).format(team_cell=_shown(team_cell), again=again),
            )
        period = parse_period(period_cell) if period_cell else None
        if not period_cell:
            problem(
                "period",
                i18n.gettext("the period is empty; {period_hint}").format(
                    period_hint=i18n.gettext(PERIOD_HINT)
                ),
            )
        elif period is None:
            problem(
                "period",
                i18n.gettext("{period_cell} is not a month: {period_hint}").format(
                    period_cell=_shown(period_cell), period_hint=i18n.gettext(PERIOD_HINT)
                ),
            )
        measure = by_name.get(measure_cell.casefold()) if measure_cell else None
        if not measure_cell:
            problem(
                "measure",
                i18n.gettext("the measure is empty; give its key or name (for example csat)."),
            )
        elif measure is None:
            known = ", ".join(m.key for m in by_id.values())
            problem(
                "measure",
                i18n.gettext(
                    "there is no measure {measure_cell}; use one of {known} (HR can add a "
                    "measure of their own first)."
                ).format(measure_cell=_shown(measure_cell), known=known),
            )
        value = None
        if not value_cell:
            problem(
                "value",
                i18n.gettext("the value is empty; leave the row out when there is no value."),
            )
        elif _DECIMAL_COMMA.match(value_cell):
            problem(
                "value",
                i18n.gettext("{value_cell} uses a decimal comma; write {value}.").format(
                    value_cell=_shown(value_cell), value=value_cell.replace(",", ".")
                ),
            )
        else:
            value = _number(value_cell)
            if value is None:
                problem(
                    "value",
                    i18n.gettext("{value_cell} is not a number.").format(
                        value_cell=_shown(value_cell)
                    ),
                )
            elif measure is not None and value_cell.endswith("%") and measure.unit != "percent":
                problem(
                    "value",
                    i18n.gettext(
                        "{name} is not a percentage; leave out the percent sign (%)."
                    ).format(name=measure.name),
                )
                value = None
            elif measure is not None and not measure.min_value <= value <= measure.max_value:
                problem(
                    "value",
                    i18n.gettext(
                        "{value_cell} is outside the valid range of {name} ({measure})."
                    ).format(
                        value_cell=_shown(value_cell),
                        name=measure.name,
                        measure=_range_text(measure),
                    ),
                )
                value = None
        contacts = None
        if contacts_cell:
            number_value = _number(contacts_cell)
            if number_value is None or number_value < 0 or not float(number_value).is_integer():
                problem(
                    "contacts",
                    i18n.gettext(
                        "{contacts_cell} is not a whole number of contacts (0 or more)."
                    ).format(contacts_cell=_shown(contacts_cell)),
                )
            elif number_value > 2**31 - 1:
                problem(
                    "contacts",
                    i18n.gettext("{contacts_cell} is too large.").format(
                        contacts_cell=_shown(contacts_cell)
                    ),
                )
            else:
                contacts = int(number_value)
        if row_problems:
            problems.extend(row_problems)
            bad_rows.add(number)
            continue
        entry = KpiEntry(number, team_id, period, measure.id, value, contacts)
        key = (team_id, period, measure.id)
        earlier = seen.get(key)
        if earlier is None:
            seen[key] = entry
            entries[number] = entry
        elif (earlier.value, earlier.contacts) == (value, contacts):
            continue  # the same value twice: harmless, written once
        else:
            problems.append(
                KpiProblem(
                    number,
                    "value",
                    i18n.gettext(
                        "row {row} gives {team_cell} {name} for {period} as {value:g}, this "
                        "row as {value2:g}; keep the right one and remove the other."
                    ).format(
                        row=earlier.row,
                        team_cell=team_cell,
                        name=measure.name,
                        period=f"{period:%Y-%m}",
                        value=earlier.value,
                        value2=value,
                    ),
                )
            )
            conflicted.add(earlier.row)
            bad_rows.add(number)
    for row in conflicted:
        if row in entries:
            first = entries.pop(row)
            problems.append(
                KpiProblem(
                    row,
                    "value",
                    i18n.gettext(
                        "a later row gives another value for the same team, month and measure"
                        " ({value:g} here); keep one."
                    ).format(value=first.value),
                )
            )
            bad_rows.add(row)
    rejected = tuple(number for number, _ in file.rows if number in bad_rows or number in shifted)
    clean = tuple(entries[number] for number in sorted(entries))
    return KpiCheck(file, clean, _sorted(problems), rejected)


def _sorted(problems: list[KpiProblem]) -> tuple[KpiProblem, ...]:
    order = {column: i for i, column in enumerate(COLUMNS)}
    return tuple(sorted(problems, key=lambda p: (p.row, order.get(p.column, len(order)))))


# --- writing ------------------------------------------------------------------------------


@dataclass(frozen=True)
class KpiImportResult:
    written: bool
    mode: str
    check: KpiCheck
    inserted: int = 0
    updated: int = 0
    unchanged: int = 0
    removed: int = 0
    replaced_periods: tuple[str, ...] = ()
    rejected_rows: pd.DataFrame = field(default_factory=pd.DataFrame)

    @property
    def problems(self) -> tuple[KpiProblem, ...]:
        return self.check.problems

    def summary(self) -> str:
        if not self.written:
            if self.mode == "all_or_nothing" and self.problems:
                return i18n.gettext("Nothing was imported: {problems} to fix first.").format(
                    problems=_plural(len(self.problems), "problem")
                )
            return i18n.gettext("Nothing was imported: no row is ready.")
        text = i18n.gettext(
            "{inserted} added, {updated} changed, {unchanged} unchanged, {removed} removed"
        ).format(**{name: i18n.formatted(getattr(self, name), ",") for name in (
            "inserted", "updated", "unchanged", "removed")})  # fmt: skip
        if self.replaced_periods:
            text += i18n.gettext("; months replaced: {months}").format(
                months=", ".join(self.replaced_periods)
            )
        if self.check.rejected_row_numbers:
            text += i18n.gettext("; {rows} left out").format(
                rows=_plural(len(self.check.rejected_row_numbers), "row")
            )
        return text + "."


def rejected_rows(check: KpiCheck) -> pd.DataFrame:
    """The rejected rows as read plus a `problem` column (empty frame when none)."""
    if not check.rejected_row_numbers:
        return pd.DataFrame()
    by_row: dict[int, list[str]] = {}
    for problem in check.problems:
        by_row.setdefault(problem.row, []).append(str(problem))
    rejected = set(check.rejected_row_numbers)
    width = len(check.file.headers)
    records = []
    for (number, _), raw in zip(check.file.rows, check.file.raw, strict=True):
        if number in rejected:
            cells = list(raw[:width]) + [""] * (width - len(raw[:width]))
            records.append([*cells, " ".join(by_row.get(number, []))])
    headers = [h or f"column {i + 1}" for i, h in enumerate(check.file.headers)]
    return pd.DataFrame(records, columns=[*headers, "problem"], dtype=object)


def _insert_values(connection, rows: list[dict[str, Any]]) -> None:
    """Insert many values through the driver's own executemany: SQLAlchemy's per-row
    parameter processing costs more than the insert itself at 144,000 rows (STACK-NOTES.md:
    raw executemany 0.79M rows/s on SQLite, Core insert 0.19M)."""
    sqlite = connection.dialect.name == "sqlite"
    mark = "?" if connection.dialect.paramstyle == "qmark" else "%s"
    statement = (
        "INSERT INTO kpivalue (team_id, period, kpi_id, value, contacts) "
        f"VALUES ({mark}, {mark}, {mark}, {mark}, {mark})"
    )
    tuples = [
        (
            row["team_id"],
            row["period"].isoformat() if sqlite else row["period"],  # SQLite stores ISO text
            row["kpi_id"],
            row["value"],
            row["contacts"],
        )
        for row in rows
    ]
    cursor = connection.connection.cursor()
    try:
        for start in range(0, len(tuples), 20_000):
            cursor.executemany(statement, tuples[start : start + 20_000])
    finally:
        cursor.close()


def import_kpis(
    *, session: Session, viewer: Viewer, file: KpiFile, mode: str = "all_or_nothing"
) -> KpiImportResult:
    """Check the file, then write its clean rows into the caller's transaction (the caller
    commits). A team and month in the file replace what LeadCoach held for them."""
    require(viewer, Action.MANAGE_KPIS)
    if mode not in MODES:
        raise InvalidInput(
            i18n.gettext('Import mode: use "all_or_nothing" or "clean_rows", not "{mode}".').format(
                mode=mode
            )
        )
    check = validate_kpi_file(session=session, viewer=viewer, file=file)
    table = rejected_rows(check)
    if not check.entries or (mode == "all_or_nothing" and check.problems):
        return KpiImportResult(False, mode, check, rejected_rows=table)
    pairs = {(entry.team_id, entry.period) for entry in check.entries}
    periods = sorted({period for _, period in pairs})
    team_ids = sorted({team for team, _ in pairs})
    existing: dict[tuple[int, date, int], tuple[int, float, int | None]] = {}
    connection = session.connection()
    for start in range(0, len(periods), 200):
        chunk = periods[start : start + 200]
        rows = connection.execute(
            select(
                KpiValue.id,
                KpiValue.team_id,
                KpiValue.period,
                KpiValue.kpi_id,
                KpiValue.value,
                KpiValue.contacts,
            ).where(KpiValue.period.in_(chunk))
        ).all()
        for row in rows:
            if (row.team_id, row.period) in pairs:
                existing[(row.team_id, row.period, row.kpi_id)] = (row.id, row.value, row.contacts)
    inserts, updates = [], []
    unchanged = 0
    touched_periods: dict[date, dict[str, int]] = {}
    for entry in check.entries:
        key = (entry.team_id, entry.period, entry.kpi_id)
        old = existing.pop(key, None)
        if old is None:
            inserts.append(
                {
                    "team_id": entry.team_id,
                    "period": entry.period,
                    "kpi_id": entry.kpi_id,
                    "value": entry.value,
                    "contacts": entry.contacts,
                }
            )
        elif (old[1], old[2]) != (entry.value, entry.contacts):
            updates.append({"row_id": old[0], "value": entry.value, "contacts": entry.contacts})
            counts = touched_periods.setdefault(entry.period, {"changed": 0, "removed": 0})
            counts["changed"] += 1
        else:
            unchanged += 1
    removed_ids = [old[0] for old in existing.values()]
    for (_, period, _), _old in existing.items():
        counts = touched_periods.setdefault(period, {"changed": 0, "removed": 0})
        counts["removed"] += 1
    if inserts:
        _insert_values(connection, inserts)
    if updates:
        connection.execute(
            update(KpiValue)
            .where(KpiValue.id == bindparam("row_id"))
            .values(value=bindparam("value"), contacts=bindparam("contacts")),
            updates,
        )
    for start in range(0, len(removed_ids), 500):
        connection.execute(
            delete(KpiValue).where(KpiValue.id.in_(removed_ids[start : start + 500]))
        )
    replaced = tuple(f"{period:%Y-%m}" for period in sorted(touched_periods))
    for period in sorted(touched_periods):
        record(
            session,
            viewer.person_id,
            "kpi_period_replaced",
            subject=f"{period:%Y-%m}",
            file=file.filename,
            **touched_periods[period],
        )
    record(
        session,
        viewer.person_id,
        "kpi_import",
        subject=file.filename,
        mode=mode,
        added=len(inserts),
        changed=len(updates),
        unchanged=unchanged,
        removed=len(removed_ids),
        rejected=len(check.rejected_row_numbers),
        teams=len(team_ids),
        months=len(periods),
    )
    session.flush()
    return KpiImportResult(
        True,
        mode,
        check,
        inserted=len(inserts),
        updated=len(updates),
        unchanged=unchanged,
        removed=len(removed_ids),
        replaced_periods=replaced,
        rejected_rows=table,
    )
