# ruff: noqa: E501
"""KPI import (issue 23): every malformed file gets its own message and writes nothing;
clean files import idempotently; a later import of a month replaces it, audited."""

from __future__ import annotations

import io
import json

import pytest
from openpyxl import Workbook
from sqlmodel import func, select

from leadcoach.platform.db import session_scope
from leadcoach.platform.errors import AccessDenied, InvalidInput
from leadcoach.platform.models import AuditEvent, KpiDefinition, KpiValue
from leadcoach.programmes import kpis
from tests.factories import build_org

HEADER = "team,period,measure,value,contacts\n"


@pytest.fixture
def org(engine):
    with session_scope(engine) as session:
        return build_org(session)


def _import(engine, org, text: str, mode: str = "all_or_nothing", name: str = "kpis.csv"):
    data = text.encode() if isinstance(text, str) else text
    with session_scope(engine) as session:
        viewer = org.viewer(session, org.hr)
        return kpis.import_kpis(
            session=session, viewer=viewer, file=kpis.read_kpi_file(data, name), mode=mode
        )


def _values(engine) -> int:
    with session_scope(engine) as session:
        return session.exec(select(func.count(KpiValue.id))).one()


def test_the_catalogue_has_the_common_measures_once(engine, org):
    with session_scope(engine) as session:
        kpis.ensure_catalogue(session)
        kpis.ensure_catalogue(session)
        keys = set(session.exec(select(KpiDefinition.key)).all())
        viewer = org.viewer(session, org.hr)
        table = kpis.catalogue(session=session, viewer=viewer)
    expected = {"aht", "csat", "fcr", "quality", "adherence", "service_level", "absenteeism",
                "attrition"}  # fmt: skip
    assert expected <= keys and len(table) == len(keys) == 10
    aht = table.set_index("key").loc["aht"]
    assert (aht["unit"], aht["better"], aht["combine"]) == ("seconds", "lower", "weighted_mean")


def test_hr_adds_a_measure_and_it_can_be_imported(engine, org):
    with session_scope(engine) as session:
        viewer = org.viewer(session, org.hr)
        kpis.add_definition(session=session, viewer=viewer, key="nps", name="Net promoter score",
                            unit="score", higher_is_better=True, min_value=-100, max_value=100,
                            combine="weighted_mean")  # fmt: skip
        with pytest.raises(InvalidInput, match="already exists"):
            kpis.add_definition(session=session, viewer=viewer, key="nps2", name="net promoter "
                                "score", unit="score", higher_is_better=True, min_value=0,
                                max_value=1, combine="sum")  # fmt: skip
        with pytest.raises(InvalidInput, match="range"):
            kpis.add_definition(session=session, viewer=viewer, key="x_y", name="X", unit="count",
                                higher_is_better=True, min_value=5, max_value=5, combine="sum")  # fmt: skip
    result = _import(engine, org, HEADER + "Team A,2025-03,nps,-20,\n")
    assert result.written and result.inserted == 1


def test_a_supervisor_or_coach_cannot_import_or_add(engine, org):
    with session_scope(engine) as session:
        for person in (org.sup_a1, org.coach_a):
            viewer = org.viewer(session, person)
            with pytest.raises(AccessDenied):
                kpis.import_kpis(session=session, viewer=viewer,
                                 file=kpis.read_kpi_file(b"team\n", "k.csv"))  # fmt: skip
            with pytest.raises(AccessDenied):
                kpis.add_definition(session=session, viewer=viewer, key="zz", name="Z",
                                    unit="count", higher_is_better=True, min_value=0,
                                    max_value=1, combine="sum")  # fmt: skip


