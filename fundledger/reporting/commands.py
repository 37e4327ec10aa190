"""``fundledger statement``: issue statements, list the register, verify a PDF."""

from __future__ import annotations

import datetime as dt
import shutil
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

import click

from fundledger import clock
from fundledger.cli.tools import (
    FORMAT,
    Output,
    actor,
    config,
    database,
    date_option,
    emit,
    out_option,
    report,
)
from fundledger.inputs import upper_code
from fundledger.reporting.i18n import LANGUAGES

if TYPE_CHECKING:
    from fundledger.reporting.render import Request
    from fundledger.reporting.signing import Signer

LANGUAGE = click.Choice(LANGUAGES)
OUT = out_option(help="Also write a copy of the PDF here (the archive keeps the original).")


def _archive() -> Path:
    return Path(config()["STATEMENTS_DIR"])


def _signer() -> Signer:
    from fundledger.reporting.signing import SigningPaths, load_signer

    return load_signer(SigningPaths.of(config()))


def _issue(request: Request, language: str | None, out: Path | None) -> None:
    from fundledger.reporting.operations import issue_statement
    from fundledger.reporting.render import donor_of

    archive, signer = _archive(), _signer()
    with database().transaction() as session:
        if language is None:
            donor = donor_of(session, request)
            language = donor.language if donor is not None else "en"
        issued = issue_statement(session, actor(), request, language=language,
                                 archive=archive, signer=signer)  # fmt: skip
        number, path = issued.number, archive / issued.path
    if out is not None:
        shutil.copyfile(path, out)
    click.echo(f"{number} {path}")


@click.group()
def statement() -> None:
    """Statements: issue donor and fund statements and CAJP meeting packs, list the
    register of issued statements, verify a PDF.

    Issued PDFs are kept in FUNDLEDGER_STATEMENTS_DIR (default ./statements).
    """


@statement.command("donor")
@click.argument("code")
@date_option("--from", "start", help="First day of the period.", required=True)
@date_option("--to", "end", help="Last day of the period.", required=True)
@click.option("--lang", "language", type=LANGUAGE, help="Default: the donor's language.")
@click.option("--format", "output_format", type=click.Choice(["pdf", "json"]), default="pdf",
              show_default=True,
              help="pdf: issue the statement. json: print its figures (what an issued "
                   "statement carries as figures.json) without issuing anything.")  # fmt: skip
@OUT
def statement_donor(
    code: str,
    start: dt.date,
    end: dt.date,
    language: str | None,
    output_format: str,
    out: Path | None,
) -> None:
    """Issue donor CODE's statement for a period; prints its number and file (or, with
    --format json, its figures, issuing nothing)."""
    from fundledger.reporting.render import Request

    request = Request.donor(upper_code(code, "donor code"), start, end)
    if output_format == "json":
        _figures(request)
    else:
        _issue(request, language, out)


def _figures(request: Request) -> None:
    from fundledger.reporting.embedded import as_json, payload
    from fundledger.reporting.render import donor_of, preview

    with database().session() as session:
        donor_of(session, request)  # an unknown donor is refused, as when issuing
        data = preview(session, request, clock.utc_now())
    click.echo(as_json(payload(data, None)), nl=False)


@statement.command("data")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
def statement_data(file: Path) -> None:
    """Print the figures FILE (an issued statement) carries, as JSON; exit 1 if it has none."""
    from fundledger.reporting.attachments import NoAttachment, attached
    from fundledger.reporting.embedded import JSON_NAME

    try:
        content = attached(file.read_bytes(), JSON_NAME)
    except NoAttachment as error:
        click.echo(f"error: {file.name}: {error}", err=True)
        sys.exit(1)
    click.echo(content.decode(), nl=False)


@statement.command("fund")
@click.option("--year", type=click.IntRange(2000, 2199), help="A fiscal year.")
@date_option("--from", "start", help="The first day of a period (with --to).")
@date_option("--to", "end", help="The last day of the period (with --inception: default today).")
@click.option("--inception", is_flag=True, help="From the Fund's first day (its earliest entry).")
@click.option("--lang", "language", type=LANGUAGE, default="en", show_default=True)
@OUT
def statement_fund(
    year: int | None,
    start: dt.date | None,
    end: dt.date | None,
    inception: bool,
    language: str,
    out: Path | None,
) -> None:
    """Issue the fund statement for a fiscal year (--year), a period (--from, --to) or the
    Fund's whole life (--inception [--to]); prints its number and file."""
    from fundledger.reporting.render import Request, since_inception

    if [year is not None, start is not None, inception].count(True) != 1:
        raise click.UsageError("give one of --year, --from with --to, or --inception")
    if year is not None and end is not None:
        raise click.UsageError("--to goes with --from or --inception, not with --year")
    if year is not None:
        _issue(Request.fund(year), language, out)
    elif start is not None:
        if end is None:
            raise click.UsageError("--from needs --to")
        _issue(Request.fund_period(start, end), language, out)
    else:
        with database().session() as session:
            request = since_inception(session, end or clock.today())
        _issue(request, language, out)


