"""Gather the docs (hand-written pages, generated ones), derive MkDocs' config, and run MkDocs.

The project's `mkdocs.yml` stays plain and is never written: the tool reads it and writes its own derived
config into its work folder (the site's folder in the project's `.sitegen/`: `.sitegen/site-…/mkdocs.yml`),
adding the docs folder, the navigation of index pages and the theme overrides. The hand-written pages and the
generated static files (feeds, .bib files) are copied into the work folder's docs; the generated Markdown pages
go to MkDocs from memory (MkDocs' own generated files), which spares writing and reading back one file per
paper. `sitegen build --keep-docs` writes them too, and then `mkdocs build -f .sitegen/site-…/mkdocs.yml` builds
the same site with bare MkDocs.
"""

from __future__ import annotations

import contextlib
import logging
import os
import shutil
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

import yaml

from sitegen import fs
from sitegen.errors import BuildError, ConfigError, Report
from sitegen.options import DEFAULT_SITE_NAME
from sitegen.publish import mkdocs_compat as compat
from sitegen.publish.shares import Share, rendering
from sitegen.yamlfile import load_yaml

DEFAULT_CONFIG: dict[str, Any] = {
    "site_name": DEFAULT_SITE_NAME,
    "use_directory_urls": False,
    "theme": {"name": "material", "font": False},
    "plugins": [],
}
# Generated pages are reached from index pages; listing thousands of them in the nav makes every page huge.
# The search page is reached from the search box in every page's header.
NOT_IN_NAV = "/papers/\n/topics/\n/dates/\n/search.md\n"
VALIDATION = {
    "nav": {"omitted_files": "info", "not_found": "warn", "absolute_links": "info"},
    "links": {"not_found": "warn", "anchors": "warn", "absolute_links": "info", "unrecognized_links": "warn"},
}


@dataclass(frozen=True, slots=True)
class Project:
    """The site project: its MkDocs config file (optional) and hand-written docs folder."""

    config_file: Path | None
    config: dict[str, Any]
    text: str = ""
    """The config file's text, read once (sitegen's options are reported at their lines in it)."""

    @property
    def docs_dir(self) -> Path | None:
        if self.config_file is None:
            return None
        return (self.config_file.parent / str(self.config.get("docs_dir", "docs"))).resolve()

    @property
    def site_name(self) -> str:
        return str(self.config.get("site_name") or DEFAULT_SITE_NAME)


def theme_dir() -> Path:
    """Return sitegen's Material overrides folder."""
    return Path(str(resources.files("sitegen") / "theme"))


def hooks_file() -> Path:
    """Return sitegen's MkDocs hooks (publish/mkdocs_hooks.py), which MkDocs runs on every page it writes."""
    return Path(str(resources.files("sitegen") / "publish" / "mkdocs_hooks.py"))


def load_project(config_file: Path | None) -> Project:
    """Read the project's mkdocs.yml if there is one; the tool's defaults otherwise."""
    if config_file is None or not config_file.is_file():
        return Project(None, dict(DEFAULT_CONFIG))
    try:
        text = config_file.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError:
        raise ConfigError("is not UTF-8 text", path=config_file, hint="re-save it as UTF-8") from None
    data = load_yaml(config_file, text, aliases=True)
    if not isinstance(data, dict):
        raise ConfigError("must be a mapping of MkDocs settings", path=config_file)
    return Project(config_file.resolve(), data, text)


@dataclass(frozen=True, slots=True)
class Docs:
    """What MkDocs builds the site from: a folder on disk and the generated Markdown pages held in memory."""

    folder: Path
    """The hand-written pages and files, and the generated files that are not Markdown pages."""
    pages: Mapping[str, str] = field(default_factory=dict)
    """The generated Markdown pages (paths inside the docs, like papers/x.md) MkDocs reads from memory."""

    def sources(self) -> list[str]:
        """Return every page's and file's path inside the docs, sorted."""
        on_disk = (p.relative_to(self.folder).as_posix() for p in self.folder.rglob("*") if p.is_file())
        return sorted({*on_disk, *self.pages})

    def contents(self) -> Iterator[tuple[str, bytes]]:
        """Yield every page's and file's path and bytes, sorted by path."""
        for rel in self.sources():
            text = self.pages.get(rel)
            yield rel, text.encode("utf-8") if text is not None else (self.folder / rel).read_bytes()


