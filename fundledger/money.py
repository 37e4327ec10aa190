"""Money: parsing, currency minor units, conversion to the base currency, formatting.

Amounts are ``Decimal`` from the first character a user types to the last one a
statement prints. Rates are USD per one unit of the foreign currency.

Rounding rule (the only one): a foreign amount converts to USD as
``original × rate`` rounded half away from zero (``ROUND_HALF_UP``) to the cent.
A balance carried at a rate (a pledge's receivable, a donor's unapplied credit) is
always that rounding of what is left; settling part of it moves the difference between
the rounded balances before and after (:func:`settled_usd`), so nothing accumulates
and every such line is within a cent of ``part × rate``.
"""

from __future__ import annotations

import re
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from functools import lru_cache

from babel import Locale
from babel.numbers import (
    NumberFormatError,
    format_currency,
    get_currency_precision,
    get_decimal_symbol,
    get_group_symbol,
    is_currency,
)
from babel.numbers import parse_decimal as parse_local_decimal

from fundledger.errors import FundledgerError
from fundledger.i18n import N_
from fundledger.inputs import upper_code

BASE_CURRENCY = "USD"
BASE_PLACES = 2
#: Larger than any sum this fund will see; bounds every amount typed, every ledger line
#: and every entry's total (debits), so that huge inputs are refused with a message
#: instead of overflowing a column. Exclusive: 99,999,999,999,999.99 is the largest.
MAX_AMOUNT = Decimal("1e14")
#: The bound on a running sum: an account's balance and a day's total (debit or credit)
#: stay below it. Ten entries of the largest size, and ten times below what PostgreSQL's
#: NUMERIC(18, 2) holds (SQLite's 64-bit cents hold 92 times more), so every sum stays
#: exact; the database refuses more too (revision 0008). See docs/LEDGER.md.
MAX_BALANCE = Decimal("1e15")

_PLAIN_DECIMAL = re.compile(r"[+-]?([0-9]+(\.[0-9]*)?|\.[0-9]+)")


class InvalidAmount(FundledgerError):
    """Text that is not a plain decimal amount, or an amount out of range."""


class AmountOutOfRange(InvalidAmount):
    """A number, but not below :data:`MAX_AMOUNT`."""


class UnknownCurrency(FundledgerError):
    """A code that is not an ISO 4217 currency."""


def parse_decimal(text: str | Decimal | int, *, what: str = "amount") -> Decimal:
    """A ``Decimal`` from plain decimal text: digits, one optional point and sign.

    Exponents, ``NaN``, ``Infinity``, thousands separators and floats are refused: they
    are how wrong numbers sneak into a ledger.
    """
    if isinstance(text, bool | float):
        raise InvalidAmount(f"{what} must be written as a decimal string, not {text!r}")
    if isinstance(text, Decimal | int):
        value = Decimal(text)
        if not value.is_finite():
            raise InvalidAmount(f"{what} {text} is not a finite number")
    else:
        cleaned = text.strip()
        if not _PLAIN_DECIMAL.fullmatch(cleaned):
            shown = cleaned if len(cleaned) <= 40 else cleaned[:37] + "..."
            raise InvalidAmount(f"{what} {shown!r} is not a plain decimal number")
        try:
            value = Decimal(cleaned)
        except InvalidOperation as error:  # pragma: no cover - the pattern admits none
            raise InvalidAmount(f"{what} {cleaned!r} is not a number") from error
    if value.copy_abs() >= MAX_AMOUNT:  # exact: abs() rounds, and overflows past 10**6 digits
        raise AmountOutOfRange(f"{what} {value} is out of range (below {MAX_AMOUNT:,.0f})")
    return value


#: The spaces a French reader may type between thousands: CLDR's group sign is the narrow
#: no-break space, which no keyboard has.
_SPACES = " \u00a0\u202f"
#: Longer than any amount written with separators (1e14 has 15 digits): longer text goes
#: straight to :func:`parse_decimal`, which knows its size without reading it twice.
_LONGEST_LOCAL = 40


