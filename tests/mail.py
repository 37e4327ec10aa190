"""A real SMTP server on 127.0.0.1 (aiosmtpd) that keeps what it receives, for the tests
of mailed setup links: the application sends through smtplib as it would to a relay,
and the test reads the message as the recipient's mail program would."""

from __future__ import annotations

import email
import email.policy
import socket
from collections.abc import Iterator
from dataclasses import dataclass, field
from email.message import EmailMessage
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP, Envelope, Session


@dataclass
class Inbox:
    """What the server accepted, in order, parsed."""

    messages: list[EmailMessage] = field(default_factory=list)
    recipients: list[list[str]] = field(default_factory=list)

    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:
        content = envelope.original_content or b""
        parsed = email.message_from_bytes(content, policy=email.policy.default)
        assert isinstance(parsed, EmailMessage)
        self.messages.append(parsed)
        self.recipients.append(list(envelope.rcpt_tos))
        return "250 Message accepted for delivery"


@dataclass
class SmtpServer:
    url: str
    inbox: Inbox

    def only_message(self) -> EmailMessage:
        (received,) = self.inbox.messages
        return received


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


@pytest.fixture
def smtp_server() -> Iterator[SmtpServer]:
    """A plain SMTP relay on a free port of 127.0.0.1, as ``smtp://127.0.0.1:PORT``."""
    inbox = Inbox()
    port = _free_port()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield SmtpServer(f"smtp://127.0.0.1:{port}", inbox)
    finally:
        controller.stop()


def closed_port_url() -> str:
    """An SMTP address where nothing listens: a send there fails at once."""
    return f"smtp://127.0.0.1:{_free_port()}"


def body_of(message: EmailMessage) -> str:
    part: Any = message.get_body(preferencelist=("plain",))
    assert part is not None
    text: str = part.get_content()
    return text
