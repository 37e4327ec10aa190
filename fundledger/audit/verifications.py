"""The record of ledger verifications: each run of the checks leaves one audit event.

Verifying reads the whole ledger (seconds at 10k entries, minutes at 1M), so the
auditor's dashboard shows the latest recorded run instead of running one per page view.
The checks read one snapshot of the ledger (:meth:`Database.snapshot`), so entries posted
meanwhile are neither half-seen nor reported as a broken head, and the record is written
in a short transaction of its own: the ledger is never locked while it is being checked.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass

from fundledger.actors import Actor
from fundledger.audit.models import AuditEvent
from fundledger.audit.operations import record
from fundledger.db import Database
from fundledger.ledger.models import LedgerHead
from fundledger.ledger.verify import Report, verify_ledger

#: The audit action of a verification; the dashboard looks for the newest one.
ACTION = "ledger.verified"


@dataclass(frozen=True, slots=True)
class Outcome:
    """What one run of the checks found, as the audit event records it."""

    ok: bool
    #: How many violations the checks named.
    problems: int
    #: How many entries the checks walked.
    entries: int
    #: The ledger head the last entry was compared with: entries after it are unchecked.
    last_number: int
    last_hash: str

    @classmethod
    def from_event(cls, event: AuditEvent) -> Outcome:
        return cls(**json.loads(event.after or "{}"))


def verify_and_record(database: Database, actor: Actor) -> Report:
    """Run every ledger check, then record its outcome as ``actor``'s audit event."""
    with database.snapshot() as session:
        report = verify_ledger(session)
        # The head as of the same snapshot the checks compared with the last entry.
        head = session.get(LedgerHead, 1)
    outcome = Outcome(
        ok=report.ok,
        problems=len(report.violations),
        entries=report.entries,
        last_number=head.last_number if head is not None else 0,
        last_hash=head.last_hash if head is not None else "",
    )
    with database.transaction() as session:
        record(session, actor, ACTION, "ledger", outcome.last_number, after=asdict(outcome))
    return report
