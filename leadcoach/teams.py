"""Team views for coaches: latest scores of the people they coach, who is due, team growth.

Everything here reads people through the access policy (`visible_people`), so a coach sees
only the teams they coach, whatever team ids a page asks for; organisation-wide figures are
averages of groups of at least `min_group` people, never one person's scores.
"""

from __future__ import annotations

import threading
from collections.abc import Collection
from datetime import datetime, timedelta

import pandas as pd
from sqlalchemy import and_, func
from sqlalchemy.orm import aliased
from sqlmodel import Session, col, select

from leadcoach import bank, data_version
from leadcoach.access import Action, Viewer, allowed, require, visible_people
from leadcoach.errors import AccessDenied, NotFound
from leadcoach.models import Answer, AssessmentDraft, Person, Role, SkillScore, Submission, Team

LATEST_COLUMNS = [
    "person_id",
    "name",
    "team_id",
    "team",
    "site",
    "vendor",
    "submitted_at",
    "skill_id",
    "score",
]
STATUS_ORDER = ["Not assessed", "Overdue", "In progress", "Up to date"]


def _latest_submissions():
    """Each person's newest submission (id and date).

    A correlated max per person rather than a GROUP BY over every submission: the index
    on (person_id, submitted_at) answers it, so a team's query reads that team's rows only
    (with 80,000 submissions, the GROUP BY alone took tens of milliseconds).
    """
    newer = aliased(Submission)
    newest = (
        select(func.max(newer.submitted_at))
        .where(newer.person_id == Submission.person_id)
        .scalar_subquery()
    )
    return (
        select(Submission.id, Submission.person_id, Submission.submitted_at)
        .where(Submission.submitted_at == newest)
        .subquery()
    )


def _frame(rows, columns: list[str]) -> pd.DataFrame:
    """Rows to a DataFrame; plain tuples, as pandas is slow on SQLAlchemy Row objects."""
    return pd.DataFrame([tuple(row) for row in rows], columns=columns)


def team_for(*, session: Session, viewer: Viewer, team_id: int) -> Team:
    """A team the viewer may look at: one they coach, or any for HR and admins."""
    team = session.get(Team, team_id)
    if team is None:
        raise NotFound("No such team.")
    require_teams(viewer, [team_id])
    return team


def require_teams(viewer: Viewer, team_ids: Collection[int] | None) -> None:
    """Refuse a request naming a team the viewer does not coach (HR and admins see all)."""
    if team_ids is None or (allowed(viewer, Action.READ_AGGREGATES) and viewer.role != Role.COACH):
        return
    if not set(team_ids) <= viewer.coached_team_ids:
        raise AccessDenied("You do not have access to this information.")


def _supervisors(viewer: Viewer, team_ids: Collection[int] | None):
    """WHERE clause: supervisors the viewer may read, on the asked-for teams if given."""
    require_teams(viewer, team_ids)
    clause = and_(Person.role == Role.SUPERVISOR.value, visible_people(viewer, Action.READ_RESULTS))
    if team_ids is not None:
        clause = and_(clause, col(Person.team_id).in_(list(team_ids)))
    return clause


def _with_skill_names(frame: pd.DataFrame, instrument: bank.Instrument) -> pd.DataFrame:
    names = {skill.id: skill.name for skill in instrument.skills}
    frame["skill"] = frame["skill_id"].map(names)
    return frame


def latest_scores(
    *,
    session: Session,
    viewer: Viewer,
    instrument: bank.Instrument,
    team_ids: Collection[int] | None = None,
) -> pd.DataFrame:
    """The latest skill scores of every supervisor the viewer may read (long format).

    Columns: person_id, name, team_id, team, site, vendor, submitted_at, skill_id, score,
    skill. People who never submitted are absent (see `assessment_status`).
    """
    latest = _latest_submissions()
    rows = session.exec(
        select(
            Person.id,
            Person.name,
            Person.team_id,
            Team.name,
            Team.site,
            Team.vendor,
            latest.c.submitted_at,
            SkillScore.skill_id,
            SkillScore.score,
        )
        .join(latest, latest.c.person_id == Person.id)
        .join(SkillScore, SkillScore.submission_id == latest.c.id)
        .join(Team, Team.id == Person.team_id, isouter=True)
        .where(_supervisors(viewer, team_ids))
        .order_by(Team.name, Person.name, SkillScore.skill_id)
    ).all()
    frame = _frame(rows, LATEST_COLUMNS)
    frame["submitted_at"] = pd.to_datetime(frame["submitted_at"], utc=True)
    frame["score"] = frame["score"].astype("Float64")
    return _with_skill_names(frame, instrument)


