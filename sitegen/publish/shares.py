"""Render a site with several MkDocs runs at once: each renders a share of the paper pages.

Every run loads the same config, docs and navigation, so each page is rendered exactly as a single run
renders it, and every link is validated against the whole site's files. Share 0 also renders every page
outside papers/, copies the static files (the theme's, the feeds and .bib files) and writes the theme's own
templates (sitemap, 404 page); the other shares render only their paper pages, into the same folder. The
paper pages are dealt out by their estimated cost (plan()), from the pages alone, so shards built on different
machines (`--shard K/N`) split the pages the same way.

MkDocs 1.x has no hook to skip a page, so a share wraps the functions mkdocs.commands.build calls for each
page while its run lasts (MkDocs is pinned below 2).
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any

PAPERS = "papers/"


@dataclass(frozen=True, slots=True)
class Share:
    """Which part of the site one MkDocs run renders: the paper pages it was given, and, for the first share,
    everything outside papers/."""

    papers: frozenset[str] | None = None
    """The paper pages (paths inside the docs folder) it renders; None: all of them."""
    first: bool = True
    """Whether it renders the pages outside papers/ and the site-wide files."""

    def takes(self, src_uri: str) -> bool:
        """Tell whether this share renders the page at src_uri (a path inside the docs folder)."""
        if not src_uri.startswith(PAPERS):
            return self.first
        return self.papers is None or src_uri in self.papers

    @property
    def whole(self) -> bool:
        return self.papers is None and self.first


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

    The paper pages are dealt to the shards, then each shard's to its jobs, biggest first, each to the least
    loaded (shard 0 and its job 0 start loaded with the pages outside papers/). The deal depends only on the
    pages and the counts, so every machine of a sharded build deals the same hand.
    """
    if split.shards == 1 and split.jobs == 1:
        return [Share()]
    papers = {rel: _cost(text) for rel, text in pages.items() if rel.startswith(PAPERS) and rel.endswith(".md")}
    others = sum(_cost(text) for rel, text in pages.items() if rel.endswith(".md") and rel not in papers)
    mine = _deal(papers, split.shards, others)[split.shard]
    dealt = _deal({rel: papers[rel] for rel in mine}, split.jobs, others if split.shard == 0 else 0)
    return [Share(frozenset(hand), first=split.shard == 0 and job == 0) for job, hand in enumerate(dealt)]


def _cost(text: str) -> int:
    return PAGE_COST + len(text)


def _deal(costs: Mapping[str, int], hands: int, head_start: int) -> list[list[str]]:
    """Deal the pages into hands of about equal cost, the first hand starting at head_start."""
    loads = [head_start] + [0] * (hands - 1)
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
