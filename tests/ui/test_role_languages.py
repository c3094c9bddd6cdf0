"""Issue 25: every page of every role in Arabic, Spanish and French.

Each page of each role (and the notifications and 360 pages), and each tab bound to the
address, is drawn under AppTest in each language in turn (one signed-in session per page,
the language switched by a rerun, as the chooser does), and these checks are made on
everything it shows a person (labels, bodies, options, help texts, the headers and cells of
data grids and tables, chart titles and axis titles):

- no text is one of the catalog's English texts (a msgid whose translation differs), whole
  or with its {fields} filled in: a heading, label or message left in English;
- Arabic: no Latin word is left once the names the data holds (people, teams, sites,
  cohorts, rounds, HR's own measures, what people wrote), the questionnaire's own texts
  (translated by its own files), email addresses, file column names in `code` and the cited
  authors and statistical symbols every language writes in Latin letters (KEPT_LATIN) are
  taken out;
- Spanish and French, written in Latin letters too: with the same texts taken out, no word
  is left that the catalog's English texts use and none of the language's translations
  does ("the", "your", "handle"): an English text that never went through the catalog;
- every chart with a time axis carries the language's month names (Vega's time locale).

tests/ui/test_languages.py checks the catalogs themselves and the sign-in page."""

from __future__ import annotations

import html
import json
import re
from functools import cache

import pandas as pd
import pytest
from babel import Locale
from babel.messages.pofile import read_po
from sqlmodel import select

from leadcoach.instrument import bank
from leadcoach.platform import i18n
from leadcoach.platform.config import Settings
from leadcoach.platform.db import make_engine, session_scope
from leadcoach.platform.languages import SUPPORTED
from leadcoach.platform.models import (
    CoachingNote,
    Cohort,
    CohortRound,
    DevelopmentGoal,
    GoalAction,
    GoalCheckIn,
    KpiDefinition,
    PlanComment,
    RaterForm,
    WorkPlan,
    WorkPlanComment,
    WorkPlanTarget,
)
from tests.ui.conftest import app_signed_in_as, table_cells
from tests.ui.test_chart_specs import months_are_the_languages
from tests.ui.test_languages import LATIN_WORD, _leftover, allowed_texts, shown_texts

