"""Measurement quality for HR: how consistently each skill's statements measure one thing.

From each person's latest self-assessment in a period (or of a cohort's members): per
skill, Cronbach's alpha with its interval, McDonald's omega with a bootstrap interval,
Guttman's lambda 6, whether it measures one thing (parallel analysis), how many statements
it would need for 0.80 and how many people score at its ceiling; over all skills, omega
hierarchical and omega total (how much of the overall index is one general factor); per
statement, its mean and spread, how often each answer was given and how often "Not
applicable", its corrected item-total correlation and alpha without it. Reverse-keyed
statements are recoded (6 - x) first, so every figure reads in the skill's direction.
Which statements count is `reliability.counted_items`' rule, so the alpha here is the one
behind every "real change" and "beyond noise".

Only aggregates leave this module, and nothing is reported on fewer than `min_sample`
people (Settings.min_quality_sample): below about 30 people an alpha is too unstable to act
on. Thresholds: alpha or omega below 0.70 is weak for a scale used to guide development
(Nunnally, 1978, Psychometric Theory, 2nd ed.); an item-rest correlation below 0.30 marks a
statement that tracks its skill poorly (Nunnally & Bernstein, 1994; Field, 2013), and a
negative one usually means a statement is scored in the wrong direction. Ceiling: more
than 15% of people at the highest possible score leaves no room to show growth (Terwee et
al., 2007, J. Clin. Epidemiol. 60(1), 34-42).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace
from datetime import date

import altair as alt
import numpy as np
import pandas as pd
from sqlmodel import Session

from leadcoach.instrument import bank, scoring
from leadcoach.measurement import plausibility, psychometrics, reliability, structure
from leadcoach.people.access import Action, Viewer, cohort_for, require
from leadcoach.platform import data_version, i18n
from leadcoach.platform.errors import InvalidInput
from leadcoach.platform.i18n import N_, Text, _, deferred, joined, later, ngettext

MIN_RELIABILITY = 0.70  # Nunnally (1978): the usual floor for a scale in applied use
MIN_ITEM_REST = 0.30  # below this a statement tracks the rest of its skill poorly
TARGET_RELIABILITY = 0.80  # what "statements needed" aims at (Nunnally, 1978, for research)
CEILING_SHARE = 0.15  # Terwee et al. (2007): more than 15% at the top score is a ceiling
# A statement whose top answer ("Almost always") holds most answers cannot show growth for
# most people; the project's rule, in the spirit of Terwee et al.'s criterion for scales.
ITEM_CEILING_SHARE = 0.50
ANSWER_VALUES = list(range(scoring.SCALE_LOW, scoring.SCALE_HIGH + 1))
ANSWER_COLUMNS = [f"share_{value}" for value in ANSWER_VALUES]

SKILL_COLUMNS = ["skill_id", "skill", "items", "people", "alpha", "alpha_low", "alpha_high",
                 "omega", "omega_low", "omega_high", "lambda6", "components", "one_thing",
                 "items_for_080", "ceiling_share", "flagged", "note"]  # fmt: skip
ITEM_COLUMNS = ["skill_id", "skill", "item_id", "text", "reverse", "answers", "not_applicable",
                "not_applicable_share", "rated", "mean", "sd", "item_rest", "alpha_if_deleted",
                *ANSWER_COLUMNS, "ceiling", "flag", "note"]  # fmt: skip

KEYING_ERROR = N_("Likely keying error")
WEAK_ITEM = N_("Weak item")


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
    refused: str | Text | None  # a Text until `worded`
    skills: pd.DataFrame
    items: pd.DataFrame
    scenario_key_status: str  # the instrument's own word on its scenario key
    # The general-factor model the page leads with (`general_factors` decides which; its
    # `method` says which it is), or None with `general_note` saying why.
    general: structure.GeneralFactor | None = None
    general_note: str | Text = ""  # why there is none, or why the exploratory model was not fitted
    # The skills-as-groups model shown beside an exploratory lead (None otherwise), and how
    # many of the statements load most on their own skill's exploratory factor (of how many).
    general_skills: structure.GeneralFactor | None = None
    factors_follow_skills: tuple[int, int] | None = None
    as_of: date | None = None  # the date of the newest submission in the sample

    def worded(self) -> QualityReport:
        """A copy whose texts are in the language being shown (issue 25): the computed
        report keeps `Text`s and msgids, so one computation serves every language."""

        def general(found: structure.GeneralFactor | None):
            if found is None:
                return None
            return replace(found, notes=tuple(str(note) for note in found.notes))

        skills = self.skills.copy()
        skills["note"] = skills["note"].map(_as_words)
        items = self.items.copy()
        items["note"] = items["note"].map(_as_words)
        items["flag"] = items["flag"].map(lambda flag: _(flag) if flag else "")
        return replace(
            self,
            refused=None if self.refused is None else str(self.refused),
            general_note=str(self.general_note),
            general=general(self.general),
            general_skills=general(self.general_skills),
            skills=skills,
            items=items,
        )

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
    narrowed to the members of a cohort when `cohort_id` is given. HR and admins only
    (`report_scope` decides).
    """
    cohort_name = report_scope(
        session=session, viewer=viewer, since=since, until=until, cohort_id=cohort_id
    )
    return _report(session, instrument, since, until, cohort_id, cohort_name, min_sample).worded()


