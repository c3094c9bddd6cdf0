"""Cohort reviews: rounds, completion, change per skill with its statistics, small groups.

Scores come from keyed answers (a keyed value v scores 100 x (v - 1) / 4: 1 -> 0, 2 -> 25,
3 -> 50, 4 -> 75, 5 -> 100), so the expected numbers below are worked out by hand; the
statistics are also checked against scipy and statsmodels on random data.
"""

from __future__ import annotations

import math
import re
from datetime import UTC, date, datetime, timedelta, timezone
from unittest import mock

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import stats
from sqlmodel import func, select
from statsmodels.stats.multitest import multipletests

from leadcoach.measurement import reliability
from leadcoach.platform.db import session_scope
from leadcoach.platform.errors import AccessDenied, InvalidInput, NotFound
from leadcoach.platform.models import (
    AuditEvent,
    CohortMember,
    CohortRound,
    Person,
    Role,
    SkillScore,
)
from leadcoach.programmes import cohorts
from leadcoach.programmes.cohort_reviews import CohortReviews
from tests.factories import add_person, build_org, keyed_answers, submit

START = date(2026, 1, 5)  # Baseline Jan 5-26, Day 90 Apr 5-26, Day 180 Jul 4-25
T_CRIT_DF2 = 4.302652729911275  # t quantile 0.975 with 2 df (scipy.stats.t.ppf)


def at(day: date, hour: int = 12, minute: int = 0, second: int = 0) -> datetime:
    return datetime(day.year, day.month, day.day, hour, minute, second, tzinfo=UTC)


# --------------------------------------------------------------------------------------
# A cohort with real submissions
# --------------------------------------------------------------------------------------


@pytest.fixture
def review(engine, instrument):
    """Spring intake (default rounds) of six supervisors; DEC scores by round:

    person        site/vendor             Baseline        Day 90
    Sup A One     Leeds / -               25 (opening)    50 (closing 23:59:59)
    Sup A Two     Leeds / -               50              100 (after 0 on Apr 6)
    Sup A Three   Leeds / -               50              -
    Sup B One     Manila / Horizon BPO    0 (+ 100 at 03:00 UTC the day after: outside)
                                                          75 (Apr 8)
    Sup B Two     Cebu (own) / Horizon    75 (+ 100 on Feb 15: outside)
    Sup B Three   Manila / Horizon BPO    -               -
    COM scores 50 throughout; the other skills are not answered (no score).
    """
    with session_scope(engine) as session:
        org = build_org(session)
        for person_id, language in [(org.sup_a1, "English"), (org.sup_a2, "French"),
                                    (org.sup_b1, "Filipino")]:  # fmt: skip
            session.get(Person, person_id).language = language
        a3 = add_person(session, "Sup A Three", Role.SUPERVISOR, org.team_a, language="English")
        b2 = add_person(
            session, "Sup B Two", Role.SUPERVISOR, org.team_b, site="Cebu", language="Filipino"
        )
        b3 = add_person(session, "Sup B Three", Role.SUPERVISOR, org.team_b, language="Filipino")
        hr = org.viewer(session, org.hr)
        spring = cohorts.create_cohort(
            session=session, viewer=hr, name="Spring intake", start_date=START
        )
        for spec in cohorts.default_rounds(START):
            cohorts.add_round(
                session=session, viewer=hr, cohort_id=spring, name=spec.name,
                opens_on=spec.opens_on, closes_on=spec.closes_on,
            )  # fmt: skip
        members = [org.sup_a1, org.sup_a2, a3, org.sup_b1, b2, b3]
        cohorts.add_members(session=session, viewer=hr, cohort_id=spring, person_ids=members)
        pilot = cohorts.create_cohort(
            session=session, viewer=hr, name="Pilot", start_date=START, description="Trial run"
        )
        cohorts.add_round(session=session, viewer=hr, cohort_id=pilot, name="Baseline",
                          opens_on=date(2026, 1, 5), closes_on=date(2026, 1, 26))  # fmt: skip
        cohorts.add_round(session=session, viewer=hr, cohort_id=pilot, name="Day 90",
                          opens_on=date(2026, 4, 1), closes_on=date(2026, 4, 10))  # fmt: skip
        cohorts.add_members(
            session=session, viewer=hr, cohort_id=pilot,
            person_ids=[org.sup_a1, org.sup_a2, org.sup_b1],
        )  # fmt: skip

    def dec(person_id, value, when):
        # Only the DEC and COM statements are answered (fast); the other skills get no score.
        answers = keyed_answers(instrument, {"DEC": value})
        answers = {item: v for item, v in answers.items() if item.startswith(("DEC", "COM"))}
        submit(engine, person_id, instrument, answers, when)

    dec(org.sup_a1, 2, datetime(2026, 1, 5, 0, 0, 0, tzinfo=UTC))  # the opening instant
    dec(org.sup_a1, 3, datetime(2026, 4, 26, 23, 59, 59, tzinfo=UTC))  # the closing day's end
    dec(org.sup_a2, 3, at(date(2026, 1, 10)))
    dec(org.sup_a2, 1, at(date(2026, 4, 6)))
    dec(org.sup_a2, 5, at(date(2026, 4, 20)))  # later in the same window: this one counts
    dec(a3, 3, at(date(2026, 1, 12)))
    dec(org.sup_b1, 1, at(date(2026, 1, 26), 20))
    # 22:00 in New York on the closing day is 03:00 UTC the next day: outside the window.
    dec(org.sup_b1, 5, datetime(2026, 1, 26, 22, 0, tzinfo=timezone(timedelta(hours=-5))))
    dec(org.sup_b1, 4, at(date(2026, 4, 8)))
    dec(b2, 4, at(date(2026, 1, 15)))
    dec(b2, 5, at(date(2026, 2, 15)))  # between rounds: ignored
    return org, spring, pilot, {"a3": a3, "b2": b2, "b3": b3}


