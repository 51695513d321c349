"""The typed records passed between the pipeline's stages.

ingest -> (Listing, Entry) -> merge -> Paper -> annotate -> Annotated -> render.
"""

from __future__ import annotations

import datetime
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

    @classmethod
    def checked(cls, year: int | None, month: int, day: int) -> PartialDate | None:
        """Return the date if it is a calendar day (any leap day when the year is unknown) of FIRST_YEAR-LAST_YEAR."""
        if year is not None and not FIRST_YEAR <= year <= LAST_YEAR:
            return None
        try:
            datetime.date(year or 2000, month, day)  # 2000 is a leap year: Feb 29 passes when the year is unknown
        except ValueError:
            return None
        return cls(year, month, day)

    def sort_key(self) -> tuple[int, int, int]:
        """Order dates; an unknown year sorts before every known one."""
        return (self.year or 0, self.month, self.day)

    def display(self) -> str:
        """Show the date as a listing does, saying so when the year is unknown."""
        text = f"{MONTHS[self.month - 1]} {self.day}"
        return f"{text}, {self.year}" if self.year else f"{text} (year unknown)"


@dataclass(frozen=True, slots=True)
class Entry:
    """One paper block as it appears in one listing."""

    title: str
    """The title line, whitespace-normalised."""
    abstract: str
    """The abstract line; empty when the listing has none."""
    author_count: int | None
    """Number of authors the metadata block states, if any."""
    published: PartialDate | None
    """Publication date from the metadata block, year resolved from the capture date."""
    upvote_count: int | None
    """Upvotes the metadata block shows, if any."""
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
    upvote_count: int | None
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
    author_count: int | None
    """Number of authors, if any listing states it."""
    published: PartialDate | None
    """Publication date, if any listing gives it."""
    upvote_count: int | None
    """The newest upvote count any listing shows."""
    seen_in: tuple[Sighting, ...]
    """Every listing this paper appears in, oldest capture first."""

    @property
    def newest_capture(self) -> PartialDate | None:
        """Return the latest capture date among its sightings."""
        dates = [s.captured for s in self.seen_in if s.captured]
        return max(dates, key=PartialDate.sort_key) if dates else None

    @property
    def first_capture(self) -> PartialDate | None:
        """Return the earliest capture date with a known year: when the archive first saw the paper."""
        dates = [s.captured for s in self.seen_in if s.captured and s.captured.year]
        return min(dates, key=PartialDate.sort_key) if dates else None


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


class TagSource(enum.Enum):
    """Who put a topic on a paper."""

    TAXONOMY = "taxonomy"
    """A phrase of the taxonomy matched the title or abstract."""
    CURATOR = "curator"
    """The curator's note added it (`tags: [x]`)."""


@dataclass(frozen=True, slots=True)
class TagMatch:
    """A topic on a paper, who put it there and, for the taxonomy, the phrase that matched."""

    tag: Tag
    source: TagSource
    phrase: str = ""
    """The taxonomy phrase that matched; empty when the curator added the topic."""


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
    display_title: str
    """The title as pages show it: LaTeX residue cleaned (still untrusted text; `$…$` kept for math)."""
    display_abstract: str
    """The abstract as pages show it: LaTeX residue cleaned (still untrusted text; `$…$` kept for math)."""
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

    @property
    def has_code(self) -> bool:
        """Whether the paper links to code (a repository on a code host)."""
        return any(link.kind is LinkKind.CODE for link in self.links)

    def newest_first_key(self) -> tuple[int, int, int, int, int, int, str]:
        """Sort key putting the newest paper first: publication, then capture, then slug."""
        pub = self.paper.published.sort_key() if self.paper.published else (0, 0, 0)
        cap = self.paper.newest_capture
        cy, cm, cd = cap.sort_key() if cap else (0, 0, 0)
        return (-pub[0], -pub[1], -pub[2], -cy, -cm, -cd, self.paper.slug)
