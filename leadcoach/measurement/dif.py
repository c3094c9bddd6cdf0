"""Does a translated statement measure the same thing? Differential item functioning (DIF)
of each statement between the source language and each translation.

People who answered in another language are compared with people who answered in the
source language *at the same level of the skill* (matched on the skill's score): if, at
equal skill, one language group still answers a statement higher or lower, the statement
works differently in that language (a translation that shifted its meaning, or a behaviour
that reads differently in that culture), and pooling the groups' scores on it compares
unlike things.

Method, per statement and language (the ETS operational procedure for items scored on
more than two points, Zwick, Thayer & Mazzeo, 1997, Applied Measurement in Education
10(4), 321-344; summarised in Zwick, 2012, ETS Research Report RR-12-08, pp. 11-13):

- strata: the matching score is the person's skill score in raw points (the sum of the
  skill's keyed answers, prorated over a "Not applicable" or a skipped answer, and rounded;
  the statement itself included, as ETS and difR do), in two stages: statements with large
  DIF in the first stage, and statements HR has set aside, leave the matching score of the
  others in the second (Zwick, 2012, p. 9);
- the test: Mantel's (1963) chi-square for ordered answers (J. Am. Stat. Assoc. 58, 690-700),
  one degree of freedom, the 2 x J x K generalisation of the Mantel-Haenszel (1959) test.
  With a 0/1 answer and the 0.5 continuity correction it *is* the Mantel-Haenszel DIF
  statistic of Holland & Thayer (1988), which is how the tests check it against the
  published output of R's difR (`mantel_haenszel`);
- the effect size: the standardised mean difference (SMD, Dorans & Schmitt, 1991): the
  focal group's mean answer minus the reference group's mean answer in the same stratum,
  weighted by the focal group's share of each stratum, divided by the statement's standard
  deviation in both groups together;
- the classification (Zwick, 2012, p. 13, the ETS rule for polytomous items): negligible
  ("AA") when Mantel's p >= 0.05 or |SMD/SD| <= 0.17; large ("CC") when p < 0.05 and
  |SMD/SD| > 0.25; moderate ("BB") otherwise.

A language is analysed only with at least `min_group` people in it and in the source
language (Settings.min_dif_group; 100 by default: Mantel-Haenszel DIF loses most of its
power below 100 per group, and ETS asks for at least 200 in the focal group, Zwick, 2012,
p. 20). Only aggregates leave this module.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date

import numpy as np
import pandas as pd
from scipy import stats
from sqlmodel import Session, select

from leadcoach.assessment.submissions import newest_first_rank
from leadcoach.instrument import bank
from leadcoach.measurement import reliability
from leadcoach.people.access import Action, Viewer, require
from leadcoach.platform import data_version
from leadcoach.platform.i18n import N_, _, ngettext
from leadcoach.platform.languages import SOURCE, SUPPORTED
from leadcoach.platform.models import Instrument, ItemComparisonExclusion, Submission, utcnow

# Zwick (2012), p. 13: the ETS thresholds on |SMD/SD| for polytomous items.
NEGLIGIBLE_BELOW = 0.17
LARGE_ABOVE = 0.25
SIGNIFICANCE = 0.05
NEGLIGIBLE, MODERATE, LARGE = "negligible", "moderate", "large"
RULE = N_(
    "ETS rule for statements with more than two answers (Zwick, Thayer & Mazzeo, 1997; "
    "Zwick, 2012): negligible when p >= 0.05 or |SMD/SD| <= 0.17, large when p < 0.05 and "
    "|SMD/SD| > 0.25, moderate otherwise"
)
ITEM_COLUMNS = ["language", "skill_id", "skill", "item_id", "text", "reference", "focal",
                "smd", "smd_sd", "chi2", "p", "level", "set_aside"]  # fmt: skip
ALPHA_COLUMNS = ["language", "skill_id", "skill", "people", "alpha"]


# ---------------------------------------------------------------- the statistics


@dataclass(frozen=True)
class MantelResult:
    """Mantel's test and the standardised mean difference for one statement."""

    chi2: float
    p: float
    smd: float  # focal minus reference, at equal matching score (answer points)
    sd: float  # the statement's SD over both groups
    reference: int  # people counted (in strata with both groups)
    focal: int

    @property
    def smd_sd(self) -> float:
        """SMD in standard deviations of the statement (the effect size ETS classifies)."""
        return self.smd / self.sd if self.sd > 0 else float("nan")

    @property
    def level(self) -> str:
        """negligible / moderate / large by the ETS rule (see RULE)."""
        size = abs(self.smd_sd)
        if not np.isfinite(size) or not np.isfinite(self.p):
            return NEGLIGIBLE
        if self.p >= SIGNIFICANCE or size <= NEGLIGIBLE_BELOW:
            return NEGLIGIBLE
        if size > LARGE_ABOVE:
            return LARGE
        return MODERATE


