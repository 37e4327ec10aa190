"""One database session per request; the request is the single commit point.

Safe methods (GET, HEAD) get a read-only session; state-changing requests get a
write session, which a view commits once, after its operation succeeded.
"""

from __future__ import annotations

from flask import Flask, current_app, g, request
from sqlalchemy.orm import Session

from fundledger.db import Database

_EXTENSION = "fundledger.db"


def init_app(app: Flask, db: Database) -> None:
    app.extensions[_EXTENSION] = db
    app.teardown_appcontext(_close_session)


def get_database(app: Flask | None = None) -> Database:
    database: Database = (app or current_app).extensions[_EXTENSION]
    return database


def db_session() -> Session:
    """The session of the current request, opened on first use."""
    if "db_session" not in g:
        write = request.method not in ("GET", "HEAD", "OPTIONS")
        g.db_session = get_database().session(write=write)
    session: Session = g.db_session
    return session


def _close_session(_error: BaseException | None) -> None:
    session = g.pop("db_session", None)
    if session is not None:
        session.close()
