"""Multi-rater (360) feedback: what others' ratings may show, decided once, and the report.

Everything a person reads about others' ratings of a supervisor comes from `cells`, which
applies one rule (issue 22, item 5):

- A group's figures for a skill (its score, its statements' means, its agreement) are shown
  only when at least `min_raters` raters of that group (Settings.min_raters, 3 by default)
  scored the skill, a rater counting for a skill only when they answered at least half of
  its statements. The minimum goes through the small-group gate's own check
  (`groups.checked_minimum`): a "group" of one is a person.
- The manager is one person and is shown as the manager's, labelled (issue 22). Two
  managers are not: each would learn the other's score from the mean; nor is a statement
  only one of two managers answered.
- A group's count of responses is its raters counted on a skill it is shown on: a rater
  who scored only skills where the group is hidden is behind no figure shown.
- A group below the minimum is dropped whole, scores and comments, and is NOT folded into
  "all others": "all others" is the raters of the shown groups only, so subtracting two
  shown figures can never give back a hidden group (Culture Amp and Qualtrics 360's
  complaint: a small group recovered as "all others" minus the shown groups).
- A count of raters is shown only where the figure beside it is.
- A comment is shown only when its group is shown (on at least one skill of that round) AND
  its writer is one of the raters behind the group's figures: counted (at least half of the
  statements answered) on a skill where the group is shown, the same people the group's
  response count counts. Shuffled, never attributed. Why the writer, not just the group:
  the threshold protects people by hiding them among at least `min_raters` others whose
  answers are pooled; a rater whose answers are dropped everywhere is in no such crowd.
  Their comment would be the one trace of their form, next to a response count that says
  they did not answer (four comments beside "3 responses" tell that a fourth person wrote
  one), and the people dropped are the easy ones to name: the one peer who sees the vendor
  work, the agent who came back from leave on the last day and answered a few statements.
  Worst, the manager: with two managers of whom one only wrote comments, the group is shown
  as "the manager's" (one counted manager), and the second's words would be printed under
  the first's name, from a group of two. So a comment stands on exactly the raters behind
  the figures, never on more (`_Gate.voices`).
- A rater's own answers never leave this module as rows (the frames returned carry no
  rater key; `rater_skill_scores` is private to the computation).

`violations` is the property written once: every view's tests call it on what the view
returns, with the raw ratings, and it recomputes from the ratings what may be shown.

Input frames (plain data, from `leadcoach.programmes.feedback_reports` or a test):
ratings: supervisor_id, round_id, group, rater (an opaque key), item_id, value (1-5 as
answered; NaN for "not applicable"); items: item_id, skill_id, reverse (and text);
comments: supervisor_id, round_id, group, rater, question, text.
"""

from __future__ import annotations

import math
import random
from collections.abc import Collection, Mapping
from dataclasses import dataclass, field, fields, is_dataclass
from typing import NamedTuple

import numpy as np
import pandas as pd

from leadcoach.instrument import bank, scoring
from leadcoach.measurement import groups
from leadcoach.measurement.reliability import (
    CANNOT_JUDGE,
    CRITICAL_Z,
    ChangeThreshold,
    measurement_error,
)

SELF, MANAGER, PEER, DIRECT_REPORT, COUNTERPART = (
    "self",
    "manager",
    "peer",
    "direct_report",
    "counterpart",
)
OTHERS = "others"  # every rater of the shown groups but the supervisor
GROUPS = (SELF, MANAGER, PEER, DIRECT_REPORT, COUNTERPART)
RATER_GROUPS = GROUPS[1:]
GROUP_ORDER = {code: order for order, code in enumerate((*GROUPS, OTHERS))}
# A rater counts for a skill when they answered at least this share of its statements
# (issue 22: "at least half its items"); the rater forms store their scores by the same rule.
MIN_SHARE = scoring.RATER_MIN_PROPORTION
# The uniform null distribution's variance for an A-point scale, (A^2 - 1) / 12 = 2 for five
# points (James, Demaree & Wolf, 1984, J. Appl. Psychol. 69(1), 85-98, eq. 1).
SCALE_POINTS = scoring.SCALE_HIGH - scoring.SCALE_LOW + 1
UNIFORM_VARIANCE = (SCALE_POINTS**2 - 1) / 12
BLIND_SPOT, HIDDEN_STRENGTH, IN_AGREEMENT = "blind spot", "hidden strength", "in agreement"
REAL_GAIN, REAL_DROP, WITHIN_NOISE = "real gain", "real drop", "within noise"
RATINGS_COLUMNS = ["supervisor_id", "round_id", "group", "rater", "item_id", "value"]
COMMENT_COLUMNS = ["supervisor_id", "round_id", "group", "rater", "question", "text"]
CELL_KEYS = ["supervisor_id", "round_id", "group", "skill_id"]
# Columns that would name or single out a rater: none may leave the core.
RATER_COLUMNS = frozenset({"rater", "rater_id", "rater_key", "token", "email", "invitation_id"})


def item_table(instrument: bank.Instrument) -> pd.DataFrame:
    """The instrument's behavioural statements: item_id, skill_id, reverse, text."""
    return pd.DataFrame(
        [
            (item.id, skill.id, item.reverse, item.text)
            for skill in instrument.skills
            for item in skill.items
        ],
        columns=["item_id", "skill_id", "reverse", "text"],
    )


def empty_ratings() -> pd.DataFrame:
    """No ratings (for views that read the raters' stored skill scores only)."""
    return pd.DataFrame(columns=RATINGS_COLUMNS)


def keyed_answers(ratings: pd.DataFrame, items: pd.DataFrame) -> pd.DataFrame:
    """The answered ratings (not applicable dropped) with skill_id and keyed value
    (reverse-keyed statements recoded, as for self-assessments)."""
    if ratings.empty:
        return pd.DataFrame(columns=[*RATINGS_COLUMNS, "skill_id", "keyed"])
    answered = ratings[pd.to_numeric(ratings["value"], errors="coerce").notna()]
    joined = answered.merge(items[["item_id", "skill_id", "reverse"]], on="item_id")
    values = joined["value"].astype(float)
    keyed = np.where(
        joined["reverse"].astype(bool), scoring.SCALE_LOW + scoring.SCALE_HIGH - values, values
    )
    return joined.drop(columns="reverse").assign(keyed=keyed)


