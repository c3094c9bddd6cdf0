"""Growth: every skill across all submissions, the overall index, and a CSV download."""

import streamlit as st

from leadcoach import analytics, charts, people
from leadcoach.ui import auth, context
from leadcoach.ui.text import md

viewer = auth.require_viewer()
instrument = context.instrument()
person_id = context.subject_person_id(viewer.person_id)

with context.db() as session, context.stop_on_error():
    person = people.person_name(session=session, viewer=viewer, person_id=person_id)
    scores = analytics.person_scores(session=session, viewer=viewer, person_id=person_id)
    submissions = analytics.person_submissions(session=session, viewer=viewer, person_id=person_id)

own = person_id == viewer.person_id
st.title("Your growth" if own else f"Growth of {md(person)}", anchor=False)
if submissions.empty:
    st.info(
        "Growth shows how each skill changes from one assessment to the next. "
        + ("Take your first assessment to start." if own else "There is no assessment yet.")
    )
    if own:
        st.page_link(
            "pages/supervisor/assessment.py", label="Take the assessment", icon=":material/edit:"
        )
    st.stop()
if len(submissions) == 1:
    st.info(
        "One assessment so far: lines appear from the second one on. The reassessment is "
        f"due {context.settings().reassessment_days} days after the last one."
    )

growth = analytics.growth(scores, instrument)
skill_names = [s.name for s in instrument.skills if s.id in set(scores["skill_id"])]
highlight = st.selectbox(
    "Highlight a skill", ["All skills", *skill_names], key="growth_highlight",
    help="You can also click a skill in the legend.",
)  # fmt: skip
st.altair_chart(charts.growth_chart(growth, None if highlight == "All skills" else highlight))

st.subheader("Overall index", anchor=False)
if submissions["overall_index"].notna().any():
    st.altair_chart(charts.overall_chart(submissions))
else:
    st.caption("No assessment has enough answers for an overall index yet.")

st.subheader("All results", anchor=False)
table = analytics.results_table(scores, submissions, instrument)
st.dataframe(table, hide_index=True)
st.download_button(
    "Download results (CSV)",
    data=table.to_csv(index=False).encode("utf-8"),
    file_name="leadcoach-results.csv",
    mime="text/csv",
    icon=":material/download:",
)
