"""The charts' design, checked on the drawn chart (Vega's own SVG, through vl_convert): every
person on the heatmap named, the growth lines told apart, quarter ticks for quarterly data."""

from __future__ import annotations

import re
from html import unescape

import altair as alt
import pandas as pd
import pytest

from leadcoach.platform import i18n
from leadcoach.reporting import charts

PEOPLE = ["Ana Lima", "Ben Carter", "Chloe Evans", "Farid Haddad", "Grace Kim", "Hugo Martin",
          "Isla Murray", "Jonas Weber"]  # fmt: skip
SKILLS = ["Decision making", "Motivating others", "Giving feedback"]


def _texts(chart) -> list[str]:
    """Every text the drawn SVG shows (axis labels, legends, titles, marks); Vega keeps a
    label it drops for overlapping in the SVG, at opacity 0."""
    svg = charts.as_svg(chart).decode()
    return [
        unescape(text)
        for attributes, text in re.findall(r"<text([^>]*)>([^<]*)</text>", svg)
        if 'opacity="0"' not in attributes
    ]


def test_the_heatmap_names_every_person():
    scores = pd.DataFrame(
        [
            {"name": name, "team": "Team A", "skill": skill, "score": 10.0 * (i + j)}
            for i, name in enumerate(PEOPLE)
            for j, skill in enumerate(SKILLS)
        ]
    )
    chart = charts.heatmap_chart(scores, SKILLS)
    shown = _texts(chart)
    assert [name for name in PEOPLE if name not in shown] == []
    x_axis = chart.to_dict()["layer"][0]["encoding"]["x"]["axis"]
    assert x_axis["labelOverlap"] is False


def _contrast(foreground: str) -> float:
    """WCAG 2.1 contrast ratio of a #rrggbb colour against white (relative luminance, G18)."""

    def channel(value: int) -> float:
        c = value / 255
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (channel(int(foreground[i : i + 2], 16)) for i in (1, 3, 5))
    luminance = 0.2126 * r + 0.7152 * g + 0.0722 * b
    return 1.05 / (luminance + 0.05)


ELEVEN = ["Decisions", "Motivation", "Feedback", "Coaching", "Planning", "Delegation",
          "Conflict", "Change", "Trust", "Resilience", "Communication"]  # fmt: skip


def _growth() -> pd.DataFrame:
    dates = pd.to_datetime(["2026-02-01", "2026-05-01", "2026-08-01"])
    return pd.DataFrame(
        [
            {"submitted_at": day, "skill": skill, "score": 45.0 + (i % 3) + k}
            for i, skill in enumerate(ELEVEN)
            for k, day in enumerate(dates)
        ]
    )


def _layer(spec: dict, mark: str) -> dict:
    return next(layer for layer in spec["layer"] if layer["mark"]["type"] == mark)


def test_growth_lines_are_each_told_apart_by_a_colour_blind_safe_style():
    spec = charts.growth_chart(_growth()).to_dict()
    line = _layer(spec, "line")["encoding"]
    colours = line["color"]["condition"]["scale"]["range"]
    dashes = line["strokeDash"]["scale"]["range"]
    assert line["color"]["condition"]["scale"]["domain"] == ELEVEN
    styles = {(colour, tuple(dash)) for colour, dash in zip(colours, dashes, strict=True)}
    assert len(styles) == len(ELEVEN), "two skills drawn alike"
    okabe_ito = {"#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#000000"}
    assert set(colours) <= okabe_ito
    assert all(_contrast(colour) >= 3 for colour in colours), "lines faint on white (1.4.11)"
    legend = line["color"]["condition"]["legend"]
    assert _contrast(legend["labelColor"]) >= 4.5, "legend text below WCAG AA"


def test_a_highlighted_skill_keeps_its_colour_and_the_others_turn_grey():
    spec = charts.growth_chart(_growth(), highlight="Trust").to_dict()
    colour = _layer(spec, "line")["encoding"]["color"]
    assert colour["value"] == charts.MUTED
    assert colour["condition"]["test"] == "(datum.skill === 'Trust')"


def test_team_growth_ticks_are_the_quarters():
    growth = pd.DataFrame(
        {
            "round": ["2026 Q1", "2026 Q2", "2026 Q3"],
            "round_start": pd.to_datetime(["2026-01-01", "2026-04-01", "2026-07-01"]),
            "skill": "Decisions",
            "n": 6,
            "mean": [50.0, 55.0, 60.0],
            "q1": [40.0, 45.0, 50.0],
            "q3": [60.0, 65.0, 70.0],
            "min": 20.0,
            "max": 90.0,
        }
    )
    shown = _texts(charts.team_growth_chart(growth, "Decisions"))
    months = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov")
    ticks = [text for text in shown if "Q" in text or text.startswith(months)]
    assert ticks == ["2026 Q1", "2026 Q2", "2026 Q3"]


