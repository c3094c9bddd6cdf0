"""The people-facing vocabulary: headers, event names, empty values, the small-group gate."""

from __future__ import annotations

from datetime import UTC, date, datetime

import numpy as np
import pandas as pd

from leadcoach.reporting import vocabulary
from leadcoach.reporting.vocabulary import EMPTY, SUPPRESSED, cell, header, people_frame


def test_headers_name_codes_and_leave_labels_alone():
    assert header("baseline_mean") == "Baseline"
    assert header("p_holm") == "Holm p-value"
    assert header("name") == "Name"
    assert header("last_seen_on") == "Last seen on", "an unlisted code reads as its words"
    assert header("Decisive Judgement & Foresight") == "Decisive Judgement & Foresight"
    assert header("Team A: change") == "Team A: change"


def test_every_spelling_of_nothing_reads_as_the_empty_mark():
    for nothing in (None, float("nan"), np.nan, pd.NA, pd.NaT, "", "  "):
        assert cell(nothing) == EMPTY, repr(nothing)
    frame = pd.DataFrame({"previous": pd.array([None, 50], dtype="Int64")})
    assert people_frame(frame)["Previous"].tolist() == [EMPTY, "50"]


def test_values_read_as_people_read_them():
    assert cell(True) == "Yes" and cell(np.bool_(False)) == "No"
    assert cell(3.14159, ".1f") == "3.1" and cell(np.int64(4)) == "4"
    assert cell(date(2026, 3, 1)) == "1 Mar 2026"
    assert cell(datetime(2026, 3, 1, 9, 5, tzinfo=UTC)) == "1 Mar 2026 09:05"
    assert cell("sign_in", column="action") == "Signed in"
    assert cell("hr", column="role") == "HR"
    assert cell("first line\nsecond", column="note") == "first line second"


def test_a_figure_the_small_group_gate_hid_says_so():
    frame = pd.DataFrame(
        {
            "skill": ["Coaching", "Listening"],
            "n": [2, 8],
            "mean": [float("nan"), 61.25],
            "suppressed": [True, False],
        }
    )
    shown = people_frame(frame, formats={"mean": ".1f"})
    assert list(shown.columns) == ["Skill", "People", "Mean"], "the gate's flag is not shown"
    assert shown.loc[0].tolist() == ["Coaching", "2", SUPPRESSED]
    assert shown.loc[1].tolist() == ["Listening", "8", "61.2"]


def test_ids_are_left_out_and_audit_details_are_named():
    frame = pd.DataFrame(
        {
            "id": [1],
            "person_id": [7],
            "action": ["sign_in"],
            "detail": ['{"method": "sso", "rows": 3}'],
        }
    )
    shown = people_frame(frame)
    assert list(shown.columns) == ["Event", "Details"]
    assert shown.loc[0].tolist() == ["Signed in", "Method: Single sign-on; Rows: 3"]


def test_event_names_are_plain_words():
    assert all("_" not in name for name in vocabulary.EVENTS.values())
    assert vocabulary.event("sign_in_failed") == "Sign-in refused"


def test_a_data_grid_keeps_full_number_columns_as_numbers():
    frame = pd.DataFrame({"n": [3, 12], "alpha": [0.8123, 0.7], "mean": [50.0, None]})
    shown = people_frame(frame, formats={"alpha": ".2f", "mean": ".1f"}, keep_numbers=True)
    assert shown["People"].tolist() == [3, 12] and shown["Alpha"].tolist() == [0.81, 0.7]
    assert shown["Mean"].tolist() == ["50.0", EMPTY], "a column with a gap reads as text"


def test_skills_are_named_in_the_readers_language_in_tables_and_chart_data():
    """Issue 25: the core's frames carry the questionnaire's English skill names; once the
    translations are registered (as the app, reports and the scheduler do when loading
    them), a table's cells and headers and a chart's data name them in the reader's
    language, and English (and a frame with no skill in it) is left exactly as it is."""
    from leadcoach.instrument import bank, translations
    from leadcoach.platform import i18n
    from leadcoach.platform.config import Settings

    settings = Settings()
    instrument = bank.load_bank(settings.assessments_dir).current(settings.instrument_id)
    translations.load_for_showing(settings.assessments_dir, instrument)
    first, second = instrument.skills[:2]
    with i18n.using("fr"):
        french = translations.skill_names(
            instrument,
            "fr",
            translations.load_translations(settings.assessments_dir, instrument.id),
        )
    assert french[first.id] != first.name
    frame = pd.DataFrame({"skill": [first.name, second.name], first.name: [1.0, 2.0]})
    order = (first.name, second.name)
    with i18n.using("fr"):
        shown = people_frame(frame)
        assert shown.iloc[:, 0].tolist() == [french[first.id], french[second.id]]
        assert french[first.id] in shown.columns
        data, sort = vocabulary.in_language((frame, order))
        assert data["skill"].tolist() == [french[first.id], french[second.id]]
        assert list(data.columns) == ["skill", french[first.id]]
        assert sort == (french[first.id], french[second.id])
        assert frame["skill"].tolist() == list(order)  # the core's frame is not changed
        plain = pd.DataFrame({"name": ["Ana Lima"]})
        assert vocabulary.in_language(plain) is plain
        assert i18n.gettext(first.definition) != first.definition
    with i18n.using("en"):
        assert vocabulary.in_language(frame) is frame
        assert people_frame(frame).iloc[:, 0].tolist() == list(order)
