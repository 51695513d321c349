"""Curators' notes: read with file+line errors, shown on the paper's page, never modified by the tool."""

from __future__ import annotations

import hashlib
import io
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from conftest import BUNDLED, BUNDLED_AT_START, FIXTURES, LISTINGS, ROOT, make_archive

from sitegen.archive import Archive
from sitegen.archive.notes import load_notes, read_note
from sitegen.cli import main
from sitegen.commands import note as note_command
from sitegen.errors import ConfigError, Report, SitegenError
from sitegen.pipeline import BuildOptions, build, read_inputs
from sitegen.text.note_markup import embeddable

NOTES = FIXTURES / "notes"
TAXONOMY = """topics:
  pruning: {name: Pruning, match: [prun*, "redundant structure"]}
  quantization: {name: Quantization, match: [quantiz*]}
"""
MANIFEST = "listings:\n  metadata_with_dates_and_upvotes.txt: {captured: 2025-12-16}\n"


def _archive(root: Path, **notes: str) -> Path:
    """An archive of three papers (paper-one, paper-two, paper-three) with the given notes by slug."""
    files = {f"notes__{slug}.md": text for slug, text in notes.items()}
    return make_archive(root / "archive", [LISTINGS / "metadata_with_dates_and_upvotes.txt"],
                        **{"taxonomy.yml": TAXONOMY, "archive.yml": MANIFEST}, **files)


def _build(archive: Path, site: Path, strict: bool = False):
    return build(BuildOptions(archive=archive, site_dir=site, config_file=ROOT / "mkdocs.yml", strict=strict))


def _checksums(root: Path) -> dict[str, str]:
    return {p.relative_to(root).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(root.rglob("*")) if p.is_file()}


def _fixture(name: str) -> str:
    return (NOTES / name).read_text(encoding="utf-8")


# Reading notes ---------------------------------------------------------------------------------------------

def test_front_matter_gives_tags_rating_and_status():
    note = read_note(NOTES / "note_with_tags_rating_and_status.md", Report())
    assert [(t.slug, t.name) for t in note.tags] == [("key-idea", "Key idea"), ("pruning", "pruning")]
    assert note.removed == ("quantization",)
    assert (note.rating, note.status) == (4, "key-paper")
    assert note.body.startswith("# Why it matters\n")


def test_a_note_without_front_matter_is_all_body():
    note = read_note(NOTES / "note_without_front_matter.md", Report())
    assert note.body == "Just a body, no front matter.\n" and note.rating is None and not note.tags


def test_crlf_line_endings_and_a_bom_are_read():
    note = read_note(NOTES / "crlf_line_endings_and_bom.md", Report())
    assert (note.rating, note.status, note.body) == (5, "read", "Windows line endings and a BOM.\n")


@pytest.mark.parametrize("name, message", [
    ("front_matter_with_yaml_syntax_error.md", ":3: YAML syntax error: expected ',' or ']', but got ':'"),
    ("front_matter_never_closed.md", ":1: the front matter opened on line 1 is never closed "
                                     "(end it with a line of three dashes: ---)"),
    ("front_matter_not_a_mapping.md", ":2: the front matter must be a mapping like 'rating: 4'"),
    ("rating_out_of_range.md", ":3: 'rating' must be a whole number from 1 to 5, not 7 (e.g. rating: 4)"),
    ("status_read_by_yaml_as_a_boolean.md", ":2: 'status' must be text like read, to-read or key-paper, not True"),
    ("tags_not_a_list.md", ":2: 'tags' must be a list of topic names"),
    ("not_utf8.md", ": is not UTF-8 text (re-save it as UTF-8)"),
])
def test_malformed_front_matter_names_the_file_and_line(name, message):
    with pytest.raises(ConfigError) as caught:
        read_note(NOTES / name, Report())
    assert str(caught.value).startswith(f"{NOTES / name}{message}")


def test_an_unknown_key_is_reported_and_the_note_kept():
    report = Report()
    note = read_note(NOTES / "front_matter_with_unknown_key.md", report)
    assert note.rating == 2
    assert report.warnings == [f"{NOTES / 'front_matter_with_unknown_key.md'}:3: front matter: unknown key "
                               "'colour' (a note knows tags, rating, status)"]


