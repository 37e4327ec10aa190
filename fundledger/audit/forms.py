"""The audit log's filters, read from the query string (no CSRF: they change nothing).

The view offers the object types the log holds.
"""

from __future__ import annotations

from wtforms import Form, SelectChoice, SelectField, StringField
from wtforms.validators import Length

from fundledger.audit.queries import AuditFilter
from fundledger.donors.forms import IsoDateField


def _strip(value: str | None) -> str:
    return (value or "").strip()


class AuditFilterForm(Form):
    actor = StringField("Who", validators=[Length(max=200)], filters=[_strip])
    action = StringField("Action starts with", validators=[Length(max=60)], filters=[_strip],
                         render_kw={"placeholder": "allocation."})  # fmt: skip
    object_type = SelectField("Object", choices=[SelectChoice("", "any")], default="")
    object_id = StringField("Object id", validators=[Length(max=60)], filters=[_strip])
    since = IsoDateField("From", name="from")
    until = IsoDateField("To", name="to")

    def where(self) -> AuditFilter:
        """The filter these fields describe."""
        return AuditFilter(
            actor=self.actor.data, action=self.action.data, object_type=self.object_type.data,
            object_id=self.object_id.data, since=self.since.data, until=self.until.data,
        )  # fmt: skip