def report_scope(
    *,
    session: Session,
    viewer: Viewer,
    since: date | None,
    until: date | None,
    cohort_id: int | None,
) -> str | None:
    """Whether this viewer may have the quality report of this sample: the one place that
    decides, for `quality_report` and for every cached `QualityReports.get` alike (HR and
    admins only; a cohort they may see; a period whose start is not after its end).
    Returns the cohort's name (None for everyone)."""
    require(viewer, Action.READ_ORGANISATION)
    if since is not None and until is not None and since > until:
        raise InvalidInput("Period: the start date is after the end date.")
    if cohort_id is None:
        return None
    return cohort_for(session=session, viewer=viewer, cohort_id=cohort_id).name


def _report(
    session: Session,
    instrument: bank.Instrument,
    since: date | None,
    until: date | None,
    cohort_id: int | None,
    cohort_name: str | None,
    min_sample: int,
) -> QualityReport:
    """The report of a sample whose access `report_scope` has already allowed."""
    people, answers, as_of = reliability.latest_self_answers(
        session, instrument, since, until, cohort_id
    )
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
        as_of=as_of,
    )
    if people < min_sample:
        return replace(empty, refused=later(_too_few, people, min_sample, cohort_name))
    skills, items = analyse(answers, instrument, min_sample)
    found = general_factors(answers, instrument, min_sample)
    return replace(
        empty,
        skills=skills,
        items=items,
        general=found.lead,
        general_note=found.note,
        general_skills=found.skills if found.lead is found.exploratory else None,
        factors_follow_skills=found.follow,
    )


def _as_words(value: object) -> object:
    return "" if value is None else i18n.worded(value)


def _sentence(reason: object) -> str:
    """A reason as a sentence of its own: capitalised, with a full stop."""
    reason = str(reason)
    return reason[0].upper() + reason[1:] + "."


def _too_few(people: int, min_sample: int, cohort: str | None) -> str:
    need = _("at least {minimum} are needed for a stable reliability estimate.").format(
        minimum=i18n.number(min_sample)
    )
    count = i18n.number(people)
    if cohort is None:
        if people == 0:
            return _("No one submitted a self-assessment in this period; {need}").format(need=need)
        return ngettext(
            "Only {count} person submitted in this period; {need}",
            "Only {count} people submitted in this period; {need}",
            people,
        ).format(count=count, need=need)
    if people == 0:
        return _("No member of the cohort {cohort} has submitted a self-assessment; {need}").format(
            cohort=repr(cohort), need=need
        )
    return ngettext(
        "Only {count} member of the cohort {cohort} submitted; {need}",
        "Only {count} members of the cohort {cohort} submitted; {need}",
        people,
    ).format(count=count, cohort=repr(cohort), need=need)


def _long_values(answers: pd.DataFrame) -> pd.DataFrame:
    values = pd.to_numeric(answers["value"], errors="coerce") if len(answers) else None
    return answers.assign(value=values) if values is not None else answers


