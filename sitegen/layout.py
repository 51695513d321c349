"""Where a build writes, and what it may replace there.

    site/              the finished site (--site-dir); replaced whole by each successful build
    .site.building/    the next site, while MkDocs builds it          } beside the site, so that the swap is
    .site.old/         the previous site, for the moment of the swap  } one rename on one file system
    .site.lock         the site's lock, while a build writes it       } (none of them is left after a build)
    PROJECT/.sitegen/  the project's work folder, with a folder per site it built (site-3f2a…/): the generated
                       docs, the derived mkdocs.yml, the memos, the search files being made and the site's record

The project folder is the folder of the config file (mkdocs.yml) when there is one, else the current folder:
the work folder stays in the project whichever --site-dir is named. A site's folder in it is named after the
site and keyed by its full path; one whose site is gone, and that no build has used for STALE_SECONDS, is
removed by the project's next build (clear_gone(), holding that site's lock).

A build replaces a folder only when it is missing, empty, or made by sitegen: every site, staging folder and
work folder it makes carries a marker file, and a folder without one is refused with a message naming what is
there (`--force` overrides that). Whatever the options, no build replaces, or writes inside, the
archive or the docs folder, and none replaces the project folder, the config file, the current folder or the
home folder, or a folder holding any of them, or builds a site into the work folder. A symlinked --site-dir is
resolved: the site is built where the link points, and the link is left as it is.

One process at a time writes a site: whatever writes it (a build, a shard's build, `sitegen merge`, `sitegen
bundle`, `sitegen serve`'s builds) holds an OS lock on its lock file beside it while it writes (locked()), and
another refuses at once, naming the process that holds it. The lock is the site's own, found from the site's
path alone: two builds of one site refuse each other whichever project they are run from, and builds of
different sites (of one project too) run at once, each with its own folder in the work folder. The kernel lets
go of the lock when its process ends, however it ends, so a lock is never stale; the holder removes the file
as it lets go (a process that took the lock on a file removed meanwhile takes it again on the new one).
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import stat
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from sitegen import fs
from sitegen.errors import OutputError

SITE_MARKER = ".sitegen-site"
"""The file in every site (and staging copy) sitegen builds: its claim that it may replace the folder."""
WORK_MARKER = ".sitegen-work"
"""The same for the work folder."""
WORK = ".sitegen"
"""The project's work folder, in the project folder."""
SITE_FILE = "site-path"
"""The file in a site's work folder that names the site (to tell when the site is gone)."""
STALE_SECONDS = 24 * 3600
"""How long a site's work folder is kept once its site is gone and no build uses it."""
MARKER_TEXT = "Made by sitegen, which replaces this folder on every build. Nothing else should be kept in it.\n"
_SHOWN_ENTRIES = 3


@dataclass(frozen=True, slots=True)
class Layout:
    """The folders one build writes, all resolved (no symbolic links)."""

    site: Path
    """The finished site."""
    staging: Path
    """Where MkDocs builds the next site, beside the finished one (so the swap is one rename)."""
    previous: Path
    """Where the finished site moves for the moment of the swap."""
    lock: Path
    """The site's lock file, beside it (locked()): its holder writes its pid, its command and the site into it."""
    project_work: Path
    """The project's work folder (.sitegen/ in the project folder): a folder per site."""
    work: Path
    """This site's folder in it: generated docs, the derived MkDocs config, the memos, the search files being made
    and the record of the site (publish/incremental.py)."""

    @classmethod
    def for_site(cls, site_dir: Path, config_file: Path | None = None) -> Layout:
        """Return the layout of a build into site_dir, following a symbolic link to where it points; its work
        folder is in the project folder: config_file's folder when that file exists, else the current folder."""
        site = resolved_output(site_dir, "--site-dir")
        if site == site.parent:
            raise OutputError(f"--site-dir {site_dir} is the root folder, which a build would replace",
                              hint="build into a folder of its own, e.g. --site-dir site")
        project = config_file.resolve().parent if config_file is not None and config_file.is_file() else Path.cwd()
        project_work = project.resolve() / WORK
        return cls(site=site, staging=site.with_name(f".{site.name}.building"),
                   previous=site.with_name(f".{site.name}.old"), lock=lock_file(site),
                   project_work=project_work, work=project_work / work_name(site))

    def folders(self) -> Iterator[tuple[Path, str]]:
        """Yield each folder with the marker that shows sitegen made it."""
        yield self.site, SITE_MARKER
        yield self.staging, SITE_MARKER
        yield self.previous, SITE_MARKER
        yield self.project_work, WORK_MARKER
        yield self.work, WORK_MARKER


def lock_file(site: Path) -> Path:
    """Return the lock file of a site (locked())."""
    return site.with_name(f".{site.name}.lock")


def work_name(site: Path) -> str:
    """Return the name of a site's folder in the work folder: the site's name, and a key of its full path."""
    return f"{site.name[:40]}-{hashlib.sha256(os.fsencode(site)).hexdigest()[:12]}"


