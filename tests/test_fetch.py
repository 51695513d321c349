"""`sitegen fetch`: run for real against fake APIs on 127.0.0.1 (HF_ENDPOINT, SITEGEN_ARXIV_API)."""

from __future__ import annotations

import datetime
import hashlib
import json
import re
from pathlib import Path

import pytest
from conftest import FIXTURES, ROOT, make_archive
from fakeapi import Answer, FakeApi
from fakehub import Hub

from sitegen import fs
from sitegen.archive import Archive
from sitegen.cli import main
from sitegen.errors import Report
from sitegen.pipeline import BuildOptions, build, read_inputs

API = FIXTURES / "api"
ABSTRACT = ("We study things in depth. Our results show that things are better than before, and that this holds "
            "across many settings, tasks and model sizes, which we discuss at length.")
TODAY = datetime.datetime.now(datetime.timezone.utc).date()


def rows(day: str, count: int, start: int = 0) -> list[dict]:
    return [{"paper": {"id": f"2512.{start + n:05d}", "title": f"Paper {start + n} of {day}", "summary": ABSTRACT,
                       "authors": [{"name": "Ann Author"}], "upvotes": n, "submittedOnDailyAt": f"{day}T00:00:00.000Z"},
             "publishedAt": f"{day}T00:00:00.000Z", "title": f"Paper {start + n} of {day}"} for n in range(count)]


def day_is(day: str, page: int | None = None):
    return lambda path, q: path == "/api/daily_papers" and q.get("date") == day and (
        page is None or q.get("p") == str(page))


def archive_with(tmp_path: Path, *listings) -> Path:
    return make_archive(tmp_path / "archive", list(listings) or [API / "2025-12-17-hf-daily.json"])


def fetch(archive: Path, *args: str) -> int:
    return main(["fetch", "--archive", str(archive), *args])


def checksums(root: Path) -> dict[str, str]:
    return {p.relative_to(root).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(root.rglob("*")) if p.is_file()}


# ---------------------------------------------------------------------------------------------------------
# Days


def page_of(day: str, count: int, start: int = 0) -> Answer:
    return Answer(200, json.dumps(rows(day, count, start)).encode())


def one_page_day(api: FakeApi, day: str, count: int, start: int = 0) -> bytes:
    """Serve a day as the real list does: its rows on page 0, an empty page after."""
    body = json.dumps(rows(day, count, start), indent=2).encode()
    api.on(day_is(day, 0), Answer(200, body))
    api.on(day_is(day), Answer(200, b"[]"))
    return body


def captures_of(archive: Path, day: str) -> list[Path]:
    return sorted((archive / "listings").glob(f"{day}-hf-daily*.json"))


def test_a_day_is_saved_unchanged_and_the_build_reads_it(api, clock, tmp_path, capsys):
    clock.set("2025-12-20T07:17:02")
    body = one_page_day(api, "2025-12-18", 3)
    archive = archive_with(tmp_path)
    assert fetch(archive, "--date", "2025-12-18") == 0
    [saved] = captures_of(archive, "2025-12-18")
    assert saved.name == "2025-12-18-hf-daily-20251220T071702Z.json"  # the day, and when it was captured
    assert saved.read_bytes() == body
    assert capsys.readouterr().out.strip() == ("Fetched 1 day from Hugging Face: 1 capture added (3 new papers), "
                                               "0 unchanged, 0 empty")
    assert [r.query for r in api.requests] == [{"date": "2025-12-18", "p": "0", "limit": "100"},
                                               {"date": "2025-12-18", "p": "1", "limit": "100"}]
    titles = {p.title for p in read_inputs(Archive(archive), Report()).papers}
    assert {"Paper 0 of 2025-12-18", "Paper 2 of 2025-12-18"} <= titles


