"""Local accounts: argon2id, one message for every refusal, lock-out, audit events."""

from __future__ import annotations

import json
import statistics
import threading
import time
import traceback
from datetime import timedelta

import pytest
from sqlmodel import select

from leadcoach.people import accounts
from leadcoach.platform.db import make_engine, session_scope
from leadcoach.platform.errors import AccessDenied, InvalidInput, NotFound, SignInFailed
from leadcoach.platform.models import Account, AuditEvent, Person, Role, utcnow
from tests.factories import PASSWORD, PASSWORD_HASH, build_org

TIMING_ROUNDS = 7  # refusals timed per case; the median of 7 shrugs off two slow moments


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


def test_unknown_email_wrong_password_and_locked_account_read_the_same(engine):
    with session_scope(engine) as session:
        build_org(session)
    _lock(engine, "sup.a.two@test.example")
    messages = []
    for email, password in [
        ("nobody@test.example", PASSWORD),
        ("sup.a.one@test.example", "x"),
        ("sup.a.two@test.example", PASSWORD),  # locked: even the right password
        ("not an email", PASSWORD),
    ]:
        with pytest.raises(SignInFailed) as refused, session_scope(engine) as session:
            accounts.authenticate(session=session, email=email, password=password)
        messages.append(str(refused.value))
    assert messages == [accounts.SIGN_IN_REFUSED] * 4
    # The one message tells a locked-out person what to do.
    assert "wait 15 minutes or ask an admin to unlock it" in accounts.SIGN_IN_REFUSED
    # The audit log keeps the true reason for admins.
    reasons = [(e.action, e.subject) for e in _actions(engine)][-3:]
    assert reasons == [
        ("sign_in_failed", "nobody@test.example"),
        ("sign_in_failed", "sup.a.one@test.example"),
        ("sign_in_locked", "sup.a.two@test.example"),
    ]


def test_an_unknown_email_a_wrong_password_and_a_locked_account_take_the_same_time(engine):
    """Each refusal costs one argon2 verify; medians in one run, compared as ratios."""
    with session_scope(engine) as session:
        org = build_org(session)
    _lock(engine, "sup.a.two@test.example")
    cases = {
        "unknown email": "nobody@test.example",
        "wrong password": "sup.a.one@test.example",
        "locked account": "sup.a.two@test.example",
    }
    seconds: dict[str, list[float]] = {case: [] for case in cases}
    for _ in range(TIMING_ROUNDS):
        for case, email in cases.items():  # interleaved, so a busy moment hits all three
            started = time.perf_counter()
            with pytest.raises(SignInFailed), session_scope(engine) as session:
                accounts.authenticate(session=session, email=email, password="wrong password")
            seconds[case].append(time.perf_counter() - started)
        # Keep the wrong-password account below the limit (not timed).
        _admin_call(engine, org, accounts.unlock, person_id=org.sup_a1)
    wrong = statistics.median(seconds["wrong password"])
    ratios = {case: statistics.median(times) / wrong for case, times in seconds.items()}
    assert all(0.5 <= ratio <= 2 for ratio in ratios.values()), ratios


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


ATTEMPTS_AT_ONCE = 20
EMAIL = "sup.a.one@test.example"


