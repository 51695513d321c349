"""The typed records passed between the pipeline's stages.

ingest -> (Listing, Entry) -> merge -> Paper -> annotate -> Annotated -> render.
"""

from __future__ import annotations

import datetime
import enum
import operator
from collections.abc import Callable
from dataclasses import dataclass, field, fields
from typing import Any, TypeVar

R = TypeVar("R")

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


def pickled_by_fields(cls: type[R]) -> type[R]:
    """Make a frozen dataclass pickle as its class and its fields' values, rebuilt by its own __init__.

    A frozen dataclass with slots pickles through dataclasses' __getstate__ and __setstate__, which look its
    fields up again for every record: the memos hold ten thousands of papers, and loading them (and keying
    each, sitegen/memo.py) took twice as long that way. The values are those of fields() in order, so every
    field must be an __init__ argument."""
    if any(not f.init or f.kw_only for f in fields(cls)):  # type: ignore[arg-type]
        raise TypeError(f"{cls.__name__}: every field must be a positional __init__ argument to be pickled by fields")
    names = tuple(f.name for f in fields(cls))  # type: ignore[arg-type]
    values: Callable[[Any], Any] = operator.attrgetter(*names)
    if len(names) == 1:
        one = values
        values = lambda record: (one(record),)  # noqa: E731 - attrgetter of one name gives the value alone

    def reduce(record: Any) -> tuple[type[R], tuple[Any, ...]]:
        return cls, values(record)

    cls.__reduce__ = reduce  # type: ignore[assignment,method-assign]
    return cls


@pickled_by_fields
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


class SourceKind(enum.Enum):
    """Where a statement about a paper comes from."""

    PASTE = "paste"
    """A listing page pasted into a text file."""
    HF = "hf"
    """Hugging Face's API: a day's daily papers, or one paper (`/api/papers/{id}`)."""
    ARXIV = "arxiv"
    """The arXiv API."""


@pickled_by_fields
@dataclass(frozen=True, slots=True)
class Facts:
    """What a structured source states of a paper beyond a paste's title, abstract and counts; all optional.

    Every value is untrusted text as the source gave it (URLs included: annotate/ decides what may be a link).
    """

    arxiv_id: str | None = None
    """The arXiv id without its version, e.g. 2305.11627 or hep-th/9901001."""
    authors: tuple[str, ...] = ()
    """Author names in the paper's order."""
    repository: str | None = None
    """The code repository Hugging Face links (`githubRepo`)."""
    repository_stars: int | None = None
    """Its stars when Hugging Face looked (`githubStars`)."""
    project_page: str | None = None
    """The project page Hugging Face links (`projectPage`)."""
    ai_summary: str = ""
    """Hugging Face's machine-written summary (`ai_summary`)."""
    ai_keywords: tuple[str, ...] = ()
    """Hugging Face's machine-chosen keywords (`ai_keywords`)."""
    organization: str | None = None
    """The organization the paper is filed under on Hugging Face."""
    categories: tuple[str, ...] = ()
    """arXiv categories, primary first."""
    comment: str | None = None
    """arXiv's comment field (pages, venue, code)."""
    journal_ref: str | None = None
    """arXiv's journal reference."""
    doi: str | None = None
    """The DOI arXiv states."""
    version: str | None = None
    """The arXiv version the metadata describes, e.g. v3."""
    updated: PartialDate | None = None
    """The date of that version (arXiv's `updated`): when the paper last changed."""
    affiliations: tuple[str, ...] = ()
    """The authors' affiliations arXiv states (`arxiv:affiliation`), each once, in the authors' order."""
    comments: int | None = None
    """Comments on the paper's Hugging Face page (`numComments`)."""
    thumbnail: str | None = None
    """The image Hugging Face shows for the paper (`thumbnail`; an untrusted URL)."""
    withdrawn: Withdrawal | None = None
    """Set when a source says the paper was withdrawn."""
    hub_repos: HubRepos | None = None
    """The Hugging Face models, datasets and spaces that cite the paper (`/api/arxiv/{id}/repos`)."""


@pickled_by_fields
@dataclass(frozen=True, slots=True)
class Withdrawal:
    """A source's word that a paper was withdrawn."""

    source: SourceKind
    """Who says so: Hugging Face (`withdrawnAt`) or arXiv (a withdrawal notice in its comment)."""
    date: PartialDate | None = None
    """When, where the source states it."""


@pickled_by_fields
@dataclass(frozen=True, slots=True)
class HubRepos:
    """The Hugging Face repositories that cite a paper: how many of each kind, and the first few ids."""

    models: tuple[str, ...] = ()
    """Model ids (`owner/name`), as the Hub lists them, at most HUB_REPOS_KEPT."""
    datasets: tuple[str, ...] = ()
    spaces: tuple[str, ...] = ()
    model_count: int = 0
    """How many models the Hub lists (may exceed the ids kept)."""
    dataset_count: int = 0
    space_count: int = 0


HUB_REPOS_KEPT = 20
"""Repository ids of each kind kept per paper."""


NO_FACTS = Facts()


@pickled_by_fields
@dataclass(frozen=True, slots=True)
class Entry:
    """One paper as one source states it: a block of a pasted listing, a row of the API, an arXiv entry."""

    title: str
    """The title, whitespace-normalised."""
    abstract: str
    """The abstract; empty when the source has none."""
    author_count: int | None
    """Number of authors the source states, if any."""
    published: PartialDate | None
    """Publication date, year resolved from the capture date for pastes."""
    upvote_count: int | None
    """Upvotes the source shows, if any."""
    line: int
    """Where in the file: the 1-based line of the title (pastes), the 1-based position (API and arXiv)."""
    facts: Facts = NO_FACTS
    """What a structured source adds."""


