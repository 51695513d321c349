"""Bounds on what one paper may carry, so that no single title or abstract can cost the build minutes.

Real titles are under 300 characters and arXiv caps abstracts at 1,920; a longer "title" is a paste gone
wrong. Text over a bound is cut at a word and marked with an ellipsis, and the cut is reported.
"""

from __future__ import annotations

from pathlib import Path

from sitegen.errors import Report

MAX_TITLE = 500
"""Characters of a title kept."""
MAX_ABSTRACT = 20_000
"""Characters of an abstract kept."""


LIMITS = {"title": MAX_TITLE, "abstract": MAX_ABSTRACT, "AI summary": MAX_ABSTRACT}
"""Characters kept of each kind of text."""


def bounded(text: str, what: str, path: Path | str, line: int | None, report: Report) -> str:
    """Return text cut to at most its kind's limit of characters (at a space where one is near), reporting a cut."""
    limit = LIMITS[what]
    if len(text) <= limit:
        return text
    cut = text[:limit - 1]
    space = cut.rfind(" ", limit // 2)
    cut = (cut[:space] if space > 0 else cut).rstrip() + "…"
    report.warn(f"the {what} is {len(text):,} characters long; only its first {len(cut) - 1:,} are kept",
                path=path, line=line, hint="check the file: a line this long is probably not one paper's "
                                           f"{what}")
    return cut
