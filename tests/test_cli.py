"""The command line: every command works, says what is wrong, and exits accordingly."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest
from sqlmodel import func, select

from leadcoach import cli
from leadcoach.cli import main
from leadcoach.platform.config import PACKAGE_ROOT, Settings
from leadcoach.platform.db import make_engine, migrate, session_scope
from leadcoach.platform.models import Person, Submission
from tests import REPO_ROOT
from tests.factories import build_org

COMMANDS = [
    "init",
    "serve",
    "demo",
    "check-bank",
    "create-user",
    "import-roster",
    "backup",
    "restore",
    "send-due",
    "worker",
    "bench",
    "import-kpis",  # issue 23
    "reports",  # issue 24
]


def _run(*args: str, env_url: str | None = None, stdin: str = "") -> subprocess.CompletedProcess:
    import os

    env = dict(os.environ)
    if env_url:
        env["LEADCOACH_DATABASE_URL"] = env_url
    return subprocess.run(
        [sys.executable, "-m", "leadcoach", *args],
        cwd=REPO_ROOT,
        env=env,
        input=stdin,
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.mark.parametrize("command", COMMANDS)
def test_every_command_has_help(command, capsys):
    # In this process: the command line's own start is the subprocess tests' below.
    with pytest.raises(SystemExit) as exit_:
        main([command, "--help"])
    assert exit_.value.code == 0
    assert "usage: leadcoach" in capsys.readouterr().out


def test_unknown_command_is_a_usage_error():
    result = _run("frobnicate")
    assert result.returncode == 2
    assert "invalid choice" in result.stderr


def test_check_bank_accepts_the_shipped_questionnaire():
    result = _run("check-bank")
    assert result.returncode == 0, result.stderr
    assert "ok: leadcoach-core" in result.stdout
    assert "12 skills, 72 items, 21 scenarios" in result.stdout
    # Issue 25: each translation's state, per language.
    for code in ("ar", "es", "fr"):
        assert re.search(
            rf"translation of leadcoach-core 1\.1\.0: {code} \(.+\): (\d+) of \1 texts "
            r"translated, 0 missing, 0 outdated; drafted, needs review",
            result.stdout,
        ), result.stdout


def test_check_bank_names_the_file_and_place_of_a_problem(tmp_path: Path):
    text = (PACKAGE_ROOT / "assessments" / "leadcoach-core-1.0.0.yaml").read_text()
    (tmp_path / "broken.yaml").write_text(text.replace("id: DEC2", "id: DEC1", 1))
    result = _run("check-bank", "--dir", str(tmp_path))
    assert result.returncode == 1
    assert "broken.yaml" in result.stderr
    assert "DEC1" in result.stderr
    assert "Traceback" not in result.stderr


def test_init_demo_and_create_user(tmp_path: Path):
    url = f"sqlite:///{tmp_path / 'cli.db'}"
    assert _run("init", env_url=url).returncode == 0
    demo = _run("demo", env_url=url)
    assert demo.returncode == 0, demo.stderr
    assert "Demo loaded" in demo.stdout
    again = _run("demo", env_url=url)
    assert again.returncode == 1
    assert "already has people" in again.stderr
    created = _run(
        "create-user",
        "--name",
        "Zoe Quinn",
        "--email",
        "zoe.quinn@example.com",
        "--role",
        "supervisor",
        "--team",
        "Leeds Billing",
        "--password-stdin",
        env_url=url,
        stdin="a sufficiently long password\n",
    )
    assert created.returncode == 0, created.stderr
    bad_team = _run(
        "create-user",
        "--name",
        "Yan",
        "--email",
        "yan@example.com",
        "--role",
        "coach",
        "--team",
        "No Such Team",
        "--password-stdin",
        env_url=url,
        stdin="a sufficiently long password\n",
    )
    assert bad_team.returncode == 1
    assert "no team named 'No Such Team'" in bad_team.stderr
    short = _run(
        "create-user",
        "--name",
        "Yan",
        "--email",
        "yan@example.com",
        "--role",
        "coach",
        "--password-stdin",
        env_url=url,
        stdin="short\n",
    )
    assert short.returncode == 1
    assert "at least 12 characters" in short.stderr
    engine = make_engine(Settings(database_url=url))
    with session_scope(engine) as session:
        # The demo's people (issue 25 added its language teams) and the one created.
        assert session.exec(select(func.count()).select_from(Person)).one() == 243
        assert session.exec(select(func.count()).select_from(Submission)).one() > 20


def test_main_returns_exit_codes_in_process(tmp_path: Path, capsys):
    settings = Settings(database_url=f"sqlite:///{tmp_path / 'x.db'}")
    assert cli.main(["init"], settings=settings) == 0
    assert "Database ready" in capsys.readouterr().out


def test_import_roster_checks_the_whole_file_and_is_idempotent(tmp_path, capsys):
    settings = Settings(database_url=f"sqlite:///{tmp_path / 'cli.db'}")
    migrate(settings)
    with session_scope(make_engine(settings)) as session:
        org = build_org(session)
        hr_email = session.get(Person, org.hr).email
    good = "name,email,role,team\nZoe New,zoe@test.example,supervisor,Team A\n"
    bad = good + "Yan Broken,yan@,supervisor,Team A\n"
    (tmp_path / "bad.csv").write_text(bad)
    (tmp_path / "good.csv").write_text(good)

    refused = main(["import-roster", str(tmp_path / "bad.csv"), "--as", hr_email], settings)
    out = capsys.readouterr()
    assert refused == 1 and 'Row 3, column "email"' in out.err
    assert "Nothing was imported" in out.out

    rejected = tmp_path / "rejected.csv"
    args = [
        "import-roster",
        str(tmp_path / "bad.csv"),
        "--as",
        hr_email,
        "--clean-rows",
        "--rejected",
        str(rejected),
    ]
    assert main(args, settings) == 0
    assert "yan@" in rejected.read_text(encoding="utf-8-sig")
    again = main(["import-roster", str(tmp_path / "good.csv"), "--as", hr_email], settings)
    assert again == 0 and "unchanged" in capsys.readouterr().out
    assert main(["import-roster", str(tmp_path / "nope.csv"), "--as", hr_email], settings) == 1
    assert main(["import-roster", str(tmp_path / "good.csv"), "--as", "x@y.z"], settings) == 1


def test_import_roster_refuses_a_damaged_or_binary_file_with_a_message(tmp_path, capsys):
    """A zip of junk named .xlsx crashed the command with "ParseError: unclosed token"."""
    import shutil

    settings = Settings(database_url=f"sqlite:///{tmp_path / 'cli.db'}")
    migrate(settings)
    with session_scope(make_engine(settings)) as session:
        hr_email = session.get(Person, build_org(session).hr).email
    corpus = REPO_ROOT / "tests" / "data" / "rosters"
    for name, message in [
        ("junk.xlsx", "This file is not a readable Excel workbook (.xlsx)"),
        ("image.csv", "This file is not a text (CSV) file"),
    ]:
        shutil.copy(corpus / name, tmp_path / name)
        assert main(["import-roster", str(tmp_path / name), "--as", hr_email], settings) == 1
        out = capsys.readouterr()
        assert out.err.startswith(message) and "Traceback" not in out.err
        assert "Nothing was imported" in out.out


def test_import_roster_says_which_sheets_it_did_not_read(tmp_path, capsys):
    from openpyxl import Workbook

    settings = Settings(database_url=f"sqlite:///{tmp_path / 'cli.db'}")
    migrate(settings)
    with session_scope(make_engine(settings)) as session:
        hr_email = session.get(Person, build_org(session).hr).email
    workbook = Workbook()
    workbook.active.title = "Intake"
    workbook.active.append(["name", "email", "role", "team"])
    workbook.active.append(["Zoe New", "zoe@test.example", "supervisor", "Team A"])
    workbook.create_sheet("Leavers").append(["Old Name", "old@test.example"])
    workbook.save(tmp_path / "intake.xlsx")
    assert main(["import-roster", str(tmp_path / "intake.xlsx"), "--as", hr_email], settings) == 0
    out = capsys.readouterr()
    assert "Only the first sheet, 'Intake', was read; sheet 'Leavers' was ignored." in out.err
    assert "1 created" in out.out


def test_send_due_without_a_mail_server_queues_and_says_so_and_the_worker_stops_on_sigterm(
    tmp_path: Path,
):
    import os
    import signal

    url = f"sqlite:///{tmp_path / 'mail.db'}"
    assert _run("demo", "--today", "2026-11-02", env_url=url).returncode == 0
    first = _run("send-due", env_url=url)
    assert first.returncode == 0, first.stderr
    assert "No mail server is set (LEADCOACH_SMTP_HOST)" in first.stdout
    queued = int(first.stdout.split("queued ")[1].split(" new")[0])
    assert queued > 0
    again = _run("send-due", env_url=url)
    assert "queued 0 new" in again.stdout  # idempotent
    worker = subprocess.Popen(
        [sys.executable, "-m", "leadcoach", "worker", "--interval", "1"],
        cwd=REPO_ROOT, env={**os.environ, "LEADCOACH_DATABASE_URL": url},
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip
    lines = [worker.stdout.readline(), worker.stdout.readline()]
    worker.send_signal(signal.SIGTERM)
    out, _ = worker.communicate(timeout=60)
    assert worker.returncode == 0
    assert lines[0].startswith("Worker started") and "queued 0 new" in lines[1]
    assert out.strip().endswith("Worker stopped.")
