"""How far a skill score can be trusted: one reliability per skill, used everywhere.

The quality page, a person's reliable change, "beyond noise" in comparisons and the
cohort review's count of real changes all take their reliability from `skill_reliabilities`,
with one rule for which statements count (`counted_items`): a statement counts when at
least `min_ratings` people rated it and every pair of counted statements was rated by at
least `min_ratings` of the same people. So statements only a few people see (the vendor- or
remote-tagged ones) neither blow up the estimate (one or two vendor supervisors made
DEL's pairwise covariances undefined) nor leak a handful of people's covariances into the
whole organisation's alpha. A person who answered k statements gets the reliability of k
statements (Spearman-Brown, `SkillReliability.for_items`).

No fallback: a skill whose reliability cannot be estimated, or is below the floor
(Settings.min_reliability), carries the reason, and change on it is "cannot be judged yet".
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

import numpy as np
import pandas as pd
from scipy import stats
from sqlalchemy import ColumnElement, and_, func, true
from sqlmodel import Session, col, select

from leadcoach.assessment.submissions import newest_first_rank
from leadcoach.instrument import bank, scoring
from leadcoach.measurement import plausibility, psychometrics
from leadcoach.people.access import Action, Viewer, visible_people
from leadcoach.platform import i18n
from leadcoach.platform.i18n import N_, _, ngettext
from leadcoach.platform.models import (
    Answer,
    CohortMember,
    Instrument,
    Person,
    SkillScore,
    Submission,
)

# Below this many ratings an alpha is too unstable to use (Settings.min_quality_sample's
# default): the minimum ratings per statement and per pair of statements.
MIN_SAMPLE = 30
# Nunnally (1978, Psychometric Theory, 2nd ed.): 0.70 is the usual floor for a scale in
# applied use; below it a change cannot be told from noise (Settings.min_reliability).
MIN_RELIABILITY = 0.70
# Two-sided 95%: a difference counts as real when larger than 1.96 standard errors.
CRITICAL_Z = 1.96
CANNOT_JUDGE = "cannot be judged yet"


@dataclass(frozen=True)
class SkillReliability:
    """One skill's reliability (Cronbach's alpha of its counted statements), or why none."""

    skill_id: str
    alpha: float  # the estimate (NaN when it could not be estimated)
    people: int  # how many people's answers it rests on
    items: tuple[str, ...] = ()  # the statements counted
    # Why change cannot be judged on this skill ("" when it can), worded when shown (a
    # `Text`, so that one computation serves every language, issue 25).
    reason: str | i18n.Text = ""
    as_of: date | None = None  # date of the newest answers in the sample
    left_out: str = ""  # which statements did not count, and why

    @property
    def provisional(self) -> bool:
        """True when this reliability may not be used to judge change (`reason` says why)."""
        return bool(self.reason) or not math.isfinite(self.alpha)

    def for_items(self, k: int) -> float:
        """The reliability of a score from k of the skill's statements: Spearman-Brown
        (Spearman, 1910; Brown, 1910) with length factor k / (statements counted)."""
        if self.provisional or not self.items or k < 1:
            return math.nan
        return psychometrics.spearman_brown(self.alpha, k / len(self.items))

    def describe(self) -> str:
        """The reliability in words: its value, sample size and date, or why there is none."""
        if self.provisional:
            return _("change cannot be judged yet: {reason}").format(reason=self.reason)
        values = {"alpha": i18n.number(self.alpha, 2), "people": i18n.number(self.people)}
        if self.as_of:
            return _("reliability {alpha} from {people} people on {date}").format(
                date=i18n.strftime(self.as_of, "%d %b %Y"), **values
            )
        return _("reliability {alpha} from {people} people").format(**values)


def counted_items(data: pd.DataFrame, min_ratings: int) -> tuple[list[str], list[str]]:
    """The statements (columns of person x statement `data`) that count for reliability,
    and plain notes on those left out: rated by fewer than `min_ratings` people, or rated
    together with another counted statement by fewer than `min_ratings` of the same people
    (then the one with fewer ratings goes first)."""
    counts = data.count()
    kept = [c for c in data.columns if counts[c] >= min_ratings]
    notes = []
    few = [str(c) for c in data.columns if c not in kept]
    if few:
        notes.append(f"Left out (fewer than {min_ratings} ratings): {', '.join(few)}.")
    apart = []
    while len(kept) > 1:
        observed = data[kept].notna().to_numpy(dtype=float)
        together = observed.T @ observed
        i, j = np.unravel_index(np.argmin(together), together.shape)
        if together[i, j] >= min_ratings:
            break
        drop = kept[i] if counts[kept[i]] <= counts[kept[j]] else kept[j]
        apart.append(str(drop))
        kept.remove(drop)
    if apart:
        notes.append(
            f"Left out (rated together with the other statements by fewer than {min_ratings} "
            f"of the same people): {', '.join(apart)}."
        )
    return kept, notes


def keyed(responses: pd.DataFrame, skill: bank.Skill) -> pd.DataFrame:
    """person x statement of one skill, reverse-keyed statements recoded, as floats; the
    skill's statements nobody answered are all-missing columns."""
    columns = {}
    for item in skill.items:
        values = (
            responses[item.id].astype(float)
            if item.id in responses.columns
            else pd.Series(math.nan, index=responses.index)
        )
        # Whole columns at once (a Python call per answer took seconds at 10,000 people).
        columns[item.id] = scoring.reverse_key(values, item.reverse)
    return pd.DataFrame(columns, index=responses.index)