def mantel(
    answers: np.ndarray, focal: np.ndarray, match: np.ndarray, correction: float = 0.0
) -> MantelResult:
    """Mantel's (1963) test of a 2 x J x K table, built from one answer per person.

    `answers`: the answer (its value is its score); `focal`: True for the focal group;
    `match`: the stratum. Strata with fewer than two people, or with one group only, carry
    no information and are dropped (as difR does). `correction` 0.5 gives Holland &
    Thayer's continuity-corrected Mantel-Haenszel statistic for 0/1 answers.
    """
    y = np.asarray(answers, float)
    f = np.asarray(focal, bool)
    k = np.asarray(match, float)
    keep = ~(np.isnan(y) | np.isnan(k))
    y, f, k = y[keep], f[keep], k[keep]
    _, stratum = np.unique(k, return_inverse=True)
    # Per stratum, by counting (numpy's bincount: one pass, no Python loop over strata).
    n = np.bincount(stratum).astype(float)
    n_focal = np.bincount(stratum, weights=f.astype(float), minlength=len(n))
    total = np.bincount(stratum, weights=y, minlength=len(n))
    total_sq = np.bincount(stratum, weights=y**2, minlength=len(n))
    observed = np.bincount(stratum, weights=y * f, minlength=len(n))
    n_reference = n - n_focal
    # Strata with fewer than two people or one group only carry no information.
    used = (n_focal > 0) & (n_reference > 0) & (n >= 2)
    if not used.any():
        nan = float("nan")
        return MantelResult(nan, nan, nan, nan, 0, 0)
    n, n_focal, n_reference = n[used], n_focal[used], n_reference[used]
    total, total_sq, observed = total[used], total_sq[used], observed[used]
    expected = n_focal / n * total
    variance = n_reference * n_focal / (n**2 * (n - 1)) * (n * total_sq - total**2)
    deviation = max(abs(observed.sum() - expected.sum()) - correction, 0.0)
    var_sum = variance.sum()
    chi2 = deviation**2 / var_sum if var_sum > 0 else float("nan")
    p = float(stats.chi2.sf(chi2, 1)) if np.isfinite(chi2) else float("nan")
    # Dorans & Schmitt (1991): the focal group's counts weight the strata.
    reference_mean = (total - observed) / n_reference
    focal_mean = observed / n_focal
    smd = float((n_focal * (focal_mean - reference_mean)).sum() / n_focal.sum())
    in_used = used[stratum]
    sd = float(np.std(y[in_used], ddof=1)) if in_used.sum() > 1 else float("nan")
    return MantelResult(float(chi2), p, smd, sd, int(n_reference.sum()), int(n_focal.sum()))


@dataclass(frozen=True)
class MantelHaenszel:
    """The Mantel-Haenszel DIF statistics of a 0/1 item (Holland & Thayer, 1988)."""

    chi2: float  # with the 0.5 continuity correction
    p: float
    alpha: float  # common odds ratio, reference over focal
    delta: float  # ETS delta scale: -2.35 ln(alpha)


