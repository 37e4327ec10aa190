"""Template filters: money and dates shown the same way on every page."""

from __future__ import annotations

from decimal import Decimal

from flask import Flask

from fundledger.money import format_money, plain


def init_app(app: Flask) -> None:
    app.add_template_filter(_amount, "amount")
    app.add_template_filter(_money, "money")


def _amount(value: Decimal | None) -> str:
    """A USD amount with thousands separators and two places, blank for none or zero."""
    if value is None or value == 0:
        return ""
    return f"{Decimal(plain(value)):,.2f}"


def _money(value: Decimal, currency: str = "USD") -> str:
    return format_money(value, currency)
