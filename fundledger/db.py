"""Declarative base, exact money columns, and the engine and sessions for both databases.

Operations only ``flush``; whoever opened the transaction (a request, a CLI command, a
test) commits once, through :meth:`Database.transaction`.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from decimal import Decimal
from typing import Any

from sqlalchemy import (
    BigInteger,
    Dialect,
    Engine,
    Integer,
    MetaData,
    Numeric,
    cast,
    create_engine,
    event,
    extract,
    inspect,
)
from sqlalchemy.engine import Connection
from sqlalchemy.orm import DeclarativeBase, Session, sessionmaker
from sqlalchemy.sql import ColumnElement
from sqlalchemy.types import TypeDecorator, TypeEngine

from fundledger.inputs import InvalidInput, text_problem

#: Constraint names are part of the schema: migrations and error messages refer to them.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


class Money(TypeDecorator[Decimal]):
    """An exact decimal with a fixed scale.

    PostgreSQL stores ``NUMERIC(precision, scale)``. SQLite has no exact decimal type
    (its NUMERIC falls back to binary floating point), so there the column holds the
    value in integer units of ``10**-scale`` — cents for scale 2 — which SQLite adds
    exactly in ``SUM`` and triggers. Values come back as ``Decimal`` either way, and a
    value with more places than the scale is refused rather than rounded.
    """

    impl = Numeric
    cache_ok = True

    def __init__(self, precision: int = 18, scale: int = 2) -> None:
        super().__init__()
        self.precision = precision
        self.scale = scale

    def __repr__(self) -> str:  # how Alembic's autogenerate writes the type
        return f"Money({self.precision}, {self.scale})"

    def load_dialect_impl(self, dialect: Dialect) -> TypeEngine[Any]:
        if dialect.name == "sqlite":
            return dialect.type_descriptor(BigInteger())
        return dialect.type_descriptor(Numeric(self.precision, self.scale, asdecimal=True))

    def process_bind_param(self, value: Decimal | int | None, dialect: Dialect) -> Any:
        if value is None:
            return None
        value = Decimal(value)
        if -value.as_tuple().exponent > self.scale:  # type: ignore[operator]
            raise ValueError(f"{value} has more than {self.scale} decimal places")
        if dialect.name == "sqlite":
            return int(value.scaleb(self.scale))
        return value

    def process_result_value(self, value: Any, dialect: Dialect) -> Decimal | None:
        if value is None:
            return None
        if dialect.name == "sqlite":
            return Decimal(int(value)).scaleb(-self.scale)
        return Decimal(value).quantize(Decimal(1).scaleb(-self.scale))


def year_of(column: Any) -> Any:
    """The calendar (= fiscal) year of a date column, as an integer on both databases."""
    return cast(extract("year", column), Integer)


def create_db_engine(url: str, **options: Any) -> Engine:
    """An engine with the settings the ledger's guarantees rely on.

    On SQLite: foreign keys on, WAL, a generous busy timeout, and transactions we
    begin ourselves — ``BEGIN IMMEDIATE`` for write sessions, so that the read of the
    ledger head and the append that follows cannot interleave with another writer.
    """
    if not url.startswith("sqlite"):
        return create_engine(url, pool_pre_ping=True, **options)
    engine = create_engine(url, connect_args={"timeout": 60}, **options)

    @event.listens_for(engine, "connect")
    def _configure(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.isolation_level = None  # we issue BEGIN ourselves, below
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys = ON")
        if ":memory:" not in url and url not in ("sqlite://", "sqlite+pysqlite://"):
            cursor.execute("PRAGMA journal_mode = WAL")
            cursor.execute("PRAGMA synchronous = NORMAL")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _begin(connection: Connection) -> None:
        write = connection.get_execution_options().get("fundledger_write", False)
        connection.exec_driver_sql("BEGIN IMMEDIATE" if write else "BEGIN")

    return engine


#: ``info`` of a free-text column that keeps tabs and line breaks (a voucher's memos);
#: every other text column holds one line. Purposes, comments and reasons typed in a text
#: area are stored with their whitespace collapsed (``allocations.checks.text_field``).
MULTI_LINE: dict[str, Any] = {"multi_line": True}


def column_text_problem(column: ColumnElement[Any], value: object) -> str | None:
    """Why ``value`` cannot be written to ``column`` (see :func:`~fundledger.inputs.
    text_problem`), or None: a line break only in a column marked :data:`MULTI_LINE`."""
    if not isinstance(value, str):
        return None
    return text_problem(value, single_line=not column.info.get("multi_line", False))


def refuse_unstorable_text(session: Session, _context: Any, _instances: Any) -> None:
    """Before every flush: no text column is written with what it may not hold (NUL, ESC,
    BEL and the other control characters; a line break or tab outside the few multi-line
    columns). The forms, the CLI and the import refuse it first and say so in their
    user's words; this is the service layer's own refusal, for whatever path forgets to
    (:func:`fundledger.bulk_rows.insert_rows` applies the same rule to a load)."""
    for instance in (*session.new, *session.dirty):
        state = inspect(instance)
        changed = state.dict if state.key is None else state.committed_state
        for name in changed:
            column = state.mapper.columns.get(name)
            value = state.dict.get(name)
            if column is not None and (problem := column_text_problem(column, value)):
                what = f"{state.mapper.class_.__name__.lower()} {name}"
                raise InvalidInput(f"{what} {str(value)[:40]!r} {problem}", "text")


class Database:
    """The engine and the two kinds of session: read-only and read-write."""

    def __init__(self, url: str, **engine_options: Any) -> None:
        self.url = url
        self.engine = create_db_engine(url, **engine_options)
        self._readers = sessionmaker(self.engine, expire_on_commit=False)
        self._writers = sessionmaker(
            self.engine.execution_options(fundledger_write=True), expire_on_commit=False
        )
        # PostgreSQL's default, READ COMMITTED, takes a new snapshot for each statement.
        # SQLite's read transaction (BEGIN, in WAL mode) sees one from its first read on.
        snapshot = self.engine
        if self.dialect == "postgresql":
            snapshot = self.engine.execution_options(
                isolation_level="REPEATABLE READ", postgresql_readonly=True
            )
        self._snapshots = sessionmaker(snapshot, expire_on_commit=False)
        for maker in (self._readers, self._writers):
            event.listen(maker, "before_flush", refuse_unstorable_text)

    @property
    def dialect(self) -> str:
        return self.engine.dialect.name

    def session(self, *, write: bool = False) -> Session:
        """A new session; the caller commits (write) or closes it."""
        return (self._writers if write else self._readers)()

    @contextmanager
    def snapshot(self) -> Iterator[Session]:
        """A read-only session whose every query sees the same committed state, whatever
        is committed meanwhile: for checks that compare one query's rows with another's."""
        with self._snapshots() as session, session.begin():
            yield session

    @contextmanager
    def transaction(self) -> Iterator[Session]:
        """One unit of work: commit if the block succeeds, roll back if it raises."""
        with self.session(write=True) as session, session.begin():
            yield session

    def dispose(self) -> None:
        self.engine.dispose()