def rater_skill_scores(answers: pd.DataFrame, items: pd.DataFrame) -> pd.DataFrame:
    """Per rater and skill (private to this module): statements answered, whether the rater
    counts (answered >= half the skill's statements) and their score (POMP 0-100)."""
    asked = items.groupby("skill_id")["item_id"].count()
    keys = ["supervisor_id", "round_id", "group", "rater", "skill_id"]
    if answers.empty:
        return pd.DataFrame(columns=[*keys, "answered", "score", "counted"])
    per = answers.groupby(keys, sort=False)["keyed"].agg(["count", "mean"]).reset_index()
    per = per.rename(columns={"count": "answered"})
    per["counted"] = per["answered"] >= MIN_SHARE * per["skill_id"].map(asked)
    per["score"] = scoring.pomp(per["mean"])
    return per.drop(columns="mean")


def shown_group(group: object, raters: object, min_raters: int, *, managers: int) -> bool:
    """The rule: a group's figure is shown over at least `min_raters` raters; the manager's
    over exactly one when the round has one manager (`managers`: the managers counted in
    the round; with two, one manager's figure is that person's); the supervisor's own
    always."""
    count = 0 if raters is None or pd.isna(raters) else int(raters)
    if group == SELF:
        return count >= 1
    if group == MANAGER and count == 1 and managers == 1:
        return True
    return count >= groups.checked_minimum(min_raters)


def rwg_j(keyed: pd.DataFrame) -> float:
    """Within-group agreement r_wg(J) over a skill's statements (James, Demaree & Wolf,
    1984, J. Appl. Psychol. 69(1), 85-98, eq. 2): with s̄² the mean of the statements'
    observed variances across raters and σ²_EU the uniform null variance,
    r_wg(J) = J(1 - s̄²/σ²_EU) / (J(1 - s̄²/σ²_EU) + s̄²/σ²_EU); set to 0 when the raters
    disagree more than random answers would (s̄² > σ²_EU, LeBreton & Senter, 2008, Organ.
    Res. Methods 11(4), 815-852). `keyed`: rater x statement; statements answered by fewer
    than two raters do not count. NaN with fewer than two raters."""
    table = np.asarray(keyed, dtype=float)
    if table.ndim != 2 or table.shape[0] < 2:
        return math.nan
    usable = table[:, (~np.isnan(table)).sum(axis=0) >= 2]
    if usable.shape[1] == 0:
        return math.nan
    mean_variance = float(np.nanvar(usable, axis=0, ddof=1).mean())
    ratio = mean_variance / UNIFORM_VARIANCE
    if ratio >= 1:
        return 0.0
    j = usable.shape[1]
    return j * (1 - ratio) / (j * (1 - ratio) + ratio)


@dataclass(frozen=True)
class Cells:
    """What may be shown of a set of rounds: per supervisor, round, group (OTHERS included)
    and skill, the raters counted and their figures (score, sd, mean statements answered,
    agreement), NaN where the rule hides them; per statement the same; which groups'
    comments may be shown; response counts per group."""

    skills: pd.DataFrame  # CELL_KEYS + raters, score, sd, answered, agreement, shown
    items: pd.DataFrame  # supervisor_id, round_id, group, item_id, skill_id, raters, mean
    responses: pd.DataFrame  # supervisor_id, round_id, group, raters (on a shown skill)
    min_raters: int = 3


SKILL_COLUMNS = [*CELL_KEYS, "raters", "score", "sd", "answered", "shown"]
ITEM_COLUMNS = ["supervisor_id", "round_id", "group", "item_id", "skill_id", "raters", "mean"]
RESPONSE_COLUMNS = ["supervisor_id", "round_id", "group", "raters"]


class _Skill(NamedTuple):
    """One cell of the gate: a group's (or all others') figures on a skill; NaN if hidden."""

    supervisor_id: int
    round_id: int
    group: str
    skill_id: str
    raters: float
    score: float
    sd: float
    answered: float
    shown: bool
    agreement: float


SKILL_FLOATS = ("raters", "score", "sd", "answered", "agreement")


@dataclass(frozen=True)
class _Gate:
    """The gate's decisions: skill cells column by column (as `Cells.skills`, sorted by
    supervisor, round, group in GROUPS order, skill), statement cells and responses as rows."""

    skills: dict[str, np.ndarray]  # the fields of _Skill
    items: list[tuple]  # ITEM_COLUMNS
    responses: list[tuple]  # RESPONSE_COLUMNS
    minimum: int
    # (supervisor, round, group, rater) of every rater counted on a skill where their group
    # is shown: whose comments may be shown (never leaves the module: it holds rater keys).
    voices: frozenset = frozenset()

    def skill_rows(self) -> list[_Skill]:
        columns = [self.skills[name].tolist() for name in _Skill._fields]
        return [_Skill(*row) for row in zip(*columns, strict=True)]

    def frames(self) -> Cells:
        return Cells(
            # Object columns kept as they are: pandas' string type would convert a cohort's
            # 30,000 group and skill names, and the bulk views convert them back.
            skills=pd.DataFrame(
                {
                    name: pd.Series(values, dtype=values.dtype, copy=False)
                    for name, values in self.skills.items()
                }
            ),
            items=_table(self.items, ITEM_COLUMNS, ("raters", "mean")),
            responses=_table(self.responses, RESPONSE_COLUMNS, ("raters",)),
            min_raters=self.minimum,
        )


def _table(
    rows: list[tuple], columns: list[str], floats: tuple[str, ...] = (), *, flags: str = ""
) -> pd.DataFrame:
    """A frame of plain rows, built column by column: `floats` as float arrays, the column
    `flags` as booleans (frames built row by row, or cast after, took most of a report's
    time)."""
    data = list(zip(*rows, strict=True)) if rows else [()] * len(columns)
    kinds = dict.fromkeys(floats, float) | ({flags: bool} if flags else {})
    return pd.DataFrame(
        {
            name: np.array(values, dtype=kinds[name]) if name in kinds else list(values)
            for name, values in zip(columns, data, strict=True)
        }
    )


def cells(
    ratings: pd.DataFrame,
    items: pd.DataFrame,
    *,
    min_raters: int,
    with_items: bool = True,
    per_rater: pd.DataFrame | None = None,
) -> Cells:
    """The gate for others' ratings (see the module): from raw `ratings` (or, for views
    over many supervisors, the raters' stored skill scores `per_rater`: supervisor_id,
    round_id, group, rater, skill_id, answered, score, counted), each group's and all
    others' figures per skill and statement, hidden where too few raters back them.
    Statement means and agreement need the answers (`with_items`)."""
    return _gated(ratings, items, min_raters=min_raters, with_items=with_items,
                  per_rater=per_rater).frames()  # fmt: skip


