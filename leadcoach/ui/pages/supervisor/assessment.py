"""Taking the self-assessment: one step per skill, scenarios, review; every answer saved."""

from dataclasses import replace
from datetime import UTC, datetime

import streamlit as st

from leadcoach.assessment import journey, responses
from leadcoach.people import people
from leadcoach.platform.errors import LeadCoachError
from leadcoach.platform.i18n import N_, _, ngettext, number
from leadcoach.platform.i18n import day as language_day
from leadcoach.ui import auth, browser, context
from leadcoach.ui.text import md

NOT_APPLICABLE = 0  # widget value for "Not applicable" (stored as a missing answer)
RATING_LABELS = {1: N_("1 · very ineffective"), 2: N_("2 · ineffective"),
                 3: N_("3 · effective"), 4: N_("4 · very effective")}  # fmt: skip

viewer = auth.require_viewer()
language = context.questionnaire_language(viewer)  # issue 25: theirs, when translated
instrument = context.shown_in(context.instrument(), language)

with context.db() as session, context.stop_on_error():
    draft_id = responses.current_draft_id(
        session=session, viewer=viewer, person_id=viewer.person_id
    )

st.title(_("Self-assessment"), anchor=False)


def day(moment: datetime) -> str:
    """A date as people write it: 4 December 2026."""
    return language_day(moment, month="MMMM")


if draft_id is None:
    with context.db() as session, context.stop_on_error():
        outline = journey.outline(session=session, viewer=viewer, instrument=instrument)
        summary = people.supervisor_summary(
            session=session,
            viewer=viewer,
            person_id=viewer.person_id,
            reassessment_days=context.settings().reassessment_days,
        )
    about = _(
        "About {minutes} minutes: {items} statements about {skills} skills, then {scenarios} "
        "short workplace situations. Every answer is saved the moment you give it, so you can "
        "stop at any time and carry on later, on any device."
    ).format(
        minutes=number(outline.minutes),
        items=number(outline.items),
        skills=number(outline.skills),
        scenarios=number(outline.scenarios),
    )
    if summary.last_submitted_at is None:
        st.write(f"**{instrument.title}.** {about}")
        label, kind = _("Start the assessment"), "primary"
    elif summary.next_due_at <= datetime.now(UTC):
        st.info(
            _(
                "Your last assessment was submitted on {submitted}. **Your reassessment is "
                "due** (since {due}): taking it now shows how your skills have grown."
            ).format(submitted=day(summary.last_submitted_at), due=day(summary.next_due_at))
        )
        st.write(about)
        label, kind = _("Start the reassessment"), "primary"
    else:
        st.success(
            _("**Submitted on {submitted}.** Your next assessment is due on {due}.").format(
                submitted=day(summary.last_submitted_at), due=day(summary.next_due_at)
            )
        )
        st.page_link(
            "pages/supervisor/results.py", label=_("See your results"), icon=":material/insights:"
        )
        st.write(
            _("You can take the next one earlier if much has changed, such as a new team.")
            + f" {about}"
        )
        label, kind = _("Start the next assessment early"), "secondary"
    if st.button(label, type=kind, icon=":material/play_arrow:"):
        with context.db() as session, context.stop_on_error():
            # The source instrument is frozen and scored; the translation is only shown.
            responses.open_draft(session=session, viewer=viewer, instrument=context.instrument())
        st.rerun()
    st.stop()

# Every answer widget drawn for this draft: its key -> (statement or situation, option, the
# widget value this session knows is stored). Saving in the widget's on_change callback alone
# loses answers: Streamlit runs callbacks inside the script run, and any st.session_state
# access there is a point where a newer interaction waiting (the next answer, given while
# this run was still going) stops the run with a RerunException. The cut-off callback is not
# called again, since the widget's value is no longer new by the next run, so the radio
# showed the answer and the database lacked it (seen in the keyboard-only test on a busy
# machine: 1 to 4 of 140 answers missing at the review). So every run first stores what a
# widget holds and the database does not yet, before reading the draft.
ledger = st.session_state.setdefault(f"assessment_ledger_{draft_id}", {})


def store(item_id: str, option_id: str, widget_key: str, value) -> None:
    """Store one widget's answer; note it as stored, or the error to show."""
    stored = None if value == NOT_APPLICABLE and not option_id else value
    try:
        with context.db() as session:
            responses.save_answer(
                session=session,
                viewer=viewer,
                draft_id=draft_id,
                item_id=item_id,
                option_id=option_id,
                value=stored,
            )
    except LeadCoachError as error:
        st.session_state["assessment_error"] = str(error)
        return
    ledger[widget_key] = (item_id, option_id, value)


