"""Safety: the build never deletes what it did not make, never follows a curator's file out of the archive,
and turns hostile or mistaken input into one clear line instead of lost files, hangs or crashes.

The destructive cases run in temporary folders, each with a sentinel file that must survive.
"""

from __future__ import annotations

import os
import shutil
import signal
import struct
import subprocess
import sys
import textwrap
import time
import zipfile
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from conftest import BUNDLED, ROOT, make_archive

from sitegen.archive import Archive
from sitegen.archive.notes import read_note
from sitegen.cli import main
from sitegen.errors import Report

SENTINEL = "the user's own file\n"
ABSTRACT = ("We study things in depth. Our results show that things are better than before, and that this "
            "holds across many settings, tasks and model sizes, which we discuss at length.")


def listing(*titles: str, date: str = "Dec 16") -> bytes:
    blocks = "\n\n".join(f"{title}\n\n{ABSTRACT}" for title in titles)
    return f"{date}\n\n{blocks}\n".encode()


@pytest.fixture
def project(tmp_path, monkeypatch):
    """A project folder (mkdocs.yml, docs/, a sentinel, .git/) as the current folder; its archive lies elsewhere."""
    root = tmp_path / "project"
    (root / "docs").mkdir(parents=True)
    (root / "docs" / "about.md").write_text("# About\n\nHand-written.\n")
    (root / ".git").mkdir()
    (root / ".git" / "HEAD").write_text("ref: refs/heads/main\n")
    (root / "SENTINEL").write_text(SENTINEL)
    shutil.copy(ROOT / "mkdocs.yml", root / "mkdocs.yml")
    make_archive(tmp_path / "elsewhere" / "archive", [("2025-12-16-day.txt", listing("Paper One", "Paper Two"))])
    monkeypatch.chdir(root)
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    (tmp_path / "home").mkdir()
    return root


def build(*args: str, archive: Path | None = None) -> int:
    archive = archive or Path.cwd().parent / "elsewhere" / "archive"
    # One MkDocs process, as in test_hardening_publish.py: a small site's second process adds only its start-up
    # (test_parallel_build.py covers --jobs).
    return main(["build", "--archive", str(archive), "--config", "mkdocs.yml", "--jobs", "1", *args])


