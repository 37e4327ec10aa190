"""The Fund's IATI 2.03 activity file (``fundledger export iati``, ``/public/iati.xml``):
valid against the official schema, every code in its codelist (tests/data/iati-2.03), and
its transactions add up to the ledger's figures as the dashboards read them."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path

import pytest
from click.testing import Result
from lxml import etree
from sqlalchemy import select

from fundledger.allocations.models import Allocation
from fundledger.allocations.settings import counts_receivables
from fundledger.dashboards.queries import fund_years
from fundledger.db import Database
from fundledger.ledger.balances import yearly_movements
from fundledger.ledger.chart import ADVANCES, BANK
from fundledger.ledger.models import EntryKind
from fundledger.public.iati import iati_activities
from tests.web.test_dashboards import known_fund

D = Decimal
STANDARD = Path(__file__).parent.parent / "data" / "iati-2.03"
GENERATED = dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC)
ORGANISATION = "XM-TEST-OAS"


def iati_file(database: Database, year: int | None = None) -> etree._Element:
    with database.session() as session:
        document = iati_activities(session, organisation=ORGANISATION, generated=GENERATED,
                                   year=year)  # fmt: skip
    return etree.fromstring(document)


@pytest.fixture(scope="module")
def schema() -> etree.XMLSchema:
    return etree.XMLSchema(etree.parse(str(STANDARD / "schemas" / "iati-activities-schema.xsd")))


def codelist(name: str) -> set[str]:
    path = STANDARD / "codelists" / f"{name}.xml"
    assert path.exists(), f"the file uses codelist {name}: copy it into {path.parent}"
    return set(etree.parse(str(path)).xpath("//codelist-item/code/text()"))


def sums(root: etree._Element, hierarchy: str) -> dict[str, Decimal]:
    totals: dict[str, Decimal] = defaultdict(lambda: D("0.00"))
    for transaction in root.xpath(f"iati-activity[@hierarchy='{hierarchy}']/transaction"):
        code = transaction.find("transaction-type").get("code")
        totals[code] += D(transaction.findtext("value"))
    return dict(totals)


def check_the_demos_file(database: Database, today: dt.date) -> None:
    """The demo's file validates, uses only codes of its codelists, and adds up to the
    ledger. Called by the demo's own test (tests/integration/test_demo_history.py), which
    loads the demo anyway: loading it again here would cost seconds."""
    root = iati_file(database)
    schema = etree.XMLSchema(etree.parse(str(STANDARD / "schemas" / "iati-activities-schema.xsd")))
    assert schema.validate(root), schema.error_log
    parent, *children = root.findall("iati-activity")
    assert parent.get("hierarchy") == "1"
    assert parent.findtext("iati-identifier") == f"{ORGANISATION}-FUND"
    assert len(children) >= 10
    assert {child.get("hierarchy") for child in children} == {"2"}
    assert {r.get("ref") for r in parent.findall("related-activity")} == {
        child.findtext("iati-identifier") for child in children
    }
    assert codes_checked(root) >= 10
    with database.session() as session:
        markers = dict(session.execute(select(Allocation.id, Allocation.gender_marker)).all())
    for child in children:
        allocation = int(child.findtext("iati-identifier").rsplit("-", 1)[1])
        policy = [(m.get("vocabulary"), m.get("code"), m.get("significance"))
                  for m in child.findall("policy-marker")]  # fmt: skip
        marker = markers[allocation]
        assert policy == ([] if marker is None else [("1", "1", str(marker))])
    assert {m.get("significance") for m in root.iter("policy-marker")} >= {"0", "1", "2"}
    with database.session() as session:
        years = fund_years(session, today, with_receivables=counts_receivables(session))
        moved = yearly_movements(session, [BANK, ADVANCES])

    def total(name: str) -> Decimal:
        return sum((getattr(year, name) for year in years), D("0.00"))

    refunded = sum((v for (code, kind, _), v in moved.items()
                    if code == BANK and kind == EntryKind.REFUND), D("0.00"))  # fmt: skip
    returned = sum((v for (code, kind, _), v in moved.items()
                    if code == ADVANCES and kind == EntryKind.RETURN), D("0.00"))  # fmt: skip
    assert returned < 0, "the demo's organs return money"
    assert sums(root, "1") == {"11": total("pledged"), "1": total("received") + refunded}
    assert sums(root, "2") == {
        "2": total("allocated"), "3": total("disbursed") + returned, "4": total("spent"),
    }  # fmt: skip


def codes_checked(root: etree._Element) -> int:
    """Check every code the file uses against its codelist; how many kinds of code."""
    checked = 0
    for mapping in etree.parse(str(STANDARD / "codelist-mapping.xml")).findall("mapping"):
        values = root.getroottree().xpath(mapping.findtext("path"))
        condition = mapping.findtext("condition")
        if condition:
            values = [v for v in values if v.getparent().xpath(f"boolean({condition})")]
        if values:
            codes = codelist(mapping.find("codelist").get("ref"))
            assert {str(v) for v in values} <= codes, mapping.findtext("path")
            checked += 1
    return checked


def test_a_closed_allocation_tells_its_story_and_a_year_only_its_own(
    database: Database, schema: etree.XMLSchema
) -> None:
    known_fund(database)
    root = iati_file(database)
    assert schema.validate(root), schema.error_log
    assert codes_checked(root) >= 10
    research = root.find(f"iati-activity[iati-identifier='{ORGANISATION}-FUND-1']")
    rows = [
        (t.find("transaction-type").get("code"), t.find("transaction-date").get("iso-date"),
         t.findtext("value"))
        for t in research.findall("transaction")
    ]  # fmt: skip
    assert rows == [
        ("2", "2025-03-18", "35000.00"),
        ("3", "2025-04-01", "20000.00"),
        ("3", "2025-07-01", "15000.00"),
        ("4", "2025-12-15", "31500.00"),
        ("3", "2026-01-31", "-3500.00"),  # returned at close: a negative disbursement
    ]
    assert "CP/CAJP-0000/25" in research.findtext("transaction/description/narrative")
    assert research.find("activity-status").get("code") == "4"
    organ = research.find("participating-org[@role='4']/narrative").text
    assert organ.startswith("Inter-American Commission of Women")
    spain = [t.findtext("value") for t in root.xpath(
        "iati-activity[@hierarchy='1']/transaction[provider-org/narrative='Spain']")]  # fmt: skip
    assert spain == ["54250.00", "33000.00", "21400.00"], "the pledge, then what Spain paid"

    year = iati_file(database, 2026)
    assert schema.validate(year), schema.error_log
    assert [a.findtext("iati-identifier") for a in year.findall("iati-activity")] == [
        f"{ORGANISATION}-FUND", f"{ORGANISATION}-FUND-1",
    ]  # fmt: skip
    assert year.xpath("//transaction/value/text()") == ["-3500.00"]


def test_the_command_writes_the_file_once_the_identifier_is_set(
    run: Callable[..., Result], database: Database, tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch, schema: etree.XMLSchema,
) -> None:  # fmt: skip
    known_fund(database)
    out = tmp_path / "fund.xml"
    refused = run("export", "iati", "--out", str(out))
    assert refused.exit_code == 1
    assert "FUNDLEDGER_IATI_ORGANISATION" in refused.output
    assert not out.exists()

    monkeypatch.setenv("FUNDLEDGER_IATI_ORGANISATION", ORGANISATION)
    assert run("export", "iati", "--year", "2025", "--out", str(out)).exit_code == 0
    root = etree.parse(str(out)).getroot()
    assert schema.validate(root), schema.error_log
    assert root.findtext("iati-activity/reporting-org/narrative") == (
        "Organization of American States (OAS)"
    )
