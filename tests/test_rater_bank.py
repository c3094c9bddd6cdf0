"""Issue 22, item 1: the 360 form in the questionnaire: observer wordings, who rates what."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from leadcoach.instrument import bank
from leadcoach.platform.config import PACKAGE_ROOT

CURRENT = PACKAGE_ROOT / "assessments" / "leadcoach-core-1.1.0.yaml"
OLD = PACKAGE_ROOT / "assessments" / "leadcoach-core-1.0.0.yaml"
TEXT = CURRENT.read_text()


def test_every_item_has_an_observer_wording_about_the_supervisor():
    instrument = bank.load_instrument(CURRENT)
    items = [i for s in instrument.skills for i in s.items]
    assert len(items) == 72
    for item in items:
        assert item.observer and "supervisor" in item.observer, item.id
        assert item.observer != item.text
        assert " I " not in f" {item.observer} ", item.id  # written about them, not by them


def test_the_new_version_keeps_items_and_scoring_of_the_old_one():
    old, new = bank.load_instrument(OLD), bank.load_instrument(CURRENT)
    assert new.version == "1.1.0" and old.version == "1.0.0"
    assert old.rater_form is None and new.rater_form is not None
    assert [(i.id, i.text, i.reverse, i.applies_to) for s in old.skills for i in s.items] == [
        (i.id, i.text, i.reverse, i.applies_to) for s in new.skills for i in s.items
    ]
    assert old.scoring == new.scoring and old.scale == new.scale
    # The frozen 1.0.0 keeps its hash: submissions made with it keep their meaning.
    assert "observer" not in old.definition_json() and "rater_form" not in old.definition_json()
    thawed = bank.Instrument.from_definition_json(new.definition_json())
    assert thawed == new


def test_each_group_rates_only_what_it_can_observe():
    instrument = bank.load_instrument(CURRENT)
    everything = frozenset({"vendor", "remote_or_offshore"})
    assert instrument.observable_skills("self") == instrument.skill_ids
    assert instrument.observable_skills("manager") == instrument.skill_ids
    assert "DEL" not in instrument.observable_skills("direct_report")  # no vendor governance
    assert "DEL" in instrument.observable_skills("counterpart")
    assert "DEV" not in instrument.observable_skills("counterpart")
    agents = {s.id for s, _ in instrument.rater_items_for("direct_report", everything)}
    assert agents == set(instrument.observable_skills("direct_report"))
    # The supervisor's profile still decides which tagged items apply.
    assert not any(s.id == "REM" for s, _ in instrument.rater_items_for("peer", frozenset()))
    assert [q.id for q in instrument.rater_form.open_questions] == ["keep_doing", "do_differently"]


def _load_broken(tmp_path: Path, old: str, new: str) -> bank.BankError:
    assert old in TEXT, old
    path = tmp_path / "broken.yaml"
    path.write_text(TEXT.replace(old, new, 1))
    with pytest.raises(bank.BankError) as raised:
        bank.load_instrument(path)
    return raised.value


def _observer_block(item_id: str) -> str:
    start = TEXT.index(f"- id: {item_id}\n")
    begin = TEXT.index("    observer:", start)
    end = TEXT.index("\n  - id:", begin)
    return TEXT[begin:end]


def test_a_missing_observer_wording_is_an_error_naming_the_item(tmp_path):
    error = _load_broken(tmp_path, _observer_block("COM4") + "\n", "")
    assert "COM4" in str(error) and "observer wording" in str(error) and "missing" in str(error)


def test_an_empty_observer_wording_is_an_error_naming_the_item(tmp_path):
    error = _load_broken(tmp_path, _observer_block("OPS2"), "    observer: '  '")
    assert "OPS2" in str(error) and "empty" in str(error)


def test_a_group_naming_an_unknown_skill_is_an_error(tmp_path):
    error = _load_broken(tmp_path, "peer: [DEC,", "peer: [DECX,")
    assert "DECX" in str(error) and "peer" in str(error)


def test_check_bank_reports_the_item_without_observer_wording(tmp_path):
    (tmp_path / "broken.yaml").write_text(TEXT.replace(_observer_block("INF5") + "\n", "", 1))
    result = subprocess.run(
        [sys.executable, "-m", "leadcoach", "check-bank", "--dir", str(tmp_path)],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 1
    assert "INF5" in result.stderr and "observer wording" in result.stderr
    assert "Traceback" not in result.stderr
