"""fundledger: ledger and budgeting for the OAS Fund for the Inter-American Program
for the Promotion and Protection of the Human Rights of Migrants.

``create_app`` builds everything; importing the package builds nothing.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from flask import Flask


def create_app(config: Mapping[str, Any] | None = None) -> Flask:
    """The Flask application: configuration, database, blueprints, template helpers."""
    from fundledger.web.app import build_app

    return build_app(config)
