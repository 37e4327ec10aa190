"""Why a document is refused, or not there."""

from __future__ import annotations

from fundledger.errors import FundledgerError, NotFound


class DocumentError(FundledgerError):
    """A document that cannot be stored or removed as given."""


class DocumentTooLarge(DocumentError):
    """Over the configured size limit: the answer a web server gives such a body."""

    status = 413


class NoSuchDocument(NotFound):
    """No document, or none this reader may see (the same answer, so nobody learns
    which documents other donors have)."""