def test_pages_are_asked_for_until_an_empty_one_whatever_their_size(api, clock, tmp_path):
    # The service gives 50 a page whatever the limit asks; a short page is not the last one.
    hub = Hub(clock.now, cap=50)
    hub.add(datetime.date(2025, 12, 18), clock.at("2025-12-18T09:00:00"), 130)
    hub.attach(api)
    clock.set("2025-12-21T07:17:00")
    archive = archive_with(tmp_path)
    assert fetch(archive, "--date", "2025-12-18") == 0
    [saved] = captures_of(archive, "2025-12-18")
    ids = [row["paper"]["id"] for row in json.loads(saved.read_text())]
    assert len(ids) == len(set(ids)) == 130
    assert [r.query["p"] for r in api.requests] == ["0", "1", "2", "3"]


def test_a_short_page_is_not_taken_for_the_last(api, tmp_path):
    api.on(day_is("2025-12-18", 0), page_of("2025-12-18", 20))
    api.on(day_is("2025-12-18", 1), page_of("2025-12-18", 20, start=20))
    api.on(day_is("2025-12-18"), Answer(200, b"[]"))
    archive = archive_with(tmp_path)
    assert fetch(archive, "--date", "2025-12-18") == 0
    [saved] = captures_of(archive, "2025-12-18")
    assert len(json.loads(saved.read_text())) == 40


def test_a_day_that_fills_is_fetched_again_until_complete_and_nothing_is_lost(api, clock, tmp_path, capsys):
    hub = Hub(clock.now)
    day = datetime.date(2025, 12, 18)
    first = hub.add(day, clock.at("2025-12-18T06:00:00"), 4)
    later = hub.add(day, clock.at("2025-12-18T15:00:00"), 30)
    late = hub.add(day, clock.at("2025-12-19T03:00:00"), 2)  # shortly after the day: it can still change
    hub.attach(api)
    archive = archive_with(tmp_path)

    clock.set("2025-12-18T07:17:00")  # the scheduled run, early in the day
    assert fetch(archive, "--date", "2025-12-18") == 0
    assert len(captures_of(archive, "2025-12-18")) == 1
    clock.set("2025-12-19T07:17:00")
    assert fetch(archive, "--date", "2025-12-18") == 0
    assert len(captures_of(archive, "2025-12-18")) == 2  # a new capture: the first one is never changed
    capsys.readouterr()
    before = checksums(archive)
    clock.set("2025-12-19T08:00:00")  # nothing new since
    assert fetch(archive, "--date", "2025-12-18") == 0
    assert checksums(archive) == before  # a run that finds nothing new writes nothing
    assert "0 captures added (0 new papers), 1 unchanged" in capsys.readouterr().out
    clock.set("2025-12-20T07:17:00")  # two days after: complete; upvotes changed, so the final counts are kept
    assert fetch(archive, "--date", "2025-12-18") == 0
    assert len(captures_of(archive, "2025-12-18")) == 3
    api.requests.clear()
    clock.set("2025-12-21T07:17:00")
    assert fetch(archive, "--date", "2025-12-18") == 0
    assert api.requests == []  # a complete day is not asked again
    papers = {p.facts.arxiv_id: p for p in read_inputs(Archive(archive), Report()).papers}
    assert {p.arxiv_id for p in first + later + late} <= set(papers)
    newest = papers[first[0].arxiv_id]
    assert newest.upvote_count == first[0].row(clock.at("2025-12-20T07:17:00"))["paper"]["upvotes"]  # newest wins
    assert len(newest.seen_in) == 3


