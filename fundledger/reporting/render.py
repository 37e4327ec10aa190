"""From a statement's kind and parameters to its PDF: the one path both issuing and
re-rendering from the register take, so that the two cannot drift apart."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from fundledger.allocations.settings import SETTINGS, SettingValues
from fundledger.donors.models import Donor
from fundledger.errors import FundledgerError, NotFound
from fundledger.reporting.donor_data import donor_statement
from fundledger.reporting.donor_pdf import render_donor_statement
from fundledger.reporting.fund_data import fund_statement
from fundledger.reporting.fund_pdf import render_fund_statement
from fundledger.reporting.i18n import Language
from fundledger.reporting.models import StatementKind
from fundledger.reporting.pack_data import meeting_pack
from fundledger.reporting.pack_pdf import render_meeting_pack
from fundledger.reporting.pdf import Issue


class StatementError(FundledgerError):
    """Parameters a statement cannot be built from."""


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
        return cls(StatementKind.FUND, {"year": str(year)})

    @classmethod
    def pack(cls, meeting: dt.date) -> Request:
        return cls(StatementKind.CAJP_PACK, {"meeting": meeting.isoformat()})

    def date(self, name: str) -> dt.date:
        return dt.date.fromisoformat(self.parameters[name])

    def with_settings(self, settings: SettingValues) -> Request:
        return Request(self.kind, {**self.parameters, **settings.as_dict()})

    @property
    def settings(self) -> SettingValues | None:
        """The settings it was issued with; None for one issued before they were kept."""
        if not all(key in self.parameters for key in SETTINGS):
            return None
        return SettingValues(**{key: self.parameters[key] for key in SETTINGS})


def donor_of(session: Session, request: Request) -> Donor | None:
    """The donor a donor statement is for (None for the fund's own documents)."""
    if request.kind != StatementKind.DONOR:
        return None
    code = request.parameters["donor"]
    donor = session.scalar(select(Donor).filter_by(code=code))
    if donor is None:
        raise NotFound(f"there is no donor {code[:40]!r}")
    return donor


def render(session: Session, request: Request, issue: Issue) -> bytes:
    """Build the statement's data from the ledger and render it for ``issue``, with the
    settings the request holds (else those in force at the issue time, from the audit
    log: a statement issued before the register kept them)."""
    settings = request.settings
    if settings is None:
        settings = SettingValues.at(session, issue.instant)
    if request.kind == StatementKind.DONOR:
        donor = donor_of(session, request)
        assert donor is not None  # noqa: S101 - donor_of returns one for donor statements
        start, end = request.date("from"), request.date("to")
        data = donor_statement(session, donor, start, end, settings=settings)
        return render_donor_statement(data, issue)
    if request.kind == StatementKind.FUND:
        return render_fund_statement(
            fund_statement(session, int(request.parameters["year"])), issue
        )
    pack = meeting_pack(session, request.date("meeting"), issue.instant, settings=settings)
    return render_meeting_pack(pack, issue)


def issue_for(number: str, issued_at: dt.datetime, language: str) -> Issue:
    return Issue(number, issued_at, Language.of(language))