def test_an_html_tag_left_open_is_reported_and_its_text_left_out():
    report = Report()
    note = read_note(NOTES / "html_tag_left_open.md", report)
    assert note.body == "" and note.rating == 3
    assert "html_tag_left_open.md: the note leaves <div> open, which would swallow or break the rest of the page; " \
           "its text is left out (close every HTML tag the note opens)" in report.warnings[0]


def test_note_markdown_is_embedded_below_the_page_headings_and_cannot_leave_a_fence_open():
    body = embeddable(_fixture("headings_and_open_fence.md"))
    assert body.startswith("### Big heading\n")
    assert "#### Setext heading\n" in body and "--------------" not in body
    assert body.endswith('print("never closed")\n```')


def test_reserved_and_empty_tags_are_reported_and_ignored(tmp_path):
    path = tmp_path / "paper-one.md"
    path.write_text("---\ntags: [index, '!!!', ok]\n---\n", encoding="utf-8")
    report = Report()
    note = read_note(path, report)
    assert [t.slug for t in note.tags] == ["ok"]
    assert len(report.warnings) == 2 and all(f"{path}:2: tag " in w for w in report.warnings)


def test_load_notes_skips_malformed_ones_and_ignores_editor_files(tmp_path):
    notes = tmp_path / "notes"
    notes.mkdir()
    (notes / "paper-one.md").write_text(_fixture("rating_out_of_range.md"), encoding="utf-8")
    (notes / "paper-two.md").write_text("Fine.\n", encoding="utf-8")
    (notes / ".paper-two.md.swp").write_bytes(b"\x00")
    (notes / "readme.txt").write_text("x", encoding="utf-8")
    report = Report()
    loaded = load_notes(Archive(tmp_path), {"paper-one", "paper-two"}, report)
    assert list(loaded) == ["paper-two"]
    assert report.skipped == [str(notes / "paper-one.md")]
    assert any("readme.txt: not a note" in w for w in report.warnings)


# Notes on the site -----------------------------------------------------------------------------------------

def test_a_note_shows_on_its_paper_and_adds_its_tag(tmp_path):
    archive = _archive(tmp_path, **{"paper-two": _fixture("note_with_tags_rating_and_status.md")})
    result = _build(archive, tmp_path / "site", strict=True)
    assert not [w for w in result.report.warnings if w.startswith("MkDocs")]
    page = BeautifulSoup((tmp_path / "site" / "papers" / "paper-two.html").read_text(), "html.parser")
    article = page.find("article")
    assert article.find("h2", id="curators-note")
    assert article.find("h3", id="why-it-matters")  # the note's `#` moved under the page's headings
    assert "The curator's own words" in article.get_text()
    assert article.find("strong", string="own")
    badges = article.find("p", class_="sg-curation")
    assert badges.find(class_="sg-rating").get_text() == "★★★★☆"
    assert badges.find(class_="sg-status").get_text() == "key-paper"
    # The rating and status sit right under the title, before the facts and the abstract.
    assert badges.find_previous_sibling().name == "h1"
    # Its tags link to their topic pages: a new topic is created, a taxonomy one is reused.
    assert article.find("a", href="../topics/key-idea.html", string="Key idea")
    assert article.find("a", href="../topics/pruning.html", string="Pruning")
    # "-quantization" removed the automatic topic.
    assert not article.find("a", href="../topics/quantization.html")
    topic = (tmp_path / "site" / "topics" / "key-idea.html").read_text()
    assert "paper-two.html" in topic
    assert not (tmp_path / "site" / "topics" / "quantization.html").exists()  # its only paper lost the topic


def test_builds_leave_notes_and_the_archive_untouched(tmp_path):
    archive = _archive(tmp_path, **{
        "paper-one": _fixture("note_with_tags_rating_and_status.md"),
        "paper-two": _fixture("rating_out_of_range.md"),          # malformed: left out of the build
        "no-such-paper": "An orphan note.\n",                     # orphan: reported, kept
    })
    (archive / "notes" / ".paper-one.md.swp").write_bytes(b"editor state")
    before = _checksums(archive)
    _build(archive, tmp_path / "site")
    _build(archive, tmp_path / "site")
    assert _checksums(archive) == before


