"""Readers of the statement register: the list, one statement, verification, re-rendering."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from fundledger.reporting.models import StatementKind, StatementRecord
from fundledger.reporting.pdf import Issue
from fundledger.reporting.render import Request, issue_for, render

#: How the statement number sits in an issued PDF's metadata (see layout.metadata).
_CLAIMS = (
    re.compile(rb"/Subject \(((?:DS|FS|CP)-\d{4}-\d{4,})\)"),
    re.compile(rb"/Keywords \(fundledger-statement ((?:DS|FS|CP)-\d{4}-\d{4,})\)"),
)


def statements(session: Session, *, donor_id: int | None = None) -> Sequence[StatementRecord]:
    """The register, oldest first; only one donor's statements if ``donor_id`` is given."""
    query = select(StatementRecord).order_by(StatementRecord.issued_at, StatementRecord.id)
    if donor_id is not None:
        query = query.filter_by(donor_id=donor_id)
    return session.scalars(query).all()


def statement_by_number(session: Session, number: str) -> StatementRecord | None:
    return session.scalar(select(StatementRecord).filter_by(number=number))


def request_of(statement: StatementRecord) -> Request:
    """What the statement was built from, as stored in the register."""
    parameters = json.loads(statement.parameters)
    return Request(StatementKind(statement.kind), {k: str(v) for k, v in parameters.items()})


def issue_of(statement: StatementRecord) -> Issue:
    return issue_for(statement.number, statement.issued_at, statement.language)


def rerender(session: Session, statement: StatementRecord) -> bytes:
    """Render the statement again from its record and today's ledger."""
    return render(session, request_of(statement), issue_of(statement))


@dataclass(frozen=True, slots=True)
class Verdict:
    """What a file is: one of our statements (``statement``), a copy of one that was
    changed (``claimed`` names the statement it claims to be), or neither."""

    sha256: str
    statement: StatementRecord | None
    claimed: str | None
    claimed_exists: bool

    @property
    def genuine(self) -> bool:
        return self.statement is not None


def claimed_number(content: bytes) -> str | None:
    """The statement number a PDF's metadata claims, if it has one in our form."""
    for pattern in _CLAIMS:
        found = pattern.search(content)
        if found:
            return found.group(1).decode("ascii")
    return None


def verify(session: Session, content: bytes) -> Verdict:
    """Look the file's SHA-256 up in the register; if it is not there, read the number it
    claims to carry, to tell an altered copy from a document we never issued."""
    digest = hashlib.sha256(content).hexdigest()
    statement = session.scalar(select(StatementRecord).filter_by(sha256=digest))
    if statement is not None:
        return Verdict(digest, statement, statement.number, True)
    claimed = claimed_number(content)
    exists = claimed is not None and statement_by_number(session, claimed) is not None
    return Verdict(digest, None, claimed, exists)


@dataclass(frozen=True, slots=True)
class RebuildResult:
    number: str
    #: The re-rendered PDF has the registered hash.
    reproduced: bool
    #: The archived file is there and has the registered hash.
    archived: bool


def rebuild_check(
    session: Session, archive: Path, records: Sequence[StatementRecord] | None = None
) -> Iterator[RebuildResult]:
    """Re-render every issued statement and compare it, and the archive, with the register."""
    for statement in records if records is not None else statements(session):
        fresh = hashlib.sha256(rerender(session, statement)).hexdigest()
        path = archive / statement.path
        kept = hashlib.sha256(path.read_bytes()).hexdigest() if path.is_file() else None
        yield RebuildResult(statement.number, fresh == statement.sha256, kept == statement.sha256)


def issued_on(statement: StatementRecord) -> dt.datetime:
    """The issue time in UTC (SQLite returns it without its zone)."""
    return issue_of(statement).moment
