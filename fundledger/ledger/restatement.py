"""Restating the restriction of entries posted before "restriction follows the money".

Until issue 14, a receipt booked its bank charges and exchange difference in the
unrestricted class while the earmark's bank and receivable lines absorbed them, so the
restricted class no longer equalled what the earmarks hold (DESIGN §3). The ledger is
append-only: instead of editing those entries, :func:`restate_restrictions` posts, for
each such entry, one reclassification entry on the same business date, so that from
that day on each class equals its pools, every later day included.

Per donor and earmark the entry left apart (its asset and liability lines carrying the
earmark plus its restricted-class lines do not sum to zero), the reclassification moves
the difference between the classes:

- the earmark holds less than its class says (bank charges, an exchange loss): a
  release, Dr 4290 / Cr 4190, as for any expense paid from earmarked money;
- the earmark holds more (an exchange gain): the gain moves to the earmark's class,
  Dr 4400 / Cr 4240.

Each carries the idempotency key ``restate-restriction:N`` (N the restated entry's
number), so running it again restates nothing twice. An entry in a closed fiscal year
cannot be restated until an admin reopens the year; the whole run is then refused.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from fundledger.actors import Actor
from fundledger.errors import Message
from fundledger.i18n import N_
from fundledger.ledger.chart import (
    FX_GAINS,
    FX_GAINS_RESTRICTED,
    RELEASES_RESTRICTED,
    RELEASES_UNRESTRICTED,
    is_restricted,
)
from fundledger.ledger.errors import ClosedPeriod
from fundledger.ledger.models import Account, AccountType, EntryKind, JournalEntry, Posting
from fundledger.ledger.operations import Line, lock_ledger, post_entry

KEY_PREFIX = "restate-restriction:"


def restatement_lines(difference: Decimal, donor_id: int | None, earmark: str) -> list[Line]:
    """The two lines that move ``difference`` (the earmark's pool lines plus its class
    lines, debit positive) between the classes so that they sum to zero."""
    if difference < 0:  # the earmark holds less than its class: release the shortfall
        return [
            Line(RELEASES_RESTRICTED, -difference, donor_id=donor_id, earmark=earmark),
            Line(RELEASES_UNRESTRICTED, difference, donor_id=donor_id),
        ]
    return [
        Line(FX_GAINS, difference),
        Line(FX_GAINS_RESTRICTED, -difference, donor_id=donor_id, earmark=earmark),
    ]


def restate_restrictions(session: Session, actor: Actor) -> list[JournalEntry]:
    """Post the reclassifications the entries apart still need, oldest first; return them."""
    lock_ledger(session)
    pool_or_class = [
        account_id
        for account_id, code, kind in session.execute(
            select(Account.id, Account.code, Account.type)
        )
        if kind in (AccountType.ASSET, AccountType.LIABILITY) or is_restricted(code)
    ]
    total = func.sum(Posting.amount)
    apart = session.execute(
        select(JournalEntry.number, JournalEntry.entry_date, Posting.donor_id, Posting.earmark,
               total)
        .join(JournalEntry, JournalEntry.id == Posting.entry_id)
        .where(Posting.earmark.is_not(None), Posting.account_id.in_(pool_or_class),
               JournalEntry.kind != EntryKind.RECLASSIFICATION)
        .group_by(JournalEntry.number, JournalEntry.entry_date, Posting.donor_id,
                  Posting.earmark)
        .having(total != 0)
        .order_by(JournalEntry.number, Posting.donor_id, Posting.earmark)
    ).all()  # fmt: skip
    done = set(
        session.scalars(
            select(JournalEntry.idempotency_key).where(
                JournalEntry.idempotency_key.like(f"{KEY_PREFIX}%")
            )
        )
    )
    lines_by_entry: dict[int, tuple[dt.date, list[Line]]] = {}
    for number, day, donor_id, earmark, difference in apart:
        if earmark is None or f"{KEY_PREFIX}{number}" in done:  # None: the query excludes it
            continue
        _day, lines = lines_by_entry.setdefault(number, (day, []))
        lines += restatement_lines(difference, donor_id, earmark)
    posted = []
    for number, (day, lines) in lines_by_entry.items():
        try:
            posted.append(
                post_entry(
                    session, entry_date=day, kind=EntryKind.RECLASSIFICATION, lines=lines,
                    memo=Message(N_("Restriction follows the money: restates entry #%(number)s"),
                                 {"number": number}),
                    idempotency_key=f"{KEY_PREFIX}{number}", created_by=actor.name,
                    request_id=actor.request_id,
                )
            )  # fmt: skip
        except ClosedPeriod as closed:
            raise ClosedPeriod(
                N_("entry #%(entry)s (%(date)s) needs restating but its fiscal year is closed: "
                   "an admin reopens it first (%(problem)s)"),
                entry=number, date=day, problem=closed.as_message(),
            ) from None  # fmt: skip
    return posted
