"""``fundledger user add`` and ``fundledger user set-password``, as an operator uses
them, on both databases."""

from __future__ import annotations

import getpass
import hashlib
import re
from collections.abc import Callable
from typing import Any

import pytest
from argon2 import PasswordHasher
from argon2.exceptions import VerificationError
from click.testing import CliRunner, Result
from sqlalchemy import func, select

from fundledger.audit.models import AuditEvent
from fundledger.auth.models import User, UserSession
from fundledger.cli.main import cli
from fundledger.db import Database
from tests.factories import PASSWORD, create_donor, create_user, open_session
from tests.mail import SmtpServer, body_of, closed_port_url, smtp_server

__all__ = ["smtp_server"]  # the fixture, imported for pytest

Run = Callable[..., Result]
NEW_PASSWORD = "a brand new passphrase"  # noqa: S105 - a test's password
LINK = re.compile(r"^setup link \(works once, for 72 hours\): (\S+)/setup/(\S+)$", re.MULTILINE)


def stored(database: Database, email: str) -> User:
    with database.session() as session:
        user = session.scalars(select(User).where(User.email == email)).one()
        user.roles  # noqa: B018 - loaded before the session closes
        session.expunge(user)
        return user


def verifies(password_hash: str | None, password: str) -> bool:
    try:
        return password_hash is not None and PasswordHasher().verify(password_hash, password)
    except VerificationError:
        return False


def audit(database: Database) -> list[tuple[str, str]]:
    with database.session() as session:
        rows = session.scalars(select(AuditEvent).order_by(AuditEvent.id)).all()
        return [(row.action, row.actor) for row in rows]


def counts(database: Database) -> tuple[int, int]:
    with database.session() as session:
        users = session.scalar(select(func.count()).select_from(User)) or 0
        events = session.scalar(select(func.count()).select_from(AuditEvent)) or 0
        return users, events


def test_add_a_user_with_a_password_from_standard_input(run: Run, database: Database) -> None:
    result = run(
        "user",
        "add",
        "--email",
        "Ana@Example.org",
        "--role",
        "auditor",
        "--name",
        "Ana Auditora",
        "--password-stdin",
        stdin=PASSWORD + "\n",
    )
    assert result.exit_code == 0, result.stderr
    assert result.stdout == "user ana@example.org (auditor) added\n"
    assert PASSWORD not in result.output

    user = stored(database, "ana@example.org")
    assert user.name == "Ana Auditora"
    assert user.active
    assert user.password_hash is not None
    assert user.password_hash.startswith("$argon2id$")
    assert verifies(user.password_hash, PASSWORD)
    assert user.setup_token_hash is None
    operator = f"cli:{getpass.getuser()}"
    assert audit(database) == [("user.created", operator), ("user.password_set", operator)]


def test_add_a_user_who_gets_a_one_time_setup_link(run: Run, database: Database) -> None:
    result = run(
        "user", "add", "--email", "eva@example.org", "--role", "admin", "--role", "secretariat"
    )
    assert result.exit_code == 0, result.stderr
    assert result.stdout.splitlines()[0] == "user eva@example.org (admin, secretariat) added"
    found = LINK.search(result.stdout)
    assert found, result.stdout
    assert found.group(1) == "http://127.0.0.1:5000"
    token = found.group(2)

    user = stored(database, "eva@example.org")
    assert user.name == "eva@example.org"
    assert user.roles == {"admin", "secretariat"}
    assert user.password_hash is None
    assert user.setup_token_hash == hashlib.sha256(token.encode()).hexdigest()
    assert token not in repr(vars(user)), "only the token's digest is stored"
    assert [action for action, _ in audit(database)] == ["user.created", "user.setup_link_issued"]


def test_the_setup_link_points_at_the_public_address(database: Database) -> None:
    result = CliRunner().invoke(
        cli,
        ["user", "add", "--email", "eva@example.org", "--role", "auditor"],
        env={
            "FUNDLEDGER_DATABASE_URL": database.url,
            "FUNDLEDGER_PUBLIC_URL": "https://fund.example.org/",
        },
        catch_exceptions=False,
    )
    found = LINK.search(result.stdout)
    assert found, result.stdout
    assert found.group(1) == "https://fund.example.org"


