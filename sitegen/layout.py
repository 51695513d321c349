"""Where a build writes, and what it may replace there.

    site/              the finished site (--site-dir); replaced whole by each successful build
    .site.building/    the next site, while MkDocs builds it
    .site.old/         the previous site, for the moment of the swap
    .sitegen/          the work folder: generated docs, the derived mkdocs.yml, caches

A build replaces a folder only when it is missing, empty, or made by sitegen: every site, staging folder
and work folder it makes carries a marker file, and a folder without one is refused with a message naming
what is there (`--force` overrides that). Whatever the options, no build replaces, or writes inside, the
archive or the docs folder, and none replaces the project folder, the config file, the current folder or
the home folder, or a folder holding any of them. A symlinked --site-dir is resolved: the site is built
where the link points, and the link is left as it is.

One process at a time writes them: whatever writes the site (a build, a shard's build, `sitegen merge`,
`sitegen bundle`, `sitegen serve`'s builds) holds an OS lock on LOCK in the work folder while it writes
(locked()), and another refuses at once, naming the process that holds it. The kernel lets go of the lock
when its process ends, however it ends, so a lock is never stale.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from sitegen import fs
from sitegen.errors import OutputError

SITE_MARKER = ".sitegen-site"
"""The file in every site (and staging copy) sitegen builds: its claim that it may replace the folder."""
WORK_MARKER = ".sitegen-work"
"""The same for the work folder."""
LOCK = "build.lock"
"""The lock file in the work folder (locked()): its holder writes its pid, its command and the site into it."""
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
    work: Path
    """Generated docs, the derived MkDocs config, the search cache and rebuild fingerprints."""

    @classmethod
    def for_site(cls, site_dir: Path) -> Layout:
        """Return the layout of a build into site_dir, following a symbolic link to where it points."""
        site = resolved_output(site_dir, "--site-dir")
        if site == site.parent:
            raise OutputError(f"--site-dir {site_dir} is the root folder, which a build would replace",
                              hint="build into a folder of its own, e.g. --site-dir site")
        return cls(site=site, staging=site.with_name(f".{site.name}.building"),
                   previous=site.with_name(f".{site.name}.old"), work=site.parent / ".sitegen")

    def folders(self) -> Iterator[tuple[Path, str]]:
        """Yield each folder with the marker that shows sitegen made it."""
        yield self.site, SITE_MARKER
        yield self.staging, SITE_MARKER
        yield self.previous, SITE_MARKER
        yield self.work, WORK_MARKER


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
    holder = fs.lock_holder(layout.work / LOCK)
    if holder is not None:
        raise _busy(layout, site_dir, holder)


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
    """Hold the lock on the layout's folders while the block runs (the work folder is made, and marked, for
    it); OutputError at once, naming the other process, when another holds it. command: what this process
    is, for the message another one shows ("sitegen build"); site_dir: the site as the user named it."""
    mark(layout.work, WORK_MARKER)
    held = contextlib.ExitStack()
    try:
        held.enter_context(fs.exclusive_lock(layout.work / LOCK, f"{os.getpid()}\n{command}\n{layout.site}\n"))
    except fs.Busy as busy:
        raise _busy(layout, site_dir or layout.site, busy.holder) from None
    with held:
        yield


def _busy(layout: Layout, site_dir: Path, holder: str) -> OutputError:
    """The error for a lock another process holds (holder: what it wrote into the lock file)."""
    pid, command, site = [*holder.splitlines(), "", "", ""][:3]
    who = f"another {command or 'sitegen process'} ({f'pid {pid}' if pid.isdigit() else 'its pid unknown'})"
    if not site or Path(site) == layout.site:
        return OutputError(f"{who} is writing it", path=site_dir,
                           hint="wait for it to finish, then run this again")
    return OutputError(f"{who} is writing {site}, and with it the work folder {layout.work} that both use",
                       path=site_dir, hint="wait for it to finish, then run this again; builds that run at "
                                           "once need site folders in different folders")
