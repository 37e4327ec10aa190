"""``make bench``: fundledger's figures at each ledger size, on SQLite and PostgreSQL.

For each backend and size: a fresh database; the demo and growth through the service
layer to BASE_ENTRIES (timed: posting throughput), then bulk growth to the size in
several steps (timed: bulk throughput); then each command as a whole process, the
median of --runs runs, with its peak memory; the hledger export and ``hledger balance``
on it; and the home and journal pages under concurrent signed-in clients against
gunicorn. First, once per run, the start-up figures (bench/startup.py): ``fundledger
--help`` and a read-only command beside ``hledger --version``. Prints a Markdown table per
size and writes it (and the raw figures as JSON) to --out.

    .venv/bin/python bench/run.py --sizes 10000 100000 --runs 3 --out bench/results
    .venv/bin/python bench/run.py --startup-only      # the start-up table alone, in seconds
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import shutil
import socket
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import Any

from sqlalchemy import make_url, text

import fundledger
from bench.measure import Figure, figure, page_latency, peak_rss_mb, run_once, sign_in
from bench.startup import DEFAULT_RUNS, startup_figures, startup_markdown
from bench.statement import TARGET as WARM_TARGET
from bench.statement import issue_times
from fundledger.actors import Actor
from fundledger.db import Database, create_db_engine
from fundledger.demo.dataset import YEARS, demo_password, story_end
from fundledger.demo.growth import entry_count, grow_in_bulk, grow_through_services

VENV_BIN = Path(sys.executable).parent
FUNDLEDGER = str(VENV_BIN / "fundledger")
GUNICORN = str(VENV_BIN / "gunicorn")
#: The production settings (README): the pages are timed as they would be served.
GUNICORN_CONF = Path(__file__).resolve().parent.parent / "gunicorn.conf.py"
HLEDGER = shutil.which("hledger") or "/usr/bin/hledger"
SEED = 2141
#: Entries posted through the service layer before bulk growth, then SERVICE_SAMPLE more
#: per further run.
BASE_ENTRIES = 5_000
SERVICE_SAMPLE = 1_000
AS_OF = "2024-06-30"
HEAVY_DONOR = "MEX"
STATEMENT_YEAR = "2025"
#: The demo's whole history: the heavy donor's statement covers it.
LAST_DAY = story_end()
FIRST_DAY = dt.date(LAST_DAY.year - YEARS + 1, 1, 1)
#: Issue 16's statement figures and their targets (seconds; the second at 1M entries).
WARM_STATEMENT = f"donor statement, warm web process ({HEAVY_DONOR}, 1,000 gifts)"
ALL_STATEMENTS = f"all donors' statements {STATEMENT_YEAR}"
TARGETS = {WARM_STATEMENT: WARM_TARGET, ALL_STATEMENTS: 10.0}
CLIENTS = 20
REQUESTS_PER_CLIENT = 10
#: The public page's target (issue 18): p95 at most 100 ms at this many clients.
PUBLIC_CLIENTS = 50
#: Who signs in (demo logins without a second factor), and which pages are timed:
#: name -> (path, login or None for no one, concurrent clients, requests per client).
LOGINS = {"auditor": "auditor@demo.fundledger.org", "donor": "mexico@demo.fundledger.org"}
PAGES: dict[str, tuple[str, str | None, int, int]] = {
    "journal (auditor)": ("/journal", LOGINS["auditor"], CLIENTS, REQUESTS_PER_CLIENT),
    "home (donor MEX)": ("/", LOGINS["donor"], CLIENTS, REQUESTS_PER_CLIENT),
    "home (auditor)": ("/", LOGINS["auditor"], CLIENTS, REQUESTS_PER_CLIENT),
    "/public (anyone)": ("/public", None, PUBLIC_CLIENTS, REQUESTS_PER_CLIENT),
    # The reference beside it: a static file through the same gunicorn, same load (the
    # floor of what any page of the app can do on this machine).
    "static file (reference)": (
        "/static/fundledger.css",
        None,
        PUBLIC_CLIENTS,
        REQUESTS_PER_CLIENT,
    ),
}
#: The page compared with the reference, in the ratio line.
PUBLIC, REFERENCE = "/public (anyone)", "static file (reference)"
#: What ``--pages`` names: a short word for each group of timed pages.
PAGE_CHOICES = {
    "journal": ("journal (auditor)",),
    "home": ("home (donor MEX)", "home (auditor)"),
    "public": (PUBLIC, REFERENCE),
}
OPERATOR = Actor("bench@fundledger.invalid", request_id="bench")

Results = dict[str, Any]


def main() -> None:
    options = _arguments()
    if not Path(HLEDGER).exists():
        sys.exit(f"bench: {HLEDGER} not found; install it (apt-get install hledger)")
    out = Path(options.out)
    out.mkdir(parents=True, exist_ok=True)
    work = Path(options.work)
    work.mkdir(parents=True, exist_ok=True)
    _compile_bytecode()
    results: dict[str, dict[str, Results]] = {}
    stamp = dt.datetime.now(dt.UTC).strftime("%Y%m%dT%H%M%SZ")
    startup: dict[str, dict[str, float]] = {}  # --pages times pages alone
    if not options.pages:
        print("== start-up", file=sys.stderr, flush=True)
        startup = startup_figures(FUNDLEDGER, HLEDGER, os.environ, work, options.startup_runs)
    (out / f"{stamp}.json").write_text(json.dumps({"startup": startup}, indent=2))
    for size in [] if options.startup_only else options.sizes:
        for backend in options.backends:
            print(f"== {backend}, {size} entries", file=sys.stderr, flush=True)
            url = _database(backend, size, work, options.postgres, reuse=options.reuse)
            measured = _measure(
                url, size, work, options.runs, build=not options.reuse, pages=_chosen(options.pages)
            )
            results.setdefault(str(size), {})[backend] = measured
            # Saved as it goes: a long run that fails later keeps what it measured.
            (out / f"{stamp}.json").write_text(
                json.dumps({"startup": startup, **results}, indent=2)
            )
    report = _markdown(startup, results, options)
    print(report)
    (out / f"{stamp}.md").write_text(report)


def _compile_bytecode() -> None:
    """Compile fundledger's modules once, as installing a package does. An environment
    with PYTHONDONTWRITEBYTECODE set (this one has) never writes them, and every timed
    command would then compile the package from source again."""
    package = Path(fundledger.__file__).parent
    subprocess.run([sys.executable, "-m", "compileall", "-q", str(package)], check=True)  # noqa: S603


def _arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000])
    parser.add_argument("--runs", type=int, default=3, help="Runs per figure (median).")
    parser.add_argument("--startup-runs", type=int, default=DEFAULT_RUNS,
                        help="Runs per start-up figure (median).")  # fmt: skip
    parser.add_argument(
        "--startup-only",
        action="store_true",
        help="Measure start-up only (no databases of --sizes are built).",
    )
    parser.add_argument("--backends", nargs="+", default=["sqlite", "postgresql"])
    parser.add_argument("--postgres", default="postgresql+psycopg://postgres@127.0.0.1:5432/test",
                        help="A server where the user may create databases.")  # fmt: skip
    parser.add_argument("--work", default="/tmp/fundledger-bench", help="Scratch directory.")  # noqa: S108 - a scratch default, overridable
    parser.add_argument("--out", default="bench/results")
    parser.add_argument("--pages", nargs="+", choices=sorted(PAGE_CHOICES),
                        help="Time only these pages (with their static-file reference for "
                        "public), skipping every command; e.g. --pages public --sizes 10000 "
                        "--backends sqlite.")  # fmt: skip
    parser.add_argument("--reuse", action="store_true",
                        help="Measure the databases a previous run left (migrated to the "
                        "current schema), without building them again (no throughput "
                        "figures).")  # fmt: skip
    return parser.parse_args()


def _database(backend: str, size: int, work: Path, postgres: str, *, reuse: bool) -> str:
    """A fresh empty database for one backend and size, or with ``reuse`` the one the
    last run left: each is kept until the next run of its backend and size."""
    if backend == "sqlite":
        path = work / f"bench-{size}.sqlite3"
        if not reuse:
            for stale in work.glob(f"bench-{size}.sqlite3*"):
                stale.unlink()
        return f"sqlite:///{path}"
    name = f"fundledger_bench_{size}"
    if not reuse:
        admin = create_db_engine(postgres, isolation_level="AUTOCOMMIT")
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
            connection.execute(text(f'CREATE DATABASE "{name}"'))
        admin.dispose()
    return make_url(postgres).set(database=name).render_as_string(hide_password=False)


def _chosen(groups: list[str] | None) -> list[str] | None:
    """The pages ``--pages`` names; none (every page and every command) without it."""
    if groups is None:
        return None
    return [page for group in groups for page in PAGE_CHOICES[group]]


def _measure(url: str, size: int, work: Path, runs: int, *, build: bool = True,
             pages: list[str] | None = None) -> Results:  # fmt: skip
    env = {**os.environ, "FUNDLEDGER_DATABASE_URL": url,
           "FUNDLEDGER_STATEMENTS_DIR": str(work / "statements"),
           "FUNDLEDGER_SECRET_KEY": "bench-only-secret"}  # fmt: skip
    results: Results = {"service_entries_per_s": [], "bulk_entries_per_s": []}
    run_once([FUNDLEDGER, "init"], env)  # a kept database is migrated to the current schema
    if build:
        run_once([FUNDLEDGER, "demo", "--seed", str(SEED)], env)
    database = Database(url)
    try:
        if build:
            results["service_entries_per_s"] = _service_throughput(database, size, runs)
            results["bulk_entries_per_s"] = _bulk_throughput(database, size, runs)
            print(
                f"   service {_median_rate(results['service_entries_per_s'])}, bulk"
                f" {_median_rate(results['bulk_entries_per_s'])}",
                file=sys.stderr,
                flush=True,
            )
        with database.session() as session:
            results["entries"] = entry_count(session)
    finally:
        database.dispose()
    if pages is not None:  # only these pages, none of the commands
        results["pages"] = _pages(env, runs, pages)
        return results
    commands = {
        "startup (--help)": [FUNDLEDGER, "--help"],
        "trial-balance": [FUNDLEDGER, "trial-balance"],
        f"trial-balance --as-of {AS_OF}": [FUNDLEDGER, "trial-balance", "--as-of", AS_OF],
        "verify": [FUNDLEDGER, "verify"],
        f"donor statement ({HEAVY_DONOR}, 1,000 gifts)": [
            FUNDLEDGER, "statement", "donor", HEAVY_DONOR, "--from", str(FIRST_DAY),
            "--to", str(LAST_DAY)],
        ALL_STATEMENTS: [FUNDLEDGER, "statement", "donors", "--year", STATEMENT_YEAR],
    }  # fmt: skip
    for name, argv in commands.items():
        results[name] = _as_dict(figure(argv, env, runs))
        print(f"   {name}: {_process(results[name])}", file=sys.stderr, flush=True)
    warm = issue_times(url, HEAVY_DONOR, FIRST_DAY, LAST_DAY, runs)
    results[WARM_STATEMENT] = {"seconds": statistics.median(w for w, _cpu in warm),
                               "cpu_seconds": statistics.median(c for _w, c in warm)}  # fmt: skip
    print(f"   {WARM_STATEMENT}: {warm}", file=sys.stderr, flush=True)
    journal = work / "fund.journal"
    results["export hledger"] = _as_dict(
        figure([FUNDLEDGER, "export", "hledger", "--out", str(journal)], env, runs)
    )
    results["hledger balance"] = _as_dict(
        figure([HLEDGER, "-f", str(journal), "balance"], env, runs)
    )
    journal.unlink()
    try:
        results["pages"] = _pages(env, runs, list(PAGES))
    except (RuntimeError, OSError) as error:  # recorded: the other figures still count
        results["pages_error"] = str(error)
    return results


def _service_throughput(database: Database, size: int, runs: int) -> list[float]:
    """Entries/s through the service layer: the growth to BASE_ENTRIES (which gives the
    heavy donor its gifts), then ``runs - 1`` growths of SERVICE_SAMPLE entries each."""
    grow = partial(grow_through_services, database, OPERATOR, seed=SEED, progress=_quiet)
    rates = [_rate(grow, min(size, BASE_ENTRIES))]
    for _ in range(runs - 1):
        with database.session() as session:
            rates.append(_rate(grow, min(size, entry_count(session) + SERVICE_SAMPLE)))
    return [rate for rate in rates if rate > 0]


def _bulk_throughput(database: Database, size: int, runs: int) -> list[float]:
    """Entries/s in bulk: the rest of the way to ``size`` in ``runs`` equal steps."""
    grow = partial(grow_in_bulk, database, OPERATOR, progress=_quiet)
    with database.session() as session:
        start = entry_count(session)
    step = max(1, -(-(size - start) // runs))
    rates = [_rate(grow, min(target, size)) for target in range(start + step, size + step, step)]
    return [rate for rate in rates if rate > 0]


def _rate(grow: Callable[..., int], entries: int) -> float:
    """Entries/s of one growth to ``entries`` (0 when there was nothing to add)."""
    started = time.perf_counter()
    added = grow(entries=entries)
    return added / (time.perf_counter() - started) if added else 0.0


def _quiet(_added: int) -> None:
    """No progress bar inside the benchmark."""


def _pages(env: dict[str, str], runs: int, names: list[str]) -> Results:
    """p50/p95 of each page of ``names`` under its concurrent clients (median of ``runs``),
    signed in once per role that one of them needs."""
    port = _free_port()
    server = subprocess.Popen(  # noqa: S603 - our own server, no shell
        [GUNICORN, "--config", str(GUNICORN_CONF), "--bind", f"127.0.0.1:{port}",
         "--log-level", "warning", "--timeout", "900", "fundledger:create_app()"],
        env={**env, "FUNDLEDGER_PUBLIC_URL": f"http://127.0.0.1:{port}"},
    )  # fmt: skip
    try:
        _wait_for(port)
        needed = {PAGES[name][1] for name in names}
        cookies = {email: sign_in(port, email, demo_password(role, SEED))
                   for role, email in LOGINS.items() if email in needed}  # fmt: skip
        pages: Results = {}
        for page in names:
            path, email, clients, requests = PAGES[page]
            try:
                cookie = "" if email is None else cookies[email]
                pages[page] = _page(port, path, cookie, clients, requests, runs)
            except RuntimeError as error:  # recorded in its cell; the other pages still count
                pages[page] = {"error": str(error)}
        pages["max_rss_mb"] = peak_rss_mb(_children(server.pid))
        return pages
    finally:
        server.terminate()
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:  # a worker still inside a long request
            server.kill()
            server.wait()


def _page(port: int, path: str, cookie: str, clients: int, requests: int, runs: int) -> Results:
    if requests > 1:
        page_latency(port, path, cookie, clients=clients, requests=1)  # warm the workers
    measured = [
        page_latency(port, path, cookie, clients=clients, requests=requests) for _ in range(runs)
    ]
    return {
        "p50_ms": statistics.median(m.p50_ms for m in measured),
        "p95_ms": statistics.median(m.p95_ms for m in measured),
        "requests": sum(m.requests for m in measured),
    }


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _wait_for(port: int) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError(f"gunicorn did not listen on port {port}")


def _children(pid: int) -> list[int]:
    path = Path(f"/proc/{pid}/task/{pid}/children")
    return [int(child) for child in path.read_text().split()] if path.exists() else []


def _as_dict(measured: Figure) -> dict[str, float]:
    return {"seconds": measured.seconds, "max_rss_mb": measured.max_rss_mb}


def _process(measured: dict[str, Any]) -> str:
    """A process's time and peak memory, or a time measured inside this process."""
    if "max_rss_mb" not in measured:
        return f"{measured['seconds']:.3f} s ({measured['cpu_seconds']:.3f} s CPU)"
    return f"{measured['seconds']:.2f} s, {measured['max_rss_mb']:.0f} MB"


