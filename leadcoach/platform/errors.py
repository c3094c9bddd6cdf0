"""Errors the core raises on purpose; pages turn each into a plain message."""


class LeadCoachError(Exception):
    """Base of every expected, user-facing error."""


class AccessDenied(LeadCoachError):
    """The signed-in person may not do this with this person's data."""


class NotFound(LeadCoachError):
    """The thing asked for does not exist (or is not visible, which reads the same)."""


class InvalidInput(LeadCoachError):
    """The input is wrong; the message says what and where."""


class AlreadySubmitted(LeadCoachError):
    """The assessment was submitted already; submitted results are never edited."""


class SignInFailed(LeadCoachError):
    """Sign-in refused; the message never says whether the email exists."""
