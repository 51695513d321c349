"""Each paper page's head as its clients read it: the meta description, Highwire `citation_*` tags (Google Scholar,
Zotero), Open Graph and `twitter:card` (link previews), JSON-LD (search engines). Built with and without site_url."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from conftest import LISTINGS, ROOT, make_archive

from sitegen.model import Annotated, Facts, Paper
from sitegen.pipeline import BuildOptions, build
from sitegen.render.head import DESCRIPTION_LENGTH, paper_head

SITE_URL = "https://example.org/archive/"
RICH = "llm-pruner-on-the-structural-pruning-of-large-language-models"
RICH_ABSTRACT = ("Large language models (LLMs) have shown remarkable capabilities in language understanding. "
                 "However, their size makes them costly to deploy. We prune them by structure, keeping quality.")
AUTHORS = ["Xinyin Ma", "Gongfan Fang", "Xinchao Wang"]
THUMBNAIL = "https://cdn-thumbnails.huggingface.co/social-thumbnails/papers/2305.11627.png"
HOSTILE = "</script><script>alert(1)</script>\"'&"
LONG_SENTENCE = ("We study " + "very " * 60 + "long sentences. Then a second one.")


def _row(pid: str, title: str, summary: str, **paper) -> dict:
    return {"paper": {"id": pid, "title": title, "summary": summary, **paper}, "title": title,
            "publishedAt": "2025-12-17T00:00:00.000Z"}


def _day() -> bytes:
    rows = [
        {**_row("2305.11627", "LLM-Pruner: On the Structural Pruning of Large Language Models", RICH_ABSTRACT,
                authors=[{"name": n} for n in AUTHORS], publishedAt="2023-05-19T00:00:00.000Z",
                ai_summary="LLM-Pruner prunes LLMs."), "thumbnail": THUMBNAIL},
        _row("2401.00050", HOSTILE, "A hostile title. Its abstract is fine.", authors=[{"name": HOSTILE}]),
        _row("2401.00051", "Only The Machine Summarised It", "", ai_summary="A summary written by a machine."),
        {**_row("2401.00052", "An Untrusted Thumbnail", LONG_SENTENCE), "thumbnail": "http://insecure.example.org/a.png"},
    ]
    return json.dumps(rows).encode()


def _build(tmp: Path, site_url: str | None) -> Path:
    archive = make_archive(tmp / "archive", [LISTINGS / "metadata_with_dates_and_upvotes.txt",
                                             LISTINGS / "title_without_abstract.txt",
                                             ("2025-12-17-hf-daily.json", _day())])
    config = ROOT / "mkdocs.yml"
    if site_url:
        config = tmp / "mkdocs.yml"
        config.write_text((ROOT / "mkdocs.yml").read_text().replace(
            "site_name: Paper archive", f"site_name: Paper archive\nsite_url: {site_url}"))
    build(BuildOptions(archive=archive, site_dir=tmp / "site", config_file=config))
    return tmp / "site"


@pytest.fixture(scope="module")
def sites(tmp_path_factory) -> dict[str, Path]:
    """The same small archive built with mkdocs.yml's site_url set ("url") and without it ("plain")."""
    return {"url": _build(tmp_path_factory.mktemp("with-url"), SITE_URL),
            "plain": _build(tmp_path_factory.mktemp("without-url"), None)}


def _head(site: Path, slug: str) -> BeautifulSoup:
    return BeautifulSoup((site / "papers" / f"{slug}.html").read_text(encoding="utf-8"), "html.parser").head


def _meta(head: BeautifulSoup, key: str) -> list[str]:
    """Every content of the meta tags named (name= or property=) key, in page order."""
    return [m["content"] for m in head.find_all("meta") if key in (m.get("name"), m.get("property"))]


def _one(head: BeautifulSoup, key: str) -> str:
    values = _meta(head, key)
    assert len(values) == 1, (key, values)
    return values[0]


def _json_ld(head: BeautifulSoup) -> dict:
    scripts = head.find_all("script", type="application/ld+json")
    assert len(scripts) == 1
    return json.loads(scripts[0].string)


def _slug(site: Path, starts: str) -> str:
    return next(p.stem for p in sorted((site / "papers").glob("*.html")) if p.stem.startswith(starts))


