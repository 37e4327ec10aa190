"""The ``fundledger`` command: thin shells over operations and queries.

Usage errors exit 2 (click); a refused operation prints one line on stderr and exits 1.
"""

from __future__ import annotations

import datetime as dt
import importlib
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, BinaryIO

import click

from fundledger.cli.tools import (
    FORMAT,
    ID,
    Output,
    actor,
    check_text_parameters,
    config,
    database,
    date_option,
    emit,
    out_option,
    runtime,
)
from fundledger.config import ConfigurationError
from fundledger.errors import FundledgerError, NotFound
from fundledger.inputs import visible
from fundledger.money import quantize


@dataclass(frozen=True)
class Lazy:
    """A command imported only when it runs (or its own help is asked for), so that one
    command does not pay for importing every area's."""

    #: What ``fundledger --help`` shows; tests/integration/test_startup.py keeps it equal
    #: to the command's own short help.
    help: str
    #: ``module:attribute`` of the command.
    target: str
    #: Modules that add subcommands to it when imported.
    also: tuple[str, ...] = ()

    def load(self) -> click.Command:
        for module in self.also:
            importlib.import_module(module)
        module, attribute = self.target.split(":")
        command: click.Command = getattr(importlib.import_module(module), attribute)
        check_text_parameters(command)
        return command


_DONORS = "fundledger.donors.commands"
_ALLOCATIONS = "fundledger.allocations.commands"

#: The areas' commands, by name.
LAZY_COMMANDS = {
    "allocation": Lazy("Allocations of the fund's money to activities, through the CAJP.",
                       f"{_ALLOCATIONS}:allocation"),
    "available": Lazy("Money, open commitments and what is available, per funding pool, in USD.",
                      f"{_ALLOCATIONS}:available"),
    "backup": Lazy("Write a consistent backup of the whole database to FILE, a new file; the "
                   "application may keep running.", "fundledger.setup.commands:backup"),
    "budget": Lazy("Annual work plans: planned amounts per activity, approved by the CAJP.",
                   f"{_ALLOCATIONS}:budget"),
    "cofinancing": Lazy("Co-financing: resources spent on the Program outside the Fund (never "
                        "in its ledger).", "fundledger.cofinancing.commands:cofinancing"),
    "credit-apply": Lazy("Settle a pledge from the donor's unapplied credit (earlier "
                         "overpayments).", f"{_DONORS}:credit_apply"),
    "document": Lazy("Documents attached to donors, pledges, allocations and meetings.",
                     "fundledger.documents.commands:document"),
    "donor": Lazy("Donors: member states, observers and organizations that contribute.",
                  f"{_DONORS}:donor"),
    "fx": Lazy("Foreign-currency money: revalue open receivables and credits at a day's rates.",
               f"{_DONORS}:fx"),
    "import": Lazy("Import files into the ledger.", f"{_DONORS}:import_group"),
    "interest": Lazy("Record bank interest credited to the Fund; prints the entry number.",
                     f"{_ALLOCATIONS}:interest"),
    "meeting": Lazy("The CAJP's meetings: regular, with the implementers, of experts before "
                    "a Summit.", "fundledger.meetings.commands:meeting"),
    "period": Lazy("Fiscal years: close (revenue and expenses into net assets, then lock) "
                   "and reopen.", "fundledger.ledger.commands:period"),
    "pledge": Lazy("Record a signed pledge; prints the pledge id.", f"{_DONORS}:pledge"),
    "pledge-announce": Lazy("Record a pledge announced and not yet signed (no money "
                            "committed); prints its id.", f"{_DONORS}:pledge_announce"),
    "pledge-sign": Lazy("Record the signed pledge of an announced one; prints the pledge id.",
                        f"{_DONORS}:pledge_sign"),
    "pledge-cancel": Lazy("Cancel what is still outstanding on a pledge.",
                          f"{_DONORS}:pledge_cancel"),
    "pledge-reduce": Lazy("Reduce what a donor owes on a pledge (a reversing entry, never an "
                          "edit).", f"{_DONORS}:pledge_reduce"),
    "pledges": Lazy("Pledges with what is still outstanding, in their currency and in USD.",
                    f"{_DONORS}:pledges"),
    "progress": Lazy("Progress reports on allocations, against the Program's specific "
                     "objectives.", "fundledger.progress.commands:progress"),
    "rate": Lazy("Exchange rates, always in USD per one unit of the currency.",
                 f"{_DONORS}:rate"),
    "receive": Lazy("Record money received from a donor; prints the receipt id.",
                    f"{_DONORS}:receive"),
    "re-earmark": Lazy("Move a donor's money from an earmark no allocation can use to a "
                       "usable one of the same donor; prints the entry number.",
                       f"{_ALLOCATIONS}:re_earmark"),
    "refund": Lazy("Refund unused earmarked money to its donor; prints the entry number.",
                   f"{_ALLOCATIONS}:refund"),
    "report": Lazy("Reports on contributions, budgets and allocations.",
                   "fundledger.cli.tools:report",
                   also=(_DONORS, _ALLOCATIONS, "fundledger.reporting.commands",
                         "fundledger.cofinancing.commands")),
    "restate-restrictions": Lazy("Restate the classes of entries posted before restriction "
                                 "followed the money.",
                                 "fundledger.ledger.commands:restate_restrictions"),
    "restore": Lazy("Replace the configured database with the backup in FILE, then verify "
                    "the ledger.", "fundledger.setup.commands:restore"),
    "setting": Lazy("The fund's settings.", f"{_ALLOCATIONS}:setting"),
    "statement": Lazy("Statements: issue donor and fund statements and CAJP meeting packs, "
                      "list the register of issued statements, verify a PDF.",
                      "fundledger.reporting.commands:statement"),
    "user": Lazy("People who sign in to the web application.", "fundledger.auth.commands:user"),
}  # fmt: skip


