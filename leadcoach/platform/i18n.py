"""Interface text in the reader's language: gettext catalogs (Babel) and locale formats.

The language is carried per request in a context variable that the ui sets at the start of
every rerun (`activate`), never process-wide (`gettext.install` would switch every session
of the server at once). Core modules call `gettext` (imported as `_`) at the moment a text
is shown, so module-level tables keep their English source and are translated on use.

Catalogs: leadcoach/locales/<code>/LC_MESSAGES/messages.po, kept in the repository and
managed with `make messages` (pybabel extract and update) and `make catalogs` (pybabel
compile, also run by the install targets). A missing or older compiled `.mo` is compiled
from the `.po` in memory with Babel the first time a language is used, so a `pip install`
(which runs no make target) still speaks every language, and an edited `.po` is never
shadowed by a stale `.mo`.

The questionnaire's skills (issue 25) are named and defined in the reader's language on every
page and in every file, by the same lookups as the interface's texts: the translations of
`assessments/translations/` are registered here once per process where they are loaded for
showing (`leadcoach.instrument.translations.register`), and `gettext` falls back to them
(headers, labels), `questionnaire_text` looks one up (a table's cell through
leadcoach.reporting.vocabulary.cell, a chart's data through vocabulary.in_language in
leadcoach.ui.chart_specs, a sentence naming a skill). Why there and not in the core's
results: those carry the English names and many are cached across readers of every
language (cohort reviews, norms, quality reports, keyed on the instrument's id, not the
language), and exports compare names with the instrument's; translating where a text is
shown keeps one cached result for every language, and a new view that draws through the
tables, charts and catalog gets the names without asking. Passing a translated instrument
to display code instead would have each page remember to, and would put translated names
into any cached computation it reached.
"""

from __future__ import annotations

import functools
import gettext as _gettext
import io
import re
import unicodedata
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path

from babel import Locale, numbers
from babel import dates as babel_dates
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

from leadcoach.platform.languages import RIGHT_TO_LEFT, SOURCE, SUPPORTED, code_for

LOCALES = Path(__file__).resolve().parent.parent / "locales"
DOMAIN = "messages"

_LANGUAGE: ContextVar[str] = ContextVar("leadcoach_language", default=SOURCE)


def current() -> str:
    """The code of the language this request is shown in."""
    return _LANGUAGE.get()


def activate(language: object) -> str:
    """Show this request (this rerun's thread) in the language; an unsupported one reads as
    the source language. Returns the code in use."""
    code = code_for(language) or SOURCE
    _LANGUAGE.set(code)
    return code


@contextmanager
def using(language: object) -> Iterator[str]:
    """Within the block, texts are in the language (for emails and reports to others)."""
    token = _LANGUAGE.set(code_for(language) or SOURCE)
    try:
        yield _LANGUAGE.get()
    finally:
        _LANGUAGE.reset(token)


def is_rtl(language: str | None = None) -> bool:
    """Whether the language (default: the current one) is written right to left."""
    return (language or current()) in RIGHT_TO_LEFT


def po_path(code: str) -> Path:
    return LOCALES / code / "LC_MESSAGES" / f"{DOMAIN}.po"


@functools.cache
def translations(code: str) -> _gettext.NullTranslations:
    """The catalog of one language, loaded once per process (read-only afterwards)."""
    if code == SOURCE or code not in SUPPORTED:
        return _gettext.NullTranslations()
    po = po_path(code)
    mo = po.with_suffix(".mo")
    if mo.exists() and (not po.exists() or mo.stat().st_mtime >= po.stat().st_mtime):
        with mo.open("rb") as handle:
            return _gettext.GNUTranslations(handle)
    if not po.exists():
        return _gettext.NullTranslations()
    with po.open("rb") as handle:
        catalog = read_po(handle, locale=code)
    buffer = io.BytesIO()
    write_mo(buffer, catalog, use_fuzzy=False)  # a fuzzy entry is not a translation
    buffer.seek(0)
    return _gettext.GNUTranslations(buffer)


