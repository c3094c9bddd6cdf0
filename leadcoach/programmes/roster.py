"""Roster import: read a CSV or XLSX list of people, check all of it, then write it.

Three steps, each usable on its own (the page previews the check before importing):

- `read_roster` turns the file's bytes into rows of text cells keyed by column name;
  problems with the file as a whole (empty, not UTF-8, binary, not a readable workbook,
  too many rows) are recorded on it, and so are warnings that do not stop the import
  (a workbook's other sheets, which are not read).
- `validate_roster` checks every row against the rules and the database and returns the
  clean rows and every problem, each with its spreadsheet row number and column.
- `import_roster` writes the clean rows in the caller's transaction.

Rules a user may ask about (the page can quote them):

- People are matched on their email (trimmed, lower-cased). A known person is updated
  only where a cell differs from the database, so importing the same file twice changes
  nothing the second time.
- An empty optional cell never erases what the database holds; it means "not given".
- Imports only add: a coach link or a cohort membership missing from the file is kept.
- People are created without a password: they sign in with single sign-on, or an admin
  gives them a password later.
- Without the right to manage accounts (admins have it, HR does not), an import may only
  create supervisors and coaches and may not change anyone's role.
- "all_or_nothing" writes nothing while any row has a problem; "clean_rows" writes the
  rows without problems and hands back the others as a table with a `problem` column.
- No cell may hold a control character (a null character, an escape, a line break, a
  tab ...; see `leadcoach.platform.validation`): such a cell is a problem of its row.
- One file holds at most MAX_ROWS people. A longer list is imported in parts: each part
  is checked whole, and importing a part again changes nothing.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

import pandas as pd
from sqlmodel import Session, select

from leadcoach.people.access import Action, Viewer, allowed, require
from leadcoach.people.accounts import normalise_email
from leadcoach.people.audit import record
from leadcoach.platform import i18n
from leadcoach.platform.errors import InvalidInput
from leadcoach.platform.i18n import N_, _, ngettext
from leadcoach.platform.languages import SUPPORTED, code_for
from leadcoach.platform.models import Cohort, CohortMember, Person, Role, Team, TeamCoach
from leadcoach.platform.validation import forbidden_character
from leadcoach.platform.validation import time_zone as checked_time_zone
from leadcoach.programmes import spreadsheets
from leadcoach.programmes.spreadsheets import (
    RowProblem,
    file_name,
    match_headers,
    missing_columns,
    read_sheet,
    shifted_row,
)
from leadcoach.programmes.spreadsheets import quoted as _shown

MODES = ("all_or_nothing", "clean_rows")
COLUMNS = (
    "name",
    "email",
    "role",
    "team",
    "coach",
    "site",
    "vendor",
    "language",
    "start_date",
    "cohort",
    "manages_remote",
    "oversees_vendor",
    "timezone",
)
# Without these no row can be read; team is required per row (for supervisors) instead.
REQUIRED_COLUMNS = ("name", "email", "role")
# The models' column sizes (models.py); a longer cell would fail at the database.
MAX_LENGTH = {
    "name": 200,
    "email": 254,
    "team": 120,
    "site": 120,
    "vendor": 120,
    "language": 40,
    "cohort": 120,
    "timezone": 64,
}
MAX_ROWS = 10_000  # far above any contact centre's intake; bounds the work of one upload
FLAG_VALUES = {"yes": True, "true": True, "1": True, "no": False, "false": False, "0": False}
ROLE_LIST = "supervisor, coach, hr or admin"
_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


# A file that cannot be read is said the same way by both imports (spreadsheets.py).
NOT_TEXT = spreadsheets.NOT_TEXT
NOT_A_WORKBOOK = spreadsheets.NOT_A_WORKBOOK
# One problem with its row (1 the header, 2 the first person, 0 the file as a whole) and
# column, said as 'Row 4, column "email": ...'; shared with the KPI import.
RosterProblem = RowProblem


@dataclass(frozen=True)
class RosterRow:
    """A data row as read: its spreadsheet row number and its trimmed cells."""

    row: int
    cells: tuple[str, ...]  # in the file's column order, padded to the header's width

    def get(self, roster: RosterFile, column: str) -> str:
        """The cell under a known column, or "" when the file has no such column."""
        index = roster.column_index.get(column)
        if index is None or index >= len(self.cells):
            return ""
        return self.cells[index]


@dataclass(frozen=True)
class RosterFile:
    """A parsed roster file; `problems` are those of the file as a whole."""

    filename: str
    kind: str  # "csv" or "xlsx"
    headers: tuple[str, ...] = ()  # as written in the file, trimmed
    rows: tuple[RosterRow, ...] = ()
    problems: tuple[RosterProblem, ...] = ()
    column_index: dict[str, int] = field(default_factory=dict)  # known column -> position
    ignored_columns: tuple[str, ...] = ()  # headers that are not roster columns
    warnings: tuple[str, ...] = ()  # said to the importer; they do not stop the import


@dataclass(frozen=True)
class RosterEntry:
    """A clean row, parsed; None means the cell was empty (not given)."""

    row: int
    name: str
    email: str  # normalised
    role: Role
    team: str | None = None
    coach: str | None = None  # normalised email
    site: str | None = None
    vendor: str | None = None
    language: str | None = None
    start_date: date | None = None
    cohort: str | None = None
    manages_remote: bool | None = None
    oversees_vendor: bool | None = None
    time_zone: str | None = None  # an IANA name, from the column "timezone"


@dataclass(frozen=True)
class RosterCheck:
    """The outcome of checking a whole roster before anything is written."""

    roster: RosterFile
    rows: tuple[RosterEntry, ...]  # the clean rows only
    problems: tuple[RosterProblem, ...]
    clean_row_numbers: tuple[int, ...]
    rejected_row_numbers: tuple[int, ...]
    new_teams: tuple[str, ...] = ()  # teams that importing the clean rows would create
    new_cohorts: tuple[str, ...] = ()

    @property
    def ok(self) -> bool:
        """True when nothing is wrong anywhere in the file."""
        return not self.problems

    def problems_for(self, row: int) -> list[RosterProblem]:
        """The problems reported on one row."""
        return [problem for problem in self.problems if problem.row == row]

    def messages(self) -> list[str]:
        """Every problem as a sentence that says where it is."""
        return [str(problem) for problem in self.problems]

    def summary(self) -> str:
        """One line for the top of the page, e.g. '12 rows ready, 2 rows have problems.'"""
        if not self.roster.rows and self.problems:
            return str(self.problems[0])
        ready = _plural(len(self.clean_row_numbers), "row")
        rejected = len(self.rejected_row_numbers)
        if not rejected and not self.problems:
            return _("{ready} ready to import, no problems.").format(ready=ready)
        if not rejected:
            return _("{ready} ready; {problems} in the file.").format(
                ready=ready, problems=_plural(len(self.problems), "problem")
            )
        return _("{ready} ready, {rows} with problems.").format(
            ready=ready, rows=_plural(rejected, "row")
        )


@dataclass(frozen=True)
class ImportResult:
    """What an import wrote (counts) and what it left out."""

    written: bool  # False: nothing was written (all_or_nothing with problems, or no clean row)
    mode: str
    check: RosterCheck
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    rejected: int = 0  # rows left out
    teams_created: int = 0
    cohorts_created: int = 0
    coach_links_added: int = 0
    cohort_members_added: int = 0
    # The rejected rows as read plus a `problem` column; no rows when none. Saved as a
    # file through leadcoach.reporting.exports, which keeps formulas from running.
    rejected_rows: pd.DataFrame = field(default_factory=pd.DataFrame)
    outcome_by_row: dict[int, str] = field(default_factory=dict)  # created/updated/unchanged

    @property
    def problems(self) -> tuple[RosterProblem, ...]:
        return self.check.problems

    def summary(self) -> str:
        """One line for the page or the command line."""
        if not self.written:
            if self.mode == "all_or_nothing" and self.problems:
                return _("Nothing was imported: {problems} to fix first.").format(
                    problems=_plural(len(self.problems), "problem")
                )
            return _("Nothing was imported: no row is ready.")
        counts = {"created": i18n.number(self.created), "updated": i18n.number(self.updated),
                  "unchanged": i18n.number(self.unchanged)}  # fmt: skip
        if self.rejected:
            return _(
                "{created} created, {updated} updated, {unchanged} unchanged, {rows} left out."
            ).format(rows=_plural(self.rejected, "row"), **counts)
        return _("{created} created, {updated} updated, {unchanged} unchanged.").format(**counts)


# --- reading ------------------------------------------------------------------------------


def read_roster(data: bytes, filename: str) -> RosterFile:
    """Parse a CSV (UTF-8, comma, semicolon or tab) or XLSX roster; never raises on content."""
    filename = file_name(filename, "roster")
    sheet = read_sheet(data, filename, max_rows=MAX_ROWS, empty_message=_(_EMPTY_FILE))
    if sheet.problem is not None:
        return RosterFile(filename, sheet.kind, problems=(sheet.problem,))
    return _build(filename, sheet.kind, sheet.records, sheet.warnings)


_EMPTY_FILE = N_(
    "The file is empty. Put the column names (name, email, role, team, ...) in the first row "
    "and one person on each row below."
)
_TOO_MANY_ROWS = N_(
    "The file has more than {most} people; one import takes at most {most}. "
    "Split it into files of at most {most} rows, each starting with the row of "
    "column names, and import them one after the other, coaches first (a supervisor's "
    "coach must already be in LeadCoach or in the same file). Each file is checked whole, "
    "and importing a file again changes nothing."
)
TOO_MANY_ROWS = _TOO_MANY_ROWS.format(most=f"{MAX_ROWS:,}")  # as English reads it


def _build(
    filename: str, kind: str, records: list[list[str]], warnings: tuple[str, ...] = ()
) -> RosterFile:
    cleaned = [[cell.strip() for cell in record_] for record_ in records]
    while cleaned and not any(cleaned[-1]):
        cleaned.pop()
    if not cleaned:
        return RosterFile(filename, kind, problems=(RosterProblem(0, "", _EMPTY_FILE),))
    headers = tuple(cleaned[0])
    if not any(headers):
        problem = RosterProblem(
            1,
            "",
            _("The first row is empty: it must hold the column names (name, email, role, ...)."),
        )
        return RosterFile(filename, kind, problems=(problem,))
    column_index, problems, ignored = match_headers(headers, COLUMNS)
    if len(cleaned) - 1 > MAX_ROWS:
        most = i18n.formatted(MAX_ROWS, ",")
        problems.append(RosterProblem(0, "", _(_TOO_MANY_ROWS).format(most=most)))
        cleaned = cleaned[: MAX_ROWS + 1]
    rows: list[RosterRow] = []
    width = len(headers)
    for number, cells in enumerate(cleaned[1:], start=2):
        if not any(cells):
            continue  # blank lines between people are harmless
        # In a CSV a cell past the header is a shifted row (often an unquoted comma); in a
        # workbook it is only a cell under a column without a name, which is ignored.
        if kind == "csv" and len(cells) > width:
            problems.append(
                shifted_row(number, len(cells), width, _(" (for example a comma in a name)"))
            )
        rows.append(RosterRow(number, tuple(cells) + ("",) * (width - len(cells))))
    if not rows and not problems:
        problems.append(
            RosterProblem(
                0,
                "",
                _("The file has a header row but no people: add one person on each row under it."),
            )
        )
    return RosterFile(
        filename=filename,
        kind=kind,
        headers=headers,
        rows=tuple(rows),
        problems=tuple(problems),
        column_index=column_index,
        ignored_columns=tuple(ignored),
        warnings=warnings,
    )


# --- checking -----------------------------------------------------------------------------


def validate_roster(
    *, session: Session, viewer: Viewer, roster: RosterFile, create_teams: bool = False
) -> RosterCheck:
    """Check every row against the rules and the database; writes nothing."""
    require(viewer, Action.MANAGE_COHORTS)
    problems: list[RosterProblem] = list(roster.problems)
    if roster.headers:
        problems += missing_columns(
            roster.headers, roster.column_index, REQUIRED_COLUMNS, "name, email and role"
        )
    file_wide = any(problem.row in (0, 1) for problem in problems)
    if file_wide:
        rejected = tuple(row.row for row in roster.rows)
        return RosterCheck(roster, (), _sorted(problems), (), rejected)

    ctx = _Context.load(session, roster)
    may_manage_accounts = allowed(viewer, Action.MANAGE_ACCOUNTS)
    rows_with_file_problems = {problem.row for problem in roster.problems}
    entries: dict[int, RosterEntry] = {}
    first_row_of: dict[str, int] = {}
    for row in roster.rows:
        if row.row in rows_with_file_problems:
            continue  # a shifted row: its cells are under the wrong columns
        row_problems: list[RosterProblem] = []
        entry = _parse_row(row, roster, row_problems)
        email = _email_or_none(row.get(roster, "email"))
        if email is not None:
            first = first_row_of.setdefault(email, row.row)
            if first != row.row:
                row_problems.append(
                    RosterProblem(
                        row.row,
                        "email",
                        _("{email} is already on row {first}; list each person once.").format(
                            email=_shown(email), first=first
                        ),
                    )
                )
        if entry is not None:
            _check_against_database(entry, ctx, viewer, may_manage_accounts, row_problems)
        problems.extend(row_problems)
        if entry is not None and not row_problems:
            entries[row.row] = entry

    # Rows that depend on other rows (coaches, new teams, new cohorts) are re-checked
    # against the rows still clean until nothing changes, so that "clean_rows" never
    # writes a row whose coach or team site came from a rejected row.
    while True:
        found = _check_across_rows(entries, ctx, create_teams, first_row_of)
        if not found:
            break
        for problem in found:
            problems.append(problem)
            entries.pop(problem.row, None)

    clean = tuple(sorted(entries))
    clean_entries = tuple(entries[number] for number in clean)
    return RosterCheck(
        roster=roster,
        rows=clean_entries,
        problems=_sorted(problems),
        clean_row_numbers=clean,
        rejected_row_numbers=tuple(row.row for row in roster.rows if row.row not in entries),
        new_teams=tuple(_new_names(clean_entries, "team", ctx.teams)),
        new_cohorts=tuple(_new_names(clean_entries, "cohort", ctx.cohorts)),
    )


def _sorted(problems: Iterable[RosterProblem]) -> tuple[RosterProblem, ...]:
    return tuple(sorted(problems, key=lambda p: (p.row, _column_order(p.column))))


def _column_order(column: str) -> int:
    return COLUMNS.index(column) if column in COLUMNS else len(COLUMNS)


@dataclass
class _Context:
    """What the database already holds, for the emails, teams and cohorts the file names."""

    people: dict[str, Person]  # email -> person (emails in the file and its coach column)
    teams: dict[str, Team]  # casefolded name -> team
    cohorts: dict[str, Cohort]  # casefolded name -> cohort

    @classmethod
    def load(cls, session: Session, roster: RosterFile) -> _Context:
        emails = {
            email
            for row in roster.rows
            for column in ("email", "coach")
            if (email := _email_or_none(row.get(roster, column))) is not None
        }
        people: dict[str, Person] = {}
        ordered = sorted(emails)
        for start in range(0, len(ordered), 500):  # keeps under every driver's parameter limit
            chunk = ordered[start : start + 500]
            for person in session.exec(select(Person).where(Person.email.in_(chunk))):
                people[person.email] = person
        teams = {team.name.casefold(): team for team in session.exec(select(Team))}
        cohorts = {cohort.name.casefold(): cohort for cohort in session.exec(select(Cohort))}
        return cls(people, teams, cohorts)


def _email_or_none(value: str) -> str | None:
    if forbidden_character(value, one_line=True) is not None:
        return None  # reported on its row; never sent to the database (PostgreSQL refuses U+0000)
    try:
        return normalise_email(value) if value else None
    except InvalidInput:
        return None


def _parse_row(
    row: RosterRow, roster: RosterFile, problems: list[RosterProblem]
) -> RosterEntry | None:
    """Check one row on its own; returns the entry, or None when a required cell is unusable."""

    def cell(column: str) -> str:
        return row.get(roster, column)

    def problem(column: str, message: str) -> None:
        problems.append(RosterProblem(row.row, column, message))

    for column, limit in MAX_LENGTH.items():
        value = cell(column)
        if len(value) > limit:
            problem(
                column,
                _("this cell is {length} characters long; the most allowed is {limit}.").format(
                    length=len(value), limit=limit
                ),
            )
    for column in COLUMNS:
        found = forbidden_character(cell(column), one_line=True)
        if found is not None:
            problem(
                column,
                _(
                    "this cell holds {found}; remove it. Such characters are invisible and not "
                    "accepted in a roster; they often come from copying out of another program."
                ).format(found=found),
            )
    refused = {p.column for p in problems}  # too long or with a control character

    name = cell("name")
    if not name:
        problem("name", _("the name is empty; enter the person's full name."))

    email = None
    raw_email = cell("email")
    if not raw_email:
        problem("email", _("the email is empty; every person needs their work email."))
    elif "email" not in refused:
        try:
            email = normalise_email(raw_email)
        except InvalidInput:
            problem("email", _("{value} is not an email address.").format(value=_shown(raw_email)))

    role = None
    raw_role = cell("role")
    if not raw_role:
        problem("role", _("the role is empty; use {roles}.").format(roles=_(ROLE_LIST)))
    elif "role" not in refused:
        try:
            role = Role(raw_role.lower())
        except ValueError:
            problem(
                "role",
                _("{value} is not a role; use {roles}.").format(
                    value=_shown(raw_role), roles=_(ROLE_LIST)
                ),
            )

    coach = None
    raw_coach = cell("coach")
    if raw_coach and "coach" not in refused:
        try:
            coach = normalise_email(raw_coach)
        except InvalidInput:
            problem(
                "coach",
                _("{value} is not an email address; give the coach's email.").format(
                    value=_shown(raw_coach)
                ),
            )
    if raw_coach and not cell("team"):
        problem("coach", _("a coach is linked to a team: fill in this person's team."))

    start_date = None
    raw_date = cell("start_date")
    if raw_date and "start_date" not in refused:
        try:
            if not _ISO_DATE.match(raw_date):
                raise ValueError
            start_date = date.fromisoformat(raw_date)
        except ValueError:
            problem(
                "start_date",
                _(
                    "{value} is not a date written YYYY-MM-DD (for example 2025-01-31). Other "
                    "forms such as DD/MM/YYYY are not accepted, because 05/01 could be 5 "
                    "January or 1 May."
                ).format(value=_shown(raw_date)),
            )

    flags: dict[str, bool | None] = {}
    for column in ("manages_remote", "oversees_vendor"):
        raw = cell(column)
        flags[column] = None
        if raw and column not in refused:
            flag = FLAG_VALUES.get(raw.lower())
            if flag is None:
                problem(
                    column,
                    _("{value} is not yes or no; use yes, no, true, false, 1 or 0.").format(
                        value=_shown(raw)
                    ),
                )
            flags[column] = flag

    time_zone = _time_zone(cell("timezone"), problem)
    # Issue 25: a person's language is one LeadCoach speaks, kept as its code ("ar").
    language = cell("language")
    if language and "language" not in refused and code_for(language) is None:
        problem(
            "language",
            _("{value} is not a language LeadCoach speaks; use one of {languages}.").format(
                value=_shown(language),
                languages=", ".join(f"{code} ({name})" for code, name in SUPPORTED.items()),
            ),
        )

    if problems or email is None or role is None:
        return None

    def optional(column: str) -> str | None:
        return cell(column) or None

    return RosterEntry(
        row=row.row,
        name=name,
        email=email,
        role=role,
        team=optional("team"),
        coach=coach,
        site=optional("site"),
        vendor=optional("vendor"),
        language=code_for(optional("language")),
        start_date=start_date,
        cohort=optional("cohort"),
        manages_remote=flags["manages_remote"],
        oversees_vendor=flags["oversees_vendor"],
        time_zone=time_zone,
    )


def _time_zone(raw: str, problem: Callable[[str, str], None]) -> str | None:
    """The cell's IANA time zone (emails reach the person in their own daytime), or None."""
    if not raw or len(raw) > MAX_LENGTH["timezone"]:
        return None
    try:
        return checked_time_zone(raw)
    except InvalidInput:
        problem(
            "timezone",
            _(
                "{value} is not a time zone; use a name from the IANA list such as "
                "Europe/London, Asia/Manila or America/Bogota (not an abbreviation like PST)."
            ).format(value=_shown(raw)),
        )
        return None


