"""One person's results, growth, plan and coaching notes, drawn for the person themselves
(supervisor pages) or for their coach (the coach's person page, one tab each).

Each view reads through the core, which refuses what the viewer may not see; a view that
has nothing to show says what to do next and returns, so the views beside it still draw.
"""

from __future__ import annotations

import statistics
from datetime import date, timedelta

import pandas as pd
import streamlit as st

from leadcoach.assessment import results as person_results
from leadcoach.coaching import notes, plans
from leadcoach.measurement import norms, reliability
from leadcoach.people import people
from leadcoach.people.access import Viewer
from leadcoach.platform.errors import InvalidInput, LeadCoachError
from leadcoach.platform.i18n import _, day, isolate, number, percent, strftime
from leadcoach.platform.models import GoalStatus
from leadcoach.reporting import charts, vocabulary
from leadcoach.ui import chart_specs, context, tables
from leadcoach.ui.exports import person_report_download, table_download
from leadcoach.ui.text import md


def _real_changes(scores: pd.DataFrame, instrument) -> str:
    """From the first to the latest assessment: which skills changed beyond noise, and
    which cannot be judged yet."""
    thresholds = context.change_thresholds()
    order = scores.drop_duplicates("submission_id")["submission_id"].tolist()
    first = scores[scores["submission_id"] == order[0]].set_index("skill_id")
    last = scores[scores["submission_id"] == order[-1]].set_index("skill_id")
    verdicts: dict[str, list[str]] = {
        "real gain": [],
        "real drop": [],
        reliability.CANNOT_JUDGE: [],
    }
    for skill in instrument.skills:
        if skill.id in first.index and skill.id in last.index:
            verdict = reliability.describe_change(
                last.loc[skill.id, "score"] - first.loc[skill.id, "score"],
                thresholds.get(skill.id),
                items_before=_count(first.loc[skill.id, "answered"]),
                items_after=_count(last.loc[skill.id, "answered"]),
            )
            verdicts.get(verdict, []).append(vocabulary.in_language(skill.name))
    gains = ", ".join(verdicts["real gain"]) or _("none")
    drops = ", ".join(verdicts["real drop"]) or _("none")
    text = _(
        "**Since the first assessment**, real gains: {gains}; real drops: {drops}. "
        "Other changes are within measurement noise (Jacobson-Truax reliable change)."
    ).format(gains=gains, drops=drops)
    if unjudged := verdicts[reliability.CANNOT_JUDGE]:
        text += " " + _("Change cannot be judged yet for {skills}: see the results page.").format(
            skills=", ".join(unjudged)
        )
    return text


def _count(value) -> int | None:
    return None if pd.isna(value) else int(value)


def _previous_answered(scores: pd.DataFrame) -> dict[str, int]:
    """How many statements of each skill the previous assessment answered."""
    order = scores.drop_duplicates("submission_id")["submission_id"].tolist()
    if len(order) < 2:
        return {}
    previous = scores[scores["submission_id"] == order[-2]]
    return {
        row.skill_id: int(row.answered)
        for row in previous.itertuples()
        if not pd.isna(row.answered)
    }


def _unjudged(profile: pd.DataFrame, thresholds) -> str:
    """Which skills' reliability cannot be used yet and why, each reason said once: "for
    every skill: <reason>", or "for **A**, **B**: <reason>; for **C**: <other reason>" ("" when
    every skill's can)."""
    names = dict(zip(profile["skill_id"], profile["skill"], strict=True))
    by_reason: dict[str, list[str]] = {}
    for skill_id, threshold in thresholds.items():
        if threshold.provisional and skill_id in names:
            by_reason.setdefault(threshold.reason, []).append(names[skill_id])
    if len(by_reason) == 1 and len(next(iter(by_reason.values()))) == len(names):
        return _("for every skill: {reason}").format(reason=next(iter(by_reason)))
    return "; ".join(
        _("for {skills}: {reason}").format(
            skills=", ".join(f"**{name}**" for name in skills), reason=reason
        )
        for reason, skills in by_reason.items()
    )