def _target(name: str) -> str:
    return f" (target ≤ {TARGETS[name]:g} s)" if name in TARGETS else ""


def _latency(measured: dict[str, Any]) -> str:
    if "error" in measured:
        return f"failed: {measured['error'][:60]}"
    return f"p50 {measured['p50_ms']:.0f} ms, p95 {measured['p95_ms']:.0f} ms"


def _public_ratio(pages: Results) -> str:
    ours, reference = pages.get(PUBLIC, {}), pages.get(REFERENCE, {})
    if "p95_ms" not in ours or "p95_ms" not in reference:
        return "n/a"
    return (f"{ours['p50_ms'] / reference['p50_ms']:.1f}×, "
            f"{ours['p95_ms'] / reference['p95_ms']:.1f}×")  # fmt: skip


def _median_rate(rates: list[float]) -> str:
    return f"{statistics.median(rates):,.0f} entries/s" if rates else "n/a"


def _ratio(ours: dict[str, float], theirs: dict[str, float]) -> str:
    ratio = ours["seconds"] / theirs["seconds"]
    if ratio < 1:
        return f"{ratio:.3f} (hledger {1 / ratio:.1f}× slower)"
    return f"{ratio:.3f} (ours {ratio:.1f}× slower)"


def _markdown(
    startup: dict[str, dict[str, float]],
    results: dict[str, dict[str, Results]],
    options: argparse.Namespace,
) -> str:
    backends = options.backends
    lines = [
        f"fundledger benchmark, {dt.datetime.now(dt.UTC):%Y-%m-%d %H:%M} UTC; "
        f"{os.cpu_count()} CPUs; load average at the end {os.getloadavg()[0]:.2f}; "
        f"median of {options.runs} runs",
        "",
        *(startup_markdown(startup) if startup else []),
    ]
    for size, by_backend in results.items():
        lines += [f"### {int(size):,} entries", "",
                  "| measure | " + " | ".join(backends) + " |",
                  "|---|" + "---:|" * len(backends)]  # fmt: skip
        first = by_backend[backends[0]]
        for key in ("service_entries_per_s", "bulk_entries_per_s"):
            cells = [_median_rate(by_backend[b][key]) for b in backends]
            lines.append(
                f"| {key.replace('_', ' ').replace(' per s', '')} | " + " | ".join(cells) + " |"
            )
        for name, value in first.items():
            if isinstance(value, dict) and "seconds" in value:
                cells = [_process(by_backend[b][name]) for b in backends]
                lines.append(f"| {name}{_target(name)} | " + " | ".join(cells) + " |")
        for name in (
            ("trial-balance", f"trial-balance --as-of {AS_OF}")
            if "hledger balance" in first
            else ()
        ):
            cells = [
                _ratio(by_backend[b][name], by_backend[b]["hledger balance"]) for b in backends
            ]
            lines.append(f"| ours / hledger balance: {name} | " + " | ".join(cells) + " |")
        for page, (_path, _login, clients, _requests) in PAGES.items():
            if page not in first.get("pages", PAGES):
                continue  # not chosen with --pages
            cells = [_latency(by_backend[b]["pages"][page]) if "pages" in by_backend[b]
                     else "failed" for b in backends]  # fmt: skip
            lines.append(f"| page: {page}, {clients} client(s) | " + " | ".join(cells) + " |")
        cells = [_public_ratio(by_backend[b].get("pages", {})) for b in backends]
        lines.append("| /public p50, p95 ÷ static file's | " + " | ".join(cells) + " |")
        cells = [f"{by_backend[b]['pages']['max_rss_mb']:.0f} MB" if "pages" in by_backend[b]
                 else by_backend[b].get("pages_error", "")[:80] for b in backends]  # fmt: skip
        lines.append("| gunicorn worker peak memory | " + " | ".join(cells) + " |")
        lines.append("")
    return "\n".join(lines)


if __name__ == "__main__":
    main()
