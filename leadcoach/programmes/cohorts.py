"""Cohort reviews for HR: cohorts, their members and rounds, completion, and change per skill.

A cohort is an intake group of new supervisors followed over assessment rounds (baseline,
day 90, day 180, ...). Each round has a window of dates, both ends included; a member's
self-assessment belongs to the round whose window holds its UTC date, and when a member
submitted several times in one window the latest counts. Windows of one cohort never
overlap (`add_round` refuses), so a submission belongs to one round at most.

The statistics are plain numpy (no scipy in the core): the paired t interval and Cohen's
d_z for change from baseline, Holm's step-down correction for testing the twelve skills at
once. Any average over fewer than `min_group` people (Settings.min_group_size) is
suppressed, so no one can be singled out through a mean.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

import numpy as np
import numpy.typing as npt
import pandas as pd
from scipy import optimize, special, stats
from sqlalchemy import func
from sqlmodel import Session, col, select

from leadcoach.instrument import bank
from leadcoach.measurement import groups as gate
from leadcoach.measurement import plausibility, reliability
from leadcoach.people import audit
from leadcoach.people.access import Action, Viewer, cohort_for, require
from leadcoach.platform.errors import InvalidInput, NotFound
from leadcoach.platform.i18n import _
from leadcoach.platform.models import (
    Cohort,
    CohortMember,
    CohortRound,
    Instrument,
    Person,
    Role,
    SkillScore,
    Submission,
    Team,
)
from leadcoach.platform.validation import clean_text

BREAKDOWNS = ("site", "vendor", "team", "language")
NOT_RECORDED = "Not recorded"  # the group of members whose site, vendor, ... is blank
ALPHA = 0.05  # family-wise error rate of the Holm-corrected tests

MEMBER_COLUMNS = ["person_id", "name", "email", "team", "site", "vendor", "language"]
ROUND_COLUMNS = ["round_id", "round", "round_order", "opens_on", "closes_on"]
ROUND_SCORE_COLUMNS = [
    "person_id",
    "name",
    "team",
    "site",
    "vendor",
    "language",
    "round_id",
    "round",
    "round_order",
    "opens_on",
    "closes_on",
    "submission_id",
    "submitted_at",
    "skill_id",
    "skill",
    "score",
    "answered",  # statements of the skill the person answered (for their own reliability)
]
COMPLETION_COLUMNS = [
    "round_id",
    "round",
    "opens_on",
    "closes_on",
    "status",
    "members",
    "submitted",
    "missing",
    "missing_ids",
    "rate",
]
CHASE_COLUMNS = ["round", "closes_on", "person_id", "name", "email", "team", "site"]
DISTRIBUTION_COLUMNS = [
    "round",
    "round_order",
    "skill_id",
    "skill",
    "n",
    "mean",
    "sd",
    "min",
    "q1",
    "median",
    "q3",
    "max",
    "suppressed",
]
CHANGE_COLUMNS = [
    "skill_id",
    "skill",
    "n",
    "baseline_mean",
    "latest_mean",
    "mean_change",
    "sd_change",
    "ci_low",
    "ci_high",
    "d_z",
    "dz_low",
    "dz_high",
    "t",
    "p",
    "p_holm",
    "significant",
    "suppressed",
]
BREAKDOWN_COLUMNS = ["group", "skill_id", "skill", "n", "mean", "suppressed"]
COMPARE_COLUMNS = [
    "cohort",
    "skill_id",
    "skill",
    "baseline_round",
    "latest_round",
    "n_latest",
    "latest_mean",
    "n",
    "mean_change",
    "ci_low",
    "ci_high",
    "d_z",
    "p_holm",
    "significant",
    "suppressed",
]


# --------------------------------------------------------------------------------------
# Writes (HR and admins: Action.MANAGE_COHORTS)
# --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class RoundSpec:
    """A suggested round: its name and window (both dates included)."""

    name: str
    opens_on: date
    closes_on: date


# (name, first day after the start, last day after the start): three weeks to respond.
DEFAULT_ROUNDS = [("Baseline", 0, 21), ("Day 90", 90, 111), ("Day 180", 180, 201)]


def default_rounds(start_date: date) -> list[RoundSpec]:
    """The usual rounds of an intake cohort: Baseline (day 0-21), Day 90 (90-111) and
    Day 180 (180-201), counted from the cohort's start date."""
    return [
        RoundSpec(name, start_date + timedelta(days=first), start_date + timedelta(days=last))
        for name, first, last in DEFAULT_ROUNDS
    ]


def _check_date(value: object, field: str) -> date:
    if value is None or value == "":
        raise InvalidInput(_("{field}: give a date.").format(field=field))
    if isinstance(value, datetime) or not isinstance(value, date):
        raise InvalidInput(
            _("{field}: give a calendar date such as 2026-03-01 (got {value}).").format(
                field=field, value=repr(value)
            )
        )
    return value


def _managed_cohort(session: Session, viewer: Viewer, cohort_id: int) -> Cohort:
    require(viewer, Action.MANAGE_COHORTS)
    cohort = session.get(Cohort, cohort_id)
    if cohort is None:
        raise NotFound(_("No such cohort."))
    return cohort


def create_cohort(
    *, session: Session, viewer: Viewer, name: str, start_date: date, description: str = ""
) -> int:
    """Create a cohort (no members or rounds yet) and return its id."""
    require(viewer, Action.MANAGE_COHORTS)
    cleaned = clean_text(name, "Name", 120, one_line=True)
    start = _check_date(start_date, "Start date")
    about = clean_text(description, "Description", 500, required=False, one_line=True)
    # Compared casefolded in Python: SQL lower() differs between SQLite and PostgreSQL.
    if any(taken.casefold() == cleaned.casefold() for taken in session.exec(select(Cohort.name))):
        raise InvalidInput(
            _("Name: a cohort called {cleaned} already exists; choose another.").format(
                cleaned=repr(cleaned)
            )
        )
    cohort = Cohort(name=cleaned, start_date=start, description=about)
    session.add(cohort)
    session.flush()
    audit.record(session, viewer.person_id, "cohort_created", f"cohort {cohort.id}")
    return cohort.id