def _how_change_is_judged(profile: pd.DataFrame, thresholds, *, unjudged: bool = True) -> str:
    """Where the change verdicts come from: the reliability used (its value, people and
    date) and, unless said elsewhere (`unjudged` False), why change cannot be judged yet
    for the skills it cannot, each reason once."""
    judged = [t for t in thresholds.values() if not t.provisional]
    text = ""
    if judged:
        typical = statistics.median(t.points for t in judged)
        people = min(t.people for t in judged)
        dates = [t.as_of for t in judged if t.as_of]
        when = _(" as of {date}").format(date=day(max(dates), month="MMMM")) if dates else ""
        text = _(
            "A change is real when it is larger than the skill's measurement noise "
            "(Jacobson-Truax reliable change, 95%): about ±{points} points for a typical "
            "skill, from each skill's reliability over at least {people} people's latest "
            "answers{when}. Smaller changes may be chance."
        ).format(points=number(typical, 0), people=number(people), when=when)
    if unjudged and (why := _unjudged(profile, thresholds)):
        text += (" " if text else "") + _("Change cannot be judged yet {why}.").format(why=why)
    return text


def _take_assessment_link() -> None:
    st.page_link(
        "pages/supervisor/assessment.py", label=_("Take the assessment"), icon=":material/edit:"
    )


def _read(reader):
    """`reader(session)`'s result, or None after showing why it was refused."""
    with context.shown_errors(), context.db() as session:
        return reader(session)
    return None


def _load(viewer: Viewer, person_id: int):
    """Name, scores and submissions of the person, or None after showing a refusal."""
    return _read(
        lambda session: (
            people.person_name(session=session, viewer=viewer, person_id=person_id),
            person_results.person_scores(session=session, viewer=viewer, person_id=person_id),
            person_results.person_submissions(session=session, viewer=viewer, person_id=person_id),
        )
    )


