"""Every word a person reads for a code: column headers, audit events, statuses, empty values.

One place, as plain data, so the pages, the tables and the exported files say the same
thing, and so the languages issue translates exactly this module. `people_frame` turns a
frame of the core into what a person reads: headers named, codes named, no `None`,
`NaN` or `<NA>` (an empty value reads as EMPTY, or as SUPPRESSED where the small-group
gate of leadcoach.measurement.groups hid a figure).
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Mapping
from datetime import date, datetime

import pandas as pd

from leadcoach.platform import i18n
from leadcoach.platform.i18n import _
from leadcoach.platform.languages import SUPPORTED

EMPTY = "—"  # an em dash: nothing to show, the usual mark in printed tables
SUPPRESSED = "Not enough people"  # a figure hidden by the small-group gate
YES, NO = "Yes", "No"
NO_SPREAD = "No spread"  # every change the same: no effect size or test to give

# Column codes of the core's frames and their headers. A code not listed here reads as
# its words ("last_seen" -> "Last seen"), never as the code.
HEADERS: dict[str, str] = {
    "action": "Event",
    "actor": "Done by",
    "alpha": "Alpha",
    "alpha_if_deleted": "Alpha without it",
    "answers": "Answers",
    "answers_saved": "Answers saved",
    "applicable": "Applicable",
    "answered": "Answered",
    "at": "When (UTC)",
    "baseline_mean": "Baseline",
    "beyond_noise": "Beyond noise",
    "change": "Change",
    "ci": "95% CI",
    "ci_high": "95% CI high",
    "ci_low": "95% CI low",
    "closes_on": "Closes",
    "cohort": "Cohort",
    "d_z": "Effect size (dz)",
    "dz_ci": "Effect size 95% CI",
    "dz_low": "Effect size, lower limit (95%)",
    "dz_high": "Effect size, upper limit (95%)",
    "description": "Description",
    "detail": "Details",
    "difference": "Difference",
    "due_on": "Due",
    "email": "Email",
    "flag": "Flag",
    "group": "Group",
    "item_id": "Statement",
    "item_rest": "Item-rest r",
    "items": "Statements",
    "kind": "Kind",
    "language": "Language",
    "last_assessed": "Last assessed",
    "last_sign_in": "Last sign-in",
    "latest_mean": "Latest",
    "locked_until": "Locked until",
    "margin": "Noise margin (±)",
    "mean": "Mean",
    "mean_change": "Change",
    "meaning": "Change is",
    "band": "Likely range (90%)",
    "members": "Members",
    "n": "People",
    "n_latest": "People (latest)",
    "name": "Name",
    "not_applicable_share": "Not applicable",
    "note": "Note",
    "omega": "Omega",
    "opens_on": "Opens",
    "overall_index": "Overall index",
    "p_holm": "Holm p-value",
    "people": "People",
    "percentile": "Percentile",
    "person": "Person",
    "previous": "Previous",
    "real_drops": "Real drop",
    "real_gains": "Real gain",
    "reverse": "Reverse-scored",
    "role": "Role",
    "round": "Round",
    "rounds": "Rounds",
    "scenario_score": "Situational judgement",
    "score": "Score",
    "sd": "SD",
    "sd_change": "SD of change",
    "significant": "Real change",
    "site": "Site",
    "skill": "Skill",
    "start_date": "Start",
    "status": "Status",
    "subject": "About",
    "submitted": "Submitted",
    "submitted_on": "Submitted on",
    "supervisors": "Supervisors",
    "team": "Team",
    "text": "Text",
    "vendor": "Vendor",
    "verdict": "Real change",
    "within_noise": "Within noise",
    "min": "Lowest",
    "q1": "Lower quartile",
    "median": "Median",
    "q3": "Upper quartile",
    "max": "Highest",
}

# Audit event codes (every `audit.record(...)` in the core) and what a person reads.
EVENTS: dict[str, str] = {
    "sign_in": "Signed in",
    "email_sent": "Email sent",
    "email_failed": "Email could not be sent",
    "email_resent": "Email sent again",
    "email_unsubscribed": "Stopped a kind of email",
    "email_choice_changed": "Changed which emails they get",
    "email_kind_switched": "Turned a kind of email on or off for everyone",
    "email_address_retried": "Email address tried again",
    "sign_in_failed": "Sign-in refused",
    "sign_in_locked": "Sign-in while locked out",
    "account_locked": "Account locked",
    "account_unlocked": "Account unlocked",
    "person_created": "Person added",
    "first_admin_created": "First admin created",
    "password_reset": "Password reset",
    "role_changed": "Role changed",
    "export": "Exported",
    "note_shared": "Note shared",
    "note_unshared": "Note made private",
    "roster_import": "Roster imported",
    "cohort_created": "Cohort created",
    "cohort_members_added": "Cohort members added",
    "cohort_member_removed": "Cohort member removed",
    "cohort_round_added": "Cohort round added",
    "person_erased": "Person erased",
}

# Coded values of other columns (roles, statuses, sign-in methods), by column.
VALUES: dict[str, dict[str, str]] = {
    "action": EVENTS,
    "role": {"supervisor": "Supervisor", "coach": "Coach", "hr": "HR", "admin": "Admin"},
    "status": {
        "open": "Open",
        "closed": "Closed",
        "upcoming": "Upcoming",
        "draft": "Draft",
        "submitted": "Submitted",
        # a development goal's status (coaching.plans)
        "active": "Active",
        "achieved": "Achieved",
        "dropped": "Dropped",
        # where a supervisor's assessment stands (coaching.teams.STATUS_ORDER)
        "Not assessed": "Not assessed",
        "Overdue": "Overdue",
        "In progress": "In progress",
        "Up to date": "Up to date",
    },
    "kind": {"csv": "CSV", "xlsx": "Excel", "html": "Report", "cohort": "Cohort"},
    "method": {"sso": "Single sign-on", "password": "Password"},
}

# Columns a person never reads: database ids and the small-group gate's own flag.
HIDDEN = re.compile(r"^(id|.*_id|suppressed|round_order|round_start)$")
_CODE = re.compile(r"^[a-z][a-z0-9]*(_[a-z0-9]+)*$")


def header(code: object) -> str:
    """The header a person reads for a column code; other labels stay as they are."""
    text = str(code)
    if text in HEADERS:
        return _(HEADERS[text])
    if _CODE.fullmatch(text):  # an unlisted code: its words, capitalised
        words = text.replace("_", " ")
        return _(words[0].upper() + words[1:])
    return _(text)


def event(code: str) -> str:
    """The name a person reads for an audit event code."""
    return _(EVENTS[code]) if code in EVENTS else header(code)


def role(code: str) -> str:
    """The name a person reads for a role code ("hr" -> "HR")."""
    return _(VALUES["role"][str(code)]) if str(code) in VALUES["role"] else header(code)


def is_empty(value: object) -> bool:
    """True for every spelling of nothing: None, NaN, NaT, pd.NA, an empty text."""
    if value is None or value is pd.NA or value is pd.NaT:
        return True
    if isinstance(value, float):
        return math.isnan(value)
    if isinstance(value, str):
        return not value.strip()
    try:
        return bool(pd.isna(value))
    except (TypeError, ValueError):
        return False


def cell(value: object, spec: str | None = None, column: str | None = None) -> str:
    """One value as a person reads it: numbers in the column's format spec ("+.1f"),
    dates as "4 Dec 2026", yes or no, coded values named, an empty value as EMPTY."""
    if is_empty(value):
        return EMPTY
    if isinstance(value, bool):
        return _(YES) if value else _(NO)
    if hasattr(value, "item") and not isinstance(value, str):  # numpy scalars
        value = value.item()
        if isinstance(value, bool):
            return _(YES) if value else _(NO)
    if isinstance(value, datetime):
        if spec:
            return i18n.strftime(value, spec)
        plain = value.hour == value.minute == value.second == 0
        return i18n.day(value) + ("" if plain else f" {value:%H:%M}")
    if isinstance(value, date):
        return i18n.strftime(value, spec) if spec else i18n.day(value)
    if isinstance(value, int | float):
        return i18n.formatted(value, spec or "")
    text = " ".join(str(value).splitlines())
    if column is not None and column in VALUES:
        named = VALUES[column].get(text)
        return text if named is None else _(named)
    # A skill's name or definition in the reader's language (issue 25; leadcoach.platform.i18n).
    return i18n.questionnaire_text(text)


def detail(text: str) -> str:
    """An audit event's detail (JSON of name and value) as "Method: Single sign-on; ..."."""
    try:
        fields = json.loads(text) if text else {}
    except ValueError:
        return text
    if not isinstance(fields, dict):
        return text
    return (
        "; ".join(f"{header(key)}: {cell(value, column=key)}" for key, value in fields.items())
        or EMPTY
    )


