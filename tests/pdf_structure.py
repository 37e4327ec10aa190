"""What a statement PDF's structure says, read with pypdf: fonts, language, outline."""

from __future__ import annotations

import io
from dataclasses import dataclass
from typing import Any

import pypdf
from pypdf.generic import DictionaryObject


@dataclass(frozen=True)
class FontUse:
    name: str
    embedded: bool


def reader(pdf: bytes) -> pypdf.PdfReader:
    return pypdf.PdfReader(io.BytesIO(pdf))


def fonts(pdf: bytes) -> set[FontUse]:
    """Every font any page (or a form it draws) names, and whether its file is inside."""
    found: set[FontUse] = set()

    def visit(resources: DictionaryObject | None) -> None:
        if resources is None:
            return
        for font in (resources.get("/Font") or {}).values():
            font = font.get_object()
            descriptor = font.get("/FontDescriptor")
            embedded = descriptor is not None and any(
                key in descriptor.get_object() for key in ("/FontFile", "/FontFile2", "/FontFile3")
            )
            found.add(FontUse(str(font["/BaseFont"]), embedded))
        for xobject in (resources.get("/XObject") or {}).values():
            visit(xobject.get_object().get("/Resources"))

    for page in reader(pdf).pages:
        visit(page.get("/Resources"))
    return found


def outline(pdf: bytes) -> list[tuple[int, str, int]]:
    """The bookmarks, in order: depth, title, and the page (from 1) each opens."""
    document = reader(pdf)
    entries: list[tuple[int, str, int]] = []

    def walk(items: list[Any], depth: int) -> None:
        for item in items:
            if isinstance(item, list):
                walk(item, depth + 1)
            else:
                page = document.get_destination_page_number(item) + 1
                entries.append((depth, item.title, page))

    walk(document.outline, 0)
    return entries


def language(pdf: bytes) -> str | None:
    lang = reader(pdf).trailer["/Root"].get("/Lang")
    return None if lang is None else str(lang)
