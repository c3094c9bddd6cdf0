"""A local OpenID Connect provider for single sign-on in the browser tests and the benchmark.

`oidc-provider-mock` (a development requirement) on a free loopback port, with the users
given; `write_secrets` writes the [auth] section an app server needs to use it, outside the
project (Streamlit reads it through STREAMLIT_SECRETS_FILES).
"""

from __future__ import annotations

import json
import secrets
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

from leadcoach.devtools.servers import free_port, wait_until_answered


@dataclass
class Provider:
    url: str
    process: subprocess.Popen
    log: Path


def start_provider(folder: Path, users: list[dict]) -> Provider:
    """The provider on a free loopback port, once its discovery document answers.

    `users`: claims (sub, email, email_verified, name) of the people it can sign in."""
    port = free_port()
    claims = [arg for user in users for arg in ("--user-claims", json.dumps(user))]
    log = folder / "provider.log"
    with log.open("w") as handle:
        process = subprocess.Popen(
            [sys.executable, "-m", "oidc_provider_mock", "-H", "127.0.0.1", "-p", str(port),
             *claims],
            stdout=handle, stderr=subprocess.STDOUT,
        )  # fmt: skip
    url = f"http://127.0.0.1:{port}"
    wait_until_answered(
        f"{url}/.well-known/openid-configuration", process, log, seconds=30,
        what="the OpenID Connect provider",
    )  # fmt: skip
    return Provider(url, process, log)


def write_secrets(folder: Path, provider: Provider) -> Path:
    """A secrets.toml with an [auth] section for the provider, in `folder`."""
    path = folder / "secrets.toml"
    # Streamlit puts the server's own port in place of {port} in redirect_uri.
    path.write_text(
        "[auth]\n"
        'redirect_uri = "http://127.0.0.1:{port}/oauth2callback"\n'
        f'cookie_secret = "{secrets.token_hex(32)}"\n'
        'client_id = "leadcoach-local"\n'
        f'client_secret = "{secrets.token_hex(16)}"\n'
        f'server_metadata_url = "{provider.url}/.well-known/openid-configuration"\n'
    )
    return path


def user(email: str, name: str) -> dict:
    """Claims for one person whose email the provider vouches for."""
    return {"sub": email, "email": email, "email_verified": True, "name": name}
