"""360 reports read from the database through the access policy (issue 22, items 5-7), on
SQLite and PostgreSQL: 1- and 2-person groups, other people's ids, rounds not yet closed.
Every view is checked with the one property, `multirater.violations`."""

from __future__ import annotations

import io
import itertools
import re
from datetime import UTC, date, datetime

import openpyxl
import pandas as pd
import pytest
from sqlmodel import col, select

from leadcoach.assessment.rater_forms import score_rows
from leadcoach.instrument import bank
from leadcoach.measurement import groups
from leadcoach.measurement import multirater as mr
from leadcoach.measurement.reliability import SkillReliability, change_threshold
from leadcoach.people.access import load_viewer
from leadcoach.platform.config import PACKAGE_ROOT
from leadcoach.platform.db import session_scope
from leadcoach.platform.errors import AccessDenied
from leadcoach.platform.models import (
    Cohort,
    CohortMember,
    FeedbackRound,
    Person,
    RaterAnswer,
    RaterForm,
    RaterNomination,
)
from leadcoach.programmes import feedback_reports as fr
from leadcoach.programmes.feedback_rounds import _feedback_instrument
from leadcoach.reporting import exports
from tests import factories

_tokens = itertools.count()


@pytest.fixture(scope="module")
def rater_instrument() -> bank.Instrument:
    return bank.load_bank(PACKAGE_ROOT / "assessments").current("leadcoach-core")


def thresholds(instrument) -> dict:
    result = {}
    for skill in instrument.skills:
        items = tuple(item.id for item in skill.items)
        source = SkillReliability(skill.id, 0.85, 200, items, as_of=date(2026, 1, 1))
        result[skill.id] = change_threshold(skill.id, 15.0, 200, source)
    return result


def add_round(session, instrument, supervisor_id, raters, *, status="closed", closes=None,
              cohort_id=None, campaign="", keep="") -> int:  # fmt: skip
    """A round with submitted forms: raters = {group: [keyed value per rater]}; each rater
    answers every statement of the skills their group rates, keyed to that value."""
    supervisor = session.get(Person, supervisor_id)
    closes = closes or date(2026, 6, 30)
    feedback_round = FeedbackRound(
        supervisor_id=supervisor_id, cohort_id=cohort_id, campaign=campaign,
        instrument_id=_feedback_instrument(session, instrument),
        opens_on=date(closes.year, closes.month, 1), closes_on=closes, status=status,
    )  # fmt: skip
    session.add(feedback_round)
    session.flush()
    for group, values in raters.items():
        for value in values:
            number = next(_tokens)
            nomination = RaterNomination(
                round_id=feedback_round.id, rater_name=f"Rater {number}",
                rater_email=f"rater{number}@test.example", rater_group=group, status="approved",
            )  # fmt: skip
            session.add(nomination)
            session.flush()
            form = RaterForm(
                nomination_id=nomination.id, round_id=feedback_round.id,
                supervisor_id=supervisor_id, rater_group=group,
                instrument_id=feedback_round.instrument_id, token_hash=f"{number:064d}",
                expires_at=datetime(2030, 1, 1, tzinfo=UTC), status="submitted",
                submitted_at=datetime(2026, 6, 1, tzinfo=UTC),
                keep_doing=keep and f"{keep} {number}",
            )  # fmt: skip
            session.add(form)
            session.flush()
            skills = set(instrument.observable_skills(group)) if group != "self" else None
            answers = {
                item.id: (6 - value if item.reverse else value)
                for skill in instrument.skills
                for item in skill.items
                if skills is None or skill.id in skills
            }
            session.add_all(
                RaterAnswer(form_id=form.id, item_id=item, value=v) for item, v in answers.items()
            )
            session.add_all(score_rows(instrument, form.id, group, supervisor, answers))
    session.flush()
    return feedback_round.id


def check(result, session, round_ids, min_raters=3, **where):
    ratings = fr.ratings_of(session, round_ids)
    per = fr.per_rater_of(session, col(RaterForm.round_id).in_(round_ids))
    comments = fr.comments_of(session, round_ids)
    items = mr.item_table(session.info.get("instrument"))
    return mr.violations(
        result, ratings, items, min_raters=min_raters, per_rater=per, comments=comments, **where
    )


