"""`sitegen fetch --enrich`: metadata for the papers the archive holds.

1. A pasted paper with no arXiv id: its exact title is looked up, on Hugging Face (`/api/papers/search`), then
   on arXiv (a title search); an answer is kept only when exactly one result has the same title once case,
   spacing, punctuation and LaTeX residue are set aside. Kept: `metadata/hf/<id>.json` (the paper's
   `/api/papers/{id}`) or `metadata/arxiv/<id>.xml`. A title nothing or several things match is recorded in
   `metadata/lookups/<hash>.json`, so that it is not looked up again on every run.
2. Every paper with an arXiv id and no arXiv metadata: its entry, asked for in batches of ids
   (`metadata/arxiv/ids-<hash>.xml`), at most one request every 3 seconds. Ids arXiv answers with no entry
   (an empty feed: it does not know them) are recorded in `metadata/lookups/arxiv-missing-<hash>.json` and not
   asked for again for ARXIV_RETRY_DAYS days (a paper Hugging Face lists can reach arXiv's API a day late).
3. Every paper with an arXiv id and no `metadata/hf-repos/<id>.json`: the Hugging Face models, datasets and
   spaces that cite it (`/api/arxiv/{id}/repos`), at most REPOS_PER_RUN a run (the rest on the next runs).
"""

from __future__ import annotations

import contextlib
import datetime
import hashlib
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sitegen import fs
from sitegen.archive import Archive
from sitegen.errors import Report, SitegenError, shown
from sitegen.fetch.http import FetchError, Service, Services
from sitegen.fetch.sources import ARXIV_BATCH, arxiv_by_ids, hub_repos, paper, search_arxiv, search_hf
from sitegen.ingest.stage import ingest
from sitegen.model import Entry, Paper, SourceKind
from sitegen.progress import bar
from sitegen.text.slugs import merge_key

ARXIV_RETRY_DAYS = 3
"""Days before ids arXiv did not know are asked for again."""
REPOS_PER_RUN = 500
"""Papers whose citing repositories one run asks Hugging Face for."""


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
    missing: int = 0
    """Ids arXiv answered with no entry."""
    repos: int = 0
    """Papers whose citing repositories were asked for."""
    repos_left: int = 0

    def summary(self) -> str:
        left = f", {self.repos_left} left for the next run" if self.repos_left else ""
        return (f"Enriched: {self.records} papers' arXiv metadata asked for ({self.missing} unknown to arXiv), "
                f"{self.found} of {self.looked_up} titles found ({self.looked_up - self.found} not found or "
                f"ambiguous), {self.repos} papers' Hugging Face repositories asked for{left}; "
                f"{len(self.files)} files added")


def enrich(archive: Archive, services: Services, report: Report, today: datetime.date) -> Enriched:
    """Look pasted titles up, then fetch arXiv metadata and citing repositories for papers that have none."""
    contents = ingest(archive, report)
    done = Enriched()
    looked = _looked_up(archive)
    unnamed = [p for p in contents.papers if not p.facts.arxiv_id and _key(p) not in looked]
    found: set[str] = set()
    with bar(len(unnamed), "titles", "title") as progress:
        for p in unnamed:
            identifier = _look_up(archive, p, services, done, today)
            if identifier:
                found.add(identifier)
            progress.update()
    ids = {p.facts.arxiv_id for p in contents.papers if p.facts.arxiv_id} | found
    have = {r.entry.facts.arxiv_id for r in contents.records if r.source is SourceKind.ARXIV} | done.arxiv_ids
    wanted = sorted(i for i in ids - have - _missing_lately(archive, today) if i)
    _arxiv_metadata(archive, services.arxiv, wanted, done, today)
    _citing_repos(archive, services.hf, sorted(i for i in ids if i), done)
    return done