def _scores(engine, org, cohort_id, instrument):
    with session_scope(engine) as session:
        hr = org.viewer(session, org.hr)
        return cohorts.round_scores(
            session=session, viewer=hr, cohort_id=cohort_id, instrument=instrument
        )


def test_rounds_take_submissions_by_utc_date_and_completion_lists_who_is_missing(
    engine, review, instrument
):
    org, spring, _pilot, extra = review
    scores = _scores(engine, org, spring, instrument)
    assert len(scores) == 6 * 3 * 12, "one row per member x round x skill"
    assert list(scores.columns) == cohorts.ROUND_SCORE_COLUMNS
    assert list(pd.unique(scores["round"])) == ["Baseline", "Day 90", "Day 180"]
    dec = scores[scores["skill_id"] == "DEC"].pivot(index="name", columns="round", values="score")
    assert dec["Baseline"].fillna(-1).to_dict() == {
        "Sup A One": 25, "Sup A Three": 50, "Sup A Two": 50, "Sup B One": 0, "Sup B Three": -1,
        "Sup B Two": 75,
    }  # fmt: skip
    assert dec["Day 90"].dropna().to_dict() == {"Sup A One": 50, "Sup A Two": 100, "Sup B One": 75}
    assert dec["Day 180"].isna().all()
    # Each score carries how many of the skill's statements were answered (for the
    # person's own reliability, issue 20); none without a submission.
    with session_scope(engine) as session:
        stored = dict(
            session.exec(
                select(SkillScore.submission_id, SkillScore.answered).where(
                    SkillScore.skill_id == "DEC"
                )
            ).all()
        )
    decs = scores[scores["skill_id"] == "DEC"]
    assert decs["answered"].dtype == "Int64"
    for row in decs.itertuples():
        expected = pd.NA if pd.isna(row.submission_id) else stored[row.submission_id]
        assert row.answered is expected or row.answered == expected
    assert decs["answered"].notna().sum() == decs["submission_id"].notna().sum() > 0
    # Boundaries are inclusive: the opening instant and the closing day's last second count.
    a1 = scores[(scores["person_id"] == org.sup_a1) & (scores["skill_id"] == "DEC")]
    assert list(a1["submitted_at"].dt.strftime("%Y-%m-%d %H:%M:%S").fillna("-")) == [
        "2026-01-05 00:00:00", "2026-04-26 23:59:59", "-",
    ]  # fmt: skip
    assert a1["submission_id"].isna().tolist() == [False, False, True]
    assert scores.loc[scores["skill_id"] == "COM", "score"].dropna().eq(50).all()
    assert scores.loc[scores["skill_id"] == "PLN", "score"].isna().all()
    people = scores.drop_duplicates("person_id").set_index("name")
    assert people.loc["Sup B Two", ["site", "vendor", "team", "language"]].tolist() == [
        "Cebu", "Horizon BPO", "Team B", "Filipino",
    ], "the person's own site wins over the team's"  # fmt: skip
    assert people.loc["Sup A One", ["site", "team"]].tolist() == ["Leeds", "Team A"]
    assert pd.isna(people.loc["Sup A One", "vendor"])
    # Completion per round follows the same assignment; the missing are listed to chase.
    with session_scope(engine) as session:
        hr = org.viewer(session, org.hr)
        done = cohorts.completion(
            session=session, viewer=hr, cohort_id=spring, today=date(2026, 4, 30)
        ).set_index("round")
        chase = cohorts.chase_list(
            session=session, viewer=hr, cohort_id=spring, round_name="Day 90"
        )
        everyone = cohorts.chase_list(session=session, viewer=hr, cohort_id=spring)
        with pytest.raises(InvalidInput, match="Round: this cohort has no round called 'Day 9'"):
            cohorts.chase_list(session=session, viewer=hr, cohort_id=spring, round_name="Day 9")
    assert list(done.index) == ["Baseline", "Day 90", "Day 180"]
    assert done["status"].tolist() == ["closed", "closed", "upcoming"]
    assert done["members"].tolist() == [6, 6, 6]
    assert done["submitted"].tolist() == [5, 3, 0]
    assert done["rate"].tolist() == pytest.approx([5 / 6, 0.5, 0.0])
    assert done.loc["Baseline", "missing"] == ["Sup B Three"]
    assert done.loc["Baseline", "missing_ids"] == [extra["b3"]]
    assert done.loc["Day 90", "missing"] == ["Sup A Three", "Sup B Three", "Sup B Two"]
    assert len(done.loc["Day 180", "missing"]) == 6
    assert chase["name"].tolist() == ["Sup A Three", "Sup B Three", "Sup B Two"]
    assert chase["email"].tolist()[0] == "sup.a.three@test.example"
    assert len(everyone) == 1 + 3 + 6