def test_twenty_wrong_passwords_at_once_check_five_and_lock_the_account(settings, monkeypatch):
    """Attempts sent at the same moment, each with its own engine and connection (as from
    several servers), are counted one by one: the sixth and later are refused as locked
    without their password being checked."""
    engine = make_engine(settings)
    with session_scope(engine) as session:
        build_org(session)
    checked: list[str] = []  # the hash each refusal verified a password against
    verify = accounts._verify

    def counted_verify(password_hash: str, password: str) -> bool:
        checked.append(password_hash)
        return verify(password_hash, password)

    monkeypatch.setattr(accounts, "_verify", counted_verify)
    start = threading.Barrier(ATTEMPTS_AT_ONCE)
    messages: list[str] = []
    errors: list[str] = []

    def attempt() -> None:
        own = make_engine(settings)
        try:
            with own.connect():  # connected before the start, so all begin together
                pass
            start.wait(60)
            with session_scope(own) as session:
                accounts.authenticate(session=session, email=EMAIL, password="wrong password")
        except SignInFailed as refused:
            messages.append(str(refused))
        except BaseException:
            errors.append(traceback.format_exc())
        finally:
            own.dispose()

    threads = [threading.Thread(target=attempt) for _ in range(ATTEMPTS_AT_ONCE)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(120)
    try:
        assert not errors, errors[0]
        assert messages == [accounts.SIGN_IN_REFUSED] * ATTEMPTS_AT_ONCE
        assert checked.count(PASSWORD_HASH) == accounts.MAX_FAILED_ATTEMPTS
        assert len(checked) == ATTEMPTS_AT_ONCE  # the others cost the same, on a dummy hash
        with session_scope(engine) as session:
            account = session.exec(select(Account).join(Person).where(Person.email == EMAIL)).one()
            actions = session.exec(select(AuditEvent.action).order_by(AuditEvent.id)).all()
        assert account.failed_attempts == ATTEMPTS_AT_ONCE  # every attempt counted
        assert account.locked_until is not None
        assert actions.count("sign_in_failed") == accounts.MAX_FAILED_ATTEMPTS
        assert actions.count("account_locked") == 1
        assert actions.count("sign_in_locked") == ATTEMPTS_AT_ONCE - accounts.MAX_FAILED_ATTEMPTS
        with pytest.raises(SignInFailed), session_scope(engine) as session:
            accounts.authenticate(session=session, email=EMAIL, password=PASSWORD)
        assert checked.count(PASSWORD_HASH) == accounts.MAX_FAILED_ATTEMPTS
    finally:
        engine.dispose()


def test_an_account_locked_with_a_count_of_zero_stays_locked(engine):
    """Accounts locked by earlier versions, which reset the count when locking."""
    with session_scope(engine) as session:
        build_org(session)
        account = session.exec(select(Account).join(Person).where(Person.email == EMAIL)).one()
        account.locked_until = utcnow() + timedelta(minutes=10)
        account.failed_attempts = 0
        session.add(account)
    with pytest.raises(SignInFailed), session_scope(engine) as session:
        accounts.authenticate(session=session, email=EMAIL, password=PASSWORD)
    assert [e.action for e in _actions(engine)] == ["sign_in_locked"]


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


# --- Password policy (NIST SP 800-63B 5.1.1.2) -------------------------------------------


def test_the_common_password_list_is_shipped_and_large():
    common = accounts.common_passwords()
    assert len(common) >= 10_000
    assert {"password", "123456", "iloveyou"} <= common
    assert all(p == p.casefold() for p in common)


@pytest.mark.parametrize(
    ("password", "message"),
    [
        ("short", "at least 12"),
        ("x" * 257, "at most 256"),
        ("qazwsxedcrfv", "most common"),  # listed, and long enough
        ("LeaveMeAlone", "most common"),  # compared case-insensitively
        ("Password12345!", "digits or symbols added"),
        ("!!Sunshine2024", "digits or symbols added"),
        ("aaaaaaaaaaaaaa", "repeated or sequential"),
        ("abcabcabcabcabc", "repeated or sequential"),
        ("1234567890123", "repeated or sequential"),
        ("abcdefghijklm", "repeated or sequential"),
        ("9876543210987", "repeated or sequential"),
    ],
)
def test_the_password_policy_refuses_weak_passwords(password, message):
    with pytest.raises(InvalidInput, match=message):
        accounts.check_password_policy(password)


KEYBOARD_WALKS = [
    "qwertyuiopas",  # along the top row, on into the next
    "asdfghjkl;'1",
    "1qaz2wsx3edc",  # down the columns
    "zxcvbnm,./12",
    "!QAZ@WSX#EDC",  # shifted
    "poiuytrewq;l",
]


@pytest.mark.parametrize("walk", KEYBOARD_WALKS + [walk[::-1] for walk in KEYBOARD_WALKS])
def test_the_password_policy_refuses_keyboard_walks_either_way(walk, monkeypatch):
    # Some walks are on the common-password list too; without it, the walk check alone refuses.
    with pytest.raises(InvalidInput):
        accounts.check_password_policy(walk)
    monkeypatch.setattr(accounts, "common_passwords", frozenset)
    with pytest.raises(InvalidInput, match="keys next to each other on the keyboard"):
        accounts.check_password_policy(walk)


@pytest.mark.parametrize(
    "password", ["abcabcabcabc", "passpasspass", "Summer!Summer!", "passpasspassp", "0102010201020"]
)
def test_the_password_policy_refuses_a_chunk_repeated_even_when_cut_short(password):
    with pytest.raises(InvalidInput, match="repeated or sequential"):
        accounts.check_password_policy(password)


@pytest.mark.parametrize(
    "password",
    [
        "Maria Santos rocks",  # full name inside
        "santos-and-the-moon",  # a part of the name
        "xx.msantos.2026!",  # the email's local part
        "MSANTOS is here now",
    ],
)
def test_the_password_may_not_contain_the_persons_name_or_email(password):
    with pytest.raises(InvalidInput, match="name or email"):
        accounts.check_password_policy(password, name="Maria Santos", email="msantos@x.example")


@pytest.mark.parametrize(
    "password",
    [
        "correct horse battery",
        "Tr0ub4dor&3 staple",
        "bananas in pyjamas",  # "ana" is a name too short to refuse inside words
        "coach-demo-2026",
        "ééé plus long que ça",
        "drew a tree with sadder fewer",  # many touching keys inside words, still a phrase
        "were you there, quietly?",
        "awkward swans surf",
    ],
)
def test_the_password_policy_has_no_composition_rules(password):
    accounts.check_password_policy(password, name="Ana Li", email="ana@x.example")


def test_account_creation_checks_the_name_and_email(engine):
    with pytest.raises(InvalidInput, match="name or email"), session_scope(engine) as session:
        accounts.create_person_with_account(
            session=session,
            name="Rhea Domingo",
            email="rhea.domingo@x.example",
            role=Role.HR,
            password="domingo forever and ever",
        )


# --- Admin account tools --------------------------------------------------------------------


def _admin_call(engine, org, function, viewer_id=None, **arguments):
    with session_scope(engine) as session:
        viewer = org.viewer(session, org.admin if viewer_id is None else viewer_id)
        return function(session=session, viewer=viewer, **arguments)


def _actions(engine):
    with session_scope(engine) as session:
        return session.exec(select(AuditEvent).order_by(AuditEvent.id)).all()


@pytest.fixture
def org(engine):
    with session_scope(engine) as session:
        return build_org(session)


def _lock(engine, email):
    for _ in range(accounts.MAX_FAILED_ATTEMPTS):
        with pytest.raises(SignInFailed), session_scope(engine) as session:
            accounts.authenticate(session=session, email=email, password="wrong password")


def test_an_admin_resets_a_password_which_also_lifts_a_lock(engine, org):
    email = "sup.a.one@test.example"
    _lock(engine, email)
    new = "a brand new passphrase"
    _admin_call(engine, org, accounts.reset_password, person_id=org.sup_a1, new_password=new)
    with session_scope(engine) as session:
        assert accounts.authenticate(session=session, email=email, password=new).id == org.sup_a1
    with pytest.raises(SignInFailed), session_scope(engine) as session:
        accounts.authenticate(session=session, email=email, password=PASSWORD)
    events = _actions(engine)
    reset = next(e for e in events if e.action == "password_reset")
    assert reset.actor_id == org.admin and reset.subject == email
    assert new not in reset.detail


def test_a_reset_password_follows_the_policy_for_that_person(engine, org):
    for password, message in [("short", "at least 12"), ("Sup A One forever", "name or email")]:
        with pytest.raises(InvalidInput, match=message):
            _admin_call(
                engine, org, accounts.reset_password, person_id=org.sup_a1, new_password=password
            )
    assert not [e for e in _actions(engine) if e.action == "password_reset"]


def test_a_reset_creates_the_account_of_someone_imported_without_one(engine, org):
    with session_scope(engine) as session:
        person = Person(name="Imported Person", email="imported@test.example", role="hr")
        session.add(person)
        session.flush()
        person_id = person.id
    with session_scope(engine) as session:
        frame = accounts.account_list(session=session, viewer=org.viewer(session, org.admin))
    assert not frame.set_index("person_id").loc[person_id, "has_account"]
    _admin_call(
        engine, org, accounts.reset_password, person_id=person_id, new_password="first password ok"
    )
    with session_scope(engine) as session:
        accounts.authenticate(
            session=session, email="imported@test.example", password="first password ok"
        )
    reset = next(e for e in _actions(engine) if e.action == "password_reset")
    assert json.loads(reset.detail) == {"account_created": True}


def test_an_admin_unlocks_an_account(engine, org):
    email = "sup.a.one@test.example"
    assert not _admin_call(engine, org, accounts.unlock, person_id=org.sup_a1)
    _lock(engine, email)
    assert _admin_call(engine, org, accounts.unlock, person_id=org.sup_a1)
    with session_scope(engine) as session:
        accounts.authenticate(session=session, email=email, password=PASSWORD)
    actions = [e.action for e in _actions(engine)]
    assert actions.count("account_locked") == 1
    assert actions.count("account_unlocked") == 1
    assert actions[-1] == "sign_in"


def test_an_admin_changes_a_role_and_it_is_audited_with_old_and_new(engine, org):
    change = _admin_call(engine, org, accounts.change_role, person_id=org.hr, role="coach")
    assert (change.old_role, change.new_role) == (Role.HR, Role.COACH)
    with session_scope(engine) as session:
        assert session.get(Person, org.hr).role == "coach"
    event = next(e for e in _actions(engine) if e.action == "role_changed")
    assert event.actor_id == org.admin
    assert event.subject == "helen.hr@test.example"
    assert json.loads(event.detail) == {"old": "hr", "new": "coach", "coached_teams_released": 0}


def test_a_coach_changed_to_another_role_stops_coaching_their_teams(engine, org):
    change = _admin_call(engine, org, accounts.change_role, person_id=org.coach_a, role=Role.HR)
    assert change.coached_teams_released == 1
    with session_scope(engine) as session:
        assert org.viewer(session, org.coach_a).coached_team_ids == frozenset()


def test_role_changes_are_refused_for_non_admins_bad_roles_and_teamless_supervisors(engine, org):
    for viewer_id in (org.sup_a1, org.coach_a, org.hr):
        with pytest.raises(AccessDenied):
            _admin_call(
                engine, org, accounts.change_role, viewer_id, person_id=org.sup_a1, role="admin"
            )
    with pytest.raises(InvalidInput, match="not a role"):
        _admin_call(engine, org, accounts.change_role, person_id=org.sup_a1, role="boss")
    with pytest.raises(InvalidInput, match="needs a team"):
        _admin_call(engine, org, accounts.change_role, person_id=org.hr, role="supervisor")
    with pytest.raises(NotFound):
        _admin_call(engine, org, accounts.change_role, person_id=99999, role="hr")
    assert not [e for e in _actions(engine) if e.action == "role_changed"]


def test_the_last_admin_keeps_the_admin_role(engine, org):
    with pytest.raises(InvalidInput, match="you are the last admin"):
        _admin_call(engine, org, accounts.change_role, person_id=org.admin, role="hr")
    # With a second admin, either may step down, but not both.
    _admin_call(engine, org, accounts.change_role, person_id=org.hr, role="admin")
    _admin_call(engine, org, accounts.change_role, person_id=org.admin, role="hr")
    with pytest.raises(InvalidInput, match="last admin"):
        _admin_call(engine, org, accounts.change_role, org.hr, person_id=org.hr, role="coach")


def test_admin_tools_are_for_admins_only(engine, org):
    calls = [
        (accounts.reset_password, {"person_id": org.sup_a1, "new_password": "a new passphrase"}),
        (accounts.unlock, {"person_id": org.sup_a1}),
        (accounts.account_list, {}),
    ]
    for function, arguments in calls:
        for viewer_id in (org.sup_a1, org.coach_a, org.hr):
            with pytest.raises(AccessDenied):
                _admin_call(engine, org, function, viewer_id, **arguments)


def test_every_sign_in_outcome_is_audited(engine, org):
    email = "sup.a.one@test.example"
    with pytest.raises(SignInFailed), session_scope(engine) as session:
        accounts.authenticate(session=session, email="nobody@test.example", password="x")
    _lock(engine, email)
    with pytest.raises(SignInFailed), session_scope(engine) as session:
        accounts.authenticate(session=session, email=email, password=PASSWORD)
    actions = [(e.action, e.actor_id) for e in _actions(engine)]
    assert actions[0] == ("sign_in_failed", None)
    assert ("account_locked", org.sup_a1) in actions
    assert actions[-1] == ("sign_in_locked", org.sup_a1)
