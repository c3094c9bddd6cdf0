"""The `cohort-10k` workload: the demo organisation scaled up, written through bulk paths only.

At full scale (issue 8): 10,000 supervisors in 400 teams, 100 coaches, 40 cohorts of 250,
8 assessment rounds each, so 80,000 submissions, about 5.7 million answers and 960,000
skill scores. Answers come from the demo's growth model (a latent level per person and
skill, growth that levels off over the rounds, item noise, 3% "Not applicable" and 2%
skipped), drawn with numpy from a generator seeded per person, so any scale and any chunk
size give the same rows. Skill scores are computed in Python by `leadcoach.instrument.scoring` (the
pure functions the submit path uses), then every table is written with SQLAlchemy Core
`insert()` (small tables) or the driver itself (`sqlite3.executemany`, PostgreSQL `COPY`)
in chunks: never the ORM per row, which is about 65x slower here (STACK-NOTES.md).

Every supervisor leads remote or offshore agents (the product's audience), so each is
scored on all twelve skills, as the issue's 960,000 = 80,000 x 12 counts; three sites of
four are outsourced, whose supervisors also answer the vendor items (72 items, else 70).
Scenario ratings are left out so that answers stay at the issue's 72 per submission.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta

import numpy as np
from sqlalchemy import Engine, func, insert, select, text
from sqlmodel import Session

from leadcoach.instrument import bank, instruments, scoring
from leadcoach.people import accounts
from leadcoach.platform.config import PACKAGE_ROOT
from leadcoach.platform.errors import InvalidInput
from leadcoach.platform.models import (
    Account,
    Answer,
    Cohort,
    CohortMember,
    CohortRound,
    Person,
    Role,
    Team,
    TeamCoach,
)

SEED = 20261108
DOMAIN = "workload.leadcoach.example"
TODAY = date(2026, 11, 2)  # the anchor of every date, so a build is the same on any day
PEOPLE_PER_TEAM = 25
PEOPLE_PER_COACH = 100  # a coach has four teams
FULL_COHORTS, PEOPLE_PER_COHORT = 40, 250
ROUND_SPACING_DAYS = 90  # baseline, day 90, day 180, ...
ROUND_WINDOW_DAYS = 21
COHORT_SPACING_DAYS = 14  # a new intake every fortnight
CHUNK_PEOPLE = 500  # people generated and written per batch (~280k answer rows)
NOT_APPLICABLE, SKIPPED = 0.03, 0.02
# (site, vendor, language): one in-house site, three outsourced ones.
SITES = [
    ("Leeds", None, "English"),
    ("Manila", "Horizon BPO", "Filipino"),
    ("Cairo", "Nile Contact", "Arabic"),
    ("Bogota", "Andes CX", "Spanish"),
]
FIRST = [
    "Ana",
    "Ben",
    "Chloe",
    "Farid",
    "Grace",
    "Hugo",
    "Isla",
    "Jonas",
    "Maria",
    "Jose",
    "Liza",
    "Mark",
    "Nina",
    "Paolo",
    "Rhea",
    "Sam",
    "Omar",
    "Lucia",
    "Tariq",
    "Wen",
]
LAST = [
    "Lima",
    "Carter",
    "Evans",
    "Haddad",
    "Kim",
    "Martin",
    "Murray",
    "Weber",
    "Santos",
    "Ramos",
    "Cruz",
    "Reyes",
    "Bautista",
    "Domingo",
    "Torres",
    "Nasser",
    "Gomez",
    "Chen",
]


@dataclass
class WorkloadSummary:
    """What was built, how long it took, and whom to sign in as."""

    people: int
    teams: int
    coaches: int
    cohorts: int
    rounds: int
    submissions: int = 0
    answers: int = 0
    skill_scores: int = 0
    generate_seconds: float = 0.0  # drawing answers and scoring them, in Python
    load_seconds: float = 0.0  # writing every table (inserts, commits, ANALYZE)
    answer_load_seconds: float = 0.0  # of which the answer rows
    supervisor_email: str = ""
    coach_email: str = ""
    hr_email: str = ""
    admin_email: str = ""
    coach_team_ids: list[int] = field(default_factory=list)


@dataclass(frozen=True)
class Shape:
    """How many of each there are for a number of supervisors."""

    people: int
    rounds: int

    @property
    def teams(self) -> int:
        return max(1, math.ceil(self.people / PEOPLE_PER_TEAM))

    @property
    def coaches(self) -> int:
        return max(1, math.ceil(self.people / PEOPLE_PER_COACH))

    @property
    def cohorts(self) -> int:
        # 40 at full scale; one per 250 people below it, so each holds about 250.
        return max(1, min(FULL_COHORTS, round(self.people / PEOPLE_PER_COHORT)))

    def team_of(self, index: int) -> int:
        return index // PEOPLE_PER_TEAM

    def cohort_of(self, index: int) -> int:
        # Round-robin, so an intake spans every site (the breakdowns have groups to show).
        return index % self.cohorts

    def cohort_start(self, cohort: int, today: date) -> date:
        span = (self.rounds - 1) * ROUND_SPACING_DAYS + ROUND_WINDOW_DAYS
        return today - timedelta(days=span + (self.cohorts - cohort) * COHORT_SPACING_DAYS)


def supervisor_email(index: int) -> str:
    """The email of the workload's supervisor number `index` (0-based)."""
    return f"supervisor{index:05d}@{DOMAIN}"


