"""The API's reads for signed-in callers (an API token, or the browser's session), each
open to the roles of the page that shows the same thing and from the same function:
the trial balance (``fundledger trial-balance``), donors, pledges and receipts. A donor's
token sees only its own donor, as its pages do (:mod:`fundledger.auth.access`)."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any, TypeVar

from flask_smorest import Blueprint
from sqlalchemy.orm import Session

from fundledger.api.bodies import ContributionQuery, ListQuery, TrialBalanceQuery
from fundledger.api.routing import route
from fundledger.api.schemas import (
    DonorPageSchema,
    DonorSchema,
    PledgePageSchema,
    ReceiptPageSchema,
    TrialBalanceSchema,
)
from fundledger.auth.access import READERS, allow, check_donor, donor_scope
from fundledger.auth.models import Role
from fundledger.donors import listings
from fundledger.donors.models import Donor, Pledge, Receipt
from fundledger.donors.queries import PledgeStatus, donor_by_code
from fundledger.errors import NotFound
from fundledger.ledger.queries import entry_numbers, trial_balance
from fundledger.listing import Page, list_args, ordered, page_of, page_of_rows, sorted_rows
from fundledger.money import plain
from fundledger.web.database import db_session
from fundledger.web.i18n import _

blueprint = Blueprint(
    "api", __name__, url_prefix="/api/v1",
    description="The Fund's books, for a signed-in caller within its role's rights.",
)  # fmt: skip

T = TypeVar("T")


@route(blueprint, "/trial-balance", TrialBalanceSchema, arguments=TrialBalanceQuery,
       location="query")  # fmt: skip
@allow(*READERS)
def trial_balance_read(query: Mapping[str, Any]) -> dict[str, Any]:
    """Every account with a non-zero balance, debit and credit, in USD: what
    ``fundledger trial-balance`` prints, from the same function."""
    balance = trial_balance(db_session(), query.get("as_of"))
    return {
        "as_of": balance.as_of,
        "rows": [{"account": row.code, "name": row.name, "debit": row.debit,
                  "credit": row.credit} for row in balance.rows],
        "total_debit": balance.total_debit, "total_credit": balance.total_credit,
    }  # fmt: skip


@route(blueprint, "/donors", DonorPageSchema, arguments=ListQuery, location="query")
@allow(*READERS, Role.DONOR)
def donors(query: Mapping[str, Any]) -> dict[str, Any]:
    """The donors, a page at a time; a donor's token sees its own donor only."""
    order = list_args(_texts(query), listings.DONOR_SORTS)
    selected = listings.donors_query()
    if (scope := donor_scope()) is not None:
        selected = selected.where(Donor.id == scope)
    page = page_of(db_session(), ordered(selected, listings.DONOR_SORTS, order), order)
    return _page(page, _donor)


@route(blueprint, "/donors/<code>", DonorSchema)
@allow(*READERS, Role.DONOR)
def donor(code: str) -> dict[str, Any]:
    """One donor; another donor's, for a donor's token, reads as missing."""
    return _donor(_donor_or_404(db_session(), code))


@route(blueprint, "/pledges", PledgePageSchema, arguments=ContributionQuery, location="query")
@allow(*READERS, Role.DONOR)
def pledges(query: Mapping[str, Any]) -> dict[str, Any]:
    """Pledges with what is still owed on each, newest first; ``donor`` for one donor's
    (a donor's token sees its own only)."""
    db = db_session()
    order = list_args(_texts(query), listings.PLEDGE_SORTS)
    matching = listings.pledges_matching(db, donor_id=_donor_filter(db, query))
    page = page_of_rows(sorted_rows(matching, listings.PLEDGE_SORTS, order), order)
    numbers = entry_numbers(db, (status.pledge.entry_id for status in page.items))
    return _page(page, lambda status: pledge_fields(status, numbers[status.pledge.entry_id]))


@route(blueprint, "/receipts", ReceiptPageSchema, arguments=ContributionQuery,
       location="query")  # fmt: skip
@allow(*READERS, Role.DONOR)
def receipts(query: Mapping[str, Any]) -> dict[str, Any]:
    """Receipts, newest first; ``donor`` for one donor's (a donor's token: its own)."""
    db = db_session()
    order = list_args(_texts(query), listings.RECEIPT_SORTS)
    selected = listings.receipts_query(donor_id=_donor_filter(db, query))
    page = page_of(db, ordered(selected, listings.RECEIPT_SORTS, order), order)
    numbers = entry_numbers(db, (receipt.entry_id for receipt in page.items))
    return _page(page, lambda receipt: receipt_fields(receipt, numbers[receipt.entry_id]))


# --- shaping the answers (the writes answer with the same) ----------------------------


def pledge_fields(status: PledgeStatus, entry: int) -> dict[str, Any]:
    pledge: Pledge = status.pledge
    return {
        "id": pledge.id, "donor": pledge.donor.code, "pledge_date": pledge.pledge_date,
        "currency": pledge.currency, "amount": plain(pledge.amount, pledge.currency),
        "rate": f"{pledge.rate.normalize():f}", "usd": pledge.usd_amount,
        "outstanding": plain(status.outstanding, pledge.currency),
        "outstanding_usd": status.outstanding_usd, "due_date": pledge.due_date,
        "earmark": pledge.earmark, "reference": pledge.reference, "entry": entry,
    }  # fmt: skip


def receipt_fields(receipt: Receipt, entry: int) -> dict[str, Any]:
    return {
        "id": receipt.id, "donor": receipt.donor.code, "value_date": receipt.value_date,
        "currency": receipt.currency, "amount": plain(receipt.amount, receipt.currency),
        "charges": plain(receipt.charges, receipt.currency),
        "rate": f"{receipt.rate.normalize():f}", "usd": receipt.usd_amount,
        "usd_charges": receipt.usd_charges, "unapplied_usd": receipt.unapplied_usd,
        "earmark": receipt.earmark, "reference": receipt.reference, "entry": entry,
    }  # fmt: skip


def _donor(donor: Donor) -> dict[str, Any]:
    return {
        "code": donor.code, "name": donor.name, "type": donor.type, "country": donor.country,
        "language": donor.language, "active": donor.active, "anonymous": donor.anonymous,
        "names": donor.names() or {},
    }  # fmt: skip


def _page(page: Page[T], shape: Callable[[T], dict[str, Any]]) -> dict[str, Any]:
    items: Sequence[T] = page.items
    return {"items": [shape(item) for item in items], "page": page.page,
            "per_page": page.per_page, "total": page.total, "pages": page.pages}  # fmt: skip


def _texts(query: Mapping[str, Any]) -> dict[str, str]:
    """The list's arguments as ``fundledger.listing`` reads them from a query string."""
    return {
        name: str(value) for name, value in query.items() if name != "donor" and value is not None
    }


def _donor_or_404(db: Session, code: str) -> Donor:
    donor = donor_by_code(db, code) if len(code) <= 40 else None
    if donor is None:
        raise NotFound(_("There is no such donor."))
    check_donor(donor.id)
    return donor


def _donor_filter(db: Session, query: Mapping[str, Any]) -> int | None:
    """The donor whose rows to list: the one asked for (if this caller may see it), the
    donor's own for a donor's token, or none (all)."""
    if query.get("donor"):
        return _donor_or_404(db, query["donor"]).id
    return donor_scope()