def read_amount(text: str, locale: Locale | str, *, what: str = "amount") -> Decimal:
    """An amount typed by a reader of ``locale``: written their way (``1.234,56`` in
    Spanish, ``1 234,56`` in French, ``1,234.56`` in English, read by Babel's strict
    parsing, so that a separator out of place is refused rather than guessed), and, where
    that reading fails, as a plain decimal with a point (``1234.56``, :func:`parse_decimal`).
    Only ASCII digits, the locale's two signs and a sign in front reach Babel: it would
    also read exponents, ``NaN``, underscores and other scripts' digits. ``1.000`` is one
    thousand in Spanish and one in English; ``1,2,3`` is nothing anywhere."""
    cleaned = text.strip()
    group, point = get_group_symbol(locale), get_decimal_symbol(locale)
    if group in _SPACES:
        cleaned = re.sub(f"[{_SPACES}]", group, cleaned)
    signs = re.escape(group + point)
    if len(cleaned) <= _LONGEST_LOCAL and re.fullmatch(f"[+-]?[0-9][0-9{signs}]*", cleaned):
        try:
            return parse_decimal(parse_local_decimal(cleaned, locale, strict=True), what=what)
        except NumberFormatError:
            pass
    return parse_decimal(text, what=what)


def is_plain_decimal(text: str) -> bool:
    """Whether ``text`` is written exactly as an amount is (``-3.50``): a number to a
    spreadsheet, not a formula."""
    return _PLAIN_DECIMAL.fullmatch(text) is not None


def check_currency(code: str) -> str:
    """The upper-cased ISO 4217 code, or :class:`UnknownCurrency`."""
    normalized = upper_code(code, "currency")
    if len(normalized) != 3 or not is_currency(normalized):
        raise UnknownCurrency(N_("'%(code)s' is not an ISO 4217 currency code"), code=code)
    return normalized


@lru_cache(maxsize=64)
def minor_units(currency: str) -> int:
    """Decimal places the currency allows (USD 2, JPY 0, KWD 3), from Babel's CLDR data;
    remembered, as pages quantize every amount they show."""
    return int(get_currency_precision(check_currency(currency)))


def decimal_places(amount: Decimal) -> int:
    """How many places after the point the amount is written with (``10.50`` → 2)."""
    exponent = amount.as_tuple().exponent
    if not isinstance(exponent, int):
        raise InvalidAmount(f"{amount} is not a finite number")
    return max(0, -exponent)


def fits_currency(amount: Decimal, currency: str) -> bool:
    """True when the amount has no more places than the currency allows.

    Trailing zeros do not count: ``100.00`` JPY is a whole number of yen.
    """
    places = minor_units(currency)
    return amount == amount.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)


def quantize(amount: Decimal, currency: str = BASE_CURRENCY) -> Decimal:
    """The amount written with exactly the currency's places (no rounding happens if it fits)."""
    return amount.quantize(Decimal(1).scaleb(-minor_units(currency)), rounding=ROUND_HALF_UP)


def to_base(original: Decimal, rate: Decimal) -> Decimal:
    """USD value of a foreign amount at a rate in USD per unit, by the one rounding rule."""
    return (original * rate).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def settled_usd(balance: Decimal, part: Decimal, rate: Decimal) -> Decimal:
    """USD moved when ``part`` of a ``balance`` carried at ``rate`` is settled."""
    return to_base(balance, rate) - to_base(balance - part, rate)


def converts_to(original: Decimal, rate: Decimal, usd: Decimal) -> bool:
    """Whether ``usd`` is ``original`` at ``rate`` by the rounding rule: within a cent of the
    exact product (settling part of a carried balance can round the other way)."""
    return abs(usd - original * rate) < Decimal("0.01")


def plain(amount: Decimal, currency: str = BASE_CURRENCY) -> str:
    """CSV form: the currency's places, no separators (``54250.00``, ``-3.50``)."""
    return f"{quantize(amount, currency):f}"


def format_money(
    amount: Decimal, currency: str = BASE_CURRENCY, locale: Locale | str = "en"
) -> str:
    """Human form for the locale, e.g. ``US$54,250.00`` or ``54.250,00 US$``."""
    return str(format_currency(amount, currency, locale=locale))
