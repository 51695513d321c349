"""Math in a curator's note: `$…$` in its prose becomes the same sanitised MathML abstracts get; code, HTML and
addresses keep their dollars, and hostile math stays inert."""

from __future__ import annotations

from pathlib import Path

import markdown
import pytest
from bs4 import BeautifulSoup
from conftest import LISTINGS, ROOT, make_archive
from hypothesis import given
from hypothesis import strategies as st

from sitegen.cli import main
from sitegen.render.math import note_math, to_mathml
from sitegen.text.note_math import math_spans

NOTE = """# Why it matters

Sorting costs $O(n^2)$ here, where the code says `$x$`.

```
$x$ in a fence
```

$a+b$ starts a line, and **this** stays bold. Prices: $5 and $10.

- Hostile: $<script>alert(1)</script>$ and $\\href{javascript:alert(1)}{x}$ and $\\color{red}{y}$.
- An address: <https://example.org/$p$> and [a link $n$](https://example.org/$q$).
"""
MANIFEST = "listings:\n  metadata_with_dates_and_upvotes.txt: {captured: 2025-12-16}\n"


@pytest.fixture(scope="module")
def note_page(tmp_path_factory) -> BeautifulSoup:
    """Build an archive whose paper-one has NOTE with the real command; return the paper's page."""
    tmp: Path = tmp_path_factory.mktemp("note-math")
    archive = make_archive(tmp / "archive", [LISTINGS / "metadata_with_dates_and_upvotes.txt"],
                           **{"archive.yml": MANIFEST, "notes__paper-one.md": NOTE})
    code = main(["build", "--archive", str(archive), "--site-dir", str(tmp / "site"),
                 "--config", str(ROOT / "mkdocs.yml"), "--strict"])
    assert code == 0
    page = BeautifulSoup((tmp / "site" / "papers" / "paper-one.html").read_text(encoding="utf-8"), "html.parser")
    return page


def _note(page: BeautifulSoup):
    """The note's elements: those after the "Curator's note" heading, up to the next section's."""
    heading = page.find("h2", id="curators-note")
    assert heading is not None
    out = []
    for sibling in heading.find_next_siblings():
        if sibling.name == "h2":
            break
        out.append(sibling)
    return out


def test_math_in_a_notes_prose_is_mathml_and_code_keeps_its_dollars(note_page):
    note = _note(note_page)
    text = " ".join(e.get_text(" ") for e in note)
    first = next(e for e in note if "Sorting costs" in e.get_text())
    maths = first.find_all("math")
    assert len(maths) == 1  # $O(n^2)$ only; the code span's $x$ is not math
    assert str(maths[0]) == str(BeautifulSoup(to_mathml("$O(n^2)$") or "", "html.parser").math)  # as abstracts get
    assert first.code is not None and first.code.get_text() == "$x$"
    fence = next(e for e in note if e.name == "pre" or (e.code and "in a fence" in e.get_text()))
    assert fence.find("math") is None and "$x$ in a fence" in fence.get_text()
    assert "$O(n^2)$" not in text


def test_math_at_a_line_start_stays_in_its_paragraph(note_page):
    paragraph = next(e for e in _note(note_page) if "starts a line" in e.get_text())
    assert paragraph.name == "p" and paragraph.find("math") is not None and paragraph.strong is not None
    assert "$5 and $10" in paragraph.get_text()  # prices are not math


def test_hostile_math_in_a_note_stays_inert(note_page):
    note = _note(note_page)
    items = next(e for e in note if e.name == "ul")
    assert items.find("script") is None and items.find(href=lambda h: bool(h) and "javascript" in h) is None
    assert not items.find_all(attrs={"mathcolor": True}) and not items.find_all(attrs={"href": "javascript"})
    hostile = items.find("li").get_text()
    assert "\\href{javascript:alert(1)}{x}" in hostile and "\\color{red}{y}" in hostile  # shown as written
    assert items.find("li").find("math").get_text("") == "<script>alert(1)</script>"  # its characters, as math
    link = items.find_all("li")[1]
    assert [a["href"] for a in link.find_all("a")] == ["https://example.org/$p$", "https://example.org/$q$"]
    assert len(link.find_all("math")) == 1  # the link's text, not the addresses


def test_math_spans_skip_code_html_autolinks_and_alt_text():
    note = ("`$a$` $b$ <span title=\"$c$\">$d$</span> <https://x.org/$e$> ![alt $f$](i.png)\n\n"
            "    $g$\n\n> - $h$ \\$i$ $$j$$ `$k` $l$`\n\n## $m$ ##\n")
    assert [note[s:e] for s, e in math_spans(note)] == ["$b$", "$d$", "$h$", "$l$", "$m$"]


def test_a_note_without_math_is_unchanged():
    note = "# Title\n\nIt costs $5, not `$x$`.\n\n```\n$y$\n"
    assert note_math(note) == note


def test_crlf_line_ends_place_math_right():
    note = "One\r\n\r\n- two $x$\r\n  three $y$\r\n"
    assert [note[s:e] for s, e in math_spans(note)] == ["$x$", "$y$"]


@given(st.text(alphabet=st.sampled_from(list("$`x \n>-#\\<*_[]()!1")), max_size=80))
def test_math_spans_are_math_in_the_note_and_render(note):
    for start, end in math_spans(note):
        span = note[start:end]
        assert span.startswith("$") and span.endswith("$") and "\n" not in span and "`" not in span
    markdown.markdown(note_math(note))  # never raises
