"""Readers for users and sessions."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import func, select
from sqlalchemy.orm import Session, joinedload

from fundledger.auth.models import Role, User, UserRole, UserSession
from fundledger.donors.models import Donor


def user_by_email(session: Session, email: str) -> User | None:
    return session.scalar(select(User).where(User.email == email.strip().lower()))


def user_by_id(session: Session, user_id: int) -> User | None:
    return session.get(User, user_id)


def user_by_setup_token(session: Session, digest: str) -> User | None:
    return session.scalar(select(User).where(User.setup_token_hash == digest))


def users(session: Session) -> Sequence[User]:
    return session.scalars(select(User).order_by(User.email)).all()


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


def donor_by_code(session: Session, code: str) -> Donor | None:
    return session.scalar(select(Donor).where(Donor.code == code.strip()))


def donors(session: Session) -> Sequence[Donor]:
    return session.scalars(select(Donor).order_by(Donor.code)).all()


def donor_codes(session: Session, ids: set[int]) -> dict[int, str]:
    if not ids:
        return {}
    rows = session.execute(select(Donor.id, Donor.code).where(Donor.id.in_(ids)))
    return {donor_id: code for donor_id, code in rows}
