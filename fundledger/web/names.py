"""The names pages give earmarks, pools, donors and currencies, in the reader's language
(issue 15, finding 2): the label rule of :mod:`fundledger.program.labels`, with the
Program's titles and the donors' names read once per request, as template filters
(``earmark``, ``pool``, ``donor_code``, ``program_title``, ``program_label``) and as the
choices of the earmark and currency choosers."""

from __future__ import annotations

from babel.numbers import get_currency_name
from flask import Flask, g
from sqlalchemy import select
from wtforms import SelectChoice

from fundledger.allocations.forms import CATEGORY_LABELS
from fundledger.donors.models import Donor, ExchangeRate
from fundledger.donors.queries import donor_codes, donor_names
from fundledger.ledger.memos import Labels
from fundledger.money import BASE_CURRENCY
from fundledger.program.labels import UNRESTRICTED, ProgramNames, donor_label, program_names
from fundledger.program.pickers import earmark_groups
from fundledger.program.translated import Kind, Titled, title, title_of
from fundledger.web.database import db_session
from fundledger.web.fields import ChooserField
from fundledger.web.i18n import _, current_language, request_language

#: Offered in every currency chooser, after USD and before the rate table's others.
COMMON_CURRENCIES = ("USD", "EUR", "CAD", "GBP", "CHF", "JPY", "MXN", "BRL", "ARS", "CLP", "COP")


def _program() -> ProgramNames:
    if "program_names" not in g:
        g.program_names = program_names(db_session(), current_language())
    names: ProgramNames = g.program_names
    return names


def _donor_names() -> dict[str, str]:
    if "donor_names" not in g:
        g.donor_names = donor_names(db_session())
    names: dict[str, str] = g.donor_names
    return names


def _donor_codes() -> dict[int, str]:
    if "donor_codes" not in g:
        g.donor_codes = donor_codes(db_session())
    codes: dict[int, str] = g.donor_codes
    return codes


def earmark_label(earmark: str | None) -> str:
    """``activity:5`` → ``Activity 5 — <title>``; none → ``Unrestricted``."""
    return _program().earmark(earmark, _)


def pool_label(key: str) -> str:
    """``CAN/objective:8`` → ``Andean Community (CAN) — Objective 8 — <title>``."""
    return _program().pool(key, _donor_names(), _)


def program_title(row: Titled) -> str:
    """An objective's or activity's title, an implementer's name, in the reader's language."""
    return title_of(row, current_language())


def program_label(english: str, kind: Kind, key: int | str) -> str:
    """The English title ``english`` a report carries for ``key`` of ``kind``, in the
    reader's language: ``{{ a.activity_title|program_label("activities", a.activity) }}``."""
    return title(kind, key, english, current_language())


def donor_name(donor: Donor) -> str:
    """A donor's name in the reader's language, where one is recorded (a download's
    column beside the donor's code)."""
    return donor.name_in(request_language().code)


def donor_code(donor_id: int | None) -> str:
    """The code of the donor a posting names (``KR-OBS``), not its row id."""
    if donor_id is None:
        return ""
    return _donor_codes().get(donor_id, str(donor_id))


def donor_label_of(code: str) -> str:
    """``ES-OBS`` → ``Spain (ES-OBS)``; the code alone for one the ledger does not know."""
    name = _donor_names().get(code)
    return code if name is None else donor_label(name, code)


def category_label(code: str) -> str:
    """An expenditure category in the reader's language; a code it does not know as is."""
    label = CATEGORY_LABELS.get(code)
    return code if label is None else str(label)


def memo_labels() -> Labels:
    """How a generated memo names the donors, earmarks and categories it holds by code."""
    return {"donor": donor_label_of, "earmark": earmark_label, "category": category_label}


def offer_earmarks(field: ChooserField, blank: str | None = None) -> None:
    """Give an earmark chooser the fundable earmarks, one optgroup per objective, after
    the blank choice: "Unrestricted" unless ``blank`` says otherwise."""
    groups = earmark_groups(db_session(), _program(), _)
    field.choices = [SelectChoice("", _(UNRESTRICTED) if blank is None else blank)] + [
        SelectChoice(value, label, optgroup=group.label)
        for group in groups
        for value, label in group.options
    ]


def currency_label(code: str) -> str:
    """``EUR — euro`` in the reader's language (Babel's CLDR names); the code alone for
    one Babel does not know."""
    name = get_currency_name(code, locale=request_language().locale)
    return code if name == code else f"{code} — {name}"


def offer_currencies(field: ChooserField) -> None:
    """Give a currency chooser USD, the common currencies and every one the rate table
    has a rate for, each with its name."""
    rated = db_session().scalars(select(ExchangeRate.currency).distinct())
    codes = dict.fromkeys([BASE_CURRENCY, *COMMON_CURRENCIES, *sorted(rated)])
    field.choices = [SelectChoice(code, currency_label(code)) for code in codes]


def init_app(app: Flask) -> None:
    app.add_template_filter(earmark_label, "earmark")
    app.add_template_filter(pool_label, "pool")
    app.add_template_filter(donor_code, "donor_code")
    app.add_template_filter(program_title, "program_title")
    app.add_template_filter(program_label, "program_label")
    app.add_template_filter(currency_label, "currency_name")
