"""The feeds a page offers to feed readers: the `sitegen_feeds` list in its front matter, which the theme prints as
`<link rel="alternate">` discovery links (theme/partials/sitegen-feeds.html). One rule for the pages render makes
(home, topics) and the search page (the saved searches' feeds)."""

from __future__ import annotations

from sitegen.text import escape

ATOM_TYPE = "application/atom+xml"
JSON_TYPE = "application/feed+json"


def offered(title: str, atom: str | None, json_feed: str | None) -> list[dict[str, str]]:
    """Return the discovery links of a page's Atom and JSON feeds (their paths in the site; those it has), as the
    front matter holds them: each title escaped for an attribute."""
    kinds = ((atom, "Atom", ATOM_TYPE), (json_feed, "JSON Feed", JSON_TYPE))
    return [{"href": path, "title": escape.attr(" ".join(f"{title} ({label})".split())), "type": kind}
            for path, label, kind in kinds if path]
