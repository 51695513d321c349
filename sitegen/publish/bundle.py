"""Pack a built site into one zip that a reader unzips and opens from file://, with no network.

The zip is reproducible: entries in sorted order under one top folder, every timestamp the build's date
(SOURCE_DATE_EPOCH, else the data's; never the clock or the files' mtimes), fixed permissions, no extra
fields, and one fixed comment, by which `sitegen bundle` knows a zip it may replace. The same site gives the
same bytes, whoever builds it and whenever.

It packs only what the build made: a symbolic link, a FIFO or a device in the site is refused, and so is a
file the record of the build (publish/incremental.py) does not list; `sitegen bundle` builds first, and that
build already leaves such files out. Packing holds the site's lock (layout.locked()), so that no build
replaces the site halfway through.
"""

from __future__ import annotations

import contextlib
import html.parser
import re
import stat
import time
import zipfile
from dataclasses import dataclass
from pathlib import Path

from sitegen import fs
from sitegen.errors import BuildError
from sitegen.layout import SITE_MARKER, WORK_MARKER, Layout, is_marked, locked
from sitegen.publish import incremental

# A zip entry's time is a DOS date: 1980-01-01 to 2107-12-31, local time without a zone (we write UTC).
ZIP_MIN_EPOCH = 315532800
ZIP_MAX_EPOCH = 4354819198
FILE_MODE = stat.S_IFREG | 0o644
DIR_MODE = stat.S_IFDIR | 0o755
UNIX = 3
"""The zip 'made by' system whose external attributes hold Unix modes."""
SERVER_ONLY = {"404.html", SITE_MARKER}
"""Files only a web server needs (MkDocs gives 404.html links from the site root, broken under file://), and
sitegen's marker of a site folder it built."""
COMMENT = b"sitegen offline bundle"
"""The zip's comment: a zip that carries it was written by sitegen, which may replace it."""

# Attributes through which a page makes the browser fetch something (a plain link is only followed on a click).
_FETCHING = {"script": ("src",), "img": ("src", "srcset"), "iframe": ("src",), "source": ("src", "srcset"),
             "video": ("src", "poster"), "audio": ("src",), "embed": ("src",), "object": ("data",),
             "track": ("src",), "input": ("src",)}
_LINK_FETCHES = {"stylesheet", "icon", "preload", "prefetch", "preconnect", "modulepreload", "manifest",
                 "apple-touch-icon", "dns-prefetch"}
