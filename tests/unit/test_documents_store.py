"""The documents' allow-list, read from the bytes, and the content-addressed store."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from fundledger import create_app
from fundledger.config import ConfigurationError, documents_max_bytes
from fundledger.documents import store, types
from tests import documents_samples as sample


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        (sample.PDF, types.PDF),
        (sample.PNG, types.PNG),
        (sample.JPEG, types.JPEG),
        (sample.DOCX, types.DOCX),
        (sample.XLSX, types.XLSX),
        (sample.ODT, types.ODT),
        ("Año,Monto\n2025,1000\n".encode(), types.TEXT),
        (b"\xef\xbb\xbfplain text with a BOM\r\n", types.TEXT),
        # Refused: a macro-enabled Word file, an ODF spreadsheet, any other zip, a
        # program, text in another encoding, text with control characters, a broken zip.
        (sample.DOCM, None),
        (sample.ODS, None),
        (sample.ooxml("a.xml", "application/xml"), None),
        (b"MZ\x90\x00\x03\x00\x00\x00", None),
        ("Año".encode("latin-1"), None),
        (b"text\x1b[31m", None),
        (b"PK\x03\x04not really a zip", None),
    ],
)
def test_the_type_is_read_from_the_content(data: bytes, expected: str | None) -> None:
    assert types.detect(data) == expected


@settings(max_examples=50, deadline=None)
@given(st.lists(st.binary(min_size=1, max_size=200), min_size=1, max_size=6))
def test_the_store_keeps_each_content_once_under_its_hash(
    tmp_path_factory: pytest.TempPathFactory, contents: list[bytes]
) -> None:
    root = tmp_path_factory.mktemp("store")
    hashes = [store.put(root, data) for data in contents + contents]
    for data, sha256 in zip(contents + contents, hashes, strict=True):
        assert sha256 == hashlib.sha256(data).hexdigest()
        assert store.path_for(root, sha256).name == sha256
        assert store.get(root, sha256) == data
    files = [p for p in root.rglob("*") if p.is_file()]
    assert sorted(p.name for p in files) == sorted(set(hashes))


def test_a_stored_file_is_never_rewritten(tmp_path: Path) -> None:
    sha256 = store.put(tmp_path, b"agreement")
    before = store.path_for(tmp_path, sha256).stat().st_mtime_ns
    assert store.put(tmp_path, b"agreement") == sha256
    assert store.path_for(tmp_path, sha256).stat().st_mtime_ns == before
    assert not list(tmp_path.rglob(".incoming-*"))


@pytest.mark.parametrize(
    ("configured", "limit"),
    [({}, 10 * 1024 * 1024), ({"DOCUMENTS_MAX_BYTES": "2048"}, 2048)],
)
def test_the_size_limit_is_configured_in_bytes(configured: dict[str, str], limit: int) -> None:
    assert documents_max_bytes(configured) == limit


@pytest.mark.parametrize("value", ["0", "-5", "20MB", ""])
def test_a_size_limit_that_is_not_bytes_stops_the_start(value: str) -> None:
    with pytest.raises(ConfigurationError, match="FUNDLEDGER_DOCUMENTS_MAX_BYTES"):
        create_app(
            {
                "DATABASE_URL": "sqlite://",
                "DEPLOYMENT": "testing",
                "SECRET_KEY": "t",
                "DOCUMENTS_MAX_BYTES": value,
            }
        )
