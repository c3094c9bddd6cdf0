"""Team measures (issue 23): the KPI catalogue and the import of teams' monthly values.

The catalogue is data: the built-in contact-centre measures of kpi_catalogue.yaml, written
into the kpidefinition table on first use, plus HR's own (`add_definition`).

The import follows the roster import (leadcoach.programmes.roster) step for step, and reads
files through the same module (leadcoach.programmes.spreadsheets), so both say the same
thing about a file they cannot read:

- `read_kpi_file` turns a CSV (UTF-8; comma, semicolon or tab) or XLSX into rows of text
  cells; problems of the file as a whole are recorded on it, never raised.
- `validate_kpi_file` checks every row (team, period, measure, value, contacts) against the
  catalogue and the database, and returns the clean rows and every problem with its row
  and column.
- `import_kpis` writes the clean rows in the caller's transaction: "all_or_nothing"
  writes nothing while any row has a problem, "clean_rows" writes the clean rows and hands
  back the others with a `problem` column. An import that changes anything moves the data
  version once (`data_version.bump`), so cached figures over team numbers are recomputed.

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

import math
import re
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import date
from functools import cache, partial
from operator import attrgetter, itemgetter, le
from pathlib import Path
from typing import Any, NamedTuple

import pandas as pd
import yaml
from sqlalchemy import bindparam, delete, update
from sqlmodel import Session, select

from leadcoach.people.access import Action, Viewer, require
from leadcoach.people.audit import record
from leadcoach.platform import data_version, i18n
from leadcoach.platform.errors import InvalidInput
from leadcoach.platform.models import KpiDefinition, KpiValue, Team
from leadcoach.platform.validation import clean_text, forbidden_character
from leadcoach.programmes.spreadsheets import (
    RowProblem,
    file_name,
    match_headers,
    missing_columns,
    plural,
    quoted,
    read_sheet,
    shifted_row,
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
KpiProblem = RowProblem  # the roster's row-and-column message, "Row 4, column "value": ..."
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
    # The name as stored, which import files and HR's new names are matched against in any
    # language; `name` is the one people read (see `measures`).
    stored_name: str = ""

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


_FIELDS = (
    KpiDefinition.id,
    KpiDefinition.key,
    KpiDefinition.name,
    KpiDefinition.unit,
    KpiDefinition.higher_is_better,
    KpiDefinition.min_value,
    KpiDefinition.max_value,
    KpiDefinition.combine,
    KpiDefinition.description,
    KpiDefinition.built_in,
)


def measures(session: Session) -> dict[int, Measure]:
    """Every defined measure by id, in the catalogue's order (built-in first, then by name)."""
    rows = session.connection().execute(select(*_FIELDS)).all()
    built_in = built_in_catalogue()
    if len({row.key for row in rows} & {entry["key"] for entry in built_in}) < len(built_in):
        # Written on first use (one read per view after that, no write).
        ensure_catalogue(session)
        rows = session.connection().execute(select(*_FIELDS)).all()
    order = {entry["key"]: i for i, entry in enumerate(built_in)}
    rows = sorted(rows, key=lambda d: (order.get(d.key, len(order)), d.name.casefold()))
    return {row.id: _shown(row, built_in[order[row.key]] if row.key in order else None)
            for row in rows}  # fmt: skip


def _shown(row, entry: dict[str, Any] | None) -> Measure:
    """A measure as the reader reads it (issue 25). A built-in measure's name and description
    are texts of the interface catalog (kpi_catalogue.yaml, extracted by `make messages`), so
    they are shown in the reader's language; a measure HR added is data, named in the words
    HR chose, and kept as written in every language, as team and cohort names are. A built-in
    whose stored name differs from the catalogue's (renamed in the database) is kept too: the
    catalog has no translation of that name."""
    measure = Measure(*row, stored_name=row.name)
    if not (row.built_in and entry is not None and entry["name"] == row.name):
        return measure
    description = row.description
    if description and description == entry.get("description"):
        description = i18n.gettext(description)
    return replace(measure, name=i18n.gettext(row.name), description=description)


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
            "The key must be 2 to 40 lower-case letters, digits or underscores, starting "
            f"with a letter (for example hold_time); got {quoted(key)}."
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
        taken = {existing.stored_name.casefold(), existing.name.casefold()}
        if existing.key == key or name.casefold() in taken:
            raise InvalidInput(f"A measure called {quoted(existing.name)} already exists.")
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
    data_version.bump(session)  # a measure's name shows in cached figures
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


