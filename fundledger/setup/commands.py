"""``fundledger backup FILE`` and ``fundledger restore FILE``: the whole database, on
SQLite and PostgreSQL (see :mod:`fundledger.setup.backup`)."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from fundledger.cli.tools import database


@click.command("backup")
@click.argument("target", metavar="FILE", type=click.Path(dir_okay=False, path_type=Path))
def backup(target: Path) -> None:
    """Write a consistent backup of the whole database to FILE, a new file; the
    application may keep running. SQLite: a copy of the database file; PostgreSQL:
    pg_dump's custom format (needs the PostgreSQL client tools)."""
    from fundledger.setup.backup import backup_database

    click.echo(backup_database(database(migrated=False), target).summary())


@click.command("restore")
@click.argument("source", metavar="FILE", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--force", is_flag=True, help="Replace the database even though it holds data.")
def restore(source: Path, force: bool) -> None:
    """Replace the configured database with the backup in FILE, then verify the ledger.

    Refuses a database that holds data (journal entries or audit events) unless
    --force is given, and a file that is not a backup of this kind of database. Stop
    the application first. Exit 1 if the restored ledger does not verify.
    """
    from fundledger.setup.backup import restore_database

    report = restore_database(database(migrated=False), source, force=force)
    for violation in report.ledger.violations:
        click.echo(violation, err=True)
    click.echo(report.summary())
    if not report.ledger.ok:
        sys.exit(1)


COMMANDS = (backup, restore)
