"""What a posting's dimensions may name, told to the ledger by the areas that own them.

A line names a donor, an activity, an objective, an organ and an earmark; the ledger
checks they exist before it posts, but the donor and the programme are areas built on
the ledger, so the ledger does not import them: each area registers its dimensions when
its models module is imported (``fundledger.setup.registry.register_all`` imports them all at
start-up), and the ledger asks this registry. tests/unit/test_layers.py keeps the
ledger free of area imports.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, cast

from sqlalchemy import Select, bindparam, select
from sqlalchemy.orm import InstrumentedAttribute, Session

#: The dimensions a line names by key, in the order the ledger checks them.
NAMES = ("donor", "activity", "objective", "organ")


@dataclass(frozen=True, slots=True)
class Dimension:
    """A dimension's rows: its model, and its statements, built once (see operations)."""

    name: str
    model: type[Any]
    #: The keys among ``keys`` that exist.
    existing: Select[Any]
    #: The key of the row with code ``code``, for vouchers that name it by code.
    by_code: Select[Any] | None


_DIMENSIONS: dict[str, Dimension] = {}
_EARMARK: list[Callable[[str], str]] = []


def register(
    name: str,
    key: InstrumentedAttribute[Any],
    *,
    code: InstrumentedAttribute[Any] | None = None,
) -> None:
    """Tell the ledger that ``name`` (one of NAMES) is a key of ``key``'s table."""
    if name not in NAMES:
        raise ValueError(f"the ledger has no dimension {name!r}")
    _DIMENSIONS[name] = Dimension(
        name=name,
        model=cast(type[Any], key.class_),
        existing=select(key).where(key.in_(bindparam("keys", expanding=True))),
        by_code=None if code is None else select(key).where(code == bindparam("code")),
    )


def register_earmark(canonical: Callable[[str], str]) -> None:
    """Tell the ledger how to spell an earmark canonically; ``canonical`` raises a
    FundledgerError for one that names no valid earmark."""
    _EARMARK[:] = [canonical]


def dimension(name: str) -> Dimension:
    """The registered dimension; a programming error if no area registered it."""
    try:
        return _DIMENSIONS[name]
    except KeyError:
        raise LookupError(
            f"no area registered the ledger's {name} dimension; "
            "call fundledger.setup.registry.register_all() at start-up"
        ) from None


def canonical_earmark(text: str) -> str:
    """The earmark in canonical form, as the registered area spells it."""
    if not _EARMARK:
        raise LookupError(
            "no area registered the ledger's earmarks; "
            "call fundledger.setup.registry.register_all() at start-up"
        )
    return _EARMARK[0](text)


def key_for_code(session: Session, name: str, code: str) -> Any | None:
    """The key of the ``name`` row whose code is ``code``, or None if there is none."""
    statement = dimension(name).by_code
    if statement is None:
        raise LookupError(f"the ledger's {name} dimension has no codes")
    return session.scalar(statement, {"code": code})
