"""Render a site with several MkDocs runs at once: each renders a share of the generated pages.

Every run loads the same config, docs and navigation, so each page is rendered exactly as a single run
renders it, and every link is validated against the whole site's files. The generated Markdown pages (papers,
topics, dates, the home and stats pages, ...) are dealt out by their estimated cost (plan()), from the pages
alone, so shards built on different machines (`--shard K/N`) split them the same way. The first share also
renders the hand-written pages, copies the static files (the theme's, the feeds and .bib files) and writes the
theme's own templates (sitemap, 404 page); the others write only their pages, into the same folder.

MkDocs 1.x has no hook to skip a page, so a share wraps the functions mkdocs.commands.build calls for each
page while its run lasts (MkDocs is pinned below 2).
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True, slots=True)
class Share:
    """Which part of the site one MkDocs run renders: the generated pages it was dealt, and, for the first
    share, the hand-written pages and the site-wide files."""

    pages: frozenset[str] | None = None
    """The generated pages (paths inside the docs folder) it renders; None: all of them."""
    first: bool = True
    """Whether it renders the hand-written pages and writes the site-wide files."""
    dealt: frozenset[str] = field(default_factory=frozenset)
    """Every generated page dealt out (to any share of any shard); the pages outside it are hand-written."""

    def takes(self, src_uri: str) -> bool:
        """Tell whether this share renders the page at src_uri (a path inside the docs folder)."""
        if self.pages is None:
            return True
        return src_uri in self.pages if src_uri in self.dealt else self.first

    @property
    def whole(self) -> bool:
        return self.pages is None and self.first


@dataclass(frozen=True, slots=True)
class Split:
    """How a build divides the rendering: this machine's shard of N, and its jobs (processes)."""

    shard: int = 0
    """0-based."""
    shards: int = 1
    jobs: int = 1


PAGE_COST = 1300
"""A page's fixed cost to MkDocs (the theme's template), in the units of a byte of its Markdown: measured at 10k
papers, a page costs about 1.3 ms plus 0.6 ms per kilobyte."""


def plan(pages: Mapping[str, str], split: Split) -> list[Share]:
    """Return the shares this machine renders, one per job, balanced by estimated cost.

    The generated Markdown pages are dealt to the shards, then each shard's to its jobs, biggest first, each
    to the least loaded. The deal depends only on the pages and the counts, so every machine of a sharded build
    deals the same hand.
    """
    if split.shards == 1 and split.jobs == 1:
        return [Share()]
    costs = {rel: PAGE_COST + len(text) for rel, text in pages.items() if rel.endswith(".md")}
    dealt = frozenset(costs)
    mine = _deal(costs, split.shards)[split.shard]
    hands = _deal({rel: costs[rel] for rel in mine}, split.jobs)
    return [Share(frozenset(hand), split.shard == 0 and job == 0, dealt) for job, hand in enumerate(hands)]


def _deal(costs: Mapping[str, int], hands: int) -> list[list[str]]:
    """Deal the pages into hands of about equal cost: biggest first, each to the least loaded hand."""
    loads = [0] * hands
    dealt: list[list[str]] = [[] for _ in range(hands)]
    for rel in sorted(costs, key=lambda r: (-costs[r], r)):
        least = min(range(hands), key=lambda n: (loads[n], n))
        dealt[least].append(rel)
        loads[least] += costs[rel]
    return dealt


@contextlib.contextmanager
def rendering(share: Share | None, unchanged: frozenset[str] = frozenset()) -> Iterator[None]:
    """Make MkDocs' build render only share's pages while the block runs (everything when share is None),
    and none of the unchanged ones (generated pages whose HTML a dirty build keeps)."""
    share = share or Share()
    if share.whole and not unchanged:
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
            src_uri = page.file.src_uri
            return original(page, *args, **kwargs) if share.takes(src_uri) and src_uri not in unchanged else None
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
