"""CLI commands of the ledger: closing and reopening fiscal years.

Steps taken by a person name them with ``--as EMAIL``; closing needs the secretariat
role, reopening the admin role (another admin than the one who closed the year).
"""

from __future__ import annotations

import click

from fundledger.cli.tools import AS_USER, acting_as, database


@click.group()
def period() -> None:
    """Fiscal years: close (revenue and expenses into net assets, then lock) and reopen."""


@period.command("close")
@click.argument("year", type=click.IntRange(2000, 2199))
@AS_USER
def period_close(year: int, as_email: str) -> None:
    """Close YEAR: post the closing entry and lock the year.

    A year with foreign-currency money open at its end closes once its year-end
    revaluation is posted (``fundledger fx revalue``)."""
    from fundledger.ledger.periods import RevaluationPending, close_year

    with database().transaction() as session:
        try:
            close_year(session, acting_as(session, as_email, "secretariat"), year)
        except RevaluationPending as pending:
            pending.hint = f"fundledger fx revalue --as-of {pending.as_of.isoformat()} --as EMAIL"
            raise
    click.echo(f"fiscal year {year} closed")


@period.command("reopen")
@click.argument("year", type=click.IntRange(2000, 2199))
@click.option("--reason", required=True)
@AS_USER
def period_reopen(year: int, reason: str, as_email: str) -> None:
    """Reopen YEAR (an admin other than the one who closed it)."""
    from fundledger.ledger.periods import reopen_year

    with database().transaction() as session:
        reopen_year(session, acting_as(session, as_email, "admin"), year, reason=reason)
    click.echo(f"fiscal year {year} reopened")


@click.command("restate-restrictions")
@AS_USER
def restate_restrictions(as_email: str) -> None:
    """Restate the classes of entries posted before restriction followed the money.

    One reclassification entry per entry whose earmark and restricted class part, on
    that entry's own date (docs/LEDGER.md); running it again restates nothing twice.
    """
    from fundledger.ledger.restatement import restate_restrictions as restate

    with database().transaction() as session:
        posted = restate(session, acting_as(session, as_email, "secretariat"))
    numbers = ", ".join(f"#{entry.number}" for entry in posted)
    click.echo(f"{len(posted)} entries restated" + (f": {numbers}" if numbers else ""))


COMMANDS = (period, restate_restrictions)
