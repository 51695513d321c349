"""Parallel and sharded builds: `--jobs N`, `--shard K/N` and `sitegen merge` give the one-process site, byte for
byte; a failed or foreign part fails the merge and leaves the previous site."""

from __future__ import annotations

import contextlib
import hashlib
import io
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import BUNDLED, ROOT, make_archive

from sitegen.annotate.stage import annotate
from sitegen.archive import Archive
from sitegen.cli import main
from sitegen.errors import Report
from sitegen.layout import Layout
from sitegen.options import site_options
from sitegen.pipeline import BuildOptions, build, read_inputs, render_site
from sitegen.publish.mkdocs_site import load_project
from sitegen.publish.shares import PAGE_COST, SITE_WIDE_COST, Split, plan


def tree(root: Path) -> dict[str, str]:
    return {p.relative_to(root).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(root.rglob("*")) if p.is_file()}


def build_cli(archive: Path, site: Path, *args: str) -> int:
    return main(["build", "--archive", str(archive), "--site-dir", str(site), "--config", str(ROOT / "mkdocs.yml"),
                 *args])


PAGES = {f"papers/paper-{n}.md": "x" * (100 + 37 * n % 5000) for n in range(600)} | {
    "index.md": "y" * 20_000, "topics/big.md": "z" * 150_000, "search.md": "s", "feed.xml": "<feed/>"}


@pytest.mark.parametrize("shards, jobs", [(1, 1), (1, 2), (1, 3), (3, 1), (4, 2)])
def test_every_page_belongs_to_exactly_one_share_and_the_loads_are_even(shards, jobs):
    every = [s for shard in range(shards) for s in plan(PAGES, Split(shard, shards, jobs))]
    assert len(every) == shards * jobs and sum(s.first for s in every) == 1
    for name in [n for n in PAGES if n.endswith(".md")] + ["about.md"]:  # about.md: a hand-written page
        owners = [s for s in every if s.takes(name)]
        assert len(owners) == 1, name
        if name == "about.md":
            assert owners[0].first
    if len(every) > 1:
        loads = [sum(PAGE_COST + len(PAGES[n]) for n in PAGES if n.endswith(".md") and s.takes(n)) for s in every]
        assert max(loads) - min(loads) < 0.05 * sum(loads) / len(loads)


def test_a_rebuild_deals_its_jobs_only_the_pages_they_render():
    """A rebuild keeps most pages: the few it renders are what the jobs share evenly, not the whole site."""
    generated = sorted(n for n in PAGES if n.endswith(".md"))
    changed = set(generated[::37]) | {"index.md"}
    unchanged = frozenset(generated) - changed
    shares = plan(PAGES, Split(0, 1, 2), unchanged)
    assert not any(s.takes(n) for s in shares for n in unchanged)
    assert all(sum(s.takes(n) for s in shares) == 1 for n in changed)
    loads = [sum(PAGE_COST + len(PAGES[n]) for n in changed if s.takes(n)) for s in shares]
    assert loads[0] < loads[1]  # the first job also writes the site-wide files: the sitemap names every page
    loads[0] += SITE_WIDE_COST * len(generated)
    assert max(loads) - min(loads) < 0.25 * sum(loads) / len(loads)
    # Dealt over every page, as before, the same rebuild would be lopsided:
    whole = plan(PAGES, Split(0, 1, 2))
    lopsided = [sum(PAGE_COST + len(PAGES[n]) for n in changed if s.takes(n)) for s in whole]
    assert max(lopsided) - min(lopsided) > max(loads) - min(loads)


def test_a_shards_pages_do_not_depend_on_the_number_of_jobs():
    for shard in range(3):
        with_one = plan(PAGES, Split(shard, 3, 1))[0].pages
        with_four = set().union(*(s.pages or () for s in plan(PAGES, Split(shard, 3, 4))))
        assert with_one == with_four


@pytest.fixture(scope="module")
def two_jobs(tmp_path_factory):
    """The bundled archive built with two MkDocs processes, as `sitegen build --keep-docs --jobs 2 --strict`, once
    for the module: (the folder holding site/; what the build printed)."""
    project = tmp_path_factory.mktemp("two-jobs") / "project"
    printed = io.StringIO()
    with contextlib.redirect_stdout(printed):
        assert build_cli(BUNDLED, project / "site", "--keep-docs", "--jobs", "2", "--strict") == 0
    return project, printed.getvalue()


