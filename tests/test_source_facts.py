"""What the saved API answers add beyond a paper's title and abstract, from the readers to the paper page.

Hugging Face: fields at the row's level, comments, thumbnail, withdrawal, the Hub repositories that cite a paper
(metadata/hf-repos/). arXiv: the version's date, affiliations, a withdrawal notice. links.json: a repository's
licence, language, fork and last push; Web Archive copies; links not checked.
"""

from __future__ import annotations

import datetime
import json
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from conftest import FIXTURES, ROOT, make_archive

from sitegen.annotate.stage import annotate_one
from sitegen.archive import Archive
from sitegen.archive.taxonomy import Taxonomy
from sitegen.errors import ListingError, Report
from sitegen.ingest.arxiv import read_arxiv
from sitegen.ingest.hf import read_hf_listing, read_hf_records
from sitegen.ingest.hub_repos import read_hub_repos
from sitegen.model import (
    HUB_REPOS_KEPT,
    Annotated,
    Check,
    Facts,
    HubRepos,
    LinkStatus,
    Paper,
    PartialDate,
    SourceKind,
    Withdrawal,
)
from sitegen.pipeline import BuildOptions, build, read_inputs
from sitegen.render import stats
from sitegen.render.paper import paper_page

API = FIXTURES / "api"
ABSTRACT = ("We study things in depth. Our results show that things are better than before, and that this holds "
            "across many settings, tasks and model sizes, which we discuss at length.")


def _daily(name: str):
    path = API / name
    return read_hf_listing(path, path.read_bytes(), None, Report()).entries


def _arxiv(name: str):
    path = API / name
    return read_arxiv(path, path.read_bytes(), Report())


def _row(pid: str, title: str, paper: dict | None = None, **row) -> dict:
    return {"paper": {"id": pid, "title": title, "summary": ABSTRACT, **(paper or {})}, "title": title, **row}


# ---------------------------------------------------------------------------------------------------------
# Readers


def test_fields_the_row_states_are_read_when_the_paper_object_lacks_them():
    on_row, paper_wins = _daily("daily_fields_on_row.json")
    facts = on_row.facts
    assert (facts.repository, facts.repository_stars, facts.project_page) == (
        "https://github.com/row/repo", 17, "https://row.example.org/")
    assert (facts.ai_summary, facts.ai_keywords, facts.organization) == (
        "A summary stated on the row.", ("row keyword",), "row-lab")
    assert facts.comments == 4
    assert facts.thumbnail == "https://cdn-thumbnails.huggingface.co/social-thumbnails/papers/2601.00001.png"
    assert on_row.published == PartialDate(2025, 12, 30)  # the paper's date, never the row's listing day
    facts = paper_wins.facts
    assert (facts.repository, facts.organization, facts.comments) == ("https://github.com/paper/repo", "Paper Lab", 1)
    assert facts.thumbnail is None  # javascript:, not a clean https URL


def test_withdrawn_at_on_the_paper_or_the_row_dates_the_withdrawal():
    on_paper, on_row, not_a_date = _daily("daily_withdrawn.json")
    assert on_paper.facts.withdrawn == Withdrawal(SourceKind.HF, PartialDate(2025, 12, 3))
    assert on_row.facts.withdrawn == Withdrawal(SourceKind.HF, PartialDate(2025, 11, 20))
    assert not_a_date.facts.withdrawn is None


def test_arxiv_states_the_versions_date_and_the_affiliations_once_each_in_the_authors_order():
    (entry,) = _arxiv("arxiv_updated_affiliations.xml")
    assert (entry.facts.version, entry.facts.updated, entry.published) == (
        "v2", PartialDate(2024, 6, 1), PartialDate(2023, 5, 19))
    assert entry.facts.affiliations == ("University of Somewhere", "Lab & Co", "Institute, Elsewhere")
    assert entry.facts.withdrawn is None


def test_arxivs_withdrawal_notice_is_found_in_the_comment_or_the_abstract_and_nowhere_else():
    comment, abstract, neither = _arxiv("arxiv_withdrawn.xml")
    assert comment.facts.withdrawn == abstract.facts.withdrawn == Withdrawal(SourceKind.ARXIV, None)
    assert neither.facts.withdrawn is None  # "withdrawal", "withdrew" are other words


