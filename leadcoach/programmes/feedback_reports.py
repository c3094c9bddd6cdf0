"""Multi-rater (360) reports, read through the access policy (issue 22, items 5-7).

Every figure goes through `leadcoach.measurement.multirater.cells`, the one gate for
others' ratings; this module only reads the submitted forms and decides who may see what:

- a supervisor sees their own report, a coach the reports of the teams they coach, and
  only for rounds that have closed (while a round is open, watching a report change after
  each submission would show one rater's answers);
- HR and admins see cohort aggregates only (`cohort_self_other`), never one supervisor's
  report, and nobody ever sees a rater's answers as rows.
Only submitted forms count; a declined or unfinished form, or answers after the close
(forms expire at the close), count nowhere.
"""

from __future__ import annotations

import math
from collections.abc import Collection, Mapping
from dataclasses import dataclass
from typing import NamedTuple

import numpy as np
import pandas as pd
from sqlalchemy import and_, func, true
from sqlmodel import Session, col, select

from leadcoach.instrument import bank
from leadcoach.measurement import groups
from leadcoach.measurement import multirater as mr
from leadcoach.measurement.reliability import ChangeThreshold
from leadcoach.people.access import (
    NO_ACCESS,
    Action,
    Viewer,
    allowed,
    cohort_for,
    person_for,
    require,
    visible_people,
)
from leadcoach.platform.errors import AccessDenied
from leadcoach.platform.models import (
    CohortMember,
    FeedbackRound,
    FormStatus,
    Person,
    RaterAnswer,
    RaterForm,
    RaterSkillScore,
    Role,
    RoundStatus,
    Team,
)
from leadcoach.programmes import cohorts

QUESTIONS = {
    "keep_doing": "What should this supervisor keep doing?",
    "do_differently": "What should this supervisor do differently?",
}
SUBMITTED = FormStatus.SUBMITTED.value
CLOSED = RoundStatus.CLOSED.value


def _rows(session: Session, statement) -> list:
    """A select's rows through the session's connection (Core): for a few thousand rows the
    ORM's per-row processing cost more than the query itself."""
    return session.connection().execute(statement).all()


def _frame(
    rows,
    columns: list[str],
    floats: Collection[str] = (),
    ints: Collection[str] = (),
    objects: Collection[str] = (),
) -> pd.DataFrame:
    """A frame built column by column: `floats` as float arrays (None as NaN), `ints` (never
    None) as int64 arrays, `objects` kept as Python objects (no conversion to pandas'
    string type), the rest as pandas makes them. Built row by row, then converted, the
    frame of a cohort's 36,000 rater scores took longer than reading them."""
    data = list(zip(*rows, strict=True)) if rows else [()] * len(columns)

    def column(name: str, values: tuple):
        if name in floats:
            return np.array(values, dtype=float)
        if name in ints:
            return np.fromiter(values, dtype=np.int64, count=len(values))
        if name in objects:
            return pd.Series(np.array(values, dtype=object), dtype=object)
        return list(values)

    return pd.DataFrame({name: column(name, v) for name, v in zip(columns, data, strict=True)})


def ratings_of(session: Session, round_ids: Collection[int]) -> pd.DataFrame:
    """Submitted forms' answers of these rounds (the rater key is the form's id, opaque and
    never shown): supervisor_id, round_id, group, rater, item_id, value."""
    if not round_ids:
        return pd.DataFrame(columns=mr.RATINGS_COLUMNS)
    rows = _rows(
        session,
        select(
            RaterForm.supervisor_id,
            RaterForm.round_id,
            RaterForm.rater_group,
            RaterForm.id,
            RaterAnswer.item_id,
            RaterAnswer.value,
        )
        .join(RaterAnswer, RaterAnswer.form_id == RaterForm.id)
        .where(col(RaterForm.round_id).in_(list(round_ids)), RaterForm.status == SUBMITTED),
    )
    return _frame(rows, mr.RATINGS_COLUMNS, ("value",), ("supervisor_id", "round_id", "rater"))


_PER_RATER_COLUMNS = ["supervisor_id", "round_id", "group", "rater", "skill_id", "answered",
                      "applicable", "score"]  # fmt: skip


