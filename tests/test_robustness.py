"""Robustness: every encoding a paste arrives in, one clear message per problem, `--strict` and `--debug`,
byte-identical output whatever the listings' order, and an archive the tool never writes to."""

from __future__ import annotations

import codecs
import gzip
import hashlib
import io
import os
import shutil
import zipfile
from pathlib import Path

import pytest
from conftest import BUNDLED, LISTINGS, ROOT, make_archive, read_fixture

import sitegen.archive.folder
from sitegen.archive import Archive
from sitegen.archive.taxonomy import load_taxonomy
from sitegen.cli import main
from sitegen.errors import ListingError, Report
from sitegen.ingest.grouping import group_papers
from sitegen.ingest.listing import read_listing
from sitegen.ingest.stage import read_listings
from sitegen.layout import Layout
from sitegen.pipeline import BuildOptions, build

CLEAN = (LISTINGS / "crlf_line_endings.txt").read_bytes().decode("utf-8").replace("\r\n", "\n")
"""A clean paste: every variant below must read exactly like it."""

# ---------------------------------------------------------------------------------------------------------
# Encodings and line endings


def _read_bytes(folder: Path, data: bytes, report: Report | None = None, name: str = "pasted.txt"):
    path = folder / name
    folder.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    return read_listing(path, None, report if report is not None else Report())


@pytest.mark.parametrize("fixture", ["crlf_line_endings.txt", "cr_only_line_endings.txt", "utf8_bom.txt",
                                     "utf16_with_bom.txt", "utf16_big_endian_with_bom.txt", "trailing_spaces.txt"])
def test_every_paste_variant_reads_like_the_clean_paste(fixture, tmp_path):
    clean = _read_bytes(tmp_path, CLEAN.encode("utf-8"), name="clean.txt")
    report = Report()
    variant = read_fixture(fixture, report=report)
    first, expected = variant.entries[0], clean.entries[0]
    assert (first.title, first.abstract) == (expected.title, expected.abstract)
    assert variant.captured == clean.captured
    assert report.warnings == []


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "utf-16", "utf-16-le+bom", "utf-16-be+bom"])
@pytest.mark.parametrize("newline", ["\n", "\r\n", "\r"])
def test_every_unicode_encoding_and_line_ending_reads_the_same(encoding, newline, tmp_path):
    text = CLEAN.replace("\n", newline)
    if encoding.endswith("+bom"):
        codec = encoding.removesuffix("+bom")
        bom = codecs.BOM_UTF16_LE if codec == "utf-16-le" else codecs.BOM_UTF16_BE
        data = bom + text.encode(codec)
    else:
        data = text.encode(encoding)
    report = Report()
    listing = _read_bytes(tmp_path, data, report)
    assert listing == _read_bytes(tmp_path / "clean", CLEAN.encode("utf-8"))
    assert report.warnings == []


def test_windows_1252_paste_keeps_its_quotes_and_warns_by_name():
    report = Report()
    listing = read_fixture("windows1252_quotes.txt", report=report)
    assert listing.entries[0].title == "\u201cQuoted\u201d Paper \u2013 Caf\u00e9"
    (warning,) = report.warnings
    assert warning.startswith(str(LISTINGS / "windows1252_quotes.txt") + ": not valid UTF-8, read as Latin-1")
    assert "re-save it as UTF-8" in warning


def test_latin1_bytes_windows_1252_leaves_undefined_still_read(tmp_path):
    """0x81 is undefined in Windows-1252: the file is read as ISO Latin-1, and the control never shows."""
    report = Report()
    listing = _read_bytes(tmp_path, CLEAN.encode("cp1252").replace(b"Paper One", b"Paper\x81One"), report)
    assert listing.entries[0].title == "Paper\x81One"
    assert "Latin-1" in report.warnings[0]


def _zip() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("listing.txt", CLEAN)
    return buffer.getvalue()


