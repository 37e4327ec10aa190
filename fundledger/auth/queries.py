"""Readers for users and sessions."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session, joinedload

from fundledger.auth.models import Role, User, UserRole, UserSession
from fundledger.donors.models import Donor
from fundledger.listing import Columns, Sorts


def user_by_email(session: Session, email: str) -> User | None:
    return session.scalar(select(User).where(User.email == email.strip().lower()))


def user_by_id(session: Session, user_id: int) -> User | None:
    return session.get(User, user_id)


def user_by_setup_token(session: Session, digest: str) -> User | None:
    return session.scalar(select(User).where(User.setup_token_hash == digest))


#: How the user list may be sorted; each key ends on the (unique) email.
USER_SORTS: Sorts[Columns] = Sorts(
    {
        "email": (User.email,),
        "name": (func.lower(User.name), User.email),
        "status": (User.active, User.email),
    },
    default="email",
)


def users_query(
    *, text: str | None = None, role: str | None = None, active: bool | None = None
) -> Select[User]:
    """Users whose email or name contains ``text``, holding ``role``, active or not (each
    or all), in no order yet (see :data:`USER_SORTS`)."""
    query = select(User)
    if text:
        query = query.where(
            User.email.contains(text.lower(), autoescape=True)
            | func.lower(User.name).contains(text.lower(), autoescape=True)
        )
    if role:
        query = query.where(User.id.in_(select(UserRole.user_id).where(UserRole.role == role)))
    if active is not None:
        query = query.where(User.active.is_(active))
    return query


def live_session(session: Session, digest: str) -> UserSession | None:
    """The session a cookie's token names, with its user and roles, in one query;
    none if it was ended (its expiry is judged by the caller, who knows the time)."""
    query = (
        select(UserSession)
        .options(joinedload(UserSession.user).joinedload(User.role_rows))
        .where(UserSession.token_hash == digest, UserSession.ended_at.is_(None))
    )
    return session.scalars(query).unique().one_or_none()


def active_admins(session: Session) -> int:
    query = (
        select(func.count())
        .select_from(User)
        .join(UserRole)
        .where(User.active.is_(True), UserRole.role == Role.ADMIN)
    )
    return session.scalar(query) or 0


def donors(session: Session) -> Sequence[Donor]:
    return session.scalars(select(Donor).order_by(Donor.code)).all()

