"""``fundledger demo``: a realistic, deterministic multi-year dataset for trying the app.

Donors of every type in several currencies (including JPY with no decimals and KWD
with three), pledges earmarked and unrestricted, instalment schedules, partial, late
and excess payments, unapplied credit applied later, cancellations and unpledged
gifts, all posted through the same operations the Secretariat uses.

The history holds on every day, as the fund's own books must (issue 14): its five
years end the day before it is loaded, so no date is in the future in any time zone;
every earmark is one a fundable activity can use; and an allocation approved on a day
commits no more than each of its pools keeps available from that day to the last, so
no pool and not the bank is ever below zero at the end of a day.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass
from decimal import ROUND_FLOOR, ROUND_HALF_UP, Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from fundledger import clock
from fundledger.actors import Actor
from fundledger.allocations import operations as allocation_ops
from fundledger.allocations.budgets import decide_budget, propose_budget
from fundledger.allocations.models import Allocation
from fundledger.allocations.pools import (
    UNRESTRICTED,
    ZERO,
    availability,
    eligibility_problem,
    parse_pool,
)
from fundledger.allocations.pools import lowest_available as pools_lowest_available
from fundledger.allocations.settings import counts_receivables
from fundledger.auth.operations import create_user, set_password
from fundledger.auth.passwords import Passwords
from fundledger.auth.queries import user_by_email
from fundledger.demo.cofinancing import record_cofinancing
from fundledger.demo.progress import record_progress
from fundledger.demo.revision import record_revision
from fundledger.donors.models import Donor, ExchangeRate, Pledge
from fundledger.donors.operations import create_donor, set_rate
from fundledger.donors.pledges import record_pledge, reduce_pledge
from fundledger.donors.queries import pledge_statuses
from fundledger.donors.receipts import apply_credit, record_receipt, unapplied_credits
from fundledger.errors import FundledgerError
from fundledger.ledger.models import JournalEntry
from fundledger.meetings.operations import record_meeting
from fundledger.meetings.queries import meeting_by_reference
from fundledger.money import BASE_CURRENCY, minor_units
from fundledger.program.models import Activity
from fundledger.program.queries import crossref
from fundledger.program.source_data import ALL_OAS_ORGANS

#: code, name, type, country, language, currency
DONORS = (
    ("MEX", "México", "member_state", "MX", "es", "USD"),
    ("CAN", "Canada", "member_state", "CA", "en", "CAD"),
    ("USA", "United States of America", "member_state", "US", "en", "USD"),
    ("BRA", "Brasil", "member_state", "BR", "pt", "BRL"),
    ("ARG", "Argentina", "member_state", "AR", "es", "USD"),
    ("PER", "Perú", "member_state", "PE", "es", "USD"),
    ("HTI", "Haïti", "member_state", "HT", "fr", "USD"),
    ("ES-OBS", "España", "permanent_observer", "ES", "es", "EUR"),
    ("FR-OBS", "France", "permanent_observer", "FR", "fr", "EUR"),
    ("JP-OBS", "Japan", "permanent_observer", "JP", "en", "JPY"),
    ("KW-OBS", "State of Kuwait", "permanent_observer", "KW", "en", "KWD"),
    ("EU", "European Union", "regional_org", None, "fr", "EUR"),
    ("IOM", "International Organization for Migration", "international_org", None, "en", "USD"),
    ("RROCM", "Red Regional de Organizaciones Civiles para las Migraciones",
     "civil_society", "CR", "es", "USD"),
    ("QC-FDN", "Fondation du Québec pour les droits des migrants", "other", "CA", "fr", "CAD"),
)  # fmt: skip

#: USD per unit around which each currency's demo rates move.
BASE_RATES = {
    "CAD": Decimal("0.7400"),
    "BRL": Decimal("0.1900"),
    "EUR": Decimal("1.0900"),
    "JPY": Decimal("0.0070"),
    "KWD": Decimal("3.2600"),
}
KEY_PREFIX = "demo:"
#: How many calendar years the demo's history spans, the last one ending at ``story_end``.
YEARS = 5
#: The organs donors earmark to (each carries fundable activities).
ORGANS = ("IACHR", "CIM", "IIN")
#: The organ an allocation to an activity all the organs carry (30–32) pays.
RECEIVING_ORGAN = "IACHR"


#: One login per role, for trying the web app: (role, email, donor code or None).
DEMO_LOGINS = (
    ("secretariat", "secretariat@demo.fundledger.org", None),
    ("secretariat", "programme.officer@demo.fundledger.org", None),
    ("cajp", "cajp@demo.fundledger.org", None),
    ("auditor", "auditor@demo.fundledger.org", None),
    ("admin", "admin@demo.fundledger.org", None),
    ("donor", "mexico@demo.fundledger.org", "MEX"),
)


def demo_password(role: str, seed: int) -> str:
    """The demo's published password for a role: for a demo database only. The seed is
    padded so that every seed gives a password long enough for the password rule."""
    return f"{role}-demo-{seed:04d}"


def add_demo_logins(
    session: Session, actor: Actor, passwords: Passwords, *, seed: int
) -> list[tuple[str, str, str]]:
    """Create the demo's users that do not exist yet; (role, email, password) for each."""
    now = dt.datetime.now(dt.UTC)
    logins = []
    for role, email, donor_code in DEMO_LOGINS:
        password = demo_password(role, seed)
        if user_by_email(session, email) is None:
            donor = session.scalar(select(Donor).filter_by(code=donor_code)) if donor_code else None
            user = create_user(session, actor, email=email, name=email.split("@")[0].title(),
                               roles=[role], donor=donor, now=now)  # fmt: skip
            set_password(session, user, password, actor, passwords=passwords, now=now)
        logins.append((role, email, password))
    return logins