def results(viewer: Viewer, person_id: int, *, title: bool = True) -> None:
    """The latest profile as a chart and a table, strengths, development areas and tips."""
    loaded = _load(viewer, person_id)
    if loaded is None:
        return
    person, scores, submissions = loaded
    instrument = context.instrument()
    own = person_id == viewer.person_id
    if title:
        st.title(
            _("Your results") if own else _("Results of {name}").format(name=isolate(md(person))),
            anchor=False,
        )
    if notice := st.session_state.pop("results_notice", None):
        st.success(notice)
    if submissions.empty:
        st.info(
            _("No results yet. Results appear here as soon as a self-assessment is submitted.")
            if own
            else _("{name} has not submitted a self-assessment yet.").format(
                name=isolate(md(person))
            )
        )
        if own:
            _take_assessment_link()
        return

    # The skills named in the reader's language (the core's frames name them in the source's).
    profile = vocabulary.in_language(person_results.profile(scores, instrument))
    latest = submissions.iloc[-1]
    st.caption(
        _("Submitted on {date} · assessment {number} of {count} · scores run from 0 to 100").format(
            date=day(latest["submitted_at"], month="MMMM"),
            number=number(len(submissions)),
            count=number(len(submissions)),
        )
    )
    overall, scenario, change = st.columns(3)
    overall.metric(
        _("Overall index"),
        _("insufficient data")
        if pd.isna(latest["overall_index"])
        else number(latest["overall_index"], 0),
        help=_("The mean of the skill scores; it needs at least 10 skills with enough answers."),
    )
    scenario.metric(
        _("Situational judgement"),
        _("not answered")
        if pd.isna(latest["scenario_score"])
        else number(latest["scenario_score"], 0),
        help=_(
            "How closely the ratings of the workplace situations match the key (0-100). "
            "The key is provisional until a panel of experienced contact-centre managers has "
            "rated the options; read it beside, not instead of, the self-ratings."
        ),
    )
    if len(submissions) > 1:
        difference = latest["overall_index"] - submissions.iloc[-2]["overall_index"]
        if not pd.isna(difference):
            change.metric(
                _("Change in overall index"),
                number(difference, 1, sign=True),
                help=_("Since the previous assessment."),
            )

    st.subheader(_("Skill profile"), anchor=False)
    chart_specs.draw(charts.profile_chart, profile)
    if len(submissions) > 1:
        st.caption(_("Orange ticks mark the previous assessment."))
    thresholds = context.change_thresholds()
    profile = reliability.judged_profile(profile, thresholds, _previous_answered(scores))
    profile["band"] = [
        "" if pd.isna(low) else f"{number(low, 0)}\u2013{number(high, 0)}"  # "52–68"
        for low, high in zip(profile["band_low"], profile["band_high"], strict=True)
    ]
    # A first assessment has nothing to compare with: its table is the scores and their
    # likely ranges alone, not three columns of dashes.
    compared = ["previous", "change", "meaning"] if len(submissions) > 1 else []
    columns = ["skill", "score", "band", *compared]
    # A column with nothing to say for any skill steps aside (a phone has no width for a
    # column of dashes), and one line below says once why: likely ranges and change verdicts
    # both need each skill's reliability, which too few people's answers cannot give yet.
    not_yet = []
    if not profile["band"].astype(bool).any():
        columns.remove("band")
        not_yet.append("**likely ranges**")
    meanings = set(profile["meaning"]) - {""}
    if compared and meanings == {reliability.CANNOT_JUDGE}:
        columns.remove("meaning")
        not_yet.append("**whether a change is real**")
    with st.expander(_("The same numbers as a table"), expanded=True):
        tables.show(
            profile,
            {column: vocabulary.header(column) for column in columns},
            {"score": ".0f", "previous": ".0f", "change": "+.0f"},
        )
        if "band" in columns:
            st.caption(
                _(
                    "**Likely range**: no questionnaire measures exactly; your true score lies "
                    "in this range with a confidence of 90% (the score ± 1.645 standard errors "
                    "of measurement, from the skill's reliability and the statements you "
                    "answered)."
                )
            )
        if not_yet:
            why = _unjudged(profile, thresholds)
            st.caption(
                (
                    _("Not shown yet: {what}. Both need each skill's reliability")
                    if len(not_yet) > 1
                    else _("Not shown yet: {what}. It needs each skill's reliability")
                ).format(what=_(" and ").join(not_yet))
                + _(", estimated from everyone's answers, which cannot be estimated yet")
                + (f" {why}." if why else ".")
            )
        if len(submissions) > 1 and (
            how := _how_change_is_judged(profile, thresholds, unjudged="meaning" in columns)
        ):
            st.caption(how)
    for row in profile[profile["score"].isna()].itertuples():
        st.caption(
            _(
                "**{skill}**: insufficient data ({answered} of {applicable} statements "
                "answered; two thirds are needed for a score)."
            ).format(skill=row.skill, answered=row.answered, applicable=row.applicable)
        )

    _norms(
        viewer,
        person_id,
        {
            row.skill_id: (row.band_low, row.band_high)
            for row in profile.itertuples()
            if not pd.isna(row.band_low)
        },
    )

    strongest, develop = person_results.strengths_and_development(profile)
    left, right = st.columns(2)
    with left:
        st.subheader(_("Strengths"), anchor=False)
        _skill_list(strongest)
    with right:
        st.subheader(_("To develop"), anchor=False)
        _skill_list(develop)
        if develop.empty:
            st.markdown(_("No skill scores lower than the others: they are all level."))

    st.subheader(_("Coaching suggestions for the development areas"), anchor=False)
    library = context.shown_tips()
    for row in develop.itertuples():
        with st.expander(
            _("{skill} ({score})").format(skill=row.skill, score=number(row.score, 0)),
            expanded=row.Index == 0,
        ):
            st.caption(vocabulary.in_language(instrument.skill(row.skill_id).definition))
            for tip in library.get(row.skill_id, ()):
                st.markdown(_("**{title}.** {action}").format(title=tip.title, action=tip.action))
    if own:
        st.page_link(
            "pages/supervisor/plan.py",
            label=_("Turn these into your development plan"),
            icon=":material/flag:",
        )
    # Issue 24: the report to take to a coaching session (built and audited when pressed).
    person_report_download(
        viewer,
        person_id,
        person,
        label=_("Download your report (PDF)")
        if own
        else _("Download {person}'s report (PDF)").format(person=person),
    )


