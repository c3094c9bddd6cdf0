"""HR: a cohort review: completion, change per skill, breakdowns, two cohorts, exports."""

import pandas as pd
import streamlit as st

from leadcoach.measurement import groups
from leadcoach.platform.i18n import _, ngettext, number, strftime
from leadcoach.programmes import cohorts
from leadcoach.reporting import charts, exports, vocabulary
from leadcoach.ui import auth, chart_specs, context, feedback_views, kpi_pages, tables
from leadcoach.ui.exports import (
    cohort_report_download,
    cohort_workbook_download,
    cohort_zip_download,
    table_download,
)
from leadcoach.ui.text import md

viewer = auth.require_viewer()
settings = context.settings()
instrument = context.instrument()
min_group = settings.min_group_size

# On a phone the key figures stay (the skill, how many, the change and whether it is real, the
# centre of a round); the statistics behind them are for a wider screen.
PHONE_MINOR_CHANGE = ("baseline_mean", "latest_mean", "ci", "d_z", "p_holm", "sd_change")
PHONE_MINOR_SPREAD = ("sd", "min", "q1", "q3", "max")

st.title(_("Cohort review"), anchor=False)
with context.db() as session, context.stop_on_error():
    listed = cohorts.cohort_list(session=session, viewer=viewer)
if listed.empty:
    st.info(_("No cohorts yet. Create one on the Cohorts page, or import a roster."))
    st.stop()
names = dict(zip(listed["cohort_id"], listed["name"], strict=True))


reviews: dict[int, cohorts.CohortReview] = {}  # read in this run, by cohort id


def review_of(cohort_id: int) -> cohorts.CohortReview:
    if cohort_id not in reviews:
        with context.db() as session, context.stop_on_error():
            reviews[cohort_id] = context.cohort_reviews().get(
                session=session,
                viewer=viewer,
                cohort_id=cohort_id,
                instrument=instrument,
                min_group=min_group,
            )
    return reviews[cohort_id]


def first_with_change() -> int:
    """Open on the newest cohort with change to show (a second round with scores); its
    review is then not computed twice on a session's first visit."""
    for candidate in names:
        if review_of(candidate).changes is not None:
            return candidate
    return next(iter(names))


cohort_id = context.kept_selectbox(
    _("Cohort"),
    list(names),
    key="review_cohort",
    default=first_with_change,
    format_func=names.get,
)
review = review_of(cohort_id)

# Completion
st.subheader(_("Completion"), anchor=False)
completion = review.completion
if completion.empty:
    st.info(_("This cohort has no rounds yet. Add them on the Cohorts page."))
    st.stop()
# At most four to a row: with eight rounds, eight columns cut every figure to "250…".
ROUNDS_PER_ROW = 4
columns = [
    column
    for _row in range(0, len(completion), ROUNDS_PER_ROW)
    for column in st.columns(ROUNDS_PER_ROW)
]
for column, row in zip(columns, completion.itertuples(), strict=False):
    column.metric(
        _("{round} ({status})").format(
            round=row.round, status=vocabulary.cell(row.status, column="status")
        ),
        _("{submitted} of {members}").format(
            submitted=number(row.submitted), members=number(row.members)
        ),
        help=_("{opens_on} to {closes_on}").format(
            opens_on=strftime(row.opens_on, "%d %b"), closes_on=strftime(row.closes_on, "%d %b %Y")
        ),
    )
chase = review.chase
open_or_closed = chase[
    chase["round"].isin(completion.loc[completion["status"] != "upcoming", "round"])
]
if open_or_closed.empty:
    st.caption(_("Nobody to chase: every member has submitted in every round so far."))
else:
    st.caption(
        ngettext(
            "{count} submission missing so far: see Who to chase.",
            "{count} submissions missing so far: see Who to chase.",
            len(open_or_closed),
        ).format(count=number(len(open_or_closed)))
    )

