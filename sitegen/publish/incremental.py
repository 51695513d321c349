"""Rebuild only what changed: MkDocs' dirty mode, run on a copy of the previous site.

A generated page is rendered again when its Markdown differs from the previous build's (the record beside the
fingerprint holds a digest of each), a hand-written page or file when it is newer than its copy in the site
(MkDocs' own test); an unchanged page keeps its old HTML. That is sound only when
everything else a page's HTML depends on is unchanged: the MkDocs config (theme, nav, extensions), the
versions of sitegen, MkDocs and Material, the theme overrides, the build date (when a template shows it:
dated_pages()) and the set of pages outside
papers/, topics/ and dates/. Those go into a fingerprint; any difference means a clean build. A strict
build is clean unless the previous one was strict too (it passed: no page warned, and an unchanged page warns
no more now) and no generated page went away (a link to it from an unchanged page would go unreported).

The published site holds only what a build made. The record also lists every file the site held when the
build finished, with its size and time: a file found there that the record does not list (put there by hand),
a symbolic link, a FIFO or a device is reported by name and never carried into the next site, and a file
changed (or removed) since is not carried either: the build makes it again, so no hand edit is published.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import json
import os
import stat
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from importlib import metadata, resources
from pathlib import Path
from typing import TYPE_CHECKING, Any

import yaml

from sitegen import __version__, fs
from sitegen.errors import Report
from sitegen.layout import SITE_MARKER, Layout
from sitegen.publish import mkdocs_hooks
from sitegen.text import escape

if TYPE_CHECKING:
    from sitegen.publish.mkdocs_site import Docs

MANY = 500
"""From this many pages, a rebuild that changes most of them is built clean."""
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
    digest.update(f"sitegen={__version__}\n".encode())
    if dated_pages(theme):  # else the date is only in sitemap.xml, which MkDocs writes on every build
        digest.update(f"epoch={epoch}\n".encode())
    for module in (escape.__file__, mkdocs_hooks.__file__):  # they change pages' HTML inside MkDocs
        digest.update(Path(str(module)).read_bytes())
    for path in sorted(p for p in theme.rglob("*") if p.is_file()):
        digest.update(path.relative_to(theme).as_posix().encode() + b"\0" + path.read_bytes())
    for rel in docs.sources():
        if rel.split("/")[0] not in GENERATED:
            digest.update(rel.encode() + b"\n")
    return digest.hexdigest()


@functools.cache
def dated_pages(theme: Path) -> bool:
    """Whether a page's HTML shows the build date: a template of the theme (sitegen's overrides or Material's)
    uses MkDocs' `build_date_utc`. A new day's listing moves the date; it need not render every page again."""
    folders = (theme, Path(str(resources.files("material") / "templates")))
    return any("build_date_utc" in path.read_text(encoding="utf-8", errors="replace")
               for folder in folders for path in folder.rglob("*.html"))


def _record(work: Path, site_dir: Path) -> Path:
    key = hashlib.sha256(str(site_dir.resolve()).encode()).hexdigest()[:16]
    return work / f"site-{key}.fingerprint"


def page_digests(pages: Mapping[str, str]) -> dict[str, str]:
    """Return a digest of each generated page's Markdown."""
    return {rel: hashlib.sha256(text.encode("utf-8")).hexdigest()[:32] for rel, text in pages.items()}


@dataclass(frozen=True, slots=True)
class Rebuild:
    """What a build brings to the previous site."""

    stamp: str
    """The fingerprint of everything besides the pages' Markdown (fingerprint())."""
    strict: bool
    digests: Mapping[str, str]
    """This build's pages (page_digests())."""
    link: bool = False
    """Nothing but MkDocs and sitegen's hooks write into the staging folder (linkable())."""
    rewritten: tuple[str, ...] = ()
    """Folders (as "path/") whose files the build writes whole itself after MkDocs: none is carried over."""
    docs: Path | None = None
    """The docs folder MkDocs reads, already written for this build: with link, a file MkDocs copies from it as
    it is (a .bib file, a feed, an image) is linked when MkDocs will not copy it again, and left for MkDocs
    to copy when its source is newer."""


