"""The coach's views: team scores, status, growth, comparisons, priorities and notes.

Scores are built from keyed answers, so every expected number below is worked out by hand
(a keyed value v scores 100 x (v - 1) / 4).
"""

from __future__ import annotations

import math
from datetime import UTC, date, datetime, timedelta

import pandas as pd
import pytest

from leadcoach.coaching import coaching, comparison, notes, plans, priorities, teams
from leadcoach.coaching.comparison import GroupRef
from leadcoach.measurement import reliability
from leadcoach.platform import i18n
from leadcoach.platform.db import session_scope
from leadcoach.platform.errors import AccessDenied, InvalidInput
from leadcoach.platform.models import Person, Role, TeamCoach
from leadcoach.reporting import charts
from tests.factories import add_person, build_org, keyed_answers, submit

MARCH = datetime(2026, 3, 1, tzinfo=UTC)
JUNE = datetime(2026, 6, 1, tzinfo=UTC)
NOW = datetime(2026, 7, 1, tzinfo=UTC)


@pytest.fixture
def org(engine, instrument):
    """Team A: sup_a1 (DEC 75 -> 25, the rest 50), sup_a2 (75s, COM 25); team B: sup_b1
    (100s). The organisation's latest: DEC 25/75/100, COM 50/25/100, others 50/75/100."""
    with session_scope(engine) as session:
        built = build_org(session)
    submit(engine, built.sup_a1, instrument, keyed_answers(instrument, {"DEC": 4}), MARCH)
    submit(engine, built.sup_a1, instrument, keyed_answers(instrument, {"DEC": 2}), JUNE)
    submit(engine, built.sup_a2, instrument, keyed_answers(instrument, {"COM": 2}, default=4), JUNE)
    submit(engine, built.sup_b1, instrument, keyed_answers(instrument, {}, default=5), JUNE)
    return built


def test_a_coach_sees_the_latest_scores_of_their_teams_only(engine, org, instrument):
    with session_scope(engine) as session:
        coach = org.viewer(session, org.coach_a)
        scores = teams.latest_scores(session=session, viewer=coach, instrument=instrument)
        assert set(scores["name"]) == {"Sup A One", "Sup A Two"}
        dec = scores[scores["skill_id"] == "DEC"].set_index("name")["score"]
        assert dec.to_dict() == {"Sup A One": 25.0, "Sup A Two": 75.0}
        hr = org.viewer(session, org.hr)
        everyone = teams.latest_scores(session=session, viewer=hr, instrument=instrument)
        assert set(everyone["name"]) == {"Sup A One", "Sup A Two", "Sup B One"}


@pytest.mark.parametrize(
    "read",
    [
        lambda s, v, i, t: teams.latest_scores(session=s, viewer=v, instrument=i, team_ids=[t]),
        lambda s, v, i, t: teams.assessment_status(
            session=s, viewer=v, reassessment_days=90, now=NOW, team_ids=[t]
        ),
        lambda s, v, i, t: teams.team_growth(
            session=s, viewer=v, instrument=i, min_group=2, team_ids=[t]
        ),
        lambda s, v, i, t: teams.recent_changes(session=s, viewer=v, instrument=i, team_ids=[t]),
        lambda s, v, i, t: teams.history(session=s, viewer=v, team_ids=[t]),
        lambda s, v, i, t: comparison.group_scores(
            session=s, viewer=v, instrument=i, group=GroupRef("team", t)
        ),
    ],
    ids=[
        "latest_scores",
        "assessment_status",
        "team_growth",
        "recent_changes",
        "history",
        "compare",
    ],
)
def test_a_coach_asking_for_another_teams_data_is_refused(engine, org, instrument, read):
    with session_scope(engine) as session:
        coach = org.viewer(session, org.coach_a)
        with pytest.raises(AccessDenied):
            read(session, coach, instrument, org.team_b)
        read(session, coach, instrument, org.team_a)  # their own team is fine


def test_a_coach_cannot_compare_a_person_of_another_team(engine, org, instrument):
    with session_scope(engine) as session:
        coach = org.viewer(session, org.coach_a)
        with pytest.raises(AccessDenied):
            comparison.group_scores(
                session=session,
                viewer=coach,
                instrument=instrument,
                group=GroupRef("person", org.sup_b1),
            )


