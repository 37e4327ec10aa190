"""Inserting many rows in as few statements as the database allows.

SQLAlchemy's ``executemany`` sends one INSERT per row to PostgreSQL, so every
statement-level trigger fires once per row, and it spends several microseconds per
value on bind processing. A load wants one statement for the lot: ``COPY … FROM
STDIN`` on PostgreSQL (psycopg's ``copy``), the driver's ``executemany`` on SQLite
(one prepared statement, stepped per row, in-process). Values still go through each
column's bind processor, so what is stored is exactly what the ORM would store (money
as scaled integers on SQLite, dates as SQLAlchemy writes them).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from psycopg import sql
from sqlalchemy import Table, bindparam, insert
from sqlalchemy.orm import Session

Processor = Callable[[Any], Any] | None


def insert_rows(
    session: Session, table: Table, columns: Sequence[str], rows: Sequence[tuple[Any, ...]]
) -> None:
    """Insert ``rows`` (tuples in ``columns`` order) into ``table`` in the session's
    transaction."""
    if not rows:
        return
    connection = session.connection()
    dialect = connection.dialect
    processors = [table.c[name].type.bind_processor(dialect) for name in columns]
    processed = _processed(rows, processors)
    driver = connection.connection.driver_connection
    if dialect.name == "postgresql":
        copy_rows = sql.SQL("COPY {} ({}) FROM STDIN").format(
            sql.Identifier(table.name), sql.SQL(", ").join(map(sql.Identifier, columns))
        )
        with driver.cursor() as cursor, cursor.copy(copy_rows) as copy:  # type: ignore[union-attr]
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
        driver.executemany(str(compiled), processed)  # type: ignore[union-attr]


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
