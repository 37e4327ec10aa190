"""Reversing an entry, from the browser or the command line, with four eyes above the
threshold.

:func:`reverse` is the one way in: it checks what is asked, then posts the reversal
(``ledger.operations.reverse_entry``: the mirror image, through the overdraft rule) or,
when the entry's total reaches the threshold the administrator set, records a request a
second Secretariat user approves (:func:`approve`) or refuses (:func:`refuse`). Each
step is audited. Nothing is written when a check fails.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from fundledger.actors import Actor
from fundledger.allocations.models import FundSetting
from fundledger.audit.operations import record
from fundledger.clock import today
from fundledger.corrections.models import RequestState, ReversalRequest
from fundledger.donors.models import (
    ExchangeRate,
    Pledge,
    PledgeReduction,
    Receipt,
    ReceiptApplication,
)
from fundledger.errors import FundledgerError, Message, NotAllowed, Term
from fundledger.i18n import N_, listed
from fundledger.ledger.models import EntryKind, JournalEntry, debit_part
from fundledger.ledger.operations import MAX_TEXT, reverse_entry
from fundledger.ledger.queries import not_reversed, reversal_of

#: The fund setting holding the threshold (USD); absent or blank: no approval needed.
THRESHOLD_KEY = "reversal_approval_threshold"

#: What may be reversed (browser and command line): the entries whose record is the entry itself
#: or a receipt or pledge row that readers skip once its entry is reversed.
REVERSIBLE = frozenset({EntryKind.MANUAL, EntryKind.RECEIPT, EntryKind.PLEDGE})


class CorrectionRefused(FundledgerError):
    """A reversal that cannot be asked for, approved or refused as given."""


@dataclass(frozen=True, slots=True)
class Outcome:
    """What :func:`reverse` did: posted ``reversal``, or recorded ``request``."""

    reversal: JournalEntry | None = None
    request: ReversalRequest | None = None


def threshold(session: Session) -> Decimal | None:
    """The entry total (USD) above which a reversal needs a second approver; None: never
    (zero: always)."""
    stored = session.get(FundSetting, THRESHOLD_KEY)
    return None if stored is None or not stored.value else Decimal(stored.value)


def set_threshold(session: Session, actor: Actor, value: Decimal | None) -> None:
    """Set (or, with None, remove) the threshold; audited like every fund setting."""
    if value is not None and (not value.is_finite() or value < 0):
        raise CorrectionRefused(N_("the threshold is an amount of zero or more"))
    text = "" if value is None else f"{value.quantize(Decimal('0.01')):f}"
    setting = session.get(FundSetting, THRESHOLD_KEY) or FundSetting(key=THRESHOLD_KEY)
    before = setting.value or ""
    setting.value = text
    session.add(setting)
    record(session, actor, "setting.changed", "setting", THRESHOLD_KEY,
           before={THRESHOLD_KEY: before}, after={THRESHOLD_KEY: text})  # fmt: skip


def entry_total(entry: JournalEntry) -> Decimal:
    """The entry's size: the sum of its debits, in USD."""
    return sum((debit_part(posting.amount) for posting in entry.postings), Decimal("0.00"))


def reverse(
    session: Session, actor: Actor, entry: JournalEntry, *, reason: str,
    on: dt.date | None = None,
) -> Outcome:  # fmt: skip
    """Reverse ``entry`` (dated ``on``, default today) or ask a second approver to."""
    reason = _checked_reason(reason)
    check_reversible(session, entry)
    limit = threshold(session)
    if limit is None or entry_total(entry) <= limit:
        reversal = _post(session, actor, entry, reason, on)
        return Outcome(reversal=reversal)
    request = ReversalRequest(
        entry_id=entry.id, reason=reason, reversal_date=on, requested_by=actor.name,
        requested_at=dt.datetime.now(dt.UTC), state=RequestState.PENDING,
    )  # fmt: skip
    session.add(request)
    session.flush()
    record(session, actor, "reversal.requested", "entry", entry.number,
           after={"request": request.id, "reason": reason, "date": on,
                  "total": entry_total(entry), "threshold": limit})  # fmt: skip
    return Outcome(request=request)


