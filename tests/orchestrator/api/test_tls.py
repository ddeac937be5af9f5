"""The playground's certificate authority and server certificate (orchestrator/api/tls.py)."""
from __future__ import annotations

import ipaddress
import os
import ssl
import threading

import pytest
from cryptography import x509
from cryptography.x509.verification import PolicyBuilder, Store

from orchestrator.api import tls


def load(path) -> x509.Certificate:
    return x509.load_pem_x509_certificate(path.read_bytes())


def verify(files: tls.ServerFiles, name: str) -> None:
    """Verify the chain as strict verifiers do (RFC 5280 profile, as Go and Python 3.13 expect)."""
    try:
        subject = x509.IPAddress(ipaddress.ip_address(name))
    except ValueError:
        subject = x509.DNSName(name)
    verifier = PolicyBuilder().store(Store([load(files.ca)])).build_server_verifier(subject)
    verifier.verify(load(files.certificate), [])


def test_the_authority_and_the_certificate_are_made_once_and_kept(tmp_path):
    files = tls.ensure_server_certificate("127.0.0.1", tmp_path)
    assert oct(os.stat(tmp_path / "ca.key").st_mode & 0o777) == "0o600"
    assert oct(os.stat(files.key).st_mode & 0o777) == "0o600"
    for name in ("localhost", "127.0.0.1", "::1"):
        verify(files, name)
    ca, certificate = files.ca.read_bytes(), files.certificate.read_bytes()
    again = tls.ensure_server_certificate("127.0.0.1", tmp_path)
    assert again.ca.read_bytes() == ca and again.certificate.read_bytes() == certificate


def test_a_missing_name_gets_a_new_certificate_from_the_same_authority(tmp_path, monkeypatch):
    files = tls.ensure_server_certificate("127.0.0.1", tmp_path)
    ca, certificate = files.ca.read_bytes(), files.certificate.read_bytes()
    monkeypatch.setenv(tls.NAMES_ENV, "playground.school.example, 10.20.30.40")
    files = tls.ensure_server_certificate("0.0.0.0", tmp_path)
    assert files.ca.read_bytes() == ca and files.certificate.read_bytes() != certificate
    verify(files, "playground.school.example")
    verify(files, "10.20.30.40")
    with pytest.raises(Exception):
        verify(files, "elsewhere.example")


def test_pythons_strict_verification_accepts_the_chain(tmp_path):
    """A TLS handshake with VERIFY_X509_STRICT (the default of Python 3.13's create_default_context)."""
    files = tls.ensure_server_certificate("127.0.0.1", tmp_path)
    server = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    server.load_cert_chain(files.certificate, files.key)
    client = ssl.create_default_context(cafile=str(files.ca))
    client.verify_flags |= ssl.VERIFY_X509_STRICT
    import socket

    with socket.create_server(("127.0.0.1", 0)) as listener:
        port = listener.getsockname()[1]
        errors = []

        def accept():
            conn, _ = listener.accept()
            try:
                with server.wrap_socket(conn, server_side=True) as tls_conn:
                    tls_conn.recv(1)
            except Exception as exc:  # the client's refusal shows there
                errors.append(exc)

        thread = threading.Thread(target=accept, daemon=True)
        thread.start()
        with socket.create_connection(("127.0.0.1", port), timeout=10) as raw:
            with client.wrap_socket(raw, server_hostname="localhost") as conn:
                assert conn.version() in ("TLSv1.2", "TLSv1.3")
                conn.send(b"x")
        thread.join(10)
    assert not errors


def test_the_endpoint_escapes_what_twisted_reads_specially(tmp_path):
    files = tls.ServerFiles(tmp_path / "ca.crt", tmp_path / "a:b" / "server.crt", tmp_path / "server.key")
    description = tls.endpoint("::1", 8443, files)
    assert description.startswith("ssl:port=8443:interface=\\:\\:1:")
    assert "a\\:b" in description
