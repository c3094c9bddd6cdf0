"""Single sign-on: Streamlit's st.login (OpenID Connect), used when secrets.toml has [auth].

Identity comes only from st.user, which Streamlit fills from the provider's signed ID token
(kept in a signed cookie); never from page parameters or anything a page can set.
"""

from __future__ import annotations

from dataclasses import dataclass

import streamlit as st
from sqlmodel import Session, select
from streamlit.errors import StreamlitAuthError, StreamlitSecretNotFoundError

from leadcoach.people import accounts
from leadcoach.platform.errors import InvalidInput
from leadcoach.platform.i18n import N_, _
from leadcoach.platform.models import Person
from leadcoach.ui.text import md

LOGIN_LABEL = N_("Sign in with your company account")


def configured() -> bool:
    """True when the secrets have an [auth] section, so sign-in goes through st.login.

    Reads the secrets rather than st.user.is_logged_in, which raises AttributeError when
    no [auth] section exists. A missing or unreadable secrets file means local accounts.
    """
    try:
        return bool(st.secrets.load_if_toml_exists() and "auth" in st.secrets)
    except StreamlitSecretNotFoundError:
        return False


@dataclass(frozen=True)
class Claims:
    """What the identity provider says about the person signed in with st.login."""

    raw_email: str  # as the provider sent it, for messages
    email: str | None  # normalised; None when missing or not an email address
    email_verified: bool  # False only when the provider says so outright


def signed_in_claims() -> Claims | None:
    """The provider's claims for this browser session, or None when not signed in with SSO."""
    if not st.user.get("is_logged_in", False):
        return None
    raw = st.user.get("email")
    raw_email = raw if isinstance(raw, str) else ""
    try:
        email = accounts.normalise_email(raw_email)
    except InvalidInput:
        email = None
    # Providers that send email_verified=false let users type any address (a classic
    # account-takeover route); those that do not send the claim vouch for the address.
    verified = st.user.get("email_verified", True) not in (False, "false", "False")
    return Claims(raw_email=raw_email, email=email, email_verified=verified)


def person_id_for(*, session: Session, claims: Claims) -> int | None:
    """The id of the person whose email the provider vouched for, or None."""
    if claims.email is None or not claims.email_verified:
        return None
    return session.exec(select(Person.id).where(Person.email == claims.email)).first()


def refusal(claims: Claims) -> str:
    """Why a person signed in with their company account gets no access (Markdown)."""
    if not claims.raw_email.strip():
        return _(
            "Your company account did not tell LeadCoach your email address, so LeadCoach "
            "cannot tell who you are. Ask your IT team to include the `email` claim."
        )
    if not claims.email_verified:
        return _(
            "Your company account has not verified the email {email}, so "
            "LeadCoach cannot use it to sign you in. Ask your IT team for help."
        ).format(email=md(claims.raw_email))
    shown = claims.email or claims.raw_email
    return _("No LeadCoach account uses {email}. Ask your HR team to add you.").format(
        email=md(shown)
    )


def login_button() -> None:
    """The button that starts the company sign-in; a broken [auth] section gets a message."""
    if st.button(_(LOGIN_LABEL), type="primary", icon=":material/login:"):
        try:
            st.login()
        except StreamlitAuthError as error:
            st.error(
                _("Single sign-on is not set up correctly, so sign-in cannot start: {error}")
                .format(error=md(" ".join(str(error).split())))
            )  # fmt: skip


def logout() -> None:
    """End the company sign-in: Streamlit forgets st.user and clears its identity cookie."""
    st.logout()
