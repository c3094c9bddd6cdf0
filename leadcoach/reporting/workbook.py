"""The cohort's workbook (XLSX, openpyxl): a summary sheet, the detail sheets and notes,
each opening ready to read.

Every sheet has its header row frozen and filtered, column widths that fit their text,
numbers and dates stored as numbers and dates with a display format, and people-facing
headers (leadcoach.reporting.vocabulary). Text that a spreadsheet would run as a formula
is neutralised exactly as in every other export (`exports.neutralise_cell`, OWASP CSV
injection). Figures are the cohort review's own, suppressed cells included: a cell the
small-group gate hid reads "Not enough people", never 0 or blank. Access:
`Action.EXPORT_COHORT`; each download is written to the audit log.
"""

from __future__ import annotations

import io
import math
from collections.abc import Mapping
from datetime import UTC, date, datetime
from typing import TYPE_CHECKING, Any

import pandas as pd
from sqlmodel import Session

if TYPE_CHECKING:
    from openpyxl import Workbook

from leadcoach.instrument import bank
from leadcoach.instrument import translations as questionnaire
from leadcoach.measurement import reliability
from leadcoach.people import access, audit
from leadcoach.people.access import Action, Viewer, require
from leadcoach.platform import i18n
from leadcoach.platform.i18n import _
from leadcoach.programmes import cohorts
from leadcoach.reporting import cohort_report, exports, vocabulary

DATE_FORMAT = "yyyy-mm-dd"
ONE_DECIMAL = "0.0"
SIGNED = "+0.0;-0.0;0.0"
TWO_DECIMALS = "0.00"
P_VALUE = "0.000"
PERCENT = "0%"
MAX_WIDTH = 60  # characters: longer text wraps rather than widening the column further
HEADER_FILL = "DCE6F1"  # the header row's solid fill
# openpyxl is imported when a workbook is built, not with the app (issue 19: the server's
# memory): every module of the core is imported at start-up (leadcoach.platform.heap).


def _value(value: Any) -> Any:
    """A cell's value: numbers and dates as themselves, empty as None, text neutralised."""
    if vocabulary.is_empty(value):
        return None
    if hasattr(value, "item") and not isinstance(value, str):
        value = value.item()
    if isinstance(value, pd.Timestamp):
        value = value.to_pydatetime()
    if isinstance(value, datetime):
        return value.astimezone(UTC).date() if value.tzinfo else value.date()
    if isinstance(value, bool):
        return _(vocabulary.YES) if value else _(vocabulary.NO)
    if isinstance(value, float) and math.isnan(value):
        return None
    if isinstance(value, str):  # a skill's name in the reader's language (issue 25)
        value = i18n.questionnaire_text(value)
    return exports.neutralise_cell(value)


def _sheet(
    book: Workbook,
    title: str,
    frame: pd.DataFrame,
    formats: dict[str, str] | None = None,
    *,
    freeze_columns: int = 1,
    gated: pd.Series | None = None,
) -> None:
    """One sheet from the frame: people-facing headers, typed cells with formats, a frozen
    and filtered header; where `gated` is true, empty figures read "Not enough people"."""
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter

    formats = formats or {}
    sheet = book.create_sheet(title[:31])
    columns = list(frame.columns)
    sheet.append([exports.neutralise_cell(vocabulary.header(c)) for c in columns])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
        cell.fill = PatternFill("solid", fgColor=HEADER_FILL)
        cell.alignment = Alignment(wrap_text=True, vertical="bottom")
    hidden = gated.tolist() if gated is not None else [False] * len(frame)
    for values, gate in zip(frame.itertuples(index=False), hidden, strict=True):
        row = [_value(v) for v in values]
        if gate:
            row = [
                _(vocabulary.SUPPRESSED) if v is None and c in formats else v
                for v, c in zip(row, columns, strict=True)
            ]
        sheet.append(row)
    for index, column in enumerate(columns, start=1):
        letter = get_column_letter(index)
        spec = formats.get(column)
        width = len(str(sheet.cell(1, index).value))
        for (cell,) in sheet.iter_rows(min_row=2, min_col=index, max_col=index):
            if spec and isinstance(cell.value, int | float | date):
                cell.number_format = spec
            shown = cell.value
            if isinstance(shown, date):
                text = "2026-12-31"
            elif isinstance(shown, float):
                text = f"{shown:+.2f}"
            else:
                text = "" if shown is None else str(shown)
            width = max(width, len(text))
            if len(text) > MAX_WIDTH:
                cell.alignment = Alignment(wrap_text=True, vertical="top")
        sheet.column_dimensions[letter].width = min(width, MAX_WIDTH) + 2
    sheet.freeze_panes = sheet.cell(2, freeze_columns + 1)
    # A right-to-left language's sheets open mirrored, column A on the right (issue 25).
    sheet.sheet_view.rightToLeft = i18n.is_rtl()
    if len(columns):
        sheet.auto_filter.ref = f"A1:{get_column_letter(len(columns))}{max(sheet.max_row, 1)}"


def scores_frame(review: cohorts.CohortReview, instrument: bank.Instrument) -> pd.DataFrame:
    """One row per person and round, one column per skill, the submission date a date."""
    wide = exports.cohort_scores(review.round_scores, instrument)
    wide["submitted_on"] = pd.to_datetime(wide["submitted_on"], errors="coerce").dt.date
    if "language" in wide.columns:  # a language by its own name, never its code ("ar")
        wide["language"] = [
            v if vocabulary.is_empty(v) else vocabulary.cell(v, column="language")
            for v in wide["language"]
        ]
    return wide