def test_building_the_bundled_archive_modifies_nothing_in_it(bundled_site):
    """The session's build of the bundled archive (and every other this process ran so far) left it as it was
    when the tests started."""
    before = BUNDLED_AT_START
    assert any(name.startswith("notes/") for name in before)
    site, result, _ = bundled_site
    assert result.paper_count == 207 and (site / "index.html").is_file()
    assert _checksums(BUNDLED) == before


def test_an_orphan_note_is_reported_by_name_on_every_build_and_kept(tmp_path):
    archive = _archive(tmp_path, **{"paper-fourr": "Notes on a paper the archive does not have.\n"})
    orphan = archive / "notes" / "paper-fourr.md"
    for _ in range(2):
        result = _build(archive, tmp_path / "site")
        [warning] = [w for w in result.report.warnings if "paper-fourr" in w]
        assert warning.startswith(f"{orphan}: no paper in the archive has the page name 'paper-fourr'")
        assert "kept" in warning and orphan.is_file()


def test_a_misspelt_note_name_gets_a_suggestion(tmp_path):
    archive = _archive(tmp_path, **{"paper-tree": "Typo.\n"})
    result = _build(archive, tmp_path / "site")
    assert any("did you mean paper-three.md?" in w for w in result.report.warnings)


def test_a_malformed_note_is_reported_and_the_build_goes_on(tmp_path, capsys):
    archive = _archive(tmp_path, **{"paper-one": _fixture("rating_out_of_range.md")})
    code = main(["build", "--archive", str(archive), "--site-dir", str(tmp_path / "site"),
                 "--config", str(ROOT / "mkdocs.yml")])
    err = capsys.readouterr().err
    assert code == 0
    assert f"{archive / 'notes' / 'paper-one.md'}:3: 'rating' must be a whole number from 1 to 5, not 7" in err
    assert "Traceback" not in err
    page = (tmp_path / "site" / "papers" / "paper-one.html").read_text()
    assert "curators-note" not in page and (tmp_path / "site" / "papers" / "paper-two.html").is_file()


@pytest.mark.parametrize("order, first", [("notes-first", "paper-one"), ("rating", "paper-one"),
                                          ("newest", "paper-three")])
def test_topic_pages_can_list_notes_first_or_by_rating(tmp_path, order, first):
    # Paper One (2023) and Paper Three (2024) are both about pruning; only Paper One has a note.
    archive = _archive(tmp_path, **{"paper-one": "---\nrating: 5\n---\nGood.\n"})
    config = tmp_path / "mkdocs.yml"
    config.write_text(f"site_name: T\nextra:\n  sitegen:\n    topic_order: {order}\n", encoding="utf-8")
    build(BuildOptions(archive=archive, site_dir=tmp_path / "site", config_file=config))
    topic = BeautifulSoup((tmp_path / "site" / "topics" / "pruning.html").read_text(), "html.parser")
    links = [a["href"] for a in topic.find("article").select("li a")]
    assert links[0] == f"../papers/{first}.html"


def test_a_bad_topic_order_is_reported_with_its_line(tmp_path):
    archive = _archive(tmp_path)
    config = tmp_path / "mkdocs.yml"
    config.write_text("site_name: T\nextra:\n  sitegen:\n    topic_order: random\n", encoding="utf-8")
    result = build(BuildOptions(archive=archive, site_dir=tmp_path / "site", config_file=config))
    assert f"{config}:4: extra.sitegen.topic_order is 'random'; using notes-first" in result.report.warnings[0]


# sitegen note ----------------------------------------------------------------------------------------------

def test_sitegen_note_creates_the_note_and_prints_its_path(tmp_path, capsys):
    archive = _archive(tmp_path)
    assert main(["note", "--archive", str(archive), "paper", "two"]) == 0
    path = archive / "notes" / "paper-two.md"
    assert capsys.readouterr().out.strip() == str(path)
    note = read_note(path, Report())
    assert note.status == "to-read" and note.rating is None and not note.tags
    text = path.read_text(encoding="utf-8")
    assert text.startswith("---\n# Paper Two\n# Write the note below the closing \"---\", in Markdown")
    assert "rating:          # 1 to 5 (left empty: no rating)\n" in text and "tags: []         # topics to add" in text


def test_sitegen_note_finds_a_paper_by_its_page_name(tmp_path, capsys):
    archive = _archive(tmp_path)
    assert main(["note", "--archive", str(archive), "paper-three"]) == 0
    assert (archive / "notes" / "paper-three.md").is_file()


