"""Starting and stopping the local servers that the benchmark and the browser tests drive:
a Streamlit server on a free loopback port, the identity provider, waiting until one answers."""

from __future__ import annotations

import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def serve(arguments: list[str], cwd: Path, env: dict, log: Path):
    """Start a Streamlit server on a free port; (process, url) once it answers /health.

    Shared with the browser tests (tests/e2e/conftest.py)."""
    port = free_port()
    handle = log.open("w")
    process = subprocess.Popen(
        [sys.executable, *arguments, "--server.headless", "true", "--server.port", str(port),
         "--server.address", "127.0.0.1", "--browser.gatherUsageStats", "false"],
        cwd=cwd, env=env, stdout=handle, stderr=subprocess.STDOUT,
    )  # fmt: skip
    url = f"http://127.0.0.1:{port}"
    wait_until_answered(f"{url}/_stcore/health", process, log, seconds=90, what="the server")
    return process, url


def wait_until_answered(address: str, process, log: Path, *, seconds: float, what: str) -> None:
    """Poll the address until it answers 200; stop the process and raise with its log if it
    exits first or does not answer in time."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"{what} exited early:\n{log.read_text()}")
        try:
            with urllib.request.urlopen(address, timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.3)
    process.kill()
    raise RuntimeError(f"{what} did not answer in {seconds:.0f} s:\n{log.read_text()}")


def stop_process(process: subprocess.Popen) -> None:
    process.terminate()
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(timeout=10)
