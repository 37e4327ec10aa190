"""The Secretariat's writes through the API: a pledge, a receipt, a rate; through the
same services as the forms, each once per ``Idempotency-Key``
(:mod:`fundledger.api.idempotency`). A refusal (422 with its reason, 404 for an unknown
donor or pledge) writes nothing."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from typing import Any

from flask import Response
from flask_smorest import Blueprint
from marshmallow import Schema
from sqlalchemy.orm import Session

from fundledger.api.bodies import PledgeBody, RateBody, ReceiptBody
from fundledger.api.idempotency import once
from fundledger.api.reads import pledge_fields, receipt_fields
from fundledger.api.routing import View, route
from fundledger.api.schemas import PledgeSchema, RateSchema, ReceiptSchema
from fundledger.auth.access import allow
from fundledger.auth.models import Role
from fundledger.auth.sessions import request_actor
from fundledger.donors import listings
from fundledger.donors.models import Donor, Pledge
from fundledger.donors.operations import set_rate
from fundledger.donors.pledges import record_pledge
from fundledger.donors.queries import PledgeStatus, donor_by_code, pledge_statuses
from fundledger.donors.receipts import record_receipt
from fundledger.errors import NotFound
from fundledger.ledger.queries import entry_numbers
from fundledger.web.database import db_session
from fundledger.web.i18n import _

blueprint = Blueprint(
    "api_writes", __name__, url_prefix="/api/v1",
    description="The Secretariat's writes: a token of scope 'read write' and an "
                "Idempotency-Key header.",
)  # fmt: skip


def _write(rule: str, schema: type[Schema], body: type[Schema]) -> Callable[[View], View]:
    """A write's route: a POST answered with 201, read from ``body``, once per key."""
    return route(blueprint, rule, schema, method="POST", status=201, idempotent=True,
                 arguments=body)  # fmt: skip


@_write("/pledges", PledgeSchema, PledgeBody)
@allow(Role.SECRETARIAT)
def post_pledge(body: dict[str, Any]) -> Response:
    """Record a pledge, as the pledge form does."""
    db = db_session()

    def write(key: str) -> dict[str, Any]:
        pledge = record_pledge(
            db, request_actor(), _donor(db, body["donor"]), pledge_date=body["pledge_date"],
            amount=body["amount"], currency=body["currency"].upper(), rate=body["rate"],
            earmark=body["earmark"], due_date=body["due_date"], reference=body["reference"],
            instalments=[(part["due_date"], part["amount"]) for part in body["instalments"]],
            idempotency_key=key,
        )  # fmt: skip
        status = _status(db, pledge)
        return _json(PledgeSchema(), pledge_fields(status, _entry(db, pledge.entry_id)))

    return once(write)


@_write("/receipts", ReceiptSchema, ReceiptBody)
@allow(Role.SECRETARIAT)
def post_receipt(body: dict[str, Any]) -> Response:
    """Record money the bank credited, as the receipt form does."""
    db = db_session()

    def write(key: str) -> dict[str, Any]:
        donor = _donor(db, body["donor"])
        receipt = record_receipt(
            db, request_actor(), donor, value_date=body["value_date"], amount=body["amount"],
            currency=body["currency"].upper(), rate=body["rate"],
            charges=Decimal(0) if body["charges"] is None else body["charges"],
            pledges=[_pledge(db, donor, pledge_id) for pledge_id in body["pledges"]],
            unpledged=body["unpledged"], earmark=body["earmark"],
            overpayment=body["overpayment"], reference=body["reference"], idempotency_key=key,
        )  # fmt: skip
        return _json(ReceiptSchema(), receipt_fields(receipt, _entry(db, receipt.entry_id)))

    return once(write)


@_write("/rates", RateSchema, RateBody)
@allow(Role.SECRETARIAT)
def post_rate(body: dict[str, Any]) -> Response:
    """Record (or correct) a currency's rate on a day, as the rate form does."""

    def write(_key: str) -> dict[str, Any]:
        saved = set_rate(db_session(), request_actor(), currency=body["currency"].upper(),
                         on=body["date"], rate=body["rate"])  # fmt: skip
        return _json(RateSchema(), {"currency": saved.currency, "date": saved.rate_date,
                                  "rate": f"{saved.rate.normalize():f}"})  # fmt: skip

    return once(write)


def _donor(db: Session, code: str) -> Donor:
    donor = donor_by_code(db, code)
    if donor is None:
        raise NotFound(_("There is no such donor."))
    return donor


def _pledge(db: Session, donor: Donor, pledge_id: int) -> Pledge:
    pledge = listings.pledge_of(db, donor, pledge_id)
    if pledge is None:
        raise NotFound(_("%(code)s has no pledge #%(id)s.", code=donor.code, id=pledge_id))
    return pledge


def _status(db: Session, pledge: Pledge) -> PledgeStatus:
    return next(s for s in pledge_statuses(db, pledge.donor) if s.pledge.id == pledge.id)


def _entry(db: Session, entry_id: int) -> int:
    return entry_numbers(db, [entry_id])[entry_id]


def _json(schema: Schema, fields: dict[str, Any]) -> dict[str, Any]:
    """The answer's body, as the route's schema writes it (and the OpenAPI describes)."""
    dumped: dict[str, Any] = schema.dump(fields)
    return dumped
