"""Statement languages: gettext catalogs and Babel formatting for en, es, fr and pt.

The catalogs are the ``statements`` domain of :mod:`fundledger.i18n` (the ``.po`` files
under ``translations/``). Every label a statement prints goes through
:meth:`Language.gettext`; every number, date and percentage through the other methods,
so a Spanish statement reads ``54.250,00`` and ``10 feb 2025``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from functools import lru_cache

from babel import Locale
from babel.dates import format_date, format_datetime
from babel.numbers import (
    format_decimal,
    format_percent,
)

from fundledger.i18n import LANGUAGES, N_, STATEMENTS, UnknownLanguage, grouped, translations
from fundledger.money import minor_units

__all__ = ["CATALOGS", "LANGUAGES", "N_", "Language", "UnknownLanguage"]

#: Where the statement catalogs are (the tests check they are sources only).
CATALOGS = STATEMENTS.directory


@lru_cache(maxsize=256)
def _places(currency: str) -> int:
    return minor_units(currency)


def _rate_places(rate: Decimal) -> int:
    """The places a rate needs: those it has without trailing zeros, from four to ten."""
    exponent = rate.normalize().as_tuple().exponent
    return min(10, max(4, -exponent if isinstance(exponent, int) else 4))


@lru_cache(maxsize=4096)
def _date(day: dt.date, style: str, language: str) -> str:
    """A date in the locale's form; cached, as a statement prints the same days often."""
    return str(format_date(day, style, locale=language))


#: The date in a table cell, where the locale's medium form is too wide for a date
#: column: Portuguese "10 de fev. de 2025" is read as "10 fev. 2025".
_CELL_PATTERNS = {"pt": "d MMM y"}


@lru_cache(maxsize=4096)
def _day(day: dt.date, language: str) -> str:
    pattern = _CELL_PATTERNS.get(language, "medium")
    return str(format_date(day, pattern, locale=language)).replace(" ", "\u00a0")


@dataclass(frozen=True, slots=True)
class Language:
    """Labels and formats of one statement language."""

    code: str

    @classmethod
    def of(cls, code: str) -> Language:
        translations(STATEMENTS, code)  # refuses unknown languages before anything is rendered
        return cls(code)

    def gettext(self, message: str, **values: object) -> str:
        """The translated label; ``%(name)s`` placeholders are filled from ``values``."""
        text = translations(STATEMENTS, self.code).gettext(message)
        return text % values if values else text

    def money(self, amount: Decimal) -> str:
        """A USD amount for a table column: ``54,250.00`` / ``54.250,00`` / ``(22.00)``."""
        text = grouped(abs(amount), 2, self.code)
        return f"({text})" if amount < 0 else text

    def original(self, amount: Decimal, currency: str) -> str:
        """An amount in its own currency, with that currency's places (JPY 0, KWD 3)."""
        text = grouped(abs(amount), _places(currency), self.code)
        return f"-{text}" if amount < 0 else text

    def rates(self, column: Sequence[Decimal]) -> list[str]:
        """A table's column of exchange rates, with the places they were entered with (at
        least four, at most the ten the ledger stores): all with as many as the most
        precise of them, so that the column aligns on the decimal separator (1.066020
        above 1.107222, not 1.06602 above 1.107222)."""
        places = max(map(_rate_places, column), default=4)
        return [grouped(rate, places, self.code) for rate in column]

    def integer(self, value: int) -> str:
        return str(format_decimal(value, format="#,##0", locale=self.code))

    def percent(self, ratio: Decimal) -> str:
        """``25.00%`` / ``25,00 %``: the locale's percent pattern with two places."""
        pattern = Locale.parse(self.code).percent_formats[None].pattern.replace("0", "0.00", 1)
        return str(format_percent(ratio, format=pattern, locale=self.code))

    def date(self, day: dt.date, style: str = "medium") -> str:
        return _date(day, style, self.code)

    def day(self, day: dt.date) -> str:
        """A date for a table cell or a label: short enough for a date column and never
        broken across lines (no-break spaces), e.g. ``10 feb 2025``."""
        return _day(day, self.code)

    def timestamp(self, moment: dt.datetime) -> str:
        """A UTC moment, e.g. ``29 November 2026, 22:27 UTC``."""
        day = format_date(moment.date(), "long", locale=self.code)
        time = format_datetime(moment, "HH:mm", tzinfo=dt.UTC, locale=self.code)
        return f"{day}, {time} UTC"