def start(layout: Layout, build: Rebuild, report: Report) -> dict[str, str] | None:
    """Copy into staging what the previous site holds as the previous build left it, when it was built with the
    same fingerprint; return the digests of the generated pages whose HTML was copied (None: build clean).
    Report what the site holds that no build made: it is left out either way.

    When nothing but MkDocs and sitegen's hooks writes into the staging folder (build.link), the HTML of a
    generated page whose Markdown is unchanged is linked rather than copied (MkDocs will not write it: the bulk
    of a rebuild's files, at the cost of a link each), and so is a file MkDocs copies from the docs folder when
    it will not copy it again (_carried()).
    A project's own hooks or plugins might rewrite files in place, through the link into the site in use:
    with them, everything is copied."""
    site_dir = layout.site
    record = _read_record(_record(layout.work, site_dir))
    found = fs.plain_tree(site_dir)
    made = files_made(record)
    _report_foreign(site_dir, found, made, report)
    pages = _pages(record)
    if made is None or pages is None or record is None or record.get("stamp") != build.stamp:
        return None
    if build.strict and (record.get("strict") is not True or not pages.keys() <= build.digests.keys()):
        return None
    same = sum(build.digests.get(src) == digest for src, digest in pages.items())
    if len(build.digests) >= MANY and same * 2 < len(build.digests):
        return None  # most of many pages change: carrying the old site over costs more than it saves
    kept = {f"{src.removesuffix('.md')}.html" for src, digest in pages.items()
            if build.link and build.digests.get(src) == digest and src.split("/")[0] in GENERATED}
    # A file changed (or removed) since the build is not copied, and MkDocs makes it again: a page's HTML
    # because its digest is left out of what this returns, any other file because it is missing.
    # Copies keep the old files' times, which is what tells MkDocs they need no rebuilding; the marker
    # goes first, so that a build cut short leaves a staging folder the next one may clear. A page whose
    # Markdown changed is rendered again: its old HTML is not worth bringing.
    again = {f"{src.removesuffix('.md')}.html" for src, digest in pages.items()
             if build.digests.get(src, digest) != digest}
    wanted = [rel for rel in sorted(made, key=lambda rel: (rel != SITE_MARKER, rel))
              if found.files.get(rel) == made[rel] and not rel.startswith(build.rewritten) and rel not in again]
    carried = _carried(layout, wanted, made, kept, build)
    return {src: digest for src, digest in pages.items() if f"{src.removesuffix('.md')}.html" in carried}


def _carried(layout: Layout, wanted: list[str], made: Mapping[str, tuple[int, int]], kept: set[str],
             build: Rebuild) -> set[str]:
    """Bring the wanted files of the site into staging: link the pages' HTML in kept, and the files MkDocs copies
    from the docs folder that it will not copy again; leave out those it will (their source is newer: the copy
    would be written over); copy the others. Return what was brought."""
    linked, copied = set(kept), []
    for rel in wanted:
        if rel in kept:
            continue
        unchanged = _same_in_docs(build.docs, rel, made[rel]) if build.link else None
        if unchanged:
            linked.add(rel)
        elif unchanged is None:
            copied.append(rel)
    site_dir, staging = layout.site, layout.staging
    carried = {rel for rel in copied if fs.copy_plain(site_dir / rel, staging / rel, made[rel], keep_time=True)}
    carried.update(fs.link_plain_files(site_dir, staging, {rel: made[rel] for rel in wanted if rel in linked}))
    return carried


def _same_in_docs(docs: Path | None, rel: str, made: tuple[int, int]) -> bool | None:
    """Whether MkDocs (in dirty mode) will leave the site's copy of a file of the docs folder as it is: its source
    is not newer (MkDocs' own test, File.is_modified()); None when rel is no file of the docs folder (a theme's
    file, a page's HTML, what MkDocs makes itself)."""
    if docs is None:
        return None
    try:
        info = os.stat(f"{docs}/{rel}", follow_symlinks=False)
    except OSError:
        return None
    return info.st_mtime_ns <= made[1] if stat.S_ISREG(info.st_mode) else None


def linkable(config: Mapping[str, Any], hooks: Path) -> bool:
    """Whether only MkDocs and sitegen's hooks (the file hooks) write into the site this config builds."""
    return not config.get("plugins") and config.get("hooks") == [str(hooks)]


def files_made(record: Mapping[str, Any] | None) -> dict[str, tuple[int, int]] | None:
    """Return the files the record says the build made (path -> size, time); None when it does not say."""
    files = record.get("files") if record is not None else None
    if not isinstance(files, dict):
        return None
    made: dict[str, tuple[int, int]] = {}
    for rel, value in files.items():
        if isinstance(value, list) and len(value) == 2 and all(type(v) is int for v in value):
            made[str(rel)] = (value[0], value[1])
    return made


def _pages(record: Mapping[str, Any] | None) -> dict[str, str] | None:
    pages = record.get("pages") if record is not None else None
    return {str(k): str(v) for k, v in pages.items()} if isinstance(pages, dict) else None


