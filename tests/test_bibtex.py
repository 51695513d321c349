"""Citations: a BibTeX entry per paper (with a copy button) and a .bib file per topic and date page."""

from __future__ import annotations

import re

import bibtexparser
from bs4 import BeautifulSoup
from hypothesis import given, settings
from hypothesis import strategies as st

from sitegen.annotate.stage import annotate_one
from sitegen.archive.taxonomy import Taxonomy
from sitegen.model import Paper, PartialDate, Sighting, Tag
from sitegen.render import bibtex
from sitegen.render.paper import paper_page

TAXONOMY = Taxonomy([(Tag("pruning", "Pruning"), ["prun*"])])
LLM_PRUNER = "llm-pruner-on-the-structural-pruning-of-large-language-models"
# Commands the escaping writes; a title can bring no other.
_OWN_COMMANDS = re.compile(r"\\(textbackslash|textbraceleft|textbraceright|textasciicircum|textasciitilde|"
                           r"textless|textgreater)\{\}|\\[&%$#_]")


def _annotated(title: str, abstract: str = "", published: PartialDate | None = None):
    paper = Paper(slug="a-paper", title=title, abstract=abstract, author_count=3, published=published, upvote_count=9,
                  seen_in=(Sighting("x.txt", None, 9, 1),))
    return annotate_one(paper, TAXONOMY)


def _parse(text: str):
    library = bibtexparser.parse_string(text)
    assert not library.failed_blocks, [b.error for b in library.failed_blocks]
    return library


def test_a_topic_bib_file_parses_with_one_entry_per_paper(bundled_site):
    site, _, _ = bundled_site
    library = _parse((site / "topics" / "pruning.bib").read_text(encoding="utf-8"))
    topic = BeautifulSoup((site / "topics" / "pruning.html").read_text(), "html.parser")
    papers = [a["href"] for a in topic.find("article").select("li a")]
    assert [f"../papers/{e.key}.html" for e in library.entries] == papers
    pruner = next(e for e in library.entries if e.key == LLM_PRUNER)
    assert pruner.fields_dict["title"].value == "{LLM-Pruner:} On the Structural Pruning of Large Language Models"
    assert pruner.fields_dict["year"].value == "2023" and pruner.fields_dict["month"].value == "may"


def test_topic_and_date_pages_link_their_bib_files(bundled_site):
    site, _, _ = bundled_site
    for page in [site / "topics" / "pruning.html", site / "dates" / "2023-05.html",
                 site / "dates" / "listing-001-e67c5225bb203cf2.html"]:
        link = BeautifulSoup(page.read_text(), "html.parser").find("a", string="BibTeX")
        assert link and (page.parent / link["href"]).is_file(), page
        _parse((page.parent / link["href"]).read_text(encoding="utf-8"))


def test_the_paper_page_has_its_entry_with_a_copy_button(bundled_site):
    site, _, _ = bundled_site
    page = BeautifulSoup((site / "papers" / f"{LLM_PRUNER}.html").read_text(), "html.parser")
    block = page.find("pre", class_="sg-bibtex")
    assert "copy" in block["class"]  # Material adds its copy button to `pre.copy > code`
    [entry] = _parse(block.code.get_text()).entries
    assert entry.key == LLM_PRUNER


def test_no_field_is_invented():
    entry = bibtex.entry(_annotated("A Title", "No date, no arXiv id."))
    assert entry == "@misc{a-paper,\n  title = {A Title}\n}\n"  # no author: listings do not name them


def test_an_arxiv_id_gives_eprint_and_url():
    [entry] = _parse(bibtex.entry(_annotated("T", "See arXiv:2305.11627 for details.",
                                             PartialDate(2023, 5, 19)))).entries
    fields = {k: f.value for k, f in entry.fields_dict.items()}
    assert fields == {"title": "T", "year": "2023", "month": "may", "eprint": "2305.11627",
                      "archiveprefix": "arXiv", "url": "https://arxiv.org/abs/2305.11627"}


def test_a_date_without_year_gives_no_date_fields():
    assert "year" not in bibtex.entry(_annotated("T", "", PartialDate(None, 5, 4)))


def test_special_characters_are_escaped_and_inner_capitals_kept():
    title = "50% of {GPT}s & $x_1$ cost #1 ~ \\input{/etc/passwd} ^_^"
    assert bibtex.title_field(title) == (
        r"50\% of {\textbraceleft{}GPT\textbraceright{}s} \& \$x\_1\$ cost \#1 \textasciitilde{} "
        r"\textbackslash{}input\textbraceleft{}/etc/passwd\textbraceright{} \textasciicircum{}\_\textasciicircum{}")


@settings(max_examples=300)
@given(title=st.text(max_size=60) | st.sampled_from(["}", "{", "}{", "\\", "@misc{x,", "%", "\\}", '"', "@"]))
def test_any_title_gives_one_entry_that_parses_and_runs_no_tex(title):
    entry = bibtex.entry(_annotated(title or "x"))
    [parsed] = _parse(entry).entries
    value = parsed.fields_dict["title"].value
    depth = 0
    for char in value:  # braces balance at every point: BibTeX counts `\{` too
        depth += {"{": 1, "}": -1}.get(char, 0)
        assert depth >= 0
    assert depth == 0
    assert "\\" not in _OWN_COMMANDS.sub("", value)  # every backslash belongs to the escaping


def test_the_bibtex_block_is_inert_html():
    a = _annotated('<script>alert(1)</script> --8<-- "x" {: onclick=y}')
    page = paper_page(a, {"x.txt": "listing-x"})
    block = page[page.index('<pre class="copy sg-bibtex">'):page.index("</pre>") + len("</pre>")]
    soup = BeautifulSoup(block, "html.parser")
    assert [t.name for t in soup.find_all(True)] == ["pre", "code"]
    assert soup.code.get_text() == bibtex.entry(a).rstrip("\n")
    assert "--8<--" not in block and "<script" not in block and "\n\n" not in block
