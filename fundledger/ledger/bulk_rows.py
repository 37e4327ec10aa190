"""Inserting many rows in as few statements as the database allows.

SQLAlchemy's ``executemany`` sends one INSERT per row to PostgreSQL, so every
statement-level trigger fires once per row, and it spends several microseconds per
value on bind processing. A load wants one statement for the lot: ``COPY … FROM
STDIN`` on PostgreSQL (psycopg's ``copy``), the driver's ``executemany`` on SQLite
(one prepared statement, stepped per row, in-process). Values still go through each
column's bind processor, so what is stored is exactly what the ORM would store (money
as scaled integers on SQLite, dates as SQLAlchemy writes them), and each text value is
held to its column's rule as a flush would hold it (:func:`fundledger.db.column_text_problem`).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from psycopg import sql
from sqlalchemy import Dialect, String, Table, bindparam, insert
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session

from fundledger.db import column_text_problem
from fundledger.inputs import InvalidInput

Processor = Callable[[Any], Any] | None


def insert_rows(
    session: Session, table: Table, columns: Sequence[str], rows: Sequence[tuple[Any, ...]]
) -> None:
    """Insert ``rows`` (tuples in ``columns`` order) into ``table`` in the session's
    transaction."""
    if not rows:
        return
    _refuse_unstorable_text(table, columns, rows)
    connection = session.connection()
    dialect = connection.dialect
    # The type as this dialect stores it: Money binds cents on SQLite through its dialect
    # implementation; the generic type would pass its NUMERIC processor a float.
    processors = [
        table.c[name].type.dialect_impl(dialect).bind_processor(dialect) for name in columns
    ]
    processed = _processed(rows, processors)
    driver = connection.connection.driver_connection
    try:
        _send(driver, dialect, table, columns, processed)
    except dialect.loaded_dbapi.Error as error:  # what SQLAlchemy raises for the same refusal
        raise DBAPIError.instance(
            f"bulk insert into {table.name}", None, error, dialect.loaded_dbapi.Error
        ) from None


def _refuse_unstorable_text(
    table: Table, columns: Sequence[str], rows: Sequence[tuple[Any, ...]]
) -> None:
    """What the session refuses to flush (:func:`fundledger.db.refuse_unstorable_text`), a
    load refuses to insert: the load bypasses the session. A column whose values are all
    printable (no control character, no surrogate) is cleared in one pass at C speed;
    only the others are checked value by value (1M entries: seconds, not tens)."""
    for index, name in enumerate(columns):
        column = table.c[name]
        if not isinstance(column.type, String):
            continue
        values = [row[index] for row in rows if isinstance(row[index], str)]
        if " ".join(values).isprintable():
            continue
        for value in values:
            if problem := column_text_problem(column, value):
                raise InvalidInput(f"{table.name} {name} {value[:40]!r} {problem}", "text")


def _send(
    driver: Any, dialect: Dialect, table: Table, columns: Sequence[str],
    processed: list[tuple[Any, ...]],
) -> None:  # fmt: skip
    """COPY on PostgreSQL, the driver's executemany on SQLite."""
    if dialect.name == "postgresql":
        copy_rows = sql.SQL("COPY {} ({}) FROM STDIN").format(
            sql.Identifier(table.name), sql.SQL(", ").join(map(sql.Identifier, columns))
        )
        with driver.cursor() as cursor, cursor.copy(copy_rows) as copy:
            for row in processed:
                copy.write_row(row)
    else:
        compiled = (
            insert(table)
            .values({name: bindparam(name) for name in columns})
            .compile(dialect=dialect)
        )
        order = [columns.index(name) for name in compiled.positiontup or ()]
        if order != list(range(len(columns))):  # the statement lists the table's order
            processed = [tuple(row[index] for index in order) for row in processed]
        driver.executemany(str(compiled), processed)


def _processed(
    rows: Sequence[tuple[Any, ...]], processors: Sequence[Processor]
) -> list[tuple[Any, ...]]:
    """The rows with each value as the driver should receive it (None stays None)."""
    if not any(processors):
        return list(rows)
    plan = [(index, process) for index, process in enumerate(processors) if process]
    result = []
    for row in rows:
        values = list(row)
        for index, process in plan:
            if values[index] is not None:
                values[index] = process(values[index])
        result.append(tuple(values))
    return result
