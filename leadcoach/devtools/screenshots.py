"""Screenshots of every page of every role at a laptop's 1366 px and a phone's 390 px, for
people to look at (`make screenshots`): a demo server of its own, Chromium, and one signed-in
session per role, its pages opened from the sidebar as a person would."""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
from pathlib import Path

from leadcoach.demo import email_for
from leadcoach.devtools.servers import serve, stop_process
from leadcoach.platform.config import Settings

CHROMIUM = Path("/usr/bin/chromium")  # Debian's, as the browser tests use
WIDTHS = (1366, 390)
HEIGHT = 844
DEMO_TODAY = "2026-11-02"  # the browser tests' day, so the pictures match theirs
# Each role's person and pages (leadcoach/ui/app.py, ROLE_PAGES) as (sidebar link, address);
# the first page is the one signed in on. The admin's HR pages are the HR person's.
ROLES = {
    "supervisor": ("Ana Lima", [("Home", "home"), ("Self-assessment", "assessment"),
                                ("Results", "results"), ("Growth", "growth"),
                                ("Development plan", "plan"),
                                ("Team numbers", "team_numbers"),  # issue 23
                                ("Feedback from others", "feedback_report"),  # issue 22
                                ("360 feedback", "feedback"),
                                ("Notifications", "notifications")]),
    "supervisor-new": ("Sam Torres", [("Home", "home"), ("Self-assessment", "assessment")]),
    "coach": ("Priya Shah", [("My teams", "team"), ("Compare", "compare"),
                             ("Person", "person"), ("Teams' numbers", "teams_numbers")]),
    "hr": ("Helen Okafor", [("Organisation", "organisation"), ("Cohort review", "review"),
                            ("Cohorts", "cohorts"), ("Import roster", "roster"),
                            ("Instrument quality", "quality"), ("Erase a person", "erase"),
                            ("Import KPIs", "kpi_import"), ("360 feedback", "feedback")]),
    "admin": ("Alex Morgan", [("Accounts", "accounts"), ("Audit log", "audit"),
                              ("Outbox", "outbox")]),
}  # fmt: skip
SETTLED = (
    "() => document.querySelector(\"[data-testid='stApp']\")?.dataset.testScriptState"
    " === 'notRunning' && !document.querySelector(\"[data-testid='stSkeleton']\")"
)
CONTENT_HEIGHT = (
    "Math.max(...[...document.querySelectorAll('[data-testid=stMain], "
    "[data-testid=stSidebarContent]')].map(e => e.scrollHeight), 0)"
)


def shoot(page, path: Path, width: int) -> None:
    """A full-length picture of the page at this width: Streamlit scrolls inside its main
    section, so the window is grown to the content for the shot, then restored."""
    page.set_viewport_size({"width": width, "height": HEIGHT})
    page.wait_for_timeout(400)  # the layout and charts follow the new width
    page.wait_for_function(SETTLED)
    height = max(HEIGHT, page.evaluate(CONTENT_HEIGHT))
    page.set_viewport_size({"width": width, "height": height})
    page.wait_for_timeout(500)
    page.screenshot(path=str(path))
    page.set_viewport_size({"width": WIDTHS[0], "height": HEIGHT})


def demo_database(folder: Path) -> str:
    """A SQLite database in the folder, loaded with the demo organisation by the CLI."""
    database_url = f"sqlite:///{folder / 'demo.db'}"
    subprocess.run(
        [sys.executable, "-m", "leadcoach", "demo", "--today", DEMO_TODAY],
        env={**os.environ, "LEADCOACH_DATABASE_URL": database_url},
        check=True,
        capture_output=True,
        timeout=300,
    )
    return database_url


def take(url: str, out: Path, roles: list[str] | None = None) -> list[Path]:
    """Every page of every role (or of the roles named) at each width, saved in `out`; the
    files written."""
    from playwright.sync_api import sync_playwright  # a development dependency

    out.mkdir(parents=True, exist_ok=True)
    written = []
    with sync_playwright() as playwright:
        executable = str(CHROMIUM) if CHROMIUM.exists() else None
        browser = playwright.chromium.launch(executable_path=executable, args=["--no-sandbox"])
        page = browser.new_page(viewport={"width": WIDTHS[0], "height": HEIGHT})
        page.goto(url)
        page.get_by_label("Email").wait_for()
        for width in WIDTHS:
            written.append(out / f"sign-in-{width}.png")
            shoot(page, written[-1], width)
        page.context.close()
        for role, (name, pages) in ROLES.items():
            if roles and role not in roles:
                continue
            context = browser.new_context(viewport={"width": WIDTHS[0], "height": HEIGHT})
            page = context.new_page()
            page.set_default_timeout(60_000)
            page.goto(f"{url}/{pages[0][1]}")
            page.get_by_label("Email").fill(email_for(name))
            page.get_by_role("textbox", name="Password").fill(Settings().demo_password)
            page.get_by_role("button", name="Sign in").click()
            page.get_by_role("button", name="Sign out").wait_for(state="attached")
            for index, (title, address) in enumerate(pages):
                if index:
                    page.get_by_role("link", name=title, exact=True).click()
                    page.wait_for_url(f"**/{address}*")
                page.get_by_role("heading").first.wait_for()
                page.wait_for_function(SETTLED)
                for width in WIDTHS:
                    written.append(out / f"{role}-{address}-{width}.png")
                    shoot(page, written[-1], width)
            context.close()
        browser.close()
    return written


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=Path("artifacts/screenshots"))
    parser.add_argument(
        "--role", action="append", choices=list(ROLES), help="only this role's pages (repeatable)"
    )
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as folder:
        env = {**os.environ, "LEADCOACH_DATABASE_URL": demo_database(Path(folder))}
        process, url = serve(["-m", "leadcoach.ui.serve"], Path.cwd(), env,
                             Path(folder) / "server.log")  # fmt: skip
        try:
            written = take(url, args.out, args.role)
        finally:
            stop_process(process)
    print(f"{len(written)} screenshots in {args.out}/")


if __name__ == "__main__":
    main()