def test_skill_statistics_and_organisation_averages(engine, org, instrument):
    with session_scope(engine) as session:
        coach = org.viewer(session, org.coach_a)
        team = teams.skill_statistics(
            teams.latest_scores(session=session, viewer=coach, instrument=instrument),
            instrument,
            min_group=2,
        ).set_index("skill_id")
        organisation = teams.organisation_statistics(
            session=session, viewer=coach, instrument=instrument, min_group=3
        ).set_index("skill_id")
        supervisor = org.viewer(session, org.sup_a1)
        with pytest.raises(AccessDenied):
            teams.organisation_statistics(
                session=session, viewer=supervisor, instrument=instrument, min_group=3
            )
    assert team.loc["DEC", "mean"] == 50 and team.loc["COM", "mean"] == 37.5
    assert team.loc["PLN", "mean"] == 62.5 and team.loc["PLN", "n"] == 2
    assert organisation.loc["DEC", "mean"] == pytest.approx(200 / 3)
    assert organisation.loc["DEC", "sd"] == pytest.approx(math.sqrt(2916.6667 / 2), rel=1e-6)


def test_groups_smaller_than_the_minimum_get_no_average(engine, org, instrument):
    with session_scope(engine) as session:
        hr = org.viewer(session, org.hr)
        stats = teams.organisation_statistics(
            session=session, viewer=hr, instrument=instrument, min_group=4
        )
    assert stats["mean"].isna().all() and (stats["n"] == 3).all()


def test_assessment_status_puts_who_needs_a_nudge_first(engine, org, instrument):
    with session_scope(engine) as session:
        a3 = add_person(session, "Sup A Three", Role.SUPERVISOR, org.team_a)
    with session_scope(engine) as session:
        from leadcoach.assessment import responses

        me = org.viewer(session, org.sup_a2)
        draft = responses.open_draft(session=session, viewer=me, instrument=instrument)
        responses.save_answer(session=session, viewer=me, draft_id=draft, item_id="DEC1", value=3)
    with session_scope(engine) as session:
        coach = org.viewer(session, org.coach_a)
        status = teams.assessment_status(
            session=session, viewer=coach, reassessment_days=20, now=NOW
        )
    assert list(status["name"]) == ["Sup A Three", "Sup A One", "Sup A Two"]
    assert list(status["status"]) == ["Not assessed", "Overdue", "In progress"]
    assert status.loc[2, "answers_saved"] == 1 and a3 == status.loc[0, "person_id"]
    assert status.loc[1, "due_on"] == pd.Timestamp("2026-06-21", tz="UTC")


def test_team_growth_by_quarter_with_spread(engine, org, instrument):
    with session_scope(engine) as session:
        coach = org.viewer(session, org.coach_a)
        growth = teams.team_growth(
            session=session, viewer=coach, instrument=instrument, min_group=2
        )
        small = teams.team_growth(session=session, viewer=coach, instrument=instrument, min_group=3)
    dec = growth[growth["skill_id"] == "DEC"].set_index("round")
    assert list(dec.index) == ["2026 Q2"], "a round of one person is suppressed"
    assert dec.loc["2026 Q2", ["n", "mean", "min", "max", "median"]].tolist() == [2, 50, 25, 75, 50]
    assert dec.loc["2026 Q2", "q1"] == 37.5 and dec.loc["2026 Q2", "q3"] == 62.5
    assert small.empty, "no round has three people"


def test_recent_changes(engine, org, instrument):
    with session_scope(engine) as session:
        coach = org.viewer(session, org.coach_a)
        changes = teams.recent_changes(session=session, viewer=coach, instrument=instrument)
    assert set(changes["name"]) == {"Sup A One"}, "one submission: no change to show"
    dec = changes[changes["skill_id"] == "DEC"].iloc[0]
    assert (dec["previous"], dec["latest"], dec["change"]) == (75, 25, -50)


# Comparisons: differences beyond measurement noise, by hand


def _profile(rows):
    return pd.DataFrame(rows, columns=["group", "kind", "skill_id", "skill", "n", "mean", "sd"])


def test_two_people_differ_beyond_noise_when_the_gap_exceeds_1_96_sqrt2_sem():
    frame = _profile(
        [
            ("Ana", "person", "DEC", "Decisions", 1, 70.0, math.nan),
            ("Ana", "person", "COM", "Communication", 1, 60.0, math.nan),
            ("Ben", "person", "DEC", "Decisions", 1, 40.0, math.nan),
            ("Ben", "person", "COM", "Communication", 1, 40.0, math.nan),
        ]
    )
    result = comparison.differences(frame, {"DEC": 10.0, "COM": 10.0}).set_index("skill_id")
    margin = 1.96 * math.sqrt(200)  # SEM 10 for each person: 27.72
    assert result.loc["DEC", "difference"] == -30 and result.loc["DEC", "beyond_noise"]
    assert result.loc["COM", "difference"] == -20 and not result.loc["COM", "beyond_noise"]
    assert result.loc["COM", "margin"] == pytest.approx(margin)


