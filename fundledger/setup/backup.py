"""Backups of the whole database and restoring one (``fundledger backup`` / ``restore``).

SQLite: the sqlite3 online backup API copies a consistent snapshot while the application
keeps running; restoring copies the backup's pages into the configured database file the
same way, in one step that other connections see all at once.

PostgreSQL: ``pg_dump`` in its custom format (one consistent snapshot); restoring feeds
``pg_restore``'s SQL to ``psql`` in a single transaction that first empties the ``public``
schema, so a restore that fails leaves the database as it was. Both tools come with the
PostgreSQL client (Debian: ``postgresql-client``). Triggers and constraints are created
after the rows are loaded, so the ledger's append-only and balance triggers do not fire
on restored rows; ``verify`` re-checks them afterwards.

A backup file is written under a temporary name and renamed when complete, so a crash
never leaves a truncated file under the name asked for. A restore reads the file first
and refuses one that is not a backup of this kind of database, or one made by a schema
this version does not know; it refuses a database that holds data (any journal entry or
audit event — what ``fundledger init`` loads does not count) unless forced.
"""

from __future__ import annotations

import os
import re
import shutil
import sqlite3
import subprocess  # runs pg_dump, pg_restore and psql from argument lists # nosec B404
import tempfile
from collections.abc import Iterator
from contextlib import closing, contextmanager, suppress
from dataclasses import dataclass
from pathlib import Path

from alembic.script import ScriptDirectory
from alembic.util.exc import CommandError
from sqlalchemy import func, inspect, select, text
from sqlalchemy.engine import URL

from fundledger.db import Database
from fundledger.errors import FundledgerError
from fundledger.inputs import visible
from fundledger.ledger.models import JournalEntry
from fundledger.ledger.verify import Report, verify_ledger
from fundledger.setup.migrate import alembic_config

SQLITE_MAGIC = b"SQLite format 3\x00"
PG_DUMP_MAGIC = b"PGDMP"
#: Tables whose rows mean the database is in use: every posting belongs to a journal
#: entry, and every other change the application makes records an audit event.
ACTIVITY_TABLES = ("journal_entries", "audit_events")
_COPY_REVISION = re.compile(
    r"^COPY public\.alembic_version \(version_num\) FROM stdin;\n(.*?)\n\\\.$", re.M | re.S
)


class BackupError(FundledgerError):
    """A backup or restore that cannot be done; nothing was changed."""


@dataclass(frozen=True, slots=True)
class BackupReport:
    path: Path
    size: int
    entries: int
    revision: str | None

    def summary(self) -> str:
        return (
            f"backup written to {_shown(self.path)} ({self.size} bytes): {self.entries} journal "
            f"entries, schema revision {self.revision or 'none'}"
        )


@dataclass(frozen=True, slots=True)
class RestoreReport:
    path: Path
    revision: str
    head: str
    ledger: Report

    def summary(self) -> str:
        lines = [f"restored {_shown(self.path)}: schema revision {self.revision}"]
        if self.revision != self.head:
            lines.append(f"the schema is older than this version's ({self.head}); "
                         "run `fundledger init` to migrate it")  # fmt: skip
        lines.append(self.ledger.summary())
        return "\n".join(lines)


# --- backup ---------------------------------------------------------------------------


def backup_database(database: Database, target: Path) -> BackupReport:
    """Write a backup of ``database`` to ``target``, which must not exist yet."""
    try:
        taken = target.exists() or target.is_symlink()
        folder = target.parent.is_dir()
    except OSError as error:
        raise BackupError(f"cannot write {_shown(target)}: {error.strerror or error}") from None
    if taken:
        raise BackupError(f"{_shown(target)} already exists; choose a new name for the backup")
    if not folder:
        raise BackupError(f"there is no directory {_shown(target.parent)} to write the backup in")
    entries, revision = _contents(database)
    with _partial(target) as partial:
        if database.dialect == "sqlite":
            _sqlite_backup(_sqlite_path(database), partial)
        elif database.dialect == "postgresql":
            _pg_dump(database.engine.url, partial)
        else:  # pragma: no cover - the application supports these two
            raise BackupError(f"cannot back up a {database.dialect} database")
        partial.replace(target)
    return BackupReport(target, target.stat().st_size, entries, revision)


@contextmanager
def _partial(target: Path) -> Iterator[Path]:
    """A temporary name next to ``target``; removed if the backup does not complete."""
    partial = target.with_name(f".{target.name}.{os.getpid()}.partial")
    try:
        yield partial
    except (OSError, sqlite3.Error) as error:
        reason = error.strerror if isinstance(error, OSError) else str(error)
        raise BackupError(f"cannot write {_shown(target)}: {reason or error}") from error
    finally:
        with suppress(OSError):
            partial.unlink(missing_ok=True)


