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
import threading
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Literal

import numpy as np
import pandas as pd
from sqlalchemy import func
from sqlmodel import Session, select

from leadcoach.assessment.submissions import newest_first_rank
from leadcoach.instrument import bank
from leadcoach.measurement import psychometrics
from leadcoach.people.access import Action, Viewer, person_for
from leadcoach.platform import data_version
from leadcoach.platform.errors import InvalidInput
from leadcoach.platform.i18n import N_, _
from leadcoach.platform.models import Instrument, Person, SkillScore, Submission, Team

NormGroup = Literal["organisation", "site", "vendor", "role"]
GROUPS: tuple[str, ...] = ("organisation", "site", "vendor", "role")
# The groups' names as a sentence reads them, for the catalog (issue 25).
GROUP_WORDS = (N_("organisation"), N_("site"), N_("vendor"), N_("role"))
GROUP_LABELS = (N_("Organisation"), N_("Site"), N_("Vendor"), N_("Role"))
TABLE_COLUMNS = ["skill_id", "skill", "score", "percentile", "percentile_low",
                 "percentile_high", "n", "provisional"]  # fmt: skip


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
    norm: pd.DataFrame | Mapping[str, np.ndarray],
    instrument: bank.Instrument,
    min_norm_group: int,
    bands: Mapping[str, tuple[float, float]] | None = None,
) -> pd.DataFrame:
    """Percentile rank of each of a person's skill scores within the norm scores.

    With `bands` (skill id -> the score's measurement band, `reliability.score_band`),
    percentile_low and percentile_high are the ranks of the band's ends: the percentile as
    the range a true score in the band could have (NaN without a band).

    `person` maps skill id -> score (None or NaN: no score); `norm` has skill_id and score,
    one row per person and skill, or is already `sorted_by_skill`. Pure (no database).
    Columns TABLE_COLUMNS: n is the number of norm scores for the skill; provisional when
    n < min_norm_group; percentile is NaN when the person has no score for the skill or
    the norm has none.
    """
    by_skill = sorted_by_skill(norm) if isinstance(norm, pd.DataFrame) else norm
    rows = []
    for skill in instrument.skills:
        raw = person.get(skill.id)
        score = math.nan if raw is None or pd.isna(raw) else float(raw)
        values = by_skill.get(skill.id, _NO_SCORES)
        n = int(values.size)
        percentile = low = high = math.nan
        band = (bands or {}).get(skill.id, (math.nan, math.nan))
        if n and not math.isnan(score):
            ranks = psychometrics.percentile_ranks(np.array([score, *band]), values)
            percentile, low, high = (float(r) for r in ranks)
        rows.append([skill.id, skill.name, score, percentile, low, high, n, n < min_norm_group])
    table = pd.DataFrame(rows, columns=TABLE_COLUMNS)
    numbers = ["score", "percentile", "percentile_low", "percentile_high"]
    table[numbers] = table[numbers].astype(float)
    table["provisional"] = table["provisional"].astype(bool)
    return table


_NO_SCORES = np.empty(0)


def sorted_by_skill(norm: pd.DataFrame) -> dict[str, np.ndarray]:
    """Per skill id, its norm scores without the missing ones, in ascending order."""
    values = pd.to_numeric(norm["score"], errors="coerce").to_numpy(dtype=float, na_value=np.nan)
    kept = ~np.isnan(values)
    # One sort by skill, then score, over all rows; each skill's scores are then a slice.
    codes, skill_ids = pd.factorize(norm["skill_id"].to_numpy(dtype=object)[kept])
    values = values[kept]
    order = np.lexsort((values, codes))
    bounds = np.searchsorted(codes[order], np.arange(len(skill_ids) + 1))
    ordered = values[order]
    return {
        skill_id: ordered[bounds[index] : bounds[index + 1]]
        for index, skill_id in enumerate(skill_ids)
    }


