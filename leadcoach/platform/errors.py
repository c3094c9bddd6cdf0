"""Errors the core raises on purpose; pages turn each into a plain message."""

from __future__ import annotations

from leadcoach.platform.i18n import N_, _

# The names the core gives the fields of its forms (`InvalidInput.of(field, ...)` and
# `validation.clean_text(value, field, ...)`): texts of the catalog, so that a message names
# the field in the reader's language (issue 25).
FIELD_NAMES = (
    N_("Action"), N_("Actions"), N_("Closes on"), N_("Comment"), N_("Dates"), N_("Description"),
    N_("Email"), N_("Expectations"), N_("Goal"), N_("Group"), N_("Measure"), N_("Name"),
    N_("Note"), N_("Person"), N_("Plan for"), N_("Round name"), N_("Target date"),
    N_("Targets"), N_("Time zone"),
)  # fmt: skip


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
        """The problem with one field: "Target date: choose a date after today.". The field is
        named in the reader's language (a text of the catalog, marked with N_ where it is
        named); `field` keeps the core's English name, which forms match on."""
        return cls(
            _("{field}: {problem}").format(field=_(field), problem=problem),
            field=field,
            problem=problem,
        )


class AlreadySubmitted(LeadCoachError):
    """The assessment was submitted already; submitted results are never edited."""


class SignInFailed(LeadCoachError):
    """Sign-in refused; the message never says whether the email exists."""
