"""Receipts: money the bank credited, applied to pledges, recognised as revenue, or held
as unapplied credit; and applying that credit to a pledge later."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from fundledger.actors import Actor
from fundledger.audit.operations import record
from fundledger.donors.amounts import (
    Owed,
    balancing_fx_lines,
    checked_amount,
    checked_earmark,
    line,
    owed,
    recorded_with,
    replayed,
    revenue_account,
)
from fundledger.donors.errors import ContributionError, Overapplication
from fundledger.donors.models import Donor, Pledge, Receipt, ReceiptApplication
from fundledger.donors.operations import inactive_donor, resolve_rate
from fundledger.errors import Message, Param, Term
from fundledger.i18n import N_
from fundledger.ledger.chart import (
    BANK,
    BANK_CHARGES,
    RECEIVABLE,
    RELEASES_RESTRICTED,
    RELEASES_UNRESTRICTED,
    UNAPPLIED,
)
from fundledger.ledger.models import EntryKind
from fundledger.ledger.operations import Line, post_entry, post_or_replay, replayed_entry
from fundledger.ledger.queries import not_reversed
from fundledger.money import check_currency, plain, quantize, settled_usd, to_base

#: A pledge a receipt or credit would settle that owes nothing.
NOTHING_OUTSTANDING = N_("pledge %(pledge)s has nothing outstanding")


@dataclass(frozen=True, slots=True)
class _Part:
    """Part of a receipt's gross settling one pledge."""

    pledge: Pledge
    owed: Owed
    amount: Decimal


def record_receipt(
    session: Session,
    actor: Actor,
    donor: Donor,
    *,
    value_date: dt.date,
    amount: Decimal,
    currency: str,
    rate: Decimal | None = None,
    charges: Decimal = Decimal(0),
    pledges: Sequence[Pledge] | None = None,
    unpledged: bool = False,
    earmark: str | None = None,
    overpayment: bool = False,
    reference: str | None = None,
    idempotency_key: str | None = None,
) -> Receipt:
    """Record money credited by the bank (``amount``, after ``charges`` were deducted).

    The gross (amount + charges) settles ``pledges`` in the order given, or the donor's
    outstanding pledges in that currency oldest first; an excess is kept as unapplied
    credit only when ``overpayment`` says so. ``unpledged`` money is revenue at once.
    """
    if earlier := replayed(session, Receipt, idempotency_key):
        return earlier
    if not donor.active:
        raise ContributionError(inactive_donor(donor.code))
    currency = check_currency(currency)
    amount = checked_amount(amount, currency)
    if charges:
        charges = checked_amount(charges, currency, what=Term(N_("bank charges")))
    rate = resolve_rate(session, currency, value_date, rate)
    gross = amount + charges
    usd_bank = to_base(amount, rate)
    usd_charges = to_base(gross, rate) - usd_bank
    dims = {"donor_id": donor.id}

    parts: list[_Part] = []
    excess = Decimal(0)
    if unpledged:
        if pledges or overpayment:
            raise ContributionError(
                N_("unpledged money is not applied to pledges nor held as credit")
            )
        earmark = checked_earmark(session, earmark)
        pools = {earmark: gross}
        credits = [
            line(revenue_account(earmark), -(usd_bank + usd_charges), original=gross,
                 currency=currency, rate=rate, earmark=earmark, **dims)
        ]  # fmt: skip
    else:
        if earmark:
            raise ContributionError(
                N_("a receipt against pledges takes the pledges' earmarks; "
                   "give an earmark only for unpledged money")
            )  # fmt: skip
        parts = _parts(session, donor, currency, gross, pledges)
        excess = gross - sum((part.amount for part in parts), Decimal(0))
        if excess and not overpayment:
            raise _overapplication(donor, currency, gross, parts, explicit=bool(pledges))
        pools = {}
        for part in parts:
            pools[part.pledge.earmark] = pools.get(part.pledge.earmark, Decimal(0)) + part.amount
        credits = [
            line(RECEIVABLE, -part.owed.usd_for(part.amount, part.pledge.rate),
                 original=part.amount, currency=currency, rate=part.pledge.rate,
                 earmark=part.pledge.earmark, **dims)
            for part in parts
        ]  # fmt: skip
        if excess:
            pools[None] = pools.get(None, Decimal(0)) + excess
            credits.append(
                line(UNAPPLIED, -to_base(excess, rate), original=excess,
                     currency=currency, rate=rate, **dims)
            )  # fmt: skip

    lines = _bank_lines(pools, charges, amount, usd_bank, currency, rate, donor.id)
    if usd_charges:
        lines.append(
            Line(BANK_CHARGES, usd_charges, donor_id=donor.id,
                 memo=Message(N_("%(charges)s %(currency)s deducted by the bank"),
                              {"charges": Decimal(plain(charges, currency)),
                               "currency": currency}))
        )  # fmt: skip
        lines += _charge_releases(pools, charges, usd_charges, currency, rate, donor.id)
    lines += credits
    lines += balancing_fx_lines(lines)
    posted = post_or_replay(
        session,
        entry_date=value_date,
        kind=EntryKind.RECEIPT,
        memo=Message(
            N_("Receipt from %(donor)s, %(reference)s"),
            {"donor": donor.code, "reference": reference},
        )
        if reference
        else Message(N_("Receipt from %(donor)s"), {"donor": donor.code}),
        source_ref=reference,
        idempotency_key=idempotency_key,
        created_by=actor.name,
        request_id=actor.request_id,
        lines=lines,
    )
    entry = posted.entry
    receipt = Receipt(
        donor_id=donor.id,
        value_date=value_date,
        currency=currency,
        amount=amount,
        charges=charges,
        rate=rate,
        usd_amount=usd_bank,
        usd_charges=usd_charges,
        unapplied_usd=to_base(excess, rate) if excess else Decimal(0),
        revenue_amount=gross if unpledged else Decimal(0),
        earmark=earmark if unpledged else None,
        reference=reference,
        entry_id=entry.id,
        created_by=actor.name,
        created_at=entry.created_at,
    )
    session.add(receipt)
    session.flush()
    session.add_all(
        ReceiptApplication(
            receipt_id=receipt.id,
            pledge_id=part.pledge.id,
            applied_on=value_date,
            amount=part.amount,
            pledge_usd=part.owed.usd_for(part.amount, part.pledge.rate),
            receipt_usd=to_base(part.amount, rate),
            entry_id=entry.id,
        )
        for part in parts
    )
    session.flush()
    record(
        session, actor, "receipt.recorded", "receipt", receipt.id,
        after={"donor": donor.code, "amount": amount, "charges": charges, "currency": currency,
               "rate": rate, "applied": {p.pledge.id: p.amount for p in parts},
               "unapplied": excess, "unpledged": unpledged, "entry": entry.number},
    )  # fmt: skip
    return receipt


