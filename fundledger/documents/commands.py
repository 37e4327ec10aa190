"""``fundledger document``: attach a file to a donor, pledge, allocation or meeting, list
a record's documents, remove one with a reason."""

from __future__ import annotations

from pathlib import Path

import click

from fundledger.cli.tools import (
    AS_USER,
    FORMAT,
    ID,
    TEXT,
    Output,
    acting_as,
    config,
    database,
    emit,
)
from fundledger.documents.models import DocumentKind, OwnerKind

OWNER = click.Choice([k.value for k in OwnerKind])


@click.group()
def document() -> None:
    """Documents attached to donors, pledges, allocations and meetings."""


@document.command("add")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--to", "owner_kind", type=OWNER, required=True, help="What it belongs to.")
@click.option("--id", "owner_id", type=ID, required=True, help="The id of that record.")
@click.option("--kind", type=click.Choice([k.value for k in DocumentKind]), required=True)
@click.option("--title", type=TEXT, help="Shown on the record's page (default: the file name).")
@AS_USER
def document_add(
    file: Path, owner_kind: str, owner_id: int, kind: str, title: str | None, as_email: str
) -> None:
    """Attach FILE (its type read from its content); prints the document's id."""
    from fundledger.config import documents_max_bytes
    from fundledger.documents.operations import add_document

    settings = config()
    with database().transaction() as session:
        actor = acting_as(session, as_email, "secretariat")
        added = add_document(
            session, actor, root=Path(settings["DOCUMENTS_DIR"]),
            max_bytes=documents_max_bytes(settings), owner_kind=owner_kind, owner_id=owner_id,
            kind=kind, title=title, filename=file.name, data=file.read_bytes(),
        )  # fmt: skip
        click.echo(added.id)


@document.command("list")
@click.option("--to", "owner_kind", type=OWNER, required=True, help="What they belong to.")
@click.option("--id", "owner_id", type=ID, required=True, help="The id of that record.")
@FORMAT
def document_list(owner_kind: str, owner_id: int, output_format: Output) -> None:
    """The record's documents (not those removed), oldest first."""
    from fundledger.documents.queries import documents_of

    with database().session() as session:
        rows = [(d.id, d.kind, d.title, d.filename, d.content_type, d.size, d.sha256,
                 d.uploaded_by, d.uploaded_at.date())
                for d in documents_of(session, OwnerKind(owner_kind), [owner_id])]  # fmt: skip
    emit(("id", "kind", "title", "file", "type", "bytes", "sha256", "uploaded by", "uploaded on"),
         rows, output_format, numeric=(0, 5))  # fmt: skip


@document.command("remove")
@click.argument("document_id", type=ID)
@click.option("--reason", type=TEXT, required=True, help="Why it no longer belongs there.")
@AS_USER
def document_remove(document_id: int, reason: str, as_email: str) -> None:
    """Take a document off its record (its file and the removal stay in the audit trail)."""
    from fundledger.documents.errors import NoSuchDocument
    from fundledger.documents.operations import remove_document
    from fundledger.documents.queries import shown_document
    from fundledger.i18n import N_

    with database().transaction() as session:
        actor = acting_as(session, as_email, "secretariat")
        found = shown_document(session, document_id)
        if found is None:
            raise NoSuchDocument(N_("there is no document #%(id)s"), id=document_id)
        remove_document(session, actor, found, reason)
