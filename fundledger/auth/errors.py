"""Refusals of the accounts area; each message is what the person asking is shown."""

from __future__ import annotations

from fundledger.errors import FundledgerError, NotFound
from fundledger.i18n import N_


class SignInRefused(FundledgerError):
    """A sign-in attempt that did not succeed (recorded before it is raised)."""

    status = 401


class WrongCredentials(SignInRefused):
    def __init__(self) -> None:
        super().__init__(N_("The email or password is not right."))


class AccountInactive(SignInRefused):
    status = 403

    def __init__(self) -> None:
        super().__init__(N_("This account has been deactivated; ask an administrator."))


class WrongCode(SignInRefused):
    def __init__(self) -> None:
        super().__init__(
            N_(
                "That code is not right, or it was used already; "
                "enter the current code from your authenticator app."
            )
        )


class Throttled(SignInRefused):
    """Too many recent failures from this address; nothing was checked."""

    status = 429

    def __init__(self, retry_after: int) -> None:
        self.retry_after = retry_after
        if retry_after == 1:
            super().__init__(
                N_("Too many failed attempts from your address; try again in 1 second.")
            )
            return
        super().__init__(
            N_("Too many failed attempts from your address; try again in %(seconds)s seconds."),
            seconds=retry_after,
        )

    def headers(self) -> dict[str, str]:
        return {"Retry-After": str(self.retry_after)}


class WrongPassword(FundledgerError):
    """The current password given to change it was not right."""

    def __init__(self) -> None:
        super().__init__(N_("Your current password is not right."))


class WeakPassword(FundledgerError):
    """A new password that does not meet the policy."""


class InvalidUser(FundledgerError):
    """User details that cannot be saved: bad email, roles that may not be combined…"""


class EmailTaken(InvalidUser):
    def __init__(self, email: str) -> None:
        super().__init__(N_("There is already a user with the email %(email)s."), email=email)


class LastAdmin(FundledgerError):
    def __init__(self) -> None:
        super().__init__(N_("At least one active admin must remain; make another admin first."))


class UnknownUser(NotFound):
    pass


class SetupLinkInvalid(NotFound):
    def __init__(self) -> None:
        super().__init__(
            N_(
                "This setup link is not valid: it was used already, replaced, or has expired. "
                "Ask an administrator for a new one."
            )
        )


class InvalidToken(FundledgerError):
    """An API token that cannot be issued as asked (its name, scope or lifetime)."""
