"""The Fund's signing key in tests: one small EC key and self-signed certificate per test
process (tests/conftest.py makes it and points FUNDLEDGER_SIGNING_KEY/_CERT at it, so the
command line and the web app sign with it too)."""

from __future__ import annotations

import functools
import os
from pathlib import Path

from asn1crypto.x509 import Certificate

from fundledger.reporting.signing import Signer, SigningPaths, load_signer, make_self_signed

KEY_VARIABLE, CERT_VARIABLE = "FUNDLEDGER_SIGNING_KEY", "FUNDLEDGER_SIGNING_CERT"


def make_test_key(folder: Path) -> SigningPaths:
    paths = SigningPaths(folder / "key.pem", folder / "cert.pem", configured=True)
    make_self_signed(paths, "Fund under test", small=True)
    return paths


def test_paths() -> SigningPaths:
    return SigningPaths(Path(os.environ[KEY_VARIABLE]), Path(os.environ[CERT_VARIABLE]), True)


@functools.cache
def fund_signer() -> Signer:
    """The signer every test issues with."""
    return load_signer(test_paths())


@functools.cache
def fund_certificate() -> Certificate:
    """The certificate a statement's signature is checked against."""
    return fund_signer().certificate
