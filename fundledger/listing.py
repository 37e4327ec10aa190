"""Paged, sorted lists: the one mechanism behind every list page and its CSV export.

A list declares a :class:`Sorts` table (the columns it may be sorted by, each ending on
a unique column so that the order is total and pages never overlap). A request's query
string becomes :class:`ListArgs` through :func:`list_args`, which refuses what it cannot
read with :class:`BadListArgument` (the web answers 400 with the reason). Then:

- rows in the database: ``page_of(session, ordered(query, sorts, args), args)``;
- rows already in memory (computed columns): ``page_of_rows(sorted_rows(rows, sorts,
  args), args)``.

A page number past either end is not an error: :func:`page_of` shows the nearest page.
The CSV export of the same list runs the same ordered query without the page.

Nothing here imports Flask, so the statement register, the CLI and tests use it too;
``fundledger.web.lists`` reads the request and ``templates/_listing.html`` draws the
pager, the sortable headers and the filter form.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session

from fundledger.errors import FundledgerError
from fundledger.i18n import N_

T = TypeVar("T")
K = TypeVar("K")

#: Rows on a page unless the list or the query string says otherwise.
PER_PAGE = 50
#: The most rows one page may hold; the CSV export is the way to get everything.
MAX_PER_PAGE = 500
DIRECTIONS = ("asc", "desc")
#: The query arguments this module reads; a filter form must not use these names.
ARGUMENTS = ("page", "per_page", "sort", "direction")
#: Digits read from a page number; more than this is past any last page anyway.
_MAX_DIGITS = 12

#: A sort key for rows in the database: the columns to order by, the last one unique.
Columns = tuple[Any, ...]
#: A sort key for rows in memory: a function whose value ends on something unique.
RowKey = Callable[[Any], Any]


class BadListArgument(FundledgerError):
    """A page, per_page, sort or direction argument that cannot be read."""


@dataclass(frozen=True, slots=True)
class Sorts(Generic[K]):
    """How one list may be sorted: ``keys`` by name (in the order of its columns), the
    key used when the query string names none, and that key's direction."""

    keys: Mapping[str, K]
    default: str
    descending: bool = False

    def __post_init__(self) -> None:
        if self.default not in self.keys:
            raise ValueError(f"default sort {self.default!r} is not one of {list(self.keys)}")


@dataclass(frozen=True, slots=True)
class ListArgs:
    """What the query string asked of a list: the order and the page."""

    sort: str
    descending: bool = False
    page: int = 1
    per_page: int = PER_PAGE

    @property
    def direction(self) -> str:
        return "desc" if self.descending else "asc"


@dataclass(frozen=True, slots=True)
class Page(Generic[T]):
    """One page of a longer list: its rows, its number and how many rows there are in all."""

    items: Sequence[T]
    page: int
    per_page: int
    total: int

    @property
    def pages(self) -> int:
        return _pages(self.total, self.per_page)


def list_args(args: Mapping[str, str], sorts: Sorts[Any], *, per_page: int = PER_PAGE) -> ListArgs:
    """The order and page a query string asks for; blank or missing arguments take the
    list's defaults. A page below 1 is page 1 (one past the end is the last page, which
    only the query can tell); anything unreadable raises :class:`BadListArgument`."""
    sort = (args.get("sort") or "").strip() or sorts.default
    if sort not in sorts.keys:
        raise BadListArgument(
            N_("sort must be one of %(sorts)s, not “%(value)s”."),
            sorts=", ".join(sorts.keys), value=_shown(sort),
        )  # fmt: skip
    direction = (args.get("direction") or "").strip().lower()
    if direction and direction not in DIRECTIONS:
        raise BadListArgument(
            N_("direction must be asc or desc, not “%(value)s”."), value=_shown(direction)
        )
    descending = direction == "desc" if direction else sort == sorts.default and sorts.descending
    size = _whole(args, "per_page", per_page)
    if not 1 <= size <= MAX_PER_PAGE:
        raise BadListArgument(
            N_("per_page must be from 1 to %(limit)s, not %(value)s."),
            limit=MAX_PER_PAGE, value=size,
        )  # fmt: skip
    return ListArgs(sort, descending, max(1, _whole(args, "page", 1)), size)


def ordered(query: Select[T], sorts: Sorts[Columns], args: ListArgs) -> Select[T]:
    """``query`` in the order ``args`` asks for (every column in the same direction)."""
    columns = sorts.keys[args.sort]
    return query.order_by(*(column.desc() if args.descending else column for column in columns))


def sorted_rows(rows: Iterable[T], sorts: Sorts[RowKey], args: ListArgs) -> list[T]:
    """In-memory ``rows`` in the order ``args`` asks for."""
    return sorted(rows, key=sorts.keys[args.sort], reverse=args.descending)


def page_of(
    session: Session, query: Select[T], args: ListArgs, *, total: int | None = None
) -> Page[T]:
    """The page of an ordered query's rows that ``args`` asks for, or the nearest one.
    Two queries: the count (unless the caller knows ``total``) and the page."""
    if total is None:
        count = select(func.count()).select_from(query.order_by(None).subquery())
        total = session.scalar(count) or 0
    number = min(args.page, _pages(total, args.per_page))
    rows = session.scalars(query.limit(args.per_page).offset((number - 1) * args.per_page))
    return Page(rows.all(), number, args.per_page, total)


def page_of_rows(rows: Sequence[T], args: ListArgs) -> Page[T]:
    """The page of in-memory ``rows`` that ``args`` asks for, or the nearest one."""
    number = min(args.page, _pages(len(rows), args.per_page))
    start = (number - 1) * args.per_page
    return Page(rows[start : start + args.per_page], number, args.per_page, len(rows))


def _pages(total: int, per_page: int) -> int:
    return max(1, -(-total // per_page))


def _whole(args: Mapping[str, str], name: str, default: int) -> int:
    text = (args.get(name) or "").strip()
    if not text:
        return default
    digits = text.removeprefix("-")
    if not digits.isascii() or not digits.isdigit():
        raise BadListArgument(
            N_("%(name)s must be a whole number, not “%(value)s”."), name=name, value=_shown(text)
        )
    if len(digits) > _MAX_DIGITS:
        return 0 if text.startswith("-") else 10**_MAX_DIGITS
    return int(text)


def _shown(text: str) -> str:
    return text if len(text) <= 40 else text[:37] + "..."
