"""Documents on the web: attached by the Secretariat from a record's page, downloaded
by whoever may see the record, removed with a reason. Thin shells over
:mod:`fundledger.documents.operations`."""

from __future__ import annotations

import io
from pathlib import Path

from flask import Blueprint, current_app, request, send_file, url_for
from sqlalchemy.orm import Session
from werkzeug.wrappers import Response

from fundledger.auth.access import READERS, allow, donor_scope
from fundledger.auth.models import Role
from fundledger.auth.sessions import request_actor
from fundledger.config import documents_max_bytes
from fundledger.documents import operations, queries, store, types
from fundledger.documents.errors import DocumentError, NoSuchDocument
from fundledger.documents.forms import DocumentForm, RemovalForm, upload_form
from fundledger.documents.models import Document, OwnerKind
from fundledger.documents.owners import owner_donor
from fundledger.donors.models import Donor
from fundledger.i18n import N_
from fundledger.web.database import db_session
from fundledger.web.fields import required
from fundledger.web.i18n import _
from fundledger.web.pages import Page, form_page, template_page

blueprint = Blueprint("documents", __name__)


@blueprint.app_context_processor
def _document_labels() -> dict[str, object]:
    """What the documents section shows on the pages of other areas too."""
    limit = documents_max_bytes(current_app.config)
    return {"document_types": types.ALLOWED, "document_limit_mb": round(limit / 1024 / 1024, 1)}


@blueprint.get("/documents/<int:document_id>")
@allow(*READERS, Role.DONOR)
def download(document_id: int) -> Response:
    """The file, as an attachment of its stored type (a browser saves it, never renders
    it in the site's origin)."""
    document = _document_or_404(db_session(), document_id)
    # Werkzeug adds "; charset=utf-8" to text/plain, which is what stored text is.
    data = store.get(_root(), document.sha256)  # at most the size limit
    response = send_file(io.BytesIO(data), mimetype=document.content_type, as_attachment=True,
                         download_name=document.filename)  # fmt: skip
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response


@blueprint.route("/documents/new", methods=["GET", "POST"])
@allow(Role.SECRETARIAT)
def new() -> Page:
    db = db_session()
    form = DocumentForm()
    # "kind:id": posted by a record's page, or in the address of this page's own form.
    owner = form.owner.data = form.owner.data or request.args.get("owner", "")

    def carry_out() -> tuple[str, str]:
        kind, owner_id = _owner(owner)
        upload = required(form.file.data)
        added = operations.add_document(
            db, request_actor(), root=_root(), max_bytes=documents_max_bytes(current_app.config),
            owner_kind=kind, owner_id=owner_id, kind=form.kind.data, title=form.title.data,
            filename=upload.filename or "", data=upload.read(),
        )  # fmt: skip
        return (_("“%(title)s” is attached.", title=added.title),
                _owner_page(db, OwnerKind(added.owner_kind), added.owner_id))  # fmt: skip

    return form_page(form, carry_out, template_page("documents/new.html", form))


@blueprint.route("/documents/<int:document_id>/remove", methods=["GET", "POST"])
@allow(Role.SECRETARIAT)
def remove(document_id: int) -> Page:
    db = db_session()
    document = _document_or_404(db, document_id)
    form = RemovalForm()

    def carry_out() -> tuple[str, str]:
        operations.remove_document(db, request_actor(), document, form.reason.data)
        return (_("“%(title)s” is removed.", title=document.title),
                _owner_page(db, OwnerKind(document.owner_kind), document.owner_id))  # fmt: skip

    return form_page(form, carry_out,
                     template_page("documents/remove.html", form, document=document))  # fmt: skip


def section(db: Session, owners: list[tuple[OwnerKind, int, str]]) -> dict[str, object]:
    """What a record's page gives its documents section (templates/documents/_section.html):
    the documents of ``owners`` (kind, id, label), the upload form offering them, and the
    labels that say which one a document belongs to when there are several."""
    by_kind: dict[OwnerKind, list[int]] = {}
    for kind, owner_id, _label in owners:
        by_kind.setdefault(kind, []).append(owner_id)
    found = sorted(
        (d for kind, ids in by_kind.items() for d in queries.documents_of(db, kind, ids)),
        key=lambda d: (d.uploaded_at, d.id),
    )
    labels = {f"{kind.value}:{owner_id}": label for kind, owner_id, label in owners}
    return {
        "documents": found,
        "document_form": upload_form(list(labels.items())),
        "document_owners": labels if len(labels) > 1 else None,
    }


def _root() -> Path:
    return Path(current_app.config["DOCUMENTS_DIR"])


def _document_or_404(db: Session, document_id: int) -> Document:
    """The document, if it is shown and this user may see its record; any other answer
    reads the same, so a donor learns nothing of another donor's documents."""
    document = queries.shown_document(db, document_id)
    if document is not None:
        scope = donor_scope()
        kind = OwnerKind(document.owner_kind)
        if scope is None or owner_donor(db, kind, document.owner_id) == scope:
            return document
    raise NoSuchDocument(N_("there is no document #%(id)s"), id=document_id)


def _owner(value: str) -> tuple[str, int]:
    """ "kind:id" as the form sends it."""
    kind, _colon, number = value.partition(":")
    if not number.isdigit() or len(number) > 9:
        raise DocumentError(N_("choose the record the document belongs to"))
    return kind, int(number)


def _owner_page(db: Session, kind: OwnerKind, owner_id: int) -> str:
    """The page of the record a document belongs to, at its documents."""
    if kind is OwnerKind.ALLOCATION:
        return url_for("allocations.allocation", allocation_id=owner_id, _anchor="documents")
    if kind is OwnerKind.MEETING:
        return url_for("meetings.meeting", meeting_id=owner_id, _anchor="documents")
    if kind is OwnerKind.PROGRESS_REPORT:
        return url_for("progress.report", report_id=owner_id, _anchor="documents")
    donor = db.get(Donor, owner_donor(db, kind, owner_id))
    return url_for("donors.detail", code=required(donor).code, _anchor="documents")