class FundledgerGroup(click.Group):
    """The command group: a refusal becomes one line on stderr and exit status 1.

    The areas' commands (:data:`LAZY_COMMANDS`) are imported on demand. Only the commands
    in :data:`WEB_COMMANDS` build the Flask app and run inside its context; the others run
    on the configuration and database alone (cli/tools.py, :class:`Runtime`), so that
    ``--help`` and a read such as ``trial-balance`` import no Flask."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted({*self.commands, *LAZY_COMMANDS})

    def get_command(self, ctx: click.Context, name: str) -> click.Command | None:
        if name not in self.commands and name in LAZY_COMMANDS:
            self.add_command(LAZY_COMMANDS[name].load(), name)
        return self.commands.get(name)

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        """Every command with its short help, without importing the lazy ones."""
        names = self.list_commands(ctx)
        limit = formatter.width - 6 - max(map(len, names))
        with formatter.section("Commands"):
            formatter.write_dl([(name, self._short_help(name, limit)) for name in names])

    def _short_help(self, name: str, limit: int) -> str:
        command = self.commands.get(name) or click.Command(name, help=LAZY_COMMANDS[name].help)
        return command.get_short_help_str(limit)

    def resolve_command(
        self, ctx: click.Context, args: list[str]
    ) -> tuple[str | None, click.Command | None, list[str]]:
        """The command; one in :data:`WEB_COMMANDS` runs inside the app's context."""
        name, command, rest = super().resolve_command(ctx, args)
        if name in WEB_COMMANDS:
            ctx.with_resource(runtime().app().app_context())
        return name, command, rest

    def invoke(self, ctx: click.Context) -> Any:
        """A refusal (its sentence, then the command that would fix it, if it names
        one), or a file or standard output that cannot be written (a full disk, a closed
        pipe), is one line on stderr and exit status 1, for every command."""
        try:
            result = super().invoke(ctx)
            sys.stdout.flush()  # here, not at exit, where a failure would be a traceback
            return result
        except (FundledgerError, ConfigurationError) as error:
            hint = error.hint if isinstance(error, FundledgerError) else None
            shown = "" if hint is None else f" ({hint})"
            click.echo(f"fundledger: {visible(error)}{visible(shown)}", err=True)
            ctx.exit(1)
        except OSError as error:
            where = f" ({str(error.filename)[:80]!r})" if error.filename else ""
            click.echo(f"fundledger: {error.strerror or error}{where}", err=True)
            ctx.exit(1)


#: Commands that need the web side: ``serve`` serves it, ``user`` links to its pages.
WEB_COMMANDS = frozenset({"serve", "user"})


@click.group(cls=FundledgerGroup)
def cli() -> None:
    """Ledger and budgeting for the OAS Fund for the Inter-American Program on the
    Human Rights of Migrants.

    The database is FUNDLEDGER_DATABASE_URL (default: an SQLite file in the instance
    folder).
    """


def main() -> None:
    cli(prog_name="fundledger")


@cli.command()
def init() -> None:
    """Migrate the database to the current schema and load the chart of accounts
    and the Program. Running it again changes nothing."""
    from fundledger.setup.bootstrap import initialize

    report = initialize(database(migrated=False))
    click.echo(
        f"database ready: {report.accounts_added} accounts and "
        f"{report.program_rows_added} Program rows added"
    )
    _signing_certificate()


def _signing_certificate() -> None:
    """Make a self-signed statement-signing certificate in the instance folder when none
    is configured (or made before), and say that production should configure one."""
    from fundledger.reporting.signing import SigningPaths, make_self_signed

    paths = SigningPaths.of(config())
    if paths.configured or paths.key.exists() or paths.cert.exists():
        return
    make_self_signed(paths, "OAS Fund for Migrants' Human Rights (self-signed)")
    click.echo(
        f"statement signing: created a self-signed key and certificate ({paths.key}, "
        f"{paths.cert}); production should set FUNDLEDGER_SIGNING_KEY and "
        "FUNDLEDGER_SIGNING_CERT to the Organization's"
    )


