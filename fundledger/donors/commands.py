"""CLI commands for donors, rates, pledges, receipts and contribution reports."""

from __future__ import annotations

import datetime as dt
import sys
from decimal import Decimal
from typing import BinaryIO

import click

from fundledger import clock
from fundledger.cli.tools import (
    AS_USER,
    FORMAT,
    ID,
    Output,
    acting_as,
    actor,
    amount_option,
    database,
    date_option,
    emit,
    report,
)
from fundledger.donors.models import DonorType
from fundledger.errors import NotFound
from fundledger.inputs import InvalidInput, parse_date
from fundledger.money import InvalidAmount, parse_decimal, quantize

LANGUAGE = click.Choice(["en", "es", "fr", "pt"])


@click.group()
def donor() -> None:
    """Donors: member states, observers and organizations that contribute."""


@donor.command("add")
@click.option("--code", required=True, help="Short unique code, e.g. MEX, ES-OBS, IOM.")
@click.option("--name", required=True)
@click.option("--type", "kind", required=True, type=click.Choice([t.value for t in DonorType]))
@click.option("--country", help="ISO 3166 alpha-2 code.")
@click.option("--lang", "language", type=LANGUAGE, default="en", show_default=True,
              help="Language of its statements.")  # fmt: skip
@click.option("--contact", help="Contact person or address.")
def donor_add(
    code: str, name: str, kind: str, country: str | None, language: str, contact: str | None
) -> None:
    """Register a donor."""
    from fundledger.donors.operations import create_donor

    with database().transaction() as session:
        created = create_donor(
            session, actor(), code=code, name=name, type=kind, country=country,
            language=language, contact=contact,
        )  # fmt: skip
        click.echo(created.code)


@donor.command("edit")
@click.argument("code")
@click.option("--name", help="Its main name.")
@click.option("--anonymous/--named", default=None,
              help="Show it in public (page, IATI file, public API) as \"Anonymous donor\".")
@click.option("--name-en", help="Its name in English, where it differs (blank removes it).")
@click.option("--name-es", help="Its name in Spanish.")
@click.option("--name-fr", help="Its name in French.")
@click.option("--name-pt", help="Its name in Portuguese.")
def donor_edit(code: str, name: str | None, anonymous: bool | None, name_en: str | None,
               name_es: str | None, name_fr: str | None, name_pt: str | None) -> None:  # fmt: skip
    """Change a donor's name, its names by language, or whether it is anonymous in public;
    what is not given stays."""
    from fundledger.donors.operations import known_donor, update_donor

    given = {"en": name_en, "es": name_es, "fr": name_fr, "pt": name_pt}
    with database().transaction() as session:
        found = known_donor(session, code)
        update_donor(
            session, actor(), found, name=found.name if name is None else name,
            country=found.country, language=found.language, contact=found.contact,
            anonymous=anonymous,
            names={language: value for language, value in given.items() if value is not None},
        )  # fmt: skip
        click.echo(found.code)


@donor.command("list")
@FORMAT
def donor_list(output_format: Output) -> None:
    """All donors, active and inactive."""
    from fundledger.donors.queries import donors

    with database().session() as session:
        rows = [
            (d.code, d.name, d.type, d.country or "", d.language, "yes" if d.active else "no")
            for d in donors(session)
        ]
    emit(("code", "name", "type", "country", "language", "active"), rows, output_format)


@donor.command("balance")
@click.argument("code")
@FORMAT
def donor_balance(code: str, output_format: Output) -> None:
    """Pledged, received, outstanding and unapplied, in USD."""
    from fundledger.donors.operations import known_donor
    from fundledger.donors.queries import donor_position

    with database().session() as session:
        found = known_donor(session, code)
        position = donor_position(session, found)
    emit(
        ("donor", "pledged", "received", "outstanding", "unapplied"),
        [(found.code, quantize(position.pledged), quantize(position.received),
          quantize(position.outstanding), quantize(position.unapplied))],
        output_format, numeric=(1, 2, 3, 4),
    )  # fmt: skip


@donor.command("deactivate")
@click.argument("code")
def donor_deactivate(code: str) -> None:
    """Stop new pledges and receipts from a donor; its history stays."""
    _set_active(code, False)


@donor.command("activate")
@click.argument("code")
def donor_activate(code: str) -> None:
    """Accept pledges and receipts from a donor again."""
    _set_active(code, True)


def _set_active(code: str, active: bool) -> None:
    from fundledger.donors.operations import known_donor, set_donor_active

    with database().transaction() as session:
        set_donor_active(session, actor(), known_donor(session, code), active)


