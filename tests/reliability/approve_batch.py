"""Approve submitted allocations one after another, each in its own transaction, the way
a CAJP secretary working through the queue would.

    python approve_batch.py DATABASE_URL ALLOCATION_ID...

Prints ``approving N`` before each transaction and ``approved N`` (or ``refused N: why``)
after it commits, so that a test can kill this process in the middle of the batch and
know how far it got.
"""

from __future__ import annotations

import datetime as dt
import sys

from fundledger.actors import Actor
from fundledger.allocations.models import Allocation
from fundledger.allocations.operations import decide_allocation
from fundledger.db import Database
from fundledger.errors import FundledgerError

APPROVER = "cajp@oas.org"


def main(url: str, allocation_ids: list[int]) -> None:
    database = Database(url)
    try:
        for allocation_id in allocation_ids:
            print(f"approving {allocation_id}", flush=True)
            try:
                with database.transaction() as session:
                    allocation = session.get(Allocation, allocation_id)
                    if allocation is None:
                        raise FundledgerError(f"there is no allocation {allocation_id}")
                    decide_allocation(
                        session,
                        Actor(APPROVER, request_id=f"batch-{allocation_id}"),
                        allocation,
                        decision="approve",
                        on=dt.date(2025, 3, 18),
                        reference=f"CP/CAJP-{allocation_id}/25",
                    )
            except FundledgerError as refusal:
                print(f"refused {allocation_id}: {refusal}", flush=True)
            else:
                print(f"approved {allocation_id}", flush=True)
    finally:
        database.dispose()


if __name__ == "__main__":
    main(sys.argv[1], [int(arg) for arg in sys.argv[2:]])
