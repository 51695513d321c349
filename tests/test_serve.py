"""`sitegen serve`: the real server on a free loopback port, edited under its feet; and the quick path's site
compared with a full build's, byte for byte."""

from __future__ import annotations

import hashlib
import io
import os
import signal
import socket
import tempfile
from pathlib import Path

import pytest
from conftest import BUNDLED, ROOT, make_archive

from sitegen.pipeline import BuildOptions, build
from sitegen.serve.process import ServeProcess
from sitegen.serve.server import quiet_mkdocs, with_notice
from sitegen.serve.session import Session

CONFIG = ROOT / "mkdocs.yml"
ABSTRACT = "We study the matter at hand in depth and report what we found. " * 3


def tree(root: Path) -> dict[str, str]:
    return {p.relative_to(root).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(root.rglob("*")) if p.is_file()}


def listing(*titles: str, day: str = "Dec 16") -> bytes:
    return (f"{day}\n\n" + "\n\n".join(f"{t}\n\n{ABSTRACT}" for t in titles) + "\n").encode()


def full_build(archive: Path, where: Path) -> dict[str, str]:
    build(BuildOptions(archive=archive, site_dir=where / "site", config_file=CONFIG, jobs=2))
    return tree(where / "site")


@pytest.fixture
def session(tmp_path):
    quiet_mkdocs()
    # One of the bundled listings (96 papers) and the bundled taxonomy: the quick path's size is not the point.
    archive = make_archive(tmp_path / "archive", [BUNDLED / "listings" / "002_78a9b9aaee6fab8d.txt"],
                           **{"taxonomy.yml": (BUNDLED / "taxonomy.yml").read_text(encoding="utf-8")})
    (archive / "notes").mkdir()
    session = Session(BuildOptions(archive=archive, site_dir=tmp_path / "serve" / "site", config_file=CONFIG,
                                   jobs=2), out=io.StringIO())
    assert session.start().kind == "full"
    return session


def test_a_note_takes_the_quick_path_and_gives_what_a_full_build_gives(session, tmp_path):
    archive, site = session.options.archive, session.options.site_dir
    slug = "a-benchmark-study-on-calibration"
    shown: list[str] = []
    for n, text in enumerate(["---\nrating: 4\nstatus: read\n---\nFirst thoughts: QUICK-ONE.\n",
                              "---\nrating: 2\n---\nSecond thoughts: QUICK-TWO.\n", None]):
        note = archive / "notes" / f"{slug}.md"
        if text is None:
            note.unlink()
        else:
            note.write_text(text)
        page = site / "papers" / f"{slug}.html"
        done = session.rebuild(lambda page=page: shown.append(page.read_text()))
        assert done.kind == "quick", done
        assert len(shown) == 2 * (n + 1)  # the paper's page first, then the rest
        marker = ["QUICK-ONE", "QUICK-TWO", None][n]
        if marker:
            assert marker in shown[-2] and marker in page.read_text()
        else:
            assert "QUICK-" not in page.read_text()
        assert tree(site) == full_build(archive, tmp_path / f"full{n}"), n


def test_a_note_that_adds_a_topic_and_a_new_listing_take_a_full_build(session, tmp_path):
    archive, site = session.options.archive, session.options.site_dir
    (archive / "notes" / "a-benchmark-study-on-calibration.md").write_text(
        "---\ntags: [a brand new topic]\n---\nIts own topic.\n")
    assert session.rebuild().kind == "full"
    assert (site / "topics" / "a-brand-new-topic.html").is_file()
    (archive / "listings" / "2026-01-05-more.txt").write_bytes(listing("Quokka Attention for Tiny Devices"))
    assert session.rebuild().kind == "full"
    assert (site / "papers" / "quokka-attention-for-tiny-devices.html").is_file()
    assert tree(site) == full_build(archive, tmp_path / "full")
    assert session.rebuild().kind == "none"  # nothing changed since