REFUSED = {
    "binary_file.txt": "is a binary file, not a pasted listing (listings must be text files",
    "truncated_utf16.txt": "starts with a utf-16 byte-order mark but is not valid utf-16 (byte ",
    "empty_file.txt": "no paper blocks found: not a Hugging Face listing (a listing has",
    "not_a_listing.txt": "no paper blocks found: not a Hugging Face listing (a listing has",
}
GENERATED_BINARIES = {
    "zip.txt": _zip(),
    "gzip.txt": gzip.compress(CLEAN.encode("utf-8"), mtime=0),
    "png.txt": b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)),
    "utf32.txt": codecs.BOM_UTF32_LE + CLEAN.encode("utf-32-le"),
    "utf16_without_bom.txt": CLEAN.encode("utf-16-le"),
}


@pytest.mark.parametrize("fixture", sorted(REFUSED))
def test_a_file_that_is_no_listing_is_refused_by_name_with_what_to_do(fixture):
    with pytest.raises(ListingError) as caught:
        read_fixture(fixture)
    assert str(caught.value).startswith(f"{LISTINGS / fixture}: {REFUSED[fixture]}")
    assert caught.value.hint and str(caught.value).endswith(f" ({caught.value.hint})")


@pytest.mark.parametrize("name", sorted(GENERATED_BINARIES))
def test_binary_formats_are_refused_by_name(name, tmp_path):
    with pytest.raises(ListingError) as caught:
        _read_bytes(tmp_path, GENERATED_BINARIES[name], name=name)
    assert str(caught.value).startswith(f"{tmp_path / name}: is a binary file, not a pasted listing")


def test_huge_counts_are_text_not_a_crash():
    """A 5000-digit count is beyond what int() converts; such a line is not metadata."""
    report = Report()
    huge, sane = read_fixture("huge_counts.txt", report=report).entries
    assert (huge.title, huge.author_count, huge.upvote_count) == ("Paper With Huge Counts", None, None)
    assert (sane.title, sane.author_count, sane.upvote_count) == ("Paper With Sane Counts", 3, 12)
    assert [w.split(": ")[0] for w in report.warnings] == [f"{LISTINGS / 'huge_counts.txt'}:{n}" for n in (7, 9)]


def test_a_title_spelling_another_papers_page_name_gets_its_own_page():
    listing = read_fixture("forged_slug_title.txt")
    papers = group_papers([listing]).papers
    assert [p.title for p in papers] == ["???", "Paper f6ec37bb"]
    assert papers[0].slug == "paper-f6ec37bb"
    assert papers[1].slug.startswith("paper-f6ec37bb-") and papers[1].slug != papers[0].slug


# ---------------------------------------------------------------------------------------------------------
# Messages: one line per problem, naming the file (and line), saying what to do; no traceback.

GARBAGE = [LISTINGS / name for name in sorted(REFUSED)]


def _cli(capsys, *args: str) -> tuple[int, str, str]:
    code = main([*args])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def _build_args(archive: Path, site: Path, *extra: str, config: Path = ROOT / "mkdocs.yml") -> list[str]:
    # One MkDocs process, as in test_hardening_publish.py: a small site's second process adds only its start-up
    # (test_parallel_build.py covers --jobs).
    return ["build", "--archive", str(archive), "--site-dir", str(site), "--config", str(config), "--jobs", "1",
            *extra]


def _assert_one_line_each(err: str) -> None:
    lines = err.splitlines()
    assert lines and all(line.startswith(("warning: ", "error: ")) for line in lines), err
    assert sum(line.startswith("error: ") for line in lines) <= 1
    assert "Traceback" not in err