def _kept_numbers(column: pd.Series, spec: str | None) -> list[float | int] | None:
    """The column's numbers, rounded as a plain ".Nf" spec says; None when the column is not
    all numbers or its format needs text (a sign, a percent)."""
    numeric = pd.api.types.is_numeric_dtype(column) and not pd.api.types.is_bool_dtype(column)
    if not numeric or column.isna().any():
        return None
    if spec is None:
        return column.tolist()
    places = re.fullmatch(r"\.(\d)f", spec)
    if places is None:
        return None
    digits = int(places.group(1))
    return [round(float(v), digits or None) for v in column.tolist()]


def shown_columns(frame: pd.DataFrame) -> list[str]:
    """The columns a person reads: all but ids and the small-group flag."""
    return [column for column in frame.columns if not HIDDEN.match(str(column))]


def people_frame(
    frame: pd.DataFrame,
    labels: Mapping[str, str] | None = None,
    formats: Mapping[str, str] | None = None,
    *,
    keep_numbers: bool = False,
) -> pd.DataFrame:
    """The frame as a person reads it, as text: the `labels` columns (default: all but
    ids) under their headers, every value through `cell`, and in rows the small-group gate
    hid (a true `suppressed`), the empty figures as SUPPRESSED. With `keep_numbers`, a
    number column with no empty value stays numbers (rounded as its plain ".Nf" format
    says), so a data grid aligns and sorts it as numbers."""
    labels = (
        dict(labels)
        if labels is not None
        else {column: header(column) for column in shown_columns(frame)}
    )
    formats = formats or {}
    hidden = (
        frame["suppressed"].fillna(False).astype(bool).tolist()
        if "suppressed" in frame.columns
        else [False] * len(frame)
    )
    shown = {}
    for column, label in labels.items():
        spec = formats.get(column)
        kept = _kept_numbers(frame[column], spec) if keep_numbers else None
        if kept is not None:
            shown[header(label)] = kept
            continue
        values = [
            detail(value) if column == "detail" and isinstance(value, str) else
            cell(value, spec, column)
            for value in frame[column].tolist()
        ]  # fmt: skip
        if any(hidden) and column != "skill":
            values = [
                _(SUPPRESSED) if gated and text == EMPTY else text
                for text, gated in zip(values, hidden, strict=True)
            ]
        shown[header(label)] = values
    return pd.DataFrame(shown, index=range(len(frame)), columns=list(shown))