def build(
    *,
    session: Session,
    viewer: Viewer,
    cohort_id: int,
    review: cohorts.CohortReview,
    instrument: bank.Instrument,
    thresholds: dict[str, reliability.ChangeThreshold],
    min_group: int,
    today: date | None = None,
    translations: Mapping[str, questionnaire.Translation] | None = None,
) -> bytes:
    """The cohort's workbook, its download written to the audit log, in the current
    language; skills are named in it as `translations` (the questionnaire's own, issue 25)
    give, in English without them."""
    require(viewer, Action.EXPORT_COHORT)
    if translations:  # the skills' names in every header and cell (see i18n)
        questionnaire.register(instrument, dict(translations))
    cohort = access.cohort_for(session=session, viewer=viewer, cohort_id=cohort_id)
    words = vocabulary.report_words()
    today = today or datetime.now(UTC).date()
    from openpyxl import Workbook

    book = Workbook()
    book.remove(book.active)

    completion = review.completion.assign(
        not_submitted=review.completion["members"] - review.completion["submitted"]
    )[["round", "status", "opens_on", "closes_on", "members", "submitted", "not_submitted", "rate"]]
    completion["status"] = [vocabulary.cell(s, column="status") for s in completion["status"]]
    first_page = cohort_report.report_values(
        session=session, viewer=viewer, review=review, cohort_name=cohort.name,
        thresholds=thresholds, min_group=min_group, today=today,
    )  # fmt: skip
    summary = [
        (words["cohort"], cohort.name),
        (words["generated_on"], today),
        (words["rounds_compared"],
         first_page["rounds"] if review.changes is not None else words["no_change_yet"]),
        (words["minimum_group"], min_group),
        *[(words["completion"], line) for line in first_page["completion"]],
        *[(words["changed"], line) for line in first_page.get("changed", [])],
        *[(words["people_real"], line) for line in first_page.get("people_real", [])],
        *[(words["next_steps"], line) for line in first_page["next"]],
    ]  # fmt: skip
    _sheet(
        book,
        words["sheet_summary"],
        pd.DataFrame(summary, columns=["topic", "value"]),
        {"value": DATE_FORMAT},
    )
    _sheet(
        book,
        words["sheet_completion"],
        completion,
        {"opens_on": DATE_FORMAT, "closes_on": DATE_FORMAT, "rate": PERCENT},
    )
    if review.changes is not None:
        changes = cohort_report.change_table(review.changes)
        changes = changes[
            ["skill", "n", "baseline_mean", "latest_mean", "mean_change", "ci_low", "ci_high",
             "d_z", "dz_low", "dz_high", "effect", "p_holm", "verdict"]
        ]  # fmt: skip
        changes["verdict"] = changes["verdict"].where(
            ~review.changes["suppressed"], _(vocabulary.SUPPRESSED)
        )
        _sheet(
            book,
            words["sheet_change"],
            changes,
            {
                "baseline_mean": ONE_DECIMAL, "latest_mean": ONE_DECIMAL, "mean_change": SIGNED,
                "ci_low": SIGNED, "ci_high": SIGNED, "d_z": TWO_DECIMALS, "dz_low": TWO_DECIMALS,
                "dz_high": TWO_DECIMALS, "p_holm": P_VALUE,
            },
            gated=review.changes["suppressed"],
        )  # fmt: skip
    distribution = review.distribution
    _sheet(
        book,
        words["sheet_distribution"],
        distribution[["round", "skill", "n", "mean", "sd", "min", "q1", "median", "q3", "max"]],
        dict.fromkeys(("mean", "sd", "min", "q1", "median", "q3", "max"), ONE_DECIMAL),
        freeze_columns=2,
        gated=distribution["suppressed"],
    )
    scores = scores_frame(review, instrument)
    skill_names = [s.name for s in instrument.skills]
    _sheet(
        book,
        words["sheet_scores"],
        scores,
        {"submitted_on": DATE_FORMAT, **dict.fromkeys(skill_names, ONE_DECIMAL)},
    )
    notes = [(words["method"], line) for line in (
        words["method_paired"], words["method_effect"], words["method_holm"],
        words["method_reliable"], words["method_small"].format(minimum=min_group),
    )]  # fmt: skip
    notes.append((words["alpha"], i18n.percent(cohorts.ALPHA)))
    names = {s.id: i18n.questionnaire_text(s.name) for s in instrument.skills}
    for skill_id, threshold in thresholds.items():
        if skill_id in names:
            notes.append((names[skill_id], _threshold(threshold, words)))
    _sheet(book, words["sheet_notes"], pd.DataFrame(notes, columns=["topic", "text"]))
    book.active = 0
    buffer = io.BytesIO()
    book.save(buffer)
    audit.record(
        session, viewer.person_id, "export", subject=cohort.name, kind="cohort_xlsx",
        rows=len(scores),
    )  # fmt: skip
    return buffer.getvalue()


def _threshold(threshold: reliability.ChangeThreshold, words: dict[str, str]) -> str:
    """Where a skill's change threshold comes from, in the reader's language (the text of
    `ChangeThreshold.describe`); a provisional one gives the core's reason as it is."""
    if threshold.provisional:
        return words["threshold_provisional"].format(reason=threshold.reason)
    return words["threshold_note"].format(
        points=i18n.number(threshold.points, 0),
        reliability=i18n.number(threshold.reliability, 2),
        people=i18n.number(threshold.people),
        date=i18n.day(threshold.as_of) if threshold.as_of else vocabulary.EMPTY,
    )