def test_a_person_who_answered_fewer_statements_has_their_own_wider_margin():
    """Issue 20, point 1: "beyond noise" for one person uses the reliability of the
    statements they answered. Alpha 0.80 on 6 statements is 0.667 on 3 (Spearman-Brown):
    with the organisation's SD 20, SEM 8.94 for all 6 and 11.55 for 3."""
    source = reliability.SkillReliability(
        "DEC", 0.80, 100, items=tuple(f"DEC{i}" for i in range(6))
    )
    organisation = pd.DataFrame({"skill_id": ["DEC"], "sd": [20.0]})
    full = comparison.skill_errors(organisation, {"DEC": source})["DEC"]
    three = comparison.person_errors(organisation, {"DEC": source}, {"DEC": 3})["DEC"]
    assert full == pytest.approx(20 * math.sqrt(0.2))
    assert three == pytest.approx(20 * math.sqrt(1 - 0.4 / 0.6))
    assert comparison.person_errors(organisation, {"DEC": source}, {"DEC": 6})["DEC"] == (
        pytest.approx(full)
    )
    frame = _profile(
        [
            ("Ana", "person", "DEC", "Decisions", 1, 70.0, math.nan),
            ("Ben", "person", "DEC", "Decisions", 1, 40.0, math.nan),
        ]
    )
    # 27 points apart: beyond 1.96 x sqrt(2) x 8.94 = 24.8 when both answered all six, but
    # within 1.96 x sqrt(8.94^2 + 11.55^2) = 28.6 when Ben answered three.
    frame.loc[1, "mean"] = 43.0
    same = comparison.differences(frame, {"DEC": full}).iloc[0]
    assert same["beyond_noise"] and same["margin"] == pytest.approx(1.96 * math.sqrt(2) * full)
    own = comparison.differences(frame, {"DEC": full}, {("Ben", "DEC"): three}).iloc[0]
    assert own["margin"] == pytest.approx(1.96 * math.sqrt(full**2 + three**2))
    assert not own["beyond_noise"]


def test_a_team_against_the_organisation_uses_the_standard_error_of_each_mean():
    frame = _profile(
        [
            ("Whole organisation", "organisation", "DEC", "Decisions", 100, 62.0, 20.0),
            ("Team A", "team", "DEC", "Decisions", 4, 50.0, 10.0),
        ]
    )
    row = comparison.differences(frame, {"DEC": 8.0}).iloc[0]
    assert row["margin"] == pytest.approx(1.96 * math.sqrt(10**2 / 4 + 20**2 / 100))  # 10.56
    assert row["difference"] == -12 and row["beyond_noise"]


def test_compare_two_people_and_a_team_against_the_organisation(engine, org, instrument):
    known = {s.id: reliability.SkillReliability(s.id, 0.84, 3) for s in instrument.skills}
    with session_scope(engine) as session:
        coach = org.viewer(session, org.coach_a)
        people = comparison.compare(
            session=session,
            viewer=coach,
            instrument=instrument,
            reliabilities=known,
            groups=[GroupRef("person", org.sup_a1), GroupRef("person", org.sup_a2)],
            min_group=3,
        )
        team = comparison.compare(
            session=session,
            viewer=coach,
            instrument=instrument,
            reliabilities=known,
            groups=[GroupRef("organisation"), GroupRef("team", org.team_a)],
            min_group=3,
        )
        with pytest.raises(InvalidInput, match="at least two"):
            comparison.compare(
                session=session,
                viewer=coach,
                instrument=instrument,
                reliabilities=known,
                groups=[GroupRef("team", org.team_a)],
                min_group=3,
            )
    # The organisation's DEC and COM scores both spread with sd 38.19, so SEM = 15.28 and
    # two people must differ by more than 1.96 x sqrt(2) x 15.28 = 42.3 points.
    diff = people.differences.set_index("skill_id")
    assert people.reference == "Sup A One"
    assert diff.loc["DEC", "difference"] == 50 and diff.loc["DEC", "beyond_noise"]
    assert diff.loc["COM", "difference"] == -25 and not diff.loc["COM", "beyond_noise"]
    assert diff.loc["DEC", "margin"] == pytest.approx(42.34, abs=0.01)
    profile = team.profiles.set_index(["group", "skill_id"])
    # Team A has two people: its head count shows, its average does not (minimum 3).
    assert profile.loc[("Team Team A", "COM"), "n"] == 2
    assert pd.isna(profile.loc[("Team Team A", "COM"), "mean"])
    assert profile.loc[("Whole organisation", "COM"), "n"] == 3