def _too_few_people(people: int, needed: int) -> str:
    return ngettext(
        "only {people} person has answered this skill's statements; at least {needed} are needed",
        "only {people} people have answered this skill's statements; at least {needed} are needed",
        people,
    ).format(people=people, needed=needed)


def error_text(error: ValueError) -> object:
    """What a computation's ValueError says, still unworded when it carries a `Text`."""
    return error.args[0] if len(error.args) == 1 else str(error)


def skill_reliability(
    data: pd.DataFrame,
    skill_id: str,
    *,
    min_ratings: int = MIN_SAMPLE,
    floor: float = MIN_RELIABILITY,
    as_of: date | None = None,
) -> SkillReliability:
    """One skill's reliability from its keyed person x statement `data` (see the module)."""
    people = int(data.notna().any(axis=1).sum())
    kept, notes = counted_items(data, min_ratings)
    common = {"skill_id": skill_id, "people": people, "as_of": as_of, "left_out": " ".join(notes)}
    if people < min_ratings:
        reason = i18n.later(_too_few_people, people, min_ratings)
        return SkillReliability(alpha=math.nan, reason=reason, **common)
    if len(kept) < 2:
        reason = i18n.deferred(
            N_("fewer than two of its statements have {needed} or more ratings"),
            needed=min_ratings,
        )
        return SkillReliability(alpha=math.nan, items=tuple(kept), reason=reason, **common)
    try:
        alpha = psychometrics.cronbach_alpha(data[kept])
    except ValueError as error:
        reason = i18n.deferred(N_("the reliability is undefined: {error}"), error=error_text(error))
        return SkillReliability(alpha=math.nan, items=tuple(kept), reason=reason, **common)
    verdict = plausibility.reliability(alpha, floor=floor)
    return SkillReliability(alpha=alpha, items=tuple(kept), reason=verdict.reason, **common)


def item_responses(*, session: Session, viewer: Viewer) -> pd.DataFrame:
    """Every behavioural answer of the latest submission of each person whose results the
    viewer may read (person x item, wide; a coach gets the people they coach only).

    Not applicable answers are missing. For statistics, never shown as rows.
    """
    return _latest_item_responses(session, visible_people(viewer, Action.READ_RESULTS))


def current(
    *,
    session: Session,
    instrument: bank.Instrument,
    floor: float = MIN_RELIABILITY,
    min_ratings: int = MIN_SAMPLE,
) -> dict[str, SkillReliability]:
    """Each skill's reliability from everyone's latest self-assessment (the quality page's
    sample with an open period).

    Open to every signed-in role: it returns one coefficient per skill, which says nothing
    about any person.
    """
    responses, as_of = latest_self_responses(session, instrument)
    return skill_reliabilities(
        responses, instrument, floor=floor, min_ratings=min_ratings, as_of=as_of
    )


