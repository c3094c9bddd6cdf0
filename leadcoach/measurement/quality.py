"""Measurement quality for HR: how consistently each skill's statements measure one thing.

From each person's latest self-assessment in a period (or of a cohort's members): per
skill, Cronbach's alpha and McDonald's omega; per statement, its mean and spread, how often
it was marked "Not applicable", its item-rest correlation and alpha without it. Reverse-keyed
statements are recoded (6 - x) first, so every figure reads in the skill's direction.

Only aggregates leave this module, and nothing is reported on fewer than `min_sample`
people (Settings.min_quality_sample): below about 30 people an alpha is too unstable to act
on. Thresholds: alpha or omega below 0.70 is weak for a scale used to guide development
(Nunnally, 1978, Psychometric Theory, 2nd ed.); an item-rest correlation below 0.30 marks a
statement that tracks its skill poorly (Nunnally & Bernstein, 1994; Field, 2013), and a
negative one usually means a statement is scored in the wrong direction.
"""

from __future__ import annotations

import math
import warnings
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, time, timedelta

import altair as alt
import numpy as np
import pandas as pd
from sqlalchemy import func
from sqlmodel import Session, select

from leadcoach.assessment.submissions import newest_first_rank
from leadcoach.instrument import bank, scoring
from leadcoach.measurement import psychometrics
from leadcoach.people.access import Action, Viewer, cohort_for, require
from leadcoach.platform.errors import InvalidInput
from leadcoach.platform.models import Answer, CohortMember, Instrument, Submission

MIN_RELIABILITY = 0.70  # Nunnally (1978): the usual floor for a scale in applied use
MIN_ITEM_REST = 0.30  # below this a statement tracks the rest of its skill poorly

SKILL_COLUMNS = ["skill_id", "skill", "items", "people", "alpha", "omega", "flagged", "note"]
ITEM_COLUMNS = ["skill_id", "skill", "item_id", "text", "reverse", "answers", "not_applicable",
                "not_applicable_share", "rated", "mean", "sd", "item_rest", "alpha_if_deleted",
                "flag", "note"]  # fmt: skip

KEYING_ERROR = "Likely keying error"
WEAK_ITEM = "Weak item"


@dataclass(frozen=True)
class QualityReport:
    """Reliability per skill and item analysis per statement, or the reason there is none.

    `skills` has SKILL_COLUMNS and `items` ITEM_COLUMNS (both in questionnaire order); when
    `refused` holds a reason both are empty, so no number is shown on too small a sample.
    """

    people: int  # people whose latest self-assessment was analysed
    min_sample: int
    since: date | None
    until: date | None
    cohort: str | None  # the cohort's name when the sample is a cohort
    refused: str | None
    skills: pd.DataFrame
    items: pd.DataFrame
    scenario_key_status: str  # the instrument's own word on its scenario key

    @property
    def ok(self) -> bool:
        """True when the report has numbers (the sample was large enough)."""
        return self.refused is None

    @property
    def scenario_key_provisional(self) -> bool:
        """True while the situational-judgement key is the authors' own, not a panel's."""
        return "provisional" in self.scenario_key_status.lower()


def quality_report(
    *,
    session: Session,
    viewer: Viewer,
    instrument: bank.Instrument,
    since: date | None = None,
    until: date | None = None,
    cohort_id: int | None = None,
    min_sample: int,
) -> QualityReport:
    """The instrument's measurement quality over each person's latest self-assessment.

    The sample is everyone whose latest self-assessment of this instrument (any version)
    was submitted between `since` and `until` (UTC dates, both included; open ends allowed),
    narrowed to the members of a cohort when `cohort_id` is given. HR and admins only.
    """
    require(viewer, Action.READ_ORGANISATION)
    if since is not None and until is not None and since > until:
        raise InvalidInput("Period: the start date is after the end date.")
    cohort_name = None
    if cohort_id is not None:
        cohort_name = cohort_for(session=session, viewer=viewer, cohort_id=cohort_id).name
    people, answers = _latest_answers(session, instrument, since, until, cohort_id)
    empty = QualityReport(
        people=people,
        min_sample=min_sample,
        since=since,
        until=until,
        cohort=cohort_name,
        refused=None,
        skills=pd.DataFrame(columns=SKILL_COLUMNS),
        items=pd.DataFrame(columns=ITEM_COLUMNS),
        scenario_key_status=instrument.scenario_key_status,
    )
    if people < min_sample:
        return replace(empty, refused=_too_few(people, min_sample, cohort_name))
    skills, items = analyse(answers, instrument, min_sample)
    return replace(empty, skills=skills, items=items)


def _too_few(people: int, min_sample: int, cohort: str | None) -> str:
    need = f"at least {min_sample} are needed for a stable reliability estimate."
    if cohort is None:
        if people == 0:
            return f"No one submitted a self-assessment in this period; {need}"
        noun = "person" if people == 1 else "people"
        return f"Only {people} {noun} submitted in this period; {need}"
    if people == 0:
        return f"No member of the cohort {cohort!r} has submitted a self-assessment; {need}"
    members = "member" if people == 1 else "members"
    return f"Only {people} {members} of the cohort {cohort!r} submitted; {need}"