def test_change_per_skill_from_baseline_to_latest_by_hand(engine, review, instrument):
    org, spring, _pilot, _extra = review
    with session_scope(engine) as session:
        hr = org.viewer(session, org.hr)
        result = cohorts.cohort_review(
            session=session, viewer=hr, cohort_id=spring, instrument=instrument, min_group=3,
            today=date(2026, 4, 30),
        )  # fmt: skip
        chase = cohorts.chase_list(
            session=session, viewer=hr, cohort_id=spring, instrument=instrument
        )
    # The review's chase list comes from the same reads as its completion.
    pd.testing.assert_frame_equal(result.chase, chase)
    assert len(chase) == 1 + 3 + 6
    assert (result.baseline_round, result.latest_round) == ("Baseline", "Day 90")
    changes = result.changes.set_index("skill_id")
    assert list(changes.index) == [skill.id for skill in instrument.skills]
    # Pairs: 25 -> 50, 50 -> 100, 0 -> 75: changes 25, 50, 75 (Sup A Three, Sup B Two have
    # no Day 90; Sup B One's outside submissions are ignored).
    dec = changes.loc["DEC"]
    assert dec["n"] == 3 and not dec["suppressed"]
    assert (dec["baseline_mean"], dec["latest_mean"], dec["mean_change"]) == (25, 75, 50)
    assert dec["sd_change"] == pytest.approx(25)
    assert dec["t"] == pytest.approx(50 / (25 / math.sqrt(3)))  # 3.4641
    assert dec["d_z"] == pytest.approx(2.0)
    margin = T_CRIT_DF2 * 25 / math.sqrt(3)  # 62.10
    assert (dec["ci_low"], dec["ci_high"]) == pytest.approx((50 - margin, 50 + margin))
    assert dec["p"] == pytest.approx(0.0741799002274, rel=1e-9)
    # COM stayed at 50: no change, no test; DEC alone forms the Holm family.
    assert dec["p_holm"] == pytest.approx(dec["p"]) and not dec["significant"]
    com = changes.loc["COM"]
    assert com["mean_change"] == 0 and math.isnan(com["p"]) and math.isnan(com["p_holm"])
    assert changes.loc["PLN", "suppressed"] and changes.loc["PLN", "n"] == 0, "never answered"
    assert math.isnan(changes.loc["PLN", "mean_change"])
    # The distribution at baseline: DEC 25, 50, 50, 0, 75.
    spread = result.distribution.set_index(["round", "skill_id"])
    base = spread.loc[("Baseline", "DEC")]
    assert base[["n", "mean", "min", "q1", "median", "q3", "max"]].tolist() == [
        5, 40, 0, 25, 50, 50, 75,
    ]  # fmt: skip
    assert base["sd"] == pytest.approx(math.sqrt(3250 / 4))
    assert spread.loc[("Day 180", "DEC"), "suppressed"] and spread.loc[("Day 180", "DEC"), "n"] == 0
    assert result.completion["submitted"].tolist() == [5, 3, 0]


def test_breakdowns_suppress_small_groups_and_their_complement(engine, review, instrument):
    org, spring, _pilot, _extra = review
    scores = _scores(engine, org, spring, instrument)
    dec = scores[scores["skill_id"] == "DEC"]
    # Baseline by site: Leeds 25, 50, 50; Cebu 75; Manila 0 (Sup B Three has no score).
    by_site = cohorts.breakdown(dec, "site", "Baseline", min_group=3).set_index("group")
    assert by_site["n"].to_dict() == {"Cebu": 1, "Leeds": 3, "Manila": 1}
    # Cebu and Manila are hidden, but together hold only 2 people: the overall mean minus
    # Leeds's would give their mean away, so Leeds is hidden too.
    assert by_site["suppressed"].all() and by_site["mean"].isna().all()
    by_site = cohorts.breakdown(dec, "site", "Baseline", min_group=2).set_index("group")
    assert by_site["suppressed"].to_dict() == {"Cebu": True, "Leeds": False, "Manila": True}
    assert by_site.loc["Leeds", "mean"] == pytest.approx(125 / 3)
    by_vendor = cohorts.breakdown(dec, "vendor", "Baseline", min_group=2).set_index("group")
    assert by_vendor["mean"].to_dict() == pytest.approx(
        {"Horizon BPO": 37.5, "Not recorded": 125 / 3}
    )
    by_team = cohorts.breakdown(scores, "team", "Day 90", min_group=2)
    assert set(by_team["group"]) == {"Team A", "Team B"} and len(by_team) == 2 * 12
    by_language = cohorts.breakdown(dec, "language", "Day 90", min_group=2).set_index("group")
    # One French speaker: suppressed, and so the next smallest (complementary suppression).
    assert by_language["suppressed"].all() and by_language["mean"].isna().all()
    assert set(by_language.index) == {"English", "Filipino", "French"}


