"""Documents on SQLite and PostgreSQL: attached once per content, refused with nothing
written, removed with a reason and kept for the audit trail."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from fundledger.actors import Actor
from fundledger.audit.models import AuditEvent
from fundledger.db import Database
from fundledger.documents import types
from fundledger.documents.errors import DocumentError, DocumentTooLarge, NoSuchDocument
from fundledger.documents.models import Document, DocumentRemoval, OwnerKind
from fundledger.documents.operations import add_document, remove_document
from fundledger.documents.queries import documents_of
from fundledger.errors import FundledgerError
from tests import documents_samples as sample
from tests.factories import create_donor
from tests.integration.test_allocations_cli import Run, ok

STAFF = Actor("secretariat@oas.org")
LIMIT = 1000


def attach(session: Session, root: Path, data: bytes, *, owner_id: int, **fields: str) -> Document:
    values = {"owner_kind": "donor", "kind": "agreement", "title": "", "filename": "a.pdf",
              **fields}  # fmt: skip
    return add_document(session, STAFF, root=root, max_bytes=LIMIT, owner_id=owner_id,
                        data=data, **values)  # fmt: skip


@pytest.fixture
def store_root(tmp_path: Path) -> Path:
    return tmp_path / "documents"


def stored(root: Path) -> list[str]:
    return sorted(p.name for p in root.rglob("*") if p.is_file()) if root.exists() else []


def counts(database: Database) -> tuple[int, int, int]:
    with database.session() as session:
        return (
            session.scalar(select(func.count()).select_from(Document)) or 0,
            session.scalar(select(func.count()).select_from(DocumentRemoval)) or 0,
            session.scalar(select(func.count()).select_from(AuditEvent)) or 0,
        )


def test_the_same_bytes_attached_twice_are_one_file(database: Database, store_root: Path) -> None:
    with database.transaction() as session:
        mexico = create_donor(session, "MEX")
        first = attach(session, store_root, sample.PDF, owner_id=mexico.id,
                       filename="C:\\scans\\agreement.png",
                       title="  Agreement   2025 ")  # fmt: skip
        second = attach(session, store_root, sample.PDF, owner_id=mexico.id, kind="other")
    assert stored(store_root) == [first.sha256]
    assert first.sha256 == second.sha256
    # The content decides the type; the name is kept as given, without its folders.
    assert (first.content_type, first.filename, first.title) == (
        types.PDF, "agreement.png", "Agreement 2025",
    )  # fmt: skip
    assert second.title == "a.pdf"
    with database.session() as session:
        assert [d.id for d in documents_of(session, OwnerKind.DONOR, [mexico.id])] == [
            first.id, second.id,
        ]  # fmt: skip
        actions = session.scalars(select(AuditEvent.action).order_by(AuditEvent.id)).all()
    assert actions[-2:] == ["document.added", "document.added"]


@pytest.mark.parametrize(
    ("data", "fields", "refusal", "message"),
    [
        (b"x" * (LIMIT + 1), {}, DocumentTooLarge,
         "a.pdf is 1001 bytes; a document may have at most 1000"),
        (b"", {}, DocumentError, "the file a.pdf is empty"),
        (b"MZ\x90\x00", {"filename": "r.pdf"}, DocumentError,
         "the file r.pdf is not one of the accepted types (PDF, PNG, JPEG, DOCX, XLSX, ODT, "
         "text), by its content"),
        (sample.PDF, {"owner_kind": "allocation"}, NoSuchDocument,
         "there is no allocation #1 to attach the document to"),
        (sample.PDF, {"owner_kind": "report"}, DocumentError,
         "a document belongs to one of donor, pledge, allocation, meeting, progress_report, "
         "not “report”"),
        (sample.PDF, {"kind": "memo"}, DocumentError, "the kind of document is one of"),
    ],
)  # fmt: skip
def test_a_refused_document_writes_nothing(
    database: Database, store_root: Path, data: bytes, fields: dict[str, str],
    refusal: type[FundledgerError], message: str,
) -> None:  # fmt: skip
    with database.transaction() as session:
        mexico_id = create_donor(session, "MEX").id
    before = counts(database)
    with pytest.raises(refusal, match=re.escape(message)), database.transaction() as session:
        attach(session, store_root, data, owner_id=mexico_id, **fields)
    assert counts(database) == before
    assert stored(store_root) == []


def test_a_removal_says_why_and_keeps_the_file(database: Database, store_root: Path) -> None:
    with database.transaction() as session:
        mexico = create_donor(session, "MEX")
        document = attach(session, store_root, sample.DOCX, owner_id=mexico.id)
    before = counts(database)
    with (
        pytest.raises(DocumentError, match="say why the document is removed"),
        database.transaction() as session,
    ):
        remove_document(session, STAFF, session.merge(document), "   ")
    assert counts(database) == before
    with database.transaction() as session:
        remove_document(session, STAFF, session.merge(document), "Superseded by the signed copy")
    with database.session() as session:
        assert documents_of(session, OwnerKind.DONOR, [mexico.id]) == []
        removal = session.scalars(select(DocumentRemoval)).one()
        assert (removal.reason, removal.removed_by) == ("Superseded by the signed copy", STAFF.name)
        event = session.scalars(select(AuditEvent).order_by(AuditEvent.id.desc())).first()
        assert event is not None
        assert event.action == "document.removed"
    assert stored(store_root) == [document.sha256]
    with pytest.raises(DocumentError, match="already removed"), database.transaction() as session:
        remove_document(session, STAFF, session.merge(document), "again")


def test_documents_from_the_command_line(run: Run, tmp_path: Path) -> None:
    ok(run("user", "add", "--email", "sec@oas.org", "--role", "secretariat", "--password-stdin",
           stdin="correct horse battery staple\n"))  # fmt: skip
    ok(run("donor", "add", "--code", "MEX", "--name", "México", "--type", "member_state"))
    agreement = tmp_path / "agreement.pdf"
    agreement.write_bytes(sample.PDF)
    added = ok(run("document", "add", str(agreement), "--to", "donor", "--id", "1", "--kind",
                   "agreement", "--title", "Agreement 2025", "--as", "sec@oas.org"))  # fmt: skip
    assert added == "1\n"
    listed = ok(run("document", "list", "--to", "donor", "--id", "1", "--format", "csv"))
    assert listed.splitlines()[1].startswith(
        "1,agreement,Agreement 2025,agreement.pdf,application/pdf,"
    )
    program = tmp_path / "tool.pdf"
    program.write_bytes(b"MZ\x90\x00")
    refused = run("document", "add", str(program), "--to", "donor", "--id", "1",
                  "--kind", "other", "--as", "sec@oas.org")  # fmt: skip
    assert refused.exit_code == 1
    assert "the file tool.pdf is not one of the accepted types" in refused.stderr
    nobody = run("document", "add", str(agreement), "--to", "meeting", "--id", "7",
                 "--kind", "other", "--as", "sec@oas.org")  # fmt: skip
    assert nobody.exit_code == 1
    assert "there is no meeting #7 to attach the document to" in nobody.stderr
    ok(run("document", "remove", "1", "--reason", "Filed twice", "--as", "sec@oas.org"))
    assert (
        ok(run("document", "list", "--to", "donor", "--id", "1", "--format", "csv")).count("\n")
        == 1
    )
    again = run("document", "remove", "1", "--reason", "Again", "--as", "sec@oas.org")
    assert again.exit_code == 1
    assert "there is no document #1" in again.stderr