# Priorities, by hand


def test_priorities_rank_drops_missing_plans_and_low_team_skills():
    team = pd.DataFrame(
        {
            "skill_id": ["S1", "S2", "S3", "S4"],
            "skill": ["One", "Two", "Three", "Four"],
            "n": [4, 4, 4, 4],
            "mean": [40.0, 55.0, 60.0, 80.0],
        }
    )
    organisation = pd.DataFrame(
        {"skill_id": ["S1", "S2", "S3", "S4"], "mean": [50.0, 50.0, 70.0, 75.0]}
    )
    changes = pd.DataFrame(
        {
            "person_id": [1, 2],
            "name": ["Pat", "Kim"],
            "skill_id": ["S1", "S2"],
            "skill": ["One", "Two"],
            "latest": [30.0, 40.0],
            "previous": [70.0, 60.0],
            "change": [-40.0, -20.0],
            "latest_at": [pd.Timestamp("2026-06-01", tz="UTC")] * 2,
            "previous_at": [pd.Timestamp("2026-03-01", tz="UTC")] * 2,
        }
    )
    status = pd.DataFrame(
        {
            "person_id": [1, 2, 3],
            "name": ["Pat", "Kim", "Lee"],
            "last_assessed": [
                pd.Timestamp("2026-06-01", tz="UTC"),
                pd.Timestamp("2025-12-13", tz="UTC"),
                pd.NaT,
            ],
        }
    )
    ranked = priorities.rank(
        team=team,
        organisation=organisation,
        changes=changes,
        status=status,
        goals={1: 0, 2: 1},
        sem={"S1": 10.0, "S2": 10.0},
        now=NOW,
    )
    # Pat's drop of 40 exceeds the noise margin 27.7; Kim's 20 does not. Pat has no plan
    # 30 days after assessing: 10 + 30 / 9 = 13.3. Team skills: S1 and S3 are 10 below the
    # organisation; S2 is among the three lowest but above the organisation (0).
    assert list(zip(ranked["kind"], ranked["subject"], ranked["points"], strict=True)) == [
        ("Drop", "Pat", 40.0),
        ("No plan", "Pat", 13.3),
        ("Team skill", "One", 10.0),
        ("Team skill", "Three", 10.0),
        ("Team skill", "Two", 0.0),
    ]
    assert list(ranked["rank"]) == [1, 2, 3, 4, 5]
    assert "fell 40 points (70 to 30)" in ranked.loc[0, "reason"]
    assert "30 days after their assessment" in ranked.loc[1, "reason"]
    assert "10 below the organisation (50)" in ranked.loc[2, "reason"]


def test_tied_priorities_are_in_the_same_order_in_every_language(monkeypatch):
    """Team skills tied on points keep one order whatever language names them (their names
    sort the other way round in French here): by skill id, not by a translated name."""
    team = pd.DataFrame(
        {"skill_id": ["S1", "S2"], "skill": ["Alpha skill", "Beta skill"], "n": [4, 4],
         "mean": [40.0, 40.0]}
    )  # fmt: skip
    organisation = pd.DataFrame({"skill_id": ["S1", "S2"], "mean": [50.0, 50.0]})
    nobody = pd.DataFrame(columns=["person_id", "name", "last_assessed"])
    monkeypatch.setitem(i18n._QUESTIONNAIRE, "fr", {"Alpha skill": "Zèle", "Beta skill": "Aplomb"})
    orders = {}
    for code in ("en", "fr"):
        with i18n.using(code):
            ranked = priorities.rank(
                team=team, organisation=organisation, changes=pd.DataFrame(), status=nobody,
                goals={}, sem={}, now=NOW,
            )  # fmt: skip
        orders[code] = list(ranked["skill_id"])
    assert orders == {"en": ["S1", "S2"], "fr": ["S1", "S2"]}


