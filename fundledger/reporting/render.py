"""From a statement's kind and parameters to its PDF: the one path both issuing and
re-rendering from the register take, so that the two cannot drift apart."""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from fundledger.allocations.settings import STATEMENT_SETTINGS, SettingValues
from fundledger.donors.models import Donor
from fundledger.errors import FundledgerError, NotFound
from fundledger.ledger.balances import first_day
from fundledger.ledger.periods import fiscal_year
from fundledger.reporting.donor_data import DonorStatementData, donor_statement
from fundledger.reporting.donor_pdf import render_donor_statement
from fundledger.reporting.figures import figure_fields
from fundledger.reporting.fund_data import FundStatementData, fund_statement
from fundledger.reporting.fund_pdf import render_fund_statement
from fundledger.reporting.i18n import Language
from fundledger.reporting.issue import Issue, Officer, Status
from fundledger.reporting.models import StatementKind
from fundledger.reporting.pack_data import PackData, meeting_pack
from fundledger.reporting.pack_pdf import render_meeting_pack


class StatementError(FundledgerError):
    """Parameters a statement cannot be built from."""


#: The fund statement's edition, kept in its parameters so that one issued before renders
#: as it was: 1 (none kept), then 2, which adds the sources and uses of funds, then 3,
#: which adds expenditure by category and transfers by implementing organ.
FUND_EDITION = "3"


@dataclass(frozen=True, slots=True)
class Request:
    """What to build: the kind and its parameters, as stored in the register (JSON).

    An issued statement's parameters also hold the fund's settings it was rendered with
    (:meth:`with_settings`), so that it renders the same after a setting changes."""

    kind: StatementKind
    parameters: Mapping[str, str]

    @classmethod
    def donor(cls, code: str, start: dt.date, end: dt.date) -> Request:
        if end < start:
            raise StatementError(f"the period ends ({end}) before it starts ({start})")
        return cls(StatementKind.DONOR,
                   {"donor": code, "from": start.isoformat(), "to": end.isoformat()})  # fmt: skip

    @classmethod
    def fund(cls, year: int) -> Request:
        if not 2000 <= year <= 2199:
            raise StatementError(f"year {year} is outside 2000–2199")
        return cls(StatementKind.FUND, {"year": str(year), "edition": FUND_EDITION})

    @classmethod
    def fund_period(cls, start: dt.date, end: dt.date) -> Request:
        """The fund statement for any period (the Fund's whole life, say); a fiscal year
        asked this way is still the year's statement, under its year."""
        if end < start:
            raise StatementError(f"the period ends ({end}) before it starts ({start})")
        if (start, end) == fiscal_year(start.year):
            return cls.fund(start.year)
        return cls(StatementKind.FUND, {"from": start.isoformat(), "to": end.isoformat(),
                                        "edition": FUND_EDITION})  # fmt: skip

    @classmethod
    def pack(cls, meeting: dt.date) -> Request:
        return cls(StatementKind.CAJP_PACK, {"meeting": meeting.isoformat()})

    def date(self, name: str) -> dt.date:
        return dt.date.fromisoformat(self.parameters[name])

    def with_settings(self, settings: SettingValues) -> Request:
        return Request(self.kind, {**self.parameters, **settings.as_dict()})

    @property
    def subject(self) -> dict[str, str]:
        """What the statement is of (donor, period, year or meeting), without the settings
        it was rendered with or its edition: a re-issue of the same subject supersedes the
        earlier one."""
        return {k: v for k, v in self.parameters.items()
                if k not in STATEMENT_SETTINGS and k != "edition"}  # fmt: skip

    @property
    def period(self) -> tuple[dt.date, dt.date]:
        """The days its figures cover: interim until every year of them is closed, and
        changed only by entries dated by the last one."""
        if self.kind == StatementKind.FUND and "year" in self.parameters:
            return fiscal_year(int(self.parameters["year"]))
        if self.kind in (StatementKind.DONOR, StatementKind.FUND):
            return self.date("from"), self.date("to")
        return self.date("meeting"), self.date("meeting")

    @property
    def edition(self) -> int:
        """Which edition of its kind's document it is (1 for one issued before they were
        kept: it renders as it always did)."""
        return int(self.parameters.get("edition", "1"))

    @property
    def settings(self) -> SettingValues | None:
        """The settings it was issued with; None for one issued before they were kept."""
        if not all(key in self.parameters for key in STATEMENT_SETTINGS):
            return None
        return SettingValues(**{key: self.parameters[key] for key in STATEMENT_SETTINGS})