@statement.command("cajp-pack")
@date_option("--date", "meeting", help="Date of the CAJP meeting.", required=True)
@click.option("--lang", "language", type=LANGUAGE, default="en", show_default=True)
@OUT
def statement_pack(meeting: dt.date, language: str, out: Path | None) -> None:
    """Issue the meeting pack: proposals awaiting the CAJP, with their funding pools."""
    from fundledger.reporting.render import Request

    _issue(Request.pack(meeting), language, out)


@statement.command("donors")
@click.option("--year", required=True, type=click.IntRange(2000, 2199))
def statement_donors(year: int) -> None:
    """Issue the year's statement for every active donor, each in its own language;
    prints one line per statement (number, donor, language, file)."""
    from fundledger.donors.queries import donors
    from fundledger.reporting.operations import issue_statement
    from fundledger.reporting.render import Request

    db = database()
    with db.session() as session:
        targets = [(d.code, d.language) for d in donors(session, include_inactive=False)]
    archive, operator, signer = _archive(), actor(), _signer()
    start, end = dt.date(year, 1, 1), dt.date(year, 12, 31)
    issued: list[tuple[str, str, str, Path]] = []
    with click.progressbar(targets, label=f"Donor statements {year}", file=sys.stderr,
                           item_show_func=lambda t: t[0] if t else None) as progress:  # fmt: skip
        for code, language in progress:
            with db.transaction() as session:
                done = issue_statement(session, operator, Request.donor(code, start, end),
                                       language=language, archive=archive,
                                       signer=signer)  # fmt: skip
                issued.append((done.number, code, language, archive / done.path))
    for number, code, language, path in issued:
        click.echo(f"{number} {code} {language} {path}")


@statement.command("list")
@FORMAT
def statement_list(output_format: Output) -> None:
    """The register: every statement issued, oldest first; its status (interim: issued
    before its period ended; unaudited: its year not closed; final), and which statement
    it supersedes or was superseded by."""
    from fundledger.reporting.queries import describe, stamp, statements, status, succession

    with database().session() as session:
        rows: list[Sequence[object]] = [
            (s.number, s.kind, describe(s), s.language,
             stamp(s), s.issued_by, s.sha256, s.path, status(s), *succession(s))
            for s in statements(session)
        ]  # fmt: skip
    emit(("number", "kind", "statement", "language", "issued_at", "issued_by", "sha256", "path",
          "status", "supersedes", "superseded_by"), rows, output_format)  # fmt: skip


@statement.command("verify")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
def statement_verify(file: Path) -> None:
    """Whether FILE is a statement this fund issued (exit 0) or not (exit 1), and whether
    it carries the Fund's signature, valid (signed files only: a statement issued before
    statements were signed is genuine unsigned)."""
    from fundledger.reporting.queries import verdict_text, verify
    from fundledger.reporting.signing import SigningPaths, trusted_certificate

    trusted = trusted_certificate(SigningPaths.of(config()))
    with database().session() as session:
        verdict = verify(session, file.read_bytes(), trusted)
        click.echo(verdict_text(verdict))
    if not verdict.genuine:
        sys.exit(1)


@statement.command("rebuild-check")
def statement_rebuild_check() -> None:
    """Render every issued statement again and compare it, and the archived file, with
    the register's SHA-256; exit 1 if any differs."""
    from fundledger.reporting.queries import rebuild_check

    failures = total = 0
    with database().session() as session:
        for result in rebuild_check(session, _archive()):
            total += 1
            problems = [text for ok, text in ((result.reproduced, "re-render differs"),
                                              (result.archived, "archive file missing or changed"))
                        if not ok]  # fmt: skip
            failures += bool(problems)
            click.echo(f"{result.number} {'; '.join(problems) if problems else 'ok'}")
    click.echo(f"{total} statements checked, {failures} with problems")
    if failures:
        sys.exit(1)


@report.command("net-assets")
@date_option("--as-of", "as_of", help="Balances at the end of this day (default: today).")
@FORMAT
def report_net_assets(as_of: dt.date | None, output_format: Output) -> None:
    """Net assets by pool (cash, receivables, advances, liabilities) and class totals.

    The rows ``total unrestricted`` and ``total restricted`` give the trial balance's net
    assets of each class; restriction follows the money, so the pools add up to them.
    """
    from fundledger.reporting.net_assets import HEADER, net_assets

    with database().session() as session:
        rows = net_assets(session, as_of or clock.today()).rows()
    emit(HEADER, rows, output_format, numeric=range(2, len(HEADER)))