def test_garbage_only_archive_exits_nonzero_naming_every_file(tmp_path, capsys):
    archive = make_archive(tmp_path / "archive", [*GARBAGE, ("zip.txt", GENERATED_BINARIES["zip.txt"])])
    code, out, err = _cli(capsys, *_build_args(archive, tmp_path / "site"))
    assert code == 1 and out == ""
    _assert_one_line_each(err)
    for path in [*GARBAGE, Path("zip.txt")]:
        assert f"{archive / 'listings' / path.name}: " in err
    assert err.splitlines()[-1] == (f"error: {archive / 'listings'}: no usable listing: every file was skipped "
                                   "(see the warnings above) (fix the files named above)")
    assert not (tmp_path / "site").exists() and not (tmp_path / ".sitegen").exists()


def test_missing_listings_folder_is_named(tmp_path, capsys):
    (tmp_path / "archive").mkdir()
    code, _, err = _cli(capsys, *_build_args(tmp_path / "archive", tmp_path / "site"))
    assert code == 1
    assert err == (f"error: {tmp_path / 'archive' / 'listings'}: no such folder (put pasted listing pages (.txt) or "
                   "saved API answers (.json) in it, or name another archive with --archive DIR)\n")
    (tmp_path / "archive" / "listings").mkdir()
    code, _, err = _cli(capsys, *_build_args(tmp_path / "archive", tmp_path / "site"))
    assert code == 1
    assert err == (f"error: {tmp_path / 'archive' / 'listings'}: no listings found "
                   "(put pasted listing pages (.txt) or saved API answers (.json) in this folder)\n")


def test_a_build_outside_the_project_says_the_archive_folder_is_missing(tmp_path, capsys, monkeypatch):
    monkeypatch.chdir(tmp_path)
    code, _, err = _cli(capsys, "build", "--config", str(ROOT / "mkdocs.yml"))
    assert code == 1
    assert err == ("error: archive: no such folder (run sitegen in the project folder, or name the archive with "
                   "--archive DIR)\n")


def test_listing_beside_garbage_builds_then_strict_fails_and_keeps_the_site(tmp_path, capsys):
    archive = make_archive(tmp_path / "archive", [LISTINGS / "block_without_metadata.txt", *GARBAGE])
    site = tmp_path / "site"
    code, out, err = _cli(capsys, *_build_args(archive, site))
    assert code == 0, err
    _assert_one_line_each(err)
    for path in GARBAGE:
        assert f"warning: {archive / 'listings' / path.name}: " in err and err.count(path.name) == 1
    assert out.startswith(f"Built {site}/: 2 papers")
    assert len(list((site / "papers").glob("*.html"))) == 2
    before = _snapshot(site)

    code, out, err = _cli(capsys, *_build_args(archive, site, "--strict"))
    assert code == 1
    _assert_one_line_each(err)
    error = err.splitlines()[-1]
    assert error.startswith("error: 4 file(s) were skipped and --strict is set (fix or remove: ")
    assert all(str(archive / "listings" / path.name) in error for path in GARBAGE)
    assert _snapshot(site) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["archive", "site"]  # the work folder is ROOT's


def test_bad_manifest_and_taxonomy_are_reported_by_name_and_the_build_goes_on(tmp_path):
    archive = make_archive(tmp_path / "archive", [LISTINGS / "block_without_metadata.txt"],
                           **{"archive.yml": "listings:\n  block_without_metadata.txt: {captured: 2024-02-30}\n",
                              "taxonomy.yml": "topics:\n  pruning: {match: [prun*\n"})
    report = Report()
    read_listings(Archive(archive), report)
    load_taxonomy(Archive(archive), report)
    manifest, taxonomy = report.warnings
    assert manifest.startswith(f"{archive / 'archive.yml'}: a value cannot be read: day is out of range for month")
    assert manifest.endswith("-- skipped") and "2025-12-16" in manifest
    assert taxonomy.startswith(f"{archive / 'taxonomy.yml'}:3: YAML syntax error")
    assert taxonomy.endswith("-- using the built-in taxonomy instead")

    (archive / "archive.yml").write_bytes(b"listings: \xff\n")
    (archive / "taxonomy.yml").write_bytes(b"topics: \xff\n")
    report = Report()
    read_listings(Archive(archive), report)
    load_taxonomy(Archive(archive), report)
    assert report.warnings == [
        f"{archive / 'archive.yml'}: is not UTF-8 text (re-save it as UTF-8) -- skipped",
        f"{archive / 'taxonomy.yml'}: is not UTF-8 text (re-save it as UTF-8) -- using the built-in taxonomy instead",
    ]
    assert report.skipped == [str(archive / "archive.yml")]