def save(item_id: str, option_id: str, widget_key: str) -> None:
    """Widget callback: store this answer in the database at once."""
    if auth.current_viewer() is not None:
        store(item_id, option_id, widget_key, st.session_state[widget_key])


def store_unsaved() -> None:
    """Store every answer a widget holds that is not yet known to be stored (a callback cut
    off by a newer interaction); the widgets of the step just left still hold theirs."""
    for widget_key, (item_id, option_id, known) in list(ledger.items()):
        value = st.session_state.get(widget_key)
        if value is not None and value != known:
            store(item_id, option_id, widget_key, value)


def drawn(widget_key: str, item_id: str, option_id: str, value) -> str:
    """Note a widget drawn with the stored value (on its first drawing this session)."""
    ledger.setdefault(widget_key, (item_id, option_id, value))
    return widget_key


store_unsaved()
with context.db() as session, context.stop_on_error():
    state = responses.load_draft(session=session, viewer=viewer, draft_id=draft_id)
state = replace(state, instrument=context.shown_in(state.instrument, language))
steps = journey.steps(state)
step_key = f"assessment_step_{draft_id}"
if step_key not in st.session_state:
    st.session_state[step_key] = journey.resume_step(state)
index = min(st.session_state[step_key], len(steps) - 1)
step = steps[index]


# Set while the person fixes a gap listed on the review: every step then offers the way back.
from_review_key = f"assessment_from_review_{draft_id}"
if step.kind == "review":
    st.session_state.pop(from_review_key, None)


def go_to(new_index: int) -> None:
    st.session_state[step_key] = new_index


def fix_gap(new_index: int) -> None:
    """From the review to the step that asks an unanswered question."""
    st.session_state[step_key] = new_index
    st.session_state[from_review_key] = True


def plural(count: int, one: str, many: str) -> str:
    """ "3 statements": `one` and `many` are "statement"/"statements" or the situation pair."""
    if one == "statement":
        text = ngettext("{count} statement", "{count} statements", count)
    else:
        text = ngettext("{count} situation", "{count} situations", count)
    return text.format(count=number(count))


answered, total = state.questions_answered, state.questions_total
st.progress(
    answered / total if total else 0.0,
    text=_(
        "Step {step} of {steps} · {answered} of {total} answers saved · about {minutes} min left"
    ).format(
        step=number(index + 1),
        steps=number(len(steps)),
        answered=number(answered),
        total=number(total),
        minutes=number(journey.minutes_left(state)),
    ),
)
if error := st.session_state.pop("assessment_error", None):
    st.error(error)

st.header(step.title, anchor=False)
scale = {p.value: p.label for p in instrument.scale.points}
scale[NOT_APPLICABLE] = instrument.scale.not_applicable_label

if step.kind == "intro":
    st.write(instrument.instructions)
    st.markdown(
        _("How often did you do each thing? The same answer scale is used throughout:")
        + "\n\n"
        + "\n".join(f"- **{label}**" for label in scale.values())
    )
    st.caption(
        _(
            '"Not applicable" is for things you had no opportunity to do; it does not count '
            "for or against you. Some statements about remote, offshore or outsourced teams "
            "are shown only to supervisors who lead such teams."
        )
    )
elif step.kind == "skill":
    st.caption(step.skill.definition)
    for item in step.items:
        saved = state.item_answers.get(item.id, -1)
        current = NOT_APPLICABLE if saved is None else saved
        options = [*instrument.scale_values(), NOT_APPLICABLE]
        key = drawn(f"answer_{draft_id}_{item.id}", item.id, "", current if saved != -1 else None)
        st.radio(
            item.text,
            options,
            index=options.index(current) if current in options else None,
            format_func=scale.get,
            horizontal=True,
            key=key,
            on_change=save,
            args=(item.id, "", key),
        )
elif step.kind == "scenarios":
    st.write(instrument.scenarios_intro)
    for scenario in step.scenarios:
        with st.container(border=True):
            st.markdown(f"**{journey.situation_number(state, scenario)}. {scenario.text}**")
            for option in state.option_order(scenario):
                saved = state.option_ratings.get((scenario.id, option.id))
                key = drawn(f"rating_{draft_id}_{scenario.id}_{option.id}", scenario.id,
                            option.id, saved)  # fmt: skip
                st.radio(
                    option.text,
                    list(RATING_LABELS),
                    index=saved - 1 if saved else None,
                    format_func=lambda rating: _(RATING_LABELS[rating]),
                    horizontal=True,
                    key=key,
                    on_change=save,
                    args=(scenario.id, option.id, key),
                )