def read_kpi_file(data: bytes, filename: str) -> KpiFile:
    """Parse a CSV or XLSX file of KPI values; never raises on content."""
    filename = file_name(filename, "kpis")
    sheet = read_sheet(data, filename, max_rows=MAX_ROWS, empty_message=i18n.gettext(_EMPTY_FILE))
    if sheet.problem is not None:
        return KpiFile(filename, sheet.kind, problems=(sheet.problem,))
    return _build(filename, sheet.kind, sheet.records, sheet.warnings)


def _build(
    filename: str, kind: str, records: list[list[str]], warnings: tuple[str, ...] = ()
) -> KpiFile:
    while records and not any(cell.strip() for cell in records[-1]):
        records.pop()
    if not records:
        return KpiFile(filename, kind, problems=(KpiProblem(0, "", _EMPTY_FILE),))
    headers = tuple(cell.strip() for cell in records[0])
    index, problems, ignored = match_headers(headers, COLUMNS)
    missing = tuple(column for column in REQUIRED_COLUMNS if column not in index)
    problems += missing_columns(
        headers, index, REQUIRED_COLUMNS, "team, period, measure and value (contacts is optional)"
    )
    if len(records) - 1 > MAX_ROWS:
        problems.append(
            KpiProblem(
                0, "", i18n.gettext(_TOO_MANY_ROWS).format(most=i18n.formatted(MAX_ROWS, ","))
            )
        )
        return KpiFile(filename, kind, headers, problems=tuple(problems), warnings=warnings)
    width = len(headers)
    body = records[1:]
    if body and set(map(len, body)) == {width} and all(map(any, body)):
        # The usual file, every row as wide as the header and none blank, column by
        # column in C loops: 144,000 rows in a few tens of milliseconds.
        empty = ("",) * len(body)
        picked = [
            tuple(map(str.strip, map(itemgetter(index[column]), body)))
            if column in index
            else empty
            for column in COLUMNS
        ]
        rows = tuple(zip(range(2, len(body) + 2), zip(*picked, strict=True), strict=True))
        return KpiFile(filename, kind, headers, rows, tuple(map(tuple, body)),
                       tuple(problems), missing, tuple(ignored), warnings)  # fmt: skip
    # The cells of COLUMNS, in that order, picked from a record padded to width + 1 cells:
    # a column the file lacks reads the last, always empty, cell.
    pick = itemgetter(*(index.get(column, width) for column in COLUMNS))
    padding = [""] * (width + 1)
    rows = []
    raw = []
    for number, cells in enumerate(body, start=2):
        if not any(cells):
            continue
        size = len(cells)
        if size == width:
            padded = [*cells, ""]
        elif size < width:
            padded = cells + padding[size:]
        else:
            padded = [*cells[:width], ""]
            if kind == "csv":
                problems.append(shifted_row(number, size, width))
        rows.append((number, tuple(map(str.strip, pick(padded)))))
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


class KpiEntry(NamedTuple):
    """A clean row, parsed (a named tuple: 144,000 of them are made in a blink)."""

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
        ready = plural(len(self.entries), "value")
        rejected = len(self.rejected_row_numbers)
        if not self.problems:
            return i18n.gettext("{ready} ready to import, no problems.").format(ready=ready)
        if not rejected:
            return f"{ready} ready; {plural(len(self.problems), 'problem')} in the file."
        return f"{ready} ready, {plural(rejected, 'row')} with problems."


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


_UNSET: Any = object()  # a contacts cell that is not a usable count
_MAX_CONTACTS = 2**31 - 1  # the column is a 32-bit integer on PostgreSQL


def _count(raw: str) -> int | None:
    """A contacts cell as a whole number of contacts, or None when it is not a usable one."""
    value = _number(raw)
    if value is None or value < 0 or not float(value).is_integer() or value > _MAX_CONTACTS:
        return None
    return int(value)