def test_affiliations_are_bounded_in_length_and_number():
    authors = "".join(f"<author><name>A{i}</name><arxiv:affiliation>Place {i} {'x' * 2000}</arxiv:affiliation>"
                      "</author>" for i in range(300))
    feed = (f'<feed xmlns="http://www.w3.org/2005/Atom" xmlns:arxiv="http://arxiv.org/schemas/atom"><entry>'
            f"<id>http://arxiv.org/abs/2601.00011v1</id><title>Many</title>{authors}</entry></feed>").encode()
    (entry,) = read_arxiv(Path("many.xml"), feed, Report())
    assert len(entry.facts.affiliations) == 200 and {len(a) for a in entry.facts.affiliations} == {1000}
    assert entry.facts.affiliations[0].startswith("Place 0 x")


def test_the_hubs_repository_lists_keep_full_counts_and_the_first_well_formed_ids():
    (entry,) = read_hub_repos(Path("hep-th_9901001.json"), (API / "hf_repos.json").read_bytes(), Report())
    assert (entry.title, entry.facts.arxiv_id) == ("", "hep-th/9901001")
    repos = entry.facts.hub_repos
    assert (repos.model_count, repos.dataset_count, repos.space_count) == (25, 11, 1)
    assert repos.models == tuple(f"org/model-{i}" for i in range(HUB_REPOS_KEPT))
    # id, else name, else modelId; javascript:, quotes, markup, `..`, a newline, a number and a bare string: left out
    assert repos.datasets == ("data/one", "data/by-name", "data/by-model-id", "data/null-id")
    assert repos.spaces == ("gradio/demo",)


def test_a_paper_answer_with_repository_lists_states_them_too():
    path = API / "paper_flat_with_repos.json"
    (entry,) = read_hf_records(path, path.read_bytes(), Report())
    assert entry.facts.hub_repos == HubRepos(models=("org/flat-model",), spaces=("org/flat-space", "org/two"),
                                             model_count=1, space_count=2)
    assert _daily("daily_fields_on_row.json")[0].facts.hub_repos is None  # no lists: nothing stated


@pytest.mark.parametrize("name, data, message", [
    ("not-an-id.json", b'{"models": []}', "is not named for an arXiv id"),
    ("2601.00001.json", b'{"models": [', "is not JSON: Expecting value"),
    ("2601.00001.json", b'{"error": "Not Found"}', "is an error from the API: 'Not Found'"),
    ("2601.00001.json", b'[{"id": "a/b"}]', "holds no list of models, datasets or spaces"),
    ("2601.00001.json", b'\xff\xfe', "is not UTF-8 text"),
])
def test_a_broken_repository_answer_is_refused_by_name(name, data, message):
    with pytest.raises(ListingError, match=message) as caught:
        read_hub_repos(Path(name), data, Report())
    assert name in str(caught.value)


# ---------------------------------------------------------------------------------------------------------
# Merging


def test_hub_repository_answers_join_their_papers_and_the_others_add_nothing(tmp_path):
    rows = [_row("2601.00012", "First Paper"), _row("2601.00013", "Second Paper")]
    repos = (API / "hf_repos.json").read_text()
    archive = make_archive(tmp_path / "archive", [("2026-01-05-hf.json", json.dumps(rows).encode())], **{
        "metadata__hf-repos__2601.00012.json": repos,
        "metadata__hf-repos__2601.00013.json": '{"models": [{"id": "solo/model"}]}',
        "metadata__hf-repos__2699.99999.json": repos,  # a paper the archive does not hold: nothing, silently
        "metadata__hf-repos__broken.json": repos,
        "metadata__hf-repos__2601.00014.json": "{not json"})
    report = Report()
    papers = {p.facts.arxiv_id: p for p in read_inputs(Archive(archive), report).papers}
    assert sorted(papers) == ["2601.00012", "2601.00013"]
    assert papers["2601.00012"].facts.hub_repos.model_count == 25
    assert papers["2601.00013"].facts.hub_repos == HubRepos(models=("solo/model",), model_count=1)
    assert papers["2601.00013"].title == "Second Paper" and papers["2601.00013"].slug == "second-paper"
    assert sorted(Path(p).name for p in report.skipped) == ["2601.00014.json", "broken.json"]
    # Nothing else is reported: two title-less answers are no title two ids share.
    assert sorted(line.split("hf-repos/")[1] for line in report.warnings) == [
        "2601.00014.json:1: is not JSON: Expecting property name enclosed in double quotes (it should be the Hub's "
        "answer on the repositories that cite a paper (/api/arxiv/{id}/repos)) -- skipped",
        "broken.json: is not named for an arXiv id (name it <arXiv id>.json, / as _ (hep-th_9901001.json), as "
        "sitegen fetch does) -- skipped"]


