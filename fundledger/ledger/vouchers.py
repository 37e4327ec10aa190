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
        raise InvalidEntry(f"the voucher is not UTF-8 (byte {content[error.start]:#04x} at "
                           f"offset {error.start}); save it as UTF-8") from None  # fmt: skip
    try:
        data = json.loads(
            text,
            object_pairs_hook=_fields_once,
            parse_float=Decimal,
            parse_int=Decimal,
            parse_constant=_refuse_constant,
        )
    except (json.JSONDecodeError, RecursionError) as error:  # RecursionError: nested too deep
        raise InvalidEntry(f"the voucher is not valid JSON: {error}") from error
    if not isinstance(data, dict):
        raise InvalidEntry("the voucher must be a JSON object")
    _no_unknown_fields("the voucher", data, _ENTRY_FIELDS)
    raw_lines = data.get("lines")
    if not isinstance(raw_lines, list) or not all(isinstance(x, dict) for x in raw_lines):
        raise InvalidEntry('the voucher needs "lines": a list of objects')
    return Voucher(
        entry_date=_date(data.get("date")),
        memo=_text(data, "memo", single_line=False) or "",
        source_ref=_text(data, "source_ref"),
        idempotency_key=_text(data, "idempotency_key"),
        lines=[_line(session, n, raw) for n, raw in enumerate(raw_lines, start=1)],
    )


def _refuse_constant(name: str) -> Any:
    raise InvalidEntry(f"{name} is not an amount")


def _fields_once(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    """A JSON object whose every field appears once: which of two debits would count?"""
    data: dict[str, Any] = {}
    for key, value in pairs:
        if key in data:
            raise InvalidEntry(f"the voucher gives the field {key[:40]!r} twice in one object")
        data[key] = value
    return data


def _line(session: Session, number: int, raw: Mapping[str, Any]) -> Line:
    where = f"line {number}"
    _no_unknown_fields(where, raw, _LINE_FIELDS)
    if ("debit" in raw) == ("credit" in raw):
        raise InvalidEntry(f'{where}: give exactly one of "debit" or "credit"')
    side = "debit" if "debit" in raw else "credit"
    amount = _amount(where, side, raw[side])
    if amount <= 0:
        raise InvalidEntry(f"{where}: {side} must be positive")
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


def _no_unknown_fields(where: str, data: Mapping[str, Any], known: set[str]) -> None:
    unknown = sorted(set(data) - known)
    if unknown:
        raise InvalidEntry(f"{where}: unknown field(s) {', '.join(unknown)}")


def _amount(where: str, key: str, value: Any) -> Decimal:
    """An amount or rate written as a JSON string; a JSON number is refused, saying
    which string to write instead."""
    if isinstance(value, Decimal):
        raise InvalidEntry(
            f"{where}: {key} is the JSON number {value}; write it as a string: "
            f'"{_as_string(key, value)}"'
        )
    if not isinstance(value, str):
        raise InvalidEntry(f'{where}: {key} must be a string such as "100.00"')
    return parse_decimal(_storable(value, where), what=f"{where}: {key}")


def _as_string(key: str, number: Decimal) -> str:
    """How ``number`` reads as a voucher's string: amounts with their cents."""
    if not -20 < number.adjusted() < 20:  # far out of range: an example will do
        return "100.00"
    if key != "rate" and decimal_places(number) < 2:
        number = number.quantize(Decimal("0.01"))
    return f"{number:f}"


def _scalar(value: Any, where: str) -> str | Decimal:
    if isinstance(value, str):
        return _storable(value, where)
    if isinstance(value, Decimal):
        return value
    raise InvalidEntry(f"{where}: {value!r} should be a string or a number")


def _text(data: Mapping[str, Any], key: str, *, single_line: bool = True) -> str | None:
    value = data.get(key)
    if value is None:
        return None
    if not isinstance(value, str):
        raise InvalidEntry(f'"{key}" must be a string')
    return _storable(value, f'"{key}"', single_line=single_line)


def _storable(value: str, where: str, *, single_line: bool = True) -> str:
    problem = text_problem(value, single_line=single_line)
    if problem is not None:
        raise InvalidEntry(f"{where} {value[:40]!r} {problem}")
    return value


def _date(value: Any) -> dt.date:
    if not isinstance(value, str):
        raise InvalidEntry('the voucher needs "date": "YYYY-MM-DD"')
    try:
        return parse_date(value)
    except InvalidInput as error:
        raise InvalidEntry(str(error)) from None


def _integer(where: str, key: str, value: Any) -> int | None:
    if value is None:
        return None
    if isinstance(value, Decimal) and value.adjusted() < 20 and value == int(value):
        value = str(int(value))  # within parse_id's digits; 1E+999999 would be a huge int
    if isinstance(value, str):
        try:
            return parse_id(value, key)
        except InvalidInput as error:
            raise InvalidEntry(f"{where}: {error}") from None
    raise InvalidEntry(f"{where}: {key} must be a whole number")


def _donor_id(session: Session, where: str, code: Any) -> int | None:
    if code is None:
        return None
    donor_id: int | None = dimensions.key_for_code(session, "donor", str(_scalar(code, where)))
    if donor_id is None:
        raise UnknownDimension(f"{where}: unknown donor {code!r}")
    return donor_id
