"""Command line for admins: `python -m leadcoach COMMAND` (or `leadcoach COMMAND`)."""

from __future__ import annotations

import argparse
import getpass
import os
import sys
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from leadcoach.instrument import bank, translations
from leadcoach.people import accounts
from leadcoach.platform.config import Settings, get_settings
from leadcoach.platform.db import make_engine, migrate, session_scope
from leadcoach.platform.errors import LeadCoachError
from leadcoach.platform.models import Role, Team

if TYPE_CHECKING:
    from sqlmodel import Session

    from leadcoach.people.access import Viewer
    from leadcoach.programmes.kpis import KpiImportResult
    from leadcoach.programmes.roster import ImportResult

EXIT_OK, EXIT_FAILED, EXIT_USAGE = 0, 1, 2


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="leadcoach",
        description="LeadCoach administration. The database is LEADCOACH_DATABASE_URL "
        "(SQLite under data/ by default).",
    )
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    commands.add_parser("init", help="create or upgrade the database (apply migrations)")
    serve = commands.add_parser(
        "serve",
        help="start the app (Streamlit options such as --server.port 8502 may follow)",
        description="Start the app on the configured database, migrating it first. Any "
        "further arguments are Streamlit options, for example --server.port 8502.",
    )
    serve.set_defaults(options=[])  # filled with the arguments argparse does not know
    demo = commands.add_parser(
        "demo", help="load the demo organisation into an empty database (migrates first)"
    )
    demo.add_argument("--today", type=date.fromisoformat, help="anchor date, YYYY-MM-DD")
    check = commands.add_parser("check-bank", help="validate the questionnaire files")
    check.add_argument("--dir", type=Path, help="folder of YAML files (default: assessments/)")
    user = commands.add_parser("create-user", help="create a person with a local account")
    user.add_argument("--name", required=True)
    user.add_argument("--email", required=True)
    user.add_argument("--role", required=True, choices=[r.value for r in Role])
    user.add_argument("--team", help="team name (supervisors)")
    user.add_argument(
        "--password-stdin",
        action="store_true",
        help="read the password from standard input instead of prompting",
    )
    importer = commands.add_parser(
        "import-roster", help="import people, teams, coaches and cohorts from a CSV or XLSX file"
    )
    importer.add_argument("file", type=Path, metavar="FILE")
    importer.add_argument(
        "--as",
        dest="actor",
        required=True,
        metavar="EMAIL",
        help="the HR or admin person doing the import (recorded in the audit log)",
    )
    importer.add_argument("--create-teams", action="store_true", help="create missing teams")
    importer.add_argument(
        "--clean-rows",
        action="store_true",
        help="import the clean rows even when others have problems (default: all or nothing)",
    )
    importer.add_argument("--rejected", type=Path, help="write the rejected rows to this CSV")
    # --- KPIs (issue 23)
    kpi_import = commands.add_parser(
        "import-kpis",
        help="import teams' monthly KPI values (CSV or XLSX), e.g. a workforce-management export",
    )
    kpi_import.add_argument("file", type=Path, metavar="FILE")
    kpi_import.add_argument(
        "--as",
        dest="actor",
        required=True,
        metavar="EMAIL",
        help="the HR or admin person doing the import (recorded in the audit log)",
    )
    kpi_import.add_argument(
        "--clean-rows",
        action="store_true",
        help="import the clean rows even when others have problems (default: all or nothing)",
    )
    kpi_import.add_argument("--rejected", type=Path, help="write the rejected rows to this CSV")
    backup = commands.add_parser(
        "backup", help="copy the SQLite database to FILE (safe while the app runs)"
    )
    backup.add_argument("file", type=Path, metavar="FILE")
    restore = commands.add_parser(
        "restore", help="replace an empty SQLite database with the backup FILE, then migrate"
    )
    restore.add_argument("file", type=Path, metavar="FILE")
    restore.add_argument(
        "--force", action="store_true", help="replace the database even when it holds data"
    )
    commands.add_parser(
        "send-due",
        help="queue every email that is due and send what is ready (safe to run from cron)",
        description="One pass of the scheduler: queue the reminders and notices that are due "
        "(each at most once), then send the queued ones whose time has come over SMTP. Safe "
        "to run every few minutes from cron or a systemd timer, on several servers at once. "
        "Exits 1 when the mail server could not be reached (the emails stay queued).",
    )
    worker = commands.add_parser(
        "worker", help="run the scheduler's pass every --interval seconds until stopped"
    )
    worker.add_argument(
        "--interval",
        type=float,
        default=60.0,
        help="seconds between passes (default 60)",
    )
    bench = commands.add_parser(
        "bench", help="measure speed at scale on a generated workload in a temporary database"
    )
    bench.add_argument("--people", type=int, default=10_000, help="supervisors (default 10000)")
    bench.add_argument(
        "--database-url",
        help="PostgreSQL server to create the temporary database on (default: a SQLite file)",
    )
    bench.add_argument("--repeat", type=int, default=3, help="scales the repetitions (default 3)")
    bench.add_argument(
        "--browser",
        action=argparse.BooleanOptionalAction,
        default=False,
        help="also time pages in Chromium and the server's memory",
    )
    # --- issue 24: reports people keep ---
    reports = commands.add_parser(
        "reports",
        help="write every cohort member's PDF report to a ZIP (and the cohort's PDF and workbook)",
        description="Every member's personal report as one ZIP, for a scheduled job; with "
        "--cohort-report and --workbook also the cohort's PDF report and XLSX workbook. "
        "Each file is recorded in the audit log as exported by --as.",
    )
    reports.add_argument("--cohort", required=True, help="the cohort's name or number")
    reports.add_argument(
        "--as", dest="actor", required=True, metavar="EMAIL", help="the HR or admin person"
    )
    reports.add_argument("--out", type=Path, required=True, help="the ZIP file to write")
    reports.add_argument("--cohort-report", type=Path, help="also write the cohort's PDF here")
    reports.add_argument("--workbook", type=Path, help="also write the cohort's XLSX here")
    return parser


