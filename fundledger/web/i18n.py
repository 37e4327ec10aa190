"""The web UI's language: chosen for each request, switchable without JavaScript.

The language is, in order: the one the user picked with the switcher in the page
header (kept in a cookie, so it holds before and after signing in); else the signed-in
donor's own language (``Donor.language``, the one its statements are issued in); else
the best match of the browser's ``Accept-Language``; else English. Pages translate
through Flask-Babel, which reads the ``web`` catalogs of :mod:`fundledger.i18n`.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from functools import lru_cache
from typing import Any

import flask_babel
from babel import Locale
from babel.support import NullTranslations, Translations
from flask import Flask, g, has_app_context, request
from flask_babel.speaklater import LazyString
from jinja2 import pass_context
from jinja2.runtime import Context
from markupsafe import Markup, escape

from fundledger.auth import sessions
from fundledger.donors.models import Donor
from fundledger.i18n import (
    LANGUAGE_NAMES,
    LANGUAGES,
    SOURCE_LANGUAGE,
    WEB,
    grouped,
    translations,
)
from fundledger.money import BASE_CURRENCY, format_money, minor_units
from fundledger.web.database import db_session

#: The cookie that keeps the language picked with the switcher.
COOKIE = "fundledger_language"
#: Where a request keeps its :class:`PageLanguage` once chosen.
_CHOSEN = "fundledger_page_language"


@dataclass(frozen=True, slots=True)
class PageLanguage:
    """A language of the pages with its catalog and locale, built once per process:
    parsing the locale and a number pattern again for each cell of a long table, and
    finding the catalog again for each label, were most of a list page's time."""

    code: str
    locale: Locale
    translations: Translations

    def usd(self, amount: Decimal | int) -> str:
        """A USD amount with thousands separators and two places, as the statements
        write it (tests/web/test_languages.py compares it with Babel's)."""
        return grouped(Decimal(amount), minor_units(BASE_CURRENCY), self.code)


@lru_cache(maxsize=len(LANGUAGES))
def page_language(code: str) -> PageLanguage:
    return PageLanguage(code, Locale.parse(code), translations(WEB, code))


def request_language() -> PageLanguage:
    """The request's language, chosen once per request by :func:`select_language`
    (through Flask-Babel); the source language outside a request."""
    if not has_app_context():
        return page_language(SOURCE_LANGUAGE)
    chosen: PageLanguage | None = g.get(_CHOSEN)
    if chosen is None:
        locale = flask_babel.get_locale()
        chosen = page_language(SOURCE_LANGUAGE if locale is None else str(locale))
        setattr(g, _CHOSEN, chosen)
    return chosen


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
        if not has_app_context():
            return NullTranslations()
        return request_language().translations


@pass_context
def _template_gettext(context: Context, message: str, **values: Any) -> str:
    """``_()`` and ``gettext()`` in templates: what Jinja's i18n extension does with
    Flask-Babel's callables (the translation is markup, the values are escaped into it),
    without looking the catalog up again through three calls per label."""
    text = request_language().translations.gettext(message)
    if context.eval_ctx.autoescape:
        text = Markup(text)  # noqa: S704 - our catalogs' text, as Jinja's own gettext does  # nosec B704
    return text % values


def init_app(app: Flask) -> None:
    babel = flask_babel.Babel(app, locale_selector=select_language)
    babel.domain_instance = _WebDomain()
    app.jinja_env.globals.update(_=_template_gettext, gettext=_template_gettext)
    app.jinja_env.globals["languages"] = LANGUAGE_NAMES
    app.jinja_env.globals["current_language"] = current_language


def current_language() -> str:
    """The request's language code, e.g. for ``<html lang>``."""
    return request_language().code


def usd(amount: Decimal | int) -> str:
    """A USD amount with thousands separators and two places in the request's language:
    ``54,250.00`` / ``54.250,00`` / ``54 250,00`` (an int is a sum of no rows: 0)."""
    return request_language().usd(amount)


def money(amount: Decimal, currency: str = BASE_CURRENCY) -> str:
    """An amount with its currency in the request's language: ``US$54,250.00`` in English,
    ``54.250,00 US$`` in Spanish (for messages; templates use the ``money`` filter)."""
    return format_money(amount, currency, locale=request_language().locale)


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
