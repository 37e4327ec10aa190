"""Bank interest credited to the Fund's account (issue 16): bank up, interest income up.

Interest is unrestricted income unless the fund's setting ``interest_distribution`` is
``pro_rata``: then it is shared among the unrestricted money and each earmark by the
money each pool held (bank less what is owed back, as availability counts it) at the
end of the interest's value date, and an earmark's share stays in its restricted class
(4230), as an earmark's exchange gains do (DESIGN.md §3, classes follow the money).
Shares are rounded to the cent by the largest remainder, so they add up to the amount.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from decimal import ROUND_DOWN, Decimal

from sqlalchemy.orm import Session

from fundledger.actors import Actor
from fundledger.allocations.checks import text_field, usd_amount
from fundledger.allocations.pools import ZERO
from fundledger.allocations.settings import distributes_interest
from fundledger.audit.operations import record
from fundledger.errors import Message
from fundledger.i18n import N_
from fundledger.ledger.balances import UNRESTRICTED_POOL, PoolKey, pool_balances
from fundledger.ledger.chart import BANK, CASH_ACCOUNTS, INTEREST, INTEREST_RESTRICTED
from fundledger.ledger.dates import check_not_after_today
from fundledger.ledger.models import EntryKind, JournalEntry
from fundledger.ledger.operations import Line, lock_ledger, post_entry, replayed_entry

CENT = Decimal("0.01")


def record_interest(
    session: Session,
    actor: Actor,
    *,
    on: dt.date,
    amount: Decimal,
    reference: str | None = None,
    idempotency_key: str | None = None,
) -> JournalEntry:
    """Post the interest the bank credited on ``on``. Replaying the same
    ``idempotency_key`` returns the entry posted the first time."""
    if earlier := replayed_entry(session, idempotency_key):
        return earlier
    amount = usd_amount(amount, "interest")
    reference = text_field(reference, "the bank reference", required=False)
    check_not_after_today(on)
    lock_ledger(session)  # the shares read the pools as they stand
    shares = pro_rata_shares(session, amount, on) if distributes_interest(session) else {
        UNRESTRICTED_POOL: amount}  # fmt: skip
    lines: list[Line] = []
    for (donor_id, earmark), share in shares.items():
        income = INTEREST if earmark is None else INTEREST_RESTRICTED
        lines += [Line(BANK, share, donor_id=donor_id, earmark=earmark),
                  Line(income, -share, donor_id=donor_id, earmark=earmark)]  # fmt: skip
    entry = post_entry(
        session, entry_date=on, kind=EntryKind.INTEREST, lines=lines,
        memo=Message(N_("Bank interest, shared pro rata") if len(shares) > 1
                     else N_("Bank interest"), {}),
        source_ref=reference, idempotency_key=idempotency_key, created_by=actor.name,
        request_id=actor.request_id,
    )  # fmt: skip
    record(session, actor, "interest.recorded", "entry", entry.number,
           after={"amount": amount, "on": on.isoformat(), "shares": len(shares)})  # fmt: skip
    return entry


def pro_rata_shares(session: Session, amount: Decimal, on: dt.date) -> dict[PoolKey, Decimal]:
    """``amount`` shared among the pools holding money at the end of ``on``: the
    unrestricted money (whoever gave it) and each donor's earmark; all of it unrestricted
    when no pool holds any. Shares of zero are left out."""
    held: dict[PoolKey, Decimal] = defaultdict(lambda: ZERO)
    for (donor_id, earmark), money in pool_balances(session, CASH_ACCOUNTS, as_of=on).items():
        # Earmarked money with no donor names no restricted class to credit.
        held[UNRESTRICTED_POOL if earmark is None or donor_id is None
             else (donor_id, earmark)] += money  # fmt: skip
    pools = {key: money for key, money in held.items() if money > 0}
    total = sum(pools.values(), ZERO)
    if not total:
        return {UNRESTRICTED_POOL: amount}
    exact = {key: amount * money / total for key, money in pools.items()}
    shares = {key: value.quantize(CENT, rounding=ROUND_DOWN) for key, value in exact.items()}
    left = int((amount - sum(shares.values(), ZERO)) / CENT)
    by_remainder = sorted(exact, key=lambda key: (shares[key] - exact[key], _order(key)))
    for key in by_remainder[:left]:
        shares[key] += CENT
    return {key: share for key, share in sorted(shares.items(), key=lambda item: _order(item[0]))
            if share}  # fmt: skip


def _order(key: PoolKey) -> tuple[int, int, str]:
    """Unrestricted first, then by donor and earmark: the same lines for the same books."""
    donor_id, earmark = key
    return (0 if key == UNRESTRICTED_POOL else 1, donor_id or 0, earmark or "")
