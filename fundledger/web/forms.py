"""Form pieces every area shares: repeated rows with a cap, and forms that post once."""

from __future__ import annotations

import hashlib
import hmac
import re
import uuid
from collections.abc import Iterator, Sequence
from typing import Any

from flask import abort, current_app
from flask_wtf import FlaskForm
from wtforms import FieldList, HiddenField, ValidationError

from fundledger.auth.sessions import request_actor
from fundledger.web.i18n import _, _l

#: The most digits a row's number may have: a browser numbers rows 0, 1, 2…; a longer
#: number is not one of this list's rows (and int() refuses one past 4,300 digits).
_ROW_NUMBER_DIGITS = 6
_NONCE = re.compile(r"[0-9a-f]{32}")


class RowList(FieldList):
    """Repeated rows (WTForms' FieldList) with at most ``max_entries`` of them.

    A post with more rows is refused (413, with the reason) as the form is built, after
    counting the rows' numbers in the request's keys and before building a single row:
    a row is a whole subform, so 100,000 posted rows took minutes; WTForms' own
    ``max_entries`` would quietly drop the rows past the cap instead.
    """

    def __init__(self, *args: Any, max_entries: int, **kwargs: Any) -> None:
        super().__init__(*args, max_entries=max_entries, **kwargs)

    def process(self, formdata: Any, *args: Any, **kwargs: Any) -> None:
        if formdata:
            rows = len(set(self._extract_indices(self.name, formdata)))
            if rows > self.max_entries:
                abort(
                    413,
                    description=_(
                        "The form sent %(rows)s rows of “%(field)s”; at most %(most)s are "
                        "accepted.",
                        rows=rows,
                        field=self.label.text,
                        most=self.max_entries,
                    ),
                )
        super().process(formdata, *args, **kwargs)

    def _extract_indices(self, prefix: str, formdata: Any) -> Iterator[int]:
        """The row numbers in ``formdata``'s keys (``lines-3-amount`` → 3), as WTForms
        reads them, but only ASCII digits of a sane length."""
        offset = len(prefix) + 1
        for key in formdata:
            if key.startswith(prefix):
                number = key[offset:].split(self._field_separator, 1)[0]
                if number.isascii() and number.isdigit() and len(number) <= _ROW_NUMBER_DIGITS:
                    yield int(number)


class PostsOnce(FlaskForm):
    """A form that posts money or another once-only change: sent twice (a double click, a
    retry after a timeout), it records once, and only where and by whom it was issued.

    Each page carries a fresh ``attempt`` token: a nonce with an HMAC (the app's secret
    key) over what the form ``posts``, its ``scope`` (the object in the URL: a donor, a
    pledge, an allocation), the signed-in user and the nonce. A post without a valid token
    is refused and the form comes back with a fresh one. With one, the nonce and a digest
    of what was typed make the operation's idempotency key: the operation finds the
    journal entry an earlier post with that key made and answers with what it recorded,
    and a changed form is a new entry.
    """

    #: What the form records; part of what its token is signed for.
    posts = ""
    attempt = HiddenField(_l("Form token"))

    def __init__(self, *args: Any, scope: Sequence[str | int], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.scope = (*(str(part) for part in scope), request_actor().name)
        if self.attempt.raw_data is None:  # not read from a request: a form to show
            self.attempt.data = self._token(uuid.uuid4().hex)

    def _token(self, nonce: str) -> str:
        message = "\0".join(("fundledger.attempt", self.posts, *self.scope, nonce))
        secret = current_app.secret_key
        key = secret.encode() if isinstance(secret, str) else bytes(secret or b"")
        return f"{nonce}.{hmac.new(key, message.encode(), 'sha256').hexdigest()[:32]}"

    def validate_attempt(self, field: HiddenField) -> None:
        token = field.data or ""
        nonce = token.partition(".")[0]
        if not (
            _NONCE.fullmatch(nonce)
            and hmac.compare_digest(token.encode(), self._token(nonce).encode())
        ):
            field.data = self._token(uuid.uuid4().hex)
            raise ValidationError(
                _l("This form was not issued on this page to this user, or it has lost its "
                   "token: check what it says and send it again.")
            )  # fmt: skip

    def idempotency_key(self) -> str:
        """The operation's key, once the form validated (so its token is genuine)."""
        typed = sorted(
            (name, str(value))
            for name, value in self.data.items()
            if name not in ("csrf_token", "submit", "attempt")
        )
        digest = hashlib.sha256(repr(typed).encode()).hexdigest()[:32]
        return f"web:{self.posts}:{self.attempt.data.partition('.')[0]}:{digest}"
