"""Sending mail: the SMTP server named by ``FUNDLEDGER_SMTP_URL``, through the standard
library's :mod:`smtplib`, messages built as :class:`email.message.EmailMessage`.

Three forms of address, one per way a relay is reached:

- ``smtp://host:25``, a relay on the local network, in plain SMTP and without signing in;
- ``smtp+starttls://user:password@host:587``, submission upgraded to TLS by STARTTLS;
- ``smtps://user:password@host:465``, TLS from the first byte.

The user and password are percent-decoded (a ``@`` in a password is written ``%40``).
:func:`mail_settings` reads the address and the sender once, when the application starts,
so that a misspelt address stops the start with its reason rather than failing each
invitation later. Nothing here knows Flask.
"""

from __future__ import annotations

import smtplib
import ssl
from collections.abc import Mapping
from dataclasses import dataclass
from email.headerregistry import Address
from email.message import EmailMessage
from email.utils import formatdate, make_msgid, parseaddr
from typing import Any
from urllib.parse import unquote, urlsplit

from fundledger.config import ConfigurationError

#: Each scheme, how the connection is secured, and the port it uses unless told.
SCHEMES = {"smtp": ("plain", 25), "smtp+starttls": ("starttls", 587), "smtps": ("tls", 465)}
#: How long a connection or a reply may take before the send counts as failed: an admin's
#: page waits for it.
TIMEOUT_SECONDS = 20


@dataclass(frozen=True, slots=True)
class MailSettings:
    """Where mail goes and who it is from (the password is kept out of ``repr``)."""

    host: str
    port: int
    security: str
    sender: str
    username: str | None = None
    password: str | None = None

    def __repr__(self) -> str:
        return f"MailSettings({self.security}://{self.host}:{self.port}, from {self.sender})"


class MailNotSent(Exception):
    """The server could not be reached or refused the message; the reason, for the log."""


def mail_settings(config: Mapping[str, Any]) -> MailSettings | None:
    """The configured server and sender, or None when no ``FUNDLEDGER_SMTP_URL`` is set
    (links are then shown to the admin, to hand over). A malformed address, or one
    without a sender, is a :class:`~fundledger.config.ConfigurationError`."""
    url = config.get("SMTP_URL")
    if not url:
        return None
    sender = str(config.get("MAIL_FROM") or "")
    if "@" not in parseaddr(sender)[1]:
        raise ConfigurationError(
            "FUNDLEDGER_MAIL_FROM must be the address invitations are sent from "
            f"(e.g. fund@example.org) when FUNDLEDGER_SMTP_URL is set; it is {sender[:80]!r}"
        )
    return _parsed(str(url), sender)


def _parsed(url: str, sender: str) -> MailSettings:
    def refuse(problem: str) -> ConfigurationError:
        parts = urlsplit(url)  # shown without its user and password
        shown = parts._replace(netloc=parts.netloc.rpartition("@")[2]).geturl()
        return ConfigurationError(
            f"FUNDLEDGER_SMTP_URL {shown[:80]!r} {problem}; write it as smtp://host:25, "
            "smtp+starttls://user:password@host:587 or smtps://user:password@host:465"
        )

    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        raise refuse("has a port that is not a number from 0 to 65535") from None
    if parts.scheme not in SCHEMES:
        raise refuse(f"has the scheme {parts.scheme[:20]!r}")
    if not parts.hostname:
        raise refuse("names no host")
    if parts.path not in ("", "/") or parts.query or parts.fragment:
        raise refuse("has a path or a query, which an SMTP server has not")
    security, default_port = SCHEMES[parts.scheme]
    username = None if parts.username is None else unquote(parts.username)
    password = None if parts.password is None else unquote(parts.password)
    if (username is None) != (password is None):
        raise refuse("has a user without a password")
    if security == "plain" and username is not None:
        raise refuse("would send a password unencrypted; use smtp+starttls:// or smtps://")
    return MailSettings(parts.hostname, port or default_port, security, sender, username,
                        password)  # fmt: skip


def message(settings: MailSettings, to: str, subject: str, body: str) -> EmailMessage:
    """A plain-text message from the configured sender."""
    mail = EmailMessage()
    mail["From"] = settings.sender
    mail["To"] = Address(addr_spec=to)
    mail["Subject"] = subject
    # What a receiving server expects of every message (RFC 5322), lest it file it as spam.
    mail["Date"] = formatdate(usegmt=True)
    mail["Message-ID"] = make_msgid(domain=parseaddr(settings.sender)[1].rpartition("@")[2])
    mail.set_content(body)
    return mail


def send(settings: MailSettings, mail: EmailMessage) -> None:
    """Hand ``mail`` to the server; :class:`MailNotSent` with the reason if it could not be."""
    context = ssl.create_default_context()
    try:
        if settings.security == "tls":
            client: smtplib.SMTP = smtplib.SMTP_SSL(
                settings.host, settings.port, timeout=TIMEOUT_SECONDS, context=context
            )
        else:
            client = smtplib.SMTP(settings.host, settings.port, timeout=TIMEOUT_SECONDS)
        with client:
            if settings.security == "starttls":
                client.starttls(context=context)
            if settings.username is not None and settings.password is not None:
                client.login(settings.username, settings.password)
            client.send_message(mail)
    except OSError as error:  # smtplib's errors are OSErrors too
        raise MailNotSent(f"{type(error).__name__}: {str(error)[:200]}") from error