def _check_against_database(
    entry: RosterEntry,
    ctx: _Context,
    viewer: Viewer,
    may_manage_accounts: bool,
    problems: list[RosterProblem],
) -> None:
    """Checks of one row that need the database."""

    def problem(column: str, message: str) -> None:
        problems.append(RosterProblem(entry.row, column, message))

    existing = ctx.people.get(entry.email)
    if existing is not None and existing.role != entry.role.value:
        if existing.id == viewer.person_id:
            problem(
                "role",
                _("this is you; your own role ({role}) cannot be changed by an import.").format(
                    role=existing.role
                ),
            )
        elif not may_manage_accounts:
            problem(
                "role",
                _("this person's role is {role}; only an admin can change a role.").format(
                    role=existing.role
                ),
            )
    elif existing is None and entry.role in (Role.HR, Role.ADMIN) and not may_manage_accounts:
        problem(
            "role",
            _("only an admin can add people with the role {role}.").format(role=entry.role.value),
        )
    no_team = existing is None or existing.team_id is None
    if entry.role is Role.SUPERVISOR and entry.team is None and no_team:
        problem("team", _('a supervisor needs a team; give its name in the "team" column.'))


def _check_across_rows(
    entries: dict[int, RosterEntry],
    ctx: _Context,
    create_teams: bool,
    file_rows: dict[str, int],
) -> list[RosterProblem]:
    """Problems of rows whose coach, new team or new cohort depends on other clean rows."""
    found: list[RosterProblem] = []
    by_email: dict[str, RosterEntry] = {}
    for entry in entries.values():
        by_email.setdefault(entry.email, entry)

    new_team_site: dict[str, tuple[str, int]] = {}
    new_team_vendor: dict[str, tuple[str, int]] = {}
    cohort_dates: dict[str, date] = {}
    for number in sorted(entries):
        entry = entries[number]
        if entry.start_date and entry.cohort:
            key = entry.cohort.casefold()
            cohort_dates[key] = min(cohort_dates.get(key, entry.start_date), entry.start_date)

    for number in sorted(entries):
        entry = entries[number]

        def problem(column: str, message: str, entry: RosterEntry = entry) -> None:
            found.append(RosterProblem(entry.row, column, message))

        if entry.team and entry.team.casefold() not in ctx.teams:
            key = entry.team.casefold()
            if not create_teams:
                problem(
                    "team",
                    _(
                        "there is no team {team}. Check the spelling, or import with "
                        '"create missing teams" turned on.'
                    ).format(team=_shown(entry.team)),
                )
                continue
            for column, value, seen in (
                ("site", entry.site, new_team_site),
                ("vendor", entry.vendor, new_team_vendor),
            ):
                if value is None:
                    continue
                earlier = seen.setdefault(key, (value, entry.row))
                if earlier[0] != value:
                    problem(
                        column,
                        _(
                            "row {row} gives the new team {team} the {column} {earlier}, this "
                            "row {value}; a team has one {column}."
                        ).format(
                            row=earlier[1],
                            team=_shown(entry.team),
                            column=column,
                            earlier=_shown(earlier[0]),
                            value=_shown(value),
                        ),
                    )
        cohort_key = entry.cohort.casefold() if entry.cohort else None
        if cohort_key and cohort_key not in ctx.cohorts and cohort_key not in cohort_dates:
            problem(
                "cohort",
                _(
                    "the cohort {cohort} is new and no row of it has a start_date; fill in "
                    "the start date of at least one of its people."
                ).format(cohort=_shown(entry.cohort)),
            )
        if entry.coach:
            in_file = by_email.get(entry.coach)
            in_database = ctx.people.get(entry.coach)
            if in_file is not None:
                role = in_file.role.value
            elif in_database is not None:
                role = in_database.role
            else:
                role = None
            coach_row = file_rows.get(entry.coach)
            waiting = (
                " " + _("Their row {row} has a problem; fix it first.").format(row=coach_row)
                if in_file is None and coach_row is not None
                else ""
            )
            if role is None and coach_row is not None:
                problem(
                    "coach",
                    _("{coach} is on row {row}, which has a problem; fix that row first.").format(
                        coach=_shown(entry.coach), row=coach_row
                    ),
                )
            elif role is None:
                problem(
                    "coach",
                    _("no one with the email {coach} is in LeadCoach or in this file.").format(
                        coach=_shown(entry.coach)
                    ),
                )
            elif role != Role.COACH.value:
                problem(
                    "coach",
                    _("{coach} has the role {role}, not coach.").format(
                        coach=_shown(entry.coach), role=role
                    )
                    + waiting,
                )
            elif entry.coach == entry.email:
                problem("coach", _("a person cannot be their own coach."))

    # A new team needs a site; rows naming one that no clean row gives a site are rejected.
    if create_teams:
        for number in sorted(entries):
            entry = entries[number]
            key = entry.team.casefold() if entry.team else None
            if key and key not in ctx.teams and key not in new_team_site:
                found.append(
                    RosterProblem(
                        entry.row,
                        "site",
                        _(
                            "the team {team} is new and no row gives its site; fill in the "
                            "site to create it."
                        ).format(team=_shown(entry.team)),
                    )
                )
    return found


