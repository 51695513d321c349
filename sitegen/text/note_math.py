"""Where a curator's note has math: `$…$` in its prose, never in code, HTML or a link's address.

A note is Markdown, so `$x$` in a code span, a fenced or indented code block, an HTML block or tag, an autolink
or an image's alt text is not math. markdown-it-py reads the note (CommonMark, as note_markup.py and
search/text.py read notes) with one more inline rule, which takes `$…$` where split_math() would (not `$5 and
$10`, not `\\$`) and CommonMark would otherwise see text; a span holding a backtick is left to the code span it
may start, as code comes first in CommonMark. What the rule finds in a paragraph's or heading's text is then
found back in the note's own lines; anything that cannot be placed exactly is left as it is.
"""

from __future__ import annotations

import re

from markdown_it import MarkdownIt
from markdown_it.rules_inline import StateInline
from markdown_it.token import Token

from sitegen.text.latex import split_math

_MATH_TOKEN = "sitegen_math"
_NEWLINE = re.compile(r"\r\n?|\n")  # as markdown-it-py normalises line ends
# What may stand on a line before and after its share of a paragraph or heading: indentation, block quote and
# list markers, a heading's `#`s.
_BEFORE = re.compile(r"[ \t>#*+\-0-9.)]*")
_AFTER = re.compile(r"[ \t#]*")


def _math_rule(state: StateInline, silent: bool) -> bool:
    """Take `$…$` at the current position when split_math() would read math there."""
    src, pos = state.src, state.pos
    if src[pos] != "$" or (pos > 0 and src[pos - 1] in "\\$"):
        return False
    line_end = src.find("\n", pos, state.posMax)
    parts = split_math(src[pos:state.posMax if line_end < 0 else line_end])
    source, is_math = parts[0]
    if not is_math or "`" in source:
        return False
    if not silent:
        token = state.push(_MATH_TOKEN, "", 0)
        token.content = source
        token.meta = {"start": pos, "end": pos + len(source)}
    state.pos += len(source)
    return True


_MARKDOWN = MarkdownIt("commonmark")
_MARKDOWN.inline.ruler.before("escape", _MATH_TOKEN, _math_rule)


def math_spans(markdown: str) -> list[tuple[int, int]]:
    """Return where each `$…$` a reader sees as math stands in markdown: (start, end) offsets, in order."""
    starts = [0] + [m.end() for m in _NEWLINE.finditer(markdown)]
    lines = _NEWLINE.split(markdown)
    spans = []
    for token in _MARKDOWN.parse(markdown):
        if token.type != "inline" or not token.map:
            continue
        for child in token.children or []:  # the top level only: an image's alt text is parsed apart
            if child.type != _MATH_TOKEN:
                continue
            at = _in_source(token, child, lines)
            if at is not None and markdown[starts[at[0]] + at[1]:].startswith(child.content):
                start = starts[at[0]] + at[1]
                spans.append((start, start + len(child.content)))
    return spans


def _in_source(inline: Token, math: Token, lines: list[str]) -> tuple[int, int] | None:
    """Return the (line, column) in the note where a math token of an inline token's text stands."""
    start = math.meta["start"]
    number = inline.content.count("\n", 0, start)
    line_start = inline.content.rfind("\n", 0, start) + 1
    line_end = inline.content.find("\n", start)
    text = inline.content[line_start:len(inline.content) if line_end < 0 else line_end]
    where = (inline.map or [0, 0])[0] + number
    if where >= len(lines):
        return None
    shown = text.lstrip(" \t")
    column = _place(lines[where], shown)
    if column is None:
        return None
    return where, column + start - line_start - (len(text) - len(shown))


def _place(line: str, shown: str) -> int | None:
    """Return where a line of a paragraph's or heading's text stands in the note's line, or None if unsure."""
    at = line.rfind(shown)
    if at < 0 or not _BEFORE.fullmatch(line[:at]) or not _AFTER.fullmatch(line[at + len(shown):]):
        return None
    return at
