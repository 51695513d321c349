"""A second core for work that overlaps MkDocs (which uses one): a one-process pool, forked."""

from __future__ import annotations

import contextlib
import multiprocessing
from collections.abc import Callable, Iterator
from concurrent.futures import Executor, Future, ProcessPoolExecutor
from typing import Any


class _Inline(Executor):
    """Runs work at once in this process: where fork is not available."""

    def submit(self, fn: Callable[..., Any], /, *args: Any, **kwargs: Any) -> Future:
        future: Future = Future()
        try:
            future.set_result(fn(*args, **kwargs))
        except BaseException as exc:  # handed to whoever waits on the future, as a pool would
            future.set_exception(exc)
        return future


@contextlib.contextmanager
def second_core() -> Iterator[Executor]:
    """Yield an executor whose work runs beside this process; waits for it and cleans up on exit."""
    if "fork" not in multiprocessing.get_all_start_methods():
        yield _Inline()
        return
    with ProcessPoolExecutor(max_workers=1, mp_context=multiprocessing.get_context("fork")) as pool:
        yield pool
