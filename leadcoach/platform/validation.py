"""Checks of user-typed values that several use cases share."""

from __future__ import annotations

from leadcoach.platform.errors import InvalidInput


def clean_text(value: str | None, field: str, limit: int, required: bool = True) -> str:
    """The value trimmed, or InvalidInput naming the field when empty or too long."""
    cleaned = (value or "").strip()
    if required and not cleaned:
        raise InvalidInput(f"{field}: write something here.")
    if len(cleaned) > limit:
        raise InvalidInput(f"{field}: use at most {limit} characters (now {len(cleaned)}).")
    return cleaned


def time_zone(value: str | None, field: str = "Time zone") -> str | None:
    """An IANA time zone name as zoneinfo knows it (None when empty), or InvalidInput."""
    from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

    cleaned = (value or "").strip()
    if not cleaned:
        return None
    try:
        ZoneInfo(cleaned)
    except (ZoneInfoNotFoundError, ValueError):
        raise InvalidInput(
            f'{field}: "{cleaned[:60]}" is not a time zone; use a name such as Europe/London, '
            "Asia/Manila or America/Bogota."
        ) from None
    return cleaned
