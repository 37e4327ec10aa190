"""The root of every refusal the application can give.

Operations raise a subclass of :class:`FundledgerError` with a message meant for the
person who asked; the CLI prints it and exits 1, the web app answers with the class's
``status`` (web/pages.py is the one place that reads it). The status is a plain number
here, so that the domain imports nothing of the web.

A refusal is raised where no language is known, so it carries its message as data: a
message id (an English template with ``%(name)s`` placeholders, marked with
``fundledger.i18n.N_`` so that it is extracted into the web catalogs) and typed
parameters (:class:`Amount`, ``Decimal``, ``date``, :class:`Term`, codes as ``str``).
``str(refusal)`` is the English sentence, which the CLI prints; the web renders the
same id and parameters in the reader's language and number and date format
(:func:`fundledger.i18n.refusal_text`). A command to type is a separate ``hint``,
which the CLI prints after the sentence and a page never shows.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal


@dataclass(frozen=True, slots=True)
class Amount:
    """An amount of money in a message, written with two places and thousands grouped
    (``1,234.50 EUR``) in the reader's signs; ``currency`` is left out where the
    sentence names it already."""

    value: Decimal
    currency: str | None = None


class Term(str):
    """A word of a message that is itself translated when shown (``the bank``): its text
    is a msgid marked with ``N_`` where it is chosen."""

    __slots__ = ()


@dataclass(frozen=True, slots=True)
class Message:
    """A message id and its parameters, for a helper that words a refusal its caller
    raises (``raise Overdraft(overdraft_message(...))``), or a clause of another message
    (why an earmark cannot be used, inside the refusal of a pledge)."""

    id: str
    params: Mapping[str, Param]

    def __hash__(self) -> int:
        """A generated memo is part of a ledger line, which sets and caches hold."""
        return hash((self.id, tuple(sorted(self.params.items()))))


#: What a message's placeholder may hold.
Param = str | int | Decimal | dt.date | Amount | Message


def english(value: Param) -> str:
    """A parameter as the English sentence writes it: ISO dates, amounts grouped with
    two places, other decimals with the places they have, everything else as ``str``
    gives it."""
    if isinstance(value, Amount):
        figure = f"{value.value:,.2f}"
        return figure if value.currency is None else f"{figure} {value.currency}"
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, Message):
        return fill(value.id, {name: english(v) for name, v in value.params.items()})
    if isinstance(value, Decimal):  # never in exponent form: 0.0000001, not 1E-7
        return f"{value:f}"
    return str(value)


def fill(template: str, params: Mapping[str, str]) -> str:
    """``template`` with its placeholders filled; a template without parameters is taken
    as it is (a ``%`` in it is then a plain sign)."""
    return template % params if params else template


class FundledgerError(Exception):
    """A refused operation; ``str(error)`` is the one line a user sees in English.

    ``message_id`` and ``params`` are what a reader in another language is shown, and
    ``hint`` is the command line that would fix it (the CLI's only)."""

    #: The HTTP status a request refused this way answers with: what was asked cannot be
    #: done as given (a subclass says when it is rather not there, not allowed, or too late).
    status = 422

    def __init__(
        self, message: str | Message = "", /, *, hint: str | None = None, **params: Param
    ) -> None:
        if isinstance(message, Message):
            params = {**message.params, **params}
            message = message.id
        self.message_id = message
        self.params: dict[str, Param] = params
        self.hint = hint
        super().__init__(fill(message, {name: english(v) for name, v in params.items()}))

    def as_message(self) -> Message:
        """What this refusal says, as a clause of another's message (``line 2: …``)."""
        return Message(self.message_id, self.params)

    def headers(self) -> dict[str, str]:
        """HTTP headers the answer carries besides the status (a wait before retrying)."""
        return {}


class NotFound(FundledgerError):
    """The thing asked for does not exist."""

    status = 404


class NotAllowed(FundledgerError):
    """This person may not do this (a role, maker–checker, another's data)."""

    status = 403
