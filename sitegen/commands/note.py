"""`sitegen note`: create a curator's note for a paper, found by its page name or words of its title."""

from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path
from typing import TextIO

from sitegen import fs
from sitegen.archive import Archive
from sitegen.commands.options import add_archive
from sitegen.errors import Report, SitegenError
from sitegen.model import Paper

HELP = "create a curator's note for a paper and print its path"
SHOWN = 20
"""Candidates listed when the words match several papers."""
_WORD = re.compile(r"\w+")
TEMPLATE = """---
# {title}
# Write the note below the closing "---", in Markdown ($...$ is math); it shows on the paper's page.
tags: []         # topics to add, e.g. [key-paper, agents]; "-agents" removes a topic found automatically
rating:          # 1 to 5 (left empty: no rating)
status: to-read  # free text, e.g. to-read, read, key-paper
---

"""


def register(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> argparse.ArgumentParser:
    parser = commands.add_parser(
        "note", help=HELP,
        description="Create ARCHIVE/notes/<page-name>.md for the paper whose page name is PAPER, or whose "
                    "title contains all the words given, and print its path. When the words match several "
                    "papers, ask which one (or list them when not run interactively). An existing note is "
                    "never overwritten.")
    parser.add_argument("paper", nargs="+", metavar="PAPER",
                        help="the paper's page name (papers/<name>.html) or words of its title")
    add_archive(parser)
    return parser


def run(args: argparse.Namespace) -> int:
    from sitegen.ingest.stage import ingest

    report = Report()
    archive = Archive(args.archive)
    try:
        papers = ingest(archive, report).papers
    finally:
        report.emit()
    query = " ".join(args.paper)
    paper = choose(find(papers, query), query, sys.stdin, sys.stderr)
    path = create_note(archive, paper)
    print(path)
    return 0


def find(papers: tuple[Paper, ...], query: str) -> list[Paper]:
    """Return the papers the query names: the one with that page name, else those whose title has its words.

    A word of the query matches a title's word exactly; when no title has them all, it may match the start
    of a word ("prun" for "pruning").
    """
    by_slug = {p.slug: p for p in papers}
    if query.strip() in by_slug:
        return [by_slug[query.strip()]]
    words = _words(query)
    if not words:
        return []
    titled = [(p, _words(p.title)) for p in papers]
    exact = [p for p, title in titled if all(w in title for w in words)]
    if exact:
        return sorted(exact, key=lambda p: p.slug)
    return sorted((p for p, title in titled if all(any(t.startswith(w) for t in title) for w in words)),
                  key=lambda p: p.slug)


def choose(candidates: list[Paper], query: str, stdin: TextIO, stderr: TextIO) -> Paper:
    """Return the one candidate, or ask which one when there are several and stdin is a terminal."""
    if not candidates:
        raise SitegenError(f"no paper's page name or title matches {query!r}",
                           hint="give the page name from the paper's address (papers/<name>.html) or title words")
    if len(candidates) == 1:
        return candidates[0]
    shown = candidates[:SHOWN]
    print(f"{len(candidates)} papers match {query!r}:", file=stderr)
    for n, paper in enumerate(shown, start=1):
        print(f"  {n}. {_printable(paper.title)}  [{paper.slug}]", file=stderr)
    if len(candidates) > SHOWN:
        print(f"  ... and {len(candidates) - SHOWN} more", file=stderr)
    if not stdin.isatty():
        raise SitegenError(f"{len(candidates)} papers match {query!r}",
                           hint="give more title words or the page name shown in brackets")
    while True:
        print(f"Which one? (1-{len(shown)}; Enter cancels) ", end="", file=stderr, flush=True)
        answer = stdin.readline()
        if not answer.strip():  # Enter, or the end of the input
            raise SitegenError("no paper chosen; nothing was created")
        if answer.strip().isdigit() and 1 <= int(answer) <= len(shown):
            return shown[int(answer) - 1]
        print(f"{answer.strip()!r} is not a number from 1 to {len(shown)}.", file=stderr)


def create_note(archive: Archive, paper: Paper) -> Path:
    """Create the paper's note from the template; never overwrite one that exists."""
    path = archive.notes_dir / f"{paper.slug}.md"
    if archive.has(archive.notes_dir):
        archive.folder(archive.notes_dir)  # a file named notes, or a link out of the archive: said as such
    if path.is_symlink():
        raise SitegenError("a note for this paper already exists (a symbolic link); it was left as it is",
                           path=path, hint="edit or remove that link")
    try:
        fs.create_new(path, TEMPLATE.format(title=_printable(paper.title)))
    except FileExistsError:
        raise SitegenError("a note for this paper already exists; it was left as it is", path=path,
                           hint="edit that file") from None
    except OSError as exc:
        raise SitegenError(f"cannot be created: {exc.strerror}", path=path) from None
    return path


def _words(text: str) -> list[str]:
    return _WORD.findall(text.casefold())


def _printable(title: str) -> str:
    """Return a title on one line without control characters (it goes into a YAML comment and a terminal)."""
    return "".join(c if c.isprintable() else " " for c in " ".join(title.split()))