@click.group()
def rate() -> None:
    """Exchange rates, always in USD per one unit of the currency."""


@rate.command("set")
@click.option("--currency", required=True, help="ISO 4217 code, e.g. CAD.")
@date_option("--date", "on", help="The day the rate applies to.", required=True)
@amount_option("--rate", "value", help="USD per one unit: CAD 0.7200 means 1 CAD = 0.72 USD.",
               required=True)  # fmt: skip
def rate_set(currency: str, on: dt.date, value: Decimal) -> None:
    """Record (or correct) a currency's rate for a day."""
    from fundledger.donors.operations import set_rate

    with database().transaction() as session:
        set_rate(session, actor(), currency=currency, on=on, rate=value)


@click.group()
def fx() -> None:
    """Foreign-currency money: revalue open receivables and credits at a day's rates."""


@fx.command("revalue")
@date_option("--as-of", "as_of", required=True,
             help="The day whose rates apply, before today (a year end: YYYY-12-31).")
@AS_USER
def fx_revalue(as_of: dt.date, as_email: str) -> None:
    """Revalue every foreign-currency receivable and unapplied credit open at the end of
    the day at its rates, reversed the next day; once per day (docs/LEDGER.md)."""
    from fundledger.donors.revaluation import revalue

    with database().transaction() as session:
        done = revalue(session, acting_as(session, as_email, "secretariat"), as_of)
    day = as_of.isoformat()
    if done.entries is None:
        click.echo(f"nothing to revalue on {day}: every open foreign-currency receivable and "
                   f"credit ({done.items}) is at that day's rates; nothing posted")  # fmt: skip
        return
    entry, reversal = done.entries
    posted = (f"entry #{entry.number}, reversed by #{reversal.number} on "
              f"{reversal.entry_date.isoformat()}")  # fmt: skip
    if done.new:
        click.echo(f"revalued as of {day}: {posted} (open foreign-currency receivables and "
                   f"credits: {done.items})")  # fmt: skip
    else:
        click.echo(f"already revalued as of {day} ({posted}); nothing posted")


def _instalments(values: tuple[str, ...]) -> list[tuple[dt.date, Decimal]]:
    schedule = []
    for value in values:
        day, _, amount = value.partition(":")
        try:
            schedule.append((parse_date(day), parse_decimal(amount)))
        except (InvalidInput, InvalidAmount):
            raise click.BadParameter(
                f"{value!r} is not DATE:AMOUNT (e.g. 2025-06-30:25000)", param_hint="--instalment"
            ) from None
    return schedule


@click.command("pledge")
@click.option("--donor", "code", required=True, help="Donor code.")
@date_option("--date", "on", help="Date the agreement was signed.", required=True)
@amount_option("--amount", help="Amount pledged, in its currency.", required=True)
@click.option("--currency", required=True, help="ISO 4217 code.")
@amount_option("--rate", help="USD per unit (default: the rate table's for that date).")
@click.option("--earmark", help="objective:N, activity:N (1–32) or organ:CODE.")
@click.option("--ref", "reference", help="Agreement reference.")
@date_option("--due", "due", help="When the money is due.")
@click.option(
    "--instalment",
    "instalments",
    multiple=True,
    metavar="DATE:AMOUNT",
    help="One due date of a schedule; repeat it. The amounts add up to the pledge.",
)
def pledge(
    code: str, on: dt.date, amount: Decimal, currency: str, rate: Decimal | None,
    earmark: str | None, reference: str | None, due: dt.date | None, instalments: tuple[str, ...],
) -> None:  # fmt: skip
    """Record a signed pledge; prints the pledge id."""
    from fundledger.donors.operations import active_donor
    from fundledger.donors.pledges import record_pledge

    schedule = _instalments(instalments)
    with database().transaction() as session:
        recorded = record_pledge(
            session, actor(), active_donor(session, code), pledge_date=on, amount=amount,
            currency=currency, rate=rate, earmark=earmark, reference=reference, due_date=due,
            instalments=schedule,
        )  # fmt: skip
        click.echo(recorded.id)


