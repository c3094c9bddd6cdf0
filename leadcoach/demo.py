"""A realistic, seeded demo organisation: an in-house site and an offshore outsourced site.

Answers are generated from a simple growth model (a latent level per person and skill that
rises by round, plus item noise and a few "Not applicable"), stored as real answers, and
scored by the same submit path as the app, so every demo number is honestly computed.
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import func, insert
from sqlmodel import Session, select

from leadcoach.assessment.responses import applicability_tags, submit_assessment
from leadcoach.instrument import bank, instruments, scoring
from leadcoach.people import accounts
from leadcoach.people.access import load_viewer
from leadcoach.platform.errors import InvalidInput
from leadcoach.platform.models import (
    Account,
    Answer,
    AssessmentDraft,
    CoachingNote,
    Cohort,
    CohortMember,
    CohortRound,
    DevelopmentGoal,
    GoalAction,
    GoalCheckIn,
    KpiValue,
    Person,
    PlanComment,
    Role,
    SkillScore,
    Submission,
    Team,
    TeamCoach,
    WorkPlanComment,
)

SEED = 20261125
DEMO_DOMAIN = "demo.leadcoach.example"

# (team name, site, vendor or None)
TEAMS = [
    ("Leeds Billing", "Leeds", None),
    ("Leeds Retentions", "Leeds", None),
    ("Manila Tech Support", "Manila", "Horizon BPO"),
    ("Manila Billing", "Manila", "Horizon BPO"),
]
# Each site's time zone: emails reach people in their own daytime.
SITE_TIME_ZONES = {"Leeds": "Europe/London", "Manila": "Asia/Manila", "Cairo": "Africa/Cairo"}
COACHES = [
    ("Priya Shah", ["Leeds Billing", "Leeds Retentions"]),
    ("Daniel Reyes", ["Manila Tech Support", "Manila Billing"]),
]
STAFF = [("Helen Okafor", Role.HR), ("Tom Becker", Role.HR), ("Alex Morgan", Role.ADMIN)]
# (name, team, language, manages remote agents, oversees the vendor, cohort index). The
# language is the one on the person's profile: it decides the interface and questionnaire
# language over the browser's. The Manila supervisors speak Filipino, which LeadCoach does not
# offer, so most have none on their profile (as a roster that leaves it blank gives): each
# browser's language decides (tests/e2e/test_arabic.py reads Sam Torres's and Maria Santos's
# pages in an Arabic browser). Their submissions record no language: the source language.
SUPERVISORS = [
    ("Ana Lima", "Leeds Billing", "en", False, False, 0),
    ("Ben Carter", "Leeds Billing", "en", True, False, 0),
    ("Chloe Evans", "Leeds Billing", "en", False, False, 1),
    ("Farid Haddad", "Leeds Billing", "ar", True, False, 2),
    ("Grace Kim", "Leeds Retentions", "en", False, True, 0),
    ("Hugo Martin", "Leeds Retentions", "fr", True, True, 1),
    ("Isla Murray", "Leeds Retentions", "en", False, False, 1),
    ("Jonas Weber", "Leeds Retentions", None, False, True, 2),
    ("Maria Santos", "Manila Tech Support", None, True, False, 0),
    ("Jose Ramos", "Manila Tech Support", "es", False, False, 0),  # answers in Spanish
    ("Liza Cruz", "Manila Tech Support", None, True, False, 1),
    ("Mark Villanueva", "Manila Tech Support", None, False, False, 2),
    ("Nina Bautista", "Manila Billing", None, True, False, 0),
    ("Paolo Reyes", "Manila Billing", None, False, False, 1),
    ("Rhea Domingo", "Manila Billing", None, True, False, 2),
    ("Sam Torres", "Manila Billing", None, False, False, 2),
]
# Cohorts start this many days before "today"; rounds are baseline, day 90, day 180.
COHORTS = [("2026 Spring intake", 260), ("2026 Summer intake", 170), ("2026 Autumn intake", 80)]
ROUNDS = [("Baseline", 0), ("Day 90", 90), ("Day 180", 180)]
ROUND_WINDOW_DAYS = 21
# Half the assessed supervisors keep a development plan, so coaches see both states.
WITH_PLAN = ["Ben Carter", "Chloe Evans", "Grace Kim", "Isla Murray", "Maria Santos",
             "Liza Cruz", "Nina Bautista", "Paolo Reyes"]  # fmt: skip
NEW_SUPERVISOR = "Sam Torres"  # has not started: the first-visit state
IN_PROGRESS = "Rhea Domingo"  # has a half-finished draft: the resume state


@dataclass(frozen=True)
class DemoSummary:
    people: int
    teams: int
    cohorts: int
    submissions: int


def email_for(name: str) -> str:
    """The demo email of a demo person."""
    return f"{name.lower().replace(' ', '.')}@{DEMO_DOMAIN}"


def load_demo(
    *, session: Session, instrument: bank.Instrument, password: str, today: date | None = None
) -> DemoSummary:
    """Fill an empty database with the demo organisation; refuses when people exist."""
    if session.exec(select(func.count()).select_from(Person)).one():
        raise InvalidInput("The database already has people; demo data goes into an empty one.")
    accounts.check_password_policy(password)
    today = today or date.today()
    rng = random.Random(SEED)
    # One hash for every demo account: hashing costs ~140 ms each and they share a password.
    password_hash = accounts.hash_password(password)
    teams = {}
    for name, site, vendor in TEAMS:
        team = Team(name=name, site=site, vendor=vendor)
        session.add(team)
        teams[name] = team
    session.flush()

    def add_person(name: str, role: Role, team: Team | None = None) -> Person:
        person = accounts.create_person_with_account(
            session=session,
            name=name,
            email=email_for(name),
            role=role,
            password=password,
            team_id=team.id if team else None,
            password_hash=password_hash,
        )
        person.site = team.site if team else "Leeds"
        person.vendor = team.vendor if team else None
        person.time_zone = SITE_TIME_ZONES[person.site]
        return person

    for name, site, vendor in LANGUAGE_TEAMS:
        team = Team(name=name, site=site, vendor=vendor)
        session.add(team)
        teams[name] = team
    session.flush()
    for name, team_names in COACHES:
        coach = add_person(name, Role.COACH)
        session.flush()
        for team_name in team_names:
            session.add(TeamCoach(team_id=teams[team_name].id, coach_id=coach.id))
    for name, role in STAFF:
        add_person(name, role)

    cohorts = []
    for name, days_ago in COHORTS:
        start = today - timedelta(days=days_ago)
        cohort = Cohort(name=name, start_date=start, description=f"New supervisors from {start}")
        session.add(cohort)
        session.flush()
        for round_name, offset in ROUNDS:
            opens = start + timedelta(days=offset)
            session.add(
                CohortRound(
                    cohort_id=cohort.id,
                    name=round_name,
                    opens_on=opens,
                    closes_on=opens + timedelta(days=ROUND_WINDOW_DAYS),
                )
            )
        cohorts.append(cohort)

    frozen = instruments.freeze(session=session, instrument=instrument)
    submissions = 0
    for name, team_name, language, remote, vendor, cohort_index in SUPERVISORS:
        person = add_person(name, Role.SUPERVISOR, teams[team_name])
        person.language = language
        person.manages_remote = remote
        person.oversees_vendor = vendor
        cohort = cohorts[cohort_index]
        person.start_date = cohort.start_date
        session.add(person)
        session.flush()
        session.add(CohortMember(cohort_id=cohort.id, person_id=person.id))
        profile = _Profile.draw(rng, instrument)
        due_rounds = [
            offset for _, offset in ROUNDS if cohort.start_date + timedelta(days=offset) <= today
        ]
        if name == NEW_SUPERVISOR:
            continue
        for round_index, offset in enumerate(due_rounds):
            when = datetime.combine(
                cohort.start_date + timedelta(days=offset + rng.randint(1, 12)), time(10), UTC
            )
            draft_id = _draft_with_answers(
                session, person, frozen.id, instrument, profile, round_index, rng, when
            )
            if name == IN_PROGRESS and round_index == len(due_rounds) - 1:
                continue  # leave the latest round half-answered
            viewer = load_viewer(session=session, person_id=person.id)
            submit_assessment(
                session=session, viewer=viewer, draft_id=draft_id, at=when, language=language
            )
            submissions += 1
    language_people, language_submissions = _add_language_sample(
        session, instrument, frozen.id, teams, password, password_hash, today
    )
    submissions += language_submissions
    _add_plans_and_notes(session, instrument, rng)
    _add_kpis(session, teams, cohorts[0], today)
    if instrument.has_rater_form:
        _add_feedback_rounds(session, instrument, rng, today)
    return DemoSummary(
        people=len(SUPERVISORS) + len(COACHES) + len(STAFF) + language_people,
        teams=len(TEAMS) + len(LANGUAGE_TEAMS),
        cohorts=len(COHORTS),
        submissions=submissions,
    )


def _add_plans_and_notes(session: Session, instrument: bank.Instrument, rng: random.Random) -> None:
    """A goal on each planned person's weakest skill, with actions, check-ins, a coach's
    comment and notes, dated from their latest assessment."""
    names = {skill.id: skill.name for skill in instrument.skills}
    for name in WITH_PLAN:
        person = session.exec(select(Person).where(Person.email == email_for(name))).one()
        latest = session.exec(
            select(Submission)
            .where(Submission.person_id == person.id)
            .order_by(Submission.submitted_at.desc())
        ).first()
        weakest = session.exec(
            select(SkillScore)
            .where(SkillScore.submission_id == latest.id, SkillScore.score.is_not(None))
            .order_by(SkillScore.score, SkillScore.skill_id)
        ).first()
        start = latest.submitted_at + timedelta(days=3)
        goal = DevelopmentGoal(
            person_id=person.id,
            skill_id=weakest.skill_id,
            specific=f"Practise {names[weakest.skill_id].lower()} in every weekly huddle.",
            measure="My coach sees it in two observed huddles a month.",
            target_date=(start + timedelta(days=90)).date(),
            created_at=start,
            updated_at=start,
        )
        session.add(goal)
        session.flush()
        session.add_all(
            [
                GoalAction(goal_id=goal.id, text="Plan the huddle the day before.", done=True),
                GoalAction(goal_id=goal.id, text="Ask one agent for feedback after it."),
            ]
        )
        for week in (2, 5):
            session.add(
                GoalCheckIn(
                    goal_id=goal.id,
                    at=start + timedelta(weeks=week),
                    progress=min(100, 20 * week + rng.randint(0, 10)),
                    note="Two huddles done; one cut short by a queue spike.",
                )
            )
        coach_id = session.exec(
            select(TeamCoach.coach_id).where(TeamCoach.team_id == person.team_id)
        ).first()
        if name in WITH_PLAN[::3] and coach_id:
            session.add(
                PlanComment(
                    goal_id=goal.id,
                    author_id=coach_id,
                    at=start + timedelta(weeks=3),
                    text="Good start. Try the teach-back at the end.",
                )
            )
            session.add(
                CoachingNote(
                    person_id=person.id,
                    author_id=coach_id,
                    at=start + timedelta(weeks=3),
                    shared=name == WITH_PLAN[0],
                    text="Observed a huddle: clear, but ran over by 5 minutes.",
                )
            )


# --- issue 25: a Manila team answering in English and a Cairo team in Arabic --------------
# Large enough (LANGUAGE_SAMPLE each, above Settings.min_dif_group's default of 100) for the
# instrument-quality page's DIF analysis of the Arabic translation against English.
LANGUAGE_TEAMS = [
    ("Manila Customer Care", "Manila", "Horizon BPO"),
    ("Cairo Customer Care", "Cairo", "Nile Contact Services"),
]
LANGUAGE_COACHES = [("Omar Farouk", ["Cairo Customer Care"])]
LANGUAGE_SAMPLE = 110
_MANILA_NAMES = (
    ["Aira", "Bea", "Carlo", "Dan", "Ella", "Franco", "Gino", "Hazel", "Ivy", "Jun", "Kaye"],
    ["Aquino", "Bautista", "Castillo", "Dela Cruz", "Espino", "Flores", "Garcia", "Hernandez",
     "Ilagan", "Jimenez", "Lopez"],
)  # fmt: skip
_CAIRO_NAMES = (
    ["Ahmed", "Basma", "Dina", "Emad", "Fatma", "Hany", "Heba", "Karim", "Mona", "Nour",
     "Salma"],
    ["Abdelrahman", "Badawi", "Darwish", "Elsayed", "Fahmy", "Gamal", "Hassan", "Kamel",
     "Mansour", "Nasser", "Saleh"],
)  # fmt: skip
# The statement built to show DIF in the demo: at the same level of the skill, the Cairo
# team answers MOT2 ("I find out what kind of recognition each agent values ...") about
# DIF_SHIFT points higher than the Manila team, as if its Arabic wording read as easier to
# endorse. The app is not told; the DIF analysis should find it (and only it) as large.
DIF_ITEM = "MOT2"
DIF_SHIFT = 1.3


def _add_language_sample(
    session: Session,
    instrument: bank.Instrument,
    instrument_row_id: int,
    teams: dict[str, Team],
    password: str,
    password_hash: str,
    today: date,
) -> tuple[int, int]:
    """LANGUAGE_SAMPLE supervisors in each language team, one self-assessment each, written
    in bulk (one flush per table) so that the demo stays quick to build; scored by the
    same scoring as the app. Returns (people added, submissions added)."""
    rng = random.Random(SEED + 25)
    people = 0
    for name, team_names in LANGUAGE_COACHES:
        coach = accounts.create_person_with_account(
            session=session, name=name, email=email_for(name), role=Role.COACH,
            password=password, password_hash=password_hash,
        )  # fmt: skip
        coach.site, coach.time_zone, coach.language = "Cairo", SITE_TIME_ZONES["Cairo"], "ar"
        session.flush()
        people += 1
        for team_name in team_names:
            session.add(TeamCoach(team_id=teams[team_name].id, coach_id=coach.id))
    manila_coach = session.exec(
        select(Person.id).where(Person.email == email_for(COACHES[1][0]))
    ).one()
    session.add(TeamCoach(team_id=teams["Manila Customer Care"].id, coach_id=manila_coach))
    # Everything below is written in bulk, one statement per table: through the app's
    # submit path (a few queries per answer) the 220 people took 4 times the whole demo.
    tags = frozenset()
    persons, plans = [], []
    groups = [("Manila Customer Care", "en", _MANILA_NAMES), ("Cairo Customer Care", "ar",
              _CAIRO_NAMES)]  # fmt: skip
    for team_name, language, (first_names, last_names) in groups:
        team = teams[team_name]
        names = [f"{first} {last}" for last in last_names for first in first_names]
        for name in names[:LANGUAGE_SAMPLE]:
            persons.append(
                Person(
                    name=name, email=email_for(name), role=Role.SUPERVISOR.value,
                    team_id=team.id, site=team.site, vendor=team.vendor, language=language,
                    time_zone=SITE_TIME_ZONES[team.site],
                    start_date=today - timedelta(days=rng.randint(40, 400)),
                )
            )  # fmt: skip
            when = datetime.combine(today - timedelta(days=rng.randint(3, 60)), time(10), UTC)
            shift = {DIF_ITEM: DIF_SHIFT} if language == "ar" else {}
            plans.append((when, language, _Profile.draw(rng, instrument), shift))
    if not persons:
        return people, 0
    session.add_all(persons)
    session.flush()
    session.execute(
        insert(Account), [{"person_id": p.id, "password_hash": password_hash} for p in persons]
    )
    drafts = [
        AssessmentDraft(
            person_id=person.id, instrument_id=instrument_row_id,
            option_seed=rng.randrange(2**31), started_at=when - timedelta(minutes=25),
            updated_at=when, submitted_at=when,
        )
        for person, (when, _, _, _) in zip(persons, plans, strict=True)
    ]  # fmt: skip
    session.add_all(drafts)
    session.flush()
    answer_rows, results = [], []
    for draft, (when, _, profile, shift) in zip(drafts, plans, strict=True):
        item_answers: dict[str, int | None] = {}
        for skill, item in instrument.items_for(tags):
            roll = rng.random()
            if roll < 0.03:
                item_answers[item.id] = None  # "Not applicable"
                continue
            if roll < 0.05:
                continue  # skipped
            latent = profile.level[skill.id] + shift.get(item.id, 0.0)
            agreement = min(5, max(1, round(latent + rng.gauss(0, 0.6))))
            item_answers[item.id] = 6 - agreement if item.reverse else agreement
        ratings = {
            (scenario.id, option.id): min(
                4, max(1, round(option.key + rng.gauss(0, 2.2 * (1 - profile.judgement))))
            )
            for _, scenario in instrument.scenarios_for(tags)
            for option in scenario.options
        }
        answer_rows += [
            {"draft_id": draft.id, "item_id": i, "option_id": "", "value": v, "answered_at": when}
            for i, v in item_answers.items()
        ] + [
            {"draft_id": draft.id, "item_id": sc, "option_id": op, "value": v,
             "answered_at": when}
            for (sc, op), v in ratings.items()
        ]  # fmt: skip
        results.append(scoring.score_assessment(instrument, tags, item_answers, ratings))
    session.execute(insert(Answer), answer_rows)
    submission_rows = [
        Submission(
            draft_id=draft.id, person_id=person.id, rater_id=person.id, relation="self",
            instrument_id=instrument_row_id, submitted_at=when, overall_index=result.overall,
            scenario_score=result.scenario,
            scenario_key_version=instrument.scenario_key_version, language=language,
        )
        for draft, person, (when, language, _, _), result in zip(
            drafts, persons, plans, results, strict=True
        )
    ]  # fmt: skip
    session.add_all(submission_rows)
    session.flush()
    session.execute(
        insert(SkillScore),
        [
            {"submission_id": row.id, "skill_id": skill.skill_id, "score": skill.score,
             "answered": skill.answered, "applicable": skill.applicable}
            for row, result in zip(submission_rows, results, strict=True)
            for skill in result.skills
        ],
    )  # fmt: skip
    people += len(persons)
    submissions = len(submission_rows)
    return people, submissions


@dataclass(frozen=True)
class _Profile:
    """A person's latent level per skill (1-5 scale) and growth per round."""

    level: dict[str, float]
    growth: dict[str, float]
    judgement: float

    @classmethod
    def draw(cls, rng: random.Random, instrument: bank.Instrument) -> _Profile:
        level = {s.id: rng.gauss(3.1, 0.45) for s in instrument.skills}
        # Most skills grow with coaching; a few stall or slip, as real cohorts do.
        growth = {s.id: rng.gauss(0.22, 0.18) for s in instrument.skills}
        return cls(level, growth, rng.uniform(0.3, 0.8))