def preload() -> None:
    """Load every language's catalog and CLDR data now (the app server does at start-up),
    so the first person to switch to a language, or to open a page in it, does not wait
    for them (issue 25: a switch is a rerun)."""
    for code in SUPPORTED:
        translations(code)
        Locale.parse(code).number_symbols  # noqa: B018 (reading it loads the locale's data)


def gettext(message: str) -> str:
    """The message in the current language (the English source when it has no translation);
    a questionnaire text the catalog does not hold is looked up in the questionnaire's own
    translations (`questionnaire_text`)."""
    if not message:
        return message
    found = translations(current()).gettext(message)
    return questionnaire_text(message) if found == message else found


def ngettext(singular: str, plural: str, count: int) -> str:
    """The singular or plural message for the count, by the language's plural rule (Arabic
    has six forms)."""
    return translations(current()).ngettext(singular, plural, count)


_ = gettext


# --- issue 25: the questionnaire's own words (skill names and definitions) ------------------
# The questionnaire is translated by its own files (leadcoach.instrument.translations), not by
# the catalog; its skills' names and definitions, though, are read on every page, in tables,
# charts, prose, select boxes and files. The core's frames and cached results carry the
# source's (English) names, shared by readers of every language; so the names are put into
# the reader's language where a text is shown, by the same lookups the interface's own texts
# go through: `gettext` (column headers, labels) and `questionnaire_text` (a table's cells,
# a chart's data), which the funnels call (leadcoach.reporting.vocabulary.cell,
# leadcoach.ui.chart_specs). The words are registered once per process, from the files
# (leadcoach.instrument.translations.register), and never change afterwards.
_QUESTIONNAIRE: dict[str, dict[str, str]] = {}


def add_questionnaire_texts(language: str, texts: dict[str, str]) -> None:
    """Register the questionnaire's translations into `language`: English text -> text."""
    known = _QUESTIONNAIRE.setdefault(language, {})
    known.update({source: text for source, text in texts.items() if source and text})


def has_questionnaire_texts() -> bool:
    """Whether the current language has questionnaire texts registered (not English)."""
    return bool(_QUESTIONNAIRE.get(current()))


def questionnaire_text(text: str) -> str:
    """A questionnaire text (a skill's name or definition, in the source language) in the
    current language; any other text, or one not translated, as it is."""
    words = _QUESTIONNAIRE.get(current())
    return words.get(text, text) if words and isinstance(text, str) else text


def N_(message: str) -> str:
    """Mark a text for the catalog without translating it here (translated where shown)."""
    return message


@dataclass(frozen=True)
class Text:
    """A people-facing text not yet worded: a module-level function that words it and its
    arguments, called in the language being shown each time the text is turned into a string
    (`str`, `format`, an f-string). Results computed once and read in every language keep
    these instead of words (issue 25: the quality report is computed once per data version,
    not once per language). Arguments that are Texts are worded first. Frozen, hashable and
    picklable (the function is pickled by its name)."""

    words: Callable[..., str]
    args: tuple = ()

    def __str__(self) -> str:
        return self.words(*(str(a) if isinstance(a, Text) else a for a in self.args))

    def __format__(self, spec: str) -> str:
        return format(str(self), spec)


def later(words: Callable[..., str], *args: object) -> Text:
    """`words(*args)` when shown: e.g. later(number, 0.7, 2) is "0.70" or "0٫70"."""
    return Text(words, args)


def _formatted_message(message: str, *pairs: object) -> str:
    values = dict(zip(pairs[::2], pairs[1::2], strict=True))
    return gettext(message).format(**values)


def deferred(message: str, /, **values: object) -> Text:
    """`_(message).format(**values)` when shown; mark the message with N_() where it is
    written, so that it reaches the catalog."""
    return Text(_formatted_message, (message, *(x for pair in values.items() for x in pair)))


def _joined(separator: str, *parts: str) -> str:
    return separator.join(parts)


