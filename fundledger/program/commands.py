"""``fundledger program revise``: record a CAJP decision revising the Program, one change
per command, and list the revisions."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import click

from fundledger.cli.tools import (
    AS_USER,
    FORMAT,
    ID,
    TEXT,
    Output,
    acting_as,
    database,
    date_option,
    emit,
)
from fundledger.program.source_data import ImplementerGroup

NUMBER = click.IntRange(1, 9999)


def decision(command: Callable[..., Any]) -> Callable[..., Any]:
    """The options every revision takes: its date, its decision, who records it."""
    for option in reversed((
        date_option("--effective", "effective_on", required=True,
                    help="The day the change takes effect (not after today)."),
        click.option("--reference", type=TEXT, help="The decision's document, e.g. "
                     "CP/CAJP/DEC. 12/26 (optional with --meeting)."),
        click.option("--meeting", type=ID, help="The id of the CAJP meeting that decided."),
        date_option("--decided", "decided_on",
                    help="The day of the decision (default: --effective)."),
        click.option("--existing-continue", is_flag=True,
                     help="The decision says allocations already made to an activity it "
                     "makes unfundable continue."),
        AS_USER,
    )):  # fmt: skip
        command = option(command)
    return command


@click.group()
def revise() -> None:
    """CAJP decisions revising the Program: activities, implementers, cross-reference."""


def _record(change: Any, options: dict[str, Any]) -> None:
    from fundledger.program.revisions import describe, revise_program

    as_email = options.pop("as_email")
    with database().transaction() as session:
        actor = acting_as(session, as_email, "cajp")
        revision = revise_program(session, actor, changes=[change], **options)
        click.echo(f"{revision.id}: {describe(revision.changes[0])}")


@revise.command("add-activity")
@click.argument("number", type=NUMBER)
@click.option("--implementer", type=TEXT, required=True, help="The code of its carrier.")
@click.option("--title", type=TEXT, required=True)
@decision
def add_activity(number: int, implementer: str, title: str, **options: Any) -> None:
    """Add activity NUMBER; prints the revision's id and the change."""
    from fundledger.program.revisions import Change

    _record(Change("add_activity", activity=number, implementer=implementer, text=title), options)


@revise.command("move-activity")
@click.argument("number", type=NUMBER)
@click.option("--to", "implementer", type=TEXT, required=True, help="The new carrier's code.")
@decision
def move_activity(number: int, implementer: str, **options: Any) -> None:
    """Give activity NUMBER another carrier."""
    from fundledger.program.revisions import Change

    _record(Change("move_activity", activity=number, implementer=implementer), options)


@revise.command("add-implementer")
@click.argument("code", type=TEXT)
@click.option("--name", type=TEXT, required=True)
@click.option("--group", type=click.Choice([g.value for g in ImplementerGroup]), required=True,
              help="oas_organ: an OAS organ, agency or entity (fundable work).")  # fmt: skip
@decision
def add_implementer(code: str, name: str, group: str, **options: Any) -> None:
    """Add the implementer CODE."""
    from fundledger.program.revisions import Change

    _record(Change("add_implementer", implementer=code, text=name, group=group), options)


@revise.command("link")
@click.argument("activity", type=NUMBER)
@click.argument("objective", type=click.IntRange(1, 20))
@decision
def link(activity: int, objective: int, **options: Any) -> None:
    """Cross ACTIVITY with specific OBJECTIVE in the cross-reference."""
    from fundledger.program.revisions import Change

    _record(Change("link", activity=activity, objective=objective), options)


@revise.command("unlink")
@click.argument("activity", type=NUMBER)
@click.argument("objective", type=click.IntRange(1, 20))
@decision
def unlink(activity: int, objective: int, **options: Any) -> None:
    """Remove the cross of ACTIVITY with specific OBJECTIVE."""
    from fundledger.program.revisions import Change

    _record(Change("unlink", activity=activity, objective=objective), options)


@revise.command("list")
@FORMAT
def revise_list(output_format: Output) -> None:
    """The revisions, latest effective first, one row per change."""
    from fundledger.program.revisions import describe, revisions

    with database().session() as session:
        rows = [(r.id, r.effective_on, r.reference, describe(c))
                for r in revisions(session) for c in r.changes]  # fmt: skip
    emit(("id", "effective", "reference", "change"), rows, output_format, numeric=(0,))
