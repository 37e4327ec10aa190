"""The project's languages and gettext catalogs: one way to load, extract and check them.

Each language has two catalogs, both ``.po`` sources compiled in memory the first time
they are used (no ``.mo`` files are kept; the wheel carries the sources):

- ``statements``: the labels the PDF statements print (``fundledger/reporting``). A
  statement is a record that may be reissued years later, so its wording is kept apart
  from the pages around it.
- ``web``: the pages, form labels, validation and flash messages of the web UI
  (``templates/`` and the views and forms).

``python -m fundledger.i18n`` extracts every marked string from the code, merges it into
each catalog, marks what is no longer used obsolete, and lists what still needs
translating; the tests run :func:`untranslated` so that nothing ships in English by
mistake.
"""

from __future__ import annotations

import copy
import datetime as dt
import io
import sys
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from functools import lru_cache
from pathlib import Path
from typing import Any

from babel.dates import format_date
from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po, write_po
from babel.numbers import get_decimal_symbol, get_group_symbol, get_minus_sign_symbol
from babel.support import Translations

from fundledger.config import resource_dir
from fundledger.errors import Amount, FundledgerError, Message, Param, Term, fill

#: The OAS official languages; English is the one the code is written in.
LANGUAGES = ("en", "es", "fr", "pt")
SOURCE_LANGUAGE = "en"
#: Each language named in itself, as a language menu shows it.
LANGUAGE_NAMES = {"en": "English", "es": "Español", "fr": "Français", "pt": "Português"}

_PACKAGE = Path(__file__).resolve().parent


class UnknownLanguage(FundledgerError):
    """A language fundledger is not translated into."""


def N_(message: str) -> str:
    """Mark ``message`` for the catalogs without translating it here: a table of labels,
    or a refusal raised where no language is known, translated where it is shown."""
    return message


def listed(items: Sequence[Message]) -> Message:
    """Clauses one after another, separated by commas, as one message's parameter: a list
    whose every item is worded and formatted in the reader's language."""
    first, *rest = items
    if not rest:
        return first
    return Message(N_("%(first)s, %(rest)s"), {"first": first, "rest": listed(rest)})


@dataclass(frozen=True, slots=True)
class Source:
    """Where marked strings are found: a folder, which files by which extractor, and the
    names of the marking functions."""

    directory: Path
    method_map: tuple[tuple[str, str], ...]
    keywords: Mapping[str, Any]
    options: dict[str, dict[str, Any]]


@dataclass(frozen=True, slots=True)
class Domain:
    """One set of catalogs: ``<directory>/<language>/LC_MESSAGES/messages.po``."""

    name: str
    directory: Path

    def path(self, language: str) -> Path:
        return self.directory / language / "LC_MESSAGES" / "messages.po"


STATEMENTS = Domain("statements", _PACKAGE / "reporting" / "translations")
WEB = Domain("web", _PACKAGE / "web" / "translations")
DOMAINS = (STATEMENTS, WEB)

#: Views and forms are the web's, wherever they live; the rest of reporting/ is the PDFs'.
_WEB_PYTHON = (("**/views.py", "python"), ("**/forms.py", "python"))


def sources(domain: Domain) -> tuple[Source, ...]:
    """The code whose marked strings make up ``domain``."""
    if domain is STATEMENTS:
        return (
            Source(
                _PACKAGE / "reporting",
                (("views.py", "ignore"), ("forms.py", "ignore"), ("**.py", "python")),
                {"gettext": None, "_": None, "N_": None},
                {},
            ),
        )
    return (
        Source(
            resource_dir("templates"),
            (("**.html", "jinja2.ext:babel_extract"),),
            {"_": None, "gettext": None, "ngettext": (1, 2)},
            {"**.html": {"extensions": "jinja2.ext.i18n", "trimmed": "true"}},
        ),
        Source(
            _PACKAGE,
            (*_WEB_PYTHON, ("reporting/**.py", "ignore"), ("**.py", "python")),
            {"_": None, "_l": None, "N_": None, "ngettext": (1, 2)},
            {},
        ),
    )


def check_language(language: str) -> str:
    """``language`` if fundledger speaks it, else :class:`UnknownLanguage`."""
    if language not in LANGUAGES:
        raise UnknownLanguage(
            N_("fundledger is translated into %(languages)s, not %(language)s"),
            languages=", ".join(LANGUAGES), language=repr(language[:20]),
        )  # fmt: skip
    return language


def read(domain: Domain, language: str) -> Catalog:
    with domain.path(language).open("rb") as source:
        return read_po(source, locale=language)


@lru_cache(maxsize=len(LANGUAGES))
def _number_signs(language: str) -> dict[int, str]:
    """Python's ``,``, ``.`` and ``-`` mapped to the language's group, decimal and minus
    signs (CLDR)."""
    return {
        ord(","): get_group_symbol(language),
        ord("."): get_decimal_symbol(language),
        ord("-"): get_minus_sign_symbol(language),
    }