# One view at a time, each drawn (and the figures only it needs computed) when opened, its
# address kept in the URL: five charts and their tables on one page made a first visit wait
# for all of them.
change_tab, rounds_tab, breakdown_tab, other_tab, chase_tab, others_tab, kpi_tab = st.tabs(
    [
        _("Change per skill"),
        _("Scores at each round"),
        _("Breakdowns"),
        _("Another cohort"),
        _("Who to chase"),
        _("Feedback from others"),
        _("Team numbers"),  # issue 23: did the programme help the teams?
    ],
    key="view",
    bind="query-params",
)
changes = review.changes  # also in the printable report
if change_tab.open:
    with change_tab:
        if changes is None:
            st.info(
                _(
                    "Change appears once a second round has scores. So far only {value} has any."
                ).format(value=review.baseline_round or _("no round"))
            )
        else:
            st.caption(
                _(
                    "From {baseline_round} to {latest_round}, among the people who took both:"
                    " the mean change with its confidence interval (95%), and the effect size "
                    "d_z (mean change / SD of the changes; 0.2 small, 0.5 medium, 0.8 large) "
                    "with its confidence interval (95%; noncentral t; Algina and Keselman, "
                    "2003). A change is called real only when it holds after correcting for "
                    "testing twelve skills at once (Holm). Skills with fewer than {min_group}"
                    " people are not shown."
                ).format(
                    baseline_round=review.baseline_round,
                    latest_round=review.latest_round,
                    min_group=min_group,
                )
            )
            chart_specs.draw(charts.change_chart, changes)
            # The interval in one column and the verdict beside the change, so the table
            # fits a laptop's width without scrolling to its most read column.
            intervals = [  # no-break spaces: the interval stays on one line
                float("nan")
                if pd.isna(low)
                else _("{low}\u00a0to\u00a0{high}").format(
                    low=number(low, 1, sign=True), high=number(high, 1, sign=True)
                )
                for low, high in zip(changes["ci_low"], changes["ci_high"], strict=True)
            ]
            verdicts = [
                _(vocabulary.SUPPRESSED)
                if few
                else _(vocabulary.YES)
                if real
                else _(vocabulary.NO_SPREAD)
                if pd.isna(p)
                else _(vocabulary.NO)
                for few, real, p in zip(
                    changes["suppressed"], changes["significant"], changes["p"], strict=True
                )
            ]
            dz_intervals = [
                float("nan")
                if pd.isna(low)
                else _("{low}\u00a0to\u00a0{high}").format(low=number(low, 2), high=number(high, 2))
                for low, high in zip(changes["dz_low"], changes["dz_high"], strict=True)
            ]
            tables.show(
                changes.assign(ci=intervals, verdict=verdicts, dz_ci=dz_intervals),
                {
                    "skill": _("Skill"),
                    "n": _("People"),
                    "baseline_mean": _("Baseline"),
                    "latest_mean": _("Latest"),
                    "mean_change": _("Change"),
                    "ci": _("95% CI"),
                    "verdict": _("Real change"),
                    "d_z": vocabulary.header("d_z"),
                    "dz_ci": vocabulary.header("dz_ci"),
                    "p_holm": vocabulary.header("p_holm"),
                    "sd_change": _("SD of change"),
                },
                {
                    "baseline_mean": ".1f",
                    "latest_mean": ".1f",
                    "mean_change": "+.1f",
                    "sd_change": ".1f",
                    "d_z": ".2f",
                    "p_holm": ".3f",
                },
                minor=PHONE_MINOR_CHANGE,
            )
            if _(vocabulary.NO_SPREAD) in verdicts:
                st.caption(
                    _(
                        "**No spread**: everyone with both scores changed by the same amount,"
                        " so there is no spread to test the change against and no effect "
                        "size."
                    )
                )
            st.markdown(_("**People whose own change is more than measurement noise**"))
            thresholds = context.change_thresholds()
            counts = cohorts.reliable_changes(
                review.round_scores,
                review.baseline_round,
                review.latest_round,
                thresholds,
                min_group,
            )
            counts["threshold"] = [
                thresholds[s].describe() if s in thresholds else "" for s in counts["skill_id"]
            ]
            tables.show(
                counts[~counts["suppressed"]],
                {
                    "skill": _("Skill"),
                    "n": _("People"),
                    "real_gains": _("Real gain"),
                    "real_drops": _("Real drop"),
                    "within_noise": _("Within noise"),
                    "threshold": _("Threshold used"),
                },
            )
            st.caption(
                _(
                    "A person's change is real when larger than their reliable-change "
                    "threshold (Jacobson-Truax, 95%, from the skill's reliability and "
                    "spread); otherwise it may be measurement noise. The threshold column "
                    "gives it for someone who answered all the skill's statements, with the "
                    "reliability it used, how many people that rests on and its date; someone"
                    " who answered fewer statements has a less reliable score and needs a "
                    "larger change (Spearman-Brown)."
                )
            )
            unjudged = [
                f"**{vocabulary.in_language(row.skill)}**: {thresholds[row.skill_id].reason}"
                for row in counts.itertuples()
                if row.skill_id in thresholds and thresholds[row.skill_id].provisional
            ]
            if unjudged:
                st.caption(
                    _("Change cannot be judged yet for {skills}.").format(
                        skills="; ".join(unjudged)
                    )
                )