def test_active_goal_counts(engine, org, instrument):
    with session_scope(engine) as session:
        me = org.viewer(session, org.sup_a1)
        plans.add_goal(
            session=session,
            viewer=me,
            instrument=instrument,
            skill_id="DEC",
            specific="Decide faster in outages",
            measure="",
            target_date=date.today() + timedelta(days=30),
            actions=[],
        )
    with session_scope(engine) as session:
        counts = plans.active_goal_counts(session=session, viewer=org.viewer(session, org.coach_a))
    assert counts == {org.sup_a1: 1, org.sup_a2: 0}


# Coaching notes


def test_notes_are_private_to_coaches_until_shared(engine, org):
    with session_scope(engine) as session:
        coach = org.viewer(session, org.coach_a)
        private = notes.add_note(
            session=session,
            viewer=coach,
            person_id=org.sup_a1,
            text="Avoids the huddle when the queue is long.",
        )
        shared = notes.add_note(
            session=session,
            viewer=coach,
            person_id=org.sup_a1,
            text="Great recovery during the outage.",
            shared=True,
        )
    with session_scope(engine) as session:
        coach = org.viewer(session, org.coach_a)
        mine = org.viewer(session, org.sup_a1)
        assert {n.id for n in notes.notes(session=session, viewer=coach, person_id=org.sup_a1)} == {
            private,
            shared,
        }
        assert [n.id for n in notes.notes(session=session, viewer=mine, person_id=org.sup_a1)] == [
            shared
        ]
        notes.set_shared(session=session, viewer=coach, note_id=private, shared=True)
    with session_scope(engine) as session:
        mine = org.viewer(session, org.sup_a1)
        assert len(notes.notes(session=session, viewer=mine, person_id=org.sup_a1)) == 2


def test_who_may_write_read_and_share_notes(engine, org):
    with session_scope(engine) as session:
        other_coach = add_person(session, "Coach Two", Role.COACH)
        session.add(TeamCoach(team_id=org.team_a, coach_id=other_coach))
    with session_scope(engine) as session:
        coach = org.viewer(session, org.coach_a)
        note = notes.add_note(session=session, viewer=coach, person_id=org.sup_a1, text="Hi")
        with pytest.raises(AccessDenied):
            notes.add_note(session=session, viewer=coach, person_id=org.sup_b1, text="Hi")
        with pytest.raises(InvalidInput, match="Note: write something"):
            notes.add_note(session=session, viewer=coach, person_id=org.sup_a1, text="  ")
        with pytest.raises(InvalidInput, match="at most 4000"):
            notes.add_note(session=session, viewer=coach, person_id=org.sup_a1, text="x" * 4001)
    with session_scope(engine) as session:
        second = org.viewer(session, other_coach)
        assert len(notes.notes(session=session, viewer=second, person_id=org.sup_a1)) == 1
        with pytest.raises(AccessDenied, match="Only the coach who wrote"):
            notes.set_shared(session=session, viewer=second, note_id=note, shared=True)
        for viewer_id in (org.sup_a1, org.hr):
            with pytest.raises(AccessDenied):
                notes.add_note(
                    session=session,
                    viewer=org.viewer(session, viewer_id),
                    person_id=org.sup_a1,
                    text="Hi",
                )
        with pytest.raises(AccessDenied):
            notes.notes(session=session, viewer=org.viewer(session, org.hr), person_id=org.sup_a1)
        with pytest.raises(AccessDenied):
            notes.notes(
                session=session, viewer=org.viewer(session, org.sup_a2), person_id=org.sup_a1
            )


def test_no_reliability_is_invented_below_the_minimum_sample(engine, org, instrument):
    with session_scope(engine) as session:
        responses = reliability.item_responses(session=session, viewer=org.viewer(session, org.hr))
    result = reliability.skill_reliabilities(responses, instrument)
    assert result["DEC"].people == 3 and result["DEC"].provisional
    assert math.isnan(result["DEC"].alpha) and "at least 30" in str(result["DEC"].reason)


def test_team_charts_export_as_svg_and_png(engine, org, instrument):
    with session_scope(engine) as session:
        coach = org.viewer(session, org.coach_a)
        scores = teams.latest_scores(session=session, viewer=coach, instrument=instrument)
    chart = charts.heatmap_chart(scores, [s.name for s in instrument.skills])
    svg = charts.as_svg(chart).decode()
    assert svg.startswith("<svg") and "Sup A Two" in svg
    assert charts.as_png(chart).startswith(b"\x89PNG\r\n\x1a\n")
    assert (
        len(chart.to_dict()["datasets"].popitem()[1]) == len(scores) == 11 + 12
    )  # REM only for sup_a2


