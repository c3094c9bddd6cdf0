"""Sign-in, sign-out, idle expiry and the first-run screen."""

from __future__ import annotations

import time

import streamlit as st

from leadcoach import accounts
from leadcoach.access import Viewer, load_viewer
from leadcoach.errors import InvalidInput, LeadCoachError, NotFound
from leadcoach.ui.context import db, instrument, settings

# Session-state keys of the sign-in; no widget uses them, so no input can set them.
_PERSON_KEY = "_auth_person_id"
_ACTIVITY_KEY = "_auth_last_activity"


def sign_out(message: str | None = None) -> None:
    """Forget who is signed in on this browser tab."""
    for key in (_PERSON_KEY, _ACTIVITY_KEY):
        st.session_state.pop(key, None)
    if message:
        st.session_state["_auth_notice"] = message


def _signed_in_viewer() -> Viewer | None:
    person_id = st.session_state.get(_PERSON_KEY)
    if person_id is None:
        return None
    idle_seconds = settings().session_idle_minutes * 60
    last = st.session_state.get(_ACTIVITY_KEY, 0.0)
    if time.time() - last > idle_seconds:
        sign_out("You were signed out after a period of inactivity. Please sign in again.")
        return None
    st.session_state[_ACTIVITY_KEY] = time.time()
    try:
        with db() as session:
            return load_viewer(session=session, person_id=person_id)
    except NotFound:
        sign_out("Your account no longer exists.")
        return None


def current_viewer() -> Viewer | None:
    """The signed-in viewer, or None (after an idle expiry, with a notice for the sign-in)."""
    return _signed_in_viewer()


def require_viewer() -> Viewer:
    """The signed-in viewer; pages call this, and stop at the sign-in screen without one."""
    viewer = _signed_in_viewer()
    if viewer is not None:
        return viewer
    gate_page()
    st.stop()


def gate_page() -> None:
    """The only page of a signed-out visitor: first-run on an empty database, else sign-in."""
    with db() as session:
        first_run = not accounts.has_any_account(session=session)
    if first_run:
        _first_run_screen()
    else:
        _sign_in_screen()


def _sign_in_screen() -> None:
    st.title("LeadCoach")
    st.caption("Leadership self-assessment and coaching for contact-centre supervisors")
    notice = st.session_state.pop("_auth_notice", None)
    if notice:
        st.info(notice)
    with st.form("sign_in"):
        st.subheader("Sign in")
        email = st.text_input("Email", autocomplete="username")
        password = st.text_input("Password", type="password", autocomplete="current-password")
        submitted = st.form_submit_button("Sign in", type="primary")
    if submitted:
        try:
            with db() as session:
                person = accounts.authenticate(session=session, email=email, password=password)
                person_id = person.id
        except LeadCoachError as error:
            st.error(str(error))
            return
        st.session_state[_PERSON_KEY] = person_id
        st.session_state[_ACTIVITY_KEY] = time.time()
        st.rerun()


def _first_run_screen() -> None:
    st.title("Welcome to LeadCoach")
    st.write(
        "This database is empty. Create the first administrator account, "
        "or load the demo organisation to look around."
    )
    left, right = st.columns(2)
    with left, st.form("first_admin"):
        st.subheader("Create the first admin")
        name = st.text_input("Name")
        email = st.text_input("Email")
        password = st.text_input("Password (at least 12 characters)", type="password")
        repeat = st.text_input("Repeat the password", type="password")
        created = st.form_submit_button("Create admin account", type="primary")
    with right:
        st.subheader("Or try the demo")
        st.write(
            "Loads an in-house site (Leeds) and an outsourced offshore site (Manila, Horizon "
            "BPO) with teams, coaches, HR, three cohorts and past assessments."
        )
        demo = st.button("Load demo data")
    if created:
        try:
            if password != repeat:
                raise InvalidInput("Repeat the password: the two passwords differ.")
            with db() as session:
                person = accounts.create_first_admin(
                    session=session, name=name, email=email, password=password
                )
                person_id = person.id
        except LeadCoachError as error:
            st.error(str(error))
            return
        st.session_state[_PERSON_KEY] = person_id
        st.session_state[_ACTIVITY_KEY] = time.time()
        st.rerun()
    if demo:
        from leadcoach.demo import email_for, load_demo

        try:
            with st.spinner("Loading the demo organisation..."), db() as session:
                summary = load_demo(
                    session=session, instrument=instrument(), password=settings().demo_password
                )
        except LeadCoachError as error:
            st.error(str(error))
            return
        sign_out(
            f"Demo loaded: {summary.people} people, {summary.submissions} assessments. "
            f"Sign in as {email_for('Ana Lima')} (supervisor), {email_for('Priya Shah')} "
            f"(coach), {email_for('Helen Okafor')} (HR) or {email_for('Alex Morgan')} (admin) "
            f"with the password {settings().demo_password}."
        )
        st.rerun()
