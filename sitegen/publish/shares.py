"""Render a site with several MkDocs runs at once: each renders a share of the paper pages.

Every run loads the same config, docs and navigation, so each page is rendered exactly as a single run
renders it, and every link is validated against the whole site's files. Share 0 also renders every page
outside papers/, copies the static files (the theme's, the feeds and .bib files) and writes the theme's own
templates (sitemap, 404 page); the other shares render only their paper pages, into the same folder. A paper
page belongs to one share, chosen by a hash of its path, so the split never depends on what else is in the
archive, and shards built on different machines (`--shard K/N`) split the pages the same way.

MkDocs 1.x has no hook to skip a page, so a share wraps the functions mkdocs.commands.build calls for each
page while its run lasts (MkDocs is pinned below 2).
"""

from __future__ import annotations

import contextlib
import hashlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

PAPERS = "papers/"


@dataclass(frozen=True, slots=True)
class Share:
    """Which part of the site one MkDocs run renders: a job's part of a shard's part of the paper pages."""

    shard: int = 0
    """0-based shard (one machine of a sharded build); shard 0 also renders everything outside papers/."""
    shards: int = 1
    job: int = 0
    """0-based process within the shard."""
    jobs: int = 1

    def takes(self, src_uri: str) -> bool:
        """Tell whether this share renders the page at src_uri (a path inside the docs folder)."""
        if not src_uri.startswith(PAPERS):
            return self.first
        value = int.from_bytes(hashlib.sha1(src_uri.encode("utf-8")).digest()[:8], "big")
        # The shard comes from the hash alone, so machines with different numbers of jobs agree on it.
        return value % self.shards == self.shard and (value // self.shards) % self.jobs == self.job

    @property
    def first(self) -> bool:
        """Whether this is the share that renders the pages outside papers/ and the site-wide files."""
        return self.shard == 0 and self.job == 0

    @property
    def whole(self) -> bool:
        return self.shards == 1 and self.jobs == 1


def shares(jobs: int, shard: int = 0, shards: int = 1) -> list[Share]:
    """Return the shares one machine renders: its shard, split among its jobs."""
    return [Share(shard, shards, job, jobs) for job in range(jobs)]


@contextlib.contextmanager
def rendering(share: Share | None) -> Iterator[None]:
    """Make MkDocs' build render only share's pages while the block runs (everything when share is None)."""
    if share is None or share.whole:
        yield
        return
    import mkdocs.commands.build as steps
    import mkdocs.utils
    from mkdocs.structure.files import Files

    saved: dict[tuple[Any, str], Any] = {}

    def wrap(owner: Any, name: str, make: Callable[[Any], Any]) -> None:
        saved[(owner, name)] = getattr(owner, name)
        setattr(owner, name, make(saved[(owner, name)]))

    def per_page(original: Any) -> Any:
        def call(page: Any, *args: Any, **kwargs: Any) -> Any:
            return original(page, *args, **kwargs) if share.takes(page.file.src_uri) else None
        return call

    def first_only(original: Any) -> Any:
        def call(*args: Any, **kwargs: Any) -> Any:
            return original(*args, **kwargs) if share.first else None
        return call

    wrap(steps, "_populate_page", per_page)
    wrap(steps, "_build_page", per_page)
    wrap(steps, "_build_theme_template", first_only)
    wrap(steps, "_build_extra_template", first_only)
    wrap(Files, "copy_static_files", first_only)
    # The build prepares the (new, or copied for a rebuild) folder itself; no run may empty it under another.
    wrap(mkdocs.utils, "clean_directory", lambda original: lambda directory: None)
    try:
        yield
    finally:
        for (owner, name), original in saved.items():
            setattr(owner, name, original)
