"""AppTest: the supervisor journey, for a demo supervisor with history and a brand-new one."""

from __future__ import annotations

import json
import re
import sqlite3
from datetime import timedelta

import pyarrow.ipc as ipc
import pytest
from sqlmodel import Session, select
from streamlit.testing.v1 import AppTest

from leadcoach import demo
from leadcoach.assessment import journey, responses, results
from leadcoach.coaching import plans
from leadcoach.instrument import bank
from leadcoach.people import access, people
from leadcoach.platform.config import Settings
from leadcoach.platform.db import make_engine, migrate, session_scope
from leadcoach.platform.errors import AccessDenied
from leadcoach.platform.models import (
    AssessmentDraft,
    DevelopmentGoal,
    GoalCheckIn,
    Person,
    Submission,
)
from leadcoach.ui.text import md
from tests.ui.conftest import DEMO_TODAY, app_signed_in_as, person_id, table_with

HOME = "pages/supervisor/home.py"
ASSESSMENT = "pages/supervisor/assessment.py"
RESULTS = "pages/supervisor/results.py"
GROWTH = "pages/supervisor/growth.py"
PLAN = "pages/supervisor/plan.py"
NOT_APPLICABLE = 0  # the assessment page's widget value for "Not applicable"


@pytest.fixture
def own_demo(demo_url, tmp_path) -> str:
    """A private copy of the demo database, for tests that write to it."""
    target_path = tmp_path / "demo.db"
    source = sqlite3.connect(demo_url.removeprefix("sqlite:///"))
    target = sqlite3.connect(target_path)
    source.backup(target)
    source.close()
    target.close()
    return f"sqlite:///{target_path}"


def open_page(url: str, name: str, page: str, monkeypatch, **query: str) -> AppTest:
    at = app_signed_in_as(url, name, monkeypatch)
    for key, value in query.items():
        at.query_params[key] = value
    at.run()
    at.switch_page(page).run()
    assert not at.exception, at.exception
    return at


def texts(at: AppTest) -> str:
    kinds = ("title", "header", "subheader", "markdown", "caption", "info", "success",
             "warning", "error")  # fmt: skip
    return "\n".join(str(element.value) for kind in kinds for element in getattr(at, kind))


def charts(at: AppTest) -> list:
    return at.get("vega_lite_chart")


def chart_rows(chart) -> int:
    """How many data rows a drawn Altair chart carries."""
    spec = json.loads(chart.proto.spec)
    inline = sum(len(d) for d in spec.get("datasets", {}).values())
    arrow = sum(ipc.open_stream(d.data.data).read_all().num_rows for d in chart.proto.datasets)
    return inline + arrow


def db_session(url: str) -> Session:
    return session_scope(make_engine(Settings(database_url=url)))


def viewer_of(session: Session, url: str, name: str) -> access.Viewer:
    return access.load_viewer(session=session, person_id=person_id(url, name))


def current_instrument() -> bank.Instrument:
    settings = Settings()
    return bank.load_bank(settings.assessments_dir).current(settings.instrument_id)


def draft_of(url: str, name: str) -> responses.DraftState | None:
    with db_session(url) as session:
        viewer = viewer_of(session, url, name)
        draft_id = responses.current_draft_id(
            session=session, viewer=viewer, person_id=viewer.person_id
        )
        if draft_id is None:
            return None
        return responses.load_draft(session=session, viewer=viewer, draft_id=draft_id)


def answer_the_rest(url: str, name: str, skip_skill: str | None = None) -> None:
    """Answer every open question of this person's draft through the core, as another
    device would; the items of `skip_skill` stay unanswered."""
    state = draft_of(url, name)
    with db_session(url) as session:
        viewer = viewer_of(session, url, name)
        questions = [
            (item.id, "", 3)
            for skill, item in state.instrument.items_for(state.tags)
            if item.id not in state.item_answers and skill.id != skip_skill
        ] + [
            (scenario.id, option.id, 2)
            for _, scenario in state.instrument.scenarios_for(state.tags)
            for option in scenario.options
        ]
        for item_id, option_id, value in questions:
            responses.save_answer(
                session=session, viewer=viewer, draft_id=state.draft_id, item_id=item_id,
                option_id=option_id, value=value,
            )  # fmt: skip


def button(at: AppTest, label: str):
    return next(b for b in at.button if b.label == label)


