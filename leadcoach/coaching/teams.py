"""Team views for coaches: latest scores of the people they coach, who is due, team growth.

Everything here reads people through the access policy (`visible_people`), so a coach sees
only the teams they coach, whatever team ids a page asks for; organisation-wide figures are
averages of groups of at least `min_group` people (through `leadcoach.measurement.groups`),
never one person's scores.
"""

from __future__ import annotations

import math
import threading
from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime, timedelta

import numpy as np
import pandas as pd
from sqlalchemy import and_, func
from sqlalchemy.orm import aliased
from sqlmodel import Session, col, select

from leadcoach.instrument import bank
from leadcoach.measurement import groups
from leadcoach.people.access import NO_ACCESS, Action, Viewer, allowed, require, visible_people
from leadcoach.platform import data_version
from leadcoach.platform.errors import AccessDenied
from leadcoach.platform.models import (
    Answer,
    AssessmentDraft,
    Person,
    Role,
    SkillScore,
    Submission,
    Team,
)

# Who a row of scores belongs to; the latest-scores and history frames both start with it.
PERSON_COLUMNS = ["person_id", "name", "team_id", "team", "site", "vendor"]
LATEST_COLUMNS = [*PERSON_COLUMNS, "submitted_at", "skill_id", "score"]
STATUS_ORDER = ["Not assessed", "Overdue", "In progress", "Up to date"]
STATISTICS_COLUMNS = ["skill_id", "n", "mean", "sd", "skill"]
STATISTICS_TYPES = {"n": int, "mean": float, "sd": float}


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
        raise AccessDenied(NO_ACCESS)
    require_teams(viewer, [team_id])
    return team


def require_teams(viewer: Viewer, team_ids: Collection[int] | None) -> None:
    """Refuse a request naming a team the viewer does not coach (HR and admins see all)."""
    if team_ids is None or (allowed(viewer, Action.READ_AGGREGATES) and viewer.role != Role.COACH):
        return
    if not set(team_ids) <= viewer.coached_team_ids:
        raise AccessDenied(NO_ACCESS)


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