# ---------------------------------------------------------------------------------------------------------
# Each tag against the paper's data


def test_a_rich_papers_head_states_its_description_highwire_tags_and_open_graph(sites):
    head = _head(sites["url"], RICH)
    title = "LLM-Pruner: On the Structural Pruning of Large Language Models"
    first_two = "Large language models (LLMs) have shown remarkable capabilities in language understanding. " \
                "However, their size makes them costly to deploy."
    assert _one(head, "description") == first_two  # whole sentences, within 160 characters
    assert _one(head, "citation_title") == title
    assert _meta(head, "citation_author") == AUTHORS
    assert _one(head, "citation_publication_date") == "2023/05/19"
    assert _one(head, "citation_arxiv_id") == "2305.11627"
    assert _one(head, "citation_pdf_url") == "https://arxiv.org/pdf/2305.11627"
    assert _one(head, "citation_abstract_html_url") == "https://arxiv.org/abs/2305.11627"
    assert _one(head, "citation_abstract") == RICH_ABSTRACT
    assert _one(head, "citation_doi") == "10.48550/arXiv.2305.11627"
    assert (_one(head, "og:type"), _one(head, "og:title"), _one(head, "og:description")) == \
        ("article", title, first_two)
    assert _one(head, "og:image") == THUMBNAIL and _one(head, "twitter:card") == "summary_large_image"
    page = f"{SITE_URL}papers/{RICH}.html"
    assert _one(head, "og:url") == page == head.find("link", rel="canonical")["href"]


def test_a_rich_papers_json_ld_is_a_scholarly_article(sites):
    data = _json_ld(_head(sites["url"], RICH))
    assert data == {
        "@context": "https://schema.org", "@type": "ScholarlyArticle",
        "name": "LLM-Pruner: On the Structural Pruning of Large Language Models",
        "author": [{"@type": "Person", "name": name} for name in AUTHORS],
        "datePublished": "2023-05-19", "abstract": RICH_ABSTRACT,
        "keywords": ["Pruning & sparsity"],  # the bundled taxonomy's topic the title matched
        "sameAs": "https://arxiv.org/abs/2305.11627", "image": THUMBNAIL,
    }


def test_without_site_url_no_tag_needs_an_absolute_address_and_none_is_relative(sites):
    head = _head(sites["plain"], RICH)
    assert _meta(head, "og:url") == [] and head.find("link", rel="canonical") is None
    ours = _ours(head)
    urls = [value for key, value in ours if key.endswith("_url") or key == "og:image"]
    assert len(urls) == 3 and all(u.startswith("https://") for u in urls)
    # Everything else is what the build with site_url writes.
    assert ours == [(key, value) for key, value in _ours(_head(sites["url"], RICH)) if key != "og:url"]


def _ours(head: BeautifulSoup) -> list[tuple[str, str]]:
    keys = [(m.get("name") or m.get("property") or "", m.get("content", "")) for m in head.find_all("meta")]
    return [(k, v) for k, v in keys if k.startswith(("citation_", "og:", "twitter:", "DC."))]


def test_a_pasted_paper_gets_only_what_the_paste_states(sites):
    head = _head(sites["url"], "paper-one")  # "3 authors", May 19, 2023, no arXiv id
    assert _one(head, "citation_title") == "Paper One"
    assert _one(head, "citation_publication_date") == "2023/05/19"
    for key in ("citation_author", "citation_arxiv_id", "citation_pdf_url", "citation_abstract_html_url",
                "citation_doi", "DC.type", "og:image"):
        assert _meta(head, key) == [], key
    assert _one(head, "twitter:card") == "summary"
    data = _json_ld(head)
    assert "author" not in data and "sameAs" not in data and data["datePublished"] == "2023-05-19"


def test_a_date_without_a_year_gets_no_date_tag(sites):
    head = _head(sites["url"], "paper-two")  # "May 4", in a listing whose year nothing states
    assert _meta(head, "citation_publication_date") == [] and "datePublished" not in _json_ld(head)


def test_the_description_falls_back_to_the_ai_summary_then_to_the_title(sites):
    assert _one(_head(sites["url"], "only-the-machine-summarised-it"), "description") == \
        "A summary written by a machine."
    head = _head(sites["url"], "a-title-with-no-abstract")
    assert _one(head, "description") == "A Title With No Abstract"
    assert _meta(head, "citation_abstract") == [] and "abstract" not in _json_ld(head)