def go_to_step(at: AppTest, title: str) -> AppTest:
    """Press Next until the step with this title shows (as a keyboard user would)."""
    for _ in range(30):
        if at.header and at.header[0].value == title:
            return at
        button(at, "Next").click().run()
        assert not at.exception, at.exception
    raise AssertionError(f"no step titled {title!r}")


# 1. Home page: the next step


def test_home_tells_a_new_supervisor_to_start(demo_url, monkeypatch):
    at = open_page(demo_url, "Sam Torres", HOME, monkeypatch)
    assert "Take your first self-assessment" in texts(at)
    assert "Start the assessment" in [link.proto.label for link in at.get("page_link")]
    assert at.metric[0].value == "0"
    assert "You have no development goals yet" in texts(at)


def test_home_tells_a_supervisor_with_a_draft_how_much_is_saved_and_left(demo_url, monkeypatch):
    draft = draft_of(demo_url, "Rhea Domingo")
    assert draft is not None and 0 < draft.questions_answered < draft.questions_total
    at = open_page(demo_url, "Rhea Domingo", HOME, monkeypatch)
    assert (
        f"{draft.questions_answered} of {draft.questions_total} answers are saved; about "
        f"{journey.minutes_left(draft)} minutes to go"
    ) in texts(at)
    assert "Resume the assessment" in [link.proto.label for link in at.get("page_link")]


@pytest.mark.parametrize(("days", "expected"), [(1, "reassessment is due"),
                                                (700, "next assessment is due on")])  # fmt: skip
def test_home_says_when_the_reassessment_is_due_after_the_configured_days(
    demo_url, monkeypatch, days, expected
):
    monkeypatch.setenv("LEADCOACH_REASSESSMENT_DAYS", str(days))
    at = open_page(demo_url, "Ana Lima", HOME, monkeypatch)
    with db_session(demo_url) as session:
        viewer = viewer_of(session, demo_url, "Ana Lima")
        summary = people.supervisor_summary(
            session=session, viewer=viewer, person_id=viewer.person_id, reassessment_days=days
        )
    assert expected in texts(at)
    assert f"{summary.next_due_at:%d %B %Y}" in texts(at)
    assert at.metric[0].value == str(summary.submissions) == "3"
    assert at.metric[1].value == f"{summary.last_overall_index:.0f}"


# 2. Taking the assessment


