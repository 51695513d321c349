"""`sitegen serve`'s lines say how many pages a rebuild rendered: a hand-written page's edit renders that page
(of all of the site's), and "(full)" is said only when every page was rendered again."""

from __future__ import annotations

import io
import shutil
from pathlib import Path

from conftest import LISTINGS, ROOT, make_archive

from sitegen.pipeline import BuildOptions
from sitegen.serve.server import quiet_mkdocs
from sitegen.serve.session import Rebuilt, Session


def test_a_rebuild_counts_the_pages_it_rendered(tmp_path):
    quiet_mkdocs()
    project = tmp_path / "project"
    shutil.copytree(ROOT / "docs", project / "docs")
    config = project / "mkdocs.yml"
    config.write_text("site_name: Counts\ndocs_dir: docs\n", encoding="utf-8")
    archive = make_archive(tmp_path / "archive", [LISTINGS / "year_less_dates.txt"])
    session = Session(BuildOptions(archive=archive, site_dir=tmp_path / "serve" / "site", config_file=config),
                      out=io.StringIO())
    first = session.start()
    assert first.kind == "full" and first.pages == first.of > 3

    site = tmp_path / "serve" / "site"
    before = _times(site)
    about = project / "docs" / "about.md"
    about.write_text(about.read_text(encoding="utf-8") + "\nOne more line.\n", encoding="utf-8")
    edited = session.rebuild()
    written = sorted(rel for rel, time in _times(site).items() if before.get(rel) != time)
    # The count is the pages MkDocs wrote again (about.html, and the page serve's MkDocs rendered once to warm up).
    assert "about.html" in written and edited.pages == len(written) < first.of
    assert (edited.kind, edited.of) == ("full", first.of)
    assert edited.line().startswith(f"Rebuilt {edited.pages} of {first.of} pages in ")
    assert "One more line." in (tmp_path / "serve" / "site" / "about.html").read_text(encoding="utf-8")

    config.write_text("site_name: Counts renamed\ndocs_dir: docs\n", encoding="utf-8")  # every page's header
    renamed = session.rebuild()
    assert (renamed.kind, renamed.pages) == ("full", first.of)
    assert renamed.line().startswith(f"Rebuilt {first.of} pages (full) in ")


def _times(site: Path) -> dict[str, int]:
    """Each page's HTML (the theme's 404 page is no page of the docs) and its time."""
    return {p.relative_to(site).as_posix(): p.stat().st_mtime_ns for p in site.rglob("*.html") if p.name != "404.html"}


def test_the_lines_for_each_kind_of_rebuild():
    assert Rebuilt("quick", 3, 0.25).line() == "Rebuilt 3 pages (quick) in 0.25 s"
    assert Rebuilt("full", 1, 2.0, 270).line() == "Rebuilt 1 of 270 pages in 2.00 s"
    assert Rebuilt("full", 0, 2.0, 270).line() == "Rebuilt 0 of 270 pages in 2.00 s"
    assert Rebuilt("full", 270, 9.5, 270).line() == "Rebuilt 270 pages (full) in 9.50 s"
    assert Rebuilt("quick", 1, 0.1).line() == "Rebuilt 1 page (quick) in 0.10 s"
