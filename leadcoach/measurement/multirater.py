"""Multi-rater (360) feedback: what others' ratings may show, decided once, and the report.

Everything a person reads about others' ratings of a supervisor comes from `cells`, which
applies one rule (issue 22, item 5):

- A group's figures for a skill (its score, its statements' means, its agreement) are shown
  only when at least `min_raters` raters of that group (Settings.min_raters, 3 by default)
  scored the skill, a rater counting for a skill only when they answered at least half of
  its statements. The minimum goes through the small-group gate's own check
  (`groups.checked_minimum`): a "group" of one is a person.
- The manager is one person and is shown as the manager's, labelled (issue 22). Two
  managers are not: each would learn the other's score from the mean.
- A group below the minimum is dropped whole, scores and comments, and is NOT folded into
  "all others": "all others" is the raters of the shown groups only, so subtracting two
  shown figures can never give back a hidden group (Culture Amp and Qualtrics 360's
  complaint: a small group recovered as "all others" minus the shown groups).
- A count of raters is shown only where the figure beside it is; comments are shown only
  for groups shown on at least one skill, shuffled, never attributed.
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
from collections.abc import Mapping
from dataclasses import dataclass, field, fields, is_dataclass

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


def shown_group(group: object, raters: object, min_raters: int) -> bool:
    """The rule: a group's figure is shown over at least `min_raters` raters; the manager's
    over exactly one (the manager, labelled); the supervisor's own always."""
    count = 0 if raters is None or pd.isna(raters) else int(raters)
    if group == SELF:
        return count >= 1
    if group == MANAGER and count == 1:
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
    minimum = groups.checked_minimum(min_raters)
    answers = keyed_answers(ratings, items) if with_items or per_rater is None else None
    if per_rater is None:
        per_rater = rater_skill_scores(answers, items)
    counted = per_rater[per_rater["counted"].astype(bool)]
    skills = _skill_cells(counted, minimum)
    shown_cells = skills[skills["shown"]]
    if with_items:
        skills["agreement"] = _agreements(answers, counted, skills)
        item_frame = _item_cells(answers, counted, shown_cells, minimum)
    else:
        skills["agreement"] = math.nan
        item_frame = _no_items()
    return Cells(
        skills=skills.sort_values(CELL_KEYS, key=_order, kind="stable").reset_index(drop=True),
        items=item_frame,
        responses=_responses(counted, shown_cells),
        min_raters=minimum,
    )


SKILL_COLUMNS = [*CELL_KEYS, "raters", "score", "sd", "answered", "shown"]


def _summary(counted: pd.DataFrame, keys: list[str]) -> pd.DataFrame:
    return (
        counted.groupby(keys, sort=False)
        .agg(raters=("score", "size"), score=("score", "mean"), sd=("score", "std"),
             answered=("answered", "mean"))
        .reset_index()
    )  # fmt: skip


def _skill_cells(counted: pd.DataFrame, minimum: int) -> pd.DataFrame:
    """Per group and skill the counted raters' figures, blanked (count too) where the rule
    hides them; and all others over the raters of the shown cells only."""
    if counted.empty:
        return pd.DataFrame(columns=SKILL_COLUMNS).astype({"shown": bool, "raters": float})
    per = _summary(counted, CELL_KEYS)
    n = per["raters"]
    # The manager alone only when the round has one manager: two, each rating other skills,
    # would each be "the manager" on some skill.
    managers = (
        counted[counted["group"] == MANAGER]
        .groupby(["supervisor_id", "round_id"])["rater"]
        .nunique()
    )
    in_round = pd.Series(
        list(zip(per["supervisor_id"], per["round_id"], strict=True)), index=per.index
    ).map(managers.to_dict())
    per["shown"] = (
        ((per["group"] == SELF) & (n >= 1))
        | ((per["group"] == MANAGER) & (n == 1) & (in_round == 1))
        | ((per["group"] != SELF) & (n >= minimum))
    )
    hidden = ~per["shown"]
    per["raters"] = per["raters"].astype(float)
    per.loc[hidden, ["raters", "score", "sd", "answered"]] = math.nan
    kept = per[per["shown"] & (per["group"] != SELF)][CELL_KEYS]
    pooled = counted.merge(kept, on=CELL_KEYS)
    others = _summary(pooled, ["supervisor_id", "round_id", "skill_id"]).assign(
        group=OTHERS, shown=True
    )
    others["raters"] = others["raters"].astype(float)
    frames = [f for f in (per, others[per.columns]) if not f.empty]
    return pd.concat(frames, ignore_index=True)[SKILL_COLUMNS]


