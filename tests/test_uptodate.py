"""A build with nothing changed finds that out and writes nothing; any change to what a site is built from
means a real build (publish/uptodate.py)."""

from __future__ import annotations

import functools
import shutil

import pytest
from conftest import LISTINGS, ROOT, make_archive

from sitegen import memo
from sitegen.cli import main
from sitegen.fs import plain_tree
from sitegen.layout import Layout
from sitegen.pipeline import BuildOptions, build
from sitegen.publish import incremental


@pytest.fixture
def project(tmp_path):
    """A project with its own config, docs and archive (a bad listing among them), built once."""
    shutil.copy(ROOT / "mkdocs.yml", tmp_path / "mkdocs.yml")
    (tmp_path / "docs").mkdir()
    (tmp_path / "docs" / "about.md").write_text("# About\n\nA small archive.\n")
    make_archive(tmp_path / "archive", [LISTINGS / "metadata_with_dates_and_upvotes.txt",
                                        LISTINGS / "not_a_listing.txt"])
    assert run(tmp_path) == 0
    return tmp_path


def run(project, *extra: str) -> int:
    return main(["build", "--archive", str(project / "archive"), "--site-dir", str(project / "site"),
                 "--config", str(project / "mkdocs.yml"), *extra])


def options(project, **changes) -> BuildOptions:
    return BuildOptions(**{"archive": project / "archive", "site_dir": project / "site",
                           "config_file": project / "mkdocs.yml", "published": True, **changes})


def test_nothing_changed_writes_nothing_and_says_the_same(project, capsys):
    site = project / "site"
    layout = Layout.for_site(site)
    edit(project / "docs" / "about.md")
    capsys.readouterr()
    assert run(project) == 0  # a real build
    first = capsys.readouterr()
    assert first.out.startswith(f"Built {site}/: ")
    tree, record = plain_tree(site), incremental.read_record(layout.work, layout.site)
    assert run(project) == 0
    again = capsys.readouterr()
    assert plain_tree(site) == tree  # no file written, replaced or touched
    assert incremental.read_record(layout.work, layout.site) == record
    # The same warnings (the unreadable listing, the missing site_url) and the same counts, said to be unchanged.
    assert again.err == first.err and "not_a_listing.txt" in again.err and "no site_url" in again.err
    summary = first.out.strip().split(": ", 1)[1]
    assert again.out.strip() == f"{site}/ is up to date: nothing it is built from changed; {summary}"


def edit(path, text="\nChanged.\n"):
    with path.open("a", encoding="utf-8") as f:
        f.write(text)


CHANGES = {
    "a new listing": lambda p: shutil.copy(LISTINGS / "block_without_metadata.txt", p / "archive" / "listings"),
    "a note": lambda p: (p / "archive" / "notes").mkdir(exist_ok=True) or (
        p / "archive" / "notes" / "some-paper.md").write_text("---\nrating: 3\n---\nRead it.\n"),
    "a listing edited": lambda p: edit(p / "archive" / "listings" / "metadata_with_dates_and_upvotes.txt", "\n"),
    "the taxonomy": lambda p: (p / "archive" / "taxonomy.yml").write_text(
        "topics:\n  - name: Pruning\n    match: [pruning]\n"),
    "mkdocs.yml": lambda p: edit(p / "mkdocs.yml", "\n# a comment\n"),
    "a hand-written page": lambda p: edit(p / "docs" / "about.md"),
    "a new hand-written page": lambda p: (p / "docs" / "more.md").write_text("# More\n"),
}


def test_any_change_to_the_inputs_means_a_build(project):
    assert build(options(project)).unchanged  # the fixture's build, by the command, is what this one reads
    for change, make in CHANGES.items():  # one after another, on one project: each is a build of its own
        make(project)
        assert not build(options(project)).unchanged, change
        assert build(options(project)).unchanged, change


def test_other_options_and_a_stated_build_date_mean_a_build(project, monkeypatch):
    for changed in ({"site_url": "https://example.org/papers/"}, {"keep_docs": True}, {"published": False}):
        assert not build(options(project, **changed)).unchanged, changed
        assert build(options(project, **changed)).unchanged, changed
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    assert not build(options(project)).unchanged
    assert build(options(project)).unchanged


def test_a_changed_sitegen_means_a_build(project, tmp_path_factory, monkeypatch):
    """An upgrade of sitegen (here: a copy of its files with one template changed) rebuilds."""
    build(options(project))
    copy = tmp_path_factory.mktemp("sitegen") / "sitegen"
    shutil.copytree(memo.SITEGEN, copy, ignore=shutil.ignore_patterns("__pycache__"))
    monkeypatch.setattr(memo, "SITEGEN", copy)
    monkeypatch.setattr(memo, "code_digest", functools.cache(memo.code_digest.__wrapped__))  # of the copy
    assert build(options(project)).unchanged
    edit(copy / "theme" / "main.html", "\n")
    memo.code_digest.cache_clear()  # sitegen's files do not change under a running build; here they do
    assert not build(options(project)).unchanged


def test_a_site_changed_by_hand_is_built_again(project):
    site = project / "site"
    build(options(project))
    page = next((site / "papers").glob("*.html"))
    original = page.read_bytes()
    page.write_text("defaced")
    result = build(options(project))
    assert not result.unchanged and page.read_bytes() == original
    (site / "extra.html").write_text("mine")
    assert not build(options(project)).unchanged
    assert not (site / "extra.html").exists()
    assert build(options(project)).unchanged
