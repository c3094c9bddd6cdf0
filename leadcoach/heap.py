"""The cyclic garbage collector's view of a long-running process (app server, benchmark).

Python runs a full collection whenever enough new objects have survived the younger
generations, and a full collection walks every container object alive: in the app server
that is several hundred thousand objects created by importing pandas, Altair, SQLAlchemy,
Streamlit and our own modules, none of which will ever be garbage. A cohort review builds
about 50,000 row objects while it reads its scores, which set off such walks: at 10,000
supervisors the review took 142 ms with them and 97 ms with the start-up objects frozen
(`python -m leadcoach bench`, and the note on issue 8).
"""

from __future__ import annotations

import gc
import importlib
import pkgutil

import leadcoach


def import_core() -> None:
    """Import every module of the core (and so pandas, Altair, SQLAlchemy), so that their
    objects exist before `freeze_long_lived` and the first visitor does not wait for them.
    Not leadcoach.ui: its caches must be created inside the Streamlit runtime."""
    for module in pkgutil.iter_modules(leadcoach.__path__):
        if module.name not in ("ui", "__main__"):  # __main__ would run the CLI
            importlib.import_module(f"leadcoach.{module.name}")


def freeze_long_lived() -> int:
    """Collect once, then move every object alive now into the permanent generation that
    later collections skip; returns how many were frozen. Garbage created later is still
    collected; a cycle among the frozen objects would only be freed at exit."""
    gc.collect()
    gc.freeze()
    return gc.get_freeze_count()
