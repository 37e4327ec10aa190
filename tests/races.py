"""Requests raced on real connections: released together, and held where a race would
hurt, so that the race the review found happens on every run instead of now and then.

A rendezvous gives up after a moment: a request that waits for a lock held by one
already there must not hang the test, it only narrows the race again.
"""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import TypeVar

Answer = TypeVar("Answer")


def rendezvous(parties: int, patience: float = 1.0) -> Callable[[], None]:
    """Wait until ``parties`` threads are here, or ``patience`` seconds have passed."""
    barrier = threading.Barrier(parties, timeout=patience)

    def meet() -> None:
        with contextlib.suppress(threading.BrokenBarrierError):
            barrier.wait()

    return meet


def all_at_once(count: int, work: Callable[[int], Answer]) -> list[Answer]:
    """``work(i)`` in ``count`` threads released together."""
    start = threading.Barrier(count)

    def task(i: int) -> Answer:
        start.wait()
        return work(i)

    with ThreadPoolExecutor(count) as pool:
        return list(pool.map(task, range(count)))
