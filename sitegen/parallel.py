"""The second core: run one function in a forked child while this process goes on (MkDocs uses one core).

The child is forked, so it reads its arguments from the parent's memory as they were at the fork: nothing
is pickled on the way in, only the result on the way back. It dies with the build: killed even by SIGKILL,
the build leaves no process behind (on Linux the kernel signals the child; elsewhere the child notices its
parent is gone within a second). Where fork is not available, the function runs in this process.
"""

from __future__ import annotations

import contextlib
import ctypes
import ctypes.util
import gc
import multiprocessing
import os
import signal
import sys
import threading
import time
from collections.abc import Callable, Iterator
from multiprocessing.connection import Connection
from typing import Any, Generic, TypeVar

T = TypeVar("T")
_PR_SET_PDEATHSIG = 1
_WATCH_SECONDS = 1.0


class Beside(Generic[T]):
    """A function running beside this process: its result, and its own time."""

    def __init__(self, fn: Callable[..., T], args: tuple[Any, ...], here: bool = False) -> None:
        self._value: T | None = None
        self._error: BaseException | None = None
        self._done = False
        self.seconds = 0.0
        """The function's own running time (it overlaps the parent's work)."""
        self._process: Any = None
        self._conn: Connection | None = None
        if here or "fork" not in multiprocessing.get_all_start_methods():
            self._finish(_call(fn, args))
            return
        receive, send = multiprocessing.Pipe(duplex=False)
        self._process = multiprocessing.get_context("fork").Process(
            target=_child, args=(fn, args, send, os.getpid()), daemon=True)
        self._process.start()
        send.close()
        self._conn = receive

    def result(self) -> T:
        """Wait for the function; return its value or raise its exception."""
        if not self._done:
            assert self._conn is not None
            try:
                outcome = self._conn.recv()
            except EOFError:
                outcome = (RuntimeError(f"the second process ended without an answer "
                                        f"(exit code {self._process.exitcode})"), None, 0.0)
            self._finish(outcome)
            self._stop()
        if self._error is not None:
            raise self._error
        return self._value  # type: ignore[return-value]

    def _finish(self, outcome: tuple[BaseException | None, Any, float]) -> None:
        self._error, self._value, self.seconds = outcome
        self._done = True

    def _stop(self) -> None:
        if self._process is not None:
            if self._process.is_alive() and not self._done:
                self._process.kill()
            self._process.join()
            self._process = None
        if self._conn is not None:
            self._conn.close()
            self._conn = None


FORK_FROM = 50
"""Papers from which work goes to the second core: below, a fork (some 20 ms) costs more than the work."""


@contextlib.contextmanager
def beside(fn: Callable[..., T], *args: Any, here: bool = False) -> Iterator[Beside[T]]:
    """Run fn(*args) on the second core for the length of the block; a block that fails stops it.

    here: run it in this process, now (work too small to pay for a fork: fewer than FORK_FROM papers)."""
    running = Beside(fn, args, here)
    try:
        yield running
    finally:
        running._stop()


def _call(fn: Callable[..., Any], args: tuple[Any, ...]) -> tuple[BaseException | None, Any, float]:
    start = time.perf_counter()
    try:
        value = fn(*args)
    except Exception as exc:  # handed to the parent, which raises it where it waits for the result
        return exc, None, round(time.perf_counter() - start, 3)
    return None, value, round(time.perf_counter() - start, 3)


def _child(fn: Callable[..., Any], args: tuple[Any, ...], conn: Connection, parent: int) -> None:
    # Ctrl-C reaches the whole process group: the parent stops the child, which must not print a traceback.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    gc.freeze()  # what the child inherits outlives it: the collector need not look through it again
    _die_with(parent)
    conn.send(_call(fn, args))
    conn.close()


def _die_with(parent: int) -> None:
    """Run in the child as it starts: end it when the process that forked it ends."""
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
def collector_paused() -> Iterator[None]:
    """Keep Python's cyclic garbage collector from running for the length of the block (work that makes many
    objects and no reference cycle, which each collection would only look through)."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def cores() -> int:
    """Return the number of cores this process may use."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not on Linux
        return max(1, os.cpu_count() or 1)
