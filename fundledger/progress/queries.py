"""Reading progress reports for the pages and the command line."""

from __future__ import annotations

from sqlalchemy import Select, select

from fundledger.listing import Columns, Sorts
from fundledger.progress.models import ProgressReport

#: How the list may be sorted: latest period first unless asked otherwise.
REPORT_SORTS: Sorts[Columns] = Sorts(
    {
        "period": (ProgressReport.period_end, ProgressReport.id),
        "allocation": (ProgressReport.allocation_id, ProgressReport.period_end),
        "state": (ProgressReport.state, ProgressReport.id),
    },
    default="period",
    descending=True,
)


def reports_query(
    *,
    allocation: int | None = None,
    state: str | None = None,
    allocations: list[int] | None = None,
) -> Select[ProgressReport]:
    """Reports in no order yet (see :data:`REPORT_SORTS`); ``allocations`` limits them to
    those allocations (a donor's)."""  # fmt: skip
    query = select(ProgressReport)
    if allocation is not None:
        query = query.where(ProgressReport.allocation_id == allocation)
    if state:
        query = query.where(ProgressReport.state == state)
    if allocations is not None:
        query = query.where(ProgressReport.allocation_id.in_(allocations))
    return query