def since_inception(session: Session, end: dt.date) -> Request:
    """The fund statement from the Fund's first day (its earliest posting) to ``end``."""
    first = first_day(session)
    if first is None:
        raise StatementError("the ledger has no entries yet, so the Fund has no first day")
    if end < first:
        raise StatementError(f"the period ends ({end}) before the Fund's first day ({first})")
    return Request.fund_period(first, end)


def donor_of(session: Session, request: Request) -> Donor | None:
    """The donor a donor statement is for (None for the fund's own documents)."""
    if request.kind != StatementKind.DONOR:
        return None
    code = request.parameters["donor"]
    donor = session.scalar(select(Donor).filter_by(code=code))
    if donor is None:
        raise NotFound(f"there is no donor {code[:40]!r}")
    return donor


#: Everything a statement prints, as plain values.
StatementData = DonorStatementData | FundStatementData | PackData


def statement_data(session: Session, request: Request, at: dt.datetime) -> StatementData:
    """Build the statement's data from the ledger as it is issued at ``at``, with the
    settings the request holds (else those in force at ``at``, from the audit log: a
    statement issued before the register kept them). What a statement prints, what it
    carries as its figures file, and what ``--format json`` prints all come from here."""
    settings = request.settings
    if settings is None:
        settings = SettingValues.at(session, at)
    if request.kind == StatementKind.DONOR:
        donor = donor_of(session, request)
        assert donor is not None  # noqa: S101 - donor_of returns one for donor statements
        start, end = request.date("from"), request.date("to")
        return donor_statement(session, donor, start, end, settings=settings)
    if request.kind == StatementKind.FUND:
        return fund_statement(session, *request.period, edition=request.edition)
    return meeting_pack(session, request.date("meeting"), at, settings=settings)


def data_key(request: Request, issue: Issue) -> tuple[object, ...]:
    """What :func:`statement_data` builds from besides the database: statements with the
    same key have the same data (a re-issue, another language). The issue's moment
    counts where it is read: a meeting pack, and settings not kept with the request."""
    reads_moment = request.kind == StatementKind.CAJP_PACK or request.settings is None
    return (request.kind, tuple(sorted(request.parameters.items())),
            issue.instant if reads_moment else None)  # fmt: skip


def render_data(data: StatementData, issue: Issue) -> bytes:
    if isinstance(data, DonorStatementData):
        return render_donor_statement(data, issue)
    if isinstance(data, FundStatementData):
        return render_fund_statement(data, issue)
    return render_meeting_pack(data, issue)


def render(session: Session, request: Request, issue: Issue) -> bytes:
    """Build the statement's data from the ledger and render it for ``issue``."""
    return render_data(statement_data(session, request, issue.instant), issue)


def preview(session: Session, request: Request, now: dt.datetime) -> StatementData:
    """The data the statement would print if issued ``now``, with today's settings."""
    return statement_data(session, request.with_settings(SettingValues.now(session)), now)


def figures_digest(data: StatementData) -> str:
    """SHA-256 of every value the statement prints, in a canonical form (mappings by
    key): equal digests mean a re-render today would print the same figures."""
    return hashlib.sha256(json.dumps(_canonical(data), sort_keys=True).encode()).hexdigest()


def _canonical(value: Any) -> Any:
    kind = type(value)
    if kind is str or kind is int or kind is bool or value is None:  # most values: first
        return value
    if kind is Decimal:
        return str(value)
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {name: _canonical(item) for name, item in figure_fields(value)}
    if isinstance(value, Mapping):
        return sorted([str(key), _canonical(item)] for key, item in value.items())
    if isinstance(value, list | tuple):
        return [_canonical(item) for item in value]
    if isinstance(value, set | frozenset):
        return sorted(str(item) for item in value)
    if value is None or isinstance(value, bool | int | str):
        return value
    return str(value)


def issue_for(
    number: str,
    issued_at: dt.datetime,
    language: str,
    *,
    status: Status = Status.FINAL,
    supersedes: str | None = None,
    officer: Officer | None = None,
) -> Issue:
    return Issue(number, issued_at, Language.of(language), status, supersedes, officer)
