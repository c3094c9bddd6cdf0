"""Exports: formulas neutralised, one row per person and round, XLSX, the printable report,
and an audit event for each."""

from __future__ import annotations

import io

import openpyxl
import pandas as pd
import pytest
from sqlmodel import select

from leadcoach.platform.db import session_scope
from leadcoach.platform.errors import AccessDenied
from leadcoach.platform.models import AuditEvent
from leadcoach.reporting import exports
from tests.factories import build_org

DANGEROUS = ["=1+2", "+SUM(A1)", "-3+4", "@cmd", "\tx", "\ry"]


def test_cells_a_spreadsheet_would_run_get_an_apostrophe():
    frame = pd.DataFrame({"name": [*DANGEROUS, "Ana", "-"], "score": [1.0] * 8, "=col": ["x"] * 8})
    safe = exports.neutralise(frame)
    assert list(safe["Name"]) == ["'" + v for v in DANGEROUS] + ["Ana", "'-"]
    assert list(safe["Score"]) == [1.0] * 8, "numbers stay numbers"
    assert list(safe.columns) == ["Name", "Score", "'=col"], "headers people read"


def test_exported_headers_are_people_facing():
    frame = pd.DataFrame({"submitted_on": ["2026-12-04"], "baseline_mean": [50.0], "Skill": ["x"]})
    header = exports.to_csv(frame).decode("utf-8-sig").splitlines()[0]
    assert header == "Submitted on,Baseline,Skill"
    sheet = openpyxl.load_workbook(io.BytesIO(exports.to_xlsx(frame))).active
    assert [c.value for c in sheet[1]] == ["Submitted on", "Baseline", "Skill"]
    kept = exports.neutralise(frame, people_headers=False)
    assert list(kept.columns) == ["submitted_on", "baseline_mean", "Skill"], "read-back files"


def test_text_in_any_kind_of_column_is_neutralised():
    """Categories, numbers mixed with text, two columns with one name, and a null first
    (OWASP ASVS 5.0, 1.2.10) are checked too; numbers, dates and flags are left alone."""
    when = pd.Timestamp("2026-01-02")
    frame = pd.DataFrame(
        [["=1+2", "=2", "@me", "\x00x", -1.5, True, when], ["Ana", 4, 5, "ok", 2.0, False, when]],
        columns=["category", "mixed", "mixed", "null", "n", "flag", "when"],
    ).astype({"category": "category"})
    safe = exports.neutralise(frame)
    assert safe.iloc[0].tolist() == ["'=1+2", "'=2", "'@me", "'\x00x", -1.5, True, when]
    assert safe.iloc[1].tolist() == ["Ana", 4, 5, "ok", 2.0, False, when]


def test_there_is_one_way_to_a_table_file_and_it_neutralises():
    frame = pd.DataFrame({"name": ["=1+2"]})
    assert exports.table_file(frame) == exports.to_csv(frame)
    assert exports.table_file(frame, "xlsx")[:2] == b"PK"
    assert b"'=1+2" in exports.table_file(frame)
    with pytest.raises(ValueError, match="csv"):
        exports.table_file(frame, "ods")


def test_csv_and_xlsx_exports_are_neutralised():
    frame = pd.DataFrame({"name": ['=HYPERLINK("http://x")', "Zoë"], "score": [-5.0, 50.0]})
    text = exports.to_csv(frame).decode("utf-8-sig")
    assert text.splitlines()[1].startswith("\"'=HYPERLINK")
    assert "Zoë" in text
    sheet = openpyxl.load_workbook(io.BytesIO(exports.to_xlsx(frame))).active
    assert sheet["A2"].value == '\'=HYPERLINK("http://x")' and sheet["A2"].data_type == "s"
    assert sheet["B2"].value == -5


def test_cohort_scores_have_one_row_per_person_and_round_and_a_column_per_skill(instrument):
    rows = []
    for person_id, name in [(1, "Ana"), (2, "Ben")]:
        for order, round_name in enumerate(["Baseline", "Day 90"]):
            for skill in instrument.skills[:2]:
                scored = not (name == "Ben" and round_name == "Day 90")
                rows.append(
                    {
                        "person_id": person_id,
                        "name": name,
                        "team": "T",
                        "site": "Leeds",
                        "vendor": None,
                        "language": "English",
                        "round": round_name,
                        "round_order": order,
                        "skill": skill.name,
                        "score": 50.0 + order if scored else float("nan"),
                        "submitted_at": pd.Timestamp("2026-03-01", tz="UTC") if scored else pd.NaT,
                    }
                )
    wide = exports.cohort_scores(pd.DataFrame(rows), instrument)
    assert list(wide.columns) == [
        "name",
        "team",
        "site",
        "vendor",
        "language",
        "round",
        "submitted_on",
        *[s.name for s in instrument.skills[:2]],
    ]
    assert len(wide) == 4
    ben_later = wide[(wide["name"] == "Ben") & (wide["round"] == "Day 90")].iloc[0]
    assert pd.isna(ben_later["submitted_on"]) and pd.isna(ben_later[instrument.skills[0].name])
    assert wide.loc[wide["name"] == "Ana", instrument.skills[0].name].tolist() == [50.0, 51.0]


def test_an_export_is_audited_and_only_for_hr_and_admins(engine):
    with session_scope(engine) as session:
        org = build_org(session)
    with session_scope(engine) as session:
        exports.record_export(
            session=session,
            viewer=org.viewer(session, org.hr),
            kind="xlsx",
            subject="Spring",
            rows=12,
        )
        with pytest.raises(AccessDenied):
            exports.record_export(
                session=session,
                viewer=org.viewer(session, org.coach_a),
                kind="csv",
                subject="Spring",
                rows=1,
            )
    with session_scope(engine) as session:
        event = session.exec(select(AuditEvent).where(AuditEvent.action == "export")).one()
    assert event.actor_id == org.hr and event.subject == "Spring"
    assert event.detail == '{"kind": "xlsx", "rows": 12}'
