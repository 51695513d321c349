"""`sitegen bench`: synthesise an archive of N papers and measure sitegen beside bare MkDocs."""

from __future__ import annotations

import argparse
import json
from pathlib import Path

HELP = "benchmark a synthetic archive of N papers against bare MkDocs"


def register(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> argparse.ArgumentParser:
    parser = commands.add_parser(
        "bench", help=HELP,
        description="Synthesise an archive of N papers, then measure in one run: the full sitegen build, a bare "
                    "MkDocs build of the same pages, a rebuild with nothing changed, peak memory, site and page "
                    "sizes, the gzipped bytes a first search downloads (ours and Material's), and seconds to the "
                    "first search result in headless Chromium (ours and Material's). Run it from the project "
                    "folder (it uses mkdocs.yml and archive/ for the vocabulary).")
    parser.add_argument("--papers", type=int, required=True, metavar="N", help="number of papers")
    parser.add_argument("--json", type=Path, metavar="FILE", help="also write the measures to FILE")
    parser.add_argument("--work", type=Path, metavar="DIR",
                        help="folder for the archive and sites (default: a new temporary folder); an existing "
                             "archive there is reused")
    parser.add_argument("--seed", type=int, default=0, metavar="S", help="random seed (default: 0)")
    parser.add_argument("--no-browser", action="store_true", help="skip the two search timings in Chromium")
    parser.add_argument("--jobs", type=int, metavar="N", help="MkDocs processes of the measured build (default: the "
                        "cores available); it is also measured with one")
    return parser


def run(args: argparse.Namespace) -> int:
    from sitegen import fs
    from sitegen.bench import run as bench
    from sitegen.bench import table
    from sitegen.errors import Report
    from sitegen.publish.mkdocs_compat import check_versions

    versions = Report()
    check_versions(versions)  # the builds run as child processes whose output is not shown
    versions.emit()
    if not args.no_browser:
        _require_browser()

    result = bench(args.papers, work=args.work, seed=args.seed, browser=not args.no_browser, jobs=args.jobs)
    print(table(result))
    if args.json:
        fs.write_text(args.json, json.dumps(result, sort_keys=True, indent=1) + "\n")
    return 0


def _require_browser() -> None:
    """Fail in one line, before any work, when the search timings cannot run."""
    import importlib.util

    from sitegen.browser import CHROMIUM
    from sitegen.errors import SitegenError

    if importlib.util.find_spec("playwright") is None:
        raise SitegenError("the search timings need Playwright, from sitegen's test extra",
                           hint='install it with: pip install -e ".[test]"; or pass --no-browser')
    if not Path(CHROMIUM).exists():
        raise SitegenError(f"the search timings need Chromium at {CHROMIUM}",
                           hint="install Debian's chromium (apt-get install chromium), set SITEGEN_CHROMIUM, "
                                "or pass --no-browser")
