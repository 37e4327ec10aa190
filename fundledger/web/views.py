"""The landing page: what the fund is, how much the ledger holds, and where everything is."""

from __future__ import annotations

from flask import Blueprint, render_template
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from fundledger.db import Base
from fundledger.ledger.models import Account, JournalEntry
from fundledger.program.models import Activity
from fundledger.web.database import db_session

blueprint = Blueprint("home", __name__)


@blueprint.get("/")
def index() -> str:
    session = db_session()
    return render_template(
        "index.html",
        entries=_count(session, JournalEntry),
        accounts=_count(session, Account),
        activities=_count(session, Activity),
    )


def _count(session: Session, model: type[Base]) -> int:
    """Rows in the model's table: one COUNT, whatever the size."""
    return session.scalar(select(func.count()).select_from(model)) or 0
