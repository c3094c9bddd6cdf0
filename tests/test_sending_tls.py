"""Sending over TLS to a real server on loopback: STARTTLS and implicit TLS (SMTPS) with a
certificate the sender trusts arrive; a certificate it does not trust is refused, and the
email stays queued with the reason."""

from __future__ import annotations

import datetime as dt
import ipaddress
import ssl
from datetime import UTC, datetime

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from leadcoach.messaging import scheduler
from leadcoach.platform.db import session_scope
from tests.factories import build_org
from tests.mail import smtp_server
from tests.test_sending import _queue_comments, _rows, _states, _with_smtp

NOW = datetime(2026, 11, 4, 10, 0, tzinfo=UTC)


@pytest.fixture
def org(engine):
    with session_scope(engine) as session:
        return build_org(session)


@pytest.fixture(scope="module")
def certificate(tmp_path_factory):
    """A self-signed certificate for 127.0.0.1 and its key, as files."""
    folder = tmp_path_factory.mktemp("tls")
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")])
    now = dt.datetime.now(dt.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(days=1))
        .not_valid_after(now + dt.timedelta(days=1))
        .add_extension(
            x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]),
            critical=False,
        )
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    cert_file, key_file = folder / "cert.pem", folder / "key.pem"
    cert_file.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_file.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    return cert_file, key_file


def _server_context(certificate) -> ssl.SSLContext:
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(*certificate)
    return context


@pytest.mark.parametrize(
    ("security", "options"),
    [
        ("starttls", lambda ctx: {"tls_context": ctx, "require_starttls": True}),
        ("ssl", lambda ctx: {"ssl_context": ctx}),
    ],
)
def test_an_email_arrives_over_tls_to_a_trusted_server(
    engine, settings, org, certificate, monkeypatch, security, options
):
    # The sender trusts the system's certificate authorities (ssl.create_default_context),
    # which OpenSSL reads from SSL_CERT_FILE when it is set: here, the test's own.
    monkeypatch.setenv("SSL_CERT_FILE", str(certificate[0]))
    _queue_comments(engine, settings, [org.sup_a1], 1)
    with smtp_server(tls=options(_server_context(certificate))) as sink:
        report = scheduler.send_queued(
            engine, _with_smtp(settings, sink.port, smtp_security=security), NOW
        )
    assert report.sent == 1 and len(sink.messages) == 1
    assert _states(engine) == {"sent": 1}


def test_a_server_whose_certificate_is_not_trusted_gets_nothing(
    engine, settings, org, certificate, monkeypatch
):
    monkeypatch.delenv("SSL_CERT_FILE", raising=False)
    _queue_comments(engine, settings, [org.sup_a1], 1)
    tls = {"tls_context": _server_context(certificate), "require_starttls": True}
    with smtp_server(tls=tls) as sink:
        scheduler.send_queued(
            engine, _with_smtp(settings, sink.port, smtp_security="starttls"), NOW
        )
    assert sink.messages == []
    (row,) = _rows(engine)
    assert row.sent_at is None and "certificate" in (row.last_error or "").lower()