def per_rater_of(session: Session, where) -> pd.DataFrame:
    """The submitted forms' stored skill scores (RaterSkillScore, written at submit), with
    whether each counts for the skill: at least half its statements answered (issue 22,
    item 5) and a score (rater forms are scored by that same rule)."""
    rows = _rows(
        session,
        select(
            RaterForm.supervisor_id,
            RaterForm.round_id,
            RaterForm.rater_group,
            RaterForm.id,
            RaterSkillScore.skill_id,
            RaterSkillScore.answered,
            RaterSkillScore.applicable,
            RaterSkillScore.score,
        )
        .join(RaterSkillScore, RaterSkillScore.form_id == RaterForm.id)
        .where(RaterForm.status == SUBMITTED, where),
    )
    return _per_rater_frame(rows)


def per_rater_of_rounds(session: Session, round_ids) -> pd.DataFrame:
    """per_rater_of the rounds a select of FeedbackRound ids names (a cohort's: hundreds).

    On PostgreSQL each round's forms are found through ix_raterform_round_group: written
    `round_id IN (subquery)` (or `= ANY(ids)`), the planner reads the whole raterform table
    instead, since a cohort's forms lie scattered over most of its pages (140,000 forms at
    10,000 people: 20-60 ms of a cohort review's 450, issue 22). A LATERAL subquery, kept
    from being flattened by OFFSET 0, makes it look up the forms round by round (8 ms);
    https://www.postgresql.org/docs/current/queries-table-expressions.html#QUERIES-LATERAL.
    SQLite has no LATERAL, and already walks that index for the IN."""
    if session.get_bind().dialect.name != "postgresql":
        return per_rater_of(session, col(RaterForm.round_id).in_(round_ids))
    rounds = round_ids.subquery()
    forms = (
        select(RaterForm.supervisor_id, RaterForm.round_id, RaterForm.rater_group, RaterForm.id)
        .where(RaterForm.round_id == rounds.c.id, RaterForm.status == SUBMITTED)
        .offset(0)
        .lateral()
    )
    rows = _rows(
        session,
        select(
            forms.c.supervisor_id,
            forms.c.round_id,
            forms.c.rater_group,
            forms.c.id,
            RaterSkillScore.skill_id,
            RaterSkillScore.answered,
            RaterSkillScore.applicable,
            RaterSkillScore.score,
        )
        .select_from(rounds)
        .join(forms, true())
        .join(RaterSkillScore, RaterSkillScore.form_id == forms.c.id),
    )
    return _per_rater_frame(rows)


def _per_rater_frame(rows) -> pd.DataFrame:
    frame = _frame(rows, _PER_RATER_COLUMNS, ("score",), ("supervisor_id", "round_id", "rater",
                                                          "answered", "applicable"),
                   ("group", "skill_id"))  # fmt: skip
    frame["counted"] = (frame["answered"] * 2 >= frame["applicable"]) & frame["score"].notna()
    return frame.drop(columns="applicable")


def comments_of(session: Session, round_ids: Collection[int]) -> pd.DataFrame:
    """The two open answers of submitted forms, one row each (never shown with the form)."""
    if not round_ids:
        return pd.DataFrame(columns=mr.COMMENT_COLUMNS)
    rows = session.exec(
        select(
            RaterForm.supervisor_id,
            RaterForm.round_id,
            RaterForm.rater_group,
            RaterForm.id,
            RaterForm.keep_doing,
            RaterForm.do_differently,
        ).where(col(RaterForm.round_id).in_(list(round_ids)), RaterForm.status == SUBMITTED)
    ).all()
    long = []
    for sup, rnd, grp, rater, keep, change in rows:
        for question, text in (("keep_doing", keep), ("do_differently", change)):
            if text and text.strip():
                long.append((sup, rnd, grp, rater, question, text.strip()))
    return pd.DataFrame(long, columns=mr.COMMENT_COLUMNS)


# ---- who may see a report ---------------------------------------------------------------


def closed_rounds(*, session: Session, viewer: Viewer, supervisor_id: int) -> pd.DataFrame:
    """The supervisor's closed rounds the viewer may read (round_id, campaign, opens_on,
    closes_on), oldest first; refused as for an unknown person otherwise."""
    person_for(
        session=session,
        viewer=viewer,
        action=Action.READ_FEEDBACK_REPORT,
        person_id=supervisor_id,
    )
    # By supervisor alone, the rest in Python: with status in the WHERE clause SQLite walks
    # the (status, closes_on) index over every closed round instead (30 ms at 10,000).
    rows = _rows(
        session,
        select(
            FeedbackRound.id,
            FeedbackRound.campaign,
            FeedbackRound.opens_on,
            FeedbackRound.closes_on,
            FeedbackRound.status,
        ).where(FeedbackRound.supervisor_id == supervisor_id),
    )
    closed = sorted((row[:4] for row in rows if row[4] == CLOSED), key=lambda r: (r[3], r[0]))
    return _frame(closed, ["round_id", "campaign", "opens_on", "closes_on"])


