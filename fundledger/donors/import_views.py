"""The contributions CSV import: upload a file, see what it would post, then post it."""

from __future__ import annotations

import base64
import binascii
import hashlib
from collections.abc import Sequence
from dataclasses import dataclass

from flask import (
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    url_for,
)
from itsdangerous import BadSignature, URLSafeSerializer
from sqlalchemy.orm import Session

from fundledger.auth.access import allow
from fundledger.auth.models import Role
from fundledger.auth.sessions import request_actor
from fundledger.donors import listings
from fundledger.donors.forms import (
    ConfirmImportForm,
    ImportForm,
)
from fundledger.donors.imports import (
    COLUMNS,
    ImportRejected,
    ImportReport,
    ImportRow,
    import_contributions,
    read_rows,
)
from fundledger.donors.views import blueprint
from fundledger.web.database import db_session
from fundledger.web.i18n import _
from fundledger.web.pages import Page, form_again, refused

#: Rows of an import file listed in its preview; the counts cover every row.
PREVIEW_ROWS = 200
_SEAL_SALT = "fundledger.donors.import"

# --- import ---------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ImportPreview:
    """What importing a file would do, found by importing it and rolling back."""

    filename: str
    report: ImportReport
    #: The first rows of the file, each with whether it was posted before.
    rows: Sequence[tuple[ImportRow, bool]]
    #: The file, to be sent back with the confirmation (see :func:`import_confirm`).
    content: str
    seal: str

    @property
    def confirmable(self) -> bool:
        """Whether the file can come back in a request (it cannot when it is near the limit)."""
        limit = current_app.config.get("MAX_CONTENT_LENGTH")
        return limit is None or len(self.content) + 4096 < limit


@blueprint.route("/import", methods=["GET", "POST"])
@allow(Role.SECRETARIAT)
def import_file() -> Page:
    """Upload a file and see what it would post; nothing is posted here."""
    form = ImportForm()
    if not form.validate_on_submit():
        return form_again("donors/import.html", form, preview=None, columns=COLUMNS)
    data = form.file.data.read()
    preview = _preview(db_session(), data, form.file.data.filename or "")
    status = 200 if preview.report.ok else 422
    return _import_page(form, preview), status


@blueprint.post("/import/confirm")
@allow(Role.SECRETARIAT)
def import_confirm() -> Page:
    """Post the previewed file for real.

    The preview page sends the file back in a hidden field, sealed with the app's key so
    that what posts is byte for byte what was previewed. Nothing is kept on the server
    between the two requests, so no upload has to be stored, expired or shared between
    workers; the price is the file's round trip, which MAX_CONTENT_LENGTH bounds.
    """
    form = ConfirmImportForm()
    data, filename = _unsealed(form)
    db = db_session()
    try:
        report = import_contributions(db, request_actor(), data)
    except ImportRejected as rejected:
        db.rollback()
        preview = _preview_of(db, data, filename, rejected.report)
        return refused(_import_page(ImportForm(), preview), rejected)
    db.commit()
    flash(_("Imported %(name)s: %(summary)s.", name=filename or _("the file"),
            summary=report.summary()))  # fmt: skip
    return redirect(url_for("donors.import_file"))


def _import_page(form: ImportForm, preview: ImportPreview) -> str:
    return render_template("donors/import.html", form=form, preview=preview, columns=COLUMNS)


def _preview(db: Session, data: bytes, filename: str) -> ImportPreview:
    try:
        report = import_contributions(db, request_actor(), data)
    except ImportRejected as rejected:
        report = rejected.report
    finally:
        db.rollback()  # a preview: whatever the import posted is undone
    return _preview_of(db, data, filename, report)


def _preview_of(db: Session, data: bytes, filename: str, report: ImportReport) -> ImportPreview:
    rows, _problems = read_rows(data)
    shown = rows[:PREVIEW_ROWS]
    posted = listings.posted_keys(db, (row.key for row in shown))
    return ImportPreview(
        filename=filename[:200],
        report=report,
        rows=[(row, row.key in posted) for row in shown],
        content=base64.urlsafe_b64encode(data).decode("ascii"),
        seal=_sealer().dumps(hashlib.sha256(data).hexdigest()),
    )


def _unsealed(form: ConfirmImportForm) -> tuple[bytes, str]:
    """The file the preview sent back, if it is the one previewed; else a 400."""
    if not form.validate_on_submit():
        abort(400, description=_("The confirmation came without the file; upload it again."))
    try:
        data = base64.urlsafe_b64decode(form.content.data.encode("ascii"))
        digest = _sealer().loads(form.seal.data)
    except (binascii.Error, UnicodeEncodeError, BadSignature):
        data, digest = b"", None
    if digest != hashlib.sha256(data).hexdigest():
        abort(400, description=_("The file sent back is not the one previewed; upload it again."))
    return data, form.filename.data or ""


def _sealer() -> URLSafeSerializer:
    return URLSafeSerializer(current_app.secret_key or "", salt=_SEAL_SALT)