def _latest_answers(
    session: Session,
    instrument: bank.Instrument,
    since: date | None,
    until: date | None,
    cohort_id: int | None,
) -> tuple[int, pd.DataFrame]:
    """(people in the sample, their behavioural answers: person_id, item_id, value).

    value is None for "Not applicable". Each person's latest self-assessment in the
    period counts (ties on the time: the later written, i.e. higher id).
    """
    conditions = [Submission.relation == "self", Instrument.instrument_key == instrument.id]
    if since is not None:
        conditions.append(Submission.submitted_at >= datetime.combine(since, time(), UTC))
    if until is not None:
        end = datetime.combine(until + timedelta(days=1), time(), UTC)
        conditions.append(Submission.submitted_at < end)
    rank = newest_first_rank()
    query = (
        select(Submission.person_id, Submission.draft_id, rank)
        .join(Instrument, Instrument.id == Submission.instrument_id)
        .where(*conditions)
    )
    if cohort_id is not None:
        query = query.join(CohortMember, CohortMember.person_id == Submission.person_id).where(
            CohortMember.cohort_id == cohort_id
        )
    ranked = query.subquery()
    people = session.exec(select(func.count()).select_from(ranked).where(ranked.c.rank == 1)).one()
    rows = session.exec(
        select(ranked.c.person_id, Answer.item_id, Answer.value)
        .join(Answer, Answer.draft_id == ranked.c.draft_id)
        .where(ranked.c.rank == 1, Answer.option_id == "")
    ).all()
    return int(people), pd.DataFrame(rows, columns=["person_id", "item_id", "value"])