def supervisor_report(
    *,
    session: Session,
    viewer: Viewer,
    supervisor_id: int,
    instrument: bank.Instrument,
    thresholds: Mapping[str, ChangeThreshold],
    min_raters: int,
    round_id: int | None = None,
) -> mr.FeedbackReport | None:
    """One supervisor's report for a closed round (the latest when None), with change since
    the closed round before it; None when no round has closed. Refused (as an unknown id)
    for anyone but the supervisor and their coach, and for a round that is not closed."""
    rounds = closed_rounds(session=session, viewer=viewer, supervisor_id=supervisor_id)
    if rounds.empty:
        if round_id is not None:
            raise AccessDenied(NO_ACCESS)
        return None
    ids = rounds["round_id"].tolist()
    if round_id is None:
        round_id = ids[-1]
    if round_id not in ids:
        raise AccessDenied(NO_ACCESS)
    position = ids.index(round_id)
    previous = ids[position - 1] if position > 0 else None
    wanted = [round_id] + ([previous] if previous is not None else [])
    items = mr.item_table(instrument)
    return mr.report(
        ratings_of(session, wanted),
        comments_of(session, [round_id]),
        items,
        thresholds,
        supervisor_id=supervisor_id,
        round_id=round_id,
        previous_round_id=previous,
        min_raters=min_raters,
        skill_names={skill.id: skill.name for skill in instrument.skills},
        per_rater=per_rater_of(session, col(RaterForm.round_id).in_(wanted)),
    )


def report_tables(report: mr.FeedbackReport) -> dict[str, pd.DataFrame]:
    """The report as the tables a person reads and HR's XLSX holds, one per sheet; no rater
    column, every figure from the gate."""
    return {
        "Responses": report.responses,
        "Self and others": report.self_other,
        "Agreement": report.skills[["skill_id", "skill", "group", "raters", "score", "agreement"]],
        "Highest rated": report.highest[
            ["item_id", "skill_id", "skill", "statement", "raters", "mean"]
        ],
        "Lowest rated": report.lowest[
            ["item_id", "skill_id", "skill", "statement", "raters", "mean"]
        ],
        "Change": report.change,
        "Comments": report.comments,
    }


# ---- coaches: the team heatmap with others' ratings -------------------------------------


def latest_closed_rounds(session: Session, supervisors) -> pd.DataFrame:
    """Per supervisor (a WHERE clause on Person), their latest closed round's id (the
    latest closing day; the newest round of that day)."""
    # The rounds of these supervisors only, the latest picked here: grouping every closed
    # round in SQL first read all 20,000 at 10,000 supervisors for a team of 25.
    rows = _rows(
        session,
        select(
            FeedbackRound.supervisor_id,
            FeedbackRound.id,
            FeedbackRound.closes_on,
            FeedbackRound.status,
        )
        .join(Person, Person.id == FeedbackRound.supervisor_id)
        .where(supervisors),
    )
    latest: dict[int, tuple] = {}
    for supervisor_id, round_id, closes_on, status in rows:
        best = latest.get(supervisor_id)
        if status == CLOSED and (best is None or (closes_on, round_id) > best):
            latest[supervisor_id] = (closes_on, round_id)
    return _frame(
        [(supervisor_id, pair[1]) for supervisor_id, pair in sorted(latest.items())],
        ["supervisor_id", "round_id"],
    )


