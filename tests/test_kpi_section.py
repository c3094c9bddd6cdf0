"""The cohort review's KPI section (issue 23) for a report and for the page: gated figures as
people-facing text with their caveats, the empty states, the cohort's scores reused, and the
section cached until the team numbers (or anything else it reads) change."""

from __future__ import annotations

from datetime import date

import pandas as pd
import pytest
from sqlalchemy import delete
from sqlmodel import select

from leadcoach.platform import data_version
from leadcoach.platform.db import session_scope
from leadcoach.platform.errors import AccessDenied
from leadcoach.platform.models import KpiValue, Team
from leadcoach.programmes import cohorts, kpi_views, kpis
from leadcoach.programmes.cohort_reviews import CohortKpiReviews
from leadcoach.reporting import kpi_section, vocabulary
from tests.factories import build_org
from tests.test_work_plans import _cohort_org

TODAY = date(2026, 1, 15)  # the after window (April to September 2025) complete


@pytest.fixture
def org(engine):
    with session_scope(engine) as session:
        return build_org(session)


def _section(engine, org, instrument, treated, comparison, today=TODAY):
    with session_scope(engine) as session:
        cohort_id = _cohort_org(session, instrument, treated, comparison)
        hr = org.viewer(session, org.hr)
        common = {"session": session, "cohort_id": cohort_id, "instrument": instrument,
                  "min_group": 3, "today": today}  # fmt: skip
        part = kpi_section.cohort_kpi_section(viewer=hr, **common)
        with pytest.raises(AccessDenied):
            kpi_section.cohort_kpi_section(viewer=org.viewer(session, org.coach_a), **common)
    return part


def _words(frame: pd.DataFrame) -> str:
    return " ".join(str(cell) for cell in [*frame.columns, *frame.to_numpy().ravel()])


def test_the_section_is_ready_for_a_report(engine, org, instrument):
    part = _section(engine, org, instrument, treated=4, comparison=5)
    assert part.title == "Did the programme help the teams?" and part.empty == ""
    assert "(Jul 2024 to Dec 2024)" in part.summary and "(Apr 2025 to Sep 2025)" in part.summary
    assert any("not proof" in caveat for caveat in part.caveats)
    row = part.changes.set_index("Measure").loc["Customer satisfaction"]
    assert row["Better when"] == "Higher" and row["Cohort's teams did"] == "Better"
    assert (row["Cohort's teams"], row["Comparison teams"]) == ("4", "5")
    low, high = (float(x) for x in row["95% CI"].split("\u00a0to\u00a0"))
    assert low < float(row["Difference"]) < high and float(row["Difference"]) > 1
    # Text only, no code or missing-value spelling a person would read.
    assert all(isinstance(cell, str) for cell in part.changes.to_numpy().ravel())
    for bad in ("nan", "None", "<NA>", "cohort_change", "n_cohort_teams"):
        assert bad not in _words(part.changes).split()
    # One round only: no skill change yet, said in words rather than an empty table.
    assert part.associations.empty and "at least 3" in part.associations_empty


@pytest.mark.parametrize(("treated", "comparison"), [(2, 5), (4, 2)])
def test_a_small_group_keeps_its_counts_and_says_why_its_figures_are_hidden(
    engine, org, instrument, treated, comparison
):
    part = _section(engine, org, instrument, treated, comparison)
    row = part.changes.set_index("Measure").loc["Customer satisfaction"]
    for column in ("Change, cohort's teams", "Change, comparison teams", "Difference", "95% CI"):
        assert row[column] == vocabulary.SUPPRESSED
    assert (row["Cohort's teams"], row["Comparison teams"]) == (str(treated), str(comparison))
    assert row["Cohort's teams did"] == vocabulary.SUPPRESSED
    # Every measure hidden: the section says why instead of a table of blanks.
    assert part.empty.startswith("Every measure has fewer than 3 teams")


