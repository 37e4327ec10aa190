"""Databases for the tests: every test that takes ``database`` runs on SQLite and on
PostgreSQL (the latter when FUNDLEDGER_TEST_POSTGRES_URL is set; CI always sets it).

Each test gets its own migrated and initialised database, copied from a template
made once per session, so tests commit for real and never see each other's rows.
"""

from __future__ import annotations

import os
import shutil
import uuid
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from sqlalchemy import make_url, text

from fundledger.db import Database, create_db_engine
from fundledger.setup.bootstrap import initialize
from fundledger.setup.registry import register_all

# What the command line and the web app wire at start-up (the audit of period changes,
# the year-end revaluation check before a close), wired once for every test, so that a
# test sees the same rules whichever test ran before it.
register_all()

POSTGRES_URL_VARIABLE = "FUNDLEDGER_TEST_POSTGRES_URL"
# The tests commit on PostgreSQL as they do on SQLite (WAL, synchronous=NORMAL): without
# waiting for the server to flush each commit to disk. Only a crash of the test server
# could lose a commit, and no test survives that anyway; the PostgreSQL half of the suite
# runs in half the time. libpq reads PGOPTIONS, so the commands tests spawn inherit it.
os.environ["PGOPTIONS"] = " ".join(
    filter(None, [os.environ.get("PGOPTIONS"), "-c synchronous_commit=off"])
)
BACKENDS = ["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)]


def postgres_admin_url() -> str | None:
    return os.environ.get(POSTGRES_URL_VARIABLE) or None


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("template") / "fundledger.sqlite3"
    database = Database(f"sqlite:///{path}")
    initialize(database)
    with database.engine.connect() as connection:
        connection.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    database.dispose()
    return path


class PostgresServer:
    """Creates throwaway databases on the test server, each a copy of one template.

    A test's database is dropped in the background once the test is done
    (:meth:`release`): dropping a thousand databases one after another at the end of
    the session kept each worker waiting for a minute and a half."""

    def __init__(self, admin_url: str) -> None:
        self.admin_url = make_url(admin_url)
        self.admin = create_db_engine(admin_url, isolation_level="AUTOCOMMIT")
        self.prefix = f"fundledger_test_{os.getpid()}_{uuid.uuid4().hex[:6]}"
        self.template = f"{self.prefix}_template"
        self.created: list[str] = []
        self.dropper = ThreadPoolExecutor(max_workers=1, thread_name_prefix="drop-database")

    def url(self, name: str) -> str:
        return self.admin_url.set(database=name).render_as_string(hide_password=False)

    def create(self, name: str, template: str | None = None) -> str:
        with self.admin.connect() as connection:
            clause = f" TEMPLATE {template}" if template else ""
            connection.execute(text(f'CREATE DATABASE "{name}"{clause}'))
        self.created.append(name)
        return self.url(name)

    def drop(self, name: str) -> None:
        with self.admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))

    def release(self, url: str) -> None:
        """Drop a test's database in the background: the test is done with it."""
        name = make_url(url).database
        if name in self.created:
            self.created.remove(name)
            self.dropper.submit(self.drop, name)

    def close(self) -> None:
        self.dropper.shutdown(wait=True)
        for name in reversed(self.created):
            self.drop(name)
        self.admin.dispose()


