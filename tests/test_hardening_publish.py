"""The build's output side under pressure: two writers at once (one lock, the site always whole and marked),
parts whose manifests lie (`sitegen merge` checks every entry and file before it writes anything), and files
put into a built site by hand (never carried into the next site, nor into the bundle)."""

from __future__ import annotations

import contextlib
import hashlib
import io
import json
import multiprocessing
import os
import shutil
import signal
import subprocess
import sys
import textwrap
import time
import zipfile
from pathlib import Path

import pytest
from conftest import LISTINGS, ROOT, make_archive

from sitegen.cli import main
from sitegen.errors import BuildError
from sitegen.layout import SITE_MARKER
from sitegen.publish.bundle import write_bundle
from sitegen.publish.parts import PART_MANIFEST


def small_archive(root: Path) -> Path:
    return make_archive(root, [LISTINGS / "block_without_metadata.txt",
                               LISTINGS / "metadata_with_dates_and_upvotes.txt"])


def tree(root: Path) -> dict[str, str]:
    return {p.relative_to(root).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(root.rglob("*")) if p.is_file() and not p.is_symlink()}


def entries(root: Path) -> list[str]:
    """Every name under root, links included (not followed)."""
    return sorted(p.relative_to(root).as_posix() for p in root.rglob("*"))


def build_cli(archive: Path, site: Path, *args: str) -> int:
    return main(["build", "--archive", str(archive), "--site-dir", str(site), "--config", str(ROOT / "mkdocs.yml"),
                 "--jobs", "1", "--site-url", "https://example.org/", *args])


def errors(err: str) -> list[str]:
    return [line for line in err.splitlines() if line.startswith("error:")]


@pytest.fixture(scope="module")
def lone_site(tmp_path_factory):
    """A site built alone (nothing else running), to compare the others with."""
    root = tmp_path_factory.mktemp("lone")
    assert build_cli(small_archive(root / "archive"), root / "site") == 0
    return tree(root / "site")


# ---------------------------------------------------------------------------------------------------------
# One writer at a time.


def _build_in_child(archive: Path, site: Path, cwd: Path, err: Path) -> None:
    """A forked process's whole life: `sitegen build` (sitegen.cli.main), its stderr into err, its status its exit
    status."""
    os.chdir(cwd)
    with err.open("w") as stream, contextlib.redirect_stderr(stream), contextlib.redirect_stdout(io.StringIO()):
        status = build_cli(archive, site)
    sys.exit(status)


def builds_at_once(archive: Path, site: Path, cwd: Path, logs: Path) -> list[tuple[int, int, str]]:
    """Run two builds of archive into site at the same moment, each a process of its own (forked from this one, so
    both are past Python's start-up and race for the site at once); return each one's (pid, status, stderr)."""
    logs.mkdir(exist_ok=True)
    fork = multiprocessing.get_context("fork")
    procs = [(fork.Process(target=_build_in_child, args=(archive, site, cwd, logs / f"build{n}.err")),
              logs / f"build{n}.err") for n in range(2)]
    for proc, _ in procs:
        proc.start()
    for proc, _ in procs:
        proc.join(300)
    return [(proc.pid, proc.exitcode, err.read_text()) for proc, err in procs]


def test_two_builds_at_once_leave_one_whole_marked_site(tmp_path, lone_site):
    archive = small_archive(tmp_path / "archive")
    site = tmp_path / "site"
    for round_ in ("into no site", "over a built site"):
        done = builds_at_once(archive, site, tmp_path, tmp_path / "logs")
        codes = [code for _, code, _ in done]
        assert 0 in codes, (round_, done)
        for _, code, err in done:
            if code != 0:  # refused: one line naming the folder and the other build, and nothing else
                other = next(pid for pid, status, _ in done if status == 0)
                assert code == 1 and "Traceback" not in err, err
                assert errors(err) == [f"error: {site}: another sitegen build (pid {other}) is writing it (wait for "
                                       "it to finish, then run this again)"], (round_, err)
        assert tree(site) == lone_site, round_
        assert (site / SITE_MARKER).is_file()
        assert not (tmp_path / ".site.building").exists() and not (tmp_path / ".site.old").exists()
    assert build_cli(archive, site) == 0  # a later build accepts the folder
    assert tree(site) == lone_site


HOLD = textwrap.dedent("""
    import sys, time
    from pathlib import Path
    from sitegen.layout import Layout, locked
    with locked(Layout.for_site(Path(sys.argv[1])), "sitegen build"):
        print("held", flush=True)
        time.sleep(600)
""")


