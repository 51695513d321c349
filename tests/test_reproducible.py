"""Reproducible and atomic builds.

Two builds of one archive, in different folders, at different clock times (libfaketime, when installed), in
different time zones and with different hash seeds, give byte-identical sites and zips. A build that fails
leaves the previous site exactly as it was, and no staging folder behind.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from conftest import BUNDLED, LISTINGS, ROOT, make_archive

from sitegen import fs
from sitegen.cli import main

FAKETIME = shutil.which("faketime")
# (clock, time zone, hash seed, folder, site folder name) of each of the two builds.
BUILDS = [("2031-06-15 12:00:00", "UTC", "1", "first/checkout-q7xk", "site"),
          ("2033-01-02 23:59:58", "Pacific/Kiritimati", "2", "second/elsewhere/clone-zp3w", "public")]


def bundle_in_subprocess(root: Path, clock: str, tz: str, seed: str, folder: str,
                         site: str) -> tuple[subprocess.Popen[str], Path, Path]:
    """Start `sitegen bundle` in a fresh interpreter; return (the process, site dir, zip)."""
    cwd = root / folder
    cwd.mkdir(parents=True)
    env = {k: v for k, v in os.environ.items() if k != "SOURCE_DATE_EPOCH"}
    env.update(TZ=tz, PYTHONHASHSEED=seed)
    command = [sys.executable, "-m", "sitegen", "bundle", "--archive", str(BUNDLED), "--config",
               str(ROOT / "mkdocs.yml"), "--site-dir", site, "--out", "dist/offline-site.zip", "--strict"]
    if FAKETIME:
        command = [FAKETIME, clock, *command]
    process = subprocess.Popen(command, cwd=cwd, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    return process, cwd / site, cwd / "dist" / "offline-site.zip"


@pytest.fixture(scope="module")
def two_builds(tmp_path_factory):
    root = tmp_path_factory.mktemp("reproducible")
    started = [bundle_in_subprocess(root, *build) for build in BUILDS]  # both at once, each in its own folder
    try:
        for process, _, _ in started:
            _, err = process.communicate(timeout=300)
            assert process.returncode == 0, err
    finally:
        for process, _, _ in started:
            if process.poll() is None:
                process.kill()
                process.communicate()
    return [(site, bundle) for _, site, bundle in started]


def tree(site: Path) -> dict[str, bytes]:
    return {p.relative_to(site).as_posix(): p.read_bytes() for p in sorted(site.rglob("*")) if p.is_file()}


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_two_builds_give_byte_identical_sites(two_builds):
    (site_a, _), (site_b, _) = two_builds
    a, b = tree(site_a), tree(site_b)
    assert len(a) > 300 and "sitemap.xml.gz" in a
    assert sorted(a) == sorted(b)
    assert [name for name in a if a[name] != b[name]] == []


def test_two_builds_give_byte_identical_zips(two_builds):
    (_, zip_a), (_, zip_b) = two_builds
    assert sha256(zip_a) == sha256(zip_b)
    with zipfile.ZipFile(zip_a) as bundle:
        assert len(bundle.namelist()) > 300


@pytest.mark.skipif(not FAKETIME, reason="libfaketime is not installed (apt-get install faketime)")
def test_the_clock_shows_nowhere(two_builds):
    for site, bundle in two_builds:
        for name, data in tree(site).items():
            assert b"2031" not in data and b"2033" not in data, name
        with zipfile.ZipFile(bundle) as archive:
            assert {info.date_time[0] for info in archive.infolist()} == {2025}  # the newest capture date
        header = (site / "sitemap.xml.gz").read_bytes()[:10]
        assert int.from_bytes(header[4:8], "little") == 1765843200  # 2025-12-16, from archive.yml


def test_no_build_path_leaks_into_the_site(two_builds):
    for site, _ in two_builds:
        where = site.parent
        needles = {str(where).encode(), str(where.resolve()).encode(), where.name.encode(), b"/.sitegen/"}
        for name, data in tree(site).items():
            assert not [n for n in needles if n in data], name


# --- A failed build keeps the previous site ---


def snapshot(site: Path) -> dict[str, str]:
    return {name: hashlib.sha256(data).hexdigest() for name, data in tree(site).items()}


def leftovers(site: Path) -> list[str]:
    return sorted(p.name for p in site.parent.iterdir() if p.name.startswith(f".{site.name}."))


@pytest.fixture
def built(tmp_path):
    """A project (config, docs/, archive) with one good build done: (project folder, site, snapshot)."""
    (tmp_path / "docs").mkdir()
    (tmp_path / "docs" / "about.md").write_text("# About\n\nA small archive.\n")
    shutil.copy(ROOT / "mkdocs.yml", tmp_path / "mkdocs.yml")
    make_archive(tmp_path / "archive", [LISTINGS / "metadata_with_dates_and_upvotes.txt"])
    site = tmp_path / "site"
    assert build_cli(tmp_path) == 0
    return tmp_path, site, snapshot(site)


def build_cli(project: Path, *extra: str) -> int:
    return main(["build", "--archive", str(project / "archive"), "--site-dir", str(project / "site"),
                 "--config", str(project / "mkdocs.yml"), *extra])


def edit_about(project: Path) -> None:
    with (project / "docs" / "about.md").open("a") as about:
        about.write("\nEdited.\n")


def test_a_strict_mkdocs_failure_keeps_the_previous_site(built, capsys):
    project, site, before = built
    (project / "docs" / "broken.md").write_text("# Broken\n\nSee [the missing page](missing.md).\n")
    capsys.readouterr()
    assert build_cli(project, "--strict") == 1
    err = capsys.readouterr().err
    assert "error: " in err and "MkDocs failed" in err and "Traceback" not in err
    assert snapshot(site) == before
    assert leftovers(site) == []


def test_a_broken_mkdocs_config_keeps_the_previous_site(built, capsys):
    project, site, before = built
    config = project / "mkdocs.yml"
    config.write_text(config.read_text().replace("name: material", "name: no-such-theme"))
    assert build_cli(project) == 1
    assert "no-such-theme" in capsys.readouterr().err
    assert snapshot(site) == before
    assert leftovers(site) == []


def test_a_crash_halfway_through_mkdocs_keeps_the_previous_site(built, monkeypatch):
    import mkdocs.commands.build

    project, site, before = built

    def crash(config, **kwargs):
        Path(config.site_dir).mkdir(parents=True, exist_ok=True)
        (Path(config.site_dir) / "index.html").write_text("half a page")
        raise RuntimeError("disk on fire")

    monkeypatch.setattr(mkdocs.commands.build, "build", crash)
    edit_about(project)  # something to build (with nothing changed, a build writes nothing)
    assert build_cli(project) == 70  # an internal error, reported in one line
    assert snapshot(site) == before
    assert leftovers(site) == []


def test_a_failed_swap_puts_the_previous_site_back(built, monkeypatch, capsys):
    project, site, before = built
    real_replace = os.replace

    def replace(src, dst):
        if Path(src).name == ".site.building":
            raise OSError(18, "Invalid cross-device link")
        return real_replace(src, dst)

    monkeypatch.setattr(fs.os, "replace", replace)
    edit_about(project)
    assert build_cli(project) == 1
    assert "Invalid cross-device link" in capsys.readouterr().err
    assert snapshot(site) == before
    assert leftovers(site) == []


def test_a_staging_folder_left_by_a_killed_build_is_cleared(built):
    project, site, before = built
    stale = project / ".site.building"
    stale.mkdir()
    (stale / ".sitegen-site").write_text("a build killed halfway had marked it as its own\n")
    (stale / "index.html").write_text("stale")
    assert build_cli(project) == 0
    assert snapshot(site) == before
    assert leftovers(site) == []


def test_a_successful_rebuild_replaces_the_site(built):
    project, site, before = built
    shutil.copy(LISTINGS / "year_less_dates.txt", project / "archive" / "listings")
    assert build_cli(project) == 0
    after = snapshot(site)
    assert after != before and set(before) <= set(after)
    assert leftovers(site) == []