@click.command("pledge-announce")
@click.option("--donor", "code", required=True, help="Donor code.")
@date_option("--date", "on", help="Date the donor announced it.", required=True)
@amount_option("--amount", help="Amount announced, in its currency.", required=True)
@click.option("--currency", required=True, help="ISO 4217 code.")
@amount_option("--rate", help="USD per unit (default: the rate table's for that date).")
@click.option("--earmark", help="objective:N, activity:N (1–32) or organ:CODE.")
@click.option("--ref", "reference", help="Where it was announced (a letter, a conference).")
def pledge_announce(
    code: str, on: dt.date, amount: Decimal, currency: str, rate: Decimal | None,
    earmark: str | None, reference: str | None,
) -> None:  # fmt: skip
    """Record a pledge announced and not yet signed (no money committed); prints its id."""
    from fundledger.donors.announcements import announce_pledge
    from fundledger.donors.operations import active_donor

    with database().transaction() as session:
        announced = announce_pledge(
            session, actor(), active_donor(session, code), announced_on=on, amount=amount,
            currency=currency, rate=rate, earmark=earmark, reference=reference,
        )  # fmt: skip
        click.echo(announced.id)


@click.command("pledge-sign")
@click.argument("announcement_id", type=ID)
@date_option("--date", "on", help="Date the agreement was signed.", required=True)
@amount_option("--rate", help="USD per unit (default: the rate table's for that date).")
@click.option("--ref", "reference", help="Agreement reference.")
@date_option("--due", "due", help="When the money is due.")
def pledge_sign(announcement_id: int, on: dt.date, rate: Decimal | None,
                reference: str | None, due: dt.date | None) -> None:  # fmt: skip
    """Record the signed pledge of an announced one; prints the pledge id."""
    from fundledger.donors.announcements import sign
    from fundledger.donors.models import PledgeAnnouncement

    with database().transaction() as session:
        found = session.get(PledgeAnnouncement, announcement_id)
        if found is None:
            raise NotFound(f"there is no announced pledge {announcement_id}")
        signed = sign(session, actor(), found, pledge_date=on, rate=rate, due_date=due,
                      reference=reference)  # fmt: skip
        click.echo(signed.id)


@click.command("pledge-reduce")
@click.argument("pledge_id", type=ID)
@amount_option("--amount", help="By how much, in the pledge's currency.", required=True)
@click.option("--reason", required=True)
@date_option("--date", "on", help="Date of the reduction (default: today).")
def pledge_reduce(pledge_id: int, amount: Decimal, reason: str, on: dt.date | None) -> None:
    """Reduce what a donor owes on a pledge (a reversing entry, never an edit)."""
    _reduce(pledge_id, amount, reason, on)


@click.command("pledge-cancel")
@click.argument("pledge_id", type=ID)
@click.option("--reason", required=True)
@date_option("--date", "on", help="Date of the cancellation (default: today).")
def pledge_cancel(pledge_id: int, reason: str, on: dt.date | None) -> None:
    """Cancel what is still outstanding on a pledge."""
    _reduce(pledge_id, None, reason, on)


def _reduce(pledge_id: int, amount: Decimal | None, reason: str, on: dt.date | None) -> None:
    from fundledger.donors.models import Pledge
    from fundledger.donors.pledges import reduce_pledge

    with database().transaction() as session:
        found = session.get(Pledge, pledge_id)
        if found is None:
            raise NotFound(f"there is no pledge {pledge_id}")
        reduce_pledge(
            session, actor(), found, on=on or clock.today(), reason=reason, amount=amount
        )


@click.command("receive")
@click.option("--donor", "code", required=True, help="Donor code.")
@date_option("--date", "on", help="Value date.", required=True)
@amount_option("--amount", help="Amount the bank credited, in its currency.", required=True)
@click.option("--currency", required=True)
@amount_option("--rate", help="USD per unit (default: the rate table's for that date).")
@click.option(
    "--pledge",
    "pledge_ids",
    multiple=True,
    type=ID,
    help="Pledge to settle; repeat for several (default: oldest first).",
)
@amount_option("--charges", help="Bank charges deducted before crediting.")
@click.option("--ref", "reference", help="Bank reference.")
@click.option("--unpledged", is_flag=True, help="No pledge: recognise it as revenue now.")
@click.option("--earmark", help="For unpledged money: objective:N, activity:N or organ:CODE.")
@click.option(
    "--overpayment", is_flag=True, help="Keep what exceeds the pledges as unapplied credit."
)
def receive(
    code: str, on: dt.date, amount: Decimal, currency: str, rate: Decimal | None,
    pledge_ids: tuple[int, ...], charges: Decimal | None, reference: str | None,
    unpledged: bool, earmark: str | None, overpayment: bool,
) -> None:  # fmt: skip
    """Record money received from a donor; prints the receipt id."""
    from fundledger.donors.models import Pledge
    from fundledger.donors.operations import active_donor
    from fundledger.donors.receipts import record_receipt

    with database().transaction() as session:
        pledges = []
        for pledge_id in pledge_ids:
            found = session.get(Pledge, pledge_id)
            if found is None:
                raise NotFound(f"there is no pledge {pledge_id}")
            pledges.append(found)
        receipt = record_receipt(
            session, actor(), active_donor(session, code), value_date=on, amount=amount,
            currency=currency, rate=rate, charges=Decimal(0) if charges is None else charges,
            pledges=pledges, unpledged=unpledged, earmark=earmark, overpayment=overpayment,
            reference=reference,
        )  # fmt: skip
        click.echo(receipt.id)


