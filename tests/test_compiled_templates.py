"""The theme's templates compiled once per process (sitegen/publish/templates.py): loaded, not compiled again, by
later Jinja environments; compiled again when a template changes; the site the same either way."""

from __future__ import annotations

import hashlib
import pickle
from pathlib import Path

import jinja2
import pytest
from conftest import LISTINGS, ROOT, make_archive

from sitegen.layout import Layout
from sitegen.pipeline import BuildOptions, build
from sitegen.publish import templates


def render(folder: Path, plugin: templates.CompiledTemplates | None = None, **settings: object) -> str:
    """Render folder/page.html in a new environment, as each MkDocs run makes one."""
    env = jinja2.Environment(loader=jinja2.FileSystemLoader(folder), auto_reload=False, **settings)
    env = (plugin or templates.CompiledTemplates()).on_env(env, None, None)
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


def test_the_compiled_templates_are_kept_in_a_file_for_the_next_process(tmp_path: Path,
                                                                         monkeypatch: pytest.MonkeyPatch):
    compiled: list[str] = []
    compile_ = jinja2.Environment.compile

    def counted(env: jinja2.Environment, source: object, name: str | None = None, *args: object) -> object:
        compiled.append(str(name))
        return compile_(env, source, name, *args)  # type: ignore[call-overload]

    monkeypatch.setattr(jinja2.Environment, "compile", counted)
    (tmp_path / "page.html").write_text("first {{ x }}\n")
    kept = tmp_path / "work" / templates.KEPT

    def new_process() -> templates.CompiledTemplates:
        monkeypatch.setattr(templates, "_store", {})
        monkeypatch.setattr(templates, "_read", {})
        compiled.clear()
        return templates.CompiledTemplates(kept)

    plugin = new_process()
    assert render(tmp_path, plugin) == "first 1" and compiled == ["page.html"] and not kept.exists()
    plugin.on_post_build(None)
    assert kept.is_file()
    plugin = new_process()
    assert render(tmp_path, plugin) == "first 1" and compiled == []  # read from the file, not compiled
    plugin.on_post_build(None)
    (tmp_path / "page.html").write_text("second {{ x }}\n")
    plugin = new_process()
    assert render(tmp_path, plugin) == "second 1" and compiled == ["page.html"]  # the source changed
    plugin.on_post_build(None)
    assert render(tmp_path, new_process()) == "second 1" and compiled == []  # and the file has the new code
    monkeypatch.setattr(jinja2, "__version__", "99.0")
    assert render(tmp_path, new_process()) == "second 1" and compiled == ["page.html"]  # another Jinja: compiled
    monkeypatch.undo()
    monkeypatch.setattr(jinja2.Environment, "compile", counted)
    kept.write_bytes(b"not a pickle")
    plugin = new_process()
    assert render(tmp_path, plugin) == "second 1" and compiled == ["page.html"]  # a broken file: compiled
    plugin.on_post_build(None)
    assert render(tmp_path, new_process()) == "second 1" and compiled == []  # and the file written again


def test_a_build_keeps_the_compiled_templates_in_its_work_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    archive = make_archive(tmp_path / "archive", [LISTINGS / "year_less_dates.txt"])
    monkeypatch.setattr(templates, "_store", {})
    monkeypatch.setattr(templates, "_read", {})
    build(BuildOptions(archive=archive, site_dir=tmp_path / "site", config_file=ROOT / "mkdocs.yml"))
    kept = Layout.for_site(tmp_path / "site", ROOT / "mkdocs.yml").work / templates.KEPT
    assert len(pickle.loads(kept.read_bytes())) == len(templates._store) > 5
