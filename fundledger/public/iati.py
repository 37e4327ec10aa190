"""The Fund's activities in the IATI 2.03 activity standard, as a pooled fund.

One parent activity (hierarchy 1) is the Fund: it receives the money. Signed pledges are
incoming commitments (11), a pledge's reduction or cancellation a negative one; pledges
announced and not yet signed incoming pledges (13), at the rate of the day announced (once
signed, an announcement is its pledge's commitment and is no longer reported); payments
are incoming funds (1), at what the donor paid (the bank's credit plus its charges), and
refunds to donors negative incoming funds (IATI's guidance for refunds). Donors are its
funding organisations; a donor that chose to be anonymous is named "Anonymous donor".

One child activity (hierarchy 2) per allocation the CAJP approved, not per Program
activity: each approval is its own commitment, with its organ, period and decision
reference, and an activity may be funded by several over the years. The approval is an
outgoing commitment (2), each day's advances a disbursement (3), money the organ returned
a negative disbursement, and the expenditure it reported expenditure (4). The Fund is its
funding organisation and the organ its implementing one; the specific objectives the
activity serves are its tags, and the allocation's gender marker (0, 1 or 2, the DAC's
significance) its policy marker "gender equality" in the OECD DAC vocabulary; an
allocation never screened for gender (proposed before the Fund asked) has none.

Every amount is read where the dashboards read it: the contribution records for pledges
and payments, the CAJP's decisions for approvals, the ledger's daily movements
(:func:`fundledger.ledger.balances.movements`) for advances, returns, expenditure and
refunds. Values are USD decimal strings with their value date.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from xml.etree.ElementTree import (  # builds XML, parses none  # nosec B405
    Element,
    SubElement,
    indent,
    tostring,
)

from sqlalchemy import select
from sqlalchemy.orm import Session

from fundledger.allocations.models import Allocation, State
from fundledger.donors.announcements import unsigned
from fundledger.donors.models import Donor, Pledge, PledgeAnnouncement, PledgeReduction, Receipt
from fundledger.ledger.balances import first_day, movements
from fundledger.ledger.chart import ADVANCES, BANK, EXPENDITURE
from fundledger.ledger.models import EntryKind
from fundledger.money import BASE_CURRENCY, plain
from fundledger.program.models import Activity, Implementer, Objective
from fundledger.program.queries import crossref
from fundledger.public.queries import ANONYMOUS
from fundledger.reporting.fund_data import decisions

VERSION = "2.03"
FUND_TITLE = (
    "Fund for the Inter-American Program for the Promotion and Protection of the Human "
    "Rights of Migrants, including Migrant Workers and Their Families"
)
FUND_DESCRIPTION = (
    "The specific fund of voluntary contributions established under operative paragraph 5 "
    "of resolution AG/RES. 2141 (XXXV-O/05) of the OAS General Assembly, administered by the "
    "Summits of the Americas Secretariat under the CAJP, to help fund the Program activities "
    "assigned to the organs, agencies and entities of the OAS."
)
REPORTING_ORG = "Organization of American States (OAS)"

# IATI codelists (2.03): TransactionType, OrganisationRole, OrganisationType,
# ActivityStatus, ActivityDateType, DescriptionType, RelatedActivityType, TagVocabulary,
# PolicyMarkerVocabulary, PolicyMarker.
INCOMING_FUNDS, OUTGOING_COMMITMENT, DISBURSEMENT, EXPENDITURE_REPORTED = "1", "2", "3", "4"
INCOMING_COMMITMENT, INCOMING_PLEDGE = "11", "13"
FUNDING, EXTENDING, IMPLEMENTING = "1", "3", "4"
MULTILATERAL = "40"
#: A donor's type as an IATI organisation type.
ORGANISATION_TYPES = {
    "member_state": "10",  # Government
    "permanent_observer": "10",
    "regional_org": "40",  # Multilateral
    "international_org": "40",
    "civil_society": "21",  # International NGO
    "other": "90",
}
IMPLEMENTATION, FINALISATION, CLOSED = "2", "3", "4"
PLANNED_START, ACTUAL_START, PLANNED_END = "1", "2", "3"
GENERAL_DESCRIPTION = "1"
PARENT, CHILD = "1", "2"
#: The reporting organisation's own vocabulary: the Program's specific objectives.
OWN_TAGS = "99"
OECD_DAC_CRS, GENDER_EQUALITY = "1", "1"


@dataclass(frozen=True, slots=True)
class Transaction:
    type: str
    day: dt.date
    amount: Decimal
    #: The other party's name: the donor (provider) or the organ (receiver).
    party: str
    description: str = ""


def iati_activities(
    session: Session, *, organisation: str, generated: dt.datetime, year: int | None = None
) -> bytes:
    """The Fund's activity file; with ``year``, only the transactions dated in it (and the
    allocations that have one). ``organisation`` is the Fund's IATI organisation
    identifier (``FUNDLEDGER_IATI_ORGANISATION``)."""
    root = Element("iati-activities", {"version": VERSION,
                                       "generated-datetime": generated.isoformat()})  # fmt: skip
    fund_id = f"{organisation}-FUND"
    children = _allocations(session, year)
    parent = _activity(root, organisation, fund_id, PARENT, generated, FUND_TITLE,
                       FUND_DESCRIPTION)  # fmt: skip
    for name, kind in _donors(session):
        _org(parent, FUNDING, name, org_type=kind)
    _org(parent, EXTENDING, REPORTING_ORG, ref=organisation, org_type=MULTILATERAL)
    SubElement(parent, "activity-status", code=IMPLEMENTATION)
    start = first_day(session) or generated.date()
    SubElement(parent, "activity-date", {"type": ACTUAL_START, "iso-date": start.isoformat()})
    for transaction in _in_year(_incoming(session), year):
        _transaction(parent, transaction, provider=True)
    for child in children:
        SubElement(parent, "related-activity", ref=f"{fund_id}-{child.allocation.id}",
                   type=CHILD)  # fmt: skip
    for child in children:
        child.write(root, organisation, fund_id, generated)
    indent(root)
    document: bytes = tostring(root, encoding="utf-8", xml_declaration=True)
    return document


@dataclass(slots=True)
class _Child:
    allocation: Allocation
    activity_title: str
    organ: str
    objectives: list[tuple[int, str]]
    transactions: list[Transaction]

    def write(self, root: Element, organisation: str, fund_id: str, generated: dt.datetime
              ) -> None:  # fmt: skip
        allocation = self.allocation
        activity = _activity(
            root, organisation, f"{fund_id}-{allocation.id}", CHILD, generated,
            f"Activity {allocation.activity_number}: {self.activity_title}",
            f"Allocation {allocation.id} of the {FUND_TITLE} to activity "
            f"{allocation.activity_number} of the Program, carried out by {self.organ}.",
        )  # fmt: skip
        _org(activity, FUNDING, REPORTING_ORG, ref=organisation, org_type=MULTILATERAL,
             activity_id=fund_id)  # fmt: skip
        _org(activity, IMPLEMENTING, self.organ, org_type=MULTILATERAL)
        status = CLOSED if allocation.state == State.CLOSED else (
            FINALISATION if allocation.state == State.REPORTED else IMPLEMENTATION)  # fmt: skip
        SubElement(activity, "activity-status", code=status)
        for kind, day in ((PLANNED_START, allocation.period_start),
                          (PLANNED_END, allocation.period_end)):  # fmt: skip
            SubElement(activity, "activity-date", {"type": kind, "iso-date": day.isoformat()})
        for number, title in self.objectives:
            tag = SubElement(activity, "tag", vocabulary=OWN_TAGS, code=f"objective-{number}")
            _narrative(tag, f"Specific objective {number}: {title}")
        if allocation.gender_marker is not None:  # the marker's values are the DAC's codes
            SubElement(activity, "policy-marker", vocabulary=OECD_DAC_CRS, code=GENDER_EQUALITY,
                       significance=str(allocation.gender_marker))  # fmt: skip
        for transaction in self.transactions:
            _transaction(activity, transaction, provider=False)
        SubElement(activity, "related-activity", ref=fund_id, type=PARENT)


def _activity(root: Element, organisation: str, identifier: str, hierarchy: str,
              generated: dt.datetime, title: str, description: str) -> Element:  # fmt: skip
    activity = SubElement(root, "iati-activity", {
        "last-updated-datetime": generated.isoformat(),
        "{http://www.w3.org/XML/1998/namespace}lang": "en",
        "default-currency": BASE_CURRENCY,
        "hierarchy": hierarchy,
    })  # fmt: skip
    SubElement(activity, "iati-identifier").text = identifier
    reporting = SubElement(activity, "reporting-org", ref=organisation, type=MULTILATERAL)
    _narrative(reporting, REPORTING_ORG)
    _narrative(SubElement(activity, "title"), title)
    _narrative(SubElement(activity, "description", type=GENERAL_DESCRIPTION), description)
    return activity


def _narrative(parent: Element, text: str) -> None:
    SubElement(parent, "narrative").text = text


def _org(parent: Element, role: str, name: str, *, org_type: str, ref: str | None = None,
         activity_id: str | None = None) -> None:  # fmt: skip
    attributes = {"role": role, "type": org_type}
    if ref is not None:
        attributes["ref"] = ref
    if activity_id is not None:
        attributes["activity-id"] = activity_id
    _narrative(SubElement(parent, "participating-org", attributes), name)


def _transaction(activity: Element, transaction: Transaction, *, provider: bool) -> None:
    element = SubElement(activity, "transaction")
    SubElement(element, "transaction-type", code=transaction.type)
    SubElement(element, "transaction-date", {"iso-date": transaction.day.isoformat()})
    value = SubElement(element, "value", {"currency": BASE_CURRENCY,
                                          "value-date": transaction.day.isoformat()})  # fmt: skip
    value.text = plain(transaction.amount)
    if transaction.description:
        _narrative(SubElement(element, "description"), transaction.description)
    _narrative(SubElement(element, "provider-org" if provider else "receiver-org"),
               transaction.party)  # fmt: skip


def _in_year(transactions: Iterable[Transaction], year: int | None) -> list[Transaction]:
    return [t for t in transactions if year is None or t.day.year == year]


def _donors(session: Session) -> list[tuple[str, str]]:
    """Every donor that announced, pledged or paid: its public name and IATI organisation type (the
    anonymous ones once per type)."""
    contributed = select(Pledge.donor_id).union(
        select(Receipt.donor_id), select(PledgeAnnouncement.donor_id)
    )
    donors = session.scalars(select(Donor).where(Donor.id.in_(contributed)).order_by(Donor.code))
    found = [(_public_name(donor), ORGANISATION_TYPES.get(donor.type, "90")) for donor in donors]
    return list(dict.fromkeys(found))


def _public_name(donor: Donor) -> str:
    return ANONYMOUS if donor.anonymous else donor.name


def _incoming(session: Session) -> list[Transaction]:
    """Pledges announced, signed and reduced, payments received and refunds, in date
    order."""
    names = {donor.id: _public_name(donor) for donor in session.scalars(select(Donor))}
    found = [
        Transaction(INCOMING_COMMITMENT, pledge.pledge_date, pledge.usd_amount,
                    names[pledge.donor_id], "Pledge")
        for pledge in session.scalars(select(Pledge))
    ]  # fmt: skip
    found += [
        Transaction(INCOMING_PLEDGE, announced.announced_on, announced.usd_amount,
                    names[announced.donor_id], "Pledge announced, not yet signed")
        for announced in unsigned(session)
    ]  # fmt: skip
    reductions = session.execute(
        select(PledgeReduction, Pledge.donor_id)
        .join(Pledge, Pledge.id == PledgeReduction.pledge_id)
    )  # fmt: skip
    found += [
        Transaction(INCOMING_COMMITMENT, reduction.reduction_date, -reduction.usd_amount,
                    names[donor_id], "Pledge cancelled" if reduction.cancellation
                    else "Pledge reduced")
        for reduction, donor_id in reductions
    ]  # fmt: skip
    found += [
        Transaction(INCOMING_FUNDS, receipt.value_date, receipt.usd_amount + receipt.usd_charges,
                    names[receipt.donor_id], "Payment")
        for receipt in session.scalars(select(Receipt))
    ]  # fmt: skip
    found += [
        Transaction(INCOMING_FUNDS, moved.day, moved.amount, names[moved.donor_id], "Refund")
        for moved in movements(session, [BANK], until=dt.date.max, donors_only=True)
        if moved.kind == EntryKind.REFUND and moved.donor_id is not None
    ]  # fmt: skip
    return sorted(found, key=lambda t: (t.day, t.type, t.party))


def _allocations(session: Session, year: int | None) -> list[_Child]:
    """A child per approved allocation, with its transactions (those of ``year``)."""
    organs = dict(session.execute(select(Implementer.code, Implementer.name)).all())
    titles = dict(session.execute(select(Activity.number, Activity.title)).all())
    objective_titles = dict(session.execute(select(Objective.number, Objective.title)).all())
    serves: dict[int, list[tuple[int, str]]] = defaultdict(list)
    for activity, objective in crossref(session):
        serves[activity].append((objective, objective_titles[objective]))
    outgoing: dict[int, list[Transaction]] = defaultdict(list)
    approved = [d for d in decisions(session, dt.date.min, dt.date.max) if d.decision == "approve"]
    for decision in approved:
        outgoing[decision.allocation].append(Transaction(
            OUTGOING_COMMITMENT, decision.on, decision.approved or Decimal(0),
            organs[decision.organ], f"Approved by the CAJP, {decision.reference}"))  # fmt: skip
    for moved in movements(session, [ADVANCES, EXPENDITURE], until=dt.date.max,
                           allocations_only=True):  # fmt: skip
        if moved.allocation_id is None or not (
            moved.account == EXPENDITURE or moved.kind in (EntryKind.DISBURSEMENT, EntryKind.RETURN)
        ):
            continue
        kind = DISBURSEMENT if moved.account == ADVANCES else EXPENDITURE_REPORTED
        label = "Returned by the organ" if moved.kind == EntryKind.RETURN else ""
        outgoing[moved.allocation_id].append(Transaction(kind, moved.day, moved.amount, "",
                                                         label))  # fmt: skip
    allocations = session.scalars(
        select(Allocation).where(Allocation.id.in_([d.allocation for d in approved]))
        .order_by(Allocation.id)
    )  # fmt: skip
    children = []
    for allocation in allocations:
        organ = organs[allocation.organ_code]
        transactions = [
            Transaction(t.type, t.day, t.amount, organ, t.description)
            for t in _in_year(outgoing[allocation.id], year)
        ]
        if transactions or year is None:
            transactions.sort(key=lambda t: (t.day, t.type))
            children.append(_Child(allocation, titles[allocation.activity_number], organ,
                                   serves[allocation.activity_number], transactions))  # fmt: skip
    return children
