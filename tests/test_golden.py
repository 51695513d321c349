"""Golden output for a small fixture archive: every Markdown page, feed and .bib file the render stage writes.

Regenerate: SITEGEN_REGENERATE=1 pytest tests/test_golden.py
"""

from __future__ import annotations

import os
import re
import shutil
from pathlib import Path

from conftest import FIXTURES, LISTINGS, make_archive

from sitegen.annotate.stage import annotate
from sitegen.archive import Archive
from sitegen.errors import Report
from sitegen.options import SiteOptions
from sitegen.pipeline import read_inputs, render_site

GOLDEN = Path(__file__).resolve().parent / "golden"
TAXONOMY = """topics:
  pruning: {name: Pruning, match: [prun*, "redundant structure"]}
  quantization: {name: Quantization, match: [quantiz*]}
"""
MANIFEST = "listings:\n  metadata_with_dates_and_upvotes.txt: {captured: 2025-12-16}\n"
NOTE = """---
tags: [Key papers, -quantization]
rating: 4
status: read
---
# Why it matters

The curator's *own* words, with [a link](https://example.org/) and a <kbd>key</kbd>.
"""


API = FIXTURES / "api"


def _output(tmp_path: Path) -> dict[str, str]:
    """A paste, a day of Hugging Face's daily papers, arXiv's and Hugging Face's metadata, a note."""
    archive = make_archive(tmp_path / "archive",
                           [LISTINGS / "metadata_with_dates_and_upvotes.txt", LISTINGS / "hostile_text.txt",
                            LISTINGS / "title_without_abstract.txt", API / "2025-12-17-hf-daily.json"],
                           **{"taxonomy.yml": TAXONOMY, "archive.yml": MANIFEST, "notes__paper-two.md": NOTE,
                              "metadata__arxiv__2505.00001.xml": (API / "arxiv_two_entries.xml").read_text(),
                              "metadata__hf__2505.00002.json": (API / "paper_flat_single.json").read_text()})
    report = Report()
    contents = read_inputs(Archive(archive), report)
    assert report.warnings == []
    annotated = annotate(contents.papers, contents.taxonomy, contents.notes)
    rendered = render_site(annotated, contents.listings, contents.taxonomy, SiteOptions(site_name="Golden"),
                           contents.duplicate_count)
    return {**rendered.pages, **rendered.files}


def test_generated_pages_feeds_and_bib_files_match_golden(tmp_path):
    output = _output(tmp_path)
    if os.environ.get("SITEGEN_REGENERATE"):
        shutil.rmtree(GOLDEN, ignore_errors=True)
        for rel, text in output.items():
            (GOLDEN / rel).parent.mkdir(parents=True, exist_ok=True)
            (GOLDEN / rel).write_text(text, encoding="utf-8")
    expected = {p.relative_to(GOLDEN).as_posix(): p.read_text(encoding="utf-8")
                for p in GOLDEN.rglob("*") if p.is_file()}
    assert sorted(output) == sorted(expected)
    assert {Path(rel).suffix for rel in output} == {".md", ".bib", ".xml", ".json"}
    assert "Curator's note" in output["papers/paper-two.md"]
    for rel, text in output.items():
        assert _stable(text) == _stable(expected[rel]), f"{rel} differs from tests/golden/{rel}"


def _stable(text: str) -> str:
    """Mask the charts' SVG drawing, which depends on the installed matplotlib (tests/test_stats.py checks it),
    and the feeds' generator version."""
    text = re.sub(r"<svg\b.*?</svg>", "<svg/>", text, flags=re.DOTALL)
    return re.sub(r'(<generator[^>]*version=")[^"]*', r"\1", text)
