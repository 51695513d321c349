"""The error hierarchy and the report that collects problems during a build."""

from __future__ import annotations

import sys
from dataclasses import dataclass, field
from pathlib import Path


class SitegenError(Exception):
    """A problem the user can fix: names the file, the line where known, and what to do."""

    def __init__(self, message: str, *, path: Path | str | None = None, line: int | None = None,
                 hint: str = "") -> None:
        super().__init__(message)
        self.message = message
        self.path = str(path) if path is not None else None
        self.line = line
        self.hint = hint

    def __str__(self) -> str:
        where = ""
        if self.path:
            where = f"{self.path}:{self.line}: " if self.line else f"{self.path}: "
        text = f"{where}{self.message}"
        return f"{text} ({self.hint})" if self.hint else text


class ListingError(SitegenError):
    """A listing file that cannot be read as a listing."""


class ConfigError(SitegenError):
    """A bad value in the archive's manifest, taxonomy or a note's front matter."""


class BuildError(SitegenError):
    """The build cannot go on (nothing usable left, MkDocs failed)."""


@dataclass
class Report:
    """Warnings and skipped files gathered by every stage, printed once."""

    warnings: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)
    """Files reported and left out of the build."""

    def warn(self, problem: SitegenError | str) -> None:
        self.warnings.append(str(problem))

    def skip(self, problem: SitegenError) -> None:
        self.skipped.append(problem.path or "")
        self.warnings.append(f"{problem} -- skipped")

    def emit(self, stream=None) -> None:
        stream = stream or sys.stderr
        for line in self.warnings:
            print(f"warning: {line}", file=stream)
