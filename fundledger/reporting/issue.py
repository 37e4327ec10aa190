"""What identifies one issued document: its number, time, language, status and issuer,
printed on every page and in its metadata."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from enum import StrEnum

from fundledger.reporting.i18n import Language


class Status(StrEnum):
    """How far a statement's figures can be relied on, by its period and the books.

    *Interim*: issued before its period was over (a year to date), so the figures cover
    part of what the period will hold. *Unaudited*: the period was over but some fiscal
    year of it was not closed, so adjustments can still be dated inside it. *Final*:
    every fiscal year of the period was closed; nothing can be dated inside it any more.
    """

    INTERIM = "interim"
    UNAUDITED = "unaudited"
    FINAL = "final"

    @classmethod
    def of(cls, *, closed: bool, last_day: dt.date, issued_at: dt.datetime) -> Status:
        """The status of a statement of a period ending on ``last_day``, issued at
        ``issued_at`` (UTC), whose years were all ``closed`` or not then."""
        if closed:
            return cls.FINAL
        return cls.INTERIM if _utc(issued_at).date() <= last_day else cls.UNAUDITED


#: The issuer's role as the register keeps it: a user's role, or the command line.
OPERATOR = "operator"


@dataclass(frozen=True, slots=True)
class Officer:
    """Who issued the statement, as printed in its issue block."""

    name: str
    #: A role of :class:`fundledger.auth.models.Role`, or :data:`OPERATOR`.
    role: str


@dataclass(frozen=True, slots=True)
class Issue:
    number: str
    issued_at: dt.datetime
    language: Language
    status: Status = Status.FINAL
    #: The number of the statement it replaces (same request and language), if any.
    supersedes: str | None = None
    #: None for statements registered before the register kept the issuer (0014).
    officer: Officer | None = None

    @property
    def interim(self) -> bool:
        """Its figures may still change: its period was not closed when it was issued."""
        return self.status is not Status.FINAL

    @property
    def instant(self) -> dt.datetime:
        """The issue time in UTC, to the microsecond (SQLite hands back naive UTC values)."""
        return _utc(self.issued_at)

    @property
    def moment(self) -> dt.datetime:
        """The issue time in UTC to the second, as the document shows it."""
        return self.instant.replace(microsecond=0)


def _utc(at: dt.datetime) -> dt.datetime:
    return at.replace(tzinfo=dt.UTC) if at.tzinfo is None else at.astimezone(dt.UTC)
