"""Measurement quality: reliability per skill and item analysis, on realistic simulated data."""

from __future__ import annotations

import json
import math
from datetime import UTC, date, datetime, timedelta
from unittest import mock

import numpy as np
import pandas as pd
import pytest
from sqlmodel import Session

from leadcoach.assessment import responses
from leadcoach.measurement import psychometrics, quality, reliability, structure
from leadcoach.people.access import load_viewer
from leadcoach.platform import i18n
from leadcoach.platform.db import session_scope
from leadcoach.platform.errors import AccessDenied, InvalidInput
from leadcoach.platform.models import Answer, Role
from leadcoach.programmes import cohorts
from tests.factories import Org, add_person, build_org

MIN_SAMPLE = 30
REVERSED_BY_MISTAKE = "COM3"  # answered as if reverse-keyed, though it is not
START = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


def submit_fast(engine, person_id: int, instrument, answers: dict[str, int | None], when) -> None:
    """Submit a self-assessment through the core, writing the answers in one batch.

    (`factories.submit` saves them one by one, which is slow for dozens of people.)
    """
    with session_scope(engine) as session:
        me = load_viewer(session=session, person_id=person_id)
        draft_id = responses.open_draft(session=session, viewer=me, instrument=instrument)
        session.add_all(
            Answer(draft_id=draft_id, item_id=item_id, value=value)
            for item_id, value in answers.items()
        )
        session.flush()
        responses.submit_assessment(session=session, viewer=me, draft_id=draft_id, at=when)


def simulated_answers(instrument, rng, tags=frozenset()) -> dict[str, int | None]:
    """One person's answers driven by a latent leadership trait plus a skill-specific part,
    so each skill's statements correlate; about 4% are "Not applicable"."""
    general = rng.normal()
    skill_trait = {skill.id: general + rng.normal(scale=0.5) for skill in instrument.skills}
    answers: dict[str, int | None] = {}
    for skill, item in instrument.items_for(frozenset(tags)):
        keyed = int(np.clip(np.rint(3 + skill_trait[skill.id] + rng.normal(scale=0.6)), 1, 5))
        raw = 6 - keyed if item.reverse else keyed
        if item.id == REVERSED_BY_MISTAKE:
            raw = 6 - raw
        answers[item.id] = None if rng.random() < 0.04 else raw
    return answers


def add_supervisors(session: Session, team_id: int, count: int, prefix: str = "Sim") -> list[int]:
    return [
        add_person(session, f"{prefix} {i}", Role.SUPERVISOR, team_id, manages_remote=i % 2 == 0)
        for i in range(count)
    ]


def build_sample(engine, instrument, count: int, seed: int = 7, start: datetime = START):
    """An organisation with `count` simulated supervisors who each submitted once.

    Every other one manages remote agents (so the remote skill has about half the
    people); nobody oversees a vendor (so the vendor-only statements go unanswered).
    Returns (org, people ids, the answers each gave).
    """
    rng = np.random.default_rng(seed)
    with session_scope(engine) as session:
        org = build_org(session)
        people = add_supervisors(session, org.team_a, count)
    given = {}
    for index, person_id in enumerate(people):
        tags = {"remote_or_offshore"} if index % 2 == 0 else set()
        given[person_id] = simulated_answers(instrument, rng, tags)
        submit_fast(engine, person_id, instrument, given[person_id], start + timedelta(hours=index))
    return org, people, given


def report_for(engine, instrument, person_id: int, **arguments) -> quality.QualityReport:
    arguments.setdefault("min_sample", MIN_SAMPLE)
    with session_scope(engine) as session:
        viewer = load_viewer(session=session, person_id=person_id)
        return quality.quality_report(
            session=session, viewer=viewer, instrument=instrument, **arguments
        )


@pytest.fixture
def sample(engine, instrument):
    return build_sample(engine, instrument, 35)


