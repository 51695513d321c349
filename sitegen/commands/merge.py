"""`sitegen merge`: assemble the parts of a sharded build into the site."""

from __future__ import annotations

import argparse
from pathlib import Path

HELP = "assemble the parts of a sharded build (sitegen build --shard K/N) into the site"


def register(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> argparse.ArgumentParser:
    parser = commands.add_parser(
        "merge", help=HELP,
        description="Assemble PART_1 … PART_N, each built by `sitegen build --shard K/N --site-dir PART_K`, into "
                    "--site-dir: byte for byte the site one `sitegen build` makes. Every shard must be there, "
                    "built from the same archive and config, and hold only plain files that its manifest "
                    "lists as paths inside the site; otherwise nothing is written and the previous site stays.")
    parser.add_argument("parts", nargs="+", type=Path, metavar="PART", help="the part folders")
    parser.add_argument("--site-dir", type=Path, default=Path("site"), metavar="DIR",
                        help="where the merged site goes (default: site/)")
    parser.add_argument("--force", action="store_true",
                        help="replace a --site-dir that holds files sitegen did not make")
    return parser


def run(args: argparse.Namespace) -> int:
    from sitegen.publish.parts import merge

    count = merge(args.parts, args.site_dir, force=args.force)
    print(f"Merged {len(args.parts)} parts into {args.site_dir}/: {count} files")
    return 0
