"""Charts of team KPIs (issue 23): aggregated frames in, Altair charts out; the same
conventions as leadcoach.reporting.charts (Okabe-Ito colours, a text alternative that
points to the table beside each chart)."""

from __future__ import annotations

import altair as alt
import pandas as pd

from leadcoach.platform.i18n import N_, _
from leadcoach.reporting import vocabulary
from leadcoach.reporting.charts import (
    ACCENT,
    DAY_FORMAT,
    LEGEND_TEXT,
    LINE_COLOURS,
    MONTH_FORMAT,
    MONTHS,
    PREVIOUS,
    TABLE_BESIDE,
    _across,
    _value_axis,
    line_styles,
)

SIGNAL = "#D55E00"  # Okabe-Ito vermilion, 3.6:1 on white
ASSESSMENT = "#555555"


GROUPS = {"cohort": N_("The cohort's teams"), "comparison": N_("Comparison teams")}


def _domain(start: pd.Timestamp | None, end: pd.Timestamp | None) -> alt.Scale:
    """The shared months, running right to left in Arabic as every time axis (charts)."""
    if start is None or end is None:
        return _across()
    return _across(domain=[start.isoformat(), end.isoformat()])


def _assessment_rules(assessments: pd.DataFrame) -> alt.Chart:
    dates = pd.DataFrame({"at": pd.to_datetime(assessments["submitted_at"]).dt.tz_localize(None)})
    return (
        alt.Chart(dates)
        .mark_rule(color=ASSESSMENT, strokeDash=[2, 3])
        .encode(
            x="at:T", tooltip=[alt.Tooltip("at:T", title=_("Self-assessment"), format=DAY_FORMAT)]
        )
    )


def kpi_chart(
    values: pd.DataFrame,
    measure: str,
    assessments: pd.DataFrame,
    start: pd.Timestamp | None,
    end: pd.Timestamp | None,
    targets: pd.DataFrame | None = None,
) -> alt.Chart:
    """One measure month by month, each work plan's target as a dashed segment over the
    plan's month or quarter, and the dates of the supervisor's self-assessments as dotted
    rules, on the shared time axis."""
    data = values[values["measure"] == measure][["period", "value", "target"]].copy()
    x = alt.X("period:T", title=_("Month"), axis=MONTHS, scale=_domain(start, end))
    base = alt.Chart(data)
    line = base.mark_line(color=ACCENT, point=True).encode(
        x=x,
        y=alt.Y("value:Q", title=measure, scale=alt.Scale(zero=False), axis=_value_axis()),
        tooltip=[
            alt.Tooltip("period:T", title=_("Month"), format=MONTH_FORMAT),
            alt.Tooltip("value:Q", title=measure, format=",.1f"),
        ],
    )
    plan = pd.DataFrame(columns=["starts_on", "ends_on", "target"])
    if targets is not None and not targets.empty:
        plan = targets[targets["measure"] == measure][["starts_on", "ends_on", "target"]].copy()
        plan["starts_on"] = pd.to_datetime(plan["starts_on"])
        # To the last month's point on a monthly axis; a one-month plan gets a short segment
        # (not a lone dot) so it reads as "the target for this month".
        last = pd.to_datetime(plan["ends_on"]).dt.to_period("M").dt.to_timestamp()
        plan["ends_on"] = last.where(
            last > plan["starts_on"], plan["starts_on"] + pd.Timedelta(days=27)
        )
    target = (
        alt.Chart(plan)
        .mark_rule(color=PREVIOUS, strokeDash=[6, 3], strokeWidth=3)
        .encode(
            x="starts_on:T",
            x2="ends_on:T",
            y="target:Q",
            tooltip=[
                alt.Tooltip("starts_on:T", title=_("Plan from"), format=MONTH_FORMAT),
                alt.Tooltip("target:Q", title=_("Plan target"), format=",.1f"),
            ],
        )
    )
    return (line + target + _assessment_rules(assessments)).properties(
        height=220,
        autosize=alt.AutoSizeParams(type="fit-x", contains="padding"),
        description=_(
            "Line chart of {measure} by month, the plan's targets dashed, self-assessment "
            "dates as dotted rules."
        ).format(measure=measure)
        + _(TABLE_BESIDE),
    )


def skills_chart(skills: pd.DataFrame, assessments: pd.DataFrame, start, end) -> alt.Chart:
    """The supervisor's skill scores at each self-assessment, on the KPI charts' time axis."""
    data = skills.assign(at=pd.to_datetime(skills["submitted_at"]).dt.tz_localize(None))[
        ["at", "skill", "score"]
    ]
    # Told apart by colour and dash, with dark legend text, as the Growth page's chart
    # (charts.growth_chart): eleven default colours came in look-alike pairs (issue 19, 9).
    names = list(dict.fromkeys(data["skill"]))
    colours, dashes = line_styles(len(names))
    legend = alt.Legend(orient="bottom", columns=1, labelLimit=320, title=None,
                        labelColor=LEGEND_TEXT, labelFontSize=12, symbolType="stroke",
                        symbolSize=400, symbolStrokeWidth=2.5)  # fmt: skip
    return (
        alt.Chart(data)
        .mark_line(point=True)
        .encode(
            x=alt.X("at:T", title=_("Month"), axis=MONTHS, scale=_domain(start, end)),
            y=alt.Y(
                "score:Q",
                title=_("Score (0-100)"),
                scale=alt.Scale(domain=[0, 100]),
                axis=_value_axis(),
            ),
            color=alt.Color(
                "skill:N", sort=names, scale=alt.Scale(domain=names, range=colours), legend=legend
            ),
            strokeDash=alt.StrokeDash(
                "skill:N", sort=names, scale=alt.Scale(domain=names, range=dashes), legend=legend
            ),
            tooltip=[
                alt.Tooltip("skill:N", title=_("Skill")),
                alt.Tooltip("at:T", title=_("Date"), format=DAY_FORMAT),
                alt.Tooltip("score:Q", title=_("Score"), format=".0f"),
            ],
        )
        .properties(
            height=260,
            autosize=alt.AutoSizeParams(type="fit-x", contains="padding"),
            description=_(
                "Line chart of each skill's score at each self-assessment, on the same months "
                "as the team's numbers."
            )
            + _(TABLE_BESIDE),
        )
    )


