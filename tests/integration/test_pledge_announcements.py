"""Pledges announced and not yet signed: they commit no money (no entry, no total moves),
the donor's page lists them apart, the IATI file reports them as incoming pledges (13) and
stays valid, and signing one records its pledge like any other, once. Over the fund of the
worked examples (tests/web/test_dashboards.py, ``known_fund``)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from decimal import Decimal

import pytest
from click.testing import Result
from lxml import etree
from sqlalchemy import func, select

from fundledger.audit.models import AuditEvent
from fundledger.clock import today
from fundledger.dashboards.queries import fund_overview
from fundledger.db import Database
from fundledger.donors.announcements import announce_pledge, sign, withdraw
from fundledger.donors.errors import ContributionError
from fundledger.donors.models import PledgeAnnouncement, PledgeState
from fundledger.ledger.errors import FutureDate
from fundledger.ledger.models import JournalEntry
from tests.integration.test_iati_export import STANDARD, codes_checked, iati_file, sums
from tests.web.test_dashboards import SETUP, day, donor_named, known_fund

D = Decimal
@pytest.fixture(scope="module")
def schema() -> etree.XMLSchema:
    return etree.XMLSchema(etree.parse(str(STANDARD / "schemas" / "iati-activities-schema.xsd")))


ANNOUNCED = "iati-activity[@hierarchy='1']/transaction[transaction-type/@code='13']"


def announced(database: Database, code: str = "CAN", **given: object) -> int:
    values: dict[str, object] = {"announced_on": day("2025-11-20"), "amount": D("20000.00"),
                                 "currency": "USD", "earmark": "activity:5",
                                 "reference": "Pledging conference 2025"}  # fmt: skip
    values |= given
    with database.transaction() as session:
        donor = session.merge(donor_named(database, code))
        return announce_pledge(session, SETUP, donor, **values).id  # type: ignore[arg-type]


def books(database: Database) -> tuple[int, object]:
    with database.session() as session:
        entries = session.scalar(select(func.count()).select_from(JournalEntry))
        return entries or 0, fund_overview(session, today())


def test_an_announced_pledge_commits_no_money_and_is_an_iati_incoming_pledge(
    database: Database, schema: etree.XMLSchema
) -> None:
    known_fund(database)
    before_books, before_sums = books(database), sums(iati_file(database), "1")
    announced(database, "ES-OBS", amount=D("10000.00"), currency="EUR", rate=D("1.1000"))

    assert books(database) == before_books, "no entry; every total as it was"
    root = iati_file(database)
    assert schema.validate(root), schema.error_log
    assert codes_checked(root) >= 10
    assert [(t.find("transaction-date").get("iso-date"), t.findtext("value"),
             t.findtext("provider-org/narrative")) for t in root.xpath(ANNOUNCED)] == [
        ("2025-11-20", "11000.00", "Spain")]  # fmt: skip
    assert sums(root, "1") == before_sums | {"13": D("11000.00")}


def test_signing_records_the_pledge_once_and_it_leaves_the_announced(
    database: Database, schema: etree.XMLSchema
) -> None:
    known_fund(database)
    number = announced(database)
    pledged = books(database)[1].pledged  # type: ignore[attr-defined]

    with database.transaction() as session:
        announcement = session.get(PledgeAnnouncement, number)
        assert announcement is not None
        assert announcement.status() == PledgeState.ANNOUNCED
        with pytest.raises(ContributionError, match="before the pledge was announced"):
            sign(session, SETUP, announcement, pledge_date=day("2025-11-19"))
        pledge = sign(session, SETUP, announcement, pledge_date=day("2025-12-01"))
        assert (pledge.amount, pledge.currency, pledge.earmark, pledge.reference) == (
            D("20000.00"), "USD", "activity:5", "Pledging conference 2025")
        assert announcement.status() == PledgeState.SIGNED
        with pytest.raises(ContributionError, match="already signed"):
            sign(session, SETUP, announcement, pledge_date=day("2025-12-02"))

    assert books(database)[1].pledged == pledged + D("20000.00")  # type: ignore[attr-defined]
    root = iati_file(database)
    assert schema.validate(root), schema.error_log
    assert root.xpath(ANNOUNCED) == [], "signed: its pledge's commitment (11) reports it"


def test_an_announcement_dated_after_today_is_refused(database: Database) -> None:
    known_fund(database)
    with pytest.raises(FutureDate):
        announced(database, announced_on=today() + dt.timedelta(days=1))
    with database.session() as session:
        assert session.scalar(select(func.count()).select_from(PledgeAnnouncement)) == 0


def test_the_command_line_announces_and_signs(
    run: Callable[..., Result], database: Database
) -> None:
    known_fund(database)
    made = run("pledge-announce", "--donor", "MEX", "--date", "2025-10-01", "--amount", "5000",
               "--currency", "USD", "--ref", "Letter of 1 October")  # fmt: skip
    assert made.exit_code == 0, made.stderr
    number = made.stdout.strip()
    signed = run("pledge-sign", number, "--date", "2025-10-15")
    assert signed.exit_code == 0, signed.stderr
    again = run("pledge-sign", number, "--date", "2025-10-16")
    assert again.exit_code == 1
    assert "already signed" in again.stderr
    missing = run("pledge-sign", "999", "--date", "2025-10-16")
    assert missing.exit_code == 1
    assert "no announced pledge 999" in missing.stderr


def test_a_withdrawn_announcement_leaves_the_iati_file_and_a_signed_one_cannot_go(
    database: Database, schema: etree.XMLSchema
) -> None:
    known_fund(database)
    kept, gone = announced(database), announced(database, amount=D("5000.00"))
    with database.transaction() as session:
        signed = session.get(PledgeAnnouncement, kept)
        assert signed is not None
        sign(session, SETUP, signed, pledge_date=day("2025-12-01"))
        with pytest.raises(ContributionError, match="already signed"):
            withdraw(session, SETUP, signed, reason="changed its mind")
        withdrawn = session.get(PledgeAnnouncement, gone)
        assert withdrawn is not None
        withdraw(session, SETUP, withdrawn, reason="Letter of 2025-12-01")

    root = iati_file(database)
    assert schema.validate(root), schema.error_log
    assert root.xpath(ANNOUNCED) == []
    with database.session() as session:
        event = session.scalars(
            select(AuditEvent).where(AuditEvent.action == "pledge.announcement_withdrawn")
        ).one()
        assert event.object_id == str(gone)
        kept_record = session.get_one(PledgeAnnouncement, gone)
        assert kept_record.status() == PledgeState.WITHDRAWN, "kept, marked, not deleted"
        assert (kept_record.withdrawn_by, kept_record.withdrawn_reason) == (
            SETUP.name, "Letter of 2025-12-01")  # fmt: skip
        with pytest.raises(ContributionError, match="was withdrawn"):
            sign(session, SETUP, kept_record, pledge_date=day("2025-12-02"))
        with pytest.raises(ContributionError, match="was withdrawn"):
            withdraw(session, SETUP, kept_record, reason="again")