@dataclass(frozen=True, slots=True)
class Protected:
    """What no build may replace, by what it is called in messages."""

    inside_forbidden: tuple[tuple[str, Path], ...]
    """Folders a build neither replaces nor writes into: the archive, the docs folder."""
    replace_forbidden: tuple[tuple[str, Path], ...]
    """Paths a build never replaces (nor a folder holding them): the project and current folders, the config
    file, the home folder."""

    @classmethod
    def of(cls, archive: Path, config_file: Path | None, docs_dir: Path | None) -> Protected:
        inside = [("the archive", archive.resolve())]
        if docs_dir is not None:
            inside.append(("the docs folder", docs_dir.resolve()))
        replace = []
        if config_file is not None:
            replace += [("the project folder", config_file.resolve().parent),
                        ("the config file", config_file.resolve())]
        replace += [("the current folder", Path.cwd().resolve()), ("your home folder", Path.home().resolve())]
        return cls(tuple(inside), tuple(replace))


def resolved_output(path: Path, option: str) -> Path:
    """Return an output path with its links followed; refuse a link that leads nowhere."""
    if path.is_symlink() and not path.exists():
        raise OutputError(f"{option} {path} is a symbolic link to {Path(os.path.realpath(path))}, which does not "
                          "exist", hint=f"create what it points to, or pass another {option}")
    return path.resolve()


def check_outputs(layout: Layout, protected: Protected, site_dir: Path, force: bool = False) -> None:
    # site_dir: the --site-dir as the user wrote it, for messages.
    """Raise OutputError unless every folder of the layout may be written and replaced (and no other sitegen
    process is writing them now)."""
    for folder, _ in layout.folders():
        _check_protected(folder, _what(layout, folder, site_dir), protected)
    if layout.site.is_relative_to(layout.project_work):
        raise OutputError(f"--site-dir {site_dir} is inside the work folder {layout.project_work}, which builds "
                          "rewrite", hint="build into a folder of its own, e.g. --site-dir site")
    _check_not_busy(layout, site_dir)
    for folder, marker in layout.folders():
        try:
            _check_replaceable(folder, marker, _what(layout, folder, site_dir), force)
        except OutputError:
            _check_not_busy(layout, site_dir)  # what it found may be another build's work in progress
            raise


def _what(layout: Layout, folder: Path, site_dir: Path) -> str:
    return f"--site-dir {site_dir}" if folder == layout.site else f"the build's folder {folder}"


def _check_protected(folder: Path, what: str, protected: Protected) -> None:
    for name, path in protected.replace_forbidden:
        if folder == path:
            raise OutputError(f"{what} is {name} ({path}), which a build would replace",
                              hint="build into a folder of its own, e.g. --site-dir site")
    for name, path in protected.inside_forbidden:
        if folder == path or path.is_relative_to(folder) or folder.is_relative_to(path):
            raise OutputError(f"{what} would overlap {name} ({path}); the build never writes there",
                              hint="choose a --site-dir outside it, e.g. --site-dir site")
    for name, path in protected.replace_forbidden:
        if path.is_relative_to(folder):
            raise OutputError(f"{what} holds {name} ({path}), which a build would replace",
                              hint="build into a folder of its own, e.g. --site-dir site")


def _check_not_busy(layout: Layout, site_dir: Path) -> None:
    _check_lock_file(layout.lock)
    holder = fs.lock_holder(layout.lock)
    if holder is not None:
        raise _busy(site_dir, holder)


def _check_replaceable(folder: Path, marker: str, what: str, force: bool) -> None:
    """Refuse a file, or a folder that holds things and no marker (unless forced)."""
    if not (folder.exists() or folder.is_symlink()):
        return
    if not folder.is_dir():
        raise OutputError(f"{what} is a file, not a folder; the build will not replace it",
                          hint="choose another --site-dir")
    if (folder / marker).is_file() or force:
        return
    entries = sorted(os.listdir(folder))
    if not entries:
        return
    some = ", ".join(entries[:_SHOWN_ENTRIES]) + (", …" if len(entries) > _SHOWN_ENTRIES else "")
    raise OutputError(f"{what} holds {len(entries)} entr{'y' if len(entries) == 1 else 'ies'} sitegen did not "
                      f"make ({some}); a build replaces that folder, so it stops here",
                      hint="choose a new or empty --site-dir, or move those files away; --force replaces "
                           "the folder anyway")


def mark(folder: Path, marker: str) -> None:
    """Create folder if needed and put the marker in it."""
    folder.mkdir(parents=True, exist_ok=True)
    fs.write_text(folder / marker, MARKER_TEXT)


def is_marked(folder: Path, marker: str) -> bool:
    """Tell whether folder carries sitegen's marker."""
    return (folder / marker).is_file()


