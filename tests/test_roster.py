"""Roster import: every malformed file gets its own message and writes nothing; clean
files import idempotently; only HR and admins may import."""

from __future__ import annotations

import csv
import io
import json
import zipfile
from datetime import date, datetime
from functools import cache
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st
from openpyxl import Workbook
from sqlmodel import Session, func, select

from leadcoach.platform import i18n
from leadcoach.platform.db import session_scope
from leadcoach.platform.errors import AccessDenied, InvalidInput
from leadcoach.platform.models import (
    Account,
    AuditEvent,
    Cohort,
    CohortMember,
    Person,
    Role,
    Team,
    TeamCoach,
)
from leadcoach.programmes import roster
from leadcoach.programmes.roster import import_roster, read_roster, validate_roster
from leadcoach.reporting import exports
from tests.factories import Org, build_org

CORPUS = Path(__file__).parent / "data" / "rosters"
HEADER = (
    "name,email,role,team,coach,site,vendor,language,start_date,cohort,"
    "manages_remote,oversees_vendor\n"
)
TABLES = (Person, Team, TeamCoach, Cohort, CohortMember, Account, AuditEvent)


def _counts(session: Session) -> dict[str, int]:
    return {
        table.__name__: session.exec(select(func.count()).select_from(table)).one()
        for table in TABLES
    }


def _file(name: str) -> roster.RosterFile:
    return read_roster((CORPUS / name).read_bytes(), name)


def _csv(*lines: str, filename: str = "roster.csv") -> roster.RosterFile:
    return read_roster((HEADER + "".join(line + "\n" for line in lines)).encode(), filename)


@pytest.fixture
def org(engine) -> Org:
    with session_scope(engine) as session:
        return build_org(session)


def _import(engine, org: Org, file: roster.RosterFile, viewer_id: int | None = None, **options):
    with session_scope(engine) as session:
        viewer = org.viewer(session, viewer_id or org.admin)
        return import_roster(session=session, viewer=viewer, roster=file, **options)


# --- the corpus: each malformed file, its message, and a database left as it was ----------

MALFORMED = [
    # file, row, column, a fragment of the message
    ("missing_column.csv", 1, "email", 'the file has no "email" column'),
    ("bad_email.csv", 3, "email", '"ana.lima@" is not an email address.'),
    ("unknown_team.csv", 2, "team", 'there is no team "Team Z"'),
    ("duplicate_person.csv", 3, "email", '"ana.lima@test.example" is already on row 2'),
    ("bad_date.csv", 2, "start_date", '"05/01/2025" is not a date written YYYY-MM-DD'),
    ("wrong_encoding.csv", 3, "", "not saved as UTF-8 (wrong encoding): byte 0xE9"),
    ("unknown_role.csv", 2, "role", '"manager" is not a role; use supervisor, coach, hr or'),
    ("unknown_coach.csv", 2, "coach", 'no one with the email "nobody@test.example"'),
    ("not_a_coach.csv", 2, "coach", "has the role supervisor, not coach"),
    ("supervisor_without_team.csv", 2, "team", "a supervisor needs a team"),
    ("bad_flag.csv", 2, "manages_remote", '"maybe" is not yes or no'),
    ("unquoted_comma.csv", 2, "", "this row has 13 cells but the first row names only 12"),
    ("too_long.csv", 2, "name", "this cell is 201 characters long; the most allowed is 200"),
    ("empty.csv", 0, "", "The file is empty."),
    ("header_only.csv", 0, "", "The file has a header row but no people"),
    # Control characters: invisible, and PostgreSQL cannot store a null character at all.
    ("nul_in_name.csv", 3, "name", "holds an invisible null character (U+0000) at character 4"),
    ("escape_in_team.csv", 2, "team", "an invisible escape character (U+001B) at character 7"),
    ("line_break_in_name.csv", 2, "name", "this cell holds a line break at character 4; remove"),
    # Not a roster at all: a PNG image named .csv, and a zip whose workbook parts are junk
    # (it crashed import-roster with "ParseError: unclosed token").
    ("image.csv", 0, "", "This file is not a text (CSV) file: it holds binary data"),
    ("junk.xlsx", 0, "", "This file is not a readable Excel workbook (.xlsx)"),
    ("bad_timezone.csv", 3, "timezone", '"Manila" is not a time zone; use a name from the IANA'),
    ("bad_timezone.csv", 4, "timezone", '"PST" is not a time zone'),
    ("bad_timezone.csv", 4, "email", '"eva.lima@" is not an email address.'),
]