def _new_names(entries: Sequence[RosterEntry], column: str, existing: dict[str, Any]) -> list[str]:
    names: dict[str, str] = {}
    for entry in entries:
        value = getattr(entry, column)
        if value and value.casefold() not in existing:
            names.setdefault(value.casefold(), value)
    return list(names.values())


def _plural(count: int, noun: str) -> str:
    """ "1 row", "3 problems", by the language's plural rule (Arabic has six forms)."""
    if noun == "row":
        text = ngettext("{count} row", "{count} rows", count)
    else:
        text = ngettext("{count} problem", "{count} problems", count)
    return text.format(count=i18n.number(count))


# --- writing ------------------------------------------------------------------------------


def import_roster(
    *,
    session: Session,
    viewer: Viewer,
    roster: RosterFile,
    mode: str = "all_or_nothing",
    create_teams: bool = False,
) -> ImportResult:
    """Check the roster, then write its clean rows into the caller's transaction.

    "all_or_nothing" writes nothing while any problem remains and returns written=False
    with the problems (no exception: the problems are the answer the page shows).
    "clean_rows" writes the clean rows and returns the others as `rejected_rows`.
    The caller commits. An exception while writing leaves the session with part of the
    rows: roll it back (`db.session_scope` does). No SAVEPOINT is used because the pysqlite
    driver releases an outermost SAVEPOINT by committing, which would defeat the rollback.
    """
    require(viewer, Action.MANAGE_COHORTS)
    if mode not in MODES:
        raise InvalidInput(
            _('Import mode: use "all_or_nothing" or "clean_rows", not "{mode}".').format(mode=mode)
        )
    check = validate_roster(
        session=session, viewer=viewer, roster=roster, create_teams=create_teams
    )
    rejected = len(check.rejected_row_numbers)
    rejected_table = rejected_rows(check)
    if not check.rows or (mode == "all_or_nothing" and check.problems):
        return ImportResult(
            written=False, mode=mode, check=check, rejected=rejected, rejected_rows=rejected_table
        )
    written = _write(session, check)
    outcomes = written.outcome_by_row
    counts = {
        kind: sum(1 for outcome in outcomes.values() if outcome == kind)
        for kind in ("created", "updated", "unchanged")
    }
    record(
        session,
        viewer.person_id,
        "roster_import",
        subject=roster.filename,
        mode=mode,
        rejected=rejected,
        teams_created=written.teams_created,
        cohorts_created=written.cohorts_created,
        **counts,
    )
    return ImportResult(
        written=True,
        mode=mode,
        check=check,
        rejected=rejected,
        rejected_rows=rejected_table,
        teams_created=written.teams_created,
        cohorts_created=written.cohorts_created,
        coach_links_added=written.coach_links_added,
        cohort_members_added=written.cohort_members_added,
        outcome_by_row=outcomes,
        **counts,
    )