def _arxiv_metadata(archive: Archive, arxiv: Service, wanted: list[str], done: Enriched, today: datetime.date) -> None:
    """Ask arXiv for these ids in batches; keep the entries, and note the ids it does not know."""
    batches = [wanted[i:i + ARXIV_BATCH] for i in range(0, len(wanted), ARXIV_BATCH)]
    with bar(len(batches), "arXiv metadata", "request") as progress:
        for batch in batches:
            try:
                answer = arxiv_by_ids(arxiv, batch)
            except SitegenError as exc:
                raise FetchError(f"{exc.message}; nothing was written for {', '.join(batch[:3])}"
                                 f"{' …' if len(batch) > 3 else ''}", hint=f"{exc.hint}: sitegen fetch --enrich "
                                 "asks only for what is still missing") from None
            digest = hashlib.sha1(",".join(batch).encode()).hexdigest()[:12]
            if answer.body is not None:
                done.files.append(_add(archive.metadata_dir / "arxiv" / f"ids-{digest}.xml", answer.body))
            if answer.missing:
                record = {"kind": "arxiv-missing", "ids": list(answer.missing), "asked": today.isoformat()}
                name = f"arxiv-missing-{hashlib.sha1(f'{digest}{today}'.encode()).hexdigest()[:12]}.json"
                done.files.append(_add(archive.metadata_dir / "lookups" / name, _json(record)))
                done.missing += len(answer.missing)
            done.records += len(batch)
            progress.update()


def _missing_lately(archive: Archive, today: datetime.date) -> set[str]:
    """Return the ids arXiv did not know when asked less than ARXIV_RETRY_DAYS days ago."""
    ids: set[str] = set()
    for record in _records(archive):
        try:
            asked = datetime.date.fromisoformat(str(record["asked"]))
            if record.get("kind") == "arxiv-missing" and (today - asked).days < ARXIV_RETRY_DAYS:
                ids.update(str(i) for i in record["ids"])
        except (KeyError, TypeError, ValueError):
            continue
    return ids


def _citing_repos(archive: Archive, hf: Service, ids: list[str], done: Enriched) -> None:
    """Ask Hugging Face which repositories cite each paper that has no answer yet, REPOS_PER_RUN at most."""
    folder = archive.metadata_dir / "hf-repos"
    wanted = [i for i in ids if not (folder / f"{_file(i)}.json").exists()]
    done.repos_left = max(0, len(wanted) - REPOS_PER_RUN)
    with bar(min(len(wanted), REPOS_PER_RUN), "Hugging Face repositories", "paper") as progress:
        for identifier in wanted[:REPOS_PER_RUN]:
            try:
                body = hub_repos(hf, identifier)
            except SitegenError as exc:
                raise FetchError(f"the repositories citing {identifier}: {exc.message}; nothing was written for it",
                                 hint=f"{exc.hint}: the papers asked for before it are kept") from None
            if body is not None:
                done.files.append(_add(folder / f"{_file(identifier)}.json", body))
            done.repos += 1
            progress.update()


def _key(p: Paper) -> str:
    return merge_key(p.title)


def _looked_up(archive: Archive) -> set[str]:
    """Return the title keys an earlier run looked up without a match."""
    return {str(record["key"]) for record in _records(archive) if "key" in record}


def _records(archive: Archive) -> list[dict[str, Any]]:
    """Return the lookup records an earlier run wrote (metadata/lookups/*.json); a broken one is passed over."""
    folder = archive.metadata_dir / "lookups"
    records = []
    for path in sorted(folder.glob("*.json")) if folder.is_dir() else ():
        try:
            value = json.loads(archive.read_bytes(path))
        except (SitegenError, ValueError, RecursionError):
            continue
        if isinstance(value, dict):
            records.append(value)
    return records


def _json(record: dict[str, Any]) -> bytes:
    return (json.dumps(record, ensure_ascii=False, sort_keys=True, indent=1) + "\n").encode()


def _look_up(archive: Archive, p: Paper, services: Services, done: Enriched, today: datetime.date) -> str | None:
    """Find a pasted paper's arXiv id by its exact title; keep the answer only when one result matches."""
    hf, arxiv = services.hf, services.arxiv
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
            answer = arxiv_by_ids(arxiv, [identifier])
            if answer.body is not None:
                done.files.append(_add(archive.metadata_dir / "arxiv" / f"{_file(identifier)}.xml", answer.body))
            done.arxiv_ids.add(identifier)
            done.found += 1
            return identifier
    except SitegenError as exc:
        raise FetchError(f"looking up {shown(p.title)} ({p.slug}): {exc.message}; nothing was written for it",
                         hint=f"{exc.hint}: the papers looked up before it are kept") from None
    record = {"key": key, "title": p.title, "looked_up": today.isoformat(),
              "candidates": sorted({str(m.facts.arxiv_id) for m in matches + candidates})}
    done.files.append(_add(archive.metadata_dir / "lookups" / f"{hashlib.sha1(key.encode()).hexdigest()[:16]}.json",
                           _json(record)))
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