@click.command("credit-apply")
@click.option("--pledge", "pledge_id", required=True, type=ID)
@amount_option("--amount", help="How much (default: as much as both allow).")
@date_option("--date", "on", help="Date of the application (default: today).")
def credit_apply(pledge_id: int, amount: Decimal | None, on: dt.date | None) -> None:
    """Settle a pledge from the donor's unapplied credit (earlier overpayments)."""
    from fundledger.donors.models import Pledge
    from fundledger.donors.receipts import apply_credit

    with database().transaction() as session:
        found = session.get(Pledge, pledge_id)
        if found is None:
            raise NotFound(f"there is no pledge {pledge_id}")
        apply_credit(session, actor(), found, on=on or clock.today(), amount=amount)


@click.command("pledges")
@click.option("--donor", "code", help="Only this donor's.")
@FORMAT
def pledges(code: str | None, output_format: Output) -> None:
    """Pledges with what is still outstanding, in their currency and in USD."""
    from fundledger.donors.operations import known_donor
    from fundledger.donors.queries import pledge_statuses

    with database().session() as session:
        only = known_donor(session, code) if code else None
        rows = [
            (s.pledge.id, s.pledge.donor.code, s.pledge.pledge_date,
             s.pledge.currency, quantize(s.pledge.amount, s.pledge.currency),
             quantize(s.outstanding, s.pledge.currency), quantize(s.outstanding_usd),
             s.pledge.earmark or "", s.pledge.reference or "")
            for s in pledge_statuses(session, only)
        ]  # fmt: skip
    header = ("id", "donor", "date", "currency", "amount", "outstanding", "outstanding_usd",
              "earmark", "reference")  # fmt: skip
    emit(header, rows, output_format, numeric=(0, 4, 5, 6))


@report.command("ageing")
@date_option("--as-of", "as_of", help="Age at the end of this day (default: today).")
@FORMAT
def report_ageing(as_of: dt.date | None, output_format: Output) -> None:
    """Outstanding pledges and instalments by donor, in USD, by days overdue."""
    from fundledger.donors.queries import AGE_BUCKETS, ageing

    with database().session() as session:
        rows = [
            (row.donor.code, quantize(row.not_due),
             *(quantize(row.overdue[name]) for name, _, _ in AGE_BUCKETS), quantize(row.total))
            for row in ageing(session, as_of or clock.today())
        ]  # fmt: skip
    header = ("donor", "not_due", *(name for name, _, _ in AGE_BUCKETS), "total")
    emit(header, rows, output_format, numeric=tuple(range(1, len(header))))


@click.group("import")
def import_group() -> None:
    """Import files into the ledger."""


@import_group.command("contributions")
@click.argument("csv_file", type=click.File("rb"))
@click.option("--dry-run", is_flag=True, help="Check and report; post nothing.")
def import_contributions(csv_file: BinaryIO, dry_run: bool) -> None:
    """Post the pledges and receipts in CSV_FILE, all or none (see docs/IMPORT.md).

    Every bad row is listed on stderr; importing the same file again posts nothing.
    """
    from fundledger.donors.imports import ImportRejected
    from fundledger.donors.imports import import_contributions as run_import

    data = csv_file.read()
    rows = max(0, data.count(b"\n") - 1)
    try:
        with (
            database().transaction() as session,
            click.progressbar(
                length=rows, label="importing", file=sys.stderr, show_pos=True
            ) as bar,
        ):
            report = run_import(session, actor(), data, progress=bar.update)
            if dry_run:
                session.rollback()
    except ImportRejected as rejected:
        for line, problem in rejected.report.problems:
            click.echo(f"line {line}: {problem}", err=True)
        raise click.ClickException(rejected.report.summary()) from None
    prefix = "dry run, nothing posted: " if dry_run else ""
    click.echo(prefix + report.summary())


COMMANDS = (donor, rate, pledge, pledge_reduce, pledge_cancel, receive, credit_apply, pledges,
            report, import_group)  # fmt: skip
