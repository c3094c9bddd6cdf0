"""Freezing questionnaire versions in the database, and reading frozen ones back."""

from __future__ import annotations

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
    content_hash = session.exec(
        select(Instrument.content_hash).where(Instrument.id == instrument_row_id)
    ).first()
    if content_hash is None:
        raise InvalidInput(f"Questionnaire version #{instrument_row_id} is unknown.")
    return definition_for(session=session, instrument_row_id=instrument_row_id,
                          content_hash=content_hash)  # fmt: skip


def definition_for(
    *, session: Session, instrument_row_id: int, content_hash: str
) -> bank.Instrument:
    """The frozen instrument of this row whose hash the caller has already read (e.g. in a
    join): its definition is read and parsed only the first time the hash is seen. Each
    autosave used to read the whole definition (41 KB at the core questionnaire's size)
    only to find it parsed already: on PostgreSQL a tenth of the save's time (issue 22)."""
    parsed = _PARSED.get(content_hash)
    if parsed is not None:
        return parsed
    row = session.exec(
        select(Instrument.content_hash, Instrument.definition).where(
            Instrument.id == instrument_row_id
        )
    ).first()
    if row is None:
        raise InvalidInput(f"Questionnaire version #{instrument_row_id} is unknown.")
    # Keyed on the hash read with the definition: a row whose unused version was corrected
    # meanwhile (freeze) has a new hash, so it is parsed again, never mistaken for the old.
    parsed = bank.Instrument.from_definition_json(row.definition)
    while len(_PARSED) >= _PARSED_MAX:  # a handful of versions in practice
        _PARSED.pop(next(iter(_PARSED)), None)
    _PARSED[row.content_hash] = parsed
    return parsed


# Frozen definitions by content hash, parsed once (they never change). A plain dict: two
# threads parsing the same new version at once merely both parse it.
_PARSED: dict[str, bank.Instrument] = {}
_PARSED_MAX = 32


def answerable_items(
    content_hash: str, instrument: bank.Instrument, tags: frozenset[str], group: str = ""
) -> frozenset[str]:
    """The statements (item ids) a profile with these tags answers in the frozen instrument
    of this hash: on the self-assessment, or, given a rater group, on that group's 360 form.
    Worked out once per version, profile and group, not on every autosave."""
    key = (content_hash, group, tags)
    found = _ANSWERABLE.get(key)
    if found is None:
        pairs = instrument.rater_items_for(group, tags) if group else instrument.items_for(tags)
        found = frozenset(item.id for _skill, item in pairs)
        if len(_ANSWERABLE) >= 1024:  # versions x groups x 4 profiles: never in practice
            _ANSWERABLE.clear()
        _ANSWERABLE[key] = found
    return found


# Keyed on the hash, not the instrument: a pydantic model hashes (and compares) field by field.
_ANSWERABLE: dict[tuple[str, str, frozenset[str]], frozenset[str]] = {}