distribution = review.distribution
if rounds_tab.open:
    with rounds_tab:
        skill = st.selectbox(
            _("Skill"),
            [s.name for s in instrument.skills],
            key="review_skill",
            format_func=vocabulary.in_language,
        )
        shown = distribution[(distribution["skill"] == skill) & ~distribution["suppressed"]]
        if shown.empty:
            st.caption(
                _("No round has {min_group} or more people with a {skill} score yet.").format(
                    min_group=min_group, skill=vocabulary.in_language(skill)
                )
            )
        else:
            chart_specs.draw(charts.distribution_chart, distribution, skill)
            st.caption(
                _(
                    "Whiskers span lowest to highest; the box holds the middle half; the "
                    "white tick is the median."
                )
            )
            tables.show(
                shown,
                {"round": _("Round"), **{k: _(v) for k, v in groups.LABELS.items()}},
                dict.fromkeys(groups.FIGURES, ".1f"),
                minor=PHONE_MINOR_SPREAD,
            )

if breakdown_tab.open:
    with breakdown_tab:
        scored_rounds = list(dict.fromkeys(review.round_scores.dropna(subset=["score"])["round"]))
        if not scored_rounds:
            st.caption(_("No scores yet."))
        else:
            by_column, round_column = st.columns(2)
            by = by_column.selectbox(
                _("By"), cohorts.BREAKDOWNS, key="review_by", format_func=vocabulary.header
            )
            round_name = round_column.selectbox(
                _("Round"), scored_rounds, index=len(scored_rounds) - 1, key="review_round"
            )
            split = cohorts.breakdown(review.round_scores, by, round_name, min_group)
            suppressed = split.groupby("group")["suppressed"].agg(["all", "any"])
            hidden = list(suppressed.index[suppressed["all"]])
            partly = list(suppressed.index[suppressed["any"] & ~suppressed["all"]])
            if (~split["suppressed"]).any():
                chart_specs.draw(charts.breakdown_chart, split)
                wide = split[~split["suppressed"]].pivot_table(
                    index="skill", columns="group", values="mean", sort=False
                )
                wide = wide.reset_index().rename(columns={"skill": _("Skill")})
                tables.show(wide, formats=dict.fromkeys(wide.columns[1:], ".0f"))
            protect = _("fewer than {minimum} people, or a small group could be worked out").format(
                minimum=number(min_group)
            )
            if hidden:
                st.caption(
                    _("Not shown, to protect individuals ({protect}): {groups}").format(
                        protect=protect, groups=", ".join(md(g) for g in hidden)
                    )
                )
            if partly:
                partly_named = ", ".join(md(g) for g in partly)
                st.caption(
                    _(
                        "Some skills left out for {partly_named}, to protect individuals "
                        "({protect})."
                    ).format(partly_named=partly_named, protect=protect)
                )

