"""What the KPI pages draw (issue 23): the supervisor's team numbers beside their growth,
the coach's teams with process-behaviour limits, HR's "did the programme help the teams?"
section of the cohort review, and the KPI import. Every figure comes from
leadcoach.programmes.kpi_views (access and the small-group gate are applied there)."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from leadcoach.platform.i18n import N_, _, formatted, strftime
from leadcoach.programmes import kpi_views, kpis, work_plans
from leadcoach.reporting import exports, kpi_charts, kpi_section
from leadcoach.ui import chart_specs, context, tables
from leadcoach.ui.exports import table_download
from leadcoach.ui.text import md

NO_KPIS = N_(
    "No team numbers yet. HR imports them from the workforce-management system "
    "(Import KPIs), usually once a month."
)


# What each import mode does, as the choice reads (texts of the catalog).
IMPORT_MODES = {
    "all_or_nothing": N_("Import nothing until the file is clean"),
    "clean_rows": N_("Import the clean rows; give me the rejected ones back as a file"),
}


def _both_downloads(frame: pd.DataFrame, stem: str, key: str) -> None:
    csv, xlsx = st.columns(2)
    table_download(_("Table (CSV)"), frame, f"{stem}.csv", where=csv, key=f"{key}_csv")
    table_download(_("Table (XLSX)"), frame, f"{stem}.xlsx", kind="xlsx", sheet="KPIs", where=xlsx,
                   key=f"{key}_xlsx")  # fmt: skip


def supervisor_view(viewer, person_id: int) -> None:
    """The team's KPIs on the time axis of the person's skill growth, with plan targets."""
    with context.db() as session, context.stop_on_error():
        view = kpi_views.supervisor_kpis(
            session=session, viewer=viewer, person_id=person_id, instrument=context.instrument()
        )
        plans = work_plans.work_plans(session=session, viewer=viewer, person_id=person_id)
    st.title(_("Team numbers"), anchor=False)
    if view.team is None:
        st.info(_("You lead no team in LeadCoach yet, so there are no team numbers to show."))
        return
    st.caption(
        _(
            "{team}: the team's numbers month by month, on the same months as your skill "
            "growth. Dotted lines mark your self-assessments; dashed orange lines are your "
            "work plans' targets."
        ).format(team=md(view.team))
    )
    if view.values.empty:
        st.info(_(NO_KPIS))
    else:
        names = [m.name for m in view.measures]
        planned = [name for name in dict.fromkeys(view.targets["measure"]) if name in names]
        default = planned[:3] or names[:3]  # the plan's measures first: what the team works on
        chosen = st.multiselect(_("Measures"), names, default=default, key="kpi_sup_measures")
        for name in chosen:
            st.subheader(name, anchor=False)
            chart_column, table_column = st.columns([3, 2])
            with chart_column:
                chart_specs.draw(kpi_charts.kpi_chart, view.values, name, view.assessments,
                                 view.start, view.end, view.targets)  # fmt: skip
            with table_column:
                part = view.values[view.values["measure"] == name][["period", "value", "target"]]
                tables.show(part.iloc[::-1].head(12), formats={"period": "%b %Y", "value": ",.1f",
                                                               "target": ",.1f"})  # fmt: skip
    st.subheader(_("Skill growth"), anchor=False)
    if view.skills.empty:
        st.info(_("No self-assessment yet: your skill growth appears here after the first."))
    else:
        chart_specs.draw(
            kpi_charts.skills_chart, view.skills, view.assessments, view.start, view.end
        )
        wide = (
            view.skills.pivot_table(index="skill", columns="submitted_at", values="score")
            .rename(columns=lambda at: strftime(at, "%d %b %Y"))
            .reset_index()
        )
        tables.show(wide, formats={column: ".0f" for column in wide.columns[1:]})
    st.subheader(_("Work plans"), anchor=False)
    if not plans:
        st.info(_("No work plan yet. Write one for the month or quarter with your coach."))
    for plan in plans:
        with st.expander(plan.title, expanded=plan is plans[0]):
            st.markdown(
                _("**Expectations.** {expectations}").format(expectations=md(plan.expectations))
            )
            st.markdown(_("**Actions.** {actions}").format(actions=md(plan.actions)))
            rows = pd.DataFrame(
                [
                    {
                        "measure": t.measure.name,
                        "target": t.target,
                        "value": t.latest,
                        "status": t.status,
                        "goal": t.goal,
                    }
                    for t in plan.targets
                ]
            )
            labels = {"measure": _("Measure"), "target": _("Plan target"), "value": _("Latest"),
                      "status": _("Status"), "goal": _("Development goal")}  # fmt: skip
            tables.show(rows, labels=labels, formats={"target": ",.1f", "value": ",.1f"})
            for comment in plan.comments:
                st.markdown(
                    _("> {text}  \n— {author}, {at}").format(
                        text=md(comment.text),
                        author=md(comment.author),
                        at=strftime(comment.at, "%d %b %Y"),
                    )
                )
            with st.form(f"kpi_comment_{plan.id}", clear_on_submit=True):
                text = st.text_area(_("Comment on this plan"), key=f"kpi_comment_text_{plan.id}")
                if st.form_submit_button(_("Add comment")):
                    with context.db() as session, context.shown_errors():
                        work_plans.add_plan_comment(session=session, viewer=viewer,
                                                    plan_id=plan.id, text=text)  # fmt: skip
                        st.rerun()
    if not view.values.empty:
        _both_downloads(view.values.drop(columns=["team_id", "kpi_id"]), "team-numbers",
                        "kpi_sup")  # fmt: skip


def coach_view(viewer) -> None:
    """The coached teams' KPIs side by side with XmR limits and signals."""
    st.title(_("Teams' numbers"), anchor=False)
    with context.db() as session, context.stop_on_error():
        frame = kpi_views.teams_kpis(session=session, viewer=viewer)
    if frame.empty:
        st.info(NO_KPIS)
        return
    st.caption(
        _(
            "Each team's last 24 months. The dashed lines are the limits of the team's usual "
            "month-to-month variation (an XmR process-behaviour chart: the mean plus or minus"
            " 2.66 times the average month-to-month change; Wheeler, Understanding Variation,"
            " 2000). A diamond marks a month beyond them, or one of eight in a row on the "
            "same side of the mean: a signal worth a conversation. Everything else is routine"
            " variation, not a reason to react. Limits need at least six months."
        )
    )
    names = list(dict.fromkeys(frame["measure"]))
    measure = st.selectbox(_("Measure"), names, key="kpi_coach_measure")
    part = frame[frame["measure"] == measure]
    # Each team's months beyond its limits beside its own chart, without a Team column,
    # and the latest month of every team in one table under them: with the team beside
    # every row, both tables scrolled sideways in a column at 1366 px (issue 19).
    for team in dict.fromkeys(part["team"]):
        chart_column, table_column = st.columns([3, 2])
        with chart_column:
            chart_specs.draw(kpi_charts.xmr_chart, frame, measure, team)
        mine = part[part["team"] == team]
        signals = mine[mine["signal"]][["period", "value", "lower", "upper"]]
        with table_column:
            if signals.empty:
                st.success(_("No month beyond usual variation: routine variation only."))
            else:
                st.markdown(_("**Months beyond usual variation**"))
                tables.show(signals, formats={"period": "%b %Y", "value": ",.1f",
                                              "lower": ",.1f", "upper": ",.1f"})  # fmt: skip
    latest = part.sort_values("period").groupby("team").tail(1)
    st.markdown(_("**Latest month**"))
    tables.show(latest[["team", "period", "value", "centre", "signal"]],
                formats={"period": "%b %Y", "value": ",.1f", "centre": ",.1f"})  # fmt: skip
    _both_downloads(frame.drop(columns=["team_id", "kpi_id"]), "teams-numbers", "kpi_coach")


