"""`sitegen check-links`: against a fake GitHub API and pages on 127.0.0.1, then the states on the built site."""

from __future__ import annotations

import datetime
import hashlib
import time
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from conftest import ROOT, make_archive
from fakeapi import Answer, FakeApi, serve, silent
from fakegithub import FakeGitHub, FakeWayback, Offline, overlapping, primary_limit, served

from sitegen.archive import Archive
from sitegen.archive.links import read_results
from sitegen.cli import main
from sitegen.errors import Report
from sitegen.linkcheck import run as run_module
from sitegen.pipeline import BuildOptions, build

ABSTRACT = ("We study things in depth. Our results show that things are better than before, and that this holds "
            "across many settings, tasks and model sizes, which we discuss at length.")
TODAY = datetime.datetime.now(datetime.timezone.utc).date()
PROXIES = ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "NO_PROXY")


def add_repositories(github: FakeGitHub) -> None:
    """The repositories the papers link, as GitHub's API answers them: a renamed one answers 301."""
    github.add("live/repo", stars=1234, size=2048, pushed="2025-11-02T10:00:00Z")
    github.add("old/archived", stars=7, archived=True, size=100, pushed="2021-01-01T00:00:00Z")
    github.add("new/empty", stars=0, size=0, empty=True, pushed="2025-01-01T00:00:00Z")
    github.add("renamed/repo", stars=3, size=10, pushed="2025-10-10T00:00:00Z")
    github.rename("renamed/repo", "renamed/better-name")


@pytest.fixture
def web(monkeypatch):
    """(GitHub's API, the pages, the pages' base URL, a silent server's) with their fakes, on a machine without
    a network; the Web Archive's API holds a copy of /gone."""
    github, pages, wayback = FakeGitHub(), FakeApi(), FakeWayback()
    add_repositories(github)
    pages.on(lambda p, q: p == "/ok", Answer(200, b"ok"))
    pages.on(lambda p, q: p == "/moved", Answer(301, b"", {"Location": "/new-home"}))
    pages.on(lambda p, q: p == "/new-home", Answer(200, b"here"))
    pages.on(lambda p, q: p == "/gone", Answer(404, b"no"))
    pages.on(lambda p, q: p == "/busy", Answer(503, b"later"))
    pages.on(lambda p, q: p == "/head-refused" and q.get("method") == "HEAD", Answer(405, b""))
    pages.on(lambda p, q: p == "/head-refused", Answer(200, b"GET works"))
    with served(github) as api, serve(pages) as site, silent() as never, served(wayback) as archive_api:
        wayback.copies[f"{site}/gone"] = ["20240101000000"]
        for name in PROXIES:
            monkeypatch.delenv(name, raising=False)
            monkeypatch.delenv(name.lower(), raising=False)
        monkeypatch.setenv("GITHUB_API_URL", api)
        monkeypatch.setenv("SITEGEN_WAYBACK_API", archive_api)
        monkeypatch.setenv("SITEGEN_LINK_TIMEOUT", "0.5")
        monkeypatch.setenv("SITEGEN_HTTP_BACKOFF", "0.01")
        monkeypatch.setenv("SITEGEN_ALLOW_PRIVATE_LINKS", "1")  # the pages are served on 127.0.0.1
        monkeypatch.delenv("GITHUB_TOKEN", raising=False)
        Offline().install(monkeypatch)
        yield github, pages, site, never


def archive_for(tmp_path: Path, site: str, never: str) -> Path:
    links = {
        "Live Repository Paper": "https://github.com/live/repo",
        "Archived Repository Paper": "https://github.com/old/archived",
        "Empty Repository Paper": "https://github.com/new/empty",
        "Missing Repository Paper": "https://github.com/no/such",
        "Renamed Repository Paper": "https://github.com/renamed/repo",
        "Live Page Paper": f"{site}/ok",
        "Moved Page Paper": f"{site}/moved",
        "Dead Page Paper": f"{site}/gone",
        "Busy Page Paper": f"{site}/busy",
        "Silent Page Paper": f"{never}/nothing",
        "Head Refused Paper": f"{site}/head-refused",
    }
    blocks = "\n\n".join(f"{title}\n\n{ABSTRACT} Code: {url} here." for title, url in links.items())
    return make_archive(tmp_path / "archive", [("2025-12-16-paste.txt", f"Dec 16\n\n{blocks}\n".encode())])


def check(archive: Path, *args: str) -> int:
    return main(["check-links", "--archive", str(archive), *args])


def checksums(root: Path) -> dict[str, str]:
    return {p.relative_to(root).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(root.rglob("*")) if p.is_file()}


