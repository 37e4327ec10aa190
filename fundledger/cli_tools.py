"""What every area's CLI commands share: the database, the actor, options, output."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import replace
from decimal import Decimal
from typing import Any, TextIO

import click
from flask import current_app
from sqlalchemy.orm import Session

from fundledger.actors import Actor, command_line_actor
from fundledger.db import Database
from fundledger.errors import FundledgerError
from fundledger.money import InvalidAmount, parse_decimal
from fundledger.tabular import to_csv, to_table


class NotAllowed(FundledgerError):
    """The user named with --as may not take this step."""


FORMAT = click.option(
    "--format",
    "output_format",
    type=click.Choice(["table", "csv"]),
    default="table",
    show_default=True,
    help="Aligned text for people, or CSV for spreadsheets.",
)


def database(*, migrated: bool = True) -> Database:
    """The app's database; by default refuses (exit 1) unless it is at the current schema."""
    from fundledger.migrate import pending
    from fundledger.web.database import get_database

    db = get_database(current_app)
    if migrated and (problem := pending(db.engine)):
        raise FundledgerError(problem)
    return db


def actor() -> Actor:
    """The operator, for ``created_by`` and the audit log."""
    return command_line_actor()


AS_USER = click.option(
    "--as",
    "as_email",
    required=True,
    metavar="EMAIL",
    help="The user taking this step; they must hold the role it needs.",
)


def acting_as(session: Session, email: str, role: str) -> Actor:
    """The user ``email`` as the actor, provided the account is active and has ``role``."""
    from fundledger.auth.queries import user_by_email

    user = user_by_email(session, email)
    if user is None or not user.active:
        raise NotAllowed(f"there is no active user {email[:80]!r}")
    if role not in user.roles:
        raise NotAllowed(f"{user.email} does not have the {role} role this step needs")
    return replace(command_line_actor(), name=user.email)


def emit(
    header: Sequence[str],
    rows: Sequence[Sequence[object]],
    output_format: str,
    *,
    numeric: Sequence[int] = (),
    out: TextIO | None = None,
) -> None:
    if output_format == "csv":
        text = to_csv(header, rows)
    else:
        text = to_table(header, rows, numeric=numeric)
    click.echo(text, nl=False, file=out)


def _parse_date(_ctx: click.Context, param: click.Parameter, value: str | None) -> dt.date | None:
    if value is None:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise click.BadParameter(f"{value!r} is not a date (YYYY-MM-DD)", param=param) from None


def date_option(
    *names: str, help: str, required: bool = False
) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    return click.option(
        *names, callback=_parse_date, metavar="YYYY-MM-DD", help=help, required=required
    )


def _parse_amount(_ctx: click.Context, param: click.Parameter, value: str | None) -> Decimal | None:
    if value is None:
        return None
    try:
        return parse_decimal(value, what=param.name or "amount")
    except InvalidAmount as error:
        raise click.BadParameter(str(error), param=param) from None


def amount_option(
    *names: str, help: str, required: bool = False
) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """A plain decimal (no exponent, NaN or separators), parsed straight into Decimal."""
    return click.option(
        *names, callback=_parse_amount, metavar="DECIMAL", help=help, required=required
    )


@click.group()
def report() -> None:
    """Reports on contributions, budgets and allocations."""