def test_a_bare_fetch_says_what_it_will_ask_and_asks_again_for_days_not_complete(api, clock, tmp_path, capsys):
    hub = Hub(clock.now)
    hub.add(datetime.date(2025, 12, 17), clock.at("2025-12-17T05:00:00"), 2)
    hub.add(datetime.date(2025, 12, 17), clock.at("2025-12-17T20:00:00"), 3)
    hub.attach(api)
    archive = archive_with(tmp_path, ("2025-12-16-hf-daily.json", json.dumps(rows("2025-12-16", 1)).encode()))
    clock.set("2025-12-17T07:17:00")
    assert fetch(archive) == 0
    err = capsys.readouterr().err
    # From the newest day held (an older sitegen's capture, moment unknown: not complete) or a week back.
    assert "Asking Hugging Face for 8 days, 2025-12-10 to 2025-12-17 (1 held but not complete yet)" in err
    clock.set("2025-12-18T07:17:00")
    assert fetch(archive) == 0
    assert len(captures_of(archive, "2025-12-17")) == 2
    asked = {r.query["date"] for r in api.requests}
    assert "2025-12-17" in asked and "2025-12-16" in asked


def test_a_range_asks_only_for_days_without_a_complete_capture(api, clock, tmp_path, capsys):
    clock.set("2025-12-30T07:17:00")
    for day in ("2025-12-15", "2025-12-17", "2025-12-18"):
        one_page_day(api, day, 2)
    complete = ("2025-12-16-hf-daily-20251219T071700Z.json", json.dumps(rows("2025-12-16", 1)).encode())
    archive = archive_with(tmp_path, API / "2025-12-17-hf-daily.json", complete)
    before = checksums(archive)
    assert fetch(archive, "--since", "2025-12-14", "--until", "2025-12-18") == 0
    assert sorted({r.query["date"] for r in api.requests}) == ["2025-12-14", "2025-12-15", "2025-12-17", "2025-12-18"]
    after = checksums(archive)
    assert {k: v for k, v in after.items() if k in before} == before  # nothing the archive held was touched
    assert sorted(set(after) - set(before)) == ["listings/2025-12-15-hf-daily-20251230T071700Z.json",
                                                "listings/2025-12-17-hf-daily-20251230T071700Z.json",
                                                "listings/2025-12-18-hf-daily-20251230T071700Z.json"]
    assert "Fetched 4 days from Hugging Face: 3 captures added (6 new papers), 0 unchanged, 1 empty" in \
        capsys.readouterr().out


def test_a_complete_day_is_not_fetched_again(api, tmp_path, capsys):
    archive = archive_with(tmp_path, ("2025-12-17-hf-daily-20251220T000000Z.json",
                                      json.dumps(rows("2025-12-17", 1)).encode()))
    assert fetch(archive, "--date", "2025-12-17") == 0
    assert api.requests == [] and "taken once the day was complete; nothing to fetch" in capsys.readouterr().out


def test_with_no_date_every_day_since_the_newest_one_held_is_fetched(api, clock, tmp_path):
    clock.set("2025-12-20T07:17:00")
    archive = archive_with(tmp_path, ("2025-11-30-hf-daily-20251203T000000Z.json",
                                      json.dumps(rows("2025-11-30", 1)).encode()))
    assert fetch(archive) == 0
    asked = sorted({r.query["date"] for r in api.requests})
    assert asked[0] == "2025-12-01" and asked[-1] == "2025-12-20" and len(asked) == 20


def test_with_no_dated_listing_there_is_nothing_to_continue_from(api, tmp_path, capsys):
    archive = archive_with(tmp_path, ("undated.txt", f"Title One\n\n{ABSTRACT}\n".encode()))
    assert fetch(archive) == 1
    err = capsys.readouterr().err
    assert "the archive holds no dated listing to continue from (pass --date YYYY-MM-DD or --since" in err


def test_429_and_5xx_are_retried(api, tmp_path):
    api.on(day_is("2025-12-18", 0), Answer(429, b"slow down", {"Retry-After": "0"}), Answer(503, b"busy"),
           page_of("2025-12-18", 1))
    api.on(day_is("2025-12-18"), Answer(200, b"[]"))
    archive = archive_with(tmp_path)
    assert fetch(archive, "--date", "2025-12-18") == 0
    assert len(api.requests) == 4 and captures_of(archive, "2025-12-18")


