"""Issue 25: the coach's, HR's and admin's pages (and the notifications page) in Arabic.

Each page of each of these roles, and each tab bound to the address, is drawn under AppTest
in Arabic, and two checks are made on everything it shows a person (labels, bodies, options,
help texts, the headers and cells of data grids, chart titles and axis titles):

- no text is one of the catalog's English texts (a msgid whose Arabic translation differs),
  whole or with its {fields} filled in: a heading, label or message left in English;
- no Latin word is left once the names the data holds (people, teams, sites, cohorts,
  rounds, measures), the questionnaire's own texts (translated by its own files), email
  addresses, file column names in `code` and the cited authors and statistical symbols that
  every language writes in Latin letters are taken out.

The supervisor's pages are checked the same way by tests/ui/test_languages.py."""

from __future__ import annotations

import html
import json
import re
from functools import cache

import pandas as pd
import pytest
from babel.messages.pofile import read_po
from sqlmodel import select

from leadcoach.instrument import bank
from leadcoach.platform import i18n
from leadcoach.platform.config import Settings
from leadcoach.platform.db import make_engine, session_scope
from leadcoach.platform.languages import SUPPORTED
from leadcoach.platform.models import Cohort, CohortRound, KpiDefinition, RaterForm
from tests.ui.conftest import app_signed_in_as, open_tab, table_cells
from tests.ui.test_languages import LATIN_WORD, _leftover, allowed_texts, shown_texts

COACH, HR, ADMIN = "Priya Shah", "Helen Okafor", "Alex Morgan"
# (who, page, tab opened through the address or None)
PAGES = [
    (COACH, "pages/coach/team.py", None),
    (COACH, "pages/coach/team.py", "Against the organisation"),
    (COACH, "pages/coach/team.py", "Who to remind"),
    (COACH, "pages/coach/team.py", "Team growth"),
    (COACH, "pages/coach/compare.py", None),
    (COACH, "pages/coach/person.py", None),
    (COACH, "pages/coach/teams_numbers.py", None),
    (COACH, "pages/feedback.py", None),
    (COACH, "pages/notifications.py", None),
    (HR, "pages/hr/organisation.py", None),
    (HR, "pages/hr/review.py", None),
    (HR, "pages/hr/review.py", "Scores at each round"),
    (HR, "pages/hr/review.py", "Breakdowns"),
    (HR, "pages/hr/review.py", "Another cohort"),
    (HR, "pages/hr/review.py", "Who to chase"),
    (HR, "pages/hr/review.py", "Feedback from others"),
    (HR, "pages/hr/cohorts.py", None),
    (HR, "pages/hr/roster.py", None),
    (HR, "pages/hr/quality.py", None),
    (HR, "pages/hr/erase.py", None),
    (HR, "pages/hr/kpi_import.py", None),
    (HR, "pages/feedback.py", None),
    (HR, "pages/notifications.py", None),
    (ADMIN, "pages/admin/accounts.py", None),
    (ADMIN, "pages/admin/audit.py", None),
    (ADMIN, "pages/admin/outbox.py", None),
    (ADMIN, "pages/notifications.py", None),
]
# Written in Latin letters in every language: cited authors and works, statistical symbols,
# the product's commands and settings (as typed), and units.
KEPT_LATIN = sorted(
    [
        "Cronbach", "McDonald", "Guttman", "Horn", "Spearman-Brown", "Schmid-Leiman", "psych",
        "Mantel", "Dorans", "Schmitt", "Jacobson-Truax", "Jacobson", "Truax", "Algina",
        "Keselman", "Holm", "Wheeler", "Understanding Variation", "Zwick", "Thayer", "Mazzeo",
        "ETS", "XmR", "SMD/SD", "SMD", "SD", "DIF", "James", "Demaree", "Wolf", "r_wg(J)",
        "d_z", "dz", "LEADCOACH_SMTP_HOST", "README", "YYYY-MM-DD", "YYYY-MM", "CSV", "XLSX",
        "SVG", "PNG", "PDF", "ZIP", "UTC", "GMT", "R ",
        # R functions and rotations named as R users know them (the quality page's method).
        "omega", "oblimin",
    ],
    key=len,
    reverse=True,
)  # fmt: skip
READ_KEYS = {"title", "text", "description"}  # chart fields a person reads


def _catalog_patterns(code: str) -> list[tuple[str, re.Pattern]]:
    """Each English text of the catalog that has its own translation, as a pattern that also
    matches it with its {fields} filled in (a field matches anything)."""
    with i18n.po_path(code).open("rb") as handle:
        catalog = read_po(handle, locale=code)
    found = []
    for message in catalog:
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        for text in ids:
            if not text or text in strings or not LATIN_WORD.search(text):
                continue
            parts = re.split(r"\{[^{}]*\}", text)
            if len(LATIN_WORD.findall(" ".join(parts))) < 2:
                continue  # mostly fields ("{low} to {high}"): it would match any text
            pattern = ".+?".join(re.escape(part) for part in parts)
            found.append((text, re.compile(pattern, re.DOTALL)))
    return found


@cache
def _patterns(code: str) -> tuple[tuple[str, re.Pattern], ...]:
    return tuple(_catalog_patterns(code))