@pytest.mark.parametrize(
    ("today", "says"),
    [
        (date(2025, 3, 20), "no 'after' yet"),  # started in January: no fourth month yet
        (date(2025, 6, 10), ""),  # April and May passed: two of the six months
    ],
)
def test_the_months_after_decide_the_empty_state_and_the_notes(
    engine, org, instrument, today, says
):
    part = _section(engine, org, instrument, 4, 5, today=today)
    assert says in part.empty
    if not says:
        assert part.caveats[0].startswith("Only 2 of the 6 months after the programme")


def test_no_team_numbers_at_all_is_said_plainly(engine, org, instrument):
    with session_scope(engine) as session:
        cohort_id = _cohort_org(session, instrument, 4, 5)
        session.execute(delete(KpiValue))
        hr = org.viewer(session, org.hr)
        part = kpi_section.cohort_kpi_section(
            session=session, viewer=hr, cohort_id=cohort_id, instrument=instrument, min_group=3,
            today=TODAY,
        )  # fmt: skip
    assert part.empty.startswith("No team has team numbers for enough months")
    assert part.changes.empty


def test_the_cohorts_scores_in_hand_give_the_same_section(engine, org, instrument):
    with session_scope(engine) as session:
        cohort_id = _cohort_org(session, instrument, 4, 5)
        hr = org.viewer(session, org.hr)
        scores = cohorts.round_scores(
            session=session, viewer=hr, cohort_id=cohort_id, instrument=instrument
        )
        common = {"session": session, "viewer": hr, "cohort_id": cohort_id,
                  "instrument": instrument, "min_group": 3, "today": TODAY}  # fmt: skip
        read = kpi_views.cohort_kpi_review(**common)
        given = kpi_views.cohort_kpi_review(**common, round_scores=scores)
    for name in ("changes", "associations", "monthly"):
        pd.testing.assert_frame_equal(getattr(read, name), getattr(given, name))


def _csat_file(session, value: float) -> bytes:
    """The first cohort team's customer satisfaction for May 2025 (an after month)."""
    team = session.exec(select(Team.name).where(Team.name == "T0")).one()
    return f"team,period,measure,value\n{team},2025-05,csat,{value}\n".encode()


def test_the_section_is_kept_until_an_import_changes_the_team_numbers(engine, org, instrument):
    sections = CohortKpiReviews()
    with session_scope(engine) as session:
        cohort_id = _cohort_org(session, instrument, 4, 5)
    with session_scope(engine) as session:
        hr = org.viewer(session, org.hr)
        common = {"session": session, "viewer": hr, "cohort_id": cohort_id,
                  "instrument": instrument, "min_group": 3, "today": TODAY}  # fmt: skip
        first = sections.get(**common)
        version = data_version.current(session)
        kpis.import_kpis(session=session, viewer=hr,
                         file=kpis.read_kpi_file(_csat_file(session, 99.0), "k.csv"))  # fmt: skip
        moved = data_version.current(session)
        after = sections.get(**common)
        # The same file again changes nothing, and the version stays.
        kpis.import_kpis(session=session, viewer=hr,
                         file=kpis.read_kpi_file(_csat_file(session, 99.0), "k.csv"))  # fmt: skip
        assert data_version.current(session) == moved
        again = sections.get(**common)
        again.changes.loc[0, "difference"] = 0.0  # a caller's change never reaches the cache
        kept = sections.get(**common)
        with pytest.raises(AccessDenied):  # access is checked on every read, cached or not
            sections.get(**{**common, "viewer": org.viewer(session, org.coach_a)})
    assert moved != version
    change = {name: frame.set_index("measure").loc["Customer satisfaction", "cohort_change"]
              for name, frame in (("first", first.changes), ("after", after.changes))}  # fmt: skip
    assert change["after"] > change["first"]  # one team's May at 99 lifts the cohort's mean
    pd.testing.assert_frame_equal(after.changes, kept.changes)
    assert kept.changes.loc[0, "difference"] != 0.0