def test_a_429_with_only_a_ratelimit_header_is_waited_out(api, clock, tmp_path, capsys):
    hub = Hub(clock.now, throttle={2})
    hub.add(datetime.date(2025, 12, 18), clock.at("2025-12-18T09:00:00"), 60)
    hub.attach(api)
    clock.set("2025-12-21T07:17:00")
    archive = archive_with(tmp_path)
    assert fetch(archive, "--date", "2025-12-18") == 0
    assert "Hugging Face's API is rate limited: waiting 1 s, as its answer asks" in capsys.readouterr().err
    second, again = api.requests[1], api.requests[2]
    assert second.query == again.query and again.at - second.at >= 1.0  # t=1 waited, then the same page again
    assert len(json.loads(captures_of(archive, "2025-12-18")[0].read_text())) == 60


def test_a_rate_limit_too_long_to_wait_stops_with_when_to_run_again(api, tmp_path, capsys):
    api.on(day_is("2025-12-18"), Answer(429, b"{}", {"RateLimit": '"api";r=0;t=86400'}))
    archive = archive_with(tmp_path)
    before = checksums(archive)
    assert fetch(archive, "--date", "2025-12-18") == 1
    err = capsys.readouterr().err
    assert "Hugging Face's API is rate limited for 86400 s (GET http://127.0.0.1:" in err and "run again after" in err
    assert checksums(archive) == before


def test_an_outage_stops_at_the_day_names_the_endpoint_and_keeps_the_earlier_days(api, tmp_path, capsys):
    one_page_day(api, "2025-12-18", 1)
    api.on(day_is("2025-12-19"), Answer(500, b"down"))
    archive = archive_with(tmp_path)
    assert fetch(archive, "--since", "2025-12-18", "--until", "2025-12-21") == 1
    err = capsys.readouterr().err.strip().splitlines()[-1]
    base = api.base
    assert err == ("error: 2025-12-19: Hugging Face's API answered HTTP 500 Internal Server Error 4 times (GET "
                   f"{base}/api/daily_papers?date=2025-12-19&p=0&limit=100); nothing was written for this day (the 1 "
                   "captures added before it are kept) (the service may be down; try again later: sitegen fetch "
                   "--since 2025-12-19)")
    assert [p.name for p in captures_of(archive, "2025-12-18")] and not captures_of(archive, "2025-12-19")
    assert [r.query["date"] for r in api.requests][-1] == "2025-12-19"  # nothing after the failing day


@pytest.mark.parametrize("answer, message", [
    (Answer(200, b'{"error": "Invalid date"}'), "the API refused the daily papers of 2025-12-18: 'Invalid date'"),
    (Answer(200, b"<html>maintenance</html>"), "the answer for the daily papers of 2025-12-18 is not JSON"),
    (Answer(200, b'[{"x": 1}, {"paper": {"id": "2512.00001"}}]'), "holds no paper with an id and a title"),
    (Answer(404, b"not found"), "Hugging Face's API answered HTTP 404 Not Found for GET http://127.0.0.1:"),
    (Answer(200, json.dumps(rows("2025-12-18", 3)).encode(), drop=True), "could not be reached (RemoteProtocolError"),
    (Answer(200, b"[" * 100_000 + b"]" * 100_000), "is nested too deeply to be an API answer"),
    (Answer(302, b"", {"Location": "/api/daily_papers?date=2025-12-18&p=0&limit=100"}),
     "redirected GET http://127.0.0.1:"),
])
def test_an_answer_that_is_not_a_day_of_papers_writes_nothing(api, tmp_path, capsys, answer, message):
    api.on(day_is("2025-12-18"), answer)
    archive = archive_with(tmp_path)
    before = checksums(archive)
    assert fetch(archive, "--date", "2025-12-18") == 1
    err = capsys.readouterr().err
    assert message in err and "Traceback" not in err and err.count("error:") == 1
    assert checksums(archive) == before
    assert [p.name for p in (archive / "listings").iterdir()] == ["2025-12-17-hf-daily.json"]  # no temp file left