def _agreements(answers: pd.DataFrame, counted: pd.DataFrame, skills: pd.DataFrame) -> list:
    """r_wg(J) of each shown cell with two or more raters (NaN elsewhere). Plain Python over
    one supervisor's few hundred answers: pandas' per-cell filtering took seconds."""
    by_rater: dict[tuple, dict[str, float]] = {}
    for sup, rnd, grp, rater, item, skill, value in zip(
        answers["supervisor_id"], answers["round_id"], answers["group"], answers["rater"],
        answers["item_id"], answers["skill_id"], answers["keyed"], strict=True,
    ):  # fmt: skip
        by_rater.setdefault((sup, rnd, skill, grp, rater), {})[item] = float(value)
    members: dict[tuple, list[tuple]] = {}
    for sup, rnd, grp, rater, skill in zip(
        counted["supervisor_id"], counted["round_id"], counted["group"], counted["rater"],
        counted["skill_id"], strict=True,
    ):  # fmt: skip
        members.setdefault((sup, rnd, grp, skill), []).append((grp, rater))
    shown_groups: dict[tuple, list[str]] = {}
    for row in skills.itertuples(index=False):
        if row.shown and row.group not in (SELF, OTHERS):
            shown_groups.setdefault((row.supervisor_id, row.round_id, row.skill_id), []).append(
                row.group
            )
    values = []
    for row in skills.itertuples(index=False):
        if not row.shown or not row.raters >= 2:
            values.append(math.nan)
            continue
        cell = (row.supervisor_id, row.round_id, row.skill_id)
        wanted = shown_groups.get(cell, []) if row.group == OTHERS else [row.group]
        raters = [m for g in wanted for m in members.get((*cell[:2], g, cell[2]), [])]
        answered = [by_rater.get((*cell, g, r), {}) for g, r in raters]
        statements = sorted({item for mine in answered for item in mine})
        table = np.array(
            [[mine.get(item, math.nan) for item in statements] for mine in answered], dtype=float
        ).reshape(len(answered), len(statements))
        values.append(rwg_j(table))
    return values


def _order(column: pd.Series) -> pd.Series:
    return column.map(GROUP_ORDER) if column.name == "group" else column


def _no_items() -> pd.DataFrame:
    return pd.DataFrame(
        columns=["supervisor_id", "round_id", "group", "item_id", "skill_id", "raters", "mean"]
    )


def _item_cells(
    answers: pd.DataFrame, counted: pd.DataFrame, shown_cells: pd.DataFrame, minimum: int
) -> pd.DataFrame:
    """Statement means of shown groups, each over at least `minimum` raters (the manager's
    over one), and all others' over the shown statement cells only."""
    if shown_cells.empty:
        return _no_items()
    allowed = counted.merge(shown_cells[shown_cells["group"] != OTHERS][CELL_KEYS], on=CELL_KEYS)[
        ["supervisor_id", "round_id", "group", "rater", "skill_id"]
    ]
    mine = answers.merge(allowed, on=["supervisor_id", "round_id", "group", "rater", "skill_id"])
    keys = ["supervisor_id", "round_id", "group", "item_id", "skill_id"]
    per = mine.groupby(keys, sort=False)["keyed"].agg(["count", "mean"]).reset_index()
    per = per.rename(columns={"count": "raters"})
    show = [shown_group(g, n, minimum) for g, n in zip(per["group"], per["raters"], strict=True)]
    per = per[show]
    others_source = mine.merge(per[per["group"] != SELF][keys], on=keys)
    others = (
        others_source.groupby(["supervisor_id", "round_id", "item_id", "skill_id"], sort=False)[
            "keyed"
        ]
        .agg(["count", "mean"])
        .reset_index()
        .rename(columns={"count": "raters"})
        .assign(group=OTHERS)
    )
    frame = pd.concat([per, others[per.columns]], ignore_index=True)
    frame["raters"] = frame["raters"].astype(float)
    return frame.reset_index(drop=True)


def _responses(counted: pd.DataFrame, shown_cells: pd.DataFrame) -> pd.DataFrame:
    """Per group, the raters counted on at least one skill the group is shown on: the people
    behind the figures shown. A rater who scored only skills where their group is hidden
    (too few raters there) is not one of them: counting them would report more answers than
    any figure rests on, and tell that someone answered whose answers are dropped (issue
    22, item 5: a rater counts for a skill only when they scored it)."""
    columns = ["supervisor_id", "round_id", "group", "raters"]
    if counted.empty or shown_cells.empty:
        return pd.DataFrame(columns=columns)
    shown = shown_cells[~shown_cells["group"].isin([OTHERS, SELF])][CELL_KEYS]
    per = (
        counted.merge(shown, on=CELL_KEYS)
        .groupby(["supervisor_id", "round_id", "group"])["rater"]
        .nunique()
        .rename("raters")
        .reset_index()
    )
    per["raters"] = per["raters"].astype(float)
    return per[columns]


