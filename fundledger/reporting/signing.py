"""The Fund's digital signature on its statements: PAdES, with pyHanko.

A statement is rendered deterministically (the bytes ``rebuild-check`` reproduces), then
signed as an incremental update appended to those bytes, so the signature covers the
whole rendered document, attached figures included. ``check`` tells whether a file
carries a signature that is intact, covers the whole file and was made with the
Fund's certificate.

The key and certificate are PEM files: ``FUNDLEDGER_SIGNING_KEY`` and
``FUNDLEDGER_SIGNING_CERT``, else ``signing-key.pem`` and ``signing-cert.pem`` in the
instance folder, which ``fundledger init`` creates (a self-signed certificate, for a
machine of one's own: production configures the Organization's).
"""

from __future__ import annotations

import asyncio
import datetime as dt
import io
import logging
import warnings
from collections.abc import Callable, Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path
from typing import Any, TypeVar

from asn1crypto import x509
from cryptography import x509 as cx509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, padding, rsa
from cryptography.utils import CryptographyDeprecationWarning
from cryptography.x509.oid import NameOID

with warnings.catch_warnings():
    # pyHanko imports cryptography's DSA key type, which cryptography deprecates (the Fund
    # signs with RSA or EC): not a warning for whoever issues a statement.
    warnings.filterwarnings("ignore", "DSA is deprecated", CryptographyDeprecationWarning)
    from pyhanko.keys import load_cert_from_pemder, load_private_key_from_pemder
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
    from pyhanko.pdf_utils.reader import PdfFileReader
    from pyhanko.sign import signers
    from pyhanko.sign.fields import SigSeedSubFilter
    from pyhanko.sign.general import SigningError
    from pyhanko.sign.validation import validate_pdf_signature
    from pyhanko.sign.validation.errors import SignatureValidationError
    from pyhanko_certvalidator import ValidationContext
    from pyhanko_certvalidator.registry import SimpleCertificateStore
    from pyhanko_certvalidator.util import get_pyca_cryptography_hash

from fundledger.config import instance_path
from fundledger.errors import FundledgerError

# pyHanko logs a signature it cannot trust as an error, with a traceback; check() says it
# in words, so the command line prints no traceback (an application's own logging still
# receives the records).
logging.getLogger("pyhanko").addHandler(logging.NullHandler())

#: The files ``fundledger init`` makes in the instance folder when none is configured.
DEFAULT_KEY, DEFAULT_CERT = "signing-key.pem", "signing-cert.pem"
#: The name of the signature field in every statement.
FIELD = "FundSignature"
#: Room kept in the file for the signature (a 4096-bit RSA signature and its chain fit).
_RESERVED = 16384


class SigningUnavailable(FundledgerError):
    """No usable signing key and certificate: nothing can be issued."""

    status = 503


@dataclass(frozen=True, slots=True)
class SigningPaths:
    key: Path
    cert: Path
    #: Set in the configuration (FUNDLEDGER_SIGNING_KEY/_CERT), not the instance default.
    configured: bool

    @classmethod
    def of(cls, config: Mapping[str, Any]) -> SigningPaths:
        """From the configuration, else the instance folder's defaults."""
        key, cert = config.get("SIGNING_KEY"), config.get("SIGNING_CERT")
        instance = instance_path()
        if key or cert:
            return cls(Path(key or ""), Path(cert or ""), True)
        return cls(Path(instance) / DEFAULT_KEY, Path(instance) / DEFAULT_CERT, False)