# --- KPIs and work plans (issue 23) ---------------------------------------------------------
HEADERS.update(
    {
        "measure": "Measure",
        "period": "Month",
        "value": "Value",
        "target": "Plan target",
        "unit": "Unit",
        "better": "Better when",
        "centre": "Usual level",
        "lower": "Lower limit of usual variation",
        "upper": "Upper limit of usual variation",
        "signal": "Beyond usual variation",
        "months": "Months",
        "starts_on": "From",
        "ends_on": "To",
        "cohort_change": "Change, cohort's teams",
        "comparison_change": "Change, comparison teams",
        "n_cohort_teams": "Cohort's teams",
        "n_comparison_teams": "Comparison teams",
        "direction": "Cohort's teams did",
        "r": "Correlation (r)",
        "n_teams": "Teams",
        "valid_from": "Valid from",
        "valid_to": "Valid to",
        "combine": "Teams combine as",
    }
)
EVENTS.update(
    {
        "kpi_import": "KPI values imported",
        "kpi_period_replaced": "A month's KPI values replaced",
        "kpi_measure_added": "KPI measure added",
        # issue 22: 360 feedback rounds
        "feedback_round_started": "360 feedback round started",
        "feedback_rounds_started": "360 feedback rounds started for a cohort",
        "feedback_round_approved": "360 raters approved",
        "feedback_round_closed": "360 feedback round closed",
        "rater_code_reissued": "Rater's one-time code issued again",
    }
)
VALUES["status"].update({"met": "Met", "not_met": "Not met yet", "no_data": "No data yet"})
VALUES["direction"] = {"better": "Better", "worse": "Worse"}
VALUES["better"] = {"higher": "Higher", "lower": "Lower"}
VALUES["unit"] = {"seconds": "seconds", "percent": "percent", "count": "count", "score": "score"}
VALUES["group"] = {"cohort": "The cohort's teams", "comparison": "Comparison teams"}
VALUES["combine"] = {
    "weighted_mean": "Mean weighted by contacts",
    "sum": "Sum",
    "rate": "Rate weighted by its base",
}


