"""Writers for users, passwords, second factors and sessions.

Each takes plain values and the :class:`~fundledger.actors.Actor`, flushes, and leaves
the commit to the caller. Every change to a user, a role, a password or a session is
an audit event; no event ever holds a password, a hash, a secret or a token.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Collection
from dataclasses import replace
from typing import Any

from sqlalchemy import or_, update
from sqlalchemy.orm import Session

from fundledger.actors import Actor
from fundledger.audit.operations import record
from fundledger.auth import queries, throttle
from fundledger.auth.errors import (
    AccountInactive,
    EmailTaken,
    InvalidUser,
    LastAdmin,
    SetupLinkInvalid,
    Throttled,
    WeakPassword,
    WrongCode,
    WrongCredentials,
    WrongPassword,
)
from fundledger.auth.models import Role, SessionEnd, User, UserRole, UserSession
from fundledger.auth.passwords import Passwords, new_token, token_digest, totp_step
from fundledger.auth.throttle import ThrottlePolicy
from fundledger.auth.timing import as_utc
from fundledger.donors.models import Donor
from fundledger.errors import Message
from fundledger.i18n import LANGUAGES, N_, SOURCE_LANGUAGE

#: Duties that one person may not hold together (DESIGN §2: who proposes, who decides,
#: who checks).
_SEPARATE_DUTIES = frozenset({Role.SECRETARIAT, Role.CAJP, Role.AUDITOR})
_EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+")


# --- users ----------------------------------------------------------------------------


def create_user(
    session: Session,
    actor: Actor,
    *,
    email: str,
    name: str,
    roles: Collection[Role | str],
    donor: Donor | None = None,
    language: str | None = None,
    now: dt.datetime,
) -> User:
    """A new, active user without a password (set one, or issue a setup link), whose
    mail is in ``language``: unless given, a donor login's donor's, else English."""
    email = normalise_email(email)
    if queries.user_by_email(session, email) is not None:
        raise EmailTaken(email)
    granted = _checked_roles(roles, donor)
    if language is None:
        language = SOURCE_LANGUAGE if donor is None else donor.language
    user = User(
        email=email,
        name=_checked_name(name),
        donor_id=None if donor is None else donor.id,
        language=_checked_language(language),
        active=True,
        created_at=now,
        created_by=actor.name,
        role_rows=[UserRole(role=role) for role in sorted(granted)],
    )
    session.add(user)
    session.flush()
    record(session, actor, "user.created", "user", user.id, after=_fields(user))
    return user


def update_user(
    session: Session,
    user: User,
    actor: Actor,
    *,
    name: str,
    roles: Collection[Role | str],
    donor: Donor | None,
    active: bool,
    language: str | None = None,
    now: dt.datetime,
) -> None:
    """Change a user's name, roles, donor, language or active flag; each kind of change
    is its own audit event, and deactivating ends every session the user has."""
    granted = _checked_roles(roles, donor)
    name = _checked_name(name)
    language = user.language if language is None else _checked_language(language)
    was_admin = user.active and Role.ADMIN in user.roles
    if was_admin and not (active and Role.ADMIN in granted) and queries.active_admins(session) <= 1:
        raise LastAdmin()

    before = _fields(user)
    if granted != user.roles:
        kept = [row for row in user.role_rows if row.role in granted]
        added = [UserRole(role=role) for role in sorted(granted - user.roles)]
        user.role_rows = kept + added
        session.flush()
        record(
            session,
            actor,
            "user.roles_changed",
            "user",
            user.id,
            before={"roles": before["roles"]},
            after={"roles": sorted(granted)},
        )
    new_donor_id = None if donor is None else donor.id
    if name != user.name or new_donor_id != user.donor_id or language != user.language:
        after = {"name": name, "donor_id": new_donor_id}
        if language != user.language:
            after["language"] = language
        user.name, user.donor_id, user.language = name, new_donor_id, language
        session.flush()
        record(
            session,
            actor,
            "user.updated",
            "user",
            user.id,
            before={key: before[key] for key in after},
            after=after,
        )
    if active != user.active:
        user.active = active
        if not active:
            end_sessions(session, user, SessionEnd.DEACTIVATED, now=now)
        session.flush()
        record(
            session,
            actor,
            "user.activated" if active else "user.deactivated",
            "user",
            user.id,
            before={"active": not active},
            after={"active": active},
        )


def normalise_email(email: str) -> str:
    email = email.strip().lower()
    if len(email) > 254 or not _EMAIL.fullmatch(email):
        raise InvalidUser(N_("“%(email)s” is not an email address."), email=email[:60])
    return email


def _checked_name(name: str) -> str:
    name = " ".join(name.split())
    if not name:
        raise InvalidUser(N_("A user needs a name."))
    return name


def _checked_language(language: str) -> str:
    if language not in LANGUAGES:
        raise InvalidUser(
            N_("“%(language)s” is not a language; they are %(languages)s."),
            language=language[:20], languages=", ".join(LANGUAGES),
        )  # fmt: skip
    return language


def _checked_roles(roles: Collection[Role | str], donor: Donor | None) -> frozenset[Role]:
    try:
        granted = frozenset(Role(role) for role in roles)
    except ValueError:
        unknown = next(str(role) for role in roles if role not in set(Role))
        raise InvalidUser(
            N_("“%(role)s” is not a role; the roles are %(roles)s."),
            role=unknown[:20], roles=", ".join(Role),
        ) from None  # fmt: skip
    if not granted:
        raise InvalidUser(N_("A user needs at least one role."))
    if Role.DONOR in granted and len(granted) > 1:
        raise InvalidUser(N_("A donor login cannot hold any other role."))
    duties = granted & _SEPARATE_DUTIES
    if len(duties) > 1:
        *others, last = sorted(duties)
        both: Message | str = last
        for duty in reversed(others):
            both = Message(N_("%(first)s and %(rest)s"), {"first": duty, "rest": both})
        raise InvalidUser(
            N_("One person cannot be both %(duties)s: those duties are kept apart."), duties=both
        )
    if Role.DONOR in granted and donor is None:
        raise InvalidUser(N_("A donor login must be tied to a donor."))
    if Role.DONOR not in granted and donor is not None:
        raise InvalidUser(N_("Only a donor login is tied to a donor."))
    return granted


def _fields(user: User) -> dict[str, Any]:
    """What the audit log keeps of a user: never the password hash or the secrets."""
    return {
        "email": user.email,
        "name": user.name,
        "roles": sorted(user.roles),
        "donor_id": user.donor_id,
        "language": user.language,
        "active": user.active,
    }


# --- passwords ------------------------------------------------------------------------


def set_password(
    session: Session,
    user: User,
    password: str,
    actor: Actor,
    *,
    passwords: Passwords,
    now: dt.datetime,
) -> None:
    """Set a new password; the setup link and every session of the user end with it."""
    user.password_hash = passwords.hash(password)
    user.password_changed_at = now
    user.setup_token_hash = None
    user.setup_token_expires_at = None
    end_sessions(session, user, SessionEnd.PASSWORD_CHANGED, now=now)
    session.flush()
    record(session, actor, "user.password_set", "user", user.id)


def change_password(
    session: Session,
    user: User,
    current: str,
    new: str,
    actor: Actor,
    *,
    passwords: Passwords,
    policy: ThrottlePolicy,
    now: dt.datetime,
) -> None:
    """The user's own change, proving the current password first. A wrong current
    password counts against the sign-in throttle (recorded before it is raised), so a
    stolen session cannot be used to guess it at leisure."""
    throttle.check(session, user.email, actor.address, now=now, policy=policy)
    if not passwords.verify(user.password_hash, current):
        throttle.record_failure(session, user.email, actor.address, now=now, policy=policy)
        raise WrongPassword()
    if new == current:
        raise WeakPassword(N_("The new password must differ from the current one."))
    set_password(session, user, new, actor, passwords=passwords, now=now)


def issue_setup_link(
    session: Session, user: User, actor: Actor, *, now: dt.datetime, lifetime: dt.timedelta
) -> str:
    """A one-time token for the user to set a password; only its digest is stored.
    A new link replaces any earlier one."""
    token = new_token()
    user.setup_token_hash = token_digest(token)
    user.setup_token_expires_at = now + lifetime
    session.flush()
    record(
        session,
        actor,
        "user.setup_link_issued",
        "user",
        user.id,
        after={"expires_at": user.setup_token_expires_at},
    )
    return token


def reset_password(
    session: Session, user: User, actor: Actor, *, now: dt.datetime, lifetime: dt.timedelta
) -> str:
    """An admin's reset: the old password stops working, every session ends, and the
    user gets a new setup link (returned, to hand over)."""
    user.password_hash = None
    user.password_changed_at = now
    end_sessions(session, user, SessionEnd.PASSWORD_RESET, now=now)
    session.flush()
    record(session, actor, "user.password_reset", "user", user.id)
    return issue_setup_link(session, user, actor, now=now, lifetime=lifetime)


def use_setup_link(
    session: Session,
    token: str,
    password: str,
    actor: Actor,
    *,
    passwords: Passwords,
    now: dt.datetime,
) -> User:
    """Set the password a setup link was issued for; the link is then spent, by one
    conditional UPDATE, so of two requests with the same link only one sets a password."""
    user = setup_link_user(session, token, now=now)
    if not _changed(
        session,
        user,
        User.setup_token_hash == token_digest(token),
        setup_token_hash=None,
        setup_token_expires_at=None,
    ):
        raise SetupLinkInvalid()
    set_password(
        session, user, password, replace(actor, name=user.email), passwords=passwords, now=now
    )
    return user


def setup_link_user(session: Session, token: str, *, now: dt.datetime) -> User:
    """The user a setup link is for, if it is still good."""
    user = queries.user_by_setup_token(session, token_digest(token))
    if (
        user is None
        or not user.active
        or user.setup_token_expires_at is None
        or as_utc(user.setup_token_expires_at) <= now
    ):
        raise SetupLinkInvalid()
    return user


# --- signing in -----------------------------------------------------------------------


def check_password(
    session: Session,
    email: str,
    password: str,
    actor: Actor,
    *,
    passwords: Passwords,
    policy: ThrottlePolicy,
    now: dt.datetime,
) -> User:
    """The first step of signing in. A refusal is recorded (audit event, throttle
    counter) before it is raised: the caller commits it."""
    email = email.strip().lower()
    try:
        throttle.check(session, email, actor.address, now=now, policy=policy)
    except Throttled:
        _login_failed(session, actor, email, None, "throttled")
        raise
    user = queries.user_by_email(session, email)
    password_hash = None if user is None else user.password_hash
    # Verified even for an unknown email (against a decoy), so both take as long.
    verified = passwords.verify(password_hash, password)
    if user is None or password_hash is None or not verified:
        throttle.record_failure(session, email, actor.address, now=now, policy=policy)
        reason = "unknown_email" if user is None else "wrong_password"
        _login_failed(session, actor, email, user, reason)
        raise WrongCredentials()
    if not user.active:
        _login_failed(session, actor, email, user, "inactive")
        raise AccountInactive()
    if passwords.needs_rehash(password_hash):
        user.password_hash = passwords.rehash(password)
    return user


def check_code(
    session: Session,
    user: User,
    code: str,
    actor: Actor,
    *,
    policy: ThrottlePolicy,
    now: dt.datetime,
) -> None:
    """The second step: a current code that was not used before. Wrong codes count
    against the same throttle as wrong passwords. A code is spent by one conditional
    UPDATE, so of two requests with the same code only one passes, however they overlap."""
    try:
        throttle.check(session, user.email, actor.address, now=now, policy=policy)
    except Throttled:
        _login_failed(session, actor, user.email, user, "throttled")
        raise
    step = None if user.totp_secret is None else totp_step(user.totp_secret, code, now)
    if step is None or not _changed(
        session,
        user,
        or_(User.totp_last_step.is_(None), User.totp_last_step < step),
        totp_last_step=step,
    ):
        throttle.record_failure(session, user.email, actor.address, now=now, policy=policy)
        _login_failed(session, actor, user.email, user, "wrong_code")
        raise WrongCode()


def enrol_second_factor(
    session: Session, user: User, secret: str, code: str, actor: Actor, *, now: dt.datetime
) -> None:
    """Keep the authenticator secret once the user shows a code made from it."""
    step = totp_step(secret, code, now)
    # Of two browsers enrolling at once, the first keeps its secret; the other's code
    # is then for a secret that was not kept.
    if step is None or not _changed(
        session, user, User.totp_secret.is_(None), totp_secret=secret, totp_last_step=step
    ):
        raise WrongCode()
    record(session, actor, "user.totp_enrolled", "user", user.id)


def _changed(session: Session, user: User, condition: Any, **values: Any) -> bool:
    """Set ``values`` on the user's row if its stored state meets ``condition``, in one
    statement: PostgreSQL re-checks the condition after a concurrent change commits."""
    changed = session.execute(
        update(User)
        .where(User.id == user.id, condition)
        .values(**values)
        .returning(User.id)
        .execution_options(synchronize_session="fetch")
    )
    return changed.first() is not None


def reset_second_factor(session: Session, user: User, actor: Actor, *, now: dt.datetime) -> None:
    """An admin's reset after a lost phone: the user enrols again at the next sign-in."""
    user.totp_secret = None
    user.totp_last_step = None
    end_sessions(session, user, SessionEnd.TWO_FACTOR_RESET, now=now)
    session.flush()
    record(session, actor, "user.totp_reset", "user", user.id)


