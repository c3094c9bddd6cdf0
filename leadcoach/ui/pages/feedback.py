"""360 feedback rounds (issue 22): the supervisor starts a round and proposes raters; their
coach or HR changes and approves the list (codes for raters without email are shown once);
everyone involved follows the answers per group, as counts. The report is another page."""

from datetime import timedelta

import streamlit as st

from leadcoach.people.access import Action, allowed
from leadcoach.platform.i18n import N_, _, ngettext, number, strftime
from leadcoach.platform.models import NominationStatus, Person, Role, RoundStatus, utcnow
from leadcoach.programmes import feedback_rounds
from leadcoach.ui import auth, context

# Texts of the catalog, shown in the reader's language with `_()`.
GROUPS = {
    "manager": N_("Manager"),
    "peer": N_("Peer (another supervisor)"),
    "direct_report": N_("Team member (agent)"),
    "counterpart": N_("Client or vendor counterpart"),
}
STATUS = {
    RoundStatus.NOMINATING.value: N_("raters being chosen"),
    RoundStatus.OPEN.value: N_("open for answers"),
    RoundStatus.CLOSED.value: N_("closed"),
    RoundStatus.CANCELLED.value: N_("cancelled"),
}

viewer = auth.require_viewer()


def done(function, **arguments) -> bool:
    """Run a core function in its own unit of work; True when it succeeded (the page then
    reruns outside the transaction, which a rerun inside it would roll back)."""
    with context.db() as session, context.shown_errors():
        function(session=session, viewer=viewer, **arguments)
        return True
    return False


settings = context.settings()
st.title(_("360 feedback"), anchor=False)
st.caption(
    _(
        "The people around a supervisor (their manager, peers, agents and client or vendor "
        "counterparts) rate the same behaviours. Answers are shown only for groups with at "
        "least {min_raters} raters, never one by one."
    ).format(min_raters=settings.min_raters)
)

with context.db() as session, context.stop_on_error():
    shown = feedback_rounds.rounds(session=session, viewer=viewer)
    startable = feedback_rounds.supervisors_for_feedback(session=session, viewer=viewer)

with st.expander(_("Start a feedback round"), expanded=not shown):
    if not startable:
        st.info(_("There is no supervisor you can start a round for."))
    else:
        with st.form("feedback_start"):
            names = dict(startable)
            who = st.selectbox(_("Supervisor"), list(names), format_func=names.get)
            today = utcnow().date()
            closes = st.date_input(
                _("Closes on"), value=today + timedelta(days=14), min_value=today
            )
            started = st.form_submit_button(_("Start the round"), type="primary")
        if started and done(
            feedback_rounds.start_round, supervisor_id=who, opens_on=today, closes_on=closes,
            instrument=context.instrument(),
        ):  # fmt: skip
            st.rerun()

if not shown:
    st.info(_("No feedback rounds yet."))
    st.stop()

labels = {
    r.round_id: _("{name} · {opens_on} to {closes_on} · {status}").format(
        name=r.supervisor_name,
        opens_on=strftime(r.opens_on, "%d %b %Y"),
        closes_on=strftime(r.closes_on, "%d %b %Y"),
        status=_(STATUS[r.status]),
    )
    for r in shown
}
round_id = st.selectbox(_("Round"), list(labels), format_func=labels.get, key="feedback_round")
chosen = next(r for r in shown if r.round_id == round_id)

with context.db() as session, context.stop_on_error():
    rows = feedback_rounds.nominations(
        session=session, viewer=viewer, round_id=round_id, settings=settings
    )
    progress = feedback_rounds.round_progress(session=session, viewer=viewer, round_id=round_id)
    subject = session.get(Person, chosen.supervisor_id)
may_approve = allowed(viewer, Action.APPROVE_RATERS, subject) and (
    viewer.person_id != chosen.supervisor_id
)

