"""`sitegen bundle`: one reproducible zip of the site that needs nothing from outside itself."""

from __future__ import annotations

import gzip
import hashlib
import os
import re
import stat
import time
import zipfile
from pathlib import Path
from urllib.parse import urldefrag, urlsplit

import pytest
from conftest import LISTINGS, ROOT, make_archive
from selectolax.lexbor import LexborHTMLParser

from sitegen.cli import main
from sitegen.errors import BuildError
from sitegen.publish.bundle import external_fetches, write_bundle, zip_time

FIXTURE_LISTINGS = [LISTINGS / "metadata_with_dates_and_upvotes.txt", LISTINGS / "year_less_dates.txt"]
MANIFEST = "listings:\n  metadata_with_dates_and_upvotes.txt: {captured: 2025-12-16}\n"


def small_archive(root: Path) -> Path:
    return make_archive(root / "archive", FIXTURE_LISTINGS, **{"archive.yml": MANIFEST})


def run_bundle(tmp_path: Path, archive: Path, *extra: str, config: Path = ROOT / "mkdocs.yml") -> int:
    # One MkDocs process, as in test_hardening_publish.py: a small site's second process adds only its start-up
    # (test_parallel_build.py covers --jobs).
    return main(["bundle", "--archive", str(archive), "--site-dir", str(tmp_path / "site"),
                 "--config", str(config), "--jobs", "1", *extra])


@pytest.fixture(scope="module")
def bundled_zip(tmp_path_factory):
    """Bundle the bundled archive once: (zip path, site dir)."""
    out = tmp_path_factory.mktemp("bundle")
    code = main(["bundle", "--archive", str(ROOT / "archive"), "--site-dir", str(out / "site"),
                 "--config", str(ROOT / "mkdocs.yml"), "--out", str(out / "dist" / "papers.zip")])
    assert code == 0
    return out / "dist" / "papers.zip", out / "site"


def test_zip_holds_the_whole_site_under_one_folder_in_sorted_order(bundled_zip):
    path, site = bundled_zip
    with zipfile.ZipFile(path) as archive:
        names = archive.namelist()
        assert archive.testzip() is None
        assert names == sorted(names)
        assert names[0] == "papers/" and all(n.startswith("papers/") for n in names)
        files = {n.removeprefix("papers/") for n in names if not n.endswith("/")}
        # 404.html is for a web server only: MkDocs links it from the site root, which file:// cannot follow.
        # .sitegen-site marks the site folder as the tool's; the bundle is not a site folder.
        assert files == {p.relative_to(site).as_posix() for p in site.rglob("*")
                         if p.is_file()} - {"404.html", ".sitegen-site"}
        for name in ("dates/index.html", "sitemap.xml.gz", "feed.xml"):
            assert archive.read(f"papers/{name}") == (site / name).read_bytes()
        # Pages that offer feeds lose their discovery links (no feed is subscribed to from file://), and only them.
        for name in ("index.html", "topics/pruning.html"):
            page = (site / name).read_bytes()
            assert b'<link rel="alternate" type="application/atom+xml"' in page
            kept = re.sub(rb'\n *<link rel="alternate" type="application/(atom\+xml|feed\+json)"[^>]*>', b"", page)
            assert archive.read(f"papers/{name}") == kept != page


def test_zip_entries_have_fixed_times_modes_and_no_extras(bundled_zip):
    path, _ = bundled_zip
    with zipfile.ZipFile(path) as archive:
        assert archive.comment == b"sitegen offline bundle"  # how the next bundle knows it may replace it
        for info in archive.infolist():
            assert info.date_time == (2025, 12, 16, 0, 0, 0), info.filename  # the newest capture date
            assert info.create_system == 3 and info.extra == b"" and info.comment == b""
            mode = info.external_attr >> 16
            if info.is_dir():
                assert mode == stat.S_IFDIR | 0o755, info.filename
            else:
                assert mode == stat.S_IFREG | 0o644, info.filename
                assert info.compress_type == zipfile.ZIP_DEFLATED


def test_bundle_summary_names_the_zip_and_its_home_page(tmp_path, capsys):
    assert run_bundle(tmp_path, small_archive(tmp_path), "--out", str(tmp_path / "out" / "site.zip")) == 0
    out = capsys.readouterr().out
    assert f"Wrote {tmp_path / 'out' / 'site.zip'}: " in out and "unzip it and open site/index.html" in out


