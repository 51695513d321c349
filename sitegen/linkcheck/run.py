"""A check-links run: which links, checking them, the Web Archive's copies of dead ones, and what to write and say.

A run in which no server answered and every check failed to resolve its host or connect is a machine without a
network, not a web of dead links: it records nothing, leaves links.json as it was, and fails.
"""

from __future__ import annotations

import asyncio
import dataclasses
import datetime
from collections import Counter

from sitegen.archive import Archive
from sitegen.archive.links import read_all, results_path, write_results
from sitegen.errors import Report, SitegenError
from sitegen.ingest.stage import ingest
from sitegen.linkcheck.checker import Progress, check_all, copies
from sitegen.linkcheck.github import github_repo
from sitegen.model import Check, LinkStatus
from sitegen.progress import bar
from sitegen.text.links import paper_links


class NoNetwork(SitegenError):
    """Every check failed before reaching a server."""


def check_links(archive: Archive, report: Report, older_than: int | None = None,
                today: datetime.date | None = None) -> str:
    """Check the archive's links (those due, with older_than); write links.json; return the summary line."""
    today = today or datetime.datetime.now(datetime.timezone.utc).date()
    contents = ingest(archive, report)
    stored = read_all(archive, report)
    if not stored.readable:
        raise SitegenError("cannot be read, so check-links will not replace it (see the warning above)",
                           path=results_path(archive), hint="restore it from the repository's history or remove it, "
                           "then run again")
    every = sorted({link.url for paper in contents.papers for link in paper_links(paper)})
    results = dict(stored.checks)
    due = [url for url in every if url not in stored.unread and _due(results.get(url, ()), today, older_than)]
    checked: dict[str, Check] = {}
    with bar(len(due), "links", "link") as progress:
        def done(url: str, check: Check) -> None:
            checked[url] = check
            progress.update()

        run = Progress(done)
        try:
            asyncio.run(check_all(due, today, run))
        except BaseException:  # interrupted: what was checked is kept, unless nothing reached a server
            if checked and (run.answered or not run.unreachable):
                write_results(results_path(archive), _merged(results, checked), stored.unread)
            raise
    _no_network(run, checked)
    checked.update(_with_copies(checked, results))
    if checked:
        write_results(results_path(archive), _merged(results, checked), stored.unread)
    _warn_left(run, report)
    unread = sum(1 for url in every if url in stored.unread)
    return _summary(checked, len(every), len(due) + unread, run.left, unread)


def _no_network(run: Progress, checked: dict[str, Check]) -> None:
    if run.unreachable and not run.answered:
        example = next((f"{url}: {c.reason}" for url, c in sorted(checked.items()) if c.reason), "")
        raise NoNetwork(f"the network seems unreachable: every one of the {run.unreachable} links tried failed to "
                        f"resolve or to connect ({example}); nothing was recorded and links.json is as it was",
                        hint="check the connection and the proxy settings (HTTPS_PROXY), then run again")


def _merged(results: dict[str, tuple[Check, ...]], checked: dict[str, Check]) -> dict[str, tuple[Check, ...]]:
    return {**results, **{url: (*results.get(url, ()), check) for url, check in checked.items()}}


def _with_copies(checked: dict[str, Check], results: dict[str, tuple[Check, ...]]) -> dict[str, Check]:
    """Add the Web Archive's copy to each dead link's check: the last one found while it stayed dead, else asked."""
    out: dict[str, Check] = {}
    wanted: dict[str, datetime.date | None] = {}
    for url, check in checked.items():
        if check.status is not LinkStatus.DEAD:
            continue
        before = results.get(url, ())
        if before and before[-1].status is LinkStatus.DEAD and (before[-1].snapshot or before[-1].no_snapshot):
            out[url] = dataclasses.replace(check, snapshot=before[-1].snapshot, no_snapshot=before[-1].no_snapshot)
        else:
            wanted[url] = next((c.date for c in reversed(before) if c.working), None)
    for url, copy in asyncio.run(copies(wanted)).items() if wanted else ():
        out[url] = dataclasses.replace(checked[url], snapshot=copy.snapshot, no_snapshot=copy.none or None)
    return out


def _due(checks: tuple[Check, ...], today: datetime.date, older_than: int | None) -> bool:
    if not checks or older_than is None:
        return True
    return (today - checks[-1].date).days >= older_than


def _warn_left(run: Progress, report: Report) -> None:
    if run.limited:
        when = f" (it resets at {run.reset.strftime('%H:%M UTC')})" if run.reset else " (it did not say when)"
        report.warn(f"GitHub's rate limit ran out: {len(run.left)} repositories are left for the next run{when}",
                    hint="set GITHUB_TOKEN for 5,000 requests an hour, or run again later with --older-than to "
                         "continue")
    elif run.left:
        report.warn(f"GitHub's API failed for {len(run.left)} repositories; they are left for the next run",
                    hint="GitHub may be having trouble: run again later")


def _summary(checked: dict[str, Check], every: int, due: int, left: list[str], unread: int) -> str:
    counts = Counter(check.status for check in checked.values())
    archived = sum(1 for c in checked.values() if c.archived)
    empty = sum(1 for c in checked.values() if c.empty)
    repos = sum(1 for url in checked if github_repo(url))
    parts = [f"{counts[s]} {s.value.replace('-', ' ')}" for s in LinkStatus] + [f"{archived} archived",
                                                                                f"{empty} empty"]
    skipped = f"; {every - due} checked recently, skipped" if every > due else ""
    unfinished = f"; {len(left)} left for the next run" if left else ""
    unreadable = f"; {unread} whose links.json entry cannot be read, left as they were" if unread else ""
    return (f"Checked {len(checked)} of {every} links ({repos} GitHub repositories through its API): "
            f"{' / '.join(parts)}{skipped}{unreadable}{unfinished}")