def files(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def one_error(capsys) -> str:
    err = capsys.readouterr().err
    lines = [line for line in err.splitlines() if not line.startswith("warning:")]
    assert len(lines) == 1 and lines[0].startswith("error: ") and "Traceback" not in err, err
    return lines[0]


# ---------------------------------------------------------------------------------------------------------
# Where the site goes: a folder is replaced only when it is missing, empty or a site sitegen built.


@pytest.mark.parametrize("site_dir", [".", "$PWD", ".."])
def test_the_project_folder_and_its_parent_are_never_the_site(project, capsys, site_dir):
    before = files(project.parent)
    target = str(project) if site_dir == "$PWD" else site_dir
    assert build("--site-dir", target) == 1
    error = one_error(capsys)
    assert error.startswith(f"error: --site-dir {target} ")
    assert "which a build would replace" in error or "would overlap the archive" in error
    assert files(project.parent) == before


@pytest.mark.parametrize("site_dir", [".", "docs", "..", "~"])
def test_force_never_replaces_a_protected_folder(project, capsys, site_dir):
    before = files(project.parent)
    target = str(Path.home()) if site_dir == "~" else site_dir
    assert build("--site-dir", target, "--force") == 1
    assert "--site-dir" in one_error(capsys)
    assert files(project.parent) == before


def test_a_folder_of_the_users_is_refused_and_named(project, capsys):
    mine = project.parent / "my-files"
    mine.mkdir()
    (mine / "SENTINEL").write_text(SENTINEL)
    (mine / "thesis.tex").write_text("\\documentclass{article}\n")
    assert build("--site-dir", str(mine)) == 1
    assert one_error(capsys) == (
        f"error: --site-dir {mine} holds 2 entries sitegen did not make (SENTINEL, thesis.tex); a build replaces "
        "that folder, so it stops here (choose a new or empty --site-dir, or move those files away; --force "
        "replaces the folder anyway)")
    assert (mine / "SENTINEL").read_text() == SENTINEL
    assert sorted(p.name for p in mine.parent.iterdir()) == ["elsewhere", "home", "my-files", "project"]


def test_force_replaces_an_unprotected_folder(project, capsys):
    mine = project.parent / "old-site"
    mine.mkdir()
    (mine / "stale.html").write_text("old")
    assert build("--site-dir", str(mine), "--force") == 0
    assert (mine / "index.html").is_file() and not (mine / "stale.html").exists()


def test_a_missing_or_empty_folder_is_built_and_a_built_site_is_replaced(project):
    (project / "empty").mkdir()
    assert build("--site-dir", "empty") == 0
    assert (project / "empty" / "index.html").is_file() and (project / "empty" / ".sitegen-site").is_file()
    assert build("--site-dir", "empty") == 0  # its own site: replaced
    assert build("--site-dir", "new/site") == 0
    assert (project / "new" / "site" / "index.html").is_file()
    assert (project / "SENTINEL").read_text() == SENTINEL


@pytest.mark.parametrize("site_dir, what", [("docs", "the docs folder"), ("docs/site", "the docs folder")])
def test_the_docs_folder_is_never_written(project, capsys, site_dir, what):
    before = files(project / "docs")
    assert build("--site-dir", site_dir) == 1
    error = one_error(capsys)
    assert f"--site-dir {site_dir} would overlap {what} ({project / 'docs'}); the build never writes there" in error
    assert files(project / "docs") == before


def test_an_existing_file_is_never_replaced(project, capsys):
    config = (project / "mkdocs.yml").read_bytes()
    assert build("--site-dir", "mkdocs.yml") == 1
    assert "mkdocs.yml" in one_error(capsys)
    assert (project / "mkdocs.yml").read_bytes() == config
    assert not (project / ".mkdocs.yml.old").exists() and not (project / ".mkdocs.yml.building").exists()
    (project / "notes.txt").write_text(SENTINEL)
    assert build("--site-dir", "notes.txt", "--force") == 1
    assert "--site-dir notes.txt is a file, not a folder; the build will not replace it" in one_error(capsys)
    assert (project / "notes.txt").read_text() == SENTINEL


def test_a_symlinked_site_dir_is_built_where_it_points_and_stays_a_link(project):
    real = project.parent / "www" / "site"
    real.parent.mkdir()
    (project / "site").symlink_to(real, target_is_directory=True)
    assert build("--site-dir", "site") == 1  # dangling: refused, nothing created
    assert not real.exists()
    real.mkdir()
    for _ in range(2):  # the second build replaces the first, through the link
        assert build("--site-dir", "site") == 0
        assert (project / "site").is_symlink() and (real / "index.html").is_file()
    assert sorted(p.name for p in real.parent.iterdir()) == ["site"]  # the work folder is the project's


def test_a_symlink_to_a_folder_of_the_users_is_refused(project, capsys):
    mine = project.parent / "mine"
    mine.mkdir()
    (mine / "SENTINEL").write_text(SENTINEL)
    (project / "site").symlink_to(mine, target_is_directory=True)
    assert build("--site-dir", "site") == 1
    assert "holds 1 entry sitegen did not make (SENTINEL)" in one_error(capsys)
    assert (mine / "SENTINEL").read_text() == SENTINEL and (project / "site").is_symlink()


@pytest.mark.parametrize("name, marker", [(".site.building", "staging"), (".site.old", "previous"),
                                          (".sitegen", "work")])
def test_a_folder_beside_the_site_the_tool_did_not_make_is_refused(project, capsys, name, marker):
    (project / name).mkdir()
    (project / name / "SENTINEL").write_text(SENTINEL)
    assert build("--site-dir", "site") == 1
    assert f"the build's folder {project / name} holds 1 entry sitegen did not make (SENTINEL)" in one_error(capsys)
    assert (project / name / "SENTINEL").read_text() == SENTINEL


def test_the_work_folder_carries_a_marker_and_is_reused(project):
    assert build("--site-dir", "site") == 0
    assert (project / ".sitegen" / ".sitegen-work").is_file()
    assert build("--site-dir", "site") == 0


# ---------------------------------------------------------------------------------------------------------
# The bundle's zip: never into the archive, never over a file sitegen did not write.


def bundle(*args: str) -> int:
    return main(["bundle", "--archive", str(Path.cwd().parent / "elsewhere" / "archive"), "--config", "mkdocs.yml",
                 "--jobs", "1", *args])


def test_bundle_refuses_the_archive_and_files_it_did_not_make(project, capsys):
    archive = project.parent / "elsewhere" / "archive"
    before = files(archive)
    assert bundle("--out", str(archive / "site.zip")) == 1
    assert "is inside the archive, which the tool never writes into" in one_error(capsys)
    assert files(archive) == before

    theirs = project / "theirs.zip"
    with zipfile.ZipFile(theirs, "w") as other:
        other.writestr("a.txt", SENTINEL)
    (project / "notes.zip").write_text(SENTINEL)
    for name in ("theirs.zip", "notes.zip"):
        data = (project / name).read_bytes()
        assert bundle("--out", name) == 1
        assert f"{name}: exists and is not a bundle sitegen made; it is left as it is" in one_error(capsys)
        assert (project / name).read_bytes() == data

    assert bundle("--out", "dist/site.zip") == 0
    assert bundle("--out", "dist/site.zip") == 0  # its own bundle: replaced
    assert zipfile.ZipFile(project / "dist" / "site.zip").testzip() is None


# ---------------------------------------------------------------------------------------------------------
# Curators' files: never followed out of the archive; odd entries reported, not skipped in silence.


def curated(tmp_path: Path) -> Path:
    archive = make_archive(tmp_path / "archive", [("2025-12-16-day.txt", listing("Paper One", "Paper Two"))])
    (archive / "notes").mkdir()
    return archive


def build_archive(archive: Path, site: Path, *args: str) -> int:
    return main(["build", "--archive", str(archive), "--site-dir", str(site), "--config", str(ROOT / "mkdocs.yml"),
                 "--site-url", "https://example.org/", "--jobs", "1", *args])


def test_a_note_linking_outside_the_archive_is_refused_by_name(tmp_path, capsys):
    archive = curated(tmp_path)
    secret = tmp_path / "secret.txt"
    secret.write_text("root:x:0:0:TOP-SECRET-LINE\n")
    (archive / "notes" / "paper-one.md").symlink_to(secret)
    (archive / "inside.md").write_text("A note kept elsewhere in the archive, INSIDE-NOTE.\n")
    (archive / "notes" / "paper-two.md").symlink_to(archive / "inside.md")
    assert build_archive(archive, tmp_path / "site") == 0
    err = capsys.readouterr().err
    assert (f"warning: {archive / 'notes' / 'paper-one.md'}: leads to {secret}, outside the archive; it is not "
            "read (copy the file into the archive instead of linking to it) -- skipped") in err
    site = files(tmp_path / "site")
    assert not [name for name, data in site.items() if b"TOP-SECRET" in data]
    assert b"INSIDE-NOTE" in site["papers/paper-two.html"]  # a link inside the archive is followed


def test_listings_taxonomy_and_manifest_linking_outside_are_refused(tmp_path, capsys):
    archive = curated(tmp_path)
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "listing.txt").write_bytes(listing("Outside Paper"))
    (outside / "taxonomy.yml").write_text("topics:\n  secret: {match: [paper]}\n")
    (outside / "archive.yml").write_text("listings: {}\n")
    (archive / "listings" / "linked.txt").symlink_to(outside / "listing.txt")
    (archive / "taxonomy.yml").symlink_to(outside / "taxonomy.yml")
    (archive / "archive.yml").symlink_to(outside / "archive.yml")
    assert build_archive(archive, tmp_path / "site") == 0
    err = capsys.readouterr().err
    for name, target in (("listings/linked.txt", "listing.txt"), ("archive.yml", "archive.yml")):
        assert f"{archive / name}: leads to {outside / target}, outside the archive" in err
    assert f"{archive / 'taxonomy.yml'}: leads to" in err and "using the built-in taxonomy instead" in err
    assert not (tmp_path / "site" / "papers" / "outside-paper.html").exists()
    assert not (tmp_path / "site" / "topics" / "secret.html").exists()