def analyse(
    answers: pd.DataFrame, instrument: bank.Instrument, min_sample: int
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Skill and item tables (SKILL_COLUMNS, ITEM_COLUMNS) from long-format answers.

    `answers` has person_id, item_id and value (None or NaN = "Not applicable"), one row
    per answer given. Pure: no database. A statement that does not count under
    `reliability.counted_items` (fewer than `min_sample` ratings, or too few people who
    answered it together with the others) gets no figures and is left out of its skill's
    statistics; a skill rated by fewer than `min_sample` people gets no figures at all.
    """
    frame = _long_values(answers)
    skill_rows, item_rows = [], []
    for skill in instrument.skills:
        given = frame[frame["item_id"].isin([item.id for item in skill.items])]
        wide = _keyed_wide(given, skill)
        people = int(wide.notna().any(axis=1).sum())
        counts = given.groupby("item_id")["value"].agg(answers="size", rated="count")
        usable, left_out = reliability.counted_items(wide, min_sample)
        notes: list[str] = []
        stats = _item_statistics(wide[usable], notes) if people >= min_sample else {}
        for item in skill.items:
            item_rows.append(
                _item_row(skill, item, wide[item.id], counts, stats, min_sample, people, usable)
            )
        if people < min_sample:
            note = deferred(
                N_(
                    "Only {people} people rated this skill's statements; at least {minimum} are "
                    "needed."
                ),
                people=later(i18n.number, people),
                minimum=later(i18n.number, min_sample),
            )
            skill_rows.append(
                [skill.id, skill.name, 0, people, *[math.nan] * 8, None, None, math.nan, False,
                 note]
            )  # fmt: skip
            continue
        notes[:0] = left_out
        alpha = stats.get("alpha", math.nan)
        omega = stats.get("omega", math.nan)
        flagged = any(v < MIN_RELIABILITY for v in (alpha, omega) if not math.isnan(v))
        low, high = stats.get("alpha_ci", (math.nan, math.nan))
        omega_low, omega_high = stats.get("omega_ci", (math.nan, math.nan))
        parallel = stats.get("parallel")
        skill_rows.append(
            [skill.id, skill.name, len(usable), people, alpha, low, high, omega, omega_low,
             omega_high, stats.get("lambda6", math.nan),
             parallel.components if parallel else None,
             parallel.one_thing if parallel else None,
             structure.items_for_reliability(alpha, len(usable), TARGET_RELIABILITY)
             if not math.isnan(alpha) and alpha < TARGET_RELIABILITY else None,
             _ceiling_share(wide), flagged, joined(" ", notes)]
        )  # fmt: skip
    skills = pd.DataFrame(skill_rows, columns=SKILL_COLUMNS)
    numbers = ["alpha", "alpha_low", "alpha_high", "omega", "omega_low", "omega_high",
               "lambda6", "ceiling_share"]  # fmt: skip
    skills[numbers] = skills[numbers].astype(float)
    skills["components"] = skills["components"].astype("Int64")
    skills["items_for_080"] = skills["items_for_080"].astype("Int64")
    skills["one_thing"] = skills["one_thing"].astype("boolean")
    skills["flagged"] = skills["flagged"].astype(bool)
    items = pd.DataFrame(item_rows, columns=ITEM_COLUMNS)
    figures = ["not_applicable_share", "mean", "sd", "item_rest", "alpha_if_deleted",
               *ANSWER_COLUMNS]  # fmt: skip
    items[figures] = items[figures].astype(float)
    items["ceiling"] = items["ceiling"].astype(bool)
    return skills, items


def _ceiling_share(wide: pd.DataFrame) -> float:
    """The share of people whose skill score (mean of their answered statements) is the
    highest possible."""
    means = wide.mean(axis=1).dropna()
    return float((means >= scoring.SCALE_HIGH).mean()) if len(means) else math.nan


def _keyed_wide(given: pd.DataFrame, skill: bank.Skill) -> pd.DataFrame:
    """person x item of this skill, reverse-keyed items recoded; missing = not rated."""
    if given.empty:
        return pd.DataFrame(columns=[item.id for item in skill.items], dtype=float)
    wide = given.pivot_table(index="person_id", columns="item_id", values="value", aggfunc="last")
    wide = wide.reindex(columns=[item.id for item in skill.items]).astype(float)
    return reliability.keyed(wide, skill)


def _statistic(name: str, compute, wide: pd.DataFrame, notes: list[str]):
    """compute(wide), or None with "<name> not computed: <reason>." added to `notes`."""
    try:
        return compute(wide)
    except ValueError as error:
        notes.append(
            deferred(
                N_("{name} not computed: {error}."),
                name=later(_, name),
                error=reliability.error_text(error),
            )
        )
        return None


def _item_statistics(wide: pd.DataFrame, notes: list[str]) -> dict:
    """The skill's statistics over its counted statements; a statistic that cannot be
    computed is left out, with the reason added to `notes`. Nothing here warns: what the
    fits would warn about becomes a note."""
    stats: dict = {}
    if wide.shape[1] < 2:
        notes.append(
            deferred(N_("Fewer than two statements have enough ratings: nothing computed."))
        )
        return stats
    estimate = _statistic(N_("Alpha"), psychometrics.cronbach_alpha_ci, wide, notes)
    if estimate is not None:
        verdict = plausibility.reliability(estimate.alpha, name="alpha")
        stats["alpha"] = estimate.alpha
        if verdict.ok:
            stats["alpha_ci"] = (max(estimate.ci_lower, -1.0), min(estimate.ci_upper, 1.0))
        else:
            notes.append(later(_sentence, verdict.reason))
    for name, label, compute in (
        ("item_rest", N_("Item-rest correlations"), psychometrics.item_rest_correlations),
        ("alpha_if_deleted", N_("Alpha if deleted"), psychometrics.alpha_if_deleted),
        ("lambda6", N_("Lambda 6"), structure.guttman_lambda6),
        ("parallel", N_("Parallel analysis"), structure.parallel_analysis),
    ):
        if (value := _statistic(label, compute, wide, notes)) is not None:
            stats[name] = value
    # Omega over the statements that vary: one constant statement has no correlations, and
    # used to cost the whole skill its omega.
    varying = wide.loc[:, wide.nunique(dropna=True) > 1]
    if constant := [str(c) for c in wide.columns if c not in varying.columns]:
        notes.append(
            deferred(
                N_("Omega leaves out {statements}: everyone gave the same answer."),
                statements=", ".join(constant),
            )
        )
    fit = _statistic(N_("Omega"), psychometrics.one_factor_fit, varying, notes)
    if fit is not None:
        stats["omega"] = fit.omega
        stats["omega_ci"] = structure.omega_interval(varying)
        if fit_notes := fit.notes():
            notes.append(deferred(N_("Omega: {notes}."), notes=joined("; ", fit_notes)))
    return stats


def _item_row(skill, item, keyed, counts, stats, min_sample: int, people: int, usable):
    answers = int(counts["answers"].get(item.id, 0)) if item.id in counts.index else 0
    rated = int(keyed.count())
    not_applicable = answers - rated
    share = not_applicable / answers if answers else math.nan
    nan = math.nan
    mean = sd = rest = dropped = nan
    shares = [nan] * len(ANSWER_COLUMNS)
    ceiling = False
    flag = note = ""
    if rated < min_sample or people < min_sample:
        note = deferred(
            N_("Only {rated} ratings; at least {minimum} are needed for item figures."),
            rated=later(i18n.number, rated),
            minimum=later(i18n.number, min_sample),
        )
    elif item.id not in usable:
        note = deferred(
            N_("Left out: too few people answered it together with the skill's other statements.")
        )
    else:
        mean, sd = float(keyed.mean()), float(keyed.std())
        # Frequencies of the answers as given (before reverse-keying), so they read as the
        # options the person chose.
        raw = scoring.reverse_key(keyed, item.reverse)  # whole column: keyed back to raw
        shares = list(structure.frequencies(raw, ANSWER_VALUES))
        ceiling = float((keyed >= scoring.SCALE_HIGH).mean()) > ITEM_CEILING_SHARE
        rest = float(stats["item_rest"][item.id]) if "item_rest" in stats else nan
        dropped = float(stats["alpha_if_deleted"][item.id]) if "alpha_if_deleted" in stats else nan
        if "item_rest" not in stats:
            note = deferred(N_("No item-rest correlation: see the skill's note."))
        elif math.isnan(rest):
            note = deferred(
                N_(
                    "No item-rest correlation: the statement or the rest of its skill is "
                    "constant, or too few people answered it together with the others."
                )
            )
        elif rest < 0:
            flag = KEYING_ERROR  # a msgid: worded when shown (`QualityReport.worded`)
            note = deferred(
                N_(
                    "Higher ratings go with lower ratings of the skill's other statements: "
                    "check whether it should be reverse-scored."
                )
                if not item.reverse
                else N_(
                    "Higher ratings go with lower ratings of the skill's other statements: "
                    "check whether it should be reverse-scored (it is now)."
                )
            )
        elif rest < MIN_ITEM_REST:
            flag = WEAK_ITEM
            note = deferred(
                N_("Item-rest correlation below {limit}: it tracks its skill poorly."),
                limit=later(i18n.number, MIN_ITEM_REST, 2),
            )
        if ceiling:
            ceiling_note = deferred(
                N_(
                    "Ceiling: more than half answered at the top of the scale, so growth hardly "
                    "shows."
                )
            )
            note = joined(" ", [note, ceiling_note]) if note else ceiling_note
    return [skill.id, skill.name, item.id, item.text, item.reverse, answers, not_applicable,
            share, rated, mean, sd, rest, dropped, *shares, ceiling, flag,
            note]  # fmt: skip


@dataclass(frozen=True)
class GeneralFactors:
    """Both general-factor models of a sample, the one to lead with, and why one is missing."""

    exploratory: structure.GeneralFactor | None
    skills: structure.GeneralFactor | None
    note: str | Text  # why the exploratory model (or both) could not be fitted; "" when it was
    follow: tuple[int, int] | None  # statements loading most on their skill's factor, of all

    @property
    def lead(self) -> structure.GeneralFactor | None:
        """The model the page leads with.

        The exploratory one when it could be fitted: it is what R psych's omega computes
        (omega(r, nfactors = 12): the group factors are found in the answers, one per skill),
        so an analyst can reproduce the page, and it lets a statement that also reflects
        another skill load on both, where holding each statement to its own skill pushes
        that shared variance into the general factor and overstates omega hierarchical (on
        psych's Thurstone example 0.79 instead of psych's 0.74). The skills model, the
        questionnaire's design, is shown beside it, so a gap between them is visible.
        Without enough people for an exploratory fit of every statement (more people than
        statements, for a correlation matrix of full rank), the skills model leads and the
        page says why."""
        return self.exploratory if self.exploratory is not None else self.skills


def general_factors(
    answers: pd.DataFrame, instrument: bank.Instrument, min_sample: int
) -> GeneralFactors:
    """Omega hierarchical and omega total over all skills' counted statements, from the
    exploratory model (`structure.exploratory_general_factor`, one group factor per
    skill) and from the skills model (`structure.general_factor`), each None with the
    reason when it cannot be fitted. Pure: no database."""
    frame = _long_values(answers)
    columns, clusters = [], {}
    for skill in instrument.skills:
        given = frame[frame["item_id"].isin([item.id for item in skill.items])]
        wide = _keyed_wide(given, skill)
        if int(wide.notna().any(axis=1).sum()) < min_sample:
            continue
        usable, _left_out = reliability.counted_items(wide, min_sample)
        varying = [c for c in usable if wide[c].nunique(dropna=True) > 1]
        columns.append(wide[varying])
        clusters.update(dict.fromkeys(varying, skill.name))
    if not columns:
        return GeneralFactors(
            None, None, deferred(N_("No skill has enough ratings for a general factor.")), None
        )
    everything = pd.concat(columns, axis=1)
    # Statements of skills few people share (remote) must overlap with the rest too.
    kept, _left_out = reliability.counted_items(everything, min_sample)
    try:
        corr = pd.DataFrame(structure.correlations(everything[kept]), index=kept, columns=kept)
        skills = structure.general_factor(corr, {item: clusters[item] for item in kept})
    except ValueError as error:
        return GeneralFactors(
            None,
            None,
            deferred(
                N_("The general factor could not be estimated: {error}."),
                error=reliability.error_text(error),
            ),
            None,
        )
    # The same statements as the skills model (a skill with too few statements is out).
    items = list(skills.general.index)
    people = int(everything[items].notna().any(axis=1).sum())
    enough = plausibility.respondents(people, "factor model", items=len(items))
    # psych fits pairwise correlations as they are, even when statements answered by
    # different people (remote-only ones) make the matrix slightly indefinite; so does this.
    if not enough.ok:
        reason = enough.reason
    else:
        try:
            exploratory = structure.exploratory_general_factor(
                corr.loc[items, items], len(skills.second_order), clusters=clusters
            )
        except ValueError as error:
            reason = reliability.error_text(error)
        else:
            follow = structure.follows(exploratory, clusters)
            return GeneralFactors(exploratory, skills, "", (follow, len(items)))
    return GeneralFactors(
        None,
        skills,
        deferred(N_("The exploratory model was not fitted: {reason}."), reason=reason),
        None,
    )


def alpha_chart(report: QualityReport) -> alt.Chart:
    """Bars of each skill's alpha, with a rule at 0.70; weak skills in a warning colour."""
    data = report.skills.dropna(subset=["alpha"])[["skill", "alpha", "omega", "people"]].copy()
    data["alpha"] = data["alpha"].astype(float)
    data["omega"] = data["omega"].astype(float)
    below, above = _("Below 0.70"), _("0.70 or above")
    data["status"] = np.where(data["alpha"] < MIN_RELIABILITY, below, above)
    order = list(report.skills["skill"])
    top = max(1.0, float(data["alpha"].max()) if len(data) else 1.0)
    low = min(0.0, float(data["alpha"].min()) if len(data) else 0.0)
    x = alt.X("alpha:Q", title=_("Cronbach's alpha"), scale=alt.Scale(domain=[low, top]))
    bars = (
        alt.Chart(data)
        .mark_bar(height=16)
        .encode(
            x=x,
            y=alt.Y("skill:N", sort=order, title=None, axis=alt.Axis(labelLimit=320)),
            color=alt.Color(
                "status:N",
                scale=alt.Scale(domain=[above, below], range=["#0072B2", "#D55E00"]),
                legend=alt.Legend(title=None, orient="bottom"),
            ),
            tooltip=[
                alt.Tooltip("skill:N", title=_("Skill")),
                alt.Tooltip("alpha:Q", title=_("Alpha"), format=".2f"),
                alt.Tooltip("omega:Q", title=_("Omega"), format=".2f"),
                alt.Tooltip("people:Q", title=_("People")),
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
        description=_(
            "Bar chart of each skill's reliability (Cronbach's alpha). The same figures are in "
            "the table beside it."
        ),
    )


class QualityReports:
    """`quality_report`, computed once per data version and kept between reruns and
    sessions (the bootstrap and parallel analysis take seconds at 10,000 people; the page
    reruns on every widget). Access is checked on every call; each caller gets its own
    copy of the frames. Bounded: the oldest goes first."""

    def __init__(self, max_entries: int = 16):
        self._cache: data_version.VersionedCache[QualityReport] = data_version.VersionedCache(
            max_entries
        )

    def get(
        self,
        *,
        session: Session,
        viewer: Viewer,
        instrument: bank.Instrument,
        since: date | None = None,
        until: date | None = None,
        cohort_id: int | None = None,
        min_sample: int,
    ) -> QualityReport:
        # Decided on every call, hit or miss, by the same function as `quality_report`.
        cohort_name = report_scope(
            session=session, viewer=viewer, since=since, until=until, cohort_id=cohort_id
        )
        # Not per language (issue 25): the cached report holds its texts unworded (`Text`s and
        # msgids), and each reader gets a copy worded in theirs, so switching language on the
        # page does not compute the report again.
        key = (*data_version.current(session), instrument.id, instrument.version, since,
               until, cohort_id, min_sample)  # fmt: skip
        report = self._cache.get(
            key,
            lambda: _report(session, instrument, since, until, cohort_id, cohort_name, min_sample),
        )
        return report.worded()
