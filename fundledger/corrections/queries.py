"""Readers of reversal requests."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.orm import Session

from fundledger.corrections.models import RequestState, ReversalRequest


def pending_requests(session: Session) -> Sequence[ReversalRequest]:
    """Requests waiting for a second approver, oldest first."""
    return session.scalars(
        select(ReversalRequest).filter_by(state=RequestState.PENDING).order_by(ReversalRequest.id)
    ).all()


def pending_for(session: Session, entry_id: int) -> ReversalRequest | None:
    """The request waiting to reverse the entry, if there is one."""
    return session.scalars(
        select(ReversalRequest).filter_by(entry_id=entry_id, state=RequestState.PENDING)
    ).first()


def decided_requests(session: Session, limit: int = 50) -> Sequence[ReversalRequest]:
    """The latest decided requests, newest first."""
    return session.scalars(
        select(ReversalRequest)
        .where(ReversalRequest.state != RequestState.PENDING)
        .order_by(ReversalRequest.id.desc())
        .limit(limit)
    ).all()