@pytest.fixture
def holder(tmp_path):
    """Another process holding the lock of tmp_path/site (as a build does while it writes)."""
    proc = subprocess.Popen([sys.executable, "-c", HOLD, str(tmp_path / "site")], cwd=ROOT, stdout=subprocess.PIPE,
                            text=True)
    assert proc.stdout is not None and proc.stdout.readline() == "held\n"
    yield proc
    if proc.poll() is None:
        proc.kill()
        proc.wait(10)


def test_a_build_refuses_at_once_while_another_writes_and_goes_ahead_after_it_dies(tmp_path, holder, capsys):
    archive = small_archive(tmp_path / "archive")
    started = time.monotonic()
    assert build_cli(archive, tmp_path / "site") == 1
    assert time.monotonic() - started < 5
    err = capsys.readouterr().err
    assert errors(err) == [f"error: {tmp_path / 'site'}: another sitegen build (pid {holder.pid}) is writing it "
                           "(wait for it to finish, then run this again)"]
    assert not (tmp_path / "site").exists()
    os.kill(holder.pid, signal.SIGKILL)  # no stale lock: the kernel lets go with the process
    holder.wait(10)
    assert build_cli(archive, tmp_path / "site") == 0
    assert (tmp_path / "site" / SITE_MARKER).is_file()


def test_a_build_into_another_site_beside_it_goes_ahead(tmp_path, holder):
    """Each site has its own lock (and its own folder in the project's work folder), so builds of different
    sites run at once."""
    assert build_cli(small_archive(tmp_path / "archive"), tmp_path / "part2") == 0
    assert (tmp_path / "part2" / SITE_MARKER).is_file() and holder.poll() is None


def test_merge_and_bundle_take_the_same_lock(tmp_path, holder, capsys):
    archive = small_archive(tmp_path / "archive")
    assert main(["merge", str(tmp_path / "part1"), "--site-dir", str(tmp_path / "site")]) == 1
    assert "part1: is not a part" in capsys.readouterr().err  # parts are read before anything is locked
    parts = [tmp_path / "elsewhere" / f"part{k}" for k in (1, 2)]
    for k, part in enumerate(parts, 1):
        assert build_cli(archive, part, "--shard", f"{k}/2") == 0
    assert main(["merge", *map(str, parts), "--site-dir", str(tmp_path / "site")]) == 1
    assert errors(capsys.readouterr().err) == [
        f"error: {tmp_path / 'site'}: another sitegen build (pid {holder.pid}) is writing it (wait for it to "
        "finish, then run this again)"]
    assert main(["bundle", "--archive", str(archive), "--site-dir", str(tmp_path / "site"), "--config",
                 str(ROOT / "mkdocs.yml"), "--jobs", "1", "--out", str(tmp_path / "site.zip")]) == 1
    assert f"another sitegen build (pid {holder.pid}) is writing it" in capsys.readouterr().err
    assert not (tmp_path / "site").exists() and not (tmp_path / "site.zip").exists()


# ---------------------------------------------------------------------------------------------------------
# `sitegen merge` trusts no part.


@pytest.fixture(scope="module")
def built_parts(tmp_path_factory):
    root = tmp_path_factory.mktemp("parts")
    archive = small_archive(root / "archive")
    for k in (1, 2):
        assert build_cli(archive, root / f"part{k}", "--shard", f"{k}/2") == 0
    return root


@pytest.fixture
def parts(built_parts, tmp_path):
    """Two good parts in tmp_path/project, merged once into project/site; the project is the current folder."""
    project = tmp_path / "project"
    for k in (1, 2):
        shutil.copytree(built_parts / f"part{k}", project / f"part{k}", symlinks=True)
    os.chdir(project)
    assert merge() == 0
    return project


@pytest.fixture(autouse=True)
def _back_home(monkeypatch):
    monkeypatch.chdir(Path.cwd())  # parts() moves into its project; this brings every test back


def merge() -> int:
    return main(["merge", "part1", "part2", "--site-dir", "site"])


def manifest(project: Path, k: int) -> dict:
    return json.loads((project / f"part{k}" / PART_MANIFEST).read_text())


def set_manifest(project: Path, k: int, data: dict) -> None:
    (project / f"part{k}" / PART_MANIFEST).write_text(json.dumps(data))


def refused(project: Path, capsys, expected: str) -> None:
    """The merge fails with one line, and writes nothing: the previous site stays as it was."""
    before = tree(project / "site")
    outside = entries(project.parent)
    assert merge() == 1
    err = capsys.readouterr().err
    assert errors(err) == [expected] and "Traceback" not in err, err
    assert tree(project / "site") == before
    assert entries(project.parent) == outside
    assert not (project / ".site.building").exists()