def test_empty_weekdays_in_a_row_are_reported(api, tmp_path, capsys):
    archive = archive_with(tmp_path)
    # 2025-12-19 is a Friday: Fri, (Sat, Sun), Mon, Tue are three weekdays in a row.
    assert fetch(archive, "--since", "2025-12-19", "--until", "2025-12-23") == 0
    err = capsys.readouterr().err
    assert ("warning: Hugging Face listed no papers on 3 weekdays in a row (2025-12-19 to 2025-12-23) (its API may be "
            "broken: check https://huggingface.co/papers") in err


def test_the_token_is_sent_when_set(api, tmp_path, monkeypatch):
    monkeypatch.setenv("HF_TOKEN", "hf_secret")
    assert fetch(archive_with(tmp_path), "--date", "2025-12-18") == 0
    assert api.requests[0].headers["Authorization"] == "Bearer hf_secret"


def test_adding_a_file_is_atomic_and_never_replaces(tmp_path, monkeypatch):
    target = tmp_path / "listings" / "day.json"
    fs.add_file(target, b"[1]")
    with pytest.raises(FileExistsError):
        fs.add_file(target, b"[2]")
    assert target.read_bytes() == b"[1]"

    def interrupted(src, dst):
        raise KeyboardInterrupt

    monkeypatch.setattr(fs.os, "link", interrupted)
    with pytest.raises(KeyboardInterrupt):
        fs.add_file(tmp_path / "listings" / "other.json", b"[3]")
    assert sorted(p.name for p in target.parent.iterdir()) == ["day.json"]


# ---------------------------------------------------------------------------------------------------------
# Enrich


def arxiv_feed(*entries: tuple[str, str], total: int | None = None) -> bytes:
    """An arXiv API answer as arXiv writes it: Atom, with opensearch's totalResults."""
    body = "".join(f"<entry><id>http://arxiv.org/abs/{i}v1</id><title>{t}</title><summary>{ABSTRACT}</summary>"
                   f"<author><name>Arxiv Author</name></author><published>2024-01-02T00:00:00Z</published></entry>"
                   for i, t in entries)
    count = len(entries) if total is None else total
    return (f'<feed xmlns="http://www.w3.org/2005/Atom" xmlns:opensearch="http://a9.com/-/spec/opensearch/1.1/">'
            f"<opensearch:totalResults>{count}</opensearch:totalResults>{body}</feed>").encode()


def is_arxiv(kind: str):
    return lambda path, q: path == "/api/query" and kind in q


@pytest.fixture
def unpaced(api, monkeypatch):
    """arXiv asked with no pause between requests (SITEGEN_ARXIV_INTERVAL=0), where the pace is not the point:
    test_enrich_fetches_arxiv_metadata_in_batches_slowly checks it."""
    monkeypatch.setenv("SITEGEN_ARXIV_INTERVAL", "0")


def test_enrich_fetches_arxiv_metadata_in_batches_slowly(api, tmp_path, capsys):
    ids = [f"2512.{n:05d}" for n in range(60)]
    listing = [{"paper": {"id": i, "title": f"Listed {i}"}} for i in ids]
    archive = archive_with(tmp_path, ("2025-12-18-hf-daily.json", json.dumps(listing).encode()))

    def feed_for(path, q):
        return path == "/api/query" and "id_list" in q

    api.on(feed_for, Answer(200, arxiv_feed(*[(i, f"Listed {i}") for i in ids[:50]])),
           Answer(200, arxiv_feed(*[(i, f"Listed {i}") for i in ids[50:]])))
    assert fetch(archive, "--enrich") == 0
    asked = [r for r in api.requests if r.path == "/api/query"]
    assert [len(r.query["id_list"].split(",")) for r in asked] == [50, 10]
    assert asked[1].at - asked[0].at >= 0.3  # at most one request per interval (3 s unless SITEGEN_ARXIV_INTERVAL)
    files = sorted((archive / "metadata" / "arxiv").iterdir())
    assert len(files) == 2 and all(f.name.startswith("ids-") for f in files)
    papers = read_inputs(Archive(archive), Report()).papers
    assert all(p.facts.authors == ("Arxiv Author",) for p in papers)
    api.requests.clear()
    assert fetch(archive, "--enrich") == 0
    assert api.requests == []  # nothing is missing any more
    assert "0 papers' arXiv metadata asked for" in capsys.readouterr().out.splitlines()[-1]


