"""Topic tags from an editable taxonomy: topic -> phrases, matched on whole words of title and abstract.

    topics:
      pruning:                      # the topic's slug: its page is topics/pruning.html
        name: Pruning               # display name (default: the slug, capitalised)
        match: [pruning, prune*, sparsity, "structured sparsity"]

A phrase matches whole words, case-insensitively, with hyphens and spaces alike ("long context" matches
"long-context"); a trailing `*` matches any word starting so (`prun*`: prune, pruning, pruned).
Matching looks words up in dictionaries, so its cost grows with the text, not with the taxonomy.
"""

from __future__ import annotations

import bisect
import re
from collections import defaultdict
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

from sitegen.archive import Archive
from sitegen.errors import ConfigError, Report, SitegenError, shown
from sitegen.model import RESERVED_TOPICS, Tag, TagMatch, TagSource
from sitegen.text.slugs import page_name
from sitegen.yamlfile import Keys, line_of, load_yaml, unknown_keys

_WORD = re.compile(r"[a-z0-9]+")
_SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
TOPIC_KEYS = {"name": "the topic's display name (default: the key, capitalised)",
              "match": "phrases that put the topic on a paper; a trailing * matches any word so starting"}


@dataclass(frozen=True, slots=True)
class _Phrase:
    words: tuple[str, ...]
    prefix: bool
    """Whether the last word matches as a prefix."""
    text: str
    order: int


class Taxonomy:
    """A compiled taxonomy: tags in file order and a word index of their phrases."""

    def __init__(self, topics: list[tuple[Tag, list[str]]]) -> None:
        self.tags = tuple(tag for tag, _ in topics)
        self.source = tuple((tag, tuple(phrases)) for tag, phrases in topics)
        """What it was compiled from: equal sources tag alike (the memo of annotations is keyed by it)."""
        self._exact: dict[str, list[tuple[_Phrase, Tag]]] = defaultdict(list)
        self._prefix: dict[str, list[tuple[_Phrase, Tag]]] = defaultdict(list)
        order = 0
        for tag, phrases in topics:
            for text in phrases:
                words = tuple(_WORD.findall(text.casefold()))
                if not words:
                    continue
                phrase = _Phrase(words, text.rstrip().endswith("*"), text, order)
                order += 1
                index = self._prefix if phrase.prefix and len(words) == 1 else self._exact
                index[words[0]].append((phrase, tag))
        self._order = {tag: n for n, tag in enumerate(self.tags)}
        self._prefix_firsts = {first for first, phrases in self._exact.items() if any(p.prefix for p, _ in phrases)}

    def tag(self, text: str) -> tuple[TagMatch, ...]:
        """Return the topics whose phrases occur in text, in taxonomy order, each with its first phrase."""
        words = _WORD.findall(text.casefold())
        unique = set(words)
        found: dict[Tag, _Phrase] = {}

        def offer(phrase: _Phrase, tag: Tag) -> None:
            if tag not in found or phrase.order < found[tag].order:
                found[tag] = phrase

        # Set operations find the candidates in C: the phrases' first words among the text's words, its word
        # sequences (n-grams) for phrases of several words, its sorted words for prefixes.
        grams: dict[int, set[tuple[str, ...]]] = {}
        firsts = unique.intersection(self._exact)
        starts: dict[str, list[int]] = {word: [] for word in firsts.intersection(self._prefix_firsts)}
        if starts:
            for i, word in enumerate(words):
                if word in starts:
                    starts[word].append(i)
        for first in firsts:
            for phrase, tag in self._exact[first]:
                n = len(phrase.words)
                if n == 1 and not phrase.prefix:
                    offer(phrase, tag)
                elif not phrase.prefix:
                    if n not in grams:
                        grams[n] = set(zip(*(words[k:] for k in range(n)), strict=False))  # the text's n-grams
                    if phrase.words in grams[n]:
                        offer(phrase, tag)
                elif any(self._matches(phrase, words, i) for i in starts[first]):
                    offer(phrase, tag)
        ordered = sorted(unique)
        for stem, phrases in self._prefix.items():
            at = bisect.bisect_left(ordered, stem)
            if at < len(ordered) and ordered[at].startswith(stem):
                for phrase, tag in phrases:
                    offer(phrase, tag)
        ordered_tags = sorted(found, key=self._order.__getitem__)
        return tuple(TagMatch(tag, TagSource.TAXONOMY, found[tag].text) for tag in ordered_tags)

    @staticmethod
    def _matches(phrase: _Phrase, words: list[str], start: int) -> bool:
        n = len(phrase.words)
        window = words[start:start + n]
        if len(window) < n:
            return False
        return window[:-1] == list(phrase.words[:-1]) and window[-1].startswith(phrase.words[-1])


def default_path() -> Path:
    """Return the built-in taxonomy file."""
    return Path(str(resources.files("sitegen") / "data" / "taxonomy.yml"))


def load_taxonomy(archive: Archive | None, report: Report) -> Taxonomy:
    """Load the archive's taxonomy, or the built-in one when the archive has none or it is unusable."""
    if archive is not None and archive.has(archive.taxonomy):
        try:
            return parse_taxonomy(archive.taxonomy, archive.read_text(archive.taxonomy), report)
        except SitegenError as exc:
            report.warn(f"{exc} -- using the built-in taxonomy instead")
    path = default_path()
    return parse_taxonomy(path, path.read_text(encoding="utf-8"), report)


def parse_taxonomy(path: Path, text: str, report: Report) -> Taxonomy:
    """Compile a taxonomy file's text; report bad topics by line and leave them out."""
    data = load_yaml(path, text)
    topics = data.get("topics") if isinstance(data, dict) else None
    if not isinstance(topics, dict) or not topics:
        raise ConfigError("expected a 'topics' mapping of topic slug -> {name, match}", path=path,
                          hint="see the built-in taxonomy for an example")
    parsed: list[tuple[Tag, list[str]]] = []
    for slug, spec in topics.items():
        line = line_of(text, str(slug)[:1000])
        if not isinstance(slug, str) or not _SLUG.match(slug):
            report.warn(ConfigError(f"topic {shown(slug)}: a topic key must be lowercase words joined by '-'",
                                    path=path, line=line))
            continue
        if slug in RESERVED_TOPICS:
            report.warn(ConfigError(f"topic {shown(slug)}: the site uses the page topics/{slug}.html itself; "
                                    "the topic is left out", path=path, line=line, hint="rename the topic"))
            continue
        fields = spec if isinstance(spec, dict) else {"match": spec}
        unknown_keys(fields, TOPIC_KEYS, report, Keys(path, line=line, where=f"topic {shown(slug)}: ",
                                                      hint="a topic has 'name' and 'match'"))
        phrases = fields.get("match") or []
        if isinstance(phrases, str):
            phrases = [phrases]
        if not isinstance(phrases, list) or not all(isinstance(p, str) for p in phrases):
            report.warn(ConfigError(f"topic {shown(slug)}: 'match' must be a list of phrases", path=path,
                                    line=line))
            continue
        name = fields.get("name") or slug.replace("-", " ").capitalize()
        # A long key would name a file longer than file systems allow: its page name is shortened.
        parsed.append((Tag(page_name(slug), str(name)), phrases))
    return Taxonomy(parsed)
