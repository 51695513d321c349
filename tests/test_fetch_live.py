"""`sitegen fetch` against a Hugging Face that behaves as the real one and as a hostile one: days that fill,
silent page caps, rate limits, answers that never end, redirects into the runner's network; and a month of daily
scheduled runs in which no paper may be lost."""

from __future__ import annotations

import datetime
import json
import random
import time
from pathlib import Path

import pytest
from fakeapi import Answer, FakeApi, serve
from fakehub import Hub
from test_fetch import archive_with, captures_of, checksums, day_is, fetch, page_of, rows

from sitegen.archive import Archive
from sitegen.errors import Report
from sitegen.pipeline import read_inputs


def test_a_service_that_ignores_the_page_is_asked_once_more_and_nothing_is_doubled(api, tmp_path, capsys):
    api.on(day_is("2025-12-18"), page_of("2025-12-18", 100))  # every p answers the same 100 rows
    archive = archive_with(tmp_path)
    assert fetch(archive, "--date", "2025-12-18") == 0
    assert [r.query["p"] for r in api.requests] == ["0", "1"]  # not 50 pages
    [saved] = captures_of(archive, "2025-12-18")
    ids = [row["paper"]["id"] for row in json.loads(saved.read_text())]
    assert len(ids) == len(set(ids)) == 100
    assert "answered a later page of 2025-12-18 with papers of earlier pages" in capsys.readouterr().err


def test_duplicate_rows_across_pages_are_written_once(api, tmp_path):
    api.on(day_is("2025-12-18", 0), page_of("2025-12-18", 50))
    api.on(day_is("2025-12-18", 1), page_of("2025-12-18", 50, start=40))  # the list shifted by ten while paging
    api.on(day_is("2025-12-18"), Answer(200, b"[]"))
    archive = archive_with(tmp_path)
    assert fetch(archive, "--date", "2025-12-18") == 0
    ids = [row["paper"]["id"] for row in json.loads(captures_of(archive, "2025-12-18")[0].read_text())]
    assert len(ids) == len(set(ids)) == 90


