"""`python -m leadcoach.ui.serve [streamlit options]`: `streamlit run app.py`, made safe for
an app that keeps its page files in `pages/` and builds its menu with st.navigation, and
quick to answer the browser. `--script PATH` serves another script the same way."""

from __future__ import annotations

import json
import socket
import sys
import tomllib
from collections.abc import Iterable
from pathlib import Path

from starlette.responses import FileResponse, HTMLResponse, Response
from streamlit.runtime.pages_manager import PagesManager
from streamlit.web import cli
from streamlit.web.server.starlette import starlette_server, starlette_static_routes

from leadcoach.platform import heap, i18n


def main() -> None:
    arguments = sys.argv[1:]
    send_without_delay()
    if arguments[:1] == ["--script"]:
        # Another script (the benchmark's blank page): plain Streamlit but for the above.
        sys.argv = ["streamlit", "run", *arguments[1:]]
        cli.main()
        return
    # Streamlit 1.67 decides once per process, when the first browser session opens,
    # whether a folder named pages/ means its legacy multipage mode; that first script run
    # then ignores st.navigation, so a bookmarked page address shows "Page not found" to the
    # first visitor after every restart. LeadCoach always navigates with st.navigation.
    PagesManager.uses_pages_directory = False
    connect_from_any_page(path.stem for path in PAGES_FOLDER.rglob("*.py"))
    # Everything imported at start-up lives as long as the server: the garbage collector
    # need not walk it again on every full collection (see leadcoach.platform.heap).
    heap.import_core()
    # Issue 25: what the first rerun in a language would otherwise load. Streamlit compiles
    # its emoji pattern (1-2 s) on the first label that is not ASCII, an Arabic one say, to
    # look for a leading emoji (streamlit.string_util.extract_leading_emoji).
    i18n.preload()
    import streamlit.emojis  # noqa: F401

    heap.freeze_long_lived()
    # Before Streamlit starts a thread per browser session (see leadcoach.platform.heap).
    heap.limit_malloc_arenas()
    sys.argv = [
        "streamlit",
        "run",
        str(Path(__file__).parent / "app.py"),
        *server_options(),
        *arguments,
    ]
    cli.main()


PAGES_FOLDER = Path(__file__).parent / "pages"


def connect_from_any_page(pages: Iterable[str]) -> None:
    """Have a page opened at its own address (a bookmark, a link in an email) connect at once.

    Opened at `/results`, Streamlit 1.67's page looks for its server at
    `/results/_stcore/health` first, gets a 404, waits 100 ms and tries `/` (its frontend's
    getPossibleBaseUris and DoInitPings): 130-160 ms of every such first load on this
    machine. The page the server sends now names the server's address first
    (`window.__streamlit.BACKEND_BASE_URL`, Streamlit's setting for pages that host it):
    the address without its last part, when that part is one of the app's pages. The
    address is read in the browser, so a prefix a proxy adds in front still counts."""
    names = json.dumps(sorted(set(pages) - {"__init__"}))
    script = (
        "<script>(() => {const parts = location.pathname.replace(/\\/+$/, '').split('/');"
        f"if ({names}.includes(parts.pop())) window.__streamlit = "
        "{BACKEND_BASE_URL: location.origin + parts.join('/') + '/'};})()</script>"
    )
    create = starlette_static_routes.create_streamlit_static_handler

    def create_handler(directory: str, base_url: str | None):
        handler = create(directory, base_url)
        index = Path(handler._index_path)
        page = index.read_text().replace("<script", script + "<script", 1)
        get_response = handler.get_response

        async def patched(path: str, scope) -> Response:
            response = await get_response(path, scope)
            if isinstance(response, FileResponse) and Path(response.path) == index:
                return HTMLResponse(page, headers={"Cache-Control": "no-cache"})
            return response

        handler.get_response = patched
        return handler

    starlette_static_routes.create_streamlit_static_handler = create_handler


def server_options() -> list[str]:
    """LeadCoach's Streamlit settings (streamlit.toml beside this file, which says why each is
    set) as command-line options, so that they hold from whatever folder the app is started
    in: Streamlit itself reads only ./.streamlit/config.toml. Options given later win."""
    with (Path(__file__).parent / "streamlit.toml").open("rb") as file:
        sections = tomllib.load(file)
    return [
        f"--{section}.{name}={str(value).lower() if isinstance(value, bool) else value}"
        for section, options in sections.items()
        for name, value in options.items()
    ]


def send_without_delay() -> None:
    """Have every connection send at once what the server writes (TCP_NODELAY).

    Streamlit 1.67 binds its listening socket itself without naming the protocol, so
    asyncio does not recognise the connections as TCP and leaves Nagle's algorithm on. A
    response is written as headers, then body: on a kept-alive connection the body then
    waits for the browser's delayed acknowledgement of the previous reply: 44 ms instead
    of 0.7 ms for a small file on this machine, and a first visit fetches 60 to 120 files
    over six connections. The socket rebuilt from the same descriptor reads its protocol
    from the kernel."""
    bind = starlette_server._bind_socket

    def bind_tcp_socket(address: str, port: int, backlog: int) -> socket.socket:
        bound = socket.socket(fileno=bind(address, port, backlog).detach())
        bound.setblocking(False)
        return bound

    starlette_server._bind_socket = bind_tcp_socket


if __name__ == "__main__":
    main()
