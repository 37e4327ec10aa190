"""The web UI's language: chosen for each request, switchable without JavaScript.

The language is, in order: the one the user picked with the switcher in the page
header (kept in a cookie, so it holds before and after signing in); else the signed-in
donor's own language (``Donor.language``, the one its statements are issued in); else
the best match of the browser's ``Accept-Language``; else English. Pages translate
through Flask-Babel, which reads the ``web`` catalogs of :mod:`fundledger.i18n`.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import flask_babel
from babel.numbers import format_decimal
from babel.support import NullTranslations, Translations
from flask import Flask, request
from flask_babel.speaklater import LazyString
from markupsafe import escape

from fundledger.auth import sessions
from fundledger.donors.models import Donor
from fundledger.i18n import LANGUAGE_NAMES, LANGUAGES, SOURCE_LANGUAGE, WEB, translations
from fundledger.money import BASE_CURRENCY, format_money, quantize
from fundledger.web.database import db_session

#: The cookie that keeps the language picked with the switcher.
COOKIE = "fundledger_language"


def _(message: str, **values: Any) -> str:
    """``message`` in the request's language; ``%(name)s`` placeholders from ``values``."""
    return str(flask_babel.gettext(message, **values))


class LazyText(LazyString):  # type: ignore[misc]  # Flask-Babel is untyped
    """Text translated when it is shown. Flask-Babel's lazy string passes itself to Jinja
    as markup, unescaped; this one is escaped like any other text."""

    def __html__(self) -> str:
        return str(escape(str(self)))


def _l(message: str, **values: Any) -> LazyText:
    """A string translated when it is shown: for labels declared once, at import time
    (form fields, tables of choices), and read in whichever language each request has."""
    return LazyText(flask_babel.gettext, message, **values)


class _WebDomain(flask_babel.Domain):  # type: ignore[misc]  # Flask-Babel is untyped
    """Flask-Babel's domain, reading the ``web`` catalogs compiled from their ``.po``."""

    def get_translations(self) -> Translations | NullTranslations:
        locale = flask_babel.get_locale()
        if locale is None:  # outside a request
            return NullTranslations()
        return translations(WEB, str(locale))


def init_app(app: Flask) -> None:
    babel = flask_babel.Babel(app, locale_selector=select_language)
    babel.domain_instance = _WebDomain()
    from fundledger.web.language import blueprint  # the switcher's view needs access rules

    app.register_blueprint(blueprint)
    app.jinja_env.globals["languages"] = LANGUAGE_NAMES
    app.jinja_env.globals["current_language"] = current_language


def current_language() -> str:
    """The request's language code, e.g. for ``<html lang>``."""
    locale = flask_babel.get_locale()
    return str(locale) if locale is not None else SOURCE_LANGUAGE


def usd(amount: Decimal | int) -> str:
    """A USD amount with thousands separators and two places in the request's language:
    ``54,250.00`` / ``54.250,00`` / ``54 250,00`` (an int is a sum of no rows: 0)."""
    exact = quantize(Decimal(amount))
    return str(format_decimal(exact, format="#,##0.00", locale=current_language()))


def money(amount: Decimal, currency: str = BASE_CURRENCY) -> str:
    """An amount with its currency in the request's language: ``US$54,250.00`` in English,
    ``54.250,00 US$`` in Spanish (for messages; templates use the ``money`` filter)."""
    return format_money(amount, currency, locale=current_language())


def select_language() -> str:
    """The request's language, by the order in this module's docstring; an unknown value
    in the cookie is ignored rather than refused, so a stale cookie never breaks a page."""
    chosen = request.cookies.get(COOKIE)
    if chosen in LANGUAGES:
        return chosen
    user = sessions.current()
    if user is not None and user.donor_id is not None:
        donor = db_session().get(Donor, user.donor_id)
        if donor is not None:
            return donor.language
    return request.accept_languages.best_match(LANGUAGES) or SOURCE_LANGUAGE
