"""AppTest: the first-run screen, sign-in, and every page for every role without an error."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from leadcoach.people import accounts
from leadcoach.platform.config import Settings
from tests.ui.conftest import APP, app_signed_in_as

SUPERVISOR_PAGES = [
    "pages/supervisor/home.py",
    "pages/supervisor/assessment.py",
    "pages/supervisor/results.py",
    "pages/supervisor/growth.py",
    "pages/supervisor/plan.py",
    "pages/supervisor/team_numbers.py",  # issue 23
    "pages/notifications.py",
]
HR_PAGES = [
    "pages/hr/organisation.py",
    "pages/hr/review.py",
    "pages/hr/cohorts.py",
    "pages/hr/roster.py",
    "pages/hr/quality.py",
    "pages/hr/erase.py",
    "pages/hr/kpi_import.py",  # issue 23
]
ROLE_PAGES = {
    "Ana Lima": SUPERVISOR_PAGES,  # three past assessments
    "Rhea Domingo": SUPERVISOR_PAGES,  # an assessment half answered
    "Sam Torres": SUPERVISOR_PAGES,  # brand new
    "Priya Shah": [
        "pages/coach/team.py",
        "pages/coach/compare.py",
        "pages/coach/person.py",
        "pages/coach/teams_numbers.py",  # issue 23
        "pages/notifications.py",
    ],
    "Helen Okafor": [*HR_PAGES, "pages/notifications.py"],
    "Alex Morgan": [
        *HR_PAGES,
        "pages/admin/accounts.py",
        "pages/admin/audit.py",
        "pages/admin/outbox.py",
        "pages/notifications.py",
    ],
}
# issue 22: 360 rounds for supervisors, coaches and HR; the rater page for everyone.
for _name, _pages in ROLE_PAGES.items():
    _rounds = [] if _name == "Alex Morgan" else ["pages/feedback.py"]
    ROLE_PAGES[_name] = [*_pages, *_rounds, "pages/rater.py"]


def _texts(at: AppTest) -> str:
    parts = [e.value for e in at.title] + [e.value for e in at.markdown]
    parts += (
        [e.value for e in at.info] + [e.value for e in at.error] + [e.value for e in at.caption]
    )
    return "\n".join(str(p) for p in parts)


# Every page of every role opening without an error is walked once, in
# tests/ui/test_people_facing.py (walk_pages), which reads what each page shows as well.


def test_empty_database_shows_the_first_run_screen_and_creates_an_admin(tmp_path, monkeypatch):
    monkeypatch.setenv("LEADCOACH_DATABASE_URL", f"sqlite:///{tmp_path / 'new.db'}")
    at = AppTest.from_file(APP, default_timeout=60).run()
    assert at.title[0].value == "Welcome to LeadCoach"
    assert any(b.label == "Load demo data" for b in at.button)
    at.text_input[0].input("Ada Admin")
    at.text_input[1].input("ada@example.com")
    at.text_input[2].input("tea kettle mountain river")
    at.text_input[3].input("tea kettle mountain river!")
    at.form_submit_button[0].click().run()
    assert "the two passwords differ" in _texts(at)
    at.text_input[3].input("tea kettle mountain river")
    at.form_submit_button[0].click().run()
    assert not at.exception
    assert "Signed in as **Ada Admin** (Admin)" in _texts(at)


def test_the_demo_button_loads_demo_data(tmp_path, monkeypatch):
    monkeypatch.setenv("LEADCOACH_DATABASE_URL", f"sqlite:///{tmp_path / 'new.db'}")
    at = AppTest.from_file(APP, default_timeout=120).run()
    next(b for b in at.button if b.label == "Load demo data").click().run()
    assert not at.exception
    assert at.title[0].value == "LeadCoach"
    assert "Demo loaded" in _texts(at)


def test_sign_in_form_signs_a_supervisor_in_and_refuses_a_wrong_password(demo_url, monkeypatch):
    monkeypatch.setenv("LEADCOACH_DATABASE_URL", demo_url)
    at = AppTest.from_file(APP, default_timeout=60).run()
    at.text_input[0].input("ana.lima@demo.leadcoach.example")
    at.text_input[1].input("not the password")
    at.form_submit_button[0].click().run()
    assert accounts.SIGN_IN_REFUSED in _texts(at)
    at.text_input[1].input(Settings().demo_password)
    at.form_submit_button[0].click().run()
    assert not at.exception
    assert at.title[0].value == "Hello, Ana Lima"


def test_an_idle_session_expires(demo_url, monkeypatch):
    at = app_signed_in_as(demo_url, "Ana Lima", monkeypatch)
    at.session_state["_auth_last_activity"] = 0.0  # long ago
    at.run()
    assert at.title[0].value == "LeadCoach"
    assert "inactivity" in _texts(at)


def test_a_broken_questionnaire_stops_the_app_with_a_readable_message(tmp_path, monkeypatch):
    (tmp_path / "bad.yaml").write_text("id: x\nversion: [unclosed\n")
    monkeypatch.setenv("LEADCOACH_ASSESSMENTS_DIR", str(tmp_path))
    monkeypatch.setenv("LEADCOACH_DATABASE_URL", f"sqlite:///{tmp_path / 'x.db'}")
    at = AppTest.from_file(APP, default_timeout=60).run()
    assert not at.exception
    message = at.error[0].value
    assert "questionnaire files have a problem" in message
    assert "bad.yaml" in message
    assert "Traceback" not in message


def test_a_supervisor_sees_only_their_own_pages(demo_url, monkeypatch):
    at = app_signed_in_as(demo_url, "Ana Lima", monkeypatch).run()
    # Pages outside the role's navigation are not registered at all for this session.
    with pytest.raises(ValueError, match="Could not find a navigation page"):
        at.switch_page("pages/admin/accounts.py").run()


def _bare_values(source: str) -> list[int]:
    """Lines of statements Streamlit's magic would draw: a bare value on its own line.
    Calls and docstrings (a body's first string) are not magic."""
    lines = []
    for node in ast.walk(ast.parse(source)):
        for field in ("body", "orelse", "finalbody"):
            block = getattr(node, field, None)
            for index, statement in enumerate(block if isinstance(block, list) else []):
                if not isinstance(statement, ast.Expr):
                    continue
                value = statement.value
                docstring = index == 0 and isinstance(value, ast.Constant)
                if not docstring and not isinstance(value, ast.Call | ast.Await):
                    lines.append(statement.lineno)
    return lines


def test_no_page_relies_on_streamlit_magic():
    """leadcoach/ui/streamlit.toml turns magic off, so a bare value would silently draw nothing."""
    assert _bare_values('"""Doc."""\nimport x\nx.f()\nif x:\n    pass\nelse:\n    x\n') == [7]
    root = Path(APP).parent
    found = {
        str(path.relative_to(root)): _bare_values(path.read_text())
        for path in [root / "app.py", *sorted((root / "pages").rglob("*.py"))]
    }
    assert len(found) > 10 and not any(found.values()), found
