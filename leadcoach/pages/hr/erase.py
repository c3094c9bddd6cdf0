"""HR: erase a person and all their data, on request (right to erasure)."""

import streamlit as st

from leadcoach.people import erasure
from leadcoach.platform.errors import InvalidInput
from leadcoach.ui import auth, context
from leadcoach.ui.text import md

NOTICE = "erase_notice"

viewer = auth.require_viewer()
with context.db() as session, context.stop_on_error():
    people = erasure.erasable_people(session=session, viewer=viewer)

st.title("Erase a person", anchor=False)
st.write(
    "Erasing deletes the person and everything about them, at once and for good: their "
    "account, self-assessments (answers, drafts, results), development plan, coaching notes "
    "about them and written by them, comments they made on others' plans, cohort "
    "memberships and the teams they coach. The audit log keeps its events but forgets who "
    "they were. There is no undo, except restoring a backup."
)
notice = st.session_state.pop(NOTICE, None)
if notice:
    st.success(notice)

labels = {
    int(row.person_id): f"{row.name} ({row.email}, {row.role}"
    + (f", {row.team})" if row.team else ")")
    for row in people.itertuples()
}
with st.form("erase_form", clear_on_submit=True):
    person_id = st.selectbox(
        "Person",
        list(labels),
        index=None,
        format_func=lambda i: labels[i],
        placeholder="Choose the person to erase",
        key="erase_person",
    )
    typed = st.text_input("Type their full name to confirm", key="erase_confirm")
    erase = st.form_submit_button("Erase permanently", type="primary", icon=":material/delete:")
if erase:
    with context.shown_errors():
        if person_id is None:
            raise InvalidInput("Person: choose the person to erase.")
        with context.db() as session:
            report = erasure.erase_person(
                session=session, viewer=viewer, person_id=person_id, confirm_name=typed
            )
        name = people.set_index("person_id").loc[person_id, "name"]
        st.session_state[NOTICE] = (
            f"Erased {md(name)} and {report.records} records of their data. "
            "The audit log notes the erasure without their name."
        )
        st.rerun()