def test_dangling_links_fifos_and_folders_in_listings_are_reported(tmp_path, capsys):
    archive = curated(tmp_path)
    listings = archive / "listings"
    (listings / "gone.txt").symlink_to(tmp_path / "nowhere.txt")
    os.mkfifo(listings / "pipe.txt")
    (listings / "folder.txt").mkdir()
    (listings / "readme.md").write_text("not a listing")
    assert build_archive(archive, tmp_path / "site") == 0  # the FIFO is never opened, so nothing hangs
    err = capsys.readouterr().err
    assert f"{listings / 'gone.txt'}: is a symbolic link to {tmp_path / 'nowhere.txt'}, which does not exist" in err
    assert f"{listings / 'pipe.txt'}: is not a regular file (a FIFO, socket or device); it is not read" in err
    assert f"{listings / 'folder.txt'}: is a folder, not a file" in err
    assert f"{listings / 'readme.md'}: not a listing (sitegen reads .txt, .json files here); ignored" in err
    assert build_archive(archive, tmp_path / "site", "--strict") == 1
    assert "3 file(s) were skipped and --strict is set" in capsys.readouterr().err


BOMB = "a: &a [x, x, x, x, x, x, x, x, x]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]\n" + "".join(
    f"{chr(99 + n)}: &{chr(99 + n)} [{', '.join([f'*{chr(98 + n)}'] * 9)}]\n" for n in range(7))


