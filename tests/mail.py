"""A real SMTP server on loopback for tests (aiosmtpd), and two broken ones (raw sockets):
one that never answers, one that drops the connection in the middle of an email."""

from __future__ import annotations

import asyncio
import email
import socket
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from email import policy
from email.message import EmailMessage

from aiosmtpd.controller import Controller


def free_port() -> int:
    """A port nobody listens on now (aiosmtpd cannot take port 0: it connects to it itself)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Sink:
    """An aiosmtpd handler that keeps every email it accepts, with the connection it came on.

    refuse(address) may return a reply (e.g. "550 5.1.1 No such user") to refuse a
    recipient; on_data(count) runs before an email is accepted (count: accepted so far) and
    may return a reply to refuse it instead; delay slows each email down."""

    def __init__(
        self,
        refuse: Callable[[str], str | None] | None = None,
        on_data: Callable[[int], str | None] | None = None,
        delay: float = 0.0,
    ):
        self.refuse, self.on_data, self.delay = refuse, on_data, delay
        self.messages: list[EmailMessage] = []
        self.peers: list[tuple[str, int]] = []
        self.port = 0
        self._lock = threading.Lock()

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        reply = self.refuse(address) if self.refuse else None
        if reply:
            return reply
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        if self.delay:  # a slower server, without holding up its other connections
            await asyncio.sleep(self.delay)
        if self.on_data is not None:
            reply = self.on_data(len(self.messages))
            if reply:
                return reply
        message = email.message_from_bytes(envelope.content, policy=policy.default)
        with self._lock:
            self.messages.append(message)
            self.peers.append(tuple(session.peer[:2]))
        return "250 Message accepted for delivery"

    def ids(self) -> list[str]:
        """The Message-ID of every email accepted, in order."""
        return [str(m["Message-ID"]) for m in self.messages]


@contextmanager
def smtp_server(port: int | None = None, tls: dict | None = None, **handler) -> Iterator[Sink]:
    """A running aiosmtpd server on 127.0.0.1 (on `port`, or a free one); `tls` passes
    aiosmtpd's TLS options (tls_context and require_starttls, or ssl_context)."""
    sink = Sink(**handler)
    controller = Controller(sink, hostname="127.0.0.1", port=port or free_port(), **(tls or {}))
    controller.start()
    sink.port = controller.port
    try:
        yield sink
    finally:
        controller.stop()


@contextmanager
def broken_server(behaviour: str) -> Iterator[int]:
    """A server that accepts connections and then misbehaves: "hang" never says a word;
    "drop" speaks SMTP up to the email's text, reads part of it and closes the connection.
    Yields its port."""
    listener = socket.socket()
    listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    listener.bind(("127.0.0.1", 0))
    listener.listen()
    listener.settimeout(0.2)
    stop = threading.Event()
    held: list[socket.socket] = []

    def converse(connection: socket.socket) -> None:
        reader = connection.makefile("rb")
        connection.sendall(b"220 broken.test ESMTP\r\n")
        while line := reader.readline():
            verb = line.split(b" ")[0].split(b":")[0].strip().upper()
            if verb in (b"EHLO", b"HELO"):
                connection.sendall(b"250 broken.test\r\n")
            elif verb == b"DATA":
                connection.sendall(b"354 go ahead\r\n")
                reader.readline()  # the first line of the email, then hang up
                connection.close()
                return
            else:
                connection.sendall(b"250 OK\r\n")

    def serve() -> None:
        while not stop.is_set():
            try:
                connection, _ = listener.accept()
            except TimeoutError:
                continue
            held.append(connection)
            if behaviour == "drop":
                threading.Thread(target=converse, args=(connection,), daemon=True).start()

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    try:
        yield listener.getsockname()[1]
    finally:
        stop.set()
        thread.join()
        for connection in held:
            connection.close()
        listener.close()
