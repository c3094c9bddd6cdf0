"""Local accounts: argon2id, one message for every refusal, lock-out, audit events."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlmodel import select

from leadcoach import accounts
from leadcoach.db import session_scope
from leadcoach.errors import InvalidInput, SignInFailed
from leadcoach.models import Account, AuditEvent, Role, utcnow
from tests.factories import PASSWORD, build_org


def test_passwords_are_hashed_with_argon2id():
    hashed = accounts.hash_password("a long enough secret")
    assert hashed.startswith("$argon2id$")
    assert "a long enough secret" not in hashed


def test_sign_in_succeeds_and_is_audited(engine):
    with session_scope(engine) as session:
        build_org(session)
    with session_scope(engine) as session:
        person = accounts.authenticate(
            session=session, email=" Sup.A.One@TEST.example ", password=PASSWORD
        )
        assert person.name == "Sup A One"
    with session_scope(engine) as session:
        actions = session.exec(select(AuditEvent.action).order_by(AuditEvent.id)).all()
    assert actions == ["sign_in"]


def test_unknown_email_and_wrong_password_read_the_same(engine):
    with session_scope(engine) as session:
        build_org(session)
    messages = []
    for email, password in [("nobody@test.example", PASSWORD), ("sup.a.one@test.example", "x")]:
        with pytest.raises(SignInFailed) as refused, session_scope(engine) as session:
            accounts.authenticate(session=session, email=email, password=password)
        messages.append(str(refused.value))
    assert messages[0] == messages[1] == accounts.SIGN_IN_REFUSED


def test_five_failures_lock_the_account_for_fifteen_minutes(engine):
    with session_scope(engine) as session:
        build_org(session)
    email = "sup.a.one@test.example"
    start = utcnow()
    for _ in range(accounts.MAX_FAILED_ATTEMPTS):
        with pytest.raises(SignInFailed), session_scope(engine) as session:
            accounts.authenticate(session=session, email=email, password="wrong", now=start)
    # Locked: even the right password is refused until the lock ends.
    with pytest.raises(SignInFailed, match="locked"), session_scope(engine) as session:
        accounts.authenticate(
            session=session, email=email, password=PASSWORD, now=start + timedelta(minutes=14)
        )
    with session_scope(engine) as session:
        accounts.authenticate(
            session=session, email=email, password=PASSWORD, now=start + timedelta(minutes=16)
        )
        account = session.exec(select(Account)).all()
        actions = session.exec(select(AuditEvent.action).order_by(AuditEvent.id)).all()
    assert actions.count("sign_in_failed") == 5
    assert actions.count("account_locked") == 1
    assert actions[-1] == "sign_in"
    assert all(a.failed_attempts == 0 for a in account)


@pytest.mark.parametrize(
    ("name", "email", "password", "message"),
    [
        ("", "a@b.example", "long enough password", "Name"),
        ("Ann", "not-an-email", "long enough password", "Email"),
        ("Ann", "a@b.example", "short", "at least 12"),
    ],
)
def test_account_creation_rejects_bad_input(engine, name, email, password, message):
    with pytest.raises(InvalidInput, match=message), session_scope(engine) as session:
        accounts.create_person_with_account(
            session=session, name=name, email=email, role=Role.SUPERVISOR, password=password
        )


def test_an_email_belongs_to_one_person_only(engine):
    with session_scope(engine) as session:
        build_org(session)
    with pytest.raises(InvalidInput, match="already belongs"), session_scope(engine) as session:
        accounts.create_person_with_account(
            session=session,
            name="Twin",
            email="SUP.A.ONE@test.example",
            role=Role.SUPERVISOR,
            password=PASSWORD,
        )


def test_only_admins_add_people_and_the_first_admin_only_once(engine):
    from leadcoach.errors import AccessDenied

    with session_scope(engine) as session:
        org = build_org(session)
    for viewer_id in (org.sup_a1, org.coach_a, org.hr):
        with pytest.raises(AccessDenied), session_scope(engine) as session:
            accounts.add_person(
                session=session,
                viewer=org.viewer(session, viewer_id),
                name="Sneaky Admin",
                email="sneaky@test.example",
                role=Role.ADMIN,
                password=PASSWORD,
            )
    with session_scope(engine) as session:
        added = accounts.add_person(
            session=session,
            viewer=org.viewer(session, org.admin),
            name="New Coach",
            email="new.coach@test.example",
            role=Role.COACH,
            password=PASSWORD,
        )
        assert added.role == "coach"
    with pytest.raises(InvalidInput, match="exists already"), session_scope(engine) as session:
        accounts.create_first_admin(
            session=session, name="Late", email="late@test.example", password=PASSWORD
        )
