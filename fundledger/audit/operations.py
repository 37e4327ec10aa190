"""Recording audit events; every operation that changes state calls :func:`record`."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Mapping
from decimal import Decimal
from typing import Any, cast

from sqlalchemy import Table, insert
from sqlalchemy.orm import Session

from fundledger.actors import Actor
from fundledger.audit.models import AuditEvent

#: Into the table itself: every change records an event, and a unit-of-work flush of
#: one object costs several times this insert (nothing reads the object back).
_INSERT_EVENT = insert(cast(Table, AuditEvent.__table__))


def _json_default(value: object) -> str:
    if isinstance(value, Decimal | dt.date | dt.datetime):
        return str(value)
    raise TypeError(f"cannot record {type(value).__name__} in the audit log")


def _dump(fields: Mapping[str, Any] | None) -> str | None:
    if fields is None:
        return None
    return json.dumps(fields, sort_keys=True, default=_json_default, ensure_ascii=False)


def record(
    session: Session,
    actor: Actor,
    action: str,
    object_type: str,
    object_id: object,
    *,
    before: Mapping[str, Any] | None = None,
    after: Mapping[str, Any] | None = None,
) -> None:
    """Add one audit event to the caller's transaction (it commits with the change)."""
    session.flush()  # the change is written before the event that records it
    session.execute(
        _INSERT_EVENT,
        {
            "occurred_at": dt.datetime.now(dt.UTC),
            "actor": actor.name,
            "action": action,
            "object_type": object_type,
            "object_id": str(object_id),
            "before": _dump(before),
            "after": _dump(after),
            "address": actor.address,
            "request_id": actor.request_id,
        },
    )


def record_period_change(
    session: Session,
    actor: Actor,
    action: str,
    year: int,
    before: Mapping[str, Any] | None,
    after: Mapping[str, Any],
) -> None:
    """The audit event of a fiscal year's close or reopening (see ledger.periods)."""
    record(session, actor, action, "fiscal_year", year, before=before, after=after)
