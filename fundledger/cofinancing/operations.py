"""Recording and withdrawing co-financing items (writers: they flush, the caller commits).

Nothing here posts to the ledger: an item is a memorandum record beside the Fund's
books, and the trial balance is the same before and after it."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from sqlalchemy.orm import Session

from fundledger.actors import Actor
from fundledger.audit.operations import record
from fundledger.clock import today
from fundledger.cofinancing.errors import CofinancingError
from fundledger.cofinancing.models import CofinancingItem, SourceKind
from fundledger.errors import Amount, Term
from fundledger.i18n import N_
from fundledger.inputs import text_problem
from fundledger.money import MAX_AMOUNT, fits_currency
from fundledger.program.models import Activity

#: The first year an item may name: the General Assembly adopted the Program and created
#: the Fund in 2005 (AG/RES. 2141 (XXXV-O/05)). The last is the current year: an item
#: records what was spent, not what is planned.
FIRST_YEAR = 2005
#: Longest source name or description kept.
MAX_TEXT = 500
#: Source names that mean the Fund itself (compared lower-cased, spaces collapsed).
_THE_FUND = {"fund", "the fund", "specific fund", "the specific fund"}


def record_item(
    session: Session,
    actor: Actor,
    *,
    activity: int,
    year: int,
    source_kind: str,
    source_name: str,
    amount: Decimal,
    description: str,
) -> CofinancingItem:
    """Resources spent on ``activity`` in ``year`` from outside the Fund, in USD."""
    if source_kind == "fund" or _names_the_fund(source_name):
        raise CofinancingError(
            N_("the Fund's own money is in its ledger, not in co-financing: record it as a "
               "contribution or an allocation")
        )  # fmt: skip
    if source_kind not in set(SourceKind):
        raise CofinancingError(
            N_("the source is one of %(kinds)s, not “%(kind)s”"),
            kinds=", ".join(SourceKind), kind=str(source_kind)[:40],
        )  # fmt: skip
    if session.get(Activity, activity) is None:
        raise CofinancingError(N_("there is no activity %(number)s in the Program"),
                               number=activity)  # fmt: skip
    last = today().year
    if not FIRST_YEAR <= year <= last:
        raise CofinancingError(
            N_("the year is from %(first)s, when the Program was adopted, to %(last)s, not "
               "%(year)s"),
            first=str(FIRST_YEAR), last=str(last), year=str(year),
        )  # fmt: skip
    _check_amount(amount)
    name = _text(source_name, Term(N_("the source's name")))
    what = _text(description, Term(N_("the description")))
    item = CofinancingItem(
        activity_number=activity, year=year, source_kind=source_kind, source_name=name,
        amount=amount, description=what, recorded_by=actor.name,
        recorded_at=dt.datetime.now(dt.UTC),
    )  # fmt: skip
    session.add(item)
    session.flush()
    record(session, actor, "cofinancing.recorded", "cofinancing_item", item.id,
           after={"activity": activity, "year": year, "source_kind": source_kind,
                  "source_name": name, "amount": str(amount), "description": what})  # fmt: skip
    return item


def withdraw_item(
    session: Session, actor: Actor, item: CofinancingItem, *, reason: str
) -> CofinancingItem:
    """Take an item recorded in error out of every figure; it stays, with who withdrew it,
    when and why."""
    if item.withdrawn_at is not None:
        raise CofinancingError(
            N_("co-financing item #%(id)s was already withdrawn on %(day)s"),
            id=item.id, day=item.withdrawn_at.date(),
        )  # fmt: skip
    why = _text(reason, Term(N_("the reason for the withdrawal")))
    item.withdrawn_by, item.withdrawn_at = actor.name, dt.datetime.now(dt.UTC)
    item.withdrawal_reason = why
    record(session, actor, "cofinancing.withdrawn", "cofinancing_item", item.id,
           before={"withdrawn": False}, after={"withdrawn": True, "reason": why})  # fmt: skip
    return item


def _names_the_fund(name: str) -> bool:
    return " ".join(name.lower().split()) in _THE_FUND


def _check_amount(amount: Decimal) -> None:
    if not isinstance(amount, Decimal) or not amount.is_finite():
        raise CofinancingError(N_("the amount is not a number: %(amount)s"),
                               amount=str(amount)[:40])  # fmt: skip
    if amount <= 0:
        raise CofinancingError(N_("the amount must be more than zero, not %(amount)s"),
                               amount=Amount(amount))  # fmt: skip
    if amount >= MAX_AMOUNT or not fits_currency(amount, "USD"):
        raise CofinancingError(
            N_("%(amount)s is not an amount in USD: two decimal places at most"),
            amount=str(amount)[:40],
        )  # fmt: skip


def _text(value: str, what: Term) -> str:
    """``value`` on one line, spaces collapsed; refused if blank or too long."""
    cleaned = " ".join((value or "").split())
    problem = text_problem(cleaned)
    if problem is not None:
        raise CofinancingError(N_("%(what)s %(problem)s"), what=what, problem=problem)
    if not cleaned:
        raise CofinancingError(N_("%(what)s is required"), what=what)
    if len(cleaned) > MAX_TEXT:
        raise CofinancingError(N_("%(what)s is longer than %(limit)s characters"), what=what,
                               limit=MAX_TEXT)  # fmt: skip
    return cleaned
