"""Altair chart builders: an aggregated DataFrame in, a chart out (no data access here)."""

from __future__ import annotations

import altair as alt
import pandas as pd

SCORE_SCALE = alt.Scale(domain=[0, 100])
# Okabe-Ito: distinguishable with the common colour-vision deficiencies.
ACCENT = "#0072B2"
MUTED = "#BBBBBB"
PREVIOUS = "#E69F00"
SCORE_TICKS = [0, 25, 50, 75, 100]
BAR_OFFSET = 9  # pixels below the middle of a skill's row: its name sits above the bar
MONTHS = alt.Axis(format="%b %Y", tickCount="month", labelAngle=0)


def profile_chart(profile: pd.DataFrame) -> alt.Chart:
    """Horizontal bars of the latest skill scores, with the previous score as a tick.

    Each skill's name sits above its bar rather than in an axis column, so the bars keep
    the whole width and no name is cut short, on a laptop and on a phone alike.
    """
    data = profile.assign(
        score=profile["score"].astype("float"),
        previous=profile["previous"].astype("float"),
        change=profile["change"].astype("float"),
        label=profile["score"].map(lambda v: "insufficient data" if pd.isna(v) else f"{v:.0f}"),
    )[["skill", "score", "previous", "change", "label"]]
    y = alt.Y("skill:N", sort=list(data["skill"]), title=None, axis=None)
    x = alt.X(
        "score:Q", scale=SCORE_SCALE, title="Score (0-100)", axis=alt.Axis(values=SCORE_TICKS)
    )
    tooltip = [
        alt.Tooltip("skill:N", title="Skill"),
        alt.Tooltip("score:Q", title="Score", format=".0f"),
        alt.Tooltip("previous:Q", title="Previous", format=".0f"),
        alt.Tooltip("change:Q", title="Change", format="+.0f"),
    ]
    base = alt.Chart(data).encode(y=y, tooltip=tooltip)
    names = base.mark_text(align="left", baseline="bottom", yOffset=-1, fontSize=12,
                           color="#222").encode(x=alt.value(0), text="skill:N")  # fmt: skip
    bars = base.mark_bar(color=ACCENT, height=14, yOffset=BAR_OFFSET).encode(x=x)
    ticks = base.mark_tick(color=PREVIOUS, thickness=3, size=20, yOffset=BAR_OFFSET).encode(
        x="previous:Q"
    )
    scores = base.mark_text(align="left", dx=4, yOffset=BAR_OFFSET, color="#333").encode(
        x=alt.X("score:Q", scale=SCORE_SCALE, impute=None), text="label:N"
    )
    missing = (
        base.transform_filter("!isValid(datum.score)")
        .mark_text(align="left", yOffset=BAR_OFFSET, color="#666", fontStyle="italic")
        .encode(x=alt.value(4), text="label:N")
    )
    return (names + bars + ticks + scores + missing).properties(
        height=alt.Step(46), autosize=alt.AutoSizeParams(type="fit-x", contains="padding")
    )


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
