"""The cohort review's KPI section, "did the programme help the teams?" (issue 23), ready for
a report: its title, the months compared, the figures as a person reads them and the
caveats that go next to them, in the reader's language.

The figures are `kpi_views.cohort_kpi_review`'s, already through the small-group gate
(leadcoach.measurement.groups.suppress, counted in teams): a measure with fewer than the
minimum of teams on either side keeps its row and its counts, and says so in its figures'
cells. The review page draws the same tables from the same labels and formats
(CHANGE_LABELS, CHANGE_FORMATS, ASSOCIATION_LABELS), so the page and a report agree cell for
cell. Access: the cohort review's (Action.READ_ORGANISATION, through `access.cohort_for`).
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd
from sqlmodel import Session

from leadcoach.instrument import bank
from leadcoach.people.access import Viewer
from leadcoach.platform.i18n import _, month
from leadcoach.programmes import kpi_views
from leadcoach.reporting import vocabulary

# The difference in differences per measure: the two groups' changes, their difference with
# its 95% interval (one column, as the cohort report writes a skill's interval), and the
# teams each side rests on.
CHANGE_LABELS = {
    "measure": "measure",
    "better": "better",
    "cohort_change": "cohort_change",
    "comparison_change": "comparison_change",
    "difference": "difference",
    "ci": "ci",
    "n_cohort_teams": "n_cohort_teams",
    "n_comparison_teams": "n_comparison_teams",
    "direction": "direction",
}
CHANGE_FORMATS = dict.fromkeys(("cohort_change", "comparison_change", "difference"), "+,.2f")
ASSOCIATION_LABELS = {"skill": "skill", "measure": "measure", "r": "r", "ci": "ci", "n": "n"}
ASSOCIATION_FORMATS = {"r": "+.2f"}
ASSOCIATIONS_SHOWN = 15  # the strongest; the rest are in the page's download


@dataclass(frozen=True)
class KpiSection:
    """The section as a report prints it; every text in the reader's language."""

    title: str
    summary: str  # the months compared and how to read the figures
    caveats: tuple[str, ...]  # notes on this cohort first (few months after), then the caveats
    changes: pd.DataFrame  # people-facing text: a row per measure (CHANGE_LABELS)
    associations_title: str
    associations_note: str
    associations: pd.DataFrame  # people-facing text, strongest first; none below the minimum
    associations_empty: str  # "" when some are shown, else why none is
    empty: str  # "" when there are figures to show, else why there are none
    review: kpi_views.CohortKpiReview  # the gated figures behind the tables (for charts)


def interval(low: object, high: object, spec: str = "+,.2f") -> object:
    """'+1.20 to +3.40' (no-break spaces: it stays on one line), NaN when not shown."""
    if vocabulary.is_empty(low) or vocabulary.is_empty(high):
        return float("nan")
    text = vocabulary.report_words()["kpi_interval"]
    filled = text.format(low=vocabulary.cell(low, spec), high=vocabulary.cell(high, spec))
    return filled.replace(" ", "\u00a0")


def change_rows(review: kpi_views.CohortKpiReview) -> pd.DataFrame:
    """The gated change per measure with its interval as one column (for a table)."""
    changes = review.changes
    return changes.assign(
        ci=[interval(lo, hi) for lo, hi in zip(changes["ci_low"], changes["ci_high"], strict=True)]
    )


def association_rows(review: kpi_views.CohortKpiReview) -> pd.DataFrame:
    """The associations shown (none below the minimum), the strongest first."""
    shown = review.associations[~review.associations["suppressed"].astype(bool)]
    shown = shown.reindex(shown["r"].abs().sort_values(ascending=False).index)
    shown = shown.head(ASSOCIATIONS_SHOWN)
    return shown.assign(
        ci=[
            interval(lo, hi, "+.2f")
            for lo, hi in zip(shown["ci_low"], shown["ci_high"], strict=True)
        ]
    )


def empty_reason(review: kpi_views.CohortKpiReview, min_group: int) -> str:
    """Why the section has no figure to show, in words; "" when it has some."""
    words = vocabulary.report_words()
    if review.after_months == 0:
        return words["kpi_empty_no_after"]
    if review.changes.empty:
        return words["kpi_empty_no_values"].format(
            months=(kpi_views.BEFORE_MONTHS + 1) // 2, before=kpi_views.BEFORE_MONTHS
        )
    if review.changes["suppressed"].astype(bool).all():
        return words["kpi_empty_small"].format(minimum=min_group)
    return ""


def section(review: kpi_views.CohortKpiReview, min_group: int) -> KpiSection:
    """The section of a review already computed (and gated): no database read."""
    words = vocabulary.report_words()
    notes = []
    if 0 < review.after_months < kpi_views.AFTER_MONTHS:
        notes.append(
            words["kpi_note_partial"].format(
                months=review.after_months, total=kpi_views.AFTER_MONTHS
            )
        )
    summary = words["kpi_summary"].format(
        before_from=month(review.before[0]),
        before_to=month(review.before[1]),
        after_from=month(review.after[0]),
        after_to=month(review.after[1]),
        minimum=min_group,
    )
    associations = association_rows(review)
    return KpiSection(
        title=words["kpi_title"],
        summary=summary,
        caveats=(*notes, *(_(caveat) for caveat in kpi_views.CAVEATS)),
        changes=vocabulary.people_frame(change_rows(review), CHANGE_LABELS, CHANGE_FORMATS),
        associations_title=words["kpi_associations"],
        associations_note=words["kpi_associations_note"].format(minimum=min_group),
        associations=vocabulary.people_frame(associations, ASSOCIATION_LABELS, ASSOCIATION_FORMATS),
        associations_empty=(
            words["kpi_associations_none"].format(minimum=min_group) if associations.empty else ""
        ),
        empty=empty_reason(review, min_group),
        review=review,
    )


def cohort_kpi_section(
    *,
    session: Session,
    viewer: Viewer,
    cohort_id: int,
    instrument: bank.Instrument,
    min_group: int,
    today=None,
    round_scores: pd.DataFrame | None = None,
) -> KpiSection:
    """The cohort's KPI section for a report: `kpi_views.cohort_kpi_review` (access checked
    there, groups below `min_group` teams blanked) as titled, people-facing tables with
    their caveats."""
    review = kpi_views.cohort_kpi_review(
        session=session,
        viewer=viewer,
        cohort_id=cohort_id,
        instrument=instrument,
        min_group=min_group,
        today=today,
        round_scores=round_scores,
    )
    return section(review, min_group)