def test_problems_inside_a_listing_name_its_line(tmp_path):
    text = CLEAN.replace("Mar 13", "Feb 30").replace("May 19, 2023", "May 19, 2023\nMay 20, 2023")
    report = Report()
    _read_bytes(tmp_path, text.encode("utf-8"), report)
    path = tmp_path / "pasted.txt"
    assert report.warnings == [
        f"{path}:1: page date 'Feb 30' is not a calendar date; ignored",
        f"{path}:10: second date line 'May 20, 2023' for one paper; ignored",
    ]


def test_an_unreadable_listing_is_skipped_by_name(tmp_path, monkeypatch):
    archive = make_archive(tmp_path / "archive", [LISTINGS / "block_without_metadata.txt",
                                                  LISTINGS / "title_without_abstract.txt"])
    locked = archive / "listings" / "title_without_abstract.txt"
    real = os.open

    def open_file(path, flags, *args):  # chmod cannot lock root out, so the refusal is simulated
        if Path(path) == locked.resolve():
            raise PermissionError(13, "Permission denied", str(path))
        return real(path, flags, *args)

    monkeypatch.setattr(sitegen.archive.folder.os, "open", open_file)
    report = Report()
    assert [l.name for l in read_listings(Archive(archive), report)] == ["block_without_metadata.txt"]
    assert report.warnings == [f"{locked}: cannot be read: Permission denied -- skipped"]


def test_debug_shows_the_traceback_only_when_asked(tmp_path, capsys):
    archive = make_archive(tmp_path / "archive", [LISTINGS / "binary_file.txt"])
    code, _, err = _cli(capsys, *_build_args(archive, tmp_path / "site"))
    assert code == 1 and "Traceback" not in err
    code, _, debug = _cli(capsys, "--debug", *_build_args(archive, tmp_path / "site"))
    assert code == 1 and "Traceback (most recent call last)" in debug
    assert debug.splitlines()[-1] == err.splitlines()[-1]


def test_a_bug_is_one_line_without_debug(tmp_path, capsys, monkeypatch):
    import sitegen.pipeline

    def broken(options, report=None):
        raise RuntimeError("boom")

    monkeypatch.setattr(sitegen.pipeline, "build", broken)
    code, _, err = _cli(capsys, *_build_args(tmp_path, tmp_path / "site"))
    assert code == 70
    assert err == "internal error: RuntimeError: boom (run with --debug for the traceback; please report it)\n"
    code, _, err = _cli(capsys, "--debug", *_build_args(tmp_path, tmp_path / "site"))
    assert code == 70 and "Traceback (most recent call last)" in err and "RuntimeError: boom" in err


def test_a_file_system_refusal_is_one_message_naming_the_path(tmp_path, capsys):
    archive = make_archive(tmp_path / "archive", [LISTINGS / "block_without_metadata.txt"])
    (tmp_path / "file").write_text("not a folder")
    code, _, err = _cli(capsys, *_build_args(archive, tmp_path / "file" / "site"))
    assert code == 1
    _assert_one_line_each(err)
    assert err.startswith(f"error: {tmp_path / 'file'}") and "Not a directory" in err


