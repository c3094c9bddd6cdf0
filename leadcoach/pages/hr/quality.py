"""HR and admin: how well the questionnaire measures, per skill and per statement."""

from datetime import date, timedelta

import streamlit as st

from leadcoach.measurement import quality
from leadcoach.programmes import cohorts
from leadcoach.ui import auth, chart_specs, context, exports, tables
from leadcoach.ui.text import md

viewer = auth.require_viewer()
settings = context.settings()
instrument = context.instrument()

st.title("Instrument quality", anchor=False)
st.caption(
    "How consistently each skill's statements measure one thing, from each person's latest "
    "self-assessment. Only group figures are shown, never a person's answers."
)

sample = st.segmented_control(
    "Sample", ["Period", "Cohort"], default="Period", key="quality_sample", required=True
)
since = until = cohort_id = None
if sample == "Cohort":
    with context.db() as session, context.stop_on_error():
        cohort_table = cohorts.cohort_list(session=session, viewer=viewer)
    if cohort_table.empty:
        st.info("No cohorts yet. Create one on the cohorts page, or choose a period instead.")
        st.stop()
    names = dict(zip(cohort_table["cohort_id"], cohort_table["name"], strict=True))
    cohort_id = st.selectbox(
        "Cohort", list(names), format_func=names.get, key="quality_cohort",
        help="Each member's latest self-assessment counts.",
    )  # fmt: skip
else:
    today = date.today()
    period = st.date_input(
        "Submitted between", value=(today - timedelta(days=365), today), max_value=today,
        key="quality_period", help="Each person's latest self-assessment in the period counts.",
    )  # fmt: skip
    if len(period) < 2:
        st.info("Choose the last day of the period too.")
        st.stop()
    since, until = period

with context.db() as session, context.stop_on_error():
    report = quality.quality_report(
        session=session, viewer=viewer, instrument=instrument, since=since, until=until,
        cohort_id=cohort_id, min_sample=settings.min_quality_sample,
    )  # fmt: skip

if not report.ok:
    st.info(md(report.refused))
    st.stop()

skills = report.skills
weak = skills[skills["flagged"]]
flagged_items = report.items[report.items["flag"] != ""]
people, weak_count, item_count = st.columns(3)
people.metric("People in the sample", report.people)
weak_count.metric("Skills below 0.70", len(weak))
item_count.metric("Statements flagged", len(flagged_items))

st.subheader("Reliability per skill", anchor=False)
chart = chart_specs.draw(quality.alpha_chart, report)
skill_table = skills.assign(
    status=skills["flagged"]
    .map({True: "Below 0.70", False: "OK"})
    .where(skills["alpha"].notna() | skills["omega"].notna(), "Not computed")
)[["skill", "items", "people", "alpha", "omega", "status", "note"]]
tables.grid(
    skill_table,
    {"skill": "Skill", "items": "Statements", "people": "People", "alpha": "Alpha",
     "omega": "Omega", "status": "Status", "note": "Note"},
    {"alpha": ".2f", "omega": ".2f"},
)  # fmt: skip
exports.downloads(skill_table, chart, "instrument-quality-skills")
if skills["alpha"].isna().any():
    st.caption("A skill without an alpha is left out of the chart; its note in the table says why.")
st.caption(
    "**Alpha** (Cronbach's) and **omega** (McDonald's) run from 0 to 1 and say how "
    "consistently a skill's statements measure the same thing: the higher, the less a "
    "person's skill score is moved by chance. Below 0.70 (the dashed line) the score is too "
    "noisy to compare people or track small changes; review the skill's statements. Omega "
    "allows statements to differ in how strongly they reflect the skill, so it is often a "
    "little higher than alpha."
)

st.subheader("Statements", anchor=False)
only_flagged = st.toggle("Only flagged statements", key="quality_only_flagged")
items = flagged_items if only_flagged else report.items
if items.empty:
    st.success("No statement is flagged.")
else:
    item_table = items[["skill", "item_id", "flag", "item_rest", "alpha_if_deleted", "mean",
                        "sd", "not_applicable_share", "answers", "reverse", "text",
                        "note"]]  # fmt: skip
    tables.grid(
        item_table,
        {"skill": "Skill", "item_id": "Statement", "flag": "Flag", "item_rest": "Item-rest r",
         "alpha_if_deleted": "Alpha without it", "mean": "Mean (1-5)", "sd": "SD",
         "not_applicable_share": "Not applicable", "answers": "Answers",
         "reverse": "Reverse-scored", "text": "Text", "note": "Note"},
        {"item_rest": ".2f", "alpha_if_deleted": ".2f", "mean": ".2f", "sd": ".2f",
         "not_applicable_share": ".0%"},
    )  # fmt: skip
    st.download_button(
        "Statements (CSV)", item_table.to_csv(index=False).encode("utf-8"),
        "instrument-quality-statements.csv", "text/csv", icon=":material/download:",
        key="quality_items_csv", on_click="ignore",
    )  # fmt: skip
st.caption(
    "**Item-rest r** is how closely a statement's ratings follow the rest of its skill. "
    "Below 0.30 the statement tracks its skill poorly (**Weak item**); below 0 people who "
    "rate it high rate the other statements low, which usually means it is scored in the "
    "wrong direction (**Likely keying error**). **Alpha without it** higher than the skill's "
    "alpha means the skill would measure more consistently without the statement. Means are "
    "on the 1-5 frequency scale after reverse-scored statements are turned round (6 minus the "
    "answer), so a high mean always reads as the skill shown more often. **Not applicable** "
    "is the share of answers given as Not applicable; a high share suggests the statement "
    "does not fit many supervisors' work."
)

if report.scenario_key_provisional:
    st.info(
        "The situational-judgement scenarios are not part of this analysis. Their scoring "
        f"key is provisional ({md(report.scenario_key_status)}): the questionnaire's authors "
        "wrote it, and it stays provisional until a panel of experienced contact-centre "
        "managers, including outsourced and offshore ones, has rated the options. Read "
        "scenario scores beside, not instead of, the self-ratings."
    )
st.caption(
    f"Figures rest on at least {report.min_sample} people (a smaller sample gives an unstable "
    "estimate); a skill or statement rated by fewer people is left empty with a note."
)
