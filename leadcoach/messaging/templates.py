"""The texts of emails, read from templates.yaml and filled with Jinja2 (plain text).

Each email is written in its recipient's language (issue 25): the English templates of
templates.yaml are the catalog's msgids (leadcoach.devtools.catalog reads them for
`make messages`), each language's translation is a Jinja2 template of its own, compiled
once per language, and dates and numbers in the values are written as that language writes
them (Babel, through leadcoach.platform.i18n). Render inside `i18n.using(language)`."""

from __future__ import annotations

import functools
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import jinja2
import yaml

from leadcoach.assessment.rater_forms import GROUP_LABELS
from leadcoach.messaging.kinds import Kind
from leadcoach.platform import i18n

TEMPLATES_FILE = Path(__file__).with_name("templates.yaml")
PARTS = ("subject", "why", "body")
# Values that are days (ISO dates, "2026-11-04", as the finders store them) and counts: in
# the email they read as the recipient's language writes them. A value that is not an ISO
# date (an email queued by an older version, with the date already in words) is left as is.
DATE_VALUES = frozenset({"last_date", "due_date", "opens_on", "closes_on"})
COUNT_VALUES = frozenset(
    {"days", "minutes", "answered", "idle_days", "members", "missing", "check_in_days"}
)
# Names people gave (persons, teams, cohorts, rounds, skills): each in Unicode isolates in a
# right-to-left email (and wherever it holds right-to-left letters), so that a Latin name
# keeps its direction inside Arabic text and a line that starts with one still reads right
# to left (i18n.isolate; UAX #9 skips isolated text when it finds a line's direction).
NAME_VALUES = frozenset(
    {"name", "author", "supervisor", "rater_name", "cohort", "round", "teams", "skill", "group"}
)
NAME_LISTS = frozenset({"overdue", "submitted", "no_check_in"})


class TemplateError(Exception):
    """templates.yaml is missing a kind or a part, or a template cannot be filled."""


@dataclass(frozen=True)
class Rendered:
    subject: str
    body: str
    language: str = i18n.SOURCE  # the language it is written in (a Content-Language header)


@dataclass(frozen=True)
class _Kind:
    subject: jinja2.Template
    why: jinja2.Template
    body: jinja2.Template


def _count(value: Any) -> Any:
    return i18n.number(value) if isinstance(value, int) and not isinstance(value, bool) else value


def _percent(value: Any) -> str:
    """A whole percentage (75) as the language writes it ("75%", "75 %")."""
    return i18n.percent(float(value) / 100)


def localised(values: dict[str, Any]) -> dict[str, Any]:
    """The values with dates and counts as the current language writes them."""
    shown = dict(values)
    for key in DATE_VALUES & shown.keys():
        try:
            day = date.fromisoformat(str(shown[key]))
        except ValueError:
            continue
        shown[key] = i18n.day(day, month="MMMM")
    for key in COUNT_VALUES & shown.keys():
        shown[key] = _count(shown[key])
    if isinstance(shown.get("submitted"), int):  # the round summary's count of people
        shown["submitted"] = _count(shown["submitted"])
    if "percent" in shown:
        shown["percent"] = _percent(shown["percent"])
    if "plan_starts_on" in shown:  # a work plan's month or quarter (issue 23)
        starts = date.fromisoformat(shown["plan_starts_on"])
        shown["plan"] = (
            i18n.strftime(starts, "%B %Y")
            if shown.get("plan_cadence") == "month"
            else i18n.quarter(starts)
        )
    if shown.get("rater_group") in GROUP_LABELS:  # a 360 rater's group (issue 22)
        shown["group"] = i18n.gettext(GROUP_LABELS[shown["rater_group"]]).lower()
    if isinstance(shown.get("skill"), str):  # a goal's skill, named in the reader's language
        shown["skill"] = i18n.questionnaire_text(shown["skill"])
    for key in NAME_VALUES & shown.keys():
        if isinstance(shown[key], str):
            shown[key] = i18n.isolate(shown[key])
    for key in NAME_LISTS & shown.keys():
        if isinstance(shown[key], list):
            shown[key] = [i18n.isolate(name) for name in shown[key]]
    return shown


class Templates:
    """Every kind's subject, reason and body, compiled once per language."""

    def __init__(self, source: dict[str, Any]):
        # StrictUndefined: a value missing from a message fails loudly instead of leaving a gap;
        # no autoescape: the emails are plain text.
        self._env = jinja2.Environment(
            undefined=jinja2.StrictUndefined, autoescape=False, keep_trailing_newline=True
        )
        # Counts computed in a template ("{{ overdue | length }}") in the language's digits.
        self._env.filters["number"] = _count
        kinds = source.get("kinds") or {}
        missing = [
            f"{kind.value}.{part}"
            for kind in Kind
            for part in PARTS
            if not isinstance((kinds.get(kind.value) or {}).get(part), str)
        ]
        if missing or not isinstance(source.get("footer"), str):
            raise TemplateError(
                f"{TEMPLATES_FILE.name}: missing " + ", ".join(missing or ["footer"])
            )
        # The English texts, as the catalog holds them (msgids).
        self._footer = source["footer"]
        # A kind may bring its own footer (rater emails, issue 22: raters have no settings).
        self._footers = {
            kind: kinds[kind.value]["footer"]
            for kind in Kind
            if isinstance(kinds[kind.value].get("footer"), str)
        }
        self._texts = {
            kind: tuple(kinds[kind.value][part].strip() for part in PARTS) for kind in Kind
        }
        self._compiled: dict[str, tuple[dict[Kind, _Kind], jinja2.Template, dict]] = {}
        self._compile(i18n.SOURCE)  # the English ones are checked at once

    def _compile(self, language: str) -> tuple[dict[Kind, _Kind], jinja2.Template, dict]:
        """The templates in `language` (English where a text has no translation)."""
        if language not in self._compiled:
            with i18n.using(language):
                translated = functools.partial(self._translated, language)
                self._compiled[language] = (
                    {kind: _Kind(*map(translated, texts)) for kind, texts in self._texts.items()},
                    translated(self._footer),
                    {kind: translated(text) for kind, text in self._footers.items()},
                )
        return self._compiled[language]

    def _translated(self, language: str, text: str) -> jinja2.Template:
        try:
            return self._env.from_string(i18n.gettext(text))
        except jinja2.TemplateSyntaxError:  # a broken translation: the English text instead
            if language == i18n.SOURCE:
                raise
            return self._env.from_string(text)

    def subject(self, kind: Kind, values: dict[str, Any]) -> str:
        """The subject line, on one line, in the current language."""
        kinds, _footer, _footers = self._compile(i18n.current())
        return " ".join(kinds[kind].subject.render(localised(values)).split())[:300]

    def render(self, kind: Kind, values: dict[str, Any]) -> Rendered:
        """Subject and body with the footer (values must include link and stop_link), in the
        current language (`i18n.using(recipient's language)`)."""
        language = i18n.current()
        kinds, footer, footers = self._compile(language)
        shown = localised(values)
        parts = kinds[kind]
        why = " ".join(parts.why.render(shown).split())
        body = (
            parts.body.render(shown).rstrip()
            + "\n"
            + footers.get(kind, footer).render(shown, why=why)
        )
        return Rendered(self.subject(kind, values), body, language)


@functools.cache
def templates() -> Templates:
    """The shipped templates, read and checked once per process."""
    return Templates(yaml.safe_load(TEMPLATES_FILE.read_text(encoding="utf-8")))