def test_mkdocs_warnings_are_reported_and_fail_under_strict(tmp_path, capsys):
    project = tmp_path / "project"
    (project / "docs").mkdir(parents=True)
    shutil.copy(ROOT / "mkdocs.yml", project / "mkdocs.yml")
    (project / "docs" / "about.md").write_text("# About\n\nSee [the missing page](missing.md).\n")
    archive = make_archive(tmp_path / "archive", [LISTINGS / "block_without_metadata.txt"])
    site = tmp_path / "site"
    code, _, err = _cli(capsys, *_build_args(archive, site, config=project / "mkdocs.yml"))
    assert code == 0
    _assert_one_line_each(err)
    assert "warning: MkDocs: Doc file 'about.md' contains a link 'missing.md'" in err
    before = _snapshot(site)

    code, _, err = _cli(capsys, *_build_args(archive, site, "--strict", config=project / "mkdocs.yml"))
    assert code == 1
    _assert_one_line_each(err)
    derived = Layout.for_site(site, project / "mkdocs.yml").work / "mkdocs.yml"
    assert err.splitlines()[-1].startswith(f"error: {derived}: MkDocs failed: ")
    assert "about.md" in err.splitlines()[-1]
    assert _snapshot(site) == before


# ---------------------------------------------------------------------------------------------------------
# Nothing lost: the tool never writes into the archive, and refuses a site folder that overlaps it.


def _snapshot(root: Path) -> dict[str, tuple]:
    """Every file and folder under root, with its content hash, mode and modification time."""
    out: dict[str, tuple] = {}
    for path in sorted(root.rglob("*")):
        info = path.lstat()
        digest = hashlib.sha256(path.read_bytes()).hexdigest() if path.is_file() else "folder"
        out[path.relative_to(root).as_posix()] = (digest, info.st_mode, info.st_mtime_ns)
    return out


def _file(path: Path) -> dict[str, tuple]:
    info = path.stat()
    return {path.name: (hashlib.sha256(path.read_bytes()).hexdigest(), info.st_mode, info.st_mtime_ns)}


def _curated_archive(root: Path) -> Path:
    """An archive with everything a curator keeps: listings, manifest, taxonomy, notes, and a stray file."""
    archive = make_archive(root, [BUNDLED / "listings" / "000_62622737c0a91eb6.txt", LISTINGS / "binary_file.txt"],
                           **{"archive.yml": "listings:\n  000_62622737c0a91eb6.txt: {captured: 2025-12-14}\n",
                              "taxonomy.yml": (BUNDLED.parent / "sitegen" / "data" / "taxonomy.yml").read_text(),
                              "README.md": "The curator's own file.\n",
                              "notes__unknown-paper.md": "---\nrating: 3\n---\nA note on a paper not here.\n"})
    if (BUNDLED / "notes").is_dir():
        shutil.copytree(BUNDLED / "notes", archive / "notes", dirs_exist_ok=True)
    return archive


def test_building_never_writes_into_the_archive(tmp_path, capsys):
    archive = _curated_archive(tmp_path / "archive")
    project = _snapshot(ROOT / "docs") | _file(ROOT / "mkdocs.yml")
    before = _snapshot(archive)
    assert any(name.startswith("notes/") for name in before)

    code, _, err = _cli(capsys, *_build_args(archive, tmp_path / "site"))
    assert code == 0, err
    assert _snapshot(archive) == before
    code, _, _ = _cli(capsys, *_build_args(archive, tmp_path / "site", "--strict"))
    assert code == 1
    assert _snapshot(archive) == before
    assert _snapshot(ROOT / "docs") | _file(ROOT / "mkdocs.yml") == project


@pytest.mark.parametrize("site", ["archive", "archive/site", "archive/listings"])
def test_a_site_folder_overlapping_the_archive_is_refused(site, tmp_path, capsys, monkeypatch):
    archive = make_archive(tmp_path / "archive", [LISTINGS / "block_without_metadata.txt"])
    monkeypatch.chdir(tmp_path)
    before = _snapshot(tmp_path)
    code, _, err = _cli(capsys, *_build_args(Path("archive"), Path(site)))
    assert code == 1
    assert err == (f"error: --site-dir {site} would overlap the archive ({archive}); the build never writes there "
                   "(choose a --site-dir outside it, e.g. --site-dir site)\n")
    assert _snapshot(tmp_path) == before
    assert archive.is_dir()