def test_a_long_first_sentence_is_cut_at_a_word_within_160_characters(sites):
    text = _one(_head(sites["url"], "an-untrusted-thumbnail"), "description")
    assert len(text) <= DESCRIPTION_LENGTH and text.endswith("very…") and text.startswith("We study very very")


def test_a_thumbnail_that_is_not_clean_https_is_left_out(sites):
    head = _head(sites["url"], "an-untrusted-thumbnail")
    assert _meta(head, "og:image") == [] and _one(head, "twitter:card") == "summary"
    assert "image" not in _json_ld(head)
    facts = Facts(thumbnail='https://example.org/a.png" onload="x')
    paper = Paper("p", "P", "", None, None, None, (), facts)
    assert "og:image" not in paper_head(Annotated(paper, "P", "", (), ())).html


def test_every_page_has_its_own_description_and_no_empty_tag(sites):
    for site in sites.values():
        descriptions = []
        for path in sorted((site / "papers").glob("*.html")):
            head = BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser").head
            assert [m for m in head.find_all("meta") if m.has_attr("content") and not m["content"].strip()] == []
            descriptions.append(_one(head, "description"))
        # Paper One and Paper Three share their abstract word for word (the fixture's), and so their description:
        # every other page's is its own.
        assert len(descriptions) == 9 and len(set(descriptions)) == 8


def test_descriptions_differ_across_the_bundled_sites_paper_pages(bundled_site):
    site, _, _ = bundled_site
    site_description = "An annotated, searchable archive of research papers."
    descriptions = {}
    for path in sorted((site / "papers").glob("*.html")):
        html = path.read_text(encoding="utf-8")
        head = BeautifulSoup(html[:html.index("</head>")], "html.parser").head  # the head alone: 207 pages
        descriptions[path.name] = _one(head, "description")
        assert 0 < len(descriptions[path.name]) <= DESCRIPTION_LENGTH
    assert len(descriptions) == 207 and site_description not in descriptions.values()
    assert len(set(descriptions.values())) == len(descriptions)


# ---------------------------------------------------------------------------------------------------------
# Hostile text


def test_a_hostile_title_stays_inert_in_every_tag(sites):
    site = sites["url"]
    slug = _slug(site, "script-script-alert-1-script")
    html = (site / "papers" / f"{slug}.html").read_text(encoding="utf-8")
    head_html = html[:html.index("</head>")]
    assert "<script>alert(1)" not in html and "alert(1)</script>" not in head_html
    head = _head(site, slug)
    for key in ("citation_title", "og:title"):
        assert _one(head, key) == HOSTILE
    assert _meta(head, "citation_author") == [HOSTILE]
    data = _json_ld(head)
    assert data["name"] == HOSTILE and data["author"] == [{"@type": "Person", "name": HOSTILE}]
    script = head.find("script", type="application/ld+json").string
    assert not re.search(r"[<>&]", script)
    # Only the theme's own scripts, and the one JSON-LD block: none came from the title.
    sources = [s.get("src") or (s.get("type"), s.string[:12]) for s in head.find_all("script")]
    assert [s for s in sources if "alert" in str(s)] == []
    assert len(head.find_all("script", type="application/ld+json")) == 1


# ---------------------------------------------------------------------------------------------------------
# Zotero


