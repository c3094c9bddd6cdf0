"""The cohort report as a PDF: a first page a director reads in a minute, then the detail.

Page one: completion per round, the skills that changed beyond chance with their effect
sizes in words, how many people changed by more than measurement noise, and what to do
next. Then the forest plot of change per skill with its table, the spread of scores per
round, breakdowns by site, vendor, team and language, and the method in plain words with
its sources. Every figure is the cohort review's own (`programmes.cohorts.cohort_review`
and `reliable_changes`, through the small-group gate of `measurement.groups`), so the
report and the page agree cell for cell, suppressed cells included. Access:
`Action.EXPORT_COHORT` (HR and admins); each download is written to the audit log.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Mapping
from datetime import UTC, date, datetime
from typing import Any

import pandas as pd
from sqlmodel import Session

from leadcoach.instrument import bank
from leadcoach.instrument import translations as questionnaire
from leadcoach.measurement import reliability
from leadcoach.people import access, audit
from leadcoach.people.access import Action, Viewer, require
from leadcoach.platform import i18n
from leadcoach.platform.i18n import _
from leadcoach.programmes import cohorts
from leadcoach.reporting import kpi_section, pdf, svg, vocabulary

# Cohen (1988), Statistical power analysis for the behavioral sciences, 2nd ed., p. 25-27:
# d of 0.2 small, 0.5 medium, 0.8 large; below 0.2 we say negligible.
EFFECT_BOUNDS = ((0.8, "effect_large"), (0.5, "effect_medium"), (0.2, "effect_small"))
LOWEST_SHOWN = 3  # skills named under "what to do next"

CHANGE_LABELS = {
    "skill": "skill", "n": "n", "baseline_mean": "baseline_mean",
    "latest_mean": "latest_mean", "mean_change": "mean_change", "ci": "ci",
    "d_z": "d_z", "effect": "effect", "p_holm": "p_holm", "verdict": "verdict",
}  # fmt: skip
CHANGE_FORMATS = {
    "baseline_mean": ".1f", "latest_mean": ".1f", "mean_change": "+.1f",
    "d_z": ".2f", "p_holm": ".3f",
}  # fmt: skip
SPREAD_LABELS = {"skill": "skill", "n": "n", "mean": "mean", "sd": "sd",
                 "min": "min", "median": "median", "max": "max"}  # fmt: skip
SPREAD_FORMATS = dict.fromkeys(("mean", "sd", "min", "median", "max"), ".1f")


def effect_words(d_z: float) -> str:
    """An effect size in words (Cohen's bounds, see EFFECT_BOUNDS)."""
    size = abs(d_z)
    for bound, key in EFFECT_BOUNDS:
        if size >= bound:
            return vocabulary.report_words()[key]
    return vocabulary.report_words()["effect_negligible"]


def _table(frame: pd.DataFrame, labels: dict[str, str], formats: dict[str, str]) -> dict:
    """A people-facing table for the template: headers, rows of text, which are numbers."""
    shown = vocabulary.people_frame(frame, labels, formats)
    numeric = [
        column in formats or column in ("n", "ci") or pd.api.types.is_numeric_dtype(frame[column])
        for column in labels
    ]
    return {
        "headers": list(shown.columns),
        "rows": shown.to_numpy().tolist(),
        "numeric": numeric,
    }


def change_table(changes: pd.DataFrame) -> pd.DataFrame:
    """The change per skill with its interval and verdict in words (as on the page)."""
    frame = changes.copy()
    frame["ci"] = [
        None
        if pd.isna(low)
        else vocabulary.report_words()["interval"].format(
            low=i18n.number(low, 1, sign=True), high=i18n.number(high, 1, sign=True)
        )
        for low, high in zip(frame["ci_low"], frame["ci_high"], strict=True)
    ]
    frame["effect"] = [None if pd.isna(d) else effect_words(d) for d in frame["d_z"]]
    frame["verdict"] = [
        None
        if few
        else _(vocabulary.YES)
        if real
        else _(vocabulary.NO_SPREAD)
        if pd.isna(p)
        else _(vocabulary.NO)
        for few, real, p in zip(frame["suppressed"], frame["significant"], frame["p"], strict=True)
    ]
    return frame


def report_values(
    *,
    session: Session,
    viewer: Viewer,
    review: cohorts.CohortReview,
    cohort_name: str,
    thresholds: dict[str, reliability.ChangeThreshold],
    min_group: int,
    today: date | None = None,
    kpis: kpi_section.KpiSection | None = None,
) -> dict[str, Any]:
    """Everything the cohort report shows, as text and SVG ready for its template; with
    `kpis`, the review's "did the programme help the teams?" section too (issue 23)."""
    require(viewer, Action.EXPORT_COHORT)
    words = vocabulary.report_words()
    today = today or datetime.now(UTC).date()
    values: dict[str, Any] = {
        "t": words,
        "h": vocabulary.header_words(),
        "cohort": cohort_name,
        "footer": words["cohort_footer"].format(cohort=cohort_name),
        "generated": i18n.day(today, month="MMMM"),
        "minimum": min_group,
    }
    completion = review.completion
    values["completion"] = [
        words["completion_line"].format(
            round=row.round,
            submitted=i18n.number(row.submitted),
            members=i18n.number(row.members),
            rate=vocabulary.cell(row.rate if row.rate == row.rate else None, ".0%"),
        )
        for row in completion.itertuples()
    ]
    values["completion_table"] = _table(
        completion.assign(not_submitted=completion["members"] - completion["submitted"]),
        {"round": "round", "status": "status", "opens_on": "opens_on", "closes_on": "closes_on",
         "members": "members", "submitted": "submitted", "not_submitted": "not_submitted"},
        {},
    )  # fmt: skip
    changes = review.changes
    values["has_change"] = changes is not None
    values["next"] = _next_steps(review, min_group)
    values["methods"] = [
        words["method_paired"],
        words["method_effect"],
        words["method_holm"],
        words["method_reliable"],
        words["method_small"].format(minimum=min_group),
    ]
    if changes is not None:
        shown = changes[~changes["suppressed"]]
        real = shown[shown["significant"]]
        values["changed"] = [
            words["changed_line"].format(
                skill=row.skill,
                change=i18n.number(row.mean_change, 1, sign=True),
                effect=effect_words(row.d_z),
                dz=i18n.number(row.d_z, 2),
            )
            for row in real.itertuples()
        ] or [
            words["changed_none"].format(baseline=review.baseline_round, latest=review.latest_round)
        ]
        limits = {s: t.points for s, t in thresholds.items() if not t.provisional}
        counts = cohorts.reliable_changes(
            review.round_scores, review.baseline_round, review.latest_round, limits, min_group
        )
        values["people_real"] = [
            words["people_real_line"].format(
                skill=row.skill,
                gains=i18n.number(row.real_gains),
                drops=i18n.number(row.real_drops),
                n=i18n.number(row.n),
            )
            for row in counts[~counts["suppressed"]].itertuples()
            if row.real_gains or row.real_drops
        ]
        values["rounds"] = f"{review.baseline_round} \u2192 {review.latest_round}"
        values["forest_note"] = words["forest_note"].format(
            baseline=review.baseline_round, latest=review.latest_round, minimum=min_group
        )
        values["forest_svg"] = svg.forest(
            [
                svg.Interval(row.skill, row.mean_change, row.ci_low, row.ci_high, row.significant)
                for row in changes.itertuples()
            ]
        )
        values["change_table"] = _table(change_table(changes), CHANGE_LABELS, CHANGE_FORMATS)
    distribution = review.distribution
    values["distribution_note"] = words["distribution_note"].format(minimum=min_group)
    values["distribution"] = [
        {"round": part["round"].iloc[0], "table": _table(part, SPREAD_LABELS, SPREAD_FORMATS)}
        for _, part in distribution.groupby("round_order", sort=True)
    ]
    values["breakdowns"] = _breakdowns(review, min_group)
    values["kpi"] = _kpi_values(kpis) if kpis is not None else None
    return values


def _kpi_values(kpis: kpi_section.KpiSection) -> dict[str, Any]:
    """The KPI section as the page shows it (the same gated, people-facing tables)."""
    return {
        "title": kpis.title,
        "empty": kpis.empty,
        "summary": kpis.summary,
        "caveats": list(kpis.caveats),
        "changes": _text_table(kpis.changes),
        "associations_title": kpis.associations_title,
        "associations_note": kpis.associations_note,
        "associations": None if kpis.associations.empty else _text_table(kpis.associations),
        "associations_empty": kpis.associations_empty,
    }


_FIGURE = re.compile(r"^[+\-\u2212]?\d")


def _text_table(shown: pd.DataFrame) -> dict:
    """A table already in people-facing text: figures (a sign or a digit first, or an empty
    cell's dash) are set right as numbers are."""
    empty = vocabulary.cell(None)
    numeric = [
        all(_FIGURE.match(str(value)) or value == empty for value in shown[column])
        for column in shown.columns
    ]
    return {"headers": list(shown.columns), "rows": shown.to_numpy().tolist(), "numeric": numeric}


def _next_steps(review: cohorts.CohortReview, min_group: int) -> list[str]:
    words = vocabulary.report_words()
    steps = []
    open_rounds = review.completion[review.completion["status"] == "open"]
    for row in open_rounds.itertuples():
        if row.missing:
            steps.append(
                words["next_chase"].format(missing=i18n.number(len(row.missing)), round=row.round)
            )
    distribution = review.distribution
    if not distribution.empty:
        latest = distribution[distribution["round_order"] == distribution["round_order"].max()]
        shown = latest[~latest["suppressed"]].sort_values("mean", kind="stable")
        if not shown.empty:
            steps.append(
                words["next_develop"].format(
                    skills=", ".join(shown["skill"].head(LOWEST_SHOWN)),
                    round=shown["round"].iloc[0],
                )
            )
    steps.append(words["next_keep"])
    return steps


def _breakdowns(review: cohorts.CohortReview, min_group: int) -> list[dict]:
    """Per breakdown at the latest round with scores: a skill x group table of means, and
    the groups hidden by the gate, named, as the page names them."""
    scored = review.round_scores.dropna(subset=["score"])
    if scored.empty:
        return []
    round_name = scored.sort_values("round_order")["round"].iloc[-1]
    words = vocabulary.report_words()
    result = []
    for by in cohorts.BREAKDOWNS:
        split = cohorts.breakdown(review.round_scores, by, round_name, min_group)
        suppressed = split.groupby("group")["suppressed"].agg(["all", "any"])
        hidden = list(suppressed.index[suppressed["all"]])
        split = split.assign(
            cell=[
                _(vocabulary.SUPPRESSED) if gated else vocabulary.cell(mean, ".0f")
                for gated, mean in zip(split["suppressed"], split["mean"], strict=True)
            ]
        )
        shown = split[~split["group"].isin(hidden)]
        table = None
        if not shown.empty:
            wide = shown.pivot_table(
                index="skill", columns="group", values="cell", aggfunc="first", sort=False
            )
            rows = zip(wide.index, wide.to_numpy().tolist(), strict=True)
            table = {
                "headers": [vocabulary.header("skill"), *map(str, wide.columns)],
                "rows": [[skill, *row] for skill, row in rows],
                "numeric": [False, *[True] * len(wide.columns)],
            }
        title = words["breakdowns"].format(by=vocabulary.header(by).lower(), round=round_name)
        result.append(
            {
                "title": title,
                "table": table,
                "hidden": words["breakdown_hidden"].format(
                    minimum=i18n.number(min_group), groups=", ".join(map(str, hidden))
                )
                if hidden
                else "",
            }
        )
    return result


def in_language(
    review: cohorts.CohortReview,
    instrument: bank.Instrument,
    found: Mapping[str, questionnaire.Translation],
) -> cohorts.CohortReview:
    """The review with its skills named in the current language (the questionnaire's own
    translations, issue 25): the review's frames carry the source's names, shared by every
    reader of the cached review; figures, ids and order unchanged."""
    if i18n.current() not in found:
        return review
    names = questionnaire.skill_names(instrument, i18n.current(), dict(found))
    renamed = {
        field.name: value.assign(skill=value["skill_id"].map(names).fillna(value["skill"]))
        for field in dataclasses.fields(review)
        if isinstance(value := getattr(review, field.name), pd.DataFrame)
        and {"skill", "skill_id"} <= set(value.columns)
    }
    return dataclasses.replace(review, **renamed)


def build(
    *,
    session: Session,
    viewer: Viewer,
    cohort_id: int,
    review: cohorts.CohortReview,
    thresholds: dict[str, reliability.ChangeThreshold],
    min_group: int,
    today: date | None = None,
    instrument: bank.Instrument | None = None,
    translations: Mapping[str, questionnaire.Translation] | None = None,
) -> bytes:
    """The cohort's report as a PDF in the current language, its download written to the
    audit log; with the `instrument`, the teams' numbers before and after the programme are
    in it too, and with its `translations` the skills are named in the report's language."""
    cohort = access.cohort_for(session=session, viewer=viewer, cohort_id=cohort_id)
    if instrument is not None and translations:
        review = in_language(review, instrument, translations)
    kpis = None
    if instrument is not None:
        kpis = kpi_section.cohort_kpi_section(
            session=session, viewer=viewer, cohort_id=cohort_id, instrument=instrument,
            min_group=min_group, today=today, round_scores=review.round_scores,
        )  # fmt: skip
    values = report_values(
        session=session,
        viewer=viewer,
        review=review,
        cohort_name=cohort.name,
        thresholds=thresholds,
        min_group=min_group,
        today=today,
        kpis=kpis,
    )
    data = pdf.to_pdf(pdf.render_html("cohort_report.html", **values))
    audit.record(session, viewer.person_id, "export", subject=cohort.name, kind="cohort_pdf")
    return data
