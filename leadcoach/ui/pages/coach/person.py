"""Coach: one person they coach: results, growth, development plan and coaching notes."""

import streamlit as st

from leadcoach.people import people
from leadcoach.platform.i18n import _
from leadcoach.ui import auth, context, feedback_views, person_views

viewer = auth.require_viewer()
with context.db() as session, context.stop_on_error():
    coached = people.people_overview(session=session, viewer=viewer)

st.title(_("Person"), anchor=False)
if coached.empty:
    st.info(_("Nobody to show yet: you coach no team with supervisors on it."))
    st.stop()

names = dict(zip(coached["person_id"], coached["name"] + " · " + coached["team"], strict=True))
asked = context.subject_person_id(viewer.person_id)
# An id from the address that is not one of the coach's people still goes to the core,
# which refuses it with a plain message: the list is a convenience, not the access check.
options = list(names) if asked in names or asked == viewer.person_id else [asked, *names]
person_id = st.selectbox(
    _("Person"), options, index=options.index(asked) if asked in options else 0,
    format_func=lambda pid: names.get(pid, _("person {number}").format(number=pid)),
    key="coach_person",
)  # fmt: skip
if person_id != asked:
    st.query_params["person"] = str(person_id)

results, growth, plan, notes, others = st.tabs(
    [_("Results"), _("Growth"), _("Development plan"), _("Notes"), _("Feedback from others")]
)
with results:
    person_views.results(viewer, person_id, title=False)
with growth:
    person_views.growth(viewer, person_id, title=False)
with plan:
    person_views.plan(viewer, person_id, title=False)
with notes:
    person_views.coaching_notes(viewer, person_id)
with others:
    feedback_views.report(viewer, person_id, title=False, key="coach_feedback")