def mantel_haenszel(answers: np.ndarray, focal: np.ndarray, match: np.ndarray) -> MantelHaenszel:
    """The MH chi-square (Mantel's test with scores 0/1 and the continuity correction) and
    the MH common odds ratio with its ETS delta, via statsmodels' StratifiedTable."""
    from statsmodels.stats.contingency_tables import StratifiedTable

    test = mantel(answers, focal, match, correction=0.5)
    frame = pd.DataFrame({"y": answers, "f": np.asarray(focal, bool), "k": match})
    tables = []
    for _level, stratum in frame.groupby("k"):
        if len(stratum) < 2:
            continue
        reference, focal_ = stratum[~stratum["f"]]["y"], stratum[stratum["f"]]["y"]
        tables.append(
            [
                [(reference == 1).sum(), (reference == 0).sum()],
                [(focal_ == 1).sum(), (focal_ == 0).sum()],
            ]
        )
    alpha = float(StratifiedTable(np.array(tables, float).transpose(1, 2, 0)).oddsratio_pooled)
    return MantelHaenszel(test.chi2, test.p, alpha, -2.35 * float(np.log(alpha)))


# ---------------------------------------------------------------- the report


@dataclass(frozen=True)
class DifReport:
    """DIF per language and statement, alpha per language, and what was left out."""

    min_group: int
    reference_people: int
    people: dict[str, int]  # language -> people whose latest self-assessment is in it
    analysed: tuple[str, ...]  # languages with enough people (besides the source)
    items: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(columns=ITEM_COLUMNS))
    alphas: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(columns=ALPHA_COLUMNS))
    set_aside: tuple[str, ...] = ()

    @property
    def too_small(self) -> dict[str, int]:
        """Languages answered in, but by too few people to analyse."""
        skipped = {SOURCE, *self.analysed}
        return {lang: n for lang, n in self.people.items() if lang not in skipped}

    @property
    def large(self) -> pd.DataFrame:
        """The statements with large DIF in some language."""
        return self.items[self.items["level"] == LARGE]


def languages_of_latest(
    session: Session,
    instrument: bank.Instrument,
    since: date | None = None,
    until: date | None = None,
) -> pd.Series:
    """person_id -> the language of their latest self-assessment (source when unrecorded)."""
    rank = newest_first_rank()
    query = (
        select(Submission.person_id, Submission.language, Submission.submitted_at, rank)
        .join(Instrument, Instrument.id == Submission.instrument_id)
        .where(Submission.relation == "self", Instrument.instrument_key == instrument.id)
    )
    ranked = query.subquery()
    rows = session.exec(
        select(ranked.c.person_id, ranked.c.language, ranked.c.submitted_at).where(
            ranked.c.rank == 1
        )
    ).all()
    frame = pd.DataFrame(rows, columns=["person_id", "language", "at"])
    if since is not None or until is not None:
        day = pd.to_datetime(frame["at"], utc=True).dt.date
        if since is not None:
            frame = frame[day >= since]
        if until is not None:
            frame = frame[day <= until]
    return frame.set_index("person_id")["language"].fillna(SOURCE)


def set_aside_items(session: Session, instrument: bank.Instrument) -> tuple[str, ...]:
    """The statements HR has left out of cross-language comparisons."""
    rows = session.exec(
        select(ItemComparisonExclusion.item_id).where(
            ItemComparisonExclusion.instrument_key == instrument.id
        )
    ).all()
    return tuple(sorted(rows))


