"""Profiles side by side: people, teams or the organisation, with real differences marked.

A difference counts as beyond measurement noise when it is larger than 1.96 standard
errors of the difference (95%, two-sided). One person's score carries the skill's
standard error of measurement, SEM = SD x sqrt(1 - alpha); a group's mean carries
sd / sqrt(n). Two people therefore differ reliably when |difference| > 1.96 x sqrt(2) x SEM,
the Jacobson-Truax criterion used for change over time too. A person who answered only k
of a skill's statements has the SEM of those k (Spearman-Brown,
`reliability.SkillReliability.for_items`), as on their results page (issue 20).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Literal

import numpy as np
import pandas as pd
from sqlmodel import Session, select

from leadcoach.coaching import teams
from leadcoach.instrument import bank
from leadcoach.measurement import reliability
from leadcoach.people.access import Action, Viewer, person_for
from leadcoach.platform.errors import InvalidInput
from leadcoach.platform.i18n import N_, _
from leadcoach.platform.models import SkillScore

PROFILE_COLUMNS = ["group", "kind", "skill_id", "skill", "n", "mean", "sd"]
DIFFERENCE_COLUMNS = ["group", "skill_id", "skill", "difference", "margin", "beyond_noise"]
# The label of the whole organisation's averages (read in the reader's language: `_()`).
ORGANISATION = N_("Whole organisation")


@dataclass(frozen=True)
class GroupRef:
    """What to compare: one person, one team, or the whole organisation."""

    kind: Literal["person", "team", "organisation"]
    id: int | None = None


@dataclass(frozen=True)
class Comparison:
    profiles: pd.DataFrame  # PROFILE_COLUMNS, one row per group and skill
    differences: pd.DataFrame  # DIFFERENCE_COLUMNS: each group against the first one
    reference: str  # the first group's label
    provisional_skills: tuple[str, ...]  # skills whose reliability cannot be used


def group_scores(
    *, session: Session, viewer: Viewer, instrument: bank.Instrument, group: GroupRef
) -> tuple[str, pd.DataFrame]:
    """A person's or a team's label and latest scores (person_id, skill_id, score), read
    through the access policy. The whole organisation is compared by its averages only
    (`group_statistics`): its rows are other people's scores."""
    if group.kind == "person":
        person = person_for(
            session=session, viewer=viewer, action=Action.READ_RESULTS, person_id=group.id
        )
        scores = teams.latest_scores(
            session=session, viewer=viewer, instrument=instrument, team_ids=[person.team_id]
        )
        return person.name, scores[scores["person_id"] == person.id]
    if group.kind == "team":
        team = teams.team_for(session=session, viewer=viewer, team_id=group.id)
        scores = teams.latest_scores(
            session=session, viewer=viewer, instrument=instrument, team_ids=[team.id]
        )
        return _("Team {name}").format(name=team.name), scores
    if group.kind == "organisation":
        raise InvalidInput(_("Compare: the whole organisation is compared by its averages only."))
    raise InvalidInput(_("Compare: unknown kind of group '{kind}'.").format(kind=group.kind))


def group_statistics(
    *,
    session: Session,
    viewer: Viewer,
    instrument: bank.Instrument,
    group: GroupRef,
    min_group: int,
) -> tuple[str, pd.DataFrame]:
    """The group's label and its skill statistics (skill_id, skill, n, mean, sd).

    A team's and the organisation's averages pass the small-group gate (no mean or sd over
    fewer than `min_group` people); a person's are their own scores (n = 1).
    """
    if group.kind == "organisation":
        stats = teams.organisation_statistics(
            session=session, viewer=viewer, instrument=instrument, min_group=min_group
        )
        return _(ORGANISATION), stats
    label, scores = group_scores(session=session, viewer=viewer, instrument=instrument, group=group)
    if group.kind == "person":
        return label, teams.person_statistics(scores, instrument)
    return label, teams.skill_statistics(scores, instrument, min_group)


def profiles(groups: list[tuple[str, str, pd.DataFrame]]) -> pd.DataFrame:
    """(label, kind, skill statistics) per group -> one row per group and skill."""
    if not groups:
        return pd.DataFrame(columns=PROFILE_COLUMNS)
    # Column by column rather than assign and concat per group: this runs on every team
    # overview and comparison, and the frames hold a dozen rows each.
    sizes = [len(stats) for _, _, stats in groups]
    columns = {
        "group": np.repeat([label for label, _, _ in groups], sizes),
        "kind": np.repeat([kind for _, kind, _ in groups], sizes),
    }
    for column in PROFILE_COLUMNS[2:]:
        columns[column] = np.concatenate([stats[column].to_numpy() for _, _, stats in groups])
    return pd.DataFrame(columns, columns=PROFILE_COLUMNS)