def test_reliability_and_item_analysis_on_a_realistic_sample(engine, instrument, sample):
    org, people, given = sample
    report = report_for(engine, instrument, org.hr)
    assert report.ok and report.refused is None
    assert report.people == 35
    skills = report.skills.set_index("skill_id")
    assert list(skills.index) == instrument.skill_ids

    # A latent trait drives the answers: the skills without a planted fault are reliable.
    healthy = skills.drop(index=["COM", "REM"])
    assert (healthy["alpha"] > 0.80).all(), healthy["alpha"]
    assert (healthy["omega"] > 0.80).all(), healthy["omega"]
    assert not healthy["flagged"].any()

    # The alpha is the one psychometrics gives on the same keyed person x item matrix.
    pln = pd.DataFrame(
        {
            item.id: [
                math.nan if given[p].get(item.id) is None
                else (6 - given[p][item.id] if item.reverse else given[p][item.id])
                for p in people
            ]
            for item in instrument.skill("PLN").items
        }
    )  # fmt: skip
    assert skills.loc["PLN", "alpha"] == pytest.approx(psychometrics.cronbach_alpha(pln))
    assert skills.loc["PLN", "omega"] == pytest.approx(psychometrics.omega_total(pln))
    assert skills.loc["PLN", "people"] == 35 and skills.loc["PLN", "items"] == 6

    # The statement answered the wrong way round is caught, and drags its skill down.
    items = report.items.set_index("item_id")
    wrong = items.loc[REVERSED_BY_MISTAKE]
    assert wrong["flag"] == quality.KEYING_ERROR
    assert wrong["item_rest"] < 0
    assert wrong["alpha_if_deleted"] > skills.loc["COM", "alpha"]
    assert skills.loc["COM", "flagged"]
    assert skills.loc["COM", "alpha"] < quality.MIN_RELIABILITY
    others = items[(items.index != REVERSED_BY_MISTAKE) & items["item_rest"].notna()]
    assert (others["flag"] == "").all(), others[others["flag"] != ""]
    assert (others["item_rest"] > quality.MIN_ITEM_REST).all()

    # "Not applicable" share: answers marked N/A over answers given.
    pln1 = [given[p]["PLN1"] for p in people]
    assert items.loc["PLN1", "answers"] == 35
    assert items.loc["PLN1", "not_applicable"] == sum(v is None for v in pln1)
    assert items.loc["PLN1", "not_applicable_share"] == pytest.approx(
        sum(v is None for v in pln1) / 35
    )
    keyed = pd.Series([v for v in pln1 if v is not None], dtype=float)
    assert items.loc["PLN1", "mean"] == pytest.approx(keyed.mean())
    assert items.loc["PLN1", "sd"] == pytest.approx(keyed.std())

    # Reverse-keyed statements are recoded before any figure: their item-rest is positive.
    reverse = [i.id for s in instrument.skills for i in s.items if i.reverse and s.id != "REM"]
    counted = [r for r in reverse if items.loc[r, "rated"] >= 30]
    shown = items.loc[counted, "item_rest"].dropna()
    assert (shown > 0).all() and len(shown) >= len(counted) - 3
    # A statement left out by the overlap rule says so instead of showing a figure.
    for item_id in set(counted) - set(shown.index):
        assert "Left out" in items.loc[item_id, "note"]


def test_too_small_a_skill_or_statement_gets_no_numbers_but_a_note(engine, instrument, sample):
    org, _people, _given = sample
    report = report_for(engine, instrument, org.admin)
    skills = report.skills.set_index("skill_id")
    # Only the 18 remote managers rate the remote skill.
    assert skills.loc["REM", "people"] == 18
    assert math.isnan(skills.loc["REM", "alpha"]) and math.isnan(skills.loc["REM", "omega"])
    assert "Only 18 people" in skills.loc["REM", "note"]
    # Nobody oversees a vendor: those statements are left out of their skill's alpha.
    vendor_items = [i.id for s in instrument.skills for i in s.items if i.applies_to == "vendor"]
    assert vendor_items
    items = report.items.set_index("item_id")
    for item_id in vendor_items:
        assert items.loc[item_id, "answers"] == 0
        assert math.isnan(items.loc[item_id, "mean"]) and items.loc[item_id, "flag"] == ""
        assert "Only 0 ratings" in items.loc[item_id, "note"]
        skill_id = instrument.skill_of_item(item_id)
        assert item_id in skills.loc[skill_id, "note"]
        assert not math.isnan(skills.loc[skill_id, "alpha"])


