"""Render a site with several MkDocs runs at once: each renders a share of the generated pages.

Every run loads the same config, docs and navigation, so each page is rendered exactly as a single run
renders it, and every link is validated against the whole site's files. The generated Markdown pages (papers,
topics, dates, the home and stats pages, ...) are dealt out by their estimated cost (plan()), from the pages
alone, so shards built on different machines (`--shard K/N`) split them the same way. The first share also
renders the hand-written pages, copies the static files (the theme's, the feeds and .bib files) and writes the
theme's own templates (sitemap, 404 page); the others write only their pages, into the same folder.

No MkDocs event skips a page, so a run skips the others' pages through publish/mkdocs_compat.py; a run other
than the first leaves the site-wide files to the first one through public events (PagesOnly).
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from mkdocs.plugins import BasePlugin, event_priority
from mkdocs.structure.files import File, Files, InclusionLevel

from sitegen.publish import mkdocs_compat as compat

if TYPE_CHECKING:
    import jinja2
    from mkdocs.config.defaults import MkDocsConfig


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
SITE_WIDE_COST = 15
"""What the first job's site-wide files cost it per page of the site (the sitemap lists every page), in the same
units: it is dealt that much less of the pages (a day's rebuild renders a few hundred)."""


def plan(pages: Mapping[str, str], split: Split, unchanged: frozenset[str] = frozenset()) -> list[Share]:
    """Return the shares this machine renders, one per job, balanced by estimated cost.

    The generated Markdown pages are dealt to the shards, then each shard's to its jobs, biggest first, each
    to the least loaded. The deal to the shards depends only on the pages and the counts, so every machine of a
    sharded build deals the same hand; its jobs are dealt only the pages they render (unchanged: the pages a
    rebuild keeps, which no job renders).
    """
    if split.shards == 1 and split.jobs == 1:
        return [Share()]
    costs = {rel: PAGE_COST + len(text) for rel, text in pages.items() if rel.endswith(".md")}
    dealt = frozenset(costs)
    mine = _deal(costs, split.shards)[split.shard]
    first = SITE_WIDE_COST * len(costs) if split.shard == 0 else 0
    hands = _deal({rel: costs[rel] for rel in mine if rel not in unchanged}, split.jobs, first)
    return [Share(frozenset(hand), split.shard == 0 and job == 0, dealt) for job, hand in enumerate(hands)]


def _deal(costs: Mapping[str, int], hands: int, first: int = 0) -> list[list[str]]:
    """Deal the pages into hands of about equal cost: biggest first, each to the least loaded hand (the first
    holding `first` already)."""
    loads = [first] + [0] * (hands - 1)
    dealt: list[list[str]] = [[] for _ in range(hands)]
    for rel in sorted(costs, key=lambda r: (-costs[r], r)):
        least = min(range(hands), key=lambda n: (loads[n], n))
        dealt[least].append(rel)
        loads[least] += costs[rel]
    return dealt


@contextlib.contextmanager
def rendering(config: Any, share: Share | None, unchanged: frozenset[str] = frozenset()) -> Iterator[None]:
    """Make MkDocs' build of config render only share's pages while the block runs (everything when share is
    None), and none of the unchanged ones (generated pages whose HTML a dirty build keeps)."""
    share = share or Share()
    if share.whole and not unchanged:
        yield
        return
    if not share.first:
        config.plugins[PAGES_ONLY] = PagesOnly()

    def renders(src_uri: str) -> bool:
        return share.takes(src_uri) and src_uri not in unchanged

    # The build prepares the (new, or copied for a rebuild) folder itself; no run may empty it under another.
    with compat.skipping_pages(renders), compat.not_cleaning():
        yield


PAGES_ONLY = "sitegen-pages-only"


class PagesOnly(BasePlugin):  # type: ignore[type-arg,no-untyped-call]
    """A run's plugin when it is not the first share: MkDocs writes its pages and none of the site-wide files
    (the theme's templates, the extra templates, the static files), which the first share writes."""

    def __init__(self) -> None:
        super().__init__()
        self.hidden: list[tuple[File, InclusionLevel]] = []

    def on_config(self, config: MkDocsConfig) -> MkDocsConfig:
        config.extra_templates = []
        return config

    def on_pre_template(self, template: jinja2.Template, template_name: str, config: MkDocsConfig) -> jinja2.Template:
        return template.environment.from_string("")  # MkDocs writes no file for an empty output

    def on_env(self, env: jinja2.Environment, config: MkDocsConfig, files: Files) -> jinja2.Environment:
        # After the pages were read and their links checked, before the static files are copied.
        self.hidden = [(file, file.inclusion) for file in files if not file.is_documentation_page()]
        for file, _ in self.hidden:
            file.inclusion = InclusionLevel.EXCLUDED
        return env

    @event_priority(100)  # first: the other plugins find the files as they were
    def on_post_build(self, config: MkDocsConfig) -> None:
        self._restore()

    def on_build_error(self, error: Exception) -> None:
        self._restore()

    def _restore(self) -> None:
        for file, inclusion in self.hidden:
            file.inclusion = inclusion
        self.hidden = []