@pytest.mark.parametrize(
    ("filename", "row", "column", "fragment"), MALFORMED, ids=[m[0] for m in MALFORMED]
)
def test_malformed_file_is_refused_with_its_message(engine, org, filename, row, column, fragment):
    with session_scope(engine) as session:
        before = _counts(session)
    result = _import(engine, org, _file(filename))
    assert not result.written
    matching = [
        p for p in result.problems if p.row == row and p.column == column and fragment in p.message
    ]
    assert matching, result.check.messages()
    if row and column:
        assert str(matching[0]).startswith(f'Row {row}, column "{column}": ')
    with session_scope(engine) as session:
        assert _counts(session) == before


def test_the_spec_example_message_reads_as_written():
    problem = roster.RosterProblem(7, "email", '"ana.lima@" is not an email address.')
    assert str(problem) == 'Row 7, column "email": "ana.lima@" is not an email address.'


@pytest.mark.parametrize("filename", ["bom.csv", "semicolon.csv", "tab.tsv", "clean.csv"])
def test_accepted_variants_read_cleanly(filename):
    file = _file(filename)
    assert file.problems == ()
    assert file.rows[0].get(file, "name") == "Ana Lima"
    assert file.rows[0].get(file, "email") == "ana.lima@test.example"


def test_headers_match_whatever_their_case_spacing_and_separator():
    file = _file("semicolon.csv")  # "Name ; EMAIL;Role;Team;Start Date"
    assert set(file.column_index) == {"name", "email", "role", "team", "start_date"}
    assert file.rows[0].get(file, "start_date") == "2025-01-06"


def test_unknown_columns_are_listed_and_ignored():
    file = read_roster(b"name,email,role,team,phone\nAna,ana@x.example,hr,,0123\n", "r.csv")
    assert file.ignored_columns == ("phone",)
    assert file.problems == ()


def test_blank_lines_are_skipped_and_row_numbers_stay_true():
    file = read_roster(b"name,email,role\n\nAna,ana@x.example,hr\n,,\nBen,ben@,hr\n", "r.csv")
    assert [row.row for row in file.rows] == [3, 5]


def test_a_zip_that_is_not_a_workbook_and_an_old_xls_are_refused():
    broken = read_roster(b"PK\x03\x04 not really a workbook", "roster.xlsx")
    assert str(broken.problems[0]) == roster.NOT_A_WORKBOOK
    old = read_roster(b"\xd0\xcf\x11\xe0 old excel", "roster.xls")
    assert "save it as .xlsx or as CSV UTF-8" in str(old.problems[0])


def test_utf16_is_refused_with_advice():
    file = read_roster("name,email,role\n".encode("utf-16"), "roster.csv")
    assert "UTF-16" in str(file.problems[0])
    assert "UTF-8" in str(file.problems[0])


# --- importing clean files ------------------------------------------------------------------


def test_clean_csv_creates_people_links_and_cohorts(engine, org):
    result = _import(engine, org, _file("clean.csv"))
    assert result.written
    assert (result.created, result.updated, result.unchanged, result.rejected) == (4, 0, 0, 0)
    assert result.rejected_rows.empty
    assert result.outcome_by_row == {2: "created", 3: "created", 4: "created", 5: "created"}
    with session_scope(engine) as session:
        people = {p.email: p for p in session.exec(select(Person))}
        ana = people["ana.lima@test.example"]
        assert (ana.name, ana.role, ana.team_id) == ("Ana Lima", "supervisor", org.team_a)
        assert (ana.site, ana.vendor, ana.language) == ("Leeds", None, "fr")  # a code (issue 25)
        assert ana.start_date == date(2025, 1, 6)
        assert (ana.manages_remote, ana.oversees_vendor) == (True, False)
        dev = people["dev.shah@test.example"]
        assert (dev.manages_remote, dev.oversees_vendor) == (True, False)  # "1" and "0"
        cara = people["cara.diaz@test.example"]
        # Cara is a coach created by this file and named as Dev's coach in it.
        links = set(session.exec(select(TeamCoach.team_id, TeamCoach.coach_id)).all())
        assert (org.team_b, cara.id) in links
        assert (org.team_a, org.coach_a) in links
        # People come without a password: single sign-on, or an admin sets one later.
        new_ids = [p.id for p in people.values() if p.id not in vars(org).values()]
        assert len(new_ids) == 4
        accounts = session.exec(select(Account.person_id).where(Account.person_id.in_(new_ids)))
        assert accounts.all() == []
        cohorts = {c.name: c for c in session.exec(select(Cohort))}
        assert cohorts["January 2025"].start_date == date(2025, 1, 6)  # earliest member
        assert cohorts["February 2025"].start_date == date(2025, 2, 3)
        members = session.exec(
            select(CohortMember.person_id).where(
                CohortMember.cohort_id == cohorts["January 2025"].id
            )
        ).all()
        assert set(members) == {ana.id, people["ben.cruz@test.example"].id}


