"""Local accounts: argon2id password hashes, sign-in with lock-out, account creation,
and the admin's account tools (reset a password, change a role, unlock).

Every sign-in, failure, lock, unlock, role change and password reset goes to the audit log.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import cache
from importlib.resources import files
from itertools import pairwise

import pandas as pd
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import and_, case, literal, update
from sqlmodel import Session, col, delete, func, select

from leadcoach.people.access import Action, Viewer, require
from leadcoach.people.audit import record
from leadcoach.platform.errors import InvalidInput, NotFound, SignInFailed
from leadcoach.platform.i18n import N_, _
from leadcoach.platform.models import Account, Person, Role, Team, TeamCoach, utcnow
from leadcoach.platform.validation import clean_text, forbidden_character, visible

# argon2-cffi's defaults are argon2id with RFC 9106's low-memory profile (~140 ms here).
_hasher = PasswordHasher()

MIN_PASSWORD_LENGTH = 12  # NIST SP 800-63B: at least 8, we ask 12; no composition rules
MAX_PASSWORD_LENGTH = 256
MAX_FAILED_ATTEMPTS = 5
LOCK_DURATION = timedelta(minutes=15)
# One message for an unknown email, a wrong password and a locked account, so that the answer
# never tells which emails have an account (OWASP Authentication Cheat Sheet, "Authentication
# and Error Messages"); the audit log keeps the true reason for admins.
_SIGN_IN_REFUSED = N_(
    "Email or password is incorrect, or the account is locked after {attempts} failed "
    "sign-ins in a row. Check both and try again; if the account is locked, wait {minutes} "
    "minutes or ask an admin to unlock it."
)


def sign_in_refused() -> str:
    """The one refusal message, in the reader's language."""
    return _(_SIGN_IN_REFUSED).format(
        attempts=MAX_FAILED_ATTEMPTS, minutes=f"{LOCK_DURATION.total_seconds() / 60:.0f}"
    )


SIGN_IN_REFUSED = sign_in_refused()  # in English, as tests and logs quote it
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
# Every refusal verifies one password against an argon2 hash, this one when there is no real
# hash to check (unknown email) or it must not be checked (locked account), so that the time
# an answer takes does not tell these apart from a wrong password either.
_DUMMY_HASH = _hasher.hash("no account has this password")


def hash_password(password: str) -> str:
    """Hash a password with argon2id."""
    return _hasher.hash(password)


# NIST SP 800-63B 5.1.1.2: no composition rules; instead refuse passwords from breach lists,
# repetitive or sequential characters, and context-specific words (the person's name, email).
# Keyboard walks ("qwertyuiop", "1qaz2wsx") count as sequential: they are a sequence on the
# keyboard instead of the alphabet, and breach lists are full of them.
_COMMON_PASSWORDS_FILE = "common-passwords.txt"
# Name parts and email local parts shorter than this are too common inside ordinary words
# ("ana" in "banana") to refuse on.
_MIN_CONTEXT_WORD = 4
COMMON_MESSAGE = N_(
    "Password: this is one of the most common passwords, which attackers try first. "
    "Choose another, for example a phrase of four or more unrelated words."
)
PADDED_COMMON_MESSAGE = N_(
    "Password: a common password with digits or symbols added is still easy to guess. "
    "Choose another, for example a phrase of four or more unrelated words."
)
PATTERN_MESSAGE = N_(
    "Password: repeated or sequential characters (like 'aaaa' or '1234') are easy to guess. "
    "Choose another."
)
KEYBOARD_MESSAGE = N_(
    "Password: keys next to each other on the keyboard (like 'qwerty' or '1qaz2wsx') "
    "are among the first guesses attackers try. Choose another, for example a phrase of "
    "four or more unrelated words."
)
PERSONAL_MESSAGE = N_("Password: do not use the person's name or email address in the password.")