@dataclass
class _Rules:
    """What a row is checked against: the teams and the catalogue."""

    teams: dict[str, int]  # casefolded name -> id
    by_id: dict[int, Measure]
    by_name: dict[str, Measure]  # casefolded key or name -> measure
    unknown_team: dict[str, int] = field(default_factory=dict)  # first row naming it

    def check(
        self, number: int, cells: tuple[str, ...], out: list[KpiProblem]
    ) -> tuple[int, date, Measure, float, int | None] | None:
        """A row checked cell by cell: each problem with its column goes to `out`; the
        entry when there is none."""
        start = len(out)

        def problem(column: str, message: str) -> None:
            out.append(KpiProblem(number, column, message))

        team_cell, period_cell, measure_cell, value_cell, contacts_cell = cells
        if not "".join(cells).isprintable():
            for column, cell in zip(COLUMNS, cells, strict=True):
                found = forbidden_character(cell, one_line=True)
                if found is not None:
                    problem(column, f"this cell holds {found}; remove it.")
            if len(out) > start:
                return None
        team_id = self.teams.get(team_cell.casefold()) if team_cell else None
        if not team_cell:
            problem("team", "the team is empty; give the team's name as LeadCoach knows it.")
        elif team_id is None:
            first = self.unknown_team.setdefault(team_cell.casefold(), number)
            again = f" (as on row {first})" if first != number else ""
            problem(
                "team",
                f"there is no team {quoted(team_cell)} in LeadCoach{again}. Check the "
                "spelling, or add the team through the roster import first.",
            )
        period = parse_period(period_cell) if period_cell else None
        if not period_cell:
            problem("period", f"the period is empty; {PERIOD_HINT}")
        elif period is None:
            problem("period", f"{quoted(period_cell)} is not a month: {PERIOD_HINT}")
        measure = self.by_name.get(measure_cell.casefold()) if measure_cell else None
        if not measure_cell:
            problem("measure", "the measure is empty; give its key or name (for example csat).")
        elif measure is None:
            known = ", ".join(m.key for m in self.by_id.values())
            problem(
                "measure",
                f"there is no measure {quoted(measure_cell)}; use one of {known} "
                "(HR can add a measure of their own first).",
            )
        value = None
        if not value_cell:
            problem("value", "the value is empty; leave the row out when there is no value.")
        elif _DECIMAL_COMMA.match(value_cell):
            problem(
                "value",
                f"{quoted(value_cell)} uses a decimal comma; write {value_cell.replace(',', '.')}.",
            )
        else:
            value = _number(value_cell)
            if value is None:
                problem("value", f"{quoted(value_cell)} is not a number.")
            elif measure is not None and value_cell.endswith("%") and measure.unit != "percent":
                problem("value", f"{measure.name} is not a percentage; leave out the % sign.")
                value = None
            elif measure is not None and not measure.min_value <= value <= measure.max_value:
                problem(
                    "value",
                    f"{quoted(value_cell)} is outside the valid range of {measure.name} "
                    f"({_range_text(measure)}).",
                )
                value = None
        contacts = None
        if contacts_cell:
            number_value = _number(contacts_cell)
            if number_value is None or number_value < 0 or not float(number_value).is_integer():
                problem(
                    "contacts",
                    f"{quoted(contacts_cell)} is not a whole number of contacts (0 or more).",
                )
            elif number_value > _MAX_CONTACTS:
                problem("contacts", f"{quoted(contacts_cell)} is too large.")
            else:
                contacts = int(number_value)
        if len(out) > start:
            return None
        assert team_id is not None and period is not None and measure is not None
        assert value is not None
        return team_id, period, measure, value, contacts


# KpiEntry from a tuple without namedtuple's Python-level __new__ (144,000 of them).
_new_entry = partial(tuple.__new__, KpiEntry)


class _Looked(NamedTuple):
    """Each row's cells as found by plain look-ups, column by column: None where a cell
    is not usable (_UNSET for contacts, where None means none given)."""

    team_ids: list[int | None]
    periods: list[date | None]
    measures: list[Measure | None]
    values: list[float | None]
    contacts: list[Any]
    usable: bool  # every cell found and printable (ranges and repeats not checked yet)
    percent_signs: bool  # some value is written with a % sign