class NormSample:
    """Everyone's latest scores (`norm_scores`), for many percentile lookups.

    Each norm group's scores are sorted per skill the first time the group is asked for,
    so a person's percentiles are twelve binary searches rather than scans of the whole
    sample (120,000 rows with 10,000 supervisors). Read-only once built; safe to share.
    The rows stay inside: pages get group sizes and percentiles, never another person's
    score (see the module's docstring).
    """

    def __init__(self, frame: pd.DataFrame) -> None:
        self._frame = frame
        self._groups: dict[tuple[str, str | None], tuple[int, dict[str, np.ndarray]]] = {}
        self._lock = threading.Lock()

    def group(self, kind: str, value: str | None = None) -> tuple[int, dict[str, np.ndarray]]:
        """(people, sorted scores per skill) of the organisation, or of one site, vendor or
        role (`kind` and its `value`)."""
        key = (kind, value)
        with self._lock:
            found = self._groups.get(key)
        if found is None:
            frame = self._frame
            members = frame if kind == "organisation" else frame[frame[kind] == value]
            found = (int(members["person_id"].nunique()), sorted_by_skill(members))
            with self._lock:
                self._groups[key] = found
        return found

    def own_scores(self, person_id: int) -> dict[str, float]:
        """The person's latest score per skill id (empty before a first submission)."""
        own = self._frame[self._frame["person_id"].to_numpy() == person_id]
        return dict(zip(own["skill_id"], own["score"], strict=True))


class NormSamples:
    """`NormSample`s of everyone's latest scores, reused until the data version moves.

    A submission bumps the data version (migration 0005), so the person who has just
    submitted is counted and compared at once, as are people moved between sites or
    teams (migration 0006). Reading the sample takes ~0.3 s with 10,000 supervisors, so
    it is shared by every session of the server while the data stays the same. Bounded
    (oldest out first)."""

    def __init__(self, max_entries: int = 4):
        self._cache: data_version.VersionedCache[NormSample] = data_version.VersionedCache(
            max_entries
        )

    def get(self, session: Session, instrument: bank.Instrument) -> NormSample:
        """The sample for the data as it stands in this session's database now."""
        key = (*data_version.current(session), instrument.id)
        return self._cache.get(key, lambda: NormSample(norm_scores(session, instrument)))


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
    everyone: pd.DataFrame | NormSample | None = None,
    bands: Mapping[str, tuple[float, float]] | None = None,
) -> NormResult:
    """The person's latest skill scores as percentile ranks within a norm group.

    The viewer must be allowed to read the person's results. `group` is "organisation"
    (default), "site", "vendor" or "role"; a site, vendor or role group with fewer than
    `min_norm_group` people (or a person with none recorded) falls back to the organisation.
    """
    if group not in GROUPS:
        raise InvalidInput(
            _("Norm group: choose one of {groups} (got {group}).").format(
                groups=", ".join(GROUPS), group=repr(group)
            )
        )
    person = person_for(
        session=session, viewer=viewer, action=Action.READ_RESULTS, person_id=person_id
    )
    if everyone is None:
        everyone = norm_scores(session, instrument)
    sample = everyone if isinstance(everyone, NormSample) else NormSample(everyone)
    organisation_size, organisation = sample.group("organisation")

    used, label, size, members, note = (
        "organisation", _("the whole organisation"), organisation_size, organisation, None
    )  # fmt: skip
    if group != "organisation":
        value = _attribute(session, person, group)
        if value is None:
            note = _(
                "No {group} is recorded for this person, so the whole organisation is used."
            ).format(group=_(group))
        else:
            group_size, group_scores = sample.group(group, value)
            if group_size >= min_norm_group:
                label = _("{group} {value}").format(group=_(group), value=value)
                used, size, members = group, group_size, group_scores
            else:
                note = _(
                    "The {group} {value} has {size} people with an assessment; at least "
                    "{needed} are needed for its own norm, so the whole organisation is used."
                ).format(group=_(group), value=value, size=group_size, needed=min_norm_group)
    scores = sample.own_scores(person.id)
    if not scores:
        note = _("No submitted self-assessment yet, so there is nothing to compare.")
    table = percentile_table(scores, members, instrument, min_norm_group, bands)
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
