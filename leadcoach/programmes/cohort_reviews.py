"""Cohort reviews kept between reruns and sessions until their data changes.

A review of 250 people takes ~100 ms to compute at 10,000 supervisors, and the review page
draws one on every rerun (each tab, each breakdown picked) for every HR user. What it is
computed from (submissions, people, teams, cohorts, their members and rounds) bumps the
data version (migrations 0005 and 0006), a member's language (its breakdown) moves the
count of language changes (0012: `data_version.with_languages`), and the date decides which
rounds are open, so a review is reused while all stay the same.

The review's KPI section (issue 23, `kpi_views.cohort_kpi_review`) is kept the same way: it
also reads the teams' KPI values and measures, whose import and catalogue move the data
version themselves (`data_version.bump`, once per import).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from datetime import UTC, date, datetime
from typing import Generic, TypeVar

import pandas as pd
from sqlmodel import Session

from leadcoach.instrument import bank
from leadcoach.people import access
from leadcoach.people.access import Viewer
from leadcoach.platform import data_version, i18n
from leadcoach.programmes import cohorts, kpi_views

Review = TypeVar("Review", cohorts.CohortReview, kpi_views.CohortKpiReview)


class _Reviews(Generic[Review]):
    """What both caches share: bounded (oldest out first), keyed on the data version, the
    cohort, the instrument, the minimum group and the date; the viewer's access checked on
    every call, not only when computing; each caller gets its own copy of the frames."""

    def __init__(self, max_entries: int = 16):
        self._cache: data_version.VersionedCache[Review] = data_version.VersionedCache(max_entries)

    def _get(
        self,
        session: Session,
        viewer: Viewer,
        cohort_id: int,
        instrument: bank.Instrument,
        min_group: int,
        today: date | None,
        compute: Callable[[date], Review],
        *extra_key: object,
    ) -> Review:
        access.cohort_for(session=session, viewer=viewer, cohort_id=cohort_id)
        today = today or datetime.now(UTC).date()
        key = (
            *data_version.with_languages(session),
            cohort_id,
            instrument.id,
            min_group,
            today,
            *extra_key,
        )
        return _copy(self._cache.get(key, lambda: compute(today)))


class CohortReviews(_Reviews[cohorts.CohortReview]):
    """`cohorts.cohort_review`, cached per data version and date."""

    def get(
        self,
        *,
        session: Session,
        viewer: Viewer,
        cohort_id: int,
        instrument: bank.Instrument,
        min_group: int,
        today: date | None = None,
    ) -> cohorts.CohortReview:
        def compute(day: date) -> cohorts.CohortReview:
            return cohorts.cohort_review(
                session=session,
                viewer=viewer,
                cohort_id=cohort_id,
                instrument=instrument,
                min_group=min_group,
                today=day,
            )

        return self._get(session, viewer, cohort_id, instrument, min_group, today, compute)


class CohortKpiReviews(_Reviews[kpi_views.CohortKpiReview]):
    """`kpi_views.cohort_kpi_review`, cached per data version and date like CohortReviews:
    the review page's KPI tab is drawn on every rerun (each measure picked) for every HR
    user, and its first read aggregates every team's months of the cohort's windows."""

    def get(
        self,
        *,
        session: Session,
        viewer: Viewer,
        cohort_id: int,
        instrument: bank.Instrument,
        min_group: int,
        today: date | None = None,
        round_scores: pd.DataFrame | None = None,
    ) -> kpi_views.CohortKpiReview:
        """The cohort's KPI section; `round_scores` as for `cohort_kpi_review` (used only
        when it is computed)."""

        def compute(day: date) -> kpi_views.CohortKpiReview:
            return kpi_views.cohort_kpi_review(
                session=session,
                viewer=viewer,
                cohort_id=cohort_id,
                instrument=instrument,
                min_group=min_group,
                today=day,
                round_scores=round_scores,
            )

        # Per language too (issue 25): the built-in measures are named in the reader's.
        return self._get(
            session, viewer, cohort_id, instrument, min_group, today, compute, i18n.current()
        )


def _copy(review: Review) -> Review:
    """The review with copies of its frames: a caller's change never reaches the cache."""
    return dataclasses.replace(
        review,
        **{
            field.name: value.copy()
            for field in dataclasses.fields(review)
            if isinstance(value := getattr(review, field.name), pd.DataFrame)
        },
    )
