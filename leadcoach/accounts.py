"""Local accounts: argon2id password hashes, sign-in with lock-out, account creation."""

from __future__ import annotations

import re
from datetime import datetime, timedelta

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlmodel import Session, func, select

from leadcoach.access import Action, Viewer, require
from leadcoach.audit import record
from leadcoach.errors import InvalidInput, SignInFailed
from leadcoach.models import Account, Person, Role, utcnow

# argon2-cffi's defaults are argon2id with RFC 9106's low-memory profile (~140 ms here).
_hasher = PasswordHasher()

MIN_PASSWORD_LENGTH = 12  # NIST SP 800-63B: at least 8, we ask 12; no composition rules
MAX_PASSWORD_LENGTH = 256
MAX_FAILED_ATTEMPTS = 5
LOCK_DURATION = timedelta(minutes=15)
SIGN_IN_REFUSED = "Email or password is incorrect."
LOCKED_MESSAGE = "This account is locked after too many failed sign-ins. Try again in 15 minutes."
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
# Verifying against a real hash for unknown emails keeps the timing the same as a wrong password.
_DUMMY_HASH = _hasher.hash("no account has this password")


def hash_password(password: str) -> str:
    """Hash a password with argon2id."""
    return _hasher.hash(password)


def check_password_policy(password: str) -> None:
    """Raise InvalidInput when the password is too short or too long."""
    if len(password) < MIN_PASSWORD_LENGTH:
        raise InvalidInput(f"Password: use at least {MIN_PASSWORD_LENGTH} characters.")
    if len(password) > MAX_PASSWORD_LENGTH:
        raise InvalidInput(f"Password: use at most {MAX_PASSWORD_LENGTH} characters.")


def normalise_email(email: str) -> str:
    """Trim and lower-case an email, or raise InvalidInput when it is not one."""
    cleaned = (email or "").strip().lower()
    if not _EMAIL.match(cleaned) or len(cleaned) > 254:
        raise InvalidInput(f"Email: '{email}' is not a valid email address.")
    return cleaned


def has_any_account(*, session: Session) -> bool:
    """True once at least one account exists (the first-run screen is shown until then)."""
    return session.exec(select(func.count()).select_from(Account)).one() > 0


def create_person_with_account(
    *,
    session: Session,
    name: str,
    email: str,
    role: Role,
    password: str,
    team_id: int | None = None,
    password_hash: str | None = None,
) -> Person:
    """Create a person and their local account; the email must be new.

    For trusted callers only (the command line, the demo loader, tests): it checks no
    viewer. Pages use add_person (admins) or create_first_admin (empty database).
    """
    name = (name or "").strip()
    if not name:
        raise InvalidInput("Name: enter the person's name.")
    if len(name) > 200:
        raise InvalidInput("Name: use at most 200 characters.")
    email = normalise_email(email)
    if password_hash is None:
        check_password_policy(password)
        password_hash = hash_password(password)
    if session.exec(select(Person.id).where(Person.email == email)).first() is not None:
        raise InvalidInput(f"Email: {email} already belongs to someone.")
    person = Person(name=name, email=email, role=Role(role).value, team_id=team_id)
    session.add(person)
    session.flush()
    session.add(Account(person_id=person.id, password_hash=password_hash))
    return person


def authenticate(
    *, session: Session, email: str, password: str, now: datetime | None = None
) -> Person:
    """Return the person whose email and password match, or raise SignInFailed.

    Unknown emails and wrong passwords get the same message. After MAX_FAILED_ATTEMPTS
    failures in a row the account is locked for LOCK_DURATION.
    """
    now = now or utcnow()
    try:
        email = normalise_email(email)
    except InvalidInput:
        raise SignInFailed(SIGN_IN_REFUSED) from None
    row = session.exec(
        select(Person, Account)
        .join(Account, Account.person_id == Person.id)
        .where(Person.email == email)
    ).first()
    if row is None:
        _verify(_DUMMY_HASH, password)
        record(session, None, "sign_in_failed", email)
        raise _refuse(session, SIGN_IN_REFUSED)
    person, account = row
    if account.locked_until is not None and account.locked_until > now:
        record(session, person.id, "sign_in_locked", email)
        raise _refuse(session, LOCKED_MESSAGE)
    if not _verify(account.password_hash, password):
        account.failed_attempts += 1
        record(session, person.id, "sign_in_failed", email)
        if account.failed_attempts >= MAX_FAILED_ATTEMPTS:
            account.locked_until = now + LOCK_DURATION
            account.failed_attempts = 0
            record(session, person.id, "account_locked", email)
        session.add(account)
        raise _refuse(session, SIGN_IN_REFUSED)
    account.failed_attempts = 0
    account.locked_until = None
    account.last_sign_in_at = now
    session.add(account)
    record(session, person.id, "sign_in", email)
    return person


def _verify(password_hash: str, password: str) -> bool:
    try:
        return _hasher.verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def _refuse(session: Session, message: str) -> SignInFailed:
    # The failure count and audit events must outlive the caller's rollback on this error.
    session.commit()
    return SignInFailed(message)


def add_person(
    *,
    session: Session,
    viewer: Viewer,
    name: str,
    email: str,
    role: Role,
    password: str,
    team_id: int | None = None,
) -> Person:
    """An admin adds a person with a local account."""
    require(viewer, Action.MANAGE_ACCOUNTS)
    if role == Role.SUPERVISOR and team_id is None:
        raise InvalidInput("Team: a supervisor needs a team.")
    person = create_person_with_account(
        session=session, name=name, email=email, role=role, password=password, team_id=team_id
    )
    record(session, viewer.person_id, "person_created", person.email, role=person.role)
    return person


def create_first_admin(*, session: Session, name: str, email: str, password: str) -> Person:
    """Create the first account of an empty database, an admin; refused once any exists."""
    if has_any_account(session=session):
        raise InvalidInput("An account exists already; please sign in.")
    person = create_person_with_account(
        session=session, name=name, email=email, role=Role.ADMIN, password=password
    )
    record(session, person.id, "first_admin_created", person.email)
    return person
