"""The small-group gate: every figure about a group of people is computed here.

No mean, spread, percentile or change may rest on fewer people than the minimum group size
(`LEADCOACH_MIN_GROUP_SIZE`, 3 by default): with fewer, anyone who knows the group can work
out one person's score from it (two people's mean and one person's own score give the
other's). So the core's group statistics come from `statistics` only, which blanks every
figure of a group below the minimum and keeps its head count; frames built another way
(paired changes, breakdowns) blank theirs with `suppress`. `spread` is the arithmetic
behind `statistics`, and an import-linter contract lets no other module call it.
`violations` is the rule written once, for the tests of every view: no figure in a result
stands beside a head count below the minimum.

A person's own scores are not a group figure: person-level reads are scoped by
`leadcoach.people.access.visible_people` instead.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable

import numpy as np
import pandas as pd

from leadcoach.measurement import spread

# The settings allow no smaller minimum: a "group" of one is a person.
SMALLEST_MINIMUM = 2
STATISTICS = spread.STATISTICS
FIGURES = STATISTICS[1:]
LABELS = spread.LABELS
# Head-count columns of the core's group frames: "n" (people with a score), "n_<round>" for
# a figure per round, and "people" where a frame says so to its readers.
_COUNT_PREFIX = "n_"
_COUNT_NAMES = ("n", "people")


def checked_minimum(min_group: int) -> int:
    """The minimum group size, refused when it would let one person's score through."""
    if not isinstance(min_group, int | np.integer) or min_group < SMALLEST_MINIMUM:
        raise ValueError(
            f"The minimum group size must be a whole number of at least {SMALLEST_MINIMUM} "
            f"(got {min_group!r}): a figure over one person is that person's score."
        )
    return int(min_group)


def statistics(
    codes: np.ndarray, values: np.ndarray, groups: int, *, min_group: int
) -> dict[str, np.ndarray]:
    """Per group 0 .. groups-1: `spread.of_groups`' n, mean, sd, min, quartiles and max,
    with every figure NaN for a group of fewer than `min_group` people (n is kept)."""
    minimum = checked_minimum(min_group)
    stats = spread.of_groups(codes, values, groups)
    small = stats["n"] < minimum
    for name in FIGURES:
        stats[name][small] = np.nan
    return stats


def suppress(frame: pd.DataFrame, figures: Iterable[str], *, min_group: int, n: str = "n"):
    """A copy of `frame` with the `figures` columns NaN on rows whose `n` column is below
    `min_group`, and a boolean `suppressed` column saying which rows those are."""
    minimum = checked_minimum(min_group)
    result = frame.copy()
    small = result[n].to_numpy(dtype=float, na_value=0) < minimum
    for column in figures:
        result[column] = result[column].astype(float).mask(small)
    result["suppressed"] = small
    return result


def _count_columns(frame: pd.DataFrame) -> list[str]:
    return [
        column
        for column in frame.columns
        if isinstance(column, str)
        and (column in _COUNT_NAMES or column.startswith(_COUNT_PREFIX))
        and pd.api.types.is_numeric_dtype(frame[column])
    ]


def _frame_violations(frame: pd.DataFrame, minimum: int, where: str) -> list[str]:
    counts = _count_columns(frame)
    if not counts or frame.empty:
        return []
    figures = [
        column
        for column in frame.columns
        if column not in counts
        and pd.api.types.is_float_dtype(frame[column])
        and not str(column).endswith("_id")
    ]
    found = []
    smallest = frame[counts].to_numpy(dtype=float, na_value=np.inf).min(axis=1)
    small = (smallest > 0) & (smallest < minimum)
    if "kind" in frame.columns:  # a comparison's rows for one person are that person's scores
        small &= (frame["kind"] != "person").to_numpy()
    for column in figures:
        shown = small & frame[column].notna().to_numpy()
        for row in np.flatnonzero(shown)[:3]:
            found.append(
                f"{where}: {column} = {frame[column].iloc[row]!r} over "
                f"{smallest[row]:.0f} people (row {row})"
            )
    return found


def violations(result: object, min_group: int, where: str = "result") -> list[str]:
    """Every figure in `result` (a frame, or frames inside dataclasses, tuples, lists and
    dicts) that stands in a row whose head count is below `min_group`: empty when the
    result keeps the rule. Rows with no count column are not group figures."""
    minimum = checked_minimum(min_group)
    if isinstance(result, pd.DataFrame):
        return _frame_violations(result, minimum, where)
    if dataclasses.is_dataclass(result) and not isinstance(result, type):
        return [
            problem
            for field in dataclasses.fields(result)
            for problem in violations(getattr(result, field.name), minimum, f"{where}.{field.name}")
        ]
    if isinstance(result, dict):
        return [
            problem
            for key, value in result.items()
            for problem in violations(value, minimum, f"{where}[{key!r}]")
        ]
    if isinstance(result, list | tuple):
        return [
            problem
            for index, value in enumerate(result)
            for problem in violations(value, minimum, f"{where}[{index}]")
        ]
    return []
