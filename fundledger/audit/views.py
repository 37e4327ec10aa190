"""The audit log for auditors and admins: filter, page through, export; ledger check."""

from __future__ import annotations

import datetime as dt

from flask import Blueprint, Response, abort, render_template, request

from fundledger.audit.queries import AuditFilter, all_events, event_page, object_types
from fundledger.auth.access import allow
from fundledger.auth.models import Role
from fundledger.ledger.verify import verify_ledger
from fundledger.web.database import db_session
from fundledger.web.downloads import csv_download

blueprint = Blueprint("audit", __name__, url_prefix="/audit")
CSV_HEADER = ("id", "occurred_at", "actor", "action", "object_type", "object_id", "before",
              "after", "address", "request_id")  # fmt: skip


@blueprint.get("/")
@allow(Role.AUDITOR, Role.ADMIN)
def log() -> str:
    where = _filter()
    page = event_page(db_session(), where, request.args.get("page", 1, type=int))
    return render_template(
        "audit/log.html", page=page, where=where, object_types=object_types(db_session())
    )


@blueprint.get("/log.csv")
@allow(Role.AUDITOR, Role.ADMIN)
def log_csv() -> Response:
    rows = [
        (e.id, e.occurred_at.isoformat(), e.actor, e.action, e.object_type, e.object_id,
         e.before or "", e.after or "", e.address or "", e.request_id or "")
        for e in all_events(db_session(), _filter())
    ]  # fmt: skip
    return csv_download("audit-log.csv", CSV_HEADER, rows)


@blueprint.get("/verify")
@allow(Role.AUDITOR, Role.ADMIN)
def verify() -> str:
    """Run every ledger check now and show the result (what `fundledger verify` prints)."""
    return render_template("audit/verify.html", report=verify_ledger(db_session()))


def _filter() -> AuditFilter:
    def day(name: str) -> dt.date | None:
        text = request.args.get(name, "").strip()
        if not text:
            return None
        try:
            return dt.date.fromisoformat(text)
        except ValueError:
            abort(400, description=f"{name} must be a date written YYYY-MM-DD, not {text[:20]!r}.")

    return AuditFilter(
        actor=request.args.get("actor", "").strip()[:200],
        action=request.args.get("action", "").strip()[:60],
        object_type=request.args.get("object_type", "").strip()[:40],
        object_id=request.args.get("object_id", "").strip()[:60],
        since=day("from"),
        until=day("to"),
    )
