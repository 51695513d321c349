"""A build with nothing to do: when everything a site is built from is what the site in place was built from,
the build says so and stops, in the time it takes to read its inputs.

What a build reads (stamp()): every file of the archive, the project's config file and docs folder (and a
theme folder or hooks the config names), sitegen's own files and the versions of the libraries that render the
site (memo.code_digest()), the options that shape its output and SOURCE_DATE_EPOCH. The digest of all of it goes
into the site's record (publish/incremental.py) beside the build's summary and the problems it reported; a
later build with the same digest, on a site that holds exactly the files the record lists (none added, changed
or removed since), reports those problems again and the same summary, and writes nothing. Any difference means
an ordinary build, which renders only the pages whose Markdown changed.
"""

from __future__ import annotations

import hashlib
import os
import stat
from collections.abc import Iterable, Mapping
from dataclasses import asdict
from pathlib import Path
from typing import Any

from sitegen import fs, memo
from sitegen.errors import Problem, Report
from sitegen.layout import Layout
from sitegen.publish import incremental
from sitegen.publish.mkdocs_site import Project


def stamp(project: Project, archive: Path, settings: Mapping[str, object]) -> str:
    """Return the digest of everything a build of this project, archive and settings reads."""
    digest = hashlib.sha256()
    digest.update(repr(sorted(settings.items())).encode())
    # sitegen's own files (code, theme, scripts), Python's and the rendering libraries' versions: the digest the
    # memos are keyed by too.
    digest.update(f"SOURCE_DATE_EPOCH={os.environ.get('SOURCE_DATE_EPOCH')}\nsitegen={memo.code_digest()}\n".encode())
    for name, root in _folders(project, archive):
        digest.update(f"\0folder {name}\n".encode())
        _tree(digest, root)
    if project.config_file is not None:
        digest.update(b"\0config\n" + project.text.encode())
    return digest.hexdigest()


def _folders(project: Project, archive: Path) -> Iterable[tuple[str, Path]]:
    yield "archive", archive
    if project.docs_dir is not None:
        yield "docs", project.docs_dir
    if project.config_file is None:
        return
    folder = project.config_file.parent
    theme = project.config.get("theme")
    if isinstance(theme, dict) and theme.get("custom_dir"):
        yield "theme", folder / str(theme["custom_dir"])
    hooks = project.config.get("hooks")
    for hook in hooks if isinstance(hooks, list) else [hooks] if hooks else []:
        yield "hook", folder / str(hook)


def _tree(digest: Any, root: Path) -> None:
    """Add every file under root (or root itself, a file) by path and contents; links by where they point, and
    anything but a regular file (a FIFO, a device) by its kind alone: it is never opened."""
    if not root.is_dir():
        digest.update(_read(root))
        return
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames[:] = sorted(d for d in dirnames if d != "__pycache__")
        base = Path(dirpath)
        for name in dirnames:  # a linked folder is not walked (nor read by a build): where it points counts
            if (base / name).is_symlink():
                digest.update(f"\0{(base / name).relative_to(root).as_posix()}\0{os.readlink(base / name)}".encode())
        for name in sorted(filenames):
            path = base / name
            rel = path.relative_to(root).as_posix()
            target = os.readlink(path) if path.is_symlink() else ""
            digest.update(f"\0{rel}\0{target}\0".encode() + _read(path))


def _read(path: Path) -> bytes:
    """The file's bytes when it is a regular file (through a link), else what it is."""
    try:
        info = path.stat()
        if not stat.S_ISREG(info.st_mode):
            return f"not a file {stat.S_IFMT(info.st_mode)}".encode()
        return path.read_bytes()
    except OSError as error:  # unreadable: the build says what is wrong; this only has to differ
        return f"unreadable {type(error).__name__}".encode()


def kept(layout: Layout, inputs: str, report: Report) -> dict[str, Any] | None:
    """Return the summary of the build that made the site in place when it was made from these inputs and holds
    just what that build left (then its problems are reported again); None when it must be built."""
    record = incremental.read_record(layout.work, layout.site)
    if record is None or record.get("inputs") != inputs or not isinstance(record.get("result"), dict):
        return None
    made = incremental.files_made(record)
    found = fs.plain_tree(layout.site)
    if made is None or found.odd or found.files != made:
        return None
    try:
        problems = [Problem(**p) for p in record.get("problems", [])]
    except TypeError:
        return None
    report.problems.extend(problems)
    return dict(record["result"])


def remember(layout: Layout, inputs: str, result: Mapping[str, Any], problems: list[Problem]) -> None:
    """Add the inputs' digest, the summary and the problems of the build just finished to the site's record."""
    record = incremental.read_record(layout.work, layout.site)
    if record is None:
        return
    # What the site held before the build (files sitegen did not make) is no problem of its inputs.
    kept = [asdict(p) for p in problems if p.path != str(layout.site)]
    record.update(inputs=inputs, result=dict(result), problems=kept)
    incremental.write_record(layout.work, layout.site, record)
