"""Property tests: hostile and malformed input never crashes the reader, never becomes markup, and
merges the same way in any order.

The example budget is the `ci` profile's (tests/conftest.py: fixed and derandomized), or the one a test
states below where one example costs more or less than usual. `HYPOTHESIS_PROFILE=dev` explores further.
"""

from __future__ import annotations

import codecs
import dataclasses
import datetime
import functools
import json
import re
import tempfile
from pathlib import Path
from unittest import mock

import markdown
from bs4 import BeautifulSoup
from conftest import ROOT
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from sitegen.annotate.stage import annotate, annotate_one
from sitegen.archive import Archive
from sitegen.archive.taxonomy import Taxonomy
from sitegen.errors import ListingError, Report, SitegenError
from sitegen.ingest.grouping import group_papers
from sitegen.ingest.listing import parse_listing, read_listing
from sitegen.ingest.stage import read_listings
from sitegen.model import Entry, Listing, Paper, PartialDate, Sighting, Tag
from sitegen.options import SiteOptions
from sitegen.pipeline import render_site
from sitegen.render import families as site_module
from sitegen.render import pages
from sitegen.render.math import to_mathml
from sitegen.render.paper import paper_page
from sitegen.text import escape
from sitegen.text.latex import clean, display_text, plain, split_math
from sitegen.text.slugs import MAX_LENGTH, merge_key, slug_for

# ---------------------------------------------------------------------------------------------------------
# Strategies: text as the web pastes it, with every kind of syntax a title or abstract could smuggle in.

HOSTILE = [
    # HTML
    "<script>alert(1)</script>", "<img src=x onerror=alert(1)>", "<svg/onload=alert(1)>",
    '<iframe src="javascript:alert(1)"></iframe>', '<a href="javascript:alert(1)">x</a>', "<style>*{}</style>",
    "<!-- c -->", "<![CDATA[x]]>", "<?php x ?>", "</p>", "</h1>", '<p class="sg-abstract">', "<math>",
    "&lt;", "&amp;", "&#60;", "&#x3C;", "&", '"', "'", "<", ">", "javascript:alert(1)",
    # Markdown and its extensions
    "*", "_", "**b**", "_em_", "__s__", "`c`", "```", "~~~", "# ", "## h", "| a | b |", "|---|",
    "[x](javascript:alert(1))",
    "[x]: javascript:alert(1)", "![i](x)", "<https://e.com>", "https://e.com/x", "www.e.com", "> ", "- ",
    "1. ", "---", "===", "\\", "{: onclick=alert(1)}", "{#id .cls}", '--8<-- "x"', "[^1]", "*[HTML]: x",
    "!!! note", ":::", "{{ x }}", "{% x %}", "    code", "[TOC]", "==m==", "^^i^^", "~~d~~", ":smile:",
    # LaTeX residue and math
    "$x^2$", "$\\href{javascript:alert(1)}{x}$", "$\\color{red}{x}$", "$\\text{<b>}$", "$a<b$", "\\textbf{b}",
    "\\emph{e}", "\\url{javascript:alert(1)}", "\\'e", '\\"o', "\\%", "\\&", "\\$", "$", "$$", "x^{2}",
    "G_{stack}", "``q''", "a~b", "{word}", "\\mone", "\\\\",
    # Unicode that trips parsers
    "\u00a0", "\u200b", "\u2028", "\x00", "\x85", "\x93", "\ufeff", "\ufffe", "e\u0301", "日本", "🙂",
    "\U0001d400", "\r\n", "\t", "\u202e", "\u2066",
]
MATH = ["$x$", "$a_i$", "$\\frac{1}{2}$", "$\\alpha<\\beta$", "$O(n^2)$", "$5 and $10", "$\\mathbb{R}^d$"]
_PIECE = st.one_of(st.sampled_from(HOSTILE), st.text(max_size=12), st.sampled_from([" ", "  ", "word"]),
                   st.sampled_from(MATH))
hostile_text = st.lists(_PIECE, max_size=12).map("".join)

