"""A MkDocs hook for the project's mkdocs.yml: a plain `mkdocs build` or `mkdocs serve` stops with one line.

The project's mkdocs.yml names only the hand-written docs; the archive's pages exist only in the config sitegen
derives from it (publish/mkdocs_site.py), whose docs folder is in sitegen's work folder (marked with
layout.WORK_MARKER). Built plainly, mkdocs.yml gives a near-empty site and says nothing, so this hook stops such
a build and names the commands that build the archive. In a build from the derived config (sitegen's own, or
`mkdocs build -f .sitegen/site-…/mkdocs.yml` after `sitegen build --keep-docs`) it does nothing.

MkDocs loads this file by its path (`hooks:`), on its own: it imports nothing from sitegen, which need not be
importable where MkDocs runs.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

WORK_MARKER = ".sitegen-work"
"""sitegen.layout.WORK_MARKER: the file that marks sitegen's work folder (a test keeps the two equal)."""

MESSAGE = ("{config}: this is the site's settings, not the whole site: a plain `mkdocs {command}` builds only the "
           "hand-written pages. Run `sitegen build` (or `sitegen serve` for a live preview), which adds the "
           "archive's pages.")


def derived(config: Any) -> bool:
    """Tell whether config is one sitegen derived: its docs folder is in sitegen's work folder."""
    return (Path(str(config["docs_dir"])).parent / WORK_MARKER).is_file()


_command = {"name": "build"}
"""The MkDocs command that runs (on_startup), for the message."""


def on_startup(command: str, dirty: bool) -> None:
    """Remember which MkDocs command runs, for the message."""
    _command["name"] = command


def on_config(config: Any) -> Any:
    """Stop a plain build of the project's mkdocs.yml with one line; let a build of sitegen's config go on."""
    if derived(config):
        return config
    from mkdocs.exceptions import Abort

    raise Abort(MESSAGE.format(config=config["config_file_path"] or "mkdocs.yml", command=_command["name"]))
