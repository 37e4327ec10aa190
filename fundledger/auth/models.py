"""Users, their roles, their server-side sessions, and the sign-in throttle."""

from __future__ import annotations

import datetime as dt
from enum import StrEnum

from sqlalchemy import (
    BigInteger,
    Boolean,
    CheckConstraint,
    DateTime,
    ForeignKey,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from fundledger.db import Base


class Role(StrEnum):
    """What a user does (DESIGN §2)."""

    SECRETARIAT = "secretariat"
    CAJP = "cajp"
    DONOR = "donor"
    AUDITOR = "auditor"
    ADMIN = "admin"


#: Roles whose sign-in needs a time-based one-time code as well as the password.
SECOND_FACTOR_ROLES = frozenset({Role.SECRETARIAT, Role.CAJP, Role.ADMIN})

_ROLE_NAMES = ", ".join(f"'{role.value}'" for role in Role)


class User(Base):
    __tablename__ = "users"
    __table_args__ = (
        CheckConstraint("language IN ('en', 'es', 'fr', 'pt')", name="language_known"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    #: Lower-cased; what the user signs in with.
    email: Mapped[str] = mapped_column(String(254), unique=True)
    name: Mapped[str] = mapped_column(Text)
    #: The one donor a ``donor`` login may see; none for every other role.
    donor_id: Mapped[int | None] = mapped_column(
        ForeignKey("donors.id", ondelete="RESTRICT"), index=True
    )
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    #: An argon2id hash; none until the user sets a password through a setup link.
    password_hash: Mapped[str | None] = mapped_column(Text)
    password_changed_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    #: Base32 TOTP secret once the user has enrolled an authenticator app.
    totp_secret: Mapped[str | None] = mapped_column(String(64))
    #: The last 30-second step whose code was accepted: a code is never accepted twice.
    totp_last_step: Mapped[int | None] = mapped_column(BigInteger)
    #: SHA-256 of the one-time setup link's token (the token itself is never stored).
    setup_token_hash: Mapped[str | None] = mapped_column(String(64), unique=True)
    setup_token_expires_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    created_by: Mapped[str] = mapped_column(Text)
    #: The language the user's invitation and setup-link mail is written in (revision
    #: 0027): a donor login starts in its donor's, everyone else in English.
    language: Mapped[str] = mapped_column(String(2), default="en", server_default="en")

    role_rows: Mapped[list[UserRole]] = relationship(
        cascade="all, delete-orphan", lazy="selectin", order_by="UserRole.role"
    )

    @property
    def roles(self) -> frozenset[Role]:
        return frozenset(Role(row.role) for row in self.role_rows)

    @property
    def needs_second_factor(self) -> bool:
        """A code is asked for the three deciding roles, and for anyone who enrolled."""
        return bool(self.roles & SECOND_FACTOR_ROLES) or self.totp_secret is not None


class UserRole(Base):
    __tablename__ = "user_roles"
    __table_args__ = (CheckConstraint(f"role IN ({_ROLE_NAMES})", name="role_known"),)

    user_id: Mapped[int] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), primary_key=True
    )
    role: Mapped[str] = mapped_column(String(20), primary_key=True)


class SessionEnd(StrEnum):
    """Why a session stopped being valid."""

    LOGOUT = "logout"
    EXPIRED = "expired"
    PASSWORD_CHANGED = "password_changed"  # noqa: S105 - a reason, not a password
    PASSWORD_RESET = "password_reset"  # noqa: S105 - a reason, not a password
    TWO_FACTOR_RESET = "two_factor_reset"
    DEACTIVATED = "deactivated"


_END_NAMES = ", ".join(f"'{end.value}'" for end in SessionEnd)


class UserSession(Base):
    """A signed-in browser. The cookie carries a random token; this row decides whether
    it is still good, so signing out anywhere ends it on the server."""

    __tablename__ = "user_sessions"
    __table_args__ = (
        CheckConstraint(f"end_reason IN ({_END_NAMES})", name="end_reason_known"),
        CheckConstraint("(ended_at IS NULL) = (end_reason IS NULL)", name="ended_with_reason"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    #: SHA-256 of the token in the browser's cookie.
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    started_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    #: Refreshed at most once per SESSION_TOUCH_INTERVAL; the idle timeout counts from it.
    last_seen_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    ended_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    end_reason: Mapped[str | None] = mapped_column(String(20))
    address: Mapped[str | None] = mapped_column(String(45))

    user: Mapped[User] = relationship(lazy="joined", innerjoin=True)


class ThrottleScope(StrEnum):
    #: One account tried from one client address.
    PAIR = "pair"
    #: Every account tried from one client address.
    ADDRESS = "address"


class LoginThrottle(Base):
    """Failed sign-ins counted per (account, address) and per address.

    Past a few failures each new one doubles the wait before the next attempt from that
    address; the account itself is never locked, so its owner elsewhere still gets in.
    """

    __tablename__ = "login_throttles"
    __table_args__ = (
        UniqueConstraint("scope", "key"),
        CheckConstraint("scope IN ('pair', 'address')", name="scope_known"),
        CheckConstraint("failures >= 0", name="failures_not_negative"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    scope: Mapped[str] = mapped_column(String(10))
    #: SHA-256 of the address, or of the email and address: no typed email is kept here.
    key: Mapped[str] = mapped_column(String(64))
    failures: Mapped[int] = mapped_column(Integer)
    last_failure_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    #: No attempt is checked before this moment.
    blocked_until: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))


class TokenScope(StrEnum):
    """What an API token may do; within it, the user's roles still decide."""

    READ = "read"
    READ_WRITE = "read write"


_SCOPE_NAMES = ", ".join(f"'{scope.value}'" for scope in TokenScope)


class ApiToken(Base):
    """A user's token for the JSON API (``Authorization: Bearer …``). Only its SHA-256
    digest is kept (see :mod:`fundledger.auth.tokens`); the user sees the token once."""

    __tablename__ = "api_tokens"
    __table_args__ = (
        CheckConstraint(f"scope IN ({_SCOPE_NAMES})", name="scope_known"),
        CheckConstraint("(revoked_at IS NULL) = (revoked_by IS NULL)", name="revoked_by_whom"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(80))
    scope: Mapped[str] = mapped_column(String(20))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    created_by: Mapped[str] = mapped_column(Text)
    #: None: the token never expires.
    expires_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    #: Written at most once a minute (as a session's last-seen time).
    last_used_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    revoked_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    revoked_by: Mapped[str | None] = mapped_column(Text)

    user: Mapped[User] = relationship(lazy="joined", innerjoin=True)

    @property
    def writes(self) -> bool:
        return self.scope == TokenScope.READ_WRITE


class ApiRequest(Base):
    """A write through the API under its ``Idempotency-Key``: the digest of what was
    asked and the answer given, so a retry gets the same answer and posts nothing, and
    the key reused for something else is refused (409)."""

    __tablename__ = "api_requests"
    __table_args__ = (UniqueConstraint("user_id", "key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    key: Mapped[str] = mapped_column(String(200))
    #: SHA-256 of the method, the path and the body as parsed (key order ignored).
    request_digest: Mapped[str] = mapped_column(String(64))
    status: Mapped[int] = mapped_column(Integer)
    #: The JSON answer, as sent.
    response: Mapped[str] = mapped_column(Text)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
