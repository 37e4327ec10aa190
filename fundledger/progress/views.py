"""Progress reports' pages: the list (with the reports overdue) and one report with its
results and documents, for the Secretariat, the CAJP, auditors and admins. Reports are
recorded, submitted and reviewed with ``fundledger progress`` (no page form yet)."""

from __future__ import annotations

from flask import Blueprint, render_template, request

from fundledger.auth.access import READERS, allow
from fundledger.documents import views as documents
from fundledger.documents.models import OwnerKind
from fundledger.errors import NotFound
from fundledger.inputs import MAX_ID
from fundledger.listing import ordered, page_of
from fundledger.progress import queries
from fundledger.progress.due import overdue
from fundledger.progress.forms import STATE_NAMES, ReportFilterForm
from fundledger.progress.models import ProgressReport
from fundledger.web import lists
from fundledger.web.database import db_session
from fundledger.web.downloads import Table, table_download
from fundledger.web.i18n import _

blueprint = Blueprint("progress", __name__)


@blueprint.get("/progress")
@allow(*READERS)
def reports() -> str:
    db = db_session()
    filters = lists.checked(ReportFilterForm(request.args))
    order = lists.order(queries.REPORT_SORTS)
    chosen = filters.allocation.data
    late = [d for d in overdue(db) if chosen is None or d.allocation_id == chosen]
    query = queries.reports_query(allocation=chosen, state=filters.state.data)
    return render_template(
        "progress/list.html", filters=filters, order=order, overdue=late,
        page=None if filters.overdue.data else page_of(
            db, ordered(query, queries.REPORT_SORTS, order), order),
        states=STATE_NAMES,
    )  # fmt: skip


@table_download(blueprint, "/progress", endpoint="reports")
@allow(*READERS)
def reports_table() -> Table:
    filters = lists.checked(ReportFilterForm(request.args))
    query = queries.reports_query(allocation=filters.allocation.data, state=filters.state.data)
    found = db_session().scalars(
        ordered(query, queries.REPORT_SORTS, lists.order(queries.REPORT_SORTS))
    )
    rows = [(r.id, r.allocation_id, r.period_start, r.period_end, r.state, len(r.results),
             r.submitted_by, r.reviewed_by) for r in found]  # fmt: skip
    header = ("id", "allocation", "from", "to", "state", "results", "submitted_by",
              "reviewed_by")  # fmt: skip
    return Table("progress-reports", header, rows)


@blueprint.get("/progress/<int:report_id>")
@allow(*READERS)
def report(report_id: int) -> str:
    db = db_session()
    found = db.get(ProgressReport, report_id) if report_id <= MAX_ID else None
    if found is None:
        raise NotFound(_("There is no progress report #%(id)s.", id=report_id))
    attached = documents.section(db, [(OwnerKind.PROGRESS_REPORT, found.id, "")])
    return render_template("progress/report.html", report=found, states=STATE_NAMES,
                           **attached)  # fmt: skip
