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
    """The Flask application as served (gunicorn calls this): configuration, database,
    blueprints, template helpers. In production it refuses to start without
    FUNDLEDGER_SECRET_KEY and FUNDLEDGER_PUBLIC_URL, and anywhere with
    a malformed FUNDLEDGER_TIMEZONE, FUNDLEDGER_SMTP_URL or FUNDLEDGER_DOCUMENTS_MAX_BYTES
    (:class:`~fundledger.config.ConfigurationError`), rather than answer 500 to every
    page or build links from the request's Host header."""
    from fundledger.config import check_production, documents_max_bytes, fund_timezone
    from fundledger.mail import mail_settings
    from fundledger.web.app import build_app

    app = build_app(config)
    check_production(app.config)
    fund_timezone()  # a misspelt FUNDLEDGER_TIMEZONE stops the start, not every request
    mail_settings(app.config)  # so does a misspelt FUNDLEDGER_SMTP_URL, not each invitation
    documents_max_bytes(app.config)  # and a document limit that is not a number of bytes
    return app
