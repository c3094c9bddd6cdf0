"""Per-rerun helpers of leadcoach.ui.context."""

from __future__ import annotations

from leadcoach.ui import context


def test_settings_are_reused_until_a_variable_changes(monkeypatch):
    monkeypatch.setenv("LEADCOACH_MIN_GROUP_SIZE", "4")
    first = context.settings()
    assert context.settings() is first and first.min_group_size == 4
    monkeypatch.setenv("LEADCOACH_MIN_GROUP_SIZE", "6")
    assert context.settings().min_group_size == 6
    monkeypatch.delenv("LEADCOACH_MIN_GROUP_SIZE")
    assert context.settings().min_group_size == type(first)().min_group_size