def test_a_new_supervisor_starts_answers_resumes_reviews_and_submits_once(own_demo, monkeypatch):
    instrument = current_instrument()
    at = open_page(own_demo, "Sam Torres", ASSESSMENT, monkeypatch)
    assert "About 15 minutes" in texts(at)
    button(at, "Start the assessment").click().run()
    assert draft_of(own_demo, "Sam Torres") is not None

    # Instructions and the scale, once, before the first skill.
    assert at.header[0].value == "Before you start"
    assert all(point.label in texts(at) for point in instrument.scale.points)
    assert instrument.scale.not_applicable_label in texts(at)

    # One step per skill; each answer is in the database as soon as it is given.
    button(at, "Next").click().run()
    first_skill = instrument.skills[0]
    assert at.header[0].value == first_skill.name
    assert [r.label for r in at.radio] == [item.text for item in first_skill.items]
    assert at.radio[0].options[-1] == instrument.scale.not_applicable_label
    at.radio[0].set_value(4).run()
    at.radio[1].set_value(NOT_APPLICABLE).run()
    saved = draft_of(own_demo, "Sam Torres")
    assert saved.item_answers == {first_skill.items[0].id: 4, first_skill.items[1].id: None}
    assert "2 of" in at.get("progress")[0].proto.text

    # A new app session (closed tab, new device, restarted server) resumes exactly there.
    again = open_page(own_demo, "Sam Torres", ASSESSMENT, monkeypatch)
    assert again.header[0].value == first_skill.name
    assert [r.value for r in again.radio[:3]] == [4, NOT_APPLICABLE, None]

    # Items for remote and vendor teams are not shown to a supervisor without such a team.
    shown: list[str] = []
    for _ in instrument.skills_for(saved.tags):
        shown += [r.label for r in again.radio]
        button(again, "Next").click().run()
    tagged = {item.text for _, item in instrument.items_for(frozenset({"remote_or_offshore",
                                                                       "vendor"}))}  # fmt: skip
    untagged = {item.text for _, item in instrument.items_for(frozenset())}
    assert set(shown) == untagged - {""} and not (set(shown) & (tagged - untagged))

    # Scenario steps: options shuffled for this person, in the same order on resume.
    assert again.header[0].value == "Situations 1 to 3"
    order = [r.label for r in again.radio]
    resumed = go_to_step(open_page(own_demo, "Sam Torres", ASSESSMENT, monkeypatch),
                         again.header[0].value)  # fmt: skip
    assert [r.label for r in resumed.radio] == order
    first_scenario = instrument.scenarios_for(saved.tags)[0][1]
    keyed_order = [option.text for option in first_scenario.options]
    assert order[:4] == [option.text for option in saved.option_order(first_scenario)]
    assert sorted(order[:4]) == sorted(keyed_order)

    # The review lists what is unanswered and which skills would lack data.
    review = go_to_step(again, "Review and submit")
    check = journey.review(draft_of(own_demo, "Sam Torres"))
    assert "statements and" in texts(review) and "insufficient data" in texts(review)
    assert all(skill in texts(review) for skill in check.insufficient_skills)
    assert {e.label.split(":")[0] for e in review.expander} >= set(check.unanswered_items)

    # Answer the rest (as if on another device), then submit once, after confirming.
    answer_the_rest(own_demo, "Sam Torres")
    review.run()
    assert "Every question has an answer" in texts(review)
    assert button(review, "Submit assessment").disabled
    review.checkbox[0].check().run()
    button(review, "Submit assessment").click().run()
    assert not review.exception, review.exception
    assert review.title[0].value == "Your results"
    assert "Your assessment is submitted" in texts(review)
    assert len(charts(review)) == 1
    with db_session(own_demo) as session:
        submitted = session.exec(
            select(Submission).where(Submission.draft_id == saved.draft_id)
        ).all()
        assert len(submitted) == 1
        assert session.get(AssessmentDraft, saved.draft_id).submitted_at is not None

    # The assessment page now says when it was submitted and when the next one is due.
    after = open_page(own_demo, "Sam Torres", ASSESSMENT, monkeypatch)
    assert "Submitted on" in texts(after)
    assert "Start the assessment" not in [b.label for b in after.button]


def test_an_answer_whose_callback_was_cut_off_still_reaches_the_database(own_demo, monkeypatch):
    """Streamlit runs a widget's on_change callback inside the script run, where a newer
    interaction (the next answer, given while this run was going) stops it at any session
    state access with a script-control exception, and never calls the callback again. The
    answer the radio shows must be stored all the same (the keyboard-only test lost 1 to 4
    of 140 answers this way on a busy machine)."""
    from streamlit.runtime.scriptrunner_utils.exceptions import StopException

    from leadcoach.ui import auth

    at = open_page(own_demo, "Sam Torres", ASSESSMENT, monkeypatch)
    button(at, "Start the assessment").click().run()
    button(at, "Next").click().run()
    first, second = current_instrument().skills[0].items[:2]
    signed_in, cut = auth.current_viewer, []

    def cut_off_once():
        if not cut:  # the first session-state access of the callback, as Streamlit would
            cut.append(True)
            raise StopException()
        return signed_in()

    monkeypatch.setattr(auth, "current_viewer", cut_off_once)
    at.radio[0].set_value(4).run()  # its callback is cut off before storing
    assert cut and not draft_of(own_demo, "Sam Torres").item_answers
    at.run()  # the newer interaction's run
    assert not at.exception, at.exception
    assert draft_of(own_demo, "Sam Torres").item_answers == {first.id: 4}
    at.radio[1].set_value(2).run()
    assert draft_of(own_demo, "Sam Torres").item_answers == {first.id: 4, second.id: 2}
    assert "2 of" in at.get("progress")[0].proto.text