# Speed (issue 22's targets at cohort-10k: 100 ms for a report and a team heatmap, 300 ms
# for a cohort's review). Skill cells are counted with numpy over codes (a cohort has some
# 35,000 stored skill scores); one supervisor's answers (about a thousand) go through plain
# Python. pandas' merges and groupbys, at a fixed cost per call on frames of a few rows,
# took most of a report's time before.


def _gated(
    ratings: pd.DataFrame,
    items: pd.DataFrame,
    *,
    min_raters: int,
    with_items: bool = True,
    per_rater: pd.DataFrame | None = None,
    supervisor_id: int | None = None,
    round_ids: Collection[int] | None = None,
) -> _Gate:
    """`cells` before its frames are made, optionally for one supervisor's rounds only."""
    minimum = groups.checked_minimum(min_raters)
    answers = (
        _answer_rows(ratings, items, supervisor_id, round_ids)
        if with_items or per_rater is None
        else []
    )
    if per_rater is None:
        counted = _Counted.of_rows(_counted_from_answers(answers, items))
    else:
        counted = _Counted.of_frame(per_rater, supervisor_id, round_ids)
    skills, responses, voices = _skill_cells(counted, minimum)
    if with_items:
        rows = counted.rows()
        shown = {
            (sup, rnd, grp, skill)
            for sup, rnd, grp, skill, flag in zip(
                *(skills[name].tolist() for name in ("supervisor_id", "round_id", "group",
                                                     "skill_id", "shown")),
                strict=True,
            )
            if flag and grp != OTHERS
        }  # fmt: skip
        skills["agreement"] = _agreements(skills, answers, _members(rows, shown))
        item_rows = _item_cells(answers, rows, shown, minimum)
    else:
        item_rows = []
    return _Gate(skills, item_rows, responses, minimum, voices)


def _keep(supervisor_id: int | None, round_ids: Collection[int] | None):
    """A test on (supervisor, round) for the optional filter of `_gated`."""
    rounds = None if round_ids is None else set(round_ids)
    return lambda sup, rnd: (
        (supervisor_id is None or sup == supervisor_id) and (rounds is None or rnd in rounds)
    )


def _answer_rows(
    ratings: pd.DataFrame,
    items: pd.DataFrame,
    supervisor_id: int | None = None,
    round_ids: Collection[int] | None = None,
) -> list[tuple]:
    """`keyed_answers` as rows: (supervisor, round, group, rater, item, skill, keyed), the
    answered ratings of statements in `items` (not applicable dropped), reverse keys recoded."""
    if ratings.empty:
        return []
    statements = {
        item: (skill, bool(reverse))
        for item, skill, reverse in zip(
            items["item_id"].tolist(), items["skill_id"].tolist(), items["reverse"].tolist(),
            strict=True,
        )
    }  # fmt: skip
    keep = _keep(supervisor_id, round_ids)
    flip = scoring.SCALE_LOW + scoring.SCALE_HIGH
    values = pd.to_numeric(ratings["value"], errors="coerce").to_numpy(dtype=float).tolist()
    rows = []
    for sup, rnd, grp, rater, item, value in zip(
        ratings["supervisor_id"].tolist(), ratings["round_id"].tolist(),
        ratings["group"].tolist(), ratings["rater"].tolist(), ratings["item_id"].tolist(),
        values, strict=True,
    ):  # fmt: skip
        if value != value or not keep(sup, rnd):  # NaN: not applicable
            continue
        known = statements.get(item)
        if known is not None:
            rows.append((sup, rnd, grp, rater, item, known[0], flip - value if known[1] else value))
    return rows


def _counted_from_answers(answers: list[tuple], items: pd.DataFrame) -> list[tuple]:
    """`rater_skill_scores` as rows, the counted ones only: (supervisor, round, group, rater,
    skill, answered, score), a rater counting when they answered at least half the skill's
    statements."""
    asked: dict[str, int] = {}
    for skill in items["skill_id"].tolist():
        asked[skill] = asked.get(skill, 0) + 1
    per: dict[tuple, list[float]] = {}
    for sup, rnd, grp, rater, _, skill, keyed in answers:
        per.setdefault((sup, rnd, grp, rater, skill), []).append(keyed)
    return [
        (*key, len(values), scoring.pomp(sum(values) / len(values)))
        for key, values in per.items()
        if len(values) >= MIN_SHARE * asked[key[4]]
    ]


COUNTED_COLUMNS = ["supervisor_id", "round_id", "group", "rater", "skill_id", "answered", "score"]


class _Counted(NamedTuple):
    """The counted raters' skill scores, one entry per rater and skill, column by column."""

    supervisor_id: np.ndarray
    round_id: np.ndarray
    group: np.ndarray
    rater: np.ndarray
    skill_id: np.ndarray
    answered: np.ndarray  # float
    score: np.ndarray  # float

    @classmethod
    def of_rows(cls, rows: list[tuple]) -> _Counted:
        columns = list(zip(*rows, strict=True)) if rows else [()] * len(COUNTED_COLUMNS)
        kinds = [None] * 5 + [float, float]
        return cls(*(np.array(c, dtype=k) for c, k in zip(columns, kinds, strict=True)))

    @classmethod
    def of_frame(
        cls, per_rater: pd.DataFrame, supervisor_id: int | None, round_ids: Collection[int] | None
    ) -> _Counted:
        if per_rater.empty:
            return cls.of_rows([])
        keep = per_rater["counted"].astype(bool).to_numpy()
        if supervisor_id is not None:
            keep = keep & (per_rater["supervisor_id"].to_numpy() == supervisor_id)
        if round_ids is not None:
            keep = keep & per_rater["round_id"].isin(list(round_ids)).to_numpy()
        kinds = [None] * 5 + [float, float]
        return cls(
            *(
                per_rater[name].to_numpy(dtype=kind)[keep]
                for name, kind in zip(COUNTED_COLUMNS, kinds, strict=True)
            )
        )

    def rows(self) -> list[tuple]:
        return list(zip(*(column.tolist() for column in self), strict=True))