def latest_self_responses(
    session: Session, instrument: bank.Instrument
) -> tuple[pd.DataFrame, date | None]:
    """What `current` computes from, in no language: everyone's latest behavioural answers
    (person x statement, wide) and the date of the newest. The app reads it once for every
    language it shows the reliabilities in (their reasons are in the reader's language)."""
    _, answers, as_of = latest_self_answers(session, instrument)
    return wide(answers), as_of


def from_answers(
    answers: pd.DataFrame,
    instrument: bank.Instrument,
    *,
    floor: float = MIN_RELIABILITY,
    min_ratings: int = MIN_SAMPLE,
    as_of: date | None = None,
) -> dict[str, SkillReliability]:
    """`skill_reliabilities` of long answers (person_id, item_id, value; None = not
    applicable)."""
    return skill_reliabilities(
        wide(answers), instrument, floor=floor, min_ratings=min_ratings, as_of=as_of
    )


def wide(answers: pd.DataFrame) -> pd.DataFrame:
    """Long answers (person_id, item_id, value; None = not applicable) as person x
    statement values."""
    if answers.empty:
        return pd.DataFrame(index=pd.Index([], name="person_id"))
    values = answers.assign(value=pd.to_numeric(answers["value"], errors="coerce"))
    return values.pivot_table(
        index="person_id", columns="item_id", values="value", aggfunc="last", dropna=False
    )


