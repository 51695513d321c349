"""A second core for work that overlaps MkDocs (which uses one): a one-process pool, forked.

The worker dies with the build: killed even by SIGKILL, the build leaves no process behind (on Linux the
kernel signals the worker, elsewhere the worker notices its parent is gone within a second).
"""

from __future__ import annotations

import contextlib
import ctypes
import ctypes.util
import multiprocessing
import os
import signal
import sys
import threading
import time
from collections.abc import Callable, Iterator
from concurrent.futures import Executor, Future, ProcessPoolExecutor
from typing import Any

_PR_SET_PDEATHSIG = 1
_WATCH_SECONDS = 1.0


class _Inline(Executor):
    """Runs work at once in this process: where fork is not available."""

    def submit(self, fn: Callable[..., Any], /, *args: Any, **kwargs: Any) -> Future:
        future: Future = Future()
        try:
            future.set_result(fn(*args, **kwargs))
        except BaseException as exc:  # handed to whoever waits on the future, as a pool would
            future.set_exception(exc)
        return future


def _die_with(parent: int) -> None:
    """Run in the worker as it starts: end it when the process that forked it ends."""
    if sys.platform.startswith("linux"):
        libc = ctypes.CDLL(ctypes.util.find_library("c"), use_errno=True)
        if libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0) == 0:
            if os.getppid() != parent:  # the parent died before the call: nobody will send the signal
                os._exit(1)
            return

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(_WATCH_SECONDS)
        os._exit(1)

    threading.Thread(target=watch, daemon=True).start()


@contextlib.contextmanager
def second_core() -> Iterator[Executor]:
    """Yield an executor whose work runs beside this process; waits for it and cleans up on exit."""
    if "fork" not in multiprocessing.get_all_start_methods():
        yield _Inline()
        return
    with ProcessPoolExecutor(max_workers=1, mp_context=multiprocessing.get_context("fork"),
                             initializer=_die_with, initargs=(os.getpid(),)) as pool:
        yield pool
