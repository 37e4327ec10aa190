"""``fundledger user …``: add users and set passwords from the command line.

Passwords are read from standard input (``--password-stdin``), never from an option,
so they stay out of shell history and process listings.
"""

from __future__ import annotations

import datetime as dt
import sys

import click
from flask import current_app, url_for

from fundledger.auth import operations, queries
from fundledger.auth.errors import UnknownUser
from fundledger.auth.invitations import mail_setup_link
from fundledger.auth.models import Role, User
from fundledger.auth.sessions import passwords, seconds
from fundledger.auth.timing import utc_now
from fundledger.cli.tools import actor as cli_actor
from fundledger.cli.tools import database
from fundledger.donors.queries import donor_by_code
from fundledger.errors import NotFound
from fundledger.i18n import LANGUAGES
from fundledger.mail import MailSettings, mail_settings

#: Where setup links point when FUNDLEDGER_PUBLIC_URL is not set: what `make run` serves.
DEFAULT_PUBLIC_URL = "http://127.0.0.1:5000"

PASSWORD_STDIN = click.option(
    "--password-stdin",
    is_flag=True,
    help="Read the password from standard input (its first line) instead of printing a "
    "one-time setup link.",
)


@click.group()
def user() -> None:
    """People who sign in to the web application."""


@user.command("add")
@click.option("--email", required=True, help="What the user signs in with.")
@click.option(
    "--role",
    "roles",
    required=True,
    multiple=True,
    type=click.Choice([role.value for role in Role]),
    help="A role; repeat the option for several.",
)
@click.option("--donor", "donor_code", metavar="CODE", help="The donor a donor login sees.")
@click.option("--name", help="The user's name (default: the email).")
@click.option(
    "--lang",
    "language",
    type=click.Choice(LANGUAGES),
    help="The language of the user's mail (default: a donor login's donor's, else en).",
)
@PASSWORD_STDIN
def add(
    email: str,
    roles: tuple[str, ...],
    donor_code: str | None,
    name: str | None,
    language: str | None,
    password_stdin: bool,
) -> None:
    """Add a user. Without --password-stdin, a one-time link to set the password (valid
    for SETUP_LINK_LIFETIME; only its digest is stored) is mailed to the user, in their
    language, when FUNDLEDGER_SMTP_URL is set, and printed otherwise."""
    password = _read_password() if password_stdin else None
    mail = mail_settings(current_app.config)  # a malformed server stops before any change
    actor, now = cli_actor(), utc_now()
    with database().transaction() as session:
        donor = None
        if donor_code is not None:
            donor = donor_by_code(session, donor_code)
            if donor is None:
                raise NotFound(f"there is no donor {donor_code}")
        added = operations.create_user(
            session, actor, email=email, name=name or email, roles=roles, donor=donor,
            language=language, now=now,
        )  # fmt: skip
        if password is None:
            token = operations.issue_setup_link(
                session, added, actor, now=now, lifetime=_link_lifetime()
            )
        else:
            operations.set_password(
                session, added, password, actor, passwords=passwords(), now=now
            )
        described = _describe(added)
    click.echo(f"user {described} added")
    if password is None:
        _hand_over(added.id, token, new=True, mail=mail)


@user.command("set-password")
@click.argument("email")
@PASSWORD_STDIN
def set_password(email: str, password_stdin: bool) -> None:
    """Set EMAIL's password from standard input (--password-stdin); without it, the old
    password stops working and a new one-time setup link is mailed to the user (with
    FUNDLEDGER_SMTP_URL) or printed. Either way every session the user has open ends."""
    password = _read_password() if password_stdin else None
    mail = mail_settings(current_app.config)  # a malformed server stops before any change
    actor, now = cli_actor(), utc_now()
    with database().transaction() as session:
        found = queries.user_by_email(session, email)
        if found is None:
            raise UnknownUser(f"there is no user {email.strip().lower()}")
        if password is None:
            token = operations.reset_password(
                session, found, actor, now=now, lifetime=_link_lifetime()
            )
        else:
            operations.set_password(
                session, found, password, actor, passwords=passwords(), now=now
            )
        address, found_id = found.email, found.id
    if password is None:
        click.echo(f"password of {address} reset")
        _hand_over(found_id, token, new=False, mail=mail)
    else:
        click.echo(f"password of {address} set")


def _read_password() -> str:
    if sys.stdin.isatty():
        entered: str = click.prompt("Password", hide_input=True, confirmation_prompt=True)
        return entered
    raw = sys.stdin.buffer.readline().rstrip(b"\r\n")
    try:
        line = raw.decode("utf-8")
    except UnicodeDecodeError:
        raise click.UsageError("--password-stdin: the password is not UTF-8 text") from None
    if not line:
        raise click.UsageError("--password-stdin: standard input holds no password")
    return line


def _link_lifetime() -> dt.timedelta:
    return seconds("SETUP_LINK_LIFETIME")


def _describe(added: User) -> str:
    return f"{added.email} ({', '.join(sorted(added.roles))})"


def _hand_over(user_id: int, token: str, *, new: bool, mail: MailSettings | None) -> None:
    """Mail the committed setup link when a mail server is configured, and say so; print
    it when none is, or when the mail could not be sent (with a line on stderr)."""
    base = current_app.config.get("PUBLIC_URL") or DEFAULT_PUBLIC_URL
    with current_app.test_request_context(base_url=base):
        link = url_for("auth.setup", token=token, _external=True)
    if mail is not None:
        with database().transaction() as session:
            user = session.get_one(User, user_id)
            mailed = mail_setup_link(session, cli_actor(), user, link, new=new, settings=mail)
            address, language = user.email, user.language
        if mailed:
            click.echo(f"setup link mailed to {address} (in {language})")
            return
        click.echo(f"fundledger: the mail to {address} could not be sent; hand the link "
                   "over yourself", err=True)  # fmt: skip
    hours = float(current_app.config["SETUP_LINK_LIFETIME"]) / 3600
    click.echo(f"setup link (works once, for {hours:g} hours): {link}")