@dataclass
class _Written:
    outcome_by_row: dict[int, str] = field(default_factory=dict)
    teams_created: int = 0
    cohorts_created: int = 0
    coach_links_added: int = 0
    cohort_members_added: int = 0


def _write(session: Session, check: RosterCheck) -> _Written:
    """Write the clean rows; the check has already guaranteed every reference resolves."""
    ctx = _Context.load(session, check.roster)
    written = _Written()

    # New teams take the site (and vendor) of the first clean row that gives one.
    for entry in check.rows:
        if entry.team and entry.team.casefold() not in ctx.teams:
            key = entry.team.casefold()
            members = [e for e in check.rows if e.team and e.team.casefold() == key]
            site = next(e.site for e in members if e.site)
            vendor = next((e.vendor for e in members if e.vendor), None)
            team = Team(name=entry.team, site=site, vendor=vendor)
            session.add(team)
            ctx.teams[key] = team
            written.teams_created += 1
    session.flush()

    changed_rows: set[int] = set()
    for entry in check.rows:
        values: dict[str, Any] = {"name": entry.name, "role": entry.role.value}
        if entry.team:
            values["team_id"] = ctx.teams[entry.team.casefold()].id
        for column in (
            "site",
            "vendor",
            "language",
            "start_date",
            "manages_remote",
            "oversees_vendor",
            "time_zone",
        ):
            value = getattr(entry, column)
            if value is not None:
                values[column] = value
        person = ctx.people.get(entry.email)
        if person is None:
            person = Person(email=entry.email, **values)
            session.add(person)
            ctx.people[entry.email] = person
            written.outcome_by_row[entry.row] = "created"
            continue
        differing = {k: v for k, v in values.items() if getattr(person, k) != v}
        for key, value in differing.items():
            setattr(person, key, value)
        if differing:
            session.add(person)
            changed_rows.add(entry.row)
        written.outcome_by_row[entry.row] = "unchanged"
    session.flush()

    team_ids = {ctx.teams[e.team.casefold()].id for e in check.rows if e.coach and e.team}
    links: set[tuple[int, int]] = set()
    if team_ids:
        links = set(
            session.exec(
                select(TeamCoach.team_id, TeamCoach.coach_id).where(TeamCoach.team_id.in_(team_ids))
            ).all()
        )
    for entry in check.rows:
        if entry.coach and entry.team:
            link = (ctx.teams[entry.team.casefold()].id, ctx.people[entry.coach].id)
            if link not in links:
                session.add(TeamCoach(team_id=link[0], coach_id=link[1]))
                links.add(link)
                written.coach_links_added += 1

    for entry in check.rows:
        if entry.cohort and entry.cohort.casefold() not in ctx.cohorts:
            key = entry.cohort.casefold()
            start = min(
                e.start_date
                for e in check.rows
                if e.cohort and e.cohort.casefold() == key and e.start_date
            )
            cohort = Cohort(name=entry.cohort, start_date=start)
            session.add(cohort)
            ctx.cohorts[key] = cohort
            written.cohorts_created += 1
    session.flush()
    cohort_ids = {ctx.cohorts[e.cohort.casefold()].id for e in check.rows if e.cohort}
    memberships: set[tuple[int, int]] = set()
    if cohort_ids:
        memberships = set(
            session.exec(
                select(CohortMember.cohort_id, CohortMember.person_id).where(
                    CohortMember.cohort_id.in_(cohort_ids)
                )
            ).all()
        )
    for entry in check.rows:
        if entry.cohort:
            membership = (ctx.cohorts[entry.cohort.casefold()].id, ctx.people[entry.email].id)
            if membership not in memberships:
                session.add(CohortMember(cohort_id=membership[0], person_id=membership[1]))
                memberships.add(membership)
                written.cohort_members_added += 1
                changed_rows.add(entry.row)
    session.flush()

    for number in changed_rows:
        if written.outcome_by_row[number] == "unchanged":
            written.outcome_by_row[number] = "updated"
    return written


def rejected_rows(check: RosterCheck) -> pd.DataFrame:
    """The rejected rows as they were read, plus a `problem` column; no rows when none.

    Cells past the header (a shifted row) follow the problem under columns without a name.
    Save it with leadcoach.reporting.exports, which keeps cells from running as formulas.
    """
    if not check.rejected_row_numbers:
        return pd.DataFrame()
    by_row: dict[int, list[str]] = {}
    whole_file: list[str] = []
    for problem in check.problems:
        if problem.row in (0, 1):
            whole_file.append(str(problem))
        else:
            by_row.setdefault(problem.row, []).append(str(problem))
    rejected = set(check.rejected_row_numbers)
    width = len(check.roster.headers)
    records = []
    for row in check.roster.rows:
        if row.row in rejected:
            problems = " ".join(by_row.get(row.row, []) or whole_file)
            records.append([*row.cells[:width], problems, *row.cells[width:]])
    extra = max(len(record) for record in records) - width - 1
    columns = [*check.roster.headers, "problem", *[""] * extra]
    return pd.DataFrame(
        [record + [""] * (len(columns) - len(record)) for record in records],
        columns=columns,
        dtype=object,
    )
