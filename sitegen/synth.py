"""Synthesise archives of any size in the pasted listing format, for benchmarks and scale tests.

Titles and abstracts are drawn from a real archive's vocabulary with its word frequencies, plus a long
tail of made-up words whose number grows with the archive (as a real index's vocabulary does, roughly
following Heaps' law). The output is a function of the source archive, N and the seed.
"""

from __future__ import annotations

import datetime
import itertools
import random
import re
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from sitegen import fs
from sitegen.archive import Archive
from sitegen.errors import Report, SitegenError
from sitegen.ingest.listing import read_listing
from sitegen.model import MONTHS

PAPERS_PER_LISTING = 80
DUPLICATE_SHARE = 0.07
_WORD = re.compile(r"[A-Za-z][A-Za-z0-9-]*|\d+(?:\.\d+)?%?")
_ISO_DAY = re.compile(r"\d{4}-\d{2}-\d{2}_")
_SYLLABLES = ["ka", "lo", "mi", "ne", "ru", "ta", "vi", "zo", "be", "da", "fi", "gu", "ha", "je", "xo", "qui"]
_HEADER = ["new", "Get trending papers in your email inbox!", "Subscribe", "Daily Papers",
           "byAK and the research community"]


@dataclass(frozen=True, slots=True)
class Vocabulary:
    """Words of a real archive with their frequencies, and title shapes."""

    words: tuple[str, ...]
    cum_weights: tuple[int, ...]
    title_words: tuple[str, ...]
    title_cum_weights: tuple[int, ...]


def vocabulary(source: Path) -> Vocabulary:
    """Count the words of a real archive's titles and abstracts."""
    archive, report = Archive(source), Report()
    body: Counter[str] = Counter()
    titles: Counter[str] = Counter()
    for path in archive.entries(archive.listings_dir, (".txt",), report, "a listing"):
        try:
            listing = read_listing(path, None, report, archive.read_bytes(path))
        except SitegenError:
            continue
        for entry in listing.entries:
            body.update(w.lower() if not w.isupper() else w for w in _WORD.findall(entry.abstract))
            titles.update(_WORD.findall(entry.title))
    if not body:
        raise SitegenError("has no readable listings to take a vocabulary from", path=archive.listings_dir,
                           hint="pass --source with an archive that has listings")
    words, weights = zip(*sorted(body.items()), strict=True)
    twords, tweights = zip(*sorted(titles.items()), strict=True)
    return Vocabulary(words, tuple(itertools.accumulate(weights)), twords, tuple(itertools.accumulate(tweights)))


def _made_up(index: int) -> str:
    """Return the index-th made-up word (deterministic, pronounceable)."""
    parts = []
    index += len(_SYLLABLES)
    while index:
        index, digit = divmod(index, len(_SYLLABLES))
        parts.append(_SYLLABLES[digit])
    return "".join(parts)


class _Writer:
    def __init__(self, vocab: Vocabulary, rng: random.Random, papers: int) -> None:
        self.vocab, self.rng = vocab, rng
        # The long tail: how many made-up words exist grows sub-linearly with the archive.
        self.tail = max(50, int(40 * papers ** 0.75))

    def _word(self, title: bool = False) -> str:
        rng = self.rng
        if rng.random() < 0.04:
            return _made_up(int(rng.paretovariate(0.9)) % self.tail)
        if title:
            return rng.choices(self.vocab.title_words, cum_weights=self.vocab.title_cum_weights)[0]
        return rng.choices(self.vocab.words, cum_weights=self.vocab.cum_weights)[0]

    def title(self, n: int) -> str:
        rng = self.rng
        name = _made_up(n + 7).capitalize() + rng.choice(["", "-LM", "Net", "-2", "Bench", "GPT"])
        words = [self._word(title=True) for _ in range(rng.randint(5, 12))]
        return f"{name}: {' '.join(words)}"

    def abstract(self) -> str:
        rng = self.rng
        sentences = []
        for _ in range(rng.randint(5, 11)):
            words = [self._word() for _ in range(rng.randint(12, 30))]
            sentences.append(" ".join(words).capitalize() + ".")
        if rng.random() < 0.3:
            sentences.append(f"Code is available at https://github.com/{_made_up(rng.randrange(5000))}/"
                             f"{_made_up(rng.randrange(5000))}.")
        if rng.random() < 0.05:
            sentences.append(r"We obtain a 12.5\% gain with $O(n^2)$ cost.")
        return " ".join(sentences)

    def metadata(self, year: int) -> tuple[int, datetime.date, int | None] | None:
        rng = self.rng
        if rng.random() < 0.3:
            return None
        when = datetime.date(year, 1, 1) + datetime.timedelta(days=rng.randrange(330))
        return rng.randint(1, 30), when, rng.randint(1, 300) if rng.random() < 0.3 else None