def test_importing_the_same_file_twice_changes_nothing(engine, org):
    first = _import(engine, org, _file("clean.csv"))
    with session_scope(engine) as session:
        after_first = _counts(session)
    second = _import(engine, org, _file("clean.csv"))
    assert (second.created, second.updated, second.unchanged) == (0, 0, 4)
    assert (second.coach_links_added, second.cohort_members_added) == (0, 0)
    assert (second.teams_created, second.cohorts_created) == (0, 0)
    # Team A's link to Coach A exists already (build_org); Cara's link to Team B is new.
    assert first.coach_links_added == 1 and first.cohort_members_added == 3
    with session_scope(engine) as session:
        after_second = _counts(session)
    # Only the second import's audit event is new.
    assert after_second == {**after_first, "AuditEvent": after_first["AuditEvent"] + 1}


def test_a_known_person_is_updated_only_where_a_cell_differs(engine, org):
    _import(engine, org, _file("clean.csv"))
    changed = (CORPUS / "clean.csv").read_text().replace("French", "Spanish")
    # Empty optional cells never erase: Cara's row leaves her language as it is.
    result = _import(engine, org, read_roster(changed.encode(), "clean.csv"))
    assert (result.created, result.updated, result.unchanged) == (0, 1, 3)
    assert result.outcome_by_row[2] == "updated"
    with session_scope(engine) as session:
        ana = session.exec(select(Person).where(Person.email == "ana.lima@test.example")).one()
        assert ana.language == "es"


def test_an_existing_person_matches_whatever_the_case_of_their_email(engine, org):
    result = _import(engine, org, _csv("Sup A One,  SUP.A.ONE@Test.Example ,supervisor,Team A"))
    assert (result.created, result.updated, result.unchanged) == (0, 0, 1)


def test_xlsx_with_real_date_cells_imports(engine, org):
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["Name", "Email", "Role", "Team", "Start_Date", "Cohort", "Manages_Remote"])
    sheet.append(["Ana Lima", "ana.lima@test.example", "supervisor", "Team A"])
    sheet["E2"] = datetime(2025, 3, 3)  # a date cell, as Excel stores a typed date
    sheet["F2"] = "March 2025"
    sheet["G2"] = 1
    sheet.append([])  # a blank row in between keeps row numbers true
    sheet.append(["Ben Cruz", "ben.cruz@", "supervisor", "Team B", date(2025, 3, 4)])
    data = io.BytesIO()
    workbook.save(data)
    file = read_roster(data.getvalue(), "roster.xlsx")
    assert file.kind == "xlsx" and file.problems == ()
    assert file.rows[0].get(file, "start_date") == "2025-03-03"
    assert [row.row for row in file.rows] == [2, 4]
    result = _import(engine, org, file, mode="clean_rows")
    assert (result.created, result.rejected) == (1, 1)
    assert [str(p) for p in result.problems] == [
        'Row 4, column "email": "ben.cruz@" is not an email address.'
    ]
    with session_scope(engine) as session:
        ana = session.exec(select(Person).where(Person.email == "ana.lima@test.example")).one()
        assert (ana.start_date, ana.manages_remote) == (date(2025, 3, 3), True)
        cohort = session.exec(select(Cohort).where(Cohort.name == "March 2025")).one()
        assert cohort.start_date == date(2025, 3, 3)


# --- clean_rows mode ------------------------------------------------------------------------