def test_a_donor_login_names_its_donor(run: Run, database: Database) -> None:
    with database.transaction() as session:
        donor_id = create_donor(session, "MEX").id
    result = run("user", "add", "--email", "d@example.org", "--role", "donor", "--donor", "MEX")
    assert result.exit_code == 0, result.stderr
    assert stored(database, "d@example.org").donor_id == donor_id


@pytest.mark.parametrize(
    ("arguments", "stdin", "message"),
    [
        (["--role", "donor"], None, "A donor login must be tied to a donor."),
        (["--role", "donor", "--donor", "XYZ"], None, "there is no donor XYZ"),
        (["--role", "auditor", "--donor", "MEX"], None, "Only a donor login is tied to a donor."),
        (
            ["--role", "cajp", "--role", "secretariat"],
            None,
            "One person cannot be both cajp and secretariat: those duties are kept apart.",
        ),
        (
            ["--role", "auditor", "--password-stdin"],
            "short\n",
            "A password needs at least 12 characters.",
        ),
        (
            ["--role", "auditor", "--email", "taken@example.org"],
            None,
            "There is already a user with the email taken@example.org.",
        ),
        (["--role", "auditor", "--email", "not-an-email"], None, "is not an email address."),
    ],
)
def test_a_refused_user_is_one_line_and_writes_nothing(
    run: Run, database: Database, arguments: list[str], stdin: str | None, message: str
) -> None:
    with database.transaction() as session:
        create_donor(session, "MEX")
        create_user(session, "auditor", email="taken@example.org")
    before = counts(database)
    email = [] if "--email" in arguments else ["--email", "new@example.org"]
    result = run("user", "add", *email, *arguments, stdin=stdin)
    assert result.exit_code == 1, result.stdout
    assert result.stderr.startswith("fundledger: ")
    assert result.stderr.count("\n") == 1
    assert message in result.stderr
    assert result.stdout == ""
    assert counts(database) == before


@pytest.mark.parametrize(
    ("arguments", "stdin", "message"),
    [
        (["--email", "a@example.org", "--role", "treasurer"], None, "'treasurer' is not one of"),
        (["--email", "a@example.org"], None, "Missing option '--role'"),
        (["--role", "auditor"], None, "Missing option '--email'"),
        (
            ["--email", "a@example.org", "--role", "auditor", "--password-stdin"],
            "",
            "standard input holds no password",
        ),
    ],
)
def test_usage_errors_exit_2(
    run: Run, database: Database, arguments: list[str], stdin: str | None, message: str
) -> None:
    result = run("user", "add", *arguments, stdin=stdin)
    assert result.exit_code == 2
    assert message in result.stderr
    assert counts(database) == (0, 0)


def test_set_password_from_standard_input_ends_every_session(run: Run, database: Database) -> None:
    with database.transaction() as session:
        user = create_user(session, "auditor", email="ana@example.org")
        open_session(session, user)
    result = run(
        "user", "set-password", "ANA@example.org", "--password-stdin", stdin=NEW_PASSWORD + "\n"
    )
    assert result.exit_code == 0, result.stderr
    assert result.stdout == "password of ana@example.org set\n"
    assert verifies(stored(database, "ana@example.org").password_hash, NEW_PASSWORD)
    with database.session() as session:
        ended: Any = session.scalars(select(UserSession.end_reason)).all()
    assert ended == ["password_changed"]
    assert audit(database)[-1] == ("user.password_set", f"cli:{getpass.getuser()}")


def test_set_password_without_standard_input_resets_and_prints_a_link(
    run: Run, database: Database
) -> None:
    with database.transaction() as session:
        create_user(session, "auditor", email="ana@example.org")
    result = run("user", "set-password", "ana@example.org")
    assert result.exit_code == 0, result.stderr
    assert result.stdout.splitlines()[0] == "password of ana@example.org reset"
    found = LINK.search(result.stdout)
    assert found, result.stdout
    user = stored(database, "ana@example.org")
    assert user.password_hash is None, "the old password no longer works"
    assert user.setup_token_hash == hashlib.sha256(found.group(2).encode()).hexdigest()