def test_enrich_looks_pasted_titles_up_and_keeps_only_one_exact_match(api, unpaced, tmp_path):
    paste = "\n\n".join(f"{t}\n\n{ABSTRACT}" for t in ("Found On Hugging Face", "Found On arXiv", "Found Twice"))
    archive = archive_with(tmp_path, ("2025-12-16-paste.txt", f"Dec 16\n\n{paste}\n".encode()))
    hf_hit = {"paper": {"id": "2401.00001", "title": "Found on Hugging Face!", "summary": ABSTRACT}}
    api.on(lambda p, q: p == "/api/papers/search" and q["q"] == "Found On Hugging Face",
           Answer(200, json.dumps([hf_hit, {"paper": {"id": "2401.00009", "title": "Something Else"}}]).encode()))
    api.on(lambda p, q: p == "/api/papers/2401.00001",
           Answer(200, json.dumps({"id": "2401.00001", "title": "Found on Hugging Face!",
                                   "authors": [{"name": "Hf Author"}]}).encode()))
    api.on(lambda p, q: p == "/api/query" and "Found On arXiv" in q.get("search_query", ""),
           Answer(200, arxiv_feed(("2401.00002", "Found on arXiv"))))
    api.on(lambda p, q: p == "/api/query" and "Found Twice" in q.get("search_query", ""),
           Answer(200, arxiv_feed(("2401.00003", "Found Twice"), ("2401.00004", "Found twice"))))
    api.on(lambda p, q: p == "/api/query" and q.get("id_list") == "2401.00002",
           Answer(200, arxiv_feed(("2401.00002", "Found on arXiv"))))
    api.on(lambda p, q: p == "/api/query" and q.get("id_list") == "2401.00001",
           Answer(200, arxiv_feed(("2401.00001", "Found on Hugging Face!"))))
    api.fallback = Answer(200, b"[]")
    assert fetch(archive, "--enrich") == 0
    names = {p.relative_to(archive / "metadata").as_posix() for p in (archive / "metadata").rglob("*.*")}
    assert {"hf/2401.00001.json", "arxiv/2401.00002.xml"} <= names
    lookups = [json.loads(p.read_text()) for p in (archive / "metadata" / "lookups").glob("*.json")]
    assert [(r["title"], r["candidates"]) for r in lookups] == [("Found Twice", ["2401.00003", "2401.00004"])]
    papers = {p.slug: p for p in read_inputs(Archive(archive), Report()).papers}
    assert papers["found-on-hugging-face"].facts.arxiv_id == "2401.00001"
    assert papers["found-on-arxiv"].facts.authors == ("Arxiv Author",)
    assert papers["found-twice"].facts.arxiv_id is None
    api.requests.clear()
    assert fetch(archive, "--enrich") == 0
    assert not [r for r in api.requests if "search" in r.path or "search_query" in r.query]  # not looked up again


@pytest.mark.parametrize("answer, message", [
    (Answer(200, b"Rate exceeded."), "the arXiv API refused the arXiv ids 2512.00000: rate exceeded; nothing"),
    (Answer(200, (API / "arxiv_error.xml").read_bytes()), "is an error from the arXiv API: 'incorrect id format"),
    (Answer(503, b"busy"), "the arXiv API answered HTTP 503 Service Unavailable 4 times"),
])
def test_arxiv_failures_are_errors_even_with_http_200(api, unpaced, tmp_path, capsys, answer, message):
    archive = archive_with(tmp_path, ("2025-12-18-hf-daily.json",
                                      json.dumps([{"paper": {"id": "2512.00000", "title": "One"}}]).encode()))
    api.on(is_arxiv("id_list"), answer)
    before = checksums(archive)
    assert fetch(archive, "--enrich") == 1
    err = capsys.readouterr().err
    assert message in err and "nothing was written for 2512.00000" in err
    assert checksums(archive) == before