def latest_self_answers(
    session: Session,
    instrument: bank.Instrument,
    since: date | None = None,
    until: date | None = None,
    cohort_id: int | None = None,
) -> tuple[int, pd.DataFrame, date | None]:
    """(people in the sample, their behavioural answers: person_id, item_id, value, and the
    date of the newest submission in it).

    Each person's latest self-assessment of this instrument (any version) submitted between
    `since` and `until` (UTC dates, both included; open ends allowed) counts, narrowed to a
    cohort's members when `cohort_id` is given; ties on the time: the later written (higher
    id). value is None for "Not applicable". Aggregates only leave the callers.
    """
    conditions = [Submission.relation == "self", Instrument.instrument_key == instrument.id]
    if since is not None:
        conditions.append(Submission.submitted_at >= datetime.combine(since, time(), UTC))
    if until is not None:
        end = datetime.combine(until + timedelta(days=1), time(), UTC)
        conditions.append(Submission.submitted_at < end)
    rank = newest_first_rank()
    query = (
        select(Submission.person_id, Submission.draft_id, Submission.submitted_at, rank)
        .join(Instrument, Instrument.id == Submission.instrument_id)
        .where(*conditions)
    )
    if cohort_id is not None:
        query = query.join(CohortMember, CohortMember.person_id == Submission.person_id).where(
            CohortMember.cohort_id == cohort_id
        )
    ranked = query.subquery()
    people, newest = session.exec(
        select(func.count(), func.max(ranked.c.submitted_at)).where(ranked.c.rank == 1)
    ).one()
    rows = session.exec(
        select(ranked.c.person_id, Answer.item_id, Answer.value)
        .join(Answer, Answer.draft_id == ranked.c.draft_id)
        .where(ranked.c.rank == 1, Answer.option_id == "")
    ).all()
    as_of = newest.date() if isinstance(newest, datetime) else None
    return int(people), pd.DataFrame(rows, columns=["person_id", "item_id", "value"]), as_of


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
    responses: pd.DataFrame,
    instrument: bank.Instrument,
    *,
    floor: float = MIN_RELIABILITY,
    min_ratings: int = MIN_SAMPLE,
    as_of: date | None = None,
) -> dict[str, SkillReliability]:
    """Each skill's reliability (Cronbach's alpha, pairwise, of its counted statements,
    reverse-keyed ones recoded) from person x statement `responses`; see the module."""
    return {
        skill.id: skill_reliability(
            keyed(responses, skill), skill.id, min_ratings=min_ratings, floor=floor, as_of=as_of
        )
        for skill in instrument.skills
    }


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
    """How large a change in one person's skill score must be to be more than noise, or why
    that cannot be judged (`reason`)."""

    skill_id: str
    sd: float  # spread of the skill's scores across the organisation (latest each)
    reliability: float  # of the skill's counted statements (NaN when none)
    provisional: bool  # change cannot be judged: see `reason`
    points: float  # 1.96 x sqrt(2) x SEM: a change at least this large is reliable (or NaN)
    reason: str | i18n.Text = ""
    people: int = 0  # the people the reliability rests on
    as_of: date | None = None  # the date of the newest answers it rests on
    source: SkillReliability | None = None

    def points_for(self, items_before: int | None, items_after: int | None) -> float:
        """The threshold for a person who answered these many statements at each time: each
        score's SEM from the reliability of its own statements (`for_items`), S_diff =
        sqrt(SEM_before^2 + SEM_after^2) (Jacobson & Truax, 1991, with unequal errors)."""
        if self.provisional:
            return math.nan
        if self.source is None or not items_before or not items_after:
            return self.points
        errors = [
            measurement_error(self.sd, self.source.for_items(int(k)))
            for k in (items_before, items_after)
        ]
        return noise_margin(errors[0] ** 2, errors[1] ** 2)

    def points_for_counts(self, items_before, items_after) -> np.ndarray:
        """`points_for` of many people at once (arrays of statement counts; 0 or NaN:
        unknown, so the full-length threshold), with the same Spearman-Brown and
        Jacobson-Truax formulas; the cohort review judges a whole cohort with it."""
        before = np.nan_to_num(np.asarray(items_before, dtype=float))
        after = np.nan_to_num(np.asarray(items_after, dtype=float))
        if self.provisional:
            return np.full(before.shape, math.nan)
        if self.source is None or not self.source.items:
            return np.full(before.shape, self.points)
        known = (before >= 1) & (after >= 1)
        items = len(self.source.items)

        def error_variance(k: np.ndarray) -> np.ndarray:
            factor = np.where(known, np.floor(k), items) / items
            return self.sd**2 * (1 - psychometrics.spearman_brown(self.source.alpha, factor))

        margin = noise_margin(error_variance(before), error_variance(after))
        return np.where(known, margin, self.points)

    def describe(self) -> str:
        """Where the threshold comes from, in words (or why there is none)."""
        if self.provisional:
            return _("change cannot be judged yet: {reason}").format(reason=self.reason)
        values = {"points": i18n.number(self.points, 0), "people": i18n.number(self.people),
                  "reliability": i18n.number(self.reliability, 2)}  # fmt: skip
        if self.as_of:
            return _(
                "±{points} points, from a reliability of {reliability} ({people} people on {date})"
            ).format(date=i18n.strftime(self.as_of, "%d %b %Y"), **values)
        return _("±{points} points, from a reliability of {reliability} ({people} people)").format(
            **values
        )


def change_threshold(skill_id: str, sd: float, count: int, source: SkillReliability):
    """The Jacobson-Truax threshold of one skill from its score spread (sd over `count`
    people) and its reliability; provisional with the reason when it cannot be judged."""
    reason = source.reason if source.provisional else ""
    if not reason and count < MIN_SAMPLE:
        reason = i18n.deferred(
            N_("only {count} people have a score; at least {needed} are needed"),
            count=count,
            needed=MIN_SAMPLE,
        )
    if not reason:
        reason = plausibility.spread(sd, scale=100.0).reason
    points = math.nan
    if not reason:
        sem = measurement_error(sd, source.alpha)
        points = noise_margin(sem**2, sem**2)
    return ChangeThreshold(
        skill_id=skill_id,
        sd=sd,
        reliability=source.alpha,
        provisional=bool(reason),
        points=points,
        reason=reason,
        people=source.people,
        as_of=source.as_of,
        source=source,
    )


def change_thresholds(
    *,
    session: Session,
    instrument: bank.Instrument,
    reliabilities: dict[str, SkillReliability] | None = None,
) -> dict[str, ChangeThreshold]:
    """Per skill, the Jacobson-Truax threshold for a reliable change of one person, from
    the given reliabilities (`current` ones when None); a skill whose change cannot be
    judged gets a provisional threshold with the reason and no points.

    Aggregates only (one figure per skill), so open to every signed-in role.
    """
    alphas = reliabilities or current(session=session, instrument=instrument)
    return thresholds_from(score_spread(session), alphas)


