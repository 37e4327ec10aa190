"""Keeping the statement catalogs in step with the code.

``python -m fundledger.reporting.catalogs`` extracts every label the renderers print
(calls of ``gettext``, ``_`` and ``N_``), adds the new ones to each language's ``.po``
file, marks the ones no longer used obsolete, and lists what still needs translating.
The test-suite runs :func:`untranslated` so that no label ships in English by mistake.
"""

from __future__ import annotations

import sys
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po, write_po

from fundledger.reporting.i18n import LANGUAGES, catalog_path

SOURCE = Path(__file__).resolve().parent
KEYWORDS: dict[str, None] = {"gettext": None, "_": None, "N_": None}


def template() -> Catalog:
    """Every msgid the reporting code uses, with where it is used."""
    catalog = Catalog(project="fundledger", fuzzy=False)
    for filename, line, message, comments, _context in extract_from_dir(
        str(SOURCE), method_map=[("**.py", "python")], keywords=KEYWORDS
    ):
        if isinstance(message, str):
            catalog.add(message, locations=[(filename, line)], auto_comments=comments,
                        flags=("python-format",) if "%(" in message else ())  # fmt: skip
    return catalog


def read(language: str) -> Catalog:
    with catalog_path(language).open("rb") as source:
        return read_po(source, locale=language)


def untranslated(language: str) -> list[str]:
    """Labels the code uses that the language's catalog does not translate."""
    catalog = read(language)
    missing = []
    for message in template():
        if not message.id:
            continue
        found = catalog.get(message.id)
        if found is None or not found.string or found.fuzzy:
            missing.append(str(message.id))
    return missing


def update() -> dict[str, list[str]]:
    """Merge the template into every catalog; return what each still lacks."""
    source = template()
    for language in LANGUAGES:
        path = catalog_path(language)
        if path.exists():
            catalog = read(language)
            catalog.update(source, no_fuzzy_matching=True)
        else:
            catalog = Catalog(locale=language, project="fundledger", fuzzy=False)
            catalog.update(source, no_fuzzy_matching=True)
            path.parent.mkdir(parents=True, exist_ok=True)
        with path.open("wb") as target:
            write_po(target, catalog, width=100, omit_header=False, sort_output=True,
                     ignore_obsolete=True, include_previous=False)  # fmt: skip
    return {language: untranslated(language) for language in LANGUAGES}


def main() -> None:
    missing = update()
    for language, ids in missing.items():
        for message in ids:
            print(f"{language}: untranslated: {message}")
    sys.exit(1 if any(missing.values()) else 0)


if __name__ == "__main__":
    main()
