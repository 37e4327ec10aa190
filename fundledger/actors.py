"""Who is acting: recorded on every journal entry and audit event."""

from __future__ import annotations

import getpass
import uuid
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Actor:
    """The person (or process) behind a state change, and the request it came through."""

    #: A user's email, or ``cli:<login>`` for the command line.
    name: str
    #: The web request or CLI invocation that made the change.
    request_id: str | None = None
    #: The client's IP address, for web requests.
    address: str | None = None


def command_line_actor() -> Actor:
    """The operator running a CLI command, with a fresh invocation id."""
    return Actor(name=f"cli:{getpass.getuser()}", request_id=f"cli-{uuid.uuid4().hex}")