# --- issue 24: reports people keep (PDF reports, workbooks, ZIP of reports) ---------------
# The words of the PDF reports and the workbook, kept here so the languages issue
# translates them with everything else. `{name}`-style fields are filled by the report.
VALUES["kind"].update(
    {
        "person_pdf": "Personal report (PDF)",
        "cohort_pdf": "Cohort report (PDF)",
        "cohort_xlsx": "Cohort workbook (Excel)",
        "reports_zip": "Every member's report (ZIP)",
    }
)
HEADERS.update(
    {
        "statement": "Statement",
        "answer": "Your answer",
        "norm_percentile": "Percentile",
        "percentile_range": "Likely percentile range",
        "effect": "Size",
        "rate": "Completion",
        "interval": "95% CI",
        "target_date": "Target date",
        "progress": "Progress",
        "goal": "Goal",
        "goal_measure": "Progress shows as",
        "setting": "Setting",
        "value": "Value",
        "topic": "Topic",
        "figure": "Figure",
        "key": "Key",  # a KPI measure's key, as a KPI file names it (issue 23)
    }
)
# "95% c..." would read as a %-format directive to gettext tools (msgfmt -c and
# `pybabel compile` then refuse the translations), so a percentage is followed by punctuation.
REPORT: dict[str, str] = {
    "confidential": "Confidential",
    "person_title": "Leadership skills report",
    "person_footer": "{name} · Confidential: for {name} and their coach",
    "page": "Page",
    "of": "of",
    "prepared_for": "Prepared for",
    "assessed_on": "Self-assessment submitted on",
    "generated_on": "Report made on",
    "instrument": "Questionnaire",
    "team": "Team",
    "assessment_number": "Assessment {number} of {total}",
    "how_to_read": "How to read this report",
    "how_to_read_text": (
        "You rated how often you showed 72 concrete behaviours over the last three months. "
        "Each of the twelve skills is scored from 0 to 100 from its statements. No "
        "questionnaire measures exactly: the likely range around each score holds your true "
        "score with a confidence of 90%. The percentile says what share of others in the "
        "comparison group scored lower. A change since last time counts as real only when "
        "it is larger than the skill's measurement noise; smaller changes may be chance. "
        "These are your own ratings: read them as a starting point for a conversation with "
        "your coach, not as a verdict."
    ),
    "profile": "Your twelve-skill profile",
    "profile_chart_note": (
        "Bars show each score; the thin line is its likely range (90%); a tick marks the "
        "previous assessment. The same figures are in the table below."
    ),
    "overall_index": "Overall index",
    "situational": "Situational judgement",
    "insufficient": "Insufficient data",
    "not_applicable": "Does not apply",
    "insufficient_note": (
        "{skill}: insufficient data ({answered} of {applicable} statements answered; two "
        "thirds are needed for a score)."
    ),
    "norms": "Compared with others",
    "norms_note": (
        "Percentile: the share of {group} ({size} people, latest assessment each) scoring "
        "lower, ties counted half. The likely range is the percentile of each end of the "
        "score's likely range."
    ),
    "norms_provisional": "Provisional: norms are stable from {minimum} people on.",
    "strengths": "Strengths",
    "develop": "Development areas",
    "tied": "Tied at {score}: {names}",
    "all_level": "No skill scores lower than the others: they are all level.",
    "tips": "Coaching suggestions",
    "behaviours_high": "Behaviours you rated highest",
    "behaviours_low": "Behaviours you rated lowest",
    "behaviours_note": (
        "From your latest assessment. Statements marked (reversed) describe something to do "
        "less often: answering rarely counts in your favour, and they are ordered that way."
    ),
    "reversed": "(reversed)",
    "scenarios": "Situational judgement",
    "scenarios_text": (
        "How closely your ratings of {count} workplace situations matched the key, from 0 "
        "to 100: {score}. The key is provisional until a panel of experienced contact-centre "
        "managers has rated the options; read it beside, not instead of, the self-ratings."
    ),
    "scenarios_none": "No situations were answered in this assessment.",
    "change": "Change since your previous assessment",
    "change_first": "This is your first assessment: change appears from the second one on.",
    "change_note": (
        "A change is real when it is larger than the skill's measurement noise (Jacobson-"
        "Truax reliable change, 95%). Smaller changes may be chance."
    ),
    "plan": "Development plan",
    "plan_none": "No development goals yet. Agree one to three focus skills with your coach.",
    "check_ins": "Check-ins",
    "no_check_ins": "No check-ins yet.",
    "actions": "Actions",
    "action_done": "done",
    "action_open": "to do",
    "coach_comments": "Coach comments",
    "others_view": "How others see you",
    "no_results": "{name} has not submitted a self-assessment yet.",
    # The team's numbers (issue 23)
    "team_numbers": "Your team's numbers",
    "team_numbers_note": "The latest month of each of {team}'s measures, the same month a "
    "year earlier, and the target of the work plan that covers the latest month.",
    "year_earlier": "A year earlier",
    # The cohort report
    "cohort_title": "Cohort report",
    "cohort_footer": "{cohort} · Confidential: for HR and the programme's sponsors",
    "summary": "The cohort in one minute",
    "completion": "Completion",
    "completion_line": "{round}: {submitted} of {members} submitted ({rate})",
    "changed": "Skills that changed beyond chance",
    "changed_none": (
        "No skill changed beyond chance from {baseline} to {latest} (Holm-corrected, 5%)."
    ),
    "changed_line": "{skill}: {change} points, a {effect} effect (dz {dz})",
    "no_change_yet": "Change appears once a second round has scores.",
    "people_real": "People with a real change",
    "people_real_line": "{skill}: {gains} real gains, {drops} real drops of {n} people",
    "next_steps": "What to do next",
    "next_chase": "Chase the {missing} missing submissions of {round} before it closes.",
    "next_develop": (
        "Focus the next coaching sessions on {skills}: the lowest cohort scores at {round}."
    ),
    "next_keep": "Keep the reassessment rhythm: the next round shows whether gains hold.",
    "forest": "Change per skill with its confidence interval (95%)",
    "forest_note": (
        "Each dot is the mean change from {baseline} to {latest} among the people who took "
        "both; the line is its confidence interval (95%). Dark dots: a real change after the "
        "Holm correction. Skills with fewer than {minimum} people are not shown."
    ),
    "change_table": "Change per skill",
    "distribution": "Scores at each round",
    "distribution_note": (
        "Spread of skill scores per round. Rounds with fewer than {minimum} people say so "
        "instead of showing figures."
    ),
    "breakdowns": "Breakdowns by {by} at {round}",
    "breakdown_hidden": (
        "Not shown, to protect individuals (fewer than {minimum} people, or a small group "
        "could be worked out): {groups}."
    ),
    "method": "Method, in plain words",
    "method_paired": (
        "Paired change: each person's change is their latest score minus their baseline "
        "score, so only people with both count; the mean change has a confidence "
        "interval (95%) from the t distribution (Student, 1908)."
    ),
    "method_effect": (
        "Effect size dz: the mean change divided by the spread of the changes (Cohen, 1988: "
        "0.2 small, 0.5 medium, 0.8 large), with its interval (95%) from the noncentral t "
        "distribution (Algina and Keselman, 2003)."
    ),
    "method_holm": (
        "Holm correction: twelve skills tested at once would give false alarms by chance; "
        "Holm's step-down method (Holm, 1979) keeps the chance of any false alarm at 5%."
    ),
    "method_reliable": (
        "Reliable change: one person's change is real when larger than 1.96 x sqrt(2) "
        "standard errors of measurement of the skill (Jacobson and Truax, 1991), from the "
        "skill's reliability (Cronbach's alpha) and the spread of scores."
    ),
    "method_small": (
        "Small groups: no figure rests on fewer than {minimum} people, so no one can be "
        "singled out through an average; such cells say \u201cNot enough people\u201d."
    ),
    "effect_negligible": "negligible",
    "effect_small": "small",
    "effect_medium": "medium",
    "effect_large": "large",
    "up": "up",
    "down": "down",
    # The workbook
    "sheet_summary": "Summary",
    "sheet_scores": "Scores",
    "sheet_change": "Change per skill",
    "sheet_distribution": "Scores at each round",
    "sheet_completion": "Completion",
    "sheet_notes": "Notes",
    "minimum_group": "Smallest group shown",
    "alpha": "False-alarm rate (Holm, family-wise)",
    "cohort": "Cohort",
    "rounds_compared": "Rounds compared",
    "batch_progress": "Making report {done} of {total}",
}


