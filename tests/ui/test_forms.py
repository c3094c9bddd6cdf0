"""AppTest: forms that keep their promises (issue 19): the file of rejected roster rows is
named after the uploaded file."""

from __future__ import annotations

import streamlit as st

from leadcoach.reporting.exports import derived_file_name
from tests.ui.test_hr import FILE, ROSTER
from tests.ui.test_supervisor import open_page, own_demo  # noqa: F401


def test_the_rejected_rows_file_is_named_after_the_upload(own_demo, monkeypatch):  # noqa: F811
    names: list[str | None] = []
    offer = st.download_button

    def recording(label, data, file_name=None, *args, **kwargs):
        # The file is built only when clicked (leadcoach.ui.exports), so its name is read
        # where the button is drawn.
        names.append(file_name)
        return offer(label, data, file_name, *args, **kwargs)

    monkeypatch.setattr(st, "download_button", recording)
    at = open_page(own_demo, "Helen Okafor", ROSTER, monkeypatch)
    at.get("file_uploader")[0].upload("intake.csv", FILE.encode(), "text/csv")
    at.run()
    at.radio[0].set_value("clean_rows").run()
    next(b for b in at.button if b.label == "Import").click().run()
    assert any(b.label == "Rejected rows (CSV)" for b in at.download_button)
    assert "intake-rejected.csv" in names and not [n for n in names if n and ".csv.csv" in n]


def test_a_derived_file_name_drops_the_folder_and_extension_of_the_original():
    assert derived_file_name("roster.csv", "rejected") == "roster-rejected.csv"
    assert derived_file_name("Intake 2026.XLSX", "rejected") == "Intake 2026-rejected.csv"
    assert derived_file_name("C:\\Users\\hr\\roster.csv", "rejected") == "roster-rejected.csv"
    assert derived_file_name("roster", "rejected") == "roster-rejected.csv"
    assert derived_file_name("a.b.tsv", "rejected", "txt") == "a.b-rejected.txt"
    assert derived_file_name("", "rejected") == "file-rejected.csv"
