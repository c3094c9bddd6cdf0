"""Development plan: focus skills, SMART goals, actions from the tips library, check-ins."""

from datetime import date, timedelta

import streamlit as st

from leadcoach import analytics, people, plans
from leadcoach.models import GoalStatus
from leadcoach.ui import auth, context
from leadcoach.ui.text import md

viewer = auth.require_viewer()
instrument = context.instrument()
library = context.tips()
person_id = context.subject_person_id(viewer.person_id)
own = person_id == viewer.person_id

with context.db() as session, context.stop_on_error():
    person = people.person_name(session=session, viewer=viewer, person_id=person_id)
    goals = plans.plan(session=session, viewer=viewer, person_id=person_id, instrument=instrument)
    scores = analytics.person_scores(session=session, viewer=viewer, person_id=person_id)

st.title("Your development plan" if own else f"Development plan of {md(person)}", anchor=False)
if notice := st.session_state.pop("plan_notice", None):
    st.success(notice)


def run(action, **arguments) -> None:
    """Do one plan change in its own transaction; show a refusal instead of failing."""
    with context.shown_errors(), context.db() as session:
        action(session=session, viewer=viewer, **arguments)


active = [g for g in goals if g.status == GoalStatus.ACTIVE]
if not goals:
    st.info(
        "No goals yet. A good plan has one to three focus skills, each with one specific goal, "
        "a way to see progress, a target date and a few concrete actions."
        if own
        else f"{md(person)} has no development goals yet."
    )

for goal in goals:
    with st.container(border=True):
        st.subheader(f"{goal.skill}", anchor=False)
        st.markdown(f"**Goal:** {md(goal.specific)}")
        if goal.measure:
            st.markdown(f"**Progress shows as:** {md(goal.measure)}")
        st.caption(f"Target date {goal.target_date:%d %B %Y} · {goal.status}")
        st.progress(goal.progress / 100, text=f"{goal.progress}% reached (latest check-in)")
        for action in goal.actions:
            st.checkbox(
                md(action.text),
                value=action.done,
                key=f"plan_action_{action.id}",
                disabled=not own,
                on_change=lambda a=action: run(
                    plans.set_action_done,
                    action_id=a.id,
                    done=st.session_state[f"plan_action_{a.id}"],
                ),
            )
        if goal.check_ins:
            with st.expander(f"Check-ins ({len(goal.check_ins)})"):
                for check in reversed(goal.check_ins):
                    st.markdown(f"- {check.at:%d %b %Y}: **{check.progress}%** {md(check.note)}")
        for comment in goal.comments:
            st.info(f"**{md(comment.author)}**, {comment.at:%d %b %Y}: {md(comment.text)}")
        if own and goal.status == GoalStatus.ACTIVE:
            with st.form(f"check_in_{goal.id}", clear_on_submit=True):
                progress = st.slider("How far along is this goal?", 0, 100, goal.progress, 5,
                                     format="%d%%")  # fmt: skip
                note = st.text_input("What happened since the last check-in? (optional)")
                saved = st.form_submit_button("Record check-in")
            if saved:
                run(plans.record_check_in, goal_id=goal.id, progress=progress, note=note)
                st.rerun()
            done, drop = st.columns(2)
            if done.button("Mark achieved", key=f"achieved_{goal.id}", icon=":material/check:"):
                run(plans.set_goal_status, goal_id=goal.id, status=GoalStatus.ACHIEVED.value)
                st.rerun()
            if drop.button("Drop this goal", key=f"drop_{goal.id}"):
                run(plans.set_goal_status, goal_id=goal.id, status=GoalStatus.DROPPED.value)
                st.rerun()

if not own:
    st.stop()

st.divider()
st.subheader("Add a goal", anchor=False)
if len({g.skill_id for g in active}) >= plans.MAX_FOCUS_SKILLS:
    st.caption(
        f"Your plan has {plans.MAX_FOCUS_SKILLS} focus skills. Mark a goal achieved or dropped "
        "to choose another."
    )
    st.stop()

profile = analytics.profile(scores, instrument)
_, develop = analytics.strengths_and_development(profile)
suggested = [s for s in develop["skill_id"] if s not in {g.skill_id for g in active}]
names = {s.id: s.name for s in instrument.skills}
available = [s.id for s in instrument.skills if s.id in set(profile["skill_id"])] or [
    s.id for s in instrument.skills
]
if suggested:
    st.write("Suggested from your latest results: " + ", ".join(names[s] for s in suggested))
else:
    st.caption("Take an assessment to get suggestions; you can choose any skill meanwhile.")
ordered = suggested + [s for s in available if s not in suggested]
skill_id = st.selectbox("Focus skill", ordered, format_func=names.get, key="plan_skill")
with st.form("new_goal", clear_on_submit=True):
    specific = st.text_area(
        "Specific: what will you do differently?",
        placeholder="e.g. Hold a 10-minute check-in with each remote team lead every week.",
        max_chars=500,
    )
    measure = st.text_input(
        "Measurable: how will you and your coach see progress?",
        placeholder="e.g. 4 check-ins a month logged; vendor SLA discussed in each",
        max_chars=300,
    )
    st.caption(
        "Achievable and relevant: pick something within your control that matters to your "
        "team's results. Time-bound: set a date."
    )
    target = st.date_input(
        "Target date", value=date.today() + timedelta(days=90), min_value=date.today()
    )
    tips = library.get(skill_id, ())
    picked = st.multiselect(
        "Actions from the coaching library", [t.title for t in tips],
        help="; ".join(f"{t.title}: {t.action}" for t in tips),
    )  # fmt: skip
    own_action = st.text_input("An action of your own (optional)", max_chars=500)
    add = st.form_submit_button("Add goal", type="primary")
if add:
    chosen = [(f"{t.title}: {t.action}", t.title) for t in tips if t.title in picked]
    if own_action.strip():
        chosen.append((own_action, None))
    added = False
    with context.shown_errors(), context.db() as session:
        plans.add_goal(
            session=session,
            viewer=viewer,
            instrument=instrument,
            skill_id=skill_id,
            specific=specific,
            measure=measure,
            target_date=target,
            actions=chosen,
        )
        added = True
    if added:  # rerun outside the transaction, which must commit first
        st.session_state["plan_notice"] = f"Goal added for {names[skill_id]}."
        st.rerun()