def score_spread(session: Session) -> pd.DataFrame:
    """Per skill (index), the spread (`std`) and `count` of everyone's latest scores: what
    the change thresholds take besides the reliabilities, in no language."""
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
    return scores.groupby("skill_id")["score"].agg(["std", "count"])


def thresholds_from(
    spread: pd.DataFrame, alphas: dict[str, SkillReliability]
) -> dict[str, ChangeThreshold]:
    """`change_thresholds` from the score spread (`score_spread`) and the reliabilities."""
    result = {}
    for skill_id, row in spread.iterrows():
        if skill_id not in alphas or not row["count"] > 1:
            continue
        result[skill_id] = change_threshold(
            skill_id, float(row["std"]), int(row["count"]), alphas[skill_id]
        )
    return result


def describe_change(
    change: float,
    threshold: ChangeThreshold | None,
    *,
    items_before: int | None = None,
    items_after: int | None = None,
) -> str:
    """A change in plain words: a real gain or drop, within measurement noise, or that it
    cannot be judged yet (the threshold's `reason` says why)."""
    if threshold is None or pd.isna(change):
        return ""
    if threshold.provisional:
        return CANNOT_JUDGE
    if abs(change) <= threshold.points_for(items_before, items_after):
        return "within noise"
    return "real gain" if change > 0 else "real drop"


def score_band(
    score: float, threshold: ChangeThreshold | None, items: int | None, level: float = 0.90
) -> tuple[float, float]:
    """The band around one score that holds the person's true score with `level` confidence:
    score ± z x SEM, SEM from the reliability of the statements they answered (Harvill,
    1991, Standard error of measurement, EM:IP 10(2), 33-41), clipped to 0-100; NaN when
    the reliability cannot be used."""
    if threshold is None or threshold.provisional or pd.isna(score):
        return (math.nan, math.nan)
    reliability = (
        threshold.source.for_items(int(items))
        if threshold.source is not None and items
        else threshold.reliability
    )
    z = float(stats.norm.ppf(0.5 + level / 2))
    half = z * measurement_error(threshold.sd, reliability)
    return (max(0.0, score - half), min(100.0, score + half))


def judged_profile(
    profile: pd.DataFrame,
    thresholds: dict[str, ChangeThreshold],
    previous_answered: dict[str, int] | None = None,
    level: float = 0.90,
) -> pd.DataFrame:
    """A person's profile (skill_id, score, change, answered: `results.profile`) with each
    score's measurement band (band_low, band_high: `score_band`) and what its change means
    (`describe_change`, using the statements answered at each time)."""
    before = previous_answered or {}
    lows, highs, meanings = [], [], []
    for row in profile.itertuples():
        threshold = thresholds.get(row.skill_id)
        answered = None if pd.isna(row.answered) else int(row.answered)
        low, high = score_band(row.score, threshold, answered, level)
        lows.append(low)
        highs.append(high)
        meanings.append(
            describe_change(
                row.change,
                threshold,
                items_before=before.get(row.skill_id),
                items_after=answered,
            )
        )
    return profile.assign(band_low=lows, band_high=highs, meaning=meanings)


def cannot_judge_note(
    reliabilities: dict[str, SkillReliability], skills: list[str], names: dict[str, str]
) -> str:
    """ "Differences of one person cannot be judged yet for <skill>: <reason>; ..." over
    the given skill ids whose reliability cannot be used ("" when every one can)."""
    unjudged = [
        f"{i18n.questionnaire_text(names.get(s, s))} ({reliabilities[s].reason})"
        for s in skills
        if s in reliabilities and reliabilities[s].provisional
    ]
    if not unjudged:
        return ""
    # Read on the coach's Compare page: a text of the catalog (issue 25).
    return _(
        "For one person, whether a difference is beyond noise cannot be judged yet for {skills}."
    ).format(skills="; ".join(unjudged))
