"""The site's address (`site_url`, `--site-url`, SITEGEN_SITE_URL): canonical links, the sitemap, robots.txt;
without it, one warning saying what is off; and the Pages workflows passing configure-pages' address."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
import yaml
from conftest import BUNDLED, LISTINGS, ROOT, make_archive
from selectolax.lexbor import LexborHTMLParser

from sitegen.cli import main

SITE_URL = "https://octocat.github.io/my-repo"
"""As actions/configure-pages gives it: no trailing slash."""
SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
WORKFLOWS = ROOT / ".github" / "workflows"
CONFIGURE_PAGES = "${{ steps.pages.outputs.base_url }}"


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Path:
    """The bundled archive, built with the project's mkdocs.yml (no site_url) and --site-url."""
    out = tmp_path_factory.mktemp("site-url")
    assert main(["build", "--archive", str(BUNDLED), "--site-dir", str(out / "site"), "--config",
                 str(ROOT / "mkdocs.yml"), "--site-url", SITE_URL, "--strict"]) == 0
    return out / "site"


def _pages(site: Path) -> list[str]:
    """Every HTML page of the site but the web server's 404 page (which no address leads to)."""
    return sorted(p.relative_to(site).as_posix() for p in site.rglob("*.html") if p.name != "404.html")


def _canonical(page: Path) -> list[str]:
    # lexbor (an HTML5 parser, as the browser's): some 40 times faster than html.parser over the site's pages.
    head = LexborHTMLParser(page.read_text(encoding="utf-8")).head
    return [link.attributes.get("href") for link in head.css('link[rel~="canonical"]')]


def _sitemap(site: Path) -> list[str]:
    return [loc.text or "" for loc in ET.parse(site / "sitemap.xml").getroot().iter(f"{SITEMAP}loc")]


def test_every_page_has_its_canonical_link(site):
    pages = _pages(site)
    assert len(pages) > 200 and "index.html" in pages and "search.html" in pages
    for rel in pages:
        assert _canonical(site / rel) == [f"{SITE_URL}/{rel}"], rel


def test_the_sitemap_lists_every_page_once(site):
    locs = _sitemap(site)
    assert sorted(locs) == [f"{SITE_URL}/{rel}" for rel in _pages(site)]


def test_robots_txt_names_the_sitemap(site):
    lines = (site / "robots.txt").read_text(encoding="utf-8").splitlines()
    assert lines == ["User-agent: *", "Allow: /", "", f"Sitemap: {SITE_URL}/sitemap.xml"]


def test_the_site_url_makes_the_feeds_absolute(site):
    assert f'<link href="{SITE_URL}/feed.xml" rel="self"' in (site / "feed.xml").read_text(encoding="utf-8")
    assert f'"feed_url": "{SITE_URL}/topics/pruning.json"' in (site / "topics/pruning.json").read_text("utf-8")


def test_every_topic_has_its_feeds(site):
    """Before, 7 of the bundled archive's 32 topics had no feed: their papers state no year anywhere."""
    topics = sorted(p.stem for p in (site / "topics").glob("*.html") if p.stem not in ("index", "untagged"))
    assert len(topics) == 32
    for slug in topics:
        assert "<entry>" in (site / f"topics/{slug}.xml").read_text(encoding="utf-8"), slug
        assert (site / f"topics/{slug}.json").is_file()


# A small archive for the command's messages


def _small(tmp_path: Path) -> Path:
    return make_archive(tmp_path / "archive", [LISTINGS / "metadata_with_dates_and_upvotes.txt"],
                        **{"archive.yml": "listings:\n  metadata_with_dates_and_upvotes.txt: {captured: 2025-12-16}\n"})


def _run(tmp_path: Path, command: str, *extra: str, config: Path = ROOT / "mkdocs.yml") -> int:
    more = ["--out", str(tmp_path / "dist" / "site.zip")] if command == "bundle" else []
    return main([command, "--archive", str(_small(tmp_path)), "--site-dir", str(tmp_path / "site"),
                 "--config", str(config), "--jobs", "1", *more, *extra])


