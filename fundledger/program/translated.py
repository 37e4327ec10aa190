"""The Program's titles in the reader's language (issue 15, finding 2).

The Program is loaded in English, the language of the resolution's text this package
ships; its objectives, activities and implementers are stored that way and stay so. The
working translations in ``translations/<language>.json`` (Spanish, French, Portuguese)
are read here, keyed by kind and number or code, and looked up at display time; where
one has no entry (an activity a later revision adds, a language not translated) the
English title is shown. The official texts of AG/RES. 2141 (XXXV-O/05) prevail over
these translations."""

from __future__ import annotations

import json
from collections.abc import Mapping
from functools import cache
from importlib import resources
from typing import Literal, get_args
from unicodedata import normalize

from fundledger.program.models import Activity, GeneralObjective, Implementer, Objective

#: What a translation file names, each by number (the objectives, the activities) or by
#: code (the implementers).
Kind = Literal["general_objectives", "objectives", "activities", "implementers"]
KINDS: tuple[Kind, ...] = get_args(Kind)
#: The languages a translation file exists for; English is the source.
TRANSLATED = ("es", "fr", "pt")

#: A row of the Program's reference data that has a title.
Titled = GeneralObjective | Objective | Activity | Implementer


@cache
def translations(language: str) -> Mapping[Kind, Mapping[str, str]]:
    """The titles of ``language`` by kind and key; empty for English or a language with
    no file."""
    if language not in TRANSLATED:
        return {}
    path = resources.files(__package__).joinpath("translations", f"{language}.json")
    data = json.loads(path.read_text(encoding="utf-8"))
    return {kind: data[kind] for kind in KINDS}


def title(kind: Kind, key: int | str, english: str, language: str) -> str:
    """The title of the objective, activity or implementer ``key`` in ``language``;
    ``english`` (the stored title) where it has no translation."""
    return translations(language).get(kind, {}).get(str(key), english)


def alphabetical(text: str) -> str:
    """A sort key that puts a title where a reader looks for it: É among the E's, not
    after Z; upper and lower case together."""
    return normalize("NFKD", text.casefold())


def title_of(row: Titled, language: str) -> str:
    """:func:`title` for a row of the Program's tables."""
    if isinstance(row, Implementer):
        return title("implementers", row.code, row.name, language)
    if isinstance(row, Activity):
        return title("activities", row.number, row.title, language)
    if isinstance(row, Objective):
        return title("objectives", row.number, row.title, language)
    return title("general_objectives", row.number, row.title, language)
