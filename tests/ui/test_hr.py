"""AppTest: the HR journey on the demo data (Helen Okafor, HR): roster import, cohorts,
cohort review and its exports."""

from __future__ import annotations

import csv
from datetime import date

from sqlmodel import func, select

from leadcoach.people import people
from leadcoach.platform.models import AuditEvent, Cohort, CohortMember, CohortRound, Person
from leadcoach.programmes import cohorts
from leadcoach.reporting import vocabulary
from tests.ui.conftest import open_tab, table_with
from tests.ui.test_supervisor import (
    charts,
    db_session,
    open_page,
    own_demo,  # noqa: F401 (a fixture)
    texts,
    viewer_of,
)

ROSTER = "pages/hr/roster.py"
COHORTS = "pages/hr/cohorts.py"
REVIEW = "pages/hr/review.py"
FILE = (
    "name,email,role,team,site,language,start_date,cohort\n"
    "Zoe New,zoe.new@demo.leadcoach.example,supervisor,Leeds Billing,Leeds,English,"
    "2026-11-01,2026 Winter intake\n"
    "Yan Broken,yan.broken@,supervisor,Leeds Billing,Leeds,English,2026-11-01,\n"
)


def box_label(at) -> str:
    box = at.selectbox(key="review_cohort")
    return box.format_func(box.value)


def count(url: str, model) -> int:
    with db_session(url) as session:
        return session.exec(select(func.count()).select_from(model)).one()


def test_a_roster_with_a_bad_row_is_refused_whole_or_imported_clean_rows_only(
    own_demo,  # noqa: F811
    monkeypatch,
):
    people_before = count(own_demo, Person)
    at = open_page(own_demo, "Helen Okafor", ROSTER, monkeypatch)
    assert "Choose a file" in texts(at)
    at.get("file_uploader")[0].upload("intake.csv", FILE.encode(), "text/csv")
    at.run()
    assert "1 row" in at.warning[0].value
    problems = [m.value for m in at.markdown if m.value.startswith("- Row")]
    assert problems and problems[0].startswith('- Row 3, column "email"'), problems
    assert "not an email address" in problems[0]
    import_button = next(b for b in at.button if b.label == "Import")
    assert import_button.disabled, "all or nothing: a file with problems cannot be imported"
    assert count(own_demo, Person) == people_before

    at.radio[0].set_value("clean_rows").run()
    next(b for b in at.button if b.label == "Import").click().run()
    assert not at.exception, at.exception
    assert at.success, texts(at)
    assert any(b.label == "Rejected rows (CSV)" for b in at.download_button)
    assert count(own_demo, Person) == people_before + 1
    with db_session(own_demo) as session:
        assert session.exec(select(Cohort).where(Cohort.name == "2026 Winter intake")).first()

    # The same file again changes nothing.
    next(b for b in at.button if b.label == "Import").click().run()
    assert count(own_demo, Person) == people_before + 1
    assert "unchanged" in texts(at)


def test_the_roster_page_says_which_sheets_it_did_not_read(own_demo, monkeypatch):  # noqa: F811
    import io

    from openpyxl import Workbook

    workbook = Workbook()
    workbook.active.title = "Intake"
    for cells in csv.reader(io.StringIO(FILE)):
        workbook.active.append(cells)
    workbook.create_sheet("Leavers").append(["Old Name", "old@demo.leadcoach.example"])
    data = io.BytesIO()
    workbook.save(data)
    at = open_page(own_demo, "Helen Okafor", ROSTER, monkeypatch)
    at.get("file_uploader")[0].upload("intake.xlsx", data.getvalue(), "application/octet-stream")
    at.run()
    assert not at.exception, at.exception
    assert at.warning[0].value.replace("\\", "") == (  # md() escapes punctuation
        "Only the first sheet, 'Intake', was read; sheet 'Leavers' was ignored."
    )


def test_hr_creates_a_cohort_with_its_rounds_and_members(own_demo, monkeypatch):  # noqa: F811
    at = open_page(own_demo, "Helen Okafor", COHORTS, monkeypatch)
    rounds_before = count(own_demo, CohortRound)
    at.text_input[0].input("2027 Spring intake")
    next(b for b in at.button if b.label == "Create cohort").click().run()
    assert "Cohort 2027 Spring intake created." in texts(at)
    assert count(own_demo, CohortRound) == rounds_before + 3
    chosen = at.selectbox(key="cohort_choice")
    assert chosen.format_func(chosen.value) == "2027 Spring intake"

    with db_session(own_demo) as session:
        helen = viewer_of(session, own_demo, "Helen Okafor")
        two = list(people.people_overview(session=session, viewer=helen)["person_id"][:2])
    at.multiselect[0].set_value(two)
    next(b for b in at.button if b.label == "Add to cohort").click().run()
    assert "2 added to 2027 Spring intake." in texts(at)
    with db_session(own_demo) as session:
        cohort = session.exec(select(Cohort).where(Cohort.name == "2027 Spring intake")).one()
        members = session.exec(
            select(CohortMember.person_id).where(CohortMember.cohort_id == cohort.id)
        ).all()
    assert sorted(members) == sorted(two)

    # A round overlapping the baseline is refused with a message; nothing is written.
    next(t for t in at.text_input if t.label == "Round name").input("Overlap")
    next(b for b in at.button if b.label == "Add round").click().run()
    assert at.error and "overlap" in at.error[0].value.lower(), texts(at)
    assert count(own_demo, CohortRound) == rounds_before + 3