def add_members(
    *, session: Session, viewer: Viewer, cohort_id: int, person_ids: Iterable[int]
) -> int:
    """Add supervisors to a cohort; people already in it are skipped. Returns how many were
    added. Nothing is written when any id is unknown or not a supervisor."""
    _managed_cohort(session, viewer, cohort_id)
    wanted = list(dict.fromkeys(int(person_id) for person_id in person_ids))
    if not wanted:
        return 0
    people = {
        person.id: person
        for person in session.exec(select(Person).where(col(Person.id).in_(wanted)))
    }
    unknown = [person_id for person_id in wanted if person_id not in people]
    if unknown:
        listed = ", ".join(str(person_id) for person_id in unknown)
        raise InvalidInput(_("Members: no person has the id {listed}.").format(listed=listed))
    others = [people[pid] for pid in wanted if people[pid].role != Role.SUPERVISOR.value]
    if others:
        listed = ", ".join(f"{person.name} ({person.role})" for person in others)
        raise InvalidInput(
            _("Members: only supervisors can join a cohort, not {listed}.").format(listed=listed)
        )
    present = set(
        session.exec(
            select(CohortMember.person_id).where(
                CohortMember.cohort_id == cohort_id, col(CohortMember.person_id).in_(wanted)
            )
        )
    )
    new = [person_id for person_id in wanted if person_id not in present]
    for person_id in new:
        session.add(CohortMember(cohort_id=cohort_id, person_id=person_id))
    session.flush()
    if new:
        audit.record(
            session,
            viewer.person_id,
            "cohort_members_added",
            f"cohort {cohort_id}",
            added=len(new),
            person_ids=new,
        )
    return len(new)


def remove_member(*, session: Session, viewer: Viewer, cohort_id: int, person_id: int) -> bool:
    """Take a person out of a cohort; False when they were not in it. Their submissions stay."""
    _managed_cohort(session, viewer, cohort_id)
    member = session.get(CohortMember, (cohort_id, person_id))
    if member is None:
        return False
    session.delete(member)
    session.flush()
    audit.record(
        session,
        viewer.person_id,
        "cohort_member_removed",
        f"cohort {cohort_id}",
        person_id=person_id,
    )
    return True


def add_round(
    *,
    session: Session,
    viewer: Viewer,
    cohort_id: int,
    name: str,
    opens_on: date,
    closes_on: date,
) -> int:
    """Add an assessment round with its window (both dates included); returns its id.

    Refused with InvalidInput when the name is empty or taken in this cohort, the window
    closes before it opens, or it overlaps another round of the cohort (a submission must
    belong to one round only)."""
    _managed_cohort(session, viewer, cohort_id)
    cleaned = clean_text(name, "Round name", 60, one_line=True)
    opens = _check_date(opens_on, "Opens on")
    closes = _check_date(closes_on, "Closes on")
    if closes < opens:
        raise InvalidInput(
            _(
                "Closes on: the window closes ({closes}) before it opens ({opens}); pick a "
                "closing date on or after the opening date."
            ).format(closes=closes, opens=opens)
        )
    existing = session.exec(
        select(CohortRound).where(CohortRound.cohort_id == cohort_id).order_by(CohortRound.opens_on)
    ).all()
    for other in existing:
        if other.name.casefold() == cleaned.casefold():
            raise InvalidInput(
                _("Round name: this cohort already has a round called {name}.").format(
                    name=repr(other.name)
                )
            )
        if opens <= other.closes_on and other.opens_on <= closes:
            raise InvalidInput(
                _(
                    "Opens on / closes on: the window {opens} to {closes} overlaps the round "
                    "{name} ({opens_on} to {closes_on}); rounds of a cohort must not overlap."
                ).format(
                    opens=opens,
                    closes=closes,
                    name=repr(other.name),
                    opens_on=other.opens_on,
                    closes_on=other.closes_on,
                )
            )
    cohort_round = CohortRound(cohort_id=cohort_id, name=cleaned, opens_on=opens, closes_on=closes)
    session.add(cohort_round)
    session.flush()
    audit.record(
        session,
        viewer.person_id,
        "cohort_round_added",
        f"cohort {cohort_id}",
        round_id=cohort_round.id,
    )
    return cohort_round.id


# --------------------------------------------------------------------------------------
# Reads (HR and admins: Action.READ_ORGANISATION)
# --------------------------------------------------------------------------------------


def cohort_list(*, session: Session, viewer: Viewer) -> pd.DataFrame:
    """Every cohort, newest start first: cohort_id, name, start_date, description, members,
    rounds."""
    require(viewer, Action.READ_ORGANISATION)
    members = (
        select(CohortMember.cohort_id, func.count().label("members"))
        .group_by(CohortMember.cohort_id)
        .subquery()
    )
    rounds = (
        select(CohortRound.cohort_id, func.count().label("rounds"))
        .group_by(CohortRound.cohort_id)
        .subquery()
    )
    rows = session.exec(
        select(
            Cohort.id,
            Cohort.name,
            Cohort.start_date,
            Cohort.description,
            func.coalesce(members.c.members, 0),
            func.coalesce(rounds.c.rounds, 0),
        )
        .join(members, members.c.cohort_id == Cohort.id, isouter=True)
        .join(rounds, rounds.c.cohort_id == Cohort.id, isouter=True)
        .order_by(col(Cohort.start_date).desc(), Cohort.name)
    ).all()
    columns = ["cohort_id", "name", "start_date", "description", "members", "rounds"]
    return pd.DataFrame(rows, columns=columns)


def cohort_rounds(*, session: Session, viewer: Viewer, cohort_id: int) -> pd.DataFrame:
    """The cohort's rounds in date order: round_id, round, round_order (0 = first),
    opens_on, closes_on."""
    cohort_for(session=session, viewer=viewer, cohort_id=cohort_id)
    return _rounds_frame(session, cohort_id)