def _shown(path: Path) -> str:
    """A path for a message: long ones are cut, control characters escaped."""
    name = visible(path)
    return name if len(name) <= 120 else name[:117] + "..."


def _contents(database: Database) -> tuple[int, str | None]:
    """How many journal entries the database holds, and its schema revision."""
    tables = set(inspect(database.engine).get_table_names())
    if "journal_entries" not in tables or "alembic_version" not in tables:
        raise BackupError("the database has no fundledger tables; run `fundledger init` first")
    with database.session() as session:
        entries = session.scalar(select(func.count()).select_from(JournalEntry)) or 0
        revision = session.scalar(text("SELECT version_num FROM alembic_version"))
    return entries, revision


def _sqlite_path(database: Database) -> Path:
    name = database.engine.url.database
    if not name or name == ":memory:" or name.startswith("file:"):
        raise BackupError("only an SQLite database in a file can be backed up or restored")
    return Path(name)


def _sqlite_backup(source: Path, copy: Path) -> None:
    with (
        closing(sqlite3.connect(source, timeout=60)) as live,
        closing(sqlite3.connect(copy)) as out,
    ):
        live.backup(out)
        # One self-contained file: no -wal or -shm beside it.
        out.execute("PRAGMA journal_mode = DELETE")
        _check_sqlite_integrity(out, copy)


def _check_sqlite_integrity(connection: sqlite3.Connection, path: Path) -> None:
    problems = [row[0] for row in connection.execute("PRAGMA integrity_check")]
    if problems != ["ok"]:
        raise BackupError(f"{path} is damaged: {'; '.join(problems[:3])}")


# --- restore --------------------------------------------------------------------------


def restore_database(database: Database, source: Path, *, force: bool = False) -> RestoreReport:
    """Replace what ``database`` holds with the backup in ``source``.

    Refuses (and changes nothing) when the file is not a backup this version can restore,
    or when the database holds data and ``force`` is not given.
    """
    header = _header(source)
    if database.dialect == "sqlite":
        if not header.startswith(SQLITE_MAGIC):
            raise BackupError(f"{_shown(source)} is not an SQLite backup{_kind_hint(header)}")
        revision = _sqlite_revision(source)
    elif database.dialect == "postgresql":
        if not header.startswith(PG_DUMP_MAGIC):
            raise BackupError(
                f"{_shown(source)} is not a PostgreSQL backup (pg_dump custom format)"
                + _kind_hint(header)
            )
        revision = _pg_revision(source)
    else:  # pragma: no cover - the application supports these two
        raise BackupError(f"cannot restore into a {database.dialect} database")
    head = _check_revision(database, source, revision)
    if not force and holds_data(database):
        raise BackupError(
            "the database holds data (journal entries or audit events); restoring would "
            "replace all of it — give --force if that is what you want"
        )
    database.dispose()  # our own pooled connections must not hold the old database open
    if database.dialect == "sqlite":
        _sqlite_restore(source, _sqlite_path(database))
    else:
        _pg_restore(database.engine.url, source)
    database.dispose()
    with database.snapshot() as session:
        report = verify_ledger(session)
    return RestoreReport(source, revision, head, report)


def holds_data(database: Database) -> bool:
    """Whether the database is in use: it has a journal entry or an audit event, or a
    table that is not fundledger's holds rows."""
    tables = set(inspect(database.engine).get_table_names())
    if not tables:
        return False
    from fundledger.db import Base
    from fundledger.setup.registry import register_all

    register_all()
    ours = set(Base.metadata.tables) | {"alembic_version"}
    suspects = [name for name in sorted(tables) if name in ACTIVITY_TABLES or name not in ours]
    with database.engine.connect() as connection:
        return any(
            connection.scalar(select(text("1")).select_from(text(_quoted(name))).limit(1))
            for name in suspects
        )