def test_a_clean_file_imports_and_importing_it_again_changes_nothing(engine, org):
    text = HEADER + (
        "Team A,2025-03,aht,312,1200\n"
        "team a,2025-03,Customer satisfaction,86.5%,300\n"
        "Team B,2025-03,csat,80,\n"
        "Team B,2025-03,csat,80,\n"  # the same value twice is harmless
    )
    first = _import(engine, org, text)
    assert first.written and (first.inserted, first.unchanged) == (3, 0)
    second = _import(engine, org, text)
    assert second.written and (second.inserted, second.updated, second.unchanged) == (0, 0, 3)
    assert second.replaced_periods == ()
    assert _values(engine) == 3


def test_xlsx_with_date_cells_imports(engine, org):
    from datetime import datetime

    book = Workbook()
    sheet = book.active
    sheet.append(["Team", "Period", "Measure", "Value", "Contacts"])
    sheet.append(["Team A", datetime(2025, 4, 1), "fcr", 71.25, 900])
    buffer = io.BytesIO()
    book.save(buffer)
    result = _import(engine, org, buffer.getvalue(), name="wfm.xlsx")
    assert result.written and result.inserted == 1


def test_a_later_import_of_a_month_replaces_it_and_is_audited(engine, org):
    _import(engine, org, HEADER + "Team A,2025-03,aht,312,\nTeam A,2025-03,csat,80,\n"
            "Team B,2025-03,aht,400,\nTeam A,2025-02,aht,300,\n")  # fmt: skip
    result = _import(engine, org, HEADER + "Team A,2025-03,aht,299,\n")
    assert (result.inserted, result.updated, result.removed) == (0, 1, 1)
    assert result.replaced_periods == ("2025-03",)
    with session_scope(engine) as session:
        rows = session.exec(select(KpiValue.period, KpiValue.value).order_by(KpiValue.id)).all()
        events = session.exec(
            select(AuditEvent).where(AuditEvent.action == "kpi_period_replaced")
        ).all()
    # Team B's March and Team A's February are untouched.
    assert sorted(value for _, value in rows) == [299.0, 300.0, 400.0]
    assert [(e.subject, json.loads(e.detail)["changed"], json.loads(e.detail)["removed"])
            for e in events] == [("2025-03", 1, 1)]  # fmt: skip


MALFORMED = {
    "unknown team": (HEADER + "Team Z,2025-03,aht,300,\n", 'Row 2, column "team": there is no team "Team Z"'),
    "unknown measure": (HEADER + "Team A,2025-03,handle,300,\n", 'Row 2, column "measure": there is no measure "handle"'),
    "period as 03/2025": (HEADER + "Team A,03/2025,aht,300,\n", 'Row 2, column "period": "03/2025" is not a month'),
    "period as March 2025": (HEADER + "Team A,March 2025,aht,300,\n", 'Row 2, column "period": "March 2025" is not a month'),
    "period as 2025-3": (HEADER + "Team A,2025-3,aht,300,\n", 'Row 2, column "period": "2025-3" is not a month'),
    "duplicated with different values": (
        HEADER + "Team A,2025-03,aht,300,\nTeam A,2025-03,aht,310,\n",
        'Row 3, column "value": row 2 gives Team A Average handle time for 2025-03 as 300',
    ),
    "CSAT of 130%": (HEADER + "Team A,2025-03,csat,130%,\n", 'Row 2, column "value": "130%" is outside the valid range of Customer satisfaction (0 to 100%)'),
    "AHT of -5 s": (HEADER + "Team A,2025-03,aht,-5,\n", 'Row 2, column "value": "-5" is outside the valid range of Average handle time (0 to 7200 s)'),
    "text in a number column": (HEADER + "Team A,2025-03,aht,five minutes,\n", 'Row 2, column "value": "five minutes" is not a number'),
    "decimal comma": (HEADER + 'Team A,2025-03,aht,"312,5",\n', 'uses a decimal comma; write 312.5'),
    "contacts not whole": (HEADER + "Team A,2025-03,aht,300,12.5\n", 'Row 2, column "contacts": "12.5" is not a whole number'),
    "no value column": ("team,period,measure\nTeam A,2025-03,aht\n", 'Row 1, column "value": the file has no "value" column'),
    "empty file": ("", "The file is empty"),
    "not utf-8": (HEADER.encode() + "Équipe,2025-03,aht,300,\n".encode("latin-1"), "not saved as UTF-8"),
}  # fmt: skip


