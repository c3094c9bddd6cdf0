"""Altair chart builders: an aggregated DataFrame in, a chart out (no data access here)."""

from __future__ import annotations

import json

import altair as alt
import pandas as pd
from babel import Locale
from babel import numbers as babel_numbers

from leadcoach.platform import i18n
from leadcoach.platform.i18n import N_, _
from leadcoach.platform.languages import SOURCE

SCORE_SCALE = alt.Scale(domain=[0, 100])
# Okabe-Ito: distinguishable with the common colour-vision deficiencies.
ACCENT = "#0072B2"
MUTED = "#BBBBBB"
PREVIOUS = "#E69F00"
# Okabe-Ito again, for up to eight groups side by side.
GROUP_COLOURS = ["#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442",
                 "#000000"]  # fmt: skip
# Lines on white: the Okabe-Ito colours (Okabe & Ito 2008, "Color Universal Design") with at
# least 3:1 against white (WCAG 2.1 1.4.11); orange, sky blue and yellow are 1.4-2.3:1.
LINE_COLOURS = ["#0072B2", "#D55E00", "#009E73", "#CC79A7", "#000000"]
DASHES = [[1, 0], [6, 3], [2, 2]]  # solid, dashed, dotted
LEGEND_TEXT = "#222222"
SCORE_TICKS = [0, 25, 50, 75, 100]
# Every chart's text alternative (Vega puts a spec's description in the SVG's aria-label;
# WCAG 2.1 1.1.1) ends by pointing to its table, which screen readers read row by row.
TABLE_BESIDE = N_(" The same figures are in the table beside it.")
BAR_OFFSET = 9  # pixels below the middle of a skill's row: its name sits above the bar
# Every time axis of every chart (issue 25): Vega formats its labels and tooltips in the
# browser with the d3 time locale that `localised` gives the chart, so "%b" is the reader's
# month name ("nov.", "نوفمبر"); quarters have no d3 name, see `quarter_axis`.
MONTHS = alt.Axis(format="%b %Y", tickCount="month", labelAngle=0)
DAY_FORMAT = "%d %b %Y"  # a tooltip's date
MONTH_FORMAT = "%b %Y"  # a tooltip's month


def vega_locale(language: str) -> dict:
    """The d3 time and number locales of a language from CLDR (Babel), for Vega's
    `config.locale`: month and day names, decimal mark and grouping as the app's tables
    write them (leadcoach.platform.i18n.number: Arabic keeps CLDR's default Latin digits)."""
    names = Locale.parse(language)
    days, months = names.days["format"], names.months["format"]
    sunday_first = [6, 0, 1, 2, 3, 4, 5]  # Babel counts from Monday, d3 from Sunday
    symbols = names.number_symbols[names.default_numbering_system]
    # The percent sign with the language's spacing ("25 %" in French), as i18n.percent.
    percent = babel_numbers.format_percent(0, locale=names).replace("0", "", 1)
    return {
        "time": {
            "dateTime": "%x %X", "date": "%d/%m/%Y", "time": "%H:%M:%S", "periods": ["AM", "PM"],
            "days": [days["wide"][i] for i in sunday_first],
            "shortDays": [days["abbreviated"][i] for i in sunday_first],
            "months": [months["wide"][i] for i in range(1, 13)],
            "shortMonths": [months["abbreviated"][i] for i in range(1, 13)],
        },
        "number": {
            "decimal": symbols["decimal"], "thousands": symbols["group"], "grouping": [3],
            "currency": ["", ""], "percent": percent,
        },
    }  # fmt: skip


def localised(chart: alt.TopLevelMixin) -> alt.TopLevelMixin:
    """The chart with the current language's time and number locale (issue 25): every
    month, day and number Vega writes on its axes, labels and tooltips is the reader's,
    in the browser and in SVG/PNG files alike. English keeps Vega's own (the same)."""
    language = i18n.current()
    if language == SOURCE:
        return chart
    return chart.configure(locale=vega_locale(language))


