"""Every cohort member's report in one ZIP, for HR's page and for scheduled jobs.

The figures of each report are read in this process (one database session, the shared
inputs computed once); turning each page into a PDF, the slow part (~0.3 s a report on
an idle core), runs in a pool of worker processes, one per core: WeasyPrint's layout is
pure Python and holds the GIL, so threads would not help. Workers start with "spawn",
never "fork", so no database connection or server thread is copied into them. The ZIP
holds one PDF per member, named after them; one audit event records the whole batch.
"""

from __future__ import annotations

import io
import multiprocessing
import os
import sys
import types
import zipfile
from collections.abc import Callable, Iterator
from concurrent.futures import ProcessPoolExecutor
from contextlib import contextmanager
from datetime import date

from sqlmodel import Session

from leadcoach.people import access, audit
from leadcoach.people.access import Action, Viewer, require
from leadcoach.programmes import cohorts
from leadcoach.reporting import pdf, person_report

Progress = Callable[[int, int], None]  # (reports done, reports in all)


def workers_for(count: int) -> int:
    """Worker processes for `count` reports: one per core, none for a single report."""
    return max(1, min(os.cpu_count() or 1, count))


def cohort_zip(
    *,
    session: Session,
    viewer: Viewer,
    cohort_id: int,
    inputs: person_report.Inputs,
    progress: Progress | None = None,
    workers: int | None = None,
    today: date | None = None,
) -> bytes:
    """A ZIP of every member's personal report (HR and admins), written to the audit log."""
    require(viewer, Action.EXPORT_COHORT)
    cohort = access.cohort_for(session=session, viewer=viewer, cohort_id=cohort_id)
    members = cohorts.cohort_members(session=session, viewer=viewer, cohort_id=cohort_id)
    pages, names = [], []
    used: set[str] = set()
    for row in members.sort_values("name").itertuples():
        # Each in its member's own language (person_report.page).
        pages.append(
            person_report.page(
                session=session, viewer=viewer, person_id=int(row.person_id), inputs=inputs,
                today=today,
            )
        )  # fmt: skip
        name = person_report.file_name(row.name)
        if name in used:  # two members with one name: keep both files
            name = name.removesuffix(".pdf") + f"-{int(row.person_id)}.pdf"
        used.add(name)
        names.append(name)
    total = len(pages)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        if progress:
            progress(0, total)
        count = workers or workers_for(total)
        if count <= 1:
            documents = map(pdf.to_pdf, pages)
            pool = None
        else:
            pool = ProcessPoolExecutor(count, mp_context=multiprocessing.get_context("spawn"))
            with _plain_main():  # the workers start as the chunks are submitted
                documents = pool.map(pdf.to_pdf, pages, chunksize=4)
        try:
            for done, (name, document) in enumerate(zip(names, documents, strict=True), 1):
                archive.writestr(name, document)
                if progress:
                    progress(done, total)
        finally:
            if pool is not None:
                pool.shutdown(cancel_futures=True)
    audit.record(
        session, viewer.person_id, "export", subject=cohort.name, kind="reports_zip", rows=total
    )
    return buffer.getvalue()


@contextmanager
def _plain_main() -> Iterator[None]:
    """A bare __main__ while workers start. A spawned worker first runs its parent's
    __main__ again; under Streamlit that is the page script being run (Streamlit's script
    runner puts it in sys.modules["__main__"]), which would draw the page in every worker
    instead of laying out PDFs. The worker's target, pdf.to_pdf, is imported by name."""
    script = sys.modules.get("__main__")
    sys.modules["__main__"] = types.ModuleType("__main__")
    try:
        yield
    finally:
        if script is not None:
            sys.modules["__main__"] = script


def zip_name(cohort_name: str) -> str:
    """The ZIP's file name: "cohort-2026-spring-intake-reports.zip"."""
    slug = "-".join("".join(c if c.isalnum() else " " for c in cohort_name.lower()).split())
    return f"cohort-{slug or 'cohort'}-reports.zip"
