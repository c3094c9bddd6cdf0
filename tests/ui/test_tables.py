"""Small tables drawn as HTML: escaping, labels, formats and alignment."""

import math

import pandas as pd

from leadcoach.ui.tables import MISSING, table_html
from tests.ui.conftest import table_cells


def test_text_is_shown_as_typed_never_as_markup():
    text = "<script>alert(1)</script> & <b>bold</b> *A* | x"
    html = table_html(pd.DataFrame({"name": [text]}))
    assert "<script>" not in html and "<b>" not in html
    assert table_cells(html)[1] == [text]


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
    html = table_html(
        frame,
        {"skill": "Skill", "score": "Score", "change": "Change", "real": "Real change"},
        {"score": ".0f", "change": "+.1f"},
    )
    assert table_cells(html) == [
        ["Skill", "Score", "Change", "Real change"],
        ["Coaching", "71", "+3.0", "Yes"],
        ["Trust | rapport", MISSING, "-2.0", "No"],
    ]
    # Column headers for screen readers; numbers right-aligned, text and yes/no not.
    assert '<th scope="col">Skill</th><th scope="col" class="num">Score</th>' in html
    assert '<td class="num">71</td>' in html and "<td>Yes</td>" in html


def test_a_line_break_in_text_stays_inside_its_cell():
    frame = pd.DataFrame({"note": ["first line\nsecond line"], "n": [1]})
    assert table_cells(table_html(frame)) == [["Note", "People"], ["first line second line", "1"]]


def test_dates_missing_dates_and_all_columns_by_default():
    frame = pd.DataFrame({"due": pd.to_datetime(["2026-03-01", None]), "who": ["A", None]})
    assert table_cells(table_html(frame, formats={"due": "%d %b %Y"})) == [
        ["Due", "Who"],
        ["01 Mar 2026", "A"],
        [MISSING, MISSING],
    ]


def test_a_missing_value_of_a_nullable_column_is_shown_as_missing_not_na():
    frame = pd.DataFrame({"change": pd.array([4.0, pd.NA], dtype="Float64")})
    assert table_cells(table_html(frame, formats={"change": "+.0f"})) == [
        ["Change"],
        ["+4"],
        [MISSING],
    ]


def test_a_table_takes_keyboard_focus_and_has_a_name():
    frame = pd.DataFrame({"skill": ["Decisions"], "score": [62.0], "n": [4], "p": [0.2]})
    shown = table_html(frame, {"skill": "Skill", "score": "Score", "n": "People",
                                      "p": "Percentile"})  # fmt: skip
    assert '<table class="lc-table" tabindex="0" aria-label="Table: Skill, Score, People and' in (
        shown
    )
    named = table_html(frame, {"skill": "Skill"}, name="Skill scores")
    assert 'aria-label="Skill scores"' in named