def quarter_axis(starts) -> alt.Axis:
    """A time axis with one tick per quarter at the given days, labelled as the language
    names quarters ("T4 2026", "الربع الرابع 2026", as i18n.quarter): d3's "%q" is a bare
    digit and its locale has no quarter names."""
    values = [alt.DateTime(year=d.year, month=d.month, date=1) for d in starts]
    if i18n.current() == SOURCE:  # as the rounds are named: "2026 Q1"
        return alt.Axis(values=values, format="%Y Q%q", labelAngle=0, grid=False)
    names = Locale.parse(i18n.current()).quarters["format"]["abbreviated"]
    labels = json.dumps([names[q] for q in range(1, 5)], ensure_ascii=False)
    return alt.Axis(
        values=values,
        labelExpr=f"{labels}[quarter(datum.value) - 1] + ' ' + timeFormat(datum.value, '%Y')",
        labelAngle=0,
        grid=False,
    )


def _side() -> str:
    """The side the language starts from: the left, or the right in Arabic (issue 25)."""
    return "right" if i18n.is_rtl() else "left"


def _value_axis() -> alt.Axis:
    """The value axis on the side the language starts from."""
    return alt.Axis(orient=_side())


def _start() -> alt.ValueChannelMixin:
    """The x where a line of text starts: the left edge, or the right in Arabic."""
    return alt.value(alt.expr("width")) if i18n.is_rtl() else alt.value(0)


def _across(**scale) -> alt.Scale:
    """A scale across the chart that runs the way the language reads: from the right in
    Arabic (issue 25), for time, scores and people alike."""
    return alt.Scale(reverse=i18n.is_rtl(), **scale)


def profile_chart(profile: pd.DataFrame) -> alt.Chart:
    """Horizontal bars of the latest skill scores, with the previous score as a tick.

    Each skill's name sits above its bar rather than in an axis column, so the bars keep
    the whole width and no name is cut short, on a laptop and on a phone alike.
    """
    data = profile.assign(
        score=profile["score"].astype("float"),
        previous=profile["previous"].astype("float"),
        change=profile["change"].astype("float"),
        label=profile["score"].map(
            lambda v: _("insufficient data") if pd.isna(v) else i18n.number(v, 0)
        ),
    )[["skill", "score", "previous", "change", "label"]]
    y = alt.Y("skill:N", sort=list(data["skill"]), title=None, axis=None)
    # Right to left (issue 25): the bars grow from the right and the names sit at the right.
    scale = _across(domain=[0, 100])
    start, side = _side(), -1 if i18n.is_rtl() else 1
    x = alt.X("score:Q", scale=scale, title=_("Score (0-100)"), axis=alt.Axis(values=SCORE_TICKS))
    tooltip = [
        alt.Tooltip("skill:N", title=_("Skill")),
        alt.Tooltip("score:Q", title=_("Score"), format=".0f"),
        alt.Tooltip("previous:Q", title=_("Previous"), format=".0f"),
        alt.Tooltip("change:Q", title=_("Change"), format="+.0f"),
    ]
    base = alt.Chart(data).encode(y=y, tooltip=tooltip)
    names = base.mark_text(align=start, baseline="bottom", yOffset=-1, fontSize=12,
                           color="#222").encode(x=_start(), text="skill:N")  # fmt: skip
    bars = base.mark_bar(color=ACCENT, height=14, yOffset=BAR_OFFSET).encode(x=x)
    ticks = base.mark_tick(color=PREVIOUS, thickness=3, size=20, yOffset=BAR_OFFSET).encode(
        x="previous:Q"
    )
    scores = base.mark_text(align=start, dx=4 * side, yOffset=BAR_OFFSET, color="#333").encode(
        x=alt.X("score:Q", scale=scale, impute=None), text="label:N"
    )
    missing = (
        base.transform_filter("!isValid(datum.score)")
        .mark_text(align=start, dx=4 * side, yOffset=BAR_OFFSET, color="#666", fontStyle="italic")
        .encode(x=_start(), text="label:N")
    )
    return (names + bars + ticks + scores + missing).properties(
        description=_(
            "Bar chart of each skill's latest score from 0 to 100, with the previous "
            "score as a tick."
        )
        + _(TABLE_BESIDE),
        height=alt.Step(46),
        autosize=alt.AutoSizeParams(type="fit-x", contains="padding"),
    )