def _chart_texts(at) -> list[str]:
    out: list[str] = []

    def walk(node) -> None:
        if isinstance(node, dict):
            for key, value in node.items():
                if key in READ_KEYS and isinstance(value, str):
                    out.append(value)
                elif key in READ_KEYS and isinstance(value, list):
                    out.extend(v for v in value if isinstance(v, str))
                else:
                    walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    for chart in at.get("vega_lite_chart"):
        walk(json.loads(chart.proto.spec))
    return out


def _readable(texts: list[str]) -> list[str]:
    """The texts with each HTML table (leadcoach.ui.tables) taken apart into its name and
    cells, so that each is checked on its own."""
    out = []
    for text in texts:
        if text.startswith("<table"):
            out += re.findall(r'aria-label="([^"]*)"', text)
            out += [html.unescape(cell) for row in table_cells(text) for cell in row]
        else:
            out.append(text)
    return out


def _grid_texts(at) -> list[str]:
    out: list[str] = []
    for grid in at.dataframe:
        frame: pd.DataFrame = grid.value
        out += [str(column) for column in frame.columns]
        for column in frame.columns:
            if frame[column].dtype == object:
                out += [str(v) for v in frame[column].dropna().unique()[:200]]
    return out


@pytest.fixture(scope="module")
def allowed(demo_url) -> list[str]:
    """The data's and the questionnaire's own texts (tests/ui/test_languages.py), the
    statements' ids, and what the demo's people wrote or named: cohorts, rounds, 360
    comments, and the KPI measures HR keeps (name, key and description)."""
    texts = allowed_texts(demo_url)
    settings = Settings(database_url=demo_url)
    instrument = bank.load_bank(settings.assessments_dir).current(settings.instrument_id)
    texts += [item.id for skill in instrument.skills for item in skill.items]
    with session_scope(make_engine(settings)) as session:
        texts += list(session.exec(select(Cohort.name)))
        texts += list(session.exec(select(CohortRound.name)))
        for kept, changed in session.exec(select(RaterForm.keep_doing, RaterForm.do_differently)):
            texts += [line for line in (kept + "\n" + changed).splitlines() if line.strip()]
        for measure in session.exec(select(KpiDefinition)):
            texts += [measure.name, measure.key, measure.description]
    texts += KEPT_LATIN
    return sorted(set(texts), key=len, reverse=True)


def _page(demo_url, who: str, page: str, tab: str | None, code: str, monkeypatch):
    at = app_signed_in_as(demo_url, who, monkeypatch)
    at.session_state["_language_choice"] = code
    at.run()
    at.switch_page(page).run()
    if tab is not None:
        with i18n.using(code):  # the tab's label as the reader sees it (and the address says)
            open_tab(at, "view", i18n.gettext(tab))
    assert not at.exception, at.exception
    return at


def _without_code(text: str) -> str:
    """The text without `code` spans: column names and commands as they are typed."""
    return re.sub(r"`[^`]*`", "", text)


@pytest.mark.parametrize(
    ("who", "page", "tab"), PAGES, ids=[f"{p.split('/')[-1]}-{t or 'first'}" for _, p, t in PAGES]
)
def test_arabic_pages_of_coaches_hr_and_admins_leave_nothing_in_english(
    demo_url, allowed, who, page, tab, monkeypatch
):
    at = _page(demo_url, who, page, tab, "ar", monkeypatch)
    texts = _readable(shown_texts(at)) + _grid_texts(at)
    charts = _chart_texts(at)
    assert any(re.search("[\u0600-\u06ff]", t) for t in texts), "nothing in Arabic"
    # 1. No English text of the catalog, whole or filled in (the language chooser names each
    # language in its own words: "English" there is right in every language).
    names = set(allowed)  # the data's own names ("Baseline" is a round's name too)
    english = {
        text
        for text in texts + charts
        if text not in SUPPORTED.values() and text.strip() not in names
        for msgid, pattern in _patterns("ar")
        if pattern.fullmatch(text.strip())
    }
    assert not english, f"{page} {tab}: English texts of the catalog: {sorted(english)[:8]}"
    # 2. No Latin word outside names, questionnaire texts, code and cited names.
    left = [t for t in texts + charts if LATIN_WORD.search(_leftover(_without_code(t), allowed))]
    assert not left, f"{page} {tab}: English left in Arabic: {left[:8]}"


def test_the_check_catches_an_english_heading(demo_url, allowed, monkeypatch):
    """The checks above can fail: the coach's team page drawn in Arabic with one heading
    taken out of the Arabic catalog shows it in English, and both checks name it."""
    translations = i18n.translations("ar")
    original = translations._catalog.get("Where coaching is needed most")
    assert original, "the heading has an Arabic translation"
    del translations._catalog["Where coaching is needed most"]
    try:
        at = _page(demo_url, COACH, "pages/coach/team.py", None, "ar", monkeypatch)
        texts = shown_texts(at)
        assert "Where coaching is needed most" in texts
        assert any(p.fullmatch("Where coaching is needed most") for _, p in _patterns("ar"))
        left = [t for t in texts if LATIN_WORD.search(_leftover(t, allowed))]
        assert left == ["Where coaching is needed most"]
    finally:
        translations._catalog["Where coaching is needed most"] = original