def cohort_members(*, session: Session, viewer: Viewer, cohort_id: int) -> pd.DataFrame:
    """The cohort's members by name: person_id, name, email, team, site, vendor, language."""
    cohort_for(session=session, viewer=viewer, cohort_id=cohort_id)
    return _members_frame(session, cohort_id)


def _rounds_frame(session: Session, cohort_id: int) -> pd.DataFrame:
    rows = session.exec(
        select(CohortRound.id, CohortRound.name, CohortRound.opens_on, CohortRound.closes_on)
        .where(CohortRound.cohort_id == cohort_id)
        .order_by(CohortRound.opens_on, CohortRound.id)
    ).all()
    frame = pd.DataFrame(rows, columns=["round_id", "round", "opens_on", "closes_on"])
    frame.insert(2, "round_order", range(len(frame)))
    return frame[ROUND_COLUMNS]


def _members_frame(session: Session, cohort_id: int) -> pd.DataFrame:
    # A person's own site and vendor (from the roster) win over their team's: a supervisor
    # may sit at another site than the team's home; the team's fill the blanks.
    rows = session.exec(
        select(
            Person.id,
            Person.name,
            Person.email,
            Team.name,
            func.coalesce(Person.site, Team.site),
            func.coalesce(Person.vendor, Team.vendor),
            Person.language,
        )
        .join(CohortMember, CohortMember.person_id == Person.id)
        .join(Team, Team.id == Person.team_id, isouter=True)
        .where(CohortMember.cohort_id == cohort_id)
        .order_by(Person.name, Person.id)
    ).all()
    return pd.DataFrame([tuple(row) for row in rows], columns=MEMBER_COLUMNS)


def _assigned_submissions(
    session: Session, cohort_id: int, rounds: pd.DataFrame, instrument: bank.Instrument | None
) -> pd.DataFrame:
    """Each member's submission per round: person_id, round_id, submission_id, submitted_at.

    A submission belongs to a round when its UTC date lies in [opens_on, closes_on]; of
    several in one window the latest counts (ties: the higher id, the later written).
    """
    query = (
        select(Submission.id, Submission.person_id, Submission.submitted_at)
        .join(CohortMember, CohortMember.person_id == Submission.person_id)
        .where(CohortMember.cohort_id == cohort_id, Submission.relation == "self")
    )
    if instrument is not None:
        query = query.join(Instrument, Instrument.id == Submission.instrument_id).where(
            Instrument.instrument_key == instrument.id
        )
    columns = ["person_id", "round_id", "submission_id", "submitted_at"]
    subs = pd.DataFrame(
        [tuple(row) for row in session.exec(query)],
        columns=["submission_id", "person_id", "submitted_at"],
    )
    if subs.empty or rounds.empty:
        return pd.DataFrame(columns=columns)
    subs["submitted_at"] = pd.to_datetime(subs["submitted_at"], utc=True)
    # Round by round with numpy (a cohort has a handful of rounds) rather than a cross join
    # of every submission with every round.
    subs = subs.sort_values(["submitted_at", "submission_id"], kind="stable")
    moments = subs["submitted_at"].to_numpy(dtype="datetime64[ns]")
    days = moments.astype("datetime64[D]")
    people = subs["person_id"].to_numpy()
    chosen = []  # (row in time order, round in date order, round id)
    windows = rounds[["round_id", "opens_on", "closes_on"]].itertuples(index=False)
    for order, (round_id, opens_on, closes_on) in enumerate(windows):
        inside = np.flatnonzero(
            (days >= np.datetime64(opens_on, "D")) & (days <= np.datetime64(closes_on, "D"))
        )
        # The last of each person's submissions in the window (rows are in time order).
        latest = inside[::-1][np.unique(people[inside][::-1], return_index=True)[1]]
        chosen.extend((position, order, round_id) for position in latest.tolist())
    chosen.sort()  # in time order, as before
    picked = subs.iloc[[position for position, _, _ in chosen]].reset_index(drop=True)
    picked.insert(1, "round_id", [round_id for _, _, round_id in chosen])
    return picked[columns]


def round_scores(
    *, session: Session, viewer: Viewer, cohort_id: int, instrument: bank.Instrument
) -> pd.DataFrame:
    """One row per member x round x skill, with the score of the member's submission in
    that round (NaN, and no submission_id, when they have none or the skill had too few
    answers). Columns: ROUND_SCORE_COLUMNS; rounds in date order, skills in questionnaire
    order. Only self-assessments of this instrument (any version) count."""
    cohort_for(session=session, viewer=viewer, cohort_id=cohort_id)
    members = _members_frame(session, cohort_id)
    rounds = _rounds_frame(session, cohort_id)
    assigned = _assigned_submissions(session, cohort_id, rounds, instrument)
    return _round_scores_frame(session, instrument, cohort_id, members, rounds, assigned)