def test_every_state_is_found_and_recorded(web, tmp_path, capsys):
    github, pages, site, never = web
    archive = archive_for(tmp_path, site, never)
    before = checksums(archive)
    start = time.monotonic()
    assert check(archive) == 0  # dead links are findings, not a failure
    assert time.monotonic() - start < 30  # the silent server is a timeout, not a hang
    assert capsys.readouterr().out.strip() == (
        "Checked 11 of 11 links (5 GitHub repositories through its API): 5 live / 2 moved / 3 dead / "
        "1 unreachable / 0 not checked / 1 archived / 1 empty")
    after = checksums(archive)
    assert set(after) - set(before) == {"links.json"} and {k: after[k] for k in before} == before
    results = {url: checks[-1] for url, checks in read_results(Archive(archive), Report()).items()}
    live = results["https://github.com/live/repo"]
    assert (live.status.value, live.stars, live.archived, live.empty, live.pushed, live.license, live.language,
            live.fork) == ("live", 1234, False, False, datetime.date(2025, 11, 2), "MIT", "Python", False)
    assert results["https://github.com/old/archived"].archived is True
    assert results["https://github.com/new/empty"].empty is True and not results["https://github.com/new/empty"].working
    assert (results["https://github.com/no/such"].status.value, results["https://github.com/no/such"].http) == (
        "dead", 404)
    renamed = results["https://github.com/renamed/repo"]
    assert (renamed.status.value, renamed.location) == ("moved", "https://github.com/renamed/better-name")
    paths = [r.path for r in github.requests]
    assert paths[paths.index("/repos/renamed/repo") + 1].startswith("/repositories/")  # GitHub's 301, followed
    assert overlapping(github.requests) == []  # one request at a time, as GitHub asks
    assert results[f"{site}/gone"].snapshot == f"https://web.archive.org/web/20240101000000/{site}/gone"
    assert results[f"{site}/busy"].no_snapshot is True and results["https://github.com/no/such"].no_snapshot is True
    assert (results[f"{site}/moved"].status.value, results[f"{site}/moved"].location) == ("moved", f"{site}/new-home")
    assert (results[f"{site}/gone"].http, results[f"{site}/busy"].http) == (404, 503)
    silent_check = results[f"{never}/nothing"]
    assert (silent_check.status.value, silent_check.reason) == ("unreachable", "timed out after 0.5 s")
    assert results[f"{site}/head-refused"].status.value == "live"  # HEAD refused, GET answered
    assert all(c.date == TODAY for c in results.values())


def test_older_than_rechecks_only_stale_links_and_history_grows(web, tmp_path, capsys):
    github, pages, site, never = web
    archive = archive_for(tmp_path, site, never)
    assert check(archive) == 0
    capsys.readouterr()
    asked = len(pages.requests) + len(github.requests)
    assert check(archive, "--older-than", "7") == 0
    assert len(pages.requests) + len(github.requests) == asked  # everything was checked today: nothing is due
    out = capsys.readouterr().out
    assert "Checked 0 of 11 links" in out and "11 checked recently, skipped" in out
    assert check(archive, "--older-than", "0") == 0
    history = read_results(Archive(archive), Report())["https://github.com/live/repo"]
    assert len(history) == 2


def test_pages_show_each_state_in_words(web, tmp_path):
    github, pages, site, never = web
    archive = archive_for(tmp_path, site, never)
    assert check(archive) == 0
    build(BuildOptions(archive=archive, site_dir=tmp_path / "site", config_file=ROOT / "mkdocs.yml"))

    def state(slug: str, url: str) -> tuple[str, list[str]]:
        soup = BeautifulSoup((tmp_path / "site" / "papers" / f"{slug}.html").read_text(), "html.parser")
        link = soup.find("a", href=url)
        small = link.find_next("small", class_=lambda c: c and c.startswith("sg-link-"))
        return small.get_text(" ", strip=True), [a["href"] for a in small.find_all("a")]

    day = TODAY.strftime("%b ") + str(TODAY.day) + TODAY.strftime(", %Y")
    assert state("live-repository-paper", "https://github.com/live/repo")[0] == (
        f"live · MIT licence · Python · last push Nov 2, 2025 (checked {day})")
    stars = BeautifulSoup((tmp_path / "site" / "papers" / "live-repository-paper.html").read_text(), "html.parser")
    assert "★ 1,234" in stars.get_text()
    assert state("archived-repository-paper", "https://github.com/old/archived")[0].startswith("live · archived")
    assert "empty: no commits" in state("empty-repository-paper", "https://github.com/new/empty")[0]
    text, links = state("dead-page-paper", f"{site}/gone")
    assert text.startswith(f"dead (HTTP 404, since {day})")
    assert links == [f"https://web.archive.org/web/20240101000000/{site}/gone"]  # the Web Archive's copy
    text, links = state("busy-page-paper", f"{site}/busy")
    assert text.startswith(f"dead (HTTP 503, since {day})") and "no archived copy" in text and links == []
    text, links = state("silent-page-paper", f"{never}/nothing")
    assert text.startswith(f"unreachable (timed out after 0.5 s, since {day})")
    assert links == [f"https://web.archive.org/web/*/{never}/nothing"]
    text, links = state("moved-page-paper", f"{site}/moved")
    assert text.startswith("moved (checked") and links == []  # 127.0.0.1 is no public address: never a link
    stats = BeautifulSoup((tmp_path / "site" / "stats.html").read_text(), "html.parser")
    figure = stats.find("figure", id="chart-working")
    assert figure.find("svg") is not None
    assert "3 of 5 checked papers with code links (60%) have working code" in figure.get_text()