def xmr_chart(frame: pd.DataFrame, measure: str, team: str) -> alt.Chart:
    """One team's months of one measure with its natural process limits (dashed) and the
    months beyond usual variation marked. One chart per team, each as wide as its column: a
    faceted chart has a fixed width and ran over the tables beside it, and off a phone."""
    data = frame[(frame["measure"] == measure) & (frame["team"] == team)][
        ["team", "period", "value", "centre", "lower", "upper", "signal"]
    ]
    # The signal's yes or no as the reader says it (a boolean field reads "true").
    said = {True: _(vocabulary.YES), False: _(vocabulary.NO)}
    data = data.assign(beyond=data["signal"].map(said))
    base = alt.Chart().encode(x=alt.X("period:T", title=_("Month"), axis=MONTHS, scale=_across()))
    layers = alt.layer(
        base.mark_line(color=ACCENT).encode(
            y=alt.Y("value:Q", title=measure, scale=alt.Scale(zero=False), axis=_value_axis())
        ),
        base.mark_line(color=LINE_COLOURS[4], strokeDash=[1, 0], opacity=0.5).encode(y="centre:Q"),
        base.mark_line(color=LINE_COLOURS[4], strokeDash=[6, 3]).encode(y="lower:Q"),
        base.mark_line(color=LINE_COLOURS[4], strokeDash=[6, 3]).encode(y="upper:Q"),
        base.mark_point(filled=True, size=60).encode(
            y="value:Q",
            color=alt.condition("datum.signal", alt.value(SIGNAL), alt.value(ACCENT)),
            shape=alt.condition("datum.signal", alt.value("diamond"), alt.value("circle")),
            tooltip=[
                alt.Tooltip("team:N", title=_("Team")),
                alt.Tooltip("period:T", title=_("Month"), format=MONTH_FORMAT),
                alt.Tooltip("value:Q", title=measure, format=",.1f"),
                alt.Tooltip("beyond:N", title=_("Beyond usual variation")),
            ],
        ),
        data=data,
    )
    return layers.properties(
        title=alt.TitleParams(team, anchor="start", fontSize=14),
        height=160,
        autosize=alt.AutoSizeParams(type="fit-x", contains="padding"),
        description=_(
            "Chart of {measure} by month for {team}, with the limits of usual month-to-month "
            "variation dashed and months beyond them marked as diamonds."
        ).format(measure=measure, team=team)
        + _(TABLE_BESIDE),
    )


def cohort_monthly_chart(monthly: pd.DataFrame, measure: str, starts: pd.Timestamp) -> alt.Chart:
    """The cohort's teams and the comparison teams month by month for one measure (months
    with too few teams are left out), with the programme's start marked."""
    data = monthly[(monthly["measure"] == measure) & ~monthly["suppressed"]].replace(
        {"group": {code: _(name) for code, name in GROUPS.items()}}
    )[["period", "group", "value"]]
    lines = (
        alt.Chart(data)
        .mark_line(point=True)
        .encode(
            x=alt.X("period:T", title=_("Month"), axis=MONTHS, scale=_across()),
            y=alt.Y("value:Q", title=measure, scale=alt.Scale(zero=False), axis=_value_axis()),
            color=alt.Color(
                "group:N",
                title=None,
                scale=alt.Scale(range=[ACCENT, LINE_COLOURS[1]]),
                legend=alt.Legend(orient="bottom"),
            ),
            strokeDash=alt.StrokeDash("group:N", legend=None),
            tooltip=[
                alt.Tooltip("group:N", title=_("Group")),
                alt.Tooltip("period:T", title=_("Month"), format=MONTH_FORMAT),
                alt.Tooltip("value:Q", title=measure, format=",.1f"),
            ],
        )
    )
    start = (
        alt.Chart(pd.DataFrame({"at": [starts]}))
        .mark_rule(color=ASSESSMENT, strokeDash=[2, 3])
        .encode(x="at:T")
    )
    return (lines + start).properties(
        height=240,
        autosize=alt.AutoSizeParams(type="fit-x", contains="padding"),
        description=_(
            "Line chart of {measure} by month for the cohort's teams and the comparison teams; "
            "the dotted rule marks the cohort's start."
        ).format(measure=measure)
        + _(TABLE_BESIDE),
    )