def test_sitegen_note_refuses_to_overwrite(tmp_path, capsys):
    archive = _archive(tmp_path, **{"paper-one": "My precious note.\n"})
    before = _checksums(archive)
    assert main(["note", "--archive", str(archive), "Paper One"]) == 1
    err = capsys.readouterr().err
    assert f"error: {archive / 'notes' / 'paper-one.md'}: a note for this paper already exists" in err
    assert _checksums(archive) == before


def test_sitegen_note_lists_the_candidates_when_not_interactive(tmp_path, capsys):
    archive = _archive(tmp_path)
    code = main(["note", "--archive", str(archive), "paper"])
    err = capsys.readouterr().err
    assert code == 1
    assert "3 papers match 'paper':" in err and "[paper-one]" in err and "[paper-three]" in err
    assert "give more title words or the page name" in err
    assert not (archive / "notes").exists()


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_sitegen_note_asks_which_paper_when_ambiguous(tmp_path):
    archive = _archive(tmp_path)
    papers = read_inputs(Archive(archive), Report()).papers
    candidates = note_command.find(papers, "paper")
    prompt = io.StringIO()
    chosen = note_command.choose(candidates, "paper", _Terminal("2\n"), prompt)
    assert chosen.slug == "paper-three" and "Which one? (1-3" in prompt.getvalue()
    with pytest.raises(SitegenError, match="no paper chosen"):
        note_command.choose(candidates, "paper", _Terminal("\n"), io.StringIO())
    with pytest.raises(SitegenError, match="no paper chosen"):
        note_command.choose(candidates, "paper", _Terminal(""), io.StringIO())  # the input ends


def test_sitegen_note_asks_again_after_an_answer_out_of_range(tmp_path):
    archive = _archive(tmp_path)
    candidates = note_command.find(read_inputs(Archive(archive), Report()).papers, "paper")
    prompt = io.StringIO()
    chosen = note_command.choose(candidates, "paper", _Terminal("7\nthree\n1\n"), prompt)
    assert chosen.slug == "paper-one"
    assert prompt.getvalue().count("Which one? (1-3; Enter cancels)") == 3
    assert "'7' is not a number from 1 to 3." in prompt.getvalue()
    assert "'three' is not a number from 1 to 3." in prompt.getvalue()


def test_sitegen_note_says_when_nothing_matches(tmp_path, capsys):
    archive = _archive(tmp_path)
    assert main(["note", "--archive", str(archive), "zebra"]) == 1
    assert "no paper's page name or title matches 'zebra'" in capsys.readouterr().err


def test_prefix_words_match_when_no_title_has_them_whole(tmp_path):
    papers = read_inputs(Archive(BUNDLED), Report()).papers
    assert [p.slug for p in note_command.find(papers, "llm pruner")] == [
        "llm-pruner-on-the-structural-pruning-of-large-language-models"]
    assert len(note_command.find(papers, "prun")) > 1


def test_the_bundled_archive_has_example_notes(bundled_site):
    site, result, _ = bundled_site
    page = BeautifulSoup((site / "papers" / "llm-pruner-on-the-structural-pruning-of-large-language-models.html")
                         .read_text(), "html.parser")
    assert page.find("h2", id="curators-note")
    assert page.find(class_="sg-rating").get_text() == "★★★★★"
    assert page.find("a", href="../topics/llm-compression.html")
    assert not [w for w in result.report.warnings if "notes/" in w]


def test_notes_reach_the_search_index_as_plain_text(tmp_path):
    from sitegen.annotate.stage import annotate
    from sitegen.search.documents import documents

    archive = _archive(tmp_path, **{"paper-two": _fixture("note_with_tags_rating_and_status.md")})
    _build(archive, tmp_path / "site")
    contents = read_inputs(Archive(archive), Report())
    docs = documents(annotate(contents.papers, contents.taxonomy, contents.notes), contents.taxonomy.tags)
    assert {d.slug: d.notes for d in docs if d.notes} == {
        "paper-two": "Why it matters\nThe curator's own words, with a link."}
    terms = "".join(p.read_text() for p in (tmp_path / "site" / "assets" / "search" / "terms").glob("*.js"))
    assert '"curat' in terms  # the note's words are indexed (stemmed)
