"""The theme's templates compiled once per process (sitegen/publish/templates.py): loaded, not compiled again, by
later Jinja environments; compiled again when a template changes; the site the same either way."""

from __future__ import annotations

import hashlib
from pathlib import Path

import jinja2
import pytest
from conftest import LISTINGS, ROOT, make_archive

from sitegen.pipeline import BuildOptions, build
from sitegen.publish import templates


def render(folder: Path, **settings: object) -> str:
    """Render folder/page.html in a new environment, as each MkDocs run makes one."""
    env = jinja2.Environment(loader=jinja2.FileSystemLoader(folder), auto_reload=False, **settings)
    env = templates.CompiledTemplates().on_env(env, None, None)
    return env.get_template("page.html").render(x=1)


def test_a_template_is_compiled_once_and_again_when_it_changes(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    store: dict[tuple[object, ...], bytes] = {}
    monkeypatch.setattr(templates, "_store", store)
    (tmp_path / "page.html").write_text("first {{ x }}\n")
    assert render(tmp_path) == "first 1" and len(store) == 1
    compiled = next(iter(store.values()))
    assert render(tmp_path) == "first 1" and next(iter(store.values())) is compiled  # loaded, not compiled
    (tmp_path / "page.html").write_text("second {{ x }}\n")
    assert render(tmp_path) == "second 1" and next(iter(store.values())) != compiled
    assert render(tmp_path, trim_blocks=True) == "second 1" and len(store) == 2  # other settings: kept apart


def tree(root: Path) -> dict[str, str]:
    return {p.relative_to(root).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(root.rglob("*")) if p.is_file()}


def test_a_build_with_compiled_templates_gives_the_same_site(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    archive = make_archive(tmp_path / "archive", [LISTINGS / "year_less_dates.txt"])
    sites = []
    for run in ("compiles", "loads"):
        if run == "compiles":
            monkeypatch.setattr(templates, "_store", {})
        build(BuildOptions(archive=archive, site_dir=tmp_path / run, config_file=ROOT / "mkdocs.yml", strict=True))
        sites.append(tree(tmp_path / run))
    assert templates._store and sites[0] == sites[1]