_LISTING_LINES = [
    "new", "Subscribe", "Daily Papers", "Get trending papers in your email inbox!", "byAK and the research community",
    "Dec 16", "Feb 29", "Feb 30", "Mar 13, 2024", "Jan 1, 0000", "May 4", "Sept 31", "Mar 13   ",
    "  • 3 authors", "• 1,204 authors", "·", "•", "May 4, 2024 12", "Mar 1", "Dec 31, 2023 1,024", "0 authors",
    "May 4, 2024 " + "9" * 5000, "9" * 5000 + " authors",
    "A Short Title", "LLM-Pruner: On the Structural Pruning of Large Language Models", "???",
    "A short abstract.", "Large language models are strong. However, they are expensive to run. We show it.",
    "We study things in depth. " * 12, "",
]
_LINE = st.one_of(st.sampled_from(_LISTING_LINES), hostile_text, st.text(max_size=40))
_BREAK = st.sampled_from(["\n", "\n\n", "\r\n", "\r", "\r\n\r\n"])
_ABSTRACT = st.lists(st.one_of(hostile_text, st.sampled_from(["We prune.", "It works well. We show it", "x"])),
                     min_size=8, max_size=20).map(" ".join).map(lambda t: t + ".")
_META = st.lists(st.sampled_from(["  • 3 authors", "·", "May 4, 2024 12", "Mar 1", "Feb 30", "• 1,204 authors"]),
                 max_size=3)


@st.composite
def _paste(draw) -> list[str]:
    """Lines shaped like a real paste (header, then title / abstract / metadata blocks), hostile inside."""
    lines = draw(st.lists(st.sampled_from(_LISTING_LINES[:13]), max_size=3))
    for _ in range(draw(st.integers(1, 4))):
        lines.append(draw(hostile_text.map(lambda t: t if t.strip() else "A title")))
        if draw(st.booleans()):
            lines.append(draw(_ABSTRACT))
        lines.extend(draw(_META))
    return lines


_LINES = st.one_of(st.lists(_LINE, max_size=30), _paste())


@st.composite
def _listing_text(draw) -> str:
    """The lines, each ended by a line break of its own (drawn per line: drawing the unused ones cost time)."""
    return "".join(line + draw(_BREAK) for line in draw(_LINES))


listing_text = _listing_text()


def _encode(text: str, encoding: str) -> bytes:
    if encoding == "utf-16-be-bom":
        return codecs.BOM_UTF16_BE + text.encode("utf-16-be", errors="surrogatepass")
    if encoding in ("latin-1", "cp1252"):
        return text.encode(encoding, errors="ignore")
    return text.encode(encoding, errors="surrogatepass")


_ENCODINGS = ["utf-8", "utf-8-sig", "utf-16", "utf-16-be-bom", "latin-1", "cp1252"]


@st.composite
def listing_bytes(draw) -> bytes:
    """Bytes of a file in a listings folder: an encoded listing, possibly damaged, or anything at all."""
    kind = draw(st.sampled_from(["encoded", "encoded", "damaged", "binary"]))
    if kind == "binary":
        return draw(st.binary(max_size=400))
    data = _encode(draw(listing_text), draw(st.sampled_from(_ENCODINGS)))
    if kind == "damaged" and data:
        at = draw(st.integers(0, len(data)))
        cut = draw(st.integers(0, 3))
        data = data[:at] + draw(st.binary(max_size=4)) + data[at + cut:]
    return data


def _check_listing(listing: Listing, text_lines: int | None = None) -> None:
    """The invariants of any Listing the reader returns."""
    assert listing.entries
    assert any(e.abstract or e.published or e.author_count for e in listing.entries)
    lines = [e.line for e in listing.entries]
    assert lines == sorted(set(lines)) and lines[0] >= 1
    if text_lines is not None:
        assert lines[-1] <= text_lines
    for entry in listing.entries:
        assert entry.title and entry.title == " ".join(entry.title.split()), entry
        assert entry.abstract == " ".join(entry.abstract.split()), entry
        for date in (entry.published, listing.captured):
            if date is not None:
                datetime.date(date.year or 2000, date.month, date.day)


# ---------------------------------------------------------------------------------------------------------
# The reader reports, it never crashes.


