"""Read the archive's small YAML files with errors that name the file and line."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import yaml

from sitegen.errors import ConfigError


def load_yaml(path: Path, text: str | None = None) -> Any:
    """Parse a YAML file (or its given text) safely; a syntax error names the file and line."""
    if text is None:
        try:
            text = path.read_text(encoding="utf-8-sig")
        except UnicodeDecodeError:
            raise ConfigError("is not UTF-8 text", path=path, hint="re-save it as UTF-8") from None
    try:
        return yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        problem = getattr(exc, "problem", None) or "invalid YAML"
        raise ConfigError(f"YAML syntax error: {problem}", path=path,
                          line=mark.line + 1 if mark else None,
                          hint="fix the YAML (indentation, quotes, colons)") from None
    except (ValueError, TypeError, AttributeError, RecursionError) as exc:
        # PyYAML builds values as it reads: `2024-02-30` or `!!int x` raise these, with no line attached.
        raise ConfigError(f"a value cannot be read: {exc}", path=path,
                          hint="dates must be real calendar dates like 2025-12-16; quote other text") from None


def line_of(text: str, key: str) -> int | None:
    """Find the 1-based line where a mapping key is written, for messages."""
    match = re.search(rf"^\s*['\"]?{re.escape(key)}['\"]?\s*:", text, re.MULTILINE)
    return text.count("\n", 0, match.start()) + 1 if match else None
