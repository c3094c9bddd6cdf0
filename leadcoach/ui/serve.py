"""`python -m leadcoach.ui.serve [streamlit options]`: `streamlit run app.py`, made safe for
an app that keeps its page files in `pages/` and builds its menu with st.navigation."""

from __future__ import annotations

import sys

from streamlit.runtime.pages_manager import PagesManager
from streamlit.web import cli

from leadcoach import heap
from leadcoach.config import PROJECT_ROOT


def main() -> None:
    # Streamlit 1.67 decides once per process, when the first browser session opens,
    # whether a folder named pages/ means its legacy multipage mode; that first script run
    # then ignores st.navigation, so a bookmarked page address shows "Page not found" to the
    # first visitor after every restart. LeadCoach always navigates with st.navigation.
    PagesManager.uses_pages_directory = False
    # Everything imported at start-up lives as long as the server: the garbage collector
    # need not walk it again on every full collection (see leadcoach.heap).
    heap.import_core()
    heap.freeze_long_lived()
    # Before Streamlit starts a thread per browser session (see leadcoach.heap).
    heap.limit_malloc_arenas()
    sys.argv = ["streamlit", "run", str(PROJECT_ROOT / "app.py"), *sys.argv[1:]]
    cli.main()


if __name__ == "__main__":
    main()
