"""The documents' files: content-addressed, outside the database.

A file is named by the SHA-256 of its bytes, under two levels of folders taken from the
hash (``ab/cd/abcd…``) so no folder grows huge. The same bytes are stored once, however
many documents name them; a file is never changed or deleted (a removed document keeps
its file for the audit trail). A write goes to a temporary file in the same folder,
synced, then renamed into place: a reader sees the whole file or none. A file left by a
transaction that rolled back is harmless: the next upload of the same bytes reuses it.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
from pathlib import Path


def digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def path_for(root: Path, sha256: str) -> Path:
    """Where the file with this hash lives under ``root``."""
    return root / sha256[:2] / sha256[2:4] / sha256


def put(root: Path, data: bytes) -> str:
    """Store ``data`` (once) and return its hash."""
    sha256 = digest(data)
    target = path_for(root, sha256)
    if target.is_file():
        return sha256
    target.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=target.parent, prefix=".incoming-")
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(data)
            out.flush()
            os.fsync(out.fileno())
        os.replace(temporary, target)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    return sha256


def get(root: Path, sha256: str) -> bytes:
    """The bytes stored under ``sha256``."""
    return path_for(root, sha256).read_bytes()
