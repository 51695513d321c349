"""The archive folder: where its parts are, and the one way its files are read.

    archive/
      listings/*.txt    pasted listing pages (required)
      archive.yml       optional manifest: capture dates of listings
      taxonomy.yml      optional topic taxonomy (the built-in default otherwise)
      notes/<slug>.md   optional curators' notes
      metadata/arxiv/*.xml, metadata/hf/*.json   optional API answers about single papers

Every file of the archive is read through Archive.read_bytes(): a symbolic link is followed only when it
stays inside the archive, and only regular files are read (a FIFO would block the build forever). Nothing
here writes.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from sitegen.errors import ArchiveFileError, ConfigError, Report


@dataclass(frozen=True, slots=True)
class Archive:
    """An archive folder and the paths of its parts."""

    root: Path

    @property
    def listings_dir(self) -> Path:
        return self.root / "listings"

    @property
    def manifest(self) -> Path:
        return self.root / "archive.yml"

    @property
    def taxonomy(self) -> Path:
        return self.root / "taxonomy.yml"

    @property
    def notes_dir(self) -> Path:
        return self.root / "notes"

    @property
    def metadata_dir(self) -> Path:
        return self.root / "metadata"

    def contains(self, path: Path) -> bool:
        """Tell whether path, its links followed, lies inside the archive."""
        return path.resolve().is_relative_to(self.root.resolve())

    def check(self, path: Path) -> None:
        """Raise ArchiveFileError unless path is a regular file inside the archive (links followed)."""
        if path.is_symlink() or not self.contains(path):
            target = path.resolve()
            if not target.exists():
                raise ArchiveFileError(f"is a symbolic link to {target}, which does not exist", path=path,
                                       hint="remove the link or make it point at a file in the archive")
            if not self.contains(path):
                raise ArchiveFileError(f"leads to {target}, outside the archive; it is not read", path=path,
                                       hint="copy the file into the archive instead of linking to it")
        try:
            mode = path.stat().st_mode
        except OSError as exc:
            raise ArchiveFileError(f"cannot be read: {exc.strerror}", path=path) from None
        if stat.S_ISDIR(mode):
            raise ArchiveFileError("is a folder, not a file", path=path, hint="rename or move it")
        if not stat.S_ISREG(mode):
            raise ArchiveFileError("is not a regular file (a FIFO, socket or device); it is not read", path=path,
                                   hint="replace it with a plain file")

    def read_bytes(self, path: Path) -> bytes:
        """Return the bytes of a regular file inside the archive; raise ArchiveFileError for anything else."""
        self.check(path)
        try:
            # O_NONBLOCK: a FIFO swapped in after the check opens at once instead of blocking; fstat refuses it.
            fd = os.open(path.resolve(), os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_NOFOLLOW", 0))
        except OSError as exc:
            raise ArchiveFileError(f"cannot be read: {exc.strerror}", path=path) from None
        with os.fdopen(fd, "rb") as handle:
            if not stat.S_ISREG(os.fstat(handle.fileno()).st_mode):
                raise ArchiveFileError("is not a regular file; it is not read", path=path)
            try:
                return handle.read()
            except OSError as exc:
                raise ArchiveFileError(f"cannot be read: {exc.strerror}", path=path) from None

    def read_text(self, path: Path) -> str:
        """Return a UTF-8 text file of the archive (a BOM allowed); ConfigError when it is not UTF-8."""
        try:
            return self.read_bytes(path).decode("utf-8-sig")
        except UnicodeDecodeError:
            raise ConfigError("is not UTF-8 text", path=path, hint="re-save it as UTF-8") from None

    def has(self, path: Path) -> bool:
        """Tell whether the archive has something at path (a dangling link counts: it is reported)."""
        return path.is_symlink() or path.exists()

    def entries(self, folder: Path, suffixes: Iterable[str], report: Report, what: str) -> list[Path]:
        """Return the readable files of folder with one of suffixes, in name order; report every other entry.

        Hidden files (editors' swap and backup files) are passed over in silence.
        """
        if not self.has(folder):
            return []
        try:
            self.folder(folder)
            names = sorted(os.listdir(folder))
        except OSError as exc:
            raise ArchiveFileError(f"cannot be read: {exc.strerror}", path=folder,
                                   hint="check the folder's permissions") from None
        wanted = tuple(suffixes)
        found = []
        for name in names:
            path = folder / name
            if name.startswith("."):
                continue
            if not name.endswith(wanted):
                report.warn(f"not {what} (sitegen reads {', '.join(wanted)} files here); ignored", path=path)
                continue
            try:
                self.check(path)
            except ArchiveFileError as exc:
                report.skip(exc)
                continue
            found.append(path)
        return found

    def folder(self, path: Path) -> None:
        """Raise ArchiveFileError unless path is a folder inside the archive."""
        if not self.contains(path):
            raise ArchiveFileError(f"leads to {path.resolve()}, outside the archive; it is not read", path=path,
                                   hint="move the folder into the archive instead of linking to it")
        if not path.is_dir():
            raise ArchiveFileError(f"is {'a file' if path.exists() else 'missing'}, not a folder", path=path,
                                   hint=f"the archive keeps its {path.name} in a folder of that name")

