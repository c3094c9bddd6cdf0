"""Sign-in, sign-out, idle expiry and the first-run screen.

Two ways to sign in: single sign-on through st.login when `.streamlit/secrets.toml` has an
[auth] section (the provider's email names the person), else local accounts (email and
password). Either way the session holds only the person's id, set here and nowhere else.
"""

from __future__ import annotations

import time

import streamlit as st

from leadcoach.people import accounts, audit
from leadcoach.people.access import Viewer, load_viewer
from leadcoach.platform.errors import InvalidInput, LeadCoachError, NotFound
from leadcoach.platform.i18n import N_, _
from leadcoach.ui import browser, language, sso
from leadcoach.ui.context import db, instrument, settings, sign_ins
from leadcoach.ui.text import md

# Session-state keys of the sign-in; no widget uses them, so no input can set them.
_PERSON_KEY = "_auth_person_id"
_ACTIVITY_KEY = "_auth_last_activity"
_SSO_EMAIL_KEY = "_auth_sso_email"  # the provider's email the person id was looked up for
_SSO_REFUSED_KEY = "_auth_sso_refused"  # an email already logged as refused this session
_IDLE_MESSAGE = N_(
    "You were signed out after a period of inactivity. Your answers are saved: sign in to "
    "carry on where you left off."
)
# A sign-in kept across browser reloads (leadcoach.people.sign_ins): the cookie that holds
# its token, and session-state keys no widget uses.
_COOKIE = "leadcoach_sign_in"
_TOKEN_KEY = "_auth_kept_token"  # this session's kept sign-in
_COOKIE_READ_KEY = "_auth_cookie_read"  # the browser's cookie was tried (once a session)
_FORGET_COOKIE_KEY = "_auth_forget_cookie"  # the browser should delete its cookie
_ENDED_MESSAGE = N_(
    "Your sign-in has ended. Your answers are saved: sign in to carry on where you left off."
)


def _forget(message: str | None = None) -> None:
    """Forget who is signed in on this browser tab (the provider's cookie stays)."""
    for key in (_PERSON_KEY, _ACTIVITY_KEY, _SSO_EMAIL_KEY):
        st.session_state.pop(key, None)
    _end_kept_sign_in()
    if message:
        st.session_state["_auth_notice"] = message


def _sign_in(person_id: int) -> None:
    """Sign this person in on this tab, and keep the sign-in across reloads of the browser
    (local accounts; single sign-on has the provider's own cookie)."""
    st.session_state[_PERSON_KEY] = person_id
    st.session_state[_ACTIVITY_KEY] = time.time()
    st.session_state[_TOKEN_KEY] = sign_ins().start(
        person_id, now=time.time(), idle_seconds=settings().session_idle_minutes * 60
    )


def _resume_kept_sign_in() -> int | None:
    """The person of the sign-in that the browser's cookie holds, once per session (a new
    session is what a reload starts); None, with a notice if it has ended, otherwise."""
    if st.session_state.get(_COOKIE_READ_KEY):
        return None
    st.session_state[_COOKIE_READ_KEY] = True
    token = st.context.cookies.get(_COOKIE)
    if not isinstance(token, str) or not token:  # AppTest's browser has no cookies at all
        return None
    person_id = sign_ins().resume(
        token, now=time.time(), idle_seconds=settings().session_idle_minutes * 60
    )
    if person_id is None:
        st.session_state["_auth_notice"] = _(_ENDED_MESSAGE)
        st.session_state[_FORGET_COOKIE_KEY] = True
        return None
    st.session_state[_PERSON_KEY] = person_id
    st.session_state[_TOKEN_KEY] = token
    return person_id


def _end_kept_sign_in() -> None:
    token = st.session_state.pop(_TOKEN_KEY, None)
    if token is not None:
        sign_ins().end(token)
        st.session_state[_FORGET_COOKIE_KEY] = True


