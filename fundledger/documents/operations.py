"""Attaching a document to a record, and removing it (writers: they flush, the caller
commits). Every check runs before the file is written, so a refused document leaves
nothing behind, in the database or the store."""

from __future__ import annotations

import datetime as dt
from pathlib import Path, PurePosixPath, PureWindowsPath

from sqlalchemy.orm import Session

from fundledger.actors import Actor
from fundledger.audit.operations import record
from fundledger.documents import store, types
from fundledger.documents.errors import DocumentError, DocumentTooLarge, NoSuchDocument
from fundledger.documents.models import Document, DocumentKind, DocumentRemoval, OwnerKind
from fundledger.documents.owners import owner_exists
from fundledger.errors import Term
from fundledger.i18n import N_
from fundledger.inputs import one_line

#: Longest title, file name or reason kept.
MAX_TEXT = 200
#: Each kind of owner as a refusal names it, in the reader's language.
OWNER_TERMS = {
    OwnerKind.DONOR: Term(N_("donor")),
    OwnerKind.PLEDGE: Term(N_("pledge")),
    OwnerKind.ALLOCATION: Term(N_("allocation")),
    OwnerKind.MEETING: Term(N_("meeting")),
    OwnerKind.PROGRESS_REPORT: Term(N_("progress report")),
}


def add_document(
    session: Session,
    actor: Actor,
    *,
    root: Path,
    max_bytes: int,
    owner_kind: str,
    owner_id: int,
    kind: str,
    title: str | None,
    filename: str,
    data: bytes,
) -> Document:
    """Keep ``data`` as a document of the record ``owner_kind`` #``owner_id``: its type
    read from its bytes (one of :data:`~fundledger.documents.types.ALLOWED`), its file in
    the store under ``root``. A blank title takes the file's name."""
    owner = _owner_kind(owner_kind)
    if kind not in set(DocumentKind):
        raise DocumentError(
            N_("the kind of document is one of %(kinds)s, not “%(kind)s”"),
            kinds=", ".join(DocumentKind), kind=str(kind)[:40],
        )  # fmt: skip
    if not owner_exists(session, owner, owner_id):
        raise NoSuchDocument(N_("there is no %(owner)s #%(id)s to attach the document to"),
                             owner=OWNER_TERMS[owner], id=owner_id)  # fmt: skip
    name = _text(PureWindowsPath(PurePosixPath(filename).name).name, Term(N_("the file name")))
    if name is None:
        raise DocumentError(N_("the file has no name"))
    if not data:
        raise DocumentError(N_("the file %(name)s is empty"), name=name)
    if len(data) > max_bytes:
        raise DocumentTooLarge(
            N_("the file %(name)s is %(size)s bytes; a document may have at most %(limit)s"),
            name=name, size=len(data), limit=max_bytes,
        )  # fmt: skip
    content_type = types.detect(data)
    if content_type is None:
        raise DocumentError(
            N_("the file %(name)s is not one of the accepted types (%(types)s), by its content"),
            name=name, types=", ".join(types.ALLOWED.values()),
        )  # fmt: skip
    document = Document(
        owner_kind=owner.value, owner_id=owner_id, kind=kind,
        title=_text(title, Term(N_("the document's title"))) or name, filename=name,
        content_type=content_type, size=len(data), sha256=store.put(root, data),
        uploaded_by=actor.name, uploaded_at=dt.datetime.now(dt.UTC),
    )  # fmt: skip
    session.add(document)
    session.flush()
    record(session, actor, "document.added", "document", document.id,
           after={"owner": f"{owner.value}:{owner_id}", "kind": kind, "title": document.title,
                  "filename": name, "content_type": content_type, "size": len(data),
                  "sha256": document.sha256})  # fmt: skip
    return document


def remove_document(
    session: Session, actor: Actor, document: Document, reason: str | None
) -> DocumentRemoval:
    """Take a document off its record's page, saying why. The row and the file stay:
    the audit trail and the removal still show what it was."""
    if document.removal is not None:
        raise DocumentError(
            N_("document #%(id)s was already removed on %(day)s"),
            id=document.id, day=document.removal.removed_at.date(),
        )  # fmt: skip
    why = _text(reason, Term(N_("the reason")))
    if why is None:
        raise DocumentError(N_("say why the document is removed"))
    removal = DocumentRemoval(document=document, reason=why, removed_by=actor.name,
                              removed_at=dt.datetime.now(dt.UTC))  # fmt: skip
    session.add(removal)
    session.flush()
    record(session, actor, "document.removed", "document", document.id,
           before={"owner": f"{document.owner_kind}:{document.owner_id}",
                   "title": document.title, "sha256": document.sha256},
           after={"reason": why})  # fmt: skip
    return removal


def _owner_kind(value: str) -> OwnerKind:
    try:
        return OwnerKind(value)
    except ValueError:
        raise DocumentError(
            N_("a document belongs to one of %(kinds)s, not “%(kind)s”"),
            kinds=", ".join(OwnerKind),
            kind=str(value)[:40],
        ) from None


def _text(value: str | None, what: Term) -> str | None:
    return one_line(value, what, MAX_TEXT, DocumentError)
