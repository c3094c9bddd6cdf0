"""The cyclic garbage collector's view of a long-running process (app server, benchmark).

Python runs a full collection whenever enough new objects have survived the younger
generations, and a full collection walks every container object alive: in the app server
that is several hundred thousand objects created by importing pandas, Altair, SQLAlchemy,
Streamlit and our own modules, none of which will ever be garbage. A cohort review builds
about 50,000 row objects while it reads its scores, which set off such walks: at 10,000
supervisors the review took 142 ms with them and 97 ms with the start-up objects frozen
(`python -m leadcoach bench`, and the note on issue 8).

The C heap matters too: Streamlit runs each browser session's script in a thread of its own,
and glibc gives threads their own malloc arenas (up to eight per core), whose freed pages
are rarely returned; see `limit_malloc_arenas`.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import functools
import gc
import importlib
import pkgutil

import leadcoach

# ui needs the Streamlit runtime; __main__ would run the command line; devtools
# is not part of the product; migrations are scripts Alembic runs.
_NOT_PRELOADED = {"ui", "__main__", "devtools", "migrations"}


def import_core() -> None:
    """Import every module of the core (and so pandas, Altair, SQLAlchemy), so that their
    objects exist before `freeze_long_lived` and the first visitor does not wait for them.
    Not leadcoach.ui: its caches must be created inside the Streamlit runtime."""
    for top in pkgutil.iter_modules(leadcoach.__path__):
        if top.name in _NOT_PRELOADED:
            continue
        module = importlib.import_module(f"leadcoach.{top.name}")
        if top.ispkg:
            for inner in pkgutil.walk_packages(module.__path__, f"{module.__name__}."):
                importlib.import_module(inner.name)


def freeze_long_lived() -> int:
    """Collect once, then move every object alive now into the permanent generation that
    later collections skip; returns how many were frozen. Garbage created later is still
    collected; a cycle among the frozen objects would only be freed at exit."""
    gc.collect()
    gc.freeze()
    return gc.get_freeze_count()


# mallopt's parameter number for the arena cap (glibc's malloc.h).
_M_ARENA_MAX = -8


def limit_malloc_arenas(arenas: int = 2) -> bool:
    """Let every thread share `arenas` glibc malloc arenas (as MALLOC_ARENA_MAX does), to be
    called before the server starts its threads. Returns False where there is no glibc.

    At 10,000 supervisors, three rounds of every role visiting every page in new browser
    sessions left the app server at 442 MB with glibc's default and 410 MB with two arenas,
    growing 18 and 8 MB in the last two rounds against 40 and 18 (same run, /tmp script)."""
    name = ctypes.util.find_library("c")
    if name is None:
        return False
    try:
        mallopt = ctypes.CDLL(name).mallopt
    except (OSError, AttributeError):  # not glibc (musl, macOS)
        return False
    return mallopt(_M_ARENA_MAX, arenas) == 1


def release_freed_memory() -> bool:
    """Hand the C heap's freed pages back to the system (glibc's malloc_trim), to be called
    after each script run. Returns False where there is no glibc.

    A page that computes much (the instrument quality report reads every statement's answer
    of 10,000 people) frees what it built, but glibc keeps the pages for reuse and the
    server's resident size stays up: sweeping every page of every role at cohort-10k ended
    at 474 MB without the trim and 441 MB with it (the quality page alone +66 MB and +13 MB;
    /tmp probe, same machine). The call takes well under a millisecond."""
    trim = _glibc_function("malloc_trim")
    if trim is None:
        return False
    trim(0)
    return True


@functools.cache
def _glibc_function(name: str):
    """A function of glibc, or None (no C library found, or not glibc: musl, macOS)."""
    library = ctypes.util.find_library("c")
    if library is None:
        return None
    try:
        return getattr(ctypes.CDLL(library), name)
    except (OSError, AttributeError):
        return None