@pytest.mark.parametrize("entry, problem", [
    ("../../PWNED.txt", "leads out of the site (..)"),
    ("papers/../../../PWNED.txt", "leads out of the site (..)"),
    ("/tmp/PWNED.txt", "is an absolute path"),
    ("..\\..\\PWNED.txt", "holds a backslash"),
    ("papers//PWNED.txt", "has an empty or '.' segment"),
    ("./PWNED.txt", "has an empty or '.' segment"),
    ("papers/", "has an empty or '.' segment"),
    ("", "is empty"),
    ("PWNED\n.txt", "holds a control character"),
    (SITE_MARKER, "is sitegen's own file, not a page"),
    (5, "is not a path"),
])
def test_a_manifest_entry_outside_the_site_is_refused_by_name(parts, capsys, entry, problem):
    (parts.parent / "PWNED.txt").write_text("pwned")
    (parts / "PWNED.txt").write_text("pwned")
    data = manifest(parts, 2)
    data["files"].append(entry)
    set_manifest(parts, 2, data)
    shown = repr(entry)
    refused(parts, capsys, f"error: part2: its {PART_MANIFEST} lists {shown}, which {problem} (merge only parts "
                           "that `sitegen build --shard` made; build that shard again)")
    assert not (parts / "site" / "PWNED.txt").exists()


def test_an_absolute_entry_is_refused_not_a_crash(parts, capsys):
    data = manifest(parts, 1)
    data["files"] = [str(parts / "part1" / "index.html")]
    set_manifest(parts, 1, data)
    assert merge() == 1
    assert "which is an absolute path" in capsys.readouterr().err


@pytest.mark.parametrize("listed", [True, False])
def test_a_symbolic_link_anywhere_in_a_part_is_refused(parts, capsys, listed):
    page = next(p for p in sorted((parts / "part2" / "papers").iterdir()) if p.suffix == ".html")
    rel = page.relative_to(parts / "part2").as_posix()
    if listed:  # a file the manifest lists, swapped for a link
        page.unlink()
        page.symlink_to("/etc/passwd")
    else:  # a link the manifest does not list
        rel = "assets/passwd"
        (parts / "part2" / "assets").mkdir(exist_ok=True)
        (parts / "part2" / rel).symlink_to("/etc/passwd")
    refused(parts, capsys, f"error: part2: {rel} is a symbolic link; a part holds only plain files and folders "
                           "(merge only parts that `sitegen build --shard` made; build that shard again)")
    secret = Path("/etc/passwd").read_bytes()
    assert not [p for p in (parts / "site").rglob("*") if p.is_file() and secret in p.read_bytes()]


def test_a_linked_folder_and_a_fifo_in_a_part_are_refused(parts, capsys):
    (parts / "part1" / "more").symlink_to("/etc", target_is_directory=True)
    refused(parts, capsys, "error: part1: more is a symbolic link; a part holds only plain files and folders "
                           "(merge only parts that `sitegen build --shard` made; build that shard again)")
    (parts / "part1" / "more").unlink()
    os.mkfifo(parts / "part1" / "pipe")
    refused(parts, capsys, "error: part1: pipe is a FIFO; a part holds only plain files and folders "
                           "(merge only parts that `sitegen build --shard` made; build that shard again)")


def test_a_manifest_that_is_a_link_is_refused(parts, capsys):
    real = parts / "elsewhere.json"
    shutil.move(parts / "part2" / PART_MANIFEST, real)
    (parts / "part2" / PART_MANIFEST).symlink_to(real)
    refused(parts, capsys, f"error: part2: its {PART_MANIFEST} is a symbolic link, not a file sitegen wrote "
                           "(build that shard again)")


@pytest.mark.parametrize("change", [{"files": "index.html"}, {"shard": True}, {"shards": 10**9},
                                   {"shard": 3}, {"files": {"index.html": 1}}])
def test_a_manifest_with_values_of_the_wrong_kind_is_damaged(parts, capsys, change):
    set_manifest(parts, 2, manifest(parts, 2) | change)
    refused(parts, capsys, "error: part2: has a damaged .sitegen-part.json (build that shard again)")


def test_a_file_where_another_part_has_a_folder_is_refused(parts, capsys):
    (parts / "part1" / "clash").mkdir()
    (parts / "part1" / "clash" / "page.html").write_text("x")
    (parts / "part2" / "clash").write_text("x")
    for k, rel in ((1, "clash/page.html"), (2, "clash")):
        data = manifest(parts, k)
        data["files"].append(rel)
        set_manifest(parts, k, data)
    refused(parts, capsys, f"error: part1: its {PART_MANIFEST} lists clash/page.html, but part2 has a file clash "
                           "there (build every shard again from the same archive)")


def test_good_parts_still_merge_into_the_one_machine_site(parts, lone_site):
    assert tree(parts / "site") == lone_site


# ---------------------------------------------------------------------------------------------------------
# Files put into the site by hand are never published.


