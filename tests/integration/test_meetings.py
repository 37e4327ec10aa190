"""The CAJP's meetings and the decisions that name them, on SQLite and PostgreSQL."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from fundledger.actors import Actor
from fundledger.allocations import operations as ops
from fundledger.allocations.budgets import decide_budget, propose_budget
from fundledger.allocations.models import AllocationEvent
from fundledger.allocations.queries import meeting_decisions
from fundledger.clock import today
from fundledger.db import Database
from fundledger.errors import FundledgerError
from fundledger.meetings.errors import MeetingError
from fundledger.meetings.models import Meeting
from fundledger.meetings.operations import record_meeting
from tests.integration.test_allocations import (
    CAJP,
    SECRETARIAT,
    day,
    mexico_pays_50000_for_activity_5,
    propose,
)

D = Decimal
SESSION = Actor("cajp-secretary@oas.org")


def test_a_decision_names_its_meeting_and_takes_its_reference(database: Database) -> None:
    """Without a reference of its own, a decision is recorded under its meeting's; the
    meeting's page then lists it, with the work plan decided the same day."""
    with database.transaction() as session:
        mexico_pays_50000_for_activity_5(session)
        meeting = record_meeting(session, SESSION, held_on=day("2025-03-18"), kind="regular",
                                 reference="CP/CAJP/SA.612/25",
                                 title="Fund allocations")  # fmt: skip
        allocation = propose(session, 5, "40000", "MEX/activity:5")
        ops.submit_allocation(session, SECRETARIAT, allocation)
        ops.decide_allocation(session, CAJP, allocation, decision="approve",
                              on=day("2025-03-18"), reference=None, meeting=meeting.id)  # fmt: skip
        plan = propose_budget(session, SECRETARIAT, year=2025, lines=[(5, D(45000), "Research")])
        decide_budget(session, CAJP, plan, on=day("2025-03-18"), reference="CP/CAJP-0999/25",
                      approve=True, meeting=meeting.id)  # fmt: skip
    with database.session() as session:
        event = session.scalars(
            select(AllocationEvent).where(AllocationEvent.action == "approve")
        ).one()
        assert (event.reference, event.meeting_id) == ("CP/CAJP/SA.612/25", meeting.id)
        decided = meeting_decisions(session, meeting.id)
        assert [e.allocation_id for e in decided.allocations] == [allocation.id]
        assert [(b.year, b.decision_ref) for b in decided.work_plans] == [(2025, "CP/CAJP-0999/25")]
        assert len(decided) == 2


@pytest.mark.parametrize(
    ("meeting_day", "reference", "reason"),
    [
        (None, None, "a CAJP decision needs its meeting or its own reference"),
        ("2025-03-10", "CP/CAJP-1/25", "the decision is dated 2025-03-18 but meeting "
                                      "CP/CAJP/SA.600/25 was held on 2025-03-10"),
    ],
)  # fmt: skip
def test_a_decision_without_meeting_or_reference_or_from_another_day_is_refused(
    database: Database, meeting_day: str | None, reference: str | None, reason: str
) -> None:
    with database.transaction() as session:
        mexico_pays_50000_for_activity_5(session)
        allocation = propose(session, 5, "40000", "MEX/activity:5")
        ops.submit_allocation(session, SECRETARIAT, allocation)
        meeting = None
        if meeting_day is not None:
            meeting = record_meeting(session, SESSION, held_on=day(meeting_day), kind="regular",
                                     reference="CP/CAJP/SA.600/25").id  # fmt: skip
    with database.transaction() as session:
        found = session.merge(allocation)
        with pytest.raises(MeetingError, match=reason):
            ops.decide_allocation(session, CAJP, found, decision="approve",
                                  on=day("2025-03-18"), reference=reference,
                                  meeting=meeting)  # fmt: skip
    with database.session() as session:
        assert session.scalar(select(func.count()).select_from(AllocationEvent)
                              .where(AllocationEvent.action == "approve")) == 0  # fmt: skip


@pytest.mark.parametrize(
    ("fields", "reason"),
    [
        ({"kind": "board"}, "the kind of meeting is one of regular, implementers, experts"),
        ({"held_on": today() + dt.timedelta(days=1)}, "is after today"),
        ({"reference": "  "}, "the meeting's reference is required"),
        ({"reference": "CP/CAJP/SA.1/25"}, "a meeting is already recorded under CP/CAJP/SA.1/25"),
        ({"title": "x" * 201}, "the meeting's title is longer than 200 characters"),
    ],
)
def test_a_meeting_of_an_unknown_kind_in_the_future_or_recorded_twice_is_refused(
    database: Database, fields: dict[str, object], reason: str
) -> None:
    with database.transaction() as session:
        record_meeting(session, SESSION, held_on=day("2025-03-18"), kind="experts",
                       reference="CP/CAJP/SA.1/25")  # fmt: skip
    given = {"held_on": day("2025-06-01"), "kind": "implementers", "reference": "CP/CAJP/2"}
    with database.transaction() as session, pytest.raises(FundledgerError, match=reason):
        record_meeting(session, SESSION, **{**given, **fields})  # type: ignore[arg-type]
    with database.session() as session:
        assert session.scalar(select(func.count()).select_from(Meeting)) == 1
