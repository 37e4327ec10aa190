"""What the API's answers hold: amounts are USD decimal strings (``"54250.00"``), never
JSON numbers, so that no client reads them as floats."""

from __future__ import annotations

from marshmallow import Schema, fields


class Usd(fields.Decimal):
    """A USD amount, written as a decimal string with two places; the OpenAPI document
    says ``type: string, format: decimal`` (``fundledger.api.views.init_app``)."""

    def __init__(self, description: str) -> None:
        super().__init__(as_string=True, places=2, required=True,
                         metadata={"description": f"{description}, USD"})  # fmt: skip



class FundYearSchema(Schema):
    year = fields.Integer(required=True)
    pledged = Usd("Pledges made in the year, less reductions")
    received = Usd("What donors paid in the year")
    outstanding = Usd("Pledges unpaid at the year's end")
    allocated = Usd("Allocations the CAJP approved in the year")
    disbursed = Usd("Advances paid to the organs in the year")
    spent = Usd("Expenditure the organs reported in the year")
    available = Usd("Money in all pools at the year's end less open commitments")


class FundFiguresSchema(Schema):
    """The public page's totals, all years, and its figures by fiscal year."""

    pledged = Usd("Pledged, all years")
    received = Usd("Received, all years")
    allocated = Usd("Allocated, all years")
    disbursed = Usd("Disbursed, all years")
    spent = Usd("Spent, all years")
    years = fields.List(fields.Nested(FundYearSchema), required=True)


class ContributionSchema(Schema):
    year = fields.Integer(required=True)
    donor = fields.String(
        required=True, allow_none=True,
        metadata={"description": "The donor's code; null: the anonymous donors' contributions "
                                 "(one row), or contributions of no named donor"},
    )  # fmt: skip
    donor_name = fields.String(required=True)
    anonymous = fields.Boolean(
        required=True, metadata={"description": "The donors that chose to be anonymous, together"}
    )
    donor_type = fields.String(required=True, allow_none=True)
    contributions = Usd("Contributions recognised in the year")
    received = Usd("Paid in the year")
    outstanding = Usd("Pledges unpaid at the year's end")


class AllocationSchema(Schema):
    decision_date = fields.Date(required=True)
    decision_reference = fields.String(required=True)
    allocation = fields.Integer(required=True)
    activity = fields.Integer(required=True)
    activity_title = fields.String(required=True)
    organ = fields.String(required=True)
    objectives = fields.List(fields.Integer(), required=True)
    approved = Usd("Approved by the CAJP")
    disbursed = Usd("Advanced to the organ")
    spent = Usd("Reported spent by the organ")


# --- what signed-in callers read (fundledger.api.reads) -------------------------------


class Amount(fields.String):
    """An amount in its own currency, as a decimal string with the currency's places."""


class PageSchema(Schema):
    """One page of a list (``fundledger.listing``): ``page`` of ``pages``."""

    page = fields.Integer(required=True)
    per_page = fields.Integer(required=True)
    total = fields.Integer(required=True, metadata={"description": "Rows in all pages"})
    pages = fields.Integer(required=True)


class TrialBalanceRowSchema(Schema):
    account = fields.String(required=True)
    name = fields.String(required=True)
    debit = Usd("Debit balance")
    credit = Usd("Credit balance")


class TrialBalanceSchema(Schema):
    """The trial balance, as ``fundledger trial-balance`` prints it."""

    as_of = fields.Date(required=True, allow_none=True)
    rows = fields.List(fields.Nested(TrialBalanceRowSchema), required=True)
    total_debit = Usd("Total of the debits")
    total_credit = Usd("Total of the credits")


class DonorSchema(Schema):
    code = fields.String(required=True)
    name = fields.String(required=True)
    type = fields.String(required=True)
    country = fields.String(required=True, allow_none=True)
    language = fields.String(required=True)
    active = fields.Boolean(required=True)
    anonymous = fields.Boolean(
        required=True, metadata={"description": "Shown in public as an anonymous donor"}
    )
    names = fields.Dict(
        keys=fields.String(), values=fields.String(), required=True,
        metadata={"description": "Its name by language (en, es, fr, pt), where recorded"},
    )  # fmt: skip


class DonorPageSchema(PageSchema):
    items = fields.List(fields.Nested(DonorSchema), required=True)


class PledgeSchema(Schema):
    id = fields.Integer(required=True)
    donor = fields.String(required=True)
    pledge_date = fields.Date(required=True)
    currency = fields.String(required=True)
    amount = Amount(required=True)
    rate = fields.String(required=True, metadata={"description": "USD per unit"})
    usd = Usd("Carried at")
    outstanding = Amount(required=True)
    outstanding_usd = Usd("Outstanding, as carried")
    due_date = fields.Date(required=True, allow_none=True)
    earmark = fields.String(required=True, allow_none=True)
    reference = fields.String(required=True, allow_none=True)
    entry = fields.Integer(required=True, metadata={"description": "Its journal entry's number"})


class PledgePageSchema(PageSchema):
    items = fields.List(fields.Nested(PledgeSchema), required=True)


class ReceiptSchema(Schema):
    id = fields.Integer(required=True)
    donor = fields.String(required=True)
    value_date = fields.Date(required=True)
    currency = fields.String(required=True)
    amount = Amount(required=True)
    charges = Amount(required=True)
    rate = fields.String(required=True, metadata={"description": "USD per unit"})
    usd = Usd("Credited")
    usd_charges = Usd("Bank charges")
    unapplied_usd = Usd("Held as unapplied credit")
    earmark = fields.String(required=True, allow_none=True)
    reference = fields.String(required=True, allow_none=True)
    entry = fields.Integer(required=True, metadata={"description": "Its journal entry's number"})


class ReceiptPageSchema(PageSchema):
    items = fields.List(fields.Nested(ReceiptSchema), required=True)


class RateSchema(Schema):
    currency = fields.String(required=True)
    date = fields.Date(required=True)
    rate = fields.String(required=True, metadata={"description": "USD per unit"})
