"""Reading the audit log: filtered and sorted, for its page and its export."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TypeVar

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session

from fundledger.audit.models import AuditEvent
from fundledger.listing import PER_PAGE, Columns, ListArgs, Page, Sorts, ordered, page_of

T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class AuditFilter:
    """What the auditor narrows the log to; empty fields match everything."""

    actor: str = ""
    action: str = ""
    object_type: str = ""
    object_id: str = ""
    since: dt.date | None = None
    until: dt.date | None = None

    def apply(self, query: Select[T]) -> Select[T]:
        if self.actor:
            query = query.where(AuditEvent.actor.contains(self.actor, autoescape=True))
        if self.action:
            query = query.where(AuditEvent.action.startswith(self.action, autoescape=True))
        if self.object_type:
            query = query.where(AuditEvent.object_type == self.object_type)
        if self.object_id:
            query = query.where(AuditEvent.object_id == self.object_id)
        if self.since:
            query = query.where(
                AuditEvent.occurred_at >= dt.datetime.combine(self.since, dt.time(), dt.UTC)
            )
        if self.until and self.until < dt.date.max:  # the last day: no end to apply
            end = dt.datetime.combine(self.until + dt.timedelta(days=1), dt.time(), dt.UTC)
            query = query.where(AuditEvent.occurred_at < end)
        return query


#: How the log may be sorted: newest first unless asked; each key ends on the id, which
#: is also the order in which the events happened.
AUDIT_SORTS: Sorts[Columns] = Sorts(
    {
        "when": (AuditEvent.id,),
        "actor": (AuditEvent.actor, AuditEvent.id),
        "action": (AuditEvent.action, AuditEvent.id),
        "object": (AuditEvent.object_type, AuditEvent.object_id, AuditEvent.id),
        "address": (func.coalesce(AuditEvent.address, ""), AuditEvent.id),
    },
    default="when",
    descending=True,
)


def events_query(where: AuditFilter) -> Select[AuditEvent]:
    """The events ``where`` lets through, in no order yet (see :data:`AUDIT_SORTS`)."""
    return where.apply(select(AuditEvent))


def event_page(
    session: Session, where: AuditFilter, page: int = 1, per_page: int = PER_PAGE
) -> Page[AuditEvent]:
    """One page of the events ``where`` lets through, newest first."""
    args = ListArgs(AUDIT_SORTS.default, descending=True, page=page, per_page=per_page)
    return page_of(session, ordered(events_query(where), AUDIT_SORTS, args), args)


def object_types(session: Session) -> list[str]:
    return list(
        session.scalars(select(AuditEvent.object_type).distinct().order_by(AuditEvent.object_type))
    )