@pytest.mark.parametrize("where", ["notes/paper-one.md", "archive.yml", "taxonomy.yml"])
def test_yaml_aliases_are_refused_in_one_short_line(tmp_path, capsys, where):
    archive = curated(tmp_path)
    text = f"---\n{BOMB}---\nA note.\n" if where.startswith("notes/") else BOMB
    (archive / where).write_text(text)
    assert build_archive(archive, tmp_path / "site") == 0
    warnings = [line for line in capsys.readouterr().err.splitlines() if line.startswith("warning:")]
    (warning,) = [w for w in warnings if str(archive / where) in w]
    assert "YAML syntax error: aliases (*name) are not allowed in the archive's YAML" in warning
    assert "write the value out instead of referring to it" in warning and len(warning) < 400


def test_a_huge_value_is_quoted_short_in_messages(tmp_path, capsys):
    archive = curated(tmp_path)
    (archive / "notes" / "paper-one.md").write_text(f"---\nrating: {'9' * 50_000}x\nstatus: {'s' * 100_000}\n---\n")
    (archive / "archive.yml").write_text(f"listings:\n  {'n' * 100_000}.txt: {{captured: {'z' * 100_000}}}\n")
    assert build_archive(archive, tmp_path / "site") == 0
    warnings = [line for line in capsys.readouterr().err.splitlines() if line.startswith("warning:")]
    assert len(warnings) == 2 and all(len(w) < 500 for w in warnings), [len(w) for w in warnings]
    assert any("characters)" in w for w in warnings)


def test_a_200_kb_title_is_cut_and_reported(tmp_path, capsys):
    title = " ".join(f"word{n}-{{x}}_$y$" for n in range(15_000))[:200_000]
    archive = make_archive(tmp_path / "archive", [("2025-12-16-day.txt", listing(title, "Paper Two"))])
    assert build_archive(archive, tmp_path / "site") == 0
    err = capsys.readouterr().err
    assert "the title is 200,000 characters long; only its first" in err and ":3: " in err
    page = next(p for p in (tmp_path / "site" / "papers").glob("word0*.html"))
    heading = BeautifulSoup(page.read_text(), "html.parser").find("h1").get_text()
    assert 200 < len(heading) <= 500 and heading.endswith("…")


