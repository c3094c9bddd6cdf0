"""Who wants which email: people's own choices, the organisation's switches per kind, and
one-click unsubscribe links signed so that only the person's own link turns a kind off."""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Engine
from sqlmodel import Session, select

from leadcoach.messaging.kinds import KINDS, Kind, kinds_for, label
from leadcoach.people import audit
from leadcoach.people.access import Action, Viewer, person_for, require
from leadcoach.platform.config import Settings
from leadcoach.platform.errors import InvalidInput
from leadcoach.platform.i18n import _
from leadcoach.platform.models import (
    MessagingSetting,
    NotificationPreference,
    NotificationProfile,
    Person,
    Role,
    utcnow,
)
from leadcoach.platform.validation import time_zone as checked_time_zone

KEY_SETTING = "link_key"  # the generated key that signs unsubscribe links
_KIND_SETTING = "kind:"


def _insert_ignoring_duplicates(session: Session, model, rows: list[dict]) -> None:
    """INSERT ... ON CONFLICT DO NOTHING on SQLite and PostgreSQL alike."""
    if not rows:
        return
    if session.get_bind().dialect.name == "postgresql":
        from sqlalchemy.dialects.postgresql import insert
    else:
        from sqlalchemy.dialects.sqlite import insert
    session.execute(insert(model).on_conflict_do_nothing(), rows)


def link_key(session: Session, settings: Settings) -> bytes:
    """The key that signs unsubscribe links: LEADCOACH_SECRET_KEY, or one generated once and
    kept in the database, so every app server and worker signs alike without set-up."""
    configured = settings.secret_key.get_secret_value()
    if configured:
        return configured.encode()
    stored = session.get(MessagingSetting, KEY_SETTING)
    if stored is None:
        _insert_ignoring_duplicates(
            session, MessagingSetting,
            [{"name": KEY_SETTING, "value": secrets.token_urlsafe(32), "changed_at": utcnow()}],
        )  # fmt: skip
        stored = session.exec(
            select(MessagingSetting).where(MessagingSetting.name == KEY_SETTING)
        ).one()
    return stored.value.encode()


def _mac(key: bytes, person_id: int, kind: str, email: str) -> str:
    message = f"unsubscribe:{person_id}:{kind}:{email.casefold()}".encode()
    digest = hmac.new(key, message, hashlib.sha256).digest()[:18]
    return base64.urlsafe_b64encode(digest).decode()


def stop_token(key: bytes, person_id: int, kind: str, email: str) -> str:
    """The token of a one-click link that turns this kind off for this person and address."""
    return f"{person_id}.{kind}.{_mac(key, person_id, kind, email)}"


def stop_link(public_url: str, token: str) -> str:
    """The address of the notifications page that applies the token."""
    return f"{public_url.rstrip('/')}/notifications?stop={token}"


@dataclass(frozen=True)
class Unsubscribed:
    person_id: int
    name: str
    kind: Kind
    label: str
    changed: bool  # False when the kind was off already


def unsubscribe(*, session: Session, settings: Settings, token: str) -> Unsubscribed:
    """Turn off the kind that a one-click link names, for the person it was sent to.

    No sign-in is needed: the token's signature is the proof. A wrong or altered token reads
    as a broken link, whatever part of it is wrong."""
    broken = InvalidInput(
        _(
            "This link to stop emails is broken or out of date. Sign in and choose which "
            "emails you get under Notifications."
        )
    )
    parts = (token or "").strip().split(".")
    if len(parts) != 3 or not parts[0].isdigit():
        raise broken
    person_id, kind_name, mac = int(parts[0]), parts[1], parts[2]
    person = session.get(Person, person_id)
    if person is None or kind_name not in {k.value for k in Kind}:
        raise broken
    expected = _mac(link_key(session, settings), person_id, kind_name, person.email)
    if not hmac.compare_digest(expected, mac):
        raise broken
    kind = Kind(kind_name)
    changed = _set_preference(session, person_id, kind, enabled=False)
    if changed:
        audit.record(
            session, person_id, "email_unsubscribed", f"person {person_id}", kind=kind.value
        )
    return Unsubscribed(person_id, person.name, kind, label(kind), changed)


def _set_preference(session: Session, person_id: int, kind: Kind, *, enabled: bool) -> bool:
    current = session.get(NotificationPreference, (person_id, kind.value))
    if current is None:
        if enabled:  # no row means on
            return False
        session.add(NotificationPreference(person_id=person_id, kind=kind.value, enabled=False))
        return True
    if current.enabled == enabled:
        return False
    current.enabled = enabled
    current.changed_at = utcnow()
    session.add(current)
    return True


# --- a person's own settings ------------------------------------------------------------------


@dataclass(frozen=True)
class KindChoice:
    kind: Kind
    label: str
    enabled: bool  # the person's own choice
    organisation_enabled: bool  # False: HR or an admin has switched this kind off for everyone


@dataclass(frozen=True)
class EmailSettings:
    """What the notifications page shows a person about their own emails."""

    email: str
    time_zone: str | None
    default_time_zone: str
    any_hour: bool
    refused_email: str | None  # the address the mail server refused, if it is still theirs
    refused_at: datetime | None
    refused_reason: str
    choices: tuple[KindChoice, ...]


def switches(session: Session) -> dict[Kind, bool]:
    """Each kind on (True) or off for the whole organisation; on unless switched off."""
    rows = session.exec(
        select(MessagingSetting).where(MessagingSetting.name.startswith(_KIND_SETTING))
    ).all()
    stored = {row.name.removeprefix(_KIND_SETTING): row.value == "on" for row in rows}
    return {kind: stored.get(kind.value, True) for kind in Kind}


