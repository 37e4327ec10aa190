"""Canonical content of an entry and the hashes over it.

Two digests: ``content_digest`` covers what the poster asked for (date, kind, memo,
lines …) and tells a retried request from a conflicting one; ``hash`` adds who, when,
the number and the previous entry's hash, chaining every entry to all before it.
Both are recomputed from the stored rows by ``fundledger verify``.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

#: The hash the first entry chains from.
GENESIS_HASH = "0" * 64


@dataclass(frozen=True, slots=True)
class CanonicalLine:
    account_code: str
    amount: Decimal
    donor_id: int | None
    activity_number: int | None
    objective_number: int | None
    organ_code: str | None
    earmark: str | None
    allocation_id: int | None
    currency: str | None
    original_amount: Decimal | None
    rate: Decimal | None
    memo: str | None


def _fixed(value: Decimal | None, places: int) -> str | None:
    return None if value is None else f"{value.quantize(Decimal(1).scaleb(-places)):f}"


def _line(line: CanonicalLine) -> list[object]:
    return [
        line.account_code,
        _fixed(line.amount, 2),
        line.donor_id,
        line.activity_number,
        line.objective_number,
        line.organ_code,
        line.earmark,
        line.allocation_id,
        line.currency,
        _fixed(line.original_amount, 4),
        _fixed(line.rate, 10),
        line.memo,
    ]


def _sha256(payload: dict[str, object]) -> str:
    text = json.dumps(payload, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(text.encode()).hexdigest()


def content_digest(
    *,
    entry_date: dt.date,
    kind: str,
    memo: str,
    source_ref: str | None,
    reverses_number: int | None,
    lines: Sequence[CanonicalLine],
) -> str:
    return _sha256(
        {
            "date": entry_date.isoformat(),
            "kind": kind,
            "memo": memo,
            "source_ref": source_ref,
            "reverses": reverses_number,
            "lines": [_line(line) for line in lines],
        }
    )


def utc_timestamp(moment: dt.datetime) -> str:
    """ISO form in UTC; SQLite hands timestamps back without a zone, and they are UTC."""
    if moment.tzinfo is not None:
        moment = moment.astimezone(dt.UTC).replace(tzinfo=None)
    return moment.isoformat(timespec="microseconds") + "Z"


def chain_hash(
    *,
    prev_hash: str,
    number: int,
    digest: str,
    idempotency_key: str | None,
    created_by: str,
    request_id: str | None,
    created_at: dt.datetime,
) -> str:
    return _sha256(
        {
            "prev": prev_hash,
            "number": number,
            "content": digest,
            "key": idempotency_key,
            "by": created_by,
            "request": request_id,
            "at": utc_timestamp(created_at),
        }
    )
