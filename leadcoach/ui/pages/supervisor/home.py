"""Supervisor home: where they stand and the one next step."""

from datetime import UTC, datetime

import streamlit as st

from leadcoach.assessment import journey, responses
from leadcoach.coaching import plans
from leadcoach.people import people
from leadcoach.platform.i18n import _, day, isolate, ngettext, number
from leadcoach.ui import auth, context
from leadcoach.ui.text import md

viewer = auth.require_viewer()
settings = context.settings()
with context.db() as session, context.stop_on_error():
    summary = people.supervisor_summary(
        session=session,
        viewer=viewer,
        person_id=viewer.person_id,
        reassessment_days=settings.reassessment_days,
    )
    draft_id = responses.current_draft_id(
        session=session, viewer=viewer, person_id=viewer.person_id
    )
    draft = (
        responses.load_draft(session=session, viewer=viewer, draft_id=draft_id)
        if draft_id
        else None
    )
    goals = plans.plan(
        session=session, viewer=viewer, person_id=viewer.person_id, instrument=context.instrument()
    )

st.title(_("Hello, {name}").format(name=isolate(md(summary.name))), anchor=False)
where = " · ".join(md(part) for part in (summary.team, summary.site) if part)
if where:
    st.caption(where)

st.subheader(_("Your next step"), anchor=False)
with st.container(border=True):
    now = datetime.now(UTC)
    if draft is not None:
        st.markdown(
            _(
                "**Resume your self-assessment.** {answered} of {total} answers are saved; "
                "about {minutes} minutes to go."
            ).format(
                answered=number(draft.questions_answered),
                total=number(draft.questions_total),
                minutes=number(journey.minutes_left(draft)),
            )
        )
        st.page_link(
            "pages/supervisor/assessment.py",
            label=_("Resume the assessment"),
            icon=":material/edit:",
        )
    elif summary.last_submitted_at is None:
        st.markdown(
            _(
                "**Take your first self-assessment.** About 15 minutes; every answer is saved "
                "as you give it, so you can stop between huddles and carry on later."
            )
        )
        st.page_link(
            "pages/supervisor/assessment.py",
            label=_("Start the assessment"),
            icon=":material/edit:",
        )
    elif summary.next_due_at <= now:
        st.markdown(
            _(
                "**Your reassessment is due** (since {date}). "
                "Taking it now shows how your skills have grown."
            ).format(date=day(summary.next_due_at, month="MMMM"))
        )
        st.page_link(
            "pages/supervisor/assessment.py",
            label=_("Start the reassessment"),
            icon=":material/edit:",
        )
    else:
        days = (summary.next_due_at - now).days
        st.markdown(
            ngettext(
                "**Work on your development plan.** Your next assessment is due on {date}, "
                "in {days} day.",
                "**Work on your development plan.** Your next assessment is due on {date}, "
                "in {days} days.",
                days,
            ).format(date=day(summary.next_due_at, month="MMMM"), days=number(days))
        )
        st.page_link(
            "pages/supervisor/results.py", label=_("See your results"), icon=":material/insights:"
        )

assessed, index, plan_column = st.columns(3)
assessed.metric(_("Assessments submitted"), number(summary.submissions))
index.metric(
    _("Latest overall index"),
    "—" if summary.last_overall_index is None else number(summary.last_overall_index, 0),
    help=_("0-100; the mean of your skill scores."),
)
plan_state = plans.summary(goals)
plan_column.metric(_("Active development goals"), number(plan_state.active_goals))

st.subheader(_("Your development plan"), anchor=False)
if not goals:
    st.write(
        _(
            "You have no development goals yet. After an assessment, choose one to three "
            "skills to focus on."
        )
    )
else:
    last = plan_state.last_check_in
    st.write(
        ngettext("{count} active goal; ", "{count} active goals; ", plan_state.active_goals)
        .format(count=number(plan_state.active_goals))
        + (
            _("last check-in on {date}.").format(date=day(last, month="MMMM"))
            if last
            else _("no check-in recorded yet.")
        )
    )  # fmt: skip
st.page_link(
    "pages/supervisor/plan.py", label=_("Open your development plan"), icon=":material/flag:"
)