def test_too_few_people_is_refused_with_a_reason_and_no_numbers(engine, instrument):
    org, _people, _given = build_sample(engine, instrument, 12)
    report = report_for(engine, instrument, org.hr)
    assert not report.ok
    assert report.refused == (
        "Only 12 people submitted in this period; at least 30 are needed for a stable "
        "reliability estimate."
    )
    assert report.skills.empty and report.items.empty
    # A smaller minimum (Settings.min_quality_sample) lets the same data through.
    assert report_for(engine, instrument, org.hr, min_sample=10).ok


def test_the_period_and_the_latest_submission_in_it(engine, instrument):
    org, people, given = build_sample(engine, instrument, 4)
    # The first person submits again a month later, with every statement at 5.
    later = START + timedelta(days=30)
    submit_fast(engine, people[0], instrument, dict.fromkeys(given[people[0]], 5), later)

    def sample(**period):
        report = report_for(engine, instrument, org.hr, min_sample=1, **period)
        if not report.ok:
            return report.people, None
        return report.people, report.items.set_index("item_id").loc["PLN1", "answers"]

    assert sample() == (4, 4)  # each person once, with their latest
    assert sample(until=START.date())[0] == 4
    assert sample(since=later.date()) == (1, 1)
    assert sample(since=later.date() + timedelta(days=1)) == (0, None)
    one_day = report_for(engine, instrument, org.hr, min_sample=2, since=later.date(),
                         until=later.date())  # fmt: skip
    assert one_day.refused == (
        "Only 1 person submitted in this period; at least 2 are needed for a stable "
        "reliability estimate."
    )
    # The first person's later answers (all 5) replace the earlier ones.
    latest = report_for(engine, instrument, org.hr, min_sample=2)
    pln1 = latest.items.set_index("item_id").loc["PLN1"]
    expected = [5 if p == people[0] else given[p]["PLN1"] for p in people]
    assert pln1["rated"] == sum(v is not None for v in expected)
    with pytest.raises(InvalidInput, match="start date is after the end date"):
        report_for(engine, instrument, org.hr, since=date(2026, 5, 1), until=date(2026, 4, 1))


def test_a_cohort_sample(engine, instrument):
    org, people, _given = build_sample(engine, instrument, 6)
    with session_scope(engine) as session:
        hr = load_viewer(session=session, person_id=org.hr)
        cohort_id = cohorts.create_cohort(
            session=session, viewer=hr, name="March intake", start_date=date(2026, 3, 1)
        )
        # Four members have submitted; one never has (sup_a1 of the factory org).
        cohorts.add_members(
            session=session, viewer=hr, cohort_id=cohort_id, person_ids=[*people[:4], org.sup_a1]
        )
    report = report_for(engine, instrument, org.hr, cohort_id=cohort_id, min_sample=5)
    assert report.people == 4 and report.cohort == "March intake"
    assert report.refused == (
        "Only 4 members of the cohort 'March intake' submitted; at least 5 are needed for a "
        "stable reliability estimate."
    )
    assert report_for(engine, instrument, org.hr, cohort_id=cohort_id, min_sample=4).ok
    with pytest.raises(AccessDenied, match="or it does not exist"):  # read as someone else's
        report_for(engine, instrument, org.hr, cohort_id=cohort_id + 99)


@pytest.mark.parametrize("who", ["sup_a1", "coach_a"])
def test_supervisors_and_coaches_are_refused(engine, instrument, who):
    with session_scope(engine) as session:
        org: Org = build_org(session)
    with pytest.raises(AccessDenied):
        report_for(engine, instrument, getattr(org, who))


