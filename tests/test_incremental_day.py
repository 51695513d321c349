"""The daily increment: a rebuild after a new day, a note, a taxonomy change or a changed template equals a
clean build byte for byte, renders only what changed, and links the pages it keeps rather than copying them."""

from __future__ import annotations

import functools
import hashlib
import os
import shutil

import pytest
from conftest import ROOT

from sitegen import memo
from sitegen.pipeline import BuildOptions, build
from sitegen.publish import mkdocs_site
from sitegen.synth import new_day, synthesise

EPOCH = "1767225600"  # one build date for every build here (else the newest capture date: the same anyway)


def digests(site):
    return {p.relative_to(site).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(site.rglob("*")) if p.is_file()}


def inodes(site, pattern="*.html"):
    return {p.relative_to(site).as_posix(): p.stat().st_ino for p in site.rglob(pattern) if p.is_file()}


@pytest.fixture
def project(tmp_path, monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", EPOCH)
    shutil.copy(ROOT / "mkdocs.yml", tmp_path / "mkdocs.yml")
    shutil.copytree(ROOT / "docs", tmp_path / "docs")
    synthesise(ROOT / "archive", 100, tmp_path / "archive", 5)
    return tmp_path


def run(project, site, **options):
    return build(BuildOptions(archive=project / "archive", site_dir=site, config_file=project / "mkdocs.yml",
                              **options))


def same_as_clean(project, site, name):
    """Build the archive as it is now into a new folder; assert the rebuilt site is that site byte for byte."""
    clean = project / "clean" / name
    run(project, clean)
    assert digests(site) == digests(clean)


def test_each_kind_of_change_rebuilds_to_what_a_clean_build_makes(project, monkeypatch):
    site = project / "site"
    first = run(project, site)
    before = inodes(site)

    new_day(ROOT / "archive", project / "archive", 12)
    day = run(project, site)
    same_as_clean(project, site, "day")
    # Only what the day touches is rendered; the rest are the same files (linked, not rewritten).
    assert 12 <= day.rendered_count < first.rendered_count // 2
    kept = [rel for rel, inode in inodes(site).items() if before.get(rel) == inode]
    assert len(kept) >= len(before) - day.rendered_count - 3 and any(rel.startswith("papers/") for rel in kept)

    slug = next(p.stem for p in sorted((site / "papers").glob("*.html")))
    (project / "archive" / "notes").mkdir()
    (project / "archive" / "notes" / f"{slug}.md").write_text("---\nrating: 4\nstatus: read\n---\nWorth it.\n")
    note = run(project, site)
    same_as_clean(project, site, "note")
    assert 1 <= note.rendered_count < first.rendered_count // 3

    (project / "archive" / "taxonomy.yml").write_text(
        "topics:\n  everything:\n    name: Models\n    match: [model*]\n  data:\n    name: Data\n    match: [data*]\n")
    run(project, site)
    same_as_clean(project, site, "taxonomy")

    # An upgrade of sitegen, simulated by a changed template: every page shows it.
    upgraded = project / "upgraded" / "sitegen"
    shutil.copytree(memo.SITEGEN, upgraded, ignore=shutil.ignore_patterns("__pycache__"))
    main = upgraded / "theme" / "main.html"
    main.write_text(main.read_text().replace("{% block extrahead %}", "{% block extrahead %}<!-- upgraded -->"))
    monkeypatch.setattr(memo, "SITEGEN", upgraded)
    monkeypatch.setattr(memo, "code_digest", functools.cache(memo.code_digest.__wrapped__))  # of the copy
    monkeypatch.setattr(mkdocs_site, "theme_dir", lambda: upgraded / "theme")
    run(project, site)
    assert "<!-- upgraded -->" in (site / "papers" / f"{slug}.html").read_text()
    same_as_clean(project, site, "template")


def test_with_a_project_hook_kept_pages_are_copied_not_linked(project):
    """A project's own hook might rewrite files in place: then nothing is shared with the site in use."""
    (project / "hook.py").write_text("def on_post_build(config):\n    pass\n")
    config = project / "mkdocs.yml"
    config.write_text(config.read_text().replace("hooks:\n", "hooks:\n  - hook.py\n", 1))
    site = project / "site"
    run(project, site)
    before = inodes(site, "*")
    new_day(ROOT / "archive", project / "archive", 5)
    run(project, site)
    assert not any(before.get(rel) == inode for rel, inode in inodes(site, "*").items())


def test_files_copied_from_the_docs_folder_are_linked_when_unchanged_and_made_anew_when_changed(project):
    """A rebuild links a .bib file or a feed MkDocs will not copy again, and leaves one that changed for MkDocs to
    write into a new file: the site in use is never written through a link."""
    site = project / "site"
    run(project, site)
    before = {rel: (inode, (site / rel).read_bytes()) for rel, inode in inodes(site, "*").items()
              if rel.endswith((".bib", ".xml", ".json")) and rel.startswith(("topics/", "dates/"))}
    held = project / "held"  # second names of the old files: what the previous site held stays readable
    held.mkdir()
    for n, rel in enumerate(before):
        os.link(site / rel, held / str(n))
    new_day(ROOT / "archive", project / "archive", 12)
    run(project, site)
    same_as_clean(project, site, "day")
    now = inodes(site, "*")
    linked = [rel for rel, (inode, _) in before.items() if now.get(rel) == inode]
    changed = [rel for rel, (_, text) in before.items() if (site / rel).read_bytes() != text]
    assert linked and changed and not set(linked) & set(changed)
    assert all((held / str(n)).read_bytes() == text for n, (_, text) in enumerate(before.values()))


def test_a_strict_build_after_a_strict_one_is_incremental_unless_a_page_went(project):
    """The scheduled update builds with --strict every day: after a strict build that passed, an unchanged page
    cannot warn, so it keeps its HTML; when a page goes, a hand-written page's link to it might, so all are
    rendered again."""
    site = project / "site"
    run(project, site, strict=True)
    written = {p: p.stat().st_mtime_ns for p in sorted((site / "papers").glob("*.html"))}
    added = new_day(ROOT / "archive", project / "archive", 5)
    day = run(project, site, strict=True)
    kept = [page for page, time in written.items() if page.stat().st_mtime_ns == time]
    assert 5 <= day.rendered_count < day.site_page_count // 2 and len(kept) >= len(written) - day.rendered_count
    same_as_clean(project, site, "strict")
    added.unlink()
    run(project, site, strict=True)
    assert kept and all(page.stat().st_mtime_ns != written[page] for page in kept)
