"""Team views for coaches: latest scores of the people they coach, who is due, team growth.

Everything here reads people through the access policy (`visible_people`), so a coach sees
only the teams they coach, whatever team ids a page asks for; organisation-wide figures are
averages of groups of at least `min_group` people, never one person's scores.
"""

from __future__ import annotations

from collections.abc import Collection
from datetime import datetime, timedelta

import pandas as pd
from sqlalchemy import and_, func
from sqlmodel import Session, col, select

from leadcoach import bank
from leadcoach.access import Action, Viewer, allowed, require, visible_people
from leadcoach.errors import AccessDenied, NotFound
from leadcoach.models import Answer, AssessmentDraft, Person, Role, SkillScore, Submission, Team

LATEST_COLUMNS = ["person_id", "name", "team_id", "team", "site", "vendor", "submitted_at",
                  "skill_id", "score"]  # fmt: skip
STATUS_ORDER = ["Not assessed", "Overdue", "In progress", "Up to date"]


def _latest_submissions():
    """Each person's newest submission (id and date)."""
    newest = (
        select(Submission.person_id, func.max(Submission.submitted_at).label("last_at"))
        .group_by(Submission.person_id)
        .subquery()
    )
    return (
        select(Submission.id, Submission.person_id, Submission.submitted_at)
        .join(
            newest,
            and_(
                newest.c.person_id == Submission.person_id,
                newest.c.last_at == Submission.submitted_at,
            ),
        )
        .subquery()
    )


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
    frame = pd.DataFrame(rows, columns=LATEST_COLUMNS)
    frame["submitted_at"] = pd.to_datetime(frame["submitted_at"], utc=True)
    frame["score"] = frame["score"].astype("Float64")
    return _with_skill_names(frame, instrument)


def organisation_scores(
    *, session: Session, viewer: Viewer, instrument: bank.Instrument
) -> pd.DataFrame:
    """The latest skill scores of every supervisor, without names: for averages only.

    Columns: person_id, team_id, skill_id, score, skill. The person id is kept so callers
    can count people; pages never show rows of this frame, only group statistics.
    """
    require(viewer, Action.READ_AGGREGATES)
    latest = _latest_submissions()
    rows = session.exec(
        select(Person.id, Person.team_id, SkillScore.skill_id, SkillScore.score)
        .join(latest, latest.c.person_id == Person.id)
        .join(SkillScore, SkillScore.submission_id == latest.c.id)
        .where(Person.role == Role.SUPERVISOR.value)
    ).all()
    frame = pd.DataFrame(rows, columns=["person_id", "team_id", "skill_id", "score"])
    frame["score"] = frame["score"].astype("Float64")
    return _with_skill_names(frame, instrument)


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
    last = (
        select(Submission.person_id, func.max(Submission.submitted_at).label("last_at"))
        .group_by(Submission.person_id)
        .subquery()
    )
    open_drafts = (
        select(AssessmentDraft.person_id, func.count(Answer.id).label("answers"))
        .join(Answer, Answer.draft_id == AssessmentDraft.id, isouter=True)
        .where(AssessmentDraft.submitted_at.is_(None))
        .group_by(AssessmentDraft.person_id)
        .subquery()
    )
    rows = session.exec(
        select(Person.id, Person.name, Team.name, last.c.last_at, open_drafts.c.answers)
        .join(Team, Team.id == Person.team_id, isouter=True)
        .join(last, last.c.person_id == Person.id, isouter=True)
        .join(open_drafts, open_drafts.c.person_id == Person.id, isouter=True)
        .where(_supervisors(viewer, team_ids))
    ).all()
    frame = pd.DataFrame(
        rows, columns=["person_id", "name", "team", "last_assessed", "answers_saved"]
    )
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


def team_growth(
    *,
    session: Session,
    viewer: Viewer,
    instrument: bank.Instrument,
    min_group: int,
    team_ids: Collection[int] | None = None,
) -> pd.DataFrame:
    """Per round (quarter) and skill: people, mean, spread (sd, quartiles, min, max).

    A person with two submissions in a quarter counts once, with the later one. Rounds
    with fewer than `min_group` people for a skill are left out.
    """
    rows = session.exec(
        select(Person.id, Submission.submitted_at, SkillScore.skill_id, SkillScore.score)
        .join(Submission, Submission.person_id == Person.id)
        .join(SkillScore, SkillScore.submission_id == Submission.id)
        .where(_supervisors(viewer, team_ids))
    ).all()
    columns = ["round", "round_start", "skill_id", "n", "mean", "sd", "min", "q1", "median",
               "q3", "max", "skill"]  # fmt: skip
    frame = pd.DataFrame(rows, columns=["person_id", "submitted_at", "skill_id", "score"])
    if frame.empty:
        return pd.DataFrame(columns=columns)
    frame["submitted_at"] = pd.to_datetime(frame["submitted_at"], utc=True)
    frame["round"] = quarter_of(frame["submitted_at"])
    frame = frame.dropna(subset=["score"]).sort_values("submitted_at")
    frame = frame.drop_duplicates(["person_id", "round", "skill_id"], keep="last")
    frame["score"] = frame["score"].astype("float")
    grouped = frame.groupby(["round", "skill_id"])["score"]
    stats = grouped.agg(
        n="count",
        mean="mean",
        sd="std",
        min="min",
        q1=lambda s: s.quantile(0.25),
        median="median",
        q3=lambda s: s.quantile(0.75),
        max="max",
    ).reset_index()
    first = frame.groupby("round")["submitted_at"].min().dt.tz_convert(None)
    starts = first.dt.to_period("Q").dt.start_time
    stats["round_start"] = stats["round"].map(starts)
    stats = stats[stats["n"] >= min_group]
    stats = _with_skill_names(stats, instrument)
    return stats.sort_values(["round", "skill_id"])[columns].reset_index(drop=True)


def recent_changes(
    *,
    session: Session,
    viewer: Viewer,
    instrument: bank.Instrument,
    team_ids: Collection[int] | None = None,
) -> pd.DataFrame:
    """Per person and skill: the latest score, the one before, and the change between.

    Columns: person_id, name, skill_id, skill, latest, previous, change, latest_at,
    previous_at. People with a single submission are absent.
    """
    rows = session.exec(
        select(
            Person.id,
            Person.name,
            Submission.id,
            Submission.submitted_at,
            SkillScore.skill_id,
            SkillScore.score,
        )
        .join(Submission, Submission.person_id == Person.id)
        .join(SkillScore, SkillScore.submission_id == Submission.id)
        .where(_supervisors(viewer, team_ids))
    ).all()
    frame = pd.DataFrame(
        rows, columns=["person_id", "name", "submission_id", "submitted_at", "skill_id", "score"]
    )
    columns = ["person_id", "name", "skill_id", "skill", "latest", "previous", "change",
               "latest_at", "previous_at"]  # fmt: skip
    if frame.empty:
        return pd.DataFrame(columns=columns)
    frame["submitted_at"] = pd.to_datetime(frame["submitted_at"], utc=True)
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
        columns={"score": "latest", "score_previous": "previous", "submitted_at": "latest_at",
                 "submitted_at_previous": "previous_at"}
    )  # fmt: skip
    joined["latest"] = joined["latest"].astype("float")
    joined["previous"] = joined["previous"].astype("float")
    joined["change"] = joined["latest"] - joined["previous"]
    return _with_skill_names(joined, instrument)[columns].reset_index(drop=True)
