"""A curator's note inside a paper page: its Markdown moved under the page's headings, and checked to be closed.

A note is the curator's own Markdown and HTML, rendered as written. What it must not do is reach past its
own end: an element it opens and never closes (`<textarea>`, `<template>`, `<div>` …) would take in the rest
of the page. unclosed() renders the note and parses it, followed by two sentinel paragraphs, as a browser
does (lexbor, an HTML5 parser, through selectolax); if either sentinel is not where it belongs, the note
leaks.
"""

from __future__ import annotations

import markdown
from markdown_it import MarkdownIt
from selectolax.lexbor import LexborHTMLParser, LexborNode

_MARKDOWN = MarkdownIt("commonmark")
_SENTINEL = "sitegen*note-end*"
_AFTER, _TAIL = "sg-note-after", "sg-note-tail"
_PAGE = ('<!DOCTYPE html><html><head><title>note</title></head><body><div id="sg-note">{note}'
         f'<p id="{_AFTER}">end</p></div><p id="{_TAIL}">end</p></body></html>')


def embeddable(body: str) -> str:
    """Return a note's Markdown ready to sit inside a generated page.

    Its headings move two levels down (`#` becomes `###`, under the page's "Curator's note" heading), and a
    code fence it leaves open is closed, so that it cannot swallow the rest of the page.
    """
    lines: list[str | None] = list(body.rstrip().split("\n"))
    tokens = _MARKDOWN.parse(body.rstrip())
    for token in tokens:
        if token.type != "heading_open" or not token.map:
            continue
        first, end = token.map
        level = int(token.tag[1])
        if token.markup.startswith("#"):
            text = (lines[first] or "").lstrip(" ")[level:]
        else:  # a setext heading: its text lines, then the underline
            text = " " + " ".join((line or "").strip() for line in lines[first:end - 1])
            lines[first + 1:end] = [None] * (end - first - 1)
        lines[first] = "#" * min(level + 2, 6) + text
    kept = [line for line in lines if line is not None]
    last = next((t for t in reversed(tokens) if t.level == 0), None)
    if last is not None and last.type == "fence" and not _closes(kept[-1], last.markup):
        kept.append(last.markup)
    return "\n".join(kept)


def _closes(line: str, markup: str) -> bool:
    stripped = line.strip()
    return len(stripped) >= len(markup) and set(stripped) == {markup[0]}


def unclosed(body: str) -> str | None:
    """Say what in a note would take in the rest of its page ("leaves <textarea> open"), or None if nothing would.

    Two levels are checked: HTML (a browser puts the page after the note inside an element the note left
    open, or the note closes an element of the page) and Markdown (Python-Markdown reads the rest of the page
    into an HTML block the note opens).
    """
    note = embeddable(body)
    tree = LexborHTMLParser(_PAGE.format(note=markdown.markdown(note)), scripting=True)  # as browsers run
    after, tail = tree.css_first(f"#{_AFTER}"), tree.css_first(f"#{_TAIL}")
    if not (_in_place(after, "sg-note") and _in_place(tail, None)):
        if after is not None and tail is not None and after.parent is not None and after.parent.tag == "body":
            return "closes an element it did not open (an end tag such as </div>)"
        return f"leaves <{_holder(tree, after)}> open"
    if "sitegen<em>note-end</em>" not in markdown.markdown(f"{note}\n\n{_SENTINEL}\n"):
        return "leaves an HTML block open"
    return None


def _in_place(node: LexborNode | None, parent_id: str | None) -> bool:
    """Tell whether a sentinel paragraph is whole and a child of the element it was written in."""
    if node is None or node.parent is None or node.html != f'<p id="{node.attributes.get("id")}">end</p>':
        return False
    if parent_id is None:
        return node.parent.tag == "body"
    return node.parent.attributes.get("id") == parent_id


def _holder(tree: LexborHTMLParser, after: LexborNode | None) -> str:
    """Name the element the note left open: the one the sentinel ended up in (or inside of, as text)."""
    if after is not None:
        if after.parent is not None and after.parent.attributes.get("id") != "sg-note":
            return after.parent.tag or "?"
        child = after.child
        while child is not None and child.tag in ("-text", "_text"):
            child = child.next
        return child.tag if child is not None and child.tag else "?"
    deepest = "?"
    body = tree.body
    for node in body.traverse() if body is not None else ():
        if node.tag and not node.tag.startswith(("-", "_")) and node.attributes.get("id") != "sg-note" \
                and _AFTER in (node.html or ""):
            deepest = node.tag
    return deepest