@dataclass(frozen=True, slots=True)
class DemoReport:
    donors: int
    entries: int
    already_loaded: bool = False


def story_end(today: dt.date | None = None) -> dt.date:
    """The demo's last day: the day before it is loaded, so that none of its dates is
    after today wherever the fund keeps its clock."""
    return (today or clock.today()) - dt.timedelta(days=1)


def load_demo(
    session: Session,
    actor: Actor,
    *,
    seed: int = 2141,
    years: int = YEARS,
    today: dt.date | None = None,
) -> DemoReport:
    """Load the demo once, ``years`` calendar years up to the day before ``today``; a
    second call finds it and changes nothing."""
    already = session.scalar(
        select(JournalEntry.id).where(JournalEntry.idempotency_key.startswith(KEY_PREFIX)).limit(1)
    )
    if already is not None:
        return DemoReport(donors=0, entries=0, already_loaded=True)
    until = story_end(today)
    first_year = until.year - years + 1
    generator = ContributionGenerator(session, actor, random.Random(seed), until=until)  # noqa: S311 - demo data, not secrets
    donors = generator.donors()
    for year in range(first_year, until.year + 1):
        for donor, currency in donors:
            generator.year_of(donor, currency, year)
    planner = AllocationPlanner(session, random.Random(seed + 1), until=until)  # noqa: S311 - demo data, not secrets
    last_year = until.year
    for year in range(first_year, until.year + 1):
        planner.work_plan(year, revise=year % 2 == 0)
        planner.allocations(year, current=year == last_year)
    last_two = range(max(first_year, last_year - 1), last_year + 1)
    record_cofinancing(session, DEMO_SECRETARIAT, last_two)
    record_progress(session, DEMO_SECRETARIAT, DEMO_SECRETARIAT_2, until)
    record_revision(session, DEMO_CAJP, until)
    entries = session.scalar(select(JournalEntry.number).order_by(JournalEntry.number.desc()))
    return DemoReport(donors=len(donors), entries=entries or 0)


