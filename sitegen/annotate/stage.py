"""The annotate stage: every paper's annotations, and each one's related papers (on the second core)."""

from __future__ import annotations

import contextlib
import hashlib
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, replace
from pathlib import Path

from sitegen.annotate.related import document, reference_size, related_texts
from sitegen.archive.taxonomy import Taxonomy
from sitegen.memo import Memo, key
from sitegen.model import Annotated, Check, Health, Link, Note, Paper, Tag, TagMatch, TagSource
from sitegen.parallel import FORK_FROM, Beside, beside
from sitegen.text.latex import clean, plain
from sitegen.text.links import arxiv_id, paper_links
from sitegen.text.slugs import page_name


def annotate(papers: tuple[Paper, ...], taxonomy: Taxonomy, notes: Mapping[str, Note] | None = None,
             checks: Mapping[str, tuple[Check, ...]] | None = None, work: Path | None = None) -> tuple[Annotated, ...]:
    """Derive every paper's annotations, then each one's related papers; the papers are left as read.

    checks: what `sitegen check-links` recorded, by URL; each link carries its health.
    work: the build's work folder, where each paper's annotations are kept for the next build (sitegen/memo.py).
    """
    with annotating(papers, taxonomy, notes, checks, work) as started:
        return started.with_related()


@dataclass(frozen=True, slots=True)
class Annotating:
    """Every paper's annotations, while the second core finds the related papers (annotating())."""

    annotations: tuple[Annotated, ...]
    """The papers annotated, with no related papers yet."""
    similar: Beside[dict[str, tuple[str, ...]]]

    def with_related(self) -> tuple[Annotated, ...]:
        """Wait for the related papers; return the papers annotated with them."""
        found = self.similar.result()
        return tuple(replace(a, related=found[a.slug]) for a in self.annotations)


@contextlib.contextmanager
def annotating(papers: tuple[Paper, ...], taxonomy: Taxonomy, notes: Mapping[str, Note] | None = None,
               checks: Mapping[str, tuple[Check, ...]] | None = None,
               work: Path | None = None) -> Iterator[Annotating]:
    """annotate() in two steps: the annotations at once, the related papers found on the second core meanwhile
    (Annotating.with_related()), so that what needs no related papers can be made while they are found."""
    notes, checks = notes or {}, checks or {}
    kept = _Kept(taxonomy, checks, Memo(work, "annotated"))
    with beside(related, papers, work, here=len(papers) < FORK_FROM) as similar:
        annotated = tuple(kept.annotated(paper, notes.get(paper.slug)) for paper in papers)
        kept.memo.save()
        yield Annotating(annotated, similar)


class _Kept:
    """annotate_one(), or what the last build made of the same paper, note, taxonomy and link checks."""

    def __init__(self, taxonomy: Taxonomy, checks: Mapping[str, tuple[Check, ...]], memo: Memo[Annotated]) -> None:
        self.taxonomy, self.checks, self.memo = taxonomy, checks, memo
        self.shared = key(taxonomy.source, sorted(checks.items()))

    def annotated(self, paper: Paper, note: Note | None) -> Annotated:
        digest = key(self.shared, paper, note)
        kept = self.memo.get(digest)
        if kept is None:
            kept = self.memo.put(digest, replace(annotate_one(paper, self.taxonomy, note, self.checks),
                                                 derived_from=digest))
        return kept


def topics_in_use(annotated: Sequence[Annotated], taxonomy: Taxonomy) -> tuple[Tag, ...]:
    """Return the topics that have papers: the taxonomy's in its order, then those only notes add, by slug."""
    used = {match.tag for a in annotated for match in a.tags}
    ordered = [tag for tag in taxonomy.tags if tag in used]
    return (*ordered, *sorted(used - set(ordered)))


def related(papers: Sequence[Paper], work: Path | None = None) -> dict[str, tuple[str, ...]]:
    """Map each paper's slug to its related papers' slugs, compared by their display title and abstract (the
    words and their weights from the papers the archive received first: annotate/related.py)."""
    received = sorted(papers, key=_received)
    reference = {paper.slug for paper in received[:reference_size(len(received))]}
    texts: Memo[str] = Memo(work, "related-texts")
    compared = [(paper.slug, _compared(texts, paper.title, paper.abstract)) for paper in papers]
    texts.save()
    return related_texts(compared, reference=reference, work=work)


def _compared(texts: Memo[str], title: str, abstract: str) -> str:
    """The text a paper is compared by (related.document()), or what the last build made of the same title and
    abstract: cleaning the LaTeX of ten thousand abstracts takes half a second."""
    digest = hashlib.blake2b(f"{title}\0{abstract}".encode("utf-8", "surrogatepass"), digest_size=16).digest()
    return texts.get(digest) or texts.put(digest, document(clean(title), clean(abstract)))


def _received(paper: Paper) -> tuple[object, ...]:
    """When the archive received the paper: papers of undated listings first (by listing), then by capture date."""
    first = paper.first_capture
    if first is None:
        return (0, (), paper.seen_in[0].listing if paper.seen_in else "", paper.slug)
    return (1, first.sort_key(), "", paper.slug)


def annotate_one(paper: Paper, taxonomy: Taxonomy, note: Note | None = None,
                 checks: Mapping[str, tuple[Check, ...]] | None = None) -> Annotated:
    """Annotate one paper (a pure function of the paper, the taxonomy, its curator's note and link checks)."""
    title, abstract = clean(paper.title), clean(paper.abstract)
    tags = taxonomy.tag(f"{plain(title)}\n{plain(abstract)}")
    return Annotated(
        paper=paper,
        display_title=title,
        display_abstract=abstract,
        tags=with_note_tags(tags, note, taxonomy) if note else tags,
        links=_checked(paper_links(paper), checks or {}),
        arxiv_id=paper.facts.arxiv_id or arxiv_id(paper.abstract),
        note=note,
    )


def _checked(links: tuple[Link, ...], checks: Mapping[str, tuple[Check, ...]]) -> tuple[Link, ...]:
    if not checks:
        return links
    return tuple(replace(link, health=Health.of(checks.get(link.url, ()))) for link in links)


def with_note_tags(tags: tuple[TagMatch, ...], note: Note, taxonomy: Taxonomy) -> tuple[TagMatch, ...]:
    """Apply a note's tags: drop the automatic topics it removes, add the ones it names (taxonomy's first)."""
    known: dict[str, Tag] = {}
    for tag in taxonomy.tags:
        known.setdefault(tag.slug, tag)
        known.setdefault(page_name(tag.name), tag)
    removed = set(note.removed)
    kept = [m for m in tags if m.tag.slug not in removed and page_name(m.tag.name) not in removed]
    present = {m.tag for m in kept}
    for named in note.tags:
        tag = known.get(named.slug, named)
        if tag not in present:
            kept.append(TagMatch(tag, TagSource.CURATOR))
            present.add(tag)
    order = {tag: n for n, tag in enumerate(taxonomy.tags)}
    return tuple(sorted(kept, key=lambda m: order.get(m.tag, len(order))))  # stable: new topics in note order