def approve(
    session: Session, actor: Actor, request: ReversalRequest, *, note: str = ""
) -> JournalEntry:
    """Post the reversal a request asked for; not by the one who asked. The approver's
    note, if any, is kept with the decision, as a refusal's is."""
    _check_decidable(session, request, actor)
    check_reversible(session, request.entry, pending=request)
    reversal = _post(session, actor, request.entry, request.reason, request.reversal_date)
    kept = (note or "").strip()[:MAX_TEXT] or None
    _decide(session, actor, request, RequestState.APPROVED, kept, reversal)
    return reversal


def refuse(session: Session, actor: Actor, request: ReversalRequest, *, note: str) -> None:
    """Close a request without reversing; not by the one who asked."""
    _check_decidable(session, request, actor)
    note = (note or "").strip()
    if not note:
        raise CorrectionRefused(N_("say why the reversal is refused"))
    _decide(session, actor, request, RequestState.REFUSED, note[:MAX_TEXT], None)


def check_reversible(
    session: Session, entry: JournalEntry, *, pending: ReversalRequest | None = None
) -> None:
    """Refuses an entry that is not reversed this way, or not any more."""
    if entry.reverses_id is not None:
        raise CorrectionRefused(
            N_("entry #%(entry)s is itself a reversal; it cannot be reversed"), entry=entry.number
        )
    already = reversal_of(session, entry)
    if already is not None:
        raise CorrectionRefused(
            N_("entry #%(entry)s was already reversed by #%(reversal)s"),
            entry=entry.number, reversal=already,
        )
    waiting = session.scalar(
        select(ReversalRequest.id).filter_by(entry_id=entry.id, state=RequestState.PENDING)
    )
    if waiting is not None and (pending is None or waiting != pending.id):
        raise CorrectionRefused(
            N_("the reversal of entry #%(entry)s already waits for approval (request %(request)s)"),
            entry=entry.number, request=waiting,
        )
    if entry.kind not in REVERSIBLE:
        raise CorrectionRefused(
            N_("entry #%(entry)s records a %(kind)s; only a manual entry, a receipt or a pledge "
               "is reversed here"),
            entry=entry.number, kind=Term(entry.kind),
        )  # fmt: skip
    check_records(session, entry)


def check_records(session: Session, entry: JournalEntry) -> None:
    """Refuses the reversal of a receipt's or pledge's entry that later records rest on:
    once reversed, the donors' readers leave the receipt or pledge out, and what rested
    on it would be left over."""
    if entry.kind == EntryKind.RECEIPT:
        _check_receipt(session, entry)
    elif entry.kind == EntryKind.PLEDGE:
        _check_pledge(session, entry)


def withdraw_rate(session: Session, actor: Actor, rate: ExchangeRate, *, reason: str) -> None:
    """Withdraw a rate set wrongly, so that no later transaction takes it: the rate of a
    day is not an entry (``set_rate`` corrects it in place), so its reversal is its
    removal, audited with what it was. Refused once a pledge or receipt of that currency
    and day carries it, or a revaluation as of that day was posted at it: those keep
    their own rate, and their correction is their own reversal."""
    reason = _checked_reason(reason)
    used_by = [
        Message(N_("pledge #%(id)s"), {"id": found}) for found in session.scalars(
            select(Pledge.id).filter_by(currency=rate.currency, pledge_date=rate.rate_date,
                                        rate=rate.rate).where(not_reversed(Pledge.entry_id)))
    ] + [
        Message(N_("receipt #%(id)s"), {"id": found}) for found in session.scalars(
            select(Receipt.id).filter_by(currency=rate.currency, value_date=rate.rate_date,
                                         rate=rate.rate).where(not_reversed(Receipt.entry_id)))
    ]  # fmt: skip
    revalued = session.scalar(
        select(JournalEntry.number)
        .filter_by(kind=EntryKind.FX, entry_date=rate.rate_date, reverses_id=None)
        .limit(1)
    )
    if revalued is not None:
        used_by.append(Message(N_("the revaluation entry #%(entry)s"), {"entry": revalued}))
    if used_by:
        more = [Message(N_("and others"), {})] if len(used_by) > 3 else []
        raise CorrectionRefused(
            N_("the %(currency)s rate of %(date)s is carried by %(carriers)s; reverse those first"),
            currency=rate.currency, date=rate.rate_date, carriers=listed(used_by[:3] + more),
        )  # fmt: skip
    key = f"{rate.currency}:{rate.rate_date.isoformat()}"
    before = {"rate": rate.rate, "entered_by": rate.entered_by}
    session.delete(rate)
    record(session, actor, "rate.withdrawn", "rate", key, before=before,
           after={"reason": reason})  # fmt: skip