class ContributionGenerator:
    """Donors, rates, pledges and payments dated up to ``until``; ``key_prefix`` keeps
    each run's keys apart."""

    def __init__(
        self,
        session: Session,
        actor: Actor,
        rng: random.Random,
        *,
        until: dt.date,
        key_prefix: str = KEY_PREFIX,
    ) -> None:
        self.session = session
        self.actor = actor
        self.rng = rng
        self.until = until
        self.key_prefix = key_prefix
        self.counter = 0
        fundable = session.scalars(select(Activity.number).filter_by(fundable=True)).all()
        #: Earmarks some fundable activity can use (no other is accepted).
        self.activities = sorted(fundable)
        self.objectives = sorted({objective for activity, objective in crossref(session)
                                  if activity in fundable})  # fmt: skip

    def key(self) -> str:
        self.counter += 1
        return f"{self.key_prefix}{self.counter}"

    def donors(self) -> list[tuple[Donor, str]]:
        return [(self.donor(code, name, kind, country, language), currency)
                for code, name, kind, country, language, currency in DONORS]  # fmt: skip

    def donor(self, code: str, name: str, kind: str, country: str | None, language: str) -> Donor:
        """The donor with ``code``, registered first if it is new."""
        return self.session.scalar(select(Donor).filter_by(code=code)) or create_donor(
            self.session, self.actor, code=code, name=name, type=kind, country=country,
            language=language,
        )  # fmt: skip

    def rate(self, currency: str, on: dt.date) -> None:
        """Make sure the rate table has the currency's rate for the day."""
        if currency == BASE_CURRENCY:
            return
        known = self.session.scalar(
            select(ExchangeRate.id).filter_by(currency=currency, rate_date=on)
        )
        if known is None:
            drift = Decimal(self.rng.randint(-400, 400)) / 10_000
            value = (BASE_RATES[currency] * (1 + drift)).quantize(Decimal("0.000001"))
            set_rate(self.session, self.actor, currency=currency, on=on, rate=value)

    def amount(self, currency: str, low: int, high: int) -> Decimal:
        """A round-ish amount worth between low and high USD, in the currency."""
        usd = Decimal(self.rng.randrange(low, high, 500))
        value = usd / BASE_RATES.get(currency, Decimal(1))
        step = Decimal(1).scaleb(-minor_units(currency)) if currency == "KWD" else Decimal(100)
        return max(step, value.quantize(step, rounding=ROUND_HALF_UP))

    def day(self, year: int, first_month: int = 1, last_month: int = 12) -> dt.date:
        """A day of ``year`` in the months given, and not after ``until`` (the story
        never reaches a year after it)."""
        first = dt.date(year, first_month, 1)
        last = min(dt.date(year, last_month, 28), self.until)
        return first + dt.timedelta(days=self.rng.randint(0, (last - first).days))

    def year_of(self, donor: Donor, currency: str, year: int) -> None:
        rng = self.rng
        if rng.random() < 0.15:  # a gift without a pledge
            on = self.day(year)
            self.rate(currency, on)
            earmark = rng.choice([None, f"activity:{rng.choice(self.activities)}"])
            self.gift(donor, currency, on, earmark=earmark, reference=f"gift {year}")
        for _ in range(rng.choice([0, 1, 1, 2])):
            self.pledge_and_payments(donor, currency, year)

    def gift(
        self, donor: Donor, currency: str, on: dt.date, *, earmark: str | None, reference: str
    ) -> None:
        """Money received without a pledge: revenue at once."""
        self.rate(currency, on)
        record_receipt(
            self.session, self.actor, donor, value_date=on, currency=currency,
            amount=self.amount(currency, 2_000, 20_000), unpledged=True, earmark=earmark,
            reference=reference, idempotency_key=self.key(),
        )  # fmt: skip

    def pledge_and_payments(self, donor: Donor, currency: str, year: int) -> None:
        rng = self.rng
        on = self.day(year, 1, 9)
        self.rate(currency, on)
        amount = self.amount(currency, 10_000, 150_000)
        earmark = rng.choice([
            None, None, None, f"activity:{rng.choice(self.activities)}",
            f"objective:{rng.choice(self.objectives)}", f"organ:{rng.choice(ORGANS)}",
        ])  # fmt: skip
        schedule: list[tuple[dt.date, Decimal]] = []
        if rng.random() < 0.4:
            first = amount.quantize(Decimal(1).scaleb(-minor_units(currency))) / 2
            first = first.quantize(Decimal(1).scaleb(-minor_units(currency)))
            schedule = [(on + dt.timedelta(days=90), first),
                        (on + dt.timedelta(days=270), amount - first)]  # fmt: skip
        pledge = record_pledge(
            self.session, self.actor, donor, pledge_date=on, amount=amount, currency=currency,
            earmark=earmark, instalments=schedule,
            reference=f"{donor.code}-{year}-{self.counter}",
            due_date=None if schedule else on + dt.timedelta(days=rng.choice([60, 120, 365])),
            idempotency_key=self.key(),
        )  # fmt: skip
        if rng.random() < 0.07:
            reduce_pledge(self.session, self.actor, pledge,
                          on=min(on + dt.timedelta(days=200), self.until),
                          reason="the donor's budget was cut")  # fmt: skip
            return
        self.payments(donor, currency, pledge)

    def payments(self, donor: Donor, currency: str, pledge: Pledge) -> None:
        rng = self.rng
        paid_on = pledge.pledge_date
        plans: list[list[Decimal]] = [[Decimal(1)], [Decimal(1)], [Decimal("0.5"), Decimal(1)],
                                      [Decimal("0.6")], []]  # fmt: skip
        for share in rng.choice(plans):
            paid_on += dt.timedelta(days=rng.randint(30, 400))
            if paid_on > self.until:
                return
            (status,) = [s for s in pledge_statuses(self.session, donor) if s.pledge == pledge]
            places = Decimal(1).scaleb(-minor_units(currency))
            gross = (status.outstanding * share).quantize(places, rounding=ROUND_HALF_UP)
            if gross <= 0:
                return
            charges = Decimal(0) if rng.random() < 0.6 else min(gross / 100, Decimal(25)).quantize(
                places, rounding=ROUND_HALF_UP)  # fmt: skip
            overpaid = rng.random() < 0.08
            extra = (gross / 20).quantize(places) if overpaid else Decimal(0)
            self.rate(currency, paid_on)
            try:
                record_receipt(
                    self.session, self.actor, donor, value_date=paid_on, currency=currency,
                    amount=gross + extra - charges, charges=charges, pledges=[pledge],
                    overpayment=overpaid, reference=f"wire {self.counter}",
                    idempotency_key=self.key(),
                )  # fmt: skip
            except FundledgerError:  # a charge larger than a tiny payment: skip that one
                continue
        if rng.random() < 0.5:
            self.apply_credits(donor, currency)

    def apply_credits(self, donor: Donor, currency: str) -> None:
        """Settle the donor's outstanding pledges from its credit, in the last month and
        not before the money came (the credit's cash moves into the pledge's pool)."""
        credits = unapplied_credits(self.session, donor, currency)
        if not credits:
            return
        came = max(credit.receipt.value_date for credit in credits)
        for status in pledge_statuses(self.session, donor):
            if status.pledge.currency == currency and status.outstanding > 0:
                on = max(status.pledge.pledge_date, came, self.until - dt.timedelta(days=30))
                try:
                    apply_credit(self.session, self.actor, status.pledge, on=on)
                except FundledgerError:  # no credit left: nothing to apply
                    return


