"""A person's own profile settings that they change themselves: their language (issue 25)."""

from __future__ import annotations

from sqlmodel import Session

from leadcoach.people.access import Viewer
from leadcoach.platform.errors import InvalidInput, NotFound
from leadcoach.platform.i18n import _
from leadcoach.platform.languages import SUPPORTED, code_for
from leadcoach.platform.models import Person


def set_language(*, session: Session, viewer: Viewer, language: str) -> bool:
    """Set the viewer's own interface language (a supported code or name); True if it
    changed. Only one's own: nobody sets another person's language here (the roster does)."""
    code = code_for(language)
    if code is None:
        raise InvalidInput(
            _("Language: '{value}' is not a language LeadCoach speaks; choose one of {choices}.")
            .format(value=language, choices=", ".join(SUPPORTED.values()))
        )  # fmt: skip
    person = session.get(Person, viewer.person_id)
    if person is None:
        raise NotFound(_("This account no longer exists."))
    if code_for(person.language) == code and person.language == code:
        return False
    person.language = code
    session.add(person)
    return True