# --- multi-rater (360) feedback reports, issue 22 (h-360-report) ---
HEADERS.update(
    {
        "raters": "Raters",
        "agreement": "Agreement within the group",
        "self": "Self",
        "others": "All others",
        "reading": "What it shows",
        "statement": "Statement",
        "question": "Question",
        "self_mean": "Self (average)",
        "others_mean": "Others (average)",
        "correlation": "Self-others correlation",
        "above": "Clearly above others",
        "level": "In line with others",
        "below": "Clearly below others",
        "campaign": "Feedback round",
    }
)
# The KPI block above names the cohort and comparison groups in the same column.
VALUES["group"] |= {
    "self": "Self",
    "manager": "Manager",
    "peer": "Peers",
    "direct_report": "Direct reports",
    "counterpart": "Client or vendor contacts",
    "others": "All others",
}
VALUES["question"] = {
    "keep_doing": "What should this supervisor keep doing?",
    "do_differently": "What should this supervisor do differently?",
}
# --- issue 25 (languages, h-dif): a language as an English reader names it; DIF levels ---
LANGUAGES: dict[str, str] = {"en": "English", "ar": "Arabic", "es": "Spanish", "fr": "French"}
DIF_LEVELS: dict[str, str] = {"negligible": "Negligible", "moderate": "Moderate", "large": "Large"}
# Issue 25: a person's language is stored as its code (leadcoach.platform.languages) and
# reads as the language's own name.
VALUES["language"] = dict(SUPPORTED)
# What a person's change means (leadcoach.measurement.reliability.describe_change's words).
MEANINGS = {
    "real gain": "real gain",
    "real drop": "real drop",
    "within noise": "within noise",
    "cannot be judged yet": "cannot be judged yet",
}
VALUES["meaning"] = MEANINGS
# The 360 report's readings and verdicts (leadcoach.measurement.multirater's words).
VALUES["verdict"] = MEANINGS
VALUES["reading"] = {
    "blind spot": "blind spot",
    "hidden strength": "hidden strength",
    "in agreement": "in agreement",
    "cannot be judged yet": "cannot be judged yet",
}


