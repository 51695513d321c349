"""Rebuild only what changed: MkDocs' dirty mode, run on a copy of the previous site.

A generated page is rendered again when its Markdown differs from the previous build's (the record beside the
fingerprint holds a digest of each), a hand-written page or file when it is newer than its copy in the site
(MkDocs' own test); an unchanged page keeps its old HTML. That is sound only when
everything else a page's HTML depends on is unchanged: the MkDocs config (theme, nav, extensions), the
versions of sitegen, MkDocs and Material, the theme overrides, the build date and the set of pages outside
papers/, topics/ and dates/. Those go into a fingerprint; any difference means a clean build. Strict
builds are always clean, so that every page's warnings are reported again.
"""

from __future__ import annotations

import hashlib
import json
import shutil
from collections.abc import Mapping
from importlib import metadata
from pathlib import Path
from typing import TYPE_CHECKING, Any

import yaml

from sitegen import __version__, fs
from sitegen.publish import mkdocs_hooks
from sitegen.render import escape

if TYPE_CHECKING:
    from sitegen.publish.mkdocs_site import Docs

GENERATED = ("papers", "topics", "dates")
"""Folders whose pages come and go with the archive; stale outputs there are removed."""


def fingerprint(config: dict[str, Any], docs: Docs, theme: Path, epoch: int) -> str:
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
    for rel in docs.sources():
        if rel.split("/")[0] not in GENERATED:
            digest.update(rel.encode() + b"\n")
    return digest.hexdigest()


def _record(work: Path, site_dir: Path) -> Path:
    key = hashlib.sha256(str(site_dir.resolve()).encode()).hexdigest()[:16]
    return work / f"site-{key}.fingerprint"


def page_digests(pages: Mapping[str, str]) -> dict[str, str]:
    """Return a digest of each generated page's Markdown."""
    return {rel: hashlib.sha256(text.encode("utf-8")).hexdigest()[:32] for rel, text in pages.items()}


def start(site_dir: Path, staging: Path, work: Path, stamp: str, clean: bool) -> dict[str, str] | None:
    """Copy the previous site into staging when it was built with the same fingerprint; return the digests of
    its generated pages then (None: build clean)."""
    previous = None if clean or not site_dir.is_dir() else _read_record(_record(work, site_dir), stamp)
    if previous is None:
        _record(work, site_dir).unlink(missing_ok=True)
        return None
    # copy2 keeps the old pages' times, which is what tells MkDocs they need no rebuilding.
    shutil.copytree(site_dir, staging, symlinks=True)
    return previous


def _read_record(path: Path, stamp: str) -> dict[str, str] | None:
    try:
        record = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if not isinstance(record, dict) or record.get("stamp") != stamp or not isinstance(record.get("pages"), dict):
        return None
    return {str(k): str(v) for k, v in record["pages"].items()}


def unchanged(digests: Mapping[str, str], previous: Mapping[str, str] | None) -> frozenset[str]:
    """Return the generated pages (digests: page_digests()) whose Markdown is what the previous build rendered."""
    if not previous:
        return frozenset()
    return frozenset(rel for rel, digest in digests.items() if previous.get(rel) == digest)


def remove_stale(staging: Path, sources: set[str]) -> int:
    """Remove outputs of generated pages and files that no longer exist (sources: the docs' paths); return
    how many."""
    removed = 0
    for folder in GENERATED:
        for path in sorted((staging / folder).rglob("*")):
            if not path.is_file():
                continue
            rel = path.relative_to(staging)
            if rel.as_posix() in sources or (path.suffix == ".html" and rel.with_suffix(".md").as_posix() in sources):
                continue
            path.unlink()
            removed += 1
    return removed


def finish(work: Path, site_dir: Path, stamp: str, digests: Mapping[str, str]) -> None:
    """Remember what the site now in place was built from: the fingerprint and each generated page's digest
    (page_digests())."""
    record = {"stamp": stamp, "pages": dict(digests)}
    fs.write_text(_record(work, site_dir), json.dumps(record, sort_keys=True, separators=(",", ":")) + "\n")