def test_each_new_field_comes_from_the_source_the_table_names(tmp_path):
    withdrawn_arxiv = (API / "arxiv_withdrawn.xml").read_text()
    rows = [_row("2601.00007", "Withdrawn in the Comment", numComments=3),
            _row("2601.00008", "Withdrawn in the Abstract", {"withdrawnAt": "2025-12-03T00:00:00Z"})]
    newer = [_row("2601.00007", "Withdrawn in the Comment", numComments=5, thumbnail="https://img.example.org/a.png")]
    archive = make_archive(tmp_path / "archive", [("2026-01-05-hf.json", json.dumps(rows).encode()),
                                                  ("2026-01-06-hf.json", json.dumps(newer).encode())], **{
        "metadata__arxiv__x.xml": withdrawn_arxiv,
        "metadata__arxiv__y.xml": (API / "arxiv_updated_affiliations.xml").read_text().replace("2601.00006",
                                                                                                "2601.00008"),
        "metadata__hf__2601.00007.json": json.dumps({"id": "2601.00007", "title": "Withdrawn in the Comment",
                                                     "models": [{"id": "a/b"}]})})
    papers = {p.facts.arxiv_id: p for p in read_inputs(Archive(archive), Report()).papers}
    comment, abstract = papers["2601.00007"].facts, papers["2601.00008"].facts
    assert comment.withdrawn == Withdrawal(SourceKind.ARXIV)  # Hugging Face does not say: arXiv's notice
    assert abstract.withdrawn == Withdrawal(SourceKind.HF, PartialDate(2025, 12, 3))  # Hugging Face's, dated
    assert (comment.comments, comment.thumbnail) == (5, "https://img.example.org/a.png")  # the newest capture's
    assert comment.updated == PartialDate(2024, 2, 2) and comment.hub_repos == HubRepos(models=("a/b",), model_count=1)
    # One arXiv file states 2601.00008's withdrawal, another its version's date and affiliations: both are taken.
    assert abstract.updated == PartialDate(2024, 6, 1)
    assert abstract.affiliations == ("University of Somewhere", "Lab & Co", "Institute, Elsewhere")


# ---------------------------------------------------------------------------------------------------------
# The paper page, built