def email_settings(*, session: Session, viewer: Viewer, settings: Settings) -> EmailSettings:
    """The viewer's own email settings."""
    person = person_for(
        session=session, viewer=viewer, action=Action.CHOOSE_EMAILS, person_id=viewer.person_id
    )
    own = {
        row.kind: row.enabled
        for row in session.exec(
            select(NotificationPreference).where(NotificationPreference.person_id == person.id)
        )
    }
    profile = session.get(NotificationProfile, person.id) or NotificationProfile(
        person_id=person.id
    )
    organisation = switches(session)
    refused = profile.refused_email if profile.refused_email == person.email else None
    return EmailSettings(
        email=person.email,
        time_zone=person.time_zone,
        default_time_zone=settings.default_time_zone,
        any_hour=profile.any_hour,
        refused_email=refused,
        refused_at=profile.refused_at if refused else None,
        refused_reason=profile.refused_reason if refused else "",
        choices=tuple(
            KindChoice(kind, _(KINDS[kind].label), own.get(kind.value, True), organisation[kind])
            for kind in kinds_for(Role(person.role))
        ),
    )


def _kind(value: str | Kind) -> Kind:
    try:
        return Kind(value)
    except ValueError:
        raise InvalidInput(
            _("Kind of email: '{value}' is not one LeadCoach sends.").format(value=value)
        ) from None


def choose(*, session: Session, viewer: Viewer, kind: str | Kind, enabled: bool) -> bool:
    """Turn one kind of email on or off for oneself; returns whether anything changed."""
    person_for(
        session=session, viewer=viewer, action=Action.CHOOSE_EMAILS, person_id=viewer.person_id
    )
    chosen = _kind(kind)
    changed = _set_preference(session, viewer.person_id, chosen, enabled=bool(enabled))
    if changed:
        audit.record(
            session, viewer.person_id, "email_choice_changed", f"person {viewer.person_id}",
            kind=chosen.value, enabled=bool(enabled),
        )  # fmt: skip
    return changed


def set_time_zone(*, session: Session, viewer: Viewer, time_zone: str | None) -> bool:
    """Set (or clear) one's own time zone; returns whether it changed."""
    person = person_for(
        session=session, viewer=viewer, action=Action.CHOOSE_EMAILS, person_id=viewer.person_id
    )
    value = checked_time_zone(time_zone)
    if person.time_zone == value:
        return False
    old, person.time_zone = person.time_zone, value
    session.add(person)
    audit.record(
        session, viewer.person_id, "email_choice_changed", f"person {person.id}",
        time_zone=value or "", was=old or "",
    )  # fmt: skip
    return True


def _profile(session: Session, person_id: int) -> NotificationProfile:
    return session.get(NotificationProfile, person_id) or NotificationProfile(person_id=person_id)


def set_any_hour(*, session: Session, viewer: Viewer, any_hour: bool) -> bool:
    """Let emails come at any hour (True) or only outside the quiet hours (False)."""
    person_for(
        session=session, viewer=viewer, action=Action.CHOOSE_EMAILS, person_id=viewer.person_id
    )
    profile = _profile(session, viewer.person_id)
    if profile.any_hour == bool(any_hour):
        return False
    profile.any_hour = bool(any_hour)
    session.add(profile)
    audit.record(
        session, viewer.person_id, "email_choice_changed", f"person {viewer.person_id}",
        any_hour=bool(any_hour),
    )  # fmt: skip
    return True


def retry_refused_address(*, session: Session, viewer: Viewer) -> bool:
    """Forget that the mail server refused one's address, so emails are tried again."""
    person_for(
        session=session, viewer=viewer, action=Action.CHOOSE_EMAILS, person_id=viewer.person_id
    )
    profile = session.get(NotificationProfile, viewer.person_id)
    if profile is None or profile.refused_email is None:
        return False
    clear_refusal(profile)
    session.add(profile)
    audit.record(session, viewer.person_id, "email_address_retried", f"person {viewer.person_id}")
    return True


def clear_refusal(profile: NotificationProfile) -> None:
    """Forget a refused address on the profile (the caller adds it to the session)."""
    profile.refused_email, profile.refused_at, profile.refused_reason = None, None, ""


# --- the organisation's switches (HR and admins) ----------------------------------------------


def organisation_switches(*, session: Session, viewer: Viewer) -> list[tuple[Kind, str, bool]]:
    """Every kind with its label and whether it is on for the organisation."""
    require(viewer, Action.SWITCH_EMAILS)
    return [(kind, _(KINDS[kind].label), on) for kind, on in switches(session).items()]


def switch(*, session: Session, viewer: Viewer, kind: str | Kind, enabled: bool) -> bool:
    """Turn a kind of email on or off for everyone; returns whether anything changed."""
    require(viewer, Action.SWITCH_EMAILS)
    chosen = _kind(kind)
    if switches(session)[chosen] == bool(enabled):
        return False
    name = _KIND_SETTING + chosen.value
    row = session.get(MessagingSetting, name) or MessagingSetting(name=name, value="on")
    row.value = "on" if enabled else "off"
    row.changed_at = utcnow()
    session.add(row)
    audit.record(
        session, viewer.person_id, "email_kind_switched", chosen.value, enabled=bool(enabled)
    )
    return True


def key_for(engine: Engine, settings: Settings) -> bytes:
    """The link key, read (or made) in a transaction of its own."""
    from leadcoach.platform.db import session_scope

    with session_scope(engine) as session:
        return link_key(session, settings)
