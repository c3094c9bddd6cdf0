"""Freezing questionnaire versions in the database, and reading frozen ones back."""

from __future__ import annotations

from functools import lru_cache

from sqlalchemy.dialects import postgresql, sqlite
from sqlmodel import Session, func, select

from leadcoach.instrument import bank
from leadcoach.platform.errors import InvalidInput
from leadcoach.platform.models import Instrument, Submission, utcnow


def freeze(*, session: Session, instrument: bank.Instrument) -> Instrument:
    """Store this instrument version (id, version, hash, definition) on first use.

    A version already used for a submission must never change meaning: if its file now
    hashes differently, refuse and ask for a new version number instead.
    """
    content_hash = instrument.content_hash()
    # Insert-if-absent in one statement: two people starting the first assessment of a new
    # version at the same moment must not trip over the unique constraint.
    dialect = postgresql if session.get_bind().dialect.name == "postgresql" else sqlite
    session.execute(
        dialect.insert(Instrument)
        .values(
            instrument_key=instrument.id,
            version=instrument.version,
            content_hash=content_hash,
            definition=instrument.definition_json(),
            frozen_at=utcnow(),
        )
        .on_conflict_do_nothing(index_elements=["instrument_key", "version"])
    )
    row = session.exec(
        select(Instrument).where(
            Instrument.instrument_key == instrument.id, Instrument.version == instrument.version
        )
    ).one()
    if row.content_hash == content_hash:
        return row
    used = session.exec(
        select(func.count()).select_from(Submission).where(Submission.instrument_id == row.id)
    ).one()
    if used:
        raise InvalidInput(
            f"Questionnaire {instrument.label} has changed since it was used for {used} "
            "submission(s). Give the changed file a new version number so old results keep "
            "their meaning."
        )
    # Not yet used for a submission: open drafts simply follow the corrected file.
    row.content_hash = content_hash
    row.definition = instrument.definition_json()
    session.add(row)
    session.flush()
    return row


def frozen_definition(*, session: Session, instrument_row_id: int) -> bank.Instrument:
    """The instrument exactly as it was frozen, whatever the YAML says today."""
    row = session.get(Instrument, instrument_row_id)
    if row is None:
        raise InvalidInput(f"Questionnaire version #{instrument_row_id} is unknown.")
    return _parse(row.content_hash, row.definition)


@lru_cache(maxsize=32)
def _parse(content_hash: str, definition: str) -> bank.Instrument:
    # Keyed on the hash: frozen definitions never change, so parsing once is enough.
    return bank.Instrument.from_definition_json(definition)