def test_clean_rows_writes_the_clean_rows_and_hands_back_the_rest(engine, org):
    file = _csv(
        "Ana Lima,ana.lima@test.example,supervisor,Team A,,Leeds,,,,,,",
        "Ben Cruz,ben.cruz@,supervisor,Team B,,Manila,,,,,,",
        "Cara Diaz,cara.diaz@test.example,supervisor,Team A,,Leeds,,,31/01/2025,,,",
        "=HYPERLINK(1),eve@test.example,overlord,Team A,,,,,,,,",
    )
    refused = _import(engine, org, file)
    assert not refused.written and refused.rejected == 3
    result = _import(engine, org, file, mode="clean_rows")
    assert result.written
    assert (result.created, result.rejected) == (1, 3)
    assert result.check.clean_row_numbers == (2,)
    assert result.check.rejected_row_numbers == (3, 4, 5)
    # As the page and the command line save it: the roster's own columns, to import again.
    saved = exports.table_file(result.rejected_rows, "csv", people_headers=False)
    assert saved.startswith(b"\xef\xbb\xbf")  # Excel reads UTF-8 with a BOM
    rows = list(csv.reader(io.StringIO(saved.decode("utf-8-sig"))))
    assert rows[0] == [*HEADER.strip().split(","), "problem"]
    assert [row[1] for row in rows[1:]] == [
        "ben.cruz@",
        "cara.diaz@test.example",
        "eve@test.example",
    ]
    assert rows[1][-1] == 'Row 3, column "email": "ben.cruz@" is not an email address.'
    assert rows[2][-1].startswith('Row 4, column "start_date": "31/01/2025" is not a date')
    assert rows[3][0] == "'=HYPERLINK(1)"  # never run as a formula when opened in Excel
    with session_scope(engine) as session:
        emails = set(session.exec(select(Person.email)).all())
    assert "ana.lima@test.example" in emails
    assert not emails & {"ben.cruz@", "cara.diaz@test.example", "eve@test.example"}


def test_a_row_whose_coach_is_rejected_is_rejected_too(engine, org):
    file = _csv(
        "Cara Diaz,cara.diaz@test.example,coach,Team B,,Manila,,,not a date,,,",
        "Dev Shah,dev.shah@test.example,supervisor,Team B,cara.diaz@test.example,,,,,,,",
        "Ana Lima,ana.lima@test.example,supervisor,Team A,,,,,,,,",
    )
    result = _import(engine, org, file, mode="clean_rows")
    assert result.check.clean_row_numbers == (4,)
    assert [str(p) for p in result.check.problems_for(3)] == [
        'Row 3, column "coach": "cara.diaz@test.example" is on row 2, which has a problem; '
        "fix that row first."
    ]


def test_a_mode_that_does_not_exist_is_refused(engine, org):
    with pytest.raises(InvalidInput, match="clean_rows"):
        _import(engine, org, _file("clean.csv"), mode="best_effort")


# --- teams and cohorts that do not exist yet ------------------------------------------------


def test_create_teams_creates_named_teams_with_the_rows_site_and_vendor(engine, org):
    file = _csv(
        "Ana Lima,ana.lima@test.example,supervisor,Team C,,Cebu,Apex,,,,,",
        "Ben Cruz,ben.cruz@test.example,supervisor,team c,,,,,,,,",
    )
    check_only = _import(engine, org, file)
    assert 'there is no team "Team C"' in check_only.check.messages()[0]
    result = _import(engine, org, file, create_teams=True)
    assert (result.created, result.teams_created) == (2, 1)
    assert result.check.new_teams == ("Team C",)
    with session_scope(engine) as session:
        team = session.exec(select(Team).where(Team.name == "Team C")).one()
        assert (team.site, team.vendor) == ("Cebu", "Apex")
        members = session.exec(select(Person.email).where(Person.team_id == team.id)).all()
    assert len(members) == 2


def test_a_new_team_given_two_sites_or_none_is_a_problem(engine, org):
    conflicting = _csv(
        "Ana Lima,ana.lima@test.example,supervisor,Team C,,Cebu,,,,,,",
        "Ben Cruz,ben.cruz@test.example,supervisor,Team C,,Davao,,,,,,",
    )
    result = _import(engine, org, conflicting, create_teams=True)
    assert [str(p) for p in result.problems] == [
        'Row 3, column "site": row 2 gives the new team "Team C" the site "Cebu", '
        'this row "Davao"; a team has one site.'
    ]
    siteless = _csv("Ana Lima,ana.lima@test.example,supervisor,Team D,,,,,,,,")
    result = _import(engine, org, siteless, create_teams=True)
    assert 'the team "Team D" is new and no row gives its site' in result.check.messages()[0]


def test_a_new_cohort_needs_a_start_date(engine, org):
    file = _csv("Ana Lima,ana.lima@test.example,supervisor,Team A,,,,,,Spring intake,,")
    result = _import(engine, org, file)
    assert result.check.messages() == [
        'Row 2, column "cohort": the cohort "Spring intake" is new and no row of it has a '
        "start_date; fill in the start date of at least one of its people."
    ]


# --- who may import, and what -------------------------------------------------------------


