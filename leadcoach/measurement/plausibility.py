"""Numbers no analyst would publish, refused or flagged with a plain reason.

Every statistic a page shows passes through one of these checks first, so the quality page,
the results page, comparisons and cohort reviews agree on what is too degenerate to show:
a spread within rounding of zero (an effect size would divide by rounding noise), a
correlation outside [-1, 1] or a reliability outside its bounds (pairwise deletion with
little overlap can produce both), a negative factor loading, or fewer respondents than a
method needs. A check returns a `Verdict`: the value when it may be shown, or NaN and the
reason when it may not; `flag` carries a warning that goes beside a shown value.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from leadcoach.platform.i18n import N_, Text, _, deferred, later, ngettext, number

# Relative size under which a spread counts as zero: floating-point sums of equal values
# leave ~1e-15 of the scale, and anything under a millionth of the scale is not a spread a
# questionnaire could measure (its smallest step is a quarter of a scale point).
ZERO_SPREAD = 1e-6
# Rounding slack for bounds: |r| = 1 + 1e-12 is 1 computed in floating point, not an error.
ROUNDING = 1e-9

# Fewest people each method needs before its result means anything. A correlation of two
# people is always ±1; a factor model of k items needs more people than items for the
# correlation matrix to have full rank.
MIN_PEOPLE = {"correlation": 3, "alpha": 3, "effect size": 2, "factor model": 4}
# The names `reliability` is called with, marked for the catalog (issue 25): its reasons are
# shown to people, worded in the language being shown (`Text`).
RELIABILITY_NAMES = (N_("reliability"), N_("alpha"), N_("lambda 6"))


@dataclass(frozen=True)
class Verdict:
    """A value that may be shown (reason empty), or NaN with the reason it may not."""

    value: float
    reason: str | Text = ""  # a Text is worded when shown
    flag: str | Text = ""  # a warning to show beside a value that is shown

    @property
    def ok(self) -> bool:
        """True when the value may be shown."""
        return not self.reason and math.isfinite(self.value)


def refuse(reason: str | Text) -> Verdict:
    """No value: only the reason."""
    return Verdict(math.nan, reason)


def spread(sd: float, *, scale: float) -> Verdict:
    """A standard deviation, refused when it is within rounding of zero on a `scale`-wide
    range (e.g. 100 for scores 0-100): nothing can be divided by it."""
    if not math.isfinite(sd) or sd < 0:
        return refuse(deferred(N_("the spread could not be computed")))
    if sd <= ZERO_SPREAD * scale:
        return refuse(
            deferred(N_("everyone has the same value, so there is no spread to compare with"))
        )
    return Verdict(sd)


def effect_size(mean: float, sd: float, *, scale: float, n: int) -> Verdict:
    """A standardised mean (Cohen's d_z = mean / sd), refused on too few people or no spread."""
    few = respondents(n, "effect size")
    if not few.ok:
        return few
    checked = spread(sd, scale=scale)
    if not checked.ok:
        return refuse(f"no effect size: {checked.reason}")
    value = mean / sd
    return Verdict(value) if math.isfinite(value) else refuse("the effect size is not finite")


def correlation(r: float) -> Verdict:
    """A correlation, refused outside [-1, 1] (impossible: with pairwise deletion it means the
    items were answered by too few of the same people); rounding beyond ±1 is clipped."""
    if not math.isfinite(r):
        return refuse("the correlation is undefined (an item or the rest of its skill is constant)")
    if abs(r) > 1 + ROUNDING:
        return refuse(
            f"the correlation came out as {r:.2f}, which is impossible: the items were "
            "answered by too few of the same people"
        )
    return Verdict(max(-1.0, min(1.0, r)))


def reliability(value: float, *, floor: float = 0.0, name: str = "reliability") -> Verdict:
    """A reliability coefficient (alpha, omega, lambda 6), refused outside [0, 1] and below
    `floor`. Above 1 is impossible (little overlap under pairwise deletion); below 0 means
    the items disagree with each other, usually a statement scored the wrong way round.
    The reason is worded when shown (a `Text`), so results holding it serve every language."""
    if not math.isfinite(value) or value > 1 + ROUNDING or value < 0 or value < floor:
        return refuse(later(_unreliable, value, floor, name))
    return Verdict(min(value, 1.0))


def _unreliable(value: float, floor: float, name: str) -> str:
    """Why `reliability` refused the value, in the language being shown."""
    if not math.isfinite(value):
        return _("the {name} could not be estimated").format(name=_(name))
    if value > 1 + ROUNDING:
        return _(
            "the {name} came out as {value}, above its maximum of 1, which is impossible: "
            "the statements were answered by too few of the same people"
        ).format(name=_(name), value=number(value, 2))
    if value < 0:
        return _(
            "the {name} is negative ({value}): the statements disagree with each other, "
            "which usually means one is scored the wrong way round"
        ).format(name=_(name), value=number(value, 2))
    return _("the {name} ({value}) is below the minimum of {floor}").format(
        name=_(name), value=number(value, 2), floor=number(floor, 2)
    )


def respondents(n: int, method: str, *, items: int = 0) -> Verdict:
    """Whether `n` people are enough for `method` (a key of MIN_PEOPLE); a factor model also
    needs more people than its `items`."""
    need = max(MIN_PEOPLE[method], items + 1 if method == "factor model" else 0)
    if n < need:
        return refuse(f"{n} {'person' if n == 1 else 'people'} answered; the {method} needs {need}")
    return Verdict(float(n))


def loadings(
    values: Mapping[str, float] | Iterable[tuple[str, float]], *, general: bool = False
) -> Verdict:
    """Factor loadings on a skill (or on the general factor): flagged (not refused) when any
    is negative, naming the statements.

    A negative loading in a skill whose statements are keyed one way means a statement moves
    against its skill, so a reliability built on the model is not to be trusted as it is.
    """
    pairs = list(values.items() if isinstance(values, Mapping) else values)
    negative = [name for name, value in pairs if value < 0]
    if not negative:
        return Verdict(0.0)
    # Worded when shown (a `Text`), so that fits holding it serve every language.
    return Verdict(float(len(negative)), flag=later(_loads_negatively, general, *negative))


def _loads_negatively(general: bool, *negative: str) -> str:
    return (
        ngettext(
            "{names} loads negatively on the general factor: check whether it is scored "
            "the wrong way round",
            "{names} load negatively on the general factor: check whether they are scored "
            "the wrong way round",
            len(negative),
        )
        if general
        else ngettext(
            "{names} loads negatively on the skill: check whether it is scored the wrong way round",
            "{names} load negatively on the skill: check whether they are scored the wrong "
            "way round",
            len(negative),
        )
    ).format(names=", ".join(negative))