def _round_scores_frame(
    session: Session,
    instrument: bank.Instrument,
    cohort_id: int,
    members: pd.DataFrame,
    rounds: pd.DataFrame,
    assigned: pd.DataFrame,
) -> pd.DataFrame:
    skill_ids = [skill.id for skill in instrument.skills]
    score_rows = []
    if not assigned.empty:
        # The scores of every submission of the members (a superset of those assigned to
        # rounds; the rest are dropped below) by a subquery, not a list of thousands of
        # ids to bind; Core rows, as the ORM's per-row processing cost more than the query.
        of_members = (
            select(Submission.id)
            .join(CohortMember, CohortMember.person_id == Submission.person_id)
            .where(CohortMember.cohort_id == cohort_id)
        )
        score_rows = (
            session.connection()
            .execute(
                select(
                    SkillScore.submission_id,
                    SkillScore.skill_id,
                    SkillScore.score,
                    SkillScore.answered,
                ).where(col(SkillScore.submission_id).in_(of_members))
            )
            .all()
        )
    # Built with numpy in its final order (rounds, members by name, skills in questionnaire
    # order) rather than by cross joins, merges and a sort over members x rounds x skills
    # rows: this was most of a 250-person review's time.
    members = members.sort_values(["name", "person_id"], kind="stable")
    rounds = rounds.sort_values("round_order", kind="stable")
    m, r, k = len(members), len(rounds), len(skill_ids)
    round_at = np.repeat(np.arange(r), m * k)
    member_at = np.tile(np.repeat(np.arange(m), k), r)
    skill_at = np.tile(np.arange(k), m * r)
    # The row of `assigned` holding each member's submission in each round, -1 for none.
    slot = {
        key: row
        for row, key in enumerate(
            zip(assigned["person_id"].tolist(), assigned["round_id"].tolist(), strict=True)
        )
    }
    person_ids, round_ids = members["person_id"].tolist(), rounds["round_id"].tolist()
    chosen = np.array(
        [slot.get((person, round_id), -1) for round_id in round_ids for person in person_ids],
        dtype=np.int64,
    )
    chosen_at = np.repeat(chosen, k)
    # Scores as a submissions x skills matrix; its extra last row (index -1) is all missing.
    matrix = np.full((len(assigned) + 1, k), np.nan)
    answered = np.full((len(assigned) + 1, k), np.nan)
    if score_rows:
        submission, skill, score, count = zip(*score_rows, strict=True)
        row = pd.Index(assigned["submission_id"]).get_indexer(submission)
        column = pd.Index(skill_ids).get_indexer(skill)
        # Not assigned to a round, or a skill of another version of the questionnaire.
        known = (row >= 0) & (column >= 0)
        matrix[row[known], column[known]] = np.array(score, dtype=float)[known]
        answered[row[known], column[known]] = np.array(count, dtype=float)[known]
    frame = pd.DataFrame(
        {
            **{c: members[c].array.take(member_at) for c in ROUND_SCORE_COLUMNS[:6]},
            **{c: rounds[c].array.take(round_at) for c in ROUND_SCORE_COLUMNS[6:11]},
            "submission_id": pd.array(assigned["submission_id"], dtype="Int64").take(
                chosen_at, allow_fill=True
            ),
            "submitted_at": pd.to_datetime(assigned["submitted_at"], utc=True).array.take(
                chosen_at, allow_fill=True
            ),
            "skill_id": pd.array(skill_ids, dtype="str").take(skill_at),
            "skill": pd.array([s.name for s in instrument.skills], dtype="str").take(skill_at),
            "score": matrix[chosen_at, skill_at],
            "answered": pd.array(answered[chosen_at, skill_at], dtype="Float64").astype("Int64"),
        }
    )
    return frame[ROUND_SCORE_COLUMNS]


def _round_status(opens_on: date, closes_on: date, today: date) -> str:
    if today < opens_on:
        return "upcoming"
    return "open" if today <= closes_on else "closed"


def completion(
    *,
    session: Session,
    viewer: Viewer,
    cohort_id: int,
    instrument: bank.Instrument | None = None,
    today: date | None = None,
) -> pd.DataFrame:
    """Per round, in date order: members, submitted, missing (names, to chase), missing_ids,
    rate (submitted / members) and status ("upcoming", "open" or "closed" on `today`, by
    default the UTC date). With an instrument, only its submissions count."""
    cohort_for(session=session, viewer=viewer, cohort_id=cohort_id)
    members = _members_frame(session, cohort_id)
    rounds = _rounds_frame(session, cohort_id)
    assigned = _assigned_submissions(session, cohort_id, rounds, instrument)
    return _completion_frame(members, rounds, assigned, today)


def _completion_frame(
    members: pd.DataFrame, rounds: pd.DataFrame, assigned: pd.DataFrame, today: date | None
) -> pd.DataFrame:
    today = today or datetime.now(UTC).date()
    rows = []
    for entry in rounds.itertuples(index=False):
        done = set(assigned.loc[assigned["round_id"] == entry.round_id, "person_id"])
        missing = members[~members["person_id"].isin(done)]
        count = len(members)
        submitted = count - len(missing)
        rows.append(
            (
                entry.round_id,
                entry.round,
                entry.opens_on,
                entry.closes_on,
                _round_status(entry.opens_on, entry.closes_on, today),
                count,
                submitted,
                list(missing["name"]),
                [int(i) for i in missing["person_id"]],
                submitted / count if count else math.nan,
            )
        )
    return pd.DataFrame(rows, columns=COMPLETION_COLUMNS)


def chase_list(
    *,
    session: Session,
    viewer: Viewer,
    cohort_id: int,
    instrument: bank.Instrument | None = None,
    round_name: str | None = None,
) -> pd.DataFrame:
    """Members without a submission in a round (every round, or the one named), one row
    per person and round, with the email to write to: CHASE_COLUMNS."""
    cohort_for(session=session, viewer=viewer, cohort_id=cohort_id)
    members = _members_frame(session, cohort_id)
    rounds = _rounds_frame(session, cohort_id)
    if round_name is not None:
        if round_name not in set(rounds["round"]):
            raise InvalidInput(
                _("Round: this cohort has no round called {round_name}.").format(
                    round_name=repr(round_name)
                )
            )
        rounds = rounds[rounds["round"] == round_name]
    assigned = _assigned_submissions(session, cohort_id, rounds, instrument)
    return _chase_frame(members, rounds, assigned)


def _chase_frame(members: pd.DataFrame, rounds: pd.DataFrame, assigned: pd.DataFrame):
    grid = members.merge(rounds, how="cross")
    done = grid.merge(assigned[["person_id", "round_id"]], how="left", indicator=True)
    missing = done[done["_merge"] == "left_only"]
    missing = missing.sort_values(["round_order", "name", "person_id"], kind="stable")
    return missing[CHASE_COLUMNS].reset_index(drop=True)


