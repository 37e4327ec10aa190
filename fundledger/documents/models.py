"""Documents attached to a donor, a pledge, an allocation or a meeting. The bytes live in
the content-addressed store (:mod:`fundledger.documents.store`), outside the database;
the row says what they are, whose they are and who brought them. Removing a document
adds a :class:`DocumentRemoval`: the row and the file stay, for the audit trail."""

from __future__ import annotations

import datetime as dt
from enum import StrEnum

from sqlalchemy import CheckConstraint, DateTime, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from fundledger.db import Base


class OwnerKind(StrEnum):
    """What a document can belong to; a new kind (progress reports) is one more value
    here, in :data:`fundledger.documents.owners.OWNER_TABLES` and in the CHECK below."""

    DONOR = "donor"
    PLEDGE = "pledge"
    ALLOCATION = "allocation"
    MEETING = "meeting"
    PROGRESS_REPORT = "progress_report"


class DocumentKind(StrEnum):
    AGREEMENT = "agreement"
    ORGAN_REPORT = "organ_report"
    CAJP_DECISION = "cajp_decision"
    OTHER = "other"


class Document(Base):
    """One document as it was uploaded: its bytes are the store's file named ``sha256``."""

    __tablename__ = "documents"
    __table_args__ = (
        CheckConstraint(
            "owner_kind IN ('donor', 'pledge', 'allocation', 'meeting', 'progress_report')",
            name="owner_kind_known",
        ),
        CheckConstraint(
            "kind IN ('agreement', 'organ_report', 'cajp_decision', 'other')", name="kind_known"
        ),
        CheckConstraint("size > 0", name="size_positive"),
        CheckConstraint("length(sha256) = 64", name="sha256_hex"),
        Index("ix_documents_owner", "owner_kind", "owner_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    #: What the document belongs to: the kind of record and its id (no foreign key, so
    #: one table serves every kind; the operation checks the record exists).
    owner_kind: Mapped[str] = mapped_column(String(16))
    owner_id: Mapped[int] = mapped_column(Integer)
    kind: Mapped[str] = mapped_column(String(16))
    title: Mapped[str] = mapped_column(Text)
    #: The file's name as the uploader gave it (shown and offered on download only).
    filename: Mapped[str] = mapped_column(Text)
    #: The type read from the bytes (:mod:`fundledger.documents.types`), never the name's.
    content_type: Mapped[str] = mapped_column(String(80))
    size: Mapped[int] = mapped_column(Integer)
    #: Hex SHA-256 of the bytes: the file's name in the store.
    sha256: Mapped[str] = mapped_column(String(64), index=True)
    uploaded_by: Mapped[str] = mapped_column(Text)
    uploaded_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))

    removal: Mapped[DocumentRemoval | None] = relationship(
        back_populates="document", lazy="selectin"
    )


class DocumentRemoval(Base):
    """Why a document no longer shows: who removed it, when, and the reason given."""

    __tablename__ = "document_removals"

    id: Mapped[int] = mapped_column(primary_key=True)
    document_id: Mapped[int] = mapped_column(
        ForeignKey("documents.id", ondelete="RESTRICT"), unique=True
    )
    reason: Mapped[str] = mapped_column(Text)
    removed_by: Mapped[str] = mapped_column(Text)
    removed_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))

    document: Mapped[Document] = relationship(back_populates="removal")
