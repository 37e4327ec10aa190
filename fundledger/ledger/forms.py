"""The ledger pages' filters, read from the query string (no CSRF: they change nothing).

The journal's view fills in the account and donor choices from the database.
"""

from __future__ import annotations

from wtforms import Form, SelectChoice, SelectField

from fundledger.donors.forms import IsoDateField
from fundledger.ledger.models import AccountType, EntryKind

ANY = SelectChoice("", "any")


def _type_field() -> SelectField:
    return SelectField(
        "Type",
        choices=[ANY, *(SelectChoice(t.value, t.value.replace("_", " ")) for t in AccountType)],
        default="",
    )


class AccountFilterForm(Form):
    type = _type_field()
    status = SelectField(
        "Status", choices=[ANY, SelectChoice("open"), SelectChoice("closed")], default=""
    )


class TrialBalanceFilterForm(Form):
    as_of = IsoDateField("As of")
    type = _type_field()


class JournalFilterForm(Form):
    start = IsoDateField("From", name="from")
    end = IsoDateField("To", name="to")
    kind = SelectField(
        "Kind",
        choices=[ANY, *(SelectChoice(k.value, k.value.replace("_", " ")) for k in EntryKind)],
        default="",
    )
    account = SelectField("Account", choices=[ANY], default="")
    donor = SelectField("Donor", choices=[ANY], default="")
