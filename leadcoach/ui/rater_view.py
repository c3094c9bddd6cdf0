"""The 360 rater page (issue 22): reached without signing in, by a personal link
(`/rater?token=...`) or by typing a one-time code. One step per skill, every answer saved as
it is given; a reload with the link resumes at the first unanswered statement.

A code is never put into the address: on a shared floor PC the next person must not find
the form in the browser's history, so after a reload the code is typed again. Which form this
browser tab holds lives in st.session_state (server-side, per tab) only.
"""

from __future__ import annotations

import streamlit as st

from leadcoach.assessment import rater_forms
from leadcoach.platform.errors import LeadCoachError
from leadcoach.platform.i18n import _, number, strftime
from leadcoach.ui import browser, context
from leadcoach.ui.text import md

PASS_KEY = "rater_pass"  # {"form_id": int, "token": str | None}
STEP_KEY = "rater_step"
ERROR_KEY = "rater_error"
NOT_OBSERVED = 0  # the radio's value for "could not observe" (stored as None)


def _unavailable(error: rater_forms.FormUnavailable) -> None:
    """A clear page for a link or code that opens nothing now; never anyone's data."""
    st.session_state.pop(PASS_KEY, None)
    st.title(_("Feedback form"), anchor=False)
    if error.reason in ("submitted", "declined"):
        st.success(str(error))
    else:
        st.warning(str(error))
    st.stop()


def _code_form() -> None:
    """Typing a one-time code (agents without company email, any device)."""
    st.title(_("Give feedback"), anchor=False)
    st.write(
        _(
            "Type the code you were given (for example **K7QM-4HX9TB**). Capitals, spaces and"
            " dashes do not matter."
        )
    )
    with st.form("rater_code", enter_to_submit=True):
        code = st.text_input(_("Your code"), max_chars=20, autocomplete="off")
        sent = st.form_submit_button(_("Open my form"), type="primary")
    if sent:
        try:
            rater_pass = rater_forms.try_code(engine=context.engine(), code=code)
        except rater_forms.FormUnavailable as error:
            if error.reason == "locked" or error.reason == "wrong_code":
                st.error(str(error))
            else:
                _unavailable(error)
            st.stop()
        st.session_state[PASS_KEY] = {"form_id": rater_pass.form_id, "token": None}
        st.session_state.pop(STEP_KEY, None)
        st.rerun()
    st.caption(
        _("Did you get an email instead? Open the link in it: it leads straight to your form.")
    )
    st.stop()


def _current_pass() -> rater_forms.RaterPass:
    token = st.query_params.get("token")
    held = st.session_state.get(PASS_KEY)
    if token and (held is None or held.get("token") != token):
        try:
            with context.db() as session:
                rater_pass = rater_forms.open_by_token(session=session, token=token)
        except rater_forms.FormUnavailable as error:
            _unavailable(error)
        held = {"form_id": rater_pass.form_id, "token": token}
        st.session_state[PASS_KEY] = held
        st.session_state.pop(STEP_KEY, None)
    if held is None:
        _code_form()
    return rater_forms.RaterPass(held["form_id"])


def _save(rater_pass: rater_forms.RaterPass, item_id: str, widget_key: str) -> None:
    """Widget callback: store this answer in the database at once."""
    value = st.session_state[widget_key]
    try:
        with context.db() as session:
            rater_forms.save_rater_answer(
                session=session,
                rater_pass=rater_pass,
                item_id=item_id,
                value=None if value == NOT_OBSERVED else value,
            )
    except LeadCoachError as error:
        st.session_state[ERROR_KEY] = str(error)


def _save_comment(rater_pass: rater_forms.RaterPass, name: str, widget_key: str) -> None:
    try:
        with context.db() as session:
            rater_forms.save_comments(
                session=session, rater_pass=rater_pass, **{name: st.session_state[widget_key]}
            )
    except LeadCoachError as error:
        st.session_state[ERROR_KEY] = str(error)


def _go(index: int) -> None:
    st.session_state[STEP_KEY] = index


