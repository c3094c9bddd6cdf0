"""HR and admin: how well the questionnaire measures, per skill and per statement."""

from datetime import date, timedelta

import pandas as pd
import streamlit as st

from leadcoach.measurement import dif, quality, structure
from leadcoach.platform import i18n
from leadcoach.platform.i18n import N_, _, formatted, ngettext, number
from leadcoach.programmes import cohorts
from leadcoach.reporting import vocabulary
from leadcoach.ui import auth, chart_specs, context, exports, tables
from leadcoach.ui.text import md

viewer = auth.require_viewer()
settings = context.settings()
instrument = context.instrument()


def language_name(code: str) -> str:
    """A language as the reader names it ("Arabic", "العربية"; vocabulary.LANGUAGES)."""
    return _(vocabulary.LANGUAGES[code]) if code in vocabulary.LANGUAGES else code


def dif_choice(item_id: str, key: str) -> None:
    """Store HR's choice about a flagged statement (issue 25)."""
    with context.db() as session, context.stop_on_error():
        dif.set_aside(
            session=session, viewer=viewer, instrument=instrument, item_id=item_id,
            leave_out=bool(st.session_state[key]),
        )  # fmt: skip


st.title(_("Instrument quality"), anchor=False)
st.caption(
    _(
        "How consistently each skill's statements measure one thing, from each person's "
        "latest self-assessment. Only group figures are shown, never a person's answers."
    )
)

sample = st.segmented_control(
    _("Sample"), [N_("Period"), N_("Cohort")], format_func=_, default="Period",
    key="quality_sample", required=True,
)  # fmt: skip
since = until = cohort_id = None
if sample == "Cohort":
    with context.db() as session, context.stop_on_error():
        cohort_table = cohorts.cohort_list(session=session, viewer=viewer)
    if cohort_table.empty:
        st.info(_("No cohorts yet. Create one on the cohorts page, or choose a period instead."))
        st.stop()
    names = dict(zip(cohort_table["cohort_id"], cohort_table["name"], strict=True))
    cohort_id = st.selectbox(
        _("Cohort"), list(names), format_func=names.get, key="quality_cohort",
        help=_("Each member's latest self-assessment counts."),
    )  # fmt: skip
else:
    today = date.today()
    period = st.date_input(
        _("Submitted between"), value=(today - timedelta(days=365), today), max_value=today,
        key="quality_period",
        help=_("Each person's latest self-assessment in the period counts."),
    )  # fmt: skip
    if len(period) < 2:
        st.info(_("Choose the last day of the period too."))
        st.stop()
    since, until = period

