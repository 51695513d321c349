"""The command-line options several commands share: --archive, --config, --jobs, and a build's set."""

from __future__ import annotations

import argparse
import os
from pathlib import Path

from sitegen.options import site_url
from sitegen.parallel import cores

SITE_URL_VARIABLE = "SITEGEN_SITE_URL"
"""The environment variable --site-url defaults to (a CI workflow sets it from the Pages settings)."""


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
    """Add --archive, --site-dir, --config, --site-url, --strict, --force and --jobs, shared by the commands that
    build."""
    add_archive(command)
    command.add_argument("--site-dir", type=Path, default=Path("site"), metavar="DIR",
                         help="where the built site goes (default: site/)")
    add_config(command)
    command.add_argument("--site-url", type=_site_url, default=os.environ.get(SITE_URL_VARIABLE) or None,
                         metavar="URL",
                         help="the address the site is published at, e.g. https://user.github.io/repository/, in "
                              f"place of mkdocs.yml's site_url (default: ${SITE_URL_VARIABLE}, if set): canonical "
                              "links, the sitemap, robots.txt and absolute feed links")
    command.add_argument("--strict", action="store_true",
                         help="fail when any file was skipped or MkDocs warned")
    command.add_argument("--force", action="store_true",
                         help="replace a --site-dir that holds files sitegen did not make (never the project, "
                              "docs or archive folder, your home folder or a folder holding them)")
    add_jobs(command)


def _site_url(text: str) -> str:
    try:
        return site_url(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(f"{exc} (from --site-url or ${SITE_URL_VARIABLE})") from None


def _jobs(text: str) -> int:
    if not text.isdigit() or int(text) < 1:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number of processes (1 or more)")
    return int(text)