def test_a_new_listing_shows_its_papers_pages_first_then_builds_what_a_full_build_gives(session, tmp_path):
    archive, site = session.options.archive, session.options.site_dir
    new, again = "quokka-attention-for-tiny-devices", "a-benchmark-study-on-calibration"  # a new paper, a known one
    (archive / "listings" / "2026-01-05-more.txt").write_bytes(
        listing("Quokka Attention for Tiny Devices", "A Benchmark Study on Calibration", day="Jan 5"))
    seen: list[tuple[str, str, str]] = []

    def show() -> None:
        seen.append(tuple(path.read_text() if path.exists() else "" for path in (
            site / "papers" / f"{new}.html", site / "papers" / f"{again}.html", site / "index.html")))

    assert session.rebuild(show).kind == "full"
    early, final = seen[0], (site / "papers" / f"{new}.html").read_text()
    # Shown before the full build: the new paper's page, and the known paper's page naming the new listing; the
    # home page does not list the new paper yet.
    assert "Quokka Attention for Tiny Devices" in early[0] and "2026-01-05-more.txt" in early[1]
    assert new not in early[2] and new in (site / "index.html").read_text()
    said = session.out.getvalue()
    assert "Showing 2 pages of new or changed papers in " in said and "did not make" not in said
    # Then every page as a clean build makes it (the early pages rendered again: their listing's page exists now).
    assert early[0] != final and "listing-2026-01-05-more.html" in final
    assert tree(site) == full_build(archive, tmp_path / "full")


def test_a_bad_note_keeps_the_last_good_site_and_is_shown_until_fixed(session):
    archive, site = session.options.archive, session.options.site_dir
    note = archive / "notes" / "a-benchmark-study-on-calibration.md"
    note.write_text("Good note GOOD-1.\n")
    assert session.rebuild().kind == "quick"
    page = site / "papers" / "a-benchmark-study-on-calibration.html"
    before = tree(site)
    note.write_text("---\nrating: [4\n---\nBroken BAD-1.\n")
    assert session.rebuild().kind == "refused"
    assert tree(site) == before and "GOOD-1" in page.read_text()
    assert any(f"{note}:2: YAML syntax error" in line for line in session.notice())
    note.write_text("Fixed FIXED-1.\n")
    assert session.rebuild().kind == "quick"
    assert "FIXED-1" in page.read_text() and session.notice() == []
    # On the terminal: the problem once, as one error line, and one line when it is gone.
    said = [line for line in session.out.getvalue().splitlines() if str(note) in line]
    assert len(said) == 2, said
    assert said[0].startswith(f"error: {note}:2: YAML syntax error")
    assert said[0].endswith("; the last good site stays until it is fixed")
    assert said[1] == "fixed: " + said[0].removeprefix("error: ")


def test_a_broken_listing_keeps_the_last_good_site(session):
    archive, site = session.options.archive, session.options.site_dir
    before = tree(site)
    (archive / "listings" / "2026-01-06-broken.txt").write_bytes(b"\xff\xfe\x00garbage\x00" * 20)
    assert session.rebuild().kind == "refused"
    assert tree(site) == before
    assert [line for line in session.notice() if line.startswith("error:")] == [
        line for line in session.notice() if "2026-01-06-broken.txt" in line]  # one line, naming the file
    assert len(session.notice()) == 1 and session.notice()[0].endswith("; the last good site stays until it is fixed")
    (archive / "listings" / "2026-01-06-broken.txt").unlink()
    assert session.rebuild().kind == "full" and session.notice() == []


def test_the_notice_is_text_at_the_top_of_the_body():
    page = with_notice(b'<html><body class="x"><p>hi</p></body></html>', ["warning: <script>alert(1)</script>"])
    assert page.startswith(b'<html><body class="x"><div class="sg-serve-notice" role="alert"')
    assert b"&lt;script&gt;alert(1)&lt;/script&gt;" in page and b"<script>" not in page
    assert with_notice(b"<body>x</body>", []) == b"<body>x</body>"


# The real server, as a curator runs it.

@pytest.fixture
def small(tmp_path):
    archive = make_archive(tmp_path / "archive", [("2025-12-16-day.txt", listing(
        "Pangolin Pruning for Sparse Transformers", "Wombat Quantization at Four Bits"))])
    (archive / "notes").mkdir()
    tmp = tmp_path / "tmp"
    tmp.mkdir()
    cwd = tmp_path / "cwd"
    cwd.mkdir()
    env = {**os.environ, "TMPDIR": str(tmp)}
    return archive, cwd, tmp, env


def test_ctrl_c_stops_serve_started_from_a_process_that_ignores_it(small):
    """A script run in the background (`cmd &`) ignores SIGINT, and so would the serve it starts: ServeProcess
    (which the benchmark and these tests stop with Ctrl-C) makes sure the server hears it."""
    archive, cwd, tmp, env = small
    previous = signal.signal(signal.SIGINT, signal.SIG_IGN)
    try:
        server = ServeProcess(archive, CONFIG, cwd, env)
    finally:
        signal.signal(signal.SIGINT, previous)
    assert server.stop(seconds=30) == 0 and server.lines[-1] == "Stopped."


