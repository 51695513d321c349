"""`sitegen serve`'s lines say how many pages a rebuild rendered: a hand-written page's edit renders that page
(of all of the site's), a note's change the pages it touches, and "(full)" is said only when every page was
rendered again."""

from __future__ import annotations

import io
import shutil
from pathlib import Path

from conftest import LISTINGS, ROOT, make_archive

from sitegen.pipeline import BuildOptions
from sitegen.serve.server import quiet_mkdocs
from sitegen.serve.session import Rebuilt, Session


def _session(tmp_path: Path) -> tuple[Session, Path, Path, int]:
    """A serve session on a project with the repository's docs, started (a full build); with its config file,
    its site and the site's pages."""
    quiet_mkdocs()
    project = tmp_path / "project"
    shutil.copytree(ROOT / "docs", project / "docs")
    config = project / "mkdocs.yml"
    config.write_text("site_name: Counts\ndocs_dir: docs\n", encoding="utf-8")
    archive = make_archive(tmp_path / "archive", [LISTINGS / "year_less_dates.txt"])
    site = tmp_path / "serve" / "site"
    session = Session(BuildOptions(archive=archive, site_dir=site, config_file=config), out=io.StringIO())
    first = session.start()
    assert first.kind == "full" and first.pages == first.of > 3
    return session, config, site, first.of


def _edit_about(config: Path) -> None:
    about = config.parent / "docs" / "about.md"
    about.write_text(about.read_text(encoding="utf-8") + "\nOne more line.\n", encoding="utf-8")


def test_editing_one_hand_written_page_renders_and_counts_that_page(tmp_path):
    session, config, site, of = _session(tmp_path)
    for _ in range(2):  # after the first build, and after a rebuild (each warms serve's MkDocs up again)
        before = _times(site)
        _edit_about(config)
        edited = session.rebuild()
        assert _written(before, site) == ["about.html"]
        assert (edited.kind, edited.pages, edited.of) == ("full", 1, of)
        assert edited.line().startswith(f"Rebuilt 1 of {of} pages in ")
    assert "One more line." in (site / "about.html").read_text(encoding="utf-8")

    config.write_text("site_name: Counts renamed\ndocs_dir: docs\n", encoding="utf-8")  # every page's header
    renamed = session.rebuild()
    assert (renamed.kind, renamed.pages) == ("full", of)
    assert renamed.line().startswith(f"Rebuilt {of} pages (full) in ")


def test_a_note_counts_the_pages_it_rendered_again_and_a_later_edit_only_its_own(tmp_path):
    session, config, site, _ = _session(tmp_path)
    archive = session.options.archive
    before = _times(site)
    (archive / "notes").mkdir()
    (archive / "notes" / "paper-one.md").write_text("---\nrating: 4\n---\nSEEN-IN-SERVE.\n", encoding="utf-8")
    noted = session.rebuild()
    written = _written(before, site)
    assert noted.kind == "quick" and noted.pages == len(written) > 1, written
    assert "papers/paper-one.html" in written and "about.html" not in written
    assert "SEEN-IN-SERVE." in (site / "papers" / "paper-one.html").read_text(encoding="utf-8")

    before = _times(site)
    _edit_about(config)
    edited = session.rebuild()  # the quick path's pages are the site's as a build made them: kept
    assert (edited.kind, edited.pages, _written(before, site)) == ("full", 1, ["about.html"])


def _times(site: Path) -> dict[str, int]:
    """Each page's HTML (the theme's 404 page is no page of the docs) and its time."""
    return {p.relative_to(site).as_posix(): p.stat().st_mtime_ns for p in site.rglob("*.html") if p.name != "404.html"}


def _written(before: dict[str, int], site: Path) -> list[str]:
    """The pages written since before was taken."""
    return sorted(rel for rel, time in _times(site).items() if before.get(rel) != time)


def test_the_lines_for_each_kind_of_rebuild():
    assert Rebuilt("quick", 3, 0.25).line() == "Rebuilt 3 pages (quick) in 0.25 s"
    assert Rebuilt("full", 1, 2.0, 270).line() == "Rebuilt 1 of 270 pages in 2.00 s"
    assert Rebuilt("full", 0, 2.0, 270).line() == "Rebuilt 0 of 270 pages in 2.00 s"
    assert Rebuilt("full", 270, 9.5, 270).line() == "Rebuilt 270 pages (full) in 9.50 s"
    assert Rebuilt("quick", 1, 0.1).line() == "Rebuilt 1 page (quick) in 0.10 s"
