"""A supervisor's own report as a PDF: the one they take to a coaching session.

Cover (person, date, questionnaire version), how to read it, the twelve-skill profile
with its measurement bands, percentiles in the norm group, strengths and development areas
with coaching suggestions, the behaviours rated highest and lowest, the situational
judgement, change since the previous assessment (real or within noise), and the
development plan's goals and check-ins. Every figure comes from the same core functions as
the Results page (assessment.results, measurement.reliability and norms, coaching.plans);
nothing is recomputed here. Access: `Action.DOWNLOAD_REPORT` (the person, their coach,
HR and admins); each download is written to the audit log.

The others' view (multi-rater, issue 22) is a hook: `others_view` returns None until that
issue provides the figures; see its docstring.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Any

import pandas as pd
from sqlmodel import Session, select

from leadcoach.assessment import results
from leadcoach.coaching import plans
from leadcoach.instrument import bank
from leadcoach.measurement import norms, reliability
from leadcoach.people import audit
from leadcoach.people.access import Action, Viewer, person_for
from leadcoach.platform.config import Settings
from leadcoach.platform.models import Answer, Person, Submission, Team
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
    )


@dataclass(frozen=True)
class OthersView:
    """The multi-rater section (issue 22): self against each shown rater group, blind
    spots, hidden strengths and comments, already under that issue's anonymity rules."""

    groups: pd.DataFrame  # skill, self, one column per shown group (people-facing headers)
    blind_spots: list[str] = field(default_factory=list)
    hidden_strengths: list[str] = field(default_factory=list)
    comments: list[str] = field(default_factory=list)
    note: str = ""


def others_view(*, session: Session, viewer: Viewer, person_id: int) -> OthersView | None:
    """HOOK for issue 22 (multi-rater), NOT IMPLEMENTED here: returns None, and the report
    leaves the section out. When rater submissions land, fill this from that issue's core
    function (self against each rater group with at least its minimum raters, blind spots,
    hidden strengths, comments), applying the same anonymity rules as its page; the
    template (`templates/person_report.html`, block "others") already draws an OthersView.
    """
    person_for(session=session, viewer=viewer, action=Action.DOWNLOAD_REPORT, person_id=person_id)
    return None


def _fmt(value: Any, spec: str = ".0f") -> str:
    return vocabulary.cell(value, spec)


def _band(low: float, high: float) -> str:
    if pd.isna(low) or pd.isna(high):
        return vocabulary.EMPTY
    return f"{low:.0f}\u2013{high:.0f}"


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
    """Everything the person's report shows, as text and SVG ready for its template."""
    person: Person = person_for(
        session=session, viewer=viewer, action=Action.DOWNLOAD_REPORT, person_id=person_id
    )
    instrument = inputs.instrument
    words = vocabulary.report_words()
    today = today or datetime.now(UTC).date()
    team = session.get(Team, person.team_id) if person.team_id else None
    scores = results.person_scores(session=session, viewer=viewer, person_id=person_id)
    submissions = results.person_submissions(session=session, viewer=viewer, person_id=person_id)
    values: dict[str, Any] = {
        "t": words,
        "h": vocabulary.HEADERS,
        "name": person.name,
        "footer": words["person_footer"].format(name=person.name),
        "team": team.name if team else vocabulary.EMPTY,
        "instrument": f"{instrument.title}, version {instrument.version}",
        "generated": f"{today.day} {today:%B %Y}",
        "empty": submissions.empty,
        "no_results": words["no_results"].format(name=person.name),
        "others": None,
    }
    goals = plans.plan(session=session, viewer=viewer, person_id=person_id, instrument=instrument)
    values["goals"] = [_goal(goal) for goal in goals]
    if submissions.empty:
        return values

    latest = submissions.iloc[-1]
    profile = results.profile(scores, instrument)
    profile = reliability.judged_profile(profile, inputs.thresholds, _previous_answered(scores))
    norm = norms.norm_percentiles(
        session=session,
        viewer=viewer,
        person_id=person_id,
        instrument=instrument,
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
            "tips": [f"{tip.title}. {tip.action}" for tip in inputs.tips.get(row.skill_id, ())][:3],
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
        assessed=f"{latest['submitted_at'].day} {latest['submitted_at']:%B %Y}",
        number=words["assessment_number"].format(number=len(submissions), total=len(submissions)),
        overall=words["insufficient"]
        if pd.isna(latest["overall_index"])
        else _fmt(latest["overall_index"]),
        scenario=words["scenarios_none"]
        if pd.isna(latest["scenario_score"])
        else words["scenarios_text"].format(
            count=sum(len(s.scenarios) for s in instrument.skills),
            score=_fmt(latest["scenario_score"]),
        ),
        compared=compared,
        scenario_figure=_fmt(latest["scenario_score"]),
    )
    values["others"] = others_view(session=session, viewer=viewer, person_id=person_id)
    return values


def _float(value: Any) -> float:
    return math.nan if value is None or pd.isna(value) else float(value)


def _skill_list(listed: pd.DataFrame) -> list[str]:
    lines = [f"{row.skill}: {row.score:.0f}" for row in listed[~listed["tied"]].itertuples()]
    tied = listed[listed["tied"]]
    if not tied.empty:
        lines.append(
            vocabulary.report_words()["tied"].format(
                score=f"{tied['score'].iloc[0]:.0f}", names=", ".join(tied["skill"])
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
        "specific": goal.specific,
        "measure": goal.measure,
        "target": f"{goal.target_date.day} {goal.target_date:%B %Y}",
        "status": vocabulary.cell(goal.status, column="status").capitalize(),
        "progress": f"{goal.progress}%",
        "actions": [
            f"{action.text} ({words['action_done'] if action.done else words['action_open']})"
            for action in goal.actions
        ],
        "check_ins": [
            {
                "at": vocabulary.cell(check.at.date()),
                "progress": f"{check.progress}%",
                "note": check.note or vocabulary.EMPTY,
            }
            for check in goal.check_ins
        ],
        "comments": [
            f"{comment.author}, {vocabulary.cell(comment.at.date())}: {comment.text}"
            for comment in goal.comments
        ],
    }


def build(
    *, session: Session, viewer: Viewer, person_id: int, inputs: Inputs, today: date | None = None
) -> bytes:
    """The person's report as a PDF (not audited: `download` is, and the batch audits its ZIP)."""
    values = report_values(
        session=session, viewer=viewer, person_id=person_id, inputs=inputs, today=today
    )
    return pdf.to_pdf(pdf.render_html("person_report.html", **values))


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
