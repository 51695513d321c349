"""All file-system writes go through here: atomic, and only where the tool owns the path."""

from __future__ import annotations

import contextlib
import errno
import fcntl
import os
import posixpath
import shutil
import stat
import tempfile
import time
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

PUBLIC = 0o644
"""Mode of every file the tool writes: readable by all, as a static site's files must be."""


def write_text(path: Path, text: str) -> bool:
    """Write text atomically; skip the write when the file already holds it. Return whether it changed."""
    return write_bytes(path, text.encode("utf-8"))


def write_bytes(path: Path, data: bytes) -> bool:
    """Write data atomically; skip the write when the file already holds it. Return whether it changed."""
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


def write_new(path: Path, text: str) -> None:
    """Write text into a new file (readable by all) of a folder nothing reads yet, such as a staging folder swapped
    in whole: no temporary file, the swap being the atomic step. A file already there is replaced atomically."""
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW, PUBLIC)
    except FileExistsError:
        write_text(path, text)
        return
    with os.fdopen(fd, "wb") as handle:
        os.fchmod(handle.fileno(), PUBLIC)  # whatever the umask
        handle.write(text.encode("utf-8"))


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


def swap_in(staged: Path, target: Path, old: Path, marker: str | None = None) -> None:
    """Replace target with the fully built staged folder; the old one moves to old and goes after the swap.

    All three are tool-owned folders (layout.check_outputs made sure before the build began). marker: the
    file that marks them, removed last (remove_tree()).
    """
    if old.exists():
        _remove_old(old, marker)
    if target.exists():
        os.replace(target, old)
    try:
        os.replace(staged, target)
    except BaseException:
        if old.exists() and not target.exists():
            os.replace(old, target)  # put the previous site back rather than leave none
        raise
    if old.exists():
        _remove_old(old, marker)


def _remove_old(old: Path, marker: str | None) -> None:
    if marker is None:
        shutil.rmtree(old)
    else:
        remove_tree(old, marker)


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


def remove_tree(path: Path, last: str) -> None:
    """Remove a tool-owned folder, its file named last (its marker) at the very end, so that a removal cut short
    leaves a folder that still says sitegen made it (and the next build may clear it). A link is only unlinked."""
    if path.is_symlink() or not path.is_dir():
        path.unlink(missing_ok=True)
        return
    with os.scandir(path) as entries:
        for entry in entries:
            if entry.name == last:
                continue
            if entry.is_dir(follow_symlinks=False):
                shutil.rmtree(entry.path)
            else:
                os.unlink(entry.path)
    (path / last).unlink(missing_ok=True)
    path.rmdir()


# ---------------------------------------------------------------------------------------------------------
# Plain files only: what a build publishes or merges is never a link, a device or a FIFO.


@dataclass(frozen=True, slots=True)
class Tree:
    """What a folder holds, its links never followed (paths relative to it, with /)."""

    files: Mapping[str, tuple[int, int]]
    """Every regular file: its size and modification time (ns)."""
    folders: tuple[str, ...]
    """Every folder below it, sorted."""
    odd: tuple[tuple[str, str], ...]
    """Everything else, sorted, with what it is: ("passwd", "a symbolic link")."""


def plain_tree(root: Path) -> Tree:
    """Return what root holds (nothing when it is missing); symbolic links in it are reported, not followed."""
    files: dict[str, tuple[int, int]] = {}
    folders: list[str] = []
    odd: list[tuple[str, str]] = []
    pending = [""]
    while pending:
        rel = pending.pop()
        try:
            entries = list(os.scandir(root / rel if rel else root))
        except (FileNotFoundError, NotADirectoryError):
            continue
        for entry in entries:
            name = f"{rel}/{entry.name}" if rel else entry.name
            info = entry.stat(follow_symlinks=False)
            if stat.S_ISREG(info.st_mode):
                files[name] = (info.st_size, info.st_mtime_ns)
            elif stat.S_ISDIR(info.st_mode):
                folders.append(name)
                pending.append(name)
            else:
                odd.append((name, _kind(info.st_mode)))
    return Tree(dict(sorted(files.items())), tuple(sorted(folders)), tuple(sorted(odd)))


def _kind(mode: int) -> str:
    if stat.S_ISLNK(mode):
        return "a symbolic link"
    if stat.S_ISFIFO(mode):
        return "a FIFO"
    if stat.S_ISSOCK(mode):
        return "a socket"
    return "a device file"


def _open_plain(path: Path) -> tuple[int, os.stat_result]:
    """Open a regular file for reading without following a link at its end (nor waiting on a FIFO)."""
    fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK)
    info = os.fstat(fd)
    if not stat.S_ISREG(info.st_mode):
        os.close(fd)
        raise NotPlainFile(path, _kind(info.st_mode))
    return fd, info


class NotPlainFile(OSError):
    """A path that is a link, a FIFO, a device or a socket where a regular file was expected."""

    def __init__(self, path: Path, kind: str) -> None:
        super().__init__(f"{path} is {kind}, not a plain file")
        self.kind = kind


