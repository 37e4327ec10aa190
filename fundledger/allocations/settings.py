"""The fund's settings: what counts as money in a pool, indirect cost recovery, and how
bank interest is booked."""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import asdict, dataclass
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from fundledger.actors import Actor
from fundledger.allocations.errors import AllocationError
from fundledger.allocations.models import FundSetting
from fundledger.audit.models import AuditEvent
from fundledger.audit.operations import record
from fundledger.i18n import N_
from fundledger.money import InvalidAmount, parse_decimal

#: Each setting with its default and what it means.
SETTINGS = {
    "availability_basis": ("cash", N_("cash: only money received counts as available; "
                              "cash_and_receivables: pledged money counts too")),
    "indirect_cost_rate": ("0", N_("share of each disbursement paid as indirect cost recovery, "
                                   "e.g. 0.07 for 7 %")),
    "interest_distribution": ("unrestricted", N_(
        "unrestricted: bank interest is unrestricted income; pro_rata: it is shared among "
        "the unrestricted money and each earmark by the money each holds")),
}  # fmt: skip
#: The settings a statement is rendered with, kept in its register row; the others
#: change only what is posted from then on (how interest is booked).
STATEMENT_SETTINGS = ("availability_basis", "indirect_cost_rate")
#: The interest distribution under which interest is shared among the pools.
PRO_RATA = "pro_rata"


#: The availability basis under which pledged money counts as available.
RECEIVABLES_BASIS = "cash_and_receivables"


@dataclass(frozen=True, slots=True)
class SettingValues:
    """Every setting's value at one moment, as stored: what an issued document was
    rendered with, kept in its register row so that it renders the same later."""

    availability_basis: str
    indirect_cost_rate: str

    @classmethod
    def now(cls, session: Session) -> SettingValues:
        return cls(**{key: get_setting(session, key) for key in STATEMENT_SETTINGS})

    @classmethod
    def at(cls, session: Session, moment: dt.datetime) -> SettingValues:
        """As they stood at ``moment``, from the audit log's record of every change."""
        values = {key: SETTINGS[key][0] for key in STATEMENT_SETTINGS}
        changes = select(AuditEvent.after).filter_by(action="setting.changed")
        for after in session.scalars(
            changes.where(AuditEvent.occurred_at <= moment).order_by(AuditEvent.id)
        ):
            values.update((k, v) for k, v in json.loads(after or "{}").items() if k in values)
        return cls(**values)

    def as_dict(self) -> dict[str, str]:
        return asdict(self)

    @property
    def counts_receivables(self) -> bool:
        return self.availability_basis == RECEIVABLES_BASIS

    @property
    def indirect_rate(self) -> Decimal:
        return Decimal(self.indirect_cost_rate)


def get_setting(session: Session, key: str) -> str:
    stored = session.get(FundSetting, key)
    return stored.value if stored is not None else SETTINGS[key][0]


def counts_receivables(session: Session) -> bool:
    return get_setting(session, "availability_basis") == RECEIVABLES_BASIS


def indirect_cost_rate(session: Session) -> Decimal:
    return Decimal(get_setting(session, "indirect_cost_rate"))


def distributes_interest(session: Session) -> bool:
    """Whether bank interest is shared among the pools (else it is unrestricted)."""
    return get_setting(session, "interest_distribution") == PRO_RATA


def set_setting(session: Session, actor: Actor, key: str, value: str) -> FundSetting:
    if key not in SETTINGS:
        raise AllocationError(
            N_("unknown setting %(key)s; known: %(known)s"),
            key=repr(key[:40]), known=", ".join(SETTINGS),
        )  # fmt: skip
    value = value.strip()
    if key == "availability_basis" and value not in ("cash", RECEIVABLES_BASIS):
        raise AllocationError(N_("availability_basis is cash or cash_and_receivables"))
    if key == "interest_distribution" and value not in ("unrestricted", PRO_RATA):
        raise AllocationError(N_("interest_distribution is unrestricted or pro_rata"))
    if key == "indirect_cost_rate":
        try:
            rate = parse_decimal(value, what="indirect_cost_rate")
        except InvalidAmount as error:
            raise AllocationError(error.as_message()) from error
        if not 0 <= rate < 1 or -rate.as_tuple().exponent > 4:  # type: ignore[operator]
            raise AllocationError(
                N_("indirect_cost_rate is a fraction from 0 to below 1, 4 places")
            )
        value = f"{rate:f}"
    before = get_setting(session, key)
    setting = session.get(FundSetting, key) or FundSetting(key=key)
    setting.value = value
    session.add(setting)
    session.flush()
    record(session, actor, "setting.changed", "setting", key, before={key: before},
           after={key: value})  # fmt: skip
    return setting