CHECKED = "2025-12-20"
LINKS = {
    "https://github.com/new/repo": [{"date": CHECKED, "status": "live", "http": 200, "stars": 5, "archived": True,
                                     "fork": True, "license": "MIT", "language": "Python", "pushed": "2025-06-01"}],
    "https://github.com/hostile/repo": [{"date": CHECKED, "status": "moved", "http": 200,
                                         "location": "javascript:alert(1)", "license": "<script>alert(1)</script>",
                                         "language": "<img src=x onerror=alert(2)>"}],
    "https://github.com/unknown/licence": [{"date": CHECKED, "status": "live", "license": "NOASSERTION"}],
    "https://github.com/private/resolves": [{"date": "2025-12-01", "status": "live"},
                                            {"date": CHECKED, "status": "not-checked", "reason": "private address"}],
    "https://moved.example.org/page": [{"date": CHECKED, "status": "moved", "location": "https://new.example.org/p"}],
    "https://inside.example.org/page": [{"date": CHECKED, "status": "moved", "location": "http://192.168.1.1/admin"}],
    "https://dead.example.org/copy": [{"date": CHECKED, "status": "dead", "http": 404,
                                       "snapshot": "https://web.archive.org/web/2025/https://dead.example.org/copy"}],
    "https://dead.example.org/none": [{"date": CHECKED, "status": "dead", "http": 410, "no_snapshot": True}],
    "https://dead.example.org/evil": [{"date": CHECKED, "status": "unreachable", "reason": "<b>timed out</b>",
                                       "snapshot": "https://evil.example.org/web/2025/x"}],
    "https://github.com/only/private": [{"date": CHECKED, "status": "not-checked", "reason": "private address"}],
    "http://10.0.0.1/admin": [{"date": CHECKED, "status": "not-checked", "reason": "private <address>",
                               "location": "https://should-not.example.org/", "snapshot":
                               "https://web.archive.org/web/2025/http://10.0.0.1/admin"}],
}
HOSTILE_ARXIV = """<?xml version="1.0" encoding="UTF-8"?>
<feed xmlns="http://www.w3.org/2005/Atom" xmlns:arxiv="http://arxiv.org/schemas/atom"><entry>
  <id>http://arxiv.org/abs/2601.00021v2</id><updated>2025-01-02T00:00:00Z</updated>
  <published>2024-01-01T00:00:00Z</published><title>Hostile Facts</title><summary>Hostile.</summary>
  <author><name>Mallory</name><arxiv:affiliation>&lt;script&gt;alert(1)&lt;/script&gt; [x](javascript:alert(1))
  </arxiv:affiliation></author>
</entry></feed>
"""


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Path:
    """A day of daily papers with every new fact, arXiv and Hub answers, and links.json."""
    tmp = tmp_path_factory.mktemp("source-facts")
    links = ("Code: https://github.com/private/resolves and https://github.com/unknown/licence. Pages: "
             "https://moved.example.org/page https://inside.example.org/page https://dead.example.org/copy "
             "https://dead.example.org/none https://dead.example.org/evil http://10.0.0.1/admin")
    rows = [
        _row("2601.00020", "Everything New", {"githubRepo": "https://github.com/new/repo",
                                              "withdrawnAt": "2025-12-03T08:00:00.000Z"}, numComments=4,
             thumbnail="https://cdn-thumbnails.huggingface.co/social-thumbnails/papers/2601.00020.png"),
        _row("2601.00021", "Hostile Facts", {"githubRepo": "https://github.com/hostile/repo"}, numComments=1),
        _row("2601.00022", "Withdrawn on arXiv"),
        _row("2601.00023", "Link States", {"summary": f"{ABSTRACT} {links}"}),
        _row("2601.00024", "Plain Paper"),
        _row("2601.00025", "Private Code", {"githubRepo": "https://github.com/only/private"}),
    ]
    hostile_repos = {"models": [{"id": 'a"b/c'}, {"id": "javascript:alert(1)"}, {"id": "<script>/x"},
                                {"id": "fine_a/mo_del_x"}], "spaces": [{"id": "x/y\" onmouseover=\"alert(1)"}]}
    archive = make_archive(tmp / "archive", [("2026-01-05-hf.json", json.dumps(rows).encode())], **{
        "metadata__arxiv__2601.00020.xml": (API / "arxiv_updated_affiliations.xml").read_text().replace(
            "2601.00006v2", "2601.00020v3").replace("Updated, With Affiliations", "Everything New"),
        "metadata__arxiv__2601.00021.xml": HOSTILE_ARXIV,
        "metadata__arxiv__2601.00022.xml": (API / "arxiv_withdrawn.xml").read_text().replace(
            "2601.00007", "2601.00022").replace("Withdrawn in the Comment", "Withdrawn on arXiv"),
        "metadata__hf-repos__2601.00020.json": (API / "hf_repos.json").read_text(),
        "metadata__hf-repos__2601.00021.json": json.dumps(hostile_repos),
        "metadata__hf-repos__2699.99999.json": (API / "hf_repos.json").read_text(),
        "links.json": json.dumps({"format": 1, "links": LINKS})})
    build(BuildOptions(archive=archive, site_dir=tmp / "site", config_file=ROOT / "mkdocs.yml", strict=True))
    return tmp / "site"


def _page(site: Path, slug: str) -> BeautifulSoup:
    return BeautifulSoup((site / "papers" / f"{slug}.html").read_text(), "html.parser")


def _state(page: BeautifulSoup, url: str) -> tuple[str, list[str]]:
    small = page.find("a", href=url).find_next("small", class_=lambda c: c and c.startswith("sg-link-"))
    return small.get_text(" ", strip=True), [a["href"] for a in small.find_all("a")]