@pytest.mark.parametrize("who", ["sup_a1", "coach_a"])
def test_supervisors_and_coaches_are_refused(engine, org, who):
    with session_scope(engine) as session:
        before = _counts(session)
    for function in (import_roster, validate_roster):
        with pytest.raises(AccessDenied), session_scope(engine) as session:
            viewer = org.viewer(session, getattr(org, who))
            function(session=session, viewer=viewer, roster=_file("clean.csv"))
    with session_scope(engine) as session:
        assert _counts(session) == before


def test_hr_imports_supervisors_but_cannot_grant_or_change_roles(engine, org):
    result = _import(engine, org, _file("clean.csv"), viewer_id=org.hr)
    assert result.written and result.created == 4
    file = _csv(
        "Zed Admin,zed@test.example,admin,,,,,,,,,",
        "Sup A One,sup.a.one@test.example,coach,Team A,,,,,,,,",
    )
    refused = _import(engine, org, file, viewer_id=org.hr)
    assert refused.check.messages() == [
        'Row 2, column "role": only an admin can add people with the role admin.',
        'Row 3, column "role": this person\'s role is supervisor; only an admin can change a role.',
    ]
    allowed = _import(engine, org, file)  # an admin may
    assert (allowed.created, allowed.updated) == (1, 1)


def test_nobody_changes_their_own_role_by_import(engine, org):
    file = _csv("Ada Admin,ada.admin@test.example,supervisor,Team A,,,,,,,,")
    result = _import(engine, org, file)
    assert "your own role (admin) cannot be changed" in result.check.messages()[0]


# --- audit and atomicity --------------------------------------------------------------------


def test_the_audit_event_holds_counts_only(engine, org):
    _import(engine, org, _file("clean.csv"), mode="clean_rows")
    with session_scope(engine) as session:
        event = session.exec(select(AuditEvent).where(AuditEvent.action == "roster_import")).one()
    assert (event.actor_id, event.subject) == (org.admin, "clean.csv")
    detail = json.loads(event.detail)
    assert detail == {
        "mode": "clean_rows",
        "created": 4,
        "updated": 0,
        "unchanged": 0,
        "rejected": 0,
        "teams_created": 0,
        "cohorts_created": 2,
    }
    for personal in ("ana", "lima", "@", "Leeds", "French", "2025"):
        assert personal.lower() not in event.detail.lower()


def test_a_refused_import_records_no_event(engine, org):
    _import(engine, org, _file("bad_email.csv"))
    with session_scope(engine) as session:
        assert session.exec(select(AuditEvent)).all() == []


def test_an_error_while_writing_leaves_nothing_half_written(engine, org, monkeypatch):
    with session_scope(engine) as session:
        before = _counts(session)

    def fail(*_args, **_kwargs):
        raise RuntimeError("the database went away")

    # The audit event is the last thing written, after every person, link and cohort.
    monkeypatch.setattr(roster, "record", fail)
    with pytest.raises(RuntimeError):
        _import(engine, org, _file("clean.csv"), create_teams=True)
    with session_scope(engine) as session:
        assert _counts(session) == before


def test_validating_writes_nothing_and_previews_the_new_names(engine, org):
    with session_scope(engine) as session:
        viewer = org.viewer(session, org.hr)
        check = validate_roster(session=session, viewer=viewer, roster=_file("clean.csv"))
        assert check.ok and check.summary() == "4 rows ready to import, no problems."
        assert check.new_cohorts == ("January 2025", "February 2025")
        assert [entry.role for entry in check.rows] == [
            Role.SUPERVISOR,
            Role.SUPERVISOR,
            Role.COACH,
            Role.SUPERVISOR,
        ]
        assert not session.new and not session.dirty


# The same malformed content saved as Excel workbooks: the message must not depend on the
# format (cases about text encoding and CSV cells do not exist in a workbook).
# A workbook's cells cannot hold a null or an escape character (XML 1.0 has no way to write
# them); a line break is common (Alt+Enter in Excel) and stays in the workbook cases.
CSV_ONLY = {
    "wrong_encoding.csv",
    "unquoted_comma.csv",
    "empty.csv",
    "nul_in_name.csv",
    "escape_in_team.csv",
    "image.csv",
    "junk.xlsx",
}


def _as_workbook(csv_name: str) -> bytes:
    text = (CORPUS / csv_name).read_bytes().decode("utf-8-sig")
    workbook = Workbook()
    for cells in csv.reader(io.StringIO(text)):
        workbook.active.append(cells)
    data = io.BytesIO()
    workbook.save(data)
    return data.getvalue()


