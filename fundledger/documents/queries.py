"""Reading documents: those still shown on a record's page, and one for download."""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import select
from sqlalchemy.orm import Session

from fundledger.documents.models import Document, DocumentRemoval, OwnerKind


def documents_of(session: Session, kind: OwnerKind, owner_ids: Iterable[int]) -> list[Document]:
    """The documents of these records that were not removed, oldest first (a record has
    a handful: one list, never paged)."""
    ids = list(owner_ids)
    if not ids:
        return []
    removed = select(DocumentRemoval.document_id)
    return list(session.scalars(
        select(Document)
        .where(Document.owner_kind == kind.value, Document.owner_id.in_(ids),
               Document.id.not_in(removed))
        .order_by(Document.uploaded_at, Document.id)
    ))  # fmt: skip


def shown_document(session: Session, document_id: int) -> Document | None:
    """The document, unless it was removed."""
    document = session.get(Document, document_id)
    return None if document is None or document.removal is not None else document