def test_a_persons_change_cannot_be_judged_without_a_reliability(engine, org, instrument):
    with session_scope(engine) as session:
        thresholds = reliability.change_thresholds(session=session, instrument=instrument)
    dec = thresholds["DEC"]
    # Three people: no reliability, so no threshold (the old code invented alpha = 0.70).
    assert dec.provisional and math.isnan(dec.points) and "at least 30" in str(dec.reason)
    assert dec.sd == pytest.approx(38.188, abs=1e-3)
    assert reliability.describe_change(-50, dec) == reliability.CANNOT_JUDGE
    assert reliability.describe_change(10, None) == ""


def test_a_persons_change_is_real_only_beyond_the_reliable_change_threshold():
    items = tuple(f"DEC{i}" for i in range(1, 7))
    known = reliability.SkillReliability("DEC", 0.84, 40, items=items)
    dec = reliability.change_threshold("DEC", 38.188, 40, known)
    # SEM = 38.188 x sqrt(0.16) = 15.28; threshold 1.96 x sqrt(2) x SEM = 42.3.
    assert not dec.provisional
    assert dec.points == pytest.approx(1.96 * math.sqrt(2) * 38.188 * 0.4, abs=1e-9)
    assert reliability.describe_change(-40, dec) == "within noise"
    assert reliability.describe_change(45, dec) == "real gain"
    assert reliability.describe_change(-45, dec) == "real drop"
    # Four of six statements answered at both times: Spearman-Brown gives 0.84 x (4/6) /
    # (1 + (4/6 - 1) x 0.84) = 0.7778, so the threshold widens to 1.96 x sqrt(2) x SEM_4.
    four = 0.84 * (4 / 6) / (1 + (4 / 6 - 1) * 0.84)
    assert known.for_items(4) == pytest.approx(four, abs=1e-12)
    wider = 1.96 * math.sqrt(2) * 38.188 * math.sqrt(1 - four)
    assert dec.points_for(4, 4) == pytest.approx(wider, abs=1e-9)
    assert reliability.describe_change(45, dec, items_before=4, items_after=4) == "within noise"


def test_the_latest_scores_read_from_the_history_match_the_direct_read(engine, org, instrument):
    with session_scope(engine) as session:
        coach = org.viewer(session, org.coach_a)
        direct = teams.latest_scores(session=session, viewer=coach, instrument=instrument)
        from_history = teams.latest_of(teams.history(session=session, viewer=coach), instrument)
    pd.testing.assert_frame_equal(
        direct.reset_index(drop=True), from_history.reset_index(drop=True), check_like=False
    )


def test_heatmap_table_has_a_row_per_person_and_a_column_per_skill(engine, org, instrument):
    with session_scope(engine) as session:
        # A second "Sup A One" on team A: people who share a name keep a row each.
        namesake = add_person(session, "Sup A Namesake", Role.SUPERVISOR, org.team_a)
        session.get(Person, namesake).name = "Sup A One"
    submit(engine, namesake, instrument, keyed_answers(instrument, {}, default=1), JUNE)
    with session_scope(engine) as session:
        hr = org.viewer(session, org.hr)
        scores = teams.latest_scores(session=session, viewer=hr, instrument=instrument)
    order = tuple(skill.name for skill in instrument.skills)
    overview = coaching.TeamOverview(scores, *[None] * 5, order)
    table = overview.heatmap_table
    assert list(table.columns) == ["Person", "Team", *order]
    assert table[["Person", "Team"]].values.tolist() == [
        ["Sup A One", "Team A"], ["Sup A One", "Team A"], ["Sup A Two", "Team A"],
        ["Sup B One", "Team B"],
    ]  # fmt: skip
    decision = instrument.skill("DEC").name
    assert sorted(table.loc[table["Person"] == "Sup A One", decision]) == [0.0, 25.0]
    assert table.loc[table["Person"] == "Sup B One", decision].item() == 100.0
    assert table.loc[table["Person"] == "Sup A Two", instrument.skill("COM").name].item() == 25.0
    empty = coaching.TeamOverview(scores.iloc[:0], *[None] * 5, order).heatmap_table
    assert list(empty.columns) == ["Person", "Team"] and empty.empty
