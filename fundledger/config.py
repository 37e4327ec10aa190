"""The one place that reads the environment, and knows where the application's files are.

``load_config`` turns ``FUNDLEDGER_*`` variables into Flask config keys; ``create_app``
lays an explicit mapping (tests, scripts) over it. ``resource_dir`` finds the templates
and migrations: in a wheel they are packaged inside ``fundledger/``; in a source checkout
(editable install, tests) they are the repository's top-level folders. Nothing here runs
at import time.
"""

from __future__ import annotations

import os
import secrets
import sys
import zoneinfo
from collections.abc import Mapping
from pathlib import Path
from typing import Any

_PACKAGE = Path(__file__).resolve().parent

#: Environment variables the application reads, and the config key each one sets.
ENVIRONMENT = {
    "FUNDLEDGER_DATABASE_URL": "DATABASE_URL",
    "FUNDLEDGER_STATEMENTS_DIR": "STATEMENTS_DIR",
    #: Where attached documents' files are kept (fundledger/documents/store.py); unset,
    #: ``documents/`` in the instance folder.
    "FUNDLEDGER_DOCUMENTS_DIR": "DOCUMENTS_DIR",
    #: The largest document accepted, in bytes (default DEFAULT_DOCUMENTS_MAX_BYTES).
    "FUNDLEDGER_DOCUMENTS_MAX_BYTES": "DOCUMENTS_MAX_BYTES",
    "FUNDLEDGER_SECRET_KEY": "SECRET_KEY",
    #: development, testing or production (the default): only production sets Secure cookies.
    "FUNDLEDGER_ENV": "DEPLOYMENT",
    #: The site's address as users reach it, for setup links (never the request's Host).
    "FUNDLEDGER_PUBLIC_URL": "PUBLIC_URL",
    #: The fund's timezone (IANA name): what "today" is for the no-future-dates rule.
    "FUNDLEDGER_TIMEZONE": "TIMEZONE",
    #: The Fund's IATI organisation identifier, the reporting organisation of its IATI file.
    "FUNDLEDGER_IATI_ORGANISATION": "IATI_ORGANISATION",
    #: The Fund's signing key and certificate (PEM files) that sign every statement;
    #: unset, the self-signed pair `fundledger init` makes in the instance folder.
    "FUNDLEDGER_SIGNING_KEY": "SIGNING_KEY",
    "FUNDLEDGER_SIGNING_CERT": "SIGNING_CERT",
    #: The SMTP server that sends invitations (fundledger/mail.py): smtp://host:25,
    #: smtp+starttls://user:password@host:587 or smtps://user:password@host:465; unset,
    #: setup links are shown to the admin to hand over.
    "FUNDLEDGER_SMTP_URL": "SMTP_URL",
    #: The address invitations are sent from (needed with FUNDLEDGER_SMTP_URL).
    "FUNDLEDGER_MAIL_FROM": "MAIL_FROM",
}
#: The Organization's seat (Washington, D.C.), the fund's timezone unless set.
DEFAULT_TIMEZONE = "America/New_York"
#: What a production web app cannot run without; `fundledger serve` supplies its own.
PRODUCTION_NEEDS = {
    "FUNDLEDGER_SECRET_KEY": "signs the session cookies; without it every page would fail",
    "FUNDLEDGER_PUBLIC_URL": "the site's address for the setup links an admin hands out; "
    "without it they would be built from the Host header a client sends",
}
#: FUNDLEDGER_ENV values for a machine of one's own over plain HTTP; anything else is
#: production.
PLAIN_HTTP = frozenset({"development", "testing"})
#: 10 MiB: a scanned agreement or an organ's report with pictures, and below the
#: request limit (auth/protection.py) so a larger document gets this limit's own message.
DEFAULT_DOCUMENTS_MAX_BYTES = 10 * 1024 * 1024


class ConfigurationError(RuntimeError):
    """The environment lacks what the application needs; nothing was started."""


def in_production(config: Mapping[str, Any]) -> bool:
    """Served to others: not a test, and FUNDLEDGER_ENV is not development or testing."""
    return not config.get("TESTING") and config.get("DEPLOYMENT", "production") not in PLAIN_HTTP


def check_production(config: Mapping[str, Any]) -> None:
    """Refuse to start a production web app without a secret key or a public address,
    naming each missing variable and what it is for."""
    if not in_production(config):
        return
    missing = [
        f"{variable} is not set ({why})"
        for variable, why in PRODUCTION_NEEDS.items()
        if not config.get(ENVIRONMENT[variable])
    ]
    if missing:
        raise ConfigurationError(
            "fundledger will not start in production: " + "; ".join(missing) + ". Set them "
            "(see README, Configuration), or FUNDLEDGER_ENV=development on your own machine."
        )


