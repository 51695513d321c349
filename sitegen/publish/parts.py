"""Sharded builds: each shard builds a part of the site (`sitegen build --shard K/N --site-dir PART`), and
`sitegen merge` assembles the parts into the site, byte for byte what one machine's `sitegen build` makes.

Every shard reads the whole archive and writes every page's Markdown, so links are validated against the whole
site; it renders only its share of the paper pages (publish/shares.py), and shard 1 alone renders the other
pages and writes the site-wide files (sitemap, feeds, .bib files, the search index). A part carries a manifest,
PART_MANIFEST: its shard, the number of shards, the digest of the docs and config it was built from, and its
files. Parts built from different inputs, a missing shard or a file two parts both hold fail the merge.

A part is checked before anything is written, as input from elsewhere (a CI artifact): its manifest may list
only plain relative paths inside the site (no `..`, no absolute path, no backslash, no empty segment), and
the part may hold only folders and regular files (no link, FIFO or device anywhere). Anything else fails the
merge by name, and the previous site stays as it was.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sitegen import fs
from sitegen.errors import BuildError, OutputError, shown
from sitegen.layout import SITE_MARKER, Layout, Protected, check_outputs, locked, mark
from sitegen.publish import incremental

if TYPE_CHECKING:
    from sitegen.publish.mkdocs_site import Docs

PART_MANIFEST = ".sitegen-part.json"
FORMAT = 1
MAX_SHARDS = 1000
"""The most shards a build may be cut into (as `--shard K/N` allows)."""


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
    digest = hashlib.sha256(f"{incremental.fingerprint(portable, docs, theme, epoch)} epoch={epoch}".encode())
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
    """Return a part's manifest; BuildError naming the folder when it is not a part sitegen built, or naming
    the part and the entry when the manifest lists a path that is not a plain one inside the site."""
    path = folder / PART_MANIFEST
    try:
        data: Any = json.loads(fs.read_plain(path).decode("utf-8"))
        if not isinstance(data["files"], list):
            raise TypeError(data["files"])
        part = Part(folder, _count(data["shard"]), _count(data["shards"]), str(data["digest"]), tuple(data["files"]))
    except (FileNotFoundError, NotADirectoryError):
        raise BuildError("is not a part of a sharded build (no .sitegen-part.json), or its shard failed",
                         path=folder, hint="build it with: sitegen build --shard K/N --site-dir "
                                           f"{folder}") from None
    except fs.NotPlainFile as exc:
        raise BuildError(f"its {PART_MANIFEST} is {exc.kind}, not a file sitegen wrote", path=folder,
                         hint="build that shard again") from None
    except (OSError, ValueError, KeyError, TypeError):
        raise BuildError("has a damaged .sitegen-part.json", path=folder, hint="build that shard again") from None
    for entry in part.files:
        problem = entry_problem(entry)
        if problem:
            raise BuildError(f"its {PART_MANIFEST} lists {shown(entry)}, which {problem}", path=folder,
                             hint="merge only parts that `sitegen build --shard` made; build that shard again")
    if part.shard > part.shards:
        raise BuildError("has a damaged .sitegen-part.json", path=folder, hint="build that shard again")
    return part


def _count(value: Any) -> int:
    """Return a shard number of a manifest (1 to MAX_SHARDS); ValueError otherwise."""
    if type(value) is not int or not 1 <= value <= MAX_SHARDS:
        raise ValueError(value)
    return value


def entry_problem(entry: object) -> str:
    """Say what is wrong with a manifest's entry ("" when it is a plain relative path inside the site)."""
    if not isinstance(entry, str):
        return "is not a path"
    segments = entry.split("/")
    problems = (
        (entry == "", "is empty"),
        (entry.startswith("/"), "is an absolute path"),
        ("\\" in entry, "holds a backslash"),
        (any(ord(c) < 32 or c == "\x7f" for c in entry), "holds a control character"),
        (".." in segments, "leads out of the site (..)"),
        ("" in segments or "." in segments, "has an empty or '.' segment"),
        (entry in (PART_MANIFEST, SITE_MARKER), "is sitegen's own file, not a page"),
        (len(entry) > 4096 or any(len(s.encode("utf-8", "replace")) > 255 for s in segments), "is too long"),
    )
    return next((problem for wrong, problem in problems if wrong), "")


def merge(folders: list[Path], site_dir: Path, force: bool = False) -> int:
    """Assemble the parts into site_dir (replaced only when everything checked out); return the files merged."""
    parts = sorted((read_part(folder) for folder in folders), key=lambda p: p.shard)
    _check(parts)
    owner = _owners(parts)
    layout = Layout.for_site(site_dir)
    protected = Protected.of(Path.cwd() / "archive", None, None)
    protected = Protected((*protected.inside_forbidden, *(("a part", p.folder.resolve()) for p in parts)),
                          protected.replace_forbidden)
    check_outputs(layout, protected, site_dir, force=force)
    with locked(layout, "sitegen merge", site_dir):
        try:
            fs.remove_tree(layout.staging, SITE_MARKER)
            mark(layout.staging, SITE_MARKER)
            with fs.public_umask():
                for rel, folder in sorted(owner.items()):
                    if not fs.copy_plain(folder / rel, layout.staging / rel):
                        raise BuildError(f"{rel} changed into something other than a plain file during the merge",
                                         path=folder, hint="build that shard again")
            incremental.forget(layout.work, layout.site)
            fs.swap_in(layout.staging, layout.site, layout.previous, SITE_MARKER)
            incremental.finish(layout.work, layout.site, "", {})  # a merged site: its files, no fingerprint
        finally:
            fs.remove_tree(layout.staging, SITE_MARKER)
    return len(owner)


def _owners(parts: list[Part]) -> dict[str, Path]:
    """Return which part each file comes from; BuildError for a file two parts (or one twice) hold, or a file
    where another part has a folder."""
    owner: dict[str, Path] = {}
    for part in parts:
        for rel in part.files:
            if rel in owner:
                where = f"twice in {part.folder}" if owner[rel] == part.folder else \
                    f"in two parts, {owner[rel]} and {part.folder}"
                raise BuildError(f"{rel} is {where}", hint="build every shard again from the same archive")
            owner[rel] = part.folder
    for rel, folder in owner.items():
        segments = rel.split("/")
        for depth in range(1, len(segments)):
            above = "/".join(segments[:depth])
            if above in owner:
                raise BuildError(f"its {PART_MANIFEST} lists {rel}, but {owner[above]} has a file {above} there",
                                 path=folder, hint="build every shard again from the same archive")
    return owner


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
        _check_plain(part)


def _check_plain(part: Part) -> None:
    """BuildError unless the part holds only folders and regular files, every file its manifest lists too."""
    tree = fs.plain_tree(part.folder)
    if tree.odd:
        rel, kind = tree.odd[0]
        raise BuildError(f"{rel} is {kind}; a part holds only plain files and folders", path=part.folder,
                         hint="merge only parts that `sitegen build --shard` made; build that shard again")
    for rel in part.files:
        if rel not in tree.files:
            raise OutputError(f"{rel} is listed in {part.folder}'s manifest but missing",
                              hint="build that shard again")