#: Who plays each part in the demo (maker–checker needs two different people).
DEMO_SECRETARIAT = Actor("secretariat@demo.fundledger.org", request_id="demo")
DEMO_SECRETARIAT_2 = Actor("programme.officer@demo.fundledger.org", request_id="demo")
DEMO_CAJP = Actor("cajp@demo.fundledger.org", request_id="demo")
#: What allocations are for, with the gender-equality marker the Secretariat would give
#: each (the study of female migration targets it; training and workshops mainstream it).
PURPOSES = {
    "Regional workshop on due process in migration proceedings": 1,
    "Study on female migration and family structure": 2,
    "Training of consular officials": 1,
    "Website on the inter-American human rights system for migrants": 0,
    "Seminar on the detection of forged documents": 0,
    "Technical assistance to electoral registries abroad": 0,
}
#: How far each year's allocations go: the last year leaves work in every state.
PAST_STATES = ("closed", "closed", "closed", "reported", "rejected", "closed")
CURRENT_STATES = ("draft", "submitted", "submitted", "returned", "approved", "disbursed",
                  "reported", "closed")  # fmt: skip

class AllocationPlanner:
    """Work plans and allocations dated up to ``until``, through every state of the
    lifecycle, each approval within what its pools keep available from its day on."""

    def __init__(self, session: Session, rng: random.Random, *, until: dt.date) -> None:
        self.session = session
        self.rng = rng
        self.until = until
        self.activities = list(
            self.session.scalars(
                select(Activity).filter_by(fundable=True).order_by(Activity.number)
            )
        )

    def on(self, year: int, month: int, day: int) -> dt.date:
        """The day of the year's calendar, or ``until`` for one still to come."""
        return min(dt.date(year, month, day), self.until)

    def work_plan(self, year: int, *, revise: bool) -> None:
        chosen = self.rng.sample(self.activities, 6)
        lines = [(a.number, Decimal(self.rng.randrange(10_000, 80_000, 1_000)), "Annual plan")
                 for a in chosen]  # fmt: skip
        plan = propose_budget(self.session, DEMO_SECRETARIAT, year=year, lines=lines)
        verdicts = {number: number != lines[-1][0] for number, _, _ in lines}
        reference = f"CP/CAJP-{3000 + year}/{year % 100:02d}"
        session_id = self.meeting(year, 2, 15, "regular", 1)
        decide_budget(self.session, DEMO_CAJP, plan, on=self.on(year, 2, 15),
                      reference=reference, lines=verdicts, meeting=session_id)  # fmt: skip
        if revise:
            revised = [(number, amount * Decimal("1.1"), "Mid-year revision")
                       for number, amount, _ in lines[:4]]  # fmt: skip
            second = propose_budget(self.session, DEMO_SECRETARIAT, year=year, lines=revised)
            decide_budget(self.session, DEMO_CAJP, second, on=self.on(year, 7, 10),
                          reference=reference + "-rev", approve=True)  # fmt: skip

    def meeting(self, year: int, month: int, day: int, kind: str, number: int) -> int:
        """A CAJP meeting held that day (or ``until``); its id, for the decisions it takes.
        Growing the demo replays the years' rounds: a meeting recorded already takes the
        new round's decisions too."""
        reference = f"CP/CAJP/SA.{number}/{year % 100:02d}"
        held = meeting_by_reference(self.session, reference)
        if held is not None:
            return held.id
        return record_meeting(
            self.session, DEMO_CAJP, held_on=self.on(year, month, day), kind=kind,
            reference=reference,
        ).id  # fmt: skip

    def funding(self, activity: Activity, on: dt.date) -> tuple[list[str], Decimal]:
        """Up to two pools for ``activity``, an earmarked one first, and the most an
        approval dated ``on`` may take from them.

        The approval fills its pools in order from what each has available today, which
        may be more than it keeps from ``on`` on; a second pool is named only when the
        first has no more today than it keeps, so that the fill stays within both."""
        free = lowest_available(self.session, on)
        eligible = [
            key for key, amount in sorted(free.items()) if amount >= 1000
            and eligibility_problem(self.session, parse_pool(key), activity) is None
        ]  # fmt: skip
        earmarked = [key for key in eligible if key != UNRESTRICTED]
        self.rng.shuffle(earmarked)
        pools = earmarked + [key for key in eligible if key == UNRESTRICTED]
        if not pools:
            return [], ZERO
        now = availability(self.session, with_receivables=counts_receivables(self.session))
        if len(pools) > 1 and now[pools[0]].available == free[pools[0]]:
            return pools[:2], free[pools[0]] + free[pools[1]]
        return pools[:1], free[pools[0]]

    def allocations(self, year: int, *, current: bool) -> None:
        approval = self.on(year, 4, 2)
        meeting = self.meeting(year, 4, 2, "regular", 2)
        for target in CURRENT_STATES if current else PAST_STATES:
            activity = self.rng.choice(self.activities)
            pools, free = self.funding(activity, approval)
            wanted = Decimal(self.rng.randrange(5_000, 40_000, 500))
            amount = min(wanted, (free / 200).to_integral_value(ROUND_FLOOR) * 100)
            if amount < 1000:
                continue
            purpose = self.rng.choice(list(PURPOSES))
            allocation = allocation_ops.propose_allocation(
                self.session, DEMO_SECRETARIAT, activity=activity.number, amount=amount,
                purpose=purpose, period_start=self.on(year, 3, 1),
                period_end=dt.date(year, 12, 31), pools=pools, gender_marker=PURPOSES[purpose],
                organ=RECEIVING_ORGAN if activity.implementer_code == ALL_OAS_ORGANS else None,
            )  # fmt: skip
            self.advance(allocation, target, year, meeting)
        if dt.date(year, 6, 15) <= self.until:
            self.meeting(year, 6, 15, "implementers", 3)

    def advance(self, allocation: Allocation, target: str, year: int, meeting: int) -> None:
        session, rng = self.session, self.rng
        if target == "draft":
            return
        allocation_ops.submit_allocation(session, DEMO_SECRETARIAT_2, allocation)
        if target == "submitted":
            return
        decision = {"rejected": "reject", "returned": "return"}.get(target, "approve")
        reduced = allocation.requested_amount * Decimal("0.9") if rng.random() < 0.3 else None
        allocation_ops.decide_allocation(
            session, DEMO_CAJP, allocation, decision=decision, on=self.on(year, 4, 2),
            reference=f"CP/CAJP-{rng.randint(2400, 2999)}/{year % 100:02d}",
            approved_amount=None if reduced is None else reduced.quantize(Decimal(1)),
            comment="Please detail the travel costs" if decision == "return" else None,
            meeting=meeting,
        )  # fmt: skip
        if target in ("approved", "rejected", "returned"):
            return
        approved = allocation.approved_amount
        assert approved is not None  # noqa: S101 - the decision above approved it
        first = (approved * Decimal("0.6")).quantize(Decimal(1))
        allocation_ops.disburse(session, DEMO_SECRETARIAT, allocation, amount=first,
                                on=self.on(year, 5, 1))  # fmt: skip
        if target != "disbursed":
            allocation_ops.disburse(session, DEMO_SECRETARIAT, allocation, amount=approved - first,
                                    on=self.on(year, 8, 1))  # fmt: skip
        if target == "disbursed":
            return
        spent_share = Decimal(rng.choice(["0.85", "0.93", "1"]))
        allocation_ops.report_expenditure(
            session, DEMO_SECRETARIAT, allocation, amount=(approved * spent_share).quantize(
                Decimal("0.01")), period_end=self.on(year, 11, 30),
            category=rng.choice(["contractual_services", "travel", "general_operating",
                                 "supplies_materials"]),
        )  # fmt: skip
        if target == "closed":
            allocation_ops.close_allocation(session, DEMO_SECRETARIAT, allocation,
                                            on=self.on(year, 12, 20))  # fmt: skip


def lowest_available(session: Session, on: dt.date) -> dict[str, Decimal]:
    """What each pool has available (cash less open commitments) at the lowest of the
    days from ``on`` on: the most an approval dated ``on`` may commit from it (the check
    the approval itself makes, :func:`fundledger.allocations.pools.lowest_available`)."""
    pools = list(availability(session, with_receivables=False))
    lowest = pools_lowest_available(session, pools, since=on, with_receivables=False)
    return {pool: low.balance for pool, low in lowest.items()}