def _skill_list(listed: pd.DataFrame) -> None:
    """Strengths or development areas, one a line; skills tied at the end of the list are
    named together, as tied, never cut at an arbitrary one."""
    for row in listed[~listed["tied"]].itertuples():
        st.markdown(_("- **{skill}**: {score}").format(skill=row.skill, score=number(row.score, 0)))
    tied = listed[listed["tied"]]
    if not tied.empty:
        names = ", ".join(f"**{skill}**" for skill in tied["skill"])
        st.markdown(
            "- "
            + _("Tied at {score}: {names}").format(
                score=number(tied["score"].iloc[0], 0), names=names
            )
        )


def _norms(viewer: Viewer, person_id: int, bands: dict | None = None) -> None:
    """Each skill score as a percentile within a norm group the viewer picks."""
    st.subheader(_("Compared with others"), anchor=False)
    group = st.segmented_control(
        _("Norm group"),
        list(norms.GROUPS),
        default="organisation",
        required=True,
        format_func=lambda code: _(code.capitalize()),
        key=f"norm_group_{person_id}",
    )
    result = _read(
        lambda session: norms.norm_percentiles(
            session=session,
            viewer=viewer,
            person_id=person_id,
            instrument=context.instrument(),
            group=group,
            min_norm_group=context.settings().min_norm_group,
            everyone=context.norm_sample(session),
            bands=bands,
        )
    )
    if result is None:
        return
    if result.note:
        st.caption(md(result.note))
    shown = result.table.dropna(subset=["score"])
    shown = shown.assign(
        likely=[
            "" if pd.isna(low) else f"{number(low, 0)}\u2013{number(high, 0)}"
            for low, high in zip(shown["percentile_low"], shown["percentile_high"], strict=True)
        ]
    )
    labels = {"skill": _("Skill"), "score": _("Score"), "percentile": _("Percentile"),
              "likely": _("Likely percentile range")}  # fmt: skip
    ranged = shown["likely"].astype(bool).any()
    if not ranged:  # no score has a likely range yet (said once, above the profile's table)
        del labels["likely"]
    tables.show(shown, labels, {"score": ".0f", "percentile": ".0f"})
    st.caption(
        _(
            "Percentile: the share of {group} ({size} people, latest assessment each) scoring "
            "lower, ties counted half."
        ).format(group=md(result.group_label), size=number(result.group_size))
        + (
            _(
                " The likely range is the percentile of each end of the score's likely range, "
                "so it shows how far the rank could move by measurement error alone."
            )
            if ranged
            else ""
        )
        + (
            " "
            + _("Provisional: norms are stable from {count} people on.").format(
                count=number(context.settings().min_norm_group)
            )
            if result.provisional
            else ""
        )
    )
    if pooled := _read(context.language_pooling_note):  # issue 25
        st.caption(md(pooled))


def growth(viewer: Viewer, person_id: int, *, title: bool = True) -> None:
    """Every skill across all submissions, the overall index, and a CSV of the results."""
    loaded = _load(viewer, person_id)
    if loaded is None:
        return
    person, scores, submissions = loaded
    instrument = context.instrument()
    own = person_id == viewer.person_id
    if title:
        st.title(
            _("Your growth") if own else _("Growth of {name}").format(name=isolate(md(person))),
            anchor=False,
        )
    if submissions.empty:
        st.info(
            _("Growth shows how each skill changes from one assessment to the next.")
            + " "
            + (
                _("Take your first assessment to start.")
                if own
                else _("There is no assessment yet.")
            )
        )
        if own:
            _take_assessment_link()
        return
    if len(submissions) == 1:
        st.info(
            _(
                "One assessment so far: lines appear from the second one on. The reassessment "
                "is due {days} days after the last one."
            ).format(days=number(context.settings().reassessment_days))
        )

    table = person_results.growth(scores, instrument)
    skill_names = [s.name for s in instrument.skills if s.id in set(scores["skill_id"])]
    everything = _("All skills")
    highlight = st.selectbox(
        _("Highlight a skill"),
        [everything, *skill_names],
        key=f"growth_highlight_{person_id}",
        format_func=vocabulary.in_language,
        help=_("You can also click a skill in the legend."),
    )
    chart_specs.draw(charts.growth_chart, table, None if highlight == everything else highlight)

    if len(submissions) > 1:
        st.markdown(_real_changes(scores, instrument))

    st.subheader(_("Overall index"), anchor=False)
    if submissions["overall_index"].notna().any():
        chart_specs.draw(charts.overall_chart, submissions)
    else:
        st.caption(_("No assessment has enough answers for an overall index yet."))

    st.subheader(_("All results"), anchor=False)
    results_table = person_results.results_table(scores, submissions, instrument)
    tables.show(results_table, formats=dict.fromkeys(results_table.columns[1:], ".0f"))
    table_download(
        _("Download results (CSV)"),
        results_table,
        "leadcoach-results.csv" if own else f"leadcoach-results-{person_id}.csv",
        key=f"growth_csv_{person_id}",
    )