def test_a_statistic_that_cannot_be_computed_leaves_an_empty_cell_and_a_note(instrument):
    # Everyone gives every DEC statement the same keyed answer: no variance, no alpha.
    rng = np.random.default_rng(3)
    rows = []
    for person in range(40):
        for item_id, value in simulated_answers(instrument, rng).items():
            if instrument.skill_of_item(item_id) == "DEC":
                value = 6 - 4 if instrument.item(item_id).reverse else 4
            rows.append((person, item_id, value))
    answers = pd.DataFrame(rows, columns=["person_id", "item_id", "value"])
    skills, items = quality.analyse(answers, instrument, MIN_SAMPLE)
    dec = skills.set_index("skill_id").loc["DEC"]
    assert math.isnan(dec["alpha"]) and math.isnan(dec["omega"]) and not dec["flagged"]
    # Notes are texts worded when shown (issue 25: one computation serves every language).
    note = str(dec["note"])
    assert "Alpha not computed" in note and "Omega not computed" in note
    dec1 = items.set_index("item_id").loc["DEC1"]
    assert dec1["mean"] == 4 and dec1["sd"] == 0
    assert math.isnan(dec1["item_rest"]) and dec1["flag"] == ""
    assert not math.isnan(skills.set_index("skill_id").loc["PLN", "alpha"])


def test_alpha_chart_draws_one_bar_per_skill_with_alpha_and_the_070_rule(instrument):
    rng = np.random.default_rng(5)
    rows = [
        (person, item_id, value)
        for person in range(40)
        for item_id, value in simulated_answers(instrument, rng).items()
    ]
    skills, items = quality.analyse(
        pd.DataFrame(rows, columns=["person_id", "item_id", "value"]), instrument, MIN_SAMPLE
    )
    report = quality.QualityReport(40, MIN_SAMPLE, None, None, None, None, skills, items,
                                   instrument.scenario_key_status)  # fmt: skip
    assert report.scenario_key_provisional
    spec = quality.alpha_chart(report).to_dict()
    rows_drawn = {name: len(data) for name, data in spec["datasets"].items()}
    assert sorted(rows_drawn.values()) == [1, int(skills["alpha"].notna().sum())]
    rule = next(layer for layer in spec["layer"] if layer["mark"]["type"] == "rule")
    assert spec["datasets"][rule["data"]["name"]] == [{"threshold": 0.7}]
    drawn = json.dumps(spec)
    assert "Below 0.70" in drawn and instrument.skill("PLN").name in drawn


def test_the_statistics_r_psych_users_expect_on_a_realistic_sample(engine, instrument, sample):
    org, people, given = sample
    report = report_for(engine, instrument, org.hr)
    skills = report.skills.set_index("skill_id")
    pln_items = [item for item in instrument.skill("PLN").items]
    pln = pd.DataFrame(
        {
            item.id: [
                math.nan if given[p].get(item.id) is None
                else (6 - given[p][item.id] if item.reverse else given[p][item.id])
                for p in people
            ]
            for item in pln_items
        }
    )  # fmt: skip
    row = skills.loc["PLN"]
    estimate = psychometrics.cronbach_alpha_ci(pln)
    assert (row["alpha_low"], row["alpha_high"]) == pytest.approx(
        (estimate.ci_lower, estimate.ci_upper)
    )
    assert row["lambda6"] == pytest.approx(structure.guttman_lambda6(pln))
    assert row["omega_low"] < row["omega"] < row["omega_high"]
    assert row["components"] == 1 and row["one_thing"]
    assert pd.isna(row["items_for_080"])  # already above 0.80
    com = skills.loc["COM"]
    assert com["items_for_080"] == psychometrics.items_needed(com["alpha"], com["items"])
    assert 0 <= row["ceiling_share"] <= 1
    # One general factor runs through the simulated answers (a shared latent trait). With 35
    # people and more statements, psych's exploratory model cannot be fitted: the skills
    # model leads, and the report says why.
    assert report.general is not None and report.general.method == structure.SKILLS
    assert 0.5 < report.general.omega_h <= report.general.omega_t <= 1
    statements = len(report.general.general)
    assert report.general_note == (
        "The exploratory model was not fitted: 35 people answered; the factor model needs "
        f"{statements + 1}."
    )
    assert report.general_skills is None and report.factors_follow_skills is None
    items = report.items.set_index("item_id")
    shares = items.loc["PLN1", quality.ANSWER_COLUMNS]
    answered = pd.Series([given[p]["PLN1"] for p in people]).dropna()
    for value, column in zip(quality.ANSWER_VALUES, quality.ANSWER_COLUMNS, strict=True):
        assert shares[column] == pytest.approx((answered == value).mean())