# --------------------------------------------------------------------------------------
# Statistics (distributions from scipy.stats)
# --------------------------------------------------------------------------------------


def t_p_value(t: float, df: float) -> float:
    """Two-sided p-value of Student's t with `df` degrees of freedom (NaN where undefined)."""
    if math.isnan(t) or not df > 0:
        return math.nan
    return float(2.0 * stats.t.sf(abs(t), df))


@functools.lru_cache(maxsize=1024)
def t_quantile(probability: float, df: float) -> float:
    """Quantile of Student's t with `df` degrees of freedom (0.975 -> the 95% critical value);
    NaN outside (0, 1) or for df <= 0. Cached: a review asks for the same few critical
    values for every skill and breakdown."""
    if not 0.0 < probability < 1.0 or not df > 0:
        return math.nan
    return float(stats.t.ppf(probability, df))


@dataclass(frozen=True)
class ChangeStats:
    """Paired change from baseline to latest: people with both scores (n), the mean and
    standard deviation of the change, its confidence interval, Cohen's d_z with its
    interval, t and the two-sided p-value (NaN where undefined, e.g. n < 2, or where the
    changes have no spread: `note` says why)."""

    n: int
    mean_change: float
    sd_change: float
    ci_low: float
    ci_high: float
    d_z: float
    t: float
    p: float
    dz_low: float = math.nan
    dz_high: float = math.nan
    note: str = ""


def dz_interval(d_z: float, n: int, confidence: float = 0.95) -> tuple[float, float]:
    """Confidence interval of Cohen's d_z by inverting the noncentral t distribution
    (Cumming & Finch, 2001, Educ. Psychol. Meas. 61(4), 532-574; Algina & Keselman, 2003,
    Educ. Psychol. Meas. 63(4), 537-553): t = d_z sqrt(n) has n - 1 df and noncentrality
    delta sqrt(n); the bounds are the noncentralities at which the observed t sits at the
    upper and lower tail probability, divided by sqrt(n)."""
    if not (math.isfinite(d_z) and n >= 2):
        return (math.nan, math.nan)
    t, df, root = d_z * math.sqrt(n), n - 1, math.sqrt(n)
    tail = (1 - confidence) / 2

    def bound(probability: float) -> float:
        def gap(ncp: float) -> float:
            # scipy.special's nctdtr is stats.nct.cdf without the distribution object's
            # overhead (~1 microsecond instead of ~200): a review solves this for 24 bounds.
            value = float(special.nctdtr(df, ncp, t))
            if math.isnan(value):  # scipy's far tails (1 df): the cdf is then 0 or 1
                value = 0.0 if ncp > t else 1.0
            return value - probability

        width = 10.0 + abs(t)
        low, high = t - width, t + width
        while gap(low) < 0:  # the cdf falls as the noncentrality grows
            low -= width
        while gap(high) > 0:
            high += width
        return optimize.brentq(gap, low, high, xtol=1e-10) / root

    return (bound(1 - tail), bound(tail))


def paired_change(
    baseline: npt.ArrayLike, latest: npt.ArrayLike, confidence: float = 0.95
) -> ChangeStats:
    """The paired t analysis of latest - baseline, over people with both values.

    With differences d_i (n of them), mean d̄ and sd s (n - 1 in the denominator):
    SE = s / sqrt(n); t = d̄ / SE with n - 1 df; CI = d̄ ± t_{1-α/2, n-1} x SE;
    Cohen's d_z = d̄ / s (Cohen, 1988, Statistical Power Analysis, 2nd ed., eq. 2.3.5;
    Lakens, 2013, Front. Psychol. 4:863, eq. 6) with its `dz_interval`;
    p = P(|T_{n-1}| >= |t|).
    When every difference is the same, s is zero or floating-point noise (4e-15 for three
    rises of 25 points): t, p and d_z are NaN with the reason in `note`, never ±inf or
    5.7e15 (plausibility.effect_size).
    """
    before = np.asarray(baseline, dtype=float).ravel()
    after = np.asarray(latest, dtype=float).ravel()
    if before.shape != after.shape:
        raise ValueError(
            f"paired_change needs one baseline and one latest value per person "
            f"(got {before.size} baseline and {after.size} latest values)."
        )
    both = np.isfinite(before) & np.isfinite(after)
    diffs = after[both] - before[both]
    n = int(diffs.size)
    nan = math.nan
    if n == 0:
        return ChangeStats(0, nan, nan, nan, nan, nan, nan, nan)
    mean = float(np.mean(diffs))
    if n == 1:
        return ChangeStats(1, mean, nan, nan, nan, nan, nan, nan)
    sd = float(np.std(diffs, ddof=1))
    se = sd / math.sqrt(n)
    df = n - 1
    margin = t_quantile(0.5 + confidence / 2.0, df) * se
    effect = plausibility.effect_size(
        mean, sd, scale=max(abs(mean), float(np.abs(diffs).max()), 1.0), n=n
    )
    if not effect.ok:
        sd = 0.0 if sd < 1e-9 else sd
        return ChangeStats(n, mean, sd, mean - margin, mean + margin, nan, nan, nan,
                           note=effect.reason)  # fmt: skip
    t = mean / se
    low, high = dz_interval(effect.value, n, confidence)
    return ChangeStats(
        n, mean, sd, mean - margin, mean + margin, effect.value, t, t_p_value(t, df), low, high
    )


