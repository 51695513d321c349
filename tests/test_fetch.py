"""`sitegen fetch`: run for real against fake APIs on 127.0.0.1 (HF_ENDPOINT, SITEGEN_ARXIV_API)."""

from __future__ import annotations

import datetime
import hashlib
import json
import re
from pathlib import Path

import pytest
from conftest import FIXTURES, ROOT, make_archive
from fakeapi import Answer, FakeApi, serve

from sitegen import fs
from sitegen.archive import Archive
from sitegen.build import BuildOptions, build
from sitegen.cli import main
from sitegen.errors import Report
from sitegen.ingest.stage import read_archive

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


@pytest.fixture
def api(monkeypatch):
    fake = FakeApi()
    with serve(fake) as base:
        monkeypatch.setenv("HF_ENDPOINT", base)
        monkeypatch.setenv("SITEGEN_ARXIV_API", base + "/api/query")
        monkeypatch.setenv("SITEGEN_HTTP_BACKOFF", "0")
        monkeypatch.setenv("SITEGEN_ARXIV_INTERVAL", "0.3")
        monkeypatch.delenv("HF_TOKEN", raising=False)
        yield fake


def archive_with(tmp_path: Path, *listings) -> Path:
    return make_archive(tmp_path / "archive", list(listings) or [API / "2025-12-17-hf-daily.json"])


def fetch(archive: Path, *args: str) -> int:
    return main(["fetch", "--archive", str(archive), *args])


def checksums(root: Path) -> dict[str, str]:
    return {p.relative_to(root).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(root.rglob("*")) if p.is_file()}


# ---------------------------------------------------------------------------------------------------------
# Days


def test_a_day_is_saved_unchanged_and_the_build_reads_it(api, tmp_path, capsys):
    body = json.dumps(rows("2025-12-18", 3), indent=2).encode()
    api.on(day_is("2025-12-18"), Answer(200, body))
    archive = archive_with(tmp_path)
    assert fetch(archive, "--date", "2025-12-18") == 0
    assert (archive / "listings" / "2025-12-18-hf-daily.json").read_bytes() == body
    assert capsys.readouterr().out.strip() == ("Fetched 1 day from Hugging Face: 1 with papers (3 papers, 1 files "
                                               "added), 0 empty")
    assert [r.query for r in api.requests] == [{"date": "2025-12-18", "p": "0", "limit": "100"}]
    titles = {p.title for p in read_archive(Archive(archive), Report()).papers}
    assert {"Paper 0 of 2025-12-18", "Paper 2 of 2025-12-18"} <= titles


def test_every_page_of_a_day_is_fetched(api, tmp_path):
    api.on(day_is("2025-12-18", 0), Answer(200, json.dumps(rows("2025-12-18", 100)).encode()))
    api.on(day_is("2025-12-18", 1), Answer(200, json.dumps(rows("2025-12-18", 30, start=100)).encode()))
    archive = archive_with(tmp_path)
    assert fetch(archive, "--date", "2025-12-18") == 0
    saved = json.loads((archive / "listings" / "2025-12-18-hf-daily.json").read_text())
    assert len(saved) == 130 and saved[129]["paper"]["id"] == "2512.00129"
    assert [r.query["p"] for r in api.requests] == ["0", "1"]


def test_a_range_fetches_only_the_days_the_archive_lacks(api, tmp_path, capsys):
    for day in ("2025-12-15", "2025-12-17"):
        api.on(day_is(day), Answer(200, json.dumps(rows(day, 2)).encode()))
    archive = archive_with(tmp_path, API / "2025-12-17-hf-daily.json", ("2025-12-16-hf-daily.json",
                                                                      json.dumps(rows("2025-12-16", 1)).encode()))
    before = checksums(archive)
    assert fetch(archive, "--since", "2025-12-14", "--until", "2025-12-18") == 0
    assert [r.query["date"] for r in api.requests] == ["2025-12-14", "2025-12-15", "2025-12-18"]
    after = checksums(archive)
    assert {k: v for k, v in after.items() if k in before} == before  # nothing the archive held was touched
    assert sorted(set(after) - set(before)) == ["listings/2025-12-15-hf-daily.json"]  # empty days write nothing
    assert "3 days from Hugging Face: 1 with papers (2 papers, 1 files added), 2 empty" in capsys.readouterr().out


def test_a_day_held_already_is_not_fetched_again(api, tmp_path, capsys):
    archive = archive_with(tmp_path)
    assert fetch(archive, "--date", "2025-12-17") == 0
    assert api.requests == [] and "holds this day already" in capsys.readouterr().out


