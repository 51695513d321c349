"""Sharded builds: each shard builds a part of the site (`sitegen build --shard K/N --site-dir PART`), and
`sitegen merge` assembles the parts into the site, byte for byte what one machine's `sitegen build` makes.

Every shard reads the whole archive and writes every page's Markdown, so links are validated against the whole
site; it renders only its share of the paper pages (publish/shares.py), and shard 1 alone renders the other
pages and writes the site-wide files (sitemap, feeds, .bib files, the search index). A part carries a manifest,
PART_MANIFEST: its shard, the number of shards, the digest of the docs and config it was built from, and its
files. Parts built from different inputs, a missing shard or a file two parts both hold fail the merge.
"""

from __future__ import annotations

import hashlib
import json
import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sitegen import fs
from sitegen.errors import BuildError, OutputError
from sitegen.layout import SITE_MARKER, Layout, Protected, check_outputs, mark
from sitegen.publish import incremental

if TYPE_CHECKING:
    from sitegen.publish.mkdocs_site import Docs

PART_MANIFEST = ".sitegen-part.json"
FORMAT = 1


@dataclass(frozen=True, slots=True)
class Part:
    """A shard's part of a site, as its manifest describes it."""

    folder: Path
    shard: int
    """1-based."""
    shards: int
    digest: str
    """What it was built from: the docs' and the config's contents, the versions, the build date."""
    files: tuple[str, ...]


def inputs_digest(config: dict[str, Any], docs: Docs, theme: Path, epoch: int) -> str:
    """Return a digest of everything a part's pages depend on: the config (its paths set aside: every machine
    checks out and builds in folders of its own), the versions and theme, the build date, the docs' contents."""
    portable = {k: v for k, v in config.items() if k not in ("site_dir", "docs_dir", "hooks")}
    portable["theme"] = {k: v for k, v in dict(config.get("theme") or {}).items() if k != "custom_dir"}
    digest = hashlib.sha256(incremental.fingerprint(portable, docs, theme, epoch).encode())
    for rel, data in docs.contents():
        digest.update(rel.encode() + b"\0" + data)
    return digest.hexdigest()


def write_manifest(folder: Path, shard: tuple[int, int], digest: str) -> None:
    """Describe the part in folder (the staging folder of a shard's build)."""
    files = sorted(p.relative_to(folder).as_posix() for p in folder.rglob("*")
                   if p.is_file() and p.name not in (PART_MANIFEST, SITE_MARKER))
    data = {"format": FORMAT, "shard": shard[0], "shards": shard[1], "digest": digest, "files": files}
    fs.write_text(folder / PART_MANIFEST, json.dumps(data, indent=1, sort_keys=True) + "\n")


def read_part(folder: Path) -> Part:
    """Return a part's manifest; BuildError naming the folder when it is not a part sitegen built."""
    path = folder / PART_MANIFEST
    try:
        data: Any = json.loads(path.read_text(encoding="utf-8"))
        return Part(folder, int(data["shard"]), int(data["shards"]), str(data["digest"]),
                    tuple(str(f) for f in data["files"]))
    except FileNotFoundError:
        raise BuildError("is not a part of a sharded build (no .sitegen-part.json), or its shard failed",
                         path=folder, hint="build it with: sitegen build --shard K/N --site-dir "
                                           f"{folder}") from None
    except (OSError, ValueError, KeyError, TypeError):
        raise BuildError("has a damaged .sitegen-part.json", path=folder, hint="build that shard again") from None


def merge(folders: list[Path], site_dir: Path, force: bool = False) -> int:
    """Assemble the parts into site_dir (replaced only when everything checked out); return the files merged."""
    parts = sorted((read_part(folder) for folder in folders), key=lambda p: p.shard)
    _check(parts)
    layout = Layout.for_site(site_dir)
    protected = Protected.of(Path.cwd() / "archive", None, None)
    protected = Protected((*protected.inside_forbidden, *(("a part", p.folder.resolve()) for p in parts)),
                          protected.replace_forbidden)
    check_outputs(layout, protected, site_dir, force=force)
    owner: dict[str, Path] = {}
    for part in parts:
        for rel in part.files:
            if rel in owner:
                raise BuildError(f"{rel} is in two parts, {owner[rel]} and {part.folder}", hint="build every shard "
                                 "again from the same archive")
            owner[rel] = part.folder
    try:
        fs.discard(layout.staging)
        mark(layout.staging, SITE_MARKER)
        with fs.public_umask():
            for rel, folder in sorted(owner.items()):
                target = layout.staging / rel
                target.parent.mkdir(parents=True, exist_ok=True)
                shutil.copyfile(folder / rel, target)
        fs.swap_in(layout.staging, layout.site, layout.previous)
    finally:
        fs.discard(layout.staging)
    return len(owner)


def _check(parts: list[Part]) -> None:
    if not parts:
        raise BuildError("no parts to merge", hint="pass the part folders: sitegen merge PART_1 … PART_N --site-dir "
                                                   "SITE")
    shards = parts[0].shards
    if any(p.shards != shards for p in parts):
        raise BuildError("the parts come from builds of different numbers of shards: "
                         + ", ".join(f"{p.folder} ({p.shard}/{p.shards})" for p in parts),
                         hint="build every shard with the same N")
    found = [p.shard for p in parts]
    missing = sorted(set(range(1, shards + 1)) - set(found))
    if missing or len(found) != len(set(found)):
        twice = sorted({s for s in found if found.count(s) > 1})
        what = (f"shard {', '.join(map(str, missing))} of {shards} is missing" if missing
                else f"shard {', '.join(map(str, twice))} is given twice")
        raise BuildError(f"{what} (a shard that failed leaves no part)", hint="build every shard, then merge them all")
    digests = {p.digest for p in parts}
    if len(digests) > 1:
        odd = [p for p in parts if p.digest != parts[0].digest]
        raise BuildError(f"the parts were built from different archives or configs: {parts[0].folder} and "
                         f"{odd[0].folder} differ", hint="build every shard again from the same commit")
    for part in parts:
        for rel in part.files:
            if not (part.folder / rel).is_file():
                raise OutputError(f"{rel} is listed in {part.folder}'s manifest but missing",
                                  hint="build that shard again")
