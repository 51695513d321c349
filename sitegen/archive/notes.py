"""Curators' notes: `notes/<paper-slug>.md`, Markdown with optional YAML front matter.

    ---
    tags: [key-paper, -agents]    # topics to add (created when new); `-x` removes an automatic one
    rating: 4                     # 1-5
    status: read                  # free text: read, to-read, key-paper, ...
    ---
    The curator's Markdown.

Notes are the curator's data: this module only reads them. A note that cannot be read is reported with its
file and line and left out of the build; a note whose paper is not in the archive is reported and kept.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Collection
from dataclasses import replace
from pathlib import Path
from typing import Any

from sitegen.archive import Archive
from sitegen.errors import ConfigError, Report, SitegenError, shown
from sitegen.model import RESERVED_TOPICS, Note, Tag
from sitegen.text.note_markup import unclosed
from sitegen.text.slugs import page_name
from sitegen.yamlfile import Keys, line_of, load_yaml, unknown_keys

FRONT_MATTER_KEYS = {
    "tags": "topics to add (created when new); -x removes an automatic one",
    "rating": "the curator's rating, 1-5",
    "status": "free text: read, to-read, key-paper, ...",
}
_FENCE_END = re.compile(r"^(?:---|\.\.\.)\s*$")


def load_notes(archive: Archive, papers: Collection[str], report: Report) -> dict[str, Note]:
    """Read every note of the archive, by slug; report bad notes and notes on papers not in the archive."""
    try:
        files = archive.entries(archive.notes_dir, (".md",), report, "a note (notes/<paper-page-name>.md)")
    except SitegenError as exc:
        report.warn(exc)
        return {}
    notes: dict[str, Note] = {}
    for path in files:
        try:
            note = read_note(path, report, archive.read_bytes(path))
        except SitegenError as exc:
            report.skip(exc)
            continue
        if note.slug not in papers:
            report.warn(_orphan(path, note.slug, papers))
        notes[note.slug] = note
    return _same_names(notes)


def read_note(path: Path, report: Report, raw: bytes | None = None) -> Note:
    """Read one note (or its bytes, read already); raise ConfigError naming the file and line when malformed."""
    try:
        text = (path.read_bytes() if raw is None else raw).decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ConfigError("is not UTF-8 text", path=path, hint="re-save it as UTF-8") from None
    except OSError as exc:
        raise ConfigError(f"cannot be read: {exc.strerror}", path=path) from None
    front, body = split_front_matter(path, text.replace("\r\n", "\n").replace("\r", "\n"))
    data = _front_matter(path, front)
    unknown_keys(data, FRONT_MATTER_KEYS, report, Keys(path, text=front or "", first_line=2, where="front matter: ",
                                                       hint="a note knows " + ", ".join(FRONT_MATTER_KEYS)))
    tags, removed = _tags(path, front, data.get("tags"), report)
    left_open = unclosed(body)
    if left_open:
        report.warn(ConfigError(f"the note {left_open}, which would swallow or break the rest of the page; "
                                "its text is left out", path=path, hint="close every HTML tag the note opens"))
        body = ""
    return Note(slug=path.stem, path=str(path), body=body, tags=tags, removed=removed,
                rating=_rating(path, front, data.get("rating")), status=_status(path, front, data.get("status")))


def split_front_matter(path: Path, text: str) -> tuple[str | None, str]:
    """Return (front matter lines or None, body) of a note whose first line may open `---` front matter."""
    lines = text.split("\n")
    if lines[0].rstrip() != "---":
        return None, text
    for n, line in enumerate(lines[1:], start=1):
        if _FENCE_END.match(line):
            return "\n".join(lines[1:n]), "\n".join(lines[n + 1:]).lstrip("\n")
    raise ConfigError("the front matter opened on line 1 is never closed", path=path, line=1,
                      hint="end it with a line of three dashes: ---")


def _front_matter(path: Path, front: str | None) -> dict[str, Any]:
    if front is None:
        return {}
    try:
        data = load_yaml(path, front)
    except ConfigError as exc:  # lines are counted inside the front matter, which starts on line 2
        raise ConfigError(exc.message, path=path, line=exc.line + 1 if exc.line else None, hint=exc.hint) from None
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise ConfigError("the front matter must be a mapping like 'rating: 4'", path=path, line=2,
                          hint="keys: " + ", ".join(FRONT_MATTER_KEYS))
    return data


def _line(front: str | None, key: str) -> int | None:
    line = line_of(front or "", key)
    return line + 1 if line else None


def _tags(path: Path, front: str | None, value: Any, report: Report) -> tuple[tuple[Tag, ...], tuple[str, ...]]:
    if value is None:
        return (), ()
    if isinstance(value, str):
        value = [part for part in value.split(",") if part.strip()]
    if not isinstance(value, list) or not all(isinstance(item, (str, int)) and not isinstance(item, bool)
                                              for item in value):
        raise ConfigError(f"'tags' must be a list of topic names like [key-paper, -agents], not {shown(value)}",
                          path=path, line=_line(front, "tags"))
    added: dict[str, Tag] = {}
    removed: list[str] = []
    for item in value:
        name = " ".join(str(item).split())
        minus = name.startswith("-")
        name = name.removeprefix("-").strip()
        slug = page_name(name, fallback="")
        if not slug or slug in RESERVED_TOPICS:
            report.warn(ConfigError(f"tag {shown(item)} cannot be a topic; ignored", path=path,
                                    line=_line(front, "tags"), hint="use letters or digits, and not 'index' or "
                                                                    "'untagged'"))
        elif minus:
            removed.append(slug)
        else:
            added.setdefault(slug, Tag(slug, name))
    return tuple(added.values()), tuple(dict.fromkeys(removed))


def _rating(path: Path, front: str | None, value: Any) -> int | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= 5:
        raise ConfigError(f"'rating' must be a whole number from 1 to 5, not {shown(value)}", path=path,
                          line=_line(front, "rating"), hint="e.g. rating: 4")
    return value


def _status(path: Path, front: str | None, value: Any) -> str | None:
    if value is None:
        return None
    if not isinstance(value, str):
        raise ConfigError(f"'status' must be text like read, to-read or key-paper, not {shown(value)}", path=path,
                          line=_line(front, "status"), hint="quote it if YAML reads it as something else")
    return " ".join(value.split()) or None


def _orphan(path: Path, slug: str, papers: Collection[str]) -> ConfigError:
    near = difflib.get_close_matches(slug, list(papers), n=1, cutoff=0.8)
    hint = f"did you mean {near[0]}.md? " if near else ""
    return ConfigError(f"no paper in the archive has the page name {shown(slug)}; the note is kept but not shown",
                       path=path, hint=f"{hint}a note is named after its paper's page, papers/<name>.html")


def _same_names(notes: dict[str, Note]) -> dict[str, Note]:
    """Give a topic added by several notes one display name: the one in the first note by file name."""
    names: dict[str, Tag] = {}
    for slug in sorted(notes):
        for tag in notes[slug].tags:
            names.setdefault(tag.slug, tag)
    return {slug: _renamed(note, names) for slug, note in sorted(notes.items())}


def _renamed(note: Note, names: dict[str, Tag]) -> Note:
    if all(names[tag.slug].name == tag.name for tag in note.tags):
        return note
    return replace(note, tags=tuple(names[tag.slug] for tag in note.tags))
