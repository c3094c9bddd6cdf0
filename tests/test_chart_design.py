"""The charts' design, checked on the drawn chart (Vega's own SVG, through vl_convert): every
person on the heatmap named, the growth lines told apart, quarter ticks for quarterly data."""

from __future__ import annotations

import re
from html import unescape

import pandas as pd

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