@settings(max_examples=400)
@given(listing_text)
def test_reader_returns_a_listing_or_reports_the_file(text):
    report = Report()
    try:
        listing = parse_listing(text, "archive/listings/pasted.txt", None, report)
    except ListingError as exc:
        assert "archive/listings/pasted.txt: " in str(exc) and exc.hint
        event("refused")
        return
    event("read")
    _check_listing(listing, len(re.split(r"\r\n|\r|\n", text)))
    assert all(w.startswith("archive/listings/pasted.txt") for w in report.warnings)


@settings(max_examples=200)
@given(st.text())
def test_reader_on_arbitrary_text(text):
    try:
        _check_listing(parse_listing(text, "any.txt", PartialDate(2025, 3, 13), Report()))
    except ListingError as exc:
        assert str(exc).startswith("any.txt: ")


@settings(max_examples=300, suppress_health_check=[HealthCheck.too_slow])
@given(listing_bytes())
def test_reader_on_arbitrary_bytes(data):
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "pasted.txt"
        path.write_bytes(data)
        report = Report()
        try:
            listing = read_listing(path, None, report)
        except ListingError as exc:
            assert str(exc).startswith(f"{path}: ") and exc.hint
            event("refused: " + exc.message.split(":")[0].split("(")[0].strip())
            return
        event("read")
        _check_listing(listing)
        assert all(w.startswith(str(path)) for w in report.warnings)


_MANIFESTS = st.one_of(
    st.none(),
    st.binary(max_size=60),
    st.sampled_from([
        "listings: {a.txt: {captured: 2024-02-30}}", "listings: [1, 2", "- just a list", "listings: 3",
        "listings: {a.txt: {captured: 2024-01-02, colour: red}}\nextra: 1", "listings: {a.txt: 2024-01-02}",
        "listings:\n  b.txt: {captured: 2023-12-31T10:00:00}\n", "? [a, b]\n: 1", "listings: {1: {captured: x}}",
        "\ufefflistings: {a.txt: {captured: 2024-01-02}}", "", "~", "listings: !!python/name:os.system",
    ]).map(str.encode),
)


@settings(max_examples=150, suppress_health_check=[HealthCheck.too_slow])
@given(files=st.dictionaries(st.sampled_from(["a.txt", "b.txt", "2024-01-02_c.txt", "2024-13-45_d.txt",
                                              "e.md", "f.TXT"]),
                             listing_bytes(), max_size=4),
       manifest=_MANIFESTS)
def test_ingest_only_ever_raises_a_reported_error(files, manifest):
    """The whole ingest stage, manifest included, on any folder of files."""
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp) / "archive"
        (root / "listings").mkdir(parents=True)
        for name, data in files.items():
            (root / "listings" / name).write_bytes(data)
        if manifest is not None:
            (root / "archive.yml").write_bytes(manifest)
        report = Report()
        try:
            listings = read_listings(Archive(root), report)
        except SitegenError as exc:
            assert str(root / "listings") in str(exc) and exc.hint
            event("nothing usable")
            return
        event(f"{len(listings)} listing(s), {len(report.skipped)} skipped")
        for listing in listings:
            _check_listing(listing)
        for warning in report.warnings:
            assert warning.startswith(str(root)), warning
        assert all(path.startswith(str(root)) for path in report.skipped)


_NOTE_TEXT = st.lists(st.sampled_from(["---", "rating: 4", "rating: 2024-02-30", "rating: 9" * 30, "tags: [a, -b]",
                                        "tags: !!timestamp x", "status: read", "? [a]\n: 1", "[" * 200, "~",
                                        "tags: [[[]]]", "Body *text*.", "<script>x</script>", ""]), max_size=8)
_NOTE_BYTES = st.one_of(st.binary(max_size=80), _NOTE_TEXT.map(lambda lines: "\n".join(lines).encode()))


@settings(max_examples=100, suppress_health_check=[HealthCheck.too_slow])
@given(st.dictionaries(st.sampled_from(["paper-one.md", "unknown.md", "Paper One.md", "x.txt"]), _NOTE_BYTES,
                       max_size=3))
