"""Coach: the teams they coach at a glance, and where coaching is needed most."""

from datetime import UTC, datetime

import streamlit as st

from leadcoach.coaching import coaching, priorities
from leadcoach.measurement import groups
from leadcoach.people import people
from leadcoach.platform.i18n import _, isolate, number
from leadcoach.reporting import charts, vocabulary
from leadcoach.ui import auth, chart_specs, context, exports, feedback_views, tables
from leadcoach.ui.text import md

viewer = auth.require_viewer()
settings = context.settings()
instrument = context.instrument()

with context.db() as session, context.stop_on_error():
    coached = people.coached_teams(session=session, viewer=viewer)

st.title(_("My teams"), anchor=False)
if coached.empty:
    st.info(_("You do not coach any team yet. An administrator assigns teams to coaches."))
    st.stop()

names = dict(zip(coached["team_id"], coached["team"], strict=True))
choice = context.kept_selectbox(
    _("Team"),
    [None, *names],
    key="coach_team",
    default=lambda: None,
    format_func=lambda team_id: _("All my teams") if team_id is None else names[team_id],
)
with context.db() as session, context.stop_on_error():
    overview = coaching.team_overview(
        session=session,
        viewer=viewer,
        instrument=instrument,
        reliabilities=context.reliabilities(),
        reassessment_days=settings.reassessment_days,
        min_group=settings.min_group_size,
        now=datetime.now(UTC),
        team_ids=None if choice is None else [choice],
    )

status = overview.status
counts = status["status"].value_counts()
cols = st.columns(4)
# The core's statuses are English codes (coaching.teams.STATUS_ORDER), named on display.
cols[0].metric(_("Supervisors"), number(len(status)))
cols[1].metric(
    _("Not assessed or overdue"),
    number(int(counts.get("Not assessed", 0) + counts.get("Overdue", 0))),
)
cols[2].metric(_("Assessment in progress"), number(int(counts.get("In progress", 0))))
cols[3].metric(_("Assessed, no plan"), number(overview.without_plan))
if status.empty:
    st.info(_("No supervisors on this team yet."))
    st.stop()

st.subheader(_("Where coaching is needed most"), anchor=False)
if overview.priorities.empty:
    st.success(_("Nothing stands out: no drop beyond noise, every assessed person has a plan."))
# One list, one element: the browser draws each element separately.
st.markdown(
    "\n".join(
        f"{row.rank}. **{_(row.kind)}: {isolate(md(row.subject))}**. {md(row.reason)}"
        for row in overview.priorities.itertuples()
    )
)
with st.expander(_("How the list is ranked")):
    st.markdown(_(priorities.HOW_RANKED))

# One view at a time, each drawn only when opened (and its address kept in the URL): four
# charts and their tables on one page made a first visit wait for all of them.
skills_tab, versus_tab, remind_tab, growth_tab = st.tabs(
    [_("Skills by person"), _("Against the organisation"), _("Who to remind"), _("Team growth")],
    key="view",
    bind="query-params",
)
if skills_tab.open:
    with skills_tab:
        if overview.scores.empty:
            st.info(_("Nobody on this team has submitted an assessment yet."))
        else:
            skill_order = [s.name for s in instrument.skills]
            # issue 22 (h-360-report): others' ratings beside self-ratings, on request.
            if st.toggle(_("Show others' ratings beside self-ratings"), key="coach_team_others"):
                feedback_views.team_others(viewer, None if choice is None else [choice])
                st.subheader(_("Self-ratings"), anchor=False)
            # At its own size the cells stay readable; on a phone the box scrolls sideways
            # (the style rule is in app.py) rather than squeezing the page.
            with st.container(key="heatmap"):
                heatmap = chart_specs.draw(
                    charts.heatmap_chart, overview.scores, skill_order, width="content"
                )
            st.caption(
                _("Latest score of each person (0-100); darker is lower. Hover for details.")
            )
            # A hundred rows are drawn only when asked for: the browser's first load of the
            # page need not lay them out, nor the server build them (a person x skill table
            # per run, also for the CSV, which builds it when clicked).
            table_box = st.expander(
                _("The same numbers as a table"), key="heatmap_table", on_change="rerun"
            )
            if table_box.open:
                with table_box:
                    heatmap_table = overview.heatmap_table
                    tables.show(
                        heatmap_table, formats=dict.fromkeys(heatmap_table.columns[2:], ".0f")
                    )
            exports.downloads(lambda: overview.heatmap_table, heatmap, "team-skills")
            # One picker and one link rather than a link per person: a hundred links were
            # most of the page's elements for the browser to draw.
            picked_column, link_column = st.columns([3, 1], vertical_alignment="bottom")
            person_names = dict(zip(status["person_id"], status["name"], strict=True))
            picked = picked_column.selectbox(
                _("Open a person's results, growth, plan and notes"),
                list(person_names),
                format_func=person_names.get,
                key="coach_team_person",
            )
            link_column.page_link(
                "pages/coach/person.py",
                label=_("Open {name}").format(name=isolate(md(person_names[picked]))),
                icon=":material/person:",
                query_params={"person": str(picked)},
            )

if versus_tab.open:
    with versus_tab:
        versus = overview.team_vs_organisation
        if not versus.profiles["mean"].notna().any():
            st.info(_("Nobody on this team has submitted an assessment yet."))
        else:
            chart_specs.draw(charts.comparison_chart, versus.profiles, versus.differences)
            st.caption(
                _(
                    "A ring marks a skill where the team differs from the organisation by "
                    "more than measurement noise (95%)."
                )
                + (
                    " "
                    + _(
                        "For a one-person team, some skills cannot be judged yet: their "
                        "reliability is not yet known well enough."
                    )
                    if versus.provisional_skills
                    else ""
                )
            )
            tables.show(
                versus.differences,
                {
                    "skill": _("Skill"),
                    "difference": _("Team minus organisation"),
                    "margin": _("Noise margin (±)"),
                    "beyond_noise": _("Beyond noise"),
                },
                {"difference": "+.0f", "margin": ".0f"},
            )

if remind_tab.open:
    with remind_tab:
        due = status[status["status"] != "Up to date"]
        if due.empty:
            st.caption(_("Everyone's assessment is up to date."))
        else:
            labels = {column: vocabulary.header(column) for column in vocabulary.shown_columns(due)}
            dates = dict.fromkeys(("last_assessed", "due_on"), "%d %b %Y")
            tables.grid(due, {**labels, "name": _("Person")}, dates)

if growth_tab.open:
    with growth_tab:
        growth = overview.growth
        if growth.empty or growth["round"].nunique() < 2:
            st.caption(_("Team growth appears once the team has assessments in two quarters."))
        else:
            skills = list(dict.fromkeys(growth["skill"]))
            skill = st.selectbox(
                _("Skill"), skills, key="coach_growth_skill", format_func=vocabulary.in_language
            )
            growth_chart = chart_specs.draw(charts.team_growth_chart, growth, skill)
            st.caption(
                _("The line is the team average; the band holds the middle half of the team.")
            )
            rounds = growth[growth["skill"] == skill]
            tables.show(
                rounds,
                {"round": _("Quarter"), **{k: _(v) for k, v in groups.LABELS.items()}},
                dict.fromkeys(groups.FIGURES, ".1f"),
                minor=("sd", "min", "q1", "q3", "max"),  # on a phone: the centre only
            )
            exports.downloads(growth.drop(columns="round_start"), growth_chart, "team-growth")
st.caption(
    _("Data of {name}'s teams only; organisation figures are averages.").format(
        name=isolate(md(viewer.name))
    )
)
