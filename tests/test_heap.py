"""The start-up freeze of the app server and the benchmark (leadcoach.platform.heap)."""

import gc
import subprocess
import sys
import weakref

from leadcoach.platform import heap
from tests import REPO_ROOT


class _Node:
    def __init__(self) -> None:
        self.partner: _Node | None = None


def test_objects_alive_at_the_freeze_are_frozen_and_later_garbage_is_still_collected():
    kept = [_Node() for _ in range(10)]
    try:
        assert heap.freeze_long_lived() >= len(kept)
        # A reference cycle made after the freeze is garbage the collector must still find.
        first, second = _Node(), _Node()
        first.partner, second.partner = second, first
        watch = weakref.ref(first)
        del first, second
        gc.collect()
        assert watch() is None
    finally:
        gc.unfreeze()
    assert gc.get_freeze_count() == 0


def test_the_core_imports_without_a_streamlit_runtime():
    # The server imports the core before Streamlit starts: leadcoach.ui must stay out.
    script = (
        "import sys; from leadcoach.platform import heap; heap.import_core(); "
        "print(sorted(m for m in sys.modules if m.startswith('leadcoach.ui')), "
        "'leadcoach.programmes.cohorts' in sys.modules, 'altair' in sys.modules)"
    )
    output = subprocess.run(
        [sys.executable, "-c", script], cwd=REPO_ROOT, capture_output=True, text=True,
        check=True,
    ).stdout.strip()  # fmt: skip
    assert output == "[] True True"


def test_the_malloc_arena_cap_is_accepted_by_glibc():
    # In a child process: the cap holds for the rest of the process that sets it.
    code = "from leadcoach.platform import heap; print(heap.limit_malloc_arenas(2))"
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=REPO_ROOT, capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "True"


def test_freed_memory_goes_back_to_the_system():
    # In a child process: 200 MB built in small blocks and freed leave the resident size up
    # until the trim hands the pages back.
    code = (
        "from leadcoach.platform import heap\n"
        "def rss():\n"
        "    status = open('/proc/self/status').read()\n"
        "    return int(status.split('VmRSS:')[1].split()[0]) / 1024\n"
        "import ctypes; ctypes.CDLL('libc.so.6').mallopt(-1, 1 << 20)  # M_TRIM_THRESHOLD\n"
        "blocks = [bytearray(2000) for _ in range(100_000)]\n"
        "kept = blocks[::500]; del blocks\n"
        "before = rss(); released = heap.release_freed_memory(); after = rss()\n"
        "print(released, before - after > 100)\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=REPO_ROOT, capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "True True"
