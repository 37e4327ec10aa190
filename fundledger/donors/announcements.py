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
from fundledger.donors.models import Donor, Pledge, PledgeAnnouncement, PledgeState
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
    _check_open(announcement)
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
    """The donor took back what it announced and had not signed: the announcement is marked
    withdrawn, with who recorded it, when and why (it committed no money and no entry names
    it; kept, as every record is, so what was announced can still be told)."""
    _check_open(announcement)
    reason = " ".join(reason.split())
    if not reason:
        raise ContributionError(N_("say why the announced pledge is withdrawn"))
    announcement.withdrawn_at = dt.datetime.now(dt.UTC)
    announcement.withdrawn_by = actor.name
    announcement.withdrawn_reason = reason[:500]
    session.flush()
    record(
        session, actor, "pledge.announcement_withdrawn", "pledge_announcement", announcement.id,
        before={"status": "announced"},
        after={"status": "withdrawn", "reason": announcement.withdrawn_reason},
    )  # fmt: skip


def _check_open(announcement: PledgeAnnouncement) -> None:
    """Refuse to sign or withdraw an announcement already signed or withdrawn."""
    if announcement.pledge_id is not None:
        raise ContributionError(
            N_("announced pledge %(id)s is already signed: pledge %(pledge)s"),
            id=announcement.id, pledge=announcement.pledge_id,
        )  # fmt: skip
    if announcement.withdrawn_at is not None:
        raise ContributionError(
            N_("announced pledge %(id)s was withdrawn on %(day)s"),
            id=announcement.id, day=announcement.withdrawn_at.date(),
        )  # fmt: skip


def announcement_of(
    session: Session, donor: Donor, announcement_id: int
) -> PledgeAnnouncement | None:
    """The donor's open announcement with that id (neither signed nor withdrawn); none for
    another donor's."""
    found = session.get(PledgeAnnouncement, announcement_id)
    if found is None or found.donor_id != donor.id or found.status() != PledgeState.ANNOUNCED:
        return None
    return found


def unsigned(session: Session, donor: Donor | None = None) -> list[PledgeAnnouncement]:
    """The announcements neither signed nor withdrawn (one donor's, or all), oldest first."""
    query = select(PledgeAnnouncement).where(
        PledgeAnnouncement.pledge_id.is_(None), PledgeAnnouncement.withdrawn_at.is_(None)
    )
    if donor is not None:
        query = query.where(PledgeAnnouncement.donor_id == donor.id)
    return list(session.scalars(query.order_by(PledgeAnnouncement.announced_on,
                                               PledgeAnnouncement.id)))  # fmt: skip
