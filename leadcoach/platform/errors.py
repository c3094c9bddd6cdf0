"""Errors the core raises on purpose; pages turn each into a plain message."""

from __future__ import annotations


class LeadCoachError(Exception):
    """Base of every expected, user-facing error."""


class AccessDenied(LeadCoachError):
    """The signed-in person may not do this with this data, or it does not exist: an unknown
    id is refused with this too, so that ids cannot be probed."""


class NotFound(LeadCoachError):
    """The thing asked for does not exist, where the one asking may see all of its kind."""


class InvalidInput(LeadCoachError):
    """The input is wrong; the message says what and where.

    `field` names the input as the core calls it (e.g. "Goal") and `problem` is the message
    without that name ("write something here."), so that a form can show the problem next
    to its own field, under the field's own label."""

    def __init__(self, message: str, *, field: str | None = None, problem: str | None = None):
        super().__init__(message)
        self.field = field
        self.problem = problem or message

    @classmethod
    def of(cls, field: str, problem: str) -> InvalidInput:
        """The problem with one field: "Target date: choose a date after today."."""
        return cls(f"{field}: {problem}", field=field, problem=problem)


class AlreadySubmitted(LeadCoachError):
    """The assessment was submitted already; submitted results are never edited."""


class SignInFailed(LeadCoachError):
    """Sign-in refused; the message never says whether the email exists."""
