"""The questionnaire files: the shipped one loads; each kind of broken file says what and where."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from leadcoach.instrument import bank
from leadcoach.platform.config import PACKAGE_ROOT

SHIPPED = PACKAGE_ROOT / "assessments" / "leadcoach-core-1.0.0.yaml"
TEXT = SHIPPED.read_text()
# The current version (issue 22 added observer wordings); same items and scoring as 1.0.0.
CURRENT = PACKAGE_ROOT / "assessments" / "leadcoach-core-1.1.0.yaml"


def test_the_shipped_instrument_is_complete(instrument):
    items = [i for s in instrument.skills for i in s.items]
    scenarios = [x for s in instrument.skills for x in s.scenarios]
    assert (instrument.id, instrument.version) == ("leadcoach-core", "1.1.0")
    assert len(instrument.skills) == 12
    assert len(items) == 72
    assert sum(i.reverse for i in items) == 24  # a third reverse-keyed
    assert len(scenarios) == 21
    assert [p.value for p in instrument.scale.points] == [1, 2, 3, 4, 5]
    assert "Not applicable" in instrument.scale.not_applicable_label
    assert instrument.skill("REM").applies_to == "remote_or_offshore"
    assert {i.id for i in items if i.applies_to == "vendor"} == {"DEL3", "DEL6"}


def test_items_shown_depend_on_the_profile(instrument):
    everyone = {i.id for _, i in instrument.items_for(frozenset())}
    vendor = {i.id for _, i in instrument.items_for(frozenset({"vendor", "remote_or_offshore"}))}
    assert len(everyone) == 72 - 6 - 2  # REM's six and the two vendor items are left out
    assert len(vendor) == 72
    assert not any(s.id == "REM" for s, _ in instrument.scenarios_for(frozenset()))


def test_content_hash_is_stable_and_follows_the_content(instrument):
    again = bank.load_instrument(CURRENT)
    assert again.content_hash() == instrument.content_hash()
    thawed = bank.Instrument.from_definition_json(instrument.definition_json())
    assert thawed == instrument
    changed = instrument.model_copy(update={"instructions": instrument.instructions + " "})
    assert changed.content_hash() != instrument.content_hash()


def _broken(tmp_path: Path, old: str, new: str, count: int = 1) -> bank.BankError:
    assert old in TEXT, old
    path = tmp_path / "broken.yaml"
    path.write_text(TEXT.replace(old, new, count))
    with pytest.raises(bank.BankError) as raised:
        bank.load_instrument(path)
    return raised.value


def _line_of(tmp_path: Path, fragment: str) -> int:
    lines = (tmp_path / "broken.yaml").read_text().splitlines()
    return next(n for n, line in enumerate(lines, 1) if fragment in line)


CASES = [
    # (what is wrong, old text, new text, expected place, expected problem)
    ("duplicate item", "id: DEC2", "id: DEC1", "skills[0] (DEC) > items[1] (DEC1) > id",
     "duplicate item id 'DEC1'"),
    ("unknown tag", "applies_to: vendor", "applies_to: vendors",
     "skills[9] (DEL) > items[2] (DEL3) > applies_to", "unknown applicability tag 'vendors'"),
    ("scale value", "value: 5", "value: 6", "scale > points", "scale values must be 1 to 5"),
    ("two best options", "key: 3", "key: 4", "skills[0] (DEC) > scenarios[0] (SJT-DEC-1) > options",
     "exactly one option must be keyed 4 (best); 2 are"),
    ("no worst option", "key: 1", "key: 2", "skills[0] (DEC) > scenarios[0] (SJT-DEC-1) > options",
     "exactly one option must be keyed 1 (worst); 0 are"),
    ("key out of range", "key: 3", "key: 5",
     "skills[0] (DEC) > scenarios[0] (SJT-DEC-1) > options[2] (c) > key",
     "key 5 is not 1, 2, 3 or 4"),
    ("missing field", "  name: Decisive Judgement & Foresight\n", "",
     "skills[0] (DEC) > name", "this field is missing"),
    ("misspelt field", "  definition: Makes timely", "  definitio: Makes timely",
     "skills[0] (DEC) > definitio", "unknown field (a typo?)"),
    ("wrong type", "reverse: false", "reverse: maybe",
     "skills[0] (DEC) > items[0] (DEC1) > reverse", "valid boolean"),
]  # fmt: skip


@pytest.mark.parametrize(
    ("what", "old", "new", "place", "problem"), CASES, ids=[c[0] for c in CASES]
)
def test_a_broken_file_names_the_file_place_and_problem(tmp_path, what, old, new, place, problem):
    error = _broken(tmp_path, old, new)
    message = str(error)
    assert "\n" not in message and "Traceback" not in message
    assert message.startswith("tmp") or "broken.yaml" in message
    assert "broken.yaml" in message
    assert place in message, message
    assert problem in message, message
    assert error.line is not None


def test_the_line_points_at_the_second_of_two_duplicates(tmp_path):
    error = _broken(tmp_path, "id: DEC2", "id: DEC1")
    lines = (tmp_path / "broken.yaml").read_text().splitlines()
    assert "id: DEC1" in lines[error.line - 1]
    assert error.line > _line_of(tmp_path, "id: DEC1")


def test_a_skill_with_too_few_items(tmp_path):
    data = yaml.safe_load(TEXT)
    data["skills"][0]["items"] = data["skills"][0]["items"][:3]
    path = tmp_path / "few.yaml"
    path.write_text(yaml.safe_dump(data, sort_keys=False))
    with pytest.raises(bank.BankError, match="skill DEC has 3 items; at least 4 are needed"):
        bank.load_instrument(path)


def test_an_unknown_field_is_reported_as_a_typo(tmp_path):
    error = _broken(tmp_path, "title: Contact", "titel: Contact")
    assert "titel: unknown field (a typo?)" in str(error)


@pytest.mark.parametrize(
    ("content", "problem"),
    [
        ("id: x\nversion: [unclosed\n", "YAML syntax error"),
        ("", "the file is empty"),
        ("- just\n- a list\n", "the top level must be a mapping"),
    ],
)
def test_unreadable_files(tmp_path, content, problem):
    path = tmp_path / "bad.yaml"
    path.write_text(content)
    with pytest.raises(bank.BankError, match=problem) as raised:
        bank.load_instrument(path)
    assert "bad.yaml" in str(raised.value)


def test_the_bank_reports_every_broken_file_and_picks_the_highest_version(tmp_path):
    (tmp_path / "a.yaml").write_text(TEXT)
    (tmp_path / "b.yaml").write_text(TEXT.replace("version: 1.0.0", "version: 1.10.0"))
    (tmp_path / "c.yaml").write_text(TEXT.replace("version: 1.0.0", "version: 1.9.0"))
    assert bank.load_bank(tmp_path).current("leadcoach-core").version == "1.10.0"
    (tmp_path / "d.yaml").write_text("")
    (tmp_path / "e.yaml").write_text(TEXT.replace("version: 1.0.0", "version: 1.9.0"))
    with pytest.raises(bank.BankError) as raised:
        bank.load_bank(tmp_path)
    lines = str(raised.value).splitlines()
    assert len(lines) == 2
    assert "d.yaml" in lines[0] and "empty" in lines[0]
    assert "e.yaml" in lines[1] and "1.9.0 is also in c.yaml" in lines[1]


def test_unknown_instrument_id(instrument):
    with pytest.raises(bank.BankError, match="no instrument 'other'"):
        bank.Bank((instrument,)).current("other")


def test_the_tips_library_covers_every_skill(instrument):
    tips = bank.load_tips(PACKAGE_ROOT / "assessments" / "tips.yaml")
    bank.check_tips_cover(instrument, tips)
    assert all(len(tips[s]) >= 3 for s in instrument.skill_ids)
    without_dec = {k: v for k, v in tips.items() if k != "DEC"}
    with pytest.raises(bank.BankError, match="no tips for skill"):
        bank.check_tips_cover(instrument, without_dec)
