"""Untrusted titles and abstracts never become markup, links, attributes or includes."""

from __future__ import annotations

from bs4 import BeautifulSoup
from hypothesis import given, settings
from hypothesis import strategies as st

from markdown_it import MarkdownIt

from sitegen.render import escape

_COMMONMARK = MarkdownIt("commonmark")


def is_inert(markdown: str) -> bool:
    """Tell whether markdown parses to plain text only (one paragraph of text tokens), per CommonMark."""
    tokens = _COMMONMARK.parse(markdown)
    if not tokens:
        return True
    if [t.type for t in tokens] != ["paragraph_open", "inline", "paragraph_close"]:
        return False
    return all(child.type in ("text", "softbreak") for child in tokens[1].children or [])

HOSTILE = [
    '<script>alert("t")</script>', "<img src=x onerror=alert(1)>", "*bold* _em_ `code`", "# heading",
    "| a | b |", "[link](javascript:alert(1))", "{: onclick=alert(1)}", '--8<-- "/etc/passwd"',
    "<iframe src=//evil></iframe>", "&amp; &lt;", "$x$", "==mark== ^^ins^^ ~~del~~ :smile:", "1. list",
    "- item", "> quote", "![img](x)", "<https://auto.link>", "https://bare.link", "\\*escaped\\*",
]


def test_escaped_hostile_text_is_text_for_commonmark():
    for text in HOSTILE:
        assert is_inert(escape.text(text)), text


def test_escaped_hostile_text_is_text_for_python_markdown():
    import markdown

    for text in HOSTILE:
        html = markdown.markdown(escape.text(text), extensions=["attr_list", "tables", "toc"])
        soup = BeautifulSoup(html, "html.parser")
        assert [t.name for t in soup.find_all(True)] == ["p"], (text, html)
        assert soup.get_text() == text


@settings(max_examples=300, deadline=None)
@given(st.text())
def test_any_text_renders_literally(text):
    import markdown

    escaped = escape.text(text)
    assert is_inert(escaped) or not escaped.strip()
    soup = BeautifulSoup(markdown.markdown(escaped), "html.parser")
    assert all(t.name == "p" for t in soup.find_all(True))
    shown = " ".join(soup.get_text().split())
    assert shown == " ".join(escape._CONTROLS.sub(" ", text).split())