def test_jobs_give_the_one_process_site_byte_for_byte(bundled_site, two_jobs, tmp_path):
    site, result, _ = bundled_site  # built with one MkDocs process
    two, printed = two_jobs
    three = build(BuildOptions(archive=BUNDLED, site_dir=tmp_path / "three", config_file=ROOT / "mkdocs.yml",
                               strict=True, jobs=3))
    assert tree(two / "site") == tree(site) == tree(tmp_path / "three")
    assert printed.startswith(f"Built {two / 'site'}/: 207 papers")
    assert three.paper_count == result.paper_count == 207


def test_pages_from_memory_and_from_disk_give_the_same_site(bundled_site, two_jobs, tmp_path):
    """A build hands MkDocs the generated pages from memory; --keep-docs writes them out, and bare MkDocs
    then renders the same pages from the work folder."""
    site, _, work = bundled_site
    assert not list((work / "docs" / "papers").glob("*.md"))
    project, _ = two_jobs
    kept = Layout.for_site(project / "site", ROOT / "mkdocs.yml").work
    assert len(list((kept / "docs" / "papers").glob("*.md"))) == 207
    assert tree(project / "site") == tree(site)
    subprocess.run([sys.executable, "-m", "mkdocs", "build", "-q", "-f", str(kept / "mkdocs.yml"), "-d",
                    str(tmp_path / "bare")], check=True, capture_output=True)
    pages = {name: digest for name, digest in tree(site).items() if name.endswith(".html")}
    bare = tree(tmp_path / "bare")  # once: it was hashed again for every page
    assert pages and {name: bare[name] for name in pages} == pages


def test_the_stats_page_drawn_on_the_second_core_is_the_one_drawn_here(two_jobs):
    """A build draws the stats page's charts in a second process while the other pages are rendered: what it
    hands MkDocs is what the stats family makes in this process."""
    contents = read_inputs(Archive(BUNDLED), Report())
    project_file = load_project(ROOT / "mkdocs.yml")
    options = site_options(project_file.config, project_file.config_file, project_file.text, Report())
    here = render_site(annotate(contents.papers, contents.taxonomy, contents.notes, contents.link_checks),
                       contents.listings, contents.taxonomy, options, contents.duplicate_count).pages["stats.md"]
    project, _ = two_jobs
    kept = Layout.for_site(project / "site", ROOT / "mkdocs.yml").work / "docs" / "stats.md"
    assert "<svg" in here and kept.read_text(encoding="utf-8") == here


@pytest.fixture(scope="module")
def built_three_parts(tmp_path_factory):
    """A copy of the bundled archive and its three shards' parts (strict, with one or two jobs each), built once
    for this module's tests; and what the builds printed."""
    root = tmp_path_factory.mktemp("three-parts")
    shutil.copytree(BUNDLED, root / "archive")
    printed = io.StringIO()
    with contextlib.redirect_stdout(printed):
        for k, jobs in ((1, "2"), (2, "1"), (3, "2")):
            assert build_cli(root / "archive", root / f"part{k}", "--shard", f"{k}/3", "--jobs", jobs, "--strict") == 0
    return root, printed.getvalue()


def test_a_sharded_build_merges_into_the_one_machine_site(bundled_site, built_three_parts, tmp_path):
    site, _, _ = bundled_site
    built, printed = built_three_parts
    assert "(part 3 of 3)" in printed
    paper_counts = [len(list((built / f"part{k}" / "papers").glob("*.html"))) for k in (1, 2, 3)]
    assert sum(paper_counts) == 207 and min(paper_counts) > 10
    for name in ("sitemap.xml", "about.html", "feed.xml"):  # site-wide and hand-written: shard 1's
        assert [(built / f"part{k}" / name).exists() for k in (1, 2, 3)] == [True, False, False], name
    parts = [str(built / f"part{k}") for k in (3, 1, 2)]  # in any order
    assert main(["merge", *parts, "--site-dir", str(tmp_path / "merged")]) == 0
    assert tree(tmp_path / "merged") == tree(site)


@pytest.fixture
def three_parts(built_three_parts, tmp_path):
    """The archive and the three parts, copied into tmp_path (each test its own), merged into tmp_path/site."""
    shutil.copytree(built_three_parts[0], tmp_path, symlinks=True, dirs_exist_ok=True)
    archive = tmp_path / "archive"
    assert main(["merge", *(str(tmp_path / f"part{k}") for k in (1, 2, 3)), "--site-dir", str(tmp_path / "site")]) == 0
    return archive, tree(tmp_path / "site")