def team_self_and_others(
    *,
    session: Session,
    viewer: Viewer,
    instrument: bank.Instrument,
    min_raters: int,
    team_ids: Collection[int] | None = None,
) -> pd.DataFrame:
    """Per supervisor the viewer coaches (on the asked teams) and skill, from their latest
    closed round: self, all others (the shown groups only) and its raters, the difference.
    Columns: supervisor_id, name, team, skill_id, skill, self, others, raters, difference.
    HR and admins are refused: they see cohort aggregates only."""
    if viewer.role != Role.COACH:
        raise AccessDenied(NO_ACCESS)
    if team_ids is not None and not set(team_ids) <= viewer.coached_team_ids:
        raise AccessDenied(NO_ACCESS)
    clause = and_(
        Person.role == Role.SUPERVISOR.value,
        visible_people(viewer, Action.READ_FEEDBACK_REPORT),
        Person.id != viewer.person_id,
    )
    if team_ids is not None:
        clause = and_(clause, col(Person.team_id).in_(list(team_ids)))
    latest = latest_closed_rounds(session, clause)
    columns = [
        "supervisor_id",
        "name",
        "team",
        "skill_id",
        "skill",
        "self",
        "others",
        "raters",
        "difference",
    ]
    if latest.empty:
        return pd.DataFrame(columns=columns)
    per = per_rater_of(session, col(RaterForm.round_id).in_(latest["round_id"].tolist()))
    gated = mr.cells(
        mr.empty_ratings(),
        mr.item_table(instrument),
        min_raters=min_raters,
        with_items=False,
        per_rater=per,
    )
    return _self_and_others(session, gated.skills, instrument)


def _self_and_others(session: Session, skills: pd.DataFrame, instrument) -> pd.DataFrame:
    """Per supervisor and skill: self and all others where shown, and their difference;
    with the supervisor's name and team, in skill order, then team and name."""
    columns = ["supervisor_id", "name", "team", "skill_id", "skill", "self", "others",
               "raters", "difference"]  # fmt: skip
    pairs: dict[tuple, list[float]] = {}  # (supervisor, round, skill) -> self, others, raters
    for sup, rnd, grp, skill, raters, score, shown in zip(
        *(skills[c].tolist() for c in ("supervisor_id", "round_id", "group", "skill_id",
                                       "raters", "score", "shown")),
        strict=True,
    ):  # fmt: skip
        if shown and grp in (mr.SELF, mr.OTHERS):
            pair = pairs.setdefault((sup, rnd, skill), [math.nan, math.nan, math.nan])
            if grp == mr.SELF:
                pair[0] = score
            else:
                pair[1:] = [score, raters]
    people = {
        person_id: (name, team)
        for person_id, name, team in _rows(
            session,
            select(Person.id, Person.name, Team.name)
            .join(Team, Team.id == Person.team_id, isouter=True)
            .where(col(Person.id).in_(sorted({int(key[0]) for key in pairs}))),
        )
    }
    names = {s.id: s.name for s in instrument.skills}
    order = {s.id: i for i, s in enumerate(instrument.skills)}
    rows = [
        (sup, *people[sup], skill, names.get(skill), own, others, raters, own - others)
        for (sup, _, skill), (own, others, raters) in pairs.items()
        if sup in people
    ]
    # Skill order, then team and name (no team last), as the heatmap reads.
    rows.sort(key=lambda r: (order.get(r[3], len(order)), r[2] is None, r[2] or "", r[1], r[0]))
    return _frame(rows, columns, ("self", "others", "raters", "difference"))


# ---- HR: the cohort's self-other agreement and change in others' ratings ----------------


@dataclass(frozen=True)
class CohortSelfOther:
    """A cohort's 360 figures per skill, over supervisors (never one person's): agreement
    between self and others, and change in others' ratings between two campaigns."""

    campaigns: list[str]
    agreement: pd.DataFrame  # skill_id, skill, n, self_mean, others_mean, difference, ...
    change: pd.DataFrame  # skill_id, skill, n, baseline_mean, latest_mean, change, ci, d_z...
    min_group: int = 3


def cohort_campaigns(*, session: Session, viewer: Viewer, cohort_id: int) -> list[str]:
    """The cohort's closed 360 campaigns, oldest first (HR and admins)."""
    cohorts_ok = allowed(viewer, Action.READ_ORGANISATION)
    if not cohorts_ok:
        raise AccessDenied(NO_ACCESS)
    rows = session.exec(
        select(FeedbackRound.campaign, func.max(FeedbackRound.closes_on))
        .where(FeedbackRound.cohort_id == cohort_id, FeedbackRound.status == CLOSED)
        .group_by(FeedbackRound.campaign)
        .order_by(func.max(FeedbackRound.closes_on))
    ).all()
    return [campaign for campaign, _ in rows]