@pickled_by_fields
@dataclass(frozen=True, slots=True)
class Listing:
    """One file of the archive's listings folder, read."""

    name: str
    """File name inside the archive's listings folder."""
    captured: PartialDate | None
    """When the listing was captured: header day, year from the manifest or file name."""
    entries: tuple[Entry, ...]
    """Paper blocks in file order."""
    source: SourceKind = SourceKind.PASTE
    """What kind of listing it is."""


@pickled_by_fields
@dataclass(frozen=True, slots=True)
class MetadataRecord:
    """One paper as an API response saved under the archive's metadata/ folder states it (not a sighting)."""

    source: SourceKind
    file: str
    """The file, for messages."""
    entry: Entry


@pickled_by_fields
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
    """Line of the title in that listing (a paste), or the paper's position in it (the API)."""
    source: SourceKind = SourceKind.PASTE
    """What kind of listing it is."""


@pickled_by_fields
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
    facts: Facts = NO_FACTS
    """What the structured sources state, each field from the source ingest/precedence.py names."""

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


class LinkStatus(enum.Enum):
    """What a check found."""

    LIVE = "live"
    MOVED = "moved"
    """It answered, at another address (a redirect, or a renamed repository)."""
    DEAD = "dead"
    """It answered with an error: HTTP 404, 410, 5xx …, or the repository is gone."""
    UNREACHABLE = "unreachable"
    """It did not answer in time, refused the connection, or refused to be checked (HTTP 401, 403, 429)."""
    NOT_CHECKED = "not-checked"
    """It was not requested: its host is, or resolves to, a private address (the reason says which)."""


@pickled_by_fields
@dataclass(frozen=True, slots=True)
class Check:
    """One check of one link."""

    date: datetime.date
    status: LinkStatus
    http: int | None = None
    """The final HTTP status, when there was an answer."""
    location: str | None = None
    """Where it moved to."""
    reason: str | None = None
    """Why it was unreachable: timed out, connection refused, …"""
    stars: int | None = None
    archived: bool | None = None
    empty: bool | None = None
    """A repository with no commits (GitHub's size 0)."""
    pushed: datetime.date | None = None
    """A repository's last push."""
    license: str | None = None
    """A repository's licence, as GitHub's SPDX id (`license.spdx_id`, e.g. MIT)."""
    language: str | None = None
    """A repository's main language, as GitHub states it."""
    fork: bool | None = None
    """Whether the repository is a fork."""
    snapshot: str | None = None
    """A dead link's copy in the Web Archive (https), as its availability API named it."""
    no_snapshot: bool | None = None
    """True when the Web Archive's availability API said it holds no copy of a dead link."""

    @property
    def working(self) -> bool:
        """Whether the link works: it answers; for a repository, one that is not empty."""
        return self.status in (LinkStatus.LIVE, LinkStatus.MOVED) and not self.empty


@pickled_by_fields
@dataclass(frozen=True, slots=True)
class Health:
    """A link's state for a page: its newest check, and since when that state has held."""

    latest: Check
    checks: tuple[Check, ...]
    """Every check, oldest first."""
    since: datetime.date
    """The first of the newest checks that found this state."""

    @classmethod
    def of(cls, checks: tuple[Check, ...]) -> Health | None:
        if not checks:
            return None
        latest = checks[-1]
        since = latest.date
        for check in reversed(checks):
            if check.status is not latest.status:
                break
            since = check.date
        return cls(latest, checks, since)


@pickled_by_fields
@dataclass(frozen=True, slots=True)
class Link:
    """A cleaned http(s) link: found in an abstract, or stated by Hugging Face's API."""

    url: str
    kind: LinkKind
    stars: int | None = None
    """A repository's stars, when the API stated them."""
    health: Health | None = None
    """What `sitegen check-links` found, when it checked the link."""


@pickled_by_fields
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


@pickled_by_fields
@dataclass(frozen=True, slots=True)
class TagMatch:
    """A topic on a paper, who put it there and, for the taxonomy, the phrase that matched."""

    tag: Tag
    source: TagSource
    phrase: str = ""
    """The taxonomy phrase that matched; empty when the curator added the topic."""


@pickled_by_fields
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


@pickled_by_fields
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
    derived_from: bytes = field(default=b"", compare=False, repr=False)
    """A digest of what everything above but `related` was derived from (the paper, its note, the taxonomy, the
    link checks: annotate's memo key), which later stages key their own memos by; b"" when not known."""

    @property
    def slug(self) -> str:
        return self.paper.slug

    @property
    def has_code(self) -> bool:
        """Whether the paper links to code (a repository on a code host)."""
        return any(link.kind is LinkKind.CODE for link in self.links)

    @property
    def has_working_code(self) -> bool:
        """Whether a code link's newest check found it working: live (or moved) and not empty."""
        return any(link.kind is LinkKind.CODE and link.health is not None and link.health.latest.working
                   for link in self.links)

    def newest_first_key(self) -> tuple[int, int, int, int, int, int, str]:
        """Sort key putting the newest paper first: publication, then capture, then slug."""
        pub = self.paper.published.sort_key() if self.paper.published else (0, 0, 0)
        cap = self.paper.newest_capture
        cy, cm, cd = cap.sort_key() if cap else (0, 0, 0)
        return (-pub[0], -pub[1], -pub[2], -cy, -cm, -cd, self.paper.slug)
