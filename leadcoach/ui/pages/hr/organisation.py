"""HR and admin: every team and supervisor with their latest assessment."""

import streamlit as st

from leadcoach.people.people import coached_teams, people_overview
from leadcoach.platform.i18n import _, number, percent
from leadcoach.ui import auth, context, tables

viewer = auth.require_viewer()
with context.db() as session, context.shown_errors():
    teams = coached_teams(session=session, viewer=viewer)
    people = people_overview(session=session, viewer=viewer)

st.title(_("Organisation"), anchor=False)
if people.empty:
    st.info(_("No supervisors yet. Add people on the Accounts page or load the demo data."))
    st.stop()
assessed = people["last_assessed"].notna().sum()
total, done, teams_count = st.columns(3)
total.metric(_("Supervisors"), number(len(people)))
done.metric(
    _("Assessed at least once"),
    _("{count} ({share})").format(
        count=number(int(assessed)), share=percent(assessed / len(people))
    ),
)
teams_count.metric(_("Teams"), number(len(teams)))
tables.grid(teams)
tables.grid(people, formats={"last_assessed": "%d %b %Y", "overall_index": ".0f"})