def test_a_fetched_archive_builds_strictly(api, tmp_path):
    api.on(day_is("2025-12-18"), Answer(200, json.dumps(rows("2025-12-18", 2)).encode()))
    archive = archive_with(tmp_path)
    assert fetch(archive, "--date", "2025-12-18") == 0
    result = build(BuildOptions(archive=archive, site_dir=tmp_path / "site", config_file=ROOT / "mkdocs.yml",
                                strict=True))
    assert result.paper_count == 5


def test_a_terminal_shows_a_progress_bar_and_a_pipe_does_not(api, tmp_path, capsys):
    import os
    import pty
    import subprocess
    import sys
    import threading

    archive = archive_with(tmp_path)
    assert fetch(archive, "--since", "2025-12-18", "--until", "2025-12-19") == 0
    piped = capsys.readouterr()
    assert "|" not in piped.err and piped.out.count("\n") == 1  # the summary line only
    leader, follower = pty.openpty()
    shown = bytearray()

    def read() -> None:
        while True:
            try:
                chunk = os.read(leader, 65536)
            except OSError:
                return
            if not chunk:
                return
            shown.extend(chunk)

    reader = threading.Thread(target=read, daemon=True)
    reader.start()
    done = subprocess.run([sys.executable, "-m", "sitegen", "fetch", "--archive", str(archive), "--since",
                           "2025-12-20", "--until", "2025-12-22"], stderr=follower, stdout=subprocess.PIPE,
                          env=dict(os.environ), cwd=ROOT, timeout=120)
    os.close(follower)
    reader.join(10)
    os.close(leader)
    assert done.returncode == 0
    # tqdm's bar, drawn on the terminal (how far it got before clearing depends on the machine's speed)
    assert re.search(rb"daily papers: +\d+%\|.*\| [0-3]/3 ", bytes(shown))
    assert done.stdout.decode().startswith("Fetched 3 days from Hugging Face")


def listed(tmp_path: Path, *ids: str) -> Path:
    return archive_with(tmp_path, ("2025-12-18-hf-daily.json",
                                   json.dumps([{"paper": {"id": i, "title": f"Listed {i}"}} for i in ids]).encode()))


def test_enrich_saves_the_repositories_citing_each_paper(api, tmp_path, capsys):
    archive = listed(tmp_path, "2512.00001", "2512.00002")
    api.on(is_arxiv("id_list"), Answer(200, arxiv_feed(("2512.00001", "Listed 2512.00001"),
                                                       ("2512.00002", "Listed 2512.00002"))))
    cited = {"models": [{"id": "org/model-a"}, {"id": "org/model-b"}], "datasets": [{"id": "org/data"}], "spaces": []}
    api.on(lambda p, q: p == "/api/arxiv/2512.00001/repos", Answer(200, json.dumps(cited).encode()))
    api.on(lambda p, q: p == "/api/arxiv/2512.00002/repos", Answer(404, b'{"error": "Paper not found"}'))
    assert fetch(archive, "--enrich") == 0
    saved = archive / "metadata" / "hf-repos" / "2512.00001.json"
    assert json.loads(saved.read_text()) == cited
    assert not (archive / "metadata" / "hf-repos" / "2512.00002.json").exists()  # 404: nothing, asked again later
    assert "2 papers' Hugging Face repositories asked for" in capsys.readouterr().out