def test_report_after_the_close_only_for_the_supervisor_and_their_coach(engine, rater_instrument):
    instrument = rater_instrument
    with session_scope(engine) as session:
        session.info["instrument"] = instrument
        org = factories.build_org(session)
        first = add_round(
            session, instrument, org.sup_a1, {"self": [5], "direct_report": [4, 4, 4]},
            closes=date(2026, 1, 31),
        )  # fmt: skip
        latest = add_round(
            session, instrument, org.sup_a1,
            {"self": [5], "manager": [4], "peer": [1, 1], "direct_report": [2, 2, 3]},
            keep="Clear",
        )  # fmt: skip
        running = add_round(session, instrument, org.sup_a1, {"direct_report": [1, 1, 1]},
                            status="open", closes=date(2026, 12, 31))  # fmt: skip
        me = load_viewer(session=session, person_id=org.sup_a1)
        args = {"instrument": instrument, "thresholds": thresholds(instrument), "min_raters": 3}
        report = fr.supervisor_report(session=session, viewer=me, supervisor_id=org.sup_a1, **args)
        assert report.round_id == latest
        groups_shown = set(report.skills["group"])
        assert "peer" not in groups_shown and "peer" in report.hidden_groups
        assert {"self", "manager", "direct_report", "others"} <= groups_shown
        others = report.skills[report.skills["group"] == "others"]
        assert others["raters"].max() == 4  # the manager and three agents, never the peers
        assert set(report.responses["group"]) == {"manager", "direct_report"}
        assert report.comments["text"].str.startswith("Clear").all()
        assert len(report.comments) == 4  # manager's and agents', never the two peers'
        assert (report.change["verdict"] == mr.REAL_DROP).any()
        assert check(report, session, [first, latest], supervisor_id=org.sup_a1,
                     round_id=latest) == []  # fmt: skip
        # The open round is not readable, even by its id.
        with pytest.raises(AccessDenied):
            fr.supervisor_report(session=session, viewer=me, supervisor_id=org.sup_a1,
                                 round_id=running, **args)  # fmt: skip
        coach = load_viewer(session=session, person_id=org.coach_a)
        assert (
            fr.supervisor_report(
                session=session, viewer=coach, supervisor_id=org.sup_a1, **args
            ).round_id
            == latest
        )
        # Other people's ids: another supervisor, a coach of another team, HR, admin, nobody.
        add_round(session, instrument, org.sup_b1, {"self": [3], "peer": [3, 3, 3]})
        refusals = [
            (org.sup_a2, org.sup_a1), (org.sup_a1, org.sup_b1), (org.coach_a, org.sup_b1),
            (org.hr, org.sup_a1), (org.admin, org.sup_a1), (org.sup_a1, 999_999),
        ]  # fmt: skip
        for viewer_id, subject in refusals:
            viewer = load_viewer(session=session, person_id=viewer_id)
            with pytest.raises(AccessDenied) as refused:
                fr.supervisor_report(session=session, viewer=viewer, supervisor_id=subject, **args)
            assert "do not have access" in str(refused.value)


def test_only_open_rounds_give_no_report(engine, rater_instrument):
    with session_scope(engine) as session:
        org = factories.build_org(session)
        add_round(session, rater_instrument, org.sup_a1, {"self": [4], "peer": [4, 4, 4]},
                  status="open")  # fmt: skip
        me = load_viewer(session=session, person_id=org.sup_a1)
        assert fr.supervisor_report(
            session=session, viewer=me, supervisor_id=org.sup_a1, instrument=rater_instrument,
            thresholds=thresholds(rater_instrument), min_raters=3,
        ) is None  # fmt: skip


def test_xlsx_of_a_report_has_no_rater_and_no_hidden_group(engine, rater_instrument):
    with session_scope(engine) as session:
        org = factories.build_org(session)
        add_round(
            session, rater_instrument, org.sup_a1,
            {"self": [5], "peer": [1], "direct_report": [3, 3, 3]}, keep="Secret",
        )  # fmt: skip
        coach = load_viewer(session=session, person_id=org.coach_a)
        report = fr.supervisor_report(
            session=session, viewer=coach, supervisor_id=org.sup_a1, instrument=rater_instrument,
            thresholds=thresholds(rater_instrument), min_raters=3,
        )  # fmt: skip
        data = exports.workbook(fr.report_tables(report))
    book = openpyxl.load_workbook(io.BytesIO(data))
    text = " ".join(
        str(cell) for sheet in book for row in sheet.iter_rows(values_only=True) for cell in row
    )
    assert "Peers" not in text and "peer" not in text
    assert "Direct reports" in text or "Agents" in text
    assert not re.search(r"Rater \d", text) and "@" not in text  # no rater's name or email