def organisation_scores(
    *, session: Session, viewer: Viewer, instrument: bank.Instrument
) -> pd.DataFrame:
    """The latest skill scores of every supervisor, without names: for averages only.

    Columns: person_id, team_id, skill_id, score, skill. The person id is kept so callers
    can count people; pages never show rows of this frame, only group statistics.
    Cached per data version (see `data_version`): with 10,000 supervisors it is
    120,000 rows, read on every team overview and comparison.
    """
    require(viewer, Action.READ_AGGREGATES)
    return _organisation_cached(session, instrument, "scores", _read_organisation_scores).copy()


def organisation_statistics(
    *, session: Session, viewer: Viewer, instrument: bank.Instrument, min_group: int
) -> pd.DataFrame:
    """`skill_statistics` of every supervisor's latest scores (n, mean, sd per skill),
    cached with them: the organisation's side of every team overview and comparison."""
    require(viewer, Action.READ_AGGREGATES)
    stats = _organisation_cached(
        session,
        instrument,
        ("statistics", min_group),
        lambda s, i: skill_statistics(
            _organisation_cached(s, i, "scores", _read_organisation_scores), i, min_group
        ),
    )
    return stats.copy()


def _read_organisation_scores(session: Session, instrument: bank.Instrument) -> pd.DataFrame:
    latest = _latest_submissions()
    rows = session.exec(
        select(Person.id, Person.team_id, SkillScore.skill_id, SkillScore.score)
        .join(latest, latest.c.person_id == Person.id)
        .join(SkillScore, SkillScore.submission_id == latest.c.id)
        .where(Person.role == Role.SUPERVISOR.value)
    ).all()
    frame = _frame(rows, ["person_id", "team_id", "skill_id", "score"])
    frame["score"] = frame["score"].astype("Float64")
    return _with_skill_names(frame, instrument)


def _organisation_cached(session: Session, instrument: bank.Instrument, part, compute):
    """`compute(session, instrument)`, cached per database, data version and part."""
    key = (*data_version.current(session), instrument.id, part)
    with _ORGANISATION_LOCK:
        cached = _ORGANISATION_CACHE.get(key)
    if cached is None:
        cached = compute(session, instrument)
        with _ORGANISATION_LOCK:
            while len(_ORGANISATION_CACHE) >= _ORGANISATION_CACHE_SIZE:
                _ORGANISATION_CACHE.pop(next(iter(_ORGANISATION_CACHE)))
            _ORGANISATION_CACHE[key] = cached
    return cached


# Process-wide, but holds only aggregates' inputs keyed by database and data version, and
# hands out copies: a submit, an erasure, a change of role or team changes the version.
_ORGANISATION_CACHE: dict[tuple, pd.DataFrame] = {}
_ORGANISATION_CACHE_SIZE = 8
_ORGANISATION_LOCK = threading.Lock()


def skill_statistics(scores: pd.DataFrame, instrument: bank.Instrument, min_group: int):
    """Per skill: people with a score (n), mean and standard deviation, in questionnaire
    order; a skill scored for fewer than `min_group` people gets no mean (suppressed)."""
    valid = scores.dropna(subset=["score"])
    stats = valid.groupby("skill_id")["score"].agg(n="count", mean="mean", sd="std")
    order = [s.id for s in instrument.skills if s.id in stats.index]
    stats = stats.reindex(order).astype("float")
    small = stats["n"] < min_group
    stats.loc[small, ["mean", "sd"]] = float("nan")
    stats = stats.reset_index()
    stats["n"] = stats["n"].astype(int)
    return _with_skill_names(stats, instrument)