class _ParsedKeySigner(signers.SimpleSigner):
    """pyHanko's SimpleSigner parses its private key again for every signature (0.13 s of
    CPU for an RSA 3072 key, most of the cost of signing a statement); this one parses it
    once. Other mechanisms than PKCS#1 v1.5 and ECDSA are left to pyHanko."""

    _parsed: Any = None

    def sign_raw(self, data: bytes, digest_algorithm: str) -> bytes:
        mechanism = self.get_signature_mechanism_for_digest(digest_algorithm).signature_algo
        if mechanism not in ("rsassa_pkcs1v15", "ecdsa"):
            return bytes(super().sign_raw(data, digest_algorithm))
        if self._parsed is None:
            self._parsed = serialization.load_der_private_key(self.signing_key.dump(), None)
        digest = get_pyca_cryptography_hash(digest_algorithm)
        if mechanism == "ecdsa":
            return bytes(self._parsed.sign(data, ec.ECDSA(digest)))
        return bytes(self._parsed.sign(data, padding.PKCS1v15(), digest))


@dataclass(frozen=True, slots=True)
class Signer:
    """The Fund's key and certificate, ready to sign statements."""

    signer: signers.SimpleSigner

    @property
    def certificate(self) -> x509.Certificate:
        certificate = self.signer.signing_cert
        assert certificate is not None  # noqa: S101 - loaded with its certificate
        return certificate


def load_signer(paths: SigningPaths) -> Signer:
    """The signer from its PEM files, or a message saying what is missing and what to do."""
    missing = [p for p in (paths.key, paths.cert) if not p.is_file()]
    if missing:
        where = (
            "FUNDLEDGER_SIGNING_KEY and FUNDLEDGER_SIGNING_CERT"
            if paths.configured
            else "the instance folder (run `fundledger init` to create a self-signed "
            "one, or set FUNDLEDGER_SIGNING_KEY and FUNDLEDGER_SIGNING_CERT)"
        )
        raise SigningUnavailable(
            "statements cannot be issued unsigned, and the signing key or certificate is "
            f"missing: {', '.join(str(p) for p in missing)} (from {where})"
        )
    try:
        key = load_private_key_from_pemder(str(paths.key), passphrase=None)
        cert = load_cert_from_pemder(str(paths.cert))
    except (OSError, ValueError, TypeError) as error:
        raise SigningUnavailable(
            f"the signing key {paths.key} or certificate {paths.cert} cannot be read as PEM "
            f"(an encrypted key is not supported): {error}"
        ) from error
    signer = _ParsedKeySigner(signing_cert=cert, signing_key=key,
                              cert_registry=SimpleCertificateStore())  # fmt: skip
    return Signer(signer)


def trusted_certificate(paths: SigningPaths) -> x509.Certificate | None:
    """The Fund's certificate, which a statement's signature must have been made with."""
    return load_cert_from_pemder(str(paths.cert)) if paths.cert.is_file() else None


def sign(pdf: bytes, signer: Signer, *, reason: str) -> bytes:
    """``pdf`` with the Fund's PAdES signature appended as an incremental update."""
    writer = IncrementalPdfFileWriter(io.BytesIO(pdf), strict=False)
    meta = signers.PdfSignatureMetadata(
        field_name=FIELD, md_algorithm="sha256", subfilter=SigSeedSubFilter.PADES,
        reason=reason, name=_common_name(signer.certificate),
    )  # fmt: skip
    try:
        out = _outside_event_loop(
            lambda: signers.sign_pdf(writer, meta, signer=signer.signer, bytes_reserved=_RESERVED)
        )
    except SigningError as error:
        raise SigningUnavailable(f"the statement could not be signed: {error}") from error
    return bytes(out.getbuffer())


class Signature(StrEnum):
    VALID = "valid"
    INVALID = "invalid"
    UNSIGNED = "unsigned"
    #: Intact, but made with a certificate other than the Fund's.
    UNTRUSTED = "not the Fund's"


@dataclass(frozen=True, slots=True)
class SignatureCheck:
    signature: Signature
    #: Who signed it (the certificate's common name), when it says.
    signed_by: str | None = None
    reason: str | None = None

    def text(self) -> str:
        if self.signature == Signature.VALID:
            return f"signature valid ({self.signed_by})"
        detail = f": {self.reason}" if self.reason else ""
        if self.signature == Signature.UNSIGNED:
            return f"unsigned{detail}"
        return f"signature {self.signature}{detail}"