def test_a_link_never_checked_shows_as_before(tmp_path):
    archive = make_archive(tmp_path / "archive", [("2025-12-16-paste.txt", (
        f"Dec 16\n\nNever Checked Paper\n\n{ABSTRACT} Code: https://github.com/never/checked here.\n").encode())])
    build(BuildOptions(archive=archive, site_dir=tmp_path / "site", config_file=ROOT / "mkdocs.yml"))
    page = (tmp_path / "site" / "papers" / "never-checked-paper.html").read_text()
    assert "https://github.com/never/checked" in page and "sg-link-" not in page and "Web Archive" not in page


def test_githubs_rate_limit_stops_the_repositories_and_keeps_the_rest(web, tmp_path, capsys):
    github, pages, site, never = web
    github.limited_forever = primary_limit(int(time.time()) + 3600)
    archive = archive_for(tmp_path, site, never)
    assert check(archive) == 0
    out = capsys.readouterr()
    assert "Checked 6 of 11 links" in out.out and "5 left for the next run" in out.out
    assert "warning: GitHub's rate limit ran out: 5 repositories are left for the next run (it resets at" in out.err
    assert "set GITHUB_TOKEN for 5,000 requests an hour" in out.err
    results = read_results(Archive(archive), Report())
    assert len(results) == 6 and not [u for u in results if "github.com" in u]


def test_an_interrupted_run_keeps_what_it_checked(web, tmp_path, monkeypatch):
    github, pages, site, never = web
    archive = archive_for(tmp_path, site, never)
    real = run_module.check_all

    async def interrupted(urls, today, progress):
        await real(urls[:3], today, progress)
        raise KeyboardInterrupt

    monkeypatch.setattr(run_module, "check_all", interrupted)
    assert check(archive) == 130
    assert len(read_results(Archive(archive), Report())) == 3


def test_the_token_goes_to_githubs_api(web, tmp_path, monkeypatch):
    github, pages, site, never = web
    monkeypatch.setenv("GITHUB_TOKEN", "ghp_secret")
    assert check(archive_for(tmp_path, site, never)) == 0
    assert {r.headers.get("authorization") for r in github.requests} == {"Bearer ghp_secret"}
    assert not [r for r in pages.requests if "Authorization" in r.headers]


@pytest.mark.browser
def test_working_code_is_a_search_filter(web, tmp_path):
    from sitegen.browser import chromium
    from sitegen.browser import serve as serve_site

    github, pages, site, never = web
    archive = archive_for(tmp_path, site, never)
    assert check(archive) == 0
    build(BuildOptions(archive=archive, site_dir=tmp_path / "site", config_file=ROOT / "mkdocs.yml"))
    with serve_site(tmp_path / "site") as base, chromium() as context:
        page = context.new_page()
        page.goto(base + "search.html?q=paper&code=working")
        page.wait_for_selector(".sg-result")
        page.wait_for_function("document.getElementById('sg-status').textContent.includes('paper')")
        working = sorted(page.eval_on_selector_all(".sg-result__title", "els => els.map(e => e.textContent)"))
        assert working == ["Archived Repository Paper", "Live Repository Paper", "Renamed Repository Paper"]
        assert page.eval_on_selector("#sg-code", "e => e.value") == "working"
        page.goto(base + "search.html?q=paper&code=1")
        page.wait_for_function("document.getElementById('sg-status').textContent.includes('papers')")
        assert page.locator(".sg-result").count() == 5
