"""Where the non-Python parts of the application live: templates and migrations.

In a wheel they are packaged inside ``fundledger/``; in a source checkout (editable
install, tests) they are the repository's top-level folders.
"""

from __future__ import annotations

from pathlib import Path

_PACKAGE = Path(__file__).resolve().parent


def resource_dir(name: str) -> Path:
    """The packaged copy of ``name`` if this is an installed wheel, else the checkout's."""
    packaged = _PACKAGE / name
    if packaged.is_dir():
        return packaged
    checkout = _PACKAGE.parent / name
    if checkout.is_dir():
        return checkout
    raise FileNotFoundError(f"fundledger is missing its {name}/ folder")  # broken install
