"""``fundledger cofinancing``: record, list and withdraw co-financing items; and
``fundledger report resources``, the Program's resources by specific objective."""

from __future__ import annotations

from decimal import Decimal

import click

from fundledger.cli.tools import (
    AS_USER,
    FORMAT,
    ID,
    TEXT,
    Output,
    acting_as,
    amount_option,
    database,
    emit,
    report,
)
from fundledger.cofinancing.models import SourceKind
from fundledger.money import quantize

_YEAR = click.IntRange(2000, 2199)


@click.group()
def cofinancing() -> None:
    """Co-financing: resources spent on the Program outside the Fund (never in its ledger)."""


@cofinancing.command("add")
@click.option("--activity", type=click.IntRange(1, 100), required=True, help="Program activity.")
@click.option("--year", type=_YEAR, required=True, help="The year the money was spent.")
@click.option("--source", "source_kind", type=click.Choice([k.value for k in SourceKind]),
              required=True, help="Where the money came from.")  # fmt: skip
@click.option("--name", "source_name", type=TEXT, required=True,
              help="The source: an organ's code, a state, an institution.")  # fmt: skip
@amount_option("--amount", help="In USD.", required=True)
@click.option("--description", type=TEXT, required=True, help="What it paid for, and where "
              "it is reported.")  # fmt: skip
@AS_USER
def cofinancing_add(activity: int, year: int, source_kind: str, source_name: str,
                    amount: Decimal, description: str, as_email: str) -> None:  # fmt: skip
    """Record resources spent on an activity outside the Fund; prints the item's id."""
    from fundledger.cofinancing.operations import record_item

    with database().transaction() as session:
        actor = acting_as(session, as_email, "secretariat")
        item = record_item(session, actor, activity=activity, year=year,
                           source_kind=source_kind, source_name=source_name, amount=amount,
                           description=description)  # fmt: skip
        click.echo(item.id)


@cofinancing.command("withdraw")
@click.argument("item_id", type=ID)
@click.option("--reason", type=TEXT, required=True, help="Why the item is withdrawn.")
@AS_USER
def cofinancing_withdraw(item_id: int, reason: str, as_email: str) -> None:
    """Withdraw an item recorded in error (it is kept, with who, when and why)."""
    from fundledger.cofinancing.models import CofinancingItem
    from fundledger.cofinancing.operations import withdraw_item
    from fundledger.errors import NotFound

    with database().transaction() as session:
        actor = acting_as(session, as_email, "secretariat")
        item = session.get(CofinancingItem, item_id)
        if item is None:
            raise NotFound(f"there is no co-financing item {item_id}")
        withdraw_item(session, actor, item, reason=reason)


@cofinancing.command("list")
@click.option("--year", type=_YEAR, help="Only this year.")
@FORMAT
def cofinancing_list(year: int | None, output_format: Output) -> None:
    """Co-financing items, newest year first, withdrawn ones marked."""
    from fundledger.cofinancing.queries import ITEM_SORTS, items_query
    from fundledger.listing import ListArgs, ordered

    newest_first = ordered(items_query(year=year), ITEM_SORTS, ListArgs("year", descending=True))
    with database().session() as session:
        rows = [(i.id, i.year, i.activity_number, i.source_kind, i.source_name,
                 quantize(i.amount), i.description, "withdrawn" if i.withdrawn_at else "")
                for i in session.scalars(newest_first)]  # fmt: skip
    emit(("id", "year", "activity", "source", "name", "amount_usd", "description", "status"),
         rows, output_format, numeric=(0, 1, 2, 5))  # fmt: skip


@report.command("resources")
@click.option("--year", type=_YEAR, help="Only this year (default: every year).")
@FORMAT
def report_resources(year: int | None, output_format: Output) -> None:
    """The Program's resources by specific objective: the Fund, the Regular Fund, others, USD."""
    from fundledger.cofinancing.queries import Resources, resources_by_objective

    with database().session() as session:
        found = resources_by_objective(session, year)
    lines: list[tuple[object, str, Resources]] = [
        (o.number, o.title, o.resources) for o in found.objectives
    ]
    lines.append(("", "whole Program (each activity once)", found.program))
    rows = [(key, name, quantize(r.fund), quantize(r.regular_fund), quantize(r.others),
             quantize(r.total)) for key, name, r in lines]  # fmt: skip
    emit(("objective", "name", "fund", "regular_fund", "others", "total"), rows, output_format,
         numeric=(0, 2, 3, 4, 5))  # fmt: skip
    if output_format.format == "table":
        click.echo("An activity serving several objectives counts under each: the objectives "
                   "do not add up to the whole Program.")  # fmt: skip
