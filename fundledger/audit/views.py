"""The audit log for auditors and admins: filter, sort, page through, export; ledger check."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, render_template, request, url_for
from sqlalchemy import Select

from fundledger.audit.changes import changes
from fundledger.audit.forms import AuditFilterForm
from fundledger.audit.models import AuditEvent
from fundledger.audit.queries import AUDIT_SORTS, events_query, object_types
from fundledger.audit.verifications import verify_and_record
from fundledger.auth.access import allow, can_view
from fundledger.auth.models import Role
from fundledger.auth.sessions import request_actor
from fundledger.listing import ListArgs, ordered, page_of
from fundledger.web import lists
from fundledger.web.database import db_session, get_database
from fundledger.web.downloads import Table, table_download

blueprint = Blueprint("audit", __name__, url_prefix="/audit")
CSV_HEADER = ("id", "occurred_at", "actor", "action", "object_type", "object_id", "before",
              "after", "address", "request_id")  # fmt: skip


@blueprint.get("/")
@allow(Role.AUDITOR, Role.ADMIN)
def log() -> str:
    filters, order = _filters(), lists.order(AUDIT_SORTS)
    page = page_of(db_session(), _events(filters, order), order)
    return render_template(
        "audit/log.html", page=page, filters=filters, order=order, changes=changes,
        link=link,
    )  # fmt: skip


@table_download(blueprint, "/log", endpoint="log")
@allow(Role.AUDITOR, Role.ADMIN)
def log_table() -> Table:
    events = db_session().scalars(_events(_filters(), lists.order(AUDIT_SORTS)))
    rows = [
        (e.id, e.occurred_at, e.actor, e.action, e.object_type, e.object_id, e.before,
         e.after, e.address, e.request_id)
        for e in events
    ]  # fmt: skip
    return Table("audit-log", CSV_HEADER, rows)


@blueprint.get("/verify")
@allow(Role.AUDITOR, Role.ADMIN)
def verify() -> str:
    """Run every ledger check now, record the outcome for the dashboard, and show the
    result (what `fundledger verify` prints)."""
    report = verify_and_record(get_database(), request_actor())
    return render_template("audit/verify.html", report=report)


#: The page of each kind of object (an event's object, or a value that names one, like an
#: entry's number): the endpoint and the name of its argument.
PAGES = {
    "allocation": ("allocations.allocation", "allocation_id"),
    "donor": ("donors.detail", "code"),
    "user": ("auth.edit_user", "user_id"),
    "entry": ("ledger.entry", "number"),
    "activity": ("program.activity", "number"),
}


def link(kind: str, value: object) -> str | None:
    """The page of the object of ``kind`` named ``value``, if it has one the reader may
    open; None otherwise (a rate, a setting, a page the role cannot see)."""
    if kind not in PAGES or value in (None, "", "—"):
        return None
    endpoint, argument = PAGES[kind]
    named = str(value)
    if not can_view(endpoint):
        return None
    if argument == "code":
        return url_for(endpoint, code=named)
    if not named.isascii() or not named.isdigit():
        return None
    values: dict[str, Any] = {argument: int(named)}
    return url_for(endpoint, **values)


def _filters() -> AuditFilterForm:
    """The filters asked for, offering the kinds of object the log holds."""
    form = AuditFilterForm(request.args)
    lists.offer(form.object_type, object_types(db_session()))
    return lists.checked(form)


def _events(filters: AuditFilterForm, order: ListArgs) -> Select[AuditEvent]:
    return ordered(events_query(filters.where()), AUDIT_SORTS, order)