if other_tab.open:
    with other_tab:
        others = [c for c in names if c != cohort_id]
        other = st.selectbox(
            _("Other cohort"),
            [None, *others],
            key="review_other",
            format_func=lambda c: "—" if c is None else names[c],
        )
        if other is not None:
            with context.db() as session, context.stop_on_error():
                side = cohorts.compare_cohorts(
                    session=session,
                    viewer=viewer,
                    cohort_ids=(cohort_id, other),
                    instrument=instrument,
                    min_group=min_group,
                )
            wide = side.pivot_table(
                index="skill", columns="cohort", values=["latest_mean", "mean_change"], sort=False
            )
            wide.columns = [
                (_("{cohort}: latest") if v == "latest_mean" else _("{cohort}: change")).format(
                    cohort=cohort
                )
                for v, cohort in wide.columns
            ]
            wide = wide.reset_index().rename(columns={"skill": _("Skill")})
            tables.show(wide, formats=dict.fromkeys(wide.columns[1:], ".1f"))
            profile = (
                side.drop(columns="n")
                .rename(columns={"cohort": "group", "latest_mean": "mean", "n_latest": "n"})
                .assign(kind="cohort", sd=float("nan"))
            )
            chart_specs.draw(
                charts.comparison_chart,
                profile[["group", "kind", "skill_id", "skill", "n", "mean", "sd"]],
                pd.DataFrame(columns=["group", "skill_id", "beyond_noise"]),
            )

if chase_tab.open:
    with chase_tab:
        if open_or_closed.empty:
            st.caption(_("Nobody to chase: every member has submitted in every round so far."))
        else:
            tables.grid(open_or_closed)
            table_download(
                _("Chase list (CSV)"), open_or_closed.drop(columns="person_id"), "chase-list.csv"
            )

if others_tab.open:  # issue 22 (h-360-report): self-other agreement, change in others
    with others_tab:
        feedback_views.cohort(viewer, cohort_id, names[cohort_id])

if kpi_tab.open:  # issue 23: the teams' numbers before and after, against other teams
    with kpi_tab:
        kpi_pages.cohort_section(viewer, cohort_id, min_group, review.round_scores)

# Exports
st.subheader(_("Export"), anchor=False)


def scores() -> pd.DataFrame:
    """The export's rows, built only when a download is asked for."""
    return exports.cohort_scores(review.round_scores, instrument)


stem = f"cohort-{names[cohort_id].lower().replace(' ', '-')}"


def record(kind: str) -> None:
    """Download callback: write the export to the audit log."""
    with context.shown_errors(), context.db() as session:
        exports.record_export(
            session=session, viewer=viewer, kind=kind, subject=names[cohort_id], rows=len(scores())
        )


csv_column, xlsx_column, report_column = st.columns(3)
table_download(
    _("Scores (CSV)"), scores, f"{stem}.csv", where=csv_column, on_click=record, args=("csv",)
)
# Issue 24: the workbook and the PDF report are built, access-checked and audited by the
# core (leadcoach.reporting) when their button is pressed.
cohort_workbook_download(
    viewer, cohort_id, review, stem, label=_("Workbook (XLSX)"), where=xlsx_column
)
cohort_report_download(
    viewer, cohort_id, review, stem, label=_("Report (PDF)"), where=report_column
)
cohort_zip_download(
    viewer,
    cohort_id,
    names[cohort_id],
    label=_("Make every member's report (ZIP)"),
    save_label=_("Save every member's report (ZIP)"),
)
st.caption(
    _(
        "Scores: one row per person and round, one column per skill, with team, site, vendor "
        "and language. The workbook adds a summary, the change per skill, the scores at each "
        "round and the method; the report is the same for a director to read, and the ZIP "
        "holds every member's own report. Every export is recorded in the audit log."
    )
)
with context.db() as session:  # issue 25: say when the review pools languages
    if pooled := context.language_pooling_note(session):
        st.caption(md(pooled))
