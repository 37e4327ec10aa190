"""The audit log's filters, read from the query string (no CSRF: they change nothing).

The view offers the object types the log holds.
"""

from __future__ import annotations

from wtforms import Form, SelectChoice, SelectField
from wtforms.validators import Length

from fundledger.audit.queries import AuditFilter
from fundledger.web.fields import DateField, StringField
from fundledger.web.i18n import _l


def _strip(value: str | None) -> str:
    return (value or "").strip()


class AuditFilterForm(Form):
    actor = StringField(_l("Who"), validators=[Length(max=200)], filters=[_strip])
    action = StringField(_l("Action starts with"), validators=[Length(max=60)], filters=[_strip],
                         render_kw={"placeholder": "allocation."})  # fmt: skip
    object_type = SelectField(_l("Object"), choices=[SelectChoice("", _l("any"))], default="")
    object_id = StringField(_l("Object id"), validators=[Length(max=60)], filters=[_strip])
    since = DateField(_l("From"), name="from")
    until = DateField(_l("To"), name="to")

    def where(self) -> AuditFilter:
        """The filter these fields describe."""
        return AuditFilter(
            actor=self.actor.data, action=self.action.data, object_type=self.object_type.data,
            object_id=self.object_id.data, since=self.since.data, until=self.until.data,
        )  # fmt: skip
