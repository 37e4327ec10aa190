"""What the API reads: the query of a list, the bodies of the Secretariat's writes.

Amounts and rates come as decimal strings (``"1000.00"``); a JSON number is refused,
since a client's float may already have lost a cent. Text is held to the rule every
form follows (:func:`fundledger.inputs.text_problem`). Anything else wrong, or any
field the schema does not know, is a 422 naming the field (``fundledger.web.errors``).
"""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal, InvalidOperation
from typing import Any

from marshmallow import Schema, ValidationError, fields, validate

from fundledger.inputs import text_problem
from fundledger.listing import DIRECTIONS, MAX_PER_PAGE


class DecimalText(fields.Field):  # type: ignore[type-arg]  # marshmallow's generic Field
    """A decimal given as a JSON string; OpenAPI: ``type: string, format: decimal``."""

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> Decimal:
        if not isinstance(value, str):
            raise ValidationError('Give a decimal as a string, e.g. "1000.00".')
        try:
            number = Decimal(value.strip())
        except InvalidOperation:
            raise ValidationError(f"Not a decimal number: {value[:40]!r}.") from None
        if not number.is_finite():
            raise ValidationError("Not a finite number.")
        return number


def _text_ok(value: str) -> None:
    problem = text_problem(value)
    if problem:
        raise ValidationError(problem)


def text(*, required: bool = True, length: int = 200) -> fields.String:
    """A one-line text field of at most ``length`` characters."""
    checks: list[Callable[[Any], Any]] = [validate.Length(min=1, max=length), _text_ok]
    if required:
        return fields.String(required=True, validate=checks)
    return fields.String(load_default=None, allow_none=True, validate=checks)


class ListQuery(Schema):
    """A list's page and order (``fundledger.listing``: the same rules as the pages)."""

    page = fields.Integer(validate=validate.Range(min=1))
    per_page = fields.Integer(validate=validate.Range(min=1, max=MAX_PER_PAGE))
    sort = text(required=False, length=40)
    direction = fields.String(validate=validate.OneOf(DIRECTIONS))


class ContributionQuery(ListQuery):
    donor = text(required=False, length=40)


class TrialBalanceQuery(Schema):
    as_of = fields.Date(metadata={"description": "Balances at the end of this day"})


class InstalmentBody(Schema):
    due_date = fields.Date(required=True)
    amount = DecimalText(required=True)


class PledgeBody(Schema):
    """A pledge, as the pledge form records it."""

    donor = text(length=40)
    pledge_date = fields.Date(required=True)
    amount = DecimalText(required=True, metadata={"description": "In the pledge's currency"})
    currency = fields.String(required=True, validate=validate.Regexp(r"^[A-Za-z]{3}$"))
    rate = DecimalText(
        load_default=None, metadata={"description": "USD per unit; default: the rate table's"}
    )
    earmark = text(required=False, length=30)
    due_date = fields.Date(load_default=None)
    reference = text(required=False)
    instalments = fields.List(fields.Nested(InstalmentBody), load_default=list)


class ReceiptBody(Schema):
    """A receipt, as the receipt form records it."""

    donor = text(length=40)
    value_date = fields.Date(required=True)
    amount = DecimalText(required=True, metadata={"description": "What the bank credited"})
    currency = fields.String(required=True, validate=validate.Regexp(r"^[A-Za-z]{3}$"))
    rate = DecimalText(load_default=None)
    charges = DecimalText(load_default=None, metadata={"description": "Deducted by the bank"})
    pledges = fields.List(
        fields.Integer(strict=True), load_default=list,
        metadata={"description": "The pledges it settles, in order; default: oldest first"},
    )  # fmt: skip
    unpledged = fields.Boolean(load_default=False)
    earmark = text(required=False, length=30)
    overpayment = fields.Boolean(load_default=False)
    reference = text(required=False)


class RateBody(Schema):
    currency = fields.String(required=True, validate=validate.Regexp(r"^[A-Za-z]{3}$"))
    date = fields.Date(required=True)
    rate = DecimalText(required=True, metadata={"description": "USD per unit"})
