"""Every table and text a person reads on every page of every role: no code names, no
`None`, `NaN` or `<NA>` (issue 19, point 5)."""

from __future__ import annotations

import ast
import re
from datetime import date
from pathlib import Path

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from leadcoach.assessment import responses
from leadcoach.demo import email_for
from leadcoach.people import audit
from leadcoach.platform.config import Settings
from leadcoach.reporting import vocabulary
from tests.ui.conftest import (
    APP,
    PAGE_TABS,
    app_signed_in_as,
    table_cells,
    table_with,
    walk_pages,
)
from tests.ui.test_smoke import ROLE_PAGES
from tests.ui.test_supervisor import (  # noqa: F401 (own_demo is a fixture)
    answer_the_rest,
    current_instrument,
    db_session,
    draft_of,
    open_page,
    own_demo,
    viewer_of,
)

# What a program prints for an empty value; "None" as an English word starts a sentence.
EMPTY_MARKS = re.compile(r"(?<![\w.])(NaN|nan|NaT|<NA>|None)(?![\w.])")
SNAKE = re.compile(r"\b[a-z]+_[a-z0-9_]+\b")
# Every audit event code the core records (grep `audit.record(`/`record(` in leadcoach/).
EVENT_CODES = {
    "sign_in", "sign_in_failed", "sign_in_locked", "account_locked", "account_unlocked",
    "person_created", "first_admin_created", "password_reset", "role_changed", "export",
    "note_shared", "note_unshared", "roster_import", "cohort_created",
    "cohort_members_added", "cohort_member_removed", "cohort_round_added", "person_erased",
    "email_sent", "email_failed", "email_resent", "email_unsubscribed", "email_choice_changed",
    "email_kind_switched", "email_address_retried",
    "kpi_import", "kpi_period_replaced", "kpi_measure_added",  # issue 23
    "feedback_round_started", "feedback_rounds_started", "feedback_round_approved",
    "feedback_round_closed", "rater_code_reissued",  # issue 22
}  # fmt: skip


def _tables(at: AppTest) -> list[tuple[list[str], list[list[str]]]]:
    """(headers, rows of cell texts) of every HTML table and data grid on the page."""
    found = []
    for element in at.html:
        if "<table" in element.value:
            header, *rows = table_cells(element.value)
            found.append((header, rows))
    for element in at.dataframe:
        frame = element.value
        if isinstance(frame, pd.DataFrame):
            cells = frame.astype(object).where(frame.notna(), None)
            rows = [[str(value) for value in row] for row in cells.itertuples(index=False)]
            found.append(([str(column) for column in frame.columns], rows))
    return found


def _texts(at: AppTest) -> list[str]:
    parts = [e.value for e in at.title] + [e.value for e in at.subheader]
    parts += [e.value for e in at.markdown] + [e.value for e in at.caption]
    parts += [e.value for e in at.info] + [e.value for e in at.warning]
    parts += [e.value for e in at.success] + [e.value for e in at.error]
    parts += [f"{e.label} {e.value}" for e in at.metric]
    return [str(part) for part in parts]


def problems(at: AppTest) -> list[str]:
    """What a person should not read on the page: code names and empty-value marks."""
    found = []
    for header, rows in _tables(at):
        for label in header:
            if SNAKE.search(label) or (label and label[0].islower()):
                found.append(f"header {label!r} in {header}")
        for row in rows:
            for cell in row:
                if EMPTY_MARKS.search(cell) or cell in EVENT_CODES:
                    found.append(f"cell {cell!r} under {header}")
    for text in _texts(at):
        if text.startswith("<"):
            continue  # the style block and tables, checked above
        if EMPTY_MARKS.search(text) or set(SNAKE.findall(text)) & EVENT_CODES:
            found.append(f"text {text[:120]!r}")
    return found


@pytest.mark.parametrize(("name", "pages"), ROLE_PAGES.items())
def test_no_page_shows_code_names_or_empty_marks(demo_url, monkeypatch, name, pages):
    """Also the suite's every-page-opens walk: each page and tab of each role draws a title
    without an error (walk_pages)."""
    at = app_signed_in_as(demo_url, name, monkeypatch).run()
    assert not at.exception, at.exception
    seen = {where: problems(shown) for where, shown in walk_pages(at, pages, PAGE_TABS)}
    bad = {page: sorted(set(found)) for page, found in seen.items() if found}
    assert not bad, bad


def test_the_audit_log_names_its_events(demo_url, monkeypatch):
    monkeypatch.setenv("LEADCOACH_DATABASE_URL", demo_url)
    at = AppTest.from_file(APP, default_timeout=60).run()
    at.text_input[0].input(email_for("Alex Morgan"))
    at.text_input[1].input(Settings().demo_password)
    at.form_submit_button[0].click().run()  # records a sign-in
    at.switch_page("pages/admin/audit.py").run()
    at.date_input(key="audit_dates").set_value((date(2020, 1, 1), date.today())).run()
    (frame,) = [e.value for e in at.dataframe]
    assert "Signed in" in set(frame["Event"]), set(frame["Event"])
    assert not set(frame["Event"]) & EVENT_CODES
    assert problems(at) == []


def _recorded_codes(source: str) -> set[str]:
    """The event codes of every `record(...)`/`audit.record(...)` call in a module."""
    codes = set()
    for node in ast.walk(ast.parse(source)):
        if not isinstance(node, ast.Call):
            continue
        if getattr(node.func, "attr", getattr(node.func, "id", None)) != "record":
            continue
        for argument in node.args[1:4]:
            for leaf in ast.walk(argument):
                text = leaf.value if isinstance(leaf, ast.Constant) else None
                if isinstance(text, str) and (SNAKE.fullmatch(text) or text == "export"):
                    codes.add(text)
    return codes


def test_every_recorded_event_has_a_name():
    """A new event code added to the core without a people-facing name fails here."""
    root = Path(audit.__file__).parents[1]
    codes = set().union(*(_recorded_codes(path.read_text()) for path in root.rglob("*.py")))
    assert codes >= {"sign_in", "note_unshared", "person_erased", "export"}, codes
    assert codes <= set(EVENT_CODES), codes - EVENT_CODES
    assert set(vocabulary.EVENTS) >= EVENT_CODES, EVENT_CODES - set(vocabulary.EVENTS)
    assert all(not SNAKE.search(name) for name in vocabulary.EVENTS.values())


def test_a_first_assessment_shows_its_scores_without_empty_comparison_columns(
    own_demo,  # noqa: F811 (the fixture imported above)
    monkeypatch,
):
    """Nothing to compare with on a first assessment: no Previous or Change column of dashes."""
    with db_session(own_demo) as session:
        viewer = viewer_of(session, own_demo, "Sam Torres")
        responses.open_draft(session=session, viewer=viewer, instrument=current_instrument())
    answer_the_rest(own_demo, "Sam Torres")
    with db_session(own_demo) as session:
        viewer = viewer_of(session, own_demo, "Sam Torres")
        draft_id = draft_of(own_demo, "Sam Torres").draft_id
        responses.submit_assessment(session=session, viewer=viewer, draft_id=draft_id)
    at = open_page(own_demo, "Sam Torres", "pages/supervisor/results.py", monkeypatch)
    assert not at.exception, at.exception
    profile = table_with(at, "Score")
    # The demo's 15 people give no reliability yet: no column of dashes for likely ranges
    # either, said once below the table.
    # The demo has enough people for each skill's reliability: the likely range is shown.
    assert list(profile.columns) == ["Skill", "Score", "Likely range (90%)"], list(profile.columns)
    assert profile["Score"].notna().all()
    assert problems(at) == []