def holm(p_values: npt.ArrayLike) -> np.ndarray:
    """Holm's step-down adjusted p-values, in the input's order; NaN stays NaN and is not
    counted among the m tests.

    Sort the m p-values p_(1) <= ... <= p_(m); the adjusted p_(i) is
    min(1, max_{j <= i} (m - j + 1) p_(j)) (Holm, 1979, Scand. J. Statist. 6:65-70), which
    keeps the adjusted values in the order of the raw ones. Reject where adjusted < α.
    """
    raw = np.asarray(p_values, dtype=float).ravel()
    known = ~np.isnan(raw)
    if np.any((raw[known] < 0.0) | (raw[known] > 1.0)):
        raise ValueError("holm: every p-value must lie between 0 and 1.")
    adjusted = np.full(raw.shape, np.nan)
    index = np.flatnonzero(known)
    m = index.size
    if m == 0:
        return adjusted
    order = index[np.argsort(raw[index], kind="stable")]
    steps = (m - np.arange(m)) * raw[order]
    adjusted[order] = np.minimum(1.0, np.maximum.accumulate(steps))
    return adjusted


def _check_round(frame: pd.DataFrame, round_name: str, field: str) -> None:
    if not frame["round"].eq(round_name).any():  # vectorised: a set() walks every row
        raise InvalidInput(
            _("{field}: this cohort has no round called {round_name}.").format(
                field=field, round_name=repr(round_name)
            )
        )


def _skill_order(frame: pd.DataFrame) -> tuple[list[str], dict[str, str]]:
    # Deduplicated first: iterating tens of thousands of Arrow strings row by row is slow.
    if "skill" in frame:
        pairs = frame[["skill_id", "skill"]].drop_duplicates("skill_id")
        return list(pairs["skill_id"]), dict(zip(pairs["skill_id"], pairs["skill"], strict=True))
    skills = list(pd.unique(frame["skill_id"]))
    names = {}
    return skills, names


def review_rounds(round_scores: pd.DataFrame) -> tuple[str | None, str | None]:
    """The rounds a review compares by default: the first round (baseline) and the latest
    later round anyone has a score in (None when there is none yet)."""
    if round_scores.empty:
        return None, None
    orders = round_scores["round_order"].to_numpy(dtype=np.int64)
    rounds = round_scores["round"]
    baseline = rounds.iloc[int(np.argmin(orders))]
    scored = np.flatnonzero(
        round_scores["score"].notna().to_numpy() & rounds.ne(baseline).to_numpy()
    )
    if scored.size == 0:
        return baseline, None
    return baseline, rounds.iloc[int(scored[np.argmax(orders[scored])])]


