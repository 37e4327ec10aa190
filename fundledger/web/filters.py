"""Template filters: money, numbers and dates shown the same way on every page, in the
request's language (``54,250.00`` in English, ``54.250,00`` in Spanish and Portuguese,
``54 250,00`` in French). Amounts stay ``Decimal`` all the way to the text."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from babel.dates import format_date
from babel.numbers import format_decimal
from flask import Flask

from fundledger.auth.models import Role
from fundledger.money import format_money, quantize
from fundledger.web.i18n import _l, current_language

#: What each role is called on the page header and the accounts pages.
ROLE_NAMES = {
    Role.SECRETARIAT: _l("Secretariat"),
    Role.CAJP: _l("CAJP"),
    Role.DONOR: _l("Donor"),
    Role.AUDITOR: _l("Auditor"),
    Role.ADMIN: _l("Administrator"),
}


def init_app(app: Flask) -> None:
    app.add_template_filter(_amount, "amount")
    app.add_template_filter(_money, "money")
    app.add_template_filter(_number, "number")
    app.add_template_filter(_day, "day")
    app.add_template_filter(_role_name, "role_name")


def _amount(value: Decimal | None) -> str:
    """A USD amount with thousands separators and two places, blank for none or zero."""
    if value is None or value == 0:
        return ""
    return str(format_decimal(quantize(value), format="#,##0.00", locale=current_language()))


def _money(value: Decimal, currency: str = "USD") -> str:
    """An amount with its currency's sign and places, e.g. ``US$54,250.00``."""
    return format_money(value, currency, locale=current_language())


def _number(value: int) -> str:
    """A count with the language's grouping: ``1,250`` / ``1.250`` / ``1 250``."""
    return str(format_decimal(value, locale=current_language()))


def _day(value: dt.date | None) -> str:
    """A date the way the language writes it, e.g. ``Feb 10, 2025`` / ``10 feb 2025``."""
    if value is None:
        return ""
    return str(format_date(value, "medium", locale=current_language()))


def _role_name(role: str) -> str:
    return str(ROLE_NAMES.get(Role(role), role))