@contextlib.contextmanager
def locked(layout: Layout, command: str, site_dir: Path | None = None) -> Iterator[None]:
    """Hold the site's lock while the block runs, its work folder made and marked; OutputError at once, naming
    the other process, when another holds it. command: what this process is, for the message another one shows
    ("sitegen build"); site_dir: the site as the user named it. Taking the lock clears the work folders of sites
    that are gone (clear_gone())."""
    _check_lock_file(layout.lock)
    held = contextlib.ExitStack()
    try:
        held.enter_context(_site_lock(layout.lock, f"{os.getpid()}\n{command}\n{layout.site}\n"))
    except fs.Busy as busy:
        raise _busy(site_dir or layout.site, busy.holder) from None
    with held:
        _mark_work(layout)
        clear_gone(layout)
        yield


_TAKES = 5
"""Times locked() takes a lock file again that its last holder removed as this process took it."""


@contextlib.contextmanager
def _site_lock(path: Path, holder: str) -> Iterator[None]:
    """Hold the lock on the file at path (fs.exclusive_lock), and remove the file as it is let go. A process
    can take the lock on a file its last holder has just removed: it then holds no lock on the file at path
    (fs.lock_holder() does not name it), so it lets go and takes the new one."""
    for _ in range(_TAKES):
        with fs.exclusive_lock(path, holder):
            if fs.lock_holder(path) != holder:
                continue
            try:
                yield
            finally:
                path.unlink(missing_ok=True)  # before letting go: the next one takes a new file
            return
    raise fs.Busy(fs.lock_holder(path) or "")


def _check_lock_file(path: Path) -> None:
    """Refuse a lock file that is not one: something else by that name, or a file sitegen did not write."""
    try:
        info = path.lstat()
    except FileNotFoundError:
        return
    if stat.S_ISREG(info.st_mode) and info.st_size <= 4096:
        lines = path.read_text(encoding="utf-8", errors="replace").splitlines()
        if not lines or (len(lines) >= 3 and lines[0].isdigit() and lines[1].startswith("sitegen ")):
            return
    raise OutputError(f"{path} is not a lock file of sitegen's, and a build takes that name for the lock of its "
                      "site", hint="move it away, or build into another --site-dir")


def _mark_work(layout: Layout) -> None:
    """Make and mark the work folder and the site's folder in it, naming the site (for clear_gone())."""
    try:
        mark(layout.project_work, WORK_MARKER)
        mark(layout.work, WORK_MARKER)
        fs.write_text(layout.work / SITE_FILE, f"{layout.site}\n")
        os.utime(layout.work / SITE_FILE)  # in use now
    except OSError as exc:
        raise OutputError(f"cannot write the work folder {layout.project_work}: {exc.strerror or exc}",
                          hint="build from a project folder you can write to (the folder of mkdocs.yml, else "
                               "the current folder)") from None


def clear_gone(layout: Layout, now: float | None = None) -> list[Path]:
    """Remove the folders of the work folder whose site is gone and that no build used for STALE_SECONDS (a
    site's files there only serve a later build of that site); return them. Each is removed holding its site's
    lock, so never under a build of that site. Best effort: what cannot be removed stays for the next build."""
    now = time.time() if now is None else now
    gone = []
    for folder in sorted(layout.project_work.iterdir()):
        site = _gone_site(folder, now) if folder != layout.work else None
        if site is not None and _remove_work(folder, site):
            gone.append(folder)
    return gone


def _gone_site(folder: Path, now: float) -> Path | None:
    """Return the site of a site's folder in the work folder when the site is gone, the folder unused for
    STALE_SECONDS and no build holds the site's lock; None otherwise."""
    if folder.is_symlink() or not is_marked(folder, WORK_MARKER):
        return None
    try:
        named = folder / SITE_FILE
        site = Path(named.read_text(encoding="utf-8").removesuffix("\n"))
        used = named.stat().st_mtime
    except (OSError, ValueError):
        return None
    if not site.is_absolute() or site.exists() or site.is_symlink() or abs(now - used) <= STALE_SECONDS:
        return None
    return site if fs.lock_holder(lock_file(site)) is None else None


def _remove_work(folder: Path, site: Path) -> bool:
    """Remove a gone site's folder from the work folder, holding the site's lock where it can be taken (a build
    that starts meanwhile waits for it, fs.exclusive_lock()); return whether it was removed."""
    try:
        _check_lock_file(lock_file(site))
        with (_site_lock(lock_file(site), f"{os.getpid()}\nsitegen (clearing the work folder)\n{site}\n")
              if site.parent.is_dir() else contextlib.nullcontext()):
            if site.exists() or site.is_symlink():
                return False
            fs.remove_tree(folder, WORK_MARKER)
    except (fs.Busy, OutputError, OSError):
        return False
    return True


def forget(layout: Layout) -> None:
    """Remove the site's folder from the work folder (`sitegen serve`'s, when it stops: its site goes too)."""
    fs.remove_tree(layout.work, WORK_MARKER)


def _busy(site_dir: Path, holder: str) -> OutputError:
    """The error for a lock another process holds (holder: what it wrote into the lock file)."""
    pid, command = [*holder.splitlines(), "", ""][:2]
    who = f"another {command or 'sitegen process'} ({f'pid {pid}' if pid.isdigit() else 'its pid unknown'})"
    return OutputError(f"{who} is writing it", path=site_dir, hint="wait for it to finish, then run this again")