def load_config(environ: Mapping[str, str] | None = None) -> dict[str, Any]:
    """Config keys taken from the environment (only those that are set)."""
    environ = os.environ if environ is None else environ
    return {key: environ[var] for var, key in ENVIRONMENT.items() if environ.get(var)}


def instance_path() -> str:
    """The instance folder (the default SQLite file, the development secret key), found
    by Flask's own rule without importing Flask, so that the command line and the web app
    agree on it: ``instance/`` beside the package in a source checkout, else
    ``<prefix>/var/fundledger-instance`` for the prefix it is installed under."""
    package_parent = Path(os.path.abspath(__file__)).parent.parent
    prefix = Path(os.path.abspath(sys.prefix))
    if package_parent.is_relative_to(prefix):
        return str(prefix / "var" / "fundledger-instance")
    if package_parent.name.lower() == "site-packages":  # a user's or another prefix's
        lib = package_parent.parent
        if lib.name.lower() == "lib":
            return str(lib.parent / "var" / "fundledger-instance")
        if lib.parent.name.lower() == "lib":
            return str(lib.parent.parent / "var" / "fundledger-instance")
        return str(lib / "var" / "fundledger-instance")
    return str(package_parent / "instance")


def settings(overrides: Mapping[str, Any] | None = None) -> dict[str, Any]:
    """The configuration: the environment, ``overrides`` laid over it, and the defaults of
    the database (an SQLite file in the instance folder) and the statements' archive.
    The web app and the command line both start from it."""
    config = {**load_config(), **(overrides or {})}
    if not config.get("DATABASE_URL"):
        os.makedirs(instance_path(), exist_ok=True)
        config["DATABASE_URL"] = default_database_url(instance_path())
    config.setdefault("STATEMENTS_DIR", str(default_statements_dir()))
    config.setdefault("DOCUMENTS_DIR", str(Path(instance_path()) / "documents"))
    return config


def documents_max_bytes(config: Mapping[str, Any]) -> int:
    """The document size limit the configuration sets (a positive whole number)."""
    value = config.get("DOCUMENTS_MAX_BYTES", DEFAULT_DOCUMENTS_MAX_BYTES)
    try:
        limit = int(value)
    except (TypeError, ValueError):
        limit = 0
    if limit <= 0:
        raise ConfigurationError(
            f"FUNDLEDGER_DOCUMENTS_MAX_BYTES is a number of bytes above 0, not {value!r}"
        )
    return limit


def fund_timezone(environ: Mapping[str, str] | None = None) -> zoneinfo.ZoneInfo:
    """The fund's timezone: ``FUNDLEDGER_TIMEZONE`` or the Organization's seat. Read from
    the environment, not the Flask config, because the ledger (CLI, scripts) has no app."""
    environ = os.environ if environ is None else environ
    name = environ.get("FUNDLEDGER_TIMEZONE") or DEFAULT_TIMEZONE
    try:
        return zoneinfo.ZoneInfo(name)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError) as error:
        raise ConfigurationError(
            f"FUNDLEDGER_TIMEZONE {name[:60]!r} is not a timezone; use an IANA name such as "
            f"{DEFAULT_TIMEZONE}"
        ) from error


def default_database_url(instance_path: str) -> str:
    """The embedded default: an SQLite file in the Flask instance folder."""
    return f"sqlite:///{Path(instance_path) / 'fundledger.sqlite3'}"


def default_statements_dir() -> Path:
    """``statements/`` in the working directory, the archive's documented home."""
    return Path.cwd() / "statements"


def instance_secret_key(instance_path: str) -> str:
    """A per-installation key kept in the instance folder, for development use.

    Production sets ``FUNDLEDGER_SECRET_KEY``; without it the key is made once and
    reused, so sessions survive a restart of ``make run``.
    """
    key_file = Path(instance_path) / "secret_key"
    if key_file.exists():
        return key_file.read_text().strip()
    key_file.parent.mkdir(parents=True, exist_ok=True)
    key = secrets.token_hex(32)
    key_file.write_text(key)
    key_file.chmod(0o600)
    return key


def resource_dir(name: str) -> Path:
    """The packaged copy of ``name`` if this is an installed wheel, else the checkout's."""
    packaged = _PACKAGE / name
    if packaged.is_dir():
        return packaged
    checkout = _PACKAGE.parent / name
    if checkout.is_dir():
        return checkout
    raise FileNotFoundError(f"fundledger is missing its {name}/ folder")  # broken install
