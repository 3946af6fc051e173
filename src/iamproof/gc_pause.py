"""Pausing Python's cyclic garbage collector during a query.

A query allocates millions of short-lived objects (product-automaton states, formula nodes, Z3 term
wrappers) that reference counting frees as soon as they are dropped. The cyclic collector still runs
after every 700 allocations, and its older-generation passes walk the whole heap: the parsed policies,
the compiled formulas, the memoized automata. Measured on the 300-statement generated pairs
(benchmarks/README.md), these passes took about a third of every query. The collector is paused while a
query runs and resumed after it (pauses nest, and are counted across threads); cycles made meanwhile
are collected at the next pass after that.
"""

from __future__ import annotations

import functools
import gc
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import ParamSpec, TypeVar

_lock = threading.Lock()
_depth = 0
_was_enabled = False

P = ParamSpec("P")
R = TypeVar("R")


@contextmanager
def collector_paused() -> Iterator[None]:
    """The cyclic collector is off inside (unless it was off already, in which case it stays off)."""
    global _depth, _was_enabled
    with _lock:
        if _depth == 0:
            _was_enabled = gc.isenabled()
            gc.disable()
        _depth += 1
    try:
        yield
    finally:
        with _lock:
            _depth -= 1
            if _depth == 0 and _was_enabled:
                gc.enable()


def pausing_collector(function: Callable[P, R]) -> Callable[P, R]:
    """Runs `function` with the cyclic collector paused."""

    @functools.wraps(function)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        with collector_paused():
            return function(*args, **kwargs)

    return wrapper