else:
    check = journey.review(state)
    if check.complete:
        st.success(_("Every question has an answer. You can submit."))
    else:
        missing = sum(len(items) for items in check.unanswered_items.values())
        situations = len(check.unanswered_scenarios)
        if missing and situations:
            gaps = _("{statements} and {situations} have no answer yet.").format(
                statements=plural(missing, "statement", "statements"),
                situations=plural(situations, "situation", "situations"),
            )
        elif missing:
            gaps = ngettext(
                "{count} statement has no answer yet.", "{count} statements have no answer yet.",
                missing,
            ).format(count=number(missing))  # fmt: skip
        else:
            gaps = ngettext(
                "{count} situation has no answer yet.", "{count} situations have no answer yet.",
                situations,
            ).format(count=number(situations))  # fmt: skip
        st.warning(
            gaps
            + " "
            + _(
                "You can still submit, or choose one below to answer it: its step opens, "
                "with a button to come back here."
            )
        )
        # The statements read as a list, left-aligned, not as centred button labels.
        st.html(
            "<style>[class*='st-key-fix_'] button { justify-content: flex-start; "
            "text-align: left; } [class*='st-key-fix_'] button p { text-align: left; }</style>"
        )
        for skill_name, items in check.unanswered_items.items():
            with st.expander(
                ngettext("{skill}: {count} statement without an answer",
                         "{skill}: {count} statements without an answer", len(items))
                .format(skill=skill_name, count=number(len(items)))
            ):  # fmt: skip
                for item in items:
                    st.button(
                        md(item.text), key=f"fix_{item.id}", type="tertiary",
                        icon=":material/edit:", on_click=fix_gap,
                        args=(journey.step_of(steps, item.id),),
                    )  # fmt: skip
        if check.unanswered_scenarios:
            count = len(check.unanswered_scenarios)
            with st.expander(
                ngettext("Situations: {count} situation not fully rated",
                         "Situations: {count} situations not fully rated", count)
                .format(count=number(count))
            ):  # fmt: skip
                for scenario in check.unanswered_scenarios:
                    number = journey.situation_number(state, scenario)
                    st.button(
                        f"{number}. {md(scenario.text)}", key=f"fix_{scenario.id}",
                        type="tertiary", icon=":material/edit:", on_click=fix_gap,
                        args=(journey.step_of(steps, scenario.id),),
                    )  # fmt: skip
    if check.insufficient_skills:
        st.error(
            _(
                "These skills would show **insufficient data**, because fewer than two thirds "
                'of their statements are answered ("Not applicable" counts as unanswered): '
            )
            + ", ".join(check.insufficient_skills)
        )
    if not check.overall_available:
        st.info(_("The overall index needs at least 10 skills with enough answers."))
    confirmed = st.checkbox(_("I have reviewed my answers. I understand they cannot change later."))
    if st.button(_("Submit assessment"), type="primary", disabled=not confirmed):
        with context.db() as session, context.stop_on_error():
            responses.submit_assessment(
                session=session, viewer=viewer, draft_id=draft_id, language=language
            )
        st.session_state.pop(step_key, None)
        st.session_state["results_notice"] = _(
            "Your assessment is submitted. Here are your results."
        )
        st.switch_page("pages/supervisor/results.py")

back, to_review, forward = st.columns([1, 2, 1])
back.button(
    _("Back"), icon=":material/arrow_back:", disabled=index == 0, on_click=go_to, args=(index - 1,),
    width="stretch",
)  # fmt: skip
if st.session_state.get(from_review_key):
    to_review.button(
        _("Back to review"), icon=":material/checklist:", on_click=go_to, args=(len(steps) - 1,),
        width="stretch",
    )  # fmt: skip
if index < len(steps) - 1:
    forward.button(
        _("Next"), icon=":material/arrow_forward:", type="primary", on_click=go_to,
        args=(index + 1,), width="stretch",
    )  # fmt: skip

# A new step opens at its title with keyboard focus on it, wherever the page was scrolled
# to for the Next button. The element is drawn on every run, the same while the step stays
# (answering a question moves nothing, and the page keeps its height), new when it changes.
shown_key = f"assessment_shown_{draft_id}"
shown_index, visit = st.session_state.get(shown_key, (index, 0))
visit += shown_index != index
st.session_state[shown_key] = (index, visit)
browser.focus_heading(step.title, visit=visit)
