"""The one-click link that stops a kind of email: applied on the notifications page, signed
in or not (the link's signature is the proof, so it needs no sign-in)."""

from __future__ import annotations

import streamlit as st

from leadcoach.messaging import preferences
from leadcoach.platform.errors import InvalidInput
from leadcoach.platform.i18n import _
from leadcoach.ui import auth
from leadcoach.ui.context import db, settings
from leadcoach.ui.text import md

STOP_PARAMETER = "stop"


def apply_stop_link() -> None:
    """If the address carries a stop token, turn that kind of email off and say so; the token
    leaves the address at once, so turning the kind on again is not undone by a rerun."""
    token = st.query_params.get(STOP_PARAMETER)
    if token is None:
        return
    del st.query_params[STOP_PARAMETER]
    try:
        with db() as session:
            done = preferences.unsubscribe(session=session, settings=settings(), token=token)
    except InvalidInput as error:
        st.error(str(error))
        return
    what = md(done.label.lower())
    if done.changed:
        st.success(
            _(
                "Done: no more emails about this: *{what}*. You can turn them on again under "
                "Notifications in LeadCoach."
            ).format(what=what)
        )
    else:
        st.info(_("These emails are off already: *{what}*.").format(what=what))


def signed_out_page() -> None:
    """The notifications address for a signed-out visitor: apply a stop link, then sign-in."""
    apply_stop_link()
    auth.gate_page()
