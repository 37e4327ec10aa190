"""Manual journal vouchers: the JSON a user writes for ``fundledger entry post``.

    {"date": "2025-02-10", "memo": "Opening balance", "idempotency_key": "ob-2025",
     "lines": [{"account": "1010", "debit": "1000.00"},
               {"account": "3100", "credit": "1000.00", "donor": "MEX"}]}

Each line has exactly one of ``debit`` or ``credit`` (positive decimal strings), and
optionally ``donor`` (code), ``activity``, ``objective``, ``organ``, ``earmark``,
``currency`` with ``original_amount`` and ``rate``, and ``memo``.

Amounts and rates are JSON strings, never JSON numbers: most programs that write or read
JSON take a number for a binary float, and ``1e2`` is not how anyone checking a voucher
reads 100.00. A field given twice in one object is refused, not resolved to the last.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from sqlalchemy.orm import Session

from fundledger.errors import Message, english
from fundledger.i18n import N_
from fundledger.inputs import InvalidInput, parse_date, parse_id, text_problem
from fundledger.ledger import dimensions
from fundledger.ledger.errors import InvalidEntry, UnknownDimension
from fundledger.ledger.operations import Line
from fundledger.money import decimal_places, parse_decimal

_ENTRY_FIELDS = {"date", "memo", "kind", "source_ref", "idempotency_key", "lines"}
_LINE_FIELDS = {
    "account", "debit", "credit", "donor", "activity", "objective", "organ", "earmark",
    "currency", "original_amount", "rate", "memo",
}  # fmt: skip


@dataclass(frozen=True, slots=True)
class Voucher:
    entry_date: dt.date
    memo: str
    source_ref: str | None
    idempotency_key: str | None
    lines: list[Line]


def read_voucher(session: Session, content: bytes) -> Voucher:
    """Parse and check a voucher's form (a UTF-8 JSON file's bytes); the posting service
    checks the accounting."""
    try:
        text = content.decode("utf-8")
    except UnicodeDecodeError as error:
        raise InvalidEntry(
            N_("the voucher is not UTF-8 (byte %(byte)s at offset %(offset)s); save it as UTF-8"),
            byte=f"{content[error.start]:#04x}", offset=error.start,
        ) from None  # fmt: skip
    try:
        data = json.loads(
            text,
            object_pairs_hook=_fields_once,
            parse_float=Decimal,
            parse_int=Decimal,
            parse_constant=_refuse_constant,
        )
    except (json.JSONDecodeError, RecursionError) as error:  # RecursionError: nested too deep
        raise InvalidEntry(
            N_("the voucher is not valid JSON: %(error)s"), error=str(error)
        ) from error
    if not isinstance(data, dict):
        raise InvalidEntry(N_("the voucher must be a JSON object"))
    _no_unknown_fields(Message(N_("the voucher"), {}), data, _ENTRY_FIELDS)
    raw_lines = data.get("lines")
    if not isinstance(raw_lines, list) or not all(isinstance(x, dict) for x in raw_lines):
        raise InvalidEntry(N_('the voucher needs "lines": a list of objects'))
    return Voucher(
        entry_date=_date(data.get("date")),
        memo=_text(data, "memo", single_line=False) or "",
        source_ref=_text(data, "source_ref"),
        idempotency_key=_text(data, "idempotency_key"),
        lines=[_line(session, n, raw) for n, raw in enumerate(raw_lines, start=1)],
    )


def _refuse_constant(name: str) -> Any:
    raise InvalidEntry(N_("%(name)s is not an amount"), name=name)


def _fields_once(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    """A JSON object whose every field appears once: which of two debits would count?"""
    data: dict[str, Any] = {}
    for key, value in pairs:
        if key in data:
            raise InvalidEntry(
                N_("the voucher gives the field %(field)s twice in one object"),
                field=repr(key[:40]),
            )
        data[key] = value
    return data


def _line(session: Session, number: int, raw: Mapping[str, Any]) -> Line:
    where = Message(N_("line %(line)s"), {"line": number})
    _no_unknown_fields(where, raw, _LINE_FIELDS)
    if ("debit" in raw) == ("credit" in raw):
        raise InvalidEntry(N_('%(where)s: give exactly one of "debit" or "credit"'), where=where)
    side = "debit" if "debit" in raw else "credit"
    amount = _amount(where, side, raw[side])
    if amount <= 0:
        raise InvalidEntry(N_("%(where)s: %(field)s must be positive"), where=where, field=side)
    sign = 1 if side == "debit" else -1
    original = raw.get("original_amount")
    rate = raw.get("rate")
    return Line(
        account=str(_scalar(raw.get("account", ""), where)),
        amount=sign * amount,
        donor_id=_donor_id(session, where, raw.get("donor")),
        activity=_integer(where, "activity", raw.get("activity")),
        objective=_integer(where, "objective", raw.get("objective")),
        organ=_text(raw, "organ"),
        earmark=_text(raw, "earmark"),
        currency=_text(raw, "currency"),
        original_amount=None
        if original is None
        else sign * abs(_amount(where, "original_amount", original)),
        rate=None if rate is None else _amount(where, "rate", rate),
        memo=_text(raw, "memo", single_line=False),
    )


def _no_unknown_fields(where: Message, data: Mapping[str, Any], known: set[str]) -> None:
    unknown = sorted(set(data) - known)
    if unknown:
        raise InvalidEntry(
            N_("%(where)s: unknown field(s) %(fields)s"), where=where, fields=", ".join(unknown)
        )


def _amount(where: Message, key: str, value: Any) -> Decimal:
    """An amount or rate written as a JSON string; a JSON number is refused, saying
    which string to write instead."""
    if isinstance(value, Decimal):
        raise InvalidEntry(
            N_('%(where)s: %(field)s is the JSON number %(number)s; write it as a string: '
               '"%(string)s"'),
            where=where, field=key, number=str(value), string=_as_string(key, value),
        )  # fmt: skip
    if not isinstance(value, str):
        raise InvalidEntry(
            N_('%(where)s: %(field)s must be a string such as "100.00"'), where=where, field=key
        )
    return parse_decimal(_storable(value, where), what=f"{english(where)}: {key}")


def _as_string(key: str, number: Decimal) -> str:
    """How ``number`` reads as a voucher's string: amounts with their cents."""
    if not -20 < number.adjusted() < 20:  # far out of range: an example will do
        return "100.00"
    if key != "rate" and decimal_places(number) < 2:
        number = number.quantize(Decimal("0.01"))
    return f"{number:f}"


