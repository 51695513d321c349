"""Untrusted titles and abstracts never become markup, links, attributes or includes."""

from __future__ import annotations

from bs4 import BeautifulSoup
from hypothesis import given, settings
from hypothesis import strategies as st
from markdown_it import MarkdownIt

from sitegen.text import escape

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


@settings(max_examples=300)
@given(st.text(max_size=80) | st.sampled_from(HOSTILE))
def test_readable_html_changes_how_html_is_written_never_what_it_means(text):
    """In text and in quoted attributes, references become characters; the parsed page is the same."""
    markup = (f'<p class="x" title="{escape.text(text)}">{escape.text(text)} <b>{escape.inline(text)}</b></p>'
              f"<script>var a = '&#45;&#42;';</script><style>p::after{{content:'&#45;'}}</style><!-- &#45;&#45; -->")
    readable = escape.readable_html(markup)
    before, after = BeautifulSoup(markup, "html.parser"), BeautifulSoup(readable, "html.parser")
    assert [(t.name, t.attrs) for t in after.find_all(True)] == [(t.name, t.attrs) for t in before.find_all(True)]
    assert after.get_text() == before.get_text()
    assert "var a = '&#45;&#42;';" in readable and "content:'&#45;'" in readable and "<!-- &#45;&#45; -->" in readable


def test_readable_html_keeps_only_the_references_html_needs():
    title = "LLM-Pruner: a (fast) [1] *way* <b> & \"q\" 's'"
    shown = escape.readable_html("<p>" + escape.text(title) + "</p>")
    assert shown == "<p>LLM-Pruner: a (fast) [1] *way* &#60;b&#62; &#38; &#34;q&#34; &#39;s&#39;</p>"
