"""Coaching notes: what a coach writes about a person they coach, dated and kept.

A note is private to the coaches of the person's team until its author shares it; then the
person reads it too. Notes are never edited or deleted, so the record of coaching stays
whole; sharing is the only change, and only the author makes it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlmodel import Session, select

from leadcoach.people import audit
from leadcoach.people.access import NO_ACCESS, Action, Viewer, person_for
from leadcoach.platform.errors import AccessDenied
from leadcoach.platform.i18n import _
from leadcoach.platform.models import CoachingNote, Person
from leadcoach.platform.validation import clean_text

NOTE_LIMIT = 4000


@dataclass(frozen=True)
class NoteView:
    id: int
    at: datetime
    author_id: int
    author: str
    text: str
    shared: bool


def add_note(
    *, session: Session, viewer: Viewer, person_id: int, text: str, shared: bool = False
) -> int:
    """A coach of the person's team writes a note; returns its id."""
    person_for(session=session, viewer=viewer, action=Action.WRITE_NOTES, person_id=person_id)
    note = CoachingNote(
        person_id=person_id,
        author_id=viewer.person_id,
        text=clean_text(text, "Note", NOTE_LIMIT),
        shared=shared,
    )
    session.add(note)
    session.flush()
    return note.id


def notes(*, session: Session, viewer: Viewer, person_id: int) -> list[NoteView]:
    """Notes about a person, newest first: all of them for their coaches, shared ones for
    the person themselves."""
    person_for(session=session, viewer=viewer, action=Action.READ_NOTES, person_id=person_id)
    query = (
        select(CoachingNote, Person.name)
        .join(Person, Person.id == CoachingNote.author_id)
        .where(CoachingNote.person_id == person_id)
        .order_by(CoachingNote.at.desc(), CoachingNote.id.desc())
    )
    if person_id == viewer.person_id:
        query = query.where(CoachingNote.shared)
    return [
        NoteView(note.id, note.at, note.author_id, name, note.text, note.shared)
        for note, name in session.exec(query).all()
    ]


def set_shared(*, session: Session, viewer: Viewer, note_id: int, shared: bool) -> None:
    """The author shares a note with the person, or takes it back."""
    note = session.get(CoachingNote, note_id)
    if note is None:
        raise AccessDenied(NO_ACCESS)
    person_for(session=session, viewer=viewer, action=Action.WRITE_NOTES, person_id=note.person_id)
    if note.author_id != viewer.person_id:
        raise AccessDenied(_("Only the coach who wrote a note can share it or take it back."))
    if note.shared != shared:
        note.shared = shared
        session.add(note)
        audit.record(session, viewer.person_id, "note_shared" if shared else "note_unshared",
                     subject=f"note {note.id}")  # fmt: skip
