"""gunicorn's settings for fundledger, read from the directory gunicorn starts in (README,
Production) and by ``make bench``: one process per core, each with threads, so that a
request waiting on the database or the network does not hold a core, and connections
kept alive, so that a client asking again pays no new TCP connection. Measured against
the 4 sync workers used before, on 2 shared cores (docs/PERFORMANCE.md)."""

from __future__ import annotations

import os

# WEB_CONCURRENCY (gunicorn's own variable) or the command line's --workers override it.
workers = int(os.environ.get("WEB_CONCURRENCY", os.cpu_count() or 2))
worker_class = "gthread"
threads = 8
keepalive = 5