def _run(viewer: Viewer, action, **arguments) -> bool:
    """Do one plan change in its own transaction; show a refusal instead of failing."""
    with context.shown_errors(), context.db() as session:
        action(session=session, viewer=viewer, **arguments)
        return True
    return False


def plan(viewer: Viewer, person_id: int, *, title: bool = True) -> None:
    """Goals with actions, check-ins and comments; the owner edits, their coach comments."""
    instrument = context.instrument()
    own = person_id == viewer.person_id
    loaded = _read(
        lambda session: (
            people.person_name(session=session, viewer=viewer, person_id=person_id),
            plans.plan(session=session, viewer=viewer, person_id=person_id, instrument=instrument),
            person_results.person_scores(session=session, viewer=viewer, person_id=person_id),
            notes.notes(session=session, viewer=viewer, person_id=person_id) if own else [],
        )
    )
    if loaded is None:
        return
    person, goals, scores, shared_notes = loaded
    if title:
        st.title(
            _("Your development plan")
            if own
            else _("Development plan of {name}").format(name=isolate(md(person))),
            anchor=False,
        )
    if notice := st.session_state.pop("plan_notice", None):
        st.success(notice)

    if not goals:
        st.info(
            _(
                "No goals yet. A good plan has one to three focus skills, each with one "
                "specific goal, a way to see progress, a target date and a few concrete actions."
            )
            if own
            else _("{name} has no development goals yet.").format(name=isolate(md(person)))
        )
    for goal in goals:
        _goal_card(viewer, goal, own)

    if shared_notes:
        st.subheader(_("Notes from your coach"), anchor=False)
        for note in shared_notes:
            st.info(
                _("**{author}**, {at}: {text}").format(
                    author=md(note.author), at=strftime(note.at, "%d %b %Y"), text=md(note.text)
                )
            )
    if own:
        _new_goal_form(viewer, goals, scores)


