"""The audit log: who did what, when. Events never hold answers or scores."""

from __future__ import annotations

import json
from typing import Any

from sqlmodel import Session

from leadcoach.models import AuditEvent


def record(
    session: Session, actor_id: int | None, action: str, subject: str = "", **detail: Any
) -> None:
    """Add an audit event to the session's transaction."""
    session.add(
        AuditEvent(
            actor_id=actor_id,
            action=action,
            subject=subject[:200],
            detail=json.dumps(detail, sort_keys=True, default=str) if detail else "",
        )
    )