def keep_sign_in() -> None:
    """Hand the browser the cookie of this tab's kept sign-in (drawn on every run of a
    signed-in page: the same element runs its script once)."""
    token = st.session_state.get(_TOKEN_KEY)
    if token is not None:
        st.session_state.pop(_FORGET_COOKIE_KEY, None)
        browser.set_cookie(_COOKIE, token)


def sign_out(message: str | None = None) -> None:
    """Sign out of this browser tab; with single sign-on, also end the company sign-in.

    With single sign-on this run stops here: the browser is leaving for Streamlit's sign-out
    address, and a st.rerun() after st.logout() would drop that redirect before it is sent.
    """
    _forget(message)
    if sso.configured() and sso.signed_in_claims() is not None:
        sso.logout()
        st.stop()


def _idle_expired() -> bool:
    idle_seconds = settings().session_idle_minutes * 60
    last = st.session_state.get(_ACTIVITY_KEY, 0.0)
    return time.time() - last > idle_seconds


def _load(person_id: int) -> Viewer | None:
    st.session_state[_ACTIVITY_KEY] = time.time()
    if (token := st.session_state.get(_TOKEN_KEY)) is not None:
        sign_ins().touch(token, now=time.time())
    try:
        with db() as session:
            return load_viewer(session=session, person_id=person_id)
    except NotFound:
        _forget(_("Your account no longer exists."))
        return None


def _signed_in_viewer() -> Viewer | None:
    if sso.configured():
        return _sso_viewer()
    person_id = st.session_state.get(_PERSON_KEY)
    if person_id is None:
        person_id = _resume_kept_sign_in()
        if person_id is None:
            return None
    elif _idle_expired():
        _forget(_(_IDLE_MESSAGE))
        return None
    return _load(person_id)


def _sso_viewer() -> Viewer | None:
    """The person whose email the identity provider vouched for, looked up once a session."""
    claims = sso.signed_in_claims()
    if claims is None:
        _forget()  # signed out elsewhere in this session (st.logout), or never signed in
        return None
    person_id = st.session_state.get(_PERSON_KEY)
    if person_id is not None and st.session_state.get(_SSO_EMAIL_KEY) == claims.email:
        if _idle_expired():
            # st.logout also clears the identity cookie, so a reload cannot skip the expiry.
            _forget(_(_IDLE_MESSAGE))
            sso.logout()
            return None
        return _load(person_id)
    _forget()
    with db() as session:
        person_id = sso.person_id_for(session=session, claims=claims)
        if person_id is None:
            # Logged once a session, as a local sign-in with an unknown email is.
            if st.session_state.get(_SSO_REFUSED_KEY) != claims.raw_email:
                audit.record(session, None, "sign_in_failed", claims.raw_email, method="sso")
                st.session_state[_SSO_REFUSED_KEY] = claims.raw_email
            return None
        audit.record(session, person_id, "sign_in", subject="sso")
    st.session_state[_PERSON_KEY] = person_id
    st.session_state[_SSO_EMAIL_KEY] = claims.email
    return _load(person_id)


def current_viewer() -> Viewer | None:
    """The signed-in viewer, or None (after an idle expiry, with a notice for the sign-in)."""
    return _signed_in_viewer()


def require_viewer() -> Viewer:
    """The signed-in viewer; pages call this, and stop at the sign-in screen without one."""
    viewer = _signed_in_viewer()
    if viewer is not None:
        # This rerun's language again (app.py set it already): a page run on its own, as
        # AppTest runs a top-level page, is shown in the viewer's language too (issue 25).
        language.activate(viewer)
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
    st.caption(_("Leadership self-assessment and coaching for contact-centre supervisors"))
    notice = st.session_state.pop("_auth_notice", None)
    if notice:
        st.info(notice)
    if sso.configured():
        _sso_sign_in_screen()
    else:
        _local_sign_in_form()
    language.chooser(None)  # issue 25: follows the browser; the visitor may choose another
    _sign_in_page_scripts()


def _sign_in_page_scripts() -> None:
    """What the browser does on the sign-in page: forget an ended sign-in's cookie, and put
    the keyboard in the Email field (else five Tabs away, behind the menu)."""
    if st.session_state.pop(_FORGET_COOKIE_KEY, False):
        browser.forget_cookie(_COOKIE)
    if not sso.configured():
        browser.focus_field(_("Email"))