# A US/UK QWERTY keyboard: each row unshifted and shifted, and how far its first key sits from
# the left edge, in key widths (the Tab, Caps Lock and Shift keys before it: 1.5, 1.75, 2.25).
# Keys touch when they are side by side in a row, or in neighbouring rows less than one key
# width apart (so "1", "q", "a" and "z" form a column, as do "2", "w", "s", "x").
_KEYBOARD_ROWS = (
    ("`1234567890-=", "~!@#$%^&*()_+", 0.0),
    ("qwertyuiop[]\\", "QWERTYUIOP{}|", 1.5),
    ("asdfghjkl;'", 'ASDFGHJKL:"', 1.75),
    ("zxcvbnm,./", "ZXCVBNM<>?", 2.25),
)
_KEY_POSITION = {
    key: (row, offset + column)
    for row, (plain, shifted, offset) in enumerate(_KEYBOARD_ROWS)
    for keys in (plain, shifted)
    for column, key in enumerate(keys)
}
# A password whose runs of touching keys average this many keys or more is a keyboard walk:
# "qwertyuiopas" is 2 runs (12 keys), "1qaz2wsx3edc" 3 and "qazwsxedcrfv" 4. Over 300,000
# passphrases of two to four English words, one in about 100,000 averaged this much.
_MIN_WALK_RUN = 3


@cache
def common_passwords() -> frozenset[str]:
    """The shipped list of common passwords, lower-cased (read once per process)."""
    text = files("leadcoach").joinpath("data", _COMMON_PASSWORDS_FILE).read_text("utf-8")
    return frozenset(
        line.strip() for line in text.splitlines() if line.strip() and not line.startswith("#")
    )


def _letters_and_digits(text: str) -> str:
    return "".join(ch for ch in text.casefold() if ch.isalnum())