def test_review_jumps_to_the_step_of_a_gap_and_back_with_one_step_counter(own_demo, monkeypatch):
    instrument = current_instrument()
    at = open_page(own_demo, "Sam Torres", ASSESSMENT, monkeypatch)
    button(at, "Start the assessment").click().run()
    skipped = instrument.skills[1]
    answer_the_rest(own_demo, "Sam Torres", skip_skill=skipped.id)
    at = go_to_step(open_page(own_demo, "Sam Torres", ASSESSMENT, monkeypatch),
                    "Review and submit")  # fmt: skip
    steps = journey.steps(draft_of(own_demo, "Sam Torres"))

    # One way of counting steps: "Step n of N" above each step, and titles that name the
    # step's content, never a second count ("Situations, part 1 of 7").
    assert at.get("progress")[0].proto.text.startswith(f"Step {len(steps)} of {len(steps)}")
    assert not [s.title for s in steps if re.search(r"\bof \d", s.title)]

    # Each unanswered statement jumps to its step in one click...
    gap = next(item for item in skipped.items if md(item.text) in {b.label for b in at.button})
    next(b for b in at.button if b.label == md(gap.text)).click().run()
    assert at.header[0].value == skipped.name
    assert at.get("progress")[0].proto.text.startswith(
        f"Step {journey.step_of(steps, gap.id) + 1} "
    )
    # ... and one click takes the person back to the review, however far it is.
    button(at, "Back to review").click().run()
    assert at.header[0].value == "Review and submit"
    assert not [b for b in at.button if b.label == "Back to review"]
    # Steps reached by Next and Back alone offer no way back to a review not yet seen.
    button(at, "Back").click().run()
    assert not [b for b in at.button if b.label == "Back to review"]


def day(moment) -> str:
    return f"{moment.day} {moment:%B %Y}"


@pytest.mark.parametrize("days", [30, 200])
def test_right_after_submitting_the_assessment_page_says_when_and_when_next(
    own_demo, monkeypatch, days
):
    monkeypatch.setenv("LEADCOACH_REASSESSMENT_DAYS", str(days))
    with db_session(own_demo) as session:
        viewer = viewer_of(session, own_demo, "Sam Torres")
        responses.open_draft(session=session, viewer=viewer, instrument=current_instrument())
    answer_the_rest(own_demo, "Sam Torres")
    with db_session(own_demo) as session:
        viewer = viewer_of(session, own_demo, "Sam Torres")
        draft_id = draft_of(own_demo, "Sam Torres").draft_id
        responses.submit_assessment(session=session, viewer=viewer, draft_id=draft_id)
        submitted_at = session.get(AssessmentDraft, draft_id).submitted_at

    at = open_page(own_demo, "Sam Torres", ASSESSMENT, monkeypatch)
    due = submitted_at + timedelta(days=days)
    assert f"Submitted on {day(submitted_at)}." in texts(at)
    assert f"Your next assessment is due on {day(due)}." in texts(at)
    # Starting again stays possible, worded as starting early, not as a first time.
    labels = [b.label for b in at.button]
    assert "Start the next assessment early" in labels and "Start the assessment" not in labels
    button(at, "Start the next assessment early").click().run()
    assert at.header[0].value == "Before you start"


def test_a_due_reassessment_is_offered_as_such(demo_url, monkeypatch):
    monkeypatch.setenv("LEADCOACH_REASSESSMENT_DAYS", "1")
    at = open_page(demo_url, "Ana Lima", ASSESSMENT, monkeypatch)
    with db_session(demo_url) as session:
        viewer = viewer_of(session, demo_url, "Ana Lima")
        summary = people.supervisor_summary(
            session=session, viewer=viewer, person_id=viewer.person_id, reassessment_days=1
        )
    assert f"submitted on {day(summary.last_submitted_at)}" in texts(at)
    assert f"Your reassessment is due** (since {day(summary.next_due_at)})" in texts(at)
    assert "Start the reassessment" in [b.label for b in at.button]


# 3. Results


