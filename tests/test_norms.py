"""Norms: percentile ranks against the organisation, a site, a vendor or a role."""

from __future__ import annotations

import math
from datetime import UTC, datetime, timedelta

import numpy as np
import pandas as pd
import pytest

from leadcoach.measurement import norms
from leadcoach.people.access import load_viewer
from leadcoach.platform.db import session_scope
from leadcoach.platform.errors import AccessDenied, InvalidInput
from leadcoach.platform.models import Role
from tests.factories import add_person, build_org, keyed_answers
from tests.test_quality import submit_fast

WHEN = datetime(2026, 4, 1, 9, 0, tzinfo=UTC)


def test_percentiles_by_hand_with_ties(instrument):
    norm = pd.DataFrame(
        {
            "skill_id": ["DEC"] * 5 + ["COM"] * 4 + ["PLN"] * 3,
            "score": [10, 20, 30, 30, 50, 50, 50, 50, 50, 40, None, 60],
        }
    )
    person = {"DEC": 30, "COM": 50, "PLN": 75, "OPS": 50, "MOT": None}
    table = norms.percentile_table(person, norm, instrument, min_norm_group=4).set_index("skill_id")
    # DEC: 2 below, 2 equal of 5 -> 100 * (2 + 0.5 * 2) / 5 = 60.
    assert table.loc["DEC", "percentile"] == pytest.approx(60.0)
    # COM: all four equal -> the middle, 50.
    assert table.loc["COM", "percentile"] == pytest.approx(50.0)
    # PLN: the missing norm value is ignored; above both -> 100.
    assert table.loc["PLN", "percentile"] == pytest.approx(100.0)
    assert table.loc["PLN", "n"] == 2 and table.loc["PLN", "provisional"]
    assert table.loc["DEC", "n"] == 5 and not table.loc["DEC", "provisional"]
    # No norm scores, or no own score: no percentile.
    assert math.isnan(table.loc["OPS", "percentile"]) and table.loc["OPS", "n"] == 0
    assert math.isnan(table.loc["MOT", "percentile"])
    assert list(table.index) == instrument.skill_ids
    assert table.loc["DEC", "skill"] == instrument.skill("DEC").name


def _org_with_scores(engine, instrument, leeds: int = 12, manila: int = 3):
    """Leeds (team A, no vendor) and Manila (team B, Horizon BPO) supervisors who each
    submitted once; person i rates every skill i % 5 + 1 (score 25 x (i % 5))."""
    with session_scope(engine) as session:
        org = build_org(session)
        site_people = [
            add_person(session, f"Leeds {i}", Role.SUPERVISOR, org.team_a) for i in range(leeds)
        ] + [add_person(session, f"Manila {i}", Role.SUPERVISOR, org.team_b) for i in range(manila)]
    keyed = {}
    for index, person_id in enumerate(site_people):
        value = index % 5 + 1
        keyed[person_id] = value
        answers = keyed_answers(instrument, {s.id: value for s in instrument.skills})
        submit_fast(engine, person_id, instrument, answers, WHEN + timedelta(hours=index))
    return org, site_people[:leeds], site_people[leeds:], keyed


def _norms(engine, instrument, viewer_id, person_id, **arguments) -> norms.NormResult:
    arguments.setdefault("min_norm_group", 10)
    with session_scope(engine) as session:
        viewer = load_viewer(session=session, person_id=viewer_id)
        return norms.norm_percentiles(
            session=session, viewer=viewer, person_id=person_id, instrument=instrument,
            **arguments,
        )  # fmt: skip


def test_site_norm_when_the_site_is_large_enough(engine, instrument):
    org, leeds, _manila, keyed = _org_with_scores(engine, instrument)
    person = leeds[3]
    result = _norms(engine, instrument, org.hr, person, group="site")
    assert (result.group, result.group_size, result.provisional) == ("site", 12, False)
    assert "Leeds" in result.group_label and result.note is None
    expected = norms.psychometrics.percentile_ranks(
        [25.0 * (keyed[person] - 1)], [25.0 * (keyed[p] - 1) for p in leeds]
    )[0]
    dec = result.table.set_index("skill_id").loc["DEC"]
    assert dec["percentile"] == pytest.approx(expected)
    assert dec["n"] == 12 and not dec["provisional"]
    # The page passes a cached copy of everyone's scores: the same answer, no second read.
    with session_scope(engine) as session:
        everyone = norms.norm_scores(session, instrument)
    cached = _norms(engine, instrument, org.hr, person, group="site", everyone=everyone)
    pd.testing.assert_frame_equal(cached.table, result.table)
    # ... or the sample with each group sorted once, shared by every later lookup.
    sample = norms.NormSample(everyone)
    for _ in range(2):
        shared = _norms(engine, instrument, org.hr, person, group="site", everyone=sample)
        pd.testing.assert_frame_equal(shared.table, result.table)
        assert (shared.group_size, shared.group_label) == (12, result.group_label)
    assert sample.group("site", "Leeds")[0] == 12