def _parts(
    session: Session,
    donor: Donor,
    currency: str,
    gross: Decimal,
    pledges: Sequence[Pledge] | None,
) -> list[_Part]:
    """How the gross settles the pledges, in order, each up to what it still owes."""
    if pledges:
        targets = list(dict.fromkeys(pledges))
        for pledge in targets:
            if pledge.donor_id != donor.id:
                raise ContributionError(
                    N_("pledge %(pledge)s is %(owner)s's, not %(donor)s's"),
                    pledge=pledge.id, owner=pledge.donor.code, donor=donor.code,
                )
            if pledge.currency != currency:
                raise ContributionError(
                    N_("pledge %(pledge)s is in %(currency)s; a %(receipt)s receipt cannot "
                       "settle it"),
                    pledge=pledge.id, currency=pledge.currency, receipt=currency,
                )  # fmt: skip
    else:
        targets = list(
            session.scalars(
                select(Pledge)
                .filter_by(donor_id=donor.id, currency=currency)
                .order_by(Pledge.pledge_date, Pledge.id)
            )
        )
    parts = []
    remaining = gross
    for pledge in targets:
        outstanding = owed(session, pledge)
        if outstanding.original <= 0:
            if pledges:
                raise ContributionError(NOTHING_OUTSTANDING, pledge=pledge.id)
            continue
        part = min(remaining, outstanding.original)
        if part > 0:
            parts.append(_Part(pledge, outstanding, part))
            remaining -= part
    return parts


def _overapplication(
    donor: Donor, currency: str, gross: Decimal, parts: list[_Part], *, explicit: bool
) -> ContributionError:
    if not parts:
        return ContributionError(
            N_("%(donor)s has no outstanding %(currency)s pledges; record the receipt as "
               "unpledged, or as an overpayment to hold as unapplied credit"),
            donor=donor.code, currency=currency,
        )  # fmt: skip
    settled = sum((part.amount for part in parts), Decimal(0))
    figures: dict[str, Param] = {"gross": quantize(gross, currency), "currency": currency,
               "settled": quantize(settled, currency),
               "excess": quantize(gross - settled, currency)}  # fmt: skip
    if explicit:
        return Overapplication(Message(
            N_("the receipt settles %(gross)s %(currency)s but the pledges given owe "
               "%(settled)s; record the %(excess)s excess as an overpayment (unapplied credit) "
               "or apply the receipt to more pledges"), figures))  # fmt: skip
    return Overapplication(Message(
        N_("the receipt settles %(gross)s %(currency)s but %(donor)s's outstanding "
           "%(currency)s pledges owe %(settled)s; record the %(excess)s excess as an "
           "overpayment (unapplied credit) or apply the receipt to more pledges"),
        {**figures, "donor": donor.code}))  # fmt: skip


