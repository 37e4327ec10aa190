"""The demo's co-financing: for its last two years, the Regular Fund's money for some
fundable activities and the member states' own for some optional ones (33–100),
recorded through the service like the Secretariat would. Fixed figures, no random
draw, so that the rest of the demo is the same with or without them."""

from __future__ import annotations

from decimal import Decimal

from sqlalchemy.orm import Session

from fundledger.actors import Actor
from fundledger.cofinancing.models import SourceKind
from fundledger.cofinancing.operations import record_item
from fundledger.program.models import Activity

#: (activity, source, USD in the earlier year, what it paid for); the later year's is 10% more.
ITEMS = (
    (7, SourceKind.REGULAR_FUND, Decimal("25000.00"), "CIM Secretariat staff time"),
    (20, SourceKind.REGULAR_FUND, Decimal("15000.00"), "Summits Secretariat: meeting of experts"),
    (33, SourceKind.OWN_RESOURCES, Decimal("8000.00"), "National awareness campaign"),
    (40, SourceKind.OWN_RESOURCES, Decimal("12500.00"), "Training of border officials"),
)


def record_cofinancing(session: Session, actor: Actor, years: range) -> int:
    """The items for ``years`` (the demo's last two); how many were recorded. The source
    is the implementer's code, as the implementers table has it."""
    recorded = 0
    for index, year in enumerate(years):
        for number, kind, amount, description in ITEMS:
            activity = session.get(Activity, number)
            if activity is None:  # a Program loaded without it: nothing to record
                continue
            record_item(session, actor, activity=number, year=year, source_kind=kind,
                        source_name=activity.implementer_code,
                        amount=amount * (Decimal("1.1") if index else 1),
                        description=f"{description}, {year}")  # fmt: skip
            recorded += 1
    return recorded
