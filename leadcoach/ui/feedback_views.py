"""A supervisor's feedback from others (360 report), drawn for the supervisor or their coach.

Renders what `leadcoach.programmes.feedback_reports.supervisor_report` returns: every figure
there has passed the 360 gate (`leadcoach.measurement.multirater`), so this module only
names and draws it, a table beside every chart.
"""

from __future__ import annotations

import pandas as pd
import streamlit as st

from leadcoach.measurement import multirater as mr
from leadcoach.measurement.reliability import CANNOT_JUDGE
from leadcoach.platform.i18n import _, number, strftime
from leadcoach.programmes import feedback_reports
from leadcoach.reporting import charts, vocabulary
from leadcoach.reporting import exports as files
from leadcoach.ui import chart_specs, context, exports, tables
from leadcoach.ui.text import md

GROUP_WORDS = vocabulary.VALUES["group"]


def _group(code: str) -> str:
    return _(GROUP_WORDS[code]) if code in GROUP_WORDS else vocabulary.header(code)


def _chart_frames(report: mr.FeedbackReport) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The comparison chart's inputs: each shown group's score per skill, self first, and
    which differ from self beyond noise."""
    skills = report.skills.sort_values("group", key=lambda c: c.map(mr.GROUP_ORDER), kind="stable")
    profiles = pd.DataFrame(
        {
            "group": skills["group"].map(_group),
            "skill_id": skills["skill_id"],
            "skill": skills["skill"],
            "n": skills["raters"],
            "mean": skills["score"],
        }
    )
    verdicts = report.self_other
    differences = pd.DataFrame(
        {
            "group": verdicts["group"].map(_group),
            "skill_id": verdicts["skill_id"],
            "beyond_noise": verdicts["reading"].isin([mr.BLIND_SPOT, mr.HIDDEN_STRENGTH]),
        }
    )
    return profiles, differences


def report(viewer, supervisor_id: int, *, title: bool = True, key: str = "feedback") -> None:
    """The 360 report of the supervisor's latest closed round (or one picked)."""
    settings = context.settings()
    instrument = context.instrument()
    if title:
        st.title(_("Feedback from others"), anchor=False)
    with context.db() as session, context.stop_on_error():
        rounds = feedback_reports.closed_rounds(
            session=session, viewer=viewer, supervisor_id=supervisor_id
        )
    if rounds.empty:
        st.info(
            _(
                "No feedback round has closed yet. The report appears here when the round "
                "closes, so no one's answers can be picked out as they come in."
            )
        )
        return
    labels = {
        row.round_id: _("{round}, closed {date}").format(
            round=row.campaign or _("Feedback round"), date=strftime(row.closes_on, "%d %b %Y")
        )
        for row in rounds.itertuples()
    }
    round_id = st.selectbox(
        _("Feedback round"), list(labels)[::-1], format_func=labels.get, key=f"{key}_round"
    )
    with context.db() as session, context.stop_on_error():
        result = feedback_reports.supervisor_report(
            session=session, viewer=viewer, supervisor_id=supervisor_id, instrument=instrument,
            thresholds=context.change_thresholds(), min_raters=settings.min_raters,
            round_id=round_id,
        )  # fmt: skip
    st.caption(
        _(
            "Scores of others are shown only for groups where at least {min_raters} people "
            "answered enough of a skill's statements; the manager's are shown as the "
            "manager's. Smaller groups are left out everywhere, also from all others, and "
            "comments are shown in random order, never with a name."
        ).format(min_raters=result.min_raters)
    )
    responses = result.responses.assign(group=result.responses["group"].map(_group))
    if not responses.empty:  # no group to show: the lines below say so, not a bare header
        tables.show(
            responses, {"group": _("Group"), "raters": _("People who answered")},
            {"raters": ".0f"},
        )  # fmt: skip
    if result.hidden_groups:
        st.caption(
            _("Too few answers to show: {groups}.").format(
                groups=", ".join(_group(g) for g in result.hidden_groups)
            )
        )
    if result.skills.empty:
        st.info(_("Nothing can be shown from this round: too few people answered."))
        return
    views = st.tabs(
        [
            _("Self and others"),
            _("Blind spots and strengths"),
            _("Behaviours"),
            _("Change"),
            _("Comments"),
        ]
    )
    with views[0]:
        profiles, differences = _chart_frames(result)
        chart_specs.draw(charts.comparison_chart, profiles, differences)
        st.caption(
            _(
                "Each dot is a group's average score (0-100). A ring marks a group whose view "
                "differs from your own by more than measurement noise (95%)."
            )
            + (
                " "
                + _(
                    "For some skills this cannot be judged yet: their reliability is not yet "
                    "known well enough (too few assessments so far)."
                )
                if (result.self_other["reading"] == CANNOT_JUDGE).any()
                else ""
            )
        )
        order = {name: i for i, name in enumerate(dict.fromkeys(result.skills["skill"]))}
        by_skill = result.skills.sort_values(
            ["skill", "group"],
            key=lambda c: c.map(order) if c.name == "skill" else c.map(mr.GROUP_ORDER),
            kind="stable",
        )
        agreement = by_skill.assign(group=by_skill["group"].map(_group))
        tables.show(
            agreement,
            {"skill": _("Skill"), "group": _("Group"), "raters": _("People"), "score": _("Score"),
             "agreement": _("Agreement within the group")},
            {"raters": ".0f", "score": ".0f", "agreement": ".2f"},
            minor=("agreement",),
        )  # fmt: skip
        st.caption(
            _(
                "Agreement is r_wg(J) (James, Demaree & Wolf, 1984): 1 means the group's "
                "people answered alike, 0 no more alike than random answers."
            )
        )
    with views[1]:
        so = result.self_other.assign(group=result.self_other["group"].map(_group))
        spots = so[so["reading"] == mr.BLIND_SPOT]
        strengths = so[so["reading"] == mr.HIDDEN_STRENGTH]
        st.markdown(
            _(
                "**Blind spots** (you rate yourself clearly above others): {spots}  \n"
                "**Hidden strengths** (others rate you clearly above yourself): {strengths}"
            ).format(
                spots=md(", ".join(sorted(set(map(vocabulary.in_language, spots["skill"])))))
                or _("none"),
                strengths=md(
                    ", ".join(sorted(set(map(vocabulary.in_language, strengths["skill"]))))
                )
                or _("none"),
            )
        )
        tables.show(
            so,
            {
                "skill": _("Skill"),
                "group": _("Compared with"),
                "self": _("You"),
                "score": _("Them"),
                "difference": _("Difference"),
                "margin": _("Noise margin (±)"),
                "reading": _("What it shows"),
            },
            {"self": ".0f", "score": ".0f", "difference": "+.0f", "margin": ".0f"},
            minor=("margin",),
        )
        st.caption(
            _(
                "Clearly means beyond 1.96 standard errors of the difference, from the "
                "skill's reliability and how many people answered (see the README)."
            )
        )
    with views[2]:
        for heading, frame in (
            (_("Rated highest"), result.highest),
            (_("Rated lowest"), result.lowest),
        ):
            st.subheader(heading, anchor=False)
            tables.show(
                frame,
                {"statement": _("Statement"), "skill": _("Skill"), "mean": _("Average (1-5)"),
                 "raters": _("People")},
                {"mean": ".1f", "raters": ".0f"},
            )  # fmt: skip
    with views[3]:
        if result.change.empty:
            st.caption(_("Change appears once a group is shown in two closed rounds."))
        else:
            change = result.change.assign(group=result.change["group"].map(_group))
            tables.show(
                change,
                {
                    "skill": _("Skill"),
                    "group": _("Group"),
                    "previous": _("Before"),
                    "score": _("Now"),
                    "change": _("Change"),
                    "verdict": _("Real change"),
                },
                {"previous": ".0f", "score": ".0f", "change": "+.0f"},
            )
    with views[4]:
        if result.comments.empty:
            st.caption(_("No comments can be shown from this round."))
        for question, rows in result.comments.groupby("question", sort=False):
            st.subheader(vocabulary.cell(question, column="question"), anchor=False)
            st.markdown("\n".join(f"- {md(text)}" for text in rows["text"]))