def _check_receipt(session: Session, entry: JournalEntry) -> None:
    receipt = session.scalars(select(Receipt).filter_by(entry_id=entry.id)).one_or_none()
    if receipt is None:
        return
    later = session.scalar(
        select(ReceiptApplication.pledge_id)
        .filter_by(receipt_id=receipt.id)
        .where(
            ReceiptApplication.entry_id != entry.id,
            not_reversed(ReceiptApplication.entry_id),
        )
        .limit(1)
    )
    if later is not None:
        raise CorrectionRefused(
            N_("receipt #%(receipt)s's credit was later applied to pledge #%(pledge)s; it cannot "
               "be reversed"),
            receipt=receipt.id, pledge=later,
        )  # fmt: skip


def _check_pledge(session: Session, entry: JournalEntry) -> None:
    pledge = session.scalars(select(Pledge).filter_by(entry_id=entry.id)).one_or_none()
    if pledge is None:
        return
    applied = (
        select(ReceiptApplication.id)
        .filter_by(pledge_id=pledge.id)
        .where(not_reversed(ReceiptApplication.entry_id))
    )
    if session.scalar(applied.limit(1)):
        raise CorrectionRefused(
            N_("pledge #%(pledge)s has receipts applied to it; reverse those receipts first"),
            pledge=pledge.id,
        )
    if session.scalar(select(PledgeReduction.id).filter_by(pledge_id=pledge.id).limit(1)):
        raise CorrectionRefused(
            N_("pledge #%(pledge)s was reduced or cancelled; it cannot be reversed"),
            pledge=pledge.id,
        )


def _post(
    session: Session, actor: Actor, entry: JournalEntry, reason: str, on: dt.date | None
) -> JournalEntry:
    reversal = reverse_entry(
        session, entry, reason=reason, created_by=actor.name, entry_date=on or today(),
        request_id=actor.request_id,
    )  # fmt: skip
    record(session, actor, "entry.reversed", "entry", entry.number,
           after={"reversal": reversal.number, "reason": reason,
                  "date": reversal.entry_date})  # fmt: skip
    return reversal


def _check_decidable(session: Session, request: ReversalRequest, actor: Actor) -> None:
    """Refuses a request decided already (read again under a row lock, so that two
    approvers at once decide it once) or decided by the one who asked."""
    session.execute(select(ReversalRequest.id).filter_by(id=request.id).with_for_update())
    session.refresh(request)
    if request.state != RequestState.PENDING:
        raise CorrectionRefused(
            N_("request %(request)s was already %(state)s"),
            request=request.id, state=Term(request.state),
        )
    if request.requested_by == actor.name:
        raise NotAllowed(
            N_("request %(request)s is yours; another Secretariat user approves or refuses it"),
            request=request.id,
        )


def _decide(
    session: Session, actor: Actor, request: ReversalRequest, state: RequestState,
    note: str | None, reversal: JournalEntry | None,
) -> None:  # fmt: skip
    request.state = state
    request.decided_by = actor.name
    request.decided_at = dt.datetime.now(dt.UTC)
    request.decision_note = note
    request.reversal_id = None if reversal is None else reversal.id
    session.flush()
    after: dict[str, object] = {"request": request.id, "state": str(state)}
    if note is not None:
        after["note"] = note
    if reversal is not None:
        after["reversal"] = reversal.number
    record(session, actor, f"reversal.{state}", "entry", request.entry.number,
           before={"request": request.id, "state": "pending"}, after=after)  # fmt: skip


def _checked_reason(text: str) -> str:
    text = (text or "").strip()
    if not text:
        raise CorrectionRefused(N_("a reversal needs a reason"))
    if len(text) > MAX_TEXT:
        raise CorrectionRefused(
            N_("the reason is longer than %(count)s characters"), count=MAX_TEXT
        )
    return text