@pytest.fixture(scope="session", autouse=True)
def signing_key(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    """The Fund's signing key for this test process (tests/signing.py), in the
    environment where the command line and the web app look for it."""
    from tests.signing import CERT_VARIABLE, KEY_VARIABLE, make_test_key

    paths = make_test_key(tmp_path_factory.mktemp("signing"))
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv(KEY_VARIABLE, str(paths.key))
        patch.setenv(CERT_VARIABLE, str(paths.cert))
        yield


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[PostgresServer]:
    admin_url = postgres_admin_url()
    if admin_url is None:
        pytest.skip(f"{POSTGRES_URL_VARIABLE} is not set")
    server = PostgresServer(admin_url)
    database = Database(server.create(server.template))
    initialize(database)
    database.dispose()
    yield server
    server.close()


def _new_database(
    request: pytest.FixtureRequest, backend: str, tmp_path: Path, *, empty: bool = False,
    seed: str | None = None,
) -> str:  # fmt: skip
    """A new database: empty, a copy of ``seed`` (a :class:`Seeds` database), or of the
    initialised template."""
    if backend == "sqlite":
        path = tmp_path / "fundledger.sqlite3"
        if not empty:
            shutil.copyfile(seed or request.getfixturevalue("sqlite_template"), path)
        return f"sqlite:///{path}"
    server: PostgresServer = request.getfixturevalue("postgres_server")
    name = f"{server.prefix}_{uuid.uuid4().hex[:8]}"
    return server.create(name, template=None if empty else seed or server.template)


def _fresh_database(
    request: pytest.FixtureRequest, backend: str, tmp_path: Path, *, empty: bool = False,
    seed: str | None = None,
) -> Iterator[Database]:  # fmt: skip
    url = _new_database(request, backend, tmp_path, empty=empty, seed=seed)
    db = Database(url)
    yield db
    db.dispose()
    if backend != "sqlite":
        server: PostgresServer = request.getfixturevalue("postgres_server")
        server.release(url)


class Seeds:
    """Databases seeded once per test process and copied for each test that asks.

    A module whose tests all start from the same books builds them once per backend
    (:meth:`copy` with the builder) instead of once per test: the copy is a file copy on
    SQLite and ``CREATE DATABASE … TEMPLATE`` on PostgreSQL, as for the empty template.
    Each test still gets a database of its own and may write to it."""

    def __init__(self, request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory):
        self.request = request
        self.tmp_path_factory = tmp_path_factory
        self.built: dict[tuple[str, str], str] = {}

    def copy(
        self, request: pytest.FixtureRequest, backend: str, tmp_path: Path,
        build: Callable[[Database], None],
    ) -> Iterator[Database]:  # fmt: skip
        """A fresh copy of the books ``build`` writes into a new database on ``backend``."""
        yield from _fresh_database(request, backend, tmp_path, seed=self._seed(backend, build))

    def _seed(self, backend: str, build: Callable[[Database], None]) -> str:
        """The seeded database's file (SQLite) or name (PostgreSQL), built at first use."""
        key = (backend, f"{build.__module__}.{build.__qualname__}")
        if key not in self.built:
            url = _new_database(self.request, backend, self.tmp_path_factory.mktemp("seed"))
            seeded = Database(url)
            build(seeded)
            if backend == "sqlite":
                with seeded.engine.connect() as connection:
                    connection.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
            seeded.dispose()  # a PostgreSQL template takes no other connection while copied
            self.built[key] = str(make_url(url).database)
        return self.built[key]


@pytest.fixture(scope="session")
def seeds(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Seeds:
    return Seeds(request, tmp_path_factory)


@pytest.fixture(params=BACKENDS)
def database(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Database]:
    """A fresh, initialised database on each backend."""
    yield from _fresh_database(request, request.param, tmp_path)


@pytest.fixture(params=BACKENDS)
def empty_database(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Database]:
    """A database with no tables at all, on each backend."""
    yield from _fresh_database(request, request.param, tmp_path, empty=True)


@pytest.fixture(params=BACKENDS[1:])
def postgres_database(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Database]:
    """A fresh, initialised PostgreSQL database, for what only PostgreSQL does."""
    yield from _fresh_database(request, request.param, tmp_path)


@pytest.fixture
def sqlite_database(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Database]:
    """A fresh, initialised SQLite database, for tests about one backend's plumbing."""
    yield from _fresh_database(request, "sqlite", tmp_path)


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    """Write how many PostgreSQL tests ran and were skipped, for .ci/run to check."""
    report_path = os.environ.get("FUNDLEDGER_TEST_BACKEND_REPORT")
    if not report_path:
        return
    reporter = session.config.pluginmanager.get_plugin("terminalreporter")
    if reporter is None:
        return
    counts = {"passed": 0, "skipped": 0, "failed": 0}
    for outcome in counts:
        for report in reporter.stats.get(outcome, []):
            if "postgres" in getattr(report, "keywords", {}):
                counts[outcome] += 1
    Path(report_path).write_text(
        "".join(f"postgres_{outcome}={count}\n" for outcome, count in counts.items())
    )