def check(content: bytes, trusted: x509.Certificate | None) -> SignatureCheck:
    """Whether ``content`` carries the Fund's signature, intact and covering the whole file
    (anything appended after signing would not be covered)."""
    try:
        reader = PdfFileReader(io.BytesIO(content), strict=False)
        embedded = reader.embedded_signatures
    except Exception as error:  # whatever is not a readable PDF carries no signature
        return SignatureCheck(Signature.UNSIGNED, reason=f"not a readable PDF: {error}")
    if not embedded:
        return SignatureCheck(Signature.UNSIGNED)
    signature = embedded[-1]
    context = ValidationContext(trust_roots=[] if trusted is None else [trusted])
    try:
        status = _outside_event_loop(
            lambda: validate_pdf_signature(signature, context, skip_diff=True)
        )
    except (SignatureValidationError, ValueError, KeyError) as error:
        return SignatureCheck(Signature.INVALID, reason=str(error))
    name = _common_name(status.signing_cert) if status.signing_cert is not None else None
    if not (status.intact and status.valid):
        return SignatureCheck(Signature.INVALID, name, "the signed bytes were changed")
    if not status.coverage or status.coverage.name != "ENTIRE_FILE":
        return SignatureCheck(Signature.INVALID, name, "content was added after signing")
    if not status.trusted:
        return SignatureCheck(Signature.UNTRUSTED, name, "signed with another certificate")
    return SignatureCheck(Signature.VALID, name)


_T = TypeVar("_T")


def _outside_event_loop(call: Callable[[], _T]) -> _T:
    """``call()``, in a thread of its own when this one runs an asyncio event loop:
    pyHanko's synchronous functions start a loop of their own (asyncio.run), which a
    thread already running one refuses."""
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return call()
    with ThreadPoolExecutor(max_workers=1) as worker:
        return worker.submit(call).result()


def _common_name(certificate: x509.Certificate) -> str:
    return str(certificate.subject.native.get("common_name", certificate.subject.human_friendly))


def make_self_signed(paths: SigningPaths, name: str, *, small: bool = False) -> None:
    """Write a new key and a self-signed certificate for ``name`` (at most 64 characters,
    X.509's limit for a common name), valid ten years, to
    ``paths`` (RSA 3072, which every reader checks; ``small`` makes an EC P-256 key,
    quicker, for tests). The key file is readable by its owner only."""
    key: rsa.RSAPrivateKey | ec.EllipticCurvePrivateKey = (
        ec.generate_private_key(ec.SECP256R1()) if small
        else rsa.generate_private_key(public_exponent=65537, key_size=3072)
    )  # fmt: skip
    subject = cx509.Name([
        cx509.NameAttribute(NameOID.COMMON_NAME, name),
        cx509.NameAttribute(NameOID.ORGANIZATION_NAME, "Organization of American States"),
    ])  # fmt: skip
    now = dt.datetime.now(dt.UTC)
    certificate = (
        cx509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(subject)
        .public_key(key.public_key())
        .serial_number(cx509.random_serial_number())
        .not_valid_before(now - dt.timedelta(days=1))
        .not_valid_after(now + dt.timedelta(days=3650))
        .add_extension(cx509.BasicConstraints(ca=True, path_length=None), critical=True)
        .add_extension(
            cx509.KeyUsage(
                digital_signature=True,
                content_commitment=True,
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=True,
                crl_sign=False,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .sign(key, hashes.SHA256())
    )
    paths.key.parent.mkdir(parents=True, exist_ok=True)
    paths.cert.parent.mkdir(parents=True, exist_ok=True)
    paths.key.write_bytes(key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption()))  # fmt: skip
    paths.key.chmod(0o600)
    paths.cert.write_bytes(certificate.public_bytes(serialization.Encoding.PEM))