def merge(tmp_path: Path, *names: str) -> int:
    return main(["merge", *(str(tmp_path / n) for n in names), "--site-dir", str(tmp_path / "site")])


def test_a_missing_shard_fails_the_merge_and_keeps_the_site(three_parts, tmp_path, capsys):
    _, before = three_parts
    shutil.rmtree(tmp_path / "part2")  # its job failed: no part
    assert merge(tmp_path, "part1", "part3") == 1
    assert capsys.readouterr().err.strip().endswith(
        "error: shard 2 of 3 is missing (a shard that failed leaves no part) (build every shard, then merge them all)")
    (tmp_path / "part2").mkdir()
    assert merge(tmp_path, "part1", "part2", "part3") == 1
    assert "part2: is not a part of a sharded build (no .sitegen-part.json), or its shard failed" in \
        capsys.readouterr().err
    assert tree(tmp_path / "site") == before
    assert sorted(p.name for p in tmp_path.iterdir() if p.name in (".site.building", ".site.old")) == []


def test_parts_of_different_archives_fail_the_merge(three_parts, tmp_path, capsys):
    archive, before = three_parts
    listing = sorted((archive / "listings").glob("*.txt"))[0]
    listing.write_text(listing.read_text() + "\n\nA Late Paper\n\n" + "We study late things at length. " * 10 + "\n")
    assert build_cli(archive, tmp_path / "part2", "--shard", "2/3") == 0
    assert merge(tmp_path, "part1", "part2", "part3") == 1
    assert "error: the parts were built from different archives or configs:" in capsys.readouterr().err
    assert tree(tmp_path / "site") == before


def test_parts_of_a_different_shard_count_and_doubled_shards_fail(three_parts, tmp_path, capsys):
    archive, before = three_parts
    assert build_cli(archive, tmp_path / "other", "--shard", "1/2") == 0
    assert merge(tmp_path, "other", "part2", "part3") == 1
    assert "the parts come from builds of different numbers of shards" in capsys.readouterr().err
    assert merge(tmp_path, "part1", "part1", "part2") == 1
    assert "shard 3 of 3 is missing" in capsys.readouterr().err
    assert tree(tmp_path / "site") == before


@pytest.mark.parametrize("spec", ["0/3", "4/3", "a/b", "3"])
def test_a_bad_shard_is_one_clear_error(tmp_path, capsys, spec):
    with pytest.raises(SystemExit):
        build_cli(BUNDLED, tmp_path / "part", "--shard", spec)
    assert "is not a shard like 2/4 (part K of N, 1 <= K <= N)" in capsys.readouterr().err


def test_merge_never_replaces_a_folder_it_did_not_make(three_parts, tmp_path, capsys):
    mine = tmp_path / "mine"
    mine.mkdir()
    (mine / "thesis.tex").write_text("mine")
    assert main(["merge", *(str(tmp_path / f"part{k}") for k in (1, 2, 3)), "--site-dir", str(mine)]) == 1
    assert "holds 1 entry sitegen did not make (thesis.tex)" in capsys.readouterr().err
    assert (mine / "thesis.tex").read_text() == "mine"


def test_a_warning_in_another_process_fails_a_strict_build_and_keeps_the_site(tmp_path, capsys):
    titles = [f"Paper Number {n}" for n in range(12)]
    text = "Dec 16\n\n" + "\n\n".join(f"{t}\n\n{'We study things in depth. ' * 8}" for t in titles) + "\n"
    archive = make_archive(tmp_path / "archive", [("2025-12-16-day.txt", text.encode())])
    assert build_cli(archive, tmp_path / "site", "--jobs", "2", "--strict", "--keep-docs") == 0
    before = tree(tmp_path / "site")
    docs = Layout.for_site(tmp_path / "site", ROOT / "mkdocs.yml").work / "docs"
    pages = {p.relative_to(docs).as_posix(): p.read_text() for p in docs.rglob("*.md")}
    first = plan(pages, Split(0, 1, 2))[0]
    other = next(t for t in titles if not first.takes(f"papers/{t.lower().replace(' ', '-')}.md"))
    slug = other.lower().replace(" ", "-")
    (archive / "notes").mkdir()
    (archive / "notes" / f"{slug}.md").write_text("See [the missing page](missing.md).\n")
    assert build_cli(archive, tmp_path / "site", "--jobs", "2", "--strict") == 1
    err = capsys.readouterr().err
    assert "MkDocs failed: Aborted with 1 warnings in strict mode!" in err and "missing.md" in err
    assert tree(tmp_path / "site") == before
