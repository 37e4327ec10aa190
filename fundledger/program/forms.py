"""The activity list's filters, read from the query string (no CSRF: they change nothing).

The view offers the Program's objectives and implementers.
"""

from __future__ import annotations

from wtforms import Form, SelectChoice, SelectField

ANY = SelectChoice("", "any")


class ActivityFilterForm(Form):
    objective = SelectField("Serves objective", choices=[ANY], default="")
    organ = SelectField("Implementer", choices=[ANY], default="")
    #: "1" is the value the older "fundable only" link sends.
    fundable = SelectField(
        "Fundable", choices=[ANY, SelectChoice("1", "yes"), SelectChoice("0", "no")], default=""
    )

    @property
    def fundable_only(self) -> bool | None:
        return {"1": True, "0": False}.get(self.fundable.data or "")