def write_docs(project: Project, pages: dict[str, str], docs: Path, report: Report, keep: bool = False) -> Docs:
    """Make docs hold the hand-written pages and files plus the generated files, rewriting only what changed;
    return them with the generated Markdown pages (written to docs too when keep is set)."""
    kept: set[Path] = set()
    hand_written = project.docs_dir
    if hand_written and hand_written.is_dir():
        kept.update(_copy_hand_written(hand_written, docs, pages, report))
    in_memory = {} if keep else {rel: text for rel, text in pages.items() if rel.endswith(".md")}
    for rel, text in pages.items():
        if rel not in in_memory:
            target = docs / rel
            kept.add(target)
            fs.write_work_file(target, text)
    fs.prune(docs, kept)
    return Docs(docs, in_memory)


def _copy_hand_written(hand_written: Path, docs: Path, pages: Mapping[str, str], report: Report) -> Iterable[Path]:
    """Copy the hand-written docs that are not replaced by generated pages; yield the copies."""
    for source in sorted(hand_written.rglob("*")):
        rel = source.relative_to(hand_written).as_posix()
        if not source.is_file():
            continue
        if not source.resolve().is_relative_to(hand_written):
            report.warn(f"leads to {source.resolve()}, outside the docs folder; it is not published", path=source,
                        hint="copy the file into the docs folder instead of linking to it")
            continue
        if rel in pages:
            report.warn(f"{source}: the generated page {rel} takes its place; rename the hand-written page")
            continue
        target = docs / rel
        yield target
        if not target.exists() or target.stat().st_mtime < source.stat().st_mtime \
                or target.stat().st_size != source.stat().st_size:
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, target)


def derived_config(project: Project, docs: Path, site_dir: Path, nav: list[dict[str, str]]) -> dict[str, Any]:
    """Return the MkDocs config for this build: the project's, plus what the generator owns."""
    config = dict(project.config)
    theme = config.get("theme") or {"name": "material"}
    theme = {"name": theme} if isinstance(theme, str) else dict(theme)
    theme["custom_dir"] = str(theme_dir())
    config.update({
        "docs_dir": str(docs.resolve()),
        "site_dir": str(site_dir.resolve()),
        "use_directory_urls": False,
        "theme": theme,
        "nav": nav + _hand_written_nav(project),
        "not_in_nav": NOT_IN_NAV,
        "validation": config.get("validation") or VALIDATION,
        "extra_css": ["assets/sitegen.css", *(config.get("extra_css") or [])],
        "hooks": [str(hooks_file()), *_project_hooks(project)],
    })
    return config


PLAIN_GUARD = "plain_mkdocs.py"
"""The hook that stops a plain `mkdocs build` of the project's mkdocs.yml (publish/plain_mkdocs.py): left out of
the derived config, which builds the archive."""


def _project_hooks(project: Project) -> list[Any]:
    """The project's own hooks but the guard, as paths from its folder (the derived config is in the work folder)."""
    hooks = project.config.get("hooks") or []
    if not isinstance(hooks, list):
        return [hooks]  # MkDocs says what is wrong with it
    folder = project.config_file.parent if project.config_file else Path.cwd()
    return [str((folder / str(hook)).resolve()) for hook in hooks if Path(str(hook)).name != PLAIN_GUARD]


def _hand_written_nav(project: Project) -> list[Any]:
    nav = project.config.get("nav")
    if isinstance(nav, list):
        return nav
    docs = project.docs_dir
    if not docs or not docs.is_dir():
        return []
    # Explicit titles: a dirty rebuild does not read unchanged pages, so it could not take them from their H1.
    return [{_title(page): page.relative_to(docs).as_posix()} for page in sorted(docs.glob("*.md"))
            if page.name != "index.md"]


def _title(page: Path) -> str:
    """Return a hand-written page's title: its first level-1 heading, else its file name."""
    for line in page.read_text(encoding="utf-8-sig", errors="replace").splitlines():
        if line.startswith("# "):
            return line[2:].strip()
    return page.stem.replace("-", " ").replace("_", " ").capitalize()


