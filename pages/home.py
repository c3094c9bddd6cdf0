"""Supervisor home: where they stand and what to do next."""

import streamlit as st

from leadcoach.people import supervisor_summary
from leadcoach.ui import auth, context
from leadcoach.ui.text import md

viewer = auth.require_viewer()
with context.db() as session:
    summary = supervisor_summary(
        session=session,
        viewer=viewer,
        person_id=viewer.person_id,
        reassessment_days=context.settings().reassessment_days,
    )

st.title(f"Hello, {summary.name}", anchor=False)
where = " · ".join(md(part) for part in (summary.team, summary.site) if part)
if where:
    st.caption(where)

saved, done, index = st.columns(3)
saved.metric(
    "Answers saved in your current assessment",
    "none in progress" if summary.answers_saved is None else summary.answers_saved,
)
done.metric("Assessments submitted", summary.submissions)
index.metric(
    "Latest overall index (0-100)",
    "—" if summary.last_overall_index is None else f"{summary.last_overall_index:.0f}",
)

if summary.last_submitted_at is None:
    st.info("You have not submitted a self-assessment yet.")
else:
    st.write(
        f"Last submitted on {summary.last_submitted_at:%d %B %Y}; "
        f"the next one is due on **{summary.next_due_at:%d %B %Y}**."
    )