def _quoted(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _header(source: Path) -> bytes:
    try:
        with source.open("rb") as handle:
            return handle.read(16)
    except IsADirectoryError:
        raise BackupError(f"{_shown(source)} is a directory, not a backup file") from None
    except OSError as error:
        raise BackupError(f"cannot read {_shown(source)}: {error.strerror or error}") from None


def _kind_hint(header: bytes) -> str:
    if header.startswith(SQLITE_MAGIC):
        return " (it is an SQLite backup)"
    if header.startswith(PG_DUMP_MAGIC):
        return " (it is a PostgreSQL backup)"
    return ""


def _check_revision(database: Database, source: Path, revision: str) -> str:
    """The current head; refuses a backup whose schema this version does not know."""
    scripts = ScriptDirectory.from_config(alembic_config(database.engine))
    try:
        known = scripts.get_revision(revision) is not None
    except CommandError:
        known = False
    if not known:
        raise BackupError(
            f"{_shown(source)} was made with schema revision {revision[:40]!r}, which this "
            "version of fundledger does not know; restore it with the version that made it"
        )
    head = scripts.get_current_head()
    return head or revision


def _sqlite_revision(source: Path) -> str:
    try:
        with closing(sqlite3.connect(f"{source.resolve().as_uri()}?mode=ro", uri=True)) as copy:
            _check_sqlite_integrity(copy, source)
            tables = {row[0] for row in copy.execute("SELECT name FROM sqlite_master")}
            if not {"alembic_version", "journal_entries"} <= tables:
                raise BackupError(f"{_shown(source)} is SQLite but not a fundledger backup")
            row = copy.execute("SELECT version_num FROM alembic_version").fetchone()
    except sqlite3.DatabaseError as error:
        raise BackupError(f"{_shown(source)} cannot be read as SQLite: {error}") from error
    if row is None:
        raise BackupError(f"{_shown(source)} records no schema revision")
    return str(row[0])


def _sqlite_restore(source: Path, target: Path) -> None:
    with (
        closing(sqlite3.connect(f"{source.resolve().as_uri()}?mode=ro", uri=True)) as backup,
        closing(sqlite3.connect(target, timeout=60)) as live,
    ):
        backup.backup(live)
        live.execute("PRAGMA journal_mode = WAL")


# --- PostgreSQL tools -----------------------------------------------------------------


def _tool(name: str) -> str:
    found = shutil.which(name)
    if found is None:
        raise BackupError(f"{name} is not installed (Debian: apt install postgresql-client)")
    return found


def _libpq(url: URL) -> tuple[str, dict[str, str]]:
    """The connection URI for the PostgreSQL tools, and their environment (the password
    goes there, not on the command line where `ps` shows it)."""
    uri = url.set(drivername="postgresql", password=None).render_as_string(hide_password=False)
    env = dict(os.environ)
    if url.password is not None:
        env["PGPASSWORD"] = str(url.password)
    return uri, env


def _run(argv: list[str], env: dict[str, str], what: str) -> str:
    finished = subprocess.run(  # noqa: S603 - an argument list, no shell # nosec B603
        argv, env=env, capture_output=True, text=True, check=False
    )
    if finished.returncode != 0:
        raise BackupError(f"{what} failed: {_last_line(finished.stderr or finished.stdout)}")
    output: str = finished.stdout
    return output


def _pg_dump(url: URL, target: Path) -> None:
    uri, env = _libpq(url)
    _run([_tool("pg_dump"), "--format=custom", f"--file={target}", f"--dbname={uri}"], env,
         "pg_dump")  # fmt: skip
    _run([_tool("pg_restore"), "--list", str(target)], env, "checking the backup")


def _pg_revision(source: Path) -> str:
    env = dict(os.environ)
    script = _run(
        [_tool("pg_restore"), "--data-only", "--table=alembic_version", "--file=-", str(source)],
        env, f"reading {_shown(source)}",
    )  # fmt: skip
    found = _COPY_REVISION.search(script)
    if found is None or not found.group(1).strip():
        raise BackupError(f"{_shown(source)} is a PostgreSQL backup, not of fundledger's database")
    return found.group(1).strip().splitlines()[0]


def _pg_restore(url: URL, source: Path) -> None:
    uri, env = _libpq(url)
    with tempfile.TemporaryDirectory(prefix="fundledger-restore-") as work:
        # The whole script first: psql must never load part of a backup pg_restore
        # could not read to the end.
        script = Path(work) / "restore.sql"
        _run([_tool("pg_restore"), "--no-owner", "--no-privileges", f"--file={script}",
              str(source)], env, f"reading {_shown(source)}")  # fmt: skip
        # One transaction: the old schema goes only if the whole backup loads.
        _run(
            [_tool("psql"), "--no-psqlrc", "--quiet", "--set=ON_ERROR_STOP=1",
             "--single-transaction", f"--dbname={uri}",
             "--command=SET lock_timeout = '60s'",
             "--command=DROP SCHEMA IF EXISTS public CASCADE",
             "--command=CREATE SCHEMA public",
             f"--file={script}"],
            env, "restoring (the database is as it was)",
        )  # fmt: skip


def _last_line(output: str) -> str:
    lines = output.strip().splitlines()
    return lines[-1] if lines else "no message"