def test_a_drawn_chart_carries_its_text_alternative():
    # Vega names the drawn chart by the spec's description (aria-label on the chart's root).
    for chart in (charts.growth_chart(_growth()), charts.overall_chart(
        pd.DataFrame({"submitted_at": pd.to_datetime(["2026-02-01"]), "overall_index": [50.0]})
    )):  # fmt: skip
        assert chart.to_dict()["description"].endswith(charts.TABLE_BESIDE)


def test_a_large_heatmap_leaves_the_numbers_to_its_tooltip_and_is_drawn_on_a_canvas():
    # A coach of a hundred people: 1,200 numbers took the browser most of the page's time.
    people = [f"Person {i:03d}" for i in range(100)]
    skills = [f"Skill {j}" for j in range(12)]
    scores = pd.DataFrame(
        [
            {"name": name, "team": "Team A", "skill": skill, "score": 50.0}
            for name in people
            for skill in skills
        ]
    )
    large = charts.heatmap_chart(scores, skills).to_dict()
    assert "layer" not in large and large["mark"]["type"] == "rect"
    assert large["usermeta"]["embedOptions"]["renderer"] == "canvas"
    assert "tooltip" in large["encoding"]
    assert large["encoding"]["x"]["axis"]["labelOverlap"] is False
    # A team of eight keeps each cell's number, drawn as Streamlit chooses (SVG).
    small = charts.heatmap_chart(scores[scores["name"].isin(people[:8])], skills).to_dict()
    assert [layer["mark"]["type"] for layer in small["layer"]] == ["rect", "text"]
    assert "usermeta" not in small


def _comparison() -> alt.Chart:
    profiles = pd.DataFrame(
        [
            {"group": group, "skill_id": f"S{j}", "skill": skill, "n": 5, "mean": 40.0 + 10 * j}
            for group in ("Self", "All others")
            for j, skill in enumerate(SKILLS)
        ]
    )
    return charts.comparison_chart(profiles, pd.DataFrame(columns=["group", "skill_id",
                                                                   "beyond_noise"]))  # fmt: skip


def _change() -> alt.Chart:
    return charts.change_chart(
        pd.DataFrame(
            {"skill": SKILLS, "n": 9, "mean_change": [2.0, -1.0, 4.0], "ci_low": [-1.0, -3, 1],
             "ci_high": [5.0, 1, 7], "d_z": 0.3, "p_holm": 0.04, "significant": [False, False,
             True], "suppressed": False}
        )
    )  # fmt: skip


@pytest.mark.parametrize("make", [_comparison, _change], ids=["comparison", "change"])
def test_skill_names_sit_at_the_right_and_scores_run_from_it_in_arabic(make):
    """Issue 25: in Arabic the skills' names start at the right edge and the score axis
    runs from the right, as the profile's bars do; in English, from the left."""
    for code, side, reverse in (("en", "left", False), ("ar", "right", True)):
        with i18n.using(code):
            spec = make().to_dict()
        names = next(layer for layer in spec["layer"] if layer["mark"]["type"] == "text")
        assert names["mark"]["align"] == side, code
        assert names["encoding"]["x"] == ({"value": {"expr": "width"}} if reverse
                                          else {"value": 0}), code  # fmt: skip
        scales = [
            layer["encoding"]["x"]["scale"]
            for layer in spec["layer"]
            if "scale" in layer.get("encoding", {}).get("x", {})
        ]
        assert scales and all(scale.get("reverse") is reverse for scale in scales), code


def test_the_heatmaps_skills_are_at_the_right_and_people_run_from_it_in_arabic():
    rows = [(name, "Team A", skill, 50.0) for name in PEOPLE[:3] for skill in SKILLS]
    scores = pd.DataFrame(rows, columns=["name", "team", "skill", "score"])
    for code, side, reverse in (("en", "left", False), ("ar", "right", True)):
        with i18n.using(code):
            encoding = charts.heatmap_chart(scores, SKILLS).to_dict()["layer"][0]["encoding"]
        assert encoding["y"]["axis"]["orient"] == side, code
        assert encoding["x"]["scale"]["reverse"] is reverse, code
