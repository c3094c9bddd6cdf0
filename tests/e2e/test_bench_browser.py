"""The benchmark's browser part at small scale (single sign-on, first loads, page switches,
pages settling, server memory), so that it cannot rot. Its sweep opens each role's first two
pages only: tests/e2e/test_accessibility.py opens every page of every role."""

from __future__ import annotations

import concurrent.futures

import pytest

from leadcoach.devtools import bench, workload
from leadcoach.instrument import bank
from leadcoach.platform.config import PACKAGE_ROOT, Settings
from leadcoach.platform.db import make_engine, migrate

pytestmark = pytest.mark.e2e


def test_every_browser_figure_is_measured_and_every_page_settles(tmp_path):
    settings = Settings(database_url=f"sqlite:///{tmp_path / 'bench.db'}")
    migrate(settings)
    instrument = bank.load_bank(PACKAGE_ROOT / "assessments").current("leadcoach-core")
    engine = make_engine(settings)
    summary = workload.build_workload(engine, people=60, rounds=3, instrument=instrument)
    engine.dispose()
    # In a thread of its own: Playwright's sync API refuses a thread whose asyncio loop is
    # running, and the browser fixture of another test in this worker may have left one.
    with concurrent.futures.ThreadPoolExecutor(1) as thread:
        figures = thread.submit(
            bench.measure_browser, settings, summary, repeat=1, folder=tmp_path, small=True
        ).result()
    names = [figure.name for figure in figures]
    assert all(figure.samples and not figure.skipped for figure in figures), names
    first_loads = [
        figure for figure in figures if figure.check == "ratio" and "Arabic" not in figure.name
    ]
    assert [figure.name for figure in first_loads] == [
        "Browser: blank page with one Altair chart, first load",
        *(f"Browser: {role} {title}, first load" for role, _, title in bench.MAIN_PAGES),
    ]
    assert first_loads[0].target is None  # Streamlit's own floor, for scale only
    assert all(figure.baseline and figure.ratio > 0 for figure in first_loads)
    blank = first_loads[0].baseline
    for figure in first_loads[1:]:  # judged against the one-chart page; the blank one beside
        assert figure.baseline == first_loads[0].samples and figure.target == 1.5
        to_blank = figure.median / (
            sorted(blank)[len(blank) // 2]
            if len(blank) % 2
            else sum(sorted(blank)[len(blank) // 2 - 1 :][:2]) / 2
        )
        assert f"{to_blank:.2f}x the blank page" in figure.note, figure.note
    switches = next(figure for figure in figures if figure.name.endswith("within the app"))
    assert len(switches.samples) == sum(1 for role, _, _ in bench.MAIN_PAGES if role != "admin")
    # Issue 25: the switch (one Arabic and one English), and the Arabic first load against
    # English in the same run, each after its switch.
    language = next(
        figure for figure in figures if figure.name.endswith("language switch within the app")
    )
    assert len(language.samples) == len(bench.LANGUAGE_SWITCHES) and language.target == 0.4
    arabic = next(figure for figure in figures if "first load in Arabic" in figure.name)
    assert arabic.check == "ratio" and arabic.target == 1.1
    assert len(arabic.samples) == len(arabic.baseline) == 1 and arabic.ratio > 0
    memory = figures[-1]
    assert memory.unit == "MB" and memory.samples[0] > 50
    assert "not settled" not in memory.note, memory.note
