"""The shared text cleaner: control characters are refused with a message naming the field
and the place, on one-line and multi-line fields alike; nothing is written."""

from __future__ import annotations

from datetime import date

import pytest
from sqlmodel import func, select

from leadcoach.platform.db import session_scope
from leadcoach.platform.errors import InvalidInput
from leadcoach.platform.models import AuditEvent, Cohort, CohortRound
from leadcoach.platform.validation import clean_text, forbidden_character, visible
from leadcoach.programmes import cohorts
from tests.factories import build_org

# Unicode category Cc: C0 controls, DEL and C1 controls.
CONTROLS = [chr(code) for code in [*range(0x20), *range(0x7F, 0xA0)]]


@pytest.mark.parametrize("character", CONTROLS, ids=[f"U+{ord(c):04X}" for c in CONTROLS])
def test_every_control_character_inside_one_line_text_is_refused(character):
    with pytest.raises(InvalidInput, match=r"^Name: remove .* at character 4[;.] "):
        clean_text(f"Ana{character}Lima", "Name", 200, one_line=True)


@pytest.mark.parametrize(
    ("character", "message"),
    [
        ("\x00", "Name: remove an invisible null character (U+0000) at character 4. Such "
                 "characters are invisible and not accepted; they often come from copying "
                 "out of another program."),
        ("\x1b", "Name: remove an invisible escape character (U+001B) at character 4."),
        ("\x07", "Name: remove an invisible bell character (U+0007) at character 4."),
        ("\x85", "Name: remove an invisible control character (U+0085) at character 4."),
        ("\n", "Name: remove a line break at character 4; write this on one line."),
        ("\r", "Name: remove a line break at character 4; write this on one line."),
        ("\t", "Name: remove a tab at character 4; use a space instead."),
    ],
)  # fmt: skip
def test_the_message_names_the_character_and_its_place(character, message):
    with pytest.raises(InvalidInput) as refused:
        clean_text(f"Ana{character}Lima", "Name", 200, one_line=True)
    assert str(refused.value).startswith(message)


def test_text_on_several_lines_keeps_line_breaks_and_tabs_but_no_other_control():
    assert clean_text("First\r\n\tSecond\rThird\n", "Note", 100) == "First\n\tSecond\nThird"
    for character in set(CONTROLS) - {"\n", "\t", "\r"}:
        with pytest.raises(InvalidInput, match=r"^Note: remove an invisible"):
            clean_text(f"Li{character}ne", "Note", 100)


def test_format_characters_and_other_scripts_are_kept():
    # Zero-width non-joiner (Persian), right-to-left mark (Arabic), a joined emoji.
    for text in ("می\u200cخواهم", "\u200fسارة", "👩\u200d💻 Ana", "Zoë Ødegård-Łukasik"):
        assert clean_text(text, "Name", 200, one_line=True) == text
    assert forbidden_character("plain", one_line=True) is None


def test_a_lone_surrogate_is_refused():
    with pytest.raises(InvalidInput, match="control character"):
        clean_text("Ana\udc80", "Name", 200, one_line=True)


def test_outer_whitespace_is_still_trimmed_before_the_check():
    assert clean_text("\t Ana Lima \n", "Name", 200, one_line=True) == "Ana Lima"


def test_visible_draws_control_characters():
    assert visible("a\x00b\x1bc\x7fd\x85e") == "a\u2400b\u241bc\u2421d\ufffde"


def _counts(session) -> tuple[int, ...]:
    return tuple(
        session.exec(select(func.count()).select_from(table)).one()
        for table in (Cohort, CohortRound, AuditEvent)
    )


@pytest.mark.parametrize("character", ["\x00", "\x1b", "\n", "\t"])
def test_a_cohort_or_round_name_with_a_control_character_writes_nothing(engine, character):
    """On SQLite and PostgreSQL (which cannot store U+0000 and used to give a traceback)."""
    with session_scope(engine) as session:
        org = build_org(session)
        hr = org.viewer(session, org.hr)
        cohort = cohorts.create_cohort(
            session=session, viewer=hr, name="Spring", start_date=date(2026, 1, 5)
        )
    with session_scope(engine) as session:
        before = _counts(session)
    calls = {
        "Name": lambda session, hr: cohorts.create_cohort(
            session=session, viewer=hr, name=f"Aut{character}umn", start_date=date(2026, 9, 1)
        ),
        "Description": lambda session, hr: cohorts.create_cohort(
            session=session, viewer=hr, name="Autumn", start_date=date(2026, 9, 1),
            description=f"New{character}starters",
        ),
        "Round name": lambda session, hr: cohorts.add_round(
            session=session, viewer=hr, cohort_id=cohort, name=f"Day{character}90",
            opens_on=date(2026, 4, 1), closes_on=date(2026, 4, 20),
        ),
    }  # fmt: skip
    for field, call in calls.items():
        with (
            pytest.raises(InvalidInput, match=rf"^{field}: remove .* at character 4"),
            session_scope(engine) as session,
        ):
            call(session, org.viewer(session, org.hr))
    with session_scope(engine) as session:
        assert _counts(session) == before


def test_names_and_emails_typed_for_an_account_refuse_invisible_characters(engine):
    from leadcoach.people import accounts
    from leadcoach.platform.models import Person, Role

    for name, email, where in [
        ("Ben\x00Carter", "ben@test.example", "Name"),
        ("Ben\nCarter", "ben@test.example", "Name"),
        ("Ben Carter", "ben\x1b@test.example", "Email"),
    ]:
        with session_scope(engine) as session:
            with pytest.raises(InvalidInput, match=where):
                accounts.create_person_with_account(
                    session=session, name=name, email=email, role=Role.SUPERVISOR,
                    password="correct horse battery staple",
                )  # fmt: skip
            assert session.exec(select(Person)).all() == []