def grouped(value: Decimal, places: int, language: str) -> str:
    """``value`` rounded half up to ``places`` decimals, thousands grouped, in the
    language's signs: the text Babel's ``format_decimal`` writes for ``#,##0.00`` (the
    tests compare the two) at a fraction of its cost, for the pages' and statements'
    thousands of numbers."""
    exact = value.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)
    return f"{exact:,.{places}f}".translate(_number_signs(language))


@lru_cache(maxsize=len(LANGUAGES) * len(DOMAINS))
def translations(domain: Domain, language: str) -> Translations:
    """The language's catalog in ``domain``, compiled from its ``.po`` file once per process."""
    compiled = io.BytesIO()
    write_mo(compiled, read(domain, check_language(language)))
    compiled.seek(0)
    return Translations(compiled, domain=domain.name)


def refusal_text(refusal: FundledgerError, language: str) -> str:
    """What ``refusal`` says in ``language``: its message id from the web catalog, its
    parameters in the language's number and date format. A refusal whose message is not
    in the catalog (English only) reads as its English sentence."""
    return _message_text(refusal.message_id, refusal.params, language)


def message_text(message: Message, language: str) -> str:
    """``message`` in ``language``: its id from the web catalog, its parameters in the
    language's number and date format (a generated memo, a clause of a refusal)."""
    return _message_text(message.id, message.params, language)


def _message_text(message_id: str, params: Mapping[str, Param], language: str) -> str:
    template = translations(WEB, language).gettext(message_id)
    return fill(template, {name: _shown(value, language) for name, value in params.items()})


def _shown(value: Param, language: str) -> str:
    """One parameter as ``language`` writes it: amounts with two places and its grouping,
    other decimals (rates) with the places they have, dates in the medium format
    (``10 feb 2025``), terms translated; codes, names and years as they are."""
    if isinstance(value, Amount):
        figure = grouped(value.value, 2, language)
        return figure if value.currency is None else f"{figure} {value.currency}"
    if isinstance(value, Decimal):  # the places it has: 50000.00 stays 50,000.00
        exponent = value.as_tuple().exponent
        return grouped(value, max(0, -exponent) if isinstance(exponent, int) else 0, language)
    if isinstance(value, dt.date):
        return str(format_date(value, "medium", locale=language))
    if isinstance(value, Term):
        return translations(WEB, language).gettext(value)
    if isinstance(value, Message):
        return _message_text(value.id, value.params, language)
    return str(value)


def template(domain: Domain) -> Catalog:
    """Every msgid the domain's code uses, with where it is used."""
    catalog = Catalog(project="fundledger", fuzzy=False)
    for source in sources(domain):
        for filename, line, message, comments, context in extract_from_dir(
            str(source.directory),
            method_map=source.method_map,
            options_map=source.options,
            keywords=source.keywords,
        ):
            flags = ("python-format",) if "%(" in str(message) else ()
            catalog.add(message, locations=[(filename, line)], auto_comments=comments,
                        flags=flags, context=context)  # fmt: skip
    return catalog


def untranslated(domain: Domain, language: str) -> list[str]:
    """Msgids the code uses that the language's catalog does not translate."""
    catalog = read(domain, language)
    missing = []
    for message in template(domain):
        if not message.id:
            continue
        found = catalog.get(message.id, context=message.context)
        strings = found.string if found is not None else ""
        if (
            found is None
            or found.fuzzy
            or not all(strings if isinstance(strings, tuple) else [strings])
        ):
            missing.append(str(message.id if isinstance(message.id, str) else message.id[0]))
    return missing


def update(domain: Domain) -> dict[str, list[str]]:
    """Merge the domain's template into each language's catalog; return what each lacks.

    English msgids are their own translation, so the English catalog fills itself. A
    catalog keeps its creation date, so that only a change of messages changes the file.
    """
    source = template(domain)
    for language in LANGUAGES:
        path = domain.path(language)
        if path.exists():
            catalog = read(domain, language)
        else:
            catalog = Catalog(locale=language, project="fundledger", fuzzy=False)
            path.parent.mkdir(parents=True, exist_ok=True)
        created = catalog.creation_date
        # A copy each time: Catalog.update adopts the template's message objects.
        catalog.update(copy.deepcopy(source), no_fuzzy_matching=True)
        catalog.creation_date = created
        if language == SOURCE_LANGUAGE:
            for message in catalog:
                if message.id and not message.string:
                    message.string = message.id
        with path.open("wb") as target:
            write_po(target, catalog, width=100, omit_header=False, sort_output=True,
                     ignore_obsolete=True, include_previous=False)  # fmt: skip
    return {language: untranslated(domain, language) for language in LANGUAGES}


def main() -> None:
    """Update every catalog; exit 1 while anything is left untranslated."""
    incomplete = False
    for domain in DOMAINS:
        for language, ids in update(domain).items():
            for message in ids:
                print(f"{domain.name} {language}: untranslated: {message}")
                incomplete = True
    sys.exit(1 if incomplete else 0)


if __name__ == "__main__":
    main()
