"""Assembles the Flask application from configuration and the areas' blueprints."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from flask import Flask

from fundledger.auth import sessions
from fundledger.config import instance_path, resource_dir, settings
from fundledger.db import Database
from fundledger.setup.registry import register_all
from fundledger.web import database


def build_app(config: Mapping[str, Any] | None = None, *, web: bool = True) -> Flask:
    """The application; with ``web=False`` only its configuration, database and sign-in
    settings, which is all a CLI command needs: the pages, their forms, Babel and (through
    the statements' views) ReportLab are most of the start-up time."""
    app = Flask(
        "fundledger",
        template_folder=str(resource_dir("templates")),
        instance_path=instance_path(),
        instance_relative_config=True,
    )
    app.config.update(settings(config))

    register_all()
    database.init_app(app, Database(app.config["DATABASE_URL"]))
    # Also the sign-in settings' defaults, which `fundledger user` reads.
    sessions.init_app(app)
    if web:
        _init_web(app)
    return app


def _init_web(app: Flask) -> None:
    """Template helpers, error pages, sign-in and access rules, and the areas' pages."""
    from fundledger.auth import access, protection
    from fundledger.web import errors, filters, i18n, names

    sessions.init_passwords(app)
    i18n.init_app(app)
    filters.init_app(app)
    names.init_app(app)
    errors.init_app(app)
    protection.init_app(app)
    access.init_app(app)

    # An area's pages split by sub-area each add theirs to the area's one blueprint.
    import fundledger.allocations.budget_views
    import fundledger.allocations.fund_views
    import fundledger.allocations.proposal_views
    import fundledger.allocations.views
    import fundledger.auth.token_views
    import fundledger.donors.announcement_views
    import fundledger.donors.fund_views
    import fundledger.donors.import_views
    import fundledger.reporting.net_assets_views
    import fundledger.reporting.organ_transfers_views
    import fundledger.web.ledger.period_views  # noqa: F401
    from fundledger.allocations.blueprint import blueprint as allocations
    from fundledger.audit.views import blueprint as audit
    from fundledger.auth.views import blueprint as auth
    from fundledger.cofinancing.views import blueprint as cofinancing
    from fundledger.corrections.views import blueprint as corrections
    from fundledger.documents.views import blueprint as documents
    from fundledger.donors.views import blueprint as donors
    from fundledger.meetings.views import blueprint as meetings
    from fundledger.program.views import blueprint as program
    from fundledger.progress.views import blueprint as progress
    from fundledger.public.views import blueprint as public_pages
    from fundledger.reporting.views import blueprint as statements
    from fundledger.web.language import blueprint as language
    from fundledger.web.ledger.views import blueprint as ledger
    from fundledger.web.views import blueprint as home

    app.register_blueprint(home)
    app.register_blueprint(language)
    app.register_blueprint(public_pages)
    app.register_blueprint(auth)
    app.register_blueprint(audit)
    app.register_blueprint(ledger)
    app.register_blueprint(program)
    app.register_blueprint(allocations)
    app.register_blueprint(meetings)
    app.register_blueprint(cofinancing)
    app.register_blueprint(progress)
    app.register_blueprint(donors)
    app.register_blueprint(documents)
    app.register_blueprint(corrections)
    app.register_blueprint(statements)

    from fundledger.api import views as api

    api.init_app(app)
