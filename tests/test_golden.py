"""Golden Markdown for a small fixture archive. Regenerate: SITEGEN_REGENERATE=1 pytest tests/test_golden.py"""

from __future__ import annotations

import os
import re
from pathlib import Path


from conftest import LISTINGS, make_archive
from sitegen.annotate.stage import annotate
from sitegen.annotate.taxonomy import load_taxonomy
from sitegen.archive import Archive
from sitegen.build import ingest
from sitegen.errors import Report
from sitegen.ingest.merge import merge
from sitegen.render.site import render_site

GOLDEN = Path(__file__).resolve().parent / "golden"
TAXONOMY = """topics:
  pruning: {name: Pruning, match: [prun*, "redundant structure"]}
  quantization: {name: Quantization, match: [quantiz*]}
"""
MANIFEST = "listings:\n  metadata_with_dates_and_upvotes.txt: {captured: 2025-12-16}\n"


def _pages(tmp_path):
    archive = make_archive(tmp_path / "archive",
                           [LISTINGS / "metadata_with_dates_and_upvotes.txt", LISTINGS / "hostile_text.txt",
                            LISTINGS / "title_without_abstract.txt"],
                           **{"taxonomy.yml": TAXONOMY, "archive.yml": MANIFEST})
    report = Report()
    listings = ingest(Archive(archive), report)
    merged = merge(listings)
    taxonomy = load_taxonomy(Archive(archive), report)
    return render_site(annotate(merged.papers, taxonomy), listings, taxonomy, "Golden", merged.duplicates).pages


def test_generated_markdown_matches_golden(tmp_path):
    pages = _pages(tmp_path)
    if os.environ.get("SITEGEN_REGENERATE"):
        for rel, text in pages.items():
            (GOLDEN / rel).parent.mkdir(parents=True, exist_ok=True)
            (GOLDEN / rel).write_text(text, encoding="utf-8")
    expected = {p.relative_to(GOLDEN).as_posix(): p.read_text(encoding="utf-8")
                for p in GOLDEN.rglob("*.md")}
    assert sorted(pages) == sorted(expected)
    for rel, text in pages.items():
        assert _stable(text) == _stable(expected[rel]), f"{rel} differs from tests/golden/{rel}"


def _stable(text: str) -> str:
    """Mask the charts' SVG drawing, which depends on the installed matplotlib (tests/test_stats.py checks it)."""
    return re.sub(r"<svg\b.*?</svg>", "<svg/>", text, flags=re.DOTALL)
