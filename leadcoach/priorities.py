"""Where a coach should invest first: a short ranked list, each entry with its reason.

Three kinds of concern, put on one scale of "points at stake" (0-100 score points) so
they can be ranked together:

- a skill where the team's average is among its three lowest: the gap to the
  organisation's average (0 when the team is not below it);
- a person whose skill score dropped since their previous assessment by more than
  measurement noise (Jacobson-Truax, see `comparison`): the size of the drop;
- a person assessed but without an active development goal: 10 points, plus one for
  every 9 days since that assessment, up to 20 (a plan drifts the longer it is missing).

The weights are a heuristic, stated here and on the page, not a statistical model.
"""

from __future__ import annotations

import math
from datetime import datetime

import pandas as pd

from leadcoach.reliability import noise_margin

LOWEST_SKILLS = 3
NO_PLAN_POINTS = 10
NO_PLAN_DAYS_PER_POINT = 9
NO_PLAN_MAX_POINTS = 20
COLUMNS = ["rank", "kind", "subject", "person_id", "skill_id", "points", "reason"]


def _skill_concerns(team: pd.DataFrame, organisation: pd.DataFrame) -> list[dict]:
    scored = team.dropna(subset=["mean"]).sort_values("mean", kind="stable").head(LOWEST_SKILLS)
    reference = organisation.set_index("skill_id")["mean"]
    concerns = []
    for row in scored.itertuples():
        org_mean = reference.get(row.skill_id, math.nan)
        gap = org_mean - row.mean if pd.notna(org_mean) else 0.0
        where = (
            f"{gap:.0f} below the organisation ({org_mean:.0f})"
            if gap >= 0.5
            else f"the organisation averages {org_mean:.0f}"
            if pd.notna(org_mean)
            else "no organisation average to compare with"
        )
        concerns.append(
            {
                "kind": "Team skill",
                "subject": row.skill,
                "person_id": None,
                "skill_id": row.skill_id,
                "points": max(gap, 0.0),
                "reason": f"One of the team's lowest averages: {row.mean:.0f} "
                f"({row.n} people), {where}.",
            }
        )
    return concerns


def _drop_concerns(changes: pd.DataFrame, sem: dict[str, float]) -> list[dict]:
    if changes.empty:
        return []
    error = changes["skill_id"].map(sem).astype(float)
    margins = noise_margin(error**2, error**2)
    drops = changes.assign(margin=margins)
    drops = drops[(drops["change"] < 0) & (-drops["change"] > drops["margin"])]
    return [
        {
            "kind": "Drop",
            "subject": row.name,
            "person_id": row.person_id,
            "skill_id": row.skill_id,
            "points": -row.change,
            "reason": f"{row.skill} fell {-row.change:.0f} points "
            f"({row.previous:.0f} to {row.latest:.0f}) since "
            f"{row.previous_at:%d %b %Y}; more than measurement noise (±{row.margin:.0f}).",
        }
        for row in drops.itertuples()
    ]


def _plan_concerns(status: pd.DataFrame, goals: dict[int, int], now: datetime) -> list[dict]:
    concerns = []
    assessed = status.dropna(subset=["last_assessed"])
    for row in assessed.itertuples():
        if goals.get(row.person_id, 0):
            continue
        days = max((pd.Timestamp(now) - row.last_assessed).days, 0)
        points = min(NO_PLAN_POINTS + days / NO_PLAN_DAYS_PER_POINT, NO_PLAN_MAX_POINTS)
        concerns.append(
            {
                "kind": "No plan",
                "subject": row.name,
                "person_id": row.person_id,
                "skill_id": None,
                "points": points,
                "reason": f"No active development goal, {days} days after their assessment "
                f"on {row.last_assessed:%d %b %Y}.",
            }
        )
    return concerns


def rank(
    *,
    team: pd.DataFrame,
    organisation: pd.DataFrame,
    changes: pd.DataFrame,
    status: pd.DataFrame,
    goals: dict[int, int],
    sem: dict[str, float],
    now: datetime,
    limit: int = 10,
) -> pd.DataFrame:
    """The `limit` largest concerns, largest first.

    `team` and `organisation` are skill statistics (skill_id, skill, n, mean) as
    `teams.skill_statistics` gives them; `changes` is `teams.recent_changes`; `status` is
    `teams.assessment_status`; `goals` maps person id to active goals; `sem` maps skill id
    to its standard error of measurement.
    """
    concerns = (
        _skill_concerns(team, organisation)
        + _drop_concerns(changes, sem)
        + _plan_concerns(status, goals, now)
    )
    if not concerns:
        return pd.DataFrame(columns=COLUMNS)
    kinds = {"Drop": 0, "Team skill": 1, "No plan": 2}  # ties: a person's drop first
    frame = pd.DataFrame(concerns)
    frame["_kind"] = frame["kind"].map(kinds)
    frame = frame.sort_values(["points", "_kind", "subject"], ascending=[False, True, True])
    frame = frame.head(limit).reset_index(drop=True)
    frame["rank"] = range(1, len(frame) + 1)
    frame["points"] = frame["points"].round(1)
    return frame[COLUMNS]