if progress:
    st.subheader(_("Answers so far"), anchor=False)
    st.table(
        {
            _("Group"): [_(p.group_label) for p in progress],
            _("Asked"): [number(p.asked) for p in progress],
            _("Answered"): [number(p.answered) for p in progress],
            _("Declined"): [number(p.declined) for p in progress],
        }
    )

st.subheader(_("Raters"), anchor=False)
active = [r for r in rows if r.status != NominationStatus.REMOVED.value]
if active:
    listed = {
        _("Name"): [r.name for r in active],
        _("Group"): [_(r.group_label) for r in active],
        _("Email"): [r.email or _("one-time code") for r in active],
    }
    # Who declined or answered is never shown; how often each was asked matters only while
    # the list can still change (rater fatigue).
    if chosen.status == RoundStatus.NOMINATING.value:
        listed[_("Asked lately")] = [
            ngettext("{count} round (many)", "{count} rounds (many)", r.asked_recently).format(
                count=number(r.asked_recently)
            )
            if r.fatigued
            else number(r.asked_recently)
            for r in active
        ]
    st.table(listed)
    if chosen.status == RoundStatus.NOMINATING.value and any(r.fatigued for r in active):
        st.warning(
            _(
                "Someone on this list has been asked for feedback by many supervisors lately "
                "(more than {rater_fatigue_limit} rounds in {rater_fatigue_days} days). "
                "Consider asking someone else."
            ).format(
                rater_fatigue_limit=settings.rater_fatigue_limit,
                rater_fatigue_days=settings.rater_fatigue_days,
            )
        )
else:
    st.info(_("No raters chosen yet."))

if chosen.status == RoundStatus.NOMINATING.value:
    with st.form("feedback_nominate", clear_on_submit=True):
        st.markdown(_("**Add a rater**"))
        group = st.selectbox(_("Group"), list(GROUPS), format_func=lambda code: _(GROUPS[code]))
        name = st.text_input(_("Name"), max_chars=200)
        email = st.text_input(_("Email (leave empty for an agent without company email)"))
        added = st.form_submit_button(_("Add"))
    if added and done(
        feedback_rounds.nominate, round_id=round_id, group=group, settings=settings,
        name=name, email=email or None,
    ):  # fmt: skip
        st.rerun()
    if active:
        names = {
            r.nomination_id: _("{name} ({group})").format(name=r.name, group=_(r.group_label))
            for r in active
        }
        gone = st.selectbox(_("Take off the list"), list(names), format_func=names.get, index=None)
        if (
            gone is not None
            and st.button(_("Remove"))
            and done(feedback_rounds.remove_nomination, nomination_id=gone)
        ):
            st.rerun()
    if may_approve:
        problems = feedback_rounds.list_problems(active, settings)
        for problem in problems:
            st.warning(problem)
        if st.button(_("Approve the list and send the invitations"), type="primary",
                     disabled=bool(problems)):  # fmt: skip
            issued = []
            with context.db() as session, context.shown_errors():
                issued = feedback_rounds.approve_round(
                    session=session, viewer=viewer, round_id=round_id, settings=settings
                )
                st.session_state["feedback_codes"] = [
                    (c.name, c.group_label, c.code) for c in issued
                ] or [("", "", "")]
            if st.session_state.get("feedback_codes"):
                st.rerun()
    elif viewer.role == Role.SUPERVISOR:
        st.caption(_("Your coach or HR approves the list; then the invitations go out."))

if codes := st.session_state.pop("feedback_codes", None):
    st.success(_("Approved: the invitations go out by email."))
    codes = [c for c in codes if c[2]]
if codes:
    st.markdown(
        _(
            "Hand these codes to the raters without email (they are shown only now; they type"
            " them at the *Give feedback* page):"
        )
    )
    st.table({_("Name"): [c[0] for c in codes], _("Group"): [_(c[1]) for c in codes],
              _("Code"): [c[2] for c in codes]})  # fmt: skip

if (
    chosen.status == RoundStatus.OPEN.value
    and may_approve
    and st.button(_("Close the round now"))
    and done(feedback_rounds.close_round, round_id=round_id)
):
    st.rerun()