def test_the_page_shows_the_withdrawal_comments_version_date_and_affiliations(site):
    page = _page(site, "everything-new")
    notice = page.find(class_="sg-withdrawn")
    assert notice.get_text(" ", strip=True) == "Withdrawn on Dec 3, 2025 (Hugging Face)"
    assert notice.find_previous("h1") is not None and notice.find_next(class_="sg-authors") is not None
    facts = page.find(class_="sg-facts").get_text()
    assert "4 comments on Hugging Face" in facts and "arXiv 2601.00020v3, updated Jun 1, 2024" in facts
    assert page.find(class_="sg-affiliations").get_text() == "University of Somewhere; Lab & Co; Institute, Elsewhere"
    assert page.find(class_="sg-authors").get_text() == "First Author, Second Author, Third Author"
    # The thumbnail is named for link previews (og:image, JSON-LD), never shown or fetched by the page.
    html = (site / "papers" / "everything-new.html").read_text()
    thumbnail = "https://cdn-thumbnails.huggingface.co/social-thumbnails/papers/2601.00020.png"
    assert page.find("meta", property="og:image")["content"] == thumbnail
    assert html.count("cdn-thumbnails") == 2
    assert not page.find(attrs={"src": thumbnail}) and not page.find(attrs={"href": thumbnail})
    arxiv = _page(site, "withdrawn-on-arxiv").find(class_="sg-withdrawn").get_text(" ", strip=True)
    assert arxiv == "Withdrawn (arXiv: its newest version carries a withdrawal notice)"


def test_the_links_name_the_hub_repositories_that_cite_the_paper(site):
    page = _page(site, "everything-new")
    heading = page.find("strong", string=lambda s: s and s.startswith("Hugging Face:"))
    assert heading.get_text() == "Hugging Face: 25 models, 11 datasets, 1 space cite this paper"
    items = heading.find_next("ul").find_all("li")
    assert [li.get_text() for li in items] == [
        "Models: org/model-0, org/model-1, org/model-2, org/model-3, org/model-4 and 20 more",
        "Datasets: data/one, data/by-name, data/by-model-id, data/null-id and 7 more", "Spaces: gradio/demo"]
    hrefs = [a["href"] for li in items for a in li.find_all("a")]
    assert hrefs[0] == "https://huggingface.co/org/model-0"
    assert "https://huggingface.co/datasets/data/one" in hrefs and "https://huggingface.co/spaces/gradio/demo" in hrefs


def test_a_repositorys_licence_language_fork_archive_and_last_push_are_shown(site):
    page = _page(site, "everything-new")
    assert _state(page, "https://github.com/new/repo") == (
        "live · archived · fork · MIT licence · Python · last push Jun 1, 2025 (checked Dec 20, 2025)", [])
    links = _page(site, "link-states")
    assert _state(links, "https://github.com/unknown/licence")[0] == "live (checked Dec 20, 2025)"  # NOASSERTION


def test_moves_archive_copies_and_unchecked_links_read_as_they_should(site):
    page = _page(site, "link-states")
    assert _state(page, "https://moved.example.org/page") == (
        "moved to https://new.example.org/p (checked Dec 20, 2025)", ["https://new.example.org/p"])
    assert _state(page, "https://inside.example.org/page") == ("moved (checked Dec 20, 2025)", [])
    assert _state(page, "https://dead.example.org/copy") == (
        "dead (HTTP 404, since Dec 20, 2025) · Web Archive copy (checked Dec 20, 2025)",
        ["https://web.archive.org/web/2025/https://dead.example.org/copy"])
    assert _state(page, "https://dead.example.org/none") == (
        "dead (HTTP 410, since Dec 20, 2025) · no archived copy (checked Dec 20, 2025)", [])
    text, links = _state(page, "https://dead.example.org/evil")  # a snapshot not on web.archive.org: the list
    assert text.startswith("unreachable (<b>timed out</b>, since") and links == [
        "https://web.archive.org/web/*/https://dead.example.org/evil"]
    assert _state(page, "http://10.0.0.1/admin") == ("not checked: private <address> (Dec 20, 2025)", [])
    assert _state(page, "https://github.com/private/resolves") == ("not checked: private address (Dec 20, 2025)", [])


def test_hostile_values_stay_text(site):
    page = _page(site, "hostile-facts")
    article = page.find("article")
    assert article.find_all(["script", "img", "b"]) == []
    hrefs = [a["href"] for a in article.find_all("a", href=True)]
    assert not [h for h in hrefs if h.lower().startswith("javascript") or '"' in h or "<" in h]
    assert page.find(class_="sg-affiliations").get_text() == "<script>alert(1)</script> [x](javascript:alert(1))"
    assert _state(page, "https://github.com/hostile/repo")[0] == (
        "moved · <script>alert(1)</script> licence · <img src=x onerror=alert(2)> (checked Dec 20, 2025)")
    hub = article.find("strong", string=lambda s: s and s.startswith("Hugging Face:"))
    assert hub.get_text() == "Hugging Face: 4 models, 1 space cite this paper"
    models = hub.find_next("ul").find_all("a")  # underscores stay themselves, never emphasis
    assert [(a["href"], a.get_text()) for a in models] == [("https://huggingface.co/fine_a/mo_del_x", "fine_a/mo_del_x")]


