"""What a build worked out, kept for the next one: results of pure steps by a digest of their inputs.

A daily rebuild reads thousands of unchanged listings and annotates thousands of unchanged papers; each such
step is a pure function of what it is given, so its result is kept in the work folder (memo-<kind>.pickle) by
a digest of its inputs, and the next build takes it from there. Every memo is also keyed by sitegen's own files,
Python's version and the versions of the libraries that shape a build's output: any change of them starts it
afresh. A memo keeps what the last build used, and until
it is written whole again (REWRITE_SHARE) some results no build uses any more, so it never grows past about
one and a quarter archive's worth. It is a cache: a missing, unreadable or foreign file is ignored, and
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
from importlib import metadata
from pathlib import Path
from typing import Any, Generic, TypeVar

from sitegen import fs

SITEGEN = Path(__file__).resolve().parent
T = TypeVar("T")


LIBRARIES = ("mkdocs", "mkdocs-material", "markdown", "pymdown-extensions", "markdown-it-py", "lunr", "pyyaml",
             "jinja2", "markupsafe", "pygments", "python-slugify", "text-unidecode", "Unidecode", "latex2mathml",
             "feedgen", "lxml", "scikit-learn", "scipy", "numpy", "matplotlib", "selectolax")
"""The libraries whose version can change what a build writes (or what a memo keeps: page names, documents)."""


@functools.cache
def code_digest() -> str:
    """A digest of sitegen's own files (code, templates, scripts), Python's version and the versions of LIBRARIES."""
    digest = hashlib.sha256(sys.version.encode())
    for library in LIBRARIES:
        try:
            digest.update(f"{library}={metadata.version(library)}\n".encode())
        except metadata.PackageNotFoundError:
            digest.update(f"{library}=none\n".encode())
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


REWRITE_SHARE = 4
"""A memo is written whole again once what its last whole copy holds unused, plus what was added since, passes
1/REWRITE_SHARE of what the build used; until then a build writes only what it added (memo-<kind>.delta.pickle)."""


class Memo(Generic[T]):
    """One kind of step's results: looked up by key(), kept for the next build by save().

    A day's rebuild changes a few dozen of ten thousand results, so the memo is kept as a whole copy (the base)
    and what builds added since (the delta): save() writes the delta alone until the base holds too much that
    is no longer used, then the whole memo. Each file is written atomically; a delta names the base it adds to,
    so one left beside another base is ignored.
    """

    def __init__(self, folder: Path | None, kind: str) -> None:
        self.path = folder / f"memo-{kind}.pickle" if folder is not None else None
        self.delta = folder / f"memo-{kind}.delta.pickle" if folder is not None else None
        self.base_id = ""
        self.base: frozenset[bytes] = frozenset()
        """The keys the base file holds."""
        self.changed: set[bytes] = set()
        """The keys whose result is not the base's: taken from the delta, or put() in place of a kept one."""
        self.old: dict[bytes, T] = self._load()
        self.new: dict[bytes, T] = {}
        self.replaced = False
        """A result was put in place of one kept under the same key (a memo of one value that changes)."""

    def _load(self) -> dict[bytes, T]:
        base = _read(self.path)
        if base is None or not isinstance(base.get("id"), str):
            return {}
        self.base_id, self.base = base["id"], frozenset(base["values"])
        delta = _read(self.delta)
        if delta is None or delta.get("base") != self.base_id:
            return base["values"]  # type: ignore[no-any-return]
        self.changed = set(delta["values"])
        return {**base["values"], **delta["values"]}

    def get(self, digest: bytes) -> T | None:
        """Return the result kept for these inputs (None when there is none); it is kept for the next build."""
        value = self.old.get(digest)
        if value is not None:
            self.new[digest] = value
        return value

    def put(self, digest: bytes, value: T) -> T:
        if digest in self.old:
            self.changed.add(digest)
            self.replaced = True
        self.new[digest] = value
        return value

    def save(self) -> None:
        """Keep what this build used (and only that, but for what a base holds until it is written again)."""
        if self.path is None or self.delta is None or (self.new.keys() == self.old.keys() and not self.replaced):
            return
        added = {k: v for k, v in self.new.items() if k not in self.base or k in self.changed}
        unused = sum(1 for k in self.base if k not in self.new)
        with contextlib.suppress(OSError):  # a cache that cannot be kept is only slower next time
            if self.base and (len(added) + unused) * REWRITE_SHARE <= len(self.new):
                fs.write_bytes(self.delta, _dumps({"code": code_digest(), "base": self.base_id, "values": added}))
                return
            fs.write_bytes(self.path, _dumps({"code": code_digest(), "id": os.urandom(8).hex(), "values": self.new}))
            self.delta.unlink(missing_ok=True)


def _read(path: Path | None) -> dict[str, Any] | None:
    """Return a memo file's contents: None when it is missing, unreadable, or written by other code."""
    if path is None:
        return None
    try:
        with path.open("rb") as f:
            stored = pickle.load(f)
    except Exception:  # a cache: whatever is wrong with it, start afresh
        return None
    if not isinstance(stored, dict) or stored.get("code") != code_digest() or not isinstance(stored.get("values"),
                                                                                               dict):
        return None
    return stored


def _dumps(value: object) -> bytes:
    return pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL)
