"""Norms: where a person's latest skill scores stand among their peers' latest scores.

A percentile rank of 70 means the score is higher than about 70% of the norm group's
scores (ties count half: mid-ranks, see `psychometrics.percentile_ranks`). The norm group
is the whole organisation by default, or the person's site, vendor or role when that group
is large enough (Settings.min_norm_group); a smaller group falls back to the organisation,
and the result says so. Each person counts once, with their latest self-assessment of the
instrument, the person themselves included (they are part of the group they are compared
with). A norm on fewer than `min_norm_group` people is marked provisional.

Reading the group's scores needs no right of its own: only percentiles leave this module,
never another person's score.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Literal

import numpy as np
import pandas as pd
from sqlalchemy import func
from sqlmodel import Session, select

from leadcoach import bank, psychometrics
from leadcoach.access import Action, Viewer, person_for
from leadcoach.errors import InvalidInput
from leadcoach.models import Instrument, Person, SkillScore, Submission, Team
from leadcoach.submissions import newest_first_rank

NormGroup = Literal["organisation", "site", "vendor", "role"]
GROUPS: tuple[str, ...] = ("organisation", "site", "vendor", "role")
TABLE_COLUMNS = ["skill_id", "skill", "score", "percentile", "n", "provisional"]


@dataclass(frozen=True)
class NormResult:
    """A person's percentile rank per skill against a named norm group."""

    person_id: int
    requested: str  # the group asked for
    group: str  # the group used: the requested one, or "organisation" after a fallback
    group_label: str  # e.g. "the whole organisation", "site Manila"
    group_size: int  # people in the group with a latest self-assessment
    provisional: bool  # the group has fewer than min_norm_group people
    note: str | None  # why the organisation was used instead, or why there is nothing
    table: pd.DataFrame  # TABLE_COLUMNS, one row per skill in questionnaire order


def percentile_table(
    person: Mapping[str, float | None],
    norm: pd.DataFrame,
    instrument: bank.Instrument,
    min_norm_group: int,
) -> pd.DataFrame:
    """Percentile rank of each of a person's skill scores within the norm scores.

    `person` maps skill id -> score (None or NaN: no score); `norm` has skill_id and score,
    one row per person and skill. Pure (no database). Columns TABLE_COLUMNS: n is the
    number of norm scores for the skill; provisional when n < min_norm_group; percentile
    is NaN when the person has no score for the skill or the norm has none.
    """
    rows = []
    for skill in instrument.skills:
        raw = person.get(skill.id)
        score = math.nan if raw is None or pd.isna(raw) else float(raw)
        values = pd.to_numeric(norm.loc[norm["skill_id"] == skill.id, "score"], errors="coerce")
        values = values.dropna().to_numpy(dtype=float)
        n = int(values.size)
        percentile = math.nan
        if n and not math.isnan(score):
            percentile = float(psychometrics.percentile_ranks(np.array([score]), values)[0])
        rows.append([skill.id, skill.name, score, percentile, n, n < min_norm_group])
    table = pd.DataFrame(rows, columns=TABLE_COLUMNS)
    table[["score", "percentile"]] = table[["score", "percentile"]].astype(float)
    table["provisional"] = table["provisional"].astype(bool)
    return table


def norm_scores(session: Session, instrument: bank.Instrument) -> pd.DataFrame:
    """Everyone's latest self-assessment scores of this instrument (any version), with the
    person's site, vendor (their own, else their team's) and role: one row per skill.

    The inputs of every norm group; callers may cache it (it is the same for everyone)."""
    rank = newest_first_rank()
    ranked = (
        select(Submission.id, Submission.person_id, rank)
        .join(Instrument, Instrument.id == Submission.instrument_id)
        .where(Submission.relation == "self", Instrument.instrument_key == instrument.id)
        .subquery()
    )
    rows = session.exec(
        select(
            Person.id,
            func.coalesce(Person.site, Team.site),
            func.coalesce(Person.vendor, Team.vendor),
            Person.role,
            SkillScore.skill_id,
            SkillScore.score,
        )
        .join(ranked, ranked.c.person_id == Person.id)
        .join(SkillScore, SkillScore.submission_id == ranked.c.id)
        .join(Team, Team.id == Person.team_id, isouter=True)
        .where(ranked.c.rank == 1)
    ).all()
    frame = pd.DataFrame(rows, columns=["person_id", "site", "vendor", "role", "skill_id", "score"])
    frame["score"] = pd.to_numeric(frame["score"], errors="coerce").astype(float)
    return frame


def norm_percentiles(
    *,
    session: Session,
    viewer: Viewer,
    person_id: int,
    instrument: bank.Instrument,
    group: NormGroup = "organisation",
    min_norm_group: int,
    everyone: pd.DataFrame | None = None,
) -> NormResult:
    """The person's latest skill scores as percentile ranks within a norm group.

    The viewer must be allowed to read the person's results. `group` is "organisation"
    (default), "site", "vendor" or "role"; a site, vendor or role group with fewer than
    `min_norm_group` people (or a person with none recorded) falls back to the organisation.
    """
    if group not in GROUPS:
        raise InvalidInput(f"Norm group: choose one of {', '.join(GROUPS)} (got {group!r}).")
    person = person_for(
        session=session, viewer=viewer, action=Action.READ_RESULTS, person_id=person_id
    )
    if everyone is None:
        everyone = norm_scores(session, instrument)
    own = everyone[everyone["person_id"] == person.id]
    organisation_size = int(everyone["person_id"].nunique())

    used, label, members, note = "organisation", "the whole organisation", everyone, None
    if group != "organisation":
        value = _attribute(session, person, group)
        if value is None:
            note = f"No {group} is recorded for this person, so the whole organisation is used."
        else:
            subset = everyone[everyone[group] == value]
            size = int(subset["person_id"].nunique())
            if size >= min_norm_group:
                used, label, members = group, f"{group} {value}", subset
            else:
                note = (
                    f"The {group} {value} has {size} people with an assessment; at least "
                    f"{min_norm_group} are needed for its own norm, so the whole organisation "
                    "is used."
                )
    size = int(members["person_id"].nunique()) if used != "organisation" else organisation_size
    if own.empty:
        note = "No submitted self-assessment yet, so there is nothing to compare."
    scores = dict(zip(own["skill_id"], own["score"], strict=True))
    table = percentile_table(scores, members[["skill_id", "score"]], instrument, min_norm_group)
    return NormResult(
        person_id=person.id,
        requested=group,
        group=used,
        group_label=label,
        group_size=size,
        provisional=size < min_norm_group,
        note=note,
        table=table,
    )


def _attribute(session: Session, person: Person, group: str) -> str | None:
    """The person's site, vendor (their own, else their team's) or role."""
    if group == "role":
        return person.role
    own = getattr(person, group)
    if own:
        return own
    team = session.get(Team, person.team_id) if person.team_id is not None else None
    return getattr(team, group) if team is not None else None
