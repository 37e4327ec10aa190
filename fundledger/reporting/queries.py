"""Readers of the statement register: the list, one statement, verification, re-rendering,
and the archived PDF of an issued statement."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session, selectinload

from fundledger.donors.models import Donor
from fundledger.errors import FundledgerError
from fundledger.listing import Columns, Sorts
from fundledger.reporting.issue import Issue, Officer, Status
from fundledger.reporting.models import StatementKind, StatementRecord

# The renderer brings in ReportLab; only the readers that render import it (a CLI command
# or page that lists statements should not pay for it).
if TYPE_CHECKING:
    from asn1crypto.x509 import Certificate

    from fundledger.reporting.render import Request
    from fundledger.reporting.signing import SignatureCheck

#: How the statement number sits in an issued PDF's metadata (see layout.metadata).
_CLAIMS = (
    re.compile(rb"/Subject \(((?:DS|FS|CP)-\d{4}-\d{4,})\)"),
    re.compile(rb"/Keywords \(fundledger-statement ((?:DS|FS|CP)-\d{4}-\d{4,})\)"),
)


#: Loads, with the statements listed, the ones they supersede and are superseded by: a
#: list names both (two queries for the lot, not two per statement).
SUCCESSION = (
    selectinload(StatementRecord.supersedes),
    selectinload(StatementRecord.superseded_by),
)


def statements(session: Session, *, donor_id: int | None = None) -> Sequence[StatementRecord]:
    """The register, oldest first; only one donor's statements if ``donor_id`` is given."""
    query = (
        select(StatementRecord)
        .options(*SUCCESSION)
        .order_by(StatementRecord.issued_at, StatementRecord.id)
    )
    if donor_id is not None:
        query = query.filter_by(donor_id=donor_id)
    return session.scalars(query).all()


def statement_by_number(session: Session, number: str) -> StatementRecord | None:
    return session.scalar(select(StatementRecord).filter_by(number=number))


def request_of(statement: StatementRecord) -> Request:
    """What the statement was built from, as stored in the register."""
    from fundledger.reporting.render import Request

    parameters = json.loads(statement.parameters)
    return Request(StatementKind(statement.kind), {k: str(v) for k, v in parameters.items()})


def issue_of(statement: StatementRecord) -> Issue:
    from fundledger.reporting.render import issue_for

    officer = None
    if statement.issuer_name is not None and statement.issuer_role is not None:
        officer = Officer(statement.issuer_name, statement.issuer_role)
    earlier = statement.supersedes
    return issue_for(statement.number, statement.issued_at, statement.language,
                     status=status_of(statement),
                     supersedes=None if earlier is None else earlier.number,
                     officer=officer)  # fmt: skip


def status_of(statement: StatementRecord) -> Status:
    """Interim, unaudited or final: from whether its period was closed at issue (the
    register's ``interim``), the period's last day and the issue time."""
    last_day = request_of(statement).period[1]
    return Status.of(closed=not statement.interim, last_day=last_day,
                     issued_at=statement.issued_at)  # fmt: skip


def rerender(session: Session, statement: StatementRecord) -> bytes:
    """Render the statement again from its record and today's ledger."""
    from fundledger.reporting.render import render

    return render(session, request_of(statement), issue_of(statement))


@dataclass(frozen=True, slots=True)
class Verdict:
    """What a file is: one of our statements (``statement``), a copy of one that was
    changed (``claimed`` names the statement it claims to be), or neither. For one of
    ours, whether a later statement superseded it, and whether its figures have changed
    since it was issued (``changed``; None when the register cannot tell, for a
    statement issued before it kept what is needed) and by which entries. Apart from the
    register, what its digital signature says (``signature``)."""

    sha256: str
    statement: StatementRecord | None
    claimed: str | None
    claimed_exists: bool
    signature: SignatureCheck
    superseded_by: StatementRecord | None = None
    changed: bool | None = None
    changed_by: tuple[int, ...] = ()

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


def verify(session: Session, content: bytes, trusted: Certificate | None) -> Verdict:
    """Look the file's SHA-256 up in the register; if it is not there, read the number it
    claims to carry, to tell an altered copy from a document we never issued. Check its
    signature apart, against the Fund's certificate ``trusted``."""
    from fundledger.reporting.signing import check

    digest = hashlib.sha256(content).hexdigest()
    signature = check(content, trusted)
    statement = session.scalar(select(StatementRecord).filter_by(sha256=digest))
    if statement is not None:
        changed, changed_by = figures_changed(session, statement)
        return Verdict(digest, statement, statement.number, True, signature,
                       statement.superseded_by, changed, changed_by)  # fmt: skip
    claimed = claimed_number(content)
    exists = claimed is not None and statement_by_number(session, claimed) is not None
    return Verdict(digest, None, claimed, exists, signature)


#: Whether a statement's figures have changed since issue, and by which entries.
Changed = tuple[bool | None, tuple[int, ...]]


