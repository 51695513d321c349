"""A check-links run: which links, checking them, and what to write and say."""

from __future__ import annotations

import asyncio
import datetime
from collections import Counter

from sitegen.annotate.links import paper_links
from sitegen.archive import Archive
from sitegen.errors import Report
from sitegen.ingest.stage import read_archive
from sitegen.linkcheck.checker import Progress, check_all, github_repo
from sitegen.linkcheck.records import read_results, results_path, write_results
from sitegen.model import Check, LinkStatus
from sitegen.progress import bar


def check_links(archive: Archive, report: Report, older_than: int | None = None,
                today: datetime.date | None = None) -> str:
    """Check the archive's links (those due, with older_than); write links.json; return the summary line."""
    today = today or datetime.datetime.now(datetime.timezone.utc).date()
    contents = read_archive(archive, report)
    every = sorted({link.url for paper in contents.papers for link in paper_links(paper)})
    results = dict(read_results(archive, report))
    due = [url for url in every if _due(results.get(url, ()), today, older_than)]
    checked: dict[str, Check] = {}
    with bar(len(due), "links", "link") as progress:
        def done(url: str, check: Check) -> None:
            checked[url] = check
            results[url] = (*results.get(url, ()), check)
            progress.update()

        run = Progress(done)
        try:
            asyncio.run(check_all(due, today, run))
        finally:  # interrupted too: what was checked is kept
            if checked:
                write_results(results_path(archive), results)
    if run.left:
        reset = run.reset.strftime("%H:%M UTC") if run.reset else "later"
        report.warn(f"GitHub's rate limit ran out: {len(run.left)} repositories are left for the next run (it "
                    f"resets at {reset})", hint="set GITHUB_TOKEN for 5,000 requests an hour, or run again later "
                                                "with --older-than to continue")
    return _summary(checked, len(every), len(due), run.left)


def _due(checks: tuple[Check, ...], today: datetime.date, older_than: int | None) -> bool:
    if not checks or older_than is None:
        return True
    return (today - checks[-1].date).days >= older_than


def _summary(checked: dict[str, Check], every: int, due: int, left: list[str]) -> str:
    counts = Counter(check.status for check in checked.values())
    archived = sum(1 for c in checked.values() if c.archived)
    empty = sum(1 for c in checked.values() if c.empty)
    repos = sum(1 for url in checked if github_repo(url))
    parts = [f"{counts[s]} {s.value}" for s in LinkStatus] + [f"{archived} archived", f"{empty} empty"]
    skipped = f"; {every - due} checked recently, skipped" if every > due else ""
    unfinished = f"; {len(left)} left for the next run" if left else ""
    return (f"Checked {len(checked)} of {every} links ({repos} GitHub repositories through its API): "
            f"{' / '.join(parts)}{skipped}{unfinished}")
