"""`pip install .` into a fresh virtualenv outside the project folder gives a `leadcoach`
command whose `demo` and `serve` work from any folder: the questionnaires, migrations and
pages ship inside the package."""

from __future__ import annotations

import os
import subprocess
import sys
import sysconfig
import venv
from pathlib import Path

import pytest

from leadcoach.devtools.servers import free_port, stop_process, wait_until_answered
from tests import REPO_ROOT
from tests.e2e.conftest import PASSWORD, sign_in

pytestmark = pytest.mark.e2e


def _run(arguments: list, cwd: Path, env: dict | None = None) -> str:
    result = subprocess.run(
        [str(a) for a in arguments], cwd=cwd, env=env, capture_output=True, text=True, timeout=300
    )
    assert result.returncode == 0, result.stdout + result.stderr
    return result.stdout


@pytest.fixture(scope="module")
def installed(tmp_path_factory) -> Path:
    """A fresh virtualenv with LeadCoach installed from a copy of the tracked files (so that a
    stale build folder in the checkout cannot hide a file missing from the package). Its
    dependencies are the test environment's, made visible with a .pth file, so the test
    installs no package from the network and only checks what this project builds."""
    root = tmp_path_factory.mktemp("install")
    source = root / "source"
    tracked = _run(["git", "ls-files", "-z"], REPO_ROOT).split("\0")
    for name in filter(None, tracked):
        if (REPO_ROOT / name).is_file():
            (source / name).parent.mkdir(parents=True, exist_ok=True)
            (source / name).write_bytes((REPO_ROOT / name).read_bytes())
    environment = root / "venv"
    venv.create(environment, with_pip=False)
    site = environment / "lib" / f"python{sys.version_info[0]}.{sys.version_info[1]}"
    (site / "site-packages" / "test-dependencies.pth").write_text(
        sysconfig.get_paths()["purelib"] + "\n"
    )
    python = environment / "bin" / "python"
    _run([sys.executable, "-m", "pip", "--python", python, "install", "--quiet", "--no-deps",
          "--no-build-isolation", "--disable-pip-version-check", source], root)  # fmt: skip
    return environment


def test_the_installed_command_runs_the_demo_and_the_app_from_any_folder(
    installed, tmp_path, browser
):
    command = installed / "bin" / "leadcoach"
    env = {k: v for k, v in os.environ.items() if not k.startswith("LEADCOACH_")}
    # Not the checkout: the installed package must not read anything from it.
    code = "import leadcoach; print(leadcoach.__file__)"
    where = _run([installed / "bin" / "python", "-c", code], tmp_path, env)
    assert str(installed) in where and str(REPO_ROOT) not in where
    assert "Demo loaded" in _run([command, "demo", "--today", "2026-11-02"], tmp_path, env)
    assert (tmp_path / "data" / "leadcoach.db").exists()  # runtime data where it was started

    port = free_port()
    log = tmp_path / "serve.log"
    with log.open("w") as handle:
        server = subprocess.Popen(
            [command, "serve", "--server.port", str(port), "--server.headless", "true",
             "--server.address", "127.0.0.1"],
            cwd=tmp_path, env=env, stdout=handle, stderr=subprocess.STDOUT,
        )  # fmt: skip
    try:
        url = f"http://127.0.0.1:{port}"
        wait_until_answered(f"{url}/_stcore/health", server, log, seconds=90, what="the app")
        page = browser.new_page()
        page.set_default_timeout(30_000)
        sign_in(page, f"{url}/results", "ana.lima@demo.leadcoach.example", PASSWORD)
        page.get_by_role("heading", name="Results").wait_for()
        page.close()
    finally:
        stop_process(server)