def joined(separator: str, parts) -> Text:
    """The parts (texts or strings) joined by the separator, each worded when shown."""
    return Text(_joined, (separator, *parts))


def worded(value: object) -> object:
    """A Text in the current language; anything else as it is."""
    return str(value) if isinstance(value, Text) else value


def locale() -> Locale:
    return Locale.parse(current())


def _numbering() -> str:
    # Each language's own digits as CLDR gives them ("default": Arabic-Indic for ar).
    return "default"


def number(value: float | int, places: int | None = None, *, sign: bool = False) -> str:
    """A number as the language writes it: digits, decimal mark, grouping; `places` fixed
    decimals; `sign` puts + before a positive number."""
    if current() == SOURCE:
        spec = ("+" if sign else "") + (f".{places}f" if places is not None else "")
        return format(value, spec) if spec else str(value)
    pattern = "#,##0" + ("." + "0" * places if places else "")
    if sign:
        pattern = f"+{pattern};-{pattern}"
    return numbers.format_decimal(
        value, format=pattern, locale=locale(), numbering_system=_numbering()
    )


def percent(value: float, places: int = 0) -> str:
    """A share (0.25) as the language writes a percentage ("25%", "٢٥٪", "25 %")."""
    if current() == SOURCE:
        return format(value, f".{places}%")
    # The language's own pattern ("#,##0 %" in French, with its space), with the places.
    pattern = (
        locale()
        .percent_formats[None]
        .pattern.replace("#,##0", "#,##0" + ("." + "0" * places if places else ""), 1)
    )
    return numbers.format_percent(
        value, format=pattern, locale=locale(), numbering_system=_numbering()
    )


def formatted(value: float | int, spec: str) -> str:
    """A number in a Python format spec ("+.1f", ".0f", ".1%", "d"), in the current
    language; specs this does not know are used as they are."""
    if current() == SOURCE:
        return format(value, spec)
    if not spec:
        return numbers.format_decimal(value, locale=locale(), numbering_system=_numbering())
    match = re.fullmatch(r"(\+)?,?(?:\.(\d+))?([fdg%])?", spec)
    if match is None:
        return format(value, spec)
    plus, places, kind = match.groups()
    if kind == "g":  # as many decimals as the number has (CLDR's pattern keeps up to 3)
        return numbers.format_decimal(value, locale=locale(), numbering_system=_numbering())
    digits = int(places) if places is not None else (None if kind != "d" else 0)
    if kind == "%":
        return percent(float(value), digits or 0)
    return number(value, digits, sign=bool(plus))


def day(moment: date | datetime, *, month: str = "MMM") -> str:
    """A date as the language writes it: "4 Dec 2026" ("MMM") or "4 December 2026" ("MMMM")."""
    if current() == SOURCE:
        return f"{moment.day} {moment:%b %Y}" if month == "MMM" else f"{moment.day} {moment:%B %Y}"
    plain = moment.date() if isinstance(moment, datetime) else moment
    if month == "MMMM":  # the language's own long form: "4 de diciembre de 2026" (CLDR)
        return babel_dates.format_date(plain, "long", locale=locale())
    return babel_dates.format_date(plain, f"d {month} y", locale=locale())


_STRFTIME = {
    "%d": "dd", "%-d": "d", "%b": "MMM", "%B": "MMMM", "%m": "MM", "%Y": "y", "%y": "yy",
    "%H": "HH", "%M": "mm", "%S": "ss", "%a": "EEE", "%A": "EEEE", "%%": "%",
}  # fmt: skip
_DIRECTIVE = re.compile(r"%-?[a-zA-Z%]")


def _cldr_pattern(spec: str) -> str:
    """A strftime spec ("%d %b %Y %H:%M") as a CLDR date pattern ("dd MMM y HH:mm"); text
    between the directives is quoted, so no letter of it reads as a field."""
    parts = []
    position = 0
    for match in _DIRECTIVE.finditer(spec):
        literal = spec[position : match.start()]
        if literal:
            parts.append("'" + literal.replace("'", "''") + "'" if re.search("[A-Za-z']", literal)
                         else literal)  # fmt: skip
        parts.append(_STRFTIME.get(match.group(), match.group()))
        position = match.end()
    tail = spec[position:]
    if tail:
        parts.append("'" + tail.replace("'", "''") + "'" if re.search("[A-Za-z']", tail) else tail)
    return "".join(parts)


