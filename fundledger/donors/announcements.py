"""Pledges announced and not yet signed: recorded without a journal entry (an announcement
commits no money, so no total counts it), listed apart, reported to IATI as incoming
pledges, and turned into a signed pledge by :func:`sign`, which records the pledge
through :func:`fundledger.donors.pledges.record_pledge` like any other."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from fundledger.actors import Actor
from fundledger.audit.operations import record
from fundledger.donors.amounts import checked_amount, checked_earmark
from fundledger.donors.errors import ContributionError
from fundledger.donors.models import Donor, Pledge, PledgeAnnouncement
from fundledger.donors.operations import inactive_donor, resolve_rate
from fundledger.donors.pledges import record_pledge
from fundledger.i18n import N_
from fundledger.ledger.dates import check_not_after_today
from fundledger.money import check_currency, to_base


def announce_pledge(
    session: Session,
    actor: Actor,
    donor: Donor,
    *,
    announced_on: dt.date,
    amount: Decimal,
    currency: str,
    rate: Decimal | None = None,
    earmark: str | None = None,
    reference: str | None = None,
) -> PledgeAnnouncement:
    """Record a pledge the donor announced and has not signed. Checked as a pledge is (an
    active donor, the amount, the rate of the day, the earmark, no date after today)."""
    if not donor.active:
        raise ContributionError(inactive_donor(donor.code))
    check_not_after_today(announced_on)
    currency = check_currency(currency)
    amount = checked_amount(amount, currency)
    rate = resolve_rate(session, currency, announced_on, rate)
    announcement = PledgeAnnouncement(
        donor_id=donor.id,
        announced_on=announced_on,
        currency=currency,
        amount=amount,
        rate=rate,
        usd_amount=to_base(amount, rate),
        earmark=checked_earmark(session, earmark),
        reference=" ".join((reference or "").split())[:200] or None,
        created_by=actor.name,
        created_at=dt.datetime.now(dt.UTC),
    )
    session.add(announcement)
    session.flush()
    record(
        session, actor, "pledge.announced", "pledge_announcement", announcement.id,
        after={"donor": donor.code, "amount": amount, "currency": currency,
               "usd": announcement.usd_amount, "earmark": announcement.earmark},
    )  # fmt: skip
    return announcement


def sign(
    session: Session,
    actor: Actor,
    announcement: PledgeAnnouncement,
    *,
    pledge_date: dt.date,
    rate: Decimal | None = None,
    due_date: dt.date | None = None,
    reference: str | None = None,
) -> Pledge:
    """The donor signed what it announced: record the pledge (amount, currency and earmark
    as announced; the rate of the signing day) and mark the announcement signed."""
    if announcement.pledge_id is not None:
        raise ContributionError(
            N_("announced pledge %(id)s is already signed: pledge %(pledge)s"),
            id=announcement.id,
            pledge=announcement.pledge_id,
        )
    if pledge_date < announcement.announced_on:
        raise ContributionError(
            N_("%(day)s is before the pledge was announced, %(announced)s"),
            day=pledge_date,
            announced=announcement.announced_on,
        )
    pledge = record_pledge(
        session, actor, announcement.donor, pledge_date=pledge_date, amount=announcement.amount,
        currency=announcement.currency, rate=rate, earmark=announcement.earmark,
        due_date=due_date, reference=reference or announcement.reference,
    )  # fmt: skip
    announcement.pledge_id = pledge.id
    session.flush()
    record(
        session, actor, "pledge.announcement_signed", "pledge_announcement", announcement.id,
        before={"status": "announced"}, after={"status": "signed", "pledge": pledge.id},
    )  # fmt: skip
    return pledge


def withdraw(session: Session, actor: Actor, announcement: PledgeAnnouncement, *,
             reason: str) -> None:  # fmt: skip
    """The donor withdrew what it announced and had not signed: the announcement goes (it
    committed no money and no entry names it); the audit event keeps what it was and why."""
    if announcement.pledge_id is not None:
        raise ContributionError(
            N_("announced pledge %(id)s is already signed: pledge %(pledge)s"),
            id=announcement.id, pledge=announcement.pledge_id,
        )  # fmt: skip
    record(
        session, actor, "pledge.announcement_withdrawn", "pledge_announcement", announcement.id,
        before={"donor": announcement.donor.code, "announced_on": announcement.announced_on,
                "amount": announcement.amount, "currency": announcement.currency,
                "earmark": announcement.earmark, "reference": announcement.reference},
        after={"status": "withdrawn", "reason": reason},
    )  # fmt: skip
    session.delete(announcement)
    session.flush()


def announcement_of(
    session: Session, donor: Donor, announcement_id: int
) -> PledgeAnnouncement | None:
    """The donor's unsigned announcement with that id; none for another donor's."""
    found = session.get(PledgeAnnouncement, announcement_id)
    if found is None or found.donor_id != donor.id or found.pledge_id is not None:
        return None
    return found


def unsigned(session: Session, donor: Donor | None = None) -> list[PledgeAnnouncement]:
    """The announcements not signed yet (one donor's, or all), oldest first."""
    query = select(PledgeAnnouncement).where(PledgeAnnouncement.pledge_id.is_(None))
    if donor is not None:
        query = query.where(PledgeAnnouncement.donor_id == donor.id)
    return list(session.scalars(query.order_by(PledgeAnnouncement.announced_on,
                                               PledgeAnnouncement.id)))  # fmt: skip
