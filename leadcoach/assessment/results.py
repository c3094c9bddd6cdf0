"""A person's results and growth, read from the scores written at submit (pandas out)."""

from __future__ import annotations

import numpy as np
import pandas as pd
from sqlmodel import Session, select

from leadcoach.instrument import bank
from leadcoach.people.access import Action, Viewer, person_for
from leadcoach.platform.i18n import _
from leadcoach.platform.models import SkillScore, Submission

SCORE_COLUMNS = ["submission_id", "submitted_at", "skill_id", "score", "answered", "applicable"]


def person_scores(*, session: Session, viewer: Viewer, person_id: int) -> pd.DataFrame:
    """Every skill score of every submission of one person, oldest first (long format)."""
    person_for(session=session, viewer=viewer, action=Action.READ_RESULTS, person_id=person_id)
    rows = session.exec(
        select(
            Submission.id,
            Submission.submitted_at,
            SkillScore.skill_id,
            SkillScore.score,
            SkillScore.answered,
            SkillScore.applicable,
        )
        .join(SkillScore, SkillScore.submission_id == Submission.id)
        .where(Submission.person_id == person_id)
        .order_by(Submission.submitted_at, SkillScore.skill_id)
    ).all()
    frame = pd.DataFrame(rows, columns=SCORE_COLUMNS)
    frame["submitted_at"] = pd.to_datetime(frame["submitted_at"], utc=True)
    frame["score"] = frame["score"].astype("Float64")
    return frame


def person_submissions(*, session: Session, viewer: Viewer, person_id: int) -> pd.DataFrame:
    """One row per submission: date, overall index and scenario score, oldest first."""
    person_for(session=session, viewer=viewer, action=Action.READ_RESULTS, person_id=person_id)
    rows = session.exec(
        select(
            Submission.id,
            Submission.submitted_at,
            Submission.overall_index,
            Submission.scenario_score,
            Submission.scenario_key_version,
        )
        .where(Submission.person_id == person_id)
        .order_by(Submission.submitted_at)
    ).all()
    frame = pd.DataFrame(
        rows,
        columns=[
            "submission_id",
            "submitted_at",
            "overall_index",
            "scenario_score",
            "scenario_key_version",
        ],
    )
    frame["submitted_at"] = pd.to_datetime(frame["submitted_at"], utc=True)
    return frame


def profile(scores: pd.DataFrame, instrument: bank.Instrument) -> pd.DataFrame:
    """The latest submission's skill profile with the change since the previous one.

    Columns: skill_id, skill, score, previous, change, answered, applicable. Skills the
    person was not scored on (not applicable to them) are left out; insufficient data
    shows as a missing score, never as a number.
    """
    columns = ["skill_id", "skill", "score", "previous", "change", "answered", "applicable"]
    if scores.empty:
        return pd.DataFrame(columns=columns)
    order = scores.drop_duplicates("submission_id")["submission_id"].tolist()
    latest = scores[scores["submission_id"] == order[-1]].set_index("skill_id")
    result = latest[["score", "answered", "applicable"]].copy()
    if len(order) > 1:
        previous = scores[scores["submission_id"] == order[-2]].set_index("skill_id")["score"]
        result["previous"] = previous.reindex(result.index)
    else:
        result["previous"] = pd.Series(pd.NA, index=result.index, dtype="Float64")
    result["change"] = result["score"] - result["previous"]
    names = {skill.id: skill.name for skill in instrument.skills}
    position = {skill.id: i for i, skill in enumerate(instrument.skills)}
    result = result.reset_index()
    result["skill"] = result["skill_id"].map(names)
    result = result.sort_values("skill_id", key=lambda ids: ids.map(position))
    return result[columns].reset_index(drop=True)


def strengths_and_development(profile_frame: pd.DataFrame, count: int = 3):
    """The `count` highest scored skills and, of the others, the `count` lowest.

    A list is never cut inside a tie: skills with the same score (in whole points, as
    shown) as the last one that fits are all listed, and marked `tied` (True) when the tie
    runs past `count`, so that the page can say so. Equal scores keep questionnaire order.
    Columns: the profile's, plus tied.
    """
    scored = profile_frame.dropna(subset=["score"])
    strongest = _first_with_ties(scored.sort_values("score", ascending=False, kind="stable"), count)
    remaining = scored.drop(strongest.index)
    develop = _first_with_ties(remaining.sort_values("score", ascending=True, kind="stable"), count)
    return strongest.reset_index(drop=True), develop.reset_index(drop=True)


def _first_with_ties(ordered: pd.DataFrame, count: int) -> pd.DataFrame:
    """The first `count` rows of an ordered frame and every row tied with the last of them."""
    shown = ordered["score"].astype(float).round().to_numpy()
    if len(ordered) <= count or count == 0 or shown[count] != shown[count - 1]:
        return ordered.iloc[:count].assign(tied=False)
    tied = shown == shown[count - 1]  # ordered by score: one run around the cut
    listed = (np.arange(len(ordered)) < count) | tied
    return ordered[listed].assign(tied=tied[listed])


def growth(scores: pd.DataFrame, instrument: bank.Instrument) -> pd.DataFrame:
    """Each skill's score at each submission, with skill names (rows the growth chart draws)."""
    names = {skill.id: skill.name for skill in instrument.skills}
    frame = scores[["submitted_at", "skill_id", "score"]].copy()
    frame["skill"] = frame["skill_id"].map(names)
    return frame


def results_table(
    scores: pd.DataFrame, submissions: pd.DataFrame, instrument: bank.Instrument
) -> pd.DataFrame:
    """One row per submission: date, overall, scenarios, then one column per skill (0-100).

    Empty cells mean "insufficient data" (or a skill that did not apply then).
    """
    names = {skill.id: skill.name for skill in instrument.skills}
    wide = scores.pivot(index="submission_id", columns="skill_id", values="score")
    wide = wide.reindex(columns=[s for s in instrument.skill_ids if s in wide.columns])
    wide = wide.rename(columns=names).round(1)
    base = submissions.set_index("submission_id")[
        ["submitted_at", "overall_index", "scenario_score"]
    ].round({"overall_index": 1, "scenario_score": 1})
    table = base.join(wide).reset_index(drop=True)
    table["submitted_at"] = table["submitted_at"].dt.strftime("%Y-%m-%d")
    return table.rename(
        columns={
            "submitted_at": _("Submitted"),
            "overall_index": _("Overall index"),
            "scenario_score": _("Scenario judgement"),
        }
    )