def test_coach_heatmap_with_others_only_their_teams(engine, rater_instrument):
    with session_scope(engine) as session:
        session.info["instrument"] = rater_instrument
        org = factories.build_org(session)
        one = add_round(session, rater_instrument, org.sup_a1,
                        {"self": [5], "direct_report": [3, 3, 3], "peer": [1, 1]})  # fmt: skip
        two = add_round(session, rater_instrument, org.sup_a2, {"self": [2], "peer": [4]})
        add_round(session, rater_instrument, org.sup_b1, {"self": [3], "peer": [3, 3, 3]})
        coach = load_viewer(session=session, person_id=org.coach_a)
        table = fr.team_self_and_others(
            session=session, viewer=coach, instrument=rater_instrument, min_raters=3
        )
        assert set(table["supervisor_id"]) == {org.sup_a1, org.sup_a2}
        a2 = table[table["supervisor_id"] == org.sup_a2]
        assert a2["others"].isna().all()  # one peer: nothing of others is shown
        a1 = table[table["supervisor_id"] == org.sup_a1]
        assert (a1["raters"].dropna() == 3).all()  # agents only
        frame = table.assign(group="others", round_id=table["supervisor_id"].map(
            {org.sup_a1: one, org.sup_a2: two}))  # fmt: skip
        shown = frame[frame["others"].notna()].rename(columns={"others": "score"})
        assert check(shown, session, [one, two]) == []
        for viewer_id in (org.hr, org.admin, org.sup_a1):
            with pytest.raises(AccessDenied):
                fr.team_self_and_others(
                    session=session, viewer=load_viewer(session=session, person_id=viewer_id),
                    instrument=rater_instrument, min_raters=3,
                )  # fmt: skip
        with pytest.raises(AccessDenied):
            fr.team_self_and_others(session=session, viewer=coach, instrument=rater_instrument,
                                    min_raters=3, team_ids=[org.team_b])  # fmt: skip


def test_cohort_self_other_is_aggregates_over_enough_supervisors(engine, rater_instrument):
    with session_scope(engine) as session:
        org = factories.build_org(session)
        cohort = Cohort(name="Intake", start_date=date(2026, 1, 1))
        session.add(cohort)
        session.flush()
        people = [org.sup_a1, org.sup_a2, org.sup_b1]
        session.add_all(CohortMember(cohort_id=cohort.id, person_id=p) for p in people)
        for index, person in enumerate(people):
            add_round(session, rater_instrument, person,
                      {"self": [5], "direct_report": [2, 2, 3]}, cohort_id=cohort.id,
                      campaign="Spring", closes=date(2026, 3, 31))  # fmt: skip
            add_round(session, rater_instrument, person,
                      {"self": [5], "direct_report": [3 + index % 2, 4, 4], "peer": [5]},
                      cohort_id=cohort.id, campaign="Autumn")  # fmt: skip
        hr = load_viewer(session=session, person_id=org.hr)
        args = {"session": session, "cohort_id": cohort.id, "instrument": rater_instrument,
                "thresholds": thresholds(rater_instrument), "min_raters": 3}  # fmt: skip
        result = fr.cohort_self_other(viewer=hr, min_group=3, **args)
        assert result.campaigns == ["Spring", "Autumn"]
        full = result.agreement[result.agreement["n"] == 3]
        assert len(full) >= 8  # the skills agents rate
        assert (full["difference"] > 0).all()  # self 100, others 25-75
        assert result.agreement.loc[result.agreement["n"] < 3, "self_mean"].isna().all()
        shown_change = result.change[result.change["n"] >= 3]
        assert len(shown_change) >= 8 and (shown_change["change"] > 0).all()
        assert groups.violations(result, 3) == []
        hidden = fr.cohort_self_other(viewer=hr, min_group=4, **args)
        assert hidden.agreement["self_mean"].isna().all()
        assert hidden.change["change"].isna().all()
        assert groups.violations(hidden, 4) == []
        for viewer_id in (org.coach_a, org.sup_a1):
            with pytest.raises(AccessDenied):
                fr.cohort_self_other(
                    viewer=load_viewer(session=session, person_id=viewer_id), min_group=3, **args
                )


def test_no_frame_of_the_reports_names_a_rater(engine, rater_instrument):
    """The loaders' private frames hold form ids; nothing returned to a page does."""
    with session_scope(engine) as session:
        org = factories.build_org(session)
        add_round(session, rater_instrument, org.sup_a1, {"self": [4], "peer": [4, 4, 4]})
        me = load_viewer(session=session, person_id=org.sup_a1)
        report = fr.supervisor_report(
            session=session, viewer=me, supervisor_id=org.sup_a1, instrument=rater_instrument,
            thresholds=thresholds(rater_instrument), min_raters=3,
        )  # fmt: skip
        for frame in fr.report_tables(report).values():
            assert not (mr.RATER_COLUMNS & set(map(str, frame.columns)))
        assert not set(pd.DataFrame(report.comments).columns) - {"question", "group", "text"}
        assert session.exec(select(RaterForm.id)).all()