@cli.command()
@click.option("--seed", default=2141, show_default=True, help="Same seed, same data.")
@click.option("--entries", type=click.IntRange(min=0), help="Then grow the ledger to N entries.")
@click.option("--bulk", is_flag=True, help="Grow by bulk copies of the posted entries (fast).")
def demo(seed: int, entries: int | None, bulk: bool) -> None:
    """Load a realistic multi-year demo dataset (once; running it again changes nothing).

    With --entries N, grow the ledger to N journal entries afterwards: through the
    service layer (pledges, receipts, allocations), or with --bulk by appending copies
    of the entries already posted (ledger only, for volume benchmarks)."""
    from fundledger.auth.passwords import Passwords
    from fundledger.demo.dataset import add_demo_logins, load_demo

    operator = actor()
    with database().transaction() as session:
        report = load_demo(session, operator, seed=seed)
        logins = add_demo_logins(
            session, operator, Passwords.from_config(config()), seed=seed
        )
    if report.already_loaded:
        click.echo("demo data is already loaded")
    else:
        click.echo(f"demo loaded: {report.donors} donors, {report.entries} journal entries")
    if entries is not None:
        from fundledger.demo.growth import grow

        click.echo(grow(database(), operator, entries=entries, seed=seed, bulk=bulk))
    click.echo("demo logins (secretariat, cajp and admin enrol a one-time code at first sign-in):")
    for role, email, password in logins:
        click.echo(f"  {role:<12} {email:<40} {password}")


class ProgramGroup(click.Group):
    """The Program's readers, and ``revise`` (the CAJP's revisions), imported when used."""

    REVISE = Lazy("CAJP decisions revising the Program.", "fundledger.program.commands:revise")

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted({*self.commands, "revise"})

    def get_command(self, ctx: click.Context, name: str) -> click.Command | None:
        if name == "revise" and name not in self.commands:
            self.add_command(self.REVISE.load(), name)
        return self.commands.get(name)


@cli.group(cls=ProgramGroup)
def program() -> None:
    """The Program's reference data: objectives, activities, cross-reference, revisions."""


@program.command("objectives")
@FORMAT
def program_objectives(output_format: Output) -> None:
    """The 3 general and 20 specific objectives."""
    from fundledger.program import queries

    with database().session() as session:
        rows: list[Sequence[object]] = [
            ("general", g.number, g.title) for g in queries.general_objectives(session)
        ]
        rows += [("specific", o.number, o.title) for o in queries.objectives(session)]
    emit(("kind", "number", "title"), rows, output_format, numeric=(1,))


@program.command("activities")
@FORMAT
def program_activities(output_format: Output) -> None:
    """The 100 activities, their implementer and whether the fund may finance them."""
    from fundledger.program import queries

    with database().session() as session:
        rows = [
            (
                a.number,
                a.implementer_code,
                "yes" if a.fundable else "no",
                " ".join(str(o.number) for o in a.objectives),
                a.title,
            )
            for a in queries.activities(session)
        ]
    emit(("number", "implementer", "fundable", "objectives", "title"), rows, output_format,
         numeric=(0,))  # fmt: skip


@program.command("crossref")
@FORMAT
def program_crossref(output_format: Output) -> None:
    """Appendix I: one row per activity–objective cross."""
    from fundledger.program import queries

    with database().session() as session:
        rows = queries.crossref(session)
    emit(("activity", "objective"), rows, output_format, numeric=(0, 1))


@cli.group()
def entry() -> None:
    """Manual journal vouchers and reversals."""


@entry.command("post")
@click.argument("voucher", type=click.File("rb"))
def entry_post(voucher: BinaryIO) -> None:
    """Post the journal voucher in VOUCHER (a JSON file, - for stdin); prints its number.

    \b
    {"date": "2025-02-10", "memo": "...", "idempotency_key": "optional",
     "lines": [{"account": "1010", "debit": "100.00"},
               {"account": "4100", "credit": "100.00", "donor": "MEX"}]}
    """
    from fundledger.allocations.pool_moves import post_voucher
    from fundledger.ledger.vouchers import read_voucher

    operator = actor()
    with database().transaction() as session:
        posted = post_voucher(session, operator, read_voucher(session, voucher.read()))
        number = posted.number
    click.echo(number)


