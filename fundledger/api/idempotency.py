"""A write through the API happens once per ``Idempotency-Key``.

The first request with a key claims it (a row of ``api_requests``, unique per user and
key) in the write's own transaction, carries the write out and keeps its answer; a
retry with the same key and the same request gets that answer again and writes
nothing; the key reused for another request is refused (409). A refused write keeps
no claim (its transaction is rolled back), so it may be sent again once corrected.
Concurrent retries: the second claim waits on the first's unique key, fails once the
first commits, and answers with what the first kept. The ledger's own idempotency key
(``api:<user>:<key>``) is given to the service too, which guards the same way.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from typing import Any

from flask import Response, abort, current_app, request
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from fundledger.auth import sessions
from fundledger.auth.models import ApiRequest
from fundledger.inputs import text_problem
from fundledger.web.database import db_session
from fundledger.web.i18n import _

HEADER = "Idempotency-Key"
MAX_KEY = 120

#: Carries the write out, given the ledger's idempotency key; the answer's JSON body.
Write = Callable[[str], dict[str, Any]]


def once(write: Write, status: int = 201) -> Response:
    """``write`` carried out at most once for this caller's ``Idempotency-Key``."""
    key = (request.headers.get(HEADER) or "").strip()
    if not key or len(key) > MAX_KEY or text_problem(key):
        abort(400, description=_(
            "Send an Idempotency-Key header of 1 to %(n)s printable characters: the same "
            "key for a retry, a new one for each new request.", n=MAX_KEY))  # fmt: skip
    caller = sessions.current()
    if caller is None:  # the access gate lets no anonymous request reach a write
        raise RuntimeError("an API write ran without a caller")
    digest = _digest()
    db = db_session()
    kept = _kept(db, caller.id, key)
    if kept is None:
        claim = ApiRequest(user_id=caller.id, key=key, request_digest=digest, status=status,
                           response="", created_at=sessions.now())  # fmt: skip
        try:
            with db.begin_nested():
                db.add(claim)
                db.flush()
        except IntegrityError:  # a concurrent request with this key committed first
            kept = _kept(db, caller.id, key)
        else:
            claim.response = json.dumps(write(f"api:{caller.id}:{key}"))
            db.commit()
            return _answer(claim)
    if kept is None or kept.request_digest != digest:
        abort(409, description=_(
            "This Idempotency-Key was used for another request; use a new key for a new "
            "request."))  # fmt: skip
    return _answer(kept)


def _kept(db: Session, user_id: int, key: str) -> ApiRequest | None:
    return db.scalar(select(ApiRequest).filter_by(user_id=user_id, key=key))


def _digest() -> str:
    """The request, as what it asks: method, path and body (the order of keys aside)."""
    body = request.get_json(silent=True)
    text = json.dumps([request.method, request.path, body], sort_keys=True)
    return hashlib.sha256(text.encode()).hexdigest()


def _answer(kept: ApiRequest) -> Response:
    return current_app.response_class(
        kept.response, status=kept.status, mimetype="application/json"
    )