def test_serve_shows_a_saved_note_a_new_listing_a_broken_note_and_stops_cleanly(small):
    archive, cwd, tmp, env = small
    server = ServeProcess(archive, CONFIG, cwd, env)
    try:
        page = "papers/pangolin-pruning-for-sparse-transformers.html"
        assert server.get(page)[0] == 200 and "livereload" in server.get(page)[1]
        note = archive / "notes" / "pangolin-pruning-for-sparse-transformers.md"
        note.write_text("---\nrating: 5\n---\nA curator's NOTE-ONE.\n")
        server.wait_until(page, "NOTE-ONE", seconds=30)

        new = listing("Capybara Caching for Long Contexts", day="Dec 17")
        (archive / "listings" / "2025-12-17-day.txt").write_bytes(new)
        server.wait_until("papers/capybara-caching-for-long-contexts.html", "Capybara Caching", seconds=60)

        note.write_text("---\nrating: [5\n---\nBroken NOTE-TWO.\n")
        server.wait_for("YAML syntax error", 30)
        server.wait_until(page, "sg-serve-notice", seconds=30)
        status, body = server.get(page)
        assert "NOTE-ONE" in body and "NOTE-TWO" not in body and "YAML syntax error" in body
        assert "sg-serve-notice" in server.get("index.html")[1]  # on every page

        note.write_text("Fixed NOTE-THREE.\n")
        server.wait_until(page, "NOTE-THREE", seconds=30)
        server.wait_until(page, "sg-serve-notice", seconds=30, present=False)
    finally:
        status = server.stop()
    assert status == 0
    assert not any("Traceback" in line for line in server.lines), server.lines
    assert server.lines[-1] == "Stopped."
    assert list(tmp.iterdir()) == [] and list(cwd.iterdir()) == []  # no work folder left behind


@pytest.mark.browser
def test_serve_reloads_the_open_page_in_the_browser(small):
    from sitegen.browser import chromium

    archive, cwd, _, env = small
    server = ServeProcess(archive, CONFIG, cwd, env)
    try:
        with chromium() as context:
            page = context.new_page()
            page.goto(server.url + "papers/wombat-quantization-at-four-bits.html")
            page.wait_for_function("() => !!document.body && document.body.innerText.includes('Wombat Quantization')")
            (archive / "notes" / "wombat-quantization-at-four-bits.md").write_text("Seen live: BROWSER-NOTE.\n")
            page.wait_for_function("() => !!document.body && document.body.innerText.includes('BROWSER-NOTE')", timeout=30_000)
    finally:
        assert server.stop() == 0


def serve_in_process(small, monkeypatch, capsys, address: str) -> tuple[int, str]:
    """Run `sitegen serve -a address` in this process (sitegen.cli.main), in small's folder and with its TMPDIR, for
    an address it refuses before building (no server, no child process: nothing to stop); return (status, stderr)."""
    from sitegen.cli import main

    archive, cwd, tmp, _ = small
    monkeypatch.chdir(cwd)
    monkeypatch.setenv("TMPDIR", str(tmp))
    monkeypatch.setattr(tempfile, "tempdir", None)  # tempfile reads TMPDIR again
    status = main(["serve", "--archive", str(archive), "--config", str(CONFIG), "-a", address])
    return status, capsys.readouterr().err


def test_serve_on_a_taken_address_says_so(small, monkeypatch, capsys):
    _, cwd, tmp, _ = small
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        status, err = serve_in_process(small, monkeypatch, capsys, f"127.0.0.1:{port}")
    assert status == 1
    assert f"error: cannot serve on 127.0.0.1:{port}" in err and "Traceback" not in err
    assert "Built" not in err and list(tmp.iterdir()) == [] and list(cwd.iterdir()) == []  # said before building


def test_serve_on_an_address_not_of_this_machine_says_so_before_building(small, monkeypatch, capsys):
    _, cwd, tmp, _ = small
    status, err = serve_in_process(small, monkeypatch, capsys, "192.0.2.1:8000")
    assert status == 1 and "Traceback" not in err
    assert [line for line in err.splitlines() if line.startswith("error:")] == [
        "error: cannot serve on 192.0.2.1:8000: Cannot assign requested address (choose another with -a HOST:PORT)"]
    assert "Built" not in err and list(tmp.iterdir()) == [] and list(cwd.iterdir()) == []
