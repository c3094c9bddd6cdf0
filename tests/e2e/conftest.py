"""Browser fixtures: a LeadCoach server on a free port with demo data, and Chromium."""

from __future__ import annotations

import os
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from leadcoach.demo import email_for
from leadcoach.devtools.servers import serve, stop_process
from leadcoach.platform.config import Settings
from tests import REPO_ROOT
from tests.conftest import demo_copy

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
SCREENSHOTS = REPO_ROOT / "artifacts" / "screenshots"
PASSWORD = Settings().demo_password  # every demo account's
LAPTOP = {"width": 1280, "height": 800}
PHONE = {"width": 390, "height": 844}
WIDE = {"width": 1366, "height": 900}


class Server:
    def __init__(self, url: str, database_url: str, process: subprocess.Popen, log: Path):
        self.url, self.database_url, self.process, self.log = url, database_url, process, log


def start_server(database_url: str, log: Path) -> Server:
    """Start the app (`python -m leadcoach.ui.serve`) against the database; return once it
    answers its health check."""
    env = {**os.environ, "LEADCOACH_DATABASE_URL": database_url}
    process, url = serve(["-m", "leadcoach.ui.serve"], REPO_ROOT, env, log)
    return Server(url, database_url, process, log)


def stop_server(server: Server) -> None:
    stop_process(server.process)


def demo_database(folder: Path) -> str:
    """A SQLite database in the folder, loaded with the demo organisation (a copy of the
    run's one demo, which the command line built)."""
    return demo_copy(folder)


@pytest.fixture(scope="session")
def demo_server(tmp_path_factory) -> Iterator[Server]:
    """The demo organisation, shared by tests that only read it."""
    folder = tmp_path_factory.mktemp("e2e")
    server = start_server(demo_database(folder), folder / "server.log")
    yield server
    stop_server(server)


@pytest.fixture(scope="module")
def private_server(tmp_path_factory) -> Iterator[Server]:
    """A demo server of its own, for a test module that changes data."""
    folder = tmp_path_factory.mktemp("private")
    server = start_server(demo_database(folder), folder / "server.log")
    yield server
    stop_server(server)


def open_as(browser, server, name: str, path: str, viewport=LAPTOP):
    """A new browser session (as a new tab or device would be) signed in on this page."""
    context = browser.new_context(viewport=viewport)
    page = context.new_page()
    page.set_default_timeout(30_000)
    sign_in(page, f"{server.url}/{path}", email_for(name), PASSWORD)
    page.get_by_role("button", name="Sign out").wait_for(state="attached")
    return page


def walk(browser, server, name: str, paths: list[str], viewports: tuple[dict, ...]):
    """Each page in turn after one sign-in (a reload keeps the person signed in), at each
    width: yields (page, path, viewport) once the page has drawn at that width."""
    page = open_as(browser, server, name, paths[0], viewports[0])
    # The sign-in cookie, which a reload signs in with, is handed over once the page ran.
    page.wait_for_function("() => document.cookie.includes('leadcoach_sign_in=')")
    for path in paths:
        if path != paths[0]:
            page.goto(f"{server.url}/{path}")
            page.get_by_role("button", name="Sign out").wait_for(state="attached")
        for viewport in viewports:
            page.set_viewport_size(viewport)
            page.get_by_role("heading").first.wait_for()
            settled(page)
            page.wait_for_timeout(500)  # charts draw after the run ends
            yield page, path, viewport
    page.close()


CHART_BOXES = """() => [...document.querySelectorAll("[data-testid='stVegaLiteChart']")]
    .filter(chart => chart.checkVisibility())  // not those on a hidden tab
    .map(chart => {
        let box = chart;  // or the nearest box that scrolls sideways, within the page
        for (let up = chart.parentElement; up && up.dataset.testid !== "stMain";
             up = up.parentElement) {
            const overflow = getComputedStyle(up).overflowX;
            if (overflow === "auto" || overflow === "scroll") { box = up; break; }
        }
        const r = box.getBoundingClientRect();
        return {x: r.x, width: r.width, scrolls: box !== chart};
    })"""


def _layout_problems(page) -> list[str]:
    width = page.viewport_size["width"]
    problems = []
    for index, box in enumerate(page.evaluate(CHART_BOXES)):
        if box["width"] <= 0.6 * min(width, 700):
            problems.append(f"chart {index} is squeezed: {box}")
        if box["x"] < 0 or box["x"] + box["width"] > width + 1:
            problems.append(f"chart {index} is wider than the window: {box}")
    main = page.evaluate("document.querySelector('[data-testid=stMain]').scrollWidth")
    if max(main, page.evaluate("document.documentElement.scrollWidth")) > width:
        problems.append(f"the page scrolls sideways: {main} px wide in {width}")
    return problems


def chart_fits(page, settle_seconds: float = 5.0) -> None:
    """Every chart in view is drawn and fits the window: wider than a sliver, and either inside
    the window or inside a box of its own that scrolls sideways; the page never does. The
    layout gets a few seconds to settle (styles and charts arrive in separate messages)."""
    page.locator("[data-testid='stVegaLiteChart']").first.locator("canvas, svg").first.wait_for()
    deadline = time.monotonic() + settle_seconds
    while (problems := _layout_problems(page)) and time.monotonic() < deadline:
        page.wait_for_timeout(250)
    assert not problems, problems


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing: run `make test`, which installs Debian's Chromium")
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_FLAGS)
        yield launched
        launched.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1280, "height": 800})
    opened = context.new_page()
    opened.set_default_timeout(30_000)
    yield opened
    context.close()


def settled(page) -> None:
    """Wait until the app has finished its current run, so a form filled and clicked now is
    not redrawn under the typing or the click (a click on a button being redrawn is lost).

    The app's own run state, not the "Running..." badge: the badge shows only after a delay,
    so a short wait for it to be hidden could pass while the run was still going. Widgets
    whose code is still loading show as skeletons and are swapped in later: wait for them."""
    page.wait_for_function(
        "() => document.querySelector(\"[data-testid='stApp']\")"
        "?.dataset.testScriptState === 'notRunning'"
        " && !document.querySelector(\"[data-testid='stSkeleton']\")"
    )


def sign_in(page, url: str, email: str, password: str) -> None:
    """Open the address and sign in on the form it shows; the page asked for opens after."""
    page.goto(url)
    page.get_by_label("Email").fill(email)
    page.get_by_role("textbox", name="Password").fill(password)
    page.get_by_role("button", name="Sign in").click()


def screenshot(page, name: str) -> Path:
    """Save a full-page screenshot under artifacts/screenshots/ for people to look at."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    # Streamlit scrolls inside its main section, so a full-page shot of the document shows
    # one window's height: grow the window to the content for the shot, then restore it.
    window = page.viewport_size
    content = page.evaluate(
        "Math.max(...[...document.querySelectorAll('[data-testid=stMain], "
        "[data-testid=stSidebarContent]')].map(e => e.scrollHeight), 0)"
    )
    page.set_viewport_size({"width": window["width"], "height": max(window["height"], content)})
    if page.locator("[data-testid='stVegaLiteChart'], [data-testid='stDataFrame']").count():
        page.wait_for_timeout(500)  # let charts and data grids redraw at the new size
    page.screenshot(path=str(path))
    page.set_viewport_size(window)
    return path