def set_aside(
    *, session: Session, viewer: Viewer, instrument: bank.Instrument, item_id: str, leave_out: bool
) -> None:
    """HR's choice: leave a statement out of cross-language comparisons, or bring it back."""
    require(viewer, Action.READ_ORGANISATION)
    instrument.item(item_id)  # KeyError for an unknown statement
    row = session.get(ItemComparisonExclusion, (instrument.id, item_id))
    if leave_out and row is None:
        session.add(
            ItemComparisonExclusion(
                instrument_key=instrument.id, item_id=item_id, chosen_by=viewer.person_id,
                chosen_at=utcnow(),
            )
        )  # fmt: skip
    elif not leave_out and row is not None:
        session.delete(row)
    session.commit()


def dif_report(
    *,
    session: Session,
    viewer: Viewer,
    instrument: bank.Instrument,
    since: date | None = None,
    until: date | None = None,
    min_group: int,
) -> DifReport:
    """DIF of every statement for every language with at least `min_group` people (and as
    many in the source language), and alpha per language. HR and admins only."""
    require(viewer, Action.READ_ORGANISATION)
    _, answers, _ = reliability.latest_self_answers(session, instrument, since, until)
    languages = languages_of_latest(session, instrument, since, until)
    languages = languages[languages.index.isin(answers["person_id"].unique())]
    counts = languages.value_counts()
    people = {lang: int(counts.get(lang, 0)) for lang in SUPPORTED if counts.get(lang, 0)}
    reference_people = people.get(SOURCE, 0)
    excluded = set_aside_items(session, instrument)
    analysed = tuple(
        lang
        for lang in SUPPORTED
        if lang != SOURCE and people.get(lang, 0) >= min_group and reference_people >= min_group
    )
    report = DifReport(min_group, reference_people, people, analysed, set_aside=excluded)
    if answers.empty:
        return report
    values = answers.assign(value=pd.to_numeric(answers["value"], errors="coerce"))
    wide = values.pivot_table(
        index="person_id", columns="item_id", values="value", aggfunc="last", dropna=False
    )
    wide = wide.reindex(languages.index)
    item_rows, alpha_rows = [], []
    for skill in instrument.skills:
        keyed = reliability.keyed(wide, skill)
        for lang in (SOURCE, *SUPPORTED):
            if lang in {r["language"] for r in alpha_rows if r["skill_id"] == skill.id}:
                continue
            if people.get(lang, 0) < min_group:
                continue
            group = keyed[languages.reindex(keyed.index) == lang].dropna(how="all")
            alpha_rows.append(
                {"language": lang, "skill_id": skill.id, "skill": skill.name,
                 "people": len(group), "alpha": _alpha(group)}
            )  # fmt: skip
        ids = [item.id for item in skill.items if item.id in keyed]
        for lang in analysed:
            in_pair = (languages == SOURCE) | (languages == lang)
            pair = keyed[in_pair.reindex(keyed.index, fill_value=False)]
            focal = (languages.reindex(pair.index) == lang).to_numpy()
            # Two stages (Zwick, 2012, p. 9): a statement with large DIF in the first
            # stage leaves the matching score of the others in the second, so that it does
            # not tilt their comparison; the studied statement always stays in its own.
            anchors = [i for i in ids if i not in excluded]
            match = _matching_score(pair, anchors)
            first = {i: mantel(pair[i], focal, match) for i in ids}
            flagged = {i for i, result in first.items() if result.level == LARGE}
            for item in skill.items:
                if item.id not in pair:
                    continue
                kept = [i for i in anchors if i not in flagged or i == item.id]
                result = (
                    first[item.id]
                    if kept == anchors
                    else mantel(pair[item.id], focal, _matching_score(pair, kept))
                )
                item_rows.append(
                    {"language": lang, "skill_id": skill.id, "skill": skill.name,
                     "item_id": item.id, "text": item.text, "reference": result.reference,
                     "focal": result.focal, "smd": result.smd, "smd_sd": result.smd_sd,
                     "chi2": result.chi2, "p": result.p, "level": result.level,
                     "set_aside": item.id in excluded}
                )  # fmt: skip
    return replace(
        report,
        items=pd.DataFrame(item_rows, columns=ITEM_COLUMNS),
        alphas=pd.DataFrame(alpha_rows, columns=ALPHA_COLUMNS),
    )