def _block(title: str, abstract: str, meta: tuple[int, datetime.date, int | None] | None,
           captured: datetime.date) -> str:
    """Write one paper block as a paste shows it; a date in the capture year shows no year."""
    parts = [title, abstract] if abstract else [title]
    if meta:
        authors, when, upvotes = meta
        date = f"{MONTHS[when.month - 1]} {when.day}"
        if when.year != captured.year:
            date += f", {when.year}"
        if upvotes:
            date += f" {upvotes}"
        parts.append(f"  \u2022 {authors} author{'s' if authors != 1 else ''}\n\u00b7\n{date}")
    return "\n\n".join(parts)


def synthesise(source: Path, papers: int, out: Path, seed: int = 0) -> int:
    """Write an archive of `papers` unique papers into out/listings; return the number of listing files."""
    if papers < 1:
        raise SitegenError(f"--papers must be at least 1, not {papers}")
    if (out / "listings").exists() and any((out / "listings").iterdir()):
        raise SitegenError("already has listings", path=out / "listings",
                           hint="choose an empty --out folder; synth never overwrites an archive")
    rng = random.Random(seed)
    writer = _Writer(vocabulary(source), rng, papers)
    blocks = []
    for n in range(papers):
        year = 2019 + n * 7 // papers
        title = writer.title(n)
        abstract = writer.abstract() if rng.random() > 0.01 else ""
        blocks.append((year, (title, abstract, writer.metadata(year))))
    listings = [blocks[i:i + PAPERS_PER_LISTING] for i in range(0, papers, PAPERS_PER_LISTING)]
    for index, fresh in enumerate(listings):
        listing = fresh
        # Some papers show up again in a later listing, as trending papers do.
        if index:
            again = rng.sample(blocks[:index * PAPERS_PER_LISTING],
                               k=min(index * PAPERS_PER_LISTING, int(len(fresh) * DUPLICATE_SHARE)))
            listing = fresh + again
        year = max(year for year, _ in listing)
        captured = datetime.date(year, 12, 1) + datetime.timedelta(days=index % 28)
        lines = [*_HEADER, f"{MONTHS[captured.month - 1]} {captured.day}"]
        lines.extend(_block(*block, captured) for _, block in listing)
        name = f"{captured.isoformat()}_synth_{index:05d}.txt"
        fs.write_text(out / "listings" / name, "\n\n".join(lines) + "\n")
    return len(listings)


def new_day(source: Path, out: Path, papers: int = 20, seed: int = 1, after: Path | None = None) -> Path:
    """Add to the archive in out one listing of `papers` new papers, captured the day after its newest listing
    (or after the newest of the archive `after`) as the next day's paste; return the file. Its papers are unlike
    any synthesise() wrote (their names are numbered past a million)."""
    names = sorted(p.name for p in ((after or out) / "listings").glob("*.txt"))
    newest = max((datetime.date.fromisoformat(name[:10]) for name in names if _ISO_DAY.match(name)),
                 default=datetime.date(2025, 12, 1))
    captured = newest + datetime.timedelta(days=1)
    rng = random.Random(seed)
    writer = _Writer(vocabulary(source), rng, papers)
    lines = [*_HEADER, f"{MONTHS[captured.month - 1]} {captured.day}"]
    lines.extend(_block(writer.title(1_000_000 + seed * 1000 + n), writer.abstract(), writer.metadata(captured.year),
                        captured) for n in range(papers))
    path = out / "listings" / f"{captured.isoformat()}_synth_day.txt"
    fs.write_text(path, "\n\n".join(lines) + "\n")
    return path
