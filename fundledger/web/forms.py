"""Form pieces every area shares: repeated rows with a cap."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from flask import abort
from wtforms import FieldList

from fundledger.web.i18n import _

#: The most digits a row's number may have: a browser numbers rows 0, 1, 2…; a longer
#: number is not one of this list's rows (and int() refuses one past 4,300 digits).
_ROW_NUMBER_DIGITS = 6


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