def test_notes_never_crash_the_build(notes):
    """A curator's notes folder with anything in it: each bad note is reported by name and left out."""
    from sitegen.archive import Archive
    from sitegen.archive.notes import load_notes

    with tempfile.TemporaryDirectory() as tmp:
        (Path(tmp) / "notes").mkdir()
        for name, data in notes.items():
            (Path(tmp) / "notes" / name).write_bytes(data)
        report = Report()
        load_notes(Archive(Path(tmp)), {"paper-one"}, report)
        assert all(w.startswith(tmp) for w in report.warnings), report.warnings


# ---------------------------------------------------------------------------------------------------------
# Any title and abstract render to HTML that shows them literally and adds nothing.

TAXONOMY = Taxonomy([(Tag("pruning", "Pruning & <sparsity>"), ["prun*", "sparsity"]),
                     (Tag("math", "Math"), ["x", "alert"])])
_CONTROLS = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029\ufffe\uffff]")
_MATH_MARK = "\ue000"
_MATHML = {"math", "mrow", "mi", "mn", "mo", "msup", "msub", "msubsup", "mfrac", "msqrt", "mroot", "mtext",
           "mspace", "mover", "munder", "munderover", "mtable", "mtr", "mtd", "mstyle", "mpadded", "mphantom",
           "semantics", "annotation", "menclose"}
# What a paper page is made of; nothing else may appear, whatever the title and abstract say.
_PAGE_ELEMENTS = {"h1", "h2", "p", "a", "ul", "li", "strong", "em", "small", "pre", "code", "bdi"}
_PAGE_ATTRIBUTES = {"h1": {"class", "id"}, "p": {"class"}, "h2": {"id"}, "a": {"href", "rel", "title", "class"},
                    "pre": {"class"}}
_LINK = re.compile(r"^(https?://[^\s\"'<>]+|(\.\./)*([a-z0-9-]+/)?[a-z0-9-]+\.(md|html)|#[a-z0-9_-]+)$")


def _shown(text: str) -> str:
    """Return text as a browser shows it: controls and line breaks as spaces, runs of space as one."""
    return " ".join(_CONTROLS.sub(" ", text).split())


@functools.cache
def _mkdocs_markdown() -> markdown.Markdown:
    """Return Python-Markdown set up as MkDocs sets it up for this project's mkdocs.yml."""
    from mkdocs.config import load_config

    config = load_config(config_file=str(ROOT / "mkdocs.yml"))
    return markdown.Markdown(extensions=config["markdown_extensions"], extension_configs=config["mdx_configs"])


def _page_html(page: str) -> tuple[str, dict]:
    """Return a generated page's final HTML, as MkDocs writes it (sitegen's hook included), and its metadata."""
    from mkdocs.utils.meta import get_data

    source, meta = get_data(page)
    md = _mkdocs_markdown()
    md.reset()
    return escape.readable_html(md.convert(source)), meta


def _paper(title: str, abstract: str) -> Paper:
    return Paper(slug=slug_for(title), title=title, abstract=abstract, author_count=3, published=None, upvote_count=None,
                 seen_in=(Sighting(listing="x.txt", captured=None, upvote_count=None, line=3),))


def _expected_abstract(cleaned: str) -> str:
    """The abstract as shown: text segments literally, `$…$` math as a marker where MathML replaced it."""
    shown = []
    for segment, is_math in split_math(cleaned):
        shown.append(_MATH_MARK if is_math and to_mathml(segment) else display_text(segment))
    return _shown("".join(shown))


def _check_inert(soup: BeautifulSoup, extra: dict[str, set[str]] | None = None) -> None:
    """No element or attribute on the page can have come from the input (extra: the page's own elements)."""
    allowed = {**{name: set() for name in _PAGE_ELEMENTS}, **_PAGE_ATTRIBUTES, **(extra or {})}
    for tag in soup.find_all(True):
        if tag.name in _MATHML:
            assert tag.find_parent("p", class_="sg-abstract"), tag
            continue
        assert tag.name in allowed, tag
        assert set(tag.attrs) <= allowed[tag.name], tag
        if tag.name == "a":
            assert _LINK.match(tag["href"]), tag
        if tag.name in ("pre", "code"):  # the citation block: text only
            assert [child.name for child in tag.find_all(True)] in ([], ["code"]), tag
        for value in tag.attrs.values():
            text = " ".join(value) if isinstance(value, list) else value
            assert not text.strip().lower().startswith("javascript:"), tag


