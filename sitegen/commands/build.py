"""`sitegen build`: build the site from an archive."""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import TYPE_CHECKING

from sitegen.commands.options import add_archive_options

if TYPE_CHECKING:
    from sitegen.pipeline import BuildResult

HELP = "build the site from an archive"


def _shard(text: str) -> tuple[int, int]:
    k, _, n = text.partition("/")
    if not (k.isdigit() and n.isdigit()) or not 1 <= int(k) <= int(n) <= 1000:
        raise argparse.ArgumentTypeError(f"{text!r} is not a shard like 2/4 (part K of N, 1 <= K <= N)")
    return int(k), int(n)


def register(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> argparse.ArgumentParser:
    parser = commands.add_parser(
        "build", help=HELP,
        description="Read ARCHIVE/listings/*.txt and *.json (and the optional metadata/, links.json, archive.yml, "
                    "taxonomy.yml, notes/), "
                    "write one page per paper, topic and date pages, and build the site with MkDocs. "
                    "A file that is not a listing is reported and skipped; the exit status is non-zero "
                    "when nothing usable is left.")
    add_archive_options(parser)
    parser.add_argument("--shard", type=_shard, metavar="K/N",
                        help="build part K of N into --site-dir, for `sitegen merge` (a CI matrix job each)")
    parser.add_argument("--keep-docs", action="store_true",
                        help="also write the generated Markdown pages into the site's folder in .sitegen/ (MkDocs "
                             "reads them from memory), so that `mkdocs build -f .sitegen/SITE-KEY/mkdocs.yml` "
                             "builds the same site")
    parser.add_argument("--timings", type=Path, metavar="FILE",
                        help="write each stage's seconds to FILE as JSON (used by `sitegen bench`)")
    return parser


def build_and_report(args: argparse.Namespace) -> BuildResult:
    """Build with the archive options; print the warnings (even when the build fails) and the summary."""
    from sitegen.errors import Report
    from sitegen.pipeline import BuildOptions, build
    from sitegen.publish.mkdocs_compat import check_versions

    report = Report()
    check_versions(report)  # reported with the build's warnings, even when the build fails
    try:
        result = build(BuildOptions(archive=args.archive, site_dir=args.site_dir, config_file=args.config,
                                    strict=args.strict, force=args.force, jobs=args.jobs,
                                    shard=getattr(args, "shard", None),
                                    keep_docs=getattr(args, "keep_docs", False), site_url=args.site_url,
                                    published=args.command == "build"), report)
    finally:
        report.emit()
    part = f" (part {args.shard[0]} of {args.shard[1]})" if getattr(args, "shard", None) else ""
    if result.unchanged:
        print(f"{args.site_dir}/{part} is up to date: nothing it is built from changed; {result.summary()}")
    else:
        print(f"Built {args.site_dir}/{part}: {result.summary()}")
    return result


def run(args: argparse.Namespace) -> int:
    result = build_and_report(args)
    if args.timings:
        from sitegen import fs

        fs.write_text(args.timings, json.dumps(result.seconds, sort_keys=True, indent=1) + "\n")
    return 0
