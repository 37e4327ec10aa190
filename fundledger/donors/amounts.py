"""What pledges and receipts share: amount checks, earmarks, ledger lines, what is owed."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any, TypeVar

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from fundledger.donors.errors import ContributionError
from fundledger.donors.models import Pledge, PledgeReduction, ReceiptApplication
from fundledger.errors import Term
from fundledger.i18n import N_
from fundledger.ledger.chart import (
    CONTRIBUTIONS_RESTRICTED,
    CONTRIBUTIONS_UNRESTRICTED,
    FX_GAINS,
    FX_GAINS_RESTRICTED,
    FX_LOSSES,
    FX_LOSSES_RESTRICTED,
)
from fundledger.ledger.errors import IdempotencyConflict
from fundledger.ledger.operations import Line, replayed_entry
from fundledger.ledger.queries import not_reversed
from fundledger.money import BASE_CURRENCY, MAX_AMOUNT, fits_currency, minor_units, settled_usd
from fundledger.program.earmarks import parse_earmark
from fundledger.program.models import Implementer
from fundledger.program.usable import unusable_reason

T = TypeVar("T")

#: How a refusal names the amount it refuses, when no other name is given.
AMOUNT = Term(N_("amount"))



def checked_amount(amount: Decimal, currency: str, what: str = AMOUNT) -> Decimal:
    """A positive amount within range, with no more places than the currency allows;
    ``what`` names it in the refusal (a :class:`Term`, translated where it is shown)."""
    if not amount.is_finite() or amount <= 0:
        raise ContributionError(
            N_("%(what)s must be more than zero, not %(amount)s"), what=what, amount=amount
        )
    if amount >= MAX_AMOUNT:
        raise ContributionError(N_("%(what)s %(amount)s is out of range"), what=what, amount=amount)
    if not fits_currency(amount, currency):
        raise ContributionError(
            N_("%(what)s %(amount)s has more decimals than %(currency)s allows (%(places)s)"),
            what=what, amount=amount, currency=currency, places=minor_units(currency),
        )
    return amount


def checked_earmark(session: Session, text: str | None) -> str | None:
    """The canonical earmark, or None; an organ earmark must name an OAS organ, and some
    activity the fund may finance must be able to use it (else the money could never be
    allocated: see :mod:`fundledger.program.usable`)."""
    if text is None or not text.strip():
        return None
    earmark = parse_earmark(text)
    if earmark.kind == "organ":
        kind = session.scalar(select(Implementer.kind).filter_by(code=earmark.target))
        if kind != "oas_organ":
            raise ContributionError(
                N_("earmark '%(earmark)s': %(organ)s is not an OAS organ the fund finances"),
                earmark=text.strip(), organ=earmark.target,
            )
    if (reason := unusable_reason(session, earmark)) is not None:
        raise ContributionError(
            N_("earmark %(earmark)s: %(reason)s; no allocation could use it"),
            earmark=str(earmark), reason=reason,
        )
    return str(earmark)


def revenue_account(earmark: str | None) -> str:
    return CONTRIBUTIONS_UNRESTRICTED if earmark is None else CONTRIBUTIONS_RESTRICTED


def line(
    account: str,
    usd: Decimal,
    *,
    original: Decimal | None = None,
    currency: str = BASE_CURRENCY,
    rate: Decimal | None = None,
    **dimensions: Any,
) -> Line:
    """A ledger line, signed like its USD amount; foreign lines keep original and rate."""
    if currency == BASE_CURRENCY or original is None:
        return Line(account, usd, **dimensions)
    signed = original if usd > 0 else -original
    return Line(account, usd, currency=currency, original_amount=signed, rate=rate, **dimensions)


def balancing_fx_lines(lines: list[Line]) -> list[Line]:
    """The lines that absorb rate differences so ``lines`` balance, each in the class of
    the money it arose on (DESIGN §3, "classes follow the money").

    The lines carrying an earmark (its bank, receivable and restricted-class lines; the
    unrestricted side of a release carries none) are balanced per donor and earmark
    into 4240 gains / 4250 losses with those dimensions, so the earmark holds what the
    bank received for it; what is left is the unrestricted money's, into 4400 / 5400.
    None where the lines already balance.
    """
    per_earmark: dict[tuple[int | None, str], Decimal] = {}
    for each in lines:
        if each.earmark is not None:
            key = (each.donor_id, each.earmark)
            per_earmark[key] = per_earmark.get(key, Decimal(0)) + each.amount
    balancing = [
        Line(FX_GAINS_RESTRICTED if total > 0 else FX_LOSSES_RESTRICTED, -total,
             donor_id=donor_id, earmark=earmark)
        for (donor_id, earmark), total in per_earmark.items()
        if total
    ]  # fmt: skip
    rest = -sum((each.amount for each in [*lines, *balancing]), Decimal(0))
    if rest:
        balancing.append(Line(FX_GAINS if rest < 0 else FX_LOSSES, rest))
    return balancing


def replayed(session: Session, model: type[T], idempotency_key: str | None) -> T | None:
    """The record an earlier call with this idempotency key made, checked before anything
    else: a replay must succeed even when what it would compute today has changed.

    Looked up under the ledger's lock (:func:`replayed_entry`): a concurrent retry waits
    for the first call to commit and answers with its record, instead of reading what the
    first call changed (a receipt's pledge, now settled) and refusing.
    """
    if idempotency_key is None or (earlier := replayed_entry(session, idempotency_key)) is None:
        return None
    return recorded_with(session, model, earlier.id, idempotency_key)


def recorded_with(session: Session, model: type[T], entry_id: int, idempotency_key: str) -> T:
    """The record (pledge, receipt) made with the entry an idempotency key posted."""
    earlier = session.scalar(select(model).filter_by(entry_id=entry_id))
    if earlier is None:
        raise IdempotencyConflict(
            N_("idempotency key '%(key)s' was used for another kind of entry"), key=idempotency_key
        )
    return earlier


@dataclass(frozen=True, slots=True)
class Owed:
    """What is still owed on a pledge: in its currency and as carried in USD."""

    original: Decimal
    usd: Decimal

    def usd_for(self, part: Decimal, rate: Decimal) -> Decimal:
        """USD carried for ``part`` of it (see :func:`fundledger.money.settled_usd`)."""
        return settled_usd(self.original, part, rate)


def owed(session: Session, pledge: Pledge) -> Owed:
    """The pledge less its reductions and the receipts applied to it; nothing when the
    pledge was reversed (a reversed receipt's applications no longer count)."""
    if session.scalar(select(Pledge.id).filter_by(id=pledge.id).where(
            not_reversed(Pledge.entry_id))) is None:  # fmt: skip
        return Owed(original=Decimal(0), usd=Decimal(0))
    reduced = session.execute(
        select(
            func.coalesce(func.sum(PledgeReduction.amount), Decimal(0)),
            func.coalesce(func.sum(PledgeReduction.usd_amount), Decimal(0)),
        ).where(PledgeReduction.pledge_id == pledge.id)
    ).one()
    paid = session.execute(
        select(
            func.coalesce(func.sum(ReceiptApplication.amount), Decimal(0)),
            func.coalesce(func.sum(ReceiptApplication.pledge_usd), Decimal(0)),
        ).where(
            ReceiptApplication.pledge_id == pledge.id,
            not_reversed(ReceiptApplication.entry_id),
        )
    ).one()
    return Owed(
        original=pledge.amount - reduced[0] - paid[0],
        usd=pledge.usd_amount - reduced[1] - paid[1],
    )
