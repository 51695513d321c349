"""Rebuild only what changed: MkDocs' dirty mode, run on a copy of the previous site.

A page is rebuilt when its Markdown is newer than its HTML; the generator rewrites a page's Markdown only
when its text changed (fs.write_text), so an unchanged page keeps its old HTML. That is sound only when
everything else a page's HTML depends on is unchanged: the MkDocs config (theme, nav, extensions), the
versions of sitegen, MkDocs and Material, the theme overrides, the build date and the set of pages outside
papers/, topics/ and dates/. Those go into a fingerprint; any difference means a clean build. Strict
builds are always clean, so that every page's warnings are reported again.
"""

from __future__ import annotations

import hashlib
import shutil
from importlib import metadata
from pathlib import Path
from typing import Any

import yaml

from sitegen import __version__, fs
from sitegen.publish import mkdocs_hooks
from sitegen.render import escape

GENERATED = ("papers", "topics", "dates")
"""Folders whose pages come and go with the archive; stale outputs there are removed."""


def fingerprint(config: dict[str, Any], docs: Path, theme: Path, epoch: int) -> str:
    """Return a hash of everything besides a page's own Markdown that its HTML depends on."""
    digest = hashlib.sha256()
    digest.update(yaml.safe_dump(config, sort_keys=True).encode())
    for package in ("mkdocs", "mkdocs-material", "markdown", "pymdown-extensions"):
        try:
            digest.update(f"{package}={metadata.version(package)}\n".encode())
        except metadata.PackageNotFoundError:
            digest.update(f"{package}=none\n".encode())
    digest.update(f"sitegen={__version__} epoch={epoch}\n".encode())
    for module in (escape.__file__, mkdocs_hooks.__file__):  # they change pages' HTML inside MkDocs
        digest.update(Path(str(module)).read_bytes())
    for path in sorted(p for p in theme.rglob("*") if p.is_file()):
        digest.update(path.relative_to(theme).as_posix().encode() + b"\0" + path.read_bytes())
    for path in sorted(p for p in docs.rglob("*") if p.is_file()):
        rel = path.relative_to(docs)
        if rel.parts[0] not in GENERATED:
            digest.update(rel.as_posix().encode() + b"\n")
    return digest.hexdigest()


def _record(work: Path, site_dir: Path) -> Path:
    key = hashlib.sha256(str(site_dir.resolve()).encode()).hexdigest()[:16]
    return work / f"site-{key}.fingerprint"


def start(site_dir: Path, staging: Path, work: Path, stamp: str, clean: bool) -> bool:
    """Copy the previous site into staging when it was built with the same fingerprint; return whether to."""
    record = _record(work, site_dir)
    if clean or not site_dir.is_dir() or not record.is_file() or record.read_text() != stamp:
        record.unlink(missing_ok=True)
        return False
    # copy2 keeps the old pages' times, which is what tells MkDocs they need no rebuilding.
    shutil.copytree(site_dir, staging, symlinks=True)
    return True


def remove_stale(staging: Path, docs: Path) -> int:
    """Remove outputs of generated pages and files that no longer exist; return how many."""
    removed = 0
    for folder in GENERATED:
        for path in sorted((staging / folder).rglob("*")):
            if not path.is_file():
                continue
            rel = path.relative_to(staging)
            if (docs / rel).exists() or (path.suffix == ".html" and (docs / rel).with_suffix(".md").exists()):
                continue
            path.unlink()
            removed += 1
    return removed


def finish(work: Path, site_dir: Path, stamp: str) -> None:
    """Remember what the site now in place was built from."""
    fs.write_text(_record(work, site_dir), stamp)
