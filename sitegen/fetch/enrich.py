"""`sitegen fetch --enrich`: metadata for the papers the archive holds.

1. A pasted paper with no arXiv id: its exact title is looked up, on Hugging Face (`/api/papers/search`), then
   on arXiv (a title search); an answer is kept only when exactly one result has the same title once case,
   spacing, punctuation and LaTeX residue are set aside. Kept: `metadata/hf/<id>.json` (the paper's
   `/api/papers/{id}`) or `metadata/arxiv/<id>.xml`. A title nothing or several things match is recorded in
   `metadata/lookups/<hash>.json`, so that it is not looked up again on every run.
2. Every paper with an arXiv id and no arXiv metadata: its entry, asked for in batches of ids
   (`metadata/arxiv/ids-<hash>.xml`), at most one request every 3 seconds.
"""

from __future__ import annotations

import contextlib
import datetime
import hashlib
import json
from dataclasses import dataclass, field
from pathlib import Path

from sitegen import fs
from sitegen.archive import Archive
from sitegen.errors import Report, SitegenError, shown
from sitegen.fetch.http import FetchError, Service
from sitegen.fetch.sources import ARXIV_BATCH, arxiv_by_ids, paper, search_arxiv, search_hf
from sitegen.ingest.slugs import merge_key
from sitegen.ingest.stage import read_archive
from sitegen.model import Entry, Paper, SourceKind
from sitegen.progress import bar


@dataclass
class Enriched:
    """What enriching did, for the summary line."""

    records: int = 0
    """arXiv entries asked for by id."""
    arxiv_ids: set[str] = field(default_factory=set)
    """Ids whose arXiv metadata a title lookup saved."""
    files: list[Path] = field(default_factory=list)
    looked_up: int = 0
    found: int = 0

    def summary(self) -> str:
        return (f"Enriched: {self.records} papers' arXiv metadata asked for, {self.found} of {self.looked_up} "
                f"titles found ({self.looked_up - self.found} not found or ambiguous); {len(self.files)} files added")


def enrich(archive: Archive, hf: Service, arxiv: Service, report: Report, today: datetime.date) -> Enriched:
    """Look pasted titles up, then fetch arXiv metadata for every paper with an id that has none."""
    contents = read_archive(archive, report)
    done = Enriched()
    looked = _looked_up(archive)
    unnamed = [p for p in contents.papers if not p.facts.arxiv_id and _key(p) not in looked]
    found: set[str] = set()
    with bar(len(unnamed), "titles", "title") as progress:
        for p in unnamed:
            identifier = _look_up(archive, p, hf, arxiv, done, today)
            if identifier:
                found.add(identifier)
            progress.update()
    have = {r.entry.facts.arxiv_id for r in contents.records if r.source is SourceKind.ARXIV} | done.arxiv_ids
    wanted = sorted(({p.facts.arxiv_id for p in contents.papers if p.facts.arxiv_id} | found) - have - {None})
    batches = [wanted[i:i + ARXIV_BATCH] for i in range(0, len(wanted), ARXIV_BATCH)]
    with bar(len(batches), "arXiv metadata", "request") as progress:
        for batch in batches:
            try:
                body = arxiv_by_ids(arxiv, [i for i in batch if i])
            except SitegenError as exc:
                raise FetchError(f"{exc.message}; nothing was written for {', '.join(str(i) for i in batch[:3])}"
                                 f"{' …' if len(batch) > 3 else ''}", hint=f"{exc.hint}: sitegen fetch --enrich "
                                 "asks only for what is still missing") from None
            digest = hashlib.sha1(",".join(str(i) for i in batch).encode()).hexdigest()[:12]
            done.files.append(_add(archive.metadata_dir / "arxiv" / f"ids-{digest}.xml", body))
            done.records += len(batch)
            progress.update()
    return done


def _key(p: Paper) -> str:
    return merge_key(p.title)


def _looked_up(archive: Archive) -> set[str]:
    """Return the title keys an earlier run looked up without a match."""
    folder = archive.metadata_dir / "lookups"
    keys = set()
    if folder.is_dir():
        for path in folder.glob("*.json"):
            try:
                keys.add(str(json.loads(archive.read_bytes(path))["key"]))
            except (SitegenError, ValueError, KeyError, TypeError):
                continue
    return keys


def _look_up(archive: Archive, p: Paper, hf: Service, arxiv: Service, done: Enriched,
             today: datetime.date) -> str | None:
    """Find a pasted paper's arXiv id by its exact title; keep the answer only when one result matches."""
    done.looked_up += 1
    key = _key(p)
    try:
        matches = _same_title(search_hf(hf, p.title), key)
        if len(matches) == 1:
            identifier = str(matches[0].facts.arxiv_id)
            done.files.append(_add(archive.metadata_dir / "hf" / f"{_file(identifier)}.json", paper(hf, identifier)))
            done.found += 1
            return identifier
        candidates = _same_title(search_arxiv(arxiv, p.title), key)
        if len(candidates) == 1:
            identifier = str(candidates[0].facts.arxiv_id)
            done.files.append(_add(archive.metadata_dir / "arxiv" / f"{_file(identifier)}.xml",
                                   arxiv_by_ids(arxiv, [identifier])))
            done.arxiv_ids.add(identifier)
            done.found += 1
            return identifier
    except SitegenError as exc:
        raise FetchError(f"looking up {shown(p.title)} ({p.slug}): {exc.message}; nothing was written for it",
                         hint=f"{exc.hint}: the papers looked up before it are kept") from None
    record = {"key": key, "title": p.title, "looked_up": today.isoformat(),
              "candidates": sorted({str(m.facts.arxiv_id) for m in matches + candidates})}
    done.files.append(_add(archive.metadata_dir / "lookups" / f"{hashlib.sha1(key.encode()).hexdigest()[:16]}.json",
                           (json.dumps(record, ensure_ascii=False, sort_keys=True, indent=1) + "\n").encode()))
    return None


def _same_title(entries: list[Entry], key: str) -> list[Entry]:
    """Return the entries whose title is the paper's, one per arXiv id."""
    by_id = {e.facts.arxiv_id: e for e in entries if e.facts.arxiv_id and merge_key(e.title) == key}
    return list(by_id.values())


def _file(identifier: str) -> str:
    return identifier.replace("/", "_")


def _add(path: Path, data: bytes) -> Path:
    """Add a new file; a file already there is left as it is (an earlier run or a curator put it there)."""
    with contextlib.suppress(FileExistsError):
        fs.add_file(path, data)
    return path