SWALLOWING = ["textarea", "title", "style", "script", "xmp", "plaintext", "template", "noscript", "noembed",
              "iframe", "div", "select", "table"]


@pytest.mark.parametrize("tag", SWALLOWING)
def test_a_note_leaving_an_element_open_is_reported_and_left_out(tmp_path, tag):
    path = tmp_path / "paper-one.md"
    path.write_text(f"---\nrating: 4\n---\nSome words, then <{tag}> and more words.\n")
    report = Report()
    note = read_note(path, report)
    assert note.body == "" and note.rating == 4
    (warning,) = report.warnings
    assert warning.startswith(f"{path}: the note leaves <") and "open, which would swallow or break the rest of " \
        "the page; its text is left out (close every HTML tag the note opens)" in warning


@pytest.mark.parametrize("body", ["Closed <textarea>x</textarea> and <b>bold</b>.", "<div>\n\nok\n\n</div>",
                                  "A <kbd>key</kbd>, <br> and <img src='x.png' alt='x'>.", "x <span>y", "`<script>`"])
def test_well_formed_notes_are_kept(tmp_path, body):
    path = tmp_path / "paper-one.md"
    path.write_text(body + "\n")
    report = Report()
    assert read_note(path, report).body.strip() == body and report.warnings == []


def test_a_note_closing_the_pages_elements_is_reported(tmp_path):
    path = tmp_path / "paper-one.md"
    path.write_text("Fine text.\n\n</div></div></article>\n")
    report = Report()
    assert read_note(path, report).body == ""
    assert "the note closes an element it did not open" in report.warnings[0]


def test_the_page_after_a_refused_note_is_whole(tmp_path):
    archive = curated(tmp_path)
    (archive / "notes" / "paper-one.md").write_text("Look: <textarea>\n")
    assert build_archive(archive, tmp_path / "site") == 0
    soup = BeautifulSoup((tmp_path / "site" / "papers" / "paper-one.html").read_text(), "html.parser")
    assert soup.find("textarea") is None
    assert soup.find(id="abstract") is not None and soup.find(id="seen-in") is not None


# ---------------------------------------------------------------------------------------------------------
# Wrong answers and crashes.


@pytest.mark.parametrize("where, text, expected", [
    ("archive.yml", "listings:\n  2025-12-16-day.txt: {captured: 2205-12-16}\n",
     ":2: listing '2025-12-16-day.txt': captured 2205-12-16 is outside the years 1900-2099; ignored"),
    ("archive.yml", "listings:\n  2025-12-16-day.txt: {captured: 9000-01-01}\n",
     ":2: listing '2025-12-16-day.txt': captured 9000-01-01 is outside"),
])
def test_a_date_out_of_range_is_a_users_error_not_a_crash(tmp_path, capsys, where, text, expected):
    archive = curated(tmp_path)
    (archive / where).write_text(text)
    assert build_archive(archive, tmp_path / "site") == 0
    err = capsys.readouterr().err
    assert f"{archive / where}{expected}" in err and "internal error" not in err


def test_a_listing_date_out_of_range_is_ignored_by_line(tmp_path, capsys):
    text = listing("Paper One").decode().replace(ABSTRACT, ABSTRACT + "\n\n  • 3 authors\n·\nMay 4, 9000")
    archive = make_archive(tmp_path / "archive", [("2025-12-16-day.txt", text.encode())])
    assert build_archive(archive, tmp_path / "site") == 0
    err = capsys.readouterr().err
    assert f"{archive / 'listings' / '2025-12-16-day.txt'}:3: date 'May 4, 9000' is outside the years 1900-2099" in err
    stats = (tmp_path / "site" / "stats.html").stat().st_size
    assert stats < 200_000