with context.db() as session, context.stop_on_error():
    report = context.quality_reports().get(
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
people.metric(_("People in the sample"), number(report.people))
weak_count.metric(_("Skills below 0.70"), number(len(weak)))
item_count.metric(_("Statements flagged"), number(len(flagged_items)))

st.subheader(_("One general factor?"), anchor=False)
general = report.general
if general is None:
    st.caption(md(report.general_note))
else:
    beside = report.general_skills
    shown = st.columns(3 if beside is not None else 2)
    shown[0].metric(
        _("Omega hierarchical"),
        number(general.omega_h, 2),
        help=_(
            "The share of the overall index's variance due to one general leadership "
            "factor that runs through every skill."
        ),
    )
    shown[1].metric(
        _("Omega total"),
        number(general.omega_t, 2),
        help=_(
            "The share due to everything the statements have in common: the general "
            "factor and each skill's own factor."
        ),
    )
    if beside is not None:
        shown[2].metric(
            _("Omega hierarchical, skills as groups"),
            number(beside.omega_h, 2),
            help=_(
                "The same share when each statement is held to its own skill, as the "
                "questionnaire is designed, instead of the factors found in the answers."
            ),
        )
    factors = len(general.second_order)
    if general.method == structure.EXPLORATORY:
        followed, statements = report.factors_follow_skills
        method = _(
            "Method: exploratory, as R psych's omega computes it: {factors} group factors, "
            "one per skill with enough ratings, found in the answers (minimum-residual fit, "
            "oblimin rotation), then a Schmid-Leiman transformation, so a statement may "
            "reflect more than one skill. The factors follow the skills for {followed} of "
            "{statements} statements. Beside it, the same model with each statement held to "
            "its own skill: a higher figure there means some statements also reflect other "
            "skills."
        ).format(factors=factors, followed=followed, statements=statements)
    else:
        method = _(
            "Method: the statements of each of the {factors} skills with enough ratings as its "
            "own group factor (the questionnaire's design), then a Schmid-Leiman "
            "transformation. R psych's omega finds its group factors in the answers instead; "
            "{why}"
        ).format(factors=factors, why=md(report.general_note[0].lower() + report.general_note[1:]))
    st.caption(method)
    st.caption(
        _(
            "Omega hierarchical above about 0.70 means the overall index mostly reflects one "
            "general leadership factor and can be read as one number; well below omega total "
            "means much of it is skill-specific, so read the skills rather than the index."
        )
        + (" " + md("; ".join(general.notes)) + "." if general.notes else "")
    )

st.subheader(_("Reliability per skill"), anchor=False)
chart = chart_specs.draw(quality.alpha_chart, report)


def _interval(low: float, high: float) -> str:
    return "" if pd.isna(low) else f"{number(low, 2)}\u2013{number(high, 2)}"


skill_table = skills.assign(
    status=skills["flagged"]
    .map({True: _("Below 0.70"), False: _("OK")})
    .where(skills["alpha"].notna() | skills["omega"].notna(), _("Not computed")),
    alpha_ci=[
        _interval(a, b) for a, b in zip(skills["alpha_low"], skills["alpha_high"], strict=True)
    ],
    omega_ci=[
        _interval(a, b) for a, b in zip(skills["omega_low"], skills["omega_high"], strict=True)
    ],
    one=[
        ""
        if pd.isna(n)
        else _("yes")
        if n == 1
        else ngettext("no ({count} component)", "no ({count} components)", int(n)).format(
            count=number(int(n))
        )
        for n in skills["components"]
    ],
    needed=["" if pd.isna(n) else number(int(n)) for n in skills["items_for_080"]],
)[["skill", "items", "people", "alpha", "alpha_ci", "omega", "omega_ci", "lambda6", "one",
   "needed", "ceiling_share", "status", "note"]]  # fmt: skip
tables.grid(
    skill_table,
    {"skill": _("Skill"), "items": _("Statements"), "people": _("People"), "alpha": _("Alpha"),
     "alpha_ci": _("Alpha 95% CI"), "omega": _("Omega"), "omega_ci": _("Omega 95% CI"),
     "lambda6": _("Lambda 6"), "one": _("Measures one thing"),
     "needed": _("Statements for 0.80"), "ceiling_share": _("At the top score"),
     "status": _("Status"), "note": _("Note")},
    {"alpha": ".2f", "omega": ".2f", "lambda6": ".2f", "ceiling_share": ".0%"},
)  # fmt: skip
exports.downloads(skill_table, chart, "instrument-quality-skills")
if skills["alpha"].isna().any():
    st.caption(
        _("A skill without an alpha is left out of the chart; its note in the table says why.")
    )
st.caption(
    _(
        "**Alpha** (Cronbach's) and **omega** (McDonald's) run from 0 to 1 and say how "
        "consistently a skill's statements measure the same thing: the higher, the less a "
        "person's skill score is moved by chance. Below 0.70 (the dashed line) the score is "
        "too noisy to compare people or track small changes; review the skill's statements. "
        "Omega allows statements to differ in how strongly they reflect the skill, so it is "
        "often a little higher than alpha; its interval comes from refitting it on 500 "
        "resamples of the people (bootstrap). **Lambda 6** (Guttman's) estimates each "
        "statement's error from how well the others predict it. **Measures one thing**: "
        "whether exactly one component stands out from random data of the same size (Horn's "
        "parallel analysis, 95th percentile). **Statements for 0.80**: how many statements "
        "like these the skill would need to reach 0.80 (Spearman-Brown), shown for skills "
        "below it. **At the top score**: the share of people at the highest possible skill "
        "score; above 15% the skill has a ceiling and cannot show their growth."
    )
)

st.subheader(_("Statements"), anchor=False)
scale_labels = [i18n.questionnaire_text(point.label) for point in instrument.scale.points]
only_flagged = st.toggle(_("Only flagged statements"), key="quality_only_flagged")
items = flagged_items if only_flagged else report.items
if items.empty:
    st.success(_("No statement is flagged."))
else:
    item_table = items[["skill", "item_id", "flag", "item_rest", "alpha_if_deleted", "mean",
                        "sd", *quality.ANSWER_COLUMNS, "ceiling", "not_applicable_share",
                        "answers", "reverse", "text", "note"]]  # fmt: skip
    tables.grid(
        item_table,
        {"skill": _("Skill"), "item_id": _("Statement"), "flag": _("Flag"),
         "item_rest": _("Corrected item-total r"), "alpha_if_deleted": _("Alpha without it"),
         "mean": _("Mean (1-5)"), "sd": _("SD"), "ceiling": _("Ceiling"),
         **dict(zip(quality.ANSWER_COLUMNS, scale_labels, strict=True)),
         "not_applicable_share": _("Not applicable"), "answers": _("Answers"),
         "reverse": _("Reverse-scored"), "text": _("Text"), "note": _("Note")},
        {"item_rest": ".2f", "alpha_if_deleted": ".2f", "mean": ".2f", "sd": ".2f",
         "not_applicable_share": ".0%", **dict.fromkeys(quality.ANSWER_COLUMNS, ".0%")},
    )  # fmt: skip
    exports.table_download(
        _("Statements (CSV)"), item_table, "instrument-quality-statements.csv",
        key="quality_items_csv",
    )  # fmt: skip
st.caption(
    _(
        "**Corrected item-total r** (item-rest) is how closely a statement's ratings follow "
        "the rest of its skill. Below 0.30 the statement tracks its skill poorly (**Weak "
        "item**); below 0 people who rate it high rate the other statements low, which "
        "usually means it is scored in the wrong direction (**Likely keying error**). **Alpha"
        " without it** higher than the skill's alpha means the skill would measure more "
        "consistently without the statement. Means are on the 1-5 frequency scale after "
        "reverse-scored statements are turned round (6 minus the answer), so a high mean "
        "always reads as the skill shown more often. **Not applicable** is the share of "
        "answers given as Not applicable; a high share suggests the statement does not fit "
        "many supervisors' work. The answer columns give the share of each answer as given "
        "(before turning reverse-scored statements round); **Ceiling** marks a statement "
        "where more than half the answers are at the top of the skill, so growth hardly "
        "shows."
    )
)

if report.scenario_key_provisional:
    st.info(
        _(
            "The situational-judgement scenarios are not part of this analysis. Their scoring"
            " key is provisional: the questionnaire's authors wrote it, and it stays "
            "provisional until a panel of experienced contact-centre managers, including "
            "outsourced and offshore ones, has rated the options. Read scenario scores "
            "beside, not instead of, the self-ratings."
        )
    )
st.caption(
    _(
        "Figures rest on at least {min_sample} people (a smaller sample gives an unstable "
        "estimate); a skill or statement rated by fewer people is left empty with a note."
    ).format(min_sample=number(report.min_sample))
)

# --- issue 25: does a translated statement measure the same thing? -------------------------
st.subheader(_("Translated statements: do they measure the same thing?"), anchor=False)
with context.db() as session, context.stop_on_error():
    languages = context.dif_reports().get(
        session=session, viewer=viewer, instrument=instrument, since=since, until=until,
        min_group=settings.min_dif_group,
    )  # fmt: skip
if not languages.analysed:
    counts = ", ".join(
        f"{language_name(code)}: {number(n)}" for code, n in languages.people.items()
    )  # fmt: skip
    st.info(
        _(
            "No translation can be checked yet: each language needs at least {min_group} "
            "people whose latest self-assessment is in it, and as many in English ({value})."
        ).format(
            min_group=number(languages.min_group),
            value=md(counts) if counts else _("no one has answered yet"),
        )
    )
else:
    for row in languages.large.itertuples():
        st.warning(
            (
                _(
                    "**{item_id}** ({skill}) works differently in {language}: people who "
                    "answered in {language} rate it {smd} points higher on the 1-5 scale than "
                    "people with the same skill score who answered in English."
                )
                if row.smd > 0
                else _(
                    "**{item_id}** ({skill}) works differently in {language}: people who "
                    "answered in {language} rate it {smd} points lower on the 1-5 scale than "
                    "people with the same skill score who answered in English."
                )
            ).format(
                item_id=row.item_id,
                skill=md(vocabulary.in_language(row.skill)),
                language=language_name(row.language),
                smd=formatted(abs(row.smd), ".1f"),
            )
            + " "
            + _(
                "The "
                "translation may say something different, or the behaviour may read "
                "differently there. Comparing the two groups on this statement, or on a skill"
                " score that includes it, compares unlike things: have a fluent reviewer "
                "compare the wording, and consider leaving it out of cross-language "
                "comparisons."
            ),
            icon=":material/translate:",
        )
        st.checkbox(
            _("Leave {item_id} out of cross-language comparisons").format(item_id=row.item_id),
            value=bool(row.set_aside), key=f"quality_set_aside_{row.item_id}",
            on_change=dif_choice, args=(row.item_id, f"quality_set_aside_{row.item_id}"),
        )  # fmt: skip
    if languages.large.empty:
        st.success(_("No translated statement shows large differential item functioning."))
    shown = languages.items.assign(
        # Rounded first, so that a tiny negative difference does not read "-0.00".
        smd=languages.items["smd"].round(2) + 0.0,
        smd_sd=languages.items["smd_sd"].round(2) + 0.0,
        language=languages.items["language"].map(language_name),
        level=languages.items["level"].map(lambda level: _(vocabulary.DIF_LEVELS[level])),
        set_aside=languages.items["set_aside"].map({True: _("Left out"), False: ""}),
    )[["language", "skill", "item_id", "level", "smd", "smd_sd", "p", "reference", "focal",
       "set_aside", "text"]]  # fmt: skip
    only_flagged = st.toggle(_("Only moderate and large"), key="quality_dif_flagged")
    if only_flagged:
        shown = shown[languages.items["level"].loc[shown.index] != "negligible"]
    tables.grid(
        shown,
        {"language": _("Language"), "skill": _("Skill"), "item_id": _("Statement"),
         "level": _("DIF"), "smd": _("Difference (points)"), "smd_sd": _("Difference (SD)"),
         "p": _("Mantel p-value"), "reference": _("People (English)"),
         "focal": _("People (translation)"), "set_aside": _("Comparisons"),
         "text": _("Text (English)")},
        {"smd": "+.2f", "smd_sd": "+.2f", "p": ".3f"},
    )  # fmt: skip
    alphas = languages.alphas.assign(language=languages.alphas["language"].map(language_name))
    wide = alphas.pivot(index="skill", columns="language", values="alpha")
    wide = wide.reindex([skill.name for skill in instrument.skills]).dropna(how="all")
    wide = wide.rename_axis(columns=None).reset_index()
    names = [column for column in wide.columns if column != "skill"]
    st.markdown(_("**Alpha per language**"))
    tables.grid(wide, {"skill": _("Skill"), **{n: n for n in names}}, dict.fromkeys(names, ".2f"))
    if languages.too_small:
        st.caption(
            _("Too few people to check yet: {languages}; each language needs {minimum}.").format(
                languages=", ".join(
                    f"{language_name(c)} ({number(n)})" for c, n in languages.too_small.items()
                ),
                minimum=number(languages.min_group),
            )
        )
st.caption(
    _(
        "**Differential item functioning (DIF)**: whether people who answered in a "
        "translation rate a statement differently from people **with the same skill score** "
        "who answered in English. Groups are matched on the skill's score, then compared with "
        "Mantel's test; the **difference** is the translation group's mean answer minus the "
        "English group's at equal skill (standardised mean difference, Dorans & Schmitt, "
        "1991), in points and in standard deviations of the statement. Classification: "
        "{rule}. A statement with large DIF in one stage leaves the matching score of the "
        "others (two-stage purification). **Alpha per language** is Cronbach's alpha of each "
        "skill in each language group. Statements left out of cross-language comparisons stay "
        "in every person's own scores; norms and cohort reviews say when they pool languages."
    ).format(rule=_(dif.RULE))
)
