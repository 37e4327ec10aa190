"""The form that attaches a document to a record, and the one that removes it."""

from __future__ import annotations

from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import SelectChoice, SelectField, SubmitField
from wtforms.validators import Length, Optional

from fundledger.documents.models import DocumentKind
from fundledger.web.fields import Required, StringField, stripped
from fundledger.web.i18n import _l

DOCUMENT_KINDS = [
    SelectChoice(DocumentKind.AGREEMENT.value, _l("Agreement")),
    SelectChoice(DocumentKind.ORGAN_REPORT.value, _l("Organ's report")),
    SelectChoice(DocumentKind.CAJP_DECISION.value, _l("CAJP decision")),
    SelectChoice(DocumentKind.OTHER.value, _l("Other document")),
]


class DocumentForm(FlaskForm):
    #: "kind:id" of the record; the page offers its own (the donor page, its pledges too).
    #: Any value is accepted here: the operation says when no such record exists.
    owner = SelectField(_l("Attached to"), choices=[], validate_choice=False)
    file = FileField(_l("File"), validators=[FileRequired(_l("Choose the file to attach."))],
                     description=_l("PDF, PNG, JPEG, DOCX, XLSX, ODT or UTF-8 text."))  # fmt: skip
    kind = SelectField(_l("Kind of document"), choices=DOCUMENT_KINDS)
    title = StringField(
        _l("Title (optional: the file's name)"), validators=[Optional(), Length(max=200)],
        filters=[stripped],
    )  # fmt: skip
    submit = SubmitField(_l("Attach the document"))


def upload_form(owners: list[tuple[str, str]]) -> DocumentForm:
    """An empty form offering ``owners`` ("kind:id", label), shown on a record's page."""
    form = DocumentForm(formdata=None)
    form.owner.choices = [SelectChoice(value, label) for value, label in owners]
    return form


class RemovalForm(FlaskForm):
    reason = StringField(
        _l("Why is it removed?"),
        validators=[Required(_l("Say why the document is removed.")), Length(max=200)],
        filters=[stripped],
    )  # fmt: skip
    submit = SubmitField(_l("Remove the document"))
