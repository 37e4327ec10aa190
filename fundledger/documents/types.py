"""What a document is, read from its bytes (never from its name): the allow-list.

A short signature table rather than libmagic (python-magic needs the C library on every
machine, and says "Microsoft OOXML" for any Office zip) or a guesser (filetype tells a
DOCX by a name prefix among the first bytes): six types are allowed, and the two that
are zip containers are told apart the way their own standards say — ODF by its first
entry ``mimetype``, Office Open XML by the main part declared in
``[Content_Types].xml``. A macro-enabled Office file declares another main part and is
refused. Text is UTF-8 without control characters; CSV is text, so it is stored as
text/plain (a download never runs or renders it as anything else).

The content decides: a PDF named ``report.png`` is stored and served as a PDF under the
name it was given."""

from __future__ import annotations

import io
import re
import zipfile

PDF = "application/pdf"
PNG = "image/png"
JPEG = "image/jpeg"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
ODT = "application/vnd.oasis.opendocument.text"
TEXT = "text/plain"

#: Every type a document may have, with the short name pages and refusals show.
ALLOWED = {PDF: "PDF", PNG: "PNG", JPEG: "JPEG", DOCX: "DOCX", XLSX: "XLSX", ODT: "ODT",
           TEXT: "text"}  # fmt: skip

_SIGNATURES = ((b"%PDF-", PDF), (b"\x89PNG\r\n\x1a\n", PNG), (b"\xff\xd8\xff", JPEG))
_ZIP = b"PK\x03\x04"
#: The main part each Office Open XML type declares in [Content_Types].xml.
_OOXML_MAIN = {
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml": DOCX,
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml": XLSX,
}
_OOXML_CONTENT_TYPE = re.compile(rb'ContentType="([^"]+)"')
#: Read no more than this of a zip's small index parts (a crafted archive cannot make
#: the check inflate a bomb).
_PART_LIMIT = 64 * 1024
#: Control characters text may not hold (tab, line feed and carriage return it may).
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def detect(data: bytes) -> str | None:
    """The allowed type ``data`` is, or None if it is none of them."""
    for signature, content_type in _SIGNATURES:
        if data.startswith(signature):
            return content_type
    if data.startswith(_ZIP):
        return _zip_type(data)
    return TEXT if _is_text(data) else None


def _zip_type(data: bytes) -> str | None:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            names = set(archive.namelist())
            if "mimetype" in names:
                return ODT if _part(archive, "mimetype").strip() == ODT.encode() else None
            if "[Content_Types].xml" in names:
                declared = _OOXML_CONTENT_TYPE.findall(_part(archive, "[Content_Types].xml"))
                found = {_OOXML_MAIN.get(t.decode("ascii", "replace")) for t in declared}
                found.discard(None)
                return found.pop() if len(found) == 1 else None
    except (zipfile.BadZipFile, zipfile.LargeZipFile, NotImplementedError, OSError, EOFError):
        return None
    return None


def _part(archive: zipfile.ZipFile, name: str) -> bytes:
    with archive.open(name) as part:
        return part.read(_PART_LIMIT)


def _is_text(data: bytes) -> bool:
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return _CONTROL.search(text) is None