# --- issue 23: the cohort review's KPI section ("did the programme help the teams?"), on the
# page and in reports (leadcoach.reporting.kpi_section) ---
REPORT.update(
    {
        "kpi_title": "Did the programme help the teams?",
        "kpi_summary": "Change in each measure from before the programme ({before_from} to "
        "{before_to}) to after it ({after_from} to {after_to}), for the teams of the cohort's "
        "supervisors and for teams whose supervisors were not in a programme over the same "
        "months, and the difference between the two (difference in differences) with its "
        "confidence interval (95%). Measures with fewer than {minimum} teams on either side "
        "are not shown.",
        "kpi_note_partial": "Only {months} of the {total} months after the programme have "
        "passed; the figures will change as more months arrive.",
        "kpi_empty_no_after": "The cohort started less than four months ago, so there is no "
        "'after' yet: the figures appear from the programme's fourth month on, once that "
        "month's team numbers are imported.",
        "kpi_empty_no_values": "No team has team numbers for enough months yet: a team needs "
        "at least {months} of the {before} months before the programme's start and one month "
        "from its fourth month on. HR imports them on the Import team KPIs page.",
        "kpi_empty_small": "Every measure has fewer than {minimum} teams on one side, so no "
        "figure is shown: a figure over so few teams could point to one team and its "
        "supervisor.",
        "kpi_interval": "{low} to {high}",
        "kpi_associations": "Skill change and team change, across the cohort's supervisors",
        "kpi_associations_note": "The correlation between each supervisor's change in a skill "
        "(baseline to latest round) and their team's change in a measure, with its confidence "
        "interval (95%) and the number of supervisors, the strongest first. An association, not a "
        "cause: with few supervisors the intervals are wide and most include zero. Pairs with "
        "fewer than {minimum} supervisors are not shown.",
        "kpi_associations_none": "Not enough supervisors with both rounds and team numbers "
        "(at least {minimum}).",
    }
)


# --- issue 25 (h-vocab): the report words in the reader's language ---
def report_words() -> dict[str, str]:
    """REPORT's texts through the catalog of the language in use now (the extractor reads
    REPORT, so each has a translation); `{fields}` are filled after this by the report."""
    return {key: _(text) for key, text in REPORT.items()}