def _report_foreign(site_dir: Path, found: fs.Tree, made: Mapping[str, tuple[int, int]] | None,
                    report: Report) -> None:
    """Warn, in one line, of what the site holds that no sitegen build made (unknown without a record)."""
    odd = [f"{rel} ({kind})" for rel, kind in found.odd]
    unknown = [rel for rel in found.files if made is not None and rel not in made]
    foreign = sorted([*odd, *unknown])
    if foreign:
        report.warn(f"holds {len(foreign)} entr{'y' if len(foreign) == 1 else 'ies'} sitegen did not make, left out "
                    f"of the new site: {_listed(foreign)}", path=site_dir,
                    hint="put files to publish in the docs folder; the site holds only what the build makes")


_NAMED = 10
"""Paths a warning names before it says how many more there are."""


def _listed(paths: list[str]) -> str:
    return ", ".join(paths[:_NAMED]) + (f" and {len(paths) - _NAMED} more" if len(paths) > _NAMED else "")


def read_record(work: Path, site_dir: Path) -> dict[str, Any] | None:
    """Return the record of the build that made site_dir (None when there is none, or it cannot be read)."""
    return _read_record(_record(work, site_dir))


def write_record(work: Path, site_dir: Path, record: Mapping[str, Any]) -> None:
    fs.write_text(_record(work, site_dir), json.dumps(record, sort_keys=True, separators=(",", ":")) + "\n")


def _read_record(path: Path) -> dict[str, Any] | None:
    try:
        record = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return record if isinstance(record, dict) else None


def made_files(work: Path, site_dir: Path) -> frozenset[str] | None:
    """Return the files the build that made site_dir left in it (None when no record says)."""
    made = files_made(_read_record(_record(work, site_dir)))
    return None if made is None else frozenset(made)


def unchanged(digests: Mapping[str, str], previous: Mapping[str, str] | None) -> frozenset[str]:
    """Return the generated pages (digests: page_digests()) whose Markdown is what the previous build rendered."""
    if not previous:
        return frozenset()
    return frozenset(rel for rel, digest in digests.items() if previous.get(rel) == digest)


def rendered_pages(layout: Layout, sources: Iterable[str]) -> int:
    """Return how many pages (sources: the docs' paths) MkDocs wrote into the staging folder in this build: those
    whose HTML there is not the copy start() carried from the previous site, with the time the record gives it."""
    made = files_made(_read_record(_record(layout.work, layout.site))) or {}
    count = 0
    for rel in sources:
        if not rel.endswith(".md"):
            continue
        html = f"{rel.removesuffix('.md')}.html"
        try:
            info = (layout.staging / html).stat(follow_symlinks=False)
        except OSError:
            continue
        count += made.get(html) != (info.st_size, info.st_mtime_ns)
    return count


def remove_stale(staging: Path, sources: set[str]) -> int:
    """Remove outputs of generated pages and files that no longer exist (sources: the docs' paths); return
    how many."""
    removed = 0
    for folder in GENERATED:
        for name in fs.plain_tree(staging / folder).files:
            rel = f"{folder}/{name}"
            if rel in sources or (rel.endswith(".html") and f"{rel.removesuffix('.html')}.md" in sources):
                continue
            (staging / rel).unlink()
            removed += 1
    return removed


def finish(work: Path, site_dir: Path, stamp: str, digests: Mapping[str, str], strict: bool = False) -> None:
    """Remember what the site now in place was built from: the fingerprint, each generated page's digest
    (page_digests()), and every file it holds with its size and time (only those are carried forward)."""
    files = {rel: list(seen) for rel, seen in fs.plain_tree(site_dir).files.items()}
    write_record(work, site_dir, {"stamp": stamp, "pages": dict(digests), "files": files, "strict": strict})


def rendered_early(work: Path, site_dir: Path, sources: Iterable[str]) -> None:
    """Add pages rendered into the site in place (sources: their paths in the docs) to its record, as made but from
    no Markdown: `sitegen serve` shows a new listing's papers before the full build, which then neither reports
    them as files it did not make nor keeps their HTML (it renders them again)."""
    record = _read_record(_record(work, site_dir))
    files, pages = files_made(record), _pages(record)
    if record is None or files is None or pages is None:
        return
    for src in sources:
        html = f"{src.removesuffix('.md')}.html"
        with contextlib.suppress(OSError):
            info = (site_dir / html).stat(follow_symlinks=False)
            files[html], pages[src] = (info.st_size, info.st_mtime_ns), ""
    write_record(work, site_dir, {**record, "files": {rel: list(seen) for rel, seen in files.items()},
                                  "pages": pages})


def forget(work: Path, site_dir: Path) -> None:
    """Drop the record of site_dir (before it is replaced, so that no record ever describes another site)."""
    _record(work, site_dir).unlink(missing_ok=True)