def cohort(viewer, cohort_id: int, cohort_name: str) -> None:
    """HR's 360 figures of a cohort: self-other agreement and change in others' ratings,
    over supervisors only, with an XLSX of both."""
    settings = context.settings()
    with context.db() as session, context.stop_on_error():
        result = feedback_reports.cohort_self_other(
            session=session, viewer=viewer, cohort_id=cohort_id,
            instrument=context.instrument(), thresholds=context.change_thresholds(),
            min_raters=settings.min_raters, min_group=settings.min_group_size,
        )  # fmt: skip
    if not result.campaigns:
        st.info(_("No feedback round of this cohort has closed yet."))
        return
    st.subheader(
        _("Self and others, {campaigns}").format(campaigns=result.campaigns[-1]), anchor=False
    )
    st.caption(
        _(
            "Per skill across the cohort's supervisors: their own score against all others' "
            "(only groups large enough to show), and how many rate themselves clearly above, "
            "in line with, or clearly below others (beyond measurement noise, as in each "
            "report). Skills with fewer than {min_group} supervisors show no figures."
        ).format(min_group=result.min_group)
    )
    tables.show(
        result.agreement,
        {"skill": _("Skill"), "n": _("Supervisors"), "self_mean": _("Self (average)"),
         "others_mean": _("Others (average)"), "difference": _("Self minus others"),
         "correlation": _("Self-others correlation"), "above": _("Clearly above others"),
         "level": _("In line"), "below": _("Clearly below others")},
        {"n": ".0f", "self_mean": ".0f", "others_mean": ".0f", "difference": "+.0f",
         "correlation": ".2f", "above": ".0f", "level": ".0f", "below": ".0f"},
        minor=("correlation", "self_mean", "others_mean"),
    )  # fmt: skip
    st.subheader(_("Change in others' ratings"), anchor=False)
    if len(result.campaigns) < 2:
        st.caption(_("Change appears once the cohort has two closed feedback rounds."))
    else:
        st.caption(
            _(
                "From {campaigns} to {campaigns2}: the change in what others say, which does "
                "not rest on self-report. Mean change with its 95% CI, d_z and Holm-corrected"
                " p, as in the cohort review."
            ).format(campaigns=result.campaigns[0], campaigns2=result.campaigns[-1])
        )
        change = result.change.assign(
            ci=[
                vocabulary.EMPTY
                if pd.isna(a)
                else _("{low} to {high}").format(
                    low=number(a, 0, sign=True), high=number(b, 0, sign=True)
                )
                for a, b in zip(result.change["ci_low"], result.change["ci_high"], strict=True)
            ]
        )
        tables.show(
            change,
            {"skill": _("Skill"), "n": _("Supervisors"), "baseline_mean": _("First"), "latest_mean":
             _("Latest"), "change": _("Change"), "ci": _("95% CI"), "d_z": _("Effect size (dz)"),
             "p_holm": _("p (Holm)")},
            {"n": ".0f", "baseline_mean": ".0f", "latest_mean": ".0f", "change": "+.1f",
             "d_z": ".2f", "p_holm": ".3f"},
            minor=("baseline_mean", "latest_mean", "d_z", "p_holm"),
        )  # fmt: skip

    def record() -> None:
        """Download callback: HR's exports go to the audit log."""
        with context.shown_errors(), context.db() as session:
            files.record_export(
                session=session, viewer=viewer, kind="xlsx", subject=f"{cohort_name} (360)",
                rows=len(result.agreement) + len(result.change),
            )  # fmt: skip

    exports.workbook_download(
        _("Feedback from others (XLSX)"), lambda: feedback_reports.cohort_tables(result),
        f"cohort-{cohort_name.lower().replace(' ', '-')}-feedback.xlsx", key="cohort_360_xlsx",
        on_click=record,
    )  # fmt: skip