def cohort_self_other(
    *,
    session: Session,
    viewer: Viewer,
    cohort_id: int,
    instrument: bank.Instrument,
    thresholds: Mapping[str, ChangeThreshold],
    min_raters: int,
    min_group: int,
) -> CohortSelfOther:
    """Per skill across the cohort's supervisors (HR and admins): self-other agreement in
    the latest closed campaign (mean self, mean others, mean difference, the correlation
    of self with others, how many rate themselves clearly above, level with, or clearly
    below others: Yammarino & Atwater, 1997, Organ. Dyn. 25(4), 35-44, with "clearly" the
    report's noise margin), and the paired change in others' ratings between the first and
    the latest campaign (the cohort review's statistics: mean change, 95% CI, d_z, Holm).
    Every figure rests on at least `min_group` supervisors (the small-group gate), and
    each supervisor's others' score only on groups the 360 gate shows."""
    cohort_for(session=session, viewer=viewer, cohort_id=cohort_id)
    campaigns = cohort_campaigns(session=session, viewer=viewer, cohort_id=cohort_id)
    minimum = groups.checked_minimum(min_group)
    if not campaigns:
        return CohortSelfOther([], _empty_agreement(), _empty_change(), minimum)
    members = select(CohortMember.person_id).where(CohortMember.cohort_id == cohort_id)
    campaign_of = dict(
        _rows(
            session,
            select(FeedbackRound.id, FeedbackRound.campaign).where(
                FeedbackRound.cohort_id == cohort_id,
                FeedbackRound.status == CLOSED,
                col(FeedbackRound.supervisor_id).in_(members),
            ),
        )
    )
    # The scores of every round of the cohort (by its index; a round's status or its
    # supervisor's membership made SQLite walk every closed round), then only those of the
    # closed rounds of members go through the gate.
    per = per_rater_of_rounds(
        session, select(FeedbackRound.id).where(FeedbackRound.cohort_id == cohort_id)
    )
    per = per[per["round_id"].isin(list(campaign_of))]
    gated = mr.cells(
        mr.empty_ratings(),
        mr.item_table(instrument),
        min_raters=min_raters,
        with_items=False,
        per_rater=per,
    )
    pairs = _pairs(gated.skills, campaign_of)
    names = {s.id: s.name for s in instrument.skills}
    latest = campaigns[-1]
    agreement = _agreement(
        [pair for pair in pairs if pair.campaign == latest], thresholds, names, minimum
    )
    change = (
        _others_change(pairs, campaigns[0], latest, names, minimum)
        if len(campaigns) > 1
        else _empty_change()
    )
    return CohortSelfOther(campaigns, agreement, change, minimum)


class _Pair(NamedTuple):
    """One supervisor's round on one skill: self and all others, as the 360 gate shows them
    (NaN where it shows none)."""

    supervisor_id: int
    campaign: str
    skill_id: str
    self_score: float
    self_answered: float
    others: float
    raters: float
    sd: float
    answered: float


PAIR_KEYS = ("supervisor_id", "round_id", "skill_id")


def _pairs(skills: pd.DataFrame, campaign_of: Mapping[int, str]) -> list[_Pair]:
    """Self and all others per supervisor, round (of `campaign_of`) and skill, from the
    shown cells of the gate. Masks over whole columns first: a cohort has some 30,000 cells,
    a fifth of them self or all others."""
    column = {name: skills[name].to_numpy() for name in skills.columns}
    wanted = column["shown"].astype(bool) & np.isin(column["round_id"], list(campaign_of))
    found: dict[tuple, list[float]] = {}
    for group, fields, at in ((mr.SELF, ("score", "answered"), 0),
                              (mr.OTHERS, ("score", "raters", "sd", "answered"), 2)):  # fmt: skip
        mask = wanted & (column["group"] == group)
        keys = zip(*(column[name][mask].tolist() for name in PAIR_KEYS), strict=True)
        values = zip(*(column[name][mask].tolist() for name in fields), strict=True)
        for key, value in zip(keys, values, strict=True):
            found.setdefault(key, [math.nan] * 6)[at : at + len(value)] = value
    return [_Pair(sup, campaign_of[rnd], skill, *values)
            for (sup, rnd, skill), values in found.items()]  # fmt: skip


AGREEMENT_COLUMNS = [
    "skill_id",
    "skill",
    "n",
    "self_mean",
    "others_mean",
    "difference",
    "correlation",
    "above",
    "level",
    "below",
    "suppressed",
]
CHANGE_COLUMNS = [
    "skill_id",
    "skill",
    "n",
    "baseline_mean",
    "latest_mean",
    "change",
    "ci_low",
    "ci_high",
    "d_z",
    "p_holm",
    "suppressed",
]


