"""LeadCoach entry point: page config, start-up checks, sign-in gate, pages by role."""

import streamlit as st

from leadcoach.models import Role
from leadcoach.ui import auth, context
from leadcoach.ui.text import md

st.set_page_config(page_title="LeadCoach", page_icon=":material/explore:", layout="wide")
context.startup()
viewer = auth.current_viewer()
if viewer is None:
    # A signed-out visitor gets one hidden page; without st.navigation Streamlit would list
    # every file of pages/ in the sidebar.
    st.navigation([st.Page(auth.gate_page, title="Sign in")], position="hidden").run()
    st.stop()

# Each role sees only its pages; access to the data itself is decided again in the core.
PAGES = {
    Role.SUPERVISOR: [st.Page("pages/home.py", title="Home", icon=":material/home:")],
    Role.COACH: [st.Page("pages/team.py", title="My teams", icon=":material/groups:")],
    Role.HR: [st.Page("pages/organisation.py", title="Organisation", icon=":material/domain:")],
    Role.ADMIN: [
        st.Page("pages/organisation.py", title="Organisation", icon=":material/domain:"),
        st.Page("pages/accounts.py", title="Accounts", icon=":material/manage_accounts:"),
    ],
}

with st.sidebar:
    st.markdown(f"Signed in as **{md(viewer.name)}** ({viewer.role.value})")
    if st.button("Sign out", icon=":material/logout:"):
        auth.sign_out("You are signed out.")
        st.rerun()

st.navigation(PAGES[viewer.role]).run()