@entry.command("reverse")
@click.argument("number", type=ID)
@click.option("--reason", required=True, help="Why the entry is reversed (kept in its memo).")
@date_option("--date", "entry_date", help="Date of the reversal (default: the entry's date).")
def entry_reverse(number: int, reason: str, entry_date: dt.date | None) -> None:
    """Reverse entry NUMBER with its mirror image; prints the reversal's number.

    The browser's rules hold here too: only a manual entry, a receipt or a pledge is
    reversed, and above the administrator's threshold the reversal waits for a second
    Secretariat user's approval (on the Reversals page); the command then says so.
    """
    from fundledger.corrections.operations import reverse
    from fundledger.ledger.queries import entry_by_number

    operator = actor()
    with database().transaction() as session:
        original = entry_by_number(session, number)
        if original is None:
            raise NotFound(f"there is no entry #{number}")
        outcome = reverse(
            session, operator, original, reason=reason, on=entry_date or original.entry_date
        )
        reversal_number = None if outcome.reversal is None else outcome.reversal.number
        request_id = None if outcome.request is None else outcome.request.id
    if reversal_number is None:
        click.echo(
            f"the reversal of entry #{number} waits for a second Secretariat user's "
            f"approval (request {request_id})"
        )
    else:
        click.echo(reversal_number)


@cli.command("trial-balance")
@date_option("--as-of", "as_of", help="Balances at the end of this day (default: now).")
@FORMAT
def trial_balance(as_of: dt.date | None, output_format: Output) -> None:
    """Every account with a non-zero balance, debit and credit, in USD."""
    from fundledger.ledger.queries import trial_balance as compute

    with database().session() as session:
        balance = compute(session, as_of)
    rows: list[Sequence[object]] = [
        (row.code, row.name, quantize(row.debit), quantize(row.credit)) for row in balance.rows
    ]
    if output_format.format == "table":
        rows.append(("", "Total", quantize(balance.total_debit), quantize(balance.total_credit)))
    emit(("account", "name", "debit", "credit"), rows, output_format, numeric=(2, 3))


@cli.command()
def verify() -> None:
    """Recompute every ledger invariant and record the outcome in the audit log; exit 1
    naming each violation."""
    from fundledger.audit.verifications import verify_and_record

    report = verify_and_record(database(), actor())
    for violation in report.violations:
        click.echo(violation, err=True)
    _warn_of_unusable_earmarks()
    click.echo(report.summary())
    if not report.ok:
        sys.exit(1)


def _warn_of_unusable_earmarks() -> None:
    """Money under earmarks no allocation can use: a warning on stderr, not a violation
    (the books are right; the money is stuck), so the exit status stays the ledger's."""
    from fundledger.allocations.unusable import warnings

    with database().session() as session:
        for warning in warnings(session):
            click.echo(warning, err=True)


@cli.group()
def export() -> None:
    """Export the ledger for other tools."""


@export.command("hledger")
@out_option(help="Default: stdout.")
def export_hledger(out: Path | None) -> None:
    """The journal in hledger's format; `hledger balance` matches `trial-balance`."""
    from fundledger.ledger.export import hledger_journal

    with database().session() as session:
        if out is None:
            for chunk in hledger_journal(session):
                sys.stdout.write(chunk)
            return
        with out.open("w", encoding="utf-8") as handle:
            handle.writelines(hledger_journal(session))


@export.command("iati")
@click.option("--year", type=click.IntRange(2000, 2199),
              help="Only the transactions dated in YEAR. Default: every year.")
@out_option(help="Default: stdout.")
def export_iati(year: int | None, out: Path | None) -> None:
    """The Fund's activities in the IATI 2.03 standard (FUNDLEDGER_IATI_ORGANISATION)."""
    from fundledger.public.iati import iati_activities

    organisation = config().get("IATI_ORGANISATION")
    if not organisation:
        raise FundledgerError(
            "set FUNDLEDGER_IATI_ORGANISATION to the Fund's IATI organisation identifier"
        )
    generated = dt.datetime.now(dt.UTC).replace(microsecond=0)
    with database().session() as session:
        document = iati_activities(session, organisation=organisation, year=year,
                                   generated=generated)  # fmt: skip
    if out is None:
        sys.stdout.buffer.write(document)
    else:
        out.write_bytes(document)


@cli.command()
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=5000, show_default=True, type=click.IntRange(1, 65535))
@click.option(
    "--debug/--no-debug", default=False, help="Reloader and debugger (never in production)."
)
def serve(host: str, port: int, debug: bool) -> None:
    """Development server. In production run gunicorn (see README)."""
    from werkzeug.serving import run_simple

    from fundledger.config import instance_secret_key

    app = runtime().app()
    if not app.config.get("SECRET_KEY"):
        app.config["SECRET_KEY"] = instance_secret_key(app.instance_path)
    # Setup links point where this server listens, never at a request's Host header.
    app.config.setdefault("PUBLIC_URL", f"http://{host}:{port}")
    run_simple(host, port, app, use_reloader=debug, use_debugger=debug, threaded=True)


check_text_parameters(cli)
