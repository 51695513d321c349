"""What changed in the watched files between two rebuilds: a snapshot of their times and sizes, compared.

MkDocs' live-reload server watches the folders (with watchdog) and says *that* something changed; the
snapshot says *what*, which decides whether the quick path covers the change.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path


@dataclass(frozen=True, slots=True)
class Snapshot:
    """Every watched file's modification time and size, by path."""

    files: dict[Path, tuple[int, int]] = field(default_factory=dict)

    @classmethod
    def of(cls, roots: Iterable[Path]) -> Snapshot:
        """Take a snapshot of the files under roots (folders, or single files); hidden files and editors'
        backups (`.x.swp`, `x~`) are left out: they are not the archive's."""
        files: dict[Path, tuple[int, int]] = {}
        for root in roots:
            if root.is_file():
                _add(files, root)
                continue
            for folder, subfolders, names in os.walk(root):
                subfolders[:] = [name for name in subfolders if not name.startswith(".")]
                for name in names:
                    if not _ignored(name):
                        _add(files, Path(folder) / name)
        return cls(files)

    def changes(self, newer: Snapshot) -> set[Path]:
        """Return the files added, removed or changed since this snapshot."""
        return {path for path in self.files.keys() | newer.files.keys()
                if self.files.get(path) != newer.files.get(path)}


def _ignored(name: str) -> bool:
    return name.startswith(".") or name.endswith("~")


def _add(files: dict[Path, tuple[int, int]], path: Path) -> None:
    try:
        stat = path.stat()
    except OSError:  # gone between the listing and the look, or a dangling link: the build reports it
        return
    files[path] = (stat.st_mtime_ns, stat.st_size)
