"""HR: intake cohorts: create one, add its members, set its assessment rounds."""

from datetime import date

import streamlit as st

from leadcoach.people import people
from leadcoach.platform.i18n import _, isolate, number
from leadcoach.programmes import cohorts
from leadcoach.ui import auth, context, tables
from leadcoach.ui.text import md

viewer = auth.require_viewer()
st.title(_("Cohorts"), anchor=False)
if notice := st.session_state.pop("cohort_notice", None):
    st.success(notice)


def run(action, **arguments) -> bool:
    """One change in its own transaction; a refusal is shown, not raised."""
    with context.shown_errors(), context.db() as session:
        action(session=session, viewer=viewer, **arguments)
        return True
    return False


with context.db() as session, context.stop_on_error():
    listed = cohorts.cohort_list(session=session, viewer=viewer)

with st.expander(_("Create a cohort"), expanded=listed.empty):
    with st.form("new_cohort", clear_on_submit=True):
        name = st.text_input(
            _("Cohort name"), max_chars=120, placeholder=_("e.g. 2027 Spring intake")
        )
        start = st.date_input(_("Start date"), value=date.today())
        description = st.text_input(_("Description (optional)"), max_chars=500)
        standard = st.checkbox(_("Add the usual rounds: Baseline, Day 90, Day 180"), value=True)
        create = st.form_submit_button(_("Create cohort"), type="primary")
    if create:
        created = committed = None
        with context.shown_errors(), context.db() as session:
            created = cohorts.create_cohort(
                session=session,
                viewer=viewer,
                name=name,
                start_date=start,
                description=description,
            )
            for spec in cohorts.default_rounds(start) if standard else []:
                cohorts.add_round(
                    session=session,
                    viewer=viewer,
                    cohort_id=created,
                    name=spec.name,
                    opens_on=spec.opens_on,
                    closes_on=spec.closes_on,
                )
            committed = created  # reached only when every step succeeded
        if committed:
            st.session_state["cohort_notice"] = _("Cohort {name} created.").format(
                name=isolate(md(name.strip()))
            )
            st.session_state["cohort_choice"] = committed
            st.rerun()

if listed.empty:
    st.info(_("No cohorts yet. Create one above, or import a roster with a cohort column."))
    st.stop()

tables.grid(listed)
names = dict(zip(listed["cohort_id"], listed["name"], strict=True))
cohort_id = st.selectbox(_("Cohort"), list(names), format_func=names.get, key="cohort_choice")
with context.db() as session, context.stop_on_error():
    members = cohorts.cohort_members(session=session, viewer=viewer, cohort_id=cohort_id)
    rounds = cohorts.cohort_rounds(session=session, viewer=viewer, cohort_id=cohort_id)
    supervisors = people.people_overview(session=session, viewer=viewer)

members_tab, rounds_tab = st.tabs(
    [
        _("Members ({members})").format(members=len(members)),
        _("Rounds ({rounds})").format(rounds=len(rounds)),
    ]
)
with members_tab:
    if members.empty:
        st.caption(_("No members yet."))
    else:
        tables.grid(members)
    outside = supervisors[~supervisors["person_id"].isin(members["person_id"])]
    labels = dict(
        zip(outside["person_id"], outside["name"] + " · " + outside["team"].fillna(""), strict=True)
    )
    with st.form(f"add_members_{cohort_id}", clear_on_submit=True):
        chosen = st.multiselect(_("Add supervisors"), list(labels), format_func=labels.get)
        add = st.form_submit_button(_("Add to cohort"))
    if add and not chosen:
        st.warning(_("Choose at least one supervisor to add."))
    elif add and run(cohorts.add_members, cohort_id=cohort_id, person_ids=chosen):
        st.session_state["cohort_notice"] = _("{count} added to {cohort}.").format(
            count=number(len(chosen)), cohort=isolate(md(names[cohort_id]))
        )
        st.rerun()
    if not members.empty:
        leaving = st.selectbox(
            _("Remove a member"),
            [None, *members["person_id"]],
            format_func=lambda pid: (
                "—" if pid is None else members.set_index("person_id").loc[pid, "name"]
            ),
        )
        if leaving is not None and st.button(_("Remove from cohort")):
            run(cohorts.remove_member, cohort_id=cohort_id, person_id=leaving)
            st.rerun()

with rounds_tab:
    if rounds.empty:
        st.caption(_("No rounds yet: add the baseline first."))
    else:
        tables.grid(rounds)
    st.caption(
        _(
            "A submission counts for a round when it is made between the round's first and "
            "last day (both included). Windows cannot overlap."
        )
    )
    with st.form(f"add_round_{cohort_id}", clear_on_submit=True):
        round_name = st.text_input(_("Round name"), max_chars=60, placeholder=_("e.g. Day 270"))
        opens, closes = st.columns(2)
        opens_on = opens.date_input(_("Opens on"))
        closes_on = closes.date_input(_("Closes on"))
        add_round = st.form_submit_button(_("Add round"))
    if add_round and run(
        cohorts.add_round,
        cohort_id=cohort_id,
        name=round_name,
        opens_on=opens_on,
        closes_on=closes_on,
    ):
        st.session_state["cohort_notice"] = _("Round {name} added.").format(
            name=isolate(md(round_name.strip()))
        )
        st.rerun()