@pytest.mark.parametrize("case", list(MALFORMED))
def test_each_malformed_file_gets_its_message_and_writes_nothing(engine, org, case):
    text, message = MALFORMED[case]
    # One good row too: all or nothing means it is not written either.
    if isinstance(text, str) and text.startswith(HEADER):
        text = text + "Team B,2025-03,aht,300,\n"
    result = _import(engine, org, text)
    assert not result.written
    assert any(message in line for line in result.check.messages()), result.check.messages()
    assert _values(engine) == 0
    with session_scope(engine) as session:
        assert not session.exec(select(AuditEvent).where(AuditEvent.action == "kpi_import")).all()


def test_a_200000_row_file_is_refused_whole(engine, org):
    rows = "".join(
        f"Team A,{2000 + i // 12 % 900}-{i % 12 + 1:02d},aht,300,\n" for i in range(200_000)
    )
    result = _import(engine, org, HEADER + rows)
    assert not result.written
    assert result.check.messages()[0].startswith("The file has more than 150,000 values")
    assert _values(engine) == 0


def test_clean_rows_mode_writes_the_good_rows_and_returns_the_others(engine, org):
    text = HEADER + "Team A,2025-03,aht,300,\nTeam A,2025-03,csat,130,\nTeam Z,2025-03,aht,1,\n"
    result = _import(engine, org, text, mode="clean_rows")
    assert result.written and result.inserted == 1
    assert list(result.rejected_rows["team"]) == ["Team A", "Team Z"]
    assert "outside the valid range" in result.rejected_rows["problem"].iloc[0]
    assert _values(engine) == 1


def test_a_file_that_is_not_text_gets_the_rosters_own_message(engine, org):
    from leadcoach.programmes import roster, spreadsheets

    binary = bytes(range(256)) * 8
    kpi_file, roster_file = kpis.read_kpi_file(binary, "k.csv"), roster.read_roster(binary, "r.csv")
    assert [str(p) for p in kpi_file.problems] == [str(p) for p in roster_file.problems]
    assert (
        str(kpi_file.problems[0]) == spreadsheets.NOT_TEXT and "roster" not in spreadsheets.NOT_TEXT
    )


def test_a_file_with_one_bad_row_keeps_the_other_rows_as_a_clean_file_would(
    engine, org, monkeypatch
):
    """A clean file is checked a column at a time, a file with a problem row by row: both
    must take the same values."""
    whole = []  # per check: was the whole file taken a column at a time?
    all_clean = kpis._all_clean
    monkeypatch.setattr(
        kpis, "_all_clean", lambda *a: whole.append(all_clean(*a) is not None) or all_clean(*a)
    )
    clean = (
        "Team A,2025-03,aht,312.5,1200\nteam a,2025-03,Customer satisfaction,86.5%,300\n"
        "Team B,2025-03,csat,80,\nTeam B,2025-04,fcr, 71 ,\n"
    )
    values = select(KpiValue.team_id, KpiValue.period, KpiValue.kpi_id, KpiValue.value,
                    KpiValue.contacts)  # fmt: skip
    first = _import(engine, org, HEADER + clean)
    assert whole == [True]  # the clean file: a column at a time
    with session_scope(engine) as session:
        rows = sorted(session.exec(values).all())
        session.execute(KpiValue.__table__.delete())
    mixed = _import(engine, org, HEADER + clean + "Team Z,2025-03,aht,1,\n", mode="clean_rows")
    assert whole == [True, False]  # with a bad row: row by row
    with session_scope(engine) as session:
        again = sorted(session.exec(values).all())
    assert first.check.entries == mixed.check.entries and len(rows) == 4 and again == rows
    assert {row[3] for row in rows} == {312.5, 86.5, 80.0, 71.0}