# ---------------------------------------------------------------------------------------------------------
# Determinism: the same listings, created and listed in any order, give byte-identical pages and site.


class _ReversedScandir:
    """os.scandir's iterator, yielding its entries in reverse order."""

    def __init__(self, inner) -> None:
        with inner:
            self._entries = iter(list(inner)[::-1])

    def __iter__(self):
        return self

    def __next__(self):
        return next(self._entries)

    def __enter__(self):
        return self

    def __exit__(self, *exc) -> None:
        pass

    def close(self) -> None:
        pass


def _copy_in_reverse(source: Path, target: Path) -> None:
    """Copy a tree creating its files in reverse name order (so directory order differs too)."""
    for path in sorted(source.rglob("*"), reverse=True):
        dest = target / path.relative_to(source)
        if path.is_file():
            dest.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(path, dest)


def _tree(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def test_shuffled_listing_order_gives_identical_pages_and_site(bundled_site, tmp_path, monkeypatch):
    site, result, work = bundled_site
    archive = tmp_path / "elsewhere" / "archive"
    _copy_in_reverse(BUNDLED, archive)
    real_listdir, real_scandir = os.listdir, os.scandir
    monkeypatch.setattr(os, "listdir", lambda path=".": real_listdir(path)[::-1])
    monkeypatch.setattr(os, "scandir", lambda path=".": _ReversedScandir(real_scandir(path)))

    out = tmp_path / "out"
    again = build(BuildOptions(archive=archive, site_dir=out / "site", config_file=ROOT / "mkdocs.yml",
                               strict=True))
    monkeypatch.undo()
    assert (again.paper_count, again.duplicate_count) == (result.paper_count, result.duplicate_count)
    docs_one, docs_two = _tree(work / "docs"), _tree(Layout.for_site(out / "site", ROOT / "mkdocs.yml").work / "docs")
    assert sorted(docs_one) == sorted(docs_two)
    assert [name for name in docs_one if docs_one[name] != docs_two[name]] == []
    site_one, site_two = _tree(site), _tree(out / "site")
    assert sorted(site_one) == sorted(site_two)
    assert [name for name in site_one if site_one[name] != site_two[name]] == []


@pytest.mark.parametrize("older, newer", [("a.txt", "b.txt"), ("b.txt", "a.txt")])
def test_the_newest_capture_wins_whatever_the_file_names(older, newer, tmp_path):
    """Two listings show one paper with different upvotes: the later capture's count is shown."""
    old = CLEAN.replace("Mar 13", "Dec 16").replace("May 19, 2023", "May 19, 2023 5")
    new = CLEAN.replace("Mar 13", "Dec 17").replace("Paper One", "PAPER ONE").replace("May 19, 2023", "May 19, 2023 9")
    archive = make_archive(tmp_path / "archive", [(newer, new.encode()), (older, old.encode())],
                           **{"archive.yml": f"listings:\n  {older}: {{captured: 2025-12-16}}\n"
                                             f"  {newer}: {{captured: 2025-12-17}}\n"})
    (paper,) = group_papers(read_listings(Archive(archive), Report())).papers
    assert (paper.title, paper.upvote_count) == ("PAPER ONE", 9)
    assert [(s.listing, s.upvote_count) for s in paper.seen_in] == [(older, 5), (newer, 9)]


def test_build_help_names_both_kinds_of_listing(capsys):
    with pytest.raises(SystemExit):
        main(["build", "--help"])
    text = " ".join(capsys.readouterr().out.split())
    assert "Read ARCHIVE/listings/*.txt and *.json" in text
