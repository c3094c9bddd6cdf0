"""Everything the coach's team overview shows, read in one unit of work."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime

import numpy as np
import pandas as pd
from sqlmodel import Session

from leadcoach.coaching import comparison, plans, priorities, teams
from leadcoach.instrument import bank
from leadcoach.measurement import reliability
from leadcoach.people.access import Viewer
from leadcoach.platform.i18n import _


@dataclass(frozen=True)
class TeamOverview:
    scores: pd.DataFrame  # latest score per person and skill (teams.latest_scores)
    status: pd.DataFrame  # where each person's assessment stands
    team_vs_organisation: comparison.Comparison
    priorities: pd.DataFrame  # ranked concerns with reasons
    growth: pd.DataFrame  # per quarter and skill: mean and spread
    without_plan: int  # assessed people with no active goal
    skill_order: tuple[str, ...]  # skill names in questionnaire order

    @property
    def heatmap_table(self) -> pd.DataFrame:
        """One row per person (by name, then team), one column per skill (in questionnaire
        order): the table beside the heatmap."""
        if self.scores.empty:
            return pd.DataFrame(columns=["Person", "Team"])
        # A person x skill matrix filled in one step: pandas' pivot_table took most of the
        # page's time for a coach's hundred people.
        order = [name for name in self.skill_order if name in set(self.scores["skill"])]
        person_at, people = pd.factorize(self.scores["person_id"].to_numpy())
        skill_at = pd.Index(order).get_indexer(self.scores["skill"].to_numpy(dtype=object))
        scores = self.scores["score"].to_numpy(dtype=float, na_value=np.nan)
        matrix = np.full((len(people), len(order)), np.nan)
        matrix[person_at, skill_at] = scores
        first_row = np.unique(person_at, return_index=True)[1]
        wide = pd.DataFrame(
            {
                "Person": self.scores["name"].to_numpy(dtype=object)[first_row],
                "Team": self.scores["team"].to_numpy(dtype=object)[first_row],
                **dict(zip(order, np.round(matrix, 0).T, strict=True)),
            }
        )
        return wide.sort_values(["Person", "Team"], kind="stable").reset_index(drop=True)


def team_overview(
    *,
    session: Session,
    viewer: Viewer,
    instrument: bank.Instrument,
    reliabilities: dict[str, reliability.SkillReliability],
    reassessment_days: int,
    min_group: int,
    now: datetime,
    team_ids: Collection[int] | None = None,
) -> TeamOverview:
    """The people on the viewer's teams (or the chosen ones), against the organisation."""
    # One read of the team's whole history serves the heatmap, the changes and the growth.
    figures = teams.team_figures(
        session=session, viewer=viewer, instrument=instrument, min_group=min_group,
        team_ids=team_ids,
    )  # fmt: skip
    scores = figures.scores
    status = teams.assessment_status(
        session=session, viewer=viewer, reassessment_days=reassessment_days, now=now,
        team_ids=team_ids,
    )  # fmt: skip
    organisation = teams.organisation_statistics(
        session=session, viewer=viewer, instrument=instrument, min_group=min_group
    )
    team_label = _("Your teams") if team_ids is None or len(team_ids) != 1 else _("This team")
    whole = _(comparison.ORGANISATION)
    profile = comparison.profiles(
        [
            (whole, "organisation", organisation),
            (team_label, "team", teams.skill_statistics(scores, instrument, min_group)),
        ]
    )
    errors = comparison.skill_errors(organisation, reliabilities)
    versus = comparison.Comparison(
        profile,
        comparison.differences(profile, errors),
        whole,
        tuple(s for s, r in reliabilities.items() if r.provisional),
    )
    goals = plans.active_goal_counts(
        session=session, viewer=viewer, team_ids=None if team_ids is None else list(team_ids)
    )
    changes = figures.changes
    team_stats = profile[profile["group"] == team_label]
    organisation_stats = profile[profile["group"] == whole]
    ranked = priorities.rank(
        team=team_stats, organisation=organisation_stats, changes=changes, status=status,
        goals=goals, sem=errors, now=now,
    )  # fmt: skip
    growth = figures.growth
    assessed = status.dropna(subset=["last_assessed"])["person_id"]
    without_plan = sum(1 for person_id in assessed if not goals.get(person_id, 0))
    order = tuple(skill.name for skill in instrument.skills)
    return TeamOverview(scores, status, versus, ranked, growth, without_plan, order)
