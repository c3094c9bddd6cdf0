"""The layering of ../shared/DESIGN.md is held by import-linter's contracts in pyproject.toml
(`make test` runs `lint-imports`): here the real tree keeps them, and a copy of it with one
forbidden import added breaks the contract that names it."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests import REPO_ROOT

LINT_IMPORTS = Path(sys.executable).parent / "lint-imports"


def _lint(root: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        [str(LINT_IMPORTS), "--no-cache"], cwd=root, capture_output=True, text=True, timeout=120
    )


def test_the_tree_keeps_every_contract():
    result = _lint(REPO_ROOT)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "0 broken" in result.stdout


@pytest.mark.parametrize(
    ("module", "line", "contract"),
    [
        # A domain reaching up into the Streamlit side.
        ("platform/errors.py", "from leadcoach.ui import tables", "The ui (pages included)"),
        # Two domains of one layer that must stay independent.
        ("coaching/notes.py", "from leadcoach.programmes import roster", "The ui (pages included)"),
        # The core drawing on Streamlit itself.
        ("measurement/spread.py", "import streamlit", "Only ui imports Streamlit"),
        # The product importing the development tools.
        (
            "ui/tables.py",
            "from leadcoach.devtools import workload",
            "The product never imports",
        ),
    ],
)
def test_a_forbidden_import_breaks_its_contract(tmp_path, module, line, contract):
    shutil.copy(REPO_ROOT / "pyproject.toml", tmp_path)
    shutil.copytree(
        REPO_ROOT / "leadcoach",
        tmp_path / "leadcoach",
        ignore=shutil.ignore_patterns("__pycache__"),
    )
    target = tmp_path / "leadcoach" / module
    target.write_text(target.read_text() + f"\n{line}  # noqa\n")
    result = _lint(tmp_path)
    assert result.returncode == 1, result.stdout
    broken = [row for row in result.stdout.splitlines() if " BROKEN" in row]
    assert any(row.startswith(contract) for row in broken), result.stdout