def _counting(compute):
    """`compute` wrapped to record each call's arguments: (the calls, the wrapper)."""
    calls = []

    def counted(*arguments):
        calls.append(arguments)
        return compute(*arguments)

    return calls, counted


def test_reports_are_computed_once_per_data_version(engine, instrument, sample):
    org, people, _given = sample
    reports = quality.QualityReports()
    computed, counted = _counting(quality._report)

    def get(viewer_id=org.hr):
        with session_scope(engine) as session:
            viewer = load_viewer(session=session, person_id=viewer_id)
            return reports.get(
                session=session, viewer=viewer, instrument=instrument, min_sample=MIN_SAMPLE
            )

    with mock.patch.object(quality, "_report", counted):
        first = get()
        pd.testing.assert_frame_equal(get().skills, first.skills)
        assert len(computed) == 1
        first.skills["alpha"] = -1.0  # each caller has its own copy
        assert (get().skills["alpha"].dropna() > 0).all()
        with pytest.raises(AccessDenied):
            get(people[0])
        rng = np.random.default_rng(99)
        with session_scope(engine) as session:
            newcomer = add_supervisors(session, org.team_a, 1, prefix="Late")[0]
        submit_fast(engine, newcomer, instrument, simulated_answers(instrument, rng), START)
        assert get().people == 36 and len(computed) == 2


def test_a_report_is_computed_once_for_every_language(engine, instrument, sample):
    """Issue 25: switching language on the quality page words the cached report anew and
    does not compute it again (seconds on the demo data), and each language reads exactly
    what a report computed in it reads."""
    org, _people, _given = sample
    reports = quality.QualityReports()
    computed, counted = _counting(quality._report)

    def report(get):
        with session_scope(engine) as session:
            viewer = load_viewer(session=session, person_id=org.hr)
            return get(session=session, viewer=viewer, instrument=instrument,
                       min_sample=MIN_SAMPLE)  # fmt: skip

    shown = {}
    with mock.patch.object(quality, "_report", counted):
        for language in ("en", "fr", "ar", "es"):
            with i18n.using(language):
                shown[language] = report(reports.get)
    assert len(computed) == 1
    with i18n.using("fr"):
        direct = report(quality.quality_report)
    pd.testing.assert_frame_equal(shown["fr"].skills, direct.skills)
    pd.testing.assert_frame_equal(shown["fr"].items, direct.items)
    assert shown["fr"].general_note == direct.general_note
    assert shown["fr"].general.notes == direct.general.notes
    # The words are each language's own: the flag of the statement scored the wrong way round.
    flags = {language: r.items.set_index("item_id").loc[REVERSED_BY_MISTAKE, "flag"]
             for language, r in shown.items()}  # fmt: skip
    assert flags["en"] == quality.KEYING_ERROR
    assert len(set(flags.values())) == 4, flags
    assert all(isinstance(note, str) for note in shown["ar"].items["note"])


