"""What every area's CLI commands share: the configuration and database, the actor,
options, output.

None of it imports Flask: a command that neither serves nor links to pages runs on
:class:`Runtime`'s configuration and database alone (tests/integration/test_startup.py).
SQLAlchemy is imported when a command first asks for the database, so that ``--help``
and a usage error cost the interpreter and click, not the ORM."""

from __future__ import annotations

import datetime as dt
import functools
import os
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from fundledger.actors import Actor, command_line_actor
from fundledger.errors import FundledgerError, NotAllowed
from fundledger.inputs import MAX_ID, InvalidInput, parse_date, text_problem
from fundledger.money import InvalidAmount, parse_decimal
from fundledger.tabular import to_csv, to_table

if TYPE_CHECKING:
    from flask import Flask
    from sqlalchemy.orm import Session

    from fundledger.db import Database



#: Every id argument: a larger number could not be a row, and would overflow the driver.
ID = click.IntRange(1, MAX_ID)


class Text(click.types.StringParamType):
    """A single line of text the database can store: no NUL, no other control character,
    nothing that was not UTF-8 (Python hands such bytes on as lone surrogates)."""

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> str:
        text = super().convert(value, param, ctx)
        if problem := text_problem(text):
            self.fail(f"{text[:40]!r} {problem}", param, ctx)
        return text


TEXT = Text()


def check_text_parameters(command: click.Command) -> None:
    """Give every plain-text parameter of ``command`` and the commands under it the
    :data:`TEXT` type, so that no command, present or future, can forget it. The CLI
    applies it to each command as it is loaded."""
    for param in command.params:
        if param.type is click.STRING:
            param.type = TEXT
    if isinstance(command, click.Group):
        for subcommand in command.commands.values():
            check_text_parameters(subcommand)


def _writable_file(ctx: click.Context, param: click.Parameter, value: Path | None) -> Path | None:
    """Checked before any work is done: creating the file (and removing it again) is the
    one test that catches every refusal (missing folder, permissions, a name too long)."""
    if value is None:
        return None
    try:
        if value.exists():
            if value.is_dir() or not os.access(value, os.W_OK):
                raise click.BadParameter(f"cannot write to {str(value)[:80]!r}", ctx, param)
        else:
            value.touch(exist_ok=False)
            value.unlink()
    except OSError as error:
        raise click.BadParameter(
            f"cannot write to {str(value)[:80]!r}: {error.strerror}", ctx, param
        ) from None
    return value


def out_option(help: str) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """``--out FILE``, refused (exit 2) unless the file can be written."""
    return click.option(
        "--out", type=click.Path(path_type=Path), callback=_writable_file, help=help
    )


@dataclass(frozen=True, slots=True)
class Output:
    """How and where a command writes its table: ``--format`` and ``--out``."""

    format: str = "table"
    #: The file to write; None for standard output (which takes no workbook).
    path: Path | None = None


def FORMAT(command: Callable[..., Any]) -> Callable[..., Any]:
    """``--format table|csv|xlsx`` and ``--out FILE``, handed to the command as one
    :class:`Output` (its ``output_format`` argument). A workbook is a binary file for a
    spreadsheet, not for a terminal or a pipe: ``xlsx`` without ``--out`` is refused
    (exit 2) before any work is done. The CSV has no byte-order mark, to a file or not:
    the command line's CSV is for machines (the web's is for double-clicking)."""

    @functools.wraps(command)
    def run(*args: Any, output_format: str, out: Path | None, **kwargs: Any) -> Any:
        if output_format == "xlsx" and out is None:
            raise click.BadParameter(
                "a workbook is not written to the terminal or a pipe: add --out FILE.xlsx",
                param_hint="'--format xlsx'",
            )
        return command(*args, output_format=Output(output_format, out), **kwargs)

    with_out = out_option("Write to this file instead of standard output (needed for xlsx).")
    return click.option(
        "--format",
        "output_format",
        type=click.Choice(["table", "csv", "xlsx"]),
        default="table",
        show_default=True,
        help="Aligned text for people, CSV for programs, or an Excel workbook (with --out).",
    )(with_out(run))


#: Standard output, as a table: for commands whose table has no --format.
TABLE = Output()


@dataclass
class Runtime:
    """What the commands of one invocation run on (click's context object): the
    configuration and the database, made when first asked for and closed when the
    command ends. The Flask app is built only for a command that needs one (``serve``,
    ``user``), unless the caller supplies it (tests do): then its configuration and
    database are the ones used."""

    supplied_app: Flask | None = None
    _app: Flask | None = field(default=None, init=False)
    _config: dict[str, Any] | None = field(default=None, init=False)
    _database: Database | None = field(default=None, init=False)

    def config(self) -> Mapping[str, Any]:
        if (app := self.supplied_app or self._app) is not None:
            return app.config
        if self._config is None:
            from fundledger.config import settings

            self._config = settings()
        return self._config

    def database(self) -> Database:
        if (app := self.supplied_app or self._app) is not None:
            from fundledger.web.database import get_database

            return get_database(app)
        if self._database is None:
            from fundledger.db import Database
            from fundledger.setup.registry import register_all

            register_all()
            self._database = Database(self.config()["DATABASE_URL"])
            _on_close(self._database.dispose)
        return self._database

    def app(self) -> Flask:
        """The whole web app, for the commands that serve or link to its pages."""
        if self.supplied_app is not None:
            return self.supplied_app
        if self._app is None:
            from fundledger.web.app import build_app
            from fundledger.web.database import get_database

            self._app = build_app()
            _on_close(get_database(self._app).dispose)
        return self._app


def _on_close(callback: Callable[[], Any]) -> None:
    click.get_current_context().find_root().call_on_close(callback)


def runtime() -> Runtime:
    return click.get_current_context().find_root().ensure_object(Runtime)


def config() -> Mapping[str, Any]:
    """The configuration (environment and defaults), as the web app would see it."""
    return runtime().config()


def database(*, migrated: bool = True) -> Database:
    """The database; by default refuses (exit 1) unless it is at the current schema."""
    from fundledger.setup.migrate import pending

    db = runtime().database()
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
    output: Output,
    *,
    numeric: Sequence[int] = (),
) -> None:
    """Write a table as ``output`` asks: ``numeric`` columns right-aligned in the terminal's
    table; a workbook's sheet is named after the command (``donor list``)."""
    if output.format == "xlsx":
        if output.path is None:
            raise ValueError("a workbook needs a file: FORMAT refuses xlsx without --out")
        from fundledger.workbook import to_xlsx  # openpyxl only for the command that needs it

        title = click.get_current_context().command_path.partition(" ")[2]
        output.path.write_bytes(to_xlsx(header, rows, title=title))
        return
    if output.format == "csv":
        text = to_csv(header, rows)
    else:
        text = to_table(header, rows, numeric=numeric)
    if output.path is None:
        click.echo(text, nl=False)
    else:
        output.path.write_text(text, encoding="utf-8", newline="")


def _parse_date(_ctx: click.Context, param: click.Parameter, value: str | None) -> dt.date | None:
    if value is None:
        return None
    try:
        return parse_date(value)
    except InvalidInput as error:
        raise click.BadParameter(str(error), param=param) from None


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