def _sso_sign_in_screen() -> None:
    claims = sso.signed_in_claims()
    if claims is None:
        st.subheader(_("Sign in"))
        sso.login_button()
        return
    # Signed in with the company account, but it names no one in LeadCoach: no pages.
    st.error(sso.refusal(claims))
    # A callback, not `if st.button(): ... st.rerun()`: a rerun would drop the redirect.
    st.button(_("Sign out"), icon=":material/logout:", on_click=sso.logout)


def _local_sign_in_form() -> None:
    with st.form("sign_in"):
        st.subheader(_("Sign in"))
        email = st.text_input(_("Email"), autocomplete="username")
        password = st.text_input(_("Password"), type="password", autocomplete="current-password")
        submitted = st.form_submit_button(_("Sign in"), type="primary")
    if submitted:
        try:
            with db() as session:
                person = accounts.authenticate(session=session, email=email, password=password)
                person_id = person.id
        except LeadCoachError as error:
            st.error(str(error))
            return
        _sign_in(person_id)
        st.rerun()


def _first_run_screen() -> None:
    st.title(_("Welcome to LeadCoach"))
    st.write(
        _(
            "This database is empty. Create the first administrator account, "
            "or load the demo organisation to look around."
        )
    )
    left, right = st.columns(2)
    with left, st.form("first_admin"):
        st.subheader(_("Create the first admin"))
        name = st.text_input(_("Name"))
        email = st.text_input(_("Email"))
        password = st.text_input(_("Password (at least 12 characters)"), type="password")
        repeat = st.text_input(_("Repeat the password"), type="password")
        created = st.form_submit_button(_("Create admin account"), type="primary")
    with right:
        st.subheader(_("Or try the demo"))
        st.write(
            _(
                "Loads an in-house site (Leeds) and an outsourced offshore site (Manila, "
                "Horizon BPO) with teams, coaches, HR, three cohorts and past assessments."
            )
        )
        demo = st.button(_("Load demo data"))
    if created:
        try:
            if password != repeat:
                raise InvalidInput(_("Repeat the password: the two passwords differ."))
            with db() as session:
                person = accounts.create_first_admin(
                    session=session, name=name, email=email, password=password
                )
                person_id, person_email = person.id, person.email
        except LeadCoachError as error:
            st.error(str(error))
            return
        if sso.configured():
            # With single sign-on the identity comes from the provider only.
            _forget(
                _(
                    "The admin account for {email} is ready. Sign in with your company "
                    "account that uses this email."
                ).format(email=md(person_email))
            )
        else:
            _sign_in(person_id)
        st.rerun()
    if demo:
        from leadcoach.demo import email_for, load_demo

        try:
            with st.spinner(_("Loading the demo organisation...")), db() as session:
                summary = load_demo(
                    session=session, instrument=instrument(), password=settings().demo_password
                )
        except LeadCoachError as error:
            st.error(str(error))
            return
        loaded = _("Demo loaded: {people} people, {submissions} assessments.").format(
            people=summary.people, submissions=summary.submissions
        )
        if sso.configured():
            _forget(
                loaded
                + " "
                + _(
                    "Sign in with a company account whose email is a demo person's, such as "
                    "{supervisor} (supervisor) or {admin} (admin)."
                ).format(supervisor=email_for("Ana Lima"), admin=email_for("Alex Morgan"))
            )
        else:
            _forget(
                loaded
                + " "
                + _(
                    "Sign in as {supervisor} (supervisor), {coach} (coach), {hr} (HR) or "
                    "{admin} (admin) with the password {password}."
                ).format(
                    supervisor=email_for("Ana Lima"),
                    coach=email_for("Priya Shah"),
                    hr=email_for("Helen Okafor"),
                    admin=email_for("Alex Morgan"),
                    password=settings().demo_password,
                )
            )
        st.rerun()
