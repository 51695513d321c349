"""`sitegen serve` run as a child process and watched from outside, as a user sees it: over HTTP and on its
terminal (used by `sitegen bench` and the tests)."""

from __future__ import annotations

import os
import queue
import re
import signal
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

_SERVING = re.compile(r"Serving on (http://\S+/)")
_WITH_CTRL_C = ("import signal, sys; signal.signal(signal.SIGINT, signal.default_int_handler); "
                "from sitegen.cli import main; sys.exit(main(sys.argv[1:]))")
"""`python -m sitegen`, with Ctrl-C (SIGINT) heard even when this process ignores it and the child would inherit
that (a script started in the background, `cmd &`, ignores SIGINT): stop() presses Ctrl-C."""


class ServeProcess:
    """A running `sitegen serve --archive ARCHIVE -a 127.0.0.1:0` (a free port), and its terminal lines."""

    def __init__(self, archive: Path, config: Path, cwd: Path, env: dict[str, str] | None = None,
                 start_seconds: float = 600) -> None:
        argv = [sys.executable, "-c", _WITH_CTRL_C, "serve", "--archive", str(archive), "--config", str(config),
                "-a", "127.0.0.1:0"]
        self.process = subprocess.Popen(argv, cwd=cwd, env=env or dict(os.environ), stdin=subprocess.DEVNULL,
                                        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        self.lines: list[str] = []
        self._new: queue.Queue[str] = queue.Queue()
        threading.Thread(target=self._read, daemon=True).start()
        line = self.wait_for(_SERVING.pattern, start_seconds)
        match = _SERVING.search(line)
        assert match is not None
        self.url = match.group(1)

    def _read(self) -> None:
        assert self.process.stderr is not None
        for line in self.process.stderr:
            self.lines.append(line.rstrip("\n"))
            self._new.put(line.rstrip("\n"))

    def wait_for(self, pattern: str, seconds: float = 60) -> str:
        """Return the next terminal line matching pattern (a regular expression); fail after seconds."""
        deadline = time.monotonic() + seconds
        while (left := deadline - time.monotonic()) > 0:
            try:
                line = self._new.get(timeout=min(left, 0.5))
            except queue.Empty:
                if self.process.poll() is not None and self._new.empty():
                    break
                continue
            if re.search(pattern, line):
                return line
        raise TimeoutError(f"sitegen serve printed no line matching {pattern!r}; it printed:\n" + "\n".join(self.lines))

    def get(self, path: str) -> tuple[int, str]:
        """Return the status and text of a served path (relative to the site's address)."""
        try:
            with urllib.request.urlopen(self.url + path, timeout=30) as answer:
                return answer.status, answer.read().decode("utf-8")
        except urllib.error.HTTPError as error:
            return error.code, error.read().decode("utf-8", "replace")

    def wait_until(self, path: str, text: str, seconds: float = 60, present: bool = True) -> float:
        """Poll path until it holds text (or, present False, no longer does); return the seconds it took."""
        start = time.perf_counter()
        while time.perf_counter() - start < seconds:
            status, body = self.get(path)
            if (status == 200 and text in body) == present:
                return time.perf_counter() - start
            time.sleep(0.01)
        raise TimeoutError(f"{path} did not {'show' if present else 'stop showing'} {text!r} within {seconds} s")

    def stop(self, seconds: float = 60) -> int:
        """Press Ctrl-C (SIGINT); return the exit status."""
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGINT)
        try:
            return self.process.wait(timeout=seconds)
        except subprocess.TimeoutExpired:
            self.process.kill()
            raise


EDITS = 3
"""Notes a measure writes, one after the other."""


def note_edit_seconds(archive: Path, config: Path, cwd: Path, slug: str,
                      env: dict[str, str] | None = None) -> list[float]:
    """Serve the archive; write a note on the paper slug EDITS times; return, for each, the seconds from the
    note file's writing to the served page showing it. The note is removed afterwards."""
    note = archive / "notes" / f"{slug}.md"
    if note.exists():
        raise FileExistsError(f"{note} exists: the benchmark writes its own note there")
    server = ServeProcess(archive, config, cwd, env)
    seconds = []
    try:
        note.parent.mkdir(parents=True, exist_ok=True)
        for n in range(EDITS):
            marker = f"benchmark-note-{n}-{time.time_ns()}"
            start = time.perf_counter()
            note.write_text(f"---\nrating: {1 + n % 5}\n---\nA note to time: {marker}.\n", encoding="utf-8")
            server.wait_until(f"papers/{slug}.html", marker)
            seconds.append(round(time.perf_counter() - start, 3))
            server.wait_for(r"^Rebuilt ")  # the rest of the site too, before the next edit
    finally:
        try:
            server.stop()  # first: the note's removal would start a rebuild that the stop then waits for
        finally:
            note.unlink(missing_ok=True)
    return seconds
