"""A serve session: the site built once, then kept up to date as the archive changes.

    session = Session(options)      # options.site_dir: a folder of the session's own
    session.start()                  # a full build
    session.rebuild(show)            # after a change: the quick path, or a full build

A change to curators' notes only takes the quick path: the notes are read again, the papers whose note changed
are annotated again, their pages are rendered by the MkDocs kept loaded on the site (publish/live.py) and shown
at once (show() reloads the open pages); then the pages that list them (topics, home, stats, feeds, the search
page) are rendered, and those whose Markdown changed go through MkDocs too, and the search index is rebuilt.
A new or changed listing first has the pages of the papers it brings rendered the same way and shown; the pages
that list them and the search follow with the full build. Anything else (the taxonomy, metadata, links.json,
docs/, mkdocs.yml), and any note change that adds or removes a page, takes a full build, which is always correct;
a full build after the first one rebuilds only the pages whose Markdown changed (publish/incremental.py).

A rebuild that finds a file it cannot read (one it could read before) leaves the last good site served, and the
problem is shown on every page (notice()) until the file is fixed.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TextIO

from sitegen.errors import Report, SitegenError
from sitegen.pipeline import (
    BuildOptions,
    Served,
    build_served,
    project_paths,
    read_notes,
    show_new_papers,
    update_notes,
)
from sitegen.serve.watch import Snapshot

KEPT = "the last good site stays until it is fixed"
"""Said of a note that could not be read (the problem's own line ends with it)."""


@dataclass(frozen=True, slots=True)
class Rebuilt:
    """What one rebuild did, for its line on the terminal."""

    kind: str
    """"quick" (pages of changed notes), "full", "refused" (a file could not be read) or "none"."""
    pages: int
    """The pages rendered."""
    seconds: float
    of: int = 0
    """For a full build: the site's pages; pages < of when MkDocs rendered only the changed ones."""

    def line(self, verb: str = "Rebuilt") -> str:
        """Say what was rendered: "Rebuilt 1 of 270 pages in 2.10 s", "Rebuilt 270 pages (full) in 9.00 s"."""
        noun = "page" if (self.of or self.pages) == 1 else "pages"
        if self.kind == "full" and self.pages < self.of:
            return f"{verb} {self.pages} of {self.of} {noun} in {self.seconds:.2f} s"
        return f"{verb} {self.pages} {noun} ({self.kind}) in {self.seconds:.2f} s"


class Session:
    """The site of one `sitegen serve`, and what it was built from."""

    def __init__(self, options: BuildOptions, out: TextIO | None = None) -> None:
        self.options = options
        self.out = out or sys.stderr
        self.watched = [options.archive, *project_paths(options.config_file)]
        self.snapshot = Snapshot()
        self.served: Served | None = None
        self.problems: list[str] = []
        """The latest rebuild's problems, as the terminal shows them."""
        self.full_problems: list[str] = []
        """The latest full build's."""

    def start(self) -> Rebuilt:
        """Build the whole site; raise SitegenError when it cannot be built."""
        self.snapshot = Snapshot.of(self.watched)
        return self._full(time.perf_counter())

    def notice(self) -> list[str]:
        """Return the lines every served page shows: the latest rebuild's problems."""
        return list(self.problems)

    def rebuild(self, show: Callable[[], None] = lambda: None) -> Rebuilt:
        """Bring the site up to date with the watched files; show() reloads the open pages early."""
        start = time.perf_counter()
        newer = Snapshot.of(self.watched)
        changed, self.snapshot = self.snapshot.changes(newer), newer
        if not changed:
            return Rebuilt("none", 0, 0.0)
        try:
            if self.served is not None and self._notes_only(changed):
                quick = self._quick(self.served, show, start)
                if quick is not None:
                    return quick
            if self.served is not None and self._listings_only(changed):
                self._early(self.served, show, start)
            return self._full(start)
        except SitegenError as exc:
            self._problems([f"error: {exc}"])
            return Rebuilt("refused", 0, round(time.perf_counter() - start, 3))

    def _notes_only(self, changed: set[Path]) -> bool:
        notes = self.options.archive / "notes"
        return all(path.parent == notes and path.suffix == ".md" for path in changed)

    def _listings_only(self, changed: set[Path]) -> bool:
        listings = self.options.archive / "listings"
        return all(path.parent == listings for path in changed)

    def _early(self, served: Served, show: Callable[[], None], start: float) -> None:
        """Show the pages of the papers new or changed listings bring, before the full build (said on the terminal)."""
        shown = show_new_papers(served, self.options.archive, show)
        if shown:
            noun = "page" if shown == 1 else "pages"
            print(f"Showing {shown} {noun} of new or changed papers in {time.perf_counter() - start:.2f} s; "
                  f"rebuilding the rest", file=self.out, flush=True)

    def _problems(self, lines: list[str]) -> None:
        """Take lines as the problems now; on the terminal, say each new one once, and each one gone (said before
        the pages change: a reader who sees a problem gone from the page finds it said gone)."""
        before = self.problems
        for line in before:
            if line not in lines:
                print(f"fixed: {line.split(': ', 1)[1]}", file=self.out, flush=True)
        for line in lines:
            if line not in before:
                print(line, file=self.out, flush=True)
        self.problems = lines

    def _full(self, start: float) -> Rebuilt:
        report = Report()
        tolerated = self.served.built.skipped if self.served is not None else None
        try:
            result, self.served = build_served(self.options, report, tolerated)
        except SitegenError as exc:
            unread = set(report.skipped) - (tolerated or frozenset())
            lines = [f"error: {problem}; {KEPT}" if problem.skipped and problem.path in unread else
                     f"warning: {problem}" for problem in report.problems]
            if not unread:  # the error is not a file's: say it
                lines.append(f"error: {exc}")
            self._problems(lines)
            return Rebuilt("refused", 0, round(time.perf_counter() - start, 3))
        self.full_problems = [f"warning: {line}" for line in [*report.warnings, *self.served.warnings]]
        self._problems(self.full_problems)
        return Rebuilt("full", result.rendered_count, round(time.perf_counter() - start, 3), result.site_page_count)

    def _quick(self, served: Served, show: Callable[[], None], start: float) -> Rebuilt | None:
        """Update the pages a change of notes touches; None when the change needs a full build."""
        report = Report()
        notes = read_notes(served, self.options.archive, report)
        unread = set(report.skipped) - served.built.skipped
        if unread:
            kept = [line for line in self.full_problems if str(self.options.archive / "notes") not in line]
            self._problems(kept + [f"error: {problem}; {KEPT}" if problem.path in unread else f"warning: {problem}"
                                   for problem in report.problems])
            return Rebuilt("refused", 0, round(time.perf_counter() - start, 3))
        update = update_notes(served, notes, show)
        if update is None:
            return None
        self.served = update.served
        show()
        self._problems(self._kept(report) + [f"warning: MkDocs: {w}" for w in update.warnings])
        return Rebuilt("quick", update.pages, round(time.perf_counter() - start, 3))

    def _kept(self, notes_report: Report) -> list[str]:
        """Return the problems to show after a quick rebuild: the last full build's, the notes' read again."""
        notes = str(self.options.archive / "notes")
        kept = [line for line in self.full_problems if notes not in line]
        return kept + [f"warning: {line}" for line in notes_report.warnings]
