"""Per-process resources (engine, questionnaire) and per-rerun helpers for pages."""

from __future__ import annotations

import functools
import os
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import streamlit as st
from sqlalchemy import Engine
from sqlmodel import Session

from leadcoach.assessment import responses
from leadcoach.instrument import bank, translations
from leadcoach.measurement import dif, norms, quality, reliability
from leadcoach.people.sign_ins import SignIns
from leadcoach.platform import i18n
from leadcoach.platform.config import Settings
from leadcoach.platform.db import make_engine, migrate, session_scope
from leadcoach.platform.errors import LeadCoachError
from leadcoach.platform.i18n import _
from leadcoach.platform.languages import code_for
from leadcoach.programmes.cohort_reviews import CohortKpiReviews, CohortReviews
from leadcoach.ui.text import md

PREFIX = Settings.model_config["env_prefix"]
ENV_FILE = Settings.model_config["env_file"]


def settings() -> Settings:
    """Settings read from the environment and .env, built again only when either changes.

    Pages ask for them a dozen times per rerun, and each build parses the environment and
    .env anew (about 1 ms); tests change the variables between runs of one process."""
    variables = tuple(sorted(item for item in os.environ.items() if item[0].startswith(PREFIX)))
    try:
        env_file = os.stat(ENV_FILE).st_mtime_ns
    except OSError:
        env_file = None
    return _settings_for(variables, env_file)


@functools.lru_cache(maxsize=8)
def _settings_for(variables: tuple[tuple[str, str], ...], env_file: int | None) -> Settings:
    return Settings()


@st.cache_resource(show_spinner="Preparing the database...")
def _engine_for(database_url: str) -> Engine:
    # Cached per URL and never mutated; pending migrations are applied once per process.
    configured = Settings(database_url=database_url)
    migrate(configured)
    return make_engine(configured)


@st.cache_resource
def _instrument_for(directory: str, instrument_id: str) -> bank.Instrument:
    # Questionnaire files are read at start; restart the server after editing them.
    return bank.load_bank(Path(directory)).current(instrument_id)


@st.cache_resource
def _tips_for(directory: str, instrument_id: str) -> dict[str, tuple[bank.Tip, ...]]:
    tips = bank.load_tips(Path(directory) / bank.TIPS_FILE)
    bank.check_tips_cover(_instrument_for(directory, instrument_id), tips)
    return tips


def tips() -> dict[str, tuple[bank.Tip, ...]]:
    """The coaching tips library, skill id -> tips."""
    current = settings()
    return _tips_for(str(current.assessments_dir), current.instrument_id)


def shown_tips() -> dict[str, tuple[bank.Tip, ...]]:
    """The coaching tips in the reader's language (English where a tip is not translated),
    for pages; reports translate `tips()` into their own reader's language."""
    current = settings()
    return _shown_tips_for(str(current.assessments_dir), current.instrument_id, i18n.current())


@st.cache_resource(show_spinner=False, max_entries=8)
def _shown_tips_for(
    directory: str, instrument_id: str, language: str
) -> dict[str, tuple[bank.Tip, ...]]:
    return translations.translate_tips(
        _tips_for(directory, instrument_id),
        _instrument_for(directory, instrument_id),
        language,
        _translations_for(directory, instrument_id),
    )


def engine() -> Engine:
    """The engine of the configured database, migrated to the newest schema."""
    return _engine_for(settings().database_url)


def instrument() -> bank.Instrument:
    """The current questionnaire."""
    current = settings()
    return _instrument_for(str(current.assessments_dir), current.instrument_id)


# What the reliabilities and change thresholds are computed from, in no language: read
# once for all languages (issue 25: keyed on the language, the first switch to Arabic read
# everyone's latest answers again, seconds at 10,000 people). A resource, not data: one
# read-only object for every session, not an unpickled copy per rerun.
@st.cache_resource(ttl=600, max_entries=4, show_spinner=False)
def _reliability_sample_for(database_url: str, directory: str, instrument_id: str):
    with session_scope(_engine_for(database_url)) as session:
        responses, as_of = reliability.latest_self_responses(
            session, _instrument_for(directory, instrument_id)
        )
        return responses, as_of, reliability.score_spread(session)