def _bank_lines(
    pools: dict[str | None, Decimal],
    charges: Decimal,
    amount: Decimal,
    usd_bank: Decimal,
    currency: str,
    rate: Decimal,
    donor_id: int,
) -> list[Line]:
    """Bank debits, one per funding pool the money belongs to.

    The bank's charges come out of the pools in order (the oldest pledge's first). With
    one pool the line keeps the original amount and rate; with several, each line is
    the pool's share at the rate, the last one taking the rounding so they add up.
    """
    if len(pools) == 1:
        (earmark,) = pools
        return [
            line(BANK, usd_bank, original=amount, currency=currency, rate=rate,
                 donor_id=donor_id, earmark=earmark)
        ]  # fmt: skip
    lines = []
    to_deduct = charges
    pooled = list(pools.items())
    remaining_usd = usd_bank
    for index, (earmark, gross) in enumerate(pooled):
        deducted = min(to_deduct, gross)
        to_deduct -= deducted
        net = gross - deducted
        usd = remaining_usd if index == len(pooled) - 1 else to_base(net, rate)
        remaining_usd -= usd
        if usd:
            lines.append(
                Line(BANK, usd, donor_id=donor_id, earmark=earmark,
                     memo=Message(N_("%(amount)s %(currency)s at %(rate)s"),
                                  {"amount": Decimal(plain(net, currency)), "currency": currency,
                                   "rate": rate.normalize()}))
            )  # fmt: skip
    return lines


def _charge_releases(
    pools: dict[str | None, Decimal],
    charges: Decimal,
    usd_charges: Decimal,
    currency: str,
    rate: Decimal,
    donor_id: int,
) -> list[Line]:
    """Bank charges paid from earmarked money, released from each earmark (4290 → 4190).

    The charges are an expense of the unrestricted class (5300); the earmark that bore
    them gives up the same amount, as it does for program expenditure, so it holds what
    the bank received for it (DESIGN §3). They come out of the pools in the order
    :func:`_bank_lines` takes them; the last pool that bears any takes the rounding, so
    the releases and the unrestricted pool's share add up to the 5300 line.
    """
    borne: list[tuple[str | None, Decimal]] = []
    to_deduct = charges
    for earmark, gross in pools.items():
        deducted = min(to_deduct, gross)
        to_deduct -= deducted
        if deducted:
            borne.append((earmark, deducted))
    lines = []
    remaining_usd = usd_charges
    for index, (earmark, deducted) in enumerate(borne):
        usd = remaining_usd if index == len(borne) - 1 else to_base(deducted, rate)
        remaining_usd -= usd
        if earmark is not None and usd:
            memo = Message(
                N_("%(amount)s %(currency)s of bank charges paid from %(earmark)s"),
                {
                    "amount": Decimal(plain(deducted, currency)),
                    "currency": currency,
                    "earmark": earmark,
                },
            )
            lines += [
                Line(RELEASES_RESTRICTED, usd, donor_id=donor_id, earmark=earmark, memo=memo),
                Line(RELEASES_UNRESTRICTED, -usd, donor_id=donor_id, memo=memo),
            ]
    return lines


@dataclass(frozen=True, slots=True)
class Credit:
    """Unapplied credit left on one receipt."""

    receipt: Receipt
    #: In the receipt's currency; carried at the receipt's rate.
    original: Decimal


def unapplied_credits(session: Session, donor: Donor, currency: str) -> list[Credit]:
    """The donor's receipts in ``currency`` with credit left, oldest first."""
    receipts = session.scalars(
        select(Receipt)
        .filter_by(donor_id=donor.id, currency=currency)
        .where(Receipt.unapplied_usd > 0, not_reversed(Receipt.entry_id))
        .order_by(Receipt.value_date, Receipt.id)
    ).all()
    credits = []
    for receipt in receipts:
        applied = session.execute(
            select(func.coalesce(func.sum(ReceiptApplication.amount), Decimal(0))).where(
                ReceiptApplication.receipt_id == receipt.id
            )
        ).scalar_one()
        original = receipt.gross - receipt.revenue_amount - applied
        if original > 0:
            credits.append(Credit(receipt, original))
    return credits