def test_bundle_defaults_to_dist(tmp_path, monkeypatch):
    archive = small_archive(tmp_path)
    monkeypatch.chdir(tmp_path)
    assert main(["bundle", "--archive", str(archive), "--config", str(ROOT / "mkdocs.yml")]) == 0
    assert (tmp_path / "dist" / "offline-site.zip").is_file()
    assert (tmp_path / "site" / "index.html").is_file()


def test_source_date_epoch_sets_every_time_in_the_zip_and_the_sitemap(tmp_path, monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")  # 2023-11-14 22:13:20 UTC
    out = tmp_path / "site.zip"
    assert run_bundle(tmp_path, small_archive(tmp_path), "--out", str(out)) == 0
    with zipfile.ZipFile(out) as archive:
        assert {info.date_time for info in archive.infolist()} == {(2023, 11, 14, 22, 13, 20)}
    header = (tmp_path / "site" / "sitemap.xml.gz").read_bytes()[:10]
    assert int.from_bytes(header[4:8], "little") == 1700000000 - 1700000000 % 86400  # MkDocs keeps the day


def test_without_any_stated_date_the_build_date_is_1980(tmp_path, monkeypatch):
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    archive = make_archive(tmp_path / "archive", [LISTINGS / "year_less_dates.txt"])
    out = tmp_path / "site.zip"
    assert run_bundle(tmp_path, archive, "--out", str(out)) == 0
    with zipfile.ZipFile(out) as archive_zip:
        assert {info.date_time for info in archive_zip.infolist()} == {(1980, 1, 1, 0, 0, 0)}
    with gzip.open(tmp_path / "site" / "sitemap.xml.gz") as handle:
        handle.read()
        assert handle.mtime == 315532800


def test_bad_source_date_epoch_is_one_clear_error(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "yesterday")
    assert run_bundle(tmp_path, small_archive(tmp_path), "--out", str(tmp_path / "site.zip")) == 1
    err = capsys.readouterr().err
    assert "error: SOURCE_DATE_EPOCH is 'yesterday', not a whole number of seconds" in err
    assert "Traceback" not in err and not (tmp_path / "site.zip").exists()


def test_zip_time_is_clamped_to_what_a_zip_can_hold():
    assert zip_time(0) == (1980, 1, 1, 0, 0, 0)
    assert zip_time(10**11)[0] == 2107
    assert zip_time(1765843200) == (2025, 12, 16, 0, 0, 0)


@pytest.mark.parametrize("out, message", [
    ("site.tar", "the bundle must be a .zip file"),
    ("site/offline.zip", "is inside the site folder, which every build replaces"),
])
def test_bad_out_is_refused_before_building(tmp_path, capsys, out, message):
    assert run_bundle(tmp_path, small_archive(tmp_path), "--out", str(tmp_path / out)) == 1
    err = capsys.readouterr().err
    assert message in err and "Traceback" not in err
    assert not (tmp_path / "site").exists()


def test_out_that_is_a_folder_is_refused(tmp_path, capsys):
    (tmp_path / "taken.zip").mkdir()
    assert run_bundle(tmp_path, small_archive(tmp_path), "--out", str(tmp_path / "taken.zip")) == 1
    assert "taken.zip: is a folder; the bundle is one file" in capsys.readouterr().err


def test_a_failed_build_writes_no_zip_and_keeps_the_previous_one(tmp_path, capsys):
    out = tmp_path / "dist" / "site.zip"
    assert run_bundle(tmp_path, small_archive(tmp_path), "--out", str(out)) == 0
    before = out.read_bytes()
    broken = make_archive(tmp_path / "broken", [LISTINGS / "not_a_listing.txt"])
    assert run_bundle(tmp_path, broken, "--out", str(out)) == 1
    assert "no usable listing" in capsys.readouterr().err
    assert out.read_bytes() == before
    assert sorted(p.name for p in out.parent.iterdir()) == ["site.zip"]


def test_a_failed_zip_write_keeps_the_previous_zip_and_leaves_no_temp_file(tmp_path, monkeypatch):
    site = tmp_path / "site"
    (site / "assets").mkdir(parents=True)
    (site / "index.html").write_text("<p>home</p>")
    (site / "assets" / "a.css").write_text("p{}")
    out = tmp_path / "dist" / "site.zip"
    write_bundle(site, out, 0)
    before = out.read_bytes()

    def fail(*args, **kwargs):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(zipfile.ZipFile, "writestr", fail)
    with pytest.raises(OSError):
        write_bundle(site, out, 0)
    assert out.read_bytes() == before
    assert [p.name for p in out.parent.iterdir()] == ["site.zip"]


def test_zip_ignores_file_times_and_modes(tmp_path):
    site = tmp_path / "site"
    (site / "b").mkdir(parents=True)
    (site / "index.html").write_text("<p>home</p>")
    (site / "b" / "x.js").write_text("1")
    first = write_bundle(site, tmp_path / "one.zip", 1765843200).path.read_bytes()
    later = time.time() - 86400 * 400
    for path in site.rglob("*"):
        path.chmod(0o700 if path.is_dir() else 0o600)
        os.utime(path, (later, later))
    second = write_bundle(site, tmp_path / "two" / "one.zip", 1765843200).path.read_bytes()
    assert hashlib.sha256(first).hexdigest() == hashlib.sha256(second).hexdigest()


def test_a_symbolic_link_in_the_site_is_refused(tmp_path):
    site = tmp_path / "site"
    site.mkdir()
    (site / "index.html").write_text("<p>home</p>")
    (site / "secret").symlink_to("/etc/hostname")
    with pytest.raises(BuildError, match="is a symbolic link"):
        write_bundle(site, tmp_path / "site.zip", 0)
    assert not (tmp_path / "site.zip").exists()


def test_zipping_a_folder_that_is_not_a_site_is_refused(tmp_path):
    (tmp_path / "empty").mkdir()
    with pytest.raises(BuildError, match="no built site here"):
        write_bundle(tmp_path / "empty", tmp_path / "site.zip", 0)


def test_the_built_site_fetches_nothing_from_outside(bundled_zip):
    _, site = bundled_zip
    assert external_fetches(site) == []


def test_external_fetches_are_found_in_pages_and_stylesheets(tmp_path):
    (tmp_path / "css").mkdir()
    (tmp_path / "index.html").write_text(
        '<link rel="preconnect" href="https://fonts.gstatic.com"><link rel="canonical" href="https://x.org/">'
        '<script src="//cdn.example/x.js"></script><img srcset="a.png 1x, http://img.example/b.png 2x">'
        '<a href="https://example.org/">a link is not a fetch</a><div style="background:url(https://bg.example/i)">'
        '<style>@import "https://imp.example/s.css";</style><script src="assets/local.js"></script>')
    (tmp_path / "css" / "s.css").write_text("@font-face{src:url('https://font.example/f.woff2')} a{b:url(x.png)}")
    assert external_fetches(tmp_path) == [
        ("css/s.css", "https://font.example/f.woff2"),
        ("index.html", "https://fonts.gstatic.com"),
        ("index.html", "//cdn.example/x.js"),
        ("index.html", "http://img.example/b.png"),
        ("index.html", "https://bg.example/i"),
        ("index.html", "https://imp.example/s.css"),
    ]


def test_google_fonts_make_the_bundle_fail_with_what_to_do(tmp_path, capsys):
    config = tmp_path / "mkdocs.yml"
    config.write_text(
        (ROOT / "mkdocs.yml").read_text().replace("  font: false\n", "  font:\n    text: Roboto\n"))
    assert "Roboto" in config.read_text()
    out = tmp_path / "site.zip"
    assert run_bundle(tmp_path, small_archive(tmp_path), "--out", str(out), config=config) == 1
    err = capsys.readouterr().err
    assert "the site would fetch from the network, so it cannot work offline" in err
    assert "fonts.googleapis.com" in err and "set theme.font: false in mkdocs.yml" in err
    assert not out.exists()


def _local_targets(tree: LexborHTMLParser) -> list[str]:
    targets = [a.attributes.get("href") for a in tree.css("a")]
    targets += [t.attributes.get("src") for t in tree.css("script, img")]
    targets += [link.attributes.get("href") for link in tree.css("link")
                if "canonical" not in (link.attributes.get("rel") or "").split()]
    return [t for t in targets if t and not urlsplit(t).scheme and not t.startswith(("#", "//"))]


def test_every_link_inside_the_bundle_opens_a_file_from_file_urls(bundled_zip, tmp_path):
    path, _ = bundled_zip
    with zipfile.ZipFile(path) as archive:
        archive.extractall(tmp_path)
    root = tmp_path / "papers"
    pages = sorted(root.rglob("*.html"))
    assert len(pages) > 250
    for page in pages:
        # lexbor (an HTML5 parser, as the browser's): some 40 times faster than html.parser over 270 pages.
        for target in _local_targets(LexborHTMLParser(page.read_text())):
            file = urldefrag(target).url.split("?")[0]
            # From file:// a folder URL shows a listing, not its index.html: every link must name a file.
            assert file and not file.endswith("/"), (page, target)
            resolved = (page.parent / file).resolve()
            assert resolved.is_file() and resolved.is_relative_to(root), (page, target)