@st.cache_data(ttl=600, show_spinner=False)
def _reliabilities_for(
    database_url: str,
    directory: str,
    instrument_id: str,
    floor: float,
    min_ratings: int,
):
    # Recomputed at most every 10 minutes: alphas move slowly as submissions accumulate.
    # Not per language (issue 25): the reasons a skill cannot be judged are kept unworded
    # (`i18n.Text`) and worded in the reader's language where they are shown.
    responses, as_of, _spread = _reliability_sample_for(database_url, directory, instrument_id)
    return reliability.skill_reliabilities(
        responses,
        _instrument_for(directory, instrument_id),
        floor=floor,
        min_ratings=min_ratings,
        as_of=as_of,
    )


def _reliability_key() -> tuple:
    current = settings()
    return (
        current.database_url,
        str(current.assessments_dir),
        current.instrument_id,
        current.min_reliability,
        current.min_quality_sample,
    )


def reliabilities() -> dict[str, reliability.SkillReliability]:
    """Each skill's reliability from everyone's latest self-assessment, with the floor and
    minimum sample of the settings (cached for 10 minutes)."""
    return _reliabilities_for(*_reliability_key())


@st.cache_data(ttl=600, show_spinner=False)
def _thresholds_for(
    database_url: str,
    directory: str,
    instrument_id: str,
    floor: float,
    min_ratings: int,
):
    spread = _reliability_sample_for(database_url, directory, instrument_id)[2]
    alphas = _reliabilities_for(database_url, directory, instrument_id, floor, min_ratings)
    return reliability.thresholds_from(spread, alphas)


def change_thresholds() -> dict[str, reliability.ChangeThreshold]:
    """Per skill, how large a person's change must be to be real (cached for 10 minutes)."""
    return _thresholds_for(*_reliability_key())


# A resource, not data: the same object for every session (st.cache_data would hand each
# rerun an unpickled copy of 120,000 rows), read-only, with each norm group sorted once.
@st.cache_resource(show_spinner=False)
def _norm_samples_for(database_url: str) -> norms.NormSamples:
    return norms.NormSamples()


def norm_sample(session: Session) -> norms.NormSample:
    """Everyone's latest scores for the norm groups, reused until the data version moves:
    a submission lands in the norms at once (the submitter is counted and compared)."""
    return _norm_samples_for(settings().database_url).get(session, instrument())


@st.cache_resource(show_spinner=False)
def _cohort_reviews_for(database_url: str) -> CohortReviews:
    return CohortReviews()


def cohort_reviews() -> CohortReviews:
    """Cohort reviews shared by every session, each reused until its data changes."""
    return _cohort_reviews_for(settings().database_url)


@st.cache_resource(show_spinner=False)
def _cohort_kpi_reviews_for(database_url: str) -> CohortKpiReviews:
    return CohortKpiReviews()


def cohort_kpi_reviews() -> CohortKpiReviews:
    """Cohort reviews' KPI sections shared by every session, each reused until its data
    (team numbers included: their import moves the data version) changes."""
    return _cohort_kpi_reviews_for(settings().database_url)


@st.cache_resource(show_spinner=False)
def _quality_reports_for(database_url: str) -> quality.QualityReports:
    return quality.QualityReports()


def quality_reports() -> quality.QualityReports:
    """Instrument quality reports shared by every session, each reused until its data
    changes."""
    return _quality_reports_for(settings().database_url)


@st.cache_resource(show_spinner=False)
def _sign_ins_for(database_url: str) -> SignIns:
    return SignIns()


def sign_ins() -> SignIns:
    """Sign-ins kept across reloads, shared by every session of this server (per database,
    as person ids are)."""
    return _sign_ins_for(settings().database_url)


def startup() -> None:
    """Load the questionnaire and migrate the database, or show what is wrong and stop."""
    try:
        instrument()
        tips()
        questionnaire_translations()  # registers the skills' names in each language
    except bank.BankError as error:
        st.error(
            _(
                "The questionnaire files have a problem, so LeadCoach cannot start:\n\n{error}"
            ).format(error=error)
        )
        st.stop()
    try:
        engine()
    except Exception as error:
        st.error(
            _(
                "LeadCoach cannot open its database ({name}: {splitlines}). Check "
                "LEADCOACH_DATABASE_URL."
            ).format(name=type(error).__name__, splitlines=str(error).splitlines()[0])
        )
        st.stop()