def apply_credit(
    session: Session,
    actor: Actor,
    pledge: Pledge,
    *,
    on: dt.date,
    amount: Decimal | None = None,
    idempotency_key: str | None = None,
) -> list[ReceiptApplication]:
    """Settle (part of) a pledge from the donor's unapplied credit, oldest credit first.

    Replaying the same ``idempotency_key`` returns what the first call applied.
    """
    if idempotency_key is not None and (earlier := replayed_entry(session, idempotency_key)):
        applied = session.scalars(select(ReceiptApplication).filter_by(entry_id=earlier.id))
        # None: the key posted another kind of entry, which recorded_with refuses.
        return list(applied) or [
            recorded_with(session, ReceiptApplication, earlier.id, idempotency_key)
        ]
    donor = pledge.donor
    outstanding = owed(session, pledge)
    if outstanding.original <= 0:
        raise ContributionError(NOTHING_OUTSTANDING, pledge=pledge.id)
    credits = unapplied_credits(session, donor, pledge.currency)
    available = sum((credit.original for credit in credits), Decimal(0))
    if available <= 0:
        raise ContributionError(
            N_("%(donor)s has no unapplied %(currency)s credit"),
            donor=donor.code, currency=pledge.currency,
        )
    wanted = min(available, outstanding.original) if amount is None else amount
    wanted = checked_amount(wanted, pledge.currency)
    if wanted > available:
        raise ContributionError(
            N_("%(donor)s has %(available)s %(currency)s of unapplied credit, not %(wanted)s"),
            donor=donor.code, available=quantize(available, pledge.currency),
            currency=pledge.currency, wanted=quantize(wanted, pledge.currency),
        )
    if wanted > outstanding.original:
        raise Overapplication(
            N_("pledge %(pledge)s owes %(owed)s %(currency)s, less than %(wanted)s"),
            pledge=pledge.id, owed=quantize(outstanding.original, pledge.currency),
            currency=pledge.currency, wanted=quantize(wanted, pledge.currency),
        )

    chunks: list[tuple[Credit, Decimal, Decimal]] = []
    remaining = wanted
    for credit in credits:
        if remaining <= 0:
            break
        part = min(remaining, credit.original)
        usd = settled_usd(credit.original, part, credit.receipt.rate)
        chunks.append((credit, part, usd))
        remaining -= part
    receivable_usd = outstanding.usd_for(wanted, pledge.rate)
    cash_usd = sum((usd for _, _, usd in chunks), Decimal(0))
    dims = {"donor_id": donor.id}
    lines = [
        line(UNAPPLIED, usd, original=part, currency=pledge.currency,
             rate=credit.receipt.rate, **dims)
        for credit, part, usd in chunks
    ]  # fmt: skip
    lines.append(
        line(RECEIVABLE, -receivable_usd, original=wanted, currency=pledge.currency,
             rate=pledge.rate, earmark=pledge.earmark, **dims)
    )  # fmt: skip
    if pledge.earmark is not None:  # the cash joins the pledge's pool
        lines += [
            Line(BANK, cash_usd, earmark=pledge.earmark, donor_id=donor.id),
            Line(BANK, -cash_usd, donor_id=donor.id),
        ]
    lines += balancing_fx_lines(lines)
    entry = post_entry(
        session,
        entry_date=on,
        kind=EntryKind.CREDIT_APPLICATION,
        memo=Message(
            N_("Unapplied credit of %(donor)s applied to pledge %(pledge)s"),
            {"donor": donor.code, "pledge": pledge.id},
        ),
        idempotency_key=idempotency_key,
        created_by=actor.name,
        request_id=actor.request_id,
        lines=lines,
    )
    applications = []
    pledge_usd_left = receivable_usd
    for index, (credit, part, usd) in enumerate(chunks):
        share = pledge_usd_left if index == len(chunks) - 1 else to_base(part, pledge.rate)
        pledge_usd_left -= share
        applications.append(
            ReceiptApplication(
                receipt_id=credit.receipt.id,
                pledge_id=pledge.id,
                applied_on=on,
                amount=part,
                pledge_usd=share,
                receipt_usd=usd,
                entry_id=entry.id,
            )
        )
    session.add_all(applications)
    session.flush()
    record(
        session, actor, "credit.applied", "pledge", pledge.id,
        after={"amount": wanted, "currency": pledge.currency, "entry": entry.number,
               "receipts": [credit.receipt.id for credit, _, _ in chunks]},
    )  # fmt: skip
    return applications
