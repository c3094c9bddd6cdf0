"""How far a skill score can be trusted: each skill's reliability and measurement error.

Differences and changes are marked "beyond measurement noise" against these figures, on
the coach's and HR's views alike, so the same rule holds everywhere.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import pandas as pd
from sqlalchemy import ColumnElement, and_, func, true
from sqlmodel import Session, col, select

from leadcoach.instrument import bank, scoring
from leadcoach.measurement import psychometrics
from leadcoach.people.access import Action, Viewer, visible_people
from leadcoach.platform.models import Answer, Person, SkillScore, Submission

# Below this many people an alpha is too unstable to use (the quality page's minimum too);
# the conventional minimum acceptable reliability (Nunnally, 1978) is used instead.
MIN_SAMPLE = 30
PRIOR_RELIABILITY = 0.70
# Two-sided 95%: a difference counts as real when larger than 1.96 standard errors.
CRITICAL_Z = 1.96


@dataclass(frozen=True)
class SkillReliability:
    skill_id: str
    alpha: float  # the reliability used (the prior when `provisional`)
    people: int  # how many people's answers it rests on
    provisional: bool  # True when too few people: the prior was used


def item_responses(*, session: Session, viewer: Viewer) -> pd.DataFrame:
    """Every behavioural answer of the latest submission of each person whose results the
    viewer may read (person x item, wide; a coach gets the people they coach only).

    Not applicable answers are missing. For statistics, never shown as rows.
    """
    return _latest_item_responses(session, visible_people(viewer, Action.READ_RESULTS))


def current(*, session: Session, instrument: bank.Instrument) -> dict[str, SkillReliability]:
    """Each skill's reliability from everyone's latest answers.

    Open to every signed-in role: it returns one coefficient per skill, which says nothing
    about any person.
    """
    return skill_reliabilities(_latest_item_responses(session), instrument)


def _latest_item_responses(
    session: Session, people: ColumnElement[bool] | None = None
) -> pd.DataFrame:
    """Everyone's latest behavioural answers (wide), or those of the `people` clause's
    (`access.visible_people`): the one read of answers, for coefficients and scoped reads."""
    newest = (
        select(Submission.person_id, func.max(Submission.submitted_at).label("last_at"))
        .group_by(Submission.person_id)
        .subquery()
    )
    rows = session.exec(
        select(Submission.person_id, Answer.item_id, Answer.value)
        .join(
            newest,
            and_(
                newest.c.person_id == Submission.person_id,
                newest.c.last_at == Submission.submitted_at,
            ),
        )
        .join(Answer, Answer.draft_id == Submission.draft_id)
        .join(Person, Person.id == Submission.person_id)
        .where(
            Answer.option_id == "",
            col(Answer.value).is_not(None),
            true() if people is None else people,
        )
    ).all()
    frame = pd.DataFrame(rows, columns=["person_id", "item_id", "value"])
    return frame.pivot(index="person_id", columns="item_id", values="value")


def skill_reliabilities(
    responses: pd.DataFrame, instrument: bank.Instrument
) -> dict[str, SkillReliability]:
    """Cronbach's alpha (pairwise) of each skill's items, reverse-keyed items recoded."""
    result = {}
    for skill in instrument.skills:
        items = [item for item in skill.items if item.id in responses.columns]
        # Whole columns at once (a Python call per answer took seconds at 10,000 people);
        # missing answers stay missing.
        data = pd.DataFrame(
            {
                item.id: scoring.reverse_key(responses[item.id].astype(float), item.reverse)
                for item in items
            }
        )
        people = int(data.notna().any(axis=1).sum()) if len(items) else 0
        alpha = math.nan
        if people >= MIN_SAMPLE and len(items) >= 2:
            try:
                alpha = psychometrics.cronbach_alpha(data.astype(float))
            except ValueError:
                alpha = math.nan
        usable = math.isfinite(alpha) and 0 < alpha < 1
        result[skill.id] = SkillReliability(
            skill.id, alpha if usable else PRIOR_RELIABILITY, people, not usable
        )
    return result


def measurement_error(sd: float, reliability: float) -> float:
    """The standard error of measurement of one score: SEM = SD x sqrt(1 - reliability)."""
    return sd * math.sqrt(1 - reliability)


def noise_margin(variance_a, variance_b):
    """The smallest difference between two estimates that is beyond noise (95%, two-sided),
    given the variance of each estimate's error (numbers or whole columns)."""
    return CRITICAL_Z * (variance_a + variance_b) ** 0.5


def error_variance(n, sd, sem) -> np.ndarray:
    """Error variance of each group's mean score (arrays of equal length): one person's is
    the measurement error (SEM squared); a group's mean varies as sd^2 / n, where the
    observed sd already holds the measurement error of each member."""
    n, sd, sem = (np.asarray(a, dtype=float) for a in (n, sd, sem))
    single = (n <= 1) | np.isnan(sd)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(single, sem**2, sd**2 / n)


@dataclass(frozen=True)
class ChangeThreshold:
    """How large a change in one person's skill score must be to be more than noise."""

    skill_id: str
    sd: float  # spread of the skill's scores across the organisation (latest each)
    reliability: float
    provisional: bool  # the reliability is the prior, or too few people for the spread
    points: float  # 1.96 x sqrt(2) x SEM: a change at least this large is reliable


def change_thresholds(
    *,
    session: Session,
    instrument: bank.Instrument,
    reliabilities: dict[str, SkillReliability] | None = None,
) -> dict[str, ChangeThreshold]:
    """Per skill, the Jacobson-Truax threshold for a reliable change of one person, from
    the given reliabilities (`current` ones when None).

    Aggregates only (one figure per skill), so open to every signed-in role.
    """
    alphas = reliabilities or current(session=session, instrument=instrument)
    newest = (
        select(Submission.person_id, func.max(Submission.submitted_at).label("last_at"))
        .group_by(Submission.person_id)
        .subquery()
    )
    rows = session.exec(
        select(SkillScore.skill_id, SkillScore.score)
        .join(Submission, Submission.id == SkillScore.submission_id)
        .join(
            newest,
            and_(
                newest.c.person_id == Submission.person_id,
                newest.c.last_at == Submission.submitted_at,
            ),
        )
        .where(col(SkillScore.score).is_not(None))
    ).all()
    scores = pd.DataFrame(rows, columns=["skill_id", "score"])
    spread = scores.groupby("skill_id")["score"].agg(["std", "count"])
    result = {}
    for skill_id, row in spread.iterrows():
        if skill_id not in alphas or not row["count"] > 1 or not row["std"] > 0:
            continue
        alpha = alphas[skill_id]
        sem = measurement_error(float(row["std"]), alpha.alpha)
        result[skill_id] = ChangeThreshold(
            skill_id=skill_id,
            sd=float(row["std"]),
            reliability=alpha.alpha,
            provisional=alpha.provisional or row["count"] < MIN_SAMPLE,
            points=noise_margin(sem**2, sem**2),
        )
    return result


def describe_change(change: float, threshold: ChangeThreshold | None) -> str:
    """A change in plain words: a real gain or drop, or within measurement noise."""
    if threshold is None or pd.isna(change):
        return ""
    if abs(change) <= threshold.points:
        return "within noise"
    return "real gain" if change > 0 else "real drop"