def growth_chart(growth: pd.DataFrame, highlight: str | None = None) -> alt.Chart:
    """Every skill across submissions, each told apart by colour and dash; one highlighted
    skill (or a legend click) keeps its colour while the others turn grey."""
    data = growth.assign(score=growth["score"].astype("float"))[["submitted_at", "skill", "score"]]
    skills = list(dict.fromkeys(data["skill"]))
    colours, dashes = line_styles(len(skills))
    pick = alt.selection_point(fields=["skill"], bind="legend", name="skill_pick")
    emphasised = alt.datum.skill == highlight if highlight else pick
    # Legend under the plot, one per line: full skill names fit, on a phone too. Dark text
    # (#222 on white, 15.9:1; WCAG 2.1 1.4.3 asks 4.5:1) and a long stroke per entry so its
    # dash shows.
    legend = alt.Legend(orient="bottom", columns=1, labelLimit=320, title=None,
                        labelColor=LEGEND_TEXT, labelFontSize=12, symbolType="stroke",
                        symbolSize=400, symbolStrokeWidth=2.5)  # fmt: skip
    colour = alt.condition(
        emphasised,
        alt.Color("skill:N", sort=skills, scale=alt.Scale(domain=skills, range=colours),
                  legend=legend),
        alt.value(MUTED),
    )  # fmt: skip
    dash = alt.StrokeDash(
        "skill:N", sort=skills, scale=alt.Scale(domain=skills, range=dashes), legend=legend
    )
    base = alt.Chart(data).encode(
        x=alt.X("submitted_at:T", title=_("Submitted"), axis=MONTHS, scale=_across()),
        y=alt.Y("score:Q", scale=SCORE_SCALE, title=_("Score (0-100)"), axis=_value_axis()),
        color=colour,
        opacity=alt.condition(emphasised, alt.value(1.0), alt.value(0.35)),
        tooltip=[
            alt.Tooltip("skill:N", title=_("Skill")),
            alt.Tooltip("submitted_at:T", title=_("Date"), format=DAY_FORMAT),
            alt.Tooltip("score:Q", title=_("Score"), format=".0f"),
        ],
    )
    lines = base.mark_line().encode(
        detail="skill:N",
        strokeDash=dash,
        strokeWidth=alt.condition(emphasised, alt.value(2.5), alt.value(1.5)),
    )
    points = base.mark_point(filled=True, size=50)
    # fit-x: the width follows the page, the height is the plot's own, so the legend below
    # adds to it instead of squeezing the lines on a narrow phone screen.
    return (
        (lines + points)
        .add_params(pick)
        .properties(
            height=320,
            autosize=alt.AutoSizeParams(type="fit-x", contains="padding"),
            description=_("Line chart of each skill's score at each assessment.") + _(TABLE_BESIDE),
        )
    )


