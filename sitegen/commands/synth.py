"""`sitegen synth`: write a synthetic archive of N papers in the pasted listing format."""

from __future__ import annotations

import argparse
from pathlib import Path

HELP = "write a synthetic archive of N papers (for benchmarks)"


def register(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> argparse.ArgumentParser:
    parser = commands.add_parser(
        "synth", help=HELP,
        description="Write OUT/listings/*.txt: N papers in the pasted listing format, with titles and abstracts "
                    "drawn from a real archive's vocabulary, varied metadata and some duplicates across "
                    "listings. The same arguments always give the same files.")
    parser.add_argument("--papers", type=int, required=True, metavar="N", help="number of unique papers")
    parser.add_argument("--out", type=Path, required=True, metavar="DIR", help="the archive folder to create")
    parser.add_argument("--seed", type=int, default=0, metavar="S", help="random seed (default: 0)")
    parser.add_argument("--source", type=Path, default=Path("archive"), metavar="DIR",
                        help="the archive whose vocabulary to use (default: archive/)")
    return parser


def run(args: argparse.Namespace) -> int:
    from sitegen.synth import synthesise

    files = synthesise(args.source, args.papers, args.out, args.seed)
    print(f"Wrote {args.papers} papers in {files} listings to {args.out}/listings/")
    return 0
