"""Coach: the people on the teams they coach, with their latest assessment."""

import streamlit as st

from leadcoach.people import coached_teams, people_overview
from leadcoach.ui import auth, context

viewer = auth.require_viewer()
with context.db() as session:
    teams = coached_teams(session=session, viewer=viewer)
    people = people_overview(session=session, viewer=viewer)

st.title("My teams", anchor=False)
if teams.empty:
    st.info("You do not coach any team yet. An administrator assigns teams to coaches.")
    st.stop()
st.dataframe(
    teams.drop(columns="team_id"), hide_index=True, column_config={"vendor": "Vendor (BPO)"}
)
st.subheader("Supervisors", anchor=False)
st.dataframe(
    people.drop(columns="person_id"),
    hide_index=True,
    column_config={
        "last_assessed": st.column_config.DatetimeColumn("Last assessed", format="D MMM YYYY"),
        "overall_index": st.column_config.NumberColumn("Overall index", format="%.0f"),
    },
)