def test_without_site_url_the_build_says_once_what_is_off(tmp_path, capsys):
    assert _run(tmp_path, "build") == 0
    err = capsys.readouterr().err
    warnings = [line for line in err.splitlines() if "site_url" in line]
    assert warnings == [
        f"warning: {ROOT / 'mkdocs.yml'}: no site_url, so pages have no canonical link, sitemap.xml lists no page, "
        "robots.txt is not written and feed links are relative (set site_url: in mkdocs.yml to the address the site "
        "is published at, pass --site-url URL or set SITEGEN_SITE_URL)"]
    site = tmp_path / "site"
    assert not (site / "robots.txt").exists()
    assert _sitemap(site) == []
    assert _canonical(site / "index.html") == []


def test_the_offline_bundle_does_not_warn_about_it(tmp_path, capsys):
    assert _run(tmp_path, "bundle") == 0
    assert "site_url" not in capsys.readouterr().err


def test_the_address_can_come_from_the_environment(tmp_path, capsys, monkeypatch):
    monkeypatch.setenv("SITEGEN_SITE_URL", "https://example.org/papers")
    assert _run(tmp_path, "build") == 0
    assert "site_url" not in capsys.readouterr().err
    assert "Sitemap: https://example.org/papers/sitemap.xml" in (tmp_path / "site/robots.txt").read_text("utf-8")
    assert _canonical(tmp_path / "site/index.html") == ["https://example.org/papers/index.html"]


def test_the_command_line_address_takes_the_place_of_mkdocs_ymls(tmp_path, capsys):
    config = tmp_path / "mkdocs.yml"
    config.write_text("site_name: Papers\nsite_url: https://old.example/\n", encoding="utf-8")
    assert _run(tmp_path, "build", "--site-url", "https://new.example/x/", config=config) == 0
    assert _canonical(tmp_path / "site/index.html") == ["https://new.example/x/index.html"]
    assert "https://old.example" not in (tmp_path / "site/feed.xml").read_text(encoding="utf-8")


def test_mkdocs_ymls_site_url_is_used_without_a_warning(tmp_path, capsys):
    config = tmp_path / "mkdocs.yml"
    config.write_text("site_name: Papers\nsite_url: https://old.example/\n", encoding="utf-8")
    assert _run(tmp_path, "build", config=config) == 0
    assert "site_url" not in capsys.readouterr().err
    assert (tmp_path / "site/robots.txt").read_text("utf-8").endswith("Sitemap: https://old.example/sitemap.xml\n")


@pytest.mark.parametrize("url", ["ftp://example.org/", "javascript:alert(1)", "https://example.org/?q=1",
                                 "example.org", "https://user:pw@example.org/", 'https://example.org/"><b>'])
def test_a_bad_address_is_one_clear_error(tmp_path, capsys, url):
    with pytest.raises(SystemExit) as exit_:
        _run(tmp_path, "build", "--site-url", url)
    assert exit_.value.code == 2
    err = capsys.readouterr().err.strip().splitlines()[-1]
    assert err.startswith("sitegen build: error: argument --site-url: ")
    assert "is not the http(s) address the site is published at" in err
    assert not (tmp_path / "site").exists()


# The Pages workflows


def _building_steps(workflow: dict) -> list[tuple[str, list[dict], dict]]:
    """Every step that runs `sitegen build` or `sitegen bundle`: (job, the job's steps, the step)."""
    return [(name, job["steps"], step) for name, job in workflow["jobs"].items() for step in job.get("steps", [])
            if re.search(r"sitegen (build|bundle)\b", step.get("run", ""))]


@pytest.mark.parametrize("name", ["pages.yml", "pages-sharded.yml", "update.yml"])
def test_the_pages_workflows_build_with_configure_pages_address(name):
    workflow = yaml.safe_load((WORKFLOWS / name).read_text(encoding="utf-8"))
    building = _building_steps(workflow)
    assert building, name
    for job, steps, step in building:
        assert step["env"]["SITEGEN_SITE_URL"] == CONFIGURE_PAGES, (name, job)
        configure = next(s for s in steps if s.get("id") == "pages")
        assert configure["uses"].startswith("actions/configure-pages@"), (name, job)
        assert steps.index(configure) < steps.index(step), (name, job)
        assert workflow["jobs"][job]["permissions"]["pages"] == "read", (name, job)
