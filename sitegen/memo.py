"""What a build worked out, kept for the next one: results of pure steps by a digest of their inputs.

A daily rebuild reads thousands of unchanged listings and annotates thousands of unchanged papers; each such
step is a pure function of what it is given, so its result is kept in the work folder (memo-<kind>.pickle) by
a digest of its inputs, and the next build takes it from there. Every memo is also keyed by sitegen's own files
and Python's version: any change of the code starts it afresh. A memo keeps only what the last build used, so
it never grows past one archive's worth. It is a cache: a missing, unreadable or foreign file is ignored, and
one that cannot be written leaves the build as it was.

The files are pickles, trusted as the work folder is (whoever can write there can change the project's code).
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import os
import pickle
import sys
from pathlib import Path
from typing import Generic, TypeVar

from sitegen import fs

SITEGEN = Path(__file__).resolve().parent
T = TypeVar("T")


@functools.cache
def code_digest() -> str:
    """A digest of sitegen's own files (code, templates, scripts) and Python's version."""
    digest = hashlib.sha256(sys.version.encode())
    for dirpath, dirnames, filenames in os.walk(SITEGEN):
        dirnames[:] = sorted(d for d in dirnames if d != "__pycache__")
        for name in sorted(filenames):
            path = Path(dirpath) / name
            digest.update(path.relative_to(SITEGEN).as_posix().encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()


def key(*parts: object) -> bytes:
    """Return the digest of a step's inputs: picklable values holding no set (a set pickles in an order that
    changes from one process to the next)."""
    return hashlib.blake2b(pickle.dumps(parts, protocol=pickle.HIGHEST_PROTOCOL), digest_size=16).digest()


class Memo(Generic[T]):
    """One kind of step's results: looked up by key(), kept for the next build by save()."""

    def __init__(self, folder: Path | None, kind: str) -> None:
        self.path = folder / f"memo-{kind}.pickle" if folder is not None else None
        self.old: dict[bytes, T] = self._load()
        self.new: dict[bytes, T] = {}
        self.replaced = False
        """A result was put in place of one kept under the same key (a memo of one value that changes)."""

    def _load(self) -> dict[bytes, T]:
        if self.path is None:
            return {}
        try:
            with self.path.open("rb") as f:
                stored = pickle.load(f)
        except Exception:  # a cache: whatever is wrong with it, start afresh
            return {}
        if not isinstance(stored, dict) or stored.get("code") != code_digest():
            return {}
        values = stored.get("values")
        return values if isinstance(values, dict) else {}

    def get(self, digest: bytes) -> T | None:
        """Return the result kept for these inputs (None when there is none); it is kept for the next build."""
        value = self.old.get(digest)
        if value is not None:
            self.new[digest] = value
        return value

    def put(self, digest: bytes, value: T) -> T:
        self.replaced = self.replaced or digest in self.old
        self.new[digest] = value
        return value

    def save(self) -> None:
        """Keep what this build used (and only that) for the next one."""
        if self.path is None or (self.new.keys() == self.old.keys() and not self.replaced):
            return
        data = pickle.dumps({"code": code_digest(), "values": self.new}, protocol=pickle.HIGHEST_PROTOCOL)
        with contextlib.suppress(OSError):  # a cache that cannot be kept is only slower next time
            fs.write_bytes(self.path, data)
