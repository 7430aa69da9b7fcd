"""Work on several threads: NumPy and Polars release the GIL in their loops (decisions 0105, 0106)."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor

#: Threads for a batch: one per core, at most 8.
THREADS = max(1, min(8, os.cpu_count() or 1))


def je[E, T](funktion: Callable[[E], T], elemente: Iterable[E], threads: int | None = None) -> list[T]:
    """Return `[funktion(e) for e in elemente]`, computed on up to `threads` threads (default `THREADS`).

    If calls raise, the exception of the first element in order is raised, as a plain loop would.
    """
    elemente = list(elemente)
    threads = THREADS if threads is None else threads
    if threads <= 1 or len(elemente) <= 1:
        return [funktion(e) for e in elemente]
    with ThreadPoolExecutor(min(threads, len(elemente))) as pool:
        return list(pool.map(funktion, elemente))
