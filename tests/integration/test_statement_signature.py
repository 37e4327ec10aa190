"""Issued statements carry the Fund's PAdES signature (issue 16): pyHanko validates it
against the Fund's certificate, a changed byte breaks it, re-rendering still reproduces
the document as rendered before signing, and without a key nothing is issued."""

from __future__ import annotations

import asyncio
import io
from pathlib import Path

import pytest
from click.testing import CliRunner
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.validation import validate_pdf_signature
from pyhanko_certvalidator import ValidationContext
from reportlab.pdfgen.canvas import Canvas
from sqlalchemy import select

from fundledger.cli.main import cli
from fundledger.db import Database
from fundledger.reporting import signing
from fundledger.reporting.models import StatementRecord
from fundledger.reporting.operations import issue_statement
from fundledger.reporting.queries import rebuild_check
from fundledger.reporting.render import Request
from fundledger.reporting.signing import Signature, SigningPaths, SigningUnavailable, check
from tests.integration.test_statements import SECRETARIAT, spain_pays_in_two_instalments
from tests.integration.test_statements_register import NOW, spain_2025
from tests.signing import fund_certificate, fund_signer, make_test_key


def test_a_signed_statement_validates_against_the_funds_certificate(
    database: Database, tmp_path: Path
) -> None:
    with database.transaction() as session:
        spain_pays_in_two_instalments(session)
        issued = issue_statement(session, SECRETARIAT, spain_2025(), language="es",
                                 signer=fund_signer(), archive=tmp_path, now=NOW)  # fmt: skip
    content = (tmp_path / issued.path).read_bytes()
    reader = PdfFileReader(io.BytesIO(content))
    [embedded] = reader.embedded_signatures
    status = validate_pdf_signature(embedded, ValidationContext(trust_roots=[fund_certificate()]))
    assert status.bottom_line, status.pretty_print_details()
    assert status.coverage is not None
    assert status.coverage.name == "ENTIRE_FILE"  # the attached figures are covered too
    assert embedded.sig_object["/SubFilter"] == "/ETSI.CAdES.detached"  # PAdES
    # One changed byte in what was signed (the rendered document) breaks it.
    altered = bytearray(content)
    altered[len(altered) // 3] ^= 0x01
    assert check(bytes(altered), fund_certificate()).signature == Signature.INVALID
    # Another key's certificate is not the Fund's.
    other = make_test_key(tmp_path / "other")
    stranger = signing.trusted_certificate(other)
    assert check(content, stranger).signature == Signature.UNTRUSTED
    # Re-rendering reproduces the document as it was before it was signed.
    with database.session() as session:
        [result] = rebuild_check(session, tmp_path)
    assert (result.reproduced, result.archived) == (True, True)


def test_without_a_signing_key_nothing_is_issued(database: Database, tmp_path: Path) -> None:
    missing = SigningPaths(tmp_path / "none.pem", tmp_path / "none.crt", configured=True)
    with pytest.raises(SigningUnavailable, match="statements cannot be issued unsigned"):
        signing.load_signer(missing)
    with database.transaction() as session:
        spain_pays_in_two_instalments(session)
    runner = CliRunner()
    env = {"FUNDLEDGER_DATABASE_URL": database.url, "FUNDLEDGER_STATEMENTS_DIR": str(tmp_path),
           "FUNDLEDGER_SIGNING_KEY": str(missing.key)}  # fmt: skip
    result = runner.invoke(cli, ["statement", "fund", "--year", "2025"], env=env)
    assert result.exit_code == 1
    assert "statements cannot be issued unsigned" in result.stderr
    assert str(missing.key) in result.stderr
    with database.session() as session:
        assert session.scalars(select(StatementRecord)).all() == []
    assert Request.fund(2025).kind == "fund"


def test_init_makes_a_self_signed_certificate_where_none_is_configured(
    database: Database, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(signing, "instance_path", lambda: str(tmp_path / "instance"))
    runner = CliRunner()
    env = {"FUNDLEDGER_DATABASE_URL": database.url,
           "FUNDLEDGER_SIGNING_KEY": "", "FUNDLEDGER_SIGNING_CERT": ""}  # fmt: skip
    first = runner.invoke(cli, ["init"], env=env, catch_exceptions=False)
    assert first.exit_code == 0
    assert "created a self-signed key and certificate" in first.stdout
    assert "production should set FUNDLEDGER_SIGNING_KEY and FUNDLEDGER_SIGNING_CERT" in (
        first.stdout
    )
    key = tmp_path / "instance" / signing.DEFAULT_KEY
    assert key.stat().st_mode & 0o077 == 0  # the key is its owner's alone
    paths = SigningPaths.of({})
    trusted = signing.trusted_certificate(paths)
    assert trusted is not None
    assert signing.load_signer(paths).certificate.dump() == trusted.dump()
    again = runner.invoke(cli, ["init"], env=env, catch_exceptions=False)
    assert "self-signed" not in again.stdout  # made once, kept


def test_signing_and_checking_work_inside_a_running_event_loop() -> None:
    """pyHanko's synchronous calls start an event loop of their own; a caller that runs
    one (a browser-driven test, an async server) still signs and checks."""
    blank = io.BytesIO()
    canvas = Canvas(blank, invariant=1)
    canvas.drawString(72, 720, "Statement")
    canvas.save()

    async def in_a_loop() -> Signature:
        signed = signing.sign(blank.getvalue(), fund_signer(), reason="test")
        return check(signed, fund_certificate()).signature

    assert asyncio.run(in_a_loop()) == Signature.VALID
