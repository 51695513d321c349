"""Rebuilds: only changed pages are rebuilt, and the result equals a clean build byte for byte."""

from __future__ import annotations

import gc
import hashlib
import shutil

from conftest import LISTINGS, ROOT, make_archive

from sitegen.pipeline import BuildOptions, build


def _digest(site):
    return {p.relative_to(site).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(site.rglob("*")) if p.is_file()}


def _build(archive, site, **options):
    return build(BuildOptions(archive=archive, site_dir=site, config_file=ROOT / "mkdocs.yml", **options))


def test_unchanged_rebuild_keeps_pages_and_equals_the_first_build(tmp_path):
    archive = make_archive(tmp_path / "archive", [LISTINGS / "block_without_metadata.txt",
                                                  LISTINGS / "metadata_with_dates_and_upvotes.txt"])
    site = tmp_path / "out" / "site"
    thresholds = gc.get_threshold()
    _build(archive, site)
    assert gc.get_threshold() == thresholds and not gc.get_freeze_count()  # as they were (`sitegen serve` goes on)
    first = _digest(site)
    page = site / "papers" / "paper-one.html"
    written = page.stat().st_mtime_ns
    _build(archive, site)
    assert _digest(site) == first
    assert page.stat().st_mtime_ns == written  # MkDocs did not render it again


def test_changed_archive_rebuild_equals_a_clean_build(tmp_path):
    archive = make_archive(tmp_path / "archive", [LISTINGS / "block_without_metadata.txt",
                                                  LISTINGS / "title_without_abstract.txt"])
    site = tmp_path / "inc" / "site"
    _build(archive, site)
    assert (site / "papers" / "another-lonely-title.html").exists()
    # One listing goes, another comes: pages are added, changed and removed.
    (archive / "listings" / "title_without_abstract.txt").unlink()
    shutil.copy(LISTINGS / "metadata_with_dates_and_upvotes.txt", archive / "listings")
    _build(archive, site)
    clean = tmp_path / "clean" / "site"
    _build(archive, clean)
    assert _digest(site) == _digest(clean)
    assert not (site / "papers" / "another-lonely-title.html").exists()


def test_changed_config_or_strict_means_a_clean_build(tmp_path):
    archive = make_archive(tmp_path / "archive", [LISTINGS / "block_without_metadata.txt"])
    site = tmp_path / "out" / "site"
    _build(archive, site)
    page = site / "papers" / "paper-one.html"
    written = page.stat().st_mtime_ns
    _build(archive, site, strict=True)
    assert page.stat().st_mtime_ns != written
    config = tmp_path / "mkdocs.yml"
    config.write_text((ROOT / "mkdocs.yml").read_text().replace("site_name: Paper archive",
                                                                "site_name: Renamed archive"))
    build(BuildOptions(archive=archive, site_dir=site, config_file=config))
    assert "Renamed archive" in page.read_text()


def test_every_published_file_is_readable_by_a_web_server(tmp_path):
    archive = make_archive(tmp_path / "archive", [LISTINGS / "block_without_metadata.txt"])
    site = tmp_path / "out" / "site"
    _build(archive, site)
    unreadable = [p for p in site.rglob("*") if p.is_file() and not p.stat().st_mode & 0o004]
    assert not unreadable