def assessment_status(
    *,
    session: Session,
    viewer: Viewer,
    reassessment_days: int,
    now: datetime,
    team_ids: Collection[int] | None = None,
) -> pd.DataFrame:
    """Every supervisor the viewer may read, with where their assessment stands.

    Columns: person_id, name, team, last_assessed, due_on, answers_saved, status; status is
    "Not assessed" (never submitted, nothing started), "Overdue" (due date passed),
    "In progress" (a draft is open) or "Up to date". Rows are sorted with the people who
    need a nudge first.
    """
    # Correlated per person (index lookups) rather than grouping every submission and
    # draft of the organisation for one team's status.
    last_at = (
        select(func.max(Submission.submitted_at))
        .where(Submission.person_id == Person.id)
        .correlate(Person)
        .scalar_subquery()
    )
    answers = (
        select(func.count(Answer.id))
        .select_from(AssessmentDraft)
        .join(Answer, Answer.draft_id == AssessmentDraft.id, isouter=True)
        .where(AssessmentDraft.person_id == Person.id, AssessmentDraft.submitted_at.is_(None))
        .group_by(AssessmentDraft.person_id)
        .correlate(Person)
        .scalar_subquery()
    )
    rows = session.exec(
        select(Person.id, Person.name, Team.name, last_at, answers)
        .join(Team, Team.id == Person.team_id, isouter=True)
        .where(_supervisors(viewer, team_ids))
    ).all()
    frame = _frame(rows, ["person_id", "name", "team", "last_assessed", "answers_saved"])
    frame["last_assessed"] = pd.to_datetime(frame["last_assessed"], utc=True)
    frame["due_on"] = frame["last_assessed"] + timedelta(days=reassessment_days)
    has_draft = frame["answers_saved"].notna()
    overdue = frame["due_on"].notna() & (frame["due_on"] <= pd.Timestamp(now))
    frame["status"] = "Up to date"
    frame.loc[frame["last_assessed"].isna(), "status"] = "Not assessed"
    frame.loc[overdue, "status"] = "Overdue"
    frame.loc[has_draft, "status"] = "In progress"
    frame["answers_saved"] = frame["answers_saved"].astype("Int64")
    rank = frame["status"].map({status: i for i, status in enumerate(STATUS_ORDER)})
    frame = frame.assign(_rank=rank).sort_values(["_rank", "due_on", "name"], kind="stable")
    columns = ["person_id", "name", "team", "last_assessed", "due_on", "answers_saved", "status"]
    return frame[columns].reset_index(drop=True)


def quarter_of(moment: pd.Series) -> pd.Series:
    """The assessment round a date falls in: its calendar quarter, e.g. "2026 Q2".

    Reassessment is due every 90 days, so each person has about one submission a quarter.
    """
    return moment.dt.year.astype(str) + " Q" + moment.dt.quarter.astype(str)


HISTORY_COLUMNS = [
    "person_id",
    "name",
    "team_id",
    "team",
    "site",
    "vendor",
    "submission_id",
    "submitted_at",
    "skill_id",
    "score",
]
GROWTH_COLUMNS = [
    "round",
    "round_start",
    "skill_id",
    "n",
    "mean",
    "sd",
    "min",
    "q1",
    "median",
    "q3",
    "max",
    "skill",
]
CHANGE_COLUMNS = [
    "person_id",
    "name",
    "skill_id",
    "skill",
    "latest",
    "previous",
    "change",
    "latest_at",
    "previous_at",
]


def history(
    *, session: Session, viewer: Viewer, team_ids: Collection[int] | None = None
) -> pd.DataFrame:
    """Every skill score of every submission of the supervisors the viewer may read (on the
    asked-for teams): the one read that team growth and recent changes both work from."""
    rows = session.exec(
        select(
            Person.id,
            Person.name,
            Person.team_id,
            Team.name,
            Team.site,
            Team.vendor,
            Submission.id,
            Submission.submitted_at,
            SkillScore.skill_id,
            SkillScore.score,
        )
        .join(Submission, Submission.person_id == Person.id)
        .join(SkillScore, SkillScore.submission_id == Submission.id)
        .join(Team, Team.id == Person.team_id, isouter=True)
        .where(_supervisors(viewer, team_ids))
    ).all()
    frame = _frame(rows, HISTORY_COLUMNS)
    frame["submitted_at"] = pd.to_datetime(frame["submitted_at"], utc=True)
    frame["score"] = frame["score"].astype("float")
    return frame


