"""``fundledger report net-assets``: the net assets of every funding pool and of each
class as of a day (the figures of :mod:`fundledger.reporting.net_assets`)."""

from __future__ import annotations

import datetime as dt

from fundledger.cli.tools import FORMAT, database, date_option, emit, report


@report.command("net-assets")
@date_option("--as-of", "as_of", help="Balances at the end of this day (default: today).")
@FORMAT
def report_net_assets(as_of: dt.date | None, output_format: str) -> None:
    """Net assets by pool (cash, receivables, advances, liabilities) and class totals.

    The rows ``total unrestricted`` and ``total restricted`` give the trial balance's net
    assets of each class; restriction follows the money, so the pools add up to them.
    """
    from fundledger.reporting.net_assets import HEADER, net_assets

    with database().session() as session:
        rows = net_assets(session, as_of or dt.date.today()).rows()
    emit(HEADER, rows, output_format, numeric=range(2, len(HEADER)))
