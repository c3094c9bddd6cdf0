"""The app server's own start-up (leadcoach.ui.serve)."""

import asyncio
import concurrent.futures
import socket
from pathlib import Path

from streamlit.web.server.starlette import starlette_server

from leadcoach.ui import serve


def _nodelay_of_accepted_connection() -> int:
    """TCP_NODELAY of a connection accepted the way Streamlit's server accepts them."""
    listening = starlette_server._bind_socket("127.0.0.1", 0, 8)
    port = listening.getsockname()[1]

    async def accept_one() -> int:
        accepted: asyncio.Future[int] = asyncio.get_running_loop().create_future()

        class Probe(asyncio.Protocol):
            def connection_made(self, transport) -> None:
                connection = transport.get_extra_info("socket")
                accepted.set_result(connection.getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY))
                transport.close()

        server = await asyncio.get_running_loop().create_server(Probe, sock=listening)
        async with server:
            _, writer = await asyncio.open_connection("127.0.0.1", port)
            result = await asyncio.wait_for(accepted, 5)
            writer.close()
            return result

    # In a thread of its own: other tests (Playwright's) may leave this one's loop running.
    with concurrent.futures.ThreadPoolExecutor(1) as thread:
        return thread.submit(asyncio.run, accept_one()).result()


def test_connections_send_without_waiting_for_acknowledgements(monkeypatch):
    # Streamlit's own socket leaves Nagle's algorithm on (each reply on a kept-alive
    # connection then waited 40 ms); should a release fix it, this patch can go.
    monkeypatch.setattr(starlette_server, "_bind_socket", starlette_server._bind_socket)
    assert _nodelay_of_accepted_connection() == 0

    serve.send_without_delay()

    assert _nodelay_of_accepted_connection() != 0


def test_another_script_is_served_as_plain_streamlit(monkeypatch):
    started = []
    monkeypatch.setattr(starlette_server, "_bind_socket", starlette_server._bind_socket)
    monkeypatch.setattr(serve.cli, "main", lambda: started.append(list(serve.sys.argv)))
    monkeypatch.setattr(serve.heap, "freeze_long_lived", lambda: started.append("froze"))
    monkeypatch.setattr(serve.sys, "argv", ["serve", "--script", "blank.py", "--server.port", "1"])

    serve.main()

    assert started == [["streamlit", "run", "blank.py", "--server.port", "1"]]


def _served_at(monkeypatch, address: str):
    """The static files' answer at an address, with the app's page names set."""
    from starlette.applications import Starlette
    from starlette.routing import Mount
    from starlette.testclient import TestClient
    from streamlit import file_util
    from streamlit.web.server.starlette import starlette_static_routes

    monkeypatch.setattr(
        starlette_static_routes,
        "create_streamlit_static_handler",
        starlette_static_routes.create_streamlit_static_handler,
    )
    serve.connect_from_any_page(["results", "review", "__init__"])
    handler = starlette_static_routes.create_streamlit_static_handler(
        file_util.get_static_dir(), None
    )
    with TestClient(Starlette(routes=[Mount("/", app=handler)])) as client:
        response = client.get(address)
    assert response.status_code == 200
    return response


def test_a_page_address_names_the_server_before_the_app_starts(monkeypatch):
    # Streamlit looks for its server at /results/_stcore/health first, then waits 100 ms
    # before trying /: the page now says where the server is, before its first script.
    response = _served_at(monkeypatch, "/results")

    page = response.text
    assert response.headers["content-type"].startswith("text/html")
    assert response.headers["cache-control"] == "no-cache"
    named = page.index("window.__streamlit")
    assert named < page.index('<script type="module"')
    assert '["results", "review"]' in page  # the app's pages, not the package's __init__


def test_the_app_files_are_served_as_they_are(monkeypatch):
    from streamlit import file_util

    script = next((Path(file_util.get_static_dir()) / "static" / "js").glob("index.*.js"))
    response = _served_at(monkeypatch, f"/static/js/{script.name}")

    assert response.content == script.read_bytes()
    assert "immutable" in response.headers["cache-control"]