def render() -> None:
    """The whole rater page."""
    rater_pass = _current_pass()
    try:
        with context.db() as session:
            state = rater_forms.form_state(session=session, rater_pass=rater_pass)
    except rater_forms.FormUnavailable as error:
        _unavailable(error)
    skills: list[tuple[str, list[rater_forms.Question]]] = []
    for question in state.questions:
        if not skills or skills[-1][0] != question.skill_name:
            skills.append((question.skill_name, []))
        skills[-1][1].append(question)
    # Steps: welcome, one per skill, the two open questions, send.
    titles = [_("Welcome"), *[name for name, _items in skills], _("In your own words"), _("Send")]
    if STEP_KEY not in st.session_state:
        first_open = state.resume_index()
        if state.answered == 0:
            st.session_state[STEP_KEY] = 0
        elif first_open >= len(state.questions):
            st.session_state[STEP_KEY] = len(titles) - 2
        else:
            target = state.questions[first_open].skill_name
            st.session_state[STEP_KEY] = 1 + [name for name, _items in skills].index(target)
    index = min(st.session_state[STEP_KEY], len(titles) - 1)
    total = len(state.questions)

    st.title(
        _("Feedback on {supervisor_name}").format(supervisor_name=md(state.supervisor_name)),
        anchor=False,
    )
    st.caption(
        _("You answer as: {group_label}. Open until {closes_on}.").format(
            group_label=_(state.group_label), closes_on=strftime(state.closes_on, "%d %B %Y")
        )
    )
    st.progress(
        state.answered / total if total else 0.0,
        text=_("Step {value} of {titles} · {answered} of {total} answers saved").format(
            value=number(index + 1),
            titles=number(len(titles)),
            answered=number(state.answered),
            total=number(total),
        ),
    )
    if error := st.session_state.pop(ERROR_KEY, None):
        st.error(error)
    title = titles[index]
    st.header(title, anchor=False)
    scale = dict(state.scale)
    scale[NOT_OBSERVED] = state.not_observed_label
    options = [value for value, _label in state.scale] + [NOT_OBSERVED]

    if index == 0:
        st.write(state.instructions)
        st.markdown(
            _("The answer scale is the same throughout:")
            + "\n\n"
            + "\n".join(f"- **{md(label)}**" for label in scale.values())
        )
        st.caption(
            _(
                "Every answer is saved as you give it: you can close this page and come back "
                "with the same link (or code) to carry on where you stopped."
            )
        )
        with st.expander(_("I cannot give this feedback")):
            st.write(
                _(
                    "If you do not know this supervisor's work well enough, or prefer not to "
                    "answer, you can decline. Anything you answered is deleted, and you will "
                    "get no more reminders."
                )
            )
            if st.button(_("Decline"), key="rater_decline"):
                try:
                    with context.db() as session:
                        rater_forms.decline_form(session=session, rater_pass=rater_pass)
                except rater_forms.FormUnavailable as error:
                    _unavailable(error)
                st.session_state.pop(STEP_KEY, None)
                st.rerun()
    elif index <= len(skills):
        for question in skills[index - 1][1]:
            key = f"rater_answer_{state.form_id}_{question.item_id}"
            saved = state.answers.get(question.item_id, -1)
            current = NOT_OBSERVED if saved is None else saved
            st.radio(
                md(question.text),
                options,
                index=options.index(current) if current in options else None,
                format_func=scale.get,
                horizontal=True,
                key=key,
                on_change=_save,
                args=(rater_pass, question.item_id, key),
            )
    elif index == len(skills) + 1:
        st.write(_("Both questions are optional. Your words are shown without your name."))
        for name, text in state.open_questions:
            key = f"rater_comment_{state.form_id}_{name}"
            st.text_area(
                text,
                value=state.comments.get(name, ""),
                max_chars=rater_forms.COMMENT_MAX,
                key=key,
                on_change=_save_comment,
                args=(rater_pass, name, key),
            )
    else:
        missing = total - state.answered
        if missing:
            st.warning(
                _(
                    "{missing} of {total} statements have no answer yet. You can still send, "
                    "or go back and answer them."
                ).format(missing=missing, total=total)
            )
        else:
            st.success(_("Every statement has an answer. You can send your feedback."))
        st.caption(_("Once sent, your answers cannot be changed or viewed again."))
        if st.button(_("Send my feedback"), type="primary", key="rater_send"):
            try:
                with context.db() as session:
                    rater_forms.submit_rater_form(session=session, rater_pass=rater_pass)
            except rater_forms.FormUnavailable as error:
                _unavailable(error)
            except LeadCoachError as error:
                st.error(str(error))
                st.stop()
            st.session_state.pop(STEP_KEY, None)
            st.session_state.pop(PASS_KEY, None)
            st.title(_("Thank you"), anchor=False)
            st.success(_("Your feedback is sent. You can close this page."))
            st.stop()

    back, _middle, forward = st.columns([1, 2, 1])
    back.button(
        _("Back"), icon=":material/arrow_back:", disabled=index == 0, on_click=_go,
        args=(index - 1,), width="stretch", key="rater_back",
    )  # fmt: skip
    if index < len(titles) - 1:
        forward.button(
            _("Next"), icon=":material/arrow_forward:", type="primary", on_click=_go,
            args=(index + 1,), width="stretch", key="rater_next",
        )  # fmt: skip
    shown = st.session_state.get("rater_shown", (index, 0))
    visit = shown[1] + (shown[0] != index)
    st.session_state["rater_shown"] = (index, visit)
    browser.focus_heading(title, visit=visit)