def _matching_score(keyed: pd.DataFrame, item_ids: list[str]) -> pd.Series:
    """The skill's raw score: mean keyed answer over the answered statements times their
    number, rounded (a "Not applicable" or a skipped answer is prorated, as the skill score
    itself is); nobody with fewer than half the statements answered is matched."""
    counted = keyed[[i for i in item_ids if i in keyed]]
    answered = counted.notna().sum(axis=1)
    score = (counted.mean(axis=1) * len(counted.columns)).round()
    return score.where(answered >= max(1, len(counted.columns) / 2))


def _alpha(group: pd.DataFrame) -> float:
    complete = group.dropna()
    if len(complete) < 3 or complete.shape[1] < 2:
        return float("nan")
    item_var = complete.var(ddof=1).sum()
    total_var = complete.sum(axis=1).var(ddof=1)
    k = complete.shape[1]
    return float(k / (k - 1) * (1 - item_var / total_var)) if total_var > 0 else float("nan")


def pooling_note(session: Session, instrument: bank.Instrument) -> str | None:
    """A sentence for pooled figures (norms, cohort reviews) when their people answered in
    more than one language; None when everyone answered in one."""
    return pooling_sentence(*pooling_facts(session, instrument))


def pooling_facts(
    session: Session, instrument: bank.Instrument
) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """What `pooling_note` says, in no language: the codes of the languages people's latest
    self-assessments were answered in, and the statements HR set aside."""
    answered = set(languages_of_latest(session, instrument))
    return tuple(code for code in SUPPORTED if code in answered), set_aside_items(
        session, instrument
    )


def pooling_sentence(languages: tuple[str, ...], aside: tuple[str, ...]) -> str | None:
    """`pooling_note`'s sentence in the current language, from `pooling_facts`."""
    if len(languages) < 2:
        return None
    used = [SUPPORTED[code] for code in languages]
    note = _(
        "These figures pool people who answered in different languages ({languages}). "
        "The instrument-quality page checks whether each translated statement measures "
        "what the original does."
    ).format(languages=", ".join(used))
    if aside:
        note += " " + ngettext(
            "HR has set aside {count} statement from cross-language comparisons ({items}).",
            "HR has set aside {count} statements from cross-language comparisons ({items}).",
            len(aside),
        ).format(count=len(aside), items=", ".join(aside))
    return note


class DifReports:
    """`dif_report`, computed once per data version and choice of set-aside statements."""

    def __init__(self, max_entries: int = 8):
        self._cache: data_version.VersionedCache[DifReport] = data_version.VersionedCache(
            max_entries
        )
        self._notes: data_version.VersionedCache[tuple] = data_version.VersionedCache(max_entries)

    def pooling_note(self, *, session: Session, instrument: bank.Instrument) -> str | None:
        """`pooling_note`, read once per data version and choice of set-aside statements
        and written in the language being shown (a switch of language reads nothing again;
        issue 25)."""
        key = (*data_version.current(session), instrument.id,
               set_aside_items(session, instrument))  # fmt: skip
        return pooling_sentence(*self._notes.get(key, lambda: pooling_facts(session, instrument)))

    def get(self, *, session: Session, viewer: Viewer, instrument: bank.Instrument,
            since: date | None = None, until: date | None = None,
            min_group: int) -> DifReport:  # fmt: skip
        require(viewer, Action.READ_ORGANISATION)
        key = (*data_version.current(session), instrument.id, instrument.version, since, until,
               min_group, set_aside_items(session, instrument))  # fmt: skip
        report = self._cache.get(
            key,
            lambda: dif_report(session=session, viewer=viewer, instrument=instrument,
                               since=since, until=until, min_group=min_group),
        )  # fmt: skip
        return replace(report, items=report.items.copy(), alphas=report.alphas.copy())
