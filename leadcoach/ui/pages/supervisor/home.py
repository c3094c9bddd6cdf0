"""Supervisor home: where they stand and the one next step."""

from datetime import UTC, datetime

import streamlit as st

from leadcoach.assessment import journey, responses
from leadcoach.coaching import plans
from leadcoach.people import people
from leadcoach.ui import auth, context
from leadcoach.ui.text import md

viewer = auth.require_viewer()
settings = context.settings()
with context.db() as session, context.stop_on_error():
    summary = people.supervisor_summary(
        session=session,
        viewer=viewer,
        person_id=viewer.person_id,
        reassessment_days=settings.reassessment_days,
    )
    draft_id = responses.current_draft_id(
        session=session, viewer=viewer, person_id=viewer.person_id
    )
    draft = (
        responses.load_draft(session=session, viewer=viewer, draft_id=draft_id)
        if draft_id
        else None
    )
    goals = plans.plan(
        session=session, viewer=viewer, person_id=viewer.person_id, instrument=context.instrument()
    )

st.title(f"Hello, {md(summary.name)}", anchor=False)
where = " · ".join(md(part) for part in (summary.team, summary.site) if part)
if where:
    st.caption(where)

st.subheader("Your next step", anchor=False)
with st.container(border=True):
    now = datetime.now(UTC)
    if draft is not None:
        st.markdown(
            f"**Resume your self-assessment.** {draft.questions_answered} of "
            f"{draft.questions_total} answers are saved; about "
            f"{journey.minutes_left(draft)} minutes to go."
        )
        st.page_link(
            "pages/supervisor/assessment.py", label="Resume the assessment", icon=":material/edit:"
        )
    elif summary.last_submitted_at is None:
        st.markdown(
            "**Take your first self-assessment.** About 15 minutes; every answer is saved as "
            "you give it, so you can stop between huddles and carry on later."
        )
        st.page_link(
            "pages/supervisor/assessment.py", label="Start the assessment", icon=":material/edit:"
        )
    elif summary.next_due_at <= now:
        st.markdown(
            f"**Your reassessment is due** (since {summary.next_due_at:%d %B %Y}). "
            "Taking it now shows how your skills have grown."
        )
        st.page_link(
            "pages/supervisor/assessment.py", label="Start the reassessment", icon=":material/edit:"
        )
    else:
        days = (summary.next_due_at - now).days
        st.markdown(
            f"**Work on your development plan.** Your next assessment is due on "
            f"{summary.next_due_at:%d %B %Y}, in {days} days."
        )
        st.page_link(
            "pages/supervisor/results.py", label="See your results", icon=":material/insights:"
        )

assessed, index, plan_column = st.columns(3)
assessed.metric("Assessments submitted", summary.submissions)
index.metric(
    "Latest overall index",
    "—" if summary.last_overall_index is None else f"{summary.last_overall_index:.0f}",
    help="0-100; the mean of your skill scores.",
)
plan_state = plans.summary(goals)
plan_column.metric("Active development goals", plan_state.active_goals)

st.subheader("Your development plan", anchor=False)
if not goals:
    st.write(
        "You have no development goals yet. After an assessment, choose one to three skills "
        "to focus on."
    )
else:
    last = plan_state.last_check_in
    st.write(
        f"{plan_state.active_goals} active goal(s); "
        + (f"last check-in on {last:%d %B %Y}." if last else "no check-in recorded yet.")
    )
st.page_link("pages/supervisor/plan.py", label="Open your development plan", icon=":material/flag:")