def test_a_day_cut_by_a_limit_is_an_error_and_not_held(api, clock, tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("SITEGEN_MAX_DAY_PAPERS", "120")  # 10,000 in real life, scaled down
    hub = Hub(clock.now, cap=50)
    hub.add(datetime.date(2025, 12, 18), clock.at("2025-12-18T09:00:00"), 500)
    hub.attach(api)
    clock.set("2025-12-21T07:17:00")
    archive = archive_with(tmp_path)
    before = checksums(archive)
    assert fetch(archive, "--date", "2025-12-18") == 1
    err = capsys.readouterr().err
    assert "daily list of 2025-12-18 lists more than 120 papers, more than sitegen takes for one day" in err
    assert "set SITEGEN_MAX_DAY_PAPERS higher" in err
    assert checksums(archive) == before
    assert len(api.requests) == 3  # stopped at the limit, not after every page
    api.requests.clear()
    monkeypatch.setenv("SITEGEN_MAX_DAY_PAPERS", "1000")
    assert fetch(archive, "--date", "2025-12-18") == 0  # the day was not counted as held
    assert len(json.loads(captures_of(archive, "2025-12-18")[0].read_text())) == 500


def test_an_answer_over_the_size_cap_stops_with_a_clear_message(api, tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("SITEGEN_HTTP_MAX_MB", "0.05")
    api.on(day_is("2025-12-18"), page_of("2025-12-18", 1000))  # 1,000 rows in one page: about 0.4 MB
    archive = archive_with(tmp_path)
    before = checksums(archive)
    assert fetch(archive, "--date", "2025-12-18") == 1
    err = capsys.readouterr().err
    assert "says it holds" in err and "more than sitegen takes; nothing was written for this day (set " \
        "SITEGEN_HTTP_MAX_MB higher" in err
    assert checksums(archive) == before


def test_an_endless_answer_is_cut_at_the_size_cap(api, tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("SITEGEN_HTTP_MAX_MB", "1")

    def endless():
        yield b"["
        while True:
            yield b'{"paper": {"id": "2512.00001", "title": "again"}},' * 100

    api.on(day_is("2025-12-18"), Answer(200, chunks=endless))
    archive = archive_with(tmp_path)
    start = time.monotonic()
    assert fetch(archive, "--date", "2025-12-18") == 1
    assert time.monotonic() - start < 30
    assert "held more than 1,000,000 bytes, more than sitegen takes; nothing was written" in capsys.readouterr().err
    assert len(list((archive / "listings").iterdir())) == 1


def test_a_slow_answer_is_dropped_at_its_deadline(api, tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("SITEGEN_HTTP_DEADLINE", "0.5")

    def a_byte_a_tenth_of_a_second():  # never a pause the per-read timeout would notice; minutes for the whole
        for byte in json.dumps(rows("2025-12-18", 3)).encode():
            time.sleep(0.1)
            yield bytes([byte])

    api.on(day_is("2025-12-18"), Answer(200, chunks=a_byte_a_tenth_of_a_second))
    archive = archive_with(tmp_path)
    start = time.monotonic()
    assert fetch(archive, "--date", "2025-12-18") == 1
    assert time.monotonic() - start < 10  # the per-read timeout alone (30 s) would never end it
    assert "was still arriving at its deadline (0.5 s); nothing was written for this day (the service is too slow" \
        in capsys.readouterr().err


def test_a_redirect_into_a_private_address_is_not_followed(api, tmp_path, monkeypatch, capsys):
    monkeypatch.delenv("SITEGEN_ALLOW_PRIVATE_LINKS", raising=False)
    inside = FakeApi()
    with serve(inside) as secret:
        api.on(day_is("2025-12-18"), Answer(302, b"", {"Location": f"{secret}/latest/meta-data/"}))
        archive = archive_with(tmp_path)
        assert fetch(archive, "--date", "2025-12-18") == 1
    assert inside.requests == []  # the endpoint itself is trusted (configured); where it sends us is not
    err = capsys.readouterr().err
    assert "sent GET" in err and "127.0.0.1: a private address, which sitegen does not ask" in err


def test_a_redirect_within_the_endpoint_is_followed(api, tmp_path):
    api.on(day_is("2025-12-18", 0), Answer(301, b"", {"Location": "/api/v2/daily?date=2025-12-18&p=0"}))
    api.on(lambda p, q: p == "/api/v2/daily" and q.get("p") == "0", page_of("2025-12-18", 2))
    api.on(day_is("2025-12-18"), Answer(200, b"[]"))
    archive = archive_with(tmp_path)
    assert fetch(archive, "--date", "2025-12-18") == 0
    assert len(json.loads(captures_of(archive, "2025-12-18")[0].read_text())) == 2


def test_the_standard_proxy_variables_are_honoured(api, tmp_path, monkeypatch):
    # The fake answers as a forward proxy would: the request line carries the whole URL of hf.invalid.
    monkeypatch.setenv("HF_ENDPOINT", "http://hf.invalid")
    monkeypatch.setenv("HTTP_PROXY", api.base)
    for name in ("NO_PROXY", "no_proxy", "http_proxy", "ALL_PROXY", "all_proxy"):
        monkeypatch.delenv(name, raising=False)
    api.on(day_is("2025-12-18", 0), page_of("2025-12-18", 2))
    api.on(day_is("2025-12-18"), Answer(200, b"[]"))
    archive = archive_with(tmp_path)
    assert fetch(archive, "--date", "2025-12-18") == 0
    assert {r.headers.get("Host") for r in api.requests} == {"hf.invalid"}
    assert captures_of(archive, "2025-12-18")


# ---------------------------------------------------------------------------------------------------------
# A month of scheduled runs


def month_of_papers(hub: Hub, first: datetime.date, days: int, seed: int = 7) -> dict[datetime.date, int]:
    """Fill the fake's days as Hugging Face's fill: weekdays get papers all day long and a few early the next
    morning; weekends get few or none."""
    rng = random.Random(seed)
    listed = {}
    for n in range(days):
        day = first + datetime.timedelta(n)
        count = rng.randint(12, 45) if day.weekday() < 5 else rng.choice([0, 0, 2])
        start = datetime.datetime.combine(day, datetime.time(), datetime.timezone.utc)
        for _ in range(count):
            hub.add(day, start + datetime.timedelta(hours=rng.uniform(0.5, 31)))  # up to 07:00 the next day
        listed[day] = count
    return listed


def test_a_month_of_daily_runs_loses_no_paper(api, clock, tmp_path, monkeypatch, capsys):
    first, days = datetime.date(2025, 11, 3), 30
    # Pages of 25, and three rate-limited answers (whose window resets at once: test_fetch.py waits one out).
    hub = Hub(clock.now, cap=25, throttle={40, 41, 300}, reset=0)
    listed = month_of_papers(hub, first, days)
    hub.attach(api)
    start = (first - datetime.timedelta(1)).isoformat()
    archive = archive_with(tmp_path, (f"{start}-hf-daily-{start.replace('-', '')}T235900Z.json",
                                      json.dumps(rows(start, 1)).encode()))
    printed = []
    for n in range(days + 3):  # the scheduled run, 07:17 UTC every day, and three days after the month
        clock.moment = datetime.datetime.combine(first + datetime.timedelta(n), datetime.time(7, 17),
                                                 datetime.timezone.utc)
        assert fetch(archive) == 0
        out = capsys.readouterr()
        printed.append((clock.moment.date().isoformat(), out.err.strip().splitlines()[0], out.out.strip()))
    papers = read_inputs(Archive(archive), Report()).papers
    held = {p.facts.arxiv_id for p in papers}
    service = {p.arxiv_id for p in hub.papers}
    assert service <= held, f"lost {len(service - held)} of {len(service)} papers"
    files = [p for p in (archive / "listings").iterdir() if p.name != f"{start}-hf-daily-" + "x"]
    report = {"papers listed by the service": len(service), "papers in the archive": len(held & service),
              "capture files written": len(files) - 1, "days": days,
              "weekday papers": sum(v for d, v in listed.items() if d.weekday() < 5)}
    Path(tmp_path / "month.json").write_text(json.dumps({"figures": report, "runs": printed}, indent=1))
    print(json.dumps(report))
    for day in (first + datetime.timedelta(n) for n in range(days)):
        shown = [r["paper"]["id"] for c in captures_of(archive, day.isoformat()) for r in json.loads(c.read_text())]
        assert {p.arxiv_id for p in hub.papers if p.day == day} <= set(shown)
    assert len(files) - 1 <= 3 * days  # a capture per run only while a day still fills, and one complete one
    assert all(line.startswith("Fetched ") for _, _, line in printed)


@pytest.fixture(autouse=True)
def _no_private_opt_in(monkeypatch):
    monkeypatch.delenv("SITEGEN_ALLOW_PRIVATE_LINKS", raising=False)