def test_a_paper_without_the_new_facts_shows_none_of_them(site):
    page = _page(site, "plain-paper").find("article")
    assert page.find(class_=["sg-withdrawn", "sg-affiliations"]) is None
    assert page.find(string=lambda s: s and ("cite this paper" in s or "comment" in s)) is None
    assert page.find(class_="sg-facts").get_text() == "Publication date not stated · arXiv 2601.00024"


def test_the_stats_page_counts_a_link_not_checked_as_never_checked(site):
    page = BeautifulSoup((site / "stats.html").read_text(), "html.parser")
    caption = page.find("figure", id="chart-working").find("figcaption").get_text(" ", strip=True)
    # Working: new/repo (live), hostile/repo (moved), Link States' unknown/licence (live; its other code link's
    # newest check did not request it). Private Code's only code link was not checked.
    assert "3 of 3 checked papers with code links (100%)" in caption
    assert "1 with code links have not been checked" in caption


def test_not_checked_code_counts_as_unchecked_in_the_working_code_chart():
    def paper(slug: str, statuses: list[tuple[str, LinkStatus]]) -> Annotated:
        url = f"https://github.com/{slug}/repo"
        checks = tuple(Check(datetime.date.fromisoformat(day), status) for day, status in statuses)
        p = Paper(slug, slug, f"Code: {url}", None, None, None, (), Facts())
        return annotate_one(p, Taxonomy([]), checks={url: checks})

    papers = [paper("a", [("2025-12-01", LinkStatus.LIVE)]), paper("b", [("2025-12-02", LinkStatus.NOT_CHECKED)])]
    assert stats.working_code(papers).caption.startswith(
        "As of the newest check (2025-12-02), 1 of 1 checked papers with code links (100%) have working code")
    assert "1 with code links have not been checked" in stats.working_code(papers).caption
    only = stats.working_code(papers[1:])
    assert only.caption == "No code link has been checked yet: run sitegen check-links."
    later = [paper("c", [("2025-12-01", LinkStatus.LIVE), ("2025-12-05", LinkStatus.NOT_CHECKED)]), papers[0]]
    assert "1 of 1 checked" in stats.working_code(later).caption  # c's newest check did not request it


def test_hub_ids_are_checked_again_before_they_become_links():
    repos = HubRepos(models=('a"b/c', "ok/model"), spaces=("<script>",), model_count=2, space_count=1)
    paper = Paper("p", "P", "", None, None, None, (), Facts(arxiv_id="2601.00099", hub_repos=repos))
    page = paper_page(annotate_one(paper, Taxonomy([])), {})
    assert 'href="https://huggingface.co/ok/model"' in page and "<script>" not in page
    assert not [quoted for quoted in ('a"b', "a&quot;b", "a&#34;b") if quoted in page]
    assert "**Hugging Face: 2 models, 1 space cite this paper**" in page
    assert "- Models: " in page and "Spaces:" not in page  # a kind with no well-formed id lists none


def test_a_papers_topics_are_listed_apart():
    from sitegen.model import Paper, Sighting, Tag

    taxonomy = Taxonomy([(Tag("pruning", "Pruning & sparsity"), ["prun*"]),
                         (Tag("llm-compression", "LLM compression"), ["compress*"])])
    paper = Paper(slug="p", title="Pruning to compress", abstract="We prune to compress models.", author_count=None,
                  published=None, upvote_count=None, seen_in=(Sighting("x.txt", None, None, 1),))
    page = paper_page(annotate_one(paper, taxonomy), {"x.txt": "listing-x"})
    (line,) = [line for line in page.splitlines() if line.startswith("Topics: ")]
    assert line == ('Topics: [Pruning &#38; sparsity](../topics/pruning.md "matched: prun&#42;"), '
                    '[LLM compression](../topics/llm-compression.md "matched: compress&#42;")')