def shown_comments(comments: pd.DataFrame, shown: Cells, *, rng=None) -> pd.DataFrame:
    """Comments of the groups shown on at least one skill: question, group and text only,
    shuffled within each question (never in the order given, groups mixed), never
    attributed; pages show the text alone."""
    columns = ["supervisor_id", "round_id", "question", "group", "text"]
    if comments.empty or shown.responses.empty:
        return pd.DataFrame(columns=columns)
    keep = shown.responses[["supervisor_id", "round_id", "group"]]
    kept = comments.merge(keep, on=["supervisor_id", "round_id", "group"])
    kept = kept[kept["text"].fillna("").astype(str).str.strip() != ""]
    order = list(range(len(kept)))
    (rng or random.SystemRandom()).shuffle(order)
    kept = kept.iloc[order]
    # Stable: shuffled within a question, groups mixed, so the order tells nothing either.
    kept = kept.sort_values("question", kind="stable")
    return kept[columns].reset_index(drop=True)


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
    if threshold is None or threshold.provisional or threshold.source is None:
        return math.nan
    k = round(answered) if answered and math.isfinite(answered) else 0
    reliability = threshold.source.for_items(k) if k else threshold.reliability
    sem = measurement_error(threshold.sd, reliability)
    if not math.isfinite(sem):
        return math.nan
    if not raters or not math.isfinite(raters) or raters <= 1:
        return sem**2
    spread = sd if math.isfinite(sd) else 0.0
    return max(spread**2, sem**2) / raters


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
    mine = ratings[(ratings["supervisor_id"] == supervisor_id) & ratings["round_id"].isin(rounds)]
    if per_rater is not None:
        per_rater = per_rater[
            (per_rater["supervisor_id"] == supervisor_id) & per_rater["round_id"].isin(rounds)
        ]
    gated = cells(mine, items, min_raters=min_raters, per_rater=per_rater)
    skills = gated.skills[gated.skills["shown"]]
    now = skills[skills["round_id"] == round_id]
    now = now.assign(skill=now["skill_id"].map(names).fillna(now["skill_id"]))
    asked = set(ratings.loc[ratings["supervisor_id"] == supervisor_id, "group"]) - {SELF}
    shown_now = set(now["group"]) - {SELF, OTHERS}
    hidden = tuple(g for g in RATER_GROUPS if g in asked and g not in shown_now)
    item_text = items.set_index("item_id")["text"] if "text" in items.columns else None
    item_now = gated.items[(gated.items["round_id"] == round_id) & (gated.items["group"] == OTHERS)]
    ranked = item_now.sort_values(["mean", "item_id"], ascending=[False, True], kind="stable")
    ranked = ranked.assign(
        statement=ranked["item_id"].map(item_text) if item_text is not None else ranked["item_id"],
        skill=ranked["skill_id"].map(names).fillna(ranked["skill_id"]),
    )[["item_id", "skill_id", "skill", "statement", "raters", "mean"]]
    count = min(top, len(ranked) // 2)
    responses = gated.responses[gated.responses["round_id"] == round_id]
    notes = []
    if hidden:
        notes.append(
            f"Fewer than {gated.min_raters} people answered for some groups; their answers are "
            "left out everywhere, also from all others."
        )
    cols_skill = ["skill_id", "skill", "group", "raters", "score", "agreement"]
    return FeedbackReport(
        supervisor_id=supervisor_id,
        round_id=round_id,
        responses=responses[["group", "raters"]].reset_index(drop=True),
        skills=now[cols_skill].reset_index(drop=True),
        self_other=_self_other(now, thresholds),
        highest=ranked.head(count).reset_index(drop=True),
        lowest=ranked.tail(count).iloc[::-1].reset_index(drop=True),
        comments=shown_comments(
            comments[
                (comments["supervisor_id"] == supervisor_id) & (comments["round_id"] == round_id)
            ]
            if not comments.empty
            else comments,
            Cells(now, gated.items, gated.responses[gated.responses["round_id"] == round_id]),
            rng=rng,
        )[["question", "group", "text"]],
        change=_change(skills, round_id, previous_round_id, thresholds, names),
        hidden_groups=hidden,
        min_raters=gated.min_raters,
        notes=notes,
    )


def _self_other(now: pd.DataFrame, thresholds: Mapping[str, ChangeThreshold]) -> pd.DataFrame:
    """Self against each shown group and all others, per skill, judged against noise."""
    columns = ["skill_id", "skill", "group", "raters", "self", "score", "difference", "margin",
               "reading"]  # fmt: skip
    own = now[now["group"] == SELF].set_index("skill_id")
    rows = []
    for row in now[now["group"] != SELF].itertuples(index=False):
        if row.skill_id not in own.index:
            continue
        mine = own.loc[row.skill_id]
        threshold = thresholds.get(row.skill_id)
        limit = margin(
            error_variance(threshold, 1, math.nan, mine["answered"]),
            error_variance(threshold, row.raters, row.sd, row.answered),
        )
        difference = float(mine["score"]) - float(row.score)
        rows.append(
            (row.skill_id, row.skill, row.group, row.raters, float(mine["score"]), row.score,
             difference, limit,
             _verdict(difference, limit, BLIND_SPOT, HIDDEN_STRENGTH, IN_AGREEMENT))
        )  # fmt: skip
    return pd.DataFrame(rows, columns=columns)


def _change(
    skills: pd.DataFrame,
    round_id: int,
    previous_round_id: int | None,
    thresholds: Mapping[str, ChangeThreshold],
    names: Mapping[str, str],
) -> pd.DataFrame:
    """Change per group and skill between two rounds where both are shown, real or noise."""
    columns = ["skill_id", "skill", "group", "previous", "score", "change", "margin", "verdict"]
    if previous_round_id is None:
        return pd.DataFrame(columns=columns)
    keys = ["skill_id", "group"]
    now = skills[skills["round_id"] == round_id].set_index(keys)
    before = skills[skills["round_id"] == previous_round_id].set_index(keys)
    rows = []
    for key in now.index.intersection(before.index):
        a, b = before.loc[key], now.loc[key]
        threshold = thresholds.get(key[0])
        limit = margin(
            error_variance(threshold, a["raters"], a["sd"], a["answered"]),
            error_variance(threshold, b["raters"], b["sd"], b["answered"]),
        )
        change = float(b["score"]) - float(a["score"])
        rows.append(
            (key[0], names.get(key[0], key[0]), key[1], float(a["score"]), float(b["score"]),
             change, limit, _verdict(change, limit, REAL_GAIN, REAL_DROP, WITHIN_NOISE))
        )  # fmt: skip
    frame = pd.DataFrame(rows, columns=columns)
    return frame.sort_values(["skill_id", "group"], key=_order, kind="stable").reset_index(
        drop=True
    )


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
    return {"counted": counted, "shown": shown}


def _items_truth(answers: pd.DataFrame, counted: dict, shown: dict, minimum: int) -> dict:
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
    visible = {k: v for k, v in cells_.items() if shown_group(k[2], len(v), minimum)}
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
    4. Every comment shown is the text of a comment of a shown group, never with its rater.
    Frames without the keys say which supervisor and round through `supervisor_id`,
    `round_id`. `per_rater` (the raters' stored skill scores) replaces scoring `ratings`
    where a view reads stored scores."""
    minimum = groups.checked_minimum(min_raters)
    if per_rater is None:
        per_rater = rater_skill_scores(keyed_answers(ratings, items), items)
    truth = _truth(per_rater, minimum)
    counted, shown = truth["counted"], truth["shown"]
    items_truth = _items_truth(keyed_answers(ratings, items), counted, shown, minimum)
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
                found += _comment_problems(row, sup, rnd, shown, comments, f"{place}[{position}]")
                continue
            if not visible or "skill_id" not in row:
                if visible and grp not in (SELF, OTHERS) and "raters" in row:
                    if not _empty(row["raters"]) and not shown_group(grp, row["raters"], minimum):
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


def _comment_problems(row, sup, rnd, shown, comments, place) -> list[str]:
    grp = row["group"]
    group_shown = any(v for k, v in shown.items() if k[:3] == (sup, rnd, grp))
    problems = []
    if not group_shown:
        problems.append(f"{place}: a comment of {grp}, a group not shown")
    if comments is not None and not comments.empty:
        theirs = comments[
            (comments["supervisor_id"] == sup)
            & (comments["round_id"] == rnd)
            & (comments["group"] == grp)
            & (comments["question"] == row["question"])
        ]
        if row["text"] not in set(theirs["text"]):
            problems.append(f"{place}: a comment that {grp} did not write")
    return problems
