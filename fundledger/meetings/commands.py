"""``fundledger meeting``: record the CAJP's meetings and list them, with their ids for
``--meeting`` of the decisions."""

from __future__ import annotations

import datetime as dt

import click

from fundledger.cli.tools import (
    AS_USER,
    FORMAT,
    TEXT,
    Output,
    acting_as,
    database,
    date_option,
    emit,
)
from fundledger.meetings.models import MeetingKind


@click.group()
def meeting() -> None:
    """The CAJP's meetings: regular, with the implementers, of experts before a Summit."""


@meeting.command("add")
@date_option("--date", "held_on", help="The day it was held.", required=True)
@click.option("--type", "kind", type=click.Choice([k.value for k in MeetingKind]), required=True,
              help="regular, implementers (the annual meeting) or experts (before a Summit).")
@click.option("--reference", type=TEXT, required=True, help="e.g. CP/CAJP/SA.612/26")
@click.option("--title", type=TEXT, help="What it was about.")
@AS_USER
def meeting_add(
    held_on: dt.date, kind: str, reference: str, title: str | None, as_email: str
) -> None:  # fmt: skip
    """Record a meeting that was held; prints its id."""
    from fundledger.meetings.operations import record_meeting

    with database().transaction() as session:
        actor = acting_as(session, as_email, "cajp")
        recorded = record_meeting(session, actor, held_on=held_on, kind=kind,
                                  reference=reference, title=title)  # fmt: skip
        click.echo(recorded.id)


@meeting.command("list")
@FORMAT
def meeting_list(output_format: Output) -> None:
    """Every meeting, latest first, with the decisions recorded at it."""
    from fundledger.allocations.queries import meeting_decisions
    from fundledger.meetings.queries import meetings

    with database().session() as session:
        rows = [(m.id, m.held_on, m.kind, m.reference, m.title or "",
                 len(meeting_decisions(session, m.id)))
                for m in meetings(session)]  # fmt: skip
    emit(("id", "date", "type", "reference", "title", "decisions"), rows, output_format,
         numeric=(0, 5))  # fmt: skip
