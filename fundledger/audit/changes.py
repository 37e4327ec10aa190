"""An audit event's values before and after, as the changes a reader looks for: each
field that changed, with its old and new value, instead of two objects of JSON."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True, slots=True)
class Change:
    """One field: its value before and after as text, None where the event has none (a
    creation has no before, a deletion no after)."""

    field: str
    before: str | None
    after: str | None


def changes(before: str | None, after: str | None) -> list[Change]:
    """The fields that differ between the two JSON objects, in the order they were
    written (those of ``after`` first); every field when one side is missing, but for
    those a new object left empty. A value
    that is not a JSON object (an old or hand-written event) is one change, field ``""``."""
    old, new = _fields(before), _fields(after)
    if old is None or new is None:
        if before == after:
            return []
        return [Change("", before, after)]
    names = list(dict.fromkeys([*new, *old]))
    return [
        Change(name, _shown(old, name), _shown(new, name))
        for name in names
        if (name not in old or name not in new or old[name] != new[name])
        and not (name not in old and new.get(name) is None)  # a field left empty
    ]


def _fields(raw: str | None) -> dict[str, Any] | None:
    if raw is None:
        return {}
    try:
        value = json.loads(raw)
    except ValueError:
        return None
    return value if isinstance(value, dict) else None


def _shown(values: dict[str, Any], name: str) -> str | None:
    if name not in values:
        return None
    value = values[name]
    if value is None:
        return "—"
    if isinstance(value, str):
        return value
    return json.dumps(value, ensure_ascii=False)