def test_with_no_date_every_day_since_the_newest_one_held_is_fetched(api, tmp_path):
    newest = TODAY - datetime.timedelta(days=2)
    archive = archive_with(tmp_path, (f"{newest}-hf-daily.json", json.dumps(rows(str(newest), 1)).encode()))
    assert fetch(archive) == 0
    assert [r.query["date"] for r in api.requests] == [str(TODAY - datetime.timedelta(days=1)), str(TODAY)]


def test_with_no_dated_listing_there_is_nothing_to_continue_from(api, tmp_path, capsys):
    archive = archive_with(tmp_path, ("undated.txt", f"Title One\n\n{ABSTRACT}\n".encode()))
    assert fetch(archive) == 1
    err = capsys.readouterr().err
    assert "the archive holds no dated listing to continue from (pass --date YYYY-MM-DD or --since" in err


def test_429_and_5xx_are_retried(api, tmp_path):
    api.on(day_is("2025-12-18"), Answer(429, b"slow down", {"Retry-After": "0"}), Answer(503, b"busy"),
           Answer(200, json.dumps(rows("2025-12-18", 1)).encode()))
    archive = archive_with(tmp_path)
    assert fetch(archive, "--date", "2025-12-18") == 0
    assert len(api.requests) == 3 and (archive / "listings" / "2025-12-18-hf-daily.json").exists()


def test_an_outage_stops_at_the_day_names_it_and_keeps_the_earlier_days(api, tmp_path, capsys):
    api.on(day_is("2025-12-18"), Answer(200, json.dumps(rows("2025-12-18", 1)).encode()))
    api.on(day_is("2025-12-19"), Answer(500, b"down"))
    archive = archive_with(tmp_path)
    assert fetch(archive, "--since", "2025-12-18", "--until", "2025-12-21") == 1
    err = capsys.readouterr().err.strip().splitlines()[-1]
    assert err == ("error: 2025-12-19: Hugging Face's API answered HTTP 500 Internal Server Error 4 times; nothing was "
                   "written for this day (the 1 days fetched before it are kept) (the service may be down; try again "
                   "later: sitegen fetch --since 2025-12-19)")
    assert sorted(p.name for p in (archive / "listings").iterdir()) == ["2025-12-17-hf-daily.json",
                                                                       "2025-12-18-hf-daily.json"]
    assert [r.query["date"] for r in api.requests][-1] == "2025-12-19"  # nothing after the failing day


@pytest.mark.parametrize("answer, message", [
    (Answer(200, b'{"error": "Invalid date"}'), "the API refused the daily papers of 2025-12-18: 'Invalid date'"),
    (Answer(200, b"<html>maintenance</html>"), "the answer for the daily papers of 2025-12-18 is not JSON"),
    (Answer(200, b'[{"x": 1}, {"paper": {"title": "no id"}}]'), "holds no paper with an id and a title"),
    (Answer(404, b"not found"), "Hugging Face's API answered HTTP 404 Not Found for http://127.0.0.1:"),
    (Answer(200, json.dumps(rows("2025-12-18", 3)).encode(), drop=True), "could not be reached (RemoteProtocolError"),
])
def test_an_answer_that_is_not_a_day_of_papers_writes_nothing(api, tmp_path, capsys, answer, message):
    api.on(day_is("2025-12-18"), answer)
    archive = archive_with(tmp_path)
    before = checksums(archive)
    assert fetch(archive, "--date", "2025-12-18") == 1
    assert message in capsys.readouterr().err
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


def arxiv_feed(*entries: tuple[str, str]) -> bytes:
    body = "".join(f"<entry><id>http://arxiv.org/abs/{i}v1</id><title>{t}</title><summary>{ABSTRACT}</summary>"
                   f"<author><name>Arxiv Author</name></author><published>2024-01-02T00:00:00Z</published></entry>"
                   for i, t in entries)
    return f'<feed xmlns="http://www.w3.org/2005/Atom">{body}</feed>'.encode()


def is_arxiv(kind: str):
    return lambda path, q: path == "/api/query" and kind in q


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
    papers = read_archive(Archive(archive), Report()).papers
    assert all(p.facts.authors == ("Arxiv Author",) for p in papers)
    api.requests.clear()
    assert fetch(archive, "--enrich") == 0
    assert api.requests == []  # nothing is missing any more
    assert "0 papers' arXiv metadata asked for" in capsys.readouterr().out.splitlines()[-1]


def test_enrich_looks_pasted_titles_up_and_keeps_only_one_exact_match(api, tmp_path):
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
    papers = {p.slug: p for p in read_archive(Archive(archive), Report()).papers}
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
def test_arxiv_failures_are_errors_even_with_http_200(api, tmp_path, capsys, answer, message):
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
