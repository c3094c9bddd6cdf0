"""Admin: accounts, and a form to add a person with a local account."""

import streamlit as st

from leadcoach import accounts
from leadcoach.models import Role
from leadcoach.people import accounts_overview, coached_teams
from leadcoach.ui import auth, context
from leadcoach.ui.text import md

viewer = auth.require_viewer()
with context.db() as session:
    teams = coached_teams(session=session, viewer=viewer)

st.title("Accounts", anchor=False)
with st.form("new_account", clear_on_submit=True):
    st.subheader("Add a person", anchor=False)
    name = st.text_input("Name")
    email = st.text_input("Email")
    role = st.selectbox("Role", [r.value for r in Role])
    team = st.selectbox("Team", ["(none)", *teams["team"]])
    password = st.text_input("Initial password (at least 12 characters)", type="password")
    add = st.form_submit_button("Add person", type="primary")
if add:
    team_ids = {name: int(id_) for name, id_ in zip(teams["team"], teams["team_id"], strict=True)}
    with context.shown_errors(), context.db() as session:
        person = accounts.add_person(
            session=session,
            viewer=viewer,
            name=name,
            email=email,
            role=Role(role),
            password=password,
            team_id=team_ids.get(team),
        )
        st.success(f"Added {md(person.name)} ({person.role}).")

with context.db() as session, context.shown_errors():
    table = accounts_overview(session=session, viewer=viewer)
    st.dataframe(
        table.drop(columns="person_id"),
        hide_index=True,
        column_config={
            "last_sign_in": st.column_config.DatetimeColumn(
                "Last sign-in", format="D MMM YYYY HH:mm"
            ),
            "locked_until": st.column_config.DatetimeColumn("Locked until", format="HH:mm"),
        },
    )