def main(argv: list[str] | None = None, settings: Settings | None = None) -> int:
    """Run one command; returns the process exit code."""
    parser = _parser()
    args, unknown = parser.parse_known_args(argv)
    if unknown and args.command != "serve":
        parser.error(f"unrecognized arguments: {' '.join(unknown)}")
    args.options = unknown
    settings = settings or get_settings()
    handler = {
        "init": _init,
        "serve": _serve,
        "demo": _demo,
        "check-bank": _check_bank,
        "create-user": _create_user,
        "import-roster": _import_roster,
        "import-kpis": _import_kpis,
        "backup": _backup,
        "restore": _restore,
        "send-due": _send_due,
        "worker": _worker,
        "bench": _bench,
        "reports": _reports,
    }[args.command]
    try:
        return handler(args, settings)
    except (LeadCoachError, bank.BankError) as error:
        print(f"error: {error}", file=sys.stderr)
        return EXIT_FAILED


def _init(_args: argparse.Namespace, settings: Settings) -> int:
    migrate(settings)
    print(f"Database ready: {_safe_url(settings)}")
    return EXIT_OK


def _serve(args: argparse.Namespace, _settings: Settings) -> int:
    # The app server replaces this process (the same start-up as `make run`); the command
    # line does not import the app's Streamlit side itself.
    command = [sys.executable, "-m", "leadcoach.ui.serve", *args.options]
    os.execv(sys.executable, command)
    return EXIT_FAILED  # not reached: execv only returns by raising


def _demo(args: argparse.Namespace, settings: Settings) -> int:
    from leadcoach.demo import DEMO_DOMAIN, load_demo

    instrument = bank.load_bank(settings.assessments_dir).current(settings.instrument_id)
    migrate(settings)
    with session_scope(make_engine(settings)) as session:
        summary = load_demo(
            session=session,
            instrument=instrument,
            password=settings.demo_password,
            today=args.today,
        )
    print(
        f"Demo loaded: {summary.people} people in {summary.teams} teams, "
        f"{summary.cohorts} cohorts, {summary.submissions} submitted assessments.\n"
        f"Sign in as e.g. ana.lima@{DEMO_DOMAIN} (supervisor), priya.shah@{DEMO_DOMAIN} "
        f"(coach), helen.okafor@{DEMO_DOMAIN} (HR), alex.morgan@{DEMO_DOMAIN} (admin); "
        "the password is in the README (LEADCOACH_DEMO_PASSWORD)."
    )
    return EXIT_OK


def _check_bank(args: argparse.Namespace, settings: Settings) -> int:
    loaded = bank.load_bank(args.dir or settings.assessments_dir)
    for instrument in loaded.instruments:
        items = sum(len(s.items) for s in instrument.skills)
        scenarios = sum(len(s.scenarios) for s in instrument.skills)
        print(
            f"ok: {instrument.label}: {len(instrument.skills)} skills, {items} items, "
            f"{scenarios} scenarios (hash {instrument.content_hash()[:12]})"
        )
    _check_translations(args.dir or settings.assessments_dir, loaded)
    return EXIT_OK


def _check_translations(directory: Path, loaded: bank.Bank) -> None:
    """Issue 25: per language, how many texts are translated, missing or outdated (a changed
    English text), as Forsta counts its translation files; never a failure by itself."""
    from leadcoach.instrument import translations

    tips_path = Path(directory) / bank.TIPS_FILE
    tips = bank.load_tips(tips_path) if tips_path.exists() else None
    for instrument_id in sorted({i.id for i in loaded.instruments}):
        instrument = loaded.current(instrument_id)
        sources = translations.source_texts(instrument, tips)
        found = translations.load_translations(Path(directory), instrument_id)
        for language in found.values():
            print(
                f"translation of {instrument.label}: "
                + translations.status(language, sources).line()
            )