def differences(
    profile_frame: pd.DataFrame,
    sem: dict[str, float],
    own_sem: Mapping[tuple[str, str], float] | None = None,
) -> pd.DataFrame:
    """Each group's mean minus the first group's, per skill, with the noise margin.

    `sem` is each skill's SEM of a full-length score; `own_sem` overrides it for one
    person's score, keyed by (group label, skill_id) (`person_errors`)."""
    labels = list(dict.fromkeys(profile_frame["group"]))
    if len(labels) < 2:
        return pd.DataFrame(columns=DIFFERENCE_COLUMNS)
    # Plain arrays: a profile has a few dozen rows, where each pandas merge costs more
    # than the arithmetic (this runs on every team overview and comparison).
    columns = ["group", "skill_id", "skill", "n", "mean", "sd"]
    group, skill_id, skill, n, mean, sd = (profile_frame[c].to_numpy() for c in columns)
    mean, sd, n = mean.astype(float), sd.astype(float), n.astype(float)
    scored = ~np.isnan(mean)
    first = group == labels[0]
    reference = {skill_id[i]: i for i in np.flatnonzero(first & scored)}
    pairs = [
        (i, reference[skill_id[i]])
        for i in np.flatnonzero(~first & scored)
        if skill_id[i] in reference
    ]
    if not pairs:
        return pd.DataFrame(columns=DIFFERENCE_COLUMNS)
    mine, theirs = (np.array(side) for side in zip(*pairs, strict=True))
    own = own_sem or {}

    def errors(rows: np.ndarray) -> np.ndarray:
        return np.array(
            [own.get((group[i], skill_id[i]), sem.get(skill_id[i], np.nan)) for i in rows],
            dtype=float,
        )

    difference = mean[mine] - mean[theirs]
    margin = reliability.noise_margin(
        reliability.error_variance(n[mine], sd[mine], errors(mine)),
        reliability.error_variance(n[theirs], sd[theirs], errors(theirs)),
    )
    return pd.DataFrame(
        {
            "group": group[mine],
            "skill_id": skill_id[mine],
            "skill": skill[mine],
            "difference": difference,
            "margin": margin,
            "beyond_noise": np.abs(difference) > margin,
        }
    )


def skill_errors(
    organisation: pd.DataFrame, reliabilities: dict[str, reliability.SkillReliability]
) -> dict[str, float]:
    """Each skill's standard error of measurement, from the organisation's spread
    (`organisation` is its skill statistics: skill_id and sd); skills whose reliability
    cannot be used (`provisional`, see reliability.SkillReliability) get none."""
    return {
        row.skill_id: reliability.measurement_error(
            float(row.sd), reliabilities[row.skill_id].alpha
        )
        for row in organisation.itertuples()
        if row.skill_id in reliabilities
        and not reliabilities[row.skill_id].provisional
        and pd.notna(row.sd)
    }


def person_errors(
    organisation: pd.DataFrame,
    reliabilities: dict[str, reliability.SkillReliability],
    answered: Mapping[str, int],
) -> dict[str, float]:
    """One person's SEM per skill from the reliability of the statements they answered
    (`answered`: skill_id -> statements), SD x sqrt(1 - reliability of k statements); a
    skill without a count, or whose counted statements are unknown, keeps the full-length
    SEM of `skill_errors`; skills whose reliability cannot be used get none."""
    full = skill_errors(organisation, reliabilities)
    sds = dict(zip(organisation["skill_id"], organisation["sd"], strict=True))
    own = {}
    for skill_id, error in full.items():
        k = answered.get(skill_id)
        source = reliabilities[skill_id]
        own[skill_id] = (
            reliability.measurement_error(float(sds[skill_id]), source.for_items(int(k)))
            if k and source.items
            else error
        )
    return own


def _answered(session: Session, person_id: int) -> dict[str, int]:
    """How many statements of each skill the person answered in their latest submission
    (the one `teams.latest_scores` reads). Called only after `group_scores` has checked
    that the viewer may read this person's results."""
    latest = teams._latest_submissions()
    rows = session.exec(
        select(SkillScore.skill_id, SkillScore.answered)
        .join(latest, latest.c.id == SkillScore.submission_id)
        .where(latest.c.person_id == person_id)
    ).all()
    return {skill_id: int(count) for skill_id, count in rows}


def compare(
    *,
    session: Session,
    viewer: Viewer,
    instrument: bank.Instrument,
    groups: list[GroupRef],
    reliabilities: dict[str, reliability.SkillReliability],
    min_group: int,
) -> Comparison:
    """Profiles of two or more groups side by side, differences to the first one marked."""
    if len(groups) < 2:
        raise InvalidInput(_("Compare: choose at least two people or teams."))
    if len(set(groups)) < len(groups):
        raise InvalidInput(_("Compare: each person or team can be chosen once."))
    loaded = []
    for group in groups:
        label, stats = group_statistics(
            session=session,
            viewer=viewer,
            instrument=instrument,
            group=group,
            min_group=min_group,
        )
        loaded.append((label, group.kind, stats))
    organisation = teams.organisation_statistics(
        session=session, viewer=viewer, instrument=instrument, min_group=min_group
    )
    frame = profiles(loaded)
    errors = skill_errors(organisation, reliabilities)
    own = {
        (label, skill_id): error
        for group, (label, _, _) in zip(groups, loaded, strict=True)
        if group.kind == "person"
        for skill_id, error in person_errors(
            organisation, reliabilities, _answered(session, int(group.id))
        ).items()
    }
    provisional = tuple(s for s, r in reliabilities.items() if r.provisional)
    return Comparison(frame, differences(frame, errors, own), loaded[0][0], provisional)