@pytest.mark.parametrize("epoch", ["99999999999", "4294967296"])
def test_a_source_date_epoch_past_2099_is_one_clear_error(tmp_path, capsys, monkeypatch, epoch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", epoch)
    assert build_archive(curated(tmp_path), tmp_path / "site") == 1
    assert one_error(capsys).startswith(f"error: SOURCE_DATE_EPOCH is {epoch}, a date after 2099")


def test_a_file_name_date_out_of_range_is_reported(tmp_path, capsys):
    archive = make_archive(tmp_path / "archive", [("2205-12-16-day.txt", listing("Paper One"))])
    assert build_archive(archive, tmp_path / "site") == 0
    assert "2205-12-16-day.txt: file name starts with '2205-12-16', which is not a date from 1900 to 2099" in \
        capsys.readouterr().err


@pytest.mark.parametrize("first, second", [("大语言模型综述", "大预言模型综述"), ("Model α", "Model a"),
                                           ("🚀 Rocket LLM", "🔥 Rocket LLM")])
def test_titles_differing_in_one_character_are_two_papers(tmp_path, first, second):
    archive = make_archive(tmp_path / "archive", [("2025-12-16-a.txt", listing(first)),
                                                  ("2025-12-17-b.txt", listing(second, date="Dec 17"))])
    assert build_archive(archive, tmp_path / "site") == 0
    pages = sorted((tmp_path / "site" / "papers").glob("*.html"))
    assert len(pages) == 2
    shown = {BeautifulSoup(p.read_text(), "html.parser").find("h1").get_text() for p in pages}
    assert shown == {first, second}
    plain, suffixed = sorted(pages, key=lambda p: len(p.stem))
    assert suffixed.stem.startswith(plain.stem + "-") and len(suffixed.stem) == len(plain.stem) + 9
    later = BeautifulSoup(suffixed.read_text(), "html.parser").find("h1").get_text()
    assert later == second  # the paper captured first keeps the plain name


def test_same_title_in_other_case_and_punctuation_is_one_paper(tmp_path):
    archive = make_archive(tmp_path / "archive", [("2025-12-16-a.txt", listing("Pre-training Models: A Survey")),
                                                  ("2025-12-17-b.txt", listing("PRE TRAINING MODELS A SURVEY!",
                                                                               date="Dec 17"))])
    assert build_archive(archive, tmp_path / "site") == 0
    assert [p.name for p in (tmp_path / "site" / "papers").glob("*.html")] == ["pre-training-models-a-survey.html"]


def test_a_topic_keyed_index_is_refused_and_the_overview_stays(tmp_path, capsys):
    archive = curated(tmp_path)
    (archive / "taxonomy.yml").write_text("topics:\n  index: {match: [paper]}\n  papers: {match: [paper]}\n")
    assert build_archive(archive, tmp_path / "site") == 0
    assert (f"{archive / 'taxonomy.yml'}:2: topic 'index': the site uses the page topics/index.html itself; the "
            "topic is left out (rename the topic)") in capsys.readouterr().err
    overview = (tmp_path / "site" / "topics" / "index.html").read_text()
    assert "Papers" in overview and 'href="papers.html"' in overview


def test_over_long_listing_names_and_tags_get_short_page_names(tmp_path):
    name = "2025-12-16-" + "a-very-long-listing-name-" * 9 + ".txt"
    assert len(name) < 256
    archive = make_archive(tmp_path / "archive", [(name, listing("Paper One"))])
    (archive / "notes").mkdir()
    (archive / "notes" / "paper-one.md").write_text(f"---\ntags: [{'long tag ' * 40}]\n---\nA note.\n")
    assert build_archive(archive, tmp_path / "site") == 0
    names = [p.name for p in (tmp_path / "site").rglob("*")]
    assert max(len(n) for n in names) < 110
    assert any(n.startswith("listing-2025-12-16-a-very-long") for n in names)
    assert any(n.startswith("long-tag-long-tag") for n in names)


def test_sitegen_note_says_when_notes_is_a_file(tmp_path, capsys):
    archive = make_archive(tmp_path / "archive", [("2025-12-16-day.txt", listing("Paper One"))])
    (archive / "notes").write_text(SENTINEL)
    assert main(["note", "--archive", str(archive), "paper-one"]) == 1
    err = capsys.readouterr().err
    assert f"error: {archive / 'notes'}: is a file, not a folder" in err and "already exists" not in err
    assert "(the archive keeps its notes in a folder of that name)" in err
    assert (archive / "notes").read_text() == SENTINEL


def test_an_internal_error_names_its_type_fully(tmp_path, capsys, monkeypatch):
    import sitegen.pipeline

    def boom(*args, **kwargs):
        raise struct.error("'L' format requires 0 <= number <= 4294967295")

    monkeypatch.setattr(sitegen.pipeline, "annotating", boom)
    assert build_archive(curated(tmp_path), tmp_path / "site") == 70
    assert capsys.readouterr().err.startswith("internal error: struct.error: 'L' format requires")


def test_the_second_core_dies_with_a_killed_build(tmp_path):
    script = textwrap.dedent("""
        import os, sys, time
        from sitegen.parallel import beside
        def report_and_wait():
            print(os.getpid(), flush=True)
            time.sleep(600)
        with beside(report_and_wait):
            time.sleep(600)
    """)
    proc = subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.PIPE, text=True, cwd=ROOT)
    worker = int(proc.stdout.readline())
    assert _alive(worker)
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait(10)
    deadline = time.monotonic() + 10
    while _alive(worker) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not _alive(worker), "the worker outlived its killed parent"