def test_results_show_the_profile_as_a_chart_and_a_table_with_strengths_and_tips(
    demo_url, monkeypatch
):
    instrument = current_instrument()
    at = open_page(demo_url, "Ana Lima", RESULTS, monkeypatch)
    with db_session(demo_url) as session:
        viewer = viewer_of(session, demo_url, "Ana Lima")
        scores = results.person_scores(session=session, viewer=viewer, person_id=viewer.person_id)
        submissions = results.person_submissions(
            session=session, viewer=viewer, person_id=viewer.person_id
        )
    profile = results.profile(scores, instrument)
    strongest, develop = results.strengths_and_development(profile)

    assert len(charts(at)) == 1 and chart_rows(charts(at)[0]) >= len(profile)
    # Small tables are Markdown (an HTML table): no data grid for the browser to load.
    assert not at.dataframe
    table = table_with(at, "Change")
    assert list(table["Skill"]) == list(profile["skill"])
    assert table["Score"].tolist() == profile["score"].round().tolist()
    assert table["Change"].notna().any(), "a supervisor with history sees change per skill"
    assert set(table["Change is"].fillna("")) <= {
        "within noise",
        "real gain",
        "real drop",
        "cannot be judged yet",
        "",
    }
    # The demo's language teams (issue 25) give every skill a reliability from more than 200
    # people, so change is judged.
    assert set(table["Change is"].dropna()) & {"within noise", "real gain", "real drop"}
    assert "Likely range (90%)" in table.columns
    norm_table = table_with(at, "Percentile")
    assert norm_table["Percentile"].between(0, 100).all() and len(norm_table) == len(profile)
    assert "Percentile: the share of the whole organisation" in texts(at)
    assert "Provisional" not in texts(at), "the demo organisation reaches the norm minimum"
    markdown = [m.value for m in at.markdown]
    for row in [*strongest.itertuples(), *develop.itertuples()]:
        if row.tied:
            assert any(m.startswith(f"- Tied at {row.score:.0f}: ") and f"**{row.skill}**" in m
                       for m in markdown)  # fmt: skip
        else:
            assert f"- **{row.skill}**: {row.score:.0f}" in markdown
    # Ana's three skills at 50 are all among her development areas, said to be tied.
    assert develop["tied"].sum() == 3
    assert "- Tied at 50: " in "\n".join(markdown)
    scenario = submissions.iloc[-1]["scenario_score"]
    assert at.metric[1].label == "Situational judgement"
    assert at.metric[1].value == f"{scenario:.0f}"
    tips = bank.load_tips(Settings().assessments_dir / bank.TIPS_FILE)
    for skill_id in develop["skill_id"]:
        assert all(tip.action in texts(at) for tip in tips[skill_id])


@pytest.fixture
def small_demo(tmp_path, monkeypatch) -> str:
    """The demo without its two language teams (issue 25): 22 people, too few for any
    skill's reliability."""
    monkeypatch.setattr(demo, "LANGUAGE_SAMPLE", 0)
    url = f"sqlite:///{tmp_path / 'small.db'}"
    settings = Settings(database_url=url)
    migrate(settings)
    instrument = bank.load_bank(settings.assessments_dir).current(settings.instrument_id)
    with session_scope(make_engine(settings)) as session:
        demo.load_demo(
            session=session, instrument=instrument, password=settings.demo_password,
            today=DEMO_TODAY,
        )  # fmt: skip
    return url


def test_results_say_once_what_cannot_be_shown_yet_instead_of_columns_of_dashes(
    small_demo, monkeypatch
):
    """Too few people for any skill's reliability: no likely range and no change verdict
    for any skill. No column of dashes or of "cannot be judged yet" (a phone has no width
    for them), and the reason is said once, not once per skill."""
    at = open_page(small_demo, "Ana Lima", RESULTS, monkeypatch)
    table = table_with(at, "Change")
    assert list(table.columns) == ["Skill", "Score", "Previous", "Change"], list(table.columns)
    norm_table = table_with(at, "Percentile")
    assert list(norm_table.columns) == ["Skill", "Score", "Percentile"], list(norm_table.columns)
    captions = "\n".join(c.value for c in at.caption)
    reason = "have answered this skill's statements; at least 30 are needed"
    assert captions.count(reason) == 1, captions
    assert "Not shown yet: **likely ranges** and **whether a change is real**" in captions
    assert "for every skill: only" in captions
    assert "Change cannot be judged yet" not in captions, "said once, above"


def test_results_name_a_skill_with_insufficient_data(own_demo, monkeypatch):
    instrument = current_instrument()
    skipped = instrument.skills[0]
    with db_session(own_demo) as session:
        viewer = viewer_of(session, own_demo, "Sam Torres")
        responses.open_draft(session=session, viewer=viewer, instrument=instrument)
    answer_the_rest(own_demo, "Sam Torres", skip_skill=skipped.id)
    with db_session(own_demo) as session:
        viewer = viewer_of(session, own_demo, "Sam Torres")
        draft_id = draft_of(own_demo, "Sam Torres").draft_id
        responses.submit_assessment(session=session, viewer=viewer, draft_id=draft_id)
    at = open_page(own_demo, "Sam Torres", RESULTS, monkeypatch)
    assert f"{skipped.name}**: insufficient data (0 of" in "\n".join(c.value for c in at.caption)
    assert at.metric[0].value != "insufficient data", "11 of 12 skills still give an index"