def analyse(
    answers: pd.DataFrame, instrument: bank.Instrument, min_sample: int
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Skill and item tables (SKILL_COLUMNS, ITEM_COLUMNS) from long-format answers.

    `answers` has person_id, item_id and value (None or NaN = "Not applicable"), one row
    per answer given. Pure: no database. A statement rated by fewer than `min_sample`
    people gets no figures and is left out of its skill's alpha and omega; a skill rated
    by fewer than `min_sample` people gets no figures at all.
    """
    values = pd.to_numeric(answers["value"], errors="coerce") if len(answers) else None
    frame = answers.assign(value=values) if values is not None else answers
    skill_rows, item_rows = [], []
    for skill in instrument.skills:
        given = frame[frame["item_id"].isin([item.id for item in skill.items])]
        wide = _keyed_wide(given, skill)
        people = int(wide.notna().any(axis=1).sum())
        counts = given.groupby("item_id")["value"].agg(answers="size", rated="count")
        usable = [i.id for i in skill.items if wide[i.id].count() >= min_sample]
        notes: list[str] = []
        stats = _item_statistics(wide[usable], notes) if people >= min_sample else {}
        for item in skill.items:
            item_rows.append(
                _item_row(skill, item, wide[item.id], counts, stats, min_sample, people)
            )
        if people < min_sample:
            note = (
                f"Only {people} people rated this skill's statements; at least {min_sample} "
                "are needed."
            )
            skill_rows.append([skill.id, skill.name, 0, people, math.nan, math.nan, False, note])
            continue
        left_out = [i for i in (x.id for x in skill.items) if i not in usable]
        if left_out:
            notes.insert(0, f"Left out (fewer than {min_sample} ratings): {', '.join(left_out)}.")
        alpha = stats.get("alpha", math.nan)
        omega = stats.get("omega", math.nan)
        flagged = any(v < MIN_RELIABILITY for v in (alpha, omega) if not math.isnan(v))
        skill_rows.append(
            [skill.id, skill.name, len(usable), people, alpha, omega, flagged, " ".join(notes)]
        )
    skills = pd.DataFrame(skill_rows, columns=SKILL_COLUMNS)
    skills[["alpha", "omega"]] = skills[["alpha", "omega"]].astype(float)
    skills["flagged"] = skills["flagged"].astype(bool)
    items = pd.DataFrame(item_rows, columns=ITEM_COLUMNS)
    figures = ["not_applicable_share", "mean", "sd", "item_rest", "alpha_if_deleted"]
    items[figures] = items[figures].astype(float)
    return skills, items


def _keyed_wide(given: pd.DataFrame, skill: bank.Skill) -> pd.DataFrame:
    """person x item of this skill, reverse-keyed items recoded; missing = not rated."""
    if given.empty:
        return pd.DataFrame(columns=[item.id for item in skill.items], dtype=float)
    wide = given.pivot_table(index="person_id", columns="item_id", values="value", aggfunc="last")
    wide = wide.reindex(columns=[item.id for item in skill.items]).astype(float)
    for item in skill.items:
        wide[item.id] = wide[item.id].map(
            lambda v, reverse=item.reverse: (
                math.nan if pd.isna(v) else float(scoring.reverse_key(int(v), reverse))
            )
        )
    return wide


def _item_statistics(wide: pd.DataFrame, notes: list[str]) -> dict:
    """alpha, omega, item-rest and alpha-if-deleted of the usable items; a statistic that
    cannot be computed is left out, with the reason added to `notes`."""
    stats: dict = {}
    for name, label, compute in (
        ("alpha", "Alpha", psychometrics.cronbach_alpha),
        ("omega", "Omega", psychometrics.omega_total),
        ("item_rest", "Item-rest correlations", psychometrics.item_rest_correlations),
        ("alpha_if_deleted", "Alpha if deleted", psychometrics.alpha_if_deleted),
    ):
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always", RuntimeWarning)
            try:
                stats[name] = compute(wide)
            except ValueError as error:
                notes.append(f"{label} not computed: {error}.")
                continue
        if name == "omega" and caught:
            notes.append("Omega is approximate: " + "; ".join(str(w.message) for w in caught) + ".")
    return stats


def _item_row(skill, item, keyed: pd.Series, counts, stats, min_sample: int, people: int):
    answers = int(counts["answers"].get(item.id, 0)) if item.id in counts.index else 0
    rated = int(keyed.count())
    not_applicable = answers - rated
    share = not_applicable / answers if answers else math.nan
    nan = math.nan
    mean = sd = rest = dropped = nan
    flag = note = ""
    if rated < min_sample or people < min_sample:
        note = f"Only {rated} ratings; at least {min_sample} are needed for item figures."
    else:
        mean, sd = float(keyed.mean()), float(keyed.std())
        rest = float(stats["item_rest"][item.id]) if "item_rest" in stats else nan
        dropped = float(stats["alpha_if_deleted"][item.id]) if "alpha_if_deleted" in stats else nan
        if "item_rest" not in stats:
            note = "No item-rest correlation: see the skill's note."
        elif math.isnan(rest):
            note = "No item-rest correlation: the statement or the rest of its skill is constant."
        elif rest < 0:
            flag = KEYING_ERROR
            note = (
                "Higher ratings go with lower ratings of the skill's other statements: check "
                "whether it should be reverse-scored."
                if not item.reverse
                else "Higher ratings go with lower ratings of the skill's other statements: "
                "check whether it should be reverse-scored (it is now)."
            )
        elif rest < MIN_ITEM_REST:
            flag = WEAK_ITEM
            note = f"Item-rest correlation below {MIN_ITEM_REST:.2f}: it tracks its skill poorly."
    return [skill.id, skill.name, item.id, item.text, item.reverse, answers, not_applicable,
            share, rated, mean, sd, rest, dropped, flag, note]  # fmt: skip


def alpha_chart(report: QualityReport) -> alt.Chart:
    """Bars of each skill's alpha, with a rule at 0.70; weak skills in a warning colour."""
    data = report.skills.dropna(subset=["alpha"])[["skill", "alpha", "omega", "people"]].copy()
    data["alpha"] = data["alpha"].astype(float)
    data["omega"] = data["omega"].astype(float)
    data["status"] = np.where(data["alpha"] < MIN_RELIABILITY, "Below 0.70", "0.70 or above")
    order = list(report.skills["skill"])
    top = max(1.0, float(data["alpha"].max()) if len(data) else 1.0)
    low = min(0.0, float(data["alpha"].min()) if len(data) else 0.0)
    x = alt.X("alpha:Q", title="Cronbach's alpha", scale=alt.Scale(domain=[low, top]))
    bars = (
        alt.Chart(data)
        .mark_bar(height=16)
        .encode(
            x=x,
            y=alt.Y("skill:N", sort=order, title=None, axis=alt.Axis(labelLimit=320)),
            color=alt.Color(
                "status:N",
                scale=alt.Scale(
                    domain=["0.70 or above", "Below 0.70"], range=["#0072B2", "#D55E00"]
                ),
                legend=alt.Legend(title=None, orient="bottom"),
            ),
            tooltip=[
                alt.Tooltip("skill:N", title="Skill"),
                alt.Tooltip("alpha:Q", title="Alpha", format=".2f"),
                alt.Tooltip("omega:Q", title="Omega", format=".2f"),
                alt.Tooltip("people:Q", title="People"),
            ],
        )
    )
    rule = (
        alt.Chart(pd.DataFrame({"threshold": [MIN_RELIABILITY]}))
        .mark_rule(color="#333", strokeDash=[4, 3])
        .encode(x="threshold:Q")
    )
    # Its text alternative, worded as leadcoach.reporting.charts.TABLE_BESIDE (a layer above).
    return (bars + rule).properties(
        height=alt.Step(26),
        description="Bar chart of each skill's reliability (Cronbach's alpha). "
        "The same figures are in the table beside it.",
    )
