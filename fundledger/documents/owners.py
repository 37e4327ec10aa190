"""The records a document can belong to, read through their tables by name so that this
area imports no other area's models: whether one exists, and which donor it is of (the
one donor login that may see its documents)."""

from __future__ import annotations

from sqlalchemy import Table, select
from sqlalchemy.orm import Session

from fundledger.db import Base
from fundledger.documents.models import OwnerKind

#: The table each kind of owner lives in.
OWNER_TABLES = {
    OwnerKind.DONOR: "donors",
    OwnerKind.PLEDGE: "pledges",
    OwnerKind.ALLOCATION: "allocations",
    OwnerKind.MEETING: "meetings",
    OwnerKind.PROGRESS_REPORT: "progress_reports",
}


def _table(kind: OwnerKind) -> Table:
    return Base.metadata.tables[OWNER_TABLES[kind]]


def owner_exists(session: Session, kind: OwnerKind, owner_id: int) -> bool:
    table = _table(kind)
    return session.scalar(select(table.c.id).where(table.c.id == owner_id)) is not None


def owner_donor(session: Session, kind: OwnerKind, owner_id: int) -> int | None:
    """The donor whose record it is: a donor's own, a pledge's donor; none for an
    allocation or a meeting (no donor login sees those pages, DESIGN §2)."""
    if kind is OwnerKind.DONOR:
        return owner_id
    if kind is OwnerKind.PLEDGE:
        pledges = _table(kind)
        found: int | None = session.scalar(
            select(pledges.c.donor_id).where(pledges.c.id == owner_id)
        )
        return found
    return None
