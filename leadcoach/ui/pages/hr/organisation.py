"""HR and admin: every team and supervisor with their latest assessment."""

import streamlit as st

from leadcoach.people.people import coached_teams, people_overview
from leadcoach.ui import auth, context, tables

viewer = auth.require_viewer()
with context.db() as session, context.shown_errors():
    teams = coached_teams(session=session, viewer=viewer)
    people = people_overview(session=session, viewer=viewer)

st.title("Organisation", anchor=False)
if people.empty:
    st.info("No supervisors yet. Add people on the Accounts page or load the demo data.")
    st.stop()
assessed = people["last_assessed"].notna().sum()
total, done, teams_count = st.columns(3)
total.metric("Supervisors", len(people))
done.metric("Assessed at least once", f"{assessed} ({assessed / len(people):.0%})")
teams_count.metric("Teams", len(teams))
tables.grid(teams)
tables.grid(people, formats={"last_assessed": "%d %b %Y", "overall_index": ".0f"})