def cohort_section(viewer, cohort_id: int, min_group: int, round_scores: pd.DataFrame) -> None:
    """HR's 'did the programme help the teams?' view of the cohort review: the change per
    measure against the comparison teams, one measure's months drawn with their table
    beside the chart, the association with skill change, or why there is nothing to show.
    `round_scores`: the cohort review's, which the page holds already."""
    with context.db() as session, context.stop_on_error():
        review = context.cohort_kpi_reviews().get(
            session=session, viewer=viewer, cohort_id=cohort_id,
            instrument=context.instrument(), min_group=min_group, round_scores=round_scores,
        )  # fmt: skip
    part = kpi_section.section(review, min_group)
    st.header(part.title, anchor=False)
    if part.empty:
        st.info(part.empty, icon=":material/info:")
        return
    st.caption(part.summary)
    for caveat in part.caveats:
        st.warning(caveat, icon=":material/info:")
    tables.show(
        kpi_section.change_rows(review), kpi_section.CHANGE_LABELS, kpi_section.CHANGE_FORMATS
    )
    shown = review.changes[~review.changes["suppressed"].astype(bool)]
    measure = st.selectbox(_("Measure to draw"), list(shown["measure"]), key="kpi_review_measure")
    monthly = review.monthly[review.monthly["measure"] == measure]
    if monthly["suppressed"].astype(bool).all():
        st.info(
            _(
                "{measure}: no month has {min_group} or more teams in both groups, so its "
                "months are not drawn."
            ).format(measure=md(measure), min_group=min_group)
        )
    else:
        chart_column, table_column = st.columns([3, 2])
        with chart_column:
            chart_specs.draw(
                kpi_charts.cohort_monthly_chart, monthly, measure, pd.Timestamp(review.after[0])
            )
        with table_column:
            tables.show(
                monthly[~monthly["suppressed"].astype(bool)].drop(columns=["measure"]),
                formats={"period": "%b %Y", "value": ",.1f"},
            )
    st.subheader(part.associations_title, anchor=False)
    st.caption(part.associations_note)
    if part.associations_empty:
        st.info(part.associations_empty)
    else:
        tables.show(
            kpi_section.association_rows(review),
            kpi_section.ASSOCIATION_LABELS,
            kpi_section.ASSOCIATION_FORMATS,
        )
    _both_downloads(review.changes.drop(columns=["kpi_id"]), "cohort-kpi-change", "kpi_review")