def _timestamp_writer(engine: Engine) -> Callable[[datetime], object]:
    """Datetimes as this dialect's column type writes them (text on SQLite)."""
    if engine.dialect.name != "sqlite":
        return lambda value: value
    processor = Answer.__table__.c.answered_at.type.bind_processor(engine.dialect)
    return processor or (lambda value: value)


class _Items:
    """The items a profile answers, as arrays for drawing answers in bulk."""

    def __init__(self, instrument: bank.Instrument, tags: frozenset[str]):
        self.tags = tags
        skills = [skill.id for skill in instrument.skills]
        pairs = instrument.items_for(tags)
        self.ids = [item.id for _, item in pairs]
        self.skill_index = np.array([skills.index(skill.id) for skill, _ in pairs])
        self.reverse = np.array([item.reverse for _, item in pairs])


@dataclass
class _Chunk:
    drafts: list[tuple] = field(default_factory=list)
    submissions: list[tuple] = field(default_factory=list)
    answers: list[tuple] = field(default_factory=list)
    skill_scores: list[tuple] = field(default_factory=list)


def generate_chunks(
    instrument: bank.Instrument,
    *,
    people: int,
    rounds: int,
    seed: int,
    today: date,
    instrument_row_id: int,
    timestamp: Callable[[datetime], object],
    score: bool = True,
) -> Iterator[_Chunk]:
    """Drafts, submissions, answers and skill scores, CHUNK_PEOPLE people at a time.

    Ids are assigned here (draft and submission n belong to person n // rounds), so rows
    need no round trip; the answer rows come out the same with or without `score`.
    """
    shape = Shape(people, rounds)
    skills = [skill.id for skill in instrument.skills]
    remote = frozenset({"remote_or_offshore"})
    profiles = {False: _Items(instrument, remote), True: _Items(instrument, remote | {"vendor"})}
    version = instrument.scenario_key_version
    first_person_id = shape.coaches + 3 + 1  # coaches, two HR and an admin come first
    skill_score_id = 0
    for start in range(0, people, CHUNK_PEOPLE):
        chunk = _Chunk()
        for index in range(start, min(people, start + CHUNK_PEOPLE)):
            person_id = first_person_id + index
            team = shape.team_of(index)
            vendor = SITES[team % len(SITES)][1] is not None
            items = profiles[vendor]
            rng = np.random.default_rng([seed, index])
            level = rng.normal(3.1, 0.45, len(skills))
            # Growth levels off: most of it in the first year, a few skills stall or slip.
            growth = rng.normal(0.55, 0.35, len(skills))
            reach = 1.0 - np.exp(-np.arange(rounds) / 2.5)
            latent = level[None, :] + growth[None, :] * reach[:, None]  # rounds x skills
            noise = rng.normal(0.0, 0.6, (rounds, len(items.ids)))
            agreement = np.clip(np.rint(latent[:, items.skill_index] + noise), 1, 5)
            values = np.where(items.reverse[None, :], 6 - agreement, agreement).astype(int)
            roll = rng.random((rounds, len(items.ids)))
            days = rng.integers(1, ROUND_WINDOW_DAYS, rounds)
            minutes = rng.integers(0, 8 * 60, rounds)
            took = rng.integers(12, 41, rounds)
            seeds = rng.integers(0, 2**31, rounds)
            cohort_start = shape.cohort_start(shape.cohort_of(index), today)
            for round_index in range(rounds):
                row_id = index * rounds + round_index + 1  # draft id = submission id
                when = datetime.combine(
                    cohort_start
                    + timedelta(days=round_index * ROUND_SPACING_DAYS + int(days[round_index])),
                    datetime.min.time(),
                    UTC,
                ) + timedelta(hours=8, minutes=int(minutes[round_index]))
                stamp = timestamp(when)
                began = timestamp(when - timedelta(minutes=int(took[round_index])))
                seed_of_draft = int(seeds[round_index])
                chunk.drafts.append(
                    (row_id, person_id, instrument_row_id, seed_of_draft, began, stamp, stamp)
                )
                answers: dict[str, int | None] = {}
                for item_id, value, chance in zip(
                    items.ids, values[round_index].tolist(), roll[round_index].tolist(), strict=True
                ):
                    if chance < NOT_APPLICABLE:
                        answers[item_id] = None
                    elif chance < NOT_APPLICABLE + SKIPPED:
                        continue
                    else:
                        answers[item_id] = value
                    chunk.answers.append((row_id, item_id, "", answers[item_id], stamp))
                if not score:
                    continue
                result = scoring.score_assessment(instrument, items.tags, answers, {})
                chunk.submissions.append(
                    (row_id, row_id, person_id, person_id, "self", instrument_row_id, stamp,
                     result.overall, result.scenario, version)
                )  # fmt: skip
                for skill in result.skills:
                    skill_score_id += 1
                    chunk.skill_scores.append(
                        (skill_score_id, row_id, skill.skill_id, skill.score, skill.answered,
                         skill.applicable)
                    )  # fmt: skip
        yield chunk