def figures_changed(
    session: Session, statement: StatementRecord, *, fresh: dict[object, str] | None = None
) -> Changed:
    """Whether re-rendering the statement today would print other figures, and the
    entries appended since it was issued and dated within its figures' reach (those
    that can have changed them); (None, ()) for a statement issued before the register
    kept its figures' digest. ``fresh`` keeps today's digests by what the data is built
    from, for a caller that asks of many statements (:func:`figures_changes`)."""
    from fundledger.ledger.queries import entries_since
    from fundledger.reporting.render import data_key, figures_digest, statement_data

    if statement.figures_digest is None or statement.last_entry is None:
        return None, ()
    request, issue = request_of(statement), issue_of(statement)
    digests = {} if fresh is None else fresh
    key = data_key(request, issue)
    if key not in digests:
        digests[key] = figures_digest(statement_data(session, request, issue.instant))
    if digests[key] == statement.figures_digest:
        return False, ()
    _start, end = request.period
    return True, tuple(entries_since(session, statement.last_entry, dated_by=end))


def figures_changes(session: Session, statements: Sequence[StatementRecord]) -> dict[int, Changed]:
    """:func:`figures_changed` of each statement (by id), as the register shows them: each
    set of data is built once, however many statements were issued from it. It builds
    a statement's data (some 40 queries for a donor's), so a page asks it of its rows."""
    fresh: dict[object, str] = {}
    return {s.id: figures_changed(session, s, fresh=fresh) for s in statements}


@dataclass(frozen=True, slots=True)
class RebuildResult:
    number: str
    #: The re-rendered PDF has the registered hash of the render (before signing).
    reproduced: bool
    #: The archived file is there and has the registered hash.
    archived: bool


def rebuild_check(
    session: Session, archive: Path, records: Sequence[StatementRecord] | None = None
) -> Iterator[RebuildResult]:
    """Re-render every issued statement and compare it with the register's hash of the
    render before signing, and the archived (signed) file with the hash of the file."""
    for statement in records if records is not None else statements(session):
        fresh = hashlib.sha256(rerender(session, statement)).hexdigest()
        rendered = statement.render_sha256 or statement.sha256  # unsigned before 0016
        path = archive / statement.path
        kept = hashlib.sha256(path.read_bytes()).hexdigest() if path.is_file() else None
        yield RebuildResult(statement.number, fresh == rendered, kept == statement.sha256)


def issued_on(statement: StatementRecord) -> dt.datetime:
    """The issue time in UTC (SQLite returns it without its zone)."""
    return issue_of(statement).moment


# --- what a statement is, in words (the CLI and the web pages say the same) -----------


def describe(statement: StatementRecord) -> str:
    """One line saying what a registered statement is."""
    parameters = request_of(statement).parameters
    if statement.kind == StatementKind.DONOR:
        return (f"donor statement for {parameters['donor']}, "
                f"{parameters['from']} to {parameters['to']}")  # fmt: skip
    if statement.kind == StatementKind.FUND and "year" in parameters:
        return f"fund statement for {parameters['year']}"
    if statement.kind == StatementKind.FUND:
        return f"fund statement for {parameters['from']} to {parameters['to']}"
    return f"CAJP meeting pack for the meeting of {parameters['meeting']}"


def stamp(statement: StatementRecord) -> str:
    """The issue time as the register prints it: ISO 8601 in UTC, ``Z`` for the zone."""
    return issued_on(statement).isoformat().replace("+00:00", "Z")


def status(statement: StatementRecord) -> str:
    """Interim, unaudited or final, as the register says it."""
    return str(status_of(statement))


def succession(statement: StatementRecord) -> tuple[str, str]:
    """The numbers of the statement it supersedes and of the one that superseded it
    ("" for none), as the register's CSV and the CLI list them."""
    earlier, later = statement.supersedes, statement.superseded_by
    return ("" if earlier is None else earlier.number, "" if later is None else later.number)


def _since(verdict: Verdict) -> str:
    """What became of a genuine statement since it was issued, as a clause."""
    parts = []
    if verdict.superseded_by is not None:
        later = verdict.superseded_by
        parts.append(f"superseded by {later.number}, issued {stamp(later)}")
    if verdict.changed is None:
        parts.append("whether its figures have changed is not recorded (issued before "
                     "the register kept them)")  # fmt: skip
    elif verdict.changed and verdict.changed_by:
        numbers = ", ".join(str(n) for n in verdict.changed_by[:20])
        more = len(verdict.changed_by) - 20
        numbers += f" and {more} more" if more > 0 else ""
        noun = "entry" if len(verdict.changed_by) == 1 else "entries"
        parts.append(f"figures since changed by {noun} {numbers}")
    elif verdict.changed:
        parts.append("figures since changed (by the Program or the donor's details, "
                     "not by a ledger entry)")  # fmt: skip
    else:
        parts.append("figures unchanged since issue")
    return "; ".join(parts)