def organisation_statistics(
    *, session: Session, viewer: Viewer, instrument: bank.Instrument, min_group: int
) -> pd.DataFrame:
    """`skill_statistics` of every supervisor's latest scores (n, mean, sd per skill),
    cached per data version: the organisation's side of every team overview and comparison.

    Only these aggregates leave the core: the organisation's rows (120,000 at 10,000
    supervisors) are read once per data version and never handed to a caller, since they
    hold the latest scores of people the viewer may not read."""
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
    order, through the small-group gate: a skill scored for fewer than `min_group` people
    keeps its n but no mean or sd."""
    values = scores["score"].to_numpy(dtype=float, na_value=np.nan)
    # Vectorised per skill, as this also runs over 120,000 organisation rows.
    codes, found = pd.factorize(scores["skill_id"].to_numpy(dtype=object)[~np.isnan(values)])
    stats = groups.statistics(codes, values[~np.isnan(values)], len(found), min_group=min_group)
    position = {skill_id: index for index, skill_id in enumerate(found)}
    rows = [
        (
            skill.id,
            int(stats["n"][position[skill.id]]),
            float(stats["mean"][position[skill.id]]),
            float(stats["sd"][position[skill.id]]),
            skill.name,
        )
        for skill in instrument.skills
        if skill.id in position
    ]
    return pd.DataFrame(rows, columns=STATISTICS_COLUMNS).astype(STATISTICS_TYPES)


def person_statistics(scores: pd.DataFrame, instrument: bank.Instrument) -> pd.DataFrame:
    """One person's latest scores in the shape of `skill_statistics` (n = 1, the score as
    the mean, no sd): a person's own profile, beside groups in a comparison. Not a group
    figure, so not gated; who may read it is decided by the read that gave `scores`."""
    if scores["person_id"].nunique() > 1:
        raise ValueError("person_statistics takes one person's scores")
    by_skill = dict(zip(scores["skill_id"], scores["score"], strict=True))
    rows = [
        (skill.id, 1, float(by_skill[skill.id]), math.nan, skill.name)
        for skill in instrument.skills
        if skill.id in by_skill and pd.notna(by_skill[skill.id])
    ]
    return pd.DataFrame(rows, columns=STATISTICS_COLUMNS).astype(STATISTICS_TYPES)


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
    # In plain Python: a team has a few dozen people, and each pandas step costs more.
    moment, period = pd.Timestamp(now), timedelta(days=reassessment_days)
    people = []
    for person_id, name, team, last_assessed, answers_saved in rows:
        last = None if last_assessed is None else _utc(last_assessed)
        due = None if last is None else last + period
        if answers_saved is not None:
            status = "In progress"
        elif due is not None and due <= moment:
            status = "Overdue"
        else:
            status = "Up to date" if last is not None else "Not assessed"
        people.append((person_id, name, team, last, due, answers_saved, status))
    rank = {status: place for place, status in enumerate(STATUS_ORDER)}
    people.sort(key=lambda p: (rank[p[6]], p[4] is None, p[4] or moment, p[1]))
    columns = ["person_id", "name", "team", "last_assessed", "due_on", "answers_saved", "status"]
    frame = pd.DataFrame(people, columns=columns)
    for column in ("last_assessed", "due_on"):
        frame[column] = pd.to_datetime(frame[column], utc=True)
    frame["answers_saved"] = frame["answers_saved"].astype("Int64")
    return frame


def _utc(moment) -> pd.Timestamp:
    stamp = pd.Timestamp(moment)
    return stamp.tz_localize("UTC") if stamp.tzinfo is None else stamp.tz_convert("UTC")


HISTORY_COLUMNS = [*PERSON_COLUMNS, "submission_id", "submitted_at", "skill_id", "score"]
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
    # Two narrow reads rather than one wide join: the per-submission columns (names, a date
    # to parse) are read once per submission instead of once per skill score.
    readable = _supervisors(viewer, team_ids)
    # Core rows (no ORM row processing) of a few plain columns each.
    connection = session.connection()
    submissions = connection.execute(
        select(
            Submission.id,
            Person.id,
            Person.name,
            Person.team_id,
            Team.name,
            Team.site,
            Team.vendor,
            Submission.submitted_at,
        )
        .join(Person, Person.id == Submission.person_id)
        .join(Team, Team.id == Person.team_id, isouter=True)
        .where(readable)
    ).all()
    scores = connection.execute(
        select(SkillScore.submission_id, SkillScore.skill_id, SkillScore.score)
        .join(Submission, Submission.id == SkillScore.submission_id)
        .join(Person, Person.id == Submission.person_id)
        .where(readable)
    ).all()
    per_submission = _frame(submissions, ["submission_id", *PERSON_COLUMNS, "submitted_at"])
    per_submission["submitted_at"] = pd.to_datetime(per_submission["submitted_at"], utc=True)
    score_submission, skill_id, score = zip(*scores, strict=True) if scores else ((), (), ())
    at = pd.Index(per_submission["submission_id"]).get_indexer(score_submission)
    frame = _rows(per_submission, [*PERSON_COLUMNS, "submission_id", "submitted_at"], at)
    frame["skill_id"] = pd.array(skill_id, dtype="str")
    frame["score"] = np.array(score, dtype=float)  # None (insufficient data) becomes NaN
    return frame


@dataclass(frozen=True)
class TeamFigures:
    """What a team overview derives from the team's `history`."""

    scores: pd.DataFrame  # `latest_of`
    changes: pd.DataFrame  # `latest_changes`
    growth: pd.DataFrame  # `growth_by_round`


