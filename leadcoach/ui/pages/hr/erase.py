"""HR: erase a person and all their data, on request (right to erasure)."""

import streamlit as st

from leadcoach.people import erasure
from leadcoach.platform.errors import InvalidInput
from leadcoach.platform.i18n import _, isolate
from leadcoach.reporting import vocabulary
from leadcoach.ui import auth, context
from leadcoach.ui.text import md

NOTICE = "erase_notice"

viewer = auth.require_viewer()
with context.db() as session, context.stop_on_error():
    people = erasure.erasable_people(session=session, viewer=viewer)

st.title(_("Erase a person"), anchor=False)
st.write(
    _(
        "Erasing deletes the person and everything about them, at once and for good: their "
        "account, self-assessments (answers, drafts, results), development plan, coaching "
        "notes about them and written by them, comments they made on others' plans, cohort "
        "memberships and the teams they coach. The audit log keeps its events but forgets who"
        " they were. There is no undo, except restoring a backup."
    )
)
notice = st.session_state.pop(NOTICE, None)
if notice:
    st.success(notice)

labels = {
    int(row.person_id): (
        _("{name} ({email}, {role}, {team})") if not vocabulary.is_empty(row.team) else
        _("{name} ({email}, {role})")
    ).format(name=row.name, email=row.email, role=vocabulary.role(row.role), team=row.team)
    for row in people.itertuples()
}  # fmt: skip
# The choice and the typed name stay after a refusal (a mistyped name is fixed, not retyped
# from scratch); once the person is erased, new widgets (new keys) start empty: deleting the
# old keys is not enough, as the browser sends its widgets' values back with the next run.
generation = st.session_state.get("erase_generation", 0)
with st.form("erase_form"):
    person_id = st.selectbox(
        _("Person"),
        list(labels),
        index=None,
        format_func=lambda i: labels[i],
        placeholder=_("Choose the person to erase"),
        key=f"erase_person_{generation}",
    )
    typed = st.text_input(_("Type their full name to confirm"), key=f"erase_confirm_{generation}")
    erase = st.form_submit_button(_("Erase permanently"), type="primary", icon=":material/delete:")
if erase:
    with context.shown_errors():
        if person_id is None:
            raise InvalidInput(_("Person: choose the person to erase."))
        with context.db() as session:
            report = erasure.erase_person(
                session=session, viewer=viewer, person_id=person_id, confirm_name=typed
            )
        name = people.set_index("person_id").loc[person_id, "name"]
        what = report.described()
        st.session_state[NOTICE] = (
            (
                _("Erased {name} and their data: {what}.").format(name=isolate(md(name)), what=what)
                if what
                else _("Erased {name}. Nothing else was stored about them.").format(
                    name=isolate(md(name))
                )
            )
            + " "
            + _("The audit log notes the erasure without their name.")
        )
        st.session_state["erase_generation"] = generation + 1
        st.rerun()
