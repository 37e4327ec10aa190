"""Program revisions (issue 17): the Program as it stood on a date, fundability from the
carrier, the organ an allocation to 30–32 names, and the refusals that write nothing."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from sqlalchemy import func, select, text, update
from sqlalchemy.exc import DBAPIError

from fundledger.actors import Actor
from fundledger.allocations import operations as ops
from fundledger.allocations.errors import AllocationError
from fundledger.clock import today
from fundledger.db import Database
from fundledger.program.as_of import program_on
from fundledger.program.earmarks import parse_earmark
from fundledger.program.models import Activity, ActivityObjective, ProgramRevision
from fundledger.program.operations import load_program
from fundledger.program.revisions import Change, RevisionError, revise_program
from fundledger.program.usable import fundable_activities
from tests.integration.test_allocations import SECRETARIAT, day

CAJP = Actor("cajp@oas.org")
D = Decimal


def revise(session, effective: str, *changes: Change, **options: object) -> ProgramRevision:  # type: ignore[no-untyped-def]
    return revise_program(session, CAJP, effective_on=day(effective), changes=list(changes),
                          reference="CP/CAJP/DEC. 1/25", **options)  # type: ignore[arg-type]  # fmt: skip


def propose(session, activity: int, organ: str | None = None):  # type: ignore[no-untyped-def]
    return ops.propose_allocation(
        session, SECRETARIAT, activity=activity, amount=D("1000"), purpose="Research",
        period_start=day("2025-03-01"), period_end=day("2025-12-31"), organ=organ,
    )  # fmt: skip


def test_the_program_on_a_date_before_and_after_a_revision(database: Database) -> None:
    """An organ added, an activity 101 for it, a link: the day before the revision the
    Program has none of them, from its effective date on it has all, fundable."""
    with database.transaction() as session:
        revise(session, "2025-06-01",
               Change("add_implementer", implementer="OLA", text="Department of Legal Affairs",
                      group="oas_organ"),
               Change("add_activity", activity=101, implementer="OLA",
                      text="Legal assistance to migrant workers"),
               Change("link", activity=101, objective=3))  # fmt: skip
    with database.session() as session:
        before, after = (
            program_on(session, day("2025-05-31")),
            program_on(session, day("2025-06-01")),
        )
        assert 101 not in before.carriers
        assert "OLA" not in before.kinds
        assert not before.fundable(101)
        assert (101, 3) not in before.crossref
        assert after.carriers[101] == "OLA"
        assert after.fundable(101)
        assert after.objectives_of(101) == [3]
        assert 101 in fundable_activities(session, parse_earmark("objective:3"), day("2025-06-01"))
        assert 101 not in fundable_activities(
            session, parse_earmark("objective:3"), day("2025-05-31")
        )
    with database.transaction() as session:
        assert propose(session, 101).organ_code == "OLA"


def test_fundable_follows_the_carrier_not_the_number(database: Database) -> None:
    """Activity 29 moved from DLAS to the member states is no longer fundable from the
    revision's date; the pages' flag follows; it was fundable before."""
    with database.transaction() as session:
        revise(session, "2025-06-01", Change("move_activity", activity=29,
                                             implementer="MEMBER-STATES"))  # fmt: skip
    with database.session() as session:
        assert program_on(session, day("2025-05-31")).fundable(29)
        assert program_on(session, day("2025-05-31")).carriers[29] == "DLAS"
        assert not program_on(session, day("2025-06-01")).fundable(29)
        assert session.get_one(Activity, 29).fundable is False
    with database.transaction() as session, pytest.raises(AllocationError, match="activity 29"):
        propose(session, 29)


def test_approval_asks_the_program_of_the_decision_date(database: Database) -> None:
    """An allocation to activity 101, added on 2025-06-01, cannot be approved by a
    decision dated before the activity existed."""
    with database.transaction() as session:
        revise(session, "2025-06-01", Change("add_activity", activity=101, implementer="IACHR",
                                             text="New work"))  # fmt: skip
        allocation = propose(session, 101)
        ops.submit_allocation(session, SECRETARIAT, allocation)
    with database.transaction() as session:
        found = session.merge(allocation)
        with pytest.raises(AllocationError, match="activity 101"):
            ops.decide_allocation(session, CAJP, found, decision="approve", on=day("2025-05-20"),
                                  reference="CP/CAJP-1/25")  # fmt: skip


def test_an_activity_all_the_organs_carry_names_the_organ_it_pays(database: Database) -> None:
    with database.transaction() as session:
        assert propose(session, 31, organ="cim").organ_code == "CIM"
        assert propose(session, 5).organ_code == "CIM"
    refusals = [
        (30, None, "activity 30 is carried by all the OAS organs: name the organ"),
        (30, "MEMBER-STATES", "MEMBER-STATES is not an OAS organ, agency or entity"),
        (32, "OAS-ALL", "OAS-ALL is not an OAS organ"),
        (32, "NOPE", "NOPE is not an OAS organ"),
        (5, "IACHR", "activity 5 is carried by CIM; an allocation to it pays CIM, not IACHR"),
    ]
    for activity, organ, reason in refusals:
        with database.transaction() as session, pytest.raises(AllocationError, match=reason):
            propose(session, activity, organ)


def test_a_revision_leaving_a_live_allocation_unfundable_needs_the_decision_to_say_so(
    database: Database,
) -> None:
    with database.transaction() as session:
        allocation = propose(session, 5)
    move = Change("move_activity", activity=5, implementer="MEMBER-STATES")
    with (
        database.transaction() as session,
        pytest.raises(RevisionError, match=f"allocations {allocation.id} unfundable"),
    ):
        revise(session, "2025-06-01", move)
    with database.session() as session:
        assert session.scalar(select(func.count()).select_from(ProgramRevision)) == 0
        assert session.get_one(Activity, 5).implementer_code == "CIM"
    with database.transaction() as session:
        revision = revise(session, "2025-06-01", move, existing_continue=True)
        assert revision.existing_continue


@pytest.mark.parametrize(
    ("effective", "change", "reason"),
    [
        ("2025-06-01", Change("add_activity", activity=5, implementer="CIM", text="x"),
         "activity 5 exists already"),
        ("2025-06-01", Change("add_activity", activity=101, implementer="XYZ", text="x"),
         "there is no implementer XYZ"),
        ("2025-06-01", Change("move_activity", activity=5, implementer="XYZ"),
         "there is no implementer XYZ"),
        ("2025-06-01", Change("move_activity", activity=500, implementer="CIM"),
         "there is no activity 500"),
        ("2025-06-01", Change("add_implementer", implementer="CIM", text="x", group="oas_organ"),
         "implementer CIM exists already"),
        ("2025-06-01", Change("add_implementer", implementer="NEW", text="x", group="club"),
         "an implementer's group is one of"),
        ("2025-06-01", Change("link", activity=1, objective=21),
         "there is no specific objective 21"),
        ("2025-06-01", Change("unlink", activity=1, objective=20),
         "activity 1 does not serve objective 20"),
        ("2005-06-06", Change("link", activity=1, objective=20),
         "before the Program was adopted"),
        ((today() + dt.timedelta(days=1)).isoformat(), Change("link", activity=1, objective=20),
         "after today"),
    ],
)  # fmt: skip
def test_each_refusal_writes_nothing(
    database: Database, effective: str, change: Change, reason: str
) -> None:
    with database.transaction() as session:
        revise(session, "2025-01-01", Change("link", activity=1, objective=20))
        revise(session, "2025-02-01", Change("unlink", activity=1, objective=20))
    with database.transaction() as session, pytest.raises(Exception, match=reason):
        revise(session, effective, Change("link", activity=2, objective=20), change)
    with database.session() as session:
        assert session.scalar(select(func.count()).select_from(ProgramRevision)) == 2
        assert (2, 20) not in program_on(session).crossref


def test_revisions_are_recorded_in_the_order_they_take_effect(database: Database) -> None:
    with database.transaction() as session:
        revise(session, "2025-06-01", Change("link", activity=1, objective=20))
    with database.transaction() as session, pytest.raises(RevisionError, match="before the latest"):
        revise(session, "2025-05-01", Change("link", activity=2, objective=20))


def test_loading_the_program_again_keeps_an_unlinked_cross_away(database: Database) -> None:
    with database.transaction() as session:
        first = sorted(program_on(session).crossref)[0]
        revise(session, "2025-06-01", Change("unlink", activity=first[0], objective=first[1]))
    with database.transaction() as session:
        load_program(session)
    with database.session() as session:
        assert session.get(ActivityObjective, first) is None
        assert first in program_on(session, day("2025-05-31")).crossref


def test_revisions_are_append_only(database: Database) -> None:
    with database.transaction() as session:
        revise(session, "2025-06-01", Change("link", activity=1, objective=20))
    with pytest.raises(DBAPIError, match="append-only"), database.transaction() as session:
        session.execute(update(ProgramRevision).values(reference="changed"))
    with pytest.raises(DBAPIError, match="append-only"), database.transaction() as session:
        session.execute(text("DELETE FROM program_changes"))