# A listing's file name is shown on pages too; a file name holds anything but `/` and NUL.
listing_names = hostile_text.map(lambda t: t.replace("/", "").replace("\x00", "") + ".txt")


@settings(max_examples=500)
@given(title=hostile_text, abstract=hostile_text, listing=listing_names)
def test_any_title_and_abstract_show_literally_and_add_no_markup(title, abstract, listing):
    """The paper's page: the title in raw HTML, the abstract with math, the listing name in Markdown."""
    paper = _paper(title, abstract)
    paper = dataclasses.replace(paper, seen_in=(dataclasses.replace(paper.seen_in[0], listing=listing),))
    a = annotate_one(paper, TAXONOMY)
    html, meta = _page_html(paper_page(a, {listing: "listing-x"}))
    soup = BeautifulSoup(html, "html.parser")
    _check_inert(soup)

    (h1,) = soup.find_all("h1")
    assert not h1.find(True)
    assert _shown(h1.get_text()) == _shown(plain(clean(title)))
    title = escape.text(plain(a.display_title))
    if re.search("[\u202a-\u202e\u2066-\u2069]", title):  # a direction mark: isolated (FSI … PDI)
        title = f"\u2068{title}\u2069"
    assert meta["title"] == title  # the front matter is valid YAML for any title
    assert set(meta) <= {"title", "description", "sitegen_head"}
    head = BeautifulSoup(meta.get("sitegen_head", ""), "html.parser")  # the head's tags: meta and JSON-LD only
    assert {tag.name for tag in head.find_all(True)} <= {"meta", "script"}
    for script in head.find_all("script"):
        assert script["type"] == "application/ld+json" and json.loads(script.string)["@type"] == "ScholarlyArticle"

    if a.display_abstract:
        (para,) = soup.find_all("p", class_="sg-abstract")
        for math in para.find_all("math", recursive=False):
            math.replace_with(_MATH_MARK)
        assert not para.find(True)
        assert _shown(para.get_text()) == _expected_abstract(clean(abstract))
        event("abstract with MathML" if _MATH_MARK in _expected_abstract(a.display_abstract) else "abstract")

    (seen,) = soup.find_all("a", href="../dates/listing-x.md")
    assert not seen.find(True) and _shown(seen.get_text()) == _shown(listing)


@settings(max_examples=300)
@given(title=hostile_text)
def test_any_title_is_literal_link_text_in_card_lists(title):
    """Topic, date and home pages list papers as cards, an HTML list: `<li><a href="../papers/slug.html">`."""
    a = annotate_one(_paper(title, ""), TAXONOMY)
    html, meta = _page_html(pages.topic_page(Tag("pruning", "Pruning"), [a]))
    soup = BeautifulSoup(html, "html.parser")
    _check_inert(soup, {"span": {"class"}, "bdi": {"class"}, "ul": {"class"}})  # the card (pages.card_list)
    (item,) = soup.find_all("li")
    (link,) = item.find_all("a")
    assert link["href"] == f"../papers/{a.slug}.html"
    assert [child.name for child in link.find_all(True)] == ["bdi"]  # the title, bidi-isolated from its date
    assert not link.bdi.find(True) and link.bdi.parent is link
    assert _shown(link.get_text()) == _shown(plain(clean(title)))


