"""Checks of user-typed values that several use cases share."""

from __future__ import annotations

from leadcoach.platform.errors import InvalidInput


def clean_text(value: str | None, field: str, limit: int, required: bool = True) -> str:
    """The value trimmed, or InvalidInput naming the field when empty or too long."""
    cleaned = (value or "").strip()
    if required and not cleaned:
        raise InvalidInput.of(field, "write something here.")
    if len(cleaned) > limit:
        raise InvalidInput.of(field, f"use at most {limit} characters (now {len(cleaned)}).")
    return cleaned
