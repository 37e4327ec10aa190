"""The activity list's filters, read from the query string (no CSRF: they change nothing).

The view offers the Program's objectives and implementers.
"""

from __future__ import annotations

from wtforms import Form, SelectChoice, SelectField

from fundledger.web.i18n import _l

ANY = SelectChoice("", _l("any"))


class ActivityFilterForm(Form):
    objective = SelectField(_l("Serves objective"), choices=[ANY], default="")
    organ = SelectField(_l("Implementer"), choices=[ANY], default="")
    #: "1" is the value the older "fundable only" link sends.
    fundable = SelectField(
        _l("Fundable"),
        choices=[ANY, SelectChoice("1", _l("yes")), SelectChoice("0", _l("no"))],
        default="",
    )

    @property
    def fundable_only(self) -> bool | None:
        return {"1": True, "0": False}.get(self.fundable.data or "")