def plant(site: Path) -> None:
    (site / "extra.html").write_text("<p>mine</p>")
    (site / "passwd").symlink_to("/etc/passwd")


def warnings(err: str) -> list[str]:
    return [line for line in err.splitlines() if line.startswith("warning:")]


@pytest.mark.parametrize("args", [(), ("--strict",)])
def test_foreign_files_and_links_in_the_site_are_reported_and_dropped(tmp_path, capsys, lone_site, args):
    """A rebuild (incremental; --strict: clean) carries nothing it did not make into the new site."""
    archive = small_archive(tmp_path / "archive")
    site = tmp_path / "site"
    assert build_cli(archive, site) == 0
    page = next((site / "papers").glob("*.html"))
    written = page.stat().st_mtime_ns
    plant(site)
    (site / "papers" / "extra").mkdir()
    (site / "papers" / "extra" / "deep.html").write_text("<p>mine</p>")
    os.mkfifo(site / "pipe")
    capsys.readouterr()
    assert build_cli(archive, site, *args) == 0
    assert warnings(capsys.readouterr().err) == [
        f"warning: {site}: holds 4 entries sitegen did not make, left out of the new site: extra.html, "
        "papers/extra/deep.html, passwd (a symbolic link), pipe (a FIFO) (put files to publish in the docs folder; "
        "the site holds only what the build makes)"]
    assert tree(site) == lone_site
    assert not any(name in entries(site) for name in ("extra.html", "passwd", "pipe", "papers/extra"))
    if not args:  # the rebuild was still incremental: the unchanged page was not rendered again
        assert page.stat().st_mtime_ns == written
    capsys.readouterr()
    assert build_cli(archive, site) == 0
    assert warnings(capsys.readouterr().err) == []


def test_pages_changed_or_removed_by_hand_are_made_again(tmp_path, capsys, lone_site):
    archive = small_archive(tmp_path / "archive")
    site = tmp_path / "site"
    assert build_cli(archive, site) == 0
    papers = sorted((site / "papers").glob("*.html"))
    kept = papers[0].stat().st_mtime_ns
    (site / "index.html").write_text("<p>defaced</p>")
    papers[1].write_bytes(papers[1].read_bytes().replace(b"</body>", b"<script>evil()</script></body>"))
    papers[2].unlink()
    (site / "sitemap.xml").unlink()
    assert build_cli(archive, site) == 0
    assert tree(site) == lone_site
    assert papers[0].stat().st_mtime_ns == kept  # still an incremental build: the rest was not rendered again


def test_a_linked_folder_in_the_site_is_not_followed(tmp_path, capsys, lone_site):
    archive = small_archive(tmp_path / "archive")
    site = tmp_path / "site"
    assert build_cli(archive, site) == 0
    (site / "etc").symlink_to("/etc", target_is_directory=True)
    capsys.readouterr()
    assert build_cli(archive, site) == 0
    assert "holds 1 entry sitegen did not make, left out of the new site: etc (a symbolic link) (" in \
        capsys.readouterr().err
    assert tree(site) == lone_site and not (site / "etc").exists()


def test_the_bundle_holds_no_foreign_file_and_no_link(tmp_path, capsys):
    archive = small_archive(tmp_path / "archive")
    site = tmp_path / "site"
    assert build_cli(archive, site) == 0
    plant(site)
    capsys.readouterr()
    out = tmp_path / "dist" / "site.zip"
    assert main(["bundle", "--archive", str(archive), "--site-dir", str(site), "--config", str(ROOT / "mkdocs.yml"),
                 "--jobs", "1", "--out", str(out)]) == 0
    err = capsys.readouterr().err
    assert "holds 2 entries sitegen did not make, left out of the new site: extra.html, passwd (a symbolic link)" \
        in err
    names = zipfile.ZipFile(out).namelist()
    assert "site/index.html" in names
    assert not [name for name in names if name.endswith(("extra.html", "passwd"))]


def test_packing_refuses_what_the_build_did_not_make(tmp_path):
    """A file that appears between the build and the packing is refused, and no zip is written."""
    site = tmp_path / "site"
    assert build_cli(small_archive(tmp_path / "archive"), site) == 0
    (site / "extra.html").write_text("<p>mine</p>")
    with pytest.raises(BuildError, match=r"extra\.html: not made by the build; a bundle holds only what the build"):
        write_bundle(site, tmp_path / "site.zip", 0)
    (site / "extra.html").unlink()
    os.mkfifo(site / "pipe")
    with pytest.raises(BuildError, match="pipe: is a FIFO; a bundle holds only plain files"):
        write_bundle(site, tmp_path / "site.zip", 0)
    assert not (tmp_path / "site.zip").exists()
    (site / "pipe").unlink()
    assert write_bundle(site, tmp_path / "site.zip", 0).files > 10