def import_page(viewer) -> None:
    """HR: import teams' monthly KPI values from a CSV or XLSX file."""
    st.title(_("Import team KPIs"), anchor=False)
    st.write(
        _(
            "One row per team, month and measure with the columns {columns} (`contacts` is "
            "optional). Months as YYYY-MM. A team's month in the file replaces what LeadCoach "
            "holds for it; importing the same file again changes nothing. At most {most} "
            "values a file."
        ).format(
            columns=", ".join(f"`{c}`" for c in kpis.COLUMNS), most=formatted(kpis.MAX_ROWS, ",")
        )
    )
    with context.db() as session, context.stop_on_error():
        catalogue = kpis.catalogue(session=session, viewer=viewer)
    with st.expander(_("Measures LeadCoach knows")):
        tables.show(catalogue, formats={"valid_from": ",.12g", "valid_to": ",.12g"})
    upload = st.file_uploader(_("KPI file"), type=["csv", "tsv", "txt", "xlsx"], key="kpi_file")
    mode = st.radio(
        _("If some rows have problems"),
        kpis.MODES,
        format_func=lambda mode: _(IMPORT_MODES[mode]),
        key="kpi_mode",
    )
    if upload is None:
        st.info(_("Choose a file to check it. Nothing is written until you press Import."))
        return
    parsed = kpis.read_kpi_file(upload.getvalue(), upload.name)
    for warning in parsed.warnings:
        st.warning(md(warning))
    with context.db() as session, context.stop_on_error():
        check = kpis.validate_kpi_file(session=session, viewer=viewer, file=parsed)
    (st.success if check.ok else st.warning)(check.summary())
    if 0 < len(check.problems) <= 20:
        st.markdown("\n".join(f"- {md(message)}" for message in check.messages()))
    elif check.problems:
        st.dataframe(
            pd.DataFrame(
                [(p.row or _("file"), p.column, p.message) for p in check.problems[:5000]],
                columns=[_("Row"), _("Column"), _("Problem")],
            ),
            hide_index=True,
        )
    blocked = not check.entries or (mode == "all_or_nothing" and not check.ok)
    if st.button(_("Import"), type="primary", disabled=blocked, icon=":material/upload:"):
        with context.db() as session, context.stop_on_error():
            result = kpis.import_kpis(session=session, viewer=viewer, file=parsed, mode=mode)
        (st.success if result.written else st.error)(result.summary())
        if not result.rejected_rows.empty:
            table_download(_("Rejected rows (CSV)"), result.rejected_rows,
                           exports.derived_file_name(upload.name, "rejected"),
                           people_headers=False)  # fmt: skip
