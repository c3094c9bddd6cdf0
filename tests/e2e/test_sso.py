"""In Chromium: single sign-on through st.login against a local OpenID Connect provider.

The provider is `oidc-provider-mock` on a free loopback port, with two predefined users: a
demo supervisor's email and an email no one in LeadCoach has. The app server reads a
secrets.toml written into the test's temporary folder (Streamlit's `secrets.files` option,
set through STREAMLIT_SECRETS_FILES), so no secrets file is ever written into the project.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlmodel import func, select

from leadcoach.demo import email_for
from leadcoach.devtools.identity_provider import start_provider, user, write_secrets
from leadcoach.devtools.servers import stop_process
from leadcoach.platform.config import Settings
from leadcoach.platform.db import make_engine, session_scope
from leadcoach.platform.models import AuditEvent, Person
from tests.e2e.conftest import (
    LAPTOP,
    Server,
    demo_database,
    screenshot,
    start_server,
    stop_server,
)

pytestmark = pytest.mark.e2e

ANA = email_for("Ana Lima")
STRANGER = "new.starter@elsewhere.example"
LOGIN = "Sign in with your company account"


@pytest.fixture(scope="module")
def sso_server(tmp_path_factory) -> Iterator[Server]:
    """A demo server whose sign-in goes through the local provider; both stop after."""
    folder = tmp_path_factory.mktemp("sso")
    database_url = demo_database(folder)
    provider = start_provider(folder, [user(ANA, "Ana Lima"), user(STRANGER, "New Starter")])
    try:
        secrets_file = write_secrets(folder, provider)
        with pytest.MonkeyPatch.context() as patch:
            patch.setenv("STREAMLIT_SECRETS_FILES", str(secrets_file))
            server = start_server(database_url, folder / "server.log")
        try:
            yield server
        finally:
            stop_server(server)
    finally:
        stop_process(provider.process)


@pytest.fixture
def sso_page(browser):
    """A fresh browser context: no identity cookie from another test."""
    context = browser.new_context(viewport=LAPTOP)
    # The provider's pages link a stylesheet on the internet; the test stays on loopback.
    context.route(lambda url: not url.startswith("http://127.0.0.1:"), lambda route: route.abort())
    opened = context.new_page()
    opened.set_default_timeout(30_000)
    yield opened
    context.close()


def sso_sign_ins(server: Server, name: str) -> int:
    """How many single sign-on sign-ins the audit log holds for the person."""
    with session_scope(make_engine(Settings(database_url=server.database_url))) as session:
        return session.exec(
            select(func.count())
            .select_from(AuditEvent)
            .join(Person, Person.id == AuditEvent.actor_id)
            .where(AuditEvent.action == "sign_in", AuditEvent.subject == "sso")
            .where(Person.email == email_for(name))
        ).one()


def sign_in_with_sso(page, server: Server, email: str) -> None:
    """Open the app, press the company sign-in, and pick the user on the provider's page."""
    page.goto(server.url)
    page.get_by_role("button", name=LOGIN).click()
    page.get_by_role("heading", name="Authorize Client").wait_for()
    page.get_by_role("button", name=email, exact=True).click()


def test_a_known_email_lands_on_the_home_page_signed_in_as_that_person(sso_server, sso_page):
    page = sso_page
    page.goto(sso_server.url)
    page.get_by_role("button", name=LOGIN).wait_for()
    assert page.get_by_role("textbox", name="Password").count() == 0
    screenshot(page, "sso-sign-in")
    sign_in_with_sso(page, sso_server, ANA)
    page.get_by_role("heading", name="Hello, Ana Lima").wait_for()
    page.get_by_text("Signed in as").wait_for()
    assert "Ana Lima" in page.get_by_text("Signed in as").inner_text()
    screenshot(page, "sso-supervisor-home")
    assert sso_sign_ins(sso_server, "Ana Lima") == 1

    # The identity cookie signs a reload straight in; sign-out ends it.
    page.reload()
    page.get_by_role("heading", name="Hello, Ana Lima").wait_for()
    page.get_by_role("button", name="Sign out").click()
    # The provider offers to end its own session too (OpenID Connect RP-initiated logout).
    page.get_by_role("heading", name="End Session").wait_for()
    page.get_by_role("button", name="End session").click()
    page.get_by_role("button", name=LOGIN).wait_for()
    page.goto(sso_server.url)
    page.get_by_role("button", name=LOGIN).wait_for()
    assert page.get_by_role("heading", name="Hello, Ana Lima").count() == 0


def test_an_unknown_email_gets_a_clear_message_and_no_pages(sso_server, sso_page):
    page = sso_page
    sign_in_with_sso(page, sso_server, STRANGER)
    page.get_by_text(f"No LeadCoach account uses {STRANGER}.").wait_for()
    page.get_by_text("Ask your HR team to add you.").wait_for()
    page.get_by_role("button", name="Sign out").wait_for()
    assert page.get_by_text("Signed in as").count() == 0
    assert page.locator("[data-testid='stSidebarNav']").count() == 0
    screenshot(page, "sso-unknown-email")
    # A page address shows the same message, not the page.
    page.goto(f"{sso_server.url}/results")
    page.get_by_text(f"No LeadCoach account uses {STRANGER}.").wait_for()
    assert page.get_by_role("heading", name="Your results").count() == 0
