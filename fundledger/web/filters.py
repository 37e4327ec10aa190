"""Template filters: money, numbers and dates shown the same way on every page, in the
request's language (``54,250.00`` in English, ``54.250,00`` in Spanish and Portuguese,
``54 250,00`` in French). Amounts stay ``Decimal`` all the way to the text."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from babel.dates import format_date
from babel.numbers import format_decimal
from flask import Flask

from fundledger.auth.models import Role
from fundledger.i18n import N_
from fundledger.ledger.memos import memo_for_reader
from fundledger.ledger.models import AccountType, EntryKind, Side, credit_part, debit_part
from fundledger.web.i18n import LazyText, _, _l, money, request_language, usd
from fundledger.web.names import memo_labels

#: What each role is called on the page header and the accounts pages.
ROLE_NAMES = {
    Role.SECRETARIAT: _l("Secretariat"),
    Role.CAJP: _l("CAJP"),
    Role.DONOR: _l("Donor"),
    Role.AUDITOR: _l("Auditor"),
    Role.ADMIN: _l("Administrator"),
}


#: The ledger's words for account types, sides and kinds of entry, as pages show them.
TERMS: dict[str, LazyText] = {
    AccountType.ASSET: _l("asset"),
    AccountType.LIABILITY: _l("liability"),
    AccountType.NET_ASSETS: _l("net assets"),
    AccountType.REVENUE: _l("revenue"),
    AccountType.EXPENSE: _l("expense"),
    Side.DEBIT: _l("debit"),
    Side.CREDIT: _l("credit"),
    EntryKind.MANUAL: _l("manual"),
    EntryKind.OPENING: _l("opening"),
    EntryKind.PLEDGE: _l("pledge"),
    EntryKind.PLEDGE_REDUCTION: _l("pledge reduction"),
    EntryKind.RECEIPT: _l("receipt"),
    EntryKind.CREDIT_APPLICATION: _l("credit application"),
    EntryKind.DISBURSEMENT: _l("disbursement"),
    EntryKind.EXPENDITURE: _l("expenditure"),
    EntryKind.RETURN: _l("return"),
    EntryKind.REFUND: _l("refund"),
    EntryKind.RE_EARMARK: _l("re-earmark"),
    EntryKind.FX: _l("exchange difference"),
    EntryKind.INTEREST: _l("interest"),
    EntryKind.BANK_CHARGES: _l("bank charges"),
    EntryKind.CLOSING: _l("closing"),
    EntryKind.REVERSAL: _l("reversal"),
    EntryKind.RECLASSIFICATION: _l("reclassification"),
}

#: The standard chart's account names (fundledger/ledger/chart.csv), so that the web
#: catalogs carry them: pages show a name through ``translated``, and an account the
#: Secretariat added keeps the name it was given.
ACCOUNT_NAMES = (
    N_("Bank"),
    N_("Contributions receivable"),
    N_("Advances to implementing organs"),
    N_("Unapplied donor credits"),
    N_("Refunds payable to donors"),
    N_("Net assets — unrestricted"),
    N_("Net assets — restricted"),
    N_("Contributions — unrestricted"),
    N_("Releases from restriction — unrestricted class"),
    N_("Contributions — restricted"),
    N_("Interest income — restricted class"),
    N_("Foreign exchange gains — restricted class"),
    N_("Foreign exchange losses — restricted class"),
    N_("Releases from restriction — restricted class"),
    N_("Interest income"),
    N_("Foreign exchange gains"),
    N_("Program expenditure"),
    N_("Indirect cost recovery"),
    N_("Bank charges"),
    N_("Foreign exchange losses"),
)


def init_app(app: Flask) -> None:
    app.add_template_filter(_amount, "amount")
    app.add_template_filter(debit_part, "debit")
    app.add_template_filter(credit_part, "credit")
    app.add_template_filter(_usd, "usd")
    app.add_template_filter(format_rate, "rate")
    app.add_template_filter(_money, "money")
    app.add_template_filter(_number, "number")
    app.add_template_filter(format_day, "day")
    app.add_template_filter(_role_name, "role_name")
    app.add_template_filter(signed_in_as, "signed_in_as")
    app.add_template_filter(_translated, "translated")
    app.add_template_filter(_term, "term")
    app.add_template_filter(reader_memo, "memo")
    app.add_template_test(_text, "text")


def _amount(value: Decimal | None) -> str:
    """A USD amount with thousands separators and two places, blank for none or zero."""
    if value is None or value == 0:
        return ""
    return _usd(value)


def _usd(value: Decimal | int) -> str:
    """A USD amount with thousands separators and two places, ``0.00`` for zero."""
    return usd(value)


def format_rate(value: Decimal) -> str:
    """An exchange rate with the places it is written with: ``1.0850`` / ``1,0850``."""
    exponent = value.as_tuple().exponent
    places = -exponent if isinstance(exponent, int) and exponent < 0 else 0
    pattern = "0." + "0" * places if places else "0"
    return str(format_decimal(value, format=pattern, locale=request_language().locale))


def _money(value: Decimal, currency: str = "USD") -> str:
    """An amount with its currency's sign and places, e.g. ``US$54,250.00``."""
    return money(value, currency)


def _number(value: int) -> str:
    """A count with the language's grouping: ``1,250`` / ``1.250`` / ``1 250``."""
    return str(format_decimal(value, locale=request_language().locale))


def format_day(value: dt.date | None) -> str:
    """A date the way the language writes it, e.g. ``Feb 10, 2025`` / ``10 feb 2025``."""
    if value is None:
        return ""
    return str(format_date(value, "medium", locale=request_language().locale))


def _role_name(role: str) -> str:
    return str(ROLE_NAMES.get(Role(role), role))


def signed_in_as(user: Any) -> str:
    """The one way a page names a user with their roles: ``Ana Pérez (Secretariat)``; a
    name that only repeats a role (``Cajp``, ``Secretariat``) gives way to the roles,
    never ``Cajp (CAJP)``."""
    roles = sorted(_role_name(role) for role in user.roles)
    if not roles:
        return str(user.name)
    if user.name.strip().casefold() in {role.casefold() for role in roles}:
        return ", ".join(roles)
    return f"{user.name} ({', '.join(roles)})"


def _text(value: object) -> bool:
    """A message to show (``is text``): a string, or a label translated when shown; not
    the nested errors of a list of subforms."""
    return isinstance(value, str | LazyText)


def _translated(message: object) -> str:
    """A refusal raised where no language is known (its msgid marked with ``N_`` there),
    in the reader's language; any other message as it is. Plain text: it is escaped."""
    return _(str(message))


def reader_memo(row: Any) -> str:
    """The memo of an entry, a posting or a journal line (anything with ``memo``,
    ``memo_id`` and ``memo_params``) in the reader's language and number format; a memo
    someone typed, or one from before memos were kept as data, as it was stored. The
    donors and earmarks it names read as their names, as everywhere on the pages."""
    return memo_for_reader(
        row.memo, row.memo_id, row.memo_params, request_language().code, memo_labels()
    )


def _term(value: str) -> str:
    """An account type, side or kind of entry in the reader's language."""
    label = TERMS.get(value)
    return str(label) if label is not None else value.replace("_", " ")