@settings(max_examples=300)
@given(name=listing_names)
def test_any_listing_name_shows_literally(name):
    """A listing's name heads its page and fills a cell of the dates overview's table."""
    listing = Listing(name=name, captured=None, entries=())
    html, _ = _page_html(pages.listing_page(listing, []))
    soup = BeautifulSoup(html, "html.parser")
    _check_inert(soup)
    (h1,) = soup.find_all("h1")
    h1.find("a", class_="headerlink").decompose()
    assert not h1.find(True) and _shown(h1.get_text()) == _shown(f"Listing {name}")

    row = pages.ListingRow(listing, "listing-x", pages.listing_titles([listing])[name], 0)
    html, _ = _page_html(pages.dates_overview([], [row], 0, 0))
    soup = BeautifulSoup(html, "html.parser")
    _check_inert(soup, extra={"table": set(), "thead": set(), "tbody": set(), "tr": set(), "th": {"style"},
                              "td": {"style"}})
    (row,) = soup.find("tbody").find_all("tr")
    cells = row.find_all("td")
    assert len(cells) == 3
    (link,) = cells[0].find_all("a")
    assert link["href"] == "listing-x.md" and not link.find(True)
    assert _shown(link.get_text()) == _shown(f"Listing {name}")  # no capture date: called by its file name
    assert [child.name for child in cells[2].find_all(True)] == ["small"]
    assert _shown(cells[2].get_text()) == _shown(name)


@settings(max_examples=100)
@given(abstract=st.lists(st.one_of(hostile_text, st.sampled_from(["$x$", " $y^2$ ", "a $z$ b", "$5 and $10"])),
                         max_size=6).map(" ".join))
def test_math_keeps_the_spaces_around_it(abstract):
    """`where $x$ is` shows as `where x is`, not `wherexis`."""
    a = annotate_one(_paper("T", abstract), TAXONOMY)
    soup = BeautifulSoup(f"<p>{pages.abstract_html(a.display_abstract)}</p>", "html.parser")
    for math in soup.find_all("math"):
        math.replace_with(_MATH_MARK)
    assert _shown(soup.get_text()) == _expected_abstract(a.display_abstract)


# ---------------------------------------------------------------------------------------------------------
# Slugs: URL-safe, one per paper, the same whatever else is in the archive or its order.

_SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
titles = st.one_of(hostile_text, st.text(min_size=1, max_size=30),
                   st.lists(st.sampled_from(["Scaling", "Laws", "for", "LLM", "Pruning", "C++", "&", "Über"]),
                            min_size=1, max_size=40).map(" ".join))


@given(titles)
def test_slug_is_url_safe_and_bounded(title):
    slug = slug_for(title)
    assert _SLUG.match(slug) and len(slug) <= MAX_LENGTH + 9, slug


@given(titles, st.sampled_from([str.upper, str.lower, str.title, lambda t: f"  {t}  ", lambda t: t + "?"]))
def test_titles_that_merge_share_one_slug(title, variant):
    other = variant(title)
    if merge_key(other) == merge_key(title):
        assert slug_for(other) == slug_for(title)


def _papers_of(title_list: list[str], captured: PartialDate | None = None) -> tuple:
    entries = tuple(Entry(title=t, abstract="", author_count=None, published=None, upvote_count=None, line=n)
                    for n, t in enumerate(title_list, start=1))
    return group_papers([Listing(name="a.txt", captured=captured, entries=entries)]).papers


@given(titles)
def test_a_title_spelling_another_papers_slug_gets_its_own(title):
    """A pasted title can read like another paper's slug ("Paper f6ec37bb"); its page must not replace it."""
    forged = slug_for(title).replace("-", " ")
    papers = _papers_of([title, forged])
    assert len(papers) == len({merge_key(title), merge_key(forged)})
    assert len({p.slug for p in papers}) == len(papers), (title, forged)


@given(st.lists(titles, min_size=1, max_size=12))
def test_distinct_papers_get_distinct_slugs(title_list):
    """Titles that are different papers ("Model α", "Model a") never share a page, whatever their slugs."""
    everything = title_list + [slug_for(t) for t in title_list]
    papers = _papers_of(everything)
    assert len(papers) == len({merge_key(t) for t in everything})
    assert len({p.slug for p in papers}) == len(papers)
    assert all(_SLUG.match(p.slug) for p in papers)


@given(st.lists(titles, min_size=1, max_size=6), st.lists(titles, min_size=1, max_size=6))
def test_a_later_listing_never_moves_an_earlier_papers_page(first, later):
    """The plain page name goes to the paper captured first: a newer listing cannot take it."""
    before = {merge_key(p.title): p.slug for p in _papers_of(first, PartialDate(2024, 1, 1))}
    one = Listing("a.txt", PartialDate(2024, 1, 1),
                  tuple(Entry(t, "", None, None, None, n) for n, t in enumerate(first, start=1)))
    two = Listing("b.txt", PartialDate(2025, 1, 1),
                  tuple(Entry(t, "", None, None, None, n) for n, t in enumerate(later, start=1)))
    after = {merge_key(p.title): p.slug for p in group_papers([two, one]).papers}
    assert {key: after[key] for key in before} == before


