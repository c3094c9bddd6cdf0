"""The 360 rater page (issue 22): reached without signing in, by a personal link
(`/rater?token=...`) or by typing a one-time code. One step per skill, every answer saved as
it is given; a reload with the link resumes at the first unanswered statement.

A code is never put into the address: on a shared floor PC the next person must not find
the form in the browser's history, so after a reload the code is typed again. Which form this
browser tab holds lives in st.session_state (server-side, per tab) only.
"""

from __future__ import annotations

import functools

import streamlit as st

from leadcoach.assessment import rater_forms
from leadcoach.platform.errors import LeadCoachError
from leadcoach.platform.i18n import _, number, strftime
from leadcoach.ui import auth, browser, context, language
from leadcoach.ui.text import md

PASS_KEY = "rater_pass"  # {"form_id": int, "token": str | None}
STEP_KEY = "rater_step"
ERROR_KEY = "rater_error"
LEDGER_PREFIX = "rater_ledger_"  # + form id: the answers known to be stored
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


# Every answer widget drawn for this form in this tab: its key -> (what it answers, the
# widget value this session knows is stored). Saving in the on_change callback alone loses
# answers: Streamlit runs callbacks inside the script run, and any st.session_state access
# there is a point where a newer interaction waiting (the next answer, or Next, given while
# this run was still going) stops the run with a RerunException. The cut-off callback is not
# called again, since the widget's value is no longer new by the next run, so the radio shows
# the answer and the database lacks it (on a busy machine, 59 of 60 answers saved after a
# rater answered ten steps quickly). So every run first stores what a widget holds and the
# database does not yet, before reading the form; the same fix as the self-assessment page
# (leadcoach/ui/pages/supervisor/assessment.py).
def _ledger(rater_pass: rater_forms.RaterPass) -> dict[str, tuple[tuple[str, str], object]]:
    return st.session_state.setdefault(f"{LEDGER_PREFIX}{rater_pass.form_id}", {})


def _store(rater_pass: rater_forms.RaterPass, target: tuple[str, str], widget_key: str, value):
    """Store one widget's value (an answer or a comment); note it as stored, or the error to
    show."""
    kind, name = target
    try:
        with context.db() as session:
            if kind == "answer":
                rater_forms.save_rater_answer(
                    session=session,
                    rater_pass=rater_pass,
                    item_id=name,
                    value=None if value == NOT_OBSERVED else value,
                )
            else:
                rater_forms.save_comments(session=session, rater_pass=rater_pass, **{name: value})
    except rater_forms.FormUnavailable:
        return  # sent, declined or closed meanwhile: reading the form next shows which
    except LeadCoachError as error:
        st.session_state[ERROR_KEY] = str(error)
        return
    _ledger(rater_pass)[widget_key] = (target, value)


def _save(rater_pass: rater_forms.RaterPass, target: tuple[str, str], widget_key: str) -> None:
    """Widget callback: store this answer or comment in the database at once."""
    _store(rater_pass, target, widget_key, st.session_state[widget_key])


def _store_unsaved(rater_pass: rater_forms.RaterPass) -> None:
    """Store every value a widget holds that is not yet known to be stored (a callback cut
    off by a newer interaction); the widgets of the step just left still hold theirs."""
    for widget_key, (target, known) in list(_ledger(rater_pass).items()):
        value = st.session_state.get(widget_key)
        if value is not None and value != known:
            _store(rater_pass, target, widget_key, value)


def _drawn(rater_pass: rater_forms.RaterPass, widget_key: str, target: tuple[str, str], value):
    """Note a widget drawn with the stored value (on its first drawing in this tab)."""
    _ledger(rater_pass).setdefault(widget_key, (target, value))
    return widget_key


def _record_language(rater_pass: rater_forms.RaterPass, code: str) -> None:
    with context.db() as session, context.shown_errors():
        rater_forms.set_form_language(session=session, rater_pass=rater_pass, language=code)
    st.session_state[language.FORM_LANGUAGE_KEY] = code


def _go(index: int) -> None:
    st.session_state[STEP_KEY] = index


def render() -> None:
    """The whole rater page."""
    language.activate(auth.current_viewer())  # also when the page runs on its own (tests)
    rater_pass = _current_pass()
    _store_unsaved(rater_pass)
    try:
        with context.db() as session:
            state = rater_forms.form_state(
                session=session, rater_pass=rater_pass,
                translations=context.questionnaire_translations(),
            )  # fmt: skip
    except rater_forms.FormUnavailable as error:
        _unavailable(error)
    # Issue 25: the page in the form's language (the invitation's), not the browser's.
    viewer = auth.current_viewer()
    language.follow_form(viewer, state.language)
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
                st.session_state.pop(f"{LEDGER_PREFIX}{rater_pass.form_id}", None)
                st.rerun()
    elif index <= len(skills):
        for question in skills[index - 1][1]:
            saved = state.answers.get(question.item_id, -1)
            current = NOT_OBSERVED if saved is None else saved
            target = ("answer", question.item_id)
            key = _drawn(rater_pass, f"rater_answer_{state.form_id}_{question.item_id}", target,
                         current if saved != -1 else None)  # fmt: skip
            st.radio(
                md(question.text),
                options,
                index=options.index(current) if current in options else None,
                format_func=scale.get,
                horizontal=True,
                key=key,
                on_change=_save,
                args=(rater_pass, target, key),
            )
    elif index == len(skills) + 1:
        st.write(_("Both questions are optional. Your words are shown without your name."))
        for name, text in state.open_questions:
            stored = state.comments.get(name, "")
            key = _drawn(rater_pass, f"rater_comment_{state.form_id}_{name}", ("comment", name),
                         stored)  # fmt: skip
            st.text_area(
                text,
                value=stored,
                max_chars=rater_forms.COMMENT_MAX,
                key=key,
                on_change=_save,
                args=(rater_pass, ("comment", name), key),
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
            st.session_state.pop(f"{LEDGER_PREFIX}{rater_pass.form_id}", None)
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
    if viewer is None:  # signed in, the sidebar has the chooser
        # The form's language first; the rater may read another, which the form records.
        language.chooser(None, then=functools.partial(_record_language, rater_pass))
    shown = st.session_state.get("rater_shown", (index, 0))
    visit = shown[1] + (shown[0] != index)
    st.session_state["rater_shown"] = (index, visit)
    browser.focus_heading(title, visit=visit)
