"""Coach: profiles side by side: people, teams, or a team against the organisation."""

import pandas as pd
import streamlit as st

from leadcoach.coaching import comparison
from leadcoach.coaching.comparison import GroupRef
from leadcoach.measurement import reliability
from leadcoach.people import people
from leadcoach.platform.i18n import N_, _, isolate, number, strftime
from leadcoach.reporting import charts
from leadcoach.ui import auth, chart_specs, context, exports, tables
from leadcoach.ui.text import md

viewer = auth.require_viewer()
settings = context.settings()
instrument = context.instrument()
with context.db() as session, context.stop_on_error():
    coached = people.coached_teams(session=session, viewer=viewer)
    supervisors = people.people_overview(session=session, viewer=viewer)

st.title(_("Compare"), anchor=False)
if coached.empty:
    st.info(_("You do not coach any team yet. An administrator assigns teams to coaches."))
    st.stop()

mode = st.segmented_control(
    _("Compare"),
    [N_("People"), N_("Teams"), N_("A team and the organisation")],
    format_func=_,  # the English label is the choice's value, shown in the reader's language
    default="People",
    required=True,
    key="compare_mode",
)
team_names = dict(zip(coached["team_id"], coached["team"], strict=True))
if mode == "People":
    person_names = dict(
        zip(
            supervisors["person_id"], supervisors["name"] + " · " + supervisors["team"], strict=True
        )
    )
    chosen = st.multiselect(
        _("People (the first is the reference)"),
        list(person_names),
        format_func=person_names.get,
        max_selections=8,
        key="compare_people",
        placeholder=_("Choose two or more people"),
    )
    groups = [GroupRef("person", person_id) for person_id in chosen]
elif mode == "Teams":
    chosen = st.multiselect(
        _("Teams (the first is the reference)"),
        list(team_names),
        format_func=team_names.get,
        max_selections=8,
        key="compare_teams",
        placeholder=_("Choose two or more teams"),
    )
    groups = [GroupRef("team", team_id) for team_id in chosen]
else:
    team_id = st.selectbox(
        _("Team"), list(team_names), format_func=team_names.get, key="compare_team"
    )
    groups = [GroupRef("organisation"), GroupRef("team", team_id)]

if len(groups) < 2:
    st.info(_("Choose at least two to see their profiles side by side."))
    st.stop()

reliabilities = context.reliabilities()
with context.db() as session, context.stop_on_error():
    result = comparison.compare(
        session=session,
        viewer=viewer,
        instrument=instrument,
        groups=groups,
        reliabilities=reliabilities,
        min_group=settings.min_group_size,
    )

profiles = result.profiles
empty = profiles.groupby("group", sort=False)["mean"].apply(lambda m: m.isna().all())
for label in empty[empty].index:
    st.warning(
        _("{name}: no submitted assessment yet, so nothing to compare.").format(
            name=isolate(md(label))
        )
    )
if profiles["mean"].notna().any():
    chart = chart_specs.draw(charts.comparison_chart, profiles, result.differences)
    st.caption(
        _(
            "A ring marks a score that differs from {reference} by more than measurement "
            "noise (95%): for one person the skill's standard error of measurement, for a "
            "group the standard error of its average."
        ).format(reference=isolate(md(result.reference)))
    )
    judged_by = [r for r in reliabilities.values() if not r.provisional]
    if judged_by:
        low = number(min(r.alpha for r in judged_by), 2)
        high = number(max(r.alpha for r in judged_by), 2)
        st.caption(
            (
                _(
                    "Measurement error from each skill's reliability over {people} people's "
                    "latest self-assessments, as of {date} (between {low} and {high})."
                )
                if judged_by[0].as_of
                else _(
                    "Measurement error from each skill's reliability over {people} people's "
                    "latest self-assessments (between {low} and {high})."
                )
            ).format(
                people=number(judged_by[0].people),
                date=strftime(judged_by[0].as_of, "%d %B %Y") if judged_by[0].as_of else "",
                low=low,
                high=high,
            )
        )
    if note := reliability.cannot_judge_note(
        reliabilities, list(result.provisional_skills), {s.id: s.name for s in instrument.skills}
    ):
        st.caption(md(note))
    table = profiles.pivot_table(index="skill", columns="group", values="mean", sort=False)
    table = table.reindex(columns=list(dict.fromkeys(profiles["group"]))).round(0)
    tables.grid(table.reset_index(), formats=dict.fromkeys(table.columns, ".0f"))
    if not result.differences.empty:
        st.subheader(
            _("Differences from {reference}").format(reference=isolate(result.reference)),
            anchor=False,
        )
        marked = result.differences.assign(
            beyond_noise=[
                _("cannot be judged yet") if pd.isna(margin) else _("yes") if beyond else _("no")
                for beyond, margin in zip(
                    result.differences["beyond_noise"], result.differences["margin"], strict=True
                )
            ]
        )
        tables.grid(
            marked[["group", "skill", "difference", "margin", "beyond_noise"]],
            {
                "group": _("Who"),
                "skill": _("Skill"),
                "difference": _("Difference"),
                "margin": _("Noise margin (±)"),
                "beyond_noise": _("Beyond noise"),
            },
            {"difference": "+.0f", "margin": ".0f"},
        )
    exports.downloads(profiles, chart, "comparison")