def test_cohort_review_shows_completion_change_distribution_and_breakdowns(demo_url, monkeypatch):
    at = open_page(demo_url, "Helen Okafor", REVIEW, monkeypatch)
    # It opens on the newest cohort with a second round, so there is change to show.
    assert "Change appears once a second round" not in texts(at)
    assert box_label(at) == "2026 Summer intake"
    box = at.selectbox(key="review_cohort")
    with db_session(demo_url) as session:
        spring = session.exec(select(Cohort.id).where(Cohort.name == "2026 Spring intake")).one()
    box.set_value(spring).run()
    assert not at.exception, at.exception
    # The choice survives a visit to another page (Streamlit drops the widget's own key).
    at.switch_page(COHORTS).run()
    at.switch_page(REVIEW).run()
    assert box_label(at) == "2026 Spring intake"
    assert [m.label.split(" (")[0] for m in at.metric] == ["Baseline", "Day 90", "Day 180"]
    assert all(" of " in m.value for m in at.metric)
    assert [s.value for s in at.subheader] == ["Completion", "Export"]
    assert [t.label for t in at.tabs] == [
        "Change per skill", "Scores at each round", "Breakdowns", "Another cohort",
        "Who to chase", "Feedback from others",  # issue 22's self-other view
        "Team numbers",  # issue 23's "did the programme help the teams?"
    ]  # fmt: skip
    # Only the open view is drawn: its chart, no data grid, no other view's figures (the
    # KPI section is computed only when its tab is open, issue 23).
    assert len(charts(at)) == 1 and not at.dataframe
    assert "Did the programme help the teams?" not in [h.value for h in at.header]
    changes = table_with(at, "Effect size (dz)")
    shown = changes[changes["Real change"] != vocabulary.SUPPRESSED]
    assert set(shown["Real change"]) <= {"Yes", "No"}
    assert len(shown) > 0
    intervals = shown["95% CI"].str.split("\u00a0to\u00a0", expand=True).astype(float)
    assert (intervals[0] <= shown["Change"]).all() and (shown["Change"] <= intervals[1]).all()
    assert (intervals[0] < intervals[1]).all()
    assert shown["Holm p-value"].between(0, 1).all()
    counts = table_with(at, "Real gain")
    assert (
        counts["Real gain"] + counts["Real drop"] + counts["Within noise"] == counts["People"]
    ).all()
    # Each person is judged against their own threshold (issue 20): the page says so.
    assert "needs a larger change" in texts(at)
    open_tab(at, "view", "Scores at each round")
    spread = table_with(at, "Median")
    # The open view's chart only.
    assert (spread["Lower quartile"] <= spread["Median"]).all() and len(charts(at)) == 1
    open_tab(at, "view", "Breakdowns")
    at.selectbox(key="review_by").select("language").run()
    assert not at.exception
    assert "to protect individuals" in texts(at), "single-person language groups are hidden"
    assert len(charts(at)) == 1
    open_tab(at, "view", "Another cohort")
    at.selectbox(key="review_other").set_value(spring + 1).run()
    assert not at.exception
    assert any(": change" in column for column in table_with(at, "Skill").columns)


def test_cohort_review_lists_who_to_chase(demo_url, monkeypatch):
    at = open_page(demo_url, "Helen Okafor", REVIEW, monkeypatch, view="Who to chase")
    chase = at.dataframe[0].value
    # No chart of this view (the KPI section's is in its own tab, issue 23).
    assert set(chase.columns) >= {"Name", "Round"} and not charts(at)
    missing = int(texts(at).split(" submissions missing")[0].split()[-1])
    assert len(chase) == missing > 0
    assert "Chase list (CSV)" in [b.label for b in at.download_button]


def test_every_export_is_offered_and_recorded_in_the_audit_log(own_demo, monkeypatch):  # noqa: F811
    at = open_page(own_demo, "Helen Okafor", REVIEW, monkeypatch)
    labels = [b.label for b in at.download_button]
    assert {"Scores (CSV)", "Workbook (XLSX)", "Report (PDF)"} <= set(labels)
    before = count(own_demo, AuditEvent)
    next(b for b in at.download_button if b.label == "Scores (CSV)").click().run()
    with db_session(own_demo) as session:
        events = session.exec(select(AuditEvent).where(AuditEvent.action == "export")).all()
    assert count(own_demo, AuditEvent) == before + 1
    assert '"kind": "csv"' in events[-1].detail


def test_many_rounds_of_completion_wrap_four_to_a_row(own_demo, monkeypatch):  # noqa: F811
    # Eight rounds side by side cut every figure short ("250…"): rows of four keep them whole.
    with db_session(own_demo) as session:
        helen = viewer_of(session, own_demo, "Helen Okafor")
        spring = session.exec(select(Cohort.id).where(Cohort.name == "2026 Spring intake")).one()
        for year in (2031, 2032, 2033):
            cohorts.add_round(session=session, viewer=helen, cohort_id=spring, name=f"Year {year}",
                              opens_on=date(year, 1, 1), closes_on=date(year, 1, 31))  # fmt: skip
        session.commit()
    at = open_page(own_demo, "Helen Okafor", REVIEW, monkeypatch)
    at.selectbox(key="review_cohort").set_value(spring).run()
    assert not at.exception, at.exception
    assert len(at.metric) == 6
    assert [column.weight for column in at.columns[:8]] == [0.25] * 8  # two rows of four