SUPERVISOR, COACH, HR, ADMIN = "Maria Santos", "Priya Shah", "Helen Okafor", "Alex Morgan"
LANGUAGES = ("ar", "es", "fr")
# (who, page, tab opened through the address or None)
PAGES = [
    (SUPERVISOR, "pages/supervisor/home.py", None),
    (SUPERVISOR, "pages/supervisor/assessment.py", None),
    (SUPERVISOR, "pages/supervisor/results.py", None),
    (SUPERVISOR, "pages/supervisor/growth.py", None),
    (SUPERVISOR, "pages/supervisor/plan.py", None),
    (SUPERVISOR, "pages/supervisor/team_numbers.py", None),
    (SUPERVISOR, "pages/supervisor/feedback_report.py", None),
    (SUPERVISOR, "pages/feedback.py", None),
    (SUPERVISOR, "pages/notifications.py", None),
    (SUPERVISOR, "pages/rater.py", None),
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
        "K7QM-4HX9TB",  # the rater page's example of a one-time code
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
        # KPI measures: keys as files name them; names and descriptions only of the measures
        # HR added (the built-in ones are texts of the catalog, shown translated).
        for measure in session.exec(select(KpiDefinition)):
            texts.append(measure.key)
            if not measure.built_in:
                texts += [measure.name, measure.description]
        # What people wrote: goals, plans, notes and comments.
        for column in (DevelopmentGoal.specific, DevelopmentGoal.measure, GoalAction.text,
                       GoalCheckIn.note, PlanComment.text, CoachingNote.text,
                       WorkPlan.expectations, WorkPlan.actions, WorkPlanTarget.note,
                       WorkPlanComment.text):  # fmt: skip
            for text in session.exec(select(column)):
                texts += [line for line in (text or "").splitlines() if line.strip()]
    texts += KEPT_LATIN
    return sorted(set(texts), key=len, reverse=True)


def _page(demo_url, who: str, page: str, tab: str | None, code: str, monkeypatch):
    at = app_signed_in_as(demo_url, who, monkeypatch)
    return _in(at, page, tab, code)


def _in(at, page: str, tab: str | None, code: str):
    """The page in the language: the first call opens it, later ones switch the language
    with a rerun (what the chooser does), the tab's address following the language."""
    at.session_state["_language_choice"] = code
    if "_lc_page" not in at.session_state:  # the first language: sign in, open the page
        at.run()
        at.switch_page(page).run()
        at.session_state["_lc_page"] = page
        if tab is None:
            assert not at.exception, at.exception
            return at
    if tab is not None:
        with i18n.using(code):  # the tab's label as the reader sees it (and the address says)
            at.query_params["view"] = i18n.gettext(tab)
    # Without the previous language's widget values: AppTest sends a select box's value
    # back as the label it showed ("Site") and fails on a list.index of the new labels
    # before the script runs (its own harness, streamlit/testing/v1/element_tree.py).
    at._run(timeout=at.default_timeout)
    assert not at.exception, at.exception
    return at


def _without_code(text: str) -> str:
    """The text without `code` spans: column names and commands as they are typed."""
    return re.sub(r"`[^`]*`", "", text)


WORD = re.compile(r"[^\W\d_]+(?:['’][^\W\d_]+)?")


def _words(text: str) -> set[str]:
    return {word.casefold() for word in WORD.findall(re.sub(r"\{[^{}]*\}", " ", text))}


@cache
def _english_only(code: str) -> frozenset[str]:
    """Words the catalog's English texts use and none of the language's translations does
    (nor a name every language keeps): in a page in that language, a sign of English."""
    with i18n.po_path(code).open("rb") as handle:
        catalog = read_po(handle, locale=code)
    english: set[str] = set()
    translated: set[str] = set()
    for message in catalog:
        if not message.id:
            continue
        for text in message.id if isinstance(message.id, tuple) else (message.id,):
            english |= _words(_without_code(text))
        for text in message.string if isinstance(message.string, tuple) else (message.string,):
            translated |= _words(text)
    kept = set().union(*(_words(name) for name in KEPT_LATIN + sorted(SUPPORTED.values())))
    # The language's own month, day and quarter names (Babel writes dates with them): "may",
    # "jun" and "ago" are Spanish months as well as English words.
    names = Locale.parse(code)
    for table in (names.months, names.days, names.quarters):
        for context in table.values():
            for width in context.values():
                kept |= set().union(*(_words(str(name)) for name in width.values()))
    # Time zones as CLDR names them in the language, its place names in them ("Broken Hill").
    kept |= set().union(*(_words(name) for name in i18n._zone_names(code).values()))
    return frozenset(english - translated - kept)


def english_left(at, code: str, allowed: list[str]) -> list[str]:
    """What the page shows in English although it is drawn in `code` (see the docstring)."""
    texts = _readable(shown_texts(at)) + _grid_texts(at)
    charts = _chart_texts(at)
    names = set(allowed)  # the data's own names ("Baseline" is a round's name too)
    left = [
        text
        for text in texts + charts
        if text not in SUPPORTED.values() and text.strip() not in names
        and any(pattern.fullmatch(text.strip()) for _, pattern in _patterns(code))
    ]  # fmt: skip
    for text in texts + charts:
        rest = _leftover(_without_code(text), allowed)
        if code == "ar" and LATIN_WORD.search(rest):
            left.append(text)
        elif code != "ar" and text not in left and (words := _words(rest) & _english_only(code)):
            left.append(f"{text[:160]} ({', '.join(sorted(words))})")
    specs = [json.loads(chart.proto.spec) for chart in at.get("vega_lite_chart")]
    left += [f"a chart's months: {s.get('description', '')[:60]}" for s in specs
             if not months_are_the_languages(s, code)]  # fmt: skip
    return list(dict.fromkeys(left))


@pytest.mark.parametrize(
    ("who", "page", "tab"), PAGES, ids=[f"{p.split('/')[-1]}-{t or 'first'}" for _, p, t in PAGES]
)
def test_every_page_in_arabic_spanish_and_french_leaves_nothing_in_english(
    demo_url, allowed, who, page, tab, monkeypatch
):
    at = app_signed_in_as(demo_url, who, monkeypatch)
    for code in LANGUAGES:
        _in(at, page, tab, code)
        if code == "ar":
            shown = _readable(shown_texts(at))
            assert any(re.search("[\u0600-\u06ff]", t) for t in shown), "nothing in Arabic"
        left = english_left(at, code, allowed)
        assert not left, f"{page} {tab} in {code}: English left: {left[:8]}"


@pytest.mark.parametrize("code", ["ar", "es"])
def test_the_check_catches_an_english_heading(demo_url, allowed, code, monkeypatch):
    """The checks above can fail: the coach's team page drawn with one heading taken out of
    the language's catalog shows it in English, and the checks name it (in Spanish by its
    English-only words too: "Where", "coaching", "needed", "most")."""
    heading = "Where coaching is needed most"
    translations = i18n.translations(code)
    original = translations._catalog.get(heading)
    assert original, "the heading has a translation"
    del translations._catalog[heading]
    try:
        at = _page(demo_url, COACH, "pages/coach/team.py", None, code, monkeypatch)
        assert heading in shown_texts(at)
        assert english_left(at, code, allowed) == [heading]
        assert _words(heading) & _english_only(code)
    finally:
        translations._catalog[heading] = original
