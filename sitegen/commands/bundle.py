"""`sitegen bundle`: build the site and pack it into one zip that works offline, from file://."""

from __future__ import annotations

import argparse
from pathlib import Path

from sitegen.commands.options import add_archive_options

HELP = "build the site and pack it into one zip that opens offline from file://"
DEFAULT_OUT = Path("dist/offline-site.zip")


def register(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> argparse.ArgumentParser:
    parser = commands.add_parser(
        "bundle", help=HELP,
        description="Build the site as `sitegen build` does, then pack it into one zip: unzip it and open "
                    "index.html in a browser, with no network. The zip is reproducible: the same archive "
                    "gives the same bytes (entry times are SOURCE_DATE_EPOCH, else the newest capture date "
                    "the archive states). Fails, writing no zip, when a page would fetch anything from "
                    "outside the site.")
    add_archive_options(parser)
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, metavar="FILE",
                        help=f"the zip to write (default: {DEFAULT_OUT}); it unzips into a folder named "
                             "after it")
    return parser


def run(args: argparse.Namespace) -> int:
    from sitegen.commands.build import build_and_report
    from sitegen.publish.bundle import external_fetches, write_bundle

    out = _check_out(args.out, args.site_dir, args.archive)
    result = build_and_report(args)
    _refuse_network(external_fetches(args.site_dir), args.site_dir)
    bundle = write_bundle(args.site_dir, out, result.epoch, config_file=args.config)
    print(f"Wrote {bundle.path}: {bundle.files} files, {bundle.size / 1e6:.1f} MB; unzip it and open "
          f"{bundle.root}/index.html")
    return 0


def _check_out(out: Path, site_dir: Path, archive: Path) -> Path:
    """Return where the zip goes (a link followed); refuse a place a bundle must not be written."""
    from sitegen.errors import OutputError
    from sitegen.layout import resolved_output
    from sitegen.publish.bundle import made_by_sitegen

    if out.suffix.lower() != ".zip":
        raise OutputError("the bundle must be a .zip file", path=out, hint="pass e.g. --out dist/site.zip")
    if out.is_dir():
        raise OutputError("is a folder; the bundle is one file", path=out, hint="pass a file name ending in .zip")
    target = resolved_output(out, "--out")
    if target.is_relative_to(site_dir.resolve()):
        raise OutputError("is inside the site folder, which every build replaces", path=out,
                          hint=f"write the bundle outside {site_dir}/, e.g. --out dist/site.zip")
    if target.is_relative_to(archive.resolve()):
        raise OutputError("is inside the archive, which the tool never writes into", path=out,
                          hint="write the bundle outside the archive, e.g. --out dist/site.zip")
    if target.exists() and not made_by_sitegen(target):
        raise OutputError("exists and is not a bundle sitegen made; it is left as it is", path=out,
                          hint="choose another --out, or move the file away")
    return target


def _refuse_network(fetches: list[tuple[str, str]], site_dir: Path) -> None:
    from sitegen.errors import BuildError

    if not fetches:
        return
    shown = "; ".join(f"{page} loads {url}" for page, url in fetches[:5])
    more = f" and {len(fetches) - 5} more" if len(fetches) > 5 else ""
    raise BuildError(f"the site would fetch from the network, so it cannot work offline: {shown}{more}",
                     path=site_dir, hint="set theme.font: false in mkdocs.yml and put such files in the docs "
                                         "folder instead of linking them")