def line_styles(count: int) -> tuple[list[str], list[list[int]]]:
    """A colour and a dash per line, no two of up to fifteen lines alike: each colour solid
    first, then dashed, then dotted."""
    colours = [LINE_COLOURS[i % len(LINE_COLOURS)] for i in range(count)]
    dashes = [DASHES[(i // len(LINE_COLOURS)) % len(DASHES)] for i in range(count)]
    return colours, dashes


def overall_chart(submissions: pd.DataFrame) -> alt.Chart:
    """The overall index over time."""
    data = submissions.assign(overall_index=submissions["overall_index"].astype("float"))[
        ["submitted_at", "overall_index"]
    ]
    base = alt.Chart(data).encode(
        x=alt.X("submitted_at:T", title=_("Submitted"), axis=MONTHS, scale=_across()),
        y=alt.Y(
            "overall_index:Q",
            scale=SCORE_SCALE,
            title=_("Overall index (0-100)"),
            axis=_value_axis(),
        ),
        tooltip=[
            alt.Tooltip("submitted_at:T", title=_("Date"), format=DAY_FORMAT),
            alt.Tooltip("overall_index:Q", title=_("Overall index"), format=".0f"),
        ],
    )
    return (
        base.mark_line(color=ACCENT) + base.mark_point(color=ACCENT, filled=True, size=70)
    ).properties(
        height=220,
        description=_("Line chart of the overall index at each assessment.") + _(TABLE_BESIDE),
    )


# Past this many cells a heatmap leaves each cell's number to its tooltip and to the table
# beside it, and is drawn on a canvas. A coach of a hundred people (1,200 cells, cohort-10k)
# waited for the browser to draw the numbers: Chromium spent about 590 ms of CPU on the heatmap
# with them and 240 ms without, on a canvas (Performance.getMetrics' TaskDuration, median of
# seven first loads of My teams, same run); 1,200 marks drawn as SVG, Vega's default below
# Streamlit's 2,000, took longer than the 2,400 on a canvas. A team of 25 keeps its numbers.
HEATMAP_NUMBERED_CELLS = 480


def heatmap_chart(scores: pd.DataFrame, skill_order: list[str]) -> alt.TopLevelMixin:
    """Skills x people, coloured by each person's latest score, the value in each cell
    (up to HEATMAP_NUMBERED_CELLS cells; beyond, in the tooltip only).

    Skills run down the side, where their long names fit; people run across the top.
    Cividis is readable with every common colour-vision deficiency and in greyscale.
    """
    data = scores.assign(score=scores["score"].astype("float"))[["name", "team", "skill", "score"]]
    people = list(dict.fromkeys(data.sort_values(["team", "name"])["name"]))
    base = alt.Chart(data).encode(
        x=alt.X(
            "name:N",
            sort=people,
            title=None,
            # labelOverlap off: Vega's default drops every second name once the rotated
            # labels' boxes touch (issue 19, point 2); each column is a person, name them all.
            axis=alt.Axis(orient="top", labelAngle=-45, labelLimit=140, labelOverlap=False),
            scale=_across(),  # the first person at the right in Arabic
        ),
        y=alt.Y(
            "skill:N",
            sort=skill_order,
            title=None,
            axis=alt.Axis(labelLimit=300, labelOverlap=False, orient=_side()),
        ),
        tooltip=[
            alt.Tooltip("name:N", title=_("Person")),
            alt.Tooltip("team:N", title=_("Team")),
            alt.Tooltip("skill:N", title=_("Skill")),
            alt.Tooltip("score:Q", title=_("Score"), format=".0f"),
        ],
    )
    cells = base.mark_rect(stroke="white").encode(
        color=alt.Color(
            "score:Q",
            scale=alt.Scale(scheme="cividis", domain=[0, 100]),
            legend=alt.Legend(title=_("Score"), orient="bottom"),
        ),
    )
    size = {
        "height": alt.Step(26),
        "width": alt.Step(40),
        "description": _("Heatmap of each person's latest score per skill.") + _(TABLE_BESIDE),
    }
    if len(data) > HEATMAP_NUMBERED_CELLS:
        # Streamlit reads the renderer from usermeta.embedOptions (its own switch to a
        # canvas comes only at 2,000 marks); the exports ignore it.
        return cells.properties(**size, usermeta={"embedOptions": {"renderer": "canvas"}})
    values = base.mark_text(fontSize=11).encode(
        text=alt.Text("score:Q", format=".0f"),
        color=alt.condition(alt.datum.score > 60, alt.value("black"), alt.value("white")),
    )
    return (cells + values).properties(**size)


def comparison_chart(profiles: pd.DataFrame, differences: pd.DataFrame) -> alt.Chart:
    """Each group's mean per skill as a dot; a ring marks a group that differs from the
    first group by more than measurement noise. Skill names sit above their row, as on
    the profile chart, so the dots keep the width on a phone."""
    beyond = differences[differences["beyond_noise"].astype(bool)]
    marked = set(zip(beyond["group"], beyond["skill_id"], strict=True))
    data = profiles.assign(
        mean=profiles["mean"].astype("float"),
        beyond_noise=[
            (group, skill) in marked
            for group, skill in zip(profiles["group"], profiles["skill_id"], strict=True)
        ],
    )[["group", "skill", "n", "mean", "beyond_noise"]]
    order = list(dict.fromkeys(data["skill"]))
    groups = list(dict.fromkeys(data["group"]))
    y = alt.Y("skill:N", sort=order, title=None, axis=None)
    x = alt.X(
        "mean:Q", scale=_across(domain=[0, 100]), title=_("Score (0-100)"),
        axis=alt.Axis(values=SCORE_TICKS),
    )  # fmt: skip
    base = alt.Chart(data).encode(
        y=y,
        x=x,
        color=alt.Color(
            "group:N",
            sort=groups,
            scale=alt.Scale(range=GROUP_COLOURS),
            legend=alt.Legend(orient="bottom", columns=1, title=None, labelLimit=300),
        ),
        tooltip=[
            alt.Tooltip("group:N", title=_("Who")),
            alt.Tooltip("skill:N", title=_("Skill")),
            alt.Tooltip("mean:Q", title=_("Score"), format=".0f"),
            alt.Tooltip("n:Q", title=_("People")),
            alt.Tooltip("beyond_noise:N", title=_("Beyond noise")),
        ],
    )
    names = (
        alt.Chart(pd.DataFrame({"skill": order}))
        .mark_text(align=_side(), baseline="bottom", yOffset=-3, fontSize=12, color="#222")
        .encode(y=y, x=_start(), text="skill:N")
    )
    rules = (
        alt.Chart(data)
        .mark_rule(color=MUTED, yOffset=BAR_OFFSET)
        .encode(y=y, x=alt.X("min(mean):Q", scale=_across(domain=[0, 100])), x2="max(mean):Q")
    )
    dots = base.mark_point(filled=True, size=90, opacity=1, yOffset=BAR_OFFSET)
    rings = base.transform_filter(alt.datum.beyond_noise).mark_point(
        size=330, strokeWidth=2, yOffset=BAR_OFFSET
    )
    return (names + rules + dots + rings).properties(
        description=_("Dot chart of each group's average score per skill.") + _(TABLE_BESIDE),
        height=alt.Step(44),
        autosize=alt.AutoSizeParams(type="fit-x", contains="padding"),
    )


def team_growth_chart(growth: pd.DataFrame, skill: str) -> alt.Chart:
    """One skill's team average per round, with the middle half of the team as a band."""
    data = growth[growth["skill"] == skill][["round", "round_start", "n", "mean", "q1", "q3",
                                             "min", "max"]]  # fmt: skip
    # One tick per quarter, at the rounds themselves: the data are quarterly.
    base = alt.Chart(data).encode(
        x=alt.X(
            "round_start:T",
            title=_("Round (quarter)"),
            axis=quarter_axis(data["round_start"]),
            scale=_across(),
        ),
        tooltip=[
            alt.Tooltip("round:N", title=_("Round")),
            alt.Tooltip("n:Q", title=_("People")),
            alt.Tooltip("mean:Q", title=_("Average"), format=".0f"),
            alt.Tooltip("q1:Q", title=_("Lower quartile"), format=".0f"),
            alt.Tooltip("q3:Q", title=_("Upper quartile"), format=".0f"),
        ],
    )
    band = base.mark_area(opacity=0.25, color=ACCENT).encode(
        y=alt.Y("q1:Q", scale=SCORE_SCALE, title=_("Score (0-100)")), y2="q3:Q"
    )
    line = base.mark_line(color=ACCENT, point=True).encode(y="mean:Q")
    return (band + line).properties(
        description=_(
            "Line chart of the team's average {skill} score per quarter, with the middle half "
            "of the team as a band."
        ).format(skill=skill)
        + _(TABLE_BESIDE),
        height=260,
        autosize=alt.AutoSizeParams(type="fit-x", contains="padding"),
    )


def as_svg(chart: alt.TopLevelMixin) -> bytes:
    """The chart drawn as an SVG file (for reports and slides); a chart made by
    `localised` keeps its language's months and numbers."""
    import vl_convert  # on a download's click, not with the app (issue 19: server memory)

    return vl_convert.vegalite_to_svg(chart.to_json()).encode("utf-8")


def as_png(chart: alt.TopLevelMixin, scale: float = 2.0) -> bytes:
    """The chart drawn as a PNG image at `scale` times its size (sharp on print)."""
    import vl_convert

    return vl_convert.vegalite_to_png(chart.to_json(), scale=scale)


def distribution_chart(distribution: pd.DataFrame, skill: str) -> alt.Chart:
    """One skill's scores at each round as box plots drawn from the quartiles: whiskers
    from lowest to highest, a box over the middle half, a tick at the median. The chart
    gets the seven figures per round, never a person's score."""
    data = distribution[(distribution["skill"] == skill) & ~distribution["suppressed"]][
        ["round", "round_order", "n", "min", "q1", "median", "q3", "max", "mean"]
    ]
    rounds = list(data.sort_values("round_order")["round"])
    x = alt.X("round:N", sort=rounds, title=None, axis=alt.Axis(labelAngle=0))
    score = alt.Scale(domain=[0, 100])
    base = alt.Chart(data).encode(
        x=x,
        tooltip=[
            alt.Tooltip("round:N", title=_("Round")),
            alt.Tooltip("n:Q", title=_("People")),
            alt.Tooltip("median:Q", title=_("Median"), format=".0f"),
            alt.Tooltip("q1:Q", title=_("Lower quartile"), format=".0f"),
            alt.Tooltip("q3:Q", title=_("Upper quartile"), format=".0f"),
            alt.Tooltip("mean:Q", title=_("Mean"), format=".1f"),
        ],
    )
    whiskers = base.mark_rule(color="#555").encode(
        y=alt.Y("min:Q", scale=score, title=_("Score (0-100)")), y2="max:Q"
    )
    boxes = base.mark_bar(size=36, color=ACCENT, opacity=0.75).encode(y="q1:Q", y2="q3:Q")
    medians = base.mark_tick(size=36, thickness=2, color="white").encode(y="median:Q")
    return (whiskers + boxes + medians).properties(
        description=_("Box plots of the {skill} scores at each round.").format(skill=skill)
        + _(TABLE_BESIDE),
        height=260,
        autosize=alt.AutoSizeParams(type="fit-x", contains="padding"),
    )


REAL_CHANGE = N_("Real change (Holm-corrected p < .05)")
CHANCE = N_("Could be chance")


def change_chart(changes: pd.DataFrame) -> alt.Chart:
    """Mean change per skill with its 95% confidence interval (a forest plot); skills whose
    change holds after correcting for twelve tests (Holm) are filled."""
    data = changes[~changes["suppressed"]].assign(
        verdict=lambda f: f["significant"].map({True: _(REAL_CHANGE), False: _(CHANCE)})
    )[["skill", "n", "mean_change", "ci_low", "ci_high", "d_z", "p_holm", "verdict"]]
    order = list(data["skill"])
    y = alt.Y("skill:N", sort=order, title=None, axis=None)
    tooltip = [
        alt.Tooltip("skill:N", title=_("Skill")),
        alt.Tooltip("n:Q", title=_("People")),
        alt.Tooltip("mean_change:Q", title=_("Mean change"), format="+.1f"),
        alt.Tooltip("ci_low:Q", title=_("95% CI from"), format="+.1f"),
        alt.Tooltip("ci_high:Q", title=_("95% CI to"), format="+.1f"),
        alt.Tooltip("d_z:Q", title=_("Effect size d_z"), format=".2f"),
        alt.Tooltip("p_holm:Q", title=_("p (Holm)"), format=".3f"),
    ]
    base = alt.Chart(data).encode(y=y, tooltip=tooltip)
    names = base.mark_text(align=_side(), baseline="bottom", yOffset=-3, color="#222").encode(
        x=_start(), text="skill:N"
    )
    x = alt.X("ci_low:Q", title=_("Change in score points (95% CI)"), scale=_across())
    intervals = base.mark_rule(strokeWidth=2, color=ACCENT, yOffset=BAR_OFFSET).encode(
        x=x, x2="ci_high:Q"
    )
    points = base.mark_point(size=90, color=ACCENT, yOffset=BAR_OFFSET).encode(
        x="mean_change:Q",
        fill=alt.Fill(
            "verdict:N",
            scale=alt.Scale(domain=[_(REAL_CHANGE), _(CHANCE)], range=[ACCENT, "white"]),
            legend=alt.Legend(orient="bottom", columns=1, title=None, labelLimit=320),
        ),
    )
    zero = alt.Chart(pd.DataFrame({"x": [0]})).mark_rule(color="#999").encode(x="x:Q")
    return (names + zero + intervals + points).properties(
        description=_(
            "Forest plot of each skill's average change with its confidence interval (95%)."
        )
        + _(TABLE_BESIDE),
        height=alt.Step(44),
        autosize=alt.AutoSizeParams(type="fit-x", contains="padding"),
    )


def breakdown_chart(breakdown: pd.DataFrame) -> alt.Chart:
    """Each group's mean per skill as a dot (groups too small to show are left out)."""
    shown = breakdown[~breakdown["suppressed"]].rename(columns={"group": "who"})
    profile = shown.assign(group=shown["who"], kind="group", sd=float("nan"))
    empty = pd.DataFrame(columns=["group", "skill_id", "beyond_noise"])
    return comparison_chart(profile[["group", "kind", "skill_id", "skill", "n", "mean", "sd"]],
                            empty)  # fmt: skip