def test_two_cohorts_side_by_side(engine, review, instrument):
    org, spring, pilot, _extra = review
    with session_scope(engine) as session:
        hr = org.viewer(session, org.hr)
        both = cohorts.compare_cohorts(
            session=session, viewer=hr, cohort_ids=(spring, pilot), instrument=instrument,
            min_group=2,
        )  # fmt: skip
        listed = cohorts.cohort_list(session=session, viewer=hr).set_index("name")
        with pytest.raises(InvalidInput, match="choose two different cohorts"):
            cohorts.compare_cohorts(
                session=session, viewer=hr, cohort_ids=(spring, spring), instrument=instrument,
                min_group=2,
            )  # fmt: skip
    assert listed[["members", "rounds"]].to_dict("index") == {
        "Spring intake": {"members": 6, "rounds": 3}, "Pilot": {"members": 3, "rounds": 2},
    }  # fmt: skip
    dec = both[both["skill_id"] == "DEC"].set_index("cohort")
    assert list(dec.index) == ["Spring intake", "Pilot"]
    assert dec.loc["Spring intake", ["n_latest", "latest_mean", "n", "mean_change"]].tolist() == [
        3, 75, 3, 50,
    ]  # fmt: skip
    # The pilot's Day 90 window (Apr 1-10) holds Sup A Two's Apr 6 (0) and Sup B One's Apr 8
    # (75): changes -50 and +75.
    assert dec.loc["Pilot", ["n_latest", "latest_mean", "n", "mean_change"]].tolist() == [
        2, 37.5, 2, 12.5,
    ]  # fmt: skip
    assert (dec["latest_round"] == "Day 90").all()


# --------------------------------------------------------------------------------------
# Writes: validation, idempotence, nothing written on bad input
# --------------------------------------------------------------------------------------


def _counts(session):
    return tuple(
        session.exec(select(func.count()).select_from(table)).one()
        for table in (CohortRound, CohortMember, AuditEvent)
    )


def test_bad_cohort_input_is_refused_with_a_specific_message(engine):
    with session_scope(engine) as session:
        org = build_org(session)
        hr = org.viewer(session, org.hr)
        cohort = cohorts.create_cohort(
            session=session, viewer=hr, name=" Spring ", start_date=START
        )
        cohorts.add_round(session=session, viewer=hr, cohort_id=cohort, name="Baseline",
                          opens_on=date(2026, 1, 5), closes_on=date(2026, 1, 26))  # fmt: skip
        before = _counts(session)

        def round_(name, opens, closes):
            return cohorts.add_round(
                session=session, viewer=hr, cohort_id=cohort, name=name, opens_on=opens,
                closes_on=closes,
            )  # fmt: skip

        bad = [
            (lambda: round_("  ", date(2026, 4, 5), date(2026, 4, 26)),
             "Round name: write something here."),
            (lambda: round_("Day 90", date(2026, 4, 26), date(2026, 4, 5)),
             "Closes on: the window closes (2026-04-05) before it opens (2026-04-26)"),
            (lambda: round_("Day 90", date(2026, 1, 26), date(2026, 2, 10)),
             "overlaps the round 'Baseline' (2026-01-05 to 2026-01-26)"),
            (lambda: round_("Late", date(2025, 12, 1), date(2026, 3, 1)),
             "overlaps the round 'Baseline'"),
            (lambda: round_("baseline", date(2026, 6, 1), date(2026, 6, 5)),
             "Round name: this cohort already has a round called 'Baseline'."),
            (lambda: round_("Day 90", datetime(2026, 4, 5, tzinfo=UTC), date(2026, 4, 26)),
             "Opens on: give a calendar date"),
            (lambda: cohorts.create_cohort(session=session, viewer=hr, name="", start_date=START),
             "Name: write something here."),
            (lambda: cohorts.create_cohort(session=session, viewer=hr, name="SPRING",
                                           start_date=START),
             "Name: a cohort called 'SPRING' already exists"),
            (lambda: cohorts.create_cohort(session=session, viewer=hr, name="Autumn",
                                           start_date=None),
             "Start date: give a date."),
            (lambda: cohorts.add_members(session=session, viewer=hr, cohort_id=cohort,
                                         person_ids=[org.sup_a1, org.hr, org.coach_a]),
             "Members: only supervisors can join a cohort, not Helen HR (hr), Coach A (coach)."),
            (lambda: cohorts.add_members(session=session, viewer=hr, cohort_id=cohort,
                                         person_ids=[org.sup_a1, 99999]),
             "Members: no person has the id 99999."),
        ]  # fmt: skip
        for call, message in bad:
            with pytest.raises(InvalidInput, match=re.escape(message)):
                call()
        with pytest.raises(NotFound):
            cohorts.add_members(session=session, viewer=hr, cohort_id=99999, person_ids=[])
        assert _counts(session) == before, "a refused write writes nothing"
        # A window starting the day after another closes does not overlap.
        round_("Day 90", date(2026, 1, 27), date(2026, 2, 10))
        assert cohorts.cohort_list(session=session, viewer=hr)["name"].tolist() == ["Spring"]


