"""Every statement carries its figures as a JSON (and CSV) file attached to the PDF; they
are the data the statement is rendered from, and they reconcile with the ledger."""

from __future__ import annotations

import csv
import io
import json
from decimal import Decimal
from pathlib import Path
from typing import Any

from fundledger.db import Database
from fundledger.ledger.queries import trial_balance
from fundledger.reporting.attachments import attached
from fundledger.reporting.embedded import CSV_NAME, JSON_NAME, payload
from fundledger.reporting.operations import issue_statement
from fundledger.reporting.queries import issue_of, request_of
from fundledger.reporting.render import Request, statement_data
from tests.integration.test_statements import (
    SECRETARIAT,
    day,
    mexico_funds_activity_5,
    spain_pays_in_two_instalments,
    unrestricted_money_shared,
)
from tests.integration.test_statements_register import spain_2025
from tests.pdf_structure import reader
from tests.signing import fund_signer

D = Decimal


def figures_of(pdf: bytes) -> dict[str, Any]:
    document: dict[str, Any] = json.loads(attached(pdf, JSON_NAME))
    return document


def test_the_attached_figures_are_the_statements_data_and_the_ledgers(
    database: Database, tmp_path: Path
) -> None:
    with database.transaction() as session:
        spain_pays_in_two_instalments(session)
        mexico_funds_activity_5(session)
        unrestricted_money_shared(session)
        records = [issue_statement(session, SECRETARIAT, request, language=language,
                                   signer=fund_signer(), archive=tmp_path)
                   for request, language in ((spain_2025(), "es"), (Request.fund(2025), "fr"),
                                             (Request.pack(day("2026-03-10")), "pt"))]  # fmt: skip
        expected = [payload(statement_data(session, request_of(r), issue_of(r).instant),
                            issue_of(r)) for r in records]  # fmt: skip
        bank = trial_balance(session, day("2025-12-31")).rows
    balances = {row.code: row.balance for row in bank}
    pdfs = [(tmp_path / r.path).read_bytes() for r in records]
    for pdf, record, document in zip(pdfs, records, expected, strict=True):
        assert figures_of(pdf) == document  # the one function the statement is printed from
        # the fast writer's text is the standard library's, byte for byte (issue 16)
        standard = json.dumps(document, ensure_ascii=False, indent=2, sort_keys=True) + "\n"
        assert attached(pdf, JSON_NAME) == standard.encode()
        assert sorted(reader(pdf).attachments) == [CSV_NAME, JSON_NAME]
        assert document["statement"]["number"] == record.number
    spain, whole, pack = (figures_of(pdf) for pdf in pdfs)
    assert (spain["kind"], whole["kind"], pack["kind"]) == ("donor", "fund", "cajp_pack")
    assert spain["statement"]["status"] == "unaudited"
    figures = spain["figures"]
    # §1: 30,000 EUR at 1.1000 and 20,000 EUR at 1.0700 = 54,400.00 received
    assert [r["usd"] for r in figures["receipts"]] == ["33000.00", "21400.00"]
    assert sum(D(r["usd"]) for r in figures["receipts"]) == D("54400.00")
    assert D(figures["fund"]["position"]["assets"]["1010"]) == balances["1010"]
    assert D(whole["figures"]["position"]["assets"]["1010"]) == balances["1010"]
    lines = dict(csv.reader(io.StringIO(attached(pdfs[1], CSV_NAME).decode())))
    assert D(lines["figures.position.assets.1010"]) == balances["1010"]
    assert isinstance(figures["receipts"][0]["rate"], str)  # decimal strings, never floats
