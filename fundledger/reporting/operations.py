"""Issuing a statement: number it, render it, keep the PDF, and register it.

Like every operation this only flushes; the caller commits. The PDF is written into the
archive before the caller commits, under its number: if the transaction then fails,
the number was never taken and the next issue overwrites the orphan file.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import tempfile
from pathlib import Path

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from fundledger.actors import Actor
from fundledger.allocations.settings import SettingValues
from fundledger.audit.operations import record
from fundledger.auth.models import Role
from fundledger.auth.queries import user_by_email
from fundledger.ledger.operations import lock_ledger
from fundledger.ledger.periods import period_closed
from fundledger.ledger.queries import last_entry_number
from fundledger.reporting.i18n import Language
from fundledger.reporting.issue import OPERATOR, Issue, Officer, Status
from fundledger.reporting.models import PREFIXES, StatementRecord
from fundledger.reporting.queries import issued_since, latest_of
from fundledger.reporting.render import (
    Request,
    donor_of,
    figures_digest,
    render_data,
    statement_data,
)
from fundledger.reporting.signing import Signer, sign


def statement_number(kind_prefix: str, year: int, sequence: int) -> str:
    return f"{kind_prefix}-{year}-{sequence:04d}"


def issue_statement(
    session: Session,
    actor: Actor,
    request: Request,
    *,
    language: str,
    archive: Path,
    signer: Signer,
    now: dt.datetime | None = None,
) -> StatementRecord:
    """Issue the statement ``request`` describes, in ``language``, as of now.

    The ledger's lock is held from numbering to commit: entries cannot be appended while
    the statement reads them (every table adds up on the same ledger), and two issuers
    cannot take the same number. A statement whose period is not closed is marked
    interim, or unaudited once the period is over (:class:`Status`); one of the same
    subject (donor and period, year or meeting) and language as an earlier one
    supersedes the latest of them, and both documents say so. The issuing officer's
    name and role are printed on it and kept in the register. The rendered document is
    signed with ``signer`` (the Fund's key) as an incremental update; the register keeps
    the SHA-256 of both, the signed file's to recognise it, the render's to reproduce it.
    """
    chosen = Language.of(language)
    donor = donor_of(session, request)
    lock_ledger(session)
    request = request.with_settings(SettingValues.now(session))
    issued_at = (now or dt.datetime.now(dt.UTC)).astimezone(dt.UTC)
    year = issued_at.year
    last = session.scalar(
        select(func.max(StatementRecord.sequence)).filter_by(kind=request.kind, year=year)
    )
    sequence = (last or 0) + 1
    number = statement_number(PREFIXES[request.kind], year, sequence)
    earlier = latest_of(session, request, language=chosen.code)
    closed = period_closed(session, *request.period)
    status = Status.of(closed=closed, last_day=request.period[1], issued_at=issued_at)
    officer = officer_of(session, actor)
    issue = Issue(number, issued_at, chosen, status,
                  None if earlier is None else earlier.number, officer)  # fmt: skip
    data = statement_data(session, request, issue.instant)
    rendered = render_data(data, issue)
    pdf = sign(rendered, signer, reason=f"Statement {number} issued by the Fund")
    digest = hashlib.sha256(pdf).hexdigest()
    relative = Path(str(year)) / f"{number}.pdf"
    _write(archive / relative, pdf)
    statement = StatementRecord(
        number=number,
        kind=request.kind,
        year=year,
        sequence=sequence,
        language=chosen.code,
        donor_id=None if donor is None else donor.id,
        parameters=json.dumps(dict(request.parameters), sort_keys=True),
        issued_by=actor.name,
        issued_at=issued_at,
        request_id=actor.request_id,
        sha256=digest,
        render_sha256=hashlib.sha256(rendered).hexdigest(),
        size=len(pdf),
        path=relative.as_posix(),
        interim=issue.interim,
        supersedes=earlier,
        last_entry=last_entry_number(session),
        figures_digest=figures_digest(data),
        issuer_name=officer.name,
        issuer_role=officer.role,
    )
    session.add(statement)
    session.flush()
    record(
        session, actor, "statement.issued", "statement", number,
        after={"kind": str(request.kind), "parameters": dict(request.parameters),
               "language": chosen.code, "sha256": digest, "path": statement.path,
               "interim": issue.interim, "status": str(status),
               "supersedes": issue.supersedes},
    )  # fmt: skip
    return statement


#: Which of a user's roles the issue block names, first match first.
_ROLE_ORDER = (Role.SECRETARIAT, Role.ADMIN, Role.CAJP, Role.AUDITOR, Role.DONOR)


def officer_of(session: Session, actor: Actor) -> Officer:
    """The issuing officer: the user's name and role, or the command line's login."""
    user = user_by_email(session, actor.name)
    if user is None:
        return Officer(actor.name.removeprefix("cli:"), OPERATOR)
    role = next((r for r in _ROLE_ORDER if r in user.roles), None)
    return Officer(user.name, OPERATOR if role is None else str(role))


def issue_once_a_day(
    session: Session,
    actor: Actor,
    request: Request,
    *,
    language: str,
    archive: Path,
    signer: Signer,
    now: dt.datetime | None = None,
) -> tuple[StatementRecord, bool]:
    """Issue the statement, unless the same one (request and language) was issued earlier
    the same day (UTC) and its figures are still the ledger's: then that one, and False.
    How a donor's own requests are served, so that asking again, or twice at once, does
    not fill the register, while asking after new entries changed the figures issues a
    fresh statement that supersedes the earlier one.
    """
    moment = (now or dt.datetime.now(dt.UTC)).astimezone(dt.UTC)
    lock_ledger(session)  # a request racing this one waits, then finds this one's statement
    midnight = dt.datetime.combine(moment.date(), dt.time(), dt.UTC)
    code = Language.of(language).code
    request = request.with_settings(SettingValues.now(session))  # a setting changed: anew
    earlier = issued_since(session, request, language=code, since=midnight)
    if earlier is not None and not _figures_moved(session, earlier, request, moment):
        return earlier, False
    return issue_statement(session, actor, request, language=code, archive=archive,
                           signer=signer, now=moment), True  # fmt: skip


def _figures_moved(
    session: Session, earlier: StatementRecord, request: Request, moment: dt.datetime
) -> bool:
    """Whether the statement, issued now, would print other figures than ``earlier``:
    not if no entry was appended since; else as the digests of its figures say."""
    if earlier.last_entry is not None and earlier.last_entry == last_entry_number(session):
        return False
    return figures_digest(statement_data(session, request, moment)) != earlier.figures_digest


def _write(path: Path, content: bytes) -> None:
    """Write the file whole or not at all (a temporary file renamed into place)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=".issuing-", suffix=".pdf")
    try:
        with os.fdopen(handle, "wb") as target:
            target.write(content)
            target.flush()
            os.fsync(target.fileno())
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