def _zotero_embedded_metadata(head: BeautifulSoup) -> dict:
    """What Zotero's "Embedded Metadata" translator saves from these tags, as its source reads them.

    A restatement of zotero/translators `Embedded Metadata.js` at commit dcd14d6f47d3f3db90943d79abdfde17240cc38c
    (lastUpdated 2024-06-13) and of `RDF.js` (commit 02e1a97f577e6794c8414df7344b379d888e1046), which it loads for
    namespaced tags, for the fields a preprint needs. The translator is not on npm in a form that installs here
    (its one package needs a git dependency), so its reading is written out, not run:
    - init(): each <meta> with name (else property) and content; a name split at [.:_] whose first part is a
      known prefix (dc, og, …) becomes an RDF statement; `citation_title` only guesses "journalArticle".
    - the item type: no Highwire tag that fixes one (citation_journal_title …), so RDF.detectType decides:
      og:type website/book/video/music fix one first, then dc:type when it is a Zotero item type; og:type
      article is only a guess, below the Highwire guess.
    - addHighwireMetadata(): title, date (citation_publication_date, citation_cover_date, citation_date: the
      last present wins), DOI, abstract (citation_abstract, over RDF's og:description); creators from every
      `citation_author` (several tags: each split at ";" only); the PDF from `citation_pdf_url`; the URL from
      og:url (RDF), else `citation_abstract_html_url`.
    """
    statements: dict[str, str] = {}
    highwire: dict[str, list[str]] = {}
    for meta in head.find_all("meta"):
        key, value = meta.get("name") or meta.get("property"), meta.get("content")
        if not key or not value:
            continue
        prefix = re.split(r"[.:_]", key)[0].lower()
        if prefix in ("dc", "og"):
            statements.setdefault(prefix + ":" + key[len(prefix) + 1:], value)
        elif key.endswith(tuple(f"citation_{k}" for k in (
                "title", "author", "publication_date", "cover_date", "date", "doi", "abstract", "pdf_url",
                "abstract_html_url", "journal_title", "conference_title", "book_title", "technical_report_institution",
                "dissertation_institution"))):
            highwire.setdefault(key[key.rindex("citation_"):], []).append(value)
    fixed = {"citation_journal_title": "journalArticle", "citation_conference_title": "conferencePaper",
             "citation_book_title": "bookSection", "citation_technical_report_institution": "report",
             "citation_dissertation_institution": "thesis"}
    hw_type = next((t for k, t in fixed.items() if k in highwire), None)
    og_type = {"website": "webpage", "book": "book"}.get(statements.get("og:type", ""))
    dc_type = statements.get("dc:type") if statements.get("dc:type") in ("preprint", "journalArticle", "report") \
        else None
    guess = "journalArticle" if "citation_title" in highwire else None
    creators = [name.strip() for value in highwire.get("citation_author", []) for name in value.split(";")]
    dates = [highwire[k][0] for k in ("citation_publication_date", "citation_cover_date", "citation_date")
             if k in highwire]
    return {
        "itemType": hw_type or og_type or dc_type or guess or "webpage",
        "title": (highwire.get("citation_title") or [statements.get("og:title")])[0],
        "creators": [c for c in creators if re.search(r"[^\s,\-.;]", c)],
        "date": dates[-1] if dates else None,
        "DOI": (highwire.get("citation_doi") or [None])[0],
        "abstractNote": (highwire.get("citation_abstract") or [statements.get("og:description")])[0],
        "url": statements.get("og:url") or (highwire.get("citation_abstract_html_url") or [None])[0],
        "attachments": [{"title": "Full Text PDF", "url": highwire["citation_pdf_url"][0],
                         "mimeType": "application/pdf"}] if "citation_pdf_url" in highwire else [],
    }


def test_zoteros_embedded_metadata_saves_a_preprint_with_authors_date_arxiv_id_and_pdf(sites):
    item = _zotero_embedded_metadata(_head(sites["url"], RICH))
    assert item == {
        "itemType": "preprint",
        "title": "LLM-Pruner: On the Structural Pruning of Large Language Models",
        "creators": AUTHORS,
        "date": "2023/05/19",
        "DOI": "10.48550/arXiv.2305.11627",  # arXiv's DOI: the arXiv id, in the field Zotero keeps
        "abstractNote": RICH_ABSTRACT,
        "url": f"{SITE_URL}papers/{RICH}.html",
        "attachments": [{"title": "Full Text PDF", "url": "https://arxiv.org/pdf/2305.11627",
                         "mimeType": "application/pdf"}],
    }
    # Without site_url the item's URL is the arXiv page; a pasted paper is saved with no author rather than a wrong one.
    assert _zotero_embedded_metadata(_head(sites["plain"], RICH))["url"] == "https://arxiv.org/abs/2305.11627"
    pasted = _zotero_embedded_metadata(_head(sites["url"], "paper-one"))
    assert (pasted["itemType"], pasted["creators"], pasted["date"]) == ("journalArticle", [], "2023/05/19")