def _goal_card(viewer: Viewer, goal: plans.GoalView, own: bool) -> None:
    with st.container(border=True):
        st.subheader(vocabulary.in_language(goal.skill), anchor=False)
        st.markdown(_("**Goal:** {specific}").format(specific=md(goal.specific)))
        if goal.measure:
            st.markdown(_("**Progress shows as:** {measure}").format(measure=md(goal.measure)))
        st.caption(
            _("Target date {target_date} · {status}").format(
                target_date=strftime(goal.target_date, "%d %B %Y"),
                status=vocabulary.cell(goal.status, column="status"),
            )
        )
        st.progress(
            goal.progress / 100,
            text=_("{progress} reached (latest check-in)").format(
                progress=percent(goal.progress / 100)
            ),
        )
        for action in goal.actions:
            key = f"plan_action_{action.id}"
            st.checkbox(
                md(action.text),
                value=action.done,
                key=key,
                disabled=not own,
                on_change=lambda a=action, k=key: _run(
                    viewer, plans.set_action_done, action_id=a.id, done=st.session_state[k]
                ),
            )
        if goal.check_ins:
            with st.expander(_("Check-ins ({count})").format(count=number(len(goal.check_ins)))):
                for check in reversed(goal.check_ins):
                    st.markdown(
                        _("- {at}: **{progress}** {note}").format(
                            at=strftime(check.at, "%d %b %Y"),
                            progress=percent(check.progress / 100),
                            note=md(check.note),
                        )
                    )
        for comment in goal.comments:
            st.info(
                _("**{author}**, {at}: {text}").format(
                    author=md(comment.author),
                    at=strftime(comment.at, "%d %b %Y"),
                    text=md(comment.text),
                )
            )
        if own and goal.status == GoalStatus.ACTIVE:
            with st.form(f"check_in_{goal.id}", clear_on_submit=True):
                progress = st.slider(
                    _("How far along is this goal?"), 0, 100, goal.progress, 5, format="%d%%"
                )
                note = st.text_input(_("What happened since the last check-in? (optional)"))
                saved = st.form_submit_button(_("Record check-in"))
            if saved and _run(
                viewer, plans.record_check_in, goal_id=goal.id, progress=progress, note=note
            ):
                st.rerun()
            done, drop = st.columns(2)
            if done.button(_("Mark achieved"), key=f"achieved_{goal.id}", icon=":material/check:"):
                _run(
                    viewer, plans.set_goal_status, goal_id=goal.id, status=GoalStatus.ACHIEVED.value
                )
                st.rerun()
            if drop.button(_("Drop this goal"), key=f"drop_{goal.id}"):
                _run(
                    viewer, plans.set_goal_status, goal_id=goal.id, status=GoalStatus.DROPPED.value
                )
                st.rerun()
        if not own:
            with st.form(f"comment_{goal.id}", clear_on_submit=True):
                text = st.text_area(_("Comment on this goal"), max_chars=2000, height=80)
                sent = st.form_submit_button(_("Add comment"))
            if sent and _run(viewer, plans.add_comment, goal_id=goal.id, text=text):
                st.session_state["plan_notice"] = _("Comment added.")
                st.rerun()


def _new_goal_form(viewer: Viewer, goals: list[plans.GoalView], scores: pd.DataFrame) -> None:
    instrument = context.instrument()
    active = [g for g in goals if g.status == GoalStatus.ACTIVE]
    st.divider()
    st.subheader(_("Add a goal"), anchor=False)
    if len({g.skill_id for g in active}) >= plans.MAX_FOCUS_SKILLS:
        st.caption(
            _(
                "Your plan has {max_focus_skills} focus skills. Mark a goal achieved or "
                "dropped to choose another."
            ).format(max_focus_skills=plans.MAX_FOCUS_SKILLS)
        )
        return
    profile = person_results.profile(scores, instrument)
    _strengths, develop = person_results.strengths_and_development(profile)
    suggested = [s for s in develop["skill_id"] if s not in {g.skill_id for g in active}]
    names = {s.id: vocabulary.in_language(s.name) for s in instrument.skills}
    available = [s.id for s in instrument.skills if s.id in set(profile["skill_id"])] or [
        s.id for s in instrument.skills
    ]
    if suggested:
        st.write(
            _("Suggested from your latest results: {skills}").format(
                skills=", ".join(names[s] for s in suggested)
            )
        )
    else:
        st.caption(_("Take an assessment to get suggestions; you can choose any skill meanwhile."))
    ordered = suggested + [s for s in available if s not in suggested]
    skill_id = st.selectbox(_("Focus skill"), ordered, format_func=names.get, key="plan_skill")
    tips = context.shown_tips().get(skill_id, ())
    # What was typed stays after a refusal, and each problem shows under its own field, in
    # the field's own words (the core names fields "Goal", "Measure"...). Once the goal is
    # added, new widgets (new keys) start empty: the browser would send the old ones' values.
    generation = st.session_state.get("goal_form_generation", 0)
    keys = {
        name: f"goal_{name}_{generation}" for name in ("specific", "measure", "target", "own")
    } | {"picked": f"goal_tips_{skill_id}_{generation}"}
    labels = {
        "Goal": _("Specific: what will you do differently?"),
        "Measure": _("Measurable: how will you and your coach see progress?"),
        "Target date": _("Target date"),
        "Actions": _("Actions from the coaching library"),
        "Action": _("An action of your own (optional)"),
    }
    slots = {}
    with st.form("new_goal"):
        specific = st.text_area(
            labels["Goal"],
            placeholder=_("e.g. Hold a 10-minute check-in with each remote team lead every week."),
            max_chars=500,
            key=keys["specific"],
        )
        slots["Goal"] = st.empty()
        measure = st.text_input(
            labels["Measure"],
            placeholder=_("e.g. 4 check-ins a month logged; vendor SLA discussed in each"),
            max_chars=300,
            key=keys["measure"],
        )
        slots["Measure"] = st.empty()
        st.caption(
            _(
                "Achievable and relevant: pick something within your control that matters to "
                "your team's results. Time-bound: set a date."
            )
        )
        target = st.date_input(
            labels["Target date"],
            value=date.today() + timedelta(days=90),
            min_value=date.today(),
            key=keys["target"],
        )
        slots["Target date"] = st.empty()
        picked = st.multiselect(
            labels["Actions"],
            [t.title for t in tips],
            help="; ".join(f"{t.title}: {t.action}" for t in tips),
            key=keys["picked"],
        )
        slots["Actions"] = st.empty()
        own_action = st.text_input(labels["Action"], max_chars=500, key=keys["own"])
        slots["Action"] = st.empty()
        add = st.form_submit_button(_("Add goal"), type="primary")
    if not add:
        return
    chosen = [(f"{t.title}: {t.action}", t.title) for t in tips if t.title in picked]
    if own_action.strip():
        chosen.append((own_action, None))
    try:
        with context.db() as session:
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
    except InvalidInput as error:
        if error.field in slots:
            problem = error.problem[:1].upper() + error.problem[1:]
            slots[error.field].error(
                _("**{labels}** {problem}").format(labels=md(labels[error.field]), problem=problem)
            )
        else:
            st.error(str(error))
        return
    except LeadCoachError as error:
        st.error(str(error))
        return
    st.session_state["goal_form_generation"] = generation + 1
    st.session_state["plan_notice"] = _("Goal added for {skill}.").format(skill=names[skill_id])
    st.rerun()  # outside the transaction, which has committed


