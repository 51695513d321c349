"""Untrusted titles and abstracts never become markup, links, attributes or includes."""

from __future__ import annotations

from bs4 import BeautifulSoup
from hypothesis import given, settings
from hypothesis import strategies as st

from sitegen.render import escape

HOSTILE = [
    '<script>alert("t")</script>', "<img src=x onerror=alert(1)>", "*bold* _em_ `code`", "# heading",
    "| a | b |", "[link](javascript:alert(1))", "{: onclick=alert(1)}", '--8<-- "/etc/passwd"',
    "<iframe src=//evil></iframe>", "&amp; &lt;", "$x$", "==mark== ^^ins^^ ~~del~~ :smile:", "1. list",
    "- item", "> quote", "![img](x)", "<https://auto.link>", "https://bare.link", "\\*escaped\\*",
]


def test_escaped_hostile_text_is_text_for_commonmark():
    for text in HOSTILE:
        assert escape.is_inert(escape.text(text)), text


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
    assert escape.is_inert(escaped) or not escaped.strip()
    soup = BeautifulSoup(markdown.markdown(escaped), "html.parser")
    assert all(t.name == "p" for t in soup.find_all(True))
    shown = " ".join(soup.get_text().split())
    assert shown == " ".join(escape._CONTROLS.sub(" ", text).split())