def verdict_text(verdict: Verdict) -> str:
    """The answer to "is this file one of our statements?", in one sentence."""
    found = verdict.statement
    signature = verdict.signature.text()
    if found is not None:
        return (
            f"genuine: {found.number}, {status(found)} {describe(found)}, in {found.language}, "
            f"issued {stamp(found)} by {found.issued_by}; {signature}; {_since(verdict)}"
        )
    if verdict.claimed and verdict.claimed_exists:
        return (
            f"NOT GENUINE: the file claims to be statement {verdict.claimed}, but its "
            f"content differs from the document issued under that number: it was altered; "
            f"{signature}"
        )
    if verdict.claimed:
        return (f"NOT GENUINE: the file claims to be statement {verdict.claimed}, a number "
                f"this fund never issued; {signature}")  # fmt: skip
    return ("NOT GENUINE: not a statement issued by this fund (its SHA-256 "
            f"{verdict.sha256} is not in the register); {signature}")  # fmt: skip


# --- the register as the web pages read it --------------------------------------------

#: How the register may be sorted; newest first unless asked otherwise. Each order ends
#: on a unique column, so pages never overlap.
REGISTER_SORTS: Sorts[Columns] = Sorts(
    {
        "issued": (StatementRecord.issued_at, StatementRecord.id),
        "number": (StatementRecord.kind, StatementRecord.year, StatementRecord.sequence),
        # The fund's own documents have no donor: "" sorts them first on either database.
        "donor": (func.coalesce(Donor.code, ""), StatementRecord.issued_at, StatementRecord.id),
        "language": (StatementRecord.language, StatementRecord.issued_at, StatementRecord.id),
        "issued_by": (StatementRecord.issued_by, StatementRecord.issued_at, StatementRecord.id),
    },
    default="issued",
    descending=True,
)


def register_query(
    *, kind: StatementKind | None = None, donor: str | None = None, year: int | None = None
) -> Select[StatementRecord]:
    """The register's statements of one ``kind``, for one ``donor`` (its code), issued in
    one ``year`` — each criterion left out when None — unordered (see REGISTER_SORTS)."""
    query = (
        select(StatementRecord)
        .outerjoin(Donor, Donor.id == StatementRecord.donor_id)
        .options(*SUCCESSION)
    )
    if kind is not None:
        query = query.where(StatementRecord.kind == kind)
    if donor is not None:
        query = query.where(Donor.code == donor)
    if year is not None:
        query = query.where(StatementRecord.year == year)
    return query


def statement_by_id(
    session: Session, statement_id: int, *, donor_id: int | None = None
) -> StatementRecord | None:
    """The statement with this id; when ``donor_id`` is given (a donor login's scope),
    only if it is that donor's, so another's reads as none at all."""
    if not 0 < statement_id <= 2**31 - 1:
        return None
    statement = session.get(StatementRecord, statement_id)
    if statement is None or (donor_id is not None and statement.donor_id != donor_id):
        return None
    return statement


def issued_since(
    session: Session, request: Request, *, language: str, since: dt.datetime
) -> StatementRecord | None:
    """The latest statement issued at or after ``since`` from the same request in the same
    language, if there is one."""
    query = (
        select(StatementRecord)
        .filter_by(kind=request.kind, language=language)
        .where(StatementRecord.issued_at >= since)
        .order_by(StatementRecord.issued_at.desc(), StatementRecord.id.desc())
    )
    if request.kind == StatementKind.DONOR:
        from fundledger.reporting.render import donor_of

        donor = donor_of(session, request)
        query = query.filter_by(donor_id=None if donor is None else donor.id)
    return next((s for s in session.scalars(query) if request_of(s) == request), None)


def latest_of(session: Session, request: Request, *, language: str) -> StatementRecord | None:
    """The latest statement issued of the same subject as ``request`` (donor and period,
    year or meeting, whatever the settings) in the same language: what a new issue of it
    supersedes."""
    query = (
        select(StatementRecord)
        .filter_by(kind=request.kind, language=language)
        .order_by(StatementRecord.issued_at.desc(), StatementRecord.id.desc())
    )
    if request.kind == StatementKind.DONOR:
        from fundledger.reporting.render import donor_of

        donor = donor_of(session, request)
        query = query.filter_by(donor_id=None if donor is None else donor.id)
    subject = request.subject
    return next((s for s in session.scalars(query) if request_of(s).subject == subject), None)


class ArchiveProblem(FundledgerError):
    """The archived PDF of an issued statement is missing or is not the one registered."""

    status = 409


def archived_pdf(archive: Path, statement: StatementRecord) -> bytes:
    """The issued PDF exactly as archived, once its SHA-256 matches the register's."""
    root = archive.resolve()
    path = (root / statement.path).resolve()
    if not path.is_relative_to(root) or not path.is_file():
        raise ArchiveProblem(
            f"The PDF of statement {statement.number} is missing from the statements "
            "archive, so it cannot be sent until the Secretariat restores it from a backup."
        )
    content = path.read_bytes()
    if hashlib.sha256(content).hexdigest() != statement.sha256:
        raise ArchiveProblem(
            f"The archived PDF of statement {statement.number} is not the document that was "
            "issued (its SHA-256 differs from the register's), so it cannot be sent until the "
            "Secretariat restores it from a backup."
        )
    return content
