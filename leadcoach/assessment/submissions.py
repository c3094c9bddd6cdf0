"""Query pieces about submissions that several read paths share."""

from __future__ import annotations

from sqlalchemy import func
from sqlmodel import col

from leadcoach.platform.models import Submission


def newest_first_rank():
    """Each submission's place among its person's, newest first (1 = the latest; two at the
    same moment: the later written, i.e. the higher id). Filter `rank == 1` for the latest."""
    return (
        func.row_number()
        .over(
            partition_by=Submission.person_id,
            order_by=(col(Submission.submitted_at).desc(), col(Submission.id).desc()),
        )
        .label("rank")
    )