@pytest.mark.parametrize(
    ("filename", "row", "column", "fragment"),
    [m for m in MALFORMED if m[0] not in CSV_ONLY],
    ids=[m[0].replace(".csv", ".xlsx") for m in MALFORMED if m[0] not in CSV_ONLY],
)
def test_malformed_workbook_is_refused_with_the_same_message(
    engine, org, filename, row, column, fragment
):
    with session_scope(engine) as session:
        before = _counts(session)
    workbook = read_roster(_as_workbook(filename), filename.replace(".csv", ".xlsx"))
    assert workbook.kind == "xlsx"
    result = _import(engine, org, workbook)
    assert not result.written
    assert any(
        p.row == row and p.column == column and fragment in p.message for p in result.problems
    ), result.check.messages()
    with session_scope(engine) as session:
        assert _counts(session) == before


# --- bad files and bytes --------------------------------------------------------------------

PEOPLE = [["name", "email", "role", "team"], ["Ana Lima", "ana.lima@test.example", "hr", ""]]


def _workbook(*sheets: tuple[str, list[list[object]]]) -> bytes:
    """An .xlsx file with these sheets (title, rows), in this order."""
    workbook = Workbook()
    workbook.remove(workbook.active)
    for title, rows in sheets:
        sheet = workbook.create_sheet(title)
        for cells in rows:
            sheet.append(cells)
    data = io.BytesIO()
    workbook.save(data)
    return data.getvalue()