def _is_repetitive_or_sequential(password: str) -> bool:
    folded = password.casefold()
    # One chunk repeated at least twice, the last time perhaps cut short ("abcabcabcabc",
    # "passpasspass", "aaaaaaaaaaaa", "qwerqwerqwe").
    for size in range(1, len(folded) // 2 + 1):
        if (folded[:size] * (len(folded) // size + 1))[: len(folded)] == folded:
            return True
    # A run up or down the alphabet or the digits ("abcdefghijkl", "987654321098").
    steps = {ord(b) - ord(a) for a, b in pairwise(folded)}
    steps.discard(-9 if steps & {1} else 9)  # "...7890123" wraps from 9 to 0
    return steps <= {1} or steps <= {-1}


def _keys_touch(first: str, second: str) -> bool:
    if first not in _KEY_POSITION or second not in _KEY_POSITION:
        return False
    (row_a, x_a), (row_b, x_b) = _KEY_POSITION[first], _KEY_POSITION[second]
    if row_a == row_b:
        return abs(x_a - x_b) == 1
    return abs(row_a - row_b) == 1 and abs(x_a - x_b) < 1


def _is_keyboard_walk(password: str) -> bool:
    """True when the password is mostly runs of touching keys, in any direction
    ("qwertyuiopas", "1qaz2wsx3edc", "zxcvbnm,./12", and each of them reversed)."""
    runs = 1 + sum(not _keys_touch(a, b) for a, b in pairwise(password))
    return len(password) >= _MIN_WALK_RUN * runs


def check_password_policy(password: str, *, name: str = "", email: str = "") -> None:
    """Raise InvalidInput when the password is too short or long, common, a pattern, or
    contains the person's name or email (NIST SP 800-63B; no composition rules)."""
    if len(password) < MIN_PASSWORD_LENGTH:
        raise InvalidInput(
            _("Password: use at least {min_password_length} characters.").format(
                min_password_length=MIN_PASSWORD_LENGTH
            )
        )
    if len(password) > MAX_PASSWORD_LENGTH:
        raise InvalidInput(
            _("Password: use at most {max_password_length} characters.").format(
                max_password_length=MAX_PASSWORD_LENGTH
            )
        )
    folded = password.casefold()
    common = common_passwords()
    if folded in common or folded.strip() in common:
        raise InvalidInput(_(COMMON_MESSAGE))
    # "Summer2024!!", "password12345": a listed password padded with digits or symbols.
    core = re.sub(r"^[\W\d_]+|[\W\d_]+$", "", folded)
    if core != folded and core in common:
        raise InvalidInput(_(PADDED_COMMON_MESSAGE))
    if _is_repetitive_or_sequential(password):
        raise InvalidInput(_(PATTERN_MESSAGE))
    if _is_keyboard_walk(password):
        raise InvalidInput(_(KEYBOARD_MESSAGE))
    squeezed = _letters_and_digits(password)
    local_part = email.partition("@")[0] if "@" in email else ""
    context = {_letters_and_digits(name), _letters_and_digits(local_part)}
    context |= {_letters_and_digits(part) for part in re.split(r"[\s.\-_'+]+", name)}
    context |= {_letters_and_digits(part) for part in re.split(r"[.\-_+]+", local_part)}
    if any(len(word) >= _MIN_CONTEXT_WORD and word in squeezed for word in context):
        raise InvalidInput(_(PERSONAL_MESSAGE))


def normalise_email(email: str) -> str:
    """Trim and lower-case an email, or raise InvalidInput when it is not one."""
    cleaned = (email or "").strip().lower()
    if forbidden_character(cleaned, one_line=True) is not None:
        raise InvalidInput(
            _("Email: '{email}' holds an invisible character; type it again.").format(
                email=visible(email)
            )
        )
    if not _EMAIL.match(cleaned) or len(cleaned) > 254:
        raise InvalidInput(_("Email: '{email}' is not a valid email address.").format(email=email))
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
    if not (name or "").strip():
        raise InvalidInput(_("Name: enter the person's name."))
    name = clean_text(name, "Name", 200, one_line=True)
    email = normalise_email(email)
    if password_hash is None:
        check_password_policy(password, name=name, email=email)
        password_hash = hash_password(password)
    if session.exec(select(Person.id).where(Person.email == email)).first() is not None:
        raise InvalidInput(_("Email: {email} already belongs to someone.").format(email=email))
    person = Person(name=name, email=email, role=Role(role).value, team_id=team_id)
    session.add(person)
    session.flush()
    session.add(Account(person_id=person.id, password_hash=password_hash))
    return person


@dataclass(frozen=True)
class _Attempt:
    """A sign-in attempt claimed on an account: its number in the current run of failures."""

    account_id: int
    person_id: int
    password_hash: str
    number: int


def _claim_attempt(session: Session, email: str, now: datetime) -> _Attempt | None:
    """Count the attempt on the email's account before its password is checked, in one
    atomic UPDATE ... RETURNING (None when no account has this email).

    The database serialises concurrent attempts on one account (PostgreSQL locks the row and
    re-reads it; SQLite lets one writer in at a time), so twenty attempts at once get the
    numbers 1 to 20 and only the first MAX_FAILED_ATTEMPTS have their password checked.
    The count is committed at once, so the slow password check holds no lock.
    """
    locked, count = Account.locked_until, Account.failed_attempts
    lock_over = and_(locked.is_not(None), locked <= now)
    # Locked: past the limit whatever the count (earlier versions reset it when locking).
    locked_below_limit = and_(locked.is_not(None), locked > now, count < MAX_FAILED_ATTEMPTS)
    # The attempt that reaches the limit locks the account before its password is checked,
    # so the attempts after it are refused even while it runs; if its password is right,
    # signing in lifts the lock again.
    reaches_limit = and_(locked.is_(None), count + 1 >= MAX_FAILED_ATTEMPTS)
    lock_end = literal(now + LOCK_DURATION, Account.__table__.c.locked_until.type)
    claimed = session.execute(
        update(Account)
        .where(
            Account.person_id == select(Person.id).where(Person.email == email).scalar_subquery()
        )
        .values(
            # When the lock has ended, a new run of attempts begins.
            failed_attempts=case(
                (lock_over, 1), (locked_below_limit, MAX_FAILED_ATTEMPTS + 1), else_=count + 1
            ),
            locked_until=case((lock_over, None), (reaches_limit, lock_end), else_=locked),
        )
        .returning(Account.id, Account.person_id, Account.password_hash, Account.failed_attempts)
        .execution_options(synchronize_session=False)
    ).first()
    session.commit()
    return None if claimed is None else _Attempt(*claimed)


def authenticate(
    *, session: Session, email: str, password: str, now: datetime | None = None
) -> Person:
    """Return the person whose email and password match, or raise SignInFailed.

    An unknown email, a wrong password and a locked account get the same message and take
    the same time (one argon2 verify each). The attempt after MAX_FAILED_ATTEMPTS failures
    in a row is refused without checking its password, for LOCK_DURATION.
    """
    now = now or utcnow()
    try:
        email = normalise_email(email)
    except InvalidInput:
        _verify(_DUMMY_HASH, password)
        raise SignInFailed(sign_in_refused()) from None
    attempt = _claim_attempt(session, email, now)
    if attempt is None:
        _verify(_DUMMY_HASH, password)
        record(session, None, "sign_in_failed", email)
        raise _refuse(session)
    if attempt.number > MAX_FAILED_ATTEMPTS:
        _verify(_DUMMY_HASH, password)  # the password is not checked, but costs the same
        record(session, attempt.person_id, "sign_in_locked", email)
        raise _refuse(session)
    if not _verify(attempt.password_hash, password):
        record(session, attempt.person_id, "sign_in_failed", email)
        if attempt.number == MAX_FAILED_ATTEMPTS and _is_locked(session, attempt.account_id):
            record(session, attempt.person_id, "account_locked", email)
        raise _refuse(session)
    session.execute(
        update(Account)
        .where(Account.id == attempt.account_id)
        .values(failed_attempts=0, locked_until=None, last_sign_in_at=now)
        .execution_options(synchronize_session=False)
    )
    record(session, attempt.person_id, "sign_in", email)
    return session.get_one(Person, attempt.person_id)


def _is_locked(session: Session, account_id: int) -> bool:
    # The lock an attempt set stays unless a right password lifted it in the meantime.
    locked_until = session.exec(select(Account.locked_until).where(Account.id == account_id))
    return locked_until.first() is not None


def _verify(password_hash: str, password: str) -> bool:
    try:
        return _hasher.verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def _refuse(session: Session) -> SignInFailed:
    # The audit events must outlive the caller's rollback on this error.
    session.commit()
    return SignInFailed(sign_in_refused())


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
        raise InvalidInput(_("Team: a supervisor needs a team."))
    person = create_person_with_account(
        session=session, name=name, email=email, role=role, password=password, team_id=team_id
    )
    record(session, viewer.person_id, "person_created", person.email, role=person.role)
    return person


def create_first_admin(*, session: Session, name: str, email: str, password: str) -> Person:
    """Create the first account of an empty database, an admin; refused once any exists."""
    if has_any_account(session=session):
        raise InvalidInput(_("An account exists already; please sign in."))
    person = create_person_with_account(
        session=session, name=name, email=email, role=Role.ADMIN, password=password
    )
    record(session, person.id, "first_admin_created", person.email)
    return person


@dataclass(frozen=True)
class RoleChange:
    """What change_role did, for the page's message."""

    name: str
    old_role: Role
    new_role: Role
    coached_teams_released: int  # coaching links dropped because they are no longer a coach


def _managed_person(session: Session, viewer: Viewer, person_id: int) -> Person:
    require(viewer, Action.MANAGE_ACCOUNTS)
    person = session.get(Person, person_id)
    if person is None:
        raise NotFound(_("No such person."))
    return person


def account_list(*, session: Session, viewer: Viewer) -> pd.DataFrame:
    """Everyone, with or without an account, for the admin's pickers (admins only).

    Columns: person_id, name, email, role, team, has_account, locked_until.
    """
    require(viewer, Action.MANAGE_ACCOUNTS)
    rows = session.exec(
        select(
            Person.id,
            Person.name,
            Person.email,
            Person.role,
            Team.name,
            Account.id,
            Account.locked_until,
        )
        .join(Account, Account.person_id == Person.id, isouter=True)
        .join(Team, Team.id == Person.team_id, isouter=True)
        .order_by(Person.name, Person.id)
    ).all()
    frame = pd.DataFrame(
        rows,
        columns=["person_id", "name", "email", "role", "team", "account_id", "locked_until"],
    )
    frame.insert(5, "has_account", frame.pop("account_id").notna())
    return frame


def reset_password(
    *, session: Session, viewer: Viewer, person_id: int, new_password: str
) -> Person:
    """An admin sets a person's password (creating their account if they have none, as for
    people imported from a roster) and clears any lock-out."""
    person = _managed_person(session, viewer, person_id)
    check_password_policy(new_password, name=person.name, email=person.email)
    account = session.exec(select(Account).where(Account.person_id == person.id)).first()
    created = account is None
    if account is None:
        account = Account(person_id=person.id, password_hash="")
    account.password_hash = hash_password(new_password)
    account.failed_attempts = 0
    account.locked_until = None
    session.add(account)
    session.flush()
    record(session, viewer.person_id, "password_reset", person.email, account_created=created)
    return person


def unlock(
    *, session: Session, viewer: Viewer, person_id: int, now: datetime | None = None
) -> bool:
    """An admin lifts a lock-out; False when the account was not locked."""
    person = _managed_person(session, viewer, person_id)
    account = session.exec(select(Account).where(Account.person_id == person.id)).first()
    if account is None:
        raise InvalidInput(
            _("{name} has no account yet; set a password instead.").format(name=person.name)
        )
    now = now or utcnow()
    was_locked = account.locked_until is not None and account.locked_until > now
    account.locked_until = None
    account.failed_attempts = 0
    session.add(account)
    if was_locked:
        record(session, viewer.person_id, "account_unlocked", person.email)
    return was_locked


def change_role(
    *, session: Session, viewer: Viewer, person_id: int, role: Role | str
) -> RoleChange:
    """An admin changes a person's role; the last admin cannot be made anything else."""
    person = _managed_person(session, viewer, person_id)
    try:
        new_role = Role(role)
    except ValueError:
        choices = ", ".join(r.value for r in Role)
        raise InvalidInput(
            _("Role: '{role}' is not a role; choose one of {choices}.").format(
                role=role, choices=choices
            )
        ) from None
    old_role = Role(person.role)
    if new_role == old_role:
        return RoleChange(person.name, old_role, new_role, 0)
    if old_role == Role.ADMIN:
        # Lock the admins' rows (PostgreSQL), so two admins demoting each other at the same
        # time cannot both pass the count; SQLite lets one writer in at a time anyway.
        admins = session.exec(
            select(Person.id).where(Person.role == Role.ADMIN.value).with_for_update()
        ).all()
        if len(admins) <= 1:
            raise InvalidInput(
                (
                    _(
                        "Role: you are the last admin, so the role stays admin. Make someone "
                        "else an admin first."
                    )
                    if person.id == viewer.person_id
                    else _(
                        "Role: {name} is the last admin, so the role stays admin. Make someone "
                        "else an admin first."
                    )
                ).format(name=person.name)
            )
    if new_role == Role.SUPERVISOR and person.team_id is None:
        raise InvalidInput(
            _(
                "Role: a supervisor needs a team, and {name} has none. Give them a team first"
                " (roster import), or choose another role."
            ).format(name=person.name)
        )
    released = 0
    if old_role == Role.COACH:
        released = len(
            session.exec(select(TeamCoach.team_id).where(TeamCoach.coach_id == person.id)).all()
        )
        session.exec(delete(TeamCoach).where(col(TeamCoach.coach_id) == person.id))
    person.role = new_role.value
    session.add(person)
    session.flush()
    record(
        session, viewer.person_id, "role_changed", person.email,
        old=old_role.value, new=new_role.value, coached_teams_released=released,
    )  # fmt: skip
    return RoleChange(person.name, old_role, new_role, released)
