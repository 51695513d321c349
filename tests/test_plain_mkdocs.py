"""A plain `mkdocs build` / `mkdocs serve` of the project's mkdocs.yml stops with one line naming sitegen's
commands (publish/plain_mkdocs.py); sitegen's own builds, and bare MkDocs on the derived config, go on."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import yaml
from conftest import LISTINGS, ROOT, make_archive

from sitegen import layout
from sitegen.pipeline import BuildOptions, build
from sitegen.publish import plain_mkdocs

MKDOCS = [sys.executable, "-m", "mkdocs"]
ENV = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}


def _project(tmp_path: Path) -> Path:
    """A copy of the project's mkdocs.yml, docs and hook, as a new project would hold them."""
    project = tmp_path / "project"
    shutil.copytree(ROOT / "docs", project / "docs")
    shutil.copy(ROOT / "mkdocs.yml", project / "mkdocs.yml")
    hook = project / "sitegen" / "publish" / "plain_mkdocs.py"
    hook.parent.mkdir(parents=True)
    shutil.copy(plain_mkdocs.__file__, hook)
    return project


def test_a_plain_mkdocs_build_stops_with_one_line_and_builds_nothing(tmp_path):
    project = _project(tmp_path)
    done = subprocess.run([*MKDOCS, "build", "-q"], cwd=project, env=ENV, capture_output=True, text=True,
                          timeout=120)
    assert done.returncode == 1
    lines = [line for line in (done.stdout + done.stderr).splitlines() if line.strip()]
    assert lines == [f"{project / 'mkdocs.yml'}: this is the site's settings, not the whole site: a plain "
                     "`mkdocs build` builds only the hand-written pages. Run `sitegen build` (or `sitegen serve` "
                     "for a live preview), which adds the archive's pages."]
    assert not (project / "site").exists()


def test_a_plain_mkdocs_serve_stops_before_serving(tmp_path):
    project = _project(tmp_path)
    done = subprocess.run([*MKDOCS, "serve", "-a", "127.0.0.1:0"], cwd=project, env=ENV, capture_output=True,
                          text=True, timeout=120)
    assert done.returncode == 1
    assert "a plain `mkdocs serve` builds only the hand-written pages. Run `sitegen build`" in done.stdout
    assert "Serving on" not in done.stdout + done.stderr


def test_sitegen_builds_with_the_hook_and_bare_mkdocs_builds_the_derived_config(tmp_path):
    project = _project(tmp_path)
    archive = make_archive(tmp_path / "archive", [LISTINGS / "year_less_dates.txt"])
    result = build(BuildOptions(archive=archive, site_dir=project / "site", config_file=project / "mkdocs.yml",
                                keep_docs=True))
    assert (project / "site" / "about.html").is_file() and result.paper_count > 0
    derived = layout.Layout.for_site(project / "site", project / "mkdocs.yml").work / "mkdocs.yml"
    hooks = yaml.safe_load(derived.read_text(encoding="utf-8"))["hooks"]
    assert not any(hook.endswith("plain_mkdocs.py") for hook in hooks)  # the guard is the plain build's only
    done = subprocess.run([*MKDOCS, "build", "-q", "-f", str(derived), "-d", str(tmp_path / "bare")], cwd=project,
                          env=ENV, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stdout + done.stderr
    assert (tmp_path / "bare" / "papers").is_dir()


def test_the_hook_knows_sitegens_work_folder_by_its_marker():
    assert plain_mkdocs.WORK_MARKER == layout.WORK_MARKER
