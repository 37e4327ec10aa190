"""The fund the hostile-input tests attack: one per backend for the whole run, seeded
with what the valid half of each try refers to (tests/reliability/conftest.py)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from fundledger.actors import Actor
from fundledger.allocations import operations as allocations
from fundledger.allocations.budgets import propose_budget
from fundledger.db import Database
from fundledger.donors.operations import create_donor, set_rate
from fundledger.donors.pledges import record_pledge
from fundledger.donors.receipts import record_receipt
from tests.factories import create_user

SECRETARIAT = Actor("sec@oas.org", request_id="fuzz-setup")
CAJP = Actor("cajp@oas.org", request_id="fuzz-setup")
USERS = {
    "sec@oas.org": "secretariat",
    "sec2@oas.org": "secretariat",
    "cajp@oas.org": "cajp",
    "admin@oas.org": "admin",
    "admin2@oas.org": "admin",
    "auditor@oas.org": "auditor",
    "target@oas.org": "auditor",  # the one the admin's user form changes
}
#: A CAJP member enrolled in two-factor sign-in, for the one-time-code form.
CODE_USER = "code@oas.org"
CODE_SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"  # noqa: S105 - a test's
#: A donor's user (MEX), for the donor's own pages.
DONOR_USER = "donor@oas.org"
#: A donor with unapplied credit (an overpayment) to apply to new pledges.
CREDIT_DONOR = "BRA"
#: Donor codes that Unicode case mapping makes of hostile.LOOKALIKES (ıom, ß, ﬀ): a
#: lookalike must not reach them.
LOOKALIKE_TARGETS = ("IOM", "SS", "FF")


def seed_fund(database: Database) -> None:
    """Users for every role, donors with pledges, money and credit, allocations in
    several states, a rate and a work plan."""
    with database.transaction() as session:
        for email, role in USERS.items():
            create_user(session, role, email=email)
        create_user(session, "cajp", email=CODE_USER, totp_secret=CODE_SECRET)
        mexico = create_donor(session, SECRETARIAT, code="MEX", name="México", type="member_state")
        canada = create_donor(session, SECRETARIAT, code="CAN", name="Canada", type="member_state")
        brazil = create_donor(session, SECRETARIAT, code=CREDIT_DONOR, name="Brasil",
                              type="member_state")  # fmt: skip
        create_user(session, "donor", email=DONOR_USER, donor=mexico)
        for code in LOOKALIKE_TARGETS:
            create_donor(session, SECRETARIAT, code=code, name=code, type="international_org")
        set_rate(session, SECRETARIAT, currency="EUR", on=dt.date(2025, 3, 1), rate=Decimal("1.08"))
        first = record_pledge(
            session, SECRETARIAT, mexico, pledge_date=dt.date(2025, 1, 20),
            amount=Decimal(50000), currency="USD", earmark="activity:5",
        )  # fmt: skip
        record_pledge(session, SECRETARIAT, canada, pledge_date=dt.date(2025, 2, 1),
                      amount=Decimal(20000), currency="EUR", rate=Decimal("1.08"))  # fmt: skip
        record_receipt(session, SECRETARIAT, mexico, value_date=dt.date(2025, 2, 10),
                       amount=Decimal(30000), currency="USD", pledges=[first])  # fmt: skip
        record_receipt(session, SECRETARIAT, canada, value_date=dt.date(2025, 2, 11),
                       amount=Decimal(1_000_000), currency="USD", unpledged=True)  # fmt: skip
        owed = record_pledge(session, SECRETARIAT, brazil, pledge_date=dt.date(2025, 2, 1),
                             amount=Decimal(100), currency="USD")  # fmt: skip
        record_receipt(session, SECRETARIAT, brazil, value_date=dt.date(2025, 2, 12),
                       amount=Decimal(100_100), currency="USD", pledges=[owed],
                       overpayment=True)  # fmt: skip
        made = []
        for amount in (1000, 2000, 3000):
            allocation = allocations.propose_allocation(
                session, SECRETARIAT, activity=5, amount=Decimal(amount), purpose="fuzz",
                period_start=dt.date(2025, 3, 1), period_end=dt.date(2025, 12, 31),
                pools=["earmark:MEX/activity:5", "unrestricted"],
            )  # fmt: skip
            made.append(allocation)
        for allocation in made[1:]:
            allocations.submit_allocation(session, SECRETARIAT, allocation)
        allocations.decide_allocation(session, CAJP, made[2], decision="approve",
                                      on=dt.date(2025, 3, 18),
                                      reference="CP/CAJP-1/25")  # fmt: skip
        allocations.disburse(session, SECRETARIAT, made[2], amount=Decimal(500),
                             on=dt.date(2025, 4, 1))  # fmt: skip
        propose_budget(session, SECRETARIAT, year=2026,
                       lines=[(5, Decimal(10000), "research")])  # fmt: skip
