"""The work folder is the project's (`.sitegen/` beside mkdocs.yml, else in the current folder), whichever
--site-dir is named: nothing but the site is left beside the site, a rebuild still reuses the previous site, one
site's builds still refuse each other (from any project), and the work of sites that are gone is cleared."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest
from conftest import LISTINGS, ROOT, make_archive

from sitegen.cli import main
from sitegen.layout import SITE_FILE, SITE_MARKER, STALE_SECONDS, WORK, WORK_MARKER, Layout, clear_gone, locked
from sitegen.pipeline import BuildOptions, build
from sitegen.serve.process import ServeProcess


def make_project(root: Path) -> Path:
    """A project folder: mkdocs.yml and a hand-written page; return its config file."""
    (root / "docs").mkdir(parents=True)
    (root / "docs" / "about.md").write_text("# About\n\nHand-written.\n", encoding="utf-8")
    (root / "mkdocs.yml").write_text("site_name: Work folder\ndocs_dir: docs\n", encoding="utf-8")
    return root / "mkdocs.yml"


@pytest.fixture
def setup(tmp_path, monkeypatch):
    """(the project's config file, an archive, the folder the site goes in); the current folder is a third,
    empty one."""
    config = make_project(tmp_path / "outer" / "project")
    archive = make_archive(tmp_path / "archive", [LISTINGS / "block_without_metadata.txt",
                                                  LISTINGS / "metadata_with_dates_and_upvotes.txt"])
    (tmp_path / "elsewhere").mkdir()
    (tmp_path / "cwd").mkdir()
    monkeypatch.chdir(tmp_path / "cwd")
    return config, archive, tmp_path / "elsewhere"


def build_cli(config: Path | None, archive: Path, site: Path, *args: str) -> int:
    given = ["--config", str(config)] if config is not None else []
    return main(["build", "--archive", str(archive), "--site-dir", str(site), *given, "--jobs", "1",
                 "--site-url", "https://example.org/", *args])


def errors(capsys) -> list[str]:
    return [line for line in capsys.readouterr().err.splitlines() if line.startswith("error:")]


def test_a_site_elsewhere_leaves_only_the_site_there_and_its_work_in_the_project(setup):
    config, archive, elsewhere = setup
    out = elsewhere / "out"
    for _ in range(2):  # the first build, then a rebuild over it
        assert build_cli(config, archive, out) == 0
        assert sorted(p.name for p in elsewhere.iterdir()) == ["out"]  # no .sitegen, .out.building, .out.old
        assert (out / "index.html").is_file() and (out / SITE_MARKER).is_file()
    assert list(Path.cwd().iterdir()) == []
    work = Layout.for_site(out, config).work
    assert work.parent == config.parent / WORK and (work.parent / WORK_MARKER).is_file()
    assert (work / WORK_MARKER).is_file() and (work / "mkdocs.yml").is_file() and (work / "docs" / "about.md").is_file()
    assert (work / SITE_FILE).read_text(encoding="utf-8") == f"{out}\n"


def test_a_rebuild_of_a_site_elsewhere_reuses_the_previous_site(setup):
    config, archive, elsewhere = setup
    options = BuildOptions(archive=archive, site_dir=elsewhere / "out", config_file=config, jobs=1)
    first = build(options)
    assert first.rendered_count == first.site_page_count > 5
    about = elsewhere / "out" / "about.html"
    written = about.stat().st_mtime_ns
    (archive / "notes").mkdir()
    (archive / "notes" / "paper-one.md").write_text("---\nrating: 4\n---\nA NOTE.\n", encoding="utf-8")
    noted = build(options)  # the record of the site is found in the project's work folder
    assert 0 < noted.rendered_count < noted.site_page_count
    assert "A NOTE." in (elsewhere / "out" / "papers" / "paper-one.html").read_text(encoding="utf-8")
    assert about.stat().st_mtime_ns == written  # kept, not rendered again
    assert build(options).rendered_count == 0  # nothing changed


def test_without_a_config_file_the_work_folder_is_in_the_current_folder(setup):
    _, archive, elsewhere = setup
    assert build_cli(None, archive, elsewhere / "out") == 0  # no mkdocs.yml here: the tool's defaults
    assert sorted(p.name for p in elsewhere.iterdir()) == ["out"]
    assert sorted(p.name for p in Path.cwd().iterdir()) == [WORK]
    assert (Layout.for_site(elsewhere / "out").work / "mkdocs.yml").is_file()


HOLD = textwrap.dedent("""
    import sys, time
    from pathlib import Path
    from sitegen.layout import Layout, locked
    with locked(Layout.for_site(Path(sys.argv[1]), Path(sys.argv[2])), "sitegen build"):
        print("held", flush=True)
        time.sleep(600)
""")


def hold(site: Path, config: Path) -> subprocess.Popen[str]:
    """Another process holding the lock of site, as a build from config's project does while it writes."""
    proc = subprocess.Popen([sys.executable, "-c", HOLD, str(site), str(config)], cwd=ROOT, stdout=subprocess.PIPE,
                            text=True)
    assert proc.stdout is not None and proc.stdout.readline() == "held\n"
    return proc


@pytest.mark.parametrize("holder_project", ["this project", "another project"])
def test_two_builds_of_one_site_refuse_each_other_from_any_project(setup, tmp_path, capsys, holder_project):
    config, archive, elsewhere = setup
    site = elsewhere / "out"
    other = config if holder_project == "this project" else make_project(tmp_path / "other")
    holder = hold(site, other)
    try:
        assert build_cli(config, archive, site) == 1
        assert errors(capsys) == [f"error: {site}: another sitegen build (pid {holder.pid}) is writing it (wait for "
                                  "it to finish, then run this again)"]
        assert not site.exists()
    finally:
        os.kill(holder.pid, signal.SIGKILL)  # the kernel lets go of the lock with the process
        holder.wait(10)
    assert build_cli(config, archive, site) == 0  # the lock file it left is taken, and removed after
    assert sorted(p.name for p in elsewhere.iterdir()) == ["out"]


def test_builds_of_two_sites_of_one_project_run_at_once(setup):
    config, archive, elsewhere = setup
    holder = hold(elsewhere / "one", config)
    try:
        assert build_cli(config, archive, elsewhere / "two") == 0
        assert holder.poll() is None
    finally:
        os.kill(holder.pid, signal.SIGKILL)
        holder.wait(10)
    assert Layout.for_site(elsewhere / "one", config).work != Layout.for_site(elsewhere / "two", config).work


@pytest.mark.parametrize("where, said", [
    ("project", "is the project folder"),
    ("above", "would overlap the docs folder"),  # the folder above the project holds its docs too
    ("work", "is inside the work folder"),
])
def test_a_site_dir_that_is_or_holds_the_project_or_lies_in_its_work_folder_is_refused(setup, capsys, where, said):
    config, archive, _ = setup
    project = config.parent
    site = {"project": project, "above": project.parent, "work": project / WORK / "site"}[where]
    (project / WORK).mkdir()
    before = sorted(p.relative_to(project.parent).as_posix() for p in project.parent.rglob("*"))
    assert build_cli(config, archive, site, "--force") == 1
    (line,) = errors(capsys)
    assert said in line, line
    assert sorted(p.relative_to(project.parent).as_posix() for p in project.parent.rglob("*")) == before


def test_a_work_folder_sitegen_did_not_make_is_refused_and_left_as_it_is(setup, capsys):
    config, archive, elsewhere = setup
    foreign = config.parent / WORK
    foreign.mkdir()
    (foreign / "notes.txt").write_text("mine\n", encoding="utf-8")
    assert build_cli(config, archive, elsewhere / "out") == 1
    assert errors(capsys) == [f"error: the build's folder {foreign} holds 1 entry sitegen did not make (notes.txt); a "
                              "build replaces that folder, so it stops here (choose a new or empty --site-dir, or move "
                              "those files away; --force replaces the folder anyway)"]
    assert sorted(p.name for p in foreign.iterdir()) == ["notes.txt"] and not (elsewhere / "out").exists()


def test_a_file_by_the_name_of_the_sites_lock_is_left_as_it_is(setup, capsys):
    config, archive, elsewhere = setup
    mine = elsewhere / ".out.lock"
    mine.write_text("my own notes\n", encoding="utf-8")
    assert build_cli(config, archive, elsewhere / "out") == 1
    assert errors(capsys) == [f"error: {mine} is not a lock file of sitegen's, and a build takes that name for the "
                              "lock of its site (move it away, or build into another --site-dir)"]
    assert mine.read_text(encoding="utf-8") == "my own notes\n" and not (elsewhere / "out").exists()


def test_a_build_clears_the_work_of_sites_that_are_gone_and_no_other(setup):
    config, archive, elsewhere = setup
    sites = {name: elsewhere / name for name in ("gone", "gone-lately", "kept", "held")}
    for site in sites.values():
        assert build_cli(config, archive, site) == 0
    works = {name: Layout.for_site(site, config).work for name, site in sites.items()}
    for name in ("gone", "gone-lately", "held"):
        os.rename(sites[name], elsewhere / f"moved-{name}")  # the site is gone (moved away)
    holder = hold(sites["held"], config)  # a build of the site at this moment: its folder stays
    long_ago = time.time() - STALE_SECONDS - 60
    for name in ("gone", "kept", "held"):
        os.utime(works[name] / SITE_FILE, (long_ago, long_ago))
    try:
        assert build_cli(config, archive, elsewhere / "another") == 0
    finally:
        os.kill(holder.pid, signal.SIGKILL)
        holder.wait(10)
    assert {name: work.exists() for name, work in works.items()} == {
        "gone": False, "gone-lately": True, "kept": True, "held": True}
    assert not (elsewhere / ".gone.lock").exists()  # cleared holding the site's lock, which it removed


def test_clearing_needs_the_site_gone_for_a_day_by_the_clock_either_way(setup):
    config, archive, elsewhere = setup
    site = elsewhere / "out"
    assert build_cli(config, archive, site) == 0
    os.rename(site, elsewhere / "moved")
    layout = Layout.for_site(elsewhere / "another", config)
    written = (Layout.for_site(site, config).work / SITE_FILE).stat().st_mtime
    with locked(layout, "sitegen build"):
        assert clear_gone(layout, now=written + STALE_SECONDS / 2) == []
        assert clear_gone(layout, now=written - STALE_SECONDS / 2) == []
        assert clear_gone(layout, now=written - STALE_SECONDS - 60) == [Layout.for_site(site, config).work]


def test_serve_removes_its_work_when_it_stops(tmp_path):
    config = make_project(tmp_path / "project")
    archive = make_archive(tmp_path / "archive", [LISTINGS / "block_without_metadata.txt"])
    (tmp_path / "tmp").mkdir()
    (tmp_path / "cwd").mkdir()
    server = ServeProcess(archive, config, tmp_path / "cwd", env={**os.environ, "TMPDIR": str(tmp_path / "tmp")})
    try:
        work = config.parent / WORK
        assert [p.name for p in work.iterdir() if p.is_dir()] != []  # the served site's, while it runs
        assert server.get("about.html")[0] == 200
    finally:
        assert server.stop() == 0
    assert [p.name for p in work.iterdir()] == [WORK_MARKER]
    assert list((tmp_path / "tmp").iterdir()) == [] and list((tmp_path / "cwd").iterdir()) == []