def test_a_small_site_falls_back_to_the_organisation_and_says_so(engine, instrument):
    org, leeds, manila, keyed = _org_with_scores(engine, instrument)
    person = manila[0]
    result = _norms(engine, instrument, org.hr, person, group="site")
    assert result.requested == "site" and result.group == "organisation"
    assert result.group_size == 15 and not result.provisional
    assert "Manila has 3 people" in result.note and "whole organisation" in result.note
    everyone = [25.0 * (keyed[p] - 1) for p in leeds + manila]
    expected = np.asarray(norms.psychometrics.percentile_ranks([25.0 * (keyed[person] - 1)],
                                                               everyone))  # fmt: skip
    assert result.table.set_index("skill_id").loc["COM", "percentile"] == pytest.approx(expected[0])
    # Same for a vendor group; a Leeds supervisor has no vendor at all.
    vendor = _norms(engine, instrument, org.hr, person, group="vendor")
    assert vendor.group == "organisation" and "Horizon BPO has 3 people" in vendor.note
    no_vendor = _norms(engine, instrument, org.hr, leeds[0], group="vendor")
    assert no_vendor.group == "organisation" and "No vendor is recorded" in no_vendor.note
    # Every assessed person is a supervisor: the role group is the organisation's size.
    role = _norms(engine, instrument, org.hr, person, group="role", min_norm_group=15)
    assert (role.group, role.group_size, role.provisional) == ("role", 15, False)


def test_a_small_organisation_is_provisional(engine, instrument):
    org, leeds, _manila, _keyed = _org_with_scores(engine, instrument)
    result = _norms(engine, instrument, org.hr, leeds[0], min_norm_group=100)
    assert result.group == "organisation" and result.group_size == 15
    assert result.provisional and result.note is None
    assert result.table["provisional"].all()
    assert result.table.set_index("skill_id").loc["DEC", "percentile"] == pytest.approx(
        100 * 1.5 / 15  # the lowest score (0), shared by 3 of 15
    )
    # A skill the person was not asked about (remote teams) has no percentile.
    assert math.isnan(result.table.set_index("skill_id").loc["REM", "percentile"])


def test_own_norms_yes_someone_elses_no(engine, instrument):
    org, leeds, manila, _keyed = _org_with_scores(engine, instrument, leeds=3, manila=2)
    own = _norms(engine, instrument, leeds[0], leeds[0])
    assert own.table["percentile"].notna().any()
    with pytest.raises(AccessDenied):
        _norms(engine, instrument, leeds[0], leeds[1])
    # A coach reads the norms of people they coach (team A), not of other teams.
    assert _norms(engine, instrument, org.coach_a, leeds[1]).person_id == leeds[1]
    with pytest.raises(AccessDenied):
        _norms(engine, instrument, org.coach_a, manila[0])


def test_no_submission_and_a_wrong_group(engine, instrument):
    org, _leeds, _manila, _keyed = _org_with_scores(engine, instrument, leeds=3, manila=1)
    result = _norms(engine, instrument, org.hr, org.sup_a1)
    assert "No submitted self-assessment" in result.note
    assert result.table["percentile"].isna().all() and result.group_size == 4
    with pytest.raises(InvalidInput, match="Norm group"):
        _norms(engine, instrument, org.hr, org.sup_a1, group="team")


def test_the_percentile_as_a_range_from_the_scores_likely_range(instrument):
    norm = pd.DataFrame({"skill_id": ["DEC"] * 5, "score": [10, 20, 30, 30, 50]})
    bands = {"DEC": (15.0, 45.0)}
    table = norms.percentile_table({"DEC": 30, "COM": 50}, norm, instrument, 4, bands)
    dec = table.set_index("skill_id").loc["DEC"]
    # 15: one below of five -> 20; 45: four below -> 80; the score itself 60 in between.
    assert (dec["percentile_low"], dec["percentile"], dec["percentile_high"]) == (20, 60, 80)
    assert (
        table.set_index("skill_id")[["percentile_low", "percentile_high"]].loc["COM"].isna().all()
    )


def test_shared_norm_samples_take_in_a_submission_at_once(engine, instrument):
    org, _leeds, _manila, _keyed = _org_with_scores(engine, instrument, leeds=3, manila=1)
    samples = norms.NormSamples()
    with session_scope(engine) as session:
        first = samples.get(session, instrument)
        assert samples.get(session, instrument) is first, "reused while the data stays"
    assert first.group("organisation")[0] == 4 and not first.own_scores(org.sup_a1)
    answers = keyed_answers(instrument, {s.id: 4 for s in instrument.skills})
    submit_fast(engine, org.sup_a1, instrument, answers, WHEN + timedelta(days=1))
    with session_scope(engine) as session:
        after = samples.get(session, instrument)
    assert after.group("organisation")[0] == 5
    assert after.own_scores(org.sup_a1)["DEC"] == pytest.approx(75.0)
