"""Results: the latest skill profile, strengths, development areas and coaching tips."""

import pandas as pd
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
st.title("Your results" if own else f"Results of {md(person)}", anchor=False)
if notice := st.session_state.pop("results_notice", None):
    st.success(notice)

if submissions.empty:
    st.info(
        "No results yet. Results appear here as soon as a self-assessment is submitted."
        if own
        else f"{md(person)} has not submitted a self-assessment yet."
    )
    if own:
        st.page_link(
            "pages/supervisor/assessment.py", label="Take the assessment", icon=":material/edit:"
        )
    st.stop()

profile = analytics.profile(scores, instrument)
latest = submissions.iloc[-1]
st.caption(
    f"Submitted on {latest['submitted_at']:%d %B %Y} · assessment {len(submissions)} of "
    f"{len(submissions)} · scores run from 0 to 100"
)
overall, scenario, change = st.columns(3)
overall.metric(
    "Overall index",
    "insufficient data" if pd.isna(latest["overall_index"]) else f"{latest['overall_index']:.0f}",
    help="The mean of the skill scores; it needs at least 10 skills with enough answers.",
)
scenario.metric(
    "Situational judgement",
    "not answered" if pd.isna(latest["scenario_score"]) else f"{latest['scenario_score']:.0f}",
    help="How closely your ratings of the workplace situations match the key (0-100). "
    "The key is provisional until a panel of experienced contact-centre managers has rated "
    "the options; read it beside, not instead of, the self-ratings.",
)
if len(submissions) > 1:
    difference = latest["overall_index"] - submissions.iloc[-2]["overall_index"]
    if not pd.isna(difference):
        change.metric(
            "Change in overall index", f"{difference:+.1f}", help="Since the previous assessment."
        )

st.subheader("Skill profile", anchor=False)
st.altair_chart(charts.profile_chart(profile))
if len(submissions) > 1:
    st.caption("Orange ticks mark the previous assessment.")
with st.expander("The same numbers as a table", expanded=True):
    st.dataframe(
        profile[["skill", "score", "previous", "change"]],
        hide_index=True,
        height="content",
        column_config={
            "skill": st.column_config.TextColumn("Skill", width="medium"),
            "score": st.column_config.NumberColumn("Score", format="%.0f"),
            "previous": st.column_config.NumberColumn("Previous", format="%.0f"),
            "change": st.column_config.NumberColumn("Change", format="%+.0f"),
        },
    )
missing = profile[profile["score"].isna()]
for row in missing.itertuples():
    st.caption(
        f"**{row.skill}**: insufficient data ({row.answered} of {row.applicable} statements "
        "answered; two thirds are needed for a score)."
    )

strongest, develop = analytics.strengths_and_development(profile)
left, right = st.columns(2)
with left:
    st.subheader("Strengths", anchor=False)
    for row in strongest.itertuples():
        st.markdown(f"- **{row.skill}**: {row.score:.0f}")
with right:
    st.subheader("To develop", anchor=False)
    for row in develop.itertuples():
        st.markdown(f"- **{row.skill}**: {row.score:.0f}")

st.subheader("Coaching suggestions for your development areas", anchor=False)
library = context.tips()
for row in develop.itertuples():
    with st.expander(f"{row.skill} ({row.score:.0f})", expanded=row.Index == 0):
        st.caption(instrument.skill(row.skill_id).definition)
        for tip in library.get(row.skill_id, ()):
            st.markdown(f"**{tip.title}.** {tip.action}")
if own:
    st.page_link(
        "pages/supervisor/plan.py",
        label="Turn these into your development plan",
        icon=":material/flag:",
    )