def team_figures(
    *,
    session: Session,
    viewer: Viewer,
    instrument: bank.Instrument,
    min_group: int,
    team_ids: Collection[int] | None = None,
) -> TeamFigures:
    """Latest scores, latest changes and growth by quarter of the supervisors the viewer may
    read (on the asked-for teams), from one read of their history; each caller gets copies.

    Reused until the data version moves (a submission, a person's name, role or team, any
    change of a team), for the same viewer, teams and minimum group: the read and the frames
    were most of a coach's team page on every visit (42 ms alone, about 100 ms beside the
    browser's first requests, at 10,000 supervisors). The viewer's role and coached teams are
    part of the key, so a coach given another team reads afresh; access is checked on every
    call, before the cache."""
    require_teams(viewer, team_ids)
    key = (
        *data_version.current(session),
        instrument.id,
        min_group,
        viewer.person_id,
        viewer.role,
        viewer.coached_team_ids,
        None if team_ids is None else tuple(sorted(set(team_ids))),
    )

    def compute() -> TeamFigures:
        past = history(session=session, viewer=viewer, team_ids=team_ids)
        return TeamFigures(
            latest_of(past, instrument),
            latest_changes(past, instrument),
            growth_by_round(past, instrument, min_group=min_group),
        )

    figures = TEAM_FIGURES.get(key, compute)
    return TeamFigures(figures.scores.copy(), figures.changes.copy(), figures.growth.copy())


# A coach's teams' frames (a hundred people each), shared by their sessions.
TEAM_FIGURES: data_version.VersionedCache[TeamFigures] = data_version.VersionedCache(32)


def _rows(frame: pd.DataFrame, columns: list[str], rows: np.ndarray) -> pd.DataFrame:
    """The given rows and columns of a frame as a new frame, each column keeping its type."""
    return pd.DataFrame({column: frame[column].array.take(rows) for column in columns})


def latest_of(history_frame: pd.DataFrame, instrument: bank.Instrument) -> pd.DataFrame:
    """Each person's newest submission's scores from a `history` frame, in the shape of
    `latest_scores` (so an overview that has the history needs no second read)."""
    if history_frame.empty:
        return pd.DataFrame(columns=[*LATEST_COLUMNS, "skill"])
    submissions = history_frame["submission_id"].to_numpy(dtype=np.int64)
    person_codes, people = pd.factorize(history_frame["person_id"].to_numpy())
    newest = np.full(len(people), -1, dtype=np.int64)
    np.maximum.at(newest, person_codes, submissions)
    kept = np.flatnonzero(submissions == newest[person_codes])
    team, name, skill_id = (
        history_frame[column].to_numpy(dtype=object, na_value=None)[kept]
        for column in ("team", "name", "skill_id")
    )
    # By team (people without one last, as pandas sorts), name and skill.
    order = sorted(
        range(len(kept)), key=lambda i: (team[i] is None, team[i] or "", name[i], skill_id[i])
    )
    latest = _rows(history_frame, LATEST_COLUMNS, kept[order])
    latest["score"] = latest["score"].astype("Float64")
    return _with_skill_names(latest, instrument)


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


def _quarters(moments: pd.Series) -> tuple[np.ndarray, np.ndarray]:
    """(year, quarter 1-4) of each UTC moment, computed on the raw datetime64 values."""
    months = moments.to_numpy(dtype="datetime64[ns]").astype("datetime64[M]").astype(np.int64)
    return months // 12 + 1970, months % 12 // 3 + 1