def write_config(config: dict[str, Any], path: Path) -> Path:
    """Write the derived config where `mkdocs build -f` can use it."""
    fs.write_text(path, yaml.safe_dump(config, sort_keys=True, allow_unicode=True))
    return path


@contextlib.contextmanager
def source_date_epoch(epoch: int | None) -> Iterator[None]:
    """Set the build date MkDocs writes (it reads it only from SOURCE_DATE_EPOCH) while the block runs."""
    if epoch is None:
        yield
        return
    previous = os.environ.get("SOURCE_DATE_EPOCH")
    os.environ["SOURCE_DATE_EPOCH"] = str(epoch)
    try:
        yield
    finally:
        if previous is None:
            del os.environ["SOURCE_DATE_EPOCH"]
        else:
            os.environ["SOURCE_DATE_EPOCH"] = previous


class _Collect(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        if not record.name.startswith("mkdocs.livereload"):  # `sitegen serve`'s server, not the build
            self.messages.append(record.getMessage())


@contextlib.contextmanager
def capture_warnings() -> Iterator[list[str]]:
    """Collect MkDocs' warnings while the block runs, instead of printing them; yield the list they go to."""
    logger = logging.getLogger("mkdocs")
    collect = _Collect()
    logger.addHandler(collect)
    previous, propagate = logger.level, logger.propagate
    logger.setLevel(logging.WARNING)
    logger.propagate = False  # the warnings are reported once, through the build's report
    # MkDocs' notice that it runs in dirty mode, dropped where it is logged, before MkDocs' own count of warnings
    # (which fails a --strict build) sees it: sitegen chooses that mode itself, knowing when it is sound.
    builder = logging.getLogger("mkdocs.commands.build")
    builder.addFilter(_not_dirty_notice)
    messages: list[str] = []
    try:
        yield messages
    finally:
        builder.removeFilter(_not_dirty_notice)
        logger.removeHandler(collect)
        logger.setLevel(previous)
        logger.propagate = propagate
        messages.extend(collect.messages)


def _not_dirty_notice(record: logging.LogRecord) -> bool:
    return not record.getMessage().startswith(compat.DIRTY_NOTICE)


@dataclass(frozen=True, slots=True)
class MkDocsRun:
    """What every MkDocs run of one build is given; calling it with a share runs MkDocs on that share."""

    config_path: Path
    """The derived config."""
    strict: bool = False
    """Warnings fail the build."""
    site_dir: Path | None = None
    """Where the run writes (the config's site_dir when None)."""
    epoch: int | None = None
    """The build date MkDocs writes (sitemap dates, the sitemap.xml.gz header) in place of today's."""
    dirty: bool = False
    """Render only what changed into a copy of the previous site (publish/incremental.py)."""
    docs: Docs | None = None
    """The generated pages to add from memory."""
    unchanged: frozenset[str] = frozenset()
    """The generated pages whose HTML a dirty build keeps."""

    def __call__(self, share: Share | None = None) -> list[str]:
        return run_mkdocs(self, share)


def run_mkdocs(run: MkDocsRun, share: Share | None = None) -> list[str]:
    """Build the site (or a share of it) with MkDocs in this process; return its warnings. Strict: warnings
    fail the build."""
    from mkdocs.commands.build import build
    from mkdocs.config import load_config
    from mkdocs.exceptions import Abort, ConfigurationError

    from sitegen.publish import templates
    from sitegen.publish.memory import NAME, GeneratedPages

    failed: BaseException | None = None
    with capture_warnings() as warnings:
        try:
            overrides = {"site_dir": str(run.site_dir.resolve())} if run.site_dir else {}
            config = load_config(config_file=str(run.config_path), strict=run.strict, **overrides)
            config.plugins[templates.NAME] = templates.CompiledTemplates(run.config_path.parent / templates.KEPT)
            if run.docs is not None and run.docs.pages:
                config.plugins[NAME] = GeneratedPages(run.docs.pages)
            with source_date_epoch(run.epoch), rendering(config, share, run.unchanged):
                build(config, dirty=run.dirty)
        except (Abort, ConfigurationError) as exc:
            failed = exc
    if failed is not None:
        details = "; ".join(warnings[:5])
        raise BuildError(f"MkDocs failed: {failed} {details}".strip(), path=run.config_path,
                         hint="fix the pages or settings named above")
    return warnings