def _zip(parts: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for name, content in parts.items():
            target.writestr(name, content)
    return out.getvalue()


def _damaged_workbooks() -> dict[str, bytes]:
    """A good workbook damaged in the ways a copy, a download or a wrong file does."""
    good = _workbook(("People", PEOPLE))
    parts = {name: zipfile.ZipFile(io.BytesIO(good)).read(name) for name in
             zipfile.ZipFile(io.BytesIO(good)).namelist()}  # fmt: skip
    sheet = parts["xl/worksheets/sheet1.xml"]
    return {
        "cut in half": good[: len(good) // 2],
        "last bytes missing": good[:-30],
        # The workbook opens; its sheet breaks off while the rows are read.
        "sheet cut short": _zip({**parts, "xl/worksheets/sheet1.xml": sheet[: len(sheet) // 2]}),
        "workbook part is junk": _zip({**parts, "xl/workbook.xml": b"\x00\x01 junk"}),
        "parts list is junk": _zip({**parts, "[Content_Types].xml": b"<Types><junk"}),
        "a zip of other files": _zip({"readme.txt": b"hello"}),
        "only a zip signature": b"PK\x03\x04 not really a workbook",
    }


@pytest.mark.parametrize("damage", list(_damaged_workbooks()))
def test_a_damaged_workbook_is_refused_with_a_message_not_a_traceback(damage):
    file = read_roster(_damaged_workbooks()[damage], "roster.xlsx")
    assert [str(problem) for problem in file.problems] == [roster.NOT_A_WORKBOOK]
    assert file.rows == ()


@hypothesis_settings(max_examples=150, deadline=None)
@given(data=st.data())
def test_a_workbook_with_any_bytes_changed_is_read_or_refused_never_raises(data):
    good = _good_workbook()
    position = data.draw(st.integers(0, len(good) - 1))
    noise = data.draw(st.binary(min_size=1, max_size=64))
    file = read_roster(good[:position] + noise + good[position + len(noise) :], "roster.xlsx")
    assert file.problems or file.rows


@cache
def _good_workbook() -> bytes:
    """One workbook for every example (a new one would differ in its saved time)."""
    return _workbook(("People", PEOPLE), ("Notes", [["anything"]]))


@pytest.mark.parametrize(
    "data",
    [
        bytes(range(256)) * 8,  # every byte value: not UTF-8, with null bytes
        "name,email,role\nAna,ana@x.example,hr\n".encode("utf-16-le"),  # no byte-order mark
    ],
    ids=["every byte", "utf-16 without a byte-order mark"],
)
def test_a_csv_that_is_really_binary_is_refused_as_not_text(data):
    file = read_roster(data, "roster.csv")
    assert [str(problem) for problem in file.problems] == [roster.NOT_TEXT]


def test_a_cp1252_csv_is_still_told_to_save_as_utf8_not_called_binary():
    file = read_roster("name,email,role\nJosé,jose@x.example,hr\n".encode("cp1252"), "r.csv")
    assert "not saved as UTF-8" in str(file.problems[0])


def _problems_of(file: roster.RosterFile) -> list[roster.RosterProblem]:
    """The problems of each row on its own (no database needed)."""
    found: list[roster.RosterProblem] = []
    for row in file.rows:
        roster._parse_row(row, file, found)
    return found


# Every character of Unicode category Cc (C0, DEL and C1), in each kind of column.
CONTROLS = [chr(code) for code in [*range(0x20), *range(0x7F, 0xA0)]]


@pytest.mark.parametrize("column", ["name", "email", "role", "team", "site"])
def test_every_control_character_in_any_cell_is_refused_with_its_row_and_column(column):
    cells = {
        "name": "Ana Lima",
        "email": "ana.lima@test.example",
        "role": "supervisor",
        "team": "Team A",
        "site": "Leeds",
    }
    for character in CONTROLS:
        changed = {**cells, column: cells[column][:3] + character + cells[column][3:]}
        buffer = io.StringIO()
        csv.writer(buffer).writerows([list(changed), list(changed.values())])  # quotes \r, \n
        file = read_roster(buffer.getvalue().encode(), "r.csv")
        assert file.problems == (), repr(character)
        found = _problems_of(file)
        assert [(p.row, p.column) for p in found] == [(2, column)], (repr(character), found)
        assert "at character 4; remove it." in found[0].message, (repr(character), found)
        assert character not in found[0].message


def test_a_tab_inside_a_quoted_cell_of_a_tab_separated_file_is_refused():
    file = read_roster(b'name\temail\trole\n"Ana\tLima"\tana@x.example\thr\n', "r.tsv")
    assert [str(p) for p in _problems_of(file)] == [
        'Row 2, column "name": this cell holds a tab at character 4; remove it. Such '
        "characters are invisible and not accepted in a roster; they often come from copying "
        "out of another program."
    ]


def test_a_refused_value_is_quoted_with_its_control_characters_made_visible():
    file = read_roster(b"name,email,role\nAna,ana@x.example,sup\x1b[2Jer\n", "r.csv")
    assert roster._shown("a\x1b[2Jb\x00") == '"a\u241b[2Jb\u2400"'
    assert [p.column for p in _problems_of(file)] == ["role"]


@pytest.mark.parametrize("character", ["\x00", "\x1b", "\x07", "\n", "\t", "\x85"])
def test_a_control_character_in_a_name_or_email_writes_nothing_on_either_database(
    engine, org, character
):
    with session_scope(engine) as session:
        before = _counts(session)
    file = _csv(
        f'"Ben{character}Cruz",ben.cruz@test.example,supervisor,Team A,,Leeds,,,,,,',
        f'Cara Diaz,"cara{character}@test.example",supervisor,Team A,,Leeds,,,,,,',
    )
    result = _import(engine, org, file)
    assert not result.written
    assert [(p.row, p.column) for p in result.problems] == [(2, "name"), (3, "email")]
    with session_scope(engine) as session:
        assert _counts(session) == before


def test_a_header_with_an_escape_character_is_quoted_visibly(engine, org):
    result = _import(engine, org, read_roster(b"name,em\x1bail,role\nAna,x,hr\n", "r.csv"))
    assert 'found: "name", "em\u241bail", "role"' in result.check.messages()[0]


def test_clean_rows_leaves_out_the_row_with_a_null_character_on_either_database(engine, org):
    result = _import(engine, org, _file("nul_in_name.csv"), mode="clean_rows")
    assert result.written and (result.created, result.rejected) == (1, 1)
    with session_scope(engine) as session:
        names = set(session.exec(select(Person.name)).all())
    assert "Ana Lima" in names and not any("\x00" in name for name in names)
    assert "Ben\x00Cruz" in result.rejected_rows["name"].tolist()  # handed back to be fixed


def test_a_line_break_typed_in_a_workbook_cell_is_refused_with_its_place():
    rows = [PEOPLE[0], ["Ana\nLima", "a@x.example", "hr"]]
    file = read_roster(_workbook(("People", rows)), "r.xlsx")
    assert [str(p).split(";")[0] for p in _problems_of(file)] == [
        'Row 2, column "name": this cell holds a line break at character 4'
    ]


def test_a_filename_with_control_characters_is_kept_printable():
    data = b"name,email,role\nAna Lima,ana.lima@test.example,hr\n"
    assert read_roster(data, "ros\x00ter\x1b.csv").filename == "ros\u2400ter\u241b.csv"


# --- a workbook's other sheets ---------------------------------------------------------------


def test_a_second_sheet_with_data_is_named_in_a_warning_and_the_first_is_read():
    data = _workbook(("People", PEOPLE), ("Leavers", [["Old Name", "old@test.example"]]))
    file = read_roster(data, "roster.xlsx")
    assert file.problems == ()
    assert file.rows[0].get(file, "name") == "Ana Lima"
    assert file.warnings == (
        "Only the first sheet, 'People', was read; sheet 'Leavers' was ignored.",
    )


def test_every_ignored_sheet_is_named_and_empty_ones_are_not():
    data = _workbook(
        ("People", PEOPLE), ("Blank", []), ("Leavers", [[None, "x"]]), ("Notes", [["n"]])
    )
    assert read_roster(data, "roster.xlsx").warnings == (
        "Only the first sheet, 'People', was read; sheets 'Leavers' and 'Notes' were ignored.",
    )
    assert read_roster(_workbook(("People", PEOPLE), ("Blank", [])), "r.xlsx").warnings == ()


# --- the row limit --------------------------------------------------------------------------


def test_more_than_the_row_limit_is_refused_with_how_to_import_more():
    header = b"name,email,role\n"
    rows = [b"P %d,p%d@x.example,hr\n" % (i, i) for i in range(roster.MAX_ROWS + 1)]
    too_many = read_roster(header + b"".join(rows), "big.csv")
    assert [str(problem) for problem in too_many.problems] == [roster.TOO_MANY_ROWS]
    assert "at most 10,000" in roster.TOO_MANY_ROWS and "Split it into files" in (
        roster.TOO_MANY_ROWS
    )
    at_limit = read_roster(header + b"".join(rows[:-1]), "ok.csv")
    assert at_limit.problems == () and len(at_limit.rows) == roster.MAX_ROWS


def test_a_time_zone_from_the_roster_is_kept_on_the_person(engine, org):
    file = read_roster(
        b"name,email,role,team,site,timezone\n"
        b"Ana Lima,ana.lima@test.example,supervisor,Team B,Manila,Asia/Manila\n",
        "roster.csv",
    )
    assert _import(engine, org, file).written
    with session_scope(engine) as session:
        ana = session.exec(select(Person).where(Person.email == "ana.lima@test.example")).one()
        assert ana.time_zone == "Asia/Manila"


# Issue 25: a person's language is one LeadCoach speaks (platform/languages.py), kept as a code.
def test_a_language_outside_the_supported_list_gets_a_row_and_column_message(engine, org):
    file = _csv(
        "Ana Lima,ana.lima@test.example,supervisor,Team A,,Leeds,,German,,,,",
        "Dev Shah,dev.shah@test.example,supervisor,Team A,,Leeds,,العربية,,,,",
        "Eve Ross,eve.ross@test.example,supervisor,Team A,,Leeds,,fr-CA,,,,",
    )
    result = _import(engine, org, file, mode="clean_rows")
    assert [str(p) for p in result.check.problems_for(2)] == [
        'Row 2, column "language": "German" is not a language LeadCoach speaks; use one of '
        "en (English), ar (العربية), es (Español), fr (Français)."
    ]
    assert result.check.clean_row_numbers == (3, 4)
    with session_scope(engine) as session:
        languages = {p.email: p.language for p in session.exec(select(Person))}
    assert languages["dev.shah@test.example"] == "ar"  # the language's own name reads too
    assert languages["eve.ross@test.example"] == "fr"  # and a browser tag
    assert "ana.lima@test.example" not in languages


def test_an_import_problem_reads_in_the_importers_language_with_its_row_and_column(engine, org):
    """Issue 25: HR importing in Spanish reads each problem in Spanish, still naming the
    spreadsheet row and the column (as the file spells it), and the summary in Spanish."""
    file = _csv(
        "Ana Lima,ana.lima@test.example,supervisor,Team A,,Leeds,,German,,,,",
        "Dev Shah,not-an-email,supervisor,Team A,,Leeds,,es,,,,",
    )
    with i18n.using("es"):
        result = _import(engine, org, file, mode="clean_rows")
        messages = result.check.messages()
        summary = result.summary()
    assert messages == [
        'Fila 2, columna "language": "German" no es un idioma que hable LeadCoach; use uno de '
        "en (English), ar (العربية), es (Español), fr (Français).",
        'Fila 3, columna "email": "not-an-email" no es una dirección de correo.',
    ]
    assert summary == "No se importó nada: ninguna fila está lista."
