"""Per-user API tokens: issued and revoked by their user (or an admin, who makes read
tokens only), checked on every API request.

A token is 32 random bytes (:func:`~fundledger.auth.passwords.new_token`), shown once;
only its SHA-256 digest is stored. Unlike a password it has 256 bits of entropy, so a
fast hash is enough: nobody can guess it back from the digest, and checking a request
costs one indexed lookup instead of an argon2 computation. Every issue and revocation
is an audit event; no event holds a token or its digest.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.orm import Session

from fundledger.actors import Actor
from fundledger.audit.operations import record
from fundledger.auth.errors import InvalidToken
from fundledger.auth.models import ApiToken, TokenScope, User
from fundledger.auth.passwords import new_token, token_digest
from fundledger.auth.timing import as_utc
from fundledger.errors import NotAllowed, NotFound
from fundledger.i18n import N_

#: What a token starts with, so a leaked one is recognisable (and greppable) as ours.
PREFIX = "fl_"
#: The longest lifetime a token may be given, in days.
MAX_DAYS = 366
#: A token's last-used time is written at most this often.
TOUCH_INTERVAL = dt.timedelta(seconds=60)


def issue_token(
    session: Session,
    actor: Actor,
    user: User,
    *,
    name: str,
    scope: str,
    days: int | None,
    now: dt.datetime,
) -> tuple[ApiToken, str]:
    """A new token of ``user``, valid ``days`` days (none: until revoked). Returns the
    row and the token itself, which nothing keeps: show it once."""
    name = " ".join(name.split())
    if not 0 < len(name) <= 80:
        raise InvalidToken(N_("Give the token a name of at most 80 characters."))
    if scope not in set(TokenScope):
        raise InvalidToken(N_("A token's scope is read, or read and write."))
    if scope == TokenScope.READ_WRITE and actor.name != user.email:
        # Writes through it are recorded under the user's name: only they may ask for that.
        raise NotAllowed(
            N_("Only its user may give a token write access; an admin makes read tokens.")
        )
    if days is not None and not 0 < days <= MAX_DAYS:
        raise InvalidToken(N_("A token lasts from 1 to 366 days, or until it is revoked."))
    secret = PREFIX + new_token()
    token = ApiToken(
        user_id=user.id, name=name, scope=scope, token_hash=token_digest(secret),
        created_at=now, created_by=actor.name,
        expires_at=None if days is None else now + dt.timedelta(days=days),
    )  # fmt: skip
    session.add(token)
    session.flush()
    record(
        session, actor, "api_token.issued", "api_token", token.id,
        after={"user": user.email, "name": name, "scope": scope,
               "expires_at": None if token.expires_at is None else token.expires_at.isoformat()},
    )  # fmt: skip
    return token, secret


def revoke_token(session: Session, actor: Actor, token: ApiToken, *, now: dt.datetime) -> None:
    """The token stops working at once; revoking it again changes nothing."""
    if token.revoked_at is not None:
        return
    token.revoked_at, token.revoked_by = now, actor.name
    session.flush()
    record(
        session, actor, "api_token.revoked", "api_token", token.id,
        before={"user": token.user.email, "name": token.name}, after={"revoked": True},
    )  # fmt: skip


def live_token(session: Session, secret: str, *, now: dt.datetime) -> ApiToken | None:
    """The token a request presents, if it is known, not revoked, not expired, and its
    user still active; none otherwise (the caller answers 401 without saying which)."""
    if not secret.startswith(PREFIX) or len(secret) > 100:
        return None
    token = session.scalar(select(ApiToken).where(ApiToken.token_hash == token_digest(secret)))
    if token is None or token.revoked_at is not None or not token.user.active:
        return None
    if token.expires_at is not None and as_utc(token.expires_at) <= now:
        return None
    return token


def needs_touch(token: ApiToken, now: dt.datetime) -> bool:
    """Whether the token's last-used time is due to be written (see :func:`touch`)."""
    return token.last_used_at is None or now - as_utc(token.last_used_at) >= TOUCH_INTERVAL


def touch(session: Session, token_id: int, *, now: dt.datetime) -> None:
    """Note that the token was used (callers ask :func:`needs_touch` first)."""
    session.get_one(ApiToken, token_id).last_used_at = now
    session.flush()


def tokens_of(session: Session, user: User) -> Sequence[ApiToken]:
    """A user's tokens, newest first, revoked ones too (the page shows when)."""
    query = select(ApiToken).where(ApiToken.user_id == user.id)
    return session.scalars(query.order_by(ApiToken.created_at.desc(), ApiToken.id.desc())).all()


def token_of(session: Session, user: User, token_id: int) -> ApiToken:
    """One of ``user``'s tokens; another user's reads as missing."""
    token = session.get(ApiToken, token_id) if token_id <= 2**31 - 1 else None
    if token is None or token.user_id != user.id:
        raise NotFound(N_("There is no such token."))
    return token
