"""Setup links sent by mail (issue 15, onboarding): a new user's invitation, or the
link after an admin's reset, written in the user's language (``User.language``).

The link is sent after the transaction that issued it commits, so the mail never
carries a link that does not work; its sending is then an audit event of its own, sent
or not, with the server's reason when not. A failed send loses nothing: the caller shows
the link, as it does when no server is configured.
"""

from __future__ import annotations

import datetime as dt
import logging
from email.message import EmailMessage

from sqlalchemy.orm import Session

from fundledger.actors import Actor
from fundledger.audit.operations import record
from fundledger.auth.models import User
from fundledger.i18n import N_, WEB, translations
from fundledger.mail import MailNotSent, MailSettings, message, send

_log = logging.getLogger(__name__)

SUBJECT_NEW = N_("Your fundledger account: set your password")
SUBJECT_RESET = N_("Your fundledger password was reset: set a new one")
OPENING_NEW = N_(
    "Hello %(name)s,\n\nAn account for %(email)s has been opened on fundledger, the ledger "
    "of the OAS Fund for the human rights of migrants."
)
OPENING_RESET = N_(
    "Hello %(name)s,\n\nThe password of %(email)s on fundledger has been reset; the old "
    "one no longer works."
)
INSTRUCTION = N_("Set your password with this link. It works once, until %(moment)s UTC:")
CLOSING = N_(
    "If you did not expect this message, do not use the link and tell the Fund's "
    "Secretariat."
)


def invitation(
    settings: MailSettings, user: User, link: str, *, new: bool, expires_at: dt.datetime
) -> EmailMessage:
    """The message carrying ``link`` to ``user``, in the user's language."""
    words = translations(WEB, user.language)
    values = {"name": user.name, "email": user.email,
              "moment": expires_at.strftime("%Y-%m-%d %H:%M")}  # fmt: skip
    opening = OPENING_NEW if new else OPENING_RESET
    body = "\n\n".join([
        words.gettext(opening) % values,
        words.gettext(INSTRUCTION) % values,
        link,
        words.gettext(CLOSING),
    ])  # fmt: skip
    subject = words.gettext(SUBJECT_NEW if new else SUBJECT_RESET)
    return message(settings, user.email, subject, body + "\n")


def mail_setup_link(
    session: Session,
    actor: Actor,
    user: User,
    link: str,
    *,
    new: bool,
    settings: MailSettings,
) -> bool:
    """Send ``user`` their setup link; whether it went. Either way an audit event says so
    (the link itself is never recorded); the caller commits it."""
    expires_at = user.setup_token_expires_at
    if expires_at is None:  # only ever called right after a link was issued
        raise ValueError(f"user {user.id} has no setup link to send")
    try:
        send(settings, invitation(settings, user, link, new=new, expires_at=expires_at))
    except MailNotSent as failure:
        _log.warning("setup link for user %s not mailed: %s", user.id, failure)
        record(session, actor, "user.setup_link_not_mailed", "user", user.id,
               after={"to": user.email, "reason": str(failure)})  # fmt: skip
        return False
    record(session, actor, "user.setup_link_mailed", "user", user.id,
           after={"to": user.email, "language": user.language})  # fmt: skip
    return True