def test_members_are_added_once_and_can_be_removed(engine):
    with session_scope(engine) as session:
        org = build_org(session)
        admin = org.viewer(session, org.admin)
        cohort = cohorts.create_cohort(session=session, viewer=admin, name="Q1", start_date=START)

        def add(ids):
            return cohorts.add_members(
                session=session, viewer=admin, cohort_id=cohort, person_ids=ids
            )

        assert add([org.sup_a1, org.sup_a2, org.sup_a1]) == 2
        assert add([org.sup_a1, org.sup_b1]) == 1
        assert add([org.sup_b1]) == 0
        members = cohorts.cohort_members(session=session, viewer=admin, cohort_id=cohort)
        assert members["name"].tolist() == ["Sup A One", "Sup A Two", "Sup B One"]
        remove = {"session": session, "viewer": admin, "cohort_id": cohort}
        assert cohorts.remove_member(**remove, person_id=org.sup_a2) is True
        assert cohorts.remove_member(**remove, person_id=org.sup_a2) is False
        events = session.exec(select(AuditEvent).order_by(AuditEvent.id)).all()
    actions = [event.action for event in events if event.action.startswith("cohort")]
    assert actions == ["cohort_created", "cohort_members_added", "cohort_members_added",
                       "cohort_member_removed"]  # fmt: skip
    assert all(event.actor_id == org.admin for event in events if event.action in actions)


def test_coaches_and_supervisors_may_not_read_or_change_cohorts(engine, instrument):
    with session_scope(engine) as session:
        org = build_org(session)
        hr = org.viewer(session, org.hr)
        cohort = cohorts.create_cohort(session=session, viewer=hr, name="Q1", start_date=START)
        other = cohorts.create_cohort(session=session, viewer=hr, name="Q2", start_date=START)
        cohorts.add_members(session=session, viewer=hr, cohort_id=cohort, person_ids=[org.sup_a1])
        calls = [
            lambda v: cohorts.cohort_list(session=session, viewer=v),
            lambda v: cohorts.cohort_members(session=session, viewer=v, cohort_id=cohort),
            lambda v: cohorts.cohort_rounds(session=session, viewer=v, cohort_id=cohort),
            lambda v: cohorts.round_scores(
                session=session, viewer=v, cohort_id=cohort, instrument=instrument
            ),
            lambda v: cohorts.completion(session=session, viewer=v, cohort_id=cohort),
            lambda v: cohorts.chase_list(session=session, viewer=v, cohort_id=cohort),
            lambda v: cohorts.cohort_review(
                session=session, viewer=v, cohort_id=cohort, instrument=instrument, min_group=3
            ),
            lambda v: cohorts.compare_cohorts(
                session=session,
                viewer=v,
                cohort_ids=(cohort, other),
                instrument=instrument,
                min_group=3,
            ),
            lambda v: cohorts.create_cohort(session=session, viewer=v, name="X", start_date=START),
            lambda v: cohorts.add_members(
                session=session, viewer=v, cohort_id=cohort, person_ids=[v.person_id]
            ),
            lambda v: cohorts.remove_member(
                session=session, viewer=v, cohort_id=cohort, person_id=org.sup_a1
            ),
            lambda v: cohorts.add_round(
                session=session,
                viewer=v,
                cohort_id=cohort,
                name="Baseline",
                opens_on=START,
                closes_on=START,
            ),
        ]
        before = _counts(session)
        for person_id in (org.coach_a, org.sup_a1):
            viewer = org.viewer(session, person_id)
            for call in calls:
                with pytest.raises(AccessDenied):
                    call(viewer)
        assert _counts(session) == before
        for call in calls[:8]:  # HR reads everything
            call(hr)


# --------------------------------------------------------------------------------------
# Default rounds
# --------------------------------------------------------------------------------------


def test_default_rounds_are_baseline_day_90_and_day_180_with_three_week_windows():
    rounds = cohorts.default_rounds(date(2026, 1, 1))
    assert [(r.name, r.opens_on, r.closes_on) for r in rounds] == [
        ("Baseline", date(2026, 1, 1), date(2026, 1, 22)),
        ("Day 90", date(2026, 4, 1), date(2026, 4, 22)),
        ("Day 180", date(2026, 6, 30), date(2026, 7, 21)),
    ]


# --------------------------------------------------------------------------------------
# Statistics: by hand, then against scipy and statsmodels
# --------------------------------------------------------------------------------------


def test_paired_change_by_hand():
    # Changes 10, 20, 30: mean 20, sd 10, SE 10/sqrt(3) = 5.7735, t = 3.4641 with 2 df.
    result = cohorts.paired_change([50, 50, 50], [60, 70, 80])
    assert result.n == 3 and result.mean_change == 20
    assert result.sd_change == pytest.approx(10)
    assert result.t == pytest.approx(3.4641016151, rel=1e-10)
    assert result.d_z == pytest.approx(2.0)
    assert result.ci_low == pytest.approx(20 - T_CRIT_DF2 * 10 / math.sqrt(3))  # -4.84
    assert result.ci_high == pytest.approx(44.8413771175, rel=1e-10)
    assert round(result.ci_low, 2) == -4.84
    assert result.p == pytest.approx(0.0741799002274, rel=1e-9)


def test_paired_change_uses_only_people_with_both_scores():
    result = cohorts.paired_change([50, np.nan, 50, 50, 40], [60, 90, 70, 80, np.nan])
    assert (result.n, result.mean_change) == (3, 20)
    one = cohorts.paired_change([1.0, np.nan], [3.0, 4.0])
    assert one.n == 1 and one.mean_change == 2 and math.isnan(one.sd_change)
    assert math.isnan(one.ci_low) and math.isnan(one.p)
    none = cohorts.paired_change([], [])
    assert none.n == 0 and math.isnan(none.mean_change)
    with pytest.raises(ValueError, match="one baseline and one latest value per person"):
        cohorts.paired_change([1, 2], [1, 2, 3])