def _login_failed(
    session: Session, actor: Actor, email: str, user: User | None, reason: str
) -> None:
    record(
        session,
        actor,
        "user.login_failed",
        "user",
        "unknown" if user is None else user.id,
        after={"email": email[:254], "reason": reason},
    )


# --- sessions -------------------------------------------------------------------------


def start_session(
    session: Session, user: User, actor: Actor, *, policy: ThrottlePolicy, now: dt.datetime
) -> tuple[UserSession, str]:
    """A signed-in session for ``user``, and the token for the browser's cookie."""
    token = new_token()
    signed_in = UserSession(
        user_id=user.id,
        token_hash=token_digest(token),
        started_at=now,
        last_seen_at=now,
        address=None if actor.address is None else actor.address[:45],
    )
    session.add(signed_in)
    throttle.forget_pair(session, user.email, actor.address, policy)
    session.flush()
    record(session, replace(actor, name=user.email), "user.logged_in", "user", user.id)
    return signed_in, token


def end_session(
    session: Session, signed_in: UserSession, actor: Actor, *, now: dt.datetime
) -> None:
    """Sign out: the session is over on the server, whatever the browser keeps."""
    signed_in.ended_at = now
    signed_in.end_reason = SessionEnd.LOGOUT
    session.flush()
    record(session, actor, "user.logged_out", "user", signed_in.user_id)


def expire_session(session: Session, session_id: int, *, now: dt.datetime) -> None:
    _end(session, UserSession.id == session_id, SessionEnd.EXPIRED, now)


def touch_session(session: Session, session_id: int, *, now: dt.datetime) -> None:
    session.execute(
        update(UserSession)
        .where(UserSession.id == session_id, UserSession.ended_at.is_(None))
        .values(last_seen_at=now)
    )


def end_sessions(session: Session, user: User, reason: SessionEnd, *, now: dt.datetime) -> None:
    """End every session the user has open (password change, reset, deactivation)."""
    _end(session, UserSession.user_id == user.id, reason, now)


def _end(session: Session, which: Any, reason: SessionEnd, now: dt.datetime) -> None:
    session.execute(
        update(UserSession)
        .where(which, UserSession.ended_at.is_(None))
        .values(ended_at=now, end_reason=reason)
        .execution_options(synchronize_session="fetch")
    )
