"""Files attached to a PDF at document level: the catalog's ``/Names /EmbeddedFiles``
name tree, which every reader lists (Acrobat's paperclip, ``pdfdetach -list``).

Writing goes into ReportLab's document just before it is saved; reading uses pypdf.
Both are deterministic: no dates, names in order, so the same files give the same bytes.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import pypdf
from reportlab.pdfbase.pdfdoc import (
    PDFArray,
    PDFDictionary,
    PDFName,
    PDFStream,
    PDFString,
    PDFZCompress,
)


@dataclass(frozen=True, slots=True)
class Attachment:
    name: str
    content: bytes
    #: The MIME type, e.g. ``application/json``.
    mime: str
    description: str


def _mime_name(mime: str) -> str:
    """A MIME type as a PDF name: ``/application#2Fjson`` (ReportLab keeps the slash)."""
    return "/" + mime.replace("/", "#2F")


def embed(document: Any, attachments: Sequence[Attachment]) -> None:
    """Attach ``attachments`` to ReportLab's ``document`` (a ``PDFDocument``)."""
    if not attachments:
        return
    names: list[Any] = []
    for item in sorted(attachments, key=lambda a: a.name):  # a name tree is sorted
        stream = PDFStream(PDFDictionary({
            "Type": PDFName("EmbeddedFile"),
            "Subtype": _mime_name(item.mime),
            "Params": PDFDictionary({"Size": len(item.content)}),
        }), item.content, filters=[PDFZCompress])  # fmt: skip
        spec = PDFDictionary({
            "Type": PDFName("Filespec"),
            "F": PDFString(item.name),
            "UF": PDFString(item.name),
            "Desc": PDFString(item.description),
            "AFRelationship": PDFName("Data"),
            "EF": PDFDictionary({"F": document.Reference(stream)}),
        })  # fmt: skip
        names += [PDFString(item.name), document.Reference(spec)]
    tree = PDFDictionary({"Names": PDFArray(names)})
    document.Catalog.Names = PDFDictionary({"EmbeddedFiles": tree})


class NoAttachment(ValueError):
    """The file is not a PDF, or has no attachment of that name."""


def attached(pdf: bytes, name: str) -> bytes:
    """The content of the file ``name`` attached to ``pdf``."""
    try:
        files = pypdf.PdfReader(io.BytesIO(pdf)).attachments
        contents = files.get(name)
    except (pypdf.errors.PdfReadError, ValueError, KeyError) as error:
        raise NoAttachment(f"not a PDF that can be read: {error}") from error
    if not contents:
        raise NoAttachment(f"the PDF has no attached {name}")
    return contents[0]