def test_paired_change_without_spread():
    same = cohorts.paired_change([10, 20, 30], [15, 25, 35])  # every change is +5
    assert (same.mean_change, same.sd_change, same.ci_low, same.ci_high) == (5, 0, 5, 5)
    # No spread: no t, p or effect size (issue 20: d_z came out as inf or 5.7e15), a reason.
    assert math.isnan(same.t) and math.isnan(same.d_z) and math.isnan(same.p)
    assert "same" in same.note
    flat = cohorts.paired_change([10, 20], [10, 20])
    assert flat.mean_change == 0 and math.isnan(flat.t) and math.isnan(flat.p)


# Upper critical values of Student's t, NIST/SEMATECH e-Handbook of Statistical Methods,
# section 1.3.6.7.2 (three decimals): (df, upper-tail probability, value).
T_TABLE = [(1, 0.025, 12.706), (5, 0.05, 2.015), (10, 0.025, 2.228), (30, 0.005, 2.750),
           (100, 0.025, 1.984), (100, 0.0005, 3.390)]  # fmt: skip


def test_t_quantile_and_p_value_reproduce_the_published_table():
    for df, tail, value in T_TABLE:
        assert cohorts.t_quantile(1 - tail, df) == pytest.approx(value, abs=5e-4)
        assert cohorts.t_quantile(tail, df) == pytest.approx(-value, abs=5e-4)
        assert cohorts.t_p_value(value, df) == pytest.approx(2 * tail, rel=2e-3)
    assert cohorts.t_quantile(0.5, 7) == 0 and cohorts.t_p_value(0.0, 7) == 1
    assert cohorts.t_p_value(math.inf, 4) == 0
    assert math.isnan(cohorts.t_quantile(1.0, 3)) and math.isnan(cohorts.t_p_value(1.0, 0))


def test_paired_change_agrees_with_scipy_on_random_data():
    rng = np.random.default_rng(20260105)
    for _ in range(200):
        n = int(rng.integers(2, 80))
        baseline = rng.uniform(0, 100, n)
        latest = baseline + rng.normal(rng.normal(0, 8), rng.uniform(1, 20), n)
        result = cohorts.paired_change(baseline, latest)
        expected = stats.ttest_rel(latest, baseline)
        interval = expected.confidence_interval(confidence_level=0.95)
        diffs = latest - baseline
        assert result.n == n
        assert result.t == pytest.approx(expected.statistic, rel=1e-9)
        assert result.p == pytest.approx(expected.pvalue, rel=1e-9, abs=1e-12)
        assert result.ci_low == pytest.approx(interval.low, rel=1e-9, abs=1e-9)
        assert result.ci_high == pytest.approx(interval.high, rel=1e-9, abs=1e-9)
        assert result.d_z == pytest.approx(diffs.mean() / diffs.std(ddof=1), rel=1e-9)
        lower = diffs.mean() - stats.t.ppf(0.975, n - 1) * stats.sem(diffs)
        assert result.ci_low == pytest.approx(lower, rel=1e-9, abs=1e-9)


def test_holm_by_hand():
    # Sorted 0.005, 0.01, 0.03, 0.04 x 4, 3, 2, 1 = 0.02, 0.03, 0.06, 0.04 -> monotone 0.06.
    adjusted = cohorts.holm([0.01, 0.04, 0.03, 0.005])
    assert adjusted == pytest.approx([0.03, 0.06, 0.06, 0.02])
    nan_aware = cohorts.holm([0.01, np.nan, 0.04])  # two tests, not three
    assert nan_aware[0] == pytest.approx(0.02) and nan_aware[2] == pytest.approx(0.04)
    assert math.isnan(nan_aware[1])
    assert cohorts.holm([0.5, 0.6]).tolist() == [1.0, 1.0], "capped at 1"
    assert cohorts.holm([]).size == 0 and np.isnan(cohorts.holm([np.nan])).all()
    with pytest.raises(ValueError, match="between 0 and 1"):
        cohorts.holm([0.2, 1.5])


@settings(max_examples=200, deadline=None)
@given(
    st.lists(
        st.one_of(st.floats(0, 1), st.sampled_from([0.0, 0.01, 0.05, 1.0]), st.just(math.nan)),
        min_size=1,
        max_size=15,
    )
)
def test_holm_agrees_with_statsmodels(p_values):
    p = np.array(p_values, dtype=float)
    adjusted = cohorts.holm(p)
    known = ~np.isnan(p)
    assert np.array_equal(np.isnan(adjusted), ~known)
    if known.any():
        # multipletests runs gc.collect() on every call (~0.2 s in a loaded test process).
        with mock.patch("gc.collect", return_value=0):
            expected = multipletests(p[known], method="holm")[1]
        np.testing.assert_allclose(adjusted[known], expected, rtol=1e-12, atol=1e-15)


# --------------------------------------------------------------------------------------
# Frame-level statistics on synthetic round scores
# --------------------------------------------------------------------------------------


def _frame(rows):
    """rows: (person_id, round, skill_id, score, site)."""
    frame = pd.DataFrame(rows, columns=["person_id", "round", "skill_id", "score", "site"])
    frame["round_order"] = frame["round"].map({"Baseline": 0, "Day 90": 1, "Day 180": 2})
    frame["skill"] = "Skill " + frame["skill_id"]
    for column in ["vendor", "team", "language"]:
        frame[column] = None
    return frame


