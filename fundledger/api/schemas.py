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
        metadata={"description": "The donor's code; null: contributions of no named donor"},
    )  # fmt: skip
    donor_name = fields.String(required=True)
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