def header_words() -> dict[str, str]:
    """HEADERS' texts through the catalog of the language in use now, for the report
    templates' own column headings (`{{ h.skill }}`)."""
    return {key: _(text) for key, text in HEADERS.items()}


# --- issue 24 (h-reports): the person's report in any language, and its others' view ---
REPORT.update(
    {
        "instrument_version": "{title}, version {version}",
        "others_round": "{round}, closed on {date}",
        "others_round_unnamed": "Feedback round",
        "others_none": (
            "No feedback round has closed yet. Others' ratings appear in this report once a "
            "round closes, so that no one's answers can be picked out as they come in."
        ),
        "others_nothing": "Nothing can be shown from this round: too few people answered.",
        "others_rule": (
            "Others' scores are shown only for groups where at least {minimum} people "
            "answered enough of a skill's statements; your manager's are shown as your "
            "manager's. Smaller groups are left out everywhere, also from all others, and "
            "comments are shown in random order, never with a name."
        ),
        "others_responses": "People who answered",
        "others_response_line": "{group}: {count}",
        "others_hidden": "Too few answers to show: {groups}.",
        "others_chart_note": (
            "Each mark is a group's average score from 0 to 100; the same figures are in "
            "the table below."
        ),
        "blind_spots": "Blind spots: you rate yourself clearly above others",
        "hidden_strengths": "Hidden strengths: others rate you clearly above yourself",
        "others_reading_line": "{skill} (compared with {groups})",
        "none_found": "No skill.",
        "others_clearly": (
            "Clearly means by more than measurement noise explains: 1.96 standard errors of "
            "the difference, from the skill's reliability and how many people answered "
            "(Jacobson and Truax, 1991)."
        ),
        "others_high": "Behaviours others rated highest",
        "others_low": "Behaviours others rated lowest",
        "others_average": "Average (1 to 5)",
        "others_change": "Change in others' ratings since the previous round",
        "others_comments": "Comments",
    }
)
# The cohort report and workbook: an interval, and where a change threshold comes from.
REPORT.update(
    {
        "interval": "{low}\u00a0to\u00a0{high}",
        "threshold_note": (
            "±{points} points, from a reliability of {reliability} ({people} people, on {date})"
        ),
        "threshold_provisional": "Change cannot be judged yet: {reason}",
    }
)
HEADERS.update({"not_submitted": "Not submitted"})


# --- issue 25: skills named in the reader's language wherever data is drawn -----------------
def in_language(value):
    """The value with every skill named (and defined) in the current language: texts, and
    the texts inside lists, tuples, dicts and frames (cells, column and index labels), as
    leadcoach.platform.i18n.questionnaire_text gives them; anything else as it is. For data
    a chart or a file is drawn from: the core's frames carry the source's names. A frame
    with nothing to rename is returned as it is (the same object, the same Arrow data)."""
    if not i18n.has_questionnaire_texts():  # English, or no translation
        return value
    if isinstance(value, str):
        return i18n.questionnaire_text(value)
    if isinstance(value, pd.DataFrame):
        return _frame_in_language(value)
    if isinstance(value, pd.Series):
        renamed = value.map(_renamed) if value.dtype == object else value
        return value if renamed.equals(value) else renamed
    if isinstance(value, list | tuple):
        return type(value)(in_language(v) for v in value)
    if isinstance(value, dict):
        return {in_language(k): in_language(v) for k, v in value.items()}
    return value


def _frame_in_language(frame: pd.DataFrame) -> pd.DataFrame:
    changed = {}
    for position in range(frame.shape[1]):
        series = frame.iloc[:, position]
        if isinstance(series.dtype, pd.CategoricalDtype):  # an order kept as categories
            categories = list(series.cat.categories)
            if any(_renamed(c) != c for c in categories):
                changed[position] = series.cat.rename_categories(_renamed)
        elif series.dtype == object or pd.api.types.is_string_dtype(series):
            renamed = series.map(_renamed)
            if not renamed.equals(series):
                changed[position] = renamed
    labels = [_renamed(c) for c in frame.columns]
    index_changes = frame.index.dtype == object and any(_renamed(i) != i for i in frame.index)
    if not changed and labels == list(frame.columns) and not index_changes:
        return frame
    result = frame.copy()
    for position, series in changed.items():
        result.isetitem(position, series)
    result.columns = labels
    if index_changes:
        result.index = frame.index.map(_renamed)
    return result


def _renamed(value):
    return i18n.questionnaire_text(value) if isinstance(value, str) else value