def _alive(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat") as handle:
            return handle.read().split(") ")[1][0] != "Z"
    except FileNotFoundError:
        return False


def test_a_site_built_under_umask_077_is_readable_by_all(tmp_path):
    archive = curated(tmp_path)
    done = subprocess.run([sys.executable, "-m", "sitegen", "build", "--archive", str(archive), "--site-dir",
                           str(tmp_path / "site"), "--config", str(ROOT / "mkdocs.yml")],
                          preexec_fn=lambda: os.umask(0o077), capture_output=True, text=True, cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    modes = {p.relative_to(tmp_path).as_posix(): p.stat().st_mode & 0o777 for p in (tmp_path / "site").rglob("*")}
    wrong = {name: oct(mode) for name, mode in modes.items()
             if mode != (0o755 if (tmp_path / name).is_dir() else 0o644)}
    assert wrong == {} and len(modes) > 30


def test_bench_without_the_test_extra_says_which_to_install(capsys, monkeypatch):
    import importlib.util

    real = importlib.util.find_spec
    monkeypatch.setattr(importlib.util, "find_spec", lambda name, *a: None if name == "playwright" else real(name, *a))
    assert main(["bench", "--papers", "5"]) == 1
    assert one_error(capsys) == ("error: the search timings need Playwright, from sitegen's test extra (install it "
                                 "with: pip install -e \".[test]\"; or pass --no-browser)")


def test_the_bundled_notes_pass_every_check():
    """A guard against over-eager refusals: the bundled archive's notes are read as they are."""
    from sitegen.archive.notes import load_notes

    report = Report()
    slugs = {p.stem for p in (BUNDLED / "notes").glob("*.md")}
    notes = load_notes(Archive(BUNDLED), slugs, report)
    assert report.warnings == [] and set(notes) == slugs and all(n.body.strip() for n in notes.values())


def test_the_command_leaves_with_its_status_its_messages_and_its_exit_handlers(tmp_path):
    """`sitegen` skips freeing its objects at exit (cli.entry()): the status, every line written and the exit
    handlers (atexit) are still there."""
    script = ("import atexit, sys; from sitegen.cli import entry; atexit.register(print, 'handlers ran'); "
              "sys.argv = ['sitegen', 'build', '--archive', 'nowhere']; print('before'); entry()")
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, cwd=tmp_path,
                          env={**os.environ, "PYTHONPATH": str(ROOT)})
    assert done.returncode == 1 and done.stdout == "before\nhandlers ran\n"
    assert done.stderr.startswith("error: ") and "nowhere" in done.stderr