def _look_up(cells: Sequence[tuple[str, ...]], rules: _Rules) -> _Looked:
    """Each distinct cell parsed once and the per-cell work done in C loops (map over
    dict look-ups): a file of 144,000 values holds 36 months, 10 measures and a few
    thousand distinct numbers, and a row-by-row check was most of an import's time."""
    team_cells, period_cells, measure_cells, value_cells, contact_cells = zip(*cells, strict=True)
    team_of = {cell: rules.teams.get(cell.casefold()) for cell in set(team_cells)}
    team_of.pop("", None)  # an empty cell names no team (checked row by row)
    period_of = {cell: parse_period(cell) for cell in set(period_cells)}
    measure_of = {cell: rules.by_name.get(cell.casefold()) for cell in set(measure_cells)}
    value_of = {cell: _number(cell) for cell in set(value_cells)}
    count_of: dict[str, Any] = {cell: _count(cell) for cell in set(contact_cells) if cell}
    count_of = {cell: _UNSET if count is None else count for cell, count in count_of.items()}
    count_of[""] = None  # no contacts given
    distinct = (team_of, period_of, measure_of, value_of, count_of)
    usable = (
        len(team_of) == len(set(team_cells))
        and all(None not in found.values() for found in distinct[:4])
        and _UNSET not in count_of.values()
        # str.isprintable is False for every control (Cc) and surrogate (Cs) character
        # that forbidden_character refuses (and for a few harmless ones): the precise
        # check, and its message, only for a file that fails this C-speed one.
        and all(all(map(str.isprintable, found)) for found in distinct)
    )
    return _Looked(
        list(map(team_of.get, team_cells)),
        list(map(period_of.__getitem__, period_cells)),
        list(map(measure_of.__getitem__, measure_cells)),
        list(map(value_of.__getitem__, value_cells)),
        list(map(count_of.__getitem__, contact_cells)),
        usable,
        any(cell[-1:] == "%" for cell in value_of),
    )