ANSWER_COLUMNS = ("draft_id", "item_id", "option_id", "value", "answered_at")
DRAFT_COLUMNS = ("id", "person_id", "instrument_id", "option_seed", "started_at", "updated_at",
                 "submitted_at")  # fmt: skip
SUBMISSION_COLUMNS = ("id", "draft_id", "person_id", "rater_id", "relation", "instrument_id",
                      "submitted_at", "overall_index", "scenario_score",
                      "scenario_key_version")  # fmt: skip
SKILL_SCORE_COLUMNS = ("id", "submission_id", "skill_id", "score", "answered", "applicable")


def bulk_write(connection, table: str, columns: tuple[str, ...], rows: list[tuple]) -> None:
    """Write rows with the driver's bulk path: sqlite3 executemany, or PostgreSQL COPY."""
    if not rows:
        return
    raw = connection.connection.driver_connection
    names = ", ".join(columns)
    if connection.dialect.name == "sqlite":
        marks = ", ".join("?" for _ in columns)
        if not raw.in_transaction:
            # The driver starts no transaction itself (leadcoach.platform.db leaves that to
            # the engine's events, which this bulk path bypasses): one for the batch, else
            # every row would be a transaction of its own (4.6x slower at 10,000 people).
            raw.execute("BEGIN IMMEDIATE")
        raw.executemany(f"INSERT INTO {table} ({names}) VALUES ({marks})", rows)
        return
    with raw.cursor() as cursor, cursor.copy(f"COPY {table} ({names}) FROM STDIN") as copy:
        for row in rows:
            copy.write_row(row)