def _draft_with_answers(
    session: Session,
    person: Person,
    instrument_row_id: int,
    instrument: bank.Instrument,
    profile: _Profile,
    round_index: int,
    rng: random.Random,
    when: datetime,
    shift: dict[str, float] | None = None,
) -> int:
    draft = AssessmentDraft(
        person_id=person.id,
        instrument_id=instrument_row_id,
        option_seed=rng.randrange(2**31),
        started_at=when - timedelta(minutes=rng.randint(12, 40)),
        updated_at=when,
    )
    session.add(draft)
    session.flush()
    tags = applicability_tags(person)
    half_only = person.name == IN_PROGRESS
    rows = []
    items = instrument.items_for(tags)
    if half_only:
        items = items[: len(items) // 2]
    for skill, item in items:
        roll = rng.random()
        if roll < 0.03:
            value = None  # "Not applicable"
        elif roll < 0.05:
            continue  # skipped
        else:
            latent = profile.level[skill.id] + profile.growth[skill.id] * round_index
            # Issue 25: a statement that works differently in one language (see DIF_ITEM);
            # applied to the agreement, so a reverse-keyed one would shift the same way.
            latent += (shift or {}).get(item.id, 0.0)
            agreement = min(5, max(1, round(latent + rng.gauss(0, 0.6))))
            value = 6 - agreement if item.reverse else agreement
        rows.append({"item_id": item.id, "option_id": "", "value": value})
    if not half_only:
        judgement = min(1.0, profile.judgement + 0.08 * round_index)
        for _, scenario in instrument.scenarios_for(tags):
            for option in scenario.options:
                noise = rng.gauss(0, 2.2 * (1 - judgement))
                rows.append(
                    {
                        "item_id": scenario.id,
                        "option_id": option.id,
                        "value": min(4, max(1, round(option.key + noise))),
                    }
                )
    for row in rows:
        row.update(draft_id=draft.id, answered_at=when)
    session.execute(insert(Answer), rows)
    return draft.id


# --- KPIs and work plans (issue 23) --------------------------------------------------------

# Teams with no supervisor in LeadCoach: their numbers are the comparison group of the
# cohort review's "did the programme help the teams?" (supervisors not in a programme).
KPI_COMPARISON_TEAMS = [
    ("Leeds Collections", "Leeds", None),
    ("Leeds Sales", "Leeds", None),
    ("Leeds Complaints", "Leeds", None),
    ("Manila Collections", "Manila", "Horizon BPO"),
    ("Manila Sales", "Manila", "Horizon BPO"),
    ("Manila Onboarding", "Manila", "Horizon BPO"),
]
KPI_MONTHS = 24
# key -> (typical level, month-to-month noise (sd)); the better direction is the catalogue's.
KPI_LEVELS = {
    "aht": (420.0, 10.0), "csat": (82.0, 1.0), "fcr": (71.0, 1.2), "quality": (85.0, 1.0),
    "adherence": (90.0, 0.8), "service_level": (80.0, 1.5), "absenteeism": (5.0, 0.4),
    "attrition": (3.0, 0.4), "abandon_rate": (5.0, 0.5), "contacts_handled": (30000.0, 1200.0),
}  # fmt: skip
# The cohort's teams improve by this many noise-sds after the programme, the others by less:
# "somewhat more", not a miracle.
COHORT_LIFT, OTHERS_LIFT = 1.6, 0.6
DIP_TEAM, DIP_SUPERVISOR, DIP_MONTHS_AGO = "Manila Tech Support", "Maria Santos", 4


def _month_start(day: date, plus: int = 0) -> date:
    months = day.year * 12 + day.month - 1 + plus
    return date(months // 12, months % 12 + 1, 1)


def _add_kpis(session: Session, teams: dict[str, Team], cohort: Cohort, today: date) -> None:
    """24 months of every catalogue measure for the demo teams and six comparison teams;
    the Manila vendor team's service level dips in the month its supervisor's plan explains,
    and the first cohort's teams improve somewhat more than the others after it starts."""
    from leadcoach.programmes import kpis
    from leadcoach.programmes.work_plans import TargetSpec, write_plan

    rng = random.Random(SEED + 23)  # its own stream: the assessments above stay as they were
    all_teams = dict(teams)
    for name, site, vendor in KPI_COMPARISON_TEAMS:
        team = Team(name=name, site=site, vendor=vendor)
        session.add(team)
        all_teams[name] = team
    session.flush()
    catalogue = {m.key: m for m in kpis.measures(session).values()}
    last = _month_start(today, -1)
    months = [_month_start(last, -i) for i in range(KPI_MONTHS - 1, -1, -1)]
    programme = _month_start(cohort.start_date, 3)
    dip = _month_start(last, -DIP_MONTHS_AGO + 1)
    rows = []
    for team_name, team in all_teams.items():
        treated = team_name in teams
        offset = {key: rng.gauss(0, 1.5) for key in KPI_LEVELS}
        for month in months:
            contacts = max(1000, int(rng.gauss(30000, 1500)))
            for key, (level, noise) in KPI_LEVELS.items():
                measure = catalogue[key]
                sign = 1 if measure.higher_is_better else -1
                seasonal = math.sin(2 * math.pi * month.month / 12) * noise * 0.5
                value = level + offset[key] * noise + seasonal + rng.gauss(0, noise)
                if month >= programme:
                    value += sign * noise * (COHORT_LIFT if treated else OTHERS_LIFT)
                if team_name == DIP_TEAM and month == dip and key in ("service_level", "aht"):
                    value += sign * -6 * noise  # the launch month: new hires on the queue
                value = min(max(value, measure.min_value), measure.max_value)
                if key == "contacts_handled":
                    value = float(contacts)
                rows.append({"team_id": team.id, "period": month, "kpi_id": measure.id,
                             "value": round(value, 2), "contacts": contacts})  # fmt: skip
    session.execute(insert(KpiValue), rows)
    supervisor = session.exec(select(Person).where(Person.email == email_for(DIP_SUPERVISOR))).one()
    viewer = load_viewer(session=session, person_id=supervisor.id)
    goal = session.exec(
        select(DevelopmentGoal.id).where(DevelopmentGoal.person_id == supervisor.id)
    ).first()
    plan_id = write_plan(
        session=session, viewer=viewer, person_id=supervisor.id, cadence="month",
        starts_on=dip,
        expectations="The new billing product launches this month and 12 new hires join the "
        "queue, so service level will dip; keep it above 70% and bring it back to 80% next month.",
        actions="Pair each new hire with a buddy for two weeks; move two experienced agents to "
        "the morning peak; daily 10-minute huddle on the top three launch questions.",
        targets=[TargetSpec(catalogue["service_level"].id, 70.0, goal),
                 TargetSpec(catalogue["aht"].id, 460.0)],
    )  # fmt: skip
    write_plan(
        session=session, viewer=viewer, person_id=supervisor.id, cadence="month",
        starts_on=_month_start(dip, 1),
        expectations="Back to 80% service level now the new hires are up to speed.",
        actions="Buddy pairs continue for the slowest four; review adherence weekly.",
        targets=[TargetSpec(catalogue["service_level"].id, 80.0, goal),
                 TargetSpec(catalogue["adherence"].id, 90.0)],
    )  # fmt: skip
    coach_id = session.exec(
        select(TeamCoach.coach_id).where(TeamCoach.team_id == supervisor.team_id)
    ).first()
    session.add(WorkPlanComment(plan_id=plan_id, author_id=coach_id,
                                text="Sensible plan for the launch; let's look at the dip "
                                "together once the month's numbers are in."))  # fmt: skip
    session.flush()


# --- issue 22: a completed 360 round for every demo supervisor who has been assessed ------
FEEDBACK_OPENED_DAYS_AGO = 40
FEEDBACK_WINDOW_DAYS = 21
DEMO_AGENTS = 5  # one of them declines, so 4 answer
DEMO_COUNTERPARTS = 2  # deliberately below LEADCOACH_MIN_RATERS (3): the report drops them


def _add_feedback_rounds(
    session: Session, instrument: bank.Instrument, rng: random.Random, today: date
) -> None:
    """Each assessed demo supervisor gets a closed 360 round: their own view, their coach as
    manager, the three other supervisors of their team as peers, five agents (one declined)
    and two client counterparts (too few to be shown). Self-ratings run a little high, as new
    supervisors' do, so the report has blind spots to show."""
    from leadcoach.assessment import rater_forms
    from leadcoach.platform.config import Settings
    from leadcoach.platform.models import RaterAnswer, RaterForm
    from leadcoach.programmes import feedback_rounds

    settings = Settings(database_url="sqlite://")  # only the group sizes are read
    opens = today - timedelta(days=FEEDBACK_OPENED_DAYS_AGO)
    closes = opens + timedelta(days=FEEDBACK_WINDOW_DAYS)
    at = datetime.combine(opens + timedelta(days=2), time(11), UTC)
    people = {p.name: p for p in session.exec(select(Person))}
    hr = load_viewer(session=session, person_id=people[STAFF[0][0]].id)
    coach_of = {team: name for name, team_names in COACHES for team in team_names}
    team_of = {name: team for name, team, *_ in SUPERVISORS}
    for name, team_name, *_ in SUPERVISORS:
        if name == NEW_SUPERVISOR:
            continue
        supervisor = people[name]
        round_id = feedback_rounds.start_round(
            session=session, viewer=hr, supervisor_id=supervisor.id, opens_on=opens,
            closes_on=closes, instrument=instrument, today=opens,
        )  # fmt: skip
        nominees = [("manager", people[coach_of[team_name]].id, "", None)]
        nominees += [
            ("peer", people[peer].id, "", None)
            for peer, team in team_of.items()
            if team == team_name and peer != name
        ]
        first = name.split()[0].lower()
        nominees += [
            (
                "direct_report",
                None,
                f"Agent {n + 1} of {name}",
                f"agent{n + 1}.{first}@{DEMO_DOMAIN}",
            )
            for n in range(DEMO_AGENTS)
        ]
        nominees += [
            ("counterpart", None, f"Client contact {n + 1}", f"client{n + 1}.{first}@{DEMO_DOMAIN}")
            for n in range(DEMO_COUNTERPARTS)
        ]
        for group, person_id, rater_name, email in nominees:
            feedback_rounds.nominate(
                session=session, viewer=hr, round_id=round_id, group=group, settings=settings,
                name=rater_name, email=email, person_id=person_id,
            )  # fmt: skip
        feedback_rounds.approve_round(
            session=session, viewer=hr, round_id=round_id, settings=settings, now=at
        )
        level = {skill.id: rng.uniform(2.6, 4.3) for skill in instrument.skills}
        forms = session.exec(
            select(RaterForm).where(RaterForm.round_id == round_id).order_by(RaterForm.id)
        ).all()
        declined = next(f.id for f in forms if f.rater_group == "direct_report")
        for form in forms:
            rater_pass = rater_forms.RaterPass(form.id)
            if form.id == declined:
                rater_forms.decline_form(session=session, rater_pass=rater_pass, now=at)
                continue
            lift = 0.45 if form.rater_group == "self" else 0.0
            rows = []
            for question in rater_forms.questions_for(instrument, form.rater_group, supervisor):
                if rng.random() < 0.06:
                    value = None  # could not observe
                else:
                    keyed = level[question.skill_id] + lift + rng.gauss(0, 0.6)
                    keyed = min(5, max(1, round(keyed)))
                    reverse = instrument.item(question.item_id).reverse
                    value = 6 - keyed if reverse else keyed
                rows.append(
                    RaterAnswer(form_id=form.id, item_id=question.item_id, value=value,
                                answered_at=at)
                )  # fmt: skip
            session.add_all(rows)
            session.flush()
            if form.rater_group not in ("self", "manager"):
                form.keep_doing = rng.choice(_KEEP_DOING)
                form.do_differently = rng.choice(_DO_DIFFERENTLY)
                session.add(form)
            rater_forms.submit_rater_form(session=session, rater_pass=rater_pass, now=at)
        feedback_rounds.close_round(
            session=session, viewer=hr, round_id=round_id,
            now=datetime.combine(closes + timedelta(days=1), time(6), UTC),
        )  # fmt: skip


_KEEP_DOING = [
    "Calm, quick decisions when the queue spikes.",
    "Specific praise the same day, in front of the team.",
    "Weekly one-to-ones that actually happen.",
    "Explaining why a change is coming before it lands.",
]
_DO_DIFFERENTLY = [
    "Share the weekly plan in writing, not only in the huddle.",
    "Let team leads handle first-level escalations.",
    "Give remote agents updates at the same time as the floor.",
    "Follow up on coaching sessions with a date.",
]
