"""Errors the core raises on purpose; pages turn each into a plain message."""


class LeadCoachError(Exception):
    """Base of every expected, user-facing error."""


class AccessDenied(LeadCoachError):
    """The signed-in person may not do this with this data, or it does not exist: an unknown
    id is refused with this too, so that ids cannot be probed."""


class NotFound(LeadCoachError):
    """The thing asked for does not exist, where the one asking may see all of its kind."""


class InvalidInput(LeadCoachError):
    """The input is wrong; the message says what and where."""


class AlreadySubmitted(LeadCoachError):
    """The assessment was submitted already; submitted results are never edited."""


class SignInFailed(LeadCoachError):
    """Sign-in refused; the message never says whether the email exists."""
