"""A supervisor's own report as a PDF: the one they take to a coaching session.

Cover (person, date, questionnaire version), how to read it, the twelve-skill profile
with its measurement bands, percentiles in the norm group, strengths and development areas
with coaching suggestions, the behaviours rated highest and lowest, the situational
judgement, change since the previous assessment (real or within noise), and the
development plan's goals and check-ins. Every figure comes from the same core functions as
the Results page (assessment.results, measurement.reliability and norms, coaching.plans);
nothing is recomputed here. Access: `Action.DOWNLOAD_REPORT` (the person, their coach,
HR and admins); each download is written to the audit log.

The others' view (multi-rater, issue 22) is the core 360 report of the person's latest
closed feedback round (`programmes.feedback_reports.supervisor_report`), whose every figure
and comment has passed the one 360 gate (`measurement.multirater.cells`); this module only
names and lays it out. It is in the report only for a reader who may read that 360 report
(the person and their coach: `Action.READ_FEEDBACK_REPORT`); HR and admins, who see cohort
aggregates only, get the report without it.

Language (issue 25): a person's report is written in the person's own language (their
profile's), right to left in Arabic, with the questionnaire's texts in that language where
translated (`instrument.translations`) and numbers and dates as the language writes them
(Babel, through `platform.i18n`).
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Any

import pandas as pd
from sqlmodel import Session, select

from leadcoach.assessment import results
from leadcoach.coaching import plans
from leadcoach.instrument import bank, translations
from leadcoach.measurement import multirater as mr
from leadcoach.measurement import norms, reliability
from leadcoach.people import audit
from leadcoach.people.access import Action, Viewer, allowed, person_for
from leadcoach.platform import i18n
from leadcoach.platform.config import Settings
from leadcoach.platform.errors import AccessDenied
from leadcoach.platform.languages import SOURCE, code_for
from leadcoach.platform.models import Answer, Person, Submission, Team
from leadcoach.programmes import feedback_reports, kpi_views
from leadcoach.reporting import pdf, svg, vocabulary

BEHAVIOURS_SHOWN = 5  # highest and lowest rated statements listed (each)


@dataclass(frozen=True)
class Inputs:
    """What every person's report needs besides the person: computed once per download or
    per ZIP (the thresholds and the norm sample cost ~0.3 s at 10,000 supervisors)."""

    instrument: bank.Instrument
    tips: dict[str, tuple[bank.Tip, ...]]
    thresholds: dict[str, reliability.ChangeThreshold]
    norm_sample: norms.NormSample
    min_norm_group: int
    min_group: int
    min_raters: int = 3  # Settings.min_raters: the 360 gate's smallest group
    # language -> the questionnaire's translation (skill names, statements, tips)
    translations: Mapping[str, translations.Translation] = field(default_factory=dict)
    _shown: dict = field(default_factory=dict, compare=False, repr=False)

    def shown_in(self, language: str) -> tuple[bank.Instrument, dict[str, tuple[bank.Tip, ...]]]:
        """The instrument and tips with their texts in `language` (English where a text is
        not translated), made once per language: a ZIP of 250 reports translates once."""
        if language not in self._shown:
            self._shown[language] = (
                translations.translate(self.instrument, language, self.translations),
                translations.translate_tips(
                    self.tips, self.instrument, language, self.translations
                ),
            )
        return self._shown[language]


def inputs(
    *, session: Session, settings: Settings, instrument: bank.Instrument | None = None
) -> Inputs:
    """The report inputs straight from the database and settings (the command line and
    the batch); the app passes its cached ones instead."""
    instrument = instrument or bank.load_bank(settings.assessments_dir).current(
        settings.instrument_id
    )
    tips = bank.load_tips(settings.assessments_dir / bank.TIPS_FILE)
    alphas = reliability.current(
        session=session,
        instrument=instrument,
        floor=settings.min_reliability,
        min_ratings=settings.min_quality_sample,
    )
    return Inputs(
        instrument=instrument,
        tips=tips,
        thresholds=reliability.change_thresholds(
            session=session, instrument=instrument, reliabilities=alphas
        ),
        norm_sample=norms.NormSample(norms.norm_scores(session, instrument)),
        min_norm_group=settings.min_norm_group,
        min_group=settings.min_group_size,
        min_raters=settings.min_raters,
        translations=translations.load_for_showing(settings.assessments_dir, instrument),
    )


@dataclass(frozen=True)
class OthersView:
    """The multi-rater section (issue 22) as text and SVG for the template: self against
    each shown rater group, blind spots, hidden strengths, the behaviours others rated
    highest and lowest, change since the previous round and comments, all from the core's
    report, which the 360 gate has already cut to what may be shown."""

    message: str = ""  # said instead of the figures: no closed round, or nothing to show
    round: str = ""
    rule: str = ""
    responses: list[str] = field(default_factory=list)
    hidden: str = ""
    legend: list[tuple[str, str]] = field(default_factory=list)  # (mark SVG, group name)
    chart: str = ""
    table: dict[str, Any] | None = None
    blind_spots: list[str] = field(default_factory=list)
    hidden_strengths: list[str] = field(default_factory=list)
    highest: list[dict[str, str]] = field(default_factory=list)
    lowest: list[dict[str, str]] = field(default_factory=list)
    change: dict[str, Any] | None = None
    comments: list[tuple[str, list[str]]] = field(default_factory=list)


def _group(code: str) -> str:
    return vocabulary.cell(code, column="group")


def others_view(
    *,
    session: Session,
    viewer: Viewer,
    person_id: int,
    inputs: Inputs,
    instrument: bank.Instrument | None = None,
) -> OthersView | None:
    """The person's latest closed 360 round as the report's section, or None when the
    viewer may not read that person's 360 report (HR and admins: cohort aggregates only).
    With no closed round, a section that says so. `instrument`: the one whose texts (skill
    names, statements) the report shows, the source one by default."""
    person = person_for(
        session=session, viewer=viewer, action=Action.DOWNLOAD_REPORT, person_id=person_id
    )
    if not allowed(viewer, Action.READ_FEEDBACK_REPORT, person):
        return None
    words = vocabulary.report_words()
    rounds = feedback_reports.closed_rounds(session=session, viewer=viewer, supervisor_id=person_id)
    if rounds.empty:
        return OthersView(message=words["others_none"])
    result = feedback_reports.supervisor_report(
        session=session, viewer=viewer, supervisor_id=person_id,
        instrument=instrument or inputs.instrument, thresholds=inputs.thresholds,
        min_raters=inputs.min_raters, round_id=int(rounds["round_id"].iloc[-1]),
    )  # fmt: skip
    latest = rounds.iloc[-1]
    heading = words["others_round"].format(
        round=latest["campaign"] or words["others_round_unnamed"],
        date=i18n.day(latest["closes_on"], month="MMMM"),
    )
    rule = words["others_rule"].format(minimum=result.min_raters)
    hidden = (
        words["others_hidden"].format(groups=", ".join(_group(g) for g in result.hidden_groups))
        if result.hidden_groups
        else ""
    )
    if result.skills.empty:
        return OthersView(message=words["others_nothing"], round=heading, rule=rule, hidden=hidden)
    # The groups shown on at least one skill, self first and all others last (GROUP_ORDER).
    groups = sorted(set(result.skills["group"]), key=mr.GROUP_ORDER.get)
    scores = result.skills.pivot_table(
        index="skill_id", columns="group", values="score", aggfunc="first"
    )
    names = dict(zip(result.skills["skill_id"], result.skills["skill"], strict=False))
    order = [s.id for s in (instrument or inputs.instrument).skills if s.id in scores.index]
    rows = []
    for skill_id in order:
        line = scores.loc[skill_id]
        rows.append([names[skill_id], *[_fmt(line.get(g, math.nan)) for g in groups]])
    so = result.self_other
    return OthersView(
        round=heading,
        rule=rule,
        responses=[
            words["others_response_line"].format(
                group=_group(row.group), count=i18n.formatted(row.raters, ".0f")
            )
            for row in result.responses.itertuples()
        ],
        hidden=hidden,
        legend=[(svg.legend_mark(i), _group(g)) for i, g in enumerate(groups)],
        chart=svg.dots(
            [
                svg.Dots(
                    names[skill_id],
                    tuple(_float(scores.loc[skill_id].get(g, math.nan)) for g in groups),
                )
                for skill_id in order
            ]
        ),
        table={
            "headers": [vocabulary.header("skill"), *[_group(g) for g in groups]],
            "rows": rows,
            "numeric": [False, *[True] * len(groups)],
        },
        blind_spots=_readings(so, mr.BLIND_SPOT, order),
        hidden_strengths=_readings(so, mr.HIDDEN_STRENGTH, order),
        highest=[_rated(row) for row in result.highest.itertuples()],
        lowest=[_rated(row) for row in result.lowest.itertuples()],
        change=None
        if result.change.empty
        else {
            "headers": [
                vocabulary.header(c)
                for c in ("skill", "group", "previous", "score", "change", "meaning")
            ],
            "rows": [
                [
                    row.skill,
                    _group(row.group),
                    _fmt(row.previous),
                    _fmt(row.score),
                    _fmt(row.change, "+.0f"),
                    vocabulary.cell(row.verdict, column="meaning"),
                ]
                for row in result.change.itertuples()
            ],
            "numeric": [False, False, True, True, True, False],
        },
        comments=[
            # Each comment keeps its own direction inside the report's (an English comment
            # in an Arabic report): Unicode isolates (UAX #9), as everywhere in the app.
            (vocabulary.cell(question, column="question"), [i18n.isolate(t) for t in rows["text"]])
            for question, rows in result.comments.groupby("question", sort=False)
        ],
    )


def _readings(self_other: pd.DataFrame, reading: str, order: list[str]) -> list[str]:
    """Skills read as `reading` against some group: "Skill (compared with Peers, ...)"."""
    found = self_other[self_other["reading"] == reading]
    words = vocabulary.report_words()
    lines = []
    for skill_id in order:
        mine = found[found["skill_id"] == skill_id]
        if not mine.empty:
            lines.append(
                words["others_reading_line"].format(
                    skill=mine["skill"].iloc[0],
                    groups=", ".join(_group(g) for g in mine["group"]),
                )
            )
    return lines


def _rated(row) -> dict[str, str]:
    return {"statement": row.statement, "skill": row.skill, "mean": _fmt(row.mean, ".1f")}


def _fmt(value: Any, spec: str = ".0f") -> str:
    return vocabulary.cell(value, spec)


def _band(low: float, high: float) -> str:
    if pd.isna(low) or pd.isna(high):
        return vocabulary.EMPTY
    return f"{i18n.number(low, 0)}\u2013{i18n.number(high, 0)}"


def _previous_answered(scores: pd.DataFrame) -> dict[str, int]:
    order = scores.drop_duplicates("submission_id")["submission_id"].tolist()
    if len(order) < 2:
        return {}
    previous = scores[scores["submission_id"] == order[-2]]
    return {
        row.skill_id: int(row.answered)
        for row in previous.itertuples()
        if not pd.isna(row.answered)
    }


def _behaviours(session: Session, submission_id: int, instrument: bank.Instrument):
    """The latest submission's answered statements, keyed (reverse-scored ones as 6 - x),
    highest first: (skill, statement, answer label, reversed, keyed value)."""
    draft_id = session.get(Submission, submission_id).draft_id
    answers = session.exec(
        select(Answer.item_id, Answer.value).where(
            Answer.draft_id == draft_id, Answer.option_id == ""
        )
    ).all()
    labels = {point.value: point.label for point in instrument.scale.points}
    top = max(labels)
    items = {item.id: (skill, item) for skill in instrument.skills for item in skill.items}
    rows = []
    for item_id, value in answers:
        if value is None or item_id not in items:
            continue
        skill, item = items[item_id]
        keyed = (top + 1 - value) if item.reverse else value
        rows.append((skill.name, item.text, labels.get(value, str(value)), item.reverse, keyed))
    rows.sort(key=lambda row: -row[4])
    return rows


def report_values(
    *, session: Session, viewer: Viewer, person_id: int, inputs: Inputs, today: date | None = None
) -> dict[str, Any]:
    """Everything the person's report shows, as text and SVG ready for its template, in
    the language in use (`page` sets the person's own)."""
    person: Person = person_for(
        session=session, viewer=viewer, action=Action.DOWNLOAD_REPORT, person_id=person_id
    )
    # Names and statements in the report's language; scores, keys and thresholds are the
    # source instrument's (a translation changes texts only).
    instrument, tips = inputs.shown_in(i18n.current())
    words = vocabulary.report_words()
    today = today or datetime.now(UTC).date()
    team = session.get(Team, person.team_id) if person.team_id else None
    scores = results.person_scores(session=session, viewer=viewer, person_id=person_id)
    submissions = results.person_submissions(session=session, viewer=viewer, person_id=person_id)
    values: dict[str, Any] = {
        "t": words,
        "h": vocabulary.header_words(),
        "name": person.name,
        "footer": words["person_footer"].format(name=i18n.isolate(person.name)),
        "team": team.name if team else vocabulary.EMPTY,
        "instrument": words["instrument_version"].format(
            title=instrument.title, version=instrument.version
        ),
        "generated": i18n.day(today, month="MMMM"),
        "empty": submissions.empty,
        "no_results": words["no_results"].format(name=i18n.isolate(person.name)),
        "others": others_view(
            session=session,
            viewer=viewer,
            person_id=person_id,
            inputs=inputs,
            instrument=instrument,
        ),
    }
    goals = plans.plan(session=session, viewer=viewer, person_id=person_id, instrument=instrument)
    values["goals"] = [_goal(goal) for goal in goals]
    values["team_numbers"] = _team_numbers(
        session=session, viewer=viewer, person_id=person_id, instrument=instrument
    )
    if submissions.empty:
        return values

    latest = submissions.iloc[-1]
    profile = results.profile(scores, instrument)
    profile = reliability.judged_profile(profile, inputs.thresholds, _previous_answered(scores))
    norm = norms.norm_percentiles(
        session=session,
        viewer=viewer,
        person_id=person_id,
        instrument=inputs.instrument,
        group="organisation",
        min_norm_group=inputs.min_norm_group,
        everyone=inputs.norm_sample,
        bands={
            row.skill_id: (row.band_low, row.band_high)
            for row in profile.itertuples()
            if not pd.isna(row.band_low)
        },
    )
    percentiles = norm.table.set_index("skill_id")
    compared = len(submissions) > 1
    rows = []
    # All twelve skills: one that does not apply to the person (no score at all) says so.
    scored = set(profile["skill_id"])
    missing = [
        {"skill_id": s.id, "skill": s.name, "applies": False}
        for s in instrument.skills
        if s.id not in scored
    ]
    profile = (
        pd.concat([profile.assign(applies=True), pd.DataFrame(missing)], ignore_index=True)
        if missing
        else profile.assign(applies=True)
    )
    order = {s.id: i for i, s in enumerate(instrument.skills)}
    profile = profile.sort_values("skill_id", key=lambda ids: ids.map(order)).reset_index(drop=True)
    for row in profile.itertuples():
        pct = percentiles.loc[row.skill_id] if row.skill_id in percentiles.index else None
        rows.append(
            {
                "skill": row.skill,
                "score": words["not_applicable"]
                if not row.applies
                else words["insufficient"]
                if pd.isna(row.score)
                else _fmt(row.score),
                "band": _band(row.band_low, row.band_high),
                "percentile": _fmt(None if pct is None else pct["percentile"]),
                "percentile_range": vocabulary.EMPTY
                if pct is None
                else _band(pct["percentile_low"], pct["percentile_high"]),
                "previous": _fmt(row.previous),
                "change": _fmt(row.change, "+.0f"),
                "meaning": row.meaning
                if isinstance(row.meaning, str) and row.meaning
                else vocabulary.EMPTY,
            }
        )
    values["profile"] = rows
    values["profile_svg"] = svg.profile(
        [
            svg.Bar(
                row.skill,
                _float(row.score),
                _float(row.band_low),
                _float(row.band_high),
                _float(row.previous),
            )
            for row in profile.itertuples()
        ]
    )
    values["insufficient"] = [
        words["insufficient_note"].format(
            skill=row.skill, answered=row.answered, applicable=row.applicable
        )
        for row in profile[profile["score"].isna() & profile["applies"]].itertuples()
    ]
    values["norm_note"] = words["norms_note"].format(
        group=norm.group_label, size=norm.group_size
    ) + (
        " " + words["norms_provisional"].format(minimum=inputs.min_norm_group)
        if norm.provisional
        else ""
    )
    strongest, develop = results.strengths_and_development(profile[profile["applies"]])
    values["strengths"] = _skill_list(strongest)
    values["develop"] = _skill_list(develop)
    values["tips"] = [
        {
            "skill": row.skill,
            "definition": instrument.skill(row.skill_id).definition,
            "tips": [f"{tip.title}. {tip.action}" for tip in tips.get(row.skill_id, ())][:3],
        }
        for row in develop.itertuples()
    ]
    behaviours = _behaviours(session, int(latest["submission_id"]), instrument)
    high = behaviours[:BEHAVIOURS_SHOWN]
    low = (
        list(reversed(behaviours[-BEHAVIOURS_SHOWN:])) if len(behaviours) > BEHAVIOURS_SHOWN else []
    )
    values["behaviours_high"] = [_behaviour(row) for row in high]
    values["behaviours_low"] = [_behaviour(row) for row in low]
    values.update(
        assessed=i18n.day(latest["submitted_at"], month="MMMM"),
        number=words["assessment_number"].format(
            number=i18n.number(len(submissions)), total=i18n.number(len(submissions))
        ),
        overall=words["insufficient"]
        if pd.isna(latest["overall_index"])
        else _fmt(latest["overall_index"]),
        scenario=words["scenarios_none"]
        if pd.isna(latest["scenario_score"])
        else words["scenarios_text"].format(
            count=i18n.number(sum(len(s.scenarios) for s in instrument.skills)),
            score=_fmt(latest["scenario_score"]),
        ),
        compared=compared,
        scenario_figure=_fmt(latest["scenario_score"]),
    )
    return values


def _team_numbers(
    *, session: Session, viewer: Viewer, person_id: int, instrument: bank.Instrument
) -> dict[str, Any] | None:
    """Issue 23: the team's latest month per measure beside the same month a year earlier
    and the plan's target; None when the reader may not read the team's numbers (access
    decided by kpi_views) or there are none."""
    try:
        kpis = kpi_views.supervisor_kpis(
            session=session, viewer=viewer, person_id=person_id, instrument=instrument
        )
    except AccessDenied:
        return None
    if kpis.values.empty:
        return None
    rows = []
    for measure, part in kpis.values.groupby("measure", sort=True):
        part = part.sort_values("period")
        latest = part.iloc[-1]
        latest_month = pd.Timestamp(latest["period"])
        earlier = part[pd.to_datetime(part["period"]) == latest_month - pd.DateOffset(years=1)]
        rows.append(
            {
                "measure": measure,
                "period": latest_month.date(),
                "value": latest["value"],
                "year_earlier": earlier["value"].iloc[0] if len(earlier) else None,
                "target": latest["target"],
            }
        )
    frame = pd.DataFrame(rows)
    words = vocabulary.report_words()
    labels = {
        "measure": "measure",
        "period": "period",
        "value": "value",
        "year_earlier": words["year_earlier"],
        "target": "target",
    }
    formats = {"period": "%b %Y", "value": ",.1f", "year_earlier": ",.1f", "target": ",.1f"}
    shown = vocabulary.people_frame(frame, labels, formats)
    return {
        "note": words["team_numbers_note"].format(team=i18n.isolate(kpis.team or "")),
        "headers": list(shown.columns),
        "rows": shown.to_numpy().tolist(),
        "numeric": [False, False, True, True, True],
    }


def _float(value: Any) -> float:
    return math.nan if value is None or pd.isna(value) else float(value)


def _skill_list(listed: pd.DataFrame) -> list[str]:
    lines = [f"{row.skill}: {_fmt(row.score)}" for row in listed[~listed["tied"]].itertuples()]
    tied = listed[listed["tied"]]
    if not tied.empty:
        lines.append(
            vocabulary.report_words()["tied"].format(
                score=_fmt(tied["score"].iloc[0]), names=", ".join(tied["skill"])
            )
        )
    return lines


def _behaviour(row: tuple) -> dict[str, str]:
    skill, text, label, reverse, _ = row
    return {
        "skill": skill,
        "statement": text + (" " + vocabulary.report_words()["reversed"] if reverse else ""),
        "answer": label,
    }


def _goal(goal: plans.GoalView) -> dict[str, Any]:
    words = vocabulary.report_words()
    return {
        "skill": goal.skill,
        "specific": i18n.isolate(goal.specific),
        "measure": i18n.isolate(goal.measure) if goal.measure else "",
        "target": i18n.day(goal.target_date, month="MMMM"),
        "status": vocabulary.cell(goal.status, column="status").capitalize(),
        "progress": i18n.percent(goal.progress / 100),
        "actions": [
            f"{i18n.isolate(action.text)} "
            f"({words['action_done'] if action.done else words['action_open']})"
            for action in goal.actions
        ],
        "check_ins": [
            {
                "at": vocabulary.cell(check.at.date()),
                "progress": i18n.percent(check.progress / 100),
                "note": i18n.isolate(check.note) if check.note else vocabulary.EMPTY,
            }
            for check in goal.check_ins
        ],
        "comments": [
            f"{i18n.isolate(comment.author)}, {vocabulary.cell(comment.at.date())}: "
            f"{i18n.isolate(comment.text)}"
            for comment in goal.comments
        ],
    }


def report_language(person: Person) -> str:
    """The language a person's report is written in: their profile's (issue 25), English
    for none or an unsupported one."""
    return code_for(person.language) or SOURCE


def page(
    *,
    session: Session,
    viewer: Viewer,
    person_id: int,
    inputs: Inputs,
    today: date | None = None,
    language: str | None = None,
) -> str:
    """The person's report as HTML, in `language` (the person's own by default)."""
    person = person_for(
        session=session, viewer=viewer, action=Action.DOWNLOAD_REPORT, person_id=person_id
    )
    with i18n.using(language or report_language(person)):
        values = report_values(
            session=session, viewer=viewer, person_id=person_id, inputs=inputs, today=today
        )
        return pdf.render_html("person_report.html", **values)


def build(
    *,
    session: Session,
    viewer: Viewer,
    person_id: int,
    inputs: Inputs,
    today: date | None = None,
    language: str | None = None,
) -> bytes:
    """The person's report as a PDF (not audited: `download` is, and the batch audits its ZIP)."""
    return pdf.to_pdf(
        page(
            session=session, viewer=viewer, person_id=person_id, inputs=inputs, today=today,
            language=language,
        )
    )  # fmt: skip


def download(
    *, session: Session, viewer: Viewer, person_id: int, inputs: Inputs, today: date | None = None
) -> bytes:
    """The person's report as a PDF, its download written to the audit log."""
    data = build(session=session, viewer=viewer, person_id=person_id, inputs=inputs, today=today)
    person = session.get(Person, person_id)
    audit.record(session, viewer.person_id, "export", subject=person.name, kind="person_pdf")
    return data


def file_name(name: str) -> str:
    """A report's file name from the person's name: "leadcoach-report-ana-lima.pdf"."""
    slug = "-".join("".join(c if c.isalnum() else " " for c in name.lower()).split())
    return f"leadcoach-report-{slug or 'person'}.pdf"
