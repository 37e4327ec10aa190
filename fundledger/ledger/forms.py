"""The ledger pages' filters, read from the query string (no CSRF: they change nothing).

The journal's view fills in the account and donor choices from the database.
"""

from __future__ import annotations

from wtforms import Form, SelectChoice, SelectField

from fundledger.ledger.models import AccountType, EntryKind
from fundledger.web.fields import DateField
from fundledger.web.filters import TERMS
from fundledger.web.i18n import _l

ANY = SelectChoice("", _l("any"))


def _type_field() -> SelectField:
    return SelectField(
        _l("Type"),
        choices=[ANY, *(SelectChoice(t.value, TERMS[t]) for t in AccountType)],
        default="",
    )


class AccountFilterForm(Form):
    type = _type_field()
    status = SelectField(
        _l("Status"), choices=[ANY, SelectChoice("open"), SelectChoice("closed")], default=""
    )


class TrialBalanceFilterForm(Form):
    as_of = DateField(_l("As of"))
    type = _type_field()


class JournalFilterForm(Form):
    start = DateField(_l("From"), name="from")
    end = DateField(_l("To"), name="to")
    kind = SelectField(
        _l("Kind"),
        choices=[ANY, *(SelectChoice(k.value, TERMS[k]) for k in EntryKind)],
        default="",
    )
    account = SelectField(_l("Account"), choices=[ANY], default="")
    donor = SelectField(_l("Donor"), choices=[ANY], default="")