def test_skill_changes_correct_twelve_skills_with_holm_and_suppress_small_ones():
    rng = np.random.default_rng(7)
    skills = [f"S{i:02d}" for i in range(12)]
    rows = []
    for person in range(10):
        for index, skill in enumerate(skills):
            base = float(rng.uniform(20, 80))
            gain = index * 2.0 + float(rng.normal(0, 5))
            rows.append((person, "Baseline", skill, base, "Leeds"))
            # Skill S11 is scored for only two people at Day 90.
            late = base + gain if (skill != "S11" or person < 2) else math.nan
            rows.append((person, "Day 90", skill, late, "Leeds"))
    frame = _frame(rows)
    changes = cohorts.skill_changes(frame, "Baseline", "Day 90", min_group=3).set_index("skill_id")
    assert list(changes.index) == skills and list(changes.columns) == cohorts.CHANGE_COLUMNS[1:]
    assert changes.loc["S11", "suppressed"] and changes.loc["S11", "n"] == 2
    assert changes.loc["S11", ["mean_change", "p", "p_holm", "d_z"]].isna().all()
    assert not changes.loc["S11", "significant"]
    shown = changes.drop(index="S11")
    assert (shown["n"] == 10).all() and not shown["suppressed"].any()
    np.testing.assert_allclose(
        shown["p_holm"], multipletests(shown["p"], method="holm")[1], rtol=1e-12
    )
    assert (shown["significant"] == (shown["p_holm"] < 0.05)).all()
    np.testing.assert_allclose(
        shown["mean_change"], shown["latest_mean"] - shown["baseline_mean"], atol=1e-9
    )
    with pytest.raises(InvalidInput, match="Latest round: this cohort has no round called 'Day 9'"):
        cohorts.skill_changes(frame, "Baseline", "Day 9", min_group=3)
    with pytest.raises(InvalidInput, match="Latest round: choose a different round"):
        cohorts.skill_changes(frame, "Baseline", "Baseline", min_group=3)


def test_breakdown_keeps_suppressed_groups_as_rows_without_a_mean():
    sizes = {"Leeds": 4, "Manila": 3, "Cebu": 1, None: 0}
    rows, person = [], 0
    for site, size in sizes.items():
        for _ in range(size):
            rows.append((person, "Day 90", "DEC", 10.0 * (person + 1), site))
            person += 1
    rows.append((person, "Day 90", "DEC", math.nan, None))  # a member without a score
    result = cohorts.breakdown(_frame(rows), "site", "Day 90", min_group=3)
    assert list(result.columns) == cohorts.BREAKDOWN_COLUMNS
    table = result.set_index("group")
    assert table["n"].to_dict() == {"Cebu": 1, "Leeds": 4, "Manila": 3, "Not recorded": 0}
    # Cebu (1) is hidden; hidden people (1) < 3, so the smallest shown group (Manila) goes too.
    assert table["suppressed"].to_dict() == {
        "Cebu": True, "Leeds": False, "Manila": True, "Not recorded": True,
    }  # fmt: skip
    assert table.loc["Leeds", "mean"] == 25 and table["mean"].drop("Leeds").isna().all()
    # Two small groups that together reach the minimum need no complementary suppression.
    rows = [(i, "Day 90", "DEC", 50.0, site) for i, site in enumerate("AAAABCC")]
    table = cohorts.breakdown(_frame(rows), "site", "Day 90", min_group=3).set_index("group")
    assert table["suppressed"].to_dict() == {"A": False, "B": True, "C": True}
    with pytest.raises(InvalidInput, match="Breakdown: choose one of site, vendor, team, language"):
        cohorts.breakdown(_frame(rows), "email", "Day 90", min_group=3)


def test_round_distribution_suppresses_rounds_with_few_people():
    rows = [(i, "Baseline", "DEC", 10.0 * i, "Leeds") for i in range(4)]
    rows += [(i, "Day 90", "DEC", 50.0 if i < 2 else math.nan, "Leeds") for i in range(4)]
    spread = cohorts.round_distribution(_frame(rows), min_group=3).set_index("round")
    assert spread.loc["Baseline", ["n", "mean", "median", "suppressed"]].tolist() == [
        4,
        15,
        15,
        False,
    ]
    assert spread.loc["Day 90", "n"] == 2 and spread.loc["Day 90", "suppressed"]
    assert spread.loc["Day 90", ["mean", "sd", "min", "max"]].isna().all()
    assert cohorts.review_rounds(_frame(rows)) == ("Baseline", "Day 90")
    assert cohorts.review_rounds(_frame(rows[:4])) == ("Baseline", None)


