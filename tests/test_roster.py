"""Roster import: every malformed file gets its own message and writes nothing; clean
files import idempotently; only HR and admins may import."""

from __future__ import annotations

import csv
import io
import json
from datetime import date, datetime
from pathlib import Path

import pytest
from openpyxl import Workbook
from sqlmodel import Session, func, select

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
    assert "cannot be opened as an Excel workbook" in str(broken.problems[0])
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
    assert result.rejected_csv == b""
    assert result.outcome_by_row == {2: "created", 3: "created", 4: "created", 5: "created"}
    with session_scope(engine) as session:
        people = {p.email: p for p in session.exec(select(Person))}
        ana = people["ana.lima@test.example"]
        assert (ana.name, ana.role, ana.team_id) == ("Ana Lima", "supervisor", org.team_a)
        assert (ana.site, ana.vendor, ana.language) == ("Leeds", None, "Portuguese")
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
    changed = (CORPUS / "clean.csv").read_text().replace("Portuguese", "Spanish")
    # Empty optional cells never erase: Cara's row leaves her language as it is.
    result = _import(engine, org, read_roster(changed.encode(), "clean.csv"))
    assert (result.created, result.updated, result.unchanged) == (0, 1, 3)
    assert result.outcome_by_row[2] == "updated"
    with session_scope(engine) as session:
        ana = session.exec(select(Person).where(Person.email == "ana.lima@test.example")).one()
        assert ana.language == "Spanish"


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
    text = result.rejected_csv.decode("utf-8-sig")
    assert result.rejected_csv.startswith(b"\xef\xbb\xbf")  # Excel reads UTF-8 with a BOM
    rows = list(csv.reader(io.StringIO(text)))
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
    for personal in ("ana", "lima", "@", "Leeds", "Portuguese", "2025"):
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
CSV_ONLY = {"wrong_encoding.csv", "unquoted_comma.csv", "empty.csv"}


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