@contextmanager
def db() -> Iterator[Session]:
    """A unit of work on the database: committed on success, rolled back on error."""
    with session_scope(engine()) as session:
        yield session


@contextmanager
def shown_errors() -> Iterator[None]:
    """Turn the core's expected errors into a plain message instead of a traceback."""
    try:
        yield
    except LeadCoachError as error:
        st.error(str(error))


@contextmanager
def stop_on_error() -> Iterator[None]:
    """Like shown_errors, but nothing after the block runs: for data the page depends on."""
    try:
        yield
    except LeadCoachError as error:
        st.error(str(error))
        st.stop()


def subject_person_id(viewer_person_id: int) -> int:
    """Whose data a page shows: `?person=ID` if given, else the viewer's own.

    The parameter only says what is asked for; whether it may be seen is decided by the
    core's access policy when the data is read.
    """
    raw = st.query_params.get("person")
    if raw is None:
        return viewer_person_id
    if not raw.isdigit():
        st.error(_("The link is broken: person '{raw}' is not a number.").format(raw=md(raw)))
        st.stop()
    return int(raw)


def kept_selectbox(label: str, options: list, *, key: str, default: Callable[[], object], **kwargs):
    """A select box whose choice survives visits to other pages: Streamlit drops a widget's
    own key whenever another page runs. `default()` gives the first choice of a session
    (called only then, as it may read the database)."""
    kept = f"{key}_kept"
    # In a one-item list, so that a kept None (a choice, e.g. "All my teams") differs from
    # nothing kept yet.
    previous = st.session_state.get(kept, [])
    start = previous[0] if previous and previous[0] in options else default()
    chosen = st.selectbox(label, options, index=options.index(start), key=key, **kwargs)
    st.session_state[kept] = [chosen]
    return chosen


# --- issue 25 (languages): the questionnaire in the respondent's language ------------------


@st.cache_resource(show_spinner=False)
def _translations_for(directory: str, instrument_id: str) -> dict:
    # Read once per process, like the questionnaire itself; restart after editing them.
    # With the skills' names and definitions in every language, for every text shown.
    return translations.load_for_showing(Path(directory), _instrument_for(directory, instrument_id))


def questionnaire_translations() -> dict[str, translations.Translation]:
    """language -> the questionnaire's translation into it."""
    current = settings()
    return _translations_for(str(current.assessments_dir), current.instrument_id)


def questionnaire_language(viewer) -> str:
    """The language the viewer is shown the questionnaire in: their profile's when it is
    one LeadCoach speaks, else the one the app is shown in (the browser's), so that a
    supervisor reading the app in Arabic answers in Arabic too; English where the
    questionnaire has no translation."""
    with db() as session:
        stored = responses.own_language(session=session, viewer=viewer)
    wanted = stored if code_for(stored) else i18n.current()
    return translations.questionnaire_language(wanted, questionnaire_translations())


def shown_in(instrument: bank.Instrument, language: str) -> bank.Instrument:
    """The instrument's texts in `language` (English where a text is not translated)."""
    current = settings()
    return _translated(
        str(current.assessments_dir), instrument.id, instrument.version, language, instrument
    )


@st.cache_resource(show_spinner=False, max_entries=32)
def _translated(
    directory: str, instrument_id: str, version: str, language: str, _instrument: bank.Instrument
) -> bank.Instrument:
    # Keyed on the version: a frozen version's texts never change, so neither does this.
    found = _translations_for(directory, instrument_id)
    return translations.translate(_instrument, language, found)


@st.cache_resource(show_spinner=False)
def _dif_reports_for(database_url: str) -> dif.DifReports:
    return dif.DifReports()


def dif_reports() -> dif.DifReports:
    """Translated-statement (DIF) reports shared by every session, reused until the data or
    HR's set-aside choices change."""
    return _dif_reports_for(settings().database_url)


def language_pooling_note(session: Session) -> str | None:
    """For norms and cohort reviews: a sentence when their figures pool languages."""
    return dif_reports().pooling_note(session=session, instrument=instrument())