def _empty_agreement() -> pd.DataFrame:
    return pd.DataFrame(columns=AGREEMENT_COLUMNS)


def _empty_change() -> pd.DataFrame:
    return pd.DataFrame(columns=CHANGE_COLUMNS)


def _agreement(
    pairs: list[_Pair], thresholds: Mapping[str, ChangeThreshold], names, minimum: int
) -> pd.DataFrame:
    variance = mr.ErrorVariances(thresholds)
    by_skill: dict[str, list[_Pair]] = {}
    for pair in pairs:
        if math.isfinite(pair.self_score) and math.isfinite(pair.others):
            by_skill.setdefault(pair.skill_id, []).append(pair)
    rows = []
    for skill in names:
        mine = by_skill.get(skill, [])
        n = len(mine)
        if n == 0:
            continue
        self_scores = np.array([p.self_score for p in mine])
        other_scores = np.array([p.others for p in mine])
        limits = np.array(
            [
                mr.margin(
                    variance(skill, 1, math.nan, p.self_answered),
                    variance(skill, p.raters, p.sd, p.answered),
                )
                for p in mine
            ]
        )
        gap = self_scores - other_scores
        judged = np.isfinite(limits)
        correlation = (
            float(np.corrcoef(self_scores, other_scores)[0, 1])
            if n > 2 and np.std(self_scores) > 0 and np.std(other_scores) > 0
            else math.nan
        )
        rows.append(
            (
                skill,
                names[skill],
                n,
                float(self_scores.mean()),
                float(other_scores.mean()),
                float(gap.mean()),
                correlation,
                float((judged & (gap > limits)).sum()) if judged.any() else math.nan,
                float((judged & (np.abs(gap) <= limits)).sum()) if judged.any() else math.nan,
                float((judged & (gap < -limits)).sum()) if judged.any() else math.nan,
            )
        )
    frame = pd.DataFrame(rows, columns=AGREEMENT_COLUMNS[:-1])
    frame = groups.suppress(
        frame,
        ["self_mean", "others_mean", "difference", "correlation", "above", "level", "below"],
        min_group=minimum,
    )
    return frame


def _others_change(pairs: list[_Pair], first: str, latest: str, names, minimum) -> pd.DataFrame:
    """Per skill, the paired change in all others' score from the first campaign to the
    latest, over supervisors shown in both (a mean where one has two rounds of a campaign)."""
    scores: dict[str, dict[int, dict[str, list[float]]]] = {}
    for pair in pairs:
        if math.isfinite(pair.others):
            of_skill = scores.setdefault(pair.skill_id, {})
            if pair.campaign in (first, latest):
                found = of_skill.setdefault(pair.supervisor_id, {})
                found.setdefault(pair.campaign, []).append(pair.others)
    rows = []
    for skill in names:
        if skill not in scores:
            continue
        both = [
            (_mean(found[first]), _mean(found[latest]))
            for _, found in sorted(scores[skill].items())
            if first in found and latest in found
        ]
        before = np.array([b for b, _ in both], dtype=float)
        after = np.array([a for _, a in both], dtype=float)
        stats = cohorts.paired_change(before, after)
        rows.append(
            (
                skill,
                names[skill],
                stats.n,
                float(before.mean()) if stats.n else math.nan,
                float(after.mean()) if stats.n else math.nan,
                stats.mean_change,
                stats.ci_low,
                stats.ci_high,
                stats.d_z,
                stats.p,
            )
        )
    frame = pd.DataFrame(rows, columns=CHANGE_COLUMNS[:-1])
    if not frame.empty:
        frame["p_holm"] = cohorts.holm(frame["p_holm"].to_numpy(float))
    return groups.suppress(
        frame,
        ["baseline_mean", "latest_mean", "change", "ci_low", "ci_high", "d_z", "p_holm"],
        min_group=minimum,
    )


def _mean(values: list[float]) -> float:
    return sum(values) / len(values)


def cohort_tables(result: CohortSelfOther) -> dict[str, pd.DataFrame]:
    """HR's XLSX of a cohort's 360 figures: aggregates over supervisors only."""
    return {
        "Self and others": result.agreement.drop(columns="suppressed"),
        "Change in others": result.change.drop(columns="suppressed"),
    }


def require_aggregates(viewer: Viewer) -> None:
    """HR's and admins' cohort 360 views."""
    require(viewer, Action.READ_ORGANISATION)