def strftime(moment: date | datetime, spec: str) -> str:
    """A date or time in a strftime spec ("%d %b %Y"), with the language's month and day
    names (Babel, CLDR); in English exactly what `moment.strftime(spec)` gives. An aware time
    is shown in its own zone, a naive one as it is (the app's times are UTC)."""
    if current() == SOURCE:
        return moment.strftime(spec)
    pattern = _cldr_pattern(spec)
    if isinstance(moment, datetime):
        zone = moment.tzinfo or UTC
        plain = moment if moment.tzinfo else moment.replace(tzinfo=UTC)
        return babel_dates.format_datetime(plain, pattern, tzinfo=zone, locale=locale())
    return babel_dates.format_date(moment, pattern, locale=locale())


def month(moment: date | datetime) -> str:
    """A month as the language writes it: "Nov 2025", "نوفمبر 2025", "nov. 2025"."""
    return strftime(moment, "%b %Y")


def quarter(moment: date | datetime) -> str:
    """The quarter a day is in: "Q4 2026" ("الربع الرابع 2026", "T4 2026")."""
    if current() == SOURCE:
        return f"Q{(moment.month - 1) // 3 + 1} {moment.year}"
    plain = moment.date() if isinstance(moment, datetime) else moment
    return babel_dates.format_date(plain, "QQQ y", locale=locale())


@functools.cache
def _zone_names(code: str) -> dict[str, str]:
    from zoneinfo import ZoneInfo, available_timezones

    territories = Locale.parse(code).territories
    # CLDR's "Unknown Region" and "World": a zone that is no place (Etc/GMT+5, EST5EDT).
    unknown = (territories.get("ZZ", "\0"), territories.get("001", "\0"))
    names = {}
    for zone in sorted(available_timezones()):
        try:
            where = babel_dates.get_timezone_location(zone, locale=code)
            city = babel_dates.get_timezone_location(zone, locale=code, return_city=True)
            if any(name in where for name in unknown) or city == zone:  # only an offset
                moment = datetime(2000, 1, 1, tzinfo=ZoneInfo(zone))
                where, city = babel_dates.get_timezone_gmt(moment, "long", locale=code), ""
        except (LookupError, ValueError):  # an old alias CLDR does not know ("Cuba", "CET")
            moment = datetime(2000, 1, 1, tzinfo=ZoneInfo(zone))
            names[zone] = f"{babel_dates.get_timezone_gmt(moment, 'long', locale=code)} ({zone})"
            continue
        names[zone] = where if not city or city in where else f"{where} ({city})"
    return names


def zone_name(zone: str) -> str:
    """A time zone as the language names it ("توقيت مصر (القاهرة)"); in English, and for a
    zone CLDR does not name, its identifier ("Africa/Cairo")."""
    if current() == SOURCE:
        return zone
    return _zone_names(current()).get(zone, zone)


def language_name(code: str) -> str:
    """A supported language's own name ("العربية"), for choosers and tables."""
    return SUPPORTED.get(code, code)


def isolate(text: object) -> str:
    """A name or other person's text inside a sentence, in Unicode first-strong isolates
    (U+2068 ... U+2069, Unicode's bidi algorithm UAX #9): a Latin name keeps its direction in
    Arabic text and an Arabic name in English text, whatever surrounds it. Needed only where
    directions mix: in a right-to-left language, or for a text with right-to-left letters
    (a Latin name in English text is left as it is)."""
    shown = str(text)
    if is_rtl() or any(unicodedata.bidirectional(ch) in ("R", "AL") for ch in shown):
        return f"\u2068{shown}\u2069"
    return shown
