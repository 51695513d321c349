"""Related papers: TF-IDF cosine over title and abstract, top five, deterministic, fast at 25k papers."""

from __future__ import annotations

import random
import re
from collections import Counter

from bs4 import BeautifulSoup
from conftest import BUNDLED

from sitegen.annotate import related as related_module
from sitegen.annotate.related import RELATED, related
from sitegen.archive import Archive
from sitegen.errors import Report
from sitegen.ingest.grouping import group_papers
from sitegen.ingest.stage import read_listings

LLM_PRUNER = "llm-pruner-on-the-structural-pruning-of-large-language-models"
LORAPRUNE = "loraprune-pruning-meets-low-rank-parameter-efficient-fine-tuning"


def _bundled() -> list[tuple[str, str, str]]:
    papers = group_papers(read_listings(Archive(BUNDLED), Report())).papers
    return [(p.slug, p.title, p.abstract) for p in papers]


def test_llm_pruner_is_related_to_loraprune(bundled_site):
    site, _, _ = bundled_site
    page = BeautifulSoup((site / "papers" / f"{LLM_PRUNER}.html").read_text(), "html.parser")
    section = page.find("h2", id="related-papers")
    links = [a["href"] for a in section.find_next_sibling("ul").find_all("a")]
    assert f"{LORAPRUNE}.html" in links
    assert len(links) == RELATED


def test_every_paper_lists_at_most_five_others_never_itself():
    papers = _bundled()
    found = related(papers)
    assert set(found) == {slug for slug, _, _ in papers}
    for slug, near in found.items():
        assert len(near) <= RELATED and slug not in near and len(set(near)) == len(near)
    assert found[LLM_PRUNER][0] == LORAPRUNE


def test_the_result_does_not_depend_on_the_papers_order():
    papers = _bundled()
    shuffled = papers[:]
    random.Random(7).shuffle(shuffled)
    assert related(shuffled) == related(papers)


def test_ties_go_to_the_smaller_page_name():
    same = "Sparse attention for long documents"
    papers = [(slug, same, "We make attention sparse.") for slug in ("d", "b", "e", "a", "c", "f", "g")]
    papers.append(("z", "Protein folding", "Molecules fold."))
    found = related(papers)
    assert found["d"] == ("a", "b", "c", "e", "f")
    assert found["a"] == ("b", "c", "d", "e", "f")


def test_unrelated_papers_are_not_listed():
    papers = [("a", "Protein folding with diffusion", "Molecules and proteins."),
              ("b", "Speculative decoding for faster inference", "Draft tokens are verified."),
              ("c", "Protein structure prediction", "Proteins fold.")]
    found = related(papers)
    assert found["a"] == ("c",) and found["b"] == ()


def test_empty_texts_and_tiny_archives_give_no_related_papers():
    assert related([]) == {}
    assert related([("a", "Solo", "")]) == {"a": ()}
    assert related([("a", "the", ""), ("b", "of and", "")]) == {"a": (), "b": ()}


def test_chunking_does_not_change_the_result(monkeypatch):
    papers = _bundled()
    whole = related(papers)
    monkeypatch.setattr(related_module, "CHUNK_CELLS", 7 * len(papers))  # 7 rows per chunk
    assert related(papers) == whole


def test_thousands_of_papers_each_get_five_related():
    """Synthetic abstracts drawn from the bundled archive's word frequencies (denser than real text).

    Speed at 25k papers is measured by `sitegen bench` (docs/benchmarks.md), not asserted here.
    """
    counts = Counter(w for _, t, a in _bundled() for w in re.findall(r"[A-Za-z][A-Za-z-]+", f"{t} {a}"))
    words, weights = zip(*counts.items())
    rng = random.Random(1)
    papers = [(f"paper-{i:05d}", " ".join(rng.choices(words, weights, k=10)),
               " ".join(rng.choices(words, weights, k=rng.randint(120, 260)))) for i in range(5_000)]
    found = related(papers)
    assert len(found) == 5_000 and all(len(near) == RELATED for near in found.values())
    assert all(slug not in near for slug, near in found.items())
