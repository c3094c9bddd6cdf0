"""Text shown through Markdown: escaping, and small tables."""

import math

import pandas as pd

from leadcoach.ui.text import MISSING, markdown_table, md
from tests.ui.conftest import markdown_cells


def test_md_shows_markup_characters_literally():
    text = "*A* | _b_ [c](d) #1 <i> $x$ :smile: ~s~"
    assert markdown_cells(markdown_table(pd.DataFrame({"name": [text]})))[1] == [text]
    assert md("Ann-Marie O.") == r"Ann\-Marie O\."


def test_table_labels_formats_and_alignment():
    frame = pd.DataFrame(
        {
            "skill": ["Coaching", "Trust | rapport"],
            "score": [71.4, math.nan],
            "change": [3.04, -2.0],
            "real": [True, False],
            "unused": [1, 2],
        }
    )
    markdown = markdown_table(
        frame,
        {"skill": "Skill", "score": "Score", "change": "Change", "real": "Real change"},
        {"score": ".0f", "change": "+.1f"},
    )
    assert markdown_cells(markdown) == [
        ["Skill", "Score", "Change", "Real change"],
        ["Coaching", "71", "+3.0", "yes"],
        ["Trust | rapport", MISSING, "-2.0", "no"],
    ]
    # Numbers right-aligned, text and yes/no left-aligned.
    assert markdown.splitlines()[1] == "| --- | ---: | ---: | --- |"


def test_a_line_break_in_text_stays_inside_its_cell():
    frame = pd.DataFrame({"note": ["first line\nsecond line"], "n": [1]})
    assert markdown_cells(markdown_table(frame)) == [["note", "n"], ["first line second line", "1"]]


def test_dates_missing_dates_and_all_columns_by_default():
    frame = pd.DataFrame({"due": pd.to_datetime(["2026-03-01", None]), "who": ["A", None]})
    assert markdown_cells(markdown_table(frame, formats={"due": "%d %b %Y"})) == [
        ["due", "who"],
        ["01 Mar 2026", "A"],
        [MISSING, MISSING],
    ]
