"""Altair chart builders: an aggregated DataFrame in, a chart out (no data access here)."""

from __future__ import annotations

import altair as alt
import pandas as pd

SCORE_SCALE = alt.Scale(domain=[0, 100])
# Okabe-Ito: distinguishable with the common colour-vision deficiencies.
ACCENT = "#0072B2"
MUTED = "#BBBBBB"
PREVIOUS = "#E69F00"
MONTHS = alt.Axis(format="%b %Y", tickCount="month", labelAngle=0)


def profile_chart(profile: pd.DataFrame) -> alt.Chart:
    """Horizontal bars of the latest skill scores, with the previous score as a tick."""
    data = profile.assign(
        score=profile["score"].astype("float"),
        previous=profile["previous"].astype("float"),
        change=profile["change"].astype("float"),
        label=profile["score"].map(lambda v: "insufficient data" if pd.isna(v) else f"{v:.0f}"),
    )[["skill", "score", "previous", "change", "label"]]
    order = list(data["skill"])
    y = alt.Y("skill:N", sort=order, title=None, axis=alt.Axis(labelLimit=220))
    tooltip = [
        alt.Tooltip("skill:N", title="Skill"),
        alt.Tooltip("score:Q", title="Score", format=".0f"),
        alt.Tooltip("previous:Q", title="Previous", format=".0f"),
        alt.Tooltip("change:Q", title="Change", format="+.0f"),
    ]
    base = alt.Chart(data).encode(y=y, tooltip=tooltip)
    bars = base.mark_bar(color=ACCENT, height={"band": 0.7}).encode(
        x=alt.X("score:Q", scale=SCORE_SCALE, title="Score (0-100)")
    )
    ticks = base.mark_tick(color=PREVIOUS, thickness=3, size=18).encode(x="previous:Q")
    labels = base.mark_text(align="left", dx=4, color="#333").encode(
        x=alt.X("score:Q", scale=SCORE_SCALE, impute=None), text="label:N"
    )
    missing = (
        base.transform_filter("!isValid(datum.score)")
        .mark_text(align="left", color="#666", fontStyle="italic")
        .encode(x=alt.value(4), text="label:N")
    )
    return (bars + ticks + labels + missing).properties(height=alt.Step(26))


def growth_chart(growth: pd.DataFrame, highlight: str | None = None) -> alt.Chart:
    """Every skill across submissions; one highlighted skill (or legend click) stands out."""
    data = growth.assign(score=growth["score"].astype("float"))[["submitted_at", "skill", "score"]]
    pick = alt.selection_point(fields=["skill"], bind="legend", name="skill_pick")
    emphasised = alt.datum.skill == highlight if highlight else pick
    # Legend under the plot, one per line: full skill names fit, on a phone too.
    legend = alt.Legend(orient="bottom", columns=1, labelLimit=320, title=None)
    colour = alt.condition(
        emphasised,
        alt.Color("skill:N", scale=alt.Scale(scheme="tableau20"), legend=legend),
        alt.value(MUTED),
    )
    base = alt.Chart(data).encode(
        x=alt.X("submitted_at:T", title="Submitted", axis=MONTHS),
        y=alt.Y("score:Q", scale=SCORE_SCALE, title="Score (0-100)"),
        color=colour,
        opacity=alt.condition(emphasised, alt.value(1.0), alt.value(0.35)),
        tooltip=[
            alt.Tooltip("skill:N", title="Skill"),
            alt.Tooltip("submitted_at:T", title="Date", format="%d %b %Y"),
            alt.Tooltip("score:Q", title="Score", format=".0f"),
        ],
    )
    lines = base.mark_line(strokeWidth=2.5).encode(detail="skill:N")
    points = base.mark_point(filled=True, size=60)
    # fit-x: the width follows the page, the height is the plot's own, so the legend below
    # adds to it instead of squeezing the lines on a narrow phone screen.
    return (
        (lines + points)
        .add_params(pick)
        .properties(height=320, autosize=alt.AutoSizeParams(type="fit-x", contains="padding"))
    )


def overall_chart(submissions: pd.DataFrame) -> alt.Chart:
    """The overall index over time."""
    data = submissions.assign(overall_index=submissions["overall_index"].astype("float"))[
        ["submitted_at", "overall_index"]
    ]
    base = alt.Chart(data).encode(
        x=alt.X("submitted_at:T", title="Submitted", axis=MONTHS),
        y=alt.Y("overall_index:Q", scale=SCORE_SCALE, title="Overall index (0-100)"),
        tooltip=[
            alt.Tooltip("submitted_at:T", title="Date", format="%d %b %Y"),
            alt.Tooltip("overall_index:Q", title="Overall index", format=".0f"),
        ],
    )
    return (
        base.mark_line(color=ACCENT) + base.mark_point(color=ACCENT, filled=True, size=70)
    ).properties(height=220)