def test_reliable_changes_count_people_beyond_each_skills_threshold():
    rows = []
    for person, (before, after) in enumerate([(40, 70), (50, 52), (60, 30), (55, 60)]):
        for round_order, (round_name, score) in enumerate(
            [("Baseline", before), ("Day 90", after)]
        ):
            rows.append(
                {
                    "person_id": person,
                    "round": round_name,
                    "round_order": round_order,
                    "skill_id": "DEC",
                    "skill": "Decisions",
                    "score": float(score),
                }
            )
    frame = pd.DataFrame(rows)
    counts = cohorts.reliable_changes(frame, "Baseline", "Day 90", {"DEC": 20.0}, min_group=3)
    row = counts.iloc[0]
    # +30 and -30 exceed the 20-point threshold; +2 and +5 are within noise.
    assert (row["n"], row["real_gains"], row["real_drops"], row["within_noise"]) == (4, 1, 1, 2)
    small = cohorts.reliable_changes(frame, "Baseline", "Day 90", {"DEC": 20.0}, min_group=5)
    assert small.iloc[0]["suppressed"] and pd.isna(small.iloc[0]["real_gains"])


def test_each_persons_real_change_uses_the_reliability_of_the_statements_they_answered():
    """Issue 20, point 1: a person who answered 3 of DEC's 6 statements has a less reliable
    score (Spearman-Brown: alpha 0.80 on 6 statements is 0.667 on 3), so their change must
    clear a wider threshold (24.0 points) than someone who answered all 6 (18.6)."""
    source = reliability.SkillReliability(
        skill_id="DEC", alpha=0.80, people=200, items=tuple(f"DEC{i}" for i in range(6))
    )
    threshold = reliability.change_threshold("DEC", 15.0, 200, source)
    assert threshold.points == pytest.approx(1.96 * math.sqrt(2) * 15 * math.sqrt(0.2))
    assert threshold.points_for(3, 3) == pytest.approx(
        1.96 * math.sqrt(2) * 15 * math.sqrt(1 - 0.4 / 0.6)
    )
    rows = []
    # Person 0 answered everything and rose 21 points; person 1 answered 3 statements each
    # time and rose 21 points; person 2 answered 3 then 6 and rose 20 points; person 3
    # answered 3 each time and dropped 25 points.
    people = [(40, 61, 6, 6), (40, 61, 3, 3), (40, 60, 3, 6), (70, 45, 3, 3)]
    for person, (before, after, k_before, k_after) in enumerate(people):
        for order, (name, score, k) in enumerate(
            [("Baseline", before, k_before), ("Day 90", after, k_after)]
        ):
            rows.append(
                {
                    "person_id": person,
                    "round": name,
                    "round_order": order,
                    "skill_id": "DEC",
                    "skill": "Decisions",
                    "score": float(score),
                    "answered": k,
                }
            )
    frame = pd.DataFrame(rows)
    row = cohorts.reliable_changes(frame, "Baseline", "Day 90", {"DEC": threshold}, 3).iloc[0]
    # Full-length threshold 18.6 for everyone would count 3 gains and 1 drop.
    assert threshold.points < 20 < threshold.points_for(3, 6) < 21.5
    assert 21 < threshold.points_for(3, 3) < 25
    assert (row["real_gains"], row["real_drops"], row["within_noise"]) == (1, 1, 2)
    # Without counts (an older frame) everyone gets the full-length threshold.
    row = cohorts.reliable_changes(
        frame.drop(columns="answered"), "Baseline", "Day 90", {"DEC": threshold}, 3
    ).iloc[0]
    assert (row["real_gains"], row["real_drops"], row["within_noise"]) == (3, 1, 0)
    # A skill whose change cannot be judged gets no counts.
    provisional = reliability.change_threshold("DEC", 15.0, 10, source)
    assert provisional.provisional
    row = cohorts.reliable_changes(frame, "Baseline", "Day 90", {"DEC": provisional}, 3).iloc[0]
    assert row["suppressed"] and pd.isna(row["real_gains"])


def test_reviews_are_reused_until_their_data_or_date_changes(engine, review, instrument):
    org, spring, _pilot, _extra = review
    reviews = CohortReviews()
    computed = []
    compute = cohorts.cohort_review

    def counted(**arguments):
        computed.append(arguments["today"])
        return compute(**arguments)

    def get(viewer_id=org.hr, today=date(2026, 4, 30)):
        with session_scope(engine) as session:
            return reviews.get(
                session=session, viewer=org.viewer(session, viewer_id), cohort_id=spring,
                instrument=instrument, min_group=3, today=today,
            )  # fmt: skip

    with mock.patch.object(cohorts, "cohort_review", counted):
        first = get()
        pd.testing.assert_frame_equal(get().round_scores, first.round_scores)
        assert len(computed) == 1
        # Each caller has its own copy: changing it changes nobody else's.
        first.completion["members"] = -1
        assert (get().completion["members"] > 0).all()
        # Access is checked on every read, not only when the review is computed.
        with pytest.raises(AccessDenied):
            get(org.sup_a1)
        # A renamed member: the data version moved, so the review is computed again.
        with session_scope(engine) as session:
            session.get(Person, org.sup_a1).name = "Sup A Renamed"
        assert "Sup A Renamed" in set(get().round_scores["name"])
        assert len(computed) == 2
        # The next day may open or close a round.
        get(today=date(2026, 5, 1))
        assert computed[-1] == date(2026, 5, 1) and len(computed) == 3
        # A member's language is a breakdown of the review: a change of it (the chooser in
        # the app writes the profile) is seen, though it leaves the data version alone.
        with session_scope(engine) as session:
            session.get(Person, org.sup_a1).language = "ar"
        assert "ar" in set(get(today=date(2026, 5, 1)).round_scores["language"])
        assert len(computed) == 4