def round_distribution(round_scores: pd.DataFrame, min_group: int) -> pd.DataFrame:
    """Per round and skill, the spread of scores: n, mean, sd, min, quartiles, max.

    A round x skill scored for fewer than `min_group` people keeps its row and n, with
    every other figure NaN and suppressed=True.
    """
    if round_scores.empty:
        return pd.DataFrame(columns=DISTRIBUTION_COLUMNS)
    skills, names = _skill_order(round_scores)
    orders, round_codes = np.unique(
        round_scores["round_order"].to_numpy(dtype=np.int64), return_inverse=True
    )
    codes = round_codes * len(skills) + pd.Index(skills).get_indexer(round_scores["skill_id"])
    groups = len(orders) * len(skills)
    scores = round_scores["score"].to_numpy(float, na_value=np.nan)
    stats = gate.statistics(codes, scores, groups, min_group=min_group)
    present = np.flatnonzero(np.bincount(codes, minlength=groups))  # even if all unscored
    suppressed = stats["n"][present] < min_group
    first_rows = np.unique(round_codes, return_index=True)[1]
    round_names = round_scores["round"].iloc[first_rows].to_numpy()
    skill_ids = np.array(skills, dtype=object)[present % len(skills)]
    distribution = pd.DataFrame(
        {
            "round": pd.array(round_names[present // len(skills)], dtype="str"),
            "round_order": orders[present // len(skills)],
            "skill_id": pd.array(skill_ids, dtype="str"),
            "skill": [names.get(skill_id) for skill_id in skill_ids],
            "n": stats["n"][present].astype(int),
            **{name: stats[name][present] for name in gate.FIGURES},
            "suppressed": suppressed,
        }
    )
    return distribution[DISTRIBUTION_COLUMNS]


@dataclass(frozen=True)
class _Pairs:
    """Each person's baseline and latest score per skill, people with both only; rows in
    the baseline's order."""

    person_id: np.ndarray
    skill_id: np.ndarray  # object array
    baseline: np.ndarray
    latest: np.ndarray
    # Statements of the skill each person answered at each time (NaN when unknown).
    answered_baseline: np.ndarray
    answered_latest: np.ndarray


def _pairs(frame: pd.DataFrame, baseline_round: str, latest_round: str) -> _Pairs:
    # numpy on integer keys (person x skill) rather than pandas filters and a merge: this
    # runs on a 250-person review's 24,000 rows at every page view.
    skill_codes, skill_ids = pd.factorize(frame["skill_id"])
    people = frame["person_id"].to_numpy(dtype=np.int64)
    keys = people * max(len(skill_ids), 1) + skill_codes
    scores = frame["score"].to_numpy(dtype=float, na_value=np.nan)
    scored = ~np.isnan(scores)

    def last_of_each_key(round_name: str) -> np.ndarray:
        rows = np.flatnonzero(frame["round"].eq(round_name).to_numpy() & scored)
        # Where a person has two scores for a skill in one round, the later row counts.
        last = rows[::-1][np.unique(keys[rows][::-1], return_index=True)[1]]
        return np.sort(last)

    before, after = last_of_each_key(baseline_round), last_of_each_key(latest_round)
    # The keys in both rounds (each unique within its round), back in the baseline's order.
    _, in_before, in_after = np.intersect1d(
        keys[before], keys[after], assume_unique=True, return_indices=True
    )
    order = np.argsort(in_before)
    before, after = before[in_before[order]], after[in_after[order]]
    answered = (
        frame["answered"].to_numpy(dtype=float, na_value=np.nan)
        if "answered" in frame.columns
        else np.full(len(frame), np.nan)
    )
    return _Pairs(
        person_id=people[before],
        skill_id=np.asarray(skill_ids, dtype=object)[skill_codes[before]],
        baseline=scores[before],
        latest=scores[after],
        answered_baseline=answered[before],
        answered_latest=answered[after],
    )


def skill_changes(
    round_scores: pd.DataFrame, baseline_round: str, latest_round: str, min_group: int
) -> pd.DataFrame:
    """Per skill, the change from baseline to latest among people with both scores.

    Columns CHANGE_COLUMNS: n people paired; baseline_mean and latest_mean over those same
    people (so mean_change = latest_mean - baseline_mean); the paired t statistics of
    `paired_change`; p_holm, Holm-corrected over the skills shown; significant when
    p_holm < 0.05. A skill with fewer than `min_group` pairs keeps its row and n but no
    figures (suppressed=True) and is left out of the Holm family.
    """
    _check_round(round_scores, baseline_round, "Baseline round")
    _check_round(round_scores, latest_round, "Latest round")
    if baseline_round == latest_round:
        raise InvalidInput(_("Latest round: choose a different round from the baseline."))
    skills, names = _skill_order(round_scores)
    pairs = _pairs(round_scores, baseline_round, latest_round)
    min_group = gate.checked_minimum(min_group)
    rows = []
    for skill_id in skills:
        of_skill = pairs.skill_id == skill_id
        baseline, latest = pairs.baseline[of_skill], pairs.latest[of_skill]
        stats = paired_change(baseline, latest)
        suppressed = stats.n < min_group
        nan = math.nan
        if suppressed:
            figures = [nan] * 12
        else:
            figures = [
                float(baseline.mean()),
                float(latest.mean()),
                stats.mean_change,
                stats.sd_change,
                stats.ci_low,
                stats.ci_high,
                stats.d_z,
                stats.dz_low,
                stats.dz_high,
                stats.t,
                stats.p,
                nan,
            ]
        rows.append([skill_id, names.get(skill_id), stats.n, *figures, False, suppressed])
    frame = pd.DataFrame(rows, columns=CHANGE_COLUMNS)
    frame["p_holm"] = holm(frame["p"].to_numpy(dtype=float))
    frame["significant"] = (frame["p_holm"] < ALPHA).astype(bool)
    frame["suppressed"] = frame["suppressed"].astype(bool)
    return frame


def breakdown(round_scores: pd.DataFrame, by: str, round_name: str, min_group: int) -> pd.DataFrame:
    """Mean score per group (site, vendor, team or language) and skill in one round.

    Every group of members keeps its rows (a blank label reads "Not recorded"): n counts
    the people with a score, and a group scored for fewer than `min_group` people shows
    no mean (suppressed=True) rather than vanishing, so the page can say why. If the
    suppressed groups of a skill together hold fewer than `min_group` people, the
    smallest shown groups are suppressed too, because the cohort's overall mean minus the
    shown groups would otherwise give away their mean (complementary suppression).
    """
    if by not in BREAKDOWNS:
        raise InvalidInput(
            _("Breakdown: choose one of {breakdowns} (got {by}).").format(
                breakdowns=", ".join(BREAKDOWNS), by=repr(by)
            )
        )
    _check_round(round_scores, round_name, "Round")
    min_group = gate.checked_minimum(min_group)
    skills, names = _skill_order(round_scores)
    frame = round_scores[round_scores["round"] == round_name].copy()
    frame["group"] = frame[by].astype(object).where(frame[by].notna(), NOT_RECORDED)
    frame.loc[frame["group"].astype(str).str.strip() == "", "group"] = NOT_RECORDED
    stats = (
        frame.groupby(["group", "skill_id"], sort=False)["score"]
        .agg(n="count", mean="mean")
        .reset_index()
    )
    stats["mean"] = stats["mean"].astype(float)
    stats["suppressed"] = stats["n"] < min_group
    for _skill_id, cells in stats.groupby("skill_id", sort=False):
        hidden = int(cells.loc[cells["suppressed"], "n"].sum())
        shown = cells[~cells["suppressed"]].sort_values(["n", "group"])
        for index, n in shown["n"].items():
            if not 0 < hidden < min_group:
                break
            stats.loc[index, "suppressed"] = True
            hidden += int(n)
    stats.loc[stats["suppressed"], "mean"] = math.nan
    stats["skill"] = stats["skill_id"].map(names)
    stats["_skill"] = stats["skill_id"].map({s: i for i, s in enumerate(skills)})
    stats = stats.sort_values(["group", "_skill"], kind="stable")
    stats["n"] = stats["n"].astype(int)
    stats["suppressed"] = stats["suppressed"].astype(bool)
    return stats[BREAKDOWN_COLUMNS].reset_index(drop=True)


def compare_round_scores(
    cohorts: Mapping[str, pd.DataFrame],
    min_group: int,
    baseline_round: str | None = None,
    latest_round: str | None = None,
) -> pd.DataFrame:
    """Cohorts side by side (long format, one row per cohort and skill): the latest round's
    mean over everyone scored in it (n_latest) and the mean change from baseline with its
    CI, d_z and Holm-corrected p (within each cohort's twelve skills), as `skill_changes`.

    Rounds default to each cohort's own `review_rounds`, named in the baseline_round and
    latest_round columns. Figures over fewer than `min_group` people are NaN (suppressed).
    """
    parts = []
    for label, frame in cohorts.items():
        default_baseline, default_latest = review_rounds(frame)
        first = baseline_round or default_baseline
        last = latest_round or default_latest
        skills, names = _skill_order(frame)
        result = pd.DataFrame({"skill_id": skills, "skill": [names.get(s) for s in skills]})
        result.insert(0, "cohort", label)
        result["baseline_round"] = first
        result["latest_round"] = last
        if last is None:
            result["n_latest"] = 0
            result["latest_mean"] = math.nan
        else:
            latest = round_distribution(frame[frame["round"] == last], min_group)
            by_skill = latest.set_index("skill_id")
            result["n_latest"] = result["skill_id"].map(by_skill["n"]).fillna(0).astype(int)
            result["latest_mean"] = result["skill_id"].map(by_skill["mean"]).astype(float)
        if first is None or last is None or first == last:
            for column in ["n", "mean_change", "ci_low", "ci_high", "d_z", "p_holm"]:
                result[column] = 0 if column == "n" else math.nan
            result["significant"] = False
            result["suppressed"] = True
        else:
            changes = skill_changes(frame, first, last, min_group).set_index("skill_id")
            for column in [
                "n",
                "mean_change",
                "ci_low",
                "ci_high",
                "d_z",
                "p_holm",
                "significant",
                "suppressed",
            ]:
                result[column] = result["skill_id"].map(changes[column])
        parts.append(result)
    if not parts:
        return pd.DataFrame(columns=COMPARE_COLUMNS)
    return pd.concat(parts, ignore_index=True)[COMPARE_COLUMNS]


def compare_cohorts(
    *,
    session: Session,
    viewer: Viewer,
    cohort_ids: tuple[int, int],
    instrument: bank.Instrument,
    min_group: int,
    baseline_round: str | None = None,
    latest_round: str | None = None,
) -> pd.DataFrame:
    """Two cohorts side by side, labelled with their names (see `compare_round_scores`)."""
    first_id, second_id = cohort_ids
    if first_id == second_id:
        raise InvalidInput(_("Cohorts: choose two different cohorts to compare."))
    frames = {}
    for cohort_id in (first_id, second_id):
        cohort = cohort_for(session=session, viewer=viewer, cohort_id=cohort_id)
        frames[cohort.name] = round_scores(
            session=session, viewer=viewer, cohort_id=cohort_id, instrument=instrument
        )
    for field, name in (("Baseline round", baseline_round), ("Latest round", latest_round)):
        for label, frame in frames.items():
            if name is not None and name not in set(frame["round"]):
                raise InvalidInput(
                    _("{field}: the cohort {label} has no round called {name}.").format(
                        field=field, label=repr(label), name=repr(name)
                    )
                )
    return compare_round_scores(frames, min_group, baseline_round, latest_round)


@dataclass(frozen=True)
class CohortReview:
    """Everything the cohort review page draws, computed once."""

    round_scores: pd.DataFrame
    completion: pd.DataFrame
    chase: pd.DataFrame  # as `chase_list` gives it for every round
    distribution: pd.DataFrame
    changes: pd.DataFrame | None  # None until a later round has scores
    baseline_round: str | None
    latest_round: str | None


def cohort_review(
    *,
    session: Session,
    viewer: Viewer,
    cohort_id: int,
    instrument: bank.Instrument,
    min_group: int,
    today: date | None = None,
) -> CohortReview:
    """A cohort's completion and chase list, score distribution per round and change per
    skill from the first round to the latest one with scores."""
    cohort_for(session=session, viewer=viewer, cohort_id=cohort_id)
    # Members, rounds and who submitted in which round are read once for both figures.
    members = _members_frame(session, cohort_id)
    rounds = _rounds_frame(session, cohort_id)
    assigned = _assigned_submissions(session, cohort_id, rounds, instrument)
    scores = _round_scores_frame(session, instrument, cohort_id, members, rounds, assigned)
    first, last = review_rounds(scores)
    return CohortReview(
        round_scores=scores,
        completion=_completion_frame(members, rounds, assigned, today),
        chase=_chase_frame(members, rounds, assigned),
        distribution=round_distribution(scores, min_group),
        changes=skill_changes(scores, first, last, min_group) if first and last else None,
        baseline_round=first,
        latest_round=last,
    )


def reliable_changes(
    round_scores: pd.DataFrame,
    baseline_round: str,
    latest_round: str,
    thresholds: Mapping[str, float | reliability.ChangeThreshold],
    min_group: int,
) -> pd.DataFrame:
    """Per skill, how many people changed by more than measurement noise (Jacobson-Truax):
    real_gains, real_drops and within_noise among the n people with both scores. Skills
    with fewer than `min_group` pairs get no counts (suppressed), as `skill_changes` does.

    `thresholds` gives each skill's smallest reliable change: a `ChangeThreshold` judges
    each person against their own threshold, from the reliability of the statements they
    answered at each time (`ChangeThreshold.points_for`, Spearman-Brown: a person who
    answered 3 of 6 statements has a less reliable score and needs a larger change), using
    the frame's `answered` column; a plain number is one threshold for everyone. A
    provisional threshold (change cannot be judged) gives no counts, as a missing one."""
    min_group = gate.checked_minimum(min_group)
    pairs = _pairs(round_scores, baseline_round, latest_round)
    skills, names = _skill_order(round_scores)
    rows = []
    for skill_id in skills:
        mine = pairs.skill_id == skill_id
        changes = (pairs.latest - pairs.baseline)[mine]
        limit = _limits(
            thresholds.get(skill_id), pairs.answered_baseline[mine], pairs.answered_latest[mine]
        )
        if len(changes) < min_group or limit is None:
            rows.append((skill_id, names.get(skill_id), len(changes), None, None, None, True))
            continue
        gains, drops = int((changes > limit).sum()), int((changes < -limit).sum())
        rows.append(
            (
                skill_id,
                names.get(skill_id),
                len(changes),
                gains,
                drops,
                len(changes) - gains - drops,
                False,
            )
        )
    columns = ["skill_id", "skill", "n", "real_gains", "real_drops", "within_noise", "suppressed"]
    frame = pd.DataFrame(rows, columns=columns)
    for column in ("real_gains", "real_drops", "within_noise"):
        frame[column] = frame[column].astype("Int64")
    return frame


def _limits(
    threshold: float | reliability.ChangeThreshold | None,
    answered_before: np.ndarray,
    answered_after: np.ndarray,
) -> float | np.ndarray | None:
    """Each person's reliable-change threshold (see `reliable_changes`), None when change
    cannot be judged."""
    if threshold is None or isinstance(threshold, int | float):
        return threshold
    if threshold.provisional:
        return None
    return threshold.points_for_counts(answered_before, answered_after)
