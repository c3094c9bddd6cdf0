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

import numpy as np
import pandas as pd

from leadcoach.measurement.reliability import noise_margin
from leadcoach.platform.i18n import N_, _, ngettext, number, questionnaire_text, strftime

LOWEST_SKILLS = 3
NO_PLAN_POINTS = 10
NO_PLAN_DAYS_PER_POINT = 9
NO_PLAN_MAX_POINTS = 20
COLUMNS = ["rank", "kind", "subject", "person_id", "skill_id", "points", "reason"]
# The module's explanation as the coach's page shows it (under "How the list is ranked"), in
# the reader's language: `_(HOW_RANKED)`.
HOW_RANKED = N_(
    'Three kinds of concern, put on one scale of "points at stake" (0-100 score points) so '
    "they can be ranked together:\n\n"
    "- a skill where the team's average is among its three lowest: the gap to the "
    "organisation's average (0 when the team is not below it);\n"
    "- a person whose skill score dropped since their previous assessment by more than "
    "measurement noise (Jacobson-Truax): the size of the drop;\n"
    "- a person assessed but without an active development goal: 10 points, plus one for "
    "every 9 days since that assessment, up to 20 (a plan drifts the longer it is missing).\n\n"
    "The weights are a heuristic, stated here, not a statistical model."
)


# Plain loops over a few dozen rows: this runs on every team overview, where each pandas
# operation costs more than all the arithmetic here.


def _skill_concerns(team: pd.DataFrame, organisation: pd.DataFrame) -> list[dict]:
    reference = dict(
        zip(organisation["skill_id"].tolist(), organisation["mean"].tolist(), strict=True)
    )
    scored = [
        row
        for row in zip(*(team[c].tolist() for c in ("skill_id", "skill", "n", "mean")), strict=True)
        if pd.notna(row[3])
    ]
    concerns = []
    for skill_id, skill, n, mean in sorted(scored, key=lambda row: row[3])[:LOWEST_SKILLS]:
        org_mean = reference.get(skill_id, math.nan)
        gap = org_mean - mean if pd.notna(org_mean) else 0.0
        where = (
            _("{gap} below the organisation ({mean})").format(
                gap=number(gap, 0), mean=number(org_mean, 0)
            )
            if gap >= 0.5
            else _("the organisation averages {mean}").format(mean=number(org_mean, 0))
            if pd.notna(org_mean)
            else _("no organisation average to compare with")
        )
        concerns.append(
            {
                "kind": N_("Team skill"),
                # The reasons are written in the reader's language, so is the skill's name.
                "subject": questionnaire_text(skill),
                "person_id": None,
                "skill_id": skill_id,
                "points": max(gap, 0.0),
                "reason": _(
                    "One of the team's lowest averages: {mean} ({n} people), {where}."
                ).format(mean=number(mean, 0), n=number(n), where=where),
            }
        )
    return concerns


def _drop_concerns(changes: pd.DataFrame, sem: dict[str, float]) -> list[dict]:
    if changes.empty:
        return []
    change = changes["change"].to_numpy(dtype=float, na_value=np.nan)
    error = np.array([sem.get(skill_id, np.nan) for skill_id in changes["skill_id"].tolist()])
    margin = noise_margin(error**2, error**2)
    with np.errstate(invalid="ignore"):
        dropped = np.flatnonzero((change < 0) & (-change > margin))  # false for NaN
    rows = changes.iloc[dropped]
    columns = ["name", "person_id", "skill_id", "skill", "previous", "latest", "previous_at"]
    return [
        {
            "kind": N_("Drop"),
            "subject": name,
            "person_id": person_id,
            "skill_id": skill_id,
            "points": -change[i],
            "reason": _(
                "{skill} fell {points} points ({previous} to {latest}) since {date}; more "
                "than measurement noise (±{margin})."
            ).format(
                skill=questionnaire_text(skill),
                points=number(-change[i], 0),
                previous=number(previous, 0),
                latest=number(latest, 0),
                date=strftime(previous_at, "%d %b %Y"),
                margin=number(margin[i], 0),
            ),
        }
        for i, name, person_id, skill_id, skill, previous, latest, previous_at in zip(
            dropped, *(rows[column].tolist() for column in columns), strict=True
        )
    ]


def _plan_concerns(status: pd.DataFrame, goals: dict[int, int], now: datetime) -> list[dict]:
    concerns = []
    moment = pd.Timestamp(now)
    for person_id, name, last_assessed in zip(
        *(status[column].tolist() for column in ("person_id", "name", "last_assessed")),
        strict=True,
    ):
        if pd.isna(last_assessed) or goals.get(person_id, 0):
            continue
        days = max((moment - last_assessed).days, 0)
        points = min(NO_PLAN_POINTS + days / NO_PLAN_DAYS_PER_POINT, NO_PLAN_MAX_POINTS)
        concerns.append(
            {
                "kind": N_("No plan"),
                "subject": name,
                "person_id": person_id,
                "skill_id": None,
                "points": points,
                "reason": ngettext(
                    "No active development goal, {days} day after their assessment on {date}.",
                    "No active development goal, {days} days after their assessment on {date}.",
                    days,
                ).format(days=number(days), date=strftime(last_assessed, "%d %b %Y")),
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
    # Then by the person's name and the skill's id, never by a skill's name, which is in the
    # reader's language: the list is the same, in the same order, in every language.
    concerns.sort(
        key=lambda c: (
            -c["points"],
            kinds[c["kind"]],
            "" if c["person_id"] is None else c["subject"],
            c["skill_id"] or "",
        )
    )
    ranked = [
        {**concern, "rank": place, "points": round(concern["points"], 1)}
        for place, concern in enumerate(concerns[:limit], start=1)
    ]
    return pd.DataFrame(ranked, columns=COLUMNS)