def organisation_size(at: AppTest) -> int:
    """How many people the "Compared with others" note says the organisation norm holds."""
    note = next(c.value for c in at.caption if c.value.startswith("Percentile: the share"))
    return int(note.split("(")[1].split(" people")[0])


def test_results_compare_a_person_with_others_right_after_they_submit(own_demo, monkeypatch):
    # Someone reads their results first, so the server holds the norm groups as they were.
    before = organisation_size(open_page(own_demo, "Ana Lima", RESULTS, monkeypatch))
    with db_session(own_demo) as session:
        viewer = viewer_of(session, own_demo, "Sam Torres")
        responses.open_draft(session=session, viewer=viewer, instrument=current_instrument())
    answer_the_rest(own_demo, "Sam Torres")
    with db_session(own_demo) as session:
        viewer = viewer_of(session, own_demo, "Sam Torres")
        draft_id = draft_of(own_demo, "Sam Torres").draft_id
        responses.submit_assessment(session=session, viewer=viewer, draft_id=draft_id)

    at = open_page(own_demo, "Sam Torres", RESULTS, monkeypatch)
    assert "nothing to compare" not in texts(at)
    assert organisation_size(at) == before + 1, "the person is counted among the others"
    percentiles = table_with(at, "Percentile")
    assert len(percentiles) > 0 and percentiles["Percentile"].between(0, 100).all()


# 4. Growth


def test_growth_draws_every_skill_over_time_with_a_highlight_and_a_csv(demo_url, monkeypatch):
    instrument = current_instrument()
    at = open_page(demo_url, "Ana Lima", GROWTH, monkeypatch)
    with db_session(demo_url) as session:
        viewer = viewer_of(session, demo_url, "Ana Lima")
        submissions_of_ana = results.person_submissions(
            session=session, viewer=viewer, person_id=viewer.person_id
        )
    growth_chart, overall_chart = charts(at)
    spec = json.loads(growth_chart.proto.spec)
    assert "tooltip" in json.dumps(spec) and "submitted" in json.dumps(spec)
    assert chart_rows(overall_chart) == 3
    highlight = at.selectbox[0]
    with db_session(demo_url) as session:
        tags = responses.applicability_tags(session.get(Person, person_id(demo_url, "Ana Lima")))
    assert highlight.options == ["All skills", *(s.name for s in instrument.skills_for(tags))]
    highlight.set_value(highlight.options[3]).run()
    assert not at.exception
    assert charts(at)[0].proto.spec != growth_chart.proto.spec
    results_table = table_with(at, "Overall index")
    assert len(results_table) == 3 and not at.dataframe
    assert (
        results_table["Overall index"].tolist()
        == submissions_of_ana["overall_index"].round().tolist()
    )
    assert "**Since the first assessment**, real gains:" in texts(at)
    download = at.get("download_button")[0]
    assert download.proto.label == "Download results (CSV)"


# 5. Development plan


def form_block(at: AppTest, key: str):
    """The block of the form with this key."""

    def walk(node):
        if getattr(node, "type", None) == "form" and node.proto.form.form_id == key:
            return node
        for child in getattr(node, "children", {}).values():
            if (found := walk(child)) is not None:
                return found
        return None

    return walk(at._tree)


def in_order(block) -> list:
    """The elements of a block, depth first, in the order the page shows them."""
    found = []
    for child in block.children.values():
        found += in_order(child) if getattr(child, "children", None) else [child]
    return found


