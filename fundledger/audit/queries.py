"""Reading the audit log: filtered, newest first, paginated or whole for export."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import TypeVar

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session

from fundledger.audit.models import AuditEvent

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


@dataclass(frozen=True, slots=True)
class EventPage:
    events: Sequence[AuditEvent]
    page: int
    per_page: int
    total: int

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.per_page))


def event_page(session: Session, where: AuditFilter, page: int, per_page: int = 50) -> EventPage:
    newest_first = where.apply(select(AuditEvent)).order_by(AuditEvent.id.desc())
    total = session.scalar(select(func.count()).select_from(newest_first.subquery())) or 0
    page = min(max(1, page), max(1, -(-total // per_page)))
    events = session.scalars(newest_first.limit(per_page).offset((page - 1) * per_page)).all()
    return EventPage(events, page, per_page, total)


def all_events(session: Session, where: AuditFilter) -> Iterator[AuditEvent]:
    """Every matching event, oldest first, streamed (for export)."""
    query = where.apply(select(AuditEvent)).order_by(AuditEvent.id)
    yield from session.scalars(query.execution_options(yield_per=1000))


def object_types(session: Session) -> list[str]:
    return list(
        session.scalars(select(AuditEvent.object_type).distinct().order_by(AuditEvent.object_type))
    )