# ---------------------------------------------------------------------------------------------------------
# Merging: the same listings in any order give the same papers and byte-identical pages.

_POOL = ["Scaling Laws for Pruning", "scaling laws for pruning!", "SCALING LAWS FOR PRUNING", "Quantized LLMs",
         "A Very Long Title About Scaling Language Models That Goes On And On Until It Needs A Hash To Stay Short",
         "a very long title about scaling language models that goes on and on until it needs a hash to stay short",
         "???", "Paper f6ec37bb", "<b>Bold</b> Claims", "Sparsity $x^2$"]
_ABSTRACTS = ["", "We prune. It works.", "We prune. It works, and better than before.",
              "Quantization at four bits with code at https://github.com/a/b."]
_DATES = st.one_of(st.none(), st.builds(PartialDate, st.sampled_from([None, 2023, 2024]), st.integers(1, 12),
                                        st.integers(1, 28)))


@st.composite
def listings(draw, min_size: int = 1) -> list[Listing]:
    names = draw(st.lists(st.sampled_from(["a.txt", "b.txt", "2024-05-01_c.txt", "d d.txt", "E.txt"]),
                          min_size=min_size, max_size=4, unique=True))
    out = []
    for name in names:
        entries = tuple(
            Entry(title=draw(st.sampled_from(_POOL)), abstract=draw(st.sampled_from(_ABSTRACTS)),
                  author_count=draw(st.one_of(st.none(), st.integers(1, 9))), published=draw(_DATES),
                  upvote_count=draw(st.one_of(st.none(), st.integers(0, 99))), line=3 + 4 * n)
            for n in range(draw(st.integers(1, 5))))
        out.append(Listing(name=name, captured=draw(_DATES), entries=entries))
    return out


def _stats_stub(annotated) -> str:
    return repr([a.slug for a in annotated])


def _site(listing_list: list[Listing]) -> tuple[dict[str, str], list, dict[str, str]]:
    merged = group_papers(listing_list)
    # The stats page's charts cost half a second a render; the stub still shows the order it is given the
    # papers in. test_robustness.py compares whole built sites, charts included, byte for byte.
    with mock.patch.object(site_module, "stats_page", _stats_stub):
        rendered = render_site(annotate(merged.papers, TAXONOMY), tuple(listing_list), TAXONOMY,
                               SiteOptions(site_name="Site"), merged.duplicate_count)
    return rendered.pages, rendered.nav, rendered.files


@settings(max_examples=80)
@given(listings(), st.randoms(use_true_random=False))
def test_listing_order_never_changes_papers_or_pages(listing_list, rnd):
    shuffled = [Listing(l.name, l.captured, l.entries) for l in listing_list]
    rnd.shuffle(shuffled)
    first, second = group_papers(listing_list), group_papers(shuffled)
    assert first == second
    event("duplicates merged" if first.duplicate_count else "no duplicates")
    slugs = [p.slug for p in first.papers]
    assert len(set(slugs)) == len(slugs)
    keys = {merge_key(e.title) for l in listing_list for e in l.entries}
    assert sorted(merge_key(p.title) for p in first.papers) == sorted(keys)
    pages_one, nav_one, files_one = _site(listing_list)
    pages_two, nav_two, files_two = _site(shuffled)
    assert nav_one == nav_two
    assert list(pages_one) == list(pages_two) and list(files_one) == list(files_two)
    for path in pages_one:
        assert pages_one[path] == pages_two[path], path
    for path in files_one:
        assert files_one[path] == files_two[path], path


@settings(max_examples=100)
@given(listings(min_size=2))
def test_adding_a_listing_never_changes_an_existing_papers_slug(listing_list):
    before = {p.slug for p in group_papers(listing_list[:1]).papers}
    after = {p.slug for p in group_papers(listing_list).papers}
    assert before <= after
