"""Read YAML with errors that name the file and line; the archive's YAML may not use aliases. Check a mapping's
keys one way everywhere (unknown_keys(): each known key declared once, an unknown one reported at its line).

An alias (`*name`) repeats a value written elsewhere; a few nested ones expand into billions of values (the
"billion laughs"), so the archive's files (archive.yml, taxonomy.yml, notes' front matter) refuse them. The
project's mkdocs.yml is read as MkDocs reads it, aliases and all. No file may nest deeper than MAX_DEPTH: PyYAML
recurses once per level, so a run of 100,000 `[` would otherwise exhaust Python's stack.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from sitegen.errors import ConfigError, Report, shown

MAX_DEPTH = 64
"""Levels of nesting a YAML file may use (settings and front matter need a handful)."""
_TOO_DEEP = f"nested more than {MAX_DEPTH} levels deep"


class _Bounded(yaml.SafeLoader):
    """PyYAML's safe loader, refusing nesting deeper than MAX_DEPTH before it recurses into it."""

    _depth = 0

    def compose_node(self, parent: Any, index: Any) -> Any:
        if self._depth >= MAX_DEPTH:
            raise yaml.composer.ComposerError(
                None, None, _TOO_DEEP, self.peek_event().start_mark)  # type: ignore[no-untyped-call]
        self._depth += 1
        try:
            return super().compose_node(parent, index)
        finally:
            self._depth -= 1


class _NoAliases(_Bounded):
    """The bounded loader, refusing aliases before it builds anything from them."""

    def compose_node(self, parent: Any, index: Any) -> Any:
        if self.check_event(yaml.AliasEvent):
            raise yaml.composer.ComposerError(
                None, None, "aliases (*name) are not allowed in the archive's YAML",
                self.peek_event().start_mark)  # type: ignore[no-untyped-call]
        return super().compose_node(parent, index)


def load_yaml(path: Path, text: str, *, aliases: bool = False) -> Any:
    """Parse YAML text read from path, safely; a syntax error names the file and line."""
    loader = _Bounded if aliases else _NoAliases
    try:
        return yaml.load(text, Loader=loader)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        problem = getattr(exc, "problem", None) or "invalid YAML"
        if problem == _TOO_DEEP:
            raise _too_deep(path, mark.line + 1 if mark else None) from None
        hint = ("write the value out instead of referring to it" if "aliases" in problem
                else "fix the YAML (indentation, quotes, colons)")
        raise ConfigError(f"YAML syntax error: {problem}", path=path,
                          line=mark.line + 1 if mark else None, hint=hint) from None
    except RecursionError:
        raise _too_deep(path, None) from None  # a stack exhausted some other way than by nesting the composer sees
    except (ValueError, TypeError, AttributeError, OverflowError) as exc:
        # PyYAML builds values as it reads: `2024-02-30` or `!!int x` raise these, with no line attached.
        raise ConfigError(f"a value cannot be read: {str(exc)[:200]}", path=path,
                          hint="dates must be real calendar dates like 2025-12-16; quote other text") from None


def _too_deep(path: Path, line: int | None) -> ConfigError:
    return ConfigError(f"is {_TOO_DEEP}, too deep to read", path=path, line=line,
                       hint="each `[`, `{` or `- ` opens a level; write the value with a few levels")


def line_of(text: str, key: str) -> int | None:
    """Find the 1-based line where a mapping key is written, for messages."""
    match = re.search(rf"^\s*['\"]?{re.escape(key)}['\"]?\s*:", text, re.MULTILINE)
    return text.count("\n", 0, match.start()) + 1 if match else None


@dataclass(frozen=True, slots=True)
class Keys:
    """Where a mapping's keys were read, for the messages about them."""

    path: Path | str | None
    """The file."""
    text: str = ""
    """Its text (or the part of it the mapping comes from): an unknown key is reported at its own line."""
    line: int | None = None
    """The line reported when the key's own is not found."""
    first_line: int = 1
    """The file's line that text starts at."""
    where: str = ""
    """What a message starts with, e.g. "extra.sitegen: "."""
    hint: str = ""
    """What to do (default: the known keys)."""


def unknown_keys(data: Mapping[Any, Any], known: Mapping[str, str], report: Report, keys: Keys) -> None:
    """Report each key of data that known does not declare: at its line in keys.text, else at keys.line."""
    for key in sorted(set(data) - set(known), key=str):
        found = line_of(keys.text, str(key)[:1000]) if keys.text else None
        report.warn(ConfigError(f"{keys.where}unknown key {shown(key)}", path=keys.path,
                                line=found + keys.first_line - 1 if found else keys.line,
                                hint=keys.hint or "known keys: " + ", ".join(known)))
