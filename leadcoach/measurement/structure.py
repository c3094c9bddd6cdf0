"""Statistics of a questionnaire's structure, as R psych users expect them.

Guttman's lambda 6, omega with a bootstrap interval, Horn's parallel analysis (does a
skill measure one thing?) and omega hierarchical / omega total over all skills from a
Schmid-Leiman transformation (how much of the overall index is one general factor), with
the group factors found as R psych's omega finds them (`exploratory_general_factor`, fitted
by `factoring`) or fixed to the skills (`general_factor`). Numpy and scipy only; item data
follow `psychometrics`' conventions (people x items, keyed one way, pairwise deletion of
missing answers).
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace

import numpy as np
import pandas as pd
from scipy import stats

from leadcoach.measurement import factoring, plausibility, psychometrics
from leadcoach.platform.i18n import N_, Text, deferred, later, ngettext, questionnaire_text

# Bootstrap resamples for omega's interval: 500 keeps the 2.5% and 97.5% percentiles
# stable to about ±0.01 (Efron & Tibshirani, 1993, ch. 13, advise 500-1000 for percentile
# intervals) while a skill's 500 refits take well under a second.
BOOTSTRAP_SAMPLES = 500
# Parallel analysis: random data sets and the percentile of their eigenvalues that an
# observed one must exceed (Glorfeld, 1995, Educ. Psychol. Meas. 55(3), 377-393: the 95th
# percentile rather than Horn's mean, which over-extracts); psych::fa.parallel's quant=.95.
PARALLEL_SAMPLES = 200
PARALLEL_QUANTILE = 0.95


def correlations(data: pd.DataFrame) -> np.ndarray:
    """The pairwise item correlation matrix, refused (ValueError) when any |r| > 1."""
    frame = psychometrics._prepare(data, "pairwise")
    # With two people every correlation is ±1, whatever the statements measure.
    enough = plausibility.respondents(int(frame.notna().any(axis=1).sum()), "correlation")
    if not enough.ok:
        raise ValueError(enough.reason)
    return psychometrics._correlation_from_covariance(
        psychometrics._covariance(frame), frame.columns
    )


def squared_multiple_correlations(corr: np.ndarray) -> np.ndarray:
    """Each item's squared multiple correlation with the others, 1 - 1 / diag(R^-1) (as
    psych::smc); a singular R (duplicated items) gives 1 for the items it cannot invert."""
    try:
        inverse = np.linalg.inv(corr)
    except np.linalg.LinAlgError:
        inverse = np.linalg.pinv(corr)
    with np.errstate(divide="ignore", invalid="ignore"):
        smc = 1 - 1 / np.diag(inverse)
    return np.clip(np.where(np.isfinite(smc), smc, 1.0), 0.0, 1.0)


def guttman_lambda6(data: pd.DataFrame) -> float:
    """Guttman's (1945) lambda 6: 1 - sum(1 - smc_i) / sum(R), each item's error variance
    estimated by what its squared multiple correlation leaves (psych::alpha's "G6(smc)")."""
    corr = correlations(data)
    smc = squared_multiple_correlations(corr)
    if corr.sum() <= 0:
        raise ValueError(
            "lambda 6 is undefined: the statements disagree so much that their total has no "
            "variance; check whether one is scored the wrong way round"
        )
    value = float(1 - np.sum(1 - smc) / corr.sum())
    # Items that disagree (a negative total correlation sum) push it outside [0, 1].
    checked = plausibility.reliability(value, name="lambda 6")
    if not checked.ok:
        raise ValueError(checked.reason)
    return checked.value


def _pairwise_correlations(
    filled: np.ndarray, observed: np.ndarray, weights: np.ndarray
) -> np.ndarray:
    """psychometrics' pairwise covariance rescaled by the item variances (cov2cor), for
    each row of `weights` (how many times each person counts: one bootstrap resample per
    row), all resamples at once as three matrix products. `filled` is the data with missing
    answers as 0 and `observed` (0/1) says which were given. Returns samples x k x k."""
    n, k = filled.shape
    x_x = (filled[:, :, None] * filled[:, None, :]).reshape(n, k * k)
    x_m = (filled[:, :, None] * observed[:, None, :]).reshape(n, k * k)
    m_m = (observed[:, :, None] * observed[:, None, :]).reshape(n, k * k)
    products = (weights @ x_x).reshape(-1, k, k)
    sums = (weights @ x_m).reshape(-1, k, k)  # [a, b]: sum of a over those who answered b
    pairs = (weights @ m_m).reshape(-1, k, k)  # people who answered both
    with np.errstate(divide="ignore", invalid="ignore"):
        cov = (products - sums * sums.transpose(0, 2, 1) / pairs) / (pairs - 1)
        sd = np.sqrt(np.einsum("sii->si", cov))
        corr = cov / sd[:, :, None] / sd[:, None, :]
    index = np.arange(k)
    corr[:, index, index] = 1.0
    return corr


def _one_factor_batch(
    corr: np.ndarray, start: np.ndarray, *, tol: float = 1e-9, max_iter: int = 10_000
) -> np.ndarray:
    """`psychometrics._one_factor_minres` (iterated principal axes, communalities capped at
    1) of many correlation matrices at once (samples x k x k), from the same start."""
    samples, k, _ = corr.shape
    h = np.tile(np.clip(start, 0.0, 1.0), (samples, 1))
    index = np.arange(k)
    loadings = np.sqrt(h)
    for _ in range(max_iter):
        reduced = corr.copy()
        reduced[:, index, index] = h
        values, vectors = np.linalg.eigh(reduced)
        loadings = vectors[:, :, -1] * np.sqrt(np.maximum(values[:, -1:], 0.0))
        h_new = np.minimum(loadings**2, 1.0)
        done = np.max(np.abs(h_new - h)) < tol
        h = h_new
        if done:
            break
    loadings = np.clip(loadings, -1.0, 1.0)
    return loadings * np.where(loadings.sum(axis=1, keepdims=True) < 0, -1.0, 1.0)


def omega_interval(
    data: pd.DataFrame,
    *,
    samples: int = BOOTSTRAP_SAMPLES,
    confidence: float = 0.95,
    seed: int = 20,
) -> tuple[float, float]:
    """Percentile bootstrap interval of omega total (Efron & Tibshirani, 1993; Kelley &
    Pornprasertmanit, 2016, Psychol. Methods 21(1), 69-92, recommend it for omega):
    people are resampled with replacement, omega refitted on each (the same pairwise
    correlations and minres fit as `psychometrics.omega_total`, all resamples at once).
    Seeded, so a page shows the same interval on every visit. Resamples where the model
    cannot be fitted (an item constant, a correlation out of bounds) are skipped; NaNs when
    fewer than half fit."""
    full = psychometrics.one_factor_fit(data)  # refuses (ValueError) what omega refuses
    values = data.to_numpy(dtype=float)
    observed = ~np.isnan(values)
    filled = np.where(observed, values, 0.0)
    n = len(values)
    rng = np.random.default_rng(seed)
    draws = rng.integers(0, n, (samples, n)) + n * np.arange(samples)[:, None]
    weights = np.bincount(draws.ravel(), minlength=samples * n).reshape(samples, n)
    corr = _pairwise_correlations(filled, observed.astype(float), weights.astype(float))
    fine = np.all(np.isfinite(corr), axis=(1, 2)) & (
        np.abs(np.nan_to_num(corr)).max(axis=(1, 2)) <= 1 + plausibility.ROUNDING
    )
    if fine.sum() < samples / 2:
        return (math.nan, math.nan)
    with np.errstate(all="ignore"):
        loadings = _one_factor_batch(corr[fine], full.loadings.to_numpy() ** 2)
        common = loadings.sum(axis=1) ** 2
        fits = common / (common + np.sum(1 - loadings**2, axis=1))
    fits = fits[np.isfinite(fits)]
    if len(fits) < samples / 2:
        return (math.nan, math.nan)
    tail = (1 - confidence) / 2 * 100
    low, high = np.percentile(fits, [tail, 100 - tail])
    return (float(low), float(high))


@dataclass(frozen=True)
class ParallelAnalysis:
    """Horn's parallel analysis of one set of items."""

    observed: np.ndarray  # eigenvalues of the item correlation matrix, largest first
    random: np.ndarray  # the PARALLEL_QUANTILE of random data's eigenvalues
    components: int  # leading observed eigenvalues above the random ones

    @property
    def one_thing(self) -> bool:
        """True when exactly one component stands out from random data."""
        return self.components == 1


def random_eigenvalues(
    people: int, items: int, *, samples: int = PARALLEL_SAMPLES, seed: int = 1965
) -> np.ndarray:
    """Eigenvalues (largest first, one row per sample) of correlation matrices of `people`
    x `items` independent normal data. The covariance of n normal rows is Wishart with
    n - 1 degrees of freedom (Anderson, 2003, Thm 3.3.2), so each sample is drawn as one
    items x items Wishart matrix instead of n rows: the cost does not grow with n."""
    if people <= items:
        raise ValueError(f"parallel analysis needs more people ({people}) than items ({items})")
    draws = stats.wishart(df=people - 1, scale=np.eye(items)).rvs(
        size=samples, random_state=np.random.default_rng(seed)
    )
    draws = np.asarray(draws).reshape(samples, items, items)
    scale = np.sqrt(np.einsum("sii->si", draws))
    corr = draws / scale[:, :, None] / scale[:, None, :]
    return np.linalg.eigvalsh(corr)[:, ::-1]


def parallel_analysis(
    data: pd.DataFrame,
    *,
    samples: int = PARALLEL_SAMPLES,
    quantile: float = PARALLEL_QUANTILE,
    seed: int = 1965,
) -> ParallelAnalysis:
    """Horn's (1965, Psychometrika 30(2), 179-185) parallel analysis on principal
    components: a component counts while its eigenvalue exceeds the `quantile` of the
    same-rank eigenvalue of random data with as many people and items."""
    corr = correlations(data)
    people = int(data.notna().any(axis=1).sum())
    observed = np.linalg.eigvalsh(corr)[::-1]
    random = np.quantile(
        random_eigenvalues(people, corr.shape[0], samples=samples, seed=seed), quantile, axis=0
    )
    above = observed > random
    components = int(np.argmin(above)) if not above.all() else len(above)
    return ParallelAnalysis(observed, random, components)


# The two general-factor models (`GeneralFactor.method`).
EXPLORATORY = "exploratory"  # psych::omega: group factors found by an exploratory fit
SKILLS = "skills"  # each skill's statements as one fixed group factor


@dataclass(frozen=True)
class GeneralFactor:
    """Omega hierarchical and omega total of all skills' statements together, with what
    psych::omega prints beside them."""

    omega_h: float  # share of the total score's variance due to one general factor
    omega_t: float  # share due to all common factors (general and skills)
    general: pd.Series  # each statement's loading on the general factor
    second_order: pd.Series  # each group factor's loading on the general factor
    notes: tuple[str | Text, ...]  # Texts worded when shown
    method: str = SKILLS  # EXPLORATORY or SKILLS
    omega_limit: float = math.nan  # omega_h of an infinitely long test like this one
    ecv: float = math.nan  # the general factor's share of the common variance
    group: pd.DataFrame | None = None  # statement x group factor loadings, g partialled out
    communality: pd.Series | None = None  # h2 of each statement
    # psych's omega.group: rows "g" and each group factor; columns total, general, group.
    subscales: pd.DataFrame | None = None

    @property
    def skill_loadings(self) -> pd.Series:
        """`second_order` under its first name (the skills model's group factors)."""
        return self.second_order

    @property
    def uniqueness(self) -> pd.Series | None:
        """u2 = 1 - h2 of each statement."""
        return None if self.communality is None else (1 - self.communality).rename("u2")

    @property
    def percent_general(self) -> pd.Series:
        """psych's p2: the share of each statement's common variance due to g."""
        return (self.general**2 / self.communality).rename("p2")

    @property
    def complexity(self) -> pd.Series:
        """Hoffman's (1978) index of each statement's complexity over g and the group
        factors, (sum a^2)^2 / sum a^4, psych's "com"."""
        loadings = pd.concat([self.general, self.group], axis=1)
        return ((loadings**2).sum(axis=1) ** 2 / (loadings**4).sum(axis=1)).rename("com")

    @property
    def factor_of(self) -> pd.Series:
        """The group factor each statement loads on most (psych's subscale assignment)."""
        return self.group.abs().idxmax(axis=1).rename("factor")


def schmid_leiman(
    loadings: pd.Series, clusters: Mapping[str, str], phi: pd.DataFrame
) -> tuple[pd.Series, pd.Series, pd.Series]:
    """Schmid & Leiman's (1957, Psychometrika 22(1), 53-61) orthogonalisation of a
    higher-order model whose first-order factors are `clusters` (statement -> skill) with
    pattern `loadings` (each statement loads on its own skill only) and correlations `phi`.

    A one-factor model of `phi` gives each skill's loading g_s on the general factor; then
    a statement's general loading is l x g_s and its loading on its skill's residual group
    factor l x sqrt(1 - g_s^2). Returns (general, group, second-order g per skill).
    """
    skills = list(phi.index)
    second, _, _ = psychometrics._one_factor_minres(phi.to_numpy(dtype=float))
    g = pd.Series(second, index=skills, name="general")
    of = pd.Series(clusters).reindex(loadings.index)
    general = loadings * of.map(g).to_numpy()
    group = loadings * np.sqrt(1 - of.map(g).to_numpy() ** 2)
    return general.rename("general"), group.rename("group"), g


def _omegas(
    corr: pd.DataFrame,
    pattern: pd.DataFrame,
    second: pd.Series,
    communality: pd.Series,
    notes: list,
    method: str,
) -> GeneralFactor:
    """psych::schmid's loadings and psych::omegah's statistics from an oblique `pattern`
    (statements x group factors), the group factors' loadings on g `second`, and each
    statement's communality h2 (Zinbarg, Revelle, Yovel & Li, 2005, Psychometrika 70(1),
    123-133; McDonald, 1999, Test Theory, ch. 6):

    general = pattern g; group = sign(pattern) sqrt(pattern^2 (1 - g^2)); with V the sum
    of all correlations (the variance of the total of standardised statements),
    omega_h = (sum general)^2 / V, omega_t = (V - sum(1 - h2)) / V, omega_limit =
    (sum general)^2 / (V - sum(1 - h2)), ECV = sum general^2 / sum of all squared
    loadings, and per group factor (its statements: those loading most on it) the omegas
    of its subscale. Statements are not reversed (psych::omega(..., flip = FALSE)): a
    negative general loading is flagged instead (`_against`).
    """
    values = pattern.to_numpy(dtype=float)
    g = second.to_numpy(dtype=float)
    general = pd.Series(values @ g, index=pattern.index, name="g")
    group = pd.DataFrame(
        np.sign(values) * np.sqrt(np.clip(values**2 * (1 - g**2), 0.0, None)),
        index=pattern.index,
        columns=pattern.columns,
    )
    r = corr.loc[pattern.index, pattern.index].to_numpy(dtype=float)
    total = float(r.sum())
    unique = float(np.sum(1 - communality.to_numpy()))
    common = general.sum() ** 2
    if not (math.isfinite(total) and total - unique > 0 and np.isfinite(values).all()):
        raise ValueError(
            "omega is undefined: the statements disagree so much that their total has no "
            "common variance; check whether some are scored the wrong way round"
        )
    for value in (common / total, (total - unique) / total):
        checked = plausibility.reliability(value)
        if not checked.ok:
            raise ValueError(checked.reason)
    squares = np.r_[np.sum(general**2), np.sum(group.to_numpy() ** 2, axis=0)]
    result = GeneralFactor(
        omega_h=float(common / total),
        omega_t=float((total - unique) / total),
        general=general,
        second_order=second,
        notes=tuple(notes),
        method=method,
        omega_limit=float(common / (total - unique)),
        ecv=float(squares[0] / squares.sum()),
        group=group,
        communality=communality.rename("h2"),
    )
    rows = {}
    between = 0.0
    position = {item: i for i, item in enumerate(pattern.index)}
    for factor, items in result.factor_of.groupby(result.factor_of).groups.items():
        index = [position[item] for item in items]
        variance = float(r[np.ix_(index, index)].sum())
        own = float(group.loc[list(items), factor].sum()) ** 2
        shared = float(general.loc[list(items)].sum()) ** 2
        between += own
        rows[factor] = ((own + shared) / variance, shared / variance, own / variance)
    rows["g"] = (result.omega_t, result.omega_h, between / total)
    order = ["g", *[f for f in pattern.columns if f in rows]]
    subscales = pd.DataFrame(rows, index=["total", "general", "group"]).T.loc[order]
    return replace(result, subscales=subscales)


def _quoted_skill(name: str) -> str:
    return f'"{questionnaire_text(name)}"'


def _against(
    found: GeneralFactor, skills: Mapping[str, str] | None = None, *, statements: bool = True
) -> list[str]:
    """Notes on negative general loadings. A group factor that loads negatively on g takes
    all its statements with it: that is said of the factor (with the skill it mostly holds
    when `skills` says), not of each statement; other statements loading negatively are
    named (unless `statements` is False: already flagged)."""
    notes = []
    against = [str(f) for f in found.second_order.index if found.second_order[f] < 0]
    if against:
        # Skill names may hold commas: quoted, so the list reads unambiguously.
        if found.method == SKILLS:
            names = [later(_quoted_skill, f) for f in against]
        else:  # skills named in the reader's language, as the notes are written (issue 25)
            names = [
                deferred(
                    N_('{factor} (mostly "{skill}")'),
                    factor=f,
                    skill=later(questionnaire_text, skills[f]),
                )
                if skills and f in skills
                else f
                for f in against
            ]
        # Notes are read on the quality page: texts of the catalog (issue 25), worded when
        # shown, so one fit serves every language.
        notes.append(later(_loads_against, *names))
    general = found.general
    alone = general[(general < 0) & ~found.factor_of.isin(against)]
    negative = plausibility.loadings(alone.items(), general=True)
    if negative.flag and statements:
        notes.append(negative.flag)
    return notes


def _loads_against(*names: str) -> str:
    return ngettext(
        "{names} loads negatively on the general factor: the skills may not share one "
        "general factor, or its statements are scored the wrong way round",
        "{names} load negatively on the general factor: the skills may not share one "
        "general factor, or their statements are scored the wrong way round",
        len(names),
    ).format(names=", ".join(names))


def _second_order(phi: np.ndarray, notes: list) -> np.ndarray:
    """The group factors' loadings on g: psych::schmid's fa(phi, 1, fm = "minres"),
    signed to sum >= 0."""
    fit = factoring.minres(phi, 1)
    if fit.heywood.any():
        notes.append(
            deferred(N_("a group factor's loading on the general factor was capped near 1"))
        )
    return fit.loadings[:, 0]


def _finite(corr: pd.DataFrame) -> np.ndarray:
    """The correlations as an array, refused (ValueError) when any is missing."""
    r = corr.to_numpy(dtype=float)
    if not np.isfinite(r).all():
        raise ValueError(
            "a statement has no correlation with another (everyone gave it the same answer, "
            "or too few answered both)"
        )
    return r


def exploratory_general_factor(
    corr: pd.DataFrame, factors: int, *, clusters: Mapping[str, str] | None = None
) -> GeneralFactor:
    """Omega hierarchical and omega total as R psych's omega(corr, nfactors = factors,
    flip = FALSE) computes them (psych::omegah and psych::schmid, psych 2.5.3):

    1. a minres fit of `factors` factors (`factoring.minres`), varimax-rotated, signed and
       ordered as psych::fa(..., rotate = "varimax") returns it;
    2. rotated obliquely by oblimin (quartimin, GPArotation's defaults) from there: the
       group factors, whose statements may load on more than one;
    3. one minres factor of the group factors' correlations gives their loadings on g;
    4. `_omegas` (Schmid-Leiman and psych's formulas); h2 from the minres fit.

    The group factors are named F1*, F2*, ... as psych prints them; with `clusters`
    (statement -> skill) the notes say which skill a factor mostly holds. ValueError when
    there are fewer than three group factors (the general factor is then not identified)
    or not more statements than factors; the rotation's non-convergence and Heywood cases
    become notes.
    """
    items = list(corr.index)
    if factors < 3:
        raise ValueError("the general factor needs at least three group factors")
    if len(items) <= factors:
        raise ValueError(
            f"{factors} group factors need more than {factors} statements; {len(items)} given"
        )
    notes: list = []
    r = _finite(corr)
    fit = factoring.minres(r, factors)
    if not fit.converged:
        notes.append(deferred(N_("the factor fit did not fully converge")))
    if fit.heywood.any():
        flagged = ", ".join(str(items[i]) for i in np.flatnonzero(fit.heywood))
        notes.append(
            deferred(
                N_("{flagged}: explained almost entirely by the factors (a Heywood case)"),
                flagged=flagged,
            )
        )
    start = factoring.sign_and_order(factoring.varimax(fit.loadings))
    rotation = factoring.oblimin(start)
    if not rotation.converged:
        notes.append(
            deferred(
                N_("the oblimin rotation did not converge in {iterations} iterations"),
                iterations=factoring.ROTATION_MAXIT,
            )
        )
    columns = [f"F{i + 1}*" for i in range(factors)]
    pattern = pd.DataFrame(rotation.loadings, index=items, columns=columns)
    second = pd.Series(_second_order(rotation.phi, notes), index=columns, name="general")
    communality = pd.Series(np.sum(fit.loadings**2, axis=1), index=items)
    found = _omegas(corr, pattern, second, communality, notes, EXPLORATORY)
    held = mostly(found.factor_of, clusters) if clusters is not None else None
    return replace(found, notes=(*found.notes, *_against(found, held)))


def _usual(values: pd.Series) -> object:
    """The most frequent value (ties: the one met first, as Counter.most_common)."""
    return Counter(values).most_common(1)[0][0]


def mostly(factor_of: pd.Series, clusters: Mapping[str, str]) -> dict[str, str]:
    """The skill most of each group factor's statements belong to (`factor_of`: statement
    -> the factor it loads most on)."""
    skill = pd.Series(clusters).reindex(factor_of.index)
    return {str(f): str(_usual(skill[factor_of == f])) for f in factor_of.unique()}


def follows(general: GeneralFactor, clusters: Mapping[str, str]) -> int:
    """How many statements load most on the group factor most of their skill's statements
    load on: how closely exploratory group factors reproduce the skills."""
    factor = general.factor_of
    skill = pd.Series(clusters).reindex(factor.index)
    usual = {s: _usual(factor[skill == s]) for s in skill.unique()}
    return int((factor == skill.map(usual)).sum())


def general_factor(
    corr: pd.DataFrame, clusters: Mapping[str, str], *, min_items: int = 3
) -> GeneralFactor:
    """Omega hierarchical and omega total from the correlations of all statements `corr`
    (keyed one way) with each skill's statements as one fixed group factor (`clusters`:
    statement -> skill), the questionnaire's design (an independent-clusters model; psych's
    omega instead finds its group factors by an exploratory fit: see
    `exploratory_general_factor`):

    1. each skill's statements get one-factor (minres) loadings l;
    2. the skills' factor correlations are phi_st = sum of the cross correlations between
       the two skills' statements / (sum l_s x sum l_t), the least-squares estimate under
       an independent-cluster model (r_ab = l_a phi_st l_b);
    3. Schmid-Leiman (`schmid_leiman`) splits each loading into general and group parts;
    4. `_omegas`: omega_h = (sum of general loadings)^2 / V and omega_t = (V - sum(1 -
       l^2)) / V with V = the sum of all correlations, psych::omega's formulas.

    A skill with fewer than `min_items` statements cannot be fitted on its own and is left
    out with a note. Needs at least three skills (with two the general factor is not
    identified).
    """
    _finite(corr)
    notes: list = []
    by_skill: dict[str, list[str]] = {}
    for item in corr.index:
        by_skill.setdefault(clusters[item], []).append(item)
    loadings = {}
    for skill, items in list(by_skill.items()):
        if len(items) < min_items:
            notes.append(
                deferred(
                    N_("{skill} left out: fewer than {count} statements"),
                    skill=skill,
                    count=min_items,
                )
            )
            del by_skill[skill]
            continue
        block = corr.loc[items, items].to_numpy(dtype=float)
        values, _residual, heywood = psychometrics._one_factor_minres(block)
        if heywood.any():
            notes.append(deferred(N_("{skill}: a loading was capped at 1"), skill=skill))
        loadings.update(zip(items, values, strict=True))
    skills = list(by_skill)
    if len(skills) < 3:
        raise ValueError(
            f"the general factor needs at least three skills with {min_items} or more "
            f"statements; {len(skills)} have"
        )
    items = [item for skill in skills for item in by_skill[skill]]
    pattern = pd.Series(loadings).reindex(items)
    negative = plausibility.loadings(pattern.items())
    if negative.flag:
        notes.append(negative.flag)
    # Every pair of skills at once: with A the statements x skills membership matrix,
    # A'RA holds the sums of cross correlations and A'l the sums of loadings.
    member = pd.DataFrame(0.0, index=items, columns=skills)
    for skill in skills:
        member.loc[by_skill[skill], skill] = 1.0
    a = member.to_numpy()
    cross = a.T @ corr.loc[items, items].to_numpy(dtype=float) @ a
    sums = a.T @ pattern.to_numpy()
    with np.errstate(divide="ignore", invalid="ignore"):  # a zero sum: refused below
        values = cross / np.outer(sums, sums)
    phi = pd.DataFrame(np.eye(len(skills)), index=skills, columns=skills)
    for i, s in enumerate(skills):
        for j in range(i + 1, len(skills)):
            checked = plausibility.correlation(float(values[i, j]))
            if not math.isfinite(values[i, j]):
                raise ValueError(f"{s} and {skills[j]}: {checked.reason}")
            if not checked.ok:
                notes.append(
                    deferred(
                        N_("{first} and {second}: {reason}; capped"),
                        first=s,
                        second=skills[j],
                        reason=checked.reason,
                    )
                )
            phi.iloc[i, j] = phi.iloc[j, i] = float(np.clip(values[i, j], -1.0, 1.0))
    _general, _group, g = schmid_leiman(pattern, {i: clusters[i] for i in items}, phi)
    found = _omegas(corr, member.mul(pattern, axis=0), g, pattern**2, notes, SKILLS)
    # A statement loading negatively on its skill was flagged above; its general loading
    # has the same sign, so statements are named again only when none was.
    return replace(found, notes=(*found.notes, *_against(found, statements=not negative.flag)))


def items_for_reliability(alpha: float, items: int, target: float = 0.80) -> int | None:
    """How many statements like these a skill would need for `target` reliability
    (Spearman-Brown); None when the reliability is unusable (not in (0, 1))."""
    if not (math.isfinite(alpha) and 0 < alpha < 1):
        return None
    return psychometrics.items_needed(alpha, items, target)


def frequencies(values: pd.Series, points: Sequence[int]) -> pd.Series:
    """The share of answers at each scale point (missing answers left out)."""
    given = values.dropna()
    counts = given.value_counts().reindex(points, fill_value=0)
    return counts / len(given) if len(given) else counts.astype(float) * math.nan