def _create_user(args: argparse.Namespace, settings: Settings) -> int:
    from sqlmodel import select

    if args.password_stdin:
        password = sys.stdin.readline().rstrip("\n")
    else:
        password = getpass.getpass("Password (at least 12 characters): ")
    migrate(settings)
    with session_scope(make_engine(settings)) as session:
        team_id = None
        if args.team:
            team_id = session.exec(select(Team.id).where(Team.name == args.team)).first()
            if team_id is None:
                raise LeadCoachError(f"--team: there is no team named '{args.team}'.")
        person = accounts.create_person_with_account(
            session=session,
            name=args.name,
            email=args.email,
            role=Role(args.role),
            password=password,
            team_id=team_id,
        )
    print(f"Created {person.role} {person.name} <{person.email}>.")
    return EXIT_OK


def _import_roster(args: argparse.Namespace, settings: Settings) -> int:
    from leadcoach.programmes import roster

    if not args.file.is_file():
        raise LeadCoachError(f"FILE: {args.file} does not exist.")
    parsed = roster.read_roster(args.file.read_bytes(), args.file.name)
    for warning in parsed.warnings:
        print(warning, file=sys.stderr)
    migrate(settings)
    with session_scope(make_engine(settings)) as session:
        result = roster.import_roster(
            session=session,
            viewer=_viewer_as(session, args.actor),
            roster=parsed,
            mode="clean_rows" if args.clean_rows else "all_or_nothing",
            create_teams=args.create_teams,
        )
    return _import_outcome(result, args.rejected)


def _import_kpis(args: argparse.Namespace, settings: Settings) -> int:
    """Issue 23: the scheduled load of a workforce-management export; the same checks and
    messages as HR's Import KPIs page."""
    from leadcoach.programmes import kpis

    if not args.file.is_file():
        raise LeadCoachError(f"FILE: {args.file} does not exist.")
    parsed = kpis.read_kpi_file(args.file.read_bytes(), args.file.name)
    for warning in parsed.warnings:
        print(warning, file=sys.stderr)
    migrate(settings)
    with session_scope(make_engine(settings)) as session:
        result = kpis.import_kpis(
            session=session,
            viewer=_viewer_as(session, args.actor),
            file=parsed,
            mode="clean_rows" if args.clean_rows else "all_or_nothing",
        )
    return _import_outcome(result, args.rejected)


def _backup(args: argparse.Namespace, settings: Settings) -> int:
    from leadcoach.platform import backup

    result = backup.backup(settings=settings, target=args.file)
    print(
        f"Backed up {_safe_url(settings)} to {result.path}: {result.tables} tables, "
        f"{result.rows} rows, schema revision {result.revision}."
    )
    return EXIT_OK


def _restore(args: argparse.Namespace, settings: Settings) -> int:
    from leadcoach.platform import backup

    result = backup.restore(settings=settings, source=args.file, force=args.force)
    print(
        f"Restored {args.file} into {result.path} ({result.rows} rows"
        + (", replacing the previous database" if result.replaced else "")
        + f"); schema revision {result.revision_before} -> {result.revision_after}."
    )
    return EXIT_OK


def _send_due(_args: argparse.Namespace, settings: Settings) -> int:
    from leadcoach.messaging import scheduler

    instrument = bank.load_bank(settings.assessments_dir).current(settings.instrument_id)
    # Emails name skills in the recipient's language (issue 25).
    translations.load_for_showing(settings.assessments_dir, instrument)
    migrate(settings)
    engine = make_engine(settings)
    try:
        report = scheduler.run_pass(engine, settings, instrument)
    finally:
        engine.dispose()
    print(report.summary(settings.smtp_configured))
    return EXIT_FAILED if report.server_problem else EXIT_OK


def _worker(args: argparse.Namespace, settings: Settings) -> int:
    import signal
    import threading

    from leadcoach.messaging import scheduler

    if args.interval < 1:
        print("error: --interval must be at least 1 second", file=sys.stderr)
        return EXIT_USAGE
    instrument = bank.load_bank(settings.assessments_dir).current(settings.instrument_id)
    translations.load_for_showing(settings.assessments_dir, instrument)  # skills' names
    migrate(settings)
    stop = threading.Event()
    # systemd and docker stop with SIGTERM, a terminal with Ctrl+C: finish the pass, then exit.
    for signum in (signal.SIGTERM, signal.SIGINT):
        signal.signal(signum, lambda *_: stop.set())
    print(f"Worker started: a pass every {args.interval:g} s; stop with Ctrl+C or SIGTERM.")
    engine = make_engine(settings)
    try:
        scheduler.work(
            engine,
            settings,
            instrument,
            interval_seconds=args.interval,
            stop=stop,
            log=lambda line: print(line, flush=True),
        )
    finally:
        engine.dispose()
    print("Worker stopped.")
    return EXIT_OK