def build_workload(
    engine: Engine,
    *,
    people: int = 10_000,
    seed: int = SEED,
    rounds: int = 8,
    today: date = TODAY,
    instrument: bank.Instrument | None = None,
    password: str = "coach-demo-2026",
) -> WorkloadSummary:
    """Fill an empty, migrated database with the workload; deterministic for a seed."""
    if people < 1 or rounds < 2:
        raise InvalidInput("The workload needs at least one supervisor and two rounds.")
    instrument = instrument or bank.load_bank(PACKAGE_ROOT / "assessments").current(
        "leadcoach-core"
    )
    shape = Shape(people, rounds)
    with engine.connect() as connection:
        if connection.execute(select(func.count()).select_from(Person)).scalar():
            raise InvalidInput("The workload goes into an empty database; this one has people.")
    summary = WorkloadSummary(people, shape.teams, shape.coaches, shape.cohorts, rounds)
    password_hash = accounts.hash_password(password)  # one hash for all (~140 ms each)
    timestamp = _timestamp_writer(engine)
    began = time.perf_counter()
    with Session(engine) as session:
        instrument_row_id = instruments.freeze(session=session, instrument=instrument).id
        session.commit()
    with engine.begin() as connection:
        _write_organisation(connection, shape, today, password_hash, summary)
    load = time.perf_counter() - began
    generate = answer_load = 0.0
    chunks = generate_chunks(
        instrument, people=people, rounds=rounds, seed=seed, today=today,
        instrument_row_id=instrument_row_id, timestamp=timestamp,
    )  # fmt: skip
    started = time.perf_counter()
    deferred = _defer_checks(engine)
    load += time.perf_counter() - started
    while True:
        started = time.perf_counter()
        chunk = next(chunks, None)
        generate += time.perf_counter() - started
        if chunk is None:
            break
        started = time.perf_counter()
        with engine.begin() as connection:
            bulk_write(connection, "assessmentdraft", DRAFT_COLUMNS, chunk.drafts)
            answers_began = time.perf_counter()
            bulk_write(connection, "answer", ANSWER_COLUMNS, chunk.answers)
            answer_load += time.perf_counter() - answers_began
            bulk_write(connection, "submission", SUBMISSION_COLUMNS, chunk.submissions)
            bulk_write(connection, "skillscore", SKILL_SCORE_COLUMNS, chunk.skill_scores)
        load += time.perf_counter() - started
        summary.submissions += len(chunk.submissions)
        summary.answers += len(chunk.answers)
        summary.skill_scores += len(chunk.skill_scores)
    started = time.perf_counter()
    _restore_checks(engine, deferred)
    _finish(engine)
    load += time.perf_counter() - started
    summary.generate_seconds, summary.load_seconds = generate, load
    summary.answer_load_seconds = answer_load
    return summary