_CSS_URL = re.compile(r"""url\(\s*['"]?([^'")\s]+)|@import\s+['"]([^'"]+)""")
_EXTERNAL = re.compile(r"^(?:[a-z][a-z0-9+.-]*:)?//", re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class Bundle:
    """What write_bundle wrote, for the summary line."""

    path: Path
    """The zip file."""
    root: str
    """The folder every entry sits in (unzipping makes it; its index.html is the home page)."""
    files: int
    """Files packed (folders not counted)."""
    size: int
    """Bytes of the zip."""


def write_bundle(site_dir: Path, out: Path, epoch: int, root: str | None = None,
                 config_file: Path | None = None) -> Bundle:
    """Pack site_dir into the zip out, atomically; entries go under root (default: out's stem). config_file: the
    project's, whose work folder holds the record of what the build made (layout.Layout.for_site())."""
    if not (site_dir / "index.html").is_file():
        raise BuildError("no built site here (index.html is missing)", path=site_dir,
                         hint="build the site first")
    root = root or out.stem
    layout = Layout.for_site(site_dir, config_file)
    built = is_marked(layout.site, SITE_MARKER) and is_marked(layout.work, WORK_MARKER)
    with locked(layout, "sitegen bundle") if built else contextlib.nullcontext():
        names = _entries(site_dir, incremental.made_files(layout.work, layout.site) if built else None)
        _write_zip(site_dir, out, root, names, zip_time(epoch))
    files = sum(1 for rel in names if rel and not rel.endswith("/"))
    return Bundle(out, root, files, out.stat().st_size)


def _write_zip(site_dir: Path, out: Path, root: str, names: list[str],
               when: tuple[int, int, int, int, int, int]) -> None:
    with fs.atomic_output(out) as handle, zipfile.ZipFile(handle, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.comment = COMMENT
        for rel in names:
            info = zipfile.ZipInfo(f"{root}/{rel}", date_time=when)
            info.create_system = UNIX
            if rel == "" or rel.endswith("/"):
                info.external_attr = (DIR_MODE << 16) | 0x10  # 0x10: the MS-DOS directory flag
                archive.writestr(info, b"", compress_type=zipfile.ZIP_STORED)
            else:
                info.external_attr = FILE_MODE << 16
                archive.writestr(info, _read(site_dir, rel), compress_type=zipfile.ZIP_DEFLATED, compresslevel=9)


# A page's feed discovery links (theme/partials/sitegen-feeds.html): a feed opened from file:// cannot be subscribed
# to, and Material's script fetches the sitemap beside every `<link rel="alternate">`, which file:// refuses.
_FEED_LINK = re.compile(rb'\n *<link rel="alternate" type="application/(?:atom\+xml|feed\+json)" [^>\n]*>')


def offline_page(page: bytes) -> bytes:
    """Return a page as the bundle holds it: without its feed discovery links."""
    return _FEED_LINK.sub(b"", page)


def _read(site_dir: Path, rel: str) -> bytes:
    try:
        data = fs.read_plain(site_dir / rel)
    except fs.NotPlainFile as exc:  # it changed since the site was listed
        raise BuildError(f"is {exc.kind}; a bundle holds only plain files and folders", path=site_dir / rel,
                         hint="build the site again") from None
    return offline_page(data) if rel.endswith(".html") else data


def made_by_sitegen(path: Path) -> bool:
    """Tell whether path is a zip that write_bundle wrote (so a new bundle may replace it)."""
    try:
        with zipfile.ZipFile(path) as archive:
            return archive.comment == COMMENT
    except (OSError, zipfile.BadZipFile):
        return False


def zip_time(epoch: int) -> tuple[int, int, int, int, int, int]:
    """Return the zip date for a build date, in UTC, clamped to what a zip entry can hold."""
    return time.gmtime(min(max(epoch, ZIP_MIN_EPOCH), ZIP_MAX_EPOCH))[:6]


def _entries(site_dir: Path, made: frozenset[str] | None) -> list[str]:
    """Return the zip's entries: the site's folders (with a final /) and files; BuildError for a link, a FIFO
    or a device, or a file the build did not make (made: the files it made, when known)."""
    tree = fs.plain_tree(site_dir)
    if tree.odd:
        rel, kind = tree.odd[0]
        raise BuildError(f"is {kind}; a bundle holds only plain files and folders", path=site_dir / rel,
                         hint="copy the file into the docs folder instead of linking it")
    foreign = sorted(rel for rel in tree.files if made is not None and rel not in made)
    if foreign:
        raise BuildError(f"{', '.join(foreign[:5])}{' …' if len(foreign) > 5 else ''}: not made by the build; a "
                         "bundle holds only what the build made", path=site_dir,
                         hint="build the site again (a build leaves such files out), then bundle it")
    names = [f"{rel}/" for rel in tree.folders] + [rel for rel in tree.files if rel not in SERVER_ONLY]
    return ["", *sorted(names)]  # "": the top folder itself


def external_fetches(site_dir: Path) -> list[tuple[str, str]]:
    """Return (page, URL) for everything a page or stylesheet would fetch from outside the site."""
    found: list[tuple[str, str]] = []
    for path in sorted(site_dir.rglob("*")):
        rel = path.relative_to(site_dir).as_posix()
        if rel in SERVER_ONLY or not stat.S_ISREG(path.lstat().st_mode):  # a FIFO would never end its read
            continue
        if path.suffix == ".html":
            finder = _FetchFinder()
            finder.feed(path.read_text(encoding="utf-8", errors="replace"))
            finder.close()
            found += [(rel, url) for url in finder.urls if _EXTERNAL.match(url)]
        elif path.suffix == ".css":
            for match in _CSS_URL.finditer(path.read_text(encoding="utf-8", errors="replace")):
                url = match[1] or match[2]
                if _EXTERNAL.match(url):
                    found.append((rel, url))
    return found


class _FetchFinder(html.parser.HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.urls: list[str] = []
        self._in_style = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {name: value or "" for name, value in attrs}
        wanted = _FETCHING.get(tag, ())
        if tag == "link" and _LINK_FETCHES & set(values.get("rel", "").lower().split()):
            wanted = ("href", "imagesrcset")
        for name in wanted:
            if name.endswith("srcset"):
                self.urls += [part.split()[0] for part in values.get(name, "").split(",") if part.strip()]
            elif values.get(name):
                self.urls.append(values[name].strip())
        if "style" in values:
            self.urls += [m[1] or m[2] for m in _CSS_URL.finditer(values["style"])]
        self._in_style = tag == "style"

    def handle_endtag(self, tag: str) -> None:
        self._in_style = False

    def handle_data(self, data: str) -> None:
        if self._in_style:
            self.urls += [m[1] or m[2] for m in _CSS_URL.finditer(data)]
