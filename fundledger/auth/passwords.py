"""Password hashing (argon2id, memory-hard), the password policy, one-time codes, tokens."""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import secrets
from collections.abc import Mapping
from typing import Any

import pyotp
from argon2 import PasswordHasher, profiles
from argon2.exceptions import InvalidHashError, VerificationError

from fundledger.auth.errors import WeakPassword
from fundledger.i18n import N_

MIN_LENGTH = 12
#: Longer input is refused before hashing: argon2 costs grow with it.
MAX_LENGTH = 1024
#: Accepted TOTP codes may be one 30-second step early or late (clock drift).
TOTP_DRIFT_STEPS = 1
ISSUER = "fundledger"


class Passwords:
    """Hashes and verifies passwords with the configured argon2id parameters."""

    def __init__(self, *, time_cost: int, memory_cost: int, parallelism: int) -> None:
        self._hasher = PasswordHasher(
            time_cost=time_cost, memory_cost=memory_cost, parallelism=parallelism
        )
        #: A hash nobody knows the password of, so unknown emails cost the same time.
        #: Made now, not at the first unknown email: that one would take twice as long.
        self.decoy = self._hasher.hash(secrets.token_urlsafe(32))

    @classmethod
    def from_config(cls, config: Mapping[str, Any]) -> Passwords:
        """ARGON2_TIME_COST / ARGON2_MEMORY_COST (KiB) / ARGON2_PARALLELISM; RFC 9106's
        low-memory profile by default, the cheapest legal parameters when TESTING."""
        default = profiles.RFC_9106_LOW_MEMORY
        if config.get("TESTING"):
            default = profiles.CHEAPEST
        return cls(
            time_cost=int(config.get("ARGON2_TIME_COST", default.time_cost)),
            memory_cost=int(config.get("ARGON2_MEMORY_COST", default.memory_cost)),
            parallelism=int(config.get("ARGON2_PARALLELISM", default.parallelism)),
        )

    def hash(self, password: str) -> str:
        check_policy(password)
        return self._hasher.hash(password)

    def verify(self, password_hash: str | None, password: str) -> bool:
        """Whether ``password`` matches; takes as long for a user without a password."""
        if len(password) > MAX_LENGTH:
            return False
        try:
            return self._hasher.verify(password_hash or self.decoy, password)
        except (VerificationError, InvalidHashError):
            return False

    def needs_rehash(self, password_hash: str) -> bool:
        return self._hasher.check_needs_rehash(password_hash)

    def rehash(self, password: str) -> str:
        """A fresh hash of a password that was just verified (the policy may have grown)."""
        return self._hasher.hash(password)


def check_policy(password: str) -> None:
    if len(password) < MIN_LENGTH:
        raise WeakPassword(
            N_("A password needs at least %(count)s characters."), count=MIN_LENGTH
        )
    if len(password) > MAX_LENGTH:
        raise WeakPassword(
            N_("A password may have at most %(count)s characters."), count=MAX_LENGTH
        )
    if not password.strip():
        raise WeakPassword(N_("A password cannot be only spaces."))


def new_token() -> str:
    """A random token for a cookie or a link (256 bits)."""
    return secrets.token_urlsafe(32)


def token_digest(token: str) -> str:
    """What is stored for a token: a leaked table gives no usable session or link."""
    return hashlib.sha256(token.encode()).hexdigest()


def new_totp_secret() -> str:
    return pyotp.random_base32()


def totp_uri(secret: str, email: str) -> str:
    """The ``otpauth://`` URI an authenticator app reads."""
    return pyotp.TOTP(secret).provisioning_uri(name=email, issuer_name=ISSUER)


def totp_step(secret: str, code: str, at: dt.datetime) -> int | None:
    """The time step ``code`` is valid for around ``at``, or none if it matches no step."""
    code = "".join(code.split())
    if not (code.isascii() and code.isdigit()):
        return None
    totp = pyotp.TOTP(secret)
    current = totp.timecode(at)
    for step in range(current - TOTP_DRIFT_STEPS, current + TOTP_DRIFT_STEPS + 1):
        if hmac.compare_digest(totp.generate_otp(step), code):
            return step
    return None
