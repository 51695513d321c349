"""The typed records passed between the pipeline's stages.

ingest -> (Listing, Entry) -> merge -> Paper -> annotate -> Annotated -> render.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field

MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
FIRST_YEAR = 1900
LAST_YEAR = 2099
"""Years a stated date may have: a date outside them is a typo (2205 for 2025) and is reported, not used."""
RESERVED_TOPICS = frozenset({"index", "untagged"})
"""Topic page names the site uses itself (topics/index.html, topics/untagged.html)."""
MONTH_NAMES = (
    "January", "February", "March", "April", "May", "June",
    "July", "August", "September", "October", "November", "December",
)


@dataclass(frozen=True, slots=True, order=True)
class PartialDate:
    """A calendar date whose year may be unknown (listings often omit it)."""

    year: int | None
    """Four-digit year, or None when nothing states it."""
    month: int
    """1-12."""
    day: int
    """1-31."""

    def sort_key(self) -> tuple[int, int, int]:
        """Order dates; an unknown year sorts before every known one."""
        return (self.year or 0, self.month, self.day)

    def display(self) -> str:
        """Show the date as a listing does, saying so when the year is unknown."""
        text = f"{MONTHS[self.month - 1]} {self.day}"
        return f"{text}, {self.year}" if self.year else f"{text} (year unknown)"

    def iso(self) -> str | None:
        """Return YYYY-MM-DD, or None when the year is unknown."""
        return f"{self.year:04d}-{self.month:02d}-{self.day:02d}" if self.year else None


@dataclass(frozen=True, slots=True)
class Entry:
    """One paper block as it appears in one listing."""

    title: str
    """The title line, whitespace-normalised."""
    abstract: str
    """The abstract line; empty when the listing has none."""
    authors: int | None
    """Author count from the metadata block, if any."""
    published: PartialDate | None
    """Publication date from the metadata block, year resolved from the capture date."""
    upvotes: int | None
    """Upvote count from the metadata block, if shown."""
    line: int
    """1-based line of the title in the listing file."""


@dataclass(frozen=True, slots=True)
class Listing:
    """One pasted listing file, parsed."""

    name: str
    """File name inside the archive's listings folder."""
    captured: PartialDate | None
    """When the page was captured: header day, year from the manifest or file name."""
    entries: tuple[Entry, ...]
    """Paper blocks in file order."""


@dataclass(frozen=True, slots=True)
class Sighting:
    """Where and when a paper was seen."""

    listing: str
    """Listing file name."""
    captured: PartialDate | None
    """That listing's capture date."""
    upvotes: int | None
    """Upvotes shown in that listing."""
    line: int
    """Line of the title in that listing."""


@dataclass(frozen=True, slots=True)
class Paper:
    """One unique paper, merged from every listing that shows it."""

    slug: str
    """Stable id and page name, derived from the title alone."""
    title: str
    """Title as a listing shows it (raw, untrusted)."""
    abstract: str
    """Abstract as a listing shows it (raw, untrusted); may be empty."""
    authors: int | None
    """Author count, if any listing gives it."""
    published: PartialDate | None
    """Publication date, if any listing gives it."""
    upvotes: int | None
    """The newest upvote count any listing shows."""
    seen_in: tuple[Sighting, ...]
    """Every listing this paper appears in, oldest capture first."""

    @property
    def newest_capture(self) -> PartialDate | None:
        """Return the latest capture date among its sightings."""
        dates = [s.captured for s in self.seen_in if s.captured]
        return max(dates, key=PartialDate.sort_key) if dates else None


class LinkKind(enum.Enum):
    """What an extracted link points at, in display order."""

    CODE = "code"
    PROJECT = "project"
    HF_MODEL = "model"
    HF_DATASET = "dataset"
    HF_SPACE = "space"
    OTHER = "other"

    @property
    def label(self) -> str:
        """Return the heading used on paper pages."""
        return _LINK_LABELS[self]


_LINK_LABELS = {
    LinkKind.CODE: "Code",
    LinkKind.PROJECT: "Project page",
    LinkKind.HF_MODEL: "Hugging Face model",
    LinkKind.HF_DATASET: "Hugging Face dataset",
    LinkKind.HF_SPACE: "Hugging Face space",
    LinkKind.OTHER: "Other",
}


@dataclass(frozen=True, slots=True)
class Link:
    """A cleaned http(s) link found in an abstract."""

    url: str
    kind: LinkKind


@dataclass(frozen=True, slots=True, order=True)
class Tag:
    """A topic: a URL-safe slug and a display name."""

    slug: str
    name: str = field(compare=False)


@dataclass(frozen=True, slots=True)
class TagMatch:
    """A topic on a paper and the phrase that put it there."""

    tag: Tag
    phrase: str
    """The taxonomy phrase that matched, or 'note' when a curator added it."""


@dataclass(frozen=True, slots=True)
class Note:
    """A curator's note on one paper: the file notes/<slug>.md, its front matter read and checked."""

    slug: str
    """The paper's page name: the file name without `.md`."""
    path: str
    """The note file, for messages."""
    body: str
    """The curator's Markdown after the front matter (trusted: rendered as written)."""
    tags: tuple[Tag, ...] = ()
    """Topics the curator adds (`tags: [x]`); a new topic is created for one the taxonomy lacks."""
    removed: tuple[str, ...] = ()
    """Slugs of automatic topics the curator removes (`tags: [-x]`)."""
    rating: int | None = None
    """1-5, when given."""
    status: str | None = None
    """Reading status as written, e.g. read, to-read, key-paper."""


@dataclass(frozen=True, slots=True)
class Annotated:
    """A paper with everything the annotate stage derived for it."""

    paper: Paper
    abstract: str
    """Abstract with LaTeX residue cleaned (still untrusted text; `$…$` kept for math)."""
    title: str
    """Title with LaTeX residue cleaned."""
    tags: tuple[TagMatch, ...]
    links: tuple[Link, ...]
    arxiv_id: str | None = None
    """An arXiv id the abstract states, if any."""
    note: Note | None = None
    """The curator's note on this paper, if there is one."""
    related: tuple[str, ...] = ()
    """Slugs of the most similar papers, most similar first."""

    @property
    def slug(self) -> str:
        return self.paper.slug

    def newest_first_key(self) -> tuple[int, int, int, int, int, int, str]:
        """Sort key putting the newest paper first: publication, then capture, then slug."""
        pub = self.paper.published.sort_key() if self.paper.published else (0, 0, 0)
        cap = self.paper.newest_capture
        cy, cm, cd = cap.sort_key() if cap else (0, 0, 0)
        return (-pub[0], -pub[1], -pub[2], -cy, -cm, -cd, self.paper.slug)
