"""CLI commands for work plans, allocations, availability, refunds and settings.

Steps taken by a person name them with ``--as EMAIL``; the account must hold the role
the step needs (secretariat proposes and pays, cajp decides, admin configures).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import click
from sqlalchemy.orm import Session

from fundledger import clock
from fundledger.allocations.categories import CATEGORIES
from fundledger.allocations.models import Allocation, Budget
from fundledger.cli.tools import (
    AS_USER,
    FORMAT,
    ID,
    TABLE,
    TEXT,
    Output,
    acting_as,
    amount_option,
    database,
    date_option,
    emit,
    report,
)
from fundledger.errors import NotFound
from fundledger.inputs import InvalidInput, parse_id
from fundledger.money import InvalidAmount, parse_decimal, plain, quantize


def _allocation(session: Session, allocation_id: int) -> Allocation:
    found = session.get(Allocation, allocation_id)
    if found is None:
        raise NotFound(f"there is no allocation {allocation_id}")
    return found


#: A CAJP decision names its meeting (``fundledger meeting list``), carries its own
#: reference, or both.
DECISION_REF = click.option(
    "--decision-ref", "reference",
    help="The decision's own document, e.g. CP/CAJP-2450/06 (optional with --meeting).",
)  # fmt: skip
MEETING = click.option("--meeting", type=ID, help="The id of the CAJP meeting that decided.")


@click.group()
def budget() -> None:
    """Annual work plans: planned amounts per activity, approved by the CAJP."""


@budget.command("propose")
@click.option("--year", required=True, type=click.IntRange(2000, 2199))
@click.option("--line", "lines", multiple=True, required=True, metavar="ACTIVITY:AMOUNT:WHY",
              help="One line of the plan; repeat it.")  # fmt: skip
@AS_USER
def budget_propose(year: int, lines: tuple[str, ...], as_email: str) -> None:
    """Propose a work plan (or a revision of the year's plan); prints its id."""
    from fundledger.allocations.budgets import propose_budget

    parsed = []
    for line in lines:
        activity, _, rest = line.partition(":")
        amount, _, why = rest.partition(":")
        try:
            parsed.append((parse_id(activity, "activity"), parse_decimal(amount), why))
        except (InvalidInput, InvalidAmount):
            raise click.BadParameter(f"{line!r} is not ACTIVITY:AMOUNT:WHY",
                                     param_hint="--line") from None  # fmt: skip
    with database().transaction() as session:
        actor = acting_as(session, as_email, "secretariat")
        click.echo(propose_budget(session, actor, year=year, lines=parsed).id)


@budget.command("approve")
@click.argument("budget_id", type=ID)
@DECISION_REF
@MEETING
@date_option("--date", "on", help="Date of the CAJP decision.", required=True)
@click.option("--reject", is_flag=True, help="Reject the whole plan instead.")
@click.option("--line", "verdicts", multiple=True, metavar="ACTIVITY:approve|reject",
              help="Decide line by line; repeat for every line.")  # fmt: skip
@click.option("--comment")
@AS_USER
def budget_approve(
    budget_id: int, reference: str | None, meeting: int | None, on: dt.date, reject: bool,
    verdicts: tuple[str, ...], comment: str | None, as_email: str,
) -> None:  # fmt: skip
    """Record the CAJP's decision on a work plan, as a whole or line by line."""
    from fundledger.allocations.budgets import decide_budget

    by_line = None
    if verdicts:
        by_line = {}
        for verdict in verdicts:
            activity, _, word = verdict.partition(":")
            try:
                if word not in ("approve", "reject"):
                    raise InvalidInput(f"{word[:20]!r} is not approve or reject", "form")
                by_line[parse_id(activity, "activity")] = word == "approve"
            except InvalidInput:
                raise click.BadParameter(f"{verdict!r} is not ACTIVITY:approve|reject",
                                         param_hint="--line") from None  # fmt: skip
    with database().transaction() as session:
        actor = acting_as(session, as_email, "cajp")
        found = session.get(Budget, budget_id)
        if found is None:
            raise NotFound(f"there is no work plan {budget_id}")
        decided = decide_budget(
            session, actor, found, on=on, reference=reference, comment=comment,
            approve=None if by_line is not None else not reject, lines=by_line, meeting=meeting,
        )  # fmt: skip
        click.echo(decided.status)


@budget.command("list")
@click.option("--year", type=click.IntRange(2000, 2199))
@FORMAT
def budget_list(year: int | None, output_format: Output) -> None:
    """Every version of the work plans, with each line's status."""
    from fundledger.allocations.queries import budgets

    with database().session() as session:
        rows = [
            (b.id, b.year, b.version, b.status, line.activity_number, quantize(line.amount),
             line.status, b.decision_ref or "")
            for b in budgets(session, year)
            for line in b.lines
        ]  # fmt: skip
    emit(("id", "year", "version", "status", "activity", "amount", "line_status", "decision_ref"),
         rows, output_format, numeric=(0, 1, 2, 4, 5))  # fmt: skip


@click.group()
def allocation() -> None:
    """Allocations of the fund's money to activities, through the CAJP."""


POOLS = click.option(
    "--pool", "pools", multiple=True,
    help="unrestricted, or earmark:DONOR/EARMARK (e.g. earmark:MEX/activity:5); repeat, in "
    "the order to draw on them. Default: unrestricted.",
)  # fmt: skip


@allocation.command("propose")
@click.option("--activity", required=True, type=click.IntRange(1, 9999))
@click.option("--organ", type=TEXT,
              help="The organ paid (required for 30-32, which all the organs carry).")  # fmt: skip
@amount_option("--amount", help="Requested USD.", required=True)
@click.option("--purpose", required=True)
@date_option("--from", "start", help="Start of the period (default: today).")
@date_option("--to", "end", help="End of the period (default: the end of that year).")
@POOLS
@click.option(
    "--gender-marker", type=click.IntRange(0, 2), required=True,
    help="OECD DAC gender-equality marker: 0 not targeted, 1 significant, 2 principal.",
)  # fmt: skip
@AS_USER
def allocation_propose(
    activity: int, amount: Decimal, purpose: str, start: dt.date | None, end: dt.date | None,
    pools: tuple[str, ...], gender_marker: int, as_email: str, organ: str | None = None,
) -> None:  # fmt: skip
    """Draft an allocation; prints its id."""
    from fundledger.allocations.operations import propose_allocation

    start = start or clock.today()
    with database().transaction() as session:
        actor = acting_as(session, as_email, "secretariat")
        created = propose_allocation(
            session, actor, activity=activity, amount=amount, purpose=purpose,
            period_start=start, period_end=end or dt.date(start.year, 12, 31), pools=pools,
            gender_marker=gender_marker, organ=organ,
        )  # fmt: skip
        click.echo(created.id)


@allocation.command("submit")
@click.argument("allocation_id", type=ID)
@AS_USER
def allocation_submit(allocation_id: int, as_email: str) -> None:
    """Send a draft to the CAJP."""
    from fundledger.allocations.operations import submit_allocation

    with database().transaction() as session:
        actor = acting_as(session, as_email, "secretariat")
        submit_allocation(session, actor, _allocation(session, allocation_id))


@allocation.command("decide")
@click.argument("allocation_id", type=ID)
@click.option("--approve", "decision", flag_value="approve", help="Approve (see --amount).")
@click.option("--reject", "decision", flag_value="reject")
@click.option("--return", "decision", flag_value="return", help="Send back for revision.")
@amount_option("--amount", help="Approved USD, if less than requested.")
@DECISION_REF
@MEETING
@date_option("--date", "on", help="Date of the CAJP decision.", required=True)
@click.option("--comment")
@AS_USER
def allocation_decide(
    allocation_id: int, decision: str | None, amount: Decimal | None, reference: str | None,
    meeting: int | None, on: dt.date, comment: str | None, as_email: str,
) -> None:  # fmt: skip
    """Record the CAJP's decision on a submitted allocation."""
    from fundledger.allocations.operations import decide_allocation

    if decision is None:
        raise click.UsageError("give one of --approve, --reject or --return")
    with database().transaction() as session:
        actor = acting_as(session, as_email, "cajp")
        decided = decide_allocation(
            session, actor, _allocation(session, allocation_id), decision=decision, on=on,
            reference=reference, approved_amount=amount, comment=comment, meeting=meeting,
        )  # fmt: skip
        click.echo(decided.state)


@allocation.command("disburse")
@click.argument("allocation_id", type=ID)
@amount_option("--amount", help="USD of this tranche.", required=True)
@date_option("--date", "on", help="Value date.", required=True)
@click.option("--ref", "reference", help="Bank reference.")
@AS_USER
def allocation_disburse(
    allocation_id: int, amount: Decimal, on: dt.date, reference: str | None, as_email: str
) -> None:
    """Pay a tranche to the organ; prints the entry number."""
    from fundledger.allocations.operations import disburse

    with database().transaction() as session:
        actor = acting_as(session, as_email, "secretariat")
        entry = disburse(session, actor, _allocation(session, allocation_id), amount=amount, on=on,
                         reference=reference)  # fmt: skip
        click.echo(entry.number)


@allocation.command("expenditure")
@click.argument("allocation_id", type=ID)
@amount_option("--amount", help="USD spent.", required=True)
@date_option("--period-end", "period_end", help="End of the period reported.", required=True)
@click.option("--category", required=True, type=click.Choice(CATEGORIES),
              help="The UN harmonised expenditure category (docs/STATEMENTS.md).")
@click.option("--ref", "reference", help="The organ's report reference.")
@AS_USER
def allocation_expenditure(
    allocation_id: int, amount: Decimal, period_end: dt.date, category: str,
    reference: str | None, as_email: str,
) -> None:  # fmt: skip
    """Record an expenditure report from the organ; prints the entry number."""
    from fundledger.allocations.operations import report_expenditure

    with database().transaction() as session:
        actor = acting_as(session, as_email, "secretariat")
        entry = report_expenditure(
            session, actor, _allocation(session, allocation_id), amount=amount,
            period_end=period_end, category=category, reference=reference,
        )  # fmt: skip
        click.echo(entry.number)


@allocation.command("close")
@click.argument("allocation_id", type=ID)
@date_option("--date", "on", help="Date the unspent balance came back.", required=True)
@click.option("--comment")
@AS_USER
def allocation_close(allocation_id: int, on: dt.date, comment: str | None, as_email: str) -> None:
    """Close: the unspent advance returns to the fund and the commitment is released."""
    from fundledger.allocations.operations import close_allocation

    with database().transaction() as session:
        actor = acting_as(session, as_email, "secretariat")
        close_allocation(session, actor, _allocation(session, allocation_id), on=on,
                         comment=comment)  # fmt: skip


@allocation.command("list")
@click.option(
    "--state",
    type=click.Choice(
        [
            "draft",
            "submitted",
            "approved",
            "rejected",
            "returned",
            "disbursed",
            "reported",
            "closed",
        ]
    ),
)
@FORMAT
def allocation_list(state: str | None, output_format: Output) -> None:
    """Allocations with their amounts and pools."""
    from fundledger.allocations.queries import allocations

    with database().session() as session:
        rows = [
            (a.id, a.activity_number, a.organ_code, a.state, quantize(a.requested_amount),
             quantize(a.approved_amount) if a.approved_amount is not None else None,
             quantize(a.disbursed), quantize(a.spent),
             " ".join(p.pool for p in a.pools), a.gender_marker)
            for a in allocations(session, state=state)
        ]  # fmt: skip
    emit(("id", "activity", "organ", "state", "requested", "approved", "disbursed", "spent",
          "pools", "gender_marker"), rows, output_format, numeric=(0, 1, 4, 5, 6, 7))  # fmt: skip


@allocation.command("show")
@click.argument("allocation_id", type=ID)
def allocation_show(allocation_id: int) -> None:
    """One allocation's timeline: who did what, when, with which reference."""
    with database().session() as session:
        found = _allocation(session, allocation_id)
        click.echo(f"allocation {found.id}: activity {found.activity_number} "
                   f"({found.organ_code}), {found.state}, {found.purpose}")  # fmt: skip
        rows = [
            (e.at.strftime("%Y-%m-%d %H:%M"), e.action, e.to_state, e.actor,
             e.on.isoformat() if e.on else "", plain(e.amount) if e.amount is not None else "",
             e.reference or "", e.comment or "")
            for e in found.events
        ]  # fmt: skip
    emit(("at", "action", "state", "by", "date", "amount", "reference", "comment"), rows,
         TABLE, numeric=(5,))  # fmt: skip


@click.command("available")
@FORMAT
def available(output_format: Output) -> None:
    """Money, open commitments and what is available, per funding pool, in USD."""
    from fundledger.allocations.pools import availability
    from fundledger.allocations.settings import counts_receivables

    with database().session() as session:
        pools = availability(session, with_receivables=counts_receivables(session))
    rows = [(p.pool, quantize(p.money), quantize(p.committed), quantize(p.available))
            for p in pools.values()]  # fmt: skip
    emit(("pool", "money", "committed", "available"), rows, output_format, numeric=(1, 2, 3))


@report.command("budget")
@click.option("--year", required=True, type=click.IntRange(2000, 2199))
@click.option("--by", type=click.Choice(["activity", "organ", "objective"]), default="activity",
              show_default=True)  # fmt: skip
@FORMAT
def report_budget(year: int, by: str, output_format: Output) -> None:
    """Budget against allocated, disbursed and spent, in USD."""
    from fundledger.allocations.execution import budget_report

    with database().session() as session:
        rows = [(r.key, r.label, quantize(r.budget), quantize(r.allocated),
                 quantize(r.disbursed), quantize(r.spent))
                for r in budget_report(session, year, by)]  # fmt: skip
    emit((by, "name", "budget", "allocated", "disbursed", "spent"), rows, output_format,
         numeric=(2, 3, 4, 5))  # fmt: skip
    if by == "objective" and output_format.format == "table":
        click.echo("An activity serving several objectives counts under each: "
                   "this view does not add up to the fund's total.")  # fmt: skip


@report.command("queue")
@FORMAT
def report_queue(output_format: Output) -> None:
    """The CAJP's queue: submitted allocations and what approving each would leave."""
    from fundledger.allocations.queries import cajp_queue

    with database().session() as session:
        rows = [
            (item.allocation.id, item.allocation.activity_number, item.allocation.organ_code,
             quantize(item.allocation.requested_amount), impact.pool,
             quantize(impact.available_before), quantize(impact.available_after),
             "yes" if item.fits else "no", item.allocation.gender_marker)
            for item in cajp_queue(session)
            for impact in item.pools
        ]  # fmt: skip
    emit(("id", "activity", "organ", "requested", "pool", "available", "after", "fits",
          "gender_marker"), rows, output_format, numeric=(0, 1, 3, 5, 6))  # fmt: skip


@click.command("refund")
@click.option("--pool", required=True, help="DONOR/EARMARK, e.g. MEX/activity:5.")
@amount_option("--amount", help="USD to give back.", required=True)
@date_option("--date", "on", help="Value date.", required=True)
@click.option("--reason", required=True)
@AS_USER
def refund(pool: str, amount: Decimal, on: dt.date, reason: str, as_email: str) -> None:
    """Refund unused earmarked money to its donor; prints the entry number."""
    from fundledger.allocations.pool_moves import refund_to_donor

    with database().transaction() as session:
        actor = acting_as(session, as_email, "secretariat")
        entry = refund_to_donor(session, actor, pool=pool, amount=amount, on=on, reason=reason)
        click.echo(entry.number)


@click.command("interest")
@date_option("--date", "on", help="The day the bank credited it.", required=True)
@amount_option("--amount", help="USD credited.", required=True)
@click.option("--ref", "reference", help="The bank's reference.")
@AS_USER
def interest(on: dt.date, amount: Decimal, reference: str | None, as_email: str) -> None:
    """Record bank interest credited to the Fund; prints the entry number."""
    from fundledger.allocations.interest import record_interest

    with database().transaction() as session:
        actor = acting_as(session, as_email, "secretariat")
        entry = record_interest(session, actor, on=on, amount=amount, reference=reference)
        click.echo(entry.number)


@click.command("re-earmark")
@click.option("--pool", required=True, help="DONOR/EARMARK no allocation can use, e.g. "
              "CAN/objective:6.")
@click.option("--to", "target", required=True, help="The donor's new earmark: objective:N, "
              "activity:N or organ:CODE, one an activity the fund finances can use.")
@amount_option("--amount", help="USD to move.", required=True)
@date_option("--date", "on", help="Date of the move.", required=True)
@click.option("--reason", required=True, help="Why, e.g. the donor's letter agreeing to it.")
@AS_USER
def re_earmark(
    pool: str, target: str, amount: Decimal, on: dt.date, reason: str, as_email: str
) -> None:
    """Move a donor's money from an earmark no allocation can use to a usable one of the
    same donor; prints the entry number."""
    from fundledger.allocations.pool_moves import re_earmark as move

    with database().transaction() as session:
        actor = acting_as(session, as_email, "secretariat")
        entry = move(session, actor, pool=pool, to=target, amount=amount, on=on, reason=reason)
        click.echo(entry.number)


@click.group()
def setting() -> None:
    """The fund's settings."""


@setting.command("list")
def setting_list() -> None:
    """Each setting, its value and what it means."""
    from fundledger.allocations.settings import SETTINGS, get_setting

    with database().session() as session:
        rows = [(key, get_setting(session, key), meaning) for key, (_, meaning) in SETTINGS.items()]
    emit(("setting", "value", "meaning"), rows, TABLE)


@setting.command("set")
@click.argument("key")
@click.argument("value")
@AS_USER
def setting_set(key: str, value: str, as_email: str) -> None:
    """Change a setting (admin)."""
    from fundledger.allocations.settings import set_setting

    with database().transaction() as session:
        set_setting(session, acting_as(session, as_email, "admin"), key, value)


COMMANDS = (budget, allocation, available, refund, interest, re_earmark, setting)
