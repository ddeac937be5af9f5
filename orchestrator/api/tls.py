"""The playground's own certificate authority and the server certificate it signs.

Made on the first start that serves HTTPS and kept with the data (PLAYGROUND_VAR_DIR/tls/), so
kubeconfigs handed out once keep working after a restart. The server certificate names
localhost, the loopback addresses, this machine's host names and addresses, the address the
server listens on and any names in PLAYGROUND_TLS_NAMES (comma-separated); it is made again,
by the same authority, when a name is missing or it is within 30 days of expiring.

The certificates follow what strict verifiers want (Go's crypto/x509, Python 3.13's
VERIFY_X509_STRICT, Node's tls): the authority is a critical CA:TRUE with keyCertSign, both carry
subject and authority key identifiers, the server certificate has its names as subject
alternative names and the serverAuth extended key usage.
"""
from __future__ import annotations

import datetime
import ipaddress
import os
import socket
from dataclasses import dataclass
from pathlib import Path

NAMES_ENV = "PLAYGROUND_TLS_NAMES"
CA_DAYS = 3650
SERVER_DAYS = 365
RENEW_BEFORE = datetime.timedelta(days=30)


@dataclass(frozen=True)
class ServerFiles:
    ca: Path
    certificate: Path
    key: Path


def tls_dir() -> Path:
    from django.conf import settings

    return Path(settings.VAR_DIR) / "tls"


def ca_path() -> Path:
    return tls_dir() / "ca.crt"


def ca_pem() -> bytes | None:
    """The authority's certificate (PEM), or None before the first HTTPS start."""
    path = ca_path()
    return path.read_bytes() if path.exists() else None


def _now() -> datetime.datetime:
    return datetime.datetime.now(datetime.timezone.utc)


def _write_private(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "wb") as f:
        f.write(data)


def _new_key():
    from cryptography.hazmat.primitives.asymmetric import ec

    return ec.generate_private_key(ec.SECP256R1())


def _key_pem(key) -> bytes:
    from cryptography.hazmat.primitives import serialization

    return key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())


def ensure_ca(directory: Path | None = None):
    """Load the authority, making it on first use. Returns (certificate, key)."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.x509.oid import NameOID

    directory = directory or tls_dir()
    cert_file, key_file = directory / "ca.crt", directory / "ca.key"
    if cert_file.exists() and key_file.exists():
        return (x509.load_pem_x509_certificate(cert_file.read_bytes()),
                serialization.load_pem_private_key(key_file.read_bytes(), password=None))
    key = _new_key()
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, f"Kubernetes Playground CA ({socket.gethostname()})")])
    now = _now()
    certificate = (
        x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(minutes=5)).not_valid_after(now + datetime.timedelta(days=CA_DAYS))
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .add_extension(x509.KeyUsage(digital_signature=True, key_cert_sign=True, crl_sign=True, content_commitment=False,
                                     key_encipherment=False, data_encipherment=False, key_agreement=False,
                                     encipher_only=False, decipher_only=False), critical=True)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
        .sign(key, hashes.SHA256())
    )
    _write_private(key_file, _key_pem(key))
    cert_file.write_bytes(certificate.public_bytes(serialization.Encoding.PEM))
    return certificate, key


def subject_names(host: str | None = None) -> list[str]:
    """The names and addresses the server certificate must carry."""
    names = ["localhost", "127.0.0.1", "::1"]
    for name in (socket.gethostname(), socket.getfqdn()):
        if name and name not in names:
            names.append(name)
    try:
        for info in socket.getaddrinfo(socket.gethostname(), None):
            address = info[4][0].split("%")[0]
            if address not in names:
                names.append(address)
    except OSError:
        pass
    for address in _outbound_addresses():
        if address not in names:
            names.append(address)
    extra = [n.strip() for n in os.environ.get(NAMES_ENV, "").split(",") if n.strip()]
    for name in ([host] if host and host not in ("0.0.0.0", "::", "") else []) + extra:
        name = name.strip("[]")
        if name not in names:
            names.append(name)
    return names


def _outbound_addresses() -> list[str]:
    """This machine's addresses on the network (those of its default routes): a UDP socket's
    connect() picks the local address without sending anything."""
    found = []
    for family, probe in ((socket.AF_INET, "192.0.2.1"), (socket.AF_INET6, "2001:db8::1")):
        try:
            with socket.socket(family, socket.SOCK_DGRAM) as s:
                s.connect((probe, 9))
                found.append(s.getsockname()[0].split("%")[0])
        except OSError:
            continue
    return found


def _alt_names(names: list[str]):
    from cryptography import x509

    general = []
    for name in names:
        try:
            general.append(x509.IPAddress(ipaddress.ip_address(name)))
        except ValueError:
            general.append(x509.DNSName(name))
    return general


def _covers(certificate, names: list[str]) -> bool:
    from cryptography import x509

    try:
        present = certificate.extensions.get_extension_for_class(x509.SubjectAlternativeName).value
    except x509.ExtensionNotFound:
        return False
    return all(n in present for n in _alt_names(names)) and certificate.not_valid_after_utc - RENEW_BEFORE > _now()


def ensure_server_certificate(host: str | None = None, directory: Path | None = None) -> ServerFiles:
    """The authority and a server certificate for `host` (the listen address), made when missing,
    short of a name, or about to expire."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

    directory = directory or tls_dir()
    ca_cert, ca_key = ensure_ca(directory)
    cert_file, key_file = directory / "server.crt", directory / "server.key"
    names = subject_names(host)
    if cert_file.exists() and key_file.exists():
        current = x509.load_pem_x509_certificate(cert_file.read_bytes())
        if current.issuer == ca_cert.subject and _covers(current, names):
            return ServerFiles(directory / "ca.crt", cert_file, key_file)
    key = _new_key()
    now = _now()
    certificate = (
        x509.CertificateBuilder()
        .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "kubernetes-playground")]))
        .issuer_name(ca_cert.subject).public_key(key.public_key()).serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(minutes=5)).not_valid_after(now + datetime.timedelta(days=SERVER_DAYS))
        .add_extension(x509.SubjectAlternativeName(_alt_names(names)), critical=False)
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(x509.KeyUsage(digital_signature=True, key_encipherment=False, key_cert_sign=False, crl_sign=False,
                                     content_commitment=False, data_encipherment=False, key_agreement=False,
                                     encipher_only=False, decipher_only=False), critical=True)
        .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.SERVER_AUTH]), critical=False)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
        .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(ca_key.public_key()), critical=False)
        .sign(ca_key, hashes.SHA256())
    )
    _write_private(key_file, _key_pem(key))
    cert_file.write_bytes(certificate.public_bytes(serialization.Encoding.PEM))
    return ServerFiles(directory / "ca.crt", cert_file, key_file)


def _escape(value: str) -> str:
    """Escape a value for a Twisted endpoint description (":" and "\\" are special)."""
    return value.replace("\\", "\\\\").replace(":", "\\:").replace("=", "\\=")


def endpoint(host: str, port: int, files: ServerFiles) -> str:
    """The Twisted endpoint that serves TLS on host:port with the server certificate."""
    return (f"ssl:port={int(port)}:interface={_escape(host.strip('[]'))}"
            f":privateKey={_escape(str(files.key))}:certKey={_escape(str(files.certificate))}")
