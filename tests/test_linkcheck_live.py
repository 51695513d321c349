"""`sitegen check-links` against fakes that answer as GitHub's REST API and the Web Archive's availability API do,
on a machine without a network: renamed and empty repositories, rate limits, serial requests, copies of dead links,
private addresses (issue 22), a links.json that cannot all be read, and no network at all (issue 21).

The page tests (the states as the built page shows them) come last in the file.
"""

from __future__ import annotations

import datetime
import json
import time
from pathlib import Path
from typing import Any

import pytest
from bs4 import BeautifulSoup
from conftest import ROOT, make_archive
from fakeapi import Answer, FakeApi, serve, silent
from fakegithub import (
    FakeGitHub,
    FakeWayback,
    Offline,
    Reply,
    Seen,
    closed_port,
    overlapping,
    primary_limit,
    secondary_limit,
    served,
)

from sitegen.cli import main
from sitegen.net.guard import Policy

ABSTRACT = ("We study things in depth. Our results show that things are better than before, and that this holds "
            "across many settings, tasks and model sizes, which we discuss at length.")
TODAY = datetime.datetime.now(datetime.timezone.utc).date()
PUBLIC = "93.184.216.34"
PROXIES = ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "NO_PROXY")


@pytest.fixture(autouse=True)
def offline(monkeypatch) -> Offline:
    """A machine without a network; fast timeouts and waits; the services at closed ports until a test serves them."""
    for name in PROXIES:
        monkeypatch.delenv(name, raising=False)
        monkeypatch.delenv(name.lower(), raising=False)
    for name in ("GITHUB_TOKEN", "SITEGEN_ALLOW_PRIVATE_LINKS", "SITEGEN_HTTP_DEADLINE"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("SITEGEN_LINK_TIMEOUT", "0.5")
    monkeypatch.setenv("SITEGEN_HTTP_BACKOFF", "0.01")
    monkeypatch.setenv("GITHUB_API_URL", closed_port())
    monkeypatch.setenv("SITEGEN_WAYBACK_API", closed_port())  # never archive.org
    return Offline().install(monkeypatch)


@pytest.fixture
def github(monkeypatch):
    fake = FakeGitHub()
    with served(fake) as base:
        monkeypatch.setenv("GITHUB_API_URL", base)
        yield fake


@pytest.fixture
def wayback(monkeypatch):
    fake = FakeWayback()
    with served(fake) as base:
        monkeypatch.setenv("SITEGEN_WAYBACK_API", base)
        yield fake


@pytest.fixture
def pages():
    """(the fake, its base URL): /ok and /secret answer, /gone and /never 404, /lost 410."""
    site = FakeApi()
    for path in ("/ok", "/secret"):
        site.on(lambda p, q, path=path: p == path, Answer(200, b"here"))
    site.on(lambda p, q: p in ("/gone", "/never"), Answer(404, b"no"))
    site.on(lambda p, q: p == "/lost", Answer(410, b"gone for good"))
    site.fallback = Answer(200, b"index")
    with serve(site) as base:
        yield site, base


def archive_of(tmp_path: Path, links: dict[str, str], checks: dict[str, Any] | None = None) -> Path:
    """An archive with one paper per (title, link), and links.json holding `checks` when given."""
    blocks = "\n\n".join(f"{title}\n\n{ABSTRACT} Code: {url} here." for title, url in links.items())
    archive = make_archive(tmp_path / "archive", [("2025-12-16-paste.txt", f"Dec 16\n\n{blocks}\n".encode())])
    if checks is not None:
        write_links(archive, checks)
    return archive


def write_links(archive: Path, links: dict[str, Any]) -> bytes:
    data = (json.dumps({"format": 1, "links": links}, indent=1, sort_keys=True) + "\n").encode()
    (archive / "links.json").write_bytes(data)
    return data


def history(count: int, first: datetime.date, **check: Any) -> list[dict[str, Any]]:
    """`count` weekly checks from `first`, each with the given fields (live, HTTP 200 unless said)."""
    fields = {"status": "live", "http": 200, **check}
    return [{"date": (first + datetime.timedelta(days=7 * i)).isoformat(), **fields} for i in range(count)]


def recorded(archive: Path) -> dict[str, list[dict[str, Any]]]:
    links: dict[str, list[dict[str, Any]]] = json.loads((archive / "links.json").read_text())["links"]
    return links


def latest(archive: Path) -> dict[str, dict[str, Any]]:
    return {url: checks[-1] for url, checks in recorded(archive).items()}


def check(archive: Path, capsys, *args: str) -> tuple[int, str, str]:
    """Run `sitegen check-links`; return (exit status, stdout, stderr), never with a traceback."""
    status = main(["check-links", "--archive", str(archive), *args])
    out, err = capsys.readouterr()
    assert "Traceback" not in err and "internal error" not in err and status != 70, err
    return status, out.strip(), err


def summary(checked: int, every: int, repos: int, live: int = 0, moved: int = 0, dead: int = 0,
            unreachable: int = 0, not_checked: int = 0, archived: int = 0, empty: int = 0) -> str:
    return (f"Checked {checked} of {every} links ({repos} GitHub repositories through its API): {live} live / "
            f"{moved} moved / {dead} dead / {unreachable} unreachable / {not_checked} not checked / {archived} "
            f"archived / {empty} empty")


def errors(err: str) -> list[str]:
    return [line for line in err.splitlines() if line.startswith("error:")]


# GitHub, as its REST API answers -----------------------------------------------------------------------------------


def test_repositories_as_githubs_api_answers_them(github, wayback, tmp_path, capsys):
    github.add("live/repo", stars=1234, license="MIT", language="Python", pushed="2025-11-02T10:00:00Z")
    github.add("bare/repo", stars=5, license=None, language=None)
    github.add("other/licence", stars=9, license="NOASSERTION", fork=True)
    renamed = github.add("old/name", stars=3)
    github.rename("old/name", "new/name")
    github.add("zero/with-commits", size=0)  # size is computed hourly: 0 alone does not mean empty
    github.add("zero/empty", size=0, empty=True)
    links = {f"{name.replace('/', ' ').title()} Paper": f"https://github.com/{name}" for name in (
        "live/repo", "bare/repo", "other/licence", "old/name", "zero/with-commits", "zero/empty", "no/such")}
    archive = archive_of(tmp_path, links)

    status, out, err = check(archive, capsys)
    assert status == 0
    assert out == summary(7, 7, 7, live=5, moved=1, dead=1, empty=1)
    got = latest(archive)
    assert got["https://github.com/live/repo"] == {
        "date": TODAY.isoformat(), "status": "live", "http": 200, "stars": 1234, "archived": False, "empty": False,
        "pushed": "2025-11-02", "license": "MIT", "language": "Python", "fork": False}
    bare = got["https://github.com/bare/repo"]
    assert "license" not in bare and "language" not in bare
    assert "license" not in got["https://github.com/other/licence"] and got["https://github.com/other/licence"]["fork"]
    assert (got["https://github.com/old/name"]["status"], got["https://github.com/old/name"]["location"]) == (
        "moved", "https://github.com/new/name")
    assert (got["https://github.com/zero/with-commits"]["status"], got["https://github.com/zero/with-commits"]["empty"]
            ) == ("live", False)
    assert (got["https://github.com/zero/empty"]["status"], got["https://github.com/zero/empty"]["empty"]) == (
        "live", True)
    assert (got["https://github.com/no/such"]["status"], got["https://github.com/no/such"]["http"]) == ("dead", 404)

    paths = github.paths()
    assert paths.index(f"/repositories/{renamed}") == paths.index("/repos/old/name") + 1  # the 301, followed
    assert sorted(p for p in paths if p.endswith("/commits")) == ["/repos/zero/empty/commits",
                                                                    "/repos/zero/with-commits/commits"]
    assert all(r.query == {"per_page": "1"} for r in github.requests if r.path.endswith("/commits"))
    assert all(p.startswith(("/repos/", "/repositories/")) for p in paths) and len(paths) == 10
    assert {r.headers["accept"] for r in github.requests} == {"application/vnd.github+json"}
    assert overlapping(github.requests) == []
    # The dead repository was never seen alive: the Web Archive is asked without a timestamp, and has no copy.
    assert [(r.path, r.query) for r in wayback.requests] == [
        ("/wayback/available", {"url": "https://github.com/no/such"})]
    assert got["https://github.com/no/such"]["no_snapshot"] is True


def test_githubs_api_is_asked_one_request_at_a_time(github, pages, wayback, tmp_path, capsys, monkeypatch):
    monkeypatch.setenv("SITEGEN_ALLOW_PRIVATE_LINKS", "1")  # the pages are on 127.0.0.1
    github.delay = 0.05
    site, base = pages
    names = [f"owner{i}/repo{i}" for i in range(8)]
    for i, name in enumerate(names):
        github.add(name, stars=i, size=0 if i % 2 else 10)
    links = {f"Repository {i} Paper": f"https://github.com/{name}" for i, name in enumerate(names)}
    links.update({f"Page {i} Paper": f"{base}/ok?n={i}" for i in range(8)})
    archive = archive_of(tmp_path, links)

    status, out, err = check(archive, capsys)
    assert status == 0 and out == summary(16, 16, 8, live=16)
    assert len(github.requests) == 12 and overlapping(github.requests) == []
    assert len(site.requests) == 8


@pytest.mark.parametrize("status, retry", [(403, 1), (429, 1), (403, None)])
def test_a_secondary_rate_limit_is_waited_out_and_never_recorded(github, wayback, tmp_path, capsys, status, retry):
    github.add("busy/repo", stars=42)
    github.add("calm/repo", stars=7)
    github.limits = [secondary_limit(retry, status)]
    archive = archive_of(tmp_path, {"Busy Paper": "https://github.com/busy/repo",
                                    "Calm Paper": "https://github.com/calm/repo"})

    code, out, err = check(archive, capsys)
    assert code == 0 and out == summary(2, 2, 2, live=2)
    assert "GitHub's API asks to slow down: waiting" in err
    first, again = github.requests[0], github.requests[1]
    assert first.path == again.path  # the same request, asked again
    assert again.start - first.end >= (0.9 if retry else 0.25)  # retry-after, else 30 s x SITEGEN_HTTP_BACKOFF
    got = recorded(archive)
    assert [(c["status"], c["stars"]) for c in got["https://github.com/busy/repo"]] == [("live", 42)]
    assert [(c["status"], c["stars"]) for c in got["https://github.com/calm/repo"]] == [("live", 7)]
    assert overlapping(github.requests) == []


@pytest.mark.parametrize("status", [403, 429])
def test_a_primary_rate_limit_that_resets_soon_is_waited_out(github, wayback, tmp_path, capsys, status):
    github.add("live/repo", stars=99)
    github.limits = [primary_limit(int(time.time()), status)]
    archive = archive_of(tmp_path, {"Live Paper": "https://github.com/live/repo"})

    code, out, err = check(archive, capsys)
    assert code == 0 and out == summary(1, 1, 1, live=1)
    assert github.paths() == ["/repos/live/repo", "/repos/live/repo"]
    assert github.requests[1].start - github.requests[0].end >= 0.9
    assert [(c["status"], c["stars"]) for c in recorded(archive)["https://github.com/live/repo"]] == [("live", 99)]


def test_a_primary_rate_limit_that_resets_late_leaves_the_rest_for_the_next_run(github, wayback, tmp_path, capsys):
    for name in ("a/one", "b/two", "c/three", "d/four"):
        github.add(name, stars=1)
    github.limited_forever = primary_limit(int(time.time()) + 3600)
    checks = {"https://github.com/a/one": history(3, datetime.date(2025, 1, 1), stars=1)}
    archive = archive_of(tmp_path, {f"Paper {n}": f"https://github.com/{n}" for n in (
        "a/one", "b/two", "c/three", "d/four")}, checks)
    before = (archive / "links.json").read_bytes()

    code, out, err = check(archive, capsys)
    assert code == 0 and out == summary(0, 4, 0) + "; 4 left for the next run"
    assert "warning: GitHub's rate limit ran out: 4 repositories are left for the next run" in err
    assert (archive / "links.json").read_bytes() == before  # a rate limit is no state of a link
    # GitHub: requests made while rate limited may get the integration banned; the first answer said to stop.
    assert len(github.requests) == 1, github.paths()


def test_a_secondary_rate_limit_that_never_lifts_leaves_the_repositories_and_records_nothing(github, wayback,
                                                                                           tmp_path, capsys):
    github.add("busy/repo", stars=1)
    github.limited_forever = secondary_limit(0)
    archive = archive_of(tmp_path, {"Busy Paper": "https://github.com/busy/repo"})
    code, out, err = check(archive, capsys)
    assert code == 0 and out == summary(0, 1, 0) + "; 1 left for the next run"
    assert "warning: GitHub's rate limit ran out: 1 repositories are left for the next run" in err
    assert github.paths() == ["/repos/busy/repo"] * 4  # asked again, a bounded number of times
    assert not (archive / "links.json").exists()


def test_a_redirect_from_the_api_elsewhere_is_not_followed_and_the_token_stays(github, wayback, tmp_path, capsys,
                                                                            monkeypatch):
    monkeypatch.setenv("GITHUB_TOKEN", "ghp_secret")
    other = FakeApi()
    github.add("live/repo", stars=1)
    with serve(other) as elsewhere:
        original = github.reply

        def reply(seen: Seen) -> Reply:
            if seen.path == "/repos/moved/away":
                return Reply(301, None, {"location": f"{elsewhere}/x"})
            return original(seen)

        github.reply = reply
        archive = archive_of(tmp_path, {"Live Paper": "https://github.com/live/repo",
                                        "Moved Away Paper": "https://github.com/moved/away"})
        code, out, err = check(archive, capsys)
    assert code == 0 and other.requests == []
    got = latest(archive)
    assert (got["https://github.com/moved/away"]["status"], got["https://github.com/moved/away"]["reason"]) == (
        "not-checked", "redirects to a private address")
    assert elsewhere not in (archive / "links.json").read_text()
    assert {r.headers.get("authorization") for r in github.requests} == {"Bearer ghp_secret"}


def test_a_github_link_that_is_no_repository_never_steers_the_api(github, pages, wayback, tmp_path, capsys,
                                                                 monkeypatch, offline):
    monkeypatch.setenv("GITHUB_TOKEN", "ghp_secret")
    monkeypatch.setenv("SITEGEN_ALLOW_PRIVATE_LINKS", "1")
    site, base = pages
    github.add("live/repo", stars=1)
    steering = ["https://github.com/../user", "https://github.com/a..b/x", "https://github.com/-bad/x",
                "https://github.com/bad--owner/x", "https://github.com/%2e%2e/user", "https://github.com/owner/.."]
    links = {f"Steering {i} Paper": url for i, url in enumerate(steering)}
    links.update({"Live Paper": "https://github.com/live/repo", "Page Paper": f"{base}/ok"})
    archive = archive_of(tmp_path, links)

    code, out, err = check(archive, capsys)
    assert code == 0
    assert github.paths() == ["/repos/live/repo"]  # nothing else: no /user, nothing outside /repos/
    assert {r.headers.get("authorization") for r in github.requests} == {"Bearer ghp_secret"}
    assert [r.path for r in site.requests] == ["/ok"] and "Authorization" not in site.requests[0].headers
    got = latest(archive)
    assert got["https://github.com/../user"]["status"] == "unreachable"  # a page of github.com, which is offline
    assert got["https://github.com/../user"]["reason"] == "its host name does not resolve"
    assert set(offline.lookups) == {"github.com"} and offline.refused == []
    assert out == summary(8, 8, 1, live=2, unreachable=6)


# The Web Archive's copies of dead links ----------------------------------------------------------------------------


def _dead_links(tmp_path: Path, base: str) -> Path:
    links = {"Gone Page Paper": f"{base}/gone", "Lost Page Paper": f"{base}/lost",
             "Never Seen Paper": f"{base}/never", "Fine Page Paper": f"{base}/ok"}
    checks = {f"{base}/gone": [*history(2, datetime.date(2024, 2, 27)), {"date": "2024-03-12", "status":
                                                                         "unreachable", "reason": "timed out"}],
              f"{base}/lost": history(1, datetime.date(2024, 2, 2)),
              f"{base}/ok": history(1, datetime.date(2024, 1, 1))}
    return archive_of(tmp_path, links, checks)


def test_a_dead_link_gets_the_copy_from_the_last_day_it_was_alive(pages, wayback, tmp_path, capsys, monkeypatch):
    monkeypatch.setenv("SITEGEN_ALLOW_PRIVATE_LINKS", "1")
    site, base = pages
    wayback.copies[f"{base}/gone"] = ["20230101000000", "20240301000000", "20250101000000"]
    archive = _dead_links(tmp_path, base)

    code, out, err = check(archive, capsys)
    assert code == 0 and out == summary(4, 4, 0, live=1, dead=3)
    asked = {r.query["url"]: r.query.get("timestamp") for r in wayback.requests}
    assert asked == {f"{base}/gone": "20240305", f"{base}/lost": "20240202", f"{base}/never": None}
    got = latest(archive)
    assert got[f"{base}/gone"]["snapshot"] == f"https://web.archive.org/web/20240301000000/{base}/gone"
    assert "no_snapshot" not in got[f"{base}/gone"]
    assert got[f"{base}/lost"]["no_snapshot"] is True and "snapshot" not in got[f"{base}/lost"]
    assert got[f"{base}/never"]["no_snapshot"] is True
    assert "snapshot" not in got[f"{base}/ok"] and "no_snapshot" not in got[f"{base}/ok"]

    # Dead again: what the Web Archive said is kept, not asked again.
    code, out, err = check(archive, capsys, "--older-than", "0")
    assert code == 0 and len(wayback.requests) == 3
    assert latest(archive)[f"{base}/gone"]["snapshot"] == got[f"{base}/gone"]["snapshot"]
    assert len(recorded(archive)[f"{base}/gone"]) == 5


@pytest.mark.parametrize("archive_api", ["closed", "silent"])
def test_an_unreachable_web_archive_records_no_copy(pages, tmp_path, capsys, monkeypatch, archive_api):
    monkeypatch.setenv("SITEGEN_ALLOW_PRIVATE_LINKS", "1")
    site, base = pages
    with silent() as never:
        monkeypatch.setenv("SITEGEN_WAYBACK_API", closed_port() if archive_api == "closed" else never)
        archive = _dead_links(tmp_path, base)
        start = time.monotonic()
        code, out, err = check(archive, capsys)
    assert time.monotonic() - start < 15
    assert code == 0 and out == summary(4, 4, 0, live=1, dead=3)
    for url, last in latest(archive).items():
        assert "snapshot" not in last and "no_snapshot" not in last, url


# No network at all (issue 21) --------------------------------------------------------------------------------------


@pytest.mark.parametrize("before", ["absent", "present"])
def test_no_network_records_nothing_and_says_so(tmp_path, capsys, monkeypatch, offline, before):
    monkeypatch.setenv("SITEGEN_ALLOW_PRIVATE_LINKS", "1")
    links = {"Refused Page Paper": f"{closed_port()}/a", "Other Refused Paper": f"{closed_port()}/b",
             "Repository Paper": "https://github.com/live/repo", "Nowhere Paper": "https://nowhere.invalid/x",
             "Public Paper": "https://example.org/paper"}
    checks = {url: history(2, datetime.date(2025, 6, 1)) for url in links.values()} if before == "present" else None
    archive = archive_of(tmp_path, links, checks)
    was = (archive / "links.json").read_bytes() if checks else None

    code, out, err = check(archive, capsys)
    assert code == 1 and out == ""
    assert len(errors(err)) == 1 and "the network seems unreachable" in errors(err)[0]
    assert "nothing was recorded and links.json is as it was" in errors(err)[0]
    if was is None:
        assert not (archive / "links.json").exists()
    else:
        assert (archive / "links.json").read_bytes() == was
    assert offline.refused == []  # nothing but loopback was even tried


def test_one_refused_host_among_working_ones_is_recorded(pages, github, wayback, tmp_path, capsys, monkeypatch):
    monkeypatch.setenv("SITEGEN_ALLOW_PRIVATE_LINKS", "1")
    site, base = pages
    github.add("live/repo", stars=3)
    refused = f"{closed_port()}/x"
    archive = archive_of(tmp_path, {"Fine Paper": f"{base}/ok", "Refused Paper": refused,
                                    "Nowhere Paper": "https://nowhere.invalid/x",
                                    "Repository Paper": "https://github.com/live/repo"})
    code, out, err = check(archive, capsys)
    assert code == 0 and out == summary(4, 4, 1, live=2, unreachable=2)
    got = latest(archive)
    assert (got[refused]["status"], got[refused]["reason"]) == ("unreachable", "the connection was refused")
    assert got["https://nowhere.invalid/x"]["reason"] == "its host name does not resolve"


# Private addresses (issue 22) --------------------------------------------------------------------------------------


def _private_links(port: int) -> dict[str, str]:
    return {"Loopback Paper": f"http://127.0.0.1:{port}/secret", "Short Loopback Paper": f"http://127.1:{port}/",
            "Hex Loopback Paper": f"http://0x7f.1:{port}/", "Dotted Localhost Paper": f"http://localhost.:{port}/",
            "Metadata Service Paper": "http://169.254.169.254/latest/meta-data/",
            "Private Network Paper": "http://10.0.0.1/", "Internal Name Paper": "http://metadata.google.internal/v1/",
            "Rebinding Name Paper": "http://rebind.example.org/",
            "Intranet Name Paper": f"http://wiki.example.org:{port}/",
            "IPv6 Loopback Paper": f"http://[::1]:{port}/secret"}


def test_private_addresses_are_not_requested_without_the_opt_in(pages, github, wayback, tmp_path, capsys, offline):
    site, base = pages
    port = int(base.rsplit(":", 1)[1])
    offline.names.update({"rebind.example.org": [PUBLIC, "127.0.0.1"], "wiki.example.org": ["10.1.2.3"]})
    github.add("live/repo", stars=1)  # the configured API is trusted without the opt-in
    links = {**_private_links(port), "Repository Paper": "https://github.com/live/repo"}
    archive = archive_of(tmp_path, links)

    code, out, err = check(archive, capsys)
    assert code == 0 and out == summary(10, 10, 1, live=1, not_checked=9)
    assert site.requests == [] and offline.refused == []  # nothing was even tried
    assert "metadata.google.internal" not in offline.lookups  # private by its name: not even looked up
    got = latest(archive)
    private = [url for title, url in _private_links(port).items() if "IPv6" not in title]
    assert {url: (got[url]["status"], got[url]["reason"]) for url in private} == dict.fromkeys(
        private, ("not-checked", "private address"))
    assert f"http://[::1]:{port}/secret" not in got  # not a link at all (no dot in its host): never asked
    assert got["https://github.com/live/repo"]["status"] == "live"


def test_private_addresses_are_checked_with_the_opt_in(pages, wayback, tmp_path, capsys, monkeypatch):
    monkeypatch.setenv("SITEGEN_ALLOW_PRIVATE_LINKS", "1")
    site, base = pages
    port = int(base.rsplit(":", 1)[1])
    links = {"Loopback Paper": f"http://127.0.0.1:{port}/secret", "Short Loopback Paper": f"http://127.1:{port}/",
             "Hex Loopback Paper": f"http://0x7f.1:{port}/", "Dotted Localhost Paper": f"http://localhost.:{port}/"}
    archive = archive_of(tmp_path, links)
    code, out, err = check(archive, capsys)
    assert code == 0 and out == summary(4, 4, 0, live=4)
    assert sorted(r.path for r in site.requests) == ["/", "/", "/", "/secret"]
    assert {last["status"] for last in latest(archive).values()} == {"live"}


@pytest.fixture
def trusted_redirect(monkeypatch, wayback):
    """(page server, its base, the inside server, its base): the page server is trusted as if configured, and its
    /go and /to-localhost redirect to the inside server, which nothing trusts."""
    inside, site = FakeApi(), FakeApi()
    inside.fallback = Answer(200, b"the inside")
    with serve(inside) as inner, serve(site) as base:
        site.on(lambda p, q: p == "/go", Answer(302, b"", {"Location": f"{inner}/admin"}))
        site.on(lambda p, q: p == "/to-localhost",
                Answer(301, b"", {"Location": inner.replace("127.0.0.1", "localhost.") + "/admin"}))
        real = Policy.for_endpoints.__func__  # type: ignore[attr-defined]
        monkeypatch.setattr(Policy, "for_endpoints", classmethod(lambda cls, *urls: real(cls, *urls, base)))
        yield site, base, inside, inner


def test_a_redirect_to_a_private_address_is_not_followed(trusted_redirect, tmp_path, capsys):
    site, base, inside, inner = trusted_redirect
    archive = archive_of(tmp_path, {"Redirecting Paper": f"{base}/go", "Localhost Paper": f"{base}/to-localhost"})
    code, out, err = check(archive, capsys)
    assert code == 0 and out == summary(2, 2, 0, not_checked=2)
    assert sorted(r.path for r in site.requests) == ["/go", "/to-localhost"] and inside.requests == []
    got = latest(archive)
    assert got[f"{base}/to-localhost"]["reason"] == "redirects to a private address"
    assert all("location" not in last and last["status"] == "not-checked" for last in got.values())
    port = inner.rsplit(":", 1)[1]
    assert port not in (archive / "links.json").read_text()


# links.json that cannot all be read (issue 22) ---------------------------------------------------------------------

GOOD = ["a/one", "b/two", "c/three"]


def _bad_check(kind: str) -> dict[str, Any]:
    check: dict[str, Any] = {"date": "2025-06-01", "status": "dead", "http": 404}
    if kind == "no date":
        del check["date"]
    elif kind == "unknown status":
        check["status"] = "zombie"
    else:
        check["date"] = kind
    return check


@pytest.mark.parametrize("kind", ["no date", "0001-01-01", "9999-12-31", "unknown status"])
def test_one_bad_entry_is_kept_as_it_was_and_the_others_go_on(github, pages, wayback, tmp_path, capsys, monkeypatch,
                                                             kind):
    monkeypatch.setenv("SITEGEN_ALLOW_PRIVATE_LINKS", "1")
    site, base = pages
    for name in GOOD:
        github.add(name, stars=11)
    bad_url = f"{base}/gone"
    checks: dict[str, Any] = {f"https://github.com/{n}": history(19, datetime.date(2025, 1, 6), stars=10) for n in GOOD}
    checks[bad_url] = [*history(3, datetime.date(2025, 3, 3)), _bad_check(kind)]
    links = {f"Paper {n.split('/')[1].title()}": f"https://github.com/{n}" for n in GOOD}
    archive = archive_of(tmp_path, {**links, "Bad Entry Paper": bad_url}, checks)

    status = main(["build", "--archive", str(archive), "--site-dir", str(tmp_path / "site"),
                   "--config", str(ROOT / "mkdocs.yml"), "--jobs", "1"])
    err = capsys.readouterr().err
    assert status == 0 and "Traceback" not in err
    assert f"links.json: the checks of {bad_url!r} cannot be read" in err
    page = (tmp_path / "site" / "papers" / "paper-one.html").read_text()
    assert 'class="sg-link-live"' in page and "★ 10" in page
    assert "sg-link-" not in (tmp_path / "site" / "papers" / "bad-entry-paper.html").read_text()

    code, out, err = check(archive, capsys)
    assert code == 0 and out.startswith(summary(3, 4, 3, live=3))
    assert f"links.json: the checks of {bad_url!r} cannot be read" in err
    got = recorded(archive)
    for name in GOOD:
        url = f"https://github.com/{name}"
        assert len(got[url]) == 20 and got[url][:19] == checks[url] and got[url][19]["stars"] == 11
    assert got[bad_url] == checks[bad_url] and site.requests == []

    code, out, err = check(archive, capsys, "--older-than", "0")
    got = recorded(archive)
    assert code == 0 and [len(got[f"https://github.com/{n}"]) for n in GOOD] == [20, 20, 20]
    assert got["https://github.com/a/one"][0] == checks["https://github.com/a/one"][1]  # the oldest went
    assert got[bad_url] == checks[bad_url]


def test_the_summary_does_not_call_an_unreadable_entry_checked_recently(github, wayback, tmp_path, capsys):
    """Its link was skipped because its entry cannot be read (the warning says so), not because it is fresh."""
    github.add("a/one", stars=1)
    bad = "https://github.com/b/two"
    archive = archive_of(tmp_path, {"Paper One": "https://github.com/a/one", "Paper Two": bad},
                         {bad: [_bad_check("no date")]})
    code, out, err = check(archive, capsys)
    assert code == 0 and out.startswith(summary(1, 2, 1, live=1))
    assert "checked recently" not in out, out


@pytest.mark.parametrize("content", [b"{not json at all", b"[" * 100_000 + b"]" * 100_000,
                                     b'{"format": 1, "links": {"https://a.org/x": ' + b"[" * 100_000 + b"]" * 100_000
                                     + b"}}", b'{"format": 1, "links": []}', b"\xff\xfe\x00junk"])
def test_a_links_json_that_cannot_be_read_is_skipped_by_the_build_and_kept_by_check_links(github, wayback, tmp_path,
                                                                                         capsys, content):
    github.add("live/repo", stars=1)
    archive = archive_of(tmp_path, {"Live Paper": "https://github.com/live/repo"})
    (archive / "links.json").write_bytes(content)

    status = main(["build", "--archive", str(archive), "--site-dir", str(tmp_path / "site"),
                   "--config", str(ROOT / "mkdocs.yml"), "--jobs", "1"])
    err = capsys.readouterr().err
    assert status == 0 and "Traceback" not in err
    assert next(line for line in err.splitlines() if "links.json" in line).startswith("warning: ")
    assert (tmp_path / "site" / "papers" / "live-paper.html").exists()

    code, out, err = check(archive, capsys)
    assert code == 1 and out == ""
    assert len(errors(err)) == 1 and "links.json: cannot be read, so check-links will not replace it" in err
    assert (archive / "links.json").read_bytes() == content and github.requests == []


# The states on the built page (sitegen/render/paper.py) ------------------------------------------------------------


def build_site(archive: Path, tmp_path: Path, capsys) -> Path:
    # One MkDocs process (here and above), as in test_hardening_publish.py: a small site's second process adds
    # only its start-up (test_parallel_build.py covers --jobs).
    status = main(["build", "--archive", str(archive), "--site-dir", str(tmp_path / "site"),
                   "--config", str(ROOT / "mkdocs.yml"), "--jobs", "1"])
    err = capsys.readouterr().err
    assert status == 0 and "Traceback" not in err, err
    return tmp_path / "site"


def state(site: Path, slug: str, url: str) -> tuple[str, list[str]]:
    """The words of a link's state on its paper's page, and the links among them."""
    soup = BeautifulSoup((site / "papers" / f"{slug}.html").read_text(), "html.parser")
    link = soup.find("a", href=url)
    assert link is not None, f"{url} is not linked on {slug}"
    small = link.find_next("small", class_=lambda c: c and c.startswith("sg-link-"))
    return small.get_text(" ", strip=True), [a["href"] for a in small.find_all("a")]


def test_the_page_shows_the_copy_or_that_there_is_none(pages, wayback, tmp_path, capsys, monkeypatch):
    monkeypatch.setenv("SITEGEN_ALLOW_PRIVATE_LINKS", "1")
    site, base = pages
    wayback.copies[f"{base}/gone"] = ["20240301000000"]
    archive = _dead_links(tmp_path, base)
    assert check(archive, capsys)[0] == 0
    out = build_site(archive, tmp_path, capsys)
    text, links = state(out, "gone-page-paper", f"{base}/gone")
    assert text.startswith("dead (HTTP 404, since") and "Web Archive copy" in text
    assert links == [f"https://web.archive.org/web/20240301000000/{base}/gone"]
    for slug, path in (("lost-page-paper", "/lost"), ("never-seen-paper", "/never")):
        text, links = state(out, slug, f"{base}{path}")
        assert "no archived copy" in text and links == [], slug


def test_the_page_links_the_list_of_copies_when_the_web_archive_did_not_answer(pages, tmp_path, capsys, monkeypatch):
    monkeypatch.setenv("SITEGEN_ALLOW_PRIVATE_LINKS", "1")
    site, base = pages
    archive = _dead_links(tmp_path, base)
    assert check(archive, capsys)[0] == 0
    out = build_site(archive, tmp_path, capsys)
    for slug, path in (("gone-page-paper", "/gone"), ("lost-page-paper", "/lost")):
        text, links = state(out, slug, f"{base}{path}")
        assert links == [f"https://web.archive.org/web/*/{base}{path}"] and "no archived copy" not in text


def test_the_page_says_a_private_link_was_not_checked_and_shows_no_redirect_target(trusted_redirect, tmp_path,
                                                                                   capsys):
    site, base, inside, inner = trusted_redirect
    archive = archive_of(tmp_path, {"Redirecting Paper": f"{base}/go", "Metadata Paper": "http://10.0.0.1/"})
    assert check(archive, capsys)[0] == 0
    out = build_site(archive, tmp_path, capsys)
    text, links = state(out, "metadata-paper", "http://10.0.0.1/")
    assert text.startswith("not checked: private address") and links == []
    text, links = state(out, "redirecting-paper", f"{base}/go")
    assert text.startswith("not checked") and links == []
    assert inner.rsplit(":", 1)[1] not in (out / "papers" / "redirecting-paper.html").read_text()
    assert inside.requests == []