def _scalar(value: Any, where: Message) -> str | Decimal:
    if isinstance(value, str):
        return _storable(value, where)
    if isinstance(value, Decimal):
        return value
    raise InvalidEntry(
        N_("%(where)s: %(value)s should be a string or a number"), where=where, value=repr(value)
    )


def _text(data: Mapping[str, Any], key: str, *, single_line: bool = True) -> str | None:
    value = data.get(key)
    if value is None:
        return None
    if not isinstance(value, str):
        raise InvalidEntry(N_('"%(field)s" must be a string'), field=key)
    return _storable(value, f'"{key}"', single_line=single_line)


def _storable(value: str, where: Message | str, *, single_line: bool = True) -> str:
    problem = text_problem(value, single_line=single_line)
    if problem is not None:
        raise InvalidEntry(
            N_("%(where)s %(value)s %(problem)s"),
            where=where, value=repr(value[:40]), problem=problem,
        )  # fmt: skip
    return value


def _date(value: Any) -> dt.date:
    if not isinstance(value, str):
        raise InvalidEntry(N_('the voucher needs "date": "YYYY-MM-DD"'))
    try:
        return parse_date(value)
    except InvalidInput as error:
        raise InvalidEntry(error.as_message()) from None


def _integer(where: Message, key: str, value: Any) -> int | None:
    if value is None:
        return None
    if isinstance(value, Decimal) and value.adjusted() < 20 and value == int(value):
        value = str(int(value))  # within parse_id's digits; 1E+999999 would be a huge int
    if isinstance(value, str):
        try:
            return parse_id(value, key)
        except InvalidInput as error:
            raise InvalidEntry(
                N_("%(where)s: %(problem)s"), where=where, problem=error.as_message()
            ) from None
    raise InvalidEntry(N_("%(where)s: %(field)s must be a whole number"), where=where, field=key)


def _donor_id(session: Session, where: Message, code: Any) -> int | None:
    if code is None:
        return None
    donor_id: int | None = dimensions.key_for_code(session, "donor", str(_scalar(code, where)))
    if donor_id is None:
        raise UnknownDimension(
            N_("%(where)s: unknown donor %(donor)s"), where=where, donor=repr(code)
        )
    return donor_id
