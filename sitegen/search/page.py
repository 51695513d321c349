"""The search page (`search.md`, built as `search.html` at the site root): a form that works without the index.

The form is plain HTML: without JavaScript it still submits `?q=…`, and search.js reads the same parameters
(q, topic, year, code), so every search is a link. Filter options are fixed at build time. The results are a
list of links (search.js): the arrow keys move between them and the box, with nothing interactive inside
another; the form is named, apart from the header's search box.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import yaml

from sitegen import feedlinks
from sitegen.model import Tag
from sitegen.text import escape

PAGE = "search.md"
FRONT_MATTER = {"title": "Search", "sitegen_search": True, "hide": ["toc"]}
"""`sitegen_search` makes the theme load search.js on this page only."""


def search_page(topics: tuple[Tag, ...], years: list[int], saved: Sequence[Mapping[str, object]] = ()) -> str:
    """Return the search page's Markdown: one raw HTML block (no blank lines, so Markdown leaves it alone);
    saved: the saved searches with feeds (search/saved.py manifest_entries()), offered to feed readers."""
    topic_options = "".join(f'<option value="{escape.attr(tag.slug)}">{escape.text(tag.name)}</option>'
                            for tag in topics)
    year_options = "".join(f'<option value="{year}">{year}</option>' for year in years)
    lines = [
        '<div class="sg-search" id="sg-search">',
        '<form class="sg-search__form" id="sg-search-form" role="search" aria-label="Search papers" '
        'action="search.html" method="get">',
        '<input class="sg-search__query" id="sg-q" type="search" name="q" autocomplete="off" spellcheck="false" '
        'placeholder="Search titles, topics and abstracts" aria-label="Search words" '
        'aria-describedby="sg-status" autofocus>',
        '<div class="sg-search__filters">',
        f'<label>Topic <select name="topic" id="sg-topic"><option value="">Any topic</option>{topic_options}'
        '</select></label>',
        f'<label>Year <select name="year" id="sg-year"><option value="">Any year</option>{year_options}'
        '</select></label>',
        '<label>Code <select name="code" id="sg-code"><option value="">Any</option>'
        '<option value="1">Has code</option><option value="working">Working code</option></select></label>',
        '<button class="md-button" type="submit">Search</button>',
        '</div>',
        '</form>',
        '<p class="sg-search__status" id="sg-status" role="status" aria-live="polite">'
        'Type to search; results show as you type.</p>',
        '<ol class="sg-search__results" id="sg-results" aria-label="Results"></ol>',
        '<noscript><p>Searching needs JavaScript; browse by <a href="topics/index.html">topic</a> or '
        '<a href="dates/index.html">date</a> instead.</p></noscript>',
        '</div>',
    ]
    front = yaml.safe_dump({**FRONT_MATTER, **_feed_links(saved)}, sort_keys=True, allow_unicode=True)
    return f"---\n{front}---\n\n" + "\n".join(lines) + "\n"


def _feed_links(saved: Sequence[Mapping[str, object]]) -> dict[str, list[dict[str, str]]]:
    """The saved searches' feeds as the theme's discovery links (partials/sitegen-feeds.html)."""
    links = [link for entry in saved
             for link in feedlinks.offered(str(entry["title"]), str(entry["atom"]), str(entry["json"]))]
    return {"sitegen_feeds": links} if links else {}
