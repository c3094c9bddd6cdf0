"""Which language this rerun is shown in, the chooser, and the right-to-left layout (issue 25).

A rerun, not a reload: the language lives in the person's profile (signed in) or in this
tab's session state (signed out), and `leadcoach.platform.i18n.activate` sets it for this
rerun's thread at the top of app.py, before any page draws a word."""

from __future__ import annotations

from collections.abc import Callable

import streamlit as st

from leadcoach.people import profile
from leadcoach.people.access import Viewer
from leadcoach.platform import i18n
from leadcoach.platform.i18n import _
from leadcoach.platform.languages import SOURCE, SUPPORTED, code_for
from leadcoach.ui import styles
from leadcoach.ui.context import db, shown_errors

_CHOICE_KEY = "_language_choice"  # a signed-out visitor's choice in this tab
# The language of the 360 form this tab holds (a signed-out rater, leadcoach.ui.rater_view):
# the invitation was sent in it, so the page follows it rather than the browser.
FORM_LANGUAGE_KEY = "_rater_form_language"
CHOOSER_KEY = "language_chooser"


def browser_language() -> str | None:
    """The browser's language (`st.context.locale`, e.g. "ar-EG") if LeadCoach speaks it."""
    try:
        return code_for(st.context.locale)
    except Exception:  # no browser context (bare script run)
        return None


def activate(viewer: Viewer | None) -> str:
    """Set this rerun's language: the one chosen in this tab (the chooser also keeps it in
    the profile), else the profile's, else (signed out) the language of the rater form this
    tab holds, else the browser's, else English. Returns the code."""
    choice = st.session_state.get(_CHOICE_KEY)
    profile_or_form = viewer.language if viewer else st.session_state.get(FORM_LANGUAGE_KEY)
    code = choice or profile_or_form or browser_language() or SOURCE
    return i18n.activate(code)


def follow_form(viewer: Viewer | None, form_language: str) -> None:
    """On the rater page: read it in the form's language unless this tab chose another or
    the rater is signed in (their own language). The language is decided before the page's
    direction is drawn (app.py), so a change is one more rerun, once per form."""
    if viewer is not None or st.session_state.get(FORM_LANGUAGE_KEY) == form_language:
        return
    st.session_state[FORM_LANGUAGE_KEY] = form_language
    if not st.session_state.get(_CHOICE_KEY) and i18n.current() != form_language:
        st.rerun()


def _chosen(viewer: Viewer | None, then: Callable[[str], None] | None = None) -> None:
    code = st.session_state[CHOOSER_KEY]
    st.session_state[_CHOICE_KEY] = code
    if then is not None:
        then(code)
    if viewer is None:
        return
    with db() as session, shown_errors():
        profile.set_language(session=session, viewer=viewer, language=code)


def chooser(viewer: Viewer | None, then: Callable[[str], None] | None = None) -> None:
    """A select box of the languages, each in its own name; the choice shows at once (a
    rerun) and, signed in, is kept in the person's profile; `then(code)` is told too."""
    codes = list(SUPPORTED)
    current = i18n.current()
    st.session_state[CHOOSER_KEY] = current  # follows the profile when it changes elsewhere
    st.selectbox(
        _("Language"),
        codes,
        format_func=SUPPORTED.get,
        key=CHOOSER_KEY,
        on_change=_chosen,
        args=(viewer, then),
    )


def layout() -> None:
    """The page's direction rules: right to left for Arabic (and the language's own
    `lang`), drawn once per rerun after the language is known."""
    if i18n.is_rtl():
        st.html(f"<style>{styles.RTL_CSS}</style>")