def test_enrich_refuses_an_answer_about_another_paper(api, tmp_path, capsys):
    archive = archive_with(tmp_path, ("2025-12-16-paste.txt", f"Dec 16\n\nPasted Title\n\n{ABSTRACT}\n".encode()))
    api.on(lambda p, q: p == "/api/papers/search",
           Answer(200, json.dumps([{"paper": {"id": "2401.00001", "title": "Pasted Title"}}]).encode()))
    api.on(lambda p, q: p == "/api/papers/2401.00001",  # another paper's answer under the asked id
           Answer(200, json.dumps({"id": "2401.99999", "title": "Pasted Title",
                                   "githubRepo": "https://github.com/wrong/paper"}).encode()))
    before = checksums(archive)
    assert fetch(archive, "--enrich") == 1
    err = capsys.readouterr().err
    assert "answered about paper '2401.99999' when asked for 2401.00001; the answer was refused" in err
    assert checksums(archive) == before


def test_ids_arxiv_does_not_know_are_noted_and_asked_again_only_after_a_while(api, clock, tmp_path, capsys):
    archive = listed(tmp_path, "2512.00001", "2512.99999")
    api.on(is_arxiv("id_list"), Answer(200, arxiv_feed(("2512.00001", "Listed 2512.00001"))))
    clock.set("2025-12-20T07:17:00")
    assert fetch(archive, "--enrich") == 0
    assert "(1 unknown to arXiv)" in capsys.readouterr().out
    [note] = (archive / "metadata" / "lookups").glob("arxiv-missing-*.json")
    assert json.loads(note.read_text()) == {"asked": "2025-12-20", "ids": ["2512.99999"], "kind": "arxiv-missing"}
    api.requests.clear()
    clock.set("2025-12-22T07:17:00")
    assert fetch(archive, "--enrich") == 0
    assert not [r for r in api.requests if r.path == "/api/query"]  # asked two days ago: not yet
    api.rules.clear()
    api.on(is_arxiv("id_list"), Answer(200, arxiv_feed(total=0)))  # still unknown: an empty feed, totalResults 0
    clock.set("2025-12-23T07:17:00")
    assert fetch(archive, "--enrich") == 0  # an empty answer is not an error
    assert [r.query["id_list"] for r in api.requests if r.path == "/api/query"] == ["2512.99999"]
    assert len(list((archive / "metadata" / "lookups").glob("arxiv-missing-*.json"))) == 2


def test_a_transiently_empty_arxiv_page_is_asked_again_never_taken_as_not_found(api, unpaced, tmp_path):
    archive = listed(tmp_path, "2512.00001")
    api.on(is_arxiv("id_list"), Answer(200, arxiv_feed(total=1)), Answer(200, arxiv_feed(total=1)),
           Answer(200, arxiv_feed(("2512.00001", "Listed 2512.00001"))))
    assert fetch(archive, "--enrich") == 0
    assert len([r for r in api.requests if r.path == "/api/query"]) == 3
    assert not (archive / "metadata" / "lookups").exists()
    papers = read_inputs(Archive(archive), Report()).papers
    assert papers and all(p.facts.authors == ("Arxiv Author",) for p in papers)


def test_an_arxiv_page_that_stays_empty_is_an_error_not_a_finding(api, unpaced, tmp_path, capsys):
    archive = listed(tmp_path, "2512.00001")
    api.on(is_arxiv("id_list"), Answer(200, arxiv_feed(total=1)))
    before = checksums(archive)
    assert fetch(archive, "--enrich") == 1
    assert "with an empty page 4 times, though it says 1 entries exist" in capsys.readouterr().err
    assert checksums(archive) == before


def test_arxivs_400_for_a_malformed_id_says_what_arxiv_said(api, tmp_path, capsys):
    archive = listed(tmp_path, "2512.00001")
    error = (API / "arxiv_error.xml").read_bytes()
    api.on(is_arxiv("id_list"), Answer(400, error))
    assert fetch(archive, "--enrich") == 1
    assert "is an error from the arXiv API: 'incorrect id format" in capsys.readouterr().err