def read_plain(path: Path) -> bytes:
    """Read a regular file; NotPlainFile when path is anything else (a link at its end is not followed)."""
    try:
        fd, _ = _open_plain(path)
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            raise NotPlainFile(path, "a symbolic link") from None
        raise
    with os.fdopen(fd, "rb") as handle:
        return handle.read()


def copy_plain(source: Path, target: Path, expect: tuple[int, int] | None = None, keep_time: bool = False) -> bool:
    """Copy the regular file source to the new file target (readable by all); return False, copying nothing,
    when source is not a regular file (a link is not followed) or no longer has expect's size and time.

    keep_time: give the copy source's modification time (MkDocs' dirty mode reads it).
    """
    try:
        fd, info = _open_plain(source)
    except OSError:
        return False
    try:
        if expect is not None and (info.st_size, info.st_mtime_ns) != expect:
            return False
        target.parent.mkdir(parents=True, exist_ok=True)
        out = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW, PUBLIC)
        try:
            _copy_bytes(fd, out, info.st_size)
            os.fchmod(out, PUBLIC)
        finally:
            os.close(out)
    finally:
        os.close(fd)
    if keep_time:
        os.utime(target, ns=(info.st_atime_ns, info.st_mtime_ns), follow_symlinks=False)
    return True


def link_plain_files(source: Path, target: Path, files: Mapping[str, tuple[int, int]]) -> list[str]:
    """Make each file of target (paths relative to the folders source and target) a second name of the same
    regular file of source (a hard link: no byte copied, the same time), or a copy where the file system cannot
    link; leave out, making nothing, a file of source that is not a regular file with its expected size and time.
    Return the paths linked or copied. (Plain strings for paths, each folder made once: a rebuild links
    thousands of pages.)

    Only for files nothing will write into again while the other name lives: writing through one name
    changes both (a rebuild links only the pages MkDocs will not render again)."""
    for folder in sorted({posixpath.dirname(rel) for rel in files} - {""}):
        (target / folder).mkdir(parents=True, exist_ok=True)
    done = []
    for rel, expect in files.items():
        old, new = f"{source}/{rel}", f"{target}/{rel}"
        try:
            info = os.stat(old, follow_symlinks=False)
        except OSError:
            continue
        if not stat.S_ISREG(info.st_mode) or (info.st_size, info.st_mtime_ns) != expect:
            continue
        try:
            os.link(old, new, follow_symlinks=False)
        except OSError:  # another file system, or one without links
            if not copy_plain(Path(old), Path(new), expect, keep_time=True):
                continue
        done.append(rel)
    return done


def _copy_bytes(source: int, target: int, size: int) -> None:
    """Copy size bytes between open files, in the kernel where it can (a rebuild copies thousands of pages)."""
    done = 0
    try:
        while done < size and (sent := os.sendfile(target, source, done, size - done)):
            done += sent
    except OSError:
        if done:
            raise
        os.lseek(source, 0, os.SEEK_SET)
        with open(source, "rb", closefd=False) as src, open(target, "wb", closefd=False) as out:
            shutil.copyfileobj(src, out)


# ---------------------------------------------------------------------------------------------------------
# Locks: one writer at a time for the folders a build writes.


class Busy(Exception):
    """Another process holds the lock; holder is what it wrote into the lock file (empty when unknown)."""

    def __init__(self, holder: str) -> None:
        super().__init__(holder)
        self.holder = holder


_GRACE_SECONDS = 0.5
"""How long taking a lock retries: another process only looking (lock_holder()) holds it for microseconds."""


@contextlib.contextmanager
def exclusive_lock(path: Path, holder: str) -> Iterator[None]:
    """Hold an OS lock (flock) on the file at path while the block runs, with holder written into it; raise
    Busy at once when another process holds it. The kernel lets go when the process ends, however it ends
    (kill -9 too), so a lock is never left stale; the file itself stays, as a lock file must."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_RDWR | os.O_CREAT | os.O_NOFOLLOW, PUBLIC)
    owner = os.getpid()
    try:
        _take(fd)
        os.ftruncate(fd, 0)
        os.pwrite(fd, holder.encode("utf-8"), 0)
        try:
            yield
        finally:
            if os.getpid() == owner:  # never from a forked child: its copy of fd shares the parent's lock
                os.ftruncate(fd, 0)
    finally:
        os.close(fd)  # the lock goes with the last descriptor of this open file (a forked child's too)


def _take(fd: int) -> None:
    deadline = time.monotonic() + _GRACE_SECONDS
    while True:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            return
        except BlockingIOError:
            if time.monotonic() >= deadline:
                raise Busy(_holder(fd)) from None
            time.sleep(0.05)


def lock_holder(path: Path) -> str | None:
    """Return what the process holding the lock at path wrote into it; None when nobody holds it."""
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK)
    except OSError:  # no lock file: nobody ever took the lock here
        return None
    try:
        fcntl.flock(fd, fcntl.LOCK_SH | fcntl.LOCK_NB)
    except BlockingIOError:
        return _holder(fd)
    finally:
        os.close(fd)
    return None


def _holder(fd: int) -> str:
    return os.pread(fd, 1000, 0).decode("utf-8", errors="replace")