def test_set_password_refusals(run: Run, database: Database) -> None:
    unknown = run(
        "user", "set-password", "nobody@example.org", "--password-stdin", stdin=NEW_PASSWORD
    )
    assert unknown.exit_code == 1
    assert unknown.stderr == "fundledger: there is no user nobody@example.org\n"

    with database.transaction() as session:
        create_user(session, "auditor", email="ana@example.org")
    weak = run("user", "set-password", "ana@example.org", "--password-stdin", stdin="short\n")
    assert weak.exit_code == 1
    assert weak.stderr == "fundledger: A password needs at least 12 characters.\n"
    assert verifies(stored(database, "ana@example.org").password_hash, PASSWORD)


def test_the_commands_document_their_options(run: Run) -> None:
    add = run("user", "add", "--help").stdout
    for option in ("--email", "--role", "--donor", "--name", "--password-stdin"):
        assert option in add, option
    assert "--password-stdin" in run("user", "set-password", "--help").stdout


# --- setup links by email (issue 15, finding 7) ---------------------------------------


def test_user_add_mails_the_link_in_the_users_language(
    database: Database, smtp_server: SmtpServer
) -> None:
    env = {"FUNDLEDGER_DATABASE_URL": database.url, "FUNDLEDGER_SMTP_URL": smtp_server.url,
           "FUNDLEDGER_MAIL_FROM": "fund@example.org"}  # fmt: skip
    with database.transaction() as session:
        create_donor(session, "BR", name="Brasil", language="pt")
    result = CliRunner().invoke(
        cli, ["user", "add", "--email", "missao@brasil.example", "--role", "donor",
              "--donor", "BR", "--name", "Missão do Brasil"],
        env=env, catch_exceptions=False,
    )  # fmt: skip
    assert result.exit_code == 0, result.stderr
    assert result.stdout.splitlines() == [
        "user missao@brasil.example (donor) added",
        "setup link mailed to missao@brasil.example (in pt)",
    ]
    sent = smtp_server.only_message()
    assert sent["Subject"] == "Sua conta no fundledger: defina sua senha"
    body = body_of(sent)
    assert body.startswith("Olá, Missão do Brasil,")
    token = re.search(r"/setup/([A-Za-z0-9_-]+)", body)
    assert token
    user = stored(database, "missao@brasil.example")
    assert user.setup_token_hash == hashlib.sha256(token.group(1).encode()).hexdigest()
    assert [action for action, _ in audit(database)][-2:] == [
        "user.setup_link_issued", "user.setup_link_mailed"
    ]


def test_a_failed_send_prints_the_link(database: Database) -> None:
    env = {"FUNDLEDGER_DATABASE_URL": database.url, "FUNDLEDGER_SMTP_URL": closed_port_url(),
           "FUNDLEDGER_MAIL_FROM": "fund@example.org"}  # fmt: skip
    result = CliRunner().invoke(
        cli, ["user", "add", "--email", "ana@example.org", "--role", "auditor"], env=env
    )
    assert result.exit_code == 0
    assert "the mail to ana@example.org could not be sent" in result.stderr
    assert LINK.search(result.stdout)


def test_a_malformed_mail_server_is_refused_with_its_reason(database: Database) -> None:
    env = {"FUNDLEDGER_DATABASE_URL": database.url, "FUNDLEDGER_SMTP_URL": "smtp://:25",
           "FUNDLEDGER_MAIL_FROM": "fund@example.org"}  # fmt: skip
    result = CliRunner().invoke(
        cli, ["user", "add", "--email", "ana@example.org", "--role", "auditor"], env=env
    )
    assert result.exit_code == 1
    assert result.stderr.startswith("fundledger: FUNDLEDGER_SMTP_URL 'smtp://:25' names no host")
    assert counts(database) == (0, 0), "nothing is written"
