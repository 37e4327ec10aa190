"""Slowing down password guessing without letting anyone lock a real user out.

Failures are counted per (account, client address) and per client address. Past a
few free failures, each new one makes that key wait twice as long as the last before
the next attempt is even checked. Nothing is counted per account alone, so the owner
signing in from another address is never held up by an attacker's failures.

Concurrent attempts must not all read "not blocked" before any of them is counted: the
check locks both counters (creating them at zero) until the attempt's transaction ends,
so for one key the check, the password or code and the count happen one attempt at a
time, on PostgreSQL as on SQLite (whose writers are serialised anyway).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from fundledger.auth.errors import Throttled
from fundledger.auth.models import LoginThrottle, ThrottleScope
from fundledger.auth.timing import as_utc


@dataclass(frozen=True, slots=True)
class ThrottlePolicy:
    #: Failures for one account from one address before any wait.
    pair_free_failures: int = 5
    #: Failures for all accounts from one address before any wait.
    address_free_failures: int = 20
    #: The first wait, in seconds; each further failure doubles it.
    base_delay: float = 1.0
    max_delay: float = 900.0
    #: A counter starts again after this many seconds without a failure.
    forget_after: float = 86400.0

    @classmethod
    def from_config(cls, config: Mapping[str, Any]) -> ThrottlePolicy:
        default = cls()
        return cls(
            pair_free_failures=int(
                config.get("LOGIN_PAIR_FREE_FAILURES", default.pair_free_failures)
            ),
            address_free_failures=int(
                config.get("LOGIN_ADDRESS_FREE_FAILURES", default.address_free_failures)
            ),
            base_delay=float(config.get("LOGIN_BASE_DELAY", default.base_delay)),
            max_delay=float(config.get("LOGIN_MAX_DELAY", default.max_delay)),
            forget_after=float(config.get("LOGIN_FORGET_AFTER", default.forget_after)),
        )

    def wait_after(self, failures: int, free: int) -> dt.timedelta | None:
        """How long to wait after the ``failures``-th failure (none while still free)."""
        if failures < free:
            return None
        doublings = min(failures - free, 64)
        return dt.timedelta(seconds=min(self.base_delay * 2**doublings, self.max_delay))


def _keys(email: str, address: str | None, policy: ThrottlePolicy) -> list[tuple[str, str, int]]:
    where = address or "unknown"
    pair = hashlib.sha256(f"{email.strip().lower()}\n{where}".encode()).hexdigest()
    alone = hashlib.sha256(where.encode()).hexdigest()
    return [
        (ThrottleScope.PAIR, pair, policy.pair_free_failures),
        (ThrottleScope.ADDRESS, alone, policy.address_free_failures),
    ]


def check(
    session: Session, email: str, address: str | None, *, now: dt.datetime, policy: ThrottlePolicy
) -> None:
    """Raise :class:`Throttled` if either key must still wait; checks no password.
    Both counters stay locked until the caller's transaction ends (see the module)."""
    waits = []
    for scope, key, _free in _keys(email, address, policy):
        row = _locked_row(session, scope, key, now)
        if row.blocked_until is not None:
            remaining = (as_utc(row.blocked_until) - now).total_seconds()
            if remaining > 0:
                waits.append(remaining)
    if waits:
        raise Throttled(math.ceil(max(waits)))


def record_failure(
    session: Session, email: str, address: str | None, *, now: dt.datetime, policy: ThrottlePolicy
) -> None:
    """Count one failure against both keys and set how long each must now wait.
    Counters idle for longer than ``forget_after`` are dropped on the way, but not those
    another attempt holds: that would make two transactions wait for each other."""
    cutoff = now - dt.timedelta(seconds=policy.forget_after)
    idle = (
        select(LoginThrottle.id)
        .where(LoginThrottle.last_failure_at < cutoff)
        .with_for_update(skip_locked=True)
    )
    session.execute(delete(LoginThrottle).where(LoginThrottle.id.in_(idle)))
    for scope, key, free in _keys(email, address, policy):
        row = _locked_row(session, scope, key, now)
        row.failures += 1
        row.last_failure_at = now
        wait = policy.wait_after(row.failures, free)
        row.blocked_until = None if wait is None else now + wait
    session.flush()


def forget_pair(session: Session, email: str, address: str | None, policy: ThrottlePolicy) -> None:
    """A successful sign-in clears its (account, address) counter; the address keeps its own."""
    scope, key, _free = _keys(email, address, policy)[0]
    session.execute(
        delete(LoginThrottle).where(LoginThrottle.scope == scope, LoginThrottle.key == key)
    )


def _locked_row(session: Session, scope: str, key: str, now: dt.datetime) -> LoginThrottle:
    """The counter row, locked against a concurrent attempt, as stored now (not as this
    session first saw it); created at zero if new."""
    query = (
        select(LoginThrottle)
        .where(LoginThrottle.scope == scope, LoginThrottle.key == key)
        .with_for_update()
        .execution_options(populate_existing=True)
    )
    row = session.scalar(query)
    if row is not None:
        return row
    try:
        with session.begin_nested():
            session.add(LoginThrottle(scope=scope, key=key, failures=0, last_failure_at=now))
    except IntegrityError:  # another request created it first
        pass
    return session.scalars(query).one()