def _mean_sd(codes: np.ndarray, values: np.ndarray, size: int) -> tuple[np.ndarray, ...]:
    """Per code: the mean and sample SD (ddof 1; NaN under two) of `values`, NaN skipped,
    as pandas' groupby mean and std give them."""
    valid = ~np.isnan(values)
    codes, values = codes[valid], values[valid]
    count = np.bincount(codes, minlength=size)
    with np.errstate(invalid="ignore", divide="ignore"):
        mean = np.bincount(codes, weights=values, minlength=size) / count
        squares = np.bincount(codes, weights=(values - mean[codes]) ** 2, minlength=size)
        sd = np.where(count > 1, np.sqrt(squares / (count - 1)), math.nan)
    return mean, sd


def _skill_cells(
    counted: _Counted, minimum: int
) -> tuple[dict[str, np.ndarray], list[tuple], frozenset]:
    """Per group and skill the counted raters' figures, blanked (count too) where the rule
    hides them; and all others over the raters of the shown cells only. Also the responses
    (RESPONSE_COLUMNS): per group, the raters counted on at least one skill the group is
    shown on, the people behind the figures shown. A rater who scored only skills where
    their group is hidden (too few raters there) is not one of them: counting them would
    report more answers than any figure rests on, and tell that someone answered whose
    answers are dropped (issue 22, item 5: a rater counts for a skill only when they
    scored it). Last, those raters themselves, (supervisor, round, group, rater): the voices
    whose comments may be shown."""
    size = len(counted.score)
    if size == 0:
        empty = {name: np.array([], dtype=object) for name in _Skill._fields}
        empty |= {name: np.array([], dtype=float) for name in SKILL_FLOATS}
        return empty | {"shown": np.array([], dtype=bool)}, [], frozenset()
    sup_code, sups = pd.factorize(counted.supervisor_id, sort=True)
    round_code, rounds = pd.factorize(counted.round_id, sort=True)
    group_code, names = pd.factorize(counted.group)
    skill_code, skills = pd.factorize(counted.skill_id, sort=True)
    rater_code, raters = pd.factorize(counted.rater)
    pair_code, pairs = pd.factorize(sup_code.astype(np.int64) * len(rounds) + round_code)
    n_groups, n_skills = len(names) + 1, len(skills)  # + all others
    cell, keys = pd.factorize((pair_code * n_groups + group_code) * n_skills + skill_code)
    n = np.bincount(cell).astype(float)
    score, sd = _mean_sd(cell, counted.score, len(keys))
    answered = np.bincount(cell, weights=counted.answered) / n
    cell_pair, cell_group = keys // (n_groups * n_skills), keys // n_skills % n_groups
    group = np.asarray(names, dtype=object)[cell_group]
    # The manager alone only when the round has one manager: two, each rating other skills,
    # would each be "the manager" on some skill.
    manager = counted.group == MANAGER
    one_each = np.unique(pair_code[manager].astype(np.int64) * len(raters) + rater_code[manager])
    managers = np.bincount(one_each // len(raters), minlength=len(pairs))
    alone = (group == MANAGER) & (n == 1) & (managers[cell_pair] == 1)
    shown = np.where(group == SELF, n >= 1, (n >= minimum) | alone)
    row_shown = shown[cell]
    # All others: the counted raters of the shown groups only, never a hidden one.
    pool = row_shown & (counted.group != SELF)
    other, other_keys = pd.factorize(pair_code[pool] * n_skills + skill_code[pool])
    other_n = np.bincount(other, minlength=len(other_keys)).astype(float)
    other_score, other_sd = _mean_sd(other, counted.score[pool], len(other_keys))
    other_answered = (
        np.bincount(other, weights=counted.answered[pool], minlength=len(other_keys)) / other_n
        if len(other_keys)
        else np.array([], dtype=float)
    )
    hidden = np.where(shown, 1.0, math.nan)
    pair_of = np.concatenate([cell_pair, other_keys // n_skills])
    skill_of = np.concatenate([keys % n_skills, other_keys % n_skills])
    group_of = np.concatenate([group, np.full(len(other_keys), OTHERS, dtype=object)])
    labels = [*names.tolist(), OTHERS]  # the group codes' names, all others last
    position = {label: i for i, label in enumerate(sorted(set(labels), key=_rank))}
    label_rank = np.array([position[label] for label in labels])
    rank_of = label_rank[np.concatenate([cell_group, np.full(len(other_keys), len(names))])]
    sup_of, round_of = pairs[pair_of] // len(rounds), pairs[pair_of] % len(rounds)
    order = np.lexsort((skill_of, rank_of, round_of, sup_of))
    columns = {
        "supervisor_id": np.asarray(sups)[sup_of],
        "round_id": np.asarray(rounds)[round_of],
        "group": group_of,
        "skill_id": np.asarray(skills, dtype=object)[skill_of],
        "raters": np.concatenate([n * hidden, other_n]),
        "score": np.concatenate([score * hidden, other_score]),
        "sd": np.concatenate([sd * hidden, other_sd]),
        "answered": np.concatenate([answered * hidden, other_answered]),
        "shown": np.concatenate([shown, np.ones(len(other_keys), dtype=bool)]),
        "agreement": np.full(len(group_of), math.nan),
    }
    # Responses: per (supervisor, round, group) the raters counted on a shown cell.
    behind = row_shown & (counted.group != SELF)
    one = np.unique((pair_code[behind] * n_groups + group_code[behind]) * len(raters)
                    + rater_code[behind])  # fmt: skip
    cell_groups, sizes = np.unique(one // len(raters), return_counts=True)
    pair_at, group_at = pairs[cell_groups // n_groups], cell_groups % n_groups
    responses = sorted(
        zip(
            np.asarray(sups)[pair_at // len(rounds)].tolist(),
            np.asarray(rounds)[pair_at % len(rounds)].tolist(),
            np.asarray(names, dtype=object)[group_at].tolist(),
            sizes.astype(float).tolist(),
            strict=True,
        )
    )
    voices = frozenset(
        zip(
            counted.supervisor_id[behind].tolist(), counted.round_id[behind].tolist(),
            counted.group[behind].tolist(), counted.rater[behind].tolist(), strict=True,
        )
    )  # fmt: skip
    return {name: values[order] for name, values in columns.items()}, responses, voices


def _rank(group: str) -> tuple[int, str]:
    return GROUP_ORDER.get(group, len(GROUP_ORDER)), group


def _members(counted: list[tuple], shown: set[tuple]) -> dict[tuple, list[tuple]]:
    """The counted raters, (group, rater), of each cell, all others' from the shown groups."""
    members: dict[tuple, list[tuple]] = {}
    for sup, rnd, grp, rater, skill, _, _ in counted:
        members.setdefault((sup, rnd, grp, skill), []).append((grp, rater))
        if grp != SELF and (sup, rnd, grp, skill) in shown:
            members.setdefault((sup, rnd, OTHERS, skill), []).append((grp, rater))
    return members


def _agreements(skills: dict[str, np.ndarray], answers: list[tuple], members: dict) -> list:
    """r_wg(J) of each shown cell with two or more raters (NaN elsewhere), all others' over
    the raters of the shown groups."""
    by_rater: dict[tuple, dict[str, float]] = {}
    for sup, rnd, grp, rater, item, skill, keyed in answers:
        by_rater.setdefault((sup, rnd, skill, grp, rater), {})[item] = float(keyed)
    values = []
    for sup, rnd, group, skill, raters, shown in zip(
        *(skills[name].tolist() for name in ("supervisor_id", "round_id", "group", "skill_id",
                                             "raters", "shown")),
        strict=True,
    ):  # fmt: skip
        if not shown or not raters >= 2:
            values.append(math.nan)
            continue
        answered = [
            by_rater.get((sup, rnd, skill, grp, rater), {})
            for grp, rater in members.get((sup, rnd, group, skill), [])
        ]
        statements = sorted({item for mine in answered for item in mine})
        table = np.array(
            [[mine.get(item, math.nan) for item in statements] for mine in answered], dtype=float
        ).reshape(len(answered), len(statements))
        values.append(rwg_j(table))
    return np.array(values, dtype=float)


def _item_cells(
    answers: list[tuple], counted: list[tuple], shown: set[tuple], minimum: int
) -> list[tuple]:
    """Statement means of shown groups, each over at least `minimum` raters (the manager's
    over one, when the round has one manager: two managers' skill cell can be shown while a
    statement only one of them answered is that one's answer), and all others' over the
    shown statement cells only."""
    if not shown:
        return []
    allowed = {(sup, rnd, grp, rater, skill) for sup, rnd, grp, rater, skill, _, _ in counted
               if (sup, rnd, grp, skill) in shown}  # fmt: skip
    managers: dict[tuple, set] = {}
    for sup, rnd, grp, rater, *_ in counted:
        if grp == MANAGER:
            managers.setdefault((sup, rnd), set()).add(rater)
    per: dict[tuple, list[float]] = {}
    for sup, rnd, grp, rater, item, skill, keyed in answers:
        if (sup, rnd, grp, rater, skill) in allowed:
            per.setdefault((sup, rnd, grp, item, skill), []).append(keyed)
    rows, others = [], {}
    for (sup, rnd, grp, item, skill), values in per.items():
        if shown_group(grp, len(values), minimum, managers=len(managers.get((sup, rnd), ()))):
            rows.append((sup, rnd, grp, item, skill, float(len(values)), _mean(values)))
            if grp != SELF:
                others.setdefault((sup, rnd, item, skill), []).extend(values)
    rows += [
        (sup, rnd, OTHERS, item, skill, float(len(values)), _mean(values))
        for (sup, rnd, item, skill), values in others.items()
    ]
    return rows


def _mean(values: list[float]) -> float:
    return sum(values) / len(values)


def shown_comments(
    comments: pd.DataFrame,
    ratings: pd.DataFrame,
    items: pd.DataFrame,
    *,
    min_raters: int,
    per_rater: pd.DataFrame | None = None,
    rng=None,
) -> pd.DataFrame:
    """The comments that may be shown (see the module: of a shown group, written by a rater
    behind its figures), from the same gate as the figures: question, group and text only,
    shuffled within each question (never in the order given, groups mixed), never
    attributed; pages show the text alone."""
    gate = _gated(ratings, items, min_raters=min_raters, with_items=False, per_rater=per_rater)
    return _table(
        _shown_comments(comments, gate.voices, rng=rng),
        ["supervisor_id", "round_id", "question", "group", "text"],
    )


def _shown_comments(
    comments: pd.DataFrame, voices: Collection[tuple], *, rng=None, where=None
) -> list[tuple]:
    """(supervisor, round, question, group, text) of the comments written by `voices`
    ((supervisor, round, group, rater): the raters behind a shown group's figures), shuffled,
    then stably by question (`where`: a test on supervisor, round)."""
    if comments.empty or not voices:
        return []
    kept = []
    for sup, rnd, grp, rater, question, text in zip(
        comments["supervisor_id"].tolist(), comments["round_id"].tolist(),
        comments["group"].tolist(), comments["rater"].tolist(), comments["question"].tolist(),
        comments["text"].tolist(), strict=True,
    ):  # fmt: skip
        wanted = (where is None or where(sup, rnd)) and (sup, rnd, grp, rater) in voices
        if wanted and not _empty(text) and str(text).strip():
            kept.append((sup, rnd, question, grp, text))
    order = list(range(len(kept)))
    (rng or random.SystemRandom()).shuffle(order)
    # Stable: shuffled within a question, groups mixed, so the order tells nothing either.
    return sorted((kept[i] for i in order), key=lambda row: row[2])


# ---- the noise rule ---------------------------------------------------------------------


def error_variance(
    threshold: ChangeThreshold | None, raters: float, sd: float, answered: float
) -> float:
    """Error variance of a cell's score. One person (self, the manager): the measurement
    error of a score from `answered` statements, SEM² = SD²(1 - r_k), r_k the skill's
    reliability at k statements (Spearman-Brown; Harvill, 1991). A group of n raters: the
    mean's sampling variance, max(s², SEM²) / n: the observed spread between raters, never
    taken as less than one rating's own measurement error (three raters can agree by
    chance; a spread of 0 would otherwise call every difference real)."""
    return _cell_variance(_sem(threshold, _statements(answered)), raters, sd)


def _statements(answered: float) -> int:
    return round(answered) if answered and math.isfinite(answered) else 0


def _sem(threshold: ChangeThreshold | None, k: int) -> float:
    """The SEM of one score from k statements (k = 0: the skill's whole reliability)."""
    if threshold is None or threshold.provisional or threshold.source is None:
        return math.nan
    reliability = threshold.source.for_items(k) if k else threshold.reliability
    return measurement_error(threshold.sd, reliability)


def _cell_variance(sem: float, raters: float, sd: float) -> float:
    if not math.isfinite(sem):
        return math.nan
    if not raters or not math.isfinite(raters) or raters <= 1:
        return sem**2
    spread = sd if math.isfinite(sd) else 0.0
    return max(spread**2, sem**2) / raters


class ErrorVariances:
    """`error_variance` per skill for many cells (a cohort's thousands), each skill's SEM at
    k statements computed once."""

    def __init__(self, thresholds: Mapping[str, ChangeThreshold]):
        self._thresholds = thresholds
        self._sems: dict[tuple[str, int], float] = {}

    def __call__(self, skill_id: str, raters: float, sd: float, answered: float) -> float:
        key = (skill_id, _statements(answered))
        sem = self._sems.get(key)
        if sem is None:
            sem = self._sems[key] = _sem(self._thresholds.get(skill_id), key[1])
        return _cell_variance(sem, raters, sd)


def margin(variance_a: float, variance_b: float) -> float:
    """The smallest difference between two independent estimates beyond noise (95%,
    two-sided): 1.96 sqrt(var_a + var_b), the standard error of a difference (Jacobson &
    Truax, 1991, J. Consult. Clin. Psychol. 59(1), 12-19, with unequal errors)."""
    return CRITICAL_Z * math.sqrt(variance_a + variance_b)


def _verdict(difference: float, limit: float, above: str, below: str, level: str) -> str:
    if not math.isfinite(difference):
        return ""
    if not math.isfinite(limit):
        return CANNOT_JUDGE
    if difference > limit:
        return above
    if difference < -limit:
        return below
    return level


# ---- the report -------------------------------------------------------------------------


@dataclass(frozen=True)
class FeedbackReport:
    """One supervisor's 360 report for one round: only what `cells` lets through."""

    supervisor_id: int
    round_id: int
    responses: pd.DataFrame  # group, raters (groups shown on at least one skill)
    skills: pd.DataFrame  # skill_id, skill, group, raters, score, agreement (shown cells)
    self_other: pd.DataFrame  # skill_id, skill, group, self, score, difference, margin, reading
    highest: pd.DataFrame  # item_id, skill_id, skill, statement, raters, mean (all others)
    lowest: pd.DataFrame
    comments: pd.DataFrame  # question, group, text (shuffled)
    change: pd.DataFrame  # skill_id, skill, group, previous, score, change, margin, verdict
    hidden_groups: tuple[str, ...] = ()  # rater groups with answers too few to show
    min_raters: int = 3
    notes: list[str] = field(default_factory=list)


REPORT_SKILL_COLUMNS = ["skill_id", "skill", "group", "raters", "score", "agreement"]
STATEMENT_COLUMNS = ["item_id", "skill_id", "skill", "statement", "raters", "mean"]
SELF_OTHER_COLUMNS = ["skill_id", "skill", "group", "raters", "self", "score", "difference",
                      "margin", "reading"]  # fmt: skip
CHANGE_COLUMNS = ["skill_id", "skill", "group", "previous", "score", "change", "margin",
                  "verdict"]  # fmt: skip


def report(
    ratings: pd.DataFrame,
    comments: pd.DataFrame,
    items: pd.DataFrame,
    thresholds: Mapping[str, ChangeThreshold],
    *,
    supervisor_id: int,
    round_id: int,
    previous_round_id: int | None = None,
    min_raters: int,
    skill_names: Mapping[str, str] | None = None,
    top: int = 5,
    rng=None,
    per_rater: pd.DataFrame | None = None,
) -> FeedbackReport:
    """The report (issue 22, item 6) of one supervisor's round from its raw ratings (and
    the previous round's, for change): self against each shown group and all others,
    blind spots and hidden strengths beyond noise, highest and lowest rated statements,
    agreement within each group, comments, and change per group since `previous_round_id`."""
    names = dict(skill_names or {})
    rounds = {round_id} | ({previous_round_id} if previous_round_id is not None else set())
    gate = _gated(ratings, items, min_raters=min_raters, per_rater=per_rater,
                  supervisor_id=supervisor_id, round_ids=rounds)  # fmt: skip
    shown = [cell for cell in gate.skill_rows() if cell.shown]
    now = [cell for cell in shown if cell.round_id == round_id]
    asked = {
        grp
        for sup, rnd, grp in zip(
            ratings["supervisor_id"].tolist(), ratings["round_id"].tolist(),
            ratings["group"].tolist(), strict=True,
        )
        if sup == supervisor_id and rnd == round_id
    } - {SELF}  # fmt: skip
    shown_now = {cell.group for cell in now} - {SELF, OTHERS}
    hidden = tuple(g for g in RATER_GROUPS if g in asked and g not in shown_now)
    texts = (
        dict(zip(items["item_id"].tolist(), items["text"].tolist(), strict=True))
        if "text" in items.columns
        else {}
    )
    ranked = sorted(
        (row for row in gate.items if row[1] == round_id and row[2] == OTHERS),
        key=lambda row: (-row[6], row[3]),
    )
    statements = [
        (item, skill, names.get(skill, skill), texts.get(item, item), raters, mean)
        for _, _, _, item, skill, raters, mean in ranked
    ]
    count = min(top, len(statements) // 2)
    responses = [(grp, raters) for _, rnd, grp, raters in gate.responses if rnd == round_id]
    notes = []
    if hidden:
        notes.append(
            f"Fewer than {gate.minimum} people answered for some groups; their answers are "
            "left out everywhere, also from all others."
        )
    comment_rows = _shown_comments(
        comments,
        gate.voices,
        rng=rng,
        where=lambda sup, rnd: sup == supervisor_id and rnd == round_id,
    )
    floats = ("raters", "mean")
    return FeedbackReport(
        supervisor_id=supervisor_id,
        round_id=round_id,
        responses=_table(responses, ["group", "raters"], ("raters",)),
        skills=_table(
            [
                (
                    c.skill_id,
                    names.get(c.skill_id, c.skill_id),
                    c.group,
                    c.raters,
                    c.score,
                    c.agreement,
                )
                for c in now
            ],
            REPORT_SKILL_COLUMNS,
            ("raters", "score", "agreement"),
        ),
        self_other=_self_other(now, thresholds, names),
        highest=_table(statements[:count], STATEMENT_COLUMNS, floats),
        lowest=_table(statements[::-1][:count], STATEMENT_COLUMNS, floats),
        comments=_table([row[2:] for row in comment_rows], ["question", "group", "text"]),
        change=_change(shown, round_id, previous_round_id, thresholds, names),
        hidden_groups=hidden,
        min_raters=gate.minimum,
        notes=notes,
    )


def _self_other(
    now: list[_Skill], thresholds: Mapping[str, ChangeThreshold], names: Mapping[str, str]
) -> pd.DataFrame:
    """Self against each shown group and all others, per skill, judged against noise."""
    own = {cell.skill_id: cell for cell in now if cell.group == SELF}
    variance = ErrorVariances(thresholds)
    rows = []
    for cell in now:
        mine = own.get(cell.skill_id)
        if cell.group == SELF or mine is None:
            continue
        limit = margin(
            variance(cell.skill_id, 1, math.nan, mine.answered),
            variance(cell.skill_id, cell.raters, cell.sd, cell.answered),
        )
        difference = mine.score - cell.score
        rows.append(
            (cell.skill_id, names.get(cell.skill_id, cell.skill_id), cell.group, cell.raters,
             mine.score, cell.score, difference, limit,
             _verdict(difference, limit, BLIND_SPOT, HIDDEN_STRENGTH, IN_AGREEMENT))
        )  # fmt: skip
    return _table(rows, SELF_OTHER_COLUMNS,
                  ("raters", "self", "score", "difference", "margin"))  # fmt: skip


def _change(
    shown: list[_Skill],
    round_id: int,
    previous_round_id: int | None,
    thresholds: Mapping[str, ChangeThreshold],
    names: Mapping[str, str],
) -> pd.DataFrame:
    """Change per group and skill between two rounds where both are shown, real or noise."""
    floats = ("previous", "score", "change", "margin")
    if previous_round_id is None:
        return _table([], CHANGE_COLUMNS, floats)
    before = {(c.skill_id, c.group): c for c in shown if c.round_id == previous_round_id}
    variance = ErrorVariances(thresholds)
    rows = []
    for b in shown:
        a = before.get((b.skill_id, b.group))
        if b.round_id != round_id or a is None:
            continue
        limit = margin(
            variance(b.skill_id, a.raters, a.sd, a.answered),
            variance(b.skill_id, b.raters, b.sd, b.answered),
        )
        change = b.score - a.score
        rows.append(
            (b.skill_id, names.get(b.skill_id, b.skill_id), b.group, a.score, b.score, change,
             limit, _verdict(change, limit, REAL_GAIN, REAL_DROP, WITHIN_NOISE))
        )  # fmt: skip
    rows.sort(key=lambda row: (row[0], _rank(row[2])))
    return _table(rows, CHANGE_COLUMNS, floats)


# ---- the property, written once ---------------------------------------------------------


def _truth(per_rater: pd.DataFrame, minimum: int) -> dict:
    """What the rule allows, recomputed plainly from the raters' skill scores (no shortcut
    shared with `cells`): per (supervisor, round, group, skill) the counted raters and their
    scores, and which cells may be shown."""
    counted: dict[tuple, dict] = {}
    for row in per_rater.itertuples(index=False):
        if bool(row.counted):
            key = (row.supervisor_id, row.round_id, row.group, row.skill_id)
            counted.setdefault(key, {})[row.rater] = float(row.score)
    managers: dict[tuple, set] = {}
    for (sup, rnd, grp, _), raters in counted.items():
        if grp == MANAGER:
            managers.setdefault((sup, rnd), set()).update(raters)
    shown = {}
    for key, raters in counted.items():
        grp = key[2]
        if grp == SELF:
            shown[key] = len(raters) >= 1
        else:
            alone = grp == MANAGER and len(managers[key[:2]]) == 1
            shown[key] = len(raters) >= minimum or alone
    return {"counted": counted, "shown": shown, "managers": managers}


def _items_truth(
    answers: pd.DataFrame, counted: dict, shown: dict, managers: dict, minimum: int
) -> dict:
    """Per (supervisor, round, group, item) the keyed answers of the counted raters of a
    shown skill cell, and per (supervisor, round, item) those of the shown statement cells
    of every group but self (what all others' statement mean may rest on)."""
    cells_: dict[tuple, list[float]] = {}
    for row in answers.itertuples(index=False):
        key = (row.supervisor_id, row.round_id, row.group, row.skill_id)
        if shown.get(key) and row.rater in counted.get(key, {}):
            cells_.setdefault((row.supervisor_id, row.round_id, row.group, row.item_id), []).append(
                float(row.keyed)
            )
    visible = {
        k: v
        for k, v in cells_.items()
        if shown_group(k[2], len(v), minimum, managers=len(managers.get(k[:2], ())))
    }
    others: dict[tuple, list[float]] = {}
    for (sup, rnd, grp, item), values in visible.items():
        if grp != SELF:
            others.setdefault((sup, rnd, item), []).extend(values)
    return {"cells": cells_, "visible": visible, "others": others}


def _item_problems(row: dict, sup, rnd, truth: dict, place: str) -> list[str]:
    grp, item = row["group"], row["item_id"]
    if grp == OTHERS:
        values = truth["others"].get((sup, rnd, item))
    else:
        values = truth["visible"].get((sup, rnd, grp, item))
    if values is None:
        n = len(truth["cells"].get((sup, rnd, grp, item), ()))
        return [f"{place}: {grp} statement {item} shown over {n} raters"]
    problems = []
    if "raters" in row and not _empty(row["raters"]) and int(row["raters"]) != len(values):
        problems.append(
            f"{place}: {grp} statement {item} says {row['raters']} raters, {len(values)} "
            "may be shown (a hidden group folded in?)"
        )
    if (
        "mean" in row
        and not _empty(row["mean"])
        and abs(float(row["mean"]) - float(np.mean(values))) > 1e-6
    ):
        problems.append(f"{place}: {grp} statement {item} mean is not the shown raters'")
    return problems


def _frames(result: object, where: str):
    if isinstance(result, pd.DataFrame):
        yield where, result
    elif is_dataclass(result) and not isinstance(result, type):
        for part in fields(result):
            yield from _frames(getattr(result, part.name), f"{where}.{part.name}")
    elif isinstance(result, dict):
        for key, value in result.items():
            yield from _frames(value, f"{where}[{key!r}]")
    elif isinstance(result, list | tuple):
        for index, value in enumerate(result):
            yield from _frames(value, f"{where}[{index}]")


def violations(
    result: object,
    ratings: pd.DataFrame,
    items: pd.DataFrame,
    *,
    min_raters: int,
    comments: pd.DataFrame | None = None,
    supervisor_id: int | None = None,
    round_id: int | None = None,
    per_rater: pd.DataFrame | None = None,
    where: str = "result",
) -> list[str]:
    """Every way `result` (a frame, or frames inside dataclasses, dicts, lists) breaks the
    360 anonymity rule, recomputed from the raw `ratings`: empty when it holds.

    1. No frame has a column that names or keys a rater.
    2. Every row with a group and a figure (score, mean, agreement, difference, change,
       raters) rests on a cell the rule shows: at least `min_raters` counted raters (the
       manager alone, or self), and its `raters` count is the true count.
    3. "All others" is exactly the raters of the shown groups: its count is their sum and
       its score their mean, so no hidden group can be recovered by subtraction.
    4. Every comment shown is the text of a comment of a shown group, written by a rater
       counted on a skill where that group is shown (one of the raters its figures and its
       response count rest on), never with its rater.
    Frames without the keys say which supervisor and round through `supervisor_id`,
    `round_id`. `per_rater` (the raters' stored skill scores) replaces scoring `ratings`
    where a view reads stored scores."""
    minimum = groups.checked_minimum(min_raters)
    answers = keyed_answers(ratings, items)
    if per_rater is None:
        per_rater = rater_skill_scores(answers, items)
    truth = _truth(per_rater, minimum)
    counted, shown = truth["counted"], truth["shown"]
    items_truth = _items_truth(answers, counted, shown, truth["managers"], minimum)
    written = _written(comments)
    found: list[str] = []
    for place, frame in _frames(result, where):
        leaked = RATER_COLUMNS & {str(c) for c in frame.columns}
        if leaked:
            found.append(f"{place}: has a rater column {sorted(leaked)}")
        if frame.empty or "group" not in frame.columns:
            continue
        figures = [
            c
            for c in ("score", "mean", "agreement", "difference", "change", "raters", "previous")
            if c in frame.columns
        ]
        for position, row in enumerate(frame.to_dict("records")):
            sup = row.get("supervisor_id", supervisor_id)
            rnd = row.get("round_id", round_id)
            grp = row["group"]
            visible = [c for c in figures if not _empty(row[c])]
            if "text" in frame.columns and "question" in frame.columns:
                found += _comment_problems(
                    row, sup, rnd, shown, counted, written, f"{place}[{position}]"
                )
                continue
            if not visible or "skill_id" not in row:
                if visible and grp not in (SELF, OTHERS) and "raters" in row:
                    managers = len(truth["managers"].get((sup, rnd), ()))
                    if not _empty(row["raters"]) and not shown_group(
                        grp, row["raters"], minimum, managers=managers
                    ):
                        found.append(f"{place}[{position}]: {grp} count {row['raters']} shown")
                    true_n = len({r for k, v in counted.items() if k[:3] == (sup, rnd, grp)
                                  and shown.get(k) for r in v})  # fmt: skip
                    if not _empty(row["raters"]) and int(row["raters"]) != true_n:
                        found.append(
                            f"{place}[{position}]: {grp} responses {row['raters']} != {true_n}"
                        )
                continue
            skill = row["skill_id"]
            if "item_id" in row:
                found += _item_problems(row, sup, rnd, items_truth, f"{place}[{position}]")
                continue
            if grp == OTHERS:
                members = [
                    (k, v) for k, v in counted.items()
                    if k[0] == sup and k[1] == rnd and k[3] == skill and k[2] != SELF and shown[k]
                ]  # fmt: skip
                n = sum(len(v) for _, v in members)
                if n == 0:
                    found.append(f"{place}[{position}]: all others shown with no shown group")
                    continue
                if "raters" in row and not _empty(row["raters"]) and int(row["raters"]) != n:
                    found.append(
                        f"{place}[{position}]: all others over {row['raters']} raters, but the "
                        f"shown groups hold {n}: a hidden group is folded in"
                    )
                if "score" in row and not _empty(row["score"]):
                    expected = float(np.mean([s for _, v in members for s in v.values()]))
                    if abs(float(row["score"]) - expected) > 1e-6:
                        found.append(
                            f"{place}[{position}]: all others {row['score']:.3f} is not the "
                            f"mean of the shown groups' raters ({expected:.3f})"
                        )
                continue
            key = (sup, rnd, grp, skill)
            if not shown.get(key, False):
                found.append(
                    f"{place}[{position}]: {grp} on {skill} shown over "
                    f"{len(counted.get(key, ()))} counted raters (minimum {minimum})"
                )
            elif (
                "raters" in row
                and not _empty(row["raters"])
                and int(row["raters"]) != len(counted[key])
            ):
                found.append(
                    f"{place}[{position}]: {grp} on {skill} says {row['raters']} raters, "
                    f"{len(counted[key])} counted"
                )
    return found


def _empty(value: object) -> bool:
    if value is None:
        return True
    try:
        return bool(pd.isna(value))
    except (TypeError, ValueError):
        return False


def _written(comments: pd.DataFrame | None) -> dict[tuple, dict[str, set]] | None:
    """Per (supervisor, round, group, question) each text written and the raters who wrote
    it; None when not given."""
    if comments is None or comments.empty:
        return None
    written: dict[tuple, dict[str, set]] = {}
    for row in comments.itertuples(index=False):
        key = (row.supervisor_id, row.round_id, row.group, row.question)
        written.setdefault(key, {}).setdefault(row.text, set()).add(row.rater)
    return written


def _comment_problems(row, sup, rnd, shown, counted, written, place) -> list[str]:
    grp = row["group"]
    group_shown = any(v for k, v in shown.items() if k[:3] == (sup, rnd, grp))
    problems = []
    if not group_shown:
        problems.append(f"{place}: a comment of {grp}, a group not shown")
    if written is None:
        return problems
    writers = written.get((sup, rnd, grp, row["question"]), {}).get(row["text"])
    if writers is None:
        problems.append(f"{place}: a comment that {grp} did not write")
        return problems
    # The raters behind the group's shown figures (its response count): only they may speak.
    behind = {r for k, v in counted.items() if k[:3] == (sup, rnd, grp) and shown.get(k)
              for r in v}  # fmt: skip
    if group_shown and not writers & behind:
        problems.append(f"{place}: a comment of {grp} by a rater behind none of its shown figures")
    return problems
