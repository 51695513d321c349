"""All file-system writes go through here: atomic, and only where the tool owns the path."""

from __future__ import annotations

import contextlib
import os
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import BinaryIO

PUBLIC = 0o644
"""Mode of every file the tool writes: readable by all, as a static site's files must be."""


def write_text(path: Path, text: str) -> bool:
    """Write text atomically; skip the write when the file already holds it. Return whether it changed."""
    data = text.encode("utf-8")
    if _holds(path, data):
        return False
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        os.chmod(tmp, PUBLIC)  # mkstemp makes 0600; a web server must be able to read what is published
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return True


def write_work_file(path: Path, text: str) -> bool:
    """Write a file of the tool's work folder unless it holds the text already; return whether it changed.

    Not atomic, and so three times quicker than write_text() for the thousands of pages a build generates: the
    work folder is the build's own scratch space, rewritten whole by the next build if this one is cut short.
    """
    data = text.encode("utf-8")
    if _holds(path, data):
        return False
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    return True


def _holds(path: Path, data: bytes) -> bool:
    """Tell whether the file at path holds exactly data (the size first, so that most changes read nothing)."""
    try:
        return path.stat().st_size == len(data) and path.read_bytes() == data
    except FileNotFoundError:
        return False


def create_new(path: Path, text: str) -> None:
    """Create a file that must not exist yet; never overwrite (raises FileExistsError)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "x", encoding="utf-8", newline="\n") as handle:
        handle.write(text)


def add_file(path: Path, data: bytes) -> None:
    """Add a new file holding data, atomically; never replace one (raises FileExistsError if path exists).

    The data is written beside path and linked into place in one step, so an interrupted run leaves either
    the whole file or none, and a file that appeared meanwhile is never overwritten.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(tmp, PUBLIC)
        os.link(tmp, path)  # fails when path exists, unlike a rename
    finally:
        Path(tmp).unlink(missing_ok=True)


def prune(root: Path, keep: set[Path]) -> None:
    """Delete files under root (a tool-owned work folder) that are not in keep."""
    if not root.is_dir():
        return
    for path in sorted(root.rglob("*"), reverse=True):
        if path.is_file() and path not in keep:
            path.unlink()
        elif path.is_dir() and not any(path.iterdir()):
            path.rmdir()


def swap_in(staged: Path, target: Path, old: Path) -> None:
    """Replace target with the fully built staged folder; the old one moves to old and goes after the swap.

    All three are tool-owned folders (layout.check_outputs made sure before the build began).
    """
    if old.exists():
        shutil.rmtree(old)
    if target.exists():
        os.replace(target, old)
    try:
        os.replace(staged, target)
    except BaseException:
        if old.exists() and not target.exists():
            os.replace(old, target)  # put the previous site back rather than leave none
        raise
    if old.exists():
        shutil.rmtree(old)


def discard(path: Path) -> None:
    """Remove a tool-owned staging folder or file if it is there (after a failed build)."""
    if path.is_dir() and not path.is_symlink():
        shutil.rmtree(path)
    else:
        path.unlink(missing_ok=True)


@contextlib.contextmanager
def public_umask() -> Iterator[None]:
    """Create files readable by all while the block runs (MkDocs' files too): a published site must be."""
    previous = os.umask(0o022)
    try:
        yield
    finally:
        os.umask(previous)


@contextlib.contextmanager
def atomic_output(path: Path) -> Iterator[BinaryIO]:
    """Yield a binary file beside path that replaces path only when the block finishes without error."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as handle:
            yield handle
        os.chmod(tmp, PUBLIC)  # mkstemp makes 0600; the result is meant to be shared
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