def _write_organisation(
    connection, shape: Shape, today: date, password_hash: str, summary: WorkloadSummary
) -> None:
    """Teams, coaches, staff, supervisors, accounts, cohorts, members and rounds."""
    now = datetime.combine(today, datetime.min.time(), UTC)
    connection.execute(
        insert(Team),
        [
            {"id": team + 1, "name": f"{SITES[team % len(SITES)][0]} team {team + 1:03d}",
             "site": SITES[team % len(SITES)][0], "vendor": SITES[team % len(SITES)][1]}
            for team in range(shape.teams)
        ],
    )  # fmt: skip
    people = []

    def person(name, email, role, team=None, **extra) -> int:
        site = SITES[team % len(SITES)] if team is not None else SITES[0]
        people.append(
            {"id": len(people) + 1, "name": name, "email": email, "role": role.value,
             "team_id": None if team is None else team + 1, "site": site[0], "vendor": site[1],
             "language": site[2], "start_date": None, "manages_remote": False,
             "oversees_vendor": False, "created_at": now, **extra}
        )  # fmt: skip
        return len(people)

    coach_ids = [
        person(f"Coach {c + 1:03d}", f"coach{c + 1:03d}@{DOMAIN}", Role.COACH)
        for c in range(shape.coaches)
    ]
    summary.coach_email = f"coach001@{DOMAIN}"
    person("HR One", f"hr1@{DOMAIN}", Role.HR)
    person("HR Two", f"hr2@{DOMAIN}", Role.HR)
    person("Admin One", f"admin@{DOMAIN}", Role.ADMIN)
    summary.hr_email, summary.admin_email = f"hr1@{DOMAIN}", f"admin@{DOMAIN}"
    starts = [shape.cohort_start(c, today) for c in range(shape.cohorts)]
    for index in range(shape.people):
        team = shape.team_of(index)
        name = f"{FIRST[index % len(FIRST)]} {LAST[(index // len(FIRST)) % len(LAST)]}"
        person(
            name, supervisor_email(index), Role.SUPERVISOR, team,
            start_date=starts[shape.cohort_of(index)], manages_remote=True,
            oversees_vendor=SITES[team % len(SITES)][1] is not None,
        )  # fmt: skip
    summary.supervisor_email = supervisor_email(0)
    connection.execute(insert(Person), people)
    connection.execute(
        insert(Account),
        [
            {"id": p["id"], "person_id": p["id"], "password_hash": password_hash,
             "failed_attempts": 0, "created_at": now}
            for p in people
        ],
    )  # fmt: skip
    coached = [
        {"team_id": team + 1, "coach_id": coach_ids[team * shape.coaches // shape.teams]}
        for team in range(shape.teams)
    ]
    connection.execute(insert(TeamCoach), coached)
    summary.coach_team_ids = [c["team_id"] for c in coached if c["coach_id"] == coach_ids[0]]
    connection.execute(
        insert(Cohort),
        [
            {"id": c + 1, "name": f"Intake {starts[c]:%Y-%m-%d}", "start_date": starts[c],
             "description": f"New supervisors from {starts[c]}"}
            for c in range(shape.cohorts)
        ],
    )  # fmt: skip
    connection.execute(
        insert(CohortRound),
        [
            {"id": c * shape.rounds + r + 1, "cohort_id": c + 1,
             "name": "Baseline" if r == 0 else f"Day {r * ROUND_SPACING_DAYS}",
             "opens_on": starts[c] + timedelta(days=r * ROUND_SPACING_DAYS),
             "closes_on": starts[c] + timedelta(days=r * ROUND_SPACING_DAYS + ROUND_WINDOW_DAYS)}
            for c in range(shape.cohorts)
            for r in range(shape.rounds)
        ],
    )  # fmt: skip
    first_supervisor = shape.coaches + 3 + 1
    connection.execute(
        insert(CohortMember),
        [
            {"cohort_id": shape.cohort_of(index) + 1, "person_id": first_supervisor + index}
            for index in range(shape.people)
        ],
    )


# The tables written in bulk. On PostgreSQL their foreign keys, unique constraints and
# secondary indexes are dropped for the load and rebuilt after it, as PostgreSQL's manual
# advises ("Populating a Database", 14.4): one sort per index and one join per foreign
# key instead of millions of single-row index inserts and key look-ups. Primary keys stay.
BULK_TABLES = ["assessmentdraft", "answer", "submission", "skillscore"]
_CHECKS = """
SELECT 'ALTER TABLE ' || conrelid::regclass || ' DROP CONSTRAINT ' || quote_ident(conname),
       'ALTER TABLE ' || conrelid::regclass || ' ADD CONSTRAINT ' || quote_ident(conname)
           || ' ' || pg_get_constraintdef(oid),
       contype = 'f'
FROM pg_constraint
WHERE conrelid::regclass::text = ANY(:tables) AND contype IN ('f', 'u')
UNION ALL
SELECT 'DROP INDEX ' || indexrelid::regclass, pg_get_indexdef(indexrelid), false
FROM pg_index
WHERE indrelid::regclass::text = ANY(:tables) AND NOT indisprimary
  AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = pg_index.indexrelid)
"""


def _defer_checks(engine: Engine) -> list[tuple[str, str, bool]]:
    """PostgreSQL: drop the bulk tables' checks; (drop, create, is a foreign key) each."""
    if engine.dialect.name != "postgresql":
        return []
    with engine.begin() as connection:
        checks = [tuple(row) for row in connection.execute(text(_CHECKS), {"tables": BULK_TABLES})]
        for drop, _, _ in sorted(checks, key=lambda check: not check[2]):  # keys first
            connection.execute(text(drop))
    return checks


def _restore_checks(engine: Engine, checks: list[tuple[str, str, bool]]) -> None:
    """Rebuild what `_defer_checks` dropped: indexes and unique constraints, then keys."""
    with engine.begin() as connection:
        for _, create, _ in sorted(checks, key=lambda check: check[2]):
            connection.execute(text(create))


SEQUENCED = ["team", "person", "account", "cohort", "cohortround", "assessmentdraft",
             "submission", "skillscore"]  # fmt: skip


def _finish(engine: Engine) -> None:
    """PostgreSQL sequences past the ids written here; fresh planner statistics."""
    with engine.begin() as connection:
        if engine.dialect.name == "postgresql":
            for table in SEQUENCED:
                connection.execute(
                    text(
                        f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                        f"(SELECT COALESCE(MAX(id), 0) + 1 FROM {table}), false)"
                    )
                )
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
        connection.execute(text("ANALYZE"))


# --- KPIs (issue 23) ----------------------------------------------------------------------

KPI_MONTHS = 36  # 400 teams x 36 months x 10 measures = 144,000 values at full scale
# key -> (typical level, month-to-month sd), inside each measure's valid range.
KPI_LEVELS = {
    "aht": (420.0, 12.0), "csat": (82.0, 1.5), "fcr": (71.0, 1.5), "quality": (85.0, 1.2),
    "adherence": (90.0, 1.0), "service_level": (80.0, 2.0), "absenteeism": (5.0, 0.6),
    "attrition": (3.0, 0.5), "abandon_rate": (5.0, 0.6), "contacts_handled": (30000.0, 1500.0),
}  # fmt: skip


def kpi_file(engine: Engine, months: int = KPI_MONTHS, seed: int = SEED) -> bytes:
    """A workforce-management export of every team's monthly values of the ten catalogue
    measures (CSV, UTF-8), ending the month before TODAY: what `import-kpis` is given."""
    with engine.connect() as connection:
        teams = connection.execute(select(Team.name).order_by(Team.id)).scalars().all()
    rng = np.random.default_rng(seed + 23)
    last = TODAY.year * 12 + TODAY.month - 2
    periods = [f"{(last - i) // 12}-{(last - i) % 12 + 1:02d}" for i in range(months - 1, -1, -1)]
    lines = ["team,period,measure,value,contacts"]
    for team in teams:
        contacts = rng.integers(20_000, 40_000, size=months)
        for key, (level, sd) in KPI_LEVELS.items():
            values = np.clip(level + rng.normal(0, sd, size=months), 0, None)
            if key == "contacts_handled":
                values = contacts.astype(float)
            lines.extend(
                f"{team},{period},{key},{value:.2f},{count}"
                for period, value, count in zip(periods, values, contacts, strict=True)
            )
    return ("\n".join(lines) + "\n").encode()


# --- multi-rater (360) feedback, issue 22 (h-360-report) ---------------------------------
# Two closed feedback rounds per supervisor, one per cohort campaign, each with the
# supervisor's own form and six raters (the manager, three direct reports, two peers: the
# peers stay below the minimum of three, so every report also exercises the gate). Written
# by the same bulk path as the answers.
FEEDBACK_CAMPAIGNS = (("360 first", 200), ("360 second", 20))  # (name, days before TODAY)
FEEDBACK_RATERS = (("self", 1), ("manager", 1), ("direct_report", 3), ("peer", 2))
ROUND_COLUMNS = ("id", "supervisor_id", "cohort_id", "campaign", "instrument_id", "opens_on",
                 "closes_on", "status", "created_at", "closed_at")  # fmt: skip
NOMINATION_COLUMNS = ("id", "round_id", "rater_name", "rater_group", "status", "created_at")
FORM_COLUMNS = ("id", "nomination_id", "round_id", "supervisor_id", "rater_group",
                "instrument_id", "token_hash", "failed_attempts", "expires_at", "status",
                "language", "keep_doing", "do_differently", "created_at",
                "submitted_at")  # fmt: skip
RATER_ANSWER_COLUMNS = ("form_id", "item_id", "value", "answered_at")
RATER_SCORE_COLUMNS = ("form_id", "skill_id", "score", "answered", "applicable")


@dataclass
class FeedbackSummary:
    rounds: int = 0
    forms: int = 0
    answers: int = 0
    load_seconds: float = 0.0
    generate_seconds: float = 0.0
    # Raw sqlite3.executemany of the same rater answer rows (issue 22: loading stays <= 2x
    # raw executemany), timed chunk by chunk beside the load; 0 when not asked for.
    raw_answer_seconds: float = 0.0


def build_feedback(
    engine: Engine,
    summary: WorkloadSummary,
    *,
    instrument: bank.Instrument,
    seed: int = SEED,
    today: date = TODAY,
    raw_baseline: Callable[[list[tuple]], float] | None = None,
) -> FeedbackSummary:
    """Add two closed 360 rounds per supervisor to a built workload (see above).
    `raw_baseline` (the bench's): times the raw executemany of each chunk's answer rows,
    outside the load's clock, so the two are measured in the same minutes."""
    shape = Shape(summary.people, summary.rounds)
    timestamp = _timestamp_writer(engine)
    result = FeedbackSummary()
    with Session(engine) as session:
        instrument_row_id = instruments.freeze(session=session, instrument=instrument).id
        session.commit()
    skills = [skill.id for skill in instrument.skills]
    rule = scoring.RATER_MIN_PROPORTION  # as rater_forms.score_rows stores them
    tags = {False: frozenset({"remote_or_offshore"}),
            True: frozenset({"remote_or_offshore", "vendor"})}  # fmt: skip
    items = {
        (vendor, group): [
            (skill.id, item.id, item.reverse)
            for skill, item in (
                instrument.items_for(tags[vendor]) if group == "self"
                else instrument.rater_items_for(group, tags[vendor])
            )
        ]
        for vendor in (False, True)
        for group, _ in FEEDBACK_RATERS
    }  # fmt: skip
    first_person_id = shape.coaches + 3 + 1
    form_id = 0
    for start in range(0, summary.people, CHUNK_PEOPLE):
        began = time.perf_counter()
        rounds, nominations, forms, answers, scores = [], [], [], [], []
        for index in range(start, min(summary.people, start + CHUNK_PEOPLE)):
            supervisor = first_person_id + index
            vendor = SITES[shape.team_of(index) % len(SITES)][1] is not None
            rng = np.random.default_rng([seed, index, 360])
            level = rng.normal(3.0, 0.5, len(skills))
            for number, (campaign, days_before) in enumerate(FEEDBACK_CAMPAIGNS):
                round_id = index * len(FEEDBACK_CAMPAIGNS) + number + 1
                closes = today - timedelta(days=days_before)
                stamp = timestamp(datetime.combine(closes, datetime.min.time(), UTC))
                rounds.append(
                    (round_id, supervisor, shape.cohort_of(index) + 1, campaign,
                     instrument_row_id, closes - timedelta(days=21), closes, "closed", stamp,
                     stamp)
                )  # fmt: skip
                for group, count in FEEDBACK_RATERS:
                    asked = items[(vendor, group)]
                    bias = 0.4 if group == "self" else 0.0  # new supervisors rate higher
                    for _ in range(count):
                        form_id += 1
                        nominations.append(
                            (form_id, round_id, f"Rater {form_id}", group, "approved", stamp)
                        )
                        forms.append(
                            (form_id, form_id, round_id, supervisor, group, instrument_row_id,
                             f"{form_id:064x}", 0, stamp, "submitted", "en", "", "", stamp,
                             stamp)
                        )  # fmt: skip
                        noise = rng.normal(0.0, 0.7, len(asked))
                        skip = rng.random(len(asked)) < 0.05
                        per_skill: dict[str, list[int]] = {}
                        applicable: dict[str, int] = {}
                        for (skill, item, reverse), e, skipped in zip(
                            asked, noise.tolist(), skip.tolist(), strict=True
                        ):
                            applicable[skill] = applicable.get(skill, 0) + 1
                            if skipped:
                                continue
                            keyed = int(min(5, max(1, round(level[skills.index(skill)] + bias
                                                            + 0.2 * number + e))))  # fmt: skip
                            answers.append((form_id, item, 6 - keyed if reverse else keyed, stamp))
                            per_skill.setdefault(skill, []).append(keyed)
                        for skill, total in applicable.items():
                            got = per_skill.get(skill, [])
                            enough = scoring.enough_answered(len(got), total, rule)
                            score = scoring.pomp(sum(got) / len(got)) if enough else None
                            scores.append((form_id, skill, score, len(got), total))
        result.generate_seconds += time.perf_counter() - began
        began = time.perf_counter()
        with engine.begin() as connection:
            bulk_write(connection, "feedbackround", ROUND_COLUMNS, rounds)
            bulk_write(connection, "raternomination", NOMINATION_COLUMNS, nominations)
            bulk_write(connection, "raterform", FORM_COLUMNS, forms)
            bulk_write(connection, "rateranswer", RATER_ANSWER_COLUMNS, answers)
            bulk_write(connection, "raterskillscore", RATER_SCORE_COLUMNS, scores)
        result.load_seconds += time.perf_counter() - began
        if raw_baseline is not None:
            result.raw_answer_seconds += raw_baseline(answers)
        result.rounds += len(rounds)
        result.forms += len(forms)
        result.answers += len(answers)
    began = time.perf_counter()
    with engine.begin() as connection:
        if engine.dialect.name == "postgresql":
            for table in ("feedbackround", "raternomination", "raterform"):
                connection.execute(
                    text(
                        f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                        f"(SELECT COALESCE(MAX(id), 0) + 1 FROM {table}), false)"
                    )
                )
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
        connection.execute(text("ANALYZE"))
    result.load_seconds += time.perf_counter() - began
    return result