def growth_by_round(
    history_frame: pd.DataFrame, instrument: bank.Instrument, min_group: int
) -> pd.DataFrame:
    """Per round (quarter) and skill of a `history` frame: people, mean and spread.

    A round is a calendar quarter ("2026 Q2"): reassessment is due every 90 days, so each
    person has about one submission a quarter. A person with two submissions in a quarter
    counts once, with the later one. Rounds with fewer than `min_group` people for a skill
    are left out.
    """
    scores = history_frame["score"].to_numpy(dtype=float, na_value=np.nan)
    frame = history_frame[~np.isnan(scores)]
    if frame.empty:
        return pd.DataFrame(columns=GROWTH_COLUMNS)
    # numpy on a few columns rather than pandas group-bys: a team overview reads this on
    # every visit, and each pandas operation costs about a millisecond.
    years, quarters = _quarters(frame["submitted_at"])
    rounds = years * 4 + quarters - 1
    people = pd.factorize(frame["person_id"].to_numpy())[0]
    skill_codes, skill_ids = pd.factorize(frame["skill_id"].to_numpy(dtype=object), sort=True)
    moments = frame["submitted_at"].to_numpy(dtype="datetime64[ns]").astype(np.int64)
    values = frame["score"].to_numpy(dtype=float)
    # The latest score of each person, quarter and skill: sort by them and time, keep the
    # last row of each run.
    order = np.lexsort((moments, skill_codes, people, rounds))
    key = np.stack([rounds, people, skill_codes])[:, order]
    last = np.ones(len(order), dtype=bool)
    last[:-1] = (key[:, 1:] != key[:, :-1]).any(axis=0)
    kept = order[last]
    # Then the spread per quarter and skill, in that order (skill codes follow the ids'
    # sort order).
    quarter_ids, quarter_codes = np.unique(rounds[kept], return_inverse=True)
    skill_count = len(skill_ids)
    codes = quarter_codes * skill_count + skill_codes[kept]
    stats = groups.statistics(
        codes, values[kept], len(quarter_ids) * skill_count, min_group=min_group
    )
    shown = np.flatnonzero(stats["n"] >= min_group)
    year, quarter = np.divmod(quarter_ids[shown // skill_count], 4)
    first_month = (year - 1970) * 12 + 3 * quarter
    skill_of_group = skill_ids[shown % skill_count]
    names = {skill.id: skill.name for skill in instrument.skills}
    growth = pd.DataFrame(
        {
            "round": [f"{y} Q{q + 1}" for y, q in zip(year, quarter, strict=True)],
            "round_start": first_month.astype("datetime64[M]").astype("datetime64[ns]"),
            "skill_id": skill_of_group,
            **{name: stats[name][shown] for name in groups.STATISTICS},
            "skill": [names.get(skill_id) for skill_id in skill_of_group],
        }
    )
    return growth


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

    Columns: CHANGE_COLUMNS, sorted by person and skill. People with a single submission
    are absent.
    """
    if history_frame.empty:
        return pd.DataFrame(columns=CHANGE_COLUMNS)
    people = history_frame["person_id"].to_numpy()
    submissions = history_frame["submission_id"].to_numpy(dtype=np.int64)
    moments = history_frame["submitted_at"].to_numpy(dtype="datetime64[ns]").astype(np.int64)
    # Rank each person's submissions newest first (0 = latest, 1 = the one before).
    first = np.unique(submissions, return_index=True)[1]
    order = first[np.lexsort((-submissions[first], -moments[first], people[first]))]
    owner = people[order]
    start = np.r_[True, owner[1:] != owner[:-1]]
    run = np.cumsum(start) - 1
    position = np.arange(len(order)) - np.flatnonzero(start)[run]
    rank = dict(zip(submissions[order].tolist(), position.tolist(), strict=True))
    ranks = np.array([rank[s] for s in submissions.tolist()])
    # Pair each latest score with the same person's previous score of the same skill.
    person_codes = pd.factorize(people, sort=True)[0]
    skill_codes = pd.factorize(history_frame["skill_id"].to_numpy(dtype=object), sort=True)[0]
    key = person_codes * (skill_codes.max() + 1) + skill_codes
    previous = np.flatnonzero(ranks == 1)
    previous_of = dict(zip(key[previous].tolist(), previous.tolist(), strict=True))
    latest = [i for i in np.flatnonzero(ranks == 0).tolist() if key[i] in previous_of]
    latest = np.array(sorted(latest, key=lambda i: key[i]), dtype=np.int64)  # person, skill
    before = np.array([previous_of[key[i]] for i in latest], dtype=np.int64)
    changes = _rows(history_frame, ["person_id", "name", "skill_id"], latest)
    changes = _with_skill_names(changes, instrument)
    changes["latest"] = history_frame["score"].array.take(latest)
    changes["previous"] = history_frame["score"].array.take(before)
    changes["change"] = changes["latest"] - changes["previous"]
    changes["latest_at"] = history_frame["submitted_at"].array.take(latest)
    changes["previous_at"] = history_frame["submitted_at"].array.take(before)
    return changes[CHANGE_COLUMNS]