def team_others(viewer, team_ids) -> None:
    """The coach's heatmap of others' ratings beside self-ratings, from each supervisor's
    latest closed feedback round, with its table."""
    settings = context.settings()
    instrument = context.instrument()
    with context.db() as session, context.stop_on_error():
        both = feedback_reports.team_self_and_others(
            session=session, viewer=viewer, instrument=instrument,
            min_raters=settings.min_raters, team_ids=team_ids,
        )  # fmt: skip
    if both["others"].notna().sum() == 0:
        st.info(
            _(
                "No feedback from others to show yet: it appears once a supervisor's feedback"
                " round has closed with enough answers."
            )
        )
        return
    skill_order = [s.name for s in instrument.skills]
    others = both[both["others"].notna()].rename(columns={"others": "score"})
    with st.container(key="heatmap_others"):
        chart_specs.draw(charts.heatmap_chart, others[["name", "team", "skill", "score"]],
                         skill_order, width="content")  # fmt: skip
    st.caption(
        _(
            "All others' average score (0-100) from each person's latest closed feedback "
            "round; only groups with enough answers count. Darker is lower."
        )
    )
    tables.show(
        both,
        {"name": _("Person"), "skill": _("Skill"), "self": _("Self"), "others": _("All others"),
         "raters": _("People"), "difference": _("Self minus others")},
        {"self": ".0f", "others": ".0f", "raters": ".0f", "difference": "+.0f"},
        minor=("raters",),
    )  # fmt: skip
