"""The home page: what the fund is, and a dashboard for each role the user holds."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from flask import Blueprint, render_template
from markupsafe import Markup

from fundledger.allocations.unusable import unusable_pools
from fundledger.auth import sessions
from fundledger.auth.access import own_donor
from fundledger.auth.models import Role
from fundledger.dashboards import queries
from fundledger.dashboards.charts import Series, bar_chart
from fundledger.web.database import db_session
from fundledger.web.i18n import _, _l, usd

blueprint = Blueprint("home", __name__)

#: Who sees the fund's figures and the Secretariat's tasks (DESIGN §2).
FUND_ROLES = frozenset({Role.SECRETARIAT, Role.ADMIN})


@blueprint.get("/")
def index() -> str:
    db, today = db_session(), sessions.now().date()
    user = sessions.current()
    roles = user.roles if user is not None else frozenset()
    panels: dict[str, Any] = {}
    if roles & FUND_ROLES:
        panels["fund"] = fund = queries.fund_overview(db, today)
        panels["fund_chart"] = fund_chart(fund.years)
        panels["tasks"] = queries.secretariat_tasks(db, today)
        panels["unusable"] = unusable_pools(db)
        panels["can_move_unusable"] = Role.SECRETARIAT in roles
    if Role.CAJP in roles:
        panels["cajp"] = queries.cajp_overview(db)
    if Role.DONOR in roles:
        panels["donor"] = queries.donor_overview(db, own_donor(), today)
    if Role.AUDITOR in roles:  # the last verification and the audit log: the auditor's job
        panels["audit"] = queries.audit_overview(db)
    return render_template("index.html", **panels)


#: The chart's bars: a figure of each fiscal year, and its label.
CHART_SERIES = (
    ("pledged", _l("Pledged")),
    ("received", _l("Received")),
    ("allocated", _l("Allocated")),
    ("disbursed", _l("Disbursed")),
    ("spent", _l("Spent")),
)


def fund_chart(years: Sequence[queries.FundYear]) -> Markup:
    """Money in and out by fiscal year: the bars behind the table on the dashboard."""
    return bar_chart(
        _("By fiscal year, USD"),
        [str(year.year) for year in years],
        [Series(str(label), [getattr(y, name) for y in years]) for name, label in CHART_SERIES],
        chart_id="fund-chart",
        amount_text=usd,
    )