def _all_clean(
    numbers: Sequence[int], cells: Sequence[tuple[str, ...]], looked: _Looked
) -> tuple[KpiEntry, ...] | None:
    """Every row's entry when the whole file is clean by look-ups and no team, month and
    measure comes twice (the usual workforce-management export), checked a column at a
    time; None otherwise, and then each row is checked on its own."""
    if not looked.usable:
        return None
    measures_ = looked.measures
    values = looked.values
    lows = map(attrgetter("min_value"), measures_)
    highs = map(attrgetter("max_value"), measures_)
    if not all(map(le, lows, values)) or not all(map(le, values, highs)):
        return None
    if looked.percent_signs and any(
        measure.unit != "percent"
        for cell, measure in zip(cells, measures_, strict=True)
        if cell[3][-1:] == "%"
    ):
        return None
    kpi_ids = list(map(attrgetter("id"), measures_))
    if len(set(zip(looked.team_ids, looked.periods, kpi_ids, strict=True))) != len(kpi_ids):
        return None
    columns = (numbers, looked.team_ids, looked.periods, kpi_ids, values, looked.contacts)
    return tuple(map(_new_entry, zip(*columns, strict=True)))


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
        # The key, the stored name (a file from another language's user) or the name as this
        # reader reads it: all name the same measure.
        for name in (measure.key, measure.stored_name, measure.name):
            by_name.setdefault(name.casefold(), measure)
    rules = _Rules(teams, by_id, by_name)
    shifted = {problem.row for problem in file.problems}
    entries: dict[int, KpiEntry] = {}
    seen: dict[tuple[int, date, int], KpiEntry] = {}
    conflicted: set[int] = set()
    bad_rows: set[int] = set()
    rows = [row for row in file.rows if row[0] not in shifted] if shifted else file.rows
    if not rows:
        return KpiCheck(file, (), _sorted(problems), tuple(row for row, _ in file.rows))
    numbers, all_cells = zip(*rows, strict=True)
    looked = _look_up(all_cells, rules)
    whole = _all_clean(numbers, all_cells, looked)
    if whole is not None:
        rejected = tuple(number for number, _ in file.rows if number in shifted)
        return KpiCheck(file, whole, _sorted(problems), rejected)
    for number, cells, team_id, period, measure, value, contacts in zip(
        numbers, all_cells, *looked[:5], strict=True
    ):
        # The usual row is clean by those look-ups; any other is checked cell by cell,
        # which says what is wrong (or finds it clean after all: see _columns).
        if not (
            team_id is not None
            and period is not None
            and measure is not None
            and value is not None
            and contacts is not _UNSET
            and measure.min_value <= value <= measure.max_value
            and (measure.unit == "percent" or cells[3][-1:] != "%")
            and "".join(cells).isprintable()  # see _look_up
        ):
            checked = rules.check(number, cells, problems)
            if checked is None:
                bad_rows.add(number)
                continue
            team_id, period, measure, value, contacts = checked
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
                    f"row {earlier.row} gives {cells[0]} {measure.name} for "
                    f"{period:%Y-%m} as {earlier.value:g}, this row as {value:g}; keep the "
                    "right one and remove the other.",
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
    # In row order: rows were added in order, and popping a conflicted one keeps it.
    return KpiCheck(file, tuple(entries.values()), _sorted(problems), rejected)


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
                return (
                    f"Nothing was imported: {plural(len(self.problems), 'problem')} to fix first."
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
            text += f"; {plural(len(self.check.rejected_row_numbers), 'row')} left out"
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


class _Driver:
    """The driver's own cursor for the import's two bulk statements: SQLAlchemy's per-row
    processing costs more than the database's work at 144,000 rows (STACK-NOTES.md: raw
    executemany 0.79M rows/s on SQLite, a Core insert 0.19M; reading through a raw
    connection twice as fast as through the engine)."""

    def __init__(self, connection) -> None:
        self.connection = connection
        self.sqlite = connection.dialect.name == "sqlite"
        self.mark = "?" if connection.dialect.paramstyle == "qmark" else "%s"

    def period(self, day: date) -> date | str:
        """A month as the driver takes it: SQLite holds dates as ISO text (SQLAlchemy's
        format, which the ORM reads back)."""
        return day.isoformat() if self.sqlite else day

    def existing(
        self, pairs: set[tuple[int, date]], periods: list[date]
    ) -> dict[tuple[int, date, int], tuple[int, float, int | None]]:
        """The values held for the file's teams and months, by (team, month, measure)."""
        as_date = {self.period(day): day for day in periods}
        cursor = self.connection.connection.cursor()
        try:
            cursor.execute(
                "SELECT id, team_id, period, kpi_id, value, contacts FROM kpivalue "
                f"WHERE period BETWEEN {self.mark} AND {self.mark}",
                (self.period(periods[0]), self.period(periods[-1])),
            )
            rows = cursor.fetchall()
        finally:
            cursor.close()
        existing = {}
        for row_id, team_id, period, kpi_id, value, contacts in rows:
            day = as_date.get(period)
            if (team_id, day) in pairs:
                existing[(team_id, day, kpi_id)] = (row_id, value, contacts)
        return existing

    def insert(self, rows: list[tuple[int, date | str, int, float, int | None]]) -> None:
        """Insert (team_id, period, kpi_id, value, contacts) rows."""
        mark = self.mark
        statement = (
            "INSERT INTO kpivalue (team_id, period, kpi_id, value, contacts) "
            f"VALUES ({mark}, {mark}, {mark}, {mark}, {mark})"
        )
        cursor = self.connection.connection.cursor()
        try:
            for start in range(0, len(rows), 20_000):
                cursor.executemany(statement, rows[start : start + 20_000])
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
    entries = check.entries
    pairs = set(zip(map(itemgetter(1), entries), map(itemgetter(2), entries), strict=True))
    periods = sorted({period for _, period in pairs})
    team_ids = sorted({team for team, _ in pairs})
    connection = session.connection()
    driver = _Driver(connection)
    existing = driver.existing(pairs, periods)
    as_param = {day: driver.period(day) for day in periods}
    inserts: list[tuple[int, date | str, int, float, int | None]] = []
    updates = []
    unchanged = 0
    touched_periods: dict[date, dict[str, int]] = {}
    if not existing:  # the usual first import of a month: every value is new
        inserts = [
            (team, as_param[period], kpi, value, count)
            for _, team, period, kpi, value, count in entries
        ]
    for _row, team_id, period, kpi_id, value, contacts in entries if existing else ():
        old = existing.pop((team_id, period, kpi_id), None)
        if old is None:
            inserts.append((team_id, as_param[period], kpi_id, value, contacts))
        elif (old[1], old[2]) != (value, contacts):
            updates.append({"row_id": old[0], "value": value, "contacts": contacts})
            counts = touched_periods.setdefault(period, {"changed": 0, "removed": 0})
            counts["changed"] += 1
        else:
            unchanged += 1
    removed_ids = [old[0] for old in existing.values()]
    for (_, period, _), _old in existing.items():
        counts = touched_periods.setdefault(period, {"changed": 0, "removed": 0})
        counts["removed"] += 1
    if inserts:
        driver.insert(inserts)
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
    if inserts or updates or removed_ids:
        # Cached figures over team numbers (the cohort review's KPI section) are recomputed
        # on their next read; no trigger on kpivalue does it (see data_version.bump).
        data_version.bump(session)
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