def coaching_notes(viewer: Viewer, person_id: int) -> None:
    """A coach's notes about a person: write, read, share with the person or take back."""
    loaded = _read(
        lambda session: (
            people.person_name(session=session, viewer=viewer, person_id=person_id),
            notes.notes(session=session, viewer=viewer, person_id=person_id),
        )
    )
    if loaded is None:
        return
    person, written = loaded
    if notice := st.session_state.pop("notes_notice", None):
        st.success(notice)
    with st.form(f"new_note_{person_id}", clear_on_submit=True):
        text = st.text_area(
            _("New coaching note"),
            max_chars=notes.NOTE_LIMIT,
            height=120,
            placeholder=_("What you observed, what you agreed, what to follow up."),
        )
        shared = st.checkbox(
            _("Share with {name}").format(name=isolate(md(person))),
            help=_("Unshared notes are for coaches only."),
        )
        save = st.form_submit_button(_("Save note"), type="primary")
    if save and _run(viewer, notes.add_note, person_id=person_id, text=text, shared=shared):
        st.session_state["notes_notice"] = _("Note saved.")
        st.rerun()
    if not written:
        st.caption(
            _("No notes yet. Notes are dated and kept; share one when the person should read it.")
        )
    for note in written:
        with st.container(border=True):
            st.markdown(md(note.text))
            visibility = (
                _("shared with {name}").format(name=isolate(md(person)))
                if note.shared
                else _("coaches only")
            )
            st.caption(
                _("{author} · {at} · {visibility}").format(
                    author=md(note.author),
                    at=strftime(note.at, "%d %b %Y %H:%M"),
                    visibility=visibility,
                )
            )
            if note.author_id == viewer.person_id:
                label = (
                    _("Take back")
                    if note.shared
                    else _("Share with {name}").format(name=isolate(md(person)))
                )
                if st.button(label, key=f"share_{note.id}"):
                    _run(viewer, notes.set_shared, note_id=note.id, shared=not note.shared)
                    st.rerun()
