"""Saved searches (`extra.sitegen.feeds`): the papers each one finds, and what the search page knows of them.

A saved search finds what the search page finds for the same words and filters: the papers holding every word
(as an index term, in any field) that pass the topic, year and code filters.
"""

from __future__ import annotations

from sitegen.errors import ConfigError, Report
from sitegen.model import Tag
from sitegen.options import SavedSearch
from sitegen.search.documents import SearchDoc
from sitegen.search.lunr_index import doc_terms, terms_of
from sitegen.search.text import index_text


def found(searches: tuple[SavedSearch, ...], docs: list[SearchDoc], topics: tuple[Tag, ...]) -> dict[str, list[str]]:
    """Return, per saved search's slug, the slugs of the papers it finds, in the search's order (newest first).
    Each paper's terms are read once, for all the searches."""
    terms = [doc_terms(d) for d in docs] if any(s.words for s in searches) else []
    number = {tag.slug: n for n, tag in enumerate(topics)}
    out: dict[str, list[str]] = {}
    for search in searches:
        wanted = set(terms_of(search.words))
        if search.words and not wanted:
            out[search.slug] = []  # only stop words: the search page finds nothing either
            continue
        out[search.slug] = [d.slug for n, d in enumerate(docs)
                            if (not wanted or wanted <= terms[n])
                            and (not search.topic or number.get(search.topic) in d.topics)
                            and (search.year is None or d.year == search.year)
                            and (search.code != "1" or d.has_code)
                            and (search.code != "working" or d.working_code)]
    return out


def manifest_entries(searches: tuple[SavedSearch, ...], dated: bool) -> tuple[dict[str, object], ...]:
    """Return what the search page needs to offer a saved search's feeds (none when no paper has a date, as
    then no feed is built): its words as the search page cuts them, its filters as the form's values, and the
    feeds' addresses."""
    entries: list[dict[str, object]] = []
    for search in searches if dated else ():
        atom, json_feed = search.feed_paths()
        entries.append({"title": search.name, "words": index_text(search.words).split(), "topic": search.topic,
                        "year": str(search.year or ""), "code": search.code, "atom": atom, "json": json_feed})
    return tuple(entries)


def check_topics(searches: tuple[SavedSearch, ...], topics: tuple[Tag, ...], config_file: object,
                 report: Report) -> None:
    """Warn of a saved search naming a topic the taxonomy does not have (its feed stays empty)."""
    known = {tag.slug for tag in topics}
    for search in searches:
        if search.topic and search.topic not in known:
            report.warn(ConfigError(f"extra.sitegen.feeds: {search.name!r} names the topic {search.topic!r}, which "
                                    "the taxonomy does not have; its feed stays empty", path=str(config_file),
                                    hint="use a slug from the topics page (topics/<slug>.html)"))
