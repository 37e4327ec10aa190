"""How the benchmark measures: whole processes (wall time, peak memory) and page latency.

A command is timed as the operator sees it, start-up included; its peak memory is
what GNU time reports for it (its own maximum resident set).
Pages are fetched by concurrent clients that sign in once and reuse the cookie.
"""

from __future__ import annotations

import html.parser
import http.client
import statistics
import subprocess
import tempfile
import threading
import time
import urllib.parse
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

#: GNU time, which reports the peak memory of the command it runs.
TIME = "/usr/bin/time"


@dataclass(frozen=True, slots=True)
class Run:
    seconds: float
    max_rss_mb: float
    #: User and system CPU time: on a machine others share, less at the mercy of their
    #: load than the wall time.
    cpu_seconds: float


@dataclass(frozen=True, slots=True)
class Figure:
    """The median wall time of several runs and the largest peak memory among them."""

    seconds: float
    max_rss_mb: float
    runs: int


def run_once(argv: Sequence[str], env: Mapping[str, str]) -> Run:
    """Run a command to completion; fails loudly if it fails (a benchmark of an error
    is no benchmark).

    The command is started by ``/usr/bin/time``: a child forked from this (large)
    process would count this process's memory in its own peak until it execs.
    """
    with tempfile.NamedTemporaryFile("r", suffix=".rss") as rss:
        started = time.perf_counter()
        done = subprocess.run(  # noqa: S603 - our own commands, no shell
            [TIME, "-f", "%M %U %S", "-o", rss.name, *argv], env=dict(env),
            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, check=False,
        )  # fmt: skip
        seconds = time.perf_counter() - started
        peak_kb, user, system = rss.read().split()[-3:]
    if done.returncode != 0:
        raise RuntimeError(
            f"{' '.join(argv)} exited {done.returncode}: {done.stderr.decode()[-2000:]}"
        )
    return Run(seconds, int(peak_kb) / 1024, float(user) + float(system))


def figure(argv: Sequence[str], env: Mapping[str, str], runs: int) -> Figure:
    measured = [run_once(argv, env) for _ in range(runs)]
    return Figure(
        statistics.median(run.seconds for run in measured),
        max(run.max_rss_mb for run in measured),
        runs,
    )


class _CsrfField(html.parser.HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.token = ""

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        fields = dict(attrs)
        if tag == "input" and fields.get("name") == "csrf_token":
            self.token = fields.get("value") or ""


def sign_in(port: int, email: str, password: str) -> str:
    """Sign in once through the login form; the session cookie to reuse."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    connection.request("GET", "/login")
    response = connection.getresponse()
    cookie = response.getheader("Set-Cookie", "").split(";")[0]
    parser = _CsrfField()
    parser.feed(response.read().decode())
    body = urllib.parse.urlencode(
        {"csrf_token": parser.token, "email": email, "password": password, "next": ""}
    )
    headers = {"Content-Type": "application/x-www-form-urlencoded", "Cookie": cookie}
    connection.request("POST", "/login", body=body, headers=headers)
    response = connection.getresponse()
    response.read()
    session = response.getheader("Set-Cookie", "").split(";")[0]
    connection.close()
    if response.status != 302 or not session:
        raise RuntimeError(f"sign-in as {email} failed: HTTP {response.status}")
    return session


#: How long a client waits for one page before the measurement counts as failed.
CLIENT_TIMEOUT = 120


@dataclass(frozen=True, slots=True)
class Latency:
    p50_ms: float
    p95_ms: float
    requests: int


def page_latency(port: int, path: str, cookie: str, *, clients: int, requests: int) -> Latency:
    """``clients`` threads, each on its own keep-alive connection, fetch ``path``
    ``requests`` times; every answer must be 200."""
    timings: list[float] = []
    failures: list[str] = []
    lock = threading.Lock()

    def client() -> None:
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=CLIENT_TIMEOUT)
        for _ in range(requests):
            started = time.perf_counter()
            try:
                connection.request("GET", path, headers={"Cookie": cookie})
                response = connection.getresponse()
                response.read()
            except OSError as error:  # a timeout is a failure to report, not a gap
                with lock:
                    failures.append(f"{path}: {error or type(error).__name__}")
                break
            elapsed = time.perf_counter() - started
            with lock:
                timings.append(elapsed)
                if response.status != 200:
                    failures.append(f"{path}: HTTP {response.status}")
        connection.close()

    threads = [threading.Thread(target=client) for _ in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    if failures:
        raise RuntimeError(
            f"{len(failures)} of {clients * requests} requests failed: {failures[0]}"
        )
    if len(timings) < 2:
        return Latency(timings[0] * 1000, timings[0] * 1000, 1)
    cuts = statistics.quantiles(timings, n=100, method="inclusive")
    return Latency(cuts[49] * 1000, cuts[94] * 1000, len(timings))


def peak_rss_mb(pids: Sequence[int]) -> float:
    """The largest high-water mark (VmHWM) among running processes."""
    peak = 0.0
    for pid in pids:
        try:
            with open(f"/proc/{pid}/status", encoding="ascii") as status:
                for line in status:
                    if line.startswith("VmHWM:"):
                        peak = max(peak, int(line.split()[1]) / 1024)
        except FileNotFoundError:
            continue
    return peak
