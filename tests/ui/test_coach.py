"""AppTest: the coach journey on the demo data (Priya Shah coaches the two Leeds teams)."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlmodel import select

from leadcoach.coaching import coaching
from leadcoach.people import access, people
from leadcoach.platform.models import CoachingNote, PlanComment
from tests.ui.conftest import open_tab, person_id, shown_tables, table_with
from tests.ui.test_supervisor import (
    chart_rows,
    charts,
    current_instrument,
    db_session,
    open_page,
    own_demo,  # noqa: F401 (a fixture)
    texts,
    viewer_of,
)

TEAM = "pages/coach/team.py"
COMPARE = "pages/coach/compare.py"
PERSON = "pages/coach/person.py"
LEEDS = {"Leeds Billing", "Leeds Retentions"}


def priya_overview(url: str, team_ids=None) -> coaching.TeamOverview:
    from leadcoach.measurement import reliability
    from leadcoach.platform.config import Settings

    with db_session(url) as session:
        return coaching.team_overview(
            session=session,
            viewer=viewer_of(session, url, "Priya Shah"),
            instrument=current_instrument(),
            reliabilities=reliability.current(session=session, instrument=current_instrument()),
            reassessment_days=Settings().reassessment_days,
            min_group=Settings().min_group_size,
            now=datetime.now(UTC),
            team_ids=team_ids,
        )


def test_team_overview_shows_only_the_coachs_people_as_heatmap_and_table(demo_url, monkeypatch):
    at = open_page(demo_url, "Priya Shah", TEAM, monkeypatch)
    expected = priya_overview(demo_url)
    # The table is drawn when its expander is opened.
    assert not shown_tables(at)
    at.session_state["heatmap_table"] = True
    heatmap_table = table_with(at.run(), "Person")
    assert set(heatmap_table["Team"]) == LEEDS
    assert sorted(heatmap_table["Person"]) == sorted(expected.heatmap_table["Person"])
    skill = expected.heatmap_table.columns[2]
    assert heatmap_table[skill].tolist() == expected.heatmap_table[skill].tolist()
    # The other views are drawn only when opened: one chart, and no data grid to load.
    assert len(charts(at)) == 1 and not at.dataframe
    heatmap = charts(at)[0]
    assert chart_rows(heatmap) == len(expected.scores)
    assert "cividis" in heatmap.proto.spec and "tooltip" in heatmap.proto.spec
    assert "Maria Santos" not in texts(at) + heatmap.proto.spec
    labels = [b.label for b in at.download_button]
    assert {"Table (CSV)", "Chart (SVG)", "Chart (PNG)"} <= set(labels)


def test_one_team_can_be_chosen(demo_url, monkeypatch):
    at = open_page(demo_url, "Priya Shah", TEAM, monkeypatch)
    team_box = at.selectbox(key="coach_team")
    billing = next(o for o in team_box.options if o == "Leeds Billing")
    team_box.select(billing).run()
    at.session_state["heatmap_table"] = True
    table = table_with(at.run(), "Person")
    assert set(table["Team"]) == {"Leeds Billing"}
    assert at.metric[0].value == str(len(table))
    # The choice holds when the coach comes back from another page.
    at.switch_page(COMPARE).run()
    at.switch_page(TEAM).run()
    box = at.selectbox(key="coach_team")
    assert box.format_func(box.value) == "Leeds Billing"


def test_a_person_is_opened_from_the_picker(demo_url, monkeypatch):
    at = open_page(demo_url, "Priya Shah", TEAM, monkeypatch)
    picker = at.selectbox(key="coach_team_person")
    picker.set_value(person_id(demo_url, "Ben Carter")).run()
    link = next(link for link in at.get("page_link") if "Ben Carter" in link.proto.label)
    assert link.proto.page.endswith("person")


def test_team_against_the_organisation_priorities_and_reminders(demo_url, monkeypatch):
    at = open_page(demo_url, "Priya Shah", TEAM, monkeypatch)
    expected = priya_overview(demo_url)
    assert [s.value for s in at.subheader] == ["Where coaching is needed most"]
    assert [t.label for t in at.tabs] == [
        "Skills by person", "Against the organisation", "Who to remind", "Team growth"
    ]  # fmt: skip
    lines = [line for m in at.markdown for line in m.value.splitlines()]
    ranked = [line for line in lines if line[:2].rstrip(".").isdigit()]
    assert len(ranked) == len(expected.priorities) > 0
    first = expected.priorities.iloc[0]
    assert ranked[0].startswith(f"1. **{first['kind']}:")
    assert any("No active development goal" in line for line in ranked)
    open_tab(at, "view", "Against the organisation")
    assert not at.exception
    versus = table_with(at, "Team minus organisation")
    differences = expected.team_vs_organisation.differences
    assert versus["Skill"].tolist() == differences["skill"].tolist()
    assert versus["Team minus organisation"].tolist() == differences["difference"].round().tolist()
    assert set(versus["Beyond noise"]) <= {"Yes", "No"}
    assert len(charts(at)) == 1
    open_tab(at, "view", "Who to remind")
    status = next(d.value for d in at.dataframe if "Status" in d.value.columns)
    assert set(status["Status"]) <= {"Not assessed", "Overdue", "In progress"}
    assert set(status["Person"]) == set(
        expected.status.loc[expected.status["status"] != "Up to date", "name"]
    )
    assert not charts(at)


def test_team_growth_shows_a_skill_over_quarters_with_its_spread(demo_url, monkeypatch):
    at = open_tab(open_page(demo_url, "Priya Shah", TEAM, monkeypatch), "view", "Team growth")
    skill_box = at.selectbox(key="coach_growth_skill")
    growth_table = table_with(at, "Lower quartile")
    assert growth_table["Quarter"].is_monotonic_increasing and len(growth_table) >= 2
    assert (growth_table["Lower quartile"] <= growth_table["Median"]).all()
    assert (growth_table["Median"] <= growth_table["Upper quartile"]).all()
    assert (growth_table["Lowest"] <= growth_table["Lower quartile"]).all()
    assert (growth_table["Upper quartile"] <= growth_table["Highest"]).all()
    skill_box.select(skill_box.options[2]).run()
    assert not at.exception
    spec = charts(at)[-1].proto.spec
    assert "q1" in spec and "q3" in spec


def test_the_open_view_of_the_team_page_is_in_its_address(demo_url, monkeypatch):
    at = open_page(demo_url, "Priya Shah", TEAM, monkeypatch, view="Team growth")
    assert not at.exception
    assert at.selectbox(key="coach_growth_skill") is not None
    assert [s.label for s in at.main.selectbox] == ["Team", "Skill"]  # the sidebar has Language


def priya_choices(url: str, mode: str) -> list[int]:
    """The first two people (or teams) Priya may compare, as the page lists them."""
    with db_session(url) as session:
        viewer = viewer_of(session, url, "Priya Shah")
        if mode == "People":
            return list(people.people_overview(session=session, viewer=viewer)["person_id"][:2])
        return list(people.coached_teams(session=session, viewer=viewer)["team_id"][:2])


@pytest.mark.parametrize(
    ("mode", "key"), [("People", "compare_people"), ("Teams", "compare_teams")]
)
def test_compare_people_or_teams_side_by_side(demo_url, monkeypatch, mode, key):
    at = open_page(demo_url, "Priya Shah", COMPARE, monkeypatch)
    at.button_group[0].set_value(mode).run()
    assert "Choose at least two" in texts(at)
    chooser = at.multiselect(key=key)
    assert not any("Maria Santos" in option for option in chooser.options)
    chooser.set_value(priya_choices(demo_url, mode)).run()
    assert not at.exception, at.exception
    assert len(charts(at)) == 1
    side_by_side = at.dataframe[0].value
    assert len(side_by_side.columns) == 3  # skill + the two groups
    differences = at.dataframe[1].value
    assert set(differences["Beyond noise"]) <= {"yes", "no", "cannot be judged yet"}
    assert "Differences from" in texts(at)


def test_compare_a_team_with_the_organisation(demo_url, monkeypatch):
    at = open_page(demo_url, "Priya Shah", COMPARE, monkeypatch)
    at.button_group[0].set_value("A team and the organisation").run()
    assert not at.exception
    assert list(at.dataframe[0].value.columns)[1] == "Whole organisation"


def test_person_view_shows_results_growth_plan_and_notes(own_demo, monkeypatch):  # noqa: F811
    ben = person_id(own_demo, "Ben Carter")
    at = open_page(own_demo, "Priya Shah", PERSON, monkeypatch, person=str(ben))
    assert at.selectbox(key="coach_person").value == ben
    # The person's tabs first; the 360 report's own tabs follow inside the last one.
    labels = [t.label for t in at.tabs]
    assert labels[:5] == ["Results", "Growth", "Development plan", "Notes", "Feedback from others"]
    results, growth, plan, _notes = at.tabs[:4]
    assert any(e.type == "vega_lite_chart" for e in results.get("vega_lite_chart"))
    assert growth.get("vega_lite_chart")
    assert "Good start" in "\n".join(i.value for i in plan.info), "the coach's comment shows"

    plan.text_area[0].input("Let's practise the teach-back on Thursday.")
    plan.get("form_submit_button")  # the comment form is there
    next(b for b in at.button if b.label == "Add comment").click().run()
    assert "Comment added." in texts(at)
    notes_tab = at.tabs[3]
    notes_tab.text_area[0].input("Ben handled the outage calmly; follow up on delegation.")
    next(b for b in at.button if b.label == "Save note").click().run()
    assert "Note saved." in texts(at)
    with db_session(own_demo) as session:
        comments = session.exec(select(PlanComment.text)).all()
        saved = session.exec(select(CoachingNote).where(CoachingNote.person_id == ben)).all()
    assert "Let's practise the teach-back on Thursday." in comments
    new_note = next(n for n in saved if n.text.startswith("Ben handled"))
    assert not new_note.shared

    # Ben reads only shared notes: the demo's shared one, not the new private one.
    own = open_page(own_demo, "Ben Carter", "pages/supervisor/plan.py", monkeypatch)
    assert "Notes from your coach" in texts(own)
    assert "Ben handled the outage" not in texts(own)
    share = next(b for b in at.button if b.label == "Share with Ben Carter")
    share.click().run()
    own = open_page(own_demo, "Ben Carter", "pages/supervisor/plan.py", monkeypatch)
    assert "Ben handled the outage calmly" in texts(own)


def test_a_coach_cannot_open_a_person_of_another_team(demo_url, monkeypatch):
    maria = person_id(demo_url, "Maria Santos")
    at = open_page(demo_url, "Priya Shah", PERSON, monkeypatch, person=str(maria))
    assert access.NO_ACCESS in [e.value for e in at.error]
    assert not charts(at)
    assert "Maria" not in texts(at)
    with db_session(demo_url) as session:
        coached = people.people_overview(
            session=session, viewer=viewer_of(session, demo_url, "Priya Shah")
        )
    assert "Maria Santos" not in set(coached["name"])
