"""The register of issued statements: one row per PDF the fund has issued.

The PDF itself lives in the statements archive (``STATEMENTS_DIR``); the row keeps what
it was built from, so it can be rendered again, and the SHA-256 that identifies it.
"""

from __future__ import annotations

import datetime as dt
from enum import StrEnum

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from fundledger.db import Base


class StatementKind(StrEnum):
    DONOR = "donor"
    FUND = "fund"
    CAJP_PACK = "cajp_pack"


#: The prefix of each kind's numbers: DS-2025-0001, FS-2025-0001, CP-2025-0001.
PREFIXES = {StatementKind.DONOR: "DS", StatementKind.FUND: "FS", StatementKind.CAJP_PACK: "CP"}


class StatementRecord(Base):
    __tablename__ = "statement_records"
    __table_args__ = (
        UniqueConstraint("kind", "year", "sequence"),
        CheckConstraint("kind IN ('donor', 'fund', 'cajp_pack')", name="kind_known"),
        CheckConstraint("language IN ('en', 'es', 'fr', 'pt')", name="language_known"),
        CheckConstraint("sequence > 0", name="sequence_positive"),
        CheckConstraint("supersedes_id < id", name="supersedes_earlier"),
        Index("ix_statement_records_supersedes_id", "supersedes_id", unique=True),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    #: ``DS-2025-0001``: the kind's prefix, the year of issue and its sequence in that year.
    number: Mapped[str] = mapped_column(String(30), unique=True)
    kind: Mapped[str] = mapped_column(String(10))
    year: Mapped[int] = mapped_column(Integer)
    sequence: Mapped[int] = mapped_column(Integer)
    language: Mapped[str] = mapped_column(String(2))
    #: The donor a donor statement is for (None for the fund's own documents).
    donor_id: Mapped[int | None] = mapped_column(
        ForeignKey("donors.id", ondelete="RESTRICT"), index=True
    )
    #: JSON of what the statement was built from (dates, year, donor code), sorted keys.
    parameters: Mapped[str] = mapped_column(Text)
    issued_by: Mapped[str] = mapped_column(Text)
    #: The document's own date: printed on it and in its metadata, so a re-render matches.
    issued_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    request_id: Mapped[str | None] = mapped_column(Text)
    #: SHA-256 of the PDF's bytes as issued (signed), hex; how ``statement verify``
    #: recognises a file.
    sha256: Mapped[str] = mapped_column(String(64), unique=True)
    #: SHA-256 of the document as rendered, before it was signed: what a re-render must
    #: reproduce (revision 0016; None for one issued unsigned, whose ``sha256`` is it).
    render_sha256: Mapped[str | None] = mapped_column(String(64))
    size: Mapped[int] = mapped_column(Integer)
    #: Where the PDF is, relative to the statements archive.
    path: Mapped[str] = mapped_column(Text)
    #: Its period was not closed at issue: marked interim on every page (revision 0011).
    interim: Mapped[bool] = mapped_column(Boolean, default=False, server_default="0")
    #: The statement of the same subject and language it replaces (revision 0013); the
    #: register is append-only, so the older one learns it was superseded from this
    #: column: unique (superseded once) and earlier than this row.
    supersedes_id: Mapped[int | None] = mapped_column(
        ForeignKey("statement_records.id", ondelete="RESTRICT")
    )
    #: The ledger's last entry number when it was issued, and a SHA-256 of its figures:
    #: what ``statement verify`` needs to tell whether re-rendering today would differ,
    #: and which later entries to name. None for statements issued before 0011.
    last_entry: Mapped[int | None] = mapped_column(Integer)
    figures_digest: Mapped[str | None] = mapped_column(String(64))
    #: The issuing officer as the issue block prints them: the user's name (or the
    #: command line's login) and role then (revision 0014; None before it).
    issuer_name: Mapped[str | None] = mapped_column(Text)
    issuer_role: Mapped[str | None] = mapped_column(String(20))

    supersedes: Mapped[StatementRecord | None] = relationship(
        remote_side=[id], back_populates="superseded_by"
    )
    #: The statement issued to replace this one, if any.
    superseded_by: Mapped[StatementRecord | None] = relationship(back_populates="supersedes")
