"""``fundledger demo``: a realistic, deterministic multi-year dataset for trying the app.

Donors of every type in several currencies (including JPY with no decimals and KWD
with three), pledges earmarked and unrestricted, instalment schedules, partial, late
and excess payments, unapplied credit applied later, cancellations and unpledged
gifts, all posted through the same operations the Secretariat uses.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from fundledger.actors import Actor
from fundledger.donors.models import Donor, ExchangeRate, Pledge
from fundledger.donors.operations import create_donor, set_rate
from fundledger.donors.pledges import record_pledge, reduce_pledge
from fundledger.donors.queries import pledge_statuses
from fundledger.donors.receipts import apply_credit, record_receipt
from fundledger.errors import FundledgerError
from fundledger.ledger.models import JournalEntry
from fundledger.money import BASE_CURRENCY, minor_units

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


@dataclass(frozen=True, slots=True)
class DemoReport:
    donors: int
    entries: int
    already_loaded: bool = False


def load_demo(
    session: Session, actor: Actor, *, seed: int = 2141, first_year: int = 2022, years: int = 5
) -> DemoReport:
    """Load the demo once; a second call finds it and changes nothing."""
    already = session.scalar(
        select(JournalEntry.id).where(JournalEntry.idempotency_key.startswith(KEY_PREFIX)).limit(1)
    )
    if already is not None:
        return DemoReport(donors=0, entries=0, already_loaded=True)
    generator = _Generator(session, actor, random.Random(seed))  # noqa: S311 - not secrets
    donors = generator.donors()
    for year in range(first_year, first_year + years):
        for donor, currency in donors:
            generator.year_of(donor, currency, year)
    entries = session.scalar(select(JournalEntry.number).order_by(JournalEntry.number.desc()))
    return DemoReport(donors=len(donors), entries=entries or 0)


class _Generator:
    def __init__(self, session: Session, actor: Actor, rng: random.Random) -> None:
        self.session = session
        self.actor = actor
        self.rng = rng
        self.counter = 0

    def key(self) -> str:
        self.counter += 1
        return f"{KEY_PREFIX}{self.counter}"

    def donors(self) -> list[tuple[Donor, str]]:
        result = []
        for code, name, kind, country, language, currency in DONORS:
            donor = self.session.scalar(select(Donor).filter_by(code=code)) or create_donor(
                self.session, self.actor, code=code, name=name, type=kind, country=country,
                language=language,
            )  # fmt: skip
            result.append((donor, currency))
        return result

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
        return dt.date(year, self.rng.randint(first_month, last_month), self.rng.randint(1, 28))

    def year_of(self, donor: Donor, currency: str, year: int) -> None:
        rng = self.rng
        if rng.random() < 0.15:  # a gift without a pledge
            on = self.day(year)
            self.rate(currency, on)
            earmark = rng.choice([None, f"activity:{rng.randint(1, 32)}"])
            record_receipt(
                self.session, self.actor, donor, value_date=on, currency=currency,
                amount=self.amount(currency, 2_000, 20_000), unpledged=True, earmark=earmark,
                reference=f"gift {year}", idempotency_key=self.key(),
            )  # fmt: skip
        for _ in range(rng.choice([0, 1, 1, 2])):
            self.pledge_and_payments(donor, currency, year)

    def pledge_and_payments(self, donor: Donor, currency: str, year: int) -> None:
        rng = self.rng
        on = self.day(year, 1, 9)
        self.rate(currency, on)
        amount = self.amount(currency, 10_000, 150_000)
        organ = rng.choice(["organ:IACHR", "organ:CIM", "organ:IIN"])
        earmark = rng.choice([
            None, None, None, f"activity:{rng.randint(1, 32)}", f"objective:{rng.randint(1, 20)}",
            organ,
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
            reduce_pledge(self.session, self.actor, pledge, on=on + dt.timedelta(days=200),
                          reason="the donor's budget was cut")  # fmt: skip
            return
        self.payments(donor, currency, pledge)

    def payments(self, donor: Donor, currency: str, pledge: Pledge) -> None:
        rng = self.rng
        today = dt.date.today()
        paid_on = pledge.pledge_date
        plans: list[list[Decimal]] = [[Decimal(1)], [Decimal(1)], [Decimal("0.5"), Decimal(1)],
                                      [Decimal("0.6")], []]  # fmt: skip
        for share in rng.choice(plans):
            paid_on += dt.timedelta(days=rng.randint(30, 400))
            if paid_on > today:
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
        for status in pledge_statuses(self.session, donor):
            if status.pledge.currency == currency and status.outstanding > 0:
                on = max(status.pledge.pledge_date, dt.date.today() - dt.timedelta(days=30))
                try:
                    apply_credit(self.session, self.actor, status.pledge, on=on)
                except FundledgerError:  # no credit left: nothing to apply
                    return