def test_a_supervisor_writes_a_smart_goal_with_actions_and_records_a_check_in(
    own_demo, monkeypatch
):
    at = open_page(own_demo, "Ana Lima", PLAN, monkeypatch)
    assert "No goals yet" in texts(at)
    suggestion = next(m.value for m in at.markdown if m.value.startswith("Suggested from"))
    suggested_skill = at.selectbox[0].value
    assert at.selectbox[0].format_func(suggested_skill) in suggestion

    # Leaving the goal empty is refused with a message under that field, in the field's own
    # words, and nothing is saved.
    at.form_submit_button[0].click().run()
    assert "No goals yet" in texts(at)
    order = [(e.type, getattr(e, "value", None)) for e in in_order(form_block(at, "new_goal"))]
    (error_at,) = [i for i, (kind, _) in enumerate(order) if kind == "alert" or kind == "error"]
    assert order[error_at - 1][0] == "text_area", "the error sits right under the goal's field"
    message = order[error_at][1]
    assert message.startswith(f"**{md('Specific: what will you do differently?')}**")
    assert "Goal:" not in message and "write something here" in message.lower()

    at.text_area[0].input("Run a 10-minute coaching huddle with each agent every week.")
    at.text_input[0].input("4 huddles a month, logged in the coaching tracker")
    first_tip = at.multiselect[0].options[0]
    at.multiselect[0].select(first_tip)
    at.text_input[1].input("Ask my coach to observe one huddle")
    at.form_submit_button[0].click().run()
    assert not at.exception, at.exception
    assert "Goal added for" in texts(at)
    assert "coaching huddle with each agent every week" in texts(at)
    assert at.checkbox[0].label.startswith(first_tip)
    assert at.checkbox[1].label == "Ask my coach to observe one huddle"

    at.slider[0].set_value(40)
    at.form_submit_button[0].click().run()
    assert "40% reached" in at.get("progress")[0].proto.text
    with db_session(own_demo) as session:
        ana = person_id(own_demo, "Ana Lima")
        check_ins = session.exec(
            select(GoalCheckIn.progress)
            .join(DevelopmentGoal, DevelopmentGoal.id == GoalCheckIn.goal_id)
            .where(DevelopmentGoal.person_id == ana)
        ).all()
        assert check_ins == [40]


# 6. Empty states


@pytest.mark.parametrize(
    ("page", "message"),
    [(RESULTS, "No results yet"), (GROWTH, "Take your first assessment to start"),
     (PLAN, "No goals yet")],
)  # fmt: skip
def test_a_new_supervisor_is_told_what_to_do_instead_of_an_empty_chart(
    demo_url, monkeypatch, page, message
):
    at = open_page(demo_url, "Sam Torres", page, monkeypatch)
    assert message in texts(at)
    assert not charts(at)


# Access: nobody reads another person's results


@pytest.mark.parametrize("page", [RESULTS, GROWTH, PLAN])
def test_a_supervisor_cannot_open_another_persons_data_by_page_parameter(
    demo_url, monkeypatch, page
):
    other = person_id(demo_url, "Maria Santos")
    at = open_page(demo_url, "Ana Lima", page, monkeypatch, person=str(other))
    assert [e.value for e in at.error] == [access.NO_ACCESS]
    assert not charts(at) and not at.dataframe
    assert "Maria" not in texts(at)


@pytest.mark.parametrize(
    ("viewer", "page"),
    [("Ana Lima", RESULTS), ("Ana Lima", GROWTH), ("Ana Lima", PLAN),
     ("Priya Shah", "pages/coach/person.py")],
)  # fmt: skip
def test_an_unknown_person_parameter_reads_exactly_as_someone_elses(
    demo_url, monkeypatch, viewer, page
):
    """Otherwise trying `?person=` numbers would tell which people exist."""
    other = str(person_id(demo_url, "Maria Santos"))
    unknown = "999999"
    shown = {}
    for asked in (other, unknown):
        at = open_page(demo_url, viewer, page, monkeypatch, person=asked)
        errors = [e.value for e in at.error]
        assert errors and set(errors) == {access.NO_ACCESS}, errors
        # The coach's person picker names the asked id as "person <id>", whichever it is.
        shown[asked] = (errors, texts(at).replace(asked, "<id>"), len(charts(at)))
    assert shown[other] == shown[unknown]


def test_a_broken_person_parameter_says_what_is_wrong(demo_url, monkeypatch):
    at = open_page(demo_url, "Ana Lima", RESULTS, monkeypatch, person="ana")
    assert "person 'ana' is not a number" in at.error[0].value


def test_a_supervisor_cannot_read_another_persons_data_by_function_argument(demo_url):
    other = person_id(demo_url, "Maria Santos")
    with db_session(demo_url) as session:
        viewer = viewer_of(session, demo_url, "Ana Lima")
        for read in (results.person_scores, results.person_submissions, people.person_name):
            with pytest.raises(AccessDenied):
                read(session=session, viewer=viewer, person_id=other)
        with pytest.raises(AccessDenied):
            responses.current_draft_id(session=session, viewer=viewer, person_id=other)
        with pytest.raises(AccessDenied):
            plans.plan(session=session, viewer=viewer, person_id=other,
                       instrument=current_instrument())  # fmt: skip
