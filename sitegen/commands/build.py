"""`sitegen build`: build the site from an archive."""

from __future__ import annotations

import argparse
import json
import os
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from sitegen.build import BuildResult

HELP = "build the site from an archive"


def add_archive(command: argparse.ArgumentParser) -> None:
    """Add --archive, shared by every command that reads or adds to an archive."""
    command.add_argument("--archive", type=Path, default=Path("archive"), metavar="DIR",
                         help="the archive folder (default: archive/)")


def add_config(command: argparse.ArgumentParser) -> None:
    """Add --config, shared by the commands that build."""
    command.add_argument("--config", type=Path, default=Path("mkdocs.yml"), metavar="FILE",
                         help="the MkDocs config to build with (default: mkdocs.yml, if present)")


def add_jobs(command: argparse.ArgumentParser) -> None:
    """Add --jobs, shared by the commands that build."""
    command.add_argument("--jobs", type=_jobs, default=cores(), metavar="N",
                         help=f"MkDocs processes rendering the site at once (default: the cores available, "
                              f"{cores()} here)")


def add_archive_options(command: argparse.ArgumentParser) -> None:
    """Add --archive, --site-dir, --config, --strict, --force and --jobs, shared by the commands that build."""
    add_archive(command)
    command.add_argument("--site-dir", type=Path, default=Path("site"), metavar="DIR",
                         help="where the built site goes (default: site/)")
    add_config(command)
    command.add_argument("--strict", action="store_true",
                         help="fail when any file was skipped or MkDocs warned")
    command.add_argument("--force", action="store_true",
                         help="replace a --site-dir that holds files sitegen did not make (never the project, "
                              "docs or archive folder, your home folder or a folder holding them)")
    add_jobs(command)


def cores() -> int:
    """Return the number of cores this process may use."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not on Linux
        return max(1, os.cpu_count() or 1)


def _jobs(text: str) -> int:
    if not text.isdigit() or int(text) < 1:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number of processes (1 or more)")
    return int(text)


def _shard(text: str) -> tuple[int, int]:
    k, _, n = text.partition("/")
    if not (k.isdigit() and n.isdigit()) or not 1 <= int(k) <= int(n) <= 1000:
        raise argparse.ArgumentTypeError(f"{text!r} is not a shard like 2/4 (part K of N, 1 <= K <= N)")
    return int(k), int(n)


def register(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> argparse.ArgumentParser:
    parser = commands.add_parser(
        "build", help=HELP,
        description="Read ARCHIVE/listings/*.txt (and the optional archive.yml, taxonomy.yml, notes/), "
                    "write one page per paper, topic and date pages, and build the site with MkDocs. "
                    "A file that is not a listing is reported and skipped; the exit status is non-zero "
                    "when nothing usable is left.")
    add_archive_options(parser)
    parser.add_argument("--shard", type=_shard, metavar="K/N",
                        help="build part K of N into --site-dir, for `sitegen merge` (a CI matrix job each)")
    parser.add_argument("--keep-docs", action="store_true",
                        help="also write the generated Markdown pages into .sitegen/docs (MkDocs reads them from "
                             "memory), so that `mkdocs build -f .sitegen/mkdocs.yml` builds the same site")
    parser.add_argument("--timings", type=Path, metavar="FILE",
                        help="write each stage's seconds to FILE as JSON (used by `sitegen bench`)")
    return parser


def build_and_report(args: argparse.Namespace) -> BuildResult:
    """Build with the archive options; print the warnings (even when the build fails) and the summary."""
    from sitegen.build import BuildOptions, build
    from sitegen.errors import Report

    report = Report()
    try:
        result = build(BuildOptions(archive=args.archive, site_dir=args.site_dir, config_file=args.config,
                                    strict=args.strict, force=args.force, jobs=args.jobs,
                                    shard=getattr(args, "shard", None),
                                    keep_docs=getattr(args, "keep_docs", False)), report)
    finally:
        report.emit()
    part = f" (part {args.shard[0]} of {args.shard[1]})" if getattr(args, "shard", None) else ""
    print(f"Built {args.site_dir}/{part}: {result.summary()}")
    return result


def run(args: argparse.Namespace) -> int:
    result = build_and_report(args)
    if args.timings:
        from sitegen import fs

        fs.write_text(args.timings, json.dumps(result.seconds, sort_keys=True, indent=1) + "\n")
    return 0
