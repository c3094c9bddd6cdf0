"""The README stays honest: every setting and every CLI command is documented."""

from __future__ import annotations

import re

from leadcoach.platform.config import Settings
from tests import REPO_ROOT
from tests.test_cli import COMMANDS

README = (REPO_ROOT / "README.md").read_text()


def test_every_setting_is_in_the_readme():
    missing = [
        f"LEADCOACH_{name.upper()}"
        for name in Settings.model_fields
        if f"LEADCOACH_{name.upper()}" not in README
    ]
    assert missing == []


def test_every_cli_command_is_in_the_readme():
    from leadcoach.cli import _parser

    subparsers = next(a for a in _parser()._actions if a.dest == "command")
    assert set(subparsers.choices) == set(COMMANDS)
    missing = [c for c in COMMANDS if f"python -m leadcoach {c}" not in README]
    assert missing == []


def test_the_readme_has_exactly_the_two_setup_commands_and_ci_runs_the_test_one():
    block = re.search(r"## Set up and run\n(.*?)\n## ", README, re.S).group(1)
    commands = re.findall(r"^    (make \w+)$|^```sh\n(.*?)\n```", block, re.M)
    flat = [c for pair in commands for c in pair if c]
    assert flat == ["make run", "make test"]
    assert "make test" in (REPO_ROOT / ".ci" / "run").read_text()


def test_the_demo_password_in_the_readme_is_the_real_default():
    assert f"`{Settings().demo_password}`" in README


def test_the_roster_row_limit_in_the_readme_is_the_real_one():
    from leadcoach.programmes.roster import MAX_ROWS

    section = README.split("### Roster files", 1)[1].split("\n## ", 1)[0]
    assert f"**At most {MAX_ROWS:,} people a file**" in section
    assert f"files of at most {MAX_ROWS:,} rows" in section
