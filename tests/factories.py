"""Factories and snapshots shared by the tests."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from fundledger.actors import Actor
from fundledger.donors.models import Donor
from fundledger.ledger.models import EntryKind, JournalEntry, Posting
from fundledger.ledger.operations import Line, post_entry
from fundledger.ledger.queries import account_balances


def post(
    session: Session,
    *lines: Line,
    on: str = "2025-03-01",
    key: str | None = None,
    memo: str = "",
    kind: EntryKind = EntryKind.MANUAL,
) -> JournalEntry:
    return post_entry(
        session,
        entry_date=dt.date.fromisoformat(on),
        lines=list(lines),
        created_by="test",
        idempotency_key=key,
        memo=memo,
        kind=kind,
    )


def create_donor(session: Session, code: str = "MEX", **fields: str) -> Donor:
    donor = Donor(
        code=code,
        name=fields.get("name", code),
        type=fields.get("type", "member_state"),
        language=fields.get("language", "en"),
        active=True,
    )
    session.add(donor)
    session.flush()
    return donor


@dataclass(frozen=True)
class LedgerState:
    """What a user could observe of the ledger; equal snapshots mean nothing was written."""

    entries: int
    postings: int
    balances: dict[int, Decimal]


def ledger_state(session: Session) -> LedgerState:
    return LedgerState(
        entries=session.scalar(select(func.count()).select_from(JournalEntry)) or 0,
        postings=session.scalar(select(func.count()).select_from(Posting)) or 0,
        balances=account_balances(session),
    )


TEST_ACTOR = Actor(name="secretariat@example.org", request_id="test")


def entry_lines(entry: JournalEntry) -> list[tuple[str, str]]:
    """An entry's lines as (account, signed USD) pairs, in order: easy to compare."""
    return [(posting.account.code, f"{posting.amount:f}") for posting in entry.postings]