def _bench(args: argparse.Namespace, _settings: Settings) -> int:
    from leadcoach.devtools import bench

    if args.people < 1 or args.repeat < 1:
        print("error: --people and --repeat must be at least 1", file=sys.stderr)
        return EXIT_USAGE
    return bench.main(
        people=args.people,
        database_url=args.database_url,
        repeat=args.repeat,
        browser=args.browser,
    )


def _reports(args: argparse.Namespace, settings: Settings) -> int:
    """Issue 24: a cohort's reports for a scheduled job."""
    from sqlmodel import col, select

    from leadcoach.platform.models import Cohort
    from leadcoach.programmes import cohorts
    from leadcoach.reporting import batch, cohort_report, person_report, workbook

    migrate(settings)
    with session_scope(make_engine(settings)) as session:
        viewer = _viewer_as(session, args.actor)
        found = session.exec(
            select(Cohort.id).where(
                (Cohort.name == args.cohort)
                | (col(Cohort.id) == (int(args.cohort) if args.cohort.isdigit() else -1))
            )
        ).first()
        if found is None:
            raise LeadCoachError(f"--cohort: no cohort is called or numbered {args.cohort!r}.")
        inputs = person_report.inputs(session=session, settings=settings)

        def progress(done: int, total: int) -> None:
            print(f"\r{done} of {total} reports", end="", file=sys.stderr, flush=True)

        data = batch.cohort_zip(
            session=session, viewer=viewer, cohort_id=found, inputs=inputs, progress=progress
        )
        print(file=sys.stderr)
        written = [args.out]
        review = None
        if args.cohort_report or args.workbook:
            review = cohorts.cohort_review(
                session=session, viewer=viewer, cohort_id=found,
                instrument=inputs.instrument, min_group=settings.min_group_size,
            )  # fmt: skip
        if args.cohort_report:
            args.cohort_report.write_bytes(
                cohort_report.build(
                    session=session,
                    viewer=viewer,
                    cohort_id=found,
                    review=review,
                    thresholds=inputs.thresholds,
                    min_group=settings.min_group_size,
                    instrument=inputs.instrument,
                    translations=inputs.translations,
                )
            )
            written.append(args.cohort_report)
        if args.workbook:
            args.workbook.write_bytes(
                workbook.build(
                    session=session,
                    viewer=viewer,
                    cohort_id=found,
                    review=review,
                    instrument=inputs.instrument,
                    thresholds=inputs.thresholds,
                    min_group=settings.min_group_size,
                    translations=inputs.translations,
                )
            )
            written.append(args.workbook)
        args.out.write_bytes(data)
    print("Written: " + ", ".join(map(str, written)))
    return EXIT_OK


def _viewer_as(session: Session, email: str) -> Viewer:
    """The person a command acts as (`--as EMAIL`), with their rights."""
    from sqlmodel import select

    from leadcoach.people.access import load_viewer
    from leadcoach.platform.models import Person

    actor = session.exec(
        select(Person.id).where(Person.email == accounts.normalise_email(email))
    ).first()
    if actor is None:
        raise LeadCoachError(f"--as: no person has the email {email}.")
    return load_viewer(session=session, person_id=actor)


# An import of a whole year can have thousands of problems; a terminal shows the first ones
# and the count (the rejected-rows file has them all).
_SHOWN_PROBLEMS = 200


def _import_outcome(result: ImportResult | KpiImportResult, rejected: Path | None) -> int:
    """What the roster and KPI imports print: the problems, the rejected rows' file and
    the summary; the exit status says whether anything was written."""
    from leadcoach.reporting import exports

    messages = result.check.messages()
    for message in messages[:_SHOWN_PROBLEMS]:
        print(message, file=sys.stderr)
    if len(messages) > _SHOWN_PROBLEMS:
        print(f"... and {len(messages) - _SHOWN_PROBLEMS} more problems.", file=sys.stderr)
    if rejected and not result.rejected_rows.empty:
        rejected.write_bytes(exports.table_file(result.rejected_rows, "csv", people_headers=False))
        print(f"Rejected rows written to {rejected}.", file=sys.stderr)
    print(result.summary())
    return EXIT_OK if result.written else EXIT_FAILED


def _safe_url(settings: Settings) -> str:
    from sqlalchemy.engine import make_url

    return make_url(settings.database_url).render_as_string(hide_password=True)


if __name__ == "__main__":
    sys.exit(main())