def latest_of(history_frame: pd.DataFrame, instrument: bank.Instrument) -> pd.DataFrame:
    """Each person's newest submission's scores from a `history` frame, in the shape of
    `latest_scores` (so an overview that has the history needs no second read)."""
    if history_frame.empty:
        return pd.DataFrame(columns=[*LATEST_COLUMNS, "skill"])
    newest = history_frame.groupby("person_id")["submission_id"].transform("max")
    latest = history_frame[history_frame["submission_id"] == newest]
    latest = latest.sort_values(["team", "name", "skill_id"], kind="stable")
    latest = latest[LATEST_COLUMNS].assign(score=latest["score"].astype("Float64"))
    return _with_skill_names(latest.reset_index(drop=True), instrument)


def team_growth(
    *,
    session: Session,
    viewer: Viewer,
    instrument: bank.Instrument,
    min_group: int,
    team_ids: Collection[int] | None = None,
) -> pd.DataFrame:
    """Per round (quarter) and skill: people, mean, spread (sd, quartiles, min, max)."""
    scores = history(session=session, viewer=viewer, team_ids=team_ids)
    return growth_by_round(scores, instrument, min_group)


def growth_by_round(
    history_frame: pd.DataFrame, instrument: bank.Instrument, min_group: int
) -> pd.DataFrame:
    """Per round (quarter) and skill of a `history` frame: people, mean and spread.

    A person with two submissions in a quarter counts once, with the later one. Rounds
    with fewer than `min_group` people for a skill are left out.
    """
    frame = history_frame.dropna(subset=["score"])
    if frame.empty:
        return pd.DataFrame(columns=GROWTH_COLUMNS)
    frame = frame.assign(round=quarter_of(frame["submitted_at"])).sort_values("submitted_at")
    frame = frame.drop_duplicates(["person_id", "round", "skill_id"], keep="last")
    grouped = frame.groupby(["round", "skill_id"])["score"]
    stats = grouped.agg(n="count", mean="mean", sd="std", min="min", median="median", max="max")
    # Vectorised quartiles: a Python lambda per group cost ~1 ms each.
    stats.insert(4, "q1", grouped.quantile(0.25))
    stats.insert(6, "q3", grouped.quantile(0.75))
    stats = stats.reset_index()
    first = frame.groupby("round")["submitted_at"].min().dt.tz_convert(None)
    starts = first.dt.to_period("Q").dt.start_time
    stats["round_start"] = stats["round"].map(starts)
    stats = stats[stats["n"] >= min_group]
    stats = _with_skill_names(stats, instrument)
    return stats.sort_values(["round", "skill_id"])[GROWTH_COLUMNS].reset_index(drop=True)


def recent_changes(
    *,
    session: Session,
    viewer: Viewer,
    instrument: bank.Instrument,
    team_ids: Collection[int] | None = None,
) -> pd.DataFrame:
    """Per person and skill: the latest score, the one before, and the change between."""
    scores = history(session=session, viewer=viewer, team_ids=team_ids)
    return latest_changes(scores, instrument)


def latest_changes(history_frame: pd.DataFrame, instrument: bank.Instrument) -> pd.DataFrame:
    """Per person and skill of a `history` frame: latest score, previous score, change.

    Columns: CHANGE_COLUMNS. People with a single submission are absent.
    """
    frame = history_frame
    if frame.empty:
        return pd.DataFrame(columns=CHANGE_COLUMNS)
    order = frame.drop_duplicates("submission_id").sort_values("submitted_at")
    order["position"] = order.groupby("person_id").cumcount(ascending=False)  # 0 = latest
    frame = frame.merge(order[["submission_id", "position"]], on="submission_id")
    latest = frame[frame["position"] == 0]
    previous = frame[frame["position"] == 1]
    joined = latest.merge(
        previous[["person_id", "skill_id", "score", "submitted_at"]],
        on=["person_id", "skill_id"],
        suffixes=("", "_previous"),
    )
    joined = joined.rename(
        columns={
            "score": "latest",
            "score_previous": "previous",
            "submitted_at": "latest_at",
            "submitted_at_previous": "previous_at",
        }
    )
    joined["change"] = joined["latest"] - joined["previous"]
    return _with_skill_names(joined, instrument)[CHANGE_COLUMNS].reset_index(drop=True)