def test_one_place_decides_who_gets_a_report_cached_or_not(engine, instrument, sample):
    """Issue 20 clean-up: `QualityReports.get` and `quality_report` take their access and
    period checks from `report_scope` alone, on a cache hit as on a miss."""
    org, people, _given = sample
    reports = quality.QualityReports()
    decided = []
    scope = quality.report_scope

    def spy(**arguments):
        decided.append(arguments["viewer"].person_id)
        return scope(**arguments)

    def get(viewer_id, **extra):
        with session_scope(engine) as session:
            viewer = load_viewer(session=session, person_id=viewer_id)
            return reports.get(
                session=session, viewer=viewer, instrument=instrument, min_sample=MIN_SAMPLE,
                **extra,
            )  # fmt: skip

    with mock.patch.object(quality, "report_scope", spy):
        get(org.hr)  # computed
        get(org.hr)  # cached
        assert decided == [org.hr, org.hr]
        with pytest.raises(AccessDenied):
            get(people[0])  # a supervisor, though the report is cached
        with pytest.raises(AccessDenied, match="or it does not exist"):
            get(org.hr, cohort_id=999_999)
        with pytest.raises(InvalidInput, match="start date is after the end date"):
            get(org.hr, since=date(2026, 5, 1), until=date(2026, 4, 1))
        with pytest.raises(InvalidInput, match="start date is after the end date"):
            report_for(engine, instrument, org.hr, since=date(2026, 5, 1), until=date(2026, 4, 1))
        assert len(decided) == 6


def test_the_general_factor_leads_with_psychs_exploratory_model_when_people_suffice(instrument):
    """With more people than statements the page leads with what R psych's omega computes
    (one exploratory group factor per skill) and shows the skills model beside it; both
    come from the same statements' correlations as `structure` computes them."""
    rng = np.random.default_rng(20)
    rows = [
        (person, item_id, value)
        for person in range(300)
        for item_id, value in simulated_answers(
            instrument, rng, {"remote_or_offshore"} if person % 2 == 0 else set()
        ).items()
    ]
    answers = pd.DataFrame(rows, columns=["person_id", "item_id", "value"])
    found = quality.general_factors(answers, instrument, MIN_SAMPLE)
    assert found.note == "" and found.lead is found.exploratory
    exploratory, skills = found.exploratory, found.skills
    assert exploratory.method == structure.EXPLORATORY and skills.method == structure.SKILLS
    items = list(skills.general.index)
    assert list(exploratory.general.index) == items
    assert len(exploratory.second_order) == len(skills.second_order) == len(instrument.skills)
    assert 0.5 < exploratory.omega_h <= exploratory.omega_t <= 1
    followed, statements = found.follow
    assert statements == len(items) and 0 < followed <= statements

    wide = answers.pivot_table(index="person_id", columns="item_id", values="value")
    keyed = pd.concat([reliability.keyed(wide, s) for s in instrument.skills], axis=1)[items]
    corr = pd.DataFrame(structure.correlations(keyed), index=items, columns=items)
    clusters = {item.id: s.name for s in instrument.skills for item in s.items}
    again = structure.exploratory_general_factor(corr, len(instrument.skills))
    assert exploratory.omega_h == pytest.approx(again.omega_h, abs=1e-12)
    assert skills.omega_h == pytest.approx(
        structure.general_factor(corr, clusters).omega_h, abs=1e-12
    )
    # The statement answered the wrong way round is named in both models.
    assert any(f"{REVERSED_BY_MISTAKE} loads negatively on the general factor" in str(note)
               for note in exploratory.notes)  # fmt: skip
    assert any(f"{REVERSED_BY_MISTAKE} loads negatively on the skill" in str(note)
               for note in skills.notes)  # fmt: skip


def test_too_few_people_for_the_exploratory_model_leave_the_skills_model_with_a_reason(
    instrument,
):
    rng = np.random.default_rng(21)
    rows = [
        (person, item_id, value)
        for person in range(40)
        for item_id, value in simulated_answers(instrument, rng).items()
    ]
    answers = pd.DataFrame(rows, columns=["person_id", "item_id", "value"])
    found = quality.general_factors(answers, instrument, MIN_SAMPLE)
    assert found.exploratory is None and found.lead is found.skills is not None
    assert str(found.note).startswith("The exploratory model was not fitted: 40 people answered")
