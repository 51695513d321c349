"""The error hierarchy, and the report that collects problems during a build and formats them once."""

from __future__ import annotations

import os
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import TextIO

SHOWN = 60
"""Characters of a user's value quoted in a message: a message stays one readable line."""
LONGEST = 2000
"""A message longer than this is cut (a backstop: values are quoted with shown())."""


def shown(value: object, limit: int = SHOWN) -> str:
    """Return value quoted for a message (its repr), cut to about limit characters, saying how long it was."""
    text = repr(value)
    if len(text) <= limit:
        return text
    if isinstance(value, (str, bytes)):
        return f"{text[:limit]}… ({len(value):,} characters)"
    return f"{text[:limit]}…"


@dataclass(frozen=True, slots=True)
class Problem:
    """One problem a user can fix: where it is, what is wrong, what to do."""

    message: str
    """What is wrong, in a sentence without the place."""
    path: str | None = None
    """The file it is in, as the user named it."""
    line: int | None = None
    """1-based line in that file, where known."""
    hint: str = ""
    """What to do about it."""
    skipped: bool = False
    """Whether the file was left out of the build because of it."""

    def __str__(self) -> str:
        where = ""
        if self.path:
            where = f"{self.path}:{self.line}: " if self.line else f"{self.path}: "
        text = f"{where}{self.message}"
        text = f"{text} ({self.hint})" if self.hint else text
        if self.skipped:
            text += " -- skipped"
        return text if len(text) <= LONGEST else text[:LONGEST] + "…"


class SitegenError(Exception):
    """A problem the user can fix: names the file, the line where known, and what to do."""

    def __init__(self, message: str, *, path: Path | str | None = None, line: int | None = None,
                 hint: str = "") -> None:
        super().__init__(message)
        self.problem = Problem(message, str(path) if path is not None else None, line, hint)

    @property
    def message(self) -> str:
        return self.problem.message

    @property
    def path(self) -> str | None:
        return self.problem.path

    @property
    def line(self) -> int | None:
        return self.problem.line

    @property
    def hint(self) -> str:
        return self.problem.hint

    def __str__(self) -> str:
        return str(self.problem)

    def __reduce__(self) -> tuple[object, ...]:
        # Pickled on its way back from the second process: keep the place and the hint, not only the message.
        return (_rebuilt, (type(self), self.problem))


def _rebuilt(kind: type[SitegenError], problem: Problem) -> SitegenError:
    return kind(problem.message, path=problem.path, line=problem.line, hint=problem.hint)


class ListingError(SitegenError):
    """A listing file that cannot be read as a listing."""


class ConfigError(SitegenError):
    """A bad value in the archive's manifest, taxonomy or a note's front matter."""


class ArchiveFileError(SitegenError):
    """A file of the archive that the tool will not read: a link out of the archive, a FIFO, a folder."""


class OutputError(SitegenError):
    """A place the build was asked to write that holds something the tool did not make."""


class BuildError(SitegenError):
    """The build cannot go on (nothing usable left, MkDocs failed)."""


@dataclass
class Report:
    """Problems found by every stage, as records; printed once, as `warning:` lines."""

    problems: list[Problem] = field(default_factory=list)

    def warn(self, problem: SitegenError | Problem | str, *, path: Path | str | None = None,
             line: int | None = None, hint: str = "") -> None:
        """Record a problem the build goes on past: an error's, or a message with its place."""
        if isinstance(problem, SitegenError):
            problem = problem.problem
        elif isinstance(problem, str):
            problem = Problem(problem, str(path) if path is not None else None, line, hint)
        self.problems.append(problem)

    def skip(self, problem: SitegenError) -> None:
        """Record a file left out of the build, and why."""
        p = problem.problem
        self.problems.append(Problem(p.message, p.path, p.line, p.hint, skipped=True))

    @property
    def warnings(self) -> list[str]:
        """Every problem as the line a user sees (without the `warning:` prefix)."""
        return [str(p) for p in self.problems]

    @property
    def skipped(self) -> list[str]:
        """The files left out of the build."""
        return [p.path or "" for p in self.problems if p.skipped]

    def emit(self, stream: TextIO | None = None) -> None:
        """Print every problem, one line each (and, in GitHub Actions, as an annotation of the run)."""
        stream = stream or sys.stderr
        annotate = os.environ.get("GITHUB_ACTIONS") == "true"
        for line in self.warnings:
            print(f"warning: {line}", file=stream)
            if annotate:
                print(f"::warning::{line}", file=stream)
